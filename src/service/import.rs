//! Roster import: parse an xlsx/csv, check every row, preview the errors, then commit all rows
//! in one transaction or none.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use sqlx::Row;

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::domain::{Education, Gender, MemberStatus, OrgKind, PersonCategory, SpecialStatus, Title};
use crate::error::{AppError, AppResult};
use crate::excel::{self, ExcelError, MEMBER_COLUMNS, RawRow};
use crate::repo::audit::{self, AuditEntry};
use crate::repo::members::{MembershipFields, PersonFields};
use crate::repo::orgs::OrgRow;
use crate::service::members::{MemberInput, insert_validated, validate};
use crate::service::require_write;

/// Most data rows one upload may hold.
pub const MAX_IMPORT_ROWS: usize = 20_000;

/// One problem in one row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The row number as Excel shows it.
    pub line: usize,
    /// Column key (`id_card_no`…), empty for whole-row problems.
    pub field: String,
    /// Column header in Chinese.
    pub column: String,
    /// "第12行：身份证号校验位错误".
    pub message: String,
    /// RULES.md id when a rule refused the row.
    pub rule: Option<String>,
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Data rows read.
    pub total: usize,
    /// Rows without errors.
    pub valid: usize,
    /// Every error, by row.
    pub errors: Vec<RowError>,
    /// True when the rows were written.
    pub committed: bool,
    /// Members created.
    pub created: usize,
    /// First rows as they will be imported (preview).
    pub preview: Vec<PreviewRow>,
}

/// A row as it will be imported.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PreviewRow {
    /// Row number.
    pub line: usize,
    /// Name.
    pub name: String,
    /// Branch.
    pub org_name: String,
    /// Stage label.
    pub status: String,
    /// Joined.
    pub joined_on: String,
}

fn header_of(key: &str) -> &'static str {
    MEMBER_COLUMNS.iter().find(|c| c.key == key).map(|c| c.header).unwrap_or("")
}

/// The org a row names (by name or number) among the caller's orgs: exactly one, else the row's message.
pub(crate) fn unique_org(orgs: &HashMap<String, Vec<OrgRow>>, name: &str) -> Result<OrgRow, String> {
    let hits = orgs.get(name.trim()).cloned().unwrap_or_default();
    match hits.len() {
        1 => hits.into_iter().next().ok_or_else(String::new),
        0 => Err(format!("找不到党支部「{name}」，或它不在您的管理范围内")),
        _ => Err(format!("有多个组织名为「{name}」，请改填组织编号")),
    }
}

fn row_error(line: usize, field: &str, msg: &str, rule: Option<String>) -> RowError {
    let column = header_of(field).to_string();
    let message = format!("第{line}行：{msg}");
    RowError { line, field: field.to_string(), column, message, rule }
}

/// Maps a table error to the API error: layout problems are 422, unreadable files 400.
fn excel_error(e: ExcelError) -> AppError {
    match e {
        ExcelError::Layout(m) => AppError::invalid_field("file", m).with_code("bad_layout", 422),
        ExcelError::Corrupt(m) => AppError::bad_request("file", format!("文件无法读取：{m}")),
        ExcelError::Write(m) => AppError::internal(anyhow::anyhow!(m)),
    }
}

struct Parsed {
    line: usize,
    person: PersonFields,
    membership: MembershipFields,
    org: OrgRow,
}

fn parse_row(
    raw: &RawRow,
    orgs: &HashMap<String, Vec<OrgRow>>,
    today: chrono::NaiveDate,
    errors: &mut Vec<RowError>,
) -> Option<Parsed> {
    let line = raw.line;
    let cell = |k: &str| raw.cells.get(k).cloned();
    let before = errors.len();
    let mut enum_field = |key: &str, ok: bool| {
        if !ok {
            errors.push(row_error(
                line,
                key,
                &format!("{}的值「{}」不在可选范围内", header_of(key), cell(key).unwrap_or_default()),
                None,
            ));
        }
    };
    let gender = cell("gender").map(|s| Gender::parse(&s));
    enum_field("gender", !matches!(gender, Some(None)));
    let category = cell("category").map(|s| PersonCategory::parse(&s));
    enum_field("category", !matches!(category, Some(None)));
    let education = cell("education").map(|s| Education::parse(&s));
    enum_field("education", !matches!(education, Some(None)));
    let title = cell("title").map(|s| Title::parse(&s));
    enum_field("title", !matches!(title, Some(None)));
    let status = cell("status").map(|s| MemberStatus::parse(&s));
    enum_field("status", !matches!(status, Some(None)));
    let special = cell("special_status").map(|s| SpecialStatus::parse(&s));
    enum_field("special_status", !matches!(special, Some(None)));
    let mut date = |key: &str| match cell(key) {
        None => None,
        Some(s) => match excel::parse_date_loose(&s) {
            Some(d) => Some(d),
            None => {
                errors.push(row_error(
                    line,
                    key,
                    &format!("{}「{}」不是有效日期（示例：2024-05-01）", header_of(key), s),
                    None,
                ));
                None
            }
        },
    };
    let birth_date = date("birth_date");
    let joined_on = date("joined_on");
    let full_on = date("full_on");
    let enrollment_year = match cell("enrollment_year") {
        None => None,
        Some(s) => match s.trim().parse::<i64>() {
            Ok(y) => Some(y),
            Err(_) => {
                errors.push(row_error(line, "enrollment_year", &format!("入学年份「{s}」应为四位数字"), None));
                None
            }
        },
    };
    let org = cell("branch").and_then(|name| match unique_org(orgs, &name) {
        Ok(o) => Some(o),
        Err(m) => {
            errors.push(row_error(line, "branch", &m, None));
            None
        }
    });
    if let Some(o) = &org
        && !matches!(o.kind, OrgKind::Branch | OrgKind::Group)
    {
        errors.push(row_error(
            line,
            "branch",
            &format!("「{}」不是党支部或党小组，党员须编入支部（党章第八条）", o.name),
            Some("R2.3".into()),
        ));
    }
    if errors.len() > before {
        return None;
    }
    let input = MemberInput {
        name: cell("name").unwrap_or_default(),
        gender: gender.flatten(),
        ethnicity: cell("ethnicity"),
        birth_date,
        id_card_no: cell("id_card_no"),
        staff_no: cell("staff_no"),
        education: education.flatten(),
        title: title.flatten(),
        category: category.flatten(),
        phone: cell("phone"),
        enrollment_year,
        org_id: org.as_ref().map(|o| o.id),
        status: status.flatten(),
        joined_on,
        full_on,
        special_status: special.flatten(),
        special_status_since: None,
        reason: None,
    };
    match validate(&input, today) {
        Ok((person, membership)) => {
            let org = org?;
            Some(Parsed { line, person, membership, org })
        }
        Err(e) => {
            for (field, msg) in &e.fields {
                let field = if field == "org_id" { "branch" } else { field.as_str() };
                errors.push(row_error(line, field, msg, e.rule.clone()));
            }
            if e.fields.is_empty() {
                errors.push(row_error(line, "", &e.message, e.rule.clone()));
            }
            None
        }
    }
}

/// Reads, checks and (unless `dry_run` or any row fails) imports a roster, all or nothing.
pub async fn import_members(db: &Db, scope: &Scope, bytes: Vec<u8>, dry_run: bool) -> AppResult<ImportReport> {
    require_write(scope)?;
    let today = crate::util::today();
    let mut conn = db.pool.acquire().await?;
    let mut orgs: HashMap<String, Vec<OrgRow>> = HashMap::new();
    for o in crate::repo::orgs::list(&mut conn, scope, false).await? {
        orgs.entry(o.id.to_string()).or_default().push(o.clone());
        orgs.entry(o.name.clone()).or_default().push(o);
    }
    // Parsing and checking are CPU work: keep them off the async workers.
    let (parsed, mut errors, total) = tokio::task::spawn_blocking(move || -> AppResult<_> {
        let table = excel::read_table(&bytes, MEMBER_COLUMNS, MAX_IMPORT_ROWS)
            .and_then(excel::Table::require_rows)
            .map_err(excel_error)?;
        let mut errors = Vec::new();
        let mut parsed = Vec::new();
        let mut seen_id: HashMap<String, usize> = HashMap::new();
        let mut seen_staff: HashMap<String, usize> = HashMap::new();
        for raw in &table.rows {
            if let Some(p) = parse_row(raw, &orgs, today, &mut errors) {
                let mut dup = false;
                if let Some(id) = &p.person.id_card_no
                    && let Some(first) = seen_id.insert(id.clone(), p.line)
                {
                    errors.push(row_error(p.line, "id_card_no", &format!("身份证号与第{first}行重复"), None));
                    dup = true;
                }
                if let Some(s) = &p.person.staff_no
                    && let Some(first) = seen_staff.insert(s.clone(), p.line)
                {
                    errors.push(row_error(p.line, "staff_no", &format!("工号/学号与第{first}行重复"), None));
                    dup = true;
                }
                if !dup {
                    parsed.push(p);
                }
            }
        }
        Ok((parsed, errors, table.rows.len()))
    })
    .await
    .map_err(AppError::internal)??;
    // Values already in the database (checked in chunks, one query each).
    let ids: Vec<String> = parsed.iter().filter_map(|p| p.person.id_card_no.clone()).collect();
    let staff: Vec<String> = parsed.iter().filter_map(|p| p.person.staff_no.clone()).collect();
    let existing_ids = existing(&mut conn, "id_card_no", &ids).await?;
    let existing_staff = existing(&mut conn, "staff_no", &staff).await?;
    let in_workflow = with_development_case(&mut conn, &ids).await?;
    drop(conn);
    let mut bad_lines: HashSet<usize> = HashSet::new();
    for p in &parsed {
        if p.person.id_card_no.as_ref().is_some_and(|i| in_workflow.contains(i)) {
            // The workflow owns this person's stage and dates (R1.23–R1.26): an import cannot
            // record them, neither as a new member nor over the case.
            let (rule, what) = match p.membership.status {
                MemberStatus::Full => ("R1.25", "正式党员只能经转正申请、支部大会讨论和上级党委审批产生"),
                MemberStatus::Probationary => ("R1.23", "预备党员只能经支部大会讨论和上级党委审批接收"),
            };
            errors.push(row_error(
                p.line,
                "status",
                &format!(
                    "此人已有发展党员记实，党员类别、入党日期和转正日期由发展党员流程登记，不能通过导入登记：{what}"
                ),
                Some(rule.into()),
            ));
            bad_lines.insert(p.line);
        } else if p.person.id_card_no.as_ref().is_some_and(|i| existing_ids.contains(i)) {
            errors.push(row_error(p.line, "id_card_no", "身份证号已存在：系统中已有此人", None));
            bad_lines.insert(p.line);
        }
        if p.person.staff_no.as_ref().is_some_and(|i| existing_staff.contains(i)) {
            errors.push(row_error(p.line, "staff_no", "工号/学号已存在", None));
            bad_lines.insert(p.line);
        }
    }
    errors.sort_by_key(|e| e.line);
    let error_lines: HashSet<usize> = errors.iter().map(|e| e.line).collect();
    let valid = total.saturating_sub(error_lines.len());
    let preview = parsed
        .iter()
        .filter(|p| !bad_lines.contains(&p.line))
        .take(20)
        .map(|p| PreviewRow {
            line: p.line,
            name: p.person.name.clone(),
            org_name: p.org.name.clone(),
            status: p.membership.status.label().to_string(),
            joined_on: crate::util::fmt_date(p.membership.joined_on),
        })
        .collect();
    let mut report = ImportReport { total, valid, errors, committed: false, created: 0, preview };
    if dry_run || !report.errors.is_empty() || total == 0 {
        return Ok(report);
    }
    let mut w = db.begin_write().await?;
    for p in &parsed {
        let id = insert_validated(&mut w.tx, &p.person, &p.membership, &p.org).await?;
        audit::append(
            &mut w.tx,
            scope,
            AuditEntry {
                action: "import",
                entity: "member",
                entity_id: Some(id),
                org_path: Some(&p.org.path),
                summary: format!("导入党员{}（{}，第{}行）", p.person.name, p.org.name, p.line),
                before: None,
                after: audit::json(&(&p.person.name, &p.membership)),
            },
        )
        .await?;
    }
    w.commit().await?;
    report.committed = true;
    report.created = parsed.len();
    Ok(report)
}

async fn existing(conn: &mut crate::db::Conn, col: &str, values: &[String]) -> AppResult<HashSet<String>> {
    let mut out = HashSet::new();
    for chunk in values.chunks(500) {
        let mut args = crate::repo::Args::default();
        let ph: Vec<String> = chunk.iter().map(|v| args.text(v.clone())).collect();
        let sql = format!("SELECT {col} AS v FROM person WHERE {col} IN ({})", ph.join(", "));
        for r in args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await? {
            out.insert(r.try_get::<String, _>("v")?);
        }
    }
    Ok(out)
}

/// The 身份证号 among `values` of people who have a development case (open or closed).
async fn with_development_case(conn: &mut crate::db::Conn, values: &[String]) -> AppResult<HashSet<String>> {
    let mut out = HashSet::new();
    for chunk in values.chunks(500) {
        let mut args = crate::repo::Args::default();
        let ph: Vec<String> = chunk.iter().map(|v| args.text(v.clone())).collect();
        let sql = format!(
            "SELECT DISTINCT pe.id_card_no AS v FROM person pe JOIN development_case c ON c.person_id = pe.id WHERE pe.id_card_no IN ({})",
            ph.join(", ")
        );
        for r in args.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await? {
            out.insert(r.try_get::<String, _>("v")?);
        }
    }
    Ok(out)
}

/// Flattens field errors of a report into `field -> message` (first per field) for forms.
pub fn first_errors(r: &ImportReport) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for e in &r.errors {
        m.entry(e.field.clone()).or_insert_with(|| e.message.clone());
    }
    m
}
