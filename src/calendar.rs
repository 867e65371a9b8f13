//! Date conventions of RULES.md §8: C1 (periods are inclusive) and C2 (month arithmetic clamps to the month's last day).

use chrono::{Datelike, NaiveDate};

/// Whether `year` is a Gregorian leap year.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The same day `months` later (earlier if negative); clamps to the month's last day (C2) and saturates at chrono's range.
pub fn add_months(d: NaiveDate, months: i32) -> NaiveDate {
    let saturated = if months < 0 { NaiveDate::MIN } else { NaiveDate::MAX };
    let total = i64::from(d.year()) * 12 + i64::from(d.month0()) + i64::from(months);
    let Ok(year) = i32::try_from(total.div_euclid(12)) else {
        return saturated;
    };
    let month = total.rem_euclid(12) as u32 + 1;
    let day = d.day().min(days_in_month(year, month));
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(saturated)
}

/// The same day `years` later (earlier if negative): `add_months(d, 12 * years)`, so 02-29 becomes 02-28 in common years.
pub fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    add_months(d, years.saturating_mul(12))
}

/// Full years of age on `on`: the largest `n` with `add_years(birth, n) <= on` (negative if `on` is before `birth`).
///
/// The birthday counts as reached on its own date (C1). Under C2's clamp a person born on
/// 02-29 reaches each new year of age on 02-28 in common years.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let n = on.year() - birth.year();
    if add_years(birth, n) > on { n - 1 } else { n }
}

/// Full months from `a` to `b`: the largest `n` with `add_months(a, n) <= b`; if `b < a`, minus the full months from `b` to `a`.
pub fn months_between(a: NaiveDate, b: NaiveDate) -> i32 {
    if b < a {
        return -months_between(b, a);
    }
    let n = (b.year() - a.year()) * 12 + (b.month() as i32 - a.month() as i32);
    if add_months(a, n) > b { n - 1 } else { n }
}

/// Days from `a` to `b` (negative if `b` is before `a`).
pub fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    b.signed_duration_since(a).num_days()
}

/// Formats a date as `YYYY-MM-DD`, the form used in every message and fact.
pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn add_months_table() {
        let cases = [
            ((2023, 1, 31), 1, (2023, 2, 28)),
            ((2024, 1, 31), 1, (2024, 2, 29)),
            ((2024, 3, 31), -1, (2024, 2, 29)),
            ((2023, 3, 31), -1, (2023, 2, 28)),
            ((2024, 12, 15), 1, (2025, 1, 15)),
            ((2024, 12, 31), 2, (2025, 2, 28)),
            ((2025, 1, 15), -1, (2024, 12, 15)),
            ((2024, 5, 31), 1, (2024, 6, 30)),
            ((2024, 2, 29), 12, (2025, 2, 28)),
            ((2024, 2, 29), 48, (2028, 2, 29)),
            ((2024, 2, 29), -12, (2023, 2, 28)),
            ((2026, 3, 1), -6, (2025, 9, 1)),
            ((2026, 8, 31), -6, (2026, 2, 28)),
            ((2023, 6, 15), 0, (2023, 6, 15)),
            ((2000, 1, 1), -25, (1997, 12, 1)),
        ];
        for ((y, m, d), n, (ey, em, ed)) in cases {
            assert_eq!(add_months(date(y, m, d), n), date(ey, em, ed), "{y}-{m}-{d} + {n}");
        }
    }

    #[test]
    fn add_years_table() {
        assert_eq!(add_years(date(2023, 3, 1), 3), date(2026, 3, 1));
        assert_eq!(add_years(date(2000, 2, 29), 1), date(2001, 2, 28));
        assert_eq!(add_years(date(2000, 2, 29), 4), date(2004, 2, 29));
        assert_eq!(add_years(date(2000, 2, 29), -100), date(1900, 2, 28));
    }

    #[test]
    fn saturates_instead_of_panicking() {
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(add_months(NaiveDate::MIN, -1), NaiveDate::MIN);
        assert_eq!(add_months(date(2000, 1, 1), i32::MAX), NaiveDate::MAX);
        assert_eq!(add_months(date(2000, 1, 1), i32::MIN), NaiveDate::MIN);
        assert_eq!(add_years(date(2000, 1, 1), i32::MAX), NaiveDate::MAX);
        assert_eq!(add_years(date(2000, 1, 1), i32::MIN), NaiveDate::MIN);
    }

    #[test]
    fn no_panic_across_1900_to_2200() {
        let mut d = date(1900, 1, 1);
        let end = date(2200, 12, 31);
        while d <= end {
            for n in [-2400, -13, -1, 1, 13, 2400] {
                let r = add_months(d, n);
                assert!(r.day() <= d.day());
            }
            d = d.succ_opt().unwrap();
        }
    }

    #[test]
    fn every_day_2023_to_2025() {
        let mut d = date(2023, 1, 1);
        while d <= date(2025, 12, 31) {
            let y = add_months(d, 12);
            assert_eq!(y.year(), d.year() + 1, "{d}");
            assert_eq!(y.month(), d.month(), "{d}");
            assert_eq!(y.day(), d.day().min(days_in_month(y.year(), y.month())));
            assert_eq!(add_years(d, 1), y);
            for n in -30..=30 {
                let r = add_months(d, n);
                let dim = days_in_month(r.year(), r.month());
                // Same day, or the month's last day when that day does not exist.
                assert!(r.day() == d.day() || (r.day() == dim && d.day() > dim), "{d} + {n} = {r}");
                let total = |x: NaiveDate| x.year() * 12 + x.month0() as i32;
                assert_eq!(total(r) - total(d), n);
                if n >= 0 {
                    assert_eq!(months_between(d, r), n, "{d} -> {r}");
                }
            }
            for n in 0..=80 {
                assert_eq!(age_on(d, add_years(d, n)), n);
                assert_eq!(age_on(d, add_years(d, n + 1).pred_opt().unwrap()), n, "{d} {n}");
            }
            d = d.succ_opt().unwrap();
        }
    }

    #[test]
    fn age_table() {
        let b = date(2008, 5, 2);
        assert_eq!(age_on(b, date(2026, 5, 1)), 17);
        assert_eq!(age_on(b, date(2026, 5, 2)), 18);
        assert_eq!(age_on(b, date(2026, 5, 3)), 18);
        assert_eq!(age_on(b, date(2008, 5, 1)), -1);
        // C2 clamp: a 02-29 birthday is reached on 02-28 in common years.
        let leap = date(2004, 2, 29);
        assert_eq!(age_on(leap, date(2022, 2, 27)), 17);
        assert_eq!(age_on(leap, date(2022, 2, 28)), 18);
        assert_eq!(age_on(leap, date(2024, 2, 28)), 19);
        assert_eq!(age_on(leap, date(2024, 2, 29)), 20);
    }

    #[test]
    fn months_between_table() {
        assert_eq!(months_between(date(2024, 1, 31), date(2024, 2, 29)), 1);
        assert_eq!(months_between(date(2024, 1, 31), date(2024, 2, 28)), 0);
        assert_eq!(months_between(date(2024, 1, 15), date(2024, 7, 14)), 5);
        assert_eq!(months_between(date(2024, 1, 15), date(2024, 7, 15)), 6);
        assert_eq!(months_between(date(2024, 1, 15), date(2024, 1, 15)), 0);
        assert_eq!(months_between(date(2024, 7, 15), date(2024, 1, 15)), -6);
        assert_eq!(months_between(date(2024, 7, 15), date(2024, 1, 16)), -5);
        assert_eq!(months_between(date(2023, 11, 30), date(2025, 2, 28)), 15);
        assert_eq!(months_between(date(2023, 11, 30), date(2025, 2, 27)), 14);
    }

    #[test]
    fn formatting() {
        assert_eq!(fmt_date(date(2026, 3, 1)), "2026-03-01");
        assert_eq!(days_between(date(2026, 3, 1), date(2026, 3, 4)), 3);
        assert_eq!(days_between(date(2026, 3, 4), date(2026, 3, 1)), -3);
    }
}
