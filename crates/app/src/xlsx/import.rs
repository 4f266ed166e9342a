//! Reading an activity ledger from .xlsx and checking every row by the
//! rules of the form, all at once: a file goes in whole or not at all.
//!
//! Reading is plain work on bytes ([`read`]); checking needs the store once
//! for each dictionary and once for each distinct unit code ([`check`]).

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::sync::OnceLock;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};
use jinguo_domain::activity::format_date;
use jinguo_domain::{ActivityDraft, Level, UnitCode, UnitId, UserId};
use jinguo_store::Scope;
use jinguo_store::model::{DictEntry, DictKind, NewActivity, Unit};
use jinguo_store::{Store, StoreError};

use super::{column_letter, unsafe_text};
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
/// Header rows are looked for this far down.
const HEADER_SCAN_ROWS: u32 = 20;

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

const UNIT: usize = 0;
const DATE: usize = 1;
const TYPE: usize = 2;
const PROGRAM: usize = 3;
const TITLE: usize = 4;
const PLACE: usize = 5;
const PARTICIPANTS: usize = 6;
const WOMEN: usize = 7;
const SUMMARY: usize = 8;
const TITLE_MN: usize = 9;

/// One thing wrong with a file or a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row as Excel numbers it; `None` for the file as a whole.
    pub row: Option<u32>,
    /// The column key at fault (`date`, `unit_code`, …).
    pub field: Option<&'static str>,
    /// Where that column is in the sheet (0-based), when it is there.
    pub column: Option<u16>,
    /// Message key in the catalogue.
    pub key: &'static str,
    /// Replaces `{n}` in the message.
    pub n: Option<u64>,
}

impl Problem {
    pub fn file(key: &'static str) -> Self {
        Problem {
            row: None,
            field: None,
            column: None,
            key,
            n: None,
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

    /// The column for people: `C 活动类型`, or just the name when the
    /// column is missing.
    pub fn column_text(&self, cat: &Catalogue, lang: Lang) -> String {
        let name = self
            .field
            .map(|f| cat.get(lang, &format!("imp.col.{f}")).to_owned())
            .unwrap_or_default();
        match self.column {
            Some(c) => format!("{} {name}", column_letter(c)),
            None => name,
        }
    }

    /// The reason in a language.
    pub fn reason(&self, cat: &Catalogue, lang: Lang) -> String {
        let text = cat.get(lang, self.key);
        match self.n {
            Some(n) => text.replace("{n}", &crate::render::thousands(n as i64)),
            None => text.to_owned(),
        }
    }
}

/// A cell as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Empty,
    Text(String),
    Number(f64),
    Date(time::Date),
    Other,
}

impl Value {
    fn of(d: &DataRef<'_>) -> Value {
        let text = |s: &str| {
            let s = unsafe_text(s.trim());
            if s.is_empty() {
                Value::Empty
            } else {
                Value::Text(s.to_owned())
            }
        };
        match d {
            DataRef::Empty => Value::Empty,
            DataRef::Int(i) => Value::Number(*i as f64),
            DataRef::Float(f) => Value::Number(*f),
            DataRef::String(s) => text(s),
            DataRef::SharedString(s) => text(s),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text(s),
            DataRef::DateTime(dt) if dt.is_datetime() => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                time::Month::try_from(m)
                    .ok()
                    .and_then(|m| time::Date::from_calendar_date(i32::from(y), m, d).ok())
                    .map_or(Value::Other, Value::Date)
            }
            DataRef::DateTime(dt) => Value::Number(dt.as_f64()),
            DataRef::Bool(_) | DataRef::Error(_) => Value::Other,
        }
    }

    fn is_empty(&self) -> bool {
        *self == Value::Empty
    }

    /// The cell as text, whatever it holds.
    fn text(&self) -> String {
        match self {
            Value::Empty | Value::Other => String::new(),
            Value::Text(s) => s.clone(),
            Value::Number(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Value::Number(f) => f.to_string(),
            Value::Date(d) => format_date(*d),
        }
    }
}

/// A data row: its Excel number and the cells of the known columns, in
/// [`COLUMNS`] order.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: u32,
    pub cells: [Value; 10],
}

/// What [`read`] found.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Where each known column is (0-based).
    pub columns: [Option<u16>; 10],
    pub rows: Vec<Row>,
}

/// Header texts → column keys: the keys themselves and the Chinese and
/// English column names of the template and the form.
fn header_names() -> &'static HashMap<String, &'static str> {
    static NAMES: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let cat = crate::i18n_global();
        let mut m = HashMap::new();
        for key in COLUMNS {
            m.insert(norm_header(key), key);
            for lang in [Lang::Zh, Lang::En] {
                m.entry(norm_header(cat.get(lang, &format!("imp.col.{key}"))))
                    .or_insert(key);
            }
        }
        let form = [
            ("act.unit_code", "unit_code"),
            ("act.date", "date"),
            ("act.type", "type"),
            ("act.program", "program"),
            ("act.title", "title"),
            ("act.place", "place"),
            ("act.participants", "participants"),
            ("act.women", "women"),
            ("act.women_of", "women"),
            ("act.summary", "summary"),
            ("act.title_mn", "title_mn"),
        ];
        for (label, key) in form {
            for lang in [Lang::Zh, Lang::En] {
                m.entry(norm_header(cat.get(lang, label))).or_insert(key);
            }
        }
        m
    })
}

/// `  活动类型*（必填）` → `活动类型`; `Unit Code` → `unit code`.
fn norm_header(s: &str) -> String {
    let mut s = s.trim().to_lowercase();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(i) = s.find(open)
            && let Some(j) = s[i..].find(close)
        {
            s.replace_range(i..i + j + close.len_utf8(), "");
        }
    }
    s.replace(['*', '＊'], "").trim().to_owned()
}

fn recognise(cells: &[(u16, Value)]) -> Vec<(u16, &'static str)> {
    let names = header_names();
    cells
        .iter()
        .filter_map(|(c, v)| match v {
            Value::Text(s) => names.get(&norm_header(s)).map(|k| (*c, *k)),
            _ => None,
        })
        .collect()
}

/// The sum of the sizes an archive declares for its members; the zip
/// reader refuses to unpack more than a member declares, so this bounds
/// what reading can cost.
fn check_unpacked_size(bytes: &[u8], max: u64) -> Result<(), Problem> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| Problem::file("imp.err.unreadable"))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|_| Problem::file("imp.err.unreadable"))?;
        total = total.saturating_add(f.size());
    }
    if total > max {
        return Err(Problem::file("imp.err.too_large"));
    }
    Ok(())
}

/// Whether bytes look like an .xlsx (a zip archive) at all.
pub fn looks_like_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

struct Reading {
    max_rows: usize,
    columns: Option<[Option<u16>; 10]>,
    header_row: u32,
    second_header_checked: bool,
    rows: Vec<Row>,
}

impl Reading {
    fn finish_row(&mut self, r: u32, cells: Vec<(u16, Value)>) -> Result<(), Problem> {
        let Some(columns) = self.columns.as_mut() else {
            if r >= HEADER_SCAN_ROWS {
                return Err(Problem::file("imp.err.no_header"));
            }
            let found = recognise(&cells);
            if found.len() >= 3 {
                let mut cols = [None; 10];
                for (c, key) in found {
                    let i = COLUMNS.iter().position(|k| *k == key).unwrap_or(0);
                    cols[i].get_or_insert(c);
                }
                self.columns = Some(cols);
                self.header_row = r;
            }
            return Ok(());
        };
        if !self.second_header_checked {
            // The template has a second header row with the keys.
            self.second_header_checked = true;
            let found = recognise(&cells);
            if r == self.header_row + 1 && found.len() >= 3 {
                for (c, key) in found {
                    let i = COLUMNS.iter().position(|k| *k == key).unwrap_or(0);
                    columns[i].get_or_insert(c);
                }
                return Ok(());
            }
        }
        let mut row = Row {
            number: r + 1,
            cells: Default::default(),
        };
        for (c, v) in cells {
            if let Some(i) = columns.iter().position(|p| *p == Some(c)) {
                row.cells[i] = v;
            }
        }
        if row.cells.iter().all(Value::is_empty) {
            return Ok(());
        }
        if row.cells[TITLE] == Value::Text(EXAMPLE_TITLE.to_owned()) {
            return Ok(());
        }
        if self.rows.len() >= self.max_rows {
            return Err(Problem::file("imp.err.too_many_rows").with_n(self.max_rows as u64));
        }
        self.rows.push(row);
        Ok(())
    }
}

/// Reads the first visible sheet of an .xlsx: finds the header row (the
/// template's Chinese names, English names or keys), then keeps every
/// non-empty row below it. File-level problems (not an .xlsx, no header,
/// missing columns, too many rows) come back as a list.
pub fn read(bytes: &[u8], limits: Limits) -> Result<Sheet, Vec<Problem>> {
    if !looks_like_xlsx(bytes) {
        return Err(vec![Problem::file("imp.err.not_xlsx")]);
    }
    if bytes.len() > limits.file_bytes {
        return Err(vec![Problem::file("imp.err.too_large")]);
    }
    check_unpacked_size(bytes, limits.unpacked_bytes).map_err(|p| vec![p])?;
    let unreadable = |_| vec![Problem::file("imp.err.unreadable")];
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let name = wb
        .sheets_metadata()
        .iter()
        .find(|s| {
            s.visible == SheetVisible::Visible
                && s.typ == SheetType::WorkSheet
                && s.name != LISTS_SHEET
        })
        .map(|s| s.name.clone())
        .ok_or_else(|| vec![Problem::file("imp.err.no_sheet")])?;
    let mut reader = wb.worksheet_cells_reader(&name).map_err(unreadable)?;
    let mut reading = Reading {
        max_rows: limits.rows,
        columns: None,
        header_row: 0,
        second_header_checked: false,
        rows: Vec::new(),
    };
    let mut current: Option<u32> = None;
    let mut cells: Vec<(u16, Value)> = Vec::new();
    loop {
        let next = reader.next_cell().map_err(unreadable)?;
        let at = next.as_ref().map(|c| c.get_position().0);
        if at != current {
            if let Some(r) = current {
                reading
                    .finish_row(r, std::mem::take(&mut cells))
                    .map_err(|p| vec![p])?;
            }
            current = at;
        }
        let Some(cell) = next else { break };
        let col = cell.get_position().1;
        if col < 256 {
            let v = Value::of(cell.get_value());
            if !v.is_empty() {
                cells.push((col as u16, v));
            }
        }
    }
    let Some(columns) = reading.columns else {
        return Err(vec![Problem::file("imp.err.no_header")]);
    };
    let missing: Vec<Problem> = REQUIRED
        .iter()
        .filter(|k| columns[COLUMNS.iter().position(|c| c == *k).unwrap_or(0)].is_none())
        .map(|k| Problem {
            row: Some(reading.header_row + 1),
            field: Some(k),
            column: None,
            key: "imp.err.missing_column",
            n: None,
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    if reading.rows.is_empty() {
        return Err(vec![Problem::file("imp.err.empty")]);
    }
    Ok(Sheet {
        columns,
        rows: reading.rows,
    })
}

/// Who imports: her scope bounds the units, her id marks the rows.
#[derive(Debug, Clone, Copy)]
pub struct Importer {
    pub scope: Scope,
    pub by: UserId,
    /// Dates may not be later than this.
    pub today: time::Date,
}

/// Rows ready to insert together.
#[derive(Debug, Clone)]
pub struct Plan {
    pub rows: Vec<NewActivity>,
    /// The importer's scope, which the store checks every row against.
    pub scope: Scope,
    /// The deepest unit above every imported row: where the import is
    /// audited.
    pub unit: Unit,
    /// How many distinct units the rows belong to.
    pub units: usize,
}

pub enum Checked {
    Ready(Box<Plan>),
    Rejected(Vec<Problem>),
}

/// Dictionary names → keys: keys, and the labels in every language, of
/// the active entries.
fn names_to_keys(entries: &[DictEntry]) -> HashMap<String, String> {
    let mut m = HashMap::new();
    let active = entries.iter().filter(|e| e.active);
    for e in active.clone() {
        m.insert(e.key.trim().to_lowercase(), e.key.clone());
    }
    for e in active {
        for label in [Some(&e.label_zh), e.label_en.as_ref(), e.label_mn.as_ref()]
            .into_iter()
            .flatten()
        {
            m.entry(label.trim().to_lowercase())
                .or_insert_with(|| e.key.clone());
        }
    }
    m
}

/// A unit code cell: text (the template's list shows `code name`, so the
/// first word counts) or a number Excel made of the digits.
fn unit_code_text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.split_whitespace().next().unwrap_or("").to_owned(),
        other => other.text(),
    }
}

/// A date cell as `YYYY-MM-DD` for the domain's rule: Excel dates, and
/// text such as `2026-11-01`, `2026/11/1` or `2026年11月1日`.
fn date_text(v: &Value) -> String {
    match v {
        Value::Date(d) => format_date(*d),
        Value::Number(f) if (36_526.0..2_958_466.0).contains(f) && f.fract() == 0.0 => {
            // A date cell whose format was lost: days since 1899-12-30.
            time::Date::from_calendar_date(1899, time::Month::December, 30)
                .ok()
                .and_then(|base| base.checked_add(time::Duration::days(*f as i64)))
                .map(format_date)
                .unwrap_or_default()
        }
        Value::Text(s) => {
            let s = s.trim();
            // `2026-11-01T00:00:00`, `2026-11-01 00:00`.
            let s = s.split(['T', ' ']).next().unwrap_or(s);
            let unified: String = s
                .chars()
                .filter(|c| *c != '日')
                .map(|c| {
                    if matches!(c, '/' | '.' | '年' | '月') {
                        '-'
                    } else {
                        c
                    }
                })
                .collect();
            let parts: Vec<&str> = unified.split('-').collect();
            match parts.as_slice() {
                [y, m, d]
                    if y.len() == 4
                        && (1..=2).contains(&m.len())
                        && (1..=2).contains(&d.len())
                        && [y, m, d]
                            .iter()
                            .all(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
                {
                    format!("{y}-{m:0>2}-{d:0>2}")
                }
                _ => s.to_owned(),
            }
        }
        other => other.text(),
    }
}

/// A count: empty is "not given"; anything but a whole number becomes an
/// impossible value so the range rule reports it, as on the form.
fn count(v: &Value) -> Option<i64> {
    match v {
        Value::Empty => None,
        Value::Number(f) if f.fract() == 0.0 && f.abs() < 1e12 => Some(*f as i64),
        Value::Text(s) => {
            let s = s.trim();
            if s.is_empty() {
                None
            } else {
                Some(
                    s.parse::<i64>()
                        .ok()
                        .or_else(|| {
                            s.parse::<f64>()
                                .ok()
                                .filter(|f| f.fract() == 0.0 && f.abs() < 1e12)
                                .map(|f| f as i64)
                        })
                        .unwrap_or(-1),
                )
            }
        }
        _ => Some(-1),
    }
}

fn optional(v: &Value) -> Option<String> {
    Some(v.text()).filter(|s| !s.trim().is_empty())
}

/// Checks every row as the activity form would — fields, dictionaries,
/// units in the importer's scope — and reports every problem. The store
/// is asked once per dictionary and once per distinct unit code. `tick`
/// is called after each row (for progress bars).
pub async fn check(
    store: &dyn Store,
    who: &Importer,
    sheet: &Sheet,
    mut tick: impl FnMut(),
) -> Result<Checked, StoreError> {
    let types = names_to_keys(&store.dictionary(DictKind::ACTIVITY_TYPE).await?);
    let programs = names_to_keys(&store.dictionary(DictKind::PROGRAM).await?);

    // Each distinct code once.
    let mut units: HashMap<String, Result<Unit, &'static str>> = HashMap::new();
    for row in &sheet.rows {
        let text = unit_code_text(&row.cells[UNIT]);
        if units.contains_key(&text) {
            continue;
        }
        let found = match UnitCode::parse(&text) {
            Err(_) => Err("err.code.format"),
            Ok(code) => match store.unit_in_scope(who.scope, &code).await {
                Ok(u) if u.active => Ok(u),
                Ok(_) => Err("err.unit.retired"),
                Err(StoreError::NotFound) => Err("err.unit.unknown"),
                Err(e) => return Err(e),
            },
        };
        units.insert(text, found);
    }

    let mut problems = Vec::new();
    let mut ready = Vec::with_capacity(sheet.rows.len());
    for row in &sheet.rows {
        let mut here: Vec<(&'static str, &'static str)> = Vec::new();
        let resolve = |map: &HashMap<String, String>, v: &Value| -> (String, bool) {
            let raw = v.text();
            match map.get(&raw.trim().to_lowercase()) {
                Some(k) => (k.clone(), true),
                None => (raw, false),
            }
        };
        let (type_key, type_ok) = resolve(&types, &row.cells[TYPE]);
        if !type_ok && !type_key.trim().is_empty() {
            here.push(("type", "err.activity.type_unknown"));
        }
        let (program_key, program_ok) = resolve(&programs, &row.cells[PROGRAM]);
        if !program_ok && !program_key.trim().is_empty() {
            here.push(("program", "err.activity.program_unknown"));
        }
        let unit = match &units[&unit_code_text(&row.cells[UNIT])] {
            Ok(u) => Some(u),
            Err(key) => {
                here.push(("unit_code", key));
                None
            }
        };
        let draft = ActivityDraft {
            date: date_text(&row.cells[DATE]),
            type_key,
            program_key: Some(program_key).filter(|p| !p.trim().is_empty()),
            title: row.cells[TITLE].text(),
            title_mn: optional(&row.cells[TITLE_MN]),
            place: optional(&row.cells[PLACE]),
            participants: count(&row.cells[PARTICIPANTS]),
            women: count(&row.cells[WOMEN]),
            summary: optional(&row.cells[SUMMARY]),
        };
        let fields = match draft.validate(who.today) {
            Ok(f) => Some(f),
            Err(errors) => {
                here.extend(errors.iter().map(|e| (static_field(&e.field), e.key)));
                None
            }
        };
        match (unit, fields) {
            (Some(u), Some(fields)) if here.is_empty() => ready.push(NewActivity {
                unit: u.id,
                fields,
                by: Some(who.by),
            }),
            _ => {
                here.sort_by_key(|(f, _)| COLUMNS.iter().position(|c| c == f));
                here.dedup();
                for (field, key) in here {
                    let i = COLUMNS.iter().position(|c| *c == field);
                    problems.push(Problem {
                        row: Some(row.number),
                        field: i.map(|i| COLUMNS[i]),
                        column: i.and_then(|i| sheet.columns[i]),
                        key,
                        n: None,
                    });
                }
            }
        }
        tick();
    }
    if !problems.is_empty() {
        return Ok(Checked::Rejected(problems));
    }
    let distinct: BTreeMap<UnitId, &Unit> = units
        .values()
        .filter_map(|u| u.as_ref().ok())
        .map(|u| (u.id, u))
        .collect();
    let unit = common_ancestor(store, &distinct.values().copied().collect::<Vec<_>>()).await?;
    Ok(Checked::Ready(Box::new(Plan {
        rows: ready,
        scope: who.scope,
        unit,
        units: distinct.len(),
    })))
}

/// The deepest unit that every given unit lies under (or is).
async fn common_ancestor(store: &dyn Store, units: &[&Unit]) -> Result<Unit, StoreError> {
    let Some(first) = units.first() else {
        return store.root_unit().await;
    };
    let mut deepest = None;
    for level in Level::ALL {
        let i = usize::from(level.get() - 1);
        let a = first.ancestors[i];
        if a.is_some() && units.iter().all(|u| u.ancestors[i] == a) {
            deepest = a;
        } else {
            break;
        }
    }
    match deepest {
        Some(id) if id == first.id => Ok((*first).clone()),
        Some(id) => store.unit_by_id(id).await,
        None => store.root_unit().await,
    }
}

/// Inserts every row of a plan in one transaction: all or nothing.
pub async fn commit(store: &dyn Store, plan: &Plan, now: i64) -> Result<u64, StoreError> {
    store.insert_activities(plan.scope, &plan.rows, now).await
}

/// The audit detail of an import: count and unit, no names.
pub fn audit_detail(plan: &Plan, via: &str) -> String {
    format!(
        "count={} unit={} units={} via={via}",
        plan.rows.len(),
        plan.unit.code,
        plan.units
    )
}

/// The column an activity rule names, as the `'static` name of
/// [`COLUMNS`]; empty for a name that is not a column.
fn static_field(field: &str) -> &'static str {
    COLUMNS.iter().find(|c| **c == field).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_many_spellings() {
        let t = |s: &str| date_text(&Value::Text(s.into()));
        assert_eq!(t("2026-11-01"), "2026-11-01");
        assert_eq!(t("2026/1/5"), "2026-01-05");
        assert_eq!(t("2026年1月5日"), "2026-01-05");
        assert_eq!(t("2026-11-01T00:00:00"), "2026-11-01");
        assert_eq!(t("昨天"), "昨天");
        assert_eq!(date_text(&Value::Number(46_327.0)), "2026-11-01");
    }

    #[test]
    fn counts_and_codes() {
        assert_eq!(count(&Value::Number(40.0)), Some(40));
        assert_eq!(count(&Value::Number(40.5)), Some(-1));
        assert_eq!(count(&Value::Text(" 12 ".into())), Some(12));
        assert_eq!(count(&Value::Text("十二".into())), Some(-1));
        assert_eq!(count(&Value::Empty), None);
        assert_eq!(
            unit_code_text(&Value::Number(152_502_200_200.0)),
            "152502200200"
        );
        assert_eq!(
            unit_code_text(&Value::Text("152502200200 伊利勒特嘎查".into())),
            "152502200200"
        );
    }

    #[test]
    fn header_names_in_both_languages() {
        assert_eq!(norm_header("活动类型*（必填）"), "活动类型");
        let names = header_names();
        assert_eq!(names.get("unit_code"), Some(&"unit_code"));
        assert_eq!(names.get(&norm_header("单位代码")), Some(&"unit_code"));
        assert_eq!(
            names.get(&norm_header("Participants")),
            Some(&"participants")
        );
    }
}
