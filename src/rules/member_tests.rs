//! Tests of the parent module, kept in their own file.

use super::*;
use crate::rules::has_block;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    date(2026, 6, 1)
}

/// A full member that passes every check on `today()`.
fn member() -> MemberFacts {
    MemberFacts {
        member_id: 5,
        name: "张三".to_string(),
        birth_date: date(2000, 5, 2),
        status: MemberStatus::Full,
        joined_on: date(2020, 6, 10),
        full_on: Some(date(2021, 6, 10)),
        org_kind: Some(OrgKind::Branch),
        special_status: SpecialStatus::Normal,
        special_status_since: None,
        mobile_certificate: false,
        id_card: Some((date(2000, 5, 2), Gender::Male)),
        gender: Gender::Male,
    }
}

fn probationary(joined: NaiveDate) -> MemberFacts {
    MemberFacts { status: MemberStatus::Probationary, joined_on: joined, full_on: None, ..member() }
}

fn blocks(f: &MemberFacts) -> Vec<(String, String)> {
    validate_member(f, today())
        .into_iter()
        .filter(Finding::is_block)
        .map(|x| (x.rule.clone(), x.fact_value("field").unwrap().to_string()))
        .collect()
}

fn block(rule: &str, field: &str) -> (String, String) {
    (rule.to_string(), field.to_string())
}

fn rules(v: &[Finding]) -> Vec<(&str, Severity)> {
    v.iter().map(|x| (x.rule.as_str(), x.severity)).collect()
}

#[test]
fn clean_member() {
    assert!(validate_member(&member(), today()).is_empty());
    assert!(check_member(&member(), today()).is_empty());
    assert!(validate_member(&probationary(date(2026, 1, 1)), today()).is_empty());
}

#[test]
fn every_finding_names_a_field() {
    let bad = MemberFacts {
        birth_date: date(2027, 1, 1),
        joined_on: date(2027, 2, 1),
        full_on: Some(date(2027, 3, 1)),
        gender: Gender::Female,
        ..member()
    };
    let v = validate_member(&bad, today());
    assert!(v.len() >= 5);
    assert!(v.iter().all(|x| x.fact_value("field").is_some()));
    assert!(has_block(&v));
}

#[test]
fn birth_and_join_not_in_future() {
    let m = MemberFacts { birth_date: date(2026, 6, 2), id_card: None, ..member() };
    assert!(blocks(&m).contains(&block("DATA", "birth_date")));
    let m = MemberFacts { birth_date: today(), id_card: None, ..member() };
    assert!(!blocks(&m).contains(&block("DATA", "birth_date")));
    let m = probationary(date(2026, 6, 2));
    assert_eq!(blocks(&m), vec![block("DATA", "joined_on")]);
    assert!(blocks(&probationary(today())).is_empty());
}

#[test]
fn r1_2_joined_at_eighteen() {
    // 18th birthday 2018-05-02.
    let m = probationary(date(2018, 5, 1));
    let v = validate_member(&m, today());
    assert_eq!(rules(&v), vec![("R1.2", Severity::Block)]);
    assert_eq!(v[0].fact_value("field"), Some("joined_on"));
    assert_eq!(v[0].fact_value("required"), Some("2018-05-02"));
    assert_eq!(v[0].fact_value("gap"), Some("1"));
    assert_eq!(v[0].fact_value("age"), Some("17"));
    assert_eq!(v[0].source, "《中国共产党发展党员工作细则》(2014) 第五条");
    assert!(blocks(&probationary(date(2018, 5, 2))).is_empty());
    assert!(blocks(&probationary(date(2018, 5, 3))).is_empty());
    // Born 02-29: 18 on 02-28 of a common year (C2).
    let leap = MemberFacts { birth_date: date(2004, 2, 29), id_card: None, ..probationary(date(2022, 2, 28)) };
    assert!(blocks(&leap).is_empty());
    let leap = MemberFacts { joined_on: date(2022, 2, 27), ..leap };
    assert_eq!(blocks(&leap), vec![block("R1.2", "joined_on")]);
}

#[test]
fn r1_23_status_and_full_on() {
    let m = MemberFacts { full_on: None, ..member() };
    assert_eq!(blocks(&m), vec![block("R1.23", "full_on")]);
    let m = MemberFacts { status: MemberStatus::Probationary, ..member() };
    assert_eq!(blocks(&m), vec![block("R1.23", "status")]);
}

#[test]
fn r1_25_no_early_conversion() {
    // Probation ends 2021-06-10.
    let early = MemberFacts { full_on: Some(date(2021, 6, 9)), ..member() };
    let v = validate_member(&early, today());
    assert_eq!(rules(&v), vec![("R1.25", Severity::Block)]);
    assert_eq!(v[0].fact_value("required"), Some("2021-06-10"));
    assert_eq!(v[0].fact_value("gap"), Some("1"));
    assert_eq!(v[0].source, "《中国共产党发展党员工作细则》(2014) 第三十三条");
    let on_time = MemberFacts { full_on: Some(date(2021, 6, 10)), ..member() };
    assert!(validate_member(&on_time, today()).is_empty());
    // 2026 细则 cited for conversions from 2026-05-11.
    let recent = MemberFacts { joined_on: date(2025, 5, 20), full_on: Some(date(2026, 5, 19)), ..member() };
    let v = validate_member(&recent, today());
    assert_eq!(v[0].source, "《中国共产党发展党员工作细则》(2026) 第三十二条");
}

#[test]
fn r1_24_extension_limits() {
    // Probation ends 2021-06-10; longest extension to 2022-06-10; shortest to 2021-12-10.
    let at = |d| MemberFacts { full_on: Some(d), ..member() };
    assert!(validate_member(&at(date(2022, 6, 10)), today()).is_empty());
    assert_eq!(blocks(&at(date(2022, 6, 11))), vec![block("R1.24", "full_on")]);
    assert!(validate_member(&at(date(2021, 12, 10)), today()).is_empty());
    let v = validate_member(&at(date(2021, 12, 9)), today());
    assert_eq!(rules(&v), vec![("R1.24", Severity::Warn)]);
    let v = validate_member(&at(date(2021, 6, 11)), today());
    assert_eq!(rules(&v), vec![("R1.24", Severity::Warn)]);
}

#[test]
fn full_on_not_in_future() {
    let m = MemberFacts { joined_on: date(2025, 6, 2), full_on: Some(date(2026, 6, 2)), ..member() };
    assert_eq!(blocks(&m), vec![block("DATA", "full_on")]);
    let m = MemberFacts { joined_on: date(2025, 6, 1), full_on: Some(date(2026, 6, 1)), ..member() };
    assert!(blocks(&m).is_empty());
}

#[test]
fn id_card_consistency() {
    let m = MemberFacts { id_card: Some((date(2000, 5, 3), Gender::Male)), ..member() };
    let v = validate_member(&m, today());
    assert_eq!(rules(&v), vec![("GB11643", Severity::Block)]);
    assert_eq!(v[0].fact_value("field"), Some("birth_date"));
    assert_eq!(v[0].fact_value("related_field"), Some("id_card_no"));
    let m = MemberFacts { id_card: Some((date(2000, 5, 2), Gender::Female)), ..member() };
    assert_eq!(blocks(&m), vec![block("GB11643", "gender")]);
    let m = MemberFacts { id_card: None, gender: Gender::Female, ..member() };
    assert!(blocks(&m).is_empty());
}

#[test]
fn r1_24_overdue_conversion() {
    let m = probationary(date(2025, 3, 1));
    assert!(check_member(&m, date(2026, 2, 28)).is_empty());
    let v = check_member(&m, date(2026, 3, 1));
    assert_eq!(rules(&v), vec![("R1.24", Severity::Warn)]);
    assert_eq!(v[0].fact_value("gap"), Some("0"));
    assert_eq!(v[0].source, "《中国共产党发展党员工作细则》(2014) 第三十二条");
    let v = check_member(&m, date(2026, 3, 11));
    assert_eq!(v[0].fact_value("gap"), Some("10"));
    assert!(v[0].message_zh.starts_with("预备党员「张三」预备期已于 2026-03-01 期满"));
    assert!(!v[0].message_zh.contains("即使延长"));
    let v = check_member(&m, date(2027, 3, 1));
    assert!(v[0].message_zh.contains("即使延长"));
    // Full members are never overdue.
    assert!(check_member(&member(), date(2030, 1, 1)).is_empty());
}

#[test]
fn r2_3_placement() {
    for (kind, expect) in [
        (Some(OrgKind::Branch), 0),
        (Some(OrgKind::Group), 0),
        (Some(OrgKind::GeneralBranch), 1),
        (Some(OrgKind::CollegeCommittee), 1),
        (Some(OrgKind::UniversityCommittee), 1),
        (None, 1),
    ] {
        let m = MemberFacts { org_kind: kind, ..member() };
        let v = check_member(&m, today());
        assert_eq!(v.len(), expect, "{kind:?}");
        if expect == 1 {
            assert_eq!(v[0].rule, "R2.3");
            assert_eq!(v[0].source, "《中国共产党章程》第八条");
        }
    }
}

#[test]
fn r5_2_lost_contact_six_months() {
    let m = MemberFacts {
        special_status: SpecialStatus::LostContact,
        special_status_since: Some(date(2025, 8, 31)),
        ..member()
    };
    // Six months after 2025-08-31 is 2026-02-28 (C2).
    assert!(check_member(&m, date(2026, 2, 27)).is_empty());
    let v = check_member(&m, date(2026, 2, 28));
    assert_eq!(rules(&v), vec![("R5.2", Severity::Warn)]);
    assert_eq!(v[0].fact_value("required"), Some("2026-02-28"));
    assert!(v[0].message_zh.contains("应停止其党籍"));
    assert_eq!(check_member(&m, date(2026, 3, 1)).len(), 1);
}

#[test]
fn r5_2_suspended_two_years() {
    let m = MemberFacts {
        special_status: SpecialStatus::Suspended,
        special_status_since: Some(date(2024, 3, 15)),
        ..member()
    };
    assert!(check_member(&m, date(2026, 3, 14)).is_empty());
    let v = check_member(&m, date(2026, 3, 15));
    assert_eq!(rules(&v), vec![("R5.2", Severity::Warn)]);
    assert!(v[0].message_zh.contains("自行脱党"));
    assert_eq!(check_member(&m, date(2026, 3, 16)).len(), 1);
}

#[test]
fn r5_2_missing_since_and_other_statuses() {
    let m = MemberFacts { special_status: SpecialStatus::LostContact, special_status_since: None, ..member() };
    assert_eq!(rules(&check_member(&m, today())), vec![("R5.2", Severity::Info)]);
    for status in [SpecialStatus::Abroad, SpecialStatus::Normal] {
        let m = MemberFacts { special_status: status, special_status_since: Some(date(2000, 1, 1)), ..member() };
        assert!(check_member(&m, today()).is_empty());
    }
}

#[test]
fn r5_3_away_six_months_needs_transfer_or_certificate() {
    let m = MemberFacts {
        special_status: SpecialStatus::Mobile,
        special_status_since: Some(date(2025, 8, 31)),
        ..member()
    };
    // Six months after 2025-08-31 is 2026-02-28 (C2).
    assert!(check_member(&m, date(2026, 2, 27)).is_empty());
    let v = check_member(&m, date(2026, 2, 28));
    assert_eq!(rules(&v), vec![("R5.3", Severity::Warn)]);
    assert_eq!(v[0].fact_value("required"), Some("2026-02-28"));
    assert_eq!(v[0].fact_value("gap"), Some("0"));
    assert!(v[0].message_zh.contains("2025-08-31") && v[0].message_zh.contains("应转移组织关系"));
    assert_eq!(check_member(&m, date(2026, 3, 1))[0].fact_value("gap"), Some("1"));
    // With a 活动证: a reminder, not a warning.
    let m = MemberFacts { mobile_certificate: true, ..m };
    assert!(check_member(&m, date(2026, 2, 27)).is_empty());
    assert_eq!(rules(&check_member(&m, date(2026, 2, 28))), vec![("R5.4", Severity::Info)]);
    // No date: cannot compute.
    let m = MemberFacts { special_status_since: None, ..m };
    assert_eq!(rules(&check_member(&m, today())), vec![("R5.3", Severity::Info)]);
}

#[test]
fn r5_5_graduate_retained_two_years() {
    let m = MemberFacts {
        special_status: SpecialStatus::GraduateRetained,
        special_status_since: Some(date(2024, 6, 30)),
        ..member()
    };
    assert!(check_member(&m, date(2026, 6, 29)).is_empty());
    let v = check_member(&m, date(2026, 6, 30));
    assert_eq!(rules(&v), vec![("R5.5", Severity::Warn)]);
    assert!(v[0].message_zh.contains("2024-06-30 毕业"), "{}", v[0].message_zh);
    assert_eq!(v[0].fact_value("required"), Some("2026-06-30"));
    let v = check_member(&m, date(2026, 7, 1));
    assert_eq!(v[0].fact_value("gap"), Some("1"));
    // Leap day: 2024-02-29 + 2 years = 2026-02-28.
    let m = MemberFacts { special_status_since: Some(date(2024, 2, 29)), ..m };
    assert!(check_member(&m, date(2026, 2, 27)).is_empty());
    assert_eq!(check_member(&m, date(2026, 2, 28)).len(), 1);
}
