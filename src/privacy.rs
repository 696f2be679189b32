//! Personal numbers: full 18-digit 身份证号 and 11-digit mobile numbers are masked wherever
//! they appear. Masking works on the raw text and keeps every character's byte length, so
//! line and column numbers of everything else stay true.

use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    IdNumber,
    Mobile,
}

impl Kind {
    pub fn zh(self) -> &'static str {
        match self {
            Kind::IdNumber => "身份证号码",
            Kind::Mobile => "手机号码",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Found {
    pub kind: Kind,
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    /// The masked form, e.g. `138****1234`.
    pub masked: String,
}

static ID_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9０-９]{17}[0-9０-９XxＸｘ]").expect("valid regex"));
static MOBILE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[1１][3-9３-９][0-9０-９](?:[ \-]?[0-9０-９]{4}){2}").expect("valid regex")
});

fn is_digitish(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn bounded(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(is_digitish)
        && !after.is_some_and(|c| is_digitish(c) || c == 'X' || c == 'x')
}

/// Where a digit stands in the walk of [`digit_runs`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The first digit of a run.
    Start,
    /// The first digit after a single space or hyphen inside a run.
    AfterGap,
    /// Any other digit of a run.
    Next,
}

/// Walk every run of digits (ASCII or full-width) in `b`, through single spaces and hyphens,
/// calling `on_digit(i, len, step)` for each digit (`len` bytes at `i`); stops and returns
/// `true` at the first call that does.
fn digit_runs(b: &[u8], mut on_digit: impl FnMut(usize, usize, Step) -> bool) -> bool {
    let mut i = 0;
    while let Some(start) = next_digit(b, i) {
        i = start;
        let mut step = Step::Start;
        while i < b.len() {
            let len = digit_len(b, i);
            if len > 0 {
                if on_digit(i, len, step) {
                    return true;
                }
                step = Step::Next;
                i += len;
            } else if (b[i] == b' ' || b[i] == b'-') && step == Step::Next {
                step = Step::AfterGap;
                i += 1;
            } else {
                break;
            }
        }
        // `b[i]` (if any) ended the run and is no digit.
        i += 1;
    }
    false
}

/// Whether `text` holds eleven or more digits (ASCII or full-width) in a row, counting
/// through single spaces and hyphens: the least that either pattern can match.
fn has_long_number(text: &str) -> bool {
    let mut digits = 0;
    digit_runs(text.as_bytes(), |_, _, step| {
        if step == Step::Start {
            digits = 0;
        }
        digits += 1;
        digits >= 11
    })
}

/// Whether either pattern could match in `text`: seventeen digits (ASCII or full-width) in
/// a row, which an ID number needs, or a mobile number's exact shape starting at a `1`.
/// Closer than [`has_long_number`] (landlines like 0914-7712345 pass that one, not this),
/// and dearer, so it only looks at the texts that pass that one.
fn may_hold_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut in_a_row = 0;
    digit_runs(b, |i, len, step| {
        if step != Step::Next {
            in_a_row = 0;
        }
        in_a_row += 1;
        // A `1` (`31` or `EF BC 91`) may start a mobile number.
        let one = b[i + len - 1] == if len == 1 { b'1' } else { 0x91 };
        in_a_row >= 17 || (one && mobile_at(b, i))
    })
}

/// Whether [`MOBILE_RE`] matches at `i`: `[1１][3-9３-９][0-9０-９]`, then twice an optional
/// space or hyphen and four digits.
fn mobile_at(b: &[u8], mut i: usize) -> bool {
    let digit = |i: &mut usize, ok: fn(u8) -> bool| -> bool {
        let len = if *i < b.len() { digit_len(b, *i) } else { 0 };
        if len == 0 || !ok(b[*i + len - 1] & 0x0F) {
            return false;
        }
        *i += len;
        true
    };
    // The last byte of an ASCII or full-width digit holds its value in the low nibble.
    if !(digit(&mut i, |d| d == 1) && digit(&mut i, |d| d >= 3) && digit(&mut i, |_| true)) {
        return false;
    }
    for _ in 0..2 {
        if matches!(b.get(i), Some(b' ' | b'-')) {
            i += 1;
        }
        for _ in 0..4 {
            if !digit(&mut i, |_| true) {
                return false;
            }
        }
    }
    true
}

/// Byte length of the digit starting at `i`: 1 for ASCII, 3 for full-width (`EF BC 90..99`),
/// 0 for anything else (including the middle of a character).
#[inline]
fn digit_len(b: &[u8], i: usize) -> usize {
    let c = b[i];
    if c.is_ascii_digit() {
        1
    } else if c == 0xEF && i + 2 < b.len() && b[i + 1] == 0xBC && (0x90..=0x99).contains(&b[i + 2])
    {
        3
    } else {
        0
    }
}

/// The first position at or after `i` where a digit starts.
fn next_digit(b: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Eight bytes at a time: flag ASCII digits (a byte below 10 after XOR 0x30) and 0xEF
    // (the lead byte of a full-width digit; a zero byte after XOR 0xEF). The classic "has a
    // byte less than n" test may also flag bytes above a true hit, never below one, so the
    // lowest flag is exact.
    while let Some(w) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        let y = x ^ (ONES * 0x30);
        let z = x ^ (ONES * 0xEF);
        let flags = (y.wrapping_sub(ONES * 10) & !y | z.wrapping_sub(ONES) & !z) & HIGH;
        if flags == 0 {
            i += 8;
            continue;
        }
        let j = i + (flags.trailing_zeros() / 8) as usize;
        if digit_len(b, j) > 0 {
            return Some(j);
        }
        // A 0xEF that starts something else (full-width punctuation).
        i = j + 1;
    }
    (i..b.len()).find(|&j| digit_len(b, j) > 0)
}

/// Every full ID or mobile number in `text`, in order.
pub fn find(text: &str) -> Vec<Found> {
    // Fast path: both patterns need eleven digits with at most single spaces or hyphens
    // between them; dates, 12380 and the like never get there, so most texts skip the
    // regexes. Of the rest, landlines and the like fail the closer look.
    if !has_long_number(text) || !may_hold_number(text) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in ID_RE.find_iter(text) {
        if bounded(text, m.start(), m.end()) {
            out.push(Found {
                kind: Kind::IdNumber,
                start: m.start(),
                end: m.end(),
                masked: mask_keep(m.as_str(), 6, 2),
            });
        }
    }
    for m in MOBILE_RE.find_iter(text) {
        let overlaps = out.iter().any(|f| m.start() < f.end && f.start < m.end());
        if !overlaps && bounded(text, m.start(), m.end()) {
            out.push(Found {
                kind: Kind::Mobile,
                start: m.start(),
                end: m.end(),
                masked: mask_keep(m.as_str(), 3, 4),
            });
        }
    }
    out.sort_by_key(|f| f.start);
    out
}

/// Replace the digits of `s` except the first `keep_head` and last `keep_tail` with `*`,
/// keeping each character's byte length (a full-width digit becomes `＊`).
fn mask_keep(s: &str, keep_head: usize, keep_tail: usize) -> String {
    let total = s.chars().filter(|c| !matches!(c, ' ' | '-')).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if matches!(c, ' ' | '-') {
                return c;
            }
            seen += 1;
            if seen <= keep_head || seen > total - keep_tail {
                c
            } else if c.is_ascii() {
                '*'
            } else {
                '＊'
            }
        })
        .collect()
}

/// Apply the masks of `found` to `text`.
pub fn apply(text: &str, found: &[Found]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for f in found {
        out.push_str(&text[last..f.start]);
        out.push_str(&f.masked);
        last = f.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Apply masks inside Markdown, where a bare `*` would start emphasis.
pub fn apply_markdown(text: &str, found: &[Found]) -> String {
    let escaped: Vec<Found> = found
        .iter()
        .map(|f| Found {
            masked: f.masked.replace('*', "\\*"),
            ..f.clone()
        })
        .collect();
    apply(text, &escaped)
}

/// Mask everything in `text` (for text that never needs a diagnostic).
pub fn mask_all(text: &str) -> String {
    let found = find(text);
    if found.is_empty() {
        text.to_string()
    } else {
        apply(text, &found)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_ids_and_mobiles_keeping_length() {
        let t = "身份证620102199001011234，手机13812345678，座机0914-7712345，监督电话12380。";
        let f = find(t);
        assert_eq!(f.len(), 2);
        let m = apply(t, &f);
        assert!(m.contains("620102**********34"));
        assert!(m.contains("138****5678"));
        assert!(m.contains("0914-7712345"));
        assert!(m.contains("12380"));
        assert_eq!(m.len(), t.len());
    }

    #[test]
    fn id_with_x_and_separated_mobiles() {
        let t = "证号 11010519491231002X 电话 139-1234-5678 或 186 0000 1111";
        let m = mask_all(t);
        assert!(m.contains("110105**********2X"), "{m}");
        assert!(m.contains("139-****-5678"), "{m}");
        assert!(m.contains("186 **** 1111"), "{m}");
    }

    #[test]
    fn full_width_digits_are_masked_too() {
        let t = "电话：１３８１２３４５６７８";
        let m = mask_all(t);
        assert_eq!(m.len(), t.len());
        assert!(m.contains("１３８＊＊＊＊５６７８"), "{m}");
    }

    #[test]
    fn longer_digit_runs_are_not_numbers_of_people() {
        // An account number or a 12-digit area code is not a phone number.
        assert!(find("账号 6222021234567890123 区划代码 610929100201").is_empty());
    }

    proptest::proptest! {
        /// The fast path may only skip texts in which neither pattern can match.
        #[test]
        fn fast_path_never_skips_a_number(t in "(1[3-9]|１３|１|[0-9]{1,5}|[0-9]{4}|[０-９]{1,3}|[ \\-]|X|x|至|a{1,40}|村民委员会|，|：){0,20}") {
            if !has_long_number(&t) || !may_hold_number(&t) {
                proptest::prop_assert!(ID_RE.find(&t).is_none(), "{}", t);
                proptest::prop_assert!(MOBILE_RE.find(&t).is_none(), "{}", t);
            }
        }

        /// The word-at-a-time search finds the same next digit as a byte-at-a-time one, at
        /// every alignment, with look-alikes of full-width digits (`：` is `EF BC 9A`, `弓`
        /// is `E5 BC 93`) around.
        #[test]
        fn next_digit_matches_a_byte_at_a_time_search(t in "(1|[0-9]{1,6}|[０-９]{1,4}|[ \\-]|X|：|弓|，|a{1,40}|村民委员会{1,8}){0,40}") {
            let b = t.as_bytes();
            for i in 0..=b.len() {
                let want = (i..b.len()).find(|&j| digit_len(b, j) > 0);
                proptest::prop_assert_eq!(next_digit(b, i), want, "{} at {}", t, i);
            }
        }
    }

    #[test]
    fn fast_path_sees_the_numbers_the_patterns_see() {
        for t in [
            "电话 139-1234-5678",
            "１３８１２３４５６７８",
            "或 186 0000 1111。",
            "证号 11010519491231002X",
            "620102199001011234",
        ] {
            assert!(may_hold_number(t), "{t}");
        }
        for t in [
            "2026-11-22 至 2026-11-29，监督电话 12380",
            "139--1234-5678",
            "联系电话 0914-7712345",
            "1234567890123456",
        ] {
            assert!(!may_hold_number(t), "{t}");
        }
        // Every digit, ASCII and full-width, at every alignment after CJK text.
        for d in ('0'..='9').chain('０'..='９') {
            for pad in 0..40 {
                let lead = format!("{}村民委员会", "a".repeat(pad));
                let mobile = format!("{lead}13{}。", d.to_string().repeat(9));
                let id = format!("{lead}{}。", d.to_string().repeat(17));
                assert!(may_hold_number(&mobile), "{mobile}");
                assert!(may_hold_number(&id), "{id}");
            }
        }
    }

    /// The scan as it was first written, a byte at a time: the reference for the chunked one.
    fn has_long_number_reference(text: &str) -> bool {
        let b = text.as_bytes();
        let (mut digits, mut gap, mut i) = (0, false, 0);
        while i < b.len() {
            let len = digit_len(b, i);
            if len > 0 {
                digits += 1;
                gap = false;
                if digits >= 11 {
                    return true;
                }
                i += len;
                continue;
            }
            if (b[i] == b' ' || b[i] == b'-') && digits > 0 && !gap {
                gap = true;
            } else {
                digits = 0;
                gap = false;
            }
            i += 1;
        }
        false
    }

    proptest::proptest! {
        /// The chunked scan finds exactly the runs the byte-at-a-time scan finds, at every
        /// alignment, with look-alikes of full-width digits (`：` is `EF BC 9A`, `弓` is
        /// `E5 BC 93`) around.
        #[test]
        fn chunked_scan_matches_the_reference(t in "(1|[0-9]{1,6}|[０-９]{1,4}|[ \\-]|X|：|弓|，|a{1,40}|村民委员会{1,8}){0,40}") {
            proptest::prop_assert_eq!(has_long_number(&t), has_long_number_reference(&t), "{}", t);
        }
    }

    #[test]
    fn fast_path_sees_numbers_through_separators() {
        assert!(has_long_number("电话 139-1234-5678"));
        assert!(has_long_number("１３８１２３４５６７８"));
        assert!(!has_long_number("2026-11-22 至 2026-11-29，监督电话 12380"));
        assert!(!has_long_number("139--1234-5678"));
        // Every digit, ASCII and full-width, at every alignment after CJK text.
        for d in ('0'..='9').chain('０'..='９') {
            for pad in 0..40 {
                let t = format!(
                    "{}村民委员会{}。",
                    "a".repeat(pad),
                    d.to_string().repeat(11)
                );
                assert!(has_long_number(&t), "{t}");
            }
        }
    }
}
