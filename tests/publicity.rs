//! 公示 of a prospective 发展对象 through the HTTP API and pages (R1.8): the generated notice, the
//! five-working-day minimum, objections blocking the next step until resolved, scoping, printing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::*;

/// Members of an org who were already full members on 2024-03-20 (mentors are judged on the step
/// date from their history, R1.6); where the org had none then (a demo branch whose members all
/// joined later), full members elsewhere in the school on that date.
async fn full_members(app: &TestApp, org: i64) -> Vec<i64> {
    let query = |within: String| {
        format!(
            "SELECT DISTINCT m.id AS id FROM member m JOIN membership_period p ON p.member_id = m.id JOIN org o ON o.id = p.org_id
             WHERE {within} p.start_on <= '2024-03-20' AND p.end_on IS NULL AND m.status = 'full'
             AND m.full_on IS NOT NULL AND m.full_on <= '2024-03-20' AND m.special_status = 'normal' ORDER BY m.id"
        )
    };
    for sql in [query(format!("(o.id = {org} OR o.parent_id = {org}) AND")), query(String::new())] {
        let rows = sqlx::query(&sql).fetch_all(&app.db.pool).await.unwrap();
        let ids: Vec<i64> = rows.iter().map(|r| sqlx::Row::try_get::<i64, _>(r, "id").unwrap()).collect();
        if !ids.is_empty() {
            return ids;
        }
    }
    Vec::new()
}

async fn ok_step(app: &TestApp, token: &str, case: i64, body: Value) -> Value {
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/steps"), token, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} → {v}");
    v
}

/// A case in `org` brought to the higher committee's consent (2026 step 8) on 2026-11-02 (Monday).
async fn case_with_consent(app: &TestApp, token: &str, org: i64, name: &str) -> i64 {
    let full = full_members(app, org).await;
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            token,
            json!({"name": name, "gender": "female", "birth_date": "2003-05-01", "category": "student",
                   "org_id": org, "applied_on": "2024-01-10"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let case = v["id"].as_i64().unwrap();
    for (step, date) in
        [("talk", "2024-01-20"), ("activist_recommendation", "2024-03-15"), ("activist_filing", "2024-03-20")]
    {
        ok_step(app, token, case, json!({"step": step, "date": date})).await;
    }
    ok_step(
        app,
        token,
        case,
        json!({"step": "mentor_assignment", "date": "2024-03-20", "details": {"mentor_ids": [full[0]]}}),
    )
    .await;
    for date in ["2024-09-10", "2025-03-01", "2025-09-01", "2026-03-01", "2026-08-20"] {
        ok_step(app, token, case, json!({"step": "activist_education", "date": date})).await;
    }
    ok_step(app, token, case, json!({"step": "candidate_filing", "date": "2026-11-02"})).await;
    case
}

both!(generate_edit_and_the_five_working_days, |app| async move {
    let fx = app.fixtures().await;
    let case = case_with_consent(&app, &app.branch, fx.branch, "赵公示").await;
    let url = format!("/api/v1/development/cases/{case}/publicity");
    let audit0 = app.audit_count().await;

    // 11-03 (Tue) .. 11-06 (Fri): four working days, refused under the 2026 rules; nothing written.
    let (s, v) = app.post_json(&url, &app.branch, json!({"start_on": "2026-11-03", "end_on": "2026-11-06"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    assert_eq!(
        v["error"]["findings"][0]["facts"].as_array().unwrap().iter().find(|f| f["key"] == "actual").unwrap()["value"],
        "4"
    );
    assert!(v["error"]["fields"]["end_on"].as_str().unwrap().contains("不少于五个工作日"), "{v}");
    // A start on a Sunday is refused too.
    let (s, v) = app.post_json(&url, &app.branch, json!({"start_on": "2026-11-01", "end_on": "2026-11-09"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["start_on"].is_string(), "{v}");
    // Before the higher committee's consent (11-02): refused.
    let (s, v) = app.post_json(&url, &app.branch, json!({"start_on": "2026-10-30", "end_on": "2026-11-09"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) AS n FROM development_publicity WHERE case_id = {case}")).await, 0);
    assert_eq!(app.audit_count().await, audit0, "no audit row for a refused notice");

    // Default end: start + 5 working days − 1 = 11-09 (Mon).
    let (s, v) = app.post_json(&url, &app.branch, json!({"start_on": "2026-11-03", "place": "学院党建活动室"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["end_on"], "2026-11-09");
    assert_eq!(v["workdays"], 5);
    assert_eq!(v["title"], "关于拟确定赵公示为发展对象的公示");
    let body = v["body"].as_str().unwrap();
    assert!(body.contains("赵公示，女，2003年5月生"), "{body}");
    assert!(body.contains("2024年1月10日递交入党申请书，2024年3月15日被确定为入党积极分子"), "{body}");
    assert!(body.contains("公示时间：2026年11月3日至2026年11月9日（5个工作日）"), "{body}");
    assert!(body.contains("经党支部委员会研究并报上级党委同意"), "{body}");
    assert!(body.contains("受理地点：学院党建活动室"), "{body}");
    assert_eq!(app.audit_count().await, audit0 + 1);
    let pid = v["id"].as_i64().unwrap();
    // One notice per case.
    let (s, v) = app.post_json(&url, &app.branch, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // The 公示 is over (today is after 11-09): its text can no longer be edited.
    let (s, v) =
        app.put_json(&format!("/api/v1/development/publicity/{pid}"), &app.branch, json!({"title": "新标题"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // The case picks the notice up: step 8 need not repeat the dates and the listing follows the notice.
    let (_, d) = app.get(&format!("/api/v1/development/cases/{case}"), &app.branch).await;
    let due = d["due"].as_array().unwrap().iter().find(|x| x["step"] == "candidate_determination").cloned().unwrap();
    assert_eq!(due["earliest"], "2026-11-10", "{d}");

    // A second case with today's default period: running or upcoming, so it can be edited.
    let case2 = case_with_consent(&app, &app.branch, fx.branch, "钱公示").await;
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case2}/publicity"), &app.branch, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let pid2 = v["id"].as_i64().unwrap();
    assert_eq!(v["workdays"], 5, "{v}");
    let (start, end) = (v["start_on"].as_str().unwrap().to_string(), v["end_on"].as_str().unwrap().to_string());
    let put = format!("/api/v1/development/publicity/{pid2}");
    let audit1 = app.audit_count().await;
    let (s, v) = app.put_json(&put, &app.branch, json!({"body": "  ", "title": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["body"].is_string(), "{v}");
    let (s, v) = app.put_json(&put, &app.branch, json!({"title": "关于拟确定钱公示同志为发展对象的公示"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["title"], "关于拟确定钱公示同志为发展对象的公示");
    assert_eq!(v["start_on"], start.as_str());
    assert_eq!(app.audit_count().await, audit1 + 1, "the edit is audited");
    // Shortening the period below five working days: refused naming R1.8.
    let (s, v) = app.put_json(&put, &app.branch, json!({"end_on": start})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    let (_, list) = app.get(&format!("/api/v1/development/cases/{case2}/publicity"), &app.branch).await;
    assert_eq!(list[0]["end_on"], end.as_str(), "nothing written");
    // Read-only roles cannot edit.
    let (s, _) = app.put_json(&put, &app.inspector, json!({"title": "y"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The notice board: the running/upcoming notice and the recently ended one… the first ended 19 days ago.
    let (s, v) = app.get("/api/v1/notices", &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ids: Vec<i64> = v.as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&pid) && ids.contains(&pid2), "{v}");
    let (_, v) = app.get("/api/v1/notices?recent_days=5", &app.branch).await;
    let ids: Vec<i64> = v.as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect();
    assert!(!ids.contains(&pid) && ids.contains(&pid2), "{v}");
    // The member of the branch sees the notice (a 公示 is public in the branch), without the objections.
    let (s, v) = app.get("/api/v1/notices", &app.member).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v.as_array().unwrap().iter().any(|n| n["id"] == pid2), "{v}");
});

both!(open_objection_blocks_the_next_step, |app| async move {
    let fx = app.fixtures().await;
    let case = case_with_consent(&app, &app.branch, fx.branch, "孙异议").await;
    let (s, v) = app
        .post_json(
            &format!("/api/v1/development/cases/{case}/publicity"),
            &app.branch,
            json!({"start_on": "2026-11-03"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let pid = v["id"].as_i64().unwrap();
    let obj_url = format!("/api/v1/development/publicity/{pid}/objections");
    // Before the notice started: refused; blank content: refused.
    let (s, v) = app.post_json(&obj_url, &app.branch, json!({"received_on": "2026-11-02", "content": "问题"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["received_on"].is_string(), "{v}");
    let (s, v) = app.post_json(&obj_url, &app.branch, json!({"received_on": "2026-11-05", "content": " "})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["content"].is_string(), "{v}");
    let audit0 = app.audit_count().await;
    let (s, v) = app
        .post_json(
            &obj_url,
            &app.branch,
            json!({"received_on": "2026-11-05", "content": "反映该同志考试作弊，请核实", "raised_by": "某同学"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["open_objections"], 1);
    let oid = v["objections"][0]["id"].as_i64().unwrap();
    assert_eq!(app.audit_count().await, audit0 + 1);

    // The listing (next step) is refused while the objection is open, naming R1.8 and the objection.
    let listing = json!({"step": "candidate_determination", "date": "2026-11-10"});
    let steps_url = format!("/api/v1/development/cases/{case}/steps");
    let (s, v) = app.post_json(&steps_url, &app.branch, listing.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    assert!(v["error"]["fields"]["objections"].as_str().unwrap().contains("考试作弊"), "{v}");
    let f = v["error"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["facts"].to_string().contains("objection_id"))
        .cloned();
    let f = f.expect("a finding naming the objection");
    assert_eq!(f["source"], "《中国共产党发展党员工作细则》(2026) 第十三条");
    assert!(
        f["facts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["key"] == "objection_id" && x["value"].as_str() == Some(oid.to_string().as_str())),
        "{f}"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM development_step WHERE case_id = {case} AND step = 'candidate_determination'"
        ))
        .await,
        0
    );

    // Resolving: the date may not precede the receipt; a resolution text is needed.
    let res_url = format!("/api/v1/development/objections/{oid}/resolve");
    let (s, v) =
        app.post_json(&res_url, &app.branch, json!({"resolved_on": "2026-11-04", "resolution": "不属实"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["resolved_on"].is_string(), "{v}");
    let (s, v) = app.post_json(&res_url, &app.branch, json!({"resolved_on": "2026-11-09"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = app.post_json(&res_url, &app.inspector, json!({"resolved_on": "2026-11-09", "resolution": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = app
        .post_json(&res_url, &app.branch, json!({"resolved_on": "2026-11-09", "resolution": "经核实，反映问题不属实"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["open_objections"], 0);
    assert_eq!(v["objections"][0]["resolved_on"], "2026-11-09");
    // Once resolved, it cannot be resolved again, and the listing goes through.
    let (s, _) = app.post_json(&res_url, &app.branch, json!({"resolution": "again"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let v = ok_step(&app, &app.branch, case, listing).await;
    assert!(v["steps"].as_array().unwrap().iter().any(|s| s["step"] == "candidate_determination"), "{v}");
    // Old data: a case whose 公示 dates were typed into step 8 (no notice row) is listed on them
    // (the fallback), and a notice can no longer be generated for it.
    let old = case_with_consent(&app, &app.branch, fx.branch, "郑旧数据").await;
    let old_steps = format!("/api/v1/development/cases/{old}/steps");
    let (s, v) =
        app.post_json(&old_steps, &app.branch, json!({"step": "candidate_determination", "date": "2026-11-06"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "no 公示 at all: {v}");
    assert_eq!(v["error"]["rule"], "R1.8", "{v}");
    sqlx::query("UPDATE development_step SET body = $1 WHERE case_id = $2 AND step = 'candidate_filing'")
        .bind(json!({"publicity_start": "2026-11-03", "publicity_end": "2026-11-09"}).to_string())
        .bind(old)
        .execute(&app.db.pool)
        .await
        .unwrap();
    ok_step(&app, &app.branch, old, json!({"step": "candidate_determination", "date": "2026-11-10"})).await;
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{old}/publicity"), &app.branch, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["case"].as_str().unwrap().contains("已于 2026-11-10 确定为发展对象"), "{v}");
});

both!(scope_and_pages, |app| async move {
    let fx = app.fixtures().await;
    // A case in another college, with its notice, made by the school admin.
    let foreign = case_with_consent(&app, &app.admin, fx.foreign_branch, "周外院").await;
    let (s, v) = app
        .post_json(
            &format!("/api/v1/development/cases/{foreign}/publicity"),
            &app.admin,
            json!({"start_on": "2026-11-03"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let fpid = v["id"].as_i64().unwrap();
    let (s, v) = app
        .post_json(
            &format!("/api/v1/development/publicity/{fpid}/objections"),
            &app.admin,
            json!({"received_on": "2026-11-04", "content": "问题"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let foid = v["objections"][0]["id"].as_i64().unwrap();
    // The first college's admin sees none of it: 404 everywhere, nothing on the board.
    let c = &app.college;
    assert_eq!(app.get(&format!("/api/v1/development/cases/{foreign}/publicity"), c).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.post_json(&format!("/api/v1/development/cases/{foreign}/publicity"), c, json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&format!("/api/v1/development/publicity/{fpid}"), c).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.put_json(&format!("/api/v1/development/publicity/{fpid}"), c, json!({"title": "x"})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_json(&format!("/api/v1/development/publicity/{fpid}/objections"), c, json!({"content": "x"})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_json(&format!("/api/v1/development/objections/{foid}/resolve"), c, json!({"resolution": "x"})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&format!("/api/v1/notices?org={}", fx.foreign_branch), c).await.0, StatusCode::NOT_FOUND);
    let (_, v) = app.get("/api/v1/notices", c).await;
    assert!(!v.as_array().unwrap().iter().any(|n| n["id"] == fpid), "{v}");
    let (_, v) = app.get("/api/v1/notices", &app.admin).await;
    assert!(v.as_array().unwrap().iter().any(|n| n["id"] == fpid), "{v}");

    // Pages: the case's 公示 page with its generate form, generating through the form, the print page.
    let mine = case_with_consent(&app, &app.branch, fx.branch, "吴页面").await;
    let (cookie, csrf) = app.web_login("branch").await;
    let page = app.page(&format!("/development/{mine}"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(&format!("/development/{mine}/publicity")), "the case page links to its 公示");
    let page = app.page(&format!("/development/{mine}/publicity"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("生成公示"));
    // A four-day period: the form comes back with the typed dates and the R1.8 message.
    let r = app
        .post_form(
            &format!("/development/{mine}/publicity"),
            &cookie,
            &[("_csrf", csrf.as_str()), ("start_on", "2026-11-03"), ("end_on", "2026-11-06"), ("place", "三楼公告栏")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = r.text();
    assert!(t.contains("R1.8") && t.contains("2026-11-06") && t.contains("三楼公告栏"), "{t}");
    let r = app
        .post_form(
            &format!("/development/{mine}/publicity"),
            &cookie,
            &[("_csrf", csrf.as_str()), ("start_on", "2026-11-03"), ("end_on", ""), ("place", "三楼公告栏")],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.text());
    let (_, list) = app.get(&format!("/api/v1/development/cases/{mine}/publicity"), &app.branch).await;
    let pid = list[0]["id"].as_i64().unwrap();
    let print = app.page(&format!("/development/{mine}/publicity/{pid}/print"), &cookie).await;
    assert_eq!(print.status, StatusCode::OK);
    let t = print.text();
    assert!(t.contains("关于拟确定吴页面为发展对象的公示") && t.contains("2026年11月3日至2026年11月9日"), "{t}");
    assert!(!t.contains("<nav"), "the print page has no navigation");
    assert!(t.contains("@media print"));
    // Objection through the page form, then the board page and the org page list the notice.
    let r = app
        .post_form(
            &format!("/development/{mine}/publicity/{pid}/objections"),
            &cookie,
            &[("_csrf", csrf.as_str()), ("received_on", "2026-11-04"), ("raised_by", ""), ("content", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "blank content re-renders the form");
    assert!(r.text().contains("2026-11-04"));
    let board = app.page("/notices", &cookie).await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.text().contains("关于拟确定吴页面为发展对象的公示"));
    let org = app.page(&format!("/orgs/{}", fx.branch), &cookie).await;
    assert_eq!(org.status, StatusCode::OK);
    assert!(org.text().contains("公示栏") && org.text().contains("吴页面"), "{}", org.text());
    // The other college's print page is a 404 for this user.
    let (cookie_c, _) = app.web_login("college").await;
    let r = app.page(&format!("/development/{foreign}/publicity/{fpid}/print"), &cookie_c).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});
