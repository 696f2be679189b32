//! DESIGN §6 rule 1: the voter list goes up at least `voter_list_min_days` (20) before polling
//! day; objections may be raised within 5 days of posting. Also: the registration figures.

use super::NoticeCx;
use super::doc::At;
use crate::dates::{days_between, zh_date};

pub(super) fn check(cx: &NoticeCx) {
    let (doc, fm) = (cx.doc, &cx.n.fm);
    let min = cx.profile.voter_list_min_days as i64;
    if let (Some(pd), Some(from)) = (cx.polling, cx.from) {
        let ahead = days_between(from, pd);
        if ahead < min {
            doc.err(At::Value("posted.from"), format!("选民名单在选举日前 {ahead} 天才公布，规定至少提前 {min} 天。"), format!("选举日是 {}，选民名单最迟应在 {} 张榜公布。请核对 posted.from 或村的 polling_day。", zh_date(pd), zh_date(pd.checked_sub(jiff::Span::new().days(min)).unwrap_or(pd))));
        }
    }
    if let (Some(until), Some(from)) = (
        fm.objection
            .as_ref()
            .and_then(|o| o.until.as_ref())
            .and_then(|d| d.get()),
        cx.from,
    ) && days_between(from, until) < 5
    {
        doc.err(
            At::Value("objection.until"),
            format!(
                "对选民名单有异议的，应自名单公布之日起 5 日内提出；这里的截止日期（{}）太早。",
                zh_date(until)
            ),
            format!(
                "请把 objection.until 改为 {} 或以后。",
                zh_date(from.checked_add(jiff::Span::new().days(5)).unwrap_or(until))
            ),
        );
    }
    if fm.registration.is_none() {
        doc.warn(At::Origin, "选民登记公告没有写 registration（登记人数和名单张贴地点）。", "例如 registration: {total: 1826, added: 132, removed: 47, list_location: 村委会公示栏}。网上只公开人数，不公开名单。");
    }
}
