//! Member development use cases (issue 3): open a case, record a step through the rule engine,
//! the 待办 list and the case detail.
//!
//! A step is judged by [`check_step`] over the facts rebuilt from the stored steps plus the new
//! one: a Block finding refuses it (422 naming the rule), a Warn finding needs a recorded
//! justification (422 `warning_needs_justification` until one is given, then an override row per
//! warned rule). Everything happens in one transaction with its audit row.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::scope::Scope;
use crate::db::{Conn, Db, WriteTx};
use crate::domain::{Gender, PersonCategory};
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::development::{self as repo, CaseRow, OverrideRow, StepRow};
use crate::repo::members::{self as members_repo, PersonFields};
use crate::repo::orgs as orgs_repo;
use crate::rules::Finding;
use crate::rules::development::{
    ConversionDecision, Due, Exclusion, ExclusionReason, ProbationOutcome, RuleSet, Stage, Step, VoteInput,
    VoteOutcome, WrittenOpinion, check_step, next_steps, vote_result,
};
use crate::service::require_write;
use crate::service::settings::{RuleConfig, rule_config};

/// The details recorded with a step (stored as the step's JSON body).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StepDetails {
    /// People involved (谈话人, 组织员, …), free text.
    pub people: Vec<String>,
    /// Member ids of the 培养联系人 (step `mentor_assignment`, R1.6).
    pub mentor_ids: Vec<i64>,
    /// Member ids of the 入党介绍人 (step `sponsor_assignment`, R1.10).
    pub sponsor_ids: Vec<i64>,
    /// The deciding body (支部委员会, 党员大会, 党委…).
    pub deciding_body: Option<String>,
    /// The meeting (name, number).
    pub meeting: Option<String>,
    /// Materials expected at this step and where they are ("纸质材料已存档").
    pub materials: Option<String>,
    /// Free note.
    pub note: Option<String>,
    /// Vote counts of `admission_vote` / `conversion_vote`; the result is computed.
    /// `eligible_voters` is computed from the roster (R1.17): leave it 0 or send the same number.
    pub vote: Option<VoteInput>,
    /// Practice exclusions from 应到会有表决权 (R1.17), each a member of the branch roster.
    pub exclusions: Vec<ExclusionInput>,
    /// Vote steps: member ids signed in as present with a vote (签到); gives `present_voters` (R1.17).
    pub present_voter_ids: Vec<i64>,
    /// Vote steps: 书面意见 with their submission dates; only those before the meeting count (R1.16).
    pub written_opinion_entries: Vec<WrittenOpinion>,
    /// 政审 conclusion of `political_review` (required there, R1.11): `true` 合格, `false` 不合格.
    /// A stored step without it (an old record) is not 合格 and blocks admission.
    pub passed: Option<bool>,
    /// Days of `intensive_training`.
    pub training_days: Option<u32>,
    /// Class hours of `intensive_training`.
    pub training_hours: Option<u32>,
    /// Expected date of leaving the unit (R1.13).
    pub leaving_date: Option<NaiveDate>,
    /// 公示 start (2026 rules, `candidate_filing`).
    pub publicity_start: Option<NaiveDate>,
    /// 公示 end.
    pub publicity_end: Option<NaiveDate>,
    /// Objections raised during the 公示 and not yet resolved.
    pub objections_open: Option<bool>,
    /// What `conversion_vote` decides (R1.24): conversion (default), extension or cancellation.
    pub outcome: Option<ProbationOutcome>,
    /// Months of a `probation_extension` (R1.24: 6–12).
    pub extension_months: Option<u32>,
}

/// One practice exclusion from 应到会有表决权 (R1.17).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ExclusionInput {
    /// Member id (must be on the branch roster on the meeting date).
    pub member_id: i64,
    /// Reason from the R1.17 practice list.
    pub reason: ExclusionReason,
}

/// 应到会有表决权 of a case's branch on a date (R1.17), computed from the roster.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EligibleVoters {
    /// The meeting date.
    pub on: NaiveDate,
    /// The computed count.
    pub eligible_voters: u32,
    /// Roster members not counted, with the reason.
    pub excluded: Vec<Exclusion>,
}

/// 应到会有表决权 of a case's branch on `on` (R1.17), for the vote form.
pub async fn eligible_for_case(db: &Db, scope: &Scope, case_id: i64, on: NaiveDate) -> AppResult<EligibleVoters> {
    let mut conn = db.pool.acquire().await?;
    let case = repo::get(&mut conn, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    compute_eligible(&mut conn, case.org_id, on, &[]).await
}

/// Record one step of a case.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct StepInput {
    /// Step id, e.g. `talk`.
    pub step: String,
    /// Date of the step.
    pub date: NaiveDate,
    /// Details.
    #[serde(default)]
    pub details: StepDetails,
    /// Why a warned rule is exceeded (特殊情况说明); needed when the step gives warnings.
    #[serde(default)]
    pub justification: Option<String>,
}

/// Open a case: a new person (name, 身份证号 or birth date and gender) or an existing `person_id`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CreateCase {
    /// An existing person (no member record, no open case).
    pub person_id: Option<i64>,
    /// Name of a new person.
    pub name: String,
    /// Gender (read from the 身份证号 when omitted).
    pub gender: Option<Gender>,
    /// Birth date (read from the 身份证号 when omitted).
    pub birth_date: Option<NaiveDate>,
    /// 身份证号.
    pub id_card_no: Option<String>,
    /// 工号/学号.
    pub staff_no: Option<String>,
    /// Category (default student).
    pub category: Option<PersonCategory>,
    /// The branch holding the case.
    pub org_id: Option<i64>,
    /// Date the application was handed in (step 1).
    pub applied_on: Option<NaiveDate>,
    /// Details of the application step.
    pub details: StepDetails,
    /// Justification for warnings of the application step.
    pub justification: Option<String>,
}

/// One step as shown: the stored row with its label and computed vote result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepView {
    /// Stored row.
    #[serde(flatten)]
    pub row: StepRow,
    /// Flowchart number 1..=25.
    pub number: u32,
    /// Chinese label.
    pub label: String,
    /// Computed vote result of a vote step (通过/未通过/到会人数不足).
    pub vote_outcome: Option<VoteOutcome>,
    /// 应到会有表决权 as computed from the roster when the vote was recorded (R1.17).
    pub eligible_voters: Option<u32>,
    /// Roster members not counted at the vote, as "姓名（理由）".
    pub excluded: Vec<String>,
    /// What a conversion vote decided (R1.24), e.g. "延长预备期 6 个月".
    pub decision: Option<String>,
}

/// A case on the 待办 list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseSummary {
    /// Case.
    #[serde(flatten)]
    pub case: CaseRow,
    /// Chinese label of the stage.
    pub stage_label: String,
    /// Last recorded step (id).
    pub last_step: Option<String>,
    /// Its label.
    pub last_step_label: String,
    /// Its date.
    pub last_step_on: Option<NaiveDate>,
    /// What is due next.
    pub due: Vec<Due>,
    /// Any due step is overdue.
    pub overdue: bool,
}

/// The whole case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    /// Case.
    #[serde(flatten)]
    pub case: CaseRow,
    /// Chinese label of the stage.
    pub stage_label: String,
    /// Steps by date.
    pub steps: Vec<StepView>,
    /// Findings of the recorded steps as judged now (overridden warnings show as Info).
    pub findings: Vec<Finding>,
    /// Justified overrides.
    pub overrides: Vec<OverrideRow>,
    /// What is due next.
    pub due: Vec<Due>,
}

/// 待办 filters.
#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    /// Org whose subtree to list (default: the whole scope).
    pub org: Option<i64>,
    /// Only cases with an overdue step.
    pub overdue: Option<bool>,
}

use crate::service::members::opt_trim;

/// Parses a step id, as 422 on `step`.
fn parse_step(s: &str) -> AppResult<Step> {
    Step::parse(s.trim()).ok_or_else(|| AppError::invalid_field("step", format!("未知的步骤「{s}」")))
}

pub mod archive;
pub mod as_of;
mod due_cache;
/// Rebuilds the rule engine's facts from the stored steps and overrides.
pub(crate) mod facts;
pub mod feed;
pub mod import;
pub mod lookahead;
pub mod materials;
pub mod meeting;
mod outcomes;
pub mod publicity;
pub mod record;
pub mod stats;
pub mod transfer;
mod view;
pub(crate) use facts::insert_overrides;
mod voters;
use facts::{apply_approvers, base_facts, facts, judge, stage_of};
pub use view::decision_text;
use view::view;
pub use voters::NotCountedOpinion;
pub(crate) use voters::{NamedVoters, apply_named_voters, compute_eligible};

/// Opens a case with its application (step 1, R1.2 checked).
pub async fn create(db: &Db, scope: &Scope, input: CreateCase) -> AppResult<CaseDetail> {
    require_write(scope)?;
    let today = crate::util::today();
    let applied_on =
        input.applied_on.ok_or_else(|| AppError::invalid_field("applied_on", "请填写递交入党申请书的日期"))?;
    let org_id = input.org_id.ok_or_else(|| AppError::invalid_field("org_id", "请选择所在党支部"))?;
    let new_person = match input.person_id {
        Some(_) => None,
        None => Some(validate_person(&input)?),
    };
    let justification = opt_trim(&input.justification);
    let mut w = db.begin_write().await?;
    let cfg = rule_config(db, &mut w.tx).await?;
    let org = crate::service::members::member_org(&mut w.tx, scope, org_id, "org_id").await?;
    let (person_id, name, birth_date) = match (input.person_id, new_person) {
        (Some(pid), _) => {
            let (name, birth, is_member) = repo::person(&mut w.tx, pid).await?.ok_or_else(person_missing)?;
            if repo::case_paths_of_person(&mut w.tx, pid).await?.iter().any(|p| !scope.covers(p)) {
                return Err(person_missing());
            }
            if is_member {
                return Err(AppError::invalid_field("person_id", "此人已是党员，不能再建立发展档案"));
            }
            if repo::open_cases_of_person(&mut w.tx, pid).await? > 0 {
                return Err(AppError::invalid_field("person_id", "此人已有进行中的发展档案"));
            }
            (pid, name, birth)
        }
        (None, Some(p)) => {
            let (name, birth) = (p.name.clone(), p.birth_date);
            (members_repo::insert_person(&mut w.tx, &p).await?, name, birth)
        }
        (None, None) => return Err(person_missing()),
    };
    let case = CaseRow {
        id: 0,
        person_id,
        name,
        birth_date,
        org_id: org.id,
        org_name: org.name.clone(),
        org_kind: org.kind,
        org_path: org.path.clone(),
        stage: Stage::Applicant.as_str().to_string(),
        status: "open".to_string(),
        opened_on: applied_on,
        closed_on: None,
    };
    let f = base_facts(&case, &[]);
    let findings = check_step(&f, Step::Application, applied_on, today, &cfg.settings, &cfg.calendar);
    let warned = judge(findings, justification.as_deref())?;
    let id = repo::insert_case(&mut w.tx, person_id, org.id, &org.path, Stage::Applicant.as_str(), applied_on).await?;
    let body = serde_json::to_value(&input.details).unwrap_or(serde_json::Value::Null);
    let step_id =
        repo::insert_step(&mut w.tx, id, Step::Application.as_str(), applied_on, &body, &scope.display_name).await?;
    insert_overrides(&mut w.tx, scope, id, step_id, &warned, justification.as_deref()).await?;
    let detail = load_detail(&mut w.tx, scope, id, today, &cfg).await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "development_case",
            entity_id: Some(id),
            org_path: Some(&org.path),
            summary: format!("建立发展党员档案：{}（{}），{} 递交入党申请书", detail.case.name, org.name, applied_on),
            before: None,
            after: json(&detail),
        },
    )
    .await?;
    w.commit().await?;
    Ok(detail)
}

fn person_missing() -> AppError {
    AppError::invalid_field("person_id", "所选人员不存在或不在您的管理范围内")
}

/// Validates the new person of a case (the member form's rules for name and 身份证号).
fn validate_person(input: &CreateCase) -> AppResult<PersonFields> {
    let mut errs: BTreeMap<String, String> = BTreeMap::new();
    let (name, id_card) = crate::service::members::check_identity(&input.name, &input.id_card_no, &mut errs);
    let id_bad = errs.contains_key("id_card_no");
    if let (Some(id), Some(b)) = (&id_card, input.birth_date)
        && id.birth_date() != b
    {
        errs.insert("birth_date".into(), format!("出生日期与身份证号不一致（身份证号为 {}）", id.birth_date()));
    }
    if let (Some(id), Some(g)) = (&id_card, input.gender)
        && id.gender() != g
    {
        errs.insert("gender".into(), "性别与身份证号不一致".into());
    }
    let birth_date = input.birth_date.or(id_card.as_ref().map(|i| i.birth_date()));
    let gender = input.gender.or(id_card.as_ref().map(|i| i.gender()));
    if birth_date.is_none() && !id_bad {
        errs.insert("birth_date".into(), "请填写出生日期或有效的身份证号".into());
    }
    if gender.is_none() && !id_bad {
        errs.insert("gender".into(), "请选择性别或填写有效的身份证号".into());
    }
    let staff_no = opt_trim(&input.staff_no);
    if staff_no.as_deref().is_some_and(|s| s.chars().count() > 30) {
        errs.insert("staff_no".into(), "工号/学号不能超过30个字符".into());
    }
    let (Some(birth_date), Some(gender)) = (birth_date, gender) else {
        return Err(AppError::invalid(errs));
    };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    Ok(PersonFields {
        name,
        gender,
        ethnicity: None,
        birth_date,
        id_card_no: id_card.map(|i| i.as_str().to_string()),
        staff_no,
        education: None,
        title: None,
        category: input.category.unwrap_or(PersonCategory::Student),
        phone: None,
        enrollment_year: None,
    })
}

/// Records a step: rule check, overrides for justified warnings, the member row on approval.
pub async fn record_step(db: &Db, scope: &Scope, case_id: i64, input: StepInput) -> AppResult<CaseDetail> {
    require_write(scope)?;
    let today = crate::util::today();
    let mut w = db.begin_write().await?;
    let cfg = rule_config(db, &mut w.tx).await?;
    let detail = record_step_in(&mut w, scope, &cfg, case_id, input, today, None, None).await?;
    w.commit().await?;
    Ok(detail)
}

/// The 党员大会 a vote step is recorded at (票决, R1.15–R1.17).
#[derive(Debug, Clone, Copy)]
pub(crate) struct MeetingLink {
    /// `development_meeting.id`, stored on the step row.
    pub id: i64,
    /// The branch holding the meeting: 应到会有表决权 is computed from its roster (subtree).
    pub org_id: i64,
}

/// [`record_step`] inside an open write transaction (the caller checked `require_write` and
/// commits): rule check, overrides, the step row (linked to `meeting` when given), the member row
/// on approval and the step's audit row. Any error leaves the caller to roll back. With `check`
/// (look ahead, [`lookahead::check_step`]) the findings are logged and unjustified warnings pass.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_step_in(
    w: &mut WriteTx,
    scope: &Scope,
    cfg: &RuleConfig,
    case_id: i64,
    input: StepInput,
    today: NaiveDate,
    meeting: Option<MeetingLink>,
    check: Option<&mut lookahead::CheckLog>,
) -> AppResult<CaseDetail> {
    let step = parse_step(&input.step)?;
    let justification = opt_trim(&input.justification);
    let case = repo::get(&mut w.tx, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    if case.status != "open" {
        return Err(AppError::invalid_field("step", "档案已办结，不能再登记步骤"));
    }
    let steps = repo::steps(&mut w.tx, case_id).await?;
    if step != Step::ActivistEducation
        && steps.iter().filter(|s| s.step == step.as_str()).count() >= facts::times_allowed(step, &steps)?
    {
        return Err(AppError::invalid_field("step", format!("「{}」已登记", step.label())));
    }
    let mut details = input.details.clone();
    if step == Step::PoliticalReview && details.passed.is_none() {
        return Err(AppError::invalid_field(
            "passed",
            "请登记政治审查结论（合格或不合格）：政治审查须形成结论性材料，未经政治审查或政治审查不合格的不能发展入党",
        )
        .with_rule("R1.11"));
    }
    let mut eligible = None;
    let mut not_counted = Vec::new();
    if matches!(step, Step::AdmissionVote | Step::ConversionVote)
        && let Some(v) = details.vote.as_mut()
    {
        let voters_org = meeting.map_or(case.org_id, |m| m.org_id);
        let e = compute_eligible(&mut w.tx, voters_org, input.date, &details.exclusions).await?;
        if v.eligible_voters != 0 && v.eligible_voters != e.eligible_voters {
            return Err(AppError::invalid_field(
                "eligible_voters",
                format!("应到会有表决权人数由名册计算为 {}，与填写的 {} 不符", e.eligible_voters, v.eligible_voters),
            ));
        }
        v.eligible_voters = e.eligible_voters;
        eligible = Some(e);
        let named = NamedVoters {
            exclusions: &details.exclusions,
            present_ids: &details.present_voter_ids,
            written: &details.written_opinion_entries,
        };
        not_counted = apply_named_voters(&mut w.tx, voters_org, input.date, named, v, (case.id, &case.name)).await?;
    }
    let d = &details;
    for (field, ids, who) in
        [("mentor_ids", &d.mentor_ids, "培养联系人"), ("sponsor_ids", &d.sponsor_ids, "入党介绍人")]
    {
        for id in ids {
            if members_repo::get(&mut w.tx, scope, *id).await?.is_none() {
                return Err(AppError::invalid_field(
                    field,
                    format!("{who}（党员编号 {id}）不存在或不在您的管理范围内"),
                ));
            }
        }
    }
    if let Some(v) = &d.vote
        && let Err(mut f) = vote_result(v)
    {
        f.subject_kind = crate::rules::development::SUBJECT_CASE.to_string();
        f.subject_id = case.id;
        f.subject_name = case.name.clone();
        return Err(AppError::from_findings(vec![f]));
    }
    let overrides = repo::overrides(&mut w.tx, case_id).await?;
    let mut f = facts(&mut w.tx, &case, &steps, &overrides, Some((step, input.date, d)), true).await?;
    apply_approvers(&mut f, &steps)?;
    // The approving org is the org of the recording user's scope (R1.19), never typed.
    let mut body = serde_json::to_value(d).unwrap_or(serde_json::Value::Null);
    // The result as computed under the settings of the day it was decided (C3), kept with the step.
    if let (Some(v), Some(obj)) = (&d.vote, body.as_object_mut())
        && let Ok(outcome) = crate::rules::development::vote_result_with(v, cfg.settings.strict_majority)
    {
        obj.insert("vote_outcome".into(), serde_json::Value::String(outcome.as_str().to_string()));
    }
    if let (Some(e), Some(obj)) = (&eligible, body.as_object_mut()) {
        obj.insert("excluded".into(), serde_json::to_value(&e.excluded).unwrap_or_default());
    }
    if let (false, Some(obj)) = (not_counted.is_empty(), body.as_object_mut()) {
        obj.insert("written_opinions_not_counted".into(), serde_json::to_value(&not_counted).unwrap_or_default());
    }
    if matches!(step, Step::Approval | Step::ConversionApproval) {
        let kind = orgs_repo::get(&mut w.tx, scope, scope.org_id).await?.map(|o| o.kind);
        if step == Step::Approval {
            f.approving_org_kind = kind;
        } else {
            f.conversion_approving_org_kind = kind;
        }
        if let (Some(k), Some(obj)) = (kind, body.as_object_mut()) {
            obj.insert("approving_org_kind".into(), serde_json::Value::String(k.as_str().to_string()));
        }
    }
    // Judged without the step itself in the map, as the engine expects, except for its details.
    let mut judged = f.clone();
    if steps.iter().all(|s| s.step != step.as_str()) || matches!(step, Step::ConversionVote | Step::ConversionApproval)
    {
        judged.steps.remove(&step);
    }
    // A new record is a new decision: no earlier justification covers it (issue 8 part 6).
    judged.overrides.retain(|o| o.step != step);
    let findings = check_step(&judged, step, input.date, today, &cfg.settings, &cfg.calendar);
    let warned = lookahead::judge_or_log(findings, justification.as_deref(), check)?;
    let meeting_id = meeting.map(|m| m.id);
    let step_id =
        repo::insert_step_at(&mut w.tx, case_id, step.as_str(), input.date, &body, &scope.display_name, meeting_id)
            .await?;
    insert_overrides(&mut w.tx, scope, case_id, step_id, &warned, justification.as_deref()).await?;
    let stage = stage_of(&f);
    let closed = (step == Step::Archive).then_some(input.date);
    repo::update_case(&mut w.tx, case_id, stage.as_str(), closed).await?;
    let mut summary = format!("{}：登记第{}步「{}」（{}）", case.name, step.number(), step.label(), input.date);
    if let Some(e) = &eligible {
        summary.push_str(&format!("，应到会有表决权 {} 人", e.eligible_voters));
        for x in &e.excluded {
            summary.push_str(&format!("；不计入：{}（{}）", x.name, x.reason.label()));
        }
    }
    if step == Step::Approval {
        let joined_on = f.date(Step::AdmissionVote).unwrap_or(input.date);
        outcomes::admit(&mut w.tx, &case, joined_on).await?;
        summary.push_str(&format!("，接收为预备党员（入党日期 {joined_on}）"));
    }
    if step == Step::ConversionApproval
        && let Some(end) = f.probation_end(&cfg.settings)
    {
        let decision = f.conversion_decision.unwrap_or(ConversionDecision::CONVERSION);
        match decision.outcome {
            ProbationOutcome::Conversion => {
                outcomes::convert(&mut w.tx, &case, end).await?;
                summary.push_str(&format!("，转为正式党员（党龄自 {end} 起算）"));
            }
            ProbationOutcome::ProbationExtension => {
                let months = decision.extension_months.unwrap_or(0);
                let new_end = cfg.settings.period_min(end, i32::try_from(months).unwrap_or(0));
                outcomes::extend(&mut w.tx, &case, months, new_end, input.date).await?;
                summary.push_str(&format!("，延长预备期 {months} 个月（至 {new_end}）"));
            }
            ProbationOutcome::ProbationCancelled => {
                outcomes::cancel(&mut w.tx, &case, input.date).await?;
                repo::update_case(&mut w.tx, case_id, stage.as_str(), Some(input.date)).await?;
                summary.push_str("，取消预备党员资格，档案办结");
            }
        }
    }
    if !warned.is_empty() {
        summary.push_str(&format!("；特殊情况说明（{}）：{}", warned.join("、"), justification.unwrap_or_default()));
    }
    let detail = load_detail(&mut w.tx, scope, case_id, today, cfg).await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "record_step",
            entity: "development_case",
            entity_id: Some(case_id),
            org_path: Some(&case.org_path),
            summary,
            before: None,
            after: json(&serde_json::json!({
                "step": step.as_str(), "date": input.date, "details": body, "meeting_id": meeting_id,
            })),
        },
    )
    .await?;
    Ok(detail)
}

/// Loads the whole case as judged on `today`.
async fn load_detail(
    conn: &mut Conn,
    scope: &Scope,
    id: i64,
    today: NaiveDate,
    cfg: &RuleConfig,
) -> AppResult<CaseDetail> {
    let case = repo::get(conn, scope, id).await?.ok_or_else(AppError::not_found)?;
    let steps = repo::steps(conn, id).await?;
    let overrides = repo::overrides(conn, id).await?;
    let mut f = facts(conn, &case, &steps, &overrides, None, true).await?;
    apply_approvers(&mut f, &steps)?;
    let findings = as_of::recorded_findings(&f, &steps, today, cfg);
    let due = if case.status == "open" { next_steps(&f, today, &cfg.settings, &cfg.calendar) } else { Vec::new() };
    let stage_label = Stage::parse(&case.stage).map_or("", Stage::label).to_string();
    let steps = steps.into_iter().map(view).collect();
    Ok(CaseDetail { case, stage_label, steps, findings, overrides, due })
}

/// One case in scope.
pub async fn detail(db: &Db, scope: &Scope, id: i64) -> AppResult<CaseDetail> {
    let mut conn = db.pool.acquire().await?;
    let cfg = rule_config(db, &mut conn).await?;
    load_detail(&mut conn, scope, id, crate::util::today(), &cfg).await
}

/// The 待办 list: open cases in scope (or the `org` subtree), each with what is due next.
pub async fn list(db: &Db, scope: &Scope, filter: &CaseFilter) -> AppResult<Vec<CaseSummary>> {
    let mut conn = db.pool.acquire().await?;
    let path = match filter.org {
        Some(id) => orgs_repo::get(&mut conn, scope, id).await?.ok_or_else(AppError::not_found)?.path,
        None => scope.root_path.clone(),
    };
    let today = crate::util::today();
    let cfg = rule_config(db, &mut conn).await?;
    let version = due_cache::version(&mut conn, &cfg, today).await?;
    let mut rows: Vec<(CaseRow, i64, Option<due_cache::Cached>)> =
        repo::list_open_with_due(&mut conn, db.backend, scope, &path)
            .await?
            .into_iter()
            .map(|(case, cols)| {
                let fresh = due_cache::fresh(&cols, &version);
                (case, cols.revision, fresh)
            })
            .collect();
    // Cases whose cached 待办 is missing or stale are rebuilt from their steps (next_steps).
    let ids: Vec<i64> = rows.iter().filter(|r| r.2.is_none()).map(|r| r.0.id).collect();
    let mut computed = Vec::with_capacity(ids.len());
    if !ids.is_empty() {
        let mut steps_by_case: BTreeMap<i64, Vec<StepRow>> = BTreeMap::new();
        for s in repo::steps_of_cases(&mut conn, &ids).await? {
            steps_by_case.entry(s.case_id).or_default().push(s);
        }
        let mut overrides_by_case: BTreeMap<i64, Vec<OverrideRow>> = BTreeMap::new();
        for (case_id, o) in repo::overrides_of_cases(&mut conn, &ids).await? {
            overrides_by_case.entry(case_id).or_default().push(o);
        }
        let notices = publicity::open_cases_facts(&mut conn, &path).await?;
        let transfers = transfer::open_cases_dates(&mut conn, &path).await?;
        for (case, revision, fresh) in rows.iter_mut().filter(|r| r.2.is_none()) {
            let steps = steps_by_case.remove(&case.id).unwrap_or_default();
            let overrides = overrides_by_case.remove(&case.id).unwrap_or_default();
            let mut f = facts(&mut conn, case, &steps, &overrides, None, false).await?;
            apply_approvers(&mut f, &steps)?;
            publicity::apply(&mut f, notices.get(&case.id));
            transfer::apply(&mut f, transfers.get(&case.id).map_or(&[][..], Vec::as_slice));
            let due = next_steps(&f, today, &cfg.settings, &cfg.calendar);
            let last = steps.iter().max_by_key(|s| (s.done_on, s.id));
            let cached = due_cache::Cached {
                last_step: last.map(|l| l.step.clone()),
                last_step_on: last.map(|l| l.done_on),
                due,
            };
            computed.push((case.id, *revision, cached.clone()));
            *fresh = Some(cached);
        }
    }
    drop(conn);
    due_cache::store(db, &version, &computed).await;
    let mut out = Vec::with_capacity(rows.len());
    for (case, _, cached) in rows {
        let Some(mut cached) = cached else { continue };
        for d in &mut cached.due {
            d.overdue = d.latest.is_some_and(|l| today > l);
        }
        let overdue = cached.due.iter().any(|d| d.overdue);
        if filter.overdue == Some(true) && !overdue {
            continue;
        }
        let last_step_label = cached.last_step.as_deref().and_then(Step::parse).map_or("", Step::label).to_string();
        out.push(CaseSummary {
            stage_label: Stage::parse(&case.stage).map_or("", Stage::label).to_string(),
            last_step: cached.last_step,
            last_step_label,
            last_step_on: cached.last_step_on,
            due: cached.due,
            overdue,
            case,
        });
    }
    Ok(out)
}
