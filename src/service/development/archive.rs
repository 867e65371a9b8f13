//! The archive checklist of a case (材料归档, R1.28): each required material is marked as put into
//! the personal file (paper) or archived electronically; step 25 is refused until all are.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::development as case_repo;
use crate::repo::development_extra as extra_repo;
use crate::rules::development::{ARCHIVE_ITEMS, ArchiveStatus, archive_missing};
use crate::service::require_write;
use crate::util::now_rfc3339;

/// One item of the checklist as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArchiveItem {
    /// Material name (one of the R1.28 list).
    pub item: String,
    /// `missing`, `filed` or `electronic`.
    pub status: ArchiveStatus,
    /// Chinese label of the status.
    pub status_label: String,
    /// Where it is kept, number of the file, …
    pub note: Option<String>,
    /// Last change.
    pub updated_at: Option<String>,
    /// Who changed it.
    pub updated_by: Option<String>,
    /// Materials recorded for the case under this name (uploaded file or paper copy).
    pub recorded_materials: usize,
}

/// The whole checklist of a case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArchiveChecklist {
    /// Case id.
    pub case_id: i64,
    /// Every R1.28 item, in the rule book's order.
    pub items: Vec<ArchiveItem>,
    /// Items not yet archived.
    pub missing: Vec<String>,
    /// All items archived: step 25 (材料归档) may be recorded.
    pub complete: bool,
}

/// One change of the checklist.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ArchiveItemInput {
    /// Material name (one of the R1.28 list).
    pub item: String,
    /// `missing`, `filed` or `electronic`.
    pub status: String,
    /// Optional note.
    #[serde(default)]
    pub note: Option<String>,
}

/// A change of several items at once.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ArchiveUpdate {
    /// The items to change.
    pub items: Vec<ArchiveItemInput>,
}

type Stored = Vec<(String, ArchiveStatus, Option<String>, String, String)>;

async fn stored(conn: &mut Conn, case_id: i64) -> AppResult<Stored> {
    let rows = sqlx::query(
        "SELECT item, status, note, updated_at, updated_by FROM development_archive_item WHERE case_id = $1",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push((
            r.try_get("item")?,
            crate::repo::enum_col::<ArchiveStatus>(&r, "status")?,
            r.try_get("note")?,
            r.try_get("updated_at")?,
            r.try_get("updated_by")?,
        ));
    }
    Ok(out)
}

/// The items not yet archived (for the rule engine, R1.28).
pub(crate) async fn missing(conn: &mut Conn, case_id: i64) -> AppResult<Vec<String>> {
    let s = stored(conn, case_id).await?;
    Ok(archive_missing(|item| s.iter().find(|x| x.0 == item).map_or(ArchiveStatus::Missing, |x| x.1)))
}

async fn load(conn: &mut Conn, case_id: i64) -> AppResult<ArchiveChecklist> {
    let s = stored(conn, case_id).await?;
    let materials = extra_repo::materials(conn, case_id).await?;
    let items: Vec<ArchiveItem> = ARCHIVE_ITEMS
        .iter()
        .map(|&item| {
            let row = s.iter().find(|x| x.0 == item);
            let status = row.map_or(ArchiveStatus::Missing, |x| x.1);
            ArchiveItem {
                item: item.to_string(),
                status,
                status_label: status.label().to_string(),
                note: row.and_then(|x| x.2.clone()),
                updated_at: row.map(|x| x.3.clone()),
                updated_by: row.map(|x| x.4.clone()),
                recorded_materials: materials.iter().filter(|m| m.note.as_deref().map(str::trim) == Some(item)).count(),
            }
        })
        .collect();
    let missing: Vec<String> =
        items.iter().filter(|i| i.status == ArchiveStatus::Missing).map(|i| i.item.clone()).collect();
    Ok(ArchiveChecklist { case_id, complete: missing.is_empty(), missing, items })
}

/// The checklist of a case in scope.
pub async fn checklist(db: &Db, scope: &Scope, case_id: i64) -> AppResult<ArchiveChecklist> {
    let mut conn = db.pool.acquire().await?;
    case_repo::get(&mut conn, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    load(&mut conn, case_id).await
}

/// Changes items of the checklist (one transaction with its audit row). Unknown items or
/// statuses are refused before anything is written.
pub async fn update(db: &Db, scope: &Scope, case_id: i64, input: ArchiveUpdate) -> AppResult<ArchiveChecklist> {
    require_write(scope)?;
    let mut parsed = Vec::with_capacity(input.items.len());
    for (i, x) in input.items.iter().enumerate() {
        let item = x.item.trim();
        if !ARCHIVE_ITEMS.contains(&item) {
            return Err(AppError::invalid_field(
                &format!("items[{i}].item"),
                format!("「{item}」不在材料归档清单（R1.28）中：{}", ARCHIVE_ITEMS.join("、")),
            ));
        }
        let Some(status) = ArchiveStatus::parse(&x.status) else {
            return Err(AppError::invalid_field(
                &format!("items[{i}].status"),
                format!("未知的归档状态「{}」（missing / filed / electronic）", x.status),
            ));
        };
        let note = crate::service::members::opt_trim(&x.note);
        if note.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(AppError::invalid_field(&format!("items[{i}].note"), "备注不能超过200个字符"));
        }
        parsed.push((item.to_string(), status, note));
    }
    let mut w = db.begin_write().await?;
    let case = case_repo::get(&mut w.tx, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    if case.status != "open" {
        return Err(AppError::invalid_field("items", "档案已办结，归档清单不能再修改"));
    }
    let before = load(&mut w.tx, case_id).await?;
    let now = now_rfc3339();
    for (item, status, note) in &parsed {
        sqlx::query(
            "INSERT INTO development_archive_item (case_id, item, status, note, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (case_id, item) DO UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note,
             updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by",
        )
        .bind(case_id)
        .bind(item)
        .bind(status.as_str())
        .bind(note.as_deref())
        .bind(&now)
        .bind(&scope.display_name)
        .execute(&mut *w.tx)
        .await?;
    }
    let after = load(&mut w.tx, case_id).await?;
    let summary = format!(
        "{}：材料归档清单 {}",
        case.name,
        parsed.iter().map(|(i, s, _)| format!("{i}={}", s.label())).collect::<Vec<_>>().join("，")
    );
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "update_archive",
            entity: "development_case",
            entity_id: Some(case_id),
            org_path: Some(&case.org_path),
            summary,
            before: json(&before.items.iter().map(|i| (i.item.as_str(), i.status.as_str())).collect::<Vec<_>>()),
            after: json(&after.items.iter().map(|i| (i.item.as_str(), i.status.as_str())).collect::<Vec<_>>()),
        },
    )
    .await?;
    w.commit().await?;
    Ok(after)
}
