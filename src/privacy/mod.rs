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

pub mod guard;
pub mod model;

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

/// Value and byte length of the digit starting at `b[i]`: ASCII, full-width (`EF BC 90..99`)
/// or mathematical (U+1D7CE–U+1D7FF, `F0 9D 9F 8E..BF`).
#[inline]
fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let c = *b.get(i)?;
    if c.is_ascii_digit() {
        return Some((c - b'0', 1));
    }
    if c == 0xEF && b.get(i + 1) == Some(&0xBC) {
        let t = *b.get(i + 2)?;
        if (0x90..=0x99).contains(&t) {
            return Some((t - 0x90, 3));
        }
    }
    if c == 0xF0 && b.get(i + 1) == Some(&0x9D) && b.get(i + 2) == Some(&0x9F) {
        let t = *b.get(i + 3)?;
        if (0x8E..=0xBF).contains(&t) {
            return Some(((t - 0x8E) % 10, 4));
        }
    }
    None
}

/// The value of a digit character, for text already decoded.
pub fn digit_value(c: char) -> Option<u8> {
    let mut buf = [0u8; 4];
    digit_at(c.encode_utf8(&mut buf).as_bytes(), 0).map(|(v, _)| v)
}

/// What a character is to a reader looking for numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Digit(u8),
    /// `X` after the seventeenth digit of an ID number.
    Check,
    /// Blank space (runs of it read as one gap).
    Space,
    /// A visible separator: hyphens, dashes, dots, a backslash or asterisk between digits
    /// (four or more asterisks are a mask, too wide a gap to read through).
    Sep,
    /// Nothing a reader sees.
    Invisible,
    /// Anything else ends the chain.
    Other,
}

fn class_of(c: char) -> Class {
    if let Some(v) = digit_value(c) {
        return Class::Digit(v);
    }
    match c {
        'X' | 'x' | 'Ｘ' | 'ｘ' => Class::Check,
        ' '
        | '\t'
        | '\n'
        | '\r'
        | '\u{0B}'
        | '\u{0C}'
        | '\u{A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => Class::Space,
        '-'
        | '\\'
        | '*'
        | '.'
        | '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}'
        | '\u{FF0E}'
        | '\u{B7}'
        | '\u{30FB}'
        | '\u{FF65}'
        | '\u{2027}'
        | '\u{2219}' => Class::Sep,
        _ if is_invisible(c) => Class::Invisible,
        _ => Class::Other,
    }
}

/// Characters that print as nothing: zero-width spaces and joiners, soft hyphen, direction
/// marks and overrides, variation selectors, tag characters, control characters.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00}'..='\u{08}' | '\u{0E}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{AD}'
        | '\u{34F}' | '\u{61C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
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

/// How many digits `b` holds, at most: each digit of any kind sets one bit of the mask
/// (an ASCII digit, the `BC` of a full-width one, the `9D` of a mathematical one; a
/// reference has ASCII digits). Stops counting at `enough`.
pub fn count_digits(b: &[u8], enough: usize) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i + 17 <= b.len() {
        n += digit_mask(&b[i..i + 17]).count_ones() as usize;
        if n >= enough {
            return n;
        }
        i += 16;
    }
    let tail = &b[i..];
    n + tail
        .iter()
        .zip(tail.iter().skip(1).chain(std::iter::once(&0)))
        .filter(|&(&c, &next)| {
            c.is_ascii_digit()
                || (c == 0xBC && (0x90..=0x99).contains(&next))
                || (c == 0x9D && next == 0x9F)
        })
        .count()
}

/// Whether `text` may hold a number at all: it has fewer than eleven digit characters
/// otherwise (each digit of any kind, or a character reference for one, brings at least one
/// of the bytes counted). Most values (names, titles, dates) stop here.
#[inline]
pub fn may_hold(b: &[u8]) -> bool {
    b.len() >= 11 && count_digits(b, 11) >= 11
}

/// The first position at or after `i` where a digit starts (ASCII, full-width or
/// mathematical).
#[cfg(test)]
fn next_candidate(b: &[u8], i: usize) -> Option<usize> {
    Candidates::new(b).next(i)
}

/// Digit lead bytes of `b`, found 32 bytes at a time: a mask of ASCII digits and of the
/// bytes `BC` (second byte of a full-width digit) and `9D` (of a mathematical one). Chinese
/// text has few of either (`BC` also in full-width punctuation such as `，`); each flagged
/// byte is checked exactly, from its lead byte. The last block's mask is kept, so a scan
/// that goes on after a short run does not read the block again.
struct Candidates<'a> {
    b: &'a [u8],
    /// Start of the block whose mask is kept (`usize::MAX`: none).
    base: usize,
    mask: u32,
}

impl<'a> Candidates<'a> {
    fn new(b: &'a [u8]) -> Self {
        Candidates {
            b,
            base: usize::MAX,
            mask: 0,
        }
    }

    /// The first position at or after `from` where a digit starts.
    fn next(&mut self, from: usize) -> Option<usize> {
        let b = self.b;
        let mut i = from;
        if self.base != usize::MAX && from >= self.base && from < self.base + 32 {
            if let Some(lead) = self.first(self.mask & (!0u32 << (from - self.base)), from) {
                return Some(lead);
            }
            i = self.base + 32;
        }
        while i + 32 <= b.len() {
            self.base = i;
            self.mask = lead_mask(&b[i..i + 16]) | (lead_mask(&b[i + 16..i + 32]) << 16);
            if let Some(lead) = self.first(self.mask, from) {
                return Some(lead);
            }
            i += 32;
        }
        self.base = usize::MAX;
        (i.saturating_sub(2).max(from)..b.len()).find(|&j| digit_at(b, j).is_some())
    }

    /// The first digit flagged in `m` (bits of the kept block) that starts at or after `from`.
    #[inline(always)]
    fn first(&self, mut m: u32, from: usize) -> Option<usize> {
        while m != 0 {
            let k = self.base + m.trailing_zeros() as usize;
            if self.b[k].is_ascii_digit() {
                return Some(k);
            }
            let lead = k.saturating_sub(1);
            if lead >= from && digit_at(self.b, lead).is_some() {
                return Some(lead);
            }
            m &= m - 1;
        }
        None
    }
}

/// Bit `k` set when byte `k` of `w[..16]` is an ASCII digit, `BC` or `9D`: a superset of
/// the places where a digit's lead byte is at `k` or `k - 1`, in fewer instructions than
/// [`digit_mask`].
#[inline(always)]
fn lead_mask(w: &[u8]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        debug_assert!(w.len() >= 16);
        // SAFETY: SSE2 is part of x86_64; the unaligned load reads 16 bytes inside `w`.
        unsafe {
            let x = _mm_loadu_si128(w.as_ptr().cast());
            // `0`..`9` moved to the bottom of the signed range: one add and one compare.
            let ascii = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(0x50)), _mm_set1_epi8(-118));
            let wide = _mm_or_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(0xBCu8 as i8)),
                _mm_cmpeq_epi8(x, _mm_set1_epi8(0x9Du8 as i8)),
            );
            _mm_movemask_epi8(_mm_or_si128(ascii, wide)) as u32
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut m = 0u32;
        for (k, &c) in w[..16].iter().enumerate() {
            m |= u32::from(c.is_ascii_digit() || c == 0xBC || c == 0x9D) << k;
        }
        m
    }
}

/// Bit `k` set when byte `k` of `w[..16]` is an ASCII digit, or `BC` before `90..99`, or
/// `9D` before `9F` (`w` has one byte more, for the byte after).
#[inline(always)]
fn digit_mask(w: &[u8]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        debug_assert!(w.len() >= 17);
        // SAFETY: SSE2 is part of x86_64; both unaligned loads read 16 bytes inside `w`
        // (17 long).
        unsafe {
            let x = _mm_loadu_si128(w.as_ptr().cast());
            let n = _mm_loadu_si128(w.as_ptr().add(1).cast());
            let within = |v: __m128i, lo: u8, hi: u8| {
                let lo = _mm_set1_epi8(lo as i8);
                let hi = _mm_set1_epi8(hi as i8);
                _mm_and_si128(
                    _mm_cmpeq_epi8(_mm_max_epu8(v, lo), v),
                    _mm_cmpeq_epi8(_mm_min_epu8(v, hi), v),
                )
            };
            let ascii = within(x, b'0', b'9');
            let full = _mm_and_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(0xBCu8 as i8)),
                within(n, 0x90, 0x99),
            );
            let math = _mm_and_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(0x9Du8 as i8)),
                _mm_cmpeq_epi8(n, _mm_set1_epi8(0x9Fu8 as i8)),
            );
            _mm_movemask_epi8(_mm_or_si128(ascii, _mm_or_si128(full, math))) as u32
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut m = 0u32;
        for k in 0..16 {
            let (c, n) = (w[k], w[k + 1]);
            let hit = c.is_ascii_digit()
                || (c == 0xBC && (0x90..=0x99).contains(&n))
                || (c == 0x9D && n == 0x9F);
            m |= (hit as u32) << k;
        }
        m
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

/// Tags after which text starts on a new line: they end a chain. `name` is lowercase.
fn is_block_tag(name: &[u8]) -> bool {
    matches!(
        name,
        b"p" | b"div"
            | b"li"
            | b"ul"
            | b"ol"
            | b"td"
            | b"th"
            | b"tr"
            | b"table"
            | b"thead"
            | b"tbody"
            | b"tfoot"
            | b"caption"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"blockquote"
            | b"pre"
            | b"section"
            | b"article"
            | b"header"
            | b"footer"
            | b"nav"
            | b"aside"
            | b"main"
            | b"figure"
            | b"figcaption"
            | b"dl"
            | b"dt"
            | b"dd"
            | b"hr"
            | b"address"
            | b"details"
            | b"summary"
            | b"form"
            | b"fieldset"
            | b"legend"
            | b"title"
            | b"head"
            | b"body"
            | b"html"
            | b"option"
            | b"select"
            | b"textarea"
            | b"button"
            | b"script"
            | b"style"
            | b"template"
            | b"noscript"
            | b"iframe"
            | b"object"
            | b"svg"
            | b"math"
            | b"meta"
            | b"link"
    )
}

/// A tag name, lowercase, kept on the stack (longer names are cut: none of ours is).
#[derive(Clone, Copy, Default)]
pub(crate) struct TagName {
    bytes: [u8; 12],
    len: u8,
}

impl TagName {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

/// A tag or comment starting at `b[i] == '<'`: its end (after `>`) and its lowercase name
/// (empty for comments and declarations).
pub(crate) fn tag_at(b: &[u8], i: usize) -> Option<(usize, TagName)> {
    let rest = &b[i..];
    let mut name = TagName::default();
    if rest.starts_with(b"<!--") {
        let end = memchr::memmem::find(&rest[4..], b"-->").map_or(b.len(), |k| i + 4 + k + 3);
        return Some((end, name));
    }
    let after = *rest.get(1)?;
    let (name_at, decl) = match after {
        b'/' if rest.get(2).is_some_and(u8::is_ascii_alphabetic) => (i + 2, false),
        b'!' | b'?' => (i + 2, true),
        c if c.is_ascii_alphabetic() => (i + 1, false),
        _ => return None,
    };
    let mut k = name_at;
    while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'-') {
        if !decl && (name.len as usize) < name.bytes.len() {
            name.bytes[name.len as usize] = b[k].to_ascii_lowercase();
            name.len += 1;
        }
        k += 1;
    }
    // The end: the first `>` outside quoted attribute values (or the first `>` at all, when
    // a quote is never closed).
    let first_gt = memchr::memchr(b'>', &b[k..]).map(|g| k + g)?;
    if !b[k..first_gt].iter().any(|&c| c == b'"' || c == b'\'') {
        return Some((first_gt + 1, name));
    }
    let mut quote = 0u8;
    while k < b.len() {
        let c = b[k];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return Some((k + 1, name));
        }
        k += 1;
    }
    Some((first_gt + 1, name))
}

/// Named character references that a reader sees as a gap (everything else named is a
/// visible character, and none is a digit).
const GAP_REFERENCES: &[(&str, char)] = &[
    ("nbsp", '\u{A0}'),
    ("NonBreakingSpace", '\u{A0}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("emsp13", '\u{2004}'),
    ("emsp14", '\u{2005}'),
    ("numsp", '\u{2007}'),
    ("puncsp", '\u{2008}'),
    ("thinsp", '\u{2009}'),
    ("ThinSpace", '\u{2009}'),
    ("hairsp", '\u{200A}'),
    ("VeryThinSpace", '\u{200A}'),
    ("MediumSpace", '\u{205F}'),
    ("ZeroWidthSpace", '\u{200B}'),
    ("NegativeVeryThinSpace", '\u{200B}'),
    ("NegativeThinSpace", '\u{200B}'),
    ("NegativeMediumSpace", '\u{200B}'),
    ("NegativeThickSpace", '\u{200B}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("lrm", '\u{200E}'),
    ("rlm", '\u{200F}'),
    ("NoBreak", '\u{2060}'),
    ("af", '\u{2061}'),
    ("ApplyFunction", '\u{2061}'),
    ("it", '\u{2062}'),
    ("InvisibleTimes", '\u{2062}'),
    ("ic", '\u{2063}'),
    ("InvisibleComma", '\u{2063}'),
    ("shy", '\u{AD}'),
    ("hyphen", '\u{2010}'),
    ("dash", '\u{2010}'),
    ("ndash", '\u{2013}'),
    ("mdash", '\u{2014}'),
    ("horbar", '\u{2015}'),
    ("minus", '\u{2212}'),
    ("period", '.'),
    ("middot", '\u{B7}'),
    ("centerdot", '\u{B7}'),
    ("CenterDot", '\u{B7}'),
    ("Tab", '\t'),
    ("NewLine", '\n'),
    ("hyphen", '-'),
];

/// The character a reference at `b[i] == '&'` stands for and the reference's length.
pub(crate) fn reference_at(b: &[u8], i: usize) -> Option<(char, usize)> {
    let rest = &b[i + 1..];
    if rest.first() == Some(&b'#') {
        let (radix, from) = match rest.get(1) {
            Some(b'x' | b'X') => (16, 2),
            _ => (10, 1),
        };
        let mut k = from;
        while k < rest.len() && k < from + 8 && (rest[k] as char).is_digit(radix) {
            k += 1;
        }
        if k == from {
            return None;
        }
        let v = u32::from_str_radix(std::str::from_utf8(&rest[from..k]).ok()?, radix).ok()?;
        let len = 1 + k + usize::from(rest.get(k) == Some(&b';'));
        // What a browser makes of NUL, surrogates and numbers past Unicode.
        let c = char::from_u32(v)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        return Some((c, len));
    }
    let mut k = 0;
    while k < rest.len() && k < 32 && rest[k].is_ascii_alphanumeric() {
        k += 1;
    }
    let name = std::str::from_utf8(&rest[..k]).ok()?;
    let semi = rest.get(k) == Some(&b';');
    let (_, c) = GAP_REFERENCES.iter().find(|(n, _)| *n == name)?;
    // A few legacy names work without the semicolon.
    if !semi && !matches!(name, "nbsp" | "shy" | "middot") {
        return None;
    }
    Some((*c, 1 + k + usize::from(semi)))
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

/// The class of an ASCII byte, without decoding a character.
#[inline]
fn ascii_class(c: u8) -> Class {
    match c {
        b'0'..=b'9' => Class::Digit(c - b'0'),
        b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => Class::Space,
        b'-' | b'.' | b'\\' | b'*' => Class::Sep,
        b'X' | b'x' => Class::Check,
        0..=0x1F | 0x7F => Class::Invisible,
        _ => Class::Other,
    }
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
/// A warning for each number a target's own layout made visible (`when`: what happened to the
/// text, `shown`: where it is now masked); both say what is masked, never the number.
pub fn warn_laid_out(
    diags: &crate::diag::Diagnostics,
    file: &std::path::Path,
    at: crate::diag::Pos,
    found: &[Found],
    (when, shown): (&str, &str),
    hint: &str,
) {
    for f in found {
        diags.warning(
            file,
            at,
            format!(
                "{when}有一处读作完整的{}，{shown}已打码为 {}。",
                f.kind.zh(),
                f.masked
            ),
            hint,
        );
    }
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

#[cfg(test)]
mod tests {

    #[test]
    fn a_full_width_digit_after_a_hash_is_read_and_passed() {
        // Found by the test below: this looped forever, and the last guard would hang a build.
        // Then the fuzzer: glued to the digits after it, the token is no hash, and the guard
        // reads the chain as masking does (one chain, not starting on a gap: no number).
        for s in [
            "f6792e502e93１３９００００００１９",
            "f6792e502e93 １３９００００００１９",
        ] {
            for mode in [Mode::Plain, Mode::Html] {
                let mut guard = Vec::new();
                scan(s, mode, true, &mut guard);
                let masking = find_in(s, mode);
                assert_eq!(guard.len(), masking.len(), "{mode:?} {s}");
            }
        }
        let mut out = Vec::new();
        scan(
            "f6792e502e93 １３９００００００１９",
            Mode::Html,
            true,
            &mut out,
        );
        assert_eq!(out.len(), 1);
        // The fuzzer again: past an invisible character the guard starts a chain after the
        // hash where a plain reading goes on through it; masking reads both ways.
        let s = "f6792e502e93\u{1a}１３９００００００１９";
        let mut guard = Vec::new();
        scan(s, Mode::Html, true, &mut guard);
        assert_eq!(guard.len(), 1);
        let masked = apply_with(s, &find_in(s, Mode::Html), |_| "*");
        let mut left = Vec::new();
        scan(&masked, Mode::Html, true, &mut left);
        assert!(left.is_empty(), "{masked}");
    }

    #[test]
    fn short_chains_passed_without_a_walk_change_nothing() {
        // Pieces a chain can be made of, and what ends one; every mode but Typst.
        let parts = [
            "1",
            "39",
            "0000",
            "2026",
            " ",
            "-",
            ".",
            "*",
            "\\",
            "\n",
            "<br>",
            "</a>",
            "<p>",
            "<span title=\"1\">",
            "<i a='x>'>",
            "&#49;",
            "&nbsp;",
            "&amp;",
            "X",
            "x",
            "年",
            "\u{3000}",
            "\u{200B}",
            "１",
            "\"",
            "a",
            "#",
            "<",
            "\t",
            "<!-- 1 -->",
            "〕",
            "。",
            "，",
            "）",
            "：",
            "\u{3001}",
            "－",
            "h",
            "f6792e502e93",
            "abcdef",
            "&#x",
            "&#",
            ";",
            ">",
            "county",
            "139",
            "139",
            "0000",
            "0000",
            "0019",
            "13800138000",
            "610929198411023457",
            "6109291984",
            "0086",
            "86",
            "-",
            " ",
            "0914-",
            "1",
        ];
        let mut found = 0;
        for seed in 0..5000u32 {
            let mut s = String::new();
            let mut x = seed.wrapping_mul(2_654_435_761) | 1;
            for _ in 0..(seed % 40) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                s.push_str(parts[(x % parts.len() as u32) as usize]);
            }
            for mode in [Mode::Plain, Mode::Html, Mode::Attr] {
                let (mut quick, mut full) = (Vec::new(), Vec::new());
                scan_with(&s, mode, true, &mut quick, true);
                scan_with(&s, mode, true, &mut full, false);
                let spans = |v: &[Found]| v.iter().map(|f| (f.start, f.end)).collect::<Vec<_>>();
                assert_eq!(spans(&quick), spans(&full), "{mode:?} {s:?}");
                found += full.len();
            }
        }
        // The pieces do make numbers, so the comparison is not between two empty lists.
        assert!(found > 2000, "{found}");
    }

    use super::*;

    fn masked(t: &str) -> String {
        mask_all(t)
    }

    #[test]
    fn masks_ids_and_mobiles_keeping_length() {
        let t = "身份证620102199001011234，手机13812345678，座机0914-7712345，监督电话12380。";
        let f = find(t);
        assert_eq!(f.len(), 2);
        let m = apply(t, &f);
        assert!(m.contains("620102**********34"));
        assert!(m.contains("138****5678"));
        assert!(m.contains("0914-7712345"));
        assert!(m.contains("12380"));
        assert_eq!(m.len(), t.len());
        assert_eq!(f[0].masked, "620102**********34");
        assert_eq!(f[1].masked, "138****5678");
    }

    #[test]
    fn id_with_x_and_separated_mobiles() {
        let t = "证号 11010519491231002X 电话 139-1234-5678 或 186 0000 1111";
        let m = masked(t);
        assert!(m.contains("110105**********2X"), "{m}");
        assert!(m.contains("139-****-5678"), "{m}");
        assert!(m.contains("186 **** 1111"), "{m}");
    }

    #[test]
    fn full_width_digits_are_masked_too() {
        let t = "电话：１３８１２３４５６７８";
        let m = masked(t);
        assert_eq!(m.len(), t.len());
        assert!(m.contains("１３８＊＊＊＊５６７８"), "{m}");
    }

    #[test]
    fn longer_digit_runs_are_not_numbers_of_people() {
        // An account number or a 12-digit area code is not a phone number.
        assert!(find("账号 6222021234567890123 区划代码 610929100201").is_empty());
        assert!(find("卡号 6222 0212 3456 7890 123").is_empty());
        assert!(find("2026-11-22 至 2026-11-29，监督电话 12380，座机 0914-7712345").is_empty());
        assert!(find("资产 135,000,000.00 元；收入 3,856,420.50 元").is_empty());
    }

    #[test]
    fn every_written_form_is_found() {
        for digits in ["13812345678", "610929198411023457", "11010519491231002X"] {
            for form in 0..12 {
                let w = written_form(digits, form);
                for t in [
                    w.clone(),
                    format!("电话{w}。"),
                    format!("0914-7712345 {w}"),
                    format!("TEL{w}abc"),
                ] {
                    let f = find(&t);
                    assert_eq!(f.len(), 1, "{t:?} → {f:?}");
                    assert!(f[0].masked.contains(&digits[..3]), "{t:?}");
                    assert!(f[0].masked.contains("****"), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn spaced_id_numbers_and_prefixed_mobiles() {
        assert_eq!(find("610929 19841102 3457")[0].kind, Kind::IdNumber);
        let f = find("+8613812345678");
        assert_eq!(f[0].masked, "86138****5678");
        let f = find("008613812345678");
        assert_eq!(f[0].masked, "0086138****5678");
        assert_eq!(masked("+86 138 1234 5678"), "+86 138 **** 5678");
        // What masking one number leaves readable is masked too.
        let t = "1615-0011 139\u{200B}0000\u{200D}0012";
        let m = masked(t);
        assert!(find(&m).is_empty(), "{m}");
        // Two numbers that share digits are both masked.
        let t = "139 00086 139 0000 0005";
        let m = masked(t);
        assert!(find(&m).is_empty(), "{m}");
        assert_eq!(find("0086 139 0000 0005").len(), 1);
    }

    #[test]
    fn invisible_characters_and_line_breaks_do_not_hide_a_number() {
        for t in [
            "138\u{200B}1234\u{200D}5678",
            "138\u{AD}12345678",
            "138\n1234\n5678",
            "138\u{202E}12345678",
            "1\u{FE0F}3812345678",
        ] {
            assert_eq!(find(t).len(), 1, "{t:?}");
        }
        // Too wide a gap is two texts.
        assert!(find("138 - - - - 12345678").is_empty());
    }

    #[test]
    fn html_is_read_as_a_reader_sees_it() {
        for t in [
            "<p>138<!-- x -->12345678</p>",
            "<p><strong>138</strong>1234<em>5678</em></p>",
            "&#49;&#51;&#56;12345678",
            "&#x31;&#x33;&#x38;&#xff11;2345678",
            "138&nbsp;1234&ZeroWidthSpace;5678",
            "138<br>1234<br/>5678",
            "<a title=\"13812345678\">x</a>",
            "<span>138</span><span>1234</span><span>5678</span>",
        ] {
            let f = find_in(t, Mode::Html);
            assert_eq!(f.len(), 1, "{t:?} → {f:?}");
            let m = apply(t, &f);
            assert!(find_in(&m, Mode::Html).is_empty(), "{m}");
        }
        // A reference that is no digit ends the chain (and the scan goes on past it).
        assert!(find_in("&#39;&#39;138&#39;&#39;12345678", Mode::Html).is_empty());
        // Cells and paragraphs are separate texts.
        assert!(find_in("<td>138</td><td>12345678</td>", Mode::Html).is_empty());
        assert!(find_in("<p>2026-11-22</p><p>13:00</p>", Mode::Html).is_empty());
    }

    #[test]
    fn hashes_gongshi_prints_are_not_numbers() {
        let mut out = Vec::new();
        scan(
            "核对码 a13812345678，哈希 0123456789abcdef0123456789abcdef",
            Mode::Html,
            true,
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        scan("TEL13812345678", Mode::Html, true, &mut out);
        assert_eq!(out.len(), 1);
    }

    proptest::proptest! {
        /// Whatever surrounds it, a number written in any form is found, and masking leaves
        /// none behind.
        #[test]
        fn any_form_anywhere_is_found(
            d in "1[3-9][0-9]{9}|[1-6][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9])[0-9]{3}[0-9X]",
            form in 0usize..12,
            before in "[a-z，。电话：\u{3000}]{0,6}",
            after in "[a-z，。号\u{3000}]{0,6}",
        ) {
            let t = format!("{before}{}{after}", written_form(&d, form));
            let f = find(&t);
            proptest::prop_assert!(!f.is_empty(), "{:?}", t);
            let m = apply(&t, &f);
            proptest::prop_assert!(find(&m).is_empty(), "{:?}", m);
        }

        /// The word-at-a-time search finds the same next candidate as a byte-at-a-time one.
        #[test]
        fn next_candidate_matches_a_byte_at_a_time_search(t in "(1|[0-9]{1,6}|[０-９]{1,4}|𝟏|[ \\-]|X|：|弓|，|a{1,40}|村民委员会{1,8}){0,40}") {
            let b = t.as_bytes();
            for i in 0..=b.len() {
                let want = (i..b.len()).find(|&j| digit_at(b, j).is_some());
                proptest::prop_assert_eq!(next_candidate(b, i), want, "{} at {}", t, i);
            }
        }

        /// Asked again from further on, as [`scan`] asks, the kept block gives the same.
        #[test]
        fn candidates_kept_between_calls_match_a_fresh_search(t in "(1|[0-9]{1,6}|[０-９]{1,4}|𝟏|[ \\-]|X|：|弓|，|a{1,40}|村民委员会{1,8}){0,40}", steps in proptest::collection::vec(1usize..40, 1..30)) {
            let b = t.as_bytes();
            let mut c = Candidates::new(b);
            let mut i = 0;
            for step in steps {
                if i > b.len() {
                    break;
                }
                let want = (i..b.len()).find(|&j| digit_at(b, j).is_some());
                proptest::prop_assert_eq!(c.next(i), want, "{} at {}", t, i);
                i += step;
            }
        }

        /// The quick test never turns away a text with a number in it.
        #[test]
        fn may_hold_never_skips_a_number(t in "(1[3-9]|１３|𝟏𝟑|&#49;|[0-9]{1,5}|[０-９]{1,3}|[ \\-]|X|至|a{1,10}|，){0,20}") {
            if !may_hold(t.as_bytes()) {
                proptest::prop_assert!(find_in(&t, Mode::Html).is_empty(), "{}", t);
            }
        }
    }
}
