//! Open findings for a scope and a date, every rule family: structure (the org tree), members
//! (rosters and statuses), development cases. A past date judges the tree, the rosters, the
//! statuses and the cases as they were on it (`jiceng check --as-of`, `?as_of=`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::domain::{OrgKind, Role};
use crate::error::AppResult;
use crate::repo::{member_history, members as members_repo, orgs as orgs_repo};
use crate::rules::Finding;
use crate::rules::member::{MemberFacts, check_member};
use crate::rules::structure::{CommitteeSeat, OrgFacts, StructureSettings, check_org};

/// Findings of every family for the subtree of `org` (default: the whole scope) on `as_of`,
/// most severe first; the one entry point of the CLI, the findings page and the API.
pub async fn for_scope(db: &Db, scope: &Scope, org: Option<i64>, as_of: NaiveDate) -> AppResult<Vec<Finding>> {
    let narrowed = crate::service::orgs::narrow(db, scope, org).await?;
    let key = (db.instance, narrowed.root_path.clone(), narrowed.role == Role::Member, as_of);
    let generation = db.generation.load(std::sync::atomic::Ordering::SeqCst);
    if let Some(hit) = cache_get(&key, generation) {
        return Ok(hit);
    }
    let out = compute(db, &narrowed, None, as_of, false).await?;
    cache_put(key, generation, &out);
    Ok(out)
}

type CacheKey = (u64, String, bool, NaiveDate);
type CacheMap = HashMap<CacheKey, (u64, Instant, Arc<Vec<Finding>>)>;

/// Whole-subtree findings are recomputed after any write of this process, and at least every
/// [`CACHE_TTL`] (writes by other processes, e.g. a command-line import).
const CACHE_TTL: Duration = Duration::from_secs(60);

fn cache() -> &'static Mutex<CacheMap> {
    static CACHE: OnceLock<Mutex<CacheMap>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cache_get(key: &CacheKey, generation: u64) -> Option<Vec<Finding>> {
    let map = cache().lock().ok()?;
    let (g, at, v) = map.get(key)?;
    (*g == generation && at.elapsed() < CACHE_TTL).then(|| v.as_ref().clone())
}

fn cache_put(key: CacheKey, generation: u64, v: &[Finding]) {
    if let Ok(mut map) = cache().lock() {
        map.retain(|_, (g, at, _)| at.elapsed() < CACHE_TTL && *g == generation);
        map.insert(key, (generation, Instant::now(), Arc::new(v.to_vec())));
    }
}

/// Findings about one org only (its page): its structure, not its members or descendants.
pub async fn for_org(db: &Db, scope: &Scope, org_id: i64, as_of: NaiveDate) -> AppResult<Vec<Finding>> {
    compute(db, scope, Some(org_id), as_of, true).await
}

async fn compute(
    db: &Db,
    scope: &Scope,
    org: Option<i64>,
    as_of: NaiveDate,
    only_root: bool,
) -> AppResult<Vec<Finding>> {
    if scope.role == Role::Member {
        return Ok(Vec::new());
    }
    let scope = &crate::service::orgs::narrow(db, scope, org).await?;
    // Before today the tree, its counts and the rosters are rebuilt as they were (org_version,
    // membership_period, member_status_event); today and later they are the live tables.
    let historic = as_of < crate::util::today();
    let tree = crate::service::orgs::tree(db, scope, historic.then_some(as_of), None).await?;
    let mut conn = db.pool.acquire().await?;
    let root_path = scope.root_path.clone();
    let live = if only_root {
        orgs_repo::get(&mut conn, scope, scope.org_id).await?.into_iter().collect()
    } else {
        // An org dissolved since the date still existed then (the tree of the date decides).
        orgs_repo::list(&mut conn, scope, historic).await?
    };
    let by_id: std::collections::HashMap<i64, &orgs_repo::OrgRow> = live.iter().map(|o| (o.id, o)).collect();
    let seats = if only_root {
        let current = orgs_repo::positions(&mut conn, scope.org_id)
            .await?
            .into_iter()
            .filter(|p| p.start_on <= as_of && p.end_on.is_none_or(|e| e > as_of))
            .collect();
        std::collections::HashMap::from([(scope.org_id, current)])
    } else {
        orgs_repo::current_positions_in_scope(&mut conn, scope, as_of).await?
    };
    let term_events = if only_root {
        std::collections::HashMap::from([(
            scope.org_id,
            crate::repo::org_terms::of_org(&mut conn, scope.org_id).await?,
        )])
    } else {
        crate::repo::org_terms::under_path(&mut conn, &root_path).await?
    };
    let settings = StructureSettings::default();
    let mut out = Vec::new();
    for node in tree.iter().take(if only_root { 1 } else { usize::MAX }) {
        if node.kind == OrgKind::Group {
            continue;
        }
        let Some(o) = by_id.get(&node.id) else { continue };
        let (postponement, election_request_on) = crate::service::org_terms::current_term(
            term_events.get(&o.id).map(Vec::as_slice).unwrap_or_default(),
            o.term_start,
        );
        let facts = OrgFacts {
            org_id: o.id,
            name: node.name.clone(),
            kind: node.kind,
            category: o.category,
            joint_branch: o.joint_branch,
            full_members: u32::try_from(node.subtree.full).unwrap_or(u32::MAX),
            probationary_members: u32::try_from(node.subtree.probationary).unwrap_or(u32::MAX),
            committee: seats
                .get(&o.id)
                .map(|v| {
                    v.iter()
                        .map(|p| CommitteeSeat {
                            role: p.role,
                            member_id: p.member_id,
                            member_name: p.member_name.clone(),
                            standing_since: p.standing_since,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            term_start: o.term_start,
            established_on: o.established_on,
            postponement,
            election_request_on,
        };
        out.extend(check_org(&facts, as_of, &settings));
    }
    let candidates = match (only_root, historic) {
        (true, _) => Vec::new(),
        (false, false) => members_repo::check_candidates(&mut conn, scope, &root_path).await?,
        (false, true) => member_history::check_candidates_on(&mut conn, scope, &root_path, as_of).await?,
    };
    for m in candidates {
        let facts = MemberFacts {
            member_id: m.id,
            name: m.name,
            birth_date: m.birth_date,
            status: m.status,
            joined_on: m.joined_on,
            full_on: m.full_on,
            org_kind: Some(m.org_kind),
            special_status: m.special_status,
            special_status_since: m.special_status_since,
            mobile_certificate: m.mobile_certificate,
            id_card: None,
            gender: m.gender,
        };
        out.extend(check_member(&facts, as_of));
    }
    if !only_root {
        out.extend(crate::service::development::as_of::findings_on(db, &mut conn, scope, as_of).await?);
    }
    out.sort_by(|a, b| {
        a.severity.cmp(&b.severity).then_with(|| a.rule.cmp(&b.rule)).then(a.subject_id.cmp(&b.subject_id))
    });
    Ok(out)
}
