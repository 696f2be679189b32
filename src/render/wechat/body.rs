//! A notice's Markdown body as WeChat-ready HTML, written straight from the comrak AST
//! (parsed with the same options as the site): lists become paragraphs with typed bullets,
//! outside links become numbered footnotes, tables are wrapped so they scroll sideways,
//! images are inlined as `data:` URIs. Elements carry theme classes for the CSS inliner;
//! the sanitiser removes the classes afterwards.

use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

use comrak::Arena;
use comrak::nodes::{AstNode, ListType, NodeValue, TableAlignment};

use super::photo;
use super::sanitize::is_wechat_url;
use crate::cache::DiskCache;

/// Total `data:` URI budget of one notice, so that every part stays under 1 MB.
pub const IMAGE_BUDGET_BYTES: usize = 900 * 1024;

/// Outside links collected as numbered footnotes (`[n]`), in order of first appearance.
#[derive(Default, Debug)]
pub struct Links {
    pub urls: Vec<String>,
}

impl Links {
    /// The footnote number of `url` (1-based), adding it if new.
    pub fn number(&mut self, url: &str) -> usize {
        if let Some(i) = self.urls.iter().position(|u| u == url) {
            return i + 1;
        }
        self.urls.push(url.to_string());
        self.urls.len()
    }
}

/// Images: inlined ones count against the budget; the others become notes for the clerk.
#[derive(Default)]
pub struct Images<'a> {
    pub used_bytes: usize,
    pub notes: Vec<String>,
    /// Where resized photos are kept between builds.
    pub cache: Option<&'a DiskCache>,
    /// Every image file looked for, with what it was when looked at (`Look::fingerprint`): an
    /// export made from them can be used again while all still match.
    pub deps: Vec<ImageDep>,
}

/// An image file an export looked for: `base.join(rel)` and its fingerprint then.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageDep {
    pub base: std::path::PathBuf,
    pub rel: String,
    pub fingerprint: String,
}

impl ImageDep {
    /// The file is still what it was.
    pub fn holds(&self) -> bool {
        look(&self.base, &self.rel).fingerprint() == self.fingerprint
    }
}

/// An image file as an export finds it.
enum Look {
    /// Not a file inside `base`.
    Absent,
    /// Above [`photo::MAX_SOURCE_BYTES`] (or of a size that cannot be read).
    Large(u64),
    Unreadable,
    Bytes(Vec<u8>),
}

/// Look at `base.join(rel)` once: the export and its fingerprint are made from the same
/// observation (and the same bytes).
fn look(base: &Path, rel: &str) -> Look {
    let path = base.join(rel);
    let inside = matches!(
        (path.canonicalize(), base.canonicalize()),
        (Ok(p), Ok(b)) if p.starts_with(&b) && p.is_file()
    );
    if !inside {
        return Look::Absent;
    }
    let size = std::fs::metadata(&path)
        .map(|m| m.len())
        .unwrap_or(u64::MAX);
    if size > photo::MAX_SOURCE_BYTES {
        return Look::Large(size);
    }
    let mut bytes = Vec::new();
    match crate::source::open_regular(&path)
        .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut bytes))
    {
        Ok(_) => Look::Bytes(bytes),
        Err(_) => Look::Unreadable,
    }
}

impl Look {
    /// What decides how the image inlines: whether it is a file inside `base`, and its bytes
    /// (their blake3) or, above the size limit, its size.
    fn fingerprint(&self) -> String {
        match self {
            Look::Absent => "absent".into(),
            Look::Large(n) => format!("large {n}"),
            Look::Unreadable => "unreadable".into(),
            Look::Bytes(b) => blake3::hash(b).to_hex().to_string(),
        }
    }
}

impl Images<'_> {
    /// A `data:` URI for a file inside `base`, scaled to at most `max_width` pixels, or
    /// `None` (with a note saying why).
    pub fn inline(&mut self, base: &Path, rel: &str, what: &str, max_width: u32) -> Option<String> {
        let rel = rel.trim();
        let lower = rel.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
        {
            self.notes.push(format!(
                "{what}是外部网址上的图片（{rel}），公众号不显示外部图片，导出中已略去；如需要，请下载后在编辑器里上传。"
            ));
            return None;
        }
        if rel.is_empty()
            || rel.contains(':')
            || rel.starts_with('/')
            || rel.starts_with('\\')
            || rel.split(['/', '\\']).any(|s| s == "..")
        {
            return None;
        }
        let found = look(base, rel);
        self.deps.push(ImageDep {
            base: base.to_path_buf(),
            rel: rel.to_string(),
            fingerprint: found.fingerprint(),
        });
        let bytes = match found {
            Look::Bytes(b) => b,
            Look::Absent => {
                self.notes
                    .push(format!("{what}的图片文件“{rel}”找不到，导出中已略去。"));
                return None;
            }
            Look::Large(_) => {
                self.notes.push(format!(
                    "{what}的图片“{rel}”超过 40 MB，导出中已略去，请压缩后在编辑器里另行上传。"
                ));
                return None;
            }
            Look::Unreadable => {
                self.notes
                    .push(format!("{what}的图片“{rel}”无法读取，导出中已略去。"));
                return None;
            }
        };
        let prepared = match photo::prepare(&bytes, max_width, self.cache) {
            Ok(p) => p,
            Err(why) => {
                self.notes.push(format!(
                    "{what}的图片“{rel}”{why}，导出中已略去，请在编辑器里另行上传。"
                ));
                return None;
            }
        };
        let encoded = base64(&prepared.bytes);
        if self.used_bytes + encoded.len() > IMAGE_BUDGET_BYTES {
            self.notes.push(format!(
                "{what}的图片“{rel}”放不下了（公众号正文不能超过 1 MB），导出中已略去，请在编辑器里另行上传。"
            ));
            return None;
        }
        self.used_bytes += encoded.len();
        Some(format!("data:{};base64,{encoded}", prepared.mime))
    }
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

pub use crate::render::escaped as escape;

/// Raw HTML written in a Markdown body: structure only — no links, images or styles
/// (inline styles in content could hide or fake text).
static RAW: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    let tags: HashSet<&str> = super::sanitize::TAGS
        .iter()
        .copied()
        .filter(|t| !matches!(*t, "a" | "img"))
        .collect();
    b.tags(tags)
        .clean_content_tags(HashSet::from(["script", "style", "template", "noscript"]))
        .link_rel(None)
        .strip_comments(true);
    b
});

pub struct BodyCtx<'a> {
    /// Folder images are resolved against (the village folder).
    pub base_dir: &'a Path,
    /// The notice's online URL (`https://…/a/v/n/`), for attachment links; `None` without `base_url`.
    pub online: Option<&'a str>,
}

struct Writer<'a, 'c> {
    out: String,
    links: &'a mut Links,
    images: &'a mut Images<'c>,
    ctx: &'a BodyCtx<'c>,
}

/// Render a Markdown body.
pub fn render<'c>(
    markdown: &str,
    ctx: &BodyCtx<'c>,
    links: &mut Links,
    images: &mut Images<'c>,
) -> String {
    let arena = Arena::new();
    let root = crate::markdown::parse(&arena, markdown, None);
    let mut w = Writer {
        out: String::new(),
        links,
        images,
        ctx,
    };
    w.children(root, 0);
    w.out
}

const BULLETS: [&str; 3] = ["•", "◦", "▪"];

impl Writer<'_, '_> {
    fn children<'n>(&mut self, node: &'n AstNode<'n>, depth: usize) {
        for c in node.children() {
            self.node(c, depth);
        }
    }

    fn node<'n>(&mut self, node: &'n AstNode<'n>, depth: usize) {
        let value = node.data().value.clone();
        match value {
            NodeValue::FrontMatter(_) => {}
            NodeValue::Paragraph => {
                self.out.push_str("<p>");
                self.children(node, depth);
                self.out.push_str("</p>\n");
            }
            NodeValue::Heading(h) => {
                let tag = match h.level {
                    1 => "h2",
                    2 => "h3",
                    _ => "h4",
                };
                self.out.push_str(&format!("<{tag}>"));
                self.children(node, depth);
                self.out.push_str(&format!("</{tag}>\n"));
            }
            NodeValue::BlockQuote | NodeValue::MultilineBlockQuote(_) => {
                self.out.push_str("<blockquote>");
                self.children(node, depth);
                self.out.push_str("</blockquote>\n");
            }
            NodeValue::List(l) => {
                for (no, item) in (l.start.max(1)..).zip(node.children()) {
                    let marker = match l.list_type {
                        ListType::Ordered if depth == 0 => format!("{no}."),
                        ListType::Ordered => format!("({no})"),
                        ListType::Bullet => BULLETS[depth.min(2)].to_string(),
                    };
                    let marker = match &item.data().value {
                        NodeValue::TaskItem(t) if t.symbol.is_some() => "☑".to_string(),
                        NodeValue::TaskItem(_) => "☐".to_string(),
                        _ => marker,
                    };
                    self.item(item, &marker, depth);
                }
            }
            NodeValue::Item(_) | NodeValue::TaskItem(_) => self.item(node, "•", depth),
            NodeValue::CodeBlock(cb) => {
                self.out.push_str("<p class=\"pre\">");
                let lines: Vec<String> = cb
                    .literal
                    .trim_end_matches('\n')
                    .lines()
                    .map(escape)
                    .collect();
                self.out.push_str(&lines.join("<br>"));
                self.out.push_str("</p>\n");
            }
            NodeValue::HtmlBlock(h) => {
                self.out.push_str(&RAW.clean(&h.literal).to_string());
                self.out.push('\n');
            }
            NodeValue::HtmlInline(h) => {
                // An isolated tag cannot be sanitised on its own; keep only line breaks.
                if h.trim().to_ascii_lowercase().starts_with("<br") {
                    self.out.push_str("<br>");
                }
            }
            NodeValue::ThematicBreak => self.out.push_str("<hr>\n"),
            NodeValue::Table(t) => {
                self.out.push_str("<section class=\"scroll\"><table>");
                let mut in_head = false;
                let mut body_open = false;
                for row in node.children() {
                    let header = matches!(row.data().value, NodeValue::TableRow(true));
                    if header && !in_head {
                        self.out.push_str("<thead>");
                        in_head = true;
                    }
                    if !header && in_head {
                        self.out.push_str("</thead>");
                        in_head = false;
                    }
                    if !header && !body_open {
                        self.out.push_str("<tbody>");
                        body_open = true;
                    }
                    self.out.push_str("<tr>");
                    for (k, cell) in row.children().enumerate() {
                        let tag = if header { "th" } else { "td" };
                        let align = match t.alignments.get(k) {
                            Some(TableAlignment::Center) => " style=\"text-align:center\"",
                            Some(TableAlignment::Right) => " style=\"text-align:right\"",
                            _ => "",
                        };
                        self.out.push_str(&format!("<{tag}{align}>"));
                        self.children(cell, depth);
                        self.out.push_str(&format!("</{tag}>"));
                    }
                    self.out.push_str("</tr>");
                }
                if in_head {
                    self.out.push_str("</thead>");
                }
                if body_open {
                    self.out.push_str("</tbody>");
                }
                self.out.push_str("</table></section>\n");
            }
            NodeValue::Text(t) => self.out.push_str(&escape(&t)),
            NodeValue::SoftBreak => {
                // Chinese lines join without a space; Latin words keep one.
                if self.out.ends_with(|c: char| c.is_ascii_alphanumeric()) {
                    self.out.push(' ');
                }
            }
            NodeValue::LineBreak => self.out.push_str("<br>"),
            NodeValue::Code(c) => {
                self.out.push_str("<span class=\"code\">");
                self.out.push_str(&escape(&c.literal));
                self.out.push_str("</span>");
            }
            NodeValue::Emph => self.wrap(node, depth, "<em>", "</em>"),
            NodeValue::Strong => self.wrap(node, depth, "<strong>", "</strong>"),
            NodeValue::Strikethrough => self.wrap(node, depth, "<span class=\"del\">", "</span>"),
            NodeValue::Underline | NodeValue::Insert | NodeValue::Highlight => {
                self.wrap(node, depth, "<u>", "</u>")
            }
            NodeValue::Superscript => self.wrap(node, depth, "<sup>", "</sup>"),
            NodeValue::Subscript => self.wrap(node, depth, "<sub>", "</sub>"),
            NodeValue::Link(l) => {
                let url = l.url.trim().to_string();
                let lower = url.to_ascii_lowercase();
                if is_wechat_url(&url) {
                    self.out.push_str(&format!("<a href=\"{}\">", escape(&url)));
                    self.children(node, depth);
                    self.out.push_str("</a>");
                } else if lower.starts_with("https://") || lower.starts_with("http://") {
                    self.children(node, depth);
                    let n = self.links.number(&url);
                    self.out.push_str(&format!("<sup class=\"fn\">[{n}]</sup>"));
                } else {
                    self.children(node, depth);
                    // An attachment in the village folder: point to its copy on the site.
                    if let Some(online) = self.ctx.online
                        && is_attachment(&url)
                    {
                        let n = self.links.number(&format!("{online}{url}"));
                        self.out.push_str(&format!("<sup class=\"fn\">[{n}]</sup>"));
                    }
                }
            }
            NodeValue::Image(l) => {
                let alt = plain_text(node);
                let what = if alt.is_empty() {
                    "正文中".to_string()
                } else {
                    format!("正文中“{alt}”")
                };
                if let Some(src) =
                    self.images
                        .inline(self.ctx.base_dir, &l.url, &what, photo::BODY_WIDTH)
                {
                    let alt = if alt.is_empty() {
                        "图片".to_string()
                    } else {
                        alt
                    };
                    self.out.push_str(&format!(
                        "<img class=\"img\" alt=\"{}\" src=\"{src}\">",
                        escape(&alt)
                    ));
                }
            }
            NodeValue::FootnoteReference(r) => {
                self.out
                    .push_str(&format!("<sup>（注{}）</sup>", escape(&r.name)));
            }
            NodeValue::FootnoteDefinition(d) => {
                self.out
                    .push_str(&format!("<p class=\"note\">注{}：</p>\n", escape(&d.name)));
                self.children(node, depth);
            }
            _ => self.children(node, depth),
        }
    }

    fn wrap<'n>(&mut self, node: &'n AstNode<'n>, depth: usize, open: &str, close: &str) {
        self.out.push_str(open);
        self.children(node, depth);
        self.out.push_str(close);
    }

    /// A list item: its first paragraph carries the bullet; later blocks are indented to match.
    fn item<'n>(&mut self, item: &'n AstNode<'n>, marker: &str, depth: usize) {
        let lv = (depth + 1).min(3);
        let mut first = true;
        for c in item.children() {
            let is_para = matches!(c.data().value, NodeValue::Paragraph);
            if first {
                self.out.push_str(&format!(
                    "<p class=\"li lv{lv}\"><span class=\"bullet\">{} </span>",
                    escape(marker)
                ));
                if is_para {
                    self.children(c, depth);
                    self.out.push_str("</p>\n");
                    first = false;
                    continue;
                }
                self.out.push_str("</p>\n");
                first = false;
            }
            match c.data().value {
                NodeValue::Paragraph => {
                    self.out.push_str(&format!("<p class=\"li-cont lv{lv}\">"));
                    self.children(c, depth);
                    self.out.push_str("</p>\n");
                }
                NodeValue::List(_) => self.node(c, depth + 1),
                _ => self.node(c, depth + 1),
            }
        }
        if first {
            self.out.push_str(&format!(
                "<p class=\"li lv{lv}\"><span class=\"bullet\">{} </span></p>\n",
                escape(marker)
            ));
        }
    }
}

fn is_attachment(url: &str) -> bool {
    !url.is_empty()
        && !url.contains(':')
        && !url.starts_with('/')
        && !url.starts_with('#')
        && !url.starts_with('\\')
        && !url.split(['/', '\\']).any(|s| s == "..")
}

/// The text under a node (for image `alt`).
fn plain_text<'n>(node: &'n AstNode<'n>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => s.push_str(t),
            NodeValue::Code(c) => s.push_str(&c.literal),
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(md: &str) -> (String, Links) {
        let dir = std::env::temp_dir();
        let ctx = BodyCtx {
            base_dir: &dir,
            online: Some("https://x.example/a/b/c/"),
        };
        let mut links = Links::default();
        let mut images = Images::default();
        let h = render(md, &ctx, &mut links, &mut images);
        (h, links)
    }

    #[test]
    fn lists_become_paragraphs_with_typed_bullets() {
        let (h, _) = r("- 甲\n- 乙\n  1. 子一\n  2. 子二\n\n3. 三\n4. 四\n");
        assert!(
            !h.contains("<ul") && !h.contains("<li") && !h.contains("<ol"),
            "{h}"
        );
        assert!(h.contains("<span class=\"bullet\">• </span>甲"), "{h}");
        assert!(h.contains("<span class=\"bullet\">(1) </span>子一"), "{h}");
        assert!(h.contains("<span class=\"bullet\">3. </span>三"), "{h}");
        assert!(h.contains("<span class=\"bullet\">4. </span>四"), "{h}");
    }

    #[test]
    fn outside_links_become_numbered_footnotes() {
        let (h, links) = r(
            "见[人大网](https://www.npc.gov.cn/)和[民政部](https://www.mca.gov.cn/)，再见[人大网](https://www.npc.gov.cn/)；[文章](https://mp.weixin.qq.com/s/abc)；[附件](fujian.pdf)；[坏](javascript:alert(1))\n",
        );
        assert!(h.contains("人大网<sup class=\"fn\">[1]</sup>"), "{h}");
        assert!(h.contains("民政部<sup class=\"fn\">[2]</sup>"), "{h}");
        assert_eq!(h.matches("[1]").count(), 2, "{h}");
        assert!(h.contains("<a href=\"https://mp.weixin.qq.com/s/abc\">文章</a>"));
        assert!(h.contains("附件<sup class=\"fn\">[3]</sup>"), "{h}");
        assert!(!h.contains("javascript"), "{h}");
        assert_eq!(
            links.urls,
            [
                "https://www.npc.gov.cn/",
                "https://www.mca.gov.cn/",
                "https://x.example/a/b/c/fujian.pdf"
            ]
        );
    }

    #[test]
    fn raw_html_is_stripped_of_scripts_links_and_styles() {
        let (h, _) = r(
            "<div style=\"position:fixed\"><script>alert(1)</script><p style=\"position:fixed\">x</p></div>\n\n<a href=\"https://evil.example\">y</a>\n",
        );
        assert!(
            !h.contains("script") && !h.contains("position") && !h.contains("evil"),
            "{h}"
        );
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
