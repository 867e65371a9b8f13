//! 公示 pages (R1.8): the case's 公示 (generate form, notice, objections with add/resolve forms),
//! the edit form, the printable notice and the notice board `/notices`.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::{
    Ctx, FieldErrors, Flash, error_page, form_helpers, opt_date, opt_text, org_options, render, render_status,
    see_other, split_error,
};
use crate::error::AppError;
use crate::rules::Finding;
use crate::rules::development::PublicityLocation;
use crate::service::development::publicity::{
    self as service, GeneratePublicity, MobileInput, NewObjection, NoticeFilter, NoticeItem, PublicityView,
    ResolveObjection, UpdatePublicity,
};
use crate::service::development::{self as development, CaseDetail};
use crate::web::AppState;
use crate::web::auth::{PageUser, check_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/development/{id}/publicity", get(case_page).post(generate))
        .route("/development/{id}/publicity/mobile", post(set_mobile))
        .route("/development/{id}/publicity/{pid}/edit", get(edit_page).post(edit))
        .route("/development/{id}/publicity/{pid}/print", get(print))
        .route("/development/{id}/publicity/{pid}/objections", post(add_objection))
        .route("/development/{id}/publicity/objections/{oid}/resolve", post(resolve))
        .route("/notices", get(board))
}

/// A refused form keeps its values; 403/404/5xx are error pages.
fn rejected(e: &AppError) -> bool {
    e.status < 500 && e.status != 403 && e.status != 404
}

/// Status, general message, field messages and findings of a refused form.
fn parts(err: Option<&AppError>) -> (StatusCode, String, FieldErrors, Vec<Finding>) {
    match err {
        Some(e) => {
            let (g, f) = split_error(e);
            let g = match &e.rule {
                Some(r) if !g.contains(r.as_str()) => format!("{g}（规则 {r}）"),
                _ => g,
            };
            (StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), g, f, e.findings.clone())
        }
        None => (StatusCode::OK, String::new(), FieldErrors::new(), Vec::new()),
    }
}

/// The generate form as typed.
#[derive(Deserialize, Default, Clone)]
struct GenForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    start_on: String,
    #[serde(default)]
    end_on: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    location: String,
}

/// The 流动人员 form (R1.8): a checkbox.
#[derive(Deserialize, Default, Clone)]
struct MobileForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    mobile: String,
}

/// The objection form as typed.
#[derive(Deserialize, Default, Clone)]
struct ObjForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    raised_by: String,
    #[serde(default)]
    content: String,
}

/// The resolve form as typed (one per open objection; `oid` says which one was sent).
#[derive(Deserialize, Default, Clone)]
struct ResolveForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    oid: i64,
    #[serde(default)]
    resolved_on: String,
    #[serde(default)]
    resolution: String,
}

/// Which form of the case page was refused.
#[derive(Default, PartialEq, Eq, Clone, Copy)]
enum Which {
    #[default]
    None,
    Generate,
    Objection,
    Resolve,
}

#[derive(Template)]
#[template(path = "development/publicity.html")]
struct CaseTpl {
    ctx: Ctx,
    c: CaseDetail,
    notices: Vec<PublicityView>,
    gen_form: GenForm,
    obj_form: ObjForm,
    res_form: ResolveForm,
    which: Which,
    errors: FieldErrors,
    error: String,
    findings: Vec<Finding>,
    suggested_start: String,
    suggested_end: String,
    /// The person is a 流动人员: notices at the outflow and the inflow place (R1.8).
    mobile: bool,
    /// The places of a 流动人员's notices.
    locations: &'static [PublicityLocation],
}
form_helpers!(CaseTpl);

impl CaseTpl {
    /// The error message when `w` was the refused form.
    fn error_for(&self, w: &str) -> &str {
        let hit = matches!(
            (w, self.which),
            ("generate", Which::Generate) | ("objection", Which::Objection) | ("resolve", Which::Resolve)
        );
        if hit { self.error.as_str() } else { "" }
    }
    /// The typed resolution date of objection `oid` after a refusal.
    fn res_date(&self, oid: &i64) -> &str {
        if self.which == Which::Resolve && self.res_form.oid == *oid { &self.res_form.resolved_on } else { "" }
    }
    /// The typed resolution of objection `oid` after a refusal.
    fn res_text(&self, oid: &i64) -> &str {
        if self.which == Which::Resolve && self.res_form.oid == *oid { &self.res_form.resolution } else { "" }
    }
    /// A field error of the resolve form of objection `oid`.
    fn res_err(&self, oid: &i64, field: &str) -> &str {
        if self.which == Which::Resolve && self.res_form.oid == *oid { self.err(field) } else { "" }
    }
    /// Paragraphs of a notice's text.
    fn paragraphs(&self, body: &str) -> Vec<String> {
        body.lines().map(str::to_string).collect()
    }
}

struct Retry {
    which: Which,
    gen_form: GenForm,
    obj_form: ObjForm,
    res_form: ResolveForm,
    err: Option<AppError>,
}

impl Retry {
    fn none() -> Retry {
        Retry {
            which: Which::None,
            gen_form: GenForm::default(),
            obj_form: ObjForm::default(),
            res_form: ResolveForm::default(),
            err: None,
        }
    }
}

async fn case_render(st: &AppState, u: &PageUser, id: i64, flash: &Flash, r: Retry) -> Response {
    let c = match development::detail(&st.db, &u.scope, id).await {
        Ok(c) => c,
        Err(e) => return error_page(&e),
    };
    let notices = match service::of_case(&st.db, &u.scope, id).await {
        Ok(n) => n,
        Err(e) => return error_page(&e),
    };
    let mobile = service::get_mobile(&st.db, &u.scope, id).await.map(|m| m.mobile).unwrap_or(false);
    let (suggested_start, suggested_end) = match service::suggested_period(&st.db).await {
        Ok((s, e)) => (crate::util::fmt_date(s), crate::util::fmt_date(e)),
        Err(_) => (String::new(), String::new()),
    };
    let (status, error, errors, findings) = parts(r.err.as_ref());
    render_status(
        status,
        &CaseTpl {
            ctx: Ctx::new(&u.scope, "development", flash),
            c,
            notices,
            gen_form: r.gen_form,
            obj_form: r.obj_form,
            res_form: r.res_form,
            which: r.which,
            errors,
            error,
            findings,
            suggested_start,
            suggested_end,
            mobile,
            locations: PublicityLocation::ALL,
        },
    )
}

async fn case_page(State(st): State<AppState>, u: PageUser, flash: Flash, Path(id): Path<i64>) -> Response {
    case_render(&st, &u, id, &flash, Retry::none()).await
}

async fn generate(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>, Form(f): Form<GenForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let start_on = opt_date(&f.start_on, "start_on", &mut errors);
    let end_on = opt_date(&f.end_on, "end_on", &mut errors);
    let location = PublicityLocation::parse(f.location.trim());
    let result = if errors.is_empty() {
        let input = GeneratePublicity { start_on, end_on, place: opt_text(&f.place), location };
        service::generate(&st.db, &u.scope, id, input).await
    } else {
        Err(AppError::invalid(errors))
    };
    match result {
        Ok(_) => see_other(&format!("/development/{id}/publicity?ok=created")),
        Err(e) if rejected(&e) => {
            let r = Retry { which: Which::Generate, gen_form: f, err: Some(e), ..Retry::none() };
            case_render(&st, &u, id, &Flash(String::new()), r).await
        }
        Err(e) => error_page(&e),
    }
}

async fn set_mobile(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<MobileForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let input = MobileInput { mobile: !f.mobile.is_empty() };
    match service::set_mobile(&st.db, &u.scope, id, input).await {
        Ok(_) => see_other(&format!("/development/{id}/publicity?ok=saved")),
        Err(e) if rejected(&e) => {
            let r = Retry { which: Which::Generate, err: Some(e), ..Retry::none() };
            case_render(&st, &u, id, &Flash(String::new()), r).await
        }
        Err(e) => error_page(&e),
    }
}

async fn add_objection(
    State(st): State<AppState>,
    u: PageUser,
    Path((id, pid)): Path<(i64, i64)>,
    Form(f): Form<ObjForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let received_on = opt_date(&f.received_on, "received_on", &mut errors);
    let result = match (errors.is_empty(), belongs(&st, &u, id, pid).await) {
        (_, Err(e)) => Err(e),
        (true, Ok(())) => {
            let input = NewObjection { received_on, raised_by: opt_text(&f.raised_by), content: f.content.clone() };
            service::add_objection(&st.db, &u.scope, pid, input).await
        }
        (false, Ok(())) => Err(AppError::invalid(errors)),
    };
    match result {
        Ok(_) => see_other(&format!("/development/{id}/publicity?ok=saved")),
        Err(e) if rejected(&e) => {
            let r = Retry { which: Which::Objection, obj_form: f, err: Some(e), ..Retry::none() };
            case_render(&st, &u, id, &Flash(String::new()), r).await
        }
        Err(e) => error_page(&e),
    }
}

/// The notice `pid` belongs to case `id` (404 otherwise).
async fn belongs(st: &AppState, u: &PageUser, id: i64, pid: i64) -> Result<(), AppError> {
    let v = service::get(&st.db, &u.scope, pid).await?;
    if v.row.case_id == id { Ok(()) } else { Err(AppError::not_found()) }
}

async fn resolve(
    State(st): State<AppState>,
    u: PageUser,
    Path((id, oid)): Path<(i64, i64)>,
    Form(mut f): Form<ResolveForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    f.oid = oid;
    let mut errors = FieldErrors::new();
    let resolved_on = opt_date(&f.resolved_on, "resolved_on", &mut errors);
    let result = if errors.is_empty() {
        let input = ResolveObjection { resolved_on, resolution: f.resolution.clone() };
        service::resolve_objection(&st.db, &u.scope, oid, input).await
    } else {
        Err(AppError::invalid(errors))
    };
    match result {
        Ok(v) if v.row.case_id == id => see_other(&format!("/development/{id}/publicity?ok=saved")),
        Ok(v) => see_other(&format!("/development/{}/publicity?ok=saved", v.row.case_id)),
        Err(e) if rejected(&e) => {
            let r = Retry { which: Which::Resolve, res_form: f, err: Some(e), ..Retry::none() };
            case_render(&st, &u, id, &Flash(String::new()), r).await
        }
        Err(e) => error_page(&e),
    }
}

/// The edit form as typed.
#[derive(Deserialize, Default, Clone)]
struct EditForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    start_on: String,
    #[serde(default)]
    end_on: String,
}

#[derive(Template)]
#[template(path = "development/publicity_edit.html")]
struct EditTpl {
    ctx: Ctx,
    v: PublicityView,
    form: EditForm,
    errors: FieldErrors,
    error: String,
    findings: Vec<Finding>,
}
form_helpers!(EditTpl);

async fn edit_render(
    st: &AppState,
    u: &PageUser,
    id: i64,
    pid: i64,
    form: Option<EditForm>,
    err: Option<AppError>,
) -> Response {
    let v = match service::get(&st.db, &u.scope, pid).await {
        Ok(v) if v.row.case_id == id => v,
        Ok(_) => return error_page(&AppError::not_found()),
        Err(e) => return error_page(&e),
    };
    let form = form.unwrap_or_else(|| EditForm {
        csrf: String::new(),
        title: v.row.title.clone(),
        body: v.row.body.clone(),
        place: v.row.place.clone().unwrap_or_default(),
        start_on: crate::util::fmt_date(v.row.start_on),
        end_on: crate::util::fmt_date(v.row.end_on),
    });
    let (status, error, errors, findings) = parts(err.as_ref());
    render_status(
        status,
        &EditTpl { ctx: Ctx::new(&u.scope, "development", &Flash(String::new())), v, form, errors, error, findings },
    )
}

async fn edit_page(State(st): State<AppState>, u: PageUser, Path((id, pid)): Path<(i64, i64)>) -> Response {
    edit_render(&st, &u, id, pid, None, None).await
}

async fn edit(
    State(st): State<AppState>,
    u: PageUser,
    Path((id, pid)): Path<(i64, i64)>,
    Form(f): Form<EditForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let start_on = opt_date(&f.start_on, "start_on", &mut errors);
    let end_on = opt_date(&f.end_on, "end_on", &mut errors);
    for (field, v, what) in [("start_on", &f.start_on, "开始日期"), ("end_on", &f.end_on, "结束日期")] {
        if v.trim().is_empty() {
            errors.insert(field.into(), format!("请填写公示{what}"));
        }
    }
    let result = match (errors.is_empty(), belongs(&st, &u, id, pid).await) {
        (_, Err(e)) => Err(e),
        (true, Ok(())) => {
            let input = UpdatePublicity {
                title: Some(f.title.clone()),
                body: Some(f.body.replace("\r\n", "\n")),
                place: Some(f.place.clone()),
                start_on,
                end_on,
            };
            service::update(&st.db, &u.scope, pid, input).await
        }
        (false, Ok(())) => Err(AppError::invalid(errors)),
    };
    match result {
        Ok(_) => see_other(&format!("/development/{id}/publicity?ok=saved")),
        Err(e) if rejected(&e) => edit_render(&st, &u, id, pid, Some(f), Some(e)).await,
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "development/publicity_print.html")]
struct PrintTpl {
    v: PublicityView,
    /// Paragraphs with their CSS class: blank lines, the signature (last two lines), body text.
    paragraphs: Vec<(String, &'static str)>,
}

async fn print(State(st): State<AppState>, u: PageUser, Path((id, pid)): Path<(i64, i64)>) -> Response {
    match service::get(&st.db, &u.scope, pid).await {
        Ok(v) if v.row.case_id == id => {
            let lines: Vec<&str> = v.row.body.lines().collect();
            let n = lines.len();
            let paragraphs = lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let class = if l.trim().is_empty() {
                        "blank"
                    } else if i + 2 >= n {
                        "sign"
                    } else {
                        ""
                    };
                    (l.to_string(), class)
                })
                .collect();
            render(&PrintTpl { v, paragraphs })
        }
        Ok(_) => error_page(&AppError::not_found()),
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "misc/notices.html")]
struct BoardTpl {
    ctx: Ctx,
    rows: Vec<NoticeItem>,
    orgs: Vec<(i64, String)>,
    org: String,
    recent_days: String,
    can_open_cases: bool,
}

#[derive(Deserialize, Default)]
struct BoardQ {
    #[serde(default)]
    org: String,
    #[serde(default)]
    recent_days: String,
}

async fn board(State(st): State<AppState>, u: PageUser, flash: Flash, Query(q): Query<BoardQ>) -> Response {
    let filter = NoticeFilter { org: q.org.trim().parse().ok(), recent_days: q.recent_days.trim().parse().ok() };
    let rows = match service::notices(&st.db, &u.scope, &filter).await {
        Ok(r) => r,
        Err(e) => return error_page(&e),
    };
    let is_member = u.scope.role == crate::domain::Role::Member;
    let orgs = if is_member { Vec::new() } else { org_options(&st, &u.scope, &[]).await.unwrap_or_default() };
    render(&BoardTpl {
        ctx: Ctx::new(&u.scope, "notices", &flash),
        rows,
        orgs,
        org: q.org,
        recent_days: q.recent_days,
        can_open_cases: !is_member,
    })
}
