//! A folder of finished artefacts by key, outside the output folder (which is rebuilt every
//! time): poster PDFs, resized WeChat photos, records of finished WeChat exports. Writes go
//! through a temporary file and a rename, so a reader never sees half a file, even with
//! several builds at once.

use std::path::{Path, PathBuf};

pub struct DiskCache {
    dir: PathBuf,
    ext: &'static str,
    enabled: bool,
}

impl DiskCache {
    /// `<root>/.gongshi-cache/<name>/`, files named `<key>.<ext>`. Disabled (every `get`
    /// misses, every `put` is dropped) when `enabled` is false or the folder cannot be made.
    pub fn new(root: &Path, name: &str, ext: &'static str, enabled: bool) -> DiskCache {
        let dir = root.join(".gongshi-cache").join(name);
        let enabled = enabled && std::fs::create_dir_all(&dir).is_ok();
        DiskCache { dir, ext, enabled }
    }

    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        if !self.enabled {
            return None;
        }
        std::fs::read(self.dir.join(format!("{key}.{}", self.ext))).ok()
    }

    /// Whether an entry for `key` is there (without reading it).
    pub fn contains(&self, key: &str) -> bool {
        self.enabled && self.dir.join(format!("{key}.{}", self.ext)).is_file()
    }

    pub fn put(&self, key: &str, bytes: &[u8]) {
        if !self.enabled {
            return;
        }
        let tmp = self
            .dir
            .join(format!(".{key}.{:?}.tmp", std::thread::current().id()));
        if std::fs::write(&tmp, bytes).is_ok()
            && std::fs::rename(&tmp, self.dir.join(format!("{key}.{}", self.ext))).is_err()
        {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DiskCache;

    #[test]
    fn round_trip_and_disabled() {
        let dir = tempfile::tempdir().unwrap();
        let c = DiskCache::new(dir.path(), "t", "bin", true);
        assert_eq!(c.get("k"), None);
        assert!(!c.contains("k"));
        c.put("k", b"abc");
        assert!(c.contains("k"));
        assert_eq!(c.get("k").as_deref(), Some(&b"abc"[..]));
        let off = DiskCache::new(dir.path(), "t", "bin", false);
        assert_eq!(off.get("k"), None);
        assert!(!off.contains("k"));
    }
}
