//! Member development (发展党员, RULES.md §1): the 25 steps, the checks on recording a step,
//! branch-meeting vote arithmetic and what is due next. Pure: no IO, no clock.
//!
//! Every check is versioned by the date of the event it judges (C6): the 2014 细则 before
//! 2026-05-11, the 2026 细则 from then on. Dates follow RULES.md C1 (inclusive periods) and
//! C2 (month arithmetic clamps to the month's last day) through [`crate::calendar`]; working
//! days (C4) come from a [`WorkCalendar`].

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::{development_rules_2026_from, development_rules_source, zh_number};
use crate::calendar::{add_months, add_years};
use crate::domain::{MemberStatus, OrgKind, SpecialStatus};

/// Defines a string-backed enum with `as_str`, `parse`, `label`, `ALL` and `Display`.
///
use crate::domain::enums::str_enum;
mod actors;
mod candidate;
mod checks;
mod due;
pub mod lookahead;
pub mod materials;
mod meeting;
mod outcome;
mod publicity;
mod steps;
mod transfer_in;
mod vote;
mod voters;

#[cfg(test)]
mod tests;

pub use actors::{ActorHistory, Membership, StatusChange, special_status_on, standing_on};
pub use checks::{check_step, override_step_label};
pub use due::{Due, next_steps};
pub use meeting::{
    Ballot, BallotCandidate, MeetingCounts, MeetingKind, check_ballots, outcome as meeting_outcome,
    outcome_with as meeting_outcome_with,
};
pub use outcome::{ARCHIVE_ITEMS, ArchiveStatus, ConversionDecision, ProbationOutcome, archive_missing};
pub use publicity::{NoticeStatus, OpenObjection, PeriodSubject, check_period, first_workday_from, suggested_end};
pub use steps::{Stage, Step};
pub use transfer_in::{TRANSFER_IN_POSTPONE_MONTHS, postponement_window};
pub use vote::{
    Exclusion, ExclusionReason, VoteInput, VoteOutcome, VoterFacts, eligible_voters, vote_result, vote_result_with,
};
pub use voters::{VoterCheck, WrittenOpinion, check_voters};

/// `subject_kind` of findings about one development case (GLOSSARY `development_case`).
pub const SUBJECT_CASE: &str = "development_case";

/// Minimum age to apply (R1.2, 党章§1).
pub const MIN_AGE: i32 = 18;
/// Talk with the applicant within this many months of the application (R1.4).
pub const TALK_WITHIN_MONTHS: i32 = 1;
/// The branch assesses an activist at least this often, in months (R1.7).
pub const ASSESSMENT_MONTHS: i32 = 6;
/// Shortest 公示 before listing a 发展对象, in working days (R1.8, 2026).
pub const PUBLICITY_MIN_WORKDAYS: u32 = 5;
/// Number of 入党介绍人 (R1.10).
pub const SPONSORS: usize = 2;
/// Most 培养联系人 (R1.6: one or two).
pub const MAX_MENTORS: usize = 2;
/// Branch meeting within this many months of 预审 (R1.14, 2026).
pub const BRANCH_MEETING_WITHIN_MONTHS: i32 = 1;
/// Oath within this many months of approval (R1.22, 2026).
pub const OATH_WITHIN_MONTHS: i32 = 1;
/// Probation in years, from the admission vote (R1.23).
pub const PROBATION_YEARS: i32 = 1;
/// Shortest and longest extension of probation, in months (R1.24).
pub const EXTENSION_MONTHS: (u32, u32) = (6, 12);
/// The 党委 approves a conversion within this many months (R1.26).
pub const CONVERSION_APPROVAL_MONTHS: i32 = 3;

str_enum!(
    /// Which 《中国共产党发展党员工作细则》 governs an event (C6).
    RuleSet {
        V2014 = "v2014" => "2014年细则",
        V2026 = "v2026" => "2026年细则",
    }
);

impl RuleSet {
    /// The rule set for an event on `d`: 2026 from 2026-05-11, else 2014.
    pub fn for_date(d: NaiveDate) -> RuleSet {
        if d >= development_rules_2026_from() { RuleSet::V2026 } else { RuleSet::V2014 }
    }
}

/// Configurable conventions and local (PRACTICE) numbers; `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DevelopmentSettings {
    /// R1.2 (UNVERIFIED): the 18th birthday itself counts as 年满十八岁 (true); false = from the day after.
    pub age_on_birthday: bool,
    /// C4: listing as 发展对象 must fall after the 公示's last day (true); false allows the last day itself.
    pub publicity_listing_after_last_day: bool,
    /// R1.8: months of activist training before 发展对象 (12, 一年以上; local rules may ask more).
    pub activist_min_months: i32,
    /// R1.12: shortest intensive training in days (3; PRACTICE may be 5–7).
    pub training_min_days: u32,
    /// R1.12: shortest intensive training in class hours (24; PRACTICE may be 40); either suffices.
    pub training_min_hours: u32,
    /// R1.13 (anchor UNVERIFIED): months after 预审 within which leaving the unit warns (3).
    pub leaving_window_months: i32,
    /// R1.21: months after the admission vote within which the 党委 should approve (3).
    pub approval_warn_months: i32,
    /// R1.21: hard limit in months after the admission vote (6).
    pub approval_max_months: i32,
    /// C2: "N months from D" on a day the target month lacks (01-31 + 1 month) is that month's last
    /// day (true, default); false = the 1st of the following month.
    pub month_end_clamp: bool,
    /// C1: "一年以上 / 以内" are inclusive (true, default): a one-year minimum from D is complete on
    /// the same date a year later and "within a month" ends on the same date a month later;
    /// false = the minimum is complete the day after and the window ends the day before.
    pub periods_inclusive: bool,
    /// C3: "超过半数" of quorum (R1.15) and passing (R1.16) is strict, `n × 2 > 应到` (true, default);
    /// false = at least half, `n × 2 ≥ 应到`.
    pub strict_majority: bool,
    /// R1.9 「培养教育时间可以连续计算」: the days in transit between leaving one branch and arriving
    /// at the next count toward the activist training time (true), or not (false, default: the
    /// stretches at each branch are added up, the days no branch trained the person are not).
    pub transit_days_count: bool,
}

impl DevelopmentSettings {
    /// The same day `months` later under C2 (clamp to the month's end, or roll over to the 1st).
    pub fn add_months(&self, d: NaiveDate, months: i32) -> NaiveDate {
        let clamped = add_months(d, months);
        if self.month_end_clamp || clamped.day() == d.day() {
            return clamped;
        }
        clamped.succ_opt().unwrap_or(clamped)
    }

    /// C1: the first date on which a minimum period of `months` from `d` (一年以上, 不少于) is complete.
    pub fn period_min(&self, d: NaiveDate, months: i32) -> NaiveDate {
        let end = self.add_months(d, months);
        if self.periods_inclusive { end } else { end.succ_opt().unwrap_or(end) }
    }

    /// C1: the last date within `months` of `d` (一个月内, 三个月内).
    pub fn period_max(&self, d: NaiveDate, months: i32) -> NaiveDate {
        let end = self.add_months(d, months);
        if self.periods_inclusive { end } else { end.pred_opt().unwrap_or(end) }
    }
}

impl Default for DevelopmentSettings {
    fn default() -> Self {
        DevelopmentSettings {
            age_on_birthday: true,
            publicity_listing_after_last_day: true,
            month_end_clamp: true,
            periods_inclusive: true,
            strict_majority: true,
            transit_days_count: false,
            activist_min_months: 12,
            training_min_days: 3,
            training_min_hours: 24,
            leaving_window_months: 3,
            approval_warn_months: 3,
            approval_max_months: 6,
        }
    }
}

/// A person acting as 培养联系人 or 入党介绍人, with their standing on the date of the step naming them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonStanding {
    /// Member id.
    pub member_id: i64,
    /// Member's name.
    pub name: String,
    /// Full or probationary on `as_of`.
    pub status: MemberStatus,
    /// The date the standing is judged on (the step naming the person); `None` = the step's date.
    pub as_of: Option<NaiveDate>,
    /// First day of full membership when it lies after `as_of` (shown as "（… 转正）").
    pub full_from: Option<NaiveDate>,
    /// Special status on `as_of` (停止党籍, 失联 bar; 流动 bars only without a relationship here).
    pub special_status: SpecialStatus,
    /// Member here on `as_of`, or not yet joined, left, or with the relationship elsewhere.
    pub membership: Membership,
    /// Under 留党察看 with rights not yet restored (R1.10: cannot sponsor).
    pub under_probation_penalty: bool,
    /// Within the 影响期 of a 警告, 严重警告 or 撤销党内职务 penalty (R1.10, 2026: should not sponsor).
    pub in_penalty_impact_period: bool,
}

impl PersonStanding {
    /// A full member in good standing (no history known).
    pub fn full(member_id: i64, name: &str) -> PersonStanding {
        PersonStanding {
            member_id,
            name: name.to_string(),
            status: MemberStatus::Full,
            as_of: None,
            full_from: None,
            special_status: SpecialStatus::Normal,
            membership: Membership::Here,
            under_probation_penalty: false,
            in_penalty_impact_period: false,
        }
    }
}

/// One stretch of activist training at one unit; stretches across transfers are added up (R1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivistPeriod {
    /// First day at this unit as an activist.
    pub start: NaiveDate,
    /// Last day (the day the materials left); `None` = still running.
    pub end: Option<NaiveDate>,
}

/// The 公示 before listing a 发展对象 (R1.8, 2026).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publicity {
    /// First day of the notice.
    pub start: NaiveDate,
    /// Last day of the notice as announced.
    pub end: NaiveDate,
    /// Objections were raised and are not yet resolved.
    pub objections_open: bool,
}

/// The written conclusion of the 政治审查 (R1.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoliticalReview {
    /// The written conclusion: 合格 (`Some(true)`), 不合格 (`Some(false)`), or not recorded
    /// (`None`, an old record): only `Some(true)` lets a case proceed (R1.11).
    pub passed: Option<bool>,
    /// Date of the conclusion.
    pub concluded_on: NaiveDate,
}

/// The short intensive training attended (R1.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Training {
    /// Days of training.
    pub days: u32,
    /// Class hours (学时).
    pub hours: u32,
}

str_enum!(
    /// Where a 流动人员's 公示 is posted (R1.8, 2026: at both the outflow and the inflow place).
    PublicityLocation {
        Outflow = "outflow" => "流出地",
        Inflow = "inflow" => "流入地",
    }
);

/// A recorded justification that turns a warning of one rule into information (C5). It covers one
/// decision: the warning of `rule` given when `step` was recorded in `round` (issue 8 part 6), never
/// the same rule at another step or in a later round (a new conversion vote after an extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// RULES.md rule id, e.g. "R1.21".
    pub rule: String,
    /// Why the rule was exceeded; an empty reason is ignored.
    pub reason: String,
    /// The step whose recording the justification was given for.
    pub step: Step,
    /// The round of that step ([`CaseFacts::round`]): 0, or the conversion round after extensions.
    pub round: u32,
}

/// Everything recorded for one development case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    /// Case id (subject of the findings).
    pub case_id: i64,
    /// The person's name.
    pub name: String,
    /// The person's birth date.
    pub birth_date: NaiveDate,
    /// Kind of the organization holding the case (normally a branch).
    pub branch_kind: OrgKind,
    /// Date of each recorded step.
    pub steps: BTreeMap<Step, NaiveDate>,
    /// Activist stretches across transfers; empty = one stretch from `activist_recommendation`.
    pub activist_periods: Vec<ActivistPeriod>,
    /// Arrival at the receiving branch of the latest transfer after the admission vote: a
    /// probationary member who transferred in (R1.27).
    pub probation_transfer_in: Option<NaiveDate>,
    /// Dates of the branch's half-yearly activist assessments (R1.7).
    pub activist_assessments: Vec<NaiveDate>,
    /// 培养联系人 (R1.6).
    pub mentors: Vec<PersonStanding>,
    /// 入党介绍人 (R1.10).
    pub sponsors: Vec<PersonStanding>,
    /// 公示 before listing (R1.8, 2026).
    pub publicity: Option<Publicity>,
    /// Objections raised against the 公示 and not yet resolved (R1.8: they block further steps).
    pub open_objections: Vec<OpenObjection>,
    /// The person is a 流动人员 (R1.8, 2026: 公示 at both the outflow and the inflow place).
    pub mobile: bool,
    /// The notices of a 流动人员 by place (R1.8, 2026).
    pub located_publicity: Vec<(PublicityLocation, Publicity)>,
    /// 政审 conclusion (R1.11).
    pub political_review: Option<PoliticalReview>,
    /// Intensive training attended (R1.12).
    pub training: Option<Training>,
    /// Expected date of leaving the work or study unit (R1.13).
    pub leaving_date: Option<NaiveDate>,
    /// The branch meeting's vote on admission (R1.15–1.16).
    pub admission_vote: Option<VoteInput>,
    /// The branch meeting's vote on conversion (R1.25).
    pub conversion_vote: Option<VoteInput>,
    /// Kind of organization that approved the admission (R1.19).
    pub approving_org_kind: Option<OrgKind>,
    /// Kind of organization that approved the conversion (R1.25).
    pub conversion_approving_org_kind: Option<OrgKind>,
    /// Extensions of probation, in months each (R1.24: at most one, of 6–12 months).
    pub probation_extensions: Vec<u32>,
    /// What the (latest) conversion vote decides (R1.24); `None` = conversion on time.
    pub conversion_decision: Option<ConversionDecision>,
    /// Items of the R1.28 archive checklist not yet archived.
    pub archive_missing: Vec<String>,
    /// Justified overrides of warnings (C5).
    pub overrides: Vec<Override>,
}

impl CaseFacts {
    /// A case with no step recorded yet (every list empty, every optional fact absent).
    pub fn new(case_id: i64, name: &str, birth_date: NaiveDate, branch_kind: OrgKind) -> CaseFacts {
        CaseFacts {
            case_id,
            name: name.to_string(),
            birth_date,
            branch_kind,
            steps: BTreeMap::new(),
            activist_periods: Vec::new(),
            probation_transfer_in: None,
            activist_assessments: Vec::new(),
            mentors: Vec::new(),
            sponsors: Vec::new(),
            publicity: None,
            open_objections: Vec::new(),
            mobile: false,
            located_publicity: Vec::new(),
            political_review: None,
            training: None,
            leaving_date: None,
            admission_vote: None,
            conversion_vote: None,
            approving_org_kind: None,
            conversion_approving_org_kind: None,
            probation_extensions: Vec::new(),
            conversion_decision: None,
            archive_missing: Vec::new(),
            overrides: Vec::new(),
        }
    }

    /// The recorded date of a step.
    pub fn date(&self, step: Step) -> Option<NaiveDate> {
        self.steps.get(&step).copied()
    }

    /// The round in which `step` is judged: the conversion vote and approval start a new round after
    /// each approved extension (R1.24), every other step is recorded once (round 0).
    pub fn round(&self, step: Step) -> u32 {
        if matches!(step, Step::ConversionVote | Step::ConversionApproval) {
            u32::try_from(self.probation_extensions.len()).unwrap_or(u32::MAX)
        } else {
            0
        }
    }

    /// The end of probation (R1.23), including recorded extensions (R1.24), if the admission vote is
    /// recorded: one year (a minimum period, C1) plus the extensions, under the settings' C1/C2.
    pub fn probation_end(&self, s: &DevelopmentSettings) -> Option<NaiveDate> {
        let vote = self.date(Step::AdmissionVote)?;
        let months = i32::try_from(self.probation_extensions.iter().sum::<u32>()).unwrap_or(i32::MAX);
        let year = s.add_months(vote, PROBATION_YEARS * 12);
        Some(s.period_min(year, months))
    }
}

/// 党龄 start (R1.26): the end of probation, one year after the admission vote plus any extension (R1.23–1.24).
pub fn standing_since(admission_vote: NaiveDate, extension_months: u32) -> NaiveDate {
    let months = i32::try_from(extension_months).unwrap_or(i32::MAX);
    add_months(add_years(admission_vote, PROBATION_YEARS), months)
}

/// Cites a 2026 细则 article, or for events before 2026-05-11 the 2014 article where its number was
/// seen (RULES.md Appendix A), else the 2014 细则 without an article number.
pub fn source(article_2026: u32, event: NaiveDate) -> String {
    if RuleSet::for_date(event) == RuleSet::V2026 {
        return development_rules_source(article_2026, event);
    }
    match article_2026 {
        5 | 7 | 8 | 9 | 11 | 17 | 31 | 32 => development_rules_source(article_2026, event),
        18..=20 => format!("《中国共产党发展党员工作细则》(2014) 第{}条", zh_number(article_2026 + 1)),
        _ => "《中国共产党发展党员工作细则》(2014)".to_string(),
    }
}
