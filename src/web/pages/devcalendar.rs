//! 发展党员 calendar (due steps of the open cases on a month grid, a list on phones) with the
//! iCalendar subscription, and the case page's extras: materials per step and transfers (R1.9).

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{
    Ctx, FieldErrors, Flash, error_page, form_helpers, opt_date, opt_id, opt_text, org_options, render_status,
    see_other, split_error,
};
use crate::auth::scope::Scope;
use crate::domain::OrgKind;
use crate::error::AppError;
use crate::repo::development_extra::{FeedTokenRow, TransferRow};
use crate::service::development::materials::StepMaterials;
use crate::service::development::transfer::TransferInput;
use crate::service::development::{CaseFilter, CaseSummary};
use crate::web::AppState;
use crate::web::auth::{PageUser, check_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/development/calendar", get(calendar))
        .route("/development/calendar/feed", post(create_feed))
        .route("/development/calendar/feed/{id}/revoke", post(revoke_feed))
        .route("/development/{id}/materials", get(materials_page).post(upload))
        .route("/development/{id}/materials/{mid}/delete", post(delete_material))
        .route("/development/{id}/transfer", get(transfer_page).post(transfer))
}

/// One due step on the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalEntry {
    /// The day shown.
    pub date: NaiveDate,
    /// Case id (link).
    pub case_id: i64,
    /// Person's name.
    pub name: String,
    /// Branch.
    pub org_name: String,
    /// "7. 确定发展对象".
    pub step: String,
    /// The day is the latest date (截止) rather than the earliest (最早).
    pub deadline: bool,
    /// The step is overdue.
    pub overdue: bool,
    /// Rule giving the window.
    pub rule: String,
}

/// One day of the month grid.
#[derive(Debug, Clone)]
pub struct CalDay {
    /// The date.
    pub date: NaiveDate,
    /// Inside the month shown.
    pub in_month: bool,
    /// Today.
    pub today: bool,
    /// Entries of the day.
    pub entries: Vec<CalEntry>,
}

/// The first day of the month `YYYY-MM`.
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    let (y, m) = s.trim().split_once('-')?;
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

fn month_end(first: NaiveDate) -> NaiveDate {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).unwrap_or(first)
}

/// The entries of a month (latest dates as deadlines, earliest dates marked), by date, and the
/// overdue steps whose latest date lies before the month.
pub fn month_entries(first: NaiveDate, cases: &[CaseSummary]) -> (Vec<CalEntry>, Vec<CalEntry>) {
    let last = month_end(first);
    let mut entries = Vec::new();
    let mut earlier = Vec::new();
    for c in cases {
        for d in &c.due {
            let entry = |date: NaiveDate, deadline: bool| CalEntry {
                date,
                case_id: c.case.id,
                name: c.case.name.clone(),
                org_name: c.case.org_name.clone(),
                step: format!("{}. {}", d.step.number(), d.step.label()),
                deadline,
                overdue: d.overdue,
                rule: d.rule.clone(),
            };
            if let Some(l) = d.latest {
                if (first..=last).contains(&l) {
                    entries.push(entry(l, true));
                } else if l < first && d.overdue {
                    earlier.push(entry(l, true));
                }
            }
            if let Some(e) = d.earliest
                && Some(e) != d.latest
                && (first..=last).contains(&e)
            {
                entries.push(entry(e, false));
            }
        }
    }
    entries.sort_by(|a, b| (a.date, !a.deadline, &a.name).cmp(&(b.date, !b.deadline, &b.name)));
    earlier.sort_by(|a, b| (a.date, &a.name).cmp(&(b.date, &b.name)));
    (entries, earlier)
}

/// The weeks (Monday first) covering the month, with the entries placed on their days.
pub fn month_grid(first: NaiveDate, entries: &[CalEntry], today: NaiveDate) -> Vec<Vec<CalDay>> {
    let last = month_end(first);
    let start = first - chrono::Days::new(u64::from(first.weekday().num_days_from_monday()));
    let mut weeks = Vec::new();
    let mut day = start;
    while day <= last {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            week.push(CalDay {
                date: day,
                in_month: day.month() == first.month(),
                today: day == today,
                entries: entries.iter().filter(|e| e.date == day).cloned().collect(),
            });
            day = day.succ_opt().unwrap_or(day);
        }
        weeks.push(week);
    }
    weeks
}

#[derive(Template)]
#[template(path = "development/calendar.html")]
struct CalendarTpl {
    ctx: Ctx,
    month: String,
    title: String,
    prev: String,
    next: String,
    org: String,
    orgs: Vec<(i64, String)>,
    weeks: Vec<Vec<CalDay>>,
    entries: Vec<CalEntry>,
    earlier: Vec<CalEntry>,
    month_error: String,
    tokens: Vec<FeedTokenRow>,
    new_feed_url: String,
    /// "2027 年节假日安排尚未录入，按周末计算" when the month or a date shown falls in such a year.
    calendar_note: String,
}

#[derive(Deserialize, Default)]
struct CalQ {
    #[serde(default)]
    month: String,
    #[serde(default)]
    org: String,
}

/// Absolute URL base of the request (for the subscription link).
fn base_url(st: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    format!("{}://{host}", if st.secure_cookies { "https" } else { "http" })
}

async fn calendar_render(st: &AppState, u: &PageUser, flash: &Flash, q: CalQ, new_feed_url: String) -> Response {
    let today = crate::util::today();
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let (first, month_error) = if q.month.trim().is_empty() {
        (this_month, String::new())
    } else {
        match parse_month(&q.month) {
            Some(m) => (m, String::new()),
            None => (this_month, "月份格式应为 2026-12".to_string()),
        }
    };
    let filter = CaseFilter { org: q.org.trim().parse().ok(), overdue: None };
    let cases = match crate::service::development::list(&st.db, &u.scope, &filter).await {
        Ok(c) => c,
        Err(e) => return error_page(&e),
    };
    let orgs = match org_options(st, &u.scope, &[]).await {
        Ok(o) => o,
        Err(e) => return error_page(&e),
    };
    let tokens = crate::service::development::feed::list_tokens(&st.db, &u.scope).await.unwrap_or_default();
    let (entries, earlier) = month_entries(first, &cases);
    let calendar_note = match crate::service::settings::calendar(&st.db).await {
        Ok(cal) => cal.coverage_note(std::iter::once(first).chain(entries.iter().map(|e| e.date))).unwrap_or_default(),
        Err(e) => return error_page(&e),
    };
    let weeks = month_grid(first, &entries, today);
    let prev = first.pred_opt().map(|d| d.format("%Y-%m").to_string()).unwrap_or_default();
    let next = month_end(first).succ_opt().map(|d| d.format("%Y-%m").to_string()).unwrap_or_default();
    let status = if month_error.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(
        status,
        &CalendarTpl {
            ctx: Ctx::new(&u.scope, "devcalendar", flash),
            month: if month_error.is_empty() { first.format("%Y-%m").to_string() } else { q.month },
            title: format!("{} 年 {} 月", first.year(), first.month()),
            prev,
            next,
            org: q.org,
            orgs,
            weeks,
            entries,
            earlier: if first == this_month { earlier } else { Vec::new() },
            month_error,
            tokens,
            new_feed_url,
            calendar_note,
        },
    )
}

async fn calendar(State(st): State<AppState>, u: PageUser, flash: Flash, Query(q): Query<CalQ>) -> Response {
    calendar_render(&st, &u, &flash, q, String::new()).await
}

#[derive(Deserialize, Default)]
struct CsrfForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// Creates a feed token and shows its URL once (the page is the POST's response, not a redirect).
async fn create_feed(State(st): State<AppState>, u: PageUser, headers: HeaderMap, Form(f): Form<CsrfForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    match crate::service::development::feed::create_token(&st.db, &u.scope).await {
        Ok(t) => {
            let url = format!("{}{}", base_url(&st, &headers), t.path);
            let mut r = calendar_render(&st, &u, &Flash("已创建日历订阅。".into()), CalQ::default(), url).await;
            r.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => error_page(&e),
    }
}

async fn revoke_feed(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    match crate::service::development::feed::revoke_token(&st.db, &u.scope, id).await {
        Ok(()) => see_other("/development/calendar?ok=saved"),
        Err(e) => error_page(&e),
    }
}

/// What the case page shows besides the steps: materials per recorded step, transfers, and the
/// branches a case may move to.
#[derive(Debug, Default)]
pub struct CaseExtras {
    /// Recorded steps with expected and recorded materials.
    pub materials: Vec<StepMaterials>,
    /// Transfers, oldest first.
    pub transfers: Vec<TransferRow>,
    /// Branches in scope (targets of a transfer).
    pub branches: Vec<(i64, String)>,
}

/// Loads the extras of a case (empty when the case is not visible).
pub async fn case_extras(st: &AppState, scope: &Scope, id: i64) -> CaseExtras {
    let materials =
        crate::service::development::materials::overview(&st.db, scope, id).await.map(|v| v.steps).unwrap_or_default();
    let transfers = crate::service::development::transfer::list(&st.db, scope, id).await.unwrap_or_default();
    let branches = if scope.can_write() {
        org_options(st, scope, &[OrgKind::Branch, OrgKind::Group]).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    CaseExtras { materials, transfers, branches }
}

#[derive(Template)]
#[template(path = "development/materials.html")]
struct MaterialsTpl {
    ctx: Ctx,
    case_id: i64,
    name: String,
    extra: CaseExtras,
    error: String,
}

async fn materials_render(st: &AppState, u: &PageUser, id: i64, flash: &Flash, err: Option<AppError>) -> Response {
    let c = match crate::service::development::detail(&st.db, &u.scope, id).await {
        Ok(c) => c,
        Err(e) => return error_page(&e),
    };
    let (status, error) = match &err {
        Some(e) => {
            let (g, f) = split_error(e);
            let msg = if f.is_empty() { g } else { f.values().cloned().collect::<Vec<_>>().join("；") };
            (StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), msg)
        }
        None => (StatusCode::OK, String::new()),
    };
    let extra = case_extras(st, &u.scope, id).await;
    render_status(
        status,
        &MaterialsTpl { ctx: Ctx::new(&u.scope, "development", flash), case_id: id, name: c.case.name, extra, error },
    )
}

async fn materials_page(State(st): State<AppState>, u: PageUser, flash: Flash, Path(id): Path<i64>) -> Response {
    materials_render(&st, &u, id, &flash, None).await
}

fn refused(e: &AppError) -> bool {
    e.status < 500 && e.status != 403 && e.status != 404
}

/// Upload from the case page (multipart with `_csrf`); errors re-render the materials page.
async fn upload(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>, mp: Multipart) -> Response {
    let (input, fields) = match crate::web::api::devextra::read_material(mp).await {
        Ok(x) => x,
        Err(e) if refused(&e) => return materials_render(&st, &u, id, &Flash(String::new()), Some(e)).await,
        Err(e) => return error_page(&e),
    };
    if let Err(e) = check_csrf(&u.scope, fields.get("_csrf").map_or("", String::as_str)) {
        return error_page(&e);
    }
    match crate::service::development::materials::add(&st.db, &u.scope, id, input).await {
        Ok(_) => see_other(&format!("/development/{id}?ok=saved#case-materials")),
        Err(e) if refused(&e) => materials_render(&st, &u, id, &Flash(String::new()), Some(e)).await,
        Err(e) => error_page(&e),
    }
}

async fn delete_material(
    State(st): State<AppState>,
    u: PageUser,
    Path((id, mid)): Path<(i64, i64)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    match crate::service::development::materials::delete(&st.db, &u.scope, mid).await {
        Ok(_) => see_other(&format!("/development/{id}?ok=saved#case-materials")),
        Err(e) => error_page(&e),
    }
}

/// The transfer form exactly as typed.
#[derive(Deserialize, Default, Clone)]
struct TransferForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    to_org_id: String,
    #[serde(default)]
    left_on: String,
    #[serde(default)]
    arrived_on: String,
    #[serde(default)]
    note: String,
}

impl TransferForm {
    fn to_input(&self) -> Result<TransferInput, AppError> {
        let mut errors = FieldErrors::new();
        let input = TransferInput {
            to_org_id: opt_id(&self.to_org_id, "to_org_id", &mut errors),
            left_on: opt_date(&self.left_on, "left_on", &mut errors),
            arrived_on: opt_date(&self.arrived_on, "arrived_on", &mut errors),
            note: opt_text(&self.note),
        };
        if errors.is_empty() { Ok(input) } else { Err(AppError::invalid(errors)) }
    }
}

#[derive(Template)]
#[template(path = "development/transfer.html")]
struct TransferTpl {
    ctx: Ctx,
    case_id: i64,
    name: String,
    org_name: String,
    form: TransferForm,
    extra: CaseExtras,
    errors: FieldErrors,
    error: String,
}
form_helpers!(TransferTpl);

async fn transfer_render(st: &AppState, u: &PageUser, id: i64, form: TransferForm, err: Option<AppError>) -> Response {
    let c = match crate::service::development::detail(&st.db, &u.scope, id).await {
        Ok(c) => c,
        Err(e) => return error_page(&e),
    };
    let (status, error, errors) = match &err {
        Some(e) => {
            let (g, f) = split_error(e);
            (StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), g, f)
        }
        None => (StatusCode::OK, String::new(), FieldErrors::new()),
    };
    let extra = case_extras(st, &u.scope, id).await;
    render_status(
        status,
        &TransferTpl {
            ctx: Ctx::new(&u.scope, "development", &Flash(String::new())),
            case_id: id,
            name: c.case.name,
            org_name: c.case.org_name,
            form,
            extra,
            errors,
            error,
        },
    )
}

async fn transfer_page(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    if !u.scope.can_write() {
        return error_page(&AppError::forbidden("只读角色不能转接发展档案"));
    }
    transfer_render(&st, &u, id, TransferForm::default(), None).await
}

async fn transfer(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<TransferForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let result = match f.to_input() {
        Ok(input) => crate::service::development::transfer::transfer(&st.db, &u.scope, id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => see_other(&format!("/development/{id}?ok=saved#transfers")),
        Err(e) if refused(&e) => transfer_render(&st, &u, id, f, Some(e)).await,
        Err(e) => error_page(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::development::CaseRow;
    use crate::rules::development::{Due, Step};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    fn case(due: Vec<Due>) -> CaseSummary {
        CaseSummary {
            case: CaseRow {
                id: 9,
                person_id: 1,
                name: "张三".into(),
                birth_date: d(2004, 1, 1),
                org_id: 2,
                org_name: "一支部".into(),
                org_kind: OrgKind::Branch,
                org_path: "/1/2/".into(),
                stage: "activist".into(),
                status: "open".into(),
                opened_on: d(2025, 1, 1),
                closed_on: None,
            },
            stage_label: String::new(),
            last_step: None,
            last_step_label: String::new(),
            last_step_on: None,
            overdue: due.iter().any(|x| x.overdue),
            due,
        }
    }

    fn due(step: Step, earliest: Option<NaiveDate>, latest: Option<NaiveDate>, overdue: bool) -> Due {
        Due { step, earliest, latest, overdue, rule: "R1.8".into(), note_zh: String::new() }
    }

    #[test]
    fn months_parse_and_end() {
        assert_eq!(parse_month("2026-12"), Some(d(2026, 12, 1)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("x"), None);
        assert_eq!(month_end(d(2024, 2, 1)), d(2024, 2, 29));
        assert_eq!(month_end(d(2026, 12, 1)), d(2026, 12, 31));
    }

    #[test]
    fn entries_on_latest_and_earliest_dates() {
        let c = case(vec![
            due(Step::CandidateDetermination, Some(d(2026, 12, 3)), Some(d(2026, 12, 20)), false),
            due(Step::Talk, None, Some(d(2026, 11, 2)), true),
            due(Step::ActivistFiling, Some(d(2027, 1, 5)), None, false),
        ]);
        let (e, earlier) = month_entries(d(2026, 12, 1), &[c]);
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].date, e[0].deadline), (d(2026, 12, 3), false));
        assert_eq!((e[1].date, e[1].deadline), (d(2026, 12, 20), true));
        assert_eq!(e[1].step, "7. 确定发展对象");
        assert_eq!(earlier.len(), 1, "the overdue talk of November is listed");
        assert!(earlier[0].overdue);
    }

    #[test]
    fn grid_starts_on_monday_and_covers_the_month() {
        // 2026-12-01 is a Tuesday.
        let g = month_grid(d(2026, 12, 1), &[], d(2026, 12, 15));
        assert_eq!(g[0][0].date, d(2026, 11, 30));
        assert!(!g[0][0].in_month);
        assert!(g.iter().flatten().any(|x| x.today && x.date == d(2026, 12, 15)));
        assert_eq!(g.last().and_then(|w| w.last()).map(|x| x.date), Some(d(2027, 1, 3)));
        assert!(g.iter().all(|w| w.len() == 7));
    }
}
