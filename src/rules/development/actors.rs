//! Who may act (issue 8 part 3): 培养联系人 (R1.6) and 入党介绍人 (R1.10) must be 正式党员 in good
//! standing on the date of the step naming them — not 预备党员 then, not 停止党籍 or 失联, not a 流动党员
//! whose relationship is not here, not under 留党察看, not yet joined or already gone (RULES §5.2, §5.4).
//! Under the 2026 细则 a sponsor within a penalty's 影响期 "不宜" act: a warning that needs a justification.
//!
//! [`standing_on`] judges a person's state as of a date from their history (the member row, the
//! `member_status_event` rows, the `membership_period` rows and the `member_penalty` rows, already
//! reduced to [`crate::rules::penalty`] answers); the checks on the case live in `impl Ctx` below.

use chrono::NaiveDate;

use super::checks::Ctx;
use super::{MAX_MENTORS, PersonStanding, RuleSet, SPONSORS, source};
use crate::calendar::fmt_date;
use crate::domain::{MemberStatus, SpecialStatus};
use crate::rules::penalty::{Penalty, in_impact_period, under_probation_penalty};
use crate::rules::{Finding, Severity};

/// Source of the sponsor rules before 2026 (R1.10).
const SRC_CONSTITUTION_5: &str = "《中国共产党章程》第五条";
/// Source of the status bars (RULES §5.2 停止党籍/失联, §5.4 流动党员).
const SRC_STATUS: &str = "《中国共产党党员教育管理工作条例》第二十四、二十五条";

/// Whether a person belongs to the party here on a date (from `member.left_on` and `membership_period`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    /// A member with an organisational relationship here on the date.
    Here,
    /// Joined only later (the first membership period starts on this date).
    NotYet(NaiveDate),
    /// Left the party (出党, 取消预备党员资格, death) on this date.
    Left(NaiveDate),
    /// A member, but with no membership period here covering the date (relationship transferred out).
    Elsewhere,
}

/// One status change from `member_status_event` (field `special_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    /// First day of the new status.
    pub effective_on: NaiveDate,
    /// The status before (when recorded).
    pub old: Option<SpecialStatus>,
    /// The new status.
    pub new: SpecialStatus,
}

/// Everything recorded about a member that decides their standing on a past date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorHistory {
    /// Member id.
    pub member_id: i64,
    /// Name.
    pub name: String,
    /// Status now.
    pub status: MemberStatus,
    /// Date of admission (党籍 from the branch resolution, RULES §5.1).
    pub joined_on: NaiveDate,
    /// First day of full membership (R1.26), when converted.
    pub full_on: Option<NaiveDate>,
    /// First day out of the party (`member.left_on`).
    pub left_on: Option<NaiveDate>,
    /// Special status now and since when (used when no change is recorded).
    pub special_status: SpecialStatus,
    /// Since when the current special status holds, if recorded.
    pub special_status_since: Option<NaiveDate>,
    /// Recorded changes of the special status, any order.
    pub changes: Vec<StatusChange>,
    /// Membership periods here: first day and first day no longer there (`None` = open).
    pub periods: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// 党纪处分.
    pub penalties: Vec<Penalty>,
}

/// The special status on `on`: the latest change effective on or before it; before the first
/// recorded change, that change's old value (or 正常); with no change recorded, the current
/// status if it held by then.
pub fn special_status_on(h: &ActorHistory, on: NaiveDate) -> SpecialStatus {
    let mut changes = h.changes.clone();
    changes.sort_by_key(|c| c.effective_on);
    if let Some(c) = changes.iter().rev().find(|c| c.effective_on <= on) {
        return c.new;
    }
    if let Some(first) = changes.first() {
        return first.old.unwrap_or(SpecialStatus::Normal);
    }
    match h.special_status_since {
        Some(since) if since > on => SpecialStatus::Normal,
        _ => h.special_status,
    }
}

/// The standing of a member on `on` (the date of the step naming them).
pub fn standing_on(h: &ActorHistory, on: NaiveDate) -> PersonStanding {
    let full = h.status == MemberStatus::Full && h.full_on.is_none_or(|d| d <= on);
    let membership = if h.left_on.is_some_and(|l| l <= on) {
        Membership::Left(h.left_on.unwrap_or(on))
    } else if on < h.joined_on {
        Membership::NotYet(h.joined_on)
    } else if !h.periods.is_empty() && !h.periods.iter().any(|(s, e)| *s <= on && e.is_none_or(|e| on < e)) {
        match h.periods.iter().map(|p| p.0).min() {
            Some(first) if on < first => Membership::NotYet(first),
            _ => Membership::Elsewhere,
        }
    } else {
        Membership::Here
    };
    PersonStanding {
        member_id: h.member_id,
        name: h.name.clone(),
        status: if full { MemberStatus::Full } else { MemberStatus::Probationary },
        as_of: Some(on),
        full_from: h.full_on.filter(|d| *d > on),
        special_status: special_status_on(h, on),
        membership,
        under_probation_penalty: under_probation_penalty(&h.penalties, on),
        in_penalty_impact_period: in_impact_period(&h.penalties, on),
    }
}

/// What bars a person from acting on their date, if anything (not the 影响期, which only warns).
fn bar(p: &PersonStanding, on: NaiveDate) -> Option<(String, String, &'static str)> {
    let day = fmt_date(p.as_of.unwrap_or(on));
    let (what, actual, src) = match p.membership {
        Membership::Left(d) => (format!("已于 {} 离开党组织", fmt_date(d)), "已出党".to_string(), SRC_STATUS),
        Membership::NotYet(d) => (format!("尚未入党（{} 入党）", fmt_date(d)), "尚未入党".to_string(), ""),
        Membership::Elsewhere if p.special_status == SpecialStatus::Mobile => {
            ("为流动党员，组织关系不在本单位".to_string(), "流动党员（组织关系不在本单位）".to_string(), SRC_STATUS)
        }
        Membership::Elsewhere => ("组织关系不在本单位".to_string(), "组织关系不在本单位".to_string(), SRC_STATUS),
        Membership::Here if p.status != MemberStatus::Full => (
            match p.full_from {
                Some(d) => format!("为{}（{} 转正）", p.status.label(), fmt_date(d)),
                None => format!("为{}", p.status.label()),
            },
            p.status.label().to_string(),
            "",
        ),
        Membership::Here if matches!(p.special_status, SpecialStatus::Suspended | SpecialStatus::LostContact) => {
            (format!("为{}", p.special_status.label()), p.special_status.label().to_string(), SRC_STATUS)
        }
        Membership::Here if p.under_probation_penalty => {
            ("受留党察看处分、尚未恢复党员权利".to_string(), "留党察看".to_string(), "")
        }
        Membership::Here => return None,
    };
    Some((format!("{day} {what}"), actual, src))
}

impl Ctx<'_> {
    /// A finding about one mentor or sponsor.
    fn person(
        &self,
        rule: &str,
        severity: Severity,
        source: String,
        field: &str,
        p: &PersonStanding,
        message: String,
    ) -> Finding {
        let mut f = self
            .finding(rule, severity, source, message)
            .fact("field", "字段", field)
            .fact("member_id", "党员编号", p.member_id)
            .fact("member_name", "姓名", p.name.as_str());
        if let Some(d) = p.as_of {
            f = f.fact("as_of", "判断日期", fmt_date(d));
        }
        f
    }

    /// R1.6: one or two 培养联系人, each a full member in good standing on the assignment date.
    pub(super) fn mentors(&self, out: &mut Vec<Finding>) {
        let n = distinct(&self.f.mentors);
        if n == 0 || n > MAX_MENTORS {
            out.push(
                self.finding(
                    "R1.6",
                    Severity::Block,
                    source(9, self.on),
                    format!("{}的培养联系人为 {n} 人，应指定一至两名正式党员", self.who()),
                )
                .fact("field", "字段", "mentors")
                .fact("actual", "培养联系人人数", n)
                .fact("required", "要求人数", "1–2")
                .fact("gap", "相差人数", if n == 0 { 1 } else { n - MAX_MENTORS }),
            );
        }
        for m in &self.f.mentors {
            let Some((what, actual, src)) = bar(m, self.on) else { continue };
            let src = if src.is_empty() { source(9, self.on) } else { format!("{}；{src}", source(9, self.on)) };
            let message =
                format!("{}的培养联系人「{}」{what}，不能担任培养联系人；培养联系人应为正式党员", self.who(), m.name);
            out.push(
                self.person("R1.6", Severity::Block, src, "mentors", m, message)
                    .fact("actual", "党员状态", actual)
                    .fact("required", "要求", "正式党员（党籍正常）"),
            );
        }
    }

    /// R1.10: exactly two full members in good standing, none under 留党察看; (2026) none in a 影响期.
    pub(super) fn sponsors(&self, out: &mut Vec<Finding>) {
        let src = || if self.rules == RuleSet::V2026 { source(14, self.on) } else { SRC_CONSTITUTION_5.to_string() };
        let n = distinct(&self.f.sponsors);
        if n != SPONSORS {
            out.push(
                self.finding(
                    "R1.10",
                    Severity::Block,
                    src(),
                    format!("{}的入党介绍人为 {n} 人，发展对象应有两名正式党员作入党介绍人", self.who()),
                )
                .fact("field", "字段", "sponsors")
                .fact("actual", "入党介绍人人数", n)
                .fact("required", "要求人数", SPONSORS)
                .fact("gap", "相差人数", n.abs_diff(SPONSORS)),
            );
        }
        for p in &self.f.sponsors {
            if let Some((what, actual, extra)) = bar(p, self.on) {
                let src = if extra.is_empty() { src() } else { format!("{}；{extra}", src()) };
                let message = format!(
                    "{}的入党介绍人「{}」{what}，不能担任入党介绍人；入党介绍人必须是正式党员",
                    self.who(),
                    p.name
                );
                out.push(
                    self.person("R1.10", Severity::Block, src, "sponsors", p, message)
                        .fact("actual", "党员状态", actual)
                        .fact("required", "要求", "正式党员（党籍正常，未受留党察看处分）"),
                );
                continue;
            }
            if p.in_penalty_impact_period && self.rules == RuleSet::V2026 {
                let message = format!(
                    "{}的入党介绍人「{}」{} 受警告、严重警告或撤销党内职务处分尚在影响期内，不宜担任入党介绍人",
                    self.who(),
                    p.name,
                    fmt_date(p.as_of.unwrap_or(self.on))
                );
                out.push(
                    self.person("R1.10", Severity::Warn, src(), "sponsors", p, message)
                        .fact("actual", "处分", "处分影响期内")
                        .fact("required", "要求", "不在处分影响期内"),
                );
            }
        }
    }
}

/// Number of distinct people in a list of mentors or sponsors.
fn distinct(people: &[PersonStanding]) -> usize {
    people.iter().enumerate().filter(|(i, p)| !people.iter().take(*i).any(|q| q.member_id == p.member_id)).count()
}
