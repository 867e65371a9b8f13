//! `jiceng check`, the findings page and `/api/v1/findings` run every rule family, and a past
//! date judges the tree, the rosters, the statuses and the development cases as they were.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{Value, json};

use common::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn findings(app: &TestApp, org: i64, as_of: Option<&str>) -> Vec<Value> {
    let q = as_of.map(|a| format!("&as_of={a}")).unwrap_or_default();
    let (s, v) = app.get(&format!("/api/v1/findings?org={org}{q}"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array().unwrap().clone()
}

fn about<'a>(v: &'a [Value], rule: &str, kind: &str, id: i64) -> Vec<&'a Value> {
    v.iter().filter(|f| f["rule"] == rule && f["subject_kind"] == kind && f["subject_id"] == id).collect()
}

both!(findings_as_of_a_past_date, |app| async move {
    let fx = app.fixtures().await;
    // A branch set up in 2020 whose third full member joined in 2024 (full in 2025).
    let (s, b) = app
        .post_json(
            "/api/v1/orgs",
            &app.admin,
            json!({"parent_id": fx.college, "kind": "branch", "category": "teacher", "name": "历史检查党支部",
                   "established_on": "2020-01-01", "term_start": "2024-12-01",
                   "founding_member_ids": app.full_members_of(fx.college, "2020-01-01", 3).await}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let branch = b["id"].as_i64().unwrap();
    let mut ids = Vec::new();
    for (seq, joined, full) in
        [(61, "2010-07-01", "2011-07-01"), (62, "2010-07-01", "2011-07-01"), (63, "2024-06-01", "2025-06-01")]
    {
        let mut m = member_json(branch, &format!("历史{seq}"), seq);
        m["joined_on"] = json!(joined);
        m["full_on"] = json!(full);
        let (s, v) = app.post_json("/api/v1/members", &app.admin, m).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    // The first member lost contact in 2024 and was found again at the start of 2025.
    let path = format!("/api/v1/members/{}/status", ids[0]);
    for (status, since) in [("lost_contact", "2024-01-01"), ("normal", "2025-01-01")] {
        let (s, v) = app.post_json(&path, &app.admin, json!({"special_status": status, "since": since})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    // A development case whose late talk (R1.4, justified) was recorded for 2024-03-01.
    let case = app.open_case_on(&app.admin, branch, "历史档案", d(2024, 1, 10)).await;
    let talk = json!({"step": "talk", "date": "2024-03-01", "justification": "寒假离校"});
    let (s, v) = app.post_json(&format!("/api/v1/development/cases/{case}/steps"), &app.admin, talk).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Today: three full members, a normal status, the talk's warning justified (Info).
    let now = findings(&app, branch, None).await;
    assert!(about(&now, "R3.1", "org", branch).is_empty(), "{now:?}");
    assert!(about(&now, "R5.2", "member", ids[0]).is_empty(), "{now:?}");
    let r14 = about(&now, "R1.4", "development_case", case);
    assert_eq!(r14.len(), 1, "the development family runs: {now:?}");
    assert_eq!(r14[0]["severity"], "info");

    // On 2024-09-01: two full members then, lost contact for eight months, the talk recorded.
    let then = findings(&app, branch, Some("2024-09-01")).await;
    let r31 = about(&then, "R3.1", "org", branch);
    assert_eq!(r31.len(), 1, "{then:?}");
    assert!(r31[0]["message_zh"].as_str().unwrap().contains("仅 2 名"), "{}", r31[0]);
    assert_eq!(about(&then, "R5.2", "member", ids[0]).len(), 1, "{then:?}");
    assert_eq!(about(&then, "R1.4", "development_case", case).len(), 1, "{then:?}");
    // On 2024-02-01 the talk was not recorded yet: the case has no R1.4 finding then.
    let before_talk = findings(&app, branch, Some("2024-02-01")).await;
    assert!(about(&before_talk, "R1.4", "development_case", case).is_empty(), "{before_talk:?}");
    // Before the branch existed there is nothing to judge.
    assert!(findings(&app, branch, Some("2019-06-01")).await.is_empty());

    // The page judges the same date and names it.
    let (cookie, _) = app.web_login("admin").await;
    let html = app.page("/findings?as_of=2024-09-01", &cookie).await.text();
    assert!(html.contains("按 2024-09-01 的") && html.contains("历史检查党支部"), "{html}");
    assert!(html.contains(&format!("/development/{case}")), "a case finding links to the case");
    let r = app.page("/findings?as_of=2024-13-01", &cookie).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("日期格式应为"));

    // `jiceng check --as-of` prints that date's findings.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jiceng"))
        .args(["check", "--database", &app.url, "--as-of", "2024-09-01"])
        .output()
        .expect("run jiceng check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.lines().any(|l| l.contains("R3.1") && l.contains("历史检查党支部") && l.contains("仅 2 名")),
        "{stdout}"
    );
    assert!(stdout.lines().any(|l| l.contains("R1.4") && l.contains("历史档案")), "{stdout}");
    assert!(stderr.contains("2024-09-01"), "{stderr}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jiceng"))
        .args(["check", "--database", &app.url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.lines().any(|l| l.contains("R3.1") && l.contains("历史检查党支部")), "{stdout}");
});
