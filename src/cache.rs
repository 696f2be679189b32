//! A folder of finished artefacts by key, outside the output folder (which is rebuilt every
//! time): poster PDFs, resized WeChat photos, records of finished WeChat exports. Writes go
//! through a temporary file and a rename, so a reader never sees half a file, even with
//! several builds at once.
//!
//! Entries nobody has used for [`MAX_AGE`] are removed after a build (at most once a day per
//! folder), so the folder does not grow with every edit of an election season. An entry that
//! is used again is marked as used (its modification time moved to now, at most once a day).
//! An entry removed too early only costs the time of making it again.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// One kind of cache entry: the folder under `.gongshi-cache/` and the files' extension.
#[derive(Clone, Copy)]
pub struct Kind {
    pub name: &'static str,
    pub ext: &'static str,
}

pub const POSTERS: Kind = Kind {
    name: "posters",
    ext: "pdf",
};
pub const PHOTOS: Kind = Kind {
    name: "photos",
    ext: "img",
};
pub const WECHAT: Kind = Kind {
    name: "wechat",
    ext: "json",
};
pub const IMAGES: Kind = Kind {
    name: "images",
    ext: "img",
};

/// Entries not used for this long are removed.
pub const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);
/// How often an entry in use has its modification time moved, and a folder is pruned.
const DAY: Duration = Duration::from_secs(24 * 3600);
/// Its modification time is when the folder was last pruned.
const PRUNED: &str = ".pruned";

pub struct DiskCache {
    dir: PathBuf,
    ext: &'static str,
    enabled: bool,
}

impl DiskCache {
    /// `<root>/.gongshi-cache/<name>/`, files named `<key>.<ext>`. Disabled (every `get`
    /// misses, every `put` is dropped) when `enabled` is false or the folder cannot be made.
    pub fn new(root: &Path, kind: Kind, enabled: bool) -> DiskCache {
        let dir = root.join(".gongshi-cache").join(kind.name);
        let enabled = enabled && std::fs::create_dir_all(&dir).is_ok();
        DiskCache {
            dir,
            ext: kind.ext,
            enabled,
        }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.{}", self.ext))
    }

    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        use std::io::Read as _;
        if !self.enabled {
            return None;
        }
        let mut f = std::fs::File::open(self.path(key)).ok()?;
        let meta = f.metadata().ok()?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        f.read_to_end(&mut bytes).ok()?;
        self.used(key, &meta);
        Some(bytes)
    }

    /// Whether an entry for `key` is there (without reading it); marks it as used.
    pub fn contains(&self, key: &str) -> bool {
        self.touch(key)
    }

    /// Mark the entry for `key` as used (an output file made from it was kept as it was);
    /// whether it is there.
    pub fn touch(&self, key: &str) -> bool {
        if !self.enabled {
            return false;
        }
        match std::fs::metadata(self.path(key)) {
            Ok(m) if m.is_file() => {
                self.used(key, &m);
                true
            }
            _ => false,
        }
    }

    /// Move the modification time of an entry last marked more than a day ago to now.
    fn used(&self, key: &str, meta: &std::fs::Metadata) {
        let stale = meta
            .modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_none_or(|age| age > DAY);
        if stale && let Ok(f) = std::fs::File::options().write(true).open(self.path(key)) {
            let _ = f.set_modified(SystemTime::now());
        }
    }

    pub fn put(&self, key: &str, bytes: &[u8]) {
        if !self.enabled {
            return;
        }
        let tmp = self
            .dir
            .join(format!(".{key}.{:?}.tmp", std::thread::current().id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, self.path(key)).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Remove entries unused for [`MAX_AGE`] and temporary files left by interrupted builds
    /// (older than a day), unless the folder was pruned in the last day. Returns how many files
    /// were removed. Errors only mean less is removed.
    pub fn prune(&self) -> usize {
        if !self.enabled {
            return 0;
        }
        let marker = self.dir.join(PRUNED);
        let recent = |p: &Path, within: Duration| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age <= within)
        };
        if recent(&marker, DAY) {
            return 0;
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let suffix = format!(".{}", self.ext);
        let mut removed = 0;
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(name) = name.to_str() else {
                continue;
            };
            let limit = if name.starts_with('.') && name.ends_with(".tmp") {
                DAY
            } else if !name.starts_with('.') && name.ends_with(&suffix) {
                MAX_AGE
            } else {
                continue;
            };
            let p = e.path();
            if !recent(&p, limit) && std::fs::remove_file(&p).is_ok() {
                removed += 1;
            }
        }
        let _ = std::fs::write(&marker, "");
        removed
    }
}

/// After a successful build: prune the caches of the targets it made.
pub fn prune_after_build(root: &Path, kinds: &[Kind]) {
    for k in kinds {
        // Only folders that exist: pruning must not create them.
        if root.join(".gongshi-cache").join(k.name).is_dir() {
            DiskCache::new(root, *k, true).prune();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: Kind = Kind {
        name: "t",
        ext: "bin",
    };

    fn age(path: &Path, days: u64) {
        let t = SystemTime::now() - Duration::from_secs(days * 24 * 3600);
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(t)
            .unwrap();
    }

    fn days_old(path: &Path) -> u64 {
        let m = std::fs::metadata(path).unwrap().modified().unwrap();
        m.elapsed().unwrap().as_secs() / (24 * 3600)
    }

    #[test]
    fn unused_entries_go_used_ones_stay_once_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let c = DiskCache::new(dir.path(), KIND, true);
        let folder = dir.path().join(".gongshi-cache/t");
        for k in ["old", "used", "touched", "young"] {
            c.put(k, k.as_bytes());
        }
        let p = |k: &str| folder.join(format!("{k}.bin"));
        for k in ["old", "used", "touched"] {
            age(&p(k), 40);
        }
        age(&p("young"), 10);
        // A leftover temporary file of an interrupted build, and one being written now.
        std::fs::write(folder.join(".x.ThreadId(3).tmp"), "").unwrap();
        age(&folder.join(".x.ThreadId(3).tmp"), 2);
        std::fs::write(folder.join(".y.ThreadId(4).tmp"), "").unwrap();
        // Using an entry marks it, whichever way it is used.
        assert_eq!(c.get("used").as_deref(), Some(&b"used"[..]));
        assert!(c.touch("touched"));
        assert_eq!(days_old(&p("used")), 0);
        assert_eq!(days_old(&p("touched")), 0);
        assert_eq!(c.prune(), 2);
        assert!(!p("old").exists());
        assert!(!folder.join(".x.ThreadId(3).tmp").exists());
        for k in ["used", "touched", "young"] {
            assert!(p(k).exists(), "{k}");
        }
        assert!(folder.join(".y.ThreadId(4).tmp").exists());
        // Not again the same day…
        age(&p("young"), 40);
        assert_eq!(c.prune(), 0);
        assert!(p("young").exists());
        // …but the next.
        age(&folder.join(PRUNED), 2);
        assert_eq!(c.prune(), 1);
        assert!(!p("young").exists());
        // A disabled cache removes nothing.
        c.put("kept", b"k");
        age(&p("kept"), 40);
        age(&folder.join(PRUNED), 2);
        assert_eq!(DiskCache::new(dir.path(), KIND, false).prune(), 0);
        assert!(p("kept").exists());
    }

    #[test]
    fn round_trip_and_disabled() {
        let dir = tempfile::tempdir().unwrap();
        let c = DiskCache::new(dir.path(), KIND, true);
        assert_eq!(c.get("k"), None);
        assert!(!c.contains("k"));
        c.put("k", b"abc");
        assert!(c.contains("k"));
        assert_eq!(c.get("k").as_deref(), Some(&b"abc"[..]));
        let off = DiskCache::new(dir.path(), KIND, false);
        assert_eq!(off.get("k"), None);
        assert!(!off.contains("k"));
    }
}
