//! 流动人员 (R1.8, 2026): a candidate who is a 流动人员 is publicised at both the outflow and the
//! inflow place. The case carries the flag; each of its notices carries the place it is posted at.

use serde::{Deserialize, Serialize};

use super::open_case;
use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry};
use crate::repo::publicity as repo;
use crate::rules::development::{Publicity, PublicityLocation};
use crate::service::require_write;

/// Record whether the person of a case is a 流动人员.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MobileInput {
    /// The person is a 流动人员: the 公示 is needed at both the outflow and the inflow place (R1.8).
    pub mobile: bool,
}

/// Sets the 流动人员 flag of an open case in scope (one transaction with its audit row).
pub async fn set_mobile(db: &Db, scope: &Scope, case_id: i64, input: MobileInput) -> AppResult<MobileInput> {
    require_write(scope)?;
    let mut w = db.begin_write().await?;
    let case = open_case(&mut w.tx, scope, case_id).await?;
    let before = repo::case_mobile(&mut w.tx, case_id).await?;
    if before == input.mobile {
        return Err(AppError::invalid_field("mobile", if before { "已登记为流动人员" } else { "未登记为流动人员" }));
    }
    repo::set_case_mobile(&mut w.tx, case_id, input.mobile).await?;
    let summary = if input.mobile {
        format!("{}：登记为流动人员，须在流出地和流入地同时公示（R1.8）", case.name)
    } else {
        format!("{}：取消流动人员登记", case.name)
    };
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "update",
            entity: "development_case",
            entity_id: Some(case_id),
            org_path: Some(&case.org_path),
            summary,
            before: Some(serde_json::json!({ "mobile": before })),
            after: Some(serde_json::json!({ "mobile": input.mobile })),
        },
    )
    .await?;
    w.commit().await?;
    Ok(input)
}

/// Whether the person of a case in scope is a 流动人员 (404 outside the scope).
pub async fn get_mobile(db: &Db, scope: &Scope, case_id: i64) -> AppResult<MobileInput> {
    let mut conn = db.pool.acquire().await?;
    crate::repo::development::get(&mut conn, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    Ok(MobileInput { mobile: repo::case_mobile(&mut conn, case_id).await? })
}

/// The 流动人员 flag of a case and its notices by place, each with its own open objections.
pub(in crate::service::development) async fn located_facts(
    conn: &mut Conn,
    case_id: i64,
) -> AppResult<(bool, Vec<(PublicityLocation, Publicity)>)> {
    if !repo::case_mobile(conn, case_id).await? {
        return Ok((false, Vec::new()));
    }
    let notices = repo::of_case(conn, case_id).await?;
    let objections = repo::objections_of_case(conn, case_id).await?;
    let located = notices
        .iter()
        .filter_map(|n| {
            let loc = PublicityLocation::parse(n.location.as_deref()?)?;
            let open = objections.iter().any(|o| o.publicity_id == n.id && o.resolved_on.is_none());
            Some((loc, Publicity { start: n.start_on, end: n.end_on, objections_open: open }))
        })
        .collect();
    Ok((true, located))
}
