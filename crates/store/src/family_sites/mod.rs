//! Family-education services (家庭教育指导服务): the registry of service
//! sites with their village coverage, the guidance sessions held at a site
//! (activities of the ledger, so they count in every roll-up there), and
//! the roster of volunteer counsellors (指导师).
//!
//! A module of the store in one folder: its records ([`model`]), its trait
//! (the scoped surface handlers see) and the SQL behind it ([`sql`]).

use async_trait::async_trait;
use jinguo_domain::family_site::{CounsellorFields, CounsellorId, FamilySiteId, SiteFields};
use jinguo_domain::{ActivityId, UnitId};

use crate::model::{Activity, NewActivity, Unit};
use crate::{InScope, Result, Scope};

pub mod audiences;
mod model;
mod sql;
pub(crate) mod tally;

pub use model::*;

/// Family-education sites. Every write of a site changes the coverage
/// counters (`rollup_family_sites`) of all ancestors of its unit in the
/// same transaction: active sites, and villages with at least one.
#[async_trait]
pub trait FamilySiteStore: Send + Sync {
    /// Registers a site at an active unit of the scope.
    async fn create_site(&self, scope: Scope, new: NewSite, now: i64) -> Result<FamilySiteId>;
    async fn site_in_scope(&self, scope: Scope, id: FamilySiteId) -> Result<InScope<FamilySite>>;
    /// Changes a site, possibly moving it to another active unit of the
    /// scope; `Conflict("site_changed")` when someone changed it since it
    /// was read.
    async fn update_site(
        &self,
        site: &InScope<FamilySite>,
        unit: UnitId,
        fields: SiteFields,
        now: i64,
    ) -> Result<FamilySite>;
    /// Sites of `unit`'s subtree matching `filter`, newest first, at most
    /// `limit`; `NotFound` when `unit` is outside `scope`.
    async fn sites_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &SiteFilter,
        limit: i64,
    ) -> Result<Vec<FamilySite>>;
    /// Coverage of a unit of the scope and of each active child.
    async fn site_coverage(&self, scope: Scope, unit: &Unit) -> Result<SiteCoverage>;
    /// Records a guidance session held at the site: an activity of the
    /// ledger at the site's unit (with its counters) and the link, in one
    /// transaction. The caller has checked the activity's fields.
    async fn record_session(
        &self,
        site: &InScope<FamilySite>,
        new: NewActivity,
        made_at: Option<i64>,
        now: i64,
    ) -> Result<ActivityId>;
    /// The sessions held at a site, newest first.
    async fn sessions_of(&self, site: &InScope<FamilySite>, limit: i64) -> Result<Vec<Activity>>;

    /// Adds a counsellor to the roster of an active unit of the scope; the
    /// name is sealed, every site served must be in the scope.
    async fn create_counsellor(
        &self,
        scope: Scope,
        new: NewCounsellor,
        now: i64,
    ) -> Result<CounsellorId>;
    async fn counsellor_in_scope(
        &self,
        scope: Scope,
        id: CounsellorId,
    ) -> Result<InScope<Counsellor>>;
    /// Replaces a counsellor's fields and sites (the roster unit stays).
    async fn update_counsellor(
        &self,
        counsellor: &InScope<Counsellor>,
        fields: CounsellorFields,
        now: i64,
    ) -> Result<Counsellor>;
    /// The roster of `unit`'s subtree, or of the counsellors serving one
    /// site, newest first.
    async fn counsellors_under(
        &self,
        scope: Scope,
        unit: &Unit,
        site: Option<FamilySiteId>,
        limit: i64,
    ) -> Result<Vec<Counsellor>>;

    /// Family-work figures of a unit of the scope and of each active child
    /// for one year, from the counters only: nominations by status and
    /// level, honoured by category, objections, sites and coverage (as
    /// they stand), and guidance sessions of the year.
    async fn family_figures(&self, scope: Scope, unit: &Unit, year: i32) -> Result<FamilyFigures>;

    /// Sets whom an activity of the scope reached (keys the caller checked
    /// against the dictionary); the audience counters move in the same
    /// transaction.
    async fn set_activity_audiences(
        &self,
        scope: Scope,
        id: ActivityId,
        keys: &[String],
    ) -> Result<()>;
    /// The audiences of an activity of the scope, by key.
    async fn activity_audiences(&self, scope: Scope, id: ActivityId) -> Result<Vec<String>>;
    /// Activities reaching each audience in `unit`'s subtree in a year, from
    /// the counters: `a:<audience>` for all, `ta:<type>:<audience>` per type.
    async fn audience_counts(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
    ) -> Result<std::collections::BTreeMap<String, crate::model::Counts>>;
}
