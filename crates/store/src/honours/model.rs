//! Honour campaigns, nominations, their steps and objections.

use jinguo_domain::honour::{
    CampaignFields, CampaignId, CampaignStatus, NominationConsent, NominationFields, NominationId,
    NominationStatus, ObjectionId, ObjectionStatus, SubjectKind,
};
use jinguo_domain::{HouseholdId, Level, UnitId};
use time::Date;

use crate::model::UnitRef;

/// A campaign with its issuing unit and the child units taking part.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub id: CampaignId,
    pub issuer: UnitRef,
    /// Ancestors of the issuing unit when the campaign was issued.
    pub issuer_path: [Option<UnitId>; 5],
    pub fields: CampaignFields,
    pub status: CampaignStatus,
    pub notice_start: Option<Date>,
    pub notice_end: Option<Date>,
    pub published_on: Option<Date>,
    /// The issuer's child units taking part, with their quota (only on a
    /// campaign opened by id; empty in lists).
    pub quotas: Vec<(UnitRef, i64)>,
    pub created_at: i64,
}

/// A campaign to issue. `participants`: the child units of the issuer that
/// take part (`None`: every active geographic child).
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub unit: UnitId,
    pub fields: CampaignFields,
    pub participants: Option<Vec<UnitId>>,
}

/// A nomination without its sealed name.
#[derive(Debug, Clone)]
pub struct Nomination {
    pub id: NominationId,
    pub campaign_id: CampaignId,
    /// The nominating unit.
    pub unit: UnitRef,
    pub path: [Option<UnitId>; 5],
    pub subject: SubjectKind,
    pub display_name: String,
    /// The published name in traditional Mongolian, when one was given.
    pub display_name_mn: Option<String>,
    pub members: Option<i64>,
    pub employer: Option<String>,
    pub story: String,
    pub household: Option<HouseholdId>,
    pub consent: NominationConsent,
    pub status: NominationStatus,
    /// The unit that last acted, and its level.
    pub at_unit: UnitId,
    pub at_level: Level,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A nomination to record; the caller has checked the fields for the
/// campaign's subject.
#[derive(Debug, Clone)]
pub struct NewNomination {
    pub unit: UnitId,
    pub fields: NominationFields,
    pub household: Option<HouseholdId>,
}

/// A nomination opened through a scope, with its campaign and its steps.
#[derive(Debug, Clone)]
pub struct NominationRecord {
    pub campaign: Campaign,
    pub nomination: Nomination,
    pub steps: Vec<StepRow>,
}

/// One step taken on a nomination.
#[derive(Debug, Clone)]
pub struct StepRow {
    pub unit: UnitRef,
    /// `propose`, `recommend`, `decline`, `shortlist`, `withdraw`.
    pub action: String,
    pub reason: Option<String>,
    pub at: i64,
}

/// An objection as the issuing unit reads it: text and contact opened.
#[derive(Debug, Clone)]
pub struct Objection {
    pub id: ObjectionId,
    pub campaign_id: CampaignId,
    pub nomination_id: NominationId,
    /// The published name of the family (or woman, or collective) it is about.
    pub display_name: String,
    pub text: String,
    pub contact: Option<String>,
    pub status: ObjectionStatus,
    pub reason: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    /// The campaign it belongs to, for the issuer check and the audit.
    pub issuer: UnitId,
    pub issuer_path: [Option<UnitId>; 5],
}

pub use crate::model::Who;

/// A campaign on the public pages: nothing but what is published.
#[derive(Debug, Clone)]
pub struct PublicCampaign {
    pub id: CampaignId,
    pub title: String,
    /// The title in traditional Mongolian, shown before the Chinese.
    pub title_mn: Option<String>,
    pub year: i32,
    pub category: String,
    pub subject: SubjectKind,
    pub issuer: UnitRef,
    pub issuer_name_mn: Option<String>,
    pub status: CampaignStatus,
    pub notice_start: Option<Date>,
    pub notice_end: Option<Date>,
    pub published_on: Option<Date>,
    /// On notice (during the notice) or honoured (once published).
    pub entries: Vec<PublicEntry>,
}

/// A family, woman or collective on the public notice or honours list:
/// the published name, the place with its path, the story. Never a
/// person's sealed name, an ID or a phone.
#[derive(Debug, Clone)]
pub struct PublicEntry {
    pub nomination_id: NominationId,
    pub display_name: String,
    /// The published name in traditional Mongolian, shown before the Chinese.
    pub display_name_mn: Option<String>,
    pub members: Option<i64>,
    pub employer: Option<String>,
    pub story: String,
    /// Names from the league down to the nominating unit.
    pub place: Vec<String>,
    pub status: NominationStatus,
}

/// An honour given, for a unit's list (`/units/{code}/families`).
#[derive(Debug, Clone)]
pub struct Honoured {
    pub nomination_id: NominationId,
    pub campaign_id: CampaignId,
    pub campaign_title: String,
    pub year: i32,
    pub category: String,
    pub subject: SubjectKind,
    pub display_name: String,
    pub unit: UnitRef,
    pub household: Option<HouseholdId>,
    pub published_on: Option<Date>,
}

/// An objection from the public about a nomination on a running notice.
#[derive(Debug, Clone)]
pub struct NewObjection {
    pub campaign: CampaignId,
    pub nomination: NominationId,
    pub text: String,
    pub contact: Option<String>,
}
