//! The public help API (no login) and the intake list of rights requests.

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jinguo_domain::FieldError;
use jinguo_domain::UnitCode;
use jinguo_domain::help::HelpKind;
use jinguo_domain::help::HelpStatus;
use jinguo_store::model::HelpSummary;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::openapi::{BadRequest, ErrorBody, HelpInvalid, HelpTooMany, Internal, NotFound};
use super::{ApiQuery, unit_of};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::help::submit::{self, HelpInput};
use crate::net::ClientIp;
use crate::paging::PageNo;
use crate::state::{AppState, now};

/// A proof-of-work challenge.
#[derive(Serialize, ToSchema)]
pub struct HelpChallenge {
    /// A server-signed challenge `expires.salt.mac`, good for 30 minutes and for one accepted
    /// request.
    challenge: String,
    /// Leading zero bits SHA-256(challenge ‖ nonce) must have (16 by default).
    #[schema(minimum = 0, maximum = 64, example = 16)]
    bits: u32,
}

/// The tracking code of a request just received.
#[derive(Serialize, ToSchema)]
pub struct HelpCreated {
    /// 12 characters without look-alikes, grouped by four. Read back case-insensitively, with or
    /// without the dashes.
    #[schema(
        pattern = "^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$",
        example = "K7QM-3XWD-9HPA"
    )]
    tracking_code: String,
}

/// What the public may know of a request.
#[derive(Serialize, ToSchema)]
pub struct HelpPublicStatus {
    status: HelpStatus,
    /// Local date of the last action on the request.
    #[schema(format = Date, example = "2026-11-29")]
    updated_at: String,
}

/// A page of rights requests, newest first.
#[derive(Serialize, ToSchema)]
pub struct HelpRequestList {
    items: Vec<HelpSummary>,
    has_next: bool,
}

/// A tracking code to look up. It travels in the body, never in an
/// address, so it stays out of browser history, proxies' and the server's
/// access logs.
#[derive(Deserialize, ToSchema)]
#[schema(as = HelpLookup)]
pub struct TrackingCodeBody {
    /// As shown to her; case and dashes do not matter.
    #[serde(default)]
    #[schema(max_length = 40)]
    pub tracking_code: String,
}

/// `GET /api/v1/public/help/challenge`: a challenge for the proof of work.
#[utoipa::path(
    get,
    path = "/api/v1/public/help/challenge",
    operation_id = "getHelpChallenge",
    tag = "help",
    summary = "A proof-of-work challenge for a help request",
    description = "Returns a challenge signed by the server (HMAC-SHA256 under a secret drawn at \
                   start) and the difficulty. Find a `nonce` such that SHA-256(`challenge` ‖ \
                   `nonce`) has `bits` leading zero bits (about 65,000 hashes at 16 bits, well \
                   under a second on a phone) and send both with `POST /api/v1/public/help`. A \
                   challenge is good for 30 minutes and one accepted request; a restart of the \
                   server voids it. Counts against the lookup limit.",
    responses(
        (status = 200, description = "A fresh challenge.", body = HelpChallenge),
        (status = 429, response = HelpTooMany),
        (status = 500, response = Internal),
    ),
)]
pub async fn challenge(State(state): State<AppState>, ClientIp(ip): ClientIp) -> Response {
    if !submit::allow_lookup(&state, ip.as_deref()).await {
        return submit::too_many();
    }
    Json(HelpChallenge {
        challenge: state.help.challenges.issue(now()),
        bits: state.config.help.pow_bits,
    })
    .into_response()
}

/// A help request. Every field is checked; the first wrong one answers `422` (see `HelpInvalid`).
#[derive(Deserialize, ToSchema)]
#[schema(as = HelpRequestInput)]
struct HelpBody {
    /// The village (level 5, active) where she lives.
    #[serde(default)]
    #[schema(value_type = UnitCode)]
    unit_code: String,
    /// A key of the `need-categories` dictionary, or `rights` with kind `rights`.
    #[serde(default)]
    #[schema(example = "employment")]
    category: String,
    /// The problem, in her words. No control characters other than line breaks; at most two
    /// links. Sealed at rest.
    #[serde(default)]
    #[schema(max_length = 2000)]
    description: String,
    /// A phone or another way to reach her; leave out for an anonymous consultation. Sealed at
    /// rest.
    #[schema(max_length = 100)]
    contact: Option<String>,
    #[serde(default)]
    #[schema(value_type = HelpKind)]
    kind: String,
    /// From `GET /api/v1/public/help/challenge`.
    #[serde(default)]
    challenge: String,
    /// Any string such that SHA-256 of the UTF-8 bytes of `challenge` followed by `nonce` starts
    /// with `bits` zero bits (a decimal counter is usual).
    #[schema(max_length = 32)]
    nonce: Option<String>,
    /// Honeypot: leave out or empty. A filled value is refused with a generic `422`.
    website: Option<String>,
}

/// `POST /api/v1/public/help`: 201 `{"tracking_code"}`.
#[utoipa::path(
    post,
    path = "/api/v1/public/help",
    operation_id = "createHelpRequest",
    tag = "help",
    summary = "Ask for help (no login)",
    description = "Records a request at a village. It is queued at the village when the village \
                   has an active user with the admin or cadre role, else at its township. Kind \
                   `need` becomes a need (source `help`, urgency normal) in that queue in the same \
                   transaction; kind `rights` is a confidential intake for caseworkers. The \
                   description and contact are sealed at rest. Bodies over 16 KB answer `413`.",
    request_body = HelpBody,
    responses(
        (status = 201, description = "Received; keep the tracking code.", body = HelpCreated),
        (status = 413, description = "The body is larger than 16 KB (error code `invalid`, field \
                                   `request`). Nothing is saved.", body = ErrorBody),
        (status = 422, response = HelpInvalid),
        (status = 429, response = HelpTooMany),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(State(state): State<AppState>, ClientIp(ip): ClientIp, body: Body) -> Response {
    if !submit::allow_submit(&state, ip.as_deref()).await {
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
        Ok(code) => {
            submit::count_submit(&state, ip.as_deref()).await;
            (
                StatusCode::CREATED,
                Json(HelpCreated {
                    tracking_code: code.grouped(),
                }),
            )
                .into_response()
        }
        Err(r) => r.into_api(),
    }
}

/// `POST /api/v1/public/help/status`: the status and the date of the last
/// action, nothing else.
#[utoipa::path(
    post,
    path = "/api/v1/public/help/status",
    operation_id = "lookUpHelpStatus",
    tag = "help",
    summary = "The status of a help request",
    description = "Only the status and the date of the last action, never the request itself. \
                   The code is sent in the body, so it never appears in an address, a \
                   browser's history or an access log. An unknown or malformed code answers \
                   `404`. Counts against the lookup limit.",
    request_body = TrackingCodeBody,
    responses(
        (status = 200, description = "Status and date.", body = HelpPublicStatus),
        (status = 404, response = NotFound),
        (status = 413, description = "The body is larger than 1 KB (error code `invalid`, field \
         `request`).", body = ErrorBody),
        (status = 422, response = HelpInvalid),
        (status = 429, response = HelpTooMany),
        (status = 500, response = Internal),
    ),
)]
pub async fn status(State(state): State<AppState>, ClientIp(ip): ClientIp, body: Body) -> Response {
    if !submit::allow_lookup(&state, ip.as_deref()).await {
        return submit::too_many();
    }
    let Ok(bytes) = to_bytes(body, 1024).await else {
        return submit::too_large();
    };
    let Ok(b) = serde_json::from_slice::<TrackingCodeBody>(&bytes) else {
        return AppError::Invalid(FieldError::new("request", "help.err.malformed")).into_response();
    };
    match submit::lookup(&state, &b.tracking_code).await {
        Ok(s) => Json(HelpPublicStatus {
            status: s.status,
            updated_at: submit::local_date(&state, s.updated_at),
        })
        .into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IntakeQuery {
    /// Code of the unit whose subtree to read; defaults to the caller's unit. A malformed code
    /// answers `400`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Only `rights` (the default).
    kind: Option<String>,
    /// 1-based page of 50.
    #[param(minimum = 1)]
    page: Option<i64>,
}

/// `GET /api/v1/help-requests?unit={code}&kind=rights`: rights requests
/// queued in the unit's subtree, newest first; no description or contact.
#[utoipa::path(
    get,
    path = "/api/v1/help-requests",
    operation_id = "listHelpRequests",
    tag = "help",
    summary = "Rights-protection requests of a subtree",
    description = "Rights requests from the public page queued at the unit `unit` or below, newest \
                   first, without description or contact (opening one is a web page that is \
                   audited). Without `unit`, the caller's own unit; a `unit` outside the caller's \
                   subtree answers `404`. Needs from the page are listed in the needs queue \
                   instead: `kind` other than `rights` answers `422`.",
    params(IntakeQuery),
    responses(
        (status = 200, description = "Requests, newest first.", body = HelpRequestList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, description = "`kind` is not `rights` (error code `invalid`, field `kind`).", body = ErrorBody),
        (status = 500, response = Internal),
    ),
)]
pub async fn intake(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<IntakeQuery>,
) -> AppResult<Json<HelpRequestList>> {
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
    Ok(Json(HelpRequestList { items, has_next }))
}
