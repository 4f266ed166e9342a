//! De-identified case statistics, read from the roll-up counters.
//!
//! Exact counts: suppression of small cells is the application's job
//! (`jinguo_domain::case_stats::SmallCount`), done on every way out.

use std::collections::BTreeMap;

use serde::Serialize;

use super::UnitRef;

/// Protection measures recorded on the counted cases: order records by
/// kind and status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CaseOrderCounts {
    pub protection_applied: i64,
    pub protection_granted: i64,
    pub protection_refused: i64,
    pub protection_expired: i64,
    pub warning_letters: i64,
}

/// The case statistics of a unit's subtree for cases opened in a month
/// range. Only cases whose client consented to statistics are counted.
/// Maps are keyed by the storage keys (`jinguo_domain::case`); `by_risk`
/// has `none` for cases not yet assessed; `by_outcome` counts closed cases.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CaseStats {
    pub total: i64,
    pub by_type: BTreeMap<String, i64>,
    pub by_source: BTreeMap<String, i64>,
    pub by_risk: BTreeMap<String, i64>,
    pub by_status: BTreeMap<String, i64>,
    pub by_outcome: BTreeMap<String, i64>,
    /// Cases with a first contact recorded, and the median days to it.
    pub contacted: i64,
    pub median_days_first_contact: Option<i64>,
    /// Closed cases, and the median days from opening to closure.
    pub closed: i64,
    pub median_days_closure: Option<i64>,
    pub orders: CaseOrderCounts,
    /// Active children with their totals, by code.
    pub children: Vec<(UnitRef, i64)>,
}
