//! Development case queries: cases scoped by `org_path` range scans, their steps and overrides.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::Args;
use crate::auth::scope::Scope;
use crate::db::Conn;
use crate::domain::enums::Stored;
use crate::domain::{MemberStatus, OrgKind, Role};
use crate::util::{fmt_date, now_rfc3339, parse_date};

/// One development case with its person and org (write model read back).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseRow {
    /// Case id.
    pub id: i64,
    /// Person id.
    pub person_id: i64,
    /// Person's name.
    pub name: String,
    /// Person's birth date.
    pub birth_date: NaiveDate,
    /// Org holding the case.
    pub org_id: i64,
    /// Org's name.
    pub org_name: String,
    /// Org's kind.
    pub org_kind: OrgKind,
    /// Org's materialized path.
    pub org_path: String,
    /// Stage (GLOSSARY id of [`crate::rules::development::Stage`]).
    pub stage: String,
    /// open | closed.
    pub status: String,
    /// Application date.
    pub opened_on: NaiveDate,
    /// Date closed.
    pub closed_on: Option<NaiveDate>,
}

/// One recorded step.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepRow {
    /// Row id.
    pub id: i64,
    /// Case id.
    pub case_id: i64,
    /// Step id (GLOSSARY).
    pub step: String,
    /// Date of the step.
    pub done_on: NaiveDate,
    /// Details as JSON.
    pub body: serde_json::Value,
    /// When recorded.
    pub created_at: String,
    /// Who recorded it.
    pub created_by: String,
}

/// One justified override of a warning, given for one step record (a justification covers one decision).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OverrideRow {
    /// Row id.
    pub id: i64,
    /// Rule id.
    pub rule: String,
    /// The step record it was given for (`None`: an override from before migration 7 that no step
    /// could be matched to; it covers nothing).
    pub step_id: Option<i64>,
    /// That record's step id (GLOSSARY).
    pub step: Option<String>,
    /// That record's round: how many records of the same step the case had before it (the
    /// conversion vote and approval start a new round after an extension, R1.24).
    pub round: u32,
    /// Justification.
    pub reason: String,
    /// Who justified.
    pub user_name: String,
    /// When.
    pub created_at: String,
}

const CASE_COLS: &str = "c.id, c.person_id, pe.name, pe.birth_date, c.org_id, o.name AS org_name, o.kind AS org_kind, c.org_path, c.stage, c.status, c.opened_on, c.closed_on";
const CASE_FROM: &str = "development_case c JOIN person pe ON pe.id = c.person_id JOIN org o ON o.id = c.org_id";

fn date(r: &AnyRow, col: &str) -> Result<NaiveDate, sqlx::Error> {
    super::date_col(r, col)
}

fn case_row(r: &AnyRow) -> Result<CaseRow, sqlx::Error> {
    Ok(CaseRow {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        name: r.try_get("name")?,
        birth_date: date(r, "birth_date")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        org_kind: super::enum_col(r, "org_kind")?,
        org_path: r.try_get("org_path")?,
        stage: r.try_get("stage")?,
        status: r.try_get("status")?,
        opened_on: date(r, "opened_on")?,
        closed_on: super::opt_date_col(r, "closed_on")?,
    })
}

fn step_row(r: &AnyRow) -> Result<StepRow, sqlx::Error> {
    Ok(StepRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        step: r.try_get("step")?,
        done_on: date(r, "done_on")?,
        body: super::json_col(r, "body")?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
    })
}

/// Members see no development cases; everyone else sees their subtree.
fn visible(scope: &Scope) -> bool {
    scope.role != Role::Member
}

/// Open cases of the subtree `org_path` with their revision and the columns of their cached 待办 row,
/// if any, ordered by application date. The rows are folded into JSON groups of 512 cases in SQL
/// (`Backend::json_rows_agg`): the driver's cost per row, not the query, dominated large subtrees.
pub async fn list_open_with_due(
    conn: &mut Conn,
    backend: crate::db::Backend,
    scope: &Scope,
    org_path: &str,
) -> Result<Vec<(CaseRow, DueColumns)>, sqlx::Error> {
    if !visible(scope) {
        return Ok(Vec::new());
    }
    let mut args = Args::default();
    let cond = super::prefix_cond("c.org_path", org_path, &mut args);
    let items = "c.id, c.person_id, pe.name, pe.birth_date, c.org_id, o.name, o.kind, c.org_path, c.stage, c.status, \
                 c.opened_on, c.closed_on, c.revision, d.revision, d.version, d.last_step, d.last_step_on, d.due_json";
    let sql = format!(
        "SELECT {} AS j FROM {CASE_FROM} LEFT JOIN development_due d ON d.case_id = c.id
         WHERE {cond} AND c.status = 'open' GROUP BY c.id / 512",
        backend.json_rows_agg(items)
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for r in rows {
        let j: String = r.try_get("j")?;
        let group: Vec<JoinedRow> =
            serde_json::from_str(&j).map_err(|e| sqlx::Error::Decode(format!("list_open_with_due: {e}").into()))?;
        for x in group {
            let bad = |col: &str, v: &str| sqlx::Error::Decode(format!("{col}: {v}").into());
            let case = CaseRow {
                id: x.0,
                person_id: x.1,
                name: x.2,
                birth_date: parse_date(&x.3).ok_or_else(|| bad("birth_date", &x.3))?,
                org_id: x.4,
                org_name: x.5,
                org_kind: OrgKind::from_stored(&x.6).map_err(|e| super::corrupt("org_kind", e))?,
                org_path: x.7,
                stage: x.8,
                status: x.9,
                opened_on: parse_date(&x.10).ok_or_else(|| bad("opened_on", &x.10))?,
                closed_on: x.11.as_deref().map(|d| parse_date(d).ok_or_else(|| bad("closed_on", d))).transpose()?,
            };
            let due = DueColumns {
                revision: x.12,
                cached_revision: x.13,
                version: x.14,
                last_step: x.15,
                last_step_on: x.16,
                due_json: x.17,
            };
            out.push((case, due));
        }
    }
    out.sort_by_key(|(c, _)| (c.opened_on, c.id));
    Ok(out)
}

/// One case of [`list_open_with_due`] as its JSON array.
#[derive(serde::Deserialize)]
struct JoinedRow(
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The cache columns of [`list_open_with_due`].
#[derive(Debug, Clone)]
pub struct DueColumns {
    /// `development_case.revision`.
    pub revision: i64,
    /// The revision the cached row was computed at.
    pub cached_revision: Option<i64>,
    /// Its rule version.
    pub version: Option<String>,
    /// Last step id.
    pub last_step: Option<String>,
    /// Its date (text).
    pub last_step_on: Option<String>,
    /// What was due (JSON array of `Due`).
    pub due_json: Option<String>,
}

/// Steps of the given cases (ids already scoped by the caller), by case then date.
pub async fn steps_of_cases(conn: &mut Conn, ids: &[i64]) -> Result<Vec<StepRow>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(400) {
        let mut args = Args::default();
        let ph: Vec<String> = chunk.iter().map(|id| args.int(*id)).collect();
        let sql = format!(
            "SELECT s.id, s.case_id, s.step, s.done_on, s.body, s.created_at, s.created_by FROM development_step s
             WHERE s.case_id IN ({}) ORDER BY s.case_id, s.done_on, s.id",
            ph.join(", ")
        );
        for r in args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await? {
            out.push(step_row(&r)?);
        }
    }
    Ok(out)
}

/// Overrides of the given cases (ids already scoped by the caller).
pub async fn overrides_of_cases(conn: &mut Conn, ids: &[i64]) -> Result<Vec<(i64, OverrideRow)>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(400) {
        let mut args = Args::default();
        let ph: Vec<String> = chunk.iter().map(|id| args.int(*id)).collect();
        let sql =
            format!("SELECT {OVERRIDE_COLS} FROM {OVERRIDE_FROM} WHERE v.case_id IN ({}) ORDER BY v.id", ph.join(", "));
        for r in args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await? {
            out.push((r.try_get("case_id")?, override_row(&r)?));
        }
    }
    Ok(out)
}

/// Cases of the subtree `org_path` that were open on `on`: opened on or before it and not closed
/// before it, ordered by application date.
pub async fn cases_on(
    conn: &mut Conn,
    scope: &Scope,
    org_path: &str,
    on: NaiveDate,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    if !visible(scope) {
        return Ok(Vec::new());
    }
    let mut args = Args::default();
    let cond = super::prefix_cond("c.org_path", org_path, &mut args);
    let d = args.text(fmt_date(on));
    let sql = format!(
        "SELECT {CASE_COLS} FROM {CASE_FROM} WHERE {cond} AND c.opened_on <= {d} AND (c.closed_on IS NULL OR c.closed_on >= {d})
         ORDER BY c.opened_on, c.id"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(case_row).filter(|c| c.as_ref().map(|c| scope.covers(&c.org_path)).unwrap_or(true)).collect()
}

/// One case in scope.
pub async fn get(conn: &mut Conn, scope: &Scope, id: i64) -> Result<Option<CaseRow>, sqlx::Error> {
    if !visible(scope) {
        return Ok(None);
    }
    let sql = format!("SELECT {CASE_COLS} FROM {CASE_FROM} WHERE c.id = $1");
    let Some(r) = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let row = case_row(&r)?;
    Ok(scope.covers(&row.org_path).then_some(row))
}

/// The steps of one case, by date.
pub async fn steps(conn: &mut Conn, case_id: i64) -> Result<Vec<StepRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, case_id, step, done_on, body, created_at, created_by FROM development_step WHERE case_id = $1 ORDER BY done_on, id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(step_row).collect()
}

impl OverrideRow {
    /// "第23步「支部大会讨论」（第2轮）", or "未关联步骤（不再生效）" for an unmatched old override.
    pub fn covers(&self) -> String {
        match self.step.as_deref().and_then(crate::rules::development::Step::parse) {
            Some(step) => crate::rules::development::override_step_label(step, self.round),
            None => "未关联步骤（不再生效）".to_string(),
        }
    }
}

const OVERRIDE_COLS: &str = "v.id, v.case_id, v.rule, v.reason, v.user_name, v.created_at, v.step_id, s.step, \
     (SELECT COUNT(*) FROM development_step e WHERE e.case_id = s.case_id AND e.step = s.step AND e.id < s.id) AS round";
const OVERRIDE_FROM: &str = "development_override v LEFT JOIN development_step s ON s.id = v.step_id";

fn override_row(r: &AnyRow) -> Result<OverrideRow, sqlx::Error> {
    let round: Option<i64> = r.try_get("round")?;
    Ok(OverrideRow {
        id: r.try_get("id")?,
        rule: r.try_get("rule")?,
        step_id: r.try_get("step_id")?,
        step: r.try_get("step")?,
        round: round.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
        reason: r.try_get("reason")?,
        user_name: r.try_get("user_name")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The overrides of one case.
pub async fn overrides(conn: &mut Conn, case_id: i64) -> Result<Vec<OverrideRow>, sqlx::Error> {
    let sql = format!("SELECT {OVERRIDE_COLS} FROM {OVERRIDE_FROM} WHERE v.case_id = $1 ORDER BY v.id");
    let rows = sqlx::query(&sql).bind(case_id).fetch_all(&mut *conn).await?;
    rows.iter().map(override_row).collect()
}

/// Number of open cases of a person (one open case per person).
pub async fn open_cases_of_person(conn: &mut Conn, person_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM development_case WHERE person_id = $1 AND status = 'open'")
        .bind(person_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")
}

/// The development case that owns a person's stage and dates (R1.23–R1.26): the open one, else
/// the latest; `(case id, open)`.
pub async fn owning_case_of_person(conn: &mut Conn, person_id: i64) -> Result<Option<(i64, bool)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, status FROM development_case WHERE person_id = $1
         ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, id DESC LIMIT 1",
    )
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get::<String, _>("status")? == "open"))).transpose()
}

/// Org paths of every case of a person (to keep people of foreign cases invisible).
pub async fn case_paths_of_person(conn: &mut Conn, person_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT org_path FROM development_case WHERE person_id = $1")
        .bind(person_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| r.try_get("org_path")).collect()
}

/// A person's name and birth date, and whether they already have a member row.
pub async fn person(conn: &mut Conn, person_id: i64) -> Result<Option<(String, NaiveDate, bool)>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT pe.name, pe.birth_date, (SELECT COUNT(*) FROM member m WHERE m.person_id = pe.id) AS n FROM person pe WHERE pe.id = $1",
    )
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let n: i64 = r.try_get("n")?;
    Ok(Some((r.try_get("name")?, date(&r, "birth_date")?, n > 0)))
}

/// Inserts a case and returns its id.
pub async fn insert_case(
    conn: &mut Conn,
    person_id: i64,
    org_id: i64,
    org_path: &str,
    stage: &str,
    opened_on: NaiveDate,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO development_case (person_id, org_id, org_path, stage, status, opened_on, closed_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'open', $5, NULL, $6, $6) RETURNING id",
    )
    .bind(person_id)
    .bind(org_id)
    .bind(org_path)
    .bind(stage)
    .bind(fmt_date(opened_on))
    .bind(now_rfc3339())
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Inserts a recorded step.
pub async fn insert_step(
    conn: &mut Conn,
    case_id: i64,
    step: &str,
    done_on: NaiveDate,
    body: &serde_json::Value,
    by: &str,
) -> Result<i64, sqlx::Error> {
    insert_step_at(conn, case_id, step, done_on, body, by, None).await
}

/// Inserts a step row decided at a 党员大会 (`development_meeting.id`, NULL for none).
pub async fn insert_step_at(
    conn: &mut Conn,
    case_id: i64,
    step: &str,
    done_on: NaiveDate,
    body: &serde_json::Value,
    by: &str,
    meeting_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO development_step (case_id, step, done_on, body, created_at, created_by, meeting_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(case_id)
    .bind(step)
    .bind(fmt_date(done_on))
    .bind(body.to_string())
    .bind(now_rfc3339())
    .bind(by)
    .bind(meeting_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Inserts a justified override of `rule` given for the step record `step_id`.
pub async fn insert_override(
    conn: &mut Conn,
    case_id: i64,
    step_id: i64,
    rule: &str,
    reason: &str,
    user_name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO development_override (case_id, step_id, rule, reason, user_name, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(step_id)
    .bind(rule)
    .bind(reason)
    .bind(user_name)
    .bind(now_rfc3339())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets a case's stage (and closes it when `closed_on` is given).
pub async fn update_case(
    conn: &mut Conn,
    case_id: i64,
    stage: &str,
    closed_on: Option<NaiveDate>,
) -> Result<(), sqlx::Error> {
    let status = if closed_on.is_some() { "closed" } else { "open" };
    sqlx::query(
        "UPDATE development_case SET stage = $1, status = $2, closed_on = $3, updated_at = $4, revision = revision + 1 WHERE id = $5",
    )
        .bind(stage)
        .bind(status)
        .bind(closed_on.map(fmt_date))
        .bind(now_rfc3339())
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The member row of a person, if any.
pub async fn member_of_person(conn: &mut Conn, person_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let r =
        sqlx::query("SELECT id FROM member WHERE person_id = $1").bind(person_id).fetch_optional(&mut *conn).await?;
    r.map(|r| r.try_get("id")).transpose()
}

/// The open case of a person, if any (unscoped: the caller checks the case's scope).
pub async fn open_case_of_person(conn: &mut Conn, person_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let r = sqlx::query("SELECT id FROM development_case WHERE person_id = $1 AND status = 'open' ORDER BY id LIMIT 1")
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| r.try_get("id")).transpose()
}

/// Re-homes a case to another org of the same voting branch (a branch and its 党小组): no transfer.
pub async fn rehome_case(conn: &mut Conn, case_id: i64, org_id: i64, org_path: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE development_case SET org_id = $1, org_path = $2, revision = revision + 1 WHERE id = $3")
        .bind(org_id)
        .bind(org_path)
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One member on a branch roster on a date (R1.17): id, name, status, full_on, special_status.
pub type RosterRow = (i64, String, MemberStatus, Option<NaiveDate>, crate::domain::SpecialStatus);

/// Members whose membership period covers `on` anywhere in the subtree of the voting branch of
/// `org_id` (the branch and its 党小组 at any depth; a group resolves to its branch).
pub async fn roster(conn: &mut Conn, org_id: i64, on: NaiveDate) -> Result<Vec<RosterRow>, sqlx::Error> {
    let Some(path) = voting_branch_path(conn, org_id).await? else { return Ok(Vec::new()) };
    let rows = sqlx::query(
        "SELECT DISTINCT m.id, pe.name, m.status, m.full_on, m.special_status FROM membership_period p \
         JOIN member m ON m.id = p.member_id JOIN person pe ON pe.id = m.person_id JOIN org o ON o.id = p.org_id \
         WHERE o.path >= $1 AND o.path < $2 AND p.start_on <= $3 AND (p.end_on IS NULL OR p.end_on > $4) ORDER BY m.id",
    )
    .bind(&path)
    .bind(super::prefix_upper(&path))
    .bind(fmt_date(on))
    .bind(fmt_date(on))
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push((
            r.try_get("id")?,
            r.try_get("name")?,
            super::enum_col(r, "status")?,
            super::opt_date_col(r, "full_on")?,
            super::enum_col(r, "special_status")?,
        ));
    }
    Ok(out)
}

/// The path of the branch whose 党员大会 votes for members of `org_id`: the org itself, or for a
/// 党小组 the nearest enclosing org that is not a group. `None` for an unknown org.
pub async fn voting_branch_path(conn: &mut Conn, org_id: i64) -> Result<Option<String>, sqlx::Error> {
    let mut id = org_id;
    // Bounded walk up the tree: groups sit under a branch, never deeper than the tree itself.
    for _ in 0..64 {
        let Some(r) = sqlx::query("SELECT path, kind, parent_id FROM org WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(None);
        };
        let path: String = r.try_get("path")?;
        let kind: String = r.try_get("kind")?;
        let parent: Option<i64> = r.try_get("parent_id")?;
        match (OrgKind::from_stored(&kind).map_err(|e| super::corrupt("kind", e))?, parent) {
            (OrgKind::Group, Some(p)) => id = p,
            _ => return Ok(Some(path)),
        }
    }
    Ok(None)
}
