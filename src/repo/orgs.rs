//! Org tree queries: the live tree by materialized path, and the tree as of a past date from
//! `org_version` rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auth::scope::Scope;
use crate::db::Conn;
use crate::domain::{OrgCategory, OrgKind, PositionRole};
use crate::util::{fmt_date, now_rfc3339};

/// An org as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgRow {
    /// Id.
    pub id: i64,
    /// Parent org (None for the root).
    pub parent_id: Option<i64>,
    /// Kind.
    pub kind: OrgKind,
    /// Branch category.
    pub category: Option<OrgCategory>,
    /// Full name.
    pub name: String,
    /// Materialized path `/1/5/23/`.
    pub path: String,
    /// Depth (root = 0).
    pub depth: i64,
    /// 联合党支部 flag.
    pub joint_branch: bool,
    /// Date founded.
    pub established_on: NaiveDate,
    /// Date dissolved, if it was.
    pub dissolved_on: Option<NaiveDate>,
    /// Start of the current committee term.
    pub term_start: Option<NaiveDate>,
}

const ORG_COLS: &str =
    "id, parent_id, kind, category, name, path, depth, joint_branch, established_on, dissolved_on, term_start";

fn org_from_row(r: &AnyRow) -> Result<OrgRow, sqlx::Error> {
    let joint: i64 = r.try_get("joint_branch")?;
    Ok(OrgRow {
        id: r.try_get("id")?,
        parent_id: r.try_get("parent_id")?,
        kind: super::enum_col(r, "kind")?,
        category: super::opt_enum_col(r, "category")?,
        name: r.try_get("name")?,
        path: r.try_get("path")?,
        depth: r.try_get("depth")?,
        joint_branch: joint != 0,
        established_on: super::date_col(r, "established_on")?,
        dissolved_on: super::opt_date_col(r, "dissolved_on")?,
        term_start: super::opt_date_col(r, "term_start")?,
    })
}

/// Every org visible to the scope (live ones, plus dissolved ones when asked), ordered by path.
pub async fn list(conn: &mut Conn, scope: &Scope, include_dissolved: bool) -> Result<Vec<OrgRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {ORG_COLS} FROM org WHERE path >= $1 AND path < $2 {} ORDER BY depth, sort_order, id",
        if include_dissolved { "" } else { "AND dissolved_on IS NULL" }
    );
    let rows = sqlx::query(&sql)
        .bind(&scope.root_path)
        .bind(super::prefix_upper(&scope.root_path))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(org_from_row).filter(|o| o.as_ref().map(|o| scope.covers(&o.path)).unwrap_or(true)).collect()
}

/// One org if it exists and the scope covers it.
pub async fn get(conn: &mut Conn, scope: &Scope, id: i64) -> Result<Option<OrgRow>, sqlx::Error> {
    let sql = format!("SELECT {ORG_COLS} FROM org WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await?;
    match row {
        Some(r) => {
            let o = org_from_row(&r)?;
            Ok(if scope.covers(&o.path) { Some(o) } else { None })
        }
        None => Ok(None),
    }
}

/// One org by id, ignoring scope (internal use: resolving a user's anchor).
pub async fn get_unscoped(conn: &mut Conn, id: i64) -> Result<Option<OrgRow>, sqlx::Error> {
    let sql = format!("SELECT {ORG_COLS} FROM org WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(org_from_row).transpose()
}

/// The root org (the 校党委), if any.
pub async fn root(conn: &mut Conn) -> Result<Option<OrgRow>, sqlx::Error> {
    let sql = format!("SELECT {ORG_COLS} FROM org WHERE parent_id IS NULL ORDER BY id LIMIT 1");
    let row = sqlx::query(&sql).fetch_optional(&mut *conn).await?;
    row.as_ref().map(org_from_row).transpose()
}

/// Finds a live org in scope by exact name (imports name branches).
pub async fn find_by_name(conn: &mut Conn, scope: &Scope, name: &str) -> Result<Vec<OrgRow>, sqlx::Error> {
    let sql =
        format!("SELECT {ORG_COLS} FROM org WHERE name = $1 AND path >= $2 AND path < $3 AND dissolved_on IS NULL");
    let rows = sqlx::query(&sql)
        .bind(name)
        .bind(&scope.root_path)
        .bind(super::prefix_upper(&scope.root_path))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(org_from_row).collect()
}

/// Fields of a new org.
#[derive(Debug, Clone, Serialize)]
pub struct NewOrg {
    /// Parent (None only for the root).
    pub parent_id: Option<i64>,
    /// Kind.
    pub kind: OrgKind,
    /// Category (branches).
    pub category: Option<OrgCategory>,
    /// Name.
    pub name: String,
    /// 联合党支部.
    pub joint_branch: bool,
    /// Founded.
    pub established_on: NaiveDate,
    /// Term start.
    pub term_start: Option<NaiveDate>,
}

/// Inserts an org under a parent whose path is given, and its first version row.
pub async fn insert(conn: &mut Conn, o: &NewOrg, parent_path: &str, parent_depth: i64) -> Result<OrgRow, sqlx::Error> {
    let now = now_rfc3339();
    let id: i64 = sqlx::query(
        "INSERT INTO org (parent_id, kind, category, name, path, depth, joint_branch, established_on, term_start, created_at, updated_at)
         VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(o.parent_id)
    .bind(o.kind.as_str())
    .bind(o.category.map(|c| c.as_str()))
    .bind(&o.name)
    .bind(if o.parent_id.is_some() { parent_depth + 1 } else { 0 })
    .bind(i64::from(o.joint_branch))
    .bind(fmt_date(o.established_on))
    .bind(o.term_start.map(fmt_date))
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    let path = format!("{parent_path}{id}/");
    sqlx::query("UPDATE org SET path = $1 WHERE id = $2").bind(&path).bind(id).execute(&mut *conn).await?;
    insert_version(conn, id, o.established_on, o.parent_id, o.kind, o.category, &o.name, "成立").await?;
    let row = get_unscoped(conn, id).await?;
    row.ok_or(sqlx::Error::RowNotFound)
}

/// Closes the current version on `from` and opens a new one with the given values.
#[allow(clippy::too_many_arguments)]
pub async fn insert_version(
    conn: &mut Conn,
    org_id: i64,
    from: NaiveDate,
    parent_id: Option<i64>,
    kind: OrgKind,
    category: Option<OrgCategory>,
    name: &str,
    reason: &str,
) -> Result<(), sqlx::Error> {
    let from_s = fmt_date(from);
    // A second change on the same day replaces that day's version instead of leaving an empty one.
    sqlx::query("DELETE FROM org_version WHERE org_id = $1 AND valid_from = $2 AND valid_to IS NULL")
        .bind(org_id)
        .bind(&from_s)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE org_version SET valid_to = $1 WHERE org_id = $2 AND valid_to IS NULL")
        .bind(&from_s)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO org_version (org_id, valid_from, valid_to, parent_id, kind, category, name, change_reason) VALUES ($1, $2, NULL, $3, $4, $5, $6, $7)",
    )
    .bind(org_id)
    .bind(&from_s)
    .bind(parent_id)
    .bind(kind.as_str())
    .bind(category.map(|c| c.as_str()))
    .bind(name)
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Updates the editable attributes of an org.
pub async fn update_attrs(conn: &mut Conn, o: &OrgRow) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE org SET name = $1, category = $2, joint_branch = $3, established_on = $4, term_start = $5, updated_at = $6 WHERE id = $7")
        .bind(&o.name)
        .bind(o.category.map(|c| c.as_str()))
        .bind(i64::from(o.joint_branch))
        .bind(fmt_date(o.established_on))
        .bind(o.term_start.map(fmt_date))
        .bind(now_rfc3339())
        .bind(o.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Re-parents an org: rewrites the paths of its whole subtree and of the members in it.
pub async fn reparent(conn: &mut Conn, org: &OrgRow, new_parent: &OrgRow) -> Result<String, sqlx::Error> {
    let old = org.path.clone();
    let new = format!("{}{}/", new_parent.path, org.id);
    let delta = new_parent.depth + 1 - org.depth;
    let old_len = i64::try_from(old.chars().count()).unwrap_or(i64::MAX);
    let upper = super::prefix_upper(&old);
    sqlx::query("UPDATE org SET parent_id = $1, updated_at = $2 WHERE id = $3")
        .bind(new_parent.id)
        .bind(now_rfc3339())
        .bind(org.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE org SET path = $1 || substr(path, CAST($2 AS INTEGER)), depth = depth + $3 WHERE path >= $4 AND path < $5")
        .bind(&new)
        .bind(old_len + 1)
        .bind(delta)
        .bind(&old)
        .bind(&upper)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE member SET org_path = $1 || substr(org_path, CAST($2 AS INTEGER)) WHERE org_path >= $3 AND org_path < $4",
    )
    .bind(&new)
    .bind(old_len + 1)
    .bind(&old)
    .bind(&upper)
    .execute(&mut *conn)
    .await?;
    Ok(new)
}

/// Marks an org dissolved.
pub async fn dissolve(conn: &mut Conn, id: i64, on: NaiveDate) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE org SET dissolved_on = $1, updated_at = $2 WHERE id = $3")
        .bind(fmt_date(on))
        .bind(now_rfc3339())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE org_version SET valid_to = $1 WHERE org_id = $2 AND valid_to IS NULL")
        .bind(fmt_date(on))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Number of live children and of current members directly in an org.
pub async fn occupancy(conn: &mut Conn, id: i64) -> Result<(i64, i64), sqlx::Error> {
    let c: i64 = sqlx::query("SELECT COUNT(*) AS n FROM org WHERE parent_id = $1 AND dissolved_on IS NULL")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    let m: i64 = sqlx::query("SELECT COUNT(*) AS n FROM member WHERE org_id = $1 AND left_on IS NULL")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    Ok((c, m))
}

/// Full and probationary member counts directly in each org of the scope.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct Counts {
    /// 正式党员.
    pub full: i64,
    /// 预备党员.
    pub probationary: i64,
}

impl Counts {
    /// Both together.
    pub fn total(&self) -> i64 {
        self.full + self.probationary
    }
}

/// Direct member counts per org for the scope's subtree (live tree).
pub async fn direct_counts(conn: &mut Conn, scope: &Scope) -> Result<HashMap<i64, Counts>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT org_id, status, COUNT(*) AS n FROM member WHERE org_path >= $1 AND org_path < $2 AND left_on IS NULL GROUP BY org_id, status",
    )
    .bind(&scope.root_path)
    .bind(super::prefix_upper(&scope.root_path))
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<i64, Counts> = HashMap::new();
    for r in rows {
        let org: i64 = r.try_get("org_id")?;
        let status: String = r.try_get("status")?;
        let n: i64 = r.try_get("n")?;
        let c = out.entry(org).or_default();
        if status == "full" { c.full += n } else { c.probationary += n }
    }
    Ok(out)
}

/// An org as it was on a past date (from its version rows).
#[derive(Debug, Clone, Serialize)]
pub struct OrgVersion {
    /// Org id.
    pub org_id: i64,
    /// Parent then.
    pub parent_id: Option<i64>,
    /// Kind then.
    pub kind: OrgKind,
    /// Category then.
    pub category: Option<OrgCategory>,
    /// Name then.
    pub name: String,
}

/// Every org version valid on `date` (the whole tree; the caller restricts it to the scope).
pub async fn versions_on(conn: &mut Conn, date: NaiveDate) -> Result<Vec<OrgVersion>, sqlx::Error> {
    let d = fmt_date(date);
    let rows = sqlx::query(
        "SELECT org_id, parent_id, kind, category, name FROM org_version WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)",
    )
    .bind(&d)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OrgVersion {
                org_id: r.try_get("org_id")?,
                parent_id: r.try_get("parent_id")?,
                kind: super::enum_col(r, "kind")?,
                category: super::opt_enum_col(r, "category")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

/// Member counts per org on a past date, from membership periods and membership dates.
pub async fn counts_on(conn: &mut Conn, date: NaiveDate) -> Result<HashMap<i64, Counts>, sqlx::Error> {
    let d = fmt_date(date);
    let rows = sqlx::query(
        "SELECT p.org_id AS org_id, CASE WHEN m.full_on IS NOT NULL AND m.full_on <= $1 THEN 'full' ELSE 'probationary' END AS st, COUNT(*) AS n
         FROM membership_period p JOIN member m ON m.id = p.member_id
         WHERE p.start_on <= $1 AND (p.end_on IS NULL OR p.end_on > $1) AND m.joined_on <= $1
         GROUP BY p.org_id, CASE WHEN m.full_on IS NOT NULL AND m.full_on <= $1 THEN 'full' ELSE 'probationary' END",
    )
    .bind(&d)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<i64, Counts> = HashMap::new();
    for r in rows {
        let org: i64 = r.try_get("org_id")?;
        let st: String = r.try_get("st")?;
        let n: i64 = r.try_get("n")?;
        let c = out.entry(org).or_default();
        if st == "full" { c.full += n } else { c.probationary += n }
    }
    Ok(out)
}

/// A seat on an org's committee.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PositionRow {
    /// Position id.
    pub id: i64,
    /// Org.
    pub org_id: i64,
    /// Member holding it.
    pub member_id: i64,
    /// Member's name.
    pub member_name: String,
    /// Org's name.
    pub org_name: String,
    /// Role.
    pub role: PositionRole,
    /// Start.
    pub start_on: NaiveDate,
    /// End (None = current).
    pub end_on: Option<NaiveDate>,
    /// The holder's 党龄 start (full membership date), for R3.13.
    pub standing_since: Option<NaiveDate>,
}

/// Every position (current and past) of one org.
pub async fn positions(conn: &mut Conn, org_id: i64) -> Result<Vec<PositionRow>, sqlx::Error> {
    positions_where(conn, "p.org_id = $1", org_id).await
}

/// Every position a member holds or held.
pub async fn positions_of_member(conn: &mut Conn, member_id: i64) -> Result<Vec<PositionRow>, sqlx::Error> {
    positions_where(conn, "p.member_id = $1", member_id).await
}

async fn positions_where(conn: &mut Conn, cond: &str, id: i64) -> Result<Vec<PositionRow>, sqlx::Error> {
    let sql = format!(
        "SELECT p.id, p.org_id, p.member_id, pe.name AS member_name, o.name AS org_name, p.role, p.start_on, p.end_on, m.full_on
         FROM org_position p JOIN org o ON o.id = p.org_id JOIN member m ON m.id = p.member_id JOIN person pe ON pe.id = m.person_id
         WHERE {cond} ORDER BY p.end_on IS NOT NULL, p.start_on DESC, p.id"
    );
    let rows = sqlx::query(&sql).bind(id).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok(PositionRow {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                member_id: r.try_get("member_id")?,
                member_name: r.try_get("member_name")?,
                org_name: r.try_get("org_name")?,
                role: super::enum_col(r, "role")?,
                start_on: super::date_col(r, "start_on")?,
                end_on: super::opt_date_col(r, "end_on")?,
                standing_since: super::opt_date_col(r, "full_on")?,
            })
        })
        .collect()
}

/// Current positions of every org in the scope, keyed by org id (for structural checks).
pub async fn current_positions_in_scope(
    conn: &mut Conn,
    scope: &Scope,
    on: NaiveDate,
) -> Result<HashMap<i64, Vec<PositionRow>>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.org_id, p.member_id, pe.name AS member_name, o.name AS org_name, p.role, p.start_on, p.end_on, m.full_on
         FROM org_position p JOIN org o ON o.id = p.org_id JOIN member m ON m.id = p.member_id JOIN person pe ON pe.id = m.person_id
         WHERE o.path >= $1 AND o.path < $2 AND p.start_on <= $3 AND (p.end_on IS NULL OR p.end_on > $3)",
    )
    .bind(&scope.root_path)
    .bind(super::prefix_upper(&scope.root_path))
    .bind(fmt_date(on))
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<i64, Vec<PositionRow>> = HashMap::new();
    for r in rows {
        let p = PositionRow {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            member_id: r.try_get("member_id")?,
            member_name: r.try_get("member_name")?,
            org_name: r.try_get("org_name")?,
            role: super::enum_col(&r, "role")?,
            start_on: super::date_col(&r, "start_on")?,
            end_on: None,
            standing_since: super::opt_date_col(&r, "full_on")?,
        };
        out.entry(p.org_id).or_default().push(p);
    }
    Ok(out)
}

/// Adds a position.
pub async fn insert_position(
    conn: &mut Conn,
    org_id: i64,
    member_id: i64,
    role: PositionRole,
    start_on: NaiveDate,
    justification: Option<&str>,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO org_position (org_id, member_id, role, start_on, justification) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org_id)
    .bind(member_id)
    .bind(role.as_str())
    .bind(fmt_date(start_on))
    .bind(justification)
    .fetch_one(&mut *conn)
        .await?
        .try_get("id")
}

/// Ends a position on a date.
pub async fn end_position(conn: &mut Conn, id: i64, end_on: NaiveDate) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE org_position SET end_on = $1 WHERE id = $2")
        .bind(fmt_date(end_on))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
