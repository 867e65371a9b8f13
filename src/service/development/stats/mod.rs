//! Development statistics (issue 3 part 8, seed S9): the pipeline funnel per unit and stage,
//! development by category (students by year, young teachers, high degree, senior title), time
//! spent in each stage and the cases with justified overrides.
//!
//! The SQL is a handful of grouped queries over `development_case` / `development_step` with a
//! range predicate on `org_path` (no per-case query): the funnel groups by (org path, stage), so
//! its size is the number of branches, not of cases. The arithmetic (units, medians, category
//! tags) is in plain functions below with unit tests.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::auth::scope::Scope;
use crate::db::{Conn, Db};
use crate::domain::{Education, PersonCategory, Role, Title};
use crate::error::{AppError, AppResult};
use crate::repo::Args;
use crate::repo::orgs as orgs_repo;
use crate::rules::development::Stage;
use crate::util::{fmt_date, parse_date};

/// Statistics tags of seed S9 (PRACTICE / local policy, 校党字〔2012〕14号 三.6): kept in one place
/// so the university can change them. "青年教师" is not defined nationally: the default counts a
/// teacher younger than this on the event date (application or approval).
pub const YOUNG_TEACHER_MAX_AGE: i32 = 35;
/// Education values counted as 高学历 (S9).
pub const HIGH_DEGREES: &[Education] = &[Education::Doctorate, Education::Master];
/// Titles counted as 高职称 (S9).
pub const SENIOR_TITLES: &[Title] = &[Title::Senior, Title::AssociateSenior];
/// The person categories the 高学历 / 高职称 tags apply to (教职工; students are counted by year).
pub const STAFF_CATEGORIES: &[PersonCategory] = &[PersonCategory::Teacher, PersonCategory::Staff];
/// Most override rows listed (the per-rule counts always cover all of them).
pub const MAX_OVERRIDE_ROWS: i64 = 500;

/// Filters of the statistics.
#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Org whose subtree to count (default: the whole scope); its children are the units.
    pub org: Option<i64>,
    /// First day of the period (default 1 January of this year).
    pub from: Option<NaiveDate>,
    /// Last day of the period (default today).
    pub to: Option<NaiveDate>,
}

/// One unit of the funnel: open cases by current stage plus the events of the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FunnelRow {
    /// The unit (a child org of the root; `None` for cases held by the root org itself).
    pub org_id: Option<i64>,
    /// Its name.
    pub unit: String,
    /// Open cases at stage 入党申请.
    pub applicant: i64,
    /// Open cases at stage 入党积极分子.
    pub activist: i64,
    /// Open cases at stage 发展对象.
    pub candidate: i64,
    /// Open cases at stage 预备党员的接收 (steps 12–18).
    pub probationary: i64,
    /// Open cases at stage 教育考察和转正 (steps 19–25).
    pub full: i64,
    /// All open cases.
    pub open_total: i64,
    /// Applications handed in during the period (step 1).
    pub applied: i64,
    /// Admitted as 预备党员 during the period (step 17 approval).
    pub admitted: i64,
    /// Converted to 正式党员 during the period (step 24 approval).
    pub converted: i64,
}

/// One category of seed S9.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CategoryRow {
    /// Stable key (`student_2023`, `young_teacher`, `high_degree`, `senior_title`, `category_teacher` …).
    pub key: String,
    /// Chinese label.
    pub label: String,
    /// Applications in the period.
    pub applied: i64,
    /// Admitted as 预备党员 in the period.
    pub admitted: i64,
}

/// Days spent in one stage over the stages that ended in the period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StageTime {
    /// Stage id.
    pub stage: String,
    /// Chinese label.
    pub label: String,
    /// From which step to which.
    pub span: String,
    /// Closed stages counted.
    pub count: i64,
    /// Median days.
    pub median_days: Option<f64>,
    /// Mean days.
    pub mean_days: Option<f64>,
}

/// Overrides per rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = OverrideRuleCount)]
pub struct RuleCount {
    /// Rule id.
    pub rule: String,
    /// Overrides.
    pub count: i64,
    /// Distinct cases.
    pub cases: i64,
}

/// One justified override.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OverrideCase {
    /// Case id.
    pub case_id: i64,
    /// Person.
    pub name: String,
    /// Org holding the case.
    pub org_name: String,
    /// Rule id.
    pub rule: String,
    /// 特殊情况说明.
    pub reason: String,
    /// Who justified.
    pub user_name: String,
    /// When.
    pub created_at: String,
}

/// The whole statistics page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DevStats {
    /// Root org counted.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Period start.
    pub from: NaiveDate,
    /// Period end.
    pub to: NaiveDate,
    /// Funnel per unit.
    pub funnel: Vec<FunnelRow>,
    /// Sum of the funnel.
    pub funnel_total: FunnelRow,
    /// Seed S9 categories.
    pub categories: Vec<CategoryRow>,
    /// Young-teacher age limit used.
    pub young_teacher_max_age: i32,
    /// Time spent in each stage.
    pub stage_times: Vec<StageTime>,
    /// Overrides per rule (cases active in the period).
    pub overrides_by_rule: Vec<RuleCount>,
    /// The overrides themselves (at most [`MAX_OVERRIDE_ROWS`]).
    pub overrides: Vec<OverrideCase>,
    /// All overrides of cases active in the period.
    pub overrides_total: i64,
}

// ---------------------------------------------------------------- pure functions

/// A unit of the funnel: (org id, name, path).
pub type Unit = (i64, String, String);

/// Finds the unit of an org path by a hash lookup of its prefix (units are siblings, so their
/// paths have the same number of segments): O(1) per row even with thousands of units.
pub struct UnitIndex<'a> {
    by_path: HashMap<&'a str, usize>,
    /// Distinct numbers of '/' in the unit paths (one in practice).
    depths: Vec<usize>,
}

impl<'a> UnitIndex<'a> {
    /// Indexes `units` by path.
    pub fn new(units: &'a [Unit]) -> UnitIndex<'a> {
        let mut depths: Vec<usize> = units.iter().map(|u| u.2.matches('/').count()).collect();
        depths.sort_unstable();
        depths.dedup();
        UnitIndex { by_path: units.iter().enumerate().map(|(i, u)| (u.2.as_str(), i)).collect(), depths }
    }

    /// The unit whose path prefixes `path`, as an index into the units.
    pub fn of(&self, path: &str) -> Option<usize> {
        self.depths.iter().rev().find_map(|d| {
            let (end, _) = path.match_indices('/').nth(d.checked_sub(1)?)?;
            self.by_path.get(path.get(..=end)?).copied()
        })
    }
}

/// The unit whose path prefixes `path`, as an index into `units`.
pub fn unit_of(units: &[Unit], path: &str) -> Option<usize> {
    UnitIndex::new(units).of(path)
}

/// Builds the funnel: `open` rows are (org path, stage, count); `events` rows (org path, step, count).
/// Cases held by the root org itself (no unit) go to a row named `root_name` ("本级").
pub fn funnel(
    units: &[Unit],
    root_name: &str,
    open: &[(String, String, i64)],
    events: &[(String, String, i64)],
) -> (Vec<FunnelRow>, FunnelRow) {
    let mut rows: Vec<FunnelRow> =
        units.iter().map(|u| FunnelRow { org_id: Some(u.0), unit: u.1.clone(), ..Default::default() }).collect();
    let mut own = FunnelRow { org_id: None, unit: format!("{root_name}（本级）"), ..Default::default() };
    let index = UnitIndex::new(units);
    for (path, stage, n) in open {
        let r = match index.of(path).and_then(|i| rows.get_mut(i)) {
            Some(r) => r,
            None => &mut own,
        };
        match Stage::parse(stage) {
            Some(Stage::Applicant) => r.applicant += n,
            Some(Stage::Activist) => r.activist += n,
            Some(Stage::Candidate) => r.candidate += n,
            Some(Stage::Probationary) => r.probationary += n,
            Some(Stage::Full) => r.full += n,
            None => {}
        }
        r.open_total += n;
    }
    for (path, step, n) in events {
        let r = match index.of(path).and_then(|i| rows.get_mut(i)) {
            Some(r) => r,
            None => &mut own,
        };
        match step.as_str() {
            "application" => r.applied += n,
            "approval" => r.admitted += n,
            "conversion_approval" => r.converted += n,
            _ => {}
        }
    }
    if own != (FunnelRow { org_id: None, unit: own.unit.clone(), ..Default::default() }) {
        rows.push(own);
    }
    let mut total = FunnelRow { org_id: None, unit: "合计".into(), ..Default::default() };
    for r in &rows {
        total.applicant += r.applicant;
        total.activist += r.activist;
        total.candidate += r.candidate;
        total.probationary += r.probationary;
        total.full += r.full;
        total.open_total += r.open_total;
        total.applied += r.applied;
        total.admitted += r.admitted;
        total.converted += r.converted;
    }
    (rows, total)
}

/// Median and mean of a list of day counts (`None` when empty); the median of an even count is
/// the mean of the two middle values.
pub fn median_mean(days: &mut [i64]) -> (Option<f64>, Option<f64>) {
    if days.is_empty() {
        return (None, None);
    }
    days.sort_unstable();
    let n = days.len();
    let mid = n / 2;
    let median = if n % 2 == 1 {
        days.get(mid).map(|d| *d as f64)
    } else {
        match (days.get(mid - 1), days.get(mid)) {
            (Some(a), Some(b)) => Some((*a + *b) as f64 / 2.0),
            _ => None,
        }
    };
    let mean = days.iter().sum::<i64>() as f64 / n as f64;
    (median, Some((mean * 10.0).round() / 10.0))
}

/// The dates of the steps that bound the stages of one case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageDates {
    /// Step 1.
    pub application: Option<NaiveDate>,
    /// Step 3.
    pub activist: Option<NaiveDate>,
    /// Step 7.
    pub candidate: Option<NaiveDate>,
    /// Step 15.
    pub admission_vote: Option<NaiveDate>,
    /// Step 24.
    pub conversion_approval: Option<NaiveDate>,
}

/// The stages (start step, end step) whose duration is measured.
const STAGE_SPANS: [(Stage, &str, &str); 4] = [
    (Stage::Applicant, "入党申请人", "递交入党申请书 → 确定入党积极分子"),
    (Stage::Activist, "入党积极分子", "确定入党积极分子 → 确定发展对象"),
    (Stage::Candidate, "发展对象", "确定发展对象 → 支部大会讨论"),
    (Stage::Probationary, "预备期", "支部大会讨论（预备期起算）→ 转正审批"),
];

/// Time spent in each stage over the stages that closed (end step recorded) within `[from, to]`.
pub fn stage_times(cases: &[StageDates], from: NaiveDate, to: NaiveDate) -> Vec<StageTime> {
    let mut days: [Vec<i64>; 4] = Default::default();
    for c in cases {
        let spans = [
            (c.application, c.activist),
            (c.activist, c.candidate),
            (c.candidate, c.admission_vote),
            (c.admission_vote, c.conversion_approval),
        ];
        for (i, (a, b)) in spans.into_iter().enumerate() {
            if let (Some(a), Some(b), Some(v)) = (a, b, days.get_mut(i))
                && b >= from
                && b <= to
                && b >= a
            {
                v.push((b - a).num_days());
            }
        }
    }
    STAGE_SPANS
        .iter()
        .zip(days.iter_mut())
        .map(|((stage, label, span), d)| {
            let (median_days, mean_days) = median_mean(d);
            StageTime {
                stage: stage.as_str().into(),
                label: (*label).into(),
                span: (*span).into(),
                count: d.len() as i64,
                median_days,
                mean_days,
            }
        })
        .collect()
}

/// One grouped row of people with a step in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryFacts {
    /// `application` or `approval`.
    pub step: String,
    /// Person category.
    pub category: Option<PersonCategory>,
    /// 入学年份.
    pub enrollment_year: Option<i64>,
    /// Education.
    pub education: Option<Education>,
    /// Title.
    pub title: Option<Title>,
    /// Birth date (teachers only: for the young-teacher tag).
    pub birth_date: Option<NaiveDate>,
    /// Step date (teachers only).
    pub on: Option<NaiveDate>,
    /// People in the group.
    pub n: i64,
}

/// Counts seed S9 categories: one row per person category, students per 入学年份, then the
/// young-teacher, 高学历 and 高职称 tags (a person may carry several tags).
pub fn categories(rows: &[CategoryFacts]) -> Vec<CategoryRow> {
    // Ordered by group, then person category (display order) or 入学年份, then key.
    let mut out: BTreeMap<(u8, i64, String), CategoryRow> = BTreeMap::new();
    let mut add = |order: (u8, i64), key: String, label: String, step: &str, n: i64| {
        let r =
            out.entry((order.0, order.1, key.clone())).or_insert(CategoryRow { key, label, applied: 0, admitted: 0 });
        match step {
            "application" => r.applied += n,
            "approval" => r.admitted += n,
            _ => {}
        }
    };
    let cat_order = |c: PersonCategory| PersonCategory::ALL.iter().position(|x| *x == c).unwrap_or(0) as i64;
    for c in PersonCategory::ALL {
        add((0, cat_order(*c)), format!("category_{}", c.as_str()), c.label().to_string(), "", 0);
    }
    for r in rows {
        if let Some(c) = r.category {
            add((0, cat_order(c)), format!("category_{}", c.as_str()), c.label().to_string(), &r.step, r.n);
        }
        if r.category == Some(PersonCategory::Student) {
            match r.enrollment_year {
                Some(y) => add((1, y), format!("student_{y}"), format!("学生（{y}级）"), &r.step, r.n),
                None => add((1, i64::MAX), "student_unknown".into(), "学生（入学年份未填）".into(), &r.step, r.n),
            }
        }
        if r.category == Some(PersonCategory::Teacher)
            && let (Some(b), Some(on)) = (r.birth_date, r.on)
            && crate::calendar::age_on(b, on) < YOUNG_TEACHER_MAX_AGE
        {
            add((2, 0), "young_teacher".into(), format!("青年教师（{YOUNG_TEACHER_MAX_AGE}岁以下）"), &r.step, r.n);
        }
        let staff = r.category.is_some_and(|c| STAFF_CATEGORIES.contains(&c));
        if staff && r.education.is_some_and(|e| HIGH_DEGREES.contains(&e)) {
            add((3, 0), "high_degree".into(), "高学历（博士、硕士）".into(), &r.step, r.n);
        }
        if staff && r.title.is_some_and(|t| SENIOR_TITLES.contains(&t)) {
            add((4, 0), "senior_title".into(), "高职称（正高、副高）".into(), &r.step, r.n);
        }
    }
    for (order, key, label) in [
        (2, "young_teacher", format!("青年教师（{YOUNG_TEACHER_MAX_AGE}岁以下）")),
        (3, "high_degree", "高学历（博士、硕士）".to_string()),
        (4, "senior_title", "高职称（正高、副高）".to_string()),
    ] {
        add((order, 0), key.into(), label, "", 0);
    }
    out.into_values().collect()
}

/// The default period: 1 January of `today`'s year to `today`.
pub fn period(q: &StatsQuery, today: NaiveDate) -> AppResult<(NaiveDate, NaiveDate)> {
    let to = q.to.unwrap_or(today);
    let from = q.from.unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    if from > to {
        return Err(AppError::invalid_field("from", "起始日期不能晚于结束日期"));
    }
    Ok((from, to))
}

// ---------------------------------------------------------------- queries

fn opt_date(r: &sqlx::any::AnyRow, col: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
    let s: Option<String> = r.try_get(col)?;
    Ok(s.as_deref().and_then(parse_date))
}

/// Computes the statistics of the scope (or the `org` subtree) for the period.
pub async fn compute(db: &Db, scope: &Scope, q: &StatsQuery) -> AppResult<DevStats> {
    if scope.role == Role::Member {
        return Err(AppError::forbidden("党员账号不能查看发展党员统计"));
    }
    let (from, to) = period(q, crate::util::today())?;
    let mut conn = db.pool.acquire().await?;
    let root_id = q.org.unwrap_or(scope.org_id);
    let root = match orgs_repo::get(&mut conn, scope, root_id).await? {
        Some(o) => o,
        None if q.org.is_none() => orgs_repo::root(&mut conn).await?.ok_or_else(AppError::not_found)?,
        None => return Err(AppError::not_found()),
    };
    let path = if q.org.is_none() { scope.root_path.clone() } else { root.path.clone() };
    let units = units(&mut conn, root.id).await?;
    let (f, t) = (fmt_date(from), fmt_date(to));

    let open = open_by_stage(&mut conn, &path).await?;
    let events = events(&mut conn, &path, &f, &t).await?;
    let (funnel, funnel_total) = funnel(&units, &root.name, &open, &events);
    let categories = categories(&category_facts(&mut conn, &path, &f, &t).await?);
    let stage_times = stage_times(&stage_dates(&mut conn, &path, &f, &t).await?, from, to);
    let (overrides_by_rule, overrides, overrides_total) = overrides(&mut conn, &path, &f, &t).await?;
    Ok(DevStats {
        org_id: root.id,
        org_name: root.name,
        from,
        to,
        funnel,
        funnel_total,
        categories,
        young_teacher_max_age: YOUNG_TEACHER_MAX_AGE,
        stage_times,
        overrides_by_rule,
        overrides,
        overrides_total,
    })
}

/// The children of the root org (not dissolved): the units of the funnel.
async fn units(conn: &mut Conn, root_id: i64) -> Result<Vec<Unit>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, path FROM org WHERE parent_id = $1 AND dissolved_on IS NULL ORDER BY sort_order, id",
    )
    .bind(root_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?, r.try_get("path")?))).collect()
}

async fn open_by_stage(conn: &mut Conn, path: &str) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let mut args = Args::default();
    let cond = crate::repo::prefix_cond("c.org_path", path, &mut args);
    let sql = format!(
        "SELECT c.org_path, c.stage, COUNT(*) AS n FROM development_case c WHERE {cond} AND c.status = 'open' \
         GROUP BY c.org_path, c.stage"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get("org_path")?, r.try_get("stage")?, r.try_get("n")?))).collect()
}

async fn events(conn: &mut Conn, path: &str, from: &str, to: &str) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let mut args = Args::default();
    let cond = crate::repo::prefix_cond("c.org_path", path, &mut args);
    let (f, t) = (args.text(from), args.text(to));
    let sql = format!(
        "SELECT c.org_path, s.step, COUNT(DISTINCT s.case_id) AS n FROM development_step s \
         JOIN development_case c ON c.id = s.case_id \
         WHERE {cond} AND s.step IN ('application', 'approval', 'conversion_approval') \
         AND s.done_on >= {f} AND s.done_on <= {t} GROUP BY c.org_path, s.step"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get("org_path")?, r.try_get("step")?, r.try_get("n")?))).collect()
}

async fn category_facts(conn: &mut Conn, path: &str, from: &str, to: &str) -> Result<Vec<CategoryFacts>, sqlx::Error> {
    let mut args = Args::default();
    let cond = crate::repo::prefix_cond("c.org_path", path, &mut args);
    let (f, t) = (args.text(from), args.text(to));
    // Birth and step dates only for teachers (the young-teacher tag), so the groups stay few.
    let sql = format!(
        "SELECT s.step, pe.category, pe.enrollment_year, pe.education, pe.title, \
         CASE WHEN pe.category = 'teacher' THEN pe.birth_date END AS bd, \
         CASE WHEN pe.category = 'teacher' THEN s.done_on END AS ev, COUNT(*) AS n \
         FROM development_step s JOIN development_case c ON c.id = s.case_id JOIN person pe ON pe.id = c.person_id \
         WHERE {cond} AND s.step IN ('application', 'approval') AND s.done_on >= {f} AND s.done_on <= {t} \
         GROUP BY 1, 2, 3, 4, 5, 6, 7"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let category: Option<String> = r.try_get("category")?;
            let education: Option<String> = r.try_get("education")?;
            let title: Option<String> = r.try_get("title")?;
            Ok(CategoryFacts {
                step: r.try_get("step")?,
                category: category.as_deref().and_then(PersonCategory::parse),
                enrollment_year: r.try_get("enrollment_year")?,
                education: education.as_deref().and_then(Education::parse),
                title: title.as_deref().and_then(Title::parse),
                birth_date: opt_date(r, "bd")?,
                on: opt_date(r, "ev")?,
                n: r.try_get("n")?,
            })
        })
        .collect()
}

/// One row per case with a stage ending in the period: the dates of the bounding steps.
async fn stage_dates(conn: &mut Conn, path: &str, from: &str, to: &str) -> Result<Vec<StageDates>, sqlx::Error> {
    let mut args = Args::default();
    let cond = crate::repo::prefix_cond("c.org_path", path, &mut args);
    let (f, t) = (args.text(from), args.text(to));
    let sql = format!(
        "SELECT s.case_id, \
         MIN(CASE WHEN s.step = 'application' THEN s.done_on END) AS a1, \
         MIN(CASE WHEN s.step = 'activist_recommendation' THEN s.done_on END) AS a3, \
         MIN(CASE WHEN s.step = 'candidate_determination' THEN s.done_on END) AS a7, \
         MIN(CASE WHEN s.step = 'admission_vote' THEN s.done_on END) AS a15, \
         MIN(CASE WHEN s.step = 'conversion_approval' THEN s.done_on END) AS a24 \
         FROM development_step s JOIN development_case c ON c.id = s.case_id \
         WHERE {cond} AND s.step IN ('application', 'activist_recommendation', 'candidate_determination', \
         'admission_vote', 'conversion_approval') \
         GROUP BY s.case_id \
         HAVING MAX(CASE WHEN s.step <> 'application' AND s.done_on >= {f} AND s.done_on <= {t} THEN 1 ELSE 0 END) = 1"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok(StageDates {
                application: opt_date(r, "a1")?,
                activist: opt_date(r, "a3")?,
                candidate: opt_date(r, "a7")?,
                admission_vote: opt_date(r, "a15")?,
                conversion_approval: opt_date(r, "a24")?,
            })
        })
        .collect()
}

/// Overrides of the cases active in the period (opened by its end, not closed before its start).
async fn overrides(
    conn: &mut Conn,
    path: &str,
    from: &str,
    to: &str,
) -> Result<(Vec<RuleCount>, Vec<OverrideCase>, i64), sqlx::Error> {
    let mut args = Args::default();
    let cond = crate::repo::prefix_cond("c.org_path", path, &mut args);
    let (f, t) = (args.text(from), args.text(to));
    let active = format!("{cond} AND c.opened_on <= {t} AND (c.closed_on IS NULL OR c.closed_on >= {f})");
    let sql = format!(
        "SELECT v.rule, COUNT(*) AS n, COUNT(DISTINCT v.case_id) AS cases FROM development_override v \
         JOIN development_case c ON c.id = v.case_id WHERE {active} GROUP BY v.rule"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    let mut by_rule: Vec<RuleCount> = rows
        .iter()
        .map(|r| Ok(RuleCount { rule: r.try_get("rule")?, count: r.try_get("n")?, cases: r.try_get("cases")? }))
        .collect::<Result<_, sqlx::Error>>()?;
    by_rule.sort_by_key(|a| rule_order(&a.rule));
    let total = by_rule.iter().map(|r| r.count).sum();
    let sql = format!(
        "SELECT v.case_id, pe.name, o.name AS org_name, v.rule, v.reason, v.user_name, v.created_at \
         FROM development_override v JOIN development_case c ON c.id = v.case_id \
         JOIN person pe ON pe.id = c.person_id JOIN org o ON o.id = c.org_id \
         WHERE {active} ORDER BY v.id DESC LIMIT {MAX_OVERRIDE_ROWS}"
    );
    let rows = args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    let list = rows
        .iter()
        .map(|r| {
            Ok(OverrideCase {
                case_id: r.try_get("case_id")?,
                name: r.try_get("name")?,
                org_name: r.try_get("org_name")?,
                rule: r.try_get("rule")?,
                reason: r.try_get("reason")?,
                user_name: r.try_get("user_name")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((by_rule, list, total))
}

/// Sorts "R1.4" before "R1.13" (numeric parts compared as numbers).
fn rule_order(rule: &str) -> Vec<u32> {
    rule.trim_start_matches(|c: char| !c.is_ascii_digit()).split('.').filter_map(|p| p.parse().ok()).collect()
}

// ---------------------------------------------------------------- xlsx

mod xlsx;
pub use xlsx::to_xlsx;

#[cfg(test)]
mod tests;
