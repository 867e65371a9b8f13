//! Issue 8 part 5: nothing unreadable or missing in storage becomes a passing value. An unknown
//! stored status, org kind or step, or an unreadable step body, is a 500 "数据异常" (logged),
//! never a default; a 政审 without a recorded conclusion is not 合格 (R1.11).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::json;

use common::*;

async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sql).execute(&app.db.pool).await.expect(sql);
}

fn assert_data_error(s: StatusCode, v: &serde_json::Value) {
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::INTERNAL_SERVER_ERROR, Some("data_corrupt")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("数据异常"), "{v}");
}

both!(unknown_stored_values_are_errors_not_defaults, |app| async move {
    let fx = app.fixtures().await;
    let id = fx.other_in_branch;
    let (s, _) = app.get(&format!("/api/v1/members/{id}"), &app.branch).await;
    assert_eq!(s, StatusCode::OK);
    // An unknown member status is not 正式党员.
    exec(&app, &format!("UPDATE member SET status = 'fulll' WHERE id = {id}")).await;
    let (s, v) = app.get(&format!("/api/v1/members/{id}"), &app.branch).await;
    assert_data_error(s, &v);
    let (s, v) = app.get(&format!("/api/v1/members?org={}&per_page=200", fx.branch), &app.branch).await;
    assert_data_error(s, &v);
    let (cookie, _) = app.web_login("branch").await;
    let page = app.page(&format!("/members/{id}"), &cookie).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.text().contains("数据异常"), "the page says so");
    exec(&app, &format!("UPDATE member SET status = 'full' WHERE id = {id}")).await;
    // An unreadable full date is not "not converted".
    exec(&app, &format!("UPDATE member SET full_on = '2021-13-40' WHERE id = {id}")).await;
    let (s, v) = app.get(&format!("/api/v1/members/{id}"), &app.branch).await;
    assert_data_error(s, &v);
    exec(&app, &format!("UPDATE member SET full_on = NULL, status = 'probationary' WHERE id = {id}")).await;
    let (s, _) = app.get(&format!("/api/v1/members/{id}"), &app.branch).await;
    assert_eq!(s, StatusCode::OK);
    // An unknown org kind is not 党支部.
    exec(&app, &format!("UPDATE org SET kind = 'branchx' WHERE id = {}", fx.sibling_branch)).await;
    let (s, v) = app.get(&format!("/api/v1/orgs/{}", fx.sibling_branch), &app.college).await;
    assert_data_error(s, &v);
});

both!(political_review_needs_a_recorded_conclusion, |app| async move {
    let case = app.candidate_case("王政审", 2024, "political_review").await;
    // Recording step 10 without its conclusion: 422 naming R1.11 and the field; nothing written.
    let n = app.scalar(&format!("SELECT COUNT(*) AS n FROM development_step WHERE case_id = {case}")).await;
    for details in [json!({}), json!({"passed": null, "note": "已函调"})] {
        let (s, v) = app
            .case_step(&app.branch, case, json!({"step": "political_review", "date": "2025-04-10", "details": details}))
            .await;
        assert_eq!((s, v["error"]["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.11")), "{v}");
        assert!(v["error"]["fields"]["passed"].as_str().unwrap().contains("政治审查结论"), "{v}");
    }
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) AS n FROM development_step WHERE case_id = {case}")).await, n);
    app.ok_case_step(
        &app.branch,
        case,
        json!({"step": "political_review", "date": "2025-04-10", "details": {"passed": true}}),
    )
    .await;
    for s in [
        json!({"step": "intensive_training", "date": "2025-04-15", "details": {"training_days": 3, "training_hours": 24}}),
        json!({"step": "committee_review", "date": "2025-04-20"}),
        json!({"step": "pre_review", "date": "2025-04-25"}),
        json!({"step": "application_form", "date": "2025-04-28"}),
    ] {
        app.ok_case_step(&app.branch, case, s).await;
    }
    // An old record of step 10 stored without its conclusion (as earlier versions allowed) is
    // not 合格: the admission vote is refused with a finding naming R1.11.
    exec(
        &app,
        &format!("UPDATE development_step SET body = '{{}}' WHERE case_id = {case} AND step = 'political_review'"),
    )
    .await;
    let vote = app.unanimous_vote(&app.branch, case, "admission_vote", "2025-05-10", json!({})).await;
    let (s, v) = app.case_step(&app.branch, case, vote.clone()).await;
    assert_eq!((s, v["error"]["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.11")), "{v}");
    let f = v["error"]["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "R1.11").unwrap();
    assert!(f["message_zh"].as_str().unwrap().contains("未记载结论"), "{f}");
    assert!(v["error"]["fields"]["political_review"].is_string(), "{v}");
    // With the conclusion recorded, the same vote passes.
    exec(
        &app,
        &format!(
            "UPDATE development_step SET body = '{{\"passed\":true}}' WHERE case_id = {case} AND step = 'political_review'"
        ),
    )
    .await;
    app.ok_case_step(&app.branch, case, vote).await;
});

both!(unreadable_step_record_is_an_error, |app| async move {
    let case = app.candidate_case("李记实", 2024, "candidate_determination").await;
    let (s, _) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
    assert_eq!(s, StatusCode::OK);
    exec(&app, &format!("UPDATE development_step SET body = 'not json' WHERE case_id = {case} AND step = 'talk'"))
        .await;
    let (s, v) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
    assert_data_error(s, &v);
    // Nor is a step the binary does not know skipped (it could be the one a rule depends on).
    exec(
        &app,
        &format!("UPDATE development_step SET body = '{{}}', step = 'talkk' WHERE case_id = {case} AND step = 'talk'"),
    )
    .await;
    let (s, v) =
        app.case_step(&app.branch, case, json!({"step": "candidate_determination", "date": "2025-03-20"})).await;
    assert_data_error(s, &v);
});
