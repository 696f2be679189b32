//! WeChat-article export (DESIGN.md §9). For every village notice, beside its page:
//!
//! - `wechat.fragment.html` (or `wechat.fragment.1.html` … when longer than 20,000
//!   characters): the article body, inline-styled and sanitised to what the 公众号 editor keeps;
//! - `wechat.html`: a phone-width preview with a 复制到公众号 button per part;
//! - `draft.json`: the request body of the 公众号 draft API (`{"articles": [...]}`).
//!
//! And one `wechat.html` per township listing every export with its copy buttons.
//!
//! The look comes from the theme (`wechat/article.html` + `wechat/wechat.css`): the template
//! is rendered with classes, css-inline moves the stylesheet into `style` attributes, and
//! [`sanitize::clean`] keeps only the checklist's tags, attributes and CSS properties.

pub mod body;
pub mod photo;
pub mod sanitize;
mod text;
use text::{copy_data, without_images};
pub use text::{plain_text, split, truncate, weight};

use jiff::civil;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

use super::Page;
use super::Sink;
use super::view::{NoticeCtx, NoticeView, notice_view};
use crate::cache::DiskCache;
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::model::Site;
use crate::place::{Placed, area_url, placed};
use crate::theme::Theme;

/// WeChat's limit on an article's HTML, in characters (inlined image data not counted).
pub const MAX_CHARS: usize = 20_000;
/// WeChat's limit on an article's size in bytes.
pub const MAX_BYTES: usize = 1024 * 1024;
/// What a part aims for, leaving room for the root element and part markers.
const TARGET_CHARS: usize = 18_000;

const TITLE_MAX: usize = 32;
const AUTHOR_MAX: usize = 16;
const DIGEST_MAX: usize = 128;

#[derive(Serialize)]
struct ContactOut {
    label: String,
    phone: Option<String>,
    address: Option<String>,
    url_note: Option<usize>,
    is_12380: bool,
}

#[derive(Serialize)]
struct LinkOut {
    n: usize,
    url: String,
}

#[derive(Serialize)]
struct PhotoOut {
    name: String,
    post: String,
    src: String,
}

#[derive(Serialize, Deserialize, Clone)]
struct PartOut {
    no: usize,
    /// Key of the copy button (unique on the page).
    key: String,
    file: String,
    html: String,
    /// `{"html": …, "text": …}` escaped for a `<script type="application/json">`.
    json: String,
    chars: usize,
    bytes: usize,
}

#[derive(Serialize, Deserialize, Clone)]
struct ExportOut {
    title: String,
    kind_zh: String,
    number: String,
    village: String,
    period: String,
    /// Preview page, relative to the township page.
    url: String,
    parts: Vec<PartOut>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct VillageGroup {
    name: String,
    exports: Vec<ExportOut>,
}

#[derive(Serialize)]
struct DraftArticle {
    title: String,
    author: String,
    digest: String,
    content: String,
    content_source_url: String,
    thumb_media_id: String,
    need_open_comment: u8,
    only_fans_can_comment: u8,
}

#[derive(Serialize)]
struct Draft {
    articles: Vec<DraftArticle>,
}

struct Renderer {
    templates: super::templates::Templates,
    css: String,
    copy_js: String,
    /// Resized photos, kept between builds.
    photos: DiskCache,
    /// The site's public phones, which the article shows as given.
    guard: crate::privacy::guard::Guard,
}

impl Renderer {
    fn new(site: &Site, root: &Path, theme: &Theme, diags: &Diagnostics) -> Option<Renderer> {
        let templates = super::templates::Templates::load(theme, "wechat", "公众号文章", diags)?;
        Some(Renderer {
            templates,
            css: theme
                .text("wechat/wechat.css")
                .unwrap_or_default()
                .to_string(),
            copy_js: theme.text("wechat/copy.js").unwrap_or_default().to_string(),
            photos: DiskCache::new(root, crate::cache::PHOTOS, true),
            guard: crate::privacy::guard::Guard::new(site.public_phones()),
        })
    }

    fn render(&self, template: &str, ctx: &tera::Context, diags: &Diagnostics) -> Option<String> {
        self.templates.render_text(template, ctx, diags)
    }

    /// Inline the theme stylesheet into `style` attributes, then sanitise.
    fn inline_and_clean(&self, html: &str, file: &Path, diags: &Diagnostics) -> String {
        let inliner = css_inline::CSSInliner::options()
            .load_remote_stylesheets(false)
            .keep_style_tags(false)
            .keep_link_tags(false)
            .build();
        let inlined = match inliner.inline_fragment(html, &self.css) {
            Ok(s) => s,
            Err(e) => {
                diags.warning(
                    file,
                    Pos::default(),
                    format!("公众号文章样式表（themes/default/wechat/wechat.css）无法套用：{e}"),
                    "请检查样式表的语法；文章已按无样式导出。",
                );
                html.to_string()
            }
        };
        clean_shown(&self.guard, &inlined, file, diags)
    }
}

/// Sanitise an article and read it once more as it shows: it is written from the masked
/// body, but in a layout of its own (lists as paragraphs, links as notes), and sanitising
/// reads raw HTML as a browser does. Public phones stay. (The fuzz target calls this too.)
pub fn clean_shown(
    guard: &crate::privacy::guard::Guard,
    html: &str,
    file: &Path,
    diags: &Diagnostics,
) -> String {
    let clean = sanitize::clean(html.trim());
    let found = guard.not_public(&clean, crate::privacy::Mode::Html);
    if found.is_empty() {
        return clean;
    }
    diags.warn_laid_out(
        file,
        Pos::default(),
        &found,
        ("公众号文章排版后", "文章里"),
        "请从公告中删去这个号码。",
    );
    crate::privacy::apply_with(&clean, &found, |_| "*")
}

/// WeChat exports: per notice the preview page, the article fragments and `draft.json`; a
/// listing per township.
pub struct WechatTarget;

impl super::Target for WechatTarget {
    fn name(&self) -> &'static str {
        "wechat"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["公众号"]
    }
    fn fast(&self) -> bool {
        false
    }
    fn caches(&self) -> &'static [crate::cache::Kind] {
        &[crate::cache::PHOTOS, crate::cache::WECHAT]
    }
    fn plan<'a>(
        &self,
        _cx: &super::RenderCx<'a>,
        id: super::TargetId,
        plan: &mut crate::plan::Plan<'a>,
    ) {
        use crate::plan::Folder;
        for name in ["wechat.html", "wechat.fragment.html", "draft.json"] {
            plan.in_every(Folder::Notice, name, id, "的公众号文章");
        }
        plan.family_in_every(
            Folder::Notice,
            "wechat.fragment.",
            ".html",
            id,
            "的公众号文章",
        );
        plan.in_every(Folder::Township, "wechat.html", id, "的公众号文章列表");
    }
    fn render(&self, cx: &super::RenderCx<'_>, sink: &dyn Sink) -> bool {
        cx.progress.stage("生成公众号文章", 0);
        render(cx.site, cx.root, cx.theme, cx.today, sink, cx.diags).is_some()
    }
}

/// Render every village notice's WeChat export and one listing page per township.
pub fn render(
    site: &Site,
    root: &Path,
    theme: &Theme,
    today: civil::Date,
    sink: &dyn Sink,
    diags: &Diagnostics,
) -> Option<()> {
    let r = Renderer::new(site, root, theme, diags)?;
    let content = root.join("content");
    let base_url = site
        .cfg
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(|u| format!("{}/", u.trim_end_matches('/')));
    let placed = placed(site);
    // Township by township (the area that directly holds the villages), so that only one
    // township's listing is held in memory; the files go to the sink as they are made.
    let mut groups: Vec<(String, &str, Vec<&Placed<'_>>)> = Vec::new();
    for p in &placed {
        let apath = area_url(&p.areas);
        match groups.last_mut() {
            Some(g) if g.0 == apath => g.2.push(p),
            _ => groups.push((
                apath,
                p.areas.last().map(|a| a.name()).unwrap_or_default(),
                vec![p],
            )),
        }
    }
    let env = crate::reuse::keys::site_env(site, &theme.hash(), today);
    let salt = crate::reuse::program_fingerprint();
    let kept = DiskCache::new(root, crate::cache::WECHAT, true);
    let keeps = sink.keeps_previous();
    // Make an export, put its files, and (`record`) keep a record of it for the next build.
    let make = |p: &Placed<'_>, key: &blake3::Hash, record: bool| -> ExportOut {
        let local = Diagnostics::new();
        let (pages, mut export, images) =
            export_notice(&r, site, p, &content, base_url.as_deref(), today, &local);
        let found = local.into_sorted();
        let files: Vec<String> = pages.iter().map(|pg| pg.path.clone()).collect();
        for page in pages {
            sink.put(page, Some(*key));
        }
        for part in &mut export.parts {
            part.html.clear(); // not shown on the listing, only copied
        }
        let hex = key.to_hex();
        if record && !found.iter().any(|d| d.is_error()) {
            let mut listed = export.clone();
            for part in &mut listed.parts {
                part.json.clear(); // read back from the fragment when needed
            }
            let entry = Kept {
                export: listed,
                files,
                warnings: found.clone(),
                images,
            };
            if let Ok(json) = serde_json::to_vec(&entry) {
                kept.put(&hex, &json);
            }
        }
        for d in found {
            diags.push(d);
        }
        export
    };
    for (apath, name, members) in groups {
        let keys: Vec<blake3::Hash> = members.iter().map(|p| export_key(&env, &salt, p)).collect();
        // An export whose inputs are all as last time keeps last time's files; only the
        // township listing needs its text again, and only if the listing changes.
        // `(kept, export)`: `kept` when it was not made again.
        let mut results: Vec<(bool, ExportOut)> = members
            .par_iter()
            .zip(&keys)
            .map(|(p, key)| {
                // With nothing to keep from (`serve`, a new output folder), records are only
                // written, where missing: reading them and hashing images would be wasted.
                if !keeps {
                    return (false, make(p, key, !kept.contains(&key.to_hex())));
                }
                match reuse(&kept, key, sink, diags) {
                    Found::Kept(e) => (true, e),
                    Found::Current => (false, make(p, key, false)),
                    Found::Stale => (false, make(p, key, true)),
                }
            })
            .collect();
        let listing_key = crate::reuse::keys::wechat_listing(&env, &salt, &apath, name, &keys);
        let listing_path = format!("{apath}wechat.html");
        if results.iter().all(|(k, _)| *k) && sink.reuse(&listing_path, &listing_key) {
            continue;
        }
        // The listing carries every export's text: read the kept ones back.
        results
            .par_iter_mut()
            .zip(members.par_iter().zip(&keys))
            .for_each(|((was_kept, e), (p, key))| {
                if *was_kept && !fill_from_previous(e, &p.path, sink) {
                    *e = make(p, key, false);
                }
            });
        let mut villages: Vec<VillageGroup> = Vec::new();
        for (p, (_, export)) in members.iter().zip(results) {
            let village = p.village.name().to_string();
            match villages.last_mut() {
                Some(g) if g.name == village => g.exports.push(export),
                _ => villages.push(VillageGroup {
                    name: village,
                    exports: vec![export],
                }),
            }
        }
        // Copy-button keys must be unique on the township page.
        for (vi, g) in villages.iter_mut().enumerate() {
            for (ni, e) in g.exports.iter_mut().enumerate() {
                for part in &mut e.parts {
                    part.key = format!("{vi}-{ni}-{}", part.no);
                }
            }
        }
        let count: usize = villages.iter().map(|g| g.exports.len()).sum();
        let mut c = tera::Context::new();
        c.insert("area_name", &name);
        c.insert("site_title", &site.cfg.title.clone().unwrap_or_default());
        c.insert("villages", &villages);
        c.insert("count", &count);
        c.insert("copy_js", &r.copy_js);
        c.insert("root", &"../".repeat(apath.matches('/').count()));
        if let Some(html) = r.render("township.html", &c, diags) {
            sink.put(
                Page {
                    path: listing_path,
                    bytes: html.into_bytes(),
                },
                Some(listing_key),
            );
        }
    }
    Some(())
}

/// What a later build needs to use an export again without making it: its entry on the
/// township listing (without the text), its files, its warnings, and the images it looked at.
#[derive(Serialize, Deserialize)]
struct Kept {
    export: ExportOut,
    files: Vec<String>,
    warnings: Vec<Diagnostic>,
    images: Vec<body::ImageDep>,
}

/// Everything an export is made from: the site, theme and date (`site_env`), the notice's
/// areas and village, the notice's own text, and this program.
fn export_key(env: &blake3::Hash, salt: &blake3::Hash, p: &Placed<'_>) -> blake3::Hash {
    crate::reuse::keys::wechat_export(env, salt, &p.areas, p.village, p.notice)
}

/// What the record of an export says about making it again.
enum Found {
    /// Its files are kept from the previous build (its warnings are reported again).
    Kept(ExportOut),
    /// It must be made again, and the record still describes what it will be (its files
    /// were changed or removed by hand).
    Current,
    /// It must be made again and recorded anew: no record, an unreadable one, or images
    /// that changed.
    Stale,
}

/// The export made from `key` last time, if its images are unchanged and all its files are
/// still in the output as written (they are then kept).
fn reuse(kept: &DiskCache, key: &blake3::Hash, sink: &dyn Sink, diags: &Diagnostics) -> Found {
    let Some(entry) = kept
        .get(&key.to_hex())
        .and_then(|b| serde_json::from_slice::<Kept>(&b).ok())
    else {
        return Found::Stale;
    };
    if !entry.images.iter().all(body::ImageDep::holds) {
        return Found::Stale;
    }
    // `all` stops at the first file that cannot be kept; the export is then made again and
    // every file put anew.
    if !entry.files.iter().all(|f| sink.reuse(f, key)) {
        return Found::Current;
    }
    for d in entry.warnings {
        diags.push(d);
    }
    Found::Kept(entry.export)
}

/// Put the text of each part of a kept export back (for the listing's copy buttons) from
/// the previous build's fragment files. `false` if one cannot be read.
fn fill_from_previous(e: &mut ExportOut, path: &str, sink: &dyn Sink) -> bool {
    e.parts.iter_mut().all(|part| {
        let Some(html) = sink
            .previous(&format!("{path}{}", part.file))
            .and_then(|b| String::from_utf8(b).ok())
        else {
            return false;
        };
        part.json = copy_data(&html);
        true
    })
}

fn export_notice(
    r: &Renderer,
    site: &Site,
    p: &Placed<'_>,
    content: &Path,
    base_url: Option<&str>,
    today: civil::Date,
    diags: &Diagnostics,
) -> (Vec<Page>, ExportOut, Vec<body::ImageDep>) {
    let ctx = NoticeCtx {
        site,
        areas: &p.areas,
        village: Some(p.village),
        path: p.path.clone(),
        today,
    };
    let view = notice_view(p.notice, &ctx);
    let file = p.notice.file.as_path();
    let base_dir = content.join(&p.village.path);
    let online = base_url.map(|b| format!("{b}{}", p.path));

    let mut links = body::Links::default();
    let mut images = body::Images {
        cache: Some(&r.photos),
        ..Default::default()
    };

    // Candidate photos, before the body so their notes come first.
    let mut photos = Vec::new();
    for c in &view.candidates {
        if let Some(photo) = &c.photo
            && let Some(src) = images.inline(
                &base_dir,
                photo,
                &format!("候选人{}", c.name),
                photo::PORTRAIT_WIDTH,
            )
        {
            photos.push(PhotoOut {
                name: c.name.clone(),
                post: c.post.clone(),
                src,
            });
        }
    }
    let body_html = body::render(
        &p.notice.body,
        &body::BodyCtx {
            base_dir: &base_dir,
            online: online.as_deref(),
        },
        &mut links,
        &mut images,
    );
    let contacts: Vec<ContactOut> = view
        .contacts
        .iter()
        .map(|c| ContactOut {
            label: c.label.clone(),
            phone: c.phone.clone(),
            address: c.address.clone(),
            url_note: c.url.as_deref().map(|u| links.number(u)),
            is_12380: c.is_12380,
        })
        .collect();
    let online_note = online.as_deref().map(|u| links.number(u));
    let link_list: Vec<LinkOut> = links
        .urls
        .iter()
        .enumerate()
        .map(|(i, u)| LinkOut {
            n: i + 1,
            url: u.clone(),
        })
        .collect();

    let mut c = tera::Context::new();
    c.insert("notice", &view);
    c.insert("body_html", &body_html);
    c.insert("photos", &photos);
    c.insert("contacts", &contacts);
    c.insert("links", &link_list);
    c.insert("online_url", &online);
    c.insert("online_note", &online_note);
    let mut pages = Vec::new();
    let mut export = ExportOut {
        title: view.title.clone(),
        kind_zh: view.kind_zh.clone(),
        number: view.number.clone(),
        village: view.village_name.clone(),
        period: period(&view),
        url: String::new(),
        parts: Vec::new(),
        notes: images.notes.clone(),
    };
    let Some(article) = r.render("article.html", &c, diags) else {
        return (pages, export, images.deps);
    };
    // Template control lines leave blank lines behind: drop them.
    let article: String = article
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let clean = r.inline_and_clean(&article, file, diags);
    let parts = split(&clean);
    let n = parts.len();
    for (k, part) in parts.iter().enumerate() {
        let chars = weight(part);
        if chars >= MAX_CHARS || part.len() >= MAX_BYTES {
            diags.warning(
                file,
                Pos::new(p.notice.body_line, 1),
                format!(
                    "公众号文章{}有 {chars} 个字符、{} 字节，超过公众号的限制（2 万字符、1 MB）。",
                    if n > 1 {
                        format!("第 {} 部分", k + 1)
                    } else {
                        String::new()
                    },
                    part.len()
                ),
                "请把过长的段落或表格拆成几段，或减少图片；导出仍已生成，粘贴时编辑器可能截断。",
            );
        }
    }
    let file_of = |k: usize| {
        if n == 1 {
            "wechat.fragment.html".to_string()
        } else {
            format!("wechat.fragment.{}.html", k + 1)
        }
    };
    export.parts = parts
        .iter()
        .enumerate()
        .map(|(k, html)| PartOut {
            no: k + 1,
            key: format!("{}", k + 1),
            file: file_of(k),
            json: copy_data(html),
            chars: weight(html),
            bytes: html.len(),
            html: html.clone(),
        })
        .collect();
    for part in &export.parts {
        pages.push(Page {
            path: format!("{}{}", p.path, part.file),
            bytes: part.html.clone().into_bytes(),
        });
    }

    // draft.json: the draft API's request body, one article per part.
    let digest = digest(&view, &parts);
    let draft = Draft {
        articles: parts
            .iter()
            .enumerate()
            .map(|(k, html)| DraftArticle {
                title: if n == 1 {
                    truncate(&view.title, TITLE_MAX)
                } else {
                    let suffix = format!("（{}/{n}）", k + 1);
                    format!(
                        "{}{suffix}",
                        truncate(&view.title, TITLE_MAX - suffix.chars().count())
                    )
                },
                author: truncate(&view.issued_by, AUTHOR_MAX),
                digest: digest.clone(),
                content: without_images(html),
                content_source_url: online.clone().unwrap_or_default(),
                thumb_media_id: String::new(),
                need_open_comment: 0,
                only_fans_can_comment: 0,
            })
            .collect(),
    };
    pages.push(Page {
        path: format!("{}draft.json", p.path),
        bytes: serde_json::to_vec_pretty(&draft).unwrap_or_default(),
    });

    // The preview page.
    let mut c = tera::Context::new();
    c.insert("notice", &view);
    c.insert("export", &export);
    c.insert("online_url", &online);
    c.insert("copy_js", &r.copy_js);
    c.insert("root", &"../".repeat(p.path.matches('/').count()));
    if let Some(html) = r.render("preview.html", &c, diags) {
        pages.push(Page {
            path: format!("{}wechat.html", p.path),
            bytes: html.into_bytes(),
        });
    }
    let apath = area_url(&p.areas);
    export.url = format!(
        "{}wechat.html",
        p.path.strip_prefix(&apath).unwrap_or(&p.path)
    );
    (pages, export, images.deps)
}

fn period(v: &NoticeView) -> String {
    match (&v.posted_from, &v.posted_to) {
        (Some(f), Some(t)) => format!("{f} 至 {t}"),
        (Some(f), None) => format!("{f} 起"),
        _ => String::new(),
    }
}

fn digest(v: &NoticeView, parts: &[String]) -> String {
    let mut d = String::new();
    if !v.number.is_empty() {
        d.push_str(&v.number);
        d.push('。');
    }
    let p = period(v);
    if !p.is_empty() {
        d.push_str(&format!("公示期：{p}。"));
    }
    if let Some(first) = parts.first() {
        // The first paragraph of the body, roughly: the text after the header.
        let text = plain_text(first);
        let body_start = text.find(&v.title).map(|i| i + v.title.len()).unwrap_or(0);
        let rest: String = text[body_start..]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        d.push_str(&rest);
    }
    truncate(&d, DIGEST_MAX)
}

#[cfg(test)]
mod tests {
    use super::text::{decode_into, script_json, top_level_units};
    use super::*;

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("张庄村", 32), "张庄村");
        let long = "张".repeat(40);
        let t = truncate(&long, 32);
        assert_eq!(t.chars().count(), 32);
        assert!(t.ends_with('…'));
    }

    #[test]
    fn long_fragments_split_at_blocks_and_each_part_is_clean() {
        let para = format!("<p style=\"margin:0\">{}</p>", "公示内容".repeat(100));
        let html = sanitize::clean(&format!(
            "<section style=\"font-size:16px;line-height:1.75;color:#1f2329\">{}</section>",
            para.repeat(60)
        ));
        assert!(weight(&html) > MAX_CHARS);
        let parts = split(&html);
        assert!(parts.len() >= 2, "{}", parts.len());
        for p in &parts {
            assert!(weight(p) < MAX_CHARS);
            assert!(
                p.starts_with("<section style=\"font-size:16px;"),
                "{}",
                &p[..80]
            );
            assert!(p.ends_with("</section>"));
            assert_eq!(sanitize::clean(p), *p);
        }
        let total: usize = parts.iter().map(|p| p.matches("公示内容").count()).sum();
        assert_eq!(total, 6000);
    }

    #[test]
    fn top_level_units_respect_nesting_and_quotes() {
        let u =
            top_level_units("<p alt=\"a>b\">x<span>y</span></p><br><section><p>z</p></section>t");
        assert_eq!(
            u,
            [
                "<p alt=\"a>b\">x<span>y</span></p>",
                "<br>",
                "<section><p>z</p></section>",
                "t"
            ]
        );
    }

    proptest::proptest! {
        /// The one-pass decoding gives what decoding entity by entity (`&amp;` last) gives.
        #[test]
        fn decoding_matches_replacing_entity_by_entity(
            s in "(&|&amp;|&lt;|&gt;|&quot;|&nbsp;|amp;|lt;|[a-z;<>公 ]){0,30}"
        ) {
            let replaced = s
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&nbsp;", "\u{a0}")
                .replace("&amp;", "&");
            let mut ours = String::new();
            decode_into(&mut ours, &s);
            proptest::prop_assert_eq!(ours, replaced);
        }

        #[test]
        fn script_json_never_closes_the_script(s in "[a-z<>&/公 \"]{0,40}") {
            let v = serde_json::json!({ "html": s });
            let out = script_json(&v);
            proptest::prop_assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'));
            let back: serde_json::Value = serde_json::from_str(&out).unwrap();
            proptest::prop_assert_eq!(back, v);
        }
    }

    #[test]
    fn plain_text_has_lines() {
        assert_eq!(
            plain_text("<section><p>甲 &amp; 乙</p><p>丙<br>丁</p></section>"),
            "甲 & 乙\n丙\n丁"
        );
    }
}
