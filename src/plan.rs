//! The output plan: before anything is rendered or written, every file of every target is
//! listed with the target that makes it and the content (or theme, or gongshi itself) that
//! owns it. Every output path has exactly one owner (DESIGN.md §7): two owners of one path —
//! a slug equal to a generated name (`rules`, `static`, `print`, `index.html`), an
//! attachment named like a generated file, two areas with one slug, a file where a folder
//! must be — are a content error naming both, at the line where the slug or link is written.
//!
//! Paths are compared without regard to ASCII case: the output is also copied to servers
//! and USB sticks whose file systems do not tell `A` from `a`.
//!
//! The plan is then what the rest of the build asks: the sink refuses a file that is not in
//! it, `--only` keeps the previous files of the targets not built by looking them up here,
//! and `serve` knows which pass a file belongs to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostics, Pos};
use crate::render::TargetId;

/// Who owns a planned path.
#[derive(Debug, Clone)]
pub struct Owner {
    /// The content or theme file it comes from (relative to the root), or `None` for a
    /// file gongshi makes of its own (the manifest, the rules index).
    pub file: Option<PathBuf>,
    /// Where in `file` the name is written (the `slug:` line, the link), or 0:0 when the name
    /// is the file's or folder's own.
    pub pos: Pos,
    /// Or: the key in this file's YAML whose line is the place (looked up only to report).
    pub key: Option<(crate::yamlspan::SpanIndex, String)>,
    /// What it is, in Chinese: `乡镇“城关镇”`, `附件“a.pdf”`, `gongshi 生成的换届纪律页面`.
    pub what: String,
}

impl Owner {
    pub fn content(file: &Path, pos: Pos, what: impl Into<String>) -> Owner {
        Owner {
            file: Some(file.to_path_buf()),
            pos,
            key: None,
            what: what.into(),
        }
    }

    /// Owned by `file`, whose name is written at `key` of its YAML (when it is written there
    /// at all: `slug:` keys, photo fields).
    pub fn at_key(
        file: &Path,
        index: &crate::yamlspan::SpanIndex,
        key: Option<&str>,
        what: impl Into<String>,
    ) -> Owner {
        Owner {
            file: Some(file.to_path_buf()),
            pos: Pos::default(),
            key: key.map(|k| (index.clone(), k.to_string())),
            what: what.into(),
        }
    }

    pub fn generated(what: impl Into<String>) -> Owner {
        Owner {
            file: None,
            pos: Pos::default(),
            key: None,
            what: what.into(),
        }
    }

    pub fn pos(&self) -> Pos {
        match &self.key {
            Some((index, key)) => index.key_pos(key),
            None => self.pos,
        }
    }

    fn describe(&self) -> String {
        match &self.file {
            Some(f) => format!(
                "{}（{}）",
                f.to_string_lossy().replace('\\', "/"),
                self.what
            ),
            None => self.what.clone(),
        }
    }
}

/// The owner of an area's folder and pages.
pub fn area_owner(a: &crate::model::Area, what: &str) -> Owner {
    Owner::at_key(
        &a.file,
        &a.index,
        a.cfg.slug.is_some().then_some("slug"),
        format!(
            "{}“{}”{what}",
            a.cfg.level.as_deref().unwrap_or("地区"),
            a.name()
        ),
    )
}

/// The owner of a village's folder and board.
pub fn village_owner(v: &crate::model::Village) -> Owner {
    Owner::at_key(
        &v.file,
        &v.index,
        v.cfg.slug.is_some().then_some("slug"),
        format!("{}“{}”", v.cfg.kind.zh(), v.name()),
    )
}

/// The owner of a notice's folder or of one of its files (`what`: `的海报` …).
pub fn notice_owner(n: &crate::model::Notice, what: &str) -> Owner {
    Owner::at_key(
        &n.file,
        &n.index,
        n.fm.slug.is_some().then_some("slug"),
        format!("公告“{}”{what}", n.fm.title.as_deref().unwrap_or(&n.slug)),
    )
}

/// Index of an owner in [`Plan::owners`].
pub type OwnerId = u32;

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The path as planned (the map's key is lowercased); index into `paths`.
    path: u32,
    target: TargetId,
    owner: OwnerId,
    dir: bool,
    /// Made for a file's path, not planned itself: any owner may use it as a folder.
    implicit: bool,
}

/// A family of files whose number is known only when rendering (`wechat.fragment.2.html`):
/// `prefix` + digits + `suffix`.
#[derive(Debug, Clone)]
struct Family {
    dir: String,
    prefix: &'static str,
    suffix: &'static str,
    target: TargetId,
    owner: OwnerId,
}

#[derive(Debug, Default)]
pub struct Plan {
    owners: Vec<Owner>,
    paths: Vec<String>,
    entries: HashMap<String, Entry>,
    families: HashMap<String, Vec<Family>>,
    /// Conflicts found so far: (owner planned first, owner planned second, path).
    conflicts: Vec<(OwnerId, OwnerId, String)>,
}

fn key(path: &str) -> String {
    let p = path.trim_end_matches('/');
    if p.bytes().any(|b| b.is_ascii_uppercase()) {
        p.to_ascii_lowercase()
    } else {
        p.to_string()
    }
}

impl Plan {
    pub fn new() -> Plan {
        Plan::default()
    }

    pub fn owner(&mut self, o: Owner) -> OwnerId {
        self.owners.push(o);
        (self.owners.len() - 1) as OwnerId
    }

    /// A folder owned by `owner` (`chengguan/`, trailing slash optional).
    pub fn dir(&mut self, path: &str, target: TargetId, owner: OwnerId) {
        self.add(path, target, owner, true, false);
    }

    /// A file owned by `owner`. Folders on its path that nothing planned are made for it.
    pub fn file(&mut self, path: &str, target: TargetId, owner: OwnerId) {
        self.add(path, target, owner, false, false);
    }

    /// Files `dir` + `prefix` + a number + `suffix`.
    pub fn family(
        &mut self,
        dir: &str,
        prefix: &'static str,
        suffix: &'static str,
        target: TargetId,
        owner: OwnerId,
    ) {
        self.families.entry(key(dir)).or_default().push(Family {
            dir: dir.to_string(),
            prefix,
            suffix,
            target,
            owner,
        });
    }

    fn add(&mut self, path: &str, target: TargetId, owner: OwnerId, dir: bool, implicit: bool) {
        // Below a refused slug (already an error): nothing to plan.
        if path.contains('\0') {
            return;
        }
        let trimmed = path.trim_end_matches('/');
        // Folders above it.
        let mut from = 0;
        while let Some(i) = trimmed[from..].find('/') {
            let parent = &trimmed[..from + i];
            match self.entries.get(&key(parent)) {
                Some(e) if !e.dir => {
                    self.conflict(e.owner, owner, parent.to_string());
                    return;
                }
                Some(_) => {}
                None => self.insert(parent, target, owner, true, true),
            }
            from += i + 1;
        }
        match self.entries.get(&key(trimmed)).copied() {
            None => self.insert(trimmed, target, owner, dir, implicit),
            Some(e) => {
                let same = e.owner == owner || self.owners_alike(e.owner, owner);
                let fine = if dir && e.dir {
                    // A folder planned twice: fine for one owner, or over a folder only made
                    // on the way to someone's file.
                    same || e.implicit || implicit
                } else {
                    // A file planned twice by one owner (an attachment linked twice) is one.
                    same && !dir && !e.dir && e.target == target
                };
                if !fine {
                    self.conflict(e.owner, owner, trimmed.to_string());
                } else if dir && e.implicit && !implicit {
                    // The explicit owner takes the folder over.
                    if let Some(x) = self.entries.get_mut(&key(trimmed)) {
                        x.owner = owner;
                        x.implicit = false;
                    }
                }
            }
        }
    }

    fn owners_alike(&self, a: OwnerId, b: OwnerId) -> bool {
        let (a, b) = (&self.owners[a as usize], &self.owners[b as usize]);
        a.file.is_some() && a.file == b.file && a.what == b.what
    }

    fn insert(&mut self, path: &str, target: TargetId, owner: OwnerId, dir: bool, implicit: bool) {
        self.paths.push(path.to_string());
        self.entries.insert(
            key(path),
            Entry {
                path: (self.paths.len() - 1) as u32,
                target,
                owner,
                dir,
                implicit,
            },
        );
    }

    fn conflict(&mut self, first: OwnerId, second: OwnerId, path: String) {
        self.conflicts.push((first, second, path));
    }

    /// Report every conflict (an error each, at the content file that claims the path).
    /// `true` when there were none.
    pub fn report(&self, diags: &Diagnostics) -> bool {
        for (a, b, path) in &self.conflicts {
            let (oa, ob) = (&self.owners[*a as usize], &self.owners[*b as usize]);
            // Reported where a clerk can change it: the content side; of two, the one whose
            // name is written on a line (a slug, a link), else the later one.
            let placed =
                |o: &Owner| o.file.is_some() && (o.key.is_some() || o.pos != Pos::default());
            let (here, other) = if placed(ob) || (ob.file.is_some() && !placed(oa)) {
                (ob, oa)
            } else {
                (oa, ob)
            };
            let Some(file) = &here.file else { continue };
            let shown = if self.entries.get(&key(path)).is_some_and(|e| e.dir) {
                format!("{path}/")
            } else {
                path.clone()
            };
            diags.error(
                file,
                here.pos(),
                format!(
                    "输出中的“{shown}”会同时由{}和{}生成，后生成的会覆盖先生成的。",
                    here.what,
                    other.describe()
                ),
                if other.file.is_none() {
                    format!(
                        "“{}”是 gongshi 自己要用的名字。请给{}换一个名字（文件夹名、文件名，或写 slug: 另一个名字）。",
                        shown.rsplit('/').find(|s| !s.is_empty()).unwrap_or(&shown),
                        here.what
                    )
                } else {
                    "请给其中一个换一个名字（文件夹名、文件名，或写 slug: 另一个名字），使每个网址只对应一份内容。".to_string()
                },
            );
        }
        self.conflicts.is_empty()
    }

    /// The target and owner of a planned file, if `path` is one.
    pub fn lookup(&self, path: &str) -> Option<(TargetId, &Owner)> {
        if let Some(e) = self.entries.get(&key(path)) {
            // Case-insensitively equal but not equal is someone else's name.
            if e.dir || self.paths[e.path as usize] != path {
                return None;
            }
            return Some((e.target, &self.owners[e.owner as usize]));
        }
        let (dir, name) = match path.rfind('/') {
            Some(i) => (&path[..=i], &path[i + 1..]),
            None => ("", path),
        };
        let fams = self.families.get(&key(dir))?;
        fams.iter()
            .find(|f| {
                f.dir == dir
                    && name
                        .strip_prefix(f.prefix)
                        .and_then(|r| r.strip_suffix(f.suffix))
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
            .map(|f| (f.target, &self.owners[f.owner as usize]))
    }

    /// The target of a planned file (or family member).
    pub fn target_of(&self, path: &str) -> Option<TargetId> {
        self.lookup(path).map(|(t, _)| t)
    }

    /// How many files are planned (families count once).
    pub fn files(&self) -> usize {
        self.entries.values().filter(|e| !e.dir).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: TargetId = TargetId(0);

    fn owner(p: &mut Plan, file: &str, what: &str) -> OwnerId {
        p.owner(Owner::content(Path::new(file), Pos::new(3, 1), what))
    }

    #[test]
    fn two_owners_of_one_path_are_reported_at_the_content_file() {
        let mut p = Plan::new();
        let generated = p.owner(Owner::generated("gongshi 生成的换届纪律页面"));
        p.dir("rules/", T, generated);
        let a = owner(&mut p, "content/a/area.yaml", "乡镇“甲镇”");
        let b = owner(&mut p, "content/b/area.yaml", "乡镇“乙镇”");
        p.dir("x/", T, a);
        p.dir("X/", T, b);
        let c = owner(&mut p, "content/rules/area.yaml", "乡镇“丙镇”");
        p.dir("rules/", T, c);
        let d = Diagnostics::new();
        assert!(!p.report(&d));
        let all = d.into_sorted();
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(
            all.iter()
                .any(|x| x.file == Path::new("content/b/area.yaml")
                    && x.message.contains("content/a/area.yaml"))
        );
        assert!(
            all.iter()
                .any(|x| x.file == Path::new("content/rules/area.yaml")
                    && x.hint.contains("gongshi 自己要用的名字"))
        );
    }

    #[test]
    fn a_file_where_a_folder_must_be_is_a_conflict() {
        let mut p = Plan::new();
        let area = owner(&mut p, "content/a/area.yaml", "乡镇");
        let v = owner(&mut p, "content/a/index.html/village.yaml", "村");
        p.dir("a/", T, area);
        p.file("a/index.html", T, area);
        p.dir("a/index.html/", T, v);
        let n = owner(&mut p, "content/a/v/n.md", "公告");
        p.file("a/v/n/poster.pdf", T, n);
        p.file("a/v/n/poster.pdf/x.jpg", T, n);
        let d = Diagnostics::new();
        assert!(!p.report(&d));
        assert_eq!(d.into_sorted().len(), 2);
    }

    #[test]
    fn one_owner_may_plan_a_file_twice_and_families_are_found() {
        let mut p = Plan::new();
        let n = owner(&mut p, "content/a/v/n.md", "公告");
        p.dir("a/v/n/", T, n);
        p.file("a/v/n/photos/a.jpg", T, n);
        p.file("a/v/n/photos/a.jpg", T, n);
        p.family("a/v/n/", "wechat.fragment.", ".html", TargetId(2), n);
        assert!(p.report(&Diagnostics::new()));
        assert!(p.lookup("a/v/n/photos/a.jpg").is_some());
        assert!(p.lookup("a/v/n/photos/A.jpg").is_none());
        assert_eq!(
            p.target_of("a/v/n/wechat.fragment.12.html"),
            Some(TargetId(2))
        );
        assert_eq!(p.target_of("a/v/n/wechat.fragment.x.html"), None);
        assert_eq!(p.target_of("a/v/n/other.html"), None);
    }
}
