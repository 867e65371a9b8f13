//! R1.11 (政审), R1.12 (training), R1.13 (leaving), R1.14 (branch meeting), R1.15–1.16 (votes), R1.19, R1.21.

use super::*;

/// Checks the admission vote of a fixture on `d`.
fn vote_on(f: &CaseFacts) -> impl Fn(NaiveDate) -> Vec<Finding> + '_ {
    move |d| check(f, Step::AdmissionVote, d)
}

#[test]
fn r1_11_no_political_review_blocks() {
    for (tl, src) in
        [(Tl::V14, "《中国共产党发展党员工作细则》(2014)"), (Tl::V26, "《中国共产党发展党员工作细则》(2026) 第十六条")]
    {
        let f = CaseFacts { political_review: None, ..before(tl, Step::AdmissionVote) };
        let v = check(&f, Step::AdmissionVote, tl.on(Step::AdmissionVote));
        assert_eq!(rules(&v), vec![("R1.11", Severity::Block)]);
        assert_eq!(v[0].fact_value("field"), Some("political_review"));
        assert_eq!(v[0].fact_value("actual"), Some("未登记"));
        assert_eq!(v[0].source, src);
    }
}

#[test]
fn r1_11_failed_review_blocks() {
    let f = CaseFacts {
        political_review: Some(PoliticalReview { passed: Some(false), concluded_on: date(2024, 10, 10) }),
        ..before(Tl::V14, Step::AdmissionVote)
    };
    let v = check(&f, Step::AdmissionVote, Tl::V14.on(Step::AdmissionVote));
    assert_eq!(one(&v, "R1.11").fact_value("actual"), Some("不合格"));
    assert!(v[0].message_zh.contains("不能发展入党"));
}

/// An old record of step 10 without its conclusion is not 合格: it blocks the admission vote on
/// both rule sets, naming the missing conclusion (never read as passed).
#[test]
fn r1_11_review_without_conclusion_blocks() {
    for tl in [Tl::V14, Tl::V26] {
        let concluded_on = tl.on(Step::PoliticalReview);
        let f = CaseFacts {
            political_review: Some(PoliticalReview { passed: None, concluded_on }),
            ..before(tl, Step::AdmissionVote)
        };
        let v = check(&f, Step::AdmissionVote, tl.on(Step::AdmissionVote));
        assert_eq!(rules(&v), vec![("R1.11", Severity::Block)]);
        assert_eq!(v[0].fact_value("field"), Some("political_review"));
        assert_eq!(v[0].fact_value("actual"), Some("未记载结论"));
        assert!(v[0].message_zh.contains("未记载结论"), "{}", v[0].message_zh);
        // Recorded 合格 on the same date passes.
        let ok = CaseFacts { political_review: Some(PoliticalReview { passed: Some(true), concluded_on }), ..f };
        assert!(check(&ok, Step::AdmissionVote, tl.on(Step::AdmissionVote)).is_empty());
    }
}

#[test]
fn r1_11_conclusion_on_or_before_the_meeting() {
    let base = before(Tl::V14, Step::AdmissionVote);
    let at = |d| {
        let f = CaseFacts {
            political_review: Some(PoliticalReview { passed: Some(true), concluded_on: d }),
            ..base.clone()
        };
        check(&f, Step::AdmissionVote, date(2024, 12, 1))
    };
    around(at, date(2024, 12, 1), "R1.11", [None, None, Some(Severity::Block)]);
}

#[test]
fn r1_12_training_days_or_hours() {
    let base = before(Tl::V14, Step::AdmissionVote);
    let on = Tl::V14.on(Step::AdmissionVote);
    let at = |days, hours| {
        let f = CaseFacts { training: Some(Training { days, hours }), ..base.clone() };
        of(&check(&f, Step::AdmissionVote, on), "R1.12").len()
    };
    // Days: 2 / 3 / 4 with no hours; hours: 23 / 24 / 25 with no days.
    assert_eq!((at(2, 0), at(3, 0), at(4, 0)), (1, 0, 0));
    assert_eq!((at(0, 23), at(0, 24), at(0, 25)), (1, 0, 0));
    assert_eq!((at(2, 23), at(2, 24), at(3, 23)), (1, 0, 0));
}

#[test]
fn r1_12_missing_or_short_training_facts() {
    let f = CaseFacts { training: None, ..before(Tl::V14, Step::AdmissionVote) };
    let v = check(&f, Step::AdmissionVote, Tl::V14.on(Step::AdmissionVote));
    let x = one(&v, "R1.12");
    assert!(x.is_block());
    assert_eq!(x.fact_value("field"), Some("training"));
    assert_eq!(x.fact_value("actual"), Some("未登记"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2014) 第十七条");
    let f = CaseFacts { training: Some(Training { days: 2, hours: 16 }), ..f };
    let v = check(&f, Step::AdmissionVote, Tl::V14.on(Step::AdmissionVote));
    let x = one(&v, "R1.12");
    assert_eq!(x.fact_value("actual"), Some("2 天 / 16 学时"));
    assert_eq!(x.fact_value("required"), Some("≥3 天或 ≥24 学时"));
    assert_eq!(x.fact_value("gap"), Some("1 天或 8 学时"));
}

#[test]
fn r1_12_local_minimum_from_settings() {
    let f = before(Tl::V26, Step::AdmissionVote);
    let s = DevelopmentSettings { training_min_days: 5, training_min_hours: 40, ..settings() };
    let on = Tl::V26.on(Step::AdmissionVote);
    let v = check_step(&f, Step::AdmissionVote, on, today(), &s, &cal());
    assert_eq!(one(&v, "R1.12").source, "《中国共产党发展党员工作细则》(2026) 第十七条");
    let f = CaseFacts { training: Some(Training { days: 5, hours: 30 }), ..f };
    assert!(check_step(&f, Step::AdmissionVote, on, today(), &s, &cal()).is_empty());
    let f = CaseFacts { training: Some(Training { days: 4, hours: 40 }), ..f };
    assert!(check_step(&f, Step::AdmissionVote, on, today(), &s, &cal()).is_empty());
}

#[test]
fn r1_13_leaving_within_three_months_of_pre_review() {
    // 预审 2024-11-10: leaving up to 2025-02-10 warns.
    let base = before(Tl::V14, Step::PreReview);
    let at = |d| {
        let f = CaseFacts { leaving_date: Some(d), ..base.clone() };
        check(&f, Step::PreReview, date(2024, 11, 10))
    };
    around(at, date(2025, 2, 10), "R1.13", [Some(Severity::Warn), Some(Severity::Warn), None]);
    let f = CaseFacts { leaving_date: Some(date(2025, 1, 31)), ..base };
    let v = check(&f, Step::PreReview, date(2024, 11, 10));
    let x = one(&v, "R1.13");
    assert_eq!(x.fact_value("field"), Some("leaving_date"));
    assert_eq!(x.fact_value("actual"), Some("2025-01-31"));
    assert_eq!(x.fact_value("required"), Some("2025-02-10"));
    assert_eq!(x.fact_value("gap"), Some("11"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2014) 第十九条");
}

#[test]
fn r1_13_rechecked_at_the_meeting_from_the_pre_review_date() {
    let base = before(Tl::V26, Step::AdmissionVote);
    let at = |d| {
        let f = CaseFacts { leaving_date: Some(d), ..base.clone() };
        check(&f, Step::AdmissionVote, Tl::V26.on(Step::AdmissionVote))
    };
    // 预审 2026-07-06: window to 2026-10-06.
    around(at, date(2026, 10, 6), "R1.13", [Some(Severity::Warn), Some(Severity::Warn), None]);
    let f = CaseFacts { leaving_date: Some(date(2026, 9, 1)), ..before(Tl::V26, Step::AdmissionVote) };
    let v = check(&f, Step::AdmissionVote, Tl::V26.on(Step::AdmissionVote));
    assert_eq!(one(&v, "R1.13").source, "《中国共产党发展党员工作细则》(2026) 第十八条");
}

#[test]
fn r1_13_month_end_clamp_and_setting() {
    let base = before(Tl::V14, Step::PreReview);
    let at = |d| {
        let f = CaseFacts { leaving_date: Some(d), ..base.clone() };
        check(&f, Step::PreReview, date(2025, 11, 30))
    };
    around(at, date(2026, 2, 28), "R1.13", [Some(Severity::Warn), Some(Severity::Warn), None]);
    let f = CaseFacts { leaving_date: Some(date(2025, 1, 31)), ..base };
    let s = DevelopmentSettings { leaving_window_months: 2, ..settings() };
    assert!(check_step(&f, Step::PreReview, date(2024, 11, 10), today(), &s, &cal()).is_empty());
}

#[test]
fn r1_13_override_keeps_the_justification() {
    let mut f = CaseFacts { leaving_date: Some(date(2025, 1, 1)), ..before(Tl::V14, Step::PreReview) };
    f.overrides = vec![Override {
        rule: "R1.13".into(),
        reason: "毕业后留校工作，组织关系不转出".into(),
        step: Step::PreReview,
        round: 0,
    }];
    let v = check(&f, Step::PreReview, date(2024, 11, 10));
    assert_eq!(one(&v, "R1.13").severity, Severity::Info);
    assert_eq!(one(&v, "R1.13").fact_value("override"), Some("毕业后留校工作，组织关系不转出"));
}

#[test]
fn r1_14_branch_meeting_within_one_month_2026() {
    // 预审 2026-07-06: meeting by 2026-08-06.
    let f = before(Tl::V26, Step::AdmissionVote);
    around(vote_on(&f), date(2026, 8, 6), "R1.14", [None, None, Some(Severity::Warn)]);
    let v = check(&f, Step::AdmissionVote, date(2026, 8, 17));
    let x = one(&v, "R1.14");
    assert_eq!(x.fact_value("required"), Some("2026-08-06"));
    assert_eq!(x.fact_value("gap"), Some("11"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2026) 第十九条");
}

#[test]
fn r1_14_not_in_2014() {
    let mut f = before(Tl::V14, Step::AdmissionVote);
    f.steps.insert(Step::PreReview, date(2026, 3, 20));
    f.steps.insert(Step::ApplicationForm, date(2026, 3, 25));
    around(vote_on(&f), date(2026, 5, 11), "R1.14", [None, Some(Severity::Warn), Some(Severity::Warn)]);
    // The 2014 fixture's meeting 21 days after 预审 is fine anyway.
    assert!(
        of(&check(&before(Tl::V14, Step::AdmissionVote), Step::AdmissionVote, date(2024, 12, 1)), "R1.14").is_empty()
    );
}

#[test]
fn r1_16_vote_must_be_recorded() {
    let f = CaseFacts { admission_vote: None, ..before(Tl::V14, Step::AdmissionVote) };
    let v = check(&f, Step::AdmissionVote, Tl::V14.on(Step::AdmissionVote));
    assert_eq!(rules(&v), vec![("R1.16", Severity::Block)]);
    assert_eq!(v[0].fact_value("field"), Some("admission_vote"));
}

#[test]
fn r1_15_no_quorum_blocks() {
    for (tl, src) in [
        (Tl::V14, "《中国共产党发展党员工作细则》(2014) 第二十条"),
        (Tl::V26, "《中国共产党发展党员工作细则》(2026) 第十九条"),
    ] {
        let vote = VoteInput { present_voters: 10, written_opinions: 0, yes_votes: 10, no_votes: 0, ..good_vote() };
        let f = CaseFacts { admission_vote: Some(vote), ..before(tl, Step::AdmissionVote) };
        let v = check(&f, Step::AdmissionVote, tl.on(Step::AdmissionVote));
        let x = one(&v, "R1.15");
        assert!(x.is_block());
        assert_eq!(x.fact_value("field"), Some("present_voters"));
        assert_eq!(
            (x.fact_value("actual"), x.fact_value("required"), x.fact_value("gap")),
            (Some("10"), Some("11"), Some("1"))
        );
        assert_eq!(x.fact_value("eligible_voters"), Some("20"));
        assert_eq!(x.source, src);
    }
}

#[test]
fn r1_16_failed_vote_blocks() {
    for (tl, src) in [
        (Tl::V14, "《中国共产党发展党员工作细则》(2014) 第二十一条"),
        (Tl::V26, "《中国共产党发展党员工作细则》(2026) 第二十条"),
    ] {
        // 15 present + 2 written, 10 yes: a majority of those voting but not of the 20 expected.
        let vote = VoteInput { yes_votes: 10, no_votes: 7, ..good_vote() };
        let f = CaseFacts { admission_vote: Some(vote), ..before(tl, Step::AdmissionVote) };
        let v = check(&f, Step::AdmissionVote, tl.on(Step::AdmissionVote));
        let x = one(&v, "R1.16");
        assert_eq!(x.fact_value("field"), Some("yes_votes"));
        assert_eq!(
            (x.fact_value("actual"), x.fact_value("required"), x.fact_value("gap")),
            (Some("10"), Some("11"), Some("1"))
        );
        assert_eq!(x.source, src);
    }
}

#[test]
fn r1_16_invalid_counts_block_on_the_case() {
    let vote = VoteInput { yes_votes: 18, no_votes: 0, ..good_vote() };
    let f = CaseFacts { admission_vote: Some(vote), ..before(Tl::V26, Step::AdmissionVote) };
    let v = check(&f, Step::AdmissionVote, Tl::V26.on(Step::AdmissionVote));
    let x = one(&v, "R1.16");
    assert_eq!(x.fact_value("field"), Some("yes_votes"));
    assert_eq!(x.fact_value("vote"), Some("admission_vote"));
    assert_eq!((x.subject_id, x.subject_name.as_str()), (9, "张三"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2026) 第二十条");
    assert!(x.message_zh.starts_with("「张三」的表决数据有误"));
    let vote = VoteInput { present_voters: 21, ..good_vote() };
    let f = CaseFacts { admission_vote: Some(vote), ..f };
    let v = check(&f, Step::AdmissionVote, Tl::V26.on(Step::AdmissionVote));
    assert_eq!(one(&v, "R1.15").fact_value("field"), Some("present_voters"));
    assert_eq!(one(&v, "R1.15").source, "《中国共产党发展党员工作细则》(2026) 第十九条");
}

#[test]
fn r1_19_only_a_committee_approves() {
    let on = Tl::V26.on(Step::Approval);
    for (kind, blocked) in [
        (Some(OrgKind::UniversityCommittee), false),
        (Some(OrgKind::CollegeCommittee), false),
        (Some(OrgKind::GeneralBranch), true),
        (Some(OrgKind::Branch), true),
        (Some(OrgKind::Group), true),
        (None, true),
    ] {
        let f = CaseFacts { approving_org_kind: kind, ..before(Tl::V26, Step::Approval) };
        let v = check(&f, Step::Approval, on);
        assert_eq!(of(&v, "R1.19").len(), usize::from(blocked), "{kind:?}");
        if blocked {
            let x = one(&v, "R1.19");
            assert!(x.is_block());
            assert_eq!(x.fact_value("field"), Some("approving_org_kind"));
            assert_eq!(x.source, "《中国共产党发展党员工作细则》(2026) 第二十二条");
        }
    }
    let f = CaseFacts { approving_org_kind: Some(OrgKind::GeneralBranch), ..before(Tl::V14, Step::Approval) };
    let v = check(&f, Step::Approval, Tl::V14.on(Step::Approval));
    assert!(one(&v, "R1.19").message_zh.contains("党总支不能审批预备党员"));
}

#[test]
fn r1_21_approval_within_three_months_warns_after() {
    // Vote 2024-12-01: approval by 2025-03-01 (warn after), at most 2025-06-01 (block after).
    let f = before(Tl::V14, Step::Approval);
    let at = |d| check(&f, Step::Approval, d);
    around(at, date(2025, 3, 1), "R1.21", [None, None, Some(Severity::Warn)]);
    let v = check(&f, Step::Approval, date(2025, 3, 2));
    let x = one(&v, "R1.21");
    assert_eq!(x.fact_value("required"), Some("2025-03-01"));
    assert_eq!(x.fact_value("max_date"), Some("2025-06-01"));
    assert_eq!(x.fact_value("admission_vote"), Some("2024-12-01"));
    assert_eq!(x.fact_value("gap"), Some("1"));
}

#[test]
fn r1_21_six_months_is_the_hard_limit() {
    let f = before(Tl::V14, Step::Approval);
    around(
        |d| check(&f, Step::Approval, d),
        date(2025, 6, 1),
        "R1.21",
        [Some(Severity::Warn), Some(Severity::Warn), Some(Severity::Block)],
    );
    let v = check(&f, Step::Approval, date(2025, 6, 2));
    assert_eq!(one(&v, "R1.21").fact_value("required"), Some("2025-06-01"));
}

#[test]
fn r1_21_month_end_clamps() {
    let mut f = before(Tl::V14, Step::Approval);
    f.steps.insert(Step::AdmissionVote, date(2025, 8, 31));
    f.steps.insert(Step::ApprovalTalk, date(2025, 9, 5));
    around(|d| check(&f, Step::Approval, d), date(2025, 11, 30), "R1.21", [None, None, Some(Severity::Warn)]);
    around(
        |d| check(&f, Step::Approval, d),
        date(2026, 2, 28),
        "R1.21",
        [Some(Severity::Warn), Some(Severity::Warn), Some(Severity::Block)],
    );
}

#[test]
fn r1_21_override_softens_the_warning_not_the_block() {
    let mut f = before(Tl::V26, Step::Approval);
    f.overrides =
        vec![Override {
            rule: "R1.21".into(), reason: "党委换届，延期审批".into(), step: Step::Approval, round: 0
        }];
    // Vote 2026-07-20: warn after 2026-10-20, block after 2027-01-20.
    let v = check(&f, Step::Approval, date(2026, 11, 1));
    assert_eq!(one(&v, "R1.21").severity, Severity::Info);
    assert_eq!(one(&v, "R1.21").source, "《中国共产党发展党员工作细则》(2026) 第二十五条");
    let v = check(&f, Step::Approval, date(2027, 1, 21));
    assert_eq!(one(&v, "R1.21").severity, Severity::Block);
}

#[test]
fn r1_21_window_from_settings() {
    let f = before(Tl::V14, Step::Approval);
    let s = DevelopmentSettings { approval_warn_months: 1, approval_max_months: 2, ..settings() };
    let at = |d| check_step(&f, Step::Approval, d, today(), &s, &cal());
    around(at, date(2025, 1, 1), "R1.21", [None, None, Some(Severity::Warn)]);
    let v = check_step(&f, Step::Approval, date(2025, 2, 2), today(), &s, &cal());
    assert_eq!(one(&v, "R1.21").severity, Severity::Block);
}
