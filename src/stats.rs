//! The structure targets a county tracks (DESIGN §6, "Structure targets"): computed from the
//! published candidate lists, shown on the site's home page.

use serde::Serialize;

use crate::dates::age_on;
use crate::model::{Body, NoticeKind, Site};

#[derive(Serialize, Default)]
pub struct Stat {
    pub label: String,
    pub value: String,
    pub note: String,
}

/// Structure targets the county tracks, from the candidate lists (DESIGN.md §6).
pub fn statistics(site: &Site) -> Vec<Stat> {
    let villages = site.all_villages();
    let mut committees = 0usize;
    let mut with_woman = 0usize;
    let mut with_young = 0usize;
    let mut with_college = 0usize;
    let mut members = 0usize;
    let mut party = 0usize;
    let mut age_sum = 0i64;
    let mut one_shoulder = 0usize;
    let mut with_branch = 0usize;
    for v in &villages {
        let polling = v.cfg.polling_day.as_ref().and_then(|d| d.get());
        let committee = v.notices.iter().find(|n| {
            n.kind() == NoticeKind::Candidates
                && matches!(
                    n.fm.body,
                    Some(Body::VillagersCommittee | Body::ResidentsCommittee)
                )
        });
        let Some(n) = committee else { continue };
        committees += 1;
        let cands = &n.fm.candidates;
        if cands.iter().any(|c| c.gender.as_deref() == Some("女")) {
            with_woman += 1;
        }
        let ages: Vec<i32> = cands
            .iter()
            .filter_map(|c| {
                c.birth
                    .as_ref()
                    .and_then(|m| m.get())
                    .zip(polling)
                    .map(|(b, d)| age_on(b, d))
            })
            .collect();
        if ages.iter().any(|a| *a < 35) {
            with_young += 1;
        }
        if cands.iter().any(|c| {
            c.education.as_deref().is_some_and(|e| {
                ["大专", "本科", "研究生", "硕士", "博士"]
                    .iter()
                    .any(|x| e.contains(x))
            })
        }) {
            with_college += 1;
        }
        members += cands.len();
        party += cands
            .iter()
            .filter(|c| {
                c.political_status
                    .as_deref()
                    .is_some_and(|p| p.contains("党员"))
            })
            .count();
        age_sum += ages.iter().map(|a| *a as i64).sum::<i64>();
        let chair: Vec<&str> = cands
            .iter()
            .filter(|c| c.post.as_deref() == Some("主任"))
            .filter_map(|c| c.name.as_deref())
            .collect();
        if let Some(b) = v
            .notices
            .iter()
            .find(|n| n.kind() == NoticeKind::Candidates && n.fm.body == Some(Body::PartyBranch))
        {
            with_branch += 1;
            let secretary =
                b.fm.candidates
                    .iter()
                    .filter(|c| c.post.as_deref() == Some("书记"))
                    .filter_map(|c| c.name.as_deref());
            if secretary.into_iter().any(|s| chair.contains(&s)) {
                one_shoulder += 1;
            }
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            "—".to_string()
        } else {
            format!("{:.0}%", a as f64 * 100.0 / b as f64)
        }
    };
    let mut out = vec![
        Stat {
            label: "村（社区）".into(),
            value: format!("{}", villages.len()),
            note: format!(
                "其中社区 {} 个",
                villages
                    .iter()
                    .filter(|v| v.cfg.kind == crate::model::VillageKind::Community)
                    .count()
            ),
        },
        Stat {
            label: "已公示候选人名单".into(),
            value: format!("{committees}"),
            note: "村（居）民委员会".into(),
        },
    ];
    if committees > 0 {
        out.extend([
            Stat {
                label: "候选人中有女性".into(),
                value: pct(with_woman, committees),
                note: format!("{with_woman}/{committees} 个委员会"),
            },
            Stat {
                label: "有 35 岁以下候选人".into(),
                value: pct(with_young, committees),
                note: format!("{with_young}/{committees}"),
            },
            Stat {
                label: "有大专以上学历候选人".into(),
                value: pct(with_college, committees),
                note: format!("{with_college}/{committees}"),
            },
            Stat {
                label: "候选人中党员占比".into(),
                value: pct(party, members),
                note: format!("{party}/{members} 人"),
            },
            Stat {
                label: "候选人平均年龄".into(),
                value: if members > 0 {
                    format!("{:.1} 岁", age_sum as f64 / members as f64)
                } else {
                    "—".into()
                },
                note: "按选举日计算".into(),
            },
            Stat {
                label: "“一肩挑”（书记、主任同一人提名）".into(),
                value: pct(one_shoulder, with_branch),
                note: format!("{one_shoulder}/{with_branch} 个已公示党组织候选人的村"),
            },
        ]);
    }
    out
}
