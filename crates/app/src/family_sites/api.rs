//! Family-education services over the API: sites (register, list, read,
//! change, coverage), the guidance sessions held at a site, and the
//! counsellors' roster.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::activity::format_date;
use jinguo_domain::family_site::{
    CounsellorDraft, CounsellorId, FamilySiteId, SiteDraft, SiteKind,
};
use jinguo_domain::home::HomeStatus;
use jinguo_domain::{ActivityDraft, ActivityId, UnitCode};
use jinguo_store::family_sites::audiences::AUDIENCES;
use jinguo_store::family_sites::{Counsellor, Coverage, FamilySite};
use jinguo_store::model::DictEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::family_sites::list::SiteParams;
use crate::family_sites::{self as fs, parse_counsellor_id, parse_site_id};
use crate::net::ClientIp;
use crate::routes::api::activities::{ActivityView, Dictionary};
use crate::routes::api::openapi::{BadRequest, Conflict, Internal, Invalid, NotFound};
use crate::routes::api::units::{UnitCodePath, UnitPathStep};
use crate::routes::api::{ApiJson, ApiQuery, parse_code, unit_of};
use crate::state::AppState;

/// A family-education service site.
#[derive(Serialize, ToSchema)]
#[schema(as = FamilySite)]
pub struct SiteView {
    id: FamilySiteId,
    unit: UnitPathStep,
    kind: SiteKind,
    name: String,
    address: String,
    status: HomeStatus,
    /// `YYYY-MM-DD`, if known.
    #[schema(format = Date)]
    established_on: Option<String>,
    /// Guidance sessions recorded at the site.
    sessions: i64,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds.
    updated_at: i64,
}

impl From<&FamilySite> for SiteView {
    fn from(s: &FamilySite) -> Self {
        let f = &s.fields;
        SiteView {
            id: s.id,
            unit: UnitPathStep::from(&s.unit),
            kind: f.kind,
            name: f.name.clone(),
            address: f.address.clone(),
            status: f.status,
            established_on: f.established_on.map(format_date),
            sessions: s.sessions,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// The id of a new site.
#[derive(Serialize, ToSchema)]
pub struct FamilySiteCreated {
    id: FamilySiteId,
}

/// A page of a subtree's sites, newest first.
#[derive(Serialize, ToSchema)]
pub struct FamilySiteList {
    unit: UnitPathStep,
    sites: Vec<SiteView>,
    /// Pass as `before` for the next page; null on the last.
    next_before: Option<i64>,
}

/// Site numbers of a subtree, read from counters kept on every write.
#[derive(Serialize, ToSchema)]
pub struct FamilySiteCoverageNumbers {
    /// Active sites in the subtree.
    active_sites: i64,
    /// Active geographic villages and communities (level 5) in the subtree.
    villages: i64,
    /// Of those, villages with at least one active site.
    covered_villages: i64,
    /// covered_villages / villages in percent, one decimal; null without villages.
    coverage_pct: Option<f64>,
}

impl From<&Coverage> for FamilySiteCoverageNumbers {
    fn from(c: &Coverage) -> Self {
        FamilySiteCoverageNumbers {
            active_sites: c.active,
            villages: c.villages,
            covered_villages: c.covered_villages,
            coverage_pct: c.coverage_pct(),
        }
    }
}

/// A child unit's site coverage.
#[derive(Serialize, ToSchema)]
pub struct FamilySiteCoverageChild {
    unit: UnitPathStep,
    #[serde(flatten)]
    numbers: FamilySiteCoverageNumbers,
}

/// The site coverage of a unit and of each active child.
#[derive(Serialize, ToSchema)]
pub struct FamilySiteCoverage {
    unit: UnitPathStep,
    #[serde(flatten)]
    numbers: FamilySiteCoverageNumbers,
    children: Vec<FamilySiteCoverageChild>,
}

/// The `{id}` of a site's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FamilySiteIdPath {
    /// Id of a site. Anything but a positive integer answers `404`, like an unknown site or one
    /// outside the caller's subtree.
    #[param(minimum = 1)]
    pub id: i64,
}

/// A site as registered or changed. Every field is checked and all violations are reported
/// together: `422` with `fields` mapping each offending field to its message, in the order
/// unit_code, kind, name, address, status, established_on.
#[derive(Deserialize, ToSchema)]
#[schema(as = FamilySiteInput)]
pub struct SiteBody {
    /// An active unit of the caller's subtree. A unit outside the subtree answers the same `422`
    /// as an unknown one.
    #[schema(value_type = UnitCode)]
    unit_code: String,
    #[schema(value_type = SiteKind)]
    kind: String,
    #[schema(max_length = 100)]
    name: String,
    #[schema(max_length = 200)]
    address: String,
    /// `active` when absent on creation; on a change, absent keeps the current status. Only
    /// active sites count as coverage.
    #[schema(value_type = Option<HomeStatus>)]
    status: Option<String>,
    /// `YYYY-MM-DD`, not in the future.
    #[schema(format = Date)]
    established_on: Option<String>,
}

impl SiteBody {
    fn draft(&self) -> SiteDraft {
        SiteDraft {
            kind: self.kind.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
            status: self.status.clone(),
            established_on: self.established_on.clone(),
        }
    }
}

/// `POST /api/v1/family-sites`.
#[utoipa::path(
    post,
    path = "/api/v1/family-sites",
    operation_id = "createFamilySite",
    tag = "family-sites",
    summary = "Register a family-education service site",
    description = "Registers a site (家长学校, 指导服务站/点, 儿童之家) at an active unit of the \
                   caller's subtree; its coverage counters change in the same transaction. \
                   Recorded in the audit log (`fsite.created`).",
    request_body = SiteBody,
    responses(
        (status = 201, description = "Registered.", body = FamilySiteCreated),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<SiteBody>,
) -> AppResult<(StatusCode, Json<FamilySiteCreated>)> {
    let id = fs::create_site(&state, &actor, ip, &b.unit_code, &b.draft()).await?;
    Ok((StatusCode::CREATED, Json(FamilySiteCreated { id })))
}

/// `GET /api/v1/family-sites/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/family-sites/{id}",
    operation_id = "getFamilySite",
    tag = "family-sites",
    summary = "One family-education site",
    description = "A site of the caller's subtree (otherwise `404`, exactly like an unknown site).",
    params(FamilySiteIdPath),
    responses(
        (status = 200, description = "The site.", body = SiteView),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<SiteView>> {
    let s = state
        .store
        .site_in_scope(actor.scope(), parse_site_id(&id)?)
        .await?;
    Ok(Json(SiteView::from(&*s)))
}

/// `PUT /api/v1/family-sites/{id}`.
#[utoipa::path(
    put,
    path = "/api/v1/family-sites/{id}",
    operation_id = "updateFamilySite",
    tag = "family-sites",
    summary = "Change a family-education site",
    description = "Replaces every field of a site of the caller's subtree (otherwise `404`, \
                   checked before the fields); `established_on` left out is cleared, `status` \
                   left out is kept. A `unit_code` other than the current one moves the site, and \
                   its coverage, to that unit of the subtree. `409` with field `site_changed` \
                   when someone else changed it at the same time. Recorded in the audit log \
                   (`fsite.updated`).",
    params(FamilySiteIdPath),
    request_body = SiteBody,
    responses(
        (status = 200, description = "The site after the change.", body = SiteView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SiteBody>,
) -> AppResult<Json<SiteView>> {
    let s = fs::update_site(
        &state,
        &actor,
        ip,
        parse_site_id(&id)?,
        &b.unit_code,
        &b.draft(),
    )
    .await?;
    Ok(Json(SiteView::from(&s)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SiteListQuery {
    /// Code of the unit whose subtree to list; defaults to the caller's unit. A malformed code
    /// answers `400`; a unit outside the subtree `404`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Part of a site's name or address.
    q: Option<String>,
    /// Only sites of this kind; anything else answers `422` with field `kind`.
    #[param(value_type = Option<SiteKind>, inline)]
    kind: Option<String>,
    /// Only sites of this status; anything else answers `422` with field `status`.
    #[param(value_type = Option<HomeStatus>, inline)]
    status: Option<String>,
    /// Keyset paging: only sites with a smaller id (`next_before` of the previous page).
    before: Option<i64>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
}

/// `GET /api/v1/family-sites?unit=&q=&kind=&status=`.
#[utoipa::path(
    get,
    path = "/api/v1/family-sites",
    operation_id = "listFamilySites",
    tag = "family-sites",
    summary = "Family-education sites of a subtree",
    description = "The sites of a unit's subtree (the caller's own unit when `unit` is absent), \
                   searched and filtered, newest first, paged by id.",
    params(SiteListQuery),
    responses(
        (status = 200, description = "The sites.", body = FamilySiteList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<SiteListQuery>,
) -> AppResult<Json<FamilySiteList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let params = SiteParams {
        q: q.q,
        kind: q.kind,
        status: q.status,
    };
    let mut filter = params.parse().map_err(AppError::InvalidFields)?;
    filter.before = q.before;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let mut rows = state
        .store
        .sites_filtered(actor.scope(), &unit, &filter, limit + 1)
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok(Json(FamilySiteList {
        unit: UnitPathStep::of(&unit),
        next_before: more.then(|| rows.last().map(|s| s.id.get())).flatten(),
        sites: rows.iter().map(SiteView::from).collect(),
    }))
}

/// `GET /api/v1/units/{code}/family-sites/coverage`: from the counters.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/family-sites/coverage",
    operation_id = "getFamilySiteCoverage",
    tag = "family-sites",
    summary = "Family-education site coverage",
    description = "Active sites and the share of villages and communities with at least one \
                   active site, for a unit of the caller's subtree (otherwise `404`) and each of \
                   its active children.",
    params(UnitCodePath),
    responses(
        (status = 200, description = "The coverage.", body = FamilySiteCoverage),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
) -> AppResult<Json<FamilySiteCoverage>> {
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let cov = state.store.site_coverage(actor.scope(), &unit).await?;
    Ok(Json(FamilySiteCoverage {
        unit: UnitPathStep::from(&cov.unit),
        numbers: FamilySiteCoverageNumbers::from(&cov.counts),
        children: cov
            .children
            .iter()
            .map(|(u, c)| FamilySiteCoverageChild {
                unit: UnitPathStep::from(u),
                numbers: FamilySiteCoverageNumbers::from(c),
            })
            .collect(),
    }))
}

/// The guidance sessions held at a site.
#[derive(Serialize, ToSchema)]
pub struct FamilySiteSessions {
    site: FamilySiteId,
    /// Newest first, at most 500.
    sessions: Vec<ActivityView>,
}

/// `GET /api/v1/family-sites/{id}/sessions`.
#[utoipa::path(
    get,
    path = "/api/v1/family-sites/{id}/sessions",
    operation_id = "listFamilySiteSessions",
    tag = "family-sites",
    summary = "Guidance sessions held at a site",
    description = "The activities recorded as sessions of a site of the caller's subtree \
                   (otherwise `404`), newest first.",
    params(FamilySiteIdPath),
    responses(
        (status = 200, description = "The sessions.", body = FamilySiteSessions),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn sessions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<FamilySiteSessions>> {
    let site = state
        .store
        .site_in_scope(actor.scope(), parse_site_id(&id)?)
        .await?;
    let rows = state.store.sessions_of(&site, 500).await?;
    Ok(Json(FamilySiteSessions {
        site: site.id,
        sessions: rows.iter().map(ActivityView::from).collect(),
    }))
}

/// A guidance session to record at a site: an activity of the site's unit. Checked like every
/// activity; all violations are reported together (`422`).
#[derive(Deserialize, ToSchema)]
#[schema(as = FamilySessionInput)]
pub struct SessionBody {
    /// `YYYY-MM-DD`: not after today and not before 2000.
    #[schema(format = Date, example = "2026-11-20")]
    date: String,
    /// `family_education` (家庭教育指导, the default) or `send_family_edu` (送家教); any other
    /// type answers `422` with field `type`.
    #[serde(rename = "type", default)]
    type_key: String,
    /// Key of the programme dictionary, if any.
    program: Option<String>,
    #[schema(max_length = 100)]
    title: String,
    #[schema(max_length = 100)]
    place: Option<String>,
    #[schema(minimum = 0, maximum = 100000)]
    participants: Option<i64>,
    #[schema(minimum = 0)]
    women: Option<i64>,
    #[schema(max_length = 2000)]
    summary: Option<String>,
}

/// The id of the activity recorded as a session.
#[derive(Serialize, ToSchema)]
pub struct FamilySessionCreated {
    id: ActivityId,
}

/// `POST /api/v1/family-sites/{id}/sessions`.
#[utoipa::path(
    post,
    path = "/api/v1/family-sites/{id}/sessions",
    operation_id = "recordFamilySiteSession",
    tag = "family-sites",
    summary = "Record a guidance session at a site",
    description = "Records an activity of a session type at the site's unit, linked to the site: \
                   it counts in every activity roll-up, in one transaction with the link and the \
                   site's session count. The site must be in the caller's subtree (otherwise \
                   `404`). Recorded in the audit log (`fsite.session_recorded`).",
    params(FamilySiteIdPath),
    request_body = SessionBody,
    responses(
        (status = 201, description = "Recorded.", body = FamilySessionCreated),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn record_session(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SessionBody>,
) -> AppResult<(StatusCode, Json<FamilySessionCreated>)> {
    let draft = ActivityDraft {
        date: b.date,
        type_key: b.type_key,
        program_key: b.program,
        title: b.title,
        title_mn: None,
        place: b.place,
        participants: b.participants,
        women: b.women,
        summary: b.summary,
    };
    let id = fs::record_session(&state, &actor, ip, parse_site_id(&id)?, &draft).await?;
    Ok((StatusCode::CREATED, Json(FamilySessionCreated { id })))
}

/// A volunteer family-education counsellor (指导师).
#[derive(Serialize, ToSchema)]
#[schema(as = FamilyCounsellor)]
pub struct CounsellorView {
    id: CounsellorId,
    /// The unit whose roster holds her.
    unit: UnitPathStep,
    /// Her name: personal data, sealed at rest.
    name: String,
    qualification: Option<String>,
    /// The sites she serves.
    sites: Vec<CounsellorSite>,
    /// Unix seconds.
    updated_at: i64,
}

/// A site a counsellor serves.
#[derive(Serialize, ToSchema)]
pub struct CounsellorSite {
    id: FamilySiteId,
    name: String,
}

impl From<&Counsellor> for CounsellorView {
    fn from(c: &Counsellor) -> Self {
        CounsellorView {
            id: c.id,
            unit: UnitPathStep::from(&c.unit),
            name: c.name.clone(),
            qualification: c.qualification.clone(),
            sites: c
                .sites
                .iter()
                .map(|(id, name)| CounsellorSite {
                    id: *id,
                    name: name.clone(),
                })
                .collect(),
            updated_at: c.updated_at,
        }
    }
}

/// The roster of a subtree or of one site.
#[derive(Serialize, ToSchema)]
pub struct FamilyCounsellorList {
    unit: UnitPathStep,
    counsellors: Vec<CounsellorView>,
}

/// The id of a new counsellor.
#[derive(Serialize, ToSchema)]
pub struct FamilyCounsellorCreated {
    id: CounsellorId,
}

/// A counsellor as added or changed; all violations are reported together (`422`), in the order
/// unit_code, name, qualification, sites.
#[derive(Deserialize, ToSchema)]
#[schema(as = FamilyCounsellorInput)]
pub struct CounsellorBody {
    /// The unit whose roster holds her: an active unit of the caller's subtree. Required when
    /// adding; ignored on a change (the roster unit stays).
    #[schema(value_type = Option<UnitCode>)]
    unit_code: Option<String>,
    #[schema(max_length = 50)]
    name: String,
    /// Her qualification (e.g. 家庭教育指导师（中级）).
    #[schema(max_length = 100)]
    qualification: Option<String>,
    /// Ids of the sites she serves, each a site of the caller's subtree (otherwise `422` with
    /// field `sites`); duplicates are dropped.
    #[serde(default)]
    #[schema(max_items = 20)]
    sites: Vec<i64>,
}

impl CounsellorBody {
    fn draft(&self) -> CounsellorDraft {
        CounsellorDraft {
            name: self.name.clone(),
            qualification: self.qualification.clone().unwrap_or_default(),
            sites: self.sites.clone(),
        }
    }
}

/// The `{id}` of a counsellor's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CounsellorIdPath {
    /// Id of a counsellor; anything but a positive integer answers `404`.
    #[param(minimum = 1)]
    pub id: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CounsellorListQuery {
    /// Code of the unit whose subtree's roster to list; defaults to the caller's unit.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Only the counsellors serving this site (of the caller's subtree, otherwise `404`).
    site: Option<i64>,
}

/// `GET /api/v1/family-counsellors?unit=&site=`.
#[utoipa::path(
    get,
    path = "/api/v1/family-counsellors",
    operation_id = "listFamilyCounsellors",
    tag = "family-sites",
    summary = "The counsellors' roster",
    description = "The counsellors on the rosters of a unit's subtree, or those serving one site, \
                   newest first. Their names are personal data: for callers who may read it.",
    params(CounsellorListQuery),
    responses(
        (status = 200, description = "The roster.", body = FamilyCounsellorList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn counsellors(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<CounsellorListQuery>,
) -> AppResult<Json<FamilyCounsellorList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let site = match q.site {
        Some(s) => Some(
            state
                .store
                .site_in_scope(actor.scope(), FamilySiteId::new(s))
                .await?
                .id,
        ),
        None => None,
    };
    let rows = state
        .store
        .counsellors_under(actor.scope(), &unit, site, 500)
        .await?;
    Ok(Json(FamilyCounsellorList {
        unit: UnitPathStep::of(&unit),
        counsellors: rows.iter().map(CounsellorView::from).collect(),
    }))
}

/// `POST /api/v1/family-counsellors`.
#[utoipa::path(
    post,
    path = "/api/v1/family-counsellors",
    operation_id = "createFamilyCounsellor",
    tag = "family-sites",
    summary = "Add a counsellor to a roster",
    description = "Adds a counsellor to the roster of an active unit of the caller's subtree, her \
                   name sealed. Recorded in the audit log (`fsite.counsellor_created`) without \
                   her name.",
    request_body = CounsellorBody,
    responses(
        (status = 201, description = "Added.", body = FamilyCounsellorCreated),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create_counsellor(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<CounsellorBody>,
) -> AppResult<(StatusCode, Json<FamilyCounsellorCreated>)> {
    let id = fs::create_counsellor(
        &state,
        &actor,
        ip,
        b.unit_code.as_deref().unwrap_or(""),
        &b.draft(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(FamilyCounsellorCreated { id })))
}

/// `GET /api/v1/family-counsellors/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/family-counsellors/{id}",
    operation_id = "getFamilyCounsellor",
    tag = "family-sites",
    summary = "One counsellor",
    description = "A counsellor on a roster of the caller's subtree (otherwise `404`).",
    params(CounsellorIdPath),
    responses(
        (status = 200, description = "The counsellor.", body = CounsellorView),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show_counsellor(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<CounsellorView>> {
    let c = state
        .store
        .counsellor_in_scope(actor.scope(), parse_counsellor_id(&id)?)
        .await?;
    Ok(Json(CounsellorView::from(&*c)))
}

/// `PUT /api/v1/family-counsellors/{id}`.
#[utoipa::path(
    put,
    path = "/api/v1/family-counsellors/{id}",
    operation_id = "updateFamilyCounsellor",
    tag = "family-sites",
    summary = "Change a counsellor",
    description = "Replaces the name, qualification and sites of a counsellor of the caller's \
                   subtree (otherwise `404`, checked before the fields). `409` with field \
                   `counsellor_changed` when someone else changed her at the same time. Recorded \
                   in the audit log (`fsite.counsellor_updated`).",
    params(CounsellorIdPath),
    request_body = CounsellorBody,
    responses(
        (status = 200, description = "The counsellor after the change.", body = CounsellorView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn update_counsellor(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CounsellorBody>,
) -> AppResult<Json<CounsellorView>> {
    let c =
        fs::update_counsellor(&state, &actor, ip, parse_counsellor_id(&id)?, &b.draft()).await?;
    Ok(Json(CounsellorView::from(&c)))
}

/// `GET /api/v1/dictionaries/activity-audiences`.
#[utoipa::path(
    get,
    path = "/api/v1/dictionaries/activity-audiences",
    operation_id = "listActivityAudiences",
    tag = "dictionaries",
    summary = "Audiences of activities",
    description = "Active entries of the dictionary of whom an activity reached (women, families, \
                   women cadres, cadres' spouses, cadres' families, children …), by `sort`, then \
                   `key`; the `audiences` of an activity are its keys. Region admins edit it.",
    responses(
        (status = 200, description = "The dictionary.", body = Dictionary),
        (status = 500, response = Internal),
    ),
)]
pub async fn audiences(State(state): State<AppState>) -> AppResult<Json<Dictionary>> {
    let entries = state.dictionary(AUDIENCES).await?;
    let active: Vec<DictEntry> = entries.iter().filter(|e| e.active).cloned().collect();
    Ok(Json(Dictionary { entries: active }))
}
