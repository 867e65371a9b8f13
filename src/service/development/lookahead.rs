//! Look ahead (issue 8 part 7): "if we hold it on 2027-03-10, is it legal, and what else is due?"
//!
//! A planned step is checked by running the very recording path ([`super::record_step_in`]) in a
//! write transaction that is rolled back: the same findings as recording by construction, also
//! for checks added to that path later. Nothing stays: no step, no audit row, no case revision,
//! no `Db::generation` bump. A date ahead of today is judged as of that date (recording refuses
//! it today, which the result says as an Info finding).

use chrono::NaiveDate;
use serde::Serialize;

use super::facts::{base_facts, judge};
use super::{StepInput, load_detail, parse_step, record_step_in};
use crate::auth::scope::Scope;
use crate::db::Db;
use crate::error::AppResult;
use crate::rules::Finding;
use crate::rules::development::{Due, Step, lookahead as rules};
use crate::service::require_write;
use crate::service::settings::rule_config;

/// What the recording path saw while running in check mode.
#[derive(Debug, Default)]
pub(crate) struct CheckLog {
    /// Every finding of the step as judged (blocks, warnings, info).
    findings: Vec<Finding>,
    /// Warnings without a justification: recording would ask for a 特殊情况说明 first.
    unjustified: bool,
}

/// The result of checking a planned step without recording it (检查).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepCheck {
    /// The planned step.
    pub step: Step,
    /// Its planned date.
    pub date: NaiveDate,
    /// The day it was judged on: the planned date when it lies ahead, else today.
    pub judged_on: NaiveDate,
    /// The findings recording it on `judged_on` gives (blocks, warnings, info), then the
    /// look-ahead notes: a date ahead of today (DATA, Info) and deadlines in a year whose
    /// holiday arrangement is not entered (C4, Info).
    pub findings: Vec<Finding>,
    /// Recording this input on `judged_on` would succeed (no block; warnings justified).
    pub would_record: bool,
    /// Recording would first ask for a 特殊情况说明 (a warning without justification).
    pub needs_justification: bool,
    /// What is due next once the step is recorded (as the case stands when it would be
    /// refused), judged on `judged_on`.
    pub next_steps: Vec<Due>,
}

/// Check mode of [`judge`]: the findings are logged; a block still stops the path (nothing to
/// record), unjustified warnings pass so the rest of the path runs (and is rolled back).
pub(super) fn judge_or_log(
    findings: Vec<Finding>,
    justification: Option<&str>,
    log: Option<&mut CheckLog>,
) -> AppResult<Vec<String>> {
    let Some(log) = log else { return judge(findings, justification) };
    log.findings.extend(findings.iter().cloned());
    match judge(findings, justification) {
        Err(e) if e.code == "warning_needs_justification" => {
            log.unjustified = true;
            let mut rules: Vec<String> = e.findings.iter().map(|f| f.rule.clone()).collect();
            rules.dedup();
            Ok(rules)
        }
        other => other,
    }
}

/// Checks a planned step of a case on any date without recording it (`POST …/steps/check`).
/// Refusals that are findings come back in the result; other bad input (an unknown step, a
/// person outside the scope) is the same 422 as recording, an id outside the scope a 404.
pub async fn check_step(db: &Db, scope: &Scope, case_id: i64, input: StepInput) -> AppResult<StepCheck> {
    require_write(scope)?;
    let step = parse_step(&input.step)?;
    let today = crate::util::today();
    let (planned, judged_on) = (input.date, rules::judging_day(input.date, today));
    let mut w = db.begin_write().await?;
    let cfg = rule_config(db, &mut w.tx).await?;
    let mut log = CheckLog::default();
    let run = record_step_in(&mut w, scope, &cfg, case_id, input, judged_on, None, Some(&mut log)).await;
    w.rollback().await?;
    let (would_record, detail) = match run {
        Ok(detail) => (!log.unjustified, detail),
        Err(e) if !e.findings.is_empty() => {
            for f in &e.findings {
                if !log.findings.contains(f) {
                    log.findings.push(f.clone());
                }
            }
            let mut conn = db.pool.acquire().await?;
            (false, load_detail(&mut conn, scope, case_id, judged_on, &cfg).await?)
        }
        Err(e) => return Err(e),
    };
    let needs_justification = log.unjustified && !log.findings.iter().any(Finding::is_block);
    let facts = base_facts(&detail.case, &[]);
    let mut findings = log.findings;
    findings.extend(rules::planned_in_future(&facts, step, planned, today));
    findings.extend(rules::calendar_coverage(&facts, step, planned, &detail.due, &cfg.calendar));
    findings.sort_by_key(|f| f.severity);
    Ok(StepCheck {
        step,
        date: planned,
        judged_on,
        findings,
        would_record,
        needs_justification,
        next_steps: detail.due,
    })
}
