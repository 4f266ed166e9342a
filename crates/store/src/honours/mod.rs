//! Honours (评选表彰): campaigns, nominations up the levels, the public
//! notice with objections, and the honours list.
//!
//! A module of the store in one folder: its records ([`model`]), its trait
//! (the scoped surface handlers see) and the SQL behind it ([`sql`]). The
//! family-education sites and the figures of issue 20 will sit beside it.
//!
//! Who sees a campaign: the issuing unit and those above it, and the units
//! of the subtrees of the child units that take part (they nominate and
//! recommend). A nomination: the issuing side, and the units on its way
//! up (whose scope holds its nominating unit). Everyone else gets
//! `NotFound`, exactly as for a record that does not exist.

use async_trait::async_trait;
use jinguo_domain::UnitId;
use jinguo_domain::honour::{CampaignId, NominationId, NominationStatus, ObjectionId};
use time::Date;

use crate::model::{DictKind, Page, Unit};
use crate::{InScope, Result, Scope};

mod model;
mod sql;

pub use model::*;

/// The honour categories (最美家庭 …), edited by the region; public,
/// because the notice pages name them. A key's prefix (`family_`,
/// `woman_`, `collective_`) says what the category honours.
pub const CATEGORIES: DictKind = DictKind::new("honour_category", "honour-categories", true);

#[async_trait]
pub trait HonourStore: Send + Sync {
    /// Issues a campaign at an active unit of the scope that may issue;
    /// its participants get the campaign's quota. Audited
    /// (`honour.campaign_created`) in the same transaction.
    async fn create_campaign(
        &self,
        scope: Scope,
        new: NewCampaign,
        by: &Who,
        now: i64,
    ) -> Result<CampaignId>;
    /// Campaigns `unit` (of the scope) has to do with: issued in its
    /// subtree, or issued above it with its branch taking part; newest first.
    async fn campaigns_for(&self, scope: Scope, unit: &Unit, page: Page) -> Result<Vec<Campaign>>;
    async fn campaign_in_scope(&self, scope: Scope, id: CampaignId) -> Result<InScope<Campaign>>;
    /// The campaign's nominations the scope may see, by status and id.
    async fn nominations_of(&self, campaign: &InScope<Campaign>) -> Result<Vec<Nomination>>;
    /// Records a nomination by a unit of the scope at the campaign's
    /// nominating level, within its quota and by the deadline; the name is
    /// sealed. One transaction with its first step and the audit entry.
    async fn nominate(
        &self,
        campaign: &InScope<Campaign>,
        new: NewNomination,
        today: Date,
        by: &Who,
        now: i64,
    ) -> Result<NominationId>;
    async fn nomination_in_scope(
        &self,
        scope: Scope,
        id: NominationId,
    ) -> Result<InScope<NominationRecord>>;
    /// The sealed name of a family's head or of a woman, for a reader who
    /// may read personal data; `None` for a collective.
    async fn nomination_person_name(
        &self,
        nomination: &InScope<NominationRecord>,
    ) -> Result<Option<String>>;
    /// The next level up recommends (or, at the issuing unit, shortlists);
    /// the scope's own unit must be exactly that unit.
    async fn recommend(
        &self,
        nomination: &InScope<NominationRecord>,
        today: Date,
        by: &Who,
        now: i64,
    ) -> Result<NominationStatus>;
    async fn decline(
        &self,
        nomination: &InScope<NominationRecord>,
        reason: &str,
        today: Date,
        by: &Who,
        now: i64,
    ) -> Result<()>;
    /// Puts the shortlist on public notice from `start` for the campaign's
    /// notice period; the issuing unit only.
    async fn start_notice(
        &self,
        campaign: &InScope<Campaign>,
        start: Date,
        by: &Who,
        now: i64,
    ) -> Result<()>;
    /// Publishes: the notice period is over and no objection is open; the
    /// issuing unit only.
    async fn publish(
        &self,
        campaign: &InScope<Campaign>,
        today: Date,
        by: &Who,
        now: i64,
    ) -> Result<()>;
    /// The objections to a campaign, opened, for its issuing side (others
    /// get none).
    async fn objections_of(&self, campaign: &InScope<Campaign>) -> Result<Vec<Objection>>;
    /// An objection, for the issuing side of its campaign.
    async fn objection_in_scope(&self, scope: Scope, id: ObjectionId)
    -> Result<InScope<Objection>>;
    /// Decides an open objection with a reason; upheld takes the family
    /// off the list. The issuing unit only.
    async fn decide_objection(
        &self,
        objection: &InScope<Objection>,
        upheld: bool,
        reason: &str,
        by: &Who,
        now: i64,
    ) -> Result<()>;
    /// Honours given in `unit`'s subtree (of the scope), of one year or all.
    async fn honoured_in(
        &self,
        scope: Scope,
        unit: &Unit,
        year: Option<i32>,
    ) -> Result<Vec<Honoured>>;

    // Public, not scoped: only what is on notice or published.

    /// Campaigns on notice or published, newest first.
    async fn public_campaigns(&self, limit: i64) -> Result<Vec<PublicCampaign>>;
    /// One campaign on notice or published, with its entries.
    async fn public_campaign(&self, id: CampaignId) -> Result<PublicCampaign>;
    /// Lodges an objection about a nomination on a running notice; text
    /// and contact sealed. Audited without an actor.
    async fn lodge_objection(
        &self,
        new: NewObjection,
        today: Date,
        by: &Who,
        now: i64,
    ) -> Result<ObjectionId>;
}

/// The unit a step needs to be taken by, for pages: the next unit up of
/// a pending nomination.
pub fn waiting_for(c: &Campaign, n: &Nomination) -> Option<UnitId> {
    if !n.status.is_pending() {
        return None;
    }
    jinguo_domain::honour::next_unit(&n.path, n.at_level, c.issuer.level).map(|(u, _)| u)
}
