//! Reading ledgers: the sheet, the header, the rows that are activities.

use rust_xlsxwriter::{Format, Workbook, Worksheet};

use super::*;

fn put(ws: &mut Worksheet, r: u32, cells: &[&str]) {
    for (c, s) in cells.iter().enumerate() {
        if let Some(n) = s.strip_prefix("#n:") {
            ws.write_number(r, c as u16, n.parse::<f64>().unwrap())
                .unwrap();
        } else if !s.is_empty() {
            ws.write_string(r, c as u16, *s).unwrap();
        }
    }
}

const HEADER: [&str; 8] = [
    "序号",
    "单位",
    "活动时间",
    "活动类型",
    "活动名称",
    "参加\n人数（人）",
    "其中：女性",
    "备注",
];

/// An instructions sheet, then a ledger with a title, a blank row and
/// the header on row 3; `rows` from row 4.
fn book(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let info = wb.add_worksheet();
    info.set_name("填表说明").unwrap();
    for (r, line) in ["填表说明", "活动时间", "参加人数", "其中女性"]
        .iter()
        .enumerate()
    {
        put(info, r as u32, &[line]);
    }
    let ws = wb.add_worksheet();
    ws.set_name("台账").unwrap();
    ws.merge_range(0, 0, 0, 7, "2026年活动台账", &Format::new())
        .unwrap();
    put(ws, 2, &HEADER);
    for (i, row) in rows.iter().enumerate() {
        put(ws, 3 + i as u32, row);
    }
    wb.save_to_buffer().unwrap()
}

fn numbers(sheet: &Sheet) -> Vec<u32> {
    sheet.rows.iter().map(|r| r.number).collect()
}

const GOOD: &[&str] = &[
    "1",
    "伊利勒特嘎查",
    "2026.11.3",
    "宣讲",
    "宣讲",
    "#n:40",
    "#n:30",
];

#[test]
fn the_ledger_sheet_is_found_by_its_header() {
    let sheet = read(&book(&[GOOD]), Limits::WEB).unwrap();
    assert_eq!(
        sheet.at,
        SheetInfo {
            name: "台账".into(),
            header_row: 3
        }
    );
    assert_eq!(sheet.columns[UNIT], Some(1));
    assert_eq!(sheet.columns[PARTICIPANTS], Some(5));
    assert_eq!(sheet.columns[WOMEN], Some(6));
    assert_eq!(sheet.columns[SUMMARY], Some(7));
    assert_eq!(
        sheet.headers[PARTICIPANTS].as_deref(),
        Some("参加人数（人）")
    );
    assert_eq!(sheet.headers[WOMEN].as_deref(), Some("其中：女性"));
    assert_eq!(numbers(&sheet), [4]);
    assert_eq!(sheet.rows[0].cells[PARTICIPANTS], Value::Number(40.0));
}

#[test]
fn signature_total_and_note_lines_are_left_out() {
    let file = book(&[
        GOOD,
        &[],
        &["合计", "", "", "", "", "#n:120", "#n:80"],
        &[
            "制表人：张三",
            "",
            "",
            "审核人：李四",
            "",
            "",
            "日期：２０２６．１１．５",
        ],
        &["说明：本表一式两份"],
        &["", "", "", "", "以上数据截至 11 月底"],
    ]);
    let sheet = read(&file, Limits::WEB).unwrap();
    assert_eq!(numbers(&sheet), [4]);
}

#[test]
fn data_rows_that_begin_like_a_footer_are_kept() {
    // Activity data with one mistake in it: checked and reported, not
    // dropped as a signature line.
    let file = book(&[
        &["备注", "伊利勒特嘎查", "2026.11.3", "宣讲", "宣讲", "#n:40"],
        &["合计", "伊利勒特嘎查", "", "宣讲", "少了日期", "#n:40"],
        GOOD,
        &["合计", "", "", "", "", "#n:80"],
        // After the total: a full row is still an activity.
        GOOD,
    ]);
    let sheet = read(&file, Limits::WEB).unwrap();
    assert_eq!(numbers(&sheet), [4, 5, 6, 8]);
    // A lone note before any footer is reported too (it could be an
    // activity with most cells missing).
    let sheet = read(&book(&[&["", "", "", "", "只有名称"], GOOD]), Limits::WEB).unwrap();
    assert_eq!(numbers(&sheet), [4, 5]);
}

#[test]
fn merged_cells_count_for_every_row() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, 0, &HEADER);
    ws.merge_range(1, 1, 3, 1, "伊利勒特嘎查", &Format::new())
        .unwrap();
    for r in 1..4 {
        put(ws, r, &["", "", "2026-11-03", "宣讲", "宣讲", "#n:10"]);
    }
    let sheet = read(&wb.save_to_buffer().unwrap(), Limits::WEB).unwrap();
    assert_eq!(numbers(&sheet), [2, 3, 4]);
    for row in &sheet.rows {
        assert_eq!(row.cells[UNIT], Value::Text("伊利勒特嘎查".into()));
    }
}

#[test]
fn a_two_row_header() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, 0, &["单位", "日期", "类型", "活动名称", "参与人数"]);
    put(ws, 1, &["", "", "", "", "合计", "其中女性"]);
    put(
        ws,
        2,
        &[
            "伊利勒特嘎查",
            "2026-11-03",
            "宣讲",
            "宣讲",
            "#n:10",
            "#n:4",
        ],
    );
    let sheet = read(&wb.save_to_buffer().unwrap(), Limits::WEB).unwrap();
    assert_eq!(sheet.columns[WOMEN], Some(5));
    assert_eq!(numbers(&sheet), [3]);
}

#[test]
fn file_problems_name_the_sheet() {
    let mut wb = Workbook::new();
    wb.add_worksheet().write_string(0, 0, "说明").unwrap();
    let ws = wb.add_worksheet();
    put(ws, 4, &["单位", "活动时间", "活动名称"]);
    let refusal = read(&wb.save_to_buffer().unwrap(), Limits::WEB).unwrap_err();
    assert_eq!(refusal.at.as_ref().map(|a| a.header_row), Some(5));
    let missing: Vec<_> = refusal.problems.iter().map(|p| p.field).collect();
    assert_eq!(missing, [Some("type"), Some("participants")]);
    let mut wb = Workbook::new();
    wb.add_worksheet().write_string(0, 0, "说明").unwrap();
    let refusal = read(&wb.save_to_buffer().unwrap(), Limits::WEB).unwrap_err();
    assert_eq!(refusal.problems[0].key, "imp.err.no_header");
    assert_eq!(refusal.at, None);
}

#[test]
fn messages_quote_what_they_saw() {
    let cat = crate::i18n_global();
    let p = Problem {
        row: Some(7),
        field: Some("participants"),
        column: Some(6),
        header: Some("参加人数".into()),
        seen: seen(&Value::Text("四十".into())),
        ..Problem::file("imp.err.not_number")
    };
    assert_eq!(p.column_text(cat, Lang::Zh), "G 参加人数");
    let zh = p.reason(cat, Lang::Zh);
    assert!(zh.starts_with("“四十”：不是整数"), "{zh}");
    assert!(
        p.reason(cat, Lang::En)
            .starts_with("“四十”: is not a whole number")
    );
    let p = Problem {
        candidates: vec!["甲".into(), "乙".into()],
        ..Problem::file("imp.err.type_ambiguous")
    };
    assert!(p.reason(cat, Lang::Zh).contains("甲；乙"));
    let long = seen(&Value::Text("长".repeat(100))).unwrap();
    assert_eq!(long.chars().count(), SEEN_CHARS + 1);
    assert_eq!(seen(&Value::Empty), None);
    assert_eq!(one_line("参加\n人数"), "参加人数");
    assert_eq!(one_line("Of whom\nwomen"), "Of whom women");
}

const HEAD: [&str; 5] = ["单位", "日期", "活动类型", "活动名称", "参加人数"];

#[test]
fn headings_and_zero_rows_are_no_activities() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, 0, &HEAD);
    ws.merge_range(1, 0, 1, 4, "一、十月份", &Format::new())
        .unwrap();
    put(
        ws,
        2,
        &["伊利勒特嘎查", "2026-10-03", "宣讲", "宣讲", "#n:10"],
    );
    put(ws, 3, &["", "", "", "", "#n:0"]);
    // Not merged: could be an activity with most cells missing.
    put(ws, 4, &["二、十一月份"]);
    let sheet = read(&wb.save_to_buffer().unwrap(), Limits::WEB).unwrap();
    let numbers: Vec<u32> = sheet.rows.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [3, 5]);
}

#[test]
fn an_instructions_sheet_showing_the_columns_gives_way() {
    let mut wb = Workbook::new();
    let info = wb.add_worksheet();
    info.set_name("说明").unwrap();
    put(info, 0, &["请按下列各列填写："]);
    put(info, 1, &HEAD);
    let ws = wb.add_worksheet();
    ws.set_name("台账").unwrap();
    put(ws, 0, &HEAD);
    put(
        ws,
        1,
        &["伊利勒特嘎查", "2026-10-03", "宣讲", "宣讲", "#n:10"],
    );
    let sheet = read(&wb.save_to_buffer().unwrap(), Limits::WEB).unwrap();
    assert_eq!(sheet.at.name, "台账");
    // With no ledger after it, the first sheet's refusal stands.
    let mut wb = Workbook::new();
    let info = wb.add_worksheet();
    info.set_name("说明").unwrap();
    put(info, 1, &HEAD);
    let refusal = read(&wb.save_to_buffer().unwrap(), Limits::WEB).unwrap_err();
    assert_eq!(refusal.problems[0].key, "imp.err.empty");
    assert_eq!(refusal.at.map(|a| a.name), Some("说明".to_owned()));
}

/// Found by the property tests of issue 19 item 8: a damaged workbook whose
/// cell reference has a row past `u32` made calamine's reference parser
/// overflow and panic (with overflow checks, as in debug builds). Every
/// reader now refuses such a file as unreadable.
#[test]
fn a_cell_reference_past_u32_is_refused_not_a_panic() {
    use std::io::{Read, Write};

    let good = book(&[GOOD]);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&good[..])).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut damaged = false;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            let xml = String::from_utf8(data).unwrap();
            damaged |= xml.contains("r=\"A4\"");
            data = xml.replace("r=\"A4\"", "r=\"A99999999999\"").into_bytes();
        }
        out.start_file(name, stored).unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(damaged, "the ledger has a cell A4 to damage");
    let bytes = out.finish().unwrap().into_inner();

    let refusal = read(&bytes, Limits::WEB).unwrap_err();
    assert_eq!(refusal.problems[0].key, "imp.err.unreadable");
    assert!(super::super::people::read(&bytes).is_err());
    assert!(crate::outlines::import::read(&bytes).is_err());
}
