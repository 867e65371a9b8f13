//! 公示 of a prospective 发展对象 (issue 3 §5, RULES.md R1.8 and C4): a notice generated from the
//! case, editable before and during the 公示, printable, shown on the org's notice board; objections
//! are recorded and, while unresolved, block the case's next step (the engine's R1.8 objection rule).
//!
//! The period is checked by [`check_period`] on the working-day calendar of the rule config.
//! Writes are scoped through the case (404 outside the scope), run in one write transaction and
//! append their audit row in it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::domain::{Education, Gender, PersonCategory, Role};
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::development::{self as dev_repo, CaseRow};
use crate::repo::orgs as orgs_repo;
use crate::repo::publicity::{self as repo, NoticeFields, ObjectionRow, PublicityRow};
use crate::rules::development::{
    CaseFacts, NoticeStatus, OpenObjection, PeriodSubject, Publicity, PublicityLocation, Step, check_period,
    first_workday_from, suggested_end,
};
use crate::service::require_write;
use crate::service::settings::rule_config;
use crate::workdays::WorkCalendar;

/// Longest title, place and person fields, in characters.
const MAX_TITLE: usize = 100;
const MAX_PLACE: usize = 200;
const MAX_TEXT: usize = 5000;
const MAX_NAME: usize = 50;
/// The notice board shows notices that ended at most this many days ago by default.
pub const RECENT_DAYS: i64 = 30;

/// Generate a notice; omitted dates default to the next working day and the fifth working day.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct GeneratePublicity {
    /// First day (a working day; default: today or the next working day).
    pub start_on: Option<NaiveDate>,
    /// Last day (a working day; default: start + 5 working days − 1).
    pub end_on: Option<NaiveDate>,
    /// Where the notice is posted and objections are received.
    pub place: Option<String>,
    /// A 流动人员's notice: `outflow` (流出地) or `inflow` (流入地); required for a 流动人员, one
    /// notice per place (R1.8), and absent otherwise.
    pub location: Option<PublicityLocation>,
}

/// Edit a notice: omitted fields keep their value. Changing the dates also rewrites the period
/// sentence of the text when it is still as generated.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UpdatePublicity {
    /// Title.
    pub title: Option<String>,
    /// Text.
    pub body: Option<String>,
    /// Place (an empty string clears it).
    pub place: Option<String>,
    /// First day.
    pub start_on: Option<NaiveDate>,
    /// Last day.
    pub end_on: Option<NaiveDate>,
}

/// Record an objection raised against a notice.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewObjection {
    /// Day received (default today; not before the notice's first day).
    pub received_on: Option<NaiveDate>,
    /// Who raised it (optional).
    pub raised_by: Option<String>,
    /// What was reported.
    pub content: String,
}

/// Resolve (查清了结) an objection.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResolveObjection {
    /// Day resolved (default today; not before it was received).
    pub resolved_on: Option<NaiveDate>,
    /// The outcome of the verification.
    pub resolution: String,
}

/// A notice with its status, working days and objections.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicityView {
    /// The notice.
    #[serde(flatten)]
    pub row: PublicityRow,
    /// Upcoming, running or ended today.
    pub status: NoticeStatus,
    /// Its Chinese label.
    pub status_label: String,
    /// Working days from start to end.
    pub workdays: u32,
    /// Objections of the notice, in the order received.
    pub objections: Vec<ObjectionRow>,
    /// How many are unresolved.
    pub open_objections: usize,
    /// The text may still be edited (not ended, case open).
    pub editable: bool,
    /// "2027 年节假日安排尚未录入，按周末计算" when the notice falls in such a year.
    pub calendar_note: Option<String>,
}

/// One notice on the board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeItem {
    /// The notice.
    #[serde(flatten)]
    pub row: PublicityRow,
    /// Upcoming, running or ended today.
    pub status: NoticeStatus,
    /// Its Chinese label.
    pub status_label: String,
}

/// Notice-board filters.
#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeFilter {
    /// Org whose subtree to list (default: the whole scope).
    pub org: Option<i64>,
    /// Include notices that ended at most this many days ago (default 30).
    pub recent_days: Option<i64>,
}

/// The higher committee (nearest 党委 above the org) and the college-level unit of an org path.
async fn unit_and_committee(conn: &mut Conn, path: &str, own_id: i64) -> AppResult<(Option<String>, Option<String>)> {
    let ids: Vec<i64> = path.trim_matches('/').split('/').filter_map(|s| s.parse().ok()).collect();
    let mut orgs = Vec::new();
    for id in ids.iter().copied().filter(|id| *id != own_id) {
        if let Some(o) = orgs_repo::get_unscoped(conn, id).await? {
            orgs.push(o);
        }
    }
    let committee = orgs.iter().rev().find(|o| o.kind.is_committee()).map(|o| o.name.clone());
    // The level-1 org (a college-level committee) names the unit: "数学学院党委" → "数学学院".
    let unit = orgs.iter().find(|o| o.depth == 1).map(|o| {
        let n = o.name.trim_end_matches("委员会").trim_end_matches("党委");
        let n = n.strip_prefix("中共").unwrap_or(n);
        if n.is_empty() { o.name.clone() } else { n.to_string() }
    });
    Ok((unit, committee))
}

/// A required text of at most `max` characters.
fn required_text(v: &str, field: &str, what: &str, max: usize) -> AppResult<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(AppError::invalid_field(field, format!("请填写{what}")));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid_field(field, format!("{what}不能超过 {max} 个字符")));
    }
    Ok(t.to_string())
}

/// An optional text of at most `max` characters (blank = none).
fn optional_text(v: &Option<String>, field: &str, what: &str, max: usize) -> AppResult<Option<String>> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > max => {
            Err(AppError::invalid_field(field, format!("{what}不能超过 {max} 个字符")))
        }
        Some(t) => Ok(Some(t.to_string())),
    }
}

/// The case in scope, open, for a write.
async fn open_case(conn: &mut Conn, scope: &Scope, case_id: i64) -> AppResult<CaseRow> {
    let case = dev_repo::get(conn, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    if case.status != "open" {
        return Err(AppError::invalid_field("case", "档案已办结，不能再修改公示"));
    }
    Ok(case)
}

/// A notice whose case is in scope (404 otherwise).
async fn notice_of_case_in_scope(conn: &mut Conn, scope: &Scope, pid: i64) -> AppResult<(PublicityRow, CaseRow)> {
    let row = repo::get(conn, pid).await?.ok_or_else(AppError::not_found)?;
    let case = dev_repo::get(conn, scope, row.case_id).await?.ok_or_else(AppError::not_found)?;
    Ok((row, case))
}

/// Checks a period on the calendar; a Block is a 422 naming R1.8 (or DATA) with the field.
fn judge_period(
    case: &CaseRow,
    consent: Option<NaiveDate>,
    start: NaiveDate,
    end: NaiveDate,
    cal: &WorkCalendar,
) -> AppResult<()> {
    let findings = check_period(&PeriodSubject { case_id: case.id, name: &case.name, consent }, start, end, cal);
    if findings.iter().any(|f| f.is_block()) { Err(AppError::from_findings(findings)) } else { Ok(()) }
}

/// The view of one notice as of `today`.
async fn view(conn: &mut Conn, row: PublicityRow, case_open: bool, cal: &WorkCalendar) -> AppResult<PublicityView> {
    let today = crate::util::today();
    let objections: Vec<ObjectionRow> =
        repo::objections_of_case(conn, row.case_id).await?.into_iter().filter(|o| o.publicity_id == row.id).collect();
    let status = NoticeStatus::on(row.start_on, row.end_on, today);
    Ok(PublicityView {
        status,
        status_label: status.label().to_string(),
        workdays: cal.workdays_between(row.start_on, row.end_on),
        calendar_note: cal.coverage_note([row.start_on, row.end_on]),
        open_objections: objections.iter().filter(|o| o.resolved_on.is_none()).count(),
        objections,
        editable: case_open && status != NoticeStatus::Ended,
        row,
    })
}

/// Date of a recorded step of a case (its first record).
async fn step_date(conn: &mut Conn, case_id: i64, step: Step) -> AppResult<Option<NaiveDate>> {
    Ok(dev_repo::steps(conn, case_id).await?.into_iter().find(|s| s.step == step.as_str()).map(|s| s.done_on))
}

/// The default period of a notice generated today: the next working day and the fifth working day.
pub async fn suggested_period(db: &Db) -> AppResult<(NaiveDate, NaiveDate)> {
    let mut conn = db.pool.acquire().await?;
    let cfg = rule_config(db, &mut conn).await?;
    let start = first_workday_from(&cfg.calendar, crate::util::today());
    Ok((start, suggested_end(&cfg.calendar, start)))
}

/// Generates the 公示 notice of a case from its facts (one per case; edit it afterwards).
pub async fn generate(db: &Db, scope: &Scope, case_id: i64, input: GeneratePublicity) -> AppResult<PublicityView> {
    require_write(scope)?;
    let today = crate::util::today();
    let place = optional_text(&input.place, "place", "公示地点", MAX_PLACE)?;
    let mut w = db.begin_write().await?;
    let cfg = rule_config(db, &mut w.tx).await?;
    let cal = &cfg.calendar;
    let case = open_case(&mut w.tx, scope, case_id).await?;
    let existing = repo::of_case(&mut w.tx, case_id).await?;
    let mobile = repo::case_mobile(&mut w.tx, case_id).await?;
    match (mobile, input.location) {
        (true, None) => {
            return Err(AppError::invalid_field("location", "流动人员须分别在流出地和流入地公示，请选择公示地")
                .with_rule("R1.8"));
        }
        (false, Some(_)) => {
            return Err(AppError::invalid_field("location", "未登记为流动人员，公示无需区分流出地、流入地"));
        }
        (true, Some(loc)) if existing.iter().any(|n| n.location.as_deref() == Some(loc.as_str())) => {
            return Err(AppError::invalid_field(
                "location",
                format!("本档案已生成{}公示，请修改现有公示", loc.label()),
            ));
        }
        (false, None) if !existing.is_empty() => {
            return Err(AppError::invalid_field("case", "本档案已生成公示，请修改现有公示"));
        }
        _ => {}
    }
    let steps = dev_repo::steps(&mut w.tx, case_id).await?;
    let first = |s: Step| steps.iter().find(|r| r.step == s.as_str()).map(|r| r.done_on);
    let Some(activist_on) = first(Step::ActivistRecommendation) else {
        return Err(AppError::invalid_field("case", "尚未确定为入党积极分子，不能公示拟确定为发展对象"));
    };
    if let Some(listed) = first(Step::CandidateDetermination) {
        return Err(AppError::invalid_field(
            "case",
            format!("已于 {listed} 确定为发展对象，不能再公示拟确定为发展对象"),
        ));
    }
    let consent = first(Step::CandidateFiling);
    let start = input.start_on.unwrap_or_else(|| first_workday_from(cal, today.max(consent.unwrap_or(today))));
    let end = input.end_on.unwrap_or_else(|| suggested_end(cal, start));
    judge_period(&case, consent, start, end, cal)?;
    let (gender, category, ethnicity, education) =
        repo::person_brief(&mut w.tx, case.person_id).await?.unwrap_or_default();
    let (unit, committee) = unit_and_committee(&mut w.tx, &case.org_path, case.org_id).await?;
    let facts = NoticeFacts {
        name: case.name.clone(),
        gender: Gender::parse(&gender).map(|g| g.label().to_string()),
        ethnicity: ethnicity.filter(|e| !e.trim().is_empty()),
        birth_date: case.birth_date,
        education: education.as_deref().and_then(Education::parse).map(|e| e.label().to_string()),
        category: PersonCategory::parse(&category).map(|c| c.label().to_string()),
        unit,
        applied_on: case.opened_on,
        activist_on: Some(activist_on),
        consent_on: consent,
        org_name: case.org_name.clone(),
        committee,
        place: place.clone(),
        start,
        end,
        workdays: cal.workdays_between(start, end),
        issued_on: today.min(start),
    };
    let (mut title, body) = notice_text(&facts);
    if let Some(loc) = input.location {
        title.push_str(&format!("（{}）", loc.label()));
    }
    let n = NoticeFields { title: &title, body: &body, place: place.as_deref(), start_on: start, end_on: end };
    let pid = repo::insert(&mut w.tx, case.id, case.org_id, &case.org_path, &n, &scope.display_name).await?;
    repo::set_location(&mut w.tx, pid, input.location.map(PublicityLocation::as_str)).await?;
    let row = repo::get(&mut w.tx, pid).await?.ok_or_else(AppError::not_found)?;
    let v = view(&mut w.tx, row, true, cal).await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "development_publicity",
            entity_id: Some(pid),
            org_path: Some(&case.org_path),
            summary: format!("{}：生成公示「{title}」，公示期 {start} 至 {end}（{} 个工作日）", case.name, v.workdays),
            before: None,
            after: json(&v.row),
        },
    )
    .await?;
    w.commit().await?;
    Ok(v)
}

/// The notices of a case in scope.
pub async fn of_case(db: &Db, scope: &Scope, case_id: i64) -> AppResult<Vec<PublicityView>> {
    let mut conn = db.pool.acquire().await?;
    let case = dev_repo::get(&mut conn, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    let cfg = rule_config(db, &mut conn).await?;
    let mut out = Vec::new();
    for row in repo::of_case(&mut conn, case_id).await? {
        out.push(view(&mut conn, row, case.status == "open", &cfg.calendar).await?);
    }
    Ok(out)
}

/// One notice: readable by whoever sees its case, and (a notice being public) by anyone whose
/// scope covers the issuing org, members of that branch included.
pub async fn get(db: &Db, scope: &Scope, pid: i64) -> AppResult<PublicityView> {
    let mut conn = db.pool.acquire().await?;
    let row = repo::get(&mut conn, pid).await?.ok_or_else(AppError::not_found)?;
    let case = dev_repo::get(&mut conn, scope, row.case_id).await?;
    if case.is_none() && !scope.covers(&row.org_path) {
        return Err(AppError::not_found());
    }
    let cfg = rule_config(db, &mut conn).await?;
    let open = case.as_ref().is_some_and(|c| c.status == "open") && scope.can_write();
    let mut v = view(&mut conn, row, open, &cfg.calendar).await?;
    if case.is_none() {
        // Objections name people who reported: only for those who see the case.
        v.objections.clear();
    }
    Ok(v)
}

/// Edits the text, place or dates of a notice before or during the 公示 (audited with before/after).
pub async fn update(db: &Db, scope: &Scope, pid: i64, input: UpdatePublicity) -> AppResult<PublicityView> {
    require_write(scope)?;
    let today = crate::util::today();
    let mut w = db.begin_write().await?;
    let cfg = rule_config(db, &mut w.tx).await?;
    let cal = &cfg.calendar;
    let (before, case) = notice_of_case_in_scope(&mut w.tx, scope, pid).await?;
    if case.status != "open" {
        return Err(AppError::invalid_field("case", "档案已办结，不能再修改公示"));
    }
    if before.end_on < today {
        return Err(AppError::invalid_field("end_on", format!("公示已于 {} 结束，不能再修改", before.end_on)));
    }
    let start = input.start_on.unwrap_or(before.start_on);
    let end = input.end_on.unwrap_or(before.end_on);
    let mut title = match &input.title {
        Some(t) => required_text(t, "title", "公示标题", MAX_TITLE)?,
        None => before.title.clone(),
    };
    let mut body = match &input.body {
        Some(b) => required_text(b, "body", "公示内容", MAX_TEXT)?,
        None => before.body.clone(),
    };
    let place = match &input.place {
        Some(_) => optional_text(&input.place, "place", "公示地点", MAX_PLACE)?,
        None => before.place.clone(),
    };
    if (start, end) != (before.start_on, before.end_on) {
        // The listing was judged against these dates: they are history once it is recorded.
        if let Some(listed) = step_date(&mut w.tx, case.id, Step::CandidateDetermination).await? {
            return Err(AppError::invalid_field("start_on", format!("已于 {listed} 确定为发展对象，公示期不能再修改")));
        }
        let consent = step_date(&mut w.tx, case.id, Step::CandidateFiling).await?;
        judge_period(&case, consent, start, end, cal)?;
        let old = period_zh(before.start_on, before.end_on, cal.workdays_between(before.start_on, before.end_on));
        let new = period_zh(start, end, cal.workdays_between(start, end));
        if input.body.is_none() {
            body = body.replace(&old, &new);
        }
        if input.title.is_none() {
            title = title.replace(&old, &new);
        }
    }
    let n = NoticeFields { title: &title, body: &body, place: place.as_deref(), start_on: start, end_on: end };
    repo::update(&mut w.tx, pid, &n).await?;
    let row = repo::get(&mut w.tx, pid).await?.ok_or_else(AppError::not_found)?;
    let v = view(&mut w.tx, row, true, cal).await?;
    let mut changed = Vec::new();
    if before.title != v.row.title {
        changed.push("标题".to_string());
    }
    if before.body != v.row.body {
        changed.push("内容".to_string());
    }
    if before.place != v.row.place {
        changed.push("地点".to_string());
    }
    if (before.start_on, before.end_on) != (start, end) {
        changed.push(format!("公示期 {} 至 {} → {start} 至 {end}", before.start_on, before.end_on));
    }
    let what = if changed.is_empty() { "无变化".to_string() } else { changed.join("、") };
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "update",
            entity: "development_publicity",
            entity_id: Some(pid),
            org_path: Some(&case.org_path),
            summary: format!("{}：修改公示（{what}）", case.name),
            before: json(&before),
            after: json(&v.row),
        },
    )
    .await?;
    w.commit().await?;
    Ok(v)
}

/// Records an objection raised against a notice; until resolved it blocks the case's next step.
pub async fn add_objection(db: &Db, scope: &Scope, pid: i64, input: NewObjection) -> AppResult<PublicityView> {
    require_write(scope)?;
    let today = crate::util::today();
    let content = required_text(&input.content, "content", "反映的问题", MAX_TEXT)?;
    let raised_by = optional_text(&input.raised_by, "raised_by", "反映人", MAX_NAME)?;
    let received_on = input.received_on.unwrap_or(today);
    let mut w = db.begin_write().await?;
    let cfg = rule_config(db, &mut w.tx).await?;
    let (row, case) = notice_of_case_in_scope(&mut w.tx, scope, pid).await?;
    if case.status != "open" {
        return Err(AppError::invalid_field("case", "档案已办结，不能再登记反映问题"));
    }
    if received_on < row.start_on {
        return Err(AppError::invalid_field(
            "received_on",
            format!("收到日期 {received_on} 早于公示开始日期 {}", row.start_on),
        ));
    }
    if received_on > today {
        return Err(AppError::invalid_field("received_on", format!("收到日期 {received_on} 晚于今天 {today}")));
    }
    let oid = repo::insert_objection(
        &mut w.tx,
        pid,
        case.id,
        received_on,
        raised_by.as_deref(),
        &content,
        &scope.display_name,
    )
    .await?;
    let v = view(&mut w.tx, row, true, &cfg.calendar).await?;
    let after = v.objections.iter().find(|o| o.id == oid).cloned();
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "development_objection",
            entity_id: Some(oid),
            org_path: Some(&case.org_path),
            summary: format!("{}：登记公示期间反映的问题（{received_on} 收到），了结前暂停后续步骤", case.name),
            before: None,
            after: json(&after),
        },
    )
    .await?;
    w.commit().await?;
    Ok(v)
}

/// Resolves (查清了结) an objection with the date and the outcome.
pub async fn resolve_objection(db: &Db, scope: &Scope, oid: i64, input: ResolveObjection) -> AppResult<PublicityView> {
    require_write(scope)?;
    let today = crate::util::today();
    let resolution = required_text(&input.resolution, "resolution", "核查结论", MAX_TEXT)?;
    let resolved_on = input.resolved_on.unwrap_or(today);
    let mut w = db.begin_write().await?;
    let cfg = rule_config(db, &mut w.tx).await?;
    let before = repo::get_objection(&mut w.tx, oid).await?.ok_or_else(AppError::not_found)?;
    let (row, case) = notice_of_case_in_scope(&mut w.tx, scope, before.publicity_id).await?;
    if before.resolved_on.is_some() {
        return Err(AppError::invalid_field("resolution", "该问题已了结"));
    }
    if resolved_on < before.received_on {
        return Err(AppError::invalid_field(
            "resolved_on",
            format!("了结日期 {resolved_on} 早于收到日期 {}", before.received_on),
        ));
    }
    if resolved_on > today {
        return Err(AppError::invalid_field("resolved_on", format!("了结日期 {resolved_on} 晚于今天 {today}")));
    }
    repo::resolve_objection(&mut w.tx, oid, resolved_on, &resolution).await?;
    let v = view(&mut w.tx, row, case.status == "open", &cfg.calendar).await?;
    let after = v.objections.iter().find(|o| o.id == oid).cloned();
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "update",
            entity: "development_objection",
            entity_id: Some(oid),
            org_path: Some(&case.org_path),
            summary: format!("{}：公示期间反映的问题已了结（{resolved_on}）：{resolution}", case.name),
            before: json(&before),
            after: json(&after),
        },
    )
    .await?;
    w.commit().await?;
    Ok(v)
}

/// The notice board: notices upcoming, running or ended within `recent_days` in the scope (or the
/// `org` subtree). Members see their own branch's notices.
pub async fn notices(db: &Db, scope: &Scope, filter: &NoticeFilter) -> AppResult<Vec<NoticeItem>> {
    let mut conn = db.pool.acquire().await?;
    let path = match filter.org {
        Some(id) if scope.role != Role::Member => {
            orgs_repo::get(&mut conn, scope, id).await?.ok_or_else(AppError::not_found)?.path
        }
        _ => scope.root_path.clone(),
    };
    let today = crate::util::today();
    let days = filter.recent_days.unwrap_or(RECENT_DAYS).clamp(0, 3660);
    let since = today.checked_sub_days(chrono::Days::new(days.unsigned_abs())).unwrap_or(today);
    let rows = repo::board(&mut conn, &path, since).await?;
    Ok(rows
        .into_iter()
        .filter(|r| scope.covers(&r.org_path))
        .map(|row| {
            let status = NoticeStatus::on(row.start_on, row.end_on, today);
            NoticeItem { status, status_label: status.label().to_string(), row }
        })
        .collect())
}

/// A case's 公示 as the engine sees it: the latest notice and the unresolved objections.
pub type PublicityFacts = (Publicity, Vec<OpenObjection>);

fn to_facts(notices: &[PublicityRow], objections: &[ObjectionRow]) -> Option<PublicityFacts> {
    let last = notices.iter().max_by_key(|p| (p.start_on, p.id))?;
    let open: Vec<OpenObjection> = objections
        .iter()
        .filter(|o| o.resolved_on.is_none())
        .map(|o| OpenObjection { id: o.id, received_on: o.received_on, content: o.content.clone() })
        .collect();
    Some((Publicity { start: last.start_on, end: last.end_on, objections_open: !open.is_empty() }, open))
}

/// The 公示 facts of one case from its rows (`None` when no notice was generated).
pub(super) async fn case_facts(conn: &mut Conn, case_id: i64) -> AppResult<Option<PublicityFacts>> {
    let notices = repo::of_case(conn, case_id).await?;
    if notices.is_empty() {
        return Ok(None);
    }
    let objections = repo::objections_of_case(conn, case_id).await?;
    Ok(to_facts(&notices, &objections))
}

/// The 公示 facts of every open case in the subtree `org_path`, by case id (for the 待办 list).
pub(super) async fn open_cases_facts(conn: &mut Conn, org_path: &str) -> AppResult<BTreeMap<i64, PublicityFacts>> {
    let (notices, objections) = repo::open_cases_facts(conn, org_path).await?;
    let mut by_case: BTreeMap<i64, (Vec<PublicityRow>, Vec<ObjectionRow>)> = BTreeMap::new();
    for n in notices {
        by_case.entry(n.case_id).or_default().0.push(n);
    }
    for o in objections {
        if let Some(e) = by_case.get_mut(&o.case_id) {
            e.1.push(o);
        }
    }
    Ok(by_case.into_iter().filter_map(|(id, (n, o))| to_facts(&n, &o).map(|f| (id, f))).collect())
}

/// Puts the stored 公示 into the facts: the notice wins over dates typed into step details (old data).
pub(super) fn apply(f: &mut CaseFacts, p: Option<&PublicityFacts>) {
    if let Some((publicity, open)) = p {
        f.publicity = Some(*publicity);
        f.open_objections = open.clone();
    }
}

mod mobile;
mod text;
pub(in crate::service::development) use mobile::located_facts;
pub use mobile::{MobileInput, get_mobile, set_mobile};
pub use text::{NoticeFacts, cn_date, notice_text, period_zh};

#[cfg(test)]
mod tests;
