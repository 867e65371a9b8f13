//! Administrator API: the development settings (RULES.md §8) and the working-day calendar (C4).

use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;

use super::{ApiError, ApiJson, ErrorBody};
use crate::rules::development::DevelopmentSettings;
use crate::service::settings::{CorrectionInput, CorrectionRow, WorkdayYear};
use crate::web::AppState;
use crate::web::auth::ApiUser;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The development settings in force (stored values over the documented defaults).
#[utoipa::path(get, path = "/api/v1/settings/development", responses((status = 200, body = DevelopmentSettings)))]
pub async fn get_development_settings(State(st): State<AppState>, _u: ApiUser) -> ApiResult<DevelopmentSettings> {
    let mut conn = st.db.pool.acquire().await?;
    Ok(Json(crate::service::settings::development_settings(&mut conn).await?))
}

/// Replaces the development settings (组织部管理员 only). Ranges never weaker than the national
/// rules: activist months ≥ 12, training ≥ 3 days and ≥ 24 hours, approval warn ≤ max ≤ 6 months.
#[utoipa::path(put, path = "/api/v1/settings/development", request_body = DevelopmentSettings, responses((status = 200, body = DevelopmentSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_development_settings(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<DevelopmentSettings>,
) -> ApiResult<DevelopmentSettings> {
    Ok(Json(crate::service::settings::save_development_settings(&st.db, &u.scope, b).await?))
}

/// The year of a working-day query.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct YearQuery {
    /// Year (default this year).
    pub year: Option<i32>,
}

/// One year of the working-day calendar: built-in holidays and 调休 days, and the corrections.
#[utoipa::path(get, path = "/api/v1/workdays", params(YearQuery), responses((status = 200, body = WorkdayYear), (status = 422, body = ErrorBody)))]
pub async fn get_workdays(
    State(st): State<AppState>,
    _u: ApiUser,
    Query(q): Query<YearQuery>,
) -> ApiResult<WorkdayYear> {
    use chrono::Datelike;
    let year = q.year.unwrap_or_else(|| crate::util::today().year());
    Ok(Json(crate::service::settings::workday_year(&st.db, year).await?))
}

/// Makes a day a holiday (`holiday`) or a working day (`workday`), replacing any earlier
/// correction of that day (组织部管理员 only). Every working-day deadline uses it at once.
#[utoipa::path(put, path = "/api/v1/workdays/{day}", params(("day" = NaiveDate, Path)), request_body = CorrectionInput, responses((status = 200, body = CorrectionRow), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_workday(
    State(st): State<AppState>,
    u: ApiUser,
    Path(day): Path<NaiveDate>,
    ApiJson(b): ApiJson<CorrectionInput>,
) -> ApiResult<CorrectionRow> {
    Ok(Json(crate::service::settings::set_correction(&st.db, &u.scope, day, b).await?))
}

/// Removes the correction of a day (the built-in arrangement applies again).
#[utoipa::path(delete, path = "/api/v1/workdays/{day}", params(("day" = NaiveDate, Path)), responses((status = 200), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_workday(
    State(st): State<AppState>,
    u: ApiUser,
    Path(day): Path<NaiveDate>,
) -> Result<Json<serde_json::Value>, ApiError> {
    crate::service::settings::delete_correction(&st.db, &u.scope, day).await?;
    Ok(Json(serde_json::json!({"ok": true})))
}
