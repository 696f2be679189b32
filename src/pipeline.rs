//! The pipeline: load → validate → render → publish. `main.rs` only parses the command line.

use jiff::civil;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::model::Site;
use crate::publish::{self, Staging};
use crate::render;
use crate::render::site::Page;
use crate::theme::Theme;

pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub base_url: Option<String>,
    /// The day statuses and date rules are computed for (default: today in China).
    pub today: civil::Date,
}

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub ok: bool,
    pub pages: usize,
    pub millis: u128,
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
#[derive(Debug, Clone, Copy)]
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
}

/// What `serve` keeps between rebuilds: parsed files and rendered pages.
#[derive(Default)]
pub struct Caches {
    pub parse: crate::load::ParseCache,
    pub pages: render::site::PageMemo,
}

/// Load, validate and render every target into memory. `None` when there were errors
/// (they are in `diags`). `cache` lets `serve` skip parsing files that did not change.
pub fn render_all(
    root: &Path,
    today: civil::Date,
    base_url: Option<&str>,
    caches: Option<&Caches>,
    previous: Option<&crate::manifest::Manifest>,
    targets: Targets,
    diags: &Diagnostics,
) -> Option<Vec<Page>> {
    let cache = caches.map(|c| &c.parse);
    let timing = std::env::var_os("GONGSHI_TIMING").is_some();
    let t0 = Instant::now();
    let site = {
        let mut site = crate::load::load_cached(root, diags, cache)?;
        if timing {
            eprintln!("timing: load {:?}", t0.elapsed());
        }
        if let Some(u) = base_url {
            site.cfg.base_url = Some(u.to_string());
        }
        crate::validate::validate(&site, root, today, diags);
        if let Some(prev) = previous {
            crate::manifest::check(&site, prev, today, diags);
        }
        site
    };
    let theme = Theme::load(root, diags);
    if diags.has_errors() {
        return None;
    }
    if timing {
        eprintln!("timing: validate {:?}", t0.elapsed());
    }
    let (mut pages, copies) = if targets.site {
        render::site::render(&site, root, &theme, today, caches.map(|c| &c.pages), diags)?
    } else {
        (Vec::new(), Vec::new())
    };
    if targets.wechat {
        pages.extend(render::wechat::render(&site, root, &theme, today, diags));
    }
    if timing {
        eprintln!("timing: render {:?}", t0.elapsed());
    }
    // Posters (Typst → PDF); `serve` asks for them in a second pass after the pages are up.
    if targets.posters && !diags.has_errors() {
        pages.extend(render::poster::render(&site, root, &theme, today, diags));
    }
    for c in copies {
        match std::fs::read(&c.from) {
            Ok(bytes) => pages.push(Page { path: c.to, bytes }),
            Err(e) => diags.error(
                &c.from,
                Pos::default(),
                format!("无法读取附件：{}", crate::source::io_zh(&e)),
                "请检查文件是否存在。",
            ),
        }
    }
    if diags.has_errors() {
        return None;
    }
    let manifest = crate::manifest::make(&site);
    pages.push(Page {
        path: crate::manifest::FILE.into(),
        bytes: serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
    });
    Some(pages)
}

pub fn build(opts: &BuildOptions) -> Outcome {
    let start = Instant::now();
    let diags = Diagnostics::new();
    let fail = |diags: Diagnostics| Outcome {
        diagnostics: diags.into_sorted(),
        ok: false,
        pages: 0,
        millis: start.elapsed().as_millis(),
    };
    if let Err(msg) = publish::check_output(&opts.root, &opts.output) {
        diags.error(
            &opts.output,
            Pos::default(),
            msg,
            "请用 --output 指定一个新的或由 gongshi 生成过的文件夹。",
        );
        return fail(diags);
    }
    let Some(pages) = render_all(
        &opts.root,
        opts.today,
        opts.base_url.as_deref(),
        None,
        crate::manifest::read(&opts.output).as_ref(),
        Targets::ALL,
        &diags,
    ) else {
        return fail(diags);
    };
    let staging = match Staging::new(&opts.output) {
        Ok(s) => s,
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
    let write_result = {
        use rayon::prelude::*;
        pages
            .par_iter()
            .try_for_each(|p| render::write_file(&staging.dir, &p.path, &p.bytes))
    };
    if let Err(e) = write_result {
        diags.error(
            &opts.output,
            Pos::default(),
            format!("写入输出文件失败：{e}"),
            "请检查磁盘空间和文件夹权限。原来的输出没有改动。",
        );
        return fail(diags);
    }
    if let Err(e) = staging.commit() {
        diags.error(
            &opts.output,
            Pos::default(),
            format!("替换输出文件夹失败：{e}"),
            "请确认没有程序正在使用输出文件夹。",
        );
        return fail(diags);
    }
    Outcome {
        diagnostics: diags.into_sorted(),
        ok: true,
        pages: pages.len(),
        millis: start.elapsed().as_millis(),
    }
}
