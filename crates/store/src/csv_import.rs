//! Reading an official division code list from CSV.

use jinguo_domain::{DivisionRecord, RawDivisionRow, RowError, parse_division_rows};

/// Reads `code,name,parent_code,level[,name_mn]` with a header line and
/// validates the whole list. Columns are found by header name so extra
/// columns are ignored.
pub fn read_division_csv<R: std::io::Read>(
    reader: R,
) -> Result<Vec<DivisionRecord>, Vec<RowError>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![row_err(1, "header", e.to_string())]),
    };
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
    };
    let (Some(ci), Some(ni), Some(pi), Some(li)) =
        (col("code"), col("name"), col("parent_code"), col("level"))
    else {
        return Err(vec![row_err(
            1,
            "header",
            "header must name the columns code, name, parent_code, level".into(),
        )]);
    };
    let mi = col("name_mn");
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        match rec {
            Ok(r) => {
                let get = |idx: usize| r.get(idx).unwrap_or("").to_owned();
                rows.push(RawDivisionRow {
                    line,
                    code: get(ci),
                    name: get(ni),
                    parent_code: get(pi),
                    level: get(li),
                    name_mn: mi.map(get).unwrap_or_default(),
                });
            }
            Err(e) => errors.push(row_err(line, "row", e.to_string())),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rows.is_empty() {
        return Err(vec![row_err(1, "row", "the list has no rows".into())]);
    }
    parse_division_rows(&rows)
}

fn row_err(line: usize, column: &'static str, reason: String) -> RowError {
    RowError {
        line,
        column,
        reason,
    }
}
