//! 发展党员 pages: the 待办 list, opening a case, the case timeline with the next-step form.

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
use crate::domain::{Gender, OrgKind, PersonCategory};
use crate::error::AppError;
use crate::rules::Finding;
use crate::rules::development::{ArchiveStatus, ProbationOutcome, Step, VoteInput};
use crate::service::development::archive::{ArchiveChecklist, ArchiveItemInput, ArchiveUpdate};
use crate::service::development::lookahead::StepCheck;
use crate::service::development::record::{CaseRecord, step_text};
use crate::service::development::{
    CaseDetail, CaseFilter, CaseSummary, CreateCase, EligibleVoters, StepDetails, StepInput,
};
use crate::web::AppState;
use crate::web::auth::{PageUser, check_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/development", get(list).post(create))
        .route("/development/new", get(new_page))
        .route("/development/{id}", get(detail))
        .route("/development/{id}/steps", post(record_step))
        .route("/development/{id}/archive", post(archive_save))
        .route("/development/{id}/print", get(print))
        .route("/development/{id}/record.xlsx", get(record_xlsx))
}

#[derive(Template)]
#[template(path = "development/list.html")]
struct ListTpl {
    ctx: Ctx,
    rows: Vec<CaseSummary>,
    orgs: Vec<(i64, String)>,
    org: String,
    overdue: bool,
    /// "2027 年节假日安排尚未录入，按周末计算" when a date shown falls in such a year.
    calendar_note: String,
}

#[derive(Deserialize, Default)]
struct ListQ {
    #[serde(default)]
    org: String,
    #[serde(default)]
    overdue: String,
}

async fn list(State(st): State<AppState>, u: PageUser, flash: Flash, Query(q): Query<ListQ>) -> Response {
    let overdue = matches!(q.overdue.as_str(), "1" | "true" | "on");
    let filter = CaseFilter { org: q.org.trim().parse().ok(), overdue: Some(overdue) };
    let rows = match crate::service::development::list(&st.db, &u.scope, &filter).await {
        Ok(r) => r,
        Err(e) => return error_page(&e),
    };
    let orgs = match org_options(&st, &u.scope, &[]).await {
        Ok(o) => o,
        Err(e) => return error_page(&e),
    };
    let dates = rows.iter().flat_map(|r| r.due.iter()).flat_map(|d| d.earliest.into_iter().chain(d.latest));
    let calendar_note = match crate::service::settings::calendar(&st.db).await {
        Ok(cal) => cal.coverage_note(dates).unwrap_or_default(),
        Err(e) => return error_page(&e),
    };
    let ctx = Ctx::new(&u.scope, "development", &flash);
    render(&ListTpl { ctx, rows, orgs, org: q.org, overdue, calendar_note })
}

/// The new-case form exactly as typed.
#[derive(Deserialize, Default, Clone)]
struct CaseForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    id_card_no: String,
    #[serde(default)]
    staff_no: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    applied_on: String,
    #[serde(default)]
    details: String,
    /// An existing person picked by search (then the person fields are ignored).
    #[serde(default)]
    person_id: String,
    /// The people search text.
    #[serde(default)]
    q: String,
}

impl CaseForm {
    fn to_input(&self) -> Result<CreateCase, AppError> {
        let mut errors = FieldErrors::new();
        let input = CreateCase {
            person_id: opt_id(&self.person_id, "person_id", &mut errors),
            name: self.name.clone(),
            gender: opt_text(&self.gender).and_then(|s| Gender::parse(&s)),
            birth_date: opt_date(&self.birth_date, "birth_date", &mut errors),
            id_card_no: opt_text(&self.id_card_no),
            staff_no: opt_text(&self.staff_no),
            category: opt_text(&self.category).and_then(|s| PersonCategory::parse(&s)),
            org_id: opt_id(&self.org_id, "org_id", &mut errors),
            applied_on: opt_date(&self.applied_on, "applied_on", &mut errors),
            details: StepDetails { note: opt_text(&self.details), ..Default::default() },
            justification: None,
        };
        if errors.is_empty() { Ok(input) } else { Err(AppError::invalid(errors)) }
    }
}

#[derive(Template)]
#[template(path = "development/new.html")]
struct NewTpl {
    ctx: Ctx,
    form: CaseForm,
    branches: Vec<(i64, String)>,
    genders: &'static [Gender],
    categories: &'static [PersonCategory],
    errors: FieldErrors,
    error: String,
    rule: String,
    /// People found by the search (`q`).
    people: Vec<crate::repo::development_extra::PersonPick>,
    /// The picked existing person.
    picked: Option<crate::repo::development_extra::PersonPick>,
}
form_helpers!(NewTpl);

/// Status, general message, field messages and rule of a refused form.
fn parts(err: Option<&AppError>) -> (StatusCode, String, FieldErrors, String) {
    match err {
        Some(e) => {
            let (g, f) = split_error(e);
            (
                StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
                g,
                f,
                e.rule.clone().unwrap_or_default(),
            )
        }
        None => (StatusCode::OK, String::new(), FieldErrors::new(), String::new()),
    }
}

async fn new_render(st: &AppState, u: &PageUser, form: CaseForm, err: Option<AppError>) -> Response {
    let branches = match org_options(st, &u.scope, &[OrgKind::Branch, OrgKind::Group]).await {
        Ok(b) => b,
        Err(e) => return error_page(&e),
    };
    let (status, error, errors, rule) = parts(err.as_ref());
    let (people, picked) = match pick_people(st, u, &form).await {
        Ok(x) => x,
        Err(e) => return error_page(&e),
    };
    render_status(
        status,
        &NewTpl {
            ctx: Ctx::new(&u.scope, "development", &Flash(String::new())),
            form,
            branches,
            genders: Gender::ALL,
            categories: PersonCategory::ALL,
            errors,
            error,
            rule,
            people,
            picked,
        },
    )
}

type Picks = (Vec<crate::repo::development_extra::PersonPick>, Option<crate::repo::development_extra::PersonPick>);

/// The people search results and the picked person of the new-case form.
async fn pick_people(st: &AppState, u: &PageUser, form: &CaseForm) -> Result<Picks, AppError> {
    let mut conn = st.db.pool.acquire().await?;
    let people = if form.q.trim().is_empty() {
        Vec::new()
    } else {
        crate::repo::development_extra::search_people(&mut conn, &u.scope, &form.q, 30).await?
    };
    let picked = match form.person_id.trim().parse::<i64>() {
        Ok(id) => crate::repo::development_extra::pick_person(&mut conn, &u.scope, id).await?,
        Err(_) => None,
    };
    Ok((people, picked))
}

#[derive(Deserialize, Default)]
struct NewQ {
    #[serde(default)]
    org: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    person_id: String,
}

async fn new_page(State(st): State<AppState>, u: PageUser, Query(q): Query<NewQ>) -> Response {
    if !u.scope.can_write() {
        return error_page(&AppError::forbidden("只读角色不能建立发展档案"));
    }
    new_render(&st, &u, CaseForm { org_id: q.org, q: q.q, person_id: q.person_id, ..Default::default() }, None).await
}

fn rejected(e: &AppError) -> bool {
    e.status < 500 && e.status != 403 && e.status != 404
}

async fn create(State(st): State<AppState>, u: PageUser, Form(f): Form<CaseForm>) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    let result = match f.to_input() {
        Ok(input) => crate::service::development::create(&st.db, &u.scope, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => see_other(&format!("/development/{}?ok=created", c.case.id)),
        Err(e) if rejected(&e) => new_render(&st, &u, f, Some(e)).await,
        Err(e) => error_page(&e),
    }
}

/// The step form exactly as typed.
#[derive(Deserialize, Default, Clone)]
struct StepForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    step: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    people: String,
    #[serde(default)]
    deciding_body: String,
    #[serde(default)]
    meeting: String,
    #[serde(default)]
    materials: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    member_ids: String,
    #[serde(default)]
    eligible_voters: String,
    #[serde(default)]
    present_voters: String,
    #[serde(default)]
    written_opinions: String,
    #[serde(default)]
    yes_votes: String,
    #[serde(default)]
    no_votes: String,
    #[serde(default)]
    abstain_votes: String,
    #[serde(default)]
    training_days: String,
    #[serde(default)]
    training_hours: String,
    #[serde(default)]
    failed: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    extension_months: String,
    #[serde(default)]
    leaving_date: String,
    #[serde(default)]
    present_voter_ids: String,
    #[serde(default)]
    written_opinion_entries: String,
    #[serde(default)]
    justification: String,
    /// `check` (检查: judge without recording) or empty (登记).
    #[serde(default)]
    action: String,
}

/// A non-negative count field, recording a message when it is malformed.
fn count(s: &str, field: &str, errors: &mut FieldErrors) -> Option<u32> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<u32>() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.insert(field.to_string(), "应为非负整数".to_string());
            None
        }
    }
}

impl StepForm {
    fn to_input(&self) -> Result<StepInput, AppError> {
        let mut errors = FieldErrors::new();
        let date = opt_date(&self.date, "date", &mut errors);
        if date.is_none() && !errors.contains_key("date") {
            errors.insert("date".into(), "请填写日期".into());
        }
        let step = Step::parse(self.step.trim());
        if step.is_none() {
            errors.insert("step".into(), "请选择步骤".into());
        }
        let mut ids = Vec::new();
        for part in self.member_ids.split([',', '，', ' ', '、']).filter(|s| !s.trim().is_empty()) {
            match part.trim().parse::<i64>() {
                Ok(id) => ids.push(id),
                Err(_) => {
                    errors.insert("member_ids".into(), "党员编号应为数字，用逗号分隔".into());
                }
            }
        }
        let counts = [
            count(&self.eligible_voters, "eligible_voters", &mut errors),
            count(&self.present_voters, "present_voters", &mut errors),
            count(&self.written_opinions, "written_opinions", &mut errors),
            count(&self.yes_votes, "yes_votes", &mut errors),
            count(&self.no_votes, "no_votes", &mut errors),
            count(&self.abstain_votes, "abstain_votes", &mut errors),
        ];
        let vote = counts.iter().any(Option::is_some).then(|| VoteInput {
            eligible_voters: counts[0].unwrap_or(0),
            present_voters: counts[1].unwrap_or(0),
            written_opinions: counts[2].unwrap_or(0),
            yes_votes: counts[3].unwrap_or(0),
            no_votes: counts[4].unwrap_or(0),
            abstain_votes: counts[5].unwrap_or(0),
        });
        let training_days = count(&self.training_days, "training_days", &mut errors);
        let training_hours = count(&self.training_hours, "training_hours", &mut errors);
        let extension_months = count(&self.extension_months, "extension_months", &mut errors);
        let leaving_date = opt_date(&self.leaving_date, "leaving_date", &mut errors);
        let present_voter_ids = super::meetings::id_list(&self.present_voter_ids, "present_voter_ids", &mut errors);
        let written_opinion_entries =
            super::meetings::written_list(&self.written_opinion_entries, "written_opinion_entries", &mut errors);
        let outcome = match self.outcome.trim() {
            "" => None,
            o => {
                let parsed = ProbationOutcome::parse(o);
                if parsed.is_none() {
                    errors.insert("outcome".into(), "请选择转正、延长预备期或取消预备党员资格".into());
                }
                parsed
            }
        };
        let (Some(step), Some(date), true) = (step, date, errors.is_empty()) else {
            return Err(AppError::invalid(errors));
        };
        let people =
            self.people.split(['，', ',', '、']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
        let details = StepDetails {
            people,
            mentor_ids: if step == Step::MentorAssignment { ids.clone() } else { Vec::new() },
            sponsor_ids: if step == Step::SponsorAssignment { ids } else { Vec::new() },
            deciding_body: opt_text(&self.deciding_body),
            meeting: opt_text(&self.meeting),
            materials: opt_text(&self.materials),
            note: opt_text(&self.details),
            vote,
            passed: (step == Step::PoliticalReview).then_some(self.failed.is_empty()),
            training_days,
            training_hours,
            outcome: if step == Step::ConversionVote { outcome } else { None },
            extension_months: if step == Step::ConversionVote { extension_months } else { None },
            leaving_date,
            present_voter_ids,
            written_opinion_entries,
            ..Default::default()
        };
        Ok(StepInput { step: step.as_str().to_string(), date, details, justification: opt_text(&self.justification) })
    }
}

#[derive(Template)]
#[template(path = "development/detail.html")]
struct DetailTpl {
    ctx: Ctx,
    c: CaseDetail,
    form: StepForm,
    steps: &'static [Step],
    refused: Vec<Finding>,
    needs_justification: bool,
    /// The result of 检查 (nothing saved), shown above the form.
    checked: Option<StepCheck>,
    errors: FieldErrors,
    error: String,
    rule: String,
    /// 应到会有表决权 today (R1.17), computed from the roster, with the excluded members.
    eligible_today: Option<EligibleVoters>,
    /// Materials per step and transfers (R1.9).
    extra: super::devcalendar::CaseExtras,
    /// The R1.28 archive checklist.
    archive: Option<ArchiveChecklist>,
    archive_statuses: &'static [ArchiveStatus],
    outcomes: &'static [ProbationOutcome],
}
form_helpers!(DetailTpl);

impl DetailTpl {
    /// A value of a step body as text (people joined).
    fn body(&self, v: &serde_json::Value, key: &str) -> String {
        match v.get(key) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Array(a)) if !a.is_empty() => a
                .iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join("、"),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    }
}

async fn detail_render(
    st: &AppState,
    u: &PageUser,
    id: i64,
    flash: &Flash,
    form: StepForm,
    err: Option<AppError>,
) -> Response {
    detail_page(st, u, id, flash, form, err, None).await
}

/// The case page; `checked` is the result of 检查 on the typed `form`.
async fn detail_page(
    st: &AppState,
    u: &PageUser,
    id: i64,
    flash: &Flash,
    form: StepForm,
    err: Option<AppError>,
    checked: Option<StepCheck>,
) -> Response {
    let c = match crate::service::development::detail(&st.db, &u.scope, id).await {
        Ok(c) => c,
        Err(e) => return error_page(&e),
    };
    let eligible_today =
        crate::service::development::eligible_for_case(&st.db, &u.scope, id, crate::util::today()).await.ok();
    let needs_justification = err.as_ref().is_some_and(|e| e.code == "warning_needs_justification")
        || checked.as_ref().is_some_and(|k| k.needs_justification);
    let refused = err.as_ref().map(|e| e.findings.clone()).unwrap_or_default();
    let (status, error, errors, rule) = parts(err.as_ref());
    let form = if form.step.is_empty() {
        StepForm { step: c.due.first().map(|d| d.step.as_str().to_string()).unwrap_or_default(), ..form }
    } else {
        form
    };
    render_status(
        status,
        &DetailTpl {
            ctx: Ctx::new(&u.scope, "development", flash),
            c,
            form,
            steps: Step::ALL,
            refused,
            needs_justification,
            checked,
            errors,
            error,
            rule,
            eligible_today,
            extra: super::devcalendar::case_extras(st, &u.scope, id).await,
            archive: crate::service::development::archive::checklist(&st.db, &u.scope, id).await.ok(),
            archive_statuses: ArchiveStatus::ALL,
            outcomes: ProbationOutcome::ALL,
        },
    )
}

async fn detail(State(st): State<AppState>, u: PageUser, flash: Flash, Path(id): Path<i64>) -> Response {
    detail_render(&st, &u, id, &flash, StepForm::default(), None).await
}

async fn record_step(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> Response {
    if let Err(e) = check_csrf(&u.scope, &f.csrf) {
        return error_page(&e);
    }
    if f.action == "check" {
        // 检查: the findings and what would be due, nothing saved; the typed values stay.
        let checked = match f.to_input() {
            Ok(input) => crate::service::development::lookahead::check_step(&st.db, &u.scope, id, input).await,
            Err(e) => Err(e),
        };
        let flash = Flash(String::new());
        return match checked {
            Ok(k) => detail_page(&st, &u, id, &flash, f, None, Some(k)).await,
            Err(e) if rejected(&e) => detail_page(&st, &u, id, &flash, f, Some(e), None).await,
            Err(e) => error_page(&e),
        };
    }
    let result = match f.to_input() {
        Ok(input) => crate::service::development::record_step(&st.db, &u.scope, id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => see_other(&format!("/development/{id}?ok=saved")),
        Err(e) if rejected(&e) => detail_render(&st, &u, id, &Flash(String::new()), f, Some(e)).await,
        Err(e) => error_page(&e),
    }
}

/// The archive checklist form: `item`, `status` and `note` repeated once per item, in order.
async fn archive_save(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let csrf = pairs.iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v.clone()).unwrap_or_default();
    if let Err(e) = check_csrf(&u.scope, &csrf) {
        return error_page(&e);
    }
    let field = |name: &str| pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let (items, statuses, notes) = (field("item"), field("status"), field("note"));
    let items = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| ArchiveItemInput {
            item,
            status: statuses.get(i).cloned().unwrap_or_default(),
            note: notes.get(i).cloned(),
        })
        .collect();
    match crate::service::development::archive::update(&st.db, &u.scope, id, ArchiveUpdate { items }).await {
        Ok(_) => see_other(&format!("/development/{id}?ok=saved#archive")),
        Err(e) if rejected(&e) => detail_render(&st, &u, id, &Flash(String::new()), StepForm::default(), Some(e)).await,
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "development/print.html")]
struct PrintTpl {
    r: CaseRecord,
    today: chrono::NaiveDate,
}

impl PrintTpl {
    fn text(&self, body: &serde_json::Value) -> String {
        step_text(body)
    }

    fn step_label(&self, step: &str) -> String {
        crate::service::development::record::step_label(step)
    }
}

/// The whole record as one printable document.
async fn print(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    match crate::service::development::record::record(&st.db, &u.scope, id).await {
        Ok(r) => render(&PrintTpl { r, today: crate::util::today() }),
        Err(e) => error_page(&e),
    }
}

/// The whole record as xlsx.
async fn record_xlsx(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    let r = match crate::service::development::record::record(&st.db, &u.scope, id).await {
        Ok(r) => r,
        Err(e) => return error_page(&e),
    };
    match crate::service::development::record::to_xlsx(&r) {
        Ok(bytes) => crate::web::api::xlsx_response(bytes, &format!("发展党员记实_{}.xlsx", r.detail.case.name)),
        Err(e) => error_page(&e),
    }
}
