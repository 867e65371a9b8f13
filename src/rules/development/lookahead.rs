//! Look ahead (issue 8 part 7): a planned step judged on its date, past or future, without
//! recording it. The checks are the recording checks ([`super::check_step`]); this module adds
//! what only a plan needs to be told: that recording it today would be refused because the date
//! lies ahead, and that a deadline falls in a year whose holiday arrangement is not entered.

use chrono::NaiveDate;

use super::{CaseFacts, Due, RuleSet, SUBJECT_CASE, Step};
use crate::calendar::{days_between, fmt_date};
use crate::rules::{Finding, Severity};
use crate::workdays::WorkCalendar;

/// Rule id of the data checks (no event after today).
const RULE_DATA: &str = "DATA";
/// Rule id of the working-day calendar convention (RULES §8 C4).
const RULE_CALENDAR: &str = "C4";

/// The day a planned step is judged on: its own date when it lies ahead (so recording it on that
/// day is what is judged), else today.
pub fn judging_day(planned: NaiveDate, today: NaiveDate) -> NaiveDate {
    planned.max(today)
}

/// Info: recording `step` on `planned` would be refused today (DATA: no event after today); the
/// check judged it as of `planned`. `None` when `planned` is not after `today`.
pub fn planned_in_future(facts: &CaseFacts, step: Step, planned: NaiveDate, today: NaiveDate) -> Option<Finding> {
    if planned <= today {
        return None;
    }
    let label = step.label_in(RuleSet::for_date(planned));
    let message = format!(
        "「{}」「{label}」计划于 {}，晚于今天 {}：以上按 {} 当天登记检查；现在登记会被拒绝（不能登记尚未发生的步骤），请在当天或之后登记",
        facts.name,
        fmt_date(planned),
        fmt_date(today),
        fmt_date(planned)
    );
    Some(
        Finding::new(RULE_DATA, Severity::Info, "数据校验", SUBJECT_CASE, facts.case_id, facts.name.as_str(), message)
            .fact("field", "字段", "event_date")
            .fact("step", "步骤", step.as_str())
            .fact("actual", format!("{label}日期"), fmt_date(planned))
            .fact("today", "今天", fmt_date(today))
            .fact("gap", "相差天数", days_between(today, planned)),
    )
}

/// Info: the planned date or a deadline of what is due next falls in a year whose holiday
/// arrangement is not entered, so working days there are counted as Monday–Friday (C4).
pub fn calendar_coverage(
    facts: &CaseFacts,
    step: Step,
    planned: NaiveDate,
    next: &[Due],
    cal: &WorkCalendar,
) -> Option<Finding> {
    let dates: Vec<NaiveDate> =
        std::iter::once(planned).chain(next.iter().flat_map(|d| d.earliest.into_iter().chain(d.latest))).collect();
    let years = cal.uncovered_years(dates);
    let note = crate::workdays::uncovered_note(&years)?;
    let message = format!("「{}」{note}：期限中的工作日仅扣除周末，请在工作日历中补充当年的放假安排", facts.name);
    let list = years.iter().map(i32::to_string).collect::<Vec<_>>().join("、");
    Some(
        Finding::new(
            RULE_CALENDAR,
            Severity::Info,
            "规则约定 C4（工作日按国务院办公厅放假安排计算）",
            SUBJECT_CASE,
            facts.case_id,
            facts.name.as_str(),
            message,
        )
        .fact("field", "字段", "event_date")
        .fact("step", "步骤", step.as_str())
        .fact("uncovered_years", "未录入节假日安排的年份", list),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::domain::OrgKind;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn facts() -> CaseFacts {
        CaseFacts::new(7, "张三", date(2000, 1, 1), OrgKind::Branch)
    }

    fn due(latest: NaiveDate) -> Due {
        Due {
            step: Step::Talk,
            earliest: None,
            latest: Some(latest),
            overdue: false,
            rule: "R1.4".into(),
            note_zh: String::new(),
        }
    }

    #[test]
    fn judging_day_is_the_later_of_plan_and_today() {
        let today = date(2026, 12, 2);
        assert_eq!(judging_day(date(2026, 12, 1), today), today);
        assert_eq!(judging_day(today, today), today);
        assert_eq!(judging_day(date(2026, 12, 3), today), date(2026, 12, 3));
    }

    #[test]
    fn future_plan_is_info_from_the_day_after_today() {
        let (f, today) = (facts(), date(2026, 12, 2));
        assert!(planned_in_future(&f, Step::Talk, date(2026, 12, 1), today).is_none());
        assert!(planned_in_future(&f, Step::Talk, today, today).is_none());
        let x = planned_in_future(&f, Step::Talk, date(2026, 12, 3), today).unwrap();
        assert_eq!((x.rule.as_str(), x.severity), ("DATA", Severity::Info));
        assert!(x.message_zh.contains("2026-12-03") && x.message_zh.contains("2026-12-02"), "{}", x.message_zh);
        assert_eq!(x.fact_value("gap"), Some("1"));
        assert_eq!(x.subject_id, 7);
    }

    #[test]
    fn coverage_names_the_uncovered_years() {
        let (f, cal) = (facts(), WorkCalendar::china_default());
        assert!(calendar_coverage(&f, Step::Talk, date(2026, 12, 31), &[due(date(2026, 12, 31))], &cal).is_none());
        let x = calendar_coverage(&f, Step::Talk, date(2026, 12, 31), &[due(date(2027, 1, 1))], &cal).unwrap();
        assert_eq!((x.rule.as_str(), x.severity), ("C4", Severity::Info));
        assert!(x.message_zh.contains("2027 年节假日安排尚未录入，按周末计算"), "{}", x.message_zh);
        let x = calendar_coverage(&f, Step::Talk, date(2027, 3, 10), &[due(date(2028, 1, 1))], &cal).unwrap();
        assert_eq!(x.fact_value("uncovered_years"), Some("2027、2028"));
    }
}
