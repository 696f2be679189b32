use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

// Building a province allocates millions of small strings across threads; glibc malloc
// spent a sixth of the build there (arena growth, mprotect, consolidation).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A build is one pass that ends soon after its peak: keep freed memory instead of handing
/// it back to the kernel and faulting it in again. With transparent huge pages on, every such
/// fault zeroes 2 MiB; at 20,000 villages that was a tenth of the build's CPU time. `serve`
/// runs for hours and keeps mimalloc's default (purge after a second).
fn keep_freed_memory() {
    // mi_option_purge_delay in mimalloc 3's `mi_option_t`; -1 means never purge.
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: plain option setter; called before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

use gongshi::diag::{Diagnostics, summary};
use gongshi::pipeline::{self, BuildOptions};
use gongshi::scaffold;

#[derive(Parser)]
#[command(
    name = "gongshi",
    version,
    about = "村（社区）“两委”换届公示：把内容文件夹生成公示网站"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 生成网站（content → output）
    Build {
        /// 网站根目录（含 content/），默认当前目录
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 输出目录，默认 <root>/output
        #[arg(long)]
        output: Option<PathBuf>,
        /// 覆盖 site.yaml 中的 base_url
        #[arg(long)]
        base_url: Option<String>,
        /// 按哪一天计算公示状态（YYYY-MM-DD），默认今天
        #[arg(long)]
        today: Option<String>,
        /// 只生成其中几项：site（网站）、posters（海报）、wechat（公众号），用逗号隔开；
        /// 没生成的几项保留上次的输出
        #[arg(long)]
        only: Option<String>,
    },
    /// 只检查内容，不生成文件
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        today: Option<String>,
    },
    /// 本地预览：生成、启动网页服务，文件一改浏览器自动刷新
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        #[arg(long)]
        today: Option<String>,
    },
    /// 新建一个县的网站根目录（含一个带注释的示例村）
    Init { dir: PathBuf },
    /// 新建村或公告的样板文件
    New {
        #[command(subcommand)]
        what: NewWhat,
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
    },
}

#[derive(Subcommand)]
enum NewWhat {
    /// gongshi new village 乡镇/村（文件夹名，建议拼音）
    Village { path: String },
    /// gongshi new notice 乡镇/村/公告名 --kind candidates
    Notice {
        path: String,
        #[arg(long, default_value = "notice")]
        kind: String,
    },
}

// The environment is read here only, and passed down as options.

/// `GONGSHI_TODAY` (YYYY-MM-DD): the day to build for, for reproducible runs and tests.
fn today_from_env() -> Option<jiff::civil::Date> {
    std::env::var("GONGSHI_TODAY")
        .ok()
        .and_then(|s| gongshi::dates::parse_date(&s))
}

/// `GONGSHI_NO_POSTER_CACHE`, `GONGSHI_NO_SYSTEM_FONTS`: for tests and bug reports.
fn switches_from_env() -> gongshi::options::Switches {
    gongshi::options::Switches {
        poster_cache: std::env::var_os("GONGSHI_NO_POSTER_CACHE").is_none(),
        system_fonts: std::env::var_os("GONGSHI_NO_SYSTEM_FONTS").is_none(),
        yaml: match std::env::var_os("GONGSHI_FULL_YAML") {
            Some(_) => gongshi::yaml::Route::FullOnly,
            None => gongshi::yaml::Route::FastFirst,
        },
    }
}

/// `GONGSHI_TODAY`, else today in China.
fn default_today() -> jiff::civil::Date {
    today_from_env().unwrap_or_else(pipeline::today)
}

/// `--today`, else `GONGSHI_TODAY`, else today in China.
fn today(arg: Option<String>) -> Result<jiff::civil::Date, String> {
    match arg {
        None => Ok(default_today()),
        Some(s) => gongshi::dates::parse_date(&s)
            .ok_or_else(|| format!("--today 的日期“{s}”格式不对，请写成 YYYY-MM-DD。")),
    }
}

fn print_diags(diags: &[gongshi::diag::Diagnostic]) {
    for d in diags {
        eprintln!("{d}\n");
    }
    eprintln!("{}", summary(diags));
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Build { .. } | Command::Check { .. }) {
        keep_freed_memory();
    }
    if std::env::var_os("GONGSHI_TIMING").is_some() {
        gongshi::progress::enable_timing();
    }
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            today: t,
            only,
        } => {
            let today = match today(t) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("错误：{e}");
                    return ExitCode::from(2);
                }
            };
            let targets = match only.as_deref().map(pipeline::Targets::parse) {
                None => pipeline::Targets::all(),
                Some(Ok(t)) => t,
                Some(Err(e)) => {
                    eprintln!("错误：{e}");
                    return ExitCode::from(2);
                }
            };
            let output = output.unwrap_or_else(|| root.join("output"));
            let opts = BuildOptions {
                root,
                output: output.clone(),
                base_url,
                today,
                targets,
                progress: std::io::stderr().is_terminal(),
                switches: switches_from_env(),
            };
            let outcome = pipeline::build(&opts);
            print_diags(&outcome.diagnostics);
            if outcome.ok && outcome.unchanged {
                eprintln!(
                    "内容、主题和程序都和上次生成时一样：{} 里的 {} 个文件都已核对完好，不用重新生成，用时 {} 毫秒。",
                    output.display(),
                    outcome.pages,
                    outcome.millis
                );
                ExitCode::SUCCESS
            } else if outcome.ok {
                let w = outcome.written;
                eprintln!(
                    "已生成 {} 个文件到 {}（新写入或更新 {} 个，{} 个与上次相同、没有改动{}），用时 {} 毫秒。",
                    outcome.pages,
                    output.display(),
                    w.written,
                    w.kept,
                    if w.removed > 0 {
                        format!("，删除不再需要的 {} 个", w.removed)
                    } else {
                        String::new()
                    },
                    outcome.millis
                );
                ExitCode::SUCCESS
            } else {
                eprintln!("生成失败，原来的 {} 没有改动。", output.display());
                ExitCode::from(1)
            }
        }
        Command::Check { root, today: t } => {
            let today = match today(t) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("错误：{e}");
                    return ExitCode::from(2);
                }
            };
            let diags = Diagnostics::new();
            let _ = pipeline::check(&root, today, None, &diags);
            let all = diags.into_sorted();
            print_diags(&all);
            if all.iter().any(|d| d.is_error()) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Serve {
            root,
            port,
            bind,
            today: t,
        } => {
            let today = match t.map(|s| today(Some(s))).transpose() {
                Ok(d) => d.or_else(today_from_env),
                Err(e) => {
                    eprintln!("错误：{e}");
                    return ExitCode::from(2);
                }
            };
            match gongshi::serve::serve(gongshi::serve::ServeOptions {
                root,
                bind,
                port,
                today,
                switches: switches_from_env(),
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { dir } => match scaffold::init(&dir, default_today()) {
            Ok(files) => {
                for f in files {
                    eprintln!("已创建 {}", f.display());
                }
                eprintln!("下一步：cd {} && gongshi build", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("错误：{e}");
                ExitCode::from(1)
            }
        },
        Command::New { what, root } => {
            let r = match what {
                NewWhat::Village { path } => scaffold::new_village(&root, &path, default_today()),
                NewWhat::Notice { path, kind } => {
                    scaffold::new_notice(&root, &path, &kind, default_today())
                }
            };
            match r {
                Ok(files) => {
                    for f in files {
                        eprintln!("已创建 {}", f.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The option number is mimalloc 3's enum position: if an upgrade moved it, this default
    /// (1,000 ms) would no longer read back from it.
    #[test]
    fn purge_delay_option_is_where_we_set_it() {
        // SAFETY: plain option getter.
        let v = unsafe { libmimalloc_sys::mi_option_get(15) };
        assert_eq!(v, 1000);
    }
}
