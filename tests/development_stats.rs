//! Development statistics through the HTTP API: the funnel per unit and stage, seed S9
//! categories, days per stage, the overrides list, and the xlsx export.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;

async fn ok(app: &TestApp, path: &str, body: Value) -> Value {
    let (s, v) = app.post_json(path, &app.branch, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{path} {body} → {v}");
    v
}

async fn stats(app: &TestApp, query: &str) -> Value {
    let (s, v) = app.get(&format!("/api/v1/development/stats?{query}"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn n(v: &Value, key: &str) -> i64 {
    v[key].as_i64().unwrap_or(0)
}

fn category(v: &Value, key: &str, col: &str) -> i64 {
    v["categories"].as_array().unwrap().iter().find(|c| c["key"] == key).map_or(0, |c| n(c, col))
}

fn stage_count(v: &Value, stage: &str) -> i64 {
    v["stage_times"].as_array().unwrap().iter().find(|c| c["stage"] == stage).map_or(0, |c| n(c, "count"))
}

fn rule_count(v: &Value, rule: &str) -> i64 {
    v["overrides_by_rule"].as_array().unwrap().iter().find(|c| c["rule"] == rule).map_or(0, |c| n(c, "count"))
}

/// Open cases per unit id (the row of cases held by the root itself has no id: key 0).
fn open_by_unit(v: &Value) -> std::collections::BTreeMap<i64, Value> {
    v["funnel"].as_array().unwrap().iter().map(|r| (r["org_id"].as_i64().unwrap_or(0), r.clone())).collect()
}

both!(stats_match_the_cases_recorded, |app| async move {
    let fx = app.fixtures().await;
    let q = format!("org={}&from=2024-01-01&to=2024-12-31", fx.college);
    let before = stats(&app, &q).await;
    assert_eq!(before["from"], "2024-01-01");
    assert_eq!(before["young_teacher_max_age"], 35);

    // Case A: applicant, with a justified R1.4 override (talk more than a month after applying).
    let a = ok(
        &app,
        "/api/v1/development/cases",
        json!({"name": "统计甲", "gender": "male", "birth_date": "2003-05-01", "category": "student",
               "org_id": fx.branch, "applied_on": "2024-01-10"}),
    )
    .await;
    let a = a["id"].as_i64().unwrap();
    ok(
        &app,
        &format!("/api/v1/development/cases/{a}/steps"),
        json!({"step": "talk", "date": "2024-03-01", "justification": "寒假离校，开学后谈话"}),
    )
    .await;
    // Case B: a teacher, activist since 2024-03-15 (applicant stage: 65 days).
    let b = ok(
        &app,
        "/api/v1/development/cases",
        json!({"name": "统计乙", "gender": "female", "birth_date": "1995-02-01", "category": "teacher",
               "org_id": fx.branch, "applied_on": "2024-01-10"}),
    )
    .await;
    let b = b["id"].as_i64().unwrap();
    ok(&app, &format!("/api/v1/development/cases/{b}/steps"), json!({"step": "talk", "date": "2024-01-20"})).await;
    ok(
        &app,
        &format!("/api/v1/development/cases/{b}/steps"),
        json!({"step": "activist_recommendation", "date": "2024-03-15"}),
    )
    .await;

    let after = stats(&app, &q).await;
    let (t0, t1) = (&before["funnel_total"], &after["funnel_total"]);
    assert_eq!(n(t1, "applicant") - n(t0, "applicant"), 1, "{after}");
    assert_eq!(n(t1, "activist") - n(t0, "activist"), 1, "{after}");
    assert_eq!(n(t1, "open_total") - n(t0, "open_total"), 2);
    assert_eq!(n(t1, "applied") - n(t0, "applied"), 2);
    // Exactly one unit (the one holding the branch) grew by both cases; the rows add up to the total.
    let (u0, u1) = (open_by_unit(&before), open_by_unit(&after));
    let grown: Vec<i64> = u1
        .iter()
        .filter(|(id, r)| n(r, "open_total") - u0.get(id).map_or(0, |x| n(x, "open_total")) == 2)
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(grown.len(), 1, "{after}");
    let sum: i64 = after["funnel"].as_array().unwrap().iter().map(|r| n(r, "open_total")).sum();
    assert_eq!(sum, n(t1, "open_total"));
    // Categories: two applications (one student, one teacher, who is young: 28 on applying).
    assert_eq!(category(&after, "category_student", "applied") - category(&before, "category_student", "applied"), 1);
    assert_eq!(category(&after, "category_teacher", "applied") - category(&before, "category_teacher", "applied"), 1);
    assert_eq!(category(&after, "young_teacher", "applied") - category(&before, "young_teacher", "applied"), 1);
    // Days in stage: B's applicant stage closed in 2024.
    assert_eq!(stage_count(&after, "applicant") - stage_count(&before, "applicant"), 1);
    // The override is counted and listed with its justification.
    assert_eq!(rule_count(&after, "R1.4") - rule_count(&before, "R1.4"), 1);
    let listed = after["overrides"].as_array().unwrap();
    assert!(listed.iter().any(|o| o["case_id"] == a && o["rule"] == "R1.4" && o["reason"] == "寒假离校，开学后谈话"));

    // A period without these events: the applications are not counted, the open cases are.
    let later = stats(&app, &format!("org={}&from=2030-01-01&to=2030-12-31", fx.college)).await;
    assert_eq!(n(&later["funnel_total"], "applied"), 0);
    assert_eq!(n(&later["funnel_total"], "open_total"), n(t1, "open_total"));

    // Scope: the unit admin cannot count a foreign unit; a reversed period is refused; members see nothing.
    let (s, _) = app.get(&format!("/api/v1/development/stats?org={}", fx.other_unit), &app.college).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = app.get("/api/v1/development/stats?from=2024-05-01&to=2024-04-01", &app.admin).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, _) = app.get("/api/v1/development/stats", &app.member).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The xlsx: one sheet per table, the first is the funnel with the same total.
    let r = app.get_raw(&format!("/api/v1/development/stats.xlsx?{q}"), &app.admin).await;
    assert_eq!(r.status, StatusCode::OK);
    let rows = xlsx_rows(&r.body);
    assert_eq!(rows[0][0], "单位");
    let total = rows.iter().find(|r| r[0] == "合计").expect("a total row");
    assert_eq!(total[6], n(t1, "open_total").to_string());
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(r.body.to_vec())).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names().len(), 5);
    let ov = book.worksheet_range("特殊情况说明").unwrap();
    assert!(ov.rows().any(|r| r.iter().any(|c| *c == "寒假离校，开学后谈话")));

    // The page shows the charts and the same numbers.
    let (cookie, _) = app.web_login("admin").await;
    let page = app.page(&format!("/development/stats?{q}"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<svg"), "charts are drawn");
    assert!(html.contains("寒假离校，开学后谈话"));
});
