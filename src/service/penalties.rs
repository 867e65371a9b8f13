//! 党纪处分 of a member: list, record, record the restoration of rights after a 留党察看.
//!
//! Scoped through the member (an id outside the scope is a 404); every write is one transaction
//! with its audit row. The rule engine reads the rows through [`by_member`] and [`standing_on`] (R1.10, R1.17).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::domain::PenaltyKind;
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::members as members_repo;
use crate::repo::penalties::{self as repo, NewPenalty, PenaltyRow};
use crate::rules::penalty::{PROBATION_PERIODS, Penalty, in_impact_period, under_probation_penalty};
use crate::service::require_write;

/// A penalty to record.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PenaltyInput {
    /// `warning`, `serious_warning`, `removal_from_post`, `probation` or `expulsion` (or the Chinese label).
    pub kind: String,
    /// Date decided (批准); not in the future.
    pub decided_on: Option<NaiveDate>,
    /// 留党察看 only: 12 or 24.
    pub period_months: Option<i32>,
    /// 留党察看 only: first day with rights restored, if already known.
    pub restored_on: Option<NaiveDate>,
    /// Decision document (文号).
    pub document: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// The restoration of rights after a 留党察看.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RestoreInput {
    /// First day with rights restored; not in the future, not before the decision.
    pub restored_on: Option<NaiveDate>,
}

/// A penalty as shown, with its periods computed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PenaltyView {
    /// Stored row.
    #[serde(flatten)]
    pub row: PenaltyRow,
    /// Chinese label of the kind.
    pub kind_label: String,
    /// 留党察看: first day with rights (recorded or computed: the day after the 察看期).
    pub rights_restored_on: Option<NaiveDate>,
    /// 警告/严重警告/撤销党内职务: first day after the 影响期.
    pub impact_ends_on: Option<NaiveDate>,
    /// The penalty still restricts the member today (察看期 or 影响期 running; 开除党籍 always).
    pub in_force: bool,
}

fn view(row: PenaltyRow, today: NaiveDate) -> PenaltyView {
    let p = row.penalty();
    let in_force = match p.kind {
        PenaltyKind::Probation => under_probation_penalty(&[p], today),
        PenaltyKind::Expulsion => true,
        _ => in_impact_period(&[p], today),
    };
    PenaltyView {
        kind_label: p.kind.label().to_string(),
        rights_restored_on: p.rights_restored_on(),
        impact_ends_on: p.impact_ends_on(),
        in_force,
        row,
    }
}

/// A member's penalties, newest first (404 outside the scope).
pub async fn list(db: &Db, scope: &Scope, member_id: i64) -> AppResult<Vec<PenaltyView>> {
    let mut conn = db.pool.acquire().await?;
    members_repo::get(&mut conn, scope, member_id).await?.ok_or_else(AppError::not_found)?;
    let today = crate::util::today();
    Ok(repo::of_member(&mut conn, member_id).await?.into_iter().map(|r| view(r, today)).collect())
}

fn opt_trim(s: &Option<String>, field: &str, max: usize, errs: &mut BTreeMap<String, String>) -> Option<String> {
    let t = s.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    if t.as_ref().is_some_and(|t| t.chars().count() > max) {
        errs.insert(field.to_string(), format!("不能超过{max}个字符"));
    }
    t
}

/// Validates a penalty against the member's joining date and today.
fn validate(input: &PenaltyInput, joined_on: NaiveDate, today: NaiveDate) -> AppResult<NewPenalty> {
    let mut errs = BTreeMap::new();
    let kind = PenaltyKind::parse(&input.kind);
    if kind.is_none() {
        errs.insert("kind".to_string(), "请选择处分种类：警告、严重警告、撤销党内职务、留党察看或开除党籍".to_string());
    }
    match input.decided_on {
        None => {
            errs.insert("decided_on".to_string(), "请填写处分决定日期".to_string());
        }
        Some(d) if d > today => {
            errs.insert("decided_on".to_string(), format!("处分决定日期 {d} 晚于今天"));
        }
        Some(d) if d < joined_on => {
            errs.insert("decided_on".to_string(), format!("处分决定日期 {d} 早于入党日期 {joined_on}"));
        }
        Some(_) => {}
    }
    let probation = kind == Some(PenaltyKind::Probation);
    match (probation, input.period_months) {
        (true, None) => {
            errs.insert("period_months".to_string(), "留党察看须填写察看期限：12 或 24 个月".to_string());
        }
        (true, Some(m)) if !PROBATION_PERIODS.contains(&m) => {
            errs.insert(
                "period_months".to_string(),
                format!("留党察看期限为一年或二年（12 或 24 个月），不能为 {m} 个月"),
            );
        }
        (false, Some(_)) if kind.is_some() => {
            errs.insert("period_months".to_string(), "只有留党察看填写察看期限".to_string());
        }
        _ => {}
    }
    if let Some(r) = input.restored_on {
        if !probation && kind.is_some() {
            errs.insert("restored_on".to_string(), "只有留党察看登记恢复党员权利".to_string());
        } else if input.decided_on.is_some_and(|d| r < d) {
            errs.insert("restored_on".to_string(), "恢复党员权利日期不能早于处分决定日期".to_string());
        } else if r > today {
            errs.insert("restored_on".to_string(), format!("恢复党员权利日期 {r} 晚于今天"));
        }
    }
    let document = opt_trim(&input.document, "document", 100, &mut errs);
    let note = opt_trim(&input.note, "note", 500, &mut errs);
    match (kind, input.decided_on) {
        (Some(kind), Some(decided_on)) if errs.is_empty() => Ok(NewPenalty {
            kind,
            decided_on,
            period_months: input.period_months,
            restored_on: input.restored_on,
            document,
            note,
        }),
        _ => Err(AppError::invalid(errs)),
    }
}

/// Records a penalty of a member (validated, scoped, audited).
pub async fn add(db: &Db, scope: &Scope, member_id: i64, input: PenaltyInput) -> AppResult<PenaltyView> {
    require_write(scope)?;
    let today = crate::util::today();
    let mut w = db.begin_write().await?;
    let member = members_repo::get(&mut w.tx, scope, member_id).await?.ok_or_else(AppError::not_found)?;
    let p = validate(&input, member.row.joined_on, today)?;
    let id = repo::insert(&mut w.tx, member_id, &p, &scope.display_name).await?;
    let row = repo::get(&mut w.tx, member_id, id).await?.ok_or_else(AppError::not_found)?;
    let v = view(row, today);
    let mut summary = format!("{}：登记党纪处分「{}」（{}）", member.row.name, p.kind.label(), p.decided_on);
    if let Some(m) = p.period_months {
        summary.push_str(&format!("，察看期 {m} 个月"));
    }
    if let Some(doc) = &p.document {
        summary.push_str(&format!("，{doc}"));
    }
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "member_penalty",
            entity_id: Some(id),
            org_path: Some(&member.org_path),
            summary,
            before: None,
            after: json(&v),
        },
    )
    .await?;
    w.commit().await?;
    Ok(v)
}

/// Records the restoration of rights after a 留党察看 (validated, scoped, audited).
pub async fn restore(
    db: &Db,
    scope: &Scope,
    member_id: i64,
    penalty_id: i64,
    input: RestoreInput,
) -> AppResult<PenaltyView> {
    require_write(scope)?;
    let today = crate::util::today();
    let mut w = db.begin_write().await?;
    let member = members_repo::get(&mut w.tx, scope, member_id).await?.ok_or_else(AppError::not_found)?;
    let before = repo::get(&mut w.tx, member_id, penalty_id).await?.ok_or_else(AppError::not_found)?;
    if before.kind != PenaltyKind::Probation {
        return Err(AppError::invalid_field("restored_on", "只有留党察看处分登记恢复党员权利"));
    }
    if before.restored_on.is_some() {
        return Err(AppError::invalid_field("restored_on", "已登记恢复党员权利"));
    }
    let on = input.restored_on.ok_or_else(|| AppError::invalid_field("restored_on", "请填写恢复党员权利的日期"))?;
    if on < before.decided_on {
        return Err(AppError::invalid_field(
            "restored_on",
            format!("恢复党员权利日期 {on} 早于处分决定日期 {}", before.decided_on),
        ));
    }
    if on > today {
        return Err(AppError::invalid_field("restored_on", format!("恢复党员权利日期 {on} 晚于今天")));
    }
    repo::set_restored(&mut w.tx, penalty_id, on).await?;
    let after = repo::get(&mut w.tx, member_id, penalty_id).await?.ok_or_else(AppError::not_found)?;
    let v = view(after, today);
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "restore",
            entity: "member_penalty",
            entity_id: Some(penalty_id),
            org_path: Some(&member.org_path),
            summary: format!("{}：留党察看（{}）恢复党员权利，自 {on} 起", member.row.name, before.decided_on),
            before: json(&view(before, today)),
            after: json(&v),
        },
    )
    .await?;
    w.commit().await?;
    Ok(v)
}

/// The penalties of many members, by member (input of the rule engine; one query).
pub async fn by_member(conn: &mut Conn, member_ids: &[i64]) -> AppResult<HashMap<i64, Vec<Penalty>>> {
    let mut out: HashMap<i64, Vec<Penalty>> = HashMap::new();
    if member_ids.is_empty() {
        return Ok(out);
    }
    for r in repo::of_members(conn, member_ids).await? {
        out.entry(r.member_id).or_default().push(r.penalty());
    }
    Ok(out)
}

/// (under 留党察看, in a penalty's 影响期) of one member on a date, from [`by_member`]'s map.
pub fn standing_on(penalties: &HashMap<i64, Vec<Penalty>>, member_id: i64, on: NaiveDate) -> (bool, bool) {
    match penalties.get(&member_id) {
        Some(p) => (under_probation_penalty(p, on), in_impact_period(p, on)),
        None => (false, false),
    }
}
