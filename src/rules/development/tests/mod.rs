//! Tests of the development rules: shared fixtures (two clean cases, one per rule set) and helpers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::*;
use crate::domain::{MemberStatus, OrgKind};
use crate::rules::{Finding, Severity};
use crate::workdays::WorkCalendar;

mod actors;
mod admission;
mod candidate;
mod due;
mod early;
mod outcome;
mod probation;
mod steps;
mod transfer_in;
mod vote;

/// A date.
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The check date of every test unless stated: after both timelines.
fn today() -> NaiveDate {
    date(2028, 1, 1)
}

/// The default settings.
fn settings() -> DevelopmentSettings {
    DevelopmentSettings::default()
}

/// The official calendar.
fn cal() -> WorkCalendar {
    WorkCalendar::china_default()
}

/// A full member in good standing.
fn full(id: i64, name: &str) -> PersonStanding {
    PersonStanding::full(id, name)
}

/// A clean case under the 2014 细则: every step from 2023-03-01 to 2026-02-01.
const TL_2014: [(Step, (i32, u32, u32)); 25] = [
    (Step::Application, (2023, 3, 1)),
    (Step::Talk, (2023, 3, 20)),
    (Step::ActivistRecommendation, (2023, 9, 1)),
    (Step::ActivistFiling, (2023, 9, 10)),
    (Step::MentorAssignment, (2023, 9, 10)),
    (Step::ActivistEducation, (2023, 9, 15)),
    (Step::CandidateDetermination, (2024, 9, 2)),
    (Step::CandidateFiling, (2024, 9, 5)),
    (Step::SponsorAssignment, (2024, 9, 10)),
    (Step::PoliticalReview, (2024, 10, 10)),
    (Step::IntensiveTraining, (2024, 10, 20)),
    (Step::CommitteeReview, (2024, 11, 1)),
    (Step::PreReview, (2024, 11, 10)),
    (Step::ApplicationForm, (2024, 11, 15)),
    (Step::AdmissionVote, (2024, 12, 1)),
    (Step::ApprovalTalk, (2024, 12, 10)),
    (Step::Approval, (2025, 1, 10)),
    (Step::ApprovalFiling, (2025, 1, 20)),
    (Step::GroupAssignment, (2025, 1, 15)),
    (Step::Oath, (2025, 2, 20)),
    (Step::ProbationEducation, (2025, 3, 1)),
    (Step::ConversionApplication, (2025, 11, 20)),
    (Step::ConversionVote, (2025, 12, 1)),
    (Step::ConversionApproval, (2026, 1, 15)),
    (Step::Archive, (2026, 2, 1)),
];

/// A clean case whose steps from the consent on fall under the 2026 细则 (consent before listing).
const TL_2026: [(Step, (i32, u32, u32)); 25] = [
    (Step::Application, (2025, 1, 6)),
    (Step::Talk, (2025, 1, 20)),
    (Step::ActivistRecommendation, (2025, 3, 3)),
    (Step::ActivistFiling, (2025, 3, 10)),
    (Step::MentorAssignment, (2025, 3, 10)),
    (Step::ActivistEducation, (2025, 3, 15)),
    (Step::CandidateFiling, (2026, 6, 1)),
    (Step::CandidateDetermination, (2026, 6, 9)),
    (Step::SponsorAssignment, (2026, 6, 10)),
    (Step::PoliticalReview, (2026, 6, 20)),
    (Step::IntensiveTraining, (2026, 6, 25)),
    (Step::CommitteeReview, (2026, 7, 1)),
    (Step::PreReview, (2026, 7, 6)),
    (Step::ApplicationForm, (2026, 7, 8)),
    (Step::AdmissionVote, (2026, 7, 20)),
    (Step::ApprovalTalk, (2026, 8, 1)),
    (Step::Approval, (2026, 8, 20)),
    (Step::ApprovalFiling, (2026, 8, 25)),
    (Step::GroupAssignment, (2026, 8, 25)),
    (Step::Oath, (2026, 9, 10)),
    (Step::ProbationEducation, (2026, 9, 15)),
    (Step::ConversionApplication, (2027, 7, 1)),
    (Step::ConversionVote, (2027, 7, 20)),
    (Step::ConversionApproval, (2027, 8, 10)),
    (Step::Archive, (2027, 8, 20)),
];

/// Which fixture.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tl {
    /// [`TL_2014`].
    V14,
    /// [`TL_2026`].
    V26,
}

impl Tl {
    fn table(self) -> &'static [(Step, (i32, u32, u32)); 25] {
        match self {
            Tl::V14 => &TL_2014,
            Tl::V26 => &TL_2026,
        }
    }

    /// The fixture date of a step.
    fn on(self, step: Step) -> NaiveDate {
        let (_, (y, m, d)) = self.table().iter().find(|(s, _)| *s == step).unwrap();
        date(*y, *m, *d)
    }
}

/// A good vote: 20 expected, 15 present, 2 written opinions, 16 yes.
fn good_vote() -> VoteInput {
    VoteInput {
        eligible_voters: 20,
        present_voters: 15,
        written_opinions: 2,
        yes_votes: 16,
        no_votes: 1,
        abstain_votes: 0,
    }
}

/// The whole clean case of a fixture, every step recorded.
fn complete(tl: Tl) -> CaseFacts {
    let steps: BTreeMap<Step, NaiveDate> = tl.table().iter().map(|(s, (y, m, d))| (*s, date(*y, *m, *d))).collect();
    let (assessments, publicity) = match tl {
        Tl::V14 => (vec![date(2024, 3, 1), date(2024, 8, 30)], None),
        Tl::V26 => (
            vec![date(2025, 9, 1), date(2026, 2, 27)],
            Some(Publicity { start: date(2026, 6, 2), end: date(2026, 6, 8), objections_open: false }),
        ),
    };
    CaseFacts {
        case_id: 9,
        name: "张三".to_string(),
        birth_date: date(2000, 5, 2),
        branch_kind: OrgKind::Branch,
        political_review: Some(PoliticalReview { passed: Some(true), concluded_on: tl.on(Step::PoliticalReview) }),
        steps,
        activist_periods: Vec::new(),
        probation_transfer_in: None,
        activist_assessments: assessments,
        mentors: vec![full(11, "李老师")],
        sponsors: vec![full(21, "王一"), full(22, "王二")],
        publicity,
        open_objections: Vec::new(),
        mobile: false,
        located_publicity: Vec::new(),
        training: Some(Training { days: 3, hours: 24 }),
        leaving_date: None,
        admission_vote: Some(good_vote()),
        conversion_vote: Some(good_vote()),
        approving_org_kind: Some(OrgKind::CollegeCommittee),
        conversion_approving_org_kind: Some(OrgKind::CollegeCommittee),
        probation_extensions: Vec::new(),
        conversion_decision: None,
        archive_missing: Vec::new(),
        overrides: Vec::new(),
    }
}

/// The clean case as it stood when `step` was about to be recorded: only earlier steps.
fn before(tl: Tl, step: Step) -> CaseFacts {
    let mut f = complete(tl);
    let cut = tl.on(step);
    f.steps.retain(|s, d| *d < cut || (*d == cut && s.number() < step.number()));
    f.steps.remove(&step);
    f
}

/// Checks `step` on `on` with default settings and the official calendar.
fn check(f: &CaseFacts, step: Step, on: NaiveDate) -> Vec<Finding> {
    check_step(f, step, on, today(), &settings(), &cal())
}

/// Checks `step` of a fixture, moved to `on`, against the steps before it.
fn check_at(tl: Tl, step: Step, on: NaiveDate) -> Vec<Finding> {
    check(&before(tl, step), step, on)
}

/// (rule, severity) of every finding.
fn rules(v: &[Finding]) -> Vec<(&str, Severity)> {
    v.iter().map(|x| (x.rule.as_str(), x.severity)).collect()
}

/// The findings of one rule.
fn of<'a>(v: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    v.iter().filter(|x| x.rule == rule).collect()
}

/// The single finding of one rule (panics otherwise).
fn one<'a>(v: &'a [Finding], rule: &str) -> &'a Finding {
    let found = of(v, rule);
    assert_eq!(found.len(), 1, "expected one {rule} finding in {:?}", rules(v));
    found[0]
}

/// Asserts the outcome at the day before, the day of and the day after a boundary.
///
/// `expect` gives the severity of `rule` (None = no finding of that rule) at each of the three days.
fn around(check: impl Fn(NaiveDate) -> Vec<Finding>, boundary: NaiveDate, rule: &str, expect: [Option<Severity>; 3]) {
    let days = [boundary.pred_opt().unwrap(), boundary, boundary.succ_opt().unwrap()];
    for (d, want) in days.into_iter().zip(expect) {
        let v = check(d);
        let got: Vec<Severity> = of(&v, rule).iter().map(|x| x.severity).collect();
        match want {
            None => assert!(got.is_empty(), "{rule} on {d}: expected nothing, got {:?}", rules(&v)),
            Some(s) => assert_eq!(got, vec![s], "{rule} on {d}: {:?}", rules(&v)),
        }
    }
}

#[test]
fn clean_2014_case_has_no_findings() {
    for &(step, _) in &TL_2014 {
        let on = Tl::V14.on(step);
        assert!(check_at(Tl::V14, step, on).is_empty(), "{step:?}: {:?}", check_at(Tl::V14, step, on));
        assert!(check(&complete(Tl::V14), step, on).is_empty(), "{step:?} with later steps recorded");
    }
}

#[test]
fn clean_2026_case_has_no_findings() {
    for &(step, _) in &TL_2026 {
        let on = Tl::V26.on(step);
        assert!(check_at(Tl::V26, step, on).is_empty(), "{step:?}: {:?}", check_at(Tl::V26, step, on));
        assert!(check(&complete(Tl::V26), step, on).is_empty(), "{step:?} with later steps recorded");
    }
}

#[test]
fn every_finding_names_subject_field_and_source() {
    let mut f = before(Tl::V26, Step::AdmissionVote);
    f.sponsors = vec![PersonStanding { status: MemberStatus::Probationary, ..full(21, "王一") }];
    f.political_review = None;
    f.training = None;
    f.leaving_date = Some(date(2026, 8, 1));
    f.admission_vote = Some(VoteInput { present_voters: 5, ..good_vote() });
    let v = check(&f, Step::AdmissionVote, date(2028, 2, 1));
    assert!(v.len() >= 7, "{:?}", rules(&v));
    for x in &v {
        assert_eq!(x.subject_kind, SUBJECT_CASE);
        assert_eq!(x.subject_id, 9);
        assert_eq!(x.subject_name, "张三");
        assert!(x.fact_value("field").is_some(), "{} has no field", x.rule);
        assert!(!x.source.is_empty());
        assert!(x.message_zh.contains("张三"), "{}", x.message_zh);
    }
}
