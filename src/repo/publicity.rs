//! 公示 notices of prospective 发展对象 and the objections raised against them (R1.8). Rows are
//! read unscoped by id and checked by the service; lists take an org-path prefix inside the scope.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::Args;
use crate::db::Conn;
use crate::util::{fmt_date, now_rfc3339, parse_date};

/// One 公示 notice.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicityRow {
    /// Notice id.
    pub id: i64,
    /// Development case.
    pub case_id: i64,
    /// The person's name.
    pub name: String,
    /// Org that issued the notice (the case's branch when generated).
    pub org_id: i64,
    /// That org's name.
    pub org_name: String,
    /// That org's path.
    pub org_path: String,
    /// Title.
    pub title: String,
    /// Text (paragraphs separated by newlines).
    pub body: String,
    /// Where it is posted / where objections are received.
    pub place: Option<String>,
    /// First day.
    pub start_on: NaiveDate,
    /// Last day.
    pub end_on: NaiveDate,
    /// When generated.
    pub created_at: String,
    /// Who generated it.
    pub created_by: String,
    /// Last edit.
    pub updated_at: String,
    /// A 流动人员's notice: `outflow` (流出地) or `inflow` (流入地); `None` = the unit's own (R1.8).
    pub location: Option<String>,
}

/// One objection raised against a notice.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ObjectionRow {
    /// Objection id.
    pub id: i64,
    /// Notice.
    pub publicity_id: i64,
    /// Case.
    pub case_id: i64,
    /// Day received.
    pub received_on: NaiveDate,
    /// Who raised it (optional; may be anonymous).
    pub raised_by: Option<String>,
    /// What was reported.
    pub content: String,
    /// Day resolved (查清了结); `None` = open.
    pub resolved_on: Option<NaiveDate>,
    /// How it was resolved.
    pub resolution: Option<String>,
    /// When recorded.
    pub created_at: String,
    /// Who recorded it.
    pub created_by: String,
}

const PUB_COLS: &str = "p.id, p.case_id, pe.name, p.org_id, o.name AS org_name, p.org_path, p.title, p.body, p.place, \
     p.start_on, p.end_on, p.created_at, p.created_by, p.updated_at, p.location";
const PUB_FROM: &str = "development_publicity p JOIN development_case c ON c.id = p.case_id \
     JOIN person pe ON pe.id = c.person_id JOIN org o ON o.id = p.org_id";
const OBJ_COLS: &str =
    "id, publicity_id, case_id, received_on, raised_by, content, resolved_on, resolution, created_at, created_by";

fn date(r: &AnyRow, col: &str) -> Result<NaiveDate, sqlx::Error> {
    let s: String = r.try_get(col)?;
    parse_date(&s).ok_or_else(|| sqlx::Error::Decode(format!("{col}: {s}").into()))
}

fn publicity_row(r: &AnyRow) -> Result<PublicityRow, sqlx::Error> {
    Ok(PublicityRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        name: r.try_get("name")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        org_path: r.try_get("org_path")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        place: r.try_get("place")?,
        start_on: date(r, "start_on")?,
        end_on: date(r, "end_on")?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
        updated_at: r.try_get("updated_at")?,
        location: r.try_get("location")?,
    })
}

fn objection_row(r: &AnyRow) -> Result<ObjectionRow, sqlx::Error> {
    Ok(ObjectionRow {
        id: r.try_get("id")?,
        publicity_id: r.try_get("publicity_id")?,
        case_id: r.try_get("case_id")?,
        received_on: date(r, "received_on")?,
        raised_by: r.try_get("raised_by")?,
        content: r.try_get("content")?,
        resolved_on: super::opt_date_col(r, "resolved_on")?,
        resolution: r.try_get("resolution")?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
    })
}

/// One notice by id (unscoped: the caller checks the case or the org path).
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<PublicityRow>, sqlx::Error> {
    let sql = format!("SELECT {PUB_COLS} FROM {PUB_FROM} WHERE p.id = $1");
    sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await?.as_ref().map(publicity_row).transpose()
}

/// The notices of one case, oldest first.
pub async fn of_case(conn: &mut Conn, case_id: i64) -> Result<Vec<PublicityRow>, sqlx::Error> {
    let sql = format!("SELECT {PUB_COLS} FROM {PUB_FROM} WHERE p.case_id = $1 ORDER BY p.start_on, p.id");
    let rows = sqlx::query(&sql).bind(case_id).fetch_all(&mut *conn).await?;
    rows.iter().map(publicity_row).collect()
}

/// Notices issued in the subtree `org_path` whose last day is on or after `ended_since`, newest first.
pub async fn board(conn: &mut Conn, org_path: &str, ended_since: NaiveDate) -> Result<Vec<PublicityRow>, sqlx::Error> {
    let mut args = Args::default();
    let cond = super::prefix_cond("p.org_path", org_path, &mut args);
    let since = args.text(fmt_date(ended_since));
    let sql = format!(
        "SELECT {PUB_COLS} FROM {PUB_FROM} WHERE {cond} AND p.end_on >= {since} ORDER BY p.start_on DESC, p.id DESC"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(publicity_row).collect()
}

/// The fields of a notice as written.
pub struct NoticeFields<'a> {
    /// Title.
    pub title: &'a str,
    /// Text.
    pub body: &'a str,
    /// Place.
    pub place: Option<&'a str>,
    /// First day.
    pub start_on: NaiveDate,
    /// Last day.
    pub end_on: NaiveDate,
}

/// Sets where a notice is posted (R1.8: `outflow` / `inflow` for a 流动人员).
pub async fn set_location(conn: &mut Conn, id: i64, location: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE development_publicity SET location = $1 WHERE id = $2")
        .bind(location)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether the person of a case is a 流动人员 (R1.8).
pub async fn case_mobile(conn: &mut Conn, case_id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("SELECT mobile FROM development_case WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(r.map(|r| r.try_get::<i64, _>("mobile")).transpose()?.unwrap_or(0) != 0)
}

/// Records whether the person of a case is a 流动人员; what is due must be recomputed.
pub async fn set_case_mobile(conn: &mut Conn, case_id: i64, mobile: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE development_case SET mobile = $1, revision = revision + 1 WHERE id = $2")
        .bind(i64::from(mobile))
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Bumps a case's revision: what is due in it must be recomputed (its cached 待办 row is stale).
async fn touch_case(conn: &mut Conn, case_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE development_case SET revision = revision + 1 WHERE id = $1")
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Inserts a notice and returns its id.
pub async fn insert(
    conn: &mut Conn,
    case_id: i64,
    org_id: i64,
    org_path: &str,
    n: &NoticeFields<'_>,
    by: &str,
) -> Result<i64, sqlx::Error> {
    touch_case(conn, case_id).await?;
    let now = now_rfc3339();
    sqlx::query(
        "INSERT INTO development_publicity (case_id, org_id, org_path, title, body, place, start_on, end_on, created_at, created_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(case_id)
    .bind(org_id)
    .bind(org_path)
    .bind(n.title)
    .bind(n.body)
    .bind(n.place)
    .bind(fmt_date(n.start_on))
    .bind(fmt_date(n.end_on))
    .bind(now.clone())
    .bind(by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Rewrites a notice's text and dates.
pub async fn update(conn: &mut Conn, id: i64, n: &NoticeFields<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE development_case SET revision = revision + 1 WHERE id = (SELECT case_id FROM development_publicity WHERE id = $1)",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE development_publicity SET title = $1, body = $2, place = $3, start_on = $4, end_on = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(n.title)
    .bind(n.body)
    .bind(n.place)
    .bind(fmt_date(n.start_on))
    .bind(fmt_date(n.end_on))
    .bind(now_rfc3339())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One objection by id (unscoped).
pub async fn get_objection(conn: &mut Conn, id: i64) -> Result<Option<ObjectionRow>, sqlx::Error> {
    let sql = format!("SELECT {OBJ_COLS} FROM development_objection WHERE id = $1");
    sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await?.as_ref().map(objection_row).transpose()
}

/// The objections of one case, in the order received.
pub async fn objections_of_case(conn: &mut Conn, case_id: i64) -> Result<Vec<ObjectionRow>, sqlx::Error> {
    let sql = format!("SELECT {OBJ_COLS} FROM development_objection WHERE case_id = $1 ORDER BY received_on, id");
    let rows = sqlx::query(&sql).bind(case_id).fetch_all(&mut *conn).await?;
    rows.iter().map(objection_row).collect()
}

/// Records an objection and returns its id.
pub async fn insert_objection(
    conn: &mut Conn,
    publicity_id: i64,
    case_id: i64,
    received_on: NaiveDate,
    raised_by: Option<&str>,
    content: &str,
    by: &str,
) -> Result<i64, sqlx::Error> {
    touch_case(conn, case_id).await?;
    sqlx::query(
        "INSERT INTO development_objection (publicity_id, case_id, received_on, raised_by, content, resolved_on, resolution, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7) RETURNING id",
    )
    .bind(publicity_id)
    .bind(case_id)
    .bind(fmt_date(received_on))
    .bind(raised_by)
    .bind(content)
    .bind(now_rfc3339())
    .bind(by)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Marks an objection resolved.
pub async fn resolve_objection(conn: &mut Conn, id: i64, on: NaiveDate, resolution: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE development_case SET revision = revision + 1 WHERE id = (SELECT case_id FROM development_objection WHERE id = $1)",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE development_objection SET resolved_on = $1, resolution = $2 WHERE id = $3")
        .bind(fmt_date(on))
        .bind(resolution)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// For the 待办 list: the latest notice and the unresolved objections of every open case in the
/// subtree `org_path` (two range scans instead of a query per case).
pub async fn open_cases_facts(
    conn: &mut Conn,
    org_path: &str,
) -> Result<(Vec<PublicityRow>, Vec<ObjectionRow>), sqlx::Error> {
    let mut args = Args::default();
    let cond = super::prefix_cond("c.org_path", org_path, &mut args);
    let sql = format!(
        "SELECT {PUB_COLS} FROM {PUB_FROM} WHERE {cond} AND c.status = 'open' ORDER BY p.case_id, p.start_on, p.id"
    );
    let notices = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    let notices = notices.iter().map(publicity_row).collect::<Result<Vec<_>, _>>()?;
    let mut args = Args::default();
    let cond = super::prefix_cond("c.org_path", org_path, &mut args);
    let sql = format!(
        "SELECT j.id, j.publicity_id, j.case_id, j.received_on, j.raised_by, j.content, j.resolved_on, j.resolution, \
         j.created_at, j.created_by FROM development_objection j JOIN development_case c ON c.id = j.case_id \
         WHERE {cond} AND c.status = 'open' AND j.resolved_on IS NULL ORDER BY j.case_id, j.received_on, j.id"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    let objections = rows.iter().map(objection_row).collect::<Result<Vec<_>, _>>()?;
    Ok((notices, objections))
}

/// A person's gender, category, ethnicity and education (for the notice text).
pub async fn person_brief(
    conn: &mut Conn,
    person_id: i64,
) -> Result<Option<(String, String, Option<String>, Option<String>)>, sqlx::Error> {
    let r = sqlx::query("SELECT gender, category, ethnicity, education FROM person WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| Ok((r.try_get("gender")?, r.try_get("category")?, r.try_get("ethnicity")?, r.try_get("education")?)))
        .transpose()
}
