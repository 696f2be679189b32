//! Save-to-served latency of `gongshi serve`, measured from outside the process: write a
//! marker into a notice file, then poll the notice's URL until the marker is served.
//!
//!     gongshi serve --root ROOT --port 1111 &
//!     cargo run --release --example serve_latency -- ROOT content/a/b/notice.md a/b/notice/ 1111 20
//!
//! Prints every sample and the median in milliseconds.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn get(port: u16, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let req =
        format!("GET /{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).is_err() {
        return String::new();
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() < 4 {
        eprintln!("usage: serve_latency ROOT FILE URL_PATH PORT [SAMPLES]");
        std::process::exit(2);
    }
    let file = PathBuf::from(&a[0]).join(&a[1]);
    let url = &a[2];
    let port: u16 = a[3].parse().expect("port");
    let samples: usize = a.get(4).and_then(|s| s.parse().ok()).unwrap_or(20);
    let original = std::fs::read_to_string(&file).expect("notice file");
    let mut times = Vec::new();
    for i in 0..samples {
        let marker = format!("延迟测量标记{i}x{}", std::process::id());
        let text = format!("{original}\n\n{marker}\n");
        let start = Instant::now();
        std::fs::write(&file, text).expect("write");
        loop {
            if get(port, url).contains(&marker) {
                break;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("marker never served");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        println!("sample {i}: {ms:.1} ms");
        times.push(ms);
        std::thread::sleep(Duration::from_millis(150));
    }
    std::fs::write(&file, original).expect("restore");
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "median {:.1} ms, min {:.1} ms, max {:.1} ms over {samples} saves",
        times[samples / 2],
        times[0],
        times[samples - 1]
    );
}
