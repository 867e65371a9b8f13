//! Tests of the parent module.

#![allow(clippy::unwrap_used)]

use super::*;

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

#[test]
fn units_pick_the_longest_prefix_and_root_cases_go_to_own_row() {
    let units: Vec<Unit> = vec![(5, "计算机学院".into(), "/1/5/".into()), (50, "外语学院".into(), "/1/50/".into())];
    assert_eq!(unit_of(&units, "/1/5/7/"), Some(0));
    assert_eq!(unit_of(&units, "/1/50/8/"), Some(1));
    assert_eq!(unit_of(&units, "/1/"), None);
    let open = vec![
        ("/1/5/7/".to_string(), "activist".to_string(), 3),
        ("/1/5/".to_string(), "applicant".to_string(), 1),
        ("/1/50/8/".to_string(), "full".to_string(), 2),
        ("/1/".to_string(), "candidate".to_string(), 4),
    ];
    let events = vec![("/1/5/7/".to_string(), "approval".to_string(), 2)];
    let (rows, total) = funnel(&units, "校党委", &open, &events);
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[0].applicant, rows[0].activist, rows[0].open_total, rows[0].admitted), (1, 3, 4, 2));
    assert_eq!(rows[1].full, 2);
    assert_eq!((rows[2].unit.as_str(), rows[2].candidate), ("校党委（本级）", 4));
    assert_eq!((total.open_total, total.admitted), (10, 2));
    // No own row when the root holds no case.
    let (rows, _) = funnel(&units, "校党委", &open[..3], &[]);
    assert_eq!(rows.len(), 2);
}

#[test]
fn median_of_odd_and_even_counts() {
    assert_eq!(median_mean(&mut []), (None, None));
    assert_eq!(median_mean(&mut [5]), (Some(5.0), Some(5.0)));
    assert_eq!(median_mean(&mut [10, 1, 4]), (Some(4.0), Some(5.0)));
    assert_eq!(median_mean(&mut [4, 1, 10, 2]), (Some(3.0), Some(4.3)));
}

#[test]
fn stage_times_count_stages_ending_in_the_period() {
    let c = StageDates {
        application: Some(d("2023-01-01")),
        activist: Some(d("2023-04-01")),
        candidate: Some(d("2024-04-01")),
        admission_vote: Some(d("2024-10-01")),
        conversion_approval: None,
    };
    let t = stage_times(&[c], d("2024-01-01"), d("2024-12-31"));
    assert_eq!(t.len(), 4);
    // The applicant stage ended in 2023: not counted.
    assert_eq!(t[0].count, 0);
    assert_eq!((t[1].count, t[1].median_days), (1, Some(366.0)));
    assert_eq!((t[2].count, t[2].median_days), (1, Some(183.0)));
    assert_eq!(t[3].count, 0, "probation not finished");
    // The day of the period's end counts, the day after does not.
    let t = stage_times(&[c], d("2024-01-01"), d("2024-10-01"));
    assert_eq!(t[2].count, 1);
    let t = stage_times(&[c], d("2024-01-01"), d("2024-09-30"));
    assert_eq!(t[2].count, 0);
}

fn facts(step: &str, cat: PersonCategory) -> CategoryFacts {
    CategoryFacts {
        step: step.into(),
        category: Some(cat),
        enrollment_year: None,
        education: None,
        title: None,
        birth_date: None,
        on: None,
        n: 1,
    }
}

#[test]
fn young_teacher_boundary_is_the_35th_birthday() {
    let mut t = facts("approval", PersonCategory::Teacher);
    t.birth_date = Some(d("1990-06-01"));
    // The day before the 35th birthday: young; on the birthday: not.
    t.on = Some(d("2025-05-31"));
    let young = |rows: &[CategoryFacts]| {
        categories(rows).into_iter().find(|r| r.key == "young_teacher").map(|r| r.admitted).unwrap()
    };
    assert_eq!(young(std::slice::from_ref(&t)), 1);
    t.on = Some(d("2025-06-01"));
    assert_eq!(young(std::slice::from_ref(&t)), 0);
    t.on = Some(d("2025-06-02"));
    assert_eq!(young(&[t]), 0);
}

#[test]
fn categories_by_year_degree_and_title() {
    let mut s1 = facts("approval", PersonCategory::Student);
    s1.enrollment_year = Some(2022);
    s1.n = 3;
    let mut s2 = facts("application", PersonCategory::Student);
    s2.enrollment_year = Some(2023);
    let mut t = facts("approval", PersonCategory::Teacher);
    t.education = Some(Education::Doctorate);
    t.title = Some(Title::AssociateSenior);
    let mut st = facts("approval", PersonCategory::Student);
    st.education = Some(Education::Master);
    let rows = categories(&[s1, s2, t, st]);
    let get = |k: &str| rows.iter().find(|r| r.key == k).cloned().unwrap();
    assert_eq!(get("student_2022").admitted, 3);
    assert_eq!(get("student_2023").applied, 1);
    assert_eq!(get("student_unknown").admitted, 1);
    assert_eq!(get("category_student").admitted, 4);
    assert_eq!(get("high_degree").admitted, 1, "students are counted by year, not by degree");
    assert_eq!(get("senior_title").admitted, 1);
    assert_eq!(get("category_retired").admitted, 0);
}

#[test]
fn default_period_is_this_year_and_reversed_is_refused() {
    let today = d("2026-11-28");
    assert_eq!(period(&StatsQuery::default(), today).unwrap(), (d("2026-01-01"), today));
    let q = StatsQuery { org: None, from: Some(d("2026-02-01")), to: Some(d("2026-01-31")) };
    assert!(period(&q, today).is_err());
    assert!(rule_order("R1.13") > rule_order("R1.4"));
}
