//! Lenient calendar types: a date that does not exist (2026-02-30) or is written the wrong
//! way is kept as text, so the validator can report it with its location and carry on,
//! instead of serde stopping the whole file at the first bad date.

use jiff::civil;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Date {
    Ok(civil::Date),
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Month {
    Ok { year: i16, month: i8 },
    Invalid(String),
}

/// Parse `YYYY-MM-DD` strictly (four-digit year, two-digit month and day).
pub fn parse_date(s: &str) -> Option<civil::Date> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i16 = s[0..4].parse().ok()?;
    let m: i8 = s[5..7].parse().ok()?;
    let d: i8 = s[8..10].parse().ok()?;
    civil::Date::new(y, m, d).ok()
}

/// Parse `YYYY-MM`.
pub fn parse_month(s: &str) -> Option<(i16, i8)> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let y: i16 = s[0..4].parse().ok()?;
    let m: i8 = s[5..7].parse().ok()?;
    if !(1..=12).contains(&m) || !(1900..=2200).contains(&y) {
        return None;
    }
    Some((y, m))
}

impl Date {
    pub fn get(&self) -> Option<civil::Date> {
        match self {
            Date::Ok(d) => Some(*d),
            Date::Invalid(_) => None,
        }
    }
}

impl Month {
    pub fn get(&self) -> Option<(i16, i8)> {
        match self {
            Month::Ok { year, month } => Some((*year, *month)),
            Month::Invalid(_) => None,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Date::Ok(d) => write!(f, "{}", d),
            Date::Invalid(s) => f.write_str(s),
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Month::Ok { year, month } => write!(f, "{year:04}-{month:02}"),
            Month::Invalid(s) => f.write_str(s),
        }
    }
}

/// Accept any scalar and keep it as text; YAML may type `2026-01-05` or `1975` itself.
fn scalar_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a date")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_str(V)
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = scalar_text(d)?;
        Ok(match parse_date(&s) {
            Some(x) => Date::Ok(x),
            None => Date::Invalid(s),
        })
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = scalar_text(d)?;
        Ok(match parse_month(&s) {
            Some((year, month)) => Month::Ok { year, month },
            None => Month::Invalid(s),
        })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

// Dates are formatted for every notice, board and link of a province (a quarter of a
// million strings): written digit by digit rather than through `format!`.

/// Append `n` in decimal, zero-padded to `width` digits.
fn push_num(s: &mut String, n: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut i = buf.len();
    let mut v = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len().saturating_sub(width));
    for &b in &buf[start..] {
        s.push(b as char);
    }
}

/// `2026年12月12日`.
pub fn zh_date(d: civil::Date) -> String {
    if d.year() < 0 {
        return format!("{}年{}月{}日", d.year(), d.month(), d.day());
    }
    let mut s = String::with_capacity(17);
    push_num(&mut s, d.year() as u32, 1);
    s.push('年');
    push_num(&mut s, d.month() as u32, 1);
    s.push('月');
    push_num(&mut s, d.day() as u32, 1);
    s.push('日');
    s
}

/// `2026-12-12`, as jiff writes it.
pub fn iso_date(d: civil::Date) -> String {
    if !(0..=9999).contains(&d.year()) {
        return d.to_string();
    }
    let mut s = String::with_capacity(10);
    push_num(&mut s, d.year() as u32, 4);
    s.push('-');
    push_num(&mut s, d.month() as u32, 2);
    s.push('-');
    push_num(&mut s, d.day() as u32, 2);
    s
}

/// `1975年3月` / `1975.03` style used in tables: `1975.03`.
pub fn dotted_month(year: i16, month: i8) -> String {
    if year < 0 || month < 0 {
        return format!("{year}.{month:02}");
    }
    let mut s = String::with_capacity(7);
    push_num(&mut s, year as u32, 1);
    s.push('.');
    push_num(&mut s, month as u32, 2);
    s
}

/// Whole years from a birth month to a day; the day of birth is unknown, so a birthday in
/// the same month counts as passed (the common convention for 周岁 by month).
pub fn age_on(birth: (i16, i8), day: civil::Date) -> i32 {
    let (by, bm) = birth;
    let mut age = day.year() as i32 - by as i32;
    if (day.month() as i32) < bm as i32 {
        age -= 1;
    }
    age
}

/// Days from `a` to `b` (positive when b is later).
pub fn days_between(a: civil::Date, b: civil::Date) -> i64 {
    b.to_jiff_epoch_days() - a.to_jiff_epoch_days()
}

trait EpochDays {
    fn to_jiff_epoch_days(&self) -> i64;
}

impl EpochDays for civil::Date {
    fn to_jiff_epoch_days(&self) -> i64 {
        // jiff spans between civil dates in days are exact.
        let origin = civil::date(1970, 1, 1);
        origin
            .until((jiff::Unit::Day, *self))
            .map(|s| i64::from(s.get_days()))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn hand_written_dates_match_format() {
        for (y, m, d) in [
            (2026, 11, 22),
            (1, 1, 1),
            (999, 12, 31),
            (9999, 12, 31),
            (2000, 2, 29),
            (1975, 3, 5),
        ] {
            let date = jiff::civil::date(y, m, d);
            assert_eq!(super::iso_date(date), date.to_string());
            assert_eq!(super::zh_date(date), format!("{y}年{m}月{d}日"));
            assert_eq!(super::dotted_month(y, m), format!("{y}.{m:02}"));
        }
        let neg = jiff::civil::date(-5, 1, 2);
        assert_eq!(super::iso_date(neg), neg.to_string());
    }

    use super::*;

    #[test]
    fn impossible_dates_are_kept_as_text() {
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-2-3").is_none());
        assert_eq!(parse_date("2024-02-29"), Some(civil::date(2024, 2, 29)));
        assert!(parse_month("1975-13").is_none());
        assert!(parse_month("1975-03-01").is_none());
    }

    #[test]
    fn ages_count_whole_years_on_polling_day() {
        let pd = civil::date(2026, 12, 12);
        assert_eq!(age_on((1975, 3), pd), 51);
        assert_eq!(age_on((1975, 12), pd), 51);
        assert_eq!(age_on((1991, 12), pd), 35);
        assert_eq!(age_on((1992, 1), pd), 34);
    }

    #[test]
    fn days_between_counts_calendar_days() {
        assert_eq!(
            days_between(civil::date(2026, 11, 20), civil::date(2026, 12, 12)),
            22
        );
        assert_eq!(
            days_between(civil::date(2026, 12, 12), civil::date(2026, 11, 20)),
            -22
        );
    }
}
