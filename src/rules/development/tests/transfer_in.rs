//! R1.27 (2026): a probationary member who transferred in; R1.9 transit days; one justification per decision.

use super::*;

/// Checks on `on` with a check date after every date used here.
fn late_check(f: &CaseFacts, step: Step, on: NaiveDate) -> Vec<Finding> {
    check_step(f, step, on, date(2030, 1, 1), &settings(), &cal())
}

/// The 2026 fixture before its conversion vote (admission vote 2026-07-20: probation ends
/// 2027-07-20), the member having transferred in on `arrived`.
fn moved_in(arrived: Option<NaiveDate>) -> CaseFacts {
    CaseFacts { probation_transfer_in: arrived, ..before(Tl::V26, Step::ConversionVote) }
}

#[test]
fn r1_27_postponement_up_to_six_months_after_probation_end() {
    let f = moved_in(Some(date(2027, 1, 10)));
    let at = |d| late_check(&f, Step::ConversionVote, d);
    // No finding on the end day itself; Info (naming the unchanged conversion date) the day after.
    around(at, date(2027, 7, 20), "R1.27", [None, None, Some(Severity::Info)]);
    // The six months end on 2028-01-20 (C1 inclusive): the day after is a warning (C5).
    around(at, date(2028, 1, 20), "R1.27", [Some(Severity::Info), Some(Severity::Info), Some(Severity::Warn)]);
    let v = at(date(2027, 10, 1));
    let x = one(&v, "R1.27");
    assert_eq!(x.fact_value("probation_end"), Some("2027-07-20"));
    assert_eq!(x.fact_value("required"), Some("2028-01-20"));
    assert!(x.message_zh.contains("转正时间仍为预备期满日 2027-07-20"), "{}", x.message_zh);
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2026) 第三十五条");
    let v = at(date(2028, 1, 21));
    assert!(one(&v, "R1.27").message_zh.contains("2028-01-20"));
    assert_eq!(one(&v, "R1.27").fact_value("gap"), Some("1"));
}

#[test]
fn r1_27_never_allows_an_early_conversion() {
    // R1.25 still applies: the day before the end is refused, transfer or not.
    let v = late_check(&moved_in(Some(date(2027, 1, 10))), Step::ConversionVote, date(2027, 7, 19));
    assert_eq!(one(&v, "R1.25").severity, Severity::Block);
    assert!(of(&v, "R1.27").is_empty());
}

#[test]
fn r1_27_only_for_members_who_transferred_in_before_the_vote() {
    // Never moved: no limit at all ("及时"), not even two years late.
    assert!(of(&late_check(&moved_in(None), Step::ConversionVote, date(2029, 7, 21)), "R1.27").is_empty());
    // Arriving after the discussion does not make it a postponement.
    let f = moved_in(Some(date(2028, 3, 1)));
    assert!(of(&late_check(&f, Step::ConversionVote, date(2028, 2, 1)), "R1.27").is_empty());
}

#[test]
fn r1_27_month_end_limit_follows_c2() {
    // Admission vote 2026-08-31: probation ends 2027-08-31, six months later is 2028-02-29 (clamped).
    let mut f = moved_in(Some(date(2027, 1, 10)));
    f.steps.insert(Step::AdmissionVote, date(2026, 8, 31));
    around(
        |d| late_check(&f, Step::ConversionVote, d),
        date(2028, 2, 29),
        "R1.27",
        [Some(Severity::Info), Some(Severity::Info), Some(Severity::Warn)],
    );
}

/// The 2014 fixture with the admission vote on 2024-06-01 (probation ends 2025-06-01), the member
/// having transferred in on 2025-01-10: six months after the end (2025-12-01) is still under 2014.
fn moved_in_2014() -> CaseFacts {
    let mut f = CaseFacts { probation_transfer_in: Some(date(2025, 1, 10)), ..before(Tl::V14, Step::ConversionVote) };
    f.steps.insert(Step::AdmissionVote, date(2024, 6, 1));
    f
}

#[test]
fn r1_27_does_not_exist_under_2014() {
    let f = moved_in_2014();
    for d in [date(2025, 6, 2), date(2025, 12, 1), date(2025, 12, 2), date(2026, 5, 10)] {
        assert!(of(&late_check(&f, Step::ConversionVote, d), "R1.27").is_empty(), "{d}");
    }
    // The same vote from 2026-05-11 (the 2026 rules) is past the six months: a warning.
    assert_eq!(one(&late_check(&f, Step::ConversionVote, date(2026, 5, 11)), "R1.27").severity, Severity::Warn);
}

#[test]
fn r1_27_due_list_follows_the_rule_set_of_today() {
    let v = next_steps(&moved_in_2014(), date(2025, 12, 2), &settings(), &cal());
    let d = v.iter().find(|d| d.step == Step::ConversionVote).unwrap();
    assert_eq!((d.earliest, d.latest, d.rule.as_str()), (Some(date(2025, 11, 20)), None, "R1.25"));
    let f = moved_in(Some(date(2027, 1, 10)));
    let v = next_steps(&f, date(2027, 8, 1), &settings(), &cal());
    let d = v.iter().find(|d| d.step == Step::ConversionVote).unwrap();
    assert_eq!((d.earliest, d.latest, d.rule.as_str()), (Some(date(2027, 7, 20)), Some(date(2028, 1, 20)), "R1.27"));
    assert!(d.note_zh.contains("转正时间仍为 2027-07-20"), "{}", d.note_zh);
    assert!(!next_steps(&f, date(2028, 1, 20), &settings(), &cal()).iter().any(|d| d.overdue));
    assert!(next_steps(&f, date(2028, 1, 21), &settings(), &cal()).iter().any(|d| d.overdue));
    // Not moved in: no latest date.
    let v = next_steps(&moved_in(None), date(2027, 8, 1), &settings(), &cal());
    assert_eq!(v.iter().find(|d| d.step == Step::ConversionVote).unwrap().latest, None);
}

/// An activist since 2024-03-01 who left one branch on 2024-09-30 and arrived at the next on 2024-10-21.
fn moved_activist() -> CaseFacts {
    let mut f = before(Tl::V14, Step::CandidateDetermination);
    f.steps.insert(Step::ActivistRecommendation, date(2024, 3, 1));
    f.activist_assessments = vec![date(2024, 8, 20), date(2025, 2, 10)];
    f.activist_periods = vec![
        ActivistPeriod { start: date(2024, 3, 1), end: Some(date(2024, 9, 30)) },
        ActivistPeriod { start: date(2024, 10, 21), end: None },
    ];
    f
}

#[test]
fn r1_9_transit_days_not_counted_by_default() {
    let f = moved_activist();
    around(
        |d| late_check(&f, Step::CandidateDetermination, d),
        date(2025, 3, 21),
        "R1.8",
        [Some(Severity::Block), None, None],
    );
    let v = late_check(&f, Step::CandidateDetermination, date(2025, 3, 20));
    assert_eq!(one(&v, "R1.8").fact_value("interruption_days"), Some("20"));
}

#[test]
fn r1_9_transit_days_counted_when_set() {
    let f = moved_activist();
    let s = DevelopmentSettings { transit_days_count: true, ..settings() };
    let at = |d| check_step(&f, Step::CandidateDetermination, d, date(2030, 1, 1), &s, &cal());
    around(at, date(2025, 3, 1), "R1.8", [Some(Severity::Block), None, None]);
    assert_eq!(one(&at(date(2025, 2, 28)), "R1.8").fact_value("interruption_days"), Some("0"));
    assert!(!one(&at(date(2025, 2, 28)), "R1.8").message_zh.contains("不计入"));
    let due = next_steps(&f, date(2025, 2, 1), &s, &cal());
    assert_eq!(due.iter().find(|d| d.step == Step::CandidateDetermination).unwrap().earliest, Some(date(2025, 3, 1)));
}

#[test]
fn a_justification_covers_its_step_only() {
    // R1.4 justified for the application step does not cover the talk's R1.4 warning.
    let mut f = before(Tl::V14, Step::Talk);
    f.overrides = vec![Override { rule: "R1.4".into(), reason: "说明".into(), step: Step::Application, round: 0 }];
    assert_eq!(one(&check(&f, Step::Talk, date(2023, 4, 11)), "R1.4").severity, Severity::Warn);
    f.overrides[0].step = Step::Talk;
    let v = check(&f, Step::Talk, date(2023, 4, 11));
    assert_eq!(one(&v, "R1.4").severity, Severity::Info);
    assert_eq!(one(&v, "R1.4").fact_value("override_step"), Some("第2步「党组织派人谈话」"));
}

#[test]
fn a_justification_covers_its_round_only() {
    // Conversion vote 2025-12-01; approval after 2026-03-01 warns (R1.26).
    let mut f = before(Tl::V14, Step::ConversionApproval);
    let round0 =
        Override { rule: "R1.26".into(), reason: "党委换届".into(), step: Step::ConversionApproval, round: 0 };
    f.overrides = vec![round0.clone()];
    assert_eq!(f.round(Step::ConversionApproval), 0);
    assert_eq!(one(&check(&f, Step::ConversionApproval, date(2026, 3, 2)), "R1.26").severity, Severity::Info);
    // After an approved extension the approval is in round 1: the round-0 justification is spent.
    f.probation_extensions = vec![6];
    assert_eq!(f.round(Step::ConversionApproval), 1);
    assert_eq!(one(&check(&f, Step::ConversionApproval, date(2026, 3, 2)), "R1.26").severity, Severity::Warn);
    f.overrides.push(Override { round: 1, ..round0 });
    let v = check(&f, Step::ConversionApproval, date(2026, 3, 2));
    assert_eq!(one(&v, "R1.26").severity, Severity::Info);
    assert_eq!(one(&v, "R1.26").fact_value("override_step"), Some("第24步「上级党委审批（转正）」（第2轮）"));
    // Steps outside the conversion are always round 0.
    assert_eq!(f.round(Step::Oath), 0);
}
