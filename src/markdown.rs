//! Markdown bodies → safe HTML. comrak rather than pulldown-cmark because CommonMark's
//! emphasis rules leave `**注意：**请按时投票` unbolded (the closing `**` follows full-width
//! punctuation and precedes a CJK character); comrak's `cjk_friendly_emphasis` fixes that.
//! Raw HTML is allowed through the parser and then sanitised with ammonia. Every target
//! parses bodies with [`parse`], which masks personal numbers in the tree.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options};

use crate::diag::{Diagnostics, Pos};
use crate::privacy;

pub fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.footnotes = true;
    o.extension.autolink = true;
    o.extension.cjk_friendly_emphasis = true;
    o.render.r#unsafe = true; // sanitised by ammonia below
    o
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer"))
        .add_tag_attributes("td", ["align", "style"].iter())
        .add_tag_attributes("th", ["align", "style"].iter())
        .add_tag_attributes("ol", ["start"].iter())
        .add_tag_attributes("a", ["id"].iter())
        .add_tag_attributes("li", ["id"].iter())
        .add_tag_attributes("sup", ["id"].iter())
        .add_tag_attributes("section", ["class"].iter())
        .add_tags(["section"].iter());
    b.attribute_filter(|el, attr, value| match attr {
        // Inline styles come only from the theme; in content they could hide, cover or fake
        // text. Of a style only `text-align` survives (tables written in HTML).
        "style" => {
            let kept = filter_style(value);
            (!kept.is_empty()).then(|| kept.into())
        }
        // The theme's classes and ids (a status badge, the 12380 box) cannot be borrowed:
        // only the footnote markup comrak itself writes keeps its own.
        "class" => (el == "section" && value == "footnotes").then(|| value.into()),
        "id" => is_footnote_id(value).then(|| value.into()),
        // A page loads nothing from another host: pictures only from the notice's folder.
        "src" if el == "img" => is_relative(value).then(|| value.into()),
        _ => Some(value.into()),
    });
    b
});

/// The declarations of a content `style` attribute that may stay: `text-align` with a plain
/// keyword, nothing else (no positioning, `z-index`, `url(`, colours or sizes).
pub fn filter_style(style: &str) -> String {
    let mut out = Vec::new();
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let prop = prop.trim().to_ascii_lowercase();
        let value = value.trim().to_ascii_lowercase();
        if prop == "text-align"
            && matches!(
                value.as_str(),
                "left" | "right" | "center" | "justify" | "start" | "end"
            )
        {
            out.push(format!("text-align:{value}"));
        }
    }
    out.join(";")
}

/// Ids comrak gives footnotes (`fn-1`, `fnref-1`, `fnref-1-2`).
fn is_footnote_id(id: &str) -> bool {
    let rest = id.strip_prefix("fnref-").or_else(|| id.strip_prefix("fn-"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && r.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
    })
}

/// A URL without a scheme or host: a file beside the page.
fn is_relative(url: &str) -> bool {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let scheme = lower
        .find(':')
        .is_some_and(|i| !lower[..i].contains(['/', '?', '#']));
    !scheme && !u.starts_with("//") && !u.starts_with("\\\\")
}

/// Sanitise an HTML fragment (used for rendered Markdown and anything else from content).
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// Where a body lives, for diagnostics and attachment checks.
pub struct BodyCtx<'a> {
    pub file: &'a Path,
    /// File line of the body's first line.
    pub body_line: usize,
    /// Folder that relative attachment paths are resolved against.
    pub base_dir: &'a Path,
}

#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    /// Attachment files referenced by the body, relative to `base_dir`.
    pub attachments: Vec<Attachment>,
}

pub use crate::model::Attachment;

/// A personal number the body showed, where, and how it is shown now.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Line within the body and column in bytes within that line (1-based).
    pub line: usize,
    pub col: usize,
    pub kind: privacy::Kind,
    pub masked: String,
}

/// Parse a Markdown body and mask every personal number a reader would see in it: in text
/// (through emphasis, escapes, character references, inline HTML and comments, zero-width
/// characters and line breaks), in raw HTML, code, link addresses and titles, footnote
/// names. Every target renders bodies from this tree, so they all show the same masked text.
pub fn parse<'a>(arena: &'a Arena<'a>, body: &str, hits: Option<&mut Vec<Hit>>) -> &'a AstNode<'a> {
    let opts = options();
    let root = comrak::parse_document(arena, body, &opts);
    let mut local = Vec::new();
    let hits = hits.unwrap_or(&mut local);
    // Nothing to mask in a body without eleven digits (most of them).
    if privacy::may_hold(body.as_bytes()) || body.contains("&#") {
        mask_tree(root, hits);
    }
    root
}

fn mask_tree<'a>(root: &'a AstNode<'a>, hits: &mut Vec<Hit>) {
    for node in root.descendants() {
        let contains_inlines = node.data().value.contains_inlines();
        if contains_inlines {
            mask_inlines(node, hits);
            continue;
        }
        let mut data = node.data_mut();
        let pos = data.sourcepos.start;
        let at = |hits: &mut Vec<Hit>, found: &[privacy::Found], text: &str| {
            for f in found {
                let (l, c) = privacy::line_col(text, f.start);
                hits.push(Hit {
                    line: pos.line + l - 1,
                    col: if l == 1 { pos.column + c - 1 } else { c },
                    kind: f.kind,
                    masked: f.masked.clone(),
                });
            }
        };
        match &mut data.value {
            NodeValue::CodeBlock(cb) => {
                let found = privacy::find(&cb.literal);
                if !found.is_empty() {
                    at(hits, &found, &cb.literal);
                    cb.literal = privacy::apply_with(&cb.literal, &found, |_| "*");
                }
            }
            NodeValue::HtmlBlock(hb) => {
                if let Some((m, found)) = privacy::guard::mask_addresses(&hb.literal) {
                    for f in found {
                        hits.push(Hit {
                            line: pos.line,
                            col: pos.column,
                            kind: f.kind,
                            masked: f.masked,
                        });
                    }
                    hb.literal = m;
                }
                let found = privacy::find_in(&hb.literal, privacy::Mode::Html);
                if !found.is_empty() {
                    at(hits, &found, &hb.literal);
                    hb.literal = privacy::apply_with(&hb.literal, &found, |_| "*");
                }
            }
            NodeValue::FootnoteDefinition(fd) => {
                privacy::mask_in_place(&mut fd.name);
            }
            _ => {}
        }
    }
}

/// Where a piece of a block's visible text comes from.
struct Seg<'a> {
    /// Offset in the block's text.
    at: usize,
    node: &'a AstNode<'a>,
}

/// Mask the text of one block (paragraph, heading, table cell) read as a whole.
fn mask_inlines<'a>(block: &'a AstNode<'a>, hits: &mut Vec<Hit>) {
    // Most blocks hold fewer than eleven digits in all: nothing to put together.
    let mut digits = 0;
    for node in block.descendants().skip(1) {
        digits += match &node.data().value {
            NodeValue::Text(t) => privacy::count_digits(t.as_bytes(), 11),
            NodeValue::Code(c) => privacy::count_digits(c.literal.as_bytes(), 11),
            NodeValue::HtmlInline(h) => {
                privacy::count_digits(h.as_bytes(), 11) + h.contains('%') as usize * 11
            }
            NodeValue::Link(l) | NodeValue::Image(l) => {
                privacy::count_digits(l.url.as_bytes(), 11) + l.url.contains('%') as usize * 11
            }
            NodeValue::FootnoteReference(r) => privacy::count_digits(r.name.as_bytes(), 11),
            _ => 0,
        };
        if digits >= 11 {
            break;
        }
    }
    if digits < 11 {
        return;
    }
    // The block's text as HTML would show it: text and code with `<` and `&` made inert
    // (same length, so offsets map straight back), raw inline HTML as written, line breaks.
    let mut text = String::new();
    let mut segs: Vec<Seg<'a>> = Vec::new();
    for node in block.descendants().skip(1) {
        let mut data = node.data_mut();
        let start = data.sourcepos.start;
        match &mut data.value {
            NodeValue::Text(t) => {
                segs.push(Seg {
                    at: text.len(),
                    node,
                });
                text.extend(
                    t.chars()
                        .map(|c| if matches!(c, '<' | '&') { '~' } else { c }),
                );
            }
            NodeValue::Code(c) => {
                segs.push(Seg {
                    at: text.len(),
                    node,
                });
                text.extend(
                    c.literal
                        .chars()
                        .map(|c| if matches!(c, '<' | '&') { '~' } else { c }),
                );
            }
            NodeValue::HtmlInline(h) => {
                if let Some((m, found)) = privacy::guard::mask_addresses(h) {
                    for f in found {
                        hits.push(Hit {
                            line: start.line,
                            col: start.column,
                            kind: f.kind,
                            masked: f.masked,
                        });
                    }
                    *h = m;
                }
                segs.push(Seg {
                    at: text.len(),
                    node,
                });
                text.push_str(h);
            }
            NodeValue::SoftBreak | NodeValue::LineBreak => text.push('\n'),
            NodeValue::FootnoteReference(r) => {
                privacy::mask_in_place(&mut r.name);
                text.push('~');
            }
            NodeValue::Link(link) | NodeValue::Image(link) => {
                // A file beside the notice keeps its name: one with a number in it is refused
                // when the link is checked (a masked name would lead nowhere).
                let file = is_relative(&link.url);
                for (s, what) in [(&mut link.url, true), (&mut link.title, false)] {
                    if what && file {
                        continue;
                    }
                    if !privacy::may_hold(s.as_bytes()) && !s.contains('%') {
                        continue;
                    }
                    let decoded = if what {
                        privacy::percent_decode(s)
                    } else {
                        s.clone()
                    };
                    let found = privacy::find(&decoded);
                    for f in &found {
                        hits.push(Hit {
                            line: start.line,
                            col: start.column,
                            kind: f.kind,
                            masked: f.masked.clone(),
                        });
                    }
                    if !found.is_empty() {
                        *s = privacy::apply_with(&decoded, &found, |_| "*");
                    }
                }
            }
            _ => {}
        }
    }
    if !privacy::may_hold(text.as_bytes()) && !text.contains("&#") {
        return;
    }
    let found = privacy::find_in(&text, privacy::Mode::Html);
    if found.is_empty() {
        return;
    }
    // Hidden ranges by segment, applied from the end so earlier offsets stay true.
    let mut ranges: Vec<std::ops::Range<usize>> = found
        .iter()
        .flat_map(|f| f.hidden.iter().cloned())
        .collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.start));
    for f in &found {
        let k = segs.partition_point(|s| s.at <= f.start).saturating_sub(1);
        // The node's start, and how far into it the number begins (exact when the node's
        // text is written as it reads, as it almost always is).
        let (line, col) = segs.get(k).map_or((1, 1), |s| {
            let p = s.node.data().sourcepos.start;
            (p.line, p.column + f.start.saturating_sub(s.at))
        });
        hits.push(Hit {
            line,
            col,
            kind: f.kind,
            masked: f.masked.clone(),
        });
    }
    for r in ranges {
        let k = segs.partition_point(|s| s.at <= r.start).saturating_sub(1);
        let Some(seg) = segs.get(k) else { continue };
        let (a, b) = (r.start - seg.at, r.end - seg.at);
        let mut data = seg.node.data_mut();
        let replace = |s: &str| -> Option<String> {
            (b <= s.len() && s.is_char_boundary(a) && s.is_char_boundary(b))
                .then(|| format!("{}*{}", &s[..a], &s[b..]))
        };
        match &mut data.value {
            NodeValue::Text(t) => {
                if let Some(n) = replace(t) {
                    *t = n.into();
                }
            }
            NodeValue::Code(c) => {
                if let Some(n) = replace(&c.literal) {
                    c.literal = n;
                }
            }
            NodeValue::HtmlInline(h) => {
                if let Some(n) = replace(h) {
                    *h = n;
                }
            }
            _ => {}
        }
    }
}

/// Render a Markdown body to sanitised HTML, checking links and image paths. Personal
/// numbers are masked (see [`parse`]) and reported.
pub fn render(body: &str, ctx: &BodyCtx<'_>, diags: &Diagnostics) -> Rendered {
    let arena = Arena::new();
    let opts = options();
    let mut hits = Vec::new();
    let root = parse(&arena, body, Some(&mut hits));
    for h in hits {
        // Columns from the parser count bytes; diagnostics count characters.
        let col = body
            .lines()
            .nth(h.line.saturating_sub(1))
            .map_or(h.col, |l| {
                let mut at = h.col.saturating_sub(1).min(l.len());
                while !l.is_char_boundary(at) {
                    at -= 1;
                }
                l[..at].chars().count() + 1
            });
        diags.warning(
            ctx.file,
            Pos::new(ctx.body_line + h.line.saturating_sub(1), col.max(1)),
            format!(
                "正文里有完整的{}，已在网站和所有导出文件中打码为 {}。",
                h.kind.zh(),
                h.masked
            ),
            "个人身份证号、手机号不应公开，请从正文中删去。公开的联系电话请写在 contacts 或 objection 的 channels 里。",
        );
    }
    let mut attachments = Vec::new();
    let mut raw_html = false;
    for node in root.descendants() {
        let mut data = node.data_mut();
        raw_html |= matches!(
            data.value,
            NodeValue::HtmlBlock(_) | NodeValue::HtmlInline(_)
        );
        let line = data.sourcepos.start.line;
        let col = data.sourcepos.start.column;
        let pos = Pos::new(ctx.body_line + line.saturating_sub(1), col.max(1));
        let is_image = matches!(data.value, NodeValue::Image(_));
        let what = if is_image { "图片" } else { "附件" };
        let mut to_link = false;
        if let NodeValue::Link(link) | NodeValue::Image(link) = &mut data.value {
            match check_url(&link.url, ctx.base_dir, is_image) {
                UrlCheck::Ok => {}
                UrlCheck::Outside => {
                    diags.warning(
                        ctx.file,
                        pos,
                        format!(
                            "图片“{}”在别的网站上，网页不从别的网站加载任何东西，已改成一个链接。",
                            truncate(&link.url, 60)
                        ),
                        "如需在网页上显示这张图片，请把它下载下来放进公告所在的文件夹，再写 ![说明](文件名.jpg)。",
                    );
                    to_link = true;
                }
                UrlCheck::Attachment(rel) => attachments.push(Attachment { rel, pos }),
                UrlCheck::Unsafe => {
                    diags.warning(
                        ctx.file,
                        pos,
                        format!("不安全的链接“{}”已删除。", truncate(&link.url, 40)),
                        "链接只能以 http://、https://、mailto:、tel: 开头，或指向村文件夹里的文件。",
                    );
                    link.url.clear();
                }
                UrlCheck::Refused(problem) => {
                    let (msg, hint) = problem.zh(what, &truncate(&link.url, 60));
                    diags.error(ctx.file, pos, msg, hint);
                    link.url.clear();
                }
            }
        }
        if to_link && let NodeValue::Image(link) = &data.value {
            data.value = NodeValue::Link(link.clone());
        }
    }
    let mut html = String::new();
    if comrak::format_html(root, &opts, &mut html).is_err() {
        html.clear();
    }
    // Without raw HTML, comrak writes only its own tags, with text and attributes escaped,
    // and every link and image URL was checked above: sanitising would only cost time
    // (html5ever parses and re-serialises every body). Raw HTML always goes through ammonia.
    // The string grew by doubling; a province keeps 60,000 of these for the whole build, so
    // each is copied to its own size (shrinking in place would keep the allocator's block).
    Rendered {
        html: if raw_html {
            mask_sanitised(sanitize(&html), ctx, diags)
        } else {
            html.as_str().to_owned()
        },
        attachments,
    }
}

/// html5ever reads raw HTML as a browser does, which can join what comrak saw apart: in
/// `<p 9<!>139<br>00000019` comrak sees the text `<p 9`, the browser an attribute `9<!`, and
/// then a mobile number across the line break. So the sanitised page is read once more, as the
/// last guard will read it; nothing in a body is a public phone.
fn mask_sanitised(mut html: String, ctx: &BodyCtx<'_>, diags: &Diagnostics) -> String {
    // Masking leaves `*`, which ends a number; a second round only confirms nothing is left.
    for _ in 0..3 {
        let found = privacy::find_in(&html, privacy::Mode::Html);
        if found.is_empty() {
            break;
        }
        diags.warn_laid_out(
            ctx.file,
            Pos::new(ctx.body_line, 1),
            &found,
            ("正文的 HTML 在浏览器里显示时", "网页上"),
            "请从正文中删去这个号码，并检查正文里不成对的尖括号“<”。",
        );
        html = privacy::apply_with(&html, &found, |_| "*");
    }
    html
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

enum UrlCheck {
    Ok,
    /// A picture on another host.
    Outside,
    Attachment(String),
    Unsafe,
    Refused(Problem),
}

/// Why a file may not be attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `..`, an absolute path, or a link that leads out of the folder.
    Escapes,
    Missing,
    /// A folder, a FIFO, a socket, a device.
    NotAFile,
    /// A symbolic link (shortcut): only files put there on purpose are copied.
    Link,
    /// Not a document or picture type that may be published (the extension, lowercase).
    Type(String),
    /// Its bytes are not what its extension says.
    Content(String),
    /// Its name holds a personal number.
    Personal(privacy::Kind, String),
}

impl Problem {
    /// Message and hint for `what` (附件, 图片, 照片) written as `shown`.
    pub fn zh(&self, what: &str, shown: &str) -> (String, String) {
        match self {
            Problem::Escapes => (
                format!("{what}路径“{shown}”指向村文件夹之外。"),
                "出于安全考虑，图片和附件只能放在公告所在的文件夹（或其子文件夹）里，路径中不能有 .. 或以 / 开头。".into(),
            ),
            Problem::Missing => (
                format!("找不到{what}文件“{shown}”。"),
                "请把文件放进公告所在的文件夹，并核对文件名（区分大小写）。".into(),
            ),
            Problem::NotAFile => (
                format!("{what}“{shown}”不是普通文件（是文件夹或特殊文件），没有读取。"),
                "请换成一个普通的文件。".into(),
            ),
            Problem::Link => (
                format!("{what}“{shown}”是一个链接（快捷方式），不是文件本身，没有复制。"),
                "请把要公开的文件本身复制到公告所在的文件夹里。".into(),
            ),
            Problem::Type(ext) => (
                format!(
                    "{what}“{shown}”是 {} 文件，不能公开。",
                    if ext.is_empty() { "没有扩展名的".to_string() } else { format!(".{ext}") }
                ),
                if what == "附件" {
                    format!("附件只能是 {}；网页、脚本、SVG 和内容源文件（.md、.yaml）不会被复制。", ATTACHMENT_TYPES_ZH)
                } else {
                    "图片只能是 JPG、PNG、GIF 或 WebP。".into()
                },
            ),
            Problem::Content(ext) => (
                format!("{what}“{shown}”的内容不是 .{ext} 文件（扩展名和内容不符）。"),
                "请用原来的程序重新另存为正确的格式，不要只改扩展名。".into(),
            ),
            Problem::Personal(kind, masked) => (
                format!("{what}的文件名“{shown}”里有完整的{}（{masked}），文件名会出现在网址里。", kind.zh()),
                "请给文件改个名字，去掉其中的身份证号、手机号。".into(),
            ),
        }
    }
}

/// What a clerk may attach, by extension: documents and pictures (DESIGN.md §7).
pub const ATTACHMENT_TYPES: &[&str] = &[
    "pdf", "jpg", "jpeg", "png", "gif", "webp", "doc", "docx", "xls", "xlsx",
];
const ATTACHMENT_TYPES_ZH: &str =
    "PDF、图片（JPG、PNG、GIF、WebP）、Word（.doc、.docx）或 Excel（.xls、.xlsx）文件";
/// Pictures, which are re-encoded before they are published.
pub const PICTURE_TYPES: &[&str] = &["jpg", "jpeg", "png", "gif", "webp"];

/// The lowercase extension of a path's last segment.
pub fn extension(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Whether `head` (a file's first bytes) is what a file with extension `ext` holds.
fn content_matches(ext: &str, head: &[u8]) -> bool {
    match ext {
        "pdf" => head.starts_with(b"%PDF-"),
        "jpg" | "jpeg" => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        "png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "gif" => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
        "webp" => head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP",
        "doc" | "xls" => head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
        "docx" | "xlsx" => head.starts_with(b"PK\x03\x04"),
        _ => false,
    }
}

/// Check that `rel` (a path written in content, already percent-decoded) names a file a
/// clerk may publish, inside `base`: a regular file, not a link, of an allowed type whose
/// bytes match it, with no personal number in its name. `pictures`: only picture types.
pub fn check_attachment(rel: &str, base: &Path, pictures: bool) -> Result<(), Problem> {
    if rel.starts_with('/')
        || rel.starts_with('\\')
        || rel.contains(':')
        || rel.split(['/', '\\']).any(|s| s == "..")
    {
        return Err(Problem::Escapes);
    }
    if let Some(f) = privacy::find(rel).into_iter().next() {
        return Err(Problem::Personal(f.kind, f.masked));
    }
    let ext = extension(rel);
    let allowed = if pictures {
        PICTURE_TYPES
    } else {
        ATTACHMENT_TYPES
    };
    if !allowed.contains(&ext.as_str()) {
        return Err(Problem::Type(ext));
    }
    let target: PathBuf = base.join(rel);
    let meta = std::fs::symlink_metadata(&target).map_err(|_| Problem::Missing)?;
    if meta.file_type().is_symlink() {
        return Err(Problem::Link);
    }
    if !meta.file_type().is_file() {
        return Err(Problem::NotAFile);
    }
    // A link to a folder on the way may still lead out: compare canonical paths.
    match (target.canonicalize(), base.canonicalize()) {
        (Ok(t), Ok(b)) if t.starts_with(&b) => {}
        (Ok(_), Ok(_)) => return Err(Problem::Escapes),
        _ => return Err(Problem::Missing),
    }
    let mut head = [0u8; 16];
    let n = crate::source::read_head(&target, &mut head).map_err(|_| Problem::NotAFile)?;
    if !content_matches(&ext, &head[..n]) {
        return Err(Problem::Content(ext));
    }
    Ok(())
}

fn check_url(url: &str, base: &Path, image: bool) -> UrlCheck {
    let u = url.trim();
    if u.is_empty() || u.starts_with('#') {
        return UrlCheck::Ok;
    }
    let lower = u.to_ascii_lowercase();
    // A scheme is letters before the first ':' with no '/' before it.
    if let Some(i) = lower.find(':')
        && !lower[..i].contains('/')
    {
        let scheme = &lower[..i];
        return match scheme {
            "http" | "https" if image => UrlCheck::Outside,
            "http" | "https" | "mailto" | "tel" => UrlCheck::Ok,
            _ => UrlCheck::Unsafe,
        };
    }
    if u.starts_with("//") {
        // Protocol-relative: another host.
        return if image {
            UrlCheck::Outside
        } else {
            UrlCheck::Ok
        };
    }
    let path = u.split(['?', '#']).next().unwrap_or("");
    let path = privacy::percent_decode(path);
    match check_attachment(&path, base, image) {
        Ok(()) => UrlCheck::Attachment(path),
        Err(p) => UrlCheck::Refused(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(md: &str) -> (String, Vec<crate::diag::Diagnostic>) {
        let d = Diagnostics::new();
        let dir = std::env::temp_dir();
        let out = render(
            md,
            &BodyCtx {
                file: Path::new("n.md"),
                body_line: 5,
                base_dir: &dir,
            },
            &d,
        );
        (out.html, d.into_sorted())
    }

    #[test]
    fn a_number_the_browser_joins_is_masked_too() {
        // Found by the fuzzer: comrak reads `<p 9` as text, html5ever as a tag whose
        // attribute swallows the `9`, so 139 and 00000019 meet across the line break.
        for md in [
            "<p 9<!>139<br>00000019\n",
            "<p 1<i>61092919841102<br>3457\n",
        ] {
            let (h, d) = r(md);
            assert!(
                crate::privacy::find_in(&h, crate::privacy::Mode::Html).is_empty(),
                "{md}: {h}"
            );
            assert!(
                d.iter().any(|x| x.message.contains("浏览器里显示时")),
                "{md}: {d:?}"
            );
        }
    }

    #[test]
    fn chinese_emphasis_is_bold() {
        let (h, _) = r("**注意：**请按时投票\n");
        assert!(h.contains("<strong>注意：</strong>请按时投票"), "{h}");
    }

    #[test]
    fn scripts_and_javascript_urls_never_reach_the_page() {
        let (h, d) = r(
            "<script>alert(1)</script>\n\n[点我](javascript:alert(1))\n\n<a href=\"javascript:x\" onclick=\"y\">a</a><img src=x onerror=alert(1)>\n",
        );
        let lower = h.to_lowercase();
        assert!(!lower.contains("<script"), "{h}");
        assert!(!lower.contains("javascript:"), "{h}");
        assert!(!lower.contains("onerror"), "{h}");
        assert!(!lower.contains("onclick"), "{h}");
        assert!(
            d.iter()
                .any(|x| x.message.contains("不安全的链接") && x.line == 7)
        );
    }

    #[test]
    fn parent_paths_are_refused() {
        let (h, d) = r("![照片](../../etc/passwd)\n");
        assert!(!h.contains("passwd"), "{h}");
        assert!(d.iter().any(|x| x.is_error() && x.message.contains("之外")));
    }

    /// Tags comrak writes for the extensions we enable, when the body has no raw HTML.
    const COMRAK_TAGS: &[&str] = &[
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "em",
        "strong",
        "del",
        "a",
        "img",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "code",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "sup",
        "section",
    ];
    const COMRAK_ATTRS: &[&str] = &[
        "href",
        "src",
        "alt",
        "title",
        "align",
        "start",
        "class",
        "id",
        "data-footnote-ref",
        "data-footnote-backref",
        "data-footnote-backref-idx",
        "aria-label",
        "data-footnotes",
    ];

    /// What makes HTML dangerous, checked on output that did not go through ammonia.
    fn assert_inert(h: &str) {
        let lower = h.to_lowercase();
        for attr in ["href=\"", "src=\""] {
            for (i, _) in lower.match_indices(attr) {
                let v = lower[i + attr.len()..].trim_start();
                assert!(
                    !v.starts_with("javascript:")
                        && !v.starts_with("data:")
                        && !v.starts_with("vbscript:"),
                    "{h}"
                );
            }
        }
        let mut rest = h;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let close = rest.starts_with('/');
            let tag: String = rest
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(COMRAK_TAGS.contains(&tag.as_str()), "tag <{tag}> in {h}");
            if close {
                continue;
            }
            let end = rest.find('>').expect("unclosed tag");
            // Attribute names: words followed by '=' outside quoted values.
            let inside = &rest[tag.len()..end];
            let mut in_quote = false;
            let mut word = String::new();
            for ch in inside.chars() {
                match ch {
                    '"' => in_quote = !in_quote,
                    '=' if !in_quote => {
                        assert!(
                            COMRAK_ATTRS.contains(&word.trim()),
                            "attribute {word} in {h}"
                        );
                        word.clear();
                    }
                    c if !in_quote && c.is_whitespace() => {
                        if !word.is_empty() {
                            assert!(
                                COMRAK_ATTRS.contains(&word.trim()),
                                "attribute {word} in {h}"
                            );
                        }
                        word.clear();
                    }
                    c if !in_quote => word.push(c),
                    _ => {}
                }
            }
            assert!(!in_quote, "unbalanced quotes in {h}");
        }
    }

    #[test]
    fn bodies_without_raw_html_are_inert_without_the_sanitiser() {
        for md in [
            "[点我](javascript:alert(1)) [x](JaVaScRiPt:alert(1)) [y](\"onmouseover=alert(1))",
            "<javascript:alert(1)> <https://a.example/\"onclick=\"x>",
            "[链接](https://a.example/ \"标题\" onclick=\"x\")",
            "![图\"onerror=alert(1)](x.png \"t\\\"onerror=1\")",
            "```\"><script>alert(1)</script>\ncode & <b>\n```",
            "脚注[^a\"b]\n\n[^a\"b]: 内容 <不是标签\n",
            "| a | b |\n|:--|--:|\n| `<img>` | &lt;script&gt; |\n",
            "1. 一\n2. 二\n\n- [ ] 任务\n\n> 引用 **加粗** ~~删~~\n\n---\n",
            "www.example.com/\"><svg/onload=alert(1)> 与 a@b.example",
        ] {
            let (h, _) = r(md);
            assert_inert(&h);
        }
    }

    #[test]
    fn random_bodies_without_raw_html_are_inert() {
        // A deterministic stream of Markdown-significant fragments: everything but '<'
        // followed by a letter, which would start raw HTML and take the ammonia path.
        const PIECES: &[&str] = &[
            "[",
            "]",
            "(",
            ")",
            "!",
            "*",
            "_",
            "`",
            "~",
            "\"",
            "'",
            "=",
            "&",
            ">",
            "#",
            "-",
            "|",
            ":",
            "\n",
            " ",
            "javascript:",
            "on",
            "click",
            "error",
            "https://a.example/",
            "公示",
            "**注意：**",
            "[^1]",
            "\n[^1]: ",
            "\n| a |\n|---|\n",
            "\n```x\"y\n",
            "< ",
            "<3",
        ];
        let mut seed: u64 = 0x2545F4914F6CDD1D;
        for _ in 0..2000 {
            let mut md = String::new();
            for _ in 0..24 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                md.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            let (h, _) = r(&md);
            if !h.contains("rel=\"noopener") {
                // Took the fast path (ammonia adds rel to every link it keeps).
                assert_inert(&h);
            }
        }
    }

    #[test]
    fn tables_and_strikethrough_render() {
        let (h, _) = r("| 项目 | 金额 |\n|---|---:|\n| 收入 | 100 |\n\n~~作废~~\n");
        assert!(h.contains("<table>"), "{h}");
        assert!(h.contains("<del>作废</del>"), "{h}");
    }
}
