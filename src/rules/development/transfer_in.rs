//! R1.27 (2026§34–35): a probationary member who transferred in. The receiving branch may postpone
//! the conversion discussion by no more than six months after the end of probation; the conversion
//! date (党龄, R1.26) stays the original end. The 2014 细则 has no such postponement: before
//! 2026-05-11 the discussion is simply due "promptly" (R1.25) like any other.
//!
//! Exceeding the six months is a warning needing a justification (C5), not a block: the branch
//! must still be able to record the discussion it held, and a member who never moved has no limit
//! at all ("及时"), so a block would make the moved member's case stricter than the unmoved one's.

use chrono::NaiveDate;

use super::checks::Ctx;
use super::{CaseFacts, DevelopmentSettings, RuleSet, source};
use crate::calendar::{days_between, fmt_date};
use crate::rules::{Finding, Severity};

/// The receiving branch may postpone the conversion discussion by at most this many months (R1.27).
pub const TRANSFER_IN_POSTPONE_MONTHS: i32 = 6;

/// `(end of probation, latest conversion discussion)` of a probationary member who transferred in,
/// under `rules` (R1.27, 2026 only): the six months count from the end of probation (C1, C2).
pub fn postponement_window(f: &CaseFacts, rules: RuleSet, s: &DevelopmentSettings) -> Option<(NaiveDate, NaiveDate)> {
    if rules != RuleSet::V2026 {
        return None;
    }
    f.probation_transfer_in?;
    let end = f.probation_end(s)?;
    Some((end, s.period_max(end, TRANSFER_IN_POSTPONE_MONTHS)))
}

impl Ctx<'_> {
    /// R1.27: a conversion vote of a member transferred in during probation, after the end of
    /// probation: within six months an Info naming the unchanged conversion date, later a warning.
    pub(super) fn transfer_in_postponement(&self, out: &mut Vec<Finding>) {
        let Some(arrived) = self.f.probation_transfer_in.filter(|a| *a <= self.on) else { return };
        let Some((end, limit)) = postponement_window(self.f, self.rules, self.s) else { return };
        if self.on <= end {
            return;
        }
        let late = days_between(end, self.on);
        let (severity, message) = if self.on > limit {
            (
                Severity::Warn,
                format!(
                    "{}为转入的预备党员（{} 转入），接收党支部推迟讨论转正最长不超过预备期满（{}）后 {TRANSFER_IN_POSTPONE_MONTHS} 个月，即 {}；转正讨论日期 {} 已超过 {} 天，须说明理由",
                    self.who(),
                    fmt_date(arrived),
                    fmt_date(end),
                    fmt_date(limit),
                    fmt_date(self.on),
                    days_between(limit, self.on)
                ),
            )
        } else {
            (
                Severity::Info,
                format!(
                    "{}为转入的预备党员（{} 转入），接收党支部推迟 {late} 天讨论转正（最长至 {}）；转正时间仍为预备期满日 {}",
                    self.who(),
                    fmt_date(arrived),
                    fmt_date(limit),
                    fmt_date(end)
                ),
            )
        };
        out.push(
            self.dated("R1.27", severity, source(35, self.on), message, limit)
                .fact("probation_transfer_in", "转入日期", fmt_date(arrived))
                .fact("probation_end", "预备期满日（转正时间）", fmt_date(end))
                .fact("postponed_days", "推迟天数", late),
        );
    }
}
