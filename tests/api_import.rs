//! Roster import: template, dry run with row errors as the user numbers them, all-or-nothing
//! commit, bad files, size limit; and the export.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;

use common::*;
use jiceng::excel::{Cell, write_xlsx};

const HEADER: &str = "姓名,身份证号,人员类别,所在党支部,党员类别,入党日期,转正日期";

/// Distinct birth dates, all adult long before 2015.
fn birth(i: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1980, 1, 1).unwrap() + chrono::Days::new(u64::from(i) * 11)
}

fn csv_row(name: &str, id_card: &str, branch: i64) -> String {
    format!("{name},{id_card},教师,{branch},正式党员,2015-07-01,2016-07-01")
}

fn valid_csv(branch: i64, n: u32, offset: u32) -> String {
    let mut s = format!("{HEADER}\n");
    for i in 0..n {
        let card = id_card("110108", birth(offset + i), i % 2 == 0, i);
        s.push_str(&csv_row(&format!("导入{}号", offset + i), &card, branch));
        s.push('\n');
    }
    s
}

both!(template_downloads, |app| async move {
    for token in [&app.admin, &app.branch, &app.inspector] {
        let r = app.get_raw("/api/v1/members/import/template.xlsx", token).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.starts_with(b"PK\x03\x04"), "an xlsx (zip) file");
        assert!(r.header("content-type").unwrap().contains("spreadsheetml"));
        assert!(r.header("content-disposition").unwrap().contains("attachment"));
        let rows = xlsx_rows(&r.body);
        let header = rows.iter().find(|r| r.iter().any(|c| c.contains("姓名"))).expect("a header row");
        assert!(header.iter().any(|c| c.contains("身份证号")));
        assert!(header.iter().any(|c| c.contains("所在党支部")));
    }
    assert_eq!(app.get_raw("/api/v1/members/import/template.xlsx", "").await.status, StatusCode::UNAUTHORIZED);
});

both!(one_bad_row_writes_nothing, |app| async move {
    let fx = app.fixtures().await;
    let total = app.member_total().await;
    let audit = app.audit_count().await;
    let good = id_card("110108", birth(1), true, 1);
    let bad = wrong_check(&id_card("110108", birth(2), false, 2));
    let csv = format!("{HEADER}\n{}\n{}\n", csv_row("张好行", &good, fx.branch), csv_row("李坏行", &bad, fx.branch));
    for path in ["/api/v1/members/import?dry_run=true", "/api/v1/members/import"] {
        let (s, r) = app.post_multipart(path, &app.branch, "roster.csv", csv.as_bytes()).await;
        assert_eq!(s, StatusCode::OK, "{path}: {r}");
        assert_eq!(r["total"], 2);
        assert_eq!(r["valid"], 1);
        assert_eq!(r["committed"], false, "{path}");
        assert_eq!(r["created"], 0);
        let errors = r["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{r}");
        assert_eq!(errors[0]["line"], 3, "the header is line 1, the bad row line 3");
        assert_eq!(errors[0]["field"], "id_card_no");
        assert_eq!(errors[0]["column"], "身份证号");
        let msg = errors[0]["message"].as_str().unwrap();
        assert!(msg.starts_with("第3行"), "{msg}");
        assert!(msg.contains("校验位"), "{msg}");
        // The preview lists the good row.
        assert_eq!(r["preview"][0]["name"], "张好行");
        assert_eq!(r["preview"][0]["line"], 2);
    }
    assert_eq!(app.member_total().await, total, "nothing written");
    assert_eq!(app.audit_count().await, audit);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM person WHERE name = '张好行'").await, 0);
});

both!(valid_file_commits_all_rows, |app| async move {
    let fx = app.fixtures().await;
    let total = app.member_total().await;
    let n = 4;
    let csv = valid_csv(fx.branch, n, 10);
    // A dry run first: nothing happens.
    let (s, r) = app.post_multipart("/api/v1/members/import?dry_run=true", &app.branch, "a.csv", csv.as_bytes()).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!((r["total"].as_i64(), r["valid"].as_i64(), r["committed"].as_bool()), (Some(4), Some(4), Some(false)));
    assert_eq!(app.member_total().await, total);
    let (s, r) = app.post_multipart("/api/v1/members/import", &app.branch, "a.csv", csv.as_bytes()).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["committed"], true, "{r}");
    assert_eq!(r["created"], n);
    assert!(r["errors"].as_array().unwrap().is_empty());
    assert_eq!(app.member_total().await, total + i64::from(n));
    let (_, branch_roster) = app.get("/api/v1/members?q=%E5%AF%BC%E5%85%A5&per_page=200", &app.branch).await;
    assert_eq!(branch_roster["total"], n, "the rows are in the branch: {branch_roster}");
    let (_, audit) = app.get("/api/v1/audit?action=import", &app.branch).await;
    assert_eq!(audit["total"], n, "{audit}");
    assert!(audit["items"][0]["summary"].as_str().unwrap().contains("导入党员"));
    // The same file again: every row is now a duplicate, nothing is written.
    let (s, r) = app.post_multipart("/api/v1/members/import", &app.branch, "a.csv", csv.as_bytes()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["committed"], false);
    assert_eq!(r["errors"].as_array().unwrap().len(), n as usize);
    assert!(r["errors"][0]["message"].as_str().unwrap().starts_with("第2行"));
    assert_eq!(app.member_total().await, total + i64::from(n));
    // An xlsx works the same way (branch by name this time).
    let branch_name = app.get(&format!("/api/v1/orgs/{}", fx.branch), &app.admin).await.1["org"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let headers = ["姓名", "身份证号", "人员类别", "所在党支部", "党员类别", "入党日期", "转正日期"];
    let rows: Vec<Vec<Cell>> = (0..2u32)
        .map(|i| {
            vec![
                Cell::Text(format!("表格{i}号")),
                Cell::Text(id_card("110108", birth(50 + i), true, 50 + i)),
                Cell::Text("学生".into()),
                Cell::Text(branch_name.clone()),
                Cell::Text("预备党员".into()),
                Cell::Date(NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()),
                Cell::Empty,
            ]
        })
        .collect();
    let xlsx = write_xlsx("名册", &headers, &rows).unwrap();
    let (s, r) = app.post_multipart("/api/v1/members/import", &app.branch, "a.xlsx", &xlsx).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["committed"], true, "{r}");
    assert_eq!(app.member_total().await, total + i64::from(n) + 2);
});

both!(rows_outside_scope_are_errors, |app| async move {
    let fx = app.fixtures().await;
    let total = app.member_total().await;
    let mut csv = valid_csv(fx.branch, 1, 70);
    csv.push_str(&csv_row("外支部", &id_card("110108", birth(71), true, 71), fx.sibling_branch));
    csv.push('\n');
    csv.push_str(&csv_row("学院层", &id_card("110108", birth(72), true, 72), fx.college));
    csv.push('\n');
    let (s, r) = app.post_multipart("/api/v1/members/import", &app.branch, "a.csv", csv.as_bytes()).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["committed"], false);
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{r}");
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["field"], "branch");
    assert_eq!(errors[1]["line"], 4);
    // The college may put people into its branches but not into itself (R2.3).
    let (_, r) = app.post_multipart("/api/v1/members/import", &app.college, "a.csv", csv.as_bytes()).await;
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{r}");
    assert_eq!(errors[0]["line"], 4);
    assert_eq!(errors[0]["rule"], "R2.3");
    assert_eq!(app.member_total().await, total);
});

both!(bad_files, |app| async move {
    let total = app.member_total().await;
    let tok = app.branch.clone();
    // Binary garbage, a corrupt zip, an empty file: 400 naming the file.
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut corrupt_zip = b"PK\x03\x04".to_vec();
    corrupt_zip.extend_from_slice(&garbage);
    for (name, bytes) in [("g.csv", garbage.clone()), ("c.xlsx", corrupt_zip), ("e.csv", b"   \n".to_vec())] {
        let (s, v) = app.post_multipart("/api/v1/members/import", &tok, name, &bytes).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{name}: {v}");
        assert!(v["error"]["fields"]["file"].is_string(), "{name}: {v}");
    }
    // No file at all.
    let r = app
        .post_raw(
            "/api/v1/members/import",
            &tok,
            "multipart/form-data; boundary=XyZ",
            b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--XyZ--\r\n".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    // Not multipart.
    let r = app.post_raw("/api/v1/members/import", &tok, "application/json", b"{}".to_vec()).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.json()["error"]["code"].as_str().is_some(), "JSON error: {}", r.text());
    // A missing required column: 422 naming the columns.
    let (s, v) = app
        .post_multipart("/api/v1/members/import", &tok, "m.csv", "姓名,身份证号\n张三,110108199001011234\n".as_bytes())
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "bad_layout");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("缺少必填列") && msg.contains("所在党支部"), "{msg}");
    // No header at all.
    let (s, v) = app.post_multipart("/api/v1/members/import", &tok, "h.csv", "a,b,c\n1,2,3\n".as_bytes()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(app.member_total().await, total);
});

both!(oversized_upload_is_413, |app| async move {
    let big = vec![b'a'; 21 * 1024 * 1024];
    let (s, v) = app.post_multipart("/api/v1/members/import", &app.branch, "big.csv", &big).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"]["code"], "payload_too_large", "{v}");
    // Also for a plain JSON body.
    let mut json = b"{\"name\":\"".to_vec();
    json.extend(std::iter::repeat_n(b'x', 21 * 1024 * 1024));
    json.extend_from_slice(b"\"}");
    let r = app.post_raw("/api/v1/members", &app.admin, "application/json", json).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "payload_too_large", "{}", r.text());
});

both!(export_filtered_roster, |app| async move {
    let fx = app.fixtures().await;
    let r = app.get_raw(&format!("/api/v1/members/export.xlsx?org={}&status=full", fx.college), &app.college).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"PK\x03\x04"));
    assert!(r.header("content-disposition").unwrap().contains("filename*=UTF-8''"));
    let rows = xlsx_rows(&r.body);
    let (_, list) = app.get(&format!("/api/v1/members?org={}&status=full", fx.college), &app.college).await;
    assert_eq!(rows.len() as i64, list["total"].as_i64().unwrap() + 1);
    assert_eq!(
        rows[0],
        [
            "姓名",
            "性别",
            "出生日期",
            "身份证号",
            "工号/学号",
            "人员类别",
            "学历",
            "职称",
            "手机号",
            "所在党支部",
            "党员类别",
            "入党日期",
            "转正日期",
            "党员状态"
        ]
    );
    assert!(rows[1..].iter().all(|r| r[10] == "正式党员"));
    // The inspector's export is masked like the inspector's screen.
    let r = app.get_raw(&format!("/api/v1/members/export.xlsx?org={}", fx.branch), &app.inspector).await;
    let rows = xlsx_rows(&r.body);
    assert!(rows.len() > 1);
    assert!(rows[1..].iter().all(|r| r[3].is_empty() || r[3].contains('*')), "{rows:?}");
    // An unknown org is a 404 like a foreign one.
    assert_eq!(app.get_raw("/api/v1/members/export.xlsx?org=987654", &app.admin).await.status, StatusCode::NOT_FOUND);
});

both!(duplicates_and_blank_lines, |app| async move {
    let fx = app.fixtures().await;
    let total = app.member_total().await;
    let a = id_card("110108", birth(80), true, 80);
    let b = id_card("110108", birth(81), false, 81);
    // Line 1 header, 2 a, 3 blank, 4 b, 5 a again (same 身份证号 as line 2).
    let csv = format!(
        "{HEADER}\n{}\n\n{}\n{}\n",
        csv_row("甲一", &a, fx.branch),
        csv_row("乙二", &b, fx.branch),
        csv_row("丙三", &a, fx.branch)
    );
    let (s, r) = app.post_multipart("/api/v1/members/import", &app.branch, "d.csv", csv.as_bytes()).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["total"], 3);
    assert_eq!(r["committed"], false);
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{r}");
    assert_eq!(errors[0]["line"], 5, "blank lines count as the user sees them");
    assert_eq!(errors[0]["field"], "id_card_no");
    let msg = errors[0]["message"].as_str().unwrap();
    assert!(msg.starts_with("第5行") && msg.contains("第2行"), "{msg}");
    // Field errors name their row and column; several in one row are all reported.
    let csv =
        format!("{HEADER}\n丁四,{},学者,{},党员,2015-13-01,\n", id_card("110108", birth(82), true, 82), fx.branch);
    let (_, r) = app.post_multipart("/api/v1/members/import?dry_run=true", &app.branch, "e.csv", csv.as_bytes()).await;
    let fields: Vec<&str> = r["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["category", "status", "joined_on"] {
        assert!(fields.contains(&f), "{f} in {r}");
    }
    assert!(r["errors"].as_array().unwrap().iter().all(|e| e["message"].as_str().unwrap().starts_with("第2行")));
    assert_eq!(app.member_total().await, total);
});
