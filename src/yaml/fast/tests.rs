use super::*;
use crate::model::{FrontMatter, NoticeKind, VillageConfig, VillageKind};

fn s(t: &str) -> Node<'_> {
    Node::Scalar(Cow::Borrowed(t), true)
}
fn q(t: &str) -> Node<'_> {
    Node::Scalar(Cow::Borrowed(t), false)
}
fn map<'a>(es: Vec<(&'a str, Node<'a>)>) -> Node<'a> {
    Node::Map(es.into_iter().map(|(k, v)| (s(k), v)).collect())
}

#[test]
fn block_mappings_sequences_and_compact_items() {
    let y = "\
# a comment line
a: 1
b:
  c: x y   # trailing comment
  d: 'it''s'

e:
  - p
  -   f: \"q\\\"r\"
      g: ~
  -
    h: 2
  - - n1
    - n2
i:
- j
-
k:
";
    let t = parse_tree(y).unwrap();
    let expected = map(vec![
        ("a", s("1")),
        (
            "b",
            map(vec![
                ("c", s("x y")),
                ("d", Node::Scalar(Cow::Owned("it's".into()), false)),
            ]),
        ),
        (
            "e",
            Node::Seq(vec![
                s("p"),
                map(vec![
                    ("f", Node::Scalar(Cow::Owned("q\"r".into()), false)),
                    ("g", s("~")),
                ]),
                map(vec![("h", s("2"))]),
                Node::Seq(vec![s("n1"), s("n2")]),
            ]),
        ),
        ("i", Node::Seq(vec![s("j"), s("~")])),
        ("k", s("~")),
    ]);
    assert_eq!(t, expected);
}

#[test]
fn one_line_flow_collections() {
    let y =
        "a: {b: c, 'd': \"e\", f: [1, [2, 3], {g: h}], i: , j: https://x.cn/a?b=c}\nk: []\nl: {}\n";
    let t = parse_tree(y).unwrap();
    let expected = map(vec![
        (
            "a",
            Node::Map(vec![
                (s("b"), s("c")),
                (q("d"), q("e")),
                (
                    s("f"),
                    Node::Seq(vec![
                        s("1"),
                        Node::Seq(vec![s("2"), s("3")]),
                        map(vec![("g", s("h"))]),
                    ]),
                ),
                (s("i"), s("~")),
                (s("j"), s("https://x.cn/a?b=c")),
            ]),
        ),
        ("k", Node::Seq(vec![])),
        ("l", Node::Map(vec![])),
    ]);
    assert_eq!(t, expected);
}

#[test]
fn plain_scalars_keep_what_yaml_keeps() {
    let t = parse_tree("a: x#y\nb: 中文：冒号\nc: a,b [c] {d}\nd: 08:30\ne: x :y\n").unwrap();
    assert_eq!(
        t,
        map(vec![
            ("a", s("x#y")),
            ("b", s("中文：冒号")),
            ("c", s("a,b [c] {d}")),
            ("d", s("08:30")),
            ("e", s("x :y")),
        ])
    );
}

#[test]
fn double_quoted_escapes() {
    let t = parse_tree(r#"a: "\u4e2d\x41\t\\\/\"\N\_ ""#).unwrap();
    assert_eq!(
        t,
        map(vec![(
            "a",
            Node::Scalar(Cow::Owned("中A\t\\/\"\u{85}\u{a0} ".into()), false)
        )])
    );
}

#[test]
fn everything_else_bails() {
    for y in [
        // anchors, aliases, tags, merge keys
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: !tag x\n",
        "<<: {a: 1}\n",
        // block scalars
        "a: |\n  x\n",
        "a: >-\n  x\n",
        // multi-line scalars and flows
        "a: x\n  y\n",
        "a: \"x\n  y\"\n",
        "a: 'x\n  y'\n",
        "a: [x,\n  y]\n",
        "a: {x: 1,\n  y: 2}\n",
        "- a\n  b\n",
        "a:\n  just text\n",
        // complex keys, flow keys, directives, document markers
        "? a\n: b\n",
        "[a]: b\n",
        "{a: 1}: b\n",
        "%YAML 1.2\n---\na: 1\n",
        "---\na: 1\n",
        "a: 1\n...\n",
        "a: 1\n---\nb: 2\n",
        // tabs, CR, BOM, control characters
        "a:\t1\n",
        "a:\n\tb: 1\n",
        "a: 1\r\n",
        "\u{feff}a: 1\n",
        "a: x\u{7}\n",
        "a: x\u{85}y\n",
        // duplicate keys (also through quoting and integer spelling)
        "a: 1\na: 2\n",
        "a: 1\n\"a\": 2\n",
        "m: {1: x, 0x1: y}\n",
        "m: {a: x, 'a': y}\n",
        // odd indentation
        "a:\n    b: 1\n  c: 2\n",
        " a: 1\n",
        "a: 1\n b: 2\n",
        "- a: 1\n b: 2\n",
        "a:\n  - x\n - y\n",
        // syntax errors and things that mean something else
        "a: b: c\n",
        "a: b:\n",
        "a: - x\n",
        "a: -\n",
        "a: \"x\" y\n",
        "a: \"x\"#c\n",
        "a: [x] y\n",
        "a: [x: y]\n",
        "a: {x}\n",
        "a: {x:y}\n",
        "a: {\"x\":y}\n",
        "a: [x, , y]\n",
        "a: [x # c]\n",
        "a: ,x\n",
        "a: ]\n",
        "a: @x\n",
        "a: `x`\n",
        "a: %x\n",
        "a: ?x\n",
        "a: :x\n",
        "a: \"\\q\"\n",
        "a: \"\\ud800\"\n",
        "a #c: 1\n",
        "just a scalar\n",
        "- a\n- b\nc: 1\n",
        "# only a comment\n",
    ] {
        assert!(parse_tree(y).is_none(), "should bail: {y:?}");
    }
}

/// [`plain_lines`] as it was first written: a byte at a time, then `split('\n')`.
fn plain_lines_reference(yaml: &str) -> Option<Vec<(usize, &str)>> {
    let b = yaml.as_bytes();
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| SUSPECT[usize::from(c)]) {
        let j = i + off;
        if suspect_is_bad(b, j) {
            return None;
        }
        i = j + 1;
    }
    let mut lines = Vec::new();
    for raw in yaml.split('\n') {
        let text = raw.trim_start_matches(' ');
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let indent = raw.len() - text.len();
        if indent == 0 && (text.starts_with("---") || text.starts_with("...")) {
            return None;
        }
        lines.push((indent, text.trim_end_matches(' ')));
    }
    Some(lines)
}

proptest::proptest! {
    /// The word-at-a-time line split refuses and splits exactly what the byte-at-a-time
    /// one does, at every alignment.
    #[test]
    fn plain_lines_match_the_reference(
        y in "([a-z:#\\- .]{1,12}|\n|  |\t|\r|\u{1}|\u{7f}|\u{85}|\u{a0}|\u{2028}|\u{2029}|“|，|：|\u{feff}|\u{fffe}|\u{ffff}|\u{fffd}|村民委员会|---|\\.\\.\\.){0,40}"
    ) {
        let ours = plain_lines(&y).map(|ls| ls.iter().map(|l| (l.indent, l.text)).collect::<Vec<_>>());
        proptest::prop_assert_eq!(ours, plain_lines_reference(&y), "{:?}", y);
    }
}

proptest::proptest! {
    /// The word-at-a-time scan stops where the byte-class table says, for every class.
    #[test]
    fn skip_to_matches_the_table(
        t in "([a-z_ ]{1,9}|[,:#\\[\\]{}]|\\{|\\}|;|\\x5b|\\x7b|\\x7f|村民委员会|“|：|，|\u{ff5b}|\u{ff5d}){0,24}",
        from in 0usize..40,
    ) {
        let b = t.as_bytes();
        let from = from.min(b.len());
        for class in [FLOW_STOP, BLOCK_STOP, KEY_STOP] {
            let mut want = from;
            while want < b.len() && STOPS[usize::from(b[want])] & class == 0 {
                want += 1;
            }
            proptest::prop_assert_eq!(skip_to(b, from, class), want, "{:?} {}", t, class);
        }
    }
}

#[test]
fn deep_nesting_bails() {
    let mut y = String::new();
    for i in 0..40 {
        y.push_str(&" ".repeat(i));
        y.push_str("a:\n");
    }
    assert!(parse_tree(&y).is_none());
    let deep_flow = format!("a: {}{}\n", "[".repeat(40), "]".repeat(40));
    assert!(parse_tree(&deep_flow).is_none());
}

#[test]
fn typed_values_and_unknown_keys() {
    let y = "类型: 候选人公示\ntitle: \"x\"\nseal: yes\nposted: {from: 2026-11-22, to: 2026-02-30}\nprivate: {备注: [1, 2]}\ntitel: x\ncandidates:\n  - {姓名: 王, birth: \"1980-05\", incumbent: false, foo: 1}\nfindings:\n  - {id: 1, amount_yuan: 7500}\n  - {id: 一}\n";
    let (fm, unknown) = parse::<FrontMatter>(y).unwrap();
    assert_eq!(fm.kind, Some(NoticeKind::Candidates));
    assert_eq!(fm.seal, Some(true));
    assert_eq!(
        fm.posted.as_ref().unwrap().to.as_ref().unwrap().to_string(),
        "2026-02-30"
    );
    assert_eq!(fm.candidates[0].name.as_deref(), Some("王"));
    assert_eq!(fm.findings[0].amount_yuan, Some(7500.0));
    assert_eq!(unknown, ["private.?", "titel", "candidates.0.foo"]);

    let (v, _) =
        parse::<VillageConfig>("name: 张庄村\nkind: 社区\nseats: {主任: 1, 委员: 3}\n").unwrap();
    assert_eq!(v.kind, VillageKind::Community);
    assert_eq!(v.seats.get("委员"), Some(&3));
}

/// The fast path as it was before it tracked unknown keys itself: `serde_ignored`
/// around the untracked deserializer.
fn parse_via_serde_ignored<T: DeserializeOwned>(yaml: &str) -> Option<(T, Vec<String>)> {
    let root = parse_tree(yaml)?;
    let mut unknown = Vec::new();
    let de = NodeDe {
        node: &root,
        mode: Mode::Untracked,
    };
    let value = serde_ignored::deserialize(de, |p| unknown.push(p.to_string())).ok()?;
    Some((value, unknown))
}

fn same_as_serde_ignored<T: DeserializeOwned + serde::Serialize>(y: &str) {
    let ours = parse::<T>(y).map(|(v, u)| (serde_json::to_string(&v).unwrap(), u));
    let theirs =
        parse_via_serde_ignored::<T>(y).map(|(v, u)| (serde_json::to_string(&v).unwrap(), u));
    assert_eq!(ours, theirs, "{y}");
}

#[test]
fn unknown_key_tracking_matches_serde_ignored() {
    for y in [
        "titel: x\n",
        "private: {1: x, 1.5: y, ~: z, true: w, [a]: b}\n",
        "private: x\n",
        "private: ~\n",
        "内部: [1, {a: b}]\n",
        "1.5: x\n",
        "~: x\n",
        "true: x\n",
        "0x1F: x\n",
        "\"a\\tb\": 1\n",
        "'it''s': 1\n",
        "candidates:\n  - {name: x, 1: y, true: z, foo: {a: b}}\n  - 姓名: y\n    bar: [1, 2]\n",
        "findings: [{id: {a: 1}}]\n",
        "findings: [{id: {1.5: 1}}]\n",
        "findings: [{id: [1]}, {id: 一, x: 1}]\n",
        "objection: {channels: [{phone: 1, fax: 2}], y: ~}\n",
        "revisions: [{on: 2026-01-01, x: [1, {y: 2}]}]\n",
        "posted: {from: 2026-01-01, 2: x}\n",
        "kind: candidates\nbody: 党支部\nposter: {paper: A3, size: 2}\n",
        "registration: {total: 1, ~: 2}\n",
        "election: {posts: [a, b], when: {a: 1}}\n",
    ] {
        same_as_serde_ignored::<FrontMatter>(y);
    }
    for y in [
        "seats: {1: 2, 主任: 1}\nfoo: 1\n",
        "seats: {true: 2}\n",
        "seats: {1.5: 2}\n",
        "contacts:\n  - {label: x, phone: \"1\", fax: 2}\n",
        "kind: 社区\nnmae: x\n",
    ] {
        same_as_serde_ignored::<VillageConfig>(y);
    }
    for y in [
        "posters: {candidates: {paper: A3, foo: 1}, 1: {}}\n",
        "profile: {committee_size: {village: {min: 1, max: 2, x: 3}}, y: 1}\n",
        "election: {term: 十二, year: 2026, z: [1]}\n",
    ] {
        same_as_serde_ignored::<crate::model::SiteConfig>(y);
    }
}

#[test]
fn type_errors_bail_instead_of_failing() {
    for y in [
        "seal: maybe\n",
        "kind: 公示\n",
        "candidates:\n",
        "posted: [2026-11-22, 2026-12-01]\n",
        "title: ~\nissued_on: [x]\n",
        "findings:\n  - {id: 1.5}\n",
        "findings:\n  - {id: yes}\n",
        "private: {x: .inf}\n",
        "private: {x: 1e999}\n",
        "figures_yuan: {income: .inf, expenditure: 1e999}\n",
    ] {
        assert!(parse::<FrontMatter>(y).is_none(), "should bail: {y:?}");
    }
    // …and the full parser does report these (so bailing loses nothing).
    for y in [
        "seal: maybe\n",
        "findings:\n  - {id: yes}\n",
        "private: {x: .inf}\n",
    ] {
        assert!(
            crate::yaml::parse_saphyr::<FrontMatter>(y).is_err(),
            "serde-saphyr accepts {y:?}"
        );
    }
}

#[test]
fn scalar_resolution_follows_serde_saphyr() {
    assert_eq!(parse_int_unsigned("1_000"), Some(1000));
    assert_eq!(parse_int_unsigned("01"), None);
    assert_eq!(parse_int_unsigned("0x1F"), Some(31));
    assert_eq!(parse_int_unsigned("+3"), Some(3));
    assert_eq!(parse_int_signed("-0o17"), Some(-15));
    assert_eq!(parse_int_signed("1__0"), None);
    assert_eq!(parse_float("1e3"), Some(1000.0));
    assert_eq!(parse_float("inf"), None);
    assert_eq!(parse_float("-.inf"), Some(f64::NEG_INFINITY));
    assert_eq!(parse_float_incl_overflow("1e999"), Some(f64::INFINITY));
    assert_eq!(parse_float_incl_overflow("infinity"), None);
    assert_eq!(parse_yaml11_bool("On"), Some(true));
    assert_eq!(parse_yaml11_bool("n"), Some(false));
}
