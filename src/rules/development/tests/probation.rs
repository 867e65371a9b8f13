//! R1.22 (oath), R1.23–1.25 (probation, extension, no early conversion, conversion vote and approver), R1.26.

use super::*;

#[test]
fn r1_22_oath_within_one_month_2026() {
    // Approval 2026-08-20: oath by 2026-09-20.
    let f = before(Tl::V26, Step::Oath);
    around(|d| check(&f, Step::Oath, d), date(2026, 9, 20), "R1.22", [None, None, Some(Severity::Warn)]);
    let v = check(&f, Step::Oath, date(2026, 9, 21));
    let x = one(&v, "R1.22");
    assert_eq!(x.fact_value("required"), Some("2026-09-20"));
    assert_eq!(x.fact_value("from"), Some("2026-08-20"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2026) 第二十九条");
}

#[test]
fn r1_22_no_oath_deadline_in_2014() {
    // Approval 2025-01-10: an oath on 2026-05-10 is judged by the 2014 细则 (no deadline).
    let f = before(Tl::V14, Step::Oath);
    around(
        |d| check(&f, Step::Oath, d),
        date(2026, 5, 11),
        "R1.22",
        [None, Some(Severity::Warn), Some(Severity::Warn)],
    );
}

#[test]
fn r1_22_month_end_and_override() {
    let mut f = before(Tl::V26, Step::Oath);
    f.steps.insert(Step::Approval, date(2027, 1, 31));
    f.steps.insert(Step::ApprovalFiling, date(2027, 2, 1));
    around(|d| check(&f, Step::Oath, d), date(2027, 2, 28), "R1.22", [None, None, Some(Severity::Warn)]);
    f.overrides =
        vec![Override { rule: "R1.22".into(), reason: "七一集中宣誓".into(), step: Step::Oath, round: 0 }];
    assert_eq!(one(&check(&f, Step::Oath, date(2027, 3, 1)), "R1.22").severity, Severity::Info);
}

#[test]
fn r1_25_no_conversion_before_probation_ends() {
    // Admission vote 2024-12-01: probation ends 2025-12-01.
    let f = before(Tl::V14, Step::ConversionVote);
    around(|d| check(&f, Step::ConversionVote, d), date(2025, 12, 1), "R1.25", [Some(Severity::Block), None, None]);
    let v = check(&f, Step::ConversionVote, date(2025, 11, 21));
    let x = one(&v, "R1.25");
    assert_eq!(x.fact_value("required"), Some("2025-12-01"));
    assert_eq!(x.fact_value("probation_end"), Some("2025-12-01"));
    assert_eq!(x.fact_value("admission_vote"), Some("2024-12-01"));
    assert_eq!(x.fact_value("gap"), Some("10"));
    assert!(x.message_zh.contains("不能提前转正"));
}

#[test]
fn r1_25_extension_moves_the_end() {
    let f = CaseFacts { probation_extensions: vec![6], ..before(Tl::V14, Step::ConversionVote) };
    around(|d| check(&f, Step::ConversionVote, d), date(2026, 6, 1), "R1.25", [Some(Severity::Block), None, None]);
    assert!(one(&check(&f, Step::ConversionVote, date(2026, 5, 1)), "R1.25").message_zh.contains("含延长期"));
}

#[test]
fn r1_25_leap_day_admission() {
    let mut f = before(Tl::V14, Step::ConversionVote);
    f.steps.insert(Step::AdmissionVote, date(2024, 2, 29));
    around(|d| check(&f, Step::ConversionVote, d), date(2025, 2, 28), "R1.25", [Some(Severity::Block), None, None]);
}

#[test]
fn r1_25_source_switches_on_2026_05_11() {
    let f = CaseFacts { probation_extensions: vec![7], ..before(Tl::V14, Step::ConversionVote) };
    let v = check(&f, Step::ConversionVote, date(2026, 5, 10));
    assert_eq!(one(&v, "R1.25").source, "《中国共产党发展党员工作细则》(2014) 第三十三条");
    let v = check(&f, Step::ConversionVote, date(2026, 5, 11));
    assert_eq!(one(&v, "R1.25").source, "《中国共产党发展党员工作细则》(2026) 第三十二条");
}

#[test]
fn r1_24_extension_of_six_to_twelve_months() {
    let base = before(Tl::V14, Step::ConversionVote);
    let count = |m| {
        let f = CaseFacts { probation_extensions: vec![m], ..base.clone() };
        of(&check(&f, Step::ConversionVote, date(2027, 1, 1)), "R1.24").len()
    };
    assert_eq!((count(5), count(6), count(7)), (1, 0, 0));
    assert_eq!((count(11), count(12), count(13)), (0, 0, 1));
    let f = CaseFacts { probation_extensions: vec![13], ..base };
    let v = check(&f, Step::ConversionVote, date(2027, 1, 1));
    let x = one(&v, "R1.24");
    assert_eq!(
        (x.fact_value("field"), x.fact_value("actual"), x.fact_value("gap")),
        (Some("probation_extensions"), Some("13"), Some("1"))
    );
    assert_eq!(x.fact_value("required"), Some("6–12"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2026) 第三十一条");
    // Judged before 2026-05-11: the 2014 numbering.
    let f = CaseFacts { probation_extensions: vec![5], ..before(Tl::V14, Step::ConversionVote) };
    let v = check(&f, Step::ConversionVote, date(2026, 5, 10));
    assert_eq!(one(&v, "R1.24").source, "《中国共产党发展党员工作细则》(2014) 第三十二条");
}

#[test]
fn r1_24_only_one_extension() {
    let f = CaseFacts { probation_extensions: vec![6, 6], ..before(Tl::V26, Step::ConversionVote) };
    let v = check(&f, Step::ConversionVote, today());
    let x = one(&v, "R1.24");
    assert_eq!((x.fact_value("actual"), x.fact_value("gap")), (Some("2"), Some("1")));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2026) 第三十一条");
}

#[test]
fn conversion_vote_uses_the_admission_arithmetic() {
    let f = CaseFacts { conversion_vote: None, ..before(Tl::V26, Step::ConversionVote) };
    let on = Tl::V26.on(Step::ConversionVote);
    let v = check(&f, Step::ConversionVote, on);
    assert_eq!(rules(&v), vec![("R1.16", Severity::Block)]);
    assert_eq!(v[0].fact_value("field"), Some("conversion_vote"));
    let f = CaseFacts { conversion_vote: Some(VoteInput { yes_votes: 10, no_votes: 7, ..good_vote() }), ..f };
    let v = check(&f, Step::ConversionVote, on);
    assert_eq!(one(&v, "R1.16").fact_value("vote"), Some("conversion_vote"));
    let vote = VoteInput { present_voters: 9, written_opinions: 0, yes_votes: 9, no_votes: 0, ..good_vote() };
    let f = CaseFacts { conversion_vote: Some(vote), ..f };
    assert!(one(&check(&f, Step::ConversionVote, on), "R1.15").is_block());
}

#[test]
fn r1_25_conversion_approved_by_a_committee() {
    let on = Tl::V26.on(Step::ConversionApproval);
    let f = CaseFacts {
        conversion_approving_org_kind: Some(OrgKind::GeneralBranch),
        ..before(Tl::V26, Step::ConversionApproval)
    };
    let v = check(&f, Step::ConversionApproval, on);
    let x = one(&v, "R1.25");
    assert!(x.is_block());
    assert_eq!(x.fact_value("field"), Some("conversion_approving_org_kind"));
    assert!(x.message_zh.contains("预备党员转正必须由党委审批"));
    let f = CaseFacts { conversion_approving_org_kind: None, ..f };
    assert_eq!(one(&check(&f, Step::ConversionApproval, on), "R1.25").fact_value("actual"), Some("未登记"));
    let f = CaseFacts { conversion_approving_org_kind: Some(OrgKind::UniversityCommittee), ..f };
    assert!(check(&f, Step::ConversionApproval, on).is_empty());
}

#[test]
fn r1_26_conversion_approval_within_three_months() {
    // Conversion vote 2025-12-01: approval by 2026-03-01.
    let f = before(Tl::V14, Step::ConversionApproval);
    around(|d| check(&f, Step::ConversionApproval, d), date(2026, 3, 1), "R1.26", [None, None, Some(Severity::Warn)]);
    assert_eq!(
        one(&check(&f, Step::ConversionApproval, date(2026, 3, 2)), "R1.26").source,
        "《中国共产党发展党员工作细则》(2014)"
    );
    let f = before(Tl::V26, Step::ConversionApproval);
    around(|d| check(&f, Step::ConversionApproval, d), date(2027, 10, 20), "R1.26", [None, None, Some(Severity::Warn)]);
    assert_eq!(
        one(&check(&f, Step::ConversionApproval, date(2027, 10, 21)), "R1.26").source,
        "《中国共产党发展党员工作细则》(2026) 第三十三条"
    );
}

#[test]
fn r1_26_month_end_and_no_hard_limit() {
    let mut f = before(Tl::V26, Step::ConversionApproval);
    f.steps.insert(Step::ConversionVote, date(2026, 11, 30));
    around(|d| check(&f, Step::ConversionApproval, d), date(2027, 2, 28), "R1.26", [None, None, Some(Severity::Warn)]);
    // Years late is still a warning: the 细则 sets no longer limit for conversions.
    assert_eq!(one(&check(&f, Step::ConversionApproval, date(2027, 12, 1)), "R1.26").severity, Severity::Warn);
}
