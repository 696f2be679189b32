//! Stage 3: render targets. `view` turns the typed model into what templates show;
//! `site` writes the HTML pages. Later targets (posters, WeChat) reuse the same views.

pub mod poster;
pub mod site;
pub mod view;
pub mod wechat;

use std::path::{Path, PathBuf};

/// Write `bytes` to `dir/rel`, creating folders.
pub fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    let p: PathBuf = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(p, bytes)
}
