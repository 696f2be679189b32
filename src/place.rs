//! Where every page of the site lives: the folder of each area, village and notice, and the
//! way back to the root. Every target (site, posters, WeChat, the manifest, the plan) takes
//! its paths from here, so a page and its poster's QR code can never disagree.

use rayon::prelude::*;

use crate::model::{Area, Notice, Site, Village};

/// A village board to render: the village, its areas and its folder.
pub struct Board<'a> {
    pub chain: Vec<&'a Area>,
    pub village: &'a Village,
    /// `chengguan/zhangzhuang/`
    pub vpath: String,
}

/// Every village board in site order: an area's own villages, then its sub-areas' (the
/// order the site's area boards consume them in).
pub fn boards(site: &Site) -> Vec<Board<'_>> {
    fn walk<'a>(a: &'a Area, chain: &mut Vec<&'a Area>, out: &mut Vec<Board<'a>>) {
        chain.push(a);
        let apath = area_url(chain);
        for v in &a.villages {
            out.push(Board {
                chain: chain.clone(),
                village: v,
                vpath: format!("{apath}{}/", v.slug),
            });
        }
        for sub in &a.areas {
            walk(sub, chain, out);
        }
        chain.pop();
    }
    let mut out = Vec::new();
    for a in &site.areas {
        walk(a, &mut Vec::new(), &mut out);
    }
    out
}

/// A village's notice in context.
pub struct Placed<'a> {
    pub areas: Vec<&'a Area>,
    pub village: &'a Village,
    pub notice: &'a Notice,
    /// `chengguan/zhangzhuang/houxuanren/`
    pub path: String,
}

/// Every notice with its areas and output path, in site order.
pub fn placed(site: &Site) -> Vec<Placed<'_>> {
    boards(site)
        .par_iter()
        .flat_map_iter(|b| {
            b.village.notices.iter().map(move |n| Placed {
                areas: b.chain.clone(),
                village: b.village,
                notice: n,
                path: format!("{}{}/", b.vpath, n.slug),
            })
        })
        .collect()
}

/// `chengguan/` for a township, `baihe/chengguan/` when nested.
pub fn area_url(chain: &[&Area]) -> String {
    chain.iter().map(|a| format!("{}/", a.slug)).collect()
}

/// The way back to the site's root from the page at `path`.
pub fn rel_root(path: &str) -> String {
    // `a/b/c/` → `../../../`
    "../".repeat(path.matches('/').count())
}
