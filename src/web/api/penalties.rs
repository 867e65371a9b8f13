//! 党纪处分 API: a member's penalties, recording one, recording the restoration of rights.

use axum::Json;
use axum::extract::{Path, State};

use super::{ApiError, ApiJson, ErrorBody};
use crate::service::penalties::{PenaltyInput, PenaltyView, RestoreInput};
use crate::web::AppState;
use crate::web::auth::ApiUser;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A member's 党纪处分, newest first, with the 察看期 / 影响期 computed.
#[utoipa::path(get, path = "/api/v1/members/{id}/penalties", params(("id" = i64, Path)), responses((status = 200, body = Vec<PenaltyView>), (status = 404, body = ErrorBody)))]
pub async fn list_penalties(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Vec<PenaltyView>> {
    Ok(Json(crate::service::penalties::list(&st.db, &u.scope, id).await?))
}

/// Records a 党纪处分. `period_months` (12 or 24) is required for 留党察看 and only for it; dates
/// may not lie in the future; a 留党察看 under way refuses the member as 入党介绍人 (R1.10) and
/// takes away the vote (R1.17).
#[utoipa::path(post, path = "/api/v1/members/{id}/penalties", params(("id" = i64, Path)), request_body = PenaltyInput, responses((status = 200, body = PenaltyView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_penalty(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PenaltyInput>,
) -> ApiResult<PenaltyView> {
    Ok(Json(crate::service::penalties::add(&st.db, &u.scope, id, b).await?))
}

/// Records the restoration of rights after a 留党察看 (first day with rights).
#[utoipa::path(post, path = "/api/v1/members/{id}/penalties/{pid}/restore", params(("id" = i64, Path), ("pid" = i64, Path)), request_body = RestoreInput, responses((status = 200, body = PenaltyView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn restore_penalty(
    State(st): State<AppState>,
    u: ApiUser,
    Path((id, pid)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<RestoreInput>,
) -> ApiResult<PenaltyView> {
    Ok(Json(crate::service::penalties::restore(&st.db, &u.scope, id, pid, b).await?))
}
