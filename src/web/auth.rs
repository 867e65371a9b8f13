//! Who is asking: session cookie (pages) or bearer token (API), turned into a [`Scope`].

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::scope::Scope;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::api::ApiError;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "jiceng_session";

/// Reads a cookie value from the request headers.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    cookie_in(&parts.headers, name)
}

/// Reads a cookie value from a header map.
pub fn cookie_in(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

fn bearer(parts: &Parts) -> Option<String> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(|s| s.trim().to_string())
}

/// Rejects cross-site state-changing requests made with a cookie: the Origin (when sent) must be
/// this host and Sec-Fetch-Site (when sent) must be same-origin. Forms also carry a token.
fn same_origin(parts: &Parts) -> bool {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = parts.headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match (
        parts.headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        parts.headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h == host).unwrap_or(false),
        _ => true,
    }
}

/// A logged-in user of the HTML pages; anonymous requests are sent to the login page.
pub struct PageUser {
    /// The scope.
    pub scope: Scope,
    /// The raw session token.
    pub token: String,
}

impl<S> FromRequestParts<S> for PageUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let st = AppState::from_ref(state);
        let login = || {
            let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            Redirect::to(&format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            ))
            .into_response()
        };
        let Some(token) = cookie(parts, SESSION_COOKIE) else { return Err(login()) };
        match crate::service::users::scope_for_token(&st.db, &token).await {
            Ok(Some(scope)) => {
                if !same_origin(parts) {
                    return Err(super::pages::error_page(&AppError::forbidden("跨站请求被拒绝")));
                }
                Ok(PageUser { scope, token })
            }
            Ok(None) => Err(login()),
            Err(e) => Err(super::pages::error_page(&e)),
        }
    }
}

/// A caller of the JSON API: bearer token, or the session cookie plus `X-CSRF-Token` for writes.
pub struct ApiUser {
    /// The scope.
    pub scope: Scope,
    /// The raw token.
    pub token: String,
}

impl<S> FromRequestParts<S> for ApiUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let st = AppState::from_ref(state);
        let (token, via_cookie) = match bearer(parts) {
            Some(t) => (t, false),
            None => match cookie(parts, SESSION_COOKIE) {
                Some(t) => (t, true),
                None => return Err(ApiError(AppError::unauthorized())),
            },
        };
        let scope = crate::service::users::scope_for_token(&st.db, &token)
            .await
            .map_err(ApiError)?
            .ok_or_else(|| ApiError(AppError::unauthorized()))?;
        if via_cookie && !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            if !same_origin(parts) || scope.csrf.is_empty() || sent != scope.csrf {
                return Err(ApiError(AppError::forbidden("缺少或错误的 X-CSRF-Token")));
            }
        }
        Ok(ApiUser { scope, token })
    }
}

/// Checks a form's CSRF token against the session's.
pub fn check_csrf(scope: &Scope, sent: &str) -> Result<(), AppError> {
    if !scope.csrf.is_empty() && crate::util::sha256_hex(sent) == crate::util::sha256_hex(&scope.csrf) {
        Ok(())
    } else {
        Err(AppError::forbidden("表单已过期，请刷新页面后重试"))
    }
}

/// The client's address as the listener saw it (`None` when served without connect info, e.g.
/// in-process tests). Forwarded headers are not trusted: behind a proxy every client shares the
/// proxy's address, which the per-address login limit then counts together.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|axum::extract::ConnectInfo(a)| a.ip()),
        ))
    }
}
