//! HTML pages through the same router with the session cookie: login, dashboard, roster, forms
//! that keep what was typed, CSRF, scope.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use common::*;

both!(login_page_and_form, |app| async move {
    let r = app.get_raw("/login", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("name=\"password\""));
    // Anonymous pages send you to the login page, remembering where you were going.
    let r = app.get_raw("/members?q=x", "").await;
    assert!(r.status.is_redirection());
    assert_eq!(r.header("location").as_deref(), Some("/login?next=%2Fmembers%3Fq%3Dx"));
    // A wrong password re-renders the form with the username kept.
    let r = app.post_login(&[("username", "college"), ("password", "nope12345")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("value=\"college\""));
    assert!(r.text().contains("用户名或密码错误"));
    // The right one sets an HttpOnly, SameSite session cookie and redirects to `next` (local only).
    let r = app.post_login(&[("username", "college"), ("password", "jiceng2026"), ("next", "/orgs")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location").as_deref(), Some("/orgs"));
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.starts_with("jiceng_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let r = app.post_login(&[("username", "college"), ("password", "jiceng2026"), ("next", "//evil.example")]).await;
    assert_eq!(r.header("location").as_deref(), Some("/"), "no open redirect");
});

both!(dashboard_shows_scope, |app| async move {
    let fx = app.fixtures().await;
    let college_name = app.get(&format!("/api/v1/orgs/{}", fx.college), &app.admin).await.1["org"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let (cookie, _) = app.web_login("college").await;
    let r = app.page("/", &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains(&college_name), "the scope's name");
    assert!(html.contains("党员分类统计"));
    let (_, stats) = app.get("/api/v1/stats", &app.college).await;
    let total = stats["full"].as_i64().unwrap() + stats["probationary"].as_i64().unwrap();
    assert!(html.contains(&format!("<b>{total}</b>")), "the same total as the API ({total})");
    // The school admin's home names the university committee.
    let (cookie, _) = app.web_login("admin").await;
    let root_name = app.tree(&app.admin).await[0]["name"].as_str().unwrap().to_string();
    let html = app.page("/", &cookie).await.text();
    assert!(html.contains(&root_name));
    // Other pages render.
    for path in [
        "/orgs",
        &format!("/orgs/{}", fx.branch),
        "/members",
        "/findings",
        "/audit",
        "/users",
        "/import",
        "/account/password",
    ] {
        let r = app.page(path, &cookie).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.text().contains("</html>"), "{path}");
    }
    let r = app.page(&format!("/members/export.xlsx?org={}", fx.branch), &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"PK"));
});

both!(roster_search_and_profile, |app| async move {
    let fx = app.fixtures().await;
    let (_, m) = app.get(&format!("/api/v1/members/{}", fx.other_in_branch), &app.admin).await;
    let name = m["member"]["name"].as_str().unwrap().to_string();
    let (cookie, _) = app.web_login("branch").await;
    let q: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let r = app.page(&format!("/members?q={q}"), &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains(&name));
    let (_, py) = jiceng::util::pinyin_keys(&name);
    let r = app.page(&format!("/members?q={py}"), &cookie).await;
    assert!(r.text().contains(&name), "by initials {py}");
    // A half-typed filter never fails.
    let r = app.page("/members?age_min=abc&page=x&org=", &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.page(&format!("/members/{}", fx.other_in_branch), &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains(&name));
    // Foreign ids: the 404 page.
    for path in [
        format!("/orgs/{}", fx.sibling_branch),
        format!("/orgs/{}", fx.foreign_branch),
        format!("/orgs/{}", fx.college),
        format!("/members/{}", fx.foreign_member),
        format!("/members/{}/edit", fx.sibling_member),
        format!("/members?org={}", fx.foreign_branch),
        format!("/members/export.xlsx?org={}", fx.foreign_branch),
    ] {
        let r = app.page(&path, &cookie).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"), "{path}");
    }
});

both!(member_form_keeps_typed_work, |app| async move {
    let fx = app.fixtures().await;
    let (cookie, csrf) = app.web_login("branch").await;
    let r = app.page("/members/new", &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    let birth = chrono::NaiveDate::from_ymd_opt(1992, 8, 8).unwrap();
    let bad = wrong_check(&id_card("110108", birth, true, 3));
    let org = fx.branch.to_string();
    let fields = [
        ("_csrf", csrf.as_str()),
        ("name", "欧阳表单"),
        ("id_card_no", bad.as_str()),
        ("category", "teacher"),
        ("staff_no", "T777001"),
        ("org_id", org.as_str()),
        ("status", "full"),
        ("joined_on", "2015-07-01"),
        ("full_on", "2016-07-01"),
        ("phone", "13912345678"),
    ];
    let total = app.member_total().await;
    let r = app.post_form("/members", &cookie, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let html = r.text();
    assert!(html.contains("value=\"欧阳表单\""), "the typed name is kept");
    assert!(html.contains(&format!("value=\"{bad}\"")), "the typed 身份证号 is kept");
    assert!(html.contains("value=\"T777001\""));
    assert!(html.contains("value=\"13912345678\""));
    assert!(html.contains("身份证号校验位错误"), "the Chinese error");
    assert_eq!(app.member_total().await, total);
    // A rule refusal names the rule and keeps the dates.
    let good = id_card("110108", birth, true, 3);
    let mut early = fields;
    early[2] = ("id_card_no", good.as_str());
    early[7] = ("joined_on", "2010-01-01");
    early[8] = ("full_on", "2011-01-01");
    let r = app.post_form("/members", &cookie, &early).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("R1.2") && html.contains("value=\"2010-01-01\""), "rule and typed date");
    // Fixed, it is saved and redirects to the profile.
    let mut ok = fields;
    ok[2] = ("id_card_no", good.as_str());
    let r = app.post_form("/members", &cookie, &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let loc = r.header("location").unwrap();
    assert!(loc.starts_with("/members/") && loc.ends_with("?ok=created"), "{loc}");
    assert_eq!(app.member_total().await, total + 1);
    let r = app.page(&loc, &cookie).await;
    assert!(r.text().contains("欧阳表单") && r.text().contains("已创建"));
});

both!(csrf_and_origin_checks, |app| async move {
    let fx = app.fixtures().await;
    let (cookie, csrf) = app.web_login("branch").await;
    let total = app.member_total().await;
    let org = fx.branch.to_string();
    let card = id_card("110108", chrono::NaiveDate::from_ymd_opt(1991, 1, 9).unwrap(), false, 4);
    let fields = vec![
        ("name", "无令牌"),
        ("id_card_no", card.as_str()),
        ("category", "staff"),
        ("org_id", org.as_str()),
        ("status", "full"),
        ("joined_on", "2015-07-01"),
        ("full_on", "2016-07-01"),
    ];
    let r = app.post_form("/members", &cookie, &fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let mut wrong = fields.clone();
    wrong.push(("_csrf", "0000"));
    assert_eq!(app.post_form("/members", &cookie, &wrong).await.status, StatusCode::FORBIDDEN);
    // The right token from another site is refused too.
    let mut with = fields.clone();
    with.push(("_csrf", csrf.as_str()));
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&with).finish();
    let r = app
        .request(
            Request::builder()
                .method(Method::POST)
                .uri("/members")
                .header(header::HOST, "jiceng.example")
                .header(header::ORIGIN, "https://evil.example")
                .header(header::COOKIE, format!("jiceng_session={cookie}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.member_total().await, total);
    // With the token, from the page itself, it works.
    let r = app.post_form("/members", &cookie, &with).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(app.member_total().await, total + 1);
    // Read-only roles get no write forms.
    let (icookie, icsrf) = app.web_login("inspector").await;
    assert_eq!(app.page("/members/new", &icookie).await.status, StatusCode::FORBIDDEN);
    let mut insp = fields.clone();
    insp.push(("_csrf", icsrf.as_str()));
    assert_eq!(app.post_form("/members", &icookie, &insp).await.status, StatusCode::FORBIDDEN);
    // Logout needs the token, then ends the session.
    assert_eq!(app.post_form("/logout", &cookie, &[]).await.status, StatusCode::FORBIDDEN);
    let r = app.post_form("/logout", &cookie, &[("_csrf", csrf.as_str())]).await;
    assert!(r.status.is_redirection());
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert!(app.page("/", &cookie).await.status.is_redirection(), "back to the login page");
});
