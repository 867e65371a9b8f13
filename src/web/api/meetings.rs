//! 票决 API: a 党支部党员大会 deciding one or more candidates (R1.15–R1.17, R1.25).

use axum::Json;
use axum::extract::{Path, Query, State};

use super::{ApiError, ApiJson, ErrorBody};
use crate::rules::development::MeetingKind;
use crate::service::development::meeting::{self as svc, MeetingInput, MeetingPreview, MeetingView};
use crate::web::AppState;
use crate::web::auth::ApiUser;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Which meetings to list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingFilter {
    /// Org whose subtree to list (default: the whole scope).
    pub org: Option<i64>,
}

/// The branch, kind and date of a meeting preview.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// The branch.
    pub org: i64,
    /// `admission` (default) or `conversion`.
    pub kind: Option<MeetingKind>,
    /// Meeting date (default today).
    pub on: Option<chrono::NaiveDate>,
}

/// Meetings held in scope (or in the `org` subtree), latest first, each candidate with the computed outcome.
#[utoipa::path(get, path = "/api/v1/development/meetings", params(MeetingFilter), responses((status = 200, body = Vec<MeetingView>), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    u: ApiUser,
    Query(f): Query<MeetingFilter>,
) -> ApiResult<Vec<MeetingView>> {
    Ok(Json(svc::list(&st.db, &u.scope, f.org).await?))
}

/// Records a 党支部党员大会: 应到会有表决权 is computed from the roster (R1.17); one ballot entry per
/// candidate (R1.16, 422 otherwise); each passed candidate gets the vote step recorded through the
/// rule engine. Any refusal of any candidate answers 422 naming the candidate and the rule, and
/// nothing is written.
#[utoipa::path(post, path = "/api/v1/development/meetings", request_body = MeetingInput, responses((status = 200, body = MeetingView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<MeetingInput>,
) -> ApiResult<MeetingView> {
    Ok(Json(svc::record_meeting(&st.db, &u.scope, b).await?))
}

/// One meeting with each candidate's computed outcome (passed, failed, no_quorum).
#[utoipa::path(get, path = "/api/v1/development/meetings/{id}", params(("id" = i64, Path)), responses((status = 200, body = MeetingView), (status = 404, body = ErrorBody)))]
pub async fn get_one(State(st): State<AppState>, u: ApiUser, Path(id): Path<i64>) -> ApiResult<MeetingView> {
    Ok(Json(svc::get(&st.db, &u.scope, id).await?))
}

/// Before a meeting: 应到会有表决权 of the branch on the date (R1.17) and the candidates due for the vote.
#[utoipa::path(get, path = "/api/v1/development/meetings/preview", params(PreviewQuery), responses((status = 200, body = MeetingPreview), (status = 404, body = ErrorBody)))]
pub async fn preview(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<PreviewQuery>,
) -> ApiResult<MeetingPreview> {
    let on = q.on.unwrap_or_else(crate::util::today);
    let kind = q.kind.unwrap_or(MeetingKind::Admission);
    Ok(Json(svc::preview(&st.db, &u.scope, q.org, kind, on, &[]).await?))
}
