//! The published-notice manifest (DESIGN.md §7): every build writes `manifest.json` with each
//! notice's content hash. A notice that was already up on the wall (its 公示 had begun) and
//! whose content changed must carry a new `revisions` entry (更正说明); otherwise the build
//! stops, so nothing published is ever changed silently.

use jiff::civil;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostics;
use crate::model::{Notice, Site};
use crate::place::placed;

pub const FILE: &str = "manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub title: String,
    pub hash: String,
    pub posted_from: Option<String>,
    pub revisions: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Notice page path (`chengguan/zhangzhuang/houxuanren/`) → entry.
    pub notices: BTreeMap<String, Entry>,
}

/// A notice's manifest entry, borrowing what it can.
#[derive(Serialize)]
struct EntryRef<'a> {
    title: &'a str,
    hash: &'a str,
    posted_from: Option<String>,
    revisions: usize,
}

fn entry_ref(n: &Notice) -> EntryRef<'_> {
    EntryRef {
        title: n.fm.title.as_deref().unwrap_or_default(),
        hash: &n.hash,
        posted_from: n
            .fm
            .posted
            .as_ref()
            .and_then(|p| p.from.as_ref())
            .and_then(|d| d.get())
            .map(crate::dates::iso_date),
        revisions: n.fm.revisions.len(),
    }
}

fn entry(n: &Notice) -> Entry {
    let r = entry_ref(n);
    Entry {
        title: r.title.to_string(),
        hash: r.hash.to_string(),
        posted_from: r.posted_from,
        revisions: r.revisions,
    }
}

/// The manifest of a site.
pub fn make(site: &Site) -> Manifest {
    let mut m = Manifest::default();
    for p in placed(site) {
        m.notices.insert(p.path.clone(), entry(p.notice));
    }
    for r in &site.rules {
        m.notices.insert(format!("rules/{}/", r.slug), entry(r));
    }
    m
}

/// `manifest.json` of a site: the same text as `make(site)` serialised pretty, built from
/// borrowed fields in parallel (a province has 60,000 notices).
pub fn to_json(site: &Site) -> Vec<u8> {
    use rayon::prelude::*;
    /// Sorted, unique paths serialised as a map (the order a `BTreeMap` has).
    struct Sorted<'a>(Vec<(String, EntryRef<'a>)>);
    impl Serialize for Sorted<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        notices: Sorted<'a>,
    }
    let mut entries: Vec<(String, EntryRef<'_>)> = placed(site)
        .into_par_iter()
        .map(|p| (p.path, entry_ref(p.notice)))
        .collect();
    entries.extend(
        site.rules
            .iter()
            .map(|r| (format!("rules/{}/", r.slug), entry_ref(r))),
    );
    // Stable, so a repeated path keeps its last entry, as inserting into a map would.
    entries.par_sort_by(|a, b| a.0.cmp(&b.0));
    let mut unique: Vec<(String, EntryRef<'_>)> = Vec::with_capacity(entries.len());
    for e in entries {
        match unique.last_mut() {
            Some(last) if last.0 == e.0 => *last = e,
            _ => unique.push(e),
        }
    }
    serde_json::to_vec_pretty(&Doc {
        notices: Sorted(unique),
    })
    .unwrap_or_default()
}

/// The previous build's manifest, if any.
pub fn read(output: &Path) -> Option<Manifest> {
    let bytes = std::fs::read(output.join(FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Changed published notices without a new revision entry are errors.
pub fn check(site: &Site, previous: &Manifest, today: civil::Date, diags: &Diagnostics) {
    let now = make(site);
    let mut by_path: BTreeMap<String, &Notice> = BTreeMap::new();
    for p in placed(site) {
        by_path.insert(p.path.clone(), p.notice);
    }
    for r in &site.rules {
        by_path.insert(format!("rules/{}/", r.slug), r);
    }
    for (path, old) in &previous.notices {
        let (Some(new), Some(n)) = (now.notices.get(path), by_path.get(path)) else {
            continue;
        };
        let was_up = old
            .posted_from
            .as_deref()
            .and_then(crate::dates::parse_date)
            .is_some_and(|d| d <= today);
        if was_up && new.hash != old.hash && new.revisions <= old.revisions {
            diags.error(
                &n.file,
                n.index.key_pos("revisions"),
                format!(
                    "这份公告已经发布（{} 起公示），内容被修改了，但没有新增更正说明。",
                    old.posted_from.as_deref().unwrap_or("")
                ),
                format!(
                    "已公开的公告不能悄悄改动。请在 revisions 中加一条，写明改了什么，例如：revisions: [{{on: {today}, note: 更正某某的出生年月}}]。网页、海报上都会显示这条更正说明。"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_streamed_manifest_is_the_map_serialised() {
        let d = crate::diag::Diagnostics::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::load::load(root, &d).expect("the bundled county loads");
        let json = super::to_json(&site);
        assert_eq!(
            json,
            serde_json::to_vec_pretty(&super::make(&site)).unwrap()
        );
        assert!(json.len() > 1000);
    }
}
