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

/// A length-prefixed part, so that moving bytes from one part to the next changes the key.
fn part(h: &mut blake3::Hasher, bytes: &[u8]) {
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// What a build was asked for, as the whole-build memo's key sees it.
pub struct BuildAsked<'a> {
    pub today: jiff::civil::Date,
    /// Every file through the full YAML parser (`GONGSHI_FULL_YAML`).
    pub full_yaml: bool,
    pub base_url: Option<&'a str>,
    /// The site's root and output folders.
    pub folders: [&'a std::path::Path; 2],
}

/// The whole-build memo: the program, what the build was asked for, the stamps of `content/`
/// and `themes/` (`tops`), which targets run and what each adds (`extra`: the machine's fonts).
pub fn whole_build(
    fingerprint: &blake3::Hash,
    opts: &BuildAsked<'_>,
    tops: &[(&str, blake3::Hash)],
    targets: impl Iterator<Item = (&'static str, bool)>,
    extra: impl FnOnce(&mut blake3::Hasher),
) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(b"gongshi-memo\0");
    h.update(fingerprint.as_bytes());
    h.update(opts.today.to_string().as_bytes());
    h.update(b"\0");
    // The same results by design, but a bug report with the full parser must really use it.
    h.update(&[opts.full_yaml as u8]);
    h.update(opts.base_url.unwrap_or("\u{1}").as_bytes());
    h.update(b"\0");
    for (name, on) in targets {
        h.update(name.as_bytes());
        h.update(&[on as u8]);
    }
    for p in opts.folders {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        h.update(abs.as_os_str().as_encoded_bytes());
        h.update(b"\0");
    }
    for (top, digest) in tops {
        h.update(top.as_bytes());
        h.update(digest.as_bytes());
    }
    extra(&mut h);
    h.finalize()
}

/// One output file in the output index: its target's key for it, under this program.
pub fn output_file(fingerprint: &blake3::Hash, key: &blake3::Hash) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(fingerprint.as_bytes());
    h.update(key.as_bytes());
    h.finalize()
}

/// What every poster shares: the layout format, the theme's poster templates (name, bytes)
/// and the fonts' fingerprint.
pub fn poster_templates<'t>(
    format: &str,
    templates: impl Iterator<Item = (&'t str, &'t [u8])>,
    fonts: &blake3::Hash,
) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(format.as_bytes());
    for (name, bytes) in templates {
        h.update(name.as_bytes());
        h.update(blake3::hash(bytes).as_bytes());
    }
    h.update(fonts.as_bytes());
    h.finalize()
}

/// One poster PDF: the templates' key, the poster's data, its Typst body and main file, and
/// the QR code's text.
pub fn poster(
    templates: &blake3::Hash,
    data: &[u8],
    body: &str,
    main: &str,
    qr: Option<&str>,
) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(templates.as_bytes());
    for p in [data, body.as_bytes(), main.as_bytes()] {
        part(&mut h, p);
    }
    if let Some(q) = qr {
        h.update(q.as_bytes());
    }
    h.finalize()
}

/// A township's print job (`print/…pdf`): its name and the keys of the posters in it.
pub fn poster_bundle<'k>(bundle: &str, members: impl Iterator<Item = &'k str>) -> String {
    let mut h = blake3::Hasher::new();
    h.update(b"bundle");
    h.update(bundle.as_bytes());
    for m in members {
        h.update(m.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

/// One WeChat export: the site and village it is placed in, the program, the notice.
pub fn wechat_export(
    env: &blake3::Hash,
    fingerprint: &blake3::Hash,
    areas: &[&Area],
    village: &Village,
    notice: &crate::model::Notice,
) -> blake3::Hash {
    let mut h = village_env(env, areas, village);
    h.update(b"wechat");
    h.update(fingerprint.as_bytes());
    h.update(notice.slug.as_bytes());
    h.update(notice.hash.as_bytes());
    h.finalize()
}

/// A township's WeChat listing: its place and name and the keys of its exports.
pub fn wechat_listing(
    env: &blake3::Hash,
    fingerprint: &blake3::Hash,
    path: &str,
    name: &str,
    exports: &[blake3::Hash],
) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(env.as_bytes());
    h.update(fingerprint.as_bytes());
    h.update(path.as_bytes());
    h.update(name.as_bytes());
    for k in exports {
        h.update(k.as_bytes());
    }
    h.finalize()
}

/// A picture re-encoded without metadata (`.gongshi-cache/photos`): the cleaning code's
/// `version`, the width it was fitted to (`None`: not resized) and the original bytes.
pub fn picture(version: &str, max_width: Option<u32>, bytes: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(version.as_bytes());
    if let Some(w) = max_width {
        h.update(&w.to_le_bytes());
    }
    h.update(bytes);
    h.finalize().to_hex().to_string()
}
