//! The end of a case through the HTTP API and pages: a person from 入党申请人 to 正式党员 with
//! 党龄 from the end of probation, an extension (R1.24) and a cancellation as outcomes, the R1.28
//! archive checklist before closing, and the whole record printed and exported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;

async fn full_members(app: &TestApp, org: i64) -> Vec<i64> {
    let (s, v) = app.get(&format!("/api/v1/members?org={org}&status=full&per_page=200"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect()
}

async fn step(app: &TestApp, token: &str, case: i64, body: Value) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/development/cases/{case}/steps"), token, body).await
}

async fn ok_step(app: &TestApp, token: &str, case: i64, body: Value) -> Value {
    let (s, v) = step(app, token, case, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} → {v}");
    v
}

/// A vote with everyone eligible on `on` present and voting yes.
async fn unanimous(app: &TestApp, case: i64, step_id: &str, on: &str, extra: Value) -> Value {
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

/// A new case walked to the step before the admission vote.
async fn candidate(app: &TestApp, name: &str) -> i64 {
    let fx = app.fixtures().await;
    let full = full_members(app, fx.branch).await;
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.branch,
            json!({"name": name, "gender": "female", "birth_date": "2003-05-01", "category": "student", "org_id": fx.branch,
                   "applied_on": "2024-01-10"}),
        )
        .await;
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
        ok_step(app, &app.branch, case, s).await;
    }
    case
}

/// A new case walked through approval (admission vote 2025-05-10: probation ends 2026-05-10) and
/// the conversion application.
async fn probationary(app: &TestApp, name: &str) -> i64 {
    let case = candidate(app, name).await;
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

async fn member_of_case(app: &TestApp, case: i64, cond: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM member m JOIN development_case c ON c.person_id = m.person_id WHERE c.id = {case} AND {cond}"
    ))
    .await
}

both!(story_to_full_member_with_archive, |app| async move {
    let case = probationary(&app, "赵转正").await;
    for s in [
        json!({"step": "group_assignment", "date": "2025-06-05"}),
        json!({"step": "oath", "date": "2025-06-20"}),
        json!({"step": "probation_education", "date": "2025-12-01"}),
    ] {
        ok_step(&app, &app.branch, case, s).await;
    }
    let vote = unanimous(&app, case, "conversion_vote", "2026-05-11", json!({"outcome": "conversion"})).await;
    let v = ok_step(&app, &app.branch, case, vote).await;
    let voted = v["steps"].as_array().unwrap().iter().find(|s| s["step"] == "conversion_vote").unwrap();
    assert_eq!(voted["decision"], "按期转正", "{voted}");
    // The branch cannot approve the conversion (R1.25); the college committee can.
    let (s, v) = step(&app, &app.branch, case, json!({"step": "conversion_approval", "date": "2026-05-20"})).await;
    assert_eq!((s, v["error"]["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.25")), "{v}");
    let v = ok_step(&app, &app.college, case, json!({"step": "conversion_approval", "date": "2026-05-20"})).await;
    // 党龄 runs from the end of probation, not the approval (R1.26).
    assert_eq!(member_of_case(&app, case, "m.status = 'full' AND m.full_on = '2026-05-10'").await, 1);
    assert!(v["due"].as_array().unwrap().iter().any(|d| d["step"] == "archive"), "{v}");

    // R1.28: the case cannot be closed before the checklist is complete; nothing written.
    let (s, v) = step(&app, &app.branch, case, json!({"step": "archive", "date": "2026-06-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.28", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("入党志愿书"), "{v}");
    let (s, a) = app.get(&format!("/api/v1/development/cases/{case}/archive"), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["items"].as_array().unwrap().len(), 6);
    assert_eq!(a["complete"], false);
    // An item outside the list or an unknown status is refused naming the field; nothing written.
    let audit = app.audit_count().await;
    let path = format!("/api/v1/development/cases/{case}/archive");
    let (s, v) = app.put_json(&path, &app.branch, json!({"items": [{"item": "照片", "status": "filed"}]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["items[0].item"].is_string(), "{v}");
    let (s, v) = app.put_json(&path, &app.branch, json!({"items": [{"item": "政审材料", "status": "lost"}]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["items[0].status"].is_string(), "{v}");
    assert_eq!(app.audit_count().await, audit);
    // A read-only inspector sees the checklist but cannot change it.
    assert_eq!(app.get(&path, &app.inspector).await.0, StatusCode::OK);
    let (s, _) = app.put_json(&path, &app.inspector, json!({"items": []})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let items: Vec<Value> = a["items"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, x)| json!({"item": x["item"], "status": if i == 0 { "electronic" } else { "filed" }, "note": "档案室"}))
        .collect();
    let (s, v) = app.put_json(&path, &app.branch, json!({"items": items})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["complete"], true, "{v}");
    assert_eq!(app.audit_count().await, audit + 1, "one audited write");
    let v = ok_step(&app, &app.branch, case, json!({"step": "archive", "date": "2026-06-01"})).await;
    assert_eq!(v["status"], "closed", "{v}");
    assert!(v["due"].as_array().unwrap().is_empty());
    // A closed case's checklist is frozen.
    let (s, _) = app.put_json(&path, &app.branch, json!({"items": [{"item": "政审材料", "status": "missing"}]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The whole record: JSON, xlsx and the printable page.
    let (s, r) = app.get(&format!("/api/v1/development/cases/{case}/record"), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["detail"]["steps"].as_array().unwrap().len(), 25, "24 steps once (no step 18), step 6 twice: {r}");
    let x = app.get_raw(&format!("/api/v1/development/cases/{case}/record.xlsx"), &app.branch).await;
    assert_eq!(x.status, StatusCode::OK);
    let rows = xlsx_rows(&x.body);
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "赵转正")), "{rows:?}");
    let (cookie, _) = app.web_login("branch").await;
    let page = app.page(&format!("/development/{case}/print"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("发展党员工作记实") && html.contains("赵转正") && html.contains("已电子归档"), "{html}");
    assert!(html.contains("决议：按期转正"), "{html}");
    assert!(app.verify_chain().await.broken.is_empty());
});

both!(extension_then_conversion, |app| async move {
    let case = probationary(&app, "钱延长").await;
    let ext = |months: u32| json!({"outcome": "probation_extension", "extension_months": months});
    // R1.24: 6–12 months; 13 is refused naming the field.
    let vote = unanimous(&app, case, "conversion_vote", "2026-05-11", ext(13)).await;
    let (s, v) = step(&app, &app.branch, case, vote).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.24", "{v}");
    assert!(v["error"]["fields"]["extension_months"].is_string(), "{v}");
    let vote = unanimous(&app, case, "conversion_vote", "2026-05-11", ext(6)).await;
    ok_step(&app, &app.branch, case, vote).await;
    let v = ok_step(&app, &app.college, case, json!({"step": "conversion_approval", "date": "2026-05-20"})).await;
    // Still a 预备党员; the next conversion vote is due from the extended end (2026-11-10).
    assert_eq!(member_of_case(&app, case, "m.status = 'probationary' AND m.full_on IS NULL").await, 1);
    let due = v["due"].as_array().unwrap();
    let next = due.iter().find(|d| d["step"] == "conversion_vote").expect("a new conversion vote is due");
    assert_eq!(next["earliest"], "2026-11-10", "{v}");
    assert!(due.iter().all(|d| d["step"] != "archive"), "{v}");
    // Not before the extended end (R1.25), and not a second extension (R1.24).
    let vote = unanimous(&app, case, "conversion_vote", "2026-11-09", json!({})).await;
    let (s, v) = step(&app, &app.branch, case, vote).await;
    assert_eq!((s, v["error"]["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.25")), "{v}");
    let vote = unanimous(&app, case, "conversion_vote", "2026-11-10", ext(6)).await;
    let (s, v) = step(&app, &app.branch, case, vote).await;
    assert_eq!((s, v["error"]["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.24")), "{v}");
    let vote = unanimous(&app, case, "conversion_vote", "2026-11-10", json!({"outcome": "conversion"})).await;
    ok_step(&app, &app.branch, case, vote).await;
    // Only one vote per round: a third conversion vote is refused.
    let again = unanimous(&app, case, "conversion_vote", "2026-11-11", json!({})).await;
    assert_eq!(step(&app, &app.branch, case, again).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    ok_step(&app, &app.college, case, json!({"step": "conversion_approval", "date": "2026-11-20"})).await;
    // 党龄 from the end of the extended probation (R1.26).
    assert_eq!(member_of_case(&app, case, "m.status = 'full' AND m.full_on = '2026-11-10'").await, 1);
    let events = app
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM member_status_event e JOIN member m ON m.id = e.member_id JOIN development_case c ON c.person_id = m.person_id
             WHERE c.id = {case} AND e.new_value = 'probation_extension'"
        ))
        .await;
    assert_eq!(events, 1, "the extension is on the member's history");
});

both!(cancellation_ends_membership_and_case, |app| async move {
    let fx = app.fixtures().await;
    let case = probationary(&app, "孙取消").await;
    let (_, before) = app.get(&format!("/api/v1/members?org={}&per_page=1", fx.branch), &app.branch).await;
    let total_before = before["total"].as_i64().unwrap();
    let vote = unanimous(&app, case, "conversion_vote", "2026-05-11", json!({"outcome": "probation_cancelled"})).await;
    ok_step(&app, &app.branch, case, vote).await;
    let v = ok_step(&app, &app.college, case, json!({"step": "conversion_approval", "date": "2026-05-25"})).await;
    assert_eq!(v["status"], "closed", "{v}");
    assert_eq!(v["closed_on"], "2026-05-25");
    assert!(v["due"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(
        member_of_case(&app, case, "m.left_on = '2026-05-25' AND m.exit_reason = 'probation_cancelled'").await,
        1
    );
    // No longer on the roster, nor on the voters' roster after that date.
    let (_, after) = app.get(&format!("/api/v1/members?org={}&per_page=1", fx.branch), &app.branch).await;
    assert_eq!(after["total"].as_i64().unwrap(), total_before - 1, "{after}");
    let (_, ev) =
        app.get(&format!("/api/v1/development/cases/{case}/eligible-voters?on=2026-06-01"), &app.branch).await;
    assert!(ev["excluded"].as_array().unwrap().iter().all(|e| e["name"] != "孙取消"), "{ev}");
    // A closed case takes no more steps.
    let (s, _) = step(&app, &app.branch, case, json!({"step": "archive", "date": "2026-06-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // The profile stays readable and says what happened.
    let member = app
        .scalar(&format!(
            "SELECT m.id AS n FROM member m JOIN development_case c ON c.person_id = m.person_id WHERE c.id = {case}"
        ))
        .await;
    let (cookie, _) = app.web_login("branch").await;
    let html = app.page(&format!("/members/{member}"), &cookie).await.text();
    assert!(html.contains("已取消预备党员资格（2026-05-25）"), "{html}");
});

both!(pages_record_the_decision_and_the_checklist, |app| async move {
    let case = probationary(&app, "周页面").await;
    let (cookie, csrf) = app.web_login("branch").await;
    let page = app.page(&format!("/development/{case}"), &cookie).await;
    let html = page.text();
    assert!(
        html.contains("材料归档清单（R1.28）") && html.contains("转正讨论的决议") && html.contains("打印记实"),
        "{html}"
    );
    // A 13-month extension is refused by the form, which keeps what was typed.
    let (_, ev) =
        app.get(&format!("/api/v1/development/cases/{case}/eligible-voters?on=2026-05-11"), &app.branch).await;
    let n = ev["eligible_voters"].as_u64().unwrap().to_string();
    let path = format!("/development/{case}/steps");
    let fields = |months: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("step", "conversion_vote".to_string()),
            ("date", "2026-05-11".to_string()),
            ("present_voters", n.clone()),
            ("yes_votes", n.clone()),
            ("outcome", "probation_extension".to_string()),
            ("extension_months", months.to_string()),
            ("details", "支部大会讨论延长预备期".to_string()),
        ]
    };
    let bad = fields("13");
    let r = app.post_form(&path, &cookie, &bad.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(
        html.contains("R1.24") && html.contains("value=\"13\"") && html.contains("支部大会讨论延长预备期"),
        "{html}"
    );
    let good = fields("6");
    let r = app.post_form(&path, &cookie, &good.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let html = app.page(&format!("/development/{case}"), &cookie).await.text();
    assert!(html.contains("决议：延长预备期 6 个月"), "{html}");
    // The checklist form saves every row at once.
    let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
    for item in
        ["入党志愿书", "入党申请书", "入党积极分子培养考察登记表", "政审材料", "预备党员教育考察登记表", "转正申请书"]
    {
        form.extend([("item", item), ("status", "filed"), ("note", "")]);
    }
    let r = app.post_form(&format!("/development/{case}/archive"), &cookie, &form).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let (_, a) = app.get(&format!("/api/v1/development/cases/{case}/archive"), &app.branch).await;
    assert_eq!(a["complete"], true, "{a}");
    let x = app.page(&format!("/development/{case}/record.xlsx"), &cookie).await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(xlsx_rows(&x.body).iter().any(|r| r.iter().any(|c| c == "周页面")));
});

both!(one_conversion_meeting_decides_each_candidate, |app| async move {
    let fx = app.fixtures().await;
    let a = probationary(&app, "吴按期").await;
    let b = probationary(&app, "郑延长").await;
    let (s, p) =
        app.get(&format!("/api/v1/development/meetings/preview?org={}&on=2026-05-11", fx.branch), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let n = p["eligible"]["eligible_voters"].as_u64().unwrap();
    let meeting = |b_months: u32| {
        json!({"org_id": fx.branch, "kind": "conversion", "held_on": "2026-05-11", "present_voters": n, "written_opinions": 0,
               "ballots": [
                   {"case_ids": [a], "yes_votes": n, "no_votes": 0, "abstain_votes": 0},
                   {"case_ids": [b], "yes_votes": n, "no_votes": 0, "abstain_votes": 0,
                    "outcome": "probation_extension", "extension_months": b_months}]})
    };
    // A 5-month extension for one candidate refuses the whole meeting (R1.24), nothing written.
    let before = app.scalar("SELECT COUNT(*) AS n FROM development_meeting").await;
    let (s, v) = app.post_json("/api/v1/development/meetings", &app.branch, meeting(5)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("R1.24"), "{v}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM development_meeting").await, before);
    let (s, v) = app.post_json("/api/v1/development/meetings", &app.branch, meeting(6)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    for (case, decision) in [(a, "按期转正"), (b, "延长预备期 6 个月")] {
        let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
        let voted = d["steps"].as_array().unwrap().iter().find(|s| s["step"] == "conversion_vote").unwrap().clone();
        assert_eq!(voted["decision"], decision, "{voted}");
    }
});

both!(half_the_votes_pass_only_under_the_at_least_half_setting, |app| async move {
    let fx = app.fixtures().await;
    let case = candidate(&app, "冯半数").await;
    let (_, ev) =
        app.get(&format!("/api/v1/development/cases/{case}/eligible-voters?on=2025-05-10"), &app.branch).await;
    let n = ev["eligible_voters"].as_u64().unwrap();
    // An even 应到 (one member abroad excluded when the roster is odd), exactly half voting yes.
    let full = full_members(&app, fx.branch).await;
    let exclusions = if n % 2 == 1 { json!([{"member_id": full[3], "reason": "abroad"}]) } else { json!([]) };
    let even = if n % 2 == 1 { n - 1 } else { n };
    let vote = json!({"step": "admission_vote", "date": "2025-05-10", "details": {"exclusions": exclusions,
        "vote": {"eligible_voters": even, "present_voters": even, "written_opinions": 0, "yes_votes": even / 2, "no_votes": even / 2, "abstain_votes": 0}}});
    let (s, v) = step(&app, &app.branch, case, vote.clone()).await;
    assert_eq!((s, v["error"]["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.16")), "{v}");
    let (_, mut settings) = app.get("/api/v1/settings/development", &app.admin).await;
    assert_eq!(settings["strict_majority"], true);
    settings["strict_majority"] = json!(false);
    let (s, v) = app.put_json("/api/v1/settings/development", &app.admin, settings.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let v = ok_step(&app, &app.branch, case, vote).await;
    let voted = v["steps"].as_array().unwrap().iter().find(|s| s["step"] == "admission_vote").unwrap().clone();
    assert_eq!(voted["vote_outcome"], "passed", "{voted}");
    // The stored result stays what was decided after the school returns to the strict reading.
    settings["strict_majority"] = json!(true);
    let (s, _) = app.put_json("/api/v1/settings/development", &app.admin, settings).await;
    assert_eq!(s, StatusCode::OK);
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
    let voted = d["steps"].as_array().unwrap().iter().find(|s| s["step"] == "admission_vote").unwrap().clone();
    assert_eq!(voted["vote_outcome"], "passed", "{voted}");
});

both!(todo_list_cache_follows_writes, |app| async move {
    let fx = app.fixtures().await;
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.branch,
            json!({"name": "褚待办", "gender": "male", "birth_date": "2003-05-01", "category": "student", "org_id": fx.branch,
                   "applied_on": "2024-01-10"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let case = v["id"].as_i64().unwrap();
    let row = |list: &Value| list.as_array().unwrap().iter().find(|c| c["id"].as_i64() == Some(case)).cloned();
    let path = format!("/api/v1/development/cases?org={}", fx.branch);
    let due_steps = |r: &Value| {
        r["due"].as_array().unwrap().iter().map(|d| d["step"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    let (_, list) = app.get(&path, &app.branch).await;
    let r = row(&list).expect("listed");
    assert_eq!(due_steps(&r), vec!["talk"]);
    // The talk was due by 2024-02-10: overdue today, on the cached row too.
    assert_eq!(r["overdue"], true, "{r}");
    let (_, again) = app.get(&format!("{path}&overdue=true"), &app.branch).await;
    assert!(row(&again).is_some(), "the overdue filter reads the cached row");
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) AS n FROM development_due d JOIN development_case c ON c.id = d.case_id AND c.revision = d.revision WHERE d.case_id = {case}")).await,
        1,
        "the list cached the case at its revision"
    );
    // A recorded step makes the cached row stale: the list shows the next step at once.
    ok_step(&app, &app.branch, case, json!({"step": "talk", "date": "2024-01-20"})).await;
    let (_, list) = app.get(&path, &app.branch).await;
    let r = row(&list).expect("listed");
    assert_eq!(due_steps(&r), vec!["activist_recommendation"], "{r}");
    assert_eq!(r["last_step"], "talk");
    // A refused step changes nothing.
    let (s, _) = step(&app, &app.branch, case, json!({"step": "talk", "date": "2024-01-21"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = app.get(&path, &app.branch).await;
    assert_eq!(due_steps(&row(&list).unwrap()), vec!["activist_recommendation"]);
});
