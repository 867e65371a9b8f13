//! 导入发展党员档案 (issue 3 part 9): upload → preview (every row replayed through the step
//! rules and rolled back) → confirm (the same run, committed only without errors).

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Ctx, Flash, error_page, render, render_status};
use crate::service::import::ImportReport;
use crate::web::AppState;
use crate::web::auth::{PageUser, check_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/development/import", get(page).post(upload))
        .route("/development/import/commit", post(commit))
        .route("/development/import/template.xlsx", get(template))
}

#[derive(Template)]
#[template(path = "development/import.html")]
struct ImportTpl {
    ctx: Ctx,
    error: String,
    report: Option<ImportReport>,
    upload: String,
}

fn tpl(ctx: Ctx, error: String, report: Option<ImportReport>, upload: String) -> ImportTpl {
    ImportTpl { ctx, error, report, upload }
}

async fn page(u: PageUser, flash: Flash) -> Response {
    if !u.scope.can_write() {
        return error_page(&crate::error::AppError::forbidden("只读角色不能导入"));
    }
    render(&tpl(Ctx::new(&u.scope, "development", &flash), String::new(), None, String::new()))
}

async fn template(_u: PageUser) -> Response {
    match crate::excel::development::development_template() {
        Ok(b) => crate::web::api::xlsx_response(b, "发展党员档案导入模板.xlsx"),
        Err(e) => error_page(&crate::error::AppError::internal(anyhow::anyhow!(e.to_string()))),
    }
}

fn failed(ctx: Ctx, e: &crate::error::AppError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    render_status(status, &tpl(ctx, e.message.clone(), None, String::new()))
}

async fn upload(State(st): State<AppState>, u: PageUser, flash: Flash, mp: Multipart) -> Response {
    let ctx = Ctx::new(&u.scope, "development", &flash);
    let (bytes, fields) = match crate::web::api::read_upload(mp).await {
        Ok(x) => x,
        Err(e) => return failed(ctx, &e),
    };
    let csrf = fields.iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v.as_str()).unwrap_or("");
    if let Err(e) = check_csrf(&u.scope, csrf) {
        return error_page(&e);
    }
    match crate::service::development::import::import_cases(&st.db, &u.scope, bytes.clone(), true).await {
        Ok(report) => {
            let token = crate::util::random_token();
            if report.errors.is_empty()
                && report.total > 0
                && let Ok(mut m) = st.uploads.lock()
            {
                m.retain(|_, v| v.2.elapsed().as_secs() < 3600);
                m.insert(token.clone(), (u.scope.user_id, bytes, std::time::Instant::now()));
            }
            render(&tpl(ctx, String::new(), Some(report), token))
        }
        Err(e) => failed(ctx, &e),
    }
}

#[derive(Deserialize)]
struct CommitForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    upload: String,
}

async fn commit(State(st): State<AppState>, u: PageUser, flash: Flash, Form(f): Form<CommitForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let ctx = Ctx::new(&u.scope, "development", &flash);
    let entry = st.uploads.lock().ok().and_then(|mut m| m.remove(&f.upload));
    let Some((_, bytes, _)) = entry.filter(|e| e.0 == u.scope.user_id) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &tpl(ctx, "上传已过期或已导入，请重新上传文件。".into(), None, String::new()),
        );
    };
    match crate::service::development::import::import_cases(&st.db, &u.scope, bytes, false).await {
        Ok(report) => render(&tpl(ctx, String::new(), Some(report), String::new())),
        Err(e) => failed(ctx, &e),
    }
}
