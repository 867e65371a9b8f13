//! Import of existing development cases from xlsx (issue 3 part 9): each row opens a case and
//! records its steps in date order through the same rule checks as the UI ([`super::record_step_in`]),
//! inside ONE write transaction. Preview (`dry_run`) runs the whole import and rolls back; a
//! commit runs it again and commits only when no row failed. A row that breaks a rule is
//! reported with the rule id ("第5行：R1.8 …") and never imported.
//!
//! Each row runs inside a SAVEPOINT so a refused row leaves nothing behind for the rows after it.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::Row;

use crate::auth::scope::Scope;
use crate::db::{Db, WriteTx};
use crate::domain::{Education, Gender, PersonCategory, Title};
use crate::error::{AppError, AppResult};
use crate::excel::development::DEVELOPMENT_COLUMNS;
use crate::excel::{self, ExcelError, RawRow};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::development::{self as repo, CaseRow};
use crate::repo::orgs::OrgRow;
use crate::rules::development::{Stage, Step, VoteInput, check_step};
use crate::service::import::{ImportReport, PreviewRow, RowError};
use crate::service::require_write;
use crate::service::settings::{RuleConfig, rule_config};

use super::{CreateCase, StepDetails, StepInput};

/// Most data rows one upload may hold (every row replays up to 25 rule checks).
pub const MAX_CASE_ROWS: usize = 2_000;

use crate::service::import::unique_org;

fn header_of(key: &str) -> &'static str {
    DEVELOPMENT_COLUMNS.iter().find(|c| c.key == key).map(|c| c.header).unwrap_or("")
}

fn row_error(line: usize, field: &str, msg: &str, rule: Option<String>) -> RowError {
    RowError {
        line,
        field: field.to_string(),
        column: header_of(field).to_string(),
        message: format!("第{line}行：{msg}"),
        rule,
    }
}

fn excel_error(e: ExcelError) -> AppError {
    match e {
        ExcelError::Layout(m) => AppError::invalid_field("file", m).with_code("bad_layout", 422),
        ExcelError::Corrupt(m) => AppError::bad_request("file", format!("文件无法读取：{m}")),
        ExcelError::Write(m) => AppError::internal(anyhow::anyhow!(m)),
    }
}

/// One row parsed into the case input and its steps in date order.
struct ParsedRow {
    line: usize,
    create: CreateCase,
    /// 学历, 职称, 入学年份 (not on the case form; kept on the person for the S9 statistics).
    extra: (Option<Education>, Option<Title>, Option<i64>),
    org_name: String,
    steps: Vec<StepInput>,
}

/// Parses a row; field problems go to `errors` (then `None`).
fn parse_row(
    raw: &RawRow,
    orgs: &HashMap<String, Vec<OrgRow>>,
    staff: &HashMap<String, i64>,
    errors: &mut Vec<RowError>,
) -> Option<ParsedRow> {
    let line = raw.line;
    let before = errors.len();
    let cell = |k: &str| raw.cells.get(k).cloned();
    let gender = match cell("gender") {
        None => None,
        Some(s) => {
            let g = Gender::parse(&s);
            if g.is_none() {
                errors.push(row_error(line, "gender", &format!("性别「{s}」应为男或女"), None));
            }
            g
        }
    };
    let category = match cell("category") {
        None => None,
        Some(s) => {
            let c = PersonCategory::parse(&s);
            if c.is_none() {
                errors.push(row_error(line, "category", &format!("类别「{s}」不在可选范围内"), None));
            }
            c
        }
    };
    let education = match cell("education") {
        None => None,
        Some(s) => {
            let v = Education::parse(&s);
            if v.is_none() {
                errors.push(row_error(line, "education", &format!("学历「{s}」不在可选范围内"), None));
            }
            v
        }
    };
    let title = match cell("title") {
        None => None,
        Some(s) => {
            let v = Title::parse(&s);
            if v.is_none() {
                errors.push(row_error(line, "title", &format!("职称「{s}」不在可选范围内"), None));
            }
            v
        }
    };
    let enrollment_year = match cell("enrollment_year") {
        None => None,
        Some(s) => match s.trim().parse::<i64>() {
            Ok(y) if (1950..=2100).contains(&y) => Some(y),
            _ => {
                errors.push(row_error(line, "enrollment_year", &format!("入学年份「{s}」应为四位年份"), None));
                None
            }
        },
    };
    let date_of = |key: &str, s: &str, errors: &mut Vec<RowError>| match excel::parse_date_loose(s) {
        Some(d) => Some(d),
        None => {
            errors.push(row_error(
                line,
                key,
                &format!("{}「{s}」不是有效日期（示例：2024-05-01）", header_of(key)),
                None,
            ));
            None
        }
    };
    let birth_date = cell("birth_date").and_then(|s| date_of("birth_date", &s, errors));
    let publicity_start = cell("publicity_start").and_then(|s| date_of("publicity_start", &s, errors));
    let publicity_end = cell("publicity_end").and_then(|s| date_of("publicity_end", &s, errors));
    let leaving_date = cell("leaving_date").and_then(|s| date_of("leaving_date", &s, errors));
    let org = cell("branch").and_then(|name| match unique_org(orgs, &name) {
        Ok(o) => Some(o),
        Err(m) => {
            errors.push(row_error(line, "branch", &m, None));
            None
        }
    });
    let num = |key: &str, errors: &mut Vec<RowError>| -> Option<u32> {
        let s = cell(key)?;
        match s.trim().parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(row_error(line, key, &format!("{}「{s}」应为非负整数", header_of(key)), None));
                None
            }
        }
    };
    let training_days = num("training_days", errors);
    let training_hours = num("training_hours", errors);
    let vote = |p: &str, errors: &mut Vec<RowError>| -> Option<VoteInput> {
        let keys = ["eligible", "present", "written", "yes", "no", "abstain"].map(|k| format!("{p}_{k}"));
        if keys.iter().all(|k| cell(k).is_none()) {
            return None;
        }
        let v: Vec<u32> = keys.iter().map(|k| num(k, errors).unwrap_or(0)).collect();
        Some(VoteInput {
            eligible_voters: v.first().copied().unwrap_or(0),
            present_voters: v.get(1).copied().unwrap_or(0),
            written_opinions: v.get(2).copied().unwrap_or(0),
            yes_votes: v.get(3).copied().unwrap_or(0),
            no_votes: v.get(4).copied().unwrap_or(0),
            abstain_votes: v.get(5).copied().unwrap_or(0),
        })
    };
    let adm_vote = vote("adm", errors);
    let conv_vote = vote("conv", errors);
    let people = |key: &str, errors: &mut Vec<RowError>| -> Vec<i64> {
        let Some(s) = cell(key) else { return Vec::new() };
        let mut out = Vec::new();
        for no in s.split(['、', ',', '，', ';', '；', ' ']).map(str::trim).filter(|x| !x.is_empty()) {
            match staff.get(no) {
                Some(id) => out.push(*id),
                None => errors.push(row_error(
                    line,
                    key,
                    &format!("{}：工号「{no}」不是您管理范围内的党员", header_of(key)),
                    None,
                )),
            }
        }
        out
    };
    let mentor_ids = people("mentors", errors);
    let sponsor_ids = people("sponsors", errors);
    let passed = match cell("review_result").as_deref() {
        // A blank conclusion is missing, not 合格 (R1.11): recording step 10 then refuses the row.
        None => None,
        Some("合格") => Some(true),
        Some("不合格") => Some(false),
        Some(s) => {
            errors.push(row_error(line, "review_result", &format!("政审结论「{s}」应为合格或不合格"), None));
            None
        }
    };
    let justification = cell("justification");
    let mut applied_on = None;
    let mut steps: Vec<(NaiveDate, u32, StepInput)> = Vec::new();
    for step in Step::ALL {
        let Some(text) = cell(step.as_str()) else { continue };
        for part in text.split(['、', ',', '，', ';', '；']).map(str::trim).filter(|x| !x.is_empty()) {
            let Some(d) = date_of(step.as_str(), part, errors) else { continue };
            if *step == Step::Application {
                applied_on = Some(d);
                continue;
            }
            let mut details = StepDetails::default();
            match step {
                Step::MentorAssignment => details.mentor_ids = mentor_ids.clone(),
                Step::SponsorAssignment => details.sponsor_ids = sponsor_ids.clone(),
                Step::PoliticalReview => details.passed = passed,
                Step::CandidateFiling => {
                    details.publicity_start = publicity_start;
                    details.publicity_end = publicity_end;
                }
                Step::IntensiveTraining => {
                    details.training_days = training_days;
                    details.training_hours = training_hours;
                }
                Step::AdmissionVote => details.vote = adm_vote,
                Step::ConversionVote => details.vote = conv_vote,
                _ => {}
            }
            details.note = Some("由Excel导入".to_string());
            steps.push((
                d,
                step.number(),
                StepInput { step: step.as_str().to_string(), date: d, details, justification: justification.clone() },
            ));
        }
    }
    if applied_on.is_none() && cell("application").is_none() {
        errors.push(row_error(line, "application", "请填写递交入党申请书的日期", None));
    }
    if errors.len() > before {
        return None;
    }
    let org = org?;
    steps.sort_by_key(|(d, n, _)| (*d, *n));
    // R1.13: the leaving date goes with the 预审 (where it is judged), else with the last step
    // (with the application when it is the only one).
    let leaving_on_application = leaving_date.filter(|_| steps.is_empty());
    if leaving_date.is_some() {
        let at = steps.iter().position(|(_, n, _)| *n == Step::PreReview.number()).or(steps.len().checked_sub(1));
        if let Some((_, _, s)) = at.and_then(|i| steps.get_mut(i)) {
            s.details.leaving_date = leaving_date;
        }
    }
    Some(ParsedRow {
        line,
        org_name: org.name.clone(),
        extra: (education, title, enrollment_year),
        create: CreateCase {
            person_id: None,
            name: cell("name").unwrap_or_default(),
            gender,
            birth_date,
            id_card_no: cell("id_card_no"),
            staff_no: cell("staff_no"),
            category,
            org_id: Some(org.id),
            applied_on,
            details: StepDetails {
                note: Some("由Excel导入".to_string()),
                leaving_date: leaving_on_application,
                ..Default::default()
            },
            justification: justification.clone(),
        },
        steps: steps.into_iter().map(|x| x.2).collect(),
    })
}

/// Turns a refusal into row errors: one per blocking/warning finding (with the rule id), else one
/// per field, else the message.
fn refusal(line: usize, prefix: &str, field: &str, e: &AppError) -> Vec<RowError> {
    if !e.findings.is_empty() {
        return e
            .findings
            .iter()
            .map(|f| row_error(line, field, &format!("{prefix}{} {}", f.rule, f.message_zh), Some(f.rule.clone())))
            .collect();
    }
    if !e.fields.is_empty() && e.fields.keys().any(|k| k != "justification") {
        return e
            .fields
            .iter()
            .map(|(k, m)| {
                let key = if header_of(k).is_empty() { field } else { k.as_str() };
                let col = header_of(key);
                row_error(line, key, &format!("{prefix}{col}：{m}"), e.rule.clone())
            })
            .collect();
    }
    let rule = e.rule.clone().map(|r| format!("{r} ")).unwrap_or_default();
    vec![row_error(line, field, &format!("{prefix}{rule}{}", e.message), e.rule.clone())]
}

/// Opens a case inside `w`: the same checks as [`super::create`] (person, org in scope, R1.2 on
/// the application, overrides and the audit row).
async fn create_in(
    w: &mut WriteTx,
    scope: &Scope,
    cfg: &RuleConfig,
    input: &CreateCase,
    extra: (Option<Education>, Option<Title>, Option<i64>),
) -> AppResult<i64> {
    let today = crate::util::today();
    let applied_on =
        input.applied_on.ok_or_else(|| AppError::invalid_field("applied_on", "请填写递交入党申请书的日期"))?;
    let org_id = input.org_id.ok_or_else(|| AppError::invalid_field("org_id", "请选择所在党支部"))?;
    let mut p = super::validate_person(input)?;
    (p.education, p.title, p.enrollment_year) = extra;
    for (col, field, v) in [("id_card_no", "身份证号", &p.id_card_no), ("staff_no", "工号/学号", &p.staff_no)] {
        if let Some(v) = v {
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM person WHERE {col} = $1"))
                .bind(v)
                .fetch_one(&mut *w.tx)
                .await?
                .try_get("n")?;
            if n > 0 {
                return Err(AppError::invalid_field(col, format!("{field}已存在：系统中已有此人")));
            }
        }
    }
    let justification = crate::service::members::opt_trim(&input.justification);
    let org = crate::service::members::member_org(&mut w.tx, scope, org_id, "branch").await?;
    let case = CaseRow {
        id: 0,
        person_id: 0,
        name: p.name.clone(),
        birth_date: p.birth_date,
        org_id: org.id,
        org_name: org.name.clone(),
        org_kind: org.kind,
        org_path: org.path.clone(),
        stage: Stage::Applicant.as_str().to_string(),
        status: "open".to_string(),
        opened_on: applied_on,
        closed_on: None,
    };
    let f = super::base_facts(&case, &[]);
    let findings = check_step(&f, Step::Application, applied_on, today, &cfg.settings, &cfg.calendar);
    let warned = super::judge(findings, justification.as_deref())?;
    let person_id = crate::repo::members::insert_person(&mut w.tx, &p).await?;
    let id = repo::insert_case(&mut w.tx, person_id, org.id, &org.path, Stage::Applicant.as_str(), applied_on).await?;
    let body = serde_json::to_value(&input.details).unwrap_or(serde_json::Value::Null);
    let step_id =
        repo::insert_step(&mut w.tx, id, Step::Application.as_str(), applied_on, &body, &scope.display_name).await?;
    super::insert_overrides(&mut w.tx, scope, id, step_id, &warned, justification.as_deref()).await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "import",
            entity: "development_case",
            entity_id: Some(id),
            org_path: Some(&org.path),
            summary: format!("导入发展党员档案：{}（{}），{} 递交入党申请书", p.name, org.name, applied_on),
            before: None,
            after: json(&serde_json::json!({"name": p.name, "org_id": org.id, "applied_on": applied_on})),
        },
    )
    .await?;
    Ok(id)
}

/// Runs one row (case + steps); the first refusal ends the row.
async fn run_row(
    w: &mut WriteTx,
    scope: &Scope,
    cfg: &RuleConfig,
    row: &ParsedRow,
) -> Result<(i64, String, Option<NaiveDate>), Vec<RowError>> {
    let line = row.line;
    let id = create_in(w, scope, cfg, &row.create, row.extra).await.map_err(|e| refusal(line, "", "", &e))?;
    let today = crate::util::today();
    let mut stage = Stage::Applicant.label().to_string();
    let mut last = row.create.applied_on;
    for s in &row.steps {
        let step = Step::parse(&s.step);
        let prefix = step.map_or(String::new(), |st| format!("第{}步「{}」（{}）：", st.number(), st.label(), s.date));
        let d = super::record_step_in(w, scope, cfg, id, s.clone(), today, None, None)
            .await
            .map_err(|e| refusal(line, &prefix, &s.step, &e))?;
        stage = d.stage_label;
        last = Some(s.date);
    }
    Ok((id, stage, last))
}

async fn exec(w: &mut WriteTx, sql: &str) -> AppResult<()> {
    sqlx::query(sql).execute(&mut *w.tx).await?;
    Ok(())
}

/// Reads and replays an upload of existing cases; commits only when `!dry_run` and no row failed.
pub async fn import_cases(db: &Db, scope: &Scope, bytes: Vec<u8>, dry_run: bool) -> AppResult<ImportReport> {
    require_write(scope)?;
    let table = tokio::task::spawn_blocking(move || {
        excel::read_table(&bytes, DEVELOPMENT_COLUMNS, MAX_CASE_ROWS).and_then(excel::Table::require_rows)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(excel_error)?;
    let mut w = db.begin_write().await?;
    let cfg = rule_config(db, &mut w.tx).await?;
    let mut orgs: HashMap<String, Vec<OrgRow>> = HashMap::new();
    for o in crate::repo::orgs::list(&mut w.tx, scope, false).await? {
        orgs.entry(o.id.to_string()).or_default().push(o.clone());
        orgs.entry(o.name.clone()).or_default().push(o);
    }
    // 工号 → member id of the members in scope (培养联系人 / 入党介绍人), one query.
    let mut args = crate::repo::Args::default();
    let cond = crate::repo::prefix_cond("m.org_path", &scope.root_path, &mut args);
    let sql = format!(
        "SELECT m.id, pe.staff_no FROM member m JOIN person pe ON pe.id = m.person_id WHERE {cond} AND pe.staff_no IS NOT NULL"
    );
    let mut staff: HashMap<String, i64> = HashMap::new();
    for r in args.bind(sqlx::query(&sql)).fetch_all(&mut *w.tx).await? {
        staff.insert(r.try_get("staff_no")?, r.try_get("id")?);
    }
    let total = table.rows.len();
    let mut errors = Vec::new();
    let mut preview = Vec::new();
    let mut created = 0;
    for raw in &table.rows {
        let Some(row) = parse_row(raw, &orgs, &staff, &mut errors) else { continue };
        exec(&mut w, "SAVEPOINT import_row").await?;
        match run_row(&mut w, scope, &cfg, &row).await {
            Ok((_, stage, last)) => {
                exec(&mut w, "RELEASE SAVEPOINT import_row").await?;
                created += 1;
                preview.push(PreviewRow {
                    line: row.line,
                    name: row.create.name.clone(),
                    org_name: row.org_name.clone(),
                    status: stage,
                    joined_on: last.map(crate::util::fmt_date).unwrap_or_default(),
                });
            }
            Err(errs) => {
                exec(&mut w, "ROLLBACK TO SAVEPOINT import_row").await?;
                exec(&mut w, "RELEASE SAVEPOINT import_row").await?;
                errors.extend(errs);
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    let bad: std::collections::BTreeSet<usize> = errors.iter().map(|e| e.line).collect();
    let mut report =
        ImportReport { total, valid: total.saturating_sub(bad.len()), errors, committed: false, created: 0, preview };
    if dry_run || !report.errors.is_empty() || total == 0 {
        // Dropping the transaction rolls every row back.
        drop(w);
        return Ok(report);
    }
    w.commit().await?;
    report.committed = true;
    report.created = created;
    Ok(report)
}
