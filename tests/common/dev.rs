//! Development-case helpers shared by the HTTP tests: a fresh branch with members of known
//! history, a case walked through its steps.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{TestApp, id_card};

/// A new teacher branch under `parent`, created with `token` and founded today by three full
/// members of `parent` (R3.1).
pub async fn new_branch(app: &TestApp, token: &str, parent: i64, name: &str) -> i64 {
    let founders = app.full_members_of(parent, &super::ymd(super::today()), 3).await;
    let body = json!({"parent_id": parent, "kind": "branch", "category": "teacher", "name": name,
                      "founding_member_ids": founders});
    let (s, v) = app.post_json("/api/v1/orgs", token, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["id"].as_i64().unwrap()
}

/// A new member of `org`: `status` with `joined_on` and `full_on` (None for a 预备党员); `seq` keeps
/// the 身份证号 unique (0..=99).
pub async fn add_member(
    app: &TestApp,
    token: &str,
    org: i64,
    name: &str,
    seq: u32,
    joined_on: &str,
    full_on: Option<&str>,
) -> i64 {
    let birth = NaiveDate::from_ymd_opt(1990, 6, 1).unwrap();
    let body = json!({
        "name": name, "id_card_no": id_card("110105", birth, seq.is_multiple_of(2), seq), "category": "teacher",
        "org_id": org, "status": if full_on.is_some() { "full" } else { "probationary" },
        "joined_on": joined_on, "full_on": full_on,
    });
    let (s, v) = app.post_json("/api/v1/members", token, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["id"].as_i64().unwrap()
}

/// Opens a case for a new person in `org`, applying on 2024-01-10.
pub async fn open_case(app: &TestApp, token: &str, org: i64, name: &str) -> i64 {
    let body = json!({"name": name, "gender": "male", "birth_date": "2003-05-01", "category": "student",
                      "org_id": org, "applied_on": "2024-01-10"});
    let (s, v) = app.post_json("/api/v1/development/cases", token, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["id"].as_i64().unwrap()
}

/// Records one step; returns status and body.
pub async fn step(app: &TestApp, token: &str, case: i64, body: Value) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/development/cases/{case}/steps"), token, body).await
}

/// Records steps that must pass.
pub async fn walk(app: &TestApp, token: &str, case: i64, steps: &[Value]) {
    for body in steps {
        let (s, v) = step(app, token, case, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{body} → {v}");
    }
}

/// The 2014-rules steps of a case opened by [`open_case`] up to (excluding) `until`, with
/// `mentor` and `sponsors`: talk 2024-01-20 … application form 2025-04-28.
pub fn steps_until(until: &str, mentor: i64, sponsors: [i64; 2]) -> Vec<Value> {
    let all = [
        json!({"step": "talk", "date": "2024-01-20"}),
        json!({"step": "activist_recommendation", "date": "2024-03-15"}),
        json!({"step": "activist_filing", "date": "2024-03-20"}),
        json!({"step": "mentor_assignment", "date": "2024-03-20", "details": {"mentor_ids": [mentor]}}),
        json!({"step": "activist_education", "date": "2024-09-10"}),
        json!({"step": "activist_education", "date": "2025-03-01"}),
        json!({"step": "candidate_determination", "date": "2025-03-20"}),
        json!({"step": "candidate_filing", "date": "2025-03-25"}),
        json!({"step": "sponsor_assignment", "date": "2025-04-01", "details": {"sponsor_ids": sponsors}}),
        json!({"step": "political_review", "date": "2025-04-10", "details": {"passed": true}}),
        json!({"step": "intensive_training", "date": "2025-04-15", "details": {"training_days": 3, "training_hours": 24}}),
        json!({"step": "committee_review", "date": "2025-04-20"}),
        json!({"step": "pre_review", "date": "2025-04-25"}),
        json!({"step": "application_form", "date": "2025-04-28"}),
    ];
    all.into_iter().take_while(|s| s["step"] != until).collect()
}

/// The findings of a 422 body with `rule`.
pub fn findings_of<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["error"]["findings"].as_array().map(|a| a.iter().filter(|f| f["rule"] == rule).collect()).unwrap_or_default()
}

/// Number of recorded steps of a case.
pub async fn step_count(app: &TestApp, case: i64) -> i64 {
    app.scalar(&format!("SELECT COUNT(*) AS n FROM development_step WHERE case_id = {case}")).await
}
