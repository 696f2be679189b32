//! Views: the typed model resolved into display-ready values (dates in Chinese, money with
//! thousands separators, ages on polling day, inherited contacts, 公示 status). Every
//! output target renders from these, so they agree with each other.

use jiff::civil;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::dates::{age_on, days_between, dotted_month, iso_date, zh_date};
use crate::model::{Area, Contact, Notice, NoticeKind, Site, Village};

#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    pub label: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub url: Option<String>,
    /// The 12380 reporting line, shown prominently.
    pub is_12380: bool,
    /// Where it comes from: 本公告 / 村 / 乡镇 / 全站.
    pub source: String,
}

fn contact_view(c: &Contact, source: &str) -> ContactView {
    let phone = c.phone.as_ref().map(|p| p.trim().to_string());
    ContactView {
        label: c.label.clone().unwrap_or_default(),
        is_12380: phone.as_deref() == Some("12380"),
        phone,
        address: c.address.clone(),
        url: c
            .url
            .clone()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        source: source.to_string(),
    }
}

/// Contacts from the innermost level out, without repeating a phone number.
pub fn contacts_chain(
    site: &Site,
    areas: &[&Area],
    village: Option<&Village>,
    own: &[Contact],
) -> Vec<ContactView> {
    let mut out: Vec<ContactView> = Vec::new();
    let mut push = |c: &Contact, src: &str| {
        let v = contact_view(c, src);
        let dup = out
            .iter()
            .any(|o| o.phone.is_some() && o.phone == v.phone && o.label == v.label);
        if !dup {
            out.push(v);
        }
    };
    for c in own {
        push(c, "本公告");
    }
    if let Some(v) = village {
        for c in &v.cfg.contacts {
            push(c, v.name());
        }
    }
    for a in areas.iter().rev() {
        for c in &a.cfg.contacts {
            push(c, a.name());
        }
    }
    for c in &site.cfg.contacts {
        push(c, "全站");
    }
    // 12380 first: it is the number a villager must find.
    out.sort_by_key(|c| !c.is_12380);
    out
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Upcoming,
    Active,
    Ended,
    None,
}

impl Status {
    pub fn zh(self) -> &'static str {
        match self {
            Status::Upcoming => "未开始",
            Status::Active => "公示中",
            Status::Ended => "已结束",
            Status::None => "长期有效",
        }
    }
}

pub fn status(from: Option<civil::Date>, to: Option<civil::Date>, today: civil::Date) -> Status {
    match (from, to) {
        (Some(f), _) if today < f => Status::Upcoming,
        (Some(_), Some(t)) if today > t => Status::Ended,
        (Some(_), _) => Status::Active,
        _ => Status::None,
    }
}

/// `3,856,420.50`.
pub fn yuan(v: f64) -> String {
    let neg = v < 0.0;
    let cents = (v.abs() * 100.0).round() as u128;
    let int = (cents / 100).to_string();
    let frac = cents % 100;
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}{grouped}.{frac:02}", if neg { "-" } else { "" })
}

#[derive(Debug, Clone, Serialize)]
pub struct CandidateView {
    pub no: usize,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth: String,
    pub age: String,
    pub education: String,
    pub political_status: String,
    pub party_joined: String,
    pub current_role: String,
    pub post: String,
    pub nominated_by: String,
    pub incumbent: bool,
    pub photo: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub id: String,
    pub text: String,
    pub amount: Option<String>,
    pub status: String,
    pub status_class: String,
    pub due: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleItemView {
    pub ban: String,
    pub consequence: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionView {
    pub on: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ElectedView {
    pub name: String,
    pub post: String,
    pub votes: Option<u64>,
}

/// Everything any target needs to show one notice.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    pub kind: NoticeKind,
    pub kind_zh: String,
    pub title: String,
    pub number: String,
    pub issued_by: String,
    pub issued_on: String,
    pub issued_on_iso: String,
    pub seal: bool,
    pub posted_from: Option<String>,
    pub posted_to: Option<String>,
    pub posted_from_iso: Option<String>,
    pub posted_to_iso: Option<String>,
    pub posted_days: Option<i64>,
    pub status: Status,
    pub status_zh: String,
    pub objection_until: Option<String>,
    pub contacts: Vec<ContactView>,
    pub revisions: Vec<RevisionView>,
    pub short_hash: String,
    pub hash: String,
    /// Site-relative URL path of the notice page (`chengguan/zhangzhuang/houxuanren/`).
    pub path: String,
    pub village_name: String,
    pub area_names: Vec<String>,
    // candidates
    pub body_zh: Option<String>,
    pub election_day: Option<String>,
    pub candidates: Vec<CandidateView>,
    pub seats: Vec<Row>,
    // audit
    pub audit_type: Option<String>,
    pub subjects: Vec<Row>,
    pub period: Option<String>,
    pub auditor: Option<String>,
    pub organizer: Option<String>,
    pub figures: Vec<Row>,
    pub findings: Vec<FindingView>,
    // rules
    pub issuer: Option<String>,
    pub items: Vec<RuleItemView>,
    // voters / election / results
    pub facts: Vec<Row>,
    pub elected: Vec<ElectedView>,
    /// Sanitised body HTML (filled in by the site renderer).
    pub body_html: String,
}

fn opt_date(d: &Option<crate::dates::Date>) -> Option<civil::Date> {
    d.as_ref().and_then(|d| d.get())
}

pub struct NoticeCtx<'a> {
    pub site: &'a Site,
    pub areas: &'a [&'a Area],
    pub village: Option<&'a Village>,
    pub path: String,
    pub today: civil::Date,
}

pub fn notice_view(n: &Notice, ctx: &NoticeCtx<'_>) -> NoticeView {
    let fm = &n.fm;
    let from = fm.posted.as_ref().and_then(|p| opt_date(&p.from));
    let to = fm.posted.as_ref().and_then(|p| opt_date(&p.to));
    let issued = opt_date(&fm.issued_on);
    let own_channels: &[Contact] = fm
        .objection
        .as_ref()
        .map(|o| o.channels.as_slice())
        .unwrap_or(&[]);
    let polling = ctx.village.and_then(|v| opt_date(&v.cfg.polling_day));
    let day = opt_date(&fm.election_day).or(polling);
    let kind = n.kind();
    let st = if kind == NoticeKind::Rules {
        Status::None
    } else {
        status(from, to, ctx.today)
    };

    let candidates = fm
        .candidates
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let birth = c.birth.as_ref().and_then(|m| m.get());
            CandidateView {
                no: k + 1,
                name: c.name.as_deref().unwrap_or_default().to_string(),
                gender: c.gender.as_deref().unwrap_or_default().to_string(),
                ethnicity: c.ethnicity.as_deref().unwrap_or_default().to_string(),
                birth: birth.map(|(y, m)| dotted_month(y, m)).unwrap_or_default(),
                age: match (birth, day) {
                    (Some(b), Some(d)) => age_on(b, d).to_string(),
                    _ => String::new(),
                },
                education: c.education.as_deref().unwrap_or_default().to_string(),
                political_status: c
                    .political_status
                    .as_deref()
                    .unwrap_or_default()
                    .to_string(),
                party_joined: c
                    .party_joined
                    .as_ref()
                    .and_then(|m| m.get())
                    .map(|(y, m)| dotted_month(y, m))
                    .unwrap_or_default(),
                current_role: c.current_role.as_deref().unwrap_or_default().to_string(),
                post: c.post.as_deref().unwrap_or_default().to_string(),
                nominated_by: c.nominated_by.as_deref().unwrap_or_default().to_string(),
                incumbent: c.incumbent.unwrap_or(false),
                photo: c.photo.as_deref().map(str::to_string),
            }
        })
        .collect();

    let seats_map: Option<&BTreeMap<String, u32>> =
        fm.body.zip(ctx.village).map(|(b, v)| v.seats_for(b));
    let seats = seats_map
        .map(|m| {
            m.iter()
                .map(|(post, n)| {
                    let have = fm
                        .candidates
                        .iter()
                        .filter(|c| c.post.as_deref() == Some(post))
                        .count();
                    Row {
                        label: post.clone(),
                        value: format!("应选 {n} 名，候选人 {have} 名"),
                    }
                })
                .collect()
        })
        .unwrap_or_default();

    let status_of = |id: &crate::model::FindingId| {
        fm.rectification
            .iter()
            .find(|r| r.finding.as_ref() == Some(id))
    };
    let findings = fm
        .findings
        .iter()
        .map(|f| {
            let r = f.id.as_ref().and_then(status_of);
            let status = r.and_then(|r| r.status.clone()).unwrap_or_default();
            FindingView {
                id: f.id.as_ref().map(|i| i.to_string()).unwrap_or_default(),
                text: f.text.clone().unwrap_or_default(),
                amount: f.amount_yuan.map(yuan),
                status_class: match status.as_str() {
                    "已整改" => "done",
                    "整改中" => "doing",
                    _ => "todo",
                }
                .to_string(),
                status,
                due: r.and_then(|r| opt_date(&r.due)).map(zh_date),
            }
        })
        .collect();

    let mut figures = Vec::new();
    if let Some(fg) = &fm.figures_yuan {
        for (label, v) in [
            ("收入", fg.income),
            ("支出", fg.expenditure),
            ("资产", fg.assets),
            ("负债", fg.liabilities),
            ("应收款", fg.receivables),
            ("应付款", fg.payables),
        ] {
            if let Some(v) = v {
                figures.push(Row {
                    label: label.into(),
                    value: format!("{} 元", yuan(v)),
                });
            }
        }
    }

    let mut facts = Vec::new();
    if let Some(r) = &fm.registration {
        if let Some(t) = r.total {
            facts.push(Row {
                label: "登记选民".into(),
                value: format!("{t} 人"),
            });
        }
        if let Some(t) = r.added {
            facts.push(Row {
                label: "新增".into(),
                value: format!("{t} 人"),
            });
        }
        if let Some(t) = r.removed {
            facts.push(Row {
                label: "减少".into(),
                value: format!("{t} 人"),
            });
        }
        if let Some(l) = &r.list_location {
            facts.push(Row {
                label: "选民名单张贴地点".into(),
                value: l.clone(),
            });
        }
    }
    if let Some(e) = &fm.election {
        if let Some(d) = opt_date(&e.date) {
            let when = match &e.time {
                Some(t) => format!("{} {t}", zh_date(d)),
                None => zh_date(d),
            };
            facts.push(Row {
                label: "选举时间".into(),
                value: when,
            });
        }
        if let Some(p) = &e.place {
            facts.push(Row {
                label: "选举地点".into(),
                value: p.clone(),
            });
        }
        if let Some(m) = &e.method {
            facts.push(Row {
                label: "选举方式".into(),
                value: m.clone(),
            });
        }
        if !e.posts.is_empty() {
            facts.push(Row {
                label: "应选职位".into(),
                value: e.posts.join("、"),
            });
        }
    }
    let mut elected = Vec::new();
    if let Some(r) = &fm.results {
        if let Some(t) = r.voters_total {
            facts.push(Row {
                label: "登记选民".into(),
                value: format!("{t} 人"),
            });
        }
        if let Some(b) = r.ballots_cast {
            facts.push(Row {
                label: "参加投票".into(),
                value: format!("{b} 人"),
            });
            if let Some(t) = r.voters_total.filter(|t| *t > 0) {
                facts.push(Row {
                    label: "参选率".into(),
                    value: format!("{:.1}%", b as f64 * 100.0 / t as f64),
                });
            }
        }
        for e in &r.elected {
            elected.push(ElectedView {
                name: e.name.clone().unwrap_or_default(),
                post: e.post.clone().unwrap_or_default(),
                votes: e.votes,
            });
        }
    }

    NoticeView {
        kind,
        kind_zh: kind.zh().to_string(),
        title: fm.title.clone().unwrap_or_default(),
        number: fm.number.clone().unwrap_or_default(),
        issued_by: fm.issued_by.clone().unwrap_or_default(),
        issued_on: issued.map(zh_date).unwrap_or_default(),
        issued_on_iso: issued.map(iso_date).unwrap_or_default(),
        seal: fm.seal.unwrap_or(false),
        posted_from: from.map(zh_date),
        posted_to: to.map(zh_date),
        posted_from_iso: from.map(iso_date),
        posted_to_iso: to.map(iso_date),
        posted_days: from.zip(to).map(|(f, t)| days_between(f, t) + 1),
        status: st,
        status_zh: st.zh().to_string(),
        objection_until: fm
            .objection
            .as_ref()
            .and_then(|o| opt_date(&o.until))
            .or(to)
            .map(zh_date),
        contacts: contacts_chain(ctx.site, ctx.areas, ctx.village, own_channels),
        revisions: fm
            .revisions
            .iter()
            .map(|r| RevisionView {
                on: opt_date(&r.on).map(zh_date).unwrap_or_default(),
                note: r.note.clone().unwrap_or_default(),
            })
            .collect(),
        short_hash: n.short_hash().to_string(),
        hash: n.hash.clone(),
        path: ctx.path.clone(),
        village_name: ctx
            .village
            .map(|v| v.name().to_string())
            .unwrap_or_default(),
        area_names: ctx.areas.iter().map(|a| a.name().to_string()).collect(),
        body_zh: fm.body.map(|b| b.zh().to_string()),
        election_day: day.filter(|_| kind == NoticeKind::Candidates).map(zh_date),
        candidates,
        seats,
        audit_type: fm.audit_type.clone(),
        subjects: fm
            .subjects
            .iter()
            .map(|s| Row {
                label: format!(
                    "{}（{}）",
                    s.name.clone().unwrap_or_default(),
                    s.post.clone().unwrap_or_default()
                ),
                value: match (opt_date(&s.from), opt_date(&s.to)) {
                    (Some(f), Some(t)) => format!("{} 至 {}", zh_date(f), zh_date(t)),
                    _ => String::new(),
                },
            })
            .collect(),
        period: fm
            .period
            .as_ref()
            .and_then(|p| match (opt_date(&p.from), opt_date(&p.to)) {
                (Some(f), Some(t)) => Some(format!("{} 至 {}", zh_date(f), zh_date(t))),
                _ => None,
            }),
        auditor: fm.auditor.clone(),
        organizer: fm.organizer.clone(),
        figures,
        findings,
        issuer: fm.issuer.clone(),
        items: fm
            .items
            .iter()
            .map(|i| RuleItemView {
                ban: i.ban.clone().unwrap_or_default(),
                consequence: i.consequence.clone(),
            })
            .collect(),
        facts,
        elected,
        body_html: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_thousands_separators() {
        assert_eq!(yuan(3856420.5), "3,856,420.50");
        assert_eq!(yuan(0.0), "0.00");
        assert_eq!(yuan(999.999), "1,000.00");
        assert_eq!(yuan(-1234.0), "-1,234.00");
    }

    #[test]
    fn status_follows_the_dates() {
        let d = |m, dd| civil::date(2026, m, dd);
        assert_eq!(
            status(Some(d(11, 20)), Some(d(12, 4)), d(11, 19)),
            Status::Upcoming
        );
        assert_eq!(
            status(Some(d(11, 20)), Some(d(12, 4)), d(11, 20)),
            Status::Active
        );
        assert_eq!(
            status(Some(d(11, 20)), Some(d(12, 4)), d(12, 4)),
            Status::Active
        );
        assert_eq!(
            status(Some(d(11, 20)), Some(d(12, 4)), d(12, 5)),
            Status::Ended
        );
    }
}
