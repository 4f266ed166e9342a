//! The import template and the error report of a refused import.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Format, Formula, Note, Workbook, XlsxError,
};

use super::bilingual::{Heading, headings, write_header_row};
use super::import::{COLUMNS, EXAMPLE_TITLE, LISTS_SHEET, Problem};
use super::{safe_text, sheet_name};
use crate::i18n::{Catalogue, Lang};

/// Rows of the template that carry the drop-down lists.
const TEMPLATE_ROWS: u32 = 20_000;
/// Beyond this many units the unit code column gets a note instead of a list.
pub const MAX_PICK_UNITS: usize = 3_000;

/// What the template's drop-downs offer.
pub struct TemplateLists {
    /// Active activity-type labels (Chinese), in dictionary order.
    pub types: Vec<String>,
    /// Active program labels (Chinese), in dictionary order.
    pub programs: Vec<String>,
    /// `code name` of the user's unit and every active unit below, when
    /// there are at most [`MAX_PICK_UNITS`]; `None` otherwise.
    pub units: Option<Vec<String>>,
    /// The user's own unit, `code name`, for the example row.
    pub own_unit: String,
}

const WIDTHS: [f64; 10] = [26.0, 12.0, 18.0, 20.0, 32.0, 18.0, 10.0, 10.0, 40.0, 24.0];

fn list_validation(column: char, len: usize) -> Result<DataValidation, XlsxError> {
    Ok(DataValidation::new()
        .allow_list_formula(Formula::new(format!(
            "={LISTS_SHEET}!${column}$1:${column}${len}"
        )))
        .set_error_style(DataValidationErrorStyle::Warning))
}

/// The template: the column names in Mongolian and Chinese (the import
/// reads the Chinese), the keys in a second header row,
/// drop-downs for type, program and (when not too many) unit, and one grey
/// example row that the import skips.
pub fn template(
    lists: &TemplateLists,
    example_date: time::Date,
    cat: &Catalogue,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(cat.get(lang, "imp.title")));
    let keys = Format::new()
        .set_italic()
        .set_font_color("#808080")
        .set_background_color("#F7F7F7");
    let example = Format::new().set_italic().set_font_color("#808080");
    let example_date_format = example.clone().set_num_format("yyyy-mm-dd");
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");

    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(cat.get(Lang::Zh, "imp.sheet")))?;
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    // Codes stay text (Excel would turn 12 digits into a number), dates are dates.
    ws.set_column_format(0, &text)?;
    ws.set_column_format(1, &date)?;
    ws.set_freeze_panes(2, 0)?;
    let names: Vec<Heading> = COLUMNS
        .iter()
        .map(|key| Heading::of(cat, &format!("imp.col.{key}")))
        .collect();
    write_header_row(ws, 0, &names)?;
    for (c, key) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(1, c, *key, &keys)?;
        let note_key = format!("imp.note.{key}");
        if cat.has(Lang::Zh, &note_key) {
            let mut note = cat.get(lang, &note_key).to_owned();
            if *key == "unit_code" && lists.units.is_none() {
                note = cat.get(lang, "imp.note.unit_code_many").to_owned();
            }
            ws.insert_note(0, c, &Note::new(note).add_author_prefix(false))?;
        }
    }
    // The example row.
    let d = ExcelDateTime::from_ymd(
        u16::try_from(example_date.year()).unwrap_or(2026),
        u8::from(example_date.month()),
        example_date.day(),
    )?;
    ws.write_string_with_format(2, 0, safe_text(&lists.own_unit), &example)?;
    ws.write_datetime_with_format(2, 1, &d, &example_date_format)?;
    if let Some(t) = lists.types.first() {
        ws.write_string_with_format(2, 2, safe_text(t), &example)?;
    }
    if let Some(p) = lists.programs.first() {
        ws.write_string_with_format(2, 3, safe_text(p), &example)?;
    }
    ws.write_string_with_format(2, 4, EXAMPLE_TITLE, &example)?;
    ws.write_string_with_format(2, 5, cat.get(Lang::Zh, "imp.example_place"), &example)?;
    ws.write_number_with_format(2, 6, 40, &example)?;
    ws.write_number_with_format(2, 7, 31, &example)?;

    let last = TEMPLATE_ROWS + 1;
    if !lists.types.is_empty() {
        ws.add_data_validation(2, 2, last, 2, &list_validation('A', lists.types.len())?)?;
    }
    if !lists.programs.is_empty() {
        ws.add_data_validation(2, 3, last, 3, &list_validation('B', lists.programs.len())?)?;
    }
    if let Some(units) = lists.units.as_ref().filter(|u| !u.is_empty()) {
        ws.add_data_validation(2, 0, last, 0, &list_validation('C', units.len())?)?;
    }
    let counts = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(
            0,
            jinguo_domain::activity::MAX_PARTICIPANTS as i32,
        ))
        .set_error_message(cat.get(lang, "err.activity.participants_range"))?;
    ws.add_data_validation(2, 6, last, 7, &counts)?;

    let lists_ws = wb.add_worksheet();
    lists_ws.set_name(LISTS_SHEET)?;
    for (col, items) in [
        (0u16, Some(&lists.types)),
        (1, Some(&lists.programs)),
        (2, lists.units.as_ref()),
    ] {
        for (r, s) in items.into_iter().flatten().enumerate() {
            lists_ws.write_string(r as u32, col, safe_text(s))?;
        }
    }
    lists_ws.set_hidden(true);
    wb.save_to_buffer()
}

/// The problems of a refused import as a sheet: row, column, reason.
pub fn error_report(
    problems: &[Problem],
    cat: &Catalogue,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(cat.get(lang, "imp.report_title")));
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(cat.get(lang, "imp.report_sheet")))?;
    ws.set_column_width(0, 8)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 60)?;
    ws.set_freeze_panes(1, 0)?;
    write_header_row(
        ws,
        0,
        &headings(cat, &["imp.row", "imp.column", "imp.reason"]),
    )?;
    for (i, p) in problems.iter().enumerate() {
        let r = i as u32 + 1;
        if let Some(row) = p.row {
            ws.write_number(r, 0, row)?;
        }
        ws.write_string(r, 1, safe_text(&p.column_text(cat, lang)))?;
        ws.write_string(r, 2, safe_text(&p.reason(cat, lang)))?;
    }
    wb.save_to_buffer()
}
