//! Development cases walked through the HTTP API, for tests that need a person who came through
//! the workflow (a 预备党员 with an open case, a member whose probation was cancelled).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::TestApp;

/// Full members of an org (the admin's view), for mentors and sponsors.
pub async fn full_members(app: &TestApp, org: i64) -> Vec<i64> {
    let (s, v) = app.get(&format!("/api/v1/members?org={org}&status=full&per_page=200"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect()
}

/// Records a step on a case.
pub async fn step(app: &TestApp, token: &str, case: i64, body: Value) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/development/cases/{case}/steps"), token, body).await
}

/// Records a step that must pass.
pub async fn ok_step(app: &TestApp, token: &str, case: i64, body: Value) -> Value {
    let (s, v) = step(app, token, case, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} → {v}");
    v
}

/// A vote step with everyone eligible on `on` present and voting yes.
pub async fn unanimous(app: &TestApp, case: i64, step_id: &str, on: &str, extra: Value) -> Value {
    let (s, ev) = app.get(&format!("/api/v1/development/cases/{case}/eligible-voters?on={on}"), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{ev}");
    let n = ev["eligible_voters"].as_u64().unwrap();
    let mut details = json!({"deciding_body": "党支部党员大会",
        "vote": {"eligible_voters": n, "present_voters": n, "written_opinions": 0, "yes_votes": n, "no_votes": 0, "abstain_votes": 0}});
    for (k, v) in extra.as_object().unwrap() {
        details[k] = v.clone();
    }
    json!({"step": step_id, "date": on, "details": details})
}

/// A case in the `branch` account's branch, approved as 预备党员 (admission vote 2025-05-10, so
/// probation ends 2026-05-10; approval 2025-06-01) with its conversion application recorded.
/// `person` is merged into the case's person fields (e.g. an `id_card_no`).
pub async fn probationary_case(app: &TestApp, name: &str, person: Value) -> i64 {
    let case = candidate_case(app, name, person, "admission_vote").await;
    let vote = unanimous(app, case, "admission_vote", "2025-05-10", json!({})).await;
    ok_step(app, &app.branch, case, vote).await;
    ok_step(
        app,
        &app.branch,
        case,
        json!({"step": "approval_talk", "date": "2025-05-20", "details": {"people": ["组织员"]}}),
    )
    .await;
    ok_step(app, &app.college, case, json!({"step": "approval", "date": "2025-06-01"})).await;
    ok_step(app, &app.branch, case, json!({"step": "conversion_application", "date": "2026-04-20"})).await;
    case
}

/// A case in the `branch` account's branch (applied 2024-01-10) with every step up to, not
/// including, `stop_before` recorded (any step id up to `admission_vote`).
pub async fn candidate_case(app: &TestApp, name: &str, person: Value, stop_before: &str) -> i64 {
    let fx = app.fixtures().await;
    let full = full_members(app, fx.branch).await;
    let mut body = json!({"name": name, "gender": "female", "birth_date": "2003-05-01", "category": "student",
        "org_id": fx.branch, "applied_on": "2024-01-10"});
    for (k, v) in person.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (s, v) = app.post_json("/api/v1/development/cases", &app.branch, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let case = v["id"].as_i64().unwrap();
    for s in [
        json!({"step": "talk", "date": "2024-01-20", "details": {"people": ["王书记"]}}),
        json!({"step": "activist_recommendation", "date": "2024-03-15"}),
        json!({"step": "activist_filing", "date": "2024-03-20"}),
        json!({"step": "mentor_assignment", "date": "2024-03-20", "details": {"mentor_ids": [full[0]]}}),
        json!({"step": "activist_education", "date": "2024-09-10"}),
        json!({"step": "activist_education", "date": "2025-03-01"}),
        json!({"step": "candidate_determination", "date": "2025-03-20"}),
        json!({"step": "candidate_filing", "date": "2025-03-25"}),
        json!({"step": "sponsor_assignment", "date": "2025-04-01", "details": {"sponsor_ids": [full[1], full[2]]}}),
        json!({"step": "political_review", "date": "2025-04-10", "details": {"passed": true}}),
        json!({"step": "intensive_training", "date": "2025-04-15", "details": {"training_days": 3, "training_hours": 24}}),
        json!({"step": "committee_review", "date": "2025-04-20"}),
        json!({"step": "pre_review", "date": "2025-04-25"}),
        json!({"step": "application_form", "date": "2025-04-28"}),
    ] {
        if s["step"] == stop_before {
            break;
        }
        ok_step(app, &app.branch, case, s).await;
    }
    case
}

/// The member row a case created.
pub async fn member_of_case(app: &TestApp, case: i64) -> i64 {
    app.scalar(&format!(
        "SELECT m.id AS n FROM member m JOIN development_case c ON c.person_id = m.person_id WHERE c.id = {case}"
    ))
    .await
}

/// The PUT body that keeps a member's record as it is (read from the profile).
pub async fn member_input(app: &TestApp, id: i64) -> Value {
    let (s, p) = app.get(&format!("/api/v1/members/{id}"), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let m = &p["member"];
    let mut body = json!({});
    for k in [
        "name",
        "gender",
        "ethnicity",
        "birth_date",
        "id_card_no",
        "staff_no",
        "education",
        "title",
        "category",
        "phone",
        "enrollment_year",
        "status",
        "joined_on",
        "full_on",
        "special_status",
        "special_status_since",
    ] {
        body[k] = m[k].clone();
    }
    body
}
