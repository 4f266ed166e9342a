//! The public help API (no login) and the intake list of rights requests.

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jinguo_domain::FieldError;
use jinguo_domain::help::HelpKind;
use serde::Deserialize;
use serde_json::json;

use super::{ApiQuery, unit_of};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::help::submit::{self, HelpInput};
use crate::net::ClientIp;
use crate::paging::PageNo;
use crate::state::{AppState, now};

/// `GET /api/v1/public/help/challenge`: a challenge for the proof of work.
pub async fn challenge(State(state): State<AppState>, ClientIp(ip): ClientIp) -> Response {
    if !submit::allow_lookup(&state, ip.as_deref()) {
        return submit::too_many();
    }
    Json(json!({
        "challenge": state.help.challenges.issue(now()),
        "bits": state.config.help.pow_bits,
    }))
    .into_response()
}

#[derive(Deserialize)]
struct HelpBody {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    description: String,
    contact: Option<String>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    challenge: String,
    nonce: Option<String>,
    /// The honeypot, for clients that copy the page's form.
    website: Option<String>,
}

/// `POST /api/v1/public/help`: 201 `{"tracking_code"}`.
pub async fn create(State(state): State<AppState>, ClientIp(ip): ClientIp, body: Body) -> Response {
    if !submit::allow_submit(&state, ip.as_deref()) {
        return submit::too_many();
    }
    let Ok(bytes) = to_bytes(body, submit::MAX_BODY).await else {
        return submit::too_large();
    };
    let b: HelpBody = match serde_json::from_slice(&bytes) {
        Ok(b) => b,
        Err(_) => {
            return AppError::Invalid(FieldError::new("request", "help.err.malformed"))
                .into_response();
        }
    };
    let input = HelpInput {
        unit_code: b.unit_code,
        category: b.category,
        kind: b.kind,
        description: b.description,
        contact: b.contact,
        challenge: b.challenge,
        nonce: b.nonce,
        answer: None,
        honeypot: b.website,
    };
    match submit::submit(&state, input).await {
        Ok(code) => (
            StatusCode::CREATED,
            Json(json!({"tracking_code": code.grouped()})),
        )
            .into_response(),
        Err(r) => r.into_api(),
    }
}

/// `GET /api/v1/public/help/{tracking_code}`: the status and the date of
/// the last action, nothing else.
pub async fn status(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> Response {
    if !submit::allow_lookup(&state, ip.as_deref()) {
        return submit::too_many();
    }
    match submit::lookup(&state, &code).await {
        Ok(s) => Json(json!({
            "status": s.status,
            "updated_at": submit::local_date(&state, s.updated_at),
        }))
        .into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct IntakeQuery {
    unit: Option<String>,
    kind: Option<String>,
    page: Option<i64>,
}

/// `GET /api/v1/help-requests?unit={code}&kind=rights`: rights requests
/// queued in the unit's subtree, newest first; no description or contact.
pub async fn intake(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<IntakeQuery>,
) -> AppResult<Json<serde_json::Value>> {
    // Needs from the page are worked in the needs queue, not here.
    if q.kind
        .as_deref()
        .is_some_and(|k| k != HelpKind::Rights.as_str())
    {
        return Err(FieldError::new("kind", "help.err.intake_kind").into());
    }
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page_no = PageNo::new(q.page);
    let rows = state
        .store
        .help_requests_under(actor.scope(), &unit, HelpKind::Rights, page_no.query())
        .await?;
    let (items, has_next) = page_no.split(rows);
    Ok(Json(json!({"items": items, "has_next": has_next})))
}
