//! Differential tests of the YAML fast path (`gongshi::yaml::fast`) against serde-saphyr
//! (`gongshi::yaml::parse_saphyr`):
//!
//! - every realistic file (the bundled county, the test fixtures, `gongshi init`/`new`
//!   scaffolds, a generated province) must take the fast path, with the same value and the
//!   same unknown keys;
//! - for generated documents full of tricky scalars, in block and flow form, whenever the
//!   fast path accepts, serde-saphyr must succeed with the same value and unknown keys.
//!
//! Set `GONGSHI_FAST_YAML_DIR` to a site root (e.g. one written by
//! `cargo run --release --example gen_province -- --villages 200 DIR`) to check its files too,
//! and `PROPTEST_CASES` to run more generated cases.

use crate::common;

use std::cell::Cell;
use std::fmt::Write as _;
use std::path::Path;

use gongshi::model::{AreaConfig, FrontMatter, SiteConfig, VillageConfig};
use gongshi::yaml::{fast, parse_saphyr};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Both paths on one text. `Some(true)`: the fast path accepted and agreed; `Some(false)`:
/// it bailed. Panics when it accepted and disagrees with serde-saphyr.
fn compare<T: DeserializeOwned + Serialize>(yaml: &str) -> bool {
    let Some((fv, funknown)) = fast::parse::<T>(yaml) else {
        return false;
    };
    let (sv, sunknown) = match parse_saphyr::<T>(yaml) {
        Ok(x) => x,
        Err(e) => panic!("the fast path accepted what serde-saphyr refuses ({e}):\n{yaml}"),
    };
    assert_eq!(
        serde_json::to_string(&fv).unwrap(),
        serde_json::to_string(&sv).unwrap(),
        "different values for:\n{yaml}"
    );
    assert_eq!(funknown, sunknown, "different unknown keys for:\n{yaml}");
    true
}

/// A realistic file: it must take the fast path, with serde-saphyr's result.
fn must_take_fast_path(name: &str, text: &str) {
    let accepted = if name.ends_with(".md") {
        let split =
            gongshi::source::split_front_matter(text).unwrap_or_else(|e| panic!("{name}: {}", e.1));
        compare::<FrontMatter>(split.yaml)
    } else if name.ends_with("village.yaml") {
        compare::<VillageConfig>(text)
    } else if name.ends_with("area.yaml") {
        compare::<AreaConfig>(text)
    } else if name.ends_with("site.yaml") {
        compare::<SiteConfig>(text)
    } else {
        panic!("{name}: what type is this?")
    };
    assert!(accepted, "{name} did not take the fast path:\n{text}");
}

/// Every `.md` and `.yaml` under `root`; returns how many.
fn check_tree(root: &Path) -> usize {
    let mut n = 0;
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        let name = e.path().to_string_lossy().to_string();
        if !e.file_type().is_file() || !(name.ends_with(".md") || name.ends_with(".yaml")) {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        must_take_fast_path(&name, &text);
        n += 1;
    }
    n
}

#[test]
fn bundled_county_takes_the_fast_path_with_identical_results() {
    let n = check_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"));
    assert!(n >= 80, "only {n} files");
}

#[test]
fn test_fixtures_take_the_fast_path_with_identical_results() {
    for (name, text) in [
        ("site.yaml", common::SITE),
        ("rules.md", common::RULES),
        ("area.yaml", common::AREA),
        ("village.yaml", common::VILLAGE),
        ("voters.md", common::VOTERS),
        ("candidates.md", common::CANDIDATES),
        ("audit.md", common::AUDIT),
    ] {
        must_take_fast_path(name, text);
    }
}

#[test]
fn scaffolds_take_the_fast_path_with_identical_results() {
    let dir = tempfile::TempDir::new().unwrap();
    let today = gongshi::pipeline::today();
    gongshi::scaffold::init(dir.path(), today).unwrap();
    gongshi::scaffold::new_village(dir.path(), "chengguan/lijia", today).unwrap();
    for kind in [
        "candidates",
        "voters",
        "audit",
        "election",
        "results",
        "notice",
    ] {
        // Kinds this version does not scaffold are simply skipped.
        let _ = gongshi::scaffold::new_notice(
            dir.path(),
            &format!("chengguan/lijia/{kind}"),
            kind,
            today,
        );
    }
    let n = check_tree(&dir.path().join("content"));
    assert!(n >= 6, "only {n} files");
}

#[test]
fn generated_province_takes_the_fast_path_with_identical_results() {
    if let Ok(dir) = std::env::var("GONGSHI_FAST_YAML_DIR") {
        let n = check_tree(&Path::new(&dir).join("content"));
        eprintln!("checked {n} files under {dir}");
    }
    // The same shapes as `examples/gen_province.rs` writes, for a handful of villages.
    let surnames = ["王", "李", "张", "刘", "陈", "欧阳"];
    let given = ["建国", "秀英", "志强", "丽", "堃", "䶮"];
    for v in 0..12u64 {
        let vname = format!("示例{}村", v + 1);
        must_take_fast_path(
            "village.yaml",
            &format!(
                "name: {vname}\nkind: village\npopulation: {}\nhouseholds: {}\npolling_day: 2026-12-{:02}\nseats: {{主任: 1, 副主任: 1, 委员: 3}}\ncontacts:\n  - {{label: {vname}村民选举委员会, phone: \"0914-{:07}\"}}\n",
                800 + v * 97,
                200 + v * 31,
                10 + v % 10,
                7200000 + v
            ),
        );
        must_take_fast_path(
            "area.yaml",
            &format!(
                "name: 第{v}镇\nlevel: 镇\ncontacts:\n  - {{label: 镇换届选举工作指导组, phone: \"0914-{:07}\"}}\n",
                7100000 + v
            ),
        );
        let mut cands = String::new();
        for (k, post) in ["主任", "主任", "副主任", "副主任", "委员", "委员", "委员"]
            .iter()
            .enumerate()
        {
            let _ = writeln!(
                cands,
                "  - {{name: {}{}, gender: {}, ethnicity: 汉族, birth: \"{}-{:02}\", education: 大专, political_status: 中共党员, current_role: 村民, post: {post}}}",
                surnames[(k + v as usize) % surnames.len()],
                given[k % given.len()],
                if k % 3 == 0 { "女" } else { "男" },
                1965 + k as u64 + v,
                1 + (k as u64 + v) % 12
            );
        }
        must_take_fast_path(
            "houxuanren.md",
            &format!(
                "---\nkind: candidates\ntitle: {vname}第十二届村民委员会成员正式候选人公示\nnumber: {vname}选字〔2026〕3号\nissued_by: {vname}村民选举委员会\nissued_on: 2026-11-22\nposted: {{from: 2026-11-22, to: 2026-12-06}}\nbody: villagers_committee\ncandidates:\n{cands}---\n正文\n"
            ),
        );
        must_take_fast_path(
            "shenji.md",
            &format!(
                "---\nkind: audit\ntitle: {vname}离任经济责任审计结果公开\nnumber: 审字〔2026〕{v}号\nissued_by: 第{v}镇人民政府\nissued_on: 2026-11-10\nposted: {{from: 2026-11-10, to: 2026-11-24}}\naudit_type: 离任\nsubjects: [{{name: 王建国, post: 村委会主任, from: 2021-12-01, to: 2026-11-30}}]\nauditor: 县农村集体经济审计站\nfigures_yuan: {{income: {}.50, expenditure: {}.00, assets: {}, liabilities: {}}}\nfindings:\n  - {{id: 1, text: 部分支出凭证不全。, amount_yuan: {}}}\nrectification:\n  - {{finding: 1, status: 已整改}}\n---\n",
                500_000 + v * 7919,
                400_000 + v * 7907,
                1_000_000 + v * 104_729,
                v * 1299,
                1000 + v * 13
            ),
        );
        must_take_fast_path(
            "xuanmin.md",
            &format!(
                "---\nkind: voters\ntitle: {vname}选民登记公告\nnumber: {vname}选字〔2026〕1号\nissued_by: {vname}村民选举委员会\nissued_on: 2026-11-15\nposted: {{from: 2026-11-15, to: 2026-11-29}}\nobjection: {{until: 2026-11-20}}\nregistration: {{total: {}, added: {}, removed: {}, list_location: 村委会公示栏}}\n---\n",
                600 + v * 211,
                10 + v,
                5 + v
            ),
        );
    }
}

/// Unknown keys are reported with the same paths, inside sequences and optional maps too.
#[test]
fn unknown_keys_are_the_same_as_serde_saphyrs() {
    let y = "kind: candidates\ntitel: x\nposted: {from: 2026-11-22, unti: 2026-12-01}\ncandidates:\n  - name: 王五\n    gendr: 男\n  - {名字: 李四}\nprivate: {anything: [1, 2, {deep: true}]}\n";
    assert!(compare::<FrontMatter>(y));
    let (_, unknown) = fast::parse::<FrontMatter>(y).unwrap();
    assert_eq!(unknown.len(), 5, "{unknown:?}");
}

// ---------------------------------------------------------------------------------------
// Generated documents
// ---------------------------------------------------------------------------------------

/// Scalars as written, chosen to hit every corner of YAML's scalar resolution.
const TRICKY: &[&str] = &[
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "NO",
    "true",
    "True",
    "TRUE",
    "false",
    "tRUE",
    "null",
    "Null",
    "NULL",
    "nULL",
    "~",
    "",
    "0",
    "00",
    "01",
    "007",
    "-0",
    "-01",
    "-3",
    "+3",
    "+0",
    "1_000",
    "1__0",
    "_1",
    "1_",
    "0x1F",
    "0X1f",
    "0x",
    "0o17",
    "0o8",
    "0b101",
    "-0x10",
    "+0x10",
    "1e3",
    "1E3",
    "-1e3",
    "1.5",
    "-1.5",
    "+1.5",
    ".5",
    "1.",
    "1.e5",
    ".inf",
    "-.inf",
    "+.inf",
    ".Inf",
    ".INF",
    ".nan",
    ".NaN",
    "inf",
    "nan",
    "infinity",
    "1e999",
    "-1e999",
    "0.0",
    "-0.0",
    "2026-11-22",
    "2026-02-30",
    "2026-2-3",
    "1980-05",
    "1975-13",
    "1975",
    "08:30",
    "12:30:45",
    "1:20",
    "https://a.example.cn/x?y=1&z=2",
    "a #b",
    "a#b",
    "a # b",
    "中文：冒号",
    "张庄村",
    "王 建国",
    "a,b",
    "a[1]",
    "a]b",
    "x{y}",
    "{x}",
    "[x]",
    "a:b",
    "a :b",
    "a: b",
    "a:",
    "x   ",
    "-x",
    "- x",
    "-",
    "?x",
    ":x",
    "&a x",
    "*a",
    "!t x",
    "|",
    ">",
    "%x",
    "@x",
    "`x`",
    "'it''s'",
    "'a'",
    "''",
    "' x '",
    "'a: b'",
    "'#'",
    "\"\"",
    "\"a\\\"b\"",
    "\"\\u4e2d\\u6587\"",
    "\"\\x41\"",
    "\"\\ud800\"",
    "\"\\N\\_\"",
    "\"a\\\\b\"",
    "\"tab\\there\"",
    "\"true\"",
    "\"1\"",
    "\"~\"",
    "\"null\"",
    "\"\"",
    "\"2026-11-22\"",
    "\"1980-05\"",
    "\"a: b\"",
    "\"a\" # c",
    "x # c",
    "\"unclosed",
    "'unclosed",
    "12380",
    "\"0914-7723301\"",
    "0914-7723301",
    "9999999999999999999999",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "4294967295",
    "4294967296",
    "村民选举委员会",
    "候选人公示",
    "候选人",
    "candidates",
    "notice",
    "villagers_committee",
    "村民委员会",
    "党支部",
    "village",
    "community",
    "社区",
    "村",
    "A4",
    "A3",
    "a4",
    "landscape",
    "横向",
    "portrait",
    "<<",
    "一",
    "A-1",
    "已整改",
    "\u{3000}全角空格",
    "全角\u{3000}",
    "é",
    "🎉",
];

/// Scalars that are valid for a typed field more often than the tricky pool.
fn typed_pool(ty: Ty) -> &'static [&'static str] {
    match ty {
        Ty::Str | Ty::Any => &["张庄村", "王建国", "村委会主任", "\"0914-7723301\"", "x"],
        Ty::Date => &["2026-11-22", "2026-12-06", "\"2026-11-22\"", "2026-02-30"],
        Ty::Month => &["\"1980-05\"", "1980-05", "'1975-03'", "1975"],
        Ty::Bool => &["true", "false", "yes", "no", "True", "on"],
        Ty::Int => &["1", "2360", "612", "0", "+7", "1_000", "0x10"],
        Ty::Float => &["3856420.5", "7500", "0", "1e3", "-2.5", ".5"],
        Ty::Id => &["1", "2", "一", "A-1", "\"3\""],
        Ty::Kind => &["candidates", "audit", "候选人公示", "notice", "选举公告"],
        Ty::Body => &[
            "villagers_committee",
            "村民委员会",
            "党支部",
            "party_branch",
        ],
        Ty::Paper => &["A4", "A3"],
        Ty::Orient => &["portrait", "landscape", "横向", "纵向"],
        Ty::VKind => &["village", "community", "村", "社区"],
        Ty::Map(_) | Ty::Seq(_) | Ty::StrMap(_) => &["~", ""],
    }
}

#[derive(Clone, Copy, Debug)]
enum Ty {
    Str,
    Date,
    Month,
    Bool,
    Int,
    Float,
    Id,
    Kind,
    Body,
    Paper,
    Orient,
    VKind,
    Any,
    Map(&'static [F]),
    /// A map with free keys (`seats`, `posters`).
    StrMap(&'static Ty),
    Seq(&'static Ty),
}

type F = (&'static str, &'static [&'static str], Ty);

const POSTED: &[F] = &[("from", &["起"], Ty::Date), ("to", &["止"], Ty::Date)];
const CONTACT: &[F] = &[
    ("label", &["名目"], Ty::Str),
    ("phone", &["电话"], Ty::Str),
    ("address", &["地址"], Ty::Str),
    ("url", &["链接"], Ty::Str),
];
const OBJECTION: &[F] = &[
    ("until", &["截止"], Ty::Date),
    ("channels", &["渠道"], Ty::Seq(&Ty::Map(CONTACT))),
];
const REVISION: &[F] = &[("on", &["日期"], Ty::Date), ("note", &["说明"], Ty::Str)];
const POSTER: &[F] = &[
    ("paper", &["纸张"], Ty::Paper),
    ("orientation", &["方向"], Ty::Orient),
];
const CANDIDATE: &[F] = &[
    ("name", &["姓名"], Ty::Str),
    ("gender", &["性别"], Ty::Str),
    ("ethnicity", &["民族"], Ty::Str),
    ("birth", &["出生年月"], Ty::Month),
    ("education", &["文化程度"], Ty::Str),
    ("political_status", &["政治面貌"], Ty::Str),
    ("party_joined", &["入党时间"], Ty::Month),
    ("current_role", &["现任职务"], Ty::Str),
    ("post", &["拟任职务", "职务"], Ty::Str),
    ("incumbent", &["是否现任"], Ty::Bool),
];
const FIGURES: &[F] = &[
    ("income", &["收入"], Ty::Float),
    ("expenditure", &["支出"], Ty::Float),
    ("assets", &["资产"], Ty::Float),
];
const FINDING: &[F] = &[
    ("id", &["编号"], Ty::Id),
    ("text", &["内容"], Ty::Str),
    ("amount_yuan", &["金额"], Ty::Float),
];
const RECTIFICATION: &[F] = &[
    ("finding", &["问题编号"], Ty::Id),
    ("status", &["状态"], Ty::Str),
    ("due", &["期限"], Ty::Date),
];
const REGISTRATION: &[F] = &[
    ("total", &["选民总数"], Ty::Int),
    ("added", &["新增"], Ty::Int),
    ("list_location", &["张贴地点"], Ty::Str),
];
const ELECTION: &[F] = &[
    ("date", &["选举日期"], Ty::Date),
    ("time", &["时间"], Ty::Str),
    ("posts", &["职位"], Ty::Seq(&Ty::Str)),
];
const FRONT_MATTER: &[F] = &[
    ("kind", &["类型"], Ty::Kind),
    ("title", &["标题"], Ty::Str),
    ("number", &["文号"], Ty::Str),
    ("issued_on", &["发布日期"], Ty::Date),
    ("posted", &["公示期"], Ty::Map(POSTED)),
    ("objection", &["异议"], Ty::Map(OBJECTION)),
    ("seal", &["盖章"], Ty::Bool),
    ("revisions", &["更正"], Ty::Seq(&Ty::Map(REVISION))),
    ("private", &["内部"], Ty::Any),
    ("poster", &["海报"], Ty::Map(POSTER)),
    ("body", &["机构"], Ty::Body),
    ("candidates", &["候选人"], Ty::Seq(&Ty::Map(CANDIDATE))),
    ("figures_yuan", &["财务数据"], Ty::Map(FIGURES)),
    ("findings", &["问题"], Ty::Seq(&Ty::Map(FINDING))),
    ("rectification", &["整改"], Ty::Seq(&Ty::Map(RECTIFICATION))),
    ("registration", &["登记"], Ty::Map(REGISTRATION)),
    ("election", &["选举"], Ty::Map(ELECTION)),
];
const VILLAGE: &[F] = &[
    ("name", &["名称"], Ty::Str),
    ("kind", &["类型"], Ty::VKind),
    ("population", &["人口"], Ty::Int),
    ("polling_day", &["选举日"], Ty::Date),
    ("seats", &["职数"], Ty::StrMap(&Ty::Int)),
    ("contacts", &["联系方式"], Ty::Seq(&Ty::Map(CONTACT))),
    ("rules", &["纪律"], Ty::Seq(&Ty::Str)),
];
const SITE: &[F] = &[
    ("title", &["标题"], Ty::Str),
    (
        "election",
        &["换届"],
        Ty::Map(&[("year", &["年份"], Ty::Int)]),
    ),
    ("contacts", &["联系方式"], Ty::Seq(&Ty::Map(CONTACT))),
    ("languages", &["语言"], Ty::Seq(&Ty::Str)),
    ("posters", &["海报设置"], Ty::StrMap(&Ty::Map(POSTER))),
];

const UNKNOWN_KEYS: &[&str] = &[
    "foo",
    "polling_dya",
    "备注",
    "1",
    "01",
    "0x1",
    "yes",
    "on",
    "true",
    "null",
    "~",
    "a b",
    "-x",
    "\"quoted\"",
    "'single'",
    "\"\"",
    "a#b",
    "中文：冒号",
];
const FREE_KEYS: &[&str] = &[
    "主任",
    "副主任",
    "委员",
    "candidates",
    "候选人",
    "\"书记\"",
    "1",
];

/// A generated YAML node, with how to write it.
#[derive(Clone, Debug)]
enum G {
    Scalar(String),
    Map(Vec<(String, G)>, Look),
    Seq(Vec<G>, Look),
}

#[derive(Clone, Copy, Debug)]
struct Look {
    flow: bool,
    /// Extra indentation of block children (1..=4).
    indent: usize,
    /// A block sequence at its key's indentation.
    indentless: bool,
    /// Spaces after `-` (1..=3).
    dash: usize,
    /// Comments and blank lines between entries, trailing comments after scalars.
    noise: u8,
}

fn look() -> impl Strategy<Value = Look> {
    (
        prop::bool::weighted(0.3),
        1usize..=4,
        prop::bool::weighted(0.3),
        1usize..=3,
        0u8..8,
    )
        .prop_map(|(flow, indent, indentless, dash, noise)| Look {
            flow,
            indent,
            indentless,
            dash,
            noise,
        })
}

fn scalar(ty: Ty) -> BoxedStrategy<G> {
    prop_oneof![
        4 => prop::sample::select(typed_pool(ty)),
        1 => prop::sample::select(TRICKY),
    ]
    .prop_map(|s| G::Scalar(s.to_string()))
    .boxed()
}

fn key(canon: &'static str, aliases: &'static [&'static str]) -> BoxedStrategy<String> {
    let mut spellings = vec![canon.to_string(), format!("\"{canon}\"")];
    spellings.extend(aliases.iter().map(|a| a.to_string()));
    prop_oneof![
        12 => prop::sample::select(spellings),
        1 => Just(format!("{canon} ")),
        1 => Just(format!("'{canon}'")),
    ]
    .boxed()
}

fn any_value(depth: u32) -> BoxedStrategy<G> {
    let leaf = prop::sample::select(TRICKY).prop_map(|s| G::Scalar(s.to_string()));
    leaf.prop_recursive(depth, 12, 4, |inner| {
        prop_oneof![
            (
                prop::collection::vec((prop::sample::select(UNKNOWN_KEYS), inner.clone()), 0..4),
                look()
            )
                .prop_map(|(es, l)| G::Map(
                    es.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                    l
                )),
            (prop::collection::vec(inner, 0..4), look()).prop_map(|(xs, l)| G::Seq(xs, l)),
        ]
    })
    .boxed()
}

fn value(ty: Ty, depth: u32) -> BoxedStrategy<G> {
    if depth == 0 {
        return scalar(ty);
    }
    match ty {
        Ty::Map(fields) => prop_oneof![
            12 => map(fields, depth),
            1 => scalar(ty),
            1 => any_value(2),
        ]
        .boxed(),
        Ty::StrMap(v) => prop_oneof![
            8 => (
                prop::collection::vec(
                    (prop::sample::select(FREE_KEYS), value(*v, depth - 1)),
                    0..4
                ),
                look()
            )
                .prop_map(|(es, l)| G::Map(
                    es.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                    l
                )),
            1 => scalar(ty),
        ]
        .boxed(),
        Ty::Seq(item) => prop_oneof![
            8 => (prop::collection::vec(value(*item, depth - 1), 0..4), look())
                .prop_map(|(xs, l)| G::Seq(xs, l)),
            1 => scalar(ty),
        ]
        .boxed(),
        Ty::Any => prop_oneof![2 => scalar(ty), 1 => any_value(2)].boxed(),
        _ => prop_oneof![12 => scalar(ty), 1 => any_value(1)].boxed(),
    }
}

fn map(fields: &'static [F], depth: u32) -> BoxedStrategy<G> {
    map_sized(fields, depth, 0..6)
}

fn map_sized(fields: &'static [F], depth: u32, size: std::ops::Range<usize>) -> BoxedStrategy<G> {
    let mut entry: Vec<(u32, BoxedStrategy<(String, G)>)> = fields
        .iter()
        .map(|&(canon, aliases, ty)| (4, (key(canon, aliases), value(ty, depth - 1)).boxed()))
        .collect();
    entry.push((
        1,
        (
            prop::sample::select(UNKNOWN_KEYS).prop_map(str::to_string),
            any_value(2),
        )
            .boxed(),
    ));
    let entry = proptest::strategy::Union::new_weighted(entry);
    (prop::collection::vec(entry, size), look())
        .prop_map(|(es, l)| G::Map(es, l))
        .boxed()
}

/// A top-level document: a block mapping.
fn document(fields: &'static [F]) -> BoxedStrategy<String> {
    map_sized(fields, 4, 1..9)
        .prop_map(|g| match g {
            G::Map(es, l) => {
                let mut out = String::new();
                block_map(&es, 0, Look { flow: false, ..l }, &mut out);
                out
            }
            _ => unreachable!(),
        })
        .boxed()
}

fn flow(g: &G, out: &mut String) {
    match g {
        G::Scalar(s) => out.push_str(s),
        G::Map(es, _) => {
            out.push('{');
            for (i, (k, v)) in es.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                flow(v, out);
            }
            out.push('}');
        }
        G::Seq(xs, _) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(x, out);
            }
            out.push(']');
        }
    }
}

fn noise(l: Look, i: usize, col: usize, out: &mut String) {
    match (l.noise as usize + i) % 8 {
        0 => out.push('\n'),
        1 => {
            let _ = writeln!(out, "{}# 注释 {i}", " ".repeat(col));
        }
        2 => out.push_str("# 顶格注释\n"),
        3 => out.push_str("   \n"),
        _ => {}
    }
}

/// Whether a node is written in block form (non-empty block collection).
fn is_block(g: &G) -> bool {
    match g {
        G::Scalar(_) => false,
        G::Map(es, l) => !l.flow && !es.is_empty(),
        G::Seq(xs, l) => !l.flow && !xs.is_empty(),
    }
}

fn block_map(es: &[(String, G)], col: usize, l: Look, out: &mut String) {
    for (i, (k, v)) in es.iter().enumerate() {
        if l.noise > 4 {
            noise(l, i, col, out);
        }
        let _ = write!(out, "{}{k}:", " ".repeat(col));
        block_value(v, col, l, i, out);
    }
}

/// The value after `key:` (or `-`) at `col`, ending with a newline.
fn block_value(v: &G, col: usize, parent: Look, i: usize, out: &mut String) {
    match v {
        G::Map(es, l) if is_block(v) => {
            out.push('\n');
            block_map(es, col + l.indent, *l, out);
        }
        G::Seq(xs, l) if is_block(v) => {
            out.push('\n');
            let at = if l.indentless { col } else { col + l.indent };
            block_seq(xs, at, *l, out);
        }
        _ => {
            let mut s = String::new();
            flow(v, &mut s);
            if !s.is_empty() {
                out.push(' ');
                out.push_str(&s);
            }
            if (parent.noise as usize + i).is_multiple_of(5) {
                out.push_str("  # 行尾注释");
            } else if (parent.noise as usize + i) % 7 == 1 {
                out.push_str("  ");
            }
            out.push('\n');
        }
    }
}

fn block_seq(xs: &[G], col: usize, l: Look, out: &mut String) {
    for (i, x) in xs.iter().enumerate() {
        if l.noise > 5 {
            noise(l, i, col, out);
        }
        let inner = col + 1 + l.dash;
        match x {
            G::Map(es, ml) if is_block(x) => {
                // `- key: value` with the rest of the mapping at the key's column.
                let mut s = String::new();
                block_map(es, inner, *ml, &mut s);
                let s = s.trim_start_matches(['\n', ' ']);
                let _ = write!(out, "{}-{}{s}", " ".repeat(col), " ".repeat(l.dash));
            }
            G::Seq(ys, sl) if is_block(x) => {
                let mut s = String::new();
                block_seq(ys, inner, *sl, &mut s);
                let s = s.trim_start_matches(['\n', ' ']);
                let _ = write!(out, "{}-{}{s}", " ".repeat(col), " ".repeat(l.dash));
            }
            _ => {
                let _ = write!(out, "{}-", " ".repeat(col));
                block_value(x, col, l, i, out);
            }
        }
    }
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

fn run_generated<T: DeserializeOwned + Serialize>(fields: &'static [F], n: u32) {
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let accepted = Cell::new(0u32);
    let total = Cell::new(0u32);
    runner
        .run(&document(fields), |yaml| {
            total.set(total.get() + 1);
            if compare::<T>(&yaml) {
                accepted.set(accepted.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    // The property is only interesting if the fast path accepts a good share.
    let (a, t) = (accepted.get(), total.get());
    eprintln!("fast path accepted {a} of {t} generated documents");
    assert!(a * 20 >= t, "the fast path accepted only {a} of {t}");
}

#[test]
fn generated_notices_agree_with_serde_saphyr() {
    run_generated::<FrontMatter>(FRONT_MATTER, cases(1000));
}

#[test]
fn generated_village_files_agree_with_serde_saphyr() {
    run_generated::<VillageConfig>(VILLAGE, cases(500));
}

#[test]
fn generated_site_files_agree_with_serde_saphyr() {
    run_generated::<SiteConfig>(SITE, cases(500));
}

/// Corners of the subset, each checked against serde-saphyr; these must take the fast path.
const EDGES_FAST: &[&str] = &[
    "title: a\n  # c\nnumber: b\n",
    "title: a  \n  # c\nnumber: b\n",
    "title: a #c\n  # d\nnumber: b\n",
    "candidates:\n- name: x\n  post: y\n- name: z\nseal: true\n",
    "candidates:\n  -   name: x\n      post: y\n",
    "candidates:\n  -\n    name: x\n",
    "candidates:\n  - name: x\n\n    post: y\n",
    "candidates:\n  - name: x\n # c\n    post: y\n",
    "candidates: [{name: a}, {name: b}]\n",
    "candidates:\n- {name: a}\n-   {name: b}\n",
    "revisions:\n  - on: 2026-11-01\n    note: x\n",
    "title : x\n",
    "title: 'a''b'\n",
    "title: \"\\U0001F389\\x41\"\n",
    "title: a\u{3000}#b\n",
    "title: -x\n",
    "title: a]b\n",
    "title: x|\n",
    "title: \"a\" \n",
    "title: 中文#号\n",
    "title: x # y: z\n",
    "posted: {from: 2026-11-22,to: 2026-12-01}\n",
    "posted: { from : 2026-11-22 , to: 2026-12-01 , }\n",
    "election: {posts: [a,b , c], time: 08:30}\n",
    "election: {posts: [a b]}\n",
    "election: {posts: [\"a\" , 'b']}\n",
    "objection: {channels: [{label: x, url: https://a.cn:8080/x}]}\n",
    "seal: Yes\n",
    "seal: \"yes\"\n",
    "seal: 'off'\n",
    "figures_yuan: {income: \" 5 \"}\n",
    "registration: {total: \"0x10\", added: \"+5\"}\n",
    "private: {a: -01, b: 1_0, c: .5, d: 1., e: -0}\n",
    "private: {-9223372036854775809: 1}\n",
    "kind: ~\n",
    "kind:\n",
    "title:\nnumber: x\n",
    "x: 1\nX: 2\n",
    "\"title\": a\n",
    "'title': a\n",
    "a\"b: c\n",
    "-x: 1\n",
    "--: 1\n",
    "\n\ntitle: x\n\n\n",
    "# c\ntitle: x\n",
];

/// Corners the fast path may leave to serde-saphyr (most of which refuses them).
const EDGES_ANY: &[&str] = &[
    "title: x\t\n",
    "title: \"\\ud83c\\udf89\"\n",
    "title: [a]\n",
    "title: x\n...\n",
    "title: x\n---\n",
    "...: 1\n",
    "title: |x\n",
    "kind: \"\"\n",
    "figures_yuan: {income: \"1_0\"}\n",
    "findings: [{id: \"1\"}, {id: -1}, {id: 0x10}, {id: '1'}, {id: 01}]\n",
    "findings: [{id: -01}]\n",
    "findings: [{id: 9223372036854775808}]\n",
    "title: a\ntitle : b\n",
    "title: a\n标题: b\n",
    "seats: {1: 2}\n",
];

#[test]
fn edge_cases_agree_with_serde_saphyr() {
    for y in EDGES_FAST {
        assert!(
            compare::<FrontMatter>(y),
            "did not take the fast path: {y:?}"
        );
    }
    for y in EDGES_ANY {
        compare::<FrontMatter>(y);
        compare::<VillageConfig>(y);
    }
}

/// Edits that break a document in the ways people do: indentation, stray indicators,
/// unclosed quotes and brackets, lines joined or split.
const EDITS: &[&str] = &[
    "", " ", "  ", "\n", "\n ", "\n  ", "\n- ", "- ", "-", ": ", ":", "#", " #", "'", "\"", "[",
    "]", "{", "}", ",", "\\", "\t", "?", "? ", "&a ", "*a", "!", "|", ">", "~", "---", "...", "%",
    "@", "\r", "\u{feff}", "\u{85}", "a: b", "{a: b}", "[a]",
];

#[test]
fn mutated_documents_agree_with_serde_saphyr() {
    let mut runner = TestRunner::new(Config {
        cases: cases(1000),
        failure_persistence: None,
        ..Config::default()
    });
    let edits = prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            prop::sample::select(EDITS),
            0usize..3,
        ),
        1..4,
    );
    // Generated documents, and the bundled county's real front matter.
    let mut real: Vec<String> = Vec::new();
    for e in walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("content")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            real.push(
                gongshi::source::split_front_matter(&text)
                    .unwrap()
                    .yaml
                    .to_string(),
            );
        }
    }
    let docs = prop_oneof![document(FRONT_MATTER), prop::sample::select(real)];
    let accepted = Cell::new(0u32);
    runner
        .run(&(docs, edits), |(yaml, edits)| {
            let mut y = yaml;
            for (at, insert, delete) in edits {
                let mut i = at.index(y.len() + 1);
                while !y.is_char_boundary(i) {
                    i -= 1;
                }
                let mut j = i;
                for _ in 0..delete {
                    if let Some(c) = y[j..].chars().next() {
                        j += c.len_utf8();
                    }
                }
                y.replace_range(i..j, insert);
            }
            if compare::<FrontMatter>(&y) {
                accepted.set(accepted.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    eprintln!("fast path accepted {} mutated documents", accepted.get());
}
