//! Rules for an official division code list (统计用区划代码) as imported.
//!
//! The list is checked as a whole before anything is written: every bad row
//! is reported with its line, column and reason, and one bad row means
//! nothing is imported.

use std::collections::{HashMap, HashSet};

use crate::{Level, UnitCode, UnitKind};

/// One validated row of a division list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionRecord {
    pub code: UnitCode,
    pub name: String,
    pub name_mn: Option<String>,
    pub parent: Option<UnitCode>,
    pub level: Level,
}

/// Why a row was refused. `line` counts from 1 and includes the header line,
/// so it matches what a spreadsheet shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub column: &'static str,
    pub reason: String,
}

/// Raw text of one row, in the columns `code,name,parent_code,level` and an
/// optional `name_mn`.
#[derive(Debug, Clone, Default)]
pub struct RawDivisionRow {
    pub line: usize,
    pub code: String,
    pub name: String,
    pub parent_code: String,
    pub level: String,
    pub name_mn: String,
}

/// Validates every row and the list as a whole; returns the records in an
/// order where each parent precedes its children.
pub fn parse_division_rows(rows: &[RawDivisionRow]) -> Result<Vec<DivisionRecord>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut records: Vec<(usize, DivisionRecord)> = Vec::with_capacity(rows.len());
    let mut seen: HashMap<UnitCode, usize> = HashMap::with_capacity(rows.len());
    let err = |line, column, reason: String| RowError {
        line,
        column,
        reason,
    };

    for row in rows {
        let code = match UnitCode::parse(&row.code) {
            Ok(c) if c.kind() == UnitKind::Geo => c,
            _ => {
                errors.push(err(
                    row.line,
                    "code",
                    format!("malformed code {:?}: expected 12 digits", row.code),
                ));
                continue;
            }
        };
        if let Some(first) = seen.get(&code) {
            errors.push(err(
                row.line,
                "code",
                format!("duplicate code {code}, first on line {first}"),
            ));
            continue;
        }
        seen.insert(code.clone(), row.line);
        let name = row.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(err(
                row.line,
                "name",
                "name is empty or longer than 100 characters".into(),
            ));
            continue;
        }
        let level = match row
            .level
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(|n| Level::new(n).ok())
        {
            Some(l) => l,
            None => {
                errors.push(err(
                    row.line,
                    "level",
                    format!("level {:?} is not 1–5", row.level),
                ));
                continue;
            }
        };
        if code.implied_level() != Some(level) {
            errors.push(err(
                row.line,
                "level",
                format!("level {} does not match code {code}", level.get()),
            ));
            continue;
        }
        let parent = if row.parent_code.trim().is_empty() {
            None
        } else {
            match UnitCode::parse(&row.parent_code) {
                Ok(p) => Some(p),
                Err(_) => {
                    errors.push(err(
                        row.line,
                        "parent_code",
                        format!("malformed parent code {:?}", row.parent_code),
                    ));
                    continue;
                }
            }
        };
        let name_mn = Some(row.name_mn.trim().to_owned()).filter(|s| !s.is_empty());
        records.push((
            row.line,
            DivisionRecord {
                code,
                name: name.to_owned(),
                name_mn,
                parent,
                level,
            },
        ));
    }

    // Second pass: the tree shape, now that every code is known.
    let levels: HashMap<&UnitCode, Level> =
        records.iter().map(|(_, r)| (&r.code, r.level)).collect();
    let mut roots = 0;
    for (line, r) in &records {
        match (&r.parent, r.level) {
            (None, Level::REGION) => roots += 1,
            (None, _) => errors.push(err(*line, "parent_code", "missing parent code".into())),
            (Some(_), Level::REGION) => {
                errors.push(err(*line, "parent_code", "the region has no parent".into()))
            }
            (Some(p), level) => match levels.get(p) {
                None => errors.push(err(*line, "parent_code", format!("unknown parent {p}"))),
                Some(pl) if pl.get() + 1 != level.get() => errors.push(err(
                    *line,
                    "parent_code",
                    format!("parent {p} is not one level above"),
                )),
                Some(_) => {}
            },
        }
    }
    if errors.is_empty() && roots != 1 {
        errors.push(err(
            1,
            "level",
            format!("expected exactly one level-1 unit, found {roots}"),
        ));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    let mut out: Vec<DivisionRecord> = records.into_iter().map(|(_, r)| r).collect();
    out.sort_by_key(|r| r.level);
    debug_assert_eq!(
        out.iter().map(|r| &r.code).collect::<HashSet<_>>().len(),
        out.len()
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, code: &str, name: &str, parent: &str, level: &str) -> RawDivisionRow {
        RawDivisionRow {
            line,
            code: code.into(),
            name: name.into(),
            parent_code: parent.into(),
            level: level.into(),
            name_mn: String::new(),
        }
    }

    #[test]
    fn good_list_is_ordered_parents_first() {
        let rows = [
            row(2, "152502000000", "锡林浩特市", "152500000000", "3"),
            row(3, "150000000000", "内蒙古自治区", "", "1"),
            row(4, "152500000000", "锡林郭勒盟", "150000000000", "2"),
        ];
        let recs = parse_division_rows(&rows).unwrap();
        assert_eq!(recs[0].level, Level::REGION);
        assert_eq!(recs[2].name, "锡林浩特市");
    }

    #[test]
    fn every_bad_row_is_reported() {
        let rows = [
            row(2, "150000000000", "内蒙古自治区", "", "1"),
            row(3, "15250000000X", "bad", "150000000000", "2"),
            row(4, "152500000000", "锡林郭勒盟", "150000000000", "2"),
            row(5, "152500000000", "dup", "150000000000", "2"),
            row(6, "152502000000", "锡林浩特市", "152600000000", "3"),
            row(7, "152503000000", "x", "152500000000", "4"),
        ];
        let errs = parse_division_rows(&rows).unwrap_err();
        let summary: Vec<_> = errs.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(
            summary,
            vec![(3, "code"), (5, "code"), (6, "parent_code"), (7, "level")]
        );
        assert!(errs[2].reason.contains("unknown parent"));
    }
}
