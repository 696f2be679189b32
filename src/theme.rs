//! The theme: the default one is compiled into the binary; files under a root's
//! `themes/default/` override it file by file.

use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

use crate::diag::{Diagnostics, Pos};

static DEFAULT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Path inside the theme (e.g. `templates/base.html`) → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// The built-in theme overlaid with `root/themes/default/`.
    pub fn load(root: &Path, diags: &Diagnostics) -> Theme {
        let mut files = BTreeMap::new();
        collect_embedded(&DEFAULT, &mut files);
        let over = root.join("themes").join("default");
        if over.is_dir() {
            let canon = over.canonicalize().ok();
            for e in WalkDir::new(&over)
                .follow_links(false)
                .into_iter()
                .flatten()
            {
                if !e.file_type().is_file() {
                    continue;
                }
                let Ok(rel) = e.path().strip_prefix(&over) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                let _ = &canon;
                match std::fs::read(e.path()) {
                    Ok(b) => {
                        files.insert(rel, b);
                    }
                    Err(err) => diags.error(
                        &Path::new("themes/default").join(&rel),
                        Pos::default(),
                        format!("无法读取主题文件：{err}"),
                        "请检查文件权限。",
                    ),
                }
            }
        }
        Theme { files }
    }

    /// The built-in theme alone.
    pub fn builtin() -> Theme {
        let mut files = BTreeMap::new();
        collect_embedded(&DEFAULT, &mut files);
        Theme { files }
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        self.files
            .get(path)
            .and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Files under a folder of the theme, with paths relative to that folder.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        self.files.iter().filter_map(move |(k, v)| {
            k.strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('/'))
                .map(|r| (r, v.as_slice()))
        })
    }

    /// A fingerprint of everything in the theme (for caches).
    pub fn hash(&self) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        for (k, v) in &self.files {
            h.update(k.as_bytes());
            h.update(&(v.len() as u64).to_le_bytes());
            h.update(v);
        }
        h.finalize()
    }
}

fn collect_embedded(dir: &Dir<'_>, out: &mut BTreeMap<String, Vec<u8>>) {
    for f in dir.files() {
        out.insert(
            f.path().to_string_lossy().replace('\\', "/"),
            f.contents().to_vec(),
        );
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}
