//! The JSON API under `/api/v1` and its OpenAPI document.

pub mod admin;
pub mod development;
pub mod devextra;
pub mod devrecord;
pub mod devstats;
mod docs;
mod handlers;
pub mod meetings;
pub mod orgterms;
pub mod penalties;
pub mod publicity;

use axum::Json;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

use crate::error::AppError;
use crate::web::AppState;

pub use handlers::{ApiDoc, OrgDetail as OrgDetailPub, member_page, org_detail, read_upload, xlsx_response};

/// An [`AppError`] rendered as the API's JSON error body.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError(e.into())
    }
}

/// The error body: `{"error":{"code","message","rule","fields","findings"}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Details of an error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code.
    pub code: String,
    /// Chinese explanation.
    pub message: String,
    /// RULES.md id when a rule refused.
    pub rule: Option<String>,
    /// Field → message.
    pub fields: std::collections::BTreeMap<String, String>,
    /// The findings behind a rule refusal.
    pub findings: Vec<crate::rules::Finding>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0.into_inner();
        if e.status >= 500 {
            tracing::error!(error = ?e.source, code = e.code, "internal error");
        }
        let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            error: ErrorDetail {
                code: e.code.to_string(),
                message: e.message,
                rule: e.rule,
                fields: e.fields,
                findings: e.findings,
            },
        };
        (status, Json(body)).into_response()
    }
}

/// JSON body extractor whose rejections are 400s naming the problem (and the field when known).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rej) => Err(ApiError(json_rejection(rej))),
        }
    }
}

fn json_rejection(rej: JsonRejection) -> AppError {
    match rej {
        JsonRejection::JsonDataError(e) => {
            // "Failed to deserialize the JSON body into the target type: name: invalid type…"
            let text = e.body_text();
            let detail = text.split_once(": ").map(|x| x.1).unwrap_or(&text).to_string();
            let field =
                detail.split_once(": ").map(|x| x.0.to_string()).filter(|f| !f.contains(' ')).unwrap_or_default();
            let field =
                if field.is_empty() { detail.split('`').nth(1).map(str::to_string).unwrap_or_default() } else { field };
            AppError::bad_request(&field, format!("请求数据格式错误：{detail}"))
        }
        JsonRejection::JsonSyntaxError(e) => {
            // "Failed to parse the request body as JSON: category: expected value…": a value of the
            // wrong shape inside a field (e.g. an array for an enum) is a syntax error; name the field.
            let text = e.body_text();
            let detail = text.split_once(": ").map(|x| x.1).unwrap_or(&text);
            let field = detail.split_once(": ").map(|x| x.0).filter(|f| !f.contains(' ')).unwrap_or_default();
            AppError::bad_request(field, format!("JSON 语法错误：{text}"))
        }
        JsonRejection::MissingJsonContentType(_) => {
            AppError::bad_request("", "请求须为 JSON（Content-Type: application/json）")
        }
        JsonRejection::BytesRejection(_) => AppError::too_large("请求体过大或无法读取"),
        other => AppError::bad_request("", other.body_text()),
    }
}

/// `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    use handlers::*;
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route("/me/password", post(change_password))
        .route("/orgs", get(list_orgs).post(create_org))
        .route("/orgs/{id}", get(get_org).patch(update_org))
        .route("/orgs/{id}/move", post(move_org))
        .route("/orgs/{id}/dissolve", post(dissolve_org))
        .route("/orgs/{id}/positions", get(list_positions).post(add_position))
        .route("/orgs/{id}/positions/{pid}/end", post(end_position))
        .route("/orgs/{id}/findings", get(org_findings))
        .route("/orgs/{id}/term-events", get(orgterms::list_term_events).post(orgterms::record_term_event))
        .route("/members", get(list_members).post(create_member))
        .route("/members/export.xlsx", get(export_members))
        .route("/members/import/template.xlsx", get(import_template))
        .route("/members/import", post(import_members))
        .route("/members/{id}", get(get_member).put(update_member))
        .route("/members/{id}/transfer", post(transfer_member))
        .route("/members/{id}/status", post(change_member_status))
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}/active", post(set_user_active))
        .route("/audit", get(list_audit))
        .route("/findings", get(list_findings))
        .route("/stats", get(stats))
        .route("/development/cases", get(development::list_cases).post(development::create_case))
        .route("/development/cases/{id}", get(development::get_case))
        .route("/development/cases/{id}/steps", post(development::record_step))
        .route("/development/cases/{id}/steps/check", post(development::check_step))
        .route("/development/cases/{id}/eligible-voters", get(development::eligible_voters))
        .route("/development/cases/{id}/archive", get(devrecord::get_archive).put(devrecord::put_archive))
        .route("/development/cases/{id}/record", get(devrecord::get_record))
        .route("/development/cases/{id}/record.xlsx", get(devrecord::record_xlsx))
        .route("/development/stats", get(devstats::get_stats))
        .route("/development/stats.xlsx", get(devstats::stats_xlsx))
        .route("/development/import/template.xlsx", get(devstats::import_template))
        .route("/development/import", post(devstats::import_cases))
        .route("/development/cases/{id}/materials", get(devextra::list_materials).post(devextra::add_material))
        .route("/development/materials/{mid}", get(devextra::download_material).delete(devextra::delete_material))
        .route("/development/cases/{id}/transfer", post(devextra::transfer_case))
        .route("/development/cases/{id}/transfers", get(devextra::list_transfers))
        .route("/people", get(devextra::search_people))
        .route("/me/feed-tokens", get(devextra::list_feed_tokens).post(devextra::create_feed_token))
        .route("/me/feed-tokens/{id}", axum::routing::delete(devextra::revoke_feed_token))
        .route("/development/meetings", get(meetings::list).post(meetings::create))
        .route("/development/meetings/preview", get(meetings::preview))
        .route("/development/meetings/{id}", get(meetings::get_one))
        .route("/development/cases/{id}/publicity", get(publicity::of_case).post(publicity::generate))
        .route("/development/cases/{id}/mobile", get(publicity::get_mobile).put(publicity::set_mobile))
        .route("/development/publicity/{pid}", get(publicity::get_one).put(publicity::update))
        .route("/development/publicity/{pid}/objections", post(publicity::add_objection))
        .route("/development/objections/{oid}/resolve", post(publicity::resolve_objection))
        .route("/notices", get(publicity::notices))
        .route("/members/{id}/penalties", get(penalties::list_penalties).post(penalties::add_penalty))
        .route("/members/{id}/penalties/{pid}/restore", post(penalties::restore_penalty))
        .route("/settings/development", get(admin::get_development_settings).put(admin::put_development_settings))
        .route("/workdays", get(admin::get_workdays))
        .route("/workdays/{day}", axum::routing::put(admin::put_workday).delete(admin::delete_workday))
        .route("/openapi.json", get(openapi_json))
        .layer(axum::middleware::map_response(json_rejections))
}

/// The framework answers a bad path or query parameter or a malformed multipart body with plain
/// text; the API answers every error in its JSON format (413 is mapped by the outer layer).
async fn json_rejections(resp: Response) -> Response {
    let status = resp.status();
    let plain =
        resp.headers().get(axum::http::header::CONTENT_TYPE).is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !status.is_client_error() || status == StatusCode::PAYLOAD_TOO_LARGE || !plain {
        return resp;
    }
    let body = axum::body::to_bytes(resp.into_body(), 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&body).to_string();
    // "Failed to deserialize query string: page: invalid digit found in string" names the field.
    let detail = text.split_once(": ").map(|x| x.1).unwrap_or(&text);
    let field = detail.split_once(": ").map(|x| x.0).filter(|f| !f.contains(' ')).unwrap_or_default();
    let code = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => "bad_request",
    };
    let message =
        if text.is_empty() { status.canonical_reason().unwrap_or("请求有误").to_string() } else { text.clone() };
    ApiError(AppError::bad_request(field, format!("请求格式错误：{message}")).with_code(code, status.as_u16()))
        .into_response()
}

async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// `/api/docs`: Swagger UI served from the binary.
pub fn docs_routes() -> Router<AppState> {
    Router::new()
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/v1/openapi-ui.json", ApiDoc::openapi()))
        .route("/api", get(|| async { Html("<a href=\"/api/docs/\">/api/docs</a>") }))
}
