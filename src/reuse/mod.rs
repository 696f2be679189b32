//! Everything a build reuses from an earlier one, and what each is keyed on. A key covers
//! everything its result is made from; anything else changing must not change it, and
//! nothing it covers may change without changing it.
//!
//! | what is reused | where | key covers | invalidated by |
//! |---|---|---|---|
//! | the whole output (whole-build memo, `output/.gongshi-memo`) | [`crate::memo`] | the program ([`program_salt`]), the day, base URL, targets, root and output folders, the [`stamps`] of `content/` and `themes/`, each target's extra inputs (`Target::memo_inputs`: the machine's fonts) | any of those; an output file changed by hand (checked against the output index) |
//! | one output file (output index, `output/.gongshi-index`) | `crate::publish` | per file: the hash of its inputs from its target (page keys below), salted with [`program_salt`] | a new program; the file's inputs; the file changed by hand (length, modification time) |
//! | a page between `serve` rebuilds (page memo) | `crate::render::site::PageMemo` | `site_env` (site.yaml, base URL, rules, theme, day) + `village_env` (area chain, village) + the notices it lists | any of those |
//! | a parsed YAML file between `serve` rebuilds (parse cache) | `crate::load::ParseCache` | the file's bytes | the file's bytes |
//! | a poster PDF (`.gongshi-cache/posters`) | `crate::render::poster` | the poster's data, template, fonts, program | any of those |
//! | a re-encoded photo (`.gongshi-cache/photos`) | `crate::render::wechat`, `crate::images` | the picture's bytes and the program | any of those |
//! | a WeChat export | `crate::render::wechat::export_key` | `site_env`, program, notice slug and hash | any of those |
//!
//! [`program_salt`] is in every key: a new gongshi may render the same inputs differently.

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
pub fn program_salt() -> blake3::Hash {
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
