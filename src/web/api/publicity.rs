//! 公示 API (R1.8): generate a case's notice, edit it, record and resolve objections, the notice board.

use axum::Json;
use axum::extract::{Path, Query, State};

use super::{ApiError, ApiJson, ErrorBody};
use crate::service::development::publicity::{
    self as service, GeneratePublicity, MobileInput, NewObjection, NoticeFilter, NoticeItem, PublicityView,
    ResolveObjection, UpdatePublicity,
};
use crate::web::AppState;
use crate::web::auth::ApiUser;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Generates the case's 公示 notice (title and text from the case facts). Omitted dates default to
/// the next working day and the fifth working day; a period shorter than five working days (2026
/// rules) or not on working days answers 422 naming R1.8.
#[utoipa::path(post, path = "/api/v1/development/cases/{id}/publicity", params(("id" = i64, Path)), request_body = GeneratePublicity, responses((status = 200, body = PublicityView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn generate(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<GeneratePublicity>,
) -> ApiResult<PublicityView> {
    Ok(Json(service::generate(&st.db, &u.scope, id, b).await?))
}

/// Whether the person of the case is a 流动人员 (R1.8, 2026: 公示 at the outflow and the inflow place).
#[utoipa::path(get, path = "/api/v1/development/cases/{id}/mobile", params(("id" = i64, Path)), responses((status = 200, body = MobileInput), (status = 404, body = ErrorBody)))]
pub async fn get_mobile(State(st): State<AppState>, u: ApiUser, Path(id): Path<i64>) -> ApiResult<MobileInput> {
    Ok(Json(service::get_mobile(&st.db, &u.scope, id).await?))
}

/// Records whether the person of the case is a 流动人员 (audited). A 流动人员 needs one notice at
/// the outflow and one at the inflow place (`location` when generating); listing as 发展对象
/// without both answers 422 naming R1.8 under the 2026 rules.
#[utoipa::path(put, path = "/api/v1/development/cases/{id}/mobile", params(("id" = i64, Path)), request_body = MobileInput, responses((status = 200, body = MobileInput), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_mobile(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MobileInput>,
) -> ApiResult<MobileInput> {
    Ok(Json(service::set_mobile(&st.db, &u.scope, id, b).await?))
}

/// The case's notices with their objections.
#[utoipa::path(get, path = "/api/v1/development/cases/{id}/publicity", params(("id" = i64, Path)), responses((status = 200, body = Vec<PublicityView>), (status = 404, body = ErrorBody)))]
pub async fn of_case(State(st): State<AppState>, u: ApiUser, Path(id): Path<i64>) -> ApiResult<Vec<PublicityView>> {
    Ok(Json(service::of_case(&st.db, &u.scope, id).await?))
}

/// One notice.
#[utoipa::path(get, path = "/api/v1/development/publicity/{pid}", params(("pid" = i64, Path)), responses((status = 200, body = PublicityView), (status = 404, body = ErrorBody)))]
pub async fn get_one(State(st): State<AppState>, u: ApiUser, Path(pid): Path<i64>) -> ApiResult<PublicityView> {
    Ok(Json(service::get(&st.db, &u.scope, pid).await?))
}

/// Edits the title, text, place or dates of a notice before or during the 公示 (audited).
#[utoipa::path(put, path = "/api/v1/development/publicity/{pid}", params(("pid" = i64, Path)), request_body = UpdatePublicity, responses((status = 200, body = PublicityView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    u: ApiUser,
    Path(pid): Path<i64>,
    ApiJson(b): ApiJson<UpdatePublicity>,
) -> ApiResult<PublicityView> {
    Ok(Json(service::update(&st.db, &u.scope, pid, b).await?))
}

/// Records an objection raised during the 公示; until it is resolved the case's next step is refused (R1.8).
#[utoipa::path(post, path = "/api/v1/development/publicity/{pid}/objections", params(("pid" = i64, Path)), request_body = NewObjection, responses((status = 200, body = PublicityView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_objection(
    State(st): State<AppState>,
    u: ApiUser,
    Path(pid): Path<i64>,
    ApiJson(b): ApiJson<NewObjection>,
) -> ApiResult<PublicityView> {
    Ok(Json(service::add_objection(&st.db, &u.scope, pid, b).await?))
}

/// Resolves (查清了结) an objection with the date and the outcome.
#[utoipa::path(post, path = "/api/v1/development/objections/{oid}/resolve", params(("oid" = i64, Path)), request_body = ResolveObjection, responses((status = 200, body = PublicityView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resolve_objection(
    State(st): State<AppState>,
    u: ApiUser,
    Path(oid): Path<i64>,
    ApiJson(b): ApiJson<ResolveObjection>,
) -> ApiResult<PublicityView> {
    Ok(Json(service::resolve_objection(&st.db, &u.scope, oid, b).await?))
}

/// The notice board: 公示 upcoming, running or recently ended in the caller's scope (or an org's subtree).
#[utoipa::path(get, path = "/api/v1/notices", params(NoticeFilter), responses((status = 200, body = Vec<NoticeItem>), (status = 404, body = ErrorBody)))]
pub async fn notices(
    State(st): State<AppState>,
    u: ApiUser,
    Query(f): Query<NoticeFilter>,
) -> ApiResult<Vec<NoticeItem>> {
    Ok(Json(service::notices(&st.db, &u.scope, &f).await?))
}
