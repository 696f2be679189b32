//! The theme: the default one is compiled into the binary; files under a root's
//! `themes/default/` override it file by file.

use include_dir::{Dir, include_dir};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;
use walkdir::WalkDir;

use crate::diag::{Diagnostics, Pos};

static DEFAULT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Path inside the theme (e.g. `templates/base.html`) → bytes. Built-in files are
    /// borrowed from the binary, not copied (fonts are large and `serve` loads the theme on
    /// every rebuild).
    pub files: BTreeMap<String, Cow<'static, [u8]>>,
    /// Paths overridden from the root's `themes/default/`.
    overridden: Vec<String>,
}

impl Theme {
    /// The built-in theme overlaid with `root/themes/default/`.
    pub fn load(root: &Path, diags: &Diagnostics) -> Theme {
        let mut theme = Theme::builtin();
        let over = root.join("themes").join("default");
        if over.is_dir() {
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
                let read = crate::source::open_regular(e.path()).and_then(|mut f| {
                    let mut b = Vec::new();
                    std::io::Read::read_to_end(&mut f, &mut b).map(|_| b)
                });
                match read {
                    Ok(b) => {
                        theme.files.insert(rel.clone(), Cow::Owned(b));
                        theme.overridden.push(rel);
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
        theme
    }

    /// The built-in theme alone.
    pub fn builtin() -> Theme {
        let mut files = BTreeMap::new();
        collect_embedded(&DEFAULT, &mut files);
        Theme {
            files,
            overridden: Vec::new(),
        }
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
                .map(|r| (r, v.as_ref()))
        })
    }

    /// A fingerprint of everything in the theme (for caches). The built-in part is part of
    /// the program, so the program's identity stands for it (hashing its 13 MB of fonts cost
    /// every build 25 ms).
    pub fn hash(&self) -> blake3::Hash {
        static BUILTIN: OnceLock<blake3::Hash> = OnceLock::new();
        let builtin = BUILTIN.get_or_init(crate::reuse::program_fingerprint);
        if self.overridden.is_empty() {
            return *builtin;
        }
        let mut h = blake3::Hasher::new();
        h.update(builtin.as_bytes());
        for k in &self.overridden {
            let v = &self.files[k];
            h.update(k.as_bytes());
            h.update(&(v.len() as u64).to_le_bytes());
            h.update(v);
        }
        h.finalize()
    }
}

fn collect_embedded(dir: &'static Dir<'static>, out: &mut BTreeMap<String, Cow<'static, [u8]>>) {
    for f in dir.files() {
        out.insert(
            f.path().to_string_lossy().replace('\\', "/"),
            Cow::Borrowed(f.contents()),
        );
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}
