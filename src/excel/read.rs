//! Reading uploads: xlsx/xls through calamine, CSV in UTF-8/UTF-16/GB18030.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use super::{ColumnSpec, ExcelError, RawRow, Table, parse_date_loose};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0];
/// The header must be among this many non-empty rows at the top of the sheet.
const HEADER_SCAN_ROWS: usize = 5;

const UNKNOWN_FORMAT: &str = "无法识别的文件格式，请上传 .xlsx、.xls 或 .csv 文件";

/// One row of the sheet as text, before the header is resolved.
struct GridRow {
    /// Row number as Excel shows it.
    line: usize,
    /// Cell texts, trimmed; empty string for an empty cell.
    cells: Vec<String>,
}

impl GridRow {
    fn is_blank(&self) -> bool {
        self.cells.iter().all(String::is_empty)
    }
}

/// Reads an upload (xlsx/xls by magic bytes, otherwise CSV) using the first
/// worksheet, finds the header row and returns the data rows keyed by column.
///
/// Rows with no text in any recognised column are skipped.
pub fn read_table(bytes: &[u8], columns: &'static [ColumnSpec], max_rows: usize) -> Result<Table, ExcelError> {
    let grid = if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC) {
        read_workbook(bytes)?
    } else {
        read_csv(bytes)?
    };
    build_table(grid, columns, max_rows)
}

/// Resolves the header row and turns the remaining rows into [`RawRow`]s.
fn build_table(grid: Vec<GridRow>, columns: &'static [ColumnSpec], max_rows: usize) -> Result<Table, ExcelError> {
    let needed = columns.len().clamp(1, 2);
    let header_idx = grid
        .iter()
        .enumerate()
        .filter(|(_, row)| !row.is_blank())
        .take(HEADER_SCAN_ROWS)
        .find(|(_, row)| row.cells.iter().filter(|c| match_header(c, columns).is_some()).count() >= needed)
        .map(|(i, _)| i)
        .ok_or_else(|| ExcelError::Layout("未找到表头：第一行应为模板中的列名（姓名、身份证号……）".to_string()))?;

    // Cell position -> column; the first occurrence of a column wins.
    let mut seen = vec![false; columns.len()];
    let mapping: Vec<Option<&'static ColumnSpec>> = grid
        .get(header_idx)
        .map(|row| row.cells.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|cell| {
            let idx = match_header(cell, columns)?;
            let first = !std::mem::replace(seen.get_mut(idx)?, true);
            first.then(|| columns.get(idx)).flatten()
        })
        .collect();

    let missing: Vec<&str> =
        columns.iter().zip(&seen).filter(|(c, present)| c.required && !**present).map(|(c, _)| c.header).collect();
    if !missing.is_empty() {
        return Err(ExcelError::Layout(format!("缺少必填列：{}", missing.join("、"))));
    }

    let rows: Vec<RawRow> = grid
        .into_iter()
        .skip(header_idx + 1)
        .filter_map(|row| {
            let cells: BTreeMap<&'static str, String> = row
                .cells
                .into_iter()
                .zip(&mapping)
                .filter_map(|(text, spec)| match spec {
                    Some(spec) if !text.is_empty() => Some((spec.key, text)),
                    _ => None,
                })
                .collect();
            (!cells.is_empty()).then_some(RawRow { line: row.line, cells })
        })
        .collect();
    // Imported cells follow the same text policy as every other input (no NUL, the field's limit).
    for row in &rows {
        for (key, text) in &row.cells {
            if let Err(e) = crate::domain::text::check(key, text) {
                let header = columns.iter().find(|c| c.key == *key).map_or(*key, |c| c.header);
                return Err(ExcelError::Layout(format!("第{}行「{header}」{}", row.line, e.message_zh())));
            }
        }
    }
    if rows.len() > max_rows {
        return Err(ExcelError::Layout(format!("文件共 {} 行，超过上限 {} 行", rows.len(), max_rows)));
    }
    Ok(Table { rows })
}

/// Index of the column whose header (ignoring `*` marks and spaces) or key matches.
fn match_header(cell: &str, columns: &[ColumnSpec]) -> Option<usize> {
    let name: String = cell.chars().filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊').collect();
    if name.is_empty() {
        return None;
    }
    columns.iter().position(|c| c.header == name || c.key.eq_ignore_ascii_case(&name))
}

/// Trims whitespace, BOMs and zero-width spaces.
fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
}

// ---------------------------------------------------------------- workbooks

/// Reads the first worksheet of an xlsx/xls (or xlsb/ods) file.
fn read_workbook(bytes: &[u8]) -> Result<Vec<GridRow>, ExcelError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| {
        ExcelError::Corrupt(
            "不是有效的Excel文件，或文件已损坏、设有密码。请用Excel打开后另存为 .xlsx 再上传".to_string(),
        )
    })?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(_)) => {
            return Err(ExcelError::Corrupt("第一个工作表无法读取，请用Excel打开后另存为 .xlsx 再上传".to_string()));
        }
        None => return Err(ExcelError::Corrupt("文件中没有工作表".to_string())),
    };
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| GridRow { line: first_row + i + 1, cells: cells.iter().map(cell_text).collect() })
        .collect())
}

/// The text of one workbook cell, as the importer should see it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::String(s) => clean(s).to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::DateTimeIso(s) => {
            let s = clean(s);
            match s.get(..10).and_then(parse_date_loose) {
                Some(date) => date.format("%Y-%m-%d").to_string(),
                None => s.to_string(),
            }
        }
        Data::DurationIso(s) => clean(s).to_string(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

/// Integral numbers without ".0" or exponent (an 18-digit ID typed as a number keeps
/// whatever digits Excel stored); other numbers in their shortest form.
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 { format!("{f:.0}") } else { f.to_string() }
}

// ---------------------------------------------------------------------- CSV

/// Reads a CSV (or tab-separated) text file.
fn read_csv(bytes: &[u8]) -> Result<Vec<GridRow>, ExcelError> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());

    // The csv reader silently skips blank lines and quoted fields may span lines;
    // track both so `line` is the row number Excel would show.
    let mut next_line: u64 = 1;
    let mut excel_row: usize = 0;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ExcelError::Corrupt(format!("CSV格式有误（{e}）")))?;
        // The position is where the reader started, before any blank lines it skipped: step
        // over them to the record's own first line.
        let start = record.position().map_or(next_line, |p| {
            let skipped = text.as_bytes().get(usize::try_from(p.byte()).unwrap_or(usize::MAX)..).unwrap_or_default();
            let blank = skipped.iter().take_while(|b| matches!(b, b'\r' | b'\n')).filter(|b| **b == b'\n').count();
            p.line() + blank as u64
        });
        let blank_lines = usize::try_from(start.saturating_sub(next_line)).unwrap_or(0);
        excel_row += blank_lines + 1;
        let inner_newlines: usize = record.iter().map(|f| f.matches('\n').count()).sum();
        next_line = start + inner_newlines as u64 + 1;
        rows.push(GridRow { line: excel_row, cells: record.iter().map(csv_cell).collect() });
    }
    Ok(rows)
}

/// Cleans a CSV field; also unwraps Excel's `="0123"` trick for keeping leading zeros.
fn csv_cell(field: &str) -> String {
    let s = clean(field);
    match s.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        Some(inner) => clean(inner).to_string(),
        None => s.to_string(),
    }
}

/// Decodes UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK text;
/// rejects binary data.
fn decode_text(bytes: &[u8]) -> Result<String, ExcelError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ExcelError::Corrupt("文件为空".to_string()));
    }
    let text = if bytes.starts_with(&[0xFF, 0xFE]) {
        UTF_16LE.decode(bytes).0.into_owned()
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        UTF_16BE.decode(bytes).0.into_owned()
    } else {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(body) {
            Ok(s) => s.to_string(),
            Err(_) => {
                let (decoded, had_errors) = GB18030.decode_without_bom_handling(body);
                if had_errors {
                    return Err(ExcelError::Corrupt(UNKNOWN_FORMAT.to_string()));
                }
                decoded.into_owned()
            }
        }
    };
    // Binary files decode to text full of control characters.
    let total = text.chars().count();
    let controls = text.chars().filter(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')).count();
    if text.contains('\0') || controls * 100 > total {
        return Err(ExcelError::Corrupt(UNKNOWN_FORMAT.to_string()));
    }
    Ok(text)
}

/// Comma unless the first non-empty line has more tabs or semicolons.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| first.matches(c).count();
    let (commas, tabs, semicolons) = (count(','), count('\t'), count(';'));
    if tabs > commas && tabs >= semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}
