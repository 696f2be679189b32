//! serde::Deserializer over the tree, with serde_ignored's bookkeeping built in.

use super::*;

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
pub(super) enum Path<'p, 'a> {
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
pub(super) enum Mode<'p, 'a> {
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

pub(super) struct NodeDe<'a, 'de, 'p> {
    pub(super) node: &'a Node<'de>,
    pub(super) mode: Mode<'p, 'a>,
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

pub(super) struct SeqAcc<'a, 'de, 'm, 'p> {
    pub(super) iter: std::slice::Iter<'a, Node<'de>>,
    pub(super) index: usize,
    pub(super) mode: &'m Mode<'p, 'a>,
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

pub(super) struct MapAcc<'a, 'de, 'm, 'p> {
    pub(super) iter: std::slice::Iter<'a, (Node<'de>, Node<'de>)>,
    pub(super) value: Option<&'a Node<'de>>,
    /// The current key as serde_ignored would have captured it (tracked maps only).
    pub(super) key: Option<Cow<'a, str>>,
    pub(super) mode: &'m Mode<'p, 'a>,
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

pub(super) struct UnitVariant<'a, 'de> {
    pub(super) name: &'a Cow<'de, str>,
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
