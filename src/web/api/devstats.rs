//! Development statistics and the import of existing cases (issue 3 parts 8–9).

use axum::Json;
use axum::extract::{Multipart, Query, State};
use axum::response::Response;

use super::handlers::ImportQuery;
use super::{ApiError, ErrorBody, read_upload, xlsx_response};
use crate::error::AppError;
use crate::service::development::stats::{self, DevStats, StatsQuery};
use crate::service::import::ImportReport;
use crate::web::AppState;
use crate::web::auth::ApiUser;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Development statistics of the scope (or the `org` subtree) for a period (default this year):
/// funnel per unit and stage, seed S9 categories, days per stage, justified overrides.
#[utoipa::path(get, path = "/api/v1/development/stats", params(StatsQuery), responses((status = 200, body = DevStats), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_stats(State(st): State<AppState>, u: ApiUser, Query(q): Query<StatsQuery>) -> ApiResult<DevStats> {
    Ok(Json(stats::compute(&st.db, &u.scope, &q).await?))
}

/// The same statistics as xlsx, one sheet per table.
#[utoipa::path(get, path = "/api/v1/development/stats.xlsx", params(StatsQuery), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ErrorBody)))]
pub async fn stats_xlsx(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<StatsQuery>,
) -> Result<Response, ApiError> {
    let s = stats::compute(&st.db, &u.scope, &q).await?;
    let bytes = stats::to_xlsx(&s).map_err(|e| AppError::internal(anyhow::anyhow!(e.to_string())))?;
    Ok(xlsx_response(bytes, &format!("发展党员统计_{}_{}.xlsx", s.from, s.to)))
}

/// The import template of existing development cases.
#[utoipa::path(get, path = "/api/v1/development/import/template.xlsx", responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn import_template(_u: ApiUser) -> Result<Response, ApiError> {
    let bytes = crate::excel::development::development_template()
        .map_err(|e| AppError::internal(anyhow::anyhow!(e.to_string())))?;
    Ok(xlsx_response(bytes, "发展党员档案导入模板.xlsx"))
}

/// Imports existing cases (multipart field `file`): every row is replayed through the step rules;
/// refused rows are listed as "第N行：R1.8 …"; all rows or none. With `dry_run` nothing is written.
#[utoipa::path(post, path = "/api/v1/development/import", params(ImportQuery), request_body(content_type = "multipart/form-data"), responses((status = 200, body = ImportReport), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_cases(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<ImportQuery>,
    mp: Multipart,
) -> ApiResult<ImportReport> {
    let (bytes, _) = read_upload(mp).await?;
    Ok(Json(crate::service::development::import::import_cases(&st.db, &u.scope, bytes, q.dry_run).await?))
}
