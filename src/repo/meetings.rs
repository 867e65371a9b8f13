//! 党支部党员大会 rows (`development_meeting`, 票决 R1.15–R1.17). Every read is scoped by the
//! meeting's `org_path`.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auth::scope::Scope;
use crate::db::Conn;
use crate::domain::Role;
use crate::util::{fmt_date, now_rfc3339};

/// One stored meeting.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingRow {
    /// Row id.
    pub id: i64,
    /// The branch that held it.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Its path.
    pub org_path: String,
    /// `admission` | `conversion`.
    pub kind: String,
    /// Date held.
    pub held_on: NaiveDate,
    /// 应到会有表决权, computed from the roster when recorded (R1.17).
    pub eligible_voters: u32,
    /// 实到会有表决权.
    pub present_voters: u32,
    /// Written opinions submitted before the meeting.
    pub written_opinions: u32,
    /// Ballots, exclusions and minutes (JSON).
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
    /// When recorded.
    pub created_at: String,
    /// Who recorded it.
    pub created_by: String,
}

/// A new meeting (validated by the service).
#[derive(Debug, Clone)]
pub struct NewMeeting<'a> {
    /// Branch id.
    pub org_id: i64,
    /// Branch path.
    pub org_path: &'a str,
    /// `admission` | `conversion`.
    pub kind: &'a str,
    /// Date held.
    pub held_on: NaiveDate,
    /// Computed 应到会有表决权.
    pub eligible_voters: u32,
    /// 实到会有表决权.
    pub present_voters: u32,
    /// Written opinions.
    pub written_opinions: u32,
    /// Ballots and minutes.
    pub body: &'a serde_json::Value,
    /// Recording user.
    pub by: &'a str,
}

const COLS: &str = "d.id, d.org_id, o.name AS org_name, d.org_path, d.kind, d.held_on, \
     CAST(d.eligible_voters AS BIGINT) AS eligible_voters, CAST(d.present AS BIGINT) AS present, \
     CAST(d.written_opinions AS BIGINT) AS written_opinions, d.body, d.created_at, d.created_by";
const FROM: &str = "development_meeting d JOIN org o ON o.id = d.org_id";

fn count(r: &AnyRow, col: &str) -> Result<u32, sqlx::Error> {
    let v: i64 = r.try_get(col)?;
    u32::try_from(v).map_err(|e| super::corrupt(col, e))
}

fn row(r: &AnyRow) -> Result<MeetingRow, sqlx::Error> {
    Ok(MeetingRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        org_path: r.try_get("org_path")?,
        kind: r.try_get("kind")?,
        held_on: super::date_col(r, "held_on")?,
        eligible_voters: count(r, "eligible_voters")?,
        present_voters: count(r, "present")?,
        written_opinions: count(r, "written_opinions")?,
        body: super::json_col(r, "body")?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
    })
}

/// Inserts a meeting and returns its id.
pub async fn insert(conn: &mut Conn, m: &NewMeeting<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO development_meeting (org_id, org_path, kind, held_on, eligible_voters, present, written_opinions, \
         body, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(m.org_id)
    .bind(m.org_path)
    .bind(m.kind)
    .bind(fmt_date(m.held_on))
    .bind(i64::from(m.eligible_voters))
    .bind(i64::from(m.present_voters))
    .bind(i64::from(m.written_opinions))
    .bind(m.body.to_string())
    .bind(now_rfc3339())
    .bind(m.by)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// One meeting in scope.
pub async fn get(conn: &mut Conn, scope: &Scope, id: i64) -> Result<Option<MeetingRow>, sqlx::Error> {
    if scope.role == Role::Member {
        return Ok(None);
    }
    let sql = format!("SELECT {COLS} FROM {FROM} WHERE d.id = $1");
    let Some(r) = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let m = row(&r)?;
    Ok(scope.covers(&m.org_path).then_some(m))
}

/// Meetings held by orgs of the subtree `org_path` (already inside the scope), latest first.
pub async fn list(conn: &mut Conn, scope: &Scope, org_path: &str) -> Result<Vec<MeetingRow>, sqlx::Error> {
    if scope.role == Role::Member || !scope.covers(org_path) {
        return Ok(Vec::new());
    }
    let mut args = super::Args::default();
    let cond = super::prefix_cond("d.org_path", org_path, &mut args);
    let sql = format!("SELECT {COLS} FROM {FROM} WHERE {cond} ORDER BY d.held_on DESC, d.id DESC LIMIT 500");
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(row).collect()
}

/// Ids of the cases whose step row points at meeting `id`.
pub async fn step_cases(conn: &mut Conn, id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query("SELECT case_id FROM development_step WHERE meeting_id = $1 ORDER BY case_id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| r.try_get("case_id")).collect()
}
