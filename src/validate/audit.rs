//! DESIGN §6 rule 7: the 离任 audit (村民委员会组织法 第三十五条). Its results are published
//! before polling day; a village within 30 days of polling with none gets a warning; every
//! finding has a rectification status.

use jiff::civil;
use std::collections::HashSet;

use super::doc::{At, Doc};
use super::{NoticeCx, unknowns};
use crate::dates::{days_between, zh_date};
use crate::model::{NoticeKind, Village};

const RECTIFICATION_STATUS: &[&str] = &["已整改", "整改中", "未整改"];

/// A village close to its polling day needs its 离任 audit published.
pub(super) fn exit_audit_due(
    doc: Doc,
    v: &Village,
    polling: Option<civil::Date>,
    today: civil::Date,
) {
    let Some(pd) = polling else { return };
    let left = days_between(today, pd);
    let has_exit_audit = v
        .notices
        .iter()
        .any(|n| n.kind() == NoticeKind::Audit && n.fm.audit_type.as_deref() == Some("离任"));
    if (0..=30).contains(&left) && !has_exit_audit {
        doc.warn(
            At::Value("polling_day"),
            format!("距离选举日（{}）只有 {left} 天，还没有离任经济责任审计结果公开。", zh_date(pd)),
            "村（居）委会主任的离任经济责任审计结果应在选举日前公布。请添加 kind: audit、audit_type: 离任 的公告。",
        );
    }
}

/// An audit disclosure: its type, dates, figures, and a rectification for every finding.
pub(super) fn notice(cx: &NoticeCx) {
    let (doc, fm) = (cx.doc, &cx.n.fm);
    match fm.audit_type.as_deref() {
        None => doc.err(
            At::Origin,
            "审计结果公开缺少 audit_type（审计类型）。",
            "请写 audit_type: 任期 或 audit_type: 离任。",
        ),
        Some("离任") => {
            if let (Some(issued), Some(pd)) =
                (fm.issued_on.as_ref().and_then(|d| d.get()), cx.polling)
                && issued >= pd
            {
                doc.err(
                    At::Value("issued_on"),
                    format!(
                        "离任经济责任审计结果在选举日（{}）当天或之后才公布。",
                        zh_date(pd)
                    ),
                    "离任审计结果必须在选举日之前公布。请核对 issued_on。",
                );
            }
        }
        Some("任期") => {}
        Some(t) => doc.err(
            At::Value("audit_type"),
            format!("审计类型“{t}”无法识别。"),
            "请写“任期”或“离任”。",
        ),
    }
    for (k, s) in fm.subjects.iter().enumerate() {
        for (field, d) in [("from", &s.from), ("to", &s.to)] {
            if let Some(d) = d {
                unknowns::date(doc, d, &format!("subjects.{k}.{field}"));
            }
        }
    }
    if let Some(p) = &fm.period {
        for (field, d) in [("from", &p.from), ("to", &p.to)] {
            if let Some(d) = d {
                unknowns::date(doc, d, &format!("period.{field}"));
            }
        }
    }
    if fm.figures_yuan.is_none() {
        doc.warn(At::Origin, "审计结果公开没有写 figures_yuan（收入、支出、资产、负债）。", "例如 figures_yuan: {income: 3856420.50, expenditure: 3621088.00, assets: 12650300, liabilities: 860000}。");
    }
    let mut ids = HashSet::new();
    for (k, fd) in fm.findings.iter().enumerate() {
        match &fd.id {
            None => doc.err(
                At::Value(&format!("findings.{k}")),
                format!("第 {} 个审计问题缺少 id（编号）。", k + 1),
                "请为每个问题编号，整改情况按编号对应。",
            ),
            Some(id) => {
                if !ids.insert(id.to_string()) {
                    doc.err(
                        At::Value(&format!("findings.{k}.id")),
                        format!("问题编号 {id} 重复。"),
                        "请让每个问题的编号不同。",
                    );
                }
            }
        }
    }
    let mut covered = HashSet::new();
    for (k, r) in fm.rectification.iter().enumerate() {
        let p = format!("rectification.{k}");
        match &r.finding {
            Some(id) if ids.contains(&id.to_string()) => {
                covered.insert(id.to_string());
            }
            Some(id) => doc.err(
                At::Value(&format!("{p}.finding")),
                format!("整改情况对应的问题编号 {id} 在 findings 中不存在。"),
                "请核对编号。",
            ),
            None => doc.err(
                At::Value(&p),
                "整改情况缺少 finding（对应的问题编号）。",
                "请写上问题编号。",
            ),
        }
        match r.status.as_deref() {
            Some(s) if RECTIFICATION_STATUS.contains(&s) => {}
            Some(s) => doc.err(
                At::Value(&format!("{p}.status")),
                format!("整改状态“{s}”无法识别。"),
                "请写：已整改、整改中 或 未整改。",
            ),
            None => doc.err(
                At::Value(&p),
                "整改情况缺少 status（整改状态）。",
                "请写：已整改、整改中 或 未整改。",
            ),
        }
        if let Some(d) = &r.due {
            unknowns::date(doc, d, &format!("{p}.due"));
        }
    }
    for (k, fd) in fm.findings.iter().enumerate() {
        if let Some(id) = &fd.id
            && !covered.contains(&id.to_string())
        {
            doc.err(At::Value(&format!("findings.{k}")), format!("审计问题 {id} 没有整改情况。"), format!("每个问题都要公开整改状态：请在 rectification 中加上 - {{finding: {id}, status: 整改中}}。"));
        }
    }
}
