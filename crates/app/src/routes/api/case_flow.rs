//! `/api/v1/cases/{id}/…`: the workflow after intake — follow-ups,
//! referrals and their status, transfer, closure request and decision,
//! reopening. Anyone who may not open the case gets 404 (see
//! [`crate::cases::access`]); the rules live in [`crate::cases::flow`].

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::UnitCode;
use jinguo_domain::case::{CaseStatus, ReferralStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiJson;
use super::openapi::{BadRequest, Internal, Invalid, NotFound};
use crate::auth::ApiActor;
use crate::cases::flow::{
    self, ApproveInput, CloseInput, FollowUpInput, ReferInput, ReopenInput, TransferInput,
};
use crate::cases::parse_case_id;
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::state::AppState;

/// The `{id}` of a case's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CaseIdPath {
    /// The case's id (`42` or its number `WQ000042`). Anything else, and any case the caller may
    /// not open, answers `404`.
    pub id: String,
}

/// The `{rid}` of a referral's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReferralIdPath {
    /// The referral's id; one that is not on this case answers `404`.
    #[param(minimum = 1)]
    pub rid: i64,
}

/// The id of a record just made.
#[derive(Serialize, ToSchema)]
pub struct CreatedId {
    pub id: i64,
}

/// A referral's status after the change.
#[derive(Serialize, ToSchema)]
pub struct ReferralStatusNow {
    status: ReferralStatus,
}

/// The case's unit after a transfer.
#[derive(Serialize, ToSchema)]
pub struct Transferred {
    unit_code: UnitCode,
}

/// A closure request: the case waits for a supervisor.
#[derive(Serialize, ToSchema)]
pub struct ClosureRequested {
    status: CaseStatus,
    /// How many supervisors were alerted.
    alerted: usize,
}

/// The case's status after the change.
#[derive(Serialize, ToSchema)]
pub struct CaseStatusNow {
    status: CaseStatus,
}

/// `POST /api/v1/cases/{id}/follow-ups` `{"follow_up_id"?,"date","note"?}`
/// → 201 `{"id"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/follow-ups",
    operation_id = "recordCaseFollowUp",
    tag = "case-workflow",
    summary = "Record a follow-up",
    description = "Completes a scheduled follow-up (`follow_up_id`) or records an ad-hoc \
                   contact. Sets the case's first contact if none is recorded and moves an open \
                   or assessed case into service. A closed case answers `422` with field \
                   `status`. Scheduled follow-ups not done and due before today are shown as \
                   `overdue` on the case.",
    params(CaseIdPath),
    request_body = FollowUpInput,
    responses(
        (status = 201, description = "The follow-up's id.", body = CreatedId),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn follow_up(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<FollowUpInput>,
) -> AppResult<(StatusCode, Json<CreatedId>)> {
    let id = parse_case_id(&id)?;
    let fid = flow::follow_up(&state, &actor, ip, id, &b).await?;
    Ok((StatusCode::CREATED, Json(CreatedId { id: fid })))
}

/// `POST /api/v1/cases/{id}/refer`
/// `{"agency","agency_name","note"?,"override_reason"?}` → 201 `{"id"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/refer",
    operation_id = "referCase",
    tag = "case-workflow",
    summary = "Refer a case to a partner agency",
    description = "The owning unit keeps the case. Without the client's consent to referral \
                   this answers `422` (field `consent`, message `err.case.referral_consent`) \
                   unless a supervisor of the case gives `override_reason`; a caseworker who is \
                   not a supervisor giving one gets `422` with field `override_reason`.",
    params(CaseIdPath),
    request_body = ReferInput,
    responses(
        (status = 201, description = "The referral's id.", body = CreatedId),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn refer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReferInput>,
) -> AppResult<(StatusCode, Json<CreatedId>)> {
    let id = parse_case_id(&id)?;
    let rid = flow::refer(&state, &actor, ip, id, &b).await?;
    Ok((StatusCode::CREATED, Json(CreatedId { id: rid })))
}

/// The agency's answer to a referral.
#[derive(Deserialize, ToSchema)]
#[schema(as = CaseReferralStatusInput)]
pub struct StatusBody {
    /// sent → accepted, rejected or done; accepted → done. Anything else answers `422` with
    /// field `status`.
    #[serde(default)]
    #[schema(value_type = ReferralStatus)]
    status: String,
}

/// `POST /api/v1/cases/{id}/referrals/{rid}` `{"status"}` → `{"status"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/referrals/{rid}",
    operation_id = "setCaseReferralStatus",
    tag = "case-workflow",
    summary = "Move a referral on",
    description = "Records the agency's answer.",
    params(CaseIdPath, ReferralIdPath),
    request_body = StatusBody,
    responses(
        (status = 200, description = "The referral's status now.", body = ReferralStatusNow),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn referral(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, rid)): Path<(String, String)>,
    ApiJson(b): ApiJson<StatusBody>,
) -> AppResult<Json<ReferralStatusNow>> {
    let id = parse_case_id(&id)?;
    let rid = flow::parse_referral_id(&rid)?;
    let status = flow::referral_status(&state, &actor, ip, id, rid, &b.status).await?;
    Ok(Json(ReferralStatusNow { status }))
}

/// `POST /api/v1/cases/{id}/transfer` `{"unit_code","caseworker"?,"reason"}`
/// → `{"unit_code"}`. The caller loses access unless she is on the new team.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/transfer",
    operation_id = "transferCase",
    tag = "case-workflow",
    summary = "Transfer a case to another unit",
    description = "Ownership moves to a unit of the case's league chain (its league's subtree, \
                   or the region); the team is replaced, so the present caseworker loses access \
                   (`404` afterwards) unless she is on the new team. Stays with the status; a \
                   closed case or one awaiting closure answers `422` with field `status`.",
    params(CaseIdPath),
    request_body = TransferInput,
    responses(
        (status = 200, description = "The case's unit now.", body = Transferred),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn transfer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TransferInput>,
) -> AppResult<Json<Transferred>> {
    let id = parse_case_id(&id)?;
    let code = flow::transfer(&state, &actor, ip, id, &b).await?;
    Ok(Json(Transferred { unit_code: code }))
}

/// `POST /api/v1/cases/{id}/close` `{"outcome","reason"}` →
/// `{"status":"closure_pending","alerted"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/close",
    operation_id = "requestCaseClosure",
    tag = "case-workflow",
    summary = "Request closure",
    description = "The case waits in `closure_pending` for a supervisor other than the \
                   requester; every supervisor is alerted. Needs `outcome` and `reason` (`422` \
                   otherwise, nothing saved).",
    params(CaseIdPath),
    request_body = CloseInput,
    responses(
        (status = 200, description = "`closure_pending` and how many supervisors were alerted.",
         body = ClosureRequested),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn close(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CloseInput>,
) -> AppResult<Json<ClosureRequested>> {
    let id = parse_case_id(&id)?;
    let alerted = flow::request_closure(&state, &actor, ip, id, &b).await?;
    Ok(Json(ClosureRequested {
        status: CaseStatus::ClosurePending,
        alerted,
    }))
}

/// `POST /api/v1/cases/{id}/approve-closure` `{"approve","reason"?}` →
/// `{"status"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/approve-closure",
    operation_id = "approveCaseClosure",
    tag = "case-workflow",
    summary = "Approve or refuse a closure",
    description = "Only a supervisor of the case who did not request the closure (`422` with \
                   field `approve` otherwise). Approved: `closed` today. Refused (with \
                   `reason`): back `in_service`, outcome and closing reason cleared. No pending \
                   request answers `422`.",
    params(CaseIdPath),
    request_body = ApproveInput,
    responses(
        (status = 200, description = "The case's status now.", body = CaseStatusNow),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn approve_closure(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ApproveInput>,
) -> AppResult<Json<CaseStatusNow>> {
    let id = parse_case_id(&id)?;
    let status = flow::approve_closure(&state, &actor, ip, id, &b).await?;
    Ok(Json(CaseStatusNow { status }))
}

/// `POST /api/v1/cases/{id}/reopen` `{"reason"}` → `{"status":"in_service"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/reopen",
    operation_id = "reopenCase",
    tag = "case-workflow",
    summary = "Reopen a closed case",
    description = "Back `in_service`; closing date and outcome cleared; the reason is sealed in \
                   the history, so earlier closing reasons stay on record. Only a closed case \
                   (`422` otherwise).",
    params(CaseIdPath),
    request_body = ReopenInput,
    responses(
        (status = 200, description = "`in_service`.", body = CaseStatusNow),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn reopen(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReopenInput>,
) -> AppResult<Json<CaseStatusNow>> {
    let id = parse_case_id(&id)?;
    flow::reopen(&state, &actor, ip, id, &b).await?;
    Ok(Json(CaseStatusNow {
        status: CaseStatus::InService,
    }))
}
