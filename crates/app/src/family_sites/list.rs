//! The site list's filters as typed in its form: parsed into the store's
//! [`SiteFilter`], or field errors to show beside them. A site's name and
//! address are the public facts of a public place, so both are searched.

use jinguo_domain::FieldError;
use jinguo_domain::family_site::{SiteKind, SiteStatus};
use jinguo_store::family_sites::SiteFilter;
use serde::{Deserialize, Serialize};

use crate::list_filter::{query, text};

/// Longest search text kept; the rest is dropped.
const TEXT_MAX: usize = 40;

/// The filters as the page's form and its links carry them.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct SiteParams {
    /// Part of the name or address.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

impl SiteParams {
    /// The store's filter; a kind or status not among the choices is a
    /// field error.
    pub fn parse(&self) -> Result<SiteFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = text(&self.kind).and_then(|s| {
            let v = SiteKind::parse(&s);
            if v.is_none() {
                errors.push(FieldError::new("kind", "err.lists.choice"));
            }
            v
        });
        let status = text(&self.status).and_then(|s| {
            let v = SiteStatus::parse(&s);
            if v.is_none() {
                errors.push(FieldError::new("status", "err.lists.choice"));
            }
            v
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SiteFilter {
            text: text(&self.q).map(|s| s.chars().take(TEXT_MAX).collect()),
            kind,
            status,
            before: None,
        })
    }

    /// The filters as a query string for links (paging, export).
    pub fn query(&self) -> String {
        query(&[
            ("q", &self.q),
            ("kind", &self.kind),
            ("status", &self.status),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_fields() {
        let p = |q: &str, k: &str, s: &str| SiteParams {
            q: Some(q.into()),
            kind: Some(k.into()),
            status: Some(s.into()),
        };
        let f = p(" 学校 ", "parent_school", "closed").parse().unwrap();
        assert_eq!(f.text.as_deref(), Some("学校"));
        assert_eq!(f.kind, Some(SiteKind::ParentSchool));
        assert_eq!(f.status, Some(SiteStatus::Closed));
        let e = p("", "school", "gone").parse().unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, vec!["kind", "status"]);
        assert_eq!(p("", "", "").query(), "");
    }
}
