//! Branch-meeting vote arithmetic (R1.15–1.17, C3) and who counts as 应到会有表决权.

use crate::domain::enums::str_enum;
use chrono::NaiveDate;

use super::SUBJECT_CASE;
use crate::domain::MemberStatus;
use crate::rules::{Finding, Severity};

/// Source of the vote rules when no event date is known: both numberings (Appendix A).
const SRC_VOTE: &str = "《中国共产党发展党员工作细则》(2026) 第十九、二十条（2014年细则第二十、二十一条）";

/// The counts recorded for one candidate at one 党支部党员大会.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VoteInput {
    /// 应到会有表决权的党员人数 (see [`eligible_voters`]).
    pub eligible_voters: u32,
    /// 实到会有表决权的党员人数.
    pub present_voters: u32,
    /// Written opinions formally submitted before the meeting by voting members who could not attend.
    pub written_opinions: u32,
    /// 赞成 votes, written opinions included.
    pub yes_votes: u32,
    /// 反对 votes, written opinions included.
    pub no_votes: u32,
    /// 弃权 votes, written opinions included.
    pub abstain_votes: u32,
}

str_enum!(
    /// The computed result of a branch-meeting vote.
    VoteOutcome {
        Passed = "passed" => "通过",
        Failed = "failed" => "未通过",
        NoQuorum = "no_quorum" => "到会人数不足",
    }
);

/// Starts a Block finding about a vote input field.
fn invalid(rule: &str, field: &str, message: String, actual: u64, bound: u64) -> Finding {
    Finding::new(rule, Severity::Block, SRC_VOTE, SUBJECT_CASE, 0, "", message)
        .fact("field", "字段", field)
        .fact("actual", "填写值", actual)
        .fact("required", "上限", bound)
        .fact("gap", "超出", actual.saturating_sub(bound))
}

/// Computes the outcome under the default C3 (strict "超过半数"); see [`vote_result_with`].
#[allow(clippy::result_large_err, reason = "the signature the service expects; called once per vote")]
pub fn vote_result(input: &VoteInput) -> Result<VoteOutcome, Finding> {
    vote_result_with(input, true)
}

/// Computes the outcome (C3): quorum `present × 2 > eligible` (R1.15), passing `yes × 2 > eligible`
/// (R1.16); with `strict` false (a school's reading of "半数" as "at least half") `≥` instead of `>`.
///
/// Written opinions count as votes, so `yes_votes`, `no_votes` and `abstain_votes` already
/// include them. Invalid counts give a Block finding naming the field (`present_voters`,
/// `written_opinions`, or the vote field that exceeds the ballots); its subject id and name are
/// empty for the caller to fill.
#[allow(clippy::result_large_err, reason = "the signature the service expects; called once per vote")]
pub fn vote_result_with(input: &VoteInput, strict: bool) -> Result<VoteOutcome, Finding> {
    let eligible = u64::from(input.eligible_voters);
    let present = u64::from(input.present_voters);
    let written = u64::from(input.written_opinions);
    let (yes, no, abstain) = (u64::from(input.yes_votes), u64::from(input.no_votes), u64::from(input.abstain_votes));
    if present > eligible {
        return Err(invalid(
            "R1.15",
            "present_voters",
            format!("实到会有表决权的党员 {present} 人，多于应到会有表决权的党员 {eligible} 人"),
            present,
            eligible,
        ));
    }
    if present + written > eligible {
        return Err(invalid(
            "R1.16",
            "written_opinions",
            format!(
                "书面意见 {written} 份加实到会 {present} 人，多于应到会有表决权的党员 {eligible} 人（书面意见只能来自未到会的有表决权党员）"
            ),
            present + written,
            eligible,
        ));
    }
    let ballots = present + written;
    if yes + no + abstain > ballots {
        let field = if yes > ballots {
            "yes_votes"
        } else if yes + no > ballots {
            "no_votes"
        } else {
            "abstain_votes"
        };
        return Err(invalid(
            "R1.16",
            field,
            format!(
                "赞成 {yes}、反对 {no}、弃权 {abstain} 票合计 {} 票，多于实到会人数与书面意见之和 {ballots}",
                yes + no + abstain
            ),
            yes + no + abstain,
            ballots,
        ));
    }
    let more_than_half = |n: u64| if strict { n * 2 > eligible } else { n * 2 >= eligible };
    Ok(if !more_than_half(present) {
        VoteOutcome::NoQuorum
    } else if more_than_half(yes) {
        VoteOutcome::Passed
    } else {
        VoteOutcome::Failed
    })
}

str_enum!(
    /// Why a member on the roster is not counted as 应到会有表决权 (R1.17).
    ExclusionReason {
        Probationary = "probationary" => "预备党员（无表决权）",
        ProbationPenalty = "probation_penalty" => "受留党察看处分（无表决权）",
        SeriousIllness = "serious_illness" => "患严重疾病",
        Abroad = "abroad" => "自费出国（境）半年以上",
        Detained = "detained" => "被拘留、逮捕或服刑",
        Bedridden = "bedridden" => "年老体弱、卧床不起",
        AwayUntransferred = "away_untransferred" => "外出半年以上且组织关系未转出",
    }
);

impl ExclusionReason {
    /// Practice exclusions (R1.17, VERIFIED secondary) need higher-level consent and a 党员大会 vote; the first two are by rule.
    pub fn needs_approval(self) -> bool {
        !matches!(self, ExclusionReason::Probationary | ExclusionReason::ProbationPenalty)
    }
}

/// One member of a branch roster, as known on the meeting date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterFacts {
    /// Member id.
    pub member_id: i64,
    /// Member's name.
    pub name: String,
    /// Status as recorded now.
    pub status: MemberStatus,
    /// Date full membership began, if converted.
    pub full_on: Option<NaiveDate>,
    /// Under 留党察看 on the meeting date.
    pub under_probation_penalty: bool,
    /// 停止党籍 on the meeting date: not counted at all (neither 应到 nor excluded), no vote (R1.17).
    pub suspended: bool,
}

/// A roster member not counted as 应到会有表决权, and why (for the audit trail).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Exclusion {
    /// Member id.
    pub member_id: i64,
    /// Member's name.
    pub name: String,
    /// The reason.
    pub reason: ExclusionReason,
}

/// Counts 应到会有表决权 on `on` (R1.17) and lists every excluded member with the reason.
///
/// Full members count, except those under 留党察看 and those given a configured practice
/// exclusion. A member recorded as full but converted after `on` counts as probationary then.
/// Exclusions for members not on the roster are ignored; rule-based reasons win over configured ones.
pub fn eligible_voters(
    roster: &[VoterFacts],
    on: NaiveDate,
    exclusions: &[(i64, ExclusionReason)],
) -> (u32, Vec<Exclusion>) {
    let mut count: u32 = 0;
    let mut excluded = Vec::new();
    for v in roster.iter().filter(|v| !v.suspended) {
        let full = v.status == MemberStatus::Full && v.full_on.is_none_or(|d| d <= on);
        let reason = if !full {
            Some(ExclusionReason::Probationary)
        } else if v.under_probation_penalty {
            Some(ExclusionReason::ProbationPenalty)
        } else {
            exclusions.iter().find(|(id, _)| *id == v.member_id).map(|(_, r)| *r)
        };
        match reason {
            Some(reason) => excluded.push(Exclusion { member_id: v.member_id, name: v.name.clone(), reason }),
            None => count = count.saturating_add(1),
        }
    }
    (count, excluded)
}
