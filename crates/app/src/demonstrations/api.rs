//! Demonstration sites over the API: designate, list, read, evaluate,
//! revoke, and the counts per unit.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::demonstration::{
    DemonstrationId, DesignationDraft, EvaluationDraft, EvaluationId, ItemDraft, SiteKind, Status,
};
use jinguo_domain::{Level, UnitCode};
use jinguo_store::demonstrations::{DemoCounts, Demonstration, Evaluation};
use jinguo_store::model::Page;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiActor;
use crate::demonstrations::list::DemoParams;
use crate::demonstrations::{self, DesignationInput, parse_id};
use crate::error::{AppError, AppResult};
use crate::net::ClientIp;
use crate::routes::api::openapi::{BadRequest, Conflict, Internal, Invalid, NotFound};
use crate::routes::api::units::{UnitCodePath, UnitPathStep};
use crate::routes::api::{ApiJson, ApiQuery, parse_code, unit_of};
use crate::state::{AppState, today};

/// An item of a score sheet.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct DemonstrationScoreItem {
    #[schema(max_length = 50)]
    label: String,
    /// Whole points, 1–100; the items' weights total 100. An item is scored from 0 to its weight.
    #[schema(minimum = 1, maximum = 100)]
    weight: i64,
}

/// The latest evaluation's year and total.
#[derive(Serialize, ToSchema)]
pub struct DemonstrationLatest {
    year: i32,
    /// Out of 100.
    total: i64,
}

/// A designation of a demonstration site.
#[derive(Serialize, ToSchema)]
pub struct DemonstrationView {
    id: DemonstrationId,
    /// The designating unit: the region, a league or a banner.
    designator: UnitPathStep,
    /// The demonstration's level, the designating unit's: 1 region, 2 league, 3 banner.
    level: Level,
    site_kind: SiteKind,
    /// The federation's (`organisation`) or the Women's Home's (`home`) id.
    site_id: i64,
    site_name: String,
    /// The unit the site belongs to.
    site_unit: UnitPathStep,
    /// First day of the period (YYYY-MM-DD).
    period_from: String,
    /// Last day of the period (YYYY-MM-DD).
    period_to: String,
    reason: String,
    /// `active` (in its period), `expired` (period over) or `revoked`.
    status: Status,
    revoke_reason: Option<String>,
    /// The score sheet, in order (empty in lists).
    items: Vec<DemonstrationScoreItem>,
    latest_evaluation: Option<DemonstrationLatest>,
    /// Unix seconds.
    created_at: i64,
}

impl DemonstrationView {
    fn of(d: &Demonstration, today: time::Date) -> Self {
        DemonstrationView {
            id: d.id,
            designator: UnitPathStep::from(&d.designator),
            level: d.level,
            site_kind: d.site.kind,
            site_id: d.site.id,
            site_name: d.site_name.clone(),
            site_unit: UnitPathStep::from(&d.site_unit),
            period_from: jinguo_domain::activity::format_date(d.from),
            period_to: jinguo_domain::activity::format_date(d.to),
            reason: d.reason.clone(),
            status: d.status(today),
            revoke_reason: d.revoke_reason.clone(),
            items: d
                .items
                .iter()
                .map(|i| DemonstrationScoreItem {
                    label: i.label.clone(),
                    weight: i.weight,
                })
                .collect(),
            latest_evaluation: d
                .latest
                .map(|(year, total)| DemonstrationLatest { year, total }),
            created_at: d.created_at,
        }
    }
}

/// One year's evaluation.
#[derive(Serialize, ToSchema)]
pub struct DemonstrationEvaluationView {
    id: EvaluationId,
    year: i32,
    /// One score per item of the sheet, in its order.
    scores: Vec<i64>,
    /// The sum of the scores, out of 100.
    total: i64,
    note: Option<String>,
    /// The day it was recorded (YYYY-MM-DD).
    evaluated_on: String,
    /// Username of whoever recorded it.
    evaluated_by: Option<String>,
}

impl From<&Evaluation> for DemonstrationEvaluationView {
    fn from(e: &Evaluation) -> Self {
        DemonstrationEvaluationView {
            id: e.id,
            year: e.year,
            scores: e.scores.clone(),
            total: e.total,
            note: e.note.clone(),
            evaluated_on: jinguo_domain::activity::format_date(e.evaluated_on),
            evaluated_by: e.evaluated_by.clone(),
        }
    }
}

/// A designation with its evaluations, newest year first.
#[derive(Serialize, ToSchema)]
pub struct DemonstrationDetail {
    #[serde(flatten)]
    demonstration: DemonstrationView,
    evaluations: Vec<DemonstrationEvaluationView>,
}

/// A page of a subtree's designations.
#[derive(Serialize, ToSchema)]
pub struct DemonstrationList {
    unit: UnitPathStep,
    /// Page size after clamping.
    limit: i64,
    /// Entries skipped, after clamping.
    offset: i64,
    demonstrations: Vec<DemonstrationView>,
}

/// The id of a new designation.
#[derive(Serialize, ToSchema)]
pub struct DemonstrationCreated {
    id: DemonstrationId,
}

/// The id of a new evaluation and its total.
#[derive(Serialize, ToSchema)]
pub struct DemonstrationEvaluated {
    id: EvaluationId,
    total: i64,
}

/// A designation. Every field is checked and all violations are reported together: `422` with
/// `fields` mapping each offending field to its message and `field` naming the first, in the
/// order unit_code, site_kind, site_id, period_from, period_to, reason, items.
#[derive(Deserialize, ToSchema)]
#[schema(as = DemonstrationInput)]
pub struct DemonstrationBody {
    /// The designating unit: the region, a league or a banner of the caller's subtree (a unit
    /// outside it answers the same `422` as an unknown one; a township or village answers `422`).
    #[schema(value_type = UnitCode)]
    unit_code: String,
    #[schema(value_type = SiteKind)]
    site_kind: String,
    /// The federation's or the active Women's Home's id. A site outside the designating unit's
    /// subtree answers `404`.
    site_id: Option<i64>,
    /// First day (YYYY-MM-DD).
    #[schema(value_type = String, format = Date)]
    period_from: String,
    /// Last day (YYYY-MM-DD), after the first; at most ten years on.
    #[schema(value_type = String, format = Date)]
    period_to: String,
    /// Why it is designated.
    #[schema(max_length = 1000)]
    reason: String,
    /// The score sheet: 1–20 items with unique labels, weights totalling 100.
    #[schema(max_items = 20)]
    items: Vec<DemonstrationScoreItemInput>,
}

/// An item of a score sheet as sent.
#[derive(Deserialize, ToSchema)]
pub struct DemonstrationScoreItemInput {
    #[schema(max_length = 50)]
    label: String,
    #[schema(minimum = 1, maximum = 100)]
    weight: Option<i64>,
}

/// A year's evaluation: one score per item of the sheet, in its order, each from 0 to the
/// item's weight. The year lies within the designation's period and not in the future.
#[derive(Deserialize, ToSchema)]
pub struct DemonstrationEvaluationInput {
    year: Option<i64>,
    scores: Vec<Option<i64>>,
    #[schema(max_length = 500)]
    note: Option<String>,
}

/// Why a designation is revoked.
#[derive(Deserialize, ToSchema)]
pub struct DemonstrationRevokeInput {
    /// Required, plain text.
    #[schema(max_length = 500)]
    reason: String,
}

/// The `{id}` of a designation's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DemonstrationIdPath {
    /// Id of a designation. Anything but a positive integer answers `404`, like an unknown one or
    /// one whose site lies outside the caller's subtree.
    #[param(minimum = 1)]
    pub id: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DemonstrationListQuery {
    /// Code of the unit whose subtree's sites to list; defaults to the caller's unit. A malformed
    /// code answers `400`; one outside the subtree `404`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Demonstration level: 1 region, 2 league, 3 banner. Anything else answers `422`.
    level: Option<String>,
    /// `organisation` or `home`. Anything else answers `422`.
    kind: Option<String>,
    /// `active`, `expired` or `revoked`. Anything else answers `422`.
    status: Option<String>,
    /// Only designations whose period touches this year (2000–2100).
    year: Option<String>,
    /// Part of the site's name.
    q: Option<String>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// Designations not revoked of one unit, by level and kind.
#[derive(Serialize, ToSchema)]
pub struct DemonstrationCounts {
    /// All designations not revoked of sites in the subtree.
    total: i64,
    region_organisations: i64,
    region_homes: i64,
    league_organisations: i64,
    league_homes: i64,
    banner_organisations: i64,
    banner_homes: i64,
}

impl From<&DemoCounts> for DemonstrationCounts {
    fn from(c: &DemoCounts) -> Self {
        DemonstrationCounts {
            total: c.total(),
            region_organisations: c.get(1, SiteKind::Organisation),
            region_homes: c.get(1, SiteKind::Home),
            league_organisations: c.get(2, SiteKind::Organisation),
            league_homes: c.get(2, SiteKind::Home),
            banner_organisations: c.get(3, SiteKind::Organisation),
            banner_homes: c.get(3, SiteKind::Home),
        }
    }
}

/// A child unit's counts.
#[derive(Serialize, ToSchema)]
pub struct DemonstrationChildCounts {
    unit: UnitPathStep,
    #[serde(flatten)]
    counts: DemonstrationCounts,
}

/// The counts of a unit and of each active child, from counters kept on every write.
#[derive(Serialize, ToSchema)]
pub struct DemonstrationFigures {
    unit: UnitPathStep,
    #[serde(flatten)]
    counts: DemonstrationCounts,
    children: Vec<DemonstrationChildCounts>,
}

/// `POST /api/v1/demonstrations`.
#[utoipa::path(
    post,
    path = "/api/v1/demonstrations",
    operation_id = "createDemonstration",
    tag = "demonstrations",
    summary = "Designate a demonstration site",
    description = "The region, a league or a banner of the caller's subtree designates a \
                   grassroots federation or an active Women's Home of its own subtree as a \
                   demonstration of its level, for a period, with its score sheet. One standing \
                   designation per site and level: a period overlapping one not revoked answers \
                   `422` with field `site_id`. The counters and the audit entry \
                   (`demonstration.designated`) are written in the same transaction.",
    request_body = DemonstrationBody,
    responses(
        (status = 201, description = "Designated.", body = DemonstrationCreated),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<DemonstrationBody>,
) -> AppResult<(StatusCode, Json<DemonstrationCreated>)> {
    let input = DesignationInput {
        unit_code: b.unit_code,
        site_kind: b.site_kind,
        site_id: b.site_id,
        draft: DesignationDraft {
            period_from: b.period_from,
            period_to: b.period_to,
            reason: b.reason,
            items: b
                .items
                .into_iter()
                .map(|i| ItemDraft {
                    label: i.label,
                    weight: i.weight,
                })
                .collect(),
        },
    };
    let id = demonstrations::create(&state, &actor, ip, &input).await?;
    Ok((StatusCode::CREATED, Json(DemonstrationCreated { id })))
}

/// `GET /api/v1/demonstrations`.
#[utoipa::path(
    get,
    path = "/api/v1/demonstrations",
    operation_id = "listDemonstrations",
    tag = "demonstrations",
    summary = "Demonstration sites of a subtree",
    description = "The designations of sites in a unit's subtree (the caller's own unit when \
                   `unit` is absent), newest first, filtered by level, kind, status and year, \
                   paged.",
    params(DemonstrationListQuery),
    responses(
        (status = 200, description = "The designations.", body = DemonstrationList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DemonstrationListQuery>,
) -> AppResult<Json<DemonstrationList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let params = DemoParams {
        q: q.q,
        level: q.level,
        kind: q.kind,
        status: q.status,
        year: q.year,
    };
    let filter = params.parse().map_err(AppError::InvalidFields)?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let today = today(&state.config);
    let rows = state
        .store
        .demonstrations_filtered(actor.scope(), &unit, &filter, today, page)
        .await?;
    Ok(Json(DemonstrationList {
        unit: UnitPathStep::of(&unit),
        limit: page.limit,
        offset: page.offset,
        demonstrations: rows
            .iter()
            .map(|d| DemonstrationView::of(d, today))
            .collect(),
    }))
}

/// `GET /api/v1/demonstrations/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/demonstrations/{id}",
    operation_id = "getDemonstration",
    tag = "demonstrations",
    summary = "One demonstration site",
    description = "A designation whose site lies in the caller's subtree (otherwise `404`), with \
                   its score sheet and evaluations.",
    params(DemonstrationIdPath),
    responses(
        (status = 200, description = "The designation.", body = DemonstrationDetail),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<DemonstrationDetail>> {
    let d = state
        .store
        .demonstration_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let evaluations = state.store.evaluations_of(&d).await?;
    Ok(Json(DemonstrationDetail {
        demonstration: DemonstrationView::of(&d, today(&state.config)),
        evaluations: evaluations
            .iter()
            .map(DemonstrationEvaluationView::from)
            .collect(),
    }))
}

/// `POST /api/v1/demonstrations/{id}/evaluations`.
#[utoipa::path(
    post,
    path = "/api/v1/demonstrations/{id}/evaluations",
    operation_id = "evaluateDemonstration",
    tag = "demonstrations",
    summary = "Evaluate a demonstration site for a year",
    description = "Records a year's scores of a designation whose site lies in the caller's \
                   subtree (otherwise `404`). Only the designating unit or one above it evaluates \
                   (`422`, field `demonstration`); a revoked designation is not evaluated (`422`, \
                   field `demonstration`); one evaluation per year (`422`, field `year`). The \
                   total is the sum of the scores. Audited (`demonstration.evaluated`).",
    params(DemonstrationIdPath),
    request_body = DemonstrationEvaluationInput,
    responses(
        (status = 201, description = "Recorded.", body = DemonstrationEvaluated),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn evaluate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DemonstrationEvaluationInput>,
) -> AppResult<(StatusCode, Json<DemonstrationEvaluated>)> {
    let draft = EvaluationDraft {
        year: b.year,
        scores: b.scores,
        note: b.note,
    };
    let (eid, total) = demonstrations::evaluate(&state, &actor, ip, parse_id(&id)?, &draft).await?;
    Ok((
        StatusCode::CREATED,
        Json(DemonstrationEvaluated { id: eid, total }),
    ))
}

/// `POST /api/v1/demonstrations/{id}/revoke`.
#[utoipa::path(
    post,
    path = "/api/v1/demonstrations/{id}/revoke",
    operation_id = "revokeDemonstration",
    tag = "demonstrations",
    summary = "Revoke a demonstration site",
    description = "Revokes a designation whose site lies in the caller's subtree (otherwise \
                   `404`) with a reason. Only the designating unit or one above it revokes \
                   (`422`, field `demonstration`); a revoked one stays revoked (`422`). The \
                   counters and the audit entry (`demonstration.revoked`) change in the same \
                   transaction.",
    params(DemonstrationIdPath),
    request_body = DemonstrationRevokeInput,
    responses(
        (status = 204, description = "Revoked."),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn revoke(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DemonstrationRevokeInput>,
) -> AppResult<StatusCode> {
    demonstrations::revoke(&state, &actor, ip, parse_id(&id)?, &b.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/units/{code}/demonstrations/counts`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/demonstrations/counts",
    operation_id = "getDemonstrationCounts",
    tag = "demonstrations",
    summary = "Demonstration sites per unit",
    description = "Designations not revoked of sites in the subtree of a unit of the caller's \
                   subtree (otherwise `404`) and of each active child, by level and site kind, \
                   read from counters changed with every designation and revocation.",
    params(UnitCodePath),
    responses(
        (status = 200, description = "The counts.", body = DemonstrationFigures),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn counts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
) -> AppResult<Json<DemonstrationFigures>> {
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let f = state
        .store
        .demonstration_figures(actor.scope(), &unit)
        .await?;
    Ok(Json(DemonstrationFigures {
        unit: UnitPathStep::from(&f.unit),
        counts: DemonstrationCounts::from(&f.counts),
        children: f
            .children
            .iter()
            .map(|(u, c)| DemonstrationChildCounts {
                unit: UnitPathStep::from(u),
                counts: DemonstrationCounts::from(c),
            })
            .collect(),
    }))
}
