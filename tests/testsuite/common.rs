//! A small valid county written into a temp dir; tests break one thing at a time and run the
//! real binary on it.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub const TODAY: &str = "2026-11-22";

pub const SITE: &str = "title: 测试县村（社区）“两委”换届公示
region: 测试县
organizer: 中共测试县委组织部
base_url: https://gongshi.test.cn/
contacts:
  - {label: 组织部门举报电话, phone: \"12380\"}
rules: [jilv]
";

pub const RULES: &str = "---
kind: rules
title: 换届纪律
number: 测组〔2026〕1号
issued_by: 中共测试县委组织部
issued_on: 2026-11-01
items:
  - {ban: 严禁拉票贿选。, consequence: 一经查实，取消候选人资格。}
---
";

pub const AREA: &str = "name: 城关镇\nlevel: 镇\ncontacts:\n  - {label: 城关镇换届选举工作指导组, phone: \"0914-7721001\"}\n";

pub const VILLAGE: &str = "name: 张庄村
kind: village
polling_day: 2026-12-20
seats: {主任: 1, 副主任: 1, 委员: 3}
party_branch_seats: {书记: 1, 委员: 4}
contacts:
  - {label: 张庄村村民选举委员会, phone: \"0914-7723301\"}
";

pub const VOTERS: &str = "---
kind: voters
title: 张庄村选民登记公告
number: 张庄村选字〔2026〕1号
issued_by: 张庄村村民选举委员会
issued_on: 2026-11-20
posted: {from: 2026-11-20, to: 2026-12-04}
objection: {until: 2026-11-25}
registration: {total: 1826, added: 132, removed: 47, list_location: 村委会公示栏}
---
选民名单已在村委会公示栏张贴。
";

pub const CANDIDATES: &str = "---
kind: candidates
title: 张庄村村民委员会成员正式候选人公示
number: 张庄村选字〔2026〕3号
issued_by: 张庄村村民选举委员会
issued_on: 2026-11-22
posted: {from: 2026-11-22, to: 2026-12-06}
body: villagers_committee
private: {备注: 内部审查意见甲乙丙}
candidates:
  - {name: 王建国, gender: 男, ethnicity: 汉族, birth: \"1975-03\", education: 高中, political_status: 中共党员, current_role: 村委会主任, post: 主任}
  - {name: 李堃, gender: 男, ethnicity: 汉族, birth: \"1980-05\", education: 大专, political_status: 群众, current_role: 村民小组长, post: 主任}
  - {name: 刘曌, gender: 女, ethnicity: 汉族, birth: \"1988-05\", education: 本科, political_status: 中共党员, current_role: 村妇联主席, post: 副主任}
  - {name: 王䶮, gender: 男, ethnicity: 回族, birth: \"1990-10\", education: 大专, political_status: 群众, current_role: 村会计, post: 副主任}
  - {name: 陈喆, gender: 男, ethnicity: 汉族, birth: \"1985-01\", education: 高中, political_status: 群众, current_role: 村民, post: 委员}
  - {name: 周赟, gender: 女, ethnicity: 汉族, birth: \"1993-06\", education: 本科, political_status: 共青团员, current_role: 大学生村官, post: 委员}
  - {name: 赵敏, gender: 女, ethnicity: 汉族, birth: \"1979-12\", education: 初中, political_status: 中共党员, current_role: 村民小组长, post: 委员}
  - {name: 孙强, gender: 男, ethnicity: 汉族, birth: \"1976-09\", education: 高中, political_status: 群众, current_role: 村民, post: 委员}
---
**注意：**请按时参加投票。
";

pub const AUDIT: &str = "---
kind: audit
title: 张庄村离任经济责任审计结果公开
number: 测审〔2026〕8号
issued_by: 城关镇人民政府
issued_on: 2026-11-10
posted: {from: 2026-11-10, to: 2026-11-24}
audit_type: 离任
subjects: [{name: 王建国, post: 村委会主任, from: 2021-12-01, to: 2026-11-30}]
auditor: 测试县农村集体经济审计站
figures_yuan: {income: 3856420.5, expenditure: 3621088, assets: 12650300, liabilities: 860000}
findings:
  - {id: 1, text: 部分支出凭证不全。, amount_yuan: 23000}
rectification:
  - {finding: 1, status: 已整改}
---
";

pub struct Fixture {
    pub dir: TempDir,
}

impl Fixture {
    /// The small valid county.
    pub fn new() -> Fixture {
        let f = Fixture {
            dir: TempDir::new().unwrap(),
        };
        f.write("content/site.yaml", SITE);
        f.write("content/rules/jilv.md", RULES);
        f.write("content/t/area.yaml", AREA);
        f.write("content/t/v/village.yaml", VILLAGE);
        f.write("content/t/v/voters.md", VOTERS);
        f.write("content/t/v/candidates.md", CANDIDATES);
        f.write("content/t/v/audit.md", AUDIT);
        f
    }

    /// The bundled county from the repository.
    pub fn bundled() -> Fixture {
        let f = Fixture {
            dir: TempDir::new().unwrap(),
        };
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
            &f.root().join("content"),
        );
        f
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Replace `from` with `to` in a file; the text must be there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let t = self.read(rel);
        assert!(t.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &t.replacen(from, to, 1));
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// Like [`Fixture::run`], with environment variables set.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = Command::cargo_bin("gongshi")
            .unwrap()
            .args(args)
            .envs(env.iter().copied())
            .arg("--root")
            .arg(self.root())
            .arg("--today")
            .arg(TODAY)
            .env_remove("GONGSHI_TODAY")
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn check(&self) -> Run {
        self.run(&["check"])
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// Every file under output/, with its bytes.
    pub fn output_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(self.path("output")).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() {
                out.push((e.path().to_path_buf(), std::fs::read(e.path()).unwrap()));
            }
        }
        out
    }
}

pub struct Run {
    pub code: i32,
    pub stderr: String,
}

#[derive(Debug)]
pub struct Diag {
    pub error: bool,
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub text: String,
}

impl Run {
    /// Parse `错误：file:line:col` blocks.
    pub fn diags(&self) -> Vec<Diag> {
        let mut out: Vec<Diag> = Vec::new();
        for line in self.stderr.lines() {
            let (error, rest) = if let Some(r) = line.strip_prefix("错误：") {
                (true, r)
            } else if let Some(r) = line.strip_prefix("警告：") {
                (false, r)
            } else {
                if let Some(d) = out.last_mut()
                    && line.starts_with("  ")
                {
                    d.text.push_str(line.trim());
                    d.text.push('\n');
                }
                continue;
            };
            let mut parts = rest.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
            let line_no = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
            let file = parts.next().unwrap_or("").to_string();
            out.push(Diag {
                error,
                file,
                line: line_no,
                col,
                text: String::new(),
            });
        }
        out
    }

    pub fn errors(&self) -> Vec<Diag> {
        self.diags().into_iter().filter(|d| d.error).collect()
    }

    pub fn warnings(&self) -> Vec<Diag> {
        self.diags().into_iter().filter(|d| !d.error).collect()
    }

    /// The one diagnostic whose text contains `needle`; panics with the whole output otherwise.
    pub fn find(&self, error: bool, needle: &str) -> Diag {
        let mut found: Vec<Diag> = self
            .diags()
            .into_iter()
            .filter(|d| d.error == error && d.text.contains(needle))
            .collect();
        assert!(
            !found.is_empty(),
            "no {} containing {needle:?} in:\n{}",
            if error { "error" } else { "warning" },
            self.stderr
        );
        found.remove(0)
    }

    /// Assert an error (or warning) with `needle` at `file:line`.
    pub fn expect(&self, error: bool, file: &str, line: usize, needle: &str) {
        self.find(error, needle);
        let at = self.diags().into_iter().any(|d| {
            d.error == error && d.text.contains(needle) && d.file == file && d.line == line
        });
        assert!(
            at,
            "{needle:?} is not reported at {file}:{line}:\n{}",
            self.stderr
        );
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dst = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
        } else {
            std::fs::copy(e.path(), &dst).unwrap();
        }
    }
}

/// Every 18-digit ID or 11-digit mobile number in `text` (same patterns as the masker,
/// written again here so a bug there cannot hide itself).
pub fn personal_numbers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || (i - start == 17 && matches!(chars[i], 'X' | 'x')))
            {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            // A run glued to Latin letters is part of a hash or code (manifest.json holds hex
            // content hashes), not a number a person wrote.
            let glued = (start > 0 && chars[start - 1].is_ascii_alphabetic())
                || chars.get(i).is_some_and(|c| c.is_ascii_alphabetic());
            if glued {
                continue;
            }
            let is_id = run.len() == 18;
            let is_mobile =
                run.len() == 11 && run.starts_with('1') && matches!(run.as_bytes()[1], b'3'..=b'9');
            if is_id || is_mobile {
                found.push(run);
            }
        } else {
            i += 1;
        }
    }
    found
}

/// Every digit a reader could see in `bytes`, in order, however it was written: HTML
/// character references, JSON and JavaScript escapes and `%XX` decoded, full-width and
/// mathematical digits read as ASCII, everything else dropped (written independently of the
/// program's own masking, so a gap there cannot hide itself). A planted number that a reader
/// could see shows up here as its digits in a row.
pub fn digits_seen(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    // Pictures inlined as data: URIs are not text.
    let mut s = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(i) = rest.find("data:") {
        s.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after
            .find(['"', '\'', ')', '<', '>', ' '])
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    s.push_str(rest);
    let mut chars: Vec<char> = s.chars().collect();
    // Decode escapes until nothing changes (an escape can hide inside another).
    for _ in 0..3 {
        let mut out = Vec::with_capacity(chars.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let hex = |from: usize, len: usize| -> Option<u32> {
                let t: String = chars.get(from..from + len)?.iter().collect();
                u32::from_str_radix(&t, 16).ok()
            };
            if c == '&' && chars.get(i + 1) == Some(&'#') {
                let (radix, from) = if matches!(chars.get(i + 2), Some('x' | 'X')) {
                    (16, i + 3)
                } else {
                    (10, i + 2)
                };
                let mut j = from;
                while j < chars.len() && chars[j].is_digit(radix) {
                    j += 1;
                }
                let t: String = chars[from..j].iter().collect();
                if let Some(v) = u32::from_str_radix(&t, radix).ok().and_then(char::from_u32) {
                    out.push(v);
                    i = j + usize::from(chars.get(j) == Some(&';'));
                    continue;
                }
            }
            if c == '\\'
                && chars.get(i + 1) == Some(&'u')
                && let Some(v) = hex(i + 2, 4).and_then(char::from_u32)
            {
                out.push(v);
                i += 6;
                continue;
            }
            if c == '\\'
                && chars.get(i + 1) == Some(&'x')
                && let Some(v) = hex(i + 2, 2).and_then(char::from_u32)
            {
                out.push(v);
                i += 4;
                continue;
            }
            if c == '%'
                && let Some(v) = hex(i + 1, 2).filter(|v| *v < 0x80).and_then(char::from_u32)
            {
                out.push(v);
                i += 3;
                continue;
            }
            out.push(c);
            i += 1;
        }
        chars = out;
    }
    chars
        .into_iter()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - 0xFF10 + '0' as u32),
            '\u{1D7CE}'..='\u{1D7FF}' => char::from_u32((c as u32 - 0x1D7CE) % 10 + '0' as u32),
            _ => None,
        })
        .collect()
}

impl Fixture {
    /// Every output file's path and the digits a reader sees in it (PDFs through pdftotext).
    pub fn seen(&self) -> Vec<(String, String)> {
        let out = self.path("output");
        let mut v = Vec::new();
        if !out.exists() {
            return v;
        }
        for e in walkdir::WalkDir::new(&out).sort_by_file_name() {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let mut digits = digits_seen(rel.as_bytes());
            if e.file_type().is_file() {
                let bytes = if rel.ends_with(".pdf") {
                    let o = std::process::Command::new("pdftotext")
                        .arg(e.path())
                        .arg("-")
                        .output()
                        .expect("pdftotext (poppler-utils) is needed");
                    o.stdout
                } else {
                    std::fs::read(e.path()).unwrap()
                };
                digits.push_str(&digits_seen(&bytes));
            }
            v.push((rel, digits));
        }
        v
    }

    /// No output file shows any of `numbers` (digits only) in any written form.
    pub fn assert_nowhere(&self, numbers: &[&str]) {
        for (rel, digits) in self.seen() {
            for n in numbers {
                assert!(!digits.contains(n), "{n} can be read in output/{rel}");
            }
        }
        // Nor in what the build keeps beside the output.
        for e in walkdir::WalkDir::new(self.root()) {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(self.root())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel.starts_with("content") || !e.file_type().is_file() || rel.starts_with("output") {
                continue;
            }
            let d = digits_seen(&std::fs::read(e.path()).unwrap());
            for n in numbers {
                assert!(!d.contains(n), "{n} can be read in {rel}");
            }
        }
    }
}

/// Every entry under `dir` (folders too) with the bytes of files, for comparing trees.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        let bytes = e
            .file_type()
            .is_file()
            .then(|| std::fs::read(e.path()).unwrap());
        out.push((e.path().to_path_buf(), bytes));
    }
    out
}

/// The build left nothing beside the output (staging, backup or moved-aside folders).
pub fn assert_nothing_beside(f: &Fixture) {
    let left: Vec<String> = std::fs::read_dir(f.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".output."))
        .collect();
    assert!(left.is_empty(), "left beside the output: {left:?}");
}
