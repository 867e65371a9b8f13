//! 党纪处分 through the HTTP API: recording and validation, scoping, the restoration of rights,
//! and their effect on development: a 入党介绍人 under 留党察看 is refused (R1.10) and a voter
//! under 留党察看 is not counted (R1.17).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

use common::*;

/// Full members of a branch (or its groups) since before 2022, in it continuously since before 2024:
/// full members on every date the tests use.
async fn veterans(app: &TestApp, branch: i64) -> Vec<i64> {
    let sql = format!(
        "SELECT DISTINCT m.id AS id FROM member m JOIN membership_period p ON p.member_id = m.id JOIN org o ON o.id = p.org_id
         WHERE (o.id = {branch} OR o.parent_id = {branch}) AND p.start_on <= '2024-01-01' AND p.end_on IS NULL
         AND m.status = 'full' AND m.full_on IS NOT NULL AND m.full_on <= '2022-01-01' AND m.joined_on <= '2021-01-01'
         AND m.special_status = 'normal' ORDER BY m.id"
    );
    let rows = sqlx::query(&sql).fetch_all(&app.db.pool).await.unwrap();
    rows.iter().map(|r| r.try_get::<i64, _>("id").unwrap()).collect()
}

async fn penalty_count(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) AS n FROM member_penalty").await
}

async fn add(app: &TestApp, token: &str, member: i64, body: Value) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/members/{member}/penalties"), token, body).await
}

both!(crud_validation_and_scope, |app| async move {
    let fx = app.fixtures().await;
    let vets = veterans(&app, fx.branch).await;
    assert!(!vets.is_empty(), "the branch has long-standing full members");
    let m = vets[0];
    let audit_before = app.audit_count().await;

    let (s, v) = app.get(&format!("/api/v1/members/{m}/penalties"), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v, json!([]));

    // Bad input: each a 422 naming the field; nothing written.
    let bad = [
        (json!({"kind": "reprimand", "decided_on": "2023-01-01"}), "kind"),
        (json!({"kind": "warning"}), "decided_on"),
        (json!({"kind": "warning", "decided_on": "2100-01-01"}), "decided_on"),
        (json!({"kind": "warning", "decided_on": "1990-01-01"}), "decided_on"),
        (json!({"kind": "probation", "decided_on": "2023-01-01"}), "period_months"),
        (json!({"kind": "probation", "decided_on": "2023-01-01", "period_months": 6}), "period_months"),
        (json!({"kind": "warning", "decided_on": "2023-01-01", "period_months": 12}), "period_months"),
        (json!({"kind": "warning", "decided_on": "2023-01-01", "restored_on": "2023-06-01"}), "restored_on"),
        (
            json!({"kind": "probation", "decided_on": "2023-01-01", "period_months": 12, "restored_on": "2022-12-31"}),
            "restored_on",
        ),
        (json!({"kind": "warning", "decided_on": "2023-01-01", "document": "文".repeat(101)}), "document"),
    ];
    for (body, field) in bad {
        let (s, v) = add(&app, &app.branch, m, body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {v}");
        assert!(v["error"]["fields"][field].is_string(), "{body} → {v}");
    }
    assert_eq!(penalty_count(&app).await, 0, "nothing written");

    // A warning of 2023: its 影响期 (one year) is over.
    let (s, w) =
        add(&app, &app.branch, m, json!({"kind": "警告", "decided_on": "2023-01-10", "document": "党纪〔2023〕1号"}))
            .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert_eq!(w["kind"], "warning");
    assert_eq!(w["kind_label"], "警告");
    assert_eq!(w["impact_ends_on"], "2024-01-10");
    assert_eq!(w["in_force"], false);
    assert_eq!(w["created_by"].as_str().map(|s| !s.is_empty()), Some(true));
    // A 留党察看 of two years without a restoration: rights come back the day after the 察看期.
    let (s, p) =
        add(&app, &app.branch, m, json!({"kind": "probation", "decided_on": "2024-03-10", "period_months": 24})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["rights_restored_on"], "2026-03-10");
    let pid = p["id"].as_i64().unwrap();
    let (_, list) = app.get(&format!("/api/v1/members/{m}/penalties"), &app.college).await;
    let kinds: Vec<&str> = list.as_array().unwrap().iter().map(|x| x["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["probation", "warning"], "newest decision first: {list}");

    // Restoration: validated, then recorded once.
    let restore_url = format!("/api/v1/members/{m}/penalties/{pid}/restore");
    let restore = |body: Value| app.post_json(&restore_url, &app.branch, body);
    let (s, v) = restore(json!({"restored_on": "2024-03-09"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["restored_on"].is_string(), "{v}");
    let (s, v) = restore(json!({"restored_on": "2100-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = restore(json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = restore(json!({"restored_on": "2025-03-10"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["restored_on"], "2025-03-10");
    assert_eq!(v["rights_restored_on"], "2025-03-10");
    assert_eq!(v["in_force"], false);
    let (s, v) = restore(json!({"restored_on": "2025-03-11"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "restored twice: {v}");
    let wid = w["id"].as_i64().unwrap();
    let (s, v) = app
        .post_json(
            &format!("/api/v1/members/{m}/penalties/{wid}/restore"),
            &app.branch,
            json!({"restored_on": "2024-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a warning has no restoration: {v}");

    // Scope: a foreign member is 404 for reading and writing; a penalty id of another member too.
    let ok_body = json!({"kind": "warning", "decided_on": "2023-01-10"});
    for token in [&app.branch, &app.college, &app.inspector] {
        let (s, _) = app.get(&format!("/api/v1/members/{}/penalties", fx.foreign_member), token).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (s, _) = add(&app, &app.branch, fx.foreign_member, ok_body.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = add(&app, &app.college, fx.foreign_member, ok_body.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = add(&app, &app.branch, 99_999_999, ok_body.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post_json(
            &format!("/api/v1/members/{}/penalties/{pid}/restore", fx.other_in_branch),
            &app.branch,
            json!({"restored_on": "2025-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a penalty of another member");
    // Read-only roles cannot write; a member reads their own record only.
    let (s, _) = add(&app, &app.inspector, m, ok_body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = add(&app, &app.member, fx.member_me, ok_body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app.get(&format!("/api/v1/members/{}/penalties", fx.member_me), &app.member).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    if m != fx.member_me {
        let (s, _) = app.get(&format!("/api/v1/members/{m}/penalties"), &app.member).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    assert_eq!(penalty_count(&app).await, 2);
    assert_eq!(app.audit_count().await, audit_before + 3, "two records and one restoration audited");
    assert!(app.verify_chain().await.broken.is_empty());
});

/// Opens a case in `org` and walks it to the point where the 入党介绍人 are named (2014 rules).
async fn case_before_sponsors(app: &TestApp, org: i64, mentor: i64) -> i64 {
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.branch,
            json!({"name": "处分测试", "gender": "male", "birth_date": "2003-05-01", "org_id": org, "applied_on": "2024-01-10"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let case = v["id"].as_i64().unwrap();
    for body in [
        json!({"step": "talk", "date": "2024-01-20"}),
        json!({"step": "activist_recommendation", "date": "2024-03-15"}),
        json!({"step": "activist_filing", "date": "2024-03-20"}),
        json!({"step": "mentor_assignment", "date": "2024-03-20", "details": {"mentor_ids": [mentor]}}),
        json!({"step": "activist_education", "date": "2024-09-10"}),
        json!({"step": "activist_education", "date": "2025-03-01"}),
        json!({"step": "candidate_determination", "date": "2025-03-20"}),
        json!({"step": "candidate_filing", "date": "2025-03-25"}),
    ] {
        let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/steps"), &app.branch, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{body} → {v}");
    }
    case
}

both!(sponsor_under_probation_is_refused, |app| async move {
    let fx = app.fixtures().await;
    let vets = veterans(&app, fx.branch).await;
    assert!(vets.len() >= 3, "three long-standing full members: {vets:?}");
    let case = case_before_sponsors(&app, fx.branch, vets[0]).await;
    let (s, p) =
        add(&app, &app.branch, vets[1], json!({"kind": "probation", "decided_on": "2025-01-15", "period_months": 12}))
            .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let pid = p["id"].as_i64().unwrap();

    let sponsors =
        json!({"step": "sponsor_assignment", "date": "2025-04-01", "details": {"sponsor_ids": [vets[1], vets[2]]}});
    let steps_before = app.scalar(&format!("SELECT COUNT(*) AS n FROM development_step WHERE case_id = {case}")).await;
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/steps"), &app.branch, sponsors.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.10", "{v}");
    let f = v["error"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "R1.10" && f["message_zh"].as_str().unwrap().contains("留党察看"))
        .unwrap_or_else(|| panic!("a 留党察看 finding: {v}"));
    assert_eq!(f["severity"], "block");
    assert!(
        f["facts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["key"] == "member_id" && x["value"] == json!(vets[1].to_string())),
        "{f}"
    );
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) AS n FROM development_step WHERE case_id = {case}")).await,
        steps_before,
        "nothing written"
    );

    // Rights restored the day before: the same sponsors are accepted.
    let (s, v) = app
        .post_json(
            &format!("/api/v1/members/{}/penalties/{pid}/restore", vets[1]),
            &app.branch,
            json!({"restored_on": "2025-03-31"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/steps"), &app.branch, sponsors).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["steps"].as_array().unwrap().iter().any(|s| s["step"] == "sponsor_assignment"));
});

both!(voter_under_probation_is_not_counted, |app| async move {
    let fx = app.fixtures().await;
    let vets = veterans(&app, fx.branch).await;
    assert!(!vets.is_empty());
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.branch,
            json!({"name": "表决测试", "gender": "female", "birth_date": "2003-05-01", "org_id": fx.branch, "applied_on": "2024-01-10"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let case = v["id"].as_i64().unwrap();
    let eligible = |on: &'static str| {
        let app = &app;
        async move {
            let (s, v) =
                app.get(&format!("/api/v1/development/cases/{case}/eligible-voters?on={on}"), &app.branch).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            v
        }
    };
    let penalized = |v: &Value, id: i64| {
        v["excluded"].as_array().unwrap().iter().any(|e| e["member_id"] == id && e["reason"] == "probation_penalty")
    };
    let before = eligible("2025-05-10").await;
    assert!(!penalized(&before, vets[0]), "{before}");
    let n0 = before["eligible_voters"].as_u64().unwrap();

    let (s, p) =
        add(&app, &app.branch, vets[0], json!({"kind": "probation", "decided_on": "2025-05-01", "period_months": 12}))
            .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    // Under 留党察看 on the meeting date: on the roster, not counted.
    let during = eligible("2025-05-10").await;
    assert_eq!(during["eligible_voters"].as_u64().unwrap(), n0 - 1, "{during}");
    assert!(penalized(&during, vets[0]), "{during}");
    // The day before the decision and the day rights come back (2026-05-01): counted.
    let day_before = eligible("2025-04-30").await;
    assert!(!penalized(&day_before, vets[0]), "{day_before}");
    let restored = eligible("2026-05-01").await;
    assert!(!penalized(&restored, vets[0]), "{restored}");
    let last_day = eligible("2026-04-30").await;
    assert!(penalized(&last_day, vets[0]), "the last day of the 察看期: {last_day}");
});

both!(member_page_penalty_section, |app| async move {
    let fx = app.fixtures().await;
    let vets = veterans(&app, fx.branch).await;
    let m = vets[0];
    let (cookie, csrf) = app.web_login("branch").await;
    let page = app.page(&format!("/members/{m}"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("党纪处分"), "section shown");
    // A bad form re-renders with the typed values and the field message.
    let r = app
        .post_form(
            &format!("/members/{m}/penalties"),
            &cookie,
            &[
                ("_csrf", &csrf),
                ("kind", "probation"),
                ("decided_on", "2024-02-02"),
                ("period_months", ""),
                ("document", "党纪〔2024〕7号"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("党纪〔2024〕7号") && r.text().contains("12 或 24"), "{}", r.text());
    assert_eq!(penalty_count(&app).await, 0);
    let r = app
        .post_form(
            &format!("/members/{m}/penalties"),
            &cookie,
            &[
                ("_csrf", &csrf),
                ("kind", "probation"),
                ("decided_on", "2024-02-02"),
                ("period_months", "12"),
                ("document", "党纪〔2024〕7号"),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let page = app.page(&format!("/members/{m}"), &cookie).await;
    assert!(page.text().contains("留党察看") && page.text().contains("2025-02-02"), "listed with the restoration date");
    assert_eq!(penalty_count(&app).await, 1);
    // A missing CSRF token is refused.
    let r = app
        .post_form(&format!("/members/{m}/penalties"), &cookie, &[("kind", "warning"), ("decided_on", "2024-02-02")])
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(penalty_count(&app).await, 1);
});

both!(sponsor_in_impact_period_warns_under_2026_rules, |app| async move {
    let fx = app.fixtures().await;
    let vets = veterans(&app, fx.branch).await;
    assert!(vets.len() >= 3, "{vets:?}");
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.branch,
            json!({"name": "影响期测试", "gender": "male", "birth_date": "2003-05-01", "org_id": fx.branch, "applied_on": "2025-01-06"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let case = v["id"].as_i64().unwrap();
    for body in [
        json!({"step": "talk", "date": "2025-01-20"}),
        json!({"step": "activist_recommendation", "date": "2025-03-03"}),
        json!({"step": "activist_filing", "date": "2025-03-05"}),
        json!({"step": "mentor_assignment", "date": "2025-03-05", "details": {"mentor_ids": [vets[0]]}}),
        json!({"step": "activist_education", "date": "2025-09-01"}),
        json!({"step": "activist_education", "date": "2026-02-27"}),
        json!({"step": "candidate_filing", "date": "2026-06-01"}),
        json!({"step": "candidate_determination", "date": "2026-06-09",
               "details": {"publicity_start": "2026-06-02", "publicity_end": "2026-06-08"}}),
    ] {
        let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/steps"), &app.branch, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{body} → {v}");
    }
    // A 严重警告 of 2025-06-01: its 影响期 (18 months) runs until 2026-11-30.
    let (s, p) = add(&app, &app.branch, vets[1], json!({"kind": "serious_warning", "decided_on": "2025-06-01"})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["impact_ends_on"], "2026-12-01");
    let sponsors =
        json!({"step": "sponsor_assignment", "date": "2026-06-15", "details": {"sponsor_ids": [vets[1], vets[2]]}});
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/steps"), &app.branch, sponsors.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "warning_needs_justification", "不宜, not 不能: {v}");
    assert_eq!(v["error"]["rule"], "R1.10", "{v}");
    let mut justified = sponsors;
    justified["justification"] = json!("支部仅此两名熟悉情况的正式党员");
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/steps"), &app.branch, justified).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["overrides"].as_array().unwrap().iter().any(|o| o["rule"] == "R1.10"), "{v}");
});
