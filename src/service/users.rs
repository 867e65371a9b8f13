//! Accounts: login with throttling, sessions and API tokens, user management, passwords.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::domain::{OrgKind, Role};
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::users::{self as repo, UserRow};
use crate::util::{random_token, sha256_hex};

/// Failed attempts before an account is locked for [`LOCK_MINUTES`].
pub const MAX_FAILED_LOGINS: i64 = 5;
/// Lock duration after too many failures.
pub const LOCK_MINUTES: i64 = 15;
/// Web session lifetime.
pub const SESSION_HOURS: i64 = 12;
/// API token lifetime.
pub const TOKEN_DAYS: i64 = 30;

/// Hashes a password with argon2id off the async runtime.
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|e| AppError::internal(anyhow::anyhow!("argon2: {e}")))
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// Password policy: at least 8 characters with letters and digits.
pub fn check_password_policy(p: &str) -> AppResult<()> {
    if p.chars().count() < 8 || !p.chars().any(|c| c.is_ascii_digit()) || !p.chars().any(|c| c.is_alphabetic()) {
        return Err(AppError::invalid_field("password", "密码至少8位，且须同时包含字母和数字"));
    }
    Ok(())
}

/// A new session's secrets (the raw token is never stored).
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Raw token for the cookie or the Authorization header.
    pub token: String,
    /// CSRF token for forms.
    pub csrf: String,
    /// The user.
    pub user: UserRow,
}

/// Failed logins from one client address within [`ADDRESS_WINDOW_MINUTES`] before that address
/// is refused for the rest of the window (whatever the accounts tried).
pub const MAX_FAILED_LOGINS_PER_ADDRESS: usize = 20;
/// The window of the per-address limit.
pub const ADDRESS_WINDOW_MINUTES: u64 = 15;

type AddressFailures = std::collections::HashMap<(u64, std::net::IpAddr), Vec<std::time::Instant>>;

fn address_failures() -> &'static std::sync::Mutex<AddressFailures> {
    static MAP: std::sync::OnceLock<std::sync::Mutex<AddressFailures>> = std::sync::OnceLock::new();
    MAP.get_or_init(Default::default)
}

/// Recent failures of an address (pruned to the window); `record` adds one now.
fn address_failure_count(db: &Db, client: std::net::IpAddr, record: bool) -> usize {
    let window = std::time::Duration::from_secs(ADDRESS_WINDOW_MINUTES * 60);
    let Ok(mut map) = address_failures().lock() else { return 0 };
    if map.len() > 100_000 {
        map.retain(|_, v| v.last().is_some_and(|t| t.elapsed() < window));
    }
    let entry = map.entry((db.instance, client)).or_default();
    entry.retain(|t| t.elapsed() < window);
    if record {
        entry.push(std::time::Instant::now());
    }
    entry.len()
}

/// The one answer to a refused login: the same status, code and message whether the name is
/// unknown, the password wrong, the account locked or disabled (nothing to probe).
fn refused_login() -> AppError {
    AppError::invalid_field("password", "用户名或密码错误（连续失败多次的账号会被暂时锁定，停用的账号不能登录）")
        .with_code("invalid_credentials", 401)
}

/// Checks a username and password; on success opens a session of `kind` ("web" or "api").
/// `client` is the caller's address when known: too many failures from it are refused (429).
pub async fn login(
    db: &Db,
    username: &str,
    password: &str,
    kind: &str,
    client: Option<std::net::IpAddr>,
) -> AppResult<NewSession> {
    if let Some(ip) = client
        && address_failure_count(db, ip, false) >= MAX_FAILED_LOGINS_PER_ADDRESS
    {
        return Err(AppError::too_many(format!("此地址登录失败次数过多，请 {ADDRESS_WINDOW_MINUTES} 分钟后再试")));
    }
    let refused = || {
        if let Some(ip) = client {
            address_failure_count(db, ip, true);
        }
        refused_login()
    };
    let mut conn = db.pool.acquire().await?;
    let found = repo::by_username(&mut conn, username.trim()).await?;
    drop(conn);
    // Every refusal spends one full password check, against a dummy hash for unknown names, so
    // unknown, locked, disabled and wrong-password answers take the same time.
    let Some(u) = found else {
        let _ = verify_password(password.to_string(), dummy_hash().await).await;
        return Err(refused());
    };
    let now = Utc::now();
    let locked = u
        .locked_until
        .as_deref()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .is_some_and(|until| until > now);
    let password_ok = verify_password(password.to_string(), u.password_hash.clone()).await;
    if locked || !u.user.active {
        return Err(refused());
    }
    if !password_ok {
        let failed = u.failed_logins + 1;
        let lock = if failed >= MAX_FAILED_LOGINS {
            Some((now + Duration::minutes(LOCK_MINUTES)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        } else {
            None
        };
        let mut w = db.begin_write().await?;
        repo::record_failure(&mut w.tx, u.user.id, if lock.is_some() { 0 } else { failed }, lock.as_deref()).await?;
        let system = Scope::system(&u.user.display_name);
        audit::append(
            &mut w.tx,
            &system,
            AuditEntry {
                action: "login_failed",
                entity: "user",
                entity_id: Some(u.user.id),
                org_path: u.org_path.as_deref(),
                summary: format!(
                    "用户 {} 登录失败（第{}次）{}",
                    u.user.username,
                    failed,
                    if lock.is_some() { "，账号已锁定" } else { "" }
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        w.commit().await?;
        return Err(refused());
    }
    let token = random_token();
    let csrf = random_token();
    let hours = if kind == "api" { TOKEN_DAYS * 24 } else { SESSION_HOURS };
    let expires = (now + Duration::hours(hours)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut w = db.begin_write().await?;
    repo::clear_failures(&mut w.tx, u.user.id).await?;
    repo::insert_session(&mut w.tx, &sha256_hex(&token), u.user.id, kind, &csrf, &expires).await?;
    let actor = Scope::system(&u.user.display_name);
    audit::append(
        &mut w.tx,
        &Scope { user_id: u.user.id, ..actor },
        AuditEntry {
            action: "login",
            entity: "user",
            entity_id: Some(u.user.id),
            org_path: u.org_path.as_deref(),
            summary: format!("用户 {} 登录（{}）", u.user.username, if kind == "api" { "API令牌" } else { "网页" }),
            before: None,
            after: None,
        },
    )
    .await?;
    w.commit().await?;
    Ok(NewSession { token, csrf, user: u.user })
}

/// A real argon2id hash (of a random password, with this build's parameters) that unknown names
/// are checked against, so their refusal costs exactly what a real check costs.
async fn dummy_hash() -> String {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async { hash_password(random_token()).await.unwrap_or_default() }).await.clone()
}

/// Ends a session.
pub async fn logout(db: &Db, token: &str) -> AppResult<()> {
    let mut w = db.begin_write().await?;
    repo::delete_session(&mut w.tx, &sha256_hex(token)).await?;
    w.commit().await?;
    Ok(())
}

type ScopeCache = std::collections::HashMap<(u64, String), (u64, std::time::Instant, Scope)>;

fn scope_cache() -> &'static std::sync::Mutex<ScopeCache> {
    static CACHE: std::sync::OnceLock<std::sync::Mutex<ScopeCache>> = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Builds the scope of the session behind a raw token. Resolved scopes are kept for a few seconds
/// and dropped by any committed write of this process (logout, password change, role change…).
pub async fn scope_for_token(db: &Db, token: &str) -> AppResult<Option<Scope>> {
    let hash = sha256_hex(token);
    let key = (db.instance, hash.clone());
    let generation = db.generation.load(std::sync::atomic::Ordering::SeqCst);
    if let Ok(map) = scope_cache().lock()
        && let Some((g, at, scope)) = map.get(&key)
        && *g == generation
        && at.elapsed() < std::time::Duration::from_secs(10)
    {
        return Ok(Some(scope.clone()));
    }
    let scope = load_scope(db, &hash).await?;
    if let (Some(s), Ok(mut map)) = (&scope, scope_cache().lock()) {
        if map.len() > 10_000 {
            map.clear();
        }
        map.insert(key, (generation, std::time::Instant::now(), s.clone()));
    }
    Ok(scope)
}

async fn load_scope(db: &Db, token_hash: &str) -> AppResult<Option<Scope>> {
    let mut conn = db.pool.acquire().await?;
    let Some((user_id, kind, csrf)) = repo::session(&mut conn, token_hash).await? else {
        return Ok(None);
    };
    let Some(u) = repo::by_id(&mut conn, user_id).await? else { return Ok(None) };
    if !u.user.active {
        return Ok(None);
    }
    let (org_id, root_path) = match (u.user.org_id, u.org_path) {
        (Some(id), Some(p)) => (id, p),
        _ => match crate::repo::orgs::root(&mut conn).await? {
            Some(r) if u.user.role == Role::SchoolAdmin => (r.id, r.path),
            // A non-admin without an anchor sees nothing.
            _ => (-1, "/-/".to_string()),
        },
    };
    Ok(Some(Scope {
        user_id,
        username: u.user.username,
        display_name: u.user.display_name,
        role: u.user.role,
        org_id,
        root_path,
        member_id: u.user.member_id,
        csrf: if kind == "web" { csrf } else { String::new() },
    }))
}

/// Create a user.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CreateUser {
    /// Login.
    pub username: String,
    /// Shown name.
    pub display_name: Option<String>,
    /// Role.
    pub role: Role,
    /// Anchor org (required except for school admins).
    pub org_id: Option<i64>,
    /// Linked member (required for the member role).
    pub member_id: Option<i64>,
    /// Initial password.
    pub password: String,
}

/// Creates a user inside the creator's scope, never with more power than the creator.
pub async fn create(db: &Db, scope: &Scope, c: CreateUser) -> AppResult<UserRow> {
    if !matches!(scope.role, Role::SchoolAdmin | Role::UnitAdmin | Role::BranchAdmin) {
        return Err(AppError::forbidden("只有管理员可以管理账号"));
    }
    let username = c.username.trim().to_string();
    if username.len() < 3
        || username.len() > 40
        || !username.chars().all(|ch| ch.is_ascii_alphanumeric() || "_.-@".contains(ch))
    {
        return Err(AppError::invalid_field("username", "用户名为3–40位字母、数字或 _ . - @"));
    }
    check_password_policy(&c.password)?;
    let rank = |r: Role| match r {
        Role::SchoolAdmin => 4,
        Role::UnitAdmin => 3,
        Role::BranchAdmin => 2,
        Role::Inspector => 1,
        Role::Member => 0,
    };
    if rank(c.role) > rank(scope.role) || (c.role == Role::SchoolAdmin && scope.role != Role::SchoolAdmin) {
        return Err(AppError::forbidden("不能创建权限高于自己的账号"));
    }
    let mut conn = db.pool.acquire().await?;
    let org = match c.org_id {
        Some(id) => Some(
            crate::repo::orgs::get(&mut conn, scope, id)
                .await?
                .ok_or_else(|| AppError::invalid_field("org_id", "组织不存在或不在您的管理范围内"))?,
        ),
        None if c.role == Role::SchoolAdmin => None,
        None => return Err(AppError::invalid_field("org_id", "请选择该账号管理的组织")),
    };
    if let Some(o) = &org {
        let ok = match c.role {
            Role::UnitAdmin => {
                matches!(o.kind, OrgKind::CollegeCommittee | OrgKind::GeneralBranch | OrgKind::UniversityCommittee)
            }
            Role::BranchAdmin => o.kind == OrgKind::Branch,
            _ => true,
        };
        if !ok {
            return Err(AppError::invalid_field(
                "org_id",
                format!(
                    "{}应对应{}",
                    c.role.label(),
                    if c.role == Role::UnitAdmin { "院级党委或党总支" } else { "党支部" }
                ),
            ));
        }
    }
    if c.role == Role::Member && c.member_id.is_none() {
        return Err(AppError::invalid_field("member_id", "党员账号须关联党员记录"));
    }
    // Whatever the role, a linked member must be inside the creator's scope.
    let linked = match c.member_id {
        Some(mid) => Some(
            crate::repo::members::get(&mut conn, scope, mid)
                .await?
                .ok_or_else(|| AppError::invalid_field("member_id", "党员不存在或不在您的管理范围内"))?,
        ),
        None => None,
    };
    let (org_id, member_id) = match (&linked, c.role) {
        (Some(m), Role::Member) => (Some(m.row.org_id), c.member_id),
        _ => (org.as_ref().map(|o| o.id), c.member_id),
    };
    drop(conn);
    let hash = hash_password(c.password.clone()).await?;
    let display = c.display_name.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(&username).to_string();
    let mut w = db.begin_write().await?;
    let id = repo::insert(&mut w.tx, &username, &display, &hash, c.role, org_id, member_id).await?;
    let row = repo::by_id(&mut w.tx, id).await?.ok_or_else(AppError::not_found)?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "user",
            entity_id: Some(id),
            org_path: row.org_path.as_deref(),
            summary: format!("新建账号 {}（{}）", username, c.role.label()),
            before: None,
            after: json(&row.user),
        },
    )
    .await?;
    w.commit().await?;
    Ok(row.user)
}

/// Changes the caller's own password after checking the current one; other sessions end.
pub async fn change_password(db: &Db, scope: &Scope, current_token: &str, old: &str, new: &str) -> AppResult<()> {
    let mut conn = db.pool.acquire().await?;
    let u = repo::by_id(&mut conn, scope.user_id).await?.ok_or_else(AppError::unauthorized)?;
    drop(conn);
    if !verify_password(old.to_string(), u.password_hash.clone()).await {
        return Err(AppError::invalid_field("old_password", "当前密码不正确"));
    }
    check_password_policy(new)
        .map_err(|_| AppError::invalid_field("new_password", "新密码至少8位，且须同时包含字母和数字"))?;
    if old == new {
        return Err(AppError::invalid_field("new_password", "新密码不能与当前密码相同"));
    }
    let hash = hash_password(new.to_string()).await?;
    let mut w = db.begin_write().await?;
    repo::set_password(&mut w.tx, scope.user_id, &hash).await?;
    repo::delete_other_sessions(&mut w.tx, scope.user_id, &sha256_hex(current_token)).await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "password",
            entity: "user",
            entity_id: Some(scope.user_id),
            org_path: u.org_path.as_deref(),
            summary: format!("用户 {} 修改了密码", u.user.username),
            before: None,
            after: None,
        },
    )
    .await?;
    w.commit().await?;
    Ok(())
}

/// Enables or disables a user in scope.
pub async fn set_active(db: &Db, scope: &Scope, id: i64, active: bool) -> AppResult<UserRow> {
    if !matches!(scope.role, Role::SchoolAdmin | Role::UnitAdmin | Role::BranchAdmin) {
        return Err(AppError::forbidden("只有管理员可以管理账号"));
    }
    if id == scope.user_id {
        return Err(AppError::invalid_field("active", "不能停用自己的账号"));
    }
    let mut w = db.begin_write().await?;
    let visible = repo::list(&mut w.tx, scope).await?;
    let before = visible.into_iter().find(|u| u.id == id).ok_or_else(AppError::not_found)?;
    repo::set_active(&mut w.tx, id, active).await?;
    let after = repo::by_id(&mut w.tx, id).await?.ok_or_else(AppError::not_found)?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: if active { "enable" } else { "disable" },
            entity: "user",
            entity_id: Some(id),
            org_path: after.org_path.as_deref(),
            summary: format!("{}账号 {}", if active { "启用" } else { "停用" }, before.username),
            before: json(&before),
            after: json(&after.user),
        },
    )
    .await?;
    w.commit().await?;
    Ok(after.user)
}
