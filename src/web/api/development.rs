//! Development API (发展党员): the 待办 list, opening a case, the case detail, recording a step.

use axum::Json;
use axum::extract::{Path, Query, State};

use super::{ApiError, ApiJson, ErrorBody};
use crate::service::development::lookahead::StepCheck;
use crate::service::development::{CaseDetail, CaseFilter, CaseSummary, CreateCase, EligibleVoters, StepInput};
use crate::web::AppState;
use crate::web::auth::ApiUser;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Open development cases in scope (or in the `org` subtree) with what is due next: the 待办 list.
#[utoipa::path(get, path = "/api/v1/development/cases", params(CaseFilter), responses((status = 200, body = Vec<CaseSummary>), (status = 404, body = ErrorBody)))]
pub async fn list_cases(
    State(st): State<AppState>,
    u: ApiUser,
    Query(f): Query<CaseFilter>,
) -> ApiResult<Vec<CaseSummary>> {
    Ok(Json(crate::service::development::list(&st.db, &u.scope, &f).await?))
}

/// Opens a case with the application (step 1; R1.2 age check).
#[utoipa::path(post, path = "/api/v1/development/cases", request_body = CreateCase, responses((status = 200, body = CaseDetail), (status = 422, body = ErrorBody)))]
pub async fn create_case(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<CreateCase>,
) -> ApiResult<CaseDetail> {
    Ok(Json(crate::service::development::create(&st.db, &u.scope, b).await?))
}

/// One case: steps, findings, overrides and what is due.
#[utoipa::path(get, path = "/api/v1/development/cases/{id}", params(("id" = i64, Path)), responses((status = 200, body = CaseDetail), (status = 404, body = ErrorBody)))]
pub async fn get_case(State(st): State<AppState>, u: ApiUser, Path(id): Path<i64>) -> ApiResult<CaseDetail> {
    Ok(Json(crate::service::development::detail(&st.db, &u.scope, id).await?))
}

/// Records a step. A blocking rule answers 422 naming the rule; warnings answer 422
/// `warning_needs_justification` unless `justification` is given (stored as an override per rule).
#[utoipa::path(post, path = "/api/v1/development/cases/{id}/steps", params(("id" = i64, Path)), request_body = StepInput, responses((status = 200, body = CaseDetail), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_step(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StepInput>,
) -> ApiResult<CaseDetail> {
    Ok(Json(crate::service::development::record_step(&st.db, &u.scope, id, b).await?))
}

/// Checks a planned step on any date, past or future, without recording it (检查): the same
/// findings as recording would give (the recording path runs in a transaction that is rolled
/// back), whether it would record, and what would be due next. Nothing is saved or audited.
#[utoipa::path(post, path = "/api/v1/development/cases/{id}/steps/check", params(("id" = i64, Path)), request_body = StepInput, responses((status = 200, body = StepCheck), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn check_step(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StepInput>,
) -> ApiResult<StepCheck> {
    Ok(Json(crate::service::development::lookahead::check_step(&st.db, &u.scope, id, b).await?))
}

/// The date of an eligible-voters query.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct EligibleQuery {
    /// Meeting date (default today).
    pub on: Option<chrono::NaiveDate>,
}

/// 应到会有表决权 of the case's branch on a date (R1.17): the count and the excluded members with reasons.
#[utoipa::path(get, path = "/api/v1/development/cases/{id}/eligible-voters", params(("id" = i64, Path), EligibleQuery), responses((status = 200, body = EligibleVoters), (status = 404, body = ErrorBody)))]
pub async fn eligible_voters(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<EligibleQuery>,
) -> ApiResult<EligibleVoters> {
    let on = q.on.unwrap_or_else(crate::util::today);
    Ok(Json(crate::service::development::eligible_for_case(&st.db, &u.scope, id, on).await?))
}
