//! Term records API: an org's 换届选举, 延期换届 and 换届请示 (R3.4, R3.5, R4.2).

use axum::Json;
use axum::extract::{Path, State};

use super::{ApiError, ApiJson, ErrorBody};
use crate::repo::org_terms::TermEventRow;
use crate::service::org_terms::TermEventInput;
use crate::web::AppState;
use crate::web::auth::ApiUser;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// An org's term records, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/term-events", params(("id" = i64, Path)), responses((status = 200, body = Vec<TermEventRow>), (status = 404, body = ErrorBody)))]
pub async fn list_term_events(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Vec<TermEventRow>> {
    Ok(Json(crate::service::org_terms::list(&st.db, &u.scope, id).await?))
}

/// Records a term event. `re_election` starts the new term on `event_on`; `postponement` needs
/// `until_on` (at most one year after the term's end, else 422 naming R4.2), `approved_by` and
/// `document_no`; `election_request` (a branch's 换届请示) is due 4 months before expiry for
/// teacher branches (R3.5).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/term-events", params(("id" = i64, Path)), request_body = TermEventInput, responses((status = 200, body = TermEventRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_term_event(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TermEventInput>,
) -> ApiResult<TermEventRow> {
    Ok(Json(crate::service::org_terms::record(&st.db, &u.scope, id, b).await?))
}
