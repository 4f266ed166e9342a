//! Honours over the API: campaigns, nominations and their steps, the
//! notice and publication, objections, a unit's honoured families, the
//! category dictionary, and the public notice (no login).

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jinguo_domain::honour::{
    CampaignDraft, CampaignId, CampaignStatus, NominationDraft, NominationId, NominationStatus,
    ObjectionId, ObjectionStatus, SubjectKind, nominating_level_name,
};
use jinguo_domain::household::ConsentInput;
use jinguo_domain::{FieldError, UnitCode};
use jinguo_store::honours::{
    CATEGORIES, Campaign, Honoured, Nomination, Objection, PublicCampaign, waiting_for,
};
use jinguo_store::model::{DictEntry, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::help::submit::{self as help_submit};
use crate::honours::{self, NominationInput, parse_id};
use crate::net::ClientIp;
use crate::routes::api::activities::Dictionary;
use crate::routes::api::openapi::{BadRequest, Conflict, HelpTooMany, Internal, Invalid, NotFound};
use crate::routes::api::units::{UnitCodePath, UnitPathStep};
use crate::routes::api::{ApiJson, ApiQuery, parse_code, unit_of};
use crate::state::AppState;

fn date(d: Option<time::Date>) -> Option<String> {
    d.map(jinguo_domain::activity::format_date)
}

/// A quota of a child unit taking part.
#[derive(Serialize, ToSchema)]
pub struct QuotaView {
    unit: UnitPathStep,
    /// How many nominations each unit of this branch may pass on.
    quota: i64,
}

/// An honour campaign (评选).
#[derive(Serialize, ToSchema)]
#[schema(as = HonourCampaign)]
pub struct CampaignView {
    id: CampaignId,
    /// The issuing unit.
    unit: UnitPathStep,
    title: String,
    /// The title in traditional Mongolian, shown before the Chinese on the public notice and
    /// the certificate; null when none was given.
    title_mn: Option<String>,
    year: i32,
    /// Key of the `honour-categories` dictionary.
    category: String,
    subject: SubjectKind,
    /// `village` or `township`.
    nominating_level: &'static str,
    quota: i64,
    /// `YYYY-MM-DD`, the last day nominations are taken.
    nomination_deadline: String,
    /// `YYYY-MM-DD`, the last day levels recommend or decline.
    review_deadline: String,
    notice_days: i64,
    status: CampaignStatus,
    notice_start: Option<String>,
    /// The last day of the notice.
    notice_end: Option<String>,
    published_on: Option<String>,
    /// The child units taking part (only on one campaign, empty in lists).
    quotas: Vec<QuotaView>,
}

impl From<&Campaign> for CampaignView {
    fn from(c: &Campaign) -> Self {
        let f = &c.fields;
        CampaignView {
            id: c.id,
            unit: UnitPathStep::from(&c.issuer),
            title: f.title.clone(),
            title_mn: f.title_mn.clone(),
            year: f.year,
            category: f.category.clone(),
            subject: f.subject,
            nominating_level: nominating_level_name(f.nominating_level),
            quota: f.quota,
            nomination_deadline: jinguo_domain::activity::format_date(f.nomination_deadline),
            review_deadline: jinguo_domain::activity::format_date(f.review_deadline),
            notice_days: f.notice_days,
            status: c.status,
            notice_start: date(c.notice_start),
            notice_end: date(c.notice_end),
            published_on: date(c.published_on),
            quotas: c
                .quotas
                .iter()
                .map(|(u, q)| QuotaView {
                    unit: UnitPathStep::from(u),
                    quota: *q,
                })
                .collect(),
        }
    }
}

/// The consent to publish, as recorded.
#[derive(Serialize, ToSchema)]
pub struct ConsentView {
    given_by: String,
    method: jinguo_domain::household::ConsentMethod,
    /// `YYYY-MM-DD`.
    date: String,
}

/// A nomination. The head of the family's or the woman's own name is sealed and not part of it.
#[derive(Serialize, ToSchema)]
#[schema(as = HonourNomination)]
pub struct NominationView {
    id: NominationId,
    campaign_id: CampaignId,
    /// The nominating unit.
    unit: UnitPathStep,
    /// The name as published: a family's (乌云其木格家庭), a collective's, or the one a woman
    /// agreed to.
    display_name: String,
    /// The published name in traditional Mongolian, shown before the Chinese on the public
    /// notice and the certificate; null when none was given.
    display_name_mn: Option<String>,
    members: Option<i64>,
    employer: Option<String>,
    story: String,
    household_id: Option<i64>,
    consent: ConsentView,
    status: NominationStatus,
    /// The unit whose step it waits for, while pending.
    waiting_for: Option<String>,
}

fn nomination_view(c: &Campaign, n: &Nomination, waiting: Option<String>) -> NominationView {
    let _ = c;
    NominationView {
        id: n.id,
        campaign_id: n.campaign_id,
        unit: UnitPathStep::from(&n.unit),
        display_name: n.display_name.clone(),
        display_name_mn: n.display_name_mn.clone(),
        members: n.members,
        employer: n.employer.clone(),
        story: n.story.clone(),
        household_id: n.household.map(|h| h.get()),
        consent: ConsentView {
            given_by: n.consent.given_by.clone(),
            method: n.consent.method,
            date: jinguo_domain::activity::format_date(n.consent.date),
        },
        status: n.status,
        waiting_for: waiting,
    }
}

/// An objection, for the issuing unit.
#[derive(Serialize, ToSchema)]
#[schema(as = HonourObjection)]
pub struct ObjectionView {
    id: ObjectionId,
    nomination_id: NominationId,
    display_name: String,
    text: String,
    contact: Option<String>,
    status: ObjectionStatus,
    reason: Option<String>,
}

impl From<&Objection> for ObjectionView {
    fn from(o: &Objection) -> Self {
        ObjectionView {
            id: o.id,
            nomination_id: o.nomination_id,
            display_name: o.display_name.clone(),
            text: o.text.clone(),
            contact: o.contact.clone(),
            status: o.status,
            reason: o.reason.clone(),
        }
    }
}

/// A campaign with the nominations and objections the caller may see.
#[derive(Serialize, ToSchema)]
pub struct CampaignDetail {
    #[serde(flatten)]
    campaign: CampaignView,
    /// The issuing side sees all; units below, those of their subtree.
    nominations: Vec<NominationView>,
    /// Only for the issuing side.
    objections: Vec<ObjectionView>,
}

/// The id of a new record.
#[derive(Serialize, ToSchema)]
pub struct HonourCreated {
    id: i64,
}

/// A nomination's status after a step.
#[derive(Serialize, ToSchema)]
pub struct HonourStepDone {
    status: NominationStatus,
}

/// A page of campaigns.
#[derive(Serialize, ToSchema)]
pub struct CampaignList {
    unit: UnitPathStep,
    limit: i64,
    offset: i64,
    campaigns: Vec<CampaignView>,
}

/// A campaign to issue. All violations are reported together (`422` with `fields`).
#[derive(Deserialize, ToSchema)]
#[schema(as = HonourCampaignInput)]
pub struct CampaignBody {
    /// The issuing unit: the region, a league or a banner of the caller's subtree (another
    /// level answers `422` with field `unit_code`; outside the subtree like an unknown unit).
    #[serde(default)]
    #[schema(value_type = UnitCode)]
    unit_code: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    title: String,
    /// The title in traditional Mongolian (optional, at most 100 characters): printed before the
    /// Chinese on the public notice and the certificate. A text without Mongolian letters
    /// (U+1800–U+18AF) answers `422` with field `title_mn` (`err.text.mongolian`).
    #[schema(max_length = 100, example = "ᠬᠠᠮᠤᠭ ᠤᠨ ᠰᠠᠶᠢᠬᠠᠨ ᠭᠡᠷ ᠪᠦᠯ")]
    title_mn: Option<String>,
    #[schema(minimum = 2000, maximum = 2100)]
    year: Option<i64>,
    /// An active key of `honour-categories`; its prefix gives the subject.
    #[serde(default)]
    #[schema(example = "family_most_beautiful")]
    category: String,
    /// `village` or `township`.
    #[serde(default)]
    #[schema(example = "village")]
    nominating_level: String,
    /// How many nominations each unit may pass on (1–100).
    #[schema(minimum = 1, maximum = 100)]
    quota: Option<i64>,
    /// `YYYY-MM-DD`, today or later.
    #[serde(default)]
    nomination_deadline: String,
    /// `YYYY-MM-DD`, on or after the nomination deadline.
    #[serde(default)]
    review_deadline: String,
    /// Days of the public notice, 1–30; 7 when absent.
    #[schema(minimum = 1, maximum = 30, default = 7)]
    notice_days: Option<i64>,
}

/// A nomination. For a family: `family_name`, `head_name`, `members`; for a woman: `name`
/// (sealed), `published_name` (defaults to `name`) and `employer`; for a collective: `name`.
/// `story` and `consent` always. All violations at once (`422` with `fields`; consent fields as
/// `consent.given_by`, `consent.method`, `consent.date`).
#[derive(Deserialize, ToSchema)]
#[schema(as = HonourNominationInput)]
pub struct NominationBody {
    /// The nominating unit: at the campaign's nominating level, in a branch taking part, in
    /// the caller's subtree.
    #[serde(default)]
    #[schema(value_type = UnitCode)]
    unit_code: String,
    #[schema(max_length = 50, example = "乌云其木格家庭")]
    family_name: Option<String>,
    /// Sealed at rest; never on a public page.
    #[schema(max_length = 50)]
    head_name: Option<String>,
    #[schema(max_length = 50)]
    name: Option<String>,
    #[schema(max_length = 50)]
    published_name: Option<String>,
    /// The published name (the family's, the woman's published name, the collective's) in
    /// traditional Mongolian, optional: printed before the Chinese on the public notice and the
    /// certificate. A text without Mongolian letters answers `422` with field
    /// `display_name_mn` (`err.text.mongolian`). The sealed name has no Mongolian counterpart.
    #[schema(max_length = 50)]
    display_name_mn: Option<String>,
    #[schema(minimum = 1, maximum = 50)]
    members: Option<i64>,
    #[schema(max_length = 100)]
    employer: Option<String>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    story: String,
    /// A household of the register, in the caller's subtree.
    household_id: Option<i64>,
    /// The consent to publish: no consent, no nomination.
    #[serde(default)]
    consent: ConsentInput,
    /// `YYYY-MM-DD` the consent was given, not in the future; today when absent.
    consent_date: Option<String>,
}

impl NominationBody {
    /// The draft for a campaign's subject.
    pub fn input(&self, subject: SubjectKind) -> NominationInput {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        let (display_name, person_name) = match subject {
            SubjectKind::Family => (s(&self.family_name), self.head_name.clone()),
            SubjectKind::Woman => (
                self.published_name
                    .clone()
                    .filter(|p| !p.trim().is_empty())
                    .unwrap_or_else(|| s(&self.name)),
                self.name.clone(),
            ),
            SubjectKind::Collective => (s(&self.name), None),
        };
        NominationInput {
            unit_code: self.unit_code.clone(),
            draft: NominationDraft {
                display_name,
                display_name_mn: self.display_name_mn.clone(),
                person_name,
                members: self.members,
                employer: self.employer.clone(),
                story: self.story.clone(),
                consent_given_by: self.consent.given_by.clone(),
                consent_method: self.consent.method.clone(),
                consent_date: self.consent_date.clone(),
            },
            household_id: self.household_id,
        }
    }
}

/// A reason.
#[derive(Deserialize, ToSchema)]
pub struct ReasonBody {
    #[serde(default)]
    #[schema(max_length = 500)]
    reason: String,
}

/// A decision on an objection.
#[derive(Deserialize, ToSchema)]
pub struct DecideBody {
    /// `true`: the family leaves the list; `false`: dismissed.
    upheld: Option<bool>,
    #[serde(default)]
    #[schema(max_length = 500)]
    reason: String,
}

/// `{id}` of a campaign.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CampaignPath {
    /// Anything but a positive integer answers `404`, like an unknown campaign or one the
    /// caller does not see.
    #[param(minimum = 1)]
    pub id: i64,
}

/// `{id}` of a nomination.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NominationPath {
    /// Anything but a positive integer answers `404`, like an unknown nomination or one the
    /// caller does not see.
    #[param(minimum = 1)]
    pub id: i64,
}

/// `{id}` of an objection.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ObjectionPath {
    /// Anything but a positive integer answers `404`; only the issuing side sees objections.
    #[param(minimum = 1)]
    pub id: i64,
}

/// `{campaign_id}` of a public notice.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NoticePath {
    /// A campaign on notice or published; any other answers `404`.
    #[param(minimum = 1)]
    pub campaign_id: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The unit whose campaigns to list (issued in its subtree, or above it with its branch
    /// taking part); the caller's own unit when absent. Malformed answers `400`, outside the
    /// subtree `404`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Only honours of campaigns of this year; all years when absent. Outside 2000–2100
    /// answers `422` with field `year`.
    year: Option<i64>,
}

/// `POST /api/v1/honours/campaigns`.
#[utoipa::path(
    post,
    path = "/api/v1/honours/campaigns",
    operation_id = "createHonourCampaign",
    tag = "honours",
    summary = "Issue an honour campaign",
    description = "Issues a campaign at a unit of the caller's subtree (region, league or \
                   banner). Every active child unit takes part with the quota. Audited \
                   (`honour.campaign_created`) in the same transaction.",
    request_body = CampaignBody,
    responses(
        (status = 201, description = "Issued.", body = HonourCreated),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create_campaign(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<CampaignBody>,
) -> AppResult<(StatusCode, Json<HonourCreated>)> {
    let draft = CampaignDraft {
        title: b.title,
        title_mn: b.title_mn,
        year: b.year,
        category: b.category,
        nominating_level: b.nominating_level,
        quota: b.quota,
        nomination_deadline: b.nomination_deadline,
        review_deadline: b.review_deadline,
        notice_days: b.notice_days,
    };
    let id = honours::create_campaign(&state, &actor, ip, &b.unit_code, &draft).await?;
    Ok((StatusCode::CREATED, Json(HonourCreated { id: id.get() })))
}

/// `GET /api/v1/honours/campaigns?unit=`.
#[utoipa::path(
    get,
    path = "/api/v1/honours/campaigns",
    operation_id = "listHonourCampaigns",
    tag = "honours",
    summary = "Campaigns of a unit",
    description = "Campaigns issued in the unit's subtree, and those issued above it in which \
                   its branch takes part, newest first.",
    params(ListQuery),
    responses(
        (status = 200, description = "The campaigns.", body = CampaignList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn list_campaigns(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<CampaignList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .campaigns_for(actor.scope(), &unit, page)
        .await?;
    Ok(Json(CampaignList {
        unit: UnitPathStep::of(&unit),
        limit: page.limit,
        offset: page.offset,
        campaigns: rows.iter().map(CampaignView::from).collect(),
    }))
}

/// `GET /api/v1/honours/campaigns/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/honours/campaigns/{id}",
    operation_id = "getHonourCampaign",
    tag = "honours",
    summary = "One campaign with its nominations",
    description = "For the issuing unit and those above it, and for the units of the branches \
                   taking part (they see their own subtree's nominations); `404` otherwise. The \
                   issuing side also gets the objections.",
    params(CampaignPath),
    responses(
        (status = 200, description = "The campaign.", body = CampaignDetail),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show_campaign(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<CampaignDetail>> {
    let c = honours::open_campaign(&state, &actor, CampaignId::new(parse_id(&id)?)).await?;
    let noms = state.store.nominations_of(&c).await?;
    let objections = state.store.objections_of(&c).await?;
    let mut views = Vec::with_capacity(noms.len());
    for n in &noms {
        let waiting = match waiting_for(&c, n) {
            Some(u) => Some(state.store.unit_by_id(u).await?.code.to_string()),
            None => None,
        };
        views.push(nomination_view(&c, n, waiting));
    }
    Ok(Json(CampaignDetail {
        campaign: CampaignView::from(&*c),
        nominations: views,
        objections: objections.iter().map(ObjectionView::from).collect(),
    }))
}

/// `POST /api/v1/honours/campaigns/{id}/nominations`.
#[utoipa::path(
    post,
    path = "/api/v1/honours/campaigns/{id}/nominations",
    operation_id = "createHonourNomination",
    tag = "honours",
    summary = "Nominate a family, a woman or a collective",
    description = "Records a nomination by a unit at the campaign's nominating level. The \
                   campaign must be visible (`404`); then every field is checked (`422`); then \
                   the workflow: the campaign open and the deadline not passed (`422`, fields \
                   `campaign` or `nomination_deadline`), the unit within its quota (`422`, \
                   `unit_code`, `err.honour.over_quota`). The name is sealed. Audited \
                   (`honour.nominated`).",
    params(CampaignPath),
    request_body = NominationBody,
    responses(
        (status = 201, description = "Proposed.", body = HonourCreated),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn nominate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NominationBody>,
) -> AppResult<(StatusCode, Json<HonourCreated>)> {
    let id = CampaignId::new(parse_id(&id)?);
    let c = honours::open_campaign(&state, &actor, id).await?;
    let input = b.input(c.fields.subject);
    let n = honours::nominate(&state, &actor, ip, id, &input).await?;
    Ok((StatusCode::CREATED, Json(HonourCreated { id: n.get() })))
}

/// `GET /api/v1/honours/nominations/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/honours/nominations/{id}",
    operation_id = "getHonourNomination",
    tag = "honours",
    summary = "One nomination",
    description = "For the issuing side and the units whose subtree holds the nominating unit; \
                   `404` otherwise.",
    params(NominationPath),
    responses(
        (status = 200, description = "The nomination.", body = NominationView),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show_nomination(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<NominationView>> {
    let r = honours::open_nomination(&state, &actor, NominationId::new(parse_id(&id)?)).await?;
    let waiting = match waiting_for(&r.campaign, &r.nomination) {
        Some(u) => Some(state.store.unit_by_id(u).await?.code.to_string()),
        None => None,
    };
    Ok(Json(nomination_view(&r.campaign, &r.nomination, waiting)))
}

/// `POST /api/v1/honours/nominations/{id}/recommend`.
#[utoipa::path(
    post,
    path = "/api/v1/honours/nominations/{id}/recommend",
    operation_id = "recommendHonourNomination",
    tag = "honours",
    summary = "Recommend a nomination to the next level (or shortlist it)",
    description = "Only the unit one level above the one that last acted, in the caller's own \
                   unit: nothing skips a level (`422`, field `nomination`, \
                   `err.honour.not_your_turn`). At the issuing unit the step is the shortlist. \
                   Within the quota and the review deadline. Audited.",
    params(NominationPath),
    responses(
        (status = 200, description = "Done.", body = HonourStepDone),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn recommend(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<HonourStepDone>> {
    let status = honours::recommend(&state, &actor, ip, NominationId::new(parse_id(&id)?)).await?;
    Ok(Json(HonourStepDone { status }))
}

/// `POST /api/v1/honours/nominations/{id}/decline`.
#[utoipa::path(
    post,
    path = "/api/v1/honours/nominations/{id}/decline",
    operation_id = "declineHonourNomination",
    tag = "honours",
    summary = "Decline a nomination with a reason",
    description = "By the same unit that could recommend it; the reason is required. Audited. \
                  ",
    params(NominationPath),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Declined.", body = HonourStepDone),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn decline(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> AppResult<Json<HonourStepDone>> {
    honours::decline(
        &state,
        &actor,
        ip,
        NominationId::new(parse_id(&id)?),
        &b.reason,
    )
    .await?;
    Ok(Json(HonourStepDone {
        status: NominationStatus::Declined,
    }))
}

/// The campaign after a step.
#[derive(Serialize, ToSchema)]
pub struct CampaignStepDone {
    status: CampaignStatus,
}

/// `POST /api/v1/honours/campaigns/{id}/notice`.
#[utoipa::path(
    post,
    path = "/api/v1/honours/campaigns/{id}/notice",
    operation_id = "startHonourNotice",
    tag = "honours",
    summary = "Put the shortlist on public notice",
    description = "The issuing unit only (`422`, field `campaign`, otherwise). From today for \
                   the campaign's notice days; needs at least one shortlisted nomination. \
                   Nominations and reviews end. Audited.",
    params(CampaignPath),
    responses(
        (status = 200, description = "On notice.", body = CampaignStepDone),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn notice(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<CampaignStepDone>> {
    honours::start_notice(&state, &actor, ip, CampaignId::new(parse_id(&id)?)).await?;
    Ok(Json(CampaignStepDone {
        status: CampaignStatus::Notice,
    }))
}

/// `POST /api/v1/honours/campaigns/{id}/publish`.
#[utoipa::path(
    post,
    path = "/api/v1/honours/campaigns/{id}/publish",
    operation_id = "publishHonourCampaign",
    tag = "honours",
    summary = "Publish the honours",
    description = "The issuing unit only, once the notice period is over (`422`, field \
                   `notice_end`) and no objection is open (`422`, field `objections`). The \
                   families on notice are honoured. Audited.",
    params(CampaignPath),
    responses(
        (status = 200, description = "Published.", body = CampaignStepDone),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn publish(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<CampaignStepDone>> {
    honours::publish(&state, &actor, ip, CampaignId::new(parse_id(&id)?)).await?;
    Ok(Json(CampaignStepDone {
        status: CampaignStatus::Published,
    }))
}

/// The decision recorded.
#[derive(Serialize, ToSchema)]
pub struct DecisionDone {
    status: ObjectionStatus,
}

/// `POST /api/v1/honours/objections/{id}/decide`.
#[utoipa::path(
    post,
    path = "/api/v1/honours/objections/{id}/decide",
    operation_id = "decideHonourObjection",
    tag = "honours",
    summary = "Decide an objection",
    description = "The issuing unit decides an open objection with a reason: upheld takes the \
                   family off the list, dismissed keeps it. Audited. Only the issuing side sees objections (`404`).",
    params(ObjectionPath),
    request_body = DecideBody,
    responses(
        (status = 200, description = "Decided.", body = DecisionDone),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn decide(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecideBody>,
) -> AppResult<Json<DecisionDone>> {
    let id = ObjectionId::new(parse_id(&id)?);
    honours::decide(&state, &actor, ip, id, b.upheld, &b.reason).await?;
    Ok(Json(DecisionDone {
        status: if b.upheld == Some(true) {
            ObjectionStatus::Upheld
        } else {
            ObjectionStatus::Dismissed
        },
    }))
}

/// An honour given in a unit's subtree.
#[derive(Serialize, ToSchema)]
pub struct HonouredView {
    nomination_id: NominationId,
    campaign_id: CampaignId,
    campaign_title: String,
    year: i32,
    category: String,
    subject: SubjectKind,
    display_name: String,
    unit: UnitPathStep,
    household_id: Option<i64>,
    published_on: Option<String>,
    /// The printable certificate page.
    certificate_url: String,
}

impl From<&Honoured> for HonouredView {
    fn from(h: &Honoured) -> Self {
        HonouredView {
            nomination_id: h.nomination_id,
            campaign_id: h.campaign_id,
            campaign_title: h.campaign_title.clone(),
            year: h.year,
            category: h.category.clone(),
            subject: h.subject,
            display_name: h.display_name.clone(),
            unit: UnitPathStep::from(&h.unit),
            household_id: h.household.map(|x| x.get()),
            published_on: date(h.published_on),
            certificate_url: certificate_url(h.campaign_id, h.nomination_id),
        }
    }
}

pub fn certificate_url(c: CampaignId, n: NominationId) -> String {
    format!("/public/honours/{}/certificates/{}", c.get(), n.get())
}

/// Honours of a unit's subtree.
#[derive(Serialize, ToSchema)]
pub struct HonouredList {
    unit: UnitPathStep,
    honours: Vec<HonouredView>,
}

/// `GET /api/v1/units/{code}/families?year=`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/families",
    operation_id = "listHonouredFamilies",
    tag = "honours",
    summary = "Honoured families (and women, collectives) of a unit",
    description = "Published honours whose nominating unit lies in the unit's subtree (of the \
                   caller's subtree, `404` otherwise), newest year first.",
    params(UnitCodePath, YearQuery),
    responses(
        (status = 200, description = "The honours.", body = HonouredList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn families(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> AppResult<Json<HonouredList>> {
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let year = match q.year {
        None => None,
        Some(y) if (2000..=2100).contains(&y) => Some(y as i32),
        Some(_) => {
            return Err(AppError::Invalid(FieldError::new(
                "year",
                "err.honour.year",
            )));
        }
    };
    let rows = state.store.honoured_in(actor.scope(), &unit, year).await?;
    Ok(Json(HonouredList {
        unit: UnitPathStep::of(&unit),
        honours: rows.iter().map(HonouredView::from).collect(),
    }))
}

/// `GET /api/v1/dictionaries/honour-categories`.
#[utoipa::path(
    get,
    path = "/api/v1/dictionaries/honour-categories",
    operation_id = "listHonourCategories",
    tag = "dictionaries",
    summary = "Honour categories",
    description = "Active entries by `sort`, then `key`. A key's prefix says what the category \
                   honours: `family_`, `woman_` or `collective_`. Public: the notice pages name \
                   them.",
    responses(
        (status = 200, description = "The dictionary.", body = Dictionary),
        (status = 500, response = Internal),
    ),
)]
pub async fn categories(State(state): State<AppState>) -> AppResult<Json<Dictionary>> {
    let entries = state.dictionary(CATEGORIES).await?;
    let active: Vec<DictEntry> = entries.iter().filter(|e| e.active).cloned().collect();
    Ok(Json(Dictionary { entries: active }))
}

/// A family (woman, collective) on a public notice or honours list: nothing personal.
#[derive(Serialize, ToSchema)]
pub struct PublicEntryView {
    nomination_id: NominationId,
    display_name: String,
    /// The published name in traditional Mongolian, shown before the Chinese; null when none.
    display_name_mn: Option<String>,
    members: Option<i64>,
    employer: Option<String>,
    story: String,
    /// Place names from the league down to the nominating unit.
    place: Vec<String>,
    status: NominationStatus,
    /// Once published.
    certificate_url: Option<String>,
}

/// A public notice or honours list.
#[derive(Serialize, ToSchema)]
pub struct PublicNotice {
    id: CampaignId,
    title: String,
    /// The title in traditional Mongolian, shown before the Chinese; null when none.
    title_mn: Option<String>,
    year: i32,
    category: String,
    subject: SubjectKind,
    /// The issuing unit's name.
    issuer: String,
    status: CampaignStatus,
    notice_start: Option<String>,
    notice_end: Option<String>,
    published_on: Option<String>,
    entries: Vec<PublicEntryView>,
}

fn public_view(p: &PublicCampaign) -> PublicNotice {
    PublicNotice {
        id: p.id,
        title: p.title.clone(),
        title_mn: p.title_mn.clone(),
        year: p.year,
        category: p.category.clone(),
        subject: p.subject,
        issuer: p.issuer.name.clone(),
        status: p.status,
        notice_start: date(p.notice_start),
        notice_end: date(p.notice_end),
        published_on: date(p.published_on),
        entries: p
            .entries
            .iter()
            .map(|e| PublicEntryView {
                nomination_id: e.nomination_id,
                display_name: e.display_name.clone(),
                display_name_mn: e.display_name_mn.clone(),
                members: e.members,
                employer: e.employer.clone(),
                story: e.story.clone(),
                place: e.place.clone(),
                status: e.status,
                certificate_url: (e.status == NominationStatus::Honoured)
                    .then(|| certificate_url(p.id, e.nomination_id)),
            })
            .collect(),
    }
}

/// Public notices and honours lists.
#[derive(Serialize, ToSchema)]
pub struct PublicNoticeList {
    notices: Vec<PublicNotice>,
}

/// `GET /api/v1/public/honours/notices`.
#[utoipa::path(
    get,
    path = "/api/v1/public/honours/notices",
    operation_id = "listHonourNotices",
    tag = "honours",
    summary = "Public notices and honours lists (no login)",
    description = "Campaigns on notice or published, newest first, without their entries.",
    responses(
        (status = 200, description = "The notices.", body = PublicNoticeList),
        (status = 500, response = Internal),
    ),
)]
pub async fn public_notices(State(state): State<AppState>) -> AppResult<Json<PublicNoticeList>> {
    let rows = state.store.public_campaigns(100).await?;
    Ok(Json(PublicNoticeList {
        notices: rows.iter().map(public_view).collect(),
    }))
}

/// `GET /api/v1/public/honours/notices/{campaign_id}`.
#[utoipa::path(
    get,
    path = "/api/v1/public/honours/notices/{campaign_id}",
    operation_id = "getHonourNotice",
    tag = "honours",
    summary = "One public notice or honours list (no login)",
    description = "During the notice: the families (women, collectives) on it; once published: \
                   the honoured. Published names, places and stories only; never a person's \
                   name, ID or phone. `404` for a campaign not on notice or published.",
    params(NoticePath),
    responses(
        (status = 200, description = "The notice.", body = PublicNotice),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn public_notice(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<PublicNotice>> {
    let p = state
        .store
        .public_campaign(CampaignId::new(parse_id(&id)?))
        .await?;
    Ok(Json(public_view(&p)))
}

/// An objection from the public, with the help page's challenge answered.
#[derive(Deserialize, ToSchema)]
#[schema(as = HonourObjectionInput)]
pub struct ObjectionBody {
    /// A nomination on this notice.
    nomination_id: Option<i64>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    text: String,
    /// Optional; sealed at rest.
    #[schema(max_length = 100)]
    contact: Option<String>,
    /// From `GET /api/v1/public/help/challenge`.
    #[serde(default)]
    challenge: String,
    /// The proof of work for the challenge.
    #[serde(default)]
    nonce: String,
}

/// The objection was received.
#[derive(Serialize, ToSchema)]
pub struct ObjectionReceived {
    received: bool,
}

/// `POST /api/v1/public/honours/notices/{campaign_id}/objections`.
#[utoipa::path(
    post,
    path = "/api/v1/public/honours/notices/{campaign_id}/objections",
    operation_id = "lodgeHonourObjection",
    tag = "honours",
    summary = "Lodge an objection (no login)",
    description = "While the notice runs, about a family (woman, collective) on it: text and an \
                   optional contact, sealed at rest. The help page's abuse control: the same \
                   per-address limits (`429`), a proof of work for a challenge from \
                   `GET /api/v1/public/help/challenge` (`422`, field `challenge` or `nonce`), \
                   bodies over 16 KB refused (`413`), links refused. `404` for a campaign not on \
                   notice; `422` with field `campaign` once the notice is over.",
    params(NoticePath),
    request_body = ObjectionBody,
    responses(
        (status = 201, description = "Received.", body = ObjectionReceived),
        (status = 404, response = NotFound),
        (status = 413, description = "The body is larger than 16 KB.", body = crate::routes::api::openapi::ErrorBody),
        (status = 422, response = Invalid),
        (status = 429, response = HelpTooMany),
        (status = 500, response = Internal),
    ),
)]
pub async fn lodge(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    body: Body,
) -> Response {
    if !honours::admit_public_submission(&state, ip.as_deref()).await {
        return help_submit::too_many();
    }
    let Ok(bytes) = to_bytes(body, help_submit::MAX_BODY).await else {
        return help_submit::too_large();
    };
    let campaign = match parse_id(&id) {
        Ok(n) => CampaignId::new(n),
        Err(e) => return e.into_response(),
    };
    // A campaign not on notice is missing before anything about the body.
    if let Err(e) = state.store.public_campaign(campaign).await {
        return AppError::from(e).into_response();
    }
    let b: ObjectionBody = match serde_json::from_slice(&bytes) {
        Ok(b) => b,
        Err(_) => {
            return AppError::Invalid(FieldError::new("request", "help.err.malformed"))
                .into_response();
        }
    };
    // Fields first, so a mistake does not use up the challenge.
    if let Err(e) = jinguo_domain::honour::parse_objection(&b.text, b.contact.as_deref()) {
        return AppError::InvalidFields(e).into_response();
    }
    if let Err(e) = super::web::check_challenge(&state, &b.challenge, Some(&b.nonce), None) {
        return AppError::Invalid(e).into_response();
    }
    match honours::lodge(
        &state,
        ip,
        campaign,
        b.nomination_id,
        &b.text,
        b.contact.as_deref(),
    )
    .await
    {
        Ok(_) => (
            StatusCode::CREATED,
            Json(ObjectionReceived { received: true }),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
