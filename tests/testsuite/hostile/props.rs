//! Property tests: a random ID or mobile number, in a random written form from DESIGN.md §7,
//! in a random field or body position of a generated county, is readable in no output.

use proptest::prelude::*;

use crate::common::{self, Fixture};
use gongshi::diag::Diagnostics;
use gongshi::pipeline::{self, Targets};
use gongshi::render::Collect;

/// Where a number is planted.
#[derive(Debug, Clone)]
enum Place {
    /// A YAML field of a file: (file, the line to add after, the key).
    Yaml(&'static str, &'static str, &'static str),
    /// A candidate's field, replacing the value of `key` for 李堃.
    Candidate(&'static str),
    /// The body of the candidate notice, in a Markdown context.
    Body(usize),
}

fn places() -> Vec<Place> {
    vec![
        Place::Yaml("content/t/v/candidates.md", "kind: candidates", "title"),
        Place::Yaml("content/t/v/candidates.md", "kind: candidates", "issued_by"),
        Place::Yaml("content/t/v/voters.md", "kind: voters", "number"),
        Place::Yaml("content/t/v/village.yaml", "kind: village", "name"),
        Place::Yaml("content/t/area.yaml", "level: 镇", "name"),
        Place::Yaml("content/site.yaml", "region: 测试县", "organizer"),
        Place::Candidate("name"),
        Place::Candidate("current_role"),
        Place::Candidate("education"),
        Place::Body(0),
        Place::Body(1),
        Place::Body(2),
        Place::Body(3),
        Place::Body(4),
        Place::Body(5),
        Place::Body(6),
    ]
}

/// A number written the way a Markdown body can hide it (form numbers past the plain
/// forms of `written_form`).
fn body_form(d: &str, form: usize) -> String {
    let (a, b) = d.split_at(3);
    match form % 18 {
        12 => format!("{a}<!-- x -->{b}"),
        13 => format!("**{a}**{b}"),
        14 => format!("{a}<span>{b}</span>"),
        15 => d.chars().map(|c| format!("&#{};", c as u32)).collect(),
        16 => format!("{a}\\-{b}"),
        17 => format!("{a}\n{b}"),
        f => gongshi::privacy::written_form(d, f),
    }
}

/// A number written the way YAML can hide it in a double-quoted string.
fn yaml_form(d: &str, form: usize) -> String {
    let w = match form % 14 {
        12 => return d.chars().map(|c| format!("\\x{:02x}", c as u32)).collect(),
        13 => {
            let (a, b) = d.split_at(4);
            return format!("{a}\\\n      {b}");
        }
        f => gongshi::privacy::written_form(d, f),
    };
    w.replace('\\', "\\\\").replace('"', "\\\"")
}

fn plant(f: &Fixture, place: &Place, digits: &str, form: usize) {
    match place {
        Place::Yaml(file, after, key) => {
            // The key written again later in the map wins over an earlier one? No: a
            // duplicate key is an error, so the original line is replaced.
            let text = f.read(file);
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("{key}:")))
                .map(str::to_string);
            let value = format!("{key}: \"前{}后\"", yaml_form(digits, form));
            match line {
                Some(l) => f.edit(file, &l, &value),
                None => f.edit(file, after, &format!("{after}\n{value}")),
            }
        }
        Place::Candidate(key) => {
            let row = "{name: 李堃, gender: 男, ethnicity: 汉族, birth: \"1980-05\", education: 大专, political_status: 群众, current_role: 村民小组长, post: 主任}";
            let value = format!("\"甲{}乙\"", yaml_form(digits, form));
            let new = match *key {
                "name" => row.replace("name: 李堃", &format!("name: {value}")),
                "current_role" => row.replace(
                    "current_role: 村民小组长",
                    &format!("current_role: {value}"),
                ),
                _ => row.replace("education: 大专", &format!("education: {value}")),
            };
            f.edit("content/t/v/candidates.md", row, &new);
        }
        Place::Body(k) => {
            // A line break ends a heading or a table row: what follows is another text, so
            // the number would not be one. Those two places get the plain form instead.
            let form = if form % 18 == 17 && matches!(k % 7, 1 | 3) {
                0
            } else {
                form
            };
            let w = body_form(digits, form);
            let text = match k % 7 {
                0 => format!("村民某某，电话{w}，请注意。"),
                1 => format!("| 项目 | 联系 |\n|---|---|\n| 电话 | {w} |"),
                2 => format!("- 第一项\n- 联系 {w}"),
                3 => format!("## 联系 {w}"),
                4 => format!("[联系人 {w}](https://example.cn/)"),
                5 => format!("> 引用：{w}"),
                _ => format!("<p>原始 HTML：{w}</p>"),
            };
            let body = f.read("content/t/v/candidates.md");
            f.write("content/t/v/candidates.md", &format!("{body}\n{text}\n"));
        }
    }
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        "1[3-9][0-9]{9}",
        "[1-6][0-9]{5}(19[5-9][0-9]|200[0-8])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}[0-9X]",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Pages and WeChat exports, built in-process.
    #[test]
    fn a_planted_number_is_readable_in_no_page_or_export(
        digits in number(),
        form in 0usize..18,
        place in 0usize..16,
    ) {
        let f = Fixture::new();
        let place = &places()[place];
        plant(&f, place, &digits, form);
        let diags = Diagnostics::new();
        let sink = Collect::default();
        let today = gongshi::dates::parse_date(common::TODAY).unwrap();
        let job = pipeline::Job {
            root: f.root(),
            today,
            base_url: None,
            targets: Targets::parse("site,wechat").unwrap(),
            switches: Default::default(),
            caches: None,
            previous: None,
            progress: &gongshi::progress::Progress::hidden(),
            diags: &diags,
        };
        let done = pipeline::render_all(&job, None, &sink, |_| ());
        let all = diags.into_sorted();
        prop_assert!(done.is_some(), "{place:?} form {form}: {:?}", all.iter().filter(|d| d.is_error()).collect::<Vec<_>>());
        // Reported, and masked in the report too.
        prop_assert!(all.iter().any(|d| d.message.contains("完整的")), "{place:?} form {form}: not reported");
        for d in &all {
            prop_assert!(!common::digits_seen(d.to_string().as_bytes()).contains(digits.trim_end_matches('X')));
        }
        for page in sink.into_pages() {
            let seen = common::digits_seen(&page.bytes);
            prop_assert!(!seen.contains(&digits[..digits.len() - 1]), "{place:?} form {form}: readable in {}", page.path);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every target, posters' text read back with pdftotext, through the program itself.
    #[test]
    fn a_planted_number_is_readable_in_no_output_at_all(
        digits in number(),
        form in 0usize..18,
        place in 0usize..16,
    ) {
        let f = Fixture::new();
        let place = &places()[place];
        plant(&f, place, &digits, form);
        let r = f.build();
        prop_assert_eq!(r.code, 0, "{:?} form {}: {}", place, form, r.stderr);
        for (rel, seen) in f.seen() {
            prop_assert!(!seen.contains(&digits[..digits.len() - 1]), "{place:?} form {form}: readable in {rel}");
        }
    }
}
