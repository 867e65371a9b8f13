//! Structural checks on one party organization (RULES.md §2.5, §3.1–3.5, §3.13, §4.1–4.3).

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{Finding, SUBJECT_ORG, Severity};
use crate::calendar::{add_months, add_years, days_between, fmt_date};
use crate::domain::{OrgCategory, OrgKind, PositionRole};

/// Source of R3.1 and R3.2.
const SRC_BRANCH_SETUP: &str = "《中国共产党支部工作条例（试行）》第二章";
/// Source of R3.3 and of R3.4 for branches.
const SRC_BRANCH_COMMITTEE: &str = "《中国共产党支部工作条例（试行）》第六章";
/// Source of R3.5 and of R3.4 for general branches and committees.
const SRC_TERMS: &str = "《关于党的基层组织任期的意见》(2018)";
/// Source of R3.13.
const SRC_SECRETARY: &str = "《中国共产党支部工作条例（试行）》第二十三条";
/// Source of R4.1.
const SRC_THRESHOLDS: &str = "《中国共产党党和国家机关基层组织工作条例》第五至七条";
/// Source of R4.3.
const SRC_TEACHER_BRANCH: &str = "中共教育部党组《关于加强新形势下高校教师党支部建设的意见》(2017) 第四条";

/// Smallest branch committee (R3.3: 3–5 members).
const COMMITTEE_MIN: usize = 3;
/// Largest usual branch committee (R3.3).
const COMMITTEE_NORM_MAX: usize = 5;
/// Largest allowed branch committee (R3.3: 一般不超过 7 人).
const COMMITTEE_MAX: usize = 7;
/// Most seats for a branch without a committee: a secretary and at most one deputy (R3.3).
const SMALL_BRANCH_MAX_SEATS: usize = 2;

/// One active seat on an organization's committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeSeat {
    /// The position held.
    pub role: PositionRole,
    /// The member holding it.
    pub member_id: i64,
    /// The member's name.
    pub member_name: String,
    /// Date full membership (党龄) began; `None` = probationary.
    pub standing_since: Option<NaiveDate>,
}

/// What the structural checks need to know about one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFacts {
    /// Organization id.
    pub org_id: i64,
    /// Organization name.
    pub name: String,
    /// Kind of organization.
    pub kind: OrgKind,
    /// Branch category, if any.
    pub category: Option<OrgCategory>,
    /// Whether this is a 联合党支部.
    pub joint_branch: bool,
    /// Full members: direct members for a branch, the whole subtree for committees and general branches.
    pub full_members: u32,
    /// Probationary members, counted like `full_members`.
    pub probationary_members: u32,
    /// Committee positions active on the check date.
    pub committee: Vec<CommitteeSeat>,
    /// Start of the current term, if recorded.
    pub term_start: Option<NaiveDate>,
    /// Date the organization was established.
    pub established_on: NaiveDate,
}

/// Configurable thresholds of the structural checks; `Default` gives the RULES.md values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct StructureSettings {
    /// R3.1: fewest full members of a branch (3).
    pub branch_min_full: u32,
    /// R3.3: full members from which a branch needs a committee (7).
    pub branch_committee_threshold: u32,
    /// R3.2: most members of a branch (50).
    pub branch_max_members: u32,
    /// R4.3: most members of a teacher branch (30).
    pub teacher_branch_max: u32,
    /// R3.5: months before term end to start reminding (6).
    pub term_reminder_months: i32,
    /// R3.4: branch term in years (3).
    pub branch_term_years: i32,
    /// R4.2: general-branch term in years (3).
    pub general_branch_term_years: i32,
    /// R4.2: committee term in years (5).
    pub committee_term_years: i32,
    /// R4.1: fewest members of a general branch (50).
    pub general_branch_min: u32,
    /// R4.1: fewest members of a committee (100).
    pub committee_min: u32,
    /// R3.13: fewest years of 党龄 of a branch secretary (1).
    pub secretary_min_standing_years: i32,
}

impl Default for StructureSettings {
    fn default() -> Self {
        StructureSettings {
            branch_min_full: 3,
            branch_committee_threshold: 7,
            branch_max_members: 50,
            teacher_branch_max: 30,
            term_reminder_months: 6,
            branch_term_years: 3,
            general_branch_term_years: 3,
            committee_term_years: 5,
            general_branch_min: 50,
            committee_min: 100,
            secretary_min_standing_years: 1,
        }
    }
}

/// The day a term ends, `add_years(term_start, years)`; re-election is due on that day. `None` for groups.
pub fn term_end(kind: OrgKind, term_start: NaiveDate, s: &StructureSettings) -> Option<NaiveDate> {
    let years = match kind {
        OrgKind::UniversityCommittee | OrgKind::CollegeCommittee => s.committee_term_years,
        OrgKind::GeneralBranch => s.general_branch_term_years,
        OrgKind::Branch => s.branch_term_years,
        OrgKind::Group => return None,
    };
    Some(add_years(term_start, years))
}

/// Runs every structural check on one organization as of `as_of`.
///
/// Branch-only checks: R3.1, R3.2, R3.3, R3.13 and (teacher branches) R4.3. General branches and
/// college committees: R4.1. Every kind with a term: R3.4 and R3.5.
pub fn check_org(f: &OrgFacts, as_of: NaiveDate, s: &StructureSettings) -> Vec<Finding> {
    let mut out = Vec::new();
    match f.kind {
        OrgKind::Branch => {
            branch_size(f, s, &mut out);
            branch_committee(f, s, &mut out);
            secretary_standing(f, as_of, s, &mut out);
        }
        OrgKind::GeneralBranch | OrgKind::CollegeCommittee => thresholds(f, s, &mut out),
        OrgKind::UniversityCommittee | OrgKind::Group => {}
    }
    term(f, as_of, s, &mut out);
    out
}

/// Starts a finding about this organization.
fn finding(f: &OrgFacts, rule: &str, severity: Severity, source: &str, message: String) -> Finding {
    Finding::new(rule, severity, source, SUBJECT_ORG, f.org_id, f.name.as_str(), message)
}

/// "党支部「name」" (or "联合党支部「name」" / "教工党支部「name」").
fn subject(f: &OrgFacts) -> String {
    let kind = if f.kind == OrgKind::Branch && f.joint_branch { "联合党支部" } else { f.kind.label() };
    format!("{kind}「{}」", f.name)
}

/// Full plus probationary members.
fn total_members(f: &OrgFacts) -> u32 {
    f.full_members.saturating_add(f.probationary_members)
}

/// R3.1, R3.2 and R4.3.
fn branch_size(f: &OrgFacts, s: &StructureSettings, out: &mut Vec<Finding>) {
    let who = subject(f);
    if f.full_members < s.branch_min_full {
        let advice = if f.joint_branch {
            "应调整联合党支部的组建范围"
        } else {
            "应与其他单位成立联合党支部或调整设置"
        };
        out.push(
            finding(
                f,
                "R3.1",
                Severity::Warn,
                SRC_BRANCH_SETUP,
                format!("{who}正式党员仅 {} 名，少于 {} 名，{advice}", f.full_members, s.branch_min_full),
            )
            .fact("actual", "正式党员人数", f.full_members)
            .fact("required", "最少正式党员人数", s.branch_min_full)
            .fact("gap", "缺少人数", s.branch_min_full - f.full_members),
        );
    }
    let total = total_members(f);
    if total > s.branch_max_members {
        out.push(
            finding(
                f,
                "R3.2",
                Severity::Warn,
                SRC_BRANCH_SETUP,
                format!(
                    "{who}有党员 {total} 名（正式党员 {}、预备党员 {}），超过 {} 名，一般应分设党支部",
                    f.full_members, f.probationary_members, s.branch_max_members
                ),
            )
            .fact("actual", "党员人数", total)
            .fact("required", "最多党员人数", s.branch_max_members)
            .fact("gap", "超出人数", total - s.branch_max_members),
        );
    }
    if f.category == Some(OrgCategory::Teacher) && total > s.teacher_branch_max {
        out.push(
            finding(
                f,
                "R4.3",
                Severity::Warn,
                SRC_TEACHER_BRANCH,
                format!(
                    "教工{who}有党员 {total} 名，超过 {} 名，高校教师党支部规模一般应控制在 {} 人以内",
                    s.teacher_branch_max, s.teacher_branch_max
                ),
            )
            .fact("actual", "党员人数", total)
            .fact("required", "最多党员人数", s.teacher_branch_max)
            .fact("gap", "超出人数", total - s.teacher_branch_max),
        );
    }
}

/// R3.3: committee size against the number of full members, and a secretary.
fn branch_committee(f: &OrgFacts, s: &StructureSettings, out: &mut Vec<Finding>) {
    let who = subject(f);
    let size = f.committee.iter().map(|c| c.member_id).collect::<BTreeSet<_>>().len();
    let rule = |severity, message: String| {
        finding(f, "R3.3", severity, SRC_BRANCH_COMMITTEE, message).fact("full_members", "正式党员人数", f.full_members)
    };
    if f.full_members >= s.branch_committee_threshold {
        if size < COMMITTEE_MIN {
            out.push(
                rule(
                    Severity::Warn,
                    format!(
                        "{who}有正式党员 {} 名（{} 名以上），{}，应设立支部委员会（一般 {COMMITTEE_MIN} 至 {COMMITTEE_NORM_MAX} 人）",
                        f.full_members,
                        s.branch_committee_threshold,
                        if size == 0 {
                            "尚未配备班子成员".to_string()
                        } else {
                            format!("班子成员仅 {size} 人")
                        }
                    ),
                )
                .fact("actual", "支委人数", size)
                .fact("required", "最少支委人数", COMMITTEE_MIN)
                .fact("gap", "缺少人数", COMMITTEE_MIN - size),
            );
        } else if size > COMMITTEE_MAX {
            out.push(
                rule(
                    Severity::Warn,
                    format!(
                        "{who}支部委员会有 {size} 人，超过 {COMMITTEE_MAX} 人，支委会一般为 {COMMITTEE_MIN} 至 {COMMITTEE_NORM_MAX} 人、最多不超过 {COMMITTEE_MAX} 人"
                    ),
                )
                .fact("actual", "支委人数", size)
                .fact("required", "最多支委人数", COMMITTEE_MAX)
                .fact("gap", "超出人数", size - COMMITTEE_MAX),
            );
        } else if size > COMMITTEE_NORM_MAX {
            out.push(
                rule(
                    Severity::Info,
                    format!("{who}支部委员会有 {size} 人，支委会一般为 {COMMITTEE_MIN} 至 {COMMITTEE_NORM_MAX} 人"),
                )
                .fact("actual", "支委人数", size)
                .fact("required", "一般最多支委人数", COMMITTEE_NORM_MAX)
                .fact("gap", "超出人数", size - COMMITTEE_NORM_MAX),
            );
        }
    } else if size > SMALL_BRANCH_MAX_SEATS {
        out.push(
            rule(
                Severity::Info,
                format!(
                    "{who}正式党员 {} 名，不足 {} 名，一般不设支部委员会，只设书记 1 名、必要时设副书记 1 名，现有班子成员 {size} 人",
                    f.full_members, s.branch_committee_threshold
                ),
            )
            .fact("actual", "班子成员人数", size)
            .fact("required", "一般最多人数", SMALL_BRANCH_MAX_SEATS)
            .fact("gap", "超出人数", size - SMALL_BRANCH_MAX_SEATS),
        );
    }
    if !f.committee.iter().any(|c| c.role == PositionRole::Secretary) {
        out.push(
            rule(Severity::Warn, format!("{who}未设书记，党支部应设书记 1 名")).fact("actual", "书记人数", 0).fact(
                "required",
                "应设书记人数",
                1,
            ),
        );
    }
}

/// R3.13: a branch secretary should have at least one year of 党龄.
fn secretary_standing(f: &OrgFacts, as_of: NaiveDate, s: &StructureSettings, out: &mut Vec<Finding>) {
    let who = subject(f);
    let years = s.secretary_min_standing_years;
    for seat in f.committee.iter().filter(|c| c.role == PositionRole::Secretary) {
        let base = |message: String| {
            finding(f, "R3.13", Severity::Warn, SRC_SECRETARY, message).fact(
                "member_id",
                "书记党员编号",
                seat.member_id,
            )
        };
        match seat.standing_since {
            None => out.push(
                base(format!(
                    "{who}书记「{}」为预备党员，尚无党龄且没有被选举权，党支部书记一般应具有 {years} 年以上党龄",
                    seat.member_name
                ))
                .fact("standing_since", "党龄起算日", "无（预备党员）")
                .fact("required", "应具有党龄（年）", years),
            ),
            Some(since) => {
                let due = add_years(since, years);
                if due > as_of {
                    out.push(
                        base(format!(
                            "{who}书记「{}」党龄自 {} 起算，至 {} 不满 {years} 年（{} 满 {years} 年），党支部书记一般应具有 {years} 年以上党龄",
                            seat.member_name,
                            fmt_date(since),
                            fmt_date(as_of),
                            fmt_date(due)
                        ))
                        .fact("standing_since", "党龄起算日", fmt_date(since))
                        .fact("required", "满一年日期", fmt_date(due))
                        .fact("actual", "检查日期", fmt_date(as_of))
                        .fact("gap", "尚差天数", days_between(as_of, due)),
                    );
                }
            }
        }
    }
}

/// R4.1: member thresholds of general branches and college committees.
fn thresholds(f: &OrgFacts, s: &StructureSettings, out: &mut Vec<Finding>) {
    let who = subject(f);
    let total = total_members(f);
    let info = |message: String, label: &str, required: u32| {
        finding(f, "R4.1", Severity::Info, SRC_THRESHOLDS, message)
            .fact("actual", "所辖党员人数", total)
            .fact("required", label, required)
            .fact("gap", "差额", total.abs_diff(required))
    };
    match f.kind {
        OrgKind::CollegeCommittee if total < s.committee_min => out.push(info(
            format!(
                "{who}所辖党员 {total} 名，不足 {} 名；党员不足 {} 名设立党委须经上级党组织批准",
                s.committee_min, s.committee_min
            ),
            "设立党委的党员人数",
            s.committee_min,
        )),
        OrgKind::GeneralBranch if total >= s.committee_min => out.push(info(
            format!("{who}所辖党员 {total} 名，已达 {} 名，可考虑设立党的基层委员会", s.committee_min),
            "设立党委的党员人数",
            s.committee_min,
        )),
        OrgKind::GeneralBranch if total < s.general_branch_min => out.push(info(
            format!(
                "{who}所辖党员 {total} 名，不足 {} 名；党员不足 {} 名设立党总支须经上级党组织批准",
                s.general_branch_min, s.general_branch_min
            ),
            "设立党总支的党员人数",
            s.general_branch_min,
        )),
        _ => {}
    }
}

/// R3.4 (term expired or not recorded) and R3.5 (term about to end).
///
/// A term started on D with N years ends on `add_years(D, N)`; from that day on (inclusive)
/// re-election is due, so 2023-03-01 + 3 years has expired on 2026-03-01. The reminder runs
/// from `add_months(term_end, -term_reminder_months)` (inclusive) to the day before term end.
fn term(f: &OrgFacts, as_of: NaiveDate, s: &StructureSettings, out: &mut Vec<Finding>) {
    let who = subject(f);
    let source = if f.kind == OrgKind::Branch { SRC_BRANCH_COMMITTEE } else { SRC_TERMS };
    let Some(start) = f.term_start else {
        if matches!(f.kind, OrgKind::Branch | OrgKind::GeneralBranch | OrgKind::CollegeCommittee) {
            out.push(
                finding(
                    f,
                    "R3.4",
                    Severity::Info,
                    source,
                    format!("{who}未登记任期（本届任期开始日期），无法提醒换届"),
                )
                .fact("term_start", "本届任期开始日", "未登记"),
            );
        }
        return;
    };
    let Some(end) = term_end(f.kind, start, s) else {
        return;
    };
    let years = match f.kind {
        OrgKind::Branch => s.branch_term_years,
        OrgKind::GeneralBranch => s.general_branch_term_years,
        _ => s.committee_term_years,
    };
    if as_of >= end {
        out.push(
            finding(
                f,
                "R3.4",
                Severity::Warn,
                source,
                format!(
                    "{who}本届任期自 {} 起 {years} 年，{}，应及时换届；延期换届须经上级批准，最长不超过 1 年",
                    fmt_date(start),
                    match days_between(end, as_of) {
                        0 => format!("于今天 {} 届满", fmt_date(end)),
                        n => format!("已于 {} 届满（已超过 {n} 天）", fmt_date(end)),
                    }
                ),
            )
            .fact("term_start", "本届任期开始日", fmt_date(start))
            .fact("required", "应换届日期", fmt_date(end))
            .fact("actual", "检查日期", fmt_date(as_of))
            .fact("gap", "已超期天数", days_between(end, as_of)),
        );
        return;
    }
    let remind_from = add_months(end, -s.term_reminder_months);
    if as_of >= remind_from {
        out.push(
            finding(
                f,
                "R3.5",
                Severity::Info,
                SRC_TERMS,
                format!(
                    "{who}本届任期将于 {} 届满（还有 {} 天），应提前做好换届准备",
                    fmt_date(end),
                    days_between(as_of, end)
                ),
            )
            .fact("term_start", "本届任期开始日", fmt_date(start))
            .fact("required", "任期届满日", fmt_date(end))
            .fact("reminder_from", "提醒起始日", fmt_date(remind_from))
            .fact("actual", "检查日期", fmt_date(as_of))
            .fact("gap", "距届满天数", days_between(as_of, end)),
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
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
}
