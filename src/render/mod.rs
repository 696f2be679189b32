//! Stage 3: render targets. `view` turns the typed model into what templates show;
//! `site` writes the HTML pages. Later targets (posters, WeChat) reuse the same views.
//!
//! Renderers hand each finished file to a [`Sink`] as soon as it exists rather than
//! returning them all at the end: a province's pages and posters do not fit in memory.

pub mod poster;
pub mod site;
pub mod templates;
pub mod view;
pub mod wechat;

use std::path::Path;
use std::sync::Mutex;

use jiff::civil;

use crate::diag::Diagnostics;
use crate::model::Site;
use crate::options::Switches;
use crate::plan::Plan;
use crate::progress::Progress;
use crate::theme::Theme;

pub use crate::plan::TargetId;

impl TargetId {
    pub fn get(self) -> Option<&'static dyn Target> {
        TARGETS.get(self.0 as usize).copied()
    }
}

/// A rendered page: path inside the output and its bytes.
pub struct Page {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// An output target: the site, posters, WeChat exports (and the ones later issues add).
/// Adding one is a module that implements this and a line in [`TARGETS`]: `--only`, the
/// build memo's key, the output plan, publishing and `serve` all read the list.
pub trait Target: Sync {
    /// The name `--only` takes, and the memo key records.
    fn name(&self) -> &'static str;
    /// Other names `--only` accepts (Chinese).
    fn aliases(&self) -> &'static [&'static str];
    /// `serve` makes it before showing a change (pages), rather than after (slow targets).
    fn fast(&self) -> bool;
    /// Folders of `<root>/.gongshi-cache/` it keeps, pruned after a build that made it.
    fn caches(&self) -> &'static [crate::cache::Kind] {
        &[]
    }
    /// What it is made from beyond content, theme and program, for the build memo's key
    /// (the machine's fonts, for posters).
    fn memo_inputs(&self, _switches: &Switches, _h: &mut blake3::Hasher) {}
    /// Every file it will write, with its owner.
    fn plan<'a>(&self, cx: &RenderCx<'a>, id: TargetId, plan: &mut Plan<'a>);
    /// Make its files into `sink`; `false` when it could not (the reason is in `diags`).
    fn render(&self, cx: &RenderCx<'_>, sink: &dyn Sink) -> bool;
}

/// Every output target, in the order they are made.
pub static TARGETS: &[&dyn Target] = &[
    &site::SiteTarget,
    &wechat::WechatTarget,
    &poster::PosterTarget,
];

/// What every target renders from.
pub struct RenderCx<'a> {
    pub site: &'a Site,
    pub root: &'a Path,
    pub theme: &'a Theme,
    pub today: civil::Date,
    /// Pages kept between `serve` rebuilds.
    pub pages: Option<&'a site::PageMemo>,
    pub progress: &'a Progress,
    pub diags: &'a Diagnostics,
    pub switches: Switches,
}

pub use crate::plan::Targets;

impl Targets {
    pub fn all() -> Targets {
        Targets((1u32 << TARGETS.len()) - 1)
    }

    pub fn none() -> Targets {
        Targets(0)
    }

    /// The targets `serve` makes first (`fast`) or after (`!fast`).
    pub fn by_speed(fast: bool) -> Targets {
        let mut t = Targets::none();
        for (i, x) in TARGETS.iter().enumerate() {
            if x.fast() == fast {
                t.0 |= 1 << i;
            }
        }
        t
    }

    pub fn has(&self, id: TargetId) -> bool {
        id == TargetId::CORE || (id.0 < 32 && self.0 & (1 << id.0) != 0)
    }

    /// The chosen targets with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (TargetId, &'static dyn Target)> + '_ {
        TARGETS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(i, t)| (TargetId(i as u8), *t))
    }

    /// `site,posters,wechat` (any subset, comma-separated; Chinese names too).
    pub fn parse(s: &str) -> Result<Targets, String> {
        let names = TARGETS
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join("、");
        let mut t = Targets::none();
        for part in s
            .split([',', '，'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let Some(i) = TARGETS
                .iter()
                .position(|x| x.name() == part || x.aliases().contains(&part))
            else {
                return Err(format!(
                    "--only 不认识“{part}”；可选 {names}，用逗号隔开，例如 --only site,wechat。"
                ));
            };
            t.0 |= 1 << i;
        }
        if t == Targets::none() {
            return Err(format!("--only 后面要写 {names} 中的至少一个。"));
        }
        Ok(t)
    }
}

/// Where rendered files go: memory for `serve`, the staging folder for `build`.
pub trait Sink: Sync {
    /// A finished file. `key` is the hash of everything it was made from, when known.
    fn put(&self, page: Page, key: Option<blake3::Hash>);
    /// Like [`Sink::put`] for a file whose bytes are not text (a PDF), with the text a
    /// reader sees in it, for the last privacy guard.
    fn put_shown(&self, page: Page, key: Option<blake3::Hash>, _text: Option<&str>) {
        self.put(page, key);
    }
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

/// [`escape_html`] into a new string.
pub fn escaped(input: &str) -> String {
    let mut out = Vec::with_capacity(input.len() + 8);
    let _ = escape_html(input, &mut out);
    // Only ASCII was inserted between whole runs of `input`.
    String::from_utf8(out).unwrap_or_default()
}

/// The HTML escaper of every output: `& < > " '` (as Tera's own), in runs between the
/// characters that need it.
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
    fn targets_parse_by_name_and_alias() {
        let t = super::Targets::parse("site，海报").unwrap();
        let names: Vec<&str> = t.iter().map(|(_, x)| x.name()).collect();
        assert_eq!(names, ["site", "posters"]);
        assert!(super::Targets::parse("pdf").unwrap_err().contains("site"));
        assert!(super::Targets::parse(",").is_err());
        assert!(super::Targets::all().has(super::TargetId::CORE));
    }
}
