//! R1.7 (half-yearly assessment), R1.8 with R1.9 (one year, continuity; 2026 consent and 公示), R1.10 (sponsors).

use super::*;

/// The 2014 fixture just before listing, with the given activist stretches.
fn with_periods(periods: Vec<ActivistPeriod>) -> CaseFacts {
    CaseFacts {
        activist_periods: periods,
        activist_assessments: Vec::new(),
        ..before(Tl::V14, Step::CandidateDetermination)
    }
}

/// Checks listing on `d` against `f`, keeping only R1.8.
fn listing(f: &CaseFacts) -> impl Fn(NaiveDate) -> Vec<Finding> + '_ {
    move |d| check(f, Step::CandidateDetermination, d)
}

fn open(start: NaiveDate) -> ActivistPeriod {
    ActivistPeriod { start, end: None }
}

fn closed(start: NaiveDate, end: NaiveDate) -> ActivistPeriod {
    ActivistPeriod { start, end: Some(end) }
}

#[test]
fn r1_8_one_year_from_activist_determination() {
    // Activist from 2023-09-01: listing from 2024-09-01 (C1).
    let f = before(Tl::V14, Step::CandidateDetermination);
    around(listing(&f), date(2024, 9, 1), "R1.8", [Some(Severity::Block), None, None]);
    let v = check(&f, Step::CandidateDetermination, date(2024, 8, 21));
    let x = one(&v, "R1.8");
    assert_eq!(x.fact_value("activist_since"), Some("2023-09-01"));
    assert_eq!(x.fact_value("required"), Some("2024-09-01"));
    assert_eq!(x.fact_value("actual"), Some("2024-08-21"));
    assert_eq!(x.fact_value("gap"), Some("11"));
    assert_eq!(x.fact_value("interruption_days"), Some("0"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2014)");
}

#[test]
fn r1_8_from_leap_day_ends_feb_28() {
    let f = with_periods(vec![open(date(2024, 2, 29))]);
    around(listing(&f), date(2025, 2, 28), "R1.8", [Some(Severity::Block), None, None]);
}

#[test]
fn r1_8_from_feb_28_ends_feb_28() {
    let f = with_periods(vec![open(date(2025, 2, 28))]);
    around(listing(&f), date(2026, 2, 28), "R1.8", [Some(Severity::Block), None, None]);
}

#[test]
fn r1_8_month_end_clamp_with_longer_local_period() {
    // A local 13-month rule from 2025-01-31 ends on 2026-02-28 (C2).
    let f = with_periods(vec![open(date(2025, 1, 31))]);
    let s = DevelopmentSettings { activist_min_months: 13, ..settings() };
    let at = |d| check_step(&f, Step::CandidateDetermination, d, today(), &s, &cal());
    around(at, date(2026, 2, 28), "R1.8", [Some(Severity::Block), None, None]);
}

#[test]
fn r1_9_contiguous_transfer_counts_continuously() {
    let f = with_periods(vec![closed(date(2024, 3, 1), date(2024, 8, 31)), open(date(2024, 9, 1))]);
    around(listing(&f), date(2025, 3, 1), "R1.8", [Some(Severity::Block), None, None]);
}

#[test]
fn r1_9_interruption_between_units_is_not_counted() {
    let f = with_periods(vec![closed(date(2024, 3, 1), date(2024, 8, 31)), open(date(2024, 9, 11))]);
    around(listing(&f), date(2025, 3, 11), "R1.8", [Some(Severity::Block), None, None]);
    let v = check(&f, Step::CandidateDetermination, date(2025, 3, 10));
    let x = one(&v, "R1.8");
    assert_eq!(x.fact_value("interruption_days"), Some("10"));
    assert!(x.message_zh.contains("转接中断 10 天不计入"), "{}", x.message_zh);
}

#[test]
fn r1_9_unsorted_and_overlapping_stretches() {
    let f = with_periods(vec![open(date(2024, 9, 11)), closed(date(2024, 3, 1), date(2024, 8, 31))]);
    around(listing(&f), date(2025, 3, 11), "R1.8", [Some(Severity::Block), None, None]);
    // Overlap (materials arrived before the old stretch was closed) adds nothing and takes nothing.
    let f = with_periods(vec![closed(date(2024, 3, 1), date(2024, 9, 30)), open(date(2024, 9, 1))]);
    around(listing(&f), date(2025, 3, 1), "R1.8", [Some(Severity::Block), None, None]);
}

#[test]
fn r1_8_2026_consent_needs_the_year_too() {
    let mut f = before(Tl::V26, Step::CandidateFiling);
    f.activist_periods = vec![open(date(2025, 6, 1))];
    f.activist_assessments.clear();
    around(|d| check(&f, Step::CandidateFiling, d), date(2026, 6, 1), "R1.8", [Some(Severity::Block), None, None]);
    let v = check(&f, Step::CandidateFiling, date(2026, 5, 31));
    assert_eq!(one(&v, "R1.8").source, "《中国共产党发展党员工作细则》(2026) 第十三条");
}

#[test]
fn r1_8_2014_filing_has_no_year_check_of_its_own() {
    let mut f = before(Tl::V14, Step::CandidateFiling);
    f.activist_periods = vec![open(date(2024, 1, 1))];
    assert!(check(&f, Step::CandidateFiling, Tl::V14.on(Step::CandidateFiling)).is_empty());
}

#[test]
fn r1_7_assessment_every_six_months() {
    // Activist from 2023-09-01: first assessment due by 2024-03-01.
    let base = before(Tl::V14, Step::CandidateDetermination);
    let on = Tl::V14.on(Step::CandidateDetermination);
    let at = |d| {
        let f = CaseFacts { activist_assessments: vec![d, date(2024, 8, 29)], ..base.clone() };
        check(&f, Step::CandidateDetermination, on)
    };
    around(at, date(2024, 3, 1), "R1.7", [None, None, Some(Severity::Warn)]);
    let f = CaseFacts { activist_assessments: vec![date(2024, 3, 2), date(2024, 8, 29)], ..base.clone() };
    let v = check(&f, Step::CandidateDetermination, on);
    let x = one(&v, "R1.7");
    assert_eq!(x.fact_value("field"), Some("activist_assessments"));
    assert_eq!(x.fact_value("actual"), Some("2023-09-01"));
    assert_eq!(x.fact_value("required"), Some("2024-03-01"));
    assert_eq!(x.fact_value("gap"), Some("1"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2014) 第十一条");
}

#[test]
fn r1_7_last_window_runs_to_the_listing() {
    let f = CaseFacts { activist_assessments: vec![date(2024, 3, 1)], ..before(Tl::V14, Step::CandidateDetermination) };
    around(listing(&f), date(2024, 9, 1), "R1.7", [None, None, Some(Severity::Warn)]);
}

#[test]
fn r1_7_no_assessment_counts_missing_half_years() {
    let f = CaseFacts { activist_assessments: vec![], ..before(Tl::V14, Step::CandidateDetermination) };
    let v = check(&f, Step::CandidateDetermination, date(2024, 9, 2));
    assert_eq!(one(&v, "R1.7").fact_value("gap"), Some("2"));
    let v = check(&f, Step::CandidateDetermination, date(2024, 9, 1));
    assert_eq!(one(&v, "R1.7").fact_value("gap"), Some("1"));
    // Assessments before the activist start do not count.
    let f = CaseFacts { activist_assessments: vec![date(2023, 8, 1), date(2024, 3, 1)], ..f };
    let v = check(&f, Step::CandidateDetermination, date(2024, 9, 2));
    assert_eq!(one(&v, "R1.7").fact_value("actual"), Some("2024-03-01"));
}

#[test]
fn r1_7_override_downgrades() {
    let mut f = CaseFacts { activist_assessments: vec![], ..before(Tl::V14, Step::CandidateDetermination) };
    f.overrides = vec![Override {
        rule: "R1.7".into(),
        reason: "考察记录为纸质，已补录".into(),
        step: Step::CandidateDetermination,
        round: 0,
    }];
    let v = check(&f, Step::CandidateDetermination, date(2024, 9, 2));
    assert_eq!(one(&v, "R1.7").severity, Severity::Info);
}

#[test]
fn r1_8_2026_listing_needs_consent_and_publicity() {
    // Same case, listed the day before and the day the 2026 细则 took effect.
    let mut f = before(Tl::V26, Step::CandidateDetermination);
    f.steps.remove(&Step::CandidateFiling);
    f.publicity = None;
    assert!(check(&f, Step::CandidateDetermination, date(2026, 5, 10)).is_empty());
    let v = check(&f, Step::CandidateDetermination, date(2026, 5, 11));
    assert_eq!(rules(&v), vec![("R1.8", Severity::Block), ("R1.8", Severity::Block)]);
    assert_eq!(v[0].fact_value("missing_step"), Some("candidate_filing"));
    assert_eq!(v[0].fact_value("required"), Some("报上级党委同意并公示"));
    assert_eq!(v[1].fact_value("field"), Some("publicity"));
    assert_eq!(v[1].source, "《中国共产党发展党员工作细则》(2026) 第十三条");
}

#[test]
fn r1_8_publicity_of_five_working_days() {
    let mut f = before(Tl::V26, Step::CandidateDetermination);
    let on = Tl::V26.on(Step::CandidateDetermination);
    // 2026-06-02 (Tue) .. 06-08 (Mon) = 5 working days.
    assert!(check(&f, Step::CandidateDetermination, on).is_empty());
    f.publicity = Some(Publicity { start: date(2026, 6, 2), end: date(2026, 6, 5), objections_open: false });
    let v = check(&f, Step::CandidateDetermination, on);
    let x = one(&v, "R1.8");
    assert_eq!(x.fact_value("actual"), Some("4"));
    assert_eq!(x.fact_value("required"), Some("5"));
    assert_eq!(x.fact_value("gap"), Some("1"));
    assert_eq!(x.fact_value("publicity_end"), Some("2026-06-05"));
    assert!(x.message_zh.contains("应至少公示到 2026-06-08"), "{}", x.message_zh);
}

/// The 2026 fixture with consent on `consent`, a 公示 from `start` to `end`, listed on `listing`.
fn publicity_case(consent: NaiveDate, start: NaiveDate, end: NaiveDate) -> CaseFacts {
    let mut f = before(Tl::V26, Step::CandidateDetermination);
    f.steps.insert(Step::CandidateFiling, consent);
    f.publicity = Some(Publicity { start, end, objections_open: false });
    // Keep the half-yearly assessments current for an autumn listing.
    f.activist_assessments.push(date(2026, 8, 1));
    f
}

#[test]
fn r1_8_publicity_across_national_day() {
    // 09-30, (10-01..07 off), 10-08, 10-09, 10-10 (Saturday, 调休), 10-12.
    let f = publicity_case(date(2026, 9, 28), date(2026, 9, 30), date(2026, 10, 12));
    assert!(check(&f, Step::CandidateDetermination, date(2026, 10, 13)).is_empty());
    let f = publicity_case(date(2026, 9, 28), date(2026, 9, 30), date(2026, 10, 10));
    let v = check(&f, Step::CandidateDetermination, date(2026, 10, 13));
    let x = one(&v, "R1.8");
    assert_eq!(x.fact_value("actual"), Some("4"));
    assert!(x.message_zh.contains("应至少公示到 2026-10-12"), "{}", x.message_zh);
}

#[test]
fn r1_8_makeup_saturday_counts_as_a_publicity_day() {
    // 10-08, 10-09, 10-10 (调休 Saturday), 10-12, 10-13: five working days.
    let f = publicity_case(date(2026, 10, 8), date(2026, 10, 8), date(2026, 10, 13));
    assert!(check(&f, Step::CandidateDetermination, date(2026, 10, 14)).is_empty());
    let f = publicity_case(date(2026, 10, 8), date(2026, 10, 8), date(2026, 10, 12));
    assert_eq!(
        one(&check(&f, Step::CandidateDetermination, date(2026, 10, 14)), "R1.8").fact_value("actual"),
        Some("4")
    );
}

#[test]
fn r1_8_listing_after_the_last_publicity_day() {
    // 公示 ends 2026-06-08: listing from 06-09 by default (C4).
    let f = before(Tl::V26, Step::CandidateDetermination);
    around(listing(&f), date(2026, 6, 9), "R1.8", [Some(Severity::Block), None, None]);
    let v = check(&f, Step::CandidateDetermination, date(2026, 6, 8));
    let x = one(&v, "R1.8");
    assert_eq!(x.fact_value("field"), Some("event_date"));
    assert_eq!(x.fact_value("required"), Some("2026-06-09"));
    assert_eq!(x.fact_value("publicity_start"), Some("2026-06-02"));
}

#[test]
fn r1_8_setting_allows_listing_on_the_last_day() {
    let f = before(Tl::V26, Step::CandidateDetermination);
    let s = DevelopmentSettings { publicity_listing_after_last_day: false, ..settings() };
    let at = |d| check_step(&f, Step::CandidateDetermination, d, today(), &s, &cal());
    around(at, date(2026, 6, 8), "R1.8", [Some(Severity::Block), None, None]);
}

#[test]
fn r1_8_open_objections_block() {
    let mut f = before(Tl::V26, Step::CandidateDetermination);
    f.publicity = Some(Publicity { start: date(2026, 6, 2), end: date(2026, 6, 8), objections_open: true });
    let v = check(&f, Step::CandidateDetermination, Tl::V26.on(Step::CandidateDetermination));
    let x = one(&v, "R1.8");
    assert_eq!(x.fact_value("field"), Some("publicity"));
    assert_eq!(x.fact_value("actual"), Some("未了结"));
}

#[test]
fn r1_8_publicity_before_consent_blocks() {
    let f = publicity_case(date(2026, 6, 1), date(2026, 5, 29), date(2026, 6, 8));
    let v = check(&f, Step::CandidateDetermination, date(2026, 6, 9));
    let x = one(&v, "R1.8");
    assert_eq!(x.fact_value("actual"), Some("2026-05-29"));
    assert_eq!(x.fact_value("required"), Some("2026-06-01"));
    let f = publicity_case(date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 8));
    assert!(check(&f, Step::CandidateDetermination, date(2026, 6, 9)).is_empty());
}

#[test]
fn r1_8_no_national_publicity_rule_before_2026() {
    let mut f = before(Tl::V14, Step::CandidateDetermination);
    f.publicity = Some(Publicity { start: date(2024, 8, 30), end: date(2024, 8, 30), objections_open: true });
    assert!(check(&f, Step::CandidateDetermination, Tl::V14.on(Step::CandidateDetermination)).is_empty());
}

#[test]
fn r1_10_two_full_sponsors() {
    let mut f = before(Tl::V14, Step::SponsorAssignment);
    let on = Tl::V14.on(Step::SponsorAssignment);
    for (sponsors, n) in
        [(vec![full(21, "王一")], "1"), (vec![full(21, "王一"), full(22, "王二"), full(23, "王三")], "3")]
    {
        f.sponsors = sponsors;
        let v = check(&f, Step::SponsorAssignment, on);
        let x = one(&v, "R1.10");
        assert!(x.is_block());
        assert_eq!(
            (x.fact_value("field"), x.fact_value("actual"), x.fact_value("gap")),
            (Some("sponsors"), Some(n), Some("1"))
        );
        assert_eq!(x.source, "《中国共产党章程》第五条");
    }
    // One person named twice is one sponsor.
    f.sponsors = vec![full(21, "王一"), full(21, "王一")];
    assert_eq!(one(&check(&f, Step::SponsorAssignment, on), "R1.10").fact_value("actual"), Some("1"));
}

#[test]
fn r1_10_probationary_sponsor_blocks() {
    let mut f = before(Tl::V14, Step::SponsorAssignment);
    f.sponsors[1].status = MemberStatus::Probationary;
    let v = check(&f, Step::SponsorAssignment, Tl::V14.on(Step::SponsorAssignment));
    let x = one(&v, "R1.10");
    assert!(x.is_block());
    assert_eq!(x.fact_value("member_id"), Some("22"));
    assert_eq!(x.fact_value("member_name"), Some("王二"));
}

#[test]
fn r1_10_party_probation_blocks_under_both_versions() {
    for tl in [Tl::V14, Tl::V26] {
        let mut f = before(tl, Step::SponsorAssignment);
        f.sponsors[0].under_probation_penalty = true;
        f.overrides =
            vec![Override { rule: "R1.10".into(), reason: "无".into(), step: Step::SponsorAssignment, round: 0 }];
        let v = check(&f, Step::SponsorAssignment, tl.on(Step::SponsorAssignment));
        assert_eq!(rules(&v), vec![("R1.10", Severity::Block)], "{tl:?}");
        assert!(v[0].message_zh.contains("留党察看"));
    }
}

#[test]
fn r1_10_penalty_impact_period_warns_from_2026_05_11() {
    let mut f = before(Tl::V26, Step::SponsorAssignment);
    f.steps.remove(&Step::CandidateDetermination);
    f.steps.insert(Step::CandidateDetermination, date(2026, 5, 1));
    f.sponsors[1].in_penalty_impact_period = true;
    around(
        |d| check(&f, Step::SponsorAssignment, d),
        date(2026, 5, 11),
        "R1.10",
        [None, Some(Severity::Warn), Some(Severity::Warn)],
    );
    let v = check(&f, Step::SponsorAssignment, date(2026, 5, 11));
    assert_eq!(one(&v, "R1.10").source, "《中国共产党发展党员工作细则》(2026) 第十四条");
    assert!(one(&v, "R1.10").message_zh.contains("不宜"));
}

#[test]
fn r1_10_rechecked_at_the_branch_meeting() {
    let mut f = before(Tl::V26, Step::AdmissionVote);
    f.sponsors.pop();
    let v = check(&f, Step::AdmissionVote, Tl::V26.on(Step::AdmissionVote));
    assert_eq!(rules(&v), vec![("R1.10", Severity::Block)]);
}
