//! Typed YAML parsing with everything a clerk needs when it goes wrong: Chinese messages
//! with positions, unknown keys as warnings with a suggestion, private numbers masked
//! before anything else sees the text, and limits against alias bombs.

use serde::de::DeserializeOwned;
use std::path::Path;

use crate::diag::{Diagnostics, Pos};
use crate::keys::{KEY_ALIASES, canonical_key};
use crate::privacy;
use crate::privacy::masker::{Masked, Masker};
use crate::yamlspan::SpanIndex;

pub mod fast;

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    // Content files are small; these limits stop alias bombs and pathological nesting long
    // before they cost memory or time.
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    let mut opts = serde_saphyr::Options::default();
    opts.budget = Some(budget);
    opts.with_snippet = false;
    opts
}

/// Paths of scalars that are meant to be public phone numbers.
fn is_public_phone_path(path: &str) -> bool {
    let segs: Vec<&str> = path.split('.').collect();
    matches!(segs.as_slice(), ["contacts", _, "phone"])
        || matches!(segs.as_slice(), ["objection", "channels", _, "phone"])
}

/// Mask personal numbers in a YAML text, warning about each one outside public fields.
/// Returns the masked text (same byte length as the input).
pub fn mask_yaml(yaml: &str, first_line: usize, file: &Path, diags: &Diagnostics) -> String {
    let found = privacy::find(yaml);
    if found.is_empty() {
        return yaml.to_string();
    }
    let index = SpanIndex::new(yaml, first_line);
    let mut values: Vec<(Pos, &str)> = index.values().map(|(p, pos)| (pos, p)).collect();
    values.sort_by_key(|(pos, _)| (pos.line, pos.col));
    let mut to_mask = Vec::new();
    for f in found {
        let (l, c) = privacy::line_col(yaml, f.start);
        let pos = Pos::new(l + first_line - 1, c);
        // The scalar holding this number: the last value starting at or before it.
        let path = values
            .iter()
            .rev()
            .find(|(p, _)| (p.line, p.col) <= (pos.line, pos.col))
            .map(|(_, path)| *path)
            .unwrap_or("");
        if is_public_phone_path(path) && f.kind == privacy::Kind::Mobile {
            continue;
        }
        // A name or an address is not masked (it would lead nowhere) but refused: slugs and
        // photos where they are checked, addresses here.
        let last = path.rsplit('.').next().unwrap_or(path);
        if matches!(last, "slug" | "photo") {
            continue;
        }
        if matches!(last, "url" | "base_url") {
            diags.error(
                file,
                pos,
                format!(
                    "“{}”是网址，里面有完整的{}（{}），不能公开。",
                    field_label(path),
                    f.kind.zh(),
                    f.masked
                ),
                "请换一个不含身份证号、手机号的网址。",
            );
            continue;
        }
        if !path.starts_with("private") {
            diags.warning(
                file,
                pos,
                format!(
                    "“{}”里有完整的{}，已在网站和所有导出文件中打码为 {}。",
                    field_label(path),
                    f.kind.zh(),
                    f.masked
                ),
                "个人身份证号、手机号不应公开。请从文件中删去；确需公开的联系电话请写在 contacts 的 phone 里；内部备注请写在 private 里（不会公开）。",
            );
        }
        to_mask.push(f);
    }
    privacy::apply(yaml, &to_mask)
}

fn field_label(path: &str) -> String {
    if path.is_empty() {
        "文件".to_string()
    } else {
        path.to_string()
    }
}

/// Which parser reads YAML.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Route {
    /// The fast subset through [`fast`], everything else through serde-saphyr.
    #[default]
    FastFirst,
    /// serde-saphyr for every file (`GONGSHI_FULL_YAML`; for bug reports and the
    /// differential tests). The results are the same, only slower.
    FullOnly,
}

/// Parse `yaml` (already masked) into `T`. `first_line` is the file line of the YAML's first
/// line. On failure a diagnostic is recorded and `None` returned.
///
/// The common subset of YAML goes through [`fast`]; anything else (and every error) through
/// serde-saphyr, with identical results for what both accept.
pub fn parse<T: DeserializeOwned + Default + Masked>(
    yaml: &str,
    first_line: usize,
    file: &Path,
    diags: &Diagnostics,
    route: Route,
) -> Option<(T, SpanIndex)> {
    let index = SpanIndex::new(yaml, first_line);
    if yaml.trim().is_empty() {
        return Some((T::default(), index));
    }
    if route == Route::FastFirst
        && let Some((mut v, unknown)) = fast::parse::<T>(yaml)
    {
        warn_unknown(unknown, &index, file, diags);
        mask_decoded(&mut v, yaml, &index, file, diags);
        return Some((v, index));
    }
    match parse_saphyr::<T>(yaml) {
        Ok((mut v, unknown)) => {
            warn_unknown(unknown, &index, file, diags);
            mask_decoded(&mut v, yaml, &index, file, diags);
            Some((v, index))
        }
        Err(e) => {
            let (pos, message, hint) = translate_error(&e, first_line);
            diags.error(file, pos, message, hint);
            None
        }
    }
}

/// Mask numbers that only decoding shows (escapes, tags, aliases), warning at each value;
/// a path or address holding one is an error.
fn mask_decoded<T: Masked>(
    v: &mut T,
    yaml: &str,
    index: &SpanIndex,
    file: &Path,
    diags: &Diagnostics,
) {
    if !crate::privacy::masker::may_decode_differently(yaml) {
        return;
    }
    let mut m = Masker::default();
    v.mask(&mut m);
    for (path, kind, masked) in m.masked {
        diags.warning(
            file,
            index.pos(&path),
            format!(
                "“{}”里有完整的{}（写法经过转义、标签或别名），已在网站和所有导出文件中打码为 {masked}。",
                field_label(&path),
                kind.zh()
            ),
            "个人身份证号、手机号不应公开，请从文件中删去；确需公开的联系电话请写在 contacts 的 phone 里；内部备注请写在 private 里（不会公开）。",
        );
    }
    for (path, kind, masked) in m.refused {
        diags.error(
            file,
            index.pos(&path),
            format!(
                "“{}”是网址或文件名，里面有完整的{}（{masked}），不能公开。",
                field_label(&path),
                kind.zh()
            ),
            "请把文件或网址改名，去掉其中的身份证号、手机号。",
        );
    }
}

/// The full parser: serde-saphyr with our budget, and the raw `serde_ignored` paths of
/// unknown keys. Public for the differential tests of [`fast`].
pub fn parse_saphyr<T: DeserializeOwned>(
    yaml: &str,
) -> Result<(T, Vec<String>), serde_saphyr::Error> {
    let mut unknown: Vec<String> = Vec::new();
    let result: Result<T, serde_saphyr::Error> =
        serde_saphyr::with_deserializer_from_str_with_options(yaml, options(), |de| {
            serde_ignored::deserialize(de, |p| unknown.push(p.to_string()))
        });
    result.map(|v| (v, unknown))
}

/// A warning for each unknown key (raw `serde_ignored` paths), with a suggestion.
fn warn_unknown(unknown: Vec<String>, index: &SpanIndex, file: &Path, diags: &Diagnostics) {
    for raw in unknown {
        let path = clean_path(&raw);
        if path.is_empty() || path == "private" || path.starts_with("private.") {
            continue;
        }
        let key = path.rsplit('.').next().unwrap_or(&path).to_string();
        let hint = match suggest(&key) {
            Some(s) => format!("是不是想写 {s}？如果是自己加的备注，请放进 private 里。"),
            None => {
                "请检查拼写；gongshi 不认识这个字段，它不会显示出来。自己的备注请放进 private 里。"
                    .to_string()
            }
        };
        diags.warning(
            file,
            index.key_pos(&path),
            format!("不认识的字段“{key}”。"),
            hint,
        );
    }
}

/// `candidates.?.0.polling_dya` → `candidates.0.polling_dya`, keys canonicalised.
fn clean_path(raw: &str) -> String {
    raw.split('.')
        .filter(|s| !s.is_empty() && *s != "?")
        .map(|s| canonical_key(s).to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// The nearest known key to a typo, English or Chinese.
pub fn suggest(key: &str) -> Option<String> {
    let mut best: Option<(f64, &str, &str)> = None;
    for (canon, aliases) in KEY_ALIASES {
        for cand in std::iter::once(canon).chain(aliases.iter()) {
            let score = strsim::jaro_winkler(&key.to_lowercase(), cand);
            if best.is_none_or(|b| score > b.0) {
                best = Some((score, cand, canon));
            }
        }
    }
    match best {
        Some((score, cand, canon)) if score >= 0.8 => {
            if cand == canon {
                Some(canon.to_string())
            } else {
                Some(format!("{cand}（{canon}）"))
            }
        }
        _ => None,
    }
}

/// Turn a serde-saphyr error into (position, Chinese message, what to do).
fn translate_error(e: &serde_saphyr::Error, first_line: usize) -> (Pos, String, String) {
    let pos = e
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| Pos::new(l.line() as usize + first_line - 1, l.column() as usize))
        .unwrap_or(Pos::new(first_line, 1));
    let raw = e.to_string();
    let mut detail = raw.lines().next().unwrap_or("").to_string();
    if let Some(i) = detail.find(" at line ") {
        detail.truncate(i);
    }
    let lower = detail.to_lowercase();
    let (msg, hint): (String, &str) = if lower.contains("budget")
        || lower.contains("alias") && lower.contains("limit")
    {
        (
            "YAML 里的别名（&/*）或嵌套太多，超出了安全上限，已拒绝读取。".into(),
            "请不要使用 & 和 * 别名，直接把内容写出来。",
        )
    } else if lower.contains("duplicate") {
        (
            "同一个字段写了两次。".into(),
            "请删掉重复的那一行，只保留一个。",
        )
    } else if let Some(field) = between(&detail, "missing field `", "`") {
        (format!("缺少必填字段“{field}”。"), "请补上这个字段。")
    } else if let Some(v) = between(&detail, "unknown variant `", "`") {
        let expected = detail
            .split("expected")
            .nth(1)
            .unwrap_or("")
            .trim()
            .replace('`', "");
        (
            format!("“{v}”不是可选的值。可选的值有：{expected}。"),
            "请改成可选值中的一个（中文或英文写法都可以）。",
        )
    } else if let Some(t) = [
        "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64", "bool",
    ]
    .iter()
    .find(|t| lower.starts_with(&format!("invalid {t}")))
    {
        let want = if t.starts_with('f') {
            "一个数字（不要带单位和逗号）"
        } else if *t == "bool" {
            "true 或 false"
        } else {
            "一个整数（不要带单位和逗号）"
        };
        (
            format!("这里的值类型不对：应该是{want}。"),
            "请改成数字，例如 population: 2360。",
        )
    } else if lower.contains("invalid type")
        || lower.contains("expected") && lower.contains("found")
    {
        let want = if lower.contains("expected a sequence") || lower.contains("expected a list") {
            "一个列表（每项以 - 开头）"
        } else if lower.contains("expected struct") || lower.contains("expected a map") {
            "若干“字段: 值”"
        } else if lower.contains("expected u")
            || lower.contains("expected i")
            || lower.contains("integer")
        {
            "一个整数"
        } else if lower.contains("expected f") {
            "一个数字"
        } else if lower.contains("bool") {
            "true 或 false"
        } else {
            "另一种类型的值"
        };
        (
            format!("这里的值类型不对：应该是{want}。"),
            "请对照 README 中的字段说明改正；文字中有冒号等符号时请加引号。",
        )
    } else if lower.contains("null") {
        ("这里不能留空。".into(), "请填写内容，或删掉这一行。")
    } else if lower.contains("utf-8") || lower.contains("utf8") {
        ("文件编码不是 UTF-8。".into(), "请另存为 UTF-8 编码。")
    } else {
        (
            "YAML 格式有误，无法读取。".into(),
            "请检查这一行及上一行：冒号后要有空格，缩进要对齐（用空格，不用 Tab），含有冒号、# 等符号的文字要加引号。",
        )
    };
    (
        pos,
        format!("{msg}（原始信息：{detail}）"),
        hint.to_string(),
    )
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FrontMatter, VillageConfig};

    #[test]
    fn typo_keys_warn_with_a_suggestion_and_position() {
        let d = Diagnostics::new();
        let y = "name: 张庄村\npolling_dya: 2026-12-12\n";
        let (_v, _) =
            parse::<VillageConfig>(y, 1, Path::new("v.yaml"), &d, Route::FastFirst).unwrap();
        let all = d.into_sorted();
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!((all[0].line, all[0].col), (2, 1));
        assert!(all[0].hint.contains("polling_day"), "{}", all[0].hint);
    }

    #[test]
    fn unknown_keys_warn_alike_on_both_paths() {
        let fast = "name: 张庄村\npolling_dya: 2026-12-12\ncontacts:\n  - {label: x, phone: \"1\", fax: 2}\n";
        // A block scalar is outside the fast subset: the same keys through serde-saphyr.
        let full = "name: |-\n  张庄村\npolling_dya: 2026-12-12\ncontacts:\n  - {label: x, phone: \"1\", fax: 2}\n";
        assert!(fast::parse::<VillageConfig>(fast).is_some());
        assert!(fast::parse::<VillageConfig>(full).is_none());
        let warnings = |y: &str| {
            let d = Diagnostics::new();
            let (v, _) =
                parse::<VillageConfig>(y, 1, Path::new("v.yaml"), &d, Route::FastFirst).unwrap();
            assert_eq!(v.name.as_deref(), Some("张庄村"));
            d.into_sorted()
                .into_iter()
                .map(|w| (w.line, w.col, w.message))
                .collect::<Vec<_>>()
        };
        let (a, b) = (warnings(fast), warnings(full));
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(a[0].2, b[0].2);
        assert_eq!(a[1].2, b[1].2);
        assert_eq!((a[0].0, b[0].0), (2, 3));
    }

    #[test]
    fn wrong_types_are_errors_with_a_line() {
        let d = Diagnostics::new();
        let y = "name: 张庄村\npopulation: 很多\n";
        assert!(parse::<VillageConfig>(y, 1, Path::new("v.yaml"), &d, Route::FastFirst).is_none());
        let all = d.into_sorted();
        assert_eq!(all[0].line, 2, "{all:?}");
        assert!(all[0].message.contains("类型不对"), "{}", all[0].message);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            y.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        y.push_str("title: boom\n");
        let d = Diagnostics::new();
        assert!(parse::<FrontMatter>(&y, 2, Path::new("n.md"), &d, Route::FastFirst).is_none());
        assert!(d.has_errors());
    }

    #[test]
    fn private_numbers_in_fields_are_masked_but_public_contacts_are_not() {
        let d = Diagnostics::new();
        let y = "contacts:\n  - {label: 村委会, phone: \"13912345678\"}\nname: 王五 13812345678\nprivate: {身份证: \"620102199001011234\"}\n";
        let m = mask_yaml(y, 1, Path::new("v.yaml"), &d);
        assert!(m.contains("13912345678"));
        assert!(m.contains("138****5678"));
        assert!(m.contains("620102**********34"));
        let all = d.into_sorted();
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].line, 3);
    }
}
