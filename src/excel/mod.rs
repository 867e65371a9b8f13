//! Spreadsheet import and export: the member-roster template, reading uploaded
//! xlsx/xls/CSV files into rows keyed by column, and writing simple xlsx exports.
//!
//! This module only deals with layout and cell text. Checking the values (is this a
//! valid 身份证号, does this 党支部 exist …) is the importer's job.

pub mod development;
mod read;
#[cfg(test)]
mod tests;
mod write;

pub use read::read_table;
pub use write::{Sheet, member_template, write_workbook, write_xlsx};

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// Why a spreadsheet could not be read or written; the message is shown to users.
#[derive(Debug, thiserror::Error)]
pub enum ExcelError {
    /// The file was read but its layout is wrong (missing columns, too many rows …).
    #[error("{0}")]
    Layout(String),
    /// The file is not a spreadsheet this module can read.
    #[error("文件无法读取：{0}")]
    Corrupt(String),
    /// Generating an xlsx file failed.
    #[error("生成Excel失败：{0}")]
    Write(String),
}

/// One column of an import layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Stable identifier used by the importer (also accepted as a header).
    pub key: &'static str,
    /// Chinese header shown in the template.
    pub header: &'static str,
    /// Whether the column must be present in an upload.
    pub required: bool,
    /// Allowed labels for a drop-down; empty means free text.
    pub choices: &'static [&'static str],
    /// Help text shown in the template.
    pub note: &'static str,
}

// Labels of the domain enums, in `ALL` order (a test checks they match `label()`).
const GENDER_LABELS: &[&str] = &["男", "女"];
const CATEGORY_LABELS: &[&str] = &["教师", "学生", "职工", "离退休"];
const EDUCATION_LABELS: &[&str] = &["博士研究生", "硕士研究生", "大学本科", "大学专科", "高中及以下"];
const TITLE_LABELS: &[&str] = &["正高级", "副高级", "中级", "初级", "无"];
const STATUS_LABELS: &[&str] = &["预备党员", "正式党员"];
const SPECIAL_STATUS_LABELS: &[&str] = &["正常", "流动党员", "失联党员", "停止党籍", "出国(境)", "毕业生保留组织关系"];

/// Shorthand for building the layout constants.
const fn col(
    key: &'static str,
    header: &'static str,
    required: bool,
    choices: &'static [&'static str],
    note: &'static str,
) -> ColumnSpec {
    ColumnSpec { key, header, required, choices, note }
}

/// The member-roster import layout.
pub const MEMBER_COLUMNS: &[ColumnSpec] = &[
    col("name", "姓名", true, &[], "与身份证上的姓名一致"),
    col("gender", "性别", false, GENDER_LABELS, "男或女"),
    col("ethnicity", "民族", false, &[], "如：汉族"),
    col("birth_date", "出生日期", false, &[], "格式：2000-01-31"),
    col("id_card_no", "身份证号", true, &[], "18位居民身份证号"),
    col("staff_no", "工号/学号", false, &[], "教职工填工号，学生填学号"),
    col("category", "人员类别", true, CATEGORY_LABELS, "从下拉列表中选择"),
    col("education", "学历", false, EDUCATION_LABELS, "最高学历"),
    col("title", "职称", false, TITLE_LABELS, "专业技术职称；没有职称选“无”"),
    col("phone", "手机号", false, &[], "11位手机号码"),
    col("enrollment_year", "入学年份", false, &[], "学生填写，如：2023"),
    col("branch", "所在党支部", true, &[], "填写党支部全称或编号"),
    col("status", "党员类别", true, STATUS_LABELS, "预备党员或正式党员"),
    col("joined_on", "入党日期", true, &[], "成为预备党员的日期，格式：2020-06-30"),
    col("full_on", "转正日期", false, &[], "正式党员填写，格式：2021-06-30"),
    col("special_status", "党员状态", false, SPECIAL_STATUS_LABELS, "一般为“正常”"),
];

/// A table read from an upload: header resolved, one entry per non-empty data row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Data rows in file order.
    pub rows: Vec<RawRow>,
}

impl Table {
    /// The table, or a layout error when the file has a header but no data row (an import of
    /// nothing says so instead of answering an empty success).
    pub fn require_rows(self) -> Result<Table, ExcelError> {
        if self.rows.is_empty() { Err(ExcelError::Layout("文件中没有数据行".to_string())) } else { Ok(self) }
    }
}

/// One data row of an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// Row number as the user sees it in Excel (1-based; the header is usually 1).
    pub line: usize,
    /// Column key to trimmed cell text; empty cells and unknown columns are omitted.
    pub cells: BTreeMap<&'static str, String>,
}

/// A cell value for [`write_xlsx`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Written as a string (never interpreted as a number or formula).
    Text(String),
    /// Written as a number.
    Int(i64),
    /// Written as a date formatted yyyy-mm-dd.
    Date(NaiveDate),
    /// Left blank.
    Empty,
}

/// Parses a date typed by a person ("2024-05-01", "2024/5/1", "2024.5.1", "20240501",
/// "2024年5月1日", full-width digits, an ignored trailing time); `None` otherwise.
pub fn parse_date_loose(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    // "2024-05-01 08:30:00" or "2024-05-01T08:30": keep the date part.
    let (date_raw, time) = match s.rsplit_once(|c: char| c.is_whitespace() || c == 'T') {
        Some((d, t)) if t.contains(':') => (d, t),
        _ => (s, ""),
    };
    if !time.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.') {
        return None;
    }
    let normalized: String = date_raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c),
            '年' | '月' | '/' | '.' | '－' | '／' | '．' => '-',
            _ => c,
        })
        .collect();
    let date_part = normalized.strip_suffix('日').or_else(|| normalized.strip_suffix('号')).unwrap_or(&normalized);

    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let (y, m, d) = if all_digits(date_part) && date_part.len() == 8 {
        (&date_part[..4], &date_part[4..6], &date_part[6..])
    } else {
        let mut parts = date_part.split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return None;
        };
        (y, m, d)
    };
    if !(all_digits(y) && all_digits(m) && all_digits(d)) || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}
