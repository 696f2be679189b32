//! DESIGN §3: an election notice says when, where and how; its date is the village's polling day.

use super::NoticeCx;
use super::doc::At;
use super::unknowns;
use crate::dates::zh_date;

pub(super) fn check(cx: &NoticeCx) {
    let doc = cx.doc;
    let Some(e) = &cx.n.fm.election else {
        doc.warn(At::Origin, "选举公告没有写 election（选举日期、地点、方式）。", "例如 election: {date: 2026-12-12, time: \"08:30\", place: 村文化广场, method: 召开选举大会}。");
        return;
    };
    if let Some(d) = &e.date
        && let (Some(d), Some(pd)) = (unknowns::date(doc, d, "election.date"), cx.polling)
        && d != pd
    {
        doc.warn(
            At::Value("election.date"),
            format!(
                "选举公告的日期（{}）和村的选举日（{}）不一致。",
                zh_date(d),
                zh_date(pd)
            ),
            "请核对 election.date 和 village.yaml 的 polling_day。",
        );
    }
}
