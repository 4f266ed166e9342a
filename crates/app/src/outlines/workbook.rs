//! The monitoring workbooks of a unit (issue 16, item 6), one writer for
//! all three: a summary sheet with one line per domain ("11 项中 9 项已达标"),
//! then one sheet per domain of each outline with one row per indicator.
//!
//! - The annual report ([`Book::Annual`]): unit kind, target, this year's
//!   value, female and male values where sex-disaggregated, numerator and
//!   denominator, denominator coverage and attainment (attained, on track,
//!   off track, no data).
//! - The mid-term (2025) and final (2030) assessments
//!   ([`Book::Assessment`]): the 2020 baseline, the assessment year's value
//!   (female and male), the target for that horizon as the targets table
//!   holds it (the mid-term one, else the final one, with its year) and
//!   attained or not.
//!
//! The figures are exactly the attainment page's ([`super::figures`]).

use jinguo_domain::outline::Figure;
use rust_xlsxwriter::{DocProperties, Format, Workbook, XlsxError};

use jinguo_domain::outline::Direction;

use super::figures::{Cell, Figures};
use crate::i18n::{Catalogue, Lang};
use crate::xlsx::bilingual::{headings, write_header_row};
use crate::xlsx::{number_format, safe_text, sheet_name};

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

/// Which workbook: the annual report or an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Book {
    Annual,
    Assessment(Assessment),
}

/// The two assessments of a plan period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assessment {
    /// 中期评估, in the mid-term year (2025).
    Midterm,
    /// 终期评估, in the final year (2030).
    Final,
}

impl Assessment {
    pub fn parse(s: &str) -> Option<Assessment> {
        match s.trim() {
            "midterm" => Some(Assessment::Midterm),
            "final" => Some(Assessment::Final),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Assessment::Midterm => "midterm",
            Assessment::Final => "final",
        }
    }

    /// The year assessed.
    pub fn year(self, period: jinguo_domain::outline::PlanPeriod) -> i32 {
        match self {
            Assessment::Midterm => period.midterm(),
            Assessment::Final => period.end(),
        }
    }
}

/// An assessment's verdict: the target of the horizon met or not; no data
/// without a value or a target.
pub fn assessed(direction: Direction, c: &Cell) -> &'static str {
    match (c.value, c.target) {
        (Some(v), Some((_, t))) if direction.meets(v, t) => "attained",
        (Some(_), Some(_)) => "not_attained",
        _ => "no_data",
    }
}

/// The message key of an assessment verdict.
fn verdict_key(v: &str) -> String {
    match v {
        "not_attained" => "outline.assess.not_attained".to_owned(),
        other => format!("outline.att.{other}"),
    }
}

/// The columns of an assessment's domain sheet, as message keys.
const ASSESS_COLUMNS: [&str; 10] = [
    "outline.xlsx.code",
    "outline.indicator",
    "outline.xlsx.unit",
    "outline.baseline",
    "outline.assess.value",
    "outline.female",
    "outline.male",
    "outline.target",
    "outline.assess.target_year",
    "outline.assess.verdict",
];

/// The columns of an assessment's summary sheet, as message keys.
const ASSESS_SUMMARY: [&str; 6] = [
    "outline.xlsx.domain",
    "outline.att.attained",
    "outline.assess.not_attained",
    "outline.att.no_data",
    "outline.total",
    "outline.xlsx.summary_line",
];

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
pub fn title(cat: &Catalogue, lang: Lang, f: &Figures, book: Book) -> String {
    let key = match book {
        Book::Annual => "outline.xlsx.title",
        Book::Assessment(Assessment::Midterm) => "outline.assess.title_midterm",
        Book::Assessment(Assessment::Final) => "outline.assess.title_final",
    };
    cat.get(lang, key)
        .replace("{unit}", &f.unit.name)
        .replace("{year}", &f.year.to_string())
}

/// Per domain: attained, not attained, no data by the assessment's rule.
fn assessed_counts(f: &Figures, d: jinguo_domain::outline::Domain) -> [u32; 3] {
    let mut n = [0; 3];
    for r in f.rows.iter().filter(|r| r.indicator.spec.domain == d) {
        match assessed(r.indicator.spec.direction, &r.cell) {
            "attained" => n[0] += 1,
            "not_attained" => n[1] += 1,
            _ => n[2] += 1,
        }
    }
    n
}

/// Writes a workbook of a unit's figures for a year (the assessment
/// year for an assessment).
pub fn write(cat: &Catalogue, lang: Lang, f: &Figures, book: Book) -> Result<Vec<u8>, XlsxError> {
    let t = |k: &str| cat.get(lang, k).to_owned();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_title(safe_text(&title(cat, lang, f, book)).as_ref()),
    );
    let count = number_format();
    let decimal = Format::new().set_num_format("#,##0.##");
    let percent = Format::new().set_num_format("0.0%");

    let summary = wb.add_worksheet();
    summary.set_name(sheet_name(&t("outline.xlsx.summary")))?;
    summary.set_column_width(0, 26)?;
    summary.set_freeze_panes(1, 0)?;
    let heads: &[&str] = match book {
        Book::Annual => &SUMMARY,
        Book::Assessment(_) => &ASSESS_SUMMARY,
    };
    let line_col = heads.len() as u16 - 1;
    summary.set_column_width(line_col, 26)?;
    write_header_row(summary, 0, &headings(cat, heads))?;
    for (i, (d, s)) in f.domains.iter().enumerate() {
        let r = i as u32 + 1;
        summary.write_string(r, 0, safe_text(&t(&d.label_key())))?;
        let (counts, attained) = match book {
            Book::Annual => (
                vec![s.attained, s.on_track, s.off_track, s.no_data, s.total()],
                s.attained,
            ),
            Book::Assessment(_) => {
                let [a, n, none] = assessed_counts(f, *d);
                (vec![a, n, none, a + n + none], a)
            }
        };
        let total = *counts.last().expect("a total");
        for (c, n) in counts.into_iter().enumerate() {
            summary.write_number_with_format(r, c as u16 + 1, f64::from(n), &count)?;
        }
        let line = t("outline.n_of_m")
            .replace("{n}", &attained.to_string())
            .replace("{m}", &total.to_string());
        summary.write_string(r, line_col, line)?;
    }

    for (d, _) in &f.domains {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t(&d.label_key())))?;
        ws.set_column_width(1, 40)?;
        ws.set_freeze_panes(1, 2)?;
        let heads: &[&str] = match book {
            Book::Annual => &COLUMNS,
            Book::Assessment(_) => &ASSESS_COLUMNS,
        };
        ws.set_column_width(heads.len() as u16 - 1, 12)?;
        write_header_row(ws, 0, &headings(cat, heads))?;
        let rows = f.rows.iter().filter(|r| r.indicator.spec.domain == *d);
        for (i, row) in rows.enumerate() {
            let r = i as u32 + 1;
            let s = &row.indicator.spec;
            let c: &Cell = &row.cell;
            ws.write_string(r, 0, safe_text(&s.code))?;
            ws.write_string(r, 1, safe_text(&shown_name(&s.name, s.demo)))?;
            ws.write_string(r, 2, t(&format!("outline.unit.{}", s.unit.as_str())))?;
            let (female, male) = if s.sex_disaggregated {
                (c.female, c.male)
            } else {
                (None, None)
            };
            match book {
                Book::Annual => {
                    number(ws, r, 3, c.target.map(|t| t.1), &decimal)?;
                    number(ws, r, 4, c.value, &decimal)?;
                    number(ws, r, 5, female, &decimal)?;
                    number(ws, r, 6, male, &decimal)?;
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
                Book::Assessment(_) => {
                    number(ws, r, 3, c.baseline, &decimal)?;
                    number(ws, r, 4, c.value, &decimal)?;
                    number(ws, r, 5, female, &decimal)?;
                    number(ws, r, 6, male, &decimal)?;
                    number(ws, r, 7, c.target.map(|t| t.1), &decimal)?;
                    if let Some((year, _)) = c.target {
                        ws.write_number(r, 8, f64::from(year))?;
                    }
                    ws.write_string(r, 9, t(&verdict_key(assessed(s.direction, c))))?;
                }
            }
        }
    }
    wb.save_to_buffer()
}
