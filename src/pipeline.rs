//! The pipeline: load → validate → render → publish. `main.rs` only parses the command line.

use jiff::civil;
use std::path::Path;
use std::time::Instant;

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::model::Site;
use crate::plan::Plan;
use crate::progress::Progress;
use crate::publish::{self, Writer, Written};
use crate::render::{Page, RenderCx, Sink, TargetId};
use crate::theme::Theme;

pub use crate::options::BuildOptions;

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

/// Today in China Standard Time.
pub fn today() -> civil::Date {
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
    let theme = Theme::load(root, diags);
    let progress = Progress::hidden();
    let cx = RenderCx {
        site: &site,
        root,
        theme: &theme,
        today,
        pages: None,
        progress: &progress,
        diags,
        switches: crate::options::Switches::default(),
    };
    plan(&cx).report(diags);
    drop(theme);
    Some(site)
}

pub use crate::render::Targets;

/// What `serve` keeps between rebuilds: parsed files and rendered pages.
#[derive(Default)]
pub struct Caches {
    pub parse: crate::load::ParseCache,
    pub pages: crate::render::site::PageMemo,
}

/// Forwards to the real sink what the plan holds and the guard lets through, and counts
/// files for the progress line. A file outside the plan, or one whose visible text still
/// holds a full personal number, is an error naming its owner, and is not passed on.
struct Planned<'a, 'p> {
    inner: &'a dyn Sink,
    plan: &'a Plan<'p>,
    guard: &'a crate::privacy::guard::Guard,
    progress: &'a Progress,
    diags: &'a Diagnostics,
}

impl Planned<'_, '_> {
    fn planned(&self, path: &str) -> bool {
        if self.plan.lookup(path).is_some() {
            return true;
        }
        self.diags.error(
            std::path::Path::new("content"),
            Pos::default(),
            format!("内部错误：要写入的 {path} 不在输出计划里，为安全起见没有发布。"),
            "这是 gongshi 的问题，请把这条信息反馈给维护人员。",
        );
        false
    }
}

impl Sink for Planned<'_, '_> {
    fn put(&self, page: Page, key: Option<blake3::Hash>) {
        self.put_shown(page, key, None);
    }
    fn put_shown(&self, page: Page, key: Option<blake3::Hash>, text: Option<&str>) {
        if !self.planned(&page.path) {
            return;
        }
        let leaks = self.guard.check(&page.path, &page.bytes, text);
        if !leaks.is_empty() {
            let (file, what) = self.plan.owner_of(&page.path).unwrap_or_default();
            let file = file.unwrap_or(std::path::Path::new("content/site.yaml"));
            for l in leaks {
                self.diags.error(
                    file,
                    Pos::default(),
                    format!(
                        "生成的 {} 的{}里仍有完整的{}（{}），为保护个人信息，没有发布（来自{what}）。",
                        page.path,
                        l.place,
                        l.kind.zh(),
                        l.masked,
                    ),
                    "号码的写法躲过了打码（如被拆开、转义或藏在属性里）。请在这个文件里找到并删去它；公开的联系电话请写在 contacts 或 objection 的 channels 的 phone 里。",
                );
            }
            return;
        }
        self.inner.put_shown(page, key, text);
        self.progress.file();
    }
    fn reuse(&self, path: &str, key: &blake3::Hash) -> bool {
        if self.plan.lookup(path).is_none() {
            return false;
        }
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

/// Every file every target will write (and the manifest), before anything is made.
pub fn plan<'a>(cx: &RenderCx<'a>) -> Plan<'a> {
    let mut plan = Plan::new();
    let core = plan.owner(crate::plan::What::Generated("发布记录"));
    plan.file(crate::manifest::FILE, TargetId::CORE, core);
    for name in [
        crate::publish::INDEX,
        crate::publish::MARKER,
        crate::memo::FILE,
        ".gitkeep",
    ] {
        plan.file(name, TargetId::CORE, core);
    }
    for (i, t) in crate::render::TARGETS.iter().enumerate() {
        t.plan(cx, TargetId(i as u8), &mut plan);
    }
    plan
}

/// What one run of [`render_all`] is for.
pub struct Job<'a> {
    pub root: &'a Path,
    pub today: civil::Date,
    pub base_url: Option<&'a str>,
    pub targets: Targets,
    pub switches: crate::options::Switches,
    /// Lets `serve` skip work on files that did not change.
    pub caches: Option<&'a Caches>,
    /// The previous output's manifest (published notices must not change silently).
    pub previous: Option<&'a crate::manifest::Manifest>,
    pub progress: &'a Progress,
    pub diags: &'a Diagnostics,
}

/// Load, validate, plan and render the chosen targets into `sink`, then call `then` with the
/// plan (publishing reads it). `None` when there were errors (they are in `diags`).
pub fn render_all<R>(
    job: &Job<'_>,
    scanned: Option<crate::load::Scanned>,
    sink: &dyn Sink,
    then: impl FnOnce(&Plan<'_>) -> R,
) -> Option<R> {
    let Job {
        root,
        today,
        base_url,
        targets,
        switches,
        caches,
        previous,
        progress,
        diags,
    } = *job;
    let reading = crate::load::Reading {
        cache: caches.map(|c| &c.parse),
        yaml: switches.yaml,
    };
    let t0 = Instant::now();
    progress.stage("读取内容", 0);
    let mut site = crate::load::load_scanned(root, scanned, diags, reading)?;
    crate::progress::timing("load", t0);
    progress.stage("检查内容", 0);
    if let Some(u) = base_url {
        site.cfg.base_url = Some(u.to_string());
    }
    let theme = Theme::load(root, diags);
    let cx = RenderCx {
        site: &site,
        root,
        theme: &theme,
        today,
        pages: caches.map(|c| &c.pages),
        progress,
        diags,
        switches,
    };
    // The plan is checked with everything else: a collision is one more content error.
    // Planning is one thread's work: it runs while the villages are validated.
    let ((), mut plan) = rayon::join(
        || {
            crate::validate::validate(&site, root, today, diags);
            if let Some(prev) = previous {
                crate::manifest::check(&site, prev, today, diags);
            }
        },
        || plan(&cx),
    );
    plan.report(diags);
    if diags.has_errors() {
        return None;
    }
    crate::progress::timing("validate", t0);
    let guard = crate::privacy::guard::Guard::new(site.public_phones());
    let sink = &Planned {
        inner: sink,
        plan: &plan,
        guard: &guard,
        progress,
        diags,
    };
    // The manifest is made (and read by the guard) while the targets render; like every
    // file it is published only if the whole build succeeds.
    let (ok, ()) = rayon::join(
        || {
            for (_, t) in targets.iter() {
                if diags.has_errors() || !t.render(&cx, sink) {
                    return false;
                }
                crate::progress::timing(t.name(), t0);
            }
            true
        },
        || {
            sink.put(
                Page {
                    path: crate::manifest::FILE.into(),
                    bytes: crate::manifest::to_json(&site),
                },
                None,
            )
        },
    );
    if !ok || diags.has_errors() {
        return None;
    }
    crate::progress::timing("done", t0);
    let r = then(&plan);
    // A province's model is millions of small allocations: free them on the pool instead of
    // making the caller wait.
    drop(plan);
    drop(theme);
    rayon::spawn(move || drop(site));
    Some(r)
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
    let previous = crate::manifest::read(&opts.output);
    let job = Job {
        root: &opts.root,
        today: opts.today,
        base_url: opts.base_url.as_deref(),
        targets: opts.targets,
        switches: opts.switches,
        caches: None,
        previous: previous.as_ref(),
        progress: &progress,
        diags: &diags,
    };
    let published = render_all(&job, scanned, &writer, |plan| {
        progress.stage("发布", 0);
        crate::memo::forget(&output_abs);
        writer.finish(plan, opts.targets)
    });
    let written = match published {
        None => return fail(diags),
        Some(Ok(w)) => w,
        Some(Err(e)) => {
            drop(progress);
            diags.error(
                &opts.output,
                Pos::default(),
                format!("写入输出文件失败：{e}"),
                "原来的输出没有改动。请检查输出文件夹的磁盘空间和权限，以及里面有没有手工放进去的文件或文件夹。",
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
    let kinds: Vec<crate::cache::Kind> = opts
        .targets
        .iter()
        .flat_map(|(_, t)| t.caches().iter().copied())
        .collect();
    crate::cache::prune_after_build(&opts.root, &kinds);
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
