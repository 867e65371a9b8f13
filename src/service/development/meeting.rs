//! 票决: one 党支部党员大会 deciding one or more candidates (RULES.md R1.15–R1.17, R1.25).
//!
//! 应到会有表决权 is computed from the branch roster on the meeting date (its 党小组 included), each
//! candidate is voted on separately (R1.16) and gets an outcome computed from the counts, never
//! typed. A candidate who passes gets the vote step recorded through [`record_step_in`], so every
//! rule of the engine applies to them. A failed or inquorate vote is an outcome of the meeting, not
//! a step: the engine refuses it as a step (checks.rs), so the case stays due for the vote and the
//! meeting keeps the result; the candidate's other rules (order, training, 政审…) are still checked.
//! Any refusal of any candidate rolls the whole meeting back.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    ExclusionInput, MeetingLink, NamedVoters, NotCountedOpinion, StepDetails, StepInput, apply_approvers,
    apply_named_voters, compute_eligible, facts, opt_trim, record_step_in,
};
use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::domain::OrgKind;
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::development::{self as repo, CaseRow};
use crate::repo::meetings::{self as meetings_repo, MeetingRow, NewMeeting};
use crate::repo::orgs as orgs_repo;
use crate::rules::Finding;
use crate::rules::development::{
    Ballot, BallotCandidate, Exclusion, ExclusionReason, MeetingCounts, MeetingKind, Step, VoteOutcome, WrittenOpinion,
    check_ballots, check_step, meeting_outcome, meeting_outcome_with,
};
use crate::service::require_write;
use crate::service::settings::{RuleConfig, rule_config};

/// One ballot entry: the candidate(s) it covers and the counts (written opinions included).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BallotInput {
    /// Case ids voted on by this entry: exactly one (逐个表决, R1.16).
    pub case_ids: Vec<i64>,
    /// 赞成.
    pub yes_votes: u32,
    /// 反对.
    pub no_votes: u32,
    /// 弃权.
    pub abstain_votes: u32,
    /// 特殊情况说明 for warnings of this candidate's vote step.
    pub justification: Option<String>,
    /// Conversion meetings: what is decided for this candidate (R1.24; default conversion).
    #[serde(default)]
    pub outcome: Option<crate::rules::development::ProbationOutcome>,
    /// Conversion meetings: months of a `probation_extension` (6–12).
    #[serde(default)]
    pub extension_months: Option<u32>,
}

/// A 党支部党员大会 to record.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MeetingInput {
    /// The branch holding the meeting.
    pub org_id: Option<i64>,
    /// What it decides: `admission` (接收预备党员) or `conversion` (预备党员转正).
    pub kind: Option<MeetingKind>,
    /// Date held.
    pub held_on: Option<NaiveDate>,
    /// 实到会有表决权的党员人数.
    pub present_voters: u32,
    /// Written opinions submitted before the meeting by voting members who could not attend.
    pub written_opinions: u32,
    /// Practice exclusions from 应到会有表决权 (R1.17), each a member of the branch roster.
    pub exclusions: Vec<ExclusionInput>,
    /// Member ids signed in as present with a vote (签到): gives `present_voters`; a 预备党员,
    /// 停止党籍 or 留党察看 member on the meeting date is refused (R1.17).
    pub present_voter_ids: Vec<i64>,
    /// 书面意见 with their submission dates: only those before the meeting count (R1.16) and give
    /// `written_opinions`; later ones are kept as not counted.
    pub written_opinion_entries: Vec<WrittenOpinion>,
    /// Minutes (会议记录摘要).
    pub note: Option<String>,
    /// One entry per candidate.
    pub ballots: Vec<BallotInput>,
}

/// One candidate's result at a meeting.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CandidateResult {
    /// Case id.
    pub case_id: i64,
    /// Name.
    pub name: String,
    /// 赞成.
    pub yes_votes: u32,
    /// 反对.
    pub no_votes: u32,
    /// 弃权.
    pub abstain_votes: u32,
    /// Computed outcome (passed / failed / no_quorum).
    pub outcome: Option<VoteOutcome>,
    /// Its label.
    pub outcome_label: String,
    /// The vote step was recorded on the case (passed votes only).
    pub step_recorded: bool,
}

/// A recorded meeting with each candidate's computed outcome.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    /// The stored row.
    #[serde(flatten)]
    pub row: MeetingRow,
    /// Chinese label of the kind.
    pub kind_label: String,
    /// Roster members not counted in 应到会有表决权, with the reason.
    pub excluded: Vec<Exclusion>,
    /// Members signed in as present with a vote (签到), when listed.
    pub present_voter_ids: Vec<i64>,
    /// 书面意见 counted (submitted before the meeting), when listed.
    pub written_opinion_entries: Vec<WrittenOpinion>,
    /// 书面意见 not counted: submitted on or after the meeting date (R1.16).
    pub written_opinions_not_counted: Vec<NotCountedOpinion>,
    /// Minutes.
    pub note: Option<String>,
    /// Candidates in ballot order.
    pub candidates: Vec<CandidateResult>,
}

/// A candidate the branch may put to the vote (for the form).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DueCandidate {
    /// Case id.
    pub case_id: i64,
    /// Name.
    pub name: String,
    /// Org holding the case (the branch or one of its 党小组).
    pub org_name: String,
    /// Earliest date of the vote, if known.
    pub earliest: Option<NaiveDate>,
    /// Latest date, if any.
    pub latest: Option<NaiveDate>,
}

/// The stored body of a meeting.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
struct Body {
    note: Option<String>,
    exclusions: Vec<ExclusionInput>,
    present_voter_ids: Vec<i64>,
    written_opinion_entries: Vec<WrittenOpinion>,
    written_opinions_not_counted: Vec<NotCountedOpinion>,
    excluded: Vec<StoredExclusion>,
    ballots: Vec<StoredBallot>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
struct StoredExclusion {
    member_id: i64,
    name: String,
    reason: ExclusionReason,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
struct StoredBallot {
    case_id: i64,
    name: String,
    yes_votes: u32,
    no_votes: u32,
    abstain_votes: u32,
    /// Computed when recorded, under that day's C3 setting.
    outcome: Option<VoteOutcome>,
}

/// Prefixes an error of one candidate with their name and keys it by `ballot_{case_id}` too.
fn name_candidate(mut e: AppError, case_id: i64, name: &str) -> AppError {
    if e.status != 422 {
        return e;
    }
    if !e.message.contains(name) {
        e.message = format!("{name}：{}", e.message);
    }
    let msg = e.message.clone();
    e.fields.insert(format!("ballot_{case_id}"), msg);
    e
}

/// Records a meeting and the vote step of each candidate who passed, in one transaction.
pub async fn record_meeting(db: &Db, scope: &Scope, input: MeetingInput) -> AppResult<MeetingView> {
    require_write(scope)?;
    let today = crate::util::today();
    let org_id = input.org_id.ok_or_else(|| AppError::invalid_field("org_id", "请选择召开党员大会的党支部"))?;
    let kind =
        input.kind.ok_or_else(|| AppError::invalid_field("kind", "请选择表决事项（接收预备党员或预备党员转正）"))?;
    let held_on = input.held_on.ok_or_else(|| AppError::invalid_field("held_on", "请填写党员大会召开日期"))?;
    if held_on > today {
        return Err(AppError::invalid_field("held_on", format!("会议日期 {held_on} 晚于今天，不能预先登记表决结果")));
    }
    if input.ballots.is_empty() {
        return Err(AppError::invalid_field("ballots", "请至少登记一名发展对象的表决票数"));
    }
    if let Some(n) = input.ballots.iter().position(|b| b.case_ids.is_empty()) {
        return Err(AppError::invalid_field("ballots", format!("第{}张选票未选择发展对象", n + 1)));
    }
    let note = opt_trim(&input.note);
    let step = kind.vote_step();
    let mut w = db.begin_write().await?;
    let cfg = rule_config(db, &mut w.tx).await?;
    let org = orgs_repo::get(&mut w.tx, scope, org_id).await?.ok_or_else(AppError::not_found)?;
    if org.kind != OrgKind::Branch {
        return Err(AppError::invalid_field(
            "org_id",
            format!("{}是{}；票决须由党支部党员大会进行", org.name, org.kind.label()),
        )
        .with_rule("R1.15"));
    }
    // Every candidate: an open case in scope, held by this branch or one of its 党小组.
    let mut cases: BTreeMap<i64, CaseRow> = BTreeMap::new();
    for id in input.ballots.iter().flat_map(|b| b.case_ids.iter().copied()) {
        if cases.contains_key(&id) {
            continue;
        }
        let case = repo::get(&mut w.tx, scope, id).await?.ok_or_else(AppError::not_found)?;
        if !case.org_path.starts_with(&org.path) {
            let msg =
                format!("{}的发展档案属于{}，不在{}，不能由该支部党员大会表决", case.name, case.org_name, org.name);
            return Err(name_candidate(AppError::invalid_field("ballots", msg), id, &case.name));
        }
        if case.status != "open" {
            let msg = format!("{}的发展档案已办结", case.name);
            return Err(name_candidate(AppError::invalid_field("ballots", msg), id, &case.name));
        }
        cases.insert(id, case);
    }
    let e = compute_eligible(&mut w.tx, org.id, held_on, &input.exclusions).await?;
    // Named voters (签到, 书面意见) are judged on the meeting date (R1.16, R1.17).
    let mut typed = MeetingCounts {
        eligible_voters: e.eligible_voters,
        present_voters: input.present_voters,
        written_opinions: input.written_opinions,
    }
    .vote(0, 0, 0);
    let named = NamedVoters {
        exclusions: &input.exclusions,
        present_ids: &input.present_voter_ids,
        written: &input.written_opinion_entries,
    };
    let not_counted = apply_named_voters(&mut w.tx, org.id, held_on, named, &mut typed, (0, "")).await?;
    let counts = MeetingCounts {
        eligible_voters: e.eligible_voters,
        present_voters: typed.present_voters,
        written_opinions: typed.written_opinions,
    };
    let ballots: Vec<Ballot> = input
        .ballots
        .iter()
        .map(|b| Ballot {
            candidates: b
                .case_ids
                .iter()
                .map(|id| BallotCandidate {
                    case_id: *id,
                    name: cases.get(id).map(|c| c.name.clone()).unwrap_or_default(),
                })
                .collect(),
            yes_votes: b.yes_votes,
            no_votes: b.no_votes,
            abstain_votes: b.abstain_votes,
        })
        .collect();
    let findings = check_ballots(&counts, &ballots);
    if !findings.is_empty() {
        let mut err = AppError::from_findings(findings.clone());
        if !not_counted.is_empty() {
            let names: Vec<String> =
                not_counted.iter().map(|n| format!("{}（{} 提交）", n.name, n.submitted_on)).collect();
            err.message.push_str(&format!("；会后提交的书面意见不计入票数：{}", names.join("、")));
        }
        for f in &findings {
            err.fields.entry(format!("ballot_{}", f.subject_id)).or_insert_with(|| f.message_zh.clone());
        }
        return Err(err);
    }
    let stored: Vec<StoredBallot> = input
        .ballots
        .iter()
        .map(|b| {
            let id = b.case_ids[0];
            StoredBallot {
                case_id: id,
                name: cases.get(&id).map(|c| c.name.clone()).unwrap_or_default(),
                yes_votes: b.yes_votes,
                no_votes: b.no_votes,
                abstain_votes: b.abstain_votes,
                outcome: meeting_outcome_with(
                    &counts,
                    b.yes_votes,
                    b.no_votes,
                    b.abstain_votes,
                    cfg.settings.strict_majority,
                ),
            }
        })
        .collect();
    let counted_written: Vec<WrittenOpinion> = input
        .written_opinion_entries
        .iter()
        .filter(|w| !not_counted.iter().any(|n| n.member_id == w.member_id))
        .copied()
        .collect();
    let body = Body {
        note: note.clone(),
        exclusions: input.exclusions.clone(),
        present_voter_ids: input.present_voter_ids.clone(),
        written_opinion_entries: counted_written,
        written_opinions_not_counted: not_counted.clone(),
        excluded: e
            .excluded
            .iter()
            .map(|x| StoredExclusion { member_id: x.member_id, name: x.name.clone(), reason: x.reason })
            .collect(),
        ballots: stored,
    };
    let body_json = serde_json::to_value(&body).unwrap_or(serde_json::Value::Null);
    let meeting_id = meetings_repo::insert(
        &mut w.tx,
        &NewMeeting {
            org_id: org.id,
            org_path: &org.path,
            kind: kind.as_str(),
            held_on,
            eligible_voters: counts.eligible_voters,
            present_voters: counts.present_voters,
            written_opinions: counts.written_opinions,
            body: &body_json,
            by: &scope.display_name,
        },
    )
    .await?;
    let link = MeetingLink { id: meeting_id, org_id: org.id };
    let mut results = Vec::new();
    for b in &input.ballots {
        let id = b.case_ids[0];
        let Some(case) = cases.get(&id) else { continue };
        let vote = counts.vote(b.yes_votes, b.no_votes, b.abstain_votes);
        let outcome =
            meeting_outcome_with(&counts, b.yes_votes, b.no_votes, b.abstain_votes, cfg.settings.strict_majority);
        let details = StepDetails {
            vote: Some(vote),
            exclusions: input.exclusions.clone(),
            deciding_body: Some("党支部党员大会".to_string()),
            meeting: Some(format!("{} {}党员大会（会议编号 {meeting_id}）", held_on, org.name)),
            note: note.clone(),
            outcome: if step == Step::ConversionVote { b.outcome } else { None },
            extension_months: if step == Step::ConversionVote { b.extension_months } else { None },
            ..StepDetails::default()
        };
        let res = if outcome == Some(VoteOutcome::Passed) {
            let step_input = StepInput {
                step: step.as_str().to_string(),
                date: held_on,
                details,
                justification: b.justification.clone(),
            };
            record_step_in(&mut w, scope, &cfg, id, step_input, today, Some(link), None).await.map(|_| ())
        } else {
            check_unpassed(&mut w.tx, &cfg, case, step, held_on, &details, today).await
        };
        res.map_err(|err| name_candidate(err, id, &case.name))?;
        results.push(format!(
            "{}（赞成{}、反对{}、弃权{}，{}）",
            case.name,
            b.yes_votes,
            b.no_votes,
            b.abstain_votes,
            outcome.map_or("", VoteOutcome::label)
        ));
    }
    let mut summary = format!(
        "{}于 {held_on} 召开党员大会表决{}：应到会有表决权 {} 人，实到 {} 人，书面意见 {} 份；{}",
        org.name,
        kind.label(),
        counts.eligible_voters,
        counts.present_voters,
        counts.written_opinions,
        results.join("；")
    );
    for x in &e.excluded {
        summary.push_str(&format!("；不计入：{}（{}）", x.name, x.reason.label()));
    }
    for n in &not_counted {
        summary.push_str(&format!("；书面意见不计入：{}（{} 提交，不早于会议日期）", n.name, n.submitted_on));
    }
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "development_meeting",
            entity_id: Some(meeting_id),
            org_path: Some(&org.path),
            summary,
            before: None,
            after: json(&body_json),
        },
    )
    .await?;
    let view = load(&mut w.tx, scope, meeting_id).await?;
    w.commit().await?;
    Ok(view)
}

/// The rules of a candidate whose vote did not pass, as if the step were recorded, except the
/// finding on the outcome itself (the meeting records it; the case stays due for the vote).
async fn check_unpassed(
    conn: &mut Conn,
    cfg: &RuleConfig,
    case: &CaseRow,
    step: Step,
    on: NaiveDate,
    details: &StepDetails,
    today: NaiveDate,
) -> AppResult<()> {
    let steps = repo::steps(conn, case.id).await?;
    if steps.iter().any(|s| s.step == step.as_str()) {
        return Err(AppError::invalid_field("ballots", format!("「{}」已登记", step.label())));
    }
    let overrides = repo::overrides(conn, case.id).await?;
    let mut f = facts(conn, case, &steps, &overrides, Some((step, on, details)), true).await?;
    apply_approvers(&mut f, &steps)?;
    f.steps.remove(&step);
    let blocks: Vec<Finding> = check_step(&f, step, on, today, &cfg.settings, &cfg.calendar)
        .into_iter()
        .filter(|x| x.is_block() && !x.facts.iter().any(|k| k.key == "vote"))
        .collect();
    if blocks.is_empty() { Ok(()) } else { Err(AppError::from_findings(blocks)) }
}

async fn load(conn: &mut Conn, scope: &Scope, id: i64) -> AppResult<MeetingView> {
    let row = meetings_repo::get(conn, scope, id).await?.ok_or_else(AppError::not_found)?;
    let recorded = meetings_repo::step_cases(conn, id).await?;
    view(row, &recorded)
}

/// A stored meeting as shown; an unreadable body is a data error, never an empty ballot list.
fn view(row: MeetingRow, recorded: &[i64]) -> AppResult<MeetingView> {
    let body: Body = serde_json::from_value(row.body.clone())
        .map_err(|e| AppError::data_corrupt(anyhow::anyhow!("development_meeting {} body: {e}", row.id)))?;
    let counts = MeetingCounts {
        eligible_voters: row.eligible_voters,
        present_voters: row.present_voters,
        written_opinions: row.written_opinions,
    };
    let candidates = body
        .ballots
        .iter()
        .map(|b| {
            let outcome = b.outcome.or_else(|| meeting_outcome(&counts, b.yes_votes, b.no_votes, b.abstain_votes));
            CandidateResult {
                case_id: b.case_id,
                name: b.name.clone(),
                yes_votes: b.yes_votes,
                no_votes: b.no_votes,
                abstain_votes: b.abstain_votes,
                outcome,
                outcome_label: outcome.map_or("", VoteOutcome::label).to_string(),
                step_recorded: recorded.contains(&b.case_id),
            }
        })
        .collect();
    let kind_label = MeetingKind::parse(&row.kind).map_or("", MeetingKind::label).to_string();
    let excluded = body
        .excluded
        .into_iter()
        .map(|x| Exclusion { member_id: x.member_id, name: x.name, reason: x.reason })
        .collect();
    Ok(MeetingView {
        kind_label,
        excluded,
        present_voter_ids: body.present_voter_ids,
        written_opinion_entries: body.written_opinion_entries,
        written_opinions_not_counted: body.written_opinions_not_counted,
        note: body.note,
        candidates,
        row,
    })
}

/// One meeting in scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> AppResult<MeetingView> {
    let mut conn = db.pool.acquire().await?;
    load(&mut conn, scope, id).await
}

/// Meetings of the `org` subtree (default: the whole scope), latest first.
pub async fn list(db: &Db, scope: &Scope, org: Option<i64>) -> AppResult<Vec<MeetingView>> {
    let mut conn = db.pool.acquire().await?;
    let path = match org {
        Some(id) => orgs_repo::get(&mut conn, scope, id).await?.ok_or_else(AppError::not_found)?.path,
        None => scope.root_path.clone(),
    };
    let rows = meetings_repo::list(&mut conn, scope, &path).await?;
    // A meeting is all or nothing: every passed candidate got its vote step, no other did.
    rows.into_iter()
        .map(|r| view(r, &[]))
        .map(|v| {
            v.map(|mut v| {
                v.candidates.iter_mut().for_each(|c| c.step_recorded = c.outcome == Some(VoteOutcome::Passed));
                v
            })
        })
        .collect()
}

/// The open cases of a branch (its 党小组 included) due for the vote step of `kind` (for the form).
pub async fn due_candidates(db: &Db, scope: &Scope, org_id: i64, kind: MeetingKind) -> AppResult<Vec<DueCandidate>> {
    let org = {
        let mut conn = db.pool.acquire().await?;
        orgs_repo::get(&mut conn, scope, org_id).await?.ok_or_else(AppError::not_found)?
    };
    let filter = super::CaseFilter { org: Some(org.id), overdue: None };
    let step = kind.vote_step();
    let cases = super::list(db, scope, &filter).await?;
    Ok(cases
        .into_iter()
        .filter_map(|c| {
            let d = c.due.iter().find(|d| d.step == step)?;
            Some(DueCandidate {
                case_id: c.case.id,
                name: c.case.name.clone(),
                org_name: c.case.org_name.clone(),
                earliest: d.earliest,
                latest: d.latest,
            })
        })
        .collect())
}

/// What the meeting form shows before anything is typed: 应到会有表决权 on the date (R1.17) and
/// the candidates due for the vote.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingPreview {
    /// The branch.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// What the meeting decides.
    pub kind: MeetingKind,
    /// 应到会有表决权 on the date, with the excluded roster members.
    pub eligible: super::EligibleVoters,
    /// Open cases of the branch (and its 党小组) due for the vote.
    pub candidates: Vec<DueCandidate>,
}

/// The preview of a meeting of branch `org_id` on `on`, with the configured exclusions.
pub async fn preview(
    db: &Db,
    scope: &Scope,
    org_id: i64,
    kind: MeetingKind,
    on: NaiveDate,
    exclusions: &[ExclusionInput],
) -> AppResult<MeetingPreview> {
    let (org, eligible) = {
        let mut conn = db.pool.acquire().await?;
        let org = orgs_repo::get(&mut conn, scope, org_id).await?.ok_or_else(AppError::not_found)?;
        let eligible = compute_eligible(&mut conn, org.id, on, exclusions).await?;
        (org, eligible)
    };
    let candidates = due_candidates(db, scope, org.id, kind).await?;
    Ok(MeetingPreview { org_id: org.id, org_name: org.name, kind, eligible, candidates })
}
