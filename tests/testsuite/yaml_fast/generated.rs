//! Generated documents: YAML full of tricky scalars, in block and flow form, and documents
//! broken the ways people break them; whenever the fast path accepts, serde-saphyr must
//! agree (see [`super::compare`]).

use super::*;

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

fn run_generated<T: DeserializeOwned + Serialize + Default + Masked>(fields: &'static [F], n: u32) {
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
