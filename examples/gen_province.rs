//! A reproducible generated province for benchmarks: counties > townships > villages, each
//! village with a candidate notice (9 candidates), an audit notice and a voter notice.
//!
//!     cargo run --release --example gen_province -- --villages 20000 /tmp/province
//!
//! The same arguments always write the same files (a fixed-seed generator, no randomness
//! from the OS), so timings are comparable between runs and machines.
//!
//! With `--hugo`, it also writes `DIR/hugo/content/`: the same notices for Hugo (the
//! Markdown files as they are, and an `_index.md` for every area and village made from its
//! YAML), for `benches/site_vs_hugo.sh`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: &[&str] = &[
    "建国", "志强", "秀英", "桂兰", "海燕", "堃", "喆", "赟", "曌", "明", "丽", "军", "芳", "伟",
    "静", "磊", "敏", "洋", "勇", "艳", "杰", "娟", "涛", "超", "霞", "平", "刚", "桂英", "玉兰",
    "红梅",
];
const PLACE: &[&str] = &[
    "张庄",
    "李家湾",
    "桥头",
    "东关",
    "狮子岭",
    "双丰",
    "茅坪",
    "柳树沟",
    "黄龙",
    "响水",
    "石门",
    "杨家坪",
    "白土",
    "青龙",
    "新集",
    "马场",
    "枣林",
    "三岔",
    "松树",
    "龙王",
];
const EDU: &[&str] = &["初中", "高中", "中专", "大专", "本科"];
const STATUS: &[&str] = &["中共党员", "群众", "中共党员", "群众", "中共预备党员"];

/// xorshift64*: tiny, deterministic.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn main() {
    let mut villages = 500usize;
    let mut dir: Option<PathBuf> = None;
    let mut hugo = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--villages" => {
                villages = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--villages N")
            }
            "--hugo" => hugo = true,
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let root = dir.expect("usage: gen_province [--villages N] DIR");
    let content = root.join("content");
    if content.exists() {
        std::fs::remove_dir_all(&content).unwrap();
    }
    let mut rng = Rng(0x9E3779B97F4A7C15);
    write(
        &content.join("site.yaml"),
        "title: 示例省村（社区）“两委”换届选举公示平台\nregion: 示例省\norganizer: 中共示例省委组织部\nbase_url: https://gongshi.example.gov.cn/\nelection: {term: 2026年村（社区）“两委”换届, year: 2026}\ncontacts:\n  - {label: 组织部门举报电话, phone: \"12380\"}\nrules: [jilv]\n",
    );
    write(
        &content.join("rules/jilv.md"),
        "---\nkind: rules\ntitle: 换届纪律“十严禁”\nnumber: 示组通〔2026〕1号\nissued_by: 中共示例省委组织部\nissued_on: 2026-10-01\nitems:\n  - {ban: 严禁拉票贿选。, consequence: 一经查实，取消候选人资格。}\n  - {ban: 严禁宗族势力干扰选举。, consequence: 依法依规处理。}\n---\n",
    );
    let per_township = 20;
    let per_county = 400;
    let mut made = 0;
    let mut county = 0;
    while made < villages {
        county += 1;
        let cdir = content.join(format!("county{county:03}"));
        write(
            &cdir.join("area.yaml"),
            &format!(
                "name: 第{county}县\nlevel: 县\ncontacts:\n  - {{label: 县委组织部, phone: \"0914-{:07}\"}}\n",
                7000000 + county
            ),
        );
        let mut township = 0;
        while made < villages && township * per_township < per_county {
            township += 1;
            let tdir = cdir.join(format!("t{township:02}"));
            write(
                &tdir.join("area.yaml"),
                &format!(
                    "name: 第{township}镇\nlevel: 镇\ncontacts:\n  - {{label: 镇换届选举工作指导组, phone: \"0914-{:07}\"}}\n",
                    7100000 + township
                ),
            );
            for v in 0..per_township {
                if made >= villages {
                    break;
                }
                made += 1;
                let vdir = tdir.join(format!("v{v:02}"));
                let vname = format!("{}{}村", rng.pick(PLACE), v + 1);
                let day = 10 + (made % 10) as u32;
                write(
                    &vdir.join("village.yaml"),
                    &format!(
                        "name: {vname}\nkind: village\npopulation: {}\nhouseholds: {}\npolling_day: 2026-12-{day:02}\nseats: {{主任: 1, 副主任: 1, 委员: 3}}\ncontacts:\n  - {{label: {vname}村民选举委员会, phone: \"0914-{:07}\"}}\n",
                        rng.range(800, 4000),
                        rng.range(200, 1000),
                        7200000 + made
                    ),
                );
                // Candidates: 2 主任, 2 副主任, 5 委员 (9 in all), at least one woman.
                let mut cands = String::new();
                let mut used = std::collections::HashSet::new();
                for (k, post) in [
                    "主任",
                    "主任",
                    "副主任",
                    "副主任",
                    "委员",
                    "委员",
                    "委员",
                    "委员",
                    "委员",
                ]
                .iter()
                .enumerate()
                {
                    let gender = if k == 2 || rng.range(0, 3) == 0 {
                        "女"
                    } else {
                        "男"
                    };
                    let name = loop {
                        let n = format!(
                            "{}{}{}",
                            rng.pick(SURNAMES),
                            rng.pick(GIVEN),
                            if k > 4 {
                                rng.pick(&["", "", "华", "平"])
                            } else {
                                ""
                            }
                        );
                        if used.insert(n.clone()) {
                            break n;
                        }
                    };
                    let _ = writeln!(
                        cands,
                        "  - {{name: {name}, gender: {gender}, ethnicity: 汉族, birth: \"{}-{:02}\", education: {}, political_status: {}, current_role: 村民, post: {post}}}",
                        rng.range(1965, 1998),
                        rng.range(1, 12),
                        rng.pick(EDU),
                        rng.pick(STATUS)
                    );
                }
                let body = format!(
                    "根据《中华人民共和国村民委员会组织法》和有关规定，经村民提名、资格审查，现将{vname}第十二届村民委员会成员正式候选人公示如下。\n\n| 职务 | 应选 | 候选人 |\n|---|---:|---:|\n| 主任 | 1 | 2 |\n| 副主任 | 1 | 2 |\n| 委员 | 3 | 5 |\n\n公示期内如有异议，请通过以下方式反映：\n\n1. 向村民选举委员会反映；\n2. 向镇换届选举工作指导组反映；\n3. 拨打组织部门举报电话 12380。\n\n**注意：**请按时参加投票。\n"
                );
                write(
                    &vdir.join("houxuanren.md"),
                    &format!(
                        "---\nkind: candidates\ntitle: {vname}第十二届村民委员会成员正式候选人公示\nnumber: {vname}选字〔2026〕3号\nissued_by: {vname}村民选举委员会\nissued_on: 2026-11-22\nposted: {{from: 2026-11-22, to: 2026-12-06}}\nbody: villagers_committee\ncandidates:\n{cands}---\n{body}"
                    ),
                );
                write(
                    &vdir.join("shenji.md"),
                    &format!(
                        "---\nkind: audit\ntitle: {vname}离任经济责任审计结果公开\nnumber: 审字〔2026〕{made}号\nissued_by: 第{township}镇人民政府\nissued_on: 2026-11-10\nposted: {{from: 2026-11-10, to: 2026-11-24}}\naudit_type: 离任\nsubjects: [{{name: {}{}, post: 村委会主任, from: 2021-12-01, to: 2026-11-30}}]\nauditor: 县农村集体经济审计站\nfigures_yuan: {{income: {}.50, expenditure: {}.00, assets: {}, liabilities: {}}}\nfindings:\n  - {{id: 1, text: 部分支出凭证不全。, amount_yuan: {}}}\nrectification:\n  - {{finding: 1, status: 已整改}}\n---\n审计期间，村集体收支基本真实，现将审计结果公开如下。\n\n- 收入、支出按月公开；\n- 资产台账已更新。\n",
                        rng.pick(SURNAMES),
                        rng.pick(GIVEN),
                        rng.range(500_000, 5_000_000),
                        rng.range(400_000, 4_000_000),
                        rng.range(1_000_000, 20_000_000),
                        rng.range(0, 2_000_000),
                        rng.range(1000, 50_000)
                    ),
                );
                write(
                    &vdir.join("xuanmin.md"),
                    &format!(
                        "---\nkind: voters\ntitle: {vname}选民登记公告\nnumber: {vname}选字〔2026〕1号\nissued_by: {vname}村民选举委员会\nissued_on: 2026-11-15\nposted: {{from: 2026-11-15, to: 2026-11-29}}\nobjection: {{until: 2026-11-20}}\nregistration: {{total: {}, added: {}, removed: {}, list_location: 村委会公示栏}}\n---\n选民名单已在村委会公示栏张贴。对名单有异议的，请自公布之日起 5 日内提出。\n",
                        rng.range(600, 3000),
                        rng.range(10, 200),
                        rng.range(5, 100)
                    ),
                );
            }
        }
    }
    eprintln!(
        "wrote {made} villages in {county} counties to {}",
        content.display()
    );
    if hugo {
        let target = root.join("hugo").join("content");
        if target.exists() {
            std::fs::remove_dir_all(&target).unwrap();
        }
        mirror_for_hugo(&content, &target);
        eprintln!("wrote the same pages for Hugo to {}", target.display());
    }
}

/// The content folder as a Hugo content folder: notices copied as they are (their YAML front
/// matter is valid Hugo front matter), each `area.yaml`/`village.yaml` as the `_index.md` of
/// its section with `title` set to its `name`.
fn mirror_for_hugo(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(from).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() {
            mirror_for_hugo(&p, &to.join(&name));
        } else if name.ends_with(".md") {
            std::fs::copy(&p, to.join(&name)).unwrap();
        } else if name == "area.yaml" || name == "village.yaml" {
            let yaml = std::fs::read_to_string(&p).unwrap();
            let title = yaml
                .lines()
                .find_map(|l| l.strip_prefix("name: "))
                .unwrap_or("")
                .to_string();
            write(
                &to.join("_index.md"),
                &format!("---\ntitle: {title}\n{yaml}---\n"),
            );
        }
    }
}
