//! The WeChat preview's 复制到公众号 button, in a real headless Chromium: a click puts the
//! article on the clipboard as `text/html` (and `text/plain`), and the page says what to do
//! next. Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
//! fd 3 in, fd 4 out, messages ending in NUL), so the test needs no extra crates.
//!
//! Needs Chromium (`apt-get install chromium`; `.ci/run` installs it). Set `CHROMIUM` to use
//! another binary.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn chromium() -> String {
    if let Ok(c) = std::env::var("CHROMIUM") {
        return c;
    }
    for c in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        let found = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).any(|d| d.join(c).is_file()))
            .unwrap_or(false);
        if found {
            return c.to_string();
        }
    }
    panic!("this test needs Chromium: apt-get install chromium (or set CHROMIUM=/path/to/chrome)");
}

/// Serve `dir` over HTTP on 127.0.0.1 (the clipboard API wants a secure context; localhost is
/// one) until the process ends.
fn serve(dir: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut r = BufReader::new(&stream);
                let mut line = String::new();
                if r.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split(' ').nth(1).unwrap_or("/").to_string();
                loop {
                    let mut h = String::new();
                    if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let rel = path.split('?').next().unwrap_or("").trim_start_matches('/');
                let mut file = dir.join(percent_decode(rel));
                if file.is_dir() {
                    file = file.join("index.html");
                }
                let mut s = &stream;
                match std::fs::read(&file) {
                    Ok(body) if !rel.contains("..") => {
                        let ct = if file.extension().is_some_and(|e| e == "html") {
                            "text/html; charset=utf-8"
                        } else {
                            "application/octet-stream"
                        };
                        let _ = write!(
                            s,
                            "HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = s.write_all(&body);
                    }
                    _ => {
                        let _ = s.write_all(
                            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        );
                    }
                }
            });
        }
    });
    port
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A DevTools-protocol connection to a Chromium started for this test.
struct Browser {
    child: Child,
    input: ChildStdin,
    messages: mpsc::Receiver<Value>,
    /// Events seen while waiting for replies.
    events: Vec<Value>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

const DEADLINE: Duration = Duration::from_secs(60);

impl Browser {
    fn start() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        // The shell puts our pipes on fds 3 and 4, where --remote-debugging-pipe expects them.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 </dev/null >/dev/null"#)
            .arg(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-pipe",
                "--window-size=375,800",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let input = child.stdin.take().unwrap();
        let mut output = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 65536];
            while let Ok(n) = output.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                while let Some(end) = buf.iter().position(|&b| b == 0) {
                    let msg: Vec<u8> = buf.drain(..=end).collect();
                    if let Ok(v) = serde_json::from_slice(&msg[..msg.len() - 1])
                        && tx.send(v).is_err()
                    {
                        return;
                    }
                }
            }
        });
        Browser {
            child,
            input,
            messages: rx,
            events: Vec::new(),
            next_id: 1,
            _profile: profile,
        }
    }

    /// Send a command (to a page when `session` is given) and wait for its result.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.input.write_all(&bytes).unwrap();
        self.input.flush().unwrap();
        let start = Instant::now();
        loop {
            let left = DEADLINE
                .checked_sub(start.elapsed())
                .unwrap_or_else(|| panic!("no answer from Chromium to {method}"));
            let m = self
                .messages
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no answer from Chromium to {method}"));
            if m["id"] == json!(id) {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
            self.events.push(m);
        }
    }

    /// Wait for an event (already seen or still to come).
    fn wait_event(&mut self, method: &str) -> Value {
        if let Some(i) = self.events.iter().position(|e| e["method"] == method) {
            return self.events.remove(i);
        }
        let start = Instant::now();
        loop {
            let left = DEADLINE
                .checked_sub(start.elapsed())
                .unwrap_or_else(|| panic!("Chromium never sent {method}"));
            let m = self
                .messages
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("Chromium never sent {method}"));
            if m["method"] == method {
                return m;
            }
            self.events.push(m);
        }
    }

    /// Open a blank page with page events on; returns its session.
    fn new_page(&mut self) -> String {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let session = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        )["sessionId"]
            .as_str()
            .unwrap()
            .to_string();
        self.call(Some(&session), "Page.enable", json!({}));
        session
    }

    /// Evaluate JavaScript in the page and return its value (promises awaited).
    fn eval(&mut self, session: &str, js: &str) -> Value {
        let r = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": js, "awaitPromise": true, "returnByValue": true, "userGesture": false}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Open `url`, click the first copy button like a user, and return what the clipboard holds
/// by type, and the status line the page shows afterwards.
fn click_copy_and_read_clipboard(url: &str, origin: &str) -> (Value, String) {
    let mut b = Browser::start();
    b.call(
        None,
        "Browser.grantPermissions",
        json!({"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
    );
    let session = b.new_page();
    let s = session.as_str();
    // The clipboard is only available to a focused page.
    b.call(
        Some(s),
        "Emulation.setFocusEmulationEnabled",
        json!({"enabled": true}),
    );
    b.call(Some(s), "Page.navigate", json!({"url": url}));
    b.wait_event("Page.loadEventFired");
    let at = b.eval(
        s,
        "(() => { const b = document.querySelector('button[data-key]'); b.scrollIntoView(); \
         const r = b.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2, b.hidden]; })()",
    );
    assert_eq!(at[2], json!(false), "the script shows the button");
    for kind in ["mousePressed", "mouseReleased"] {
        b.call(
            Some(s),
            "Input.dispatchMouseEvent",
            json!({"type": kind, "x": at[0], "y": at[1], "button": "left", "clickCount": 1}),
        );
    }
    // The status line says what happened once the asynchronous write has finished.
    let start = Instant::now();
    let status = loop {
        let st = b.eval(s, "document.querySelector('[id^=wx-status-]').textContent");
        let st = st.as_str().unwrap_or("").to_string();
        if !st.is_empty() {
            break st;
        }
        assert!(start.elapsed() < DEADLINE, "the status line stayed empty");
        std::thread::sleep(Duration::from_millis(50));
    };
    let clip = b.eval(
        s,
        "(async () => { const out = {}; for (const item of await navigator.clipboard.read()) \
         for (const t of item.types) out[t] = await (await item.getType(t)).text(); return out; })()",
    );
    (clip, status)
}

#[test]
fn the_copy_button_puts_the_article_on_the_clipboard_as_html() {
    let f = common::Fixture::new();
    let run = f.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let port = serve(f.path("output"));
    let origin = format!("http://127.0.0.1:{port}");
    let url = format!("{origin}/t/v/candidates/wechat.html");
    let (clip, status) = click_copy_and_read_clipboard(&url, &origin);

    let title = "张庄村村民委员会成员正式候选人公示";
    let html = clip["text/html"]
        .as_str()
        .unwrap_or_else(|| panic!("no text/html on the clipboard: {clip}"));
    assert!(html.contains(title), "{html:.400}");
    // The styled article itself, as the fragment file has it, not the page around it.
    let fragment = f.read("output/t/v/candidates/wechat.fragment.html");
    let first_style = &fragment[..fragment.find('>').unwrap()];
    assert!(
        html.contains(&first_style["<section ".len()..]),
        "{html:.400}"
    );
    assert!(
        !html.contains("复制到公众号"),
        "the button is not part of the article"
    );
    let text = clip["text/plain"]
        .as_str()
        .unwrap_or_else(|| panic!("no text/plain: {clip}"));
    assert!(
        text.contains(title) && text.contains("12380"),
        "{text:.400}"
    );
    assert!(status.starts_with("已复制"), "{status}");
    assert!(status.contains("草稿箱"), "says where to paste: {status}");
}

/// A page built days before it is read still shows the right 公示 status: the theme's
/// `static/status.js` recomputes it from the reader's clock. Opened from the disk (file://),
/// as from a USB stick, so the script's relative path must work there too.
#[test]
fn the_status_follows_the_readers_clock_on_a_page_opened_from_disk() {
    let f = common::Fixture::new();
    // Built "in 2020": every notice is still 未开始 in the HTML.
    let run = assert_cmd::Command::cargo_bin("gongshi")
        .unwrap()
        .args(["build", "--today", "2020-01-01", "--root"])
        .arg(f.path(""))
        .env_remove("GONGSHI_TODAY")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let page = f.path("output/t/v/candidates/index.html");
    let html = f.read("output/t/v/candidates/index.html");
    assert!(html.contains(">未开始</span>"), "{html:.2000}");
    let mut b = Browser::start();
    let session = b.new_page();
    let s = session.as_str();
    let url = format!("file://{}", page.display());
    b.call(Some(s), "Page.navigate", json!({"url": url}));
    b.wait_event("Page.loadEventFired");
    let got = b.eval(
        s,
        "(() => { const e = document.querySelector('[data-from]'); \
         const d = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10); \
         const f = e.getAttribute('data-from'), t = e.getAttribute('data-to'); \
         const want = d < f ? '未开始' : (d > t ? '已结束' : '公示中'); \
         return [e.textContent, want, e.className]; })()",
    );
    // Today (the reader's day, China time) is years after the build day.
    assert_ne!(got[0], json!("未开始"), "status not refreshed: {got}");
    assert_eq!(got[0], got[1], "{got}");
    assert!(
        got[2]
            .as_str()
            .is_some_and(|c| c.starts_with("status status-")),
        "{got}"
    );
}
