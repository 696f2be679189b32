//! Typst embedded as a library: our own `World` over in-memory files, and the fonts.
//!
//! One [`Fonts`] store (theme fonts from the root, then system fonts, then the fonts the
//! binary carries) and one [`Library`] are shared by every poster; each poster compiles in a
//! small [`PosterWorld`] holding its own virtual files (`/gongshi/data.json`, `/gongshi/body.typ`,
//! `/gongshi/qr.svg`) next to the theme's `posters/` folder, which is the project root `/`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

use crate::theme::Theme;

/// The shared Typst standard library (no inputs: data comes in as files).
pub static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// The machine's fonts in a stable order; `fp` takes in which files they are and their
/// versions (length and modification time), so a font installed or updated changes it.
pub fn system_fonts(
    fp: &mut blake3::Hasher,
) -> Vec<(typst_kit::fonts::FontPath, typst::text::FontInfo)> {
    let mut system: Vec<_> = typst_kit::fonts::system().collect();
    system.sort_by(|a, b| (&a.0.path, a.0.index).cmp(&(&b.0.path, b.0.index)));
    for (path, _) in &system {
        fp.update(path.path.to_string_lossy().as_bytes());
        fp.update(&path.index.to_le_bytes());
        if let Ok(m) = std::fs::metadata(&path.path) {
            fp.update(&m.len().to_le_bytes());
            if let Ok(t) = m.modified()
                && let Ok(d) = t.duration_since(std::time::UNIX_EPOCH)
            {
                fp.update(&d.as_nanos().to_le_bytes());
            }
        }
    }
    system
}

/// Every font a poster may use, in order of preference.
pub struct Fonts {
    pub store: FontStore,
    /// Changes when any font changes: part of each poster's cache key.
    pub fingerprint: blake3::Hash,
    /// Every code point some font covers, as a bit set (built on first use).
    coverage: std::sync::OnceLock<Vec<u64>>,
}

impl Fonts {
    /// Theme fonts from the root's `themes/default/fonts/` first, then system fonts (unless
    /// `use_system` is off), then the fonts compiled into the binary, which are
    /// always loaded so that every poster can be printed on a machine without CJK fonts.
    pub fn load(theme: &Theme, use_system: bool) -> Fonts {
        let builtin = Theme::builtin();
        let mut store = FontStore::new();
        let mut fp = blake3::Hasher::new();
        let is_font = |p: &str| {
            let l = p.to_ascii_lowercase();
            l.ends_with(".otf") || l.ends_with(".ttf") || l.ends_with(".ttc") || l.ends_with(".otc")
        };
        let push_bytes =
            |store: &mut FontStore, fp: &mut blake3::Hasher, name: &str, data: &[u8]| {
                fp.update(name.as_bytes());
                fp.update(blake3::hash(data).as_bytes());
                for font in Font::iter(Bytes::new(data.to_vec())) {
                    let info = font.info().clone();
                    store.push((font, info));
                }
            };
        // 1. The root's own theme fonts (files that differ from the built-in ones).
        for (name, data) in theme.under("fonts") {
            if !is_font(name) {
                continue;
            }
            let builtin_same = builtin
                .files
                .get(&format!("fonts/{name}"))
                .is_some_and(|b| b.as_ref() == data);
            if !builtin_same {
                push_bytes(&mut store, &mut fp, name, data);
            }
        }
        // 2. System fonts.
        if use_system {
            for (path, info) in system_fonts(&mut fp) {
                store.push((path, info));
            }
        }
        // 3. The built-in fonts: always there as the fallback.
        for (name, data) in builtin.under("fonts") {
            if is_font(name) {
                push_bytes(&mut store, &mut fp, name, data);
            }
        }
        Fonts {
            store,
            fingerprint: fp.finalize(),
            coverage: std::sync::OnceLock::new(),
        }
    }

    /// Whether some font can draw `c` (Typst falls back to any font in the book).
    pub fn covers(&self, c: char) -> bool {
        let bits = self.coverage.get_or_init(|| {
            let mut bits = vec![0u64; 0x110000 / 64];
            let book = self.store.book();
            let mut i = 0;
            while let Some(info) = book.info(i) {
                for cp in info.coverage.iter() {
                    if let Some(w) = bits.get_mut(cp as usize / 64) {
                        *w |= 1 << (cp % 64);
                    }
                }
                i += 1;
            }
            bits
        });
        let cp = c as usize;
        bits.get(cp / 64).is_some_and(|w| w & (1 << (cp % 64)) != 0)
    }
}

pub fn file_id(path: &str) -> FileId {
    // Paths are fixed literals chosen by us, so they are always valid.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/invalid").unwrap());
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One poster's world: the theme's poster files plus its own generated files.
pub struct PosterWorld<'a> {
    pub fonts: &'a Fonts,
    pub theme: &'a Theme,
    pub main: FileId,
    /// Generated files by virtual path (`/gongshi/data.json`, `/main.typ` …).
    pub files: HashMap<String, Bytes>,
    pub today: Option<Datetime>,
}

impl PosterWorld<'_> {
    fn bytes(&self, id: FileId) -> FileResult<Bytes> {
        let rooted = id.get();
        if !matches!(rooted.root(), VirtualRoot::Project) {
            return Err(FileError::Other(Some(
                "不支持 Typst 包（@preview）。".into(),
            )));
        }
        let p = rooted.vpath().get_with_slash().to_string();
        if let Some(b) = self.files.get(&p) {
            return Ok(b.clone());
        }
        let rel = p.trim_start_matches('/');
        match self.theme.files.get(&format!("posters/{rel}")) {
            Some(b) => Ok(Bytes::new(b.clone())),
            None => Err(FileError::NotFound(Path::new(&p).to_path_buf())),
        }
    }
}

impl World for PosterWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let b = self.bytes(id)?;
        let text = std::str::from_utf8(b.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.bytes(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}
