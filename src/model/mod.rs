//! Typed content model. Field names are the contract with users' content (DESIGN.md §3):
//! extend freely, never rename. Every key also accepts its Chinese alias.
//!
//! Most fields are `Option` so that a missing field becomes a Chinese diagnostic from the
//! validator (with a location) instead of a terse serde error that stops the whole file.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::dates::{Date, Month};

pub use crate::keys::{KEY_ALIASES, canonical_key};

mod mask;

/// A file a body links to or shows, checked (see `markdown::check_attachment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Relative to the notice's folder, `/`-separated.
    pub rel: String,
    /// Where the link is written in the notice file.
    pub pos: crate::diag::Pos,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Contact {
    #[serde(default, alias = "名目")]
    pub label: Option<String>,
    #[serde(default, alias = "电话")]
    pub phone: Option<String>,
    #[serde(default, alias = "地址")]
    pub address: Option<String>,
    #[serde(default, alias = "链接")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ElectionInfo {
    #[serde(default, alias = "届次")]
    pub term: Option<String>,
    #[serde(default, alias = "年份")]
    pub year: Option<u32>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub struct Range {
    #[serde(alias = "最少")]
    pub min: u32,
    #[serde(alias = "最多")]
    pub max: u32,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
pub struct CommitteeSize {
    #[serde(default = "default_village_range", alias = "村")]
    pub village: Range,
    #[serde(default = "default_community_range", alias = "社区")]
    pub community: Range,
}

fn default_village_range() -> Range {
    Range { min: 3, max: 7 }
}
fn default_community_range() -> Range {
    Range { min: 5, max: 9 }
}

impl Default for CommitteeSize {
    fn default() -> Self {
        CommitteeSize {
            village: default_village_range(),
            community: default_community_range(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Profile {
    #[serde(default = "d5", alias = "候选人公示天数")]
    pub candidate_notice_min_days: u32,
    #[serde(default = "d20", alias = "选民名单公示天数")]
    pub voter_list_min_days: u32,
    #[serde(default = "d15", alias = "公示天数")]
    pub posting_min_days: u32,
    #[serde(default, alias = "委员会职数")]
    pub committee_size: CommitteeSize,
}

fn d5() -> u32 {
    5
}
fn d20() -> u32 {
    20
}
fn d15() -> u32 {
    15
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            candidate_notice_min_days: 5,
            voter_list_min_days: 20,
            posting_min_days: 15,
            committee_size: CommitteeSize::default(),
        }
    }
}

/// `site.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SiteConfig {
    #[serde(default, alias = "标题")]
    pub title: Option<String>,
    #[serde(default, alias = "地区")]
    pub region: Option<String>,
    #[serde(default, alias = "主办单位")]
    pub organizer: Option<String>,
    #[serde(default, alias = "网址")]
    pub base_url: Option<String>,
    #[serde(default, alias = "换届")]
    pub election: Option<ElectionInfo>,
    #[serde(default, alias = "联系方式")]
    pub contacts: Vec<Contact>,
    #[serde(default, alias = "纪律")]
    pub rules: Vec<String>,
    #[serde(default, alias = "参数")]
    pub profile: Profile,
    #[serde(default, alias = "语言")]
    pub languages: Vec<String>,
    /// Poster defaults per notice kind, e.g. `candidates: {paper: A4, orientation: landscape}`
    /// (keys are kinds in English or Chinese). A notice's own `poster:` wins.
    #[serde(default, alias = "海报设置")]
    pub posters: BTreeMap<String, PosterSettings>,
}

/// `area.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AreaConfig {
    #[serde(default, alias = "名称")]
    pub name: Option<String>,
    #[serde(default, alias = "层级")]
    pub level: Option<String>,
    #[serde(default, alias = "区划代码")]
    pub code: Option<String>,
    #[serde(default, alias = "网址名")]
    pub slug: Option<String>,
    #[serde(default, alias = "联系方式")]
    pub contacts: Vec<Contact>,
    #[serde(default, alias = "纪律")]
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum VillageKind {
    #[default]
    #[serde(alias = "村")]
    Village,
    #[serde(alias = "社区")]
    Community,
}

impl VillageKind {
    pub fn zh(self) -> &'static str {
        match self {
            VillageKind::Village => "村",
            VillageKind::Community => "社区",
        }
    }
}

/// `village.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct VillageConfig {
    #[serde(default, alias = "名称")]
    pub name: Option<String>,
    #[serde(default, alias = "区划代码")]
    pub code: Option<String>,
    #[serde(default, alias = "类型")]
    pub kind: VillageKind,
    #[serde(default, alias = "网址名")]
    pub slug: Option<String>,
    #[serde(default, alias = "人口")]
    pub population: Option<u64>,
    #[serde(default, alias = "户数")]
    pub households: Option<u64>,
    #[serde(default, alias = "选举日")]
    pub polling_day: Option<Date>,
    #[serde(default, alias = "职数")]
    pub seats: BTreeMap<String, u32>,
    #[serde(default, alias = "党组织职数")]
    pub party_branch_seats: BTreeMap<String, u32>,
    #[serde(default, alias = "监委会职数")]
    pub supervision_seats: BTreeMap<String, u32>,
    #[serde(default, alias = "联系方式")]
    pub contacts: Vec<Contact>,
    #[serde(default, alias = "纪律")]
    pub rules: Vec<String>,
    #[serde(default, alias = "语言")]
    pub languages: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    #[serde(alias = "候选人公示", alias = "候选人")]
    Candidates,
    #[serde(alias = "审计结果公开", alias = "审计")]
    Audit,
    #[serde(alias = "纪律")]
    Rules,
    #[serde(alias = "选民登记公告", alias = "选民登记")]
    Voters,
    #[serde(alias = "选举公告")]
    Election,
    #[serde(alias = "选举结果公告", alias = "选举结果")]
    Results,
    #[serde(alias = "公告")]
    Notice,
}

impl NoticeKind {
    pub fn zh(self) -> &'static str {
        match self {
            NoticeKind::Candidates => "候选人公示",
            NoticeKind::Audit => "审计结果公开",
            NoticeKind::Rules => "换届纪律",
            NoticeKind::Voters => "选民登记公告",
            NoticeKind::Election => "选举公告",
            NoticeKind::Results => "选举结果公告",
            NoticeKind::Notice => "公告",
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            NoticeKind::Candidates => "candidates",
            NoticeKind::Audit => "audit",
            NoticeKind::Rules => "rules",
            NoticeKind::Voters => "voters",
            NoticeKind::Election => "election",
            NoticeKind::Results => "results",
            NoticeKind::Notice => "notice",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    #[serde(alias = "村民委员会")]
    VillagersCommittee,
    #[serde(alias = "居民委员会")]
    ResidentsCommittee,
    #[serde(alias = "党组织", alias = "党支部")]
    PartyBranch,
    #[serde(alias = "村务监督委员会", alias = "监督委员会")]
    SupervisionCommittee,
}

impl Body {
    pub fn zh(self) -> &'static str {
        match self {
            Body::VillagersCommittee => "村民委员会",
            Body::ResidentsCommittee => "居民委员会",
            Body::PartyBranch => "党组织委员会",
            Body::SupervisionCommittee => "村（居）务监督委员会",
        }
    }

    /// The `village.yaml` key that holds this body's seats.
    pub fn seats_key(self) -> &'static str {
        match self {
            Body::VillagersCommittee | Body::ResidentsCommittee => "seats",
            Body::PartyBranch => "party_branch_seats",
            Body::SupervisionCommittee => "supervision_seats",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Posted {
    #[serde(default, alias = "起")]
    pub from: Option<Date>,
    #[serde(default, alias = "止")]
    pub to: Option<Date>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Objection {
    #[serde(default, alias = "截止")]
    pub until: Option<Date>,
    #[serde(default, alias = "渠道")]
    pub channels: Vec<Contact>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Revision {
    #[serde(default, alias = "日期")]
    pub on: Option<Date>,
    #[serde(default, alias = "说明")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    A3,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    #[default]
    #[serde(alias = "纵向")]
    Portrait,
    #[serde(alias = "横向")]
    Landscape,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PosterSettings {
    #[serde(default, alias = "纸张")]
    pub paper: Option<Paper>,
    #[serde(default, alias = "方向")]
    pub orientation: Option<Orientation>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Candidate {
    #[serde(default, alias = "姓名")]
    pub name: Option<Box<str>>,
    #[serde(default, alias = "性别")]
    pub gender: Option<Box<str>>,
    #[serde(default, alias = "民族")]
    pub ethnicity: Option<Box<str>>,
    #[serde(default, alias = "出生年月")]
    pub birth: Option<Month>,
    #[serde(default, alias = "文化程度")]
    pub education: Option<Box<str>>,
    #[serde(default, alias = "政治面貌")]
    pub political_status: Option<Box<str>>,
    #[serde(default, alias = "入党时间")]
    pub party_joined: Option<Month>,
    #[serde(default, alias = "现任职务")]
    pub current_role: Option<Box<str>>,
    #[serde(default, alias = "拟任职务", alias = "职务")]
    pub post: Option<Box<str>>,
    #[serde(default, alias = "提名方式")]
    pub nominated_by: Option<Box<str>>,
    #[serde(default, alias = "是否现任")]
    pub incumbent: Option<bool>,
    #[serde(default, alias = "照片")]
    pub photo: Option<Box<str>>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuditSubject {
    #[serde(default, alias = "姓名")]
    pub name: Option<String>,
    #[serde(default, alias = "职务")]
    pub post: Option<String>,
    #[serde(default, alias = "起")]
    pub from: Option<Date>,
    #[serde(default, alias = "止")]
    pub to: Option<Date>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Figures {
    #[serde(default, alias = "收入")]
    pub income: Option<f64>,
    #[serde(default, alias = "支出")]
    pub expenditure: Option<f64>,
    #[serde(default, alias = "资产")]
    pub assets: Option<f64>,
    #[serde(default, alias = "负债")]
    pub liabilities: Option<f64>,
    #[serde(default, alias = "应收款")]
    pub receivables: Option<f64>,
    #[serde(default, alias = "应付款")]
    pub payables: Option<f64>,
}

/// A finding id may be written as a number or text (`1`, `一`, `A-1`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(untagged)]
pub enum FindingId {
    Num(i64),
    Text(String),
}

impl std::fmt::Display for FindingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FindingId::Num(n) => write!(f, "{n}"),
            FindingId::Text(s) => f.write_str(s),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Finding {
    #[serde(default, alias = "编号")]
    pub id: Option<FindingId>,
    #[serde(default, alias = "内容")]
    pub text: Option<String>,
    #[serde(default, alias = "金额")]
    pub amount_yuan: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Rectification {
    #[serde(default, alias = "问题编号")]
    pub finding: Option<FindingId>,
    #[serde(default, alias = "状态")]
    pub status: Option<String>,
    #[serde(default, alias = "期限")]
    pub due: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RuleItem {
    #[serde(default, alias = "禁止")]
    pub ban: Option<String>,
    #[serde(default, alias = "后果")]
    pub consequence: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Registration {
    #[serde(default, alias = "选民总数")]
    pub total: Option<u64>,
    #[serde(default, alias = "新增")]
    pub added: Option<u64>,
    #[serde(default, alias = "减少")]
    pub removed: Option<u64>,
    #[serde(default, alias = "张贴地点")]
    pub list_location: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ElectionDetails {
    #[serde(default, alias = "选举日期")]
    pub date: Option<Date>,
    #[serde(default, alias = "时间")]
    pub time: Option<String>,
    #[serde(default, alias = "地点")]
    pub place: Option<String>,
    #[serde(default, alias = "方式")]
    pub method: Option<String>,
    #[serde(default, alias = "职位")]
    pub posts: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Elected {
    #[serde(default, alias = "姓名")]
    pub name: Option<String>,
    #[serde(default, alias = "职务")]
    pub post: Option<String>,
    #[serde(default, alias = "得票")]
    pub votes: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ResultsDetails {
    #[serde(default, alias = "选民人数")]
    pub voters_total: Option<u64>,
    #[serde(default, alias = "参选人数")]
    pub ballots_cast: Option<u64>,
    #[serde(default, alias = "当选")]
    pub elected: Vec<Elected>,
}

/// A notice's front matter. One flat struct for every kind: kind-specific fields are simply
/// absent on other kinds, which keeps locations precise (no serde buffering).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FrontMatter {
    #[serde(default, alias = "类型")]
    pub kind: Option<NoticeKind>,
    #[serde(default, alias = "标题")]
    pub title: Option<String>,
    #[serde(default, alias = "网址名")]
    pub slug: Option<String>,
    #[serde(default, alias = "文号")]
    pub number: Option<String>,
    #[serde(default, alias = "落款")]
    pub issued_by: Option<String>,
    #[serde(default, alias = "发布日期")]
    pub issued_on: Option<Date>,
    #[serde(default, alias = "公示期")]
    pub posted: Option<Posted>,
    #[serde(default, alias = "异议")]
    pub objection: Option<Objection>,
    #[serde(default, alias = "盖章")]
    pub seal: Option<bool>,
    #[serde(default, alias = "更正")]
    pub revisions: Vec<Revision>,
    /// Internal notes: parsed so that typos inside are not reported, never rendered.
    #[serde(default, alias = "内部", skip_serializing)]
    pub private: Option<serde::de::IgnoredAny>,
    #[serde(default, alias = "海报")]
    pub poster: Option<PosterSettings>,
    // candidates
    #[serde(default, alias = "机构")]
    pub body: Option<Body>,
    #[serde(default, alias = "本次选举日")]
    pub election_day: Option<Date>,
    #[serde(default, alias = "候选人")]
    pub candidates: Vec<Candidate>,
    // audit
    #[serde(default, alias = "审计类型")]
    pub audit_type: Option<String>,
    #[serde(default, alias = "审计对象")]
    pub subjects: Vec<AuditSubject>,
    #[serde(default, alias = "审计期间")]
    pub period: Option<Posted>,
    #[serde(default, alias = "审计单位")]
    pub auditor: Option<String>,
    #[serde(default, alias = "组织单位")]
    pub organizer: Option<String>,
    #[serde(default, alias = "财务数据")]
    pub figures_yuan: Option<Box<Figures>>,
    #[serde(default, alias = "问题")]
    pub findings: Vec<Finding>,
    #[serde(default, alias = "整改")]
    pub rectification: Vec<Rectification>,
    // rules
    #[serde(default, alias = "发布单位")]
    pub issuer: Option<String>,
    #[serde(default, alias = "条目")]
    pub items: Vec<RuleItem>,
    // voters
    #[serde(default, alias = "登记")]
    pub registration: Option<Box<Registration>>,
    // election
    #[serde(default, alias = "选举")]
    pub election: Option<Box<ElectionDetails>>,
    // results
    #[serde(default, alias = "结果")]
    pub results: Option<Box<ResultsDetails>>,
}

/// A loaded notice: front matter, Markdown body, and where it came from.
#[derive(Debug, Clone)]
pub struct Notice {
    /// Path relative to the site root (for diagnostics), e.g. `content/a/b/c.md`.
    pub file: PathBuf,
    /// URL slug (file stem or `slug:`).
    pub slug: String,
    pub fm: FrontMatter,
    /// Markdown body as written. Parse it only with `markdown::parse`, which masks personal
    /// numbers; never show it as it is.
    pub body: String,
    /// Line in the file where the body starts (1-based), for body diagnostics.
    pub body_line: usize,
    /// The body rendered to sanitised HTML at load time (so link problems are reported
    /// with every other diagnostic).
    pub body_html: String,
    /// Files the body references, relative to the notice's folder.
    pub attachments: Vec<Attachment>,
    /// blake3 of the masked file text: the notice's content hash.
    pub hash: String,
    pub index: crate::yamlspan::SpanIndex,
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        self.fm.kind.unwrap_or(NoticeKind::Notice)
    }
    pub fn short_hash(&self) -> &str {
        &self.hash[..12.min(self.hash.len())]
    }
}

#[derive(Debug, Clone)]
pub struct Village {
    pub file: PathBuf,
    /// blake3 of `village.yaml`'s bytes (for render caches).
    pub source_hash: blake3::Hash,
    /// Folder path relative to `content/`, e.g. `chengguan/zhangzhuang`.
    pub path: String,
    pub slug: String,
    pub cfg: VillageConfig,
    pub index: crate::yamlspan::SpanIndex,
    pub notices: Vec<std::sync::Arc<Notice>>,
}

impl Village {
    pub fn name(&self) -> &str {
        self.cfg.name.as_deref().unwrap_or(&self.slug)
    }

    /// Seats per post of the body a candidate notice elects (its key: `Body::seats_key`).
    pub fn seats_for(&self, body: Body) -> &BTreeMap<String, u32> {
        match body {
            Body::VillagersCommittee | Body::ResidentsCommittee => &self.cfg.seats,
            Body::PartyBranch => &self.cfg.party_branch_seats,
            Body::SupervisionCommittee => &self.cfg.supervision_seats,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Area {
    pub file: PathBuf,
    /// blake3 of `area.yaml`'s bytes (for render caches).
    pub source_hash: blake3::Hash,
    /// Folder path relative to `content/`, e.g. `chengguan` or `baihe/chengguan`.
    pub path: String,
    pub slug: String,
    pub cfg: AreaConfig,
    pub index: crate::yamlspan::SpanIndex,
    pub areas: Vec<Area>,
    pub villages: Vec<Village>,
}

impl Area {
    pub fn name(&self) -> &str {
        self.cfg.name.as_deref().unwrap_or(&self.slug)
    }
    /// Every village below this area, depth first.
    pub fn all_villages(&self) -> Vec<&Village> {
        let mut out: Vec<&Village> = self.villages.iter().collect();
        for a in &self.areas {
            out.extend(a.all_villages());
        }
        out
    }
}

/// The whole loaded site.
#[derive(Debug, Clone)]
pub struct Site {
    pub file: PathBuf,
    /// blake3 of `site.yaml`'s bytes (for render caches).
    pub source_hash: blake3::Hash,
    pub cfg: SiteConfig,
    pub index: crate::yamlspan::SpanIndex,
    /// Shared rules from `content/rules/`.
    pub rules: Vec<std::sync::Arc<Notice>>,
    pub areas: Vec<Area>,
}

impl Site {
    /// Every phone the site publishes on purpose: the `contacts` of the site, its areas and
    /// villages, and the objection `channels` of every notice and rule. The last guard lets
    /// these through and nothing else.
    pub fn public_phones(&self) -> Vec<&str> {
        fn add<'a>(cs: &'a [Contact], out: &mut Vec<&'a str>) {
            out.extend(cs.iter().filter_map(|c| c.phone.as_deref()));
        }
        fn channels<'a>(n: &'a Notice, out: &mut Vec<&'a str>) {
            if let Some(o) = &n.fm.objection {
                add(&o.channels, out);
            }
        }
        let mut out = Vec::new();
        add(&self.cfg.contacts, &mut out);
        let mut areas: Vec<&Area> = self.areas.iter().collect();
        while let Some(a) = areas.pop() {
            add(&a.cfg.contacts, &mut out);
            for v in &a.villages {
                add(&v.cfg.contacts, &mut out);
                for n in &v.notices {
                    channels(n, &mut out);
                }
            }
            areas.extend(a.areas.iter());
        }
        for n in &self.rules {
            channels(n, &mut out);
        }
        out
    }

    pub fn all_villages(&self) -> Vec<&Village> {
        self.areas.iter().flat_map(|a| a.all_villages()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_aliases_parse_like_english_keys() {
        let zh = "姓名: 李堃\n性别: 男\n出生年月: \"1980-05\"\n拟任职务: 主任\n";
        let c: Candidate = serde_saphyr::from_str(zh).unwrap();
        assert_eq!(c.name.as_deref(), Some("李堃"));
        assert_eq!(c.post.as_deref(), Some("主任"));
        assert_eq!(c.birth.unwrap().to_string(), "1980-05");
        for (canon, aliases) in KEY_ALIASES {
            for a in *aliases {
                assert_eq!(canonical_key(a), *canon);
            }
        }
    }

    #[test]
    fn kinds_accept_chinese_values() {
        let fm: FrontMatter =
            serde_saphyr::from_str("类型: 候选人公示\n机构: 村民委员会\n").unwrap();
        assert_eq!(fm.kind, Some(NoticeKind::Candidates));
        assert_eq!(fm.body, Some(Body::VillagersCommittee));
    }
}
