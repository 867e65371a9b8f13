//! The demo university: a deterministic synthetic tree, people, members and committees, loaded
//! with bulk inserts, plus one demo account per role.

pub mod bulk_cases;
pub mod cases;
pub mod generate;
pub mod names;

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::Row;

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::domain::{OrgKind, Role};
use crate::repo::{Arg, insert_rows};
use crate::util::{fmt_date, now_rfc3339, pinyin_keys};
use generate::{DemoSpec, generate_unit};

/// The password of every demo account (printed by `serve --demo`; change it in production).
pub const DEMO_PASSWORD: &str = "jiceng2026";

/// One demo account.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Login.
    pub username: String,
    /// Role.
    pub role: Role,
    /// What it manages.
    pub scope_name: String,
}

/// What a load produced.
#[derive(Debug, Clone)]
pub struct LoadSummary {
    /// Orgs inserted.
    pub orgs: usize,
    /// Members inserted.
    pub members: usize,
    /// Demo accounts.
    pub accounts: Vec<DemoAccount>,
    /// Development cases opened.
    pub cases: usize,
}

/// True when the database has no org yet.
pub async fn is_empty(db: &Db) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM org").fetch_one(&db.pool).await?.try_get("n")?;
    Ok(n == 0)
}

fn t(s: impl Into<String>) -> Arg {
    Arg::Text(s.into())
}
fn ot(s: Option<String>) -> Arg {
    Arg::OptText(s)
}

/// Loads a spec into an empty database: each unit in its own transaction, progress on stderr.
pub async fn load(db: &Db, spec: &DemoSpec, progress: bool) -> anyhow::Result<LoadSummary> {
    anyhow::ensure!(is_empty(db).await?, "数据库中已有组织数据，演示数据只能载入空数据库");
    let now = now_rfc3339();
    let root_est = NaiveDate::from_ymd_opt(1952, 10, 1).unwrap_or_default();
    let root_term = crate::calendar::add_years(spec.today, -3);
    let mut next_org: i64 = 1;
    let mut next_person: i64 = 1;
    let mut next_member: i64 = 1;
    let root_id = next_org;
    next_org += 1;
    {
        let mut w = db.begin_write().await?;
        insert_rows(
            &mut w.tx,
            "org",
            &[
                "id",
                "parent_id",
                "kind",
                "category",
                "name",
                "path",
                "depth",
                "joint_branch",
                "established_on",
                "term_start",
                "sort_order",
                "created_at",
                "updated_at",
            ],
            vec![vec![
                Arg::Int(root_id),
                Arg::OptInt(None),
                t(OrgKind::UniversityCommittee.as_str()),
                ot(None),
                t(format!("中共{}委员会", spec.university_name)),
                t(format!("/{root_id}/")),
                Arg::Int(0),
                Arg::Int(0),
                t(fmt_date(root_est)),
                t(fmt_date(root_term)),
                Arg::Int(0),
                t(now.clone()),
                t(now.clone()),
            ]],
        )
        .await?;
        insert_rows(
            &mut w.tx,
            "org_version",
            &["org_id", "valid_from", "parent_id", "kind", "category", "name", "change_reason"],
            vec![vec![
                Arg::Int(root_id),
                t(fmt_date(root_est)),
                Arg::OptInt(None),
                t(OrgKind::UniversityCommittee.as_str()),
                ot(None),
                t(format!("中共{}委员会", spec.university_name)),
                t("成立"),
            ]],
        )
        .await?;
        w.commit().await?;
    }
    let bar = if progress {
        let b = ProgressBar::new(spec.units as u64);
        b.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} 单位 {elapsed_precise}，剩余约 {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.set_message("载入演示数据");
        b
    } else {
        ProgressBar::hidden()
    };
    let mut total_orgs = 1;
    let mut total_members = 0;
    let mut first_unit: Option<(i64, String)> = None;
    let mut first_branch: Option<(i64, String, i64, String)> = None;
    for i in 0..spec.units {
        let unit = generate_unit(spec, i);
        let base_org = next_org;
        let base_person = next_person;
        let base_member = next_member;
        let mut org_rows = Vec::with_capacity(unit.orgs.len());
        let mut version_rows = Vec::with_capacity(unit.orgs.len());
        let mut paths: Vec<String> = Vec::with_capacity(unit.orgs.len());
        for (k, o) in unit.orgs.iter().enumerate() {
            let id = base_org + k as i64;
            let (parent_id, parent_path, depth) = match o.parent {
                Some(p) => (
                    base_org + p as i64,
                    paths.get(p).cloned().unwrap_or_default(),
                    paths.get(p).map(|x| x.matches('/').count() as i64 - 1).unwrap_or(1),
                ),
                None => (root_id, format!("/{root_id}/"), 1),
            };
            let path = format!("{parent_path}{id}/");
            paths.push(path.clone());
            org_rows.push(vec![
                Arg::Int(id),
                Arg::Int(parent_id),
                t(o.kind.as_str()),
                ot(o.category.map(|c| c.as_str().to_string())),
                t(o.name.clone()),
                t(path),
                Arg::Int(depth),
                Arg::Int(i64::from(o.joint_branch)),
                t(fmt_date(o.established_on)),
                ot(o.term_start.map(fmt_date)),
                Arg::Int(k as i64),
                t(now.clone()),
                t(now.clone()),
            ]);
            version_rows.push(vec![
                Arg::Int(id),
                t(fmt_date(o.established_on)),
                Arg::Int(parent_id),
                t(o.kind.as_str()),
                ot(o.category.map(|c| c.as_str().to_string())),
                t(o.name.clone()),
                t("成立"),
            ]);
            if k == 0 && first_unit.is_none() && o.kind == OrgKind::CollegeCommittee {
                first_unit = Some((id, o.name.clone()));
            }
        }
        let mut person_rows = Vec::with_capacity(unit.persons.len());
        for p in &unit.persons {
            let id = next_person;
            next_person += 1;
            let (py, ini) = pinyin_keys(&p.name);
            person_rows.push(vec![
                Arg::Int(id),
                t(p.name.clone()),
                t(py),
                t(ini),
                t(p.gender.as_str()),
                t(p.ethnicity.clone()),
                t(fmt_date(p.birth_date)),
                t(p.id_card_no.clone()),
                t(p.staff_no.clone()),
                t(p.education.as_str()),
                t(p.title.as_str()),
                t(p.category.as_str()),
                t(p.phone.clone()),
                Arg::OptInt(p.enrollment_year.map(i64::from)),
                t(now.clone()),
                t(now.clone()),
            ]);
        }
        let mut member_rows = Vec::with_capacity(unit.members.len());
        let mut period_rows = Vec::with_capacity(unit.members.len());
        let mut event_rows = Vec::new();
        for m in &unit.members {
            let id = next_member;
            next_member += 1;
            let org_id = base_org + m.org as i64;
            let person = unit.persons.get(m.person);
            let sort_key = person.map(|p| crate::util::pinyin_sort_key(&p.name)).unwrap_or_default();
            member_rows.push(vec![
                Arg::Int(id),
                Arg::Int(base_person + m.person as i64),
                Arg::Int(org_id),
                t(paths.get(m.org).cloned().unwrap_or_default()),
                t(m.status.as_str()),
                t(fmt_date(m.joined_on)),
                ot(m.full_on.map(fmt_date)),
                t(m.special_status.as_str()),
                ot(m.special_status_since.map(fmt_date)),
                t(sort_key),
                t(now.clone()),
                t(now.clone()),
            ]);
            // Members are placed in their branch from the later of joining and the branch's founding.
            let est = unit.orgs.get(m.org).map(|o| o.established_on).unwrap_or(m.joined_on);
            period_rows.push(vec![Arg::Int(id), Arg::Int(org_id), t(fmt_date(m.joined_on.max(est))), t("入党")]);
            if m.special_status.as_str() != "normal" {
                event_rows.push(vec![
                    Arg::Int(id),
                    t("special_status"),
                    ot(Some("normal".into())),
                    t(m.special_status.as_str()),
                    t(fmt_date(m.special_status_since.unwrap_or(m.joined_on))),
                    t(now.clone()),
                ]);
            }
            if first_branch.is_none()
                && unit.orgs.get(m.org).map(|o| o.kind) == Some(OrgKind::Branch)
                && m.status.as_str() == "full"
            {
                let branch_name = unit.orgs.get(m.org).map(|o| o.name.clone()).unwrap_or_default();
                first_branch = Some((org_id, branch_name, id, person.map(|p| p.name.clone()).unwrap_or_default()));
            }
        }
        let mut position_rows = Vec::with_capacity(unit.positions.len());
        for p in &unit.positions {
            position_rows.push(vec![
                Arg::Int(base_org + p.org as i64),
                Arg::Int(base_member + p.member as i64),
                t(p.role.as_str()),
                t(fmt_date(p.start_on)),
                ot(p.end_on.map(fmt_date)),
            ]);
        }
        next_org += unit.orgs.len() as i64;
        total_orgs += unit.orgs.len();
        total_members += unit.members.len();
        let mut w = db.begin_write().await?;
        insert_rows(
            &mut w.tx,
            "org",
            &[
                "id",
                "parent_id",
                "kind",
                "category",
                "name",
                "path",
                "depth",
                "joint_branch",
                "established_on",
                "term_start",
                "sort_order",
                "created_at",
                "updated_at",
            ],
            org_rows,
        )
        .await?;
        insert_rows(
            &mut w.tx,
            "org_version",
            &["org_id", "valid_from", "parent_id", "kind", "category", "name", "change_reason"],
            version_rows,
        )
        .await?;
        insert_rows(
            &mut w.tx,
            "person",
            &[
                "id",
                "name",
                "name_pinyin",
                "name_initials",
                "gender",
                "ethnicity",
                "birth_date",
                "id_card_no",
                "staff_no",
                "education",
                "title",
                "category",
                "phone",
                "enrollment_year",
                "created_at",
                "updated_at",
            ],
            person_rows,
        )
        .await?;
        insert_rows(
            &mut w.tx,
            "member",
            &[
                "id",
                "person_id",
                "org_id",
                "org_path",
                "status",
                "joined_on",
                "full_on",
                "special_status",
                "special_status_since",
                "sort_key",
                "created_at",
                "updated_at",
            ],
            member_rows,
        )
        .await?;
        insert_rows(&mut w.tx, "membership_period", &["member_id", "org_id", "start_on", "reason"], period_rows)
            .await?;
        insert_rows(
            &mut w.tx,
            "member_status_event",
            &["member_id", "field", "old_value", "new_value", "effective_on", "created_at"],
            event_rows,
        )
        .await?;
        insert_rows(&mut w.tx, "org_position", &["org_id", "member_id", "role", "start_on", "end_on"], position_rows)
            .await?;
        w.commit().await?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    for table in ["org", "person", "member"] {
        if let Some(sql) = db.backend.reset_identity_sql(table) {
            sqlx::query(&sql).execute(&db.pool).await?;
        }
    }
    // Fresh statistics, or the planners guess badly on freshly bulk-loaded tables.
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    let accounts = create_accounts(db, root_id, first_unit, first_branch).await?;
    // Development cases for the university and larger; small custom specs (the test suites'
    // fixtures, which count cases, members and orgs) stay without them.
    let mut total_cases =
        if spec.members >= cases::MIN_MEMBERS { cases::load_cases(db, spec.today, spec.seed).await? } else { 0 };
    if spec.members >= bulk_cases::MIN_MEMBERS {
        total_cases += bulk_cases::load(db, spec.today, spec.seed).await?;
        sqlx::query("ANALYZE").execute(&db.pool).await?;
    }
    let mut w = db.begin_write().await?;
    crate::repo::audit::append(
        &mut w.tx,
        &Scope::system("系统（演示数据）"),
        crate::repo::audit::AuditEntry {
            action: "demo_load",
            entity: "org",
            entity_id: Some(root_id),
            org_path: Some(&format!("/{root_id}/")),
            summary: format!(
                "载入演示数据：{} 个组织，{} 名党员，{} 份发展党员档案（种子 {}）",
                total_orgs, total_members, total_cases, spec.seed
            ),
            before: None,
            after: None,
        },
    )
    .await?;
    w.commit().await?;
    Ok(LoadSummary { orgs: total_orgs, members: total_members, accounts, cases: total_cases })
}

async fn create_accounts(
    db: &Db,
    root_id: i64,
    unit: Option<(i64, String)>,
    branch: Option<(i64, String, i64, String)>,
) -> anyhow::Result<Vec<DemoAccount>> {
    let hash = crate::service::users::hash_password(DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let mut out = Vec::new();
    let mut w = db.begin_write().await?;
    let mut add =
        |username: &str, display: &str, role: Role, org: Option<i64>, member: Option<i64>, scope_name: String| {
            out.push((username.to_string(), display.to_string(), role, org, member, scope_name));
        };
    add("admin", "组织部管理员", Role::SchoolAdmin, Some(root_id), None, "全校".into());
    if let Some((id, name)) = &unit {
        add("college", "学院党委管理员", Role::UnitAdmin, Some(*id), None, name.clone());
        add("inspector", "督查组", Role::Inspector, Some(*id), None, name.clone());
    }
    if let Some((bid, bname, mid, mname)) = &branch {
        add("branch", "支部书记", Role::BranchAdmin, Some(*bid), None, bname.clone());
        add("member", mname, Role::Member, Some(*bid), Some(*mid), format!("{mname}（本人）"));
    }
    let mut accounts = Vec::new();
    for (username, display, role, org, member, scope_name) in out {
        crate::repo::users::insert(&mut w.tx, &username, &display, &hash, role, org, member).await?;
        accounts.push(DemoAccount { username, role, scope_name });
    }
    w.commit().await?;
    Ok(accounts)
}
