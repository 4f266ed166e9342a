//! `/api/v1/households` and `/api/v1/visits`: reads give identity numbers
//! and phones masked; `reveal` gives one full value and is audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jinguo_domain::household::HouseholdInput;
use jinguo_domain::{HouseholdId, UnitCode, VisitId};
use jinguo_store::model::{ConsentView, HouseholdSummary, HouseholdView, MemberView, Page, Visit};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::openapi::{BadRequest, Conflict, Internal, Invalid, NotFound};
use super::units::{UnitLabel, UnitPathStep};
use super::{ApiJson, ApiQuery, unit_of};
use crate::auth::ApiActor;
use crate::error::AppResult;
use crate::households::{self, VisitInput, parse_household_id, parse_visit_id};
use crate::idempotency::{ApiOnce, IdempotencyHeader};
use crate::net::ClientIp;
use crate::state::AppState;

/// A household, address opened, members' identity numbers and phones masked.
#[derive(Serialize, ToSchema)]
#[schema(as = Household)]
pub struct HouseholdOut {
    id: HouseholdId,
    unit: UnitLabel,
    address: String,
    consent: ConsentView,
    /// Unix seconds.
    consent_at: i64,
    members: Vec<MemberView>,
    /// Unix seconds.
    created_at: i64,
}

impl From<&HouseholdView> for HouseholdOut {
    fn from(h: &HouseholdView) -> Self {
        HouseholdOut {
            id: h.id,
            unit: UnitLabel::new(h.unit_code.clone(), h.unit_name.clone()),
            address: h.address.clone(),
            consent: h.consent.clone(),
            consent_at: h.consent_at,
            members: h.members.clone(),
            created_at: h.created_at,
        }
    }
}

/// A home visit; notes opened.
#[derive(Serialize, ToSchema)]
#[schema(as = Visit)]
pub struct VisitOut {
    id: VisitId,
    household_id: HouseholdId,
    unit: UnitLabel,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    date: String,
    visitors: String,
    notes: Option<String>,
    tags: Vec<String>,
    /// Unix seconds of arrival at the server.
    created_at: i64,
    /// Unix seconds on the recording device when the visit was recorded there, if it said.
    made_at: Option<i64>,
}

impl From<&Visit> for VisitOut {
    fn from(v: &Visit) -> Self {
        VisitOut {
            id: v.id,
            household_id: v.household,
            unit: UnitLabel::new(v.unit_code.clone(), v.unit_name.clone()),
            date: v.date.clone(),
            visitors: v.visitors.clone(),
            notes: v.notes.clone(),
            tags: v.tags.clone(),
            created_at: v.created_at,
            made_at: v.made_at,
        }
    }
}

/// The id of a new household.
#[derive(Serialize, ToSchema)]
pub struct HouseholdCreated {
    id: HouseholdId,
}

/// A page of a subtree's households.
#[derive(Serialize, ToSchema)]
pub struct HouseholdList {
    unit: UnitPathStep,
    limit: i64,
    offset: i64,
    households: Vec<HouseholdSummary>,
}

/// A full identity number or phone.
#[derive(Serialize, ToSchema)]
pub struct Revealed {
    member: i64,
    field: String,
    /// The full value.
    value: String,
}

/// The id of a new visit.
#[derive(Serialize, ToSchema)]
pub struct VisitCreated {
    id: VisitId,
    /// True when the visit carries the `dv_risk` tag: open a rights-protection case for her.
    suggest_rights_case: bool,
}

/// A page of a subtree's visits, newest first.
#[derive(Serialize, ToSchema)]
pub struct VisitList {
    unit: UnitPathStep,
    limit: i64,
    offset: i64,
    visits: Vec<VisitOut>,
}

/// The `{id}` of a household's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct HouseholdIdPath {
    /// Id of a household. Anything but a positive integer answers `404`, like an unknown
    /// household or one outside the caller's subtree.
    #[param(minimum = 1)]
    pub id: i64,
}

/// The `{id}` of a visit's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct VisitIdPath {
    /// Id of a visit. Anything but a positive integer answers `404`, like an unknown visit or one
    /// outside the caller's subtree.
    #[param(minimum = 1)]
    pub id: i64,
}

/// A household to record: its unit and the household as typed.
#[derive(Deserialize, ToSchema)]
#[schema(as = HouseholdInput)]
pub struct HouseholdBody {
    /// An active unit of the caller's subtree.
    #[serde(default)]
    #[schema(value_type = UnitCode)]
    unit_code: String,
    #[serde(flatten)]
    household: HouseholdInput,
}

/// `POST /api/v1/households`.
#[utoipa::path(
    post,
    path = "/api/v1/households",
    operation_id = "createHousehold",
    tag = "households",
    summary = "Record a household",
    description = "Records a household with its members and the consent to record it, at an active \
                   unit of the caller's subtree. Every field is checked and all violations are \
                   reported together (`422`, `fields` naming e.g. `members[1].id_number`); nothing \
                   is stored on any error. A unit outside the subtree answers `422` on \
                   `unit_code`, like an unknown one. ID numbers and phones are encrypted with \
                   SM4-GCM before storage. Audited (`household.created`, without personal data).",
    params(IdempotencyHeader),
    request_body = HouseholdBody,
    responses(
        (status = 201, description = "The household has been recorded (or had been, for a \
                                      repeated `Idempotency-Key`).", body = HouseholdCreated),
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
    ApiOnce { once, body: b }: ApiOnce<HouseholdBody>,
) -> AppResult<Response> {
    once.run(&state, &actor, |claim| async {
        let id = households::create(&state, &actor, ip, &b.unit_code, &b.household, claim).await?;
        Ok((StatusCode::CREATED, Json(HouseholdCreated { id })))
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HouseholdQuery {
    /// A unit of the caller's subtree (default: her own unit); outside it answers `404`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A unit of the caller's subtree (default: her own unit); outside it answers `404`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Only visits of this household.
    #[param(minimum = 1)]
    household: Option<i64>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// `GET /api/v1/households?unit=`.
#[utoipa::path(
    get,
    path = "/api/v1/households",
    operation_id = "listHouseholds",
    tag = "households",
    summary = "Households of a subtree",
    description = "Households recorded in a unit's subtree, newest first; no encrypted field is \
                   opened for the list.",
    params(HouseholdQuery),
    responses(
        (status = 200, description = "The households.", body = HouseholdList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> AppResult<Json<HouseholdList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .households_under(actor.scope(), &unit, page)
        .await?;
    Ok(Json(HouseholdList {
        unit: UnitPathStep::of(&unit),
        limit: page.limit,
        offset: page.offset,
        households: rows,
    }))
}

/// `GET /api/v1/households/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/households/{id}",
    operation_id = "getHousehold",
    tag = "households",
    summary = "One household",
    description = "A household of the caller's subtree (otherwise `404`), address opened, ID \
                   numbers and phones masked.",
    params(HouseholdIdPath),
    responses(
        (status = 200, description = "The household.", body = HouseholdOut),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<HouseholdOut>> {
    let id = parse_household_id(&id)?;
    let h = state.store.household_in_scope(actor.scope(), id).await?;
    Ok(Json(HouseholdOut::from(&h)))
}

/// Which value to reveal, and why (recorded in the audit log).
#[derive(Deserialize, ToSchema)]
#[schema(as = RevealInput)]
pub struct RevealBody {
    /// A member of this household.
    #[serde(default)]
    member: i64,
    #[serde(default)]
    #[schema(value_type = RevealField)]
    field: String,
    #[serde(default)]
    #[schema(min_length = 2, max_length = 200)]
    reason: String,
}

/// The sealed values a reveal may open.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // documents the values `field` may take
enum RevealField {
    IdNumber,
    Phone,
}

/// `POST /api/v1/households/{id}/reveal`.
#[utoipa::path(
    post,
    path = "/api/v1/households/{id}/reveal",
    operation_id = "revealMemberField",
    tag = "households",
    summary = "Show one full ID number or phone",
    description = "Returns one member's full ID number or phone. A reason (2–200 characters) is \
                   required (`422` on `reason` otherwise) and is written to the audit log \
                   (`household.revealed`) with who asked. `404` for a household outside the \
                   subtree, a member of another household, or a value never recorded.",
    params(
        ("id" = i64, Path, minimum = 1,
         description = "Id of a household. Anything but a positive integer answers `404`, like \
                        an unknown household or one outside the caller's subtree."),
    ),
    request_body = RevealBody,
    responses(
        (status = 200, description = "The full value.", body = Revealed),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn reveal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RevealBody>,
) -> AppResult<Json<Revealed>> {
    let id = parse_household_id(&id)?;
    let value = households::reveal(&state, &actor, ip, id, b.member, &b.field, &b.reason).await?;
    Ok(Json(Revealed {
        member: b.member,
        field: b.field,
        value,
    }))
}

/// `POST /api/v1/visits`.
#[utoipa::path(
    post,
    path = "/api/v1/visits",
    operation_id = "createVisit",
    tag = "households",
    summary = "Record a home visit",
    description = "Records a visit to a household of the caller's subtree and, in the same \
                   transaction, a 入户走访 (`home_visit`) activity of the household's unit with its \
                   members as participants, so the visit counts in every roll-up above. Notes are \
                   stored encrypted. A household outside the subtree answers `422` on \
                   `household_id`, like an unknown one. Audited (`visit.created`).",
    params(IdempotencyHeader),
    request_body = VisitInput,
    responses(
        (status = 201, description = "The visit has been recorded (or had been, for a repeated \
                                      `Idempotency-Key`).", body = VisitCreated),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create_visit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiOnce { once, body: b }: ApiOnce<VisitInput>,
) -> AppResult<Response> {
    once.run(&state, &actor, |claim| async {
        let (id, dv) = households::create_visit(&state, &actor, ip, &b, claim).await?;
        Ok((
            StatusCode::CREATED,
            Json(VisitCreated {
                id,
                suggest_rights_case: dv,
            }),
        ))
    })
    .await
}

/// `GET /api/v1/visits?unit=&household=`.
#[utoipa::path(
    get,
    path = "/api/v1/visits",
    operation_id = "listVisits",
    tag = "households",
    summary = "Visits of a subtree",
    description = "Visits in a unit's subtree, newest first, optionally of one household.",
    params(ListQuery),
    responses(
        (status = 200, description = "The visits.", body = VisitList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn list_visits(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<VisitList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let household = q
        .household
        .map(|h| parse_household_id(&h.to_string()))
        .transpose()?;
    let rows = state
        .store
        .visits_under(actor.scope(), &unit, household, page)
        .await?;
    Ok(Json(VisitList {
        unit: UnitPathStep::of(&unit),
        limit: page.limit,
        offset: page.offset,
        visits: rows.iter().map(VisitOut::from).collect(),
    }))
}

/// `GET /api/v1/visits/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/visits/{id}",
    operation_id = "getVisit",
    tag = "households",
    summary = "One visit",
    description = "A visit of the caller's subtree (otherwise `404`), notes opened.",
    params(VisitIdPath),
    responses(
        (status = 200, description = "The visit.", body = VisitOut),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show_visit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<VisitOut>> {
    let id = parse_visit_id(&id)?;
    let v = state.store.visit_in_scope(actor.scope(), id).await?;
    Ok(Json(VisitOut::from(&v)))
}
