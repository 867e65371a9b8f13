//! What is due next (issue 3 §4).

use super::*;

fn due(f: &CaseFacts, today: NaiveDate) -> Vec<Due> {
    next_steps(f, today, &settings(), &cal())
}

fn steps_of(v: &[Due]) -> Vec<Step> {
    v.iter().map(|d| d.step).collect()
}

fn find(v: &[Due], step: Step) -> &Due {
    v.iter().find(|d| d.step == step).unwrap()
}

#[test]
fn new_case_is_due_its_application() {
    let f = before(Tl::V14, Step::Application);
    let v = due(&f, date(2023, 3, 1));
    assert_eq!(steps_of(&v), vec![Step::Application]);
    assert_eq!((v[0].earliest, v[0].latest, v[0].overdue), (None, None, false));
}

#[test]
fn talk_is_due_within_a_month() {
    let f = before(Tl::V14, Step::Talk);
    let v = due(&f, date(2023, 3, 10));
    assert_eq!(steps_of(&v), vec![Step::Talk]);
    assert_eq!(v[0].earliest, Some(date(2023, 3, 1)));
    assert_eq!(v[0].latest, Some(date(2023, 4, 1)));
    assert_eq!(v[0].rule, "R1.4");
    assert!(v[0].note_zh.contains("2023-04-01"));
    assert!(!due(&f, date(2023, 4, 1))[0].overdue);
    assert!(due(&f, date(2023, 4, 2))[0].overdue);
}

#[test]
fn activist_stage_shows_assessment_and_candidate_dates() {
    let mut f = before(Tl::V14, Step::CandidateDetermination);
    f.activist_assessments = vec![date(2024, 3, 1)];
    let v = due(&f, date(2024, 5, 1));
    assert_eq!(steps_of(&v), vec![Step::ActivistEducation, Step::CandidateDetermination]);
    let a = find(&v, Step::ActivistEducation);
    assert_eq!((a.rule.as_str(), a.latest, a.overdue), ("R1.7", Some(date(2024, 9, 1)), false));
    assert!(due(&f, date(2024, 9, 2))[0].overdue);
    let c = find(&v, Step::CandidateDetermination);
    assert_eq!((c.rule.as_str(), c.earliest, c.latest), ("R1.8", Some(date(2024, 9, 1)), None));
}

#[test]
fn transfer_gap_delays_the_candidate_date() {
    let mut f = before(Tl::V14, Step::CandidateDetermination);
    f.activist_periods = vec![
        ActivistPeriod { start: date(2024, 3, 1), end: Some(date(2024, 8, 31)) },
        ActivistPeriod { start: date(2024, 9, 11), end: None },
    ];
    f.activist_assessments.clear();
    let v = due(&f, date(2024, 10, 1));
    assert_eq!(find(&v, Step::CandidateDetermination).earliest, Some(date(2025, 3, 11)));
    // Assessments run from the first stretch.
    assert_eq!(find(&v, Step::ActivistEducation).latest, Some(date(2024, 9, 1)));
    assert!(find(&v, Step::ActivistEducation).overdue);
}

#[test]
fn consent_comes_first_under_2026() {
    let f = before(Tl::V26, Step::CandidateFiling);
    let v = due(&f, date(2026, 5, 20));
    assert_eq!(steps_of(&v), vec![Step::ActivistEducation, Step::CandidateFiling]);
    let c = find(&v, Step::CandidateFiling);
    assert_eq!((c.rule.as_str(), c.earliest), ("R1.8", Some(date(2026, 3, 3))));
    assert!(c.note_zh.contains("公示"));
    // The same case on 2026-05-10 is still under the 2014 细则: listing first.
    let v = due(&f, date(2026, 5, 10));
    assert_eq!(steps_of(&v), vec![Step::ActivistEducation, Step::CandidateDetermination]);
}

#[test]
fn listing_after_the_publicity_under_2026() {
    let mut f = before(Tl::V26, Step::CandidateDetermination);
    // Publicity recorded 06-02..06-08: listing from 06-09.
    let v = due(&f, date(2026, 6, 3));
    assert_eq!(find(&v, Step::CandidateDetermination).earliest, Some(date(2026, 6, 9)));
    // Not yet publicised: consent on Monday 06-01, five working days to 06-05, listing from 06-06.
    f.publicity = None;
    let v = due(&f, date(2026, 6, 3));
    assert_eq!(find(&v, Step::CandidateDetermination).earliest, Some(date(2026, 6, 6)));
    let s = DevelopmentSettings { publicity_listing_after_last_day: false, ..settings() };
    let v = next_steps(&f, date(2026, 6, 3), &s, &cal());
    assert_eq!(find(&v, Step::CandidateDetermination).earliest, Some(date(2026, 6, 5)));
}

#[test]
fn candidate_steps_run_in_parallel() {
    let f = before(Tl::V14, Step::SponsorAssignment);
    let v = due(&f, date(2024, 9, 6));
    assert_eq!(steps_of(&v), vec![Step::SponsorAssignment, Step::PoliticalReview, Step::IntensiveTraining]);
    assert!(v.iter().all(|d| d.earliest == Some(date(2024, 9, 2)) && d.latest.is_none()));
}

#[test]
fn branch_meeting_within_a_month_of_pre_review_2026_only() {
    let f = before(Tl::V26, Step::AdmissionVote);
    let v = due(&f, date(2026, 7, 10));
    assert_eq!(steps_of(&v), vec![Step::AdmissionVote]);
    assert_eq!((v[0].rule.as_str(), v[0].latest), ("R1.14", Some(date(2026, 8, 6))));
    assert!(!due(&f, date(2026, 8, 6))[0].overdue);
    assert!(due(&f, date(2026, 8, 7))[0].overdue);
    let v = due(&before(Tl::V14, Step::AdmissionVote), date(2024, 11, 20));
    assert_eq!((v[0].rule.as_str(), v[0].latest), ("R1.1", None));
}

#[test]
fn approval_within_three_months_at_most_six() {
    let v = due(&before(Tl::V14, Step::ApprovalTalk), date(2024, 12, 5));
    assert_eq!(steps_of(&v), vec![Step::ApprovalTalk]);
    assert_eq!((v[0].rule.as_str(), v[0].latest), ("R1.20", Some(date(2025, 3, 1))));
    let f = before(Tl::V14, Step::Approval);
    let v = due(&f, date(2025, 1, 1));
    assert_eq!(steps_of(&v), vec![Step::Approval]);
    assert_eq!((v[0].rule.as_str(), v[0].latest), ("R1.21", Some(date(2025, 3, 1))));
    assert!(v[0].note_zh.contains("2025-06-01"), "{}", v[0].note_zh);
    assert!(!due(&f, date(2025, 3, 1))[0].overdue);
    assert!(due(&f, date(2025, 3, 2))[0].overdue);
}

#[test]
fn after_approval_oath_and_conversion_application() {
    let v = due(&before(Tl::V26, Step::ApprovalFiling), date(2026, 8, 21));
    assert_eq!(
        steps_of(&v),
        vec![Step::ApprovalFiling, Step::GroupAssignment, Step::Oath, Step::ConversionApplication]
    );
    let oath = find(&v, Step::Oath);
    assert_eq!((oath.rule.as_str(), oath.latest), ("R1.22", Some(date(2026, 9, 20))));
    let apply = find(&v, Step::ConversionApplication);
    assert_eq!((apply.rule.as_str(), apply.latest), ("R1.25", Some(date(2027, 7, 20))));
    // Under 2014 the oath has no deadline.
    let v = due(&before(Tl::V14, Step::ApprovalFiling), date(2025, 1, 11));
    assert_eq!(find(&v, Step::Oath).latest, None);
}

#[test]
fn conversion_vote_from_probation_end() {
    let mut f = before(Tl::V14, Step::ConversionVote);
    let v = due(&f, date(2025, 11, 25));
    assert_eq!(steps_of(&v), vec![Step::ConversionVote]);
    assert_eq!((v[0].rule.as_str(), v[0].earliest, v[0].latest), ("R1.25", Some(date(2025, 12, 1)), None));
    f.probation_extensions = vec![6];
    assert_eq!(due(&f, date(2025, 11, 25))[0].earliest, Some(date(2026, 6, 1)));
}

#[test]
fn conversion_approval_within_three_months() {
    let f = before(Tl::V26, Step::ConversionApproval);
    let v = due(&f, date(2027, 8, 1));
    assert_eq!(steps_of(&v), vec![Step::ConversionApproval]);
    assert_eq!((v[0].rule.as_str(), v[0].latest), ("R1.26", Some(date(2027, 10, 20))));
    assert!(due(&f, date(2027, 10, 21))[0].overdue);
}

#[test]
fn closed_case_has_nothing_due_but_a_skipped_step_stays_due() {
    assert!(due(&complete(Tl::V14), date(2026, 3, 1)).is_empty());
    let mut f = complete(Tl::V14);
    f.steps.remove(&Step::ActivistFiling);
    let v = due(&f, date(2026, 3, 1));
    assert_eq!(steps_of(&v), vec![Step::ActivistFiling]);
    assert_eq!(v[0].earliest, Some(date(2023, 9, 1)));
}

#[test]
fn a_deadline_in_a_year_without_holiday_data_says_so() {
    // The talk is due within a month of the application: 2026-12-15 → 2027-01-15.
    let mut f = before(Tl::V26, Step::Talk);
    f.steps.insert(Step::Application, date(2026, 12, 15));
    let v = due(&f, date(2026, 12, 20));
    assert_eq!(v[0].latest, Some(date(2027, 1, 15)));
    assert!(v[0].note_zh.ends_with("；2027 年节假日安排尚未录入，按周末计算"), "{}", v[0].note_zh);
    // The day before the window leaves the covered year: no note.
    f.steps.insert(Step::Application, date(2026, 11, 30));
    let v = due(&f, date(2026, 12, 20));
    assert!(v[0].latest.is_some_and(|l| l < date(2027, 1, 1)), "{:?}", v[0].latest);
    assert!(!v[0].note_zh.contains("尚未录入"), "{}", v[0].note_zh);
    // With 2027 entered by an admin correction the note goes.
    let fixed = cal().with_corrections(&[crate::workdays::DayCorrection {
        day: date(2027, 2, 6),
        kind: crate::workdays::DayKind::Holiday,
        name: None,
    }]);
    f.steps.insert(Step::Application, date(2026, 12, 15));
    let v = next_steps(&f, date(2026, 12, 20), &settings(), &fixed);
    assert!(!v[0].note_zh.contains("尚未录入"), "{}", v[0].note_zh);
}
