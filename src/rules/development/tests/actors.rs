//! Issue 8 part 3: mentors (R1.6) and sponsors (R1.10) judged on the date of the step naming them,
//! from the member's history; R1.5 named for a missing 上级党委备案; R1.12 at the training step.

use super::*;
use crate::domain::{PenaltyKind, SpecialStatus};
use crate::rules::penalty::Penalty;

/// 张三: admitted 2025-09-01, full from 2026-09-01, a member here since admission.
fn zhang() -> ActorHistory {
    ActorHistory {
        member_id: 31,
        name: "张三".to_string(),
        status: MemberStatus::Full,
        joined_on: date(2025, 9, 1),
        full_on: Some(date(2026, 9, 1)),
        left_on: None,
        special_status: SpecialStatus::Normal,
        special_status_since: None,
        changes: Vec::new(),
        periods: vec![(date(2025, 9, 1), None)],
        penalties: Vec::new(),
    }
}

/// The R1.6 / R1.10 findings of the mentor / sponsor step with `p` named, on `on` (the person's date).
fn judged(tl: Tl, step: Step, p: PersonStanding, on: NaiveDate) -> Vec<Finding> {
    let mut f = before(tl, step);
    if step == Step::MentorAssignment {
        f.mentors = vec![p];
    } else {
        f.sponsors = vec![full(21, "王一"), p];
    }
    check(&f, step, on)
}

/// The severity of the `rule` finding about member 31 (None = none).
fn about_31(v: &[Finding], rule: &str) -> Option<Severity> {
    v.iter().find(|x| x.rule == rule && x.fact_value("member_id") == Some("31")).map(|x| x.severity)
}

#[test]
fn probationary_until_the_conversion_date() {
    let h = zhang();
    let day_before = standing_on(&h, date(2026, 8, 31));
    assert_eq!(day_before.status, MemberStatus::Probationary);
    assert_eq!(day_before.full_from, Some(date(2026, 9, 1)));
    assert_eq!(standing_on(&h, date(2026, 9, 1)).status, MemberStatus::Full);
    assert_eq!(standing_on(&h, date(2026, 9, 2)).status, MemberStatus::Full);
    // Still probationary now: no conversion date at all.
    let p = ActorHistory { status: MemberStatus::Probationary, full_on: None, ..zhang() };
    assert_eq!(standing_on(&p, date(2030, 1, 1)).status, MemberStatus::Probationary);
}

#[test]
fn r1_10_sponsor_probationary_on_the_date_blocks_both_versions() {
    // 2014: the sponsor step on 2024-09-10; the person converted on that day is full.
    for (tl, conversion) in [(Tl::V14, date(2024, 9, 10)), (Tl::V26, date(2026, 6, 10))] {
        let h = ActorHistory { joined_on: date(2023, 1, 1), full_on: Some(conversion), ..zhang() };
        let h = ActorHistory { periods: vec![(date(2023, 1, 1), None)], ..h };
        let step = Step::SponsorAssignment;
        let on = tl.on(step);
        for (d, want) in [
            (conversion.pred_opt().unwrap(), Some(Severity::Block)),
            (conversion, None),
            (conversion.succ_opt().unwrap(), None),
        ] {
            let v = judged(tl, step, standing_on(&h, d), on);
            assert_eq!(about_31(&v, "R1.10"), want, "{tl:?} {d}: {:?}", rules(&v));
        }
        let v = judged(tl, step, standing_on(&h, conversion.pred_opt().unwrap()), on);
        let x = v.iter().find(|x| x.rule == "R1.10").unwrap();
        let msg = format!(
            "「张三」{} 为预备党员（{} 转正），不能担任入党介绍人",
            fmt(conversion.pred_opt().unwrap()),
            fmt(conversion)
        );
        assert!(x.message_zh.contains(&msg), "{}", x.message_zh);
        assert_eq!(x.fact_value("as_of"), Some(fmt(conversion.pred_opt().unwrap()).as_str()));
    }
}

fn fmt(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[test]
fn r1_6_mentor_probationary_on_the_date_blocks_both_versions() {
    for tl in [Tl::V14, Tl::V26] {
        let step = Step::MentorAssignment;
        let on = tl.on(step);
        let h = ActorHistory { joined_on: date(2020, 1, 1), periods: vec![(date(2020, 1, 1), None)], ..zhang() };
        let h = ActorHistory { full_on: Some(on), ..h };
        let around_conversion = [on.pred_opt().unwrap(), on, on.succ_opt().unwrap()];
        let got: Vec<Option<Severity>> =
            around_conversion.iter().map(|d| about_31(&judged(tl, step, standing_on(&h, *d), on), "R1.6")).collect();
        assert_eq!(got, vec![Some(Severity::Block), None, None], "{tl:?}");
        let v = judged(tl, step, standing_on(&h, on.pred_opt().unwrap()), on);
        assert!(one(&v, "R1.6").message_zh.contains("不能担任培养联系人"));
    }
}

#[test]
fn suspended_and_lost_contact_block_from_the_status_date() {
    let change = |new| StatusChange { effective_on: date(2026, 3, 10), old: Some(SpecialStatus::Normal), new };
    for (status, label) in [(SpecialStatus::Suspended, "停止党籍"), (SpecialStatus::LostContact, "失联党员")] {
        let h = ActorHistory { full_on: Some(date(2025, 12, 1)), changes: vec![change(status)], ..zhang() };
        for tl in [Tl::V14, Tl::V26] {
            let got: Vec<Option<Severity>> = [date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)]
                .iter()
                .map(|d| {
                    about_31(
                        &judged(tl, Step::SponsorAssignment, standing_on(&h, *d), tl.on(Step::SponsorAssignment)),
                        "R1.10",
                    )
                })
                .collect();
            assert_eq!(got, vec![None, Some(Severity::Block), Some(Severity::Block)], "{status:?} {tl:?}");
        }
        let v = judged(Tl::V26, Step::MentorAssignment, standing_on(&h, date(2026, 3, 10)), date(2026, 3, 10));
        assert!(one(&v, "R1.6").message_zh.contains(label), "{}", one(&v, "R1.6").message_zh);
    }
}

#[test]
fn special_status_without_events_uses_the_current_one_and_its_date() {
    let h = ActorHistory {
        special_status: SpecialStatus::Suspended,
        special_status_since: Some(date(2026, 3, 10)),
        ..zhang()
    };
    assert_eq!(special_status_on(&h, date(2026, 3, 9)), SpecialStatus::Normal);
    assert_eq!(special_status_on(&h, date(2026, 3, 10)), SpecialStatus::Suspended);
    // Restored later: the status on a date between the two events is the first event's.
    let h = ActorHistory {
        changes: vec![
            StatusChange {
                effective_on: date(2026, 5, 1),
                old: Some(SpecialStatus::Suspended),
                new: SpecialStatus::Normal,
            },
            StatusChange { effective_on: date(2026, 3, 10), old: None, new: SpecialStatus::Suspended },
        ],
        ..zhang()
    };
    assert_eq!(special_status_on(&h, date(2026, 3, 9)), SpecialStatus::Normal);
    assert_eq!(special_status_on(&h, date(2026, 4, 30)), SpecialStatus::Suspended);
    assert_eq!(special_status_on(&h, date(2026, 5, 1)), SpecialStatus::Normal);
}

#[test]
fn left_not_yet_joined_and_relationship_elsewhere() {
    let h = ActorHistory { full_on: Some(date(2025, 9, 1)), left_on: Some(date(2026, 4, 1)), ..zhang() };
    assert_eq!(standing_on(&h, date(2026, 3, 31)).membership, Membership::Here);
    assert_eq!(standing_on(&h, date(2026, 4, 1)).membership, Membership::Left(date(2026, 4, 1)));
    assert_eq!(standing_on(&h, date(2025, 8, 31)).membership, Membership::NotYet(date(2025, 9, 1)));
    // Transferred out on 2026-02-01 (period closed), a 流动党员 since then.
    let out = ActorHistory {
        full_on: Some(date(2025, 9, 1)),
        periods: vec![(date(2025, 9, 1), Some(date(2026, 2, 1)))],
        special_status: SpecialStatus::Mobile,
        ..zhang()
    };
    assert_eq!(standing_on(&out, date(2026, 1, 31)).membership, Membership::Here);
    let p = standing_on(&out, date(2026, 2, 1));
    assert_eq!(p.membership, Membership::Elsewhere);
    let v = judged(Tl::V26, Step::SponsorAssignment, p, Tl::V26.on(Step::SponsorAssignment));
    assert_eq!(about_31(&v, "R1.10"), Some(Severity::Block));
    assert!(v.iter().any(|x| x.message_zh.contains("流动党员，组织关系不在本单位")));
    // A 流动党员 whose relationship is here may act.
    let here = ActorHistory { full_on: Some(date(2025, 9, 1)), special_status: SpecialStatus::Mobile, ..zhang() };
    let v = judged(Tl::V26, Step::SponsorAssignment, standing_on(&here, date(2026, 6, 10)), date(2026, 6, 10));
    assert_eq!(about_31(&v, "R1.10"), None, "{:?}", rules(&v));
    // Left: blocked with the date.
    let v = judged(Tl::V26, Step::MentorAssignment, standing_on(&h, date(2026, 4, 1)), date(2026, 4, 1));
    assert!(one(&v, "R1.6").message_zh.contains("已于 2026-04-01 离开党组织"));
}

#[test]
fn probation_penalty_blocks_and_impact_period_warns_only_2026() {
    let probation = Penalty {
        kind: PenaltyKind::Probation,
        decided_on: date(2026, 1, 10),
        period_months: Some(12),
        restored_on: None,
    };
    let h = ActorHistory { full_on: Some(date(2025, 9, 1)), penalties: vec![probation], ..zhang() };
    for tl in [Tl::V14, Tl::V26] {
        let on = tl.on(Step::SponsorAssignment);
        let got: Vec<Option<Severity>> = [date(2027, 1, 9), date(2027, 1, 10), date(2027, 1, 11)]
            .iter()
            .map(|d| about_31(&judged(tl, Step::SponsorAssignment, standing_on(&h, *d), on), "R1.10"))
            .collect();
        assert_eq!(got, vec![Some(Severity::Block), None, None], "{tl:?}");
    }
    let warning =
        Penalty { kind: PenaltyKind::Warning, decided_on: date(2026, 1, 10), period_months: None, restored_on: None };
    let h = ActorHistory { full_on: Some(date(2025, 9, 1)), penalties: vec![warning], ..zhang() };
    let p = standing_on(&h, date(2026, 6, 10));
    assert!(p.in_penalty_impact_period);
    assert_eq!(
        about_31(&judged(Tl::V26, Step::SponsorAssignment, p.clone(), date(2026, 6, 10)), "R1.10"),
        Some(Severity::Warn)
    );
    assert_eq!(about_31(&judged(Tl::V14, Step::SponsorAssignment, p, date(2024, 9, 10)), "R1.10"), None);
    // The impact period ends on 2027-01-10.
    assert!(!standing_on(&h, date(2027, 1, 10)).in_penalty_impact_period);
    assert!(standing_on(&h, date(2027, 1, 9)).in_penalty_impact_period);
}

#[test]
fn r1_5_named_when_the_activist_filing_is_missing() {
    for (tl, step) in [(Tl::V14, Step::CandidateDetermination), (Tl::V26, Step::CandidateFiling)] {
        let mut f = before(tl, step);
        f.steps.remove(&Step::ActivistFiling);
        let v = check(&f, step, tl.on(step));
        let x = one(&v, "R1.5");
        assert!(x.is_block());
        assert_eq!(x.fact_value("missing_step"), Some("activist_filing"));
        assert!(x.message_zh.contains("上级党委备案"), "{}", x.message_zh);
        assert!(of(&v, "R1.1").is_empty(), "{:?}", rules(&v));
    }
}

#[test]
fn r1_12_training_judged_at_the_training_step() {
    for tl in [Tl::V14, Tl::V26] {
        let on = tl.on(Step::IntensiveTraining);
        for (days, hours, blocked) in [(2, 23, true), (3, 0, false), (0, 24, false), (2, 0, true), (3, 24, false)] {
            let mut f = before(tl, Step::IntensiveTraining);
            f.training = Some(Training { days, hours });
            let v = check(&f, Step::IntensiveTraining, on);
            assert_eq!(!of(&v, "R1.12").is_empty(), blocked, "{tl:?} {days} 天 {hours} 学时: {:?}", rules(&v));
            if blocked {
                let x = one(&v, "R1.12");
                assert!(x.is_block());
                assert!(x.message_zh.contains(&format!("{days} 天 / {hours} 学时")), "{}", x.message_zh);
                assert_eq!(x.fact_value("field"), Some("training"));
            }
        }
    }
}

/// R1.8 findings naming a missing place of a 流动人员's 公示.
fn missing_places(v: &[Finding]) -> Vec<String> {
    v.iter().filter(|x| x.rule == "R1.8").filter_map(|x| x.fact_value("missing_location").map(str::to_string)).collect()
}

#[test]
fn r1_8_mobile_person_needs_both_notices_from_2026_05_11() {
    let mut f = before(Tl::V26, Step::CandidateDetermination);
    f.mobile = true;
    let got: Vec<usize> = [date(2026, 5, 10), date(2026, 5, 11), date(2026, 5, 12)]
        .iter()
        .map(|d| missing_places(&check(&f, Step::CandidateDetermination, *d)).len())
        .collect();
    assert_eq!(got, vec![0, 2, 2], "2014 rules have no national 公示");
    let on = Tl::V26.on(Step::CandidateDetermination);
    let notice = f.publicity.unwrap();
    f.located_publicity = vec![(PublicityLocation::Outflow, notice)];
    let v = check(&f, Step::CandidateDetermination, on);
    assert_eq!(missing_places(&v), vec!["inflow"]);
    let x = v.iter().find(|x| x.fact_value("missing_location").is_some()).unwrap();
    assert!(x.is_block());
    assert!(x.message_zh.contains("尚未在流入地公示"), "{}", x.message_zh);
    f.located_publicity.push((PublicityLocation::Inflow, notice));
    assert!(check(&f, Step::CandidateDetermination, on).is_empty());
    // Each place's notice is judged on its own: a 3-working-day inflow notice blocks.
    let short = Publicity { end: date(2026, 6, 4), ..notice };
    f.located_publicity[1] = (PublicityLocation::Inflow, short);
    let v = check(&f, Step::CandidateDetermination, on);
    assert_eq!(rules(&v), vec![("R1.8", Severity::Block)], "{v:?}");
    assert!(v[0].message_zh.contains("只有 3 个工作日"), "{}", v[0].message_zh);
    // Not a 流动人员: the one notice suffices.
    f.mobile = false;
    f.located_publicity.clear();
    assert!(check(&f, Step::CandidateDetermination, on).is_empty());
}
