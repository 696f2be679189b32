//! A candidate notice: the body it elects, each candidate's own fields (DESIGN §3), then the
//! rules that count the candidates — 差额 (rule 3), a woman among them (rule 4), ages (rule 8),
//! duplicates and unknown posts (rule 12) — and when the list went up (rule 2).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::doc::{At, Doc};
use super::{NoticeCx, ages, candidate_notice_days, committee, margin, unknowns};
use crate::model::{Body, Village, VillageKind};

pub(super) fn check(cx: &NoticeCx) {
    let (doc, fm, v) = (cx.doc, &cx.n.fm, cx.village);
    let Some(body) = fm.body else {
        doc.err(At::Origin, "候选人公示缺少 body（选举的是哪个组织）。", "请写 body：villagers_committee（村民委员会）、residents_committee（居民委员会）、party_branch（党组织）或 supervision_committee（监督委员会）。");
        return;
    };
    match (body, v.cfg.kind) {
        (Body::VillagersCommittee, VillageKind::Community) => doc.warn(
            At::Value("body"),
            "社区选举的是居民委员会，这里写的是村民委员会。",
            "请改为 body: residents_committee。",
        ),
        (Body::ResidentsCommittee, VillageKind::Village) => doc.warn(
            At::Value("body"),
            "村选举的是村民委员会，这里写的是居民委员会。",
            "请改为 body: villagers_committee。",
        ),
        _ => {}
    }
    let seats = v.seats_for(body);
    let seats_key = body.seats_key();
    if seats.is_empty() {
        doc.err(
            At::Value("body"),
            format!(
                "village.yaml 里没有写 {seats_key}（{}的职数），无法核对差额。",
                body.zh()
            ),
            format!(
                "请在 {} 中写上，例如 {seats_key}: {{书记: 1, 委员: 4}}。",
                v.file.display()
            ),
        );
    }
    if fm.candidates.is_empty() {
        doc.err(
            At::Origin,
            "候选人公示没有列出候选人（candidates）。",
            "请在 candidates 下逐一列出候选人。",
        );
        return;
    }
    // Election day for this body (party branch usually votes first).
    let day = match &fm.election_day {
        Some(d) => unknowns::date(doc, d, "election_day"),
        None => cx.polling,
    };
    let mut names: HashMap<&str, usize> = HashMap::new();
    let mut per_post: BTreeMap<&str, u32> = BTreeMap::new();
    let mut women = 0;
    for (k, c) in fm.candidates.iter().enumerate() {
        let p = format!("candidates.{k}");
        let label = c
            .name
            .as_deref()
            .map_or_else(|| format!("第 {} 位候选人", k + 1), str::to_string);
        match c.name.as_deref().map(str::trim) {
            None | Some("") => doc.err(
                At::Value(&p),
                format!("第 {} 位候选人缺少 name（姓名）。", k + 1),
                "请写上姓名。",
            ),
            Some(name) => {
                if let Some(prev) = names.insert(name, k) {
                    unknowns::duplicate_candidate(doc, &p, name, prev, k);
                }
            }
        }
        match c.gender.as_deref() {
            Some("女") => women += 1,
            Some("男") => {}
            Some(g) => doc.err(
                At::Value(&format!("{p}.gender")),
                format!("{label}的性别“{g}”无法识别。"),
                "请写“男”或“女”。",
            ),
            None => doc.err(
                At::Value(&p),
                format!("{label}缺少 gender（性别）。"),
                "请写“男”或“女”。",
            ),
        }
        match &c.birth {
            Some(m) => {
                unknowns::month(doc, m, &format!("{p}.birth"));
                if let Some(d) = day {
                    ages::candidate(doc, &p, &label, m, d);
                }
            }
            None => doc.err(
                At::Value(&p),
                format!("{label}缺少 birth（出生年月）。"),
                "请写成带引号的 \"YYYY-MM\"，例如 birth: \"1975-03\"。",
            ),
        }
        if let Some(m) = &c.party_joined {
            unknowns::month(doc, m, &format!("{p}.party_joined"));
        }
        for (field, zh, val) in [
            ("ethnicity", "民族", &c.ethnicity),
            ("education", "文化程度", &c.education),
            ("political_status", "政治面貌", &c.political_status),
        ] {
            if val.is_none() {
                doc.warn(
                    At::Value(&p),
                    format!("{label}缺少 {field}（{zh}）。"),
                    "候选人公示应列出民族、文化程度、政治面貌。",
                );
            }
        }
        match c.post.as_deref() {
            None => doc.err(
                At::Value(&p),
                format!("{label}缺少 post（拟任职务）。"),
                format!("请写 {seats_key} 中的一个职务。"),
            ),
            Some(post) => {
                unknowns::unknown_post(doc, &p, post, body, seats, &v.file);
                *per_post.entry(post).or_default() += 1;
            }
        }
        if let Some(photo) = &c.photo {
            self::photo(doc, photo, &format!("{p}.photo"), v, cx.root);
        }
    }
    margin::check(doc, body, seats, &per_post, fm.candidates.len());
    committee::woman_among_candidates(doc, body, women);
    if let (Some(d), Some(from)) = (day, cx.from) {
        candidate_notice_days::check(doc, from, d, cx.profile);
    }
}

/// A candidate's photo is a picture inside the village folder (DESIGN §7's allowlist).
fn photo(doc: Doc, photo: &str, path: &str, v: &Village, root: &Path) {
    let base = root.join("content").join(&v.path);
    if let Err(p) = crate::markdown::check_attachment(photo, &base, true) {
        let (msg, hint) = p.zh("照片", photo);
        let hint = match p {
            crate::markdown::Problem::Escapes => {
                "照片要放在村文件夹里，这里只写文件名，例如 photo: wangjianguo.jpg。".to_string()
            }
            crate::markdown::Problem::Missing => format!(
                "请把照片放进 {} 文件夹，并核对文件名。",
                Path::new("content").join(&v.path).display()
            ),
            _ => hint,
        };
        doc.err(At::Value(path), msg, hint);
    }
}
