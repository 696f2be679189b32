//! Masking typed values after parsing: the values as YAML decoded them, after escapes
//! (`"\x31\u0033…"`), tags (`!!binary`), aliases, folds and line continuations, which the
//! scan of the raw text cannot see. [`Masked`] is implemented here for the standard types;
//! the content types list their fields in `crate::model::mask`.

use std::collections::BTreeMap;

use super::{Found, Kind};

/// What masking found, by canonical key path (`candidates.2.name`), for warnings.
#[derive(Debug, Default)]
pub struct Masker {
    path: Vec<String>,
    /// A value that was masked: its path, the kind of number and the masked number.
    pub masked: Vec<(String, Kind, String)>,
    /// A value that may not hold a number at all (a path, a URL): its path and the number.
    pub refused: Vec<(String, Kind, String)>,
}

pub trait Masked {
    fn mask(&mut self, m: &mut Masker);
}

impl Masker {
    fn at(&self) -> String {
        self.path.join(".")
    }

    pub fn field<T: Masked + ?Sized>(&mut self, key: &str, v: &mut T) {
        self.path.push(key.to_string());
        v.mask(self);
        self.path.pop();
    }

    pub(crate) fn text(&mut self, s: &mut String) {
        if !super::may_hold(s.as_bytes()) {
            return;
        }
        let found = super::find(s);
        if found.is_empty() {
            return;
        }
        for f in &found {
            self.masked.push((self.at(), f.kind, f.masked.clone()));
        }
        *s = super::apply(s, &found);
    }

    /// A public phone: shown as given when it is a mobile number; an ID number in it is
    /// still masked.
    pub(crate) fn phone(&mut self, key: &str, v: &mut Option<String>) {
        let Some(s) = v else { return };
        if !super::may_hold(s.as_bytes()) {
            return;
        }
        let ids: Vec<Found> = super::find(s)
            .into_iter()
            .filter(|f| f.kind == Kind::IdNumber)
            .collect();
        if !ids.is_empty() {
            self.path.push(key.to_string());
            for f in &ids {
                self.masked.push((self.at(), f.kind, f.masked.clone()));
            }
            self.path.pop();
            *s = super::apply(s, &ids);
        }
    }

    /// A value that is a path or an address: a number in it is refused, not masked (a
    /// masked address leads nowhere).
    pub(crate) fn path_like(&mut self, key: &str, v: Option<&str>) {
        let Some(s) = v else { return };
        if !super::may_hold(s.as_bytes()) {
            return;
        }
        let decoded = super::percent_decode(s);
        for f in super::find(&decoded) {
            self.path.push(key.to_string());
            self.refused.push((self.at(), f.kind, f.masked));
            self.path.pop();
        }
    }
}

impl Masked for String {
    fn mask(&mut self, m: &mut Masker) {
        m.text(self);
    }
}

impl Masked for Box<str> {
    fn mask(&mut self, m: &mut Masker) {
        if super::may_hold(self.as_bytes()) {
            let mut s = self.to_string();
            m.text(&mut s);
            *self = s.into_boxed_str();
        }
    }
}

impl<T: Masked> Masked for Option<T> {
    fn mask(&mut self, m: &mut Masker) {
        if let Some(v) = self {
            v.mask(m);
        }
    }
}

impl<T: Masked + ?Sized> Masked for Box<T> {
    fn mask(&mut self, m: &mut Masker) {
        (**self).mask(m);
    }
}

impl<T: Masked> Masked for Vec<T> {
    fn mask(&mut self, m: &mut Masker) {
        for (i, v) in self.iter_mut().enumerate() {
            m.field(&i.to_string(), v);
        }
    }
}

/// Keys are shown too (the posts of `seats`).
impl<T: Masked> Masked for BTreeMap<String, T> {
    fn mask(&mut self, m: &mut Masker) {
        if self.keys().any(|k| super::may_hold(k.as_bytes())) {
            let old = std::mem::take(self);
            for (mut k, v) in old {
                let at = k.clone();
                m.path.push(at);
                m.text(&mut k);
                m.path.pop();
                self.insert(k, v);
            }
        }
        let keys: Vec<String> = self.keys().cloned().collect();
        for k in keys {
            if let Some(v) = self.get_mut(&k) {
                m.field(&k, v);
            }
        }
    }
}

macro_rules! inert {
    ($($t:ty),*) => { $(impl Masked for $t { fn mask(&mut self, _: &mut Masker) {} })* };
}
inert!(bool, u32, u64, f64, serde::de::IgnoredAny);

/// Whether a YAML text can decode to something its raw text does not show: escapes in
/// double-quoted strings, tags, anchors and aliases. Only such texts need [`Masked`] after
/// parsing (numbers written out are masked in the raw text, with exact positions).
pub fn may_decode_differently(yaml: &str) -> bool {
    memchr::memchr3(b'\\', b'!', b'*', yaml.as_bytes()).is_some()
        || memchr::memchr(b'&', yaml.as_bytes()).is_some()
}
