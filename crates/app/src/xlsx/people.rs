//! Accounts from a workbook (issue 14 item 8), as RuoYi's user import:
//! the template, reading a filled-in file, and the one-time workbook of
//! initial passwords. Checking the rows against the store is in
//! `crate::people_import`.
//!
//! The file is read like the activity ledger: an instructions sheet may come
//! first (the sheet with the people's header is found by its header row),
//! full-width characters and a leading apostrophe are tolerated.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use jinguo_domain::halfwidth::halfwidth;
use rust_xlsxwriter::{DocProperties, Format, Workbook, XlsxError};

use super::bilingual::{Heading, headings, without_mongolian, write_header_row, write_title};
use super::import::{
    Book, Fail, Limits, Problem, Refusal, SheetInfo, Value, candidate_sheets, check_unpacked_size,
    looks_like_xlsx, rows_of, unreadable,
};
use super::safe_text;
use crate::i18n::{Catalogue, Lang};

/// The columns, in template order: their keys.
pub const COLUMNS: [&str; 6] = [
    "display_name",
    "username",
    "phone",
    "position",
    "unit",
    "roles",
];
/// The template's header names (Chinese, as cadres know them): what the
/// import matches.
pub const HEADERS: [&str; 6] = ["姓名", "用户名", "手机", "职务", "单位代码或名称", "角色"];
/// The same headers as catalogue keys, for the template's Mongolian line
/// (their Chinese is [`HEADERS`], a test says so).
const HEADER_KEYS: [&str; 6] = [
    "people.col.display_name",
    "people.col.username",
    "people.col.phone",
    "people.col.position",
    "people.col.unit",
    "people.col.roles",
];
const REQUIRED: [usize; 4] = [NAME, USERNAME, UNIT, ROLES];

pub const NAME: usize = 0;
pub const USERNAME: usize = 1;
pub const PHONE: usize = 2;
pub const POSITION: usize = 3;
pub const UNIT: usize = 4;
pub const ROLES: usize = 5;

/// Most accounts one file creates: a banner's cadres, not a census.
pub const MAX_ROWS: usize = 2_000;
/// Header rows are looked for this far down each sheet.
const HEADER_SCAN_ROWS: u32 = 20;

/// Other wordings of each header, after [`norm`].
const ALIASES: [&[&str]; 6] = [
    &[
        "姓名",
        "名字",
        "人员姓名",
        "name",
        "displayname",
        "display_name",
    ],
    &[
        "用户名",
        "登录名",
        "账号",
        "帐号",
        "用户账号",
        "登录账号",
        "username",
    ],
    &[
        "手机",
        "手机号",
        "手机号码",
        "联系电话",
        "电话",
        "phone",
        "mobile",
    ],
    &["职务", "职位", "岗位", "position"],
    &[
        "单位代码或名称",
        "单位",
        "所在单位",
        "单位名称",
        "单位代码",
        "unit",
        "unit_code",
    ],
    &["角色", "权限", "roles", "role"],
];

/// A header as compared: the Mongolian line of a bilingual header,
/// spaces, required-field stars and brackets out, full-width to
/// half-width, lower case.
fn norm(s: &str) -> String {
    halfwidth(&without_mongolian(s))
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '(' | ')' | '（' | '）'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn column_of(header: &str) -> Option<usize> {
    let h = norm(header);
    ALIASES.iter().position(|a| a.contains(&h.as_str()))
}

/// A data row: its Excel number and its cells in [`COLUMNS`] order.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub number: u32,
    pub cells: [Value; 6],
}

/// What [`read`] found.
#[derive(Debug, Clone)]
pub struct PeopleSheet {
    pub at: SheetInfo,
    /// Where each column is (0-based).
    pub columns: [Option<u16>; 6],
    /// Each column's header as the file writes it.
    pub headers: [Option<String>; 6],
    pub rows: Vec<PersonRow>,
}

impl PeopleSheet {
    /// A problem in a cell of row `number`, quoting what it holds.
    pub fn problem(&self, number: u32, col: usize, cell: &Value, key: &'static str) -> Problem {
        Problem {
            row: Some(number),
            field: Some(COLUMNS[col]),
            column: self.columns[col],
            header: self.headers[col].clone(),
            seen: super::import::seen(cell),
            ..Problem::file(key)
        }
    }
}

/// A sheet row: its 0-based number and its non-empty cells by column.
type SheetRow = (u32, Vec<(u16, Value)>);

/// The header among a sheet's first rows: at least three known columns.
fn find_header(wb: &mut Book<'_>, name: &str) -> Result<Option<SheetRow>, Fail> {
    let mut found = None;
    rows_of(wb, name, |r, cells| {
        if r >= HEADER_SCAN_ROWS {
            return Ok(false);
        }
        let known = cells
            .iter()
            .filter(|(_, v)| matches!(v, Value::Text(t) if column_of(t).is_some()))
            .count();
        if known >= 3 {
            found = Some((r, cells));
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok(found)
}

/// Reads the people of an .xlsx: the first visible sheet with their header
/// among its first rows, then every non-empty row below it.
pub fn read(bytes: &[u8]) -> Result<PeopleSheet, Refusal> {
    super::import::guarded(
        || Problem::file("imp.err.unreadable").into(),
        || read_unguarded(bytes),
    )
}

fn read_unguarded(bytes: &[u8]) -> Result<PeopleSheet, Refusal> {
    let limits = Limits::WEB;
    if !looks_like_xlsx(bytes) {
        return Err(Problem::file("imp.err.not_xlsx").into());
    }
    if bytes.len() > limits.file_bytes {
        return Err(Problem::file("imp.err.too_large").into());
    }
    check_unpacked_size(bytes, limits.unpacked_bytes)?;
    let mut wb: Book<'_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    for name in candidate_sheets(&wb) {
        let Some((header_row, cells)) = find_header(&mut wb, &name)? else {
            continue;
        };
        let mut columns = [None; 6];
        let mut headers: [Option<String>; 6] = Default::default();
        for (c, v) in &cells {
            if let Value::Text(t) = v
                && let Some(i) = column_of(t)
                && columns[i].is_none()
            {
                columns[i] = Some(*c);
                headers[i] = Some(without_mongolian(t).trim().to_owned());
            }
        }
        let at = SheetInfo {
            name: name.clone(),
            header_row: header_row + 1,
        };
        let missing: Vec<Problem> = REQUIRED
            .iter()
            .filter(|i| columns[**i].is_none())
            .map(|i| Problem {
                row: Some(at.header_row),
                field: Some(COLUMNS[*i]),
                header: Some(HEADERS[*i].to_owned()),
                ..Problem::file("imp.err.missing_column")
            })
            .collect();
        if !missing.is_empty() {
            return Err(Refusal {
                problems: missing,
                at: Some(at),
            });
        }
        let mut rows = Vec::new();
        let mut too_many = false;
        rows_of(&mut wb, &name, |r, cells| {
            if r <= header_row {
                return Ok(true);
            }
            let mut row = PersonRow {
                number: r + 1,
                cells: Default::default(),
            };
            for (c, v) in cells {
                if let Some(i) = columns.iter().position(|p| *p == Some(c)) {
                    row.cells[i] = v;
                }
            }
            if row.cells.iter().all(Value::is_empty) {
                return Ok(true);
            }
            if rows.len() >= MAX_ROWS {
                too_many = true;
                return Ok(false);
            }
            rows.push(row);
            Ok(true)
        })
        .map_err(|p| Refusal {
            problems: vec![*p],
            at: Some(at.clone()),
        })?;
        let refuse = |p: Problem| Refusal {
            problems: vec![p],
            at: Some(at.clone()),
        };
        if too_many {
            let mut p = Problem::file("imp.err.too_many_rows");
            p.n = Some(MAX_ROWS as u64);
            return Err(refuse(p));
        }
        if rows.is_empty() {
            return Err(refuse(Problem::file("people.err.empty")));
        }
        return Ok(PeopleSheet {
            at,
            columns,
            headers,
            rows,
        });
    }
    Err(Problem::file("people.err.no_header").into())
}

/// The template: an instructions sheet first (as offices keep them), then
/// the sheet to fill in, with the headers in Mongolian and Chinese (the
/// import reads the Chinese) and text-formatted columns so phones keep
/// their digits.
pub fn template(cat: &Catalogue, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(cat.get(lang, "people.import.title")));
    let wrap = Format::new().set_text_wrap();
    let bold = Format::new().set_bold();
    let notes = wb.add_worksheet();
    notes.set_name(super::sheet_name(
        cat.get(lang, "people.template.notes_sheet"),
    ))?;
    notes.set_column_width(0, 100)?;
    write_title(notes, 0, 0, &Heading::of(cat, "people.import.title"), &bold)?;
    for (i, key) in [
        "people.template.note1",
        "people.template.note2",
        "people.template.note3",
        "people.template.note4",
        "people.template.note5",
        "people.template.note6",
    ]
    .iter()
    .enumerate()
    {
        notes.write_string_with_format(i as u32 + 2, 0, cat.get(lang, key), &wrap)?;
    }
    let sheet = wb.add_worksheet();
    sheet.set_name(super::sheet_name(cat.get(lang, "people.template.sheet")))?;
    let text = Format::new().set_num_format("@");
    let heads: Vec<Heading> = HEADER_KEYS
        .iter()
        .zip(HEADERS)
        .map(|(key, zh)| Heading::matching(cat, key, zh))
        .collect();
    write_header_row(sheet, 0, &heads)?;
    for c in 0..HEADERS.len() {
        let c = c as u16;
        sheet.set_column_width(c, if c == UNIT as u16 { 30 } else { 16 })?;
        sheet.set_column_format(c, &text)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

/// The one-time list of initial passwords: username, name, password.
pub fn passwords(
    rows: &[(String, String, String)],
    cat: &Catalogue,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(cat.get(lang, "people.passwords.title")));
    let sheet = wb.add_worksheet();
    sheet.set_name(super::sheet_name(cat.get(lang, "people.passwords.sheet")))?;
    let heads = [
        "users.username",
        "people.display_name",
        "people.passwords.password",
    ];
    write_header_row(sheet, 0, &headings(cat, &heads))?;
    for c in 0..heads.len() {
        sheet.set_column_width(c as u16, 20)?;
    }
    for (r, (username, name, password)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, safe_text(username))?;
        sheet.write_string(r, 1, safe_text(name))?;
        sheet.write_string(r, 2, safe_text(password))?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xlsx::bilingual::is_mongolian;

    #[test]
    fn the_template_headers_are_mongolian_then_the_chinese_the_import_reads() {
        let cat = crate::i18n_global();
        for (key, zh) in HEADER_KEYS.iter().zip(HEADERS) {
            assert_eq!(cat.get(Lang::Zh, key), zh, "{key}");
        }
        let bytes = template(cat, Lang::En).unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        let name = wb.sheet_names()[1].clone();
        let range = wb.worksheet_range(&name).unwrap();
        for (c, zh) in HEADERS.iter().enumerate() {
            let Some(calamine::Data::String(h)) = range.get_value((0, c as u32)) else {
                panic!("a header in column {c}");
            };
            let (mn, rest) = h.split_once('\n').expect("Mongolian, then Chinese");
            assert!(mn.chars().any(is_mongolian), "{h}");
            assert_eq!(rest, *zh);
        }
        // The untouched template is read up to its (empty) rows: the
        // bilingual header is found.
        let refused = read(&bytes).unwrap_err();
        assert_eq!(refused.problems[0].key, "people.err.empty");
        assert_eq!(refused.at.unwrap().header_row, 1);
    }

    #[test]
    fn mongolian_alone_names_no_column() {
        let cat = crate::i18n_global();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (c, key) in HEADER_KEYS.iter().enumerate() {
            ws.write_string(0, c as u16, cat.get(Lang::Mn, key))
                .unwrap();
            ws.write_string(1, c as u16, "x").unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let refused = read(&bytes).unwrap_err();
        assert_eq!(refused.problems[0].key, "people.err.no_header");
    }
}
