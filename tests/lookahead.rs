//! Look ahead (issue 8 part 7): a planned step is checked without recording it and gives the
//! same findings as recording; nothing stays; dates ahead and years without holiday data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use common::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn check(app: &TestApp, case: i64, body: &Value) -> Value {
    let (s, v) =
        app.post_json(&format!("/api/v1/development/cases/{case}/steps/check"), &app.branch, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} → {v}");
    v
}

async fn record(app: &TestApp, case: i64, body: &Value) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/development/cases/{case}/steps"), &app.branch, body.clone()).await
}

/// (rule, severity, message) of the findings of one severity.
fn of(findings: &Value, severity: &str) -> Vec<(String, String)> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == severity)
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["message_zh"].as_str().unwrap().to_string()))
        .collect()
}

both!(check_gives_the_findings_of_recording, |app| async move {
    let fx = app.fixtures().await;
    let case = app.open_case_on(&app.branch, fx.branch, "预先查", d(2024, 1, 10)).await;

    // A block (R1.1: the talk is not recorded yet): same blocks, nothing stays.
    let early = json!({"step": "activist_recommendation", "date": "2024-01-20"});
    let before = app.case_trace(case).await;
    let generation = app.db.generation.load(std::sync::atomic::Ordering::SeqCst);
    let k = check(&app, case, &early).await;
    assert_eq!((k["would_record"].as_bool(), k["needs_justification"].as_bool()), (Some(false), Some(false)), "{k}");
    assert_eq!(app.case_trace(case).await, before, "a check leaves no step, override, revision or audit row");
    assert_eq!(app.db.generation.load(std::sync::atomic::Ordering::SeqCst), generation, "no cache bump");
    let (s, e) = record(&app, case, &early).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(!of(&k["findings"], "block").is_empty(), "{k}");
    assert_eq!(of(&k["findings"], "block"), of(&e["error"]["findings"], "block"), "{k} / {e}");
    // As the case stands: the talk is still what is due.
    assert!(k["next_steps"].as_array().unwrap().iter().any(|x| x["step"] == "talk"), "{k}");

    // A warning (R1.4: the talk more than a month after the application).
    let late = json!({"step": "talk", "date": "2024-03-01", "details": {"people": ["王书记"]}});
    let k = check(&app, case, &late).await;
    assert_eq!((k["would_record"].as_bool(), k["needs_justification"].as_bool()), (Some(false), Some(true)), "{k}");
    assert_eq!(app.case_trace(case).await, before);
    let (s, e) = record(&app, case, &late).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("warning_needs_justification"))
    );
    assert_eq!(of(&k["findings"], "warn"), of(&e["error"]["findings"], "warn"), "{k} / {e}");
    assert_eq!(of(&k["findings"], "warn")[0].0, "R1.4");
    // With a justification it would record (and the check still saves nothing).
    let mut justified = late.clone();
    justified["justification"] = json!("寒假离校");
    let k = check(&app, case, &justified).await;
    assert_eq!(k["would_record"], true, "{k}");
    assert_eq!(app.case_trace(case).await, before);

    // A clean step: no block or warning, and the next steps are those of the recorded case.
    let clean = json!({"step": "talk", "date": "2024-01-25", "details": {"people": ["王书记"]}});
    let k = check(&app, case, &clean).await;
    assert_eq!(k["would_record"], true, "{k}");
    assert!(of(&k["findings"], "block").is_empty() && of(&k["findings"], "warn").is_empty(), "{k}");
    assert_eq!(app.case_trace(case).await, before);
    let (s, v) = record(&app, case, &clean).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(k["next_steps"], v["due"], "check and recording agree on what is due next");
    assert!(k["next_steps"].as_array().unwrap().iter().any(|x| x["step"] == "activist_recommendation"), "{k}");
    let after = app.case_trace(case).await;
    assert_eq!((after.0, after.3), (before.0 + 1, before.3 + 1), "recording writes the step and its audit row");
    assert!(app.verify_chain().await.broken.is_empty(), "the audit chain is intact");

    // Scope and bad input as recording: another unit's case is a 404, an unknown step a 422;
    // an inspector cannot check either (read-only).
    let foreign = app.open_case_on(&app.admin, fx.foreign_branch, "外单位", d(2024, 1, 10)).await;
    let (s, _) =
        app.post_json(&format!("/api/v1/development/cases/{foreign}/steps/check"), &app.branch, clean.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = app
        .post_json(
            &format!("/api/v1/development/cases/{case}/steps/check"),
            &app.branch,
            json!({"step": "nap", "date": "2024-02-01"}),
        )
        .await;
    assert_eq!((s, v["error"]["fields"]["step"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{v}");
    let (s, _) = app.post_json(&format!("/api/v1/development/cases/{case}/steps/check"), &app.inspector, clean).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(check_on_a_future_date_in_2027, |app| async move {
    let fx = app.fixtures().await;
    let today = today();
    let case = app.open_case_on(&app.branch, fx.branch, "明年谈", today - Duration::days(3)).await;
    let before = app.case_trace(case).await;
    let planned = d(2027, 3, 10);
    let body = json!({"step": "talk", "date": ymd(planned), "details": {"people": ["王书记"]}});
    let k = check(&app, case, &body).await;
    assert_eq!(app.case_trace(case).await, before, "nothing saved");
    assert_eq!(k["judged_on"], ymd(planned.max(today)));
    let infos = of(&k["findings"], "info");
    if today < planned {
        // Recording refuses a future date today; the check judges the plan and says so.
        assert!(of(&k["findings"], "block").is_empty(), "no DATA block in check mode: {k}");
        assert!(
            infos.iter().any(|(r, m)| r == "DATA" && m.contains("2027-03-10") && m.contains("现在登记会被拒绝")),
            "{k}"
        );
        let (s, e) = record(&app, case, &body).await;
        assert_eq!((s, e["error"]["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("DATA")), "{e}");
    }
    // 2027 has no holiday arrangement entered: the check and the deadlines in 2027 say so.
    assert!(infos.iter().any(|(r, m)| r == "C4" && m.contains("2027 年节假日安排尚未录入，按周末计算")), "{k}");
    for x in k["next_steps"].as_array().unwrap() {
        let in_2027 = [&x["earliest"], &x["latest"]].iter().any(|v| v.as_str().is_some_and(|s| s.starts_with("2027")));
        if in_2027 {
            assert!(x["note_zh"].as_str().unwrap().contains("2027 年节假日安排尚未录入，按周末计算"), "{x}");
        }
    }
    // The working-day page and API name the covered years; a 2027 holiday correction covers it.
    let (s, y) = app.get("/api/v1/workdays?year=2027", &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{y}");
    let covered: Vec<i64> = y["covered_years"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert!(covered.contains(&2014) && covered.contains(&2026) && !covered.contains(&2027), "{y}");
    let (cookie, _) = app.web_login("admin").await;
    let html = app.page("/admin/workdays?year=2027", &cookie).await.text();
    assert!(html.contains("已录入节假日安排的年份：<strong>2014–2026</strong>"), "{html}");
    let cal = app.page("/development/calendar?month=2027-03", &cookie).await.text();
    assert!(cal.contains("2027 年节假日安排尚未录入，按周末计算"), "the calendar says so");
    let (s, v) =
        app.put_json("/api/v1/workdays/2027-02-08", &app.admin, json!({"kind": "holiday", "name": "2027年春节"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, y) = app.get("/api/v1/workdays?year=2027", &app.branch).await;
    assert!(y["covered_years"].as_array().unwrap().iter().any(|v| v == 2027), "{y}");
    let k = check(&app, case, &body).await;
    assert!(!of(&k["findings"], "info").iter().any(|(r, _)| r == "C4"), "{k}");
    let cal = app.page("/development/calendar?month=2027-03", &cookie).await.text();
    assert!(!cal.contains("2027 年节假日安排尚未录入"));
});

both!(check_button_keeps_the_typed_values_and_saves_nothing, |app| async move {
    let fx = app.fixtures().await;
    let case = app.open_case_on(&app.branch, fx.branch, "表单查", d(2024, 1, 10)).await;
    let (cookie, csrf) = app.web_login("branch").await;
    let before = app.case_trace(case).await;
    let path = format!("/development/{case}/steps");
    let fields = [
        ("_csrf", csrf.as_str()),
        ("step", "talk"),
        ("date", "2024-03-01"),
        ("people", "王书记"),
        ("details", "谈话记录已存档"),
        ("action", "check"),
    ];
    let r = app.post_form(&path, &cookie, &fields).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("检查结果（未保存）"), "{html}");
    assert!(html.contains("需填写特殊情况说明后才能登记") && html.contains("R1.4"), "the warning is shown");
    assert!(
        html.contains("value=\"2024-03-01\"") && html.contains("value=\"王书记\"") && html.contains("谈话记录已存档")
    );
    assert_eq!(app.case_trace(case).await, before, "nothing saved");
    // The same form with 登记 records (with a justification).
    let mut fields = fields.to_vec();
    fields.retain(|(k, _)| *k != "action");
    fields.push(("justification", "寒假离校"));
    let r = app.post_form(&path, &cookie, &fields).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert_eq!(app.case_trace(case).await.0, before.0 + 1);
});
