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
//! A province has 60,000 notices, each with half a dozen generated files of the same names.
//! Those are planned once per kind of folder (every notice folder holds `poster.pdf`, made
//! by the posters target, owned by the notice): the plan lists folders with their kind and
//! the files content brings (attachments, photos) one by one, so it stays small.
//!
//! The plan is then what the rest of the build asks: the sink refuses a file that is not in
//! it, `--only` keeps the previous files of the targets not built by looking them up here.

use std::collections::HashMap;
use std::path::Path;

use rustc_hash::FxHashMap;

use crate::diag::{Diagnostics, Pos};
use crate::model::{Area, Notice, Village};
use crate::yamlspan::SpanIndex;

/// A target's place in `crate::render::TARGETS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TargetId(pub u8);

/// Which targets a build makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets(pub(crate) u32);

impl TargetId {
    /// Files every build makes whatever its targets (the manifest).
    pub const CORE: TargetId = TargetId(u8::MAX);
}

/// The kinds of folders whose generated files are planned once for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Folder {
    /// An area that holds villages directly (a township: it has a WeChat listing).
    Township,
    /// Any other area (a county above townships).
    Area,
    Village,
    Notice,
    /// `rules/<slug>/`.
    Rule,
    /// A folder with no generated files of its own kind (`static/`, `print/`, or one made on
    /// the way to an attachment).
    Plain,
}

/// What owns a planned path, described only when a conflict is reported.
#[derive(Debug, Clone, Copy)]
pub enum What<'a> {
    Area(&'a Area),
    Village(&'a Village),
    Notice(&'a Notice),
    Attachment(&'a Notice, &'a str),
    Photo(&'a Notice, usize, &'a str),
    /// Something gongshi makes of its own (`gongshi 生成的换届纪律页面`).
    Generated(&'static str),
}

impl<'a> What<'a> {
    fn file(&self) -> Option<&'a Path> {
        match self {
            What::Area(a) => Some(&a.file),
            What::Village(v) => Some(&v.file),
            What::Notice(n) | What::Attachment(n, _) | What::Photo(n, ..) => Some(&n.file),
            What::Generated(_) => None,
        }
    }

    /// Where in its file the name is written: a `slug:` line, a link, a photo field.
    fn pos(&self) -> Option<Pos> {
        let at = |index: &SpanIndex, has: bool| has.then(|| index.key_pos("slug"));
        match self {
            What::Area(a) => at(&a.index, a.cfg.slug.is_some()),
            What::Village(v) => at(&v.index, v.cfg.slug.is_some()),
            What::Notice(n) => at(&n.index, n.fm.slug.is_some()),
            What::Attachment(n, rel) => n.attachments.iter().find(|a| a.rel == *rel).map(|a| a.pos),
            What::Photo(n, i, _) => Some(n.index.pos(&format!("candidates.{i}.photo"))),
            What::Generated(_) => None,
        }
    }

    fn zh(&self, role: &str) -> String {
        match self {
            What::Area(a) => format!(
                "{}“{}”{role}",
                a.cfg.level.as_deref().unwrap_or("地区"),
                a.name()
            ),
            What::Village(v) => format!("{}“{}”{role}", v.cfg.kind.zh(), v.name()),
            What::Notice(n) => format!("公告“{}”{role}", n.fm.title.as_deref().unwrap_or(&n.slug)),
            What::Attachment(_, rel) => format!("附件“{rel}”"),
            What::Photo(_, _, p) => format!("照片“{p}”"),
            What::Generated(g) => format!("gongshi 生成的{g}{role}"),
        }
    }
}

/// Index of an owner in the plan.
pub type OwnerId = u32;

#[derive(Debug, Clone)]
struct Entry {
    target: TargetId,
    owner: OwnerId,
    /// `Some` for a folder.
    folder: Option<Folder>,
    /// Made for a file's path, not planned itself: any owner may use it as a folder.
    implicit: bool,
    /// The path as planned, when it differs from the (lowercase) key.
    cased: Option<Box<str>>,
}

/// A file every folder of a kind holds.
#[derive(Debug, Clone, Copy)]
struct Generated {
    name: &'static str,
    /// A family: `name` + a number + `suffix` (`wechat.fragment.2.html`).
    suffix: Option<&'static str>,
    target: TargetId,
    /// How the folder's owner is named for it: `的海报`.
    role: &'static str,
}

/// A conflict: the path, and who claimed it first and second (with their roles).
type Conflict = (String, (OwnerId, &'static str), (OwnerId, &'static str));

#[derive(Debug, Default)]
pub struct Plan<'a> {
    owners: Vec<What<'a>>,
    entries: FxHashMap<Box<str>, Entry>,
    generated: HashMap<Folder, Vec<Generated>>,
    conflicts: Vec<Conflict>,
}

/// The key of a path: without a trailing slash, ASCII lowercase.
fn key(path: &str) -> std::borrow::Cow<'_, str> {
    let p = path.trim_end_matches('/');
    if p.bytes().any(|b| b.is_ascii_uppercase()) {
        p.to_ascii_lowercase().into()
    } else {
        p.into()
    }
}

fn split(path: &str) -> (&str, &str) {
    let p = path.trim_end_matches('/');
    match p.rfind('/') {
        Some(i) => (&p[..i], &p[i + 1..]),
        None => ("", p),
    }
}

impl<'a> Plan<'a> {
    pub fn new() -> Plan<'a> {
        Plan::default()
    }

    pub fn owner(&mut self, o: What<'a>) -> OwnerId {
        self.owners.push(o);
        (self.owners.len() - 1) as OwnerId
    }

    /// Every folder of `kind` holds `name`, made by `target`; its owner is the folder's.
    pub fn in_every(
        &mut self,
        kind: Folder,
        name: &'static str,
        target: TargetId,
        role: &'static str,
    ) {
        self.generated.entry(kind).or_default().push(Generated {
            name,
            suffix: None,
            target,
            role,
        });
    }

    /// Every folder of `kind` may hold `prefix` + a number + `suffix`.
    pub fn family_in_every(
        &mut self,
        kind: Folder,
        prefix: &'static str,
        suffix: &'static str,
        target: TargetId,
        role: &'static str,
    ) {
        self.generated.entry(kind).or_default().push(Generated {
            name: prefix,
            suffix: Some(suffix),
            target,
            role,
        });
    }

    /// A folder of `kind` owned by `owner` (trailing slash optional).
    pub fn dir(&mut self, path: &str, kind: Folder, target: TargetId, owner: OwnerId) {
        self.add(path, Some(kind), target, owner, false);
    }

    /// A file owned by `owner`. Folders on its path that nothing planned are made for it.
    pub fn file(&mut self, path: &str, target: TargetId, owner: OwnerId) {
        self.add(path, None, target, owner, false);
    }

    fn add(
        &mut self,
        path: &str,
        folder: Option<Folder>,
        target: TargetId,
        owner: OwnerId,
        implicit: bool,
    ) {
        // Below a refused slug (already an error): nothing to plan.
        if path.contains('\0') {
            return;
        }
        let trimmed = path.trim_end_matches('/');
        // Folders above it, nearest first: once one exists, those above it do too.
        let mut missing = Vec::new();
        let mut parent = split(trimmed).0;
        while !parent.is_empty() {
            match self.entries.get(&*key(parent)) {
                Some(e) if e.folder.is_none() => {
                    let first = e.owner;
                    self.conflict(parent, (first, ""), (owner, ""));
                    return;
                }
                Some(_) => break,
                None => missing.push(parent),
            }
            parent = split(parent).0;
        }
        for p in missing.into_iter().rev() {
            self.insert(p, Some(Folder::Plain), target, owner, true);
        }
        let k = key(trimmed);
        match self.entries.get(&*k).cloned() {
            None => self.insert(trimmed, folder, target, owner, implicit),
            Some(e) => {
                let same = e.owner == owner || self.alike(e.owner, owner);
                let fine = match (folder.is_some(), e.folder.is_some()) {
                    // A folder planned twice: fine for one owner, or over a folder only made on
                    // the way to someone's file.
                    (true, true) => same || e.implicit || implicit,
                    // A file planned twice by one owner (an attachment linked twice) is one.
                    (false, false) => same && e.target == target,
                    _ => false,
                };
                if !fine {
                    self.conflict(trimmed, (e.owner, ""), (owner, ""));
                } else if folder.is_some()
                    && e.implicit
                    && !implicit
                    && let Some(x) = self.entries.get_mut(&*k)
                {
                    // The owner who plans the folder takes it over.
                    x.owner = owner;
                    x.implicit = false;
                    x.folder = folder;
                }
            }
        }
    }

    fn alike(&self, a: OwnerId, b: OwnerId) -> bool {
        match (self.owners[a as usize], self.owners[b as usize]) {
            (What::Attachment(n, r), What::Attachment(m, s)) => std::ptr::eq(n, m) && r == s,
            (What::Photo(n, _, r), What::Photo(m, _, s))
            | (What::Photo(n, _, r), What::Attachment(m, s))
            | (What::Attachment(n, r), What::Photo(m, _, s)) => std::ptr::eq(n, m) && r == s,
            _ => false,
        }
    }

    fn insert(
        &mut self,
        path: &str,
        folder: Option<Folder>,
        target: TargetId,
        owner: OwnerId,
        implicit: bool,
    ) {
        let k = key(path);
        let cased = (k != path).then(|| path.into());
        self.entries.insert(
            k.into_owned().into_boxed_str(),
            Entry {
                target,
                owner,
                folder,
                implicit,
                cased,
            },
        );
    }

    fn conflict(
        &mut self,
        path: &str,
        first: (OwnerId, &'static str),
        second: (OwnerId, &'static str),
    ) {
        self.conflicts.push((path.to_string(), first, second));
    }

    /// The generated file of a folder of `kind` that `name` is, if any.
    fn generated_as(&self, kind: Folder, name: &str) -> Option<&Generated> {
        let lower = name.to_ascii_lowercase();
        self.generated.get(&kind)?.iter().find(|g| match g.suffix {
            None => g.name == lower,
            Some(suffix) => lower
                .strip_prefix(g.name)
                .and_then(|r| r.strip_suffix(suffix))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        })
    }

    /// Report every conflict (an error each, at the content file that claims the path).
    /// `true` when there were none.
    pub fn report(&mut self, diags: &Diagnostics) -> bool {
        // Content that takes the name of a file every folder of its kind gets.
        let mut found = Vec::new();
        for (k, e) in &self.entries {
            let (parent, name) = split(k);
            let Some(p) = self.entries.get(parent) else {
                continue;
            };
            let Some(kind) = p.folder else { continue };
            if let Some(g) = self.generated_as(kind, name) {
                found.push((
                    e.cased.as_deref().unwrap_or(k).to_string(),
                    (p.owner, g.role),
                    (e.owner, ""),
                ));
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        self.conflicts.extend(found);
        for (path, (a, ra), (b, rb)) in &self.conflicts {
            let (oa, ob) = (self.owners[*a as usize], self.owners[*b as usize]);
            // Reported where a clerk can change it: the content side; of two, the one whose
            // name is written on a line (a slug, a link), else the later one.
            let placed = |o: &What<'_>| o.file().is_some() && o.pos().is_some();
            let ((here, rh), (other, ro)) = if placed(&ob) || (ob.file().is_some() && !placed(&oa))
            {
                ((ob, rb), (oa, ra))
            } else {
                ((oa, ra), (ob, rb))
            };
            let Some(file) = here.file() else { continue };
            let dir = self
                .entries
                .get(&*key(path))
                .is_some_and(|e| e.folder.is_some());
            let shown = if dir {
                format!("{path}/")
            } else {
                path.clone()
            };
            let other_zh = match other.file() {
                Some(f) => format!(
                    "{}（{}）",
                    f.to_string_lossy().replace('\\', "/"),
                    other.zh(ro)
                ),
                None => other.zh(ro),
            };
            diags.error(
                file,
                here.pos().unwrap_or_default(),
                format!(
                    "输出中的“{shown}”会同时由{}和{other_zh}生成，后生成的会覆盖先生成的。",
                    here.zh(rh)
                ),
                if other.file().is_none() {
                    format!(
                        "“{}”是 gongshi 自己要用的名字。请给{}换一个名字（文件夹名、文件名，或写 slug: 另一个名字）。",
                        shown.rsplit('/').find(|s| !s.is_empty()).unwrap_or(&shown),
                        here.zh(rh)
                    )
                } else {
                    "请给其中一个换一个名字（文件夹名、文件名，或写 slug: 另一个名字），使每个网址只对应一份内容。".to_string()
                },
            );
        }
        self.conflicts.is_empty()
    }

    /// The target of a planned file, and what owns it.
    pub fn lookup(&self, path: &str) -> Option<(TargetId, What<'a>)> {
        let exact = |e: &Entry, k: &str| e.cased.as_deref().unwrap_or(k) == path;
        let k = key(path);
        if let Some(e) = self.entries.get(&*k) {
            // Case-insensitively equal but not equal is someone else's name.
            return (e.folder.is_none() && exact(e, &k))
                .then(|| (e.target, self.owners[e.owner as usize]));
        }
        let (parent, name) = split(path);
        let p = self.entries.get(&*key(parent))?;
        let g = self.generated_as(p.folder?, name)?;
        Some((g.target, self.owners[p.owner as usize]))
    }

    /// The target of a planned file (or family member).
    pub fn target_of(&self, path: &str) -> Option<TargetId> {
        self.lookup(path).map(|(t, _)| t)
    }

    /// The content file behind a planned path and how to name it (`公告“…”的海报`).
    pub fn owner_of(&self, path: &str) -> Option<(Option<&'a Path>, String)> {
        let k = key(path);
        if let Some(e) = self.entries.get(&*k) {
            let o = self.owners[e.owner as usize];
            return Some((o.file(), o.zh("")));
        }
        let (parent, name) = split(path);
        let p = self.entries.get(&*key(parent))?;
        let g = self.generated_as(p.folder?, name)?;
        let o = self.owners[p.owner as usize];
        Some((o.file(), o.zh(g.role)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: TargetId = TargetId(0);

    fn area(file: &str, slug: Option<&str>) -> Area {
        let yaml = match slug {
            Some(s) => format!("name: 甲镇\nlevel: 镇\nslug: {s}\n"),
            None => "name: 甲镇\nlevel: 镇\n".to_string(),
        };
        Area {
            file: file.into(),
            source_hash: blake3::hash(b""),
            path: String::new(),
            slug: slug.unwrap_or("a").into(),
            cfg: crate::model::AreaConfig {
                name: Some("甲镇".into()),
                level: Some("镇".into()),
                slug: slug.map(str::to_string),
                ..Default::default()
            },
            index: SpanIndex::new(&yaml, 1),
            areas: vec![],
            villages: vec![],
        }
    }

    #[test]
    fn two_owners_of_one_path_are_reported_at_the_slug() {
        let (a, b, c) = (
            area("content/a/area.yaml", None),
            area("content/b/area.yaml", Some("X")),
            area("content/c/area.yaml", Some("rules")),
        );
        let mut p = Plan::new();
        let rules = p.owner(What::Generated("换届纪律页面"));
        p.dir("rules/", Folder::Plain, T, rules);
        let (oa, ob, oc) = (
            p.owner(What::Area(&a)),
            p.owner(What::Area(&b)),
            p.owner(What::Area(&c)),
        );
        p.dir("x/", Folder::Township, T, oa);
        p.dir("X/", Folder::Township, T, ob);
        p.dir("rules/", Folder::Township, T, oc);
        let d = Diagnostics::new();
        assert!(!p.report(&d));
        let all = d.into_sorted();
        assert_eq!(all.len(), 2, "{all:?}");
        assert_eq!(
            (all[0].file.as_path(), all[0].line),
            (Path::new("content/b/area.yaml"), 3)
        );
        assert!(
            all[0].message.contains("content/a/area.yaml"),
            "{}",
            all[0].message
        );
        assert_eq!(
            (all[1].file.as_path(), all[1].line),
            (Path::new("content/c/area.yaml"), 3)
        );
        assert!(all[1].hint.contains("gongshi 自己要用的名字"));
    }

    #[test]
    fn generated_names_are_found_and_defended() {
        let a = area("content/a/area.yaml", None);
        let mut p = Plan::new();
        let o = p.owner(What::Area(&a));
        p.in_every(
            Folder::Township,
            "wechat.html",
            TargetId(2),
            "的公众号文章列表",
        );
        p.family_in_every(
            Folder::Notice,
            "wechat.fragment.",
            ".html",
            TargetId(2),
            "的公众号文章",
        );
        p.dir("a/", Folder::Township, T, o);
        p.dir("a/n/", Folder::Notice, T, o);
        assert_eq!(p.target_of("a/wechat.html"), Some(TargetId(2)));
        assert_eq!(
            p.target_of("a/n/wechat.fragment.12.html"),
            Some(TargetId(2))
        );
        assert_eq!(p.target_of("a/n/wechat.fragment.x.html"), None);
        assert_eq!(p.target_of("a/other.html"), None);
        // A folder named like the township's listing.
        p.dir("a/WeChat.html/", Folder::Village, T, o);
        let d = Diagnostics::new();
        assert!(!p.report(&d));
        assert!(d.into_sorted()[0].message.contains("“a/WeChat.html/”"));
    }

    #[test]
    fn a_file_where_a_folder_must_be_is_a_conflict() {
        let a = area("content/a/area.yaml", None);
        let mut p = Plan::new();
        let o = p.owner(What::Area(&a));
        p.file("a/x.pdf", T, o);
        let g = p.owner(What::Generated("测试"));
        p.file("a/x.pdf/y.jpg", T, g);
        let d = Diagnostics::new();
        assert!(!p.report(&d));
        assert_eq!(d.into_sorted().len(), 1);
    }
}
