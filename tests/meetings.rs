//! 票决 through the HTTP API: a 党支部党员大会 deciding several candidates, each voted on
//! separately (R1.16), 应到会有表决权 from the roster of the branch and its 党小组 (R1.17), the
//! outcome computed (R1.15–R1.16), all or nothing, and scoping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;

const MEETING_DAY: &str = "2025-05-10";

/// Full members of an org, as the admin sees them.
async fn full_members(app: &TestApp, org: i64) -> Vec<i64> {
    let (s, v) = app.get(&format!("/api/v1/members?org={org}&status=full&per_page=200"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect()
}

/// Opens a case for a new person in `org`.
async fn open_case(app: &TestApp, token: &str, org: i64, name: &str) -> i64 {
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            token,
            json!({"name": name, "gender": "male", "birth_date": "2003-05-01", "category": "student", "org_id": org,
                   "applied_on": "2024-01-10", "details": {"materials": "入党申请书（纸质已存档）"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["id"].as_i64().unwrap()
}

/// Records a step that must pass.
async fn ok_step(app: &TestApp, token: &str, case: i64, body: Value) -> Value {
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/steps"), token, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} → {v}");
    v
}

/// Walks a new case of `org` to the step before the admission vote (as tests/development.rs does).
async fn candidate(app: &TestApp, token: &str, org: i64, name: &str, full: &[i64]) -> i64 {
    let case = open_case(app, token, org, name).await;
    let steps = [
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
    ];
    for s in steps {
        ok_step(app, token, case, s).await;
    }
    case
}

/// 应到会有表决权 of the branch on a date, from the preview endpoint.
async fn eligible(app: &TestApp, token: &str, org: i64, on: &str) -> (u32, Value) {
    let (s, v) = app.get(&format!("/api/v1/development/meetings/preview?org={org}&on={on}"), token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (u32::try_from(v["eligible"]["eligible_voters"].as_u64().unwrap()).unwrap(), v)
}

fn meeting(org: i64, present: u32, written: u32, ballots: Value) -> Value {
    json!({"org_id": org, "kind": "admission", "held_on": MEETING_DAY, "present_voters": present,
           "written_opinions": written, "note": "支部大会逐个讨论表决", "ballots": ballots})
}

async fn counts(app: &TestApp) -> (i64, i64, i64) {
    (
        app.scalar("SELECT COUNT(*) AS n FROM development_meeting").await,
        app.scalar("SELECT COUNT(*) AS n FROM development_step WHERE step = 'admission_vote'").await,
        app.audit_count().await,
    )
}

both!(meeting_decides_two_candidates_each_separately, |app| async move {
    let fx = app.fixtures().await;
    let full = full_members(&app, fx.branch).await;
    assert!(full.len() >= 3);
    let a = candidate(&app, &app.branch, fx.branch, "甲对象", &full).await;
    let b = candidate(&app, &app.branch, fx.branch, "乙对象", &full).await;
    let (n, preview) = eligible(&app, &app.branch, fx.branch, MEETING_DAY).await;
    assert!(n >= 3, "{preview}");
    // Both are due for the vote and listed by the form's preview.
    let due: Vec<i64> =
        preview["candidates"].as_array().unwrap().iter().map(|c| c["case_id"].as_i64().unwrap()).collect();
    assert!(due.contains(&a) && due.contains(&b), "{preview}");
    let before = counts(&app).await;

    // One ballot for two candidates: 422 naming R1.16, nothing written.
    let (s, v) = app
        .post_json(
            "/api/v1/development/meetings",
            &app.branch,
            meeting(fx.branch, n, 0, json!([{"case_ids": [a, b], "yes_votes": n, "no_votes": 0, "abstain_votes": 0}])),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.16", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("合并表决"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("甲对象"), "{v}");
    assert_eq!(counts(&app).await, before, "nothing written");

    // The same candidate twice is refused too; an empty list is a 422 on `ballots`.
    let one = |id: i64, yes: u32| json!({"case_ids": [id], "yes_votes": yes, "no_votes": 0, "abstain_votes": 0});
    let (s, v) = app
        .post_json("/api/v1/development/meetings", &app.branch, meeting(fx.branch, n, 0, json!([one(a, n), one(a, n)])))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.16", "{v}");
    let (s, v) = app.post_json("/api/v1/development/meetings", &app.branch, meeting(fx.branch, n, 0, json!([]))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["ballots"].is_string(), "{v}");

    // More votes than present voters plus written opinions: 422 naming the candidate, nothing written,
    // even though the first candidate's ballot is lawful.
    let (s, v) = app
        .post_json(
            "/api/v1/development/meetings",
            &app.branch,
            meeting(
                fx.branch,
                n - 1,
                1,
                json!([one(a, n), {"case_ids": [b], "yes_votes": n, "no_votes": 1, "abstain_votes": 0}]),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.16", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("乙对象"), "{v}");
    assert!(v["error"]["fields"][format!("ballot_{b}")].is_string(), "{v}");
    assert_eq!(counts(&app).await, before, "nothing written");

    // A typed 应到 count is never taken: present above the computed count is refused (R1.15).
    let (s, v) = app
        .post_json("/api/v1/development/meetings", &app.branch, meeting(fx.branch, n + 1, 0, json!([one(a, n + 1)])))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.15", "{v}");

    // The lawful meeting: 甲 passes, 乙 fails (yes not more than half of the eligible).
    let (s, v) = app
        .post_json(
            "/api/v1/development/meetings",
            &app.branch,
            meeting(
                fx.branch,
                n - 1,
                1,
                json!([one(a, n), {"case_ids": [b], "yes_votes": n / 2, "no_votes": n - n / 2, "abstain_votes": 0}]),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["eligible_voters"], n, "{v}");
    let c = v["candidates"].as_array().unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!((c[0]["case_id"].as_i64(), c[0]["outcome"].as_str()), (Some(a), Some("passed")), "{v}");
    assert_eq!((c[1]["case_id"].as_i64(), c[1]["outcome"].as_str()), (Some(b), Some("failed")), "{v}");
    assert_eq!(c[0]["step_recorded"], true);
    assert_eq!(c[1]["step_recorded"], false);
    // The passed candidate's vote step points at the meeting, with the computed counts.
    let linked = app
        .scalar(&format!("SELECT COUNT(*) AS n FROM development_step WHERE meeting_id = {id} AND case_id = {a} AND step = 'admission_vote'"))
        .await;
    assert_eq!(linked, 1);
    let (_, da) = app.get(&format!("/api/v1/development/cases/{a}"), &app.branch).await;
    let voted = da["steps"].as_array().unwrap().iter().find(|s| s["step"] == "admission_vote").unwrap();
    assert_eq!(voted["vote_outcome"], "passed", "{voted}");
    assert_eq!(voted["body"]["vote"]["eligible_voters"], n, "{voted}");
    // The failed candidate has no vote step and is still due for the vote.
    let (_, db) = app.get(&format!("/api/v1/development/cases/{b}"), &app.branch).await;
    assert!(db["steps"].as_array().unwrap().iter().all(|s| s["step"] != "admission_vote"), "{db}");
    assert!(db["due"].as_array().unwrap().iter().any(|d| d["step"] == "admission_vote"), "{db}");
    // One meeting row, one vote step, one audit row for the step and one for the meeting.
    let after = counts(&app).await;
    assert_eq!(after, (before.0 + 1, before.1 + 1, before.2 + 2));
    // Recording 甲's vote again is refused (already recorded), naming 甲; nothing written.
    let (s, v) =
        app.post_json("/api/v1/development/meetings", &app.branch, meeting(fx.branch, n, 0, json!([one(a, n)]))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("甲对象"), "{v}");
    assert_eq!(counts(&app).await, after);

    // Read back: one meeting and the list, outcomes computed.
    let (s, g) = app.get(&format!("/api/v1/development/meetings/{id}"), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert_eq!(g["candidates"][1]["outcome"], "failed", "{g}");
    assert_eq!(g["kind"], "admission");
    let (s, l) = app.get(&format!("/api/v1/development/meetings?org={}", fx.branch), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{l}");
    assert!(l.as_array().unwrap().iter().any(|m| m["id"].as_i64() == Some(id)), "{l}");
    assert!(app.verify_chain().await.broken.is_empty(), "audit chain intact");
});

both!(no_quorum_is_recorded_as_outcome_without_a_step, |app| async move {
    let fx = app.fixtures().await;
    let full = full_members(&app, fx.branch).await;
    let a = candidate(&app, &app.branch, fx.branch, "丙对象", &full).await;
    let (n, _) = eligible(&app, &app.branch, fx.branch, MEETING_DAY).await;
    let present = n / 2; // not more than half
    let before = counts(&app).await;
    let (s, v) = app
        .post_json(
            "/api/v1/development/meetings",
            &app.branch,
            meeting(
                fx.branch,
                present,
                0,
                json!([{"case_ids": [a], "yes_votes": present, "no_votes": 0, "abstain_votes": 0}]),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["candidates"][0]["outcome"], "no_quorum", "{v}");
    assert_eq!(v["candidates"][0]["step_recorded"], false, "{v}");
    let after = counts(&app).await;
    assert_eq!((after.0, after.1), (before.0 + 1, before.1), "the meeting is recorded, the vote step is not");
    // The engine still refuses a no-quorum vote as a step (R1.15), consistently.
    let (s, v) = app
        .post_json(
            &format!("/api/v1/development/cases/{a}/steps"),
            &app.branch,
            json!({"step": "admission_vote", "date": MEETING_DAY, "details": {"vote": {"eligible_voters": n,
                "present_voters": present, "written_opinions": 0, "yes_votes": present, "no_votes": 0, "abstain_votes": 0}}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.15", "{v}");
    // A candidate not at the vote step is refused even when the vote failed (R1.1 order), nothing written.
    let fresh = open_case(&app, &app.branch, fx.branch, "丁申请人").await;
    let before = counts(&app).await;
    let (s, v) = app
        .post_json(
            "/api/v1/development/meetings",
            &app.branch,
            meeting(fx.branch, n, 0, json!([{"case_ids": [fresh], "yes_votes": 0, "no_votes": n, "abstain_votes": 0}])),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("丁申请人"), "{v}");
    assert_eq!(counts(&app).await, before);
});

both!(voters_of_the_branch_include_its_groups, |app| async move {
    let fx = app.fixtures().await;
    let today = ymd(today());
    let (n0, _) = eligible(&app, &app.admin, fx.branch, &today).await;
    let (s, g) = app
        .post_json(
            "/api/v1/orgs",
            &app.admin,
            json!({"parent_id": fx.branch, "kind": "group", "name": "第一党小组", "established_on": "2020-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    let group = g["id"].as_i64().or_else(|| g["org"]["id"].as_i64()).unwrap();
    let (s, m) = app.post_json("/api/v1/members", &app.admin, member_json(group, "小组党员", 901)).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let (n1, v) = eligible(&app, &app.admin, fx.branch, &today).await;
    assert_eq!(n1, n0 + 1, "a full member of a 党小组 votes in the branch: {v}");
    // A case held by the group is decided by the branch meeting; the group itself cannot hold one.
    let full = full_members(&app, fx.branch).await;
    let case = candidate(&app, &app.admin, group, "小组对象", &full).await;
    let (n, _) = eligible(&app, &app.admin, fx.branch, MEETING_DAY).await;
    // The group-held case counts the voters of the whole branch (R1.17).
    let (s, ev) =
        app.get(&format!("/api/v1/development/cases/{case}/eligible-voters?on={MEETING_DAY}"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{ev}");
    assert_eq!(ev["eligible_voters"], n, "{ev}");
    let ballots = json!([{"case_ids": [case], "yes_votes": n, "no_votes": 0, "abstain_votes": 0}]);
    let (s, v) = app.post_json("/api/v1/development/meetings", &app.admin, meeting(group, n, 0, ballots.clone())).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["org_id"].is_string(), "{v}");
    let (s, v) = app.post_json("/api/v1/development/meetings", &app.admin, meeting(fx.branch, n, 0, ballots)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["candidates"][0]["outcome"], "passed", "{v}");
    assert_eq!(v["candidates"][0]["step_recorded"], true, "{v}");
    // A case of another branch cannot be decided by this branch's meeting.
    let other = candidate(&app, &app.admin, fx.sibling_branch, "邻支部对象", &full).await;
    let ballots = json!([{"case_ids": [other], "yes_votes": n, "no_votes": 0, "abstain_votes": 0}]);
    let (s, v) = app.post_json("/api/v1/development/meetings", &app.admin, meeting(fx.branch, n, 0, ballots)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("邻支部对象"), "{v}");
});

both!(meetings_are_scoped, |app| async move {
    let fx = app.fixtures().await;
    let full = full_members(&app, fx.branch).await;
    let foreign = candidate(&app, &app.admin, fx.foreign_branch, "外院对象", &full).await;
    let (n, _) = eligible(&app, &app.admin, fx.foreign_branch, MEETING_DAY).await;
    let body = meeting(
        fx.foreign_branch,
        n,
        0,
        json!([{"case_ids": [foreign], "yes_votes": n, "no_votes": 0, "abstain_votes": 0}]),
    );
    // The branch account can neither see the foreign branch nor decide its candidate.
    let before = counts(&app).await;
    let (s, _) = app.post_json("/api/v1/development/meetings", &app.branch, body.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let mut mine = body.clone();
    mine["org_id"] = json!(fx.branch);
    let (s, _) = app.post_json("/api/v1/development/meetings", &app.branch, mine).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a foreign candidate is 404");
    assert_eq!(counts(&app).await, before);
    let (s, _) = app.get(&format!("/api/v1/development/meetings/preview?org={}", fx.foreign_branch), &app.branch).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The admin records it; the branch and the other college get 404 on it and do not list it.
    let (s, v) = app.post_json("/api/v1/development/meetings", &app.admin, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    for token in [&app.branch, &app.college, &app.member] {
        let (s, _) = app.get(&format!("/api/v1/development/meetings/{id}"), token).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, l) = app.get("/api/v1/development/meetings", token).await;
        assert!(l.as_array().is_none_or(|a| a.iter().all(|m| m["id"].as_i64() != Some(id))), "{l}");
    }
    let (s, g) = app.get(&format!("/api/v1/development/meetings/{id}"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert_eq!(g["candidates"][0]["outcome"], "passed", "{g}");
    // The inspector cannot write.
    let (s, _) = app.post_json("/api/v1/development/meetings", &app.inspector, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(pages_form_rerenders_and_result_table, |app| async move {
    let fx = app.fixtures().await;
    let full = full_members(&app, fx.branch).await;
    let a = candidate(&app, &app.branch, fx.branch, "页面对象", &full).await;
    let (n, _) = eligible(&app, &app.branch, fx.branch, MEETING_DAY).await;
    let (cookie, csrf) = app.web_login("branch").await;
    let org = fx.branch.to_string();
    let r = app.page(&format!("/development/meetings/new?org={org}&kind=admission&on={MEETING_DAY}"), &cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(html.contains("页面对象") && html.contains(&format!("应到会有表决权：{n} 人")), "{html}");
    let (ca, ya, na) = (format!("c_{a}"), format!("yes_{a}"), format!("no_{a}"));
    // Too many votes: the form comes back with everything typed and the rule.
    let (present, too_many, note) = ((n - 1).to_string(), n.to_string(), "逐个表决的会议记录");
    let r = app
        .post_form(
            "/development/meetings",
            &cookie,
            &[
                ("_csrf", &csrf),
                ("org", &org),
                ("kind", "admission"),
                ("held_on", MEETING_DAY),
                ("present_voters", &present),
                ("written_opinions", "0"),
                (&ca, "1"),
                (&ya, &too_many),
                (&na, "0"),
                ("note", note),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let html = r.text();
    assert!(html.contains("R1.16") && html.contains(note) && html.contains(&format!("value=\"{too_many}\"")), "{html}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM development_meeting").await, 0);
    let r = app
        .post_form(
            "/development/meetings",
            &cookie,
            &[
                ("_csrf", &csrf),
                ("org", &org),
                ("kind", "admission"),
                ("held_on", MEETING_DAY),
                ("present_voters", &present),
                ("written_opinions", "0"),
                (&ca, "1"),
                (&ya, &present),
                (&na, "0"),
                ("note", note),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let to = r.header("location").unwrap();
    let page = app.page(&to, &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    // n - 1 yes of n eligible passes when n ≥ 3.
    assert!(html.contains("页面对象") && html.contains("通过") && html.contains("已登记表决步骤"), "{html}");
    let list = app.page(&format!("/development/meetings?org={org}"), &cookie).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text().contains("页面对象"));
});

both!(conversion_meeting_after_probation, |app| async move {
    let fx = app.fixtures().await;
    let full = full_members(&app, fx.branch).await;
    let a = candidate(&app, &app.branch, fx.branch, "转正对象", &full).await;
    let (n, _) = eligible(&app, &app.branch, fx.branch, MEETING_DAY).await;
    let one = |yes: u32| json!([{"case_ids": [a], "yes_votes": yes, "no_votes": 0, "abstain_votes": 0}]);
    let (s, v) = app.post_json("/api/v1/development/meetings", &app.branch, meeting(fx.branch, n, 0, one(n))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    ok_step(
        &app,
        &app.branch,
        a,
        json!({"step": "approval_talk", "date": "2025-05-20", "details": {"people": ["组织员"]}}),
    )
    .await;
    ok_step(&app, &app.college, a, json!({"step": "approval", "date": "2025-06-01"})).await;
    ok_step(&app, &app.branch, a, json!({"step": "conversion_application", "date": "2026-04-20"})).await;
    let conv = |on: &str, present: u32, yes: u32| {
        json!({"org_id": fx.branch, "kind": "conversion", "held_on": on, "present_voters": present,
               "written_opinions": 0, "ballots": [{"case_ids": [a], "yes_votes": yes, "no_votes": 0, "abstain_votes": 0}]})
    };
    // The day before probation ends (2026-05-10) the conversion vote is refused (R1.25: no early conversion).
    let (m, _) = eligible(&app, &app.branch, fx.branch, "2026-05-09").await;
    let before = app.scalar("SELECT COUNT(*) AS n FROM development_meeting").await;
    let (s, v) = app.post_json("/api/v1/development/meetings", &app.branch, conv("2026-05-09", m, m)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("转正对象"), "{v}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM development_meeting").await, before, "nothing written");
    // The 预备党员 has no vote at their own conversion meeting (R1.17).
    let (m, p) = eligible(&app, &app.branch, fx.branch, "2026-05-11").await;
    assert!(
        p["eligible"]["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "转正对象" && e["reason"] == "probationary"),
        "{p}"
    );
    let (s, v) = app.post_json("/api/v1/development/meetings", &app.branch, conv("2026-05-11", m, m)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["kind"], "conversion");
    assert_eq!(v["candidates"][0]["outcome"], "passed", "{v}");
    let (_, d) = app.get(&format!("/api/v1/development/cases/{a}"), &app.branch).await;
    assert!(d["due"].as_array().unwrap().iter().any(|x| x["step"] == "conversion_approval"), "{d}");
});
