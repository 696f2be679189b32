//! The static website: boards for the site, each area and each village, a page per notice,
//! and the rules pages. Links are relative, so the site works from any host path and from a
//! USB stick (file://) alike.

use jiff::civil;
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

use super::templates::Templates;
use super::view::{NoticeCtx, Status, contacts_chain, notice_view};
use super::{Page, Sink};
use crate::dates::{iso_date, zh_date};
use crate::diag::{Diagnostics, Pos};
use crate::model::{Area, Notice, NoticeKind, Site, Village};
use crate::place::{Board, area_url, boards, rel_root};
use crate::plan::{Folder, Plan, What};
use crate::reuse::keys::{site_env, village_env};
use crate::theme::Theme;

pub struct SiteRenderer {
    templates: Templates,
}

#[derive(Serialize)]
struct SiteInfo {
    title: String,
    region: String,
    organizer: String,
    term: String,
    base_url: String,
    build_date: String,
    build_date_iso: String,
}

#[derive(Serialize, Clone)]
struct Crumb {
    name: String,
    url: String,
}

#[derive(Serialize, Clone)]
struct NoticeLink {
    title: String,
    url: String,
    kind_zh: String,
    number: String,
    status: Status,
    status_zh: String,
    from_iso: Option<String>,
    to_iso: Option<String>,
    from: Option<String>,
    to: Option<String>,
    issued_on: String,
    issued_on_iso: String,
    village: String,
    area: String,
}

#[derive(Serialize, Clone)]
struct VillageLink {
    name: String,
    kind_zh: String,
    url: String,
    polling_day: String,
    notices: usize,
    active: usize,
}

#[derive(Serialize, Clone)]
struct AreaLink {
    name: String,
    level: String,
    url: String,
    villages: usize,
    notices: usize,
    active: usize,
}

#[derive(Serialize, Clone)]
struct RuleLink {
    title: String,
    url: String,
}

/// A file to copy from content into the output.
pub struct Copy {
    pub from: PathBuf,
    pub to: String,
    /// The notice that attaches it (for diagnostics).
    pub owner: PathBuf,
}

impl SiteRenderer {
    pub fn new(theme: &Theme, diags: &Diagnostics) -> Option<SiteRenderer> {
        Some(SiteRenderer {
            templates: Templates::load(theme, "templates", "网页", diags)?,
        })
    }

    fn render(&self, template: &str, ctx: &tera::Context, diags: &Diagnostics) -> Option<Vec<u8>> {
        self.templates.render(template, ctx, diags)
    }
}

fn link_of(
    n: &Notice,
    path: &str,
    village: &Village,
    area: &Area,
    today: civil::Date,
) -> NoticeLink {
    let from =
        n.fm.posted
            .as_ref()
            .and_then(|p| p.from.as_ref())
            .and_then(|d| d.get());
    let to =
        n.fm.posted
            .as_ref()
            .and_then(|p| p.to.as_ref())
            .and_then(|d| d.get());
    let issued = n.fm.issued_on.as_ref().and_then(|d| d.get());
    let st = if n.kind() == NoticeKind::Rules {
        Status::None
    } else {
        super::view::status(from, to, today)
    };
    NoticeLink {
        title: n.fm.title.clone().unwrap_or_default(),
        url: format!("{path}index.html"),
        kind_zh: n.kind().zh().to_string(),
        number: n.fm.number.clone().unwrap_or_default(),
        status: st,
        status_zh: st.zh().to_string(),
        from_iso: from.map(iso_date),
        to_iso: to.map(iso_date),
        from: from.map(zh_date),
        to: to.map(zh_date),
        issued_on: issued.map(zh_date).unwrap_or_default(),
        issued_on_iso: issued.map(iso_date).unwrap_or_default(),
        village: village.name().to_string(),
        area: area.name().to_string(),
    }
}

/// What every page shows, converted to template values once (they are shared, not copied,
/// by each page's context).
struct Common {
    site: tera::Value,
    rules: tera::Value,
}

impl Common {
    fn new(site: &SiteInfo, rules: &[RuleLink]) -> Common {
        Common {
            site: tera::Value::from_serializable(site),
            rules: tera::Value::from_serializable(rules),
        }
    }

    fn ctx(&self, path: &str, crumbs: Vec<Crumb>, page_title: &str) -> tera::Context {
        self.ctx_with(path, tera::Value::from_serializable(&crumbs), page_title)
    }

    /// Like [`Common::ctx`] with crumbs already made into a template value (shared by the
    /// pages of a village).
    fn ctx_with(&self, path: &str, crumbs: tera::Value, page_title: &str) -> tera::Context {
        let mut c = tera::Context::new();
        c.insert_value("site", self.site.clone());
        c.insert("root", &rel_root(path));
        c.insert("path", path);
        c.insert_value("crumbs", crumbs);
        c.insert("page_title", page_title);
        c.insert_value("all_rules", self.rules.clone());
        c
    }
}

/// Rendered pages kept between runs (for `serve`), keyed by a hash of everything the page
/// is made from, so an unchanged page is not rendered again and the result still equals a
/// clean build byte for byte.
#[derive(Default)]
pub struct PageMemo {
    /// Output path → (input hash, bytes).
    map: std::sync::Mutex<std::collections::HashMap<String, (blake3::Hash, Vec<u8>)>>,
}

impl PageMemo {
    fn get(&self, path: &str, key: &blake3::Hash) -> Option<Vec<u8>> {
        let m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        m.get(path)
            .filter(|(k, _)| k == key)
            .map(|(_, b)| b.clone())
    }
    fn put(&self, path: &str, key: blake3::Hash, bytes: &[u8]) {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        m.insert(path.to_string(), (key, bytes.to_vec()));
    }
}

/// The website: boards, notice pages, rules, theme assets, attachments and photos.
pub struct SiteTarget;

impl super::Target for SiteTarget {
    fn name(&self) -> &'static str {
        "site"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["网站", "网页"]
    }
    fn fast(&self) -> bool {
        true
    }
    fn caches(&self) -> &'static [crate::cache::Kind] {
        &[crate::cache::IMAGES]
    }
    fn plan<'a>(&self, cx: &super::RenderCx<'a>, id: super::TargetId, plan: &mut Plan<'a>) {
        plan_site(cx, id, plan);
    }
    fn render(&self, cx: &super::RenderCx<'_>, sink: &dyn Sink) -> bool {
        render(
            cx.site, cx.root, cx.theme, cx.today, cx.pages, sink, cx.diags,
        )
        .is_some()
    }
}

/// Attachments and photos of a notice, into `plan` under `folder`.
fn plan_files<'a>(n: &'a Notice, folder: &str, id: super::TargetId, plan: &mut Plan<'a>) {
    for a in &n.attachments {
        let o = plan.owner(What::Attachment(n, &a.rel));
        plan.file(&format!("{folder}{}", a.rel), id, o);
    }
    for (i, c) in n.fm.candidates.iter().enumerate() {
        if let Some(photo) = &c.photo {
            let o = plan.owner(What::Photo(n, i, photo));
            plan.file(&format!("{folder}{photo}"), id, o);
        }
    }
}

fn plan_site<'a>(cx: &super::RenderCx<'a>, id: super::TargetId, plan: &mut Plan<'a>) {
    let site = cx.site;
    for kind in [
        Folder::Township,
        Folder::Area,
        Folder::Village,
        Folder::Notice,
        Folder::Rule,
    ] {
        plan.in_every(kind, "index.html", id, "的网页");
    }
    let assets = plan.owner(What::Generated("主题的静态文件（static/）"));
    plan.dir("static/", Folder::Plain, id, assets);
    for (name, _) in cx.theme.under("static") {
        plan.file(&format!("static/{name}"), id, assets);
    }
    let board = plan.owner(What::Generated("全站首页"));
    plan.file("index.html", id, board);
    let rules = plan.owner(What::Generated("换届纪律页面（rules/）"));
    plan.dir("rules/", Folder::Plain, id, rules);
    plan.file("rules/index.html", id, rules);
    for n in &site.rules {
        let o = plan.owner(What::Notice(n));
        let folder = format!("rules/{}/", n.slug);
        plan.dir(&folder, Folder::Rule, id, o);
        plan_files(n, &folder, id, plan);
    }
    fn area<'a>(a: &'a Area, apath: &str, id: super::TargetId, plan: &mut Plan<'a>) {
        let apath = format!("{apath}{}/", a.slug);
        let o = plan.owner(What::Area(a));
        let kind = if a.villages.is_empty() {
            Folder::Area
        } else {
            Folder::Township
        };
        plan.dir(&apath, kind, id, o);
        for v in &a.villages {
            let vpath = format!("{apath}{}/", v.slug);
            let o = plan.owner(What::Village(v));
            plan.dir(&vpath, Folder::Village, id, o);
            for n in &v.notices {
                let npath = format!("{vpath}{}/", n.slug);
                let o = plan.owner(What::Notice(n));
                plan.dir(&npath, Folder::Notice, id, o);
                plan_files(n, &npath, id, plan);
            }
        }
        for sub in &a.areas {
            area(sub, &apath, id, plan);
        }
    }
    for a in &site.areas {
        area(a, "", id, plan);
    }
}

/// Render the whole site into `sink`, attachments included. `None` when the templates
/// could not be loaded (the reason is in `diags`).
pub fn render(
    site: &Site,
    root: &Path,
    theme: &Theme,
    today: civil::Date,
    memo: Option<&PageMemo>,
    sink: &dyn Sink,
    diags: &Diagnostics,
) -> Option<()> {
    let r = SiteRenderer::new(theme, diags)?;
    let env = site_env(site, &theme.hash(), today);
    let cfg = &site.cfg;
    let common = Common::new(
        &SiteInfo {
            title: cfg.title.clone().unwrap_or_default(),
            region: cfg.region.clone().unwrap_or_default(),
            organizer: cfg.organizer.clone().unwrap_or_default(),
            term: cfg
                .election
                .as_ref()
                .and_then(|e| e.term.clone())
                .unwrap_or_default(),
            base_url: cfg.base_url.clone().unwrap_or_default(),
            build_date: zh_date(today),
            build_date_iso: today.to_string(),
        },
        &site
            .rules
            .iter()
            .map(|n| RuleLink {
                title: n.fm.title.clone().unwrap_or_default(),
                url: format!("rules/{}/index.html", n.slug),
            })
            .collect::<Vec<_>>(),
    );
    let content = root.join("content");
    let boards = boards(site);

    // Notice pages and village boards, a village at a time (its pages share their crumbs and
    // rules), every village in parallel: this is where the volume is.
    let cx = SiteCx {
        r: &r,
        common: &common,
        site,
        today,
        content: &content,
        sink,
        memo,
        env: &env,
        diags,
    };
    let latest = std::sync::Mutex::new(Latest::default());
    let per_village: Vec<(Vec<Copy>, VillageLink)> = boards
        .par_iter()
        .map(|b| {
            let shared = VillageValues::new(site, b);
            let copies = b
                .village
                .notices
                .iter()
                .flat_map(|n| {
                    let page = NoticePage {
                        board: b,
                        notice: n,
                        path: format!("{}{}/", b.vpath, n.slug),
                    };
                    page.render(&cx, &shared)
                })
                .collect();
            let (links, village_link) = render_board(&cx, b, &shared);
            latest.lock().unwrap_or_else(|e| e.into_inner()).add(links);
            (copies, village_link)
        })
        .collect();
    let latest = latest
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .finish();
    let (copies, board_links): (Vec<Vec<Copy>>, Vec<VillageLink>) = per_village.into_iter().unzip();
    let mut copies: Vec<Copy> = copies.into_iter().flatten().collect();

    // Rules pages.
    let mut rule_links = Vec::new();
    for n in &site.rules {
        let path = format!("rules/{}/", n.slug);
        let ctx = NoticeCtx {
            site,
            areas: &[],
            village: None,
            path: path.clone(),
            today,
        };
        let mut view = notice_view(n, &ctx);
        let base = content.join("rules");
        view.body_html = n.body_html.clone();
        copies.extend(n.attachments.iter().map(|a| Copy {
            from: base.join(&a.rel),
            to: format!("{path}{}", a.rel),
            owner: n.file.clone(),
        }));
        let mut c = common.ctx(
            &path,
            vec![Crumb {
                name: "换届纪律".into(),
                url: "rules/index.html".into(),
            }],
            &view.title,
        );
        rule_links.push(RuleLink {
            title: view.title.clone(),
            url: format!("{path}index.html"),
        });
        c.insert("notice", &view);
        c.insert("rules", &Vec::<RuleLink>::new());
        if let Some(bytes) = r.render("notice.html", &c, diags) {
            sink.put(
                Page {
                    path: format!("{path}index.html"),
                    bytes,
                },
                None,
            );
        }
    }
    {
        let mut c = common.ctx("rules/", vec![], "换届纪律");
        c.insert("rules", &rule_links);
        if let Some(bytes) = r.render("rules.html", &c, diags) {
            sink.put(
                Page {
                    path: "rules/index.html".into(),
                    bytes,
                },
                None,
            );
        }
    }

    // Area boards: totals gathered from the village boards, then the pages in parallel.
    let mut area_pages = Vec::new();
    let mut cursor = board_links.iter();
    let area_links: Vec<AreaLink> = site
        .areas
        .iter()
        .map(|a| summarize_area(a, &mut Vec::new(), &mut cursor, &mut area_pages))
        .collect();
    area_pages
        .par_iter()
        .for_each(|ap| render_area(&r, &common, site, ap, sink, diags));

    // Site board.
    let mut c = common.ctx("", vec![], "");
    c.insert("areas", &area_links);
    c.insert("latest", &latest.active);
    c.insert("upcoming", &latest.upcoming);
    c.insert("active_count", &latest.active_count);
    c.insert("notice_count", &latest.notices);
    c.insert("stats", &crate::stats::statistics(site));
    c.insert("contacts", &contacts_chain(site, &[], None, &[]));
    if let Some(bytes) = r.render("index.html", &c, diags) {
        sink.put(
            Page {
                path: "index.html".into(),
                bytes,
            },
            None,
        );
    }

    // Theme assets.
    for (name, bytes) in theme.under("static") {
        sink.put(
            Page {
                path: format!("static/{name}"),
                bytes: bytes.to_vec(),
            },
            None,
        );
    }
    // Attachments and photos, read from the content folder; pictures without their metadata.
    let images = crate::cache::DiskCache::new(root, crate::cache::IMAGES, true);
    copies.par_iter().for_each(|c| {
        let name = c.to.rsplit('/').next().unwrap_or(&c.to);
        match copy_attachment(c, &images) {
            Ok(bytes) => sink.put(
                Page {
                    path: c.to.clone(),
                    bytes,
                },
                None,
            ),
            Err(why) => diags.error(
                &c.owner,
                Pos::default(),
                format!("附件“{name}”没有发布：{why}。"),
                "请换一个完好的文件（图片请用 JPG、PNG、GIF 或 WebP），或删掉这个链接。",
            ),
        }
    });
    // Hundreds of thousands of small strings: freed on both cores, not one after another.
    drop(area_pages);
    drop_par(board_links);
    drop_par(boards);
    Some(())
}

/// The bytes an attachment is published with: a picture cleaned of its metadata, any other
/// document as it is. Only regular files are read.
fn copy_attachment(c: &Copy, images: &crate::cache::DiskCache) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let mut f = crate::source::open_regular(&c.from).map_err(|e| crate::source::io_zh(&e))?;
    let mut bytes = Vec::new();
    f.by_ref()
        .take(crate::images::MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| crate::source::io_zh(&e))?;
    let ext = crate::markdown::extension(&c.to);
    if crate::markdown::PICTURE_TYPES.contains(&ext.as_str()) {
        if bytes.len() as u64 > crate::images::MAX_BYTES {
            return Err("图片超过 40 MB".into());
        }
        return crate::images::clean_cached(&bytes, Some(images));
    }
    Ok(bytes)
}

/// The site board's lists, gathered while the village boards render: newest first among
/// what is up now, and what goes up next, soonest first. Only the best few are kept, not a
/// link for each of a province's notices.
#[derive(Default)]
struct Latest {
    active: Vec<NoticeLink>,
    upcoming: Vec<NoticeLink>,
    notices: usize,
    active_count: usize,
}

const LATEST: usize = 30;
const UPCOMING: usize = 10;

fn newest_first(a: &NoticeLink, b: &NoticeLink) -> std::cmp::Ordering {
    b.from_iso.cmp(&a.from_iso).then(a.url.cmp(&b.url))
}

fn soonest_first(a: &NoticeLink, b: &NoticeLink) -> std::cmp::Ordering {
    a.from_iso.cmp(&b.from_iso).then(a.url.cmp(&b.url))
}

impl Latest {
    fn add(&mut self, links: Vec<NoticeLink>) {
        for l in links {
            self.notices += 1;
            match l.status {
                Status::Active => {
                    self.active_count += 1;
                    self.active.push(l);
                    if self.active.len() >= 4 * LATEST {
                        first_sorted(&mut self.active, LATEST, newest_first);
                    }
                }
                Status::Upcoming => {
                    self.upcoming.push(l);
                    if self.upcoming.len() >= 4 * UPCOMING {
                        first_sorted(&mut self.upcoming, UPCOMING, soonest_first);
                    }
                }
                _ => {}
            }
        }
    }

    fn finish(mut self) -> Latest {
        first_sorted(&mut self.active, LATEST, newest_first);
        first_sorted(&mut self.upcoming, UPCOMING, soonest_first);
        self
    }
}

/// Keep the first `n` of `v` in the order `cmp`, sorted (without sorting the rest).
fn first_sorted<T>(v: &mut Vec<T>, n: usize, cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if v.len() > n {
        v.select_nth_unstable_by(n, &cmp);
        v.truncate(n);
    }
    v.sort_by(cmp);
}

/// Drop the items of `v` in parallel.
pub fn drop_par<T: Send>(v: Vec<T>) {
    v.into_par_iter().for_each(drop);
}

fn area_crumbs(chain: &[&Area]) -> Vec<Crumb> {
    let mut crumbs = Vec::new();
    for k in 0..chain.len() {
        crumbs.push(Crumb {
            name: chain[k].name().to_string(),
            url: format!("{}index.html", area_url(&chain[..=k])),
        });
    }
    crumbs
}

fn rules_for(site: &Site, areas: &[&Area], village: Option<&Village>) -> Vec<RuleLink> {
    let mut slugs: Vec<&String> = site.cfg.rules.iter().collect();
    for a in areas {
        slugs.extend(a.cfg.rules.iter());
    }
    if let Some(v) = village {
        slugs.extend(v.cfg.rules.iter());
    }
    let mut out: Vec<RuleLink> = Vec::new();
    for s in slugs {
        if out.iter().any(|r| r.url == format!("rules/{s}/index.html")) {
            continue;
        }
        if let Some(n) = site.rules.iter().find(|n| &n.slug == s) {
            out.push(RuleLink {
                title: n.fm.title.clone().unwrap_or_default(),
                url: format!("rules/{s}/index.html"),
            });
        }
    }
    out
}

/// What the pages of one village share, made into template values once.
struct VillageValues {
    /// Crumbs of its notice pages (down to the village) and of its board (down to its area).
    notice_crumbs: tera::Value,
    board_crumbs: tera::Value,
    rules: tera::Value,
}

impl VillageValues {
    fn new(site: &Site, b: &Board) -> VillageValues {
        let mut crumbs = area_crumbs(&b.chain);
        let board_crumbs = tera::Value::from_serializable(&crumbs);
        crumbs.push(Crumb {
            name: b.village.name().to_string(),
            url: format!("{}index.html", b.vpath),
        });
        VillageValues {
            notice_crumbs: tera::Value::from_serializable(&crumbs),
            board_crumbs,
            rules: tera::Value::from_serializable(&rules_for(site, &b.chain, Some(b.village))),
        }
    }
}

/// A notice page: the notice, its village board and its folder in the output.
struct NoticePage<'a> {
    board: &'a Board<'a>,
    notice: &'a Notice,
    /// `chengguan/zhangzhuang/houxuanren/`
    path: String,
}

/// What every page of the site is rendered with.
#[derive(Clone, Copy)]
struct SiteCx<'a> {
    r: &'a SiteRenderer,
    common: &'a Common,
    site: &'a Site,
    today: civil::Date,
    /// `<root>/content`, where attachments are copied from.
    content: &'a Path,
    sink: &'a dyn Sink,
    /// Pages kept between `serve` rebuilds.
    memo: Option<&'a PageMemo>,
    /// [`site_env`]: everything site-wide a page depends on.
    env: &'a blake3::Hash,
    diags: &'a Diagnostics,
}

impl NoticePage<'_> {
    /// Render the page (or keep it from the previous build); returns the attachments and
    /// photos to copy beside it.
    fn render(&self, cx: &SiteCx<'_>, shared: &VillageValues) -> Vec<Copy> {
        let SiteCx {
            r,
            common,
            site,
            today,
            content,
            sink,
            memo,
            env,
            diags,
        } = *cx;
        let (n, b) = (self.notice, self.board);
        let base = content.join(&b.village.path);
        let mut copies: Vec<Copy> = n
            .attachments
            .iter()
            .map(|a| Copy {
                from: base.join(&a.rel),
                to: format!("{}{}", self.path, a.rel),
                owner: n.file.clone(),
            })
            .collect();
        for c in &n.fm.candidates {
            if let Some(photo) = &c.photo
                && !photo.contains("..")
                && !photo.starts_with('/')
            {
                copies.push(Copy {
                    from: base.join(&**photo),
                    to: format!("{}{photo}", self.path),
                    owner: n.file.clone(),
                });
            }
        }
        let path = format!("{}index.html", self.path);
        let key = {
            let mut h = village_env(env, &b.chain, b.village);
            h.update(n.slug.as_bytes());
            h.update(n.hash.as_bytes());
            h.finalize()
        };
        if sink.reuse(&path, &key) {
            return copies;
        }
        if let Some(m) = memo
            && let Some(bytes) = m.get(&path, &key)
        {
            sink.put(Page { path, bytes }, Some(key));
            return copies;
        }
        let ctx = NoticeCtx {
            site,
            areas: &b.chain,
            village: Some(b.village),
            path: self.path.clone(),
            today,
        };
        let mut view = notice_view(n, &ctx);
        view.body_html = n.body_html.clone();
        let mut c = common.ctx_with(&self.path, shared.notice_crumbs.clone(), &view.title);
        c.insert("notice", &view);
        c.insert_value("rules", shared.rules.clone());
        if let Some(bytes) = r.render("notice.html", &c, diags) {
            if let Some(m) = memo {
                m.put(&path, key, &bytes);
            }
            sink.put(Page { path, bytes }, Some(key));
        }
        copies
    }
}

/// Render one village board (or keep it from the previous build); returns the links to its
/// notices and the village's entry on its area's board.
fn render_board(
    cx: &SiteCx<'_>,
    b: &Board,
    shared: &VillageValues,
) -> (Vec<NoticeLink>, VillageLink) {
    let SiteCx {
        r,
        common,
        site,
        today,
        sink,
        memo,
        env,
        diags,
        ..
    } = *cx;
    let (v, vpath, chain) = (b.village, &b.vpath, &b.chain[..]);
    let area = chain[chain.len() - 1];
    let links: Vec<NoticeLink> = v
        .notices
        .iter()
        .map(|n| link_of(n, &format!("{vpath}{}/", n.slug), v, area, today))
        .collect();
    let active = links.iter().filter(|l| l.status == Status::Active).count();
    let polling = v.cfg.polling_day.as_ref().and_then(|d| d.get());
    let village_link = VillageLink {
        name: v.name().to_string(),
        kind_zh: v.cfg.kind.zh().to_string(),
        url: format!("{vpath}index.html"),
        polling_day: polling.map(zh_date).unwrap_or_default(),
        notices: links.len(),
        active,
    };
    let path = format!("{vpath}index.html");
    let key = {
        let mut h = village_env(env, chain, v);
        for n in &v.notices {
            h.update(n.slug.as_bytes());
            h.update(n.hash.as_bytes());
        }
        h.finalize()
    };
    if sink.reuse(&path, &key) {
        return (links, village_link);
    }
    if let Some(m) = memo
        && let Some(bytes) = m.get(&path, &key)
    {
        sink.put(Page { path, bytes }, Some(key));
        return (links, village_link);
    }
    let mut c = common.ctx_with(vpath, shared.board_crumbs.clone(), v.name());
    let mut links = links;
    links.sort_by(|x, y| x.from_iso.cmp(&y.from_iso).then(x.url.cmp(&y.url)));
    c.insert("village", &VillageInfo::of(v));
    c.insert("notices", &links);
    c.insert_value("rules", shared.rules.clone());
    c.insert("contacts", &contacts_chain(site, chain, Some(v), &[]));
    if let Some(bytes) = r.render("village.html", &c, diags) {
        if let Some(m) = memo {
            m.put(&path, key, &bytes);
        }
        sink.put(Page { path, bytes }, Some(key));
    }
    (links, village_link)
}

/// An area board to render, with the entries of what is inside it.
struct AreaPage<'a, 'b> {
    chain: Vec<&'a Area>,
    sub_links: Vec<AreaLink>,
    village_links: Vec<&'b VillageLink>,
}

/// Totals of `a` from its villages' board entries (taken from `boards` in [`boards`] order)
/// and its sub-areas; queues its page in `pages`.
fn summarize_area<'a, 'b>(
    a: &'a Area,
    chain: &mut Vec<&'a Area>,
    boards: &mut impl Iterator<Item = &'b VillageLink>,
    pages: &mut Vec<AreaPage<'a, 'b>>,
) -> AreaLink {
    chain.push(a);
    let mut village_links = Vec::with_capacity(a.villages.len());
    let mut notices = 0;
    let mut active = 0;
    let mut villages = a.villages.len();
    for _ in &a.villages {
        let Some(vl) = boards.next() else {
            break;
        };
        notices += vl.notices;
        active += vl.active;
        village_links.push(vl);
    }
    let mut sub_links = Vec::with_capacity(a.areas.len());
    for sub in &a.areas {
        let l = summarize_area(sub, chain, boards, pages);
        notices += l.notices;
        active += l.active;
        villages += l.villages;
        sub_links.push(l);
    }
    let url = format!("{}index.html", area_url(chain));
    pages.push(AreaPage {
        chain: chain.clone(),
        sub_links,
        village_links,
    });
    chain.pop();
    AreaLink {
        name: a.name().to_string(),
        level: a.cfg.level.clone().unwrap_or_default(),
        url,
        villages,
        notices,
        active,
    }
}

fn render_area(
    r: &SiteRenderer,
    common: &Common,
    site: &Site,
    ap: &AreaPage,
    sink: &dyn Sink,
    diags: &Diagnostics,
) {
    let chain = &ap.chain[..];
    let a = chain[chain.len() - 1];
    let apath = area_url(chain);
    let crumbs = area_crumbs(&chain[..chain.len() - 1]);
    let mut c = common.ctx(&apath, crumbs, a.name());
    c.insert(
        "area",
        &AreaInfo {
            name: a.name().to_string(),
            level: a.cfg.level.clone().unwrap_or_default(),
        },
    );
    c.insert("areas", &ap.sub_links);
    c.insert("villages", &ap.village_links);
    c.insert("rules", &rules_for(site, chain, None));
    c.insert("contacts", &contacts_chain(site, chain, None, &[]));
    if let Some(bytes) = r.render("area.html", &c, diags) {
        sink.put(
            Page {
                path: format!("{apath}index.html"),
                bytes,
            },
            None,
        );
    }
}

#[derive(Serialize)]
struct AreaInfo {
    name: String,
    level: String,
}

#[derive(Serialize)]
struct VillageInfo {
    name: String,
    kind_zh: String,
    population: Option<u64>,
    households: Option<u64>,
    polling_day: String,
    seats: String,
    party_branch_seats: String,
}

impl VillageInfo {
    fn of(v: &Village) -> VillageInfo {
        let fmt = |m: &std::collections::BTreeMap<String, u32>| {
            m.iter()
                .map(|(k, n)| format!("{k} {n} 名"))
                .collect::<Vec<_>>()
                .join("，")
        };
        VillageInfo {
            name: v.name().to_string(),
            kind_zh: v.cfg.kind.zh().to_string(),
            population: v.cfg.population,
            households: v.cfg.households,
            polling_day: v
                .cfg
                .polling_day
                .as_ref()
                .and_then(|d| d.get())
                .map(zh_date)
                .unwrap_or_default(),
            seats: fmt(&v.cfg.seats),
            party_branch_seats: fmt(&v.cfg.party_branch_seats),
        }
    }
}
