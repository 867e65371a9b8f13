//! Roster, profile, create/edit, transfer, status, export.

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
use crate::domain::{Education, Gender, MemberStatus, OrgKind, PersonCategory, SpecialStatus, Title};
use crate::error::AppError;
use crate::repo::members::{MemberFilter, MemberListRow};
use crate::service::members::{MemberInput, Profile, StatusInput, TransferInput};
use crate::web::AppState;
use crate::web::auth::{PageUser, check_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/members", get(list).post(create))
        .route("/members/new", get(new_page))
        .route("/members/export.xlsx", get(export))
        .route("/members/{id}", get(detail))
        .route("/members/{id}/edit", get(edit_page).post(edit_submit))
        .route("/members/{id}/transfer", post(transfer))
        .route("/members/{id}/status", post(status))
        .route("/members/{id}/penalties", post(add_penalty))
}

#[derive(Template)]
#[template(path = "member/list.html")]
struct ListTpl {
    ctx: Ctx,
    rows: Vec<MemberListRow>,
    total: i64,
    page: i64,
    pages: i64,
    f: MemberFilter,
    query: String,
    org_name: String,
    categories: &'static [PersonCategory],
    statuses: &'static [MemberStatus],
    specials: &'static [SpecialStatus],
    educations: &'static [Education],
    titles: &'static [Title],
    errors: FieldErrors,
}
form_helpers!(ListTpl);

impl ListTpl {
    /// True when a filter other than the search box is in use (the "more filters" box opens).
    fn advanced(&self) -> bool {
        let f = &self.f;
        f.category.is_some()
            || f.status.is_some()
            || f.special_status.is_some()
            || f.education.is_some()
            || f.title.is_some()
            || f.age_min.is_some()
            || f.age_max.is_some()
            || f.joined_year.is_some()
            || f.sort.is_some()
    }

    /// Lists never show a whole 身份证号; the profile does, to roles that need it.
    fn mask(&self, id: Option<&str>) -> String {
        id.map(|s| if s.contains('*') { s.to_string() } else { crate::domain::idcard::mask(s) }).unwrap_or_default()
    }
}

/// The raw query string form of the roster filters; lenient so a half-typed filter never fails.
#[derive(Deserialize, Default)]
struct ListQ {
    #[serde(default)]
    org: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    special_status: String,
    #[serde(default)]
    education: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    age_min: String,
    #[serde(default)]
    age_max: String,
    #[serde(default)]
    joined_year: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
}

impl ListQ {
    fn filter(&self) -> MemberFilter {
        let num = |s: &str| s.trim().parse::<i32>().ok();
        MemberFilter {
            org: self.org.trim().parse().ok(),
            q: opt_text(&self.q),
            category: opt_text(&self.category),
            status: opt_text(&self.status),
            special_status: opt_text(&self.special_status),
            education: opt_text(&self.education),
            title: opt_text(&self.title),
            age_min: num(&self.age_min),
            age_max: num(&self.age_max),
            joined_year: num(&self.joined_year),
            sort: opt_text(&self.sort),
            page: self.page.trim().parse().ok(),
            per_page: Some(50),
        }
    }
}

/// The filter as a query string (without the page), for paging and export links.
fn filter_query(f: &MemberFilter) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if let Some(o) = f.org {
        q.append_pair("org", &o.to_string());
    }
    for (k, v) in [
        ("q", &f.q),
        ("category", &f.category),
        ("status", &f.status),
        ("special_status", &f.special_status),
        ("education", &f.education),
        ("title", &f.title),
        ("sort", &f.sort),
    ] {
        if let Some(v) = v {
            q.append_pair(k, v);
        }
    }
    for (k, v) in [("age_min", f.age_min), ("age_max", f.age_max), ("joined_year", f.joined_year)] {
        if let Some(v) = v {
            q.append_pair(k, &v.to_string());
        }
    }
    q.finish()
}

async fn list(State(st): State<AppState>, u: PageUser, flash: Flash, Query(q): Query<ListQ>) -> Response {
    let f = q.filter();
    let page = match crate::web::api::member_page(&st, &u.scope, &f).await {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let org_name = match (f.org, st.db.pool.acquire().await) {
        (Some(id), Ok(mut c)) => {
            crate::repo::orgs::get(&mut c, &u.scope, id).await.ok().flatten().map(|o| o.name).unwrap_or_default()
        }
        _ => String::new(),
    };
    let pages = ((page.total + page.per_page - 1) / page.per_page).max(1);
    render(&ListTpl {
        ctx: Ctx::new(&u.scope, "members", &flash),
        rows: page.items,
        total: page.total,
        page: page.page,
        pages,
        query: filter_query(&f),
        f,
        org_name,
        categories: PersonCategory::ALL,
        statuses: MemberStatus::ALL,
        specials: SpecialStatus::ALL,
        educations: Education::ALL,
        titles: Title::ALL,
        errors: FieldErrors::new(),
    })
}

async fn export(State(st): State<AppState>, u: PageUser, Query(q): Query<ListQ>) -> Response {
    match crate::service::export::members_xlsx(&st.db, &u.scope, &q.filter()).await {
        Ok(b) => crate::web::api::xlsx_response(b, "党员名册.xlsx"),
        Err(e) => error_page(&e),
    }
}

/// The member form exactly as typed.
#[derive(Deserialize, Default, Clone)]
struct MemberForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    ethnicity: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    id_card_no: String,
    #[serde(default)]
    staff_no: String,
    #[serde(default)]
    education: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    enrollment_year: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    joined_on: String,
    #[serde(default)]
    full_on: String,
    #[serde(default)]
    reason: String,
}

impl MemberForm {
    fn to_input(&self) -> Result<MemberInput, AppError> {
        let mut errors = FieldErrors::new();
        let input = MemberInput {
            name: self.name.clone(),
            gender: opt_text(&self.gender).and_then(|s| Gender::parse(&s)),
            ethnicity: opt_text(&self.ethnicity),
            birth_date: opt_date(&self.birth_date, "birth_date", &mut errors),
            id_card_no: opt_text(&self.id_card_no),
            staff_no: opt_text(&self.staff_no),
            education: opt_text(&self.education).and_then(|s| Education::parse(&s)),
            title: opt_text(&self.title).and_then(|s| Title::parse(&s)),
            category: opt_text(&self.category).and_then(|s| PersonCategory::parse(&s)),
            phone: opt_text(&self.phone),
            enrollment_year: opt_id(&self.enrollment_year, "enrollment_year", &mut errors),
            org_id: opt_id(&self.org_id, "org_id", &mut errors),
            status: opt_text(&self.status).and_then(|s| MemberStatus::parse(&s)),
            joined_on: opt_date(&self.joined_on, "joined_on", &mut errors),
            full_on: opt_date(&self.full_on, "full_on", &mut errors),
            special_status: None,
            special_status_since: None,
            reason: opt_text(&self.reason),
        };
        if errors.is_empty() { Ok(input) } else { Err(AppError::invalid(errors)) }
    }

    fn from_profile(p: &Profile) -> MemberForm {
        let r = &p.member.row;
        MemberForm {
            csrf: String::new(),
            name: r.name.clone(),
            gender: r.gender.as_str().into(),
            ethnicity: p.member.ethnicity.clone().unwrap_or_default(),
            birth_date: crate::util::fmt_date(r.birth_date),
            id_card_no: r.id_card_no.clone().unwrap_or_default(),
            staff_no: r.staff_no.clone().unwrap_or_default(),
            education: r.education.map(|e| e.as_str().to_string()).unwrap_or_default(),
            title: r.title.map(|e| e.as_str().to_string()).unwrap_or_default(),
            category: r.category.as_str().into(),
            phone: r.phone.clone().unwrap_or_default(),
            enrollment_year: p.member.enrollment_year.map(|y| y.to_string()).unwrap_or_default(),
            org_id: r.org_id.to_string(),
            status: r.status.as_str().into(),
            joined_on: crate::util::fmt_date(r.joined_on),
            full_on: r.full_on.map(crate::util::fmt_date).unwrap_or_default(),
            reason: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "member/form.html")]
struct FormTpl {
    ctx: Ctx,
    editing: bool,
    action: String,
    cancel: String,
    form: MemberForm,
    branches: Vec<(i64, String)>,
    genders: &'static [Gender],
    categories: &'static [PersonCategory],
    statuses: &'static [MemberStatus],
    educations: &'static [Education],
    titles: &'static [Title],
    errors: FieldErrors,
    error: String,
    rule: String,
    /// The development case owning stage and dates (R1.23–R1.26), when editing such a member.
    owning_case: Option<i64>,
}
form_helpers!(FormTpl);

async fn form_render(
    st: &AppState,
    u: &PageUser,
    editing: Option<i64>,
    form: MemberForm,
    err: Option<AppError>,
) -> Response {
    let branches = match org_options(st, &u.scope, &[OrgKind::Branch, OrgKind::Group]).await {
        Ok(b) => b,
        Err(e) => return error_page(&e),
    };
    let (error, errors, rule, status) = match &err {
        Some(e) => {
            let (g, f) = split_error(e);
            (
                g,
                f,
                e.rule.clone().unwrap_or_default(),
                StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
            )
        }
        None => (String::new(), FieldErrors::new(), String::new(), StatusCode::OK),
    };
    let (action, cancel) = match editing {
        Some(id) => (format!("/members/{id}/edit"), format!("/members/{id}")),
        None => ("/members".to_string(), "/members".to_string()),
    };
    let owning_case = match editing {
        Some(id) => match crate::service::members::owning_case_id(&st.db, &u.scope, id).await {
            Ok(c) => c,
            Err(e) => return error_page(&e),
        },
        None => None,
    };
    render_status(
        status,
        &FormTpl {
            ctx: Ctx::new(&u.scope, "members", &Flash(String::new())),
            editing: editing.is_some(),
            action,
            cancel,
            form,
            branches,
            genders: Gender::ALL,
            categories: PersonCategory::ALL,
            statuses: MemberStatus::ALL,
            educations: Education::ALL,
            titles: Title::ALL,
            errors,
            error,
            rule,
            owning_case,
        },
    )
}

#[derive(Deserialize, Default)]
struct NewQ {
    #[serde(default)]
    org: String,
}

async fn new_page(State(st): State<AppState>, u: PageUser, Query(q): Query<NewQ>) -> Response {
    if !u.scope.can_write() {
        return error_page(&AppError::forbidden("只读角色不能新增党员"));
    }
    form_render(&st, &u, None, MemberForm { org_id: q.org, ..Default::default() }, None).await
}

fn rejected(e: &AppError) -> bool {
    e.status < 500 && e.status != 403 && e.status != 404
}

async fn create(State(st): State<AppState>, u: PageUser, Form(f): Form<MemberForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let result = match f.to_input() {
        Ok(input) => crate::service::members::create(&st.db, &u.scope, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => see_other(&format!("/members/{}?ok=created", m.row.id)),
        Err(e) if rejected(&e) => form_render(&st, &u, None, f, Some(e)).await,
        Err(e) => error_page(&e),
    }
}

async fn edit_page(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    if !u.scope.can_write() {
        return error_page(&AppError::forbidden("只读角色不能修改"));
    }
    match crate::service::members::profile(&st.db, &u.scope, id).await {
        Ok(p) => form_render(&st, &u, Some(id), MemberForm::from_profile(&p), None).await,
        Err(e) => error_page(&e),
    }
}

async fn edit_submit(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let result = match f.to_input() {
        Ok(input) => crate::service::members::update(&st.db, &u.scope, id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => see_other(&format!("/members/{id}?ok=saved")),
        Err(e) if rejected(&e) => form_render(&st, &u, Some(id), f, Some(e)).await,
        Err(e) => error_page(&e),
    }
}

#[derive(Deserialize, Default)]
struct TransferForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    to_org_id: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize, Default)]
struct StatusForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    special_status: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    note: String,
    /// "1" when a 流动党员 holds a 流动党员活动证 (R5.4).
    #[serde(default)]
    mobile_certificate: String,
}

/// The 党纪处分 form of the profile page (field errors are shown under `penalty_<field>`).
#[derive(Deserialize, Default)]
struct PenaltyForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    period_months: String,
    #[serde(default)]
    restored_on: String,
    #[serde(default)]
    document: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "member/detail.html")]
struct DetailTpl {
    ctx: Ctx,
    p: Profile,
    penalties: Vec<crate::service::penalties::PenaltyView>,
    penalty_kinds: &'static [crate::domain::PenaltyKind],
    pen_form: PenaltyForm,
    branches: Vec<(i64, String)>,
    specials: &'static [SpecialStatus],
    tr_form: TransferForm,
    st_form: StatusForm,
    errors: FieldErrors,
    error: String,
}
form_helpers!(DetailTpl);

impl DetailTpl {
    fn label(&self, v: &str) -> &'static str {
        MemberStatus::parse(v)
            .map(|s| s.label())
            .or_else(|| SpecialStatus::parse(v).map(|s| s.label()))
            .or_else(|| crate::rules::development::ProbationOutcome::parse(v).map(|s| s.label()))
            .unwrap_or("—")
    }
}

/// The form of the profile page that was submitted and refused (re-rendered with its values).
enum Typed {
    Transfer(TransferForm),
    Status(StatusForm),
    Penalty(PenaltyForm),
}

async fn detail_render(
    st: &AppState,
    u: &PageUser,
    flash: &Flash,
    id: i64,
    typed: Option<Typed>,
    err: Option<AppError>,
) -> Response {
    let p = match crate::service::members::profile(&st.db, &u.scope, id).await {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let penalties = match crate::service::penalties::list(&st.db, &u.scope, id).await {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let branches = if u.scope.can_write() {
        org_options(st, &u.scope, &[OrgKind::Branch, OrgKind::Group]).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let (error, errors, status) = match &err {
        Some(e) => {
            let (g, f) = split_error(e);
            (g, f, StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY))
        }
        None => (String::new(), FieldErrors::new(), StatusCode::OK),
    };
    let today = crate::util::fmt_date(crate::util::today());
    let (mut tr, mut sf, mut pf) = (None, None, None);
    match typed {
        Some(Typed::Transfer(f)) => tr = Some(f),
        Some(Typed::Status(f)) => sf = Some(f),
        Some(Typed::Penalty(f)) => pf = Some(f),
        None => {}
    }
    let tr_form = tr.unwrap_or(TransferForm { on: today.clone(), ..Default::default() });
    let st_form = sf.unwrap_or(StatusForm {
        since: today,
        special_status: p.member.row.special_status.as_str().into(),
        mobile_certificate: if p.member.mobile_certificate { "1".into() } else { String::new() },
        ..Default::default()
    });
    render_status(
        status,
        &DetailTpl {
            ctx: Ctx::new(&u.scope, "members", flash),
            p,
            penalties,
            penalty_kinds: crate::domain::PenaltyKind::ALL,
            pen_form: pf.unwrap_or_default(),
            branches,
            specials: SpecialStatus::ALL,
            tr_form,
            st_form,
            errors,
            error,
        },
    )
}

async fn detail(State(st): State<AppState>, u: PageUser, flash: Flash, Path(id): Path<i64>) -> Response {
    detail_render(&st, &u, &flash, id, None, None).await
}

async fn transfer(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<TransferForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let to = opt_id(&f.to_org_id, "to_org_id", &mut errors);
    let on = opt_date(&f.on, "on", &mut errors);
    let result = match (to, on) {
        (Some(to_org_id), Some(on)) if errors.is_empty() => {
            crate::service::members::transfer(
                &st.db,
                &u.scope,
                id,
                TransferInput { to_org_id, on, reason: f.reason.clone() },
            )
            .await
        }
        _ => {
            if to.is_none() {
                errors.entry("to_org_id".into()).or_insert_with(|| "请选择转入的党支部".into());
            }
            if on.is_none() {
                errors.entry("on".into()).or_insert_with(|| "请填写转接日期".into());
            }
            Err(AppError::invalid(errors))
        }
    };
    match result {
        Ok(_) => see_other(&format!("/members/{id}?ok=transferred")),
        Err(e) if rejected(&e) => {
            detail_render(&st, &u, &Flash(String::new()), id, Some(Typed::Transfer(f)), Some(e)).await
        }
        Err(e) => error_page(&e),
    }
}

async fn status(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>, Form(f): Form<StatusForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let since = opt_date(&f.since, "since", &mut errors);
    let special = SpecialStatus::parse(&f.special_status);
    let result = match (special, since) {
        (Some(special_status), Some(since)) if errors.is_empty() => {
            crate::service::members::change_status(
                &st.db,
                &u.scope,
                id,
                StatusInput {
                    special_status,
                    since,
                    note: opt_text(&f.note),
                    mobile_certificate: f.mobile_certificate == "1",
                },
            )
            .await
        }
        _ => {
            if special.is_none() {
                errors.insert("special_status".into(), "请选择状态".into());
            }
            if since.is_none() {
                errors.entry("since".into()).or_insert_with(|| "请填写生效日期".into());
            }
            Err(AppError::invalid(errors))
        }
    };
    match result {
        Ok(_) => see_other(&format!("/members/{id}?ok=status")),
        Err(e) if rejected(&e) => {
            detail_render(&st, &u, &Flash(String::new()), id, Some(Typed::Status(f)), Some(e)).await
        }
        Err(e) => error_page(&e),
    }
}

/// Records a 党纪处分 from the profile page; a refused form re-renders with the typed values.
async fn add_penalty(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<PenaltyForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let mut errors = FieldErrors::new();
    let decided_on = opt_date(&f.decided_on, "decided_on", &mut errors);
    let restored_on = opt_date(&f.restored_on, "restored_on", &mut errors);
    let period_months = match f.period_months.trim() {
        "" => None,
        t => match t.parse::<i32>() {
            Ok(m) => Some(m),
            Err(_) => {
                errors.insert("period_months".into(), "察看期限应为 12 或 24（个月）".into());
                None
            }
        },
    };
    let result = if errors.is_empty() {
        let input = crate::service::penalties::PenaltyInput {
            kind: f.kind.clone(),
            decided_on,
            period_months,
            restored_on,
            document: opt_text(&f.document),
            note: opt_text(&f.note),
        };
        crate::service::penalties::add(&st.db, &u.scope, id, input).await
    } else {
        Err(AppError::invalid(errors))
    };
    match result {
        Ok(_) => see_other(&format!("/members/{id}?ok=saved")),
        Err(mut e) if rejected(&e) => {
            e.fields = std::mem::take(&mut e.fields).into_iter().map(|(k, v)| (format!("penalty_{k}"), v)).collect();
            detail_render(&st, &u, &Flash(String::new()), id, Some(Typed::Penalty(f)), Some(e)).await
        }
        Err(e) => error_page(&e),
    }
}
