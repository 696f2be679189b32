//! DESIGN §6 rule 8: ages are computed on polling day (a party branch's own `election_day`)
//! from the year and month of birth.

use jiff::civil;

use super::doc::{At, Doc};
use crate::dates::Month;

/// A candidate born in `birth` (written at `path`) is 18–100 years old on `day`.
pub(super) fn candidate(doc: Doc, path: &str, label: &str, birth: &Month, day: civil::Date) {
    let Month::Ok { year, month } = birth else {
        return;
    };
    let age = crate::dates::age_on((*year, *month), day);
    if !(18..=100).contains(&age) {
        doc.err(
            At::Value(&format!("{path}.birth")),
            format!("{label}在选举日的年龄是 {age} 岁，不在 18–100 岁之间。"),
            "请核对出生年月。",
        );
    }
}
