//! Users and sessions.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auth::scope::Scope;
use crate::db::Conn;
use crate::domain::Role;
use crate::util::now_rfc3339;

/// A user as listed (never the hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Login.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Anchor org.
    pub org_id: Option<i64>,
    /// Anchor org name.
    pub org_name: Option<String>,
    /// Linked member.
    pub member_id: Option<i64>,
    /// Can log in.
    pub active: bool,
}

/// A user with what login needs.
#[derive(Debug, Clone)]
pub struct UserAuth {
    /// The listed fields.
    pub user: UserRow,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Consecutive failures.
    pub failed_logins: i64,
    /// Locked until (RFC 3339).
    pub locked_until: Option<String>,
    /// Path of the anchor org.
    pub org_path: Option<String>,
}

const USER_COLS: &str = "u.id, u.username, u.display_name, u.role, u.org_id, o.name AS org_name, o.path AS org_path, u.member_id, u.active, u.password_hash, u.failed_logins, u.locked_until";

fn user_from(r: &AnyRow) -> Result<UserAuth, sqlx::Error> {
    let active: i64 = r.try_get("active")?;
    Ok(UserAuth {
        user: UserRow {
            id: r.try_get("id")?,
            username: r.try_get("username")?,
            display_name: r.try_get("display_name")?,
            role: super::enum_col(r, "role")?,
            org_id: r.try_get("org_id")?,
            org_name: r.try_get("org_name")?,
            member_id: r.try_get("member_id")?,
            active: active != 0,
        },
        password_hash: r.try_get("password_hash")?,
        failed_logins: r.try_get("failed_logins")?,
        locked_until: r.try_get("locked_until")?,
        org_path: r.try_get("org_path")?,
    })
}

/// Finds a user by login name.
pub async fn by_username(conn: &mut Conn, username: &str) -> Result<Option<UserAuth>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLS} FROM app_user u LEFT JOIN org o ON o.id = u.org_id WHERE u.username = $1");
    sqlx::query(&sql).bind(username).fetch_optional(&mut *conn).await?.as_ref().map(user_from).transpose()
}

/// Finds a user by id (unscoped; sessions and self-service).
pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<UserAuth>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLS} FROM app_user u LEFT JOIN org o ON o.id = u.org_id WHERE u.id = $1");
    sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await?.as_ref().map(user_from).transpose()
}

/// Users anchored inside the scope.
pub async fn list(conn: &mut Conn, scope: &Scope) -> Result<Vec<UserRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {USER_COLS} FROM app_user u LEFT JOIN org o ON o.id = u.org_id WHERE (o.path >= $1 AND o.path < $2) {} ORDER BY u.role, u.username",
        if scope.role == Role::SchoolAdmin { "OR u.org_id IS NULL" } else { "" }
    );
    let rows = sqlx::query(&sql)
        .bind(&scope.root_path)
        .bind(super::prefix_upper(&scope.root_path))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| user_from(r).map(|u| u.user)).collect()
}

/// Inserts a user.
pub async fn insert(
    conn: &mut Conn,
    username: &str,
    display_name: &str,
    hash: &str,
    role: Role,
    org_id: Option<i64>,
    member_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO app_user (username, display_name, password_hash, role, org_id, member_id, active, failed_logins, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, 0, $7) RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(hash)
    .bind(role.as_str())
    .bind(org_id)
    .bind(member_id)
    .bind(now_rfc3339())
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Sets a new password hash and clears the lock.
pub async fn set_password(conn: &mut Conn, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_user SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Enables or disables a user.
pub async fn set_active(conn: &mut Conn, id: i64, active: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_user SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if !active {
        sqlx::query("DELETE FROM app_session WHERE user_id = $1").bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Records a failed login and the lock, if any.
pub async fn record_failure(
    conn: &mut Conn,
    id: i64,
    failed: i64,
    locked_until: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_user SET failed_logins = $1, locked_until = $2 WHERE id = $3")
        .bind(failed)
        .bind(locked_until)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Clears the failure counter.
pub async fn clear_failures(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Creates a session (web cookie or API token) and returns nothing; the caller keeps the raw token.
pub async fn insert_session(
    conn: &mut Conn,
    token_hash: &str,
    user_id: i64,
    kind: &str,
    csrf: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO app_session (token_hash, user_id, kind, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(kind)
    .bind(csrf)
    .bind(now_rfc3339())
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A live session: its user, kind and CSRF token.
pub async fn session(conn: &mut Conn, token_hash: &str) -> Result<Option<(i64, String, String)>, sqlx::Error> {
    let r = sqlx::query("SELECT user_id, kind, csrf_token FROM app_session WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash)
        .bind(now_rfc3339())
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| Ok((r.try_get("user_id")?, r.try_get("kind")?, r.try_get("csrf_token")?))).transpose()
}

/// Deletes one session.
pub async fn delete_session(conn: &mut Conn, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM app_session WHERE token_hash = $1").bind(token_hash).execute(&mut *conn).await?;
    Ok(())
}

/// Deletes every session of a user except one (after a password change).
pub async fn delete_other_sessions(conn: &mut Conn, user_id: i64, keep_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM app_session WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
