//! Development cases in bulk for the province-scale demo (issue 3's benchmark: ~100 000 open
//! cases over 1 000 000 members). Writing that many cases through the checked use case would take
//! hours, so the rows are written directly with multi-row INSERTs. They follow exactly the step
//! plans of [`super::cases`] (the same `plan_steps`, whose every step passes the rule engine when
//! recorded through the service) so the 待办 list sees realistic data; cases never reach approval
//! here (approval creates a member), so the bulk set holds applicants, activists, 发展对象 and cases
//! waiting for the 党委's approval, some overdue.

use chrono::NaiveDate;
use sqlx::Row;

use super::cases::{Plan, person_name, plan_steps};
use crate::db::Db;
use crate::domain::Gender;
use crate::domain::idcard::check_digit;
use crate::repo::{Arg, insert_rows};
use crate::rules::development::{Step, VoteInput};
use crate::util::{fmt_date, now_rfc3339, pinyin_keys};
use crate::workdays::WorkCalendar;

/// Specs with at least this many members get bulk cases.
pub const MIN_MEMBERS: usize = 200_000;
/// Open cases to aim for.
const TARGET_CASES: usize = 100_000;
/// Cases written per transaction.
const BATCH: usize = 2_000;

/// Loads about [`TARGET_CASES`] cases into student and teacher branches; returns how many.
pub async fn load(db: &Db, today: NaiveDate, seed: u64) -> anyhow::Result<usize> {
    let branches: Vec<(i64, String, bool)> = sqlx::query(
        "SELECT id, path, category FROM org WHERE kind = 'branch' AND category IN ('student', 'teacher') ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("path")?, r.try_get::<String, _>("category")? == "student")))
    .collect::<Result<_, sqlx::Error>>()?;
    if branches.is_empty() {
        return Ok(0);
    }
    // Four full members per branch for 培养联系人 and 入党介绍人, and the branch's voter count.
    let mut full: std::collections::HashMap<i64, (Vec<i64>, u32)> = std::collections::HashMap::new();
    for r in sqlx::query(
        "SELECT org_id, id FROM member WHERE status = 'full' AND special_status = 'normal' ORDER BY org_id, id",
    )
    .fetch_all(&db.pool)
    .await?
    {
        let e = full.entry(r.try_get("org_id")?).or_default();
        if e.0.len() < 4 {
            e.0.push(r.try_get("id")?);
        }
        e.1 += 1;
    }
    let per_branch = TARGET_CASES.div_ceil(branches.len());
    let first_person: i64 =
        sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM person").fetch_one(&db.pool).await?.try_get("n")?;
    let first_case: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM development_case")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    let cal = WorkCalendar::china_default();
    let now = now_rfc3339();
    let (mut persons, mut cases, mut steps) = (Vec::new(), Vec::new(), Vec::new());
    let mut n = 0usize;
    for (b, (branch, path, student)) in branches.iter().enumerate() {
        let Some((members, voters)) = full.get(branch) else { continue };
        if members.len() < 4 {
            continue;
        }
        for k in 0..per_branch {
            let i = b * per_branch + k + (seed as usize % 10);
            // Approval would create a member: bulk cases stop before it.
            let plan = match super::cases::plan_of(i) {
                Plan::Probationary => Plan::ApprovalOverdue,
                p => p,
            };
            n += 1;
            let (person_id, case_id) = (first_person + n as i64, first_case + n as i64);
            let age_days = if *student { 365 * 20 + (i as u64 % 700) } else { 365 * 28 + (i as u64 % 2000) };
            let birth = super::cases::back(today, age_days);
            let name = person_name(i);
            let (py, ini) = pinyin_keys(&name);
            let (id_card_no, gender) = id_card(n, birth);
            let applied = plan.applied(today);
            persons.push(vec![
                Arg::Int(person_id),
                Arg::Text(name),
                Arg::Text(py),
                Arg::Text(ini),
                Arg::Text(gender.as_str().into()),
                Arg::Text(fmt_date(birth)),
                Arg::Text(id_card_no),
                Arg::Text(if *student { "student" } else { "teacher" }.into()),
                Arg::Text(now.clone()),
                Arg::Text(now.clone()),
            ]);
            let mut plan_rows = plan_steps(plan, applied, today, members, &cal);
            plan_rows.insert(0, ("application", applied, Default::default()));
            let stage = plan_rows.iter().filter_map(|(s, _, _)| Step::parse(s)).max().map_or(Step::Application, |s| s);
            cases.push(vec![
                Arg::Int(case_id),
                Arg::Int(person_id),
                Arg::Int(*branch),
                Arg::Text(path.clone()),
                Arg::Text(stage.stage().as_str().into()),
                Arg::Text("open".into()),
                Arg::Text(fmt_date(applied)),
                Arg::Text(now.clone()),
                Arg::Text(now.clone()),
            ]);
            for (step, date, mut details) in plan_rows {
                if step == "admission_vote" {
                    let v = *voters;
                    details.vote = Some(VoteInput {
                        eligible_voters: v,
                        present_voters: v,
                        written_opinions: 0,
                        yes_votes: v,
                        no_votes: 0,
                        abstain_votes: 0,
                    });
                }
                let body = serde_json::to_string(&details).unwrap_or_else(|_| "{}".into());
                steps.push(vec![
                    Arg::Int(case_id),
                    Arg::Text(step.into()),
                    Arg::Text(fmt_date(date)),
                    Arg::Text(body),
                    Arg::Text(now.clone()),
                    Arg::Text("系统（演示数据）".into()),
                ]);
            }
            if cases.len() >= BATCH {
                flush(db, &mut persons, &mut cases, &mut steps).await?;
            }
        }
    }
    flush(db, &mut persons, &mut cases, &mut steps).await?;
    for table in ["person", "development_case", "development_step"] {
        if let Some(sql) = db.backend.reset_identity_sql(table) {
            sqlx::query(&sql).execute(&db.pool).await?;
        }
    }
    Ok(n)
}

/// A unique, valid 身份证号 for the n-th bulk applicant (n < 200 000) and the gender it encodes:
/// regions 3697xx–3698xx, which neither the member generator nor the service-loaded cases use.
fn id_card(n: usize, birth: NaiveDate) -> (String, Gender) {
    let region = 369_700 + (n / 1000) % 200;
    let seq = n % 1000;
    let gender = if seq % 2 == 1 { Gender::Male } else { Gender::Female };
    let first17 = format!("{region:06}{}{seq:03}", birth.format("%Y%m%d"));
    let check = check_digit(&first17).unwrap_or('0');
    (format!("{first17}{check}"), gender)
}

async fn flush(
    db: &Db,
    persons: &mut Vec<Vec<Arg>>,
    cases: &mut Vec<Vec<Arg>>,
    steps: &mut Vec<Vec<Arg>>,
) -> anyhow::Result<()> {
    let mut w = db.begin_write().await?;
    insert_rows(
        &mut w.tx,
        "person",
        &[
            "id",
            "name",
            "name_pinyin",
            "name_initials",
            "gender",
            "birth_date",
            "id_card_no",
            "category",
            "created_at",
            "updated_at",
        ],
        std::mem::take(persons),
    )
    .await?;
    insert_rows(
        &mut w.tx,
        "development_case",
        &["id", "person_id", "org_id", "org_path", "stage", "status", "opened_on", "created_at", "updated_at"],
        std::mem::take(cases),
    )
    .await?;
    insert_rows(
        &mut w.tx,
        "development_step",
        &["case_id", "step", "done_on", "body", "created_at", "created_by"],
        std::mem::take(steps),
    )
    .await?;
    w.commit().await?;
    Ok(())
}
