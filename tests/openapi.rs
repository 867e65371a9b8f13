//! The OpenAPI document (snapshot), health, fallbacks and security headers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;

both!(openapi_document, |app| async move {
    let (s, doc) = app.get("/api/v1/openapi.json", "").await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().unwrap();
    for p in ["/api/v1/auth/login", "/api/v1/orgs", "/api/v1/orgs/{id}", "/api/v1/members", "/api/v1/members/{id}"] {
        assert!(paths.contains_key(p), "{p} documented");
    }
    assert!(paths["/api/v1/auth/login"]["post"].is_object());
    assert!(paths["/api/v1/members"]["get"]["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "q"));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    insta::assert_json_snapshot!("openapi", doc);
    // Swagger UI is served from the binary.
    let r = app.get_raw("/api/docs/", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().to_lowercase().contains("swagger"));
});

both!(health_and_fallbacks, |app| async move {
    let r = app.get_raw("/healthz", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text(), "ok");
    // Unknown API route: JSON error, with or without a token.
    for tok in ["", app.admin.as_str()] {
        let r = app.get_raw("/api/v1/x", tok).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.header("content-type").unwrap().starts_with("application/json"));
        assert_eq!(r.json()["error"]["code"], "not_found");
        assert!(r.json()["error"]["message"].is_string());
    }
    // Unknown page: the HTML 404 page.
    let r = app.get_raw("/no/such/page", "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("<html") || r.text().contains("<!DOCTYPE") || r.text().contains("<!doctype"));
    // Security headers on every response.
    for path in ["/login", "/api/v1/openapi.json", "/no/such/page"] {
        let r = app.get_raw(path, "").await;
        assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
        assert_eq!(r.header("x-frame-options").as_deref(), Some("DENY"), "{path}");
        assert!(r.header("content-security-policy").unwrap().contains("default-src 'self'"), "{path}");
    }
    // Static assets are served.
    let r = app.get_raw("/static/app.css", "").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.get_raw("/static/../Cargo.toml", "").await;
    assert_ne!(r.status, StatusCode::OK);
});
