//! Monitoring the two development outlines (两纲监测, issue 16): department
//! reporters, the indicator catalogue per plan period, targets per unit,
//! and each unit's yearly report per department.
//!
//! The rules (plausibility, the stricter-only cascade, aggregation and
//! attainment) are pure functions in `jinguo_domain::outline`; the store
//! keeps the rows, enforces who may touch which, and writes each step with
//! its audit entry in one transaction.

use async_trait::async_trait;
use jinguo_domain::UserId;
use jinguo_domain::outline::{CheckedEntry, Department, IndicatorId, IndicatorSpec, PlanPeriod};

use crate::model::{DictKind, Unit};
use crate::{Result, Scope};

mod model;
mod rollups;
mod sql;

pub use model::*;

/// The departments that report (卫健委, 教育局 …): a dictionary, edited by
/// the region; its keys are what a reporter's account and an indicator's
/// owner name.
pub const DEPARTMENTS: DictKind = DictKind::new("outline_department", "outline-departments", false);

/// Outline monitoring. Catalogue edits need a scope at the region;
/// targets, reviews and figures a scope containing the unit; a report is
/// written only by a department reporter at the report's own unit, for her
/// own department.
#[async_trait]
pub trait OutlineStore: Send + Sync {
    /// The department of the scope's user, when she is a department
    /// reporter with one assigned.
    async fn reporter_department(&self, scope: Scope) -> Result<Option<Department>>;
    /// Assigns a department to a department reporter of the scope.
    async fn set_reporter_department(
        &self,
        scope: Scope,
        user: UserId,
        department: &Department,
        by: &Who,
        now: i64,
    ) -> Result<()>;

    /// The department reporters of a unit's subtree (active accounts of
    /// the `department` role), by unit code then username, each with her
    /// department when one is assigned.
    async fn outline_reporters(&self, scope: Scope, unit: &Unit) -> Result<Vec<ReporterRow>>;

    /// Reminds the department reporters at a unit (active accounts) whose
    /// department is one of `departments` to report the year's indicators:
    /// one notice per account, with the audit entry, in one transaction.
    /// Answers how many were reminded.
    async fn send_outline_reminders(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        departments: &[Department],
        by: &Who,
        now: i64,
    ) -> Result<u32>;
    /// The latest outline reminders addressed to an account at its unit,
    /// newest first, each unread when past what she has read.
    async fn outline_reminders(
        &self,
        user: UserId,
        unit: jinguo_domain::UnitId,
        limit: i64,
    ) -> Result<Vec<Reminder>>;

    /// The catalogue of a plan period, by outline, domain and code;
    /// optionally only one department's indicators. Not unit data: every
    /// logged-in user may read it.
    async fn indicators(
        &self,
        period: PlanPeriod,
        department: Option<&Department>,
    ) -> Result<Vec<Indicator>>;
    /// Adds or replaces (by code) the given entries of a period's
    /// catalogue, all or nothing; only at the region. An entry whose unit
    /// or sex split would change while reports hold values for it is
    /// refused (`Conflict("indicator_reported")`).
    async fn save_indicators(
        &self,
        scope: Scope,
        period: PlanPeriod,
        specs: &[IndicatorSpec],
        by: &Who,
        now: i64,
    ) -> Result<Vec<IndicatorId>>;

    /// Sets a unit's own target for the mid-term or final year: refused
    /// (`Refused{value, err.outline.target_looser}`) when looser than what
    /// the unit inherits from above.
    async fn set_target(&self, scope: Scope, new: NewTarget, by: &Who, now: i64) -> Result<()>;
    /// The targets of the period's indicators set at a unit's ancestors,
    /// at the unit and at the units of its subtree: what it takes to know
    /// the target that holds at each of them.
    async fn targets_for(
        &self,
        scope: Scope,
        unit: &Unit,
        period: PlanPeriod,
    ) -> Result<Vec<TargetRow>>;

    /// The report of a unit's department for a year, if one was started.
    async fn outline_report(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        department: &Department,
    ) -> Result<Option<Report>>;
    /// Saves figures into the report (creating it as a draft); refused
    /// when the report is submitted or approved. Only at the scope's own
    /// unit.
    #[expect(
        clippy::too_many_arguments,
        reason = "the report's unit, year and department, what is done, and by whom"
    )]
    async fn save_outline_report(
        &self,
        scope: Scope,
        unit: &Unit,
        period: PlanPeriod,
        year: i32,
        department: &Department,
        entries: &[(IndicatorId, CheckedEntry)],
        by: &Who,
        now: i64,
    ) -> Result<Report>;
    /// Hands a draft or returned report in for checking.
    async fn submit_outline_report(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        department: &Department,
        by: &Who,
        now: i64,
    ) -> Result<Report>;
    /// The office approves a submitted report, or returns it with a
    /// reason.
    #[expect(
        clippy::too_many_arguments,
        reason = "the report's unit, year and department, what is done, and by whom"
    )]
    async fn review_outline_report(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        department: &Department,
        decision: Decision,
        by: &Who,
        now: i64,
    ) -> Result<Report>;
    /// Reports of a unit's subtree for a year, in a state (or all), by unit
    /// code then department.
    async fn outline_reports_under(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        status: Option<jinguo_domain::outline::OutlineReportStatus>,
    ) -> Result<Vec<ReportHead>>;

    /// The reporting units (region, leagues, banners: active geographic
    /// units of levels 1–3) of a unit's subtree, the unit first.
    async fn reporting_units(&self, scope: Scope, unit: &Unit) -> Result<Vec<ReportingUnit>>;
    /// The roll-ups kept on write for a unit and its units one level down
    /// for the given years: what the attainment page reads. A unit, year
    /// and indicator without a row has nothing reported there or below
    /// that year or the year before (see `Rollup::nothing`).
    async fn outline_rollups(
        &self,
        scope: Scope,
        unit: &Unit,
        years: &[i32],
    ) -> Result<Vec<RollupRow>>;
    /// The version of everything the figures pages are computed from (kept
    /// roll-ups, targets, catalogue, tree): moved by triggers in the
    /// transaction of any change (migration 0045), so a page computed at a
    /// version is current while the version is.
    async fn outline_version(&self) -> Result<i64>;
    /// What the attainment page reads: the kept roll-ups of a unit and its
    /// units one level down for `year`, and for the `earlier` years (last
    /// year, the baseline) only their totals (the other fields of those
    /// rows are left empty).
    async fn outline_page_rollups(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        earlier: &[i32],
    ) -> Result<Vec<RollupRow>>;
    /// Approved figures of the reporting units of a unit's subtree for the
    /// given years: the raw rows the roll-ups are kept from (a recount).
    async fn approved_values(
        &self,
        scope: Scope,
        unit: &Unit,
        years: &[i32],
    ) -> Result<Vec<ValueRow>>;
}
