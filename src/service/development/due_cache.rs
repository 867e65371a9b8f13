//! The 待办 list reads what is due in each open case from `development_due` instead of rebuilding
//! every case from its steps. A row is valid while the case's `revision` (bumped by every write that
//! changes what is due: steps, transfers, 公示, objections) and the rule `version` (today's rule set,
//! the rule settings, the working-day corrections, the binary) are those it was computed at; stale
//! or missing rows are recomputed from the steps and written back. Derived data: not audited.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::db::{Conn, Db};
use crate::error::AppResult;
use crate::repo::Args;
use crate::repo::development::DueColumns;
use crate::rules::development::{Due, RuleSet};
use crate::service::settings::RuleConfig;
use crate::util::{fmt_date, parse_date};

/// What the cache holds for a case.
#[derive(Debug, Clone)]
pub(super) struct Cached {
    /// Last recorded step id.
    pub last_step: Option<String>,
    /// Its date.
    pub last_step_on: Option<NaiveDate>,
    /// What is due (`overdue` is recomputed for today by the reader).
    pub due: Vec<Due>,
}

/// The rule version the cached rows must match.
pub(super) async fn version(conn: &mut Conn, cfg: &RuleConfig, today: NaiveDate) -> AppResult<String> {
    let r =
        sqlx::query("SELECT COUNT(*) AS n, MAX(updated_at) AS m FROM workday_override").fetch_one(&mut *conn).await?;
    let n: i64 = r.try_get("n")?;
    let m: Option<String> = r.try_get("m")?;
    let mut h = Sha256::new();
    h.update(serde_json::to_string(&cfg.settings).unwrap_or_default().as_bytes());
    h.update(format!("|{n}|{}|{}", m.unwrap_or_default(), env!("CARGO_PKG_VERSION")).as_bytes());
    let rules = RuleSet::for_date(today).as_str();
    Ok(format!("{rules}:{}", hex::encode(&h.finalize()[..8])))
}

/// The still-valid cached row of a case, if any.
pub(super) fn fresh(cols: &DueColumns, version: &str) -> Option<Cached> {
    if cols.cached_revision != Some(cols.revision) || cols.version.as_deref() != Some(version) {
        return None;
    }
    let due = serde_json::from_str::<Vec<Due>>(cols.due_json.as_deref()?).ok()?;
    Some(Cached {
        last_step: cols.last_step.clone(),
        last_step_on: cols.last_step_on.as_deref().and_then(parse_date),
        due,
    })
}

/// Writes recomputed rows (case id, revision it was computed at, the row). Failures are logged,
/// never shown: the list was computed either way.
pub(super) async fn store(db: &Db, version: &str, rows: &[(i64, i64, Cached)]) {
    if rows.is_empty() {
        return;
    }
    if let Err(e) = store_inner(db, version, rows).await {
        tracing::warn!(error = %e, "could not cache the 待办 rows");
    }
}

async fn store_inner(db: &Db, version: &str, rows: &[(i64, i64, Cached)]) -> AppResult<()> {
    let mut w = db.begin_write().await?;
    for chunk in rows.chunks(80) {
        let mut args = Args::default();
        let values: Vec<String> = chunk
            .iter()
            .map(|(id, rev, c)| {
                let due = serde_json::to_string(&c.due).unwrap_or_else(|_| "[]".to_string());
                format!(
                    "({}, {}, {}, {}, {}, {})",
                    args.int(*id),
                    args.int(*rev),
                    args.text(version),
                    c.last_step.as_ref().map_or_else(|| "NULL".to_string(), |s| args.text(s.as_str())),
                    c.last_step_on.map_or_else(|| "NULL".to_string(), |d| args.text(fmt_date(d))),
                    args.text(due),
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO development_due (case_id, revision, version, last_step, last_step_on, due_json) VALUES {}
             ON CONFLICT (case_id) DO UPDATE SET revision = EXCLUDED.revision, version = EXCLUDED.version,
             last_step = EXCLUDED.last_step, last_step_on = EXCLUDED.last_step_on, due_json = EXCLUDED.due_json",
            values.join(", ")
        );
        args.bind(sqlx::query(&sql)).execute(&mut *w.tx).await?;
    }
    w.commit().await?;
    Ok(())
}
