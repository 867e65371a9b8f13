//! A ballot belongs to a voter (issue 8 part 4): the members signed in as present and the members
//! who sent a 书面意见 are judged against the branch roster on the meeting date.
//!
//! - R1.17: only 正式党员 vote. A 预备党员, a member under 留党察看 or a 停止党籍 member on the meeting
//!   date, or someone not on the roster then, has no ballot: refused (Block), naming the person.
//! - R1.16: a written opinion counts only if formally submitted **before** the meeting. One
//!   submitted on or after the meeting date is **not counted** (Info, listed with the meeting): the
//!   meeting stays valid, its 书面意见 number is the count of timely ones, and the yes/no/abstain
//!   numbers must fit the ballots actually counted (present + timely written opinions). A member
//!   cannot both attend and send a written opinion, nor send two (Block).

use chrono::NaiveDate;

use super::{ExclusionReason, SUBJECT_CASE, VoterFacts};
use crate::calendar::fmt_date;
use crate::domain::MemberStatus;
use crate::rules::{Finding, Severity};

/// Source of R1.17 (党章§7: 预备党员 have no vote; 留党察看 members none during the penalty).
const SRC_VOTERS: &str = "《中国共产党章程》第七条；《中国共产党基层组织选举工作暂行条例》第五条";
/// Source of R1.16's written opinions (both numberings, Appendix A).
const SRC_WRITTEN: &str = "《中国共产党发展党员工作细则》(2026) 第二十条（2014年细则第二十一条）：因故不能到会的有表决权的正式党员，在会前正式向党支部提出书面意见的，应当统计在票数内";

/// One 书面意见 of a voting member who could not attend (R1.16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct WrittenOpinion {
    /// Member id of the author (a voter on the roster on the meeting date).
    pub member_id: i64,
    /// Date the opinion was formally submitted to the branch; counts only if before the meeting.
    pub submitted_on: NaiveDate,
}

/// What the named voters give: findings (Block refuses, Info reports a written opinion not
/// counted), the number of ballots of present members and of counted written opinions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VoterCheck {
    /// R1.16 / R1.17 findings (subject: the meeting's case 0 — the caller fills it).
    pub findings: Vec<Finding>,
    /// Members signed in as present with a vote.
    pub present: u32,
    /// Written opinions submitted before the meeting.
    pub counted_written: u32,
    /// Written opinions not counted (submitted on or after the meeting date), with the name.
    pub late: Vec<(WrittenOpinion, String)>,
}

/// Why a roster member (or an unknown id) has no ballot on `on`, if so.
fn no_vote(roster: &[VoterFacts], id: i64, on: NaiveDate) -> Option<(String, String)> {
    let Some(v) = roster.iter().find(|v| v.member_id == id) else {
        return Some((format!("党员编号 {id}"), format!("{} 不是本支部党员名册上的党员", fmt_date(on))));
    };
    let full = v.status == MemberStatus::Full && v.full_on.is_none_or(|d| d <= on);
    let why = if v.suspended {
        format!("{} 为停止党籍党员", fmt_date(on))
    } else if !full {
        match v.full_on.filter(|d| *d > on) {
            Some(d) => format!("{} 为预备党员（{} 转正）", fmt_date(on), fmt_date(d)),
            None => format!("{} 为预备党员", fmt_date(on)),
        }
    } else if v.under_probation_penalty {
        format!("{} 受留党察看处分", fmt_date(on))
    } else {
        return None;
    };
    Some((v.name.clone(), why))
}

fn block(rule: &str, src: &str, field: &str, id: i64, message: String) -> Finding {
    Finding::new(rule, Severity::Block, src, SUBJECT_CASE, 0, "", message).fact("field", "字段", field).fact(
        "member_id",
        "党员编号",
        id,
    )
}

/// Judges the voters named at a meeting on `on` against the roster (R1.16, R1.17). Members
/// excluded from 应到会 (practice reasons of R1.17) have no ballot either.
pub fn check_voters(
    roster: &[VoterFacts],
    on: NaiveDate,
    present_ids: &[i64],
    written: &[WrittenOpinion],
    exclusions: &[(i64, ExclusionReason)],
) -> VoterCheck {
    let mut out = VoterCheck::default();
    let mut seen: Vec<i64> = Vec::new();
    let named: Vec<(i64, Option<&WrittenOpinion>)> =
        present_ids.iter().map(|id| (*id, None)).chain(written.iter().map(|w| (w.member_id, Some(w)))).collect();
    for (id, opinion) in named {
        let field = if opinion.is_some() { "written_opinion_entries" } else { "present_voter_ids" };
        let what = if opinion.is_some() { "书面意见" } else { "选票" };
        if seen.contains(&id) {
            let message = format!("党员编号 {id} 在本次党员大会被登记了两次（到会或书面意见）；每名党员只有一票");
            out.findings.push(block("R1.16", SRC_WRITTEN, field, id, message));
            continue;
        }
        seen.push(id);
        if let Some((name, why)) = no_vote(roster, id, on) {
            let message = format!("「{name}」{why}，没有表决权，其{what}不能计入；只有正式党员有表决权");
            out.findings.push(
                block("R1.17", SRC_VOTERS, field, id, message)
                    .fact("member_name", "姓名", name)
                    .fact("actual", "情况", why)
                    .fact("required", "要求", "正式党员（党籍正常，未受留党察看处分）"),
            );
            continue;
        }
        let name = roster.iter().find(|v| v.member_id == id).map(|v| v.name.clone()).unwrap_or_default();
        if let Some((_, reason)) = exclusions.iter().find(|(x, _)| *x == id) {
            let message = format!("「{name}」不计入应到会有表决权人数（{}），其{what}不能计入", reason.label());
            out.findings.push(block("R1.17", SRC_VOTERS, field, id, message).fact("member_name", "姓名", name));
            continue;
        }
        match opinion {
            None => out.present = out.present.saturating_add(1),
            Some(w) if w.submitted_on < on => out.counted_written = out.counted_written.saturating_add(1),
            Some(w) => {
                let message = format!(
                    "「{name}」的书面意见于 {} 提交，不早于党员大会召开日期 {}，不计入票数；书面意见须在会前正式提出",
                    fmt_date(w.submitted_on),
                    fmt_date(on)
                );
                out.findings.push(
                    Finding::new("R1.16", Severity::Info, SRC_WRITTEN, SUBJECT_CASE, 0, "", message)
                        .fact("field", "字段", "written_opinion_entries")
                        .fact("member_id", "党员编号", id)
                        .fact("member_name", "姓名", name.as_str())
                        .fact("actual", "提交日期", fmt_date(w.submitted_on))
                        .fact("required", "应早于", fmt_date(on)),
                );
                out.late.push((*w, name));
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn v(id: i64, status: MemberStatus, full_on: Option<NaiveDate>) -> VoterFacts {
        VoterFacts {
            member_id: id,
            name: format!("党员{id}"),
            status,
            full_on,
            under_probation_penalty: false,
            suspended: false,
        }
    }

    fn roster() -> Vec<VoterFacts> {
        vec![
            v(1, MemberStatus::Full, Some(d(2020, 1, 1))),
            v(2, MemberStatus::Full, None),
            v(3, MemberStatus::Probationary, None),
            v(4, MemberStatus::Full, Some(d(2026, 3, 10))),
            VoterFacts { under_probation_penalty: true, ..v(5, MemberStatus::Full, None) },
            VoterFacts { suspended: true, ..v(6, MemberStatus::Full, None) },
        ]
    }

    fn rules(c: &VoterCheck) -> Vec<(&str, Severity)> {
        c.findings.iter().map(|f| (f.rule.as_str(), f.severity)).collect()
    }

    #[test]
    fn full_members_vote() {
        let c = check_voters(&roster(), d(2026, 3, 10), &[1, 2, 4], &[], &[]);
        assert!(c.findings.is_empty(), "{:?}", rules(&c));
        assert_eq!(c.present, 3);
    }

    #[test]
    fn r1_17_probationary_suspended_penalised_and_unknown_refused() {
        let on = d(2026, 3, 10);
        for (id, text) in [(3, "为预备党员"), (5, "受留党察看处分"), (6, "停止党籍"), (9, "不是本支部")]
        {
            let c = check_voters(&roster(), on, &[1, id], &[], &[]);
            assert_eq!(rules(&c), vec![("R1.17", Severity::Block)], "{id}");
            assert!(c.findings[0].message_zh.contains(text), "{}", c.findings[0].message_zh);
            assert_eq!(c.findings[0].fact_value("member_id"), Some(id.to_string().as_str()));
            assert_eq!(c.present, 1);
            // A written opinion of the same person is refused likewise.
            let w = [WrittenOpinion { member_id: id, submitted_on: d(2026, 3, 1) }];
            let c = check_voters(&roster(), on, &[], &w, &[]);
            assert_eq!(rules(&c), vec![("R1.17", Severity::Block)], "{id} written");
            assert_eq!(c.findings[0].fact_value("field"), Some("written_opinion_entries"));
        }
    }

    #[test]
    fn r1_17_conversion_date_boundary() {
        // Member 4 is full from 2026-03-10: no vote the day before, a vote on the day and after.
        for (on, refused) in [(d(2026, 3, 9), true), (d(2026, 3, 10), false), (d(2026, 3, 11), false)] {
            let c = check_voters(&roster(), on, &[4], &[], &[]);
            assert_eq!(!c.findings.is_empty(), refused, "{on}");
        }
        let c = check_voters(&roster(), d(2026, 3, 9), &[4], &[], &[]);
        assert!(c.findings[0].message_zh.contains("2026-03-09 为预备党员（2026-03-10 转正）"));
    }

    #[test]
    fn r1_16_written_opinion_counts_only_before_the_meeting() {
        let on = d(2026, 3, 10);
        for (submitted, counted) in [(d(2026, 3, 9), true), (d(2026, 3, 10), false), (d(2026, 3, 11), false)] {
            let c = check_voters(&roster(), on, &[1], &[WrittenOpinion { member_id: 2, submitted_on: submitted }], &[]);
            assert!(!c.findings.iter().any(Finding::is_block), "{submitted}");
            assert_eq!(c.counted_written, u32::from(counted), "{submitted}");
            assert_eq!(c.late.len(), usize::from(!counted));
            if !counted {
                assert_eq!(rules(&c), vec![("R1.16", Severity::Info)]);
                assert!(c.findings[0].message_zh.contains("不计入票数"));
            }
        }
    }

    #[test]
    fn one_ballot_per_member_and_excluded_members_have_none() {
        let on = d(2026, 3, 10);
        let c = check_voters(&roster(), on, &[1], &[WrittenOpinion { member_id: 1, submitted_on: d(2026, 3, 1) }], &[]);
        assert_eq!(rules(&c), vec![("R1.16", Severity::Block)]);
        let c = check_voters(&roster(), on, &[1, 1], &[], &[]);
        assert_eq!(rules(&c), vec![("R1.16", Severity::Block)]);
        let c = check_voters(&roster(), on, &[2], &[], &[(2, ExclusionReason::SeriousIllness)]);
        assert_eq!(rules(&c), vec![("R1.17", Severity::Block)]);
        assert!(c.findings[0].message_zh.contains("患严重疾病"));
    }
}
