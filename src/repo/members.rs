//! Member and person queries: the scoped roster (read model), the profile, and writes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Args, enum_col, opt_enum_col};
use crate::auth::scope::Scope;
use crate::db::Conn;
use crate::domain::{Education, Gender, MemberStatus, PersonCategory, Role, SpecialStatus, Title};
use crate::util::{fmt_date, like_escape, now_rfc3339};

/// Roster filters (query string of the roster page, the API and exports).
#[derive(Debug, Default, Clone, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberFilter {
    /// Org whose subtree to list (default: the user's whole scope).
    pub org: Option<i64>,
    /// Name, pinyin initials ("zs"), full pinyin, 工号/学号, or the last digits of the 身份证号.
    pub q: Option<String>,
    /// Person category.
    pub category: Option<String>,
    /// probationary | full.
    pub status: Option<String>,
    /// Special status.
    pub special_status: Option<String>,
    /// Education.
    pub education: Option<String>,
    /// Professional title.
    pub title: Option<String>,
    /// Minimum age in full years.
    pub age_min: Option<i32>,
    /// Maximum age in full years.
    pub age_max: Option<i32>,
    /// Year joined the party.
    pub joined_year: Option<i32>,
    /// pinyin (default) | joined | birth | -joined.
    pub sort: Option<String>,
    /// Page, 1-based.
    pub page: Option<i64>,
    /// Rows per page (max 200).
    pub per_page: Option<i64>,
}

/// One roster row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberListRow {
    /// Member id.
    pub id: i64,
    /// Person id.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// Gender.
    pub gender: Gender,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Category.
    pub category: PersonCategory,
    /// Education.
    pub education: Option<Education>,
    /// Title.
    pub title: Option<Title>,
    /// 工号/学号.
    pub staff_no: Option<String>,
    /// 身份证号 (masked unless the role needs it).
    pub id_card_no: Option<String>,
    /// Phone (masked unless the role needs it).
    pub phone: Option<String>,
    /// Current org.
    pub org_id: i64,
    /// Current org's name.
    pub org_name: String,
    /// Membership stage.
    pub status: MemberStatus,
    /// Joined (branch resolution date).
    pub joined_on: NaiveDate,
    /// Became full member (党龄 start).
    pub full_on: Option<NaiveDate>,
    /// Special status.
    pub special_status: SpecialStatus,
}

const LIST_COLS: &str = "m.id, m.person_id, pe.name, pe.gender, pe.birth_date, pe.category, pe.education, pe.title, pe.staff_no, pe.id_card_no, pe.phone, m.org_id, o.name AS org_name, m.status, m.joined_on, m.full_on, m.special_status";

fn date(r: &AnyRow, col: &str) -> Result<NaiveDate, sqlx::Error> {
    super::date_col(r, col)
}

fn opt_date(r: &AnyRow, col: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
    super::opt_date_col(r, col)
}

fn list_row(r: &AnyRow, scope: &Scope) -> Result<MemberListRow, sqlx::Error> {
    let id_card: Option<String> = r.try_get("id_card_no")?;
    let phone: Option<String> = r.try_get("phone")?;
    let id: i64 = r.try_get("id")?;
    let unmask = scope.role.sees_personal_data() || scope.member_id == Some(id);
    Ok(MemberListRow {
        id,
        person_id: r.try_get("person_id")?,
        name: r.try_get("name")?,
        gender: enum_col(r, "gender")?,
        birth_date: date(r, "birth_date")?,
        category: enum_col(r, "category")?,
        education: opt_enum_col(r, "education")?,
        title: opt_enum_col(r, "title")?,
        staff_no: r.try_get("staff_no")?,
        id_card_no: id_card.map(|s| if unmask { s } else { crate::domain::idcard::mask(&s) }),
        phone: phone.map(|s| if unmask { s } else { crate::domain::idcard::mask_phone(&s) }),
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        status: enum_col(r, "status")?,
        joined_on: date(r, "joined_on")?,
        full_on: opt_date(r, "full_on")?,
        special_status: enum_col(r, "special_status")?,
    })
}

/// Characters of a masked 身份证号's tail a masking role can see (and search by).
const VISIBLE_ID_TAIL: usize = 4;

/// Builds the WHERE clause of a roster query; `org_path` is the already-scoped subtree to list.
fn roster_where(scope: &Scope, org_path: &str, f: &MemberFilter, today: NaiveDate, args: &mut Args) -> String {
    let mut wh = vec![super::prefix_cond("m.org_path", org_path, args), "m.left_on IS NULL".to_string()];
    if scope.role == Role::Member {
        wh.push(format!("m.id = {}", args.int(scope.member_id.unwrap_or(-1))));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let e = like_escape(&q.to_lowercase());
        if q.chars().any(|c| c.is_ascii_digit()) {
            // 工号/学号 (prefix or exact) or the tail of the 身份证号.
            let staff = super::prefix_cond("pe.staff_no", &q.to_uppercase(), args);
            // A role that sees masked numbers sees only their last 4 characters: it may search by
            // those, never by more (a full 身份证号 would otherwise confirm a hidden number).
            if scope.role.sees_personal_data() || q.chars().count() <= VISIBLE_ID_TAIL {
                let p2 = args.text(format!("%{}", like_escape(&q.to_uppercase())));
                wh.push(format!("({staff} OR pe.id_card_no LIKE {p2} ESCAPE '\\')"));
            } else {
                wh.push(staff);
            }
        } else if q.chars().all(|c| c.is_ascii_alphabetic()) {
            let ini = super::prefix_cond("pe.name_initials", &e, args);
            let full = super::prefix_cond("pe.name_pinyin", &e, args);
            wh.push(format!("({ini} OR {full})"));
        } else {
            wh.push(format!("pe.name LIKE {} ESCAPE '\\'", args.text(format!("%{}%", like_escape(q)))));
        }
    }
    for (col, val, valid) in [("pe.category", &f.category, PersonCategory::parse as fn(&str) -> Option<PersonCategory>)]
    {
        if let Some(v) = val.as_deref().filter(|s| !s.is_empty()).and_then(valid) {
            wh.push(format!("{col} = {}", args.text(v.as_str())));
        }
    }
    if let Some(v) = f.status.as_deref().and_then(MemberStatus::parse) {
        wh.push(format!("m.status = {}", args.text(v.as_str())));
    }
    if let Some(v) = f.special_status.as_deref().and_then(SpecialStatus::parse) {
        wh.push(format!("m.special_status = {}", args.text(v.as_str())));
    }
    if let Some(v) = f.education.as_deref().and_then(Education::parse) {
        wh.push(format!("pe.education = {}", args.text(v.as_str())));
    }
    if let Some(v) = f.title.as_deref().and_then(Title::parse) {
        wh.push(format!("pe.title = {}", args.text(v.as_str())));
    }
    if let Some(min) = f.age_min {
        // Age ≥ min ⇔ born on or before today − min years.
        let d = crate::calendar::add_years(today, min.saturating_neg());
        wh.push(format!("pe.birth_date <= {}", args.text(fmt_date(d))));
    }
    if let Some(max) = f.age_max {
        // Age ≤ max ⇔ born after today − (max+1) years.
        let d = crate::calendar::add_years(today, max.saturating_add(1).saturating_neg());
        wh.push(format!("pe.birth_date > {}", args.text(fmt_date(d))));
    }
    if let Some(y) = f.joined_year {
        wh.push(format!("m.joined_on >= {}", args.text(format!("{y:04}-01-01"))));
        wh.push(format!("m.joined_on <= {}", args.text(format!("{y:04}-12-31"))));
    }
    wh.join(" AND ")
}

fn order_by(f: &MemberFilter) -> &'static str {
    match f.sort.as_deref() {
        Some("joined") => "m.joined_on, m.sort_key, m.id",
        Some("-joined") => "m.joined_on DESC, m.sort_key, m.id",
        Some("birth") => "pe.birth_date, m.sort_key, m.id",
        _ => "m.sort_key, m.id",
    }
}

/// One page of the roster of `org_path`'s subtree and the total count.
pub async fn list(
    conn: &mut Conn,
    scope: &Scope,
    org_path: &str,
    f: &MemberFilter,
    today: NaiveDate,
) -> Result<(Vec<MemberListRow>, i64), sqlx::Error> {
    let mut args = Args::default();
    let wh = roster_where(scope, org_path, f, today, &mut args);
    let from = "member m JOIN person pe ON pe.id = m.person_id JOIN org o ON o.id = m.org_id";
    // The count needs the person row only when a filter reads it, and never the org row.
    let count_from = if wh.contains("pe.") { "member m JOIN person pe ON pe.id = m.person_id" } else { "member m" };
    let per = f.per_page.unwrap_or(50).clamp(1, 200);
    let offset = super::page_offset(f.page, per);
    let sql = format!("SELECT {LIST_COLS} FROM {from} WHERE {wh} ORDER BY {} LIMIT {per} OFFSET {offset}", order_by(f));
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    let rows = rows.iter().map(|r| list_row(r, scope)).collect::<Result<Vec<_>, _>>()?;
    // A short page that has rows is the last one: its total needs no second query.
    let shown = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let total = if shown > 0 && shown < per {
        offset.saturating_add(shown)
    } else {
        let count_sql = format!("SELECT COUNT(*) AS n FROM {count_from} WHERE {wh}");
        args.bind(sqlx::query(&count_sql)).fetch_one(&mut *conn).await?.try_get("n")?
    };
    Ok((rows, total))
}

/// Every roster row matching the filter (exports), capped at `limit`.
pub async fn list_all(
    conn: &mut Conn,
    scope: &Scope,
    org_path: &str,
    f: &MemberFilter,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<MemberListRow>, sqlx::Error> {
    let mut args = Args::default();
    let wh = roster_where(scope, org_path, f, today, &mut args);
    let sql = format!(
        "SELECT {LIST_COLS} FROM member m JOIN person pe ON pe.id = m.person_id JOIN org o ON o.id = m.org_id WHERE {wh} ORDER BY {} LIMIT {limit}",
        order_by(f)
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| list_row(r, scope)).collect()
}

/// The full record of one member (profile and edit form).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberDetail {
    /// Roster fields.
    #[serde(flatten)]
    pub row: MemberListRow,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// Enrollment year (students).
    pub enrollment_year: Option<i64>,
    /// Path of the current org.
    pub org_path: String,
    /// Date of the current special status.
    pub special_status_since: Option<NaiveDate>,
    /// A 流动党员 holds a 流动党员活动证 (R5.4).
    pub mobile_certificate: bool,
    /// The membership ended on this date (e.g. 取消预备党员资格, R1.24); off the current roster.
    pub left_on: Option<NaiveDate>,
    /// Why the membership ended (`probation_cancelled`).
    pub exit_reason: Option<String>,
}

/// One member in scope.
pub async fn get(conn: &mut Conn, scope: &Scope, id: i64) -> Result<Option<MemberDetail>, sqlx::Error> {
    let sql = format!(
        "SELECT {LIST_COLS}, pe.ethnicity, pe.enrollment_year, m.org_path, m.special_status_since, m.mobile_certificate, m.left_on, m.exit_reason
         FROM member m JOIN person pe ON pe.id = m.person_id JOIN org o ON o.id = m.org_id WHERE m.id = $1"
    );
    let Some(r) = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let org_path: String = r.try_get("org_path")?;
    let visible = match scope.role {
        Role::Member => scope.member_id == Some(id),
        _ => scope.covers(&org_path),
    };
    if !visible {
        return Ok(None);
    }
    Ok(Some(MemberDetail {
        row: list_row(&r, scope)?,
        ethnicity: r.try_get("ethnicity")?,
        enrollment_year: r.try_get("enrollment_year")?,
        org_path,
        special_status_since: opt_date(&r, "special_status_since")?,
        mobile_certificate: r.try_get::<i64, _>("mobile_certificate")? != 0,
        left_on: opt_date(&r, "left_on")?,
        exit_reason: r.try_get("exit_reason")?,
    }))
}

/// The person fields of a create or edit.
#[derive(Debug, Clone, Serialize)]
pub struct PersonFields {
    /// Name.
    pub name: String,
    /// Gender.
    pub gender: Gender,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// 身份证号 (validated).
    pub id_card_no: Option<String>,
    /// 工号/学号.
    pub staff_no: Option<String>,
    /// Education.
    pub education: Option<Education>,
    /// Title.
    pub title: Option<Title>,
    /// Category.
    pub category: PersonCategory,
    /// Phone.
    pub phone: Option<String>,
    /// Enrollment year.
    pub enrollment_year: Option<i64>,
}

/// The membership fields of a create or edit.
#[derive(Debug, Clone, Serialize)]
pub struct MembershipFields {
    /// Stage.
    pub status: MemberStatus,
    /// Joined.
    pub joined_on: NaiveDate,
    /// Full since.
    pub full_on: Option<NaiveDate>,
    /// Special status.
    pub special_status: SpecialStatus,
    /// Since when.
    pub special_status_since: Option<NaiveDate>,
}

/// Inserts a person and returns the id.
pub async fn insert_person(conn: &mut Conn, p: &PersonFields) -> Result<i64, sqlx::Error> {
    let (py, ini) = crate::util::pinyin_keys(&p.name);
    let now = now_rfc3339();
    sqlx::query(
        "INSERT INTO person (name, name_pinyin, name_initials, gender, ethnicity, birth_date, id_card_no, staff_no, education, title, category, phone, enrollment_year, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(&p.name)
    .bind(py)
    .bind(ini)
    .bind(p.gender.as_str())
    .bind(p.ethnicity.clone())
    .bind(fmt_date(p.birth_date))
    .bind(p.id_card_no.clone())
    .bind(p.staff_no.clone())
    .bind(p.education.map(|e| e.as_str()))
    .bind(p.title.map(|e| e.as_str()))
    .bind(p.category.as_str())
    .bind(p.phone.clone())
    .bind(p.enrollment_year)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Updates a person.
pub async fn update_person(conn: &mut Conn, id: i64, p: &PersonFields) -> Result<(), sqlx::Error> {
    let (py, ini) = crate::util::pinyin_keys(&p.name);
    sqlx::query(
        "UPDATE person SET name = $1, name_pinyin = $2, name_initials = $3, gender = $4, ethnicity = $5, birth_date = $6, id_card_no = $7, staff_no = $8,
         education = $9, title = $10, category = $11, phone = $12, enrollment_year = $13, updated_at = $14 WHERE id = $15",
    )
    .bind(&p.name)
    .bind(&py)
    .bind(ini)
    .bind(p.gender.as_str())
    .bind(p.ethnicity.clone())
    .bind(fmt_date(p.birth_date))
    .bind(p.id_card_no.clone())
    .bind(p.staff_no.clone())
    .bind(p.education.map(|e| e.as_str()))
    .bind(p.title.map(|e| e.as_str()))
    .bind(p.category.as_str())
    .bind(p.phone.clone())
    .bind(p.enrollment_year)
    .bind(now_rfc3339())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE member SET sort_key = $1 WHERE person_id = $2")
        .bind(crate::util::pinyin_sort_key(&p.name))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Inserts a member row and opens its first membership period.
pub async fn insert_member(
    conn: &mut Conn,
    person_id: i64,
    org_id: i64,
    org_path: &str,
    m: &MembershipFields,
    sort_key: &str,
) -> Result<i64, sqlx::Error> {
    let now = now_rfc3339();
    let id: i64 = sqlx::query(
        "INSERT INTO member (person_id, org_id, org_path, status, joined_on, full_on, special_status, special_status_since, sort_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(person_id)
    .bind(org_id)
    .bind(org_path)
    .bind(m.status.as_str())
    .bind(fmt_date(m.joined_on))
    .bind(m.full_on.map(fmt_date))
    .bind(m.special_status.as_str())
    .bind(m.special_status_since.map(fmt_date))
    .bind(sort_key)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    sqlx::query(
        "INSERT INTO membership_period (member_id, org_id, start_on, end_on, reason) VALUES ($1, $2, $3, NULL, $4)",
    )
    .bind(id)
    .bind(org_id)
    .bind(fmt_date(m.joined_on))
    .bind("入党")
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Updates the membership fields.
pub async fn update_membership(conn: &mut Conn, id: i64, m: &MembershipFields) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE member SET status = $1, joined_on = $2, full_on = $3, special_status = $4, special_status_since = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(m.status.as_str())
    .bind(fmt_date(m.joined_on))
    .bind(m.full_on.map(fmt_date))
    .bind(m.special_status.as_str())
    .bind(m.special_status_since.map(fmt_date))
    .bind(now_rfc3339())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a status change in the member's history.
pub async fn insert_status_event(
    conn: &mut Conn,
    member_id: i64,
    field: &str,
    old: Option<&str>,
    new: &str,
    on: NaiveDate,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO member_status_event (member_id, field, old_value, new_value, effective_on, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(member_id)
    .bind(field)
    .bind(old)
    .bind(new)
    .bind(fmt_date(on))
    .bind(note)
    .bind(now_rfc3339())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends a membership on a date (e.g. 取消预备党员资格): closes the open period and marks the row.
pub async fn end_membership(conn: &mut Conn, member_id: i64, on: NaiveDate, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE membership_period SET end_on = $1 WHERE member_id = $2 AND end_on IS NULL")
        .bind(fmt_date(on))
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE member SET left_on = $1, exit_reason = $2, updated_at = $3 WHERE id = $4")
        .bind(fmt_date(on))
        .bind(reason)
        .bind(now_rfc3339())
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Moves a member to another org on a date: closes the open period, opens a new one.
pub async fn transfer(
    conn: &mut Conn,
    member_id: i64,
    to_org: i64,
    to_path: &str,
    on: NaiveDate,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE membership_period SET end_on = $1 WHERE member_id = $2 AND end_on IS NULL")
        .bind(fmt_date(on))
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO membership_period (member_id, org_id, start_on, end_on, reason) VALUES ($1, $2, $3, NULL, $4)",
    )
    .bind(member_id)
    .bind(to_org)
    .bind(fmt_date(on))
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE member SET org_id = $1, org_path = $2, updated_at = $3 WHERE id = $4")
        .bind(to_org)
        .bind(to_path)
        .bind(now_rfc3339())
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A period of belonging to an org.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodRow {
    /// Org.
    pub org_id: i64,
    /// Org name (current).
    pub org_name: String,
    /// From.
    pub start_on: NaiveDate,
    /// To (exclusive; None = current).
    pub end_on: Option<NaiveDate>,
    /// Why it started.
    pub reason: Option<String>,
}

/// A recorded status change.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusEventRow {
    /// Which field changed (status, special_status).
    pub field: String,
    /// Old value.
    pub old_value: Option<String>,
    /// New value.
    pub new_value: String,
    /// Effective date.
    pub effective_on: NaiveDate,
    /// Note.
    pub note: Option<String>,
}

/// The member's branches over time.
pub async fn periods(conn: &mut Conn, member_id: i64) -> Result<Vec<PeriodRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.org_id, o.name AS org_name, p.start_on, p.end_on, p.reason FROM membership_period p JOIN org o ON o.id = p.org_id WHERE p.member_id = $1 ORDER BY p.start_on, p.id",
    )
    .bind(member_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PeriodRow {
                org_id: r.try_get("org_id")?,
                org_name: r.try_get("org_name")?,
                start_on: date(r, "start_on")?,
                end_on: opt_date(r, "end_on")?,
                reason: r.try_get("reason")?,
            })
        })
        .collect()
}

/// The member's status changes.
pub async fn status_events(conn: &mut Conn, member_id: i64) -> Result<Vec<StatusEventRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT field, old_value, new_value, effective_on, note FROM member_status_event WHERE member_id = $1 ORDER BY effective_on, id",
    )
    .bind(member_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StatusEventRow {
                field: r.try_get("field")?,
                old_value: r.try_get("old_value")?,
                new_value: r.try_get("new_value")?,
                effective_on: date(r, "effective_on")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
}

/// Counts of the scope's members by category × status, for the dashboard.
pub async fn counts_by_category(conn: &mut Conn, scope: &Scope) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let mut args = Args::default();
    let mut wh = super::prefix_cond("m.org_path", &scope.root_path, &mut args);
    wh.push_str(" AND m.left_on IS NULL");
    if scope.role == Role::Member {
        wh.push_str(&format!(" AND m.id = {}", args.int(scope.member_id.unwrap_or(-1))));
    }
    let sql = format!(
        "SELECT pe.category AS category, m.status AS status, COUNT(*) AS n FROM member m JOIN person pe ON pe.id = m.person_id WHERE {wh} GROUP BY pe.category, m.status"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get("category")?, r.try_get("status")?, r.try_get("n")?))).collect()
}

/// The facts of members in scope that the member checks need (ongoing findings).
#[derive(Debug, Clone)]
pub struct MemberCheckRow {
    /// Member id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Gender.
    pub gender: Gender,
    /// Stage.
    pub status: MemberStatus,
    /// Joined.
    pub joined_on: NaiveDate,
    /// Full since.
    pub full_on: Option<NaiveDate>,
    /// Special status.
    pub special_status: SpecialStatus,
    /// Since.
    pub special_status_since: Option<NaiveDate>,
    /// Holds a 流动党员活动证.
    pub mobile_certificate: bool,
    /// Kind of the org the member sits in.
    pub org_kind: crate::domain::OrgKind,
}

/// Members in scope that may need attention: probationary, special status, or outside a branch.
pub async fn check_candidates(
    conn: &mut Conn,
    scope: &Scope,
    org_path: &str,
) -> Result<Vec<MemberCheckRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT m.id, pe.name, pe.birth_date, pe.gender, m.status, m.joined_on, m.full_on, m.special_status, m.special_status_since, m.mobile_certificate, o.kind AS org_kind
         FROM member m JOIN person pe ON pe.id = m.person_id JOIN org o ON o.id = m.org_id
         WHERE m.org_path >= $1 AND m.org_path < $2 AND m.left_on IS NULL AND (m.status = 'probationary' OR m.special_status <> 'normal' OR o.kind NOT IN ('branch', 'group'))",
    )
    .bind(org_path)
    .bind(super::prefix_upper(org_path))
    .fetch_all(&mut *conn)
    .await?;
    let _ = scope;
    rows.iter()
        .map(|r| {
            Ok(MemberCheckRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                birth_date: date(r, "birth_date")?,
                gender: enum_col(r, "gender")?,
                status: enum_col(r, "status")?,
                joined_on: date(r, "joined_on")?,
                full_on: opt_date(r, "full_on")?,
                special_status: enum_col(r, "special_status")?,
                special_status_since: opt_date(r, "special_status_since")?,
                mobile_certificate: r.try_get::<i64, _>("mobile_certificate")? != 0,
                org_kind: enum_col(r, "org_kind")?,
            })
        })
        .collect()
}

/// Records whether a 流动党员 holds a 流动党员活动证 (R5.4).
pub async fn set_mobile_certificate(conn: &mut Conn, id: i64, holds: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE member SET mobile_certificate = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(holds))
        .bind(now_rfc3339())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
