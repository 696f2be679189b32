//! DESIGN §6 rule 12: duplicate candidates, unknown posts, dates that do not exist and unknown
//! rule slugs are errors. (Unknown keys are warned about where YAML is read, in `yaml`.)

use jiff::civil;
use std::collections::{BTreeMap, HashSet};

use super::doc::{At, Doc};
use crate::dates::{Date, Month};
use crate::model::Body;

/// A valid date, or a diagnostic for a date that does not exist.
pub(super) fn date(doc: Doc, d: &Date, path: &str) -> Option<civil::Date> {
    match d {
        Date::Ok(x) => Some(*x),
        Date::Invalid(s) => {
            doc.err(At::Value(path), format!("日期“{s}”不存在或格式不对。"), "日期请写成 YYYY-MM-DD，例如 2026-12-12，并确认这一天确实存在（如 2 月没有 30 日）。");
            None
        }
    }
}

/// A valid year and month, or a diagnostic (a full date is refused: births are not published).
pub(super) fn month(doc: Doc, m: &Month, path: &str) -> Option<(i16, i8)> {
    match m {
        Month::Ok { year, month } => Some((*year, *month)),
        Month::Invalid(s) => {
            if crate::dates::parse_date(s).is_some() {
                doc.err(
                    At::Value(path),
                    format!("“{s}”写到了日，这里只写年和月。"),
                    format!("请改成 \"{}\"（公示不公开出生日期）。", &s[..7]),
                );
            } else {
                doc.err(
                    At::Value(path),
                    format!("年月“{s}”格式不对。"),
                    "请写成带引号的 \"YYYY-MM\"，例如 \"1975-03\"。",
                );
            }
            None
        }
    }
}

/// Every slug in a `rules:` list names a file in `content/rules/`.
pub(super) fn rule_refs(doc: Doc, slugs: &[String], known: &HashSet<&str>) {
    for (n, s) in slugs.iter().enumerate() {
        if !known.contains(s.as_str()) {
            let mut names: Vec<&&str> = known.iter().collect();
            names.sort();
            let list = names
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("、");
            doc.err(
                At::Value(&format!("rules.{n}")),
                format!("找不到纪律“{s}”：content/rules/{s}.md 不存在。"),
                if list.is_empty() {
                    "content/rules/ 里还没有纪律文件。".to_string()
                } else {
                    format!("已有的纪律：{list}。")
                },
            );
        }
    }
}

/// Candidate `k` (at `path`) has the name of an earlier one, `prev`.
pub(super) fn duplicate_candidate(doc: Doc, path: &str, name: &str, prev: usize, k: usize) {
    doc.err(
        At::Value(&format!("{path}.name")),
        format!(
            "候选人“{name}”重复出现（第 {} 位和第 {} 位）。",
            prev + 1,
            k + 1
        ),
        "同名同姓的不同候选人请在姓名后加括号注明，如“王强（三组）”；否则请删除重复的一项。",
    );
}

/// A candidate's `post` (at `path`) is one of the body's seats, when seats are written.
pub(super) fn unknown_post(
    doc: Doc,
    path: &str,
    post: &str,
    body: Body,
    seats: &BTreeMap<String, u32>,
    village_file: &std::path::Path,
) {
    if seats.is_empty() || seats.contains_key(post) {
        return;
    }
    let known = seats.keys().cloned().collect::<Vec<_>>().join("、");
    doc.err(
        At::Value(&format!("{path}.post")),
        format!(
            "拟任职务“{post}”不在本村{}的职数（{}）中。",
            body.zh(),
            body.seats_key()
        ),
        format!(
            "可选职务：{known}。如果职务设置有变，请改 {}。",
            village_file.display()
        ),
    );
}
