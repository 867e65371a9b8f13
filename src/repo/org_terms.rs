//! An organization's term records (换届, 延期换届, 换届请示), its founding members, and the full
//! members it had on a date (from membership history).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::Conn;
use crate::util::{fmt_date, now_rfc3339, parse_date};

/// Kind of a term record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TermEventKind {
    /// 换届选举: opens a new term on its date.
    ReElection,
    /// 延期换届: approved postponement of the election (R3.5 / R4.2).
    Postponement,
    /// 换届请示: a teacher branch's election request (R3.5).
    ElectionRequest,
}

impl TermEventKind {
    /// Stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            TermEventKind::ReElection => "re_election",
            TermEventKind::Postponement => "postponement",
            TermEventKind::ElectionRequest => "election_request",
        }
    }
    /// Parses a stored identifier.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "re_election" => Some(TermEventKind::ReElection),
            "postponement" => Some(TermEventKind::Postponement),
            "election_request" => Some(TermEventKind::ElectionRequest),
            _ => None,
        }
    }
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            TermEventKind::ReElection => "换届选举",
            TermEventKind::Postponement => "延期换届",
            TermEventKind::ElectionRequest => "换届请示",
        }
    }
}

/// One term record of an org.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TermEventRow {
    /// Id.
    pub id: i64,
    /// Org.
    pub org_id: i64,
    /// Kind.
    pub kind: TermEventKind,
    /// Election date, approval date or request date.
    pub event_on: NaiveDate,
    /// Postponement: the new latest election date.
    pub until_on: Option<NaiveDate>,
    /// Postponement: the approving body.
    pub approved_by: Option<String>,
    /// Postponement: the approval document (文号).
    pub document_no: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// Fields of a new term record.
#[derive(Debug, Clone)]
pub struct NewTermEvent<'a> {
    /// Kind.
    pub kind: TermEventKind,
    /// Date.
    pub event_on: NaiveDate,
    /// Postponement deadline.
    pub until_on: Option<NaiveDate>,
    /// Approving body.
    pub approved_by: Option<&'a str>,
    /// Document.
    pub document_no: Option<&'a str>,
    /// Note.
    pub note: Option<&'a str>,
}

const COLS: &str = "id, org_id, kind, event_on, until_on, approved_by, document_no, note";

fn from_row(r: &AnyRow) -> Result<TermEventRow, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let on: String = r.try_get("event_on")?;
    let until: Option<String> = r.try_get("until_on")?;
    Ok(TermEventRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        kind: TermEventKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("org_term_event.kind {kind}").into()))?,
        event_on: parse_date(&on).unwrap_or_default(),
        until_on: until.as_deref().and_then(parse_date),
        approved_by: r.try_get("approved_by")?,
        document_no: r.try_get("document_no")?,
        note: r.try_get("note")?,
    })
}

/// Every term record of one org, newest first.
pub async fn of_org(conn: &mut Conn, org_id: i64) -> Result<Vec<TermEventRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM org_term_event WHERE org_id = $1 ORDER BY event_on DESC, id DESC");
    let rows = sqlx::query(&sql).bind(org_id).fetch_all(&mut *conn).await?;
    rows.iter().map(from_row).collect()
}

/// Term records of the orgs under a path (for whole-scope findings), keyed by org id, newest first.
pub async fn under_path(conn: &mut Conn, root_path: &str) -> Result<HashMap<i64, Vec<TermEventRow>>, sqlx::Error> {
    let sql = format!(
        "SELECT {} FROM org_term_event e WHERE e.org_id IN (SELECT o.id FROM org o WHERE o.path >= $1 AND o.path < $2)
         ORDER BY e.event_on DESC, e.id DESC",
        COLS.split(", ").map(|c| format!("e.{c}")).collect::<Vec<_>>().join(", ")
    );
    let rows = sqlx::query(&sql).bind(root_path).bind(super::prefix_upper(root_path)).fetch_all(&mut *conn).await?;
    let mut out: HashMap<i64, Vec<TermEventRow>> = HashMap::new();
    for r in &rows {
        let e = from_row(r)?;
        out.entry(e.org_id).or_default().push(e);
    }
    Ok(out)
}

/// Inserts a term record.
pub async fn insert(conn: &mut Conn, org_id: i64, e: &NewTermEvent<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO org_term_event (org_id, kind, event_on, until_on, approved_by, document_no, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(org_id)
    .bind(e.kind.as_str())
    .bind(fmt_date(e.event_on))
    .bind(e.until_on.map(fmt_date))
    .bind(e.approved_by)
    .bind(e.document_no)
    .bind(e.note)
    .bind(now_rfc3339())
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Records the founding members of an org.
pub async fn insert_founding(conn: &mut Conn, org_id: i64, member_ids: &[i64]) -> Result<(), sqlx::Error> {
    for id in member_ids {
        sqlx::query("INSERT INTO org_founding_member (org_id, member_id) VALUES ($1, $2)")
            .bind(org_id)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A founding member as shown on the org page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FoundingMember {
    /// Member id.
    pub member_id: i64,
    /// Name.
    pub name: String,
}

/// The founding members of an org, by name.
pub async fn founding(conn: &mut Conn, org_id: i64) -> Result<Vec<FoundingMember>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT f.member_id, pe.name FROM org_founding_member f JOIN member m ON m.id = f.member_id
         JOIN person pe ON pe.id = m.person_id WHERE f.org_id = $1 ORDER BY m.sort_key, m.id",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(FoundingMember { member_id: r.try_get("member_id")?, name: r.try_get("name")? })).collect()
}

/// Full members (full_on on or before `on`, still members then) belonging on `on` to the org or
/// an org below it, from membership periods: R3.3 counts them as of a seat's start date.
pub async fn full_members_on(conn: &mut Conn, org_path: &str, on: NaiveDate) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(DISTINCT p.member_id) AS n FROM membership_period p JOIN member m ON m.id = p.member_id
         WHERE p.org_id IN (SELECT o.id FROM org o WHERE o.path >= $1 AND o.path < $2)
           AND p.start_on <= $3 AND (p.end_on IS NULL OR p.end_on > $3)
           AND m.full_on IS NOT NULL AND m.full_on <= $3 AND (m.left_on IS NULL OR m.left_on > $3)",
    )
    .bind(org_path)
    .bind(super::prefix_upper(org_path))
    .bind(fmt_date(on))
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")
}
