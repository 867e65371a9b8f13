//! Steps, stages, rule sets, sources and settings.

use super::*;

#[test]
fn numbers_run_1_to_25_in_order() {
    assert_eq!(Step::ALL.len(), 25);
    for (i, s) in Step::ALL.iter().enumerate() {
        assert_eq!(s.number() as usize, i + 1);
        assert_eq!(Step::from_number(s.number()), Some(*s));
    }
    assert_eq!(Step::from_number(0), None);
    assert_eq!(Step::from_number(26), None);
    assert!(Step::Application < Step::Archive);
}

#[test]
fn stages_hold_2_4_5_7_7_steps() {
    let count = |stage| Step::ALL.iter().filter(|s| s.stage() == stage).count();
    assert_eq!(Stage::ALL.iter().map(|s| count(*s)).collect::<Vec<_>>(), vec![2, 4, 5, 7, 7]);
    assert_eq!(Step::Talk.stage(), Stage::Applicant);
    assert_eq!(Step::ActivistRecommendation.stage(), Stage::Activist);
    assert_eq!(Step::IntensiveTraining.stage(), Stage::Candidate);
    assert_eq!(Step::CommitteeReview.stage(), Stage::Probationary);
    assert_eq!(Step::ApprovalFiling.stage(), Stage::Probationary);
    assert_eq!(Step::GroupAssignment.stage(), Stage::Full);
    assert_eq!(Stage::Candidate.label(), "发展对象的确定和考察");
}

#[test]
fn labels_follow_r1_1_and_are_unique() {
    assert_eq!(Step::Application.label(), "递交入党申请书");
    assert_eq!(Step::CandidateFiling.label(), "报上级党委备案");
    assert_eq!(Step::AdmissionVote.label(), "支部大会讨论");
    assert_eq!(Step::ApprovalFiling.label(), "再上一级党委组织部门备案");
    assert_eq!(Step::Archive.label(), "材料归档");
    let mut labels: Vec<&str> = Step::ALL.iter().map(|s| s.label()).collect();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels.len(), 25);
}

#[test]
fn step_8_is_consent_and_publicity_in_2026() {
    assert_eq!(Step::CandidateFiling.label_in(RuleSet::V2014), "报上级党委备案");
    assert_eq!(Step::CandidateFiling.label_in(RuleSet::V2026), "报上级党委同意并公示");
    assert_eq!(Step::Oath.label_in(RuleSet::V2026), "入党宣誓");
}

#[test]
fn parse_and_json_use_snake_case_ids() {
    for s in Step::ALL {
        assert_eq!(Step::parse(s.as_str()), Some(*s));
        assert_eq!(Step::parse(s.label()), Some(*s));
    }
    assert_eq!(Step::parse(" activist_filing "), Some(Step::ActivistFiling));
    assert_eq!(Step::parse("支部大会讨论（转正）"), Some(Step::ConversionVote));
    assert_eq!(serde_json::to_string(&Step::CandidateDetermination).unwrap(), "\"candidate_determination\"");
    assert_eq!(serde_json::from_str::<Step>("\"oath\"").unwrap(), Step::Oath);
    assert_eq!(serde_json::to_string(&VoteOutcome::NoQuorum).unwrap(), "\"no_quorum\"");
}

#[test]
fn prerequisites_point_backwards_in_2014() {
    for s in Step::ALL {
        for p in s.prerequisites(RuleSet::V2014) {
            assert!(p.number() < s.number(), "{s:?} <- {p:?}");
        }
        if *s != Step::Application {
            assert!(!s.prerequisites(RuleSet::V2014).is_empty(), "{s:?}");
        }
    }
    assert_eq!(Step::Approval.prerequisites(RuleSet::V2014), &[Step::ApprovalTalk]);
}

#[test]
fn prerequisites_swap_7_and_8_in_2026() {
    assert_eq!(Step::CandidateDetermination.prerequisites(RuleSet::V2026), &[Step::CandidateFiling]);
    assert_eq!(Step::CandidateFiling.prerequisites(RuleSet::V2026), &[Step::ActivistFiling, Step::ActivistEducation]);
    assert_eq!(Step::CandidateFiling.prerequisites(RuleSet::V2014), &[Step::CandidateDetermination]);
    // Every other step has the same prerequisites under both.
    for s in Step::ALL.iter().filter(|s| !matches!(s, Step::CandidateDetermination | Step::CandidateFiling)) {
        assert_eq!(s.prerequisites(RuleSet::V2014), s.prerequisites(RuleSet::V2026), "{s:?}");
    }
}

#[test]
fn rule_set_switches_on_2026_05_11() {
    assert_eq!(RuleSet::for_date(date(2026, 5, 10)), RuleSet::V2014);
    assert_eq!(RuleSet::for_date(date(2026, 5, 11)), RuleSet::V2026);
    assert_eq!(RuleSet::for_date(date(2026, 5, 12)), RuleSet::V2026);
    assert_eq!(RuleSet::for_date(date(2014, 5, 28)), RuleSet::V2014);
    assert_eq!(RuleSet::V2026.as_str(), "v2026");
}

#[test]
fn sources_use_the_2014_numbers_of_appendix_a() {
    let (old, new) = (date(2026, 5, 10), date(2026, 5, 11));
    assert_eq!(source(18, old), "《中国共产党发展党员工作细则》(2014) 第十九条");
    assert_eq!(source(19, old), "《中国共产党发展党员工作细则》(2014) 第二十条");
    assert_eq!(source(20, old), "《中国共产党发展党员工作细则》(2014) 第二十一条");
    assert_eq!(source(31, old), "《中国共产党发展党员工作细则》(2014) 第三十二条");
    assert_eq!(source(7, old), "《中国共产党发展党员工作细则》(2014) 第七条");
    assert_eq!(source(17, old), "《中国共产党发展党员工作细则》(2014) 第十七条");
    // 2014 number not seen: no article number is invented.
    assert_eq!(source(25, old), "《中国共产党发展党员工作细则》(2014)");
    assert_eq!(source(13, old), "《中国共产党发展党员工作细则》(2014)");
    assert_eq!(source(18, new), "《中国共产党发展党员工作细则》(2026) 第十八条");
    assert_eq!(source(25, new), "《中国共产党发展党员工作细则》(2026) 第二十五条");
}

#[test]
fn settings_defaults_and_partial_json() {
    let s = DevelopmentSettings::default();
    assert!(s.age_on_birthday && s.publicity_listing_after_last_day);
    assert_eq!((s.activist_min_months, s.training_min_days, s.training_min_hours), (12, 3, 24));
    assert_eq!((s.leaving_window_months, s.approval_warn_months, s.approval_max_months), (3, 3, 6));
    let parsed: DevelopmentSettings = serde_json::from_str(r#"{"training_min_hours": 40}"#).unwrap();
    assert_eq!(parsed, DevelopmentSettings { training_min_hours: 40, ..s });
}

#[test]
fn standing_since_is_probation_end() {
    assert_eq!(standing_since(date(2024, 12, 1), 0), date(2025, 12, 1));
    assert_eq!(standing_since(date(2024, 12, 1), 6), date(2026, 6, 1));
    assert_eq!(standing_since(date(2024, 12, 1), 12), date(2026, 12, 1));
    // 02-29 clamps to 02-28 in a common year (C2), then months are added to that date.
    assert_eq!(standing_since(date(2024, 2, 29), 0), date(2025, 2, 28));
    assert_eq!(standing_since(date(2024, 2, 29), 6), date(2025, 8, 28));
    // Month end: 2025-08-31 + 1 year + 6 months = 2027-02-28.
    assert_eq!(standing_since(date(2025, 8, 31), 6), date(2027, 2, 28));
}

#[test]
fn probation_end_of_a_case() {
    let mut f = complete(Tl::V14);
    assert_eq!(f.probation_end(&settings()), Some(date(2025, 12, 1)));
    f.probation_extensions = vec![7];
    assert_eq!(f.probation_end(&settings()), Some(date(2026, 7, 1)));
    f.steps.remove(&Step::AdmissionVote);
    assert_eq!(f.probation_end(&settings()), None);
}
