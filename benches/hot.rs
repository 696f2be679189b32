//! Criterion benchmarks of the hot functions of a build: front matter parsing, Markdown
//! rendering, a whole notice, and page rendering. Inputs are the bundled county's files.
//!
//!     cargo bench --bench hot

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gongshi::diag::Diagnostics;

fn bundled(rel: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("content")
            .join(rel),
    )
    .unwrap()
}

const CANDIDATES: &str = "chengguan/zhangzhuang/houxuanren-cunweihui.md";
const AUDIT: &str = "chengguan/zhangzhuang/lirenshenji.md";

fn parse(c: &mut Criterion) {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut g = c.benchmark_group("parse");
    for (name, rel) in [("candidates", CANDIDATES), ("audit", AUDIT)] {
        let text = bundled(rel);
        let split = gongshi::source::split_front_matter(&text).unwrap();
        let file = Path::new(rel);
        g.throughput(Throughput::Bytes(split.yaml.len() as u64));
        g.bench_function(format!("front_matter/{name}"), |b| {
            b.iter(|| {
                let d = Diagnostics::new();
                black_box(gongshi::yaml::parse::<gongshi::model::FrontMatter>(
                    black_box(split.yaml),
                    split.yaml_line,
                    file,
                    &d,
                    gongshi::yaml::Route::FastFirst,
                ))
            })
        });
        // The YAML fast path on its own: syntax only, then typed with unknown keys.
        g.bench_function(format!("yaml_fast_syntax/{name}"), |b| {
            b.iter(|| black_box(gongshi::yaml::fast::accepts_syntax(black_box(split.yaml))))
        });
        g.bench_function(format!("yaml_fast_typed/{name}"), |b| {
            b.iter(|| {
                black_box(gongshi::yaml::fast::parse::<gongshi::model::FrontMatter>(
                    black_box(split.yaml),
                ))
            })
        });
        let base = content.join(Path::new(rel).parent().unwrap());
        g.throughput(Throughput::Bytes(split.body.len() as u64));
        g.bench_function(format!("markdown/{name}"), |b| {
            b.iter(|| {
                let d = Diagnostics::new();
                black_box(gongshi::markdown::render(
                    black_box(split.body),
                    &gongshi::markdown::BodyCtx {
                        file,
                        body_line: split.body_line,
                        base_dir: &base,
                    },
                    &d,
                ))
            })
        });
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(format!("notice/{name}"), |b| {
            b.iter(|| {
                let d = Diagnostics::new();
                black_box(gongshi::load::parse_notice(
                    black_box(&text),
                    file,
                    rel,
                    &base,
                    &d,
                    gongshi::yaml::Route::FastFirst,
                ))
            })
        });
    }
    g.finish();
}

fn render(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = Diagnostics::new();
    let site = gongshi::load::load(root, &d).unwrap();
    let theme = gongshi::theme::Theme::load(root, &d);
    let today = jiff::civil::date(2026, 11, 22);
    let pages = {
        let sink = gongshi::render::Collect::default();
        gongshi::render::site::render(&site, root, &theme, today, None, &sink, &d).unwrap();
        sink.into_pages()
            .iter()
            .filter(|p| p.path.ends_with(".html"))
            .count()
    };
    let mut g = c.benchmark_group("render");
    g.throughput(Throughput::Elements(pages as u64));
    g.sample_size(20);
    g.bench_function("site/bundled_county_pages", |b| {
        b.iter(|| {
            let sink = gongshi::render::Collect::default();
            gongshi::render::site::render(&site, root, &theme, today, None, &sink, &d);
            black_box(sink.into_pages())
        })
    });
    g.finish();
}

/// The last privacy guard over a candidate notice's page and the site board, and the
/// masker over a page's text.
fn guard(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = Diagnostics::new();
    let site = gongshi::load::load(root, &d).unwrap();
    let theme = gongshi::theme::Theme::load(root, &d);
    let today = jiff::civil::date(2026, 11, 22);
    let sink = gongshi::render::Collect::default();
    gongshi::render::site::render(&site, root, &theme, today, None, &sink, &d).unwrap();
    let pages = sink.into_pages();
    let guard = gongshi::privacy::guard::Guard::new(site.public_phones());
    let mut g = c.benchmark_group("guard");
    for path in [
        "chengguan/zhangzhuang/houxuanren-cunweihui/index.html",
        "index.html",
    ] {
        let page = pages.iter().find(|p| p.path == path).unwrap();
        g.throughput(Throughput::Bytes(page.bytes.len() as u64));
        g.bench_function(format!("check/{path}"), |b| {
            b.iter(|| black_box(guard.check(&page.path, black_box(&page.bytes), None)))
        });
        let text = std::str::from_utf8(&page.bytes).unwrap();
        g.bench_function(format!("find_html/{path}"), |b| {
            b.iter(|| {
                black_box(gongshi::privacy::find_in(
                    black_box(text),
                    gongshi::privacy::Mode::Html,
                ))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, parse, render, guard);
criterion_main!(benches);
