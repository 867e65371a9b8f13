//! One 党支部党员大会 deciding one or more candidates (票决, R1.15–R1.17, R1.25): each candidate is
//! voted on separately (逐个表决, R1.16) and gets an outcome computed from the meeting's counts.

use crate::domain::enums::str_enum;

use super::{SUBJECT_CASE, Step, VoteInput, VoteOutcome, vote_result};
use crate::rules::{Finding, Severity};

/// Source of R1.16's 逐个表决 (both numberings, Appendix A).
const SRC_EACH: &str =
    "《中国共产党发展党员工作细则》(2026) 第二十条（2014年细则第二十一条）：讨论两个以上的人入党时，应当逐个讨论和表决";

str_enum!(
    /// What a 党支部党员大会 decides.
    MeetingKind {
        Admission = "admission" => "接收预备党员",
        Conversion = "conversion" => "预备党员转正",
    }
);

impl MeetingKind {
    /// The vote step recorded for each candidate.
    pub fn vote_step(self) -> Step {
        match self {
            MeetingKind::Admission => Step::AdmissionVote,
            MeetingKind::Conversion => Step::ConversionVote,
        }
    }
}

/// A candidate named on a ballot entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotCandidate {
    /// Case id.
    pub case_id: i64,
    /// The person's name.
    pub name: String,
}

/// One ballot entry as entered: the candidates it covers and its counts (written opinions included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// Candidates covered; exactly one is lawful (R1.16).
    pub candidates: Vec<BallotCandidate>,
    /// 赞成.
    pub yes_votes: u32,
    /// 反对.
    pub no_votes: u32,
    /// 弃权.
    pub abstain_votes: u32,
}

/// The counts shared by every candidate of one meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MeetingCounts {
    /// 应到会有表决权 computed from the roster (R1.17).
    pub eligible_voters: u32,
    /// 实到会有表决权.
    pub present_voters: u32,
    /// Written opinions submitted before the meeting.
    pub written_opinions: u32,
}

impl MeetingCounts {
    /// The vote of one candidate at this meeting.
    pub fn vote(&self, yes_votes: u32, no_votes: u32, abstain_votes: u32) -> VoteInput {
        VoteInput {
            eligible_voters: self.eligible_voters,
            present_voters: self.present_voters,
            written_opinions: self.written_opinions,
            yes_votes,
            no_votes,
            abstain_votes,
        }
    }
}

fn block(c: &BallotCandidate, message: String) -> Finding {
    Finding::new("R1.16", Severity::Block, SRC_EACH, SUBJECT_CASE, c.case_id, c.name.clone(), message)
}

/// R1.16 逐个表决: every ballot entry covers exactly one candidate and no candidate is voted on
/// twice at one meeting; then each candidate's counts are checked by [`vote_result`] against the
/// meeting's counts. Returns one Block finding per breach (empty = the ballots are lawful).
pub fn check_ballots(counts: &MeetingCounts, ballots: &[Ballot]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: Vec<i64> = Vec::new();
    for (i, b) in ballots.iter().enumerate() {
        let n = i + 1;
        if b.candidates.len() > 1 {
            let names: Vec<&str> = b.candidates.iter().map(|c| c.name.as_str()).collect();
            for c in &b.candidates {
                out.push(
                    block(
                        c,
                        format!(
                            "第{n}张选票对{}名发展对象（{}）合并表决；讨论两个以上的人入党时，应当逐个讨论和表决",
                            b.candidates.len(),
                            names.join("、")
                        ),
                    )
                    .fact("field", "字段", "ballots")
                    .fact("ballot", "选票序号", n)
                    .fact("actual", "本票表决人数", b.candidates.len())
                    .fact("required", "每票表决人数", 1),
                );
            }
            continue;
        }
        for c in &b.candidates {
            if seen.contains(&c.case_id) {
                out.push(
                    block(c, format!("{}在同一次党员大会上被表决了两次；每名发展对象只能表决一次", c.name))
                        .fact("field", "字段", "ballots")
                        .fact("ballot", "选票序号", n)
                        .fact("actual", "表决次数", 2)
                        .fact("required", "表决次数", 1),
                );
                continue;
            }
            seen.push(c.case_id);
            if let Err(mut f) = vote_result(&counts.vote(b.yes_votes, b.no_votes, b.abstain_votes)) {
                f.subject_id = c.case_id;
                f.subject_name = c.name.clone();
                f.message_zh = format!("{}：{}", c.name, f.message_zh);
                out.push(f.fact("ballot", "选票序号", n));
            }
        }
    }
    out
}

/// The computed outcome of each candidate (passed / failed / no quorum) under the default C3;
/// `None` for invalid counts.
pub fn outcome(counts: &MeetingCounts, yes_votes: u32, no_votes: u32, abstain_votes: u32) -> Option<VoteOutcome> {
    outcome_with(counts, yes_votes, no_votes, abstain_votes, true)
}

/// [`outcome`] with the C3 setting (`strict` false: at least half).
pub fn outcome_with(
    counts: &MeetingCounts,
    yes_votes: u32,
    no_votes: u32,
    abstain_votes: u32,
    strict: bool,
) -> Option<VoteOutcome> {
    super::vote_result_with(&counts.vote(yes_votes, no_votes, abstain_votes), strict).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cand(id: i64) -> BallotCandidate {
        BallotCandidate { case_id: id, name: format!("对象{id}") }
    }

    fn ballot(ids: &[i64], yes: u32, no: u32, abstain: u32) -> Ballot {
        Ballot {
            candidates: ids.iter().map(|i| cand(*i)).collect(),
            yes_votes: yes,
            no_votes: no,
            abstain_votes: abstain,
        }
    }

    const COUNTS: MeetingCounts = MeetingCounts { eligible_voters: 10, present_voters: 6, written_opinions: 2 };

    #[test]
    fn one_candidate_per_ballot_is_lawful() {
        assert!(check_ballots(&COUNTS, &[ballot(&[1], 6, 1, 1), ballot(&[2], 3, 4, 1)]).is_empty());
    }

    #[test]
    fn two_candidates_on_one_ballot_is_blocked_naming_both() {
        let f = check_ballots(&COUNTS, &[ballot(&[1, 2], 6, 0, 0)]);
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.rule == "R1.16" && x.severity == Severity::Block));
        assert!(f[0].message_zh.contains("合并表决"));
        assert!(f[0].message_zh.contains("对象1、对象2"));
        assert_eq!((f[0].subject_id, f[1].subject_id), (1, 2));
    }

    #[test]
    fn same_candidate_twice_is_blocked() {
        let f = check_ballots(&COUNTS, &[ballot(&[1], 6, 0, 0), ballot(&[1], 6, 0, 0)]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "R1.16");
        assert!(f[0].message_zh.contains("两次"));
    }

    #[test]
    fn ballots_at_present_plus_written_boundary() {
        // 8 ballots available (6 present + 2 written): 8 is lawful, 9 is not.
        assert!(check_ballots(&COUNTS, &[ballot(&[1], 6, 1, 1)]).is_empty());
        let f = check_ballots(&COUNTS, &[ballot(&[1], 6, 2, 1)]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "R1.16");
        assert_eq!(f[0].subject_id, 1);
        assert!(f[0].message_zh.starts_with("对象1："));
    }

    #[test]
    fn outcomes_at_the_thresholds() {
        // Quorum: present 5 of 10 is not more than half; 6 is.
        let c5 = MeetingCounts { eligible_voters: 10, present_voters: 5, written_opinions: 0 };
        assert_eq!(outcome(&c5, 5, 0, 0), Some(VoteOutcome::NoQuorum));
        // Majority of the eligible, not of those present: 5 yes of 10 fails, 6 passes.
        assert_eq!(outcome(&COUNTS, 5, 1, 0), Some(VoteOutcome::Failed));
        assert_eq!(outcome(&COUNTS, 6, 0, 0), Some(VoteOutcome::Passed));
        // Written opinions count as votes: 7 yes = 6 present + 1 written.
        assert_eq!(outcome(&COUNTS, 7, 0, 0), Some(VoteOutcome::Passed));
        assert_eq!(outcome(&COUNTS, 9, 0, 0), None);
    }

    #[test]
    fn kinds_map_to_vote_steps() {
        assert_eq!(MeetingKind::Admission.vote_step(), Step::AdmissionVote);
        assert_eq!(MeetingKind::Conversion.vote_step(), Step::ConversionVote);
        assert_eq!(MeetingKind::parse("conversion"), Some(MeetingKind::Conversion));
    }

    proptest! {
        #[test]
        fn merged_ballots_are_always_blocked(n in 2usize..6, yes in 0u32..20) {
            let ids: Vec<i64> = (1..=n as i64).collect();
            let f = check_ballots(&COUNTS, &[ballot(&ids, yes, 0, 0)]);
            prop_assert_eq!(f.len(), n);
            prop_assert!(f.iter().all(|x| x.rule == "R1.16"));
        }

        #[test]
        fn lawful_ballots_have_a_consistent_outcome(
            eligible in 0u32..60, present in 0u32..60, written in 0u32..60,
            yes in 0u32..60, no in 0u32..60, abstain in 0u32..60,
        ) {
            let counts = MeetingCounts { eligible_voters: eligible, present_voters: present, written_opinions: written };
            let findings = check_ballots(&counts, &[ballot(&[1], yes, no, abstain)]);
            let lawful = present + written <= eligible && yes + no + abstain <= present + written;
            prop_assert_eq!(findings.is_empty(), lawful);
            match outcome(&counts, yes, no, abstain) {
                None => prop_assert!(!lawful),
                Some(VoteOutcome::NoQuorum) => prop_assert!(lawful && present * 2 <= eligible),
                Some(VoteOutcome::Passed) => prop_assert!(lawful && present * 2 > eligible && yes * 2 > eligible),
                Some(VoteOutcome::Failed) => prop_assert!(lawful && present * 2 > eligible && yes * 2 <= eligible),
            }
        }
    }
}
