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

/// The bundled division list with the Mongolian names of
/// [`crate::BUNDLED_NAMES_MN_CSV`] laid over it: what `jinguo demo` and
/// `jinguo org import --bundled` load. The statistics bureau's list stays
/// as published; the names come from their own file, each row citing its
/// source (see `assets/divisions/README.md`).
pub fn bundled_divisions() -> Vec<DivisionRecord> {
    let mut records = read_division_csv(crate::BUNDLED_DIVISIONS_CSV.as_bytes())
        .expect("the bundled division list is valid (tested)");
    let names = bundled_names_mn();
    for r in &mut records {
        if let Some(n) = names.get(r.code.as_str()) {
            r.name_mn = Some(n.clone());
        }
    }
    records
}

/// Code → Mongolian name, from [`crate::BUNDLED_NAMES_MN_CSV`] (columns
/// `code,name,name_mn,source`).
pub fn bundled_names_mn() -> std::collections::HashMap<String, String> {
    let mut rdr = csv::Reader::from_reader(crate::BUNDLED_NAMES_MN_CSV.as_bytes());
    rdr.records()
        .map(|r| r.expect("the bundled Mongolian names are valid CSV (tested)"))
        .filter(|r| !r[2].trim().is_empty())
        .map(|r| (r[0].to_owned(), r[2].trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each bundled Mongolian name belongs to a listed league or banner, is
    /// in Mongolian script (letters, spaces and the shaping characters
    /// only) and cites a web source; the Chinese name beside it is the
    /// list's, so a renamed unit is noticed.
    #[test]
    fn bundled_mongolian_names_match_the_list_and_cite_a_source() {
        let list = read_division_csv(crate::BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
        let by_code: std::collections::HashMap<&str, &DivisionRecord> =
            list.iter().map(|r| (r.code.as_str(), r)).collect();
        let mut rdr = csv::Reader::from_reader(crate::BUNDLED_NAMES_MN_CSV.as_bytes());
        assert_eq!(
            rdr.headers().unwrap().iter().collect::<Vec<_>>(),
            ["code", "name", "name_mn", "source"]
        );
        let mut n = 0;
        for r in rdr.records() {
            let r = r.unwrap();
            let unit = by_code
                .get(&r[0])
                .unwrap_or_else(|| panic!("{} is not in the list", &r[0]));
            assert!(unit.level.get() <= 3, "{}", &r[0]);
            assert_eq!(unit.name, &r[1], "{}", &r[0]);
            let mn = &r[2];
            assert!(
                mn.chars().any(|c| ('\u{1820}'..='\u{18AA}').contains(&c))
                    && mn.chars().all(|c| ('\u{1800}'..='\u{18AF}').contains(&c)
                        || matches!(c, ' ' | '\u{202F}' | '\u{200C}' | '\u{200D}')),
                "{}: {mn:?}",
                &r[0]
            );
            assert!(r[3].starts_with("http"), "{}: source", &r[0]);
            n += 1;
        }
        let records = bundled_divisions();
        assert_eq!(records.iter().filter(|r| r.name_mn.is_some()).count(), n);
    }
}
