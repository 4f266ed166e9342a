//! The user list's filters as typed in its search form: parsed into the
//! store's [`UserFilter`], or field errors to show beside them. The text
//! matches the username, her name (姓名) and her position (职务), which are
//! stored plain; the phone is sealed and never searched.

use jinguo_domain::{FieldError, Role};
use jinguo_store::model::UserFilter;
use serde::{Deserialize, Serialize};

use crate::list_filter::{query, text};

/// Longest search text kept; the rest is dropped.
const TEXT_MAX: usize = 40;

/// The account states the list filters by.
pub const STATUSES: [&str; 2] = ["active", "disabled"];

/// The filters as the page's form and its links carry them.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct UserParams {
    /// Part of the username, the name or the position.
    #[serde(default)]
    pub q: Option<String>,
    /// A role key (`cadre`, …).
    #[serde(default)]
    pub role: Option<String>,
    /// `active` or `disabled`.
    #[serde(default)]
    pub status: Option<String>,
}

impl UserParams {
    /// The store's filter; a role or status not among the choices is a
    /// field error naming the field.
    pub fn parse(&self) -> Result<UserFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let role = text(&self.role).and_then(|s| {
            let r = Role::ALL.into_iter().find(|r| r.as_str() == s);
            if r.is_none() {
                errors.push(FieldError::new("role", "err.lists.choice"));
            }
            r
        });
        let active = match text(&self.status).as_deref() {
            None => None,
            Some("active") => Some(true),
            Some("disabled") => Some(false),
            Some(_) => {
                errors.push(FieldError::new("status", "err.lists.choice"));
                None
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(UserFilter {
            text: text(&self.q).map(|s| s.chars().take(TEXT_MAX).collect()),
            role,
            active,
            before: None,
        })
    }

    /// The filters as a query string for links (paging, export).
    pub fn query(&self) -> String {
        query(&[
            ("q", &self.q),
            ("role", &self.role),
            ("status", &self.status),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str, role: &str, status: &str) -> UserParams {
        UserParams {
            q: Some(q.into()),
            role: Some(role.into()),
            status: Some(status.into()),
        }
    }

    #[test]
    fn parses_and_reports_fields() {
        let f = p(" 主席 ", "cadre", "disabled").parse().unwrap();
        assert_eq!(f.text.as_deref(), Some("主席"));
        assert_eq!(f.role, Some(Role::Cadre));
        assert_eq!(f.active, Some(false));
        let f = p("", "", "").parse().unwrap();
        assert_eq!((f.text, f.role, f.active), (None, None, None));
        let fields: Vec<_> = p("", "boss", "gone")
            .parse()
            .unwrap_err()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(fields, ["role", "status"]);
        assert_eq!(p("a&b", "", "active").query(), "q=a%26b&status=active");
    }
}
