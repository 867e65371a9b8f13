//! HTTP: HTML pages and the JSON API over the same services.

pub mod api;
pub mod assets;
pub mod auth;
pub mod chart;
pub mod input;
pub mod pages;

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::db::Db;
use crate::error::AppError;

/// Largest accepted request body (uploads included).
pub const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;

/// State shared by every handler.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Secure cookies (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Uploaded rosters waiting for the user's confirmation (token → owner, bytes, when).
    pub uploads: Uploads,
}

/// Pending uploads between preview and commit; entries expire after an hour.
pub type Uploads =
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, (i64, Vec<u8>, std::time::Instant)>>>;

impl AppState {
    /// State over a database.
    pub fn new(db: Db, secure_cookies: bool) -> AppState {
        AppState { db, secure_cookies, uploads: Default::default() }
    }
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .merge(api::docs_routes())
        .route("/healthz", get(healthz))
        .route("/feeds/development/{file}", get(api::devextra::ics_feed))
        .route("/static/{*file}", get(assets::serve))
        .fallback(fallback)
        .layer(middleware::from_fn(input::guard))
        .layer(middleware::from_fn(map_body_errors))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Pages, JSON and exports carry personal data (member details, rosters): never stored by
        // a browser or shared cache. Static assets and feeds set their own policy.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
            ),
        ))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(120)))
        .with_state(state)
}

async fn healthz(State(st): State<AppState>) -> Response {
    if st.db.healthy().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

fn wants_json(req_path: &str) -> bool {
    req_path.starts_with("/api/")
}

async fn fallback(req: Request) -> Response {
    if wants_json(req.uri().path()) {
        let mut e = AppError::not_found();
        e.message = "没有这个接口".to_string();
        api::ApiError(e).into_response()
    } else {
        pages::not_found_page()
    }
}

/// Turns the framework's plain-text 413 (body too large) into our error format.
async fn map_body_errors(req: Request, next: Next) -> Response {
    let api = wants_json(req.uri().path());
    let resp = next.run(req).await;
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE
        && resp.headers().get(header::CONTENT_TYPE).is_none_or(|v| v.as_bytes().starts_with(b"text/plain"))
    {
        let e = AppError::too_large(format!("上传内容过大（上限 {} MB）", MAX_BODY_BYTES / 1024 / 1024));
        return if api { api::ApiError(e).into_response() } else { pages::error_page(&e) };
    }
    resp
}
