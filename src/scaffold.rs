//! `gongshi init` and `gongshi new`: files with Chinese comments a clerk can fill in.

use std::path::{Path, PathBuf};

const SITE: &str = include_str!("scaffold/site.yaml");
const RULES: &str = include_str!("scaffold/rules.md");
const AREA: &str = include_str!("scaffold/area.yaml");
const VILLAGE: &str = include_str!("scaffold/village.yaml");
const CANDIDATES: &str = include_str!("scaffold/notice-candidates.md");
const VOTERS: &str = include_str!("scaffold/notice-voters.md");
const GENERIC: &str = include_str!("scaffold/notice-generic.md");

/// Replace `{{d+N}}` with today + N days and `{{key}}` with the given values.
fn fill(template: &str, vars: &[(&str, &str)], t: jiff::civil::Date) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find("}}") else { break };
        let key = &rest[i + 2..i + j];
        if let Some(n) = key.strip_prefix("d+").and_then(|n| n.parse::<i64>().ok()) {
            let d = t.checked_add(jiff::Span::new().days(n)).unwrap_or(t);
            out.push_str(&d.to_string());
        } else if let Some((_, v)) = vars.iter().find(|(k, _)| *k == key) {
            out.push_str(v);
        } else {
            out.push_str(&rest[i..i + j + 2]);
        }
        rest = &rest[i + j + 2..];
    }
    out.push_str(rest);
    out
}

fn write_new(path: &Path, text: &str, created: &mut Vec<PathBuf>) -> Result<(), String> {
    if path.exists() {
        return Err(format!("{} 已经存在，没有覆盖。", path.display()));
    }
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).map_err(|e| format!("无法创建文件夹 {}：{e}", p.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
    created.push(path.to_path_buf());
    Ok(())
}

fn check_segment(s: &str) -> Result<(), String> {
    if s.is_empty() || s == "." || s == ".." || s.contains(['\\', ':', ' ', '?', '#', '%']) {
        return Err(format!(
            "“{s}”不能用作文件夹名：请用拼音或英文，例如 zhangzhuang。"
        ));
    }
    Ok(())
}

/// A new site root with a commented example township and village.
pub fn init(dir: &Path, today: jiff::civil::Date) -> Result<Vec<PathBuf>, String> {
    if dir.join("content").exists() {
        return Err(format!(
            "{} 里已经有 content 文件夹，没有覆盖。",
            dir.display()
        ));
    }
    let mut created = Vec::new();
    let c = dir.join("content");
    write_new(&c.join("site.yaml"), &fill(SITE, &[], today), &mut created)?;
    write_new(
        &c.join("rules/huanjie-jilv.md"),
        &fill(RULES, &[], today),
        &mut created,
    )?;
    write_new(
        &c.join("chengguan/area.yaml"),
        &fill(AREA, &[], today),
        &mut created,
    )?;
    let name = [("name", "张庄村")];
    write_new(
        &c.join("chengguan/zhangzhuang/village.yaml"),
        &fill(VILLAGE, &name, today),
        &mut created,
    )?;
    write_new(
        &c.join("chengguan/zhangzhuang/xuanmin-dengji.md"),
        &fill(VOTERS, &name, today),
        &mut created,
    )?;
    write_new(
        &c.join("chengguan/zhangzhuang/houxuanren.md"),
        &fill(CANDIDATES, &name, today),
        &mut created,
    )?;
    std::fs::create_dir_all(dir.join("themes")).map_err(|e| e.to_string())?;
    write_new(
        &dir.join("themes/README.md"),
        "把要修改的模板放在 themes/default/ 下，路径与内置主题相同（如 themes/default/static/style.css），即可逐个覆盖内置文件。\n",
        &mut created,
    )?;
    Ok(created)
}

pub fn new_village(
    root: &Path,
    path: &str,
    today: jiff::civil::Date,
) -> Result<Vec<PathBuf>, String> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    if segs.len() < 2 {
        return Err(
            "请写成 乡镇文件夹/村文件夹，例如 gongshi new village chengguan/zhangzhuang。".into(),
        );
    }
    for s in &segs {
        check_segment(s)?;
    }
    let content = root.join("content");
    let area_dir = content.join(segs[..segs.len() - 1].join("/"));
    let mut created = Vec::new();
    if !area_dir.join("area.yaml").exists() {
        write_new(
            &area_dir.join("area.yaml"),
            &fill(AREA, &[], today),
            &mut created,
        )?;
    }
    let vname = segs[segs.len() - 1];
    write_new(
        &content.join(path.trim_matches('/')).join("village.yaml"),
        &fill(VILLAGE, &[("name", vname)], today),
        &mut created,
    )?;
    Ok(created)
}

pub fn new_notice(
    root: &Path,
    path: &str,
    kind: &str,
    today: jiff::civil::Date,
) -> Result<Vec<PathBuf>, String> {
    let segs: Vec<&str> = path
        .trim_matches('/')
        .trim_end_matches(".md")
        .split('/')
        .collect();
    if segs.len() < 3 {
        return Err("请写成 乡镇/村/公告名，例如 gongshi new notice chengguan/zhangzhuang/houxuanren --kind candidates。".into());
    }
    for s in &segs {
        check_segment(s)?;
    }
    let village_dir = root.join("content").join(segs[..segs.len() - 1].join("/"));
    if !village_dir.join("village.yaml").exists() {
        return Err(format!(
            "{} 里没有 village.yaml：请先运行 gongshi new village {}。",
            village_dir.display(),
            segs[..segs.len() - 1].join("/")
        ));
    }
    let name = std::fs::read_to_string(village_dir.join("village.yaml"))
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("name:")
                    .map(|v| v.split('#').next().unwrap_or("").trim().to_string())
            })
        })
        .unwrap_or_else(|| "本村".into());
    let vars = [("name", name.as_str())];
    let text = match kind {
        "candidates" => fill(CANDIDATES, &vars, today),
        "voters" => fill(VOTERS, &vars, today),
        "audit" => fill(
            GENERIC,
            &[
                ("kind", "audit"),
                ("title", &format!("{name}离任经济责任审计结果公开")),
                (
                    "extra",
                    "audit_type: 离任                       # 任期 或 离任（离任审计须在选举日前公布）\nsubjects: [{name: 张三, post: 村委会主任, from: 2021-12-01, to: 2026-11-30}]\nperiod: {from: 2021-12-01, to: 2026-09-30}     # 审计期间\nauditor: 县农村集体经济审计站          # 审计单位\norganizer: 镇人民政府                  # 组织单位\nfigures_yuan: {income: 0, expenditure: 0, assets: 0, liabilities: 0}   # 单位：元\nfindings: []         # 问题：- {id: 1, text: 问题描述, amount_yuan: 1000}\nrectification: []    # 整改：- {finding: 1, status: 整改中, due: 2026-12-31}（已整改 / 整改中 / 未整改）\n",
                ),
            ],
            today,
        ),
        "election" => fill(
            GENERIC,
            &[
                ("kind", "election"),
                ("title", &format!("{name}村民委员会选举公告")),
                (
                    "extra",
                    "election: {date: {{d+40}}, time: \"08:30\", place: 村文化广场, method: 召开选举大会，无记名投票、公开计票, posts: [主任 1名, 副主任 1名, 委员 3名]}\n",
                ),
            ],
            today,
        ),
        "results" => fill(
            GENERIC,
            &[
                ("kind", "results"),
                ("title", &format!("{name}村民委员会选举结果公告")),
                (
                    "extra",
                    "results: {voters_total: 0, ballots_cast: 0, elected: [{name: 张三, post: 主任, votes: 0}]}\n",
                ),
            ],
            today,
        ),
        "rules" => fill(RULES, &[], today),
        "notice" => fill(
            GENERIC,
            &[
                ("kind", "notice"),
                ("title", &format!("{name}公告")),
                ("extra", ""),
            ],
            today,
        ),
        other => {
            return Err(format!(
                "不认识的公告类型“{other}”。可用：candidates、audit、voters、election、results、rules、notice。"
            ));
        }
    };
    // A second pass fills `{{d+N}}` inside the extra fields.
    let text = fill(&text, &vars, today);
    let mut created = Vec::new();
    write_new(
        &village_dir.join(format!("{}.md", segs[segs.len() - 1])),
        &text,
        &mut created,
    )?;
    Ok(created)
}
