//! Scoping: every list, get and export answers only inside the caller's subtree; a foreign id is a
//! 404 exactly like a missing one; read-only roles cannot write; nobody grants more than they have.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;

/// Every GET that takes an org id, for that id.
fn org_gets(id: i64) -> Vec<String> {
    vec![
        format!("/api/v1/orgs/{id}"),
        format!("/api/v1/orgs?root={id}"),
        format!("/api/v1/orgs/{id}/positions"),
        format!("/api/v1/orgs/{id}/findings"),
        format!("/api/v1/findings?org={id}"),
        format!("/api/v1/members?org={id}"),
        format!("/api/v1/members/export.xlsx?org={id}"),
    ]
}

/// Every write that names an org or a member, against foreign ids; all must be 404 (or 422 for a
/// foreign *target*), and none may write.
async fn foreign_writes(app: &TestApp, token: &str, org: i64, member: i64, own_branch: i64) {
    let before = app.audit_count().await;
    let cases: Vec<(&str, String, Value)> = vec![
        ("PATCH", format!("/api/v1/orgs/{org}"), json!({"name": "越权更名"})),
        ("POST", format!("/api/v1/orgs/{org}/move"), json!({"new_parent_id": own_branch})),
        ("POST", format!("/api/v1/orgs/{org}/dissolve"), json!({})),
        ("POST", format!("/api/v1/orgs/{org}/positions"), json!({"member_id": member, "role": "committee_member"})),
        ("POST", format!("/api/v1/orgs/{org}/positions/1/end"), json!({})),
        ("PUT", format!("/api/v1/members/{member}"), member_json(own_branch, "越权修改", 90)),
        (
            "POST",
            format!("/api/v1/members/{member}/transfer"),
            json!({"to_org_id": own_branch, "on": ymd(today()), "reason": "越权"}),
        ),
        (
            "POST",
            format!("/api/v1/members/{member}/status"),
            json!({"special_status": "mobile", "since": ymd(today())}),
        ),
    ];
    for (method, path, body) in cases {
        let (s, v) = match method {
            "PATCH" => app.patch_json(&path, token, body).await,
            "PUT" => app.put_json(&path, token, body).await,
            _ => app.post_json(&path, token, body).await,
        };
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path}: {v}");
        assert_eq!(v["error"]["code"], "not_found");
    }
    // A member created into a foreign branch: the target is invalid.
    let (s, v) = app.post_json("/api/v1/members", token, member_json(org, "越权新增", 91)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["org_id"].is_string());
    assert_eq!(app.audit_count().await, before, "nothing was written");
}

/// The org ids of a token's tree.
async fn visible_orgs(app: &TestApp, token: &str) -> HashSet<i64> {
    app.tree(token).await.iter().map(|n| n["id"].as_i64().unwrap()).collect()
}

/// Asserts that a token sees exactly the subtree of `anchor` (as the admin sees it): tree, roster,
/// export, stats.
async fn sees_exactly_subtree(app: &TestApp, token: &str, anchor: i64) {
    let (s, admin_view) = app.get(&format!("/api/v1/orgs?root={anchor}"), &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    let expected: HashSet<i64> = admin_view.as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect();
    let tree = app.tree(token).await;
    assert_eq!(tree[0]["id"].as_i64(), Some(anchor), "the tree starts at the anchor");
    assert_eq!(visible_orgs(app, token).await, expected, "the tree is the anchor's subtree");
    // The roster: the same members as the admin's roster of that org.
    let (total, ids) = app.member_ids(token, "").await;
    let (admin_total, admin_ids) = app.member_ids(&app.admin, &format!("org={anchor}")).await;
    assert_eq!(total, admin_total);
    assert!(total > 0);
    if total <= 200 {
        assert_eq!(ids.iter().collect::<HashSet<_>>(), admin_ids.iter().collect::<HashSet<_>>());
    }
    let (_, page) = app.get("/api/v1/members?per_page=200", token).await;
    for m in page["items"].as_array().unwrap() {
        assert!(expected.contains(&m["org_id"].as_i64().unwrap()), "{m}");
    }
    // Search does not leak: a surname search counts only in scope.
    let (_, everyone) = app.get("/api/v1/members?q=%E7%8E%8B", &app.admin).await;
    let (_, mine) = app.get("/api/v1/members?q=%E7%8E%8B&per_page=200", token).await;
    assert!(mine["total"].as_i64() <= everyone["total"].as_i64());
    for m in mine["items"].as_array().unwrap() {
        assert!(expected.contains(&m["org_id"].as_i64().unwrap()), "search result {m}");
    }
    // The export: one row per member in scope plus the header.
    let r = app.get_raw("/api/v1/members/export.xlsx", token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"PK"));
    let rows = xlsx_rows(&r.body);
    assert_eq!(rows.len() as i64, total + 1, "export rows");
    assert_eq!(rows[0][0], "姓名");
    // Stats count the same people.
    let (s, st) = app.get("/api/v1/stats", token).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["full"].as_i64().unwrap() + st["probationary"].as_i64().unwrap(), total);
}

both!(branch_admin_sees_only_its_branch, |app| async move {
    let fx = app.fixtures().await;
    let tok = app.branch.clone();
    sees_exactly_subtree(&app, &tok, fx.branch).await;
    for id in [fx.root, fx.college, fx.sibling_branch, fx.foreign_branch, fx.other_unit] {
        for path in org_gets(id) {
            let r = app.get_raw(&path, &tok).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
            assert_eq!(r.json()["error"]["code"], "not_found", "{path}");
        }
    }
    for id in [fx.sibling_member, fx.foreign_member] {
        let (s, v) = app.get(&format!("/api/v1/members/{id}"), &tok).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    }
    // A foreign id and an id that does not exist answer identically.
    let foreign = app.get_raw(&format!("/api/v1/members/{}", fx.foreign_member), &tok).await;
    let missing = app.get_raw("/api/v1/members/987654321", &tok).await;
    assert_eq!((foreign.status, foreign.body.clone()), (missing.status, missing.body.clone()));
    // Own things are fine.
    for path in org_gets(fx.branch) {
        let r = app.get_raw(&path, &tok).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
    }
    assert_eq!(app.get(&format!("/api/v1/members/{}", fx.other_in_branch), &tok).await.0, StatusCode::OK);
    foreign_writes(&app, &tok, fx.sibling_branch, fx.sibling_member, fx.branch).await;
    foreign_writes(&app, &tok, fx.foreign_branch, fx.foreign_member, fx.branch).await;
    // Users: only those anchored in the branch.
    let (s, users) = app.get("/api/v1/users", &tok).await;
    assert_eq!(s, StatusCode::OK, "{users}");
    let names: HashSet<&str> = users.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, HashSet::from(["branch", "member"]));
    // Findings only about its own subtree.
    let (_, f) = app.get("/api/v1/findings", &tok).await;
    let mine = visible_orgs(&app, &tok).await;
    for x in f.as_array().unwrap().iter().filter(|x| x["subject_kind"] == "org") {
        assert!(mine.contains(&x["subject_id"].as_i64().unwrap()), "{x}");
    }
});

both!(college_admin_sees_only_its_college, |app| async move {
    let fx = app.fixtures().await;
    let tok = app.college.clone();
    sees_exactly_subtree(&app, &tok, fx.college).await;
    for id in [fx.root, fx.other_unit, fx.foreign_branch] {
        for path in org_gets(id) {
            let r = app.get_raw(&path, &tok).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
        }
    }
    assert_eq!(app.get(&format!("/api/v1/members/{}", fx.foreign_member), &tok).await.0, StatusCode::NOT_FOUND);
    for id in [fx.sibling_member, fx.other_in_branch, fx.member_me] {
        assert_eq!(app.get(&format!("/api/v1/members/{id}"), &tok).await.0, StatusCode::OK);
    }
    for path in org_gets(fx.sibling_branch) {
        assert_eq!(app.get_raw(&path, &tok).await.status, StatusCode::OK, "{path}");
    }
    foreign_writes(&app, &tok, fx.foreign_branch, fx.foreign_member, fx.branch).await;
    // The inspector of the same college sees the same subtree.
    let insp = app.inspector.clone();
    sees_exactly_subtree(&app, &insp, fx.college).await;
    assert_eq!(app.get(&format!("/api/v1/orgs/{}", fx.other_unit), &insp).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/members/{}", fx.foreign_member), &insp).await.0, StatusCode::NOT_FOUND);
    let (s, users) = app.get("/api/v1/users", &tok).await;
    assert_eq!(s, StatusCode::OK);
    assert!(users.as_array().unwrap().iter().all(|u| u["username"] != "admin"));
});

both!(member_sees_only_itself, |app| async move {
    let fx = app.fixtures().await;
    let tok = app.member.clone();
    let (s, v) = app.get("/api/v1/members?per_page=200", &tok).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["items"][0]["id"].as_i64(), Some(fx.member_me));
    let (_, v) = app.get(&format!("/api/v1/members?org={}", fx.branch), &tok).await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(app.get(&format!("/api/v1/members/{}", fx.member_me), &tok).await.0, StatusCode::OK);
    for id in [fx.other_in_branch, fx.sibling_member, fx.foreign_member] {
        assert_eq!(app.get(&format!("/api/v1/members/{id}"), &tok).await.0, StatusCode::NOT_FOUND, "member {id}");
    }
    // Its own branch only, no neighbours.
    let tree = app.tree(&tok).await;
    assert_eq!(tree.len(), 1, "{tree:?}");
    assert_eq!(tree[0]["id"].as_i64(), Some(fx.branch));
    for id in [fx.root, fx.college, fx.sibling_branch, fx.foreign_branch] {
        assert_eq!(app.get(&format!("/api/v1/orgs/{id}"), &tok).await.0, StatusCode::NOT_FOUND, "org {id}");
        let r = app.get_raw(&format!("/api/v1/members/export.xlsx?org={id}"), &tok).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    // The export holds only the member.
    let r = app.get_raw("/api/v1/members/export.xlsx", &tok).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(xlsx_rows(&r.body).len(), 2);
    // No audit log, no user list, no writes.
    assert_eq!(app.get("/api/v1/audit", &tok).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/users", &tok).await.0, StatusCode::FORBIDDEN);
    let (s, _) =
        app.put_json(&format!("/api/v1/members/{}", fx.member_me), &tok, member_json(fx.branch, "改自己", 92)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, st) = app.get("/api/v1/stats", &tok).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(st["full"].as_i64().unwrap() + st["probationary"].as_i64().unwrap(), 1);
});

both!(audit_is_scoped, |app| async move {
    let fx = app.fixtures().await;
    // One write in each place.
    let (s, own) = app.post_json("/api/v1/members", &app.admin, member_json(fx.branch, "本支部新人", 61)).await;
    assert_eq!(s, StatusCode::OK, "{own}");
    let (s, sib) = app.post_json("/api/v1/members", &app.admin, member_json(fx.sibling_branch, "邻支部新人", 62)).await;
    assert_eq!(s, StatusCode::OK, "{sib}");
    let (s, far) = app.post_json("/api/v1/members", &app.admin, member_json(fx.foreign_branch, "外院新人", 63)).await;
    assert_eq!(s, StatusCode::OK, "{far}");
    let (s, _) = app
        .patch_json(&format!("/api/v1/orgs/{}", fx.foreign_branch), &app.admin, json!({"name": "外院更名党支部"}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let entity_ids = |v: &Value| -> Vec<(String, i64)> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| Some((e["entity"].as_str()?.to_string(), e["entity_id"].as_i64()?)))
            .collect()
    };
    let id = |v: &Value| ("member".to_string(), v["id"].as_i64().unwrap());
    let (s, a) = app.get("/api/v1/audit", &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    let all = entity_ids(&a);
    assert!(all.contains(&id(&own)) && all.contains(&id(&sib)) && all.contains(&id(&far)));
    assert!(all.contains(&("org".to_string(), fx.foreign_branch)));

    let (s, b) = app.get("/api/v1/audit", &app.branch).await;
    assert_eq!(s, StatusCode::OK);
    let seen = entity_ids(&b);
    assert!(seen.contains(&id(&own)), "{b}");
    assert!(!seen.contains(&id(&sib)) && !seen.contains(&id(&far)), "{b}");
    assert!(!seen.contains(&("org".to_string(), fx.foreign_branch)));
    assert!(b["items"].as_array().unwrap().iter().all(|e| e["action"] != "demo_load"));

    for tok in [&app.college, &app.inspector] {
        let (s, c) = app.get("/api/v1/audit", tok).await;
        assert_eq!(s, StatusCode::OK);
        let seen = entity_ids(&c);
        assert!(seen.contains(&id(&own)) && seen.contains(&id(&sib)), "{c}");
        assert!(!seen.contains(&id(&far)), "{c}");
        assert!(!seen.contains(&("org".to_string(), fx.foreign_branch)));
    }
    // Filtering by a foreign entity id yields nothing rather than an error.
    let (s, v) = app.get(&format!("/api/v1/audit?entity=member&entity_id={}", far["id"]), &app.college).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 0);
});

both!(readers_cannot_write, |app| async move {
    let fx = app.fixtures().await;
    let before = app.audit_count().await;
    let tok = app.inspector.clone();
    let (s, v) = app
        .post_json(
            "/api/v1/orgs",
            &tok,
            json!({"parent_id": fx.college, "kind": "branch", "category": "teacher", "name": "督查新建"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"]["code"], "forbidden");
    let (s, _) = app.post_json("/api/v1/members", &tok, member_json(fx.branch, "督查新增", 70)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.patch_json(&format!("/api/v1/orgs/{}", fx.branch), &tok, json!({"name": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) =
        app.put_json(&format!("/api/v1/members/{}", fx.other_in_branch), &tok, member_json(fx.branch, "x", 71)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post_json(
            &format!("/api/v1/members/{}/status", fx.other_in_branch),
            &tok,
            json!({"special_status": "mobile", "since": "2026-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.post_json(&format!("/api/v1/orgs/{}/dissolve", fx.branch), &tok, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.post_multipart("/api/v1/members/import", &tok, "a.csv", "姓名\n".as_bytes()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get("/api/v1/users", &tok).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post_json(
            "/api/v1/users",
            &tok,
            json!({"username": "x123", "role": "member", "member_id": fx.other_in_branch, "password": "abc12345"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count().await, before);
});

both!(no_one_grants_more_than_they_have, |app| async move {
    let fx = app.fixtures().await;
    let pw = "Passw0rd2026";
    // A unit admin cannot make a school admin.
    let (s, v) = app
        .post_json("/api/v1/users", &app.college, json!({"username": "boss", "role": "school_admin", "password": pw}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, _) = app
        .post_json(
            "/api/v1/users",
            &app.college,
            json!({"username": "boss", "role": "school_admin", "org_id": fx.college, "password": pw}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A branch admin cannot make a unit admin.
    let (s, _) = app
        .post_json(
            "/api/v1/users",
            &app.branch,
            json!({"username": "unit2", "role": "unit_admin", "org_id": fx.college, "password": pw}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Nor anchor anyone outside their scope.
    let (s, v) = app
        .post_json(
            "/api/v1/users",
            &app.college,
            json!({"username": "unit3", "role": "unit_admin", "org_id": fx.other_unit, "password": pw}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["org_id"].is_string());
    let (s, v) = app
        .post_json(
            "/api/v1/users",
            &app.branch,
            json!({"username": "m2", "role": "member", "member_id": fx.sibling_member, "password": pw}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Within scope it works, once.
    let (s, v) = app
        .post_json(
            "/api/v1/users",
            &app.college,
            json!({"username": "sec2", "role": "branch_admin", "org_id": fx.sibling_branch, "password": pw}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app
        .post_json(
            "/api/v1/users",
            &app.college,
            json!({"username": "sec2", "role": "branch_admin", "org_id": fx.sibling_branch, "password": pw}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"]["fields"]["username"].is_string());
    // The new account sees its branch and nothing else.
    let t = app.login_token("sec2", pw).await.unwrap();
    assert_eq!(app.get(&format!("/api/v1/orgs/{}", fx.sibling_branch), &t).await.0, StatusCode::OK);
    assert_eq!(app.get(&format!("/api/v1/orgs/{}", fx.branch), &t).await.0, StatusCode::NOT_FOUND);
    // Disabling ends access; the branch admin cannot disable the college's accounts.
    let (_, users) = app.get("/api/v1/users", &app.college).await;
    let sec2 = users.as_array().unwrap().iter().find(|u| u["username"] == "sec2").unwrap()["id"].as_i64().unwrap();
    let (s, _) = app.post_json(&format!("/api/v1/users/{sec2}/active"), &app.branch, json!({"active": false})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.post_json(&format!("/api/v1/users/{sec2}/active"), &app.college, json!({"active": false})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.get("/api/v1/me", &t).await.0, StatusCode::UNAUTHORIZED);
});
