//! Tests of the detector: every written form, and what must stay unmasked.

#[test]
fn a_full_width_digit_after_a_hash_is_read_and_passed() {
    // Found by the test below: this looped forever, and the last guard would hang a build.
    // Then the fuzzer: glued to the digits after it, the token is no hash, and the guard
    // reads the chain as masking does (one chain, not starting on a gap: no number).
    for s in [
        "f6792e502e93１３９００００００１９",
        "f6792e502e93 １３９００００００１９",
    ] {
        for mode in [Mode::Plain, Mode::Html] {
            let mut guard = Vec::new();
            scan(s, mode, true, &mut guard);
            let masking = find_in(s, mode);
            assert_eq!(guard.len(), masking.len(), "{mode:?} {s}");
        }
    }
    let mut out = Vec::new();
    scan(
        "f6792e502e93 １３９００００００１９",
        Mode::Html,
        true,
        &mut out,
    );
    assert_eq!(out.len(), 1);
    // The fuzzer again: past an invisible character the guard starts a chain after the
    // hash where a plain reading goes on through it; masking reads both ways.
    let s = "f6792e502e93\u{1a}１３９００００００１９";
    let mut guard = Vec::new();
    scan(s, Mode::Html, true, &mut guard);
    assert_eq!(guard.len(), 1);
    let masked = apply_with(s, &find_in(s, Mode::Html), |_| "*");
    let mut left = Vec::new();
    scan(&masked, Mode::Html, true, &mut left);
    assert!(left.is_empty(), "{masked}");
}

#[test]
fn short_chains_passed_without_a_walk_change_nothing() {
    // Pieces a chain can be made of, and what ends one; every mode but Typst.
    let parts = [
        "1",
        "39",
        "0000",
        "2026",
        " ",
        "-",
        ".",
        "*",
        "\\",
        "\n",
        "<br>",
        "</a>",
        "<p>",
        "<span title=\"1\">",
        "<i a='x>'>",
        "&#49;",
        "&nbsp;",
        "&amp;",
        "X",
        "x",
        "年",
        "\u{3000}",
        "\u{200B}",
        "１",
        "\"",
        "a",
        "#",
        "<",
        "\t",
        "<!-- 1 -->",
        "〕",
        "。",
        "，",
        "）",
        "：",
        "\u{3001}",
        "－",
        "h",
        "f6792e502e93",
        "abcdef",
        "&#x",
        "&#",
        ";",
        ">",
        "county",
        "139",
        "139",
        "0000",
        "0000",
        "0019",
        "13800138000",
        "610929198411023457",
        "6109291984",
        "0086",
        "86",
        "-",
        " ",
        "0914-",
        "1",
    ];
    let mut found = 0;
    for seed in 0..5000u32 {
        let mut s = String::new();
        let mut x = seed.wrapping_mul(2_654_435_761) | 1;
        for _ in 0..(seed % 40) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            s.push_str(parts[(x % parts.len() as u32) as usize]);
        }
        for mode in [Mode::Plain, Mode::Html, Mode::Attr] {
            let (mut quick, mut full) = (Vec::new(), Vec::new());
            scan_with(&s, mode, true, &mut quick, true);
            scan_with(&s, mode, true, &mut full, false);
            let spans = |v: &[Found]| v.iter().map(|f| (f.start, f.end)).collect::<Vec<_>>();
            assert_eq!(spans(&quick), spans(&full), "{mode:?} {s:?}");
            found += full.len();
        }
    }
    // The pieces do make numbers, so the comparison is not between two empty lists.
    assert!(found > 2000, "{found}");
}

use super::*;

fn masked(t: &str) -> String {
    mask_all(t)
}

#[test]
fn masks_ids_and_mobiles_keeping_length() {
    let t = "身份证620102199001011234，手机13812345678，座机0914-7712345，监督电话12380。";
    let f = find(t);
    assert_eq!(f.len(), 2);
    let m = apply(t, &f);
    assert!(m.contains("620102**********34"));
    assert!(m.contains("138****5678"));
    assert!(m.contains("0914-7712345"));
    assert!(m.contains("12380"));
    assert_eq!(m.len(), t.len());
    assert_eq!(f[0].masked, "620102**********34");
    assert_eq!(f[1].masked, "138****5678");
}

#[test]
fn id_with_x_and_separated_mobiles() {
    let t = "证号 11010519491231002X 电话 139-1234-5678 或 186 0000 1111";
    let m = masked(t);
    assert!(m.contains("110105**********2X"), "{m}");
    assert!(m.contains("139-****-5678"), "{m}");
    assert!(m.contains("186 **** 1111"), "{m}");
}

#[test]
fn full_width_digits_are_masked_too() {
    let t = "电话：１３８１２３４５６７８";
    let m = masked(t);
    assert_eq!(m.len(), t.len());
    assert!(m.contains("１３８＊＊＊＊５６７８"), "{m}");
}

#[test]
fn longer_digit_runs_are_not_numbers_of_people() {
    // An account number or a 12-digit area code is not a phone number.
    assert!(find("账号 6222021234567890123 区划代码 610929100201").is_empty());
    assert!(find("卡号 6222 0212 3456 7890 123").is_empty());
    assert!(find("2026-11-22 至 2026-11-29，监督电话 12380，座机 0914-7712345").is_empty());
    assert!(find("资产 135,000,000.00 元；收入 3,856,420.50 元").is_empty());
}

#[test]
fn every_written_form_is_found() {
    for digits in ["13812345678", "610929198411023457", "11010519491231002X"] {
        for form in 0..12 {
            let w = written_form(digits, form);
            for t in [
                w.clone(),
                format!("电话{w}。"),
                format!("0914-7712345 {w}"),
                format!("TEL{w}abc"),
            ] {
                let f = find(&t);
                assert_eq!(f.len(), 1, "{t:?} → {f:?}");
                assert!(f[0].masked.contains(&digits[..3]), "{t:?}");
                assert!(f[0].masked.contains("****"), "{t:?}");
            }
        }
    }
}

#[test]
fn spaced_id_numbers_and_prefixed_mobiles() {
    assert_eq!(find("610929 19841102 3457")[0].kind, Kind::IdNumber);
    let f = find("+8613812345678");
    assert_eq!(f[0].masked, "86138****5678");
    let f = find("008613812345678");
    assert_eq!(f[0].masked, "0086138****5678");
    assert_eq!(masked("+86 138 1234 5678"), "+86 138 **** 5678");
    // What masking one number leaves readable is masked too.
    let t = "1615-0011 139\u{200B}0000\u{200D}0012";
    let m = masked(t);
    assert!(find(&m).is_empty(), "{m}");
    // Two numbers that share digits are both masked.
    let t = "139 00086 139 0000 0005";
    let m = masked(t);
    assert!(find(&m).is_empty(), "{m}");
    assert_eq!(find("0086 139 0000 0005").len(), 1);
}

#[test]
fn invisible_characters_and_line_breaks_do_not_hide_a_number() {
    for t in [
        "138\u{200B}1234\u{200D}5678",
        "138\u{AD}12345678",
        "138\n1234\n5678",
        "138\u{202E}12345678",
        "1\u{FE0F}3812345678",
    ] {
        assert_eq!(find(t).len(), 1, "{t:?}");
    }
    // Too wide a gap is two texts.
    assert!(find("138 - - - - 12345678").is_empty());
}

#[test]
fn html_is_read_as_a_reader_sees_it() {
    for t in [
        "<p>138<!-- x -->12345678</p>",
        "<p><strong>138</strong>1234<em>5678</em></p>",
        "&#49;&#51;&#56;12345678",
        "&#x31;&#x33;&#x38;&#xff11;2345678",
        "138&nbsp;1234&ZeroWidthSpace;5678",
        "138<br>1234<br/>5678",
        "<a title=\"13812345678\">x</a>",
        "<span>138</span><span>1234</span><span>5678</span>",
    ] {
        let f = find_in(t, Mode::Html);
        assert_eq!(f.len(), 1, "{t:?} → {f:?}");
        let m = apply(t, &f);
        assert!(find_in(&m, Mode::Html).is_empty(), "{m}");
    }
    // A reference that is no digit ends the chain (and the scan goes on past it).
    assert!(find_in("&#39;&#39;138&#39;&#39;12345678", Mode::Html).is_empty());
    // Cells and paragraphs are separate texts.
    assert!(find_in("<td>138</td><td>12345678</td>", Mode::Html).is_empty());
    assert!(find_in("<p>2026-11-22</p><p>13:00</p>", Mode::Html).is_empty());
}

#[test]
fn hashes_gongshi_prints_are_not_numbers() {
    let mut out = Vec::new();
    scan(
        "核对码 a13812345678，哈希 0123456789abcdef0123456789abcdef",
        Mode::Html,
        true,
        &mut out,
    );
    assert!(out.is_empty(), "{out:?}");
    scan("TEL13812345678", Mode::Html, true, &mut out);
    assert_eq!(out.len(), 1);
}

proptest::proptest! {
    /// Whatever surrounds it, a number written in any form is found, and masking leaves
    /// none behind.
    #[test]
    fn any_form_anywhere_is_found(
        d in "1[3-9][0-9]{9}|[1-6][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9])[0-9]{3}[0-9X]",
        form in 0usize..12,
        before in "[a-z，。电话：\u{3000}]{0,6}",
        after in "[a-z，。号\u{3000}]{0,6}",
    ) {
        let t = format!("{before}{}{after}", written_form(&d, form));
        let f = find(&t);
        proptest::prop_assert!(!f.is_empty(), "{:?}", t);
        let m = apply(&t, &f);
        proptest::prop_assert!(find(&m).is_empty(), "{:?}", m);
    }

    /// The word-at-a-time search finds the same next candidate as a byte-at-a-time one.
    #[test]
    fn next_candidate_matches_a_byte_at_a_time_search(t in "(1|[0-9]{1,6}|[０-９]{1,4}|𝟏|[ \\-]|X|：|弓|，|a{1,40}|村民委员会{1,8}){0,40}") {
        let b = t.as_bytes();
        for i in 0..=b.len() {
            let want = (i..b.len()).find(|&j| digit_at(b, j).is_some());
            proptest::prop_assert_eq!(next_candidate(b, i), want, "{} at {}", t, i);
        }
    }

    /// Asked again from further on, as [`scan`] asks, the kept block gives the same.
    #[test]
    fn candidates_kept_between_calls_match_a_fresh_search(t in "(1|[0-9]{1,6}|[０-９]{1,4}|𝟏|[ \\-]|X|：|弓|，|a{1,40}|村民委员会{1,8}){0,40}", steps in proptest::collection::vec(1usize..40, 1..30)) {
        let b = t.as_bytes();
        let mut c = Candidates::new(b);
        let mut i = 0;
        for step in steps {
            if i > b.len() {
                break;
            }
            let want = (i..b.len()).find(|&j| digit_at(b, j).is_some());
            proptest::prop_assert_eq!(c.next(i), want, "{} at {}", t, i);
            i += step;
        }
    }

    /// The quick test never turns away a text with a number in it.
    #[test]
    fn may_hold_never_skips_a_number(t in "(1[3-9]|１３|𝟏𝟑|&#49;|[0-9]{1,5}|[０-９]{1,3}|[ \\-]|X|至|a{1,10}|，){0,20}") {
        if !may_hold(t.as_bytes()) {
            proptest::prop_assert!(find_in(&t, Mode::Html).is_empty(), "{}", t);
        }
    }
}
