//! DESIGN §6 rule 5: every notice has a number, an issuing body and an issue date; every notice
//! but `rules` has `posted` and at least one objection channel (its own or inherited). Also
//! the other fields every notice needs (kind, title, revision notes, a rule's items) and the
//! shape of a contact.

use jiff::civil;

use super::doc::{At, Doc};
use super::unknowns;
use crate::model::{Area, Contact, Notice, NoticeKind, SiteConfig, Village};

const POSTED_EXAMPLE: &str = "例如 posted: {from: 2026-11-20, to: 2026-12-04}。";

/// Checks the fields every notice has and returns its posting period when both ends are
/// valid dates (`None` for `rules`, which are not posted for a period).
pub(super) fn fields(doc: Doc, n: &Notice) -> Option<(civil::Date, civil::Date)> {
    let fm = &n.fm;
    if fm.kind.is_none() {
        doc.err(At::Origin, "缺少 kind（公告类型）。", "请写 kind：candidates（候选人公示）、audit（审计结果公开）、rules（纪律）、voters（选民登记）、election（选举公告）、results（选举结果）或 notice（其他公告）。");
    }
    if fm.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        doc.err(At::Origin, "缺少 title（标题）。", "请写上公告标题。");
    }
    if fm.number.as_deref().is_none_or(|t| t.trim().is_empty()) {
        doc.err(
            At::Origin,
            "缺少 number（文号）。",
            "每份公告都要有文号，例如 number: 张庄村选字〔2026〕3号。",
        );
    }
    if fm.issued_by.as_deref().is_none_or(|t| t.trim().is_empty()) {
        doc.err(
            At::Origin,
            "缺少 issued_by（落款单位）。",
            "例如 issued_by: 张庄村村民选举委员会。",
        );
    }
    match &fm.issued_on {
        None => doc.err(
            At::Origin,
            "缺少 issued_on（发布日期）。",
            "例如 issued_on: 2026-11-20。",
        ),
        Some(d) => {
            unknowns::date(doc, d, "issued_on");
        }
    }
    if let Some(o) = &fm.objection {
        if let Some(u) = &o.until {
            unknowns::date(doc, u, "objection.until");
        }
        contacts(doc, &o.channels, "objection.channels");
    }
    for (k, r) in fm.revisions.iter().enumerate() {
        let path = format!("revisions.{k}");
        match &r.on {
            Some(d) => {
                unknowns::date(doc, d, &format!("{path}.on"));
            }
            None => doc.err(
                At::Value(&path),
                "更正记录缺少 on（日期）。",
                "例如：- {on: 2026-11-21, note: 更正候选人出生年月}",
            ),
        }
        if r.note.as_deref().is_none_or(|t| t.trim().is_empty()) {
            doc.err(
                At::Value(&path),
                "更正记录缺少 note（更正说明）。",
                "请写明改了什么、为什么改。",
            );
        }
    }
    if n.kind() == NoticeKind::Rules {
        rule_items(doc, n);
        return None;
    }
    let Some(p) = &fm.posted else {
        doc.err(At::Origin, "缺少 posted（公示期）。", POSTED_EXAMPLE);
        return None;
    };
    let from = match &p.from {
        Some(d) => unknowns::date(doc, d, "posted.from"),
        None => {
            doc.err(
                At::Value("posted"),
                "公示期缺少 from（开始日期）。",
                POSTED_EXAMPLE,
            );
            None
        }
    };
    let to = match &p.to {
        Some(d) => unknowns::date(doc, d, "posted.to"),
        None => {
            doc.err(
                At::Value("posted"),
                "公示期缺少 to（结束日期）。",
                POSTED_EXAMPLE,
            );
            None
        }
    };
    from.zip(to)
}

/// A discipline rule lists its items, in `items` or as the body's list.
fn rule_items(doc: Doc, n: &Notice) {
    let fm = &n.fm;
    if fm.items.is_empty() && !n.body.contains(|c: char| !c.is_whitespace()) {
        doc.err(
            At::Origin,
            "纪律没有任何条目。",
            "请在 items 中列出条目（- {ban: 严禁……, consequence: ……}），或在正文里写编号列表。",
        );
    }
    for (k, it) in fm.items.iter().enumerate() {
        if it.ban.as_deref().is_none_or(|t| t.trim().is_empty()) {
            doc.err(
                At::Value(&format!("items.{k}")),
                "纪律条目缺少 ban（禁止内容）。",
                "请写上这一条禁止什么。",
            );
        }
    }
}

/// A notice needs a way to object: its own channels, or contacts of its village, an area above
/// it or the site.
pub(super) fn objection_channel(
    doc: Doc,
    n: &Notice,
    village: Option<&Village>,
    areas: &[&Area],
    site: &SiteConfig,
) {
    let own =
        n.fm.objection
            .as_ref()
            .is_some_and(|o| !o.channels.is_empty());
    let inherited = village.is_some_and(|v| !v.cfg.contacts.is_empty())
        || areas.iter().any(|a| !a.cfg.contacts.is_empty())
        || !site.contacts.is_empty();
    if !own && !inherited {
        doc.err(At::Origin, "没有任何异议反映渠道：公告本身、村、乡镇和全站都没有写联系方式。", "请在 objection.channels 或 village.yaml / area.yaml / site.yaml 的 contacts 中写上联系电话（全站应有 12380）。");
    }
}

/// Each contact has a label and at least one way to reach it.
pub(super) fn contacts(doc: Doc, contacts: &[Contact], path: &str) {
    for (n, c) in contacts.iter().enumerate() {
        let p = format!("{path}.{n}");
        if c.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
            doc.err(
                At::Value(&p),
                "联系方式缺少 label（名称，如“镇换届选举工作指导组”）。",
                "请为每个联系方式写上 label。",
            );
        }
        if c.phone.is_none() && c.address.is_none() && c.url.is_none() {
            doc.err(
                At::Value(&p),
                "联系方式里 phone（电话）、address（地址）、url（网址）一个也没有写。",
                "请至少写一种联系办法。",
            );
        }
    }
}
