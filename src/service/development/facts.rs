//! Building a case's `CaseFacts` from its stored steps, and judging the rule engine's findings.

use super::*;
use crate::db::Conn;
use crate::domain::{MemberStatus, OrgKind};
use crate::error::{AppError, AppResult};
use crate::repo::development::{CaseRow, OverrideRow, StepRow};
use crate::rules::development::{
    ActorHistory, CaseFacts, ConversionDecision, Override, PersonStanding, PoliticalReview, ProbationOutcome,
    Publicity, Stage, Step, Training, standing_on,
};
use crate::rules::{Finding, Severity};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

pub(super) async fn facts(
    conn: &mut Conn,
    case: &CaseRow,
    steps: &[StepRow],
    overrides: &[OverrideRow],
    extra: Option<(Step, NaiveDate, &StepDetails)>,
    with_people: bool,
) -> AppResult<CaseFacts> {
    let mut f = base_facts(case, overrides);
    let mut all: Vec<(Step, NaiveDate, StepDetails)> =
        steps.iter().map(|s| stored_step(s).map(|(step, d)| (step, s.done_on, d))).collect::<AppResult<_>>()?;
    if let Some((step, on, d)) = extra {
        all.push((step, on, d.clone()));
    }
    let ids: Vec<i64> = if !with_people {
        Vec::new()
    } else {
        all.iter()
            .flat_map(|(_, _, d)| d.mentor_ids.iter().chain(d.sponsor_ids.iter()).copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    // Each person named is judged as of the date of the step naming them (R1.6, R1.10).
    let mut histories: BTreeMap<i64, ActorHistory> =
        crate::repo::actors::histories(conn, &ids).await?.into_iter().map(|h| (h.member_id, h)).collect();
    for (id, p) in crate::service::penalties::by_member(conn, &ids).await? {
        if let Some(h) = histories.get_mut(&id) {
            h.penalties = p;
        }
    }
    let standing = |id: &i64, on: NaiveDate| match histories.get(id) {
        Some(h) => standing_on(h, on),
        None => PersonStanding { status: MemberStatus::Probationary, ..PersonStanding::full(*id, &format!("#{id}")) },
    };
    for (step, on, d) in &all {
        apply(&mut f, *step, *on, d, &|id: &i64| standing(id, *on));
    }
    // An approved extension is part of probation unless that approval is the step being judged.
    if extra.map(|e| e.0) != Some(Step::ConversionApproval) {
        fold_extension_round(&mut f);
    }
    if with_people {
        f.archive_missing = super::archive::missing(conn, case.id).await?;
    }
    // Activist stretches across transfers (R1.9); the 待办 list loads them in bulk.
    if with_people {
        let moves = super::transfer::case_dates(conn, case.id).await?;
        super::transfer::apply(&mut f, &moves);
    }
    // The stored 公示 notice and its open objections (R1.8); the 待办 list loads them in bulk.
    if with_people {
        let p = super::publicity::case_facts(conn, case.id).await?;
        super::publicity::apply(&mut f, p.as_ref());
        (f.mobile, f.located_publicity) = super::publicity::located_facts(conn, case.id).await?;
    }
    Ok(f)
}

/// The step and details of a stored step. An unknown step id or an unreadable body is a data
/// error (500 "数据异常", logged): never skipped, never read as empty details.
pub(super) fn stored_step(s: &StepRow) -> AppResult<(Step, StepDetails)> {
    let step = <Step as crate::domain::enums::Stored>::from_stored(&s.step)
        .map_err(|e| AppError::data_corrupt(anyhow::anyhow!("development_step {}: {e}", s.id)))?;
    Ok((step, stored_details(s)?))
}

/// The details of a stored step (see [`stored_step`]).
pub(super) fn stored_details(s: &StepRow) -> AppResult<StepDetails> {
    serde_json::from_value(s.body.clone())
        .map_err(|e| AppError::data_corrupt(anyhow::anyhow!("development_step {} body: {e}", s.id)))
}

/// Facts with no step yet.
pub(super) fn base_facts(case: &CaseRow, overrides: &[OverrideRow]) -> CaseFacts {
    let mut f = CaseFacts::new(case.id, &case.name, case.birth_date, case.org_kind);
    // Each override covers the warning of its rule at the step record it was given for.
    f.overrides = overrides
        .iter()
        .filter_map(|o| {
            let step = Step::parse(o.step.as_deref()?)?;
            Some(Override { rule: o.rule.clone(), reason: o.reason.clone(), step, round: o.round })
        })
        .collect();
    f
}

/// Adds one step and its details to the facts. The approving org's kind is stored in the body
/// under `approving_org_kind` by the service (never typed).
pub(super) fn apply(
    f: &mut CaseFacts,
    step: Step,
    on: NaiveDate,
    d: &StepDetails,
    standing: &dyn Fn(&i64) -> PersonStanding,
) {
    // A new conversion vote after an approved extension starts a new round (R1.24).
    if step == Step::ConversionVote {
        fold_extension_round(f);
    }
    // The first date of a step counts; `activist_education` may be recorded every half year.
    f.steps.entry(step).or_insert(on);
    match step {
        Step::ActivistEducation => f.activist_assessments.push(on),
        Step::MentorAssignment => f.mentors = d.mentor_ids.iter().map(standing).collect(),
        Step::SponsorAssignment => f.sponsors = d.sponsor_ids.iter().map(standing).collect(),
        // A 政审 recorded without its conclusion is not 合格 (R1.11): the engine sees `None`.
        Step::PoliticalReview => f.political_review = Some(PoliticalReview { passed: d.passed, concluded_on: on }),
        // Neither days nor hours recorded: the training is missing, not "0 days".
        Step::IntensiveTraining if d.training_days.is_none() && d.training_hours.is_none() => {}
        Step::IntensiveTraining => {
            f.training = Some(Training { days: d.training_days.unwrap_or(0), hours: d.training_hours.unwrap_or(0) })
        }
        Step::AdmissionVote => f.admission_vote = d.vote,
        Step::ConversionVote => {
            f.conversion_vote = d.vote;
            f.conversion_decision = Some(ConversionDecision {
                outcome: d.outcome.unwrap_or(ProbationOutcome::Conversion),
                extension_months: d.extension_months,
            });
        }
        _ => {}
    }
    if let (Some(start), Some(end)) = (d.publicity_start, d.publicity_end) {
        f.publicity = Some(Publicity { start, end, objections_open: d.objections_open.unwrap_or(false) });
    }
    if d.leaving_date.is_some() {
        f.leaving_date = d.leaving_date;
    }
}

/// An approved extension (conversion vote deciding `probation_extension` + its approval) becomes
/// part of probation; the vote and approval are due again after the extended end (R1.24).
pub(super) fn fold_extension_round(f: &mut CaseFacts) {
    let Some(d) = f.conversion_decision else { return };
    if d.outcome != ProbationOutcome::ProbationExtension
        || f.date(Step::ConversionVote).is_none()
        || f.date(Step::ConversionApproval).is_none()
    {
        return;
    }
    f.probation_extensions.push(d.extension_months.unwrap_or(0));
    f.steps.remove(&Step::ConversionVote);
    f.steps.remove(&Step::ConversionApproval);
    f.conversion_vote = None;
    f.conversion_decision = None;
    f.conversion_approving_org_kind = None;
}

/// How many times `step` may be stored: conversion vote and approval once per round, a new round
/// after each approved extension (R1.24); every other step once.
pub(super) fn times_allowed(step: Step, steps: &[StepRow]) -> AppResult<usize> {
    if !matches!(step, Step::ConversionVote | Step::ConversionApproval) {
        return Ok(1);
    }
    let mut extension_pending = false;
    let mut closed = 0;
    for s in steps {
        if s.step == Step::ConversionVote.as_str() {
            let d = stored_details(s)?;
            extension_pending = d.outcome == Some(ProbationOutcome::ProbationExtension);
        } else if s.step == Step::ConversionApproval.as_str() && extension_pending {
            closed += 1;
            extension_pending = false;
        }
    }
    Ok(1 + closed)
}

/// The kind of the org recording an approval is stored with the step (R1.19).
#[derive(Deserialize)]
pub(super) struct Approver {
    approving_org_kind: Option<OrgKind>,
}

/// The approving org's kind stored with an approval; `None` when not recorded (the engine then
/// blocks what depends on it, R1.19); an unknown kind is a data error.
pub(super) fn approver_kind(body: &serde_json::Value) -> AppResult<Option<OrgKind>> {
    serde_json::from_value::<Approver>(body.clone())
        .map(|a| a.approving_org_kind)
        .map_err(|e| AppError::data_corrupt(anyhow::anyhow!("approving_org_kind: {e}")))
}

/// Applies the stored approver kinds (kept outside [`StepDetails`] so they cannot be typed).
pub(super) fn apply_approvers(f: &mut CaseFacts, steps: &[StepRow]) -> AppResult<()> {
    for s in steps {
        match Step::parse(&s.step) {
            Some(Step::Approval) => f.approving_org_kind = approver_kind(&s.body)?,
            Some(Step::ConversionApproval) => f.conversion_approving_org_kind = approver_kind(&s.body)?,
            _ => {}
        }
    }
    Ok(())
}

/// Block findings refuse; warnings not covered by an override need a justification.
pub(crate) fn judge(findings: Vec<Finding>, justification: Option<&str>) -> AppResult<Vec<String>> {
    if findings.iter().any(Finding::is_block) {
        return Err(AppError::from_findings(findings));
    }
    let warns: Vec<Finding> = findings.into_iter().filter(|f| f.severity == Severity::Warn).collect();
    if warns.is_empty() {
        return Ok(Vec::new());
    }
    if justification.is_some() {
        let rules: BTreeSet<String> = warns.iter().map(|f| f.rule.clone()).collect();
        return Ok(rules.into_iter().collect());
    }
    let mut fields = BTreeMap::new();
    fields.insert("justification".to_string(), "存在需说明理由的警告，请填写特殊情况说明后再提交".to_string());
    let mut e = AppError::invalid(fields).with_code("warning_needs_justification", 422);
    e.message = format!(
        "{}；如属特殊情况，请填写特殊情况说明后再提交",
        warns.iter().map(|f| f.message_zh.clone()).collect::<Vec<_>>().join("；")
    );
    e.rule = warns.first().map(|f| f.rule.clone());
    e.findings = warns;
    Err(e)
}

/// One override row per warned rule, keyed to the step record it justifies.
pub(crate) async fn insert_overrides(
    conn: &mut Conn,
    scope: &crate::auth::scope::Scope,
    case_id: i64,
    step_id: i64,
    warned: &[String],
    justification: Option<&str>,
) -> AppResult<()> {
    for rule in warned {
        repo::insert_override(conn, case_id, step_id, rule, justification.unwrap_or(""), &scope.display_name).await?;
    }
    Ok(())
}

/// The stage of the furthest recorded step.
pub(super) fn stage_of(f: &CaseFacts) -> Stage {
    f.steps.keys().max().map_or(Stage::Applicant, |s| s.stage())
}
