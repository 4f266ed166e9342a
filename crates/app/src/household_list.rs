//! The household list's filters as typed in its search form: parsed into
//! the store's [`HouseholdFilter`], or field errors to show beside them.
//! Addresses and names are sealed: the text finds a member by her whole
//! name (a keyed blind index of it, see `jinguo_store`'s households) or a
//! unit by part of its name, never a member by a fragment of hers.

use jinguo_domain::FieldError;
use jinguo_domain::activity::format_date;
use jinguo_store::model::HouseholdFilter;
use serde::{Deserialize, Serialize};

use crate::list_filter::{day_range, query, text};

/// Longest search text kept; the rest is dropped.
const TEXT_MAX: usize = 40;

/// The filters as the page's form and its links carry them.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct HouseholdParams {
    /// Part of a member's or the unit's name.
    #[serde(default)]
    pub q: Option<String>,
    /// `YYYY-MM-DD`: visited on or after.
    #[serde(default)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`: visited on or before.
    #[serde(default)]
    pub to: Option<String>,
    /// `1`: only households never visited.
    #[serde(default)]
    pub never: Option<String>,
}

impl HouseholdParams {
    /// The store's filter; a malformed date or a range that ends before it
    /// starts is a field error naming the field.
    pub fn parse(&self) -> Result<HouseholdFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let (from, to) = day_range(&self.from, &self.to, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(HouseholdFilter {
            text: text(&self.q).map(|s| s.chars().take(TEXT_MAX).collect()),
            visited_from: from.map(format_date),
            visited_to: to.map(format_date),
            never_visited: text(&self.never).is_some(),
            before: None,
        })
    }

    /// The filters as a query string for links (paging, export).
    pub fn query(&self) -> String {
        query(&[
            ("q", &self.q),
            ("from", &self.from),
            ("to", &self.to),
            ("never", &self.never),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str, from: &str, to: &str) -> HouseholdParams {
        HouseholdParams {
            q: Some(q.into()),
            from: Some(from.into()),
            to: Some(to.into()),
            never: None,
        }
    }

    #[test]
    fn parses_and_reports_fields() {
        let f = p(" 其其格 ", "2026-01-02", "").parse().unwrap();
        assert_eq!(f.text.as_deref(), Some("其其格"));
        assert_eq!(f.visited_from.as_deref(), Some("2026-01-02"));
        assert_eq!(f.visited_to, None);
        let e = p("", "2026-13-01", "").parse().unwrap_err();
        assert_eq!(e[0].field, "from");
        let e = p("", "2026-02-01", "2026-01-01").parse().unwrap_err();
        assert_eq!(e[0].field, "to");
        assert_eq!(p("a&b", "", "").query(), "q=a%26b");
    }
}
