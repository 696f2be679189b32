//! DESIGN §6 rule 3: 差额 — more candidates than seats for each post; a party branch's
//! committee candidates at least 20% more than its seats.

use std::collections::BTreeMap;

use super::doc::{At, Doc};
use crate::model::Body;

/// `per_post` counts the candidates standing for each post; `total` all of them.
pub(super) fn check(
    doc: Doc,
    body: Body,
    seats: &BTreeMap<String, u32>,
    per_post: &BTreeMap<&str, u32>,
    total: usize,
) {
    let have_for = |post: &str| per_post.get(post).copied().unwrap_or(0);
    if body == Body::PartyBranch {
        let total_seats: u32 = seats.values().sum();
        let need = (total_seats * 6).div_ceil(5);
        let have = total as u32;
        if total_seats > 0 && have < need {
            doc.err(At::Key("candidates"), format!("党组织委员会应选 {total_seats} 名，候选人 {have} 名，差额不足 20%（至少需要 {need} 名）。"), "根据《中国共产党基层组织选举工作条例》，委员候选人数应多于应选人数 20%。请增加候选人。");
        }
        for (post, n_seats) in seats {
            let have = have_for(post);
            if have < *n_seats {
                doc.err(
                    At::Key("candidates"),
                    format!("职务“{post}”应选 {n_seats} 名，只有 {have} 名候选人。"),
                    "请补足候选人。",
                );
            }
        }
        return;
    }
    for (post, n_seats) in seats {
        let have = have_for(post);
        if have <= *n_seats {
            doc.err(
                At::Key("candidates"),
                format!("职务“{post}”应选 {n_seats} 名，候选人 {have} 名，没有实行差额选举。"),
                format!(
                    "候选人数应多于应选人数：请至少提名 {} 名“{post}”候选人。",
                    n_seats + 1
                ),
            );
        }
    }
}
