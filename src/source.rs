//! Reading content files: size limits, encodings (UTF-8 with or without BOM, GBK), line
//! endings, and splitting a notice into front matter and body.

use std::path::Path;

use crate::diag::{Diagnostics, Pos};

/// Larger content files are refused: a notice is a page of text, not a data dump.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Read a text file as UTF-8 with `\n` line endings. Problems become diagnostics. `len` is
/// the file's size when the caller already knows it (from the folder scan).
pub fn read_text(abs: &Path, rel: &Path, len: Option<u64>, diags: &Diagnostics) -> Option<String> {
    let cannot = |e: std::io::Error| {
        diags.error(
            rel,
            Pos::default(),
            format!("无法读取文件：{}", io_zh(&e)),
            if e.to_string() == NOT_REGULAR {
                "请删除这个特殊文件，或换成一个普通的文本文件。"
            } else {
                "请检查文件是否存在、是否有读取权限。"
            },
        );
    };
    // One open, one read, one close: a province has 200,000 files, so system calls add up.
    let mut file = open_regular(abs).map_err(cannot).ok()?;
    let len = match len {
        Some(l) => l,
        None => file.metadata().map_err(cannot).ok()?.len(),
    };
    if len > MAX_FILE_BYTES {
        diags.error(
            rel,
            Pos::default(),
            format!(
                "文件太大（{:.1} MB），超过了每个文件 {} MB 的上限。",
                len as f64 / 1048576.0,
                MAX_FILE_BYTES / 1048576
            ),
            "公告正文应是一页文字。请删去多余内容；大的附件（如扫描件）请作为图片或 PDF 放在村文件夹里再引用。",
        );
        return None;
    }
    let mut bytes = Vec::new();
    read_limited(&mut file, &mut bytes, len)
        .map_err(cannot)
        .ok()?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        diags.error(
            rel,
            Pos::default(),
            "文件太大，超过了每个文件 4 MB 的上限。",
            "公告正文应是一页文字。请删去多余内容。",
        );
        return None;
    }
    // Plain UTF-8 without a byte-order mark, NUL or CR (the usual case) is checked with
    // SIMD (simdutf8 and memchr: both already in the build through encoding_rs and regex,
    // and several times cheaper than the scalar checks on CJK text) and copied once.
    // Anything else takes the careful way.
    if !bytes.starts_with(&[0xEF, 0xBB, 0xBF])
        && memchr::memchr2(b'\0', b'\r', &bytes).is_none()
        && let Ok(text) = simdutf8::basic::from_utf8(&bytes)
    {
        return Some(text.to_owned());
    }
    match String::from_utf8(bytes) {
        Ok(text) if !text.starts_with('\u{feff}') && !text.contains('\0') => {
            Some(normalize_newlines(text))
        }
        Ok(text) => decode(text.as_bytes(), rel, diags),
        Err(e) => decode(e.as_bytes(), rel, diags),
    }
}

/// Open `path` for reading only if it is a regular file. A FIFO, socket or device is refused
/// without blocking (opening a FIFO waits for a writer: a build would hang).
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    let f = o.open(path)?;
    if !f.metadata()?.file_type().is_file() {
        return Err(std::io::Error::other(NOT_REGULAR));
    }
    Ok(f)
}

const NOT_REGULAR: &str = "不是普通文件（是文件夹、管道、设备等特殊文件）";

/// The first bytes of a regular file (for checking its type).
pub fn read_head(path: &Path, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read as _;
    let mut f = open_regular(path)?;
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Read `file` to its end, but never more than [`MAX_FILE_BYTES`] + 1 bytes (the limit holds
/// even if the file grows while it is read). `expected` is its size when it was listed: a
/// short read that brings exactly that much is the end of a regular file, which saves the
/// read that would return nothing. A file that changed size meanwhile is read to its end.
pub fn read_limited(
    file: &mut impl std::io::Read,
    buf: &mut Vec<u8>,
    expected: u64,
) -> std::io::Result<()> {
    let limit = MAX_FILE_BYTES as usize + 1;
    buf.clear();
    buf.reserve((expected as usize).min(limit) + 1);
    loop {
        if buf.len() >= limit {
            return Ok(());
        }
        if buf.len() == buf.capacity() {
            buf.reserve(8192);
        }
        let start = buf.len();
        let want = (buf.capacity() - start).min(limit - start);
        buf.resize(start + want, 0);
        match file.read(&mut buf[start..]) {
            Ok(0) => {
                buf.truncate(start);
                return Ok(());
            }
            Ok(n) => {
                buf.truncate(start + n);
                if n < want && buf.len() as u64 == expected {
                    return Ok(());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(start),
            Err(e) => {
                buf.truncate(start);
                return Err(e);
            }
        }
    }
}

pub fn decode(bytes: &[u8], rel: &Path, diags: &Diagnostics) -> Option<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        diags.error(
            rel,
            Pos::default(),
            "文件是 UTF-16 编码，无法读取。",
            "请用记事本或 WPS 打开后“另存为”，编码选择 UTF-8。",
        );
        return None;
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    if bytes.contains(&0) {
        diags.error(
            rel,
            Pos::default(),
            "文件里有二进制内容（空字节），不是文本文件。",
            "请确认这是用文本编辑器写的 .md 或 .yaml 文件，而不是 Word 文档或图片改了扩展名。",
        );
        return None;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (cow, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                diags.error(
                    rel,
                    Pos::default(),
                    "文件既不是 UTF-8 编码，也不是 GBK 编码，无法读取。",
                    "请用记事本或 WPS 打开后“另存为”，编码选择 UTF-8。",
                );
                return None;
            }
            diags.warning(
                rel,
                Pos::default(),
                "文件是 GBK 编码，已按 GBK 读取。",
                "建议用记事本或 WPS“另存为”UTF-8 编码，以免在别的电脑上出现乱码。",
            );
            cow.into_owned()
        }
    };
    Some(normalize_newlines(text))
}

fn normalize_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

pub fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "文件不存在".into(),
        PermissionDenied => "没有权限".into(),
        IsADirectory => "这是一个文件夹".into(),
        _ => format!("{e}"),
    }
}

/// A notice split into its parts.
#[derive(Debug)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Line of the file where the YAML starts (1-based).
    pub yaml_line: usize,
    pub body: &'a str,
    /// Line of the file where the body starts (1-based).
    pub body_line: usize,
}

/// Split `---\nyaml\n---\nbody`. Errors are Chinese messages with a position.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (Pos, &'static str, &'static str)> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err((
            Pos::new(1, 1),
            "文件开头没有 front matter（第一行应为 ---）。",
            "公告文件的第一行写 ---，接着写标题、文号等信息，再用一行 --- 结束，然后写正文。可用 gongshi new notice 生成样板。",
        ));
    }
    let yaml_start = first.len() + 1;
    let mut offset = yaml_start.min(text.len());
    // Line by line (`split_inclusive('\n')`, with memchr finding the line ends); only a line
    // starting with `---` or `...` can be the end marker.
    let base = offset;
    let mut ends = memchr::memchr_iter(b'\n', &text.as_bytes()[base..]);
    let mut line_no = 2;
    while offset < text.len() {
        let end = ends.next().map_or(text.len(), |i| base + i + 1);
        let line = &text[offset..end];
        if line.starts_with("---") || line.starts_with("...") {
            let l = line.trim_end_matches('\n').trim_end();
            if l == "---" || l == "..." {
                let yaml = &text[yaml_start.min(text.len())..offset];
                let body_start = offset + line.len();
                return Ok(Split {
                    yaml,
                    yaml_line: 2,
                    body: &text[body_start.min(text.len())..],
                    body_line: line_no + 1,
                });
            }
        }
        offset = end;
        line_no += 1;
    }
    Err((
        Pos::new(1, 1),
        "front matter 没有结束：找不到第二行 ---。",
        "请在标题、文号等信息之后、正文之前单独写一行 ---。",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_load() {
        let d = Diagnostics::new();
        let t = decode(
            b"\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\nbody\r\n",
            Path::new("a.md"),
            &d,
        )
        .unwrap();
        assert_eq!(t, "---\ntitle: x\n---\nbody\n");
        let s = split_front_matter(&t).unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
        assert!(!d.has_errors());
    }

    #[test]
    fn gbk_is_decoded_with_a_warning() {
        let d = Diagnostics::new();
        let (gbk, _, _) = encoding_rs::GBK.encode("标题：张庄村公告");
        let t = decode(&gbk, Path::new("a.md"), &d).unwrap();
        assert_eq!(t, "标题：张庄村公告");
        let all = d.into_sorted();
        assert_eq!(all.len(), 1);
        assert!(all[0].message.contains("GBK"));
    }

    /// `split_front_matter` as it was first written.
    fn split_reference(text: &str) -> Option<(&str, &str, usize)> {
        let first = text.lines().next().unwrap_or("");
        if first.trim_end() != "---" {
            return None;
        }
        let yaml_start = first.len() + 1;
        let mut offset = yaml_start.min(text.len());
        for (line_no, line) in (2..).zip(text[offset..].split_inclusive('\n')) {
            let l = line.trim_end_matches('\n').trim_end();
            if l == "---" || l == "..." {
                let body_start = offset + line.len();
                return Some((
                    &text[yaml_start.min(text.len())..offset],
                    &text[body_start.min(text.len())..],
                    line_no + 1,
                ));
            }
            offset += line.len();
        }
        None
    }

    proptest::proptest! {
        #[test]
        fn split_matches_the_reference(
            t in "(---\n|--- \n|---)?(---|\\.\\.\\.|----|-- -|\\.\\.|x|标题: 张庄|\u{3000}| |\t|\r|\n){0,24}"
        ) {
            let ours = split_front_matter(&t).ok().map(|s| (s.yaml, s.body, s.body_line));
            proptest::prop_assert_eq!(ours, split_reference(&t), "{:?}", t);
        }
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let e = split_front_matter("---\ntitle: x\nbody\n").unwrap_err();
        assert!(e.1.contains("没有结束"));
    }
}
