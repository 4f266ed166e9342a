//! Demonstration sites (三级示范, issue 15 item 5): the region, a league or
//! a banner designates a grassroots federation or a Women's Home of its
//! subtree for a period, evaluates it yearly against its score sheet, and
//! may revoke it.
//!
//! A designation is seen where its site is: by the site's unit and every
//! unit above (the designating unit among them). Only the designating unit
//! or one above it evaluates and revokes. Every write keeps the counters
//! (`rollup_demonstrations`: designations not revoked per unit, level and
//! site kind) and writes its audit entry in its own transaction.

use async_trait::async_trait;
use jinguo_domain::demonstration::{DemonstrationId, EvaluationFields, EvaluationId};
use time::Date;

use crate::model::{Page, Unit};
use crate::{InScope, Result, Scope};

mod model;
mod sql;

pub use model::*;

#[async_trait]
pub trait DemonstrationStore: Send + Sync {
    /// Designates a site of the designating unit's subtree (`NotFound` for
    /// a designating unit outside the scope or a site outside its subtree).
    async fn create_demonstration(
        &self,
        scope: Scope,
        new: NewDemonstration,
        by: &DemoWho,
        now: i64,
    ) -> Result<DemonstrationId>;
    /// A designation whose site lies in the scope.
    async fn demonstration_in_scope(
        &self,
        scope: Scope,
        id: DemonstrationId,
    ) -> Result<InScope<Demonstration>>;
    /// Designations of sites in `unit`'s subtree matching `filter`, newest
    /// first, a page of them.
    async fn demonstrations_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &DemonstrationFilter,
        today: Date,
        page: Page,
    ) -> Result<Vec<Demonstration>>;
    /// Records a year's evaluation (refused for a revoked designation, a
    /// year already evaluated, or a reader who is not the designating unit
    /// or above it).
    async fn evaluate_demonstration(
        &self,
        d: &InScope<Demonstration>,
        fields: &EvaluationFields,
        today: Date,
        by: &DemoWho,
        now: i64,
    ) -> Result<EvaluationId>;
    /// Revokes a designation with a reason; its counters go down.
    async fn revoke_demonstration(
        &self,
        d: &InScope<Demonstration>,
        reason: &str,
        by: &DemoWho,
        now: i64,
    ) -> Result<()>;
    /// The evaluations of a designation, newest year first.
    async fn evaluations_of(&self, d: &InScope<Demonstration>) -> Result<Vec<Evaluation>>;
    /// Designations not revoked of a unit of the scope and of each active
    /// child, from the counters.
    async fn demonstration_figures(&self, scope: Scope, unit: &Unit) -> Result<DemoFigures>;
    /// Sites of a designating unit's subtree (active homes, federations),
    /// by name, matching `text` when given; at most `limit`.
    async fn demonstration_sites(
        &self,
        scope: Scope,
        designator: &Unit,
        text: Option<&str>,
        limit: i64,
    ) -> Result<Vec<SiteChoice>>;
}
