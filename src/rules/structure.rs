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
    /// The latest approved postponement of this term's election (延期换届), if any.
    pub postponement: Option<Postponement>,
    /// Earliest 换届请示 recorded in this term (teacher branches, R3.5).
    pub election_request_on: Option<NaiveDate>,
}

/// An approved postponement of an election (延期换届, R3.5 / R4.2).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Postponement {
    /// Date of the approval.
    pub approved_on: NaiveDate,
    /// New latest election date.
    pub until_on: NaiveDate,
    /// The approving body.
    pub approved_by: String,
    /// The approval document (文号).
    pub document_no: String,
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
    /// R3.5: months before term end by which a teacher branch requests its election (4).
    pub teacher_request_months: i32,
    /// R3.5 / R4.2: longest postponement of an election, in years after the term's end (1).
    pub max_postponement_years: i32,
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
            teacher_request_months: 4,
            max_postponement_years: 1,
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

/// Years of one term of this kind (groups have none).
fn term_years(kind: OrgKind, s: &StructureSettings) -> i32 {
    match kind {
        OrgKind::Branch => s.branch_term_years,
        OrgKind::GeneralBranch => s.general_branch_term_years,
        _ => s.committee_term_years,
    }
}

/// The last day on which a teacher branch submits its 换届请示 on time: `term_end` minus
/// `teacher_request_months` (inclusive).
pub fn request_deadline(term_end: NaiveDate, s: &StructureSettings) -> NaiveDate {
    add_months(term_end, -s.teacher_request_months)
}

/// The latest date a postponed election may be held: `term_end` plus `max_postponement_years`.
pub fn postponement_limit(term_end: NaiveDate, s: &StructureSettings) -> NaiveDate {
    add_years(term_end, s.max_postponement_years)
}

/// R3.5 / R4.2: an election may be postponed by at most one year after the term's end, and only
/// to a date after it. Block findings carry `field` = `until_on`.
pub fn check_postponement(
    f: &OrgFacts,
    term_end: NaiveDate,
    until_on: NaiveDate,
    s: &StructureSettings,
) -> Vec<Finding> {
    let who = subject(f);
    let limit = postponement_limit(term_end, s);
    let base = |message: String| {
        finding(f, "R4.2", Severity::Block, SRC_TERMS, message)
            .fact("field", "字段", "until_on")
            .fact("term_end", "任期届满日", fmt_date(term_end))
            .fact("actual", "延期至", fmt_date(until_on))
    };
    if until_on > limit {
        vec![
            base(format!(
                "{who}任期于 {} 届满，延期换届至 {} 超过 1 年（最晚 {}，超出 {} 天）；延期换届最长不超过 1 年",
                fmt_date(term_end),
                fmt_date(until_on),
                fmt_date(limit),
                days_between(limit, until_on)
            ))
            .fact("required", "最晚换届日期", fmt_date(limit))
            .fact("gap", "超出天数", days_between(limit, until_on)),
        ]
    } else if until_on <= term_end {
        vec![
            base(format!(
                "{who}任期于 {} 届满，延期换届的期限 {} 应晚于届满日",
                fmt_date(term_end),
                fmt_date(until_on)
            ))
            .fact("required", "应晚于", fmt_date(term_end)),
        ]
    } else {
        Vec::new()
    }
}

/// R3.4 (term expired or not recorded, or an approved postponement running or run out) and R3.5
/// (term about to end; a teacher branch's 换届请示 4 months before expiry).
///
/// A term started on D with N years ends on `add_years(D, N)`; from that day on (inclusive)
/// re-election is due, so 2023-03-01 + 3 years has expired on 2026-03-01. An approved
/// postponement to U covers the days before U. The reminder runs from
/// `add_months(term_end, -term_reminder_months)` (inclusive) to the day before term end. A teacher
/// branch without a 换届请示 dated on or before [`request_deadline`] is warned from the day after it.
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
    let years = term_years(f.kind, s);
    if as_of >= end {
        if let Some(p) = f.postponement.as_ref().filter(|p| p.until_on > end) {
            let approved = format!(
                "经{}批准（{}，{}）延期换届至 {}",
                p.approved_by,
                p.document_no,
                fmt_date(p.approved_on),
                fmt_date(p.until_on)
            );
            let (severity, state) = if as_of < p.until_on {
                (Severity::Info, format!("还有 {} 天", days_between(as_of, p.until_on)))
            } else {
                (
                    Severity::Warn,
                    format!("延期已届满（已超过 {} 天），仍未换届，应立即换届", days_between(p.until_on, as_of)),
                )
            };
            out.push(
                finding(
                    f,
                    "R3.4",
                    severity,
                    SRC_TERMS,
                    format!(
                        "{who}本届任期自 {} 起 {years} 年，于 {} 届满，{approved}，{state}",
                        fmt_date(start),
                        fmt_date(end)
                    ),
                )
                .fact("term_start", "本届任期开始日", fmt_date(start))
                .fact("term_end", "任期届满日", fmt_date(end))
                .fact("required", "延期换届期限", fmt_date(p.until_on))
                .fact("actual", "检查日期", fmt_date(as_of))
                .fact(
                    "gap",
                    if as_of < p.until_on { "距延期期限天数" } else { "已超期天数" },
                    days_between(as_of, p.until_on).abs(),
                ),
            );
            return;
        }
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
    let teacher = f.kind == OrgKind::Branch && f.category == Some(OrgCategory::Teacher);
    let deadline = request_deadline(end, s);
    let on_time_request = f.election_request_on.is_some_and(|d| d <= deadline);
    if teacher && as_of > deadline && !on_time_request {
        let late = match f.election_request_on {
            Some(d) => format!("，{} 才提交（晚 {} 天）", fmt_date(d), days_between(deadline, d)),
            None => "，至今未登记换届请示".to_string(),
        };
        out.push(
            finding(
                f,
                "R3.5",
                if f.election_request_on.is_some() { Severity::Info } else { Severity::Warn },
                SRC_TEACHER_BRANCH,
                format!(
                    "教工{who}任期将于 {} 届满，应在届满前 {} 个月（{} 前）向上级党组织提交换届请示{late}",
                    fmt_date(end),
                    s.teacher_request_months,
                    fmt_date(deadline)
                ),
            )
            .fact("term_end", "任期届满日", fmt_date(end))
            .fact("required", "换届请示最晚日期", fmt_date(deadline))
            .fact("actual", "检查日期", fmt_date(as_of))
            .fact("gap", "已超过天数", days_between(deadline, as_of)),
        );
    }
    let remind_from = add_months(end, -s.term_reminder_months);
    if as_of >= remind_from {
        let request = if teacher && as_of <= deadline && !on_time_request {
            format!("；教工党支部应于 {} 前提交换届请示", fmt_date(deadline))
        } else {
            String::new()
        };
        out.push(
            finding(
                f,
                "R3.5",
                Severity::Info,
                SRC_TERMS,
                format!(
                    "{who}本届任期将于 {} 届满（还有 {} 天），应提前做好换届准备{request}",
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
#[path = "structure_tests.rs"]
mod tests;
