//! The end of a case: the R1.28 archive checklist and the whole record (JSON and xlsx).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{ApiError, ApiJson, ErrorBody, xlsx_response};
use crate::service::development::archive::{self, ArchiveChecklist, ArchiveUpdate};
use crate::service::development::record::{self, CaseRecord};
use crate::web::AppState;
use crate::web::auth::ApiUser;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The archive checklist of a case (R1.28): every item with its state; step 25 needs all archived.
#[utoipa::path(get, path = "/api/v1/development/cases/{id}/archive", params(("id" = i64, Path)), responses((status = 200, body = ArchiveChecklist), (status = 404, body = ErrorBody)))]
pub async fn get_archive(State(st): State<AppState>, u: ApiUser, Path(id): Path<i64>) -> ApiResult<ArchiveChecklist> {
    Ok(Json(archive::checklist(&st.db, &u.scope, id).await?))
}

/// Marks checklist items `filed` (paper, in the personal file), `electronic` or `missing`.
#[utoipa::path(put, path = "/api/v1/development/cases/{id}/archive", params(("id" = i64, Path)), request_body = ArchiveUpdate, responses((status = 200, body = ArchiveChecklist), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_archive(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ArchiveUpdate>,
) -> ApiResult<ArchiveChecklist> {
    Ok(Json(archive::update(&st.db, &u.scope, id, b).await?))
}

/// The whole record of a case: steps, findings, overrides, materials, transfers, archive checklist.
#[utoipa::path(get, path = "/api/v1/development/cases/{id}/record", params(("id" = i64, Path)), responses((status = 200, body = CaseRecord), (status = 404, body = ErrorBody)))]
pub async fn get_record(State(st): State<AppState>, u: ApiUser, Path(id): Path<i64>) -> ApiResult<CaseRecord> {
    Ok(Json(record::record(&st.db, &u.scope, id).await?))
}

/// The whole record as xlsx (基本信息, 记实, 规则检查, 材料, 归档清单).
#[utoipa::path(get, path = "/api/v1/development/cases/{id}/record.xlsx", params(("id" = i64, Path)), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ErrorBody)))]
pub async fn record_xlsx(State(st): State<AppState>, u: ApiUser, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let r = record::record(&st.db, &u.scope, id).await?;
    let bytes = record::to_xlsx(&r)?;
    Ok(xlsx_response(bytes, &format!("发展党员记实_{}.xlsx", r.detail.case.name)))
}
