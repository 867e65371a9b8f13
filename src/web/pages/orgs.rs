//! Org tree, org page, new org, edit, move, dissolve, committee seats.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::{
    Ctx, FieldErrors, Flash, error_page, form_helpers, opt_date, opt_id, opt_text, org_options, render, render_status,
    see_other, split_error,
};
use crate::domain::{OrgCategory, OrgKind, PositionRole};
use crate::error::AppError;
use crate::service::orgs::{AddPosition, CreateOrg, DissolveOrg, MoveOrg, TreeNode, UpdateOrg};
use crate::web::AppState;
use crate::web::api::{OrgDetailPub as OrgDetail, org_detail};
use crate::web::auth::{PageUser, check_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(tree))
        .route("/orgs/{id}", get(detail))
        .route("/orgs/{id}/new", get(new_page).post(new_submit))
        .route("/orgs/{id}/edit", post(edit))
        .route("/orgs/{id}/move", post(move_submit))
        .route("/orgs/{id}/dissolve", post(dissolve))
        .route("/orgs/{id}/positions", post(add_position))
        .route("/orgs/{id}/positions/{pid}/end", post(end_position))
        .route("/orgs/{id}/term-events", post(term_event))
}

#[derive(Template)]
#[template(path = "org/tree.html")]
struct TreeTpl {
    ctx: Ctx,
    nodes: Vec<TreeNode>,
    as_of: String,
}

#[derive(Deserialize)]
struct TreeQ {
    #[serde(default)]
    as_of: String,
}

async fn tree(State(st): State<AppState>, u: PageUser, flash: Flash, Query(q): Query<TreeQ>) -> Response {
    let as_of = crate::excel::parse_date_loose(&q.as_of);
    match crate::service::orgs::tree(&st.db, &u.scope, as_of, None).await {
        Ok(nodes) => render(&TreeTpl {
            ctx: Ctx::new(&u.scope, "orgs", &flash),
            nodes,
            as_of: as_of.map(crate::util::fmt_date).unwrap_or_default(),
        }),
        Err(e) => error_page(&e),
    }
}

#[derive(Default, Deserialize)]
struct PosForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    start_on: String,
    #[serde(default)]
    justification: String,
}

#[derive(Default, Deserialize)]
struct EditForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    term_start: String,
    #[serde(default)]
    effective_on: String,
}

/// The 换届 / 延期换届 / 换届请示 form of the org page.
#[derive(Default, Deserialize)]
struct TermForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    event_on: String,
    #[serde(default)]
    until_on: String,
    #[serde(default)]
    approved_by: String,
    #[serde(default)]
    document_no: String,
    #[serde(default)]
    note: String,
}

/// Kinds of term records offered by the form: (identifier, label).
const TERM_KINDS: &[(&str, &str)] = &[
    ("re_election", "换届选举（新一届任期开始）"),
    ("postponement", "延期换届（经上级批准）"),
    ("election_request", "换届请示（教工党支部届满前4个月）"),
];

#[derive(Template)]
#[template(path = "org/detail.html")]
struct DetailTpl {
    ctx: Ctx,
    d: OrgDetail,
    ancestors: Vec<(i64, String)>,
    candidates: Vec<(i64, String)>,
    roles: &'static [PositionRole],
    parents: Vec<(i64, String)>,
    child_kinds: &'static [OrgKind],
    pos_form: PosForm,
    edit_form: EditForm,
    term_form: TermForm,
    term_kinds: &'static [(&'static str, &'static str)],
    /// Whether the rejected form was the term form (its error shows at the top of that form).
    term_rejected: bool,
    errors: FieldErrors,
    error: String,
    /// 公示栏: the subtree's notices running, upcoming or recently ended (R1.8).
    notices: Vec<crate::service::development::publicity::NoticeItem>,
}
form_helpers!(DetailTpl);

#[derive(Default)]
struct Retry {
    pos: Option<PosForm>,
    edit: Option<EditForm>,
    term: Option<TermForm>,
    err: Option<AppError>,
}

async fn detail_render(st: &AppState, u: &PageUser, flash: &Flash, id: i64, retry: Retry) -> Response {
    let d = match org_detail(st, &u.scope, id).await {
        Ok(d) => d,
        Err(e) => return error_page(&e),
    };
    let mut ancestors = Vec::new();
    if let Ok(mut conn) = st.db.pool.acquire().await {
        for pid in d.org.path.trim_matches('/').split('/').filter_map(|s| s.parse::<i64>().ok()) {
            if pid == id {
                continue;
            }
            if let Ok(Some(o)) = crate::repo::orgs::get(&mut conn, &u.scope, pid).await {
                ancestors.push((o.id, o.name));
            }
        }
    }
    let mut candidates = Vec::new();
    if u.scope.can_write() {
        let f = crate::repo::members::MemberFilter { org: Some(id), per_page: Some(200), ..Default::default() };
        if let Ok(page) = crate::web::api::member_page(st, &u.scope, &f).await {
            candidates =
                page.items.into_iter().map(|m| (m.id, format!("{}（{}）", m.name, m.status.label()))).collect();
        }
    }
    let parents = if u.scope.can_write() {
        let kinds: Vec<OrgKind> =
            OrgKind::ALL.iter().copied().filter(|k| k.allowed_children().contains(&d.org.kind)).collect();
        org_options(st, &u.scope, &kinds)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.0 != id && Some(p.0) != d.org.parent_id)
            .collect()
    } else {
        Vec::new()
    };
    let (error, errors, status) = match &retry.err {
        Some(e) => {
            let (g, f) = split_error(e);
            (g, f, StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY))
        }
        None => (String::new(), FieldErrors::new(), StatusCode::OK),
    };
    let edit_form = retry.edit.unwrap_or_else(|| EditForm {
        csrf: String::new(),
        name: d.org.name.clone(),
        term_start: d.org.term_start.map(crate::util::fmt_date).unwrap_or_default(),
        effective_on: String::new(),
    });
    let pos_form = retry.pos.unwrap_or_default();
    let term_rejected = retry.term.is_some();
    let term_form = retry
        .term
        .unwrap_or_else(|| TermForm { event_on: crate::util::fmt_date(crate::util::today()), ..Default::default() });
    let child_kinds = d.org.kind.allowed_children();
    let notice_filter = crate::service::development::publicity::NoticeFilter { org: Some(id), recent_days: None };
    let notices =
        crate::service::development::publicity::notices(&st.db, &u.scope, &notice_filter).await.unwrap_or_default();
    render_status(
        status,
        &DetailTpl {
            ctx: Ctx::new(&u.scope, "orgs", flash),
            d,
            ancestors,
            candidates,
            roles: PositionRole::ALL,
            parents,
            child_kinds,
            pos_form,
            edit_form,
            term_form,
            term_kinds: TERM_KINDS,
            term_rejected,
            errors,
            error,
            notices,
        },
    )
}

async fn detail(State(st): State<AppState>, u: PageUser, flash: Flash, Path(id): Path<i64>) -> Response {
    detail_render(&st, &u, &flash, id, Retry::default()).await
}

/// A rejected form is shown again with its values; anything else is an error page.
async fn retry_or_error(
    st: &AppState,
    u: &PageUser,
    id: i64,
    e: AppError,
    pos: Option<PosForm>,
    edit: Option<EditForm>,
) -> Response {
    retry_with(st, u, id, e, Retry { pos, edit, ..Default::default() }).await
}

/// A rejected form is shown again with its values; anything else is an error page.
async fn retry_with(st: &AppState, u: &PageUser, id: i64, e: AppError, retry: Retry) -> Response {
    if e.status < 500 && e.status != 403 && e.status != 404 {
        detail_render(st, u, &Flash(String::new()), id, Retry { err: Some(e), ..retry }).await
    } else {
        error_page(&e)
    }
}

async fn term_event(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>, Form(f): Form<TermForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let kind = crate::repo::org_terms::TermEventKind::parse(&f.kind);
    if kind.is_none() {
        errors.insert("kind".into(), "请选择登记事项".into());
    }
    let event_on = opt_date(&f.event_on, "event_on", &mut errors);
    if event_on.is_none() {
        errors.entry("event_on".into()).or_insert_with(|| "请填写日期".into());
    }
    let until_on = opt_date(&f.until_on, "until_on", &mut errors);
    let result = match (kind, event_on) {
        (Some(kind), Some(event_on)) if errors.is_empty() => {
            let input = crate::service::org_terms::TermEventInput {
                kind,
                event_on,
                until_on,
                approved_by: opt_text(&f.approved_by),
                document_no: opt_text(&f.document_no),
                note: opt_text(&f.note),
            };
            crate::service::org_terms::record(&st.db, &u.scope, id, input).await
        }
        _ => Err(AppError::invalid(errors)),
    };
    match result {
        Ok(_) => see_other(&format!("/orgs/{id}?ok=saved#terms")),
        Err(e) => retry_with(&st, &u, id, e, Retry { term: Some(f), ..Default::default() }).await,
    }
}

async fn edit(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>, Form(f): Form<EditForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let term_start = opt_date(&f.term_start, "term_start", &mut errors);
    let effective_on = opt_date(&f.effective_on, "effective_on", &mut errors);
    let result = if errors.is_empty() {
        crate::service::orgs::update(
            &st.db,
            &u.scope,
            id,
            UpdateOrg { name: Some(f.name.clone()), category: None, joint_branch: None, term_start, effective_on },
        )
        .await
    } else {
        Err(AppError::invalid(errors))
    };
    match result {
        Ok(_) => see_other(&format!("/orgs/{id}?ok=saved")),
        Err(e) => retry_or_error(&st, &u, id, e, None, Some(f)).await,
    }
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    new_parent_id: String,
    #[serde(default)]
    effective_on: String,
}

async fn move_submit(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let parent = opt_id(&f.new_parent_id, "new_parent_id", &mut errors);
    let effective_on = opt_date(&f.effective_on, "effective_on", &mut errors);
    let result = match parent {
        Some(p) if errors.is_empty() => {
            crate::service::orgs::move_org(&st.db, &u.scope, id, MoveOrg { new_parent_id: p, effective_on }).await
        }
        _ => {
            errors.entry("new_parent_id".into()).or_insert_with(|| "请选择新的上级组织".into());
            Err(AppError::invalid(errors))
        }
    };
    match result {
        Ok(_) => see_other(&format!("/orgs/{id}?ok=moved")),
        Err(e) => retry_or_error(&st, &u, id, e, None, None).await,
    }
}

#[derive(Deserialize)]
struct DissolveForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    dissolved_on: String,
}

async fn dissolve(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<DissolveForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let on = opt_date(&f.dissolved_on, "dissolved_on", &mut errors);
    let result = if errors.is_empty() {
        crate::service::orgs::dissolve(&st.db, &u.scope, id, DissolveOrg { dissolved_on: on }).await
    } else {
        Err(AppError::invalid(errors))
    };
    match result {
        Ok(_) => see_other(&format!("/orgs/{id}?ok=dissolved")),
        Err(e) => retry_or_error(&st, &u, id, e, None, None).await,
    }
}

async fn add_position(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<PosForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let member_id = opt_id(&f.member_id, "member_id", &mut errors);
    let start_on = opt_date(&f.start_on, "start_on", &mut errors);
    let role = PositionRole::parse(&f.role);
    let result = match (member_id, role) {
        (Some(member_id), Some(role)) if errors.is_empty() => {
            let justification = opt_text(&f.justification);
            crate::service::orgs::add_position(
                &st.db,
                &u.scope,
                id,
                AddPosition { member_id, role, start_on, justification },
            )
            .await
        }
        _ => {
            if member_id.is_none() {
                errors.entry("member_id".into()).or_insert_with(|| "请选择党员".into());
            }
            if role.is_none() {
                errors.insert("role".into(), "请选择职务".into());
            }
            Err(AppError::invalid(errors))
        }
    };
    match result {
        Ok(_) => see_other(&format!("/orgs/{id}?ok=position")),
        Err(e) => retry_or_error(&st, &u, id, e, Some(f), None).await,
    }
}

#[derive(Deserialize)]
struct EndForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

async fn end_position(
    State(st): State<AppState>,
    u: PageUser,
    Path((id, pid)): Path<(i64, i64)>,
    Form(f): Form<EndForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    match crate::service::orgs::end_position(&st.db, &u.scope, id, pid, None).await {
        Ok(()) => see_other(&format!("/orgs/{id}?ok=position")),
        Err(e) => retry_or_error(&st, &u, id, e, None, None).await,
    }
}

#[derive(Default, Deserialize)]
struct NewForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    established_on: String,
    #[serde(default)]
    term_start: String,
    #[serde(default)]
    joint_branch: String,
    /// Founding members chosen so far (member ids, from the picker's check boxes).
    #[serde(skip)]
    founding_member_ids: Vec<String>,
    /// The picker's search text.
    #[serde(default)]
    member_q: String,
    /// `search` (find members, keep every typed value) or empty (create).
    #[serde(default)]
    op: String,
}

impl NewForm {
    /// Reads the form's pairs; `founding_member_ids` may repeat.
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = NewForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "_csrf" => f.csrf = v,
                "name" => f.name = v,
                "kind" => f.kind = v,
                "category" => f.category = v,
                "established_on" => f.established_on = v,
                "term_start" => f.term_start = v,
                "joint_branch" => f.joint_branch = v,
                "founding_member_ids" if !v.trim().is_empty() && !f.founding_member_ids.contains(&v) => {
                    f.founding_member_ids.push(v)
                }
                "member_q" => f.member_q = v,
                "op" => f.op = v,
                _ => {}
            }
        }
        f
    }
}

/// A member offered by the founding-members picker.
struct Pick {
    id: i64,
    label: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "org/new.html")]
struct NewTpl {
    ctx: Ctx,
    parent_id: i64,
    parent_name: String,
    kinds: &'static [OrgKind],
    categories: &'static [OrgCategory],
    form: NewForm,
    /// Chosen founding members, then the search results not yet chosen.
    picks: Vec<Pick>,
    /// Whether a search was run (to say "no match").
    searched: bool,
    errors: FieldErrors,
    error: String,
}
form_helpers!(NewTpl);

/// The chosen founding members (by name) and, when the form asked, full members of the parent's
/// subtree matching the search text.
async fn picks(st: &AppState, u: &PageUser, parent: i64, form: &NewForm) -> Vec<Pick> {
    let mut out = Vec::new();
    if let Ok(mut conn) = st.db.pool.acquire().await {
        for id in form.founding_member_ids.iter().filter_map(|s| s.trim().parse::<i64>().ok()) {
            if let Ok(Some(m)) = crate::repo::members::get(&mut conn, &u.scope, id).await {
                let label = format!("{}（{}，{}）", m.row.name, m.row.status.label(), m.row.org_name);
                out.push(Pick { id, label, chosen: true });
            }
        }
    }
    let q = form.member_q.trim();
    if form.op == "search" && !q.is_empty() {
        let f = crate::repo::members::MemberFilter {
            org: Some(parent),
            q: Some(q.to_string()),
            status: Some("full".into()),
            per_page: Some(30),
            ..Default::default()
        };
        if let Ok(page) = crate::web::api::member_page(st, &u.scope, &f).await {
            for m in page.items {
                if !out.iter().any(|p| p.id == m.id) {
                    let label = format!("{}（{}，{}）", m.name, m.status.label(), m.org_name);
                    out.push(Pick { id: m.id, label, chosen: false });
                }
            }
        }
    }
    out
}

async fn new_render(st: &AppState, u: &PageUser, id: i64, form: NewForm, err: Option<AppError>) -> Response {
    let parent = match st.db.pool.acquire().await {
        Ok(mut c) => crate::repo::orgs::get(&mut c, &u.scope, id).await,
        Err(e) => Err(e),
    };
    let parent = match parent {
        Ok(Some(p)) => p,
        Ok(None) => return error_page(&AppError::not_found()),
        Err(e) => return error_page(&e.into()),
    };
    let (error, errors, status) = match &err {
        Some(e) => {
            let (g, f) = split_error(e);
            (g, f, StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY))
        }
        None => (String::new(), FieldErrors::new(), StatusCode::OK),
    };
    let picks = picks(st, u, id, &form).await;
    let searched = form.op == "search" && !form.member_q.trim().is_empty();
    render_status(
        status,
        &NewTpl {
            ctx: Ctx::new(&u.scope, "orgs", &Flash(String::new())),
            parent_id: id,
            parent_name: parent.name,
            kinds: parent.kind.allowed_children(),
            categories: OrgCategory::ALL,
            form,
            picks,
            searched,
            errors,
            error,
        },
    )
}

async fn new_page(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    if !u.scope.can_write() {
        return error_page(&AppError::forbidden("只读角色不能新建组织"));
    }
    new_render(
        &st,
        &u,
        id,
        NewForm { established_on: crate::util::fmt_date(crate::util::today()), ..Default::default() },
        None,
    )
    .await
}

async fn new_submit(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = NewForm::from_pairs(pairs);
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    if f.op == "search" {
        return new_render(&st, &u, id, f, None).await;
    }
    let mut errors = FieldErrors::new();
    let mut founding_member_ids = Vec::new();
    for s in &f.founding_member_ids {
        match s.trim().parse::<i64>() {
            Ok(v) => founding_member_ids.push(v),
            Err(_) => {
                errors.insert("founding_member_ids".into(), "请用“查找党员”选择成立时的党员".into());
            }
        }
    }
    let kind = OrgKind::parse(&f.kind);
    if kind.is_none() {
        errors.insert("kind".into(), "请选择类型".into());
    }
    let category = opt_text(&f.category).and_then(|c| OrgCategory::parse(&c));
    let established_on = opt_date(&f.established_on, "established_on", &mut errors);
    let term_start = opt_date(&f.term_start, "term_start", &mut errors);
    let result = match kind {
        Some(kind) if errors.is_empty() => {
            crate::service::orgs::create(
                &st.db,
                &u.scope,
                CreateOrg {
                    parent_id: id,
                    kind,
                    category,
                    name: f.name.clone(),
                    joint_branch: f.joint_branch == "1",
                    established_on,
                    term_start,
                    founding_member_ids,
                },
            )
            .await
        }
        _ => Err(AppError::invalid(errors)),
    };
    match result {
        Ok(org) => see_other(&format!("/orgs/{}?ok=created", org.id)),
        Err(e) if e.status < 500 && e.status != 403 && e.status != 404 => new_render(&st, &u, id, f, Some(e)).await,
        Err(e) => error_page(&e),
    }
}
