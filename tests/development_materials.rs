//! Materials of a development case: upload/download round trip (BLOB on SQLite, BYTEA on
//! PostgreSQL), size and type refusals, paper copies, deletion and scoping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use serde_json::Value;

use common::*;

/// A multipart body with text fields and an optional file field `file`.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----jicengmaterials0123456789";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    token: &str,
    case: i64,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> (StatusCode, Value) {
    let (ct, body) = multipart(fields, file);
    let r = app.post_raw(&format!("/api/v1/development/cases/{case}/materials"), token, &ct, body).await;
    (r.status, r.json())
}

/// Opens a case in `org` as `token`.
async fn open_case(app: &TestApp, token: &str, org: i64, name: &str) -> i64 {
    let (s, v) = app
        .post_json(
            "/api/v1/development/cases",
            token,
            serde_json::json!({"name": name, "gender": "female", "birth_date": "2004-03-01", "category": "student",
                "org_id": org, "applied_on": "2024-01-10"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["id"].as_i64().unwrap()
}

/// A case of the `college` account's college and one of another college (opened by the admin).
async fn cases(app: &TestApp) -> (i64, i64) {
    let fx = app.fixtures().await;
    let mine = open_case(app, &app.college, fx.branch, "材料甲").await;
    let foreign = open_case(app, &app.admin, fx.foreign_branch, "材料乙").await;
    (mine, foreign)
}

both!(upload_download_round_trip, |app| async move {
    let (case, _) = cases(&app).await;
    // Bytes that are not valid UTF-8 survive the round trip (BLOB / BYTEA).
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend((0u8..=255).cycle().take(5000));
    let audit_before = app.audit_count().await;
    let (s, v) = upload(
        &app,
        &app.college,
        case,
        &[("step", "application"), ("name", "入党申请书")],
        Some(("入党 申请书.pdf", &pdf)),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["kind"], "file");
    assert_eq!(v["size"], pdf.len() as i64);
    assert_eq!(v["content_type"], "application/pdf");
    assert_eq!(v["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(app.audit_count().await, audit_before + 1, "the upload is audited");
    let mid = v["id"].as_i64().unwrap();

    let r = app.get_raw(&format!("/api/v1/development/materials/{mid}"), &app.college).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.to_vec(), pdf, "the same bytes come back");
    assert_eq!(r.header("content-type").unwrap(), "application/pdf");
    let cd = r.header("content-disposition").unwrap();
    assert!(cd.starts_with("attachment;"), "{cd}");
    assert!(cd.contains("filename*=UTF-8''%E5%85%A5%E5%85%9A%20"), "UTF-8 name, percent-encoded: {cd}");

    // The list shows the material and the application step's 入党申请书 as present.
    let (s, v) = app.get(&format!("/api/v1/development/cases/{case}/materials"), &app.college).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["materials"].as_array().unwrap().iter().any(|m| m["id"] == mid));
    let app_step = v["steps"].as_array().unwrap().iter().find(|s| s["step"] == "application").unwrap();
    assert_eq!(app_step["expected"][0]["item"]["name"], "入党申请书");
    assert_eq!(app_step["expected"][0]["present"], true);

    // Paper copy of the talk record.
    let (s, v) =
        upload(&app, &app.college, case, &[("step", "talk"), ("kind", "paper"), ("name", "谈话记录")], None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["kind"], "paper");
    assert_eq!(v["size"], 0);
    assert!(v["file_name"].is_null());
    let paper = v["id"].as_i64().unwrap();
    // A paper copy has nothing to download.
    assert_eq!(
        app.get_raw(&format!("/api/v1/development/materials/{paper}"), &app.college).await.status,
        StatusCode::NOT_FOUND
    );

    // Delete: audited, then gone.
    let before = app.audit_count().await;
    let r = app
        .request(
            req(Method::DELETE, &format!("/api/v1/development/materials/{mid}"), Some(&app.college))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.audit_count().await, before + 1);
    assert_eq!(
        app.get_raw(&format!("/api/v1/development/materials/{mid}"), &app.college).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(app.verify_chain().await.broken.is_empty(), "audit chain intact");
});

both!(size_and_type_refused, |app| async move {
    let (case, _) = cases(&app).await;
    let n = app.scalar("SELECT COUNT(*) AS n FROM development_material").await;
    // Over 10 MB → 422 on `file`.
    let mut big = b"%PDF".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b'x');
    let (s, v) = upload(&app, &app.college, case, &[("step", "application")], Some(("big.pdf", &big))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["file"].is_string(), "{v}");
    // An executable named .exe, and a .pdf that is not a PDF.
    let (s, v) = upload(&app, &app.college, case, &[("step", "application")], Some(("x.exe", b"MZ\x90\x00"))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = upload(&app, &app.college, case, &[("step", "application")], Some(("x.pdf", b"<html>"))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Unknown step; no file and no paper flag.
    let (s, v) = upload(&app, &app.college, case, &[("step", "nope")], Some(("a.png", b"\x89PNG\r\n"))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["step"].is_string(), "{v}");
    let (s, v) = upload(&app, &app.college, case, &[("step", "application")], None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM development_material").await, n, "nothing written");
    // Read-only roles may not upload.
    let (s, _) = upload(&app, &app.inspector, case, &[("step", "application"), ("kind", "paper")], None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(scope_hides_other_colleges, |app| async move {
    let (_, foreign) = cases(&app).await;
    let (s, v) =
        upload(&app, &app.admin, foreign, &[("step", "application")], Some(("a.png", b"\x89PNG\r\n\x1a\n"))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mid = v["id"].as_i64().unwrap();
    // The college admin of another college sees neither the case's materials nor the file.
    assert_eq!(
        app.get(&format!("/api/v1/development/cases/{foreign}/materials"), &app.college).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_raw(&format!("/api/v1/development/materials/{mid}"), &app.college).await.status,
        StatusCode::NOT_FOUND
    );
    let (s, _) = upload(&app, &app.college, foreign, &[("step", "application"), ("kind", "paper")], None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let r = app
        .request(
            req(Method::DELETE, &format!("/api/v1/development/materials/{mid}"), Some(&app.college))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The admin still downloads it.
    let r = app.get_raw(&format!("/api/v1/development/materials/{mid}"), &app.admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header(header::CONTENT_TYPE.as_str()).unwrap(), "image/png");
});

both!(upload_from_the_case_page, |app| async move {
    let (case, _) = cases(&app).await;
    let (cookie, csrf) = app.web_login("college").await;
    let html = app.page(&format!("/development/{case}"), &cookie).await.text();
    assert!(html.contains("缺 入党申请书"), "the application's material is missing");
    assert!(html.contains("enctype=\"multipart/form-data\""), "an upload form");
    let send = |fields: Vec<(&'static str, String)>, file: Option<(&'static str, Vec<u8>)>| {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (ct, body) = multipart(&f, file.as_ref().map(|(n, b)| (*n, b.as_slice())));
        app.request(
            axum::http::Request::builder()
                .method(Method::POST)
                .uri(format!("/development/{case}/materials"))
                .header(header::COOKIE, format!("jiceng_session={cookie}"))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
    };
    // A refused type re-renders the materials page with the message (422).
    let r = send(vec![("_csrf", csrf.clone()), ("step", "application".into())], Some(("a.exe", b"MZ".to_vec()))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("只能上传"), "{}", r.text());
    // Without the CSRF token nothing is stored.
    let r =
        send(vec![("_csrf", "x".into()), ("step", "application".into())], Some(("a.pdf", b"%PDF-1".to_vec()))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        vec![("_csrf", csrf.clone()), ("step", "application".into()), ("name", "入党申请书".into())],
        Some(("申请书.pdf", b"%PDF-1.7".to_vec())),
    )
    .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let html = app.page(&format!("/development/{case}"), &cookie).await.text();
    assert!(html.contains("✓ 入党申请书"), "now present");
    assert!(html.contains("申请书.pdf"));
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) AS n FROM development_material WHERE case_id = {case}")).await, 1);
});
