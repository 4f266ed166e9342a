//! Grassroots women's federations (基层妇联, issue 15): a unit's own
//! organisation, its executive committee, terms and elections, and the
//! coverage counters kept on write.
//!
//! A module of the store in one folder: its records ([`model`]), its trait
//! (the scoped surface handlers see) and the SQL behind it ([`sql`]).

use async_trait::async_trait;
use jinguo_domain::{ElectionId, OrganisationId};
use time::Date;

use crate::model::{Page, Unit};
use crate::{InScope, Result, Scope};

mod model;
mod sql;

pub use sql::day_text;

pub use model::*;

/// Organisations. Creating one and recording an election change the
/// coverage counters (`rollup_organisations`) of every ancestor of the
/// organisation's unit in the same transaction.
#[async_trait]
pub trait OrganisationStore: Send + Sync {
    /// Creates the organisation of an active unit of the scope with its
    /// first committee; `Refused(unit_code, err.org.exists)` when the unit
    /// has one already.
    async fn create_organisation(
        &self,
        scope: Scope,
        new: NewOrganisation,
        now: i64,
    ) -> Result<OrganisationId>;
    async fn organisation_in_scope(
        &self,
        scope: Scope,
        id: OrganisationId,
    ) -> Result<InScope<Organisation>>;
    /// The organisation of a unit of the scope, if it has one.
    async fn organisation_of_unit(&self, scope: Scope, unit: &Unit)
    -> Result<Option<Organisation>>;
    /// Organisations of `unit`'s subtree, by unit code; with `overdue_on`,
    /// only those whose term was due before that day.
    async fn organisations_under(
        &self,
        scope: Scope,
        unit: &Unit,
        overdue_on: Option<Date>,
        page: Page,
    ) -> Result<Vec<Organisation>>;
    /// The current committee, names and phones opened: only for a scope
    /// that may read personal data (otherwise `NotFound`).
    async fn committee(&self, org: &InScope<Organisation>) -> Result<Vec<CommitteeMember>>;
    /// Records an election: the new term and committee replace the current
    /// ones, counters follow, in one transaction; `Conflict("organisation_changed")`
    /// when another election was recorded since the organisation was read.
    async fn record_election(
        &self,
        org: &InScope<Organisation>,
        new: NewElection,
        now: i64,
    ) -> Result<ElectionId>;
    /// Every committee the organisation had, newest first.
    async fn elections(&self, org: &InScope<Organisation>) -> Result<Vec<Election>>;
    /// Coverage of a unit of the scope and of each active child; terms are
    /// overdue when due before `today`.
    async fn organisation_coverage(
        &self,
        scope: Scope,
        unit: &Unit,
        today: Date,
    ) -> Result<OrgCoverage>;
    /// Overdue-term notices addressed to a unit of the scope, newest first.
    async fn term_notices(&self, scope: Scope, unit: &Unit, page: Page) -> Result<Vec<TermNotice>>;
}
