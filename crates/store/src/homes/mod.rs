//! Women's Homes (妇女之家): the registry and its village coverage.
//!
//! A module of the store in one folder: its records ([`model`]), its trait
//! (the scoped surface handlers see) and the SQL behind it ([`sql`]).

use async_trait::async_trait;
use jinguo_domain::HomeId;
use jinguo_domain::UnitId;
use jinguo_domain::home::{HomeFields, HomeStatus};

use crate::model::{DictKind, Page, Unit};
use crate::{Result, Scope};

mod model;
mod sql;

pub use model::*;

/// The facilities a home may have (活动室, 阅读角 …), edited by the region;
/// public, because the help page lists them.
pub const FACILITIES: DictKind = DictKind::new("home_facility", "home-facilities", true);

/// Women's Homes (妇女之家). Every write changes the coverage counters
/// (`rollup_homes`) of all ancestors of the home's unit in the same
/// transaction: active homes, and villages with at least one active home.
#[async_trait]
pub trait HomeStore: Send + Sync {
    /// Registers a home at an active unit of the scope.
    async fn create_home(&self, scope: Scope, new: NewHome, now: i64) -> Result<HomeId>;
    async fn home_in_scope(&self, scope: Scope, id: HomeId) -> Result<Home>;
    /// Changes a home, possibly moving it to another active unit of the
    /// scope; `Conflict("home_changed")` when someone changed it since it
    /// was read.
    async fn update_home(
        &self,
        scope: Scope,
        id: HomeId,
        unit: UnitId,
        fields: HomeFields,
        now: i64,
    ) -> Result<Home>;
    /// Homes of `unit`'s subtree, optionally of one status, by unit code
    /// then name.
    async fn homes_under(
        &self,
        scope: Scope,
        unit: &Unit,
        status: Option<HomeStatus>,
        page: Page,
    ) -> Result<Vec<Home>>;
    /// Homes of `unit`'s subtree matching `filter`, newest first, at most
    /// `limit`; `NotFound` when `unit` is outside `scope`.
    async fn homes_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &HomeFilter,
        limit: i64,
    ) -> Result<Vec<Home>>;
    /// Coverage of a unit of the scope and of each active child.
    async fn home_coverage(&self, scope: Scope, unit: &Unit) -> Result<HomeCoverage>;
    /// Sets or removes a home's photo; returns the one it replaced, whose
    /// file the caller removes.
    async fn set_home_photo(
        &self,
        scope: Scope,
        id: HomeId,
        photo: Option<HomePhoto>,
        now: i64,
    ) -> Result<Option<HomePhoto>>;
    /// Not scoped, for the public help page: active homes of the chosen
    /// place's township (or of the place's own subtree above township
    /// level), else of its banner; public fields only.
    async fn homes_near(&self, unit: &Unit, limit: i64) -> Result<Vec<PublicHome>>;
}
