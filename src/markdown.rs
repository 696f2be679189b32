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
    for node in root.descendants() {
        let mut data = node.data_mut();
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
    Rendered {
        html: sanitize(&html),
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

    #[test]
    fn tables_and_strikethrough_render() {
        let (h, _) = r("| 项目 | 金额 |\n|---|---:|\n| 收入 | 100 |\n\n~~作废~~\n");
        assert!(h.contains("<table>"), "{h}");
        assert!(h.contains("<del>作废</del>"), "{h}");
    }
}
