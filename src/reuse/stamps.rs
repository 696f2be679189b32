//! Stamps of input folders: every entry's name, kind, size, times and inode, digested folder
//! by folder. The whole-build memo ([`crate::memo`]) keys on them; the content scan
//! ([`crate::load`]) stamps the folders it reads anyway, so `content/` is walked once.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What the walk of one folder found: every entry in it with its stamp, each sub-folder with
/// the digest of everything below it, and whether any changed after the cut-off (see
/// [`crate::memo::inputs`]). Folders are digested as the walk leaves them, so a province's 120,000 entries
/// are never held at once.
#[derive(Default)]
pub struct Stamps {
    entries: Vec<(String, Stamped)>,
    pub recent: bool,
}

enum Stamped {
    Entry(Stamp),
    /// A walked folder: the digest of what is in it.
    Below(blake3::Hash),
}

/// A folder tree in one hash (see [`Stamps::digest`]).
#[derive(Clone, Copy)]
pub struct Digest {
    hash: blake3::Hash,
    pub recent: bool,
}

impl Stamps {
    /// Add the digest of the walked folder `rel` (already stamped as an entry of this one).
    pub fn below(&mut self, rel: &str, d: Digest) {
        self.entries.push((rel.to_string(), Stamped::Below(d.hash)));
        self.recent |= d.recent;
    }

    /// One hash of the entries, in name order (the order folders are read in varies), each
    /// with its stamp or the digest below it: any change anywhere below changes it.
    pub fn digest(mut self) -> Digest {
        self.entries
            .sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.order().cmp(&b.1.order())));
        let mut h = blake3::Hasher::new();
        for (rel, s) in &self.entries {
            h.update(rel.as_bytes());
            match s {
                Stamped::Entry(stamp) => {
                    h.update(b"\0");
                    for n in stamp {
                        h.update(&n.to_le_bytes());
                    }
                }
                Stamped::Below(d) => {
                    h.update(b"\0/");
                    h.update(d.as_bytes());
                }
            }
        }
        Digest {
            hash: h.finalize(),
            recent: self.recent,
        }
    }
}

impl Stamped {
    /// Ties on a name (a folder's stamp and its digest) sort the same way every time.
    fn order(&self) -> u8 {
        match self {
            Stamped::Entry(_) => 0,
            Stamped::Below(_) => 1,
        }
    }
}

/// The moment before which inputs must have been last changed for a memo to be stored:
/// two seconds before the build started (before any input was read).
pub fn cutoff(started: SystemTime) -> SystemTime {
    started
        .checked_sub(Duration::from_secs(2))
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// Name, kind, size and times of an entry: what changes when it is edited or replaced.
pub type Stamp = [u128; 6];

fn stamp(m: &std::fs::Metadata) -> (Stamp, SystemTime) {
    let kind = if m.is_dir() {
        1
    } else if m.file_type().is_symlink() {
        2
    } else {
        3
    };
    let mtime = m.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let nanos = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    };
    #[cfg(unix)]
    let (ctime, ino) = {
        use std::os::unix::fs::MetadataExt;
        let c = SystemTime::UNIX_EPOCH
            + Duration::new(
                m.ctime().max(0) as u64,
                m.ctime_nsec().clamp(0, 999_999_999) as u32,
            );
        (c, m.ino() as u128 | (m.dev() as u128) << 64)
    };
    #[cfg(not(unix))]
    let (ctime, ino) = (mtime, 0u128);
    let newest = mtime.max(ctime);
    (
        [kind, m.len() as u128, nanos(mtime), nanos(ctime), ino, 0],
        newest,
    )
}

/// Stamp the folder entry at `p`, named `r` inside the walked tree, whose own (not followed)
/// metadata is `m`, into `out`. A symbolic link is stamped with where it points and what is
/// there now. Returns the followed metadata when the walk should go into it (a folder, or a
/// link to one).
pub fn stamp_entry(
    p: &Path,
    r: &str,
    m: Option<&std::fs::Metadata>,
    cutoff: SystemTime,
    out: &mut Stamps,
) -> Option<std::fs::Metadata> {
    let Some(m) = m else {
        out.entries.push((r.to_string(), Stamped::Entry([0; 6])));
        return None;
    };
    let (mut s, newest) = stamp(m);
    out.recent |= newest > cutoff;
    let mut into = None;
    if m.file_type().is_symlink() {
        if let Ok(target) = std::fs::read_link(p) {
            s[5] = u128::from_le_bytes(
                blake3::hash(target.as_os_str().as_encoded_bytes()).as_bytes()[..16]
                    .try_into()
                    .unwrap_or([0; 16]),
            );
        }
        if let Ok(tm) = std::fs::metadata(p) {
            let (ts, tnewest) = stamp(&tm);
            out.recent |= tnewest > cutoff;
            out.entries.push((format!("{r}\0->"), Stamped::Entry(ts)));
            if tm.is_dir() {
                into = Some(tm);
            }
        }
    } else if m.is_dir() {
        into = Some(m.clone());
    }
    out.entries.push((r.to_string(), Stamped::Entry(s)));
    into
}

/// The marker of a folder (or entry) that could not be read.
pub fn unreadable(rel: &str, out: &mut Stamps) {
    out.entries
        .push((format!("{rel}\0unreadable"), Stamped::Entry([0; 6])));
}

/// The digest of every entry below `abs` (hidden ones too: the stamps must not depend on
/// what the loader skips), named from `rel`. Folders are read in parallel.
pub fn walk_below(abs: PathBuf, rel: String, cutoff: SystemTime) -> Digest {
    let mut out = Stamps::default();
    let mut subdirs = Vec::new();
    match std::fs::read_dir(&abs) {
        Ok(rd) => {
            for e in rd {
                let Ok(e) = e else {
                    unreadable(&rel, &mut out);
                    continue;
                };
                let name = e.file_name().to_string_lossy().into_owned();
                let r = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                let p = e.path();
                let m = e.metadata().ok();
                if stamp_entry(&p, &r, m.as_ref(), cutoff, &mut out).is_some() {
                    subdirs.push((p, r));
                }
            }
        }
        Err(_) => unreadable(&rel, &mut out),
    }
    let below: Vec<(String, Digest)> = subdirs
        .into_par_iter()
        .map(|(p, r)| {
            let d = walk_below(p, r.clone(), cutoff);
            (r, d)
        })
        .collect();
    for (r, d) in below {
        out.below(&r, d);
    }
    out.digest()
}

/// [`walk_below`] of a whole tree, or a marker that it is absent.
pub fn walk(dir: &Path, cutoff: SystemTime) -> Digest {
    if !dir.exists() {
        let mut absent = Stamps::default();
        absent
            .entries
            .push(("\0absent".into(), Stamped::Entry([0; 6])));
        return absent.digest();
    }
    walk_below(dir.to_path_buf(), String::new(), cutoff)
}

impl Digest {
    pub fn hash(&self) -> blake3::Hash {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamps(entries: &[(&str, u128)], below: &[(&str, Digest)]) -> Stamps {
        let mut s = Stamps::default();
        for (name, n) in entries {
            s.entries
                .push((name.to_string(), Stamped::Entry([3, *n, 0, 0, 0, 0])));
        }
        for (name, d) in below {
            s.below(name, *d);
        }
        s
    }

    #[test]
    fn a_folder_digest_ignores_read_order_and_sees_every_change_below() {
        let leaf = stamps(&[("a/x.md", 1), ("a/y.md", 2)], &[]).digest();
        let leaf_swapped = stamps(&[("a/y.md", 2), ("a/x.md", 1)], &[]).digest();
        assert_eq!(leaf.hash, leaf_swapped.hash);
        let top = stamps(&[("a", 9), ("b.md", 4)], &[("a", leaf)]).digest();
        let top_swapped = stamps(&[("b.md", 4), ("a", 9)], &[("a", leaf_swapped)]).digest();
        assert_eq!(top.hash, top_swapped.hash);
        // A file changed two folders down changes the top.
        let edited = stamps(&[("a/x.md", 1), ("a/y.md", 5)], &[]).digest();
        let top_edited = stamps(&[("a", 9), ("b.md", 4)], &[("a", edited)]).digest();
        assert_ne!(top.hash, top_edited.hash);
        // The same file moved to another folder is a change too.
        let moved = stamps(&[("c/x.md", 1), ("a/y.md", 2)], &[]).digest();
        let top_moved = stamps(&[("a", 9), ("b.md", 4)], &[("a", moved)]).digest();
        assert_ne!(top.hash, top_moved.hash);
        // "Recent" anywhere below reaches the top.
        let mut fresh = stamps(&[("a/x.md", 1)], &[]);
        fresh.recent = true;
        let top_fresh = stamps(&[("a", 9)], &[("a", fresh.digest())]).digest();
        assert!(top_fresh.recent && !top.recent);
    }
}
