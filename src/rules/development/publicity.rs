//! The 公示 of a prospective 发展对象 (R1.8, 2026§13; convention C4): the notice period on working
//! days, the suggested last day, and the block on further steps while an objection is unresolved.

use chrono::NaiveDate;

use super::checks::Ctx;
use super::{PUBLICITY_MIN_WORKDAYS, RuleSet, SUBJECT_CASE, source};
use crate::calendar::fmt_date;
use crate::rules::{Finding, Severity};
use crate::workdays::WorkCalendar;

/// An objection raised against a 公示 and not yet resolved (R1.8: 公示结果不影响发展入党).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenObjection {
    /// Objection id.
    pub id: i64,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// What was reported (shortened in findings).
    pub content: String,
}

/// The case a 公示 period is judged for, with the higher committee's consent date when recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodSubject<'a> {
    /// Case id (subject of the findings).
    pub case_id: i64,
    /// The person's name.
    pub name: &'a str,
    /// Date of step `candidate_filing` (consent under the 2026 rules), if recorded.
    pub consent: Option<NaiveDate>,
}

/// The first working day on or after `d` (a notice starts on a working day, C4).
pub fn first_workday_from(cal: &WorkCalendar, d: NaiveDate) -> NaiveDate {
    cal.add_workdays(d, 1)
}

/// The suggested last day of a 公示 starting on `start`: start + 5 working days − 1, i.e. the fifth
/// working day counting `start` itself (from the next working day when `start` is a day off).
pub fn suggested_end(cal: &WorkCalendar, start: NaiveDate) -> NaiveDate {
    cal.add_workdays(start, PUBLICITY_MIN_WORKDAYS)
}

/// Checks a 公示 period before it is saved: the order of the dates, start and end on working days,
/// (2026, by the start date) at least five working days, and (when recorded) not before the higher
/// committee's consent. Each finding names its field (`start_on` or `end_on`).
pub fn check_period(s: &PeriodSubject<'_>, start: NaiveDate, end: NaiveDate, cal: &WorkCalendar) -> Vec<Finding> {
    let rules = RuleSet::for_date(start);
    let src = || source(13, start);
    let who = format!("「{}」", s.name);
    let finding = |severity: Severity, message: String, field: &str| {
        Finding::new("R1.8", severity, src(), SUBJECT_CASE, s.case_id, s.name, message)
            .fact("field", "字段", field)
            .fact("publicity_start", "公示开始日期", fmt_date(start))
            .fact("publicity_end", "公示结束日期", fmt_date(end))
    };
    let mut out = Vec::new();
    if end < start {
        out.push(
            Finding::new(
                "DATA",
                Severity::Block,
                "数据校验",
                SUBJECT_CASE,
                s.case_id,
                s.name,
                format!("{who}的公示结束日期 {} 早于开始日期 {}", fmt_date(end), fmt_date(start)),
            )
            .fact("field", "字段", "end_on")
            .fact("actual", "公示结束日期", fmt_date(end))
            .fact("required", "不早于", fmt_date(start)),
        );
        return out;
    }
    for (day, field, what) in [(start, "start_on", "开始"), (end, "end_on", "结束")] {
        if !cal.is_workday(day) {
            let next = first_workday_from(cal, day);
            out.push(
                finding(
                    Severity::Block,
                    format!(
                        "{who}的公示{what}日期 {} 不是工作日（周末或法定节假日），公示起止日应为工作日（可改为 {}）",
                        fmt_date(day),
                        fmt_date(next)
                    ),
                    field,
                )
                .fact("actual", format!("公示{what}日期"), fmt_date(day))
                .fact("required", "下一个工作日", fmt_date(next)),
            );
        }
    }
    if rules == RuleSet::V2026 {
        let workdays = cal.workdays_between(start, end);
        if workdays < PUBLICITY_MIN_WORKDAYS {
            let until = suggested_end(cal, start);
            out.push(
                finding(
                    Severity::Block,
                    format!(
                        "{who}的公示期 {} 至 {} 只有 {workdays} 个工作日，公示期不少于五个工作日（从 {} 起应至少公示到 {}）",
                        fmt_date(start),
                        fmt_date(end),
                        fmt_date(start),
                        fmt_date(until)
                    ),
                    "end_on",
                )
                .fact("actual", "公示工作日", workdays)
                .fact("required", "最少工作日", PUBLICITY_MIN_WORKDAYS)
                .fact("gap", "相差工作日", PUBLICITY_MIN_WORKDAYS - workdays)
                .fact("suggested_end", "建议结束日期", fmt_date(until)),
            );
        }
        if let Some(consent) = s.consent
            && start < consent
        {
            out.push(
                finding(
                    Severity::Block,
                    format!(
                        "{who}的公示开始于 {}，早于上级党委同意的日期 {}；应在上级党委同意后公示",
                        fmt_date(start),
                        fmt_date(consent)
                    ),
                    "start_on",
                )
                .fact("actual", "公示开始日期", fmt_date(start))
                .fact("required", "上级党委同意日期", fmt_date(consent)),
            );
        }
    }
    out
}

/// Whether a 公示 from `start` to `end` is upcoming, running or over on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    /// Starts after today.
    Upcoming,
    /// Today lies within the period.
    Running,
    /// Ended before today.
    Ended,
}

impl NoticeStatus {
    /// The status on `today`.
    pub fn on(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> NoticeStatus {
        if today < start {
            NoticeStatus::Upcoming
        } else if today <= end {
            NoticeStatus::Running
        } else {
            NoticeStatus::Ended
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            NoticeStatus::Upcoming => "未开始",
            NoticeStatus::Running => "公示中",
            NoticeStatus::Ended => "已结束",
        }
    }
}

/// Shortens an objection's text for a message.
fn excerpt(s: &str) -> String {
    let t: String = s.chars().take(30).collect();
    if s.chars().count() > 30 { format!("{t}…") } else { t }
}

impl Ctx<'_> {
    /// R1.8: while an objection raised against the 公示 is unresolved, no step dated on or after the
    /// 公示's start (and on or after the objection was received) may be recorded.
    pub(super) fn open_objections(&self, out: &mut Vec<Finding>) {
        if let Some(p) = self.f.publicity
            && self.on < p.start
        {
            return;
        }
        let open: Vec<_> = self.f.open_objections.iter().filter(|o| o.received_on <= self.on).collect();
        if open.is_empty() {
            return;
        }
        let list = open
            .iter()
            .map(|o| format!("{} 收到「{}」", fmt_date(o.received_on), excerpt(&o.content)))
            .collect::<Vec<_>>()
            .join("；");
        let message = format!(
            "{}的公示期间反映的问题尚未查清了结（{} 件：{list}），了结前不能登记「{}」等后续步骤",
            self.who(),
            open.len(),
            self.step.label_in(self.rules)
        );
        let mut f = self
            .finding("R1.8", Severity::Block, source(13, self.on), message)
            .fact("field", "字段", "objections")
            .fact("step", "步骤", self.step.as_str())
            .fact("actual", "未了结的反映问题", open.len())
            .fact("required", "要求", "公示反映的问题查清了结、公示结果不影响发展入党");
        if let Some(p) = self.f.publicity {
            f = f.fact("publicity_start", "公示开始日期", fmt_date(p.start)).fact(
                "publicity_end",
                "公示结束日期",
                fmt_date(p.end),
            );
        }
        for o in open {
            f = f.fact("objection_id", "反映问题编号", o.id).fact(
                "objection",
                format!("反映问题（{}）", fmt_date(o.received_on)),
                excerpt(&o.content),
            );
        }
        out.push(f);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::domain::OrgKind;
    use crate::rules::development::{CaseFacts, DevelopmentSettings, Publicity, Step, check_step};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::china_default()
    }

    fn subject(consent: Option<NaiveDate>) -> PeriodSubject<'static> {
        PeriodSubject { case_id: 7, name: "张三", consent }
    }

    fn rules(v: &[Finding]) -> Vec<(&str, &str)> {
        v.iter().map(|f| (f.rule.as_str(), f.fact_value("field").unwrap_or(""))).collect()
    }

    #[test]
    fn suggested_end_is_the_fifth_working_day() {
        // Mon 2026-06-01 .. Fri 06-05.
        assert_eq!(suggested_end(&cal(), date(2026, 6, 1)), date(2026, 6, 5));
        // Tue 06-02 → Mon 06-08 (weekend skipped).
        assert_eq!(suggested_end(&cal(), date(2026, 6, 2)), date(2026, 6, 8));
        // 端午 06-19 (Fri) off: Wed 06-17 → 06-17, 18, 22, 23, 24.
        assert_eq!(suggested_end(&cal(), date(2026, 6, 17)), date(2026, 6, 24));
        // Across 国庆: 09-30, (10-01..07 off), 10-08, 10-09, 10-10 (调休 Saturday), 10-12.
        assert_eq!(suggested_end(&cal(), date(2026, 9, 30)), date(2026, 10, 12));
        // A start on a day off counts from the next working day.
        assert_eq!(suggested_end(&cal(), date(2026, 10, 3)), date(2026, 10, 13));
        assert_eq!(first_workday_from(&cal(), date(2026, 10, 3)), date(2026, 10, 8));
        assert_eq!(first_workday_from(&cal(), date(2026, 10, 9)), date(2026, 10, 9));
        // The suggestion always passes the check.
        for d in [date(2026, 6, 1), date(2026, 9, 30), date(2026, 10, 8), date(2026, 12, 31)] {
            let s = first_workday_from(&cal(), d);
            assert!(check_period(&subject(None), s, suggested_end(&cal(), s), &cal()).is_empty(), "{d}");
        }
    }

    #[test]
    fn five_working_days_day_before_of_after() {
        let s = date(2026, 6, 2);
        // 06-05 (4 days) blocks, 06-08 (5) passes, 06-09 (6) passes.
        let v = check_period(&subject(None), s, date(2026, 6, 5), &cal());
        assert_eq!(rules(&v), vec![("R1.8", "end_on")]);
        assert_eq!(v[0].fact_value("actual"), Some("4"));
        assert_eq!(v[0].fact_value("gap"), Some("1"));
        assert_eq!(v[0].fact_value("suggested_end"), Some("2026-06-08"));
        assert_eq!(v[0].source, "《中国共产党发展党员工作细则》(2026) 第十三条");
        assert!(check_period(&subject(None), s, date(2026, 6, 8), &cal()).is_empty());
        assert!(check_period(&subject(None), s, date(2026, 6, 9), &cal()).is_empty());
    }

    #[test]
    fn period_across_national_day() {
        let s = date(2026, 9, 30);
        // 10-09 = 09-30, 10-08, 10-09: three working days.
        let v = check_period(&subject(None), s, date(2026, 10, 9), &cal());
        assert_eq!(v[0].fact_value("actual"), Some("3"));
        // 10-10 is the 调休 Saturday: a working day, the fourth.
        let v = check_period(&subject(None), s, date(2026, 10, 10), &cal());
        assert_eq!(rules(&v), vec![("R1.8", "end_on")]);
        assert_eq!(v[0].fact_value("actual"), Some("4"));
        assert!(v[0].message_zh.contains("应至少公示到 2026-10-12"), "{}", v[0].message_zh);
        assert!(check_period(&subject(None), s, date(2026, 10, 12), &cal()).is_empty());
        // A holiday as the last day is refused even when long enough.
        let v = check_period(&subject(None), date(2026, 9, 21), date(2026, 10, 5), &cal());
        assert_eq!(rules(&v), vec![("R1.8", "end_on")]);
        assert_eq!(v[0].fact_value("required"), Some("2026-10-08"));
        // Starting on the holiday itself.
        let v = check_period(&subject(None), date(2026, 10, 1), date(2026, 10, 14), &cal());
        assert_eq!(rules(&v), vec![("R1.8", "start_on")]);
    }

    #[test]
    fn rule_set_by_start_date() {
        // 2014 rules (before 2026-05-11): no national minimum; working days still required.
        assert!(check_period(&subject(None), date(2026, 5, 8), date(2026, 5, 8), &cal()).is_empty());
        let v = check_period(&subject(None), date(2026, 5, 11), date(2026, 5, 11), &cal());
        assert_eq!(rules(&v), vec![("R1.8", "end_on")]);
        let v = check_period(&subject(None), date(2026, 5, 9), date(2026, 5, 9), &cal());
        // 2026-05-09 is the 调休 Saturday of 劳动节: a working day, under the 2014 rules.
        assert!(v.is_empty(), "{v:?}");
        let v = check_period(&subject(None), date(2026, 5, 10), date(2026, 5, 10), &cal());
        assert_eq!(rules(&v), vec![("R1.8", "start_on"), ("R1.8", "end_on")]);
    }

    #[test]
    fn dates_out_of_order_and_before_consent() {
        let v = check_period(&subject(None), date(2026, 6, 8), date(2026, 6, 2), &cal());
        assert_eq!(rules(&v), vec![("DATA", "end_on")]);
        let c = Some(date(2026, 6, 2));
        let v = check_period(&subject(c), date(2026, 6, 1), date(2026, 6, 8), &cal());
        assert_eq!(rules(&v), vec![("R1.8", "start_on")]);
        assert!(check_period(&subject(c), date(2026, 6, 2), date(2026, 6, 8), &cal()).is_empty());
        assert!(check_period(&subject(c), date(2026, 6, 3), date(2026, 6, 9), &cal()).is_empty());
    }

    #[test]
    fn notice_status_boundaries() {
        let (s, e) = (date(2026, 6, 2), date(2026, 6, 8));
        assert_eq!(NoticeStatus::on(s, e, date(2026, 6, 1)), NoticeStatus::Upcoming);
        assert_eq!(NoticeStatus::on(s, e, s), NoticeStatus::Running);
        assert_eq!(NoticeStatus::on(s, e, e), NoticeStatus::Running);
        assert_eq!(NoticeStatus::on(s, e, date(2026, 6, 9)), NoticeStatus::Ended);
    }

    /// A 2026 case with consent on 06-01 and a 公示 06-02..06-08.
    fn case() -> CaseFacts {
        let mut f = CaseFacts::new(3, "李四", date(2000, 1, 1), OrgKind::Branch);
        f.steps.insert(Step::Application, date(2024, 3, 1));
        f.steps.insert(Step::Talk, date(2024, 3, 10));
        f.steps.insert(Step::ActivistRecommendation, date(2025, 3, 1));
        f.steps.insert(Step::ActivistFiling, date(2025, 3, 5));
        f.steps.insert(Step::MentorAssignment, date(2025, 3, 5));
        f.steps.insert(Step::ActivistEducation, date(2025, 9, 1));
        f.activist_assessments = vec![date(2025, 9, 1), date(2026, 3, 1)];
        f.steps.insert(Step::CandidateFiling, date(2026, 6, 1));
        f.publicity = Some(Publicity { start: date(2026, 6, 2), end: date(2026, 6, 8), objections_open: false });
        f
    }

    fn check(f: &CaseFacts, step: Step, on: NaiveDate) -> Vec<Finding> {
        check_step(f, step, on, date(2026, 11, 28), &DevelopmentSettings::default(), &cal())
    }

    fn objection(id: i64, received_on: NaiveDate) -> OpenObjection {
        OpenObjection {
            id, received_on, content: "反映该同志在宿舍管理中有违纪行为，请组织核实".to_string()
        }
    }

    #[test]
    fn open_objection_blocks_the_next_step() {
        let mut f = case();
        assert!(check(&f, Step::CandidateDetermination, date(2026, 6, 9)).is_empty());
        f.open_objections = vec![objection(41, date(2026, 6, 4)), objection(42, date(2026, 6, 5))];
        f.publicity = f.publicity.map(|p| Publicity { objections_open: true, ..p });
        let v = check(&f, Step::CandidateDetermination, date(2026, 6, 9));
        // One detailed finding (the generic 公示 check does not repeat it).
        assert_eq!(v.len(), 1, "{v:?}");
        let x = &v[0];
        assert_eq!((x.rule.as_str(), x.severity), ("R1.8", Severity::Block));
        assert_eq!(x.source, "《中国共产党发展党员工作细则》(2026) 第十三条");
        assert_eq!(x.fact_value("field"), Some("objections"));
        assert_eq!(x.fact_value("actual"), Some("2"));
        assert_eq!(x.fact_value("objection_id"), Some("41"));
        assert!(x.facts.iter().any(|k| k.key == "objection_id" && k.value == "42"));
        assert!(x.message_zh.contains("2026-06-04 收到"), "{}", x.message_zh);
        // Any later step is blocked too, not only the listing.
        f.steps.insert(Step::CandidateDetermination, date(2026, 6, 9));
        let v = check(&f, Step::SponsorAssignment, date(2026, 6, 20));
        assert!(v.iter().any(|x| x.rule == "R1.8" && x.fact_value("field") == Some("objections")), "{v:?}");
    }

    #[test]
    fn objection_block_boundaries() {
        let mut f = case();
        f.open_objections = vec![objection(5, date(2026, 6, 4))];
        let blocked = |f: &CaseFacts, on| {
            check(f, Step::ActivistEducation, on).iter().any(|x| x.fact_value("field") == Some("objections"))
        };
        // Before the objection was received (day before / of / after).
        assert!(!blocked(&f, date(2026, 6, 3)));
        assert!(blocked(&f, date(2026, 6, 4)));
        assert!(blocked(&f, date(2026, 6, 5)));
        // An objection received before the 公示 started does not block steps before the start.
        f.open_objections = vec![objection(6, date(2026, 5, 20))];
        assert!(!blocked(&f, date(2026, 6, 1)));
        assert!(blocked(&f, date(2026, 6, 2)));
        // Resolved (no longer open): nothing.
        f.open_objections.clear();
        assert!(!blocked(&f, date(2026, 6, 5)));
    }

    #[test]
    fn legacy_flag_without_rows_keeps_the_generic_block() {
        let mut f = case();
        f.publicity = f.publicity.map(|p| Publicity { objections_open: true, ..p });
        let v = check(&f, Step::CandidateDetermination, date(2026, 6, 9));
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].fact_value("field"), Some("publicity"));
        assert_eq!(v[0].fact_value("actual"), Some("未了结"));
    }
}
