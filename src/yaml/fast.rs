//! A fast path for the YAML that clerks actually write.
//!
//! serde-saphyr is thorough and gives good errors, but it costs ~130 µs for a typical
//! candidate notice, and a province has 150,000+ of them. Almost all of these files use a
//! small, regular subset of YAML: block mappings and sequences, `- key: value` items,
//! one-line flow collections (`{a: b, c: "d"}`, `[a, b]`), and one-line plain, single- or
//! double-quoted scalars. This module parses exactly that subset into a small tree and
//! deserializes the tree with the same scalar rules as serde-saphyr.
//!
//! Anything else — anchors, aliases, tags, block scalars, multi-line scalars or flow
//! collections, complex keys, directives, document markers, tabs, duplicate keys, deep
//! nesting, odd indentation, any syntax or type error — makes [`parse`] return `None`, and
//! the caller falls back to serde-saphyr, which reports errors with positions. The fast path
//! never reports errors itself: when in doubt, it bails.
//!
//! Scalar typing mirrors serde-saphyr 2.1 with the options `yaml::parse` uses (YAML 1.1
//! booleans, no legacy octal, non-finite floats rejected where the target type is unknown).
//! The differential tests in `tests/testsuite/yaml_fast.rs` hold the two paths to the same results.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

/// Deepest nesting the fast path accepts (serde-saphyr's budget allows 64).
const MAX_DEPTH: usize = 32;
/// Most nodes the fast path builds (serde-saphyr's budget allows 200,000 events).
const MAX_NODES: usize = 50_000;
/// Longest input the fast path looks at.
const MAX_INPUT: usize = 1 << 20;
/// Longest key, in bytes (YAML limits implicit keys to 1,024 characters).
const MAX_KEY: usize = 512;
/// Most entries in one mapping (each key is checked against the earlier ones).
const MAX_ENTRIES: usize = 1_000;

/// Parse `yaml` into `T` if it is in the fast subset and deserializes cleanly, collecting
/// the paths of unknown keys exactly as `serde_ignored` reports them. `None`: not in the
/// subset (or not valid for `T`) — use the full parser.
pub fn parse<T: DeserializeOwned>(yaml: &str) -> Option<(T, Vec<String>)> {
    let root = parse_tree(yaml)?;
    let unknown = RefCell::new(Vec::new());
    let value = T::deserialize(NodeDe {
        node: &root,
        mode: Mode::Tracked {
            path: Path::Root,
            sink: &unknown,
        },
    })
    .ok()?;
    Some((value, unknown.into_inner()))
}

/// Whether `yaml` is in the fast subset syntactically (the typed deserialization may still
/// bail). For tests and diagnostics.
pub fn accepts_syntax(yaml: &str) -> bool {
    parse_tree(yaml).is_some()
}

// ---------------------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node<'a> {
    /// Scalar text and whether it was written plain (unquoted). An empty value is the plain
    /// scalar `~`, as granit-parser reports it.
    Scalar(Cow<'a, str>, bool),
    Seq(Vec<Node<'a>>),
    /// Keys are always scalars.
    Map(Vec<(Node<'a>, Node<'a>)>),
}

fn null<'a>() -> Node<'a> {
    Node::Scalar(Cow::Borrowed("~"), true)
}

/// Not in the fast subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bail;

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not in the fast YAML subset")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<M: fmt::Display>(_msg: M) -> Self {
        Bail
    }
}

type R<T> = Result<T, Bail>;

pub(crate) fn parse_tree(yaml: &str) -> Option<Node<'_>> {
    if yaml.len() > MAX_INPUT {
        return None;
    }
    let lines = plain_lines(yaml)?;
    if lines.first()?.indent != 0 {
        return None;
    }
    let mut p = Parser {
        lines,
        pos: 0,
        nodes: 0,
        keys: Vec::with_capacity(32),
    };
    let root = p.block(0, 1).ok()?;
    (p.pos == p.lines.len()).then_some(root)
}

/// The content lines of `yaml` (no blank or comment lines), or `None` when the text is not
/// plain (see [`suspect_is_bad`]) or has a document marker.
fn plain_lines(yaml: &str) -> Option<Vec<Line<'_>>> {
    let b = yaml.as_bytes();
    let mut lines = Vec::with_capacity(yaml.len() / 24 + 1);
    let mut line_start = 0;
    let mut i = 0;
    loop {
        // One pass finds both the line ends and the bytes `suspect_is_bad` looks at.
        let j = next_stop(b, i);
        if j < b.len() && b[j] != b'\n' {
            if suspect_is_bad(b, j) {
                return None;
            }
            i = j + 1;
            continue;
        }
        let raw = &yaml[line_start..j];
        let text = raw.trim_start_matches(' ');
        if !(text.is_empty() || text.starts_with('#')) {
            let indent = raw.len() - text.len();
            if indent == 0 && (text.starts_with("---") || text.starts_with("...")) {
                return None;
            }
            lines.push(Line {
                indent,
                text: text.trim_end_matches(' '),
            });
        }
        if j >= b.len() {
            return Some(lines);
        }
        line_start = j + 1;
        i = j + 1;
    }
}

/// The first position at or after `i` holding a line feed or a [`SUSPECT`] byte, or the
/// length of `b`.
fn next_stop(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A zero byte of `v`, exact for the lowest one (borrows only run upwards).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    while let Some(w) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        // Bytes below 0x20 (controls and line feeds), 0x7F, and the lead bytes 0xC2, 0xE2
        // and 0xEF.
        let flags = (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | zero(x ^ (ONES * 0x7F))
            | zero(x ^ (ONES * 0xC2))
            | zero(x ^ (ONES * 0xE2))
            | zero(x ^ (ONES * 0xEF));
        if flags != 0 {
            return i + (flags.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !(b[i] == b'\n' || SUSPECT[usize::from(b[i])]) {
        i += 1;
    }
    i
}

/// Bytes that are, or may start, something [`suspect_is_bad`] refuses.
static SUSPECT: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = i != b'\n' as usize;
        i += 1;
    }
    t[0x7F] = true;
    t[0xC2] = true;
    t[0xE2] = true;
    t[0xEF] = true;
    t
};

/// Whether the [`SUSPECT`] byte at `j` starts something the fast path refuses: tabs,
/// carriage returns, control characters, byte-order marks, C1 controls, Unicode
/// line/paragraph separators or non-characters. Without them a line is a line.
fn suspect_is_bad(b: &[u8], j: usize) -> bool {
    let (n1, n2) = (b.get(j + 1).copied(), b.get(j + 2).copied());
    match b[j] {
        // U+0080..U+009F
        0xC2 => matches!(n1, Some(0x80..=0x9F)),
        // U+2028, U+2029
        0xE2 => n1 == Some(0x80) && matches!(n2, Some(0xA8 | 0xA9)),
        // U+FEFF, U+FFFE, U+FFFF
        0xEF => {
            (n1 == Some(0xBB) && n2 == Some(0xBF))
                || (n1 == Some(0xBF) && matches!(n2, Some(0xBE | 0xBF)))
        }
        _ => true,
    }
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// Column of the first content character (spaces only).
    indent: usize,
    /// The line from that column, trailing spaces removed; never empty, never a comment.
    text: &'a str,
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    nodes: usize,
    /// Key fingerprints of the mappings being parsed, innermost last (see [`key_print`]).
    keys: Vec<u64>,
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Rest of a line after a value: nothing, or a comment after at least one space.
fn is_line_end(rest: &str) -> bool {
    let t = rest.trim_start_matches(' ');
    t.is_empty() || (t.len() < rest.len() && t.starts_with('#'))
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    fn count(&mut self, depth: usize) -> R<()> {
        self.nodes += 1;
        if self.nodes > MAX_NODES || depth > MAX_DEPTH {
            return Err(Bail);
        }
        Ok(())
    }

    /// A block node whose first line is the current line (at its indentation).
    fn block(&mut self, indent: usize, depth: usize) -> R<Node<'a>> {
        let line = self.peek().ok_or(Bail)?;
        if is_item(line.text) {
            self.seq(indent, depth)
        } else {
            // Not a `key:` line either: `map` bails.
            self.map(indent, depth, None)
        }
    }

    /// Remember a key of the mapping whose keys start at `base`; a duplicate bails.
    fn new_key(&mut self, base: usize, key: &Node<'_>) -> R<()> {
        let print = key_print(key);
        if self.keys.len() - base >= MAX_ENTRIES || self.keys[base..].contains(&print) {
            return Err(Bail);
        }
        self.keys.push(print);
        Ok(())
    }

    /// A block mapping at `indent`; `first` is its first line already split.
    fn map(
        &mut self,
        indent: usize,
        depth: usize,
        mut first: Option<(Node<'a>, &'a str)>,
    ) -> R<Node<'a>> {
        self.count(depth)?;
        let base = self.keys.len();
        let mut entries: Vec<(Node<'a>, Node<'a>)> = Vec::with_capacity(8);
        while let Some(line) = self.peek() {
            if line.indent < indent || (line.indent == indent && is_item(line.text)) {
                break;
            }
            if line.indent > indent {
                return Err(Bail);
            }
            let (key, rest) = match first.take() {
                Some(split) => split,
                None => split_key(line.text)?.ok_or(Bail)?,
            };
            self.count(depth + 1)?;
            self.new_key(base, &key)?;
            self.pos += 1;
            let value = if is_line_end(rest) {
                match self.peek() {
                    Some(next) if next.indent > indent => self.block(next.indent, depth + 1)?,
                    // A sequence may sit at its key's indentation.
                    Some(next) if next.indent == indent && is_item(next.text) => {
                        self.seq(indent, depth + 1)?
                    }
                    _ => {
                        self.count(depth + 1)?;
                        null()
                    }
                }
            } else {
                let v = self.inline(rest.trim_start_matches(' '), depth + 1)?;
                // More indented lines after a one-line value would continue it.
                if self.peek().is_some_and(|next| next.indent > indent) {
                    return Err(Bail);
                }
                v
            };
            entries.push((key, value));
        }
        self.keys.truncate(base);
        Ok(Node::Map(entries))
    }

    fn seq(&mut self, indent: usize, depth: usize) -> R<Node<'a>> {
        self.count(depth)?;
        let mut items = Vec::with_capacity(8);
        while let Some(line) = self.peek() {
            if line.indent < indent || (line.indent == indent && !is_item(line.text)) {
                break;
            }
            if line.indent > indent {
                return Err(Bail);
            }
            let after = &line.text[1..];
            let rest = after.trim_start_matches(' ');
            let col = indent + 1 + (after.len() - rest.len());
            let item = if rest.is_empty() || rest.starts_with('#') {
                self.pos += 1;
                match self.peek() {
                    Some(next) if next.indent > indent => self.block(next.indent, depth + 1)?,
                    _ => {
                        self.count(depth + 1)?;
                        null()
                    }
                }
            } else if is_item(rest) {
                // `- - x`: the rest of the line starts a block node at its own column,
                // continued by the following lines at that column.
                self.lines[self.pos] = Line {
                    indent: col,
                    text: rest,
                };
                self.seq(col, depth + 1)?
            } else if let Some(split) = split_key(rest)? {
                // `- key: value`, likewise.
                self.lines[self.pos] = Line {
                    indent: col,
                    text: rest,
                };
                self.map(col, depth + 1, Some(split))?
            } else {
                self.pos += 1;
                let v = self.inline(rest, depth + 1)?;
                if self.peek().is_some_and(|next| next.indent > indent) {
                    return Err(Bail);
                }
                v
            };
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    /// A value written on the rest of a line in block context: a flow collection, a quoted
    /// or a plain scalar, then at most a comment.
    fn inline(&mut self, text: &'a str, depth: usize) -> R<Node<'a>> {
        let first = text.as_bytes()[0];
        match first {
            b'[' | b'{' => {
                let mut cur = Cursor { s: text, i: 0 };
                let node = self.flow(&mut cur, depth)?;
                if !is_line_end(&text[cur.i..]) {
                    return Err(Bail);
                }
                Ok(node)
            }
            b'"' | b'\'' => {
                self.count(depth)?;
                let (value, end) = quoted(text)?;
                if !is_line_end(&text[end..]) {
                    return Err(Bail);
                }
                Ok(Node::Scalar(value, false))
            }
            _ => {
                self.count(depth)?;
                if !plain_start(text, false) {
                    return Err(Bail);
                }
                // Up to a comment; `: ` or a final `:` would make it a key.
                let b = text.as_bytes();
                let mut end = b.len();
                let mut i = 1;
                loop {
                    i = skip_to(b, i, BLOCK_STOP);
                    match b.get(i) {
                        None => break,
                        Some(b'#') if b[i - 1] == b' ' => {
                            end = i;
                            break;
                        }
                        Some(b' ') if b[i - 1] == b':' => return Err(Bail),
                        _ => i += 1,
                    }
                }
                let value = text[..end].trim_end_matches(' ');
                if value.ends_with(':') {
                    return Err(Bail);
                }
                Ok(Node::Scalar(Cow::Borrowed(value), true))
            }
        }
    }

    /// A flow collection or scalar inside a one-line flow collection.
    fn flow(&mut self, cur: &mut Cursor<'a>, depth: usize) -> R<Node<'a>> {
        self.count(depth)?;
        match cur.peek() {
            Some(b'[') => {
                cur.i += 1;
                let mut items = Vec::with_capacity(4);
                loop {
                    cur.skip_spaces();
                    if cur.peek() == Some(b']') {
                        cur.i += 1;
                        break;
                    }
                    items.push(self.flow(cur, depth + 1)?);
                    cur.skip_spaces();
                    match cur.peek() {
                        Some(b',') => cur.i += 1,
                        Some(b']') => {
                            cur.i += 1;
                            break;
                        }
                        // `[a: b]` (a one-pair mapping), comments, line ends: not here.
                        _ => return Err(Bail),
                    }
                }
                Ok(Node::Seq(items))
            }
            Some(b'{') => {
                cur.i += 1;
                let base = self.keys.len();
                let mut entries: Vec<(Node<'a>, Node<'a>)> = Vec::with_capacity(8);
                loop {
                    cur.skip_spaces();
                    if cur.peek() == Some(b'}') {
                        cur.i += 1;
                        break;
                    }
                    if matches!(cur.peek(), Some(b'[' | b'{')) {
                        return Err(Bail);
                    }
                    let key = self.flow(cur, depth + 1)?;
                    self.new_key(base, &key)?;
                    cur.skip_spaces();
                    // Only `key: value` (a space after the colon); `{a}`, `{a:b}` and
                    // `{"a":b}` mean other things in YAML.
                    if !cur.rest().starts_with(": ") {
                        return Err(Bail);
                    }
                    cur.i += 2;
                    cur.skip_spaces();
                    let value = match cur.peek() {
                        Some(b',' | b'}') => {
                            self.count(depth + 1)?;
                            null()
                        }
                        _ => self.flow(cur, depth + 1)?,
                    };
                    entries.push((key, value));
                    cur.skip_spaces();
                    match cur.peek() {
                        Some(b',') => cur.i += 1,
                        Some(b'}') => {
                            cur.i += 1;
                            break;
                        }
                        _ => return Err(Bail),
                    }
                }
                self.keys.truncate(base);
                Ok(Node::Map(entries))
            }
            Some(b'"' | b'\'') => {
                let (value, len) = quoted(cur.rest())?;
                cur.i += len;
                Ok(Node::Scalar(value, false))
            }
            Some(_) => {
                let rest = cur.rest();
                if !plain_start(rest, true) {
                    return Err(Bail);
                }
                let b = rest.as_bytes();
                let mut end = 0;
                loop {
                    end = skip_to(b, end, FLOW_STOP);
                    match b.get(end) {
                        None | Some(b',' | b'[' | b']' | b'{' | b'}') => break,
                        Some(b':')
                            if matches!(
                                b.get(end + 1),
                                None | Some(b' ' | b',' | b'[' | b']' | b'{' | b'}')
                            ) =>
                        {
                            break;
                        }
                        // A comment inside a flow collection: it continues on another line.
                        Some(b'#') if end > 0 && b[end - 1] == b' ' => return Err(Bail),
                        _ => end += 1,
                    }
                }
                let value = rest[..end].trim_end_matches(' ');
                if value.is_empty() {
                    return Err(Bail);
                }
                cur.i += end;
                Ok(Node::Scalar(Cow::Borrowed(value), true))
            }
            None => Err(Bail),
        }
    }
}

struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }
    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
}

/// Byte classes for [`skip_to`]: bytes a scan has to look at.
const FLOW_STOP: u8 = 1;
const BLOCK_STOP: u8 = 2;
const KEY_STOP: u8 = 4;

static STOPS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b',' as usize] = FLOW_STOP | KEY_STOP;
    t[b'[' as usize] = FLOW_STOP | KEY_STOP;
    t[b']' as usize] = FLOW_STOP | KEY_STOP;
    t[b'{' as usize] = FLOW_STOP | KEY_STOP;
    t[b'}' as usize] = FLOW_STOP | KEY_STOP;
    t[b':' as usize] = FLOW_STOP | KEY_STOP;
    t[b'#' as usize] = FLOW_STOP | BLOCK_STOP | KEY_STOP;
    t[b' ' as usize] = BLOCK_STOP;
    t
};

/// The first position at or after `i` whose byte is in `class` (or the length of `b`).
#[inline]
fn skip_to(b: &[u8], mut i: usize, class: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A zero byte of `v`, exact for the lowest one (borrows only run upwards).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    // Eight bytes at a time, flagging the bytes of the class (`[`/`{` and `]`/`}` differ
    // only in bit 5); the lowest flag is exact.
    while let Some(w) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        let flags = if class == BLOCK_STOP {
            zero(x ^ (ONES * u64::from(b'#'))) | zero(x ^ (ONES * u64::from(b' ')))
        } else {
            let folded = x | (ONES * 0x20);
            zero(x ^ (ONES * u64::from(b',')))
                | zero(x ^ (ONES * u64::from(b':')))
                | zero(x ^ (ONES * u64::from(b'#')))
                | zero(folded ^ (ONES * u64::from(b'{')))
                | zero(folded ^ (ONES * u64::from(b'}')))
        };
        if flags != 0 {
            return i + (flags.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && STOPS[usize::from(b[i])] & class == 0 {
        i += 1;
    }
    i
}

/// May a plain scalar start here? Indicators that would start something else (or an error)
/// are refused, and so are `?x` and `:x`, which are legal but never needed.
fn plain_start(s: &str, in_flow: bool) -> bool {
    let b = s.as_bytes();
    match b.first() {
        None => false,
        Some(
            b'[' | b']' | b'{' | b'}' | b',' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b'?' | b':',
        ) => false,
        Some(b'-') => match b.get(1) {
            None | Some(b' ' | b'#') => false,
            Some(b',' | b'[' | b']' | b'{' | b'}') => !in_flow,
            _ => true,
        },
        _ => true,
    }
}

/// Split a block mapping line into its key and the rest after `:`. `Ok(None)`: not a
/// `key: value` line; `Err`: a key the fast path does not handle.
fn split_key(text: &str) -> R<Option<(Node<'_>, &str)>> {
    let b = text.as_bytes();
    match b[0] {
        // A flow collection: a value (as a key it would be a complex key; `inline` refuses
        // the `:` after it).
        b'[' | b'{' => Ok(None),
        b'"' | b'\'' => {
            let Ok((key, end)) = quoted(text) else {
                return Err(Bail);
            };
            let after = text[end..].trim_start_matches(' ');
            let Some(rest) = after.strip_prefix(':') else {
                return Ok(None);
            };
            if !(rest.is_empty() || rest.starts_with(' ')) {
                return Err(Bail);
            }
            if key.len() > MAX_KEY || key == "<<" {
                return Err(Bail);
            }
            Ok(Some((Node::Scalar(key, false), rest)))
        }
        _ => {
            // The first `:` followed by a space or the line end separates the key, unless a
            // comment starts before it.
            // Flow indicators on the way make the key one the fast path does not take.
            let mut i = 0;
            let mut flowy = false;
            let sep = loop {
                i = skip_to(b, i, KEY_STOP);
                match b.get(i) {
                    None => return Ok(None),
                    Some(b':') if matches!(b.get(i + 1), None | Some(b' ')) => break i,
                    Some(b'#') if i > 0 && b[i - 1] == b' ' => return Ok(None),
                    Some(b'[' | b']' | b'{' | b'}' | b',') => {
                        flowy = true;
                        i += 1;
                    }
                    _ => i += 1,
                }
            };
            let key = text[..sep].trim_end_matches(' ');
            if flowy
                || key.is_empty()
                || key.len() > MAX_KEY
                || key == "<<"
                || !plain_start(key, false)
            {
                return Err(Bail);
            }
            Ok(Some((
                Node::Scalar(Cow::Borrowed(key), true),
                &text[sep + 1..],
            )))
        }
    }
}

/// A quoted scalar at the start of `s`, closed on the same line: its value and the byte
/// length it took (quotes included).
fn quoted(s: &str) -> R<(Cow<'_, str>, usize)> {
    let b = s.as_bytes();
    let q = b[0];
    let body = &s[1..];
    if q == b'\'' {
        let mut out: Option<String> = None;
        let mut start = 0;
        let bb = body.as_bytes();
        let mut i = 0;
        while i < bb.len() {
            if bb[i] == b'\'' {
                if bb.get(i + 1) == Some(&b'\'') {
                    let o = out.get_or_insert_with(String::new);
                    o.push_str(&body[start..=i]);
                    i += 2;
                    start = i;
                    continue;
                }
                let value = match out {
                    None => Cow::Borrowed(&body[..i]),
                    Some(mut o) => {
                        o.push_str(&body[start..i]);
                        Cow::Owned(o)
                    }
                };
                return Ok((value, i + 2));
            }
            i += 1;
        }
        return Err(Bail);
    }
    let bb = body.as_bytes();
    let mut out: Option<String> = None;
    let mut start = 0;
    let mut i = 0;
    while i < bb.len() {
        match bb[i] {
            b'"' => {
                let value = match out {
                    None => Cow::Borrowed(&body[..i]),
                    Some(mut o) => {
                        o.push_str(&body[start..i]);
                        Cow::Owned(o)
                    }
                };
                return Ok((value, i + 2));
            }
            b'\\' => {
                let o = out.get_or_insert_with(String::new);
                o.push_str(&body[start..i]);
                let (c, len) = escape(&bb[i + 1..])?;
                o.push(c);
                i += 1 + len;
                start = i;
            }
            _ => i += 1,
        }
    }
    Err(Bail)
}

/// The escape after a backslash: the character and how many bytes it took.
fn escape(b: &[u8]) -> R<(char, usize)> {
    let c = match b.first().ok_or(Bail)? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' | b'u' | b'U' => {
            let n = match b[0] {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = b.get(1..=n).ok_or(Bail)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err(Bail);
            }
            let hex = std::str::from_utf8(hex).map_err(|_| Bail)?;
            let v = u32::from_str_radix(hex, 16).map_err(|_| Bail)?;
            // Surrogates (and pairs of them) are left to the full parser.
            return Ok((char::from_u32(v).ok_or(Bail)?, 1 + n));
        }
        _ => return Err(Bail),
    };
    Ok((c, 1))
}

/// A fingerprint of a key for duplicate detection, coarser than serde-saphyr's (plain
/// integers by value, everything else by text, ignoring style): keys serde-saphyr sees as
/// duplicates always get equal prints, and a collision only costs a fallback.
fn key_print(key: &Node<'_>) -> u64 {
    let Node::Scalar(text, plain) = key else {
        return 0;
    };
    let int = if *plain && matches!(text.as_bytes().first(), Some(b'0'..=b'9' | b'+' | b'-')) {
        if text.starts_with('-') {
            parse_int_signed(text).map(|v| (v < 0, v.unsigned_abs()))
        } else {
            parse_int_unsigned(text).map(|v| (false, v))
        }
    } else {
        None
    };
    // FxHash-style, a word at a time.
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    match int {
        Some((neg, mag)) => mix(mix(mix(1, u64::from(neg)), mag as u64), (mag >> 64) as u64),
        None => {
            let b = text.as_bytes();
            let mut h = mix(2, b.len() as u64);
            for c in b.chunks_exact(8) {
                h = mix(h, u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
            }
            // The last (overlapping) word when there is one: no variable-length copy.
            let last = match b.len().checked_sub(8) {
                Some(start) => u64::from_le_bytes(b[start..].try_into().unwrap_or([0; 8])),
                None => b.iter().rev().fold(0u64, |w, &c| (w << 8) | u64::from(c)),
            };
            mix(h, last)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Scalar resolution, as serde-saphyr 2.1 `parse_scalars.rs` does it (legacy octal off)
// ---------------------------------------------------------------------------------------

fn yaml_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

fn is_nullish(text: &str, plain: bool) -> bool {
    plain && matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_yaml11_bool(s: &str) -> Option<bool> {
    let t = yaml_trim(s);
    if ["true", "yes", "y", "on"]
        .iter()
        .any(|w| t.eq_ignore_ascii_case(w))
    {
        Some(true)
    } else if ["false", "no", "n", "off"]
        .iter()
        .any(|w| t.eq_ignore_ascii_case(w))
    {
        Some(false)
    } else {
        None
    }
}

/// Digits with single underscores between them, in `radix`.
fn digits_u128(digits: &str, radix: u32) -> Option<u128> {
    let b = digits.as_bytes();
    let mut val: u128 = 0;
    let mut saw = false;
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            if i == 0 || b[i - 1] == b'_' || i + 1 >= b.len() || b[i + 1] == b'_' {
                return None;
            }
            continue;
        }
        let d = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'a'..=b'f' if radix > 10 => 10 + u32::from(c - b'a'),
            b'A'..=b'F' if radix > 10 => 10 + u32::from(c - b'A'),
            _ => return None,
        };
        if d >= radix {
            return None;
        }
        val = val
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))?;
        saw = true;
    }
    saw.then_some(val)
}

fn radix_and_digits(rest: &str) -> (u32, &str) {
    if let Some(r) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = rest.strip_prefix("0o").or_else(|| rest.strip_prefix("0O")) {
        (8, r)
    } else if let Some(r) = rest.strip_prefix("0b").or_else(|| rest.strip_prefix("0B")) {
        (2, r)
    } else {
        (10, rest)
    }
}

fn parse_int_signed(s: &str) -> Option<i128> {
    let t = yaml_trim(s);
    let (neg, rest) = match t.strip_prefix('+') {
        Some(r) => (false, r),
        None => match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t),
        },
    };
    let (radix, digits) = radix_and_digits(rest);
    if radix == 10 && digits.starts_with('0') && digits != "0" {
        return None;
    }
    let mag = digits_u128(digits, radix)?;
    if neg {
        if mag == (i128::MAX as u128) + 1 {
            Some(i128::MIN)
        } else {
            i128::try_from(mag).ok()?.checked_neg()
        }
    } else {
        i128::try_from(mag).ok()
    }
}

fn parse_int_unsigned(s: &str) -> Option<u128> {
    let t = yaml_trim(s);
    if t.starts_with('-') {
        return None;
    }
    let rest = t.strip_prefix('+').unwrap_or(t);
    let (radix, digits) = radix_and_digits(rest);
    if radix == 10 && digits.starts_with('0') && digits != "0" {
        return None;
    }
    digits_u128(digits, radix)
}

fn leading_zero_decimal(t: &str) -> bool {
    let s = yaml_trim(t);
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `parse_yaml12_float::<f64>`: `.inf`/`.nan` spellings, else Rust's parser, finite only.
fn parse_float(s: &str) -> Option<f64> {
    let t = yaml_trim(s);
    let (negative, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    match unsigned {
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        ".inf" | ".Inf" | ".INF" if negative => return Some(f64::NEG_INFINITY),
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `try_parse_float_incl_overflow`: also numerals that overflow to infinity.
fn parse_float_incl_overflow(s: &str) -> Option<f64> {
    if let Some(v) = parse_float(s) {
        return Some(v);
    }
    let t = yaml_trim(s);
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if !unsigned.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_infinite())
}

// ---------------------------------------------------------------------------------------
// serde::Deserializer over the tree, with serde_ignored's bookkeeping built in
// ---------------------------------------------------------------------------------------
//
// `serde_ignored` wraps a deserializer to report the path of every value deserialized as
// `IgnoredAny`; to build those paths it copies every map key into a `String`. The tree
// already holds the keys, so the same bookkeeping is done here without the copies: a
// [`Mode`] travels with each node and mirrors what `serde_ignored`'s wrappers would do
// around it, visit call for visit call, including its error for a key it cannot print.
// The differential tests in `tests/testsuite/yaml_fast.rs` compare the unknown keys with
// `serde_ignored` over serde-saphyr.

/// Path to a value, printed exactly as `serde_ignored::Path`.
enum Path<'p, 'a> {
    Root,
    Seq {
        parent: &'p Path<'p, 'a>,
        index: usize,
    },
    Map {
        parent: &'p Path<'p, 'a>,
        key: Cow<'a, str>,
    },
    /// Inside `Some` or a newtype struct (`serde_ignored` prints both as `?`).
    Some {
        parent: &'p Path<'p, 'a>,
    },
}

impl fmt::Display for Path<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Parent<'q, 'p, 'a>(&'q Path<'p, 'a>);
        impl fmt::Display for Parent<'_, '_, '_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0 {
                    Path::Root => Ok(()),
                    path => write!(f, "{path}."),
                }
            }
        }
        match self {
            Path::Root => f.write_str("."),
            Path::Seq { parent, index } => write!(f, "{}{}", Parent(parent), index),
            Path::Map { parent, key } => write!(f, "{}{}", Parent(parent), key),
            Path::Some { parent } => write!(f, "{}?", Parent(parent)),
        }
    }
}

/// What `serde_ignored` would have wrapped around a node.
enum Mode<'p, 'a> {
    /// Nothing: the inside of an ignored value.
    Untracked,
    /// A value at `path`: an `IgnoredAny` here is reported to `sink`.
    Tracked {
        path: Path<'p, 'a>,
        sink: &'p RefCell<Vec<String>>,
    },
    /// A map key: its text (or the number or boolean it turned into) goes to the slot, which
    /// names the value in the path.
    Key(&'p mut Option<Cow<'a, str>>),
}

impl<'p, 'a> Mode<'p, 'a> {
    /// The mode of a child of a node in this mode, `path` giving its place when tracked.
    fn child<'q>(&'q self, path: impl FnOnce(&'q Path<'p, 'a>) -> Path<'q, 'a>) -> Mode<'q, 'a> {
        match self {
            Mode::Tracked { path: p, sink } => Mode::Tracked {
                path: path(p),
                sink,
            },
            _ => Mode::Untracked,
        }
    }

    /// Record a key's printed form (`serde_ignored` keeps strings, integers and booleans).
    fn capture(&mut self, key: impl FnOnce() -> Cow<'a, str>) {
        if let Mode::Key(slot) = self {
            **slot = Some(key());
        }
    }
}

struct NodeDe<'a, 'de, 'p> {
    node: &'a Node<'de>,
    mode: Mode<'p, 'a>,
}

impl<'a, 'de, 'p> NodeDe<'a, 'de, 'p> {
    fn scalar(&self) -> R<(&'a Cow<'de, str>, bool)> {
        match self.node {
            Node::Scalar(t, plain) => Ok((t, *plain)),
            _ => Err(Bail),
        }
    }

    /// Text for a string-like target: any scalar except a plain null.
    fn string_text(&self) -> R<&'a Cow<'de, str>> {
        let (t, plain) = self.scalar()?;
        if is_nullish(t, plain) {
            return Err(Bail);
        }
        Ok(t)
    }

    fn visit_text<V: Visitor<'de>>(mut self, t: &'a Cow<'de, str>, visitor: V) -> R<V::Value> {
        self.mode.capture(|| Cow::Borrowed(t.as_ref()));
        match t {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_str(s),
        }
    }

    fn visit_seq<V: Visitor<'de>>(self, items: &'a [Node<'de>], visitor: V) -> R<V::Value> {
        let mut acc = SeqAcc {
            iter: items.iter(),
            index: 0,
            mode: &self.mode,
        };
        let v = visitor.visit_seq(&mut acc)?;
        if acc.iter.len() != 0 {
            return Err(Bail);
        }
        Ok(v)
    }

    fn visit_map<V: Visitor<'de>>(
        self,
        entries: &'a [(Node<'de>, Node<'de>)],
        visitor: V,
    ) -> R<V::Value> {
        let mut acc = MapAcc {
            iter: entries.iter(),
            value: None,
            key: None,
            mode: &self.mode,
        };
        let v = visitor.visit_map(&mut acc)?;
        // serde-saphyr insists that a visitor consumes the whole mapping.
        if acc.value.is_some() || acc.iter.len() != 0 {
            return Err(Bail);
        }
        Ok(v)
    }
}

macro_rules! signed {
    ($method:ident, $visit:ident, $ty:ty) => {
        fn $method<V: Visitor<'de>>(mut self, visitor: V) -> R<V::Value> {
            let (t, _) = self.scalar()?;
            let v = <$ty>::try_from(parse_int_signed(t).ok_or(Bail)?).map_err(|_| Bail)?;
            self.mode.capture(|| Cow::Owned(v.to_string()));
            visitor.$visit(v)
        }
    };
}

macro_rules! unsigned {
    ($method:ident, $visit:ident, $ty:ty) => {
        fn $method<V: Visitor<'de>>(mut self, visitor: V) -> R<V::Value> {
            let (t, _) = self.scalar()?;
            let v = <$ty>::try_from(parse_int_unsigned(t).ok_or(Bail)?).map_err(|_| Bail)?;
            self.mode.capture(|| Cow::Owned(v.to_string()));
            visitor.$visit(v)
        }
    };
}

impl<'a, 'de, 'p> de::Deserializer<'de> for NodeDe<'a, 'de, 'p> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(mut self, visitor: V) -> R<V::Value> {
        match self.node {
            Node::Seq(items) => self.visit_seq(items, visitor),
            Node::Map(entries) => self.visit_map(entries, visitor),
            Node::Scalar(t, false) => self.visit_text(t, visitor),
            Node::Scalar(t, true) => {
                if is_nullish(t, true) {
                    return visitor.visit_unit();
                }
                if let Some(b) = parse_yaml11_bool(t) {
                    self.mode.capture(|| Cow::Owned(b.to_string()));
                    return visitor.visit_bool(b);
                }
                let tt = yaml_trim(t);
                if tt.starts_with('-') {
                    if !leading_zero_decimal(tt)
                        && let Some(v) = parse_int_signed(tt).and_then(|v| i64::try_from(v).ok())
                    {
                        self.mode.capture(|| Cow::Owned(v.to_string()));
                        return visitor.visit_i64(v);
                    }
                } else if let Some(v) = parse_int_unsigned(tt).and_then(|v| u64::try_from(v).ok()) {
                    self.mode.capture(|| Cow::Owned(v.to_string()));
                    return visitor.visit_u64(v);
                }
                if let Some(v) = parse_float_incl_overflow(t) {
                    // serde-saphyr refuses non-finite floats where the type is unknown.
                    if !v.is_finite() {
                        return Err(Bail);
                    }
                    return visitor.visit_f64(v);
                }
                self.visit_text(t, visitor)
            }
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(mut self, visitor: V) -> R<V::Value> {
        let (t, _) = self.scalar()?;
        let b = parse_yaml11_bool(t).ok_or(Bail)?;
        self.mode.capture(|| Cow::Owned(b.to_string()));
        visitor.visit_bool(b)
    }

    signed!(deserialize_i8, visit_i8, i8);
    signed!(deserialize_i16, visit_i16, i16);
    signed!(deserialize_i32, visit_i32, i32);
    signed!(deserialize_i64, visit_i64, i64);
    signed!(deserialize_i128, visit_i128, i128);
    unsigned!(deserialize_u8, visit_u8, u8);
    unsigned!(deserialize_u16, visit_u16, u16);
    unsigned!(deserialize_u32, visit_u32, u32);
    unsigned!(deserialize_u64, visit_u64, u64);
    unsigned!(deserialize_u128, visit_u128, u128);

    fn deserialize_f32<V: Visitor<'de>>(self, _visitor: V) -> R<V::Value> {
        Err(Bail)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        let (t, _) = self.scalar()?;
        visitor.visit_f64(parse_float(t).ok_or(Bail)?)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        let t = self.string_text()?;
        let mut it = t.chars();
        match (it.next(), it.next()) {
            (Some(c), None) => visitor.visit_char(c),
            _ => Err(Bail),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        let t = self.string_text()?;
        self.visit_text(t, visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        let t = self.string_text()?;
        self.visit_text(t, visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> R<V::Value> {
        Err(Bail)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> R<V::Value> {
        Err(Bail)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.node {
            Node::Scalar(t, plain) if is_nullish(t, *plain) => visitor.visit_none(),
            // serde_ignored tracks the inside as `parent.?`; a key's capture stops here.
            node => visitor.visit_some(NodeDe {
                node,
                mode: self.mode.child(|parent| Path::Some { parent }),
            }),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.node {
            Node::Scalar(t, plain) if is_nullish(t, *plain) => visitor.visit_unit(),
            _ => Err(Bail),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> R<V::Value> {
        match self.node {
            Node::Map(entries) if entries.is_empty() => visitor.visit_unit(),
            _ => self.deserialize_unit(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> R<V::Value> {
        // serde-saphyr's own wrapper types (spans, anchors, comments) are its business.
        if name.starts_with("__yaml") {
            return Err(Bail);
        }
        match self.mode {
            // serde_ignored goes on capturing a key inside a newtype.
            Mode::Key(_) => visitor.visit_newtype_struct(self),
            ref mode => visitor.visit_newtype_struct(NodeDe {
                node: self.node,
                mode: mode.child(|parent| Path::Some { parent }),
            }),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.node {
            Node::Seq(items) => self.visit_seq(items, visitor),
            _ => Err(Bail),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> R<V::Value> {
        Err(Bail)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> R<V::Value> {
        Err(Bail)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.node {
            Node::Map(entries) => self.visit_map(entries, visitor),
            _ => Err(Bail),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> R<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        mut self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> R<V::Value> {
        // Unit variants written as a scalar (any style; the text is the variant name).
        match self.node {
            Node::Scalar(t, _) => {
                // serde_ignored captures the variant name a key's seed reads.
                self.mode.capture(|| Cow::Borrowed(t.as_ref()));
                visitor.visit_enum(UnitVariant { name: t })
            }
            _ => Err(Bail),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match &self.mode {
            // Reported, and nothing inside is tracked.
            Mode::Tracked { path, sink } => {
                sink.borrow_mut().push(path.to_string());
                NodeDe {
                    node: self.node,
                    mode: Mode::Untracked,
                }
                .deserialize_any(visitor)
            }
            // A key goes on being captured.
            _ => self.deserialize_any(visitor),
        }
    }
}

struct SeqAcc<'a, 'de, 'm, 'p> {
    iter: std::slice::Iter<'a, Node<'de>>,
    index: usize,
    mode: &'m Mode<'p, 'a>,
}

impl<'a, 'de, 'm, 'p> de::SeqAccess<'de> for SeqAcc<'a, 'de, 'm, 'p> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> R<Option<T::Value>> {
        let index = self.index;
        self.index += 1;
        match self.iter.next() {
            Some(node) => seed
                .deserialize(NodeDe {
                    node,
                    mode: self.mode.child(|parent| Path::Seq { parent, index }),
                })
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct MapAcc<'a, 'de, 'm, 'p> {
    iter: std::slice::Iter<'a, (Node<'de>, Node<'de>)>,
    value: Option<&'a Node<'de>>,
    /// The current key as serde_ignored would have captured it (tracked maps only).
    key: Option<Cow<'a, str>>,
    mode: &'m Mode<'p, 'a>,
}

impl<'a, 'de, 'm, 'p> de::MapAccess<'de> for MapAcc<'a, 'de, 'm, 'p> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> R<Option<K::Value>> {
        if self.value.is_some() {
            return Err(Bail);
        }
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some(v);
                let mode = match self.mode {
                    Mode::Tracked { .. } => Mode::Key(&mut self.key),
                    _ => Mode::Untracked,
                };
                seed.deserialize(NodeDe { node: k, mode }).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> R<T::Value> {
        let node = self.value.take().ok_or(Bail)?;
        let mode = match self.mode {
            // serde_ignored fails on a key it could not capture ("non-string key").
            Mode::Tracked { path, sink } => Mode::Tracked {
                path: Path::Map {
                    parent: path,
                    key: self.key.take().ok_or(Bail)?,
                },
                sink,
            },
            _ => Mode::Untracked,
        };
        seed.deserialize(NodeDe { node, mode })
    }
}

struct UnitVariant<'a, 'de> {
    name: &'a Cow<'de, str>,
}

impl<'a, 'de> de::EnumAccess<'de> for UnitVariant<'a, 'de> {
    type Error = Bail;
    type Variant = Self;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> R<(T::Value, Self)> {
        let v = match self.name {
            Cow::Borrowed(s) => {
                seed.deserialize(de::value::BorrowedStrDeserializer::<Bail>::new(s))?
            }
            Cow::Owned(s) => seed.deserialize(s.as_str().into_deserializer())?,
        };
        Ok((v, self))
    }
}

impl<'a, 'de> de::VariantAccess<'de> for UnitVariant<'a, 'de> {
    type Error = Bail;

    fn unit_variant(self) -> R<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> R<T::Value> {
        Err(Bail)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> R<V::Value> {
        Err(Bail)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> R<V::Value> {
        Err(Bail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FrontMatter, NoticeKind, VillageConfig, VillageKind};

    fn s(t: &str) -> Node<'_> {
        Node::Scalar(Cow::Borrowed(t), true)
    }
    fn q(t: &str) -> Node<'_> {
        Node::Scalar(Cow::Borrowed(t), false)
    }
    fn map<'a>(es: Vec<(&'a str, Node<'a>)>) -> Node<'a> {
        Node::Map(es.into_iter().map(|(k, v)| (s(k), v)).collect())
    }

    #[test]
    fn block_mappings_sequences_and_compact_items() {
        let y = "\
# a comment line
a: 1
b:
  c: x y   # trailing comment
  d: 'it''s'

e:
  - p
  -   f: \"q\\\"r\"
      g: ~
  -
    h: 2
  - - n1
    - n2
i:
- j
-
k:
";
        let t = parse_tree(y).unwrap();
        let expected = map(vec![
            ("a", s("1")),
            (
                "b",
                map(vec![
                    ("c", s("x y")),
                    ("d", Node::Scalar(Cow::Owned("it's".into()), false)),
                ]),
            ),
            (
                "e",
                Node::Seq(vec![
                    s("p"),
                    map(vec![
                        ("f", Node::Scalar(Cow::Owned("q\"r".into()), false)),
                        ("g", s("~")),
                    ]),
                    map(vec![("h", s("2"))]),
                    Node::Seq(vec![s("n1"), s("n2")]),
                ]),
            ),
            ("i", Node::Seq(vec![s("j"), s("~")])),
            ("k", s("~")),
        ]);
        assert_eq!(t, expected);
    }

    #[test]
    fn one_line_flow_collections() {
        let y = "a: {b: c, 'd': \"e\", f: [1, [2, 3], {g: h}], i: , j: https://x.cn/a?b=c}\nk: []\nl: {}\n";
        let t = parse_tree(y).unwrap();
        let expected = map(vec![
            (
                "a",
                Node::Map(vec![
                    (s("b"), s("c")),
                    (q("d"), q("e")),
                    (
                        s("f"),
                        Node::Seq(vec![
                            s("1"),
                            Node::Seq(vec![s("2"), s("3")]),
                            map(vec![("g", s("h"))]),
                        ]),
                    ),
                    (s("i"), s("~")),
                    (s("j"), s("https://x.cn/a?b=c")),
                ]),
            ),
            ("k", Node::Seq(vec![])),
            ("l", Node::Map(vec![])),
        ]);
        assert_eq!(t, expected);
    }

    #[test]
    fn plain_scalars_keep_what_yaml_keeps() {
        let t = parse_tree("a: x#y\nb: 中文：冒号\nc: a,b [c] {d}\nd: 08:30\ne: x :y\n").unwrap();
        assert_eq!(
            t,
            map(vec![
                ("a", s("x#y")),
                ("b", s("中文：冒号")),
                ("c", s("a,b [c] {d}")),
                ("d", s("08:30")),
                ("e", s("x :y")),
            ])
        );
    }

    #[test]
    fn double_quoted_escapes() {
        let t = parse_tree(r#"a: "\u4e2d\x41\t\\\/\"\N\_ ""#).unwrap();
        assert_eq!(
            t,
            map(vec![(
                "a",
                Node::Scalar(Cow::Owned("中A\t\\/\"\u{85}\u{a0} ".into()), false)
            )])
        );
    }

    #[test]
    fn everything_else_bails() {
        for y in [
            // anchors, aliases, tags, merge keys
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: !tag x\n",
            "<<: {a: 1}\n",
            // block scalars
            "a: |\n  x\n",
            "a: >-\n  x\n",
            // multi-line scalars and flows
            "a: x\n  y\n",
            "a: \"x\n  y\"\n",
            "a: 'x\n  y'\n",
            "a: [x,\n  y]\n",
            "a: {x: 1,\n  y: 2}\n",
            "- a\n  b\n",
            "a:\n  just text\n",
            // complex keys, flow keys, directives, document markers
            "? a\n: b\n",
            "[a]: b\n",
            "{a: 1}: b\n",
            "%YAML 1.2\n---\na: 1\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "a: 1\n---\nb: 2\n",
            // tabs, CR, BOM, control characters
            "a:\t1\n",
            "a:\n\tb: 1\n",
            "a: 1\r\n",
            "\u{feff}a: 1\n",
            "a: x\u{7}\n",
            "a: x\u{85}y\n",
            // duplicate keys (also through quoting and integer spelling)
            "a: 1\na: 2\n",
            "a: 1\n\"a\": 2\n",
            "m: {1: x, 0x1: y}\n",
            "m: {a: x, 'a': y}\n",
            // odd indentation
            "a:\n    b: 1\n  c: 2\n",
            " a: 1\n",
            "a: 1\n b: 2\n",
            "- a: 1\n b: 2\n",
            "a:\n  - x\n - y\n",
            // syntax errors and things that mean something else
            "a: b: c\n",
            "a: b:\n",
            "a: - x\n",
            "a: -\n",
            "a: \"x\" y\n",
            "a: \"x\"#c\n",
            "a: [x] y\n",
            "a: [x: y]\n",
            "a: {x}\n",
            "a: {x:y}\n",
            "a: {\"x\":y}\n",
            "a: [x, , y]\n",
            "a: [x # c]\n",
            "a: ,x\n",
            "a: ]\n",
            "a: @x\n",
            "a: `x`\n",
            "a: %x\n",
            "a: ?x\n",
            "a: :x\n",
            "a: \"\\q\"\n",
            "a: \"\\ud800\"\n",
            "a #c: 1\n",
            "just a scalar\n",
            "- a\n- b\nc: 1\n",
            "# only a comment\n",
        ] {
            assert!(parse_tree(y).is_none(), "should bail: {y:?}");
        }
    }

    /// [`plain_lines`] as it was first written: a byte at a time, then `split('\n')`.
    fn plain_lines_reference(yaml: &str) -> Option<Vec<(usize, &str)>> {
        let b = yaml.as_bytes();
        let mut i = 0;
        while let Some(off) = b[i..].iter().position(|&c| SUSPECT[usize::from(c)]) {
            let j = i + off;
            if suspect_is_bad(b, j) {
                return None;
            }
            i = j + 1;
        }
        let mut lines = Vec::new();
        for raw in yaml.split('\n') {
            let text = raw.trim_start_matches(' ');
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let indent = raw.len() - text.len();
            if indent == 0 && (text.starts_with("---") || text.starts_with("...")) {
                return None;
            }
            lines.push((indent, text.trim_end_matches(' ')));
        }
        Some(lines)
    }

    proptest::proptest! {
        /// The word-at-a-time line split refuses and splits exactly what the byte-at-a-time
        /// one does, at every alignment.
        #[test]
        fn plain_lines_match_the_reference(
            y in "([a-z:#\\- .]{1,12}|\n|  |\t|\r|\u{1}|\u{7f}|\u{85}|\u{a0}|\u{2028}|\u{2029}|“|，|：|\u{feff}|\u{fffe}|\u{ffff}|\u{fffd}|村民委员会|---|\\.\\.\\.){0,40}"
        ) {
            let ours = plain_lines(&y).map(|ls| ls.iter().map(|l| (l.indent, l.text)).collect::<Vec<_>>());
            proptest::prop_assert_eq!(ours, plain_lines_reference(&y), "{:?}", y);
        }
    }

    proptest::proptest! {
        /// The word-at-a-time scan stops where the byte-class table says, for every class.
        #[test]
        fn skip_to_matches_the_table(
            t in "([a-z_ ]{1,9}|[,:#\\[\\]{}]|\\{|\\}|;|\\x5b|\\x7b|\\x7f|村民委员会|“|：|，|\u{ff5b}|\u{ff5d}){0,24}",
            from in 0usize..40,
        ) {
            let b = t.as_bytes();
            let from = from.min(b.len());
            for class in [FLOW_STOP, BLOCK_STOP, KEY_STOP] {
                let mut want = from;
                while want < b.len() && STOPS[usize::from(b[want])] & class == 0 {
                    want += 1;
                }
                proptest::prop_assert_eq!(skip_to(b, from, class), want, "{:?} {}", t, class);
            }
        }
    }

    #[test]
    fn deep_nesting_bails() {
        let mut y = String::new();
        for i in 0..40 {
            y.push_str(&" ".repeat(i));
            y.push_str("a:\n");
        }
        assert!(parse_tree(&y).is_none());
        let deep_flow = format!("a: {}{}\n", "[".repeat(40), "]".repeat(40));
        assert!(parse_tree(&deep_flow).is_none());
    }

    #[test]
    fn typed_values_and_unknown_keys() {
        let y = "类型: 候选人公示\ntitle: \"x\"\nseal: yes\nposted: {from: 2026-11-22, to: 2026-02-30}\nprivate: {备注: [1, 2]}\ntitel: x\ncandidates:\n  - {姓名: 王, birth: \"1980-05\", incumbent: false, foo: 1}\nfindings:\n  - {id: 1, amount_yuan: 7500}\n  - {id: 一}\n";
        let (fm, unknown) = parse::<FrontMatter>(y).unwrap();
        assert_eq!(fm.kind, Some(NoticeKind::Candidates));
        assert_eq!(fm.seal, Some(true));
        assert_eq!(
            fm.posted.as_ref().unwrap().to.as_ref().unwrap().to_string(),
            "2026-02-30"
        );
        assert_eq!(fm.candidates[0].name.as_deref(), Some("王"));
        assert_eq!(fm.findings[0].amount_yuan, Some(7500.0));
        assert_eq!(unknown, ["private.?", "titel", "candidates.0.foo"]);

        let (v, _) =
            parse::<VillageConfig>("name: 张庄村\nkind: 社区\nseats: {主任: 1, 委员: 3}\n")
                .unwrap();
        assert_eq!(v.kind, VillageKind::Community);
        assert_eq!(v.seats.get("委员"), Some(&3));
    }

    /// The fast path as it was before it tracked unknown keys itself: `serde_ignored`
    /// around the untracked deserializer.
    fn parse_via_serde_ignored<T: DeserializeOwned>(yaml: &str) -> Option<(T, Vec<String>)> {
        let root = parse_tree(yaml)?;
        let mut unknown = Vec::new();
        let de = NodeDe {
            node: &root,
            mode: Mode::Untracked,
        };
        let value = serde_ignored::deserialize(de, |p| unknown.push(p.to_string())).ok()?;
        Some((value, unknown))
    }

    fn same_as_serde_ignored<T: DeserializeOwned + serde::Serialize>(y: &str) {
        let ours = parse::<T>(y).map(|(v, u)| (serde_json::to_string(&v).unwrap(), u));
        let theirs =
            parse_via_serde_ignored::<T>(y).map(|(v, u)| (serde_json::to_string(&v).unwrap(), u));
        assert_eq!(ours, theirs, "{y}");
    }

    #[test]
    fn unknown_key_tracking_matches_serde_ignored() {
        for y in [
            "titel: x\n",
            "private: {1: x, 1.5: y, ~: z, true: w, [a]: b}\n",
            "private: x\n",
            "private: ~\n",
            "内部: [1, {a: b}]\n",
            "1.5: x\n",
            "~: x\n",
            "true: x\n",
            "0x1F: x\n",
            "\"a\\tb\": 1\n",
            "'it''s': 1\n",
            "candidates:\n  - {name: x, 1: y, true: z, foo: {a: b}}\n  - 姓名: y\n    bar: [1, 2]\n",
            "findings: [{id: {a: 1}}]\n",
            "findings: [{id: {1.5: 1}}]\n",
            "findings: [{id: [1]}, {id: 一, x: 1}]\n",
            "objection: {channels: [{phone: 1, fax: 2}], y: ~}\n",
            "revisions: [{on: 2026-01-01, x: [1, {y: 2}]}]\n",
            "posted: {from: 2026-01-01, 2: x}\n",
            "kind: candidates\nbody: 党支部\nposter: {paper: A3, size: 2}\n",
            "registration: {total: 1, ~: 2}\n",
            "election: {posts: [a, b], when: {a: 1}}\n",
        ] {
            same_as_serde_ignored::<FrontMatter>(y);
        }
        for y in [
            "seats: {1: 2, 主任: 1}\nfoo: 1\n",
            "seats: {true: 2}\n",
            "seats: {1.5: 2}\n",
            "contacts:\n  - {label: x, phone: \"1\", fax: 2}\n",
            "kind: 社区\nnmae: x\n",
        ] {
            same_as_serde_ignored::<VillageConfig>(y);
        }
        for y in [
            "posters: {candidates: {paper: A3, foo: 1}, 1: {}}\n",
            "profile: {committee_size: {village: {min: 1, max: 2, x: 3}}, y: 1}\n",
            "election: {term: 十二, year: 2026, z: [1]}\n",
        ] {
            same_as_serde_ignored::<crate::model::SiteConfig>(y);
        }
    }

    #[test]
    fn type_errors_bail_instead_of_failing() {
        for y in [
            "seal: maybe\n",
            "kind: 公示\n",
            "candidates:\n",
            "posted: [2026-11-22, 2026-12-01]\n",
            "title: ~\nissued_on: [x]\n",
            "findings:\n  - {id: 1.5}\n",
            "findings:\n  - {id: yes}\n",
            "private: {x: .inf}\n",
            "private: {x: 1e999}\n",
            "figures_yuan: {income: .inf, expenditure: 1e999}\n",
        ] {
            assert!(parse::<FrontMatter>(y).is_none(), "should bail: {y:?}");
        }
        // …and the full parser does report these (so bailing loses nothing).
        for y in [
            "seal: maybe\n",
            "findings:\n  - {id: yes}\n",
            "private: {x: .inf}\n",
        ] {
            assert!(
                crate::yaml::parse_saphyr::<FrontMatter>(y).is_err(),
                "serde-saphyr accepts {y:?}"
            );
        }
    }

    #[test]
    fn scalar_resolution_follows_serde_saphyr() {
        assert_eq!(parse_int_unsigned("1_000"), Some(1000));
        assert_eq!(parse_int_unsigned("01"), None);
        assert_eq!(parse_int_unsigned("0x1F"), Some(31));
        assert_eq!(parse_int_unsigned("+3"), Some(3));
        assert_eq!(parse_int_signed("-0o17"), Some(-15));
        assert_eq!(parse_int_signed("1__0"), None);
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float("inf"), None);
        assert_eq!(parse_float("-.inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float_incl_overflow("1e999"), Some(f64::INFINITY));
        assert_eq!(parse_float_incl_overflow("infinity"), None);
        assert_eq!(parse_yaml11_bool("On"), Some(true));
        assert_eq!(parse_yaml11_bool("n"), Some(false));
    }
}
