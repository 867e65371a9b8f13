//! Development cases judged "as of" a date (issue 8 part 8): the findings family of
//! `jiceng check`, the findings page and `/api/v1/findings`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use futures_util::StreamExt;

use super::facts::{apply_approvers, facts};
use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::error::AppResult;
use crate::repo::development::{self as repo, CaseRow, OverrideRow, StepRow};
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

/// A case with its steps (up to the date) and overrides.
type CaseWork = (CaseRow, Vec<StepRow>, Vec<OverrideRow>);

/// Cases judged per connection; chunks run on [`PARALLEL`] pool connections at once.
const CHUNK: usize = 200;
/// Connections used at once by [`findings_on`].
const PARALLEL: usize = 4;

/// The findings of every case of `scope` open on `on`, each judged as on `on` with only the
/// steps recorded on or before it — the case page's findings as they stood that day. The facts
/// are built by the case page's own code (people's standing included), a few queries per case,
/// so chunks of cases are judged on several pool connections at once.
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
    let work: Vec<Vec<CaseWork>> = cases
        .chunks(CHUNK)
        .map(|chunk| {
            chunk
                .iter()
                .map(|c| {
                    let steps = steps_by_case.remove(&c.id).unwrap_or_default();
                    (c.clone(), steps, overrides_by_case.remove(&c.id).unwrap_or_default())
                })
                .collect()
        })
        .collect();
    let cfg = &cfg;
    // `conn` stays held by the caller: a pool of one connection (in-memory SQLite) judges here.
    let spare = usize::try_from(db.pool.options().get_max_connections()).unwrap_or(1).saturating_sub(1);
    if spare == 0 {
        let mut out = Vec::new();
        for (case, steps, overrides) in work.iter().flatten() {
            out.extend(judge_case(conn, case, steps, overrides, on, cfg).await?);
        }
        return Ok(out);
    }
    let judged: Vec<AppResult<Vec<Finding>>> = futures_util::stream::iter(work)
        .map(|chunk| async move {
            let mut conn = db.pool.acquire().await?;
            let mut out = Vec::new();
            for (case, steps, overrides) in &chunk {
                out.extend(judge_case(&mut conn, case, steps, overrides, on, cfg).await?);
            }
            Ok(out)
        })
        .buffered(PARALLEL.min(spare))
        .collect()
        .await;
    let mut out = Vec::new();
    for chunk in judged {
        out.extend(chunk?);
    }
    Ok(out)
}

/// One case judged on `on` over the given steps, with the same facts as the case page (mentors'
/// and sponsors' standing, 公示, transfers included).
async fn judge_case(
    conn: &mut Conn,
    case: &CaseRow,
    steps: &[StepRow],
    overrides: &[OverrideRow],
    on: NaiveDate,
    cfg: &RuleConfig,
) -> AppResult<Vec<Finding>> {
    let mut f = facts(conn, case, steps, overrides, None, true).await?;
    apply_approvers(&mut f, steps)?;
    Ok(recorded_findings(&f, steps, on, cfg))
}
