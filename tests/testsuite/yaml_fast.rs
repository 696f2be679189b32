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

mod generated;

use std::cell::Cell;
use std::fmt::Write as _;
use std::path::Path;

use gongshi::diag::Diagnostics;
use gongshi::model::{AreaConfig, FrontMatter, SiteConfig, VillageConfig};
use gongshi::privacy::masker::Masked;
use gongshi::yaml::{Route, fast, parse_saphyr};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Both paths on one text. `Some(true)`: the fast path accepted and agreed; `Some(false)`:
/// it bailed. Panics when it accepted and disagrees with serde-saphyr.
fn compare<T: DeserializeOwned + Serialize + Default + Masked>(yaml: &str) -> bool {
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
    // What a clerk sees — the value and every diagnostic, unknown keys named by their
    // canonical paths at their positions — is the same whichever parser `yaml::parse` takes.
    let seen = |route| {
        let d = Diagnostics::new();
        let v = gongshi::yaml::parse::<T>(yaml, 2, Path::new("content/a/b/n.md"), &d, route)
            .map(|(v, _)| serde_json::to_string(&v).unwrap());
        let shown: Vec<String> = d.into_sorted().iter().map(|x| x.to_string()).collect();
        (v, shown)
    };
    assert_eq!(
        seen(Route::FastFirst),
        seen(Route::FullOnly),
        "the two routes differ for:\n{yaml}"
    );
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

/// `GONGSHI_FULL_YAML` makes every file go through serde-saphyr: the bundled county, with
/// mistyped keys and Chinese aliases added, gives the same diagnostics and the same pages.
#[test]
fn forcing_the_full_parser_changes_nothing_a_reader_sees() {
    let f = common::Fixture::bundled();
    f.edit(
        "content/chengguan/zhangzhuang/village.yaml",
        "polling_day:",
        "polling_dya: 2026-12-12\ncontacts_x: [{phone: \"1\"}]\npolling_day:",
    );
    f.edit(
        "content/chengguan/zhangzhuang/village.yaml",
        "population:",
        "人口:",
    );
    f.edit(
        "content/chengguan/zhangzhuang/toupiao-xuzhi.md",
        "\n---\n",
        "\n标题备注: x\nposted_x: {from: 2026-11-22}\n落款备注: [x]\n---\n",
    );
    let run = |env: &[(&str, &str)]| {
        let _ = std::fs::remove_dir_all(f.path("output"));
        let r = f.run_env(&["build", "--only", "site,wechat"], env);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let diags: Vec<String> = r
            .diags()
            .iter()
            .map(|d| format!("{} {}:{}:{} {}", d.error, d.file, d.line, d.col, d.text))
            .collect();
        // The build's own bookkeeping (`.gongshi-*`) records which parser ran.
        let pages: Vec<_> = f
            .output_files()
            .into_iter()
            .filter(|(p, _)| !p.to_string_lossy().contains("/.gongshi-"))
            .collect();
        (diags, pages)
    };
    let (fast_diags, fast_pages) = run(&[]);
    assert!(
        fast_diags
            .iter()
            .filter(|d| d.contains("zhangzhuang"))
            .count()
            >= 4,
        "{fast_diags:#?}"
    );
    let (full_diags, full_pages) = run(&[("GONGSHI_FULL_YAML", "1")]);
    assert_eq!(fast_diags, full_diags);
    assert_eq!(fast_pages.len(), full_pages.len());
    for ((pa, a), (pb, b)) in fast_pages.iter().zip(&full_pages) {
        assert_eq!(pa, pb);
        assert!(a == b, "{} differs", pa.display());
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
