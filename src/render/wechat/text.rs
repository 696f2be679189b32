//! An article's text as WeChat measures and splits it: its plain text, its weight against
//! the editor's limits, the parts it is cut into, and the data behind the copy buttons.

use super::{MAX_BYTES, MAX_CHARS, TARGET_CHARS, sanitize};

/// At most `max` characters (not bytes), ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// What a copy button puts on the clipboard: the part as HTML and as plain text.
pub(super) fn copy_data(html: &str) -> String {
    script_json(&serde_json::json!({
        "html": html,
        "text": plain_text(html),
    }))
}

/// JSON safe inside `<script type="application/json">`.
pub(super) fn script_json(v: &serde_json::Value) -> String {
    let json = serde_json::to_string(v).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(json.len() + json.len() / 8);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// Characters of a part as WeChat counts them for the 20,000 limit: inlined image data
/// (which the editor uploads separately) does not count.
pub fn weight(html: &str) -> usize {
    let mut n = html.chars().count();
    let mut rest = html;
    while let Some(i) = rest.find("src=\"data:") {
        let tail = &rest[i + 5..];
        let end = tail.find('"').unwrap_or(tail.len());
        n = n.saturating_sub(end);
        rest = &tail[end..];
    }
    n
}

/// The draft API only accepts images uploaded to WeChat: leave inlined ones out of `content`.
pub(super) fn without_images(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<img ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tag_end(tail).unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Text of a fragment, one line per block (the `text/plain` clipboard flavour).
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        decode_into(&mut out, &rest[..i]);
        let tail = &rest[i..];
        let end = tag_end(tail).unwrap_or(tail.len());
        let tag = &tail[..end];
        let after = tag.trim_start_matches(['<', '/']);
        let name = &after[..after
            .bytes()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(after.len())];
        if matches!(
            name,
            "p" | "br" | "h1" | "h2" | "h3" | "h4" | "tr" | "section" | "blockquote" | "hr"
        ) && !out.ends_with('\n')
            && !out.is_empty()
        {
            out.push('\n');
        }
        if matches!(name, "td" | "th") && tag.starts_with("</") {
            out.push('\t');
        }
        rest = &tail[end..];
    }
    decode_into(&mut out, rest);
    let mut text = String::with_capacity(out.len());
    for line in out.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line);
    }
    text
}

/// Append `s` to `out` with the entities the sanitiser writes decoded (`&amp;` last, so
/// `&amp;lt;` stays `&lt;`).
pub(super) fn decode_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (with, len) = [
            ("&lt;", "<"),
            ("&gt;", ">"),
            ("&quot;", "\""),
            ("&nbsp;", "\u{a0}"),
            ("&amp;", "&"),
        ]
        .iter()
        .find(|(e, _)| tail.starts_with(e))
        .map_or(("&", 1), |(e, c)| (*c, e.len()));
        out.push_str(with);
        rest = &tail[len..];
    }
    out.push_str(rest);
}

/// Length of the tag at the start of `s` (which starts with `<`), honouring quoted values.
pub(super) fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate().skip(1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Split a sanitised fragment (`<section style>…</section>`) into parts under the size limit,
/// at top-level block boundaries; each part gets its own copy of the root element.
pub fn split(html: &str) -> Vec<String> {
    if weight(html) < MAX_CHARS && html.len() < MAX_BYTES * 9 / 10 {
        return vec![html.to_string()];
    }
    let Some(open_end) = html
        .starts_with("<section")
        .then(|| tag_end(html))
        .flatten()
    else {
        return vec![html.to_string()];
    };
    let Some(close) = html.rfind("</section>") else {
        return vec![html.to_string()];
    };
    if close < open_end {
        return vec![html.to_string()];
    }
    let open = &html[..open_end];
    let mut units = top_level_units(&html[open_end..close]);
    // The 引用链接 list closes every part, so that each part's footnotes resolve on their own.
    let refs_at = units.iter().position(|u| u.contains("引用链接"));
    let refs: String = refs_at
        .map(|i| units.split_off(i).concat())
        .unwrap_or_default();
    let mut groups: Vec<String> = Vec::new();
    let mut cur = String::new();
    for u in units {
        let full =
            weight(&cur) + weight(u) > TARGET_CHARS || cur.len() + u.len() > MAX_BYTES * 8 / 10;
        if full && !cur.trim().is_empty() {
            groups.push(std::mem::take(&mut cur));
        }
        cur.push_str(u);
    }
    if !cur.trim().is_empty() || groups.is_empty() {
        groups.push(cur);
    }
    let n = groups.len();
    if n == 1 {
        return vec![html.to_string()];
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(k, g)| {
            let marker = format!(
                "<p style=\"text-align:center;color:#8a919f;font-size:14px\">（第 {} 部分，共 {n} 部分）</p>",
                k + 1
            );
            let tail = if k + 1 < n {
                format!(
                    "<p style=\"text-align:center;color:#8a919f;font-size:14px\">（未完，接第 {} 部分）</p>",
                    k + 2
                )
            } else {
                String::new()
            };
            sanitize::clean(&format!(
                "{open}{marker}{}{tail}{}</section>",
                g.trim(),
                refs.trim()
            ))
        })
        .collect()
}

pub(super) const VOID: &[&str] = &["br", "img", "hr"];

/// Top-level nodes of serialised (sanitised) HTML: elements with their content, and text runs.
pub(super) fn top_level_units(inner: &str) -> Vec<&str> {
    let mut units = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut i = 0usize;
    let bytes = inner.as_bytes();
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let Some(len) = tag_end(&inner[i..]) else {
            break;
        };
        let tag = &inner[i..i + len];
        let closing = tag.starts_with("</");
        let name: String = tag
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if depth == 0 && i > start && !closing {
            units.push(&inner[start..i]); // a text run before this element
            start = i;
        }
        i += len;
        if closing {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                units.push(&inner[start..i]);
                start = i;
            }
        } else if VOID.contains(&name.as_str()) {
            if depth == 0 {
                units.push(&inner[start..i]);
                start = i;
            }
        } else {
            depth += 1;
        }
    }
    if start < inner.len() {
        units.push(&inner[start..]);
    }
    units
}
