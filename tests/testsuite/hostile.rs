//! Hostile and broken content: a clear Chinese diagnostic with file and line, the right exit
//! code, never a panic, and nothing private in any output file.

use crate::common;
use crate::common::{Fixture, personal_numbers};

const C: &str = "content/t/v/candidates.md";
const V: &str = "content/t/v/voters.md";
const VY: &str = "content/t/v/village.yaml";

fn no_panic(r: &common::Run) {
    assert!(!r.stderr.contains("panicked"), "panic:\n{}", r.stderr);
    assert!(
        r.code == 0 || r.code == 1,
        "exit code {}:\n{}",
        r.code,
        r.stderr
    );
}

fn all_output_text(f: &Fixture) -> String {
    f.output_files()
        .into_iter()
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn broken_yaml_names_the_line() {
    let f = Fixture::new();
    f.edit(C, "body: villagers_committee", "body: [villagers_committee");
    let r = f.check();
    no_panic(&r);
    assert_eq!(r.code, 1);
    let d = r.find(true, "YAML");
    assert_eq!(d.file, C);
    assert!((8..=11).contains(&d.line), "line {}:\n{}", d.line, r.stderr);
}

#[test]
fn wrong_type_names_the_line() {
    let f = Fixture::new();
    f.edit(VY, "kind: village", "kind: village\npopulation: 很多");
    let r = f.check();
    no_panic(&r);
    assert_eq!(r.code, 1);
    r.expect(true, VY, 3, "类型不对");
}

#[test]
fn unknown_enum_value_lists_the_choices() {
    let f = Fixture::new();
    f.edit(C, "body: villagers_committee", "body: 村委");
    let r = f.check();
    assert_eq!(r.code, 1);
    let d = r.find(true, "“村委”不是可选的值");
    assert_eq!((d.file.as_str(), d.line), (C, 8), "{}", r.stderr);
}

#[test]
fn impossible_date_is_an_error() {
    let f = Fixture::new();
    f.edit(V, "posted: {from: 2026-11-20", "posted: {from: 2026-02-29");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, V, 7, "日期“2026-02-29”不存在");
}

#[test]
fn gbk_files_are_read_with_a_warning() {
    let f = Fixture::new();
    let (gbk, _, _) = encoding_rs::GBK.encode(common::VOTERS);
    f.write_bytes(V, &gbk);
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.find(false, "GBK");
    assert_eq!(d.file, V);
    assert!(
        f.read("output/t/v/voters/index.html")
            .contains("张庄村选民登记公告")
    );
}

#[test]
fn undecodable_bytes_are_an_error() {
    let f = Fixture::new();
    f.write_bytes(V, b"---\ntitle: \xff\xfe\xfd\x80\x81\n---\n");
    let r = f.check();
    no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(r.errors().iter().any(|d| d.file == V), "{}", r.stderr);
}

#[test]
fn bom_and_crlf_load_and_keep_line_numbers() {
    let f = Fixture::new();
    let text = format!(
        "\u{feff}{}",
        common::CANDIDATES
            .replace(
                "body: villagers_committee",
                "body: villagers_committee\nbodyy: x"
            )
            .replace('\n', "\r\n")
    );
    f.write(C, &text);
    let r = f.check();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.find(false, "不认识的字段“bodyy”");
    assert_eq!((d.file.as_str(), d.line, d.col), (C, 9, 1), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_content_folder_are_refused() {
    let f = Fixture::new();
    f.write(
        "secret.md",
        "---\nkind: notice\ntitle: 机密文件内容XYZ\n---\n机密正文XYZ\n",
    );
    std::os::unix::fs::symlink(f.path("secret.md"), f.path("content/t/v/leak.md")).unwrap();
    std::os::unix::fs::symlink("/etc", f.path("content/t/v/etc")).unwrap();
    let r = f.build();
    no_panic(&r);
    assert_eq!(r.code, 1);
    r.expect(true, "content/t/v/leak.md", 1, "内容文件夹（content）之外");
    r.expect(true, "content/t/v/etc", 1, "内容文件夹（content）之外");
    assert!(!f.path("output").exists() || !all_output_text(&f).contains("XYZ"));
}

#[test]
fn parent_paths_in_photos_and_images_are_refused() {
    let f = Fixture::new();
    f.write("secret.jpg", "not really a jpeg");
    f.edit(
        C,
        "current_role: 村委会主任, post: 主任}",
        "current_role: 村委会主任, post: 主任, photo: ../../../secret.jpg}",
    );
    f.edit(
        C,
        "**注意：**请按时参加投票。",
        "**注意：**请按时参加投票。\n\n![照片](../../../secret.jpg)\n",
    );
    let r = f.build();
    no_panic(&r);
    assert_eq!(r.code, 1);
    r.expect(true, C, 11, "照片路径“../../../secret.jpg”指向村文件夹之外");
    r.expect(true, C, 22, "图片路径“../../../secret.jpg”指向村文件夹之外");
}

#[test]
fn attachments_inside_the_village_are_copied() {
    let f = Fixture::new();
    let mut jpg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut jpg)
        .encode_image(&image::RgbImage::from_pixel(4, 4, image::Rgb([9, 9, 9])))
        .unwrap();
    f.write_bytes("content/t/v/photos/wjg.jpg", &jpg);
    f.edit(
        C,
        "**注意：**请按时参加投票。",
        "**注意：**请按时参加投票。\n\n![照片](photos/wjg.jpg)\n",
    );
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(f.path("output/t/v/candidates/photos/wjg.jpg").is_file());
    assert!(
        f.read("output/t/v/candidates/index.html")
            .contains("src=\"photos/wjg.jpg\"")
    );
}

#[test]
fn script_injection_never_reaches_a_page() {
    let f = Fixture::new();
    f.edit(
        C,
        "title: 张庄村村民委员会成员正式候选人公示",
        "title: \"<script>alert('t')</script>公示\"",
    );
    f.edit(C, "name: 孙强", "name: \"<img src=x onerror=alert('n')>\"");
    f.edit(
        C,
        "**注意：**请按时参加投票。",
        "<script>alert('b')</script>\n\n<iframe src=\"https://evil.example/\"></iframe>\n\n[点我](javascript:alert('l'))\n\n<a href=\"JaVaScRiPt:alert('h')\" onclick=\"alert('c')\">链接</a>\n\n<p style=\"position:fixed;top:0\">假通知</p>\n\n<svg onload=alert('s')></svg>\n",
    );
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.find(false, "不安全的链接");
    let html = f.read("output/t/v/candidates/index.html").to_lowercase();
    // Look inside real tags only: escaped text (&lt;img onerror=…&gt;) is harmless.
    let tags: Vec<&str> = html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
        .collect();
    for bad in [
        "javascript:",
        "onerror",
        "onclick",
        "onload",
        "iframe",
        "position:fixed",
        "svg",
    ] {
        assert!(
            !tags.iter().any(|t| t.contains(bad)),
            "{bad} leaked into a tag"
        );
    }
    assert!(!html.contains("<script>alert"));
    // The theme's own status script is the only script on the page.
    assert_eq!(html.matches("<script").count(), 1);
    // Shown as text instead.
    assert!(html.contains("&lt;script&gt;"), "title should be escaped");
}

#[test]
fn id_and_mobile_numbers_are_masked_everywhere() {
    let f = Fixture::new();
    f.edit(
        C,
        "current_role: 村民小组长, post: 主任}",
        "current_role: 村民小组长 电话13812345678, post: 主任}",
    );
    f.edit(
        C,
        "**注意：**请按时参加投票。",
        "**注意：**请按时参加投票。\n\n王建国，身份证号 620102197503011234，联系电话 139-1234-5678。\n\n[电话](tel:13612345678)\n",
    );
    f.edit(
        C,
        "private: {备注: 内部审查意见甲乙丙}",
        "private: {备注: 内部审查意见甲乙丙, 身份证: \"62010219880501002X\"}",
    );
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.expect(false, C, 12, "完整的手机号码");
    r.expect(false, C, 22, "完整的身份证号码");
    r.expect(false, C, 22, "完整的手机号码");
    r.expect(false, C, 24, "完整的手机号码");
    // The warning itself shows only the masked form.
    assert!(!r.stderr.contains("13812345678") && !r.stderr.contains("620102197503011234"));
    let all = all_output_text(&f);
    assert_eq!(personal_numbers(&all), Vec::<String>::new());
    assert!(all.contains("620102**********34"));
    assert!(all.contains("138****5678"));
    assert!(!all.contains("内部审查意见甲乙丙"), "private map rendered");
    assert!(!all.contains("62010219880501002X"));
}

#[test]
fn public_contact_phones_are_shown_as_given() {
    let f = Fixture::new();
    f.edit(VY, "phone: \"0914-7723301\"", "phone: \"13912345678\"");
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.diags().is_empty(), "{}", r.stderr);
    assert!(f.read("output/t/v/index.html").contains("13912345678"));
}

#[test]
fn unclosed_front_matter() {
    let f = Fixture::new();
    f.write(V, &common::VOTERS.replacen("---\n选民名单", "选民名单", 1));
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, V, 1, "没有结束");
}

#[test]
fn missing_front_matter() {
    let f = Fixture::new();
    f.write(V, "选民名单已张贴。\n");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, V, 1, "第一行应为 ---");
}

#[test]
fn a_20_mb_body_is_refused_cleanly() {
    let f = Fixture::new();
    let mut big = common::VOTERS.to_string();
    big.push_str(&"选民名单已张贴。".repeat(20 * 1024 * 1024 / 24));
    f.write(V, &big);
    let r = f.check();
    no_panic(&r);
    assert_eq!(r.code, 1);
    r.expect(true, V, 1, "文件太大");
}

#[test]
fn yaml_alias_bombs_are_refused() {
    let f = Fixture::new();
    let mut y =
        String::from("---\nkind: notice\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        y.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    y.push_str("---\n");
    f.write(V, &y);
    let r = f.check();
    no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(r.errors().iter().any(|d| d.file == V), "{}", r.stderr);
}

#[test]
fn deep_nesting_is_refused_without_a_crash() {
    let f = Fixture::new();
    let y = format!(
        "---\nkind: notice\ntitle: {}x{}\n---\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    f.write(V, &y);
    let r = f.check();
    no_panic(&r);
    assert_eq!(r.code, 1);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let f = Fixture::new();
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = f.output_files();
    assert!(!before.is_empty());
    f.edit(C, "issued_on: 2026-11-22", "issued_on: 2026-11-31");
    f.edit(V, "title: 张庄村选民登记公告", "title: 已修改的标题");
    let r = f.build();
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("没有改动"), "{}", r.stderr);
    assert_eq!(
        f.output_files(),
        before,
        "output changed after a failed build"
    );
    // No staging folder is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn the_output_folder_may_not_be_the_root_or_a_stranger() {
    let f = Fixture::new();
    let r = f.run(&["build", "--output", f.root().to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(f.path("content/site.yaml").exists());
    f.write("mine/notes.txt", "我的文件");
    let r = f.run(&["build", "--output", f.path("mine").to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(f.read("mine/notes.txt"), "我的文件");
}

mod leaks;
mod props;
