//! Working days in mainland China: weekends, State Council public holidays (放假) and make-up
//! working days (调休上班), for deadlines counted in working days (RULES.md C4, e.g. the 公示 of R1.8).
//!
//! [`WorkCalendar::china_default`] is seeded from the yearly 《国务院办公厅关于X年部分节假日安排的通知》.
//! Admins correct or extend it in the app (table `workday_override`); the service applies their
//! corrections with [`WorkCalendar::with_corrections`].

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::domain::enums::str_enum;

/// A date in the tables below: (year, month, day).
type Ymd = (i32, u32, u32);

/// State Council 放假 periods, first and last day inclusive (weekend days inside a period are listed too),
/// with the holiday's name.
///
/// Sources: 2014–2018 the notices quoted verbatim by the `chinese-calendar` project; 2019–2020 the
/// `holiday-cn` data with the notice URLs; 2023–2026 quotations of the notices (the 2026 arrangement is
/// 国务院办公厅 2025-11 notice). 2021 and 2022 are from memory of the notices and were not re-checked
/// against a copy: admins should verify those two years. 2020's Spring Festival includes the extension
/// to 02-02 (notice of 2020-01-27), which also cancelled the 02-01 make-up day.
const HOLIDAY_RANGES: &[(Ymd, Ymd, &str)] = &[
    // 2014
    ((2014, 1, 1), (2014, 1, 1), "元旦"),
    ((2014, 1, 31), (2014, 2, 6), "春节"),
    ((2014, 4, 5), (2014, 4, 7), "清明"),
    ((2014, 5, 1), (2014, 5, 3), "劳动节"),
    ((2014, 5, 31), (2014, 6, 2), "端午"),
    ((2014, 9, 6), (2014, 9, 8), "中秋"),
    ((2014, 10, 1), (2014, 10, 7), "国庆"),
    // 2015
    ((2015, 1, 1), (2015, 1, 3), "元旦"),
    ((2015, 2, 18), (2015, 2, 24), "春节"),
    ((2015, 4, 4), (2015, 4, 6), "清明"),
    ((2015, 5, 1), (2015, 5, 3), "劳动节"),
    ((2015, 6, 20), (2015, 6, 22), "端午"),
    ((2015, 9, 3), (2015, 9, 5), "抗战胜利70周年纪念日"), // special notice of 2015
    ((2015, 9, 27), (2015, 9, 27), "中秋"),
    ((2015, 10, 1), (2015, 10, 7), "国庆"),
    // 2016
    ((2016, 1, 1), (2016, 1, 3), "元旦"),
    ((2016, 2, 7), (2016, 2, 13), "春节"),
    ((2016, 4, 2), (2016, 4, 4), "清明"),
    ((2016, 4, 30), (2016, 5, 2), "劳动节"),
    ((2016, 6, 9), (2016, 6, 11), "端午"),
    ((2016, 9, 15), (2016, 9, 17), "中秋"),
    ((2016, 10, 1), (2016, 10, 7), "国庆"),
    // 2017
    ((2016, 12, 31), (2017, 1, 2), "元旦"),
    ((2017, 1, 27), (2017, 2, 2), "春节"),
    ((2017, 4, 2), (2017, 4, 4), "清明"),
    ((2017, 4, 29), (2017, 5, 1), "劳动节"),
    ((2017, 5, 28), (2017, 5, 30), "端午"),
    ((2017, 10, 1), (2017, 10, 8), "国庆、中秋"),
    // 2018
    ((2017, 12, 30), (2018, 1, 1), "元旦"),
    ((2018, 2, 15), (2018, 2, 21), "春节"),
    ((2018, 4, 5), (2018, 4, 7), "清明"),
    ((2018, 4, 29), (2018, 5, 1), "劳动节"),
    ((2018, 6, 16), (2018, 6, 18), "端午"),
    ((2018, 9, 22), (2018, 9, 24), "中秋"),
    ((2018, 10, 1), (2018, 10, 7), "国庆"),
    // 2019
    ((2018, 12, 30), (2019, 1, 1), "元旦"),
    ((2019, 2, 4), (2019, 2, 10), "春节"),
    ((2019, 4, 5), (2019, 4, 7), "清明"),
    ((2019, 5, 1), (2019, 5, 4), "劳动节"), // revised notice of 2019-03-22
    ((2019, 6, 7), (2019, 6, 9), "端午"),
    ((2019, 9, 13), (2019, 9, 15), "中秋"),
    ((2019, 10, 1), (2019, 10, 7), "国庆"),
    // 2020
    ((2020, 1, 1), (2020, 1, 1), "元旦"),
    ((2020, 1, 24), (2020, 2, 2), "春节"), // extended
    ((2020, 4, 4), (2020, 4, 6), "清明"),
    ((2020, 5, 1), (2020, 5, 5), "劳动节"),
    ((2020, 6, 25), (2020, 6, 27), "端午"),
    ((2020, 10, 1), (2020, 10, 8), "国庆、中秋"),
    // 2021 (verify)
    ((2021, 1, 1), (2021, 1, 3), "元旦"),
    ((2021, 2, 11), (2021, 2, 17), "春节"),
    ((2021, 4, 3), (2021, 4, 5), "清明"),
    ((2021, 5, 1), (2021, 5, 5), "劳动节"),
    ((2021, 6, 12), (2021, 6, 14), "端午"),
    ((2021, 9, 19), (2021, 9, 21), "中秋"),
    ((2021, 10, 1), (2021, 10, 7), "国庆"),
    // 2022 (verify)
    ((2022, 1, 1), (2022, 1, 3), "元旦"),
    ((2022, 1, 31), (2022, 2, 6), "春节"),
    ((2022, 4, 3), (2022, 4, 5), "清明"),
    ((2022, 4, 30), (2022, 5, 4), "劳动节"),
    ((2022, 6, 3), (2022, 6, 5), "端午"),
    ((2022, 9, 10), (2022, 9, 12), "中秋"),
    ((2022, 10, 1), (2022, 10, 7), "国庆"),
    // 2023
    ((2022, 12, 31), (2023, 1, 2), "元旦"),
    ((2023, 1, 21), (2023, 1, 27), "春节"),
    ((2023, 4, 5), (2023, 4, 5), "清明"),
    ((2023, 4, 29), (2023, 5, 3), "劳动节"),
    ((2023, 6, 22), (2023, 6, 24), "端午"),
    ((2023, 9, 29), (2023, 10, 6), "中秋、国庆"),
    // 2024
    ((2024, 1, 1), (2024, 1, 1), "元旦"),
    ((2024, 2, 10), (2024, 2, 17), "春节"),
    ((2024, 4, 4), (2024, 4, 6), "清明"),
    ((2024, 5, 1), (2024, 5, 5), "劳动节"),
    ((2024, 6, 8), (2024, 6, 10), "端午"),
    ((2024, 9, 15), (2024, 9, 17), "中秋"),
    ((2024, 10, 1), (2024, 10, 7), "国庆"),
    // 2025
    ((2025, 1, 1), (2025, 1, 1), "元旦"),
    ((2025, 1, 28), (2025, 2, 4), "春节"),
    ((2025, 4, 4), (2025, 4, 6), "清明"),
    ((2025, 5, 1), (2025, 5, 5), "劳动节"),
    ((2025, 5, 31), (2025, 6, 2), "端午"),
    ((2025, 10, 1), (2025, 10, 8), "国庆、中秋"),
    // 2026
    ((2026, 1, 1), (2026, 1, 3), "元旦"),
    ((2026, 2, 15), (2026, 2, 23), "春节"),
    ((2026, 4, 4), (2026, 4, 6), "清明"),
    ((2026, 5, 1), (2026, 5, 5), "劳动节"),
    ((2026, 6, 19), (2026, 6, 21), "端午"),
    ((2026, 9, 25), (2026, 9, 27), "中秋"),
    ((2026, 10, 1), (2026, 10, 7), "国庆"),
];

/// 调休 make-up working days (a Saturday or Sunday worked), same sources as [`HOLIDAY_RANGES`].
const MAKEUP_WORKDAYS: &[Ymd] = &[
    // 2014
    (2014, 1, 26),
    (2014, 2, 8),
    (2014, 5, 4),
    (2014, 9, 28),
    (2014, 10, 11),
    // 2015
    (2015, 1, 4),
    (2015, 2, 15),
    (2015, 2, 28),
    (2015, 9, 6),
    (2015, 10, 10),
    // 2016
    (2016, 2, 6),
    (2016, 2, 14),
    (2016, 6, 12),
    (2016, 9, 18),
    (2016, 10, 8),
    (2016, 10, 9),
    // 2017
    (2017, 1, 22),
    (2017, 2, 4),
    (2017, 4, 1),
    (2017, 5, 27),
    (2017, 9, 30),
    // 2018
    (2018, 2, 11),
    (2018, 2, 24),
    (2018, 4, 8),
    (2018, 4, 28),
    (2018, 9, 29),
    (2018, 9, 30),
    // 2019
    (2018, 12, 29),
    (2019, 2, 2),
    (2019, 2, 3),
    (2019, 4, 28),
    (2019, 5, 5),
    (2019, 9, 29),
    (2019, 10, 12),
    // 2020
    (2020, 1, 19),
    (2020, 4, 26),
    (2020, 5, 9),
    (2020, 6, 28),
    (2020, 9, 27),
    (2020, 10, 10),
    // 2021 (verify)
    (2021, 2, 7),
    (2021, 2, 20),
    (2021, 4, 25),
    (2021, 5, 8),
    (2021, 9, 18),
    (2021, 9, 26),
    (2021, 10, 9),
    // 2022 (verify)
    (2022, 1, 29),
    (2022, 1, 30),
    (2022, 4, 2),
    (2022, 4, 24),
    (2022, 5, 7),
    (2022, 10, 8),
    (2022, 10, 9),
    // 2023
    (2023, 1, 28),
    (2023, 1, 29),
    (2023, 4, 23),
    (2023, 5, 6),
    (2023, 6, 25),
    (2023, 10, 7),
    (2023, 10, 8),
    // 2024
    (2024, 2, 4),
    (2024, 2, 18),
    (2024, 4, 7),
    (2024, 4, 28),
    (2024, 5, 11),
    (2024, 9, 14),
    (2024, 9, 29),
    (2024, 10, 12),
    // 2025
    (2025, 1, 26),
    (2025, 2, 8),
    (2025, 4, 27),
    (2025, 9, 28),
    (2025, 10, 11),
    // 2026
    (2026, 1, 4),
    (2026, 2, 14),
    (2026, 2, 28),
    (2026, 5, 9),
    (2026, 9, 20),
    (2026, 10, 10),
];

/// Converts a table entry; `None` only if the table holds an impossible date (a test guards this).
fn ymd((y, m, d): Ymd) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Whether a date falls on Saturday or Sunday.
fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

str_enum!(
    /// What an admin correction makes of a day (table `workday_override`).
    DayKind {
        Holiday = "holiday" => "放假",
        Workday = "workday" => "上班",
    }
);

/// An admin correction of the built-in calendar: the day is a holiday, or a working day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DayCorrection {
    /// The day.
    pub day: NaiveDate,
    /// Holiday or working day.
    pub kind: DayKind,
    /// Why (e.g. "校庆放假", "2027年春节"), shown in the calendar.
    pub name: Option<String>,
}

/// One built-in State Council holiday period, for display.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct HolidayPeriod {
    /// Holiday name (元旦, 春节, …).
    pub name: String,
    /// First day off.
    pub first: NaiveDate,
    /// Last day off.
    pub last: NaiveDate,
}

/// The built-in holiday periods that touch `year`.
pub fn builtin_holiday_periods(year: i32) -> Vec<HolidayPeriod> {
    HOLIDAY_RANGES
        .iter()
        .filter_map(|&(first, last, name)| {
            let (first, last) = (ymd(first)?, ymd(last)?);
            (first.year() == year || last.year() == year).then(|| HolidayPeriod { name: name.to_string(), first, last })
        })
        .collect()
}

/// The built-in 调休 make-up working days of `year`.
pub fn builtin_makeup_days(year: i32) -> Vec<NaiveDate> {
    MAKEUP_WORKDAYS.iter().copied().filter_map(ymd).filter(|d| d.year() == year).collect()
}

/// The note for deadlines in `years` whose holiday arrangement is not entered ("2027 年…"), or
/// `None` when there are none.
pub fn uncovered_note(years: &BTreeSet<i32>) -> Option<String> {
    if years.is_empty() {
        return None;
    }
    let list = years.iter().map(i32::to_string).collect::<Vec<_>>().join("、");
    Some(format!("{list} 年节假日安排尚未录入，按周末计算"))
}

/// Years as runs, e.g. "2014–2026、2028" (empty for none).
pub fn year_ranges(years: &BTreeSet<i32>) -> String {
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for &y in years {
        match runs.last_mut() {
            Some(last) if last.1 + 1 == y => last.1 = y,
            _ => runs.push((y, y)),
        }
    }
    runs.iter().map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}–{b}") }).collect::<Vec<_>>().join("、")
}

/// A working-day calendar: Monday–Friday, minus public holidays, plus make-up working days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkCalendar {
    /// Days off by State Council arrangement (放假), including their weekend days.
    holidays: BTreeSet<NaiveDate>,
    /// Weekend days worked (调休上班); a date in both sets is a working day.
    makeup_workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// A calendar from explicit holiday and make-up working-day lists (e.g. as corrected by admins).
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>, makeup: impl IntoIterator<Item = NaiveDate>) -> Self {
        WorkCalendar { holidays: holidays.into_iter().collect(), makeup_workdays: makeup.into_iter().collect() }
    }

    /// The official arrangements for 2014 through 2026 (see the table notes on uncertain years).
    pub fn china_default() -> Self {
        let mut holidays = BTreeSet::new();
        for &(first, last, _) in HOLIDAY_RANGES {
            let (Some(first), Some(last)) = (ymd(first), ymd(last)) else { continue };
            holidays.extend(first.iter_days().take_while(|d| *d <= last));
        }
        WorkCalendar::new(holidays, MAKEUP_WORKDAYS.iter().copied().filter_map(ymd))
    }

    /// This calendar with admin corrections applied; a correction wins over the built-in day. A day
    /// made a holiday stops being a make-up day; a day made a working day stops being a holiday
    /// and, on a weekend, becomes a make-up day.
    pub fn with_corrections<'a>(mut self, corrections: impl IntoIterator<Item = &'a DayCorrection>) -> Self {
        for c in corrections {
            match c.kind {
                DayKind::Holiday => {
                    self.makeup_workdays.remove(&c.day);
                    self.holidays.insert(c.day);
                }
                DayKind::Workday => {
                    self.holidays.remove(&c.day);
                    if is_weekend(c.day) {
                        self.makeup_workdays.insert(c.day);
                    }
                }
            }
        }
        self
    }

    /// The holidays, in date order (to seed an editable table).
    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// The make-up working days, in date order.
    pub fn makeup_workdays(&self) -> &BTreeSet<NaiveDate> {
        &self.makeup_workdays
    }

    /// Years with at least one listed holiday: outside them only weekends are known.
    pub fn covered_years(&self) -> BTreeSet<i32> {
        self.holidays.iter().map(|d| d.year()).collect()
    }

    /// Whether the holiday arrangement of `year` is entered: the built-in table or an admin
    /// correction lists a holiday in it. In other years only weekends are known.
    pub fn covers_year(&self, year: i32) -> bool {
        match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
            (Some(a), Some(b)) => self.holidays.range(a..=b).next().is_some(),
            _ => false,
        }
    }

    /// The years of `dates` whose holiday arrangement is not entered, in order.
    pub fn uncovered_years(&self, dates: impl IntoIterator<Item = NaiveDate>) -> BTreeSet<i32> {
        dates.into_iter().map(|d| d.year()).filter(|y| !self.covers_year(*y)).collect()
    }

    /// "2027 年节假日安排尚未录入，按周末计算" when a date of `dates` falls in an uncovered year.
    pub fn coverage_note(&self, dates: impl IntoIterator<Item = NaiveDate>) -> Option<String> {
        uncovered_note(&self.uncovered_years(dates))
    }

    /// `note` followed by the [`coverage_note`](Self::coverage_note) of `dates`, if any.
    pub fn with_coverage_note(&self, note: String, dates: impl IntoIterator<Item = NaiveDate>) -> String {
        match self.coverage_note(dates) {
            Some(n) if note.is_empty() => n,
            Some(n) => format!("{note}；{n}"),
            None => note,
        }
    }

    /// Whether `d` is a working day: a make-up day, or Monday–Friday and not a holiday.
    pub fn is_workday(&self, d: NaiveDate) -> bool {
        self.makeup_workdays.contains(&d) || (!is_weekend(d) && !self.holidays.contains(&d))
    }

    /// The date of the `n`-th working day of the period that starts on `start`.
    ///
    /// `start` itself is the first day if it is a working day; otherwise counting begins at the
    /// next working day. So `add_workdays(d, 1)` is `d` or the next working day, and a 公示 starting
    /// on `d` that must last 5 working days has its last working day on `add_workdays(d, 5)`.
    /// `n = 0` returns `start` unchanged. Saturates at `NaiveDate::MAX`.
    pub fn add_workdays(&self, start: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return start;
        }
        let mut seen = 0;
        let mut d = start;
        loop {
            if self.is_workday(d) {
                seen += 1;
                if seen == n {
                    return d;
                }
            }
            match d.succ_opt() {
                Some(next) => d = next,
                None => return NaiveDate::MAX,
            }
        }
    }

    /// Working days from `a` to `b`, both included; 0 if `b` is before `a`.
    pub fn workdays_between(&self, a: NaiveDate, b: NaiveDate) -> u32 {
        if b < a {
            return 0;
        }
        let days = b.signed_duration_since(a).num_days() + 1;
        let first = i64::from(a.weekday().num_days_from_monday());
        // Mon–Fri in full weeks, then in the remaining days starting on `a`'s weekday.
        let remainder = (0..days % 7).filter(|k| (first + k) % 7 < 5).count() as i64;
        let weekdays = days / 7 * 5 + remainder;
        let off = self.holidays.range(a..=b).filter(|d| !is_weekend(**d) && !self.makeup_workdays.contains(*d)).count()
            as i64;
        let worked = self.makeup_workdays.range(a..=b).filter(|d| is_weekend(**d)).count() as i64;
        u32::try_from(weekdays - off + worked).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::china_default()
    }

    #[test]
    fn tables_are_valid() {
        for &(first, last, _) in HOLIDAY_RANGES {
            let (a, b) = (ymd(first).unwrap(), ymd(last).unwrap());
            assert!(a <= b, "{a} > {b}");
            assert!(b.signed_duration_since(a).num_days() < 10, "{a}..{b}");
        }
        for &d in MAKEUP_WORKDAYS {
            let d = ymd(d).unwrap();
            assert!(is_weekend(d), "make-up day {d} is not a weekend day");
            assert!(!cal().holidays.contains(&d), "{d} both holiday and make-up day");
        }
    }

    #[test]
    fn coverage_of_years_and_the_note() {
        let c = cal();
        assert!(c.covers_year(2014) && c.covers_year(2026));
        assert!(!c.covers_year(2013) && !c.covers_year(2027));
        assert_eq!(c.coverage_note([date(2026, 12, 31)]), None);
        assert_eq!(c.coverage_note([date(2027, 1, 1)]).as_deref(), Some("2027 年节假日安排尚未录入，按周末计算"));
        assert_eq!(
            c.coverage_note([date(2028, 3, 1), date(2027, 3, 10), date(2026, 5, 1)]).as_deref(),
            Some("2027、2028 年节假日安排尚未录入，按周末计算")
        );
        assert_eq!(c.with_coverage_note("最晚 2026-12-31".into(), [date(2026, 12, 31)]), "最晚 2026-12-31");
        assert_eq!(
            c.with_coverage_note("最晚 2027-01-04".into(), [date(2027, 1, 4)]),
            "最晚 2027-01-04；2027 年节假日安排尚未录入，按周末计算"
        );
        // An admin's holiday correction enters the year.
        let fixed = cal().with_corrections(&[fix(date(2027, 2, 6), DayKind::Holiday)]);
        assert!(fixed.covers_year(2027));
        assert_eq!(fixed.coverage_note([date(2027, 3, 10)]), None);
        // A working-day correction alone does not.
        assert!(!cal().with_corrections(&[fix(date(2027, 2, 6), DayKind::Workday)]).covers_year(2027));
    }

    #[test]
    fn years_as_runs() {
        let set = |v: &[i32]| v.iter().copied().collect::<BTreeSet<i32>>();
        assert_eq!(year_ranges(&set(&[])), "");
        assert_eq!(year_ranges(&set(&[2027])), "2027");
        assert_eq!(year_ranges(&set(&[2014, 2015, 2016, 2028, 2030, 2031])), "2014–2016、2028、2030–2031");
        assert_eq!(year_ranges(&cal().covered_years()), "2014–2026");
    }

    #[test]
    fn covers_2014_to_2026() {
        let years = cal().covered_years();
        assert_eq!(years.first(), Some(&2014));
        assert_eq!(years.last(), Some(&2026));
        for y in 2014..=2026 {
            assert!(years.contains(&y), "{y}");
            // Every year has 元旦, 春节 and 国庆 off.
            assert!(!cal().is_workday(date(y, 1, 1)));
            assert!(!cal().is_workday(date(y, 10, 1)));
            assert!(!cal().is_workday(date(y, 10, 3)));
        }
    }

    #[test]
    fn plain_weeks() {
        let c = WorkCalendar::new([], []);
        assert!(c.is_workday(date(2026, 3, 2)));
        assert!(!c.is_workday(date(2026, 3, 7)));
        assert!(!c.is_workday(date(2026, 3, 8)));
        assert_eq!(c.workdays_between(date(2026, 3, 2), date(2026, 3, 8)), 5);
        assert_eq!(c.add_workdays(date(2026, 3, 6), 2), date(2026, 3, 9));
        assert!(c.covered_years().is_empty());
    }

    #[test]
    fn spring_festival_2026() {
        let c = cal();
        assert!(c.is_workday(date(2026, 2, 13)));
        // Saturday 02-14 is a 调休 working day.
        assert!(c.is_workday(date(2026, 2, 14)));
        for d in 15..=23 {
            assert!(!c.is_workday(date(2026, 2, d)), "02-{d}");
        }
        assert!(c.is_workday(date(2026, 2, 24)));
        assert!(c.is_workday(date(2026, 2, 28)));
        assert!(!c.is_workday(date(2026, 3, 1)));
        // 02-09..13 (5), 02-14 (1), 02-24..27 (4), 02-28 (1).
        assert_eq!(c.workdays_between(date(2026, 2, 9), date(2026, 2, 28)), 11);
        assert_eq!(c.add_workdays(date(2026, 2, 12), 5), date(2026, 2, 25));
    }

    #[test]
    fn spring_festival_2024_and_2020_extension() {
        let c = cal();
        assert!(c.is_workday(date(2024, 2, 4)));
        assert!(!c.is_workday(date(2024, 2, 10)));
        assert!(!c.is_workday(date(2024, 2, 16)));
        assert!(c.is_workday(date(2024, 2, 18)));
        assert_eq!(c.workdays_between(date(2024, 2, 5), date(2024, 2, 18)), 5 + 1);
        // 2020: extended to 02-02; the 02-01 make-up day was cancelled.
        assert!(c.is_workday(date(2020, 1, 19)));
        assert!(!c.is_workday(date(2020, 1, 31)));
        assert!(!c.is_workday(date(2020, 2, 1)));
        assert!(c.is_workday(date(2020, 2, 3)));
    }

    #[test]
    fn makeup_saturday_counts() {
        let c = cal();
        // 2025-10-11 (Saturday) was worked; 2025-10-18 was not.
        assert!(c.is_workday(date(2025, 10, 11)));
        assert!(!c.is_workday(date(2025, 10, 18)));
        assert_eq!(c.workdays_between(date(2025, 10, 11), date(2025, 10, 11)), 1);
        assert_eq!(c.add_workdays(date(2025, 10, 11), 1), date(2025, 10, 11));
        assert_eq!(c.add_workdays(date(2025, 10, 18), 1), date(2025, 10, 20));
    }

    #[test]
    fn five_workdays_across_national_day() {
        let c = cal();
        // 2025: 09-29, 09-30, (10-01..08 off), 10-09, 10-10, 10-11 (Saturday, 调休).
        assert_eq!(c.add_workdays(date(2025, 9, 29), 5), date(2025, 10, 11));
        assert_eq!(c.workdays_between(date(2025, 9, 29), date(2025, 10, 11)), 5);
        assert_eq!(c.workdays_between(date(2025, 9, 29), date(2025, 10, 10)), 4);
        // Starting on the Sunday make-up day 09-28.
        assert_eq!(c.add_workdays(date(2025, 9, 28), 5), date(2025, 10, 10));
        // 2026: 09-30, (10-01..07 off), 10-08, 10-09, 10-10 (Saturday), 10-12.
        assert_eq!(c.add_workdays(date(2026, 9, 30), 5), date(2026, 10, 12));
        // Starting inside the holiday: first working day 10-08.
        assert_eq!(c.add_workdays(date(2026, 10, 2), 1), date(2026, 10, 8));
        assert_eq!(c.add_workdays(date(2026, 10, 2), 5), date(2026, 10, 13));
    }

    #[test]
    fn add_workdays_conventions() {
        let c = cal();
        assert_eq!(c.add_workdays(date(2026, 3, 7), 0), date(2026, 3, 7));
        assert_eq!(c.add_workdays(date(2026, 3, 7), 1), date(2026, 3, 9));
        assert_eq!(c.add_workdays(date(2026, 3, 9), 1), date(2026, 3, 9));
        assert_eq!(c.add_workdays(date(2026, 3, 9), 5), date(2026, 3, 13));
        assert_eq!(c.add_workdays(NaiveDate::MAX, 2), NaiveDate::MAX);
    }

    #[test]
    fn between_matches_day_by_day_count() {
        let c = cal();
        let start = date(2013, 12, 20);
        for span in [0, 1, 6, 7, 13, 40, 400, 4800] {
            for offset in 0..7 {
                let a = start + chrono::Days::new(offset);
                let b = a + chrono::Days::new(span);
                let slow = a.iter_days().take_while(|d| *d <= b).filter(|d| c.is_workday(*d)).count() as u32;
                assert_eq!(c.workdays_between(a, b), slow, "{a}..{b}");
                if slow > 0 {
                    assert!(c.add_workdays(a, slow) <= b);
                    assert!(c.is_workday(c.add_workdays(a, slow)));
                }
            }
        }
        assert_eq!(c.workdays_between(date(2026, 3, 9), date(2026, 3, 8)), 0);
    }

    fn fix(day: NaiveDate, kind: DayKind) -> DayCorrection {
        DayCorrection { day, kind, name: None }
    }

    #[test]
    fn corrections_make_holidays_and_workdays() {
        // A plain Wednesday made a holiday; the 5-working-day 公示 from Monday moves by one day.
        let base = cal();
        assert_eq!(base.add_workdays(date(2026, 3, 9), 5), date(2026, 3, 13));
        let c = cal().with_corrections(&[fix(date(2026, 3, 11), DayKind::Holiday)]);
        assert!(!c.is_workday(date(2026, 3, 11)));
        assert!(c.is_workday(date(2026, 3, 10)) && c.is_workday(date(2026, 3, 12)), "neighbours unchanged");
        assert_eq!(c.add_workdays(date(2026, 3, 9), 5), date(2026, 3, 16));
        assert_eq!(c.workdays_between(date(2026, 3, 9), date(2026, 3, 13)), 4);
        // A built-in holiday made a working day (weekday), and a plain Saturday made a working day.
        let c = cal()
            .with_corrections(&[fix(date(2026, 10, 8), DayKind::Holiday), fix(date(2026, 10, 7), DayKind::Workday)]);
        assert!(c.is_workday(date(2026, 10, 7)));
        assert!(!c.is_workday(date(2026, 10, 8)));
        let c = cal().with_corrections(&[fix(date(2026, 3, 14), DayKind::Workday)]);
        assert!(c.is_workday(date(2026, 3, 14)));
        assert!(!c.is_workday(date(2026, 3, 15)), "the Sunday after stays off");
        assert_eq!(c.workdays_between(date(2026, 3, 9), date(2026, 3, 15)), 6);
    }

    #[test]
    fn corrections_cancel_builtin_makeup_days() {
        // 2026-02-14 (Saturday) is a built-in 调休 working day; made a holiday it is off.
        let c = cal().with_corrections(&[fix(date(2026, 2, 14), DayKind::Holiday)]);
        assert!(!c.is_workday(date(2026, 2, 14)));
        assert_eq!(c.workdays_between(date(2026, 2, 9), date(2026, 2, 28)), 10);
        // Corrections of an uncovered year extend the calendar.
        let c = cal().with_corrections(&[fix(date(2027, 1, 1), DayKind::Holiday)]);
        assert!(!c.is_workday(date(2027, 1, 1)));
        assert!(c.covered_years().contains(&2027));
        // No corrections: identical to the default.
        assert_eq!(cal().with_corrections(&[]), cal());
    }

    #[test]
    fn builtin_lists_for_a_year() {
        let p = builtin_holiday_periods(2026);
        assert_eq!(p.len(), 7);
        assert_eq!(p[1].name, "春节");
        assert_eq!((p[1].first, p[1].last), (date(2026, 2, 15), date(2026, 2, 23)));
        // A period spanning new year belongs to both years.
        assert!(builtin_holiday_periods(2016).iter().any(|x| x.first == date(2016, 12, 31)));
        assert!(builtin_holiday_periods(2017).iter().any(|x| x.first == date(2016, 12, 31)));
        assert_eq!(builtin_makeup_days(2026).len(), 6);
        assert!(builtin_holiday_periods(2030).is_empty());
    }

    #[test]
    fn admin_corrections_win() {
        // A make-up day overrides a holiday on the same date.
        let c = WorkCalendar::new([date(2026, 3, 9), date(2026, 3, 10)], [date(2026, 3, 10), date(2026, 3, 14)]);
        assert!(!c.is_workday(date(2026, 3, 9)));
        assert!(c.is_workday(date(2026, 3, 10)));
        assert!(c.is_workday(date(2026, 3, 14)));
        assert_eq!(c.workdays_between(date(2026, 3, 9), date(2026, 3, 15)), 5);
        assert_eq!(c.covered_years().into_iter().collect::<Vec<_>>(), vec![2026]);
    }
}
