//! Issue 8 part 1: editing a member record cannot do what only the development workflow does.
//! For a member who came through a case, stage, joined date and full date (党龄) move only by the
//! workflow's steps (R1.23, R1.25, R1.26) — in the API, the edit form and the import; a historic
//! record may be corrected with a recorded reason; a member who has left is history only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::json;

use common::*;

fn err_rule(v: &serde_json::Value) -> Option<&str> {
    v["error"]["rule"].as_str()
}

both!(case_member_stage_and_dates_are_the_workflow_s, |app| async move {
    let case = app.probationary_case("钱预备", 2024).await;
    let id = app.member_of_case(case).await;
    let path = format!("/api/v1/members/{id}");
    let keep = app.member_input(id).await;
    assert_eq!((keep["status"].as_str(), keep["joined_on"].as_str()), (Some("probationary"), Some("2025-05-10")));
    let audit = app.audit_count().await;

    // 预备 → 正式 by editing: refused, naming the rule and the fields.
    let mut b = keep.clone();
    b["status"] = json!("full");
    b["full_on"] = json!("2026-05-10");
    b["reason"] = json!("已满一年");
    let (s, v) = app.put_json(&path, &app.branch, b).await;
    assert_eq!((s, err_rule(&v)), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.25")), "{v}");
    assert!(v["error"]["fields"]["status"].as_str().unwrap().contains(&format!("发展记实 #{case}")), "{v}");
    assert!(v["error"]["fields"]["full_on"].is_string(), "{v}");
    // Even without the full date (which `validate` would report first), the stage is the refusal.
    let mut b = keep.clone();
    b["status"] = json!("full");
    let (s, v) = app.put_json(&path, &app.branch, b).await;
    assert_eq!((s, err_rule(&v)), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.25")), "{v}");
    assert!(v["error"]["fields"]["status"].is_string(), "{v}");
    // The joined date (start of probation) is the workflow's too.
    let mut b = keep.clone();
    b["joined_on"] = json!("2025-05-09");
    let (s, v) = app.put_json(&path, &app.branch, b).await;
    assert_eq!((s, err_rule(&v)), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.23")), "{v}");
    assert!(v["error"]["fields"]["joined_on"].is_string(), "{v}");
    assert_eq!(app.member_input(id).await, keep, "nothing written");
    assert_eq!(app.audit_count().await, audit);

    // Other fields stay editable.
    let mut b = keep.clone();
    b["phone"] = json!("13900139000");
    let (s, v) = app.put_json(&path, &app.branch, b).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["phone"].as_str(), v["status"].as_str()), (Some("13900139000"), Some("probationary")));

    // The conversion itself goes through the workflow and sets 党龄 from the end of probation.
    let vote =
        app.unanimous_vote(&app.branch, case, "conversion_vote", "2026-05-11", json!({"outcome": "conversion"})).await;
    app.ok_case_step(&app.branch, case, vote).await;
    app.ok_case_step(&app.college, case, json!({"step": "conversion_approval", "date": "2026-05-20"})).await;
    let converted = app.member_input(id).await;
    assert_eq!((converted["status"].as_str(), converted["full_on"].as_str()), (Some("full"), Some("2026-05-10")));
    // After conversion the 党龄 date is still the workflow's, one day either way.
    for d in ["2026-05-09", "2026-05-11"] {
        let mut b = converted.clone();
        b["full_on"] = json!(d);
        b["reason"] = json!("更正");
        let (s, v) = app.put_json(&path, &app.branch, b).await;
        assert_eq!((s, err_rule(&v)), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.26")), "{d}: {v}");
        assert!(v["error"]["fields"]["full_on"].is_string(), "{v}");
    }
});

both!(case_member_edit_form_keeps_typed_values, |app| async move {
    let case = app.probationary_case("孙表单", 2024).await;
    let id = app.member_of_case(case).await;
    let keep = app.member_input(id).await;
    let (cookie, csrf) = app.web_login("branch").await;
    let page = app.page(&format!("/members/{id}/edit"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("id=\"workflow-owned\""), "the form says who owns the stage");
    let s = |k: &str| keep[k].as_str().unwrap_or("").to_string();
    let fields = [
        ("_csrf", csrf.clone()),
        ("name", s("name")),
        ("gender", s("gender")),
        ("birth_date", s("birth_date")),
        ("category", s("category")),
        ("phone", "13700137000".to_string()),
        ("status", "full".to_string()),
        ("joined_on", s("joined_on")),
        ("full_on", "2026-05-10".to_string()),
    ];
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form(&format!("/members/{id}/edit"), &cookie, &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("规则 R1.25"), "the rule at the top of the form");
    // The message sits at the stage field, and every typed value is kept.
    let at_status = &html[html.find("id=\"status\"").unwrap()..];
    let err = &at_status[at_status.find("class=\"err\">").unwrap()..];
    assert!(err[..400.min(err.len())].contains("发展记实"), "{}", &err[..400.min(err.len())]);
    assert!(html.contains("<option value=\"full\" selected>"), "typed stage kept");
    assert!(html.contains("value=\"2026-05-10\""), "typed full date kept");
    assert!(html.contains("value=\"13700137000\""), "typed phone kept");
    assert_eq!(app.member_input(id).await, keep, "nothing written");
});

both!(import_cannot_record_a_case_person_as_member, |app| async move {
    let fx = app.fixtures().await;
    let card = id_card("110108", NaiveDate::from_ymd_opt(2003, 5, 1).unwrap(), false, 57);
    let case = app.probationary_case("周导入", 2024).await;
    // The 身份证号 is a person field, editable on a case member (birth date and gender match).
    let id = app.member_of_case(case).await;
    let mut b = app.member_input(id).await;
    b["id_card_no"] = json!(card);
    let (s, v) = app.put_json(&format!("/api/v1/members/{id}"), &app.branch, b).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let total = app.member_total().await;
    let csv = format!(
        "姓名,身份证号,人员类别,所在党支部,党员类别,入党日期,转正日期\n周导入,{card},学生,{},正式党员,2025-05-10,2026-05-10\n",
        fx.branch
    );
    for path in ["/api/v1/members/import?dry_run=true", "/api/v1/members/import"] {
        let (s, r) = app.post_multipart(path, &app.branch, "c.csv", csv.as_bytes()).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["committed"], false, "{r}");
        let e = &r["errors"][0];
        assert_eq!(
            (e["line"].as_i64(), e["field"].as_str(), e["rule"].as_str()),
            (Some(2), Some("status"), Some("R1.25")),
            "{r}"
        );
        assert!(e["message"].as_str().unwrap().starts_with("第2行："), "{r}");
        assert!(e["message"].as_str().unwrap().contains("发展党员流程"), "{r}");
    }
    assert_eq!(app.member_total().await, total, "nothing written");
});

both!(historic_member_change_needs_a_recorded_reason, |app| async move {
    let fx = app.fixtures().await;
    let mut create = member_json(fx.branch, "吴历史", 63);
    create["status"] = json!("probationary");
    create["joined_on"] = json!("2025-03-01");
    create["full_on"] = json!(null);
    let (s, v) = app.post_json("/api/v1/members", &app.branch, create).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let path = format!("/api/v1/members/{id}");
    let keep = app.member_input(id).await;
    let audit = app.audit_count().await;

    let mut b = keep.clone();
    b["status"] = json!("full");
    b["full_on"] = json!("2026-03-01");
    let (s, v) = app.put_json(&path, &app.branch, b.clone()).await;
    assert_eq!((s, err_rule(&v)), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.25")), "{v}");
    assert!(v["error"]["fields"]["reason"].as_str().unwrap().contains("修改理由"), "{v}");
    b["reason"] = json!("   ");
    let (s, v) = app.put_json(&path, &app.branch, b.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["reason"].is_string(), "{v}");
    // A reason does not lift the date rules: no 正式 before the end of probation (R1.25).
    let mut early = b.clone();
    early["full_on"] = json!("2026-02-28");
    early["reason"] = json!("据档案更正");
    let (s, v) = app.put_json(&path, &app.branch, early).await;
    assert_eq!((s, err_rule(&v)), (StatusCode::UNPROCESSABLE_ENTITY, Some("R1.25")), "{v}");
    assert!(v["error"]["fields"]["full_on"].is_string(), "{v}");
    assert_eq!(app.member_input(id).await, keep, "nothing written");
    assert_eq!(app.audit_count().await, audit);

    // With a reason: saved, and the reason is in the audit row and the status history.
    b["reason"] = json!("据党员档案补录转正");
    let (s, v) = app.put_json(&path, &app.branch, b).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["status"].as_str(), v["full_on"].as_str()), (Some("full"), Some("2026-03-01")));
    assert_eq!(app.audit_count().await, audit + 1);
    let in_audit = app
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_event WHERE entity = 'member' AND entity_id = {id} AND action = 'update'
             AND summary LIKE '%据党员档案补录转正%' AND after_json LIKE '%据党员档案补录转正%'"
        ))
        .await;
    assert_eq!(in_audit, 1);
    let (_, p) = app.get(&path, &app.branch).await;
    let ev = p["status_events"].as_array().unwrap().iter().find(|e| e["field"] == "status").unwrap();
    assert_eq!((ev["new_value"].as_str(), ev["note"].as_str()), (Some("full"), Some("据党员档案补录转正")), "{p}");
    assert!(app.verify_chain().await.broken.is_empty(), "the audit chain stays intact");
});

both!(member_who_left_is_history_only, |app| async move {
    let fx = app.fixtures().await;
    let case = app.probationary_case("郑取消", 2024).await;
    let vote = app
        .unanimous_vote(&app.branch, case, "conversion_vote", "2026-05-11", json!({"outcome": "probation_cancelled"}))
        .await;
    app.ok_case_step(&app.branch, case, vote).await;
    app.ok_case_step(&app.college, case, json!({"step": "conversion_approval", "date": "2026-05-25"})).await;
    let id = app.member_of_case(case).await;
    let keep = app.member_input(id).await;
    let audit = app.audit_count().await;

    let mut b = keep.clone();
    b["phone"] = json!("13600136000");
    let (s, v) = app.put_json(&format!("/api/v1/members/{id}"), &app.branch, b).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("member_left")), "{v}");
    assert_eq!(err_rule(&v), Some("R1.24"), "{v}");
    assert!(v["error"]["fields"]["left_on"].as_str().unwrap().contains("2026-05-25"), "{v}");
    let (s, v) = app
        .post_json(
            &format!("/api/v1/members/{id}/transfer"),
            &app.college,
            json!({"to_org_id": fx.sibling_branch, "on": "2026-06-01", "reason": "毕业"}),
        )
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("member_left")), "{v}");
    let (s, v) = app
        .post_json(
            &format!("/api/v1/members/{id}/status"),
            &app.branch,
            json!({"special_status": "mobile", "since": "2026-06-01"}),
        )
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("member_left")), "{v}");

    assert_eq!(app.audit_count().await, audit, "nothing written");

    // The pages refuse the same writes and say why; the profile offers no write forms.
    let (cookie, csrf) = app.web_login("branch").await;
    let audit = app.audit_count().await;
    let profile = app.page(&format!("/members/{id}"), &cookie).await.text();
    assert!(profile.contains("id=\"left-note\""));
    assert!(!profile.contains(&format!("action=\"/members/{id}/transfer\"")));
    let r = app
        .post_form(
            &format!("/members/{id}/status"),
            &cookie,
            &[("_csrf", &csrf), ("special_status", "mobile"), ("since", "2026-06-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("已于 2026-05-25"), "the reason is shown");
    let r = app
        .post_form(
            &format!("/members/{id}/edit"),
            &cookie,
            &[
                ("_csrf", &csrf),
                ("name", keep["name"].as_str().unwrap()),
                ("gender", "female"),
                ("birth_date", "2003-05-01"),
                ("category", "student"),
                ("status", "probationary"),
                ("joined_on", "2025-05-10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("不能再修改、转接或变更状态"));
    assert_eq!(app.member_input(id).await, keep, "nothing written");
    assert_eq!(app.audit_count().await, audit);
});
