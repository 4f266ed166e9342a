//! Requests from the public help page and their intake list.

use jinguo_domain::help::{HelpKind, HelpStatus, TrackingCode};
use jinguo_domain::{HelpId, NeedId, Role, UnitCode};
use serde::Serialize;

use super::Unit;

/// The roles whose active holder at a village makes the village answer its
/// own requests; without one they go to the township. The same roles that
/// record activities and needs (`jinguo_app::activities::RECORDERS`).
pub const QUEUE_ROLES: [Role; 2] = [Role::Admin, Role::Cadre];

/// A request as the page accepted it. The caller has checked the category
/// against the dictionary and that `place` is an active village.
#[derive(Debug, Clone)]
pub struct NewHelpRequest {
    pub code: TrackingCode,
    pub kind: HelpKind,
    pub place: Unit,
    pub category: String,
    pub description: String,
    pub contact: Option<String>,
    /// The local date, for the need's `raised_on`.
    pub today: time::Date,
}

/// What recording a request did: where it is queued, and its need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpCreated {
    pub id: HelpId,
    pub queue: jinguo_domain::UnitId,
    pub need: Option<NeedId>,
}

/// All a tracking code reveals: the status and when it last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HelpPublicStatus {
    pub status: HelpStatus,
    pub updated_at: i64,
}

/// A line of the intake list: nothing sealed is opened for it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HelpSummary {
    pub id: HelpId,
    /// Grouped, as the woman was shown it.
    pub tracking_code: String,
    pub kind: HelpKind,
    pub unit_code: UnitCode,
    /// The village she chose.
    pub unit_name: String,
    pub queue_code: UnitCode,
    /// Whose queue it is in: the village, or its township when the village has no active user
    /// who records.
    pub queue_name: String,
    pub category: String,
    pub status: HelpStatus,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// One request with its description and contact opened.
#[derive(Debug, Clone, Serialize)]
pub struct HelpRequest {
    #[serde(flatten)]
    pub summary: HelpSummary,
    #[serde(skip)]
    pub queue_id: jinguo_domain::UnitId,
    pub description: String,
    pub contact: Option<String>,
    pub need: Option<NeedId>,
}
