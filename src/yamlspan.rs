//! Where each value sits in a YAML document: a map from a canonical path such as
//! `candidates.2.birth` to its line and column. serde gives us typed values; this index
//! lets the validator point at the exact place in the clerk's file.
//!
//! The index is built only when a position is first asked for, that is when there is
//! something to report: most files of a province never need one, and building it costs a
//! second YAML parse and far more memory than the text it is built from.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_saphyr::granit_parser::{Event, Parser};

use crate::diag::Pos;
use crate::keys::canonical_key;

#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    /// The YAML text and the file line of its first line.
    text: Arc<str>,
    first_line: usize,
    built: OnceLock<Arc<Built>>,
}

#[derive(Debug, Default)]
struct Built {
    values: HashMap<String, Pos>,
    keys: HashMap<String, Pos>,
    /// Position of the document start, the fallback for anything not found.
    origin: Pos,
}

enum Frame {
    Map {
        path: String,
        key: Option<String>,
    },
    Seq {
        path: String,
        idx: usize,
    },
    /// A collection used as a mapping key: skipped.
    Skip,
}

const MAX_DEPTH: usize = 256;

impl SpanIndex {
    /// An index of `yaml`, whose first line is line `first_line` of the file (built when
    /// first used).
    pub fn new(yaml: &str, first_line: usize) -> SpanIndex {
        SpanIndex {
            text: Arc::from(yaml),
            first_line,
            built: OnceLock::new(),
        }
    }

    fn built(&self) -> &Built {
        self.built
            .get_or_init(|| Arc::new(Built::build(&self.text, self.first_line)))
    }

    /// Position of the value at `path`, or of its nearest indexed ancestor.
    pub fn pos(&self, path: &str) -> Pos {
        let b = self.built();
        let mut p = path;
        loop {
            if let Some(pos) = b.values.get(p) {
                return *pos;
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return b.values.get("").copied().unwrap_or(b.origin),
            }
        }
    }

    /// Position of the key at `path` (falls back to the value, then ancestors).
    pub fn key_pos(&self, path: &str) -> Pos {
        self.built()
            .keys
            .get(path)
            .copied()
            .unwrap_or_else(|| self.pos(path))
    }

    pub fn has(&self, path: &str) -> bool {
        self.built().values.contains_key(path)
    }

    pub fn origin(&self) -> Pos {
        if self.first_line == 0 {
            Pos::default()
        } else {
            Pos::new(self.first_line, 1)
        }
    }

    /// Every indexed value path with its position (for scanning scalars).
    pub fn values(&self) -> impl Iterator<Item = (&str, Pos)> {
        self.built().values.iter().map(|(k, v)| (k.as_str(), *v))
    }
}

impl Built {
    fn build(yaml: &str, first_line: usize) -> Built {
        let mut idx = Built {
            origin: if first_line == 0 {
                Pos::default()
            } else {
                Pos::new(first_line, 1)
            },
            ..Default::default()
        };
        let mut stack: Vec<Frame> = Vec::new();
        let line_off = first_line.saturating_sub(1);
        for ev in Parser::new_from_str(yaml) {
            let Ok((ev, span)) = ev else { break };
            let pos = Pos::new(span.start.line() + line_off, span.start.col() + 1);
            let is_start = matches!(
                ev,
                Event::Scalar(..)
                    | Event::MappingStart(..)
                    | Event::SequenceStart(..)
                    | Event::Alias(..)
            );
            if is_start {
                // Is this node a mapping key?
                if let Some(Frame::Map { path, key }) = stack.last_mut()
                    && key.is_none()
                {
                    let name = match &ev {
                        Event::Scalar(s, ..) => canonical_key(s).to_string(),
                        _ => "?".to_string(),
                    };
                    let full = join(path, &name);
                    idx.keys.entry(full).or_insert(pos);
                    *key = Some(name);
                    match ev {
                        Event::MappingStart(..) | Event::SequenceStart(..) => {
                            stack.push(Frame::Skip)
                        }
                        _ => {}
                    }
                    continue;
                }
                if matches!(stack.last(), Some(Frame::Skip)) {
                    if matches!(ev, Event::MappingStart(..) | Event::SequenceStart(..)) {
                        stack.push(Frame::Skip);
                    }
                    continue;
                }
                let path = match stack.last() {
                    Some(Frame::Map { path, key: Some(k) }) => join(path, k),
                    Some(Frame::Seq { path, idx }) => join(path, &idx.to_string()),
                    _ => String::new(),
                };
                idx.values.entry(path.clone()).or_insert(pos);
                match ev {
                    Event::MappingStart(..) if stack.len() < MAX_DEPTH => {
                        stack.push(Frame::Map { path, key: None })
                    }
                    Event::SequenceStart(..) if stack.len() < MAX_DEPTH => {
                        stack.push(Frame::Seq { path, idx: 0 })
                    }
                    Event::MappingStart(..) | Event::SequenceStart(..) => stack.push(Frame::Skip),
                    _ => value_done(&mut stack),
                }
            } else if matches!(ev, Event::MappingEnd | Event::SequenceEnd) {
                let was_skip = matches!(stack.pop(), Some(Frame::Skip));
                if was_skip && matches!(stack.last(), Some(Frame::Skip)) {
                    continue;
                }
                if was_skip {
                    // A skipped key collection ends: the key is set, its value comes next.
                    if let Some(Frame::Map { .. }) = stack.last() {
                        continue;
                    }
                }
                value_done(&mut stack);
            }
        }
        idx
    }
}

fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}.{child}")
    }
}

/// A value finished: the enclosing map expects a key next, a sequence its next item.
fn value_done(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key, .. }) => *key = None,
        Some(Frame::Seq { idx, .. }) => *idx += 1,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_point_at_values_with_aliases_canonicalised() {
        let y = "title: 公示\ncandidates:\n  - 姓名: 李堃\n    birth: \"1980-05\"\n  - {name: 王喆, birth: 1990-13}\nposted: {from: 2026-11-20, to: 2026-12-04}\n";
        let idx = SpanIndex::new(y, 2);
        assert_eq!(idx.pos("title"), Pos::new(2, 8));
        assert_eq!(idx.pos("candidates.0.name"), Pos::new(4, 9));
        assert_eq!(idx.pos("candidates.0.birth"), Pos::new(5, 12));
        assert_eq!(idx.pos("candidates.1.birth"), Pos::new(6, 23));
        assert_eq!(idx.key_pos("candidates.0.birth"), Pos::new(5, 5));
        assert_eq!(idx.pos("posted.to"), Pos::new(7, 32));
        // Missing fields fall back to the nearest ancestor.
        assert_eq!(idx.pos("candidates.1.gender"), Pos::new(6, 5));
    }
}
