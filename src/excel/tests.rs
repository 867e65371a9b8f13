#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::*;
use crate::domain::{Education, Gender, MemberStatus, PersonCategory, SpecialStatus, Title};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

fn cells(pairs: &[(&'static str, &str)]) -> BTreeMap<&'static str, String> {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

fn layout_message(result: Result<Table, ExcelError>) -> String {
    match result {
        Err(ExcelError::Layout(m)) => m,
        other => panic!("expected a layout error, got {other:?}"),
    }
}

const MEMBER_CSV_HEADER: &str = "姓名*,身份证号*,人员类别*,所在党支部*,党员类别*,入党日期*";

#[test]
fn choice_labels_match_the_enums() {
    fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|v| label(*v)).collect()
    }
    let choices = |key: &str| MEMBER_COLUMNS.iter().find(|c| c.key == key).unwrap().choices.to_vec();
    assert_eq!(choices("gender"), labels(Gender::ALL, Gender::label));
    assert_eq!(choices("category"), labels(PersonCategory::ALL, PersonCategory::label));
    assert_eq!(choices("education"), labels(Education::ALL, Education::label));
    assert_eq!(choices("title"), labels(Title::ALL, Title::label));
    assert_eq!(choices("status"), labels(MemberStatus::ALL, MemberStatus::label));
    assert_eq!(choices("special_status"), labels(SpecialStatus::ALL, SpecialStatus::label));
}

#[test]
fn member_columns_are_as_specified() {
    let got: Vec<(&str, &str, bool)> = MEMBER_COLUMNS.iter().map(|c| (c.key, c.header, c.required)).collect();
    assert_eq!(
        got,
        vec![
            ("name", "姓名", true),
            ("gender", "性别", false),
            ("ethnicity", "民族", false),
            ("birth_date", "出生日期", false),
            ("id_card_no", "身份证号", true),
            ("staff_no", "工号/学号", false),
            ("category", "人员类别", true),
            ("education", "学历", false),
            ("title", "职称", false),
            ("phone", "手机号", false),
            ("enrollment_year", "入学年份", false),
            ("branch", "所在党支部", true),
            ("status", "党员类别", true),
            ("joined_on", "入党日期", true),
            ("full_on", "转正日期", false),
            ("special_status", "党员状态", false),
        ]
    );
}

#[test]
fn template_round_trips_to_zero_rows() {
    let bytes = member_template().unwrap();
    let table = read_table(&bytes, MEMBER_COLUMNS, 10).unwrap();
    assert!(table.rows.is_empty());

    let mut book = open(&bytes);
    assert_eq!(book.sheet_names(), vec!["党员名册", "填写说明"]);
    let roster = book.worksheet_range("党员名册").unwrap();
    assert_eq!(roster.get_size(), (1, MEMBER_COLUMNS.len()));
    assert_eq!(roster.get((0, 0)), Some(&Data::String("姓名*".to_string())));
    assert_eq!(roster.get((0, 1)), Some(&Data::String("性别".to_string())));
    let guide = book.worksheet_range("填写说明").unwrap();
    assert_eq!(guide.get((1, 0)), Some(&Data::String("姓名".to_string())));
    assert_eq!(guide.get((1, 1)), Some(&Data::String("是".to_string())));
    assert_eq!(guide.get((2, 2)), Some(&Data::String("男、女".to_string())));
}

#[test]
fn template_filled_in_excel_style_is_read() {
    // Simulate a user filling the template: text in text columns, a real date.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    for (i, c) in MEMBER_COLUMNS.iter().enumerate() {
        let header = if c.required { format!("{}*", c.header) } else { c.header.to_string() };
        ws.write_string(0, i as u16, header).unwrap();
    }
    ws.write_string(1, 0, " 王五 ").unwrap();
    ws.write_string(1, 4, "110101199003071234").unwrap();
    ws.write_string(1, 6, "教师").unwrap();
    ws.write_string(1, 11, "计算机学院教工第一党支部").unwrap();
    ws.write_string(1, 12, "正式党员").unwrap();
    ws.write_date_with_format(1, 13, ExcelDateTime::from_ymd(2010, 7, 1).unwrap(), &date_fmt).unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let table = read_table(&bytes, MEMBER_COLUMNS, 10).unwrap();
    assert_eq!(
        table.rows,
        vec![RawRow {
            line: 2,
            cells: cells(&[
                ("name", "王五"),
                ("id_card_no", "110101199003071234"),
                ("category", "教师"),
                ("branch", "计算机学院教工第一党支部"),
                ("status", "正式党员"),
                ("joined_on", "2010-07-01"),
            ]),
        }]
    );
}

#[test]
fn write_xlsx_reads_back() {
    let rows = vec![
        vec![Cell::Text("张三".into()), Cell::Int(2023), Cell::Date(date(2024, 5, 1)), Cell::Text("0012".into())],
        vec![Cell::Empty, Cell::Int(i64::MAX), Cell::Empty, Cell::Text(String::new())],
    ];
    let bytes = write_xlsx("导出:名单/2024", &["姓名", "年份", "日期", "编号"], &rows).unwrap();
    let mut book = open(&bytes);
    assert_eq!(book.sheet_names(), vec!["导出_名单_2024"]);
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.get((0, 0)), Some(&Data::String("姓名".into())));
    assert_eq!(range.get((0, 3)), Some(&Data::String("编号".into())));
    assert_eq!(range.get((1, 0)), Some(&Data::String("张三".into())));
    assert_eq!(range.get((1, 1)), Some(&Data::Float(2023.0)));
    match range.get((1, 2)) {
        Some(Data::DateTime(dt)) => {
            assert_eq!(dt.to_ymd_hms_milli(), (2024, 5, 1, 0, 0, 0, 0))
        }
        other => panic!("expected a date, got {other:?}"),
    }
    assert_eq!(range.get((1, 3)), Some(&Data::String("0012".into())));
    assert_eq!(range.get((2, 0)), Some(&Data::Empty));
    assert_eq!(range.get((2, 1)), Some(&Data::String(i64::MAX.to_string())));
}

#[test]
fn xlsx_with_title_row_numbers_dates_and_blank_rows() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    // Row 1: a title above the header.
    ws.write_string(0, 0, "2024年党员名册").unwrap();
    // Row 2: header, with an unknown column, a key instead of a header and odd spacing.
    let headers =
        ["姓名 *", "备注", "身份证号", "人员类别", "branch", " 党员类别＊ ", "入党日期*", "工号/学号", "性别"];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string(1, i as u16, *h).unwrap();
    }
    // Row 3: numbers where text is expected, a real date cell, a bool.
    ws.write_string(2, 0, "张三").unwrap();
    ws.write_string(2, 1, "不导入").unwrap();
    ws.write_number(2, 2, 110101199003071234_f64).unwrap();
    ws.write_string(2, 3, "学生").unwrap();
    ws.write_number(2, 4, 12.5).unwrap();
    ws.write_string(2, 5, "预备党员").unwrap();
    ws.write_date_with_format(2, 6, ExcelDateTime::from_ymd(2024, 5, 1).unwrap(), &date_fmt).unwrap();
    ws.write_number(2, 7, 2023001).unwrap();
    ws.write_boolean(2, 8, true).unwrap();
    // Row 4: empty. Row 5: text values.
    ws.write_string(4, 0, "李四").unwrap();
    ws.write_string(4, 2, "11010119900307123X").unwrap();
    ws.write_string(4, 6, "2020.7.1").unwrap();
    ws.write_string(4, 7, "00123").unwrap();
    // Row 6: only the unknown column — skipped. Row 7: blanks only — skipped.
    ws.write_string(5, 1, "备注而已").unwrap();
    ws.write_string(6, 0, "   ").unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let table = read_table(&bytes, MEMBER_COLUMNS, 100).unwrap();
    assert_eq!(
        table.rows,
        vec![
            RawRow {
                line: 3,
                cells: cells(&[
                    ("name", "张三"),
                    ("id_card_no", &format!("{:.0}", 110101199003071234_f64)),
                    ("category", "学生"),
                    ("branch", "12.5"),
                    ("status", "预备党员"),
                    ("joined_on", "2024-05-01"),
                    ("staff_no", "2023001"),
                    ("gender", "是"),
                ]),
            },
            RawRow {
                line: 5,
                cells: cells(&[
                    ("name", "李四"),
                    ("id_card_no", "11010119900307123X"),
                    ("joined_on", "2020.7.1"),
                    ("staff_no", "00123"),
                ]),
            },
        ]
    );
    // The float ID is printed in full, never in exponent form.
    let id = &table.rows[0].cells["id_card_no"];
    assert_eq!(id.len(), 18);
    assert!(id.starts_with("1101011990030712"));
}

#[test]
fn xlsx_with_leading_empty_rows_keeps_excel_line_numbers() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let row = ["姓名", "身份证号", "人员类别", "所在党支部", "党员类别", "入党日期"];
    for (i, h) in row.iter().enumerate() {
        ws.write_string(3, i as u16 + 2, *h).unwrap();
    }
    ws.write_string(4, 2, "赵六").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let table = read_table(&bytes, MEMBER_COLUMNS, 100).unwrap();
    assert_eq!(table.rows, vec![RawRow { line: 5, cells: cells(&[("name", "赵六")]) }]);
}

#[test]
fn csv_utf8_with_bom() {
    let text = format!(
        "\u{feff}{MEMBER_CSV_HEADER},手机号\n\
         张三,110101199003071234,教师,第一党支部,正式党员,2001-07-01,=\"013800138000\"\n\
         \n\
         ,,,,,,\n\
         \"李\n四\",11010119900307123X,学生,\"第二,党支部\",预备党员,2024/5/1,\n\
         王五,1,学生,3,预备党员,2024年5月1日\n"
    );
    let table = read_table(text.as_bytes(), MEMBER_COLUMNS, 100).unwrap();
    let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 5, 6]);
    assert_eq!(
        table.rows[0].cells,
        cells(&[
            ("name", "张三"),
            ("id_card_no", "110101199003071234"),
            ("category", "教师"),
            ("branch", "第一党支部"),
            ("status", "正式党员"),
            ("joined_on", "2001-07-01"),
            ("phone", "013800138000"),
        ])
    );
    assert_eq!(table.rows[1].cells["name"], "李\n四");
    assert_eq!(table.rows[1].cells["branch"], "第二,党支部");
    assert!(!table.rows[1].cells.contains_key("phone"));
    assert_eq!(table.rows[2].cells["joined_on"], "2024年5月1日");
}

#[test]
fn csv_in_gbk() {
    let text = format!("{MEMBER_CSV_HEADER}\r\n张三,110101199003071234,职工,机关第一党支部,正式党员,1999-12-01\r\n");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err());
    let table = read_table(&bytes, MEMBER_COLUMNS, 100).unwrap();
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].line, 2);
    assert_eq!(table.rows[0].cells["name"], "张三");
    assert_eq!(table.rows[0].cells["branch"], "机关第一党支部");
}

#[test]
fn csv_utf16_tab_separated() {
    let text =
        "姓名\t身份证号\t人员类别\t所在党支部\t党员类别\t入党日期\r\n张三\t1\t教师\t支部\t正式党员\t2001-07-01\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let table = read_table(&bytes, MEMBER_COLUMNS, 100).unwrap();
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].cells["category"], "教师");
}

#[test]
fn missing_required_columns_are_named() {
    let msg = layout_message(read_table("姓名,性别,民族\n张三,男,汉族\n".as_bytes(), MEMBER_COLUMNS, 100));
    assert_eq!(msg, "缺少必填列：身份证号、人员类别、所在党支部、党员类别、入党日期");
}

#[test]
fn no_header_row() {
    let msg = layout_message(read_table("a,b,c\n1,2,3\n".as_bytes(), MEMBER_COLUMNS, 100));
    assert_eq!(msg, "未找到表头：第一行应为模板中的列名（姓名、身份证号……）");
    // A header below the first five non-empty rows is not found either.
    let late = format!("x\ny\nz\nw\nv\n{MEMBER_CSV_HEADER}\n");
    assert!(matches!(read_table(late.as_bytes(), MEMBER_COLUMNS, 100), Err(ExcelError::Layout(_))));
}

#[test]
fn garbage_is_corrupt() {
    let mut random = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..512 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        random.push((x >> 16) as u8);
    }
    let cases: Vec<Vec<u8>> = vec![
        random,
        b"PK\x03\x04this is not a zip".to_vec(),
        vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0],
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
        Vec::new(),
        b"  \n".to_vec(),
    ];
    for bytes in cases {
        match read_table(&bytes, MEMBER_COLUMNS, 100) {
            Err(e @ ExcelError::Corrupt(_)) => assert!(e.to_string().starts_with("文件无法读取：")),
            other => panic!("expected Corrupt for {bytes:?}, got {other:?}"),
        }
    }
}

#[test]
fn too_many_rows() {
    let text = format!("{MEMBER_CSV_HEADER}\na\nb\n\nc\n");
    assert_eq!(read_table(text.as_bytes(), MEMBER_COLUMNS, 3).unwrap().rows.len(), 3);
    let msg = layout_message(read_table(text.as_bytes(), MEMBER_COLUMNS, 2));
    assert_eq!(msg, "文件共 3 行，超过上限 2 行");
}

#[test]
fn parse_date_loose_cases() {
    let ok = [
        ("2024-05-01", date(2024, 5, 1)),
        ("2024/5/1", date(2024, 5, 1)),
        ("2024.5.1", date(2024, 5, 1)),
        ("20240501", date(2024, 5, 1)),
        ("2024年5月1日", date(2024, 5, 1)),
        ("2024年05月01号", date(2024, 5, 1)),
        (" 2024 年 5 月 1 日 ", date(2024, 5, 1)),
        ("２０２４－０５－０１", date(2024, 5, 1)),
        ("2024-05-01 08:30:00", date(2024, 5, 1)),
        ("2024-05-01T08:30", date(2024, 5, 1)),
        ("2024/12/31", date(2024, 12, 31)),
        ("2024-02-29", date(2024, 2, 29)),
    ];
    for (input, expected) in ok {
        assert_eq!(parse_date_loose(input), Some(expected), "{input}");
    }
    let bad = [
        "",
        "2023-02-29",
        "2024-13-01",
        "2024-04-31",
        "2024-5",
        "2024-5-1-1",
        "24-5-1",
        "2024-005-01",
        "202451",
        "2024051",
        "abcd-ef-gh",
        "2024-05-01 早上",
        "45413",
        "2024年5月",
        "-2024-5-1",
    ];
    for input in bad {
        assert_eq!(parse_date_loose(input), None, "{input}");
    }
}
