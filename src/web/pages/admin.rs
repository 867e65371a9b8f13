//! Administrator pages: development settings (RULES.md §8) and the working-day calendar (C4).

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{
    Ctx, FieldErrors, Flash, error_page, form_helpers, opt_date, opt_text, render_status, see_other, split_error,
};
use crate::domain::Role;
use crate::error::AppError;
use crate::rules::development::DevelopmentSettings;
use crate::service::settings::{CorrectionInput, WorkdayYear};
use crate::web::AppState;
use crate::web::auth::{PageUser, check_csrf};
use crate::workdays::DayKind;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/settings", get(settings_page).post(settings_submit))
        .route("/admin/workdays", get(workdays_page).post(workdays_add))
        .route("/admin/workdays/{day}/delete", post(workdays_delete))
}

/// Admin pages are for the 组织部管理员 only (the API answers 403 the same way): the 403 page otherwise.
fn not_admin(u: &PageUser) -> Option<Response> {
    (u.scope.role != Role::SchoolAdmin)
        .then(|| error_page(&AppError::forbidden("只有组织部管理员可以管理系统设置和工作日历")))
}

/// The settings form: every value as typed.
#[derive(Deserialize, Default, Clone)]
struct SettingsForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    age_on_birthday: String,
    #[serde(default)]
    publicity_listing_after_last_day: String,
    #[serde(default)]
    activist_min_months: String,
    #[serde(default)]
    training_min_days: String,
    #[serde(default)]
    training_min_hours: String,
    #[serde(default)]
    leaving_window_months: String,
    #[serde(default)]
    approval_warn_months: String,
    #[serde(default)]
    approval_max_months: String,
    #[serde(default)]
    month_end_clamp: String,
    #[serde(default)]
    periods_inclusive: String,
    #[serde(default)]
    strict_majority: String,
    #[serde(default)]
    transit_days_count: String,
}

impl SettingsForm {
    fn from_settings(s: &DevelopmentSettings) -> SettingsForm {
        SettingsForm {
            csrf: String::new(),
            age_on_birthday: s.age_on_birthday.to_string(),
            publicity_listing_after_last_day: s.publicity_listing_after_last_day.to_string(),
            activist_min_months: s.activist_min_months.to_string(),
            training_min_days: s.training_min_days.to_string(),
            training_min_hours: s.training_min_hours.to_string(),
            leaving_window_months: s.leaving_window_months.to_string(),
            approval_warn_months: s.approval_warn_months.to_string(),
            approval_max_months: s.approval_max_months.to_string(),
            month_end_clamp: s.month_end_clamp.to_string(),
            periods_inclusive: s.periods_inclusive.to_string(),
            strict_majority: s.strict_majority.to_string(),
            transit_days_count: s.transit_days_count.to_string(),
        }
    }

    fn to_settings(&self) -> Result<DevelopmentSettings, AppError> {
        let mut errs = FieldErrors::new();
        fn num<T: std::str::FromStr + Default>(v: &str, field: &str, errs: &mut FieldErrors) -> T {
            v.trim().parse().unwrap_or_else(|_| {
                errs.insert(field.to_string(), "请填写整数".to_string());
                T::default()
            })
        }
        let s = DevelopmentSettings {
            age_on_birthday: self.age_on_birthday.trim() != "false",
            publicity_listing_after_last_day: self.publicity_listing_after_last_day.trim() != "false",
            activist_min_months: num(&self.activist_min_months, "activist_min_months", &mut errs),
            training_min_days: num(&self.training_min_days, "training_min_days", &mut errs),
            training_min_hours: num(&self.training_min_hours, "training_min_hours", &mut errs),
            leaving_window_months: num(&self.leaving_window_months, "leaving_window_months", &mut errs),
            approval_warn_months: num(&self.approval_warn_months, "approval_warn_months", &mut errs),
            approval_max_months: num(&self.approval_max_months, "approval_max_months", &mut errs),
            month_end_clamp: self.month_end_clamp.trim() != "false",
            periods_inclusive: self.periods_inclusive.trim() != "false",
            strict_majority: self.strict_majority.trim() != "false",
            transit_days_count: self.transit_days_count.trim() == "true",
        };
        if errs.is_empty() { Ok(s) } else { Err(AppError::invalid(errs)) }
    }
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsTpl {
    ctx: Ctx,
    f: SettingsForm,
    d: DevelopmentSettings,
    errors: FieldErrors,
    error: String,
}
form_helpers!(SettingsTpl);

fn settings_render(u: &PageUser, flash: &Flash, f: SettingsForm, err: Option<AppError>) -> Response {
    let (error, errors, status) = match &err {
        Some(e) => {
            let (g, f) = split_error(e);
            (g, f, StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY))
        }
        None => (String::new(), FieldErrors::new(), StatusCode::OK),
    };
    render_status(
        status,
        &SettingsTpl { ctx: Ctx::new(&u.scope, "admin", flash), f, d: DevelopmentSettings::default(), errors, error },
    )
}

async fn settings_page(State(st): State<AppState>, u: PageUser, flash: Flash) -> Response {
    if let Some(r) = not_admin(&u) {
        return r;
    }
    let s = match st.db.pool.acquire().await {
        Ok(mut c) => crate::service::settings::development_settings(&mut c).await,
        Err(e) => Err(e.into()),
    };
    match s {
        Ok(s) => settings_render(&u, &flash, SettingsForm::from_settings(&s), None),
        Err(e) => error_page(&e),
    }
}

async fn settings_submit(State(st): State<AppState>, u: PageUser, Form(f): Form<SettingsForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    if let Some(r) = not_admin(&u) {
        return r;
    }
    let result = match f.to_settings() {
        Ok(s) => crate::service::settings::save_development_settings(&st.db, &u.scope, s).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => see_other("/admin/settings?ok=saved"),
        Err(e) if e.status < 500 && e.status != 403 => settings_render(&u, &Flash(String::new()), f, Some(e)),
        Err(e) => error_page(&e),
    }
}

/// A correction typed on the calendar page.
#[derive(Deserialize, Default, Clone)]
struct CorrectionForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize, Default)]
struct YearQ {
    #[serde(default)]
    year: String,
}

#[derive(Deserialize, Default)]
struct CsrfForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

#[derive(Template)]
#[template(path = "admin/workdays.html")]
struct WorkdaysTpl {
    ctx: Ctx,
    y: WorkdayYear,
    /// The covered years as runs ("2014–2026、2028").
    covered: String,
    kinds: &'static [DayKind],
    f: CorrectionForm,
    errors: FieldErrors,
    error: String,
}
form_helpers!(WorkdaysTpl);

async fn workdays_render(
    st: &AppState,
    u: &PageUser,
    flash: &Flash,
    year: i32,
    f: CorrectionForm,
    err: Option<AppError>,
) -> Response {
    let y = match crate::service::settings::workday_year(&st.db, year).await {
        Ok(y) => y,
        Err(e) => return error_page(&e),
    };
    let (error, errors, status) = match &err {
        Some(e) => {
            let (g, f) = split_error(e);
            (g, f, StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY))
        }
        None => (String::new(), FieldErrors::new(), StatusCode::OK),
    };
    render_status(
        status,
        &WorkdaysTpl {
            ctx: Ctx::new(&u.scope, "admin", flash),
            covered: crate::workdays::year_ranges(&y.covered_years.iter().copied().collect()),
            y,
            kinds: DayKind::ALL,
            f,
            errors,
            error,
        },
    )
}

async fn workdays_page(State(st): State<AppState>, u: PageUser, flash: Flash, Query(q): Query<YearQ>) -> Response {
    if let Some(r) = not_admin(&u) {
        return r;
    }
    let year = q.year.trim().parse().unwrap_or_else(|_| crate::util::today().year());
    workdays_render(&st, &u, &flash, year, CorrectionForm::default(), None).await
}

async fn workdays_add(State(st): State<AppState>, u: PageUser, Form(f): Form<CorrectionForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    if let Some(r) = not_admin(&u) {
        return r;
    }
    let mut errors = FieldErrors::new();
    let day = opt_date(&f.day, "day", &mut errors);
    let result = match day {
        Some(day) if errors.is_empty() => {
            let input = CorrectionInput { kind: f.kind.clone(), name: opt_text(&f.name) };
            crate::service::settings::set_correction(&st.db, &u.scope, day, input).await.map(|_| day)
        }
        _ => {
            errors.entry("day".into()).or_insert_with(|| "请填写日期".into());
            if DayKind::parse(&f.kind).is_none() {
                errors.insert("kind".into(), "请选择“放假”或“上班”".into());
            }
            Err(AppError::invalid(errors))
        }
    };
    let year = day.map_or_else(|| crate::util::today().year(), |d| d.year());
    match result {
        Ok(d) => see_other(&format!("/admin/workdays?year={}&ok=saved", d.year())),
        Err(e) if e.status < 500 && e.status != 403 => {
            workdays_render(&st, &u, &Flash(String::new()), year, f, Some(e)).await
        }
        Err(e) => error_page(&e),
    }
}

async fn workdays_delete(
    State(st): State<AppState>,
    u: PageUser,
    Path(day): Path<NaiveDate>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    match crate::service::settings::delete_correction(&st.db, &u.scope, day).await {
        Ok(()) => see_other(&format!("/admin/workdays?year={}&ok=saved", day.year())),
        Err(e) => error_page(&e),
    }
}
