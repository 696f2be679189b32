//! Personal numbers: full 18-digit 身份证号 and 11-digit mainland mobile numbers, judged by
//! what a reader sees (DESIGN.md §7), not by the bytes of the source.
//!
//! One detector serves every place that looks for them: the loader (raw YAML text, decoded
//! values, Markdown bodies after parsing), diagnostics, file names, and the last guard over
//! every output file ([`guard`]). It reads text as a chain of digits — ASCII, full-width
//! (`１３８`) or mathematical (`𝟏𝟑𝟖`) — that may be split by short gaps a reader looks
//! past: spaces (ideographic, no-break, thin …), hyphens and dashes, dots, line breaks, and
//! invisible characters (zero-width spaces and joiners, soft hyphens, direction marks,
//! control characters). In [`Mode::Html`] also tags and comments (a block-level tag ends the
//! text, `<br>` is a line break) and character references (`&#49;`, `&nbsp;`).
//!
//! A chain is cut into groups at every visible gap; a number must begin at the start of a
//! group and end at the end of one: `138 1234 5678` and `610929 19841102 3457` are numbers,
//! the 19 digits of a bank account are not, and a landline beside a mobile
//! (`0914-7712345 13812345678`) does not hide the mobile. A `+86`/`0086` prefix written
//! without a gap belongs to the number.

mod chars;
mod cursor;
pub mod guard;
pub mod masker;
mod percent;
#[cfg(test)]
mod tests;

use chars::*;
pub use chars::{digit_value, is_invisible};
pub(crate) use chars::{reference_at, tag_at};
use cursor::*;
pub use cursor::{count_digits, may_hold};
pub use percent::percent_decode;

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    IdNumber,
    Mobile,
}

impl Kind {
    pub fn zh(self) -> &'static str {
        match self {
            Kind::IdNumber => "身份证号码",
            Kind::Mobile => "手机号码",
        }
    }
}

/// How text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every character is what a reader sees.
    Plain,
    /// HTML: tags and comments are invisible, character references are decoded.
    Html,
    /// An HTML attribute value: character references are decoded, there are no tags.
    Attr,
    /// Typst markup as gongshi writes it (poster bodies): a backslash escapes the character
    /// after it; strong and emphasis markers, brackets, string quotes and `#function`
    /// names print as nothing.
    Typst,
}

impl Mode {
    fn references(self) -> bool {
        matches!(self, Mode::Html | Mode::Attr)
    }
}

/// A full number found in a text.
#[derive(Debug, Clone)]
pub struct Found {
    pub kind: Kind,
    /// Byte range from its first digit to its last.
    pub start: usize,
    pub end: usize,
    /// Byte ranges of the digits (or character references) a mask replaces.
    pub hidden: Vec<Range<usize>>,
    /// The number as it is shown masked, digits only: `138****5678`.
    pub masked: String,
}

/// A digit of a chain.
#[derive(Debug, Clone, Copy)]
struct D {
    /// 0–9; 10 for the check character X of an ID number.
    v: u8,
    start: usize,
    end: usize,
    /// A visible gap stands before it: a number may start here.
    group_start: bool,
}

/// At most this many visible separators between two digits of one number (`138 - 1234`).
const MAX_GAP: u32 = 3;

/// Every full number in `text`, in order.
pub fn find(text: &str) -> Vec<Found> {
    find_in(text, Mode::Plain)
}

/// Every full number in `text` read as `mode`, in order — and those that masking them
/// would leave: a masked digit reads as a separator, so `1615-0011 139 0000 0012` masked once
/// (`139 **** 0012`) shows `1615-0011 139`. Read again until nothing more is found.
pub fn find_in(text: &str, mode: Mode) -> Vec<Found> {
    // No number in any reading without eleven digits (most values stop here).
    if !may_hold(text.as_bytes()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    scan_masking(text, mode, &mut out);
    if out.is_empty() {
        return out;
    }
    let mut current = text.to_string();
    let mut new = out.clone();
    for _ in 0..8 {
        // Same length: `*` and, for a digit of several bytes, invisible padding.
        current = apply_with(&current, &new, |r| &"*\0\0\0"[..r.len().min(4)]);
        new.clear();
        scan_masking(&current, mode, &mut new);
        if new.is_empty() {
            break;
        }
        out.extend(new.iter().cloned());
    }
    out.sort_by_key(|f| f.start);
    out
}

/// What masking finds: every number read without regard to hashes, and what the last guard
/// reads, which passes over tokens shaped like gongshi's own hashes and so can start a chain
/// right after one (`f6792e502e93␚１３９…`): masking must leave nothing the guard would
/// refuse.
fn scan_masking(text: &str, mode: Mode, out: &mut Vec<Found>) {
    scan(text, mode, false, out);
    let mut more = Vec::new();
    scan(text, mode, true, &mut more);
    let before = out.len();
    for f in more {
        if !out[..before]
            .iter()
            .any(|g| g.start == f.start && g.end == f.end)
        {
            out.push(f);
        }
    }
    if out.len() > before {
        out.sort_by_key(|f| f.start);
    }
}

/// Scan `s` and push every number found. `hashes`: a lowercase hexadecimal token of 12, 32 or
/// 64 characters (the 核对码 and the content hashes gongshi prints) is not read as digits.
pub(crate) fn scan(s: &str, mode: Mode, hashes: bool, out: &mut Vec<Found>) {
    scan_with(s, mode, hashes, out, true);
}

/// [`scan`]; `quick`: pass short chains without a walk — by [`short_chain`], after CJK
/// punctuation, and after letters that begin no character reference (off only in the test
/// that checks this changes nothing).
fn scan_with(s: &str, mode: Mode, hashes: bool, out: &mut Vec<Found>, quick: bool) {
    let b = s.as_bytes();
    // Short texts (values, names) mostly stop here; a page always has its dates.
    if b.len() < 4096 && !may_hold(b) {
        return;
    }
    let mut i = 0;
    let mut candidates = Candidates::new(b);
    while let Some(digit) = candidates.next(i) {
        // Most digits in a page are a short run of ASCII digits ended by something that
        // ends any chain (`2026"`, `12380<`): passed over without a walk.
        let mut e = digit;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        if e > digit && e - digit < 11 {
            let ends = match b.get(e) {
                None => true,
                // A CJK ideograph or punctuation (`2026年`, `〔2026〕`, `15，`).
                Some(0xE4..=0xE9) => true,
                Some(0xE3 | 0xEF) if quick && ends_chain_cjk(b, e) => true,
                Some(b'<') => {
                    mode == Mode::Html
                        && tag_at(b, e).is_some_and(|(_, n)| is_block_tag(n.as_bytes()))
                }
                Some(b'*' | b'_' | b'[' | b']' | b'(' | b')' | b'"' | b'#')
                    if mode == Mode::Typst =>
                {
                    false
                }
                Some(&c) => c < 0x80 && ascii_class(c) == Class::Other && c != b'&',
            };
            if ends {
                let after_letter =
                    digit > 0 && (b[digit - 1] == b'#' || b[digit - 1].is_ascii_alphabetic());
                if !after_letter {
                    i = e;
                    continue;
                }
                // Inside a hash: past all of it at once.
                if quick
                    && hashes
                    && let Some(end) = hash_token(b, digit)
                {
                    i = end;
                    continue;
                }
                // Not when the digits are a character reference's (`&#49;`, `&#x31;`):
                // that chain starts at the `&`.
                if !(mode.references() && (!quick || reference_start(b, digit).is_some())) {
                    i = e;
                    continue;
                }
            }
            // Not inside a word, a hash or a character reference (`&#49;`): then the chain
            // may be one `walk` would only measure.
            if quick
                && mode != Mode::Typst
                && (digit == 0 || !(b[digit - 1].is_ascii_alphanumeric() || b[digit - 1] == b'#'))
                && let Some(end) = short_chain(b, digit, e, mode)
            {
                i = end;
                continue;
            }
        }
        // Only from an ASCII digit: a full-width one right after a hash (`…2e93１`) is no
        // part of it, and scanning must move past it (this once looped forever).
        if hashes
            && b[digit].is_ascii_digit()
            && let Some(end) = hash_token(b, digit)
        {
            i = end.max(digit + 1);
            continue;
        }
        // A digit inside a character reference (`&#49;`): the chain starts at the `&`.
        let j = if mode.references() {
            reference_start(b, digit).unwrap_or(digit)
        } else {
            digit
        };
        // Always past the digit found, so a reference that is no digit (`&#39;`) is passed.
        i = walk(s, j, mode, hashes, out).max(digit + 1);
    }
}

/// Where the chain that the run of ASCII digits `b[start..k]` starts ends, when it is made
/// of ASCII digits, blanks and separators only (in HTML also tags with no digit in them) and
/// cannot hold a number, as almost all in a page (`2026-11-15"`, `15 天`, `12380</a> </li>`,
/// a landline `0914-7200300`): the end [`walk`] would return, found without a walk. `None`
/// for anything else (a reference, an `X`, other characters, a chain that could hold a
/// number), which `walk` reads.
fn short_chain(b: &[u8], start: usize, mut k: usize, mode: Mode) -> Option<usize> {
    let mut digits = k - start;
    // The first three digits' values, for `could_hold` (a run has at least one).
    let mut head = [u8::MAX; 3];
    for (h, &c) in head.iter_mut().zip(&b[start..k]) {
        *h = c - b'0';
    }
    let mut gap = 0u32;
    let mut space = false;
    let end = loop {
        if k >= b.len() {
            break k;
        }
        match b[k] {
            c @ b'0'..=b'9' => {
                if let Some(h) = head.get_mut(digits) {
                    *h = c - b'0';
                }
                digits += 1;
                if digits > 12 {
                    return None;
                }
                gap = 0;
                space = false;
            }
            b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => space = true,
            b'-' | b'.' | b'\\' | b'*' => {
                gap += 1;
                if gap + u32::from(space) > MAX_GAP {
                    break k;
                }
            }
            0xE3..=0xE9 | 0xEF if ends_chain_cjk(b, k) => break k,
            b'<' if mode == Mode::Html => {
                let Some((end, name)) = tag_at(b, k) else {
                    break k;
                };
                let name = name.as_bytes();
                if is_block_tag(name) {
                    break k;
                }
                // `walk` would search the tag's attributes: only one with no digit is passed.
                if b[k + 1..end]
                    .iter()
                    .any(|&c| c.is_ascii_digit() || c >= 0x80)
                {
                    return None;
                }
                space |= name == b"br";
                k = end;
                continue;
            }
            // Outside HTML these are characters like any other; in it, references.
            b'<' | b'&' if !mode.references() => break k,
            b'<' | b'&' | b'X' | b'x' | 0..=0x1F | 0x7F | 0x80.. => return None,
            _ => break k,
        }
        k += 1;
    };
    (!could_hold(digits, &head)).then_some(end)
}
/// Whether the character at `b[k]` is one of the CJK characters that end a chain (class
/// `Other`): an ideograph (lead byte `E4`–`E9`), CJK punctuation `U+3001`–`U+303F` (not the
/// ideographic space `U+3000`), or common full-width punctuation (`，（）：；！？`).
#[inline]
fn ends_chain_cjk(b: &[u8], k: usize) -> bool {
    match b[k] {
        0xE4..=0xE9 => true,
        0xE3 => b.get(k + 1) == Some(&0x80) && b.get(k + 2).is_some_and(|&c| c > 0x80),
        0xEF => {
            b.get(k + 1) == Some(&0xBC)
                && matches!(
                    b.get(k + 2),
                    Some(0x81 | 0x88 | 0x89 | 0x8C | 0x9A | 0x9B | 0x9F)
                )
        }
        _ => false,
    }
}

/// `Some(end)` when the ASCII letters and digits around `b[j]` are a hash gongshi prints.
fn hash_token(b: &[u8], j: usize) -> Option<usize> {
    // Most digits after a letter are in a word (`h2`, `county001`), not in a hash.
    if j > 0 && b[j - 1].is_ascii_alphabetic() && !(b'a'..=b'f').contains(&b[j - 1]) {
        return None;
    }
    let mut start = j;
    while start > 0 && b[start - 1].is_ascii_alphanumeric() {
        start -= 1;
    }
    let mut end = j;
    while end < b.len() && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    let tok = &b[start..end];
    let hex = tok
        .iter()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c));
    // A token glued to more digits (`…2e93１３９…`, full-width ones are not in it) is no hash:
    // it is read as a chain, as masking reads it.
    (matches!(tok.len(), 12 | 32 | 64)
        && hex
        && tok.iter().any(|c| c.is_ascii_alphabetic())
        && digit_at(b, end).is_none())
    .then_some(end)
}

/// If the digit at `j` is inside a numeric character reference (`&#49;`, `&#x31;`), where it
/// starts.
fn reference_start(b: &[u8], j: usize) -> Option<usize> {
    let mut k = j;
    while k > 0 && b[k - 1].is_ascii_hexdigit() {
        k -= 1;
    }
    if k >= 3 && matches!(b[k - 1], b'x' | b'X') && b[k - 2] == b'#' && b[k - 3] == b'&' {
        return Some(k - 3);
    }
    // Decimal: only digits between `&#` and `j`.
    let mut k = j;
    while k > 0 && b[k - 1].is_ascii_digit() {
        k -= 1;
    }
    (k >= 2 && b[k - 1] == b'#' && b[k - 2] == b'&').then(|| k - 2)
}

/// Follow the chain of digits starting at `j`; push what it holds; return where scanning
/// goes on. Most chains are a date or a count: they are measured first, without recording
/// anything, and only one long enough to hold a number is walked again to be read.
fn walk(s: &str, j: usize, mode: Mode, hashes: bool, out: &mut Vec<Found>) -> usize {
    let (end, digits, head) = walk_pass(s, j, mode, hashes, out, None);
    if could_hold(digits, &head) {
        let mut chain = Vec::with_capacity(digits);
        // Attribute values were searched in the first pass.
        walk_pass(s, j, mode, hashes, &mut Vec::new(), Some(&mut chain));
        flush(&chain, out);
    }
    end
}

/// Whether a chain of `digits` digits whose first three are `head` can hold a number.
/// Eleven or twelve digits hold one only if a mobile starts at the first or second (an ID
/// number has 18, a prefixed mobile 13 or more): most are landlines (`0914-7200300`), told
/// apart without reading the chain again.
fn could_hold(digits: usize, head: &[u8; 3]) -> bool {
    let mobile = |k: usize| head[k] == 1 && (3..=9).contains(&head[k + 1]);
    match digits {
        0..=10 => false,
        11 => mobile(0),
        12 => mobile(0) || mobile(1),
        _ => true,
    }
}

/// One pass of [`walk`]: where the chain ends and how many digits it has; with `chain`, its
/// digits recorded (a chain cut by too wide a gap is flushed into `out` as it goes).
fn walk_pass(
    s: &str,
    j: usize,
    mode: Mode,
    hashes: bool,
    out: &mut Vec<Found>,
    mut chain: Option<&mut Vec<D>>,
) -> (usize, usize, [u8; 3]) {
    let b = s.as_bytes();
    let mut digits = 0usize;
    // The first three digits' values (an `X` is 10, none yet 255).
    let mut head = [u8::MAX; 3];
    let mut gap = 0u32;
    let mut space = false;
    let mut k = j;
    // The end of the last digit, for `X` right after it.
    let mut last_end = usize::MAX;
    while k < b.len() {
        // What stands at `k`: a class, its byte length.
        let c = b[k];
        let (class, len) = if mode == Mode::Typst && c < 0x80 {
            match c {
                b'\\' => match b.get(k + 1) {
                    Some(&n) if n.is_ascii_punctuation() => (ascii_class(n), 2),
                    _ => (Class::Sep, 1),
                },
                b'*' | b'_' | b'[' | b']' | b'(' | b')' | b'"' => (Class::Invisible, 1),
                b'#' => {
                    let n = b[k + 1..]
                        .iter()
                        .take_while(|x| x.is_ascii_alphanumeric() || **x == b'.')
                        .count();
                    (Class::Invisible, 1 + n)
                }
                _ => (ascii_class(c), 1),
            }
        } else if c < 0x80 && c != b'&' && c != b'<' {
            (ascii_class(c), 1)
        } else if let Some((v, len)) = digit_at(b, k) {
            (Class::Digit(v), len)
        } else if c == b'&' {
            match reference_at(b, k).filter(|_| mode.references()) {
                Some((c, len)) => (class_of(c), len),
                None => (Class::Other, 1),
            }
        } else if c == b'<' {
            match tag_at(b, k).filter(|_| mode == Mode::Html) {
                Some((end, name)) => {
                    let name = name.as_bytes();
                    let class = if name == b"br" {
                        Class::Space
                    } else if is_block_tag(name) {
                        Class::Other
                    } else {
                        Class::Invisible
                    };
                    // Numbers in the attribute values of a tag the chain passes through (the
                    // search after the chain does not look back into it). A tag that ends
                    // the chain is searched from its start afterwards.
                    if class != Class::Other && end > k + 2 {
                        let inner = &s[k + 1..end - 1];
                        let before = out.len();
                        scan(inner, Mode::Attr, hashes, out);
                        for f in &mut out[before..] {
                            f.shift(k + 1);
                        }
                    }
                    (class, end - k)
                }
                None => (Class::Other, 1),
            }
        } else {
            let ch = s[k..].chars().next().unwrap_or('\0');
            (class_of(ch), ch.len_utf8())
        };
        match class {
            Class::Digit(v) => {
                if let Some(h) = head.get_mut(digits) {
                    *h = v;
                }
                let group_start = digits == 0 || gap > 0 || space;
                if let Some(ch) = chain.as_deref_mut() {
                    ch.push(D {
                        v,
                        start: k,
                        end: k + len,
                        group_start,
                    });
                }
                digits += 1;
                gap = 0;
                space = false;
                last_end = k + len;
            }
            Class::Check if last_end == k => {
                if let Some(ch) = chain.as_deref_mut() {
                    ch.push(D {
                        v: 10,
                        start: k,
                        end: k + len,
                        group_start: false,
                    });
                }
                if let Some(h) = head.get_mut(digits) {
                    *h = 10;
                }
                digits += 1;
                k += len;
                break;
            }
            Class::Space => space = true,
            Class::Sep => {
                gap += 1;
                if gap + u32::from(space) > MAX_GAP {
                    break;
                }
            }
            Class::Invisible => {}
            Class::Check | Class::Other => break,
        }
        k += len;
    }
    (k, digits, head)
}

impl Found {
    fn shift(&mut self, by: usize) {
        self.start += by;
        self.end += by;
        for r in &mut self.hidden {
            *r = r.start + by..r.end + by;
        }
    }
}

/// The numbers in one chain: spans that start and end on group boundaries, tried left to
/// right, longest form first.
fn flush(ds: &[D], out: &mut Vec<Found>) {
    let n = ds.len();
    if n < 11 {
        return;
    }
    // A trailing `X` may also be just a letter after a mobile number.
    let ends_group = |e: usize| e + 1 == n || ds[e + 1].group_start || ds[e + 1].v == 10;
    let digits = |r: Range<usize>| ds[r].iter().all(|d| d.v < 10);
    let mobile_at = |i: usize| ds[i].v == 1 && (3..=9).contains(&ds[i + 1].v) && digits(i..i + 11);
    let mut i = 0;
    // The end of the last span found (in digits of the chain).
    let mut last_end = 0usize;
    while i + 11 <= n {
        if !ds[i].group_start {
            i += 1;
            continue;
        }
        let v = |k: usize| ds[i + k].v;
        // (length, kind, digits kept at the head, at the tail)
        let mut hit = None;
        // Across gaps, an ID number must look like one (a birth date in it): a landline and
        // a mobile side by side are not an ID number.
        let one_group = |len: usize| ds[i + 1..i + len].iter().all(|d| !d.group_start);
        if i + 18 <= n
            && ends_group(i + 17)
            && digits(i..i + 17)
            && (one_group(18) || plausible_id(&ds[i..i + 18]))
        {
            hit = Some((18, Kind::IdNumber, 6, 2));
        } else if i + 15 <= n
            && ends_group(i + 14)
            && (v(0), v(1), v(2), v(3)) == (0, 0, 8, 6)
            && mobile_at(i + 4)
        {
            hit = Some((15, Kind::Mobile, 7, 4));
        } else if i + 13 <= n && ends_group(i + 12) && (v(0), v(1)) == (8, 6) && mobile_at(i + 2) {
            hit = Some((13, Kind::Mobile, 5, 4));
        } else if ends_group(i + 10) && mobile_at(i) {
            hit = Some((11, Kind::Mobile, 3, 4));
        }
        let Some((len, kind, head, tail)) = hit else {
            i += 1;
            continue;
        };
        // Every group start is tried, not only those after a match: `139 00086 139 0000 0005`
        // holds two numbers that share digits, and masking one must not leave the other. A
        // span inside one already found (the mobile in `0086 139…`) is the same number.
        if i + len <= last_end {
            i += 1;
            continue;
        }
        let span = &ds[i..i + len];
        let mut masked = String::with_capacity(len);
        let mut hidden = Vec::new();
        for (k, d) in span.iter().enumerate() {
            if k < head || k >= len - tail {
                masked.push(if d.v == 10 { 'X' } else { (b'0' + d.v) as char });
            } else {
                masked.push('*');
                hidden.push(d.start..d.end);
            }
        }
        out.push(Found {
            kind,
            start: span[0].start,
            end: span[len - 1].end,
            hidden,
            masked,
        });
        last_end = i + len;
        i += 1;
    }
}

/// Digits 7–14 of an ID number are a birth date (19xx or 20xx), and the first is no zero.
fn plausible_id(ds: &[D]) -> bool {
    let n = |r: Range<usize>| ds[r].iter().fold(0u32, |a, d| a * 10 + u32::from(d.v));
    ds[0].v != 0
        && (1900..=2099).contains(&n(6..10))
        && (1..=12).contains(&n(10..12))
        && (1..=31).contains(&n(12..14))
}

/// The character that replaces a hidden digit of `len` bytes, keeping the length where it can
/// (ASCII `*`, full-width `＊`); anything else becomes `*`.
fn star(len: usize) -> &'static str {
    if len == 3 { "＊" } else { "*" }
}

/// Apply the masks of `found` to `text`. Lengths are kept for ASCII and full-width digits, so
/// positions computed before masking stay true.
pub fn apply(text: &str, found: &[Found]) -> String {
    apply_with(text, found, |r| star(r.len()))
}

/// Apply masks with `with(range)` as the replacement of each hidden digit.
pub fn apply_with<'a>(
    text: &str,
    found: &[Found],
    with: impl Fn(&Range<usize>) -> &'a str,
) -> String {
    let mut ranges: Vec<&Range<usize>> = found.iter().flat_map(|f| f.hidden.iter()).collect();
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in ranges {
        if r.start < last {
            continue;
        }
        out.push_str(&text[last..r.start]);
        out.push_str(with(r));
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Mask everything in `text` (for text that never needs a diagnostic).
pub fn mask_all(text: &str) -> String {
    mask_all_in(text, Mode::Plain)
}

/// Mask everything in `text` read as `mode`.
pub fn mask_all_in(text: &str, mode: Mode) -> String {
    if !may_hold(text.as_bytes()) {
        return text.to_string();
    }
    let found = find_in(text, mode);
    if found.is_empty() {
        text.to_string()
    } else {
        apply(text, &found)
    }
}

/// Mask `text` in place; `true` when something was masked.
pub fn mask_in_place(text: &mut String) -> bool {
    if !may_hold(text.as_bytes()) {
        return false;
    }
    let found = find(text);
    if found.is_empty() {
        return false;
    }
    *text = apply(text, &found);
    true
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The shapes a number can be written in, for tests here and in `tests/`: every form
/// DESIGN.md §7 lists. `digits` are the number's digits (ASCII), `form` picks the form.
pub fn written_form(digits: &str, form: usize) -> String {
    let fw = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c),
                'X' => 'Ｘ',
                c => c,
            })
            .collect()
    };
    let groups = |seps: &str| -> String {
        let cut: &[usize] = if digits.len() == 11 {
            &[3, 7]
        } else {
            &[6, 14]
        };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if cut.contains(&i) {
                out.push_str(seps);
            }
            out.push(c);
        }
        out
    };
    match form % 12 {
        0 => digits.to_string(),
        1 => groups(" "),
        2 => groups("-"),
        3 => groups("－"),
        4 => groups("\u{3000}"),
        5 => fw(digits),
        6 => groups("\u{200B}"),
        7 => groups("."),
        8 => groups(" - "),
        9 if digits.len() == 11 => format!("+86 {}", groups(" ")),
        9 => groups("\u{00A0}"),
        10 if digits.len() == 11 => format!("0086{digits}"),
        10 => groups("\u{2014}"),
        _ => fw(&groups("\u{3000}")),
    }
}
