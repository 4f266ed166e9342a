//! The need list's filters as typed in its form: parsed into the store's
//! [`NeedFilter`], or field errors to show beside them. The description is
//! sealed, so there is no text search; category, status, urgency and the
//! day raised narrow the list.

use std::collections::BTreeMap;

use jinguo_domain::FieldError;
use jinguo_domain::activity::format_date;
use jinguo_domain::need::{NeedStatus, Urgency};
use jinguo_store::model::NeedFilter;
use serde::{Deserialize, Serialize};

use crate::list_filter::{day_range, query, text};

/// The filters as the page's form and its links carry them.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct NeedParams {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub urgency: Option<String>,
    /// `YYYY-MM-DD`: raised on or after.
    #[serde(default)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`: raised on or before.
    #[serde(default)]
    pub to: Option<String>,
}

impl NeedParams {
    /// The store's filter. `categories` are the dictionary's keys: a
    /// category, status or urgency not among the choices, a malformed date
    /// or a range ending before it starts is a field error.
    pub fn parse(
        &self,
        categories: &BTreeMap<String, String>,
    ) -> Result<NeedFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let status = text(&self.status).and_then(|s| {
            let v = NeedStatus::parse(&s);
            if v.is_none() {
                errors.push(FieldError::new("status", "err.lists.choice"));
            }
            v
        });
        let urgency = text(&self.urgency).and_then(|s| {
            let v = Urgency::ALL.into_iter().find(|u| u.as_str() == s);
            if v.is_none() {
                errors.push(FieldError::new("urgency", "err.lists.choice"));
            }
            v
        });
        let category = text(&self.category).filter(|c| {
            let known = categories.contains_key(c);
            if !known {
                errors.push(FieldError::new("category", "err.lists.choice"));
            }
            known
        });
        let (from, to) = day_range(&self.from, &self.to, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NeedFilter {
            status,
            category,
            urgency,
            raised_from: from.map(format_date),
            raised_to: to.map(format_date),
            before: None,
        })
    }

    /// The filters as a query string for links (paging, export).
    pub fn query(&self) -> String {
        query(&[
            ("status", &self.status),
            ("category", &self.category),
            ("urgency", &self.urgency),
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
        let cats: BTreeMap<String, String> = [("health".to_owned(), "健康".to_owned())].into();
        let p = NeedParams {
            status: Some("open".into()),
            category: Some("health".into()),
            urgency: Some("urgent".into()),
            from: Some("2026-01-01".into()),
            to: None,
        };
        let f = p.parse(&cats).unwrap();
        assert_eq!(f.status, Some(NeedStatus::Open));
        assert_eq!(f.urgency, Some(Urgency::Urgent));
        let bad = NeedParams {
            status: Some("nope".into()),
            category: Some("nope".into()),
            urgency: Some("nope".into()),
            from: Some("1/2".into()),
            to: None,
        };
        let fields: Vec<_> = bad
            .parse(&cats)
            .unwrap_err()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(fields, ["status", "urgency", "category", "from"]);
    }
}
