//! The pipeline: load → validate → render → publish. `main.rs` only parses the command line.

use jiff::civil;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::model::Site;
use crate::publish::{self, Staging};
use crate::render;
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
    Some(site)
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
    let site = check(&opts.root, opts.today, opts.base_url.as_deref(), &diags);
    let theme = Theme::load(&opts.root, &diags);
    let Some(site) = site else { return fail(diags) };
    if diags.has_errors() {
        return fail(diags);
    }
    let Some((mut pages, copies)) =
        render::site::render(&site, &opts.root, &theme, opts.today, &diags)
    else {
        return fail(diags);
    };
    pages.extend(render::wechat::render(
        &site, &opts.root, &theme, opts.today, &diags,
    ));
    if diags.has_errors() {
        return fail(diags);
    }
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
    let write_result = (|| -> std::io::Result<()> {
        use rayon::prelude::*;
        pages
            .par_iter()
            .try_for_each(|p| render::write_file(&staging.dir, &p.path, &p.bytes))?;
        for c in &copies {
            let to = staging.dir.join(&c.to);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(&c.from, &to)?;
        }
        Ok(())
    })();
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
        pages: pages.len() + copies.len(),
        millis: start.elapsed().as_millis(),
    }
}
