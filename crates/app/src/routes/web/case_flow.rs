//! The case page's workflow forms (`cases/flow.html`): each posts here,
//! passes the CSRF guard, runs the same action as the API
//! ([`crate::cases::flow`]) and sends the reader back to the case page
//! (303) with `?flow=` saying what was done or which field was refused.
//! A case the reader may not open is 404, as everywhere.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use crate::auth::WebActor;
use crate::cases::flow::{
    self, ApproveInput, CloseInput, FollowUpInput, ReferInput, ReopenInput, TransferInput,
};
use crate::cases::parse_case_id;
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::state::AppState;

/// An optional form field: empty means absent.
fn opt(s: String) -> Option<String> {
    if s.trim().is_empty() { None } else { Some(s) }
}

fn back(id: jinguo_domain::CaseId, action: &'static str, r: AppResult<()>) -> WebResult {
    Ok(Redirect::to(&flow::back_to_case(id, action, r)?).into_response())
}

#[derive(Deserialize)]
pub struct FollowUpForm {
    #[serde(default)]
    follow_up_id: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

/// `POST /cases/{id}/follow-ups`.
pub async fn follow_up(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<FollowUpForm>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let follow_up_id = match opt(f.follow_up_id) {
        None => None,
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => Some(0),
        },
    };
    let input = FollowUpInput {
        follow_up_id,
        date: f.date,
        note: opt(f.note),
    };
    let r = flow::follow_up(&state, &actor, ip, id, &input).await;
    back(id, "follow_up", r.map(drop))
}

#[derive(Deserialize)]
pub struct ReferForm {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    agency_name: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    override_reason: String,
}

/// `POST /cases/{id}/refer`.
pub async fn refer(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<ReferForm>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let input = ReferInput {
        agency: f.agency,
        agency_name: f.agency_name,
        note: opt(f.note),
        override_reason: opt(f.override_reason),
    };
    let r = flow::refer(&state, &actor, ip, id, &input).await;
    back(id, "refer", r.map(drop))
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

/// `POST /cases/{id}/referrals/{rid}`.
pub async fn referral(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path((id, rid)): Path<(String, String)>,
    Form(f): Form<StatusForm>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let rid = flow::parse_referral_id(&rid)?;
    let r = flow::referral_status(&state, &actor, ip, id, rid, &f.status).await;
    back(id, "referral", r.map(drop))
}

#[derive(Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    caseworker: String,
    #[serde(default)]
    reason: String,
}

/// `POST /cases/{id}/transfer`. Done, the case has left the reader's
/// hands unless she is on the new team: she goes to her case list.
pub async fn transfer(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<TransferForm>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let input = TransferInput {
        unit_code: f.unit_code,
        caseworker: opt(f.caseworker),
        reason: f.reason,
    };
    match flow::transfer(&state, &actor, ip, id, &input).await {
        Ok(_) => Ok(Redirect::to("/cases?flow=transfer").into_response()),
        Err(e) => back(id, "transfer", Err(e)),
    }
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
}

/// `POST /cases/{id}/close`.
pub async fn close(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<CloseForm>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let input = CloseInput {
        outcome: f.outcome,
        reason: f.reason,
    };
    let r = flow::request_closure(&state, &actor, ip, id, &input).await;
    back(id, "close", r.map(drop))
}

#[derive(Deserialize)]
pub struct ApproveForm {
    /// `true` or `false`, from the button pressed.
    #[serde(default)]
    approve: String,
    #[serde(default)]
    reason: String,
}

/// `POST /cases/{id}/approve-closure`.
pub async fn approve_closure(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<ApproveForm>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let approve = match f.approve.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    let input = ApproveInput {
        approve,
        reason: opt(f.reason),
    };
    let r = flow::approve_closure(&state, &actor, ip, id, &input).await;
    back(id, "approve", r.map(drop))
}

#[derive(Deserialize)]
pub struct ReopenForm {
    #[serde(default)]
    reason: String,
}

/// `POST /cases/{id}/reopen`.
pub async fn reopen(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<ReopenForm>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let input = ReopenInput { reason: f.reason };
    let r = flow::reopen(&state, &actor, ip, id, &input).await;
    back(id, "reopen", r)
}
