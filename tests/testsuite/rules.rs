//! One fixture per election-law rule of DESIGN.md §6: the diagnostic, its place, the exit code.

use crate::common;
use crate::common::Fixture;

const C: &str = "content/t/v/candidates.md";
const V: &str = "content/t/v/voters.md";
const A: &str = "content/t/v/audit.md";
const VY: &str = "content/t/v/village.yaml";

#[test]
fn the_small_county_is_clean() {
    let f = Fixture::new();
    let r = f.check();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.diags().is_empty(), "{}", r.stderr);
}

#[test]
fn rule1_voter_list_20_days_before_polling() {
    let f = Fixture::new();
    f.edit(V, "posted: {from: 2026-11-20", "posted: {from: 2026-12-05");
    f.edit(V, "to: 2026-12-04}", "to: 2026-12-19}");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, V, 7, "至少提前 20 天");
}

#[test]
fn rule1_voter_objection_5_days() {
    let f = Fixture::new();
    f.edit(V, "until: 2026-11-25", "until: 2026-11-22");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, V, 8, "5 日内");
}

#[test]
fn rule2_candidate_notice_min_days() {
    let f = Fixture::new();
    f.edit(VY, "polling_day: 2026-12-20", "polling_day: 2026-11-25");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, C, 7, "至少提前 5 天");
}

#[test]
fn rule2_respects_the_province_profile() {
    let f = Fixture::new();
    f.edit(
        "content/site.yaml",
        "rules: [jilv]",
        "rules: [jilv]\nprofile: {candidate_notice_min_days: 30}",
    );
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, C, 7, "至少提前 30 天");
}

#[test]
fn rule3_more_candidates_than_seats() {
    let f = Fixture::new();
    f.edit(
        C,
        "current_role: 村民小组长, post: 主任}",
        "current_role: 村民小组长, post: 委员}",
    );
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, C, 10, "“主任”应选 1 名，候选人 1 名");
}

#[test]
fn rule3_party_branch_needs_20_percent_more() {
    let f = Fixture::new();
    f.write(
        "content/t/v/branch.md",
        "---
kind: candidates
title: 张庄村党支部委员会委员候选人预备人选公示
number: 张庄村党支字〔2026〕1号
issued_by: 中共张庄村支部委员会
issued_on: 2026-11-22
posted: {from: 2026-11-22, to: 2026-12-06}
body: party_branch
election_day: 2026-12-13
candidates:
  - {name: 王建国, gender: 男, ethnicity: 汉族, birth: \"1975-03\", education: 高中, political_status: 中共党员, post: 书记}
  - {name: 刘曌, gender: 女, ethnicity: 汉族, birth: \"1988-05\", education: 本科, political_status: 中共党员, post: 委员}
  - {name: 赵敏, gender: 女, ethnicity: 汉族, birth: \"1979-12\", education: 初中, political_status: 中共党员, post: 委员}
  - {name: 张三, gender: 男, ethnicity: 汉族, birth: \"1970-01\", education: 初中, political_status: 中共党员, post: 委员}
  - {name: 李四, gender: 男, ethnicity: 汉族, birth: \"1972-01\", education: 初中, political_status: 中共党员, post: 委员}
---
",
    );
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, "content/t/v/branch.md", 10, "至少需要 6 名");
}

#[test]
fn rule4_committee_size_within_profile() {
    let f = Fixture::new();
    f.edit(VY, "委员: 3}", "委员: 8}");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, VY, 4, "不在规定的 3–7 人之内");
}

#[test]
fn rule4_a_woman_among_candidates_is_a_warning() {
    let f = Fixture::new();
    let c = f.read(C).replace("gender: 女", "gender: 男");
    f.write(C, &c);
    let r = f.check();
    assert_eq!(r.code, 0, "a warning must not fail the run: {}", r.stderr);
    r.expect(false, C, 10, "没有女性");
}

#[test]
fn rule5_number_issuer_date_posted_are_required() {
    let f = Fixture::new();
    f.edit(V, "number: 张庄村选字〔2026〕1号\n", "");
    f.edit(V, "issued_by: 张庄村村民选举委员会\n", "");
    f.edit(A, "posted: {from: 2026-11-10, to: 2026-11-24}\n", "");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, V, 2, "缺少 number");
    r.expect(true, V, 2, "缺少 issued_by");
    r.expect(true, A, 2, "缺少 posted");
}

#[test]
fn rule5_an_objection_channel_is_required() {
    let f = Fixture::new();
    f.write(
        "content/site.yaml",
        &common::SITE.replace(
            "contacts:\n  - {label: 组织部门举报电话, phone: \"12380\"}\n",
            "",
        ),
    );
    f.write("content/t/area.yaml", "name: 城关镇\nlevel: 镇\n");
    f.edit(
        VY,
        "contacts:\n  - {label: 张庄村村民选举委员会, phone: \"0914-7723301\"}\n",
        "",
    );
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, C, 2, "没有任何异议反映渠道");
    r.find(false, "没有 12380");
}

#[test]
fn rule6_posting_period() {
    let f = Fixture::new();
    f.edit(
        C,
        "posted: {from: 2026-11-22, to: 2026-12-06}",
        "posted: {from: 2026-11-22, to: 2026-11-21}",
    );
    f.edit(V, "to: 2026-12-04}", "to: 2026-11-30}");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, C, 7, "早于开始日期");
    r.expect(false, V, 7, "公示期只有 11 天");
}

#[test]
fn rule7_exit_audit_before_polling_day() {
    let f = Fixture::new();
    f.edit(A, "issued_on: 2026-11-10", "issued_on: 2026-12-20");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, A, 6, "当天或之后");
}

#[test]
fn rule7_missing_exit_audit_near_polling_day_warns() {
    let f = Fixture::new();
    std::fs::remove_file(f.path(A)).unwrap();
    let r = f.check();
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.expect(false, VY, 3, "离任经济责任审计");
}

#[test]
fn rule7_every_finding_has_a_rectification_status() {
    let f = Fixture::new();
    f.edit(A, "  - {id: 1, text: 部分支出凭证不全。, amount_yuan: 23000}\n", "  - {id: 1, text: 部分支出凭证不全。, amount_yuan: 23000}\n  - {id: 2, text: 合同未经村民代表会议讨论。}\n");
    f.edit(A, "status: 已整改}", "status: 已经改了}");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, A, 14, "问题 2 没有整改情况");
    r.expect(true, A, 16, "整改状态“已经改了”无法识别");
}

#[test]
fn rule8_birth_is_year_month_only() {
    let f = Fixture::new();
    f.edit(C, "birth: \"1980-05\"", "birth: \"1980-05-17\"");
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, C, 12, "只写年和月");
}

#[test]
fn rule8_ages_are_computed_on_polling_day() {
    let f = Fixture::new();
    let r = f.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = f.read("output/t/v/candidates/index.html");
    // 王建国 born 1975-03, polling day 2026-12-20: 51. 周赟 born 1993-06: 33.
    assert!(page.contains("<td>1975.03</td><td>51</td>"), "{page}");
    assert!(page.contains("<td>1993.06</td><td>33</td>"), "{page}");
}

#[test]
fn rule9_duplicates_unknown_posts_dates_and_rules() {
    let f = Fixture::new();
    f.edit(C, "name: 孙强", "name: 陈喆");
    f.edit(
        C,
        "current_role: 村会计, post: 副主任",
        "current_role: 村会计, post: 会计",
    );
    f.edit(V, "issued_on: 2026-11-20", "issued_on: 2026-02-30");
    f.edit(
        "content/site.yaml",
        "rules: [jilv]",
        "rules: [jilv, shiyan]",
    );
    let r = f.check();
    assert_eq!(r.code, 1);
    r.expect(true, C, 18, "候选人“陈喆”重复出现");
    r.expect(true, C, 14, "拟任职务“会计”");
    r.expect(true, V, 6, "日期“2026-02-30”不存在");
    r.expect(true, "content/site.yaml", 7, "找不到纪律“shiyan”");
}

#[test]
fn rule9_unknown_keys_warn_with_the_nearest_key() {
    let f = Fixture::new();
    f.edit(VY, "polling_day:", "polling_dya:");
    f.edit(
        VY,
        "kind: village",
        "kind: village\npolling_day: 2026-12-20",
    );
    let r = f.check();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.find(false, "不认识的字段“polling_dya”");
    assert_eq!((d.file.as_str(), d.line, d.col), (VY, 4, 1));
    assert!(d.text.contains("polling_day"), "{}", d.text);
}

#[test]
fn all_diagnostics_of_a_run_come_at_once() {
    let f = Fixture::new();
    f.edit(V, "issued_on: 2026-11-20", "issued_on: 2026-13-01");
    f.edit(A, "status: 已整改}", "status: 不知道}");
    f.edit(VY, "委员: 3}", "委员: 9}");
    let r = f.check();
    assert_eq!(r.code, 1);
    let files: std::collections::BTreeSet<String> =
        r.errors().into_iter().map(|d| d.file).collect();
    assert!(
        files.contains(V) && files.contains(A) && files.contains(VY),
        "{}",
        r.stderr
    );
}

#[test]
fn chinese_keys_and_values_work_like_english_ones() {
    let f = Fixture::new();
    f.write(
        "content/t/v/zh.md",
        "---
类型: 选举公告
标题: 张庄村村民委员会选举公告
文号: 张庄村选字〔2026〕9号
落款: 张庄村村民选举委员会
发布日期: 2026-11-22
公示期: {起: 2026-11-22, 止: 2026-12-20}
选举: {选举日期: 2026-12-20, 地点: 村文化广场, 方式: 召开选举大会}
---
",
    );
    let r = f.check();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.diags().is_empty(), "{}", r.stderr);
}
