//! Issue 8 parts 3 and 4 through HTTP: committee seats (R1.17, R3.3), founding a branch (R3.1),
//! 换届 / 延期换届 / 换届请示 (R3.4, R3.5, R4.2) and the member-status findings (R5.3–R5.5).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use jiceng::calendar::{add_months, add_years};
use serde_json::{Value, json};

use common::*;

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d + chrono::Duration::days(n)
}

/// A member of `org`, full since 2011 unless `probationary` (then admitted 2026-06-01); the
/// 身份证号 uses its own region code so it never meets the demo's.
async fn add_member(app: &TestApp, org: i64, name: &str, seq: u32, probationary: bool) -> i64 {
    let birth = NaiveDate::from_ymd_opt(1988, 1, 1 + seq % 28).unwrap();
    let mut m = json!({
        "name": name,
        "id_card_no": id_card("330106", birth, seq.is_multiple_of(2), seq),
        "category": "teacher",
        "org_id": org,
        "status": "full",
        "joined_on": "2010-07-01",
        "full_on": "2011-07-01",
    });
    if probationary {
        m["status"] = json!("probationary");
        m["joined_on"] = json!("2026-06-01");
        m["full_on"] = Value::Null;
    }
    let (s, v) = app.post_json("/api/v1/members", &app.college, m).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["id"].as_i64().or_else(|| v["member"]["id"].as_i64()).unwrap()
}

/// A new teacher branch of the first college (three founding members) and `full` full members in it.
async fn branch_with(app: &TestApp, name: &str, full: u32, first_seq: u32) -> (i64, Vec<i64>) {
    let fx = app.fixtures().await;
    let founders = app.full_members_of(fx.college, "2020-01-01", 3).await;
    let (s, v) = app
        .post_json(
            "/api/v1/orgs",
            &app.college,
            json!({"parent_id": fx.college, "kind": "branch", "category": "teacher", "name": name,
                   "established_on": "2020-01-01", "founding_member_ids": founders}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let mut members = Vec::new();
    for i in 0..full {
        members.push(add_member(app, id, &format!("{name}党员{i}"), first_seq + i, false).await);
    }
    (id, members)
}

async fn seat(app: &TestApp, org: i64, body: Value) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/orgs/{org}/positions"), &app.college, body).await
}

fn rules_of(findings: &Value, subject: i64) -> Vec<(String, String)> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["subject_id"].as_i64() == Some(subject))
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["severity"].as_str().unwrap().to_string()))
        .collect()
}

both!(probationary_cannot_hold_a_seat, |app| async move {
    let (org, _) = branch_with(&app, "选举权测试党支部", 7, 10).await;
    let prob = add_member(&app, org, "预备党员甲", 30, true).await;
    let before = app.audit_count().await;
    let (s, v) = seat(&app, org, json!({"member_id": prob, "role": "organization_member"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.17", "{v}");
    assert!(v["error"]["fields"]["member_id"].as_str().unwrap().contains("预备党员"), "{v}");
    assert_eq!(app.audit_count().await, before, "nothing written");
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) AS n FROM org_position WHERE member_id = {prob}")).await, 0);
    // The org page shows the refusal at the form, keeping the typed values.
    let (cookie, csrf) = app.web_login("college").await;
    let r = app
        .post_form(
            &format!("/orgs/{org}/positions"),
            &cookie,
            &[
                ("_csrf", &csrf),
                ("member_id", &prob.to_string()),
                ("role", "organization_member"),
                ("start_on", "2026-11-02"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("没有选举权和被选举权"), "{html}");
    assert!(html.contains("value=\"2026-11-02\""), "start date kept");
    assert!(html.contains(&format!("value=\"{prob}\" selected")), "member kept");
});

both!(small_branch_elects_no_committee, |app| async move {
    let (org, members) = branch_with(&app, "五人党支部", 7, 40).await;
    let fx = app.fixtures().await;
    // Two of the seven leave for another branch 30 days ago: five full members since then.
    let moved_on = add_days(today(), -30);
    for &m in &members[5..] {
        let (s, v) = app
            .post_json(
                &format!("/api/v1/members/{m}/transfer"),
                &app.college,
                json!({"to_org_id": fx.branch, "on": ymd(moved_on), "reason": "工作调动"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    // As of today: 5 full members, no 支委 seat (R3.3).
    let (s, v) = seat(&app, org, json!({"member_id": members[0], "role": "organization_member"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R3.3", "{v}");
    let msg = v["error"]["fields"]["role"].as_str().unwrap();
    assert!(msg.contains("正式党员 5 名") && msg.contains("不足 7 名"), "{msg}");
    // The day before the move the branch had seven: the seat is judged on its start date.
    let (s, v) = seat(
        &app,
        org,
        json!({"member_id": members[0], "role": "organization_member", "start_on": ymd(add_days(moved_on, -1))}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // A secretary and one deputy are fine in a small branch; a second deputy is not.
    let (s, v) = seat(&app, org, json!({"member_id": members[1], "role": "secretary"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = seat(&app, org, json!({"member_id": members[2], "role": "deputy_secretary"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = seat(&app, org, json!({"member_id": members[3], "role": "deputy_secretary"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R3.3", "{v}");
});

both!(committee_above_five_needs_a_justification, |app| async move {
    let (org, members) = branch_with(&app, "大党支部", 9, 60).await;
    for (i, role) in ["secretary", "organization_member", "publicity_member", "discipline_member", "committee_member"]
        .iter()
        .enumerate()
    {
        let (s, v) = seat(&app, org, json!({"member_id": members[i], "role": role})).await;
        assert_eq!(s, StatusCode::OK, "{role}: {v}");
    }
    // The sixth member is a warning (一般 3–5 人) that needs a recorded justification.
    let (s, v) = seat(&app, org, json!({"member_id": members[5], "role": "committee_member"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "warning_needs_justification", "{v}");
    assert_eq!(v["error"]["rule"], "R3.3", "{v}");
    assert!(v["error"]["fields"]["justification"].is_string(), "{v}");
    let (s, v) = seat(
        &app,
        org,
        json!({"member_id": members[5], "role": "committee_member", "justification": "党员人数多、分布在三个校区"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let pid = v["id"].as_i64().unwrap();
    let n = app
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM org_position WHERE id = {pid} AND justification = '党员人数多、分布在三个校区'"
        ))
        .await;
    assert_eq!(n, 1, "the justification is stored with the seat");
});

both!(founding_a_branch_needs_three_full_members, |app| async move {
    let fx = app.fixtures().await;
    let orgs_before = app.scalar("SELECT COUNT(*) AS n FROM org").await;
    let founders = app.full_members_of(fx.college, "2020-01-01", 3).await;
    let body = |ids: &[i64]| {
        json!({"parent_id": fx.college, "kind": "branch", "category": "teacher", "name": "新成立党支部",
               "established_on": "2020-01-01", "founding_member_ids": ids})
    };
    for ids in [&founders[..2], &[][..]] {
        let (s, v) = app.post_json("/api/v1/orgs", &app.college, body(ids)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["rule"], "R3.1", "{v}");
        let msg = v["error"]["fields"]["founding_member_ids"].as_str().unwrap();
        assert!(msg.contains("联合党支部"), "{msg}");
    }
    // A member outside the caller's scope is no founder.
    let (s, v) =
        app.post_json("/api/v1/orgs", &app.college, body(&[founders[0], founders[1], fx.foreign_member])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["founding_member_ids"].is_string(), "{v}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM org").await, orgs_before, "nothing created");
    let (s, v) = app.post_json("/api/v1/orgs", &app.college, body(&founders)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (_, d) = app.get(&format!("/api/v1/orgs/{id}"), &app.college).await;
    let got: Vec<i64> =
        d["founding_members"].as_array().unwrap().iter().map(|m| m["member_id"].as_i64().unwrap()).collect();
    assert_eq!(got.len(), 3, "{d}");
    assert!(founders.iter().all(|f| got.contains(f)));

    // The page: the picker finds members by name, keeps the chosen ones and every typed value.
    let (cookie, csrf) = app.web_login("college").await;
    let (_, m) = app.get(&format!("/api/v1/members/{}", founders[0]), &app.college).await;
    let name = m["member"]["name"].as_str().unwrap().to_string();
    let path = format!("/orgs/{}/new", fx.college);
    let typed = |op: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("name", "页面新党支部".to_string()),
            ("kind", "branch".to_string()),
            ("category", "teacher".to_string()),
            ("established_on", "2020-01-01".to_string()),
            ("member_q", name.clone()),
            ("founding_member_ids", founders[1].to_string()),
            ("op", op.to_string()),
        ]
    };
    let fields = typed("search");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form(&path, &cookie, &refs).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains(&format!("value=\"{}\" checked", founders[1])), "chosen kept");
    assert!(
        html.contains(&format!("name=\"founding_member_ids\" value=\"{}\" >", founders[0])),
        "found by name, not yet chosen"
    );
    assert!(html.contains("value=\"页面新党支部\""), "name kept");
    let fields = typed("create");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form(&path, &cookie, &refs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("联合党支部") && html.contains("仅 1 名"), "{html}");
    assert!(html.contains("value=\"页面新党支部\""), "name kept");
});

both!(postponement_at_most_one_year, |app| async move {
    let (org, _) = branch_with(&app, "延期换届党支部", 3, 70).await;
    // The term began three years and a month ago: it has expired.
    let start = add_months(add_years(today(), -3), -1);
    let end = add_years(start, 3);
    let (s, v) = app.patch_json(&format!("/api/v1/orgs/{org}"), &app.college, json!({"term_start": ymd(start)})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, f) = app.get(&format!("/api/v1/orgs/{org}/findings"), &app.college).await;
    assert!(rules_of(&f, org).contains(&("R3.4".into(), "warn".into())), "{f}");
    let path = format!("/api/v1/orgs/{org}/term-events");
    let body = |until: NaiveDate| {
        json!({"kind": "postponement", "event_on": ymd(today()), "until_on": ymd(until),
               "approved_by": "物理学院党委", "document_no": "物党字〔2026〕8号"})
    };
    // Thirteen months after the end: refused (R4.2).
    let (s, v) = app.post_json(&path, &app.college, body(add_months(end, 13))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R4.2", "{v}");
    assert!(v["error"]["fields"]["until_on"].as_str().unwrap().contains("超过 1 年"), "{v}");
    // One year and a day: refused; no approving body: refused.
    let (s, _) = app.post_json(&path, &app.college, body(add_days(add_years(end, 1), 1))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let mut no_body = body(add_years(end, 1));
    no_body["approved_by"] = json!(" ");
    let (s, v) = app.post_json(&path, &app.college, no_body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"]["fields"]["approved_by"].is_string(), "{v}");
    let (_, list) = app.get(&path, &app.college).await;
    assert!(list.as_array().unwrap().is_empty(), "nothing recorded");
    // Exactly one year: recorded; the expired term is now covered (info, not a warning).
    let until = add_years(end, 1);
    let (s, v) = app.post_json(&path, &app.college, body(until)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["until_on"], ymd(until));
    let (_, f) = app.get(&format!("/api/v1/orgs/{org}/findings"), &app.college).await;
    let r = rules_of(&f, org);
    assert!(r.contains(&("R3.4".into(), "info".into())) && !r.contains(&("R3.4".into(), "warn".into())), "{f}");
    // The re-election opens a new term: no term findings left.
    let (s, v) = app.post_json(&path, &app.college, json!({"kind": "re_election", "event_on": ymd(today())})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, d) = app.get(&format!("/api/v1/orgs/{org}"), &app.college).await;
    assert_eq!(d["org"]["term_start"], ymd(today()));
    assert_eq!(d["term_events"].as_array().unwrap().len(), 2);
    assert!(rules_of(&d["findings"], org).iter().all(|(r, _)| r != "R3.4" && r != "R3.5"), "{d}");
    // Foreign scope: 404.
    let fx = app.fixtures().await;
    let (s, _) = app.get(&format!("/api/v1/orgs/{}/term-events", fx.foreign_branch), &app.college).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The page keeps the typed values and names the rule's limit at the field.
    let (cookie, csrf) = app.web_login("college").await;
    let (s, _) = app.patch_json(&format!("/api/v1/orgs/{org}"), &app.college, json!({"term_start": ymd(start)})).await;
    assert_eq!(s, StatusCode::OK);
    let late = ymd(add_months(end, 13));
    let r = app
        .post_form(
            &format!("/orgs/{org}/term-events"),
            &cookie,
            &[
                ("_csrf", &csrf),
                ("kind", "postponement"),
                ("event_on", &ymd(today())),
                ("until_on", &late),
                ("approved_by", "物理学院党委"),
                ("document_no", "物党字〔2026〕9号"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("超过 1 年"), "{html}");
    assert!(html.contains(&format!("value=\"{late}\"")) && html.contains("value=\"物党字〔2026〕9号\""), "values kept");
});

both!(teacher_branch_election_request_reminders, |app| async move {
    let (org, _) = branch_with(&app, "请示提醒党支部", 3, 80).await;
    let set_start = |start: NaiveDate| {
        let app = &app;
        async move {
            let (s, v) =
                app.patch_json(&format!("/api/v1/orgs/{org}"), &app.college, json!({"term_start": ymd(start)})).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            let (_, f) = app.get(&format!("/api/v1/orgs/{org}/findings"), &app.college).await;
            f
        }
    };
    // Ends in five months: reminded (info), the request still due in a month.
    let f = set_start(add_months(add_years(today(), -3), 5)).await;
    let r = rules_of(&f, org);
    assert!(r.contains(&("R3.5".into(), "info".into())) && !r.contains(&("R3.5".into(), "warn".into())), "{f}");
    let reminder = f.as_array().unwrap().iter().find(|x| x["rule"] == "R3.5").unwrap();
    assert!(reminder["message_zh"].as_str().unwrap().contains("前提交换届请示"), "{f}");
    // Ends in three months with no request: warned.
    let f = set_start(add_months(add_years(today(), -3), 3)).await;
    assert!(rules_of(&f, org).contains(&("R3.5".into(), "warn".into())), "{f}");
    // A (late) request recorded: no longer a warning.
    let (s, v) = app
        .post_json(
            &format!("/api/v1/orgs/{org}/term-events"),
            &app.college,
            json!({"kind": "election_request", "event_on": ymd(today())}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, f) = app.get(&format!("/api/v1/orgs/{org}/findings"), &app.college).await;
    assert!(!rules_of(&f, org).contains(&("R3.5".into(), "warn".into())), "{f}");
    // The whole-scope list carries the same reminders.
    let (_, all) = app.get("/api/v1/findings", &app.college).await;
    assert!(rules_of(&all, org).iter().any(|(r, _)| r == "R3.5"), "scope findings");
});

both!(member_status_findings, |app| async move {
    let fx = app.fixtures().await;
    let m = add_member(&app, fx.branch, "流动党员乙", 90, false).await;
    let status = |body: Value| {
        let app = &app;
        async move {
            let (s, v) = app.post_json(&format!("/api/v1/members/{m}/status"), &app.college, body).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            let (_, p) = app.get(&format!("/api/v1/members/{m}"), &app.college).await;
            let (_, all) = app.get("/api/v1/findings", &app.college).await;
            (rules_of(&p["findings"], m), rules_of(&all, m))
        }
    };
    // Away seven months without a 活动证 (R5.3); with one (R5.4, a reminder).
    let since = ymd(add_months(today(), -7));
    let (profile, scope) = status(json!({"special_status": "mobile", "since": since})).await;
    assert!(profile.contains(&("R5.3".into(), "warn".into())), "{profile:?}");
    assert_eq!(profile, scope);
    let (profile, _) = status(json!({"special_status": "mobile", "since": since, "mobile_certificate": true})).await;
    assert!(
        profile.contains(&("R5.4".into(), "info".into())) && !profile.iter().any(|(r, _)| r == "R5.3"),
        "{profile:?}"
    );
    // Five months away: nothing yet.
    let (profile, _) = status(json!({"special_status": "normal", "since": ymd(today())})).await;
    assert!(profile.iter().all(|(r, _)| !r.starts_with("R5.")), "{profile:?}");
    let (profile, _) = status(json!({"special_status": "mobile", "since": ymd(add_months(today(), -5))})).await;
    assert!(profile.iter().all(|(r, _)| !r.starts_with("R5.")), "{profile:?}");
    // A graduate kept at the university for two years and a day (R5.5).
    let grad = ymd(add_days(add_years(today(), -2), -1));
    let (profile, scope) = status(json!({"special_status": "graduate_retained", "since": grad})).await;
    assert!(profile.contains(&("R5.5".into(), "warn".into())), "{profile:?}");
    assert_eq!(profile, scope);
    // 失联 ≥ 6 months → 停止党籍 due; suspended 2 years → removal due (R5.2).
    let (profile, _) = status(json!({"special_status": "lost_contact", "since": ymd(add_months(today(), -6))})).await;
    assert!(profile.contains(&("R5.2".into(), "warn".into())), "{profile:?}");
    let (profile, _) = status(json!({"special_status": "suspended", "since": ymd(add_years(today(), -2))})).await;
    assert!(profile.contains(&("R5.2".into(), "warn".into())), "{profile:?}");
});
