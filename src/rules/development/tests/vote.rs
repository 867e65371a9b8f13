//! Vote arithmetic (R1.15–1.16, C3) with property tests, and 应到会有表决权 (R1.17).

use proptest::prelude::*;

use super::*;

fn vote(eligible: u32, present: u32, written: u32, yes: u32, no: u32, abstain: u32) -> VoteInput {
    VoteInput {
        eligible_voters: eligible,
        present_voters: present,
        written_opinions: written,
        yes_votes: yes,
        no_votes: no,
        abstain_votes: abstain,
    }
}

#[test]
fn quorum_is_more_than_half_of_expected() {
    // 10 expected: 5 present is not enough, 6 is.
    assert_eq!(vote_result(&vote(10, 5, 0, 5, 0, 0)), Ok(VoteOutcome::NoQuorum));
    assert_eq!(vote_result(&vote(10, 6, 0, 6, 0, 0)), Ok(VoteOutcome::Passed));
    // 7 expected: 3 no, 4 yes.
    assert_eq!(vote_result(&vote(7, 3, 0, 3, 0, 0)), Ok(VoteOutcome::NoQuorum));
    assert_eq!(vote_result(&vote(7, 4, 0, 4, 0, 0)), Ok(VoteOutcome::Passed));
}

#[test]
fn written_opinions_do_not_make_a_quorum() {
    assert_eq!(vote_result(&vote(10, 5, 5, 10, 0, 0)), Ok(VoteOutcome::NoQuorum));
}

#[test]
fn majority_is_of_expected_not_of_present() {
    // 10 expected, 6 present: 5 yes is a majority of those present but not of the 10.
    assert_eq!(vote_result(&vote(10, 6, 0, 5, 1, 0)), Ok(VoteOutcome::Failed));
    assert_eq!(vote_result(&vote(10, 6, 0, 6, 0, 0)), Ok(VoteOutcome::Passed));
    assert_eq!(vote_result(&vote(7, 7, 0, 3, 4, 0)), Ok(VoteOutcome::Failed));
    assert_eq!(vote_result(&vote(7, 7, 0, 4, 3, 0)), Ok(VoteOutcome::Passed));
}

#[test]
fn written_opinions_count_as_votes() {
    // 10 expected, 6 present of whom 5 vote yes, plus one written yes: 6 yes passes.
    assert_eq!(vote_result(&vote(10, 6, 1, 5, 1, 0)), Ok(VoteOutcome::Failed));
    assert_eq!(vote_result(&vote(10, 6, 1, 6, 1, 0)), Ok(VoteOutcome::Passed));
}

#[test]
fn nobody_expected_is_no_quorum() {
    assert_eq!(vote_result(&vote(0, 0, 0, 0, 0, 0)), Ok(VoteOutcome::NoQuorum));
}

#[test]
fn present_above_expected_is_invalid() {
    let e = vote_result(&vote(10, 11, 0, 6, 0, 0)).unwrap_err();
    assert_eq!((e.rule.as_str(), e.severity), ("R1.15", Severity::Block));
    assert_eq!(e.fact_value("field"), Some("present_voters"));
    assert_eq!(
        (e.fact_value("actual"), e.fact_value("required"), e.fact_value("gap")),
        (Some("11"), Some("10"), Some("1"))
    );
    assert!(e.source.contains("第十九、二十条"));
}

#[test]
fn written_plus_present_above_expected_is_invalid() {
    assert!(vote_result(&vote(10, 8, 2, 6, 0, 0)).is_ok());
    let e = vote_result(&vote(10, 8, 3, 6, 0, 0)).unwrap_err();
    assert_eq!(e.rule, "R1.16");
    assert_eq!(e.fact_value("field"), Some("written_opinions"));
    assert_eq!(e.fact_value("gap"), Some("1"));
}

#[test]
fn more_votes_than_ballots_names_the_field() {
    // 6 present + 1 written = 7 ballots.
    assert!(vote_result(&vote(10, 6, 1, 5, 1, 1)).is_ok());
    let field = |v: VoteInput| vote_result(&v).unwrap_err().fact_value("field").map(str::to_string);
    assert_eq!(field(vote(10, 6, 1, 8, 0, 0)).as_deref(), Some("yes_votes"));
    assert_eq!(field(vote(10, 6, 1, 5, 3, 0)).as_deref(), Some("no_votes"));
    assert_eq!(field(vote(10, 6, 1, 5, 1, 2)).as_deref(), Some("abstain_votes"));
    let e = vote_result(&vote(10, 6, 1, 5, 1, 2)).unwrap_err();
    assert_eq!((e.fact_value("actual"), e.fact_value("required")), (Some("8"), Some("7")));
}

#[test]
fn huge_counts_do_not_overflow() {
    assert_eq!(vote_result(&vote(u32::MAX, u32::MAX, 0, u32::MAX, 0, 0)), Ok(VoteOutcome::Passed));
    assert!(vote_result(&vote(u32::MAX, u32::MAX, u32::MAX, 0, 0, 0)).is_err());
}

/// Valid inputs: present ≤ eligible, present + written ≤ eligible, votes ≤ ballots.
fn valid_input() -> impl Strategy<Value = VoteInput> {
    (0u32..200)
        .prop_flat_map(|e| (Just(e), 0..=e))
        .prop_flat_map(|(e, p)| (Just(e), Just(p), 0..=(e - p)))
        .prop_flat_map(|(e, p, w)| (Just(e), Just(p), Just(w), 0..=(p + w)))
        .prop_flat_map(|(e, p, w, y)| (Just(e), Just(p), Just(w), Just(y), 0..=(p + w - y)))
        .prop_flat_map(|(e, p, w, y, n)| (Just(e), Just(p), Just(w), Just(y), Just(n), 0..=(p + w - y - n)))
        .prop_map(|(e, p, w, y, n, a)| vote(e, p, w, y, n, a))
}

proptest! {
    #[test]
    fn never_passed_without_quorum(v in any::<(u16, u16, u16, u16, u16, u16)>()) {
        let v = vote(v.0.into(), v.1.into(), v.2.into(), v.3.into(), v.4.into(), v.5.into());
        if let Ok(outcome) = vote_result(&v)
            && u64::from(v.present_voters) * 2 <= u64::from(v.eligible_voters)
        {
            prop_assert_eq!(outcome, VoteOutcome::NoQuorum);
        }
    }

    #[test]
    fn passed_iff_yes_is_a_majority_of_expected(v in valid_input()) {
        let outcome = vote_result(&v).unwrap();
        let quorum = v.present_voters * 2 > v.eligible_voters;
        prop_assert_eq!(outcome == VoteOutcome::NoQuorum, !quorum);
        if quorum {
            prop_assert_eq!(outcome == VoteOutcome::Passed, v.yes_votes * 2 > v.eligible_voters);
        }
    }

    #[test]
    fn monotonic_in_yes(v in valid_input()) {
        let before = vote_result(&v).unwrap();
        let more = VoteInput { yes_votes: v.yes_votes + 1, ..v };
        if let Ok(after) = vote_result(&more) {
            if before == VoteOutcome::Passed {
                prop_assert_eq!(after, VoteOutcome::Passed);
            }
            prop_assert_eq!(before == VoteOutcome::NoQuorum, after == VoteOutcome::NoQuorum);
        }
        // Turning a no into a yes never turns a pass into a failure.
        if v.no_votes > 0 {
            let flipped = VoteInput { yes_votes: v.yes_votes + 1, no_votes: v.no_votes - 1, ..v };
            let after = vote_result(&flipped).unwrap();
            prop_assert!(before != VoteOutcome::Passed || after == VoteOutcome::Passed);
        }
    }

    #[test]
    fn invalid_exactly_when_counts_exceed(v in any::<(u8, u8, u8, u8, u8, u8)>()) {
        let v = vote(v.0.into(), v.1.into(), v.2.into(), v.3.into(), v.4.into(), v.5.into());
        let valid = v.present_voters <= v.eligible_voters
            && v.present_voters + v.written_opinions <= v.eligible_voters
            && v.yes_votes + v.no_votes + v.abstain_votes <= v.present_voters + v.written_opinions;
        let result = vote_result(&v);
        prop_assert_eq!(result.is_ok(), valid);
        if let Err(e) = result {
            prop_assert!(e.is_block());
            prop_assert!(e.fact_value("field").is_some());
        }
    }
}

/// One roster entry.
fn voter(id: i64, status: MemberStatus, full_on: Option<NaiveDate>) -> VoterFacts {
    VoterFacts {
        member_id: id,
        name: format!("党员{id}"),
        status,
        full_on,
        under_probation_penalty: false,
        suspended: false,
    }
}

#[test]
fn r1_17_full_members_vote() {
    let roster = vec![
        voter(1, MemberStatus::Full, Some(date(2020, 1, 1))),
        voter(2, MemberStatus::Full, Some(date(2021, 1, 1))),
        voter(3, MemberStatus::Probationary, None),
        VoterFacts { under_probation_penalty: true, ..voter(4, MemberStatus::Full, Some(date(2019, 1, 1))) },
    ];
    let (n, excluded) = eligible_voters(&roster, date(2026, 6, 1), &[]);
    assert_eq!(n, 2);
    assert_eq!(
        excluded.iter().map(|e| (e.member_id, e.reason)).collect::<Vec<_>>(),
        vec![(3, ExclusionReason::Probationary), (4, ExclusionReason::ProbationPenalty)]
    );
    assert_eq!(excluded[0].name, "党员3");
}

#[test]
fn r1_17_converted_after_the_meeting_has_no_vote_yet() {
    let roster = vec![voter(1, MemberStatus::Full, Some(date(2026, 6, 1))), voter(2, MemberStatus::Full, None)];
    // The day before, of and after conversion.
    assert_eq!(eligible_voters(&roster, date(2026, 5, 31), &[]).0, 1);
    assert_eq!(eligible_voters(&roster, date(2026, 6, 1), &[]).0, 2);
    assert_eq!(eligible_voters(&roster, date(2026, 6, 2), &[]).0, 2);
}

#[test]
fn r1_17_configured_exclusions_are_recorded() {
    let roster: Vec<_> = (1..=6).map(|i| voter(i, MemberStatus::Full, Some(date(2020, 1, 1)))).collect();
    let exclusions = [
        (2, ExclusionReason::Abroad),
        (3, ExclusionReason::SeriousIllness),
        (99, ExclusionReason::Detained),
        (2, ExclusionReason::Bedridden),
    ];
    let (n, excluded) = eligible_voters(&roster, date(2026, 6, 1), &exclusions);
    assert_eq!(n, 4);
    assert_eq!(
        excluded.iter().map(|e| (e.member_id, e.reason)).collect::<Vec<_>>(),
        vec![(2, ExclusionReason::Abroad), (3, ExclusionReason::SeriousIllness)]
    );
    assert!(ExclusionReason::Abroad.needs_approval());
    assert!(!ExclusionReason::Probationary.needs_approval());
    assert_eq!(serde_json::to_value(&excluded[0]).unwrap()["reason"], "abroad");
}

#[test]
fn r1_17_rule_reasons_win_over_configured_ones() {
    let roster = vec![
        VoterFacts { under_probation_penalty: true, ..voter(1, MemberStatus::Full, None) },
        voter(2, MemberStatus::Probationary, None),
    ];
    let (n, excluded) =
        eligible_voters(&roster, date(2026, 6, 1), &[(1, ExclusionReason::Abroad), (2, ExclusionReason::Abroad)]);
    assert_eq!(n, 0);
    assert_eq!(
        excluded.iter().map(|e| e.reason).collect::<Vec<_>>(),
        vec![ExclusionReason::ProbationPenalty, ExclusionReason::Probationary]
    );
}
