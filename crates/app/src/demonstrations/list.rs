//! The designation list's filters as typed in its form (or sent to the
//! API): parsed into the store's [`DemonstrationFilter`], or field errors
//! to show beside them. Only the site's name is searched (a public fact of
//! a federation or a home).

use jinguo_domain::demonstration::{SiteKind, Status};
use jinguo_domain::{FieldError, Level};
use jinguo_store::demonstrations::DemonstrationFilter;
use serde::{Deserialize, Serialize};

use crate::list_filter::{query, text};

/// Longest search text kept; the rest is dropped.
const TEXT_MAX: usize = 40;

/// The filters as the page's form and its links carry them.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct DemoParams {
    /// Part of the site's name.
    #[serde(default)]
    pub q: Option<String>,
    /// `1` region, `2` league, `3` banner.
    #[serde(default)]
    pub level: Option<String>,
    /// `organisation` or `home`.
    #[serde(default)]
    pub kind: Option<String>,
    /// `active`, `expired` or `revoked`.
    #[serde(default)]
    pub status: Option<String>,
    /// A year the period touches.
    #[serde(default)]
    pub year: Option<String>,
}

impl DemoParams {
    /// The store's filter; a value not among the choices is a field error.
    pub fn parse(&self) -> Result<DemonstrationFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let level = text(&self.level).and_then(|s| {
            let v = s
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=3).contains(n))
                .and_then(|n| Level::new(n).ok());
            if v.is_none() {
                errors.push(FieldError::new("level", "err.lists.choice"));
            }
            v
        });
        let kind = text(&self.kind).and_then(|s| {
            let v = SiteKind::parse(&s);
            if v.is_none() {
                errors.push(FieldError::new("kind", "err.lists.choice"));
            }
            v
        });
        let status = text(&self.status).and_then(|s| {
            let v = Status::parse(&s);
            if v.is_none() {
                errors.push(FieldError::new("status", "err.lists.choice"));
            }
            v
        });
        let year = text(&self.year).and_then(|s| {
            let v = s.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
            if v.is_none() {
                errors.push(FieldError::new("year", "err.demo.year_filter"));
            }
            v
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DemonstrationFilter {
            level,
            kind,
            status,
            year,
            text: text(&self.q).map(|s| s.chars().take(TEXT_MAX).collect()),
            before: None,
        })
    }

    /// The filters as a query string for links (paging).
    pub fn query(&self) -> String {
        query(&[
            ("q", &self.q),
            ("level", &self.level),
            ("kind", &self.kind),
            ("status", &self.status),
            ("year", &self.year),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_fields() {
        let p = DemoParams {
            q: Some(" 妇联 ".into()),
            level: Some("3".into()),
            kind: Some("home".into()),
            status: Some("revoked".into()),
            year: Some("2026".into()),
        };
        let f = p.parse().unwrap();
        assert_eq!(f.level, Some(Level::BANNER));
        assert_eq!(f.kind, Some(SiteKind::Home));
        assert_eq!(f.status, Some(Status::Revoked));
        assert_eq!((f.year, f.text.as_deref()), (Some(2026), Some("妇联")));
        let bad = DemoParams {
            level: Some("4".into()),
            kind: Some("school".into()),
            status: Some("gone".into()),
            year: Some("20x6".into()),
            ..Default::default()
        };
        let fields: Vec<_> = bad
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["level", "kind", "status", "year"]);
        assert_eq!(DemoParams::default().query(), "");
    }
}
