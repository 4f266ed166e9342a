//! `/api/v1/cases`: intake, the opened case (identity masked), risk
//! assessment, protection orders, the team, break-the-glass, reveal, the
//! access log, the case list and the caller's alerts. Anyone who may not
//! open a case gets 404 for it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::case::{AssessmentInput, CHECKLIST};
use jinguo_store::model::{DictKind, Page};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiJson, ApiQuery, parse_code};
use crate::auth::ApiActor;
use crate::cases::{self, IntakeBody, OrderInput, parse_case_id};
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::state::AppState;

/// `POST /api/v1/cases` → 201 `{"id","number"}`.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<IntakeBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let id = cases::create(&state, &actor, ip, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "number": jinguo_domain::case::case_number(id.get()) })),
    ))
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/cases?unit=&status=`: the cases the caller may open.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Value>> {
    let code = q.unit.as_deref().map(parse_code).transpose()?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = cases::list(&state, &actor, code.as_ref(), q.status.as_deref(), page).await?;
    Ok(Json(json!({
        "limit": page.limit,
        "offset": page.offset,
        "cases": rows,
    })))
}

/// `GET /api/v1/cases/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let (view, opened) = cases::show(&state, &actor, ip, parse_case_id(&id)?).await?;
    let mut v = serde_json::to_value(&view).map_err(anyhow::Error::from)?;
    v["access"] = json!(opened.via());
    Ok(Json(v))
}

/// `POST /api/v1/cases/{id}/assess` `{"answers":[…],"level"?,"override_reason"?,"safety_plan"?}`.
pub async fn assess(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AssessmentInput>,
) -> AppResult<Json<Value>> {
    let id = parse_case_id(&id)?;
    let (a, alerted) = cases::assess(&state, &actor, ip, id, &b).await?;
    Ok(Json(json!({
        "score": a.score,
        "computed": a.computed,
        "level": a.level,
        "colour": a.level.colour(),
        "supervisors_alerted": alerted,
    })))
}

/// `GET /api/v1/cases/checklist`: the danger checklist with its weights.
pub async fn checklist(ApiActor(_): ApiActor) -> AppResult<Json<Value>> {
    // As the route table says: case roles only.
    Ok(Json(json!({
        "source": "Adapted from J. C. Campbell's Danger Assessment (weighted scoring, levels at 8 / 14 / 18)",
        "items": CHECKLIST,
    })))
}

/// `POST /api/v1/cases/{id}/orders` `{"kind","status","date"}` → 201 `{"id"}`.
pub async fn order(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<OrderInput>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let oid = cases::record_order(&state, &actor, ip, parse_case_id(&id)?, &b).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": oid }))))
}

#[derive(Deserialize)]
pub struct TeamBody {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
}

/// `POST /api/v1/cases/{id}/team` `{"username","role":"caseworker|supervisor"}`.
pub async fn team(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TeamBody>,
) -> AppResult<StatusCode> {
    cases::add_member(
        &state,
        &actor,
        ip,
        parse_case_id(&id)?,
        &b.username,
        &b.role,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct ReasonBody {
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/cases/{id}/glass` `{"reason"}` → `{"expires_at"}`.
pub async fn glass(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let expires = cases::break_glass(&state, &actor, ip, parse_case_id(&id)?, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(json!({ "expires_at": expires }))))
}

#[derive(Deserialize)]
pub struct RevealBody {
    #[serde(default)]
    field: String,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/cases/{id}/reveal` `{"field":"id_number|phone","reason"}`.
pub async fn reveal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RevealBody>,
) -> AppResult<Json<Value>> {
    let value = cases::reveal(&state, &actor, ip, parse_case_id(&id)?, &b.field, &b.reason).await?;
    Ok(Json(json!({ "field": b.field.trim(), "value": value })))
}

/// `GET /api/v1/cases/{id}/access-log`: who opened the case.
pub async fn access_log(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let log = cases::access_log(&state, &actor, ip, parse_case_id(&id)?).await?;
    Ok(Json(json!({ "entries": log })))
}

/// `GET /api/v1/cases/alerts`: the caller's alerts (case numbers only).
pub async fn alerts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<Value>> {
    let alerts = cases::alerts(&state, &actor).await?;
    Ok(Json(json!({ "alerts": alerts })))
}

/// `GET /api/v1/dictionaries/case-types`: the types with their templates.
pub async fn case_types(
    State(state): State<AppState>,
    ApiActor(_actor): ApiActor,
) -> AppResult<Json<Value>> {
    let entries = state.dictionary(DictKind::CASE_TYPE).await?;
    let mut out = Vec::with_capacity(entries.len());
    for e in entries.iter().filter(|e| e.active) {
        let template = state.store.case_template(&e.key).await?;
        let mut v = serde_json::to_value(e).map_err(anyhow::Error::from)?;
        v["template"] = json!(template);
        out.push(v);
    }
    Ok(Json(
        json!({ "kind": DictKind::CASE_TYPE.slug(), "entries": out }),
    ))
}
