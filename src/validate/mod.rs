//! Stage 2: the election-law rules of DESIGN.md §6 and the required fields of §3.
//! Errors stop the build; warnings print and the build goes on.
//!
//! This file walks the site (rules, areas, villages, notices); each rule lives in a file of
//! its own, named after it:
//!
//! | DESIGN §6 rule | file |
//! |---|---|
//! | 1 voter list posted ≥ `voter_list_min_days` before polling; objections within 5 days | `voter_list.rs` |
//! | 2 formal candidate list posted ≥ `candidate_notice_min_days` before polling | `candidate_notice_days.rs` |
//! | 3 差额: more candidates than seats | `margin.rs` |
//! | 4 committee size; a woman among the committee candidates | `committee.rs` |
//! | 5 number, issuing body, issue date; posting and an objection channel | `required.rs` |
//! | 6 posting dates in order; `posting_min_days` | `posting.rs` |
//! | 7 离任 audit before polling day; every finding has a rectification status | `audit.rs` |
//! | 8 ages on polling day | `ages.rs` |
//! | 11 results list who was elected | `results.rs` |
//! | 12 duplicate candidates, unknown posts, dates that do not exist, unknown rule slugs | `unknowns.rs` |
//!
//! Rules 9 (party-branch candidates are full members) and 10 (no one stands for both
//! committees) are not checked yet. The required fields of `site.yaml`, `area.yaml` and
//! `village.yaml` are in `config.rs`; a candidate's own fields in `candidates.rs`; the
//! election notice's date in `election.rs`. Positions come from `doc::Doc`, one content file
//! with its position index.

mod ages;
mod audit;
mod candidate_notice_days;
mod candidates;
mod committee;
mod config;
mod doc;
mod election;
mod margin;
mod posting;
mod required;
mod results;
mod unknowns;
mod voter_list;

use jiff::civil;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;

use crate::diag::Diagnostics;
use crate::model::{Area, Notice, NoticeKind, Profile, Site, Village};
use doc::{At, Doc};

/// Validate the whole site against the rules, as of `today`.
pub fn validate(site: &Site, root: &Path, today: civil::Date, diags: &Diagnostics) {
    let v = Validator {
        site,
        root,
        today,
        diags,
    };
    let doc = Doc::new(&site.file, &site.index, diags);
    config::site(doc, &site.cfg);
    let rule_slugs: HashSet<&str> = site.rules.iter().map(|r| r.slug.as_str()).collect();
    unknowns::rule_refs(doc, &site.cfg.rules, &rule_slugs);
    let mut seen = HashSet::new();
    for r in &site.rules {
        if !seen.insert(r.slug.as_str()) {
            v.doc_of(r).err(
                At::File,
                format!("纪律的网址名“{}”重复了。", r.slug),
                "请改一个文件名或 slug。",
            );
        }
        v.notice_common(r, None, &[]);
    }
    site.areas
        .par_iter()
        .for_each(|a| v.area(a, &[], &rule_slugs));
}

struct Validator<'a> {
    site: &'a Site,
    root: &'a Path,
    today: civil::Date,
    diags: &'a Diagnostics,
}

/// One notice of a village under check, with what its rules need to know.
struct NoticeCx<'a> {
    n: &'a Notice,
    doc: Doc<'a>,
    village: &'a Village,
    /// The village's polling day, when it is a valid date.
    polling: Option<civil::Date>,
    /// `posted.from`, when it is a valid date.
    from: Option<civil::Date>,
    profile: &'a Profile,
    root: &'a Path,
}

impl<'a> Validator<'a> {
    fn doc_of(&self, n: &'a Notice) -> Doc<'a> {
        Doc::new(&n.file, &n.index, self.diags)
    }

    fn area(&self, a: &Area, parents: &[&Area], rule_slugs: &HashSet<&str>) {
        let doc = Doc::new(&a.file, &a.index, self.diags);
        config::area(doc, &a.cfg);
        unknowns::rule_refs(doc, &a.cfg.rules, rule_slugs);
        let mut chain: Vec<&Area> = parents.to_vec();
        chain.push(a);
        let mut slugs = HashSet::new();
        for (file, slug) in a
            .areas
            .iter()
            .map(|x| (&x.file, &x.slug))
            .chain(a.villages.iter().map(|v| (&v.file, &v.slug)))
        {
            if !slugs.insert(slug.as_str()) {
                self.diags.error(
                    file,
                    Default::default(),
                    format!("网址名“{slug}”和同级的另一个文件夹重复。"),
                    "请修改 slug。",
                );
            }
        }
        // Villages are independent of each other: checked in parallel (diagnostics are
        // sorted before they are shown).
        rayon::join(
            || {
                a.areas
                    .par_iter()
                    .for_each(|sub| self.area(sub, &chain, rule_slugs))
            },
            || {
                a.villages
                    .par_iter()
                    .for_each(|v| self.village(v, &chain, rule_slugs))
            },
        );
    }

    fn village(&self, v: &Village, areas: &[&Area], rule_slugs: &HashSet<&str>) {
        let doc = Doc::new(&v.file, &v.index, self.diags);
        let profile = &self.site.cfg.profile;
        let polling = config::village(doc, &v.cfg);
        unknowns::rule_refs(doc, &v.cfg.rules, rule_slugs);
        committee::size(doc, &v.cfg, profile);

        let mut slugs = HashSet::new();
        for n in &v.notices {
            if !slugs.insert(n.slug.as_str()) {
                self.doc_of(n).err(
                    At::File,
                    format!("同一个村里有两个公告的网址名都是“{}”。", n.slug),
                    "请修改其中一个的文件名或 slug。",
                );
            }
            self.notice_common(n, Some(v), areas);
            let cx = NoticeCx {
                n,
                doc: self.doc_of(n),
                village: v,
                polling,
                from: n
                    .fm
                    .posted
                    .as_ref()
                    .and_then(|p| p.from.as_ref())
                    .and_then(|d| d.get()),
                profile,
                root: self.root,
            };
            match n.kind() {
                NoticeKind::Candidates => candidates::check(&cx),
                NoticeKind::Audit => audit::notice(&cx),
                NoticeKind::Voters => voter_list::check(&cx),
                NoticeKind::Election => election::check(&cx),
                NoticeKind::Results => results::check(&cx),
                NoticeKind::Rules | NoticeKind::Notice => {}
            }
        }
        audit::exit_audit_due(doc, v, polling, self.today);
    }

    /// What every notice shares: required fields (rule 5) and posting dates (rule 6).
    fn notice_common(&self, n: &Notice, village: Option<&Village>, areas: &[&Area]) {
        let doc = self.doc_of(n);
        let posted = required::fields(doc, n);
        if n.kind() == NoticeKind::Rules {
            return;
        }
        if let Some((from, to)) = posted {
            posting::dates(doc, from, to, &self.site.cfg.profile);
        }
        required::objection_channel(doc, n, village, areas, &self.site.cfg);
    }
}
