//! Incremental rebuilds (as `serve` does them) equal a clean build byte for byte, across a
//! sequence of edits, additions, renames, deletions and a broken-then-fixed file.

use crate::common;
use crate::common::Fixture;
use gongshi::serve::Rebuilder;
use std::collections::HashMap;
use std::sync::Arc;

fn today() -> Option<jiff::civil::Date> {
    Some(jiff::civil::date(2026, 11, 22))
}

fn clean(f: &Fixture) -> HashMap<String, Arc<Vec<u8>>> {
    let (files, diags) = Rebuilder::new(f.root(), today()).rebuild();
    files.unwrap_or_else(|| panic!("clean build failed: {diags:?}"))
}

fn same(a: &HashMap<String, Arc<Vec<u8>>>, b: &HashMap<String, Arc<Vec<u8>>>, step: &str) {
    let mut ka: Vec<_> = a.keys().collect();
    let mut kb: Vec<_> = b.keys().collect();
    ka.sort();
    kb.sort();
    assert_eq!(ka, kb, "{step}: different file sets");
    for k in ka {
        assert!(a[k] == b[k], "{step}: {k} differs from a clean build");
    }
}

#[test]
fn incremental_equals_clean_across_edits() {
    let f = Fixture::new();
    let inc = Rebuilder::new(f.root(), today());
    type Step = Box<dyn Fn(&Fixture)>;
    let steps: Vec<(&str, Step)> = vec![
        ("start", Box::new(|_| {})),
        (
            "edit a notice",
            Box::new(|f| {
                f.edit(
                    "content/t/v/voters.md",
                    "选民名单已在",
                    "选民名单（已更新）已在",
                )
            }),
        ),
        (
            "edit a title",
            Box::new(|f| {
                f.edit(
                    "content/t/v/candidates.md",
                    "正式候选人公示",
                    "正式候选人名单公示",
                )
            }),
        ),
        (
            "add a notice",
            Box::new(|f| {
                f.write(
                    "content/t/v/extra.md",
                    &common::VOTERS.replace("张庄村选民登记公告", "补充公告"),
                )
            }),
        ),
        (
            "add a village",
            Box::new(|f| {
                f.write(
                    "content/t/w/village.yaml",
                    &common::VILLAGE.replace("张庄村", "李庄村"),
                );
                f.write("content/t/w/audit.md", common::AUDIT);
            }),
        ),
        (
            "rename a notice",
            Box::new(|f| {
                std::fs::rename(
                    f.path("content/t/v/extra.md"),
                    f.path("content/t/v/buchong.md"),
                )
                .unwrap()
            }),
        ),
        (
            "rename a village",
            Box::new(|f| {
                std::fs::rename(f.path("content/t/w"), f.path("content/t/lizhuang")).unwrap()
            }),
        ),
        (
            "delete a notice",
            Box::new(|f| std::fs::remove_file(f.path("content/t/v/buchong.md")).unwrap()),
        ),
        (
            "edit the village",
            Box::new(|f| {
                f.edit(
                    "content/t/v/village.yaml",
                    "polling_day: 2026-12-20",
                    "polling_day: 2026-12-19",
                )
            }),
        ),
        (
            "edit a rule",
            Box::new(|f| {
                f.edit(
                    "content/rules/jilv.md",
                    "严禁拉票贿选。",
                    "严禁以任何形式拉票贿选。",
                )
            }),
        ),
        (
            "override the theme",
            Box::new(|f| f.write("themes/default/static/style.css", "body{}")),
        ),
        (
            "delete a village",
            Box::new(|f| std::fs::remove_dir_all(f.path("content/t/lizhuang")).unwrap()),
        ),
    ];
    for (name, step) in &steps {
        step(&f);
        let (files, diags) = inc.rebuild();
        let files = files.unwrap_or_else(|| panic!("{name}: {diags:?}"));
        same(&files, &clean(&f), name);
        // The slow pass (posters, WeChat exports) too.
        let (slow, diags) = inc.slow_outputs();
        let slow = slow.unwrap_or_else(|| panic!("{name}: {diags:?}"));
        let (clean_slow, _) = Rebuilder::new(f.root(), today()).slow_outputs();
        same(&slow, &clean_slow.expect("clean slow pass"), name);
    }
    // Break a file: the rebuild fails with its diagnostic; fixing it restores equality.
    let good = f.read("content/t/v/voters.md");
    f.write(
        "content/t/v/voters.md",
        &good.replace("issued_on: 2026-11-20", "issued_on: 2026-11-31"),
    );
    let (files, diags) = inc.rebuild();
    assert!(files.is_none());
    assert!(
        diags
            .iter()
            .any(|d| d.is_error() && d.message.contains("2026-11-31"))
    );
    f.write("content/t/v/voters.md", &good);
    let (files, _) = inc.rebuild();
    same(&files.expect("fixed"), &clean(&f), "fixed");
}

#[test]
fn cached_warnings_are_reported_again() {
    let f = Fixture::new();
    f.edit(
        "content/t/v/voters.md",
        "选民名单已在",
        "联系人电话 13812345678，选民名单已在",
    );
    let inc = Rebuilder::new(f.root(), today());
    for _ in 0..2 {
        let (files, diags) = inc.rebuild();
        assert!(files.is_some());
        assert!(
            diags.iter().any(|d| d.message.contains("手机号码")),
            "{diags:?}"
        );
    }
}

/// The real server: edits (plain writes and vim-style write-then-rename) show up, a broken
/// file shows its diagnostic on every page while the last good site stays, fixing clears it.
#[test]
fn the_server_rebuilds_and_reports_errors_in_pages() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let f = Fixture::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _server = Kill(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("gongshi"))
            .args([
                "serve",
                "--port",
                &port.to_string(),
                "--today",
                "2026-11-22",
                "--root",
            ])
            .arg(f.root())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let get_as = |path: &str, host: &str| -> String {
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            return String::new();
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = write!(
            s,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        );
        let mut b = Vec::new();
        let _ = s.read_to_end(&mut b);
        String::from_utf8_lossy(&b).into_owned()
    };
    let own_host = format!("127.0.0.1:{port}");
    let get = |path: &str| get_as(path, &own_host);
    let wait_for = |path: &str, pred: &dyn Fn(&str) -> bool, what: &str| {
        let start = Instant::now();
        loop {
            let body = get(path);
            if pred(&body) {
                return body;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; last:\n{body}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let page = wait_for(
        "t/v/voters/",
        &|b| b.contains("张庄村选民登记公告"),
        "first build",
    );
    // A page elsewhere reaching the preview under a name of its own gets nothing.
    let other = get_as("t/v/voters/", &format!("rebind.example:{port}"));
    assert!(other.starts_with("HTTP/1.1 421"), "{other}");
    assert!(!other.contains("张庄村选民登记公告"));
    assert!(
        page.contains("livereload") || page.contains("tower-livereload"),
        "no live-reload script injected"
    );
    // Posters follow the pages.
    wait_for(
        "t/v/voters/poster.pdf",
        &|b| b.contains("%PDF-"),
        "the poster",
    );
    // A plain write.
    f.edit(
        "content/t/v/voters.md",
        "选民名单已在",
        "第一次修改：选民名单已在",
    );
    wait_for("t/v/voters/", &|b| b.contains("第一次修改"), "a plain save");
    // The WeChat export follows the page.
    wait_for(
        "t/v/voters/wechat.fragment.html",
        &|b| b.contains("第一次修改"),
        "the WeChat export of the save",
    );
    // Write a temporary file and rename it over the original, as vim and VS Code do.
    let t = f
        .read("content/t/v/voters.md")
        .replace("第一次修改", "第二次修改");
    f.write("content/t/v/.voters.md.tmp", &t);
    std::fs::rename(
        f.path("content/t/v/.voters.md.tmp"),
        f.path("content/t/v/voters.md"),
    )
    .unwrap();
    wait_for(
        "t/v/voters/",
        &|b| b.contains("第二次修改"),
        "a rename save",
    );
    // Break it: the old page stays, with the diagnostic on top, on every page.
    f.edit(
        "content/t/v/voters.md",
        "issued_on: 2026-11-20",
        "issued_on: 2026-11-31",
    );
    let broken = wait_for(
        "index.html",
        &|b| b.contains("2026-11-31"),
        "the error banner",
    );
    assert!(broken.contains("内容有错误"));
    assert!(
        get("t/v/voters/").contains("第二次修改"),
        "the last good page should still be served"
    );
    // Fix it: the banner goes away.
    f.edit(
        "content/t/v/voters.md",
        "issued_on: 2026-11-31",
        "issued_on: 2026-11-20",
    );
    wait_for(
        "index.html",
        &|b| !b.contains("内容有错误") && b.contains("200 OK"),
        "the banner to clear",
    );
    // A whole new village appears.
    f.write(
        "content/t/w/village.yaml",
        &common::VILLAGE.replace("张庄村", "李庄村"),
    );
    f.write("content/t/w/audit.md", common::AUDIT);
    wait_for(
        "t/w/",
        &|b| b.contains("李庄村") && b.contains("200 OK"),
        "a new village",
    );
}
