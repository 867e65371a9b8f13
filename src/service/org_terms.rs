//! An organization's terms: record a re-election (换届选举, opens a new term), an approved
//! postponement (延期换届, R3.5 / R4.2: at most one year, with the approving body and document) or
//! a teacher branch's election request (换届请示, R3.5: 4 months before expiry).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::domain::OrgKind;
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::org_terms::{self as repo, NewTermEvent, TermEventKind, TermEventRow};
use crate::repo::orgs as orgs_repo;
use crate::rules::structure::{OrgFacts, Postponement, StructureSettings, check_postponement, term_end};
use crate::service::members::opt_trim;
use crate::service::require_write;

/// A term record as entered.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct TermEventInput {
    /// `re_election`, `postponement` or `election_request`.
    pub kind: TermEventKind,
    /// Election date (starts the new term), approval date, or request date.
    pub event_on: NaiveDate,
    /// Postponement: the new latest election date (at most one year after the term's end).
    pub until_on: Option<NaiveDate>,
    /// Postponement: the approving body (批准机关).
    pub approved_by: Option<String>,
    /// Postponement: the approval document (批准文号).
    pub document_no: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// What the structural checks need from an org's term records: the latest postponement and the
/// earliest election request dated in the current term (on or after `term_start`).
pub fn current_term(
    events: &[TermEventRow],
    term_start: Option<NaiveDate>,
) -> (Option<Postponement>, Option<NaiveDate>) {
    let Some(start) = term_start else {
        return (None, None);
    };
    let in_term = || events.iter().filter(move |e| e.event_on >= start);
    let postponement =
        in_term().filter(|e| e.kind == TermEventKind::Postponement).max_by_key(|e| (e.event_on, e.id)).and_then(|e| {
            Some(Postponement {
                approved_on: e.event_on,
                until_on: e.until_on?,
                approved_by: e.approved_by.clone().unwrap_or_default(),
                document_no: e.document_no.clone().unwrap_or_default(),
            })
        });
    let request = in_term().filter(|e| e.kind == TermEventKind::ElectionRequest).map(|e| e.event_on).min();
    (postponement, request)
}

/// The term records of one org in scope, newest first.
pub async fn list(db: &Db, scope: &Scope, org_id: i64) -> AppResult<Vec<TermEventRow>> {
    let mut conn = db.pool.acquire().await?;
    orgs_repo::get(&mut conn, scope, org_id).await?.ok_or_else(AppError::not_found)?;
    Ok(repo::of_org(&mut conn, org_id).await?)
}

/// Records a re-election, postponement or election request; a re-election starts the new term.
pub async fn record(db: &Db, scope: &Scope, org_id: i64, input: TermEventInput) -> AppResult<TermEventRow> {
    require_write(scope)?;
    let mut w = db.begin_write().await?;
    let before = orgs_repo::get(&mut w.tx, scope, org_id).await?.ok_or_else(AppError::not_found)?;
    if before.dissolved_on.is_some() {
        return Err(AppError::invalid_field("kind", "该组织已撤销"));
    }
    if before.kind == OrgKind::Group {
        return Err(AppError::invalid_field("kind", "党小组没有任期，不登记换届"));
    }
    let on = input.event_on;
    if on > crate::util::today() {
        return Err(AppError::invalid_field("event_on", "日期不能晚于今天"));
    }
    if on < before.established_on {
        return Err(AppError::invalid_field("event_on", format!("日期不能早于成立日期 {}", before.established_on)));
    }
    let settings = StructureSettings::default();
    let approved_by = opt_trim(&input.approved_by);
    let document_no = opt_trim(&input.document_no);
    let note = opt_trim(&input.note);
    let mut until_on = None;
    match input.kind {
        TermEventKind::ReElection => {
            if let Some(t) = before.term_start
                && on <= t
            {
                return Err(AppError::invalid_field("event_on", format!("换届日期须晚于本届任期开始日 {t}")));
            }
        }
        TermEventKind::Postponement => {
            let mut errs = std::collections::BTreeMap::new();
            if approved_by.is_none() {
                errs.insert("approved_by".to_string(), "请填写批准延期换届的上级党组织".to_string());
            }
            if document_no.is_none() {
                errs.insert("document_no".to_string(), "请填写批准文号".to_string());
            }
            if input.until_on.is_none() {
                errs.insert("until_on".to_string(), "请填写延期至哪一天".to_string());
            }
            let start = before.term_start;
            if start.is_none() {
                errs.insert("event_on".to_string(), "未登记本届任期开始日期，无法计算延期期限".to_string());
            }
            if !errs.is_empty() {
                return Err(AppError::invalid(errs));
            }
            if let (Some(start), Some(until)) = (start, input.until_on) {
                let end = term_end(before.kind, start, &settings).unwrap_or(start);
                let facts = org_facts(&before);
                let findings = check_postponement(&facts, end, until, &settings);
                if !findings.is_empty() {
                    return Err(AppError::from_findings(findings));
                }
                until_on = Some(until);
            }
        }
        TermEventKind::ElectionRequest => {
            if before.kind != OrgKind::Branch {
                return Err(AppError::invalid_field("kind", "换届请示只为党支部登记"));
            }
        }
    }
    let new = NewTermEvent {
        kind: input.kind,
        event_on: on,
        until_on,
        approved_by: approved_by.as_deref(),
        document_no: document_no.as_deref(),
        note: note.as_deref(),
    };
    let id = repo::insert(&mut w.tx, org_id, &new).await?;
    let mut after = before.clone();
    if input.kind == TermEventKind::ReElection {
        after.term_start = Some(on);
        orgs_repo::update_attrs(&mut w.tx, &after).await?;
    }
    let row =
        repo::of_org(&mut w.tx, org_id).await?.into_iter().find(|e| e.id == id).ok_or_else(AppError::not_found)?;
    let summary = match input.kind {
        TermEventKind::ReElection => format!("「{}」换届选举（{on}），新一届任期自 {on} 起", before.name),
        TermEventKind::Postponement => format!(
            "「{}」延期换届至 {}（{}批准，{}，{on}）",
            before.name,
            until_on.map(crate::util::fmt_date).unwrap_or_default(),
            approved_by.as_deref().unwrap_or(""),
            document_no.as_deref().unwrap_or("")
        ),
        TermEventKind::ElectionRequest => format!("「{}」提交换届请示（{on}）", before.name),
    };
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: input.kind.as_str(),
            entity: "org",
            entity_id: Some(org_id),
            org_path: Some(&before.path),
            summary,
            before: json(&before),
            after: json(&serde_json::json!({"org": after, "term_event": row})),
        },
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// The structural facts of an org that a postponement check names (no counts needed).
fn org_facts(o: &orgs_repo::OrgRow) -> OrgFacts {
    OrgFacts {
        org_id: o.id,
        name: o.name.clone(),
        kind: o.kind,
        category: o.category,
        joint_branch: o.joint_branch,
        full_members: 0,
        probationary_members: 0,
        committee: Vec::new(),
        term_start: o.term_start,
        established_on: o.established_on,
        postponement: None,
        election_request_on: None,
    }
}
