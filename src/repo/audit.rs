//! The append-only, hash-chained audit log.

use serde::Serialize;
use sqlx::Row;

use crate::auth::scope::Scope;
use crate::db::Conn;
use crate::util::{now_rfc3339, sha256_hex};

/// One write to record, in the same transaction as the write itself.
pub struct AuditEntry<'a> {
    /// Verb: create, update, move, dissolve, transfer, login…
    pub action: &'a str,
    /// Table-level entity name (org, member, user…).
    pub entity: &'a str,
    /// Id of the entity.
    pub entity_id: Option<i64>,
    /// Path of the org the entity belongs to (for scoped reading of the log).
    pub org_path: Option<&'a str>,
    /// One Chinese line for the audit page.
    pub summary: String,
    /// State before, as JSON.
    pub before: Option<serde_json::Value>,
    /// State after, as JSON.
    pub after: Option<serde_json::Value>,
}

/// Converts any serializable value to JSON for an audit entry.
pub fn json<T: Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

/// The hash of one event: over the previous hash and every recorded field.
#[allow(clippy::too_many_arguments)]
pub fn event_hash(
    prev: &str,
    id: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    summary: &str,
    before: &str,
    after: &str,
) -> String {
    let eid = entity_id.map(|i| i.to_string()).unwrap_or_default();
    sha256_hex(&format!("{prev}|{id}|{at}|{actor}|{action}|{entity}|{eid}|{summary}|{before}|{after}"))
}

/// Appends an event. Locks the chain head first so concurrent appenders never fork the chain.
pub async fn append(conn: &mut Conn, scope: &Scope, e: AuditEntry<'_>) -> Result<(), sqlx::Error> {
    let head = sqlx::query("UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash")
        .fetch_one(&mut *conn)
        .await?;
    let id: i64 = head.try_get("last_id")?;
    let prev: String = head.try_get("last_hash")?;
    let at = now_rfc3339();
    let before = e.before.map(|v| v.to_string()).unwrap_or_default();
    let after = e.after.map(|v| v.to_string()).unwrap_or_default();
    let hash =
        event_hash(&prev, id, &at, &scope.display_name, e.action, e.entity, e.entity_id, &e.summary, &before, &after);
    sqlx::query(
        "INSERT INTO audit_event (id, at, actor_user_id, actor_name, action, entity, entity_id, org_path, summary, before_json, after_json, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id)
    .bind(&at)
    .bind(if scope.user_id > 0 { Some(scope.user_id) } else { None })
    .bind(&scope.display_name)
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(e.org_path)
    .bind(&e.summary)
    .bind(if before.is_empty() { None } else { Some(before) })
    .bind(if after.is_empty() { None } else { Some(after) })
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
    Ok(())
}

/// One event as listed on the audit page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditRow {
    /// Event id (position in the chain).
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who.
    pub actor_name: String,
    /// Verb.
    pub action: String,
    /// Entity kind.
    pub entity: String,
    /// Entity id.
    pub entity_id: Option<i64>,
    /// One line in Chinese.
    pub summary: String,
    /// JSON before.
    pub before_json: Option<String>,
    /// JSON after.
    pub after_json: Option<String>,
}

/// Filters for the audit page.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct AuditFilter {
    /// Entity kind.
    pub entity: Option<String>,
    /// Entity id.
    pub entity_id: Option<i64>,
    /// Verb.
    pub action: Option<String>,
    /// Actor name contains.
    pub actor: Option<String>,
    /// Page (1-based).
    pub page: Option<i64>,
}

/// Lists events in the scope, newest first, 50 a page.
pub async fn list(conn: &mut Conn, scope: &Scope, f: &AuditFilter) -> Result<(Vec<AuditRow>, i64), sqlx::Error> {
    let mut args = super::Args::default();
    let within = super::prefix_cond("org_path", &scope.root_path, &mut args);
    // The root's administrators also see events that belong to no org (users, settings, logins).
    let mut wh =
        vec![if !scope.root_path.trim_matches('/').contains('/') && scope.role != crate::domain::Role::Member {
            format!("({within} OR org_path IS NULL)")
        } else {
            within
        }];
    if let Some(e) = f.entity.as_deref().filter(|s| !s.is_empty()) {
        wh.push(format!("entity = {}", args.text(e)));
    }
    if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
        wh.push(format!("action = {}", args.text(a)));
    }
    if let Some(a) = f.actor.as_deref().filter(|s| !s.is_empty()) {
        wh.push(format!("actor_name LIKE {} ESCAPE '\\'", args.text(format!("%{}%", crate::util::like_escape(a)))));
    }
    if let Some(id) = f.entity_id {
        wh.push(format!("entity_id = {}", args.int(id)));
    }
    let where_sql = wh.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) AS n FROM audit_event WHERE {where_sql}");
    let total: i64 = args.bind(sqlx::query(&count_sql)).fetch_one(&mut *conn).await?.try_get("n")?;
    let sql = format!(
        "SELECT id, at, actor_name, action, entity, entity_id, summary, before_json, after_json FROM audit_event WHERE {where_sql} ORDER BY id DESC LIMIT 50 OFFSET {}",
        super::page_offset(f.page, 50)
    );
    let q = args.bind(sqlx::query(&sql));
    let rows = q
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| {
            Ok(AuditRow {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_name: r.try_get("actor_name")?,
                action: r.try_get("action")?,
                entity: r.try_get("entity")?,
                entity_id: r.try_get("entity_id")?,
                summary: r.try_get("summary")?,
                before_json: r.try_get("before_json")?,
                after_json: r.try_get("after_json")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let rows = if scope.role.sees_personal_data() { rows } else { rows.into_iter().map(masked).collect() };
    Ok((rows, total))
}

/// An event as a role that sees masked data reads it: 身份证号 and phone numbers masked in the
/// before/after values and the summary, like everywhere else.
fn masked(mut r: AuditRow) -> AuditRow {
    use crate::domain::idcard::{mask_in_text, mask_json};
    let mask_doc = |s: String| match serde_json::from_str::<serde_json::Value>(&s) {
        Ok(mut v) => {
            mask_json(&mut v);
            v.to_string()
        }
        Err(_) => mask_in_text(&s),
    };
    r.before_json = r.before_json.map(mask_doc);
    r.after_json = r.after_json.map(mask_doc);
    r.summary = mask_in_text(&r.summary);
    r
}

/// Result of verifying the chain.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    /// Events checked.
    pub checked: i64,
    /// Ids of events whose hash or link does not match.
    pub broken: Vec<i64>,
}

/// Recomputes every hash from the start and reports breaks.
pub async fn verify_chain(conn: &mut Conn) -> Result<ChainReport, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, at, actor_name, action, entity, entity_id, summary, before_json, after_json, prev_hash, hash FROM audit_event ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut prev = "0".repeat(64);
    let mut broken = Vec::new();
    let mut checked = 0;
    for r in rows {
        checked += 1;
        let id: i64 = r.try_get("id")?;
        let stored_prev: String = r.try_get("prev_hash")?;
        let stored: String = r.try_get("hash")?;
        let before: Option<String> = r.try_get("before_json")?;
        let after: Option<String> = r.try_get("after_json")?;
        let at: String = r.try_get("at")?;
        let actor: String = r.try_get("actor_name")?;
        let action: String = r.try_get("action")?;
        let entity: String = r.try_get("entity")?;
        let entity_id: Option<i64> = r.try_get("entity_id")?;
        let summary: String = r.try_get("summary")?;
        let h = event_hash(
            &stored_prev,
            id,
            &at,
            &actor,
            &action,
            &entity,
            entity_id,
            &summary,
            before.as_deref().unwrap_or(""),
            after.as_deref().unwrap_or(""),
        );
        if stored_prev != prev || h != stored {
            broken.push(id);
        }
        prev = stored;
    }
    Ok(ChainReport { checked, broken })
}
