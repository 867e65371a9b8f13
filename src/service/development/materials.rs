//! Materials of a development case: an uploaded file (pdf/jpg/png/docx/xlsx, at most
//! [`MAX_MATERIAL_BYTES`], SHA-256 stored) or a recorded paper copy (纸质材料已存档), per step.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::scope::Scope;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::repo::audit::{self, AuditEntry, json};
use crate::repo::development as case_repo;
use crate::repo::development_extra::{self as repo, MaterialRow, NewMaterial};
use crate::rules::development::materials::{ExpectedMaterial, covered, expected};
use crate::rules::development::{RuleSet, Step};
use crate::service::require_write;

/// Largest accepted material file.
pub const MAX_MATERIAL_BYTES: usize = 10 * 1024 * 1024;

/// Accepted file types: (extension, MIME type).
pub const ALLOWED_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
];

/// A material to record: a file (`data` with its `file_name`) or a paper copy (`data` None).
#[derive(Debug, Clone, Default)]
pub struct MaterialInput {
    /// Step id.
    pub step: String,
    /// Name of the material (e.g. 入党申请书); defaults to the step's first expected material.
    pub name: Option<String>,
    /// Uploaded file name.
    pub file_name: Option<String>,
    /// The bytes; None records a paper copy.
    pub data: Option<Vec<u8>>,
}

/// The MIME type of an accepted file, judged by its extension and confirmed by its first bytes.
pub fn sniff_type(file_name: &str, data: &[u8]) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    let (_, mime) = ALLOWED_TYPES.iter().find(|(e, _)| *e == ext)?;
    let ok = match ext.as_str() {
        "pdf" => data.starts_with(b"%PDF"),
        "jpg" | "jpeg" => data.starts_with(&[0xFF, 0xD8, 0xFF]),
        "png" => data.starts_with(&[0x89, b'P', b'N', b'G']),
        _ => data.starts_with(b"PK\x03\x04"),
    };
    ok.then_some(*mime)
}

/// Keeps the last path component of an uploaded name, without control characters, at most 120 chars.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars().filter(|c| !c.is_control() && *c != '"').take(120).collect::<String>().trim().to_string()
}

fn parse_step(s: &str) -> AppResult<Step> {
    Step::parse(s.trim()).ok_or_else(|| AppError::invalid_field("step", format!("未知的步骤「{s}」")))
}

/// Records a material of a case (one transaction with its audit row).
pub async fn add(db: &Db, scope: &Scope, case_id: i64, input: MaterialInput) -> AppResult<MaterialRow> {
    require_write(scope)?;
    let step = parse_step(&input.step)?;
    let name = crate::service::members::opt_trim(&input.name)
        .or_else(|| expected(step).first().map(|m| m.name.to_string()))
        .unwrap_or_else(|| step.label().to_string());
    if name.chars().count() > 60 {
        return Err(AppError::invalid_field("name", "材料名称不能超过60个字符"));
    }
    let (kind, file_name, content_type, sha) = match &input.data {
        Some(data) => {
            if data.is_empty() {
                return Err(AppError::invalid_field("file", "请选择要上传的文件"));
            }
            if data.len() > MAX_MATERIAL_BYTES {
                return Err(AppError::invalid_field(
                    "file",
                    format!(
                        "文件过大（{} KB），单个材料不超过 {} MB",
                        data.len() / 1024,
                        MAX_MATERIAL_BYTES / 1024 / 1024
                    ),
                ));
            }
            let file_name = clean_name(input.file_name.as_deref().unwrap_or(""));
            let Some(ct) = sniff_type(&file_name, data) else {
                return Err(AppError::invalid_field(
                    "file",
                    "只能上传 PDF、JPG、PNG、DOCX、XLSX 文件（按扩展名和文件内容判断）",
                ));
            };
            ("file", Some(file_name), Some(ct), Some(hex::encode(Sha256::digest(data))))
        }
        None => ("paper", None, None, None),
    };
    let mut w = db.begin_write().await?;
    let case = case_repo::get(&mut w.tx, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    let id = repo::insert_material(
        &mut w.tx,
        NewMaterial {
            case_id,
            step: step.as_str(),
            kind,
            file_name: file_name.as_deref(),
            content_type,
            sha256: sha.as_deref(),
            data: input.data,
            note: Some(&name),
            created_by: &scope.display_name,
        },
    )
    .await?;
    let row = repo::material(&mut w.tx, id).await?.ok_or_else(AppError::not_found)?;
    let what = match &row.file_name {
        Some(f) => format!("上传文件「{f}」（{} 字节）", row.size),
        None => "纸质材料已存档".to_string(),
    };
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "create",
            entity: "development_material",
            entity_id: Some(id),
            org_path: Some(&case.org_path),
            summary: format!("发展档案 {}：{}. {} 材料「{name}」{what}", case.name, step.number(), step.label()),
            before: None,
            after: json(&row),
        },
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// The materials of a case in scope.
pub async fn list(db: &Db, scope: &Scope, case_id: i64) -> AppResult<Vec<MaterialRow>> {
    let mut conn = db.pool.acquire().await?;
    case_repo::get(&mut conn, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    Ok(repo::materials(&mut conn, case_id).await?)
}

/// A file material's row and bytes (404 outside the scope or for a paper copy).
pub async fn download(db: &Db, scope: &Scope, id: i64) -> AppResult<(MaterialRow, Vec<u8>)> {
    let mut conn = db.pool.acquire().await?;
    let row = repo::material(&mut conn, id).await?.ok_or_else(AppError::not_found)?;
    case_repo::get(&mut conn, scope, row.case_id).await?.ok_or_else(AppError::not_found)?;
    let data = repo::material_data(&mut conn, id).await?.ok_or_else(AppError::not_found)?;
    Ok((row, data))
}

/// Deletes a material (audited with its metadata and hash).
pub async fn delete(db: &Db, scope: &Scope, id: i64) -> AppResult<MaterialRow> {
    require_write(scope)?;
    let mut w = db.begin_write().await?;
    let row = repo::material(&mut w.tx, id).await?.ok_or_else(AppError::not_found)?;
    let case = case_repo::get(&mut w.tx, scope, row.case_id).await?.ok_or_else(AppError::not_found)?;
    repo::delete_material(&mut w.tx, id).await?;
    audit::append(
        &mut w.tx,
        scope,
        AuditEntry {
            action: "delete",
            entity: "development_material",
            entity_id: Some(id),
            org_path: Some(&case.org_path),
            summary: format!(
                "发展档案 {}：删除材料「{}」{}",
                case.name,
                row.note.as_deref().unwrap_or(""),
                row.file_name.as_deref().map(|f| format!("（{f}）")).unwrap_or_default()
            ),
            before: json(&row),
            after: None,
        },
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// One expected material of a recorded step and whether it is there.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExpectedStatus {
    /// The expectation.
    pub item: ExpectedMaterial,
    /// A file or paper copy covers it.
    pub present: bool,
}

/// A recorded step's materials: what is expected and what was recorded.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepMaterials {
    /// Step id.
    pub step: String,
    /// Flowchart number.
    pub number: u32,
    /// Label.
    pub label: String,
    /// Expected items with ✓/缺.
    pub expected: Vec<ExpectedStatus>,
    /// Materials recorded for the step.
    pub recorded: Vec<MaterialRow>,
}

/// Groups a case's materials by its recorded steps (in step order), with the expected items.
pub fn by_step(recorded_steps: &[(Step, chrono::NaiveDate)], materials: &[MaterialRow]) -> Vec<StepMaterials> {
    let mut steps: Vec<(Step, chrono::NaiveDate)> = recorded_steps.to_vec();
    steps.sort();
    steps.dedup_by_key(|s| s.0);
    steps
        .into_iter()
        .map(|(step, on)| {
            let recorded: Vec<MaterialRow> = materials.iter().filter(|m| m.step == step.as_str()).cloned().collect();
            let names: Vec<&str> = recorded.iter().map(|m| m.note.as_deref().unwrap_or("")).collect();
            StepMaterials {
                step: step.as_str().to_string(),
                number: step.number(),
                label: step.label_in(RuleSet::for_date(on)).to_string(),
                expected: expected(step)
                    .iter()
                    .map(|item| ExpectedStatus { item: *item, present: covered(step, item.name, &names) })
                    .collect(),
                recorded,
            }
        })
        .collect()
}

/// The materials of a case: every row and, per recorded step, what is expected and present.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MaterialsView {
    /// Every material, oldest first.
    pub materials: Vec<MaterialRow>,
    /// Recorded steps in order with their expected materials (✓/缺).
    pub steps: Vec<StepMaterials>,
}

/// The materials of a case in scope, grouped by its recorded steps.
pub async fn overview(db: &Db, scope: &Scope, case_id: i64) -> AppResult<MaterialsView> {
    let mut conn = db.pool.acquire().await?;
    case_repo::get(&mut conn, scope, case_id).await?.ok_or_else(AppError::not_found)?;
    let materials = repo::materials(&mut conn, case_id).await?;
    let recorded: Vec<(Step, chrono::NaiveDate)> = case_repo::steps(&mut conn, case_id)
        .await?
        .iter()
        .filter_map(|s| Some((Step::parse(&s.step)?, s.done_on)))
        .collect();
    let steps = by_step(&recorded, &materials);
    Ok(MaterialsView { materials, steps })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_checks_extension_and_magic() {
        assert_eq!(sniff_type("a.PDF", b"%PDF-1.4 x"), Some("application/pdf"));
        assert_eq!(sniff_type("a.pdf", b"MZ.."), None);
        assert_eq!(sniff_type("a.exe", b"%PDF"), None);
        assert_eq!(sniff_type("noext", b"%PDF"), None);
        assert_eq!(sniff_type("x.png", &[0x89, b'P', b'N', b'G', 1]), Some("image/png"));
        assert_eq!(sniff_type("x.jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert!(sniff_type("x.docx", b"PK\x03\x04..").is_some());
    }

    #[test]
    fn names_lose_paths_and_quotes() {
        assert_eq!(clean_name("C:\\docs\\入党申请书.pdf"), "入党申请书.pdf");
        assert_eq!(clean_name("../a\"b.pdf"), "ab.pdf");
    }
}
