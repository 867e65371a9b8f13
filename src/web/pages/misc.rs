//! Login, home, findings, import, users, password and audit pages.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::{
    Ctx, FieldErrors, Flash, error_page, form_helpers, org_options, render, render_status, see_other, split_error,
};
use crate::domain::{OrgKind, Role};
use crate::repo::audit::{AuditFilter, AuditRow};
use crate::repo::users::UserRow;
use crate::rules::{Finding, Severity};
use crate::service::dashboard::Stats;
use crate::service::import::ImportReport;
use crate::web::AppState;
use crate::web::auth::{ClientAddr, PageUser, SESSION_COOKIE, check_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/", get(home))
        .route("/findings", get(findings))
        .route("/import", get(import_page).post(import_upload))
        .route("/import/commit", post(import_commit))
        .route("/members/import/template.xlsx", get(template))
        .route("/users", get(users_page).post(users_create))
        .route("/users/{id}/active", post(users_active))
        .route("/account/password", get(password_page).post(password_submit))
        .route("/audit", get(audit_page))
}

#[derive(Template)]
#[template(path = "misc/login.html")]
struct LoginTpl {
    username: String,
    next: String,
    error: String,
    csrf: String,
}

#[derive(Deserialize, Default)]
struct NextQ {
    #[serde(default)]
    next: String,
}

fn safe_next(n: &str) -> String {
    if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") { n.to_string() } else { "/".to_string() }
}

/// The login form's CSRF token before any session exists: a random value in a `SameSite=Strict`
/// cookie that the form must echo (double submit), so another site cannot log a browser in.
const LOGIN_CSRF_COOKIE: &str = "jiceng_login_csrf";

/// The login form with a CSRF token (the browser's current one, or a new one in a cookie).
fn login_form(st: &AppState, headers: &HeaderMap, status: StatusCode, mut tpl: LoginTpl) -> Response {
    let existing = crate::web::auth::cookie_in(headers, LOGIN_CSRF_COOKIE).filter(|t| t.len() >= 32);
    tpl.csrf = existing.clone().unwrap_or_else(crate::util::random_token);
    let mut r = render_status(status, &tpl);
    if existing.is_none() {
        let cookie = format!(
            "{LOGIN_CSRF_COOKIE}={}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=86400{}",
            tpl.csrf,
            if st.secure_cookies { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

async fn login_page(State(st): State<AppState>, headers: HeaderMap, Query(q): Query<NextQ>) -> Response {
    let tpl = LoginTpl { username: String::new(), next: safe_next(&q.next), error: String::new(), csrf: String::new() };
    login_form(&st, &headers, StatusCode::OK, tpl)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

async fn login_submit(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let expected = crate::web::auth::cookie_in(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || crate::util::sha256_hex(&f.csrf) != crate::util::sha256_hex(&expected) {
        let tpl = LoginTpl {
            username: f.username,
            next: safe_next(&f.next),
            error: "登录表单已过期，请重新输入密码后登录".to_string(),
            csrf: String::new(),
        };
        return login_form(&st, &headers, StatusCode::FORBIDDEN, tpl);
    }
    match crate::service::users::login(&st.db, &f.username, &f.password, "web", client).await {
        Ok(s) => {
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                s.token,
                crate::service::users::SESSION_HOURS * 3600,
                if st.secure_cookies { "; Secure" } else { "" }
            );
            let mut r = see_other(&safe_next(&f.next));
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => {
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNAUTHORIZED);
            let tpl = LoginTpl {
                username: f.username,
                next: safe_next(&f.next),
                error: e.message.clone(),
                csrf: String::new(),
            };
            login_form(&st, &headers, status, tpl)
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

async fn logout(State(st): State<AppState>, u: PageUser, Form(f): Form<CsrfForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    if let Err(e) = crate::service::users::logout(&st.db, &u.token).await {
        return error_page(&e);
    }
    let mut r = see_other("/login");
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("jiceng_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    r
}

#[derive(Template)]
#[template(path = "misc/home.html")]
struct HomeTpl {
    ctx: Ctx,
    stats: Stats,
    chart: String,
}

async fn home(State(st): State<AppState>, u: PageUser, flash: Flash) -> Response {
    match crate::service::dashboard::stats(&st.db, &u.scope).await {
        Ok(stats) => {
            let chart = crate::web::chart::category_bars(&stats.by_category);
            render(&HomeTpl { ctx: Ctx::new(&u.scope, "home", &flash), stats, chart })
        }
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "misc/findings.html")]
struct FindingsTpl {
    ctx: Ctx,
    /// The findings of this page.
    findings: Vec<Finding>,
    /// Findings in all (after the rule filter).
    total: usize,
    /// Blocks, warnings, info in all.
    counts: [usize; 3],
    rule: String,
    /// The date judged, as typed (empty = today).
    as_of: String,
    as_of_error: String,
    /// The date judged.
    judged_on: chrono::NaiveDate,
    page: usize,
    /// The query string without `page`.
    query: String,
}

/// Findings per page.
const FINDINGS_PER_PAGE: usize = 100;

#[derive(Deserialize, Default)]
struct FindingsQ {
    #[serde(default)]
    rule: String,
    /// Judge the tree, rosters, statuses and cases as they were on this date (default today).
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    page: String,
}

async fn findings(State(st): State<AppState>, u: PageUser, flash: Flash, Query(q): Query<FindingsQ>) -> Response {
    let today = crate::util::today();
    let (judged_on, as_of_error) = match q.as_of.trim() {
        "" => (today, String::new()),
        t => match crate::util::parse_date(t) {
            Some(d) => (d, String::new()),
            None => (today, "日期格式应为 2026-05-11".to_string()),
        },
    };
    match crate::service::findings::for_scope(&st.db, &u.scope, None, judged_on).await {
        Ok(mut findings) => {
            if !q.rule.is_empty() {
                findings.retain(|f| f.rule == q.rule);
            }
            let counts = [Severity::Block, Severity::Warn, Severity::Info]
                .map(|s| findings.iter().filter(|f| f.severity == s).count());
            let total = findings.len();
            let pages = total.div_ceil(FINDINGS_PER_PAGE).max(1);
            let page = q.page.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
            let findings: Vec<Finding> =
                findings.into_iter().skip((page - 1) * FINDINGS_PER_PAGE).take(FINDINGS_PER_PAGE).collect();
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("rule", &q.rule)
                .append_pair("as_of", q.as_of.trim())
                .finish();
            let status = if as_of_error.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            render_status(
                status,
                &FindingsTpl {
                    ctx: Ctx::new(&u.scope, "findings", &flash),
                    findings,
                    total,
                    counts,
                    rule: q.rule,
                    as_of: q.as_of,
                    as_of_error,
                    judged_on,
                    page,
                    query,
                },
            )
        }
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "misc/import.html")]
struct ImportTpl {
    ctx: Ctx,
    error: String,
    report: Option<ImportReport>,
    upload: String,
}

async fn import_page(u: PageUser, flash: Flash) -> Response {
    if !u.scope.can_write() {
        return error_page(&crate::error::AppError::forbidden("只读角色不能导入"));
    }
    render(&ImportTpl {
        ctx: Ctx::new(&u.scope, "import", &flash),
        error: String::new(),
        report: None,
        upload: String::new(),
    })
}

async fn template(_u: PageUser) -> Response {
    match crate::excel::member_template() {
        Ok(b) => crate::web::api::xlsx_response(b, "党员名册导入模板.xlsx"),
        Err(e) => error_page(&crate::error::AppError::internal(anyhow::anyhow!(e.to_string()))),
    }
}

async fn import_upload(State(st): State<AppState>, u: PageUser, flash: Flash, mp: Multipart) -> Response {
    let ctx = Ctx::new(&u.scope, "import", &flash);
    let (bytes, fields) = match crate::web::api::read_upload(mp).await {
        Ok(x) => x,
        Err(e) => {
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
            return render_status(
                status,
                &ImportTpl { ctx, error: e.message.clone(), report: None, upload: String::new() },
            );
        }
    };
    let csrf = fields.iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v.as_str()).unwrap_or("");
    if let Err(e) = check_csrf(&u.scope, csrf) {
        return error_page(&e);
    }
    match crate::service::import::import_members(&st.db, &u.scope, bytes.clone(), true).await {
        Ok(report) => {
            let token = crate::util::random_token();
            if report.errors.is_empty()
                && report.total > 0
                && let Ok(mut m) = st.uploads.lock()
            {
                m.retain(|_, v| v.2.elapsed().as_secs() < 3600);
                m.insert(token.clone(), (u.scope.user_id, bytes, std::time::Instant::now()));
            }
            render(&ImportTpl { ctx, error: String::new(), report: Some(report), upload: token })
        }
        Err(e) => {
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
            render_status(status, &ImportTpl { ctx, error: e.message.clone(), report: None, upload: String::new() })
        }
    }
}

#[derive(Deserialize)]
struct CommitForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    upload: String,
}

async fn import_commit(State(st): State<AppState>, u: PageUser, flash: Flash, Form(f): Form<CommitForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let ctx = Ctx::new(&u.scope, "import", &flash);
    let entry = st.uploads.lock().ok().and_then(|mut m| m.remove(&f.upload));
    let Some((owner, bytes, _)) = entry.filter(|e| e.0 == u.scope.user_id) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportTpl {
                ctx,
                error: "上传已过期或已导入，请重新上传文件。".into(),
                report: None,
                upload: String::new(),
            },
        );
    };
    let _ = owner;
    match crate::service::import::import_members(&st.db, &u.scope, bytes, false).await {
        Ok(report) => render(&ImportTpl { ctx, error: String::new(), report: Some(report), upload: String::new() }),
        Err(e) => {
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
            render_status(status, &ImportTpl { ctx, error: e.message.clone(), report: None, upload: String::new() })
        }
    }
}

#[derive(Template)]
#[template(path = "user/list.html")]
struct UsersTpl {
    ctx: Ctx,
    users: Vec<UserRow>,
    roles: Vec<Role>,
    orgs: Vec<(i64, String)>,
    form: UserForm,
    errors: FieldErrors,
    error: String,
}
form_helpers!(UsersTpl);

#[derive(Deserialize, Default)]
struct UserForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    password: String,
}

async fn users_render(
    st: &AppState,
    u: &PageUser,
    flash: &Flash,
    form: UserForm,
    errors: FieldErrors,
    error: String,
    status: StatusCode,
) -> Response {
    if !u.scope.can_write() {
        return error_page(&crate::error::AppError::forbidden("只有管理员可以管理账号"));
    }
    let users = match st.db.pool.acquire().await {
        Ok(mut c) => match crate::repo::users::list(&mut c, &u.scope).await {
            Ok(x) => x,
            Err(e) => return error_page(&e.into()),
        },
        Err(e) => return error_page(&e.into()),
    };
    let orgs = match org_options(
        st,
        &u.scope,
        &[OrgKind::UniversityCommittee, OrgKind::CollegeCommittee, OrgKind::GeneralBranch, OrgKind::Branch],
    )
    .await
    {
        Ok(o) => o,
        Err(e) => return error_page(&e),
    };
    let roles =
        Role::ALL.iter().copied().filter(|r| u.scope.role == Role::SchoolAdmin || *r != Role::SchoolAdmin).collect();
    render_status(
        status,
        &UsersTpl { ctx: Ctx::new(&u.scope, "users", flash), users, roles, orgs, form, errors, error },
    )
}

async fn users_page(State(st): State<AppState>, u: PageUser, flash: Flash) -> Response {
    users_render(&st, &u, &flash, UserForm::default(), FieldErrors::new(), String::new(), StatusCode::OK).await
}

async fn users_create(State(st): State<AppState>, u: PageUser, flash: Flash, Form(f): Form<UserForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let role = Role::parse(&f.role);
    if role.is_none() {
        errors.insert("role".into(), "请选择角色".into());
    }
    let org_id = super::opt_id(&f.org_id, "org_id", &mut errors);
    let member_id = super::opt_id(&f.member_id, "member_id", &mut errors);
    let result = match (role, errors.is_empty()) {
        (Some(role), true) => {
            crate::service::users::create(
                &st.db,
                &u.scope,
                crate::service::users::CreateUser {
                    username: f.username.clone(),
                    display_name: Some(f.display_name.clone()),
                    role,
                    org_id,
                    member_id,
                    password: f.password.clone(),
                },
            )
            .await
        }
        _ => Err(crate::error::AppError::invalid(errors)),
    };
    match result {
        Ok(_) => see_other("/users?ok=created"),
        Err(e) if e.status < 500 && e.status != 403 => {
            let (error, errors) = split_error(&e);
            let form = UserForm { password: String::new(), ..f };
            users_render(
                &st,
                &u,
                &flash,
                form,
                errors,
                error,
                StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

#[derive(Deserialize)]
struct ActiveForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    active: String,
}

async fn users_active(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    match crate::service::users::set_active(&st.db, &u.scope, id, f.active == "1").await {
        Ok(_) => see_other("/users?ok=saved"),
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "user/password.html")]
struct PasswordTpl {
    ctx: Ctx,
    errors: FieldErrors,
}
form_helpers!(PasswordTpl);

async fn password_page(u: PageUser, flash: Flash) -> Response {
    render(&PasswordTpl { ctx: Ctx::new(&u.scope, "", &flash), errors: FieldErrors::new() })
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    old_password: String,
    new_password: String,
}

async fn password_submit(
    State(st): State<AppState>,
    u: PageUser,
    flash: Flash,
    Form(f): Form<PasswordForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    match crate::service::users::change_password(&st.db, &u.scope, &u.token, &f.old_password, &f.new_password).await {
        Ok(()) => see_other("/?ok=password"),
        Err(e) if e.status == 422 => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordTpl { ctx: Ctx::new(&u.scope, "", &flash), errors: e.fields.clone() },
        ),
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "misc/audit.html")]
struct AuditTpl {
    ctx: Ctx,
    rows: Vec<AuditRow>,
    total: i64,
    page: i64,
    f: AuditFilter,
    query: String,
    entities: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
}
form_helpers!(AuditTpl);

impl AuditTpl {
    fn local(&self, at: &str) -> String {
        chrono::DateTime::parse_from_rfc3339(at)
            .map(|t| {
                (t.with_timezone(&chrono::Utc) + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string()
            })
            .unwrap_or_else(|_| at.to_string())
    }
}

async fn audit_page(State(st): State<AppState>, u: PageUser, flash: Flash, Query(f): Query<AuditFilter>) -> Response {
    if u.scope.role == Role::Member {
        return error_page(&crate::error::AppError::forbidden("党员账号不能查看审计日志"));
    }
    let mut conn = match st.db.pool.acquire().await {
        Ok(c) => c,
        Err(e) => return error_page(&e.into()),
    };
    let (rows, total) = match crate::repo::audit::list(&mut conn, &u.scope, &f).await {
        Ok(x) => x,
        Err(e) => return error_page(&e.into()),
    };
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if let Some(e) = &f.entity {
        q.append_pair("entity", e);
    }
    if let Some(e) = f.entity_id {
        q.append_pair("entity_id", &e.to_string());
    }
    if let Some(a) = &f.actor {
        q.append_pair("actor", a);
    }
    let page = crate::repo::clamp_page(f.page);
    let entities = vec![("org", "组织"), ("member", "党员"), ("position", "职务"), ("user", "账号")];
    render(&AuditTpl {
        ctx: Ctx::new(&u.scope, "audit", &flash),
        rows,
        total,
        page,
        f,
        query: q.finish(),
        entities,
        errors: FieldErrors::new(),
    })
}
