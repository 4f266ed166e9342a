//! The task list's filters as typed in its form: parsed into the store's
//! [`TaskFilter`], or field errors to show beside them: part of the title,
//! the listed unit's own report status, and the deadline between two days.

use jinguo_domain::activity::format_date;
use jinguo_domain::{FieldError, ReportStatus};
use jinguo_store::model::TaskFilter;
use serde::{Deserialize, Serialize};

use crate::list_filter::{day_range, query, text};

/// Longest search text kept; the rest is dropped.
const TEXT_MAX: usize = 40;

/// The filters as the page's form and its links carry them.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct TaskParams {
    /// Part of the title.
    #[serde(default)]
    pub q: Option<String>,
    /// The unit's own report status.
    #[serde(default)]
    pub status: Option<String>,
    /// `YYYY-MM-DD`: deadline on or after.
    #[serde(default)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`: deadline on or before.
    #[serde(default)]
    pub to: Option<String>,
}

impl TaskParams {
    /// The store's filter; a status not among the choices, a malformed day
    /// or a range ending before it starts is a field error.
    pub fn parse(&self) -> Result<TaskFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let status = text(&self.status).and_then(|s| {
            let v = ReportStatus::parse(&s);
            if v.is_none() {
                errors.push(FieldError::new("status", "err.lists.choice"));
            }
            v
        });
        let (from, to) = day_range(&self.from, &self.to, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(TaskFilter {
            text: text(&self.q).map(|s| s.chars().take(TEXT_MAX).collect()),
            status,
            deadline_from: from.map(format_date),
            deadline_to: to.map(format_date),
            before: None,
        })
    }

    /// The filters as a query string for links (paging, export).
    pub fn query(&self) -> String {
        query(&[
            ("q", &self.q),
            ("status", &self.status),
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
        let p = TaskParams {
            q: Some(" 三八 ".into()),
            status: Some("returned".into()),
            from: Some("2026-03-01".into()),
            to: None,
        };
        let f = p.parse().unwrap();
        assert_eq!(f.text.as_deref(), Some("三八"));
        assert_eq!(f.status, Some(ReportStatus::Returned));
        assert_eq!(f.deadline_from.as_deref(), Some("2026-03-01"));
        let bad = TaskParams {
            q: None,
            status: Some("lost".into()),
            from: Some("2026-3-1x".into()),
            to: None,
        };
        let fields: Vec<_> = bad
            .parse()
            .unwrap_err()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(fields, ["status", "from"]);
    }
}
