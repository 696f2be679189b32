//! DESIGN §6 rule 4: committee size within the province's profile (`profile.committee_size`),
//! and a woman among the villagers' or residents' committee candidates.

use super::doc::{At, Doc};
use crate::model::{Body, Profile, VillageConfig, VillageKind};

/// The villagers' (residents') committee's seats add up to a size within the profile; no post
/// has 0 seats.
pub(super) fn size(doc: Doc, c: &VillageConfig, profile: &Profile) {
    let range = match c.kind {
        VillageKind::Village => profile.committee_size.village,
        VillageKind::Community => profile.committee_size.community,
    };
    let size: u32 = c.seats.values().sum();
    if c.seats.is_empty() {
        doc.err(
            At::Origin,
            "village.yaml 没有写 seats（职数），无法核对候选人差额。",
            "例如：seats: {主任: 1, 副主任: 1, 委员: 3}",
        );
    } else if size < range.min || size > range.max {
        doc.err(
            At::Value("seats"),
            format!("{}委员会职数合计 {size} 人，不在规定的 {}–{} 人之内。", if c.kind == VillageKind::Village { "村民" } else { "居民" }, range.min, range.max),
            "请核对 seats 中各职务的人数（可在 site.yaml 的 profile.committee_size 中按本省规定调整范围）。",
        );
    }
    for (map, path) in [
        (&c.seats, "seats"),
        (&c.party_branch_seats, "party_branch_seats"),
        (&c.supervision_seats, "supervision_seats"),
    ] {
        for (post, n) in map {
            if *n == 0 {
                doc.err(
                    At::Value(&format!("{path}.{post}")),
                    format!("职务“{post}”的职数是 0。"),
                    "不设这个职务就删掉这一行。",
                );
            }
        }
    }
}

/// At least one woman among a villagers' or residents' committee's candidates.
pub(super) fn woman_among_candidates(doc: Doc, body: Body, women: usize) {
    if matches!(body, Body::VillagersCommittee | Body::ResidentsCommittee) && women == 0 {
        doc.warn(
            At::Key("candidates"),
            format!("{}候选人中没有女性。", body.zh()),
            "委员会成员中应当有妇女成员。请核对候选人名单。",
        );
    }
}
