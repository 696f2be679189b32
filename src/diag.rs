//! Diagnostics: every problem found in content, in plain Chinese, with file, line, column
//! and what to do. A run collects them all and reports them at once.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub file: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        let file = self.file.to_string_lossy().replace('\\', "/");
        let line = self.line.max(1);
        let col = self.col.max(1);
        write!(f, "{label}：{file}:{line}:{col}\n  {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  处理办法：{}", self.hint)?;
        }
        Ok(())
    }
}

/// A source position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub fn new(line: usize, col: usize) -> Pos {
        Pos { line, col }
    }
}

/// Thread-safe collector shared by the pipeline stages.
#[derive(Debug, Default)]
pub struct Diagnostics {
    inner: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    /// A warning for each number a target's own layout made visible (`when`: what happened
    /// to the text, `shown`: where it is now masked); both say what is masked, never the
    /// number.
    pub fn warn_laid_out(
        &self,
        file: &Path,
        at: Pos,
        found: &[crate::privacy::Found],
        (when, shown): (&str, &str),
        hint: &str,
    ) {
        for f in found {
            self.warning(
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

    pub fn new() -> Self {
        Self::default()
    }

    /// Record `d`. Its text is made safe to print and to store first: personal numbers
    /// quoted from content are masked, and control characters (which could move a
    /// terminal's cursor or fake a line) are shown escaped.
    pub fn push(&self, mut d: Diagnostic) {
        d.message = printable(crate::privacy::mask_all(&d.message));
        d.hint = printable(crate::privacy::mask_all(&d.hint));
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    }

    pub fn error(
        &self,
        file: &Path,
        pos: Pos,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.add(Severity::Error, file, pos, message, hint);
    }

    pub fn warning(
        &self,
        file: &Path,
        pos: Pos,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.add(Severity::Warning, file, pos, message, hint);
    }

    pub fn add(
        &self,
        severity: Severity,
        file: &Path,
        pos: Pos,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Diagnostic {
            severity,
            file: PathBuf::from(printable(crate::privacy::mask_all(&file.to_string_lossy()))),
            line: pos.line,
            col: pos.col,
            message: message.into(),
            hint: hint.into(),
        });
    }

    pub fn has_errors(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|d| d.is_error())
    }

    /// All diagnostics, sorted by file and position so output is stable across runs
    /// (stages run in parallel).
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut v = self.inner.into_inner().unwrap_or_else(|e| e.into_inner());
        v.sort_by(|a, b| {
            (&a.file, a.line, a.col, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.col, b.severity, &b.message))
        });
        v.dedup();
        v
    }
}

/// `s` with control characters and direction overrides written as `\u{…}`.
fn printable(s: String) -> String {
    let bad =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(bad) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `共 2 个错误，1 个警告。`
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    match (errors, warnings) {
        (0, 0) => "检查通过，没有发现问题。".to_string(),
        (0, w) => format!("检查通过，有 {w} 个警告（不影响生成，但请核对）。"),
        (e, w) => format!("发现 {e} 个错误、{w} 个警告。请先改正错误，网站没有更新。"),
    }
}
