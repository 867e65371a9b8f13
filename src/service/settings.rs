//! Administrator settings: the development conventions of RULES.md §8 and local numbers
//! ([`DevelopmentSettings`], stored as JSON in `setting` under [`DEVELOPMENT_SETTINGS_KEY`]), and
//! the working-day calendar (built-in State Council arrangements plus the corrections in
//! `workday_override`, RULES.md C4).
//!
//! The calendar is cached per database ([`Db::instance`]) and rebuilt after a correction is saved or
//! removed by this process, and at least every [`CALENDAR_TTL`] (corrections written by another
//! process, e.g. a second server on the same PostgreSQL database).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::rules::development::DevelopmentSettings;
use crate::util::{fmt_date, now_rfc3339, parse_date};
use crate::workdays::{
    DayCorrection, DayKind, HolidayPeriod, WorkCalendar, builtin_holiday_periods, builtin_makeup_days,
};

/// Key of the development settings in the `setting` table.
pub const DEVELOPMENT_SETTINGS_KEY: &str = "development_settings";
/// A cached calendar is reloaded after this long even without a local change.
pub const CALENDAR_TTL: Duration = Duration::from_secs(60);

/// Only the school-level administrator (组织部, whole tree) changes settings and the calendar.
fn require_admin(scope: &Scope) -> AppResult<()> {
    if scope.role == Role::SchoolAdmin {
        Ok(())
    } else {
        Err(AppError::forbidden("只有组织部管理员可以修改系统设置和工作日历"))
    }
}

/// The development settings in force: the stored overrides over the documented defaults.
pub async fn development_settings(conn: &mut Conn) -> AppResult<DevelopmentSettings> {
    let r = sqlx::query("SELECT value FROM setting WHERE key = $1")
        .bind(DEVELOPMENT_SETTINGS_KEY)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(r) = r else { return Ok(DevelopmentSettings::default()) };
    let text: String = r.try_get("value")?;
    match serde_json::from_str::<DevelopmentSettings>(&text) {
        Ok(s) => Ok(s),
        Err(e) => {
            tracing::warn!(error = %e, "stored development settings unreadable; using the defaults");
            Ok(DevelopmentSettings::default())
        }
    }
}

/// Checks the ranges of the settings: never weaker than the national rules (R1.8, R1.12, R1.21).
pub fn validate_development_settings(s: &DevelopmentSettings) -> AppResult<()> {
    let mut errs = std::collections::BTreeMap::new();
    if !(12..=60).contains(&s.activist_min_months) {
        errs.insert("activist_min_months".into(), "入党积极分子培养期应为 12–60 个月（不少于一年，R1.8）".to_string());
    }
    if !(3..=30).contains(&s.training_min_days) {
        errs.insert("training_min_days".into(), "集中培训天数应为 3–30 天（不少于三天，R1.12）".to_string());
    }
    if !(24..=240).contains(&s.training_min_hours) {
        errs.insert("training_min_hours".into(), "集中培训学时应为 24–240 学时（不少于二十四学时，R1.12）".to_string());
    }
    if !(1..=12).contains(&s.leaving_window_months) {
        errs.insert("leaving_window_months".into(), "即将离开的提醒期应为 1–12 个月（R1.13 为三个月）".to_string());
    }
    if !(1..=6).contains(&s.approval_max_months) {
        errs.insert("approval_max_months".into(), "审批最长期限应为 1–6 个月（最长不超过六个月，R1.21）".to_string());
    }
    if s.approval_warn_months < 1 || s.approval_warn_months > s.approval_max_months {
        errs.insert(
            "approval_warn_months".into(),
            "一般审批期限应为 1 个月起，且不超过审批最长期限（R1.21 为三个月）".to_string(),
        );
    }
    if errs.is_empty() { Ok(()) } else { Err(AppError::invalid(errs)) }
}

/// Saves the development settings (school administrator only; validated; audited with before and after).
pub async fn save_development_settings(
    db: &Db,
    scope: &Scope,
    s: DevelopmentSettings,
) -> AppResult<DevelopmentSettings> {
    require_admin(scope)?;
    validate_development_settings(&s)?;
    let mut w = db.begin_write().await?;
    let before = development_settings(&mut w.tx).await?;
    let value = serde_json::to_string(&s).map_err(AppError::internal)?;
    sqlx::query(
        "INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(DEVELOPMENT_SETTINGS_KEY)
    .bind(value)
    .execute(&mut *w.tx)
    .await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "update",
            entity: "setting",
            entity_id: None,
            org_path: None,
            summary: format!("修改发展党员规则设置：{}", settings_diff(&before, &s)),
            before: json(&before),
            after: json(&s),
        },
    )
    .await?;
    w.commit().await?;
    Ok(s)
}

/// "字段 旧值 → 新值" for the audit summary.
fn settings_diff(a: &DevelopmentSettings, b: &DevelopmentSettings) -> String {
    let (Some(ja), Some(jb)) = (json(a), json(b)) else { return String::new() };
    let (Some(ma), Some(mb)) = (ja.as_object(), jb.as_object()) else { return String::new() };
    let changes: Vec<String> = mb
        .iter()
        .filter(|(k, v)| ma.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k} {} → {v}", ma[k.as_str()]))
        .collect();
    if changes.is_empty() { "无变化".to_string() } else { changes.join("，") }
}

/// What the development rules need besides a case's facts, loaded once per request.
#[derive(Debug, Clone)]
pub struct RuleConfig {
    /// The conventions and local numbers in force.
    pub settings: DevelopmentSettings,
    /// The working-day calendar with the admins' corrections.
    pub calendar: Arc<WorkCalendar>,
}

/// Settings and calendar for the development rules; `conn` may be an open transaction.
pub async fn rule_config(db: &Db, conn: &mut Conn) -> AppResult<RuleConfig> {
    Ok(RuleConfig { settings: development_settings(conn).await?, calendar: calendar_with(db, conn).await? })
}

// ---- working days ----

type CalEntry = (u64, Instant, Arc<WorkCalendar>);

struct CalCache {
    /// Per database instance: the correction version it was built at, when, and the calendar.
    built: HashMap<u64, CalEntry>,
    /// Per database instance: bumped by every saved or removed correction.
    versions: HashMap<u64, u64>,
}

fn cal_cache() -> &'static Mutex<CalCache> {
    static CACHE: OnceLock<Mutex<CalCache>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(CalCache { built: HashMap::new(), versions: HashMap::new() }))
}

fn cal_version(instance: u64) -> u64 {
    cal_cache().lock().map(|c| c.versions.get(&instance).copied().unwrap_or(0)).unwrap_or(0)
}

fn cal_invalidate(instance: u64) {
    if let Ok(mut c) = cal_cache().lock() {
        *c.versions.entry(instance).or_insert(0) += 1;
        c.built.remove(&instance);
    }
}

/// The working-day calendar of a database: built-in arrangements plus corrections (cached).
pub async fn calendar(db: &Db) -> AppResult<Arc<WorkCalendar>> {
    if let Some(hit) = cal_hit(db.instance) {
        return Ok(hit);
    }
    let mut conn = db.pool.acquire().await?;
    calendar_with(db, &mut conn).await
}

/// Like [`calendar`], reading through `conn` on a miss (use inside a transaction).
pub async fn calendar_with(db: &Db, conn: &mut Conn) -> AppResult<Arc<WorkCalendar>> {
    if let Some(hit) = cal_hit(db.instance) {
        return Ok(hit);
    }
    let version = cal_version(db.instance);
    let corrections = list_corrections(conn, None).await?;
    let cal = Arc::new(WorkCalendar::china_default().with_corrections(&corrections));
    if let Ok(mut c) = cal_cache().lock()
        && c.versions.get(&db.instance).copied().unwrap_or(0) == version
    {
        c.built.insert(db.instance, (version, Instant::now(), cal.clone()));
    }
    Ok(cal)
}

fn cal_hit(instance: u64) -> Option<Arc<WorkCalendar>> {
    let c = cal_cache().lock().ok()?;
    let (v, at, cal) = c.built.get(&instance)?;
    let current = c.versions.get(&instance).copied().unwrap_or(0);
    (*v == current && at.elapsed() < CALENDAR_TTL).then(|| cal.clone())
}

/// One stored correction, with who changed it last.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CorrectionRow {
    /// The correction.
    #[serde(flatten)]
    pub correction: DayCorrection,
    /// When.
    pub updated_at: String,
    /// Who.
    pub updated_by: String,
}

async fn correction_rows(conn: &mut Conn, year: Option<i32>) -> AppResult<Vec<CorrectionRow>> {
    let rows = match year {
        Some(y) => {
            sqlx::query(
                "SELECT day, kind, name, updated_at, updated_by FROM workday_override WHERE day >= $1 AND day <= $2 ORDER BY day",
            )
            .bind(format!("{y:04}-01-01"))
            .bind(format!("{y:04}-12-31"))
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query("SELECT day, kind, name, updated_at, updated_by FROM workday_override ORDER BY day")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let day: String = r.try_get("day")?;
        let kind: String = r.try_get("kind")?;
        let (Some(day), Some(kind)) = (parse_date(&day), DayKind::parse(&kind)) else { continue };
        out.push(CorrectionRow {
            correction: DayCorrection { day, kind, name: r.try_get("name")? },
            updated_at: r.try_get("updated_at")?,
            updated_by: r.try_get("updated_by")?,
        });
    }
    Ok(out)
}

async fn list_corrections(conn: &mut Conn, year: Option<i32>) -> AppResult<Vec<DayCorrection>> {
    Ok(correction_rows(conn, year).await?.into_iter().map(|r| r.correction).collect())
}

/// A year of the working-day calendar: the built-in holidays and 调休 days, and the corrections.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkdayYear {
    /// The year.
    pub year: i32,
    /// Whether the built-in table covers the year (otherwise only weekends and corrections are known).
    pub covered: bool,
    /// Built-in State Council holiday periods touching the year.
    pub holidays: Vec<HolidayPeriod>,
    /// Built-in 调休 make-up working days.
    pub makeup_workdays: Vec<NaiveDate>,
    /// Admin corrections in the year.
    pub corrections: Vec<CorrectionRow>,
    /// Working days in the year with the corrections applied.
    pub working_days: u32,
    /// Every year whose holiday arrangement is entered (built-in or an admin holiday correction):
    /// deadlines in other years count only weekends as days off.
    pub covered_years: Vec<i32>,
}

/// The calendar of one year (any logged-in user may read it: deadlines depend on it).
pub async fn workday_year(db: &Db, year: i32) -> AppResult<WorkdayYear> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid_field("year", "年份应在 2000–2100 之间"));
    }
    let mut conn = db.pool.acquire().await?;
    let corrections = correction_rows(&mut conn, Some(year)).await?;
    let cal = calendar_with(db, &mut conn).await?;
    let (first, last) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31));
    let working_days = match (first, last) {
        (Some(a), Some(b)) => cal.workdays_between(a, b),
        _ => 0,
    };
    Ok(WorkdayYear {
        year,
        covered: WorkCalendar::china_default().covered_years().contains(&year),
        holidays: builtin_holiday_periods(year),
        makeup_workdays: builtin_makeup_days(year),
        corrections,
        working_days,
        covered_years: cal.covered_years().into_iter().collect(),
    })
}

/// A correction to save.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CorrectionInput {
    /// `holiday` or `workday`.
    pub kind: String,
    /// Why (e.g. "2027年春节").
    pub name: Option<String>,
}

/// Saves (inserts or replaces) the correction of one day (school administrator only; audited).
pub async fn set_correction(
    db: &Db,
    scope: &Scope,
    day: NaiveDate,
    input: CorrectionInput,
) -> AppResult<CorrectionRow> {
    require_admin(scope)?;
    let mut errs = std::collections::BTreeMap::new();
    let kind = DayKind::parse(&input.kind);
    if kind.is_none() {
        errs.insert("kind".to_string(), "请选择“放假”（holiday）或“上班”（workday）".to_string());
    }
    let name = input.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    if name.as_ref().is_some_and(|n| n.chars().count() > 50) {
        errs.insert("name".to_string(), "说明不能超过50个字符".to_string());
    }
    if !(2000..=2100).contains(&day.year()) {
        errs.insert("day".to_string(), "日期应在 2000–2100 年之间".to_string());
    }
    let Some(kind) = kind else { return Err(AppError::invalid(errs)) };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let mut w = db.begin_write().await?;
    let before = correction_rows(&mut w.tx, Some(day.year())).await?.into_iter().find(|r| r.correction.day == day);
    let now = now_rfc3339();
    sqlx::query(
        "INSERT INTO workday_override (day, kind, name, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(fmt_date(day))
    .bind(kind.as_str())
    .bind(name.clone())
    .bind(now.clone())
    .bind(scope.display_name.clone())
    .execute(&mut *w.tx)
    .await?;
    let row = CorrectionRow {
        correction: DayCorrection { day, kind, name },
        updated_at: now,
        updated_by: scope.display_name.clone(),
    };
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: if before.is_some() { "update" } else { "create" },
            entity: "workday_override",
            entity_id: None,
            org_path: None,
            summary: format!(
                "工作日历更正：{} 设为{}{}",
                day,
                kind.label(),
                row.correction.name.as_deref().map(|n| format!("（{n}）")).unwrap_or_default()
            ),
            before: before.as_ref().and_then(json),
            after: json(&row),
        },
    )
    .await?;
    w.commit().await?;
    cal_invalidate(db.instance);
    Ok(row)
}

/// Removes the correction of one day (school administrator only; audited); 404 when there is none.
pub async fn delete_correction(db: &Db, scope: &Scope, day: NaiveDate) -> AppResult<()> {
    require_admin(scope)?;
    let mut w = db.begin_write().await?;
    let before = correction_rows(&mut w.tx, Some(day.year()))
        .await?
        .into_iter()
        .find(|r| r.correction.day == day)
        .ok_or_else(AppError::not_found)?;
    sqlx::query("DELETE FROM workday_override WHERE day = $1").bind(fmt_date(day)).execute(&mut *w.tx).await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "delete",
            entity: "workday_override",
            entity_id: None,
            org_path: None,
            summary: format!("撤销工作日历更正：{}（原为{}）", day, before.correction.kind.label()),
            before: json(&before),
            after: None,
        },
    )
    .await?;
    w.commit().await?;
    cal_invalidate(db.instance);
    Ok(())
}
