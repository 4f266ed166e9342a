//! Needs, their history and the practical-deeds ledger.

use std::collections::BTreeMap;

use jinguo_domain::need::{NeedStatus, Urgency};
use jinguo_domain::{HouseholdId, Month, NeedId, UnitCode, UnitId, UserId, VisitId};
use serde::Serialize;

use super::UnitRef;

/// Where a need came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NeedSource {
    /// Written down during a home visit.
    Visit,
    /// A request from the public help page.
    Help,
    /// Recorded by a cadre directly (a walk-in, a phone call).
    Direct,
}

impl NeedSource {
    pub const fn as_str(self) -> &'static str {
        match self {
            NeedSource::Visit => "visit",
            NeedSource::Help => "help",
            NeedSource::Direct => "direct",
        }
    }

    pub fn parse(s: &str) -> Option<NeedSource> {
        [NeedSource::Visit, NeedSource::Help, NeedSource::Direct]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A need to record. The caller has checked the category against the
/// dictionary and the units against the scope; `assignee` is the origin
/// or one of its ancestors.
#[derive(Debug, Clone)]
pub struct NewNeed {
    pub origin: UnitId,
    pub assignee: UnitId,
    pub assignee_user: Option<UserId>,
    pub household: Option<HouseholdId>,
    pub visit: Option<VisitId>,
    pub source: NeedSource,
    pub category: String,
    pub urgency: Urgency,
    pub description: String,
    pub due_date: Option<time::Date>,
    pub raised_on: time::Date,
    /// `None` for a request from the public page.
    pub by: Option<UserId>,
}

/// A need of the scope, description opened.
#[derive(Debug, Clone, Serialize)]
pub struct Need {
    pub id: NeedId,
    #[serde(skip)]
    pub origin_id: UnitId,
    pub origin_code: UnitCode,
    pub origin_name: String,
    #[serde(skip)]
    pub ancestors: [Option<UnitId>; 5],
    #[serde(skip)]
    pub assignee_id: UnitId,
    pub assignee_code: UnitCode,
    pub assignee_name: String,
    pub assignee_user: Option<UserId>,
    pub household: Option<HouseholdId>,
    pub visit: Option<VisitId>,
    pub source: NeedSource,
    pub category: String,
    pub urgency: Urgency,
    pub description: String,
    pub status: NeedStatus,
    /// `YYYY-MM-DD`
    pub due_date: Option<String>,
    pub raised_on: String,
    pub escalations: i64,
    pub resolved_on: Option<String>,
    pub resolution: Option<String>,
    pub satisfaction: Option<i64>,
    pub close_reason: Option<String>,
    pub created_at: i64,
    /// Unix seconds on the phone when it was recorded there, if it said.
    pub made_at: Option<i64>,
    pub updated_at: i64,
}

/// A line of a queue: nothing sealed is opened for it.
#[derive(Debug, Clone, Serialize)]
pub struct NeedSummary {
    pub id: NeedId,
    pub origin_code: UnitCode,
    pub origin_name: String,
    pub assignee_code: UnitCode,
    pub assignee_name: String,
    pub source: NeedSource,
    pub category: String,
    pub urgency: Urgency,
    pub status: NeedStatus,
    pub due_date: Option<String>,
    pub raised_on: String,
    pub escalations: i64,
    pub updated_at: i64,
}

/// Which needs a queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedQueue {
    /// Assigned to the unit itself.
    Assigned,
    /// Raised anywhere in the unit's subtree.
    Subtree,
}

/// One step in a need's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NeedEvent {
    /// Unix seconds.
    pub at: i64,
    /// Username; null for a request from the public page.
    pub by: Option<String>,
    /// `raised`, `started`, `escalated`, `resolved` or `closed`.
    pub action: String,
    pub from_unit: Option<String>,
    pub to_unit: Option<String>,
    pub note: Option<String>,
}

/// Ledger numbers for one unit, one category or one month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct DeedCounts {
    pub raised: i64,
    pub resolved: i64,
    pub closed: i64,
    /// Live needs whose due date has passed (now, not in the period).
    pub overdue: i64,
    /// Median days from raising to resolving, of the needs resolved in the
    /// period. Exact up to 30 days; beyond that the lower bound of the
    /// ledger's bucket it falls in (5, 10 or 30 days wide; 366 for a year
    /// or more), see `jinguo_domain::need::bucket_median`. `None` when
    /// nothing was resolved.
    pub median_days: Option<i64>,
    /// Mean of the households' ratings, 1–5.
    pub satisfaction: Option<f64>,
}

/// The practical-deeds ledger (实事台账) of a unit for a month range.
#[derive(Debug, Clone, Serialize)]
pub struct Deeds {
    pub total: DeedCounts,
    pub by_category: BTreeMap<String, DeedCounts>,
    pub children: Vec<(UnitRef, DeedCounts)>,
    pub months: Vec<(Month, DeedCounts)>,
}

/// Filters of a need list; the description is sealed and never searched.
#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    pub status: Option<NeedStatus>,
    /// Dictionary key of the category, exactly.
    pub category: Option<String>,
    pub urgency: Option<Urgency>,
    /// `YYYY-MM-DD`: raised on or after.
    pub raised_from: Option<String>,
    /// `YYYY-MM-DD`: raised on or before.
    pub raised_to: Option<String>,
    /// Keyset paging: only needs older than this id.
    pub before: Option<i64>,
}
