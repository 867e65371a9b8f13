//! Tests of the parent module, kept in their own file.

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn seat(role: PositionRole, id: i64, since: Option<NaiveDate>) -> CommitteeSeat {
    CommitteeSeat { role, member_id: id, member_name: format!("委员{id}"), standing_since: since }
}

fn secretary() -> CommitteeSeat {
    seat(PositionRole::Secretary, 1, Some(date(2010, 7, 1)))
}

/// A branch that passes every check on `as_of()`.
fn branch(full: u32) -> OrgFacts {
    OrgFacts {
        org_id: 42,
        name: "物理学院教工第一党支部".to_string(),
        kind: OrgKind::Branch,
        category: Some(OrgCategory::Teacher),
        joint_branch: false,
        full_members: full,
        probationary_members: 0,
        committee: vec![secretary()],
        term_start: Some(date(2024, 9, 1)),
        established_on: date(2010, 1, 1),
        postponement: None,
        election_request_on: None,
    }
}

fn as_of() -> NaiveDate {
    date(2025, 6, 1)
}

fn rules_of(f: &OrgFacts, on: NaiveDate) -> Vec<(String, Severity)> {
    check_org(f, on, &StructureSettings::default()).into_iter().map(|x| (x.rule, x.severity)).collect()
}

fn has(f: &OrgFacts, on: NaiveDate, rule: &str, severity: Severity) -> bool {
    rules_of(f, on).contains(&(rule.to_string(), severity))
}

fn count(f: &OrgFacts, on: NaiveDate, rule: &str) -> usize {
    rules_of(f, on).iter().filter(|(r, _)| r == rule).count()
}

fn committee(n: i64) -> Vec<CommitteeSeat> {
    let mut v = vec![secretary()];
    for id in 2..=n {
        v.push(seat(PositionRole::CommitteeMember, id, Some(date(2010, 1, 1))));
    }
    v
}

#[test]
fn clean_branch_has_no_findings() {
    assert!(check_org(&branch(5), as_of(), &StructureSettings::default()).is_empty());
}

#[test]
fn r3_1_min_full_members() {
    assert!(has(&branch(2), as_of(), "R3.1", Severity::Warn));
    assert!(!has(&branch(3), as_of(), "R3.1", Severity::Warn));
    assert!(!has(&branch(4), as_of(), "R3.1", Severity::Warn));
    let f = check_org(&branch(2), as_of(), &StructureSettings::default());
    let r = f.iter().find(|x| x.rule == "R3.1").unwrap();
    assert_eq!(
        r.message_zh,
        "党支部「物理学院教工第一党支部」正式党员仅 2 名，少于 3 名，应与其他单位成立联合党支部或调整设置"
    );
    assert_eq!(r.fact_value("actual"), Some("2"));
    assert_eq!(r.fact_value("required"), Some("3"));
    assert_eq!(r.fact_value("gap"), Some("1"));
    assert_eq!(r.subject_kind, "org");
    assert_eq!(r.subject_id, 42);
    assert_eq!(r.source, "《中国共产党支部工作条例（试行）》第二章");
    // Probationary members do not count.
    let mut b = branch(2);
    b.probationary_members = 5;
    assert!(has(&b, as_of(), "R3.1", Severity::Warn));
    let mut joint = branch(2);
    joint.joint_branch = true;
    let f = check_org(&joint, as_of(), &StructureSettings::default());
    assert!(f[0].message_zh.starts_with("联合党支部「"));
}

#[test]
fn r3_2_max_members() {
    let mut b = branch(40);
    b.category = Some(OrgCategory::Student);
    b.committee = committee(3);
    b.probationary_members = 10;
    assert_eq!(count(&b, as_of(), "R3.2"), 0);
    b.probationary_members = 11;
    assert!(has(&b, as_of(), "R3.2", Severity::Warn));
    let r = check_org(&b, as_of(), &StructureSettings::default());
    let r = r.iter().find(|x| x.rule == "R3.2").unwrap();
    assert_eq!(r.fact_value("actual"), Some("51"));
    assert_eq!(r.fact_value("gap"), Some("1"));
}

#[test]
fn r4_3_teacher_branch_size() {
    let mut b = branch(30);
    b.committee = committee(3);
    assert_eq!(count(&b, as_of(), "R4.3"), 0);
    b.probationary_members = 1;
    assert!(has(&b, as_of(), "R4.3", Severity::Warn));
    b.category = Some(OrgCategory::Student);
    assert_eq!(count(&b, as_of(), "R4.3"), 0);
    // Both limits at once.
    let mut big = branch(60);
    big.committee = committee(3);
    assert!(has(&big, as_of(), "R4.3", Severity::Warn));
    assert!(has(&big, as_of(), "R3.2", Severity::Warn));
}

#[test]
fn r3_3_committee_needed_from_seven() {
    let mut b = branch(6);
    b.committee = vec![secretary()];
    assert_eq!(count(&b, as_of(), "R3.3"), 0);
    b.full_members = 7;
    assert!(has(&b, as_of(), "R3.3", Severity::Warn));
    b.committee = committee(2);
    assert!(has(&b, as_of(), "R3.3", Severity::Warn));
    b.committee = committee(3);
    assert_eq!(count(&b, as_of(), "R3.3"), 0);
    b.committee = committee(5);
    assert_eq!(count(&b, as_of(), "R3.3"), 0);
    b.committee = committee(6);
    assert!(has(&b, as_of(), "R3.3", Severity::Info));
    b.committee = committee(7);
    assert!(has(&b, as_of(), "R3.3", Severity::Info));
    b.committee = committee(8);
    assert!(has(&b, as_of(), "R3.3", Severity::Warn));
    assert_eq!(count(&b, as_of(), "R3.3"), 1);
}

#[test]
fn r3_3_counts_distinct_members() {
    let mut b = branch(8);
    b.committee = vec![
        secretary(),
        seat(PositionRole::OrganizationMember, 1, Some(date(2010, 7, 1))),
        seat(PositionRole::PublicityMember, 2, Some(date(2010, 7, 1))),
    ];
    assert!(has(&b, as_of(), "R3.3", Severity::Warn));
    b.committee.push(seat(PositionRole::DisciplineMember, 3, Some(date(2010, 7, 1))));
    assert_eq!(count(&b, as_of(), "R3.3"), 0);
}

#[test]
fn r3_3_small_branch_seats() {
    let mut b = branch(6);
    b.committee = committee(2);
    assert_eq!(count(&b, as_of(), "R3.3"), 0);
    b.committee = committee(3);
    assert!(has(&b, as_of(), "R3.3", Severity::Info));
}

#[test]
fn r3_3_secretary_required() {
    let mut b = branch(5);
    b.committee = vec![seat(PositionRole::DeputySecretary, 2, Some(date(2010, 1, 1)))];
    assert!(has(&b, as_of(), "R3.3", Severity::Warn));
    b.committee.clear();
    let f = check_org(&b, as_of(), &StructureSettings::default());
    assert!(f.iter().any(|x| x.message_zh.contains("未设书记")));
}

#[test]
fn r3_4_and_r3_5_term_boundaries() {
    let mut b = branch(5);
    b.term_start = Some(date(2023, 3, 1));
    // The teacher branch asked for its election in time (R3.5's request is tested below).
    b.election_request_on = Some(date(2025, 10, 1));
    let s = StructureSettings::default();
    assert_eq!(term_end(OrgKind::Branch, date(2023, 3, 1), &s), Some(date(2026, 3, 1)));
    // Reminder from 2025-09-01 (six months before 2026-03-01).
    assert!(rules_of(&b, date(2025, 8, 31)).is_empty());
    assert!(has(&b, date(2025, 9, 1), "R3.5", Severity::Info));
    assert!(has(&b, date(2025, 9, 2), "R3.5", Severity::Info));
    assert!(has(&b, date(2026, 2, 28), "R3.5", Severity::Info));
    assert_eq!(count(&b, date(2026, 2, 28), "R3.4"), 0);
    // Expired on the end date itself.
    assert!(has(&b, date(2026, 3, 1), "R3.4", Severity::Warn));
    assert_eq!(count(&b, date(2026, 3, 1), "R3.5"), 0);
    assert!(has(&b, date(2026, 3, 2), "R3.4", Severity::Warn));
    let f = check_org(&b, date(2026, 3, 2), &s);
    assert_eq!(f[0].fact_value("required"), Some("2026-03-01"));
    assert_eq!(f[0].fact_value("gap"), Some("1"));
    let f = check_org(&b, date(2026, 2, 28), &s);
    assert_eq!(f[0].fact_value("reminder_from"), Some("2025-09-01"));
    assert_eq!(f[0].fact_value("gap"), Some("1"));
}

#[test]
fn r3_5_reminder_clamps_month_end() {
    let mut b = branch(5);
    b.term_start = Some(date(2023, 8, 31));
    // Ends 2026-08-31; reminder from 2026-02-28.
    assert_eq!(count(&b, date(2026, 2, 27), "R3.5"), 0);
    assert!(has(&b, date(2026, 2, 28), "R3.5", Severity::Info));
}

#[test]
fn term_lengths_by_kind() {
    let s = StructureSettings::default();
    let d = date(2021, 6, 30);
    assert_eq!(term_end(OrgKind::CollegeCommittee, d, &s), Some(date(2026, 6, 30)));
    assert_eq!(term_end(OrgKind::UniversityCommittee, d, &s), Some(date(2026, 6, 30)));
    assert_eq!(term_end(OrgKind::GeneralBranch, d, &s), Some(date(2024, 6, 30)));
    assert_eq!(term_end(OrgKind::Group, d, &s), None);
    let leap = date(2024, 2, 29);
    assert_eq!(term_end(OrgKind::Branch, leap, &s), Some(date(2027, 2, 28)));
}

#[test]
fn r3_4_missing_term() {
    let mut b = branch(5);
    b.term_start = None;
    assert!(has(&b, as_of(), "R3.4", Severity::Info));
    let mut g = general_branch(60);
    g.term_start = None;
    assert!(has(&g, as_of(), "R3.4", Severity::Info));
    let mut u = general_branch(600);
    u.kind = OrgKind::UniversityCommittee;
    u.term_start = None;
    assert!(rules_of(&u, as_of()).is_empty());
    let mut grp = branch(5);
    grp.kind = OrgKind::Group;
    grp.term_start = None;
    assert!(rules_of(&grp, as_of()).is_empty());
}

fn general_branch(total: u32) -> OrgFacts {
    OrgFacts {
        org_id: 7,
        name: "化学学院党总支".to_string(),
        kind: OrgKind::GeneralBranch,
        category: None,
        joint_branch: false,
        full_members: total,
        probationary_members: 0,
        committee: Vec::new(),
        term_start: Some(date(2024, 1, 1)),
        established_on: date(2000, 1, 1),
        postponement: None,
        election_request_on: None,
    }
}

#[test]
fn r4_1_thresholds() {
    assert!(has(&general_branch(49), as_of(), "R4.1", Severity::Info));
    assert_eq!(count(&general_branch(50), as_of(), "R4.1"), 0);
    assert_eq!(count(&general_branch(99), as_of(), "R4.1"), 0);
    assert!(has(&general_branch(100), as_of(), "R4.1", Severity::Info));
    let mut c = general_branch(99);
    c.kind = OrgKind::CollegeCommittee;
    assert!(has(&c, as_of(), "R4.1", Severity::Info));
    c.probationary_members = 1;
    assert_eq!(count(&c, as_of(), "R4.1"), 0);
    // Branch-only rules do not apply to general branches.
    assert_eq!(count(&general_branch(10), as_of(), "R3.3"), 0);
}

#[test]
fn r3_13_secretary_standing() {
    let mut b = branch(5);
    b.committee = vec![seat(PositionRole::Secretary, 9, Some(date(2024, 6, 1)))];
    assert!(has(&b, date(2025, 5, 31), "R3.13", Severity::Warn));
    assert_eq!(count(&b, date(2025, 6, 1), "R3.13"), 0);
    assert_eq!(count(&b, date(2025, 6, 2), "R3.13"), 0);
    let f = check_org(&b, date(2025, 5, 31), &StructureSettings::default());
    let r = f.iter().find(|x| x.rule == "R3.13").unwrap();
    assert_eq!(r.fact_value("standing_since"), Some("2024-06-01"));
    assert_eq!(r.fact_value("required"), Some("2025-06-01"));
    assert_eq!(r.fact_value("gap"), Some("1"));
    assert!(r.message_zh.contains("书记「委员9」"));
    // Probationary secretary.
    b.committee = vec![seat(PositionRole::Secretary, 9, None)];
    assert!(has(&b, as_of(), "R3.13", Severity::Warn));
    // Only secretaries are checked.
    b.committee = vec![secretary(), seat(PositionRole::DeputySecretary, 3, None)];
    assert_eq!(count(&b, as_of(), "R3.13"), 0);
}

#[test]
fn settings_roundtrip_and_defaults() {
    let s: StructureSettings = serde_json::from_str("{\"branch_min_full\": 4}").unwrap();
    assert_eq!(s.branch_min_full, 4);
    assert_eq!(s.committee_min, 100);
    assert!(!has(&branch(3), as_of(), "R3.1", Severity::Warn));
    let f = check_org(&branch(3), as_of(), &s);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "R3.1");
}

#[test]
fn r3_5_teacher_request_four_months_before_expiry() {
    let mut b = branch(5);
    b.term_start = Some(date(2023, 3, 1));
    let s = StructureSettings::default();
    // Ends 2026-03-01; the request is due on or before 2025-11-01.
    assert_eq!(request_deadline(date(2026, 3, 1), &s), date(2025, 11, 1));
    let warned = |b: &OrgFacts, on| has(b, on, "R3.5", Severity::Warn);
    assert!(!warned(&b, date(2025, 10, 31)));
    assert!(!warned(&b, date(2025, 11, 1)));
    assert!(warned(&b, date(2025, 11, 2)));
    let f = check_org(&b, date(2025, 11, 2), &s);
    let w = f.iter().find(|x| x.severity == Severity::Warn).unwrap();
    assert_eq!(w.fact_value("required"), Some("2025-11-01"));
    assert_eq!(w.fact_value("gap"), Some("1"));
    assert!(w.message_zh.contains("换届请示") && w.message_zh.contains("2025-11-01"), "{}", w.message_zh);
    // Before the deadline the reminder names it.
    let f = check_org(&b, date(2025, 10, 31), &s);
    assert!(f.iter().any(|x| x.rule == "R3.5" && x.message_zh.contains("2025-11-01 前提交换届请示")));
    // A request on the deadline day is on time; one after it is late (info, not a warning).
    b.election_request_on = Some(date(2025, 11, 1));
    assert!(!warned(&b, date(2026, 1, 5)));
    b.election_request_on = Some(date(2025, 11, 2));
    assert!(!warned(&b, date(2026, 1, 5)));
    assert!(check_org(&b, date(2026, 1, 5), &s).iter().any(|x| x.message_zh.contains("晚 1 天")));
    // Student branches file no request.
    let mut st = branch(5);
    st.term_start = Some(date(2023, 3, 1));
    st.category = Some(OrgCategory::Student);
    assert!(!warned(&st, date(2026, 1, 5)));
}

#[test]
fn r3_4_postponement_covers_until_its_date() {
    let mut b = branch(5);
    b.term_start = Some(date(2023, 3, 1));
    b.election_request_on = Some(date(2025, 10, 1));
    b.postponement = Some(Postponement {
        approved_on: date(2026, 2, 1),
        until_on: date(2026, 9, 1),
        approved_by: "物理学院党委".into(),
        document_no: "物党字〔2026〕3号".into(),
    });
    assert!(has(&b, date(2026, 3, 1), "R3.4", Severity::Info));
    assert!(has(&b, date(2026, 8, 31), "R3.4", Severity::Info));
    assert!(!has(&b, date(2026, 8, 31), "R3.4", Severity::Warn));
    assert!(has(&b, date(2026, 9, 1), "R3.4", Severity::Warn));
    let f = check_org(&b, date(2026, 9, 2), &StructureSettings::default());
    assert!(
        f[0].message_zh.contains("物党字〔2026〕3号") && f[0].message_zh.contains("2026-09-01"),
        "{}",
        f[0].message_zh
    );
    assert_eq!(f[0].fact_value("gap"), Some("1"));
}

#[test]
fn r4_2_postponement_at_most_one_year() {
    let s = StructureSettings::default();
    let b = branch(5);
    let end = date(2026, 3, 1);
    assert_eq!(postponement_limit(end, &s), date(2027, 3, 1));
    assert!(check_postponement(&b, end, date(2027, 2, 28), &s).is_empty());
    assert!(check_postponement(&b, end, date(2027, 3, 1), &s).is_empty());
    let f = check_postponement(&b, end, date(2027, 3, 2), &s);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].rule.as_str(), f[0].severity), ("R4.2", Severity::Block));
    assert_eq!(f[0].fact_value("field"), Some("until_on"));
    assert_eq!(f[0].fact_value("gap"), Some("1"));
    // 13 months.
    let f = check_postponement(&b, end, date(2027, 4, 1), &s);
    assert!(f[0].message_zh.contains("超过 1 年"), "{}", f[0].message_zh);
    // Not after the end: refused as well.
    assert_eq!(check_postponement(&b, end, end, &s).len(), 1);
    assert!(check_postponement(&b, end, date(2026, 3, 2), &s).is_empty());
}
