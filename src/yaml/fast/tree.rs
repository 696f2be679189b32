//! The tree: block and flow collections and scalars of the fast subset, parsed from lines.

use super::*;

pub(super) fn parse_tree(yaml: &str) -> Option<Node<'_>> {
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

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    nodes: usize,
    /// Key fingerprints of the mappings being parsed, innermost last (see [`key_print`]).
    keys: Vec<u64>,
}

pub(super) fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Rest of a line after a value: nothing, or a comment after at least one space.
pub(super) fn is_line_end(rest: &str) -> bool {
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

pub(super) struct Cursor<'a> {
    pub(super) s: &'a str,
    pub(super) i: usize,
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
pub(super) const FLOW_STOP: u8 = 1;
pub(super) const BLOCK_STOP: u8 = 2;
pub(super) const KEY_STOP: u8 = 4;

pub(super) static STOPS: [u8; 256] = {
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
pub(super) fn skip_to(b: &[u8], mut i: usize, class: u8) -> usize {
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
pub(super) fn plain_start(s: &str, in_flow: bool) -> bool {
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
pub(super) fn split_key(text: &str) -> R<Option<(Node<'_>, &str)>> {
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
pub(super) fn quoted(s: &str) -> R<(Cow<'_, str>, usize)> {
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
pub(super) fn escape(b: &[u8]) -> R<(char, usize)> {
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
pub(super) fn key_print(key: &Node<'_>) -> u64 {
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
