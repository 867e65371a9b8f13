//! Member development through the HTTP API: a case from application to approval with a real
//! rule block, a justified warning, the 党委-only approval, and scoping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;

/// Full members of an org, as the admin sees them.
async fn full_members(app: &TestApp, org: i64) -> Vec<i64> {
    let (s, v) = app.get(&format!("/api/v1/members?org={org}&status=full&per_page=200"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect()
}

/// Opens a case for a new person in `org`.
async fn open_case(app: &TestApp, token: &str, org: i64, name: &str) -> (StatusCode, Value) {
    app.post_json(
        "/api/v1/development/cases",
        token,
        json!({"name": name, "gender": "male", "birth_date": "2003-05-01", "category": "student", "org_id": org,
               "applied_on": "2024-01-10", "details": {"materials": "入党申请书（纸质已存档）"}}),
    )
    .await
}

async fn step(app: &TestApp, token: &str, case: i64, body: Value) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/development/cases/{case}/steps"), token, body).await
}

async fn step_count(app: &TestApp, case: i64) -> i64 {
    app.scalar(&format!("SELECT COUNT(*) AS n FROM development_step WHERE case_id = {case}")).await
}

/// Records a step that must pass.
async fn ok_step(app: &TestApp, token: &str, case: i64, body: Value) -> Value {
    let (s, v) = step(app, token, case, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} → {v}");
    v
}

both!(story_application_to_approval, |app| async move {
    let fx = app.fixtures().await;
    let full = full_members(&app, fx.branch).await;
    assert!(full.len() >= 3, "the branch has full members to mentor and sponsor");
    let audit_before = app.audit_count().await;

    let (s, v) = open_case(&app, &app.branch, fx.branch, "李发展").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let case = v["id"].as_i64().unwrap();
    assert_eq!(v["stage"], "applicant");
    assert_eq!(v["steps"].as_array().unwrap().len(), 1);
    assert!(v["due"].as_array().unwrap().iter().any(|d| d["step"] == "talk"), "{v}");

    // R1.4 (warn): the talk is more than a month after the application.
    let talk = json!({"step": "talk", "date": "2024-03-01", "details": {"people": ["王书记"]}});
    let (s, v) = step(&app, &app.branch, case, talk.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "warning_needs_justification", "{v}");
    assert_eq!(v["error"]["rule"], "R1.4", "{v}");
    assert_eq!(v["error"]["findings"][0]["severity"], "warn", "{v}");
    assert_eq!(step_count(&app, case).await, 1, "nothing written");
    // A blank justification does not count.
    let mut blank = talk.clone();
    blank["justification"] = json!("  ");
    assert_eq!(step(&app, &app.branch, case, blank).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let mut justified = talk.clone();
    justified["justification"] = json!("申请人寒假离校，开学后即谈话");
    let v = ok_step(&app, &app.branch, case, justified).await;
    let overrides = v["overrides"].as_array().unwrap();
    assert_eq!(overrides.len(), 1, "{v}");
    assert_eq!(overrides[0]["rule"], "R1.4");
    assert_eq!(overrides[0]["reason"], "申请人寒假离校，开学后即谈话");
    // The overridden warning is shown as information with the justification.
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "R1.4" && f["severity"] == "info"), "{v}");

    // A step may not be recorded twice, nor before its prerequisites.
    let (s, v) = step(&app, &app.branch, case, json!({"step": "talk", "date": "2024-03-02"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = step(&app, &app.branch, case, json!({"step": "candidate_determination", "date": "2024-03-02"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // The missing 上级党委备案 (step 4) is named by its own rule first (R1.5), the rest by R1.1.
    assert_eq!(v["error"]["rule"], "R1.5", "{v}");
    assert!(v["error"]["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "R1.1"), "{v}");

    ok_step(&app, &app.branch, case, json!({"step": "activist_recommendation", "date": "2024-03-15"})).await;
    ok_step(&app, &app.branch, case, json!({"step": "activist_filing", "date": "2024-03-20"})).await;
    // R1.6: a mentor must be a full member; two is the most.
    let (s, v) = step(
        &app,
        &app.branch,
        case,
        json!({"step": "mentor_assignment", "date": "2024-03-20", "details": {"mentor_ids": [full[0], full[1], full[2]]}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.6", "{v}");
    ok_step(
        &app,
        &app.branch,
        case,
        json!({"step": "mentor_assignment", "date": "2024-03-20", "details": {"mentor_ids": [full[0]]}}),
    )
    .await;
    ok_step(&app, &app.branch, case, json!({"step": "activist_education", "date": "2024-09-10"})).await;
    ok_step(&app, &app.branch, case, json!({"step": "activist_education", "date": "2025-03-01"})).await;

    // R1.8 (block): 发展对象 less than a year after the activist determination; nothing written.
    let before = step_count(&app, case).await;
    let audit_mid = app.audit_count().await;
    let (s, v) = step(&app, &app.branch, case, json!({"step": "candidate_determination", "date": "2025-03-10"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "rule_violation", "{v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    assert!(v["error"]["fields"]["event_date"].is_string(), "{v}");
    assert_eq!(step_count(&app, case).await, before, "nothing written");
    assert_eq!(app.audit_count().await, audit_mid, "no audit row for a refused step");
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
    let due = d["due"].as_array().unwrap();
    // Due items follow today's rule set (2026: consent and 公示 before the listing), dated from the activist year.
    let cd = due
        .iter()
        .find(|x| x["step"] == "candidate_determination" || x["step"] == "candidate_filing")
        .expect("the next candidate step is due");
    assert_eq!(cd["earliest"], "2025-03-15", "{cd}");

    ok_step(&app, &app.branch, case, json!({"step": "candidate_determination", "date": "2025-03-20"})).await;
    ok_step(&app, &app.branch, case, json!({"step": "candidate_filing", "date": "2025-03-25"})).await;
    ok_step(
        &app,
        &app.branch,
        case,
        json!({"step": "sponsor_assignment", "date": "2025-04-01", "details": {"sponsor_ids": [full[1], full[2]]}}),
    )
    .await;
    ok_step(
        &app,
        &app.branch,
        case,
        json!({"step": "political_review", "date": "2025-04-10", "details": {"passed": true}}),
    )
    .await;
    ok_step(
        &app,
        &app.branch,
        case,
        json!({"step": "intensive_training", "date": "2025-04-15", "details": {"training_days": 3, "training_hours": 24}}),
    )
    .await;
    ok_step(&app, &app.branch, case, json!({"step": "committee_review", "date": "2025-04-20"})).await;
    ok_step(&app, &app.branch, case, json!({"step": "pre_review", "date": "2025-04-25"})).await;
    ok_step(&app, &app.branch, case, json!({"step": "application_form", "date": "2025-04-28"})).await;

    // R1.17: 应到会有表决权 is computed from the roster on the meeting date.
    let (s, ev) =
        app.get(&format!("/api/v1/development/cases/{case}/eligible-voters?on=2025-05-10"), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{ev}");
    let n = u32::try_from(ev["eligible_voters"].as_u64().unwrap()).unwrap();
    let roster_full = app
        .scalar(&format!(
            "SELECT COUNT(DISTINCT m.id) AS n FROM membership_period p JOIN member m ON m.id = p.member_id JOIN org o ON o.id = p.org_id
             WHERE (o.id = {b} OR o.parent_id = {b}) AND p.start_on <= '2025-05-10' AND (p.end_on IS NULL OR p.end_on > '2025-05-10')
             AND m.status = 'full' AND (m.full_on IS NULL OR m.full_on <= '2025-05-10') AND m.special_status <> 'suspended'",
            b = fx.branch
        ))
        .await;
    assert_eq!(i64::from(n), roster_full, "eligible = full members of the branch on the date: {ev}");
    assert!(n >= 3, "{ev}");
    let excluded_one = full.iter().copied().find(|id| *id != fx.member_me).unwrap_or(full[0]);
    // Vote arithmetic: more votes than ballots is refused (R1.16); a failed vote blocks too.
    let vote = |eligible: u32, present: u32, yes: u32, no: u32, exclusions: Value| {
        json!({"step": "admission_vote", "date": "2025-05-10", "details": {"deciding_body": "党支部党员大会",
            "exclusions": exclusions,
            "vote": {"eligible_voters": eligible, "present_voters": present, "written_opinions": 0, "yes_votes": yes, "no_votes": no, "abstain_votes": 0}}})
    };
    // A typed eligible count that differs from the roster is refused, naming the field and the number.
    let (s, v) = step(&app, &app.branch, case, vote(n + 1, n, n, 0, json!([]))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let text = v.to_string();
    assert!(text.contains("eligible_voters") && text.contains(&n.to_string()), "{v}");
    let (s, v) = step(&app, &app.branch, case, vote(0, n, n, 1, json!([]))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.16", "{v}");
    let (s, v) = step(&app, &app.branch, case, vote(0, n, n / 2, 0, json!([]))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.16", "{v}");
    // An exclusion must name a roster member.
    let (s, v) = step(
        &app,
        &app.branch,
        case,
        vote(0, n - 1, n - 1, 0, json!([{"member_id": fx.sibling_member, "reason": "abroad"}])),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // With one member excluded (自费出国), the computed count is one less, sent count agreeing.
    let excl = json!([{"member_id": excluded_one, "reason": "abroad"}]);
    let v = ok_step(&app, &app.branch, case, vote(n - 1, n - 1, n - 1, 0, excl)).await;
    let voted = v["steps"].as_array().unwrap().iter().find(|s| s["step"] == "admission_vote").unwrap();
    assert_eq!(voted["body"]["vote"]["eligible_voters"], n - 1, "{voted}");
    assert!(
        voted["body"]["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["member_id"] == excluded_one && e["reason"] == "abroad"),
        "{voted}"
    );
    assert_eq!(voted["vote_outcome"], "passed", "the result is computed: {voted}");
    ok_step(
        &app,
        &app.branch,
        case,
        json!({"step": "approval_talk", "date": "2025-05-20", "details": {"people": ["组织员"]}}),
    )
    .await;

    // R1.19: a branch cannot approve; the college committee can.
    let approval = json!({"step": "approval", "date": "2025-06-01", "details": {"deciding_body": "学院党委"}});
    let (s, v) = step(&app, &app.branch, case, approval.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.19", "{v}");
    let members_before = app.scalar("SELECT COUNT(*) AS n FROM member").await;
    let v = ok_step(&app, &app.college, case, approval).await;
    assert_eq!(v["stage"], "probationary", "{v}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM member").await, members_before + 1);
    let joined = app
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM member m JOIN development_case c ON c.person_id = m.person_id
             WHERE c.id = {case} AND m.status = 'probationary' AND m.joined_on = '2025-05-10' AND m.org_id = {}",
            fx.branch
        ))
        .await;
    assert_eq!(joined, 1, "approval creates the 预备党员 joined on the admission vote");
    // The new 预备党员 is on the roster but has no vote (R1.17).
    let (s, ev) =
        app.get(&format!("/api/v1/development/cases/{case}/eligible-voters?on=2025-06-02"), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{ev}");
    assert!(
        ev["excluded"].as_array().unwrap().iter().any(|e| e["name"] == "李发展" && e["reason"] == "probationary"),
        "{ev}"
    );
    let due: Vec<String> =
        v["due"].as_array().unwrap().iter().map(|d| d["step"].as_str().unwrap().to_string()).collect();
    assert!(due.contains(&"oath".to_string()) && due.contains(&"conversion_application".to_string()), "{due:?}");

    // The 待办 list carries the case with its stage and last step; every write was audited.
    let (s, list) = app.get(&format!("/api/v1/development/cases?org={}", fx.branch), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let row = list.as_array().unwrap().iter().find(|c| c["id"].as_i64() == Some(case)).expect("case listed");
    assert_eq!(row["last_step"], "approval");
    assert!(!row["due"].as_array().unwrap().is_empty());
    assert_eq!(app.audit_count().await, audit_before + 18, "one audit row per accepted write");
    assert!(app.verify_chain().await.broken.is_empty(), "audit chain intact");
});

both!(age_and_input_checks, |app| async move {
    let fx = app.fixtures().await;
    // R1.2: under 18 on the application date; nothing written.
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.branch,
            json!({"name": "小王", "gender": "female", "birth_date": "2010-01-01", "org_id": fx.branch, "applied_on": "2025-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.2", "{v}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM development_case").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM person WHERE name = '小王'").await, 0, "no person left behind");
    // A bad 身份证号 names the field; a missing date too.
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            &app.branch,
            json!({"name": "小张", "id_card_no": "110101199003071234", "org_id": fx.branch, "applied_on": "2025-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["id_card_no"].is_string(), "{v}");
    let (s, v) =
        app.post_json("/api/v1/development/cases", &app.branch, json!({"name": "小张", "org_id": fx.branch})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["applied_on"].is_string(), "{v}");
    // An unknown step is a 422 naming the field.
    let (_, v) = open_case(&app, &app.branch, fx.branch, "赵申请").await;
    let case = v["id"].as_i64().unwrap();
    let (s, v) = step(&app, &app.branch, case, json!({"step": "nonsense", "date": "2025-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["step"].is_string(), "{v}");
    // The inspector reads but cannot write.
    let (s, _) = app.get(&format!("/api/v1/development/cases/{case}"), &app.inspector).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = step(&app, &app.inspector, case, json!({"step": "talk", "date": "2024-01-20"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(scope_foreign_case_is_404, |app| async move {
    let fx = app.fixtures().await;
    let (s, v) = open_case(&app, &app.admin, fx.foreign_branch, "外院申请人").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let foreign = v["id"].as_i64().unwrap();
    let (s, v) = open_case(&app, &app.branch, fx.branch, "本支部申请人").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mine = v["id"].as_i64().unwrap();

    for token in [&app.branch, &app.college, &app.inspector] {
        let (s, v) = app.get(&format!("/api/v1/development/cases/{foreign}"), token).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
        let (_, list) = app.get("/api/v1/development/cases", token).await;
        assert!(list.as_array().unwrap().iter().all(|c| c["id"].as_i64() != Some(foreign)), "{list}");
        let (s, v) =
            app.get(&format!("/api/v1/development/cases/{foreign}/eligible-voters?on=2025-01-01"), token).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    }
    let (s, _) = step(&app, &app.branch, foreign, json!({"step": "talk", "date": "2024-01-20"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(step_count(&app, foreign).await, 1);
    // A missing id answers the same as a foreign one.
    let (s, _) = app.get("/api/v1/development/cases/999999", &app.branch).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The branch cannot open a case in a branch outside its scope, nor filter by a foreign org.
    let (s, v) = open_case(&app, &app.branch, fx.sibling_branch, "越权").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["org_id"].is_string(), "{v}");
    let (s, _) = app.get(&format!("/api/v1/development/cases?org={}", fx.other_unit), &app.branch).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The member role sees no cases.
    let (s, _) = app.get(&format!("/api/v1/development/cases/{mine}"), &app.member).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The school sees both; the overdue filter keeps the overdue talk (application 2024-01-10).
    let (_, list) = app.get("/api/v1/development/cases?overdue=true", &app.admin).await;
    let ids: Vec<i64> = list.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&foreign) && ids.contains(&mine), "{list}");
    assert!(list.as_array().unwrap().iter().all(|c| c["overdue"] == true));
});

both!(pages_list_form_and_detail, |app| async move {
    let fx = app.fixtures().await;
    let (cookie, csrf) = app.web_login("branch").await;
    let r = app.page("/development/new", &cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let org = fx.branch.to_string();
    // A bad form re-renders with the typed values and the rule.
    let r = app
        .post_form(
            "/development",
            &cookie,
            &[
                ("_csrf", &csrf),
                ("name", "页面申请人"),
                ("gender", "male"),
                ("birth_date", "2012-01-01"),
                ("org_id", &org),
                ("applied_on", "2024-01-10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("页面申请人") && r.text().contains("R1.2"));
    let r = app
        .post_form(
            "/development",
            &cookie,
            &[
                ("_csrf", &csrf),
                ("name", "页面申请人"),
                ("gender", "male"),
                ("birth_date", "2003-01-01"),
                ("org_id", &org),
                ("applied_on", "2024-01-10"),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let to = r.header("location").unwrap();
    let page = app.page(&to, &cookie).await;
    let to = to.split('?').next().unwrap().to_string();
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("页面申请人") && page.text().contains("党组织派人谈话"));
    // A warning asks for a justification; with it the step is recorded.
    let r = app
        .post_form(
            &format!("{to}/steps"),
            &cookie,
            &[("_csrf", &csrf), ("step", "talk"), ("date", "2024-03-01"), ("details", "王书记谈话")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("R1.4") && r.text().contains("王书记谈话"));
    let r = app
        .post_form(
            &format!("{to}/steps"),
            &cookie,
            &[
                ("_csrf", &csrf),
                ("step", "talk"),
                ("date", "2024-03-01"),
                ("details", "王书记谈话"),
                ("justification", "寒假"),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let list = app.page("/development", &cookie).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text().contains("页面申请人"));
});
