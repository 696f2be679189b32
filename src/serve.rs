//! `gongshi serve`: build into memory, serve on 127.0.0.1, watch `content/` and `themes/`,
//! rebuild what changed and reload every open page. A change that breaks the content keeps
//! the last good site served with the diagnostics shown at the top of every page.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Response, StatusCode, Uri, header};
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tower_livereload::{LiveReloadLayer, Reloader};

use crate::diag::{Diagnostic, Diagnostics, summary};
use crate::pipeline;

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub today: Option<jiff::civil::Date>,
    pub switches: crate::options::Switches,
}

/// Output path → bytes, as served.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

#[derive(Default)]
struct State {
    /// From the pages pass (the fast targets).
    files: Files,
    /// From the slow pass (posters, WeChat exports), kept until the next slow pass.
    slow: Files,
    /// Diagnostics of a failed rebuild, injected into every served page.
    banner: Option<String>,
}

/// Rebuilds on demand, reusing parsed files that did not change.
pub struct Rebuilder {
    root: PathBuf,
    today: Option<jiff::civil::Date>,
    switches: crate::options::Switches,
    caches: pipeline::Caches,
}

impl Rebuilder {
    pub fn new(root: &Path, today: Option<jiff::civil::Date>) -> Rebuilder {
        Rebuilder {
            root: root.to_path_buf(),
            today,
            switches: crate::options::Switches::default(),
            caches: pipeline::Caches::default(),
        }
    }

    pub fn with_switches(mut self, switches: crate::options::Switches) -> Rebuilder {
        self.switches = switches;
        self
    }

    /// The web pages in memory (posters and WeChat exports come separately, see
    /// [`Rebuilder::slow_outputs`]), or the diagnostics that stopped it.
    pub fn rebuild(&self) -> (Option<Files>, Vec<Diagnostic>) {
        self.run(pipeline::Targets::by_speed(true))
    }

    /// Posters and WeChat exports: far slower per notice than a page (Typst; CSS inlining
    /// and sanitising), so `serve` adds them after the pages are up. An edited notice is on
    /// screen within the page rebuild, not after every export of the county is redone.
    pub fn slow_outputs(&self) -> (Option<Files>, Vec<Diagnostic>) {
        self.run(pipeline::Targets::by_speed(false))
    }

    fn run(&self, targets: pipeline::Targets) -> (Option<Files>, Vec<Diagnostic>) {
        let diags = Diagnostics::new();
        let today = self.today.unwrap_or_else(pipeline::today);
        let sink = crate::render::Collect::default();
        let previous = crate::manifest::read(&self.root.join("output"));
        let job = pipeline::Job {
            root: &self.root,
            today,
            base_url: None,
            targets,
            switches: self.switches,
            caches: Some(&self.caches),
            previous: previous.as_ref(),
            progress: &crate::progress::Progress::hidden(),
            diags: &diags,
        };
        let ok = pipeline::render_all(&job, None, &sink, |_| ());
        let files = ok.is_some().then(|| {
            sink.into_pages()
                .into_iter()
                .map(|p| (p.path, Arc::new(p.bytes)))
                .collect()
        });
        (files, diags.into_sorted())
    }
}

fn banner_html(diags: &[Diagnostic]) -> String {
    let mut s = String::from(
        "<div style=\"position:sticky;top:0;z-index:9;background:#fff3f3;border-bottom:3px solid #c8161d;padding:10px 14px;font:15px/1.6 sans-serif;color:#1f2329;max-height:60vh;overflow:auto\"><strong style=\"color:#c8161d\">内容有错误，网站仍显示上一次成功生成的版本。改正后会自动刷新。</strong>",
    );
    for d in diags.iter().filter(|d| d.is_error()) {
        s.push_str("<pre style=\"white-space:pre-wrap;margin:8px 0 0\">");
        s.push_str(&escape(&d.to_string()));
        s.push_str("</pre>");
    }
    s.push_str("</div>");
    s
}

use crate::render::escaped as escape;

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn respond(state: &RwLock<State>, uri: &Uri) -> Response<Body> {
    let path = crate::privacy::percent_decode(uri.path().trim_start_matches('/'));
    let st = state.read().unwrap_or_else(|e| e.into_inner());
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![path.clone(), format!("{path}/index.html")]
    };
    let found = candidates.iter().find_map(|k| {
        st.files
            .get(k)
            .or_else(|| st.slow.get(k))
            .map(|b| (k, b.clone()))
    });
    let Some((key, bytes)) = found else {
        let mut body =
            String::from("<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><body>");
        if let Some(b) = &st.banner {
            body.push_str(b);
        }
        body.push_str("<p>找不到这个页面。<a href=\"/index.html\">返回首页</a></p></body></html>");
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(body))
            .unwrap_or_default();
    };
    let ct = content_type(key);
    let body = match (&st.banner, ct.starts_with("text/html")) {
        (Some(banner), true) => {
            let html = String::from_utf8_lossy(&bytes);
            match html.find("<body>") {
                Some(i) => Body::from(format!("{}{banner}{}", &html[..i + 6], &html[i + 6..])),
                None => Body::from(format!("{banner}{html}")),
            }
        }
        _ => Body::from(bytes.as_ref().clone()),
    };
    Response::builder()
        .header(header::CONTENT_TYPE, ct)
        .header(header::CACHE_CONTROL, "no-store")
        .body(body)
        .unwrap_or_default()
}

fn print_report(diags: &[Diagnostic], ok: bool, ms: u128) {
    for d in diags {
        eprintln!("{d}\n");
    }
    if ok {
        eprintln!("{} 已更新（{ms} 毫秒）。", summary(diags));
    } else {
        eprintln!("{}", summary(diags));
    }
}

/// The slow pass (posters, WeChat exports), on its own thread after the pages are served.
/// Requests that pile up while it works become one pass.
fn slow_pass_worker(state: Arc<RwLock<State>>, rebuilder: Arc<Rebuilder>) -> mpsc::Sender<()> {
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        // Its own one-thread pool: poster work must not queue ahead of a page rebuild in
        // rayon's global pool.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
        while rx.recv().is_ok() {
            while rx.try_recv().is_ok() {}
            let (slow, diags) = match &pool {
                Some(p) => p.install(|| rebuilder.slow_outputs()),
                None => rebuilder.slow_outputs(),
            };
            match slow {
                Some(p) => {
                    let mut st = state.write().unwrap_or_else(|e| e.into_inner());
                    st.slow = p;
                }
                None => {
                    for d in diags.iter().filter(|d| d.is_error()) {
                        eprintln!("{d}\n");
                    }
                }
            }
        }
    });
    tx
}

/// Apply a rebuild to the served state. Returns whether it succeeded.
fn apply(state: &RwLock<State>, rebuilder: &Rebuilder, reloader: &Reloader) -> bool {
    let start = Instant::now();
    let (files, diags) = rebuilder.rebuild();
    let ok = files.is_some();
    {
        let mut st = state.write().unwrap_or_else(|e| e.into_inner());
        match files {
            Some(f) => {
                // The current posters and exports stay until the slow pass replaces them.
                st.files = f;
                st.banner = None;
            }
            None => st.banner = Some(banner_html(&diags)),
        }
    }
    reloader.reload();
    print_report(&diags, ok, start.elapsed().as_millis());
    ok
}

pub fn serve(mut opts: ServeOptions) -> Result<(), String> {
    // Watcher events carry absolute paths: compare them with an absolute root.
    opts.root = opts.root.canonicalize().unwrap_or(opts.root);
    let content = opts.root.join("content");
    if !content.is_dir() {
        return Err(format!(
            "找不到内容文件夹 {}。请用 --root 指定网站根目录。",
            content.display()
        ));
    }
    let state = Arc::new(RwLock::new(State::default()));
    let rebuilder = Arc::new(Rebuilder::new(&opts.root, opts.today).with_switches(opts.switches));
    let livereload = LiveReloadLayer::new();
    let reloader = livereload.reloader();
    let slow_pass = slow_pass_worker(state.clone(), rebuilder.clone());
    if apply(&state, &rebuilder, &reloader) {
        let _ = slow_pass.send(());
    }

    // Watch content/ and themes/ (never the output folder) through a short debouncer.
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(
        Duration::from_millis(15),
        Some(Duration::from_millis(5)),
        tx,
    )
    .map_err(|e| format!("无法监视文件变化：{e}"))?;
    debouncer
        .watch(&content, RecursiveMode::Recursive)
        .map_err(|e| format!("无法监视 {}：{e}", content.display()))?;
    let themes = opts.root.join("themes");
    if themes.is_dir() {
        let _ = debouncer.watch(&themes, RecursiveMode::Recursive);
    }
    {
        let state = state.clone();
        let rebuilder = rebuilder.clone();
        let reloader = reloader.clone();
        let content = content.clone();
        std::thread::spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut relevant = is_relevant(&first, &content, &themes);
                // A burst of saves becomes one rebuild.
                while let Ok(more) = rx.try_recv() {
                    relevant |= is_relevant(&more, &content, &themes);
                }
                if relevant && apply(&state, &rebuilder, &reloader) {
                    let _ = slow_pass.send(());
                }
            }
        });
    }

    let (bind, port) = (opts.bind.clone(), opts.port);
    let app = axum::Router::new()
        .fallback(move |uri: Uri| {
            let state = state.clone();
            async move { respond(&state, &uri) }
        })
        .layer(livereload)
        // A page on another site cannot reach the preview through a name of its own that
        // resolves here (DNS rebinding): only requests for the address we listen on.
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let host = req
                    .headers()
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_string);
                let ok = host_allowed(host.as_deref(), &bind, port);
                async move {
                    if ok {
                        next.run(req).await
                    } else {
                        Response::builder()
                            .status(StatusCode::MISDIRECTED_REQUEST)
                            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
                            .body(Body::from("这个预览服务只回答发给本机预览地址的请求。"))
                            .unwrap_or_default()
                    }
                }
            },
        ));
    let addr = format!("{}:{}", opts.bind, opts.port);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|e| format!("无法在 {addr} 上启动服务：{e}（端口可能被占用，可用 --port 换一个）"))?;
        eprintln!("预览地址：http://{addr}/  （修改 content/ 或 themes/ 里的文件后，浏览器会自动刷新；按 Ctrl+C 退出）");
        axum::serve(listener, app).await.map_err(|e| e.to_string())
    })?;
    drop(debouncer);
    Ok(())
}

/// Whether a request's `Host` names the address `serve` listens on (`bind:port`; the
/// loopback names when it listens on loopback; any address literal when on all interfaces).
pub fn host_allowed(host: Option<&str>, bind: &str, port: u16) -> bool {
    let Some(host) = host else { return false };
    // `name:port`, `[v6]:port`, or the name alone (some tools leave the port out).
    let (name, p) = match host.rsplit_once(':') {
        Some((n, p)) if n.starts_with('[') || !n.contains(':') => (n, Some(p)),
        _ if host.starts_with('[') || !host.contains(':') => (host, None),
        _ => return false,
    };
    if p.is_some_and(|p| p.parse::<u16>() != Ok(port)) {
        return false;
    }
    let name = name
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let bind = bind
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let loopback = |n: &str| {
        n == "localhost"
            || n.parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    };
    if name == bind || (loopback(&bind) && loopback(&name)) {
        return true;
    }
    let any = bind
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_unspecified());
    any && name.parse::<std::net::IpAddr>().is_ok()
}

fn is_relevant(ev: &DebounceEventResult, content: &Path, themes: &Path) -> bool {
    match ev {
        Ok(events) => events.iter().any(|e| {
            !e.kind.is_access()
                && e.paths.iter().any(|p| {
                    let hidden = p.file_name().is_some_and(|n| {
                        let n = n.to_string_lossy();
                        // Editor swap and backup files (vim .swp, emacs ~, VS Code temp).
                        n.ends_with(".swp")
                            || n.ends_with(".swx")
                            || n.ends_with('~')
                            || n.starts_with(".#")
                    });
                    !hidden && (p.starts_with(content) || p.starts_with(themes))
                })
        }),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn only_the_address_served_is_answered() {
        assert!(host_allowed(Some("127.0.0.1:1111"), "127.0.0.1", 1111));
        assert!(host_allowed(Some("localhost:1111"), "127.0.0.1", 1111));
        assert!(host_allowed(Some("[::1]:1111"), "127.0.0.1", 1111));
        assert!(!host_allowed(Some("evil.example:1111"), "127.0.0.1", 1111));
        assert!(!host_allowed(Some("127.0.0.1:2222"), "127.0.0.1", 1111));
        assert!(host_allowed(Some("127.0.0.1"), "127.0.0.1", 1111));
        assert!(!host_allowed(Some("rebind.example"), "127.0.0.1", 1111));
        assert!(!host_allowed(None, "127.0.0.1", 1111));
        assert!(host_allowed(Some("192.168.1.5:1111"), "0.0.0.0", 1111));
        assert!(!host_allowed(Some("rebind.example:1111"), "0.0.0.0", 1111));
    }
}
