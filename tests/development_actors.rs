//! Issue 8 parts 3–4 through the HTTP API: who may act is judged on the step's date — a 预备党员
//! mentor (R1.6) and a suspended sponsor (R1.10) are refused; a 预备党员's ballot is refused (R1.17)
//! and a 书面意见 submitted on the meeting day is not counted (R1.16); R1.5 is named when the
//! activist's 上级党委备案 is missing; a short training is refused at once (R1.12); the leaving
//! date is taken from the step (R1.13).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::dev::*;
use common::*;

/// A fresh branch of the first college with five long-standing full members, one member converted
/// on 2024-06-01 and one still probationary; returns (branch, full members, converted, probationary).
async fn branch_with_members(app: &TestApp) -> (i64, Vec<i64>, i64, i64) {
    let fx = app.fixtures().await;
    let t = &app.college;
    let org = new_branch(app, t, fx.college, "规则测试教工党支部").await;
    let mut full = Vec::new();
    for (i, name) in ["甲老师", "乙老师", "丙老师", "丁老师", "戊老师"].iter().enumerate() {
        full.push(add_member(app, t, org, name, 60 + i as u32, "2010-07-01", Some("2011-07-01")).await);
    }
    let converted = add_member(app, t, org, "张三", 70, "2023-06-01", Some("2024-06-01")).await;
    let probationary = add_member(app, t, org, "李四", 71, "2025-01-10", None).await;
    (org, full, converted, probationary)
}

fn message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or_default()
}

both!(mentor_probationary_on_the_date_is_refused, |app| async move {
    let (org, full, converted, probationary) = branch_with_members(&app).await;
    let t = app.college.clone();
    let case = open_case(&app, &t, org, "培养测试").await;
    walk(&app, &t, case, &steps_until("mentor_assignment", full[0], [full[1], full[2]])).await;
    let before = step_count(&app, case).await;

    // 张三 is full today but was probationary on 2024-03-20 (converted 2024-06-01): refused, R1.6.
    let body = json!({"step": "mentor_assignment", "date": "2024-03-20", "details": {"mentor_ids": [converted]}});
    let (s, v) = step(&app, &t, case, body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.6", "{v}");
    assert!(message(&v).contains("「张三」2024-03-20 为预备党员（2024-06-01 转正），不能担任培养联系人"), "{v}");
    assert!(v["error"]["fields"]["mentors"].is_string(), "{v}");
    let f = findings_of(&v, "R1.6");
    assert!(f[0]["facts"].as_array().unwrap().iter().any(|x| x["key"] == "as_of" && x["value"] == "2024-03-20"));
    // 李四 joined only in 2025: not a member on that date.
    let body = json!({"step": "mentor_assignment", "date": "2024-03-20", "details": {"mentor_ids": [probationary]}});
    let (s, v) = step(&app, &t, case, body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.6", "{v}");
    assert!(message(&v).contains("尚未入党"), "{v}");
    assert_eq!(step_count(&app, case).await, before, "nothing written");

    // The same person named on a date after the conversion is accepted.
    let body = json!({"step": "mentor_assignment", "date": "2024-06-01", "details": {"mentor_ids": [converted]}});
    let (s, v) = step(&app, &t, case, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
});

both!(suspended_sponsor_is_refused, |app| async move {
    let (org, full, _, _) = branch_with_members(&app).await;
    let t = app.college.clone();
    let case = open_case(&app, &t, org, "介绍测试").await;
    walk(&app, &t, case, &steps_until("sponsor_assignment", full[0], [full[1], full[2]])).await;
    // 丙老师 is 停止党籍 from 2025-03-01 (失联半年以上).
    let (s, v) = app
        .post_json(
            &format!("/api/v1/members/{}/status", full[2]),
            &t,
            json!({"special_status": "suspended", "since": "2025-03-01", "note": "失联半年以上"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let before = step_count(&app, case).await;
    let body =
        json!({"step": "sponsor_assignment", "date": "2025-04-01", "details": {"sponsor_ids": [full[1], full[2]]}});
    let (s, v) = step(&app, &t, case, body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.10", "{v}");
    assert!(message(&v).contains("「丙老师」2025-04-01 为停止党籍，不能担任入党介绍人"), "{v}");
    assert!(v["error"]["fields"]["sponsors"].is_string(), "{v}");
    let f = findings_of(&v, "R1.10");
    assert_eq!(f.len(), 1, "{v}");
    assert!(
        f[0]["facts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["key"] == "member_id" && x["value"].as_str() == Some(full[2].to_string().as_str()))
    );
    assert_eq!(step_count(&app, case).await, before, "nothing written");
    // Another full member in good standing is accepted.
    let body =
        json!({"step": "sponsor_assignment", "date": "2025-04-01", "details": {"sponsor_ids": [full[1], full[3]]}});
    let (s, v) = step(&app, &t, case, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
});

/// A case of `org` walked to the admission vote.
async fn before_vote(app: &TestApp, org: i64, full: &[i64], name: &str) -> i64 {
    let t = app.college.clone();
    let case = open_case(app, &t, org, name).await;
    walk(app, &t, case, &steps_until("admission_vote", full[0], [full[1], full[2]])).await;
    case
}

both!(probationary_ballot_is_refused_and_late_opinion_not_counted, |app| async move {
    let (org, full, converted, probationary) = branch_with_members(&app).await;
    let t = app.college.clone();
    let case = before_vote(&app, org, &full, "表决测试").await;
    // 应到会有表决权 on 2025-05-10: the five long-standing members and 张三 (full since 2024-06-01).
    let (s, p) = app.get(&format!("/api/v1/development/meetings/preview?org={org}&on=2025-05-10"), &t).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["eligible"]["eligible_voters"], 6, "{p}");
    let meetings_before = app.scalar("SELECT COUNT(*) AS n FROM development_meeting").await;
    let meeting = |present: Value, written: Value, yes: u32| {
        json!({"org_id": org, "kind": "admission", "held_on": "2025-05-10", "present_voter_ids": present,
               "written_opinion_entries": written, "ballots": [{"case_ids": [case], "yes_votes": yes}]})
    };

    // 李四 is a 预备党员 on the meeting day: the ballot is refused naming R1.17 and the person.
    let present = json!([full[0], full[1], full[2], probationary]);
    let (s, v) = app.post_json("/api/v1/development/meetings", &t, meeting(present, json!([]), 4)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.17", "{v}");
    assert!(message(&v).contains("「李四」2025-05-10 为预备党员，没有表决权"), "{v}");
    assert!(v["error"]["fields"]["present_voter_ids"].is_string(), "{v}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM development_meeting").await, meetings_before);

    // A written opinion handed in on the meeting day is not counted: 4 present + 1 timely opinion.
    let present = json!([full[0], full[1], full[2], full[3]]);
    let written = json!([
        {"member_id": full[4], "submitted_on": "2025-05-09"},
        {"member_id": converted, "submitted_on": "2025-05-10"},
    ]);
    // Counting the late opinion too (6 yes of 5 ballots) is refused.
    let (s, v) = app.post_json("/api/v1/development/meetings", &t, meeting(present.clone(), written.clone(), 6)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.16", "{v}");
    assert!(message(&v).contains("会后提交的书面意见不计入票数：张三（2025-05-10 提交）"), "{v}");
    let (s, v) = app.post_json("/api/v1/development/meetings", &t, meeting(present, written, 5)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["present_voters"], 4, "{v}");
    assert_eq!(v["written_opinions"], 1, "only the opinion before the meeting counts: {v}");
    let late = v["written_opinions_not_counted"].as_array().unwrap();
    assert_eq!(late.len(), 1, "{v}");
    assert_eq!(late[0]["member_id"], converted);
    assert_eq!(late[0]["submitted_on"], "2025-05-10");
    assert_eq!(v["candidates"][0]["outcome"], "passed", "5 yes of 6 eligible: {v}");
    // The meeting page says which opinion was not counted and why.
    let id = v["id"].as_i64().unwrap();
    let (cookie, _) = app.web_login("college").await;
    let page = app.page(&format!("/development/meetings/{id}"), &cookie).await.text();
    assert!(page.contains("书面意见不计入：张三（2025-05-10 提交，不早于会议日期 2025-05-10"), "{page}");
});

both!(r1_5_named_and_r1_12_refused_at_once, |app| async move {
    let (org, full, _, _) = branch_with_members(&app).await;
    let t = app.college.clone();
    let case = open_case(&app, &t, org, "备案测试").await;
    let steps: Vec<Value> = steps_until("candidate_determination", full[0], [full[1], full[2]])
        .into_iter()
        .filter(|s| s["step"] != "activist_filing")
        .collect();
    walk(&app, &t, case, &steps).await;
    let (s, v) = step(&app, &t, case, json!({"step": "candidate_determination", "date": "2025-03-20"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.5", "{v}");
    assert!(message(&v).contains("尚未登记第4步「上级党委备案」"), "{v}");

    // R1.12: 2 days and 23 hours is refused at the training step itself; 3 days passes.
    let case = open_case(&app, &t, org, "培训测试").await;
    walk(&app, &t, case, &steps_until("intensive_training", full[0], [full[1], full[2]])).await;
    let short = json!({"step": "intensive_training", "date": "2025-04-15", "details": {"training_days": 2, "training_hours": 23}});
    let (s, v) = step(&app, &t, case, short).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.12", "{v}");
    assert!(message(&v).contains("2 天 / 23 学时"), "{v}");
    assert!(v["error"]["fields"]["training"].is_string(), "{v}");
    let hours = json!({"step": "intensive_training", "date": "2025-04-15", "details": {"training_days": 0, "training_hours": 24}});
    let (s, v) = step(&app, &t, case, hours).await;
    assert_eq!(s, StatusCode::OK, "24 学时 suffices: {v}");
});

both!(leaving_date_from_the_step_form_warns_at_pre_review, |app| async move {
    let (org, full, _, _) = branch_with_members(&app).await;
    let case = open_case(&app, &app.college, org, "离校测试").await;
    walk(&app, &app.college, case, &steps_until("pre_review", full[0], [full[1], full[2]])).await;
    let (cookie, csrf) = app.web_login("college").await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("step", "pre_review"),
        ("date", "2025-04-25"),
        ("leaving_date", "2025-07-01"),
        ("details", "预审合格"),
    ];
    let r = app.post_form(&format!("/development/{case}/steps"), &cookie, &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let html = r.text();
    assert!(html.contains("R1.13"), "{html}");
    assert!(html.contains("预计 2025-07-01 离开"), "{html}");
    assert!(html.contains("value=\"2025-07-01\""), "typed value kept");
    let mut form = form.to_vec();
    form.push(("justification", "毕业后留校读研，组织关系不转出"));
    let r = app.post_form(&format!("/development/{case}/steps"), &cookie, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let (_, v) = app.get(&format!("/api/v1/development/cases/{case}"), &app.college).await;
    let pre = v["steps"].as_array().unwrap().iter().find(|s| s["step"] == "pre_review").unwrap();
    assert_eq!(pre["body"]["leaving_date"], "2025-07-01", "{pre}");
});

both!(leaving_date_is_imported, |app| async move {
    let fx = app.fixtures().await;
    let headers =
        ["姓名", "身份证号", "类别", "所在党支部", "1.递交入党申请书", "2.党组织派人谈话", "预计离开单位日期"];
    let birth = chrono::NaiveDate::from_ymd_opt(2003, 5, 1).unwrap();
    let cells = [
        "导入离校",
        &id_card("110108", birth, true, 88),
        "学生",
        &fx.branch.to_string(),
        "2024-01-10",
        "2024-01-20",
        "2027-07-01",
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, (h, v)) in headers.iter().zip(cells.iter()).enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
        ws.write_string(1, c as u16, *v).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let r = app.get_raw("/api/v1/development/import/template.xlsx", &app.branch).await;
    assert!(xlsx_rows(&r.body)[0].iter().any(|h| h == "预计离开单位日期"), "the template has the column");
    let (s, v) =
        app.post_multipart("/api/v1/development/import?dry_run=false", &app.branch, "cases.xlsx", &bytes).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = app.scalar("SELECT id AS n FROM development_case ORDER BY id DESC LIMIT 1").await;
    let (_, c) = app.get(&format!("/api/v1/development/cases/{id}"), &app.branch).await;
    assert_eq!(c["name"], "导入离校", "{c}");
    let talk = c["steps"].as_array().unwrap().iter().find(|s| s["step"] == "talk").unwrap();
    assert_eq!(talk["body"]["leaving_date"], "2027-07-01", "{talk}");
    // A malformed date is a row error naming the column.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, (h, v)) in headers.iter().zip(cells.iter()).enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
        let v = if c == 6 {
            "明年夏天"
        } else if c == 1 {
            ""
        } else {
            v
        };
        ws.write_string(1, c as u16, v).unwrap();
    }
    let (s, v) = app
        .post_multipart(
            "/api/v1/development/import?dry_run=true",
            &app.branch,
            "cases.xlsx",
            &wb.save_to_buffer().unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "a dry run reports the row errors: {v}");
    assert_eq!(v["valid"], 0, "{v}");
    assert_eq!(v["errors"][0]["field"], "leaving_date", "{v}");
    assert!(v["errors"][0]["message"].as_str().unwrap().contains("预计离开单位日期「明年夏天」不是有效日期"), "{v}");
});

both!(mobile_candidate_needs_both_notices, |app| async move {
    let (org, full, _, _) = branch_with_members(&app).await;
    let t = app.college.clone();
    let case = open_case(&app, &t, org, "流动测试").await;
    let mut steps: Vec<Value> = steps_until("activist_education", full[0], [full[1], full[2]]);
    for d in ["2024-09-10", "2025-03-01", "2025-09-01", "2026-03-01", "2026-08-20"] {
        steps.push(json!({"step": "activist_education", "date": d}));
    }
    steps.push(json!({"step": "candidate_filing", "date": "2026-11-02"}));
    walk(&app, &t, case, &steps).await;
    let url = format!("/api/v1/development/cases/{case}/mobile");
    let (s, v) = app.get(&url, &t).await;
    assert_eq!((s, v["mobile"].clone()), (StatusCode::OK, json!(false)), "{v}");
    let audit0 = app.audit_count().await;
    let (s, v) = app.put_json(&url, &t, json!({"mobile": true})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(app.audit_count().await, audit0 + 1, "audited");
    let (_, v) = app.get(&url, &t).await;
    assert_eq!(v["mobile"], true);

    let gen_url = format!("/api/v1/development/cases/{case}/publicity");
    let (s, v) = app.post_json(&gen_url, &t, json!({"start_on": "2026-11-03"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a place is required: {v}");
    assert!(v["error"]["fields"]["location"].is_string(), "{v}");
    let (s, v) = app.post_json(&gen_url, &t, json!({"start_on": "2026-11-03", "location": "outflow"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["location"], "outflow");
    assert!(v["title"].as_str().unwrap().ends_with("（流出地）"), "{v}");
    let (s, v) = app.post_json(&gen_url, &t, json!({"start_on": "2026-11-03", "location": "outflow"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "one notice per place: {v}");

    // Listing with only the outflow notice: refused naming R1.8 and the missing place.
    let listing = json!({"step": "candidate_determination", "date": "2026-11-10"});
    let before = step_count(&app, case).await;
    let (s, v) = step(&app, &t, case, listing.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    assert!(message(&v).contains("为流动人员，尚未在流入地公示"), "{v}");
    assert_eq!(step_count(&app, case).await, before);
    let (s, v) = app.post_json(&gen_url, &t, json!({"start_on": "2026-11-03", "location": "inflow"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = step(&app, &t, case, listing).await;
    assert_eq!(s, StatusCode::OK, "both notices ended: {v}");

    let (cookie, _) = app.web_login("college").await;
    let page = app.page(&format!("/development/{case}/publicity"), &cookie).await.text();
    assert!(page.contains("流动人员：是"), "{page}");
    assert!(page.contains("（流入地）"), "{page}");
});
