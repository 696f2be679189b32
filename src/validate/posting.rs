//! DESIGN §6 rule 6: `posted.to` ≥ `posted.from`, and the county's `posting_min_days`.

use jiff::civil;

use super::doc::{At, Doc};
use crate::dates::{days_between, zh_date};
use crate::model::Profile;

pub(super) fn dates(doc: Doc, from: civil::Date, to: civil::Date, profile: &Profile) {
    if to < from {
        doc.err(
            At::Value("posted.to"),
            format!(
                "公示结束日期（{}）早于开始日期（{}）。",
                zh_date(to),
                zh_date(from)
            ),
            "请核对 posted 的 from 和 to。",
        );
        return;
    }
    let days = days_between(from, to) + 1;
    let min = profile.posting_min_days as i64;
    if days < min {
        doc.warn(At::Value("posted.to"), format!("公示期只有 {days} 天，少于规定的 {min} 天。"), format!("请把 posted.to 延后到 {} 或以后（村民委员会组织法 2025 年修正：公示期不少于 {min} 天）。", zh_date(from.checked_add(jiff::Span::new().days(min - 1)).unwrap_or(to))));
    }
}
