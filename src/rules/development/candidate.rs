//! Checks on listing a 发展对象: R1.8 with R1.9 (one year, continuity), R1.7 (assessments), the 2026 公示.

use chrono::NaiveDate;

use super::DevelopmentSettings;
use super::checks::Ctx;
use super::{
    ASSESSMENT_MONTHS, ActivistPeriod, CaseFacts, PUBLICITY_MIN_WORKDAYS, Publicity, PublicityLocation, Step, source,
};
use crate::calendar::{days_between, fmt_date};
use crate::rules::{Finding, Severity};

impl Ctx<'_> {
    /// R1.8 (with R1.9): at least `activist_min_months` of activist training, interruptions between stretches excluded.
    pub(super) fn activist_year(&self, out: &mut Vec<Finding>) {
        let periods = sorted_periods(self.f);
        let Some((since, earliest, interrupted)) = activist_earliest(&periods, self.s.activist_min_months, self.s)
        else {
            return;
        };
        if self.on < earliest {
            let months = self.s.activist_min_months;
            let interruption =
                if interrupted > 0 { format!("（转接中断 {interrupted} 天不计入）") } else { String::new() };
            let message = format!(
                "{}自 {} 起为入党积极分子，至 {} 培养教育和考察不满 {months} 个月{interruption}，最早可于 {} 起列为发展对象",
                self.who(),
                fmt_date(since),
                fmt_date(self.on),
                fmt_date(earliest)
            );
            out.push(
                self.dated("R1.8", Severity::Block, source(13, self.on), message, earliest)
                    .fact("activist_since", "确定为入党积极分子日期", fmt_date(since))
                    .fact("interruption_days", "中断天数", interrupted),
            );
        }
    }

    /// R1.7: an assessment at least every six months from the activist start to the event.
    pub(super) fn assessments(&self, out: &mut Vec<Finding>) {
        let Some(first) = sorted_periods(self.f).first().map(|p| p.start) else { return };
        let mut dates: Vec<NaiveDate> =
            self.f.activist_assessments.iter().copied().filter(|d| *d >= first && *d <= self.on).collect();
        dates.sort_unstable();
        let mut prev = first;
        let mut missed: Option<(NaiveDate, NaiveDate)> = None;
        let mut count = 0;
        for next in dates.iter().copied().chain(std::iter::once(self.on)) {
            let due = self.s.period_max(prev, ASSESSMENT_MONTHS);
            if next > due {
                missed.get_or_insert((prev, due));
                // Every half-year boundary after `prev` that passed before `next` lacked an assessment.
                let mut k = 1;
                while k <= 400 && self.s.period_max(prev, ASSESSMENT_MONTHS * k) < next {
                    count += 1;
                    k += 1;
                }
            }
            prev = next;
        }
        if let Some((from, due)) = missed {
            let message = format!(
                "{}自 {} 起 {ASSESSMENT_MONTHS} 个月内（至 {}）没有党支部考察记录，共 {count} 个半年缺少考察；党支部应每半年对入党积极分子进行一次考察",
                self.who(),
                fmt_date(from),
                fmt_date(due)
            );
            out.push(
                self.finding("R1.7", Severity::Warn, source(11, self.on), message)
                    .fact("field", "字段", "activist_assessments")
                    .fact("actual", "上次考察或起算日期", fmt_date(from))
                    .fact("required", "下次考察最晚日期", fmt_date(due))
                    .fact("gap", "缺少考察的半年数", count),
            );
        }
    }

    /// R1.8 (2026): consent, a 公示 of at least five working days finished before listing, no open objections.
    pub(super) fn publicity(&self, out: &mut Vec<Finding>) {
        let src = || source(13, self.on);
        let block = |message: String| {
            self.finding("R1.8", Severity::Block, src(), format!("{}{message}", self.who())).fact(
                "field",
                "字段",
                "publicity",
            )
        };
        if self.f.mobile {
            // A 流动人员: both places, each notice checked on its own.
            for loc in PublicityLocation::ALL {
                match self.f.located_publicity.iter().find(|(l, _)| l == loc) {
                    Some((_, p)) => self.notice(*p, out),
                    None => out.push(
                        block(format!(
                            "为流动人员，尚未在{}公示；流动人员应在流出地和流入地同时公示，各不少于五个工作日",
                            loc.label()
                        ))
                        .fact("actual", "公示", format!("{}未公示", loc.label()))
                        .fact("required", "要求", "流出地、流入地均公示")
                        .fact("missing_location", "缺少的公示地", loc.as_str()),
                    ),
                }
            }
            return;
        }
        let Some(p) = self.f.publicity else {
            out.push(
                block("未登记公示；拟列为发展对象的，经上级党委同意后应公示不少于五个工作日".to_string())
                    .fact("actual", "公示", "未登记")
                    .fact("required", "公示工作日", PUBLICITY_MIN_WORKDAYS),
            );
            return;
        };
        self.notice(p, out);
    }

    /// R1.8 (2026): one notice — after the consent, at least five working days, listing after it ended.
    fn notice(&self, p: Publicity, out: &mut Vec<Finding>) {
        let src = || source(13, self.on);
        let block = |message: String| {
            self.finding("R1.8", Severity::Block, src(), format!("{}{message}", self.who())).fact(
                "field",
                "字段",
                "publicity",
            )
        };
        let dates = |f: Finding| {
            f.fact("publicity_start", "公示开始日期", fmt_date(p.start)).fact(
                "publicity_end",
                "公示结束日期",
                fmt_date(p.end),
            )
        };
        if let Some(consent) = self.f.date(Step::CandidateFiling)
            && p.start < consent
        {
            let message = format!(
                "的公示开始于 {}，早于上级党委同意的日期 {}；应在上级党委同意后公示",
                fmt_date(p.start),
                fmt_date(consent)
            );
            out.push(
                dates(block(message))
                    .fact("actual", "公示开始日期", fmt_date(p.start))
                    .fact("required", "上级党委同意日期", fmt_date(consent))
                    .fact("gap", "相差天数", days_between(p.start, consent)),
            );
        }
        let workdays = self.cal.workdays_between(p.start, p.end);
        if workdays < PUBLICITY_MIN_WORKDAYS {
            let message = format!(
                "的公示期 {} 至 {} 只有 {workdays} 个工作日，公示期不少于五个工作日（从 {} 起应至少公示到 {}）",
                fmt_date(p.start),
                fmt_date(p.end),
                fmt_date(p.start),
                fmt_date(self.cal.add_workdays(p.start, PUBLICITY_MIN_WORKDAYS))
            );
            out.push(
                dates(block(message))
                    .fact("actual", "公示工作日", workdays)
                    .fact("required", "最少工作日", PUBLICITY_MIN_WORKDAYS)
                    .fact("gap", "相差工作日", PUBLICITY_MIN_WORKDAYS - workdays),
            );
        }
        let earliest = if self.s.publicity_listing_after_last_day { p.end.succ_opt().unwrap_or(p.end) } else { p.end };
        if self.on < earliest {
            let message = format!(
                "列为发展对象的日期 {} 早于公示结束后的 {}（公示期 {} 至 {}），公示结果不影响发展入党的方可列为发展对象",
                fmt_date(self.on),
                fmt_date(earliest),
                fmt_date(p.start),
                fmt_date(p.end)
            );
            out.push(dates(self.dated("R1.8", Severity::Block, src(), format!("{}{message}", self.who()), earliest)));
        }
        // Recorded objections are named by the `open_objections` check; the flag alone is old data.
        if p.objections_open && self.f.open_objections.is_empty() {
            out.push(
                dates(block("公示期间反映的问题尚未查清了结，不能列为发展对象".to_string()))
                    .fact("actual", "公示反映问题", "未了结")
                    .fact("required", "要求", "公示结果不影响发展入党"),
            );
        }
    }
}

/// The activist stretches of a case, sorted by start; none recorded = one open stretch from step 3.
pub(super) fn sorted_periods(f: &CaseFacts) -> Vec<ActivistPeriod> {
    let mut periods = f.activist_periods.clone();
    if periods.is_empty()
        && let Some(start) = f.date(Step::ActivistRecommendation)
    {
        periods.push(ActivistPeriod { start, end: None });
    }
    periods.sort_by_key(|p| p.start);
    periods
}

/// R1.8 with R1.9: (first start, earliest listing date, interruption days) for sorted activist stretches.
///
/// The earliest date is `add_months(first start, months)` (C1, C2) pushed back by the days between
/// one stretch's end and the next stretch's start (a stretch ending the day before the next begins
/// leaves no gap), unless `transit_days_count` says those days count too (R1.9, then no interruption).
/// An open stretch before another is treated as ending when the next begins.
pub(super) fn activist_earliest(
    periods: &[ActivistPeriod],
    months: i32,
    s: &DevelopmentSettings,
) -> Option<(NaiveDate, NaiveDate, i64)> {
    let first = periods.first()?.start;
    let interrupted: i64 = if s.transit_days_count {
        0
    } else {
        periods
            .windows(2)
            .map(|w| match w {
                [a, b] => a.end.map_or(0, |end| (days_between(end, b.start) - 1).max(0)),
                _ => 0,
            })
            .sum()
    };
    let earliest = s
        .period_min(first, months)
        .checked_add_days(chrono::Days::new(u64::try_from(interrupted).unwrap_or(0)))
        .unwrap_or(NaiveDate::MAX);
    Some((first, earliest, interrupted))
}
