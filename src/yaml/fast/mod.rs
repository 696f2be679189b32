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

mod deser;
mod lines;
mod scalars;
#[cfg(test)]
mod tests;
mod tree;

use deser::*;
use lines::*;
use scalars::*;
use tree::*;

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
