//! Whole builds: the bundled county, `check`, `init`/`new`, and snapshots of representative pages.

use crate::common::{Fixture, personal_numbers};

#[test]
fn the_bundled_county_builds_clean() {
    let f = Fixture::bundled();
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.diags().is_empty(),
        "the bundled county must validate clean:\n{}",
        r.stderr
    );
    for p in [
        "output/index.html",
        "output/static/style.css",
        "output/rules/index.html",
        "output/rules/huanjie-jilv/index.html",
        "output/chengguan/index.html",
        "output/chengguan/zhangzhuang/index.html",
        "output/chengguan/zhangzhuang/houxuanren-cunweihui/index.html",
        "output/hexi/binhe/xuanju-jieguo/index.html",
    ] {
        assert!(f.path(p).is_file(), "{p} missing");
    }
    let mut villages = 0;
    let mut all = String::new();
    for (path, bytes) in f.output_files() {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if path.ends_with("index.html") {
            // Nothing loads from outside hosts.
            for bad in ["src=\"http", "href=\"//", "@import", "url(http"] {
                assert!(
                    !text.contains(bad),
                    "{} loads from outside: {bad}",
                    path.display()
                );
            }
            assert!(text.contains("<meta name=\"viewport\""));
        }
        if path
            .parent()
            .and_then(|p| p.parent())
            .and_then(|p| p.file_name())
            .is_some()
            && text.contains("class=\"facts\"")
            && text.contains("选举日")
        {
            villages += 1;
        }
        all.push_str(&text);
    }
    assert!(villages >= 12);
    assert_eq!(personal_numbers(&all), Vec::<String>::new());
    // Less common characters survive end to end.
    for name in ["堃", "喆", "赟", "曌", "䶮"] {
        assert!(all.contains(name), "{name} missing from the site");
    }
    // Chinese emphasis renders.
    assert!(all.contains("<strong>注意：</strong>请按时参加投票"));
}

#[test]
fn check_writes_nothing() {
    let f = Fixture::new();
    let r = f.check();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!f.path("output").exists());
    let names: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn a_root_with_only_content_builds_and_themes_override_file_by_file() {
    let f = Fixture::new();
    f.write(
        "themes/default/static/style.css",
        "body { color: #123456; }\n",
    );
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        f.read("output/static/style.css"),
        "body { color: #123456; }\n"
    );
    // Templates not overridden still come from the built-in theme.
    assert!(
        f.read("output/t/v/candidates/index.html")
            .contains("候选人")
    );
}

#[test]
fn a_broken_theme_template_is_a_diagnostic() {
    let f = Fixture::new();
    f.write("themes/default/templates/notice.html", "{% if %}");
    let r = f.build();
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("模板"), "{}", r.stderr);
}

#[test]
fn init_then_new_village_and_notices_build_clean() {
    let dir = tempfile::TempDir::new().unwrap();
    let site = dir.path().join("县");
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("gongshi")
            .unwrap()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["init", site.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml =
        std::fs::read_to_string(site.join("content/chengguan/zhangzhuang/village.yaml")).unwrap();
    assert!(
        yaml.contains("# 选举日"),
        "scaffold should carry Chinese comments"
    );
    let root = site.to_str().unwrap();
    for args in [
        vec!["new", "village", "chengguan/lijia", "--root", root],
        vec![
            "new",
            "notice",
            "chengguan/lijia/houxuanren",
            "--kind",
            "candidates",
            "--root",
            root,
        ],
        vec![
            "new",
            "notice",
            "chengguan/lijia/dengji",
            "--kind",
            "voters",
            "--root",
            root,
        ],
        vec![
            "new",
            "notice",
            "chengguan/lijia/shenji",
            "--kind",
            "audit",
            "--root",
            root,
        ],
        vec![
            "new",
            "notice",
            "chengguan/lijia/gonggao",
            "--kind",
            "election",
            "--root",
            root,
        ],
    ] {
        let out = run(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = run(&[
        "new",
        "notice",
        "chengguan/lijia/houxuanren",
        "--kind",
        "candidates",
        "--root",
        root,
    ]);
    assert!(
        !out.status.success(),
        "an existing file must not be overwritten"
    );
    let out = run(&["build", "--root", root]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("错误："), "{err}");
    assert!(
        site.join("output/chengguan/lijia/houxuanren/index.html")
            .is_file()
    );
}

fn page(f: &Fixture, rel: &str) -> String {
    f.read(rel)
}

#[test]
fn snapshots_of_representative_pages() {
    let f = Fixture::new();
    f.write("content/t/v/photos/.keep", "");
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(
        "candidates_page",
        page(&f, "output/t/v/candidates/index.html")
    );
    insta::assert_snapshot!("audit_page", page(&f, "output/t/v/audit/index.html"));
    insta::assert_snapshot!("voters_page", page(&f, "output/t/v/voters/index.html"));
    insta::assert_snapshot!("village_board", page(&f, "output/t/v/index.html"));
    insta::assert_snapshot!("site_board", page(&f, "output/index.html"));
    insta::assert_snapshot!("rules_page", page(&f, "output/rules/jilv/index.html"));
}

#[test]
fn a_published_notice_cannot_change_silently() {
    let f = Fixture::new();
    assert_eq!(f.build().code, 0);
    let manifest = f.read("output/manifest.json");
    assert!(manifest.contains("t/v/candidates/"), "{manifest}");
    // The candidate notice is up (posted from today): a change needs a 更正说明.
    f.edit(
        "content/t/v/candidates.md",
        "birth: \"1975-03\"",
        "birth: \"1975-04\"",
    );
    let r = f.build();
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.expect(true, "content/t/v/candidates.md", 2, "没有新增更正说明");
    assert_eq!(f.run(&["check"]).code, 1, "check must agree with build");
    f.edit(
        "content/t/v/candidates.md",
        "private:",
        "revisions: [{on: 2026-11-22, note: 更正王建国的出生年月}]\nprivate:",
    );
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        f.read("output/t/v/candidates/index.html")
            .contains("更正王建国的出生年月")
    );
    // A notice not yet up may still be edited freely.
    f.write(
        "content/t/v/election.md",
        "---\nkind: election\ntitle: 张庄村选举公告\nnumber: 张庄村选字〔2026〕5号\nissued_by: 张庄村村民选举委员会\nissued_on: 2026-11-22\nposted: {from: 2026-11-25, to: 2026-12-20}\nelection: {date: 2026-12-20, place: 村文化广场}\n---\n",
    );
    assert_eq!(f.build().code, 0);
    f.edit(
        "content/t/v/election.md",
        "place: 村文化广场",
        "place: 村委会大院",
    );
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
}
