//! The case list's filters as typed in its form: parsed into the store's
//! [`CaseFilter`], or field errors to show beside them. Nothing personal is
//! searched (names are sealed); status, case type, risk level and the day
//! opened narrow the list. Who sees which case is not a filter: the store
//! keeps the list's rule (team or running grant) whatever is asked.

use std::collections::BTreeMap;

use jinguo_domain::FieldError;
use jinguo_domain::activity::format_date;
use jinguo_domain::case::{CaseStatus, RiskLevel};
use jinguo_store::model::CaseFilter;
use serde::{Deserialize, Serialize};

use crate::list_filter::{day_range, query, text};

/// The filters as the page's form and its links carry them.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct CaseParams {
    #[serde(default)]
    pub status: Option<String>,
    /// A case type's dictionary key.
    #[serde(default, rename = "type")]
    pub type_key: Option<String>,
    #[serde(default)]
    pub risk: Option<String>,
    /// `YYYY-MM-DD`: opened on or after.
    #[serde(default)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`: opened on or before.
    #[serde(default)]
    pub to: Option<String>,
}

impl CaseParams {
    /// The store's filter. `types` are the case-type dictionary's keys: a
    /// status, type or risk level not among the choices, a malformed day or
    /// a range ending before it starts is a field error.
    pub fn parse(&self, types: &BTreeMap<String, String>) -> Result<CaseFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let status = text(&self.status).and_then(|s| {
            let v = CaseStatus::parse(&s);
            if v.is_none() {
                errors.push(FieldError::new("status", "err.lists.choice"));
            }
            v
        });
        let type_key = text(&self.type_key).filter(|k| {
            let known = types.contains_key(k);
            if !known {
                errors.push(FieldError::new("type", "err.lists.choice"));
            }
            known
        });
        let risk_level = text(&self.risk).and_then(|s| {
            let v = RiskLevel::parse(&s);
            if v.is_none() {
                errors.push(FieldError::new("risk", "err.lists.choice"));
            }
            v
        });
        let (from, to) = day_range(&self.from, &self.to, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CaseFilter {
            status,
            type_key,
            risk_level,
            opened_from: from.map(format_date),
            opened_to: to.map(format_date),
            before: None,
        })
    }

    /// The filters as a query string for links (paging, export).
    pub fn query(&self) -> String {
        query(&[
            ("status", &self.status),
            ("type", &self.type_key),
            ("risk", &self.risk),
            ("from", &self.from),
            ("to", &self.to),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_fields() {
        let types: BTreeMap<String, String> = [("dv".to_owned(), "家暴".to_owned())].into();
        let p = CaseParams {
            status: Some("open".into()),
            type_key: Some("dv".into()),
            risk: Some("high".into()),
            from: Some("2026-01-01".into()),
            to: Some("2026-01-31".into()),
        };
        let f = p.parse(&types).unwrap();
        assert_eq!(f.status, Some(CaseStatus::Open));
        assert_eq!(f.risk_level, Some(RiskLevel::High));
        assert_eq!(f.type_key.as_deref(), Some("dv"));
        assert_eq!(f.opened_to.as_deref(), Some("2026-01-31"));
        assert_eq!(
            p.query(),
            "status=open&type=dv&risk=high&from=2026-01-01&to=2026-01-31"
        );
        let bad = CaseParams {
            status: Some("nope".into()),
            type_key: Some("nope".into()),
            risk: Some("nope".into()),
            from: Some("2026-02-01".into()),
            to: Some("2026-01-01".into()),
        };
        let fields: Vec<_> = bad
            .parse(&types)
            .unwrap_err()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(fields, ["status", "type", "risk", "to"]);
    }
}
