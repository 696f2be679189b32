//! Stage 1: walk `content/` and parse every file into the typed model.
//! Problems become diagnostics; loading goes on so that a run reports everything at once.

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostics, Pos};
use crate::model::{
    Area, AreaConfig, FrontMatter, Notice, Site, SiteConfig, Village, VillageConfig,
};
use crate::privacy;
use crate::privacy::masker::Masked;
use crate::source;
use crate::yaml;

#[derive(Debug, Default)]
struct Dir {
    files: Vec<String>,
    /// Size of each of `files` as the scan saw it (`None` for links), so reading a file
    /// needs no second look at its metadata.
    lens: Vec<Option<u64>>,
    subdirs: Vec<String>,
}

impl Dir {
    fn len_of(&self, name: &str) -> Option<u64> {
        let i = self.files.iter().position(|f| f == name)?;
        self.lens.get(i).copied().flatten()
    }
}

/// The content folder as read once: the folders the loader reads, and the stamp of every
/// entry below `content/` for the build memo (one walk serves both).
pub struct Scanned {
    dirs: BTreeMap<String, Dir>,
    pub stamps: crate::reuse::stamps::Digest,
}

/// Relative path (from the site root) of something under `content/`, with `/` separators.
fn rel(content_rel: &str) -> PathBuf {
    if content_rel.is_empty() {
        PathBuf::from("content")
    } else {
        PathBuf::from(format!("content/{content_rel}"))
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

/// Load the site under `root/content`. Returns `None` only when nothing useful could be read.
pub fn load(root: &Path, diags: &Diagnostics) -> Option<Site> {
    load_scanned(root, None, diags, Reading::default())
}

/// How files are read: the parse cache to reuse and refresh (for `serve`), and which YAML
/// parser reads them.
#[derive(Clone, Copy, Default)]
pub struct Reading<'a> {
    pub cache: Option<&'a ParseCache>,
    pub yaml: yaml::Route,
}

/// Parsed files kept between runs (for `serve`): a file whose bytes did not change is not
/// parsed again; its diagnostics are replayed so every run still reports everything.
#[derive(Default)]
pub struct ParseCache {
    map: std::sync::Mutex<std::collections::HashMap<PathBuf, CachedFile>>,
}

/// A parsed file with what identifies its bytes and the diagnostics it produced.
struct CachedFile {
    len: u64,
    mtime: Option<std::time::SystemTime>,
    hash: blake3::Hash,
    value: Arc<dyn std::any::Any + Send + Sync>,
    diags: Vec<crate::diag::Diagnostic>,
}

/// Parse `abs` with `parse`, or reuse the cached result for the same bytes. Results with
/// errors are not kept: an error may depend on other files (a missing photo, say).
fn cached<T: Clone + Send + Sync + 'static>(
    cache: &ParseCache,
    abs: &Path,
    file: &Path,
    diags: &Diagnostics,
    still_valid: impl Fn(&T) -> bool,
    parse: impl FnOnce(&str, &Diagnostics) -> Option<T>,
) -> Option<T> {
    let meta = std::fs::metadata(abs).ok();
    let len = meta.as_ref().map(|m| m.len()).unwrap_or(0);
    let mtime = meta.as_ref().and_then(|m| m.modified().ok());
    // Size and modification time settle it unless the file changed within the last second
    // (coarse timestamps could hide two quick saves of the same length): then compare bytes.
    let recent = mtime.is_none_or(|t| t.elapsed().map_or(true, |e| e.as_secs() < 1));
    let mut bytes = None;
    {
        let map = cache.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = map.get(abs)
            && c.len == len
            && c.mtime == mtime
            && let Some(v) = c.value.downcast_ref::<T>()
        {
            let same = if recent {
                let b = std::fs::read(abs).ok();
                let same = b.as_ref().is_some_and(|b| blake3::hash(b) == c.hash);
                bytes = b;
                same
            } else {
                true
            };
            if same && still_valid(v) {
                for d in &c.diags {
                    diags.push(d.clone());
                }
                return Some(v.clone());
            }
        }
    }
    if !meta.as_ref().is_some_and(|m| m.is_file()) || len > source::MAX_FILE_BYTES {
        // The uncached path reports the problem.
        let text = source::read_text(abs, file, None, diags)?;
        return parse(&text, diags);
    }
    let Some(bytes) = bytes.or_else(|| std::fs::read(abs).ok()) else {
        let text = source::read_text(abs, file, None, diags)?;
        return parse(&text, diags);
    };
    let hash = blake3::hash(&bytes);
    let local = Diagnostics::new();
    let value = source::decode(&bytes, file, &local).and_then(|t| parse(&t, &local));
    let ds = local.into_sorted();
    for d in &ds {
        diags.push(d.clone());
    }
    let mut map = cache.map.lock().unwrap_or_else(|e| e.into_inner());
    match &value {
        Some(v) if !ds.iter().any(|d| d.is_error()) => {
            map.insert(
                abs.to_path_buf(),
                CachedFile {
                    len,
                    mtime,
                    hash,
                    value: Arc::new(v.clone()),
                    diags: ds,
                },
            );
        }
        _ => {
            map.remove(abs);
        }
    }
    value
}

/// Like [`load`], from a scan already made by [`scan`] (or scanning now), read `how` says.
pub fn load_scanned(
    root: &Path,
    scanned: Option<Scanned>,
    diags: &Diagnostics,
    how: Reading<'_>,
) -> Option<Site> {
    let content = root.join("content");
    if !content.is_dir() {
        diags.error(
            Path::new("content"),
            Pos::default(),
            format!("找不到内容文件夹 {}。", content.display()),
            "请在网站根目录下建立 content 文件夹，或用 --root 指定网站根目录；新建一个县可用 gongshi init 目录名。",
        );
        return None;
    }
    let scanned = match scanned {
        Some(s) => s,
        None => scan(root, None, diags)?,
    };
    let dirs = scanned.dirs;
    let len_in = |dir: &str, name: &str| dirs.get(dir).and_then(|d| d.len_of(name));

    let site_file = rel("site.yaml");
    let (cfg, index, source_hash) = if content.join("site.yaml").is_file() {
        let len = len_in("", "site.yaml");
        load_yaml::<SiteConfig>(&content.join("site.yaml"), &site_file, len, diags, how)
            .unwrap_or_else(|| (Default::default(), Default::default(), blake3::hash(b"")))
    } else {
        diags.error(
            &site_file,
            Pos::default(),
            "缺少 content/site.yaml（网站名称、主办单位、监督电话等全站设置）。",
            "请新建 content/site.yaml；可参照 gongshi init 生成的样板。",
        );
        (Default::default(), Default::default(), blake3::hash(b""))
    };

    // Shared rules.
    let mut rules = Vec::new();
    if let Some(d) = dirs.get("rules") {
        let files: Vec<&String> = d.files.iter().filter(|f| f.ends_with(".md")).collect();
        rules = files
            .par_iter()
            .filter_map(|f| {
                let len = d.len_of(f);
                load_notice(&content, &join("rules", f), len, diags, how)
            })
            .collect();
    }

    let mut areas = Vec::new();
    if let Some(top) = dirs.get("") {
        for f in &top.files {
            if f.ends_with(".md") {
                diags.warning(
                    &rel(f),
                    Pos::default(),
                    "这个公告直接放在 content 文件夹下，没有被读取。",
                    "公告要放在村（社区）文件夹里：content/乡镇/村/公告.md；全县通用的纪律放在 content/rules/ 里。",
                );
            }
        }
        // Areas in parallel too: a province's counties each hold hundreds of villages, and
        // one after another the pool idles at the end of each.
        areas = top
            .subdirs
            .par_iter()
            .filter(|sub| *sub != "rules")
            .filter_map(|sub| load_area(&content, sub, &dirs, diags, how))
            .collect();
    }

    Some(Site {
        source_hash,
        file: site_file,
        cfg,
        index,
        rules,
        areas,
    })
}

/// Walk the content folder once; links that leave it are refused. Folders are read in
/// parallel (a province has 70,000 of them). With `stamp_for` (when the build began), every
/// entry is also stamped for the build memo as it is listed (hidden ones and folders the
/// loader skips too); `serve`, which keeps no memo, skips that. `None` when there is no
/// content folder to walk.
pub fn scan(
    root: &Path,
    stamp_for: Option<std::time::SystemTime>,
    diags: &Diagnostics,
) -> Option<Scanned> {
    let content = root.join("content");
    let content_canon = content.canonicalize().ok()?;
    if !content_canon.is_dir() {
        return None;
    }
    let t0 = std::time::Instant::now();
    let cutoff = stamp_for.map(crate::reuse::stamps::cutoff);
    let (dirs, stamps) = scan_dir(&content, "", &content_canon, cutoff, diags);
    crate::progress::timing("scan", t0);
    Some(Scanned {
        dirs: dirs.into_iter().collect(),
        stamps,
    })
}

/// `rel` (relative to `content`, `""` for itself) and every folder below it, with the
/// stamps of everything in them when there is a memo `cutoff`.
fn scan_dir(
    content: &Path,
    rel_dir: &str,
    content_canon: &Path,
    cutoff: Option<std::time::SystemTime>,
    diags: &Diagnostics,
) -> (Vec<(String, Dir)>, crate::reuse::stamps::Digest) {
    let abs = if rel_dir.is_empty() {
        content.to_path_buf()
    } else {
        content.join(rel_dir)
    };
    let mut dir = Dir::default();
    let mut stamps = crate::reuse::stamps::Stamps::default();
    let unreadable = |e: &std::io::Error| {
        diags.error(
            &rel(rel_dir),
            Pos::default(),
            format!("无法读取：{}", crate::source::io_zh(e)),
            "请检查文件夹权限。",
        );
    };
    let entries = match std::fs::read_dir(&abs) {
        Ok(rd) => rd,
        Err(e) => {
            unreadable(&e);
            crate::reuse::stamps::unreadable(rel_dir, &mut stamps);
            return (vec![(rel_dir.to_string(), dir)], stamps.digest());
        }
    };
    // Hidden folders are not loaded but still stamped: a notice may point into one.
    let mut hidden_dirs = Vec::new();
    let mut listed = Vec::new();
    for e in entries {
        let e = match e {
            Ok(e) => e,
            Err(e) => {
                unreadable(&e);
                crate::reuse::stamps::unreadable(rel_dir, &mut stamps);
                continue;
            }
        };
        let name = e.file_name().to_string_lossy().into_owned();
        let relp = join(rel_dir, &name);
        let hidden = name.starts_with('.') || name.starts_with('_');
        let Some(cutoff) = cutoff else {
            if !hidden {
                listed.push((name, relp, e, None));
            }
            continue;
        };
        let meta = e.metadata().ok();
        let p = e.path();
        let into = crate::reuse::stamps::stamp_entry(&p, &relp, meta.as_ref(), cutoff, &mut stamps);
        let is_link = meta.as_ref().is_some_and(|m| m.file_type().is_symlink());
        if hidden {
            // Links to folders are stamped, not followed (they could loop).
            if into.is_some() && !is_link {
                hidden_dirs.push((p, relp));
            }
            continue;
        }
        listed.push((name, relp, e, meta));
    }
    listed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, relp, entry, meta) in listed {
        let Ok(ft) = entry.file_type() else {
            continue;
        };
        let mut is_dir = ft.is_dir();
        if ft.is_symlink() {
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(content_canon) => {
                    if target.is_dir() {
                        diags.warning(
                            &rel(&relp),
                            Pos::default(),
                            "这是一个指向文件夹的链接，已跳过。",
                            "请把文件夹直接放在这里，不要用链接（快捷方式）。",
                        );
                        continue;
                    }
                    is_dir = false;
                }
                Ok(_) => {
                    diags.error(
                        &rel(&relp),
                        Pos::default(),
                        "这个链接指向内容文件夹（content）之外，出于安全考虑已拒绝读取。",
                        "请把文件复制到 content 文件夹里，而不是用链接指向别处。",
                    );
                    continue;
                }
                Err(_) => {
                    diags.error(
                        &rel(&relp),
                        Pos::default(),
                        "这个链接指向的文件不存在。",
                        "请删除这个链接，或把文件复制到这里。",
                    );
                    continue;
                }
            }
        }
        if is_dir {
            dir.subdirs.push(name);
        } else {
            dir.files.push(name);
            dir.lens.push(meta.filter(|m| m.is_file()).map(|m| m.len()));
        }
    }
    let (below, hidden): (Vec<_>, Vec<(String, crate::reuse::stamps::Digest)>) = rayon::join(
        || {
            dir.subdirs
                .par_iter()
                .map(|sub| scan_dir(content, &join(rel_dir, sub), content_canon, cutoff, diags))
                .collect::<Vec<_>>()
        },
        || {
            hidden_dirs
                .into_par_iter()
                .filter_map(|(p, r)| {
                    let d = crate::reuse::stamps::walk_below(p, r.clone(), cutoff?);
                    Some((r, d))
                })
                .collect()
        },
    );
    let mut out = Vec::with_capacity(1 + below.iter().map(|b| b.0.len()).sum::<usize>());
    out.push((rel_dir.to_string(), dir));
    for (dirs, d) in below {
        if cutoff.is_some()
            && let Some((sub, _)) = dirs.first()
        {
            stamps.below(sub, d);
        }
        out.extend(dirs);
    }
    for (r, d) in hidden {
        stamps.below(&r, d);
    }
    (out, stamps.digest())
}

fn load_area(
    content: &Path,
    dir: &str,
    dirs: &BTreeMap<String, Dir>,
    diags: &Diagnostics,
    how: Reading<'_>,
) -> Option<Area> {
    let d = dirs.get(dir)?;
    let slug = dir.rsplit('/').next().unwrap_or(dir).to_string();
    let has = |f: &str| d.files.iter().any(|x| x == f);
    if has("village.yaml") {
        diags.error(
            &rel(&join(dir, "village.yaml")),
            Pos::default(),
            "村（社区）文件夹必须放在乡镇（街道）文件夹里。",
            "请建一个乡镇文件夹（内含 area.yaml），把这个村文件夹移进去。",
        );
        return None;
    }
    if !has("area.yaml") {
        let has_content = !d.subdirs.is_empty()
            || d.files
                .iter()
                .any(|f| f.ends_with(".md") || f.ends_with(".yaml"));
        if has_content {
            diags.error(
                &rel(dir),
                Pos::default(),
                format!("文件夹“{dir}”里没有 area.yaml，里面的村和公告都没有被读取。"),
                "乡镇（街道）文件夹里要有 area.yaml，至少写 name（名称）和 level（层级，如 镇、乡、街道）。",
            );
        }
        return None;
    }
    let (file, loaded) = load_folder_yaml::<AreaConfig>(content, dir, d, "area.yaml", diags, how);
    let (cfg, index, source_hash) =
        loaded.unwrap_or_else(|| (Default::default(), Default::default(), blake3::hash(b"")));
    let slug = check_slug(
        cfg.slug.as_deref(),
        &|| index.key_pos("slug"),
        &slug,
        &file,
        diags,
    );

    let mut area_dirs = Vec::new();
    let mut village_dirs = Vec::new();
    for sub in &d.subdirs {
        let p = join(dir, sub);
        let sd = dirs.get(&p);
        if sd.is_some_and(|x| x.files.iter().any(|f| f == "village.yaml")) {
            village_dirs.push(p);
        } else {
            area_dirs.push(p);
        }
    }
    let areas: Vec<Area> = area_dirs
        .par_iter()
        .filter_map(|p| load_area(content, p, dirs, diags, how))
        .collect();
    for f in &d.files {
        if f.ends_with(".md") {
            diags.warning(
                &rel(&join(dir, f)),
                Pos::default(),
                "公告直接放在乡镇文件夹里，没有被读取。",
                "公告要放在村（社区）文件夹里；乡镇范围的纪律要求请放在 content/rules/ 并在 area.yaml 的 rules 中引用。",
            );
        }
    }
    let villages: Vec<Village> = village_dirs
        .par_iter()
        .filter_map(|p| load_village(content, p, dirs, diags, how))
        .collect();
    Some(Area {
        source_hash,
        file,
        path: dir.to_string(),
        slug,
        cfg,
        index,
        areas,
        villages,
    })
}

fn load_village(
    content: &Path,
    dir: &str,
    dirs: &BTreeMap<String, Dir>,
    diags: &Diagnostics,
    how: Reading<'_>,
) -> Option<Village> {
    let d = dirs.get(dir)?;
    let folder = dir.rsplit('/').next().unwrap_or(dir).to_string();
    let (file, loaded) =
        load_folder_yaml::<VillageConfig>(content, dir, d, "village.yaml", diags, how);
    let (cfg, index, hash) = loaded?;
    let source_hash = hash;
    let slug = check_slug(
        cfg.slug.as_deref(),
        &|| index.key_pos("slug"),
        &folder,
        &file,
        diags,
    );
    let mut notices: Vec<Arc<Notice>> = d
        .files
        .par_iter()
        .filter(|f| f.ends_with(".md"))
        .filter_map(|f| load_notice(content, &join(dir, f), d.len_of(f), diags, how))
        .collect();
    notices.sort_by(|a, b| a.slug.cmp(&b.slug));
    Some(Village {
        source_hash,
        file,
        path: dir.to_string(),
        slug,
        cfg,
        index,
        notices,
    })
}

/// `name` (`area.yaml`, `village.yaml`) in the content folder `dir` (listed as `d`): its
/// path for diagnostics and what [`load_yaml`] made of it.
#[allow(clippy::type_complexity)]
fn load_folder_yaml<
    T: serde::de::DeserializeOwned + Default + Clone + Send + Sync + Masked + 'static,
>(
    content: &Path,
    dir: &str,
    d: &Dir,
    name: &str,
    diags: &Diagnostics,
    how: Reading<'_>,
) -> (
    PathBuf,
    Option<(T, crate::yamlspan::SpanIndex, blake3::Hash)>,
) {
    let file = rel(&join(dir, name));
    let loaded = load_yaml::<T>(
        &content.join(dir).join(name),
        &file,
        d.len_of(name),
        diags,
        how,
    );
    (file, loaded)
}

fn load_yaml<T: serde::de::DeserializeOwned + Default + Clone + Send + Sync + Masked + 'static>(
    abs: &Path,
    file: &Path,
    len: Option<u64>,
    diags: &Diagnostics,
    how: Reading<'_>,
) -> Option<(T, crate::yamlspan::SpanIndex, blake3::Hash)> {
    let parse = |text: &str, d: &Diagnostics| {
        let masked = yaml::mask_yaml(text, 1, file, d);
        let hash = blake3::hash(masked.as_bytes());
        yaml::parse::<T>(&masked, 1, file, d, how.yaml).map(|(v, i)| (v, i, hash))
    };
    match how.cache {
        None => {
            let text = source::read_text(abs, file, len, diags)?;
            parse(&text, diags)
        }
        Some(c) => cached(c, abs, file, diags, |_| true, parse),
    }
}

/// Load one notice (`content_rel` relative to `content/`).
pub fn load_notice(
    content: &Path,
    content_rel: &str,
    len: Option<u64>,
    diags: &Diagnostics,
    how: Reading<'_>,
) -> Option<Arc<Notice>> {
    let file = rel(content_rel);
    let abs = content.join(content_rel);
    let base = abs
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| content.to_path_buf());
    let parse = |text: &str, d: &Diagnostics| {
        parse_notice(text, &file, content_rel, &base, d, how.yaml).map(Arc::new)
    };
    match how.cache {
        None => {
            let text = source::read_text(&abs, &file, len, diags)?;
            parse(&text, diags)
        }
        Some(cache) => cached(
            cache,
            &abs,
            &file,
            diags,
            |n: &Arc<Notice>| n.attachments.iter().all(|a| base.join(&a.rel).is_file()),
            parse,
        ),
    }
}

/// Parse a notice's text. Public for tests and benchmarks.
pub fn parse_notice(
    text: &str,
    file: &Path,
    content_rel: &str,
    base_dir: &Path,
    diags: &Diagnostics,
    route: yaml::Route,
) -> Option<Notice> {
    let split = match source::split_front_matter(text) {
        Ok(s) => s,
        Err((pos, msg, hint)) => {
            diags.error(file, pos, msg, hint);
            return None;
        }
    };
    let masked_yaml = yaml::mask_yaml(split.yaml, split.yaml_line, file, diags);
    let (fm, index) =
        yaml::parse::<FrontMatter>(&masked_yaml, split.yaml_line, file, diags, route)?;
    // The body is kept as written; every target parses it with `markdown::parse`, which
    // masks personal numbers as a reader would see them (and reports them, here).
    let body = split.body;
    let rendered = crate::markdown::render(
        body,
        &crate::markdown::BodyCtx {
            file,
            body_line: split.body_line,
            base_dir,
        },
        diags,
    );
    let stem = content_rel
        .rsplit('/')
        .next()
        .unwrap_or(content_rel)
        .trim_end_matches(".md")
        .to_string();
    let slug = check_slug(
        fm.slug.as_deref(),
        &|| index.key_pos("slug"),
        &stem,
        file,
        diags,
    );
    let mut hasher = blake3::Hasher::new();
    hasher.update(masked_yaml.as_bytes());
    hasher.update(b"\n---\n");
    hasher.update(body.as_bytes());
    let hash = hasher.finalize().to_hex().to_string();
    Some(Notice {
        file: file.to_path_buf(),
        slug,
        fm,
        body: body.to_string(),
        body_line: split.body_line,
        body_html: rendered.html,
        attachments: rendered.attachments,
        hash,
        index,
    })
}

/// What a refused slug is replaced with: no output path is planned below it (the error
/// already stops the build; collisions with it would only be noise).
pub const INVALID_SLUG: &str = "\u{0}invalid";

/// A slug from `slug:` (written at `at`) or the file/folder name; characters that break
/// URLs, hidden names and personal numbers are refused.
fn check_slug(
    explicit: Option<&str>,
    at: &dyn Fn() -> Pos,
    name: &str,
    file: &Path,
    diags: &Diagnostics,
) -> String {
    let s = explicit.unwrap_or(name).trim();
    let pos = || {
        if explicit.is_some() {
            at()
        } else {
            Pos::default()
        }
    };
    if let Some(f) = privacy::find(s).first() {
        diags.error(
            file,
            pos(),
            format!(
                "网址“{s}”里有完整的{}，网址、二维码和文件名都会公开它。",
                f.kind.zh()
            ),
            "请把文件（夹）名改成不含身份证号、手机号的拼音或英文，或在文件里写 slug: 另一个名字。",
        );
        return INVALID_SLUG.to_string();
    }
    let bad = s.is_empty()
        || s == "."
        || s == ".."
        || s.chars()
            .any(|c| c.is_whitespace() || "/\\?#%&<>\"'`|*:".contains(c) || c.is_control());
    if bad {
        diags.error(
            file,
            pos(),
            format!("“{s}”不能用作网址（含有空格或 / ? # % 等符号）。"),
            "请把文件（夹）名改成拼音或英文，例如 zhangzhuang；或在文件里写 slug: zhangzhuang。",
        );
        return INVALID_SLUG.to_string();
    }
    if s.starts_with('.') {
        diags.error(
            file,
            pos(),
            format!("“{s}”以点开头，不能用作网址（这样的名字是隐藏文件，也是 gongshi 自己记账用的名字）。"),
            "请去掉开头的点，例如写成 zhangzhuang。",
        );
        return INVALID_SLUG.to_string();
    }
    if !s.is_ascii() && explicit.is_none() {
        diags.warning(
            file,
            Pos::default(),
            format!("“{s}”是中文，网址里会显示成一串 % 编码，微信里分享时不方便。"),
            "建议把文件（夹）名改成拼音或英文（如 zhangzhuang），或在文件里写 slug: zhangzhuang。不会自动转拼音，因为多音字（重庆、长寿、银行）容易转错。",
        );
    }
    s.to_string()
}
