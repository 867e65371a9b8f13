//! The HTTP test harness: one fresh database per test (a temporary SQLite file, or a new
//! PostgreSQL database when `JICENG_TEST_PG_URL` is set), migrated and loaded with a small
//! deterministic demo, the whole router driven in-process through `tower::ServiceExt::oneshot`,
//! and a bearer token for every demo account.
//!
//! `both!(name, |app| async move { … })` expands to a module `name` with two tests, `sqlite` and
//! `pg`; the PostgreSQL one skips (and says so) when `JICENG_TEST_PG_URL` is not set.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod dev;

use std::future::Future;
use std::path::PathBuf;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::NaiveDate;
use futures_util::FutureExt;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sqlx::{Connection, Executor, Row};
use tower::ServiceExt;

use jiceng::db::Db;
use jiceng::demo::{self, DEMO_PASSWORD, generate::DemoSpec};
use jiceng::web::{self, AppState};

pub mod development;

/// Name of the env var holding the PostgreSQL server URL used to create test databases.
pub const PG_ENV: &str = "JICENG_TEST_PG_URL";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file in the temp directory.
    Sqlite,
    /// A fresh database on the server of `JICENG_TEST_PG_URL`.
    Pg,
}

/// The fixed reference date of the demo data.
pub fn demo_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// The demo loaded by every test: 600 members, seed 7. Three college-level units instead of the
/// one `custom(600)` picks, so that "another college" exists for the scope tests.
pub fn demo_spec() -> DemoSpec {
    DemoSpec { units: 3, ..DemoSpec::custom(600, 7, demo_date()) }
}

enum Cleanup {
    Sqlite(PathBuf),
    Pg { server_url: String, name: String },
}

/// A running app over its own database, with a bearer token per demo account.
pub struct TestApp {
    /// The router (cloned for every request).
    pub router: Router,
    /// The database behind it (for raw checks).
    pub db: Db,
    /// Which backend.
    pub backend: Backend,
    /// The database URL (for the command line).
    pub url: String,
    /// Token of `admin` (school_admin, whole tree).
    pub admin: String,
    /// Token of `college` (unit_admin of the first college).
    pub college: String,
    /// Token of `inspector` (read-only on the first college).
    pub inspector: String,
    /// Token of `branch` (branch_admin of one branch of the first college).
    pub branch: String,
    /// Token of `member` (a full member of that branch, self only).
    pub member: String,
}

fn random_suffix() -> String {
    format!("{}_{:016x}", std::process::id(), rand::random::<u64>())
}

/// Creates the app on a fresh database; `None` when the backend is not configured.
pub async fn spawn(backend: Backend) -> Option<TestApp> {
    let (app, _cleanup) = spawn_inner(backend).await?;
    Some(app)
}

async fn spawn_inner(backend: Backend) -> Option<(TestApp, Cleanup)> {
    // Internal errors are logged, never shown: print them with the failing test's output.
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("jiceng=warn").try_init();
    let (url, cleanup) = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("jiceng-test-{}.db", random_suffix()));
            (format!("sqlite://{}", path.display()), Cleanup::Sqlite(path))
        }
        Backend::Pg => {
            let server_url = std::env::var(PG_ENV).ok().filter(|s| !s.trim().is_empty())?;
            let name = format!("jiceng_t_{}", random_suffix());
            let mut conn = sqlx::PgConnection::connect(&server_url).await.expect("connect to JICENG_TEST_PG_URL");
            conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("CREATE DATABASE");
            conn.close().await.ok();
            let mut u = url::Url::parse(&server_url).expect("JICENG_TEST_PG_URL is a URL");
            u.set_path(&format!("/{name}"));
            (u.to_string(), Cleanup::Pg { server_url, name })
        }
    };
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    demo::load(&db, &demo_spec(), false).await.expect("demo load");
    let router = web::router(AppState::new(db.clone(), false));
    let mut app = TestApp {
        router,
        db,
        backend,
        url: url.clone(),
        admin: String::new(),
        college: String::new(),
        inspector: String::new(),
        branch: String::new(),
        member: String::new(),
    };
    let logins = futures_util::future::join_all(
        ["admin", "college", "inspector", "branch", "member"].map(|u| app.login_token(u, DEMO_PASSWORD)),
    )
    .await;
    let [admin, college, inspector, branch, member]: [String; 5] =
        logins.into_iter().map(|r| r.expect("demo login")).collect::<Vec<_>>().try_into().expect("five tokens");
    app.admin = admin;
    app.college = college;
    app.inspector = inspector;
    app.branch = branch;
    app.member = member;
    Some((app, cleanup))
}

async fn cleanup(c: Cleanup) {
    match c {
        Cleanup::Sqlite(path) => {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
        Cleanup::Pg { server_url, name } => {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&server_url).await {
                let _ = conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
                let _ = conn.close().await;
            }
        }
    }
}

/// Runs one test body on a fresh app; skips PostgreSQL when it is not configured. The database
/// is removed afterwards, also when the body panics (the panic is then re-raised).
pub async fn run<F, Fut>(backend: Backend, body: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some((app, c)) = spawn_inner(backend).await else {
        eprintln!("{PG_ENV} not set; skipping");
        return;
    };
    let db = app.db.clone();
    let result = std::panic::AssertUnwindSafe(body(app)).catch_unwind().await;
    db.pool.close().await;
    cleanup(c).await;
    if let Err(p) = result {
        std::panic::resume_unwind(p);
    }
}

/// `both!(name, |app| async move { … })`: the same test on SQLite (`name::sqlite`) and
/// PostgreSQL (`name::pg`).
#[macro_export]
macro_rules! both {
    ($name:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($app: $crate::common::TestApp) {
                $body.await
            }

            #[tokio::test]
            async fn sqlite() {
                $crate::common::run($crate::common::Backend::Sqlite, body).await
            }

            #[tokio::test]
            async fn pg() {
                $crate::common::run($crate::common::Backend::Pg, body).await
            }
        }
    };
}

/// A response: status, headers and raw body.
pub struct Resp {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl Resp {
    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
    /// The body as JSON (`Null` when empty, a JSON string of the text when not JSON).
    pub fn json(&self) -> Value {
        to_json(&self.body)
    }
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
}

fn to_json(b: &[u8]) -> Value {
    if b.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(b).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(b).to_string()))
}

/// A builder for a request with an optional bearer token.
pub fn req(method: Method, path: &str, token: Option<&str>) -> axum::http::request::Builder {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b
}

/// Body of a multipart upload with one file field `file`.
pub fn multipart_body(filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = format!("----jicengtest{:016x}", rand::random::<u64>());
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        format!("Content-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n").as_bytes(),
    );
    body.extend_from_slice(b"Content-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    /// Sends a request through the router.
    pub async fn request(&self, r: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(r).await.expect("router is infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        Resp { status, headers, body }
    }

    async fn json_call(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> (StatusCode, Value) {
        let tok = (!token.is_empty()).then_some(token);
        let r = match body {
            Some(b) => req(method, path, tok)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string()))
                .unwrap(),
            None => req(method, path, tok).body(Body::empty()).unwrap(),
        };
        let resp = self.request(r).await;
        (resp.status, resp.json())
    }

    /// GET with a bearer token ("" for none) → status and JSON.
    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.json_call(Method::GET, path, token, None).await
    }

    /// POST a JSON body.
    pub async fn post_json(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.json_call(Method::POST, path, token, Some(body)).await
    }

    /// PUT a JSON body.
    pub async fn put_json(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.json_call(Method::PUT, path, token, Some(body)).await
    }

    /// PATCH a JSON body.
    pub async fn patch_json(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.json_call(Method::PATCH, path, token, Some(body)).await
    }

    /// POST a raw body with a content type.
    pub async fn post_raw(&self, path: &str, token: &str, content_type: &str, body: Vec<u8>) -> Resp {
        let tok = (!token.is_empty()).then_some(token);
        self.request(
            req(Method::POST, path, tok).header(header::CONTENT_TYPE, content_type).body(Body::from(body)).unwrap(),
        )
        .await
    }

    /// POST a multipart upload with one file.
    pub async fn post_multipart(&self, path: &str, token: &str, filename: &str, bytes: &[u8]) -> (StatusCode, Value) {
        let (ct, body) = multipart_body(filename, bytes);
        let r = self.post_raw(path, token, &ct, body).await;
        (r.status, r.json())
    }

    /// GET raw bytes.
    pub async fn get_raw(&self, path: &str, token: &str) -> Resp {
        let tok = (!token.is_empty()).then_some(token);
        self.request(req(Method::GET, path, tok).body(Body::empty()).unwrap()).await
    }

    /// Logs in through the API and returns the token.
    pub async fn login_token(&self, username: &str, password: &str) -> Result<String, (StatusCode, Value)> {
        let (s, v) =
            self.post_json("/api/v1/auth/login", "", json!({"username": username, "password": password})).await;
        match v["token"].as_str() {
            Some(t) if s == StatusCode::OK => Ok(t.to_string()),
            _ => Err((s, v)),
        }
    }

    /// API login as seen from a client address (the listener's connect info).
    pub async fn login_from(&self, addr: std::net::IpAddr, username: &str, password: &str) -> (StatusCode, Value) {
        let mut r = req(Method::POST, "/api/v1/auth/login", None)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({"username": username, "password": password}).to_string()))
            .unwrap();
        r.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(addr, 40000)));
        let resp = self.request(r).await;
        (resp.status, resp.json())
    }

    /// `/api/v1/me` of a token.
    pub async fn me(&self, token: &str) -> Value {
        let (s, v) = self.get("/api/v1/me", token).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    /// The org id a token is anchored at.
    pub async fn org_of(&self, token: &str) -> i64 {
        self.me(token).await["org_id"].as_i64().unwrap()
    }

    /// The admin's whole tree.
    pub async fn tree(&self, token: &str) -> Vec<Value> {
        let (s, v) = self.get("/api/v1/orgs", token).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v.as_array().unwrap().clone()
    }

    /// Ids of the nodes of the admin's tree matching a predicate.
    pub async fn find_orgs(&self, pred: impl Fn(&Value) -> bool) -> Vec<i64> {
        self.tree(&self.admin).await.iter().filter(|n| pred(n)).map(|n| n["id"].as_i64().unwrap()).collect()
    }

    /// Path of an org (`/1/5/`), read directly.
    pub async fn org_path(&self, id: i64) -> String {
        let (s, v) = self.get(&format!("/api/v1/orgs/{id}"), &self.admin).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["org"]["path"].as_str().unwrap().to_string()
    }

    /// Ids of every member in an org's subtree (admin view).
    pub async fn member_ids(&self, token: &str, query: &str) -> (i64, Vec<i64>) {
        let (s, v) = self.get(&format!("/api/v1/members?per_page=200&{query}"), token).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let ids = v["items"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect();
        (v["total"].as_i64().unwrap(), ids)
    }

    /// Total members the admin sees.
    pub async fn member_total(&self) -> i64 {
        self.member_ids(&self.admin, "").await.0
    }

    /// One number from a SQL query with a column `n`.
    pub async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query(sql).fetch_one(&self.db.pool).await.expect(sql).try_get::<i64, _>("n").expect("column n")
    }

    /// `n` current members of an org's subtree who were full members on `on` (the founding
    /// members of a new branch under it, R3.1), read directly.
    pub async fn full_members_of(&self, org_id: i64, on: &str, n: usize) -> Vec<i64> {
        let path = self.org_path(org_id).await;
        let rows = sqlx::query(
            "SELECT m.id FROM member m WHERE m.org_path >= $1 AND m.org_path < $2 AND m.left_on IS NULL
             AND m.full_on IS NOT NULL AND m.full_on <= $3 ORDER BY m.id",
        )
        .bind(&path)
        .bind(jiceng::repo::prefix_upper(&path))
        .bind(on)
        .fetch_all(&self.db.pool)
        .await
        .unwrap();
        let ids: Vec<i64> = rows.iter().take(n).map(|r| r.try_get::<i64, _>("id").unwrap()).collect();
        assert_eq!(ids.len(), n, "{n} full members under org {org_id} on {on}");
        ids
    }

    /// Number of audit events.
    pub async fn audit_count(&self) -> i64 {
        self.scalar("SELECT COUNT(*) AS n FROM audit_event").await
    }

    /// The verify result of the audit chain.
    pub async fn verify_chain(&self) -> jiceng::repo::audit::ChainReport {
        let mut conn = self.db.pool.acquire().await.unwrap();
        jiceng::repo::audit::verify_chain(&mut conn).await.unwrap()
    }

    /// A branch in the first college (not the `branch` account's), a branch in another unit, and
    /// that other unit: the foreign ids of the scope tests, all read from the admin's tree.
    pub async fn fixtures(&self) -> Fixtures {
        let college = self.org_of(&self.college).await;
        let branch = self.org_of(&self.branch).await;
        let member_me = self.me(&self.member).await["member_id"].as_i64().unwrap();
        let college_path = self.org_path(college).await;
        let tree = self.tree(&self.admin).await;
        let root = tree[0]["id"].as_i64().unwrap();
        let other_unit = tree
            .iter()
            .find(|n| n["level"] == 1 && n["id"].as_i64() != Some(college))
            .and_then(|n| n["id"].as_i64())
            .expect("a second college-level unit");
        let other_path = self.org_path(other_unit).await;
        let branches: Vec<i64> =
            tree.iter().filter(|n| n["kind"] == "branch").map(|n| n["id"].as_i64().unwrap()).collect();
        let mut sibling = None;
        let mut foreign = None;
        for id in branches {
            let (_, v) = self.get(&format!("/api/v1/orgs/{id}"), &self.admin).await;
            let path = v["org"]["path"].as_str().unwrap();
            let members = v["counts"]["full"].as_i64().unwrap() + v["counts"]["probationary"].as_i64().unwrap();
            if members == 0 {
                continue;
            }
            if path.starts_with(&college_path) && id != branch && sibling.is_none() {
                sibling = Some(id);
            }
            if path.starts_with(&other_path) && foreign.is_none() {
                foreign = Some(id);
            }
            if sibling.is_some() && foreign.is_some() {
                break;
            }
        }
        let sibling_branch = sibling.expect("another branch in the first college");
        let foreign_branch = foreign.expect("a branch in another unit");
        let sibling_member = self.member_ids(&self.admin, &format!("org={sibling_branch}")).await.1[0];
        let foreign_member = self.member_ids(&self.admin, &format!("org={foreign_branch}")).await.1[0];
        let branch_members = self.member_ids(&self.admin, &format!("org={branch}")).await.1;
        let other_in_branch = *branch_members.iter().find(|m| **m != member_me).expect("a second member in the branch");
        Fixtures {
            root,
            college,
            branch,
            member_me,
            other_unit,
            sibling_branch,
            foreign_branch,
            sibling_member,
            foreign_member,
            other_in_branch,
        }
    }

    /// Opens the login page: the `Cookie` header value of its CSRF cookie and the form's token.
    pub async fn login_form_token(&self) -> (String, String) {
        let r = self.get_raw("/login", "").await;
        assert_eq!(r.status, StatusCode::OK);
        let set = r.header("set-cookie").expect("a login CSRF cookie");
        let cookie = set.split(';').next().unwrap().to_string();
        assert!(cookie.starts_with("jiceng_login_csrf="), "{cookie}");
        (cookie, csrf_of(&r.text()).expect("a CSRF token in the login form"))
    }

    /// POSTs the login form with the login page's CSRF cookie and token (`fields` without `_csrf`).
    pub async fn post_login(&self, fields: &[(&str, &str)]) -> Resp {
        let (cookie, token) = self.login_form_token().await;
        let mut all = fields.to_vec();
        all.push(("_csrf", &token));
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&all).finish();
        self.request(
            Request::builder()
                .method(Method::POST)
                .uri("/login")
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Logs in through the HTML form; returns the session cookie value and the page's CSRF token.
    pub async fn web_login(&self, username: &str) -> (String, String) {
        let r = self.post_login(&[("username", username), ("password", DEMO_PASSWORD), ("next", "/")]).await;
        assert!(r.status.is_redirection(), "login redirects: {} {}", r.status, r.text());
        let set = r.header("set-cookie").expect("a session cookie");
        let cookie =
            set.split(';').next().unwrap().strip_prefix("jiceng_session=").expect("jiceng_session").to_string();
        let page = self.page("/", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = csrf_of(&page.text()).expect("a CSRF token in the page");
        (cookie, csrf)
    }

    /// GET a page with the session cookie.
    pub async fn page(&self, path: &str, cookie: &str) -> Resp {
        self.request(
            Request::builder()
                .uri(path)
                .header(header::COOKIE, format!("jiceng_session={cookie}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// POST a urlencoded form with the session cookie.
    pub async fn post_form(&self, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Resp {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        self.request(
            Request::builder()
                .method(Method::POST)
                .uri(path)
                .header(header::COOKIE, format!("jiceng_session={cookie}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }
}

/// The `_csrf` hidden field of a page.
pub fn csrf_of(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    let rest = &html[i..];
    Some(rest[..rest.find('"')?].to_string())
}

/// Ids taken from the admin's view for the scope tests.
#[derive(Debug, Clone, Copy)]
pub struct Fixtures {
    /// The 校党委.
    pub root: i64,
    /// The `college` and `inspector` accounts' unit.
    pub college: i64,
    /// The `branch` account's branch (also the `member` account's).
    pub branch: i64,
    /// The `member` account's member id.
    pub member_me: i64,
    /// Another college-level unit.
    pub other_unit: i64,
    /// A non-empty branch of the first college other than `branch`.
    pub sibling_branch: i64,
    /// A non-empty branch of the other unit.
    pub foreign_branch: i64,
    /// A member of `sibling_branch`.
    pub sibling_member: i64,
    /// A member of `foreign_branch`.
    pub foreign_member: i64,
    /// A member of `branch` other than the `member` account.
    pub other_in_branch: i64,
}

/// A valid 18-digit 身份证号 for a birth date and gender, unique per `seq` (0..=99) and region.
pub fn id_card(region: &str, birth: NaiveDate, male: bool, seq: u32) -> String {
    let seq = seq % 100;
    let gender_digit = if male { 1 } else { 2 };
    let first17 = format!("{region}{}{seq:02}{gender_digit}", birth.format("%Y%m%d"));
    let check = jiceng::domain::idcard::check_digit(&first17).unwrap();
    format!("{first17}{check}")
}

/// The same number with a wrong check digit.
pub fn wrong_check(id: &str) -> String {
    let (first17, check) = id.split_at(17);
    let bad = if check == "0" { '1' } else { '0' };
    format!("{first17}{bad}")
}

/// A new member's JSON (a full member of a teacher branch), with a fresh valid 身份证号.
pub fn member_json(org_id: i64, name: &str, seq: u32) -> Value {
    let birth = NaiveDate::from_ymd_opt(1985, 3, 14).unwrap();
    json!({
        "name": name,
        "id_card_no": id_card("110108", birth, true, seq),
        "category": "teacher",
        "org_id": org_id,
        "status": "full",
        "joined_on": "2010-07-01",
        "full_on": "2011-07-01",
        "phone": "13800138000",
    })
}

/// Today as the app sees it (Asia/Shanghai).
pub fn today() -> NaiveDate {
    jiceng::util::today()
}

/// A date as `YYYY-MM-DD`.
pub fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Asserts a status, printing the body when it differs.
#[macro_export]
macro_rules! assert_status {
    ($resp:expr, $status:expr) => {{
        let (s, v) = &$resp;
        assert_eq!(*s, $status, "unexpected status; body: {v}");
    }};
}

/// The cells of the first sheet of an xlsx file, as text.
pub fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx file");
    let range = book.worksheet_range_at(0).expect("a sheet").expect("a readable sheet");
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

impl TestApp {
    /// Opens a development case for a new person in `org` with the application on `applied_on`.
    pub async fn open_case_on(&self, token: &str, org: i64, name: &str, applied_on: NaiveDate) -> i64 {
        let body = serde_json::json!({"name": name, "gender": "female", "birth_date": "2003-05-01",
            "category": "student", "org_id": org, "applied_on": ymd(applied_on)});
        let (s, v) = self.post_json("/api/v1/development/cases", token, body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["id"].as_i64().unwrap()
    }

    /// What a case write leaves behind: its steps, its overrides, its revision and the audit rows.
    pub async fn case_trace(&self, case: i64) -> (i64, i64, i64, i64) {
        (
            self.scalar(&format!("SELECT COUNT(*) AS n FROM development_step WHERE case_id = {case}")).await,
            self.scalar(&format!("SELECT COUNT(*) AS n FROM development_override WHERE case_id = {case}")).await,
            self.scalar(&format!("SELECT revision AS n FROM development_case WHERE id = {case}")).await,
            self.audit_count().await,
        )
    }
}
