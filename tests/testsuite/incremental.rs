//! Rebuilds: an unchanged site is left exactly as it is, an edit rewrites only what it
//! changes, files the site no longer has are removed, and `--only` builds some targets while
//! keeping the others' files from the previous build.

use crate::common::Fixture;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// Every file of the output with its inode, modification time and bytes.
fn state(f: &Fixture) -> BTreeMap<PathBuf, (u64, i64, i64, Vec<u8>)> {
    f.output_files()
        .into_iter()
        // The whole-build memo is bookkeeping, not published (memo.rs covers it).
        .filter(|(p, _)| !p.ends_with(".gongshi-memo"))
        .map(|(p, bytes)| {
            let m = std::fs::metadata(&p).unwrap();
            (p, (m.ino(), m.mtime(), m.mtime_nsec(), bytes))
        })
        .collect()
}

fn changed(
    a: &BTreeMap<PathBuf, (u64, i64, i64, Vec<u8>)>,
    b: &BTreeMap<PathBuf, (u64, i64, i64, Vec<u8>)>,
    f: &Fixture,
) -> Vec<String> {
    let out = f.path("output");
    let mut names: Vec<String> = b
        .iter()
        .filter(|(p, v)| a.get(*p) != Some(*v))
        .chain(a.iter().filter(|(p, _)| !b.contains_key(*p)))
        .map(|(p, _)| p.strip_prefix(&out).unwrap().display().to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A revision and a new sentence in the (already published) audit notice.
fn edit_audit(f: &Fixture) {
    f.edit(
        "content/t/v/audit.md",
        "posted: {from: 2026-11-10, to: 2026-11-24}",
        "posted: {from: 2026-11-10, to: 2026-11-24}\nrevisions: [{on: 2026-11-22, note: 补充审计说明}]",
    );
    let text = f.read("content/t/v/audit.md");
    f.write(
        "content/t/v/audit.md",
        &format!("{text}审计组已完成复核。\n"),
    );
}

#[test]
fn an_unchanged_rebuild_touches_no_file() {
    let f = Fixture::new();
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = state(&f);
    assert!(before.len() > 20);
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("新写入或更新 0 个"), "{}", r.stderr);
    assert_eq!(changed(&before, &state(&f), &f), Vec::<String>::new());
}

#[test]
fn an_edit_rewrites_what_it_changes_and_removed_notices_go() {
    let f = Fixture::new();
    assert_eq!(f.build().code, 0);
    let before = state(&f);
    edit_audit(&f);
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = state(&f);
    let c = changed(&before, &after, &f);
    for must in [
        "t/v/audit/index.html",
        "t/v/audit/poster.pdf",
        "t/v/audit/wechat.fragment.html",
        "manifest.json",
    ] {
        assert!(c.contains(&must.to_string()), "{must} not rewritten: {c:?}");
    }
    for untouched in [
        "t/v/candidates/index.html",
        "t/v/candidates/poster.pdf",
        "t/v/voters/wechat.fragment.html",
        "rules/jilv/index.html",
    ] {
        assert!(
            !c.contains(&untouched.to_string()),
            "{untouched} rewritten: {c:?}"
        );
    }
    assert!(
        f.read("output/t/v/audit/index.html")
            .contains("审计组已完成复核")
    );

    // A notice taken out of the content folder is taken off the site, with its folder.
    std::fs::remove_file(f.path("content/t/v/voters.md")).unwrap();
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!f.path("output/t/v/voters").exists());
    assert!(r.stderr.contains("删除不再需要的"), "{}", r.stderr);
    assert!(f.path("output/t/v/candidates/index.html").is_file());
}

#[test]
fn only_builds_the_chosen_targets_and_keeps_the_others() {
    let f = Fixture::new();
    assert_eq!(f.build().code, 0);
    let before = state(&f);
    edit_audit(&f);
    let r = f.run(&["build", "--only", "site"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = state(&f);
    let c = changed(&before, &after, &f);
    assert!(c.contains(&"t/v/audit/index.html".to_string()), "{c:?}");
    assert!(
        !c.iter()
            .any(|p| p.ends_with(".pdf") || p.contains("wechat") || p.ends_with("draft.json")),
        "--only site touched other targets: {c:?}"
    );
    // The other targets' files are all still there, from the previous build.
    for (p, _) in before.iter().filter(|(p, _)| {
        let s = p.display().to_string();
        s.ends_with(".pdf") || s.contains("wechat")
    }) {
        assert!(after.contains_key(p), "{} went missing", p.display());
    }

    let r = f.run(&["build", "--only", "posters,wechat"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = changed(&after, &state(&f), &f);
    assert!(c.contains(&"t/v/audit/poster.pdf".to_string()), "{c:?}");
    assert!(
        c.contains(&"t/v/audit/wechat.fragment.html".to_string()),
        "{c:?}"
    );
    assert!(!c.contains(&"t/v/audit/index.html".to_string()), "{c:?}");
    assert!(
        f.read("output/t/v/audit/wechat.fragment.html")
            .contains("审计组已完成复核")
    );

    let r = f.run(&["build", "--only", "site,海报,foo"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--only 不认识“foo”"), "{}", r.stderr);
}
