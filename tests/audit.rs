//! The audit log: every write leaves a row in the same transaction, the hash chain verifies, and
//! tampering with a row is detected at that row.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;
use jiceng::demo::DEMO_PASSWORD;

/// Runs a write, expects 200, and expects exactly `rows` new audit rows with `action`.
async fn audited(
    app: &TestApp,
    what: &str,
    action: &str,
    rows: i64,
    call: impl std::future::Future<Output = (StatusCode, Value)>,
) -> Value {
    let before = app.audit_count().await;
    let last = app.scalar("SELECT COALESCE(MAX(id), 0) AS n FROM audit_event").await;
    let (s, v) = call.await;
    assert_eq!(s, StatusCode::OK, "{what}: {v}");
    assert_eq!(app.audit_count().await, before + rows, "{what}: audit rows");
    let n =
        app.scalar(&format!("SELECT COUNT(*) AS n FROM audit_event WHERE id > {last} AND action = '{action}'")).await;
    assert_eq!(n, rows, "{what}: action {action}");
    v
}

both!(every_write_is_audited_and_chained, |app| async move {
    let fx = app.fixtures().await;
    let a = &app;
    let founders = a.full_members_of(fx.college, &ymd(today()), 3).await;
    let org = audited(
        a,
        "create org",
        "create",
        1,
        a.post_json(
            "/api/v1/orgs",
            &a.admin,
            json!({"parent_id": fx.college, "kind": "branch", "category": "mixed", "name": "审计党支部", "founding_member_ids": founders}),
        ),
    )
    .await;
    let org_id = org["id"].as_i64().unwrap();
    audited(
        a,
        "rename",
        "update",
        1,
        a.patch_json(&format!("/api/v1/orgs/{org_id}"), &a.admin, json!({"name": "审计党支部（新）"})),
    )
    .await;
    audited(
        a,
        "move",
        "move",
        1,
        a.post_json(&format!("/api/v1/orgs/{org_id}/move"), &a.admin, json!({"new_parent_id": fx.other_unit})),
    )
    .await;
    let m = audited(
        a,
        "create member",
        "create",
        1,
        a.post_json("/api/v1/members", &a.admin, member_json(org_id, "审计人", 81)),
    )
    .await;
    let mid = m["id"].as_i64().unwrap();
    let mut edit = member_json(org_id, "审计人", 81);
    edit["ethnicity"] = json!("汉族");
    audited(a, "update member", "update", 1, a.put_json(&format!("/api/v1/members/{mid}"), &a.admin, edit)).await;
    audited(
        a,
        "status",
        "status",
        1,
        a.post_json(
            &format!("/api/v1/members/{mid}/status"),
            &a.admin,
            json!({"special_status": "lost_contact", "since": "2026-02-02"}),
        ),
    )
    .await;
    let p = audited(
        a,
        "position",
        "create",
        1,
        a.post_json(
            &format!("/api/v1/orgs/{org_id}/positions"),
            &a.admin,
            json!({"member_id": mid, "role": "secretary"}),
        ),
    )
    .await;
    audited(
        a,
        "end position",
        "end",
        1,
        a.post_json(&format!("/api/v1/orgs/{org_id}/positions/{}/end", p["id"]), &a.admin, json!({})),
    )
    .await;
    audited(
        a,
        "transfer",
        "transfer",
        1,
        a.post_json(
            &format!("/api/v1/members/{mid}/transfer"),
            &a.admin,
            json!({"to_org_id": fx.foreign_branch, "on": ymd(today()), "reason": "审计"}),
        ),
    )
    .await;
    audited(a, "dissolve", "dissolve", 1, a.post_json(&format!("/api/v1/orgs/{org_id}/dissolve"), &a.admin, json!({})))
        .await;
    let csv = format!(
        "姓名,身份证号,人员类别,所在党支部,党员类别,入党日期,转正日期\n甲,{},职工,{},正式党员,2001-07-01,2002-07-01\n乙,{},职工,{},正式党员,2001-07-01,2002-07-01\n",
        id_card("110108", chrono::NaiveDate::from_ymd_opt(1970, 5, 5).unwrap(), true, 82),
        fx.branch,
        id_card("110108", chrono::NaiveDate::from_ymd_opt(1970, 5, 6).unwrap(), false, 83),
        fx.branch
    );
    audited(a, "import", "import", 2, async {
        a.post_multipart("/api/v1/members/import", &a.branch, "x.csv", csv.as_bytes()).await
    })
    .await;
    let u = audited(
        a,
        "user",
        "create",
        1,
        a.post_json(
            "/api/v1/users",
            &a.admin,
            json!({"username": "auditor1", "role": "inspector", "org_id": fx.college, "password": "Audit2026x"}),
        ),
    )
    .await;
    audited(
        a,
        "disable",
        "disable",
        1,
        a.post_json(&format!("/api/v1/users/{}/active", u["id"]), &a.admin, json!({"active": false})),
    )
    .await;
    audited(
        a,
        "password",
        "password",
        1,
        a.post_json(
            "/api/v1/me/password",
            &a.college,
            json!({"old_password": DEMO_PASSWORD, "new_password": "College2027"}),
        ),
    )
    .await;
    audited(a, "login", "login", 1, async {
        (StatusCode::OK, json!({"token": a.login_token("inspector", DEMO_PASSWORD).await.unwrap()}))
    })
    .await;
    // Refused writes leave nothing.
    let before = app.audit_count().await;
    let (s, _) = app.post_json("/api/v1/members", &app.admin, member_json(fx.branch, "审计人", 81)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = app.patch_json(&format!("/api/v1/orgs/{}", fx.branch), &app.inspector, json!({"name": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count().await, before);

    // Before/after and actor are recorded.
    let (_, log) = app.get(&format!("/api/v1/audit?entity=member&entity_id={mid}"), &app.admin).await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "create, update, status, transfer: {log}");
    let upd = items.iter().find(|e| e["action"] == "update").unwrap();
    assert_eq!(upd["actor_name"], "组织部管理员");
    assert!(upd["before_json"].as_str().unwrap().contains("审计人"));
    assert!(upd["after_json"].as_str().unwrap().contains("汉族"));
    assert!(!upd["before_json"].as_str().unwrap().contains("汉族"));
    // The audit page filters by action and actor.
    let (_, log) = app.get("/api/v1/audit?action=transfer", &app.admin).await;
    assert!(log["items"].as_array().unwrap().iter().all(|e| e["action"] == "transfer"));
    let (_, log) = app.get("/api/v1/audit?actor=%E7%BB%84%E7%BB%87%E9%83%A8", &app.admin).await;
    assert!(log["total"].as_i64().unwrap() >= 10);

    let report = app.verify_chain().await;
    assert!(report.broken.is_empty(), "{report:?}");
    assert_eq!(report.checked, app.audit_count().await);
});

both!(tampering_is_detected, |app| async move {
    let fx = app.fixtures().await;
    for i in 0..3 {
        let (s, v) =
            app.post_json("/api/v1/members", &app.college, member_json(fx.branch, &format!("链{i}"), 84 + i)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    assert!(app.verify_chain().await.broken.is_empty());
    let target = app.scalar("SELECT MIN(id) AS n FROM audit_event WHERE action = 'create' AND entity = 'member'").await;
    sqlx::query(&format!("UPDATE audit_event SET summary = summary || '（改）' WHERE id = {target}"))
        .execute(&app.db.pool)
        .await
        .unwrap();
    let report = app.verify_chain().await;
    assert_eq!(report.broken, vec![target], "{report:?}");
    // Changing the after-state of another row is caught there too.
    let second = target + 1;
    sqlx::query(&format!("UPDATE audit_event SET after_json = '{{}}' WHERE id = {second}"))
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(app.verify_chain().await.broken, vec![target, second]);
    // Deleting a row breaks the link of the row after it.
    let last = app.scalar("SELECT MAX(id) AS n FROM audit_event").await;
    sqlx::query(&format!("DELETE FROM audit_event WHERE id = {}", last - 1)).execute(&app.db.pool).await.unwrap();
    let broken = app.verify_chain().await.broken;
    assert!(broken.contains(&last), "{broken:?}");
    // New writes still chain onto the head (and stay valid themselves).
    let (s, _) = app.post_json("/api/v1/members", &app.college, member_json(fx.branch, "链后", 88)).await;
    assert_eq!(s, StatusCode::OK);
    let broken_after = app.verify_chain().await.broken;
    assert_eq!(broken_after, broken);
});
