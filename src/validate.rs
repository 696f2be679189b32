//! Stage 2: the election-law rules of DESIGN.md §6 and the required fields of §3.
//! Errors stop the build; warnings print and the build goes on.

use jiff::civil;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::dates::{Date, Month, days_between, zh_date};
use crate::diag::{Diagnostics, Pos};
use crate::model::{Area, Body, Contact, Notice, NoticeKind, Site, Village, VillageKind};
use crate::yamlspan::SpanIndex;

const LEVELS: &[&str] = &[
    "省",
    "自治区",
    "直辖市",
    "市",
    "地区",
    "州",
    "盟",
    "县",
    "区",
    "旗",
    "县级市",
    "乡",
    "镇",
    "街道",
    "苏木",
];
const RECTIFICATION_STATUS: &[&str] = &["已整改", "整改中", "未整改"];

/// Validate the whole site against the rules, as of `today`.
pub fn validate(site: &Site, root: &Path, today: civil::Date, diags: &Diagnostics) {
    let v = Validator {
        site,
        root,
        today,
        diags,
    };
    v.site();
    let rule_slugs: HashSet<&str> = site.rules.iter().map(|r| r.slug.as_str()).collect();
    v.rule_refs(&site.cfg.rules, &site.index, &site.file, &rule_slugs);
    let mut seen = HashSet::new();
    for r in &site.rules {
        if !seen.insert(r.slug.as_str()) {
            diags.error(
                &r.file,
                Pos::default(),
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

impl<'a> Validator<'a> {
    fn err(&self, file: &Path, pos: Pos, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags.error(file, pos, msg, hint);
    }
    fn warn(&self, file: &Path, pos: Pos, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags.warning(file, pos, msg, hint);
    }

    fn site(&self) {
        let s = &self.site.cfg;
        let f = &self.site.file;
        let i = &self.site.index;
        if s.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            self.err(
                f,
                i.origin(),
                "site.yaml 缺少 title（网站名称）。",
                "例如：title: 白河县村（社区）“两委”换届选举公示平台",
            );
        }
        if s.organizer.is_none() {
            self.warn(
                f,
                i.origin(),
                "site.yaml 没有写 organizer（主办单位），网页底部将不显示主办单位。",
                "例如：organizer: 中共白河县委组织部",
            );
        }
        match s.base_url.as_deref() {
            None => self.warn(f, i.origin(), "site.yaml 没有写 base_url（网站正式网址），海报上的二维码和公众号原文链接将无法指向网页。", "例如：base_url: https://gongshi.example.gov.cn/"),
            Some(u) if !(u.starts_with("https://") || u.starts_with("http://")) => self.err(f, i.pos("base_url"), format!("base_url“{u}”不是完整网址。"), "请以 https:// 或 http:// 开头。"),
            _ => {}
        }
        if !s
            .contacts
            .iter()
            .any(|c| c.phone.as_deref().is_some_and(|p| p.trim() == "12380"))
        {
            self.warn(
                f,
                i.pos("contacts"),
                "全站联系方式里没有 12380 举报电话。",
                "请在 site.yaml 的 contacts 里加上：- {label: 组织部门举报电话, phone: \"12380\"}",
            );
        }
        self.contacts(&s.contacts, "contacts", i, f);
        let p = &s.profile;
        for (name, v) in [
            ("candidate_notice_min_days", p.candidate_notice_min_days),
            ("voter_list_min_days", p.voter_list_min_days),
            ("posting_min_days", p.posting_min_days),
        ] {
            if v == 0 || v > 90 {
                self.err(
                    f,
                    i.pos(&format!("profile.{name}")),
                    format!("profile.{name} 的值 {v} 不合理。"),
                    "请填写 1 到 90 之间的天数（按本省规定）。",
                );
            }
        }
        for (name, r) in [
            ("village", p.committee_size.village),
            ("community", p.committee_size.community),
        ] {
            if r.min == 0 || r.min > r.max {
                self.err(
                    f,
                    i.pos(&format!("profile.committee_size.{name}")),
                    "委员会职数范围不合理：min 要大于 0 且不大于 max。",
                    "村民委员会通常为 3–7 人，居民委员会 5–9 人。",
                );
            }
        }
    }

    fn contacts(&self, contacts: &[Contact], path: &str, idx: &SpanIndex, file: &Path) {
        for (n, c) in contacts.iter().enumerate() {
            let p = format!("{path}.{n}");
            if c.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
                self.err(
                    file,
                    idx.pos(&p),
                    "联系方式缺少 label（名称，如“镇换届选举工作指导组”）。",
                    "请为每个联系方式写上 label。",
                );
            }
            if c.phone.is_none() && c.address.is_none() && c.url.is_none() {
                self.err(
                    file,
                    idx.pos(&p),
                    "联系方式里 phone（电话）、address（地址）、url（网址）一个也没有写。",
                    "请至少写一种联系办法。",
                );
            }
        }
    }

    fn rule_refs(&self, slugs: &[String], idx: &SpanIndex, file: &Path, known: &HashSet<&str>) {
        for (n, s) in slugs.iter().enumerate() {
            if !known.contains(s.as_str()) {
                let mut names: Vec<&&str> = known.iter().collect();
                names.sort();
                let list = names
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join("、");
                self.err(
                    file,
                    idx.pos(&format!("rules.{n}")),
                    format!("找不到纪律“{s}”：content/rules/{s}.md 不存在。"),
                    if list.is_empty() {
                        "content/rules/ 里还没有纪律文件。".to_string()
                    } else {
                        format!("已有的纪律：{list}。")
                    },
                );
            }
        }
    }

    fn area(&self, a: &Area, parents: &[&Area], rule_slugs: &HashSet<&str>) {
        if a.cfg.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            self.err(
                &a.file,
                a.index.origin(),
                "area.yaml 缺少 name（名称，如“城关镇”）。",
                "请写上 name。",
            );
        }
        match a.cfg.level.as_deref() {
            None => self.warn(
                &a.file,
                a.index.origin(),
                "area.yaml 没有写 level（层级）。",
                "请写 level：县、乡、镇、街道 等。",
            ),
            Some(l) if !LEVELS.contains(&l) => self.warn(
                &a.file,
                a.index.pos("level"),
                format!("层级“{l}”不常见。"),
                format!("可用：{}。", LEVELS.join("、")),
            ),
            _ => {}
        }
        if let Some(code) = a.cfg.code.as_deref()
            && !(code.len() == 12 && code.bytes().all(|b| b.is_ascii_digit()))
        {
            self.err(&a.file, a.index.pos("code"), format!("区划代码“{code}”应为 12 位数字。"), "请填写国家统计局的 12 位统计用区划代码，并加引号，如 code: \"610929100000\"；不知道可以不写。");
        }
        self.contacts(&a.cfg.contacts, "contacts", &a.index, &a.file);
        self.rule_refs(&a.cfg.rules, &a.index, &a.file, rule_slugs);
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
                self.err(
                    file,
                    Pos::default(),
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
        let c = &v.cfg;
        let f = &v.file;
        let i = &v.index;
        if c.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            self.err(
                f,
                i.origin(),
                "village.yaml 缺少 name（村或社区名称）。",
                "请写上 name，例如 name: 张庄村。",
            );
        }
        if let Some(code) = c.code.as_deref()
            && !(code.len() == 12 && code.bytes().all(|b| b.is_ascii_digit()))
        {
            self.err(
                f,
                i.pos("code"),
                format!("区划代码“{code}”应为 12 位数字。"),
                "请填写 12 位统计用区划代码并加引号；不知道可以不写。",
            );
        }
        let polling = match &c.polling_day {
            None => {
                self.err(
                    f,
                    i.origin(),
                    "village.yaml 缺少 polling_day（选举日）。",
                    "请写上选举日，例如 polling_day: 2026-12-12；各项公示期限都按它计算。",
                );
                None
            }
            Some(d) => self.date(d, "polling_day", i, f),
        };
        self.contacts(&c.contacts, "contacts", i, f);
        self.rule_refs(&c.rules, i, f, rule_slugs);

        // Rule 4: committee size.
        let range = match c.kind {
            VillageKind::Village => self.site.cfg.profile.committee_size.village,
            VillageKind::Community => self.site.cfg.profile.committee_size.community,
        };
        let size: u32 = c.seats.values().sum();
        if c.seats.is_empty() {
            self.err(
                f,
                i.origin(),
                "village.yaml 没有写 seats（职数），无法核对候选人差额。",
                "例如：seats: {主任: 1, 副主任: 1, 委员: 3}",
            );
        } else if size < range.min || size > range.max {
            self.err(
                f,
                i.pos("seats"),
                format!("{}委员会职数合计 {size} 人，不在规定的 {}–{} 人之内。", if c.kind == VillageKind::Village { "村民" } else { "居民" }, range.min, range.max),
                "请核对 seats 中各职务的人数（可在 site.yaml 的 profile.committee_size 中按本省规定调整范围）。",
            );
        }
        for (map, path) in [
            (&c.seats, "seats"),
            (&c.party_branch_seats, "party_branch_seats"),
            (&c.supervision_seats, "supervision_seats"),
        ] {
            for (post, n) in map {
                if *n == 0 {
                    self.err(
                        f,
                        i.pos(&format!("{path}.{post}")),
                        format!("职务“{post}”的职数是 0。"),
                        "不设这个职务就删掉这一行。",
                    );
                }
            }
        }

        let mut slugs = HashSet::new();
        for n in &v.notices {
            if !slugs.insert(n.slug.as_str()) {
                self.err(
                    &n.file,
                    Pos::default(),
                    format!("同一个村里有两个公告的网址名都是“{}”。", n.slug),
                    "请修改其中一个的文件名或 slug。",
                );
            }
            self.notice_common(n, Some(v), areas);
            self.notice_kind(n, v, polling);
        }

        // Rule 7: a village close to its polling day needs its 离任 audit published.
        if let Some(pd) = polling {
            let left = days_between(self.today, pd);
            let has_exit_audit = v.notices.iter().any(|n| {
                n.kind() == NoticeKind::Audit && n.fm.audit_type.as_deref() == Some("离任")
            });
            if (0..=30).contains(&left) && !has_exit_audit {
                self.warn(
                    f,
                    i.pos("polling_day"),
                    format!("距离选举日（{}）只有 {left} 天，还没有离任经济责任审计结果公开。", zh_date(pd)),
                    "村（居）委会主任的离任经济责任审计结果应在选举日前公布。请添加 kind: audit、audit_type: 离任 的公告。",
                );
            }
        }
    }

    /// A valid date, or a diagnostic for a date that does not exist.
    fn date(&self, d: &Date, path: &str, idx: &SpanIndex, file: &Path) -> Option<civil::Date> {
        match d {
            Date::Ok(x) => Some(*x),
            Date::Invalid(s) => {
                self.err(file, idx.pos(path), format!("日期“{s}”不存在或格式不对。"), "日期请写成 YYYY-MM-DD，例如 2026-12-12，并确认这一天确实存在（如 2 月没有 30 日）。");
                None
            }
        }
    }

    fn month(&self, m: &Month, path: &str, idx: &SpanIndex, file: &Path) -> Option<(i16, i8)> {
        match m {
            Month::Ok { year, month } => Some((*year, *month)),
            Month::Invalid(s) => {
                if crate::dates::parse_date(s).is_some() {
                    self.err(
                        file,
                        idx.pos(path),
                        format!("“{s}”写到了日，这里只写年和月。"),
                        format!("请改成 \"{}\"（公示不公开出生日期）。", &s[..7]),
                    );
                } else {
                    self.err(
                        file,
                        idx.pos(path),
                        format!("年月“{s}”格式不对。"),
                        "请写成带引号的 \"YYYY-MM\"，例如 \"1975-03\"。",
                    );
                }
                None
            }
        }
    }

    /// Required fields and dates every notice shares (rules 5, 6, 9).
    fn notice_common(&self, n: &Notice, village: Option<&Village>, areas: &[&Area]) {
        let fm = &n.fm;
        let f = &n.file;
        let i = &n.index;
        let kind = n.kind();
        if fm.kind.is_none() {
            self.err(f, i.origin(), "缺少 kind（公告类型）。", "请写 kind：candidates（候选人公示）、audit（审计结果公开）、rules（纪律）、voters（选民登记）、election（选举公告）、results（选举结果）或 notice（其他公告）。");
        }
        if fm.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            self.err(f, i.origin(), "缺少 title（标题）。", "请写上公告标题。");
        }
        if fm.number.as_deref().is_none_or(|t| t.trim().is_empty()) {
            self.err(
                f,
                i.origin(),
                "缺少 number（文号）。",
                "每份公告都要有文号，例如 number: 张庄村选字〔2026〕3号。",
            );
        }
        if fm.issued_by.as_deref().is_none_or(|t| t.trim().is_empty()) {
            self.err(
                f,
                i.origin(),
                "缺少 issued_by（落款单位）。",
                "例如 issued_by: 张庄村村民选举委员会。",
            );
        }
        match &fm.issued_on {
            None => self.err(
                f,
                i.origin(),
                "缺少 issued_on（发布日期）。",
                "例如 issued_on: 2026-11-20。",
            ),
            Some(d) => {
                self.date(d, "issued_on", i, f);
            }
        }
        if let Some(o) = &fm.objection {
            if let Some(u) = &o.until {
                self.date(u, "objection.until", i, f);
            }
            self.contacts(&o.channels, "objection.channels", i, f);
        }
        for (k, r) in fm.revisions.iter().enumerate() {
            match &r.on {
                Some(d) => {
                    self.date(d, &format!("revisions.{k}.on"), i, f);
                }
                None => self.err(
                    f,
                    i.pos(&format!("revisions.{k}")),
                    "更正记录缺少 on（日期）。",
                    "例如：- {on: 2026-11-21, note: 更正候选人出生年月}",
                ),
            }
            if r.note.as_deref().is_none_or(|t| t.trim().is_empty()) {
                self.err(
                    f,
                    i.pos(&format!("revisions.{k}")),
                    "更正记录缺少 note（更正说明）。",
                    "请写明改了什么、为什么改。",
                );
            }
        }
        if kind == NoticeKind::Rules {
            if fm.items.is_empty() && !n.body.contains(|c: char| !c.is_whitespace()) {
                self.err(f, i.origin(), "纪律没有任何条目。", "请在 items 中列出条目（- {ban: 严禁……, consequence: ……}），或在正文里写编号列表。");
            }
            for (k, it) in fm.items.iter().enumerate() {
                if it.ban.as_deref().is_none_or(|t| t.trim().is_empty()) {
                    self.err(
                        f,
                        i.pos(&format!("items.{k}")),
                        "纪律条目缺少 ban（禁止内容）。",
                        "请写上这一条禁止什么。",
                    );
                }
            }
            return;
        }
        // Rule 5: posted and an objection channel.
        let posted = match &fm.posted {
            None => {
                self.err(
                    f,
                    i.origin(),
                    "缺少 posted（公示期）。",
                    "例如 posted: {from: 2026-11-20, to: 2026-12-04}。",
                );
                None
            }
            Some(p) => {
                let from = match &p.from {
                    Some(d) => self.date(d, "posted.from", i, f),
                    None => {
                        self.err(
                            f,
                            i.pos("posted"),
                            "公示期缺少 from（开始日期）。",
                            "例如 posted: {from: 2026-11-20, to: 2026-12-04}。",
                        );
                        None
                    }
                };
                let to = match &p.to {
                    Some(d) => self.date(d, "posted.to", i, f),
                    None => {
                        self.err(
                            f,
                            i.pos("posted"),
                            "公示期缺少 to（结束日期）。",
                            "例如 posted: {from: 2026-11-20, to: 2026-12-04}。",
                        );
                        None
                    }
                };
                from.zip(to)
            }
        };
        // Rule 6.
        if let Some((from, to)) = posted {
            if to < from {
                self.err(
                    f,
                    i.pos("posted.to"),
                    format!(
                        "公示结束日期（{}）早于开始日期（{}）。",
                        zh_date(to),
                        zh_date(from)
                    ),
                    "请核对 posted 的 from 和 to。",
                );
            } else {
                let days = days_between(from, to) + 1;
                let min = self.site.cfg.profile.posting_min_days as i64;
                if days < min {
                    self.warn(f, i.pos("posted.to"), format!("公示期只有 {days} 天，少于规定的 {min} 天。"), format!("请把 posted.to 延后到 {} 或以后（村民委员会组织法 2025 年修正：公示期不少于 {min} 天）。", zh_date(from.checked_add(jiff::Span::new().days(min - 1)).unwrap_or(to))));
                }
            }
        }
        let own = fm
            .objection
            .as_ref()
            .is_some_and(|o| !o.channels.is_empty());
        let inherited = village.is_some_and(|v| !v.cfg.contacts.is_empty())
            || areas.iter().any(|a| !a.cfg.contacts.is_empty())
            || !self.site.cfg.contacts.is_empty();
        if !own && !inherited {
            self.err(f, i.origin(), "没有任何异议反映渠道：公告本身、村、乡镇和全站都没有写联系方式。", "请在 objection.channels 或 village.yaml / area.yaml / site.yaml 的 contacts 中写上联系电话（全站应有 12380）。");
        }
    }

    fn notice_kind(&self, n: &Notice, v: &Village, polling: Option<civil::Date>) {
        let fm = &n.fm;
        let f = &n.file;
        let i = &n.index;
        let from = fm
            .posted
            .as_ref()
            .and_then(|p| p.from.as_ref())
            .and_then(|d| d.get());
        match n.kind() {
            NoticeKind::Candidates => self.candidates(n, v, polling, from),
            NoticeKind::Audit => self.audit(n, polling),
            NoticeKind::Voters => {
                // Rule 1: the voter list goes up ≥ 20 days before polling; objections 5 days.
                let min = self.site.cfg.profile.voter_list_min_days as i64;
                if let (Some(pd), Some(from)) = (polling, from) {
                    let ahead = days_between(from, pd);
                    if ahead < min {
                        self.err(f, i.pos("posted.from"), format!("选民名单在选举日前 {ahead} 天才公布，规定至少提前 {min} 天。"), format!("选举日是 {}，选民名单最迟应在 {} 张榜公布。请核对 posted.from 或村的 polling_day。", zh_date(pd), zh_date(pd.checked_sub(jiff::Span::new().days(min)).unwrap_or(pd))));
                    }
                }
                if let (Some(until), Some(from)) = (
                    fm.objection
                        .as_ref()
                        .and_then(|o| o.until.as_ref())
                        .and_then(|d| d.get()),
                    from,
                ) && days_between(from, until) < 5
                {
                    self.err(f, i.pos("objection.until"), format!("对选民名单有异议的，应自名单公布之日起 5 日内提出；这里的截止日期（{}）太早。", zh_date(until)), format!("请把 objection.until 改为 {} 或以后。", zh_date(from.checked_add(jiff::Span::new().days(5)).unwrap_or(until))));
                }
                if fm.registration.is_none() {
                    self.warn(f, i.origin(), "选民登记公告没有写 registration（登记人数和名单张贴地点）。", "例如 registration: {total: 1826, added: 132, removed: 47, list_location: 村委会公示栏}。网上只公开人数，不公开名单。");
                }
            }
            NoticeKind::Election => {
                if let Some(e) = &fm.election {
                    if let Some(d) = &e.date
                        && let (Some(d), Some(pd)) = (self.date(d, "election.date", i, f), polling)
                        && d != pd
                    {
                        self.warn(
                            f,
                            i.pos("election.date"),
                            format!(
                                "选举公告的日期（{}）和村的选举日（{}）不一致。",
                                zh_date(d),
                                zh_date(pd)
                            ),
                            "请核对 election.date 和 village.yaml 的 polling_day。",
                        );
                    }
                } else {
                    self.warn(f, i.origin(), "选举公告没有写 election（选举日期、地点、方式）。", "例如 election: {date: 2026-12-12, time: \"08:30\", place: 村文化广场, method: 召开选举大会}。");
                }
            }
            NoticeKind::Results => {
                if fm.results.as_ref().is_none_or(|r| r.elected.is_empty()) {
                    self.warn(
                        f,
                        i.origin(),
                        "选举结果公告没有列出当选人（results.elected）。",
                        "例如 results: {elected: [{name: 王建国, post: 主任, votes: 1250}]}。",
                    );
                }
            }
            NoticeKind::Rules | NoticeKind::Notice => {}
        }
    }

    fn candidates(
        &self,
        n: &Notice,
        v: &Village,
        polling: Option<civil::Date>,
        from: Option<civil::Date>,
    ) {
        let fm = &n.fm;
        let f = &n.file;
        let i = &n.index;
        let Some(body) = fm.body else {
            self.err(f, i.origin(), "候选人公示缺少 body（选举的是哪个组织）。", "请写 body：villagers_committee（村民委员会）、residents_committee（居民委员会）、party_branch（党组织）或 supervision_committee（监督委员会）。");
            return;
        };
        match (body, v.cfg.kind) {
            (Body::VillagersCommittee, VillageKind::Community) => self.warn(
                f,
                i.pos("body"),
                "社区选举的是居民委员会，这里写的是村民委员会。",
                "请改为 body: residents_committee。",
            ),
            (Body::ResidentsCommittee, VillageKind::Village) => self.warn(
                f,
                i.pos("body"),
                "村选举的是村民委员会，这里写的是居民委员会。",
                "请改为 body: villagers_committee。",
            ),
            _ => {}
        }
        let (seats, seats_key) = match body {
            Body::VillagersCommittee | Body::ResidentsCommittee => (&v.cfg.seats, "seats"),
            Body::PartyBranch => (&v.cfg.party_branch_seats, "party_branch_seats"),
            Body::SupervisionCommittee => (&v.cfg.supervision_seats, "supervision_seats"),
        };
        if seats.is_empty() {
            self.err(
                f,
                i.pos("body"),
                format!(
                    "village.yaml 里没有写 {seats_key}（{}的职数），无法核对差额。",
                    body.zh()
                ),
                format!(
                    "请在 {} 中写上，例如 {seats_key}: {{书记: 1, 委员: 4}}。",
                    v.file.display()
                ),
            );
        }
        if fm.candidates.is_empty() {
            self.err(
                f,
                i.origin(),
                "候选人公示没有列出候选人（candidates）。",
                "请在 candidates 下逐一列出候选人。",
            );
            return;
        }
        // Election day for this body (party branch usually votes first).
        let day = match &fm.election_day {
            Some(d) => self.date(d, "election_day", i, f),
            None => polling,
        };
        let mut names: HashMap<&str, usize> = HashMap::new();
        let mut per_post: BTreeMap<&str, u32> = BTreeMap::new();
        let mut women = 0;
        for (k, c) in fm.candidates.iter().enumerate() {
            let p = format!("candidates.{k}");
            let label = c
                .name
                .as_deref()
                .map_or_else(|| format!("第 {} 位候选人", k + 1), str::to_string);
            match c.name.as_deref().map(str::trim) {
                None | Some("") => self.err(
                    f,
                    i.pos(&p),
                    format!("第 {} 位候选人缺少 name（姓名）。", k + 1),
                    "请写上姓名。",
                ),
                Some(name) => {
                    if let Some(prev) = names.insert(name, k) {
                        self.err(f, i.pos(&format!("{p}.name")), format!("候选人“{name}”重复出现（第 {} 位和第 {} 位）。", prev + 1, k + 1), "同名同姓的不同候选人请在姓名后加括号注明，如“王强（三组）”；否则请删除重复的一项。");
                    }
                }
            }
            match c.gender.as_deref() {
                Some("女") => women += 1,
                Some("男") => {}
                Some(g) => self.err(
                    f,
                    i.pos(&format!("{p}.gender")),
                    format!("{label}的性别“{g}”无法识别。"),
                    "请写“男”或“女”。",
                ),
                None => self.err(
                    f,
                    i.pos(&p),
                    format!("{label}缺少 gender（性别）。"),
                    "请写“男”或“女”。",
                ),
            }
            match &c.birth {
                Some(m) => {
                    self.month(m, &format!("{p}.birth"), i, f);
                }
                None => self.err(
                    f,
                    i.pos(&p),
                    format!("{label}缺少 birth（出生年月）。"),
                    "请写成带引号的 \"YYYY-MM\"，例如 birth: \"1975-03\"。",
                ),
            }
            if let Some(m) = &c.party_joined {
                self.month(m, &format!("{p}.party_joined"), i, f);
            }
            if let (Some(Month::Ok { year, month }), Some(d)) = (&c.birth, day) {
                let age = crate::dates::age_on((*year, *month), d);
                if !(18..=100).contains(&age) {
                    self.err(
                        f,
                        i.pos(&format!("{p}.birth")),
                        format!("{label}在选举日的年龄是 {age} 岁，不在 18–100 岁之间。"),
                        "请核对出生年月。",
                    );
                }
            }
            for (field, val) in [
                ("ethnicity", &c.ethnicity),
                ("education", &c.education),
                ("political_status", &c.political_status),
            ] {
                if val.is_none() {
                    self.warn(
                        f,
                        i.pos(&p),
                        format!(
                            "{label}缺少 {field}（{}）。",
                            match field {
                                "ethnicity" => "民族",
                                "education" => "文化程度",
                                _ => "政治面貌",
                            }
                        ),
                        "候选人公示应列出民族、文化程度、政治面貌。",
                    );
                }
            }
            match c.post.as_deref() {
                None => self.err(
                    f,
                    i.pos(&p),
                    format!("{label}缺少 post（拟任职务）。"),
                    format!("请写 {seats_key} 中的一个职务。"),
                ),
                Some(post) => {
                    if !seats.is_empty() && !seats.contains_key(post) {
                        let known = seats.keys().cloned().collect::<Vec<_>>().join("、");
                        self.err(
                            f,
                            i.pos(&format!("{p}.post")),
                            format!(
                                "拟任职务“{post}”不在本村{}的职数（{seats_key}）中。",
                                body.zh()
                            ),
                            format!(
                                "可选职务：{known}。如果职务设置有变，请改 {}。",
                                v.file.display()
                            ),
                        );
                    }
                    *per_post.entry(post).or_default() += 1;
                }
            }
            if let Some(photo) = &c.photo {
                self.photo(photo, &format!("{p}.photo"), n, v);
            }
        }
        // Rule 3: 差额.
        match body {
            Body::PartyBranch => {
                let total_seats: u32 = seats.values().sum();
                let need = (total_seats * 6).div_ceil(5);
                let have = fm.candidates.len() as u32;
                if total_seats > 0 && have < need {
                    self.err(f, i.key_pos("candidates"), format!("党组织委员会应选 {total_seats} 名，候选人 {have} 名，差额不足 20%（至少需要 {need} 名）。"), "根据《中国共产党基层组织选举工作条例》，委员候选人数应多于应选人数 20%。请增加候选人。");
                }
                for (post, n_seats) in seats {
                    let have = per_post.get(post.as_str()).copied().unwrap_or(0);
                    if have < *n_seats {
                        self.err(
                            f,
                            i.key_pos("candidates"),
                            format!("职务“{post}”应选 {n_seats} 名，只有 {have} 名候选人。"),
                            "请补足候选人。",
                        );
                    }
                }
            }
            _ => {
                for (post, n_seats) in seats {
                    let have = per_post.get(post.as_str()).copied().unwrap_or(0);
                    if have <= *n_seats {
                        self.err(f, i.key_pos("candidates"), format!("职务“{post}”应选 {n_seats} 名，候选人 {have} 名，没有实行差额选举。"), format!("候选人数应多于应选人数：请至少提名 {} 名“{post}”候选人。", n_seats + 1));
                    }
                }
            }
        }
        // Rule 4: a woman among the committee candidates.
        if matches!(body, Body::VillagersCommittee | Body::ResidentsCommittee) && women == 0 {
            self.warn(
                f,
                i.key_pos("candidates"),
                format!("{}候选人中没有女性。", body.zh()),
                "委员会成员中应当有妇女成员。请核对候选人名单。",
            );
        }
        // Rule 2: the formal candidate list goes up ≥ N days before the election.
        let min = self.site.cfg.profile.candidate_notice_min_days as i64;
        if let (Some(d), Some(from)) = (day, from) {
            let ahead = days_between(from, d);
            if ahead < min {
                self.err(
                    f,
                    i.pos("posted.from"),
                    format!(
                        "候选人名单在选举日（{}）前 {ahead} 天才公布，规定至少提前 {min} 天。",
                        zh_date(d)
                    ),
                    format!(
                        "请最迟在 {} 公布（posted.from），或核对选举日。",
                        zh_date(d.checked_sub(jiff::Span::new().days(min)).unwrap_or(d))
                    ),
                );
            }
        }
    }

    fn photo(&self, photo: &str, path: &str, n: &Notice, v: &Village) {
        let base = self.root.join("content").join(&v.path);
        if let Err(p) = crate::markdown::check_attachment(photo, &base, true) {
            let (msg, hint) = p.zh("照片", photo);
            let hint = match p {
                crate::markdown::Problem::Escapes => {
                    "照片要放在村文件夹里，这里只写文件名，例如 photo: wangjianguo.jpg。"
                        .to_string()
                }
                crate::markdown::Problem::Missing => format!(
                    "请把照片放进 {} 文件夹，并核对文件名。",
                    Path::new("content").join(&v.path).display()
                ),
                _ => hint,
            };
            self.err(&n.file, n.index.pos(path), msg, hint);
        }
    }

    fn audit(&self, n: &Notice, polling: Option<civil::Date>) {
        let fm = &n.fm;
        let f = &n.file;
        let i = &n.index;
        match fm.audit_type.as_deref() {
            None => self.err(
                f,
                i.origin(),
                "审计结果公开缺少 audit_type（审计类型）。",
                "请写 audit_type: 任期 或 audit_type: 离任。",
            ),
            Some("离任") => {
                if let (Some(issued), Some(pd)) =
                    (fm.issued_on.as_ref().and_then(|d| d.get()), polling)
                    && issued >= pd
                {
                    self.err(
                        f,
                        i.pos("issued_on"),
                        format!(
                            "离任经济责任审计结果在选举日（{}）当天或之后才公布。",
                            zh_date(pd)
                        ),
                        "离任审计结果必须在选举日之前公布。请核对 issued_on。",
                    );
                }
            }
            Some("任期") => {}
            Some(t) => self.err(
                f,
                i.pos("audit_type"),
                format!("审计类型“{t}”无法识别。"),
                "请写“任期”或“离任”。",
            ),
        }
        for (k, s) in fm.subjects.iter().enumerate() {
            for (field, d) in [("from", &s.from), ("to", &s.to)] {
                if let Some(d) = d {
                    self.date(d, &format!("subjects.{k}.{field}"), i, f);
                }
            }
        }
        if let Some(p) = &fm.period {
            for (field, d) in [("from", &p.from), ("to", &p.to)] {
                if let Some(d) = d {
                    self.date(d, &format!("period.{field}"), i, f);
                }
            }
        }
        if fm.figures_yuan.is_none() {
            self.warn(f, i.origin(), "审计结果公开没有写 figures_yuan（收入、支出、资产、负债）。", "例如 figures_yuan: {income: 3856420.50, expenditure: 3621088.00, assets: 12650300, liabilities: 860000}。");
        }
        let mut ids = HashSet::new();
        for (k, fd) in fm.findings.iter().enumerate() {
            match &fd.id {
                None => self.err(
                    f,
                    i.pos(&format!("findings.{k}")),
                    format!("第 {} 个审计问题缺少 id（编号）。", k + 1),
                    "请为每个问题编号，整改情况按编号对应。",
                ),
                Some(id) => {
                    if !ids.insert(id.to_string()) {
                        self.err(
                            f,
                            i.pos(&format!("findings.{k}.id")),
                            format!("问题编号 {id} 重复。"),
                            "请让每个问题的编号不同。",
                        );
                    }
                }
            }
        }
        let mut covered = HashSet::new();
        for (k, r) in fm.rectification.iter().enumerate() {
            let p = format!("rectification.{k}");
            match &r.finding {
                Some(id) if ids.contains(&id.to_string()) => {
                    covered.insert(id.to_string());
                }
                Some(id) => self.err(
                    f,
                    i.pos(&format!("{p}.finding")),
                    format!("整改情况对应的问题编号 {id} 在 findings 中不存在。"),
                    "请核对编号。",
                ),
                None => self.err(
                    f,
                    i.pos(&p),
                    "整改情况缺少 finding（对应的问题编号）。",
                    "请写上问题编号。",
                ),
            }
            match r.status.as_deref() {
                Some(s) if RECTIFICATION_STATUS.contains(&s) => {}
                Some(s) => self.err(
                    f,
                    i.pos(&format!("{p}.status")),
                    format!("整改状态“{s}”无法识别。"),
                    "请写：已整改、整改中 或 未整改。",
                ),
                None => self.err(
                    f,
                    i.pos(&p),
                    "整改情况缺少 status（整改状态）。",
                    "请写：已整改、整改中 或 未整改。",
                ),
            }
            if let Some(d) = &r.due {
                self.date(d, &format!("{p}.due"), i, f);
            }
        }
        for (k, fd) in fm.findings.iter().enumerate() {
            if let Some(id) = &fd.id
                && !covered.contains(&id.to_string())
            {
                self.err(f, i.pos(&format!("findings.{k}")), format!("审计问题 {id} 没有整改情况。"), format!("每个问题都要公开整改状态：请在 rectification 中加上 - {{finding: {id}, status: 整改中}}。"));
            }
        }
    }
}
