//! Honours (评选表彰, issue 20): a unit issues a campaign (最美家庭,
//! 三八红旗手 …), units at the nominating level propose families, women or
//! collectives with their consent, each level above recommends or
//! declines, the issuing unit shortlists, puts the list on public notice,
//! decides the objections and publishes; each honour gets a certificate.
//!
//! Shared by the API and the pages: parse → store (which checks the
//! workflow rules, writes the step and the audit entry in one transaction).
//! This folder will also hold the family-education services and the
//! figures of the same issue (items 6–8).

pub mod api;
mod demo;
mod routes;
pub mod web;

/// The module's routes, menu entry, dictionary and demo.
pub const MODULE: crate::routes::Module = crate::routes::Module {
    routes: routes::routes,
    menu: &[crate::routes::MenuItem {
        group: "work",
        nav: "honours",
        label: "honour.menu",
        href: "/honours",
        cap: Some(jinguo_domain::Capability::ReadRecords),
    }],
    dictionaries: &[jinguo_store::honours::CATEGORIES],
    demo: Some(|store| Box::pin(demo::fill(store))),
};

use jinguo_domain::honour::{
    CampaignDraft, CampaignId, NominationDraft, NominationId, ObjectionId, SubjectKind,
    parse_objection, parse_reason,
};
use jinguo_domain::{FieldError, HouseholdId, UnitCode};
use jinguo_store::StoreError;
use jinguo_store::honours::{
    CATEGORIES, Campaign, NewCampaign, NewNomination, NewObjection, NominationRecord, Who,
};
use jinguo_store::model::Unit;
use jinguo_store::{InScope, Scope};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now, today};

/// Who writes, for the audit entry the store writes with the change.
pub fn who(actor: &Actor, ip: Option<String>) -> Who {
    Who {
        user: Some((actor.user.id, actor.user.username.as_str().to_owned())),
        ip,
    }
}

/// The public help page's abuse control for an objection: the same
/// per-address limits, so a flood of objections and of help requests from
/// one address share one budget; only accepted objections count
/// ([`lodge`]). With [`lodge`], the one place this module calls the help
/// page's limiter.
pub async fn admit_public_submission(state: &AppState, ip: Option<&str>) -> bool {
    crate::help::submit::allow_submit(state, ip).await
}

/// The order fields appear on the forms, for error lists.
const FIELD_ORDER: &[&str] = &[
    "unit_code",
    "title",
    "year",
    "category",
    "nominating_level",
    "quota",
    "nomination_deadline",
    "review_deadline",
    "notice_days",
    "display_name",
    "person_name",
    "members",
    "employer",
    "story",
    "household_id",
    "consent.given_by",
    "consent.method",
    "consent.date",
];

fn sorted(mut errors: Vec<FieldError>) -> AppError {
    errors.sort_by_key(|e| {
        FIELD_ORDER
            .iter()
            .position(|f| *f == e.field.as_ref())
            .unwrap_or(usize::MAX)
    });
    AppError::InvalidFields(errors)
}

/// A unit code of the actor's subtree, as a field error when it is not:
/// outside reads exactly like unknown.
async fn unit_field(
    state: &AppState,
    scope: Scope,
    code: &str,
    errors: &mut Vec<FieldError>,
) -> AppResult<Option<Unit>> {
    match UnitCode::parse(code.trim()) {
        Err(_) => {
            errors.push(FieldError::new("unit_code", "err.code.format"));
            Ok(None)
        }
        Ok(code) => match state.unit_in_scope(scope, &code).await {
            Ok(u) if u.active => Ok(Some(u)),
            Ok(_) => {
                errors.push(FieldError::new("unit_code", "err.unit.retired"));
                Ok(None)
            }
            Err(StoreError::NotFound) => {
                errors.push(FieldError::new("unit_code", "err.unit.unknown"));
                Ok(None)
            }
            Err(e) => Err(e.into()),
        },
    }
}

/// Issues a campaign: every field, the category against the dictionary
/// and the unit checked together.
pub async fn create_campaign(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    unit_code: &str,
    draft: &CampaignDraft,
) -> AppResult<CampaignId> {
    let mut errors = Vec::new();
    let fields = draft
        .validate(today(&state.config))
        .map_err(|e| errors.extend(e))
        .ok();
    if let Some(f) = &fields {
        let known = state.dictionary(CATEGORIES).await?;
        if !known.iter().any(|e| e.active && e.key == f.category) {
            errors.push(FieldError::new("category", "err.honour.category"));
        }
    }
    let unit = unit_field(state, actor.scope(), unit_code, &mut errors).await?;
    if let Some(u) = &unit
        && !jinguo_domain::honour::may_issue(u.level)
    {
        errors.push(FieldError::new("unit_code", "err.honour.issuer_level"));
    }
    let (Some(unit), Some(fields)) = (unit, fields) else {
        return Err(sorted(errors));
    };
    if !errors.is_empty() {
        return Err(sorted(errors));
    }
    Ok(state
        .store
        .create_campaign(
            actor.scope(),
            NewCampaign {
                unit: unit.id,
                fields,
                participants: None,
            },
            &who(actor, ip),
            now(),
        )
        .await?)
}

/// A nomination as sent: the unit, the fields and an optional household.
pub struct NominationInput {
    pub unit_code: String,
    pub draft: NominationDraft,
    pub household_id: Option<i64>,
}

/// Records a nomination in a campaign the actor sees (404 first), then
/// every field at once, then the workflow's rules (quota, deadline, level).
pub async fn nominate(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    campaign: CampaignId,
    input: &NominationInput,
) -> AppResult<NominationId> {
    let c = state
        .store
        .campaign_in_scope(actor.scope(), campaign)
        .await?;
    let mut errors = Vec::new();
    let fields = input
        .draft
        .validate(c.fields.subject, today(&state.config))
        .map_err(|e| errors.extend(e))
        .ok();
    let unit = unit_field(state, actor.scope(), &input.unit_code, &mut errors).await?;
    let household = match input.household_id {
        None => None,
        Some(n) if n > 0 => Some(HouseholdId::new(n)),
        Some(_) => {
            errors.push(FieldError::new("household_id", "err.honour.household"));
            None
        }
    };
    let (Some(unit), Some(fields)) = (unit, fields) else {
        return Err(sorted(errors));
    };
    if !errors.is_empty() {
        return Err(sorted(errors));
    }
    Ok(state
        .store
        .nominate(
            &c,
            NewNomination {
                unit: unit.id,
                fields,
                household,
            },
            today(&state.config),
            &who(actor, ip),
            now(),
        )
        .await?)
}

pub async fn open_nomination(
    state: &AppState,
    actor: &Actor,
    id: NominationId,
) -> AppResult<InScope<NominationRecord>> {
    Ok(state.store.nomination_in_scope(actor.scope(), id).await?)
}

pub async fn open_campaign(
    state: &AppState,
    actor: &Actor,
    id: CampaignId,
) -> AppResult<InScope<Campaign>> {
    Ok(state.store.campaign_in_scope(actor.scope(), id).await?)
}

/// The next level up recommends (the issuing unit: shortlists).
pub async fn recommend(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: NominationId,
) -> AppResult<jinguo_domain::honour::NominationStatus> {
    let n = open_nomination(state, actor, id).await?;
    Ok(state
        .store
        .recommend(&n, today(&state.config), &who(actor, ip), now())
        .await?)
}

pub async fn decline(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: NominationId,
    reason: &str,
) -> AppResult<()> {
    let n = open_nomination(state, actor, id).await?;
    let reason = parse_reason(reason).map_err(AppError::Invalid)?;
    Ok(state
        .store
        .decline(&n, &reason, today(&state.config), &who(actor, ip), now())
        .await?)
}

pub async fn start_notice(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CampaignId,
) -> AppResult<()> {
    let c = open_campaign(state, actor, id).await?;
    Ok(state
        .store
        .start_notice(&c, today(&state.config), &who(actor, ip), now())
        .await?)
}

pub async fn publish(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CampaignId,
) -> AppResult<()> {
    let c = open_campaign(state, actor, id).await?;
    Ok(state
        .store
        .publish(&c, today(&state.config), &who(actor, ip), now())
        .await?)
}

pub async fn decide(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: ObjectionId,
    upheld: Option<bool>,
    reason: &str,
) -> AppResult<()> {
    let o = state.store.objection_in_scope(actor.scope(), id).await?;
    let mut errors = Vec::new();
    if upheld.is_none() {
        errors.push(FieldError::new("upheld", "err.honour.upheld"));
    }
    let reason = parse_reason(reason).map_err(|e| errors.push(e)).ok();
    let (Some(upheld), Some(reason)) = (upheld, reason) else {
        return Err(AppError::InvalidFields(errors));
    };
    Ok(state
        .store
        .decide_objection(&o, upheld, &reason, &who(actor, ip), now())
        .await?)
}

/// An objection from the public page or API, after the rate limit and the
/// challenge: the text checked, then the store's rules (the notice runs,
/// the family is on it).
pub async fn lodge(
    state: &AppState,
    ip: Option<String>,
    campaign: CampaignId,
    nomination: Option<i64>,
    text: &str,
    contact: Option<&str>,
) -> AppResult<ObjectionId> {
    let mut errors = Vec::new();
    let nomination = match nomination {
        Some(n) if n > 0 => Some(NominationId::new(n)),
        _ => {
            errors.push(FieldError::new("nomination_id", "err.honour.not_on_notice"));
            None
        }
    };
    let parsed = parse_objection(text, contact)
        .map_err(|e| errors.extend(e))
        .ok();
    let (Some(nomination), Some((text, contact))) = (nomination, parsed) else {
        return Err(AppError::InvalidFields(errors));
    };
    let by = Who { user: None, ip };
    let id = state
        .store
        .lodge_objection(
            NewObjection {
                campaign,
                nomination,
                text,
                contact,
            },
            today(&state.config),
            &by,
            now(),
        )
        .await?;
    crate::help::submit::count_submit(state, by.ip.as_deref()).await;
    Ok(id)
}

/// An id from a path: anything but a positive integer is "not found".
pub fn parse_id(s: &str) -> AppResult<i64> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or(AppError::NotFound)
}

/// The catalogue key of a subject's name for the published entry.
pub fn subject_key(s: SubjectKind) -> &'static str {
    match s {
        SubjectKind::Family => "honour.subject.family",
        SubjectKind::Woman => "honour.subject.woman",
        SubjectKind::Collective => "honour.subject.collective",
    }
}
