//! A case follows its person (issue 8 part 2): a member transfer moves the open case, moving the
//! case of a probationary member moves the member, the receiving branch's roster and meeting decide,
//! R1.27 (2026) lets it postpone the conversion discussion up to six months after probation ends
//! with 党龄 from the original end; and a justification covers one decision (part 6).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;

/// Transfers the case's member to the sibling branch on `on` through the member API.
async fn transfer_member(app: &TestApp, case: i64, to: i64, on: &str) -> (StatusCode, Value) {
    let member = app.member_of_case(case).await;
    app.post_json(
        &format!("/api/v1/members/{member}/transfer"),
        &app.college,
        json!({"to_org_id": to, "on": on, "reason": "学院调整"}),
    )
    .await
}

async fn preview_lists(app: &TestApp, org: i64, case: i64, on: &str) -> bool {
    let (s, v) =
        app.get(&format!("/api/v1/development/meetings/preview?org={org}&kind=conversion&on={on}"), &app.college).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["candidates"].as_array().unwrap().iter().any(|c| c["case_id"] == case)
}

both!(member_transfer_moves_the_open_case, |app| async move {
    let fx = app.fixtures().await;
    let case = app.probationary_case("随转甲", 2024).await;
    let audit = app.audit_count().await;
    let (s, v) = transfer_member(&app, case, fx.sibling_branch, "2025-12-01").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["org_id"], fx.sibling_branch);
    assert_eq!(app.audit_count().await, audit + 2, "member and case audit rows, one transaction");
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.college).await;
    assert_eq!(d["org_id"], fx.sibling_branch, "the case moved with the member: {d}");
    let (_, t) = app.get(&format!("/api/v1/development/cases/{case}/transfers"), &app.college).await;
    assert_eq!(t.as_array().unwrap().len(), 1, "{t}");
    assert_eq!((t[0]["from_org_id"].as_i64(), t[0]["left_on"].as_str()), (Some(fx.branch), Some("2025-12-01")));
    // The old branch no longer sees it; the new branch's meeting lists it and its roster votes.
    assert_eq!(app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await.0, StatusCode::NOT_FOUND);
    assert!(preview_lists(&app, fx.sibling_branch, case, "2026-05-20").await);
    assert!(!preview_lists(&app, fx.branch, case, "2026-05-20").await);
    let (_, ev) =
        app.get(&format!("/api/v1/development/cases/{case}/eligible-voters?on=2026-05-20"), &app.college).await;
    let (_, roster) = app
        .get(
            &format!("/api/v1/development/meetings/preview?org={}&kind=conversion&on=2026-05-20", fx.sibling_branch),
            &app.college,
        )
        .await;
    assert_eq!(ev["eligible_voters"], roster["eligible"]["eligible_voters"], "the receiving roster: {ev}");
    let new_n = ev["eligible_voters"].as_u64().unwrap();
    assert!(new_n > 0, "{ev}");
    // A vote recorded by the receiving side is counted on its roster.
    let vote =
        app.unanimous_vote(&app.college, case, "conversion_vote", "2026-05-20", json!({"outcome": "conversion"})).await;
    let d = app.ok_case_step(&app.college, case, vote).await;
    let voted = d["steps"].as_array().unwrap().iter().find(|s| s["step"] == "conversion_vote").unwrap();
    assert_eq!(voted["eligible_voters"].as_u64(), Some(new_n), "{voted}");
});

both!(moving_the_case_of_a_probationary_member_moves_the_member, |app| async move {
    let fx = app.fixtures().await;
    let case = app.probationary_case("随转乙", 2024).await;
    let member = app.member_of_case(case).await;
    let audit = app.audit_count().await;
    let body =
        json!({"to_org_id": fx.sibling_branch, "left_on": "2025-11-28", "arrived_on": "2025-12-01", "note": "转专业"});
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/transfer"), &app.college, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(app.audit_count().await, audit + 2);
    let (_, m) = app.get(&format!("/api/v1/members/{member}"), &app.college).await;
    assert_eq!(m["member"]["org_id"], fx.sibling_branch, "{m}");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM membership_period WHERE member_id = {member} AND org_id = {} AND start_on = '2025-12-01' AND end_on IS NULL",
            fx.sibling_branch
        ))
        .await,
        1,
        "the membership changes on the arrival date"
    );
    // A member date the membership refuses names the case form's field; nothing is written.
    let n = app.scalar("SELECT COUNT(*) AS n FROM development_transfer").await;
    let body = json!({"to_org_id": fx.branch, "left_on": "2025-12-01", "arrived_on": "2025-12-01"});
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/transfer"), &app.college, body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["arrived_on"].is_string(), "{v}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM development_transfer").await, n);
    let (_, m) = app.get(&format!("/api/v1/members/{member}"), &app.college).await;
    assert_eq!(m["member"]["org_id"], fx.sibling_branch, "no half-written move: {m}");
});

both!(r1_27_receiving_branch_may_postpone_six_months, |app| async move {
    let fx = app.fixtures().await;
    // Probation ends 2026-05-10; transferred in 2025-12-01; six months after the end: 2026-11-10.
    let case = app.probationary_case("随转丙", 2024).await;
    let (s, v) = transfer_member(&app, case, fx.sibling_branch, "2025-12-01").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.college).await;
    let due = d["due"].as_array().unwrap().iter().find(|x| x["step"] == "conversion_vote").unwrap().clone();
    assert_eq!((due["rule"].as_str(), due["latest"].as_str()), (Some("R1.27"), Some("2026-11-10")), "{due}");
    // One day past the six months: a warning that needs a justification.
    let late =
        app.unanimous_vote(&app.college, case, "conversion_vote", "2026-11-11", json!({"outcome": "conversion"})).await;
    let (s, v) = app.case_step(&app.college, case, late).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        (v["error"]["code"].as_str(), v["error"]["rule"].as_str()),
        (Some("warning_needs_justification"), Some("R1.27"))
    );
    assert!(v["error"]["fields"]["justification"].is_string(), "{v}");
    // On the last day of the six months it is accepted as it is; the conversion date stays the original end.
    let vote =
        app.unanimous_vote(&app.college, case, "conversion_vote", "2026-11-10", json!({"outcome": "conversion"})).await;
    let d = app.ok_case_step(&app.college, case, vote).await;
    let info = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "R1.27")
        .unwrap_or_else(|| panic!("{d}"))
        .clone();
    assert_eq!(info["severity"], "info", "{info}");
    assert!(info["message_zh"].as_str().unwrap().contains("转正时间仍为预备期满日 2026-05-10"), "{info}");
    app.ok_case_step(&app.college, case, json!({"step": "conversion_approval", "date": "2026-11-20"})).await;
    let member = app.member_of_case(case).await;
    let (_, m) = app.get(&format!("/api/v1/members/{member}"), &app.college).await;
    assert_eq!(
        (m["member"]["status"].as_str(), m["member"]["full_on"].as_str()),
        (Some("full"), Some("2026-05-10")),
        "党龄 from the original end: {m}"
    );
});

both!(a_justification_does_not_cover_the_next_round, |app| async move {
    // Probation ends 2024-05-10. Round 1: extension by 6 months, approved late (R1.26, justified).
    let case = app.probationary_case("说明甲", 2022).await;
    let vote = app
        .unanimous_vote(
            &app.branch,
            case,
            "conversion_vote",
            "2024-05-10",
            json!({"outcome": "probation_extension", "extension_months": 6}),
        )
        .await;
    app.ok_case_step(&app.branch, case, vote).await;
    let late = json!({"step": "conversion_approval", "date": "2024-08-12"});
    let (s, v) = app.case_step(&app.college, case, late.clone()).await;
    assert_eq!((s, v["error"]["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.26")), "{v}");
    let mut justified = late.clone();
    justified["justification"] = json!("党委换届，延期审批");
    let d = app.ok_case_step(&app.college, case, justified).await;
    let o = d["overrides"].as_array().unwrap();
    assert_eq!(o.len(), 1, "{d}");
    assert_eq!(
        (o[0]["rule"].as_str(), o[0]["step"].as_str(), o[0]["round"].as_u64()),
        (Some("R1.26"), Some("conversion_approval"), Some(0))
    );
    // Round 2 after the extended end (2024-11-10): the same warning needs a new justification.
    let vote =
        app.unanimous_vote(&app.branch, case, "conversion_vote", "2024-11-11", json!({"outcome": "conversion"})).await;
    app.ok_case_step(&app.branch, case, vote).await;
    let late = json!({"step": "conversion_approval", "date": "2025-02-12"});
    let (s, v) = app.case_step(&app.college, case, late.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        (v["error"]["code"].as_str(), v["error"]["rule"].as_str()),
        (Some("warning_needs_justification"), Some("R1.26")),
        "{v}"
    );
    let mut justified = late;
    justified["justification"] = json!("第二轮：党委会议推迟");
    let d = app.ok_case_step(&app.college, case, justified).await;
    let o = d["overrides"].as_array().unwrap();
    assert_eq!(o.len(), 2, "{d}");
    assert_eq!((o[1]["step"].as_str(), o[1]["round"].as_u64()), (Some("conversion_approval"), Some(1)));
    assert_ne!(o[0]["step_id"], o[1]["step_id"]);
    // The case page says which override covers which step.
    let (cookie, _) = app.web_login("college").await;
    let html = app.page(&format!("/development/{case}"), &cookie).await.text();
    let part: String = html.split("特殊情况说明</h2>").nth(1).unwrap_or("").chars().take(800).collect();
    assert!(html.contains("针对第24步「上级党委审批（转正）」：</span>党委换届"), "round 1 on the page: {part}");
    assert!(html.contains("针对第24步「上级党委审批（转正）」（第2轮）：</span>第二轮"), "round 2 on the page");
});

/// An activist since 2024-03-01 in the `branch` account's branch who moved to the sibling branch,
/// leaving 2024-09-30 and arriving 2024-10-21 (20 days in transit), assessed in both.
async fn moved_activist(app: &TestApp, name: &str) -> i64 {
    let fx = app.fixtures().await;
    let mentor = app.full_member_ids(fx.branch).await[0];
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.college,
            json!({"name": name, "gender": "male", "birth_date": "2003-05-01", "category": "student", "org_id": fx.branch,
                   "applied_on": "2024-01-10"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let case = v["id"].as_i64().unwrap();
    for s in [
        json!({"step": "talk", "date": "2024-01-20"}),
        json!({"step": "activist_recommendation", "date": "2024-03-01"}),
        json!({"step": "activist_filing", "date": "2024-03-05"}),
        json!({"step": "mentor_assignment", "date": "2024-03-05", "details": {"mentor_ids": [mentor]}}),
        json!({"step": "activist_education", "date": "2024-08-20"}),
    ] {
        app.ok_case_step(&app.college, case, s).await;
    }
    let body = json!({"to_org_id": fx.sibling_branch, "left_on": "2024-09-30", "arrived_on": "2024-10-21"});
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/transfer"), &app.college, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    app.ok_case_step(&app.college, case, json!({"step": "activist_education", "date": "2025-02-10"})).await;
    case
}

async fn earliest_listing(app: &TestApp, case: i64) -> String {
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.college).await;
    let due = d["due"].as_array().unwrap();
    // Today's rule set (2026) shows the listing as `candidate_filing` (consent and 公示 first).
    let x = due
        .iter()
        .find(|x| x["step"] == "candidate_determination" || x["step"] == "candidate_filing")
        .unwrap_or_else(|| panic!("{d}"));
    x["earliest"].as_str().unwrap().to_string()
}

both!(transit_days_count_setting_both_ways, |app| async move {
    let (a, b) = (moved_activist(&app, "途中甲").await, moved_activist(&app, "途中乙").await);
    // Default (R1.9 stricter reading): the 20 days in transit do not count.
    let (_, defaults) = app.get("/api/v1/settings/development", &app.admin).await;
    assert_eq!(defaults["transit_days_count"], false, "{defaults}");
    assert_eq!(earliest_listing(&app, a).await, "2025-03-21");
    let (s, v) = app.case_step(&app.college, a, json!({"step": "candidate_determination", "date": "2025-03-20"})).await;
    assert_eq!((s, v["error"]["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.8")), "{v}");
    app.ok_case_step(&app.college, a, json!({"step": "candidate_determination", "date": "2025-03-21"})).await;
    // The school counts the days in transit: the year is complete on 2025-03-01.
    let mut on = defaults.clone();
    on["transit_days_count"] = json!(true);
    let (s, v) = app.put_json("/api/v1/settings/development", &app.admin, on).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(earliest_listing(&app, b).await, "2025-03-01");
    let (s, v) = app.case_step(&app.college, b, json!({"step": "candidate_determination", "date": "2025-02-28"})).await;
    assert_eq!((s, v["error"]["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.8")), "{v}");
    assert!(!v.to_string().contains("不计入"), "{v}");
    app.ok_case_step(&app.college, b, json!({"step": "candidate_determination", "date": "2025-03-01"})).await;
    // The settings page offers the choice with its reasoning.
    let (cookie, _) = app.web_login("admin").await;
    let html = app.page("/admin/settings", &cookie).await.text();
    assert!(html.contains("name=\"transit_days_count\"") && html.contains("培养教育时间可以连续计算"), "settings page");
    assert!(html.contains("<option value=\"true\" selected>计入"), "the stored choice is shown");
});

both!(migration_7_matches_old_overrides_to_their_step, |app| async move {
    let fx = app.fixtures().await;
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.college,
            json!({"name": "旧说明", "gender": "male", "birth_date": "2003-05-01", "category": "student", "org_id": fx.branch,
                   "applied_on": "2024-01-10"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let case = v["id"].as_i64().unwrap();
    // The talk more than a month after the application (R1.4), justified.
    let talk = json!({"step": "talk", "date": "2024-03-01", "justification": "申请人实习"});
    app.ok_case_step(&app.college, case, talk).await;
    let talk_id =
        app.scalar(&format!("SELECT id AS n FROM development_step WHERE case_id = {case} AND step = 'talk'")).await;
    // As a database from before migration 7 had it: no step on the override, the application
    // recorded earlier, the talk and the override in the same second.
    for sql in [
        format!("UPDATE development_override SET step_id = NULL WHERE case_id = {case}"),
        format!(
            "UPDATE development_step SET created_at = '2024-01-10T02:00:00Z' WHERE case_id = {case} AND step = 'application'"
        ),
        format!(
            "UPDATE development_step SET created_at = '2024-03-01T02:00:00Z' WHERE case_id = {case} AND step = 'talk'"
        ),
        format!("UPDATE development_override SET created_at = '2024-03-01T02:00:00Z' WHERE case_id = {case}"),
        jiceng::db::migrations::OVERRIDE_STEP_BACKFILL.to_string(),
    ] {
        sqlx::query(&sql).execute(&app.db.pool).await.unwrap();
    }
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.college).await;
    let o = &d["overrides"][0];
    assert_eq!((o["step_id"].as_i64(), o["step"].as_str()), (Some(talk_id), Some("talk")), "{d}");
    let f = d["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "R1.4").unwrap().clone();
    assert_eq!(f["severity"], "info", "the old justification still covers its own step: {f}");
});
