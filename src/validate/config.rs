//! DESIGN §3: the required fields of `site.yaml`, `area.yaml` and `village.yaml` (a village's
//! seats are rule 4, in `committee.rs`).

use jiff::civil;

use super::doc::{At, Doc};
use super::{required, unknowns};
use crate::model::{AreaConfig, SiteConfig, VillageConfig};

const LEVELS: &[&str] = &[
    "省",
    "自治区",
    "直辖市",
    "市",
    "地区",
    "州",
    "盟",
    "县",
    "区",
    "旗",
    "县级市",
    "乡",
    "镇",
    "街道",
    "苏木",
];

pub(super) fn site(doc: Doc, s: &SiteConfig) {
    if s.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        doc.err(
            At::Origin,
            "site.yaml 缺少 title（网站名称）。",
            "例如：title: 白河县村（社区）“两委”换届选举公示平台",
        );
    }
    if s.organizer.is_none() {
        doc.warn(
            At::Origin,
            "site.yaml 没有写 organizer（主办单位），网页底部将不显示主办单位。",
            "例如：organizer: 中共白河县委组织部",
        );
    }
    match s.base_url.as_deref() {
        None => doc.warn(At::Origin, "site.yaml 没有写 base_url（网站正式网址），海报上的二维码和公众号原文链接将无法指向网页。", "例如：base_url: https://gongshi.example.gov.cn/"),
        Some(u) if !(u.starts_with("https://") || u.starts_with("http://")) => doc.err(At::Value("base_url"), format!("base_url“{u}”不是完整网址。"), "请以 https:// 或 http:// 开头。"),
        _ => {}
    }
    if !s
        .contacts
        .iter()
        .any(|c| c.phone.as_deref().is_some_and(|p| p.trim() == "12380"))
    {
        doc.warn(
            At::Value("contacts"),
            "全站联系方式里没有 12380 举报电话。",
            "请在 site.yaml 的 contacts 里加上：- {label: 组织部门举报电话, phone: \"12380\"}",
        );
    }
    required::contacts(doc, &s.contacts, "contacts");
    let p = &s.profile;
    for (name, v) in [
        ("candidate_notice_min_days", p.candidate_notice_min_days),
        ("voter_list_min_days", p.voter_list_min_days),
        ("posting_min_days", p.posting_min_days),
    ] {
        if v == 0 || v > 90 {
            doc.err(
                At::Value(&format!("profile.{name}")),
                format!("profile.{name} 的值 {v} 不合理。"),
                "请填写 1 到 90 之间的天数（按本省规定）。",
            );
        }
    }
    for (name, r) in [
        ("village", p.committee_size.village),
        ("community", p.committee_size.community),
    ] {
        if r.min == 0 || r.min > r.max {
            doc.err(
                At::Value(&format!("profile.committee_size.{name}")),
                "委员会职数范围不合理：min 要大于 0 且不大于 max。",
                "村民委员会通常为 3–7 人，居民委员会 5–9 人。",
            );
        }
    }
}

pub(super) fn area(doc: Doc, a: &AreaConfig) {
    if a.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        doc.err(
            At::Origin,
            "area.yaml 缺少 name（名称，如“城关镇”）。",
            "请写上 name。",
        );
    }
    match a.level.as_deref() {
        None => doc.warn(
            At::Origin,
            "area.yaml 没有写 level（层级）。",
            "请写 level：县、乡、镇、街道 等。",
        ),
        Some(l) if !LEVELS.contains(&l) => doc.warn(
            At::Value("level"),
            format!("层级“{l}”不常见。"),
            format!("可用：{}。", LEVELS.join("、")),
        ),
        _ => {}
    }
    if let Some(code) = a.code.as_deref()
        && !is_division_code(code)
    {
        doc.err(At::Value("code"), format!("区划代码“{code}”应为 12 位数字。"), "请填写国家统计局的 12 位统计用区划代码，并加引号，如 code: \"610929100000\"；不知道可以不写。");
    }
    required::contacts(doc, &a.contacts, "contacts");
}

/// Checks a village's own fields and returns its polling day when that is a valid date.
pub(super) fn village(doc: Doc, c: &VillageConfig) -> Option<civil::Date> {
    if c.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        doc.err(
            At::Origin,
            "village.yaml 缺少 name（村或社区名称）。",
            "请写上 name，例如 name: 张庄村。",
        );
    }
    if let Some(code) = c.code.as_deref()
        && !is_division_code(code)
    {
        doc.err(
            At::Value("code"),
            format!("区划代码“{code}”应为 12 位数字。"),
            "请填写 12 位统计用区划代码并加引号；不知道可以不写。",
        );
    }
    let polling = match &c.polling_day {
        None => {
            doc.err(
                At::Origin,
                "village.yaml 缺少 polling_day（选举日）。",
                "请写上选举日，例如 polling_day: 2026-12-12；各项公示期限都按它计算。",
            );
            None
        }
        Some(d) => unknowns::date(doc, d, "polling_day"),
    };
    required::contacts(doc, &c.contacts, "contacts");
    polling
}

/// A 12-digit statistical division code (统计用区划代码).
fn is_division_code(code: &str) -> bool {
    code.len() == 12 && code.bytes().all(|b| b.is_ascii_digit())
}
