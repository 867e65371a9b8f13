//! Future dates, step order, overrides, R1.2 (age), R1.4 (talk) and R1.6 (mentors).

use super::*;

#[test]
fn future_event_blocks() {
    let f = before(Tl::V14, Step::Talk);
    let at = |on, today| check_step(&f, Step::Talk, on, today, &settings(), &cal());
    let v = at(date(2023, 3, 21), date(2023, 3, 20));
    let x = one(&v, "DATA");
    assert_eq!(x.severity, Severity::Block);
    assert_eq!(x.fact_value("field"), Some("event_date"));
    assert_eq!(x.fact_value("required"), Some("2023-03-20"));
    assert_eq!(x.fact_value("gap"), Some("1"));
    assert!(at(date(2023, 3, 20), date(2023, 3, 20)).is_empty());
    assert!(at(date(2023, 3, 19), date(2023, 3, 20)).is_empty());
}

#[test]
fn missing_prerequisite_names_the_step() {
    let mut f = before(Tl::V14, Step::CommitteeReview);
    f.steps.remove(&Step::PoliticalReview);
    let v = check(&f, Step::CommitteeReview, Tl::V14.on(Step::CommitteeReview));
    let x = one(&v, "R1.1");
    assert!(x.is_block());
    assert_eq!(x.fact_value("field"), Some("step"));
    assert_eq!(x.fact_value("missing_step"), Some("political_review"));
    assert_eq!(x.fact_value("required"), Some("进行政治审查"));
    assert!(x.message_zh.contains("第10步「进行政治审查」"), "{}", x.message_zh);
}

#[test]
fn every_step_without_its_prerequisites_blocks() {
    for tl in [Tl::V14, Tl::V26] {
        for &s in Step::ALL.iter().filter(|s| **s != Step::Application) {
            let mut f = before(tl, s);
            f.steps.clear();
            let v = check(&f, s, tl.on(s));
            let rules = RuleSet::for_date(tl.on(s));
            let missing: Vec<_> = v.iter().filter_map(|x| x.fact_value("missing_step")).collect();
            let want: Vec<_> = s.prerequisites(rules).iter().map(|p| p.as_str()).collect();
            assert_eq!(missing, want, "{tl:?} {s:?}");
        }
    }
}

#[test]
fn prerequisite_dated_after_the_event_blocks() {
    let f = before(Tl::V14, Step::Talk);
    // Application 2023-03-01: a talk the day before is out of order.
    around(|d| check(&f, Step::Talk, d), date(2023, 3, 1), "R1.1", [Some(Severity::Block), None, None]);
    let v = check(&f, Step::Talk, date(2023, 2, 28));
    let x = one(&v, "R1.1");
    assert_eq!(x.fact_value("required"), Some("2023-03-01"));
    assert_eq!(x.fact_value("gap"), Some("1"));
    assert_eq!(x.source, "发展党员工作流程（5个阶段25个步骤）");
}

#[test]
fn editing_a_step_past_a_later_step_blocks() {
    // Activists determined 2023-09-01: moving the talk after it is out of order.
    let f = complete(Tl::V14);
    around(|d| check(&f, Step::Talk, d), date(2023, 9, 1), "R1.1", [None, None, Some(Severity::Block)]);
    let v = check(&f, Step::Talk, date(2023, 9, 2));
    assert_eq!(one(&v, "R1.1").fact_value("later_step"), Some("2023-09-01"));
}

#[test]
fn r1_20_approval_needs_the_talk() {
    let mut f = before(Tl::V14, Step::Approval);
    f.steps.remove(&Step::ApprovalTalk);
    let v = check(&f, Step::Approval, Tl::V14.on(Step::Approval));
    assert_eq!(rules(&v), vec![("R1.20", Severity::Block)]);
    assert_eq!(v[0].fact_value("missing_step"), Some("approval_talk"));
    assert_eq!(v[0].source, "《中国共产党发展党员工作细则》(2014)");
}

#[test]
fn r1_20_talk_on_the_approval_day_is_enough() {
    let mut f = before(Tl::V14, Step::Approval);
    f.steps.insert(Step::ApprovalTalk, date(2025, 1, 10));
    around(|d| check(&f, Step::Approval, d), date(2025, 1, 10), "R1.20", [Some(Severity::Block), None, None]);
    let v = check(&f, Step::Approval, date(2025, 1, 9));
    assert!(one(&v, "R1.20").message_zh.contains("步骤顺序颠倒"));
}

#[test]
fn r1_20_source_follows_the_event_date() {
    let mut f = before(Tl::V26, Step::Approval);
    f.steps.remove(&Step::ApprovalTalk);
    let v = check(&f, Step::Approval, Tl::V26.on(Step::Approval));
    assert_eq!(one(&v, "R1.20").source, "《中国共产党发展党员工作细则》(2026) 第二十三条");
}

#[test]
fn r1_2_eighteenth_birthday() {
    let f = CaseFacts { birth_date: date(2005, 3, 1), ..before(Tl::V14, Step::Application) };
    let at = |d| check(&f, Step::Application, d);
    around(at, date(2023, 3, 1), "R1.2", [Some(Severity::Block), None, None]);
    let v = check(&f, Step::Application, date(2023, 2, 28));
    let x = one(&v, "R1.2");
    assert_eq!(x.fact_value("field"), Some("event_date"));
    assert_eq!(x.fact_value("related_field"), Some("birth_date"));
    assert_eq!(x.fact_value("actual"), Some("2023-02-28"));
    assert_eq!(x.fact_value("required"), Some("2023-03-01"));
    assert_eq!(x.fact_value("gap"), Some("1"));
    assert_eq!(x.fact_value("age"), Some("17"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2014) 第五条");
}

#[test]
fn r1_2_leap_day_birth_turns_18_on_feb_28() {
    // A 02-29 birthday's 18th anniversary always falls in a common year: 02-28 under C2.
    let f = CaseFacts { birth_date: date(2008, 2, 29), ..before(Tl::V14, Step::Application) };
    around(|d| check(&f, Step::Application, d), date(2026, 2, 28), "R1.2", [Some(Severity::Block), None, None]);
    let f = CaseFacts { birth_date: date(2004, 2, 29), ..f };
    around(|d| check(&f, Step::Application, d), date(2022, 2, 28), "R1.2", [Some(Severity::Block), None, None]);
}

#[test]
fn r1_2_setting_from_the_day_after() {
    let f = CaseFacts { birth_date: date(2008, 2, 29), ..before(Tl::V14, Step::Application) };
    let s = DevelopmentSettings { age_on_birthday: false, ..settings() };
    let at = |d| check_step(&f, Step::Application, d, today(), &s, &cal());
    around(at, date(2026, 3, 1), "R1.2", [Some(Severity::Block), None, None]);
    let v = check_step(&f, Step::Application, date(2026, 2, 28), today(), &s, &cal());
    assert_eq!(one(&v, "R1.2").fact_value("required"), Some("2026-03-01"));
}

#[test]
fn r1_2_source_on_both_sides_of_2026_05_11() {
    let f = CaseFacts { birth_date: date(2008, 5, 12), ..before(Tl::V14, Step::Application) };
    let v = check(&f, Step::Application, date(2026, 5, 10));
    assert_eq!(one(&v, "R1.2").source, "《中国共产党发展党员工作细则》(2014) 第五条");
    let v = check(&f, Step::Application, date(2026, 5, 11));
    assert_eq!(one(&v, "R1.2").source, "《中国共产党发展党员工作细则》(2026) 第五条");
    assert!(check(&f, Step::Application, date(2026, 5, 12)).is_empty());
}

#[test]
fn r1_4_talk_within_one_month() {
    // Application 2023-03-01: talk by 2023-04-01.
    let f = before(Tl::V14, Step::Talk);
    around(|d| check(&f, Step::Talk, d), date(2023, 4, 1), "R1.4", [None, None, Some(Severity::Warn)]);
    let v = check(&f, Step::Talk, date(2023, 4, 11));
    let x = one(&v, "R1.4");
    assert_eq!(x.fact_value("actual"), Some("2023-04-11"));
    assert_eq!(x.fact_value("required"), Some("2023-04-01"));
    assert_eq!(x.fact_value("gap"), Some("10"));
    assert_eq!(x.fact_value("from"), Some("2023-03-01"));
    assert_eq!(x.source, "《中国共产党发展党员工作细则》(2014) 第七条");
    assert!(x.message_zh.contains("一个月内派人谈话"));
}

#[test]
fn r1_4_month_end_clamp() {
    let mut f = before(Tl::V14, Step::Talk);
    f.steps.insert(Step::Application, date(2025, 1, 31));
    around(|d| check(&f, Step::Talk, d), date(2025, 2, 28), "R1.4", [None, None, Some(Severity::Warn)]);
    f.steps.insert(Step::Application, date(2024, 1, 31));
    around(|d| check(&f, Step::Talk, d), date(2024, 2, 29), "R1.4", [None, None, Some(Severity::Warn)]);
}

#[test]
fn r1_4_same_rule_under_both_versions() {
    let mut f = before(Tl::V14, Step::Talk);
    f.steps.insert(Step::Application, date(2026, 4, 1));
    let v = check(&f, Step::Talk, date(2026, 5, 10));
    assert_eq!(one(&v, "R1.4").source, "《中国共产党发展党员工作细则》(2014) 第七条");
    let v = check(&f, Step::Talk, date(2026, 5, 11));
    assert_eq!(one(&v, "R1.4").source, "《中国共产党发展党员工作细则》(2026) 第七条");
}

#[test]
fn override_turns_a_warning_into_info_with_the_reason() {
    let mut f = before(Tl::V14, Step::Talk);
    f.overrides = vec![Override {
        rule: "R1.4".into(),
        reason: "申请人赴外地实习，返校后谈话".into(),
        step: Step::Talk,
        round: 0,
    }];
    let v = check(&f, Step::Talk, date(2023, 4, 11));
    let x = one(&v, "R1.4");
    assert_eq!(x.severity, Severity::Info);
    assert_eq!(x.fact_value("override"), Some("申请人赴外地实习，返校后谈话"));
    assert_eq!(x.fact_value("gap"), Some("10"));
}

#[test]
fn override_without_reason_or_for_another_rule_is_ignored() {
    let mut f = before(Tl::V14, Step::Talk);
    f.overrides = vec![
        Override { rule: "R1.4".into(), reason: "  ".into(), step: Step::Talk, round: 0 },
        Override { rule: "R1.21".into(), reason: "x".into(), step: Step::Talk, round: 0 },
    ];
    let v = check(&f, Step::Talk, date(2023, 4, 11));
    assert_eq!(one(&v, "R1.4").severity, Severity::Warn);
    assert_eq!(one(&v, "R1.4").fact_value("override"), None);
}

#[test]
fn override_never_lifts_a_block() {
    let mut f = CaseFacts { birth_date: date(2005, 3, 2), ..before(Tl::V14, Step::Application) };
    f.overrides = vec![Override { rule: "R1.2".into(), reason: "差一天".into(), step: Step::Application, round: 0 }];
    let v = check(&f, Step::Application, date(2023, 3, 1));
    assert_eq!(one(&v, "R1.2").severity, Severity::Block);
}

#[test]
fn r1_6_one_or_two_mentors() {
    let mut f = before(Tl::V14, Step::MentorAssignment);
    let on = Tl::V14.on(Step::MentorAssignment);
    assert!(check(&f, Step::MentorAssignment, on).is_empty());
    f.mentors = vec![full(11, "甲"), full(12, "乙")];
    assert!(check(&f, Step::MentorAssignment, on).is_empty());
    // The same person twice is one mentor.
    f.mentors = vec![full(11, "甲"), full(11, "甲")];
    assert!(check(&f, Step::MentorAssignment, on).is_empty());
}

#[test]
fn r1_6_none_or_three_mentors_block() {
    let mut f = before(Tl::V14, Step::MentorAssignment);
    let on = Tl::V14.on(Step::MentorAssignment);
    f.mentors = vec![];
    let v = check(&f, Step::MentorAssignment, on);
    let x = one(&v, "R1.6");
    assert!(x.is_block());
    assert_eq!(
        (x.fact_value("field"), x.fact_value("actual"), x.fact_value("gap")),
        (Some("mentors"), Some("0"), Some("1"))
    );
    f.mentors = vec![full(11, "甲"), full(12, "乙"), full(13, "丙")];
    let v = check(&f, Step::MentorAssignment, on);
    assert_eq!(one(&v, "R1.6").fact_value("gap"), Some("1"));
    assert_eq!(one(&v, "R1.6").source, "《中国共产党发展党员工作细则》(2014) 第九条");
}

#[test]
fn r1_6_probationary_mentor_blocks() {
    let mut f = before(Tl::V14, Step::MentorAssignment);
    f.mentors = vec![full(11, "甲"), PersonStanding { status: MemberStatus::Probationary, ..full(12, "乙") }];
    let v = check(&f, Step::MentorAssignment, Tl::V14.on(Step::MentorAssignment));
    let x = one(&v, "R1.6");
    assert_eq!(x.fact_value("member_id"), Some("12"));
    assert_eq!(x.fact_value("actual"), Some("预备党员"));
}
