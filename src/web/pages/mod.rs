//! HTML pages (askama). Every form posts back, re-renders with the typed values and per-field
//! messages on error, and redirects after success (POST-redirect-GET).

mod admin;
mod devcalendar;
mod development;
mod devimport;
mod devstats;
mod meetings;
mod members;
mod misc;
mod orgs;
mod publicity;

use std::collections::BTreeMap;
use std::convert::Infallible;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::auth::scope::Scope;
use crate::domain::Role;
use crate::error::AppError;
use crate::web::AppState;

/// Page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(misc::routes())
        .merge(orgs::routes())
        .merge(members::routes())
        .merge(development::routes())
        .merge(devcalendar::routes())
        .merge(devstats::routes())
        .merge(devimport::routes())
        .merge(meetings::routes())
        .merge(publicity::routes())
        .merge(admin::routes())
}

/// What the layout needs on every page.
pub struct Ctx {
    /// Nav section to highlight.
    pub section: &'static str,
    /// User's name.
    pub display_name: String,
    /// Role label.
    pub role_label: &'static str,
    /// CSRF token for forms.
    pub csrf: String,
    /// May change data.
    pub can_write: bool,
    /// May read the audit log.
    pub can_audit: bool,
    /// Message after a successful action.
    pub flash: String,
    /// User id.
    pub user_id: i64,
    /// The member record of a `member` user.
    pub member_id: Option<i64>,
    /// The 组织部管理员 (settings and the working-day calendar).
    pub is_admin: bool,
}

impl Ctx {
    /// Builds the layout context.
    pub fn new(scope: &Scope, section: &'static str, flash: &Flash) -> Ctx {
        Ctx {
            section,
            display_name: scope.display_name.clone(),
            role_label: scope.role.label(),
            csrf: scope.csrf.clone(),
            can_write: scope.can_write(),
            can_audit: scope.role != Role::Member,
            flash: flash.0.clone(),
            user_id: scope.user_id,
            member_id: scope.member_id,
            is_admin: scope.role == Role::SchoolAdmin,
        }
    }
}

/// The `ok` query parameter after a redirect, turned into a message.
pub struct Flash(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Flash {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let code = parts
            .uri
            .query()
            .and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "ok").map(|(_, v)| v.to_string())
            })
            .unwrap_or_default();
        let msg = match code.as_str() {
            "saved" => "已保存。",
            "created" => "已创建。",
            "moved" => "隶属关系已调整。",
            "dissolved" => "组织已撤销（历史记录保留）。",
            "transferred" => "组织关系已转接。",
            "status" => "党员状态已更新。",
            "password" => "密码已修改。",
            "position" => "班子成员已更新。",
            _ => "",
        };
        Ok(Flash(msg.to_string()))
    }
}

/// Renders a template into a response (a render failure is a 500 with the generic page).
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => error_page(&AppError::internal(e)),
    }
}

/// Like [`render`] with a status code (422 for a re-rendered form).
pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    let mut r = render(t);
    if r.status() == StatusCode::OK {
        *r.status_mut() = status;
    }
    r
}

/// Redirect after a successful POST.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Template)]
#[template(path = "misc/error.html")]
struct ErrorTpl<'a> {
    title: &'a str,
    message: &'a str,
}

/// The HTML error page for an error.
pub fn error_page(e: &AppError) -> Response {
    if e.status >= 500 {
        tracing::error!(error = %e, "internal error");
    }
    let title = match e.status {
        401 => "请先登录",
        403 => "无权操作",
        404 => "页面不存在",
        413 => "上传内容过大",
        429 => "操作过于频繁",
        s if s >= 500 => "出错了",
        _ => "请求有误",
    };
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = ErrorTpl { title, message: &e.message }.render().unwrap_or_else(|_| e.message.clone());
    (status, Html(body)).into_response()
}

/// The error of a page handler: renders the error page. Page handlers return [`PageResult`] and use
/// `?` on anything that yields an [`AppError`]; a rejected form is not an error here (the handler
/// re-renders the form with a [`FormFeedback`], status 422).
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

/// What every page handler returns.
pub type PageResult = Result<Response, PageError>;

/// The summary shown at the top of a rejected form: the message, the rule, and one line per field
/// (linking to the field). Rendered by `templates/_form_feedback.html`; `static/app.js` scrolls
/// it into view and focuses it, and forms post to `…#form-errors` so it is in view without
/// JavaScript too.
#[derive(Template, Default, Clone)]
#[template(path = "_form_feedback.html")]
pub struct FormFeedback {
    /// The form-level message ("" when the form was not rejected).
    pub message: String,
    /// The rule id of a rule refusal.
    pub rule: String,
    /// (field name, message) per rejected field.
    pub fields: Vec<(String, String)>,
    /// (rule id, message) of every blocking finding behind the refusal.
    pub findings: Vec<(String, String)>,
}

impl FormFeedback {
    /// The summary of a rejection.
    pub fn from_error(e: &AppError) -> FormFeedback {
        let (message, fields) = split_error(e);
        FormFeedback {
            message,
            rule: e.rule.clone().unwrap_or_default(),
            fields: fields.into_iter().collect(),
            findings: e
                .findings
                .iter()
                .filter(|f| f.severity == crate::rules::Severity::Block)
                .map(|f| (f.rule.clone(), f.message_zh.clone()))
                .collect(),
        }
    }

    /// True when there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.message.is_empty() && self.fields.is_empty() && self.findings.is_empty()
    }

    /// The rendered summary (empty when there is nothing to show), for `{{ feedback.html()|safe }}`.
    pub fn html(&self) -> String {
        if self.is_empty() { String::new() } else { self.render().unwrap_or_default() }
    }
}

/// The 404 page.
pub fn not_found_page() -> Response {
    let mut e = AppError::not_found();
    e.message = "您访问的页面不存在，或您无权查看。".into();
    error_page(&e)
}

/// Field errors of a form, for templates.
pub type FieldErrors = BTreeMap<String, String>;

/// Implements `err`/`bad`/`opt` for a template struct with an `errors` field.
macro_rules! form_helpers {
    ($t:ty) => {
        impl $t {
            /// The message for a field, or "".
            #[allow(dead_code)]
            pub fn err(&self, field: &str) -> &str {
                self.errors.get(field).map(String::as_str).unwrap_or("")
            }
            /// "bad" when the field has an error (CSS class).
            #[allow(dead_code)]
            pub fn bad(&self, field: &str) -> &'static str {
                if self.errors.contains_key(field) { "bad" } else { "" }
            }
            /// An optional number as text.
            #[allow(dead_code)]
            pub fn opt<N: std::fmt::Display>(&self, v: &Option<N>) -> String {
                v.as_ref().map(|n| n.to_string()).unwrap_or_default()
            }
        }
    };
}
pub(crate) use form_helpers;

/// Empty strings become None; other text is trimmed.
pub fn opt_text(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() { None } else { Some(t.to_string()) }
}

/// Parses an optional date field, recording a message when it is malformed.
pub fn opt_date(s: &str, field: &str, errors: &mut FieldErrors) -> Option<chrono::NaiveDate> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    match crate::excel::parse_date_loose(t) {
        Some(d) => Some(d),
        None => {
            errors.insert(field.to_string(), "日期格式应为 2024-05-01".to_string());
            None
        }
    }
}

/// Parses an optional id field.
pub fn opt_id(s: &str, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.insert(field.to_string(), "应为数字编号".to_string());
            None
        }
    }
}

/// Splits an error into form-level message and field messages.
pub fn split_error(e: &AppError) -> (String, FieldErrors) {
    let general = if e.fields.is_empty() || e.status == 409 || e.rule.is_some() {
        e.message.clone()
    } else {
        "请修改标红的项目后重新提交。".to_string()
    };
    (general, e.fields.clone())
}

/// Visible live orgs of the given kinds as (id, indented name) for selects.
pub async fn org_options(
    st: &AppState,
    scope: &Scope,
    kinds: &[crate::domain::OrgKind],
) -> Result<Vec<(i64, String)>, AppError> {
    let tree = crate::service::orgs::tree(&st.db, scope, None, None).await?;
    Ok(tree
        .into_iter()
        .filter(|n| kinds.is_empty() || kinds.contains(&n.kind))
        .map(|n| (n.id, format!("{}{}", "　".repeat(n.level.min(4)), n.name)))
        .collect())
}
