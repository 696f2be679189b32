//! The keys of rendered files (see the table in [`crate::reuse`]).

use crate::model::{Area, Site, Village};

/// Everything site-wide a page depends on: site.yaml, the rules, the theme, the day.
/// Keys are built from finished hashes, not by cloning a hasher: a blake3 hasher is 2 KB of
/// state, and a province builds 80,000 keys.
pub fn site_env(site: &Site, theme: &blake3::Hash, today: jiff::civil::Date) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(site.source_hash.as_bytes());
    h.update(site.cfg.base_url.as_deref().unwrap_or("").as_bytes());
    for r in &site.rules {
        h.update(r.slug.as_bytes());
        h.update(r.hash.as_bytes());
    }
    h.update(theme.as_bytes());
    h.update(today.to_string().as_bytes());
    h.finalize()
}

/// A hasher started with `env` and the area chain and the village.
pub fn village_env(env: &blake3::Hash, areas: &[&Area], v: &Village) -> blake3::Hasher {
    let mut h = blake3::Hasher::new();
    h.update(env.as_bytes());
    for a in areas {
        h.update(a.slug.as_bytes());
        h.update(a.source_hash.as_bytes());
    }
    h.update(v.slug.as_bytes());
    h.update(v.source_hash.as_bytes());
    h
}
