//! A story through the real endpoints: a new branch, a probationary member, and their conversion
//! to full membership no earlier than one year after joining (R1.25), boundary day before / of.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::json;

use common::*;

both!(probationary_to_full, |app| async move {
    let fx = app.fixtures().await;
    let tok = app.college.clone();
    let founders = app.full_members_of(fx.college, "2024-09-01", 3).await;
    // A new student branch under the college, founded by three full members.
    let (s, b) = app
        .post_json(
            "/api/v1/orgs",
            &tok,
            json!({"parent_id": fx.college, "kind": "branch", "category": "student", "name": "2024级硕士研究生党支部", "established_on": "2024-09-01", "founding_member_ids": founders}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let branch = b["id"].as_i64().unwrap();
    // A probationary member who joined on 2025-06-01.
    let card = id_card("110108", NaiveDate::from_ymd_opt(2001, 4, 18).unwrap(), false, 5);
    let member = json!({
        "name": "何预备",
        "id_card_no": card,
        "category": "student",
        "education": "master",
        "enrollment_year": 2024,
        "staff_no": "S2024990001",
        "org_id": branch,
        "status": "probationary",
        "joined_on": "2025-06-01",
    });
    // Probationary with a full_on date is inconsistent.
    let mut bad = member.clone();
    bad["full_on"] = json!("2026-06-01");
    let (s, v) = app.post_json("/api/v1/members", &tok, bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.23");
    let (s, m) = app.post_json("/api/v1/members", &tok, member.clone()).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let id = m["id"].as_i64().unwrap();
    assert_eq!(m["status"], "probationary");
    assert_eq!(m["birth_date"], "2001-04-18");
    assert_eq!(m["gender"], "female");
    let tree = app.tree(&tok).await;
    let node = tree.iter().find(|n| n["id"].as_i64() == Some(branch)).unwrap();
    assert_eq!(node["direct"], json!({"full": 0, "probationary": 1}));
    // Probation ended on 2026-06-01 and today is later: the profile says it is overdue (R1.24).
    let (_, p) = app.get(&format!("/api/v1/members/{id}"), &tok).await;
    assert!(p["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "R1.24"), "{p}");

    // Converting one day early is refused (no early conversion), naming the rule and the field.
    // A member recorded without a development case (a historic record): the correction carries
    // its reason, and the date rules still apply.
    let mut full = member.clone();
    full["status"] = json!("full");
    full["full_on"] = json!("2026-05-31");
    full["reason"] = json!("补录党委转正批复");
    let (s, v) = app.put_json(&format!("/api/v1/members/{id}"), &tok, full.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.25", "{v}");
    assert!(v["error"]["fields"]["full_on"].is_string(), "{v}");
    let facts = v["error"]["findings"][0]["facts"].as_array().unwrap();
    assert!(facts.iter().any(|f| f["key"] == "required" && f["value"] == "2026-06-01"), "{v}");
    assert!(facts.iter().any(|f| f["key"] == "gap" && f["value"] == "1"), "{v}");
    let (_, still) = app.get(&format!("/api/v1/members/{id}"), &tok).await;
    assert_eq!(still["member"]["status"], "probationary", "nothing changed");
    // Full without a date is refused too.
    let mut no_date = full.clone();
    no_date.as_object_mut().unwrap().remove("full_on");
    let (s, v) = app.put_json(&format!("/api/v1/members/{id}"), &tok, no_date).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // On the day probation ends it works.
    full["full_on"] = json!("2026-06-01");
    let (s, v) = app.put_json(&format!("/api/v1/members/{id}"), &tok, full).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "full");
    assert_eq!(v["full_on"], "2026-06-01");
    let (_, p) = app.get(&format!("/api/v1/members/{id}"), &tok).await;
    let events = p["status_events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{p}");
    assert_eq!(events[0]["field"], "status");
    assert_eq!(events[0]["old_value"], "probationary");
    assert_eq!(events[0]["new_value"], "full");
    assert_eq!(events[0]["effective_on"], "2026-06-01");
    assert!(p["findings"].as_array().unwrap().iter().all(|f| f["rule"] != "R1.24"), "{p}");
    let tree = app.tree(&tok).await;
    let node = tree.iter().find(|n| n["id"].as_i64() == Some(branch)).unwrap();
    assert_eq!(node["direct"], json!({"full": 1, "probationary": 0}));
    // As of the day before conversion the tree still counts a probationary member.
    let (_, then) = app.get("/api/v1/orgs?as_of=2026-05-31", &tok).await;
    let node = then.as_array().unwrap().iter().find(|n| n["id"].as_i64() == Some(branch)).unwrap();
    assert_eq!(node["direct"], json!({"full": 0, "probationary": 1}));
    // Found by 学号 and by pinyin; the audit trail has create and update.
    let (_, l) = app.get("/api/v1/members?q=S2024990001", &tok).await;
    assert_eq!(l["total"], 1);
    let (_, l) = app.get(&format!("/api/v1/members?q=hyb&org={branch}"), &tok).await;
    assert_eq!(l["items"][0]["id"].as_i64(), Some(id));
    let (_, a) = app.get(&format!("/api/v1/audit?entity=member&entity_id={id}"), &tok).await;
    let actions: Vec<&str> = a["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["update", "create"]);
    assert!(app.verify_chain().await.broken.is_empty());
});
