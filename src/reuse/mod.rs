//! Everything a build reuses from an earlier one, and what each is keyed on. A key covers
//! everything its result is made from; anything else changing must not change it, and
//! nothing it covers may change without changing it. Every key is built in [`keys`]; the
//! stamps the whole-build memo compares are in [`stamps`].
//!
//! | what is reused (its name in the code) | kept in | key ([`keys`]) covers | invalidated by |
//! |---|---|---|---|
//! | the whole output, when nothing changed (whole-build memo, `crate::memo`) | `output/.gongshi-memo` | [`keys::whole_build`]: the program ([`program_fingerprint`]), the day, base URL, YAML route, targets, root and output folders, the [`stamps`] of `content/` and `themes/`, each target's extra inputs (`Target::memo_inputs`: the machine's fonts) | any of those; an output file changed by hand (checked against the output index) |
//! | one output file, left in place (output index, `crate::publish`) | `output/.gongshi-index` | [`keys::output_file`]: the program and the file's key from its target (the keys below) | a new program; the file's inputs; the file changed by hand (length, modification time) |
//! | a page between `serve` rebuilds (page memo, `crate::render::site::PageMemo`) | memory | [`keys::site_env`] (site.yaml, base URL, rules, theme, day) + [`keys::village_env`] (area chain, village) + the notices it lists | any of those |
//! | a parsed YAML file between `serve` rebuilds (parse cache, `crate::load::ParseCache`) | memory | the file's bytes | the file's bytes |
//! | a poster PDF (disk cache, `crate::cache::DiskCache`) | `.gongshi-cache/posters` | [`keys::poster`]: [`keys::poster_templates`] (layout format, templates, fonts), the poster's data, body, QR text; a print job: [`keys::poster_bundle`] | any of those |
//! | a picture without metadata (disk cache) | `.gongshi-cache/photos` | [`keys::picture`]: the cleaning code's version, the width, the picture's bytes | any of those |
//! | a WeChat export and a township's listing (export records) | the output folder | [`keys::wechat_export`], [`keys::wechat_listing`]: `site_env`, the program, the place, the notice slug and hash | any of those |
//!
//! The program fingerprint is in every key of what the output folder keeps (directly or
//! through the theme's hash): a new gongshi may render the same inputs differently. The disk
//! caches outlive program builds instead and carry the version of the code that makes their
//! entries (the poster layout's `FORMAT`, the picture cleaners' `VERSION`), raised when that
//! code changes what it makes.

pub mod keys;
pub mod stamps;

pub(crate) fn mtime_of(m: &std::fs::Metadata) -> u128 {
    m.modified().map_or(0, nanos)
}

pub(crate) fn nanos(t: std::time::SystemTime) -> u128 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// What a program build adds to every reuse key: a new gongshi may render the same inputs
/// differently, so it must not keep pages an older one made.
pub fn program_fingerprint() -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(exe) = std::env::current_exe()
        && let Ok(m) = std::fs::metadata(&exe)
    {
        h.update(exe.as_os_str().as_encoded_bytes());
        h.update(&m.len().to_le_bytes());
        h.update(&mtime_of(&m).to_le_bytes());
    }
    h.finalize()
}
