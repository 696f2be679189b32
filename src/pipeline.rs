//! The pipeline: load → validate → render → publish. `main.rs` only parses the command line.

use jiff::civil;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::model::Site;
use crate::progress::Progress;
use crate::publish::{self, Writer, Written};
use crate::render::{self, Page, Sink};
use crate::theme::Theme;

pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub base_url: Option<String>,
    /// The day statuses and date rules are computed for (default: today in China).
    pub today: civil::Date,
    /// Which outputs to build; files of the others are kept from the previous output.
    pub targets: Targets,
    /// Draw a progress line (stderr is a terminal).
    pub progress: bool,
}

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub ok: bool,
    pub pages: usize,
    /// How many files were written and how many kept unchanged from the previous output.
    pub written: Written,
    pub millis: u128,
    /// Nothing the output is made from changed since the last build: it was only checked.
    pub unchanged: bool,
}

/// Today in China Standard Time, or `GONGSHI_TODAY` (YYYY-MM-DD) for reproducible runs.
pub fn today() -> civil::Date {
    if let Ok(s) = std::env::var("GONGSHI_TODAY")
        && let Some(d) = crate::dates::parse_date(&s)
    {
        return d;
    }
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai")
        .unwrap_or(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    jiff::Timestamp::now().to_zoned(tz).date()
}

/// Load and validate. The site is returned even with errors, for reporting.
pub fn check(
    root: &Path,
    today: civil::Date,
    base_url: Option<&str>,
    diags: &Diagnostics,
) -> Option<Site> {
    let mut site = crate::load::load(root, diags)?;
    if let Some(u) = base_url {
        site.cfg.base_url = Some(u.to_string());
    }
    crate::validate::validate(&site, root, today, diags);
    if let Some(prev) = crate::manifest::read(&root.join("output")) {
        crate::manifest::check(&site, &prev, today, diags);
    }
    Some(site)
}

/// Which outputs to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub site: bool,
    pub posters: bool,
    pub wechat: bool,
}

impl Targets {
    pub const ALL: Targets = Targets {
        site: true,
        posters: true,
        wechat: true,
    };

    /// `site,posters,wechat` (any subset, comma-separated; Chinese names too).
    pub fn parse(s: &str) -> Result<Targets, String> {
        let mut t = Targets {
            site: false,
            posters: false,
            wechat: false,
        };
        for part in s
            .split([',', '，'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part {
                "site" | "网站" | "网页" => t.site = true,
                "posters" | "poster" | "海报" => t.posters = true,
                "wechat" | "公众号" => t.wechat = true,
                other => {
                    return Err(format!(
                        "--only 不认识“{other}”；可选 site、posters、wechat，用逗号隔开，例如 --only site,wechat。"
                    ));
                }
            }
        }
        if t == (Targets {
            site: false,
            posters: false,
            wechat: false,
        }) {
            return Err("--only 后面要写 site、posters、wechat 中的至少一个。".into());
        }
        Ok(t)
    }

    pub fn has(&self, t: render::Target) -> bool {
        match t {
            render::Target::Site => self.site,
            render::Target::Posters => self.posters,
            render::Target::Wechat => self.wechat,
        }
    }
}

/// What `serve` keeps between rebuilds: parsed files and rendered pages.
#[derive(Default)]
pub struct Caches {
    pub parse: crate::load::ParseCache,
    pub pages: render::site::PageMemo,
}

/// Forwards to the real sink and counts files for the progress line.
struct Counted<'a> {
    inner: &'a dyn Sink,
    progress: &'a Progress,
}

impl Sink for Counted<'_> {
    fn put(&self, page: Page, key: Option<blake3::Hash>) {
        self.inner.put(page, key);
        self.progress.file();
    }
    fn reuse(&self, path: &str, key: &blake3::Hash) -> bool {
        let kept = self.inner.reuse(path, key);
        if kept {
            self.progress.file();
        }
        kept
    }
    fn previous(&self, path: &str) -> Option<Vec<u8>> {
        self.inner.previous(path)
    }
    fn keeps_previous(&self) -> bool {
        self.inner.keeps_previous()
    }
}

/// Load, validate and render the chosen targets into `sink`. `false` when there were
/// errors (they are in `diags`). `caches` lets `serve` skip work on files that did not
/// change.
#[allow(clippy::too_many_arguments)]
pub fn render_all(
    root: &Path,
    scanned: Option<crate::load::Scanned>,
    today: civil::Date,
    base_url: Option<&str>,
    caches: Option<&Caches>,
    previous: Option<&crate::manifest::Manifest>,
    targets: Targets,
    sink: &dyn Sink,
    progress: &Progress,
    diags: &Diagnostics,
) -> bool {
    let sink = &Counted {
        inner: sink,
        progress,
    };
    let cache = caches.map(|c| &c.parse);
    let t0 = Instant::now();
    progress.stage("读取内容", 0);
    let Some(site) = crate::load::load_scanned(root, scanned, diags, cache) else {
        return false;
    };
    let mut site = site;
    crate::progress::timing("load", t0);
    progress.stage("检查内容", 0);
    if let Some(u) = base_url {
        site.cfg.base_url = Some(u.to_string());
    }
    crate::validate::validate(&site, root, today, diags);
    if let Some(prev) = previous {
        crate::manifest::check(&site, prev, today, diags);
    }
    let theme = Theme::load(root, diags);
    if diags.has_errors() {
        return false;
    }
    crate::progress::timing("validate", t0);
    // The manifest is made while the pages render; it is written only if the build succeeds.
    let (site_ok, manifest) = rayon::join(
        || {
            if !targets.site {
                return true;
            }
            progress.stage("生成网页", 0);
            let ok = render::site::render(
                &site,
                root,
                &theme,
                today,
                caches.map(|c| &c.pages),
                sink,
                diags,
            )
            .is_some();
            crate::progress::timing("site", t0);
            ok
        },
        || crate::manifest::to_json(&site),
    );
    if !site_ok {
        return false;
    }
    if targets.wechat && !diags.has_errors() {
        progress.stage("生成公众号文章", 0);
        render::wechat::render(&site, root, &theme, today, sink, diags);
        crate::progress::timing("wechat", t0);
    }
    // Posters (Typst → PDF); `serve` asks for them in a second pass after the pages are up.
    if targets.posters && !diags.has_errors() {
        let total = site.rules.len() + render::site::placed(&site).len();
        progress.stage("生成海报", total);
        render::poster::render(
            &site,
            root,
            &theme,
            today,
            sink,
            &|n| progress.step(n),
            diags,
        );
        crate::progress::timing("posters", t0);
    }
    if diags.has_errors() {
        return false;
    }
    sink.put(
        Page {
            path: crate::manifest::FILE.into(),
            bytes: manifest,
        },
        None,
    );
    crate::progress::timing("done", t0);
    // A province's model is millions of small allocations: free it on the pool while the
    // caller publishes, instead of making the caller wait.
    rayon::spawn(move || drop(site));
    true
}

pub fn build(opts: &BuildOptions) -> Outcome {
    let start = Instant::now();
    let diags = Diagnostics::new();
    let fail = |diags: Diagnostics| Outcome {
        diagnostics: diags.into_sorted(),
        ok: false,
        pages: 0,
        written: Written::default(),
        millis: start.elapsed().as_millis(),
        unchanged: false,
    };
    let progress = Progress::new(opts.progress);
    if let Err(msg) = publish::check_output(&opts.root, &opts.output) {
        diags.error(
            &opts.output,
            Pos::default(),
            msg,
            "请用 --output 指定一个新的或由 gongshi 生成过的文件夹。",
        );
        return fail(diags);
    }
    // Before anything is read: an input changed after this moment shows in the next walk.
    let started = std::time::SystemTime::now();
    let output_abs = std::path::absolute(&opts.output).unwrap_or_else(|_| opts.output.clone());
    let has_memo = crate::memo::exists(&output_abs);
    if has_memo {
        progress.stage("核对上次生成后的改动", 0);
    }
    // One walk of content/ gives the loader its folders and the memo its key.
    let scanned = crate::load::scan(&opts.root, Some(started), &diags);
    let inputs = crate::memo::inputs(opts, started, scanned.as_ref().map(|s| &s.stamps));
    if has_memo && let Some(hit) = crate::memo::hit(&output_abs, &inputs) {
        drop(progress);
        return Outcome {
            diagnostics: hit.diagnostics,
            ok: true,
            pages: hit.files,
            written: Written {
                kept: hit.files,
                ..Written::default()
            },
            millis: start.elapsed().as_millis(),
            unchanged: true,
        };
    }
    let writer = match Writer::new(&opts.output) {
        Ok(w) => w,
        Err(e) => {
            diags.error(
                &opts.output,
                Pos::default(),
                format!("无法创建临时输出文件夹：{e}"),
                "请检查磁盘空间和文件夹权限。",
            );
            return fail(diags);
        }
    };
    let ok = render_all(
        &opts.root,
        scanned,
        opts.today,
        opts.base_url.as_deref(),
        None,
        crate::manifest::read(&opts.output).as_ref(),
        opts.targets,
        &writer,
        &progress,
        &diags,
    );
    if !ok {
        return fail(diags);
    }
    progress.stage("发布", 0);
    crate::memo::forget(&output_abs);
    let written = match writer.finish(|t| opts.targets.has(t)) {
        Ok(w) => w,
        Err(e) => {
            drop(progress);
            diags.error(
                &opts.output,
                Pos::default(),
                format!("写入输出文件失败：{e}"),
                "请检查磁盘空间和文件夹权限。原来的输出没有改动。",
            );
            return fail(diags);
        }
    };
    crate::progress::timing("published", start);
    let diagnostics = diags.into_sorted();
    if let Some(index) = written.index {
        crate::memo::store(&output_abs, &inputs, index, &diagnostics);
        crate::progress::timing("memo stored", start);
    }
    crate::cache::prune_after_build(&opts.root, opts.targets.posters, opts.targets.wechat);
    drop(progress);
    Outcome {
        diagnostics,
        ok: true,
        pages: written.written + written.kept,
        written,
        millis: start.elapsed().as_millis(),
        unchanged: false,
    }
}
