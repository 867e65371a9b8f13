//! Administrator settings through the HTTP API: the development conventions (RULES.md §8) change
//! what the rule engine blocks, and working-day corrections change working-day deadlines (C4).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;

async fn step(app: &TestApp, case: i64, body: Value) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/development/cases/{case}/steps"), &app.branch, body).await
}

async fn ok_steps(app: &TestApp, case: i64, steps: &[Value]) {
    for body in steps {
        let (s, v) = step(app, case, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{body} → {v}");
    }
}

/// A full member of the branch (or its groups) since before 2022: a valid 培养联系人.
async fn mentor(app: &TestApp, branch: i64) -> i64 {
    app.scalar(&format!(
        "SELECT MIN(m.id) AS n FROM member m JOIN org o ON o.id = m.org_id WHERE (o.id = {branch} OR o.parent_id = {branch})
         AND m.status = 'full' AND m.full_on IS NOT NULL AND m.full_on <= '2022-01-01' AND m.special_status = 'normal'"
    ))
    .await
}

async fn open_case(app: &TestApp, org: i64, name: &str, applied_on: &str) -> i64 {
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.branch,
            json!({"name": name, "gender": "male", "birth_date": "2003-05-01", "org_id": org, "applied_on": applied_on}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["id"].as_i64().unwrap()
}

async fn delete(app: &TestApp, path: &str, token: &str) -> Resp {
    app.request(req(axum::http::Method::DELETE, path, Some(token)).body(axum::body::Body::empty()).unwrap()).await
}

async fn setting_audits(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) AS n FROM audit_event WHERE entity = 'setting'").await
}

both!(settings_change_the_activist_period, |app| async move {
    let fx = app.fixtures().await;
    // Defaults when nothing is stored; anyone logged in may read them.
    let (s, defaults) = app.get("/api/v1/settings/development", &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{defaults}");
    assert_eq!(defaults["activist_min_months"], 12);
    assert_eq!(defaults["training_min_days"], 3);
    assert_eq!(defaults["training_min_hours"], 24);
    assert_eq!(defaults["approval_warn_months"], 3);
    assert_eq!(defaults["approval_max_months"], 6);
    assert_eq!(defaults["age_on_birthday"], true);
    assert_eq!(defaults["publicity_listing_after_last_day"], true);

    let mut eighteen = defaults.clone();
    eighteen["activist_min_months"] = json!(18);
    // Only the school administrator changes them.
    for token in [&app.college, &app.branch, &app.inspector, &app.member] {
        let (s, v) = app.put_json("/api/v1/settings/development", token, eighteen.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    }
    // Never weaker than the national rules.
    for (field, value) in [
        ("activist_min_months", json!(6)),
        ("training_min_days", json!(2)),
        ("training_min_hours", json!(20)),
        ("approval_max_months", json!(7)),
        ("approval_warn_months", json!(0)),
    ] {
        let mut bad = defaults.clone();
        bad[field] = value;
        let (s, v) = app.put_json("/api/v1/settings/development", &app.admin, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {v}");
        assert!(v["error"]["fields"][field].is_string(), "{field}: {v}");
    }
    let mut crossed = defaults.clone();
    crossed["approval_warn_months"] = json!(5);
    crossed["approval_max_months"] = json!(4);
    let (s, v) = app.put_json("/api/v1/settings/development", &app.admin, crossed).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["approval_warn_months"].is_string(), "{v}");
    assert_eq!(setting_audits(&app).await, 0, "refused changes are not written");

    // A case that may be listed after 12 months (2014 rules) …
    let case = open_case(&app, fx.branch, "设置测试", "2024-01-10").await;
    ok_steps(
        &app,
        case,
        &[
            json!({"step": "talk", "date": "2024-01-20"}),
            json!({"step": "activist_recommendation", "date": "2024-03-15"}),
            json!({"step": "activist_filing", "date": "2024-03-20"}),
            json!({"step": "mentor_assignment", "date": "2024-03-20", "details": {"mentor_ids": [mentor(&app, fx.branch).await]}}),
            json!({"step": "activist_education", "date": "2024-09-10"}),
            json!({"step": "activist_education", "date": "2025-03-01"}),
        ],
    )
    .await;
    let earliest = |v: &Value| {
        v["due"]
            .as_array()
            .unwrap()
            .iter()
            // Due items follow today's rule set (2026: consent, then listing), dated from the activist year.
            .find(|d| d["step"] == "candidate_determination" || d["step"] == "candidate_filing")
            .map(|d| d["earliest"].clone())
            .unwrap_or(Value::Null)
    };
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
    assert_eq!(earliest(&d), "2025-03-15", "{d}");

    // … needs 18 once the school asks for 18 months.
    let (s, v) = app.put_json("/api/v1/settings/development", &app.admin, eighteen.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["activist_min_months"], 18);
    let (_, read) = app.get("/api/v1/settings/development", &app.inspector).await;
    assert_eq!(read, eighteen);
    let listing = json!({"step": "candidate_determination", "date": "2025-03-20"});
    let (s, v) = step(&app, case, listing.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("18"), "{v}");
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
    assert_eq!(earliest(&d), "2025-09-15", "the 待办 date moves too: {d}");
    let (_, list) = app.get(&format!("/api/v1/development/cases?org={}", fx.branch), &app.branch).await;
    let row = list.as_array().unwrap().iter().find(|c| c["id"].as_i64() == Some(case)).unwrap();
    assert_eq!(earliest(row), "2025-09-15", "{row}");

    // Back to the default: the same listing passes.
    let (s, _) = app.put_json("/api/v1/settings/development", &app.admin, defaults.clone()).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = step(&app, case, listing).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Audited with before and after.
    assert_eq!(setting_audits(&app).await, 2);
    let after_json = app
        .scalar(
            "SELECT COUNT(*) AS n FROM audit_event WHERE entity = 'setting' AND before_json LIKE '%\"activist_min_months\":12%' AND after_json LIKE '%\"activist_min_months\":18%'",
        )
        .await;
    assert_eq!(after_json, 1);
    assert!(app.verify_chain().await.broken.is_empty());
});

/// A case walked to the 2026 listing: consent 2026-06-01, ready for a 公示 and the listing.
async fn case_at_listing_2026(app: &TestApp, org: i64) -> i64 {
    let case = open_case(app, org, "公示测试", "2025-01-06").await;
    ok_steps(
        app,
        case,
        &[
            json!({"step": "talk", "date": "2025-01-20"}),
            json!({"step": "activist_recommendation", "date": "2025-03-03"}),
            json!({"step": "activist_filing", "date": "2025-03-05"}),
            json!({"step": "mentor_assignment", "date": "2025-03-05", "details": {"mentor_ids": [mentor(app, org).await]}}),
            json!({"step": "activist_education", "date": "2025-09-01"}),
            json!({"step": "activist_education", "date": "2026-02-27"}),
            json!({"step": "candidate_filing", "date": "2026-06-01"}),
        ],
    )
    .await;
    case
}

both!(workday_corrections_move_the_publicity, |app| async move {
    let fx = app.fixtures().await;
    // 2026-06-02 (Tue) … 06-08 (Mon): 5 working days with the built-in calendar.
    let listing = json!({"step": "candidate_determination", "date": "2026-06-09",
        "details": {"publicity_start": "2026-06-02", "publicity_end": "2026-06-08"}});
    let (s, y) = app.get("/api/v1/workdays?year=2026", &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{y}");
    assert_eq!(y["covered"], true);
    assert!(y["holidays"].as_array().unwrap().iter().any(|h| h["name"] == "春节" && h["first"] == "2026-02-15"), "{y}");
    assert!(y["makeup_workdays"].as_array().unwrap().iter().any(|d| d == "2026-02-14"), "{y}");
    assert_eq!(y["corrections"], json!([]));
    let workdays_2026 = y["working_days"].as_u64().unwrap();

    // Only the school administrator corrects the calendar; bad input is a 422.
    let holiday = json!({"kind": "holiday", "name": "校庆"});
    for token in [&app.college, &app.branch, &app.inspector] {
        let (s, _) = app.put_json("/api/v1/workdays/2026-06-04", token, holiday.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (s, v) = app.put_json("/api/v1/workdays/2026-06-04", &app.admin, json!({"kind": "vacation"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["kind"].is_string(), "{v}");
    let (s, v) = app.put_json("/api/v1/workdays/not-a-date", &app.admin, holiday.clone()).await;
    assert!(s.is_client_error(), "{s} {v}");
    let (s, _) = app.get("/api/v1/workdays?year=1800", &app.admin).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // Thursday 06-04 made a holiday: the 公示 has only 4 working days and the listing is refused.
    let audits = app.audit_count().await;
    let (s, v) = app.put_json("/api/v1/workdays/2026-06-04", &app.admin, holiday.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["kind"], "holiday");
    assert_eq!(v["day"], "2026-06-04");
    assert_eq!(app.audit_count().await, audits + 1);
    let (_, y) = app.get("/api/v1/workdays?year=2026", &app.branch).await;
    assert_eq!(y["working_days"].as_u64().unwrap(), workdays_2026 - 1, "{y}");
    assert_eq!(y["corrections"][0]["name"], "校庆", "{y}");

    let case = case_at_listing_2026(&app, fx.branch).await;
    let (s, v) = step(&app, case, listing.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    let f = v["error"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule"] == "R1.8"
                && f["facts"].as_array().unwrap().iter().any(|x| x["key"] == "actual" && x["value"] == "4")
        })
        .unwrap_or_else(|| panic!("4 working days: {v}"));
    assert!(f["message_zh"].as_str().unwrap().contains("2026-06-09"), "the 5th working day moves to 06-09: {f}");

    // Removing the correction restores the built-in day: the same listing passes.
    assert_eq!(delete(&app, "/api/v1/workdays/2026-06-04", &app.branch).await.status, StatusCode::FORBIDDEN);
    let r = delete(&app, "/api/v1/workdays/2026-06-04", &app.admin).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = delete(&app, "/api/v1/workdays/2026-06-04", &app.admin).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "nothing left to remove");
    let (s, v) = step(&app, case, listing).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // A weekend made a working day counts: Saturday 2026-06-13 closes a 公示 from 06-09 on 06-13
    // in five working days (06-09 … 06-12, 06-13) instead of 06-15.
    let (s, _) = app.put_json("/api/v1/workdays/2026-06-13", &app.admin, json!({"kind": "workday"})).await;
    assert_eq!(s, StatusCode::OK);
    let (_, y) = app.get("/api/v1/workdays?year=2026", &app.admin).await;
    assert_eq!(y["working_days"].as_u64().unwrap(), workdays_2026 + 1, "{y}");
    assert!(app.verify_chain().await.broken.is_empty());
});

both!(admin_pages, |app| async move {
    let (cookie, csrf) = app.web_login("admin").await;
    let r = app.page("/admin/settings", &cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("activist_min_months") && r.text().contains("默认"), "defaults shown");
    // A bad value re-renders with what was typed and the message.
    let form = |months: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("_csrf", csrf.clone()),
            ("activist_min_months", months.to_string()),
            ("training_min_days", "3".to_string()),
            ("training_min_hours", "24".to_string()),
            ("leaving_window_months", "3".to_string()),
            ("approval_warn_months", "3".to_string()),
            ("approval_max_months", "6".to_string()),
            ("age_on_birthday", "true".to_string()),
            ("publicity_listing_after_last_day", "true".to_string()),
        ]
    };
    let bad = form("7");
    let bad_ref: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form("/admin/settings", &cookie, &bad_ref).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("value=\"7\"") && r.text().contains("12–60"), "{}", r.text());
    let good = form("18");
    let good_ref: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form("/admin/settings", &cookie, &good_ref).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let (_, s) = app.get("/api/v1/settings/development", &app.admin).await;
    assert_eq!(s["activist_min_months"], 18);

    // The workday calendar: add and remove a correction.
    let r = app.page("/admin/workdays?year=2026", &cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("春节") && r.text().contains("2026-02-14"), "built-in days listed");
    let r = app
        .post_form(
            "/admin/workdays",
            &cookie,
            &[("_csrf", &csrf), ("day", "2026-07-01"), ("kind", "holiday"), ("name", "校庆日")],
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let r = app.page("/admin/workdays?year=2026", &cookie).await;
    assert!(r.text().contains("校庆日"));
    let r = app
        .post_form(
            "/admin/workdays",
            &cookie,
            &[("_csrf", &csrf), ("day", "2026-07-02"), ("kind", ""), ("name", "漏选")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("漏选") && r.text().contains("2026-07-02"), "typed values kept");
    let r = app.post_form("/admin/workdays/2026-07-01/delete", &cookie, &[("_csrf", &csrf)]).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM workday_override").await, 0);

    // Other roles: no admin pages.
    let (cookie, _) = app.web_login("college").await;
    assert_eq!(app.page("/admin/settings", &cookie).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.page("/admin/workdays", &cookie).await.status, StatusCode::FORBIDDEN);
});

both!(conventions_c1_to_c3_are_settings, |app| async move {
    let fx = app.fixtures().await;
    let (_, defaults) = app.get("/api/v1/settings/development", &app.branch).await;
    assert_eq!(
        (defaults["periods_inclusive"].clone(), defaults["month_end_clamp"].clone()),
        (json!(true), json!(true))
    );
    // Applied on 2025-01-31: the talk is due within one month, by 2025-02-28 (C1 inclusive, C2 clamp).
    let case = open_case(&app, fx.branch, "惯例测试", "2025-01-31").await;
    let latest = |v: &Value| {
        v["due"].as_array().unwrap().iter().find(|d| d["step"] == "talk").map(|d| d["latest"].clone()).unwrap()
    };
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
    assert_eq!(latest(&d), "2025-02-28", "{d}");
    // C2 rolled over to the 1st: 2025-03-01.
    let mut roll = defaults.clone();
    roll["month_end_clamp"] = json!(false);
    let (s, v) = app.put_json("/api/v1/settings/development", &app.admin, roll.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
    assert_eq!(latest(&d), "2025-03-01", "{d}");
    // C1 exclusive as well: the day before, 2025-02-28.
    roll["periods_inclusive"] = json!(false);
    let (s, _) = app.put_json("/api/v1/settings/development", &app.admin, roll).await;
    assert_eq!(s, StatusCode::OK);
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
    assert_eq!(latest(&d), "2025-02-28", "{d}");
    // The settings page shows both choices.
    let (cookie, _) = app.web_login("admin").await;
    let html = app.page("/admin/settings", &cookie).await.text();
    assert!(
        html.contains("periods_inclusive") && html.contains("month_end_clamp") && html.contains("strict_majority"),
        "{html}"
    );
});
