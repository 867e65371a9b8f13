//! Who votes at a 党支部党员大会 (R1.15–R1.17): the roster of the voting branch on the meeting date,
//! each member judged on that date (conversion date, 停止党籍 from the status history, 留党察看),
//! 应到会有表决权 computed from it, and the ballots of named voters (签到 and 书面意见) checked
//! against it by [`check_voters`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{EligibleVoters, ExclusionInput};
use crate::db::Conn;
use crate::domain::SpecialStatus;
use crate::error::{AppError, AppResult};
use crate::repo::development as repo;
use crate::rules::Finding;
use crate::rules::development::{
    ExclusionReason, VoteInput, VoterFacts, WrittenOpinion, check_voters, eligible_voters, special_status_on,
};

/// The roster of the voting branch of `org_id` on `on`, each member as they stood that day.
async fn roster_on(conn: &mut Conn, org_id: i64, on: NaiveDate) -> AppResult<Vec<VoterFacts>> {
    let rows = repo::roster(conn, org_id, on).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    // Members under 留党察看 on the meeting date have no vote (R1.17): one query for the roster.
    let penalties = crate::service::penalties::by_member(conn, &ids).await?;
    let histories: BTreeMap<i64, _> =
        crate::repo::actors::histories(conn, &ids).await?.into_iter().map(|h| (h.member_id, h)).collect();
    Ok(rows
        .into_iter()
        .map(|(member_id, name, status, full_on, special)| {
            let special = match histories.get(&member_id) {
                Some(h) => special_status_on(h, on),
                None => special,
            };
            VoterFacts {
                member_id,
                name,
                status,
                full_on,
                under_probation_penalty: crate::service::penalties::standing_on(&penalties, member_id, on).0,
                suspended: special == SpecialStatus::Suspended,
            }
        })
        .collect())
}

/// Computes 应到会有表决权 of a branch (its subtree's roster) on `on`; exclusions must name roster members.
pub(crate) async fn compute_eligible(
    conn: &mut Conn,
    org_id: i64,
    on: NaiveDate,
    exclusions: &[ExclusionInput],
) -> AppResult<EligibleVoters> {
    let roster = roster_on(conn, org_id, on).await?;
    for e in exclusions {
        if !roster.iter().any(|v| v.member_id == e.member_id && !v.suspended) {
            return Err(AppError::invalid_field(
                "exclusions",
                format!("党员编号 {} 不是本支部 {on} 的有表决权名册成员", e.member_id),
            ));
        }
    }
    let ex: Vec<(i64, ExclusionReason)> = exclusions.iter().map(|e| (e.member_id, e.reason)).collect();
    let (count, excluded) = eligible_voters(&roster, on, &ex);
    Ok(EligibleVoters { on, eligible_voters: count, excluded })
}

/// A 书面意见 not counted because it was submitted on or after the meeting date (R1.16).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotCountedOpinion {
    /// Author.
    pub member_id: i64,
    /// Author's name.
    pub name: String,
    /// Submission date (on or after the meeting).
    pub submitted_on: NaiveDate,
}

/// The voters a meeting names: its practice exclusions, the 签到 list and the written opinions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NamedVoters<'a> {
    /// Practice exclusions from 应到会 (R1.17).
    pub exclusions: &'a [ExclusionInput],
    /// Members signed in as present (实到会有表决权).
    pub present_ids: &'a [i64],
    /// 书面意见 with their submission dates.
    pub written: &'a [WrittenOpinion],
}

/// The ballots of named voters at a meeting of branch `org_id` on `on` (R1.16, R1.17): a voter
/// without a vote that day refuses (422 naming R1.17 and the person); a written opinion
/// submitted on or after the meeting date is not counted. When a 签到 list is given it gives
/// 实到会有表决权 (a typed different number is refused); when written opinions are listed,
/// `written_opinions` becomes the number submitted before the meeting. `subject` names the case.
pub(crate) async fn apply_named_voters(
    conn: &mut Conn,
    org_id: i64,
    on: NaiveDate,
    named: NamedVoters<'_>,
    vote: &mut VoteInput,
    subject: (i64, &str),
) -> AppResult<Vec<NotCountedOpinion>> {
    let NamedVoters { exclusions, present_ids, written } = named;
    if present_ids.is_empty() && written.is_empty() {
        return Ok(Vec::new());
    }
    let roster = roster_on(conn, org_id, on).await?;
    let ex: Vec<(i64, ExclusionReason)> = exclusions.iter().map(|e| (e.member_id, e.reason)).collect();
    let checked = check_voters(&roster, on, present_ids, written, &ex);
    let blocks: Vec<Finding> = checked
        .findings
        .into_iter()
        .filter(Finding::is_block)
        .map(|mut f| {
            f.subject_id = subject.0;
            f.subject_name = subject.1.to_string();
            f
        })
        .collect();
    if !blocks.is_empty() {
        return Err(AppError::from_findings(blocks));
    }
    if !present_ids.is_empty() {
        if vote.present_voters != 0 && vote.present_voters != checked.present {
            return Err(AppError::invalid_field(
                "present_voters",
                format!("签到的有表决权党员为 {} 人，与填写的实到人数 {} 不符", checked.present, vote.present_voters),
            )
            .with_rule("R1.15"));
        }
        vote.present_voters = checked.present;
    }
    if !written.is_empty() {
        vote.written_opinions = checked.counted_written;
    }
    Ok(checked
        .late
        .into_iter()
        .map(|(w, name)| NotCountedOpinion { member_id: w.member_id, name, submitted_on: w.submitted_on })
        .collect())
}
