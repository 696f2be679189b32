//! Progress on a terminal for long builds: one line, redrawn a few times a second by its own
//! thread from counters the workers bump, so the hot paths only touch atomics. Silent when
//! stderr is not a terminal (piped, CI, tests).

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct State {
    stage: Mutex<(String, usize)>,
    done: AtomicUsize,
    files: AtomicUsize,
    stop: AtomicBool,
}

pub struct Progress {
    state: Arc<State>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// A progress line, drawn only if `enabled` (pass "stderr is a terminal").
    pub fn new(enabled: bool) -> Progress {
        let state = Arc::new(State::default());
        let ticker = enabled.then(|| {
            let s = state.clone();
            let start = Instant::now();
            std::thread::spawn(move || {
                let mut drawn = false;
                while !s.stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(150));
                    let (label, total) = s.stage.lock().map(|g| g.clone()).unwrap_or_default();
                    if label.is_empty() {
                        continue;
                    }
                    let done = s.done.load(Ordering::Relaxed);
                    let files = s.files.load(Ordering::Relaxed);
                    let secs = start.elapsed().as_secs();
                    const WIDTH: usize = 24;
                    let line = if let Some(filled) = (done.min(total) * WIDTH).checked_div(total) {
                        format!(
                            "{label} [{}{}] {done}/{total}  已输出 {files} 个文件  {secs} 秒",
                            "#".repeat(filled),
                            "-".repeat(WIDTH - filled)
                        )
                    } else {
                        format!("{label}……  已输出 {files} 个文件  {secs} 秒")
                    };
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[K{line}");
                    let _ = err.flush();
                    drawn = true;
                }
                if drawn {
                    let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
                }
            })
        });
        Progress { state, ticker }
    }

    /// A progress that never draws.
    pub fn hidden() -> Progress {
        Progress::new(false)
    }

    /// Start a stage; `total` 0 when its size is unknown.
    pub fn stage(&self, label: &str, total: usize) {
        if let Ok(mut g) = self.state.stage.lock() {
            *g = (label.to_string(), total);
        }
        self.state.done.store(0, Ordering::Relaxed);
    }

    /// `n` more units of the current stage are done.
    pub fn step(&self, n: usize) {
        self.state.done.fetch_add(n, Ordering::Relaxed);
    }

    /// One more file is in the output.
    pub fn file(&self) {
        self.state.files.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

static TIMING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turn [`timing`] on for this process (the command line does, with `GONGSHI_TIMING` set).
pub fn enable_timing() {
    TIMING.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// When timing is on, print how long the build has run at `stage` and how much memory the
/// process holds (for profiling a province build; quiet otherwise).
pub fn timing(stage: &str, since: std::time::Instant) {
    if !TIMING.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    // Resident anonymous memory (the heap; the binary's mapped pages are not counted),
    // from /proc/self/status (Linux; absent elsewhere).
    let rss_mib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("RssAnon:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib / 1024)
        });
    match rss_mib {
        Some(m) => eprintln!("timing: {stage} {:?}, {m} MiB heap", since.elapsed()),
        None => eprintln!("timing: {stage} {:?}", since.elapsed()),
    }
}
