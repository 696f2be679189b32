//! Checks every WeChat export of the bundled county against DESIGN.md §9.

use crate::common;

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

/// `html` with the payload of every `data:` URI removed.
fn without_image_data(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("src=\"data:") {
        out.push_str(&rest[..i + 10]);
        rest = &rest[i + 10..];
        rest = &rest[rest.find('"').unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// Tags and attributes DESIGN.md §9 allows, written out here rather than taken from the
/// sanitiser, so that the checker does not trust what it checks.
const ALLOWED_TAGS: &[&str] = &[
    "section",
    "p",
    "span",
    "strong",
    "em",
    "b",
    "u",
    "sup",
    "sub",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "a",
    "hr",
];

/// Every start tag of `html`: its name and its attributes (value unescaped only for `&quot;`).
fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with('/') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let mut attrs = Vec::new();
        let mut s = &rest[name.len()..];
        loop {
            s = s.trim_start();
            if s.starts_with('>') || s.starts_with("/>") || s.is_empty() {
                break;
            }
            let an: String = s
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '=' && *c != '>')
                .collect();
            s = &s[an.len()..];
            let mut value = String::new();
            if let Some(r) = s.strip_prefix("=\"") {
                let end = r.find('"').expect("unterminated attribute");
                value = r[..end].replace("&quot;", "\"");
                s = &r[end + 1..];
            }
            attrs.push((an, value));
        }
        out.push((name, attrs));
    }
    out
}

/// `prop:value` pairs of a style attribute.
fn declarations(style: &str) -> Vec<(String, String)> {
    style
        .split(';')
        .filter(|d| !d.trim().is_empty())
        .map(|d| {
            let (p, v) = d.split_once(':').unwrap_or((d, ""));
            (p.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase())
        })
        .collect()
}

fn check(html: &str, file: &Path, part: bool) {
    let f = file.display();
    assert!(html.starts_with("<section style=\""), "{f}: root");
    assert!(
        weight(html) < MAX_CHARS && html.len() < MAX_BYTES,
        "{f}: size"
    );
    assert_eq!(sanitize::clean(html), html, "{f}: idempotence");
    // Inlined image data is base64: any word may turn up in it by chance.
    let markup = without_image_data(html);
    let lower = markup.to_lowercase();
    for bad in [
        "<script",
        "<style",
        "<ul",
        "<ol",
        "<li",
        "<div",
        "!important",
        "var(",
    ] {
        assert!(!lower.contains(bad), "{f}: contains {bad}");
    }
    let tags = start_tags(&markup);
    // The root sets size, spacing and colour for everything inside it.
    let root: Vec<String> = declarations(&tags[0].1[0].1)
        .into_iter()
        .map(|d| d.0)
        .collect();
    for p in ["font-size", "line-height", "color"] {
        assert!(root.contains(&p.to_string()), "{f}: root lacks {p}");
    }
    for (name, attrs) in &tags {
        assert!(ALLOWED_TAGS.contains(&name.as_str()), "{f}: tag <{name}>");
        for (a, v) in attrs {
            let ok = match a.as_str() {
                "style" => true,
                "src" | "alt" => name == "img",
                "href" => name == "a",
                "colspan" | "rowspan" => name == "td" || name == "th",
                _ => false,
            };
            assert!(ok, "{f}: attribute {a} on <{name}>");
            if a == "style" {
                assert!(!v.trim().is_empty(), "{f}: empty style on <{name}>");
                for (p, val) in declarations(v) {
                    assert!(
                        !matches!(p.as_str(), "position" | "float" | "z-index")
                            && !p.starts_with("flex")
                            && !p.starts_with("grid")
                            && !(p == "display" && (val.contains("flex") || val.contains("grid"))),
                        "{f}: {p}:{val} on <{name}>"
                    );
                    if p == "color" {
                        // Pure black is swallowed by the editor.
                        assert!(
                            !matches!(
                                val.as_str(),
                                "#000" | "#000000" | "black" | "rgb(0,0,0)" | "rgb(0, 0, 0)"
                            ),
                            "{f}: pure black on <{name}>"
                        );
                    }
                }
            }
        }
        let style = attrs
            .iter()
            .find(|(a, _)| a == "style")
            .map(|(_, v)| declarations(v))
            .unwrap_or_default();
        let has = |p: &str| {
            style
                .iter()
                .any(|(q, _)| q == p || q.starts_with(&format!("{p}-")))
        };
        match name.as_str() {
            "img" => {
                assert!(
                    attrs.iter().any(|(a, v)| a == "alt" && !v.is_empty()),
                    "{f}: img alt"
                );
                assert!(
                    style.iter().any(|(p, v)| p == "max-width" && v == "100%"),
                    "{f}: img max-width"
                );
            }
            "table" => {
                assert!(
                    style
                        .iter()
                        .any(|(p, v)| p == "border-collapse" && v == "collapse"),
                    "{f}: table border-collapse"
                );
            }
            "td" | "th" => assert!(
                has("border") && has("padding"),
                "{f}: <{name}> border/padding"
            ),
            _ => {}
        }
    }
    // Wide tables scroll sideways inside their own section.
    for (i, _) in markup.match_indices("<table") {
        let before = &markup[..i];
        let open = before.rfind("<section").expect("table outside any section");
        assert!(
            before[open..].contains("overflow-x:auto") && before[open..].ends_with("\">"),
            "{f}: table not directly inside a sideways scroller"
        );
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
    for run in markup.split(|c: char| !c.is_ascii_digit() && c != 'X' && c != 'x') {
        let mobile = run.len() == 11
            && run.starts_with('1')
            && matches!(run.as_bytes()[1], b'3'..=b'9')
            && run.bytes().all(|b| b.is_ascii_digit());
        assert!(!mobile && run.len() != 18, "{f}: ID or mobile number {run}");
    }
}

#[test]
fn the_checker_rejects_what_the_checklist_forbids() {
    let good = "<section style=\"font-size:16px;line-height:1.75;color:#1f2329\"><p style=\"margin:0\">公示</p><section style=\"overflow-x:auto\"><table style=\"border-collapse:collapse\"><tbody><tr><td style=\"border:1px solid #ccc;padding:4px\">1</td></tr></tbody></table></section></section>";
    check(good, Path::new("good"), false);
    for bad in [
        good.replace("<p style", "<div style")
            .replace("</p>", "</div>"),
        good.replace("margin:0", "position:absolute"),
        good.replace("margin:0", "display:flex"),
        good.replace("margin:0", "color:#000"),
        good.replace("<p style=\"margin:0\"", "<p class=\"x\" style=\"margin:0\""),
        good.replace("padding:4px", "margin:1px"),
        good.replace(
            "<section style=\"overflow-x:auto\">",
            "<section style=\"margin:0\">",
        ),
        good.replace("font-size:16px;", ""),
        good.replace(
            "公示",
            "<img src=\"data:image/png;base64,AAAA\" alt=\"x\" style=\"width:10px\">",
        ),
        good.replace("公示", "<a href=\"https://evil.example/\">x</a>"),
        good.replace("公示", "13812345678"),
    ] {
        let caught = std::panic::catch_unwind(|| check(&bad, Path::new("bad"), false));
        assert!(caught.is_err(), "accepted: {bad}");
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

/// A noisy RGB picture (compresses like a photo), encoded as `format`.
fn photo_bytes(w: u32, h: u32, format: image::ImageFormat) -> Vec<u8> {
    let mut s = 7u32;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        image::Rgb([(x % 256) as u8, (y % 256) as u8, (s >> 24) as u8])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), format)
        .unwrap();
    out
}

/// The images of an export, decoded from their `data:` URIs.
fn inlined_images(html: &str) -> Vec<image::DynamicImage> {
    html.split("src=\"data:image/")
        .skip(1)
        .map(|rest| {
            let b64 = &rest[rest.find(";base64,").unwrap() + 8..rest.find('"').unwrap()];
            image::load_from_memory(&base64_decode(b64)).unwrap()
        })
        .collect()
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    } as u32;
    let mut out = Vec::new();
    for chunk in s.trim_end_matches('=').as_bytes().chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &c)| n | (val(c) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn photos_are_resized_and_inlined_and_unusable_ones_are_noted() {
    let f = common::Fixture::new();
    // A 4000 × 3000 phone photo of several MB for a candidate, a large scan in the body,
    // and a file that only pretends to be a picture.
    let big = photo_bytes(4000, 3000, image::ImageFormat::Png);
    assert!(big.len() > 20 * 1024 * 1024 / 2, "{}", big.len());
    f.write_bytes("content/t/v/photos/wang.png", &big);
    f.write_bytes(
        "content/t/v/photos/scan.jpg",
        &photo_bytes(2400, 1600, image::ImageFormat::Jpeg),
    );
    f.write_bytes(
        "content/t/v/photos/li.jpg",
        b"\xFF\xD8\xFF not really a jpeg",
    );
    f.edit(
        "content/t/v/candidates.md",
        "current_role: 村委会主任, post: 主任}",
        "current_role: 村委会主任, post: 主任, photo: photos/wang.png}",
    );
    f.edit(
        "content/t/v/candidates.md",
        "current_role: 村民小组长, post: 主任}",
        "current_role: 村民小组长, post: 主任, photo: photos/li.jpg}",
    );
    f.edit(
        "content/t/v/candidates.md",
        "**注意：**请按时参加投票。",
        "**注意：**请按时参加投票。\n\n![候选人资格审查会现场](photos/scan.jpg)\n",
    );
    // The site does not publish a picture it cannot clean of its metadata.
    let run = f.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let d = run.find(true, "附件“li.jpg”没有发布：图片文件已损坏");
    assert_eq!(d.file, "content/t/v/candidates.md");
    // The WeChat export alone leaves it out and tells the clerk.
    let run = f.run(&["build", "--only", "wechat"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let dir = f.path("output/t/v/candidates");
    let frag_path = dir.join("wechat.fragment.html");
    let html = std::fs::read_to_string(&frag_path).unwrap();
    check(&html, &frag_path, false);
    let images = inlined_images(&html);
    assert_eq!(images.len(), 2, "the portrait and the body image");
    // The portrait first, at portrait width; the scan at the article's full width.
    assert_eq!((images[0].width(), images[0].height()), (480, 360));
    assert_eq!((images[1].width(), images[1].height()), (1080, 720));
    assert!(html.contains("alt=\"王建国照片\""));
    assert!(html.contains("alt=\"候选人资格审查会现场\""));
    for tag in html.split("<img ").skip(1) {
        assert!(tag.contains("max-width:100%"), "{tag:.80}");
    }
    // The broken file is left out, and the preview page tells the clerk.
    let preview = std::fs::read_to_string(dir.join("wechat.html")).unwrap();
    assert!(
        preview.contains("候选人李堃的图片“photos/li.jpg”图片文件已损坏"),
        "{}",
        &preview[..preview.len().min(3000)]
    );
    // A second build takes the resized photos from the cache and makes the same bytes.
    let run = f.run(&["build", "--only", "wechat"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&frag_path).unwrap(), html);
}

#[test]
fn snapshots_of_representative_exports() {
    let f = common::Fixture::new();
    let run = f.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(
        "wechat_candidates",
        f.read("output/t/v/candidates/wechat.fragment.html")
    );
    insta::assert_snapshot!(
        "wechat_audit",
        f.read("output/t/v/audit/wechat.fragment.html")
    );
    insta::assert_snapshot!(
        "wechat_draft_candidates",
        f.read("output/t/v/candidates/draft.json")
    );
}

/// The files of every export and of the township listing, by path under the output folder.
fn exports_in(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.starts_with("wechat") || name == "draft.json"
        })
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Rebuilds keep the exports whose inputs did not change (a record of each is kept in
/// `.gongshi-cache/wechat/`) and make again those whose notice or images changed — a photo
/// replaced under the same name — with the same result as a build from nothing; an
/// export's warnings are reported on every build.
#[test]
fn rebuilt_exports_are_those_whose_notice_or_images_changed() {
    let f = common::Fixture::new();
    f.write_bytes(
        "content/t/v/photos/wang.png",
        &photo_bytes(64, 48, image::ImageFormat::Png),
    );
    f.edit(
        "content/t/v/candidates.md",
        "current_role: 村委会主任, post: 主任}",
        "current_role: 村委会主任, post: 主任, photo: photos/wang.png}",
    );
    // One paragraph too long for one article: warned about on every build.
    let voters = f.read("content/t/v/voters.md");
    f.write(
        "content/t/v/voters.md",
        &format!("{voters}\n{}\n", "选民名单张贴期间欢迎监督。".repeat(1800)),
    );
    let only = ["build", "--only", "site,wechat"];
    let records = || {
        std::fs::read_dir(f.path(".gongshi-cache/wechat"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".json")
            })
            .count()
    };
    let too_long = "超过公众号的限制";

    let run = f.run(&only);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(too_long), "{}", run.stderr);
    assert_eq!(records(), 3, "one record per export");
    let frag = "output/t/v/candidates/wechat.fragment.html";
    let first = f.read(frag);
    assert_eq!(inlined_images(&first).len(), 1);

    // The audit notice is edited: only its export is made again; the others are kept,
    // and the voters notice's warning is still reported.
    f.edit(
        "content/t/v/audit.md",
        "posted: {from: 2026-11-10, to: 2026-11-24}",
        "posted: {from: 2026-11-10, to: 2026-11-24}\nrevisions: [{on: 2026-11-22, note: 补充审计说明}]",
    );
    let audit = f.read("content/t/v/audit.md");
    f.write(
        "content/t/v/audit.md",
        &format!("{audit}审计组已完成复核。\n"),
    );
    let run = f.run(&only);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(too_long), "{}", run.stderr);
    assert_eq!(records(), 4, "a new record for the edited export only");
    assert!(
        f.read("output/t/v/audit/wechat.fragment.html")
            .contains("审计组已完成复核")
    );
    assert!(
        f.read(frag) == first,
        "an export with unchanged inputs changed"
    );
    let listing = f.read("output/t/wechat.html");
    assert!(listing.contains("审计组已完成复核"));
    assert!(
        listing.contains("王建国"),
        "kept exports stay on the listing"
    );

    // The photo replaced under the same name: the notice text is the same, the export is not.
    f.write_bytes(
        "content/t/v/photos/wang.png",
        &photo_bytes(80, 60, image::ImageFormat::Png),
    );
    let run = f.run(&only);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = f.read(frag);
    assert!(
        again != first,
        "the replaced photo did not reach the export"
    );
    let images = inlined_images(&again);
    assert_eq!(images.len(), 1);
    assert_eq!((images[0].width(), images[0].height()), (80, 60));
    // Its record now holds the new photo, so that the next build can keep it again.
    let photo = blake3::hash(&std::fs::read(f.path("content/t/v/photos/wang.png")).unwrap());
    let with_photo: Vec<String> = std::fs::read_dir(f.path(".gongshi-cache/wechat"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .filter(|r| r.contains("photos/wang.png"))
        .collect();
    assert_eq!(with_photo.len(), 1, "one record for the candidates export");
    assert!(with_photo[0].contains(photo.to_hex().as_str()));

    // Everything equals a build from nothing into a new folder.
    let fresh = f.path("fresh");
    let run = f.run(&[
        "build",
        "--only",
        "site,wechat",
        "--output",
        fresh.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (kept, clean) = (exports_in(&f.path("output")), exports_in(&fresh));
    assert_eq!(kept.len(), clean.len());
    for (path, bytes) in &clean {
        assert!(
            kept.get(path) == Some(bytes),
            "{path} differs from a build from nothing"
        );
    }
}

/// The cache folders do not grow for ever: after a build, records nobody used for 30 days are
/// removed (once a day), and a record the build used is marked as used, so it stays.
#[test]
fn cache_entries_unused_for_a_month_are_removed_after_a_build() {
    let f = common::Fixture::new();
    let only = ["build", "--only", "wechat"];
    let run = f.run(&only);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = f.path(".gongshi-cache/wechat");
    let records = || -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        v.sort();
        v
    };
    let used = records();
    assert_eq!(used.len(), 3, "one record per export");
    let set_age = |p: &Path, days: u64| {
        let t = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(t)
            .unwrap();
    };
    // A record of an export that no longer exists (an old version of a notice), and the
    // records in use, all last used 40 days ago; the folder last pruned 2 days ago.
    let orphan = dir.join(format!("{}.json", "0".repeat(64)));
    std::fs::write(&orphan, "{}").unwrap();
    for p in used.iter().chain([&orphan]) {
        set_age(p, 40);
    }
    set_age(&dir.join(".pruned"), 2);
    // Without the build memo, which would find nothing changed and stop before building.
    let _ = std::fs::remove_file(f.path("output/.gongshi-memo"));
    let run = f.run(&only);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!orphan.exists(), "the unused record was kept");
    let now = records();
    assert_eq!(now.len(), 3, "{now:?}");
    for p in &now {
        let age = std::fs::metadata(p)
            .unwrap()
            .modified()
            .unwrap()
            .elapsed()
            .unwrap();
        assert!(age.as_secs() < 3600, "{} not marked as used", p.display());
    }
}
