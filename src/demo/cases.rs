//! Demo development cases (issue 3, part 10): a few cases per student/teacher branch in every
//! stage, some deliberately overdue, recorded through the real use cases so every step passes
//! the rule engine. A refused step ends that case where it stands.

use chrono::{Days, NaiveDate};
use sqlx::Row;

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::domain::idcard::check_digit;
use crate::domain::{Gender, PersonCategory, Role};
use crate::rules::development::{RuleSet, VoteInput};
use crate::service::development::{self as dev, CreateCase, StepDetails, StepInput};
use crate::workdays::WorkCalendar;

/// Branches that get cases (keeps the load quick: each step is its own checked transaction).
const MAX_BRANCHES: usize = 100;
/// Every n-th student/teacher branch gets cases, so every college has some.
const BRANCH_STRIDE: usize = 4;
/// Demo specs smaller than this get no cases (see [`super::load`]).
pub const MIN_MEMBERS: usize = 5_000;
/// Cases per branch.
const PER_BRANCH: usize = 3;

const SURNAMES: &[&str] =
    &["赵", "钱", "孙", "李", "周", "吴", "郑", "王", "冯", "陈", "褚", "卫", "蒋", "沈", "韩", "杨"];
const GIVEN: &[&str] =
    &["子涵", "欣怡", "浩然", "雨桐", "思远", "梓萱", "一鸣", "佳琪", "宇航", "若曦", "明轩", "诗雨"];

pub(super) fn back(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn fwd(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).unwrap_or(d)
}

/// A unique, valid 身份证号 for the n-th demo applicant (region 3699xx is unused by the generator).
fn id_card(n: usize, birth: NaiveDate, gender: Gender) -> String {
    let region = 369_900 + (n / 500) % 100;
    let seq = (n % 500) * 2 + usize::from(gender == Gender::Male);
    let first17 = format!("{region:06}{}{seq:03}", birth.format("%Y%m%d"));
    let check = check_digit(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// The plan of one case: how far it goes and how old it is.
#[derive(Clone, Copy)]
pub(super) enum Plan {
    /// Applied 10 days ago.
    Applicant,
    /// Applied 50 days ago, no talk yet (overdue).
    ApplicantOverdue,
    /// An activist for about half a year.
    Activist,
    /// 发展对象 after the 公示.
    Candidate,
    /// Branch vote four months ago, approval pending (overdue).
    ApprovalOverdue,
    /// Approved, awaiting the oath and conversion.
    Probationary,
}

/// The demo name of the i-th applicant.
pub(super) fn person_name(i: usize) -> String {
    format!(
        "{}{}",
        SURNAMES.get(i % SURNAMES.len()).copied().unwrap_or("王"),
        // A stride prime to both list lengths, so neighbouring cases differ in both parts.
        GIVEN.get((i * 7 + i / SURNAMES.len()) % GIVEN.len()).copied().unwrap_or("明")
    )
}

impl Plan {
    /// The application date of a case with this plan.
    pub(super) fn applied(self, today: NaiveDate) -> NaiveDate {
        match self {
            Plan::Applicant => back(today, 10),
            Plan::ApplicantOverdue => back(today, 50),
            Plan::Activist => back(today, 220),
            Plan::Candidate => back(today, 560),
            Plan::ApprovalOverdue => back(today, 820),
            Plan::Probationary => back(today, 760),
        }
    }
}

pub(super) fn plan_of(i: usize) -> Plan {
    match i % 10 {
        0 => Plan::ApplicantOverdue,
        1 | 2 => Plan::Applicant,
        3 | 4 => Plan::Activist,
        5 | 6 => Plan::Candidate,
        7 => Plan::ApprovalOverdue,
        _ => Plan::Probationary,
    }
}

/// Loads demo cases; returns how many were opened.
pub async fn load_cases(db: &Db, today: NaiveDate, seed: u64) -> anyhow::Result<usize> {
    let rows = sqlx::query(
        "SELECT id, path, category FROM org WHERE kind = 'branch' AND category IN ('student', 'teacher') ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    let cal = WorkCalendar::china_default();
    let mut opened = 0usize;
    let mut n = 0usize;
    for (b, row) in rows.iter().step_by(BRANCH_STRIDE).take(MAX_BRANCHES).enumerate() {
        let branch: i64 = row.try_get("id")?;
        let path: String = row.try_get("path")?;
        let category: String = row.try_get("category")?;
        let Some(college) = path.split('/').filter(|s| !s.is_empty()).nth(1).and_then(|s| s.parse::<i64>().ok()) else {
            continue;
        };
        let college_path: String = path.split('/').take(3).collect::<Vec<_>>().join("/") + "/";
        let scope = Scope {
            role: Role::UnitAdmin,
            org_id: college,
            root_path: college_path,
            ..Scope::system("系统（演示数据）")
        };
        let full: Vec<i64> = sqlx::query(
            "SELECT id FROM member WHERE org_id = $1 AND status = 'full' AND special_status = 'normal' ORDER BY id",
        )
        .bind(branch)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .filter_map(|r| r.try_get::<i64, _>("id").ok())
        .collect();
        for k in 0..PER_BRANCH {
            let i = b * PER_BRANCH + k;
            let plan = plan_of(i + (seed as usize % 10));
            n += 1;
            let gender = if i.is_multiple_of(2) { Gender::Female } else { Gender::Male };
            let student = category == "student";
            let age_days = if student { 365 * 20 + (i as u64 % 700) } else { 365 * 28 + (i as u64 % 2000) };
            let birth = back(today, age_days);
            let name = person_name(i);
            let applied = plan.applied(today);
            let input = CreateCase {
                person_id: None,
                name,
                gender: Some(gender),
                birth_date: Some(birth),
                id_card_no: Some(id_card(n, birth, gender)),
                staff_no: None,
                category: Some(if student { PersonCategory::Student } else { PersonCategory::Teacher }),
                org_id: Some(branch),
                applied_on: Some(applied),
                details: StepDetails {
                    materials: Some("入党申请书（纸质已存档）".into()), ..Default::default()
                },
                justification: None,
            };
            let Ok(case) = dev::create(db, &scope, input).await else {
                continue;
            };
            opened += 1;
            let id = case.case.id;
            let steps = plan_steps(plan, applied, today, &full, &cal);
            for (step, date, mut details) in steps {
                if step == "admission_vote" {
                    // 应到会 comes from the roster on the meeting date (R1.17); everyone present votes yes.
                    let Ok(e) = dev::eligible_for_case(db, &scope, id, date).await else {
                        break;
                    };
                    let n = e.eligible_voters;
                    details.vote = Some(VoteInput {
                        eligible_voters: n,
                        present_voters: n,
                        written_opinions: 0,
                        yes_votes: n,
                        no_votes: 0,
                        abstain_votes: 0,
                    });
                }
                let input = StepInput { step: step.to_string(), date, details, justification: None };
                if dev::record_step(db, &scope, id, input).await.is_err() {
                    break;
                }
            }
        }
    }
    Ok(opened)
}

pub(super) fn plan_steps(
    plan: Plan,
    applied: NaiveDate,
    today: NaiveDate,
    full: &[i64],
    cal: &WorkCalendar,
) -> Vec<(&'static str, NaiveDate, StepDetails)> {
    let d = StepDetails::default;
    let mut out: Vec<(&'static str, NaiveDate, StepDetails)> = Vec::new();
    let depth = match plan {
        Plan::Applicant | Plan::ApplicantOverdue => return out,
        Plan::Activist => 1,
        Plan::Candidate => 2,
        Plan::ApprovalOverdue => 3,
        Plan::Probationary => 4,
    };
    let talk = fwd(applied, 20);
    out.push(("talk", talk, StepDetails { people: vec!["支部书记".into()], ..d() }));
    let rec = fwd(applied, 60);
    out.push(("activist_recommendation", rec, d()));
    out.push(("activist_filing", fwd(rec, 5), d()));
    let mentors: Vec<i64> = full.iter().take(2).copied().collect();
    out.push(("mentor_assignment", fwd(rec, 5), StepDetails { mentor_ids: mentors, ..d() }));
    out.push(("activist_education", fwd(rec, 150), d()));
    if depth < 2 {
        return out;
    }
    out.push(("activist_education", fwd(rec, 300), d()));
    // 发展对象 a little more than a year after the activist determination.
    let listing = fwd(rec, 380);
    if RuleSet::for_date(listing) == RuleSet::V2026 {
        let mut start = back(listing, 14);
        while !cal.is_workday(start) {
            start = fwd(start, 1);
        }
        let mut end = cal.add_workdays(start, 6);
        while !cal.is_workday(end) {
            end = fwd(end, 1);
        }
        out.push((
            "candidate_filing",
            start,
            StepDetails { publicity_start: Some(start), publicity_end: Some(end), objections_open: Some(false), ..d() },
        ));
        out.push(("candidate_determination", fwd(end, 2), d()));
    } else {
        out.push(("candidate_determination", listing, d()));
        out.push(("candidate_filing", fwd(listing, 5), d()));
    }
    let c = fwd(listing, 10);
    if c > today {
        return out;
    }
    let sponsors: Vec<i64> = full.iter().skip(2).take(2).copied().collect();
    out.push(("sponsor_assignment", c, StepDetails { sponsor_ids: sponsors, ..d() }));
    out.push(("political_review", fwd(c, 10), StepDetails { passed: Some(true), ..d() }));
    out.push((
        "intensive_training",
        fwd(c, 15),
        StepDetails { training_days: Some(3), training_hours: Some(24), ..d() },
    ));
    if depth < 3 {
        return out;
    }
    out.push(("committee_review", fwd(c, 20), d()));
    out.push(("pre_review", fwd(c, 25), d()));
    out.push(("application_form", fwd(c, 28), d()));
    let eligible = u32::try_from(full.len()).unwrap_or(0).max(1);
    let vote = VoteInput {
        eligible_voters: eligible,
        present_voters: eligible,
        written_opinions: 0,
        yes_votes: eligible,
        no_votes: 0,
        abstain_votes: 0,
    };
    let vote_on = fwd(c, 35);
    out.push((
        "admission_vote",
        vote_on,
        StepDetails { deciding_body: Some("党支部党员大会".into()), vote: Some(vote), ..d() },
    ));
    out.push(("approval_talk", fwd(vote_on, 10), StepDetails { people: vec!["组织员".into()], ..d() }));
    if depth < 4 {
        return out;
    }
    let approval = fwd(vote_on, 30);
    out.push(("approval", approval, StepDetails { deciding_body: Some("学院党委".into()), ..d() }));
    out.push(("approval_filing", fwd(approval, 5), d()));
    out.push(("group_assignment", fwd(approval, 5), d()));
    out.retain(|(_, date, _)| *date <= today);
    out
}
