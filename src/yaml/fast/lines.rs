//! Lines: the content lines of a file and the bytes that make it leave the fast path.

/// The content lines of `yaml` (no blank or comment lines), or `None` when the text is not
/// plain (see [`suspect_is_bad`]) or has a document marker.
pub(super) fn plain_lines(yaml: &str) -> Option<Vec<Line<'_>>> {
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
pub(super) fn next_stop(b: &[u8], mut i: usize) -> usize {
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
pub(super) static SUSPECT: [bool; 256] = {
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
pub(super) fn suspect_is_bad(b: &[u8], j: usize) -> bool {
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
pub(super) struct Line<'a> {
    /// Column of the first content character (spaces only).
    pub(super) indent: usize,
    /// The line from that column, trailing spaces removed; never empty, never a comment.
    pub(super) text: &'a str,
}
