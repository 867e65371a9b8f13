//! The input guard: every string that reaches a handler through the query string, a JSON body
//! or a urlencoded form passes [`crate::domain::text::check`] first (no NUL byte, the field's
//! length limit), so both backends answer the same 422 naming the field before any handler or
//! query runs. Multipart text fields go through [`check_pairs`] in the upload reader and imported
//! cells through the same policy in `excel::read`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::domain::text::{self, TextError};
use crate::error::AppError;

/// The 422 of a refused text value: code `invalid_text` (NUL) or `text_too_long`, the field path
/// in `fields`.
pub fn text_error(e: &TextError) -> AppError {
    let code = match e {
        TextError::Nul { .. } => "invalid_text",
        TextError::TooLong { .. } => "text_too_long",
    };
    let mut err = AppError::invalid_field(e.field(), e.message_zh()).with_code(code, 422);
    err.message = format!("字段 {}：{}", e.field(), e.message_zh());
    err
}

/// Checks decoded `(name, value)` pairs (a query string, a form, multipart text fields).
pub fn check_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<(), AppError> {
    for (k, v) in pairs {
        if k.contains('\0') {
            return Err(text_error(&TextError::Nul { field: k.replace('\0', "") }));
        }
        text::check(k, v).map_err(|e| text_error(&e))?;
    }
    Ok(())
}

fn check_urlencoded(bytes: &[u8]) -> Result<(), AppError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    check_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn refuse(api: bool, e: AppError) -> Response {
    if api { super::api::ApiError(e).into_response() } else { super::pages::error_page(&e) }
}

/// Middleware: refuses a request whose query string, JSON body or urlencoded form holds a bad
/// text value. Bodies of other types pass untouched; an unreadable body is left to the extractor.
pub async fn guard(req: Request, next: Next) -> Response {
    let api = super::wants_json(req.uri().path());
    if let Some(q) = req.uri().query()
        && let Err(e) = check_urlencoded(q.as_bytes())
    {
        return refuse(api, e);
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    let json = content_type == "application/json" || content_type.ends_with("+json");
    let form = content_type == "application/x-www-form-urlencoded";
    if !json && !form {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, super::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            let e = AppError::too_large(format!("上传内容过大（上限 {} MB）", super::MAX_BODY_BYTES / 1024 / 1024));
            return refuse(api, e);
        }
    };
    let checked = if json {
        // A body that is not JSON is the extractor's to report (400 naming the problem).
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(v) => text::check_json("", &v).map_err(|e| text_error(&e)),
            Err(_) => Ok(()),
        }
    } else {
        check_urlencoded(&bytes)
    };
    if let Err(e) = checked {
        return refuse(api, e);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}
