//! The catalogue's Excel import: the first visible sheet, a header row of
//! known column names (Chinese or the field keys) in its first row, one
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
