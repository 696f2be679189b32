//! Stage 4: publishing. Everything is written to a staging folder beside the output and
//! swapped in only when the whole build succeeded, so a failed build leaves the previous
//! output exactly as it was.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Marks a folder as gongshi's output, so a build never replaces a folder it did not make.
pub const MARKER: &str = ".gongshi-output";

pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    done: bool,
}

/// Why the output folder may not be used.
pub fn check_output(root: &Path, output: &Path) -> Result<(), String> {
    let abs_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let abs_out = absolute(output);
    let content = abs_root.join("content");
    if abs_out == abs_root || abs_root.starts_with(&abs_out) {
        return Err(format!(
            "输出文件夹 {} 是网站根目录或它的上级，生成时会覆盖它。",
            output.display()
        ));
    }
    if abs_out.starts_with(&content) || abs_out.starts_with(abs_root.join("themes")) {
        return Err(format!(
            "输出文件夹 {} 在 content 或 themes 里面。",
            output.display()
        ));
    }
    if abs_out.is_dir() && !abs_out.join(MARKER).exists() {
        let non_empty = std::fs::read_dir(&abs_out)
            .map(|mut d| d.any(|e| e.is_ok_and(|e| e.file_name() != ".gitkeep")))
            .unwrap_or(false);
        if non_empty {
            return Err(format!(
                "输出文件夹 {} 里已有别的文件，不是 gongshi 生成的；为免误删，没有覆盖它。",
                output.display()
            ));
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let base = if p.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let joined = base.join(p);
    // The folder may not exist yet: canonicalise its parent.
    match (
        joined.parent().and_then(|x| x.canonicalize().ok()),
        joined.file_name(),
    ) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => joined,
    }
}

impl Staging {
    pub fn new(output: &Path) -> io::Result<Staging> {
        let output = absolute(output);
        let parent = output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        remove_stale(&parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(MARKER), "gongshi\n")?;
        // Keep a repository's placeholder so the generated folder stays tracked but empty.
        if output.join(".gitkeep").exists() {
            std::fs::write(dir.join(".gitkeep"), "")?;
        }
        Ok(Staging {
            dir,
            output,
            done: false,
        })
    }

    /// Swap the staged output in. The old output is moved aside first and removed after.
    pub fn commit(mut self) -> io::Result<()> {
        let parent = self
            .output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let name = self
            .output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_old = self.output.exists();
        if had_old {
            std::fs::rename(&self.output, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            if had_old {
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(e);
        }
        self.done = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

/// Remove what a build that was killed left beside the output (its staging, backup or
/// moved-aside folder), once the process that made it is gone.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let pid = ["staging-", "backup-", "old-"]
            .iter()
            .find_map(|k| rest.strip_prefix(k))
            .and_then(|p| p.parse::<u32>().ok());
        let Some(pid) = pid else { continue };
        if pid != std::process::id() && !process_alive(pid) {
            let output = parent.join(name);
            // Killed between moving the old output aside and moving the new one in: the
            // old one goes back.
            if rest.starts_with("old-") && !output.exists() {
                let _ = std::fs::rename(e.path(), &output);
            } else {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // Without a way to tell, assume it still runs.
        true
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The list of files in an output folder with how each was made, so the next build can leave
/// unchanged files where they are and skip rendering pages whose inputs did not change.
pub const INDEX: &str = ".gongshi-index";

#[derive(Clone, Copy)]
struct Entry {
    /// xxh3-128 of the file's bytes. It only tells whether a file is already what the build
    /// made (its inputs are keyed with blake3 below); a province's 600 MB of pages hash in
    /// a twentieth of blake3's time.
    hash: u128,
    /// blake3 of everything the file was made from (see `Sink::reuse`), salted with the
    /// program's identity; all zero when unknown.
    key: blake3::Hash,
    len: u64,
    /// Modification time in nanoseconds, to notice a file changed by hand.
    mtime: u128,
}

const NO_KEY: blake3::Hash = blake3::Hash::from_bytes([0; 32]);

const INDEX_HEADER: &str = "gongshi-index 2";

/// The index of `output` and the hash of its text, or `None` when there is none or it cannot
/// be trusted.
fn read_index(output: &Path) -> Option<(HashMap<String, Entry>, blake3::Hash)> {
    let text = std::fs::read_to_string(output.join(INDEX)).ok()?;
    let mut lines = text.lines();
    if lines.next() != Some(INDEX_HEADER) {
        return None;
    }
    let mut map = HashMap::new();
    for l in lines {
        let mut f = l.splitn(5, ' ');
        let mut entry = || -> Option<(String, Entry)> {
            let hash = u128::from_str_radix(f.next()?, 16).ok()?;
            let key = blake3::Hash::from_hex(f.next()?).ok()?;
            let len = f.next()?.parse().ok()?;
            let mtime = f.next()?.parse().ok()?;
            let path = f.next()?.to_string();
            Some((
                path,
                Entry {
                    hash,
                    key,
                    len,
                    mtime,
                },
            ))
        };
        let (path, e) = entry()?;
        // A path that could leave the output folder means the index was tampered with.
        if path.is_empty()
            || path.starts_with('/')
            || path.split('/').any(|s| s == ".." || s.is_empty())
        {
            return None;
        }
        map.insert(path, e);
    }
    Some((map, blake3::hash(text.as_bytes())))
}

/// `output/rel` is still what the index says (not changed or removed by hand).
fn intact(output: &Path, rel: &str, e: &Entry) -> bool {
    matches!(
        std::fs::symlink_metadata(output.join(rel)),
        Ok(m) if m.is_file() && m.len() == e.len && crate::reuse::mtime_of(&m) == e.mtime
    )
}

/// The number of files in `output` and the hash of its index, when every file the index
/// lists is still there as it was written (same length and modification time). Used to
/// trust a whole previous build (see `memo`).
pub fn verify(output: &Path) -> Option<(usize, blake3::Hash)> {
    use rayon::prelude::*;
    if !output.join(MARKER).is_file() {
        return None;
    }
    let (map, hash) = read_index(output)?;
    let entries: Vec<(&String, &Entry)> = map.iter().collect();
    let all_intact = entries.par_iter().all(|(rel, e)| intact(output, rel, e));
    all_intact.then_some((map.len(), hash))
}

/// Counts of what a build did with its files.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    /// Files whose bytes were written.
    pub written: usize,
    /// Files left as they were in the previous output (same bytes).
    pub kept: usize,
    /// Files of the previous output that the build no longer makes, removed.
    pub removed: usize,
    /// Files the output now holds and the hash of its index.
    pub index: Option<(usize, blake3::Hash)>,
}

/// The build's sink. New and changed files are written to a staging folder beside the
/// output; files whose bytes the previous output already has are not written at all.
///
/// Publishing ([`Writer::finish`]) happens only after the whole build succeeded. On a first
/// build (or when the output has no trustworthy index) the staging folder is swapped in as a
/// whole. Otherwise the staged files are renamed into the existing output one by one (each
/// file is replaced atomically; a reader never sees half a file) and files the build no
/// longer makes are removed: a rebuild of an unchanged province touches nothing, where
/// rebuilding the whole tree would rewrite or relink 200,000 files.
pub struct Writer {
    /// Taken when the staging folder is swapped in whole.
    staging: Mutex<Option<Staging>>,
    /// The staging folder.
    dir: PathBuf,
    output: PathBuf,
    /// The previous output has an index: update it in place.
    in_place: bool,
    old: HashMap<String, Entry>,
    /// Hash of the previous index's text: an identical index is not rewritten either.
    old_index: Option<blake3::Hash>,
    new: Mutex<HashMap<String, Entry>>,
    /// Files written to the staging folder (relative paths).
    staged: Mutex<Vec<String>>,
    salt: blake3::Hash,
    /// Folders made in the staging folder so far: each is made once, parents first, so no
    /// file creation fails for want of its folder (a province writes 80,000 new folders).
    made: Mutex<std::collections::HashSet<String>>,
    error: Mutex<Option<io::Error>>,
    written: AtomicUsize,
    kept: AtomicUsize,
}

impl Writer {
    pub fn new(output: &Path) -> io::Result<Writer> {
        let staging = Staging::new(output)?;
        let output = staging.output.clone();
        let old = if output.join(MARKER).is_file() {
            read_index(&output)
        } else {
            None
        };
        let (old, old_index) = match old {
            Some((map, hash)) => (Some(map), Some(hash)),
            None => (None, None),
        };
        Ok(Writer {
            dir: staging.dir.clone(),
            staging: Mutex::new(Some(staging)),
            output,
            in_place: old.is_some(),
            old: old.unwrap_or_default(),
            old_index,
            new: Mutex::new(HashMap::new()),
            staged: Mutex::new(Vec::new()),
            salt: crate::reuse::program_fingerprint(),
            made: Mutex::new(std::collections::HashSet::new()),
            error: Mutex::new(None),
            written: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
        })
    }

    fn salted(&self, key: &blake3::Hash) -> blake3::Hash {
        crate::reuse::keys::output_file(&self.salt, key)
    }

    /// The previous output's file is still what the index says (not changed by hand).
    fn intact(&self, rel: &str, e: &Entry) -> bool {
        intact(&self.output, rel, e)
    }

    fn keep(&self, rel: &str, e: Entry) {
        self.record(rel, e);
        self.kept.fetch_add(1, Ordering::Relaxed);
    }

    fn record(&self, rel: &str, e: Entry) {
        self.new
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), e);
    }

    /// Make the staging folder's subfolder `rel` (`/`-separated) and those above it that
    /// this build has not made yet.
    fn make_dirs(&self, rel: &str) -> io::Result<()> {
        let missing: Vec<&str> = {
            let made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            let mut missing = Vec::new();
            let mut cur = rel;
            while !cur.is_empty() && !made.contains(cur) {
                missing.push(cur);
                cur = cur.rfind('/').map_or("", |i| &cur[..i]);
            }
            missing
        };
        for d in missing.iter().rev() {
            match std::fs::create_dir(self.dir.join(d)) {
                Ok(()) => {}
                // Another thread made it first.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        if !missing.is_empty() {
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            made.extend(missing.iter().map(|d| d.to_string()));
        }
        Ok(())
    }

    /// Write `bytes` to `rel` in the staging folder; returns the new file's modification
    /// time (from the open file: no second path lookup).
    fn write_staged(&self, rel: &str, bytes: &[u8]) -> io::Result<std::time::SystemTime> {
        use std::io::Write as _;
        if let Some((parent, _)) = rel.rsplit_once('/') {
            self.make_dirs(parent)?;
        }
        let mut f = std::fs::File::create(self.dir.join(rel))?;
        f.write_all(bytes)?;
        f.metadata()?.modified()
    }

    fn fail(&self, e: io::Error) {
        let mut slot = self.error.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(e);
        }
    }

    /// Publish: keep the previous output's files of targets this build did not make, remove
    /// the ones it no longer makes, move the new and changed files in, write the index. An
    /// error at any step puts back every file already moved or removed: the previous output
    /// is then as it was.
    pub fn finish(
        &self,
        plan: &crate::plan::Plan<'_>,
        built: crate::render::Targets,
    ) -> io::Result<Written> {
        use rayon::prelude::*;
        if let Some(e) = self.error.lock().unwrap_or_else(|e| e.into_inner()).take() {
            return Err(e);
        }
        let mut new = std::mem::take(&mut *self.new.lock().unwrap_or_else(|e| e.into_inner()));
        let mut removed: Vec<&String> = Vec::new();
        for (p, e) in &self.old {
            if new.contains_key(p) {
                continue;
            }
            // A file of a target this build did not make stays, if it is still planned; a
            // file nothing plans any more (its notice is gone) goes.
            match plan.target_of(p) {
                Some(t) if !built.has(t) && self.in_place => {
                    new.insert(p.clone(), *e);
                }
                _ => removed.push(p),
            }
        }
        let mut paths: Vec<(&String, &Entry)> = new.iter().collect();
        paths.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        // A province's index is 80,000 lines: formatted in parallel chunks.
        let chunks: Vec<String> = paths
            .par_chunks(4096)
            .map(|chunk| {
                let mut text = String::with_capacity(chunk.len() * 200);
                for (p, e) in chunk {
                    use std::fmt::Write as _;
                    let _ = writeln!(
                        text,
                        "{:032x} {} {} {} {p}",
                        e.hash,
                        e.key.to_hex(),
                        e.len,
                        e.mtime
                    );
                }
                text
            })
            .collect();
        let mut text = String::with_capacity(chunks.iter().map(String::len).sum::<usize>() + 64);
        text.push_str(INDEX_HEADER);
        text.push('\n');
        for c in &chunks {
            text.push_str(c);
        }
        drop(chunks);
        let files = new.len();
        let index_hash = blake3::hash(text.as_bytes());
        let index_unchanged = self.old_index == Some(index_hash);
        if !index_unchanged {
            std::fs::write(self.dir.join(INDEX), text)?;
        }
        let counts = Written {
            written: self.written.load(Ordering::Relaxed),
            kept: self.kept.load(Ordering::Relaxed),
            removed: if self.in_place { removed.len() } else { 0 },
            index: Some((files, index_hash)),
        };
        if !self.in_place {
            let staging = self
                .staging
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            if let Some(st) = staging {
                st.commit()?;
            }
            return Ok(counts);
        }
        let staged = std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
        let mut tx = Transaction::new(&self.output)?;
        let result = (|| {
            // Before anything moves: every place a new file goes must be free for it (a
            // folder made by hand where a page goes would fail halfway otherwise).
            staged
                .par_iter()
                .try_for_each(|rel| place_is_free(&self.output, rel))?;
            let done: Vec<io::Result<Step>> = staged
                .par_iter()
                .map(|rel| tx.replace(&self.dir, rel))
                .chain(removed.par_iter().map(|rel| tx.remove(rel)))
                .collect();
            let mut first_error = None;
            for d in done {
                match d {
                    Ok(step) => tx.steps.push(step),
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            if let Some(e) = first_error {
                return Err(e);
            }
            if !index_unchanged {
                let step = tx.replace(&self.dir, INDEX)?;
                tx.steps.push(step);
            }
            Ok(())
        })();
        match result {
            Ok(()) => {
                tx.commit();
                Ok(counts)
            }
            Err(e) => {
                tx.rollback();
                Err(e)
            }
        }
    }
}

/// `output/rel` is a file or nothing, and every folder above it a folder or nothing.
fn place_is_free(output: &Path, rel: &str) -> io::Result<()> {
    let mut p = output.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        p.push(part);
        let last = i + 1 == parts.len();
        match std::fs::symlink_metadata(&p) {
            Err(_) => return Ok(()),
            Ok(m) if last && m.is_file() => return Ok(()),
            Ok(m) if !last && m.is_dir() => continue,
            Ok(_) => {
                return Err(io::Error::other(format!(
                    "输出文件夹里的 {} 是手工放进去的{}，gongshi 要在这里写入文件",
                    parts[..=i].join("/"),
                    if last { "文件夹" } else { "文件" }
                )));
            }
        }
    }
    Ok(())
}

/// What publishing did to one path, to undo it.
enum Step {
    /// A new or changed file moved in; `backup` holds the previous one, if any.
    Replaced {
        rel: String,
        backup: bool,
        made: Vec<PathBuf>,
    },
    /// A file no longer made, moved to the backup folder.
    Removed { rel: String },
}

/// Moves into the output that can all be undone: a replaced or removed file is first kept
/// (as a hard link, or moved) in a backup folder beside the output.
struct Transaction {
    output: PathBuf,
    backup: PathBuf,
    steps: Vec<Step>,
}

impl Transaction {
    fn new(output: &Path) -> io::Result<Transaction> {
        let parent = output.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let backup = parent.join(format!(".{name}.backup-{}", std::process::id()));
        if backup.exists() {
            std::fs::remove_dir_all(&backup)?;
        }
        Ok(Transaction {
            output: output.to_path_buf(),
            backup,
            steps: Vec::new(),
        })
    }

    fn keep_aside(&self, rel: &str, how: fn(&Path, &Path) -> io::Result<()>) -> io::Result<bool> {
        let from = self.output.join(rel);
        if std::fs::symlink_metadata(&from).is_err() {
            return Ok(false);
        }
        let to = self.backup.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        how(&from, &to)?;
        Ok(true)
    }

    fn replace(&self, staging: &Path, rel: &str) -> io::Result<Step> {
        let backup = self.keep_aside(rel, |a, b| std::fs::hard_link(a, b))?;
        let dst = self.output.join(rel);
        let mut made = Vec::new();
        if let Err(e) = std::fs::rename(staging.join(rel), &dst) {
            if e.kind() != io::ErrorKind::NotFound {
                return Err(e);
            }
            // Folders that do not exist yet, made top down (and removed again on undo).
            let mut missing = Vec::new();
            let mut d = dst.parent();
            while let Some(p) = d
                && p != self.output
                && !p.exists()
            {
                missing.push(p.to_path_buf());
                d = p.parent();
            }
            for p in missing.iter().rev() {
                match std::fs::create_dir(p) {
                    Ok(()) => made.push(p.clone()),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(e),
                }
            }
            if let Err(e) = std::fs::rename(staging.join(rel), &dst) {
                for d in made.iter().rev() {
                    let _ = std::fs::remove_dir(d);
                }
                return Err(e);
            }
        }
        Ok(Step::Replaced {
            rel: rel.to_string(),
            backup,
            made,
        })
    }

    fn remove(&self, rel: &str) -> io::Result<Step> {
        self.keep_aside(rel, |a, b| std::fs::rename(a, b))?;
        Ok(Step::Removed {
            rel: rel.to_string(),
        })
    }

    /// Everything is in place: drop the backups and folders left empty by removals.
    fn commit(self) {
        for s in &self.steps {
            if let Step::Removed { rel } = s {
                // Drop folders left empty (a village that was deleted); stops at the first
                // folder that still holds something.
                let mut dir = self.output.join(rel).parent().map(Path::to_path_buf);
                while let Some(d) = dir
                    && d != self.output
                    && std::fs::remove_dir(&d).is_ok()
                {
                    dir = d.parent().map(Path::to_path_buf);
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.backup);
    }

    /// Put every file back as it was before publishing began.
    fn rollback(self) {
        for s in self.steps.iter().rev() {
            match s {
                Step::Replaced { rel, backup, made } => {
                    let dst = self.output.join(rel);
                    if *backup {
                        let _ = std::fs::rename(self.backup.join(rel), &dst);
                    } else {
                        let _ = std::fs::remove_file(&dst);
                    }
                    for d in made.iter().rev() {
                        let _ = std::fs::remove_dir(d);
                    }
                }
                Step::Removed { rel } => {
                    let _ = std::fs::rename(self.backup.join(rel), self.output.join(rel));
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.backup);
    }
}

impl crate::render::Sink for Writer {
    fn put(&self, page: crate::render::Page, key: Option<blake3::Hash>) {
        let hash = xxhash_rust::xxh3::xxh3_128(&page.bytes);
        let key = key.map_or(NO_KEY, |k| self.salted(&k));
        if let Some(old) = self.old.get(&page.path)
            && old.hash == hash
            && old.len == page.bytes.len() as u64
            && self.intact(&page.path, old)
        {
            self.keep(&page.path, Entry { key, ..*old });
            return;
        }
        match self.write_staged(&page.path, &page.bytes) {
            Ok(modified) => {
                // A rename keeps the modification time: this is the time the file will have.
                let mtime = crate::reuse::nanos(modified);
                self.record(
                    &page.path,
                    Entry {
                        hash,
                        key,
                        len: page.bytes.len() as u64,
                        mtime,
                    },
                );
                if self.in_place {
                    self.staged
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(page.path);
                }
                self.written.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => self.fail(e),
        }
    }

    fn reuse(&self, path: &str, key: &blake3::Hash) -> bool {
        let Some(old) = self.old.get(path) else {
            return false;
        };
        if old.key != NO_KEY && old.key == self.salted(key) && self.intact(path, old) {
            self.keep(path, *old);
            true
        } else {
            false
        }
    }

    fn keeps_previous(&self) -> bool {
        self.in_place
    }

    fn previous(&self, path: &str) -> Option<Vec<u8>> {
        let old = self.old.get(path)?;
        if !self.intact(path, old) {
            return None;
        }
        let bytes = std::fs::read(self.output.join(path)).ok()?;
        (xxhash_rust::xxh3::xxh3_128(&bytes) == old.hash).then_some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((
                rel,
                e.file_type()
                    .is_file()
                    .then(|| std::fs::read(e.path()).unwrap()),
            ));
        }
        out
    }

    /// A step that fails after others succeeded: every file moved or removed goes back.
    #[test]
    fn a_failure_midway_puts_everything_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let staging = dir.path().join("staging");
        for (p, b) in [
            ("a.html", "old a"),
            ("x/b.html", "old b"),
            ("x/gone.html", "gone"),
        ] {
            let f = out.join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, b).unwrap();
        }
        for (p, b) in [("a.html", "new a"), ("new/deep/c.html", "new c")] {
            let f = staging.join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, b).unwrap();
        }
        let before = tree(&out);
        let mut tx = Transaction::new(&out).unwrap();
        for rel in ["a.html", "new/deep/c.html"] {
            let step = tx.replace(&staging, rel).unwrap();
            tx.steps.push(step);
        }
        let step = tx.remove("x/gone.html").unwrap();
        tx.steps.push(step);
        assert_eq!(
            std::fs::read_to_string(out.join("a.html")).unwrap(),
            "new a"
        );
        // The next move fails: its staged file is missing.
        assert!(tx.replace(&staging, "missing.html").is_err());
        let backup = tx.backup.clone();
        tx.rollback();
        assert_eq!(tree(&out), before);
        assert!(!backup.exists());
    }

    #[test]
    fn a_folder_where_a_file_goes_is_found_before_anything_moves() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("a/index.html")).unwrap();
        assert!(place_is_free(out, "a/index.html").is_err());
        std::fs::write(out.join("b"), "").unwrap();
        assert!(place_is_free(out, "b/index.html").is_err());
        assert!(place_is_free(out, "c/d/index.html").is_ok());
    }
}
