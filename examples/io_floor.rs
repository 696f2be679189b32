//! The file-system work of a site build and nothing else: read every file under a content
//! folder, then write a copy of a finished output folder (same folders, same files, same
//! bytes) into a new folder, in parallel on every core like `gongshi build`. What it takes is
//! the floor under any build of that site on this machine, whatever the program does.
//!
//!   cargo run --release --example io_floor -- CONTENT_DIR BUILT_OUTPUT_DIR NEW_DIR
//!
//! e.g. after `gongshi build --root /dev/shm/p20000 --only site --output /dev/shm/o`:
//! `… -- /dev/shm/p20000/content /dev/shm/o /dev/shm/floor-out` (NEW_DIR must not exist).
//! The output files are read into memory before the clock starts.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn walk(dir: &Path, files: &mut Vec<PathBuf>, dirs: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => {
                dirs.push(p.clone());
                walk(&p, files, dirs);
            }
            Ok(_) => files.push(p),
            Err(_) => {}
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, content, built, new] = &args[..] else {
        eprintln!("usage: io_floor CONTENT_DIR BUILT_OUTPUT_DIR NEW_DIR");
        std::process::exit(2);
    };
    let (content, built, new) = (Path::new(content), Path::new(built), Path::new(new));
    // The output to write, in memory: (relative path, bytes), folders first.
    let (mut out_files, mut out_dirs) = (Vec::new(), Vec::new());
    walk(built, &mut out_files, &mut out_dirs);
    let out: Vec<(PathBuf, Vec<u8>)> = out_files
        .par_iter()
        .map(|p| {
            let rel = p.strip_prefix(built).unwrap_or(p).to_path_buf();
            (rel, std::fs::read(p).unwrap_or_default())
        })
        .collect();
    let rel_dirs: Vec<PathBuf> = out_dirs
        .iter()
        .map(|d| d.strip_prefix(built).unwrap_or(d).to_path_buf())
        .collect();
    let bytes: usize = out.iter().map(|(_, b)| b.len()).sum();

    let start = Instant::now();
    let (mut in_files, mut in_dirs) = (Vec::new(), Vec::new());
    walk(content, &mut in_files, &mut in_dirs);
    let read: usize = in_files
        .par_iter()
        .map(|p| std::fs::read(p).map_or(0, |b| b.len()))
        .sum();
    let read_done = start.elapsed();
    std::fs::create_dir_all(new).expect("create NEW_DIR");
    // Parents before children: a folder's depth orders it after the one that holds it.
    let mut by_depth: Vec<&PathBuf> = rel_dirs.iter().collect();
    by_depth.sort_by_key(|d| d.components().count());
    let mut level = Vec::new();
    let mut depth = 0;
    for d in by_depth.into_iter().chain(std::iter::once(&PathBuf::new())) {
        let n = d.components().count();
        if n != depth {
            level.par_iter().for_each(|d: &&PathBuf| {
                let _ = std::fs::create_dir(new.join(d));
            });
            level.clear();
            depth = n;
        }
        level.push(d);
    }
    out.par_iter().for_each(|(rel, b)| {
        std::fs::write(new.join(rel), b).expect("write");
    });
    let all = start.elapsed();
    eprintln!(
        "read {} files ({} bytes) in {:.2?}; made {} folders and wrote {} files ({} bytes); all in {:.2?}",
        in_files.len(),
        read,
        read_done,
        rel_dirs.len(),
        out.len(),
        bytes,
        all
    );
}
