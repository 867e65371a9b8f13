//! The development calendar page, the iCalendar feed (token-protected, scoped, revocable) and
//! the existing-person picker of the new-case page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use common::*;

/// Opens a case applied for 5 days ago; its talk is due within a month (R1.4).
async fn open_case(app: &TestApp, token: &str, org: i64, name: &str) -> Value {
    let applied = today() - chrono::Days::new(5);
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            token,
            json!({"name": name, "gender": "male", "birth_date": "2003-05-01", "category": "student", "org_id": org,
                   "applied_on": ymd(applied)}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn feed(app: &TestApp, token: &str) -> (i64, String) {
    let (s, v) = app.post_json("/api/v1/me/feed-tokens", token, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let path = v["path"].as_str().unwrap().to_string();
    assert!(path.starts_with("/feeds/development/") && path.ends_with(".ics"), "{v}");
    (v["id"].as_i64().unwrap(), path)
}

/// Unfolds an iCalendar text (RFC 5545 §3.1), checking line ends and the 75-octet limit.
fn unfold(text: &str) -> String {
    assert!(text.ends_with("\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "line over 75 octets: {line}");
    }
    assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
    text.replace("\r\n ", "")
}

both!(calendar_page_lists_due_steps, |app| async move {
    let fx = app.fixtures().await;
    let case = open_case(&app, &app.college, fx.branch, "日历甲").await;
    let talk = case["due"].as_array().unwrap().iter().find(|d| d["step"] == "talk").expect("talk due").clone();
    let latest = talk["latest"].as_str().unwrap();
    let month = &latest[..7];
    let (cookie, csrf) = app.web_login("college").await;
    let r = app.page(&format!("/development/calendar?month={month}"), &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("日历甲"), "the case is on its month");
    assert!(html.contains("党组织派人谈话"));
    assert!(html.contains(&format!("/development/{}", case["id"])), "linked to the case");
    assert!(html.contains("cal-list"), "a list for narrow screens");
    // Filtered to another branch, the case is not shown.
    let r = app.page(&format!("/development/calendar?month={month}&org={}", fx.sibling_branch), &cookie).await;
    assert!(!r.text().contains("日历甲"));
    // A malformed month is a field error, not a 500.
    let r = app.page("/development/calendar?month=2026-13", &cookie).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("月份格式"));

    // The subscription: created by a form POST, its URL shown once.
    let r = app.post_form("/development/calendar/feed", &cookie, &[("_csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    let at = html.find("/feeds/development/").expect("the feed URL is shown");
    let url = &html[at..at + html[at..].find(".ics").unwrap() + 4];
    let again = app.page("/development/calendar", &cookie).await.text();
    assert!(!again.contains(url), "the URL is shown only once");
    let r = app.get_raw(url, "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("日历甲"));
    // Without the CSRF token nothing is created.
    let before = app.scalar("SELECT COUNT(*) AS n FROM feed_token").await;
    let r = app.post_form("/development/calendar/feed", &cookie, &[("_csrf", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM feed_token").await, before);
});

both!(ics_feed_is_scoped_and_revocable, |app| async move {
    let fx = app.fixtures().await;
    let mine = open_case(&app, &app.college, fx.branch, "订阅甲").await;
    open_case(&app, &app.admin, fx.foreign_branch, "订阅乙").await;
    let (id, path) = feed(&app, &app.college).await;
    let r = app.get_raw(&path, "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").unwrap().starts_with("text/calendar"));
    let text = unfold(&r.text());
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(text.contains("BEGIN:VEVENT"));
    assert!(text.contains("SUMMARY:订阅甲：党组织派人谈话（截止）"), "{text}");
    let uid = format!("UID:development-{}-talk@jiceng", mine["id"]);
    assert!(text.contains(&uid), "stable UID per case and step");
    let latest = mine["due"][0]["latest"].as_str().unwrap().replace('-', "");
    assert!(text.contains(&format!("DTSTART;VALUE=DATE:{latest}")), "all-day on the latest date");
    assert!(!text.contains("订阅乙"), "another college's case is not in the college feed");
    // The same feed again has the same UID (stable).
    assert!(unfold(&app.get_raw(&path, "").await.text()).contains(&uid));

    // The admin's feed covers the school; the branch admin's only their branch.
    let (_, admin_path) = feed(&app, &app.admin).await;
    let all = unfold(&app.get_raw(&admin_path, "").await.text());
    assert!(all.contains("订阅甲") && all.contains("订阅乙"));
    let (_, branch_path) = feed(&app, &app.branch).await;
    let branch = unfold(&app.get_raw(&branch_path, "").await.text());
    assert!(branch.contains("订阅甲") && !branch.contains("订阅乙"));

    // Another user cannot revoke the token; its owner can, and then the feed is gone.
    let r = app
        .request(
            req(Method::DELETE, &format!("/api/v1/me/feed-tokens/{id}"), Some(&app.admin)).body(Body::empty()).unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (s, list) = app.get("/api/v1/me/feed-tokens", &app.college).await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.as_array().unwrap().iter().any(|t| t["id"] == id && t["revoked_at"].is_null()), "{list}");
    assert!(
        !list.to_string().contains(path.trim_start_matches("/feeds/development/").trim_end_matches(".ics")),
        "token not listed"
    );
    let r = app
        .request(
            req(Method::DELETE, &format!("/api/v1/me/feed-tokens/{id}"), Some(&app.college))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get_raw(&path, "").await.status, StatusCode::NOT_FOUND);
    // Unknown and malformed tokens are 404 too; the token is stored hashed only.
    assert_eq!(app.get_raw("/feeds/development/0123abcd.ics", "").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get_raw("/feeds/development/x%27y.ics", "").await.status, StatusCode::NOT_FOUND);
    let raw = path.trim_start_matches("/feeds/development/").trim_end_matches(".ics");
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) AS n FROM feed_token WHERE token_hash = '{raw}'")).await, 0);
});

both!(existing_person_is_picked_for_a_new_case, |app| async move {
    let fx = app.fixtures().await;
    // A person known to the system without a member record or a case (e.g. imported earlier).
    let now = "2026-01-01T00:00:00Z";
    sqlx::query(
        "INSERT INTO person (name, name_pinyin, name_initials, gender, birth_date, staff_no, category, created_at, updated_at)
         VALUES ('旧申请人', 'jiushenqingren', 'jsqr', 'female', '2004-02-02', 'S20240099', 'student', $1, $1)",
    )
    .bind(now)
    .execute(&app.db.pool)
    .await
    .unwrap();
    // Without any case, only the school level sees the person.
    let (s, v) = app.get("/api/v1/people?q=旧申请", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let pid = v[0]["id"].as_i64().expect("found by name");
    assert_eq!(app.get("/api/v1/people?q=S2024009", &app.admin).await.1[0]["id"], pid, "found by 工号 prefix");
    assert_eq!(app.get("/api/v1/people?q=jsqr", &app.admin).await.1[0]["id"], pid, "found by initials");
    assert!(app.get("/api/v1/people?q=旧申请", &app.college).await.1.as_array().unwrap().is_empty());
    // Members are never offered.
    let (_, v) = app.get("/api/v1/people", &app.admin).await;
    let member_person = app.scalar(&format!("SELECT person_id AS n FROM member WHERE id = {}", fx.member_me)).await;
    assert!(!v.as_array().unwrap().iter().any(|p| p["id"] == member_person));

    // The new-case page finds and picks the person; the case is opened for them.
    let (cookie, csrf) = app.web_login("admin").await;
    let html = app.page("/development/new?q=旧申请", &cookie).await.text();
    assert!(html.contains(&format!("person_id={pid}")), "a pick link");
    let html = app.page(&format!("/development/new?person_id={pid}"), &cookie).await.text();
    assert!(html.contains("申请人：<strong>旧申请人</strong>"), "picked");
    let r = app
        .post_form(
            "/development",
            &cookie,
            &[
                ("_csrf", &csrf),
                ("person_id", &pid.to_string()),
                ("org_id", &fx.branch.to_string()),
                ("applied_on", "2024-03-01"),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let n = app
        .scalar(&format!("SELECT COUNT(*) AS n FROM development_case WHERE person_id = {pid} AND status = 'open'"))
        .await;
    assert_eq!(n, 1);
    // With an open case the person is no longer offered; the college now would see them otherwise.
    assert!(app.get("/api/v1/people?q=旧申请", &app.admin).await.1.as_array().unwrap().is_empty());
    assert!(app.get("/api/v1/people?q=旧申请", &app.college).await.1.as_array().unwrap().is_empty());
});
