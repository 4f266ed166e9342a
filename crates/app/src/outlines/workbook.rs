//! The annual monitoring workbook of a unit (issue 16, item 6): a summary
//! sheet with one line per domain ("11 项中 9 项已达标"), then one sheet per
//! domain of each outline with one row per indicator — unit kind, target,
//! this year's value, female and male values where sex-disaggregated,
//! numerator and denominator, denominator coverage and attainment. The
//! figures are exactly the attainment page's ([`super::figures`]).

use jinguo_domain::outline::Figure;
use rust_xlsxwriter::{DocProperties, Format, Workbook, XlsxError};

use super::figures::{Cell, Figures};
use crate::i18n::{Catalogue, Lang};
use crate::xlsx::{header_format, number_format, safe_text, sheet_name};

/// The demo mark the module puts before an invented indicator's name.
pub const DEMO_MARK: &str = "【演示】";

/// An indicator's name as the workbook shows it: invented ones marked.
pub fn shown_name(name: &str, demo: bool) -> String {
    if demo && !name.starts_with(DEMO_MARK) {
        format!("{DEMO_MARK}{name}")
    } else {
        name.to_owned()
    }
}

/// The columns of a domain sheet, as message keys.
const COLUMNS: [&str; 11] = [
    "outline.xlsx.code",
    "outline.indicator",
    "outline.xlsx.unit",
    "outline.target",
    "outline.value",
    "outline.female",
    "outline.male",
    "outline.numerator",
    "outline.denominator",
    "outline.xlsx.coverage",
    "outline.attainment",
];

/// The columns of the summary sheet, as message keys.
const SUMMARY: [&str; 7] = [
    "outline.xlsx.domain",
    "outline.att.attained",
    "outline.att.on_track",
    "outline.att.off_track",
    "outline.att.no_data",
    "outline.total",
    "outline.xlsx.summary_line",
];

fn number(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    c: u16,
    v: Option<f64>,
    f: &Format,
) -> Result<(), XlsxError> {
    if let Some(v) = v {
        ws.write_number_with_format(r, c, v, f)?;
    }
    Ok(())
}

/// The workbook's title: unit, year, what it is.
pub fn title(cat: &Catalogue, lang: Lang, f: &Figures) -> String {
    cat.get(lang, "outline.xlsx.title")
        .replace("{unit}", &f.unit.name)
        .replace("{year}", &f.year.to_string())
}

/// Writes the workbook of a unit's figures for a year.
pub fn write(cat: &Catalogue, lang: Lang, f: &Figures) -> Result<Vec<u8>, XlsxError> {
    let t = |k: &str| cat.get(lang, k).to_owned();
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(safe_text(&title(cat, lang, f)).as_ref()));
    let header = header_format();
    let count = number_format();
    let decimal = Format::new().set_num_format("#,##0.##");
    let percent = Format::new().set_num_format("0.0%");

    let summary = wb.add_worksheet();
    summary.set_name(sheet_name(&t("outline.xlsx.summary")))?;
    summary.set_column_width(0, 26)?;
    summary.set_column_width(6, 26)?;
    summary.set_freeze_panes(1, 0)?;
    for (c, k) in SUMMARY.iter().enumerate() {
        summary.write_string_with_format(0, c as u16, t(k), &header)?;
    }
    for (i, (d, s)) in f.domains.iter().enumerate() {
        let r = i as u32 + 1;
        summary.write_string(r, 0, safe_text(&t(&d.label_key())))?;
        for (c, n) in [s.attained, s.on_track, s.off_track, s.no_data, s.total()]
            .into_iter()
            .enumerate()
        {
            summary.write_number_with_format(r, c as u16 + 1, f64::from(n), &count)?;
        }
        let line = t("outline.n_of_m")
            .replace("{n}", &s.attained.to_string())
            .replace("{m}", &s.total().to_string());
        summary.write_string(r, 6, line)?;
    }

    for (d, _) in &f.domains {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t(&d.label_key())))?;
        ws.set_column_width(1, 40)?;
        ws.set_column_width(10, 12)?;
        ws.set_freeze_panes(1, 2)?;
        for (c, k) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, t(k), &header)?;
        }
        let rows = f.rows.iter().filter(|r| r.indicator.spec.domain == *d);
        for (i, row) in rows.enumerate() {
            let r = i as u32 + 1;
            let s = &row.indicator.spec;
            let c: &Cell = &row.cell;
            ws.write_string(r, 0, safe_text(&s.code))?;
            ws.write_string(r, 1, safe_text(&shown_name(&s.name, s.demo)))?;
            ws.write_string(r, 2, t(&format!("outline.unit.{}", s.unit.as_str())))?;
            number(ws, r, 3, c.target.map(|t| t.1), &decimal)?;
            number(ws, r, 4, c.value, &decimal)?;
            if s.sex_disaggregated {
                number(ws, r, 5, c.female, &decimal)?;
                number(ws, r, 6, c.male, &decimal)?;
            }
            if let Some(Figure::Ratio {
                numerator,
                denominator,
            }) = c.figure
            {
                ws.write_number_with_format(r, 7, numerator as f64, &count)?;
                ws.write_number_with_format(r, 8, denominator as f64, &count)?;
            }
            number(
                ws,
                r,
                9,
                c.aggregate.and_then(|a| a.denominator_coverage),
                &percent,
            )?;
            ws.write_string(r, 10, t(&format!("outline.att.{}", c.attainment.as_str())))?;
        }
    }
    wb.save_to_buffer()
}
