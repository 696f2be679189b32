//! Stage 3: render targets. `view` turns the typed model into what templates show;
//! `site` writes the HTML pages. Later targets (posters, WeChat) reuse the same views.
//!
//! Renderers hand each finished file to a [`Sink`] as soon as it exists rather than
//! returning them all at the end: a province's pages and posters do not fit in memory.

pub mod poster;
pub mod site;
pub mod view;
pub mod wechat;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use site::Page;

/// Which output a file belongs to, for `build --only` and for carrying over files of
/// targets that were not built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Site,
    Posters,
    Wechat,
}

impl Target {
    /// The target a path inside the output belongs to.
    pub fn of(path: &str) -> Target {
        let name = path.rsplit('/').next().unwrap_or(path);
        // Attachments may be PDFs too: only posters and print files are the poster target.
        if name == "poster.pdf" || path.starts_with("print/") {
            Target::Posters
        } else if name == "wechat.html"
            || name.starts_with("wechat.fragment")
            || (name.starts_with("draft") && name.ends_with(".json"))
        {
            Target::Wechat
        } else {
            Target::Site
        }
    }
}

/// Where rendered files go: memory for `serve`, the staging folder for `build`.
pub trait Sink: Sync {
    /// A finished file. `key` is the hash of everything it was made from, when known.
    fn put(&self, page: Page, key: Option<blake3::Hash>);
    /// Keep the file at `path` from the previous build without rendering it again, if it
    /// was made from the same inputs (`key`). `true` when the sink has taken care of it.
    fn reuse(&self, _path: &str, _key: &blake3::Hash) -> bool {
        false
    }
}

/// A sink that keeps everything in memory (`serve`, tests).
#[derive(Default)]
pub struct Collect(Mutex<Vec<Page>>);

impl Collect {
    pub fn into_pages(self) -> Vec<Page> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Collect {
    fn put(&self, page: Page, _key: Option<blake3::Hash>) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(page);
    }
}

/// A Tera environment with our HTML escaping: the same output as Tera's own (`& < > " '`),
/// written in runs between the characters that need escaping instead of byte by byte (Tera's
/// version was a tenth of a province's render time).
pub fn new_tera() -> tera::Tera {
    let mut t = tera::Tera::new();
    t.set_escape_fn(escape_html);
    t
}

pub fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(rep)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

/// Write `bytes` to `dir/rel`, creating folders only when they are missing (most writes
/// go to folders that exist; `create_dir_all` on every file costs a province seconds).
/// Returns the new file's modification time (from the open file: no second path lookup).
pub fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<std::time::SystemTime> {
    use std::io::Write as _;
    let p: PathBuf = dir.join(rel);
    let mut f = match std::fs::File::create(&p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::File::create(&p)?
        }
        r => r?,
    };
    f.write_all(bytes)?;
    f.metadata()?.modified()
}

#[cfg(test)]
mod tests {
    use super::Target;

    #[test]
    fn escaping_matches_tera() {
        for s in [
            "",
            "公示",
            "a&b<c>d\"e'f",
            "<<>>&&",
            "end&",
            "&start",
            "中<文>'\"",
        ] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            super::escape_html(s, &mut ours).unwrap();
            tera::escape_html(s, &mut teras).unwrap();
            assert_eq!(ours, teras, "{s}");
        }
    }

    #[test]
    fn targets_of_paths() {
        assert_eq!(Target::of("a/b/c/index.html"), Target::Site);
        assert_eq!(Target::of("a/b/c/poster.pdf"), Target::Posters);
        assert_eq!(Target::of("print/a/b.pdf"), Target::Posters);
        assert_eq!(Target::of("a/b/c/wechat.html"), Target::Wechat);
        assert_eq!(Target::of("a/b/c/wechat.fragment.2.html"), Target::Wechat);
        assert_eq!(Target::of("a/b/c/draft.json"), Target::Wechat);
        assert_eq!(Target::of("a/wechat.html"), Target::Wechat);
        assert_eq!(Target::of("manifest.json"), Target::Site);
        assert_eq!(Target::of("static/style.css"), Target::Site);
        assert_eq!(Target::of("a/b/c/fujian.pdf"), Target::Site);
    }
}
