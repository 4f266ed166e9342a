//! The audit log as people read it: filters parsed from a query, and an
//! entry's detail (`need=16 category=employment`) turned into labelled
//! parts with links, so an auditor reads "需求 #16 · 类别 就业".

use jinguo_domain::FieldError;
use jinguo_store::model::AuditFilter;
use serde::{Deserialize, Serialize};

use crate::list_filter::{day_range, query, text};

/// The filters as typed in the page's form or the API's query.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct AuditParams {
    /// Username of who acted.
    #[serde(default)]
    pub actor: Option<String>,
    /// Action key (`need.created`).
    #[serde(default)]
    pub action: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    #[serde(default)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    #[serde(default)]
    pub to: Option<String>,
}

/// Unix seconds of local midnight starting `date`.
fn midnight(date: time::Date, offset_hours: i8) -> i64 {
    let offset = time::UtcOffset::from_hms(offset_hours, 0, 0).unwrap_or(time::UtcOffset::UTC);
    date.midnight().assume_offset(offset).unix_timestamp()
}

impl AuditParams {
    /// The store's filter; a malformed date or a range that ends before it
    /// starts is a field error naming the field.
    pub fn parse(&self, offset_hours: i8) -> Result<AuditFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let (from, to) = day_range(&self.from, &self.to, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AuditFilter {
            actor: text(&self.actor),
            action: text(&self.action),
            from: from.map(|d| midnight(d, offset_hours)),
            until: to
                .and_then(|d| d.next_day())
                .map(|d| midnight(d, offset_hours)),
            before: None,
        })
    }

    /// The filters as a query string for links (paging, export).
    pub fn query(&self) -> String {
        query(&[
            ("actor", &self.actor),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ])
    }
}

/// One part of an entry's detail: a catalogue key for its name (`None`:
/// shown as written) and its value, with a link where the record has a page
/// and a catalogue key where the value is a known word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub label: Option<&'static str>,
    pub value: String,
    pub href: Option<String>,
}

/// What a key of a detail is: its label and the page a record id opens.
fn known(key: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match key {
        "activity" => ("audit.key.activity", Some("/activities/{}/edit")),
        "task" => ("audit.key.task", Some("/tasks/{}")),
        "need" => ("audit.key.need", Some("/needs/{}")),
        "household" => ("audit.key.household", Some("/households/{}")),
        "visit" => ("audit.key.visit", None),
        "case" => ("audit.key.case", Some("/cases/{}")),
        "home" => ("audit.key.home", Some("/homes/{}")),
        "unit" => ("audit.key.unit", Some("/units/{}")),
        "user" => ("audit.key.user", None),
        "attachment" => ("audit.key.attachment", None),
        "category" => ("audit.key.category", None),
        "type" => ("audit.key.type", None),
        "field" => ("audit.key.field", None),
        "reason" => ("audit.key.reason", None),
        "expires" => ("audit.key.expires", None),
        "active" => ("audit.key.active", None),
        _ => return None,
    })
}

/// Splits a detail into parts. `key=value` words become labelled parts
/// (a `reason=` takes the rest of the line, which is free text); other
/// words stay as written. Ids link to their pages only when they are
/// plain numbers (or unit codes), so no written text becomes a link.
pub fn describe(detail: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = detail.trim();
    while !rest.is_empty() {
        let (word, tail) = match rest.find(char::is_whitespace) {
            Some(i) => (&rest[..i], rest[i..].trim_start()),
            None => (rest, ""),
        };
        let Some((key, value)) = word.split_once('=') else {
            parts.push(Part {
                label: None,
                value: word.to_owned(),
                href: None,
            });
            rest = tail;
            continue;
        };
        let Some((label, page)) = known(key) else {
            parts.push(Part {
                label: None,
                value: word.to_owned(),
                href: None,
            });
            rest = tail;
            continue;
        };
        let value = if key == "reason" {
            let whole = format!("{value} {tail}");
            rest = "";
            whole.trim().to_owned()
        } else {
            rest = tail;
            value.to_owned()
        };
        let linkable = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        parts.push(Part {
            label: Some(label),
            href: page.filter(|_| linkable).map(|p| p.replace("{}", &value)),
            value,
        });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_become_labelled_parts() {
        let p = describe("need=16 category=employment");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].label, Some("audit.key.need"));
        assert_eq!(p[0].href.as_deref(), Some("/needs/16"));
        assert_eq!(p[1].label, Some("audit.key.category"));
        assert_eq!(p[1].value, "employment");
        assert_eq!(p[1].href, None);
        let p = describe("case=3 field=phone reason=核实 当事人 身份");
        assert_eq!(p[2].value, "核实 当事人 身份");
        let p = describe("help_request 12");
        assert_eq!(p.iter().map(|x| x.label).collect::<Vec<_>>(), [None, None]);
        // A value that is not a plain id never becomes a link.
        let p = describe("task=<script> unit=152502200200");
        assert_eq!(p[0].href, None);
        assert_eq!(p[1].href.as_deref(), Some("/units/152502200200"));
        assert!(describe("  ").is_empty());
    }

    #[test]
    fn filters_parse_to_local_days() {
        let f = AuditParams {
            actor: Some(" yilelt ".into()),
            from: Some("2026-11-03".into()),
            to: Some("2026-11-03".into()),
            ..Default::default()
        }
        .parse(8)
        .unwrap();
        assert_eq!(f.actor.as_deref(), Some("yilelt"));
        assert_eq!(f.action, None);
        // 2026-11-03 00:00 +08:00 and the next midnight.
        assert_eq!(f.from, Some(1_793_635_200));
        assert_eq!(f.until, Some(1_793_635_200 + 86_400));
        let bad = AuditParams {
            from: Some("3/11".into()),
            ..Default::default()
        };
        assert_eq!(bad.parse(8).unwrap_err()[0].field, "from");
        let backwards = AuditParams {
            from: Some("2026-11-04".into()),
            to: Some("2026-11-03".into()),
            ..Default::default()
        };
        assert_eq!(backwards.parse(8).unwrap_err()[0].field, "to");
    }
}
