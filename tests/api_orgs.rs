//! The org tree: counts, create, rename with history, move, dissolve, committee seats, findings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;

fn node(tree: &[Value], id: i64) -> Option<&Value> {
    tree.iter().find(|n| n["id"].as_i64() == Some(id))
}

fn total(c: &Value) -> i64 {
    c["full"].as_i64().unwrap() + c["probationary"].as_i64().unwrap()
}

both!(tree_counts_add_up, |app| async move {
    let tree = app.tree(&app.admin).await;
    assert!(tree.len() > 20, "a tree of {} nodes", tree.len());
    assert_eq!(tree[0]["level"], 0);
    assert_eq!(tree[0]["kind"], "university_committee");
    // Every node's subtree = its direct members + its children's subtrees (the list is depth first).
    for (i, n) in tree.iter().enumerate() {
        let level = n["level"].as_u64().unwrap();
        let mut full = n["direct"]["full"].as_i64().unwrap();
        let mut prob = n["direct"]["probationary"].as_i64().unwrap();
        for c in tree[i + 1..].iter().take_while(|c| c["level"].as_u64().unwrap() > level) {
            if c["level"].as_u64().unwrap() == level + 1 {
                assert_eq!(c["parent_id"], n["id"], "depth-first order");
                full += c["subtree"]["full"].as_i64().unwrap();
                prob += c["subtree"]["probationary"].as_i64().unwrap();
            }
        }
        assert_eq!(n["subtree"]["full"].as_i64().unwrap(), full, "full of {}", n["name"]);
        assert_eq!(n["subtree"]["probationary"].as_i64().unwrap(), prob, "probationary of {}", n["name"]);
    }
    // The root's subtree is everybody, and equals the sum over the units.
    let root_total = total(&tree[0]["subtree"]);
    let units: i64 = tree.iter().filter(|n| n["level"] == 1).map(|n| total(&n["subtree"])).sum();
    assert_eq!(root_total, units + total(&tree[0]["direct"]));
    assert_eq!(root_total, app.member_total().await);
    assert!(root_total >= 500, "the demo has ~600 members, got {root_total}");
    // A unit's detail page counts the same as its tree node.
    let fx = app.fixtures().await;
    let (s, d) = app.get(&format!("/api/v1/orgs/{}", fx.college), &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["counts"], node(&tree, fx.college).unwrap()["subtree"]);
    assert_eq!(d["org"]["kind"], "college_committee");
    assert!(!d["children"].as_array().unwrap().is_empty());
    // The college's own tree starts at the college and has the same count.
    let ct = app.tree(&app.college).await;
    assert_eq!(ct[0]["id"].as_i64(), Some(fx.college));
    assert_eq!(ct[0]["subtree"], d["counts"]);
    assert_eq!(app.member_ids(&app.college, "").await.0, total(&d["counts"]));
});

both!(create_branch_and_validation, |app| async move {
    let fx = app.fixtures().await;
    let audit_before = app.audit_count().await;
    let founders = app.full_members_of(fx.college, &ymd(today()), 3).await;
    let (s, v) = app
        .post_json(
            "/api/v1/orgs",
            &app.college,
            json!({"parent_id": fx.college, "kind": "branch", "category": "student", "name": "  2026级本科生党支部 ", "founding_member_ids": founders}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "2026级本科生党支部", "trimmed");
    assert_eq!(v["kind"], "branch");
    assert_eq!(v["category"], "student");
    assert_eq!(v["parent_id"].as_i64(), Some(fx.college));
    let id = v["id"].as_i64().unwrap();
    assert!(v["path"].as_str().unwrap().ends_with(&format!("/{id}/")));
    assert_eq!(app.audit_count().await, audit_before + 1);
    let tree = app.tree(&app.college).await;
    let n = node(&tree, id).expect("the new branch is in the tree");
    assert_eq!(total(&n["subtree"]), 0);

    // A kind the parent may not hold.
    for kind in ["university_committee", "college_committee", "group"] {
        let (s, v) = app
            .post_json("/api/v1/orgs", &app.admin, json!({"parent_id": fx.college, "kind": kind, "name": "不该成立"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {v}");
        assert!(v["error"]["fields"]["kind"].is_string(), "{v}");
    }
    // Nothing under a branch but a group.
    let (s, v) = app
        .post_json(
            "/api/v1/orgs",
            &app.admin,
            json!({"parent_id": fx.branch, "kind": "branch", "category": "teacher", "name": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // A branch needs a category.
    let (s, v) = app
        .post_json("/api/v1/orgs", &app.admin, json!({"parent_id": fx.college, "kind": "branch", "name": "无类别"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["category"].is_string(), "{v}");
    // A name is required.
    let (s, v) = app
        .post_json(
            "/api/v1/orgs",
            &app.admin,
            json!({"parent_id": fx.college, "kind": "branch", "category": "teacher", "name": "   "}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["name"].is_string(), "{v}");
    // An unknown kind is malformed input: 400 naming the field.
    let (s, v) =
        app.post_json("/api/v1/orgs", &app.admin, json!({"parent_id": fx.college, "kind": "cell", "name": "x"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"]["fields"]["kind"].is_string(), "{v}");
    // A parent outside the caller's scope.
    let (s, v) = app
        .post_json(
            "/api/v1/orgs",
            &app.college,
            json!({"parent_id": fx.other_unit, "kind": "branch", "category": "teacher", "name": "越权"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["parent_id"].is_string(), "{v}");
    // Only the one create was recorded.
    assert_eq!(app.audit_count().await, audit_before + 1);
});

both!(rename_keeps_history, |app| async move {
    let fx = app.fixtures().await;
    let yesterday = ymd(today().pred_opt().unwrap());
    let old = app.get(&format!("/api/v1/orgs/{}", fx.sibling_branch), &app.admin).await.1["org"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, v) = app
        .patch_json(&format!("/api/v1/orgs/{}", fx.sibling_branch), &app.college, json!({"name": "更名后的党支部"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "更名后的党支部");

    let (s, then) = app.get(&format!("/api/v1/orgs?as_of={yesterday}"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{then}");
    let then = then.as_array().unwrap();
    assert_eq!(node(then, fx.sibling_branch).unwrap()["name"].as_str(), Some(old.as_str()));
    let now = app.tree(&app.admin).await;
    assert_eq!(node(&now, fx.sibling_branch).unwrap()["name"], "更名后的党支部");
    let (_, today_tree) = app.get(&format!("/api/v1/orgs?as_of={}", ymd(today())), &app.admin).await;
    assert_eq!(node(today_tree.as_array().unwrap(), fx.sibling_branch).unwrap()["name"], "更名后的党支部");
    // The past tree keeps its member counts too.
    assert_eq!(
        total(&node(then, fx.sibling_branch).unwrap()["subtree"]),
        total(&node(&now, fx.sibling_branch).unwrap()["subtree"])
    );
    let (_, audit) = app.get(&format!("/api/v1/audit?entity=org&entity_id={}", fx.sibling_branch), &app.admin).await;
    assert_eq!(audit["items"][0]["action"], "update", "{audit}");
    assert!(audit["items"][0]["before_json"].as_str().unwrap().contains(&old));
    // A second rename on the same day keeps one version for the day.
    let (s, _) = app
        .patch_json(&format!("/api/v1/orgs/{}", fx.sibling_branch), &app.college, json!({"name": "再次更名党支部"}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, then) = app.get(&format!("/api/v1/orgs?as_of={yesterday}"), &app.admin).await;
    assert_eq!(node(then.as_array().unwrap(), fx.sibling_branch).unwrap()["name"].as_str(), Some(old.as_str()));
    assert_eq!(node(&app.tree(&app.admin).await, fx.sibling_branch).unwrap()["name"], "再次更名党支部");
    // Empty names are refused and change nothing.
    let (s, v) =
        app.patch_json(&format!("/api/v1/orgs/{}", fx.sibling_branch), &app.college, json!({"name": ""})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["name"].is_string());
});

both!(move_branch_members_follow, |app| async move {
    let fx = app.fixtures().await;
    let yesterday = ymd(today().pred_opt().unwrap());
    let (_, moved) = app.member_ids(&app.admin, &format!("org={}", fx.sibling_branch)).await;
    assert!(!moved.is_empty());
    let (n_other_before, _) = app.member_ids(&app.admin, &format!("org={}", fx.other_unit)).await;
    let (n_college_before, _) = app.member_ids(&app.admin, &format!("org={}", fx.college)).await;

    let (s, v) = app
        .post_json(
            &format!("/api/v1/orgs/{}/move", fx.sibling_branch),
            &app.admin,
            json!({"new_parent_id": fx.other_unit}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["parent_id"].as_i64(), Some(fx.other_unit));
    let other_path = app.org_path(fx.other_unit).await;
    assert_eq!(v["path"].as_str().unwrap(), format!("{other_path}{}/", fx.sibling_branch));

    // The members moved with their branch: the new unit's roster has them, the old one not.
    let (n_other, other_ids) = app.member_ids(&app.admin, &format!("org={}", fx.other_unit)).await;
    assert_eq!(n_other, n_other_before + moved.len() as i64);
    let (n_college, _) = app.member_ids(&app.admin, &format!("org={}", fx.college)).await;
    assert_eq!(n_college, n_college_before - moved.len() as i64);
    if n_other <= 200 {
        assert!(moved.iter().all(|m| other_ids.contains(m)));
    }
    // The college no longer sees the branch or its members.
    assert_eq!(app.get(&format!("/api/v1/orgs/{}", fx.sibling_branch), &app.college).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/members/{}", moved[0]), &app.college).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/members/{}", moved[0]), &app.admin).await.0, StatusCode::OK);
    // Yesterday's tree still has it under the college.
    let (_, then) = app.get(&format!("/api/v1/orgs?as_of={yesterday}"), &app.admin).await;
    assert_eq!(node(then.as_array().unwrap(), fx.sibling_branch).unwrap()["parent_id"].as_i64(), Some(fx.college));
    let now = app.tree(&app.admin).await;
    assert_eq!(node(&now, fx.sibling_branch).unwrap()["parent_id"].as_i64(), Some(fx.other_unit));

    // Never under itself or its own descendants.
    let (s, v) = app
        .post_json(&format!("/api/v1/orgs/{}/move", fx.college), &app.admin, json!({"new_parent_id": fx.branch}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["new_parent_id"].is_string(), "{v}");
    let (s, v) = app
        .post_json(&format!("/api/v1/orgs/{}/move", fx.branch), &app.admin, json!({"new_parent_id": fx.branch}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Not under a kind that may not hold it (a branch under a branch).
    let (s, v) = app
        .post_json(&format!("/api/v1/orgs/{}/move", fx.branch), &app.admin, json!({"new_parent_id": fx.foreign_branch}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // The root cannot move.
    let (s, _) = app
        .post_json(&format!("/api/v1/orgs/{}/move", fx.root), &app.admin, json!({"new_parent_id": fx.college}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // A college admin cannot move a branch out of its scope.
    let (s, v) = app
        .post_json(&format!("/api/v1/orgs/{}/move", fx.branch), &app.college, json!({"new_parent_id": fx.other_unit}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let n = app.scalar("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'move'").await;
    assert_eq!(n, 1);
});

both!(dissolve_only_when_empty, |app| async move {
    let fx = app.fixtures().await;
    let (s, v) = app.post_json(&format!("/api/v1/orgs/{}/dissolve", fx.sibling_branch), &app.college, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("党员"), "{v}");
    // A unit with branches cannot go either.
    let (s, _) = app.post_json(&format!("/api/v1/orgs/{}/dissolve", fx.other_unit), &app.admin, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    let (s, v) = app
        .post_json(
            "/api/v1/orgs",
            &app.college,
            json!({"parent_id": fx.college, "kind": "branch", "category": "teacher", "name": "临时党支部", "established_on": "2024-01-01", "founding_member_ids": app.full_members_of(fx.college, "2024-01-01", 3).await}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v) = app
        .post_json(&format!("/api/v1/orgs/{id}/dissolve"), &app.college, json!({"dissolved_on": "2023-12-31"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "dissolved before established: {v}");
    let (s, v) = app.post_json(&format!("/api/v1/orgs/{id}/dissolve"), &app.college, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["dissolved_on"].as_str(), Some(ymd(today()).as_str()));
    assert!(node(&app.tree(&app.college).await, id).is_none(), "gone from the live tree");
    let (s, _) = app.post_json(&format!("/api/v1/orgs/{id}/dissolve"), &app.college, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "already dissolved");
    // No members can be put into it any more.
    let (s, v) = app.post_json("/api/v1/members", &app.college, member_json(id, "撤销后", 1)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["org_id"].is_string(), "{v}");
    // A user cannot dissolve its own scope.
    let (s, _) = app.post_json(&format!("/api/v1/orgs/{}/dissolve", fx.branch), &app.branch, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'dissolve'").await, 1);
});

both!(positions_add_and_end, |app| async move {
    let fx = app.fixtures().await;
    let (s, before) = app.get(&format!("/api/v1/orgs/{}/positions", fx.branch), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{before}");
    let before = before.as_array().unwrap().len();
    let (s, p) = app
        .post_json(
            &format!("/api/v1/orgs/{}/positions", fx.branch),
            &app.branch,
            // The demo branch's committee already has five members: a sixth needs a justification (R3.3).
            json!({"member_id": fx.other_in_branch, "role": "publicity_member", "start_on": "2026-01-05", "justification": "换届前临时增补"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["role"], "publicity_member");
    assert_eq!(p["member_id"].as_i64(), Some(fx.other_in_branch));
    assert!(p["end_on"].is_null());
    let pid = p["id"].as_i64().unwrap();
    // The same seat twice is refused.
    let (s, v) = app
        .post_json(
            &format!("/api/v1/orgs/{}/positions", fx.branch),
            &app.branch,
            json!({"member_id": fx.other_in_branch, "role": "publicity_member"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Only members of the org's subtree.
    let (s, v) = app
        .post_json(
            &format!("/api/v1/orgs/{}/positions", fx.branch),
            &app.admin,
            json!({"member_id": fx.foreign_member, "role": "committee_member"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["member_id"].is_string(), "{v}");
    let (_, list) = app.get(&format!("/api/v1/orgs/{}/positions", fx.branch), &app.branch).await;
    assert_eq!(list.as_array().unwrap().len(), before + 1);
    // Ending before the start is refused; ending works.
    let (s, _) = app
        .post_json(
            &format!("/api/v1/orgs/{}/positions/{pid}/end", fx.branch),
            &app.branch,
            json!({"end_on": "2025-12-31"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = app
        .post_json(
            &format!("/api/v1/orgs/{}/positions/{pid}/end", fx.branch),
            &app.branch,
            json!({"end_on": "2026-03-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, list) = app.get(&format!("/api/v1/orgs/{}/positions", fx.branch), &app.branch).await;
    let row = list.as_array().unwrap().iter().find(|x| x["id"].as_i64() == Some(pid)).unwrap().clone();
    assert_eq!(row["end_on"], "2026-03-01");
    // The member's profile shows the seat.
    let (_, prof) = app.get(&format!("/api/v1/members/{}", fx.other_in_branch), &app.branch).await;
    assert!(prof["positions"].as_array().unwrap().iter().any(|x| x["id"].as_i64() == Some(pid)));
    // A seat id of another org is not found through this org.
    let (s, _) = app
        .post_json(&format!("/api/v1/orgs/{}/positions/{pid}/end", fx.sibling_branch), &app.college, json!({}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let n = app.scalar("SELECT COUNT(*) AS n FROM audit_event WHERE entity = 'position'").await;
    assert_eq!(n, 2);
});

both!(findings_name_rules_and_facts, |app| async move {
    let fx = app.fixtures().await;
    // A branch with a single full member is too small (R3.1).
    let (s, v) = app
        .post_json(
            "/api/v1/orgs",
            &app.college,
            json!({"parent_id": fx.college, "kind": "branch", "category": "teacher", "name": "微型党支部", "established_on": "2020-01-01", "founding_member_ids": app.full_members_of(fx.college, "2020-01-01", 3).await}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v) = app.post_json("/api/v1/members", &app.college, member_json(id, "独一人", 7)).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let (s, f) = app.get(&format!("/api/v1/orgs/{id}/findings"), &app.college).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let f = f.as_array().unwrap();
    let r31 = f.iter().find(|x| x["rule"] == "R3.1").unwrap_or_else(|| panic!("R3.1 among {f:?}"));
    assert_eq!(r31["subject_kind"], "org");
    assert_eq!(r31["subject_id"].as_i64(), Some(id));
    assert!(!r31["facts"].as_array().unwrap().is_empty(), "{r31}");
    assert!(r31["message_zh"].as_str().unwrap().contains("微型党支部"));
    // The org page carries its own findings.
    let (_, d) = app.get(&format!("/api/v1/orgs/{id}"), &app.college).await;
    assert!(d["findings"].as_array().unwrap().iter().any(|x| x["rule"] == "R3.1"), "{d}");

    // The whole scope has findings too, every one naming a rule and giving facts.
    let (s, all) = app.get("/api/v1/findings", &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    let all = all.as_array().unwrap();
    assert!(all.len() > 1);
    for x in all {
        let rule = x["rule"].as_str().unwrap();
        assert!(rule.starts_with('R') || rule.starts_with("党章"), "rule id {rule}");
        assert!(x["facts"].is_array());
    }
    assert!(all.iter().any(|x| x["rule"] == "R3.1"));
    // Restricted to the other unit: nothing of the first college.
    let (s, other) = app.get(&format!("/api/v1/findings?org={}", fx.other_unit), &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        other.as_array().unwrap().iter().all(|x| x["subject_id"].as_i64() != Some(id) || x["subject_kind"] != "org")
    );
});
