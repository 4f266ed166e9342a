//! Reading an activity ledger from .xlsx and checking every row by the
//! rules of the form, all at once: a file goes in whole or not at all.
//!
//! Files come from the template, and just as often from ledgers people
//! kept in Excel or WPS before: an instructions sheet first, a title above
//! the header, headers in their own words, names instead of codes,
//! full-width digits, a signature line under the table. Reading
//! ([`read`]) finds the ledger sheet by its header row and leaves out what
//! is no activity; the cell rules are in `import_cells`, the headers in
//! `import_headers`; checking ([`check`], in `import_check`) asks the store.

use std::collections::HashSet;
use std::io::Cursor;

use calamine::{Dimensions, Reader, SheetType, SheetVisible, Xlsx};

use super::column_letter;
pub use super::import_cells::Value;
use super::import_cells::footer_text;
pub use super::import_check::{Checked, Importer, Plan, audit_detail, check, commit};
use super::import_headers::{Rank, place, recognise};
use crate::i18n::{Catalogue, Lang};

/// Largest file the web page accepts.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// How much one file may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Size of the file itself.
    pub file_bytes: usize,
    /// Sum of the unpacked sizes its parts declare (an .xlsx is a zip
    /// archive, and a small one can unpack to gigabytes).
    pub unpacked_bytes: u64,
    /// Activities (non-empty rows).
    pub rows: usize,
}

impl Limits {
    /// An upload through the web page.
    pub const WEB: Limits = Limits {
        file_bytes: MAX_FILE_BYTES,
        unpacked_bytes: 256 * 1024 * 1024,
        rows: 50_000,
    };
    /// `jinguo import activities`, run by an operator on the server.
    pub const CLI: Limits = Limits {
        file_bytes: 256 * 1024 * 1024,
        unpacked_bytes: 4 * 1024 * 1024 * 1024,
        rows: 1_000_000,
    };
}
/// The title of the template's example row, which is skipped.
pub const EXAMPLE_TITLE: &str = "（示例行，导入时自动跳过）巾帼大宣讲进嘎查";
/// The hidden sheet of drop-down lists in the template.
pub const LISTS_SHEET: &str = "lists";
/// Header rows are looked for this far down each sheet.
const HEADER_SCAN_ROWS: u32 = 20;
/// A header row names at least this many known columns.
const HEADER_MIN_COLUMNS: usize = 3;
/// A quoted cell value is cut to this many characters.
const SEEN_CHARS: usize = 40;

/// The columns, in template order; also the keys of the second header row.
pub const COLUMNS: [&str; 10] = [
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
];
const REQUIRED: [&str; 5] = ["unit_code", "date", "type", "title", "participants"];

pub(super) const UNIT: usize = 0;
pub(super) const DATE: usize = 1;
pub(super) const TYPE: usize = 2;
pub(super) const PROGRAM: usize = 3;
pub(super) const TITLE: usize = 4;
pub(super) const PLACE: usize = 5;
pub(super) const PARTICIPANTS: usize = 6;
pub(super) const WOMEN: usize = 7;
pub(super) const SUMMARY: usize = 8;
pub(super) const TITLE_MN: usize = 9;

/// One thing wrong with a file or a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row as Excel numbers it; `None` for the file as a whole.
    pub row: Option<u32>,
    /// The column key at fault (`date`, `unit_code`, …).
    pub field: Option<&'static str>,
    /// Where that column is in the sheet (0-based), when it is there.
    pub column: Option<u16>,
    /// The column's header as the file writes it (`参加人数`).
    pub header: Option<String>,
    /// Message key in the catalogue.
    pub key: &'static str,
    /// Replaces `{n}` in the message.
    pub n: Option<u64>,
    /// The cell's value as its owner sees it, quoted before the message.
    pub seen: Option<String>,
    /// Replaces `{candidates}`: what an ambiguous name could be.
    pub candidates: Vec<String>,
}

impl Problem {
    pub fn file(key: &'static str) -> Self {
        Problem {
            row: None,
            field: None,
            column: None,
            header: None,
            key,
            n: None,
            seen: None,
            candidates: Vec::new(),
        }
    }

    fn with_n(mut self, n: u64) -> Self {
        self.n = Some(n);
        self
    }

    /// The row for people: `12`, or empty for the whole file.
    pub fn row_text(&self) -> String {
        self.row.map(|r| r.to_string()).unwrap_or_default()
    }

    /// The column for people: `G 参加人数` as her file names it, else as
    /// the template does; just the name when the column is missing.
    pub fn column_text(&self, cat: &Catalogue, lang: Lang) -> String {
        let name = match (&self.header, self.field) {
            (Some(h), _) => h.clone(),
            (None, Some(f)) => cat.get(lang, &format!("imp.col.{f}")).to_owned(),
            (None, None) => String::new(),
        };
        match self.column {
            Some(c) => format!("{} {name}", column_letter(c)),
            None => name,
        }
    }

    /// The reason in a language, with the value seen in front:
    /// `“四十”：不是整数……`.
    pub fn reason(&self, cat: &Catalogue, lang: Lang) -> String {
        let mut text = cat.get(lang, self.key).to_owned();
        if let Some(n) = self.n {
            text = text.replace("{n}", &crate::render::thousands(n as i64));
        }
        if !self.candidates.is_empty() {
            let sep = if lang == Lang::Zh { "；" } else { "; " };
            text = text.replace("{candidates}", &self.candidates.join(sep));
        }
        match &self.seen {
            Some(v) => format!("{}{text}", cat.get(lang, "imp.seen").replace("{value}", v)),
            None => text,
        }
    }
}

/// A cell's text for a message: cut short, one line.
pub(super) fn seen(v: &Value) -> Option<String> {
    let t = v.text().replace(['\r', '\n'], " ");
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    let mut out: String = t.chars().take(SEEN_CHARS).collect();
    if t.chars().count() > SEEN_CHARS {
        out.push('…');
    }
    Some(out)
}

/// A data row: its Excel number and the cells of the known columns, in
/// [`COLUMNS`] order.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: u32,
    pub cells: [Value; 10],
}

/// Which sheet was read, and where its header is: said on the result page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    pub name: String,
    /// As Excel numbers rows.
    pub header_row: u32,
}

/// What [`read`] found.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub at: SheetInfo,
    /// Where each known column is (0-based).
    pub columns: [Option<u16>; 10],
    /// Each known column's header as the file writes it.
    pub headers: [Option<String>; 10],
    pub rows: Vec<Row>,
}

/// Why a file cannot be read, and which sheet was read when it got that far.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub problems: Vec<Problem>,
    pub at: Option<SheetInfo>,
}

impl From<Problem> for Refusal {
    fn from(p: Problem) -> Self {
        Refusal {
            problems: vec![p],
            at: None,
        }
    }
}

/// A problem with the whole file while reading (boxed: it is rare, and
/// the reading functions return it on every row).
pub(crate) type Fail = Box<Problem>;

impl From<Fail> for Refusal {
    fn from(p: Fail) -> Self {
        Refusal::from(*p)
    }
}

/// The sum of the sizes an archive declares for its members; the zip
/// reader refuses to unpack more than a member declares, so this bounds
/// what reading can cost.
pub(crate) fn check_unpacked_size(bytes: &[u8], max: u64) -> Result<(), Fail> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(unreadable)?;
        total = total.saturating_add(f.size());
    }
    if total > max {
        return Err(Box::new(Problem::file("imp.err.too_large")));
    }
    Ok(())
}

/// Runs a reader of uploaded bytes so that a panic inside the spreadsheet
/// library refuses the file instead of failing the request. calamine is
/// handed whatever anyone uploads; the property tests of issue 19 item 8
/// found a damaged workbook whose cell reference `A99999999999` overflows
/// its row arithmetic (a panic where overflow is checked, a wrong row
/// where it is not). `refused` is the reader's answer for an unreadable
/// file.
pub(crate) fn guarded<T, E>(
    refused: impl FnOnce() -> E,
    read: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        tracing::warn!("a spreadsheet upload made the reader panic; refused as unreadable");
        Err(refused())
    })
}

/// Whether bytes look like an .xlsx (a zip archive) at all.
pub fn looks_like_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

pub(super) type Book<'a> = Xlsx<Cursor<&'a [u8]>>;

pub(super) fn unreadable<E>(_: E) -> Fail {
    Box::new(Problem::file("imp.err.unreadable"))
}

/// A sheet's rows, one at a time: (0-based row, its non-empty cells by
/// column), until `each` says stop.
pub(super) fn rows_of(
    wb: &mut Book<'_>,
    name: &str,
    mut each: impl FnMut(u32, Vec<(u16, Value)>) -> Result<bool, Fail>,
) -> Result<(), Fail> {
    let mut reader = wb.worksheet_cells_reader(name).map_err(unreadable)?;
    let mut current: Option<u32> = None;
    let mut cells: Vec<(u16, Value)> = Vec::new();
    loop {
        let next = reader.next_cell().map_err(unreadable)?;
        let at = next.as_ref().map(|c| c.get_position().0);
        if at != current {
            if let Some(r) = current
                && !each(r, std::mem::take(&mut cells))?
            {
                return Ok(());
            }
            current = at;
        }
        let Some(cell) = next else { return Ok(()) };
        let col = cell.get_position().1;
        if col < 256 {
            let v = Value::of(cell.get_value());
            if !v.is_empty() {
                cells.push((col as u16, v));
            }
        }
    }
}

/// A header row: where it is and what each column is.
struct Header {
    row: u32,
    columns: [Option<(u16, Rank)>; 10],
    texts: Vec<(u16, String)>,
}

impl Header {
    fn of(row: u32, cells: &[(u16, Value)]) -> Option<Header> {
        let found = recognise(cells);
        if found.len() < HEADER_MIN_COLUMNS {
            return None;
        }
        let mut columns = [None; 10];
        place(&found, &mut columns);
        Some(Header {
            row,
            columns,
            texts: texts(cells),
        })
    }

    /// A second header row right under the first (the template's keys, or
    /// the lower half of a two-row header such as 参加人数 | 其中女性):
    /// only text, and mostly known names.
    fn add_second(&mut self, cells: &[(u16, Value)]) -> bool {
        if cells.is_empty() || !cells.iter().all(|(_, v)| matches!(v, Value::Text(_))) {
            return false;
        }
        let found = recognise(cells);
        if found.is_empty() || found.len() * 2 < cells.len() {
            return false;
        }
        place(&found, &mut self.columns);
        for (c, t) in texts(cells) {
            if !self.texts.iter().any(|(col, _)| *col == c) {
                self.texts.push((c, t));
            }
        }
        true
    }

    fn columns(&self) -> [Option<u16>; 10] {
        self.columns.map(|c| c.map(|(col, _)| col))
    }

    fn headers(&self) -> [Option<String>; 10] {
        self.columns().map(|c| {
            c.and_then(|c| self.texts.iter().find(|(col, _)| *col == c))
                .map(|(_, t)| t.clone())
        })
    }
}

/// Header cells as one line of text, as a message names the column: the
/// Chinese of a bilingual header, which is what was matched.
fn texts(cells: &[(u16, Value)]) -> Vec<(u16, String)> {
    cells
        .iter()
        .filter_map(|(c, v)| match v {
            Value::Text(s) => Some((*c, one_line(&super::bilingual::without_mongolian(s)))),
            _ => None,
        })
        .collect()
}

/// `参加\n人数` → `参加人数`, `Of whom\nwomen` → `Of whom women`: a line
/// break inside a cell is only where the column was too narrow.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        let ascii = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if ascii(out.chars().last()) && ascii(word.chars().next()) {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The header row among a sheet's first rows, if any.
fn find_header(wb: &mut Book<'_>, name: &str) -> Result<Option<Header>, Fail> {
    let mut header = None;
    rows_of(wb, name, |r, cells| {
        if r >= HEADER_SCAN_ROWS {
            return Ok(false);
        }
        header = Header::of(r, &cells);
        Ok(header.is_none())
    })?;
    Ok(header)
}

/// Merged cells below the header: a unit or a date written once for
/// several rows counts for each of them; a text merged across columns
/// alone on its row is a heading (一、十月份).
struct Merged {
    /// Merged down over several rows, by first row.
    regions: Vec<Dimensions>,
    next: usize,
    active: Vec<(Dimensions, Option<Value>)>,
    /// (row, column) of the first cell of every region across columns.
    wide: HashSet<(u32, u32)>,
}

impl Merged {
    fn new(mut regions: Vec<Dimensions>, header_row: u32) -> Self {
        regions.retain(|d| d.start.0 > header_row);
        let wide = regions
            .iter()
            .filter(|d| d.end.1 > d.start.1)
            .map(|d| d.start)
            .collect();
        regions.retain(|d| d.end.0 > d.start.0);
        regions.sort_by_key(|d| d.start);
        Merged {
            regions,
            next: 0,
            active: Vec::new(),
            wide,
        }
    }

    /// A row whose one cell is a text merged across columns.
    fn is_heading(&self, r: u32, cells: &[(u16, Value)]) -> bool {
        matches!(cells, [(c, Value::Text(_))] if self.wide.contains(&(r, u32::from(*c))))
    }

    fn fill(&mut self, r: u32, cells: &mut Vec<(u16, Value)>) {
        self.active.retain(|(d, _)| d.end.0 >= r);
        while let Some(d) = self.regions.get(self.next).filter(|d| d.start.0 <= r) {
            let value = (d.start.0 == r)
                .then(|| {
                    cells
                        .iter()
                        .find(|(c, _)| u32::from(*c) == d.start.1)
                        .map(|(_, v)| v.clone())
                })
                .flatten();
            if d.end.0 >= r {
                self.active.push((*d, value));
            }
            self.next += 1;
        }
        for (d, value) in &self.active {
            let Some(v) = value.as_ref().filter(|_| d.start.0 < r) else {
                continue;
            };
            let Ok(col) = u16::try_from(d.start.1) else {
                continue;
            };
            if !cells.iter().any(|(c, _)| *c == col) {
                cells.push((col, v.clone()));
            }
        }
    }
}

struct Reading {
    max_rows: usize,
    header: Header,
    columns: [Option<u16>; 10],
    second_checked: bool,
    /// A signature or total line was passed: what follows is notes unless
    /// it clearly is an activity.
    after_footer: bool,
    merged: Merged,
    rows: Vec<Row>,
}

/// A row left from a form filled down with zeros (or formulas giving 0):
/// nothing but zero counts.
fn zeros_only(row: &Row) -> bool {
    row.cells.iter().enumerate().all(|(i, v)| match v {
        Value::Empty => true,
        Value::Number(n) => (i == PARTICIPANTS || i == WOMEN) && *n == 0.0,
        _ => false,
    })
}

/// Cells that tell an activity: filled, and not signature text.
fn evidence(row: &Row, of: &[usize], except: Option<usize>) -> usize {
    of.iter()
        .filter(|i| Some(**i) != except)
        .filter(|i| !row.cells[**i].is_empty() && !footer_text(&row.cells[**i]))
        .count()
}

impl Reading {
    fn finish_row(&mut self, r: u32, mut cells: Vec<(u16, Value)>) -> Result<(), Fail> {
        if r <= self.header.row {
            return Ok(());
        }
        if self.merged.is_heading(r, &cells) {
            return Ok(());
        }
        self.merged.fill(r, &mut cells);
        if !self.second_checked {
            self.second_checked = true;
            if r == self.header.row + 1 && self.header.add_second(&cells) {
                self.columns = self.header.columns();
                return Ok(());
            }
        }
        let mut row = Row {
            number: r + 1,
            cells: Default::default(),
        };
        for (c, v) in &cells {
            if let Some(i) = self.columns.iter().position(|p| *p == Some(*c)) {
                row.cells[i] = v.clone();
            }
        }
        if row.cells.iter().all(Value::is_empty) || zeros_only(&row) {
            return Ok(());
        }
        if row.cells[TITLE] == Value::Text(EXAMPLE_TITLE.to_owned()) {
            return Ok(());
        }
        if self.is_footer(&cells, &row) {
            self.after_footer = true;
            return Ok(());
        }
        if self.after_footer && evidence(&row, &[UNIT, DATE, TYPE, TITLE, PARTICIPANTS], None) <= 1
        {
            return Ok(());
        }
        if self.rows.len() >= self.max_rows {
            return Err(Box::new(
                Problem::file("imp.err.too_many_rows").with_n(self.max_rows as u64),
            ));
        }
        self.rows.push(row);
        Ok(())
    }

    /// A signature, total or note line (制表人：… 审核人：… 日期：…,
    /// 合计, 备注：…) is known by its shape: its first cell begins so, and
    /// at most one of unit, date, type and title holds anything else. A
    /// row of real activity data has more, and is checked — and reported —
    /// like any other.
    fn is_footer(&self, cells: &[(u16, Value)], row: &Row) -> bool {
        let Some((first_col, first)) = cells.iter().min_by_key(|(c, _)| *c) else {
            return false;
        };
        if !footer_text(first) {
            return false;
        }
        let at = self.columns.iter().position(|c| *c == Some(*first_col));
        evidence(row, &[UNIT, DATE, TYPE, TITLE], at) <= 1
    }
}

/// The visible worksheets, in order, but the template's lists.
pub(super) fn candidate_sheets(wb: &Book<'_>) -> Vec<String> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| {
            s.visible == SheetVisible::Visible
                && s.typ == SheetType::WorkSheet
                && s.name != LISTS_SHEET
        })
        .map(|s| s.name.clone())
        .collect()
}

/// Reads the ledger of an .xlsx: the first visible sheet with a header
/// row among its first rows (the template's names or keys, or common
/// wording), so an instructions sheet before it and a title above the
/// header are passed over; then every row below that holds an activity.
/// File-level problems (not an .xlsx, no header, missing columns, too many
/// rows) come back as a list.
pub fn read(bytes: &[u8], limits: Limits) -> Result<Sheet, Refusal> {
    guarded(
        || Problem::file("imp.err.unreadable").into(),
        || read_unguarded(bytes, limits),
    )
}

fn read_unguarded(bytes: &[u8], limits: Limits) -> Result<Sheet, Refusal> {
    if !looks_like_xlsx(bytes) {
        return Err(Problem::file("imp.err.not_xlsx").into());
    }
    if bytes.len() > limits.file_bytes {
        return Err(Problem::file("imp.err.too_large").into());
    }
    check_unpacked_size(bytes, limits.unpacked_bytes)?;
    let mut wb: Book<'_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let names = candidate_sheets(&wb);
    if names.is_empty() {
        return Err(Problem::file("imp.err.no_sheet").into());
    }
    // An instructions sheet may show the column names in a row too: a
    // sheet with a header but without the needed columns or without rows
    // gives way to the next one; its refusal stands if none does better.
    let mut first: Option<Refusal> = None;
    for name in names {
        let Some(header) = find_header(&mut wb, &name)? else {
            continue;
        };
        match read_sheet(&mut wb, name, header, limits) {
            Ok(sheet) => return Ok(sheet),
            Err(r) if r.problems.iter().all(|p| PASSABLE.contains(&p.key)) => {
                first.get_or_insert(r);
            }
            Err(r) => return Err(r),
        }
    }
    Err(first.unwrap_or_else(|| Problem::file("imp.err.no_header").into()))
}

/// Refusals of a sheet that let the next sheet be tried.
const PASSABLE: [&str; 2] = ["imp.err.missing_column", "imp.err.empty"];

fn read_sheet(
    wb: &mut Book<'_>,
    name: String,
    header: Header,
    limits: Limits,
) -> Result<Sheet, Refusal> {
    // Merged cells are a convenience: a file whose list of them cannot be
    // read is still read, without it.
    let regions = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let at = SheetInfo {
        name: name.clone(),
        header_row: header.row + 1,
    };
    let refuse = |p: Fail| Refusal {
        problems: vec![*p],
        at: Some(at.clone()),
    };
    let mut reading = Reading {
        max_rows: limits.rows,
        columns: header.columns(),
        merged: Merged::new(regions, header.row),
        header,
        second_checked: false,
        after_footer: false,
        rows: Vec::new(),
    };
    rows_of(wb, &name, |r, cells| {
        reading.finish_row(r, cells)?;
        Ok(true)
    })
    .map_err(refuse)?;
    let columns = reading.columns;
    let missing: Vec<Problem> = REQUIRED
        .iter()
        .filter(|k| columns[COLUMNS.iter().position(|c| c == *k).unwrap_or(0)].is_none())
        .map(|k| Problem {
            row: Some(at.header_row),
            field: Some(k),
            key: "imp.err.missing_column",
            ..Problem::file("imp.err.missing_column")
        })
        .collect();
    if !missing.is_empty() {
        return Err(Refusal {
            problems: missing,
            at: Some(at),
        });
    }
    if reading.rows.is_empty() {
        return Err(refuse(Box::new(Problem::file("imp.err.empty"))));
    }
    Ok(Sheet {
        headers: reading.header.headers(),
        at,
        columns,
        rows: reading.rows,
    })
}

#[cfg(test)]
mod tests;
