//! Printable notice-board posters: real vector PDFs made in-process by Typst.
//!
//! For every notice (and every shared rules page) the [`NoticeView`] the site shows is
//! serialised to JSON, the Markdown body is converted to Typst markup, a QR code of the
//! online page is drawn as SVG, and the theme's `posters/poster.typ` lays them out. Before
//! anything is compiled, every character is checked against the fonts: one that no font can
//! draw is an error (Typst would silently print a blank box). Posters compile in parallel;
//! finished PDFs are kept in `<root>/.gongshi-cache/posters/` under a hash of everything that
//! goes into them, so an unchanged poster is not compiled again. Each township (an area that
//! directly holds villages) also gets one PDF with all its posters, for one print job.

mod typ;
mod world;
pub use world::system_fonts;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::model::DocumentInfo;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;

use crate::cache::DiskCache;
use crate::diag::{Diagnostics, Pos};
use crate::model::{Notice, Orientation, Paper, PosterSettings, Site};
use crate::place::{area_url, placed};
use crate::render::Page;
use crate::render::Sink;
use crate::render::view::{NoticeCtx, NoticeView, notice_view};
use crate::theme::Theme;

use world::{Fonts, PosterWorld, file_id};

/// The template every poster is laid out with (inside the theme).
const TEMPLATE: &str = "posters/poster.typ";
/// Bumped when the way posters are made changes, to invalidate caches.
const FORMAT: &str = concat!(
    "gongshi-poster-2/",
    env!("CARGO_PKG_VERSION"),
    "/typst-0.15.1"
);

#[derive(Serialize)]
struct SiteData<'a> {
    title: &'a str,
    region: &'a str,
    organizer: &'a str,
}

/// What the template receives as `/gongshi/data.json`.
#[derive(Serialize)]
struct PosterData<'a> {
    notice: &'a NoticeView,
    site: SiteData<'a>,
    /// `a4` or `a3`.
    paper: &'static str,
    flipped: bool,
    /// The online page, or empty when `base_url` is not set.
    url: String,
    has_qr: bool,
    has_body: bool,
}

/// One poster to make.
struct Job<'a> {
    notice: &'a Notice,
    /// Output folder of the notice (`chengguan/zhangzhuang/houxuanren/`).
    path: String,
    /// Township bundle this poster belongs to (`print/chengguan.pdf`), if any.
    bundle: Option<String>,
    files: HashMap<String, Bytes>,
    key: String,
    /// The text the poster prints, for the last privacy guard.
    text: String,
}

/// Posters: a PDF per notice and rules page, and a print file per township.
pub struct PosterTarget;

impl super::Target for PosterTarget {
    fn name(&self) -> &'static str {
        "posters"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["poster", "海报"]
    }
    fn fast(&self) -> bool {
        false
    }
    fn caches(&self) -> &'static [crate::cache::Kind] {
        &[crate::cache::POSTERS]
    }
    fn memo_inputs(&self, switches: &crate::options::Switches, h: &mut blake3::Hasher) {
        h.update(&[switches.system_fonts as u8]);
        if switches.system_fonts {
            system_fonts(h);
        }
    }
    fn plan<'a>(
        &self,
        cx: &super::RenderCx<'a>,
        id: super::TargetId,
        plan: &mut crate::plan::Plan<'a>,
    ) {
        use crate::plan::{Folder, What};
        plan.in_every(Folder::Notice, "poster.pdf", id, "的海报");
        plan.in_every(Folder::Rule, "poster.pdf", id, "的海报");
        let print = plan.owner(What::Generated("海报打印合集（print/）"));
        plan.dir("print/", Folder::Plain, id, print);
        // A print file per township: `print/` + its path.
        fn area<'a>(
            a: &'a crate::model::Area,
            apath: &str,
            id: super::TargetId,
            plan: &mut crate::plan::Plan<'a>,
        ) {
            let apath = format!("{apath}{}/", a.slug);
            if !a.villages.is_empty() {
                let o = plan.owner(What::Area(a));
                plan.file(&format!("print/{}.pdf", apath.trim_end_matches('/')), id, o);
            }
            for sub in &a.areas {
                area(sub, &apath, id, plan);
            }
        }
        for a in &cx.site.areas {
            area(a, "", id, plan);
        }
    }
    fn render(&self, cx: &super::RenderCx<'_>, sink: &dyn Sink) -> bool {
        let total = cx.site.rules.len() + placed(cx.site).len();
        cx.progress.stage("生成海报", total);
        render(cx, sink, &|n| cx.progress.step(n)).is_some()
    }
}

/// A Markdown body as poster markup, and the numbers that had to be masked in it: the body
/// was masked as a page shows it, and a poster joins some pieces a page keeps apart (raw HTML
/// is left out), so what the poster prints is read once more. Masked digits become `＊`,
/// safe in markup and in strings alike.
pub fn body_markup(markdown: &str) -> (String, Vec<crate::privacy::Found>) {
    let markup = typ::markdown(markdown);
    let found = crate::privacy::find_in(&markup, crate::privacy::Mode::Typst);
    if found.is_empty() {
        return (markup, found);
    }
    let masked = crate::privacy::apply_with(&markup, &found, |_| "＊");
    (masked, found)
}

/// The text a poster prints of a Markdown body (for the privacy guard and its fuzzer).
pub fn body_text(markdown: &str) -> String {
    typ::visible(&body_markup(markdown).0)
}

/// The print file of the township that holds a village (`print/chengguan.pdf`).
fn bundle_path(areas: &[&crate::model::Area]) -> String {
    format!("print/{}.pdf", area_url(areas).trim_end_matches('/'))
}

/// Render every poster and township print file.
pub fn render(
    cx: &super::RenderCx<'_>,
    sink: &dyn Sink,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<()> {
    let (site, root, theme, today, diags) = (cx.site, cx.root, cx.theme, cx.today, cx.diags);
    let template_ok = theme.text(TEMPLATE).is_some();
    if !template_ok {
        diags.error(
            &Path::new("themes/default").join(TEMPLATE),
            Pos::default(),
            "找不到海报模板 posters/poster.typ，或者它不是 UTF-8 文本。",
            "请删除主题文件夹里损坏的 posters/poster.typ，使用内置模板。",
        );
        return None;
    }
    let fonts = fonts_for(theme, cx.switches.system_fonts);
    let fonts = &*fonts;
    let salt =
        crate::reuse::keys::poster_templates(FORMAT, theme.under("posters"), &fonts.fingerprint);

    let base_url = site
        .cfg
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .map(|u| {
            if u.ends_with('/') {
                u.to_string()
            } else {
                format!("{u}/")
            }
        });
    if base_url.is_none() {
        diags.warning(
            &site.file,
            site.index.pos("base_url"),
            "没有设置网址（base_url），海报上不印二维码。",
            "请在 site.yaml 里写上 base_url，例如 https://gongshi.example.cn/ ，海报就会印上指向网上公告的二维码。",
        );
    }

    // Prepare every poster: views, data files, character check. In parallel.
    let placed = placed(site);
    let mut specs: Vec<(&Notice, NoticeCtx<'_>, Option<String>)> = placed
        .iter()
        .map(|p| {
            // Only an area that directly holds villages is a township with a print file.
            let bundle = bundle_path(&p.areas);
            (
                p.notice,
                NoticeCtx {
                    site,
                    areas: &p.areas,
                    village: Some(p.village),
                    path: p.path.clone(),
                    today,
                },
                Some(bundle),
            )
        })
        .collect();
    for n in &site.rules {
        specs.push((
            n,
            NoticeCtx {
                site,
                areas: &[],
                village: None,
                path: format!("rules/{}/", n.slug),
                today,
            },
            None,
        ));
    }
    let jobs: Vec<Job<'_>> = specs
        .par_iter()
        .filter_map(|(n, ctx, bundle)| {
            prepare(
                site,
                n,
                ctx,
                bundle.clone(),
                base_url.as_deref(),
                fonts,
                &salt,
                diags,
            )
        })
        .collect();
    if diags.has_errors() {
        return None;
    }

    let cache = PdfCache(DiskCache::new(
        root,
        crate::cache::POSTERS,
        cx.switches.poster_cache,
    ));
    let today_dt = Datetime::from_ymd(
        i32::from(today.year()),
        today.month() as u8,
        today.day() as u8,
    );

    // Group by print file (township), keeping site order, to bound memory and evict caches.
    let mut groups: Vec<(Option<String>, Vec<&Job<'_>>)> = Vec::new();
    for j in &jobs {
        match groups.last_mut() {
            Some((b, v)) if *b == j.bundle => v.push(j),
            _ => groups.push((j.bundle.clone(), vec![j])),
        }
    }

    // Template errors are reported once, not once per notice.
    let seen: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
    let hash_of =
        |hex: &str| blake3::Hash::from_hex(hex).unwrap_or_else(|_| blake3::hash(hex.as_bytes()));
    for (bundle, members) in groups {
        let bundle_key = bundle
            .as_ref()
            .map(|b| crate::reuse::keys::poster_bundle(b, members.iter().map(|m| m.key.as_str())));
        // A township whose print file is unchanged since the last build keeps it as it is.
        let bundle_reused = match (&bundle, &bundle_key) {
            (Some(b), Some(k)) => {
                sink.reuse(b, &hash_of(k)) && {
                    cache.touch(k);
                    true
                }
            }
            _ => false,
        };
        let cached_bundle = if bundle_reused {
            None
        } else {
            bundle_key.as_ref().and_then(|k| cache.get(k))
        };
        let need_docs = bundle.is_some() && !bundle_reused && cached_bundle.is_none();
        // Per poster: `Some(doc)` when it was compiled now (for the print file).
        let results: Vec<Option<Option<PagedDocument>>> = members
            .par_iter()
            .map(|j| {
                let path = format!("{}poster.pdf", j.path);
                let key = hash_of(&j.key);
                if !need_docs && sink.reuse(&path, &key) {
                    cache.touch(&j.key);
                    return Some(None);
                }
                let cached = cache.get(&j.key);
                if !need_docs && let Some(pdf) = cached {
                    sink.put_shown(Page { path, bytes: pdf }, Some(key), Some(&j.text));
                    return Some(None);
                }
                let doc = compile(j, theme, fonts, today_dt, &seen, diags)?;
                let pdf = match cached {
                    Some(pdf) => pdf,
                    None => {
                        let pdf = export(&doc, &j.path, true, j, diags)?;
                        cache.put(&j.key, &pdf);
                        pdf
                    }
                };
                sink.put_shown(Page { path, bytes: pdf }, Some(key), Some(&j.text));
                Some(Some(doc))
            })
            .collect();
        if let (Some(bundle), Some(key)) = (bundle, bundle_key) {
            let text: String = members.iter().map(|m| m.text.as_str()).collect();
            if let Some(pdf) = cached_bundle {
                sink.put_shown(
                    Page {
                        path: bundle,
                        bytes: pdf,
                    },
                    Some(hash_of(&key)),
                    Some(&text),
                );
            } else if need_docs {
                let docs: Vec<PagedDocument> = results.into_iter().flatten().flatten().collect();
                if docs.len() == members.len() {
                    let pages_all = docs
                        .iter()
                        .flat_map(|d| d.pages().iter().cloned())
                        .collect();
                    let info = DocumentInfo {
                        title: Some(
                            format!("{}（打印合集）", bundle.trim_end_matches(".pdf")).into(),
                        ),
                        ..Default::default()
                    };
                    let doc = PagedDocument::new(pages_all, info);
                    if let Some(pdf) = export(&doc, &bundle, false, members[0], diags) {
                        cache.put(&key, &pdf);
                        sink.put_shown(
                            Page {
                                path: bundle,
                                bytes: pdf,
                            },
                            Some(hash_of(&key)),
                            Some(&text),
                        );
                    }
                }
            }
        }
        progress(members.len());
        typst::comemo::evict(2);
    }
    typst::comemo::evict(0);
    Some(())
}

/// The fonts, loaded once per process for a given set of theme fonts (`serve` rebuilds
/// often; scanning system fonts each time would cost more than the build).
fn fonts_for(theme: &Theme, system_fonts: bool) -> Arc<Fonts> {
    static FONTS: Mutex<Option<(blake3::Hash, Arc<Fonts>)>> = Mutex::new(None);
    let mut h = blake3::Hasher::new();
    h.update(&[system_fonts as u8]);
    for (name, bytes) in theme.under("fonts") {
        h.update(name.as_bytes());
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    let key = h.finalize();
    let mut slot = FONTS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((k, f)) = slot.as_ref()
        && *k == key
    {
        return f.clone();
    }
    let f = Arc::new(Fonts::load(theme, system_fonts));
    *slot = Some((key, f.clone()));
    f
}

fn paper_of(site: &Site, n: &Notice) -> (Paper, Orientation) {
    let own = n.fm.poster.as_ref();
    let kind = n.kind();
    let by_kind: Option<&PosterSettings> = site.cfg.posters.iter().find_map(|(k, v)| {
        let parsed: Option<crate::model::NoticeKind> =
            serde_json::from_value(serde_json::Value::String(k.trim().to_string())).ok();
        (parsed == Some(kind)).then_some(v)
    });
    let paper = own
        .and_then(|p| p.paper)
        .or(by_kind.and_then(|p| p.paper))
        .unwrap_or_default();
    let orientation = own
        .and_then(|p| p.orientation)
        .or(by_kind.and_then(|p| p.orientation))
        .unwrap_or_default();
    (paper, orientation)
}

#[allow(clippy::too_many_arguments)]
fn prepare<'a>(
    site: &Site,
    n: &'a Notice,
    ctx: &NoticeCtx<'_>,
    bundle: Option<String>,
    base_url: Option<&str>,
    fonts: &Fonts,
    salt: &blake3::Hash,
    diags: &Diagnostics,
) -> Option<Job<'a>> {
    let view = notice_view(n, ctx);
    // Every character must be printable.
    let mut ok = true;
    let json = serde_json::to_value(&view).unwrap_or_default();
    check_value(&json, "", n, fonts, diags, &mut ok);
    for (i, line) in n.body.lines().enumerate() {
        for (col, c) in line.chars().enumerate() {
            if !printable(c, fonts) {
                ok = false;
                report(c, n, Pos::new(n.body_line + i, col + 1), "正文", diags);
            }
        }
    }
    if !ok {
        return None;
    }

    let (paper, orientation) = paper_of(site, n);
    let url = base_url
        .map(|b| format!("{b}{}", ctx.path))
        .unwrap_or_default();
    let qr = if url.is_empty() { None } else { qr_svg(&url) };
    let url_text = url.clone();
    let data = PosterData {
        notice: &view,
        site: SiteData {
            title: site.cfg.title.as_deref().unwrap_or(""),
            region: site.cfg.region.as_deref().unwrap_or(""),
            organizer: site.cfg.organizer.as_deref().unwrap_or(""),
        },
        paper: match paper {
            Paper::A4 => "a4",
            Paper::A3 => "a3",
        },
        flipped: orientation == Orientation::Landscape,
        url,
        has_qr: qr.is_some(),
        has_body: !n.body.trim().is_empty(),
    };
    let data = serde_json::to_vec_pretty(&data).unwrap_or_default();
    let (body, found) = body_markup(&n.body);
    diags.warn_laid_out(
        &n.file,
        Pos::new(n.body_line, 1),
        &found,
        ("正文在海报上排版后，", "海报上"),
        "正文里的原始 HTML 不印在海报上，前后的文字因此连在一起。请从正文中删去这个号码。",
    );
    let body_text = typ::visible(&body);
    let main = "#import \"/poster.typ\": poster\n#poster(json(\"/gongshi/data.json\"), include \"/gongshi/body.typ\")\n";
    let key = crate::reuse::keys::poster(salt, &data, &body, main, qr.as_deref());
    let mut files = HashMap::new();
    files.insert("/gongshi/main.typ".to_string(), Bytes::from_string(main));
    files.insert("/gongshi/data.json".to_string(), Bytes::new(data));
    files.insert("/gongshi/body.typ".to_string(), Bytes::from_string(body));
    if let Some(q) = qr {
        files.insert("/gongshi/qr.svg".to_string(), Bytes::from_string(q));
    }
    // What the poster prints: every value the template may show, the body's text, the
    // address in the QR code. Pieces are kept apart with `|` so two values never read as one.
    let mut text = String::new();
    strings_of(&json, &mut text);
    for s in [
        site.cfg.title.as_deref().unwrap_or(""),
        site.cfg.region.as_deref().unwrap_or(""),
        site.cfg.organizer.as_deref().unwrap_or(""),
        &url_text,
        &body_text,
    ] {
        text.push_str(s);
        text.push('|');
    }
    Some(Job {
        notice: n,
        path: ctx.path.clone(),
        bundle,
        files,
        key: key.to_hex().to_string(),
        text,
    })
}

/// Every string in `v`, each followed by `|`.
fn strings_of(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('|');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings_of(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings_of(x, out)),
        serde_json::Value::Number(n) => {
            out.push_str(&n.to_string());
            out.push('|');
        }
        _ => {}
    }
}

fn printable(c: char, fonts: &Fonts) -> bool {
    c.is_whitespace() || c.is_control() || is_invisible(c) || fonts.covers(c)
}

/// Format characters that print as nothing anyway (zero-width spaces and joiners, BOM,
/// variation selectors).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

fn check_value(
    v: &serde_json::Value,
    path: &str,
    n: &Notice,
    fonts: &Fonts,
    diags: &Diagnostics,
    ok: &mut bool,
) {
    match v {
        serde_json::Value::String(s) => {
            for c in s.chars() {
                if !printable(c, fonts) {
                    *ok = false;
                    report(c, n, n.index.pos(path), path, diags);
                }
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                // Views number rows from 1 for display; the YAML lists count from 0 like we do.
                let p = if path.is_empty() {
                    i.to_string()
                } else {
                    format!("{path}.{i}")
                };
                check_value(x, &p, n, fonts, diags, ok);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                if k == "body_html" {
                    continue;
                }
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                check_value(x, &p, n, fonts, diags, ok);
            }
        }
        _ => {}
    }
}

fn report(c: char, n: &Notice, pos: Pos, field: &str, diags: &Diagnostics) {
    diags.error(
        &n.file,
        pos,
        format!(
            "字符“{c}”（U+{:04X}）无法印在海报上：海报字体里没有这个字（字段：{field}）。",
            c as u32
        ),
        "请核对是否录入了错字或私用区字符；生僻字确实需要时，请把含有这个字的字体文件（.otf/.ttf）放进本站的 themes/default/fonts/ 文件夹，或装到系统里，再重新生成。",
    );
}

fn qr_svg(url: &str) -> Option<String> {
    use fast_qr::convert::{Builder, svg::SvgBuilder};
    let qr = fast_qr::QRBuilder::new(url)
        .ecl(fast_qr::ECL::M)
        .build()
        .ok()?;
    Some(SvgBuilder::default().margin(2).to_str(&qr))
}

fn compile(
    j: &Job<'_>,
    theme: &Theme,
    fonts: &Fonts,
    today: Option<Datetime>,
    seen: &Mutex<HashSet<String>>,
    diags: &Diagnostics,
) -> Option<PagedDocument> {
    let world = PosterWorld {
        fonts,
        theme,
        main: file_id("/gongshi/main.typ"),
        files: j.files.clone(),
        today,
    };
    let warned = typst::compile::<PagedDocument>(&world);
    match warned.output {
        Ok(doc) => Some(doc),
        Err(errors) => {
            typst_errors(&world, &errors, j, seen, diags);
            None
        }
    }
}

fn export(
    doc: &PagedDocument,
    ident: &str,
    tagged: bool,
    j: &Job<'_>,
    diags: &Diagnostics,
) -> Option<Vec<u8>> {
    let opts = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some("gongshi".to_string())),
        tagged,
        ..Default::default()
    };
    match typst_pdf::pdf(doc, &opts) {
        Ok(b) => Some(b),
        Err(errors) => {
            let msg: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
            diags.error(
                &j.notice.file,
                Pos::default(),
                format!("海报 PDF 导出失败（{ident}）：{}", msg.join("；")),
                "这是排版程序的问题，请把这条信息和公告文件一起反馈给维护人员。",
            );
            None
        }
    }
}

fn typst_errors(
    world: &PosterWorld<'_>,
    errors: &[SourceDiagnostic],
    j: &Job<'_>,
    seen: &Mutex<HashSet<String>>,
    diags: &Diagnostics,
) {
    for e in errors.iter().filter(|e| e.severity == Severity::Error) {
        // Locate the error in the template (or the generated files) if possible.
        let mut place = String::new();
        let mut in_theme: Option<(PathBuf, Pos)> = None;
        if let Some(id) = e.span.id()
            && let Some(range) = world.range(e.span)
            && let Ok(src) = world.source(id)
        {
            let text = src.text();
            let start = range.start.min(text.len());
            let line = text[..start].matches('\n').count() + 1;
            let col = text[..start]
                .rsplit('\n')
                .next()
                .map(|s| s.chars().count() + 1)
                .unwrap_or(1);
            let vp = id.get().vpath().get_with_slash().to_string();
            let file = if vp.starts_with("/gongshi/") {
                format!("（生成的 {vp}）")
            } else {
                let f = format!("themes/default/posters{vp}");
                in_theme = Some((PathBuf::from(&f), Pos::new(line, col)));
                f
            };
            place = format!("，位置：{file} 第 {line} 行第 {col} 列");
        }
        let hints: Vec<String> = e.hints.iter().map(|h| h.v.to_string()).collect();
        let message = format!("海报排版失败{place}：{}", e.message);
        let (file, pos) = match in_theme {
            Some(t) => {
                let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                if !seen.insert(message.clone()) {
                    continue;
                }
                t
            }
            None => (j.notice.file.clone(), Pos::default()),
        };
        diags.error(
            &file,
            pos,
            message,
            if hints.is_empty() {
                "如果改过 themes/default/posters/ 里的模板，请检查模板；否则请把这条信息反馈给维护人员。".to_string()
            } else {
                format!("Typst 提示：{}。如果改过海报模板，请检查模板。", hints.join("；"))
            },
        );
    }
}

/// Finished PDFs by key; a damaged file in the cache counts as a miss.
struct PdfCache(DiskCache);

impl PdfCache {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.0.get(key).filter(|b| b.starts_with(b"%PDF"))
    }

    fn put(&self, key: &str, pdf: &[u8]) {
        self.0.put(key, pdf)
    }

    /// The output kept the file made from `key`: its cache entry is still in use.
    fn touch(&self, key: &str) {
        self.0.touch(key);
    }
}
