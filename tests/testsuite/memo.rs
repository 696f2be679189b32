//! The whole-build memo: a rebuild with nothing changed only checks and stops, and every kind
//! of change — an edit, even one that keeps the file's size and modification time, a new
//! theme file, another day, a file of the output changed by hand — makes it build again.

use crate::common;
use crate::common::Fixture;

use std::time::Duration;

const SAME: &str = "都和上次生成时一样";

/// Wait out the two seconds in which a just-written input is not trusted, then build once to
/// leave a memo.
fn settled(f: &Fixture, args: &[&str]) {
    std::thread::sleep(Duration::from_millis(2100));
    let r = f.run(args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        f.path("output/.gongshi-memo").is_file(),
        "no memo after a settled build: {}",
        r.stderr
    );
}

const SITE: &[&str] = &["build", "--only", "site"];

#[test]
fn an_unchanged_rebuild_is_only_checked_and_repeats_the_warnings() {
    let f = Fixture::new();
    // A notice in the wrong place: a warning, not an error.
    f.write("content/stray.md", "---\ntitle: 放错了\n---\n正文\n");
    let first = f.run(SITE);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("直接放在 content 文件夹下"),
        "{}",
        first.stderr
    );
    settled(&f, SITE);
    let before = f.output_files();
    let r = f.run(SITE);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(SAME), "{}", r.stderr);
    assert!(
        r.stderr.contains("直接放在 content 文件夹下"),
        "{}",
        r.stderr
    );
    assert_eq!(before, f.output_files());
}

#[test]
fn an_edit_is_seen_even_when_size_and_modification_time_stay() {
    let f = Fixture::new();
    f.write(
        "content/t/v/audit.md",
        &format!("{}审计组正在复核。\n", common::AUDIT),
    );
    settled(&f, SITE);
    let page = "output/t/v/audit/index.html";
    assert!(f.read(page).contains("正在复核"));
    // Same number of bytes, and the old modification time put back (as `cp -p` would).
    let file = f.path("content/t/v/audit.md");
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    let text = f.read("content/t/v/audit.md");
    let edited = text.replace("正在复核", "复核完毕");
    assert_eq!(edited.len(), text.len());
    std::fs::write(&file, &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), mtime);
    // Long enough that the edit is not "just now": only the file's change time shows it.
    std::thread::sleep(Duration::from_millis(2100));
    // The notice is already published, so the quiet edit is refused: proof that it was read
    // again rather than waved through by the memo.
    let r = f.run(SITE);
    assert!(!r.stderr.contains(SAME), "{}", r.stderr);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("没有新增更正说明"), "{}", r.stderr);
    assert!(f.read(page).contains("正在复核"));
}

#[test]
fn a_new_theme_file_another_day_or_other_targets_build_again() {
    let f = Fixture::new();
    settled(&f, SITE);
    // Another day: statuses and countdowns depend on it.
    let r = f.run(&["build", "--only", "site", "--today", "2026-11-23"]);
    assert!(!r.stderr.contains(SAME), "{}", r.stderr);
    settled(&f, SITE);
    // Other targets.
    let r = f.run(&["build", "--only", "site,wechat"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains(SAME), "{}", r.stderr);
    assert!(f.path("output/t/v/audit/wechat.html").is_file());
    settled(&f, SITE);
    // A theme override appears.
    f.write("themes/default/static/extra.css", "body{}\n");
    let r = f.run(SITE);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains(SAME), "{}", r.stderr);
}

#[test]
fn an_output_file_changed_or_removed_by_hand_is_rebuilt() {
    let f = Fixture::new();
    settled(&f, SITE);
    let page = f.path("output/t/v/audit/index.html");
    let good = std::fs::read(&page).unwrap();
    std::fs::write(&page, b"defaced").unwrap();
    let r = f.run(SITE);
    assert!(!r.stderr.contains(SAME), "{}", r.stderr);
    assert_eq!(std::fs::read(&page).unwrap(), good);
    settled(&f, SITE);
    std::fs::remove_file(&page).unwrap();
    let r = f.run(SITE);
    assert!(!r.stderr.contains(SAME), "{}", r.stderr);
    assert_eq!(std::fs::read(&page).unwrap(), good);
}

#[test]
fn a_memo_is_not_trusted_when_inputs_changed_just_before_the_build() {
    let f = Fixture::new();
    // Written a moment ago: the build must not leave a memo behind.
    let r = f.run(SITE);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!f.path("output/.gongshi-memo").exists());
}

#[cfg(unix)]
#[test]
fn a_link_to_a_folder_above_neither_hangs_the_walk_nor_defeats_the_memo() {
    let f = Fixture::new();
    // Points back up into content/: followed, the walk would never end.
    std::os::unix::fs::symlink("../..", f.path("content/t/v/loop")).unwrap();
    settled(&f, SITE);
    let r = f.run(SITE);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(SAME), "{}", r.stderr);
    assert!(r.stderr.contains("指向文件夹的链接"), "{}", r.stderr);
}

#[test]
fn a_change_inside_a_hidden_folder_builds_again() {
    // The loader skips `_` and `.` folders, but a notice may still point into one, so the
    // memo's walk covers them.
    let f = Fixture::new();
    f.write("content/t/v/_drafts/note.txt", "一");
    settled(&f, SITE);
    f.write("content/t/v/_drafts/note.txt", "二");
    std::thread::sleep(Duration::from_millis(2100));
    let r = f.run(SITE);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains(SAME), "{}", r.stderr);
}
