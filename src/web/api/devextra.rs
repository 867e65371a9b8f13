//! Development API extras: case materials (upload, list, download, delete), transfers between
//! branches (R1.9), the people picker and the caller's iCalendar feed tokens.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{ApiError, ApiJson, ErrorBody};
use crate::error::AppError;
use crate::repo::development_extra::{FeedTokenRow, MaterialRow, PersonPick, TransferRow};
use crate::service::development::feed::NewFeedToken;
use crate::service::development::materials::{MaterialInput, MaterialsView};
use crate::service::development::transfer::TransferInput;
use crate::web::AppState;
use crate::web::auth::ApiUser;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Reads a material upload: fields `step`, `name`, `kind` (`paper` records a paper copy) and
/// the file field `file` (with its file name).
pub async fn read_material(
    mut mp: Multipart,
) -> Result<(MaterialInput, std::collections::BTreeMap<String, String>), AppError> {
    let mut input = MaterialInput::default();
    let mut fields = std::collections::BTreeMap::new();
    let mut paper = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(AppError::bad_request("file", format!("上传内容无法读取：{}", e.body_text()))),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let data = field.bytes().await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::too_large("上传文件过大")
            } else {
                AppError::bad_request("file", format!("上传内容无法读取：{}", e.body_text()))
            }
        })?;
        match (name.as_str(), file_name) {
            ("file", Some(f)) => {
                if !data.is_empty() {
                    input.file_name = Some(f);
                    input.data = Some(data.to_vec());
                }
            }
            (_, _) => {
                let v = String::from_utf8_lossy(&data).to_string();
                match name.as_str() {
                    "step" => input.step = v.clone(),
                    "name" => input.name = Some(v.clone()),
                    "kind" => paper = v.trim() == "paper",
                    _ => {}
                }
                fields.insert(name, v);
            }
        }
    }
    crate::web::input::check_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    if let Some(f) = &input.file_name {
        crate::web::input::check_pairs([("file_name", f.as_str())])?;
    }
    if paper {
        input.data = None;
        input.file_name = None;
    } else if input.data.is_none() {
        return Err(AppError::invalid_field("file", "请选择要上传的文件，或选择“纸质材料已存档”"));
    }
    Ok((input, fields))
}

/// Records a material of a step: multipart with `step`, optional `name` (e.g. 入党申请书) and a
/// `file` (pdf/jpg/png/docx/xlsx, ≤ 10 MB), or `kind=paper` for a paper copy on file.
#[utoipa::path(post, path = "/api/v1/development/cases/{id}/materials", params(("id" = i64, Path)), request_body(content_type = "multipart/form-data"), responses((status = 200, body = MaterialRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_material(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> ApiResult<MaterialRow> {
    let (input, _) = read_material(mp).await?;
    Ok(Json(crate::service::development::materials::add(&st.db, &u.scope, id, input).await?))
}

/// The materials of a case, and per recorded step the expected materials with ✓/缺.
#[utoipa::path(get, path = "/api/v1/development/cases/{id}/materials", params(("id" = i64, Path)), responses((status = 200, body = MaterialsView), (status = 404, body = ErrorBody)))]
pub async fn list_materials(State(st): State<AppState>, u: ApiUser, Path(id): Path<i64>) -> ApiResult<MaterialsView> {
    Ok(Json(crate::service::development::materials::overview(&st.db, &u.scope, id).await?))
}

/// RFC 5987 `attr-char` percent-encoding of a file name.
fn rfc5987(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The response of a stored file: its type and `Content-Disposition` with the UTF-8 name.
pub fn file_response(row: &MaterialRow, data: Vec<u8>) -> Response {
    let name = row.file_name.clone().unwrap_or_else(|| format!("material-{}", row.id));
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_string()).unwrap_or_default();
    let ascii = format!("material-{}.{}", row.id, ext.chars().filter(char::is_ascii_alphanumeric).collect::<String>());
    (
        [
            (header::CONTENT_TYPE, row.content_type.clone().unwrap_or_else(|| "application/octet-stream".into())),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", rfc5987(&name)),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        data,
    )
        .into_response()
}

/// Downloads a material file (404 outside the caller's scope or for a paper copy).
#[utoipa::path(get, path = "/api/v1/development/materials/{mid}", params(("mid" = i64, Path)), responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn download_material(
    State(st): State<AppState>,
    u: ApiUser,
    Path(mid): Path<i64>,
) -> Result<Response, ApiError> {
    let (row, data) = crate::service::development::materials::download(&st.db, &u.scope, mid).await?;
    Ok(file_response(&row, data))
}

/// Deletes a material (audited).
#[utoipa::path(delete, path = "/api/v1/development/materials/{mid}", params(("mid" = i64, Path)), responses((status = 200, body = MaterialRow), (status = 404, body = ErrorBody)))]
pub async fn delete_material(State(st): State<AppState>, u: ApiUser, Path(mid): Path<i64>) -> ApiResult<MaterialRow> {
    Ok(Json(crate::service::development::materials::delete(&st.db, &u.scope, mid).await?))
}

/// Moves an open case to another branch (R1.9). The caller must see both the case and the
/// target; a move between colleges needs a school-level account.
#[utoipa::path(post, path = "/api/v1/development/cases/{id}/transfer", params(("id" = i64, Path)), request_body = TransferInput, responses((status = 200, body = TransferRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transfer_case(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TransferInput>,
) -> ApiResult<TransferRow> {
    Ok(Json(crate::service::development::transfer::transfer(&st.db, &u.scope, id, b).await?))
}

/// The transfers of a case, oldest first.
#[utoipa::path(get, path = "/api/v1/development/cases/{id}/transfers", params(("id" = i64, Path)), responses((status = 200, body = Vec<TransferRow>), (status = 404, body = ErrorBody)))]
pub async fn list_transfers(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Vec<TransferRow>> {
    Ok(Json(crate::service::development::transfer::list(&st.db, &u.scope, id).await?))
}

/// People search.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Name part, pinyin initials, or 工号/学号 prefix.
    #[serde(default)]
    pub q: String,
}

/// People who may open a case (not members, no open case; e.g. an earlier cancelled applicant)
/// whose earlier cases lie in the caller's scope; at most 50.
#[utoipa::path(get, path = "/api/v1/people", params(PeopleQuery), responses((status = 200, body = Vec<PersonPick>)))]
pub async fn search_people(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<PeopleQuery>,
) -> ApiResult<Vec<PersonPick>> {
    let mut conn = st.db.pool.acquire().await?;
    Ok(Json(crate::repo::development_extra::search_people(&mut conn, &u.scope, &q.q, 50).await?))
}

/// Creates an iCalendar feed token; the token and feed path are returned once.
#[utoipa::path(post, path = "/api/v1/me/feed-tokens", responses((status = 200, body = NewFeedToken)))]
pub async fn create_feed_token(State(st): State<AppState>, u: ApiUser) -> ApiResult<NewFeedToken> {
    Ok(Json(crate::service::development::feed::create_token(&st.db, &u.scope).await?))
}

/// The caller's feed tokens (without the tokens).
#[utoipa::path(get, path = "/api/v1/me/feed-tokens", responses((status = 200, body = Vec<FeedTokenRow>)))]
pub async fn list_feed_tokens(State(st): State<AppState>, u: ApiUser) -> ApiResult<Vec<FeedTokenRow>> {
    Ok(Json(crate::service::development::feed::list_tokens(&st.db, &u.scope).await?))
}

/// Revokes one of the caller's feed tokens.
#[utoipa::path(delete, path = "/api/v1/me/feed-tokens/{id}", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke_feed_token(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    crate::service::development::feed::revoke_token(&st.db, &u.scope, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// The `.ics` feed of a token (no cookie): `GET /feeds/development/{token}.ics`.
pub async fn ics_feed(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    let token = file.strip_suffix(".ics").unwrap_or("");
    match crate::service::development::feed::ics_for_token(&st.db, token).await {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
                (header::CONTENT_DISPOSITION, "inline; filename=\"development.ics\""),
            ],
            text,
        )
            .into_response(),
        Err(e) if e.status == 404 => (axum::http::StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => super::ApiError(e).into_response(),
    }
}
