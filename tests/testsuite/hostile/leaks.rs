//! Issue 16: nothing private or dangerous reaches an output. One test per class; each plants
//! what a careless or hostile clerk would write and checks every output file as a reader
//! sees it (`common::digits_seen`: entities, escapes, full-width digits decoded).

use crate::common::{self, Fixture};

const C: &str = "content/t/v/candidates.md";
const V: &str = "content/t/v/voters.md";

fn add_to_body(f: &Fixture, file: &str, text: &str) {
    let t = f.read(file);
    f.write(file, &format!("{t}\n{text}\n"));
}

/// A PDF a viewer opens, small.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn png_with_text(text: &str) -> Vec<u8> {
    let img = image::RgbImage::from_fn(8, 8, |x, y| image::Rgb([x as u8 * 30, y as u8 * 30, 7]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let payload = format!("Comment\0{text}");
    let mut chunk = (payload.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(payload.as_bytes());
    chunk.extend_from_slice(&[0; 4]);
    let at = png.len() - 12;
    png.splice(at..at, chunk);
    png
}

fn jpeg_with_exif(text: &str) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 30, 30]));
    let mut jpg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, 90)
        .encode_image(&img)
        .unwrap();
    let payload = format!("Exif\0\0GPSLatitude {text}");
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    seg.extend_from_slice(payload.as_bytes());
    jpg.splice(2..2, seg);
    jpg
}

#[test]
fn content_source_files_are_never_copied_not_even_through_a_link() {
    let f = Fixture::new();
    // The candidate notice's private map holds an ID and a mobile number.
    f.edit(
        C,
        "private: {备注: 内部审查意见甲乙丙}",
        "private: {备注: 内部审查意见甲乙丙, 身份证: \"610929198411023457\", 手机: \"13912340001\"}",
    );
    add_to_body(
        &f,
        V,
        "[候选人原始文件](candidates.md)\n\n[村情](village.yaml)",
    );
    f.edit(
        C,
        "current_role: 村委会主任, post: 主任}",
        "current_role: 村委会主任, post: 主任, photo: candidates.md}",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("candidates.md", f.path("content/t/v/wang.jpg")).unwrap();
    f.edit(
        C,
        "current_role: 村民小组长, post: 主任}",
        "current_role: 村民小组长, post: 主任, photo: wang.jpg}",
    );
    let r = f.build();
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.expect(true, V, 13, "“candidates.md”是 .md 文件，不能公开");
    r.expect(true, V, 15, "“village.yaml”是 .yaml 文件，不能公开");
    r.expect(true, C, 11, "照片“candidates.md”是 .md 文件");
    #[cfg(unix)]
    r.expect(true, C, 12, "是一个链接");
    assert!(
        !f.path("output").exists(),
        "a failed first build wrote an output"
    );
    f.assert_nowhere(&["610929198411023457", "13912340001"]);
}

#[test]
fn pages_scripts_and_svg_are_never_attached() {
    let f = Fixture::new();
    f.write(
        "content/t/v/notice.html",
        "<script>alert(document.cookie)</script>",
    );
    f.write("content/t/v/logo.svg", "<svg onload=\"alert(1)\"/>");
    f.write("content/t/v/run.js", "alert(1)");
    f.write("content/t/v/data", "no extension");
    add_to_body(
        &f,
        V,
        "[通知](notice.html) ![标志](logo.svg) [脚本](run.js) [数据](data)",
    );
    let r = f.build();
    assert_eq!(r.code, 1, "{}", r.stderr);
    for name in ["notice.html", "logo.svg", "run.js", "data"] {
        r.find(true, &format!("“{name}”是"));
    }
    assert!(!f.path("output").exists());
}

#[test]
fn a_file_that_only_pretends_to_be_a_document_is_refused() {
    let f = Fixture::new();
    f.write(
        "content/t/v/fake.pdf",
        "<html><script>alert(1)</script></html>",
    );
    f.write("content/t/v/fake.png", "---\ntitle: x\n---\n");
    add_to_body(&f, V, "[文件](fake.pdf) ![图](fake.png)");
    let r = f.build();
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.find(true, "“fake.pdf”的内容不是 .pdf 文件");
    r.find(true, "“fake.png”的内容不是 .png 文件");
}

#[test]
fn attachments_named_like_generated_files_are_refused_and_the_output_stays() {
    let f = Fixture::new();
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = f.output_files();
    f.write_bytes("content/t/v/poster.pdf", PDF);
    for name in ["index.html", "wechat.html", "draft.json"] {
        f.write(&format!("content/t/v/{name}"), "<p>假的页面</p>");
    }
    add_to_body(
        &f,
        V,
        "[海报](poster.pdf) [页面](index.html) [公众号](wechat.html) [草稿](draft.json)",
    );
    let r = f.build();
    assert_eq!(r.code, 1, "{}", r.stderr);
    let d = r.find(true, "“t/v/voters/poster.pdf”会同时由附件“poster.pdf”和");
    assert_eq!((d.file.as_str(), d.line), (V, 13), "{}", r.stderr);
    assert!(
        d.text
            .contains("content/t/v/voters.md（公告“张庄村选民登记公告”的海报）"),
        "{}",
        d.text
    );
    for name in ["index.html", "wechat.html", "draft.json"] {
        r.find(
            true,
            &format!("“{name}”是 .{} 文件", name.rsplit('.').next().unwrap()),
        );
    }
    assert!(!r.stderr.contains("磁盘空间"), "{}", r.stderr);
    assert_eq!(
        f.output_files(),
        before,
        "the failed build changed the output"
    );
    common::assert_nothing_beside(&f);
}

#[test]
fn slugs_that_collide_name_both_files_at_the_slug() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (file, what to add, where the other owner is, the path)
        (
            "content/u/area.yaml",
            "name: 乙镇\nlevel: 镇\nslug: t\n",
            "content/t/area.yaml",
            "“t/”",
        ),
        (
            "content/u/area.yaml",
            "name: 乙镇\nlevel: 镇\nslug: rules\n",
            "换届纪律页面",
            "“rules/”",
        ),
        (
            "content/u/area.yaml",
            "name: 乙镇\nlevel: 镇\nslug: static\n",
            "主题的静态文件",
            "“static/”",
        ),
        (
            "content/u/area.yaml",
            "name: 乙镇\nlevel: 镇\nslug: print\n",
            "海报打印合集",
            "“print/”",
        ),
        (
            "content/u/area.yaml",
            "name: 乙镇\nlevel: 镇\nslug: manifest.json\n",
            "发布记录",
            "“manifest.json”",
        ),
        (
            "content/u/area.yaml",
            "name: 乙镇\nlevel: 镇\nslug: index.html\n",
            "全站首页",
            "“index.html”",
        ),
    ];
    for (file, text, other, path) in cases {
        let f = Fixture::new();
        f.write(file, text);
        f.write("content/u/w/village.yaml", common::VILLAGE);
        let r = f.check();
        assert_eq!(r.code, 1, "{text}: {}", r.stderr);
        let d = r.find(true, &format!("输出中的{path}会同时由"));
        assert_eq!(
            (d.file.as_str(), d.line),
            (*file, 3),
            "{text}: {}",
            r.stderr
        );
        assert!(d.text.contains(other), "{text}: {}", d.text);
    }
    // A village slug `wechat.html` (the township's WeChat listing), a notice slug
    // `index.html` (the village board).
    let f = Fixture::new();
    f.write(
        "content/t/w/village.yaml",
        &format!("{}slug: wechat.html\n", common::VILLAGE),
    );
    f.write(
        "content/t/v/other.md",
        &common::VOTERS.replace("title: 张庄村选民登记公告", "title: 其他\nslug: index.html"),
    );
    let r = f.check();
    assert_eq!(r.code, 1, "{}", r.stderr);
    let d = r.find(true, "输出中的“t/wechat.html/”会同时由");
    assert_eq!(d.file, "content/t/w/village.yaml");
    assert!(d.text.contains("content/t/area.yaml"), "{}", d.text);
    // The notice's folder `t/v/index.html/` against the village board's file.
    let d = r.find(true, "输出中的“t/v/index.html/”会同时由");
    assert_eq!((d.file.as_str(), d.line), ("content/t/v/other.md", 4));
    assert!(d.text.contains("content/t/v/village.yaml"), "{}", d.text);
}

#[test]
fn content_cannot_position_anything_or_borrow_the_themes_classes() {
    let f = Fixture::new();
    add_to_body(
        &f,
        V,
        "<table><tr><td style=\"text-align:left;position:fixed;top:0;left:0;width:100%;height:100%;z-index:99;background:url(https://evil.example/x.png)\">本公示已撤销</td></tr></table>\n\n<span class=\"status status-active\" id=\"main\">公示中</span>\n\n<div class=\"contact-12380\" style=\"POSITION : absolute\">举报电话 12380</div>\n\n<img src=\"https://evil.example/track.png\">",
    );
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = f.read("output/t/v/voters/index.html");
    let mut from = html.find("本公示已撤销").unwrap().saturating_sub(300);
    while !html.is_char_boundary(from) {
        from += 1;
    }
    let to = html.find("举报电话 12380").unwrap();
    let body = &html[from..to];
    let lower = body.to_lowercase();
    for bad in [
        "position",
        "z-index",
        "url(",
        "class=\"status",
        "id=\"main\"",
        "contact-12380",
        "evil.example",
    ] {
        assert!(!lower.contains(bad), "{bad} in {body}");
    }
    assert!(lower.contains("style=\"text-align:left\""), "{body}");
}

#[test]
fn outside_pictures_become_links_and_pictures_lose_their_metadata() {
    let f = Fixture::new();
    f.write_bytes(
        "content/t/v/map.png",
        &png_with_text("GPS 34.1 108.9 owner 13912340002"),
    );
    f.write_bytes(
        "content/t/v/wjg.jpg",
        &jpeg_with_exif("34.1 108.9 13912340003"),
    );
    add_to_body(
        &f,
        C,
        "![地图](map.png)\n\n![外链](https://evil.example/track.png)",
    );
    f.edit(
        C,
        "current_role: 村委会主任, post: 主任}",
        "current_role: 村委会主任, post: 主任, photo: wjg.jpg}",
    );
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.find(false, "图片“https://evil.example/track.png”在别的网站上");
    let page = f.read("output/t/v/candidates/index.html");
    assert!(
        !page.contains("src=\"https://"),
        "an outside picture is loaded"
    );
    assert!(
        page.contains("href=\"https://evil.example/track.png\""),
        "no link instead"
    );
    for file in [
        "output/t/v/candidates/map.png",
        "output/t/v/candidates/wjg.jpg",
    ] {
        let b = std::fs::read(f.path(file)).unwrap();
        let t = String::from_utf8_lossy(&b);
        assert!(
            !t.contains("GPS") && !t.contains("Exif") && !t.contains("tEXt"),
            "{file}"
        );
        image::load_from_memory(&b).unwrap();
    }
    // In the WeChat export the pictures travel as data: URIs: decoded, no metadata either.
    let frag = f.read("output/t/v/candidates/wechat.fragment.html");
    let mut n = 0;
    for part in frag.split("src=\"data:").skip(1) {
        let b64 = &part[part.find(";base64,").unwrap() + 8..part.find('"').unwrap()];
        let bytes = base64_decode(b64);
        let t = String::from_utf8_lossy(&bytes);
        assert!(
            !t.contains("GPS") && !t.contains("Exif"),
            "metadata in a WeChat picture"
        );
        n += 1;
    }
    assert_eq!(n, 2, "both pictures are in the WeChat export");
    f.assert_nowhere(&["13912340002", "13912340003"]);
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s.bytes().filter(|c| *c != b'=').collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= u32::from(val(*c)) << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// Every written form from DESIGN.md §7, in the body and in YAML; each number is planted once
/// and must be readable nowhere.
#[test]
fn personal_numbers_are_masked_in_every_written_form() {
    let f = Fixture::new();
    let body_forms = [
        ("13900000001", "139 0000 0001"),
        ("13900000002", "139-0000-0002"),
        ("13900000003", "139－0000－0003"),
        ("13900000004", "139\u{3000}0000\u{3000}0004"),
        ("13900000005", "+86 139 0000 0005"),
        ("13900000006", "008613900000006"),
        ("13900000007", "139<!-- 拆开 -->00000007"),
        ("13900000008", "&#49;&#51;&#57;00000008"),
        ("13900000009", "139<span>0000</span>0009"),
        ("13900000010", "**139**0000*0010*"),
        ("13900000011", "139\\-0000\\-0011"),
        ("13900000012", "139\u{200B}0000\u{200D}0012"),
        ("13900000013", "139\n00000013"),
        ("13900000014", "１３９００００００１４"),
        ("610929198411023457", "610929 19841102 3457"),
        ("13900000015", "[电话](tel:%31%33%3900000015)"),
        ("13900000016", "<a title=\"13900000016\">联系</a>"),
        ("13900000017", "`13900000017`"),
    ];
    let body: Vec<String> = body_forms
        .iter()
        .map(|(_, w)| format!("联系：{w}。"))
        .collect();
    add_to_body(&f, C, &body.join("\n\n"));
    // YAML: escapes, a tag, a folded plain scalar, a continued quoted string, an alias of a
    // public phone used where it is not one.
    f.edit(
        C,
        "title: 张庄村村民委员会成员正式候选人公示",
        "title: 张庄村村民委员会成员正式候选人公示\nissued_by: \"张庄村\\x31\\x33\\x3900000021\"\nnumber: !!binary MTM5MDAwMDAwMjI=\nobjection:\n  channels:\n    - {label: 村监委会, phone: &pub \"13600000099\"}\nauditor: 联系人 139\n  0000 0023\norganizer: \"139\\\n  00000024\"\nissuer: *pub",
    );
    f.edit(C, "issued_by: 张庄村村民选举委员会\n", "");
    f.edit(C, "number: 张庄村选字〔2026〕3号\n", "");
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut planted: Vec<&str> = body_forms.iter().map(|(d, _)| *d).collect();
    planted.extend(["13900000021", "13900000022", "13900000023", "13900000024"]);
    f.assert_nowhere(&planted);
    // Warnings show the masked form, never the number.
    for d in &planted {
        assert!(
            !common::digits_seen(r.stderr.as_bytes()).contains(d),
            "{d} in the diagnostics"
        );
    }
    // The public phone is shown as a phone; its alias elsewhere is masked.
    let page = f.read("output/t/v/candidates/index.html");
    assert!(
        page.contains("13600000099"),
        "the public phone is not shown"
    );
    r.find(false, "“issuer”里有完整的手机号码");
}

#[test]
fn a_slug_or_file_name_with_a_personal_number_is_an_error() {
    let f = Fixture::new();
    f.write("content/t/13912345670/village.yaml", common::VILLAGE);
    f.write_bytes("content/t/v/13912345671.pdf", PDF);
    add_to_body(&f, V, "[附件](13912345671.pdf)");
    f.write(
        "content/t/v/other.md",
        &common::VOTERS.replace(
            "title: 张庄村选民登记公告",
            "title: 其他\nslug: \"139 1234 5672\"",
        ),
    );
    let r = f.check();
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.find(true, "网址“139****5670”里有完整的手机号码");
    r.find(true, "文件名“139****5671.pdf”里有完整的手机号码");
    r.expect(true, "content/t/v/other.md", 4, "里有完整的手机号码");
    assert!(!r.stderr.contains("13912345670") && !r.stderr.contains("13912345671"));
}

#[test]
fn diagnostics_and_bookkeeping_never_quote_a_full_number() {
    let f = Fixture::new();
    f.edit(
        V,
        "title: 张庄村选民登记公告",
        "title: 张庄村选民登记公告\n\"13912345673\": 备注",
    );
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.find(false, "不认识的字段“139****5673”");
    assert!(!common::digits_seen(r.stderr.as_bytes()).contains("13912345673"));
    f.assert_nowhere(&["13912345673"]);
    // Control characters from content are shown escaped, not sent to the terminal.
    f.edit(
        V,
        "title: 张庄村选民登记公告",
        "title: 张庄村选民登记公告\nslug: \"a\\e[2J\\e[31mb\"",
    );
    let r = f.check();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        !r.stderr.contains('\u{1b}'),
        "a terminal escape reached the terminal"
    );
    assert!(r.stderr.contains("a\\u{1b}[2J"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_notice_is_a_diagnostic_not_a_hang() {
    let f = Fixture::new();
    let fifo = f.path("content/t/v/fifo.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = assert_cmd::Command::cargo_bin("gongshi")
        .unwrap()
        .args(["build", "--today", common::TODAY, "--root"])
        .arg(f.root())
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/t/v/fifo.md") && stderr.contains("不是普通文件"),
        "{stderr}"
    );
    common::assert_nothing_beside(&f);
}

#[test]
fn a_build_that_fails_while_publishing_leaves_the_output_as_it_was() {
    let f = Fixture::new();
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Someone made a folder where a page goes; the next build must replace that page.
    let page = f.path("output/t/v/voters/index.html");
    std::fs::remove_file(&page).unwrap();
    std::fs::create_dir(&page).unwrap();
    std::fs::write(page.join("mine.txt"), "手工放的").unwrap();
    let before = common::tree(&f.path("output"));
    f.edit(
        V,
        "title: 张庄村选民登记公告",
        "title: 张庄村选民登记公告（更新）\nrevisions: [{on: 2026-11-22, note: 更正标题}]",
    );
    f.edit(
        C,
        "title: 张庄村村民委员会成员正式候选人公示",
        "title: 张庄村村民委员会成员正式候选人公示（更新）\nrevisions: [{on: 2026-11-22, note: 更正标题}]",
    );
    let r = f.build();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("t/v/voters/index.html"), "{}", r.stderr);
    assert_eq!(
        common::tree(&f.path("output")),
        before,
        "the output changed"
    );
    common::assert_nothing_beside(&f);
}
