//! Privacy and robustness (issue 8 part 9): the text guard (NUL bytes, length limits) on every
//! input channel, page numbers, masked audit values and searches, scoped user links, login
//! answers and limits, the login form's CSRF token, Cache-Control, empty imports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use common::*;
use jiceng::demo::DEMO_PASSWORD;

/// The field messages of an API error.
fn fields(v: &Value) -> Vec<String> {
    v["error"]["fields"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

both!(nul_bytes_are_refused_naming_the_field, |app| async move {
    let fx = app.fixtures().await;
    // In the query string of a search.
    let (s, v) = app.get("/api/v1/members?q=%00", &app.admin).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "invalid_text");
    assert_eq!(fields(&v), vec!["q"]);
    // In a name of a JSON body (nothing is written).
    let before = app.member_total().await;
    let mut body = member_json(fx.branch, "张\u{0}三", 1);
    let (s, v) = app.post_json("/api/v1/members", &app.college, body.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "invalid_text");
    assert_eq!(fields(&v), vec!["name"]);
    assert_eq!(app.member_total().await, before);
    // Nested values name their path.
    body["name"] = json!("张三");
    let (s, v) = app
        .post_json(
            &format!("/api/v1/members/{}/transfer", fx.other_in_branch),
            &app.college,
            json!({"to_org_id": fx.sibling_branch, "on": "2026-01-05", "reason": "工作调动\u{0}"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(fields(&v), vec!["reason"]);
    // In a login, through the API and through the form.
    let (s, v) = app.post_json("/api/v1/auth/login", "", json!({"username": "ad\u{0}min", "password": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(fields(&v), vec!["username"]);
    let r = app.post_login(&[("username", "ad\0min"), ("password", "x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("username"), "the page names the field");
    // In a form field of a page.
    let (cookie, csrf) = app.web_login("college").await;
    let r = app.post_form("/members", &cookie, &[("_csrf", &csrf), ("name", "李\0四")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.member_total().await, before);
});

both!(over_long_text_is_refused_with_its_limit, |app| async move {
    let fx = app.fixtures().await;
    let limit = jiceng::domain::text::max_chars("name");
    let (s, v) =
        app.post_json("/api/v1/members", &app.college, member_json(fx.branch, &"文".repeat(limit + 1), 2)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "text_too_long");
    assert_eq!(fields(&v), vec!["name"]);
    assert!(v["error"]["fields"]["name"].as_str().unwrap().contains(&limit.to_string()), "{v}");
    // A free-text field without an entry of its own has the default limit.
    let (s, v) = app
        .get(&format!("/api/v1/members?sort={}", "x".repeat(jiceng::domain::text::DEFAULT_MAX_CHARS + 1)), &app.admin)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(fields(&v), vec!["sort"]);
    // The forms carry the same limit, so a browser never sends more.
    let (cookie, _) = app.web_login("college").await;
    let html = app.page("/members/new", &cookie).await.text();
    let tag = html.split("<input").find(|t| t.contains("name=\"name\"")).unwrap();
    assert!(tag.contains(&format!("maxlength=\"{limit}\"")), "{tag}");
    // Exactly at the limit the guard lets it through (the service then decides).
    let (s, v) = app.get(&format!("/api/v1/members?q={}", "文".repeat(100)), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
});

both!(huge_page_numbers_answer_an_empty_page, |app| async move {
    for page in [i64::MAX, i64::MAX / 50 + 1, 1_000_001] {
        let (s, v) = app.get(&format!("/api/v1/members?page={page}&per_page=200"), &app.admin).await;
        assert_eq!(s, StatusCode::OK, "page {page}: {v}");
        assert_eq!(v["items"].as_array().unwrap().len(), 0);
        assert!(v["total"].as_i64().unwrap() > 0, "the total is still counted");
        let (s, v) = app.get(&format!("/api/v1/audit?page={page}"), &app.admin).await;
        assert_eq!(s, StatusCode::OK, "audit page {page}: {v}");
        assert_eq!(v["items"].as_array().unwrap().len(), 0);
    }
    // Negative pages are the first page.
    let (s, v) = app.get("/api/v1/members?page=-5", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["page"], 1);
    // Beyond i64 the number itself is malformed: 400 naming it.
    let (s, v) = app.get("/api/v1/members?page=99999999999999999999", &app.admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("page"), "{v}");
    // The pages too.
    let (cookie, _) = app.web_login("admin").await;
    for path in [format!("/members?page={}", i64::MAX), format!("/audit?page={}", i64::MAX)] {
        let r = app.page(&path, &cookie).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
    }
    // Ages at the ends of the range do not overflow.
    let (s, v) = app.get(&format!("/api/v1/members?age_min={}&age_max={}", i32::MIN, i32::MAX), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
});

both!(masking_roles_read_masked_audit_values, |app| async move {
    let fx = app.fixtures().await;
    let body = member_json(fx.branch, "审计脱敏", 7);
    let card = body["id_card_no"].as_str().unwrap().to_string();
    let phone = body["phone"].as_str().unwrap().to_string();
    let (s, v) = app.post_json("/api/v1/members", &app.college, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let path = format!("/api/v1/audit?entity=member&entity_id={id}");
    // The administrators see the recorded values as they are.
    let (s, v) = app.get(&path, &app.college).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let raw = v["items"].to_string();
    assert!(raw.contains(&card) && raw.contains(&phone), "{raw}");
    // The inspector (API and page) sees them masked, like everywhere else.
    let (s, v) = app.get(&path, &app.inspector).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
    let masked = v["items"].to_string();
    assert!(!masked.contains(&card) && !masked.contains(&phone), "{masked}");
    assert!(masked.contains(&jiceng::domain::idcard::mask(&card)), "{masked}");
    assert!(masked.contains(&jiceng::domain::idcard::mask_phone(&phone)), "{masked}");
    let (cookie, _) = app.web_login("inspector").await;
    let r = app.page(&format!("/audit?entity=member&entity_id={id}"), &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("审计脱敏"), "the event is listed");
    assert!(!html.contains(&card) && !html.contains(&phone), "no full number in the page");
});

both!(masking_roles_search_by_the_visible_tail_only, |app| async move {
    let fx = app.fixtures().await;
    let body = member_json(fx.branch, "尾号检索", 9);
    let card = body["id_card_no"].as_str().unwrap().to_string();
    let (s, v) = app.post_json("/api/v1/members", &app.college, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let tail = &card[14..];
    // An administrator finds the member by the full number and by the tail.
    assert_eq!(app.member_ids(&app.college, &format!("q={card}")).await.1, vec![id]);
    assert!(app.member_ids(&app.college, &format!("q={tail}")).await.1.contains(&id));
    // The inspector finds by the visible tail, never by more of the number.
    assert!(app.member_ids(&app.inspector, &format!("q={tail}")).await.1.contains(&id));
    for q in [card.clone(), card[10..].to_string(), card[13..].to_string()] {
        let (n, ids) = app.member_ids(&app.inspector, &format!("q={q}")).await;
        assert!(!ids.contains(&id), "q={q} must not find the member ({n})");
    }
});

both!(user_links_stay_in_the_creators_scope, |app| async move {
    let fx = app.fixtures().await;
    for role in ["inspector", "branch_admin", "member"] {
        let org = if role == "branch_admin" { fx.branch } else { fx.college };
        let (s, v) = app
            .post_json(
                "/api/v1/users",
                &app.college,
                json!({"username": format!("link_{role}"), "role": role, "org_id": org,
                       "member_id": fx.foreign_member, "password": "Secret2026x"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{role}: {v}");
        assert_eq!(fields(&v), vec!["member_id"], "{role}");
    }
    // Inside the scope the link is made.
    let (s, v) = app
        .post_json(
            "/api/v1/users",
            &app.college,
            json!({"username": "link_ok", "role": "inspector", "org_id": fx.college,
                   "member_id": fx.sibling_member, "password": "Secret2026x"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["member_id"], fx.sibling_member);
});

both!(login_refusals_are_indistinguishable, |app| async move {
    let login = |u: &'static str, p: &'static str| {
        let app = &app;
        async move { app.post_json("/api/v1/auth/login", "", json!({"username": u, "password": p})).await }
    };
    let unknown = login("nobody_here", DEMO_PASSWORD).await;
    assert_eq!(unknown.0, StatusCode::UNAUTHORIZED, "{}", unknown.1);
    let wrong = login("branch", "wrong-pass1").await;
    assert_eq!(wrong, unknown);
    // Disabled: the right password answers like an unknown name.
    let inspector_id = app.me(&app.inspector).await["id"].as_i64().unwrap();
    let (s, v) =
        app.post_json(&format!("/api/v1/users/{inspector_id}/active"), &app.admin, json!({"active": false})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(login("inspector", DEMO_PASSWORD).await, unknown);
    // Locked: likewise.
    for _ in 0..jiceng::service::users::MAX_FAILED_LOGINS {
        assert_eq!(login("college", "wrong-pass1").await, unknown);
    }
    assert_eq!(login("college", DEMO_PASSWORD).await, unknown);
    // The form answers the same for all of them.
    let mut pages = Vec::new();
    for u in ["nobody_here", "inspector", "college"] {
        let r = app.post_login(&[("username", u), ("password", DEMO_PASSWORD)]).await;
        pages.push((r.status, r.text().contains("用户名或密码错误")));
    }
    assert_eq!(pages, vec![(StatusCode::UNAUTHORIZED, true); 3]);
});

both!(failed_logins_are_limited_per_address, |app| async move {
    let attacker: std::net::IpAddr = "10.1.2.3".parse().unwrap();
    let neighbour: std::net::IpAddr = "10.1.2.4".parse().unwrap();
    let per = jiceng::service::users::MAX_FAILED_LOGINS_PER_ADDRESS;
    // Spread over many names, so no account locks: only the address is counted.
    for i in 0..per {
        let (s, v) = app.login_from(attacker, &format!("guess{i}"), "wrong-pass1").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "attempt {i}: {v}");
    }
    let (s, v) = app.login_from(attacker, "branch", DEMO_PASSWORD).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["error"]["code"], "too_many_requests");
    // Another address and the account itself are unaffected.
    let (s, v) = app.login_from(neighbour, "branch", DEMO_PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{v}");
});

both!(login_form_carries_a_csrf_token, |app| async move {
    let (cookie, token) = app.login_form_token().await;
    assert!(token.len() >= 32);
    let page = app.get_raw("/login", "").await;
    assert!(page.header("set-cookie").unwrap().contains("SameSite=Strict"));
    let post = |cookie: Option<String>, token: Option<String>| {
        let app = &app;
        async move {
            let mut fields = vec![("username", "college".to_string()), ("password", DEMO_PASSWORD.to_string())];
            if let Some(t) = token {
                fields.push(("_csrf", t));
            }
            let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
            let mut b = Request::builder()
                .method(Method::POST)
                .uri("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            if let Some(c) = cookie {
                b = b.header(header::COOKIE, c);
            }
            app.request(b.body(Body::from(body)).unwrap()).await
        }
    };
    // No token, no cookie, or a token that is not the cookie's: refused, the form shown again.
    for (c, t) in
        [(Some(cookie.clone()), None), (None, Some(token.clone())), (Some(cookie.clone()), Some("x".repeat(43)))]
    {
        let r = post(c, t).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.text().contains("value=\"college\""), "the typed name is kept");
        assert!(r.header("set-cookie").is_none_or(|c| !c.starts_with("jiceng_session=")));
    }
    let r = post(Some(cookie), Some(token)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("set-cookie").unwrap().starts_with("jiceng_session="));
});

both!(personal_data_is_not_cached, |app| async move {
    let fx = app.fixtures().await;
    let no_store =
        |r: &Resp| r.header("cache-control").is_some_and(|v| v.contains("no-store") && v.contains("private"));
    let detail = app.get_raw(&format!("/api/v1/members/{}", fx.sibling_member), &app.college).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(no_store(&detail));
    let export = app.get_raw("/api/v1/members/export.xlsx", &app.college).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(no_store(&export));
    let (cookie, _) = app.web_login("college").await;
    for path in [format!("/members/{}", fx.sibling_member), "/members/export.xlsx".to_string()] {
        let r = app.page(&path, &cookie).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(no_store(&r), "{path}");
    }
    // Static assets stay cacheable.
    let css = app.get_raw("/static/app.css", "").await;
    assert!(css.header("cache-control").unwrap().starts_with("public"));
});

both!(an_empty_import_says_so, |app| async move {
    for (template, upload) in [
        ("/api/v1/members/import/template.xlsx", "/api/v1/members/import"),
        ("/api/v1/development/import/template.xlsx", "/api/v1/development/import"),
    ] {
        let t = app.get_raw(template, &app.college).await;
        assert_eq!(t.status, StatusCode::OK, "{template}");
        let (s, v) = app.post_multipart(upload, &app.college, "empty.xlsx", &t.body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{upload}: {v}");
        assert_eq!(v["error"]["fields"]["file"], "文件中没有数据行", "{upload}");
    }
    // Cells follow the same text policy, naming row and column (a NUL makes a CSV unreadable).
    let header = "姓名,身份证号,人员类别,党员类别,入党日期,所在党支部\n";
    let long = "文".repeat(jiceng::domain::text::max_chars("name") + 1);
    let csv = format!("{header}{long},110108198503140011,教师,正式党员,2010-07-01,x\n");
    let (s, v) = app.post_multipart("/api/v1/members/import", &app.college, "long.csv", csv.as_bytes()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let msg = v["error"]["fields"]["file"].as_str().unwrap();
    assert!(msg.contains("第2行") && msg.contains("姓名") && msg.contains("100"), "{msg}");
    let csv = format!("{header}张\u{0}三,110108198503140011,教师,正式党员,2010-07-01,x\n");
    let (s, v) = app.post_multipart("/api/v1/members/import", &app.college, "nul.csv", csv.as_bytes()).await;
    assert!(s == StatusCode::BAD_REQUEST || s == StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(fields(&v), vec!["file"]);
});
