//! Needs: what a family asked for during a visit or on the public help
//! page, followed to a resolution the family rates (办实事、解难事).
//!
//! A need is raised at a unit (its *origin*, fixed for the ledger) and sits
//! in the queue of an *assignee* unit: the origin at first, then each unit
//! above it that the need is escalated to. Counters are keyed by the
//! origin's ancestors, so escalation never moves a need between ledgers.

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::text::clean_text;

/// Where a need is in its life.
///
/// `open` and `in_progress` are live; `resolved` and `closed` (unresolved,
/// with a reason) are final. "Referred upward" is not a state of its own: it
/// is an open need whose assignee is above the unit looking at it (see
/// [`NeedStatus::as_seen_from_below`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedStatus {
    Open,
    InProgress,
    Resolved,
    Closed,
}

impl NeedStatus {
    pub const ALL: [NeedStatus; 4] = [
        NeedStatus::Open,
        NeedStatus::InProgress,
        NeedStatus::Resolved,
        NeedStatus::Closed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            NeedStatus::Open => "open",
            NeedStatus::InProgress => "in_progress",
            NeedStatus::Resolved => "resolved",
            NeedStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<NeedStatus> {
        NeedStatus::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    pub const fn is_live(self) -> bool {
        matches!(self, NeedStatus::Open | NeedStatus::InProgress)
    }

    /// The status a unit below the assignee shows: a live need that has
    /// left its hands reads `referred` (已上报).
    pub const fn as_seen_from_below(self) -> &'static str {
        if self.is_live() {
            "referred"
        } else {
            self.as_str()
        }
    }
}

/// How soon a need must be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    Urgent,
    Critical,
}

impl Urgency {
    pub const ALL: [Urgency; 3] = [Urgency::Normal, Urgency::Urgent, Urgency::Critical];

    pub const fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Urgent => "urgent",
            Urgency::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Urgency> {
        Urgency::ALL.into_iter().find(|u| u.as_str() == s.trim())
    }
}

/// The household's rating of a resolution, 1 (poor) to 5 (very satisfied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Satisfaction(u8);

impl Satisfaction {
    pub fn parse(n: i64) -> Result<Satisfaction, FieldError> {
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=5).contains(n))
            .map(Satisfaction)
            .ok_or(FieldError::new("satisfaction", "err.need.satisfaction"))
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

/// What resolving a need records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub what_was_done: String,
    pub satisfaction: Satisfaction,
}

impl Resolution {
    pub fn parse(what: &str, satisfaction: Option<i64>) -> Result<Resolution, Vec<FieldError>> {
        let mut errors = Vec::new();
        let what_was_done = required_text(what, "resolution", 1000, &mut errors);
        let satisfaction = match satisfaction {
            Some(n) => Satisfaction::parse(n).map_err(|e| errors.push(e)).ok(),
            None => {
                errors.push(FieldError::new("satisfaction", "err.need.satisfaction"));
                None
            }
        };
        match (what_was_done, satisfaction) {
            (Some(what_was_done), Some(satisfaction)) if errors.is_empty() => Ok(Resolution {
                what_was_done,
                satisfaction,
            }),
            _ => Err(errors),
        }
    }
}

/// A required free-text field: missing and too long are both field errors.
pub fn required_text(
    s: &str,
    field: &'static str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match clean_text(s, max) {
        Ok(Some(t)) => Some(t),
        Ok(None) => {
            errors.push(FieldError::new(field, "err.text.required"));
            None
        }
        Err(_) => {
            errors.push(FieldError::new(field, "err.text.too_long"));
            None
        }
    }
}

/// Days from raising a need to resolving it, bucketed for the median: the
/// ledger keeps a count per bucket, and one year or more is one bucket.
pub fn days_bucket(days: i64) -> i64 {
    days.clamp(0, 366)
}

/// The median of a histogram of `(days, count)` pairs sorted by days: the
/// lower median, so it is always a value that occurred. `None` when empty.
pub fn histogram_median(buckets: &[(i64, i64)]) -> Option<i64> {
    let total: i64 = buckets.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let half = (total + 1) / 2;
    let mut seen = 0;
    for &(days, n) in buckets {
        seen += n;
        if seen >= half {
            return Some(days);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_read_referred_from_below() {
        for s in NeedStatus::ALL {
            assert_eq!(NeedStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(NeedStatus::Open.as_seen_from_below(), "referred");
        assert_eq!(NeedStatus::Resolved.as_seen_from_below(), "resolved");
    }

    #[test]
    fn resolving_needs_a_description_and_a_rating() {
        let keys = |r: Result<Resolution, Vec<FieldError>>| -> Vec<String> {
            r.unwrap_err()
                .into_iter()
                .map(|e| format!("{}={}", e.field, e.key))
                .collect()
        };
        assert_eq!(
            keys(Resolution::parse(" ", Some(3))),
            vec!["resolution=err.text.required"]
        );
        assert_eq!(
            keys(Resolution::parse("介绍到合作社就业", Some(6))),
            vec!["satisfaction=err.need.satisfaction"]
        );
        let r = Resolution::parse("介绍到合作社就业", Some(5)).unwrap();
        assert_eq!(r.satisfaction.get(), 5);
    }

    #[test]
    fn median_of_a_histogram() {
        assert_eq!(histogram_median(&[]), None);
        assert_eq!(histogram_median(&[(3, 1)]), Some(3));
        // 1, 2, 2, 9 → lower median 2.
        assert_eq!(histogram_median(&[(1, 1), (2, 2), (9, 1)]), Some(2));
        // 1, 9 → lower median 1.
        assert_eq!(histogram_median(&[(1, 1), (9, 1)]), Some(1));
        assert_eq!(days_bucket(-2), 0);
        assert_eq!(days_bucket(5000), 366);
    }
}
