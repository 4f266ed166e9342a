//! Needs: what a family asked for during a visit or on the public help
//! page, followed to a resolution the family rates (办实事、解难事).
//!
//! A need is raised at a unit (its *origin*, fixed for the ledger) and sits
//! in the queue of an *assignee* unit: the origin at first, then each unit
//! above it that the need is escalated to. Counters are keyed by the
//! origin's ancestors, so escalation never moves a need between ledgers.

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::text::Field;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
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
    Field::text(field, max).required(s, "err.text.required", errors)
}

/// Lower bounds of the buckets of the days-to-resolve histogram the ledger
/// keeps, one counter column per bucket (`b0`, `b1`, … in
/// `rollup_need_hist`, migration 0008): a fixed row of counters per unit and
/// month is read in one index lookup however widely the days spread, where
/// one row per distinct day count made the region's ledger read tens of
/// thousands of rows.
///
/// Exact days 0–30 (most needs are met within a month and a median there
/// must be exact), then 5-day buckets to 60 days, 10-day buckets to 120,
/// 30-day buckets to a year (the last cut short at 365), and one overflow
/// bucket for a year or more. A bucket runs from its bound to the next one,
/// excluded. Appending or changing a bound changes the table: it takes a
/// migration.
pub const DAYS_BUCKETS: [i64; 53] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
    26, 27, 28, 29, 30, // exact days
    31, 36, 41, 46, 51, 56, // 5-day buckets to 60
    61, 71, 81, 91, 101, 111, // 10-day buckets to 120
    121, 151, 181, 211, 241, 271, 301, 331, 361, // 30-day buckets to 365
    366, // a year or more
];

/// A days-to-resolve histogram: one count per bucket of [`DAYS_BUCKETS`].
pub type DaysHistogram = [i64; DAYS_BUCKETS.len()];

/// The bucket of [`DAYS_BUCKETS`] a resolution that took `days` counts in.
/// Negative days (an outcome dated before the need was raised) count as 0.
pub fn days_bucket(days: i64) -> usize {
    // DAYS_BUCKETS[0] is 0, so at least one bound is <= max(days, 0).
    DAYS_BUCKETS.partition_point(|&lower| lower <= days.max(0)) - 1
}

/// The median of a histogram of `(days, count)` pairs sorted by days: the
/// lower median, so it is always a value that occurred — for bucketed
/// counts, the lower bound of a bucket that holds one. `None` when empty.
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

/// The median days of a bucketed histogram: the lower median (see
/// [`histogram_median`]), read as the *lower bound* of the bucket it falls
/// in. Exact for medians up to 30 days; beyond that it says "at least this
/// many days", e.g. 36 for a median anywhere in 36–40, and 366 for a year
/// or more. `None` when empty.
pub fn bucket_median(h: &DaysHistogram) -> Option<i64> {
    let pairs: Vec<(i64, i64)> = DAYS_BUCKETS
        .iter()
        .copied()
        .zip(h.iter().copied())
        .collect();
    histogram_median(&pairs)
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
    }

    #[test]
    fn buckets_are_exact_to_30_days_then_wider_to_a_year() {
        assert!(DAYS_BUCKETS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(DAYS_BUCKETS[0], 0);
        for d in 0..=30 {
            assert_eq!(DAYS_BUCKETS[days_bucket(d)], d);
        }
        let lower = |d| DAYS_BUCKETS[days_bucket(d)];
        assert_eq!(days_bucket(-2), 0);
        assert_eq!(lower(31), 31);
        assert_eq!(lower(35), 31);
        assert_eq!(lower(36), 36);
        assert_eq!(lower(60), 56);
        assert_eq!(lower(61), 61);
        assert_eq!(lower(120), 111);
        assert_eq!(lower(121), 121);
        assert_eq!(lower(150), 121);
        assert_eq!(lower(360), 331);
        assert_eq!(lower(365), 361);
        assert_eq!(lower(366), 366);
        assert_eq!(days_bucket(5000), DAYS_BUCKETS.len() - 1);
        // Widths: 1 day to 30, then 5, 10 and 30 days.
        let widths: Vec<i64> = DAYS_BUCKETS.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(widths[..31].iter().all(|&w| w == 1));
        assert!(widths[31..37].iter().all(|&w| w == 5));
        assert!(widths[37..43].iter().all(|&w| w == 10));
        assert!(widths[43..51].iter().all(|&w| w == 30));
        assert_eq!(widths[51], 5);
    }

    #[test]
    fn median_of_buckets_is_exact_to_30_days_then_the_lower_bound() {
        let mut h: DaysHistogram = [0; DAYS_BUCKETS.len()];
        assert_eq!(bucket_median(&h), None);
        let add = |h: &mut DaysHistogram, d: i64| h[days_bucket(d)] += 1;
        for d in [2, 7, 7, 30] {
            add(&mut h, d);
        }
        // 2, 7, 7, 30 → lower median 7.
        assert_eq!(bucket_median(&h), Some(7));
        for d in [38, 39, 40, 200, 700] {
            add(&mut h, d);
        }
        // 2, 7, 7, 30, 38, 39, 40, 200, 700 → 38, read as its bucket 36–40.
        assert_eq!(bucket_median(&h), Some(36));
        let mut late: DaysHistogram = [0; DAYS_BUCKETS.len()];
        for d in [400, 500, 10] {
            add(&mut late, d);
        }
        assert_eq!(bucket_median(&late), Some(366));
    }
}
