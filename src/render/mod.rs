//! Stage 3: render targets. `view` turns the typed model into what templates show;
//! `site` writes the HTML pages. Later targets (posters, WeChat) reuse the same views.
//!
//! Renderers hand each finished file to a [`Sink`] as soon as it exists rather than
//! returning them all at the end: a province's pages and posters do not fit in memory.

pub mod poster;
pub mod site;
pub mod view;
pub mod wechat;

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
    /// The bytes of the previous build's file at `path`, if it is still as that build
    /// wrote it.
    fn previous(&self, _path: &str) -> Option<Vec<u8>> {
        None
    }
    /// Whether [`Sink::reuse`] can ever keep a file (there is a previous build to keep
    /// from), so that looking for what to keep is worth its cost.
    fn keeps_previous(&self) -> bool {
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
    let mut start = 0; // first byte not yet written
    let mut i = 0;
    while i < bytes.len() {
        // Most text (Chinese above all) has nothing to escape: 32 bytes at a time, with a
        // test the compiler turns into vector compares.
        let end = match bytes
            .get(i..i + 32)
            .and_then(|c| <&[u8; 32]>::try_from(c).ok())
        {
            Some(chunk) if !any_to_escape(chunk) => {
                i += 32;
                continue;
            }
            Some(_) => i + 32,
            None => {
                // The short tail (most values are a name or a date): the same vector test on
                // a zero-padded copy.
                let mut tail = [0u8; 32];
                tail[..bytes.len() - i].copy_from_slice(&bytes[i..]);
                if !any_to_escape(&tail) {
                    break;
                }
                bytes.len()
            }
        };
        for (k, b) in bytes[i..end].iter().enumerate() {
            let rep: &[u8] = match b {
                b'&' => b"&amp;",
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'"' => b"&quot;",
                b'\'' => b"&#39;",
                _ => continue,
            };
            out.write_all(&bytes[start..i + k])?;
            out.write_all(rep)?;
            start = i + k + 1;
        }
        i = end;
    }
    out.write_all(&bytes[start..])
}

/// A fixed-size array and a byte-wide accumulator: the shape LLVM vectorises.
#[inline(always)]
fn any_to_escape(chunk: &[u8; 32]) -> bool {
    let mut m = 0u8;
    for &b in chunk {
        m |= ((b == b'&') | (b == b'<') | (b == b'>') | (b == b'"') | (b == b'\'')) as u8;
    }
    m != 0
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
            "公示期内如有异议，请通过以下方式反映：向村民选举委员会反映；&amp; <b>x</b>",
            "0123456789012345678901234567890&0123456789012345678901234567890<",
            "01234567890123456789012345678901",
            "0123456789012345678901234567890'",
        ] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            super::escape_html(s, &mut ours).unwrap();
            tera::escape_html(s, &mut teras).unwrap();
            assert_eq!(ours, teras, "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn escaping_matches_tera_on_any_text(s in "[a-z&<>\"'公示 ]{0,100}") {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            super::escape_html(&s, &mut ours).unwrap();
            tera::escape_html(&s, &mut teras).unwrap();
            proptest::prop_assert_eq!(ours, teras);
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
