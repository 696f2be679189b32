//! The WeChat-safe sanitiser (DESIGN.md §9): ammonia keeps only the tags and attributes the
//! 公众号 editor accepts, and a filter of our own keeps only style declarations it does not
//! strip or mangle. `clean(clean(x)) == clean(x)`.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Tags a fragment may contain.
pub const TAGS: &[&str] = &[
    "section",
    "p",
    "span",
    "strong",
    "em",
    "b",
    "u",
    "sup",
    "sub",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "a",
    "hr",
];

/// Attributes a fragment may contain, per tag (`style` is allowed on every tag).
pub const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("img", &["src", "alt"]),
    ("a", &["href"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan"]),
];

/// CSS properties that survive the editor. Anything else is dropped.
pub const PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "font-size",
    "font-weight",
    "font-style",
    "font-family",
    "line-height",
    "letter-spacing",
    "text-align",
    "text-indent",
    "text-decoration",
    "vertical-align",
    "white-space",
    "word-break",
    "overflow-wrap",
    "overflow-x",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-radius",
    "border-collapse",
    "border-spacing",
    "width",
    "min-width",
    "max-width",
    "height",
    "box-sizing",
    "display",
];

/// `display` values that keep content visible and need no flex/grid support.
const DISPLAY_VALUES: &[&str] = &["block", "inline", "inline-block", "table"];

/// The near-black used instead of pure black (which the editor swallows).
pub const NEAR_BLACK: &str = "#1f2329";

/// Where `<a href>` may point: articles on the 公众号 platform itself.
pub fn is_wechat_url(url: &str) -> bool {
    let u = url.trim();
    u.starts_with("https://mp.weixin.qq.com/") || u.starts_with("http://mp.weixin.qq.com/")
}

fn is_data_image(v: &str) -> bool {
    let l = v.trim_start().to_ascii_lowercase();
    [
        "data:image/png;base64,",
        "data:image/jpeg;base64,",
        "data:image/gif;base64,",
        "data:image/webp;base64,",
    ]
    .iter()
    .any(|p| l.starts_with(p))
        && v.trim()
            .bytes()
            .skip(22)
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=' || b == b',')
}

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    let tag_attrs: HashMap<&str, HashSet<&str>> = TAG_ATTRIBUTES
        .iter()
        .map(|(t, a)| (*t, a.iter().copied().collect()))
        .collect();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(HashSet::from(["script", "style", "template", "noscript"]))
        .generic_attributes(HashSet::from(["style"]))
        .tag_attributes(tag_attrs)
        .url_schemes(HashSet::from(["https", "http", "data"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(None)
        .strip_comments(true);
    b.attribute_filter(|el, attr, value| match (el, attr) {
        (_, "style") => {
            let s = filter_style(value);
            (!s.is_empty()).then(|| s.into())
        }
        ("a", "href") => is_wechat_url(value).then(|| value.trim().to_string().into()),
        ("img", "src") => is_data_image(value).then(|| value.trim().to_string().into()),
        (_, "colspan" | "rowspan") => {
            let v = value.trim();
            (!v.is_empty() && v.len() <= 3 && v.bytes().all(|b| b.is_ascii_digit()))
                .then(|| v.to_string().into())
        }
        _ => Some(value.into()),
    });
    b
});

/// Sanitise HTML to the WeChat-safe subset.
pub fn clean(html: &str) -> String {
    let out = CLEANER.clean(html).to_string();
    unwrap_bare_links(&out)
}

/// An `<a>` whose `href` was refused is left bare by ammonia: drop the tag, keep its text.
/// (Serialised ammonia output never nests `<a>`, and a bare one is written exactly `<a>`.)
fn unwrap_bare_links(html: &str) -> String {
    if !html.contains("<a>") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut open = false;
    loop {
        let next_open = rest.find("<a");
        let next_close = rest.find("</a>");
        let (i, is_open) = match (next_open, next_close) {
            (Some(o), Some(c)) if o < c => (o, true),
            (_, Some(c)) => (c, false),
            (Some(o), None) => (o, true),
            (None, None) => break,
        };
        if is_open {
            // `<a>` or `<a href=…>`; anything else starting with `<a` is not a tag we allow.
            let tail = &rest[i..];
            if tail.starts_with("<a>") {
                out.push_str(&rest[..i]);
                rest = &rest[i + 3..];
                open = true;
            } else {
                out.push_str(&rest[..i + 2]);
                rest = &rest[i + 2..];
            }
        } else {
            out.push_str(&rest[..i]);
            if !open {
                out.push_str("</a>");
            }
            rest = &rest[i + 4..];
            open = false;
        }
    }
    out.push_str(rest);
    out
}

/// Keep only allowed, harmless declarations; normalise to `prop:value;prop:value`.
pub fn filter_style(style: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let prop = prop.trim().to_ascii_lowercase();
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        let lower = value.to_ascii_lowercase();
        if value.is_empty()
            || !PROPERTIES.contains(&prop.as_str())
            || lower
                .bytes()
                .any(|b| matches!(b, b'!' | b'\\' | b'@' | b'<' | b'>' | b'"' | b'\''))
            || ["var(", "url(", "expression", "javascript", "/*"]
                .iter()
                .any(|bad| lower.contains(bad))
        {
            continue;
        }
        if prop == "display" && !DISPLAY_VALUES.contains(&lower.as_str()) {
            continue;
        }
        let value = if prop == "color" && is_pure_black(&lower) {
            NEAR_BLACK.to_string()
        } else {
            value
        };
        let d = format!("{prop}:{value}");
        // Later declarations win in CSS: keep the last one of each property.
        out.retain(|o| !(o.starts_with(prop.as_str()) && o[prop.len()..].starts_with(':')));
        out.push(d);
    }
    out.join(";")
}

fn is_pure_black(v: &str) -> bool {
    let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(
        compact.as_str(),
        "#000" | "#000000" | "#000f" | "#000000ff" | "black" | "rgb(0,0,0)" | "rgba(0,0,0,1)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_are_filtered() {
        assert_eq!(
            filter_style("position:fixed; color: #000 ;display:flex;float:left;font-size:15px"),
            "color:#1f2329;font-size:15px"
        );
        assert_eq!(filter_style("color:red !important"), "");
        assert_eq!(filter_style("color:var(--x)"), "");
        assert_eq!(filter_style("display:grid"), "");
        assert_eq!(filter_style("display:block"), "display:block");
        assert_eq!(filter_style("background-color:url(x)"), "");
        assert_eq!(filter_style("color:red;color:blue"), "color:blue");
    }

    #[test]
    fn hostile_html_is_cleaned() {
        let h = clean(
            r#"<div class="x" id="y" style="position:fixed;top:0">a<script>alert(1)</script><style>p{}</style><a href="https://evil.example/">b</a><a href="https://mp.weixin.qq.com/s/abc" target="_blank">c</a><img src="x.png" onerror="y"><ul><li>d</li></ul><p style="">e</p></div>"#,
        );
        assert!(!h.contains("script") && !h.contains("alert"), "{h}");
        assert!(!h.contains("<style") && !h.contains("class=") && !h.contains("id="));
        assert!(!h.contains("position") && !h.contains("style=\"\""), "{h}");
        assert!(!h.contains("evil") && h.contains("b"), "{h}");
        assert!(
            h.contains(r#"<a href="https://mp.weixin.qq.com/s/abc">c</a>"#),
            "{h}"
        );
        assert!(!h.contains("<ul") && !h.contains("<li") && !h.contains("x.png"));
        assert_eq!(clean(&h), h);
    }

    #[test]
    fn cleaning_is_idempotent() {
        let samples = [
            r#"<section style="font-size:16px;color:black"><p>甲 &amp; 乙 &lt;丙&gt;&nbsp;</p><table><tr><td colspan="2" style="border:1px solid #ccc">1</td></tr></table></section>"#,
            r#"<a>x</a><a href="https://mp.weixin.qq.com/s/1">y</a></a><p>"q"</p>"#,
            r#"<img alt="照片" src="data:image/png;base64,iVBORw0KGgo=" style="max-width:100%">"#,
        ];
        for s in samples {
            let once = clean(s);
            assert_eq!(clean(&once), once, "{s}");
        }
    }
}
