//! The whole record of one case (记实) as one document: the printable page and the xlsx export
//! read the same [`CaseRecord`].

use serde::Serialize;

use super::archive::{self, ArchiveChecklist};
use super::{CaseDetail, StepDetails, detail};
use crate::auth::scope::Scope;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::excel::Cell;
use crate::excel::{Sheet, write_workbook};
use crate::repo::development_extra::{MaterialRow, TransferRow};

/// Everything recorded about a case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseRecord {
    /// Case, steps, findings, overrides, what is due.
    pub detail: CaseDetail,
    /// Materials (files and paper copies).
    pub materials: Vec<MaterialRow>,
    /// Transfers between branches (R1.9).
    pub transfers: Vec<TransferRow>,
    /// The R1.28 archive checklist.
    pub archive: ArchiveChecklist,
}

/// The record of a case in scope.
pub async fn record(db: &Db, scope: &Scope, case_id: i64) -> AppResult<CaseRecord> {
    let detail = detail(db, scope, case_id).await?;
    let materials = super::materials::list(db, scope, case_id).await?;
    let transfers = super::transfer::list(db, scope, case_id).await?;
    let archive = archive::checklist(db, scope, case_id).await?;
    Ok(CaseRecord { detail, materials, transfers, archive })
}

/// The people and details of a step as one line of text (for print and xlsx).
pub fn step_text(body: &serde_json::Value) -> String {
    let d: StepDetails = serde_json::from_value(body.clone()).unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    if !d.people.is_empty() {
        parts.push(format!("相关人员：{}", d.people.join("、")));
    }
    if !d.mentor_ids.is_empty() {
        parts.push(format!("培养联系人编号：{}", join_ids(&d.mentor_ids)));
    }
    if !d.sponsor_ids.is_empty() {
        parts.push(format!("入党介绍人编号：{}", join_ids(&d.sponsor_ids)));
    }
    for (label, v) in [("决定机构", &d.deciding_body), ("会议", &d.meeting), ("材料", &d.materials), ("记实", &d.note)]
    {
        if let Some(v) = v.as_deref().filter(|s| !s.trim().is_empty()) {
            parts.push(format!("{label}：{v}"));
        }
    }
    if let Some(v) = d.vote {
        parts.push(format!(
            "应到会有表决权 {}，实到 {}，书面意见 {}，赞成 {}，反对 {}，弃权 {}",
            v.eligible_voters, v.present_voters, v.written_opinions, v.yes_votes, v.no_votes, v.abstain_votes
        ));
    }
    if let Some(t) = super::decision_text(&d) {
        parts.push(format!("决议：{t}"));
    }
    if let Some(p) = d.passed {
        parts.push(format!("政审结论：{}", if p { "合格" } else { "不合格" }));
    }
    if d.training_days.is_some() || d.training_hours.is_some() {
        parts.push(format!("集中培训 {} 天 / {} 学时", d.training_days.unwrap_or(0), d.training_hours.unwrap_or(0)));
    }
    parts.join("；")
}

/// "N. 步骤名" of a stored step id (the id itself when unknown).
pub fn step_label(step: &str) -> String {
    crate::rules::development::Step::parse(step)
        .map_or_else(|| step.to_string(), |s| format!("{}. {}", s.number(), s.label()))
}

fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join("、")
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// The record as an xlsx workbook: 基本信息, 记实, 规则检查, 材料, 归档清单.
pub fn to_xlsx(r: &CaseRecord) -> AppResult<Vec<u8>> {
    let c = &r.detail.case;
    let info = vec![
        vec![text("姓名"), text(&c.name)],
        vec![text("出生日期"), Cell::Date(c.birth_date)],
        vec![text("所在党组织"), text(&c.org_name)],
        vec![text("当前阶段"), text(&r.detail.stage_label)],
        vec![text("状态"), text(if c.status == "open" { "进行中" } else { "已办结" })],
        vec![text("申请日期"), Cell::Date(c.opened_on)],
        vec![text("办结日期"), c.closed_on.map_or(Cell::Empty, Cell::Date)],
    ];
    let steps = r
        .detail
        .steps
        .iter()
        .map(|s| {
            vec![
                Cell::Int(i64::from(s.number)),
                text(&s.label),
                Cell::Date(s.row.done_on),
                text(step_text(&s.row.body)),
                text(s.vote_outcome.map_or("", |v| v.label())),
                text(&s.row.created_by),
            ]
        })
        .collect();
    let findings = r
        .detail
        .findings
        .iter()
        .map(|f| vec![text(f.severity.label()), text(&f.rule), text(&f.message_zh), text(&f.source)])
        .chain(r.detail.overrides.iter().map(|o| {
            vec![
                text("特殊情况说明"),
                text(&o.rule),
                text(format!("{}：{}", o.covers(), o.reason)),
                text(format!("{} {}", o.user_name, o.created_at)),
            ]
        }))
        .collect();
    let materials = r
        .materials
        .iter()
        .map(|m| {
            vec![
                text(step_label(&m.step)),
                text(m.note.clone().unwrap_or_default()),
                text(if m.kind == "paper" { "纸质材料已存档" } else { "电子文件" }),
                text(m.file_name.clone().unwrap_or_default()),
                text(m.sha256.clone().unwrap_or_default()),
                text(&m.created_by),
            ]
        })
        .collect();
    let archive = r
        .archive
        .items
        .iter()
        .map(|i| vec![text(&i.item), text(&i.status_label), text(i.note.clone().unwrap_or_default())])
        .collect();
    let sheets: Vec<Sheet<'_>> = vec![
        ("基本信息".into(), vec!["项目", "内容"], info),
        ("记实".into(), vec!["步骤", "名称", "日期", "记实内容", "表决结果", "登记人"], steps),
        ("规则检查".into(), vec!["级别", "规则", "说明", "依据"], findings),
        ("材料".into(), vec!["步骤", "材料名称", "形式", "文件名", "SHA-256", "登记人"], materials),
        ("归档清单".into(), vec!["材料（R1.28）", "状态", "备注"], archive),
    ];
    write_workbook(&sheets).map_err(|e| AppError::internal(anyhow::anyhow!(e.to_string())))
}
