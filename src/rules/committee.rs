//! Judgements of one change to an organization's make-up before it is saved: a new committee seat
//! (R1.17 / R2.2, R3.3) and the founding members of a new branch (R3.1).

use chrono::NaiveDate;

use super::structure::StructureSettings;
use super::{Finding, SUBJECT_MEMBER, SUBJECT_ORG, Severity};
use crate::calendar::fmt_date;
use crate::domain::{OrgKind, PositionRole};

/// Source of R1.17 / R2.2 (the right to be elected).
const SRC_ELECTED: &str = "《中国共产党章程》第七条；《中国共产党基层组织选举工作暂行条例》第五条";
/// Source of R3.3.
const SRC_BRANCH_COMMITTEE: &str = "《中国共产党支部工作条例（试行）》第六章";
/// Source of R3.1.
const SRC_BRANCH_SETUP: &str = "《中国共产党支部工作条例（试行）》第二章";

/// Usual largest branch committee (R3.3: 3–5 members).
const COMMITTEE_NORM_MAX: usize = 5;
/// Largest branch committee (R3.3: 一般不超过 7 人).
const COMMITTEE_MAX: usize = 7;

/// A proposed committee seat, with what is known on its start date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatProposal {
    /// The organization.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Its kind.
    pub org_kind: OrgKind,
    /// The position.
    pub role: PositionRole,
    /// The member who would take it.
    pub member_id: i64,
    /// The member's name.
    pub member_name: String,
    /// First day of the seat.
    pub start_on: NaiveDate,
    /// Whether the member is a full member on `start_on` (full_on ≤ start_on).
    pub full_on_start: bool,
    /// Whether the member is under 留党察看 on `start_on` (no right to be elected, R1.17).
    pub probation_penalty: bool,
    /// Full members of the organization on `start_on` (from membership history).
    pub full_members: u32,
    /// Deputy secretaries already seated on `start_on` (another member than this one).
    pub deputies: usize,
    /// Distinct members of the committee on `start_on` with this seat added.
    pub committee_size: usize,
}

/// Checks a new seat: Block when the member may not be elected (R1.17/R2.2) or a branch of fewer
/// than `branch_committee_threshold` full members would get a 支委 seat beyond a secretary and one
/// deputy (R3.3); Warn when a branch committee would exceed the usual 3–5 (or 7) members (R3.3, C5).
///
/// Block findings carry a `field` fact (`member_id` or `role`).
pub fn check_seat(p: &SeatProposal, s: &StructureSettings) -> Vec<Finding> {
    let mut out = Vec::new();
    let day = fmt_date(p.start_on);
    if !p.full_on_start {
        out.push(
            Finding::new(
                "R1.17",
                Severity::Block,
                SRC_ELECTED,
                SUBJECT_MEMBER,
                p.member_id,
                p.member_name.as_str(),
                format!(
                    "「{}」在任职日期 {day} 为预备党员，预备党员没有选举权和被选举权，不能担任「{}」{}",
                    p.member_name,
                    p.org_name,
                    p.role.label()
                ),
            )
            .fact("field", "字段", "member_id")
            .fact("start_on", "任职日期", &day)
            .fact("actual", "党员状态", "预备党员")
            .fact("required", "应为", "正式党员"),
        );
    } else if p.probation_penalty {
        out.push(
            Finding::new(
                "R1.17",
                Severity::Block,
                SRC_ELECTED,
                SUBJECT_MEMBER,
                p.member_id,
                p.member_name.as_str(),
                format!(
                    "「{}」在任职日期 {day} 处于留党察看期间，没有被选举权，不能担任「{}」{}",
                    p.member_name,
                    p.org_name,
                    p.role.label()
                ),
            )
            .fact("field", "字段", "member_id")
            .fact("start_on", "任职日期", &day)
            .fact("actual", "处分", "留党察看"),
        );
    }
    if p.org_kind != OrgKind::Branch {
        return out;
    }
    let org = |severity, message: String| {
        Finding::new("R3.3", severity, SRC_BRANCH_COMMITTEE, SUBJECT_ORG, p.org_id, p.org_name.as_str(), message)
            .fact("start_on", "任职日期", &day)
            .fact("full_members", "正式党员人数", p.full_members)
    };
    let threshold = s.branch_committee_threshold;
    if p.full_members < threshold {
        let allowed = match p.role {
            PositionRole::Secretary => true,
            PositionRole::DeputySecretary => p.deputies == 0,
            _ => false,
        };
        if !allowed {
            let what = if p.role == PositionRole::DeputySecretary {
                "已有副书记 1 名，不能再设副书记".to_string()
            } else {
                format!("不设支部委员会，不能设「{}」", p.role.label())
            };
            out.push(
                org(
                    Severity::Block,
                    format!(
                        "党支部「{}」在 {day} 有正式党员 {} 名，不足 {threshold} 名，只设书记 1 名、必要时设副书记 1 名，{what}",
                        p.org_name, p.full_members
                    ),
                )
                .fact("field", "字段", "role")
                .fact("required", "设立支委会的正式党员人数", threshold)
                .fact("gap", "缺少人数", threshold - p.full_members),
            );
        }
        return out;
    }
    if p.committee_size > COMMITTEE_NORM_MAX {
        let limit = if p.committee_size > COMMITTEE_MAX {
            format!("超过一般不超过的 {COMMITTEE_MAX} 人")
        } else {
            format!("超过一般的 {COMMITTEE_NORM_MAX} 人")
        };
        out.push(
            org(
                Severity::Warn,
                format!(
                    "党支部「{}」支部委员会增加「{}」后为 {} 人，{limit}；支委会一般为 3 至 {COMMITTEE_NORM_MAX} 人、最多不超过 {COMMITTEE_MAX} 人",
                    p.org_name, p.member_name, p.committee_size
                ),
            )
            .fact("actual", "支委人数", p.committee_size)
            .fact("required", "一般最多支委人数", COMMITTEE_NORM_MAX)
            .fact("gap", "超出人数", p.committee_size - COMMITTEE_NORM_MAX),
        );
    }
    out
}

/// R3.1: a branch is established with at least `branch_min_full` founding full members; a
/// 联合党支部 is the remedy for fewer. Block with `field` = `founding_member_ids`.
pub fn check_founding(name: &str, joint_branch: bool, founding_full: u32, s: &StructureSettings) -> Vec<Finding> {
    let min = s.branch_min_full;
    if founding_full >= min {
        return Vec::new();
    }
    let hint = if joint_branch {
        "请扩大联合党支部的组建范围（一般不超过 5 个单位）"
    } else {
        "正式党员不足 3 人的单位，应与邻近单位成立联合党支部"
    };
    vec![
        Finding::new(
            "R3.1",
            Severity::Block,
            SRC_BRANCH_SETUP,
            SUBJECT_ORG,
            0,
            name,
            format!("成立党支部「{name}」须有正式党员 {min} 名以上，所选成立时正式党员仅 {founding_full} 名；{hint}"),
        )
        .fact("field", "字段", "founding_member_ids")
        .fact("actual", "成立时正式党员人数", founding_full)
        .fact("required", "最少正式党员人数", min)
        .fact("gap", "缺少人数", min - founding_full),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn seat(full_members: u32, role: PositionRole) -> SeatProposal {
        SeatProposal {
            org_id: 7,
            org_name: "物理系教工党支部".into(),
            org_kind: OrgKind::Branch,
            role,
            member_id: 3,
            member_name: "王芳".into(),
            start_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            full_on_start: true,
            probation_penalty: false,
            full_members,
            deputies: 0,
            committee_size: 1,
        }
    }

    fn rules(p: &SeatProposal) -> Vec<(String, Severity)> {
        check_seat(p, &StructureSettings::default()).into_iter().map(|f| (f.rule, f.severity)).collect()
    }

    #[test]
    fn probationary_cannot_hold_a_seat() {
        let p = SeatProposal { full_on_start: false, ..seat(9, PositionRole::OrganizationMember) };
        let f = check_seat(&p, &StructureSettings::default());
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].rule.as_str(), f[0].severity), ("R1.17", Severity::Block));
        assert_eq!(f[0].fact_value("field"), Some("member_id"));
        assert!(f[0].message_zh.contains("2026-03-01") && f[0].message_zh.contains("组织委员"), "{}", f[0].message_zh);
        let p = SeatProposal { probation_penalty: true, ..seat(9, PositionRole::Secretary) };
        assert_eq!(rules(&p), vec![("R1.17".to_string(), Severity::Block)]);
    }

    #[test]
    fn seven_full_members_boundary() {
        // 6 full members: no 支委 seat; 7: allowed; 8: allowed.
        let six = check_seat(&seat(6, PositionRole::OrganizationMember), &StructureSettings::default());
        assert_eq!(six.len(), 1);
        assert_eq!((six[0].rule.as_str(), six[0].severity), ("R3.3", Severity::Block));
        assert_eq!(six[0].fact_value("field"), Some("role"));
        assert_eq!(six[0].fact_value("gap"), Some("1"));
        assert!(six[0].message_zh.contains("6 名") && six[0].message_zh.contains("不足 7 名"), "{}", six[0].message_zh);
        assert!(rules(&seat(7, PositionRole::OrganizationMember)).is_empty());
        assert!(rules(&seat(8, PositionRole::CommitteeMember)).is_empty());
        // A small branch keeps a secretary and one deputy.
        assert!(rules(&seat(5, PositionRole::Secretary)).is_empty());
        assert!(rules(&seat(5, PositionRole::DeputySecretary)).is_empty());
        let second = SeatProposal { deputies: 1, ..seat(5, PositionRole::DeputySecretary) };
        assert_eq!(rules(&second), vec![("R3.3".to_string(), Severity::Block)]);
        // Not a branch: no R3.3.
        let college = SeatProposal { org_kind: OrgKind::CollegeCommittee, ..seat(2, PositionRole::CommitteeMember) };
        assert!(rules(&college).is_empty());
    }

    #[test]
    fn committee_size_warns_above_five() {
        for (size, warned) in [(4, false), (5, false), (6, true), (7, true), (8, true)] {
            let p = SeatProposal { committee_size: size, ..seat(20, PositionRole::CommitteeMember) };
            let f = check_seat(&p, &StructureSettings::default());
            assert_eq!(f.len(), usize::from(warned), "size {size}");
            if warned {
                assert_eq!((f[0].rule.as_str(), f[0].severity), ("R3.3", Severity::Warn));
                assert_eq!(f[0].fact_value("actual"), Some(size.to_string().as_str()));
            }
        }
        let f = check_seat(
            &SeatProposal { committee_size: 8, ..seat(20, PositionRole::CommitteeMember) },
            &Default::default(),
        );
        assert!(f[0].message_zh.contains("不超过的 7 人"), "{}", f[0].message_zh);
    }

    #[test]
    fn three_founding_members_boundary() {
        let s = StructureSettings::default();
        let two = check_founding("新支部", false, 2, &s);
        assert_eq!(two.len(), 1);
        assert_eq!((two[0].rule.as_str(), two[0].severity), ("R3.1", Severity::Block));
        assert_eq!(two[0].fact_value("field"), Some("founding_member_ids"));
        assert!(two[0].message_zh.contains("联合党支部"), "{}", two[0].message_zh);
        assert_eq!(two[0].fact_value("gap"), Some("1"));
        assert!(check_founding("新支部", false, 3, &s).is_empty());
        assert!(check_founding("新支部", false, 4, &s).is_empty());
        assert!(check_founding("联合支部", true, 0, &s)[0].message_zh.contains("扩大联合党支部"));
    }
}
