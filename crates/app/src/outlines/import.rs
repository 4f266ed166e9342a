//! The catalogue's Excel import: the first visible sheet, a header row of
//! known column names (Chinese or the field keys; the Mongolian line of
//! our template's bilingual headers is ignored) in its first row, one
//! indicator per row below. All or nothing: the rows are checked by the
//! same rules as the API (`jinguo_domain::outline::IndicatorSpec`) and a
//! problem names its Excel row and column.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use jinguo_domain::outline::IndicatorDraft;

/// Largest workbook accepted (a catalogue is a few hundred rows).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
const MAX_UNPACKED: u64 = 64 * 1024 * 1024;
const MAX_ROWS: usize = 2_000;

/// The columns: (field, Chinese header).
pub const COLUMNS: [(&str, &str); 15] = [
    ("code", "编号"),
    ("outline", "纲要"),
    ("domain_no", "领域"),
    ("goal", "目标"),
    ("name", "指标名称"),
    ("unit", "计量单位"),
    ("numerator", "分子"),
    ("denominator", "分母"),
    ("direction", "方向"),
    ("department", "责任部门"),
    ("levels", "报送层级"),
    ("sex_disaggregated", "分性别"),
    ("source", "数据来源"),
    ("jump_percent", "变动阈值"),
    ("demo", "演示"),
];

/// The catalogue keys of [`COLUMNS`], for the template's Mongolian line
/// (their Chinese is the header above; a test says so).
const COLUMN_KEYS: [&str; 15] = [
    "outline.col.code",
    "outline.col.outline",
    "outline.col.domain_no",
    "outline.col.goal",
    "outline.col.name",
    "outline.col.unit",
    "outline.col.numerator",
    "outline.col.denominator",
    "outline.col.direction",
    "outline.col.department",
    "outline.col.levels",
    "outline.col.sex_disaggregated",
    "outline.col.source",
    "outline.col.jump_percent",
    "outline.col.demo",
];

/// A problem of the file or of one cell: Excel row (0 for the file),
/// column field (empty for the file or a row), message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub row: u32,
    pub field: String,
    pub key: &'static str,
}

fn file(key: &'static str) -> Vec<Problem> {
    vec![Problem {
        row: 0,
        field: String::new(),
        key,
    }]
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string().trim().to_owned(),
    }
}

fn yes(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "否" | "no" | "false" | "0" => Some(false),
        "是" | "yes" | "true" | "1" => Some(true),
        _ => None,
    }
}

/// The rows of a catalogue workbook, each with its Excel row number; the
/// department column as written (a key or a label, resolved by the caller).
pub fn read(bytes: &[u8]) -> Result<Vec<(u32, IndicatorDraft)>, Vec<Problem>> {
    crate::xlsx::import::guarded(|| file("imp.err.not_xlsx"), || read_unguarded(bytes))
}

fn read_unguarded(bytes: &[u8]) -> Result<Vec<(u32, IndicatorDraft)>, Vec<Problem>> {
    if !crate::xlsx::import::looks_like_xlsx(bytes) {
        return Err(file("imp.err.not_xlsx"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(file("imp.err.too_large"));
    }
    if crate::xlsx::import::check_unpacked_size(bytes, MAX_UNPACKED).is_err() {
        return Err(file("imp.err.too_large"));
    }
    let Ok(mut wb) = Xlsx::new(Cursor::new(bytes)) else {
        return Err(file("imp.err.not_xlsx"));
    };
    let Some(name) = wb.sheet_names().first().cloned() else {
        return Err(file("imp.err.no_sheet"));
    };
    let Ok(range) = wb.worksheet_range(&name) else {
        return Err(file("imp.err.not_xlsx"));
    };
    let mut rows = range.rows();
    let Some(header) = rows.next() else {
        return Err(file("err.outline.import_empty"));
    };
    let first_row = range.start().map_or(0, |(r, _)| r) + 1;
    let at: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|(key, zh)| {
            header.iter().position(|h| {
                let h = text(h);
                let h = crate::xlsx::bilingual::without_mongolian(&h);
                let h = h.trim();
                h == *zh || h.eq_ignore_ascii_case(key)
            })
        })
        .collect();
    let mut problems = Vec::new();
    for needed in [
        "code",
        "outline",
        "name",
        "unit",
        "direction",
        "department",
        "levels",
    ] {
        let idx = COLUMNS
            .iter()
            .position(|(k, _)| *k == needed)
            .expect("a column");
        if at[idx].is_none() {
            problems.push(Problem {
                row: first_row,
                field: needed.to_owned(),
                key: "imp.err.missing_column",
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = Vec::new();
    for (n, row) in rows.enumerate() {
        let number = first_row + 1 + n as u32;
        let cell = |field: &str| -> String {
            let idx = COLUMNS
                .iter()
                .position(|(k, _)| *k == field)
                .expect("a column");
            at[idx]
                .and_then(|c| row.get(c))
                .map(text)
                .unwrap_or_default()
        };
        if COLUMNS.iter().all(|(k, _)| cell(k).is_empty()) {
            continue;
        }
        if out.len() >= MAX_ROWS {
            return Err(file("err.outline.import_too_many"));
        }
        let mut bad = |field: &str, key| {
            problems.push(Problem {
                row: number,
                field: field.to_owned(),
                key,
            })
        };
        let domain_no = match cell("domain_no").parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                bad("domain_no", "err.outline.domain");
                None
            }
        };
        let jump_percent = match cell("jump_percent") {
            s if s.is_empty() => None,
            s => match s.trim_end_matches('%').parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    bad("jump_percent", "err.outline.jump_percent");
                    None
                }
            },
        };
        let sex = yes(&cell("sex_disaggregated")).unwrap_or_else(|| {
            bad("sex_disaggregated", "err.outline.yes_no");
            false
        });
        let demo = yes(&cell("demo")).unwrap_or_else(|| {
            bad("demo", "err.outline.yes_no");
            false
        });
        out.push((
            number,
            IndicatorDraft {
                code: cell("code"),
                outline: cell("outline"),
                domain_no,
                goal: cell("goal"),
                name: cell("name"),
                unit: cell("unit"),
                numerator: cell("numerator"),
                denominator: cell("denominator"),
                direction: cell("direction"),
                department: cell("department"),
                levels: cell("levels"),
                sex_disaggregated: sex,
                source: cell("source"),
                jump_percent,
                demo,
            },
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if out.is_empty() {
        return Err(file("err.outline.import_empty"));
    }
    Ok(out)
}

/// What the template's drop-downs offer: the departments' Chinese labels
/// (the importer takes a key or a label).
pub struct TemplateLists {
    pub departments: Vec<String>,
}

/// An outline as the import reads it (`Outline::parse`).
fn outline_word(o: jinguo_domain::outline::Outline) -> &'static str {
    match o {
        jinguo_domain::outline::Outline::Women => "妇女",
        jinguo_domain::outline::Outline::Children => "儿童",
    }
}

/// Rows of the template that carry the drop-down lists.
const TEMPLATE_ROWS: u32 = MAX_ROWS as u32;

/// The catalogue's import template: a first sheet whose first row is
/// the column names [`read`] looks for (in [`COLUMNS`] order), each under
/// its Mongolian ([`crate::xlsx::bilingual`]), and
/// nothing below it, with drop-downs where a column takes one of a few
/// values; a second sheet lists those values (the importer reads only the
/// first sheet).
pub fn template(
    lists: &TemplateLists,
    cat: &crate::i18n::Catalogue,
    lang: crate::i18n::Lang,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use jinguo_domain::outline::{Outline, UnitKind};
    use rust_xlsxwriter::{
        DataValidation, DataValidationErrorStyle, DocProperties, Format, Formula, Note, Workbook,
    };

    use crate::i18n::Lang;
    use crate::xlsx::bilingual::{Heading, write_header_row};
    use crate::xlsx::{safe_text, sheet_name};

    let zh = |k: &str| cat.get(Lang::Zh, k).to_owned();
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(cat.get(lang, "outline.template.title")));
    let text = Format::new().set_num_format("@");
    let heading = |field: &str| {
        let i = COLUMNS.iter().position(|(k, _)| *k == field);
        match i {
            Some(i) => Heading::matching(cat, COLUMN_KEYS[i], COLUMNS[i].1),
            None => Heading::plain(field),
        }
    };
    let lists_name = sheet_name(cat.get(lang, "outline.template.lists"));

    // The lists: (column field, values as the importer reads them).
    let yes_no = vec!["是".to_owned(), "否".to_owned()];
    let choices: Vec<(&str, Vec<String>)> = vec![
        (
            "outline",
            Outline::ALL
                .iter()
                .map(|o| outline_word(*o).to_owned())
                .collect(),
        ),
        (
            "unit",
            UnitKind::ALL
                .iter()
                .map(|u| zh(&format!("outline.unit.{}", u.as_str())))
                .collect(),
        ),
        (
            "direction",
            // What `Direction::parse` reads, as the office writes it.
            ["以上", "以下"].iter().map(|s| (*s).to_owned()).collect(),
        ),
        ("department", lists.departments.clone()),
        ("sex_disaggregated", yes_no.clone()),
        ("demo", yes_no),
    ];

    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(cat.get(lang, "outline.catalogue")))?;
    ws.set_freeze_panes(1, 0)?;
    let heads: Vec<Heading> = COLUMNS.iter().map(|(field, _)| heading(field)).collect();
    write_header_row(ws, 0, &heads)?;
    for (c, (field, _)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        let wide = matches!(
            *field,
            "goal" | "name" | "numerator" | "denominator" | "source"
        );
        ws.set_column_width(c, if wide { 30 } else { 12 })?;
        if *field == "code" || *field == "levels" {
            // Codes such as 1.10 and levels such as 1,2 stay text.
            ws.set_column_format(c, &text)?;
        }
    }
    ws.insert_note(
        0,
        0,
        &Note::new(cat.get(lang, "outline.import_hint")).add_author_prefix(false),
    )?;
    for (field, values) in &choices {
        if values.is_empty() {
            continue;
        }
        let col = COLUMNS
            .iter()
            .position(|(k, _)| k == field)
            .expect("a column");
        let list_col = choices
            .iter()
            .position(|(k, _)| k == field)
            .expect("a list");
        let letter = crate::xlsx::column_letter(list_col as u16);
        let v = DataValidation::new()
            .allow_list_formula(Formula::new(format!(
                "='{lists_name}'!${letter}$2:${letter}${}",
                values.len() + 1
            )))
            .set_error_style(DataValidationErrorStyle::Warning);
        ws.add_data_validation(1, col as u16, TEMPLATE_ROWS, col as u16, &v)?;
    }

    let lists_ws = wb.add_worksheet();
    lists_ws.set_name(&lists_name)?;
    let mut list_heads: Vec<Heading> = choices.iter().map(|(field, _)| heading(field)).collect();
    // The domains by number, for reference.
    list_heads.push(heading("domain_no"));
    write_header_row(lists_ws, 0, &list_heads)?;
    for (c, (_, values)) in choices.iter().enumerate() {
        lists_ws.set_column_width(c as u16, 18)?;
        for (r, v) in values.iter().enumerate() {
            lists_ws.write_string(r as u32 + 1, c as u16, safe_text(v))?;
        }
    }
    let c = choices.len() as u16;
    lists_ws.set_column_width(c, 28)?;
    let mut r = 1;
    for o in Outline::ALL {
        for no in 1..=o.domains() {
            let d = jinguo_domain::outline::Domain::parse(o, i64::from(no)).expect("a domain");
            lists_ws.write_string(
                r,
                c,
                format!("{} {no} {}", outline_word(o), zh(&d.label_key())),
            )?;
            r += 1;
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(rows: &[&[&str]]) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }

    const HEAD: &[&str] = &[
        "编号",
        "纲要",
        "领域",
        "指标名称",
        "计量单位",
        "分子",
        "分母",
        "方向",
        "责任部门",
        "报送层级",
        "分性别",
    ];

    #[test]
    fn the_template_is_bilingual_and_reads_back() {
        let cat = crate::i18n_global();
        for ((_, zh), key) in COLUMNS.iter().zip(COLUMN_KEYS) {
            assert_eq!(cat.get(crate::i18n::Lang::Zh, key), *zh, "{key}");
        }
        let lists = TemplateLists {
            departments: vec!["卫生健康委员会".into()],
        };
        let bytes = template(&lists, cat, crate::i18n::Lang::En).unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        let header: Vec<String> = (0..COLUMNS.len() as u32)
            .map(|c| text(range.get_value((0, c)).unwrap()))
            .collect();
        for (h, (_, zh)) in header.iter().zip(COLUMNS) {
            let (mn, rest) = h.split_once('\n').expect("Mongolian, then Chinese");
            assert!(mn.chars().any(crate::xlsx::bilingual::is_mongolian), "{h}");
            assert_eq!(rest, zh);
        }
        // The template's header with a row filled in, as a cadre returns it.
        let head: Vec<&str> = header.iter().map(String::as_str).collect();
        let row = [
            "W1.1",
            "妇女",
            "1",
            "",
            "孕产妇死亡率",
            "1/10万",
            "x",
            "y",
            "以下",
            "health",
            "1",
            "否",
        ];
        let rows = read(&book(&[&head, &row])).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1.name, "孕产妇死亡率");
        // A header in Mongolian only names nothing: the columns are missing.
        let mn_only: Vec<&str> = head.iter().map(|h| h.split('\n').next().unwrap()).collect();
        let p = read(&book(&[&mn_only, &row])).unwrap_err();
        assert!(
            p.iter()
                .all(|p| p.key == "imp.err.missing_column" && p.row == 1)
        );
        assert!(p.iter().any(|p| p.field == "code"), "{p:?}");
    }

    #[test]
    fn reads_rows_with_their_numbers_and_names_bad_cells() {
        let ok = book(&[
            HEAD,
            &[
                "W1.1",
                "妇女",
                "1",
                "孕产妇死亡率",
                "1/10万",
                "孕产妇死亡人数",
                "活产数",
                "以下",
                "卫生健康委员会",
                "1,2,3",
                "否",
            ],
            &[],
            &[
                "C3.1",
                "儿童",
                "3",
                "学前教育毛入园率",
                "%",
                "在园幼儿数",
                "3—5岁儿童人数",
                "以上",
                "education",
                "自治区,盟市,旗县",
                "是",
            ],
        ]);
        let rows = read(&ok).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(
            rows[1].0, 4,
            "the blank row is skipped, numbers stay Excel's"
        );
        assert_eq!(rows[0].1.department, "卫生健康委员会");
        assert!(rows[1].1.sex_disaggregated);

        let bad = book(&[
            HEAD,
            &[
                "W1.1",
                "妇女",
                "一",
                "孕产妇死亡率",
                "1/10万",
                "x",
                "y",
                "以下",
                "health",
                "1",
                "也许",
            ],
        ]);
        let p = read(&bad).unwrap_err();
        let got: Vec<(u32, &str)> = p.iter().map(|p| (p.row, p.field.as_str())).collect();
        assert_eq!(got, [(2, "domain_no"), (2, "sex_disaggregated")]);

        let missing = book(&[&["编号", "指标名称"], &["W1", "x"]]);
        let p = read(&missing).unwrap_err();
        assert!(p.iter().all(|p| p.key == "imp.err.missing_column"));
        assert_eq!(
            read(b"not a workbook").unwrap_err()[0].key,
            "imp.err.not_xlsx"
        );
    }
}
