//! `/api/v1/households` and `/api/v1/visits`: reads give identity numbers
//! and phones masked; `reveal` gives one full value and is audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::household::HouseholdInput;
use jinguo_store::model::{HouseholdView, Page, Visit};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiJson, ApiQuery, unit_of};
use crate::auth::ApiActor;
use crate::error::AppResult;
use crate::households::{self, VisitInput, parse_household_id, parse_visit_id};
use crate::net::ClientIp;
use crate::state::AppState;

pub fn household_json(h: &HouseholdView) -> Value {
    json!({
        "id": h.id,
        "unit": {"code": h.unit_code, "name": h.unit_name},
        "address": h.address,
        "consent": h.consent,
        "consent_at": h.consent_at,
        "members": h.members,
        "created_at": h.created_at,
    })
}

pub fn visit_json(v: &Visit) -> Value {
    json!({
        "id": v.id,
        "household_id": v.household,
        "unit": {"code": v.unit_code, "name": v.unit_name},
        "date": v.date,
        "visitors": v.visitors,
        "notes": v.notes,
        "tags": v.tags,
        "created_at": v.created_at,
    })
}

#[derive(Deserialize)]
pub struct HouseholdBody {
    #[serde(default)]
    unit_code: String,
    #[serde(flatten)]
    household: HouseholdInput,
}

/// `POST /api/v1/households`.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<HouseholdBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let id = households::create(&state, &actor, ip, &b.unit_code, &b.household).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    household: Option<i64>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/households?unit=`.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Value>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .households_under(actor.scope(), &unit, page)
        .await?;
    Ok(Json(json!({
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "limit": page.limit,
        "offset": page.offset,
        "households": rows,
    })))
}

/// `GET /api/v1/households/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let id = parse_household_id(&id)?;
    let h = state.store.household_in_scope(actor.scope(), id).await?;
    Ok(Json(household_json(&h)))
}

#[derive(Deserialize)]
pub struct RevealBody {
    #[serde(default)]
    member: i64,
    #[serde(default)]
    field: String,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/households/{id}/reveal`.
pub async fn reveal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RevealBody>,
) -> AppResult<Json<Value>> {
    let id = parse_household_id(&id)?;
    let value = households::reveal(&state, &actor, ip, id, b.member, &b.field, &b.reason).await?;
    Ok(Json(
        json!({ "member": b.member, "field": b.field, "value": value }),
    ))
}

/// `POST /api/v1/visits`.
pub async fn create_visit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<VisitInput>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let (id, dv) = households::create_visit(&state, &actor, ip, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "suggest_rights_case": dv })),
    ))
}

/// `GET /api/v1/visits?unit=&household=`.
pub async fn list_visits(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Value>> {
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
    Ok(Json(json!({
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "limit": page.limit,
        "offset": page.offset,
        "visits": rows.iter().map(visit_json).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/visits/{id}`.
pub async fn show_visit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let id = parse_visit_id(&id)?;
    let v = state.store.visit_in_scope(actor.scope(), id).await?;
    Ok(Json(visit_json(&v)))
}
