//! Login, tokens, lockout, CSRF on cookie-authenticated API writes, password change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use jiceng::demo::DEMO_PASSWORD;

both!(login_ok_and_bad_password, |app| async move {
    let (s, v) = app.post_json("/api/v1/auth/login", "", json!({"username": "admin", "password": DEMO_PASSWORD})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["token"].as_str().unwrap().len() >= 32);
    assert_eq!(v["user"]["username"], "admin");
    assert_eq!(v["user"]["role"], "school_admin");

    let (s, v) = app.post_json("/api/v1/auth/login", "", json!({"username": "admin", "password": "wrong-pass1"})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"]["code"], "invalid_credentials");

    // An unknown user answers exactly like a wrong password.
    let (s, v) = app.post_json("/api/v1/auth/login", "", json!({"username": "nobody", "password": "x"})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"]["code"], "invalid_credentials");

    // A login body without the password is malformed JSON for this endpoint: 400 naming it.
    let (s, v) = app.post_json("/api/v1/auth/login", "", json!({"username": "admin"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("password"), "{v}");
});

both!(lockout_after_five_failures, |app| async move {
    for i in 1..=5 {
        let (s, v) =
            app.post_json("/api/v1/auth/login", "", json!({"username": "college", "password": "wrong-pass1"})).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "attempt {i}: {v}");
    }
    // Locked now: even the right password is refused, with the answer of an unknown name (a
    // locked account cannot be told from a missing one).
    let (s, v) =
        app.post_json("/api/v1/auth/login", "", json!({"username": "college", "password": DEMO_PASSWORD})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"]["code"], "invalid_credentials");
    let (s2, unknown) =
        app.post_json("/api/v1/auth/login", "", json!({"username": "nobody", "password": DEMO_PASSWORD})).await;
    assert_eq!((s2, &unknown), (s, &v));
    // Other accounts are not affected.
    assert!(app.login_token("branch", DEMO_PASSWORD).await.is_ok());
    // The failures are in the audit log.
    let n = app.scalar("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'login_failed'").await;
    assert_eq!(n, 5);
});

both!(me_and_logout, |app| async move {
    let me = app.me(&app.college).await;
    assert_eq!(me["username"], "college");
    assert_eq!(me["role"], "unit_admin");
    let me = app.me(&app.member).await;
    assert_eq!(me["role"], "member");
    assert!(me["member_id"].as_i64().is_some());

    let token = app.login_token("inspector", DEMO_PASSWORD).await.unwrap();
    let (s, _) = app.get("/api/v1/me", &token).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app.post_json("/api/v1/auth/logout", &token, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app.get("/api/v1/me", &token).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"]["code"], "unauthorized");
    // The other inspector token still works.
    let (s, _) = app.get("/api/v1/me", &app.inspector).await;
    assert_eq!(s, StatusCode::OK);
});

both!(missing_or_invalid_token, |app| async move {
    for path in ["/api/v1/me", "/api/v1/orgs", "/api/v1/members", "/api/v1/audit", "/api/v1/members/export.xlsx"] {
        let (s, v) = app.get(path, "").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}: {v}");
        assert_eq!(v["error"]["code"], "unauthorized", "{path}");
        let (s, _) = app.get(path, "not-a-token").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}");
    }
    let (s, _) = app.post_json("/api/v1/orgs", "", json!({})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // A malformed Authorization header is no token at all.
    let r = app
        .request(
            Request::builder()
                .uri("/api/v1/me")
                .header(header::AUTHORIZATION, "Basic YWRtaW46eA==")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
});

both!(cookie_api_write_needs_csrf, |app| async move {
    let (cookie, csrf) = app.web_login("admin").await;
    let fx = app.fixtures().await;
    let founders = app.full_members_of(fx.college, &common::ymd(common::today()), 3).await;
    let body = json!({"parent_id": fx.college, "kind": "branch", "category": "teacher", "name": "测试教工党支部", "founding_member_ids": founders});
    let call = |csrf: Option<String>, method: Method| {
        let mut b = Request::builder()
            .method(method)
            .uri("/api/v1/orgs")
            .header(header::COOKIE, format!("jiceng_session={cookie}"))
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = csrf {
            b = b.header("x-csrf-token", c);
        }
        b.body(Body::from(body.to_string())).unwrap()
    };
    // Reads with the cookie are fine.
    let r = app
        .request(
            Request::builder()
                .uri("/api/v1/me")
                .header(header::COOKIE, format!("jiceng_session={cookie}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let before = app.scalar("SELECT COUNT(*) AS n FROM org").await;
    let r = app.request(call(None, Method::POST)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "forbidden");
    let r = app.request(call(Some("wrong".into()), Method::POST)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM org").await, before, "nothing written");
    let r = app.request(call(Some(csrf), Method::POST)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM org").await, before + 1);
});

both!(password_change, |app| async move {
    let token = app.login_token("branch", DEMO_PASSWORD).await.unwrap();
    let (s, v) = app
        .post_json("/api/v1/me/password", &token, json!({"old_password": "not-it-123", "new_password": "newpass2027"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["old_password"].is_string(), "{v}");
    // Too weak a new password.
    let (s, v) = app
        .post_json("/api/v1/me/password", &token, json!({"old_password": DEMO_PASSWORD, "new_password": "short"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["new_password"].is_string(), "{v}");

    let (s, v) = app
        .post_json("/api/v1/me/password", &token, json!({"old_password": DEMO_PASSWORD, "new_password": "newpass2027"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The token used for the change stays valid; the other sessions of the user end.
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::OK);
    assert_eq!(app.get("/api/v1/me", &app.branch).await.0, StatusCode::UNAUTHORIZED);
    let (s, v) = app.login_token("branch", DEMO_PASSWORD).await.unwrap_err();
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert!(app.login_token("branch", "newpass2027").await.is_ok());
    let n = app.scalar("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'password'").await;
    assert_eq!(n, 1);
});
