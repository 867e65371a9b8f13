//! Development cases judged "as of" a date (issue 8 part 8): the findings family of
//! `jiceng check`, the findings page and `/api/v1/findings`.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::facts::{apply_approvers, facts};
use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::error::AppResult;
use crate::repo::development::{self as repo, OverrideRow, StepRow};
use crate::rules::Finding;
use crate::rules::development::{CaseFacts, Step, check_step};
use crate::service::settings::{RuleConfig, rule_config};

/// The findings of a case's recorded steps as judged on `on` (each step once, on its date).
pub(super) fn recorded_findings(f: &CaseFacts, steps: &[StepRow], on: NaiveDate, cfg: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for row in steps {
        let Some(step) = Step::parse(&row.step) else { continue };
        if f.date(step) != Some(row.done_on) {
            continue;
        }
        for x in check_step(f, step, row.done_on, on, &cfg.settings, &cfg.calendar) {
            if !findings.contains(&x) {
                findings.push(x);
            }
        }
    }
    findings
}

/// The findings of every case of `scope` open on `on`, each judged as on `on` with only the
/// steps recorded on or before it — the case page's findings as they stood that day.
pub async fn findings_on(db: &Db, conn: &mut Conn, scope: &Scope, on: NaiveDate) -> AppResult<Vec<Finding>> {
    let cfg = rule_config(db, conn).await?;
    let cases = repo::cases_on(conn, scope, &scope.root_path, on).await?;
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let mut steps_by_case: BTreeMap<i64, Vec<StepRow>> = BTreeMap::new();
    for s in repo::steps_of_cases(conn, &ids).await? {
        if s.done_on <= on {
            steps_by_case.entry(s.case_id).or_default().push(s);
        }
    }
    let mut overrides_by_case: BTreeMap<i64, Vec<OverrideRow>> = BTreeMap::new();
    for (case_id, o) in repo::overrides_of_cases(conn, &ids).await? {
        overrides_by_case.entry(case_id).or_default().push(o);
    }
    let mut out = Vec::new();
    for case in &cases {
        let steps = steps_by_case.remove(&case.id).unwrap_or_default();
        let overrides = overrides_by_case.remove(&case.id).unwrap_or_default();
        // The same facts as the case page (mentors' and sponsors' standing included).
        let mut f = facts(conn, case, &steps, &overrides, None, true).await?;
        apply_approvers(&mut f, &steps);
        out.extend(recorded_findings(&f, &steps, on, &cfg));
    }
    Ok(out)
}
