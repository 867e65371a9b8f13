//! 票决 pages: record a 党支部党员大会 deciding one or more candidates (R1.15–R1.17, R1.25), and
//! the result table of a recorded meeting.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::{
    Ctx, FieldErrors, Flash, error_page, form_helpers, opt_date, opt_id, opt_text, org_options, render, render_status,
    see_other, split_error,
};
use crate::domain::OrgKind;
use crate::error::AppError;
use crate::rules::Finding;
use crate::rules::development::{ExclusionReason, MeetingKind, ProbationOutcome, WrittenOpinion};
use crate::service::development::ExclusionInput;
use crate::service::development::meeting::{self as svc, BallotInput, MeetingInput, MeetingPreview, MeetingView};
use crate::web::AppState;
use crate::web::auth::{PageUser, check_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/development/meetings", get(list).post(create))
        .route("/development/meetings/new", get(new_page))
        .route("/development/meetings/{id}", get(detail))
}

/// Practice exclusion rows offered on the form.
const EXCLUSION_ROWS: usize = 3;

/// The meeting form exactly as typed: every field by name (per candidate `c_{id}`, `yes_{id}`, …).
#[derive(Debug, Default, Clone)]
struct MeetingForm {
    fields: Vec<(String, String)>,
}

impl MeetingForm {
    /// The typed value of a field, or "".
    fn v(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    fn set(&mut self, name: &str, value: &str) {
        match self.fields.iter_mut().find(|(k, _)| k == name) {
            Some(f) => f.1 = value.to_string(),
            None => self.fields.push((name.to_string(), value.to_string())),
        }
    }

    /// Case ids of the candidates ticked on the form, in form order.
    fn ticked(&self) -> Vec<i64> {
        self.fields
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("c_").filter(|_| !v.is_empty()).and_then(|id| id.parse().ok()))
            .collect()
    }

    fn to_input(&self) -> Result<MeetingInput, AppError> {
        let mut errors = FieldErrors::new();
        let org_id = opt_id(self.v("org"), "org_id", &mut errors);
        let kind = MeetingKind::parse(self.v("kind"));
        let held_on = opt_date(self.v("held_on"), "held_on", &mut errors);
        let present_voters = count(self.v("present_voters"), "present_voters", &mut errors);
        let written_opinions = count(self.v("written_opinions"), "written_opinions", &mut errors);
        let mut exclusions = Vec::new();
        for i in 0..EXCLUSION_ROWS {
            let field = format!("excl_member_{i}");
            let Some(member_id) = opt_id(self.v(&field), "exclusions", &mut errors) else { continue };
            match ExclusionReason::parse(self.v(&format!("excl_reason_{i}"))) {
                Some(reason) => exclusions.push(ExclusionInput { member_id, reason }),
                None => {
                    errors.insert("exclusions".into(), "请为不计入应到人数的党员选择理由".into());
                }
            }
        }
        let present_voter_ids = id_list(self.v("present_voter_ids"), "present_voter_ids", &mut errors);
        let written_opinion_entries =
            written_list(self.v("written_opinion_entries"), "written_opinion_entries", &mut errors);
        let mut ballots = Vec::new();
        for id in self.ticked() {
            ballots.push(BallotInput {
                case_ids: vec![id],
                yes_votes: count(self.v(&format!("yes_{id}")), &format!("ballot_{id}"), &mut errors),
                no_votes: count(self.v(&format!("no_{id}")), &format!("ballot_{id}"), &mut errors),
                abstain_votes: count(self.v(&format!("abstain_{id}")), &format!("ballot_{id}"), &mut errors),
                justification: opt_text(self.v(&format!("just_{id}"))),
                outcome: ProbationOutcome::parse(self.v(&format!("outcome_{id}"))),
                extension_months: match self.v(&format!("ext_{id}")).trim() {
                    "" => None,
                    t => Some(count(t, &format!("ballot_{id}"), &mut errors)),
                },
            });
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors));
        }
        Ok(MeetingInput {
            org_id,
            kind,
            held_on,
            present_voters,
            written_opinions,
            exclusions,
            present_voter_ids,
            written_opinion_entries,
            note: opt_text(self.v("note")),
            ballots,
        })
    }
}

/// Member ids typed as "12, 34 56" (签到 of 实到会有表决权的党员).
pub(super) fn id_list(s: &str, field: &str, errors: &mut FieldErrors) -> Vec<i64> {
    let mut ids = Vec::new();
    for part in s.split([',', '，', ' ', '、', '\n', '\r', '\t']).filter(|p| !p.trim().is_empty()) {
        match part.trim().parse::<i64>() {
            Ok(id) => ids.push(id),
            Err(_) => {
                errors.insert(
                    field.to_string(),
                    format!("「{}」不是党员编号；党员编号应为数字，用逗号分隔", part.trim()),
                );
            }
        }
    }
    ids
}

/// 书面意见 typed one a line as "党员编号 提交日期" (e.g. "12 2026-03-09"; R1.16).
pub(super) fn written_list(s: &str, field: &str, errors: &mut FieldErrors) -> Vec<WrittenOpinion> {
    let mut out = Vec::new();
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.split([',', '，', ' ', '\t', '、']).filter(|p| !p.trim().is_empty());
        let id = parts.next().and_then(|p| p.trim().parse::<i64>().ok());
        let on = parts.next().and_then(|p| crate::excel::parse_date_loose(p.trim()));
        match (id, on) {
            (Some(member_id), Some(submitted_on)) => out.push(WrittenOpinion { member_id, submitted_on }),
            _ => {
                errors.insert(field.to_string(), format!("「{line}」应写作“党员编号 提交日期”，如 12 2026-03-09"));
            }
        }
    }
    out
}

/// A count field: empty is 0; anything but a non-negative integer records a message.
fn count(s: &str, field: &str, errors: &mut FieldErrors) -> u32 {
    let t = s.trim();
    if t.is_empty() {
        return 0;
    }
    t.parse::<u32>().unwrap_or_else(|_| {
        errors.insert(field.to_string(), "票数和人数应为非负整数".to_string());
        0
    })
}

#[derive(Template)]
#[template(path = "development/meeting_new.html")]
struct NewTpl {
    ctx: Ctx,
    form: MeetingForm,
    branches: Vec<(i64, String)>,
    kinds: &'static [MeetingKind],
    outcomes: &'static [ProbationOutcome],
    reasons: Vec<ExclusionReason>,
    rows: Vec<usize>,
    preview: Option<MeetingPreview>,
    errors: FieldErrors,
    error: String,
    rule: String,
    refused: Vec<Finding>,
}
form_helpers!(NewTpl);

impl NewTpl {
    /// The typed value of a field.
    fn v(&self, name: &str) -> &str {
        self.form.v(name)
    }
    /// The typed value of a per-candidate or per-row field `{prefix}_{id}`.
    fn vi(&self, prefix: &str, id: &i64) -> &str {
        self.form.v(&format!("{prefix}_{id}"))
    }
    /// The typed value of exclusion row `i`.
    fn vr(&self, prefix: &str, i: &usize) -> &str {
        self.form.v(&format!("{prefix}_{i}"))
    }
    /// The error of one candidate, or "".
    fn cerr(&self, id: &i64) -> &str {
        self.errors.get(&format!("ballot_{id}")).map_or("", String::as_str)
    }
}

#[derive(Deserialize, Default)]
struct NewQ {
    #[serde(default)]
    org: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    on: String,
}

async fn new_render(st: &AppState, u: &PageUser, mut form: MeetingForm, err: Option<AppError>) -> Response {
    let branches = match org_options(st, &u.scope, &[OrgKind::Branch]).await {
        Ok(b) => b,
        Err(e) => return error_page(&e),
    };
    // Default branch: the user's own, or the only one in scope.
    let own =
        branches.iter().find(|b| b.0 == u.scope.org_id).or(if branches.len() == 1 { branches.first() } else { None });
    if form.v("org").is_empty()
        && let Some((id, _)) = own
    {
        form.set("org", &id.to_string());
    }
    if form.v("kind").is_empty() {
        form.set("kind", MeetingKind::Admission.as_str());
    }
    if form.v("held_on").is_empty() {
        form.set("held_on", &crate::util::today().to_string());
    }
    let kind = MeetingKind::parse(form.v("kind")).unwrap_or(MeetingKind::Admission);
    let on = chrono::NaiveDate::parse_from_str(form.v("held_on").trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| crate::util::today());
    // The preview shows the roster count with the typed practice exclusions when they are valid.
    let exclusions = form.to_input().map(|i| i.exclusions).unwrap_or_default();
    let preview = match form.v("org").trim().parse::<i64>() {
        Ok(org) => match svc::preview(&st.db, &u.scope, org, kind, on, &exclusions).await {
            Ok(p) => Some(p),
            Err(e) if e.status == 404 => return error_page(&e),
            // Invalid exclusions: show the count without them; the error is on the form.
            Err(_) => svc::preview(&st.db, &u.scope, org, kind, on, &[]).await.ok(),
        },
        Err(_) => None,
    };
    // Candidates of the meeting that are no longer due (e.g. a refused re-submission) stay ticked
    // only if they are listed; default: every due candidate ticked on first display.
    if err.is_none()
        && form.ticked().is_empty()
        && form.v("_csrf").is_empty()
        && let Some(p) = &preview
    {
        for c in &p.candidates {
            form.set(&format!("c_{}", c.case_id), "1");
        }
    }
    let (status, error, errors, rule) = match err.as_ref() {
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
    };
    let refused = err.as_ref().map(|e| e.findings.clone()).unwrap_or_default();
    render_status(
        status,
        &NewTpl {
            ctx: Ctx::new(&u.scope, "development", &Flash(String::new())),
            form,
            branches,
            kinds: MeetingKind::ALL,
            outcomes: ProbationOutcome::ALL,
            reasons: ExclusionReason::ALL.iter().copied().filter(|r| r.needs_approval()).collect(),
            rows: (0..EXCLUSION_ROWS).collect(),
            preview,
            errors,
            error,
            rule,
            refused,
        },
    )
}

async fn new_page(State(st): State<AppState>, u: PageUser, Query(q): Query<NewQ>) -> Response {
    if !u.scope.can_write() {
        return error_page(&AppError::forbidden("只读角色不能登记党员大会表决"));
    }
    let mut form = MeetingForm::default();
    form.set("org", &q.org);
    form.set("kind", &q.kind);
    form.set("held_on", &q.on);
    new_render(&st, &u, form, None).await
}

fn rejected(e: &AppError) -> bool {
    e.status < 500 && e.status != 403 && e.status != 404
}

async fn create(State(st): State<AppState>, u: PageUser, Form(fields): Form<Vec<(String, String)>>) -> Response {
    let form = MeetingForm { fields };
    if let Err(e) = check_csrf(&u.scope, form.v("_csrf")) {
        return error_page(&e);
    }
    let result = match form.to_input() {
        Ok(input) => svc::record_meeting(&st.db, &u.scope, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => see_other(&format!("/development/meetings/{}?ok=saved", m.row.id)),
        Err(e) if rejected(&e) => new_render(&st, &u, form, Some(e)).await,
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "development/meeting_detail.html")]
struct DetailTpl {
    ctx: Ctx,
    m: MeetingView,
}

async fn detail(State(st): State<AppState>, u: PageUser, flash: Flash, Path(id): Path<i64>) -> Response {
    match svc::get(&st.db, &u.scope, id).await {
        Ok(m) => render(&DetailTpl { ctx: Ctx::new(&u.scope, "development", &flash), m }),
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "development/meeting_list.html")]
struct ListTpl {
    ctx: Ctx,
    rows: Vec<MeetingView>,
    org: String,
}

#[derive(Deserialize, Default)]
struct ListQ {
    #[serde(default)]
    org: String,
}

async fn list(State(st): State<AppState>, u: PageUser, flash: Flash, Query(q): Query<ListQ>) -> Response {
    match svc::list(&st.db, &u.scope, q.org.trim().parse().ok()).await {
        Ok(rows) => render(&ListTpl { ctx: Ctx::new(&u.scope, "development", &flash), rows, org: q.org }),
        Err(e) => error_page(&e),
    }
}
