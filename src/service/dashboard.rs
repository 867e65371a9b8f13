//! Home-page numbers: members by category and status, orgs by kind, open findings.

use serde::Serialize;

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::domain::{MemberStatus, OrgKind, PersonCategory};
use crate::error::AppResult;
use crate::rules::{Finding, Severity};

/// One category's counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryCount {
    /// Category id.
    pub category: PersonCategory,
    /// Label.
    pub label: String,
    /// 正式党员.
    pub full: i64,
    /// 预备党员.
    pub probationary: i64,
}

/// Orgs of one kind.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindCount {
    /// Kind.
    pub kind: OrgKind,
    /// Label.
    pub label: String,
    /// How many.
    pub count: i64,
}

/// The dashboard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Stats {
    /// Name of the scope's root org.
    pub scope_name: String,
    /// Members by category.
    pub by_category: Vec<CategoryCount>,
    /// 正式党员 in scope.
    pub full: i64,
    /// 预备党员 in scope.
    pub probationary: i64,
    /// Orgs by kind.
    pub orgs: Vec<KindCount>,
    /// Open findings (most severe first, at most 200).
    pub findings: Vec<Finding>,
    /// Findings by severity: block, warn, info.
    pub finding_counts: [usize; 3],
    /// Findings per rule, most frequent first.
    pub by_rule: Vec<RuleCount>,
}

/// How many findings one rule produced.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = FindingRuleCount)]
pub struct RuleCount {
    /// RULES.md id.
    pub rule: String,
    /// Most severe level among them.
    pub severity: Severity,
    /// How many.
    pub count: usize,
}

/// Computes the dashboard for a scope.
pub async fn stats(db: &Db, scope: &Scope) -> AppResult<Stats> {
    let mut conn = db.pool.acquire().await?;
    let raw = crate::repo::members::counts_by_category(&mut conn, scope).await?;
    let scope_name =
        crate::repo::orgs::get_unscoped(&mut conn, scope.org_id).await?.map(|o| o.name).unwrap_or_default();
    let orgs = crate::repo::orgs::list(&mut conn, scope, false).await?;
    drop(conn);
    let mut by_category = Vec::new();
    for c in PersonCategory::ALL {
        let get =
            |s: MemberStatus| raw.iter().filter(|r| r.0 == c.as_str() && r.1 == s.as_str()).map(|r| r.2).sum::<i64>();
        by_category.push(CategoryCount {
            category: *c,
            label: c.label().to_string(),
            full: get(MemberStatus::Full),
            probationary: get(MemberStatus::Probationary),
        });
    }
    let full = by_category.iter().map(|c| c.full).sum();
    let probationary = by_category.iter().map(|c| c.probationary).sum();
    let kinds = OrgKind::ALL
        .iter()
        .map(|k| KindCount {
            kind: *k,
            label: k.label().to_string(),
            count: orgs.iter().filter(|o| o.kind == *k).count() as i64,
        })
        .filter(|k| k.count > 0)
        .collect();
    let mut findings = crate::service::findings::for_scope(db, scope, None, crate::util::today()).await?;
    let finding_counts = [
        findings.iter().filter(|f| f.severity == Severity::Block).count(),
        findings.iter().filter(|f| f.severity == Severity::Warn).count(),
        findings.iter().filter(|f| f.severity == Severity::Info).count(),
    ];
    let mut by_rule: Vec<RuleCount> = Vec::new();
    for f in &findings {
        match by_rule.iter_mut().find(|r| r.rule == f.rule) {
            Some(r) => {
                r.count += 1;
                r.severity = r.severity.min(f.severity);
            }
            None => by_rule.push(RuleCount { rule: f.rule.clone(), severity: f.severity, count: 1 }),
        }
    }
    by_rule.sort_by(|a, b| a.severity.cmp(&b.severity).then(b.count.cmp(&a.count)));
    findings.truncate(200);
    Ok(Stats { scope_name, by_category, full, probationary, orgs: kinds, findings, finding_counts, by_rule })
}
