//! Development case extras: materials (files or paper copies), transfers between branches, the
//! people picker and iCalendar feed tokens.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::Args;
use crate::auth::scope::Scope;
use crate::db::Conn;
use crate::util::{fmt_date, like_escape, now_rfc3339, parse_date};

/// One material of a case (the file itself is fetched separately).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MaterialRow {
    /// Row id.
    pub id: i64,
    /// Case id.
    pub case_id: i64,
    /// Step id (GLOSSARY).
    pub step: String,
    /// `file` (uploaded) or `paper` (纸质材料已存档).
    pub kind: String,
    /// Uploaded file name.
    pub file_name: Option<String>,
    /// MIME type of the file.
    pub content_type: Option<String>,
    /// Bytes (0 for paper).
    pub size: i64,
    /// SHA-256 of the file, hex.
    pub sha256: Option<String>,
    /// Name of the material (e.g. 入党申请书).
    pub note: Option<String>,
    /// When recorded.
    pub created_at: String,
    /// Who recorded it.
    pub created_by: String,
}

const MATERIAL_COLS: &str =
    "id, case_id, step, kind, file_name, content_type, size, sha256, note, created_at, created_by";

fn material_row(r: &AnyRow) -> Result<MaterialRow, sqlx::Error> {
    Ok(MaterialRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        step: r.try_get("step")?,
        kind: r.try_get("kind")?,
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        note: r.try_get("note")?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
    })
}

/// A material to insert.
pub struct NewMaterial<'a> {
    /// Case.
    pub case_id: i64,
    /// Step id.
    pub step: &'a str,
    /// `file` or `paper`.
    pub kind: &'a str,
    /// File name.
    pub file_name: Option<&'a str>,
    /// MIME type.
    pub content_type: Option<&'a str>,
    /// SHA-256 hex.
    pub sha256: Option<&'a str>,
    /// The bytes.
    pub data: Option<Vec<u8>>,
    /// Name of the material.
    pub note: Option<&'a str>,
    /// Who.
    pub created_by: &'a str,
}

/// Inserts a material and returns its id.
pub async fn insert_material(conn: &mut Conn, m: NewMaterial<'_>) -> Result<i64, sqlx::Error> {
    let size = m.data.as_ref().map_or(0, |d| i64::try_from(d.len()).unwrap_or(i64::MAX));
    sqlx::query(
        "INSERT INTO development_material (case_id, step, kind, file_name, content_type, size, sha256, data, note, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(m.case_id)
    .bind(m.step)
    .bind(m.kind)
    .bind(m.file_name)
    .bind(m.content_type)
    .bind(size)
    .bind(m.sha256)
    .bind(m.data)
    .bind(m.note)
    .bind(now_rfc3339())
    .bind(m.created_by)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Materials of a case, by step then id.
pub async fn materials(conn: &mut Conn, case_id: i64) -> Result<Vec<MaterialRow>, sqlx::Error> {
    let sql = format!("SELECT {MATERIAL_COLS} FROM development_material WHERE case_id = $1 ORDER BY id");
    let rows = sqlx::query(&sql).bind(case_id).fetch_all(&mut *conn).await?;
    rows.iter().map(material_row).collect()
}

/// One material (without the bytes).
pub async fn material(conn: &mut Conn, id: i64) -> Result<Option<MaterialRow>, sqlx::Error> {
    let sql = format!("SELECT {MATERIAL_COLS} FROM development_material WHERE id = $1");
    let r = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await?;
    r.as_ref().map(material_row).transpose()
}

/// The bytes of a material.
pub async fn material_data(conn: &mut Conn, id: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let r =
        sqlx::query("SELECT data FROM development_material WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
    Ok(match r {
        Some(r) => r.try_get::<Option<Vec<u8>>, _>("data")?,
        None => None,
    })
}

/// Deletes a material.
pub async fn delete_material(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM development_material WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// One move of a case between branches (R1.9).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TransferRow {
    /// Row id.
    pub id: i64,
    /// Case id.
    pub case_id: i64,
    /// Branch left.
    pub from_org_id: i64,
    /// Its name.
    pub from_org_name: String,
    /// Branch joined.
    pub to_org_id: i64,
    /// Its name.
    pub to_org_name: String,
    /// Last day at the old branch (materials left).
    pub left_on: NaiveDate,
    /// First day at the new branch (materials arrived).
    pub arrived_on: NaiveDate,
    /// Note.
    pub note: Option<String>,
    /// When recorded.
    pub created_at: String,
    /// Who recorded it.
    pub created_by: String,
}

fn date(r: &AnyRow, col: &str) -> Result<NaiveDate, sqlx::Error> {
    let s: String = r.try_get(col)?;
    parse_date(&s).ok_or_else(|| sqlx::Error::Decode(format!("{col}: {s}").into()))
}

fn transfer_row(r: &AnyRow) -> Result<TransferRow, sqlx::Error> {
    Ok(TransferRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        from_org_id: r.try_get("from_org_id")?,
        from_org_name: r.try_get("from_name")?,
        to_org_id: r.try_get("to_org_id")?,
        to_org_name: r.try_get("to_name")?,
        left_on: date(r, "left_on")?,
        arrived_on: date(r, "arrived_on")?,
        note: r.try_get("note")?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
    })
}

const TRANSFER_SELECT: &str =
    "SELECT t.id, t.case_id, t.from_org_id, fo.name AS from_name, t.to_org_id, tor.name AS to_name,
    t.left_on, t.arrived_on, t.note, t.created_at, t.created_by
    FROM development_transfer t JOIN org fo ON fo.id = t.from_org_id JOIN org tor ON tor.id = t.to_org_id";

/// Transfers of one case, oldest first.
pub async fn transfers(conn: &mut Conn, case_id: i64) -> Result<Vec<TransferRow>, sqlx::Error> {
    let sql = format!("{TRANSFER_SELECT} WHERE t.case_id = $1 ORDER BY t.left_on, t.id");
    let rows = sqlx::query(&sql).bind(case_id).fetch_all(&mut *conn).await?;
    rows.iter().map(transfer_row).collect()
}

/// (case id, left on, arrived on) of the transfers of every open case in the subtree `org_path`.
pub async fn open_transfer_dates(
    conn: &mut Conn,
    org_path: &str,
) -> Result<Vec<(i64, NaiveDate, NaiveDate)>, sqlx::Error> {
    let mut args = Args::default();
    let cond = super::prefix_cond("c.org_path", org_path, &mut args);
    let sql = format!(
        "SELECT t.case_id, t.left_on, t.arrived_on FROM development_transfer t JOIN development_case c ON c.id = t.case_id
         WHERE {cond} AND c.status = 'open' ORDER BY t.case_id, t.left_on, t.id"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get("case_id")?, date(r, "left_on")?, date(r, "arrived_on")?))).collect()
}

/// Records a transfer and moves the case to the new branch.
#[allow(clippy::too_many_arguments)]
pub async fn insert_transfer(
    conn: &mut Conn,
    case_id: i64,
    from_org_id: i64,
    to_org_id: i64,
    to_org_path: &str,
    left_on: NaiveDate,
    arrived_on: NaiveDate,
    note: Option<&str>,
    created_by: &str,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query(
        "INSERT INTO development_transfer (case_id, from_org_id, to_org_id, left_on, arrived_on, note, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(case_id)
    .bind(from_org_id)
    .bind(to_org_id)
    .bind(fmt_date(left_on))
    .bind(fmt_date(arrived_on))
    .bind(note)
    .bind(now_rfc3339())
    .bind(created_by)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    sqlx::query("UPDATE development_case SET org_id = $1, org_path = $2, revision = revision + 1 WHERE id = $3")
        .bind(to_org_id)
        .bind(to_org_path)
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// A person who may open a case: not a member, no open case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonPick {
    /// Person id (`person_id` of a new case).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Gender id.
    pub gender: String,
    /// Birth date.
    pub birth_date: String,
    /// 工号/学号.
    pub staff_no: Option<String>,
    /// The org of the person's latest case, if any.
    pub last_org_name: Option<String>,
    /// Status of that case (closed, …).
    pub last_case_status: Option<String>,
}

/// Non-members without an open case, matching `q` (name part, pinyin initials or 工号/学号 prefix).
///
/// Visible: people whose every earlier case lies inside the scope (and who have at least one
/// there); a school-level user also sees people with no case at all.
pub async fn search_people(
    conn: &mut Conn,
    scope: &Scope,
    q: &str,
    limit: i64,
) -> Result<Vec<PersonPick>, sqlx::Error> {
    people(conn, scope, q, None, limit).await
}

/// One person of [`search_people`] by id (None when not eligible or not visible).
pub async fn pick_person(conn: &mut Conn, scope: &Scope, id: i64) -> Result<Option<PersonPick>, sqlx::Error> {
    Ok(people(conn, scope, "", Some(id), 1).await?.into_iter().next())
}

async fn people(
    conn: &mut Conn,
    scope: &Scope,
    q: &str,
    id: Option<i64>,
    limit: i64,
) -> Result<Vec<PersonPick>, sqlx::Error> {
    if scope.role == crate::domain::Role::Member {
        return Ok(Vec::new());
    }
    let mut args = Args::default();
    let lo = args.text(scope.root_path.clone());
    let hi = args.text(super::prefix_upper(&scope.root_path));
    let mut wh = vec![
        "NOT EXISTS (SELECT 1 FROM member m WHERE m.person_id = pe.id)".to_string(),
        "NOT EXISTS (SELECT 1 FROM development_case c WHERE c.person_id = pe.id AND c.status = 'open')".to_string(),
        format!(
            "NOT EXISTS (SELECT 1 FROM development_case c WHERE c.person_id = pe.id AND (c.org_path < {lo} OR c.org_path >= {hi}))"
        ),
    ];
    let in_scope = format!(
        "EXISTS (SELECT 1 FROM development_case c WHERE c.person_id = pe.id AND c.org_path >= {lo} AND c.org_path < {hi})"
    );
    if scope.role == crate::domain::Role::SchoolAdmin {
        wh.push(format!("({in_scope} OR NOT EXISTS (SELECT 1 FROM development_case c WHERE c.person_id = pe.id))"));
    } else {
        wh.push(in_scope);
    }
    if let Some(id) = id {
        wh.push(format!("pe.id = {}", args.int(id)));
    }
    let q = q.trim();
    if !q.is_empty() {
        if q.chars().any(|c| c.is_ascii_digit()) {
            wh.push(super::prefix_cond("pe.staff_no", &q.to_uppercase(), &mut args));
        } else if q.chars().all(|c| c.is_ascii_alphabetic()) {
            let e = q.to_lowercase();
            let ini = super::prefix_cond("pe.name_initials", &e, &mut args);
            let full = super::prefix_cond("pe.name_pinyin", &e, &mut args);
            wh.push(format!("({ini} OR {full})"));
        } else {
            wh.push(format!("pe.name LIKE {} ESCAPE '\\'", args.text(format!("%{}%", like_escape(q)))));
        }
    }
    let lim = args.int(limit);
    let sql = format!(
        "SELECT pe.id, pe.name, pe.gender, pe.birth_date, pe.staff_no,
           (SELECT o.name FROM development_case c JOIN org o ON o.id = c.org_id WHERE c.person_id = pe.id ORDER BY c.id DESC LIMIT 1) AS last_org_name,
           (SELECT c.status FROM development_case c WHERE c.person_id = pe.id ORDER BY c.id DESC LIMIT 1) AS last_case_status
         FROM person pe WHERE {} ORDER BY pe.name_pinyin, pe.id LIMIT {lim}",
        wh.join(" AND ")
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok(PersonPick {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                gender: r.try_get("gender")?,
                birth_date: r.try_get("birth_date")?,
                staff_no: r.try_get("staff_no")?,
                last_org_name: r.try_get("last_org_name")?,
                last_case_status: r.try_get("last_case_status")?,
            })
        })
        .collect()
}

/// One iCalendar feed token of a user (the token itself is shown only once).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeedTokenRow {
    /// Row id.
    pub id: i64,
    /// When created.
    pub created_at: String,
    /// When revoked.
    pub revoked_at: Option<String>,
}

/// Stores a feed token's hash.
pub async fn insert_feed_token(conn: &mut Conn, user_id: i64, token_hash: &str) -> Result<i64, sqlx::Error> {
    sqlx::query("INSERT INTO feed_token (user_id, token_hash, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(user_id)
        .bind(token_hash)
        .bind(now_rfc3339())
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")
}

/// A user's feed tokens, newest first.
pub async fn feed_tokens(conn: &mut Conn, user_id: i64) -> Result<Vec<FeedTokenRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, created_at, revoked_at FROM feed_token WHERE user_id = $1 ORDER BY id DESC")
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(FeedTokenRow {
                id: r.try_get("id")?,
                created_at: r.try_get("created_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect()
}

/// Revokes a live token of the user; false when there is none with this id.
pub async fn revoke_feed_token(conn: &mut Conn, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE feed_token SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(now_rfc3339())
        .bind(id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// The user of a live (not revoked) feed token hash.
pub async fn feed_token_user(conn: &mut Conn, token_hash: &str) -> Result<Option<i64>, sqlx::Error> {
    let r = sqlx::query("SELECT user_id FROM feed_token WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| r.try_get("user_id")).transpose()
}
