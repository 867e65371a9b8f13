//! Writing xlsx files: simple exports and the import template.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    ColNum, DataValidation, ExcelDateTime, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet, XlsxError,
};

use super::{Cell, ColumnSpec, ExcelError, MEMBER_COLUMNS};

impl From<XlsxError> for ExcelError {
    fn from(e: XlsxError) -> Self {
        ExcelError::Write(e.to_string())
    }
}

const TEMPLATE_SHEET: &str = "党员名册";
const GUIDE_SHEET: &str = "填写说明";
/// Last row (0-based) covered by drop-downs: Excel rows 2..=10001.
const TEMPLATE_LAST_ROW: RowNum = 10_000;
/// Columns typed as text so Excel keeps leading zeros and all 18 digits.
const TEXT_KEYS: &[&str] = &["id_card_no", "staff_no", "phone"];
/// Columns formatted as dates.
const DATE_KEYS: &[&str] = &["birth_date", "joined_on", "full_on"];
const DATE_FORMAT: &str = "yyyy-mm-dd";
/// Largest integer an f64 (Excel's number type) holds exactly.
const MAX_EXACT_INT: u64 = 1 << 53;

/// Builds the member-roster import template (sheet 党员名册 plus a 填写说明 sheet).
pub fn member_template() -> Result<Vec<u8>, ExcelError> {
    template(TEMPLATE_SHEET, MEMBER_COLUMNS)
}

/// Writes an import template for `columns`: headers, formats, drop-downs and a guide sheet.
fn template(sheet_name: &str, columns: &[ColumnSpec]) -> Result<Vec<u8>, ExcelError> {
    let mut workbook = Workbook::new();
    let header = header_format();
    let required_header = header_format().set_font_color("#C00000");
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format(DATE_FORMAT);

    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    for (i, spec) in columns.iter().enumerate() {
        let c = col_num(i)?;
        if spec.required {
            sheet.write_string_with_format(0, c, format!("{}*", spec.header), &required_header)?;
        } else {
            sheet.write_string_with_format(0, c, spec.header, &header)?;
        }
        if TEXT_KEYS.contains(&spec.key) {
            sheet.set_column_format(c, &text)?;
        } else if DATE_KEYS.contains(&spec.key) {
            sheet.set_column_format(c, &date)?;
        }
        sheet.set_column_width(c, template_width(spec))?;
        if let Some(validation) = validation(spec)? {
            sheet.add_data_validation(1, c, TEMPLATE_LAST_ROW, c, &validation)?;
        }
    }
    sheet.set_row_height(0, 22)?;
    sheet.set_freeze_panes(1, 0)?;

    guide_sheet(workbook.add_worksheet(), columns)?;
    Ok(workbook.save_to_buffer()?)
}

/// Drop-down for columns with choices; the note is shown as an input hint.
fn validation(spec: &ColumnSpec) -> Result<Option<DataValidation>, ExcelError> {
    let title: String = spec.header.chars().take(32).collect();
    let validation = if spec.choices.is_empty() {
        if spec.note.is_empty() {
            return Ok(None);
        }
        DataValidation::new().allow_any_value()
    } else {
        DataValidation::new()
            .allow_list_strings(spec.choices)?
            .set_error_title("输入无效")?
            .set_error_message(truncate(&format!("请从下拉列表中选择：{}", spec.choices.join("、")), 255))?
    };
    if spec.note.is_empty() {
        return Ok(Some(validation));
    }
    Ok(Some(validation.set_input_title(title)?.set_input_message(truncate(spec.note, 255))?))
}

/// The 填写说明 sheet: one line per column, then general instructions.
fn guide_sheet(sheet: &mut Worksheet, columns: &[ColumnSpec]) -> Result<(), ExcelError> {
    sheet.set_name(GUIDE_SHEET)?;
    let header = header_format();
    let wrap = Format::new().set_text_wrap();
    for (c, (title, width)) in [("列名", 14), ("是否必填", 10), ("可选值", 40), ("说明", 44)].into_iter().enumerate()
    {
        let c = col_num(c)?;
        sheet.write_string_with_format(0, c, title, &header)?;
        sheet.set_column_width(c, width)?;
    }
    for (i, spec) in columns.iter().enumerate() {
        let r = row_num(i + 1)?;
        let choices = if spec.choices.is_empty() { "—".to_string() } else { spec.choices.join("、") };
        sheet.write_string(r, 0, spec.header)?;
        sheet.write_string(r, 1, if spec.required { "是" } else { "否" })?;
        sheet.write_string_with_format(r, 2, choices, &wrap)?;
        sheet.write_string_with_format(r, 3, spec.note, &wrap)?;
    }
    let notes = [
        "填写要求：",
        "1. 请在第一个工作表中从第2行开始逐行填写，不要修改、删除或调换第一行的列名。",
        "2. 列名带 * 的为必填列。有下拉列表的列请从列表中选择。",
        "3. 日期请按 2024-05-01 的格式填写（2024/5/1、2024年5月1日 也可识别）。",
        "4. 身份证号、手机号、工号/学号列已设为文本格式，请勿改为数字格式，以免身份证号末几位变成0或丢失开头的0。",
        "5. 本说明工作表不会被导入。",
    ];
    let bold = Format::new().set_bold();
    let first = columns.len() + 2;
    for (i, line) in notes.into_iter().enumerate() {
        let r = row_num(first + i)?;
        if i == 0 {
            sheet.write_string_with_format(r, 0, line, &bold)?;
        } else {
            sheet.write_string(r, 0, line)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// One sheet of a workbook: name, header row, rows.
pub type Sheet<'a> = (String, Vec<&'a str>, Vec<Vec<Cell>>);

/// Writes a one-sheet xlsx with a bold, frozen header row; `Int` and `Date` cells are
/// typed, everything else is written as text.
pub fn write_xlsx(sheet_name: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, ExcelError> {
    let mut workbook = Workbook::new();
    write_sheet(&mut workbook, sheet_name, headers, rows)?;
    Ok(workbook.save_to_buffer()?)
}

/// Writes several sheets, each laid out as [`write_xlsx`] lays out its one.
pub fn write_workbook(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, ExcelError> {
    let mut workbook = Workbook::new();
    for (name, headers, rows) in sheets {
        write_sheet(&mut workbook, name, headers, rows)?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn write_sheet(
    workbook: &mut Workbook,
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> Result<(), ExcelError> {
    let header = header_format();
    let date = Format::new().set_num_format(DATE_FORMAT);
    let sheet = workbook.add_worksheet();
    sheet.set_name(sanitize_sheet_name(sheet_name))?;

    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for (i, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col_num(i)?, *h, &header)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = row_num(r + 1)?;
        for (i, cell) in row.iter().enumerate() {
            let c = col_num(i)?;
            let width = match cell {
                Cell::Text(s) => {
                    if !s.is_empty() {
                        sheet.write_string(r, c, s)?;
                    }
                    display_width(s)
                }
                Cell::Int(n) if n.unsigned_abs() <= MAX_EXACT_INT => {
                    sheet.write_number(r, c, *n as f64)?;
                    n.to_string().len()
                }
                Cell::Int(n) => {
                    let s = n.to_string();
                    sheet.write_string(r, c, &s)?;
                    s.len()
                }
                Cell::Date(d) => {
                    match excel_date(*d) {
                        Some(dt) => sheet.write_date_with_format(r, c, dt, &date)?,
                        None => sheet.write_string(r, c, d.format("%Y-%m-%d").to_string())?,
                    };
                    10
                }
                Cell::Empty => 0,
            };
            if widths.len() <= i {
                widths.resize(i + 1, 0);
            }
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width);
            }
        }
    }
    for (i, w) in widths.into_iter().enumerate() {
        sheet.set_column_width(col_num(i)?, (w.clamp(6, 60) + 2) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

pub(super) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#D9E1F2")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
}

/// Template column width: room for the header, wider for long values.
fn template_width(spec: &ColumnSpec) -> f64 {
    let content = match spec.key {
        "id_card_no" => 20,
        "branch" => 24,
        "phone" => 13,
        k if DATE_KEYS.contains(&k) => 12,
        _ => spec.choices.iter().map(|c| display_width(c)).max().unwrap_or(8),
    };
    (content.max(display_width(spec.header) + 2) + 2) as f64
}

/// Display width in Excel character units: CJK and full-width characters count 2;
/// for multi-line text, the widest line.
fn display_width(s: &str) -> usize {
    s.lines().map(|line| line.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()).max().unwrap_or(0)
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Excel rejects `[]:*?/\` in sheet names and limits them to 31 characters.
fn sanitize_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'');
    let cleaned: String = cleaned.chars().take(31).collect();
    if cleaned.is_empty() { "Sheet1".to_string() } else { cleaned }
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

/// `None` for dates Excel cannot represent (before 1900).
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

pub(super) fn col_num(i: usize) -> Result<ColNum, ExcelError> {
    ColNum::try_from(i).ok().filter(|c| *c < 16_384).ok_or_else(|| ExcelError::Write("列数超过Excel上限".to_string()))
}

pub(super) fn row_num(i: usize) -> Result<RowNum, ExcelError> {
    RowNum::try_from(i)
        .ok()
        .filter(|r| *r < 1_048_576)
        .ok_or_else(|| ExcelError::Write("行数超过Excel上限（1048576行）".to_string()))
}
