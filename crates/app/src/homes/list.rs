//! The home list's filters as typed in its form: parsed into the store's
//! [`HomeFilter`], or field errors to show beside them. A home's name and
//! address are the public facts of a public place, so both are searched.

use jinguo_domain::FieldError;
use jinguo_domain::home::HomeStatus;
use jinguo_store::homes::HomeFilter;
use serde::{Deserialize, Serialize};

use crate::list_filter::{query, text};

/// Longest search text kept; the rest is dropped.
const TEXT_MAX: usize = 40;

/// The filters as the page's form and its links carry them.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct HomeParams {
    /// Part of the name or address.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

impl HomeParams {
    /// The store's filter; a status not among the choices is a field error.
    pub fn parse(&self) -> Result<HomeFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let status = text(&self.status).and_then(|s| {
            let v = HomeStatus::parse(&s);
            if v.is_none() {
                errors.push(FieldError::new("status", "err.lists.choice"));
            }
            v
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(HomeFilter {
            text: text(&self.q).map(|s| s.chars().take(TEXT_MAX).collect()),
            status,
            before: None,
        })
    }

    /// The filters as a query string for links (paging, export).
    pub fn query(&self) -> String {
        query(&[("q", &self.q), ("status", &self.status)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_fields() {
        let p = |q: &str, s: &str| HomeParams {
            q: Some(q.into()),
            status: Some(s.into()),
        };
        let f = p(" 之家 ", "closed").parse().unwrap();
        assert_eq!(f.text.as_deref(), Some("之家"));
        assert_eq!(f.status, Some(HomeStatus::Closed));
        let e = p("", "gone").parse().unwrap_err();
        assert_eq!(e[0].field, "status");
        assert_eq!(p("", "").query(), "");
    }
}
