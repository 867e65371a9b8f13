//! Import of existing development cases from xlsx: the template, a good file creating cases at
//! the right stage, a file with a rule-breaking row (R1.8) refused with "第N行" and nothing
//! written, and a field error for a bad 身份证号.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::Value;

use common::*;

const HEADERS: &[&str] = &[
    "姓名",
    "身份证号",
    "类别",
    "所在党支部",
    "1.递交入党申请书",
    "2.党组织派人谈话",
    "3.推荐和确定入党积极分子",
    "4.上级党委备案",
    "5.指定培养联系人",
    "6.培养教育考察",
    "7.确定发展对象",
    "8.报上级党委备案",
    "培养联系人工号",
    "入学年份",
];

/// An xlsx with the headers above and one row per entry (missing trailing cells left blank).
fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn idc(seq: u32) -> String {
    id_card("110108", NaiveDate::from_ymd_opt(2003, 5, 1).unwrap(), true, seq)
}

/// The 工号 of a full member of the branch (a 培养联系人).
async fn mentor_staff_no(app: &TestApp, branch: i64) -> String {
    let (s, v) = app.get(&format!("/api/v1/members?org={branch}&status=full&per_page=200"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().iter().find_map(|m| m["staff_no"].as_str().map(str::to_string)).expect("a 工号")
}

async fn upload(app: &TestApp, bytes: &[u8], dry_run: bool) -> (StatusCode, Value) {
    app.post_multipart(&format!("/api/v1/development/import?dry_run={dry_run}"), &app.branch, "cases.xlsx", bytes).await
}

async fn counts(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.scalar("SELECT COUNT(*) AS n FROM development_case").await,
        app.scalar("SELECT COUNT(*) AS n FROM development_step").await,
        app.scalar("SELECT COUNT(*) AS n FROM person").await,
        app.audit_count().await,
    )
}

both!(import_good_file_creates_cases_at_their_stage, |app| async move {
    let fx = app.fixtures().await;
    let b = fx.branch.to_string();
    let mentor = mentor_staff_no(&app, fx.branch).await;

    let r = app.get_raw("/api/v1/development/import/template.xlsx", &app.branch).await;
    assert_eq!(r.status, StatusCode::OK);
    let header = &xlsx_rows(&r.body)[0];
    assert!(header.iter().any(|h| h == "姓名*") && header.iter().any(|h| h == "7.确定发展对象"), "{header:?}");
    assert!(header.iter().any(|h| h == "特殊情况说明"));

    let file = xlsx(&[
        row(&[
            "导入甲",
            &idc(1),
            "学生",
            &b,
            "2024-01-10",
            "2024-01-20",
            "2024-03-15",
            "2024-03-20",
            "",
            "",
            "",
            "",
            "",
            "2022",
        ]),
        row(&["导入乙", &idc(2), "学生", &b, "2025-09-01", "2025-09-10"]),
        row(&[
            "导入丙",
            &idc(3),
            "学生",
            &b,
            "2023-01-05",
            "2023-01-15",
            "2023-03-01",
            "2023-03-05",
            "2023-03-05",
            "2023-08-25、2024-02-20",
            "2024-03-05",
            "2024-03-10",
            &mentor,
        ]),
    ]);
    let before = counts(&app).await;
    let (s, v) = upload(&app, &file, true).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["errors"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!((v["total"].as_i64(), v["valid"].as_i64(), v["committed"].as_bool()), (Some(3), Some(3), Some(false)));
    assert_eq!(counts(&app).await, before, "the preview writes nothing");

    let (s, v) = upload(&app, &file, false).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["committed"].as_bool(), v["created"].as_i64()), (Some(true), Some(3)), "{v}");
    let stage = |name: &str| {
        let app = &app;
        let name = name.to_string();
        async move {
            let (_, list) = app.get("/api/v1/development/cases", &app.branch).await;
            list.as_array().unwrap().iter().find(|c| c["name"] == name.as_str()).map(|c| c["stage"].clone())
        }
    };
    assert_eq!(stage("导入甲").await, Some(Value::from("activist")));
    assert_eq!(stage("导入乙").await, Some(Value::from("applicant")));
    assert_eq!(stage("导入丙").await, Some(Value::from("candidate")));
    let after = counts(&app).await;
    assert_eq!(after.0 - before.0, 3);
    // 4 + 2 + 9 steps (two 培养教育考察 dates).
    assert_eq!(after.1 - before.1, 15);
    assert!(app.verify_chain().await.broken.is_empty(), "audit chain intact");
    // The 入学年份 is kept on the person: the statistics count 导入甲 among the 2022 students.
    let (s, st) =
        app.get(&format!("/api/v1/development/stats?org={b}&from=2024-01-01&to=2024-12-31"), &app.branch).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    let y2022 = st["categories"].as_array().unwrap().iter().find(|c| c["key"] == "student_2022").cloned();
    assert!(y2022.is_some_and(|c| c["applied"].as_i64() >= Some(1)), "{st}");

    // The page: upload form and the template link; read-only roles are refused.
    let (cookie, _) = app.web_login("branch").await;
    let page = app.page("/development/import", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("/development/import/template.xlsx"));
    let r = app.page("/development/import/template.xlsx", &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    let (cookie, _) = app.web_login("inspector").await;
    assert_eq!(app.page("/development/import", &cookie).await.status, StatusCode::FORBIDDEN);
});

both!(import_refuses_a_file_with_a_rule_breaking_row, |app| async move {
    let fx = app.fixtures().await;
    let b = fx.branch.to_string();
    let mentor = mentor_staff_no(&app, fx.branch).await;
    let file = xlsx(&[
        row(&["导入丁", &idc(11), "学生", &b, "2024-01-10", "2024-01-20", "2024-03-15", "2024-03-20"]),
        // R1.8: 发展对象 on 2024-02-20, less than a year after the activist determination (2023-03-01).
        row(&[
            "导入戊",
            &idc(12),
            "学生",
            &b,
            "2023-01-05",
            "2023-01-15",
            "2023-03-01",
            "2023-03-05",
            "2023-03-05",
            "2023-08-25、2024-02-10",
            "2024-02-20",
            "2024-02-25",
            &mentor,
        ]),
        row(&["导入己", &wrong_check(&idc(13)), "学生", &b, "2024-01-10"]),
    ]);
    let before = counts(&app).await;
    for dry_run in [true, false] {
        let (s, v) = upload(&app, &file, dry_run).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["committed"], false, "{v}");
        assert_eq!(v["created"], 0, "{v}");
        let errors = v["errors"].as_array().unwrap();
        let r18 = errors.iter().find(|e| e["line"] == 3).expect("row 3 refused");
        assert_eq!(r18["rule"], "R1.8", "{v}");
        let msg = r18["message"].as_str().unwrap();
        assert!(msg.starts_with("第3行：") && msg.contains("R1.8"), "{msg}");
        let id = errors.iter().find(|e| e["line"] == 4).expect("row 4 refused");
        assert_eq!(id["field"], "id_card_no", "{v}");
        assert!(id["message"].as_str().unwrap().starts_with("第4行："), "{id}");
        assert!(errors.iter().all(|e| e["line"] != 2), "row 2 is fine: {v}");
        assert_eq!(v["valid"], 1);
        assert_eq!(counts(&app).await, before, "nothing written (dry_run = {dry_run})");
    }
    // A read-only role cannot import; a file without the required columns is a layout error.
    let (s, _) =
        app.post_multipart("/api/v1/development/import?dry_run=true", &app.inspector, "cases.xlsx", &file).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = upload(&app, b"foo,bar\n1,2\n", true).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
});
