//! R1.24 (the decision at the end of probation: conversion, one extension of 6–12 months, or
//! cancellation) and R1.28 (the archive checklist before a case is closed).

use super::*;

fn decided(outcome: ProbationOutcome, extension_months: Option<u32>) -> CaseFacts {
    CaseFacts {
        conversion_decision: Some(ConversionDecision { outcome, extension_months }),
        ..before(Tl::V14, Step::ConversionVote)
    }
}

#[test]
fn r1_24_extension_months_at_the_boundaries() {
    // Probation ends 2025-12-01 (admission vote 2024-12-01); the decision is taken on the day.
    let on = date(2025, 12, 1);
    let count = |m| {
        of(&check(&decided(ProbationOutcome::ProbationExtension, Some(m)), Step::ConversionVote, on), "R1.24").len()
    };
    assert_eq!((count(5), count(6), count(7)), (1, 0, 0));
    assert_eq!((count(11), count(12), count(13)), (0, 0, 1));
    let v = check(&decided(ProbationOutcome::ProbationExtension, Some(5)), Step::ConversionVote, on);
    let x = one(&v, "R1.24");
    assert!(x.is_block());
    assert_eq!(
        (x.fact_value("field"), x.fact_value("actual"), x.fact_value("gap")),
        (Some("extension_months"), Some("5"), Some("1"))
    );
    assert_eq!(x.fact_value("required"), Some("6–12"));
}

#[test]
fn r1_24_extension_needs_its_length() {
    let v = check(&decided(ProbationOutcome::ProbationExtension, None), Step::ConversionVote, date(2025, 12, 1));
    let x = one(&v, "R1.24");
    assert_eq!((x.fact_value("field"), x.fact_value("actual")), (Some("extension_months"), Some("未填写")));
}

#[test]
fn r1_24_a_second_extension_is_refused() {
    let f = CaseFacts { probation_extensions: vec![6], ..decided(ProbationOutcome::ProbationExtension, Some(6)) };
    // Probation now ends 2026-06-01; a second extension decided then is blocked, conversion is not.
    let v = check(&f, Step::ConversionVote, date(2026, 6, 1));
    let x = one(&v, "R1.24");
    assert_eq!((x.fact_value("field"), x.fact_value("actual")), (Some("outcome"), Some("1")));
    assert!(x.message_zh.contains("只能延长一次"));
    let f = CaseFacts { conversion_decision: None, ..f };
    assert!(of(&check(&f, Step::ConversionVote, date(2026, 6, 1)), "R1.24").is_empty());
}

#[test]
fn r1_25_extension_is_decided_when_probation_ends_cancellation_any_time() {
    let ext = decided(ProbationOutcome::ProbationExtension, Some(6));
    around(|d| check(&ext, Step::ConversionVote, d), date(2025, 12, 1), "R1.25", [Some(Severity::Block), None, None]);
    let cancel = decided(ProbationOutcome::ProbationCancelled, None);
    around(|d| check(&cancel, Step::ConversionVote, d), date(2025, 12, 1), "R1.25", [None, None, None]);
    let conv = decided(ProbationOutcome::Conversion, None);
    around(|d| check(&conv, Step::ConversionVote, d), date(2025, 12, 1), "R1.25", [Some(Severity::Block), None, None]);
}

#[test]
fn r1_28_archive_needs_the_whole_checklist() {
    let on = Tl::V26.on(Step::Archive);
    let f = CaseFacts {
        archive_missing: vec!["政审材料".into(), "转正申请书".into()],
        ..before(Tl::V26, Step::Archive)
    };
    let v = check(&f, Step::Archive, on);
    let x = one(&v, "R1.28");
    assert!(x.is_block());
    assert_eq!(x.fact_value("actual"), Some("政审材料、转正申请书"));
    assert_eq!(x.fact_value("gap"), Some("2"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2026) 第三十六条");
    let f = CaseFacts { archive_missing: Vec::new(), ..f };
    assert!(check(&f, Step::Archive, on).is_empty());
}

#[test]
fn cancelled_probation_has_nothing_left_to_archive() {
    let mut f = decided(ProbationOutcome::ProbationCancelled, None);
    f.steps.insert(Step::ConversionVote, date(2025, 12, 1));
    f.steps.insert(Step::ConversionApproval, date(2025, 12, 10));
    let due = next_steps(&f, date(2025, 12, 11), &settings(), &cal());
    assert!(due.iter().all(|d| d.step != Step::Archive), "{due:?}");
    let f = CaseFacts { conversion_decision: None, ..f };
    let due = next_steps(&f, date(2025, 12, 11), &settings(), &cal());
    assert!(due.iter().any(|d| d.step == Step::Archive));
}

#[test]
fn c2_month_end_clamp_or_roll_over() {
    let clamp = settings();
    let roll = DevelopmentSettings { month_end_clamp: false, ..settings() };
    assert_eq!(clamp.add_months(date(2027, 1, 31), 1), date(2027, 2, 28));
    assert_eq!(roll.add_months(date(2027, 1, 31), 1), date(2027, 3, 1));
    assert_eq!(clamp.add_months(date(2028, 1, 31), 1), date(2028, 2, 29));
    assert_eq!(roll.add_months(date(2028, 1, 30), 1), date(2028, 3, 1));
    // A day every month has is the same under both.
    assert_eq!(roll.add_months(date(2027, 1, 28), 1), date(2027, 2, 28));
}

#[test]
fn c1_inclusive_or_exclusive_periods() {
    let inc = settings();
    let exc = DevelopmentSettings { periods_inclusive: false, ..settings() };
    assert_eq!(inc.period_min(date(2025, 3, 15), 12), date(2026, 3, 15));
    assert_eq!(exc.period_min(date(2025, 3, 15), 12), date(2026, 3, 16));
    assert_eq!(inc.period_max(date(2025, 3, 15), 1), date(2025, 4, 15));
    assert_eq!(exc.period_max(date(2025, 3, 15), 1), date(2025, 4, 14));
}

#[test]
fn c1_exclusive_moves_the_probation_end_and_the_talk_deadline() {
    // Admission vote 2024-12-01: probation complete on 2025-12-01 (inclusive) or 2025-12-02 (exclusive).
    let f = before(Tl::V14, Step::ConversionVote);
    let exc = DevelopmentSettings { periods_inclusive: false, ..settings() };
    assert_eq!(f.probation_end(&settings()), Some(date(2025, 12, 1)));
    assert_eq!(f.probation_end(&exc), Some(date(2025, 12, 2)));
    let judge = |s: &DevelopmentSettings, d| check_step(&f, Step::ConversionVote, d, today(), s, &cal());
    around(|d| judge(&exc, d), date(2025, 12, 2), "R1.25", [Some(Severity::Block), None, None]);
    // The talk within one month of the application (R1.4): the last day moves one day earlier.
    let t = before(Tl::V14, Step::Talk);
    let applied = t.date(Step::Application).unwrap();
    let last = exc.period_max(applied, 1);
    let judge = |d| check_step(&t, Step::Talk, d, today(), &exc, &cal());
    around(judge, last.succ_opt().unwrap(), "R1.4", [None, Some(Severity::Warn), Some(Severity::Warn)]);
}

#[test]
fn c2_roll_over_moves_an_activist_year_from_a_leap_day() {
    // An activist from 2024-02-29: one year later is 2025-02-28 (clamp) or 2025-03-01 (roll over).
    let roll = DevelopmentSettings { month_end_clamp: false, ..settings() };
    assert_eq!(settings().period_min(date(2024, 2, 29), 12), date(2025, 2, 28));
    assert_eq!(roll.period_min(date(2024, 2, 29), 12), date(2025, 3, 1));
}

#[test]
fn c3_strict_or_at_least_half() {
    let v = |present, yes| VoteInput {
        eligible_voters: 10,
        present_voters: present,
        written_opinions: 0,
        yes_votes: yes,
        no_votes: 0,
        abstain_votes: 0,
    };
    // Strict (default): 6 of 10 needed for quorum and for passing.
    assert_eq!(vote_result_with(&v(5, 5), true), Ok(VoteOutcome::NoQuorum));
    assert_eq!(vote_result_with(&v(6, 5), true), Ok(VoteOutcome::Failed));
    assert_eq!(vote_result_with(&v(6, 6), true), Ok(VoteOutcome::Passed));
    // At least half: 5 of 10 suffices; 4 does not.
    assert_eq!(vote_result_with(&v(4, 4), false), Ok(VoteOutcome::NoQuorum));
    assert_eq!(vote_result_with(&v(5, 4), false), Ok(VoteOutcome::Failed));
    assert_eq!(vote_result_with(&v(5, 5), false), Ok(VoteOutcome::Passed));
    // Odd counts: both readings need 6 of 11.
    let odd = VoteInput { eligible_voters: 11, present_voters: 6, yes_votes: 5, ..v(6, 5) };
    assert_eq!(vote_result_with(&odd, false), Ok(VoteOutcome::Failed));
}

#[test]
fn c3_setting_reaches_the_admission_check() {
    let f = CaseFacts {
        admission_vote: Some(VoteInput {
            eligible_voters: 10,
            present_voters: 10,
            written_opinions: 0,
            yes_votes: 5,
            no_votes: 5,
            abstain_votes: 0,
        }),
        ..before(Tl::V14, Step::AdmissionVote)
    };
    let on = Tl::V14.on(Step::AdmissionVote);
    let strict = check_step(&f, Step::AdmissionVote, on, today(), &settings(), &cal());
    let x = one(&strict, "R1.16");
    assert_eq!((x.fact_value("required"), x.fact_value("gap")), (Some("6"), Some("1")));
    let lax = DevelopmentSettings { strict_majority: false, ..settings() };
    assert!(of(&check_step(&f, Step::AdmissionVote, on, today(), &lax, &cal()), "R1.16").is_empty());
}
