//! 党纪处分 (disciplinary penalties) and the two questions the development rules ask about them:
//! is a member under 留党察看 with rights not yet restored (R1.10: cannot sponsor; R1.17: no vote),
//! and is a member within the 影响期 of a 警告, 严重警告 or 撤销党内职务 (R1.10, 2026: should not sponsor).
//! Pure: no IO, no clock.
//!
//! Date convention (same as the probation year of R1.23, whose end is the anniversary of the vote,
//! see [`crate::rules::development::standing_since`]): a period of N months decided on D covers
//! D through the day before `add_months(D, N)` (C1 inclusive counting, C2 month-end clamp), and
//! the member is free of it from `add_months(D, N)` on. A 留党察看 decided on 2024-03-10 for
//! one year is served 2024-03-10 … 2025-03-09 and rights are restored on 2025-03-10 — the day
//! after the 察看期 ends. A recorded restoration date (`restored_on`) is the first day with rights
//! and wins over the computed one (earlier or later, e.g. after an extension decided by the 党组织).

use chrono::NaiveDate;

use crate::calendar::add_months;
use crate::domain::PenaltyKind;

/// 影响期 of a 警告, in months: one year (《中国共产党纪律处分条例》(2023) 第十条). Not in RULES.md.
pub const WARNING_IMPACT_MONTHS: i32 = 12;
/// 影响期 of a 严重警告, in months: one and a half years (《中国共产党纪律处分条例》(2023) 第十条). Not in RULES.md.
pub const SERIOUS_WARNING_IMPACT_MONTHS: i32 = 18;
/// 影响期 of 撤销党内职务, in months: two years (《中国共产党纪律处分条例》(2023) 第十一条). Not in RULES.md.
pub const REMOVAL_FROM_POST_IMPACT_MONTHS: i32 = 24;
/// The two lengths of a 留党察看 in months (《中国共产党纪律处分条例》(2023) 第十二条: 一年 or 二年, at most two years).
pub const PROBATION_PERIODS: [i32; 2] = [12, 24];

/// One recorded penalty, as far as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Penalty {
    /// Kind.
    pub kind: PenaltyKind,
    /// Date the penalty was decided (批准) — periods count from here.
    pub decided_on: NaiveDate,
    /// Length of a 留党察看 in months (12 or 24); `None` for the other kinds.
    pub period_months: Option<i32>,
    /// First day with rights restored (留党察看), when recorded.
    pub restored_on: Option<NaiveDate>,
}

impl Penalty {
    /// The 影响期 length of this kind in months; `None` for 留党察看 and 开除党籍.
    pub fn impact_months(&self) -> Option<i32> {
        match self.kind {
            PenaltyKind::Warning => Some(WARNING_IMPACT_MONTHS),
            PenaltyKind::SeriousWarning => Some(SERIOUS_WARNING_IMPACT_MONTHS),
            PenaltyKind::RemovalFromPost => Some(REMOVAL_FROM_POST_IMPACT_MONTHS),
            PenaltyKind::Probation | PenaltyKind::Expulsion => None,
        }
    }

    /// For a 留党察看: the first day with rights again (recorded restoration, else the end of the
    /// 察看期 plus one day). A 留党察看 without a period and without a restoration never ends.
    pub fn rights_restored_on(&self) -> Option<NaiveDate> {
        if self.kind != PenaltyKind::Probation {
            return None;
        }
        self.restored_on.or_else(|| self.period_months.map(|m| add_months(self.decided_on, m)))
    }

    /// The first day after the 影响期 (warning kinds only).
    pub fn impact_ends_on(&self) -> Option<NaiveDate> {
        self.impact_months().map(|m| add_months(self.decided_on, m))
    }
}

/// Whether some 留党察看 is in force on `on`: decided on or before `on`, rights not yet restored.
pub fn under_probation_penalty(penalties: &[Penalty], on: NaiveDate) -> bool {
    penalties.iter().any(|p| {
        p.kind == PenaltyKind::Probation && p.decided_on <= on && p.rights_restored_on().is_none_or(|r| on < r)
    })
}

/// Whether `on` lies within the 影响期 of a 警告 (1 year), 严重警告 (18 months) or 撤销党内职务 (2 years).
pub fn in_impact_period(penalties: &[Penalty], on: NaiveDate) -> bool {
    penalties.iter().any(|p| p.decided_on <= on && p.impact_ends_on().is_some_and(|end| on < end))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn p(
        kind: PenaltyKind,
        decided_on: NaiveDate,
        period_months: Option<i32>,
        restored_on: Option<NaiveDate>,
    ) -> Penalty {
        Penalty { kind, decided_on, period_months, restored_on }
    }

    #[test]
    fn probation_one_year_boundaries() {
        let x = [p(PenaltyKind::Probation, d(2024, 3, 10), Some(12), None)];
        assert!(!under_probation_penalty(&x, d(2024, 3, 9)), "day before the decision");
        assert!(under_probation_penalty(&x, d(2024, 3, 10)), "day of the decision");
        assert!(under_probation_penalty(&x, d(2025, 3, 9)), "last day of the 察看期");
        assert!(!under_probation_penalty(&x, d(2025, 3, 10)), "rights restored the day after");
        assert_eq!(x[0].rights_restored_on(), Some(d(2025, 3, 10)));
    }

    #[test]
    fn probation_two_years_and_month_end_clamp() {
        let x = [p(PenaltyKind::Probation, d(2024, 2, 29), Some(24), None)];
        assert!(under_probation_penalty(&x, d(2026, 2, 27)));
        // 2026-02-29 does not exist: C2 clamps to 02-28, the first day with rights.
        assert!(!under_probation_penalty(&x, d(2026, 2, 28)));
    }

    #[test]
    fn recorded_restoration_wins() {
        let early = [p(PenaltyKind::Probation, d(2024, 3, 10), Some(24), Some(d(2025, 3, 10)))];
        assert!(under_probation_penalty(&early, d(2025, 3, 9)));
        assert!(!under_probation_penalty(&early, d(2025, 3, 10)));
        // No period recorded and no restoration: still in force.
        let open = [p(PenaltyKind::Probation, d(2020, 1, 1), None, None)];
        assert!(under_probation_penalty(&open, d(2030, 1, 1)));
        let restored = [p(PenaltyKind::Probation, d(2020, 1, 1), None, Some(d(2021, 6, 1)))];
        assert!(!under_probation_penalty(&restored, d(2021, 6, 1)));
    }

    #[test]
    fn other_kinds_are_not_probation() {
        for k in
            [PenaltyKind::Warning, PenaltyKind::SeriousWarning, PenaltyKind::RemovalFromPost, PenaltyKind::Expulsion]
        {
            assert!(!under_probation_penalty(&[p(k, d(2024, 1, 1), None, None)], d(2024, 6, 1)), "{k:?}");
        }
        assert!(!under_probation_penalty(&[], d(2024, 6, 1)));
    }

    #[test]
    fn warning_one_year() {
        let x = [p(PenaltyKind::Warning, d(2025, 1, 15), None, None)];
        assert!(!in_impact_period(&x, d(2025, 1, 14)));
        assert!(in_impact_period(&x, d(2025, 1, 15)));
        assert!(in_impact_period(&x, d(2026, 1, 14)));
        assert!(!in_impact_period(&x, d(2026, 1, 15)));
    }

    #[test]
    fn serious_warning_eighteen_months() {
        let x = [p(PenaltyKind::SeriousWarning, d(2024, 8, 31), None, None)];
        assert!(!in_impact_period(&x, d(2024, 8, 30)));
        assert!(in_impact_period(&x, d(2024, 8, 31)));
        // 2026-02-31 clamps to 02-28: the 影响期 ends on 02-27.
        assert!(in_impact_period(&x, d(2026, 2, 27)));
        assert!(!in_impact_period(&x, d(2026, 2, 28)));
    }

    #[test]
    fn removal_from_post_two_years() {
        let x = [p(PenaltyKind::RemovalFromPost, d(2024, 5, 11), None, None)];
        assert!(!in_impact_period(&x, d(2024, 5, 10)));
        assert!(in_impact_period(&x, d(2024, 5, 11)));
        assert!(in_impact_period(&x, d(2026, 5, 10)));
        assert!(!in_impact_period(&x, d(2026, 5, 11)));
    }

    #[test]
    fn probation_and_expulsion_have_no_impact_period() {
        let x = [
            p(PenaltyKind::Probation, d(2025, 1, 1), Some(12), None),
            p(PenaltyKind::Expulsion, d(2025, 1, 1), None, None),
        ];
        assert!(!in_impact_period(&x, d(2025, 6, 1)));
        // Any one penalty in force is enough.
        let mixed =
            [p(PenaltyKind::Warning, d(2020, 1, 1), None, None), p(PenaltyKind::Warning, d(2025, 1, 1), None, None)];
        assert!(in_impact_period(&mixed, d(2025, 6, 1)));
    }
}
