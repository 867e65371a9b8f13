//! Moving a development case between branches (R1.9): history kept, scope checked, and the
//! one-year activist period (R1.8) counted across the move, without the days in between.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;

async fn full_members(app: &TestApp, org: i64) -> Vec<i64> {
    let (s, v) = app.get(&format!("/api/v1/members?org={org}&status=full&per_page=50"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect()
}

async fn step(app: &TestApp, case: i64, body: Value) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/development/cases/{case}/steps"), &app.college, body).await
}

async fn ok_step(app: &TestApp, case: i64, body: Value) {
    let (s, v) = step(app, case, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} → {v}");
}

/// An activist since 2024-03-01 in `branch` (2014 rules), assessed on 2024-08-20.
async fn activist(app: &TestApp, branch: i64, name: &str) -> i64 {
    let mentor = full_members(app, branch).await[0];
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.college,
            json!({"name": name, "gender": "male", "birth_date": "2003-05-01", "category": "student", "org_id": branch,
                   "applied_on": "2024-01-10"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let case = v["id"].as_i64().unwrap();
    ok_step(app, case, json!({"step": "talk", "date": "2024-01-20"})).await;
    ok_step(app, case, json!({"step": "activist_recommendation", "date": "2024-03-01"})).await;
    ok_step(app, case, json!({"step": "activist_filing", "date": "2024-03-05"})).await;
    ok_step(app, case, json!({"step": "mentor_assignment", "date": "2024-03-05", "details": {"mentor_ids": [mentor]}}))
        .await;
    ok_step(app, case, json!({"step": "activist_education", "date": "2024-08-20"})).await;
    case
}

async fn transfer(app: &TestApp, token: &str, case: i64, body: Value) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/development/cases/{case}/transfer"), token, body).await
}

both!(transfer_keeps_history_and_counts_continuously, |app| async move {
    let fx = app.fixtures().await;
    let case = activist(&app, fx.branch, "转接甲").await;
    let audit_before = app.audit_count().await;
    // Seven months in branch A (2024-03-01..2024-09-30), then branch B from 2024-10-01.
    let (s, v) = transfer(
        &app,
        &app.college,
        case,
        json!({"to_org_id": fx.sibling_branch, "left_on": "2024-09-30", "arrived_on": "2024-10-01", "note": "学院调整"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["from_org_id"], fx.branch);
    assert_eq!(v["to_org_id"], fx.sibling_branch);
    assert_eq!(app.audit_count().await, audit_before + 1, "one audit row");
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.college).await;
    assert_eq!(d["org_id"], fx.sibling_branch, "the case moved: {d}");
    assert_eq!(d["steps"].as_array().unwrap().len(), 6, "history kept: {d}");
    let (s, t) = app.get(&format!("/api/v1/development/cases/{case}/transfers"), &app.college).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t.as_array().unwrap().len(), 1);
    assert_eq!(t[0]["note"], "学院调整");
    // The case is on the new branch's 待办 list, not the old one's.
    let listed = |v: &Value| v.as_array().unwrap().iter().any(|c| c["id"] == case);
    assert!(listed(&app.get(&format!("/api/v1/development/cases?org={}", fx.sibling_branch), &app.college).await.1));
    assert!(!listed(&app.get(&format!("/api/v1/development/cases?org={}", fx.branch), &app.college).await.1));

    // Five more months in B: the year is complete on 2025-03-01 (R1.8 with R1.9).
    ok_step(&app, case, json!({"step": "activist_education", "date": "2025-02-10"})).await;
    let (s, v) = step(&app, case, json!({"step": "candidate_determination", "date": "2025-02-28"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    ok_step(&app, case, json!({"step": "candidate_determination", "date": "2025-03-01"})).await;
});

both!(a_gap_between_branches_is_not_counted, |app| async move {
    let fx = app.fixtures().await;
    let case = activist(&app, fx.branch, "转接乙").await;
    // Materials left A on 2024-09-30 and arrived in B on 2024-10-21: 20 days do not count.
    let (s, v) = transfer(
        &app,
        &app.college,
        case,
        json!({"to_org_id": fx.sibling_branch, "left_on": "2024-09-30", "arrived_on": "2024-10-21"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    ok_step(&app, case, json!({"step": "activist_education", "date": "2025-02-10"})).await;
    // The 待办 list (bulk path) and the case (single path) both date the earliest listing 2025-03-21.
    for path in
        [format!("/api/v1/development/cases?org={}", fx.sibling_branch), format!("/api/v1/development/cases/{case}")]
    {
        let (_, v) = app.get(&path, &app.college).await;
        let c = if v.is_array() { v.as_array().unwrap().iter().find(|c| c["id"] == case).unwrap().clone() } else { v };
        let due = c["due"].as_array().unwrap();
        let cd = due
            .iter()
            .find(|x| x["step"] == "candidate_determination" || x["step"] == "candidate_filing")
            .unwrap_or_else(|| panic!("{c}"));
        assert_eq!(cd["earliest"], "2025-03-21", "{path}: {cd}");
    }
    let (s, v) = step(&app, case, json!({"step": "candidate_determination", "date": "2025-03-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    assert!(v.to_string().contains("转接中断 20 天不计入"), "{v}");
    let (s, _) = step(&app, case, json!({"step": "candidate_determination", "date": "2025-03-20"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    ok_step(&app, case, json!({"step": "candidate_determination", "date": "2025-03-21"})).await;
});

both!(bad_transfers_are_refused, |app| async move {
    let fx = app.fixtures().await;
    let case = activist(&app, fx.branch, "转接丙").await;
    let n = app.scalar("SELECT COUNT(*) AS n FROM development_transfer").await;
    let body = |to: i64, left: &str, arrived: &str| json!({"to_org_id": to, "left_on": left, "arrived_on": arrived});
    // Arrived before left; before the application; to the same branch; missing fields.
    for (b, field) in [
        (body(fx.sibling_branch, "2024-10-01", "2024-09-30"), "arrived_on"),
        (body(fx.sibling_branch, "2023-12-01", "2023-12-02"), "left_on"),
        (body(fx.branch, "2024-10-01", "2024-10-01"), "to_org_id"),
        (json!({}), "to_org_id"),
    ] {
        let (s, v) = transfer(&app, &app.college, case, b.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b} → {v}");
        assert!(v["error"]["fields"][field].is_string(), "{b} → {v}");
    }
    // A target outside the caller's scope (another college) is refused; the branch admin cannot
    // move a case out to a sibling branch it does not see; the inspector cannot write.
    let (s, v) = transfer(&app, &app.college, case, body(fx.foreign_branch, "2024-10-01", "2024-10-01")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = transfer(&app, &app.branch, case, body(fx.sibling_branch, "2024-10-01", "2024-10-01")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, _) = transfer(&app, &app.inspector, case, body(fx.sibling_branch, "2024-10-01", "2024-10-01")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM development_transfer").await, n, "nothing written");
    // The school admin moves it to another college; the college admin then no longer sees it.
    let (s, v) = transfer(&app, &app.admin, case, body(fx.foreign_branch, "2024-10-01", "2024-10-01")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(app.get(&format!("/api/v1/development/cases/{case}"), &app.college).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/api/v1/development/cases/{case}/transfers"), &app.college).await.0,
        StatusCode::NOT_FOUND
    );
    // A second move may not start before the last arrival.
    let (s, v) = transfer(&app, &app.admin, case, body(fx.branch, "2024-09-01", "2024-11-01")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["left_on"].is_string(), "{v}");
});

both!(transfer_from_the_case_page, |app| async move {
    let fx = app.fixtures().await;
    let case = activist(&app, fx.branch, "转接丁").await;
    let (cookie, csrf) = app.web_login("college").await;
    let html = app.page(&format!("/development/{case}"), &cookie).await.text();
    assert!(html.contains(&format!("action=\"/development/{case}/transfer\"")), "a transfer form on the case page");
    // Dates out of order: the form comes back with the typed values and the field message.
    let to = fx.sibling_branch.to_string();
    let r = app
        .post_form(
            &format!("/development/{case}/transfer"),
            &cookie,
            &[
                ("_csrf", &csrf),
                ("to_org_id", &to),
                ("left_on", "2024-10-05"),
                ("arrived_on", "2024-10-01"),
                ("note", "原因甲"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("value=\"2024-10-05\"") && html.contains("value=\"原因甲\""), "typed input kept");
    assert!(html.contains("早于转出日期"));
    let r = app
        .post_form(
            &format!("/development/{case}/transfer"),
            &cookie,
            &[("_csrf", &csrf), ("to_org_id", &to), ("left_on", "2024-10-01"), ("arrived_on", "2024-10-03")],
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let html = app.page(&format!("/development/{case}"), &cookie).await.text();
    assert!(html.contains("转接记录") && html.contains("2024-10-03"), "history on the case page");
});
