//! 党纪处分 rows (`member_penalty`). Scoping is done by the caller through the member
//! ([`super::members::get`]); these functions take member ids already known to be visible, or
//! serve the rule engine (whose member ids come from a scoped case).

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::Args;
use crate::db::Conn;
use crate::domain::PenaltyKind;
use crate::rules::penalty::Penalty;
use crate::util::{fmt_date, now_rfc3339, parse_date};

/// One recorded penalty.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PenaltyRow {
    /// Row id.
    pub id: i64,
    /// Member id.
    pub member_id: i64,
    /// Kind.
    pub kind: PenaltyKind,
    /// Date decided (批准); periods count from here.
    pub decided_on: NaiveDate,
    /// 留党察看 length in months (12 or 24).
    pub period_months: Option<i32>,
    /// First day with rights restored (留党察看).
    pub restored_on: Option<NaiveDate>,
    /// Decision document (文号).
    pub document: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// When recorded.
    pub created_at: String,
    /// Who recorded it.
    pub created_by: String,
}

impl PenaltyRow {
    /// The rule engine's view of the row.
    pub fn penalty(&self) -> Penalty {
        Penalty {
            kind: self.kind,
            decided_on: self.decided_on,
            period_months: self.period_months,
            restored_on: self.restored_on,
        }
    }
}

/// A new penalty (validated by the service).
#[derive(Debug, Clone)]
pub struct NewPenalty {
    /// Kind.
    pub kind: PenaltyKind,
    /// Decided on.
    pub decided_on: NaiveDate,
    /// 留党察看 months.
    pub period_months: Option<i32>,
    /// Restored on.
    pub restored_on: Option<NaiveDate>,
    /// 文号.
    pub document: Option<String>,
    /// Note.
    pub note: Option<String>,
}

const COLS: &str =
    "id, member_id, kind, decided_on, period_months, restored_on, document, note, created_at, created_by";

fn row(r: &AnyRow) -> Result<PenaltyRow, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let decided: String = r.try_get("decided_on")?;
    let period: Option<i64> = r.try_get("period_months")?;
    Ok(PenaltyRow {
        id: r.try_get("id")?,
        member_id: r.try_get("member_id")?,
        kind: PenaltyKind::parse(&kind).ok_or_else(|| sqlx::Error::Decode(format!("kind: {kind}").into()))?,
        decided_on: parse_date(&decided).ok_or_else(|| sqlx::Error::Decode(format!("decided_on: {decided}").into()))?,
        period_months: period.and_then(|p| i32::try_from(p).ok()),
        restored_on: super::opt_date_col(r, "restored_on")?,
        document: r.try_get("document")?,
        note: r.try_get("note")?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
    })
}

/// A member's penalties, newest decision first.
pub async fn of_member(conn: &mut Conn, member_id: i64) -> Result<Vec<PenaltyRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM member_penalty WHERE member_id = $1 ORDER BY decided_on DESC, id DESC");
    let rows = sqlx::query(&sql).bind(member_id).fetch_all(&mut *conn).await?;
    rows.iter().map(row).collect()
}

/// One penalty of a member.
pub async fn get(conn: &mut Conn, member_id: i64, id: i64) -> Result<Option<PenaltyRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM member_penalty WHERE id = $1 AND member_id = $2");
    let r = sqlx::query(&sql).bind(id).bind(member_id).fetch_optional(&mut *conn).await?;
    r.as_ref().map(row).transpose()
}

/// The penalties of many members (the rule engine's input), in statements of at most 500 ids.
pub async fn of_members(conn: &mut Conn, member_ids: &[i64]) -> Result<Vec<PenaltyRow>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in member_ids.chunks(500) {
        let mut args = Args::default();
        let ph: Vec<String> = chunk.iter().map(|id| args.int(*id)).collect();
        let sql = format!("SELECT {COLS} FROM member_penalty WHERE member_id IN ({})", ph.join(", "));
        let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
        for r in &rows {
            out.push(row(r)?);
        }
    }
    Ok(out)
}

/// Inserts a penalty and returns its id.
pub async fn insert(conn: &mut Conn, member_id: i64, p: &NewPenalty, by: &str) -> Result<i64, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO member_penalty (member_id, kind, decided_on, period_months, restored_on, document, note, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(member_id)
    .bind(p.kind.as_str())
    .bind(fmt_date(p.decided_on))
    .bind(p.period_months)
    .bind(p.restored_on.map(fmt_date))
    .bind(p.document.clone())
    .bind(p.note.clone())
    .bind(now_rfc3339())
    .bind(by)
    .fetch_one(&mut *conn)
    .await?;
    r.try_get("id")
}

/// Records the restoration of rights of a 留党察看.
pub async fn set_restored(conn: &mut Conn, id: i64, on: NaiveDate) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE member_penalty SET restored_on = $1 WHERE id = $2")
        .bind(fmt_date(on))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
