//! Checks every WeChat export of the bundled county against DESIGN.md §9.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

use gongshi::render::wechat::{MAX_BYTES, MAX_CHARS, sanitize, weight};

fn build(content: &Path) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    copy_dir(content, &dir.join("content"));
    Command::cargo_bin("gongshi")
        .unwrap()
        .env("GONGSHI_TODAY", "2026-11-22")
        .args(["build", "--root"])
        .arg(&dir)
        .arg("--output")
        .arg(dir.join("output"))
        .assert()
        .success();
    dir.join("output")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn fragments(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() {
            fragments(&p, out);
        } else if name.starts_with("wechat.fragment") {
            out.push(p);
        }
    }
}

fn check(html: &str, file: &Path, part: bool) {
    let f = file.display();
    assert!(html.starts_with("<section style=\""), "{f}: root");
    assert!(
        weight(html) < MAX_CHARS && html.len() < MAX_BYTES,
        "{f}: size"
    );
    assert_eq!(sanitize::clean(html), html, "{f}: idempotence");
    let lower = html.to_lowercase();
    for bad in [
        "<script",
        "<style",
        "class=",
        " id=",
        "style=\"\"",
        "position",
        "float",
        "flex",
        "grid",
        "var(",
        "!important",
        "<ul",
        "<ol",
        "<li",
        "<div",
    ] {
        assert!(!lower.contains(bad), "{f}: contains {bad}");
    }
    // Tags only from the checklist.
    for (i, _) in html.match_indices('<') {
        let name: String = html[i + 1..]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(sanitize::TAGS.contains(&name.as_str()), "{f}: tag {name}");
    }
    for (i, _) in html.match_indices("<a ") {
        assert!(
            html[i..].starts_with("<a href=\"https://mp.weixin.qq.com/"),
            "{f}: outside link"
        );
    }
    // Footnotes numbered 1..n in order, each listed under 引用链接.
    let mut n = 0;
    for (i, _) in html.match_indices("[") {
        let rest = &html[i + 1..];
        let num: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if num.is_empty() || !rest[num.len()..].starts_with("]</sup>") {
            continue;
        }
        let k: usize = num.parse().unwrap();
        assert!(part || k <= n + 1, "{f}: footnote [{k}] out of order");
        n = n.max(k);
    }
    if n > 0 {
        assert!(html.contains("引用链接"), "{f}");
        for k in (1..=n).filter(|k| !part || html.contains(&format!("[{k}]</sup>"))) {
            assert!(
                html.contains(&format!("\">[{k}] ")),
                "{f}: [{k}] not listed"
            );
        }
    }
    // No 18-digit ID number or 11-digit mobile number.
    for run in html.split(|c: char| !c.is_ascii_digit() && c != 'X' && c != 'x') {
        let mobile = run.len() == 11
            && run.starts_with('1')
            && matches!(run.as_bytes()[1], b'3'..=b'9')
            && run.bytes().all(|b| b.is_ascii_digit());
        assert!(!mobile && run.len() != 18, "{f}: ID or mobile number {run}");
    }
}

#[test]
fn every_export_of_the_bundled_county_is_wechat_safe() {
    let out = build(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"));
    let mut files = Vec::new();
    fragments(&out, &mut files);
    assert!(files.len() > 20, "{}", files.len());
    for f in &files {
        let html = std::fs::read_to_string(f).unwrap();
        check(&html, f, false);
        let dir = f.parent().unwrap();
        assert!(dir.join("wechat.html").is_file());
        let draft: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("draft.json")).unwrap())
                .unwrap();
        for a in draft["articles"].as_array().unwrap() {
            assert!(a["title"].as_str().unwrap().chars().count() <= 32);
            assert!(a["author"].as_str().unwrap().chars().count() <= 16);
            assert!(a["digest"].as_str().unwrap().chars().count() <= 128);
            assert!(
                a["content_source_url"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://")
            );
        }
    }
    assert!(out.join("chengguan/wechat.html").is_file());
}

#[test]
fn hostile_and_long_fixture_is_split_and_safe() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let tmp = tempfile::tempdir().unwrap().keep();
    copy_dir(&src, &tmp.join("fixture"));
    let notice = tmp.join("fixture/chengguan/zhangzhuang/toupiao-xuzhi.md");
    let mut text = std::fs::read_to_string(&notice).unwrap();
    text.push_str(
        "\n<script>alert(1)</script>\n\n<p style=\"position:fixed;top:0\">注入</p>\n\n- 甲项\n- 乙项\n  1. 子项\n\n见[民政部](https://www.mca.gov.cn/)和[公众号文章](https://mp.weixin.qq.com/s/abc)。\n\n| 项目 | 金额 |\n|---|---:|\n| 收入 | 100 |\n\n",
    );
    for k in 0..400 {
        text.push_str(&format!("第{k}段：公示期内，村民对候选人有异议的，可向村民选举委员会反映，我们将认真核实处理。\n\n"));
    }
    std::fs::write(&notice, text).unwrap();
    let out = build(&tmp.join("fixture"));
    let dir = out.join("chengguan/zhangzhuang/toupiao-xuzhi");
    assert!(!dir.join("wechat.fragment.html").exists());
    let mut parts = Vec::new();
    for k in 1.. {
        let p = dir.join(format!("wechat.fragment.{k}.html"));
        if !p.exists() {
            break;
        }
        let html = std::fs::read_to_string(&p).unwrap();
        check(&html, &p, true);
        parts.push(html);
    }
    assert!(parts.len() >= 2, "{}", parts.len());
    let all = parts.concat();
    assert!(!all.contains("alert") && !all.contains("position"));
    assert!(all.contains("<a href=\"https://mp.weixin.qq.com/s/abc\">"));
    assert!(all.contains("民政部<sup"));
    assert!(all.contains("• </span>甲项"));
    assert!(all.contains("overflow-x:auto"));
    let preview = std::fs::read_to_string(dir.join("wechat.html")).unwrap();
    assert_eq!(preview.matches("<button").count(), parts.len());
}
