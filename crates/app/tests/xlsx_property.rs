//! Property tests of the spreadsheet readers that take uploaded files
//! (issue 19 item 8): the activity ledger (`jinguo import activities` and
//! the web import), the people import and the outline catalogue import.
//!
//! Whatever the file — arbitrary bytes, a damaged workbook, or a workbook of
//! arbitrary cells written with rust_xlsxwriter (text with control and
//! full-width characters, NaN and infinite numbers, booleans, formulas,
//! merged ranges, hidden sheets, header words in odd places) — a reader
//! never panics, and what it answers is consistent: rows below the header
//! it found, problems on rows of the file.
//!
//! Writing and reading workbooks is slow, so these run 32 cases per
//! property unless `JINGUO_XLSX_CASES` says otherwise (proptest's own
//! `PROPTEST_CASES` is left to the fast parser properties, so a long run of
//! those does not make these take hours).

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;
use rust_xlsxwriter::{Format, Workbook};

use jinguo_app::xlsx::import::{Limits, read as read_ledger};
use jinguo_app::xlsx::people::read as read_people;

fn config() -> Config {
    let cases = std::env::var("JINGUO_XLSX_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(32);
    Config {
        cases,
        // A failure is shrunk for a minute at most: each step writes a file.
        max_shrink_time: 60_000,
        ..Config::default()
    }
}

/// Words a header or a footer row is made of, so generated sheets reach
/// the header search, the second header row and the footer rules.
const WORDS: &[&str] = &[
    "unit_code",
    "date",
    "type",
    "program",
    "title",
    "place",
    "participants",
    "women",
    "summary",
    "title_mn",
    "单位代码",
    "单位",
    "日期",
    "活动时间",
    "活动类型",
    "活动名称",
    "参加\n人数（人）",
    "其中：女性",
    "备注",
    "姓名",
    "用户名",
    "手机",
    "职务",
    "单位代码或名称",
    "角色",
    "code",
    "outline",
    "name",
    "unit",
    "direction",
    "department",
    "levels",
    "合计",
    "制表人：张三",
    "（示例行，导入时自动跳过）巾帼大宣讲进嘎查",
    "152502200200",
    "152502200200 伊利勒特嘎查",
    "２０２６．１１．３",
    "2026年11月3日(星期二)",
    "11/3/2026",
    "40人",
    "lecture",
    "cadre",
    "=1+1",
    "'=HYPERLINK(\"x\")",
];

#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
    Formula(String),
}

fn text() -> impl Strategy<Value = String> {
    let odd = select(vec![
        '\u{0}', '\u{1b}', '\n', '\r', '\t', '\u{3000}', '\u{200b}', '\u{202e}', '\u{feff}', '１',
        'Ｘ', '字', 'ᠮ', '\u{fffd}', '_', 'x', '0', '<', '&', '"',
    ]);
    prop_oneof![
        3 => select(WORDS).prop_map(str::to_owned),
        2 => proptest::collection::vec(prop_oneof![odd, any::<char>()], 0..24)
            .prop_map(String::from_iter),
        1 => "_x[0-9A-F]{4}_",
    ]
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        5 => text().prop_map(Cell::Text),
        2 => prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            Just(46_327.75),
            Just(20_261_103.0),
            Just(152_502_200_200.0),
            (0.0..100.0f64),
        ]
        .prop_map(Cell::Number),
        1 => any::<bool>().prop_map(Cell::Bool),
        1 => select(vec!["=1/0", "=NA()", "=A1", "=SUM(A1:A3)", "=\"x\"&\"y\""])
            .prop_map(|f| Cell::Formula(f.to_owned())),
    ]
}

/// One sheet: its name, whether hidden, its cells and merged ranges.
#[derive(Debug, Clone)]
struct SheetSpec {
    name: String,
    hidden: bool,
    cells: Vec<(u32, u16, Cell)>,
    merges: Vec<(u32, u16, u32, u16)>,
}

fn sheet() -> impl Strategy<Value = SheetSpec> {
    (
        prop_oneof![
            select(vec!["台账", "Sheet1", "lists", "填表说明", "用户"]).prop_map(str::to_owned),
            "[a-z]{1,8}",
        ],
        proptest::bool::weighted(0.2),
        proptest::collection::vec((0u32..30, 0u16..14, cell()), 0..60),
        proptest::collection::vec((0u32..30, 0u16..14, 0u32..4, 0u16..3), 0..3),
    )
        .prop_map(|(name, hidden, cells, merges)| SheetSpec {
            name,
            hidden,
            cells,
            merges: merges
                .into_iter()
                .map(|(r, c, h, w)| (r, c, r + h, c + w))
                .filter(|(r1, c1, r2, c2)| r1 != r2 || c1 != c2)
                .collect(),
        })
}

/// A workbook of the sheets; a write the library refuses (a duplicate
/// sheet name, an overlapping merge, a string over Excel's limit) is left
/// out, as a spreadsheet application would not have written it either.
fn workbook(sheets: &[SheetSpec]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let mut names = std::collections::HashSet::new();
    let plain = Format::new();
    for (i, s) in sheets.iter().enumerate() {
        let ws = wb.add_worksheet();
        let name = if names.insert(s.name.clone()) {
            s.name.clone()
        } else {
            format!("{}{i}", s.name)
        };
        names.insert(name.clone());
        let _ = ws.set_name(&name);
        for &(r1, c1, r2, c2) in &s.merges {
            let _ = ws.merge_range(r1, c1, r2, c2, "合并", &plain);
        }
        for (r, c, cell) in &s.cells {
            let _ = match cell {
                Cell::Text(t) => ws.write_string(*r, *c, t).map(|_| ()),
                Cell::Number(n) => ws.write_number(*r, *c, *n).map(|_| ()),
                Cell::Bool(b) => ws.write_boolean(*r, *c, *b).map(|_| ()),
                Cell::Formula(f) => ws.write_formula(*r, *c, f.as_str()).map(|_| ()),
            };
        }
        if s.hidden && i > 0 {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().expect("a workbook")
}

/// Every reader on the same bytes: none may panic, and what each answers
/// must be consistent with the sheet it read.
fn read_all(bytes: &[u8], max_row: u32) -> Result<(), TestCaseError> {
    match read_ledger(bytes, Limits::WEB) {
        Ok(sheet) => {
            prop_assert!(!sheet.rows.is_empty());
            for row in &sheet.rows {
                prop_assert!(row.number > sheet.at.header_row);
                prop_assert!(row.number <= max_row + 1);
            }
        }
        Err(refusal) => {
            prop_assert!(!refusal.problems.is_empty());
            for p in &refusal.problems {
                prop_assert!(p.row.is_none_or(|r| (1..=max_row + 1).contains(&r)));
            }
        }
    }
    match read_people(bytes) {
        Ok(sheet) => {
            for row in &sheet.rows {
                prop_assert!(row.number > sheet.at.header_row);
                prop_assert!(row.number <= max_row + 1);
            }
        }
        Err(refusal) => prop_assert!(!refusal.problems.is_empty()),
    }
    match jinguo_app::outlines::import::read(bytes) {
        Ok(rows) => {
            for (number, _) in &rows {
                prop_assert!((2..=max_row + 1).contains(number));
            }
        }
        Err(problems) => prop_assert!(!problems.is_empty()),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_workbooks_never_panic(sheets in proptest::collection::vec(sheet(), 1..4)) {
        let bytes = workbook(&sheets);
        read_all(&bytes, 30)?;
    }

    /// Arbitrary bytes, bytes behind a zip signature, and a real workbook
    /// truncated or with bytes overwritten: refused, never a panic.
    #[test]
    fn arbitrary_and_damaged_files_never_panic(
        junk in proptest::collection::vec(any::<u8>(), 0..2048),
        sheets in proptest::collection::vec(sheet(), 1..2),
        cut in any::<proptest::sample::Index>(),
        flips in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..16),
    ) {
        read_all(&junk, 30)?;
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend(&junk);
        read_all(&zipped, 30)?;
        let good = workbook(&sheets);
        read_all(&good[..cut.index(good.len())], 30)?;
        let mut damaged = good.clone();
        for (at, b) in flips {
            let i = at.index(damaged.len());
            damaged[i] = b;
        }
        read_all(&damaged, 30)?;
    }
}
