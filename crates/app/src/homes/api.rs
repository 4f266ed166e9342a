//! Women's Homes over the API: register, list, read, change, coverage, the
//! photo, and the facility dictionary (public: the help page shows it).

use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use jinguo_domain::home::{HomeDraft, HomeStatus};
use jinguo_domain::{HomeId, UnitCode};
use jinguo_store::homes::{CoverageCounts, FACILITIES, Home};
use jinguo_store::model::{DictEntry, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::homes::{self, PhotoPick, parse_id};
use crate::net::ClientIp;
use crate::photos::check::MAX_PHOTO_BYTES;
use crate::photos::upload::photos_only;
use crate::routes::api::activities::Dictionary;
use crate::routes::api::openapi::{BadRequest, Conflict, Internal, Invalid, NotFound};
use crate::routes::api::units::{UnitCodePath, UnitPathStep};
use crate::routes::api::{ApiJson, ApiQuery, parse_code, unit_of};
use crate::state::AppState;

/// A Women's Home.
#[derive(Serialize, ToSchema)]
#[schema(as = Home)]
pub struct HomeView {
    id: HomeId,
    unit: UnitPathStep,
    name: String,
    /// The name in traditional Mongolian, shown with the Chinese on the Mongolian help page;
    /// null when none was given.
    name_mn: Option<String>,
    address: String,
    /// Latitude in degrees (WGS 84), if known.
    lat: Option<f64>,
    /// Longitude in degrees (WGS 84), if known.
    lon: Option<f64>,
    /// Opening hours as free text.
    hours: Option<String>,
    /// The home's public phone in canonical form.
    phone: Option<String>,
    /// Keys of the `home-facilities` dictionary.
    facilities: Vec<String>,
    status: HomeStatus,
    /// Where the photo is, when the home has one.
    photo_url: Option<String>,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds.
    updated_at: i64,
}

impl From<&Home> for HomeView {
    fn from(h: &Home) -> Self {
        let f = &h.fields;
        HomeView {
            id: h.id,
            unit: UnitPathStep::from(&h.unit),
            name: f.name.clone(),
            name_mn: f.name_mn.clone(),
            address: f.address.clone(),
            lat: f.coords.map(|c| c.lat()),
            lon: f.coords.map(|c| c.lon()),
            hours: f.hours.clone(),
            phone: f.phone.as_ref().map(|p| p.as_str().to_owned()),
            facilities: f.facilities.clone(),
            status: f.status,
            photo_url: h.photo.as_ref().map(|_| photo_url(h.id)),
            created_at: h.created_at,
            updated_at: h.updated_at,
        }
    }
}

fn photo_url(id: HomeId) -> String {
    format!("/api/v1/homes/{}/photo", id.get())
}

/// The id of a new home.
#[derive(Serialize, ToSchema)]
pub struct HomeCreated {
    id: HomeId,
}

/// A page of a subtree's homes.
#[derive(Serialize, ToSchema)]
pub struct HomeList {
    unit: UnitPathStep,
    /// Page size after clamping.
    limit: i64,
    /// Entries skipped, after clamping.
    offset: i64,
    homes: Vec<HomeView>,
}

/// Home numbers of a subtree, read from counters kept on every write.
#[derive(Serialize, ToSchema)]
pub struct CoverageNumbers {
    /// Active homes in the subtree.
    active_homes: i64,
    /// Active geographic villages (level 5) in the subtree.
    villages: i64,
    /// Of those, villages with at least one active home.
    covered_villages: i64,
    /// covered_villages / villages in percent, one decimal; null without villages.
    coverage_pct: Option<f64>,
}

impl From<&CoverageCounts> for CoverageNumbers {
    fn from(c: &CoverageCounts) -> Self {
        CoverageNumbers {
            active_homes: c.active_homes,
            villages: c.villages,
            covered_villages: c.covered_villages,
            coverage_pct: c.coverage_pct(),
        }
    }
}

/// A child unit's coverage.
#[derive(Serialize, ToSchema)]
pub struct HomeCoverageChild {
    unit: UnitPathStep,
    #[serde(flatten)]
    numbers: CoverageNumbers,
}

/// The coverage of a unit and of each active child.
#[derive(Serialize, ToSchema)]
pub struct HomeCoverage {
    unit: UnitPathStep,
    #[serde(flatten)]
    numbers: CoverageNumbers,
    children: Vec<HomeCoverageChild>,
}

/// The photo just stored.
#[derive(Serialize, ToSchema)]
pub struct HomePhotoSet {
    photo_url: String,
}

/// The multipart body of a photo upload.
pub struct HomePhotoUpload;
jinguo_domain::schema_component!(
    HomePhotoUpload,
    "HomePhotoUpload",
    crate::routes::api::openapi::file_parts(
        "photo",
        "Exactly one `photo` part: a JPEG or PNG of at most 5 MB, the type read from the bytes. \
         More than one answers `422` with field `photo`.",
        1,
    )
);

/// The `{id}` of a home's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct HomeIdPath {
    /// Id of a Women's Home. Anything but a positive integer answers `404`, like an unknown home
    /// or one outside the caller's subtree.
    #[param(minimum = 1)]
    pub id: i64,
}

/// A Women's Home as registered or changed. Every field is checked and all violations are
/// reported together: `422` with `fields` mapping each offending field to its message and
/// `field` naming the first, in the order unit_code, name, name_mn, address, lat, lon, hours, phone,
/// facilities, status.
#[derive(Deserialize, ToSchema)]
#[schema(as = HomeInput)]
pub struct HomeBody {
    /// An active unit of the caller's subtree, geographic or a sector organisation. A unit
    /// outside the subtree answers the same `422` as an unknown one.
    #[schema(value_type = UnitCode)]
    unit_code: String,
    #[schema(max_length = 100)]
    name: String,
    /// The name in traditional Mongolian (optional, at most 100 characters), shown with the
    /// Chinese name on the Mongolian help page. A text without Mongolian letters
    /// (U+1800–U+18AF) answers `422` with field `name_mn` (`err.text.mongolian`). On a change,
    /// absent or empty clears it, like `hours`.
    #[serde(default)]
    #[schema(max_length = 100)]
    name_mn: Option<String>,
    #[schema(max_length = 200)]
    address: String,
    /// Latitude in degrees (WGS 84), stored to a millionth of a degree. Given together with
    /// `lon` or not at all; outside 37–54 (Inner Mongolia with a margin) answers `422`.
    #[schema(minimum = 37, maximum = 54)]
    lat: Option<f64>,
    /// Longitude in degrees (WGS 84); outside 97–127 answers `422`.
    #[schema(minimum = 97, maximum = 127)]
    lon: Option<f64>,
    /// Opening hours as free text.
    #[schema(max_length = 100)]
    hours: Option<String>,
    /// The home's public phone: a mainland mobile or a landline with area code, stored in
    /// canonical form (`13812345678`, `0479-8221234`). Shown in full: it is the home's, not a
    /// person's.
    phone: Option<String>,
    /// Keys of active entries of the `home-facilities` dictionary; duplicates are dropped.
    #[serde(default)]
    #[schema(max_items = 30)]
    facilities: Vec<String>,
    /// `active` when absent on creation; on a change, absent keeps the current status.
    #[schema(value_type = Option<HomeStatus>)]
    status: Option<String>,
}

impl HomeBody {
    fn draft(&self) -> HomeDraft {
        HomeDraft {
            name: self.name.clone(),
            name_mn: self.name_mn.clone(),
            address: self.address.clone(),
            lat: self.lat,
            lon: self.lon,
            hours: self.hours.clone(),
            phone: self.phone.clone(),
            facilities: self.facilities.clone(),
            status: self.status.clone(),
        }
    }
}

/// `POST /api/v1/homes`.
#[utoipa::path(
    post,
    path = "/api/v1/homes",
    operation_id = "createHome",
    tag = "homes",
    summary = "Register a Women's Home",
    description = "Registers a home at an active unit of the caller's subtree; its coverage \
                   counters change in the same transaction. Recorded in the audit log \
                   (`home.created`).",
    request_body = HomeBody,
    responses(
        (status = 201, description = "Registered.", body = HomeCreated),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<HomeBody>,
) -> AppResult<(StatusCode, Json<HomeCreated>)> {
    let id = homes::create(
        &state,
        &actor,
        ip,
        &b.unit_code,
        &b.draft(),
        PhotoPick::default(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(HomeCreated { id })))
}

/// `GET /api/v1/homes/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/homes/{id}",
    operation_id = "getHome",
    tag = "homes",
    summary = "One Women's Home",
    description = "A home of the caller's subtree (otherwise `404`, exactly like an unknown home).",
    params(HomeIdPath),
    responses(
        (status = 200, description = "The home.", body = HomeView),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<HomeView>> {
    let h = state
        .store
        .home_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    Ok(Json(HomeView::from(&h)))
}

/// `PUT /api/v1/homes/{id}`: the whole record; a new `unit_code` moves it,
/// a missing `status` keeps the current one.
#[utoipa::path(
    put,
    path = "/api/v1/homes/{id}",
    operation_id = "updateHome",
    tag = "homes",
    summary = "Change a Women's Home",
    description = "Replaces every field of a home of the caller's subtree (otherwise `404`, \
                   checked before the fields); optional fields left out are cleared, except \
                   `status`, which is kept. A `unit_code` other than the current one moves the \
                   home, and its counts, to that unit of the subtree. `409` with field \
                   `home_changed` when someone else changed it at the same time. Recorded in the \
                   audit log (`home.updated`). Access is checked before anything about the home.",
    params(HomeIdPath),
    request_body = HomeBody,
    responses(
        (status = 200, description = "The home after the change.", body = HomeView),
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
    ApiJson(b): ApiJson<HomeBody>,
) -> AppResult<Json<HomeView>> {
    let h = homes::update(
        &state,
        &actor,
        ip,
        parse_id(&id)?,
        &b.unit_code,
        &b.draft(),
        PhotoPick::default(),
    )
    .await?;
    Ok(Json(HomeView::from(&h)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Code of the unit whose subtree to list; defaults to the caller's unit. A malformed code
    /// answers `400`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Only homes of this status; empty or absent for every status. Anything else answers `422`
    /// with field `status`.
    #[param(value_type = Option<HomeStatus>, inline)]
    status: Option<String>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// A status filter from a query: empty is "any", unknown is a field error.
pub fn status_filter(s: Option<&str>) -> AppResult<Option<HomeStatus>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => {
            HomeStatus::parse(s)
                .map(Some)
                .ok_or(AppError::Invalid(jinguo_domain::FieldError::new(
                    "status",
                    "err.home.status",
                )))
        }
    }
}

/// `GET /api/v1/homes?unit=&status=`: the subtree's homes, paged.
#[utoipa::path(
    get,
    path = "/api/v1/homes",
    operation_id = "listHomes",
    tag = "homes",
    summary = "Homes of a subtree",
    description = "The homes of a unit's subtree (the caller's own unit when `unit` is absent; a \
                   unit outside the subtree answers `404`), by unit code then name, paged.",
    params(ListQuery),
    responses(
        (status = 200, description = "The homes.", body = HomeList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<HomeList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let status = status_filter(q.status.as_deref())?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .homes_under(actor.scope(), &unit, status, page)
        .await?;
    Ok(Json(HomeList {
        unit: UnitPathStep::of(&unit),
        limit: page.limit,
        offset: page.offset,
        homes: rows.iter().map(HomeView::from).collect(),
    }))
}

/// `GET /api/v1/units/{code}/homes/coverage`: from the counters.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/homes/coverage",
    operation_id = "getHomeCoverage",
    tag = "homes",
    summary = "Women's Home coverage",
    description = "Active homes and the share of villages with at least one active home, for a \
                   unit of the caller's subtree (otherwise `404`) and each of its active children.",
    params(UnitCodePath),
    responses(
        (status = 200, description = "The coverage.", body = HomeCoverage),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
) -> AppResult<Json<HomeCoverage>> {
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let cov = state.store.home_coverage(actor.scope(), &unit).await?;
    Ok(Json(HomeCoverage {
        unit: UnitPathStep::from(&cov.unit),
        numbers: CoverageNumbers::from(&cov.counts),
        children: cov
            .children
            .iter()
            .map(|(u, c)| HomeCoverageChild {
                unit: UnitPathStep::from(u),
                numbers: CoverageNumbers::from(c),
            })
            .collect(),
    }))
}

/// The photo route's body: one picture and the multipart framing.
pub fn photo_route() -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, handler) = routes!(upload_photo);
    (
        schemas,
        paths,
        handler.layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES + 64 * 1024)),
    )
}

/// `POST /api/v1/homes/{id}/photo`: one `photo` part, replacing any photo
/// the home had.
#[utoipa::path(
    post,
    path = "/api/v1/homes/{id}/photo",
    operation_id = "setHomePhoto",
    tag = "homes",
    summary = "Set a home's photo",
    description = "Stores one picture as the home's photo, replacing any it had (the old file is \
                   removed). Recorded in the audit log (`home.photo_set`). Access is checked \
                   first; then the home must be in the caller's subtree (`404`).",
    params(HomeIdPath),
    request_body(content = HomePhotoUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored.", body = HomePhotoSet),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn upload_photo(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<Json<HomePhotoSet>> {
    // Role, then scope, then the body.
    let home = state
        .store
        .home_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let form = Multipart::from_request(req, &state)
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?;
    let uploads = photos_only(form).await?;
    if uploads.0.is_empty() {
        return Err(AppError::InvalidFields(vec![crate::photos::MISSING]));
    }
    let pick = homes::one_photo(uploads.0).await?;
    if let Some(e) = pick.error {
        return Err(AppError::InvalidFields(vec![e]));
    }
    homes::set_photo(&state, &actor, ip, &home, pick.photo.as_ref()).await?;
    Ok(Json(HomePhotoSet {
        photo_url: photo_url(home.id),
    }))
}

/// `GET /api/v1/homes/{id}/photo`: the picture itself.
#[utoipa::path(
    get,
    path = "/api/v1/homes/{id}/photo",
    operation_id = "getHomePhoto",
    tag = "homes",
    summary = "A home's photo",
    description = "The picture, with the `Content-Type` recorded on upload, \
                   `X-Content-Type-Options: nosniff` and `Cache-Control: private`. Only for a home \
                   of the caller's subtree; `404` also when the home has no photo.",
    params(HomeIdPath),
    responses(
        (status = 200, description = "The picture.", content(("image/jpeg"), ("image/png"))),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn photo(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    homes::photo_response(&state, &actor, parse_id(&id)?).await
}

/// `GET /api/v1/dictionaries/home-facilities`: active entries, readable
/// without a login for the public help page.
#[utoipa::path(
    get,
    path = "/api/v1/dictionaries/home-facilities",
    operation_id = "listHomeFacilities",
    tag = "dictionaries",
    summary = "Facilities of Women's Homes",
    description = "The active entries of the home-facility dictionary, by `sort` and then \
                   `key`. Public: the help page shows what a home offers.",
    responses(
        (status = 200, description = "The dictionary.", body = Dictionary),
        (status = 500, response = Internal),
    ),
)]
pub async fn facilities(State(state): State<AppState>) -> AppResult<Json<Dictionary>> {
    let entries = state.dictionary(FACILITIES).await?;
    let active: Vec<DictEntry> = entries.iter().filter(|e| e.active).cloned().collect();
    Ok(Json(Dictionary { entries: active }))
}
