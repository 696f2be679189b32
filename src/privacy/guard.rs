//! The last guard: before anything is published, the visible text of every output file —
//! HTML text and attribute values, JSON strings, the script data behind copy buttons, the
//! text a poster prints, the file's own path — is read the way [`super::Mode::Html`] reads
//! it, and a full personal number still found there stops the build (the pipeline names the
//! notice the file belongs to). Masking happens earlier, on values and bodies; this only
//! refuses, so a gap in masking can never become a leak.
//!
//! Public phones (every `contacts` and objection `channels` phone of the site) are allowed
//! wherever they appear: they are published on purpose. Hashes gongshi prints (the 核对码,
//! content hashes in the manifest) are not numbers, and `data:` URIs (inlined pictures) are
//! pictures, not text.

use std::collections::HashSet;

use super::{Found, Kind, Mode};

/// What the guard allows: the site's public mobile numbers.
#[derive(Debug, Default, Clone)]
pub struct Guard {
    public: HashSet<String>,
}

/// A full number found in an output file.
#[derive(Debug, Clone)]
pub struct Leak {
    pub kind: Kind,
    /// Masked, for the message.
    pub masked: String,
    /// Where it was seen: `文件名`, `网页文字`, `海报文字` ….
    pub place: &'static str,
}

impl Guard {
    /// `public`: every phone the site publishes on purpose (`Site::public_phones`).
    pub fn new<'a>(public: impl IntoIterator<Item = &'a str>) -> Guard {
        let mut g = Guard::default();
        for p in public {
            for f in super::find(p) {
                if f.kind == Kind::Mobile {
                    g.public.insert(digits_of(p, &f));
                }
            }
        }
        g
    }

    /// The full numbers in `text` (read as `mode`, to a fixpoint like [`super::find_in`])
    /// that are not public phones: what a renderer that lays text out anew must still mask.
    pub fn not_public(&self, text: &str, mode: Mode) -> Vec<Found> {
        let mut found = super::find_in(text, mode);
        found.retain(|f| !(f.kind == Kind::Mobile && self.public.contains(&digits_of(text, f))));
        found
    }

    /// Every full number a reader of the file at `path` would see. `text`: what a binary
    /// file shows (a poster's text), when the bytes cannot be read as text.
    pub fn check(&self, path: &str, bytes: &[u8], text: Option<&str>) -> Vec<Leak> {
        let mut out = Vec::new();
        let decoded_path = super::percent_decode(path);
        self.scan(&decoded_path, Mode::Plain, "文件名", &mut out);
        if let Some(t) = text {
            self.scan(t, Mode::Plain, "打印的文字", &mut out);
        }
        let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        let place = match ext.as_str() {
            "html" | "htm" | "xml" | "svg" | "txt" | "css" | "js" | "csv" | "atom" => "网页文字",
            // JSON is read as text: its strings are what they show once their escapes (`\u`,
            // decoded below) are undone, and nothing else in it is text.
            "json" => "数据文件",
            _ => return out,
        };
        let json = ext == "json";
        match simdutf8::basic::from_utf8(bytes) {
            Ok(s) => self.text(s, place, json, &mut out),
            Err(_) => self.text(&String::from_utf8_lossy(bytes), place, json, &mut out),
        }
        out
    }

    /// Text that may be HTML, with the other ways a number can hide in a page: `\u0031`
    /// escapes in script data and `%31` in addresses.
    fn text(&self, s: &str, place: &'static str, json: bool, out: &mut Vec<Leak>) {
        let s = without_data_uris(s);
        self.scan(&s, Mode::Html, place, out);
        // Escapes are undone where they are escapes: in a JSON file, and in the data a page's
        // scripts carry (a copy button's article). In a page's text `\x31` reads as written.
        if json {
            if let Some(d) = decode_escapes(&s) {
                self.scan(&d, Mode::Html, place, out);
            }
        } else {
            for script in scripts(&s) {
                if let Some(d) = decode_escapes(script) {
                    self.scan(&d, Mode::Html, place, out);
                }
            }
        }
        // An address is what a link dials or opens once its `%XX` escapes are undone (in
        // text they stay as written, and read as such).
        if has_percent_digits(&s) {
            for url in addresses(&s) {
                if url.contains('%') {
                    let d = super::percent_decode(url);
                    self.scan(&d, Mode::Attr, place, out);
                }
            }
        }
    }

    fn scan(&self, s: &str, mode: Mode, place: &'static str, out: &mut Vec<Leak>) {
        let mut found = Vec::new();
        super::scan(s, mode, true, &mut found);
        for f in found {
            if f.kind == Kind::Mobile && self.public.contains(&digits_of(s, &f)) {
                continue;
            }
            out.push(Leak {
                kind: f.kind,
                masked: f.masked,
                place,
            });
        }
    }
}

/// The last eleven digits of a mobile number as ASCII (for comparing with public phones).
fn digits_of(s: &str, f: &Found) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = f.start;
    while i < f.end {
        if let Some((v, len)) = super::digit_at(b, i) {
            out.push((b'0' + v) as char);
            i += len;
        } else if b[i] == b'&'
            && let Some((c, len)) = super::reference_at(b, i)
        {
            if let Some(v) = super::digit_value(c) {
                out.push((b'0' + v) as char);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    let n = out.len();
    out.split_off(n.saturating_sub(11))
}

/// `s` with the payload of every `data:` URI blanked out (base64 is not text).
fn without_data_uris(s: &str) -> std::borrow::Cow<'_, str> {
    static DATA: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"data:"));
    let finder = &*DATA;
    if finder.find(s.as_bytes()).is_none() {
        return s.into();
    }
    let mut b = s.as_bytes().to_vec();
    let mut i = 0;
    while let Some(k) = finder.find(&b[i..]) {
        let start = i + k;
        // Only inside a tag (an attribute's value, also in HTML kept in JSON strings): in
        // text, `data:13900000019` is what a reader sees.
        let inside_tag = match (
            memchr::memrchr(b'<', &b[..start]),
            memchr::memrchr(b'>', &b[..start]),
        ) {
            (Some(lt), Some(gt)) => lt > gt,
            (Some(_), None) => true,
            _ => false,
        };
        if !inside_tag {
            i = start + 1;
            continue;
        }
        let mut end = start;
        while end < b.len() && !matches!(b[end], b'"' | b'\'' | b')' | b' ' | b'>' | b'<') {
            end += 1;
        }
        for c in &mut b[start..end] {
            *c = b'x';
        }
        i = end.max(start + 1);
    }
    String::from_utf8(b).map_or_else(
        |e| String::from_utf8_lossy(e.as_bytes()).into_owned().into(),
        Into::into,
    )
}

/// The contents of the `<script>` elements of a page.
fn scripts(s: &str) -> impl Iterator<Item = &str> {
    // memmem, not `str::match_indices`: the two-way searcher cost as much as a tenth of the
    // guard on every page.
    static SCRIPT: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"<script"));
    SCRIPT.find_iter(s.as_bytes()).filter_map(move |i| {
        let open = s[i..].find('>')? + i + 1;
        let close = s[open..].find("</script").map_or(s.len(), |e| open + e);
        Some(&s[open..close])
    })
}

/// The values of `href` and `src` attributes in `s` (also written inside JSON strings,
/// `href=\"…\"`), with their byte ranges.
pub(crate) fn address_ranges(s: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    for attr in ["href=", "src="] {
        for (i, _) in s.match_indices(attr) {
            let mut at = i + attr.len();
            if s[at..].starts_with('\\') {
                at += 1;
            }
            let Some(quote) = s[at..].chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            at += 1;
            let end = s[at..].find([quote, '\\']).map_or(s.len(), |e| at + e);
            out.push(at..end);
        }
    }
    out
}

fn addresses(s: &str) -> impl Iterator<Item = &str> {
    address_ranges(s).into_iter().map(move |r| &s[r])
}

/// Raw HTML whose `%XX`-escaped addresses (`href="tel:%31%33…"`) hold a number: the same
/// HTML with those addresses written out and masked. `None` when there are none.
pub fn mask_addresses(html: &str) -> Option<(String, Vec<Found>)> {
    if !has_percent_digits(html) {
        return None;
    }
    let mut changes = Vec::new();
    let mut all = Vec::new();
    for r in address_ranges(html) {
        let url = &html[r.clone()];
        if !url.contains('%') {
            continue;
        }
        let decoded = super::percent_decode(url);
        let found = super::find_in(&decoded, Mode::Attr);
        if !found.is_empty() {
            changes.push((r, super::apply_with(&decoded, &found, |_| "*")));
            all.extend(found);
        }
    }
    if changes.is_empty() {
        return None;
    }
    changes.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = html.to_string();
    for (r, new) in changes {
        out.replace_range(r, &new.replace('"', "%22").replace('\'', "%27"));
    }
    Some((out, all))
}

fn has_percent_digits(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'%', b).any(|i| {
        matches!(b.get(i + 1..i + 3), Some([b'3', d]) if d.is_ascii_digit())
            || b.get(i + 1..i + 3)
                .is_some_and(|x| x.eq_ignore_ascii_case(b"EF") || x.eq_ignore_ascii_case(b"F0"))
    })
}

/// `s` with JavaScript/JSON string escapes (`\u0031`, `\u{31}`, `\x31`) decoded, when it has
/// any.
fn decode_escapes(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let first =
        memchr::memchr_iter(b'\\', b).find(|&i| matches!(b.get(i + 1), Some(b'u' | b'x')))?;
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..first]);
    let mut i = first;
    while i < b.len() {
        if b[i] == b'\\' {
            let hex = |from: usize, len: usize| {
                b.get(from..from + len)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
            };
            let (v, len) = match b.get(i + 1) {
                Some(b'u') if b.get(i + 2) == Some(&b'{') => {
                    let close = b[i + 3..]
                        .iter()
                        .position(|&c| c == b'}')
                        .map(|k| i + 3 + k);
                    match close {
                        Some(c) if c - (i + 3) <= 6 => (hex(i + 3, c - (i + 3)), c + 1 - i),
                        _ => (None, 1),
                    }
                }
                Some(b'u') => (hex(i + 2, 4), 6),
                Some(b'x') => (hex(i + 2, 2), 4),
                _ => (None, 1),
            };
            match v {
                Some(v) => {
                    // A surrogate pair written as two escapes.
                    if (0xD800..0xDC00).contains(&v)
                        && b.get(i + 6..i + 8) == Some(b"\\u")
                        && let Some(lo) = hex(i + 8, 4)
                        && (0xDC00..0xE000).contains(&lo)
                    {
                        let c = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                        out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        i += 12;
                        continue;
                    }
                    out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
                    i += len;
                }
                None => {
                    out.push('\\');
                    i += 1;
                }
            }
            continue;
        }
        let c = s[i..].chars().next().unwrap_or('\u{FFFD}');
        out.push(c);
        i += c.len_utf8();
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> Guard {
        let mut g = Guard::default();
        g.public.insert("13912345678".into());
        g
    }

    #[test]
    fn finds_what_a_reader_sees_in_every_kind_of_file() {
        let g = g();
        for (path, bytes) in [
            ("a/index.html", "<p>电话 138<b>1234</b>5678</p>".as_bytes()),
            ("a/index.html", b"<a href=\"tel:%31%33%38%31%32%33%34%35%36%37%38\">x</a>"),
            ("a/wechat.html", b"<script type=\"application/json\">\"\\u0031\\u00338\\u0031\\u00323\\u00345678\"</script>"),
            ("a/draft.json", "{\"content\":\"<p>１３８１２３４５６７８</p>\"}".as_bytes()),
            ("a/13812345678/index.html", b"<p>x</p>"),
            // `data:` in text is text; only a picture inside a tag is passed over.
            ("a/index.html", b"<p><img src=\"data:image/png;base64,AAAA\">data:13812345678</p>"),
        ] {
            let leaks = g.check(path, bytes, None);
            assert_eq!(leaks.len(), 1, "{path}: {leaks:?}");
            assert_eq!(leaks[0].masked, "138****5678");
        }
        assert_eq!(
            g.check("a/poster.pdf", b"%PDF", Some("王五 138 1234 5678"))
                .len(),
            1
        );
    }

    #[test]
    fn public_phones_hashes_and_pictures_pass() {
        let g = g();
        let page = "<p>村委会 139-1234-5678</p><p>核对码 a13812345678</p><img src=\"data:image/png;base64,AAAA13812345678AAAA\">";
        assert!(g.check("a/index.html", page.as_bytes(), None).is_empty());
        let manifest =
            "{\"hash\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}";
        assert!(
            g.check("manifest.json", manifest.as_bytes(), None)
                .is_empty()
        );
    }
}
