//! The case workflow after intake: follow-ups, referrals, transfers,
//! closure and reopening. Inputs are parsed and authorized by the
//! application; the store enforces the workflow's own rules (consent,
//! league chain, status transitions, four eyes on closure).

use jinguo_domain::case::{Agency, Outcome, TeamRole};
use jinguo_domain::{UnitId, UserId};
use serde::Serialize;

/// A follow-up to record: a scheduled one completed, or an ad-hoc contact.
#[derive(Debug, Clone)]
pub struct NewFollowUp {
    /// The scheduled follow-up this completes; `None` for an ad-hoc one.
    pub scheduled: Option<i64>,
    pub done_on: time::Date,
    /// Sealed: what happened may name people.
    pub note: Option<String>,
    pub by: UserId,
}

/// A referral to a partner agency. Without the client's consent to
/// referral it needs `override_reason`, and `by` must be a supervisor of
/// the case.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub agency: Agency,
    pub agency_name: String,
    pub note: Option<String>,
    pub override_reason: Option<String>,
    pub by: UserId,
}

/// A transfer of a case to another unit with its new team, which replaces
/// the old one whole.
#[derive(Debug, Clone)]
pub struct CaseTransfer {
    pub unit: UnitId,
    /// At least one caseworker; every member holds the caseworker role at
    /// `unit` or one of its ancestors.
    pub team: Vec<(UserId, TeamRole)>,
    pub reason: String,
    pub by: UserId,
}

/// A supervisor's decision on a closure request.
#[derive(Debug, Clone)]
pub struct ClosureDecision {
    pub approve: bool,
    /// Required when refusing: why the case goes back to work.
    pub reason: Option<String>,
    pub by: UserId,
    /// The closing date when approved.
    pub on: time::Date,
}

/// A closure request.
#[derive(Debug, Clone)]
pub struct ClosureRequest {
    pub outcome: Outcome,
    pub reason: String,
    pub by: UserId,
}

/// A reason recorded with a step of the case's history (transfer, closure
/// decision, reopening), opened for someone entitled to the case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseNote {
    pub at: i64,
    pub by: Option<String>,
    pub action: String,
    pub note: String,
}
