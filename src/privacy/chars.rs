//! What a reader sees of each character: digits of every kind, gaps (spaces, separators,
//! invisible characters), and in HTML the tags and character references text may hold.

/// Value and byte length of the digit starting at `b[i]`: ASCII, full-width (`EF BC 90..99`)
/// or mathematical (U+1D7CE–U+1D7FF, `F0 9D 9F 8E..BF`).
#[inline]
pub(super) fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
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
pub(super) enum Class {
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

pub(super) fn class_of(c: char) -> Class {
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

/// Tags after which text starts on a new line: they end a chain. `name` is lowercase.
pub(super) fn is_block_tag(name: &[u8]) -> bool {
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
    pub(super) fn as_bytes(&self) -> &[u8] {
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
pub(super) const GAP_REFERENCES: &[(&str, char)] = &[
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

/// The class of an ASCII byte, without decoding a character.
#[inline]
pub(super) fn ascii_class(c: u8) -> Class {
    match c {
        b'0'..=b'9' => Class::Digit(c - b'0'),
        b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => Class::Space,
        b'-' | b'.' | b'\\' | b'*' => Class::Sep,
        b'X' | b'x' => Class::Check,
        0..=0x1F | 0x7F => Class::Invisible,
        _ => Class::Other,
    }
}
