//! The activity ledger and a unit's figures as workbooks.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use tokio::sync::mpsc::Receiver;

use super::bilingual::{Heading, write_header_row};
use super::{number_format, safe_text, sheet_name};

/// Most rows one ledger export writes; beyond that a message row says so.
pub const MAX_LEDGER_ROWS: usize = 200_000;

/// One activity as a ledger row: names and labels already resolved.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub date: time::Date,
    pub unit_code: String,
    pub unit_name: String,
    /// Names of the unit's ancestors (itself included) at levels 1–5;
    /// empty below its level.
    pub levels: [String; 5],
    pub type_label: String,
    pub program_label: String,
    pub title: String,
    pub place: String,
    pub participants: i64,
    pub women: i64,
    pub summary: String,
}

/// What the ledger writer receives, in order.
pub enum LedgerItem {
    Rows(Vec<LedgerRow>),
    /// A highlighted message row (the export was cut short).
    Note(String),
}

/// The sheet around the rows.
pub struct LedgerSheet {
    pub sheet_name: String,
    pub title: String,
    /// 15 column headers, in [`LedgerRow`] order: Mongolian and Chinese
    /// (the Chinese is what the import matches when the file comes back).
    pub headers: Vec<Heading>,
    /// Shown above the header when known in advance (too many rows).
    pub note: Option<String>,
}

const LEDGER_WIDTHS: [f64; 15] = [
    11.0, 15.0, 20.0, 12.0, 12.0, 14.0, 14.0, 16.0, 16.0, 18.0, 32.0, 18.0, 9.0, 9.0, 40.0,
];

/// Writes the ledger row by row as batches arrive, so a region-wide export
/// keeps only one row in memory (plus the shared strings). Runs on a
/// blocking thread; returns when the sender is dropped.
pub fn write_ledger(
    sheet: LedgerSheet,
    mut rx: Receiver<LedgerItem>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(&sheet.title));
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let num = number_format();
    let note_format = Format::new().set_bold().set_font_color("#9C0006");
    let ws = wb.add_worksheet_with_low_memory()?;
    ws.set_name(sheet_name(&sheet.sheet_name))?;
    for (c, w) in LEDGER_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let mut row: u32 = 0;
    if let Some(note) = &sheet.note {
        ws.write_string_with_format(row, 0, note, &note_format)?;
        row += 1;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    write_header_row(ws, row, &sheet.headers)?;
    row += 1;
    while let Some(item) = rx.blocking_recv() {
        match item {
            LedgerItem::Rows(rows) => {
                for r in rows {
                    let d = ExcelDateTime::from_ymd(
                        u16::try_from(r.date.year()).unwrap_or(2000),
                        u8::from(r.date.month()),
                        r.date.day(),
                    )?;
                    ws.write_datetime_with_format(row, 0, &d, &date)?;
                    let texts: [(u16, &str); 12] = [
                        (1, &r.unit_code),
                        (2, &r.unit_name),
                        (3, &r.levels[0]),
                        (4, &r.levels[1]),
                        (5, &r.levels[2]),
                        (6, &r.levels[3]),
                        (7, &r.levels[4]),
                        (8, &r.type_label),
                        (9, &r.program_label),
                        (10, &r.title),
                        (11, &r.place),
                        (14, &r.summary),
                    ];
                    for (c, s) in texts {
                        if !s.is_empty() {
                            ws.write_string(row, c, safe_text(s))?;
                        }
                    }
                    ws.write_number_with_format(row, 12, r.participants as f64, &num)?;
                    ws.write_number_with_format(row, 13, r.women as f64, &num)?;
                    row += 1;
                }
            }
            LedgerItem::Note(text) => {
                ws.write_string_with_format(row, 0, safe_text(&text), &note_format)?;
                row += 1;
            }
        }
    }
    wb.save_to_buffer()
}

/// One row of a figures table: text cells, then counts.
#[derive(Debug, Clone)]
pub struct TableRow {
    pub texts: Vec<String>,
    pub numbers: Vec<i64>,
    /// Totals are bold.
    pub total: bool,
}

/// One sheet of figures.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    /// Mongolian and Chinese, whatever the reader's language.
    pub headers: Vec<Heading>,
    pub widths: Vec<f64>,
    pub rows: Vec<TableRow>,
}

/// A small workbook of tables: a bilingual header row, numbers as numbers.
pub fn write_tables(title: &str, tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(title));
    let num = number_format();
    let bold = Format::new().set_bold();
    let bold_num = number_format().set_bold();
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.name))?;
        for (c, w) in t.widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        write_header_row(ws, 0, &t.headers)?;
        for (i, r) in t.rows.iter().enumerate() {
            let row = i as u32 + 1;
            for (c, s) in r.texts.iter().enumerate() {
                if r.total {
                    ws.write_string_with_format(row, c as u16, safe_text(s), &bold)?;
                } else {
                    ws.write_string(row, c as u16, safe_text(s))?;
                }
            }
            for (j, n) in r.numbers.iter().enumerate() {
                let c = (r.texts.len() + j) as u16;
                let f = if r.total { &bold_num } else { &num };
                ws.write_number_with_format(row, c, *n as f64, f)?;
            }
        }
    }
    wb.save_to_buffer()
}
