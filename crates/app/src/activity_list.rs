//! The activity ledger's filters as typed in its form: the period (months),
//! part of the title, the type and the programme, parsed into the store's
//! [`ActivityFilter`] or field errors to show beside them; and the keyset
//! cursor of its paging links, `before=2026-11-03.12345` (the date and id
//! of the last row shown).

use std::collections::BTreeMap;

use jinguo_domain::FieldError;
use jinguo_domain::activity::{format_date, parse_date};
use jinguo_store::model::ActivityFilter;
use serde::{Deserialize, Serialize};

use crate::list_filter::{query, text};
use crate::period::Period;

/// Longest search text kept; the rest is dropped.
const TEXT_MAX: usize = 40;

/// The filters as the page's form and its links carry them.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct ActivityParams {
    /// `YYYY-MM`: first month of the period.
    #[serde(default)]
    pub from: Option<String>,
    /// `YYYY-MM`: last month of the period.
    #[serde(default)]
    pub to: Option<String>,
    /// Part of the title.
    #[serde(default)]
    pub q: Option<String>,
    /// An activity type's dictionary key.
    #[serde(default, rename = "type")]
    pub type_key: Option<String>,
    /// A programme's dictionary key.
    #[serde(default)]
    pub program: Option<String>,
}

/// Where a ledger page starts: after the row of this date and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub date: time::Date,
    pub id: i64,
}

impl Cursor {
    /// `YYYY-MM-DD.id`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Cursor> {
        let (date, id) = s.split_once('.')?;
        let id: i64 = id.parse().ok().filter(|n| *n > 0)?;
        Some(Cursor {
            date: parse_date(date)?,
            id,
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", format_date(self.date), self.id)
    }
}

impl ActivityParams {
    /// The store's filter. `types` and `programs` are the dictionaries'
    /// keys: a type or programme not among them is a field error, and so
    /// is a period the ledger refuses (malformed, reversed, too long).
    pub fn parse(
        &self,
        today: time::Date,
        types: &BTreeMap<String, String>,
        programs: &BTreeMap<String, String>,
    ) -> Result<ActivityFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let period = match Period::parse(self.from.as_deref(), self.to.as_deref(), today) {
            Ok(p) => Some(p),
            Err(crate::error::AppError::Invalid(e)) => {
                errors.push(e);
                None
            }
            Err(_) => {
                errors.push(FieldError::new("from", "err.lists.choice"));
                None
            }
        };
        let mut choice =
            |field: &'static str, v: &Option<String>, keys: &BTreeMap<String, String>| {
                text(v).filter(|k| {
                    let known = keys.contains_key(k);
                    if !known {
                        errors.push(FieldError::new(field, "err.lists.choice"));
                    }
                    known
                })
            };
        let type_key = choice("type", &self.type_key, types);
        let program_key = choice("program", &self.program, programs);
        match period {
            Some(p) if errors.is_empty() => Ok(ActivityFilter {
                from: p.from,
                to: p.to,
                text: text(&self.q).map(|s| s.chars().take(TEXT_MAX).collect()),
                type_key,
                program_key,
                before: None,
            }),
            _ => Err(errors),
        }
    }

    /// The filters as a query string for links (paging, export).
    pub fn query(&self) -> String {
        query(&[
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
            ("type", &self.type_key),
            ("program", &self.program),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn cursors() {
        let c = Cursor::parse("2026-11-03.12345").unwrap();
        assert_eq!((c.date, c.id), (date!(2026 - 11 - 03), 12345));
        assert_eq!(c.to_string(), "2026-11-03.12345");
        for bad in [
            "",
            "12345",
            "2026-11-03",
            "2026-11-03.",
            "2026-13-03.1",
            "2026-11-03.x",
            "2026-11-03.-4",
            "2026-11-03.0",
        ] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn parses_and_reports_fields() {
        let types: BTreeMap<String, String> = [("lecture".to_owned(), "宣讲".to_owned())].into();
        let programs: BTreeMap<String, String> = [("p".to_owned(), "项目".to_owned())].into();
        let today = date!(2026 - 11 - 28);
        let p = ActivityParams {
            from: Some("2026-03".into()),
            to: None,
            q: Some(" 三八 ".into()),
            type_key: Some("lecture".into()),
            program: None,
        };
        let f = p.parse(today, &types, &programs).unwrap();
        assert_eq!(
            (f.from.to_string(), f.to.to_string()),
            ("2026-03".into(), "2026-11".into())
        );
        assert_eq!(f.text.as_deref(), Some("三八"));
        assert_eq!(f.type_key.as_deref(), Some("lecture"));
        let bad = ActivityParams {
            from: Some("2026-12".into()),
            to: Some("2026-01".into()),
            q: None,
            type_key: Some("x".into()),
            program: Some("y".into()),
        };
        let fields: Vec<_> = bad
            .parse(today, &types, &programs)
            .unwrap_err()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(fields, ["from", "type", "program"]);
    }
}
