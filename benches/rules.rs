//! Rule-engine benchmarks (issue 3 target: one step's rule check < 1 ms).
//!
//! `cargo bench --bench rules` — checks the admission vote of a complete, clean case (the step with
//! the most checks: order, quorum, majority, sponsors, 政审, training, 预审 window) under both rule
//! sets, and computes what is due next for an open case (the 待办 list does this once per case).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use jiceng::domain::OrgKind;
use jiceng::rules::development::{
    CaseFacts, DevelopmentSettings, PersonStanding, PoliticalReview, Publicity, Step, Training, VoteInput, check_step,
    next_steps,
};
use jiceng::workdays::WorkCalendar;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn full(id: i64) -> PersonStanding {
    PersonStanding::full(id, &format!("党员{id}"))
}

/// A case with every step up to the application form recorded, starting on `start`.
fn case_before_vote(start: NaiveDate, v2026: bool) -> CaseFacts {
    let mut f = CaseFacts::new(1, "张三", d(2000, 5, 2), OrgKind::Branch);
    let plus = |days: u64| start.checked_add_days(chrono::Days::new(days)).unwrap();
    let steps = [
        (Step::Application, 0),
        (Step::Talk, 20),
        (Step::ActivistRecommendation, 180),
        (Step::ActivistFiling, 190),
        (Step::MentorAssignment, 190),
        (Step::ActivistEducation, 195),
        (Step::CandidateFiling, if v2026 { 560 } else { 576 }),
        (Step::CandidateDetermination, 575),
        (Step::SponsorAssignment, 580),
        (Step::PoliticalReview, 600),
        (Step::IntensiveTraining, 610),
        (Step::CommitteeReview, 620),
        (Step::PreReview, 630),
        (Step::ApplicationForm, 635),
    ];
    for (s, off) in steps {
        f.steps.insert(s, plus(off));
    }
    f.activist_assessments = vec![plus(360), plus(540)];
    f.mentors = vec![full(11)];
    f.sponsors = vec![full(21), full(22)];
    f.publicity = Some(Publicity { start: plus(562), end: plus(570), objections_open: false });
    f.political_review = Some(PoliticalReview { passed: Some(true), concluded_on: plus(600) });
    f.training = Some(Training { days: 3, hours: 24 });
    f.admission_vote = Some(VoteInput {
        eligible_voters: 20,
        present_voters: 15,
        written_opinions: 2,
        yes_votes: 16,
        no_votes: 1,
        abstain_votes: 0,
    });
    f
}

fn vote_on(f: &CaseFacts) -> NaiveDate {
    f.date(Step::ApplicationForm).unwrap().checked_add_days(chrono::Days::new(10)).unwrap()
}

fn bench(c: &mut Criterion) {
    let cal = WorkCalendar::china_default();
    let settings = DevelopmentSettings::default();
    let today = d(2026, 11, 28);
    for (label, start, v2026) in [("v2014", d(2022, 3, 1), false), ("v2026", d(2024, 9, 2), true)] {
        let f = case_before_vote(start, v2026);
        let clean = check_step(&f, Step::AdmissionVote, vote_on(&f), today, &settings, &cal);
        assert!(clean.iter().all(|x| !x.is_block()), "{label}: {clean:?}");
        let vote_on = vote_on(&f);
        c.bench_function(&format!("check_step admission_vote {label}"), |b| {
            b.iter(|| check_step(black_box(&f), Step::AdmissionVote, black_box(vote_on), today, &settings, &cal))
        });
        c.bench_function(&format!("next_steps {label}"), |b| {
            b.iter(|| next_steps(black_box(&f), black_box(today), &settings, &cal))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
