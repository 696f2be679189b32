//! A content file under check: its path and position index, so a rule names a YAML path and the
//! diagnostic gets the file, line and column.

use std::path::Path;

use crate::diag::{Diagnostics, Pos};
use crate::yamlspan::SpanIndex;

/// Where in a file a diagnostic points.
#[derive(Clone, Copy)]
pub(super) enum At<'p> {
    /// The file itself (line 0): slugs and file names.
    File,
    /// The front matter or YAML file's first line: something missing.
    Origin,
    /// The value at a YAML path such as `candidates.2.birth` (or its nearest ancestor).
    Value(&'p str),
    /// The key at a YAML path (falls back to the value).
    Key(&'p str),
}

#[derive(Clone, Copy)]
pub(super) struct Doc<'a> {
    pub file: &'a Path,
    pub index: &'a SpanIndex,
    diags: &'a Diagnostics,
}

impl<'a> Doc<'a> {
    pub fn new(file: &'a Path, index: &'a SpanIndex, diags: &'a Diagnostics) -> Self {
        Doc { file, index, diags }
    }

    fn pos(&self, at: At<'_>) -> Pos {
        match at {
            At::File => Pos::default(),
            At::Origin => self.index.origin(),
            At::Value(p) => self.index.pos(p),
            At::Key(p) => self.index.key_pos(p),
        }
    }

    pub fn err(&self, at: At<'_>, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags.error(self.file, self.pos(at), msg, hint);
    }

    pub fn warn(&self, at: At<'_>, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags.warning(self.file, self.pos(at), msg, hint);
    }
}
