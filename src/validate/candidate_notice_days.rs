//! DESIGN §6 rule 2: the formal candidate list goes up at least `candidate_notice_min_days`
//! (default 5) before the body's election day.

use jiff::civil;

use super::doc::{At, Doc};
use crate::dates::{days_between, zh_date};
use crate::model::Profile;

/// `from` is `posted.from`, `day` the body's election day.
pub(super) fn check(doc: Doc, from: civil::Date, day: civil::Date, profile: &Profile) {
    let min = profile.candidate_notice_min_days as i64;
    let ahead = days_between(from, day);
    if ahead < min {
        doc.err(
            At::Value("posted.from"),
            format!(
                "候选人名单在选举日（{}）前 {ahead} 天才公布，规定至少提前 {min} 天。",
                zh_date(day)
            ),
            format!(
                "请最迟在 {} 公布（posted.from），或核对选举日。",
                zh_date(day.checked_sub(jiff::Span::new().days(min)).unwrap_or(day))
            ),
        );
    }
}
