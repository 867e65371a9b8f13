//! Org tree use cases: create, edit, move, dissolve, committee seats, tree views.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::domain::{OrgCategory, OrgKind, PositionRole, Role};
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::orgs::{self as repo, Counts, NewOrg, OrgRow, PositionRow};
use crate::service::require_write;

/// Create an org under a parent.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CreateOrg {
    /// Parent org id.
    pub parent_id: i64,
    /// Kind.
    pub kind: OrgKind,
    /// Category (required for branches).
    pub category: Option<OrgCategory>,
    /// Name.
    pub name: String,
    /// 联合党支部.
    #[serde(default)]
    pub joint_branch: bool,
    /// Founded (default today).
    pub established_on: Option<NaiveDate>,
    /// Committee term start.
    pub term_start: Option<NaiveDate>,
    /// A branch's founding members (成立时的党员, R3.1: at least 3 full members on `established_on`),
    /// chosen from the parent's subtree.
    #[serde(default)]
    pub founding_member_ids: Vec<i64>,
}

/// Edit an org's attributes (renames are versioned).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct UpdateOrg {
    /// New name.
    pub name: Option<String>,
    /// Category.
    pub category: Option<OrgCategory>,
    /// 联合党支部.
    pub joint_branch: Option<bool>,
    /// Term start.
    pub term_start: Option<NaiveDate>,
    /// Date the change takes effect (default today).
    pub effective_on: Option<NaiveDate>,
}

/// Move an org under a new parent.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct MoveOrg {
    /// New parent.
    pub new_parent_id: i64,
    /// Effective date (default today).
    pub effective_on: Option<NaiveDate>,
}

/// Dissolve an org.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct DissolveOrg {
    /// Date (default today).
    pub dissolved_on: Option<NaiveDate>,
}

/// Add a committee seat.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AddPosition {
    /// Member who takes the seat.
    pub member_id: i64,
    /// Role.
    pub role: PositionRole,
    /// Start (default today).
    pub start_on: Option<NaiveDate>,
    /// Why a seat that the rules warn about (R3.3: committee above 5) is given anyway (RULES §8 C5).
    #[serde(default)]
    pub justification: Option<String>,
}

fn check_name(name: &str) -> AppResult<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(AppError::invalid_field("name", "名称不能为空"));
    }
    if n.chars().count() > 100 {
        return Err(AppError::invalid_field("name", "名称不能超过100个字"));
    }
    Ok(n.to_string())
}

/// Creates an org. Only under a parent in scope, of a kind the parent may hold.
pub async fn create(db: &Db, scope: &Scope, c: CreateOrg) -> AppResult<OrgRow> {
    require_write(scope)?;
    let name = check_name(&c.name)?;
    let mut conn = db.pool.acquire().await?;
    let parent = repo::get(&mut conn, scope, c.parent_id)
        .await?
        .ok_or_else(|| AppError::invalid_field("parent_id", "上级组织不存在或不在您的管理范围内"))?;
    drop(conn);
    if parent.dissolved_on.is_some() {
        return Err(AppError::invalid_field("parent_id", "上级组织已撤销"));
    }
    if !parent.kind.allowed_children().contains(&c.kind) {
        return Err(AppError::invalid_field(
            "kind",
            format!("「{}」下不能设立「{}」", parent.kind.label(), c.kind.label()),
        ));
    }
    if c.kind == OrgKind::Branch && c.category.is_none() {
        return Err(AppError::invalid_field("category", "党支部须选择类别（教工/学生/机关/离退休/师生联合）"));
    }
    let established_on = c.established_on.unwrap_or_else(crate::util::today);
    if established_on < parent.established_on {
        return Err(AppError::invalid_field("established_on", "成立日期不能早于上级组织的成立日期"));
    }
    let founders = if c.kind == OrgKind::Branch {
        founding_members(db, scope, &parent, &name, c.joint_branch, established_on, &c.founding_member_ids).await?
    } else if c.founding_member_ids.is_empty() {
        Vec::new()
    } else {
        return Err(AppError::invalid_field("founding_member_ids", "只有成立党支部时登记成立时的党员"));
    };
    let new = NewOrg {
        parent_id: Some(parent.id),
        kind: c.kind,
        category: if c.kind == OrgKind::Branch || c.kind == OrgKind::Group {
            c.category.or(parent.category)
        } else {
            c.category
        },
        name,
        joint_branch: c.joint_branch && c.kind == OrgKind::Branch,
        established_on,
        term_start: c.term_start,
    };
    let mut w = db.begin_write().await?;
    let org = repo::insert(&mut w.tx, &new, &parent.path, parent.depth).await?;
    let ids: Vec<i64> = founders.iter().map(|m| m.0).collect();
    crate::repo::org_terms::insert_founding(&mut w.tx, org.id, &ids).await?;
    let names: Vec<&str> = founders.iter().map(|m| m.1.as_str()).collect();
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "org",
            entity_id: Some(org.id),
            org_path: Some(&org.path),
            summary: if names.is_empty() {
                format!("新建{}「{}」，上级：{}", org.kind.label(), org.name, parent.name)
            } else {
                format!(
                    "成立{}「{}」，上级：{}，成立时党员：{}",
                    org.kind.label(),
                    org.name,
                    parent.name,
                    names.join("、")
                )
            },
            before: None,
            after: json(&serde_json::json!({"org": org, "founding_member_ids": ids})),
        },
    )
    .await?;
    w.commit().await?;
    Ok(org)
}

/// Checks a new branch's founding members: each visible, current and in the parent's subtree,
/// and at least `branch_min_full` of them full members on `established_on` (R3.1). Returns
/// (id, name) of each, in the order given.
async fn founding_members(
    db: &Db,
    scope: &Scope,
    parent: &OrgRow,
    name: &str,
    joint_branch: bool,
    established_on: NaiveDate,
    ids: &[i64],
) -> AppResult<Vec<(i64, String)>> {
    let mut conn = db.pool.acquire().await?;
    let mut out: Vec<(i64, String)> = Vec::new();
    let mut full = 0u32;
    for &id in ids {
        if out.iter().any(|m| m.0 == id) {
            continue;
        }
        let m = crate::repo::members::get(&mut conn, scope, id)
            .await?
            .filter(|m| m.left_on.is_none())
            .ok_or_else(|| AppError::invalid_field("founding_member_ids", "所选党员不存在或不在您的管理范围内"))?;
        if !m.org_path.starts_with(&parent.path) {
            return Err(AppError::invalid_field(
                "founding_member_ids",
                format!("{}不是「{}」所属的党员", m.row.name, parent.name),
            ));
        }
        if m.row.full_on.is_some_and(|d| d <= established_on) {
            full += 1;
        }
        out.push((id, m.row.name.clone()));
    }
    let settings = crate::rules::structure::StructureSettings::default();
    let findings = crate::rules::committee::check_founding(name, joint_branch, full, &settings);
    if !findings.is_empty() {
        return Err(AppError::from_findings(findings));
    }
    Ok(out)
}

/// Creates the root org (the 校党委) of an empty installation.
pub async fn create_root(db: &Db, scope: &Scope, name: &str, established_on: NaiveDate) -> AppResult<OrgRow> {
    let name = check_name(name)?;
    let mut w = db.begin_write().await?;
    if repo::root(&mut w.tx).await?.is_some() {
        return Err(AppError::invalid_field("name", "已存在根组织（校党委），不能重复创建"));
    }
    let new = NewOrg {
        parent_id: None,
        kind: OrgKind::UniversityCommittee,
        category: None,
        name,
        joint_branch: false,
        established_on,
        term_start: None,
    };
    let org = repo::insert(&mut w.tx, &new, "/", 0).await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "org",
            entity_id: Some(org.id),
            org_path: Some(&org.path),
            summary: format!("建立根组织「{}」", org.name),
            before: None,
            after: json(&org),
        },
    )
    .await?;
    w.commit().await?;
    Ok(org)
}

/// Edits an org; a rename or category change opens a new version on the effective date.
pub async fn update(db: &Db, scope: &Scope, id: i64, u: UpdateOrg) -> AppResult<OrgRow> {
    require_write(scope)?;
    let mut w = db.begin_write().await?;
    let before = repo::get(&mut w.tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    let mut after = before.clone();
    if let Some(n) = &u.name {
        after.name = check_name(n)?;
    }
    if u.category.is_some() {
        after.category = u.category;
    }
    if let Some(j) = u.joint_branch {
        after.joint_branch = j && after.kind == OrgKind::Branch;
    }
    if u.term_start.is_some() {
        after.term_start = u.term_start;
    }
    let on = u.effective_on.unwrap_or_else(crate::util::today);
    repo::update_attrs(&mut w.tx, &after).await?;
    if after.name != before.name || after.category != before.category {
        let reason = if after.name != before.name {
            format!("更名（原名：{}）", before.name)
        } else {
            "调整类别".to_string()
        };
        repo::insert_version(&mut w.tx, id, on, after.parent_id, after.kind, after.category, &after.name, &reason)
            .await?;
    }
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "update",
            entity: "org",
            entity_id: Some(id),
            org_path: Some(&after.path),
            summary: format!("修改组织「{}」", after.name),
            before: json(&before),
            after: json(&after),
        },
    )
    .await?;
    w.commit().await?;
    Ok(after)
}

/// Moves an org (and its subtree and members) under another parent.
pub async fn move_org(db: &Db, scope: &Scope, id: i64, m: MoveOrg) -> AppResult<OrgRow> {
    require_write(scope)?;
    let mut w = db.begin_write().await?;
    let org = repo::get(&mut w.tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    if org.parent_id.is_none() || org.id == scope.org_id {
        return Err(AppError::invalid_field("new_parent_id", "不能移动根组织或您自己的管理范围"));
    }
    let parent = repo::get(&mut w.tx, scope, m.new_parent_id)
        .await?
        .ok_or_else(|| AppError::invalid_field("new_parent_id", "新的上级组织不存在或不在您的管理范围内"))?;
    if parent.path.starts_with(&org.path) {
        return Err(AppError::invalid_field("new_parent_id", "不能把组织移到它自己或它的下级之下"));
    }
    if parent.dissolved_on.is_some() {
        return Err(AppError::invalid_field("new_parent_id", "新的上级组织已撤销"));
    }
    if !parent.kind.allowed_children().contains(&org.kind) {
        return Err(AppError::invalid_field(
            "new_parent_id",
            format!("「{}」下不能设立「{}」", parent.kind.label(), org.kind.label()),
        ));
    }
    let on = m.effective_on.unwrap_or_else(crate::util::today);
    let new_path = repo::reparent(&mut w.tx, &org, &parent).await?;
    repo::insert_version(&mut w.tx, id, on, Some(parent.id), org.kind, org.category, &org.name, "调整隶属关系").await?;
    let after = repo::get_unscoped(&mut w.tx, id).await?.ok_or_else(AppError::not_found)?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "move",
            entity: "org",
            entity_id: Some(id),
            org_path: Some(&new_path),
            summary: format!("「{}」隶属关系调整至「{}」", org.name, parent.name),
            before: json(&org),
            after: json(&after),
        },
    )
    .await?;
    w.commit().await?;
    Ok(after)
}

/// Dissolves an org that has no live children and no members.
pub async fn dissolve(db: &Db, scope: &Scope, id: i64, d: DissolveOrg) -> AppResult<OrgRow> {
    require_write(scope)?;
    let mut w = db.begin_write().await?;
    let org = repo::get(&mut w.tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    if org.parent_id.is_none() || org.id == scope.org_id {
        return Err(AppError::invalid_field("id", "不能撤销根组织或您自己的管理范围"));
    }
    if org.dissolved_on.is_some() {
        return Err(AppError::invalid_field("id", "该组织已撤销"));
    }
    let (children, members) = repo::occupancy(&mut w.tx, id).await?;
    if children > 0 || members > 0 {
        return Err(AppError::invalid_field(
            "id",
            format!("该组织还有 {children} 个下级组织、{members} 名党员，请先转出或撤销后再撤销本组织"),
        ));
    }
    let on = d.dissolved_on.unwrap_or_else(crate::util::today);
    if on < org.established_on {
        return Err(AppError::invalid_field("dissolved_on", "撤销日期不能早于成立日期"));
    }
    repo::dissolve(&mut w.tx, id, on).await?;
    let after = repo::get_unscoped(&mut w.tx, id).await?.ok_or_else(AppError::not_found)?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "dissolve",
            entity: "org",
            entity_id: Some(id),
            org_path: Some(&org.path),
            summary: format!("撤销「{}」（{}）", org.name, on),
            before: json(&org),
            after: json(&after),
        },
    )
    .await?;
    w.commit().await?;
    Ok(after)
}

/// Gives a member a seat on the org's committee. The member must belong to the org's subtree.
pub async fn add_position(db: &Db, scope: &Scope, org_id: i64, p: AddPosition) -> AppResult<PositionRow> {
    require_write(scope)?;
    let mut w = db.begin_write().await?;
    let org = repo::get(&mut w.tx, scope, org_id).await?.ok_or_else(AppError::not_found)?;
    let member = crate::repo::members::get(&mut w.tx, scope, p.member_id)
        .await?
        .ok_or_else(|| AppError::invalid_field("member_id", "党员不存在或不在您的管理范围内"))?;
    if !member.org_path.starts_with(&org.path) {
        return Err(AppError::invalid_field("member_id", format!("{}不是「{}」的党员", member.row.name, org.name)));
    }
    let start = p.start_on.unwrap_or_else(crate::util::today);
    let current = repo::positions(&mut w.tx, org_id).await?;
    let unique_role = matches!(p.role, PositionRole::Secretary);
    if unique_role && current.iter().any(|x| x.end_on.is_none() && x.role == p.role) {
        return Err(AppError::invalid_field("role", "该组织已有在任书记，请先免去原书记"));
    }
    if current.iter().any(|x| x.end_on.is_none() && x.member_id == p.member_id && x.role == p.role) {
        return Err(AppError::invalid_field("role", "该党员已担任此职务"));
    }
    let proposal = seat_proposal(&mut w.tx, &org, &member, &current, p.role, start).await?;
    let findings = crate::rules::committee::check_seat(&proposal, &Default::default());
    let justification = crate::service::members::opt_trim(&p.justification);
    let warned = crate::service::development::facts::judge(findings, justification.as_deref())?;
    let justification = if warned.is_empty() { None } else { justification };
    let id = repo::insert_position(&mut w.tx, org_id, p.member_id, p.role, start, justification.as_deref()).await?;
    let row =
        repo::positions(&mut w.tx, org_id).await?.into_iter().find(|x| x.id == id).ok_or_else(AppError::not_found)?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "position",
            entity_id: Some(id),
            org_path: Some(&org.path),
            summary: match &justification {
                Some(j) => format!(
                    "{}任「{}」{}（{}起；{}，特殊情况说明：{j}）",
                    member.row.name,
                    org.name,
                    p.role.label(),
                    start,
                    warned.join("、")
                ),
                None => format!("{}任「{}」{}（{}起）", member.row.name, org.name, p.role.label(), start),
            },
            before: None,
            after: json(&serde_json::json!({"position": row, "justification": justification, "warned_rules": warned})),
        },
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// What R1.17 and R3.3 need to judge a seat: the member's standing and penalties and the org's
/// full members and committee on the seat's start date.
async fn seat_proposal(
    conn: &mut crate::db::Conn,
    org: &OrgRow,
    member: &crate::repo::members::MemberDetail,
    current: &[PositionRow],
    role: PositionRole,
    start: NaiveDate,
) -> AppResult<crate::rules::committee::SeatProposal> {
    let penalties: Vec<_> =
        crate::repo::penalties::of_member(conn, member.row.id).await?.iter().map(|p| p.penalty()).collect();
    let full_members = crate::repo::org_terms::full_members_on(conn, &org.path, start).await?;
    let active: Vec<&PositionRow> =
        current.iter().filter(|x| x.start_on <= start && x.end_on.is_none_or(|e| e > start)).collect();
    let mut seated: std::collections::BTreeSet<i64> = active.iter().map(|x| x.member_id).collect();
    seated.insert(member.row.id);
    Ok(crate::rules::committee::SeatProposal {
        org_id: org.id,
        org_name: org.name.clone(),
        org_kind: org.kind,
        role,
        member_id: member.row.id,
        member_name: member.row.name.clone(),
        start_on: start,
        full_on_start: member.row.full_on.is_some_and(|d| d <= start),
        probation_penalty: crate::rules::penalty::under_probation_penalty(&penalties, start),
        full_members: u32::try_from(full_members).unwrap_or(u32::MAX),
        deputies: active
            .iter()
            .filter(|x| x.role == PositionRole::DeputySecretary && x.member_id != member.row.id)
            .count(),
        committee_size: seated.len(),
    })
}

/// Ends a committee seat.
pub async fn end_position(
    db: &Db,
    scope: &Scope,
    org_id: i64,
    position_id: i64,
    end_on: Option<NaiveDate>,
) -> AppResult<()> {
    require_write(scope)?;
    let mut w = db.begin_write().await?;
    let org = repo::get(&mut w.tx, scope, org_id).await?.ok_or_else(AppError::not_found)?;
    let pos = repo::positions(&mut w.tx, org_id)
        .await?
        .into_iter()
        .find(|x| x.id == position_id)
        .ok_or_else(AppError::not_found)?;
    let end = end_on.unwrap_or_else(crate::util::today);
    if end < pos.start_on {
        return Err(AppError::invalid_field("end_on", "免职日期不能早于任职日期"));
    }
    repo::end_position(&mut w.tx, position_id, end).await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "end",
            entity: "position",
            entity_id: Some(position_id),
            org_path: Some(&org.path),
            summary: format!("{}不再担任「{}」{}（{}）", pos.member_name, org.name, pos.role.label(), end),
            before: json(&pos),
            after: None,
        },
    )
    .await?;
    w.commit().await?;
    Ok(())
}

/// A node of the tree view with its own and its subtree's member counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TreeNode {
    /// Org id.
    pub id: i64,
    /// Parent.
    pub parent_id: Option<i64>,
    /// Kind.
    pub kind: OrgKind,
    /// Category.
    pub category: Option<OrgCategory>,
    /// Name (as of the requested date).
    pub name: String,
    /// Depth under the view's root (0 = root of the view).
    pub level: usize,
    /// Members directly in this org.
    pub direct: Counts,
    /// Members in the whole subtree.
    pub subtree: Counts,
    /// Dissolved (shown only when asked).
    pub dissolved: bool,
}

/// (id, parent, kind, category, name, dissolved) of one org while the tree is assembled.
type RawNode = (i64, Option<i64>, OrgKind, Option<OrgCategory>, String, bool);

/// The scope narrowed to one visible org's subtree (404 when the org is not visible).
pub async fn narrow(db: &Db, scope: &Scope, org: Option<i64>) -> AppResult<Scope> {
    match org {
        None => Ok(scope.clone()),
        Some(id) => {
            let mut conn = db.pool.acquire().await?;
            let o = repo::get(&mut conn, scope, id).await?.ok_or_else(AppError::not_found)?;
            let mut s = scope.clone();
            if scope.role != Role::Member {
                s.org_id = o.id;
                s.root_path = o.path;
            }
            Ok(s)
        }
    }
}

/// The visible tree in depth-first order, live (`as_of` None) or as it was on a date, from the
/// scope's anchor or from `root` (which must be visible today).
pub async fn tree(db: &Db, scope: &Scope, as_of: Option<NaiveDate>, root: Option<i64>) -> AppResult<Vec<TreeNode>> {
    let scope = &narrow(db, scope, root).await?;
    let mut conn = db.pool.acquire().await?;
    let mut nodes: Vec<RawNode> = Vec::new();
    let counts: HashMap<i64, Counts>;
    match as_of {
        None => {
            for o in repo::list(&mut conn, scope, false).await? {
                nodes.push((o.id, o.parent_id, o.kind, o.category, o.name, o.dissolved_on.is_some()));
            }
            counts = repo::direct_counts(&mut conn, scope).await?;
        }
        Some(d) => {
            for v in repo::versions_on(&mut conn, d).await? {
                nodes.push((v.org_id, v.parent_id, v.kind, v.category, v.name, false));
            }
            counts = repo::counts_on(&mut conn, d).await?;
        }
    }
    let anchor =
        if scope.org_id > 0 { scope.org_id } else { nodes.iter().find(|n| n.1.is_none()).map(|n| n.0).unwrap_or(0) };
    let mut children: BTreeMap<Option<i64>, Vec<usize>> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        children.entry(n.1).or_default().push(i);
    }
    let Some(anchor_idx) = nodes.iter().position(|n| n.0 == anchor) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut stack = vec![(anchor_idx, 0usize)];
    while let Some((i, level)) = stack.pop() {
        let n = &nodes[i];
        if scope.role == Role::Member && n.0 != scope.org_id {
            continue;
        }
        out.push(TreeNode {
            id: n.0,
            parent_id: n.1,
            kind: n.2,
            category: n.3,
            name: n.4.clone(),
            level,
            direct: counts.get(&n.0).copied().unwrap_or_default(),
            subtree: Counts::default(),
            dissolved: n.5,
        });
        if let Some(kids) = children.get(&Some(n.0)) {
            for &k in kids.iter().rev() {
                stack.push((k, level + 1));
            }
        }
    }
    // Subtree sums: walk backwards; every node's subtree is the contiguous run after it with a deeper level.
    for i in (0..out.len()).rev() {
        let mut s = out[i].direct;
        let mut j = i + 1;
        while j < out.len() && out[j].level > out[i].level {
            if out[j].level == out[i].level + 1 {
                s.full += out[j].subtree.full;
                s.probationary += out[j].subtree.probationary;
            }
            j += 1;
        }
        out[i].subtree = s;
    }
    Ok(out)
}
