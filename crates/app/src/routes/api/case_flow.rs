//! `/api/v1/cases/{id}/…`: the workflow after intake — follow-ups,
//! referrals and their status, transfer, closure request and decision,
//! reopening. Anyone who may not open the case gets 404 (see
//! [`crate::cases::access`]); the rules live in [`crate::cases::flow`].

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use crate::auth::ApiActor;
use crate::cases::flow::{
    self, ApproveInput, CloseInput, FollowUpInput, ReferInput, ReopenInput, TransferInput,
};
use crate::cases::parse_case_id;
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::state::AppState;

/// `POST /api/v1/cases/{id}/follow-ups` `{"follow_up_id"?,"date","note"?}`
/// → 201 `{"id"}`.
pub async fn follow_up(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<FollowUpInput>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let id = parse_case_id(&id)?;
    let fid = flow::follow_up(&state, &actor, ip, id, &b).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": fid }))))
}

/// `POST /api/v1/cases/{id}/refer`
/// `{"agency","agency_name","note"?,"override_reason"?}` → 201 `{"id"}`.
pub async fn refer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReferInput>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let id = parse_case_id(&id)?;
    let rid = flow::refer(&state, &actor, ip, id, &b).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": rid }))))
}

#[derive(Deserialize)]
pub struct StatusBody {
    #[serde(default)]
    status: String,
}

/// `POST /api/v1/cases/{id}/referrals/{rid}` `{"status"}` → `{"status"}`.
pub async fn referral(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, rid)): Path<(String, String)>,
    ApiJson(b): ApiJson<StatusBody>,
) -> AppResult<Json<Value>> {
    let id = parse_case_id(&id)?;
    let rid = flow::parse_referral_id(&rid)?;
    let status = flow::referral_status(&state, &actor, ip, id, rid, &b.status).await?;
    Ok(Json(json!({ "status": status })))
}

/// `POST /api/v1/cases/{id}/transfer` `{"unit_code","caseworker"?,"reason"}`
/// → `{"unit_code"}`. The caller loses access unless she is on the new team.
pub async fn transfer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TransferInput>,
) -> AppResult<Json<Value>> {
    let id = parse_case_id(&id)?;
    let code = flow::transfer(&state, &actor, ip, id, &b).await?;
    Ok(Json(json!({ "unit_code": code })))
}

/// `POST /api/v1/cases/{id}/close` `{"outcome","reason"}` →
/// `{"status":"closure_pending","alerted"}`.
pub async fn close(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CloseInput>,
) -> AppResult<Json<Value>> {
    let id = parse_case_id(&id)?;
    let alerted = flow::request_closure(&state, &actor, ip, id, &b).await?;
    Ok(Json(
        json!({ "status": "closure_pending", "alerted": alerted }),
    ))
}

/// `POST /api/v1/cases/{id}/approve-closure` `{"approve","reason"?}` →
/// `{"status"}`.
pub async fn approve_closure(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ApproveInput>,
) -> AppResult<Json<Value>> {
    let id = parse_case_id(&id)?;
    let status = flow::approve_closure(&state, &actor, ip, id, &b).await?;
    Ok(Json(json!({ "status": status })))
}

/// `POST /api/v1/cases/{id}/reopen` `{"reason"}` → `{"status":"in_service"}`.
pub async fn reopen(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReopenInput>,
) -> AppResult<Json<Value>> {
    let id = parse_case_id(&id)?;
    flow::reopen(&state, &actor, ip, id, &b).await?;
    Ok(Json(json!({ "status": "in_service" })))
}
