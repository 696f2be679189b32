//! Markdown bodies → safe HTML. comrak rather than pulldown-cmark because CommonMark's
//! emphasis rules leave `**注意：**请按时投票` unbolded (the closing `**` follows full-width
//! punctuation and precedes a CJK character); comrak's `cjk_friendly_emphasis` fixes that.
//! Raw HTML is allowed through the parser and then sanitised with ammonia.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use comrak::nodes::NodeValue;
use comrak::{Arena, Options};

use crate::diag::{Diagnostics, Pos};

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
    b.attribute_filter(|_el, attr, value| {
        // Inline styles come only from the theme; in content they could hide or fake text.
        if attr == "style" {
            let v = value.to_ascii_lowercase();
            if !v.trim_start().starts_with("text-align") {
                return None;
            }
        }
        Some(value.into())
    });
    b
});

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
    pub attachments: Vec<String>,
}

/// Render a Markdown body to sanitised HTML, checking links and image paths.
pub fn render(body: &str, ctx: &BodyCtx<'_>, diags: &Diagnostics) -> Rendered {
    let arena = Arena::new();
    let opts = options();
    let root = comrak::parse_document(&arena, body, &opts);
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
        if let NodeValue::Link(link) | NodeValue::Image(link) = &mut data.value {
            match check_url(&link.url, ctx.base_dir) {
                UrlCheck::Ok => {}
                UrlCheck::Attachment(p) => attachments.push(p),
                UrlCheck::Unsafe => {
                    diags.warning(
                        ctx.file,
                        pos,
                        format!("不安全的链接“{}”已删除。", truncate(&link.url, 40)),
                        "链接只能以 http://、https://、mailto:、tel: 开头，或指向村文件夹里的文件。",
                    );
                    link.url.clear();
                }
                UrlCheck::Escapes => {
                    diags.error(
                        ctx.file,
                        pos,
                        format!("{}路径“{}”指向村文件夹之外。", if is_image { "图片" } else { "附件" }, truncate(&link.url, 60)),
                        "出于安全考虑，图片和附件只能放在公告所在的文件夹（或其子文件夹）里，路径中不能有 .. 或以 / 开头。",
                    );
                    link.url.clear();
                }
                UrlCheck::Missing => {
                    diags.error(
                        ctx.file,
                        pos,
                        format!(
                            "找不到{}文件“{}”。",
                            if is_image { "图片" } else { "附件" },
                            truncate(&link.url, 60)
                        ),
                        "请把文件放进公告所在的文件夹，并核对文件名（区分大小写）。",
                    );
                    link.url.clear();
                }
            }
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
            sanitize(&html)
        } else {
            html.as_str().to_owned()
        },
        attachments,
    }
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
    Attachment(String),
    Unsafe,
    Escapes,
    Missing,
}

fn check_url(url: &str, base: &Path) -> UrlCheck {
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
        return if ["http", "https", "mailto", "tel"].contains(&scheme) {
            UrlCheck::Ok
        } else {
            UrlCheck::Unsafe
        };
    }
    if u.starts_with("//") {
        return UrlCheck::Ok; // protocol-relative link to another host
    }
    let path = u.split(['?', '#']).next().unwrap_or("");
    let path = percent_decode(path);
    if path.starts_with('/') || path.starts_with('\\') || path.split(['/', '\\']).any(|s| s == "..")
    {
        return UrlCheck::Escapes;
    }
    let target: PathBuf = base.join(&path);
    // A symlink inside the folder may still lead out: compare canonical paths.
    match (target.canonicalize(), base.canonicalize()) {
        (Ok(t), Ok(b)) if t.starts_with(&b) && t.is_file() => UrlCheck::Attachment(path),
        (Ok(_), Ok(_)) => UrlCheck::Escapes,
        _ => UrlCheck::Missing,
    }
}

/// Decode `%XX` escapes in a URL path (invalid escapes are kept as they are).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
