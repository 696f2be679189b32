//! load → mask → render → sanitise, on any notice text. Nothing may panic, and the last
//! privacy guard must find nothing in what the site, the WeChat article and the poster would
//! show: a number it finds is one masking missed (or a guard that refuses what masking was
//! right to leave), and either is a bug.
//!
//!     cd fuzz && mkdir -p /tmp/fuzz-corpus
//!     RUSTC_BOOTSTRAP=1 cargo fuzz run notice /tmp/fuzz-corpus corpus/notice

#![no_main]

use std::path::Path;
use std::sync::Arc;

use gongshi::diag::Diagnostics;
use gongshi::model::{Area, Site, Village};
use gongshi::privacy::guard::Guard;
use gongshi::render::Collect;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // As the loader reads a file: UTF-8 or GBK, no NUL bytes, CRLF made LF.
    let diags = Diagnostics::new();
    let Some(text) = gongshi::source::decode(data, Path::new("n.md"), &diags) else {
        return;
    };
    let text = text.as_str();
    let dir = std::env::temp_dir().join("gongshi-fuzz-empty");
    let _ = std::fs::create_dir_all(&dir);
    let Some(notice) = gongshi::load::parse_notice(
        text,
        Path::new("content/t/v/n.md"),
        "t/v/n.md",
        &dir,
        &diags,
        gongshi::yaml::Route::FastFirst,
    ) else {
        return;
    };
    let notice = Arc::new(notice);
    let village = Village {
        file: "content/t/v/village.yaml".into(),
        source_hash: blake3::hash(b""),
        path: "t/v".into(),
        slug: "v".into(),
        cfg: Default::default(),
        index: Default::default(),
        notices: vec![notice.clone()],
    };
    let site = Site {
        file: "content/site.yaml".into(),
        source_hash: blake3::hash(b""),
        cfg: Default::default(),
        index: Default::default(),
        rules: vec![],
        areas: vec![Area {
            file: "content/t/area.yaml".into(),
            source_hash: blake3::hash(b""),
            path: "t".into(),
            slug: "t".into(),
            cfg: Default::default(),
            index: Default::default(),
            areas: vec![],
            villages: vec![village],
        }],
    };
    let guard = Guard::new(site.public_phones());
    let today = jiff::civil::date(2026, 11, 22);
    let theme = gongshi::theme::Theme::builtin();
    let sink = Collect::default();
    let render = Diagnostics::new();
    gongshi::render::site::render(&site, &dir, &theme, today, None, &sink, &render);
    for page in sink.into_pages() {
        let leaks = guard.check(&page.path, &page.bytes, None);
        assert!(leaks.is_empty(), "{leaks:?} in {}", page.path);
    }
    // The WeChat article body and the poster's text, from the same masked tree.
    let mut links = Default::default();
    let mut images = Default::default();
    let body = gongshi::render::wechat::body::render(
        &notice.body,
        &gongshi::render::wechat::body::BodyCtx {
            base_dir: &dir,
            online: None,
        },
        &mut links,
        &mut images,
    );
    let clean = gongshi::render::wechat::clean_shown(&guard, &body, Path::new("n.md"), &render);
    let leaks = guard.check("t/v/n/wechat.fragment.html", clean.as_bytes(), None);
    assert!(leaks.is_empty(), "{leaks:?} in the WeChat article");
    let poster = gongshi::render::poster::body_text(&notice.body);
    let leaks = guard.check("t/v/n/poster.pdf", b"", Some(&poster));
    assert!(leaks.is_empty(), "{leaks:?} on the poster");
});
