//! Taking a request and answering a tracking code, shared by the page and
//! the API. Nothing of what a woman wrote is logged or put in an error.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jinguo_domain::help::{self, HelpKind, TrackingCode};
use jinguo_domain::{FieldError, UnitCode, UnitKind};
use jinguo_store::StoreError;
use jinguo_store::model::{DictKind, HelpPublicStatus, NewHelpRequest, Unit};
use rand::RngCore;

use super::challenge::{Proof, Refusal};
use super::limit::{self, Bucket};
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now, today};

/// Largest request body the page and the API accept.
pub const MAX_BODY: usize = 16 * 1024;
/// The category that makes a request a rights-protection intake.
pub const RIGHTS_CATEGORY: &str = "rights";

/// A request as sent, before any check.
#[derive(Debug, Default)]
pub struct HelpInput {
    pub unit_code: String,
    pub category: String,
    pub kind: String,
    pub description: String,
    pub contact: Option<String>,
    pub challenge: String,
    pub nonce: Option<String>,
    pub answer: Option<String>,
    /// The hidden field people never see; only scripts fill it.
    pub honeypot: Option<String>,
}

/// Why a request was not taken, in the terms both front ends need.
#[derive(Debug)]
pub enum Refused {
    /// Bad fields, to show next to them.
    Fields(Vec<FieldError>),
    /// Anything else (store trouble).
    Other(AppError),
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Refused::Other(e)
    }
}

impl Refused {
    /// The JSON answer (the page renders its own).
    pub fn into_api(self) -> Response {
        match self {
            Refused::Fields(mut f) if f.len() == 1 => {
                AppError::Invalid(f.remove(0)).into_response()
            }
            Refused::Fields(f) => AppError::InvalidFields(f).into_response(),
            Refused::Other(e) => e.into_response(),
        }
    }
}

/// 429 with the help page's message and a hint when to try again.
pub fn too_many() -> Response {
    let mut r = AppError::Invalid(FieldError::new("request", "help.err.too_many")).into_response();
    *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("600"));
    r
}

/// 413: the body was larger than [`MAX_BODY`].
pub fn too_large() -> Response {
    let mut r = AppError::Invalid(FieldError::new("request", "help.err.too_large")).into_response();
    *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    r
}

fn ip_key(ip: Option<&str>) -> &str {
    ip.unwrap_or("-")
}

/// Whether `ip` may submit one more request; `false` past the limits.
/// Only accepted requests count ([`count_submit`]): a woman who mistypes
/// five times is not locked out.
pub async fn allow_submit(state: &AppState, ip: Option<&str>) -> bool {
    let s = &state.config.help;
    limit::allows(
        state.store.as_ref(),
        Bucket::Submit,
        ip_key(ip),
        now(),
        &[(600, s.submits_per_10min), (86_400, s.submits_per_day)],
    )
    .await
}

/// Counts an accepted request of `ip`.
pub async fn count_submit(state: &AppState, ip: Option<&str>) {
    limit::count(state.store.as_ref(), Bucket::Submit, ip_key(ip), now()).await;
}

/// Counts a lookup (or a challenge fetched) of `ip`; `false` past the limit.
pub async fn allow_lookup(state: &AppState, ip: Option<&str>) -> bool {
    let s = &state.config.help;
    limit::hit(
        state.store.as_ref(),
        Bucket::Lookup,
        ip_key(ip),
        now(),
        &[(600, s.lookups_per_10min)],
    )
    .await
}

/// A village people may pick: active, geographic, at level 5.
pub async fn village(state: &AppState, code: &str) -> Result<Unit, FieldError> {
    let bad = FieldError::new("unit_code", "help.err.place");
    let code = UnitCode::parse(code.trim()).map_err(|_| bad.clone())?;
    let unit = state
        .units
        .by_code(state.store.as_ref(), &code)
        .await
        .map_err(|_| bad.clone())?;
    if unit.active && unit.kind == UnitKind::Geo && unit.level.get() == 5 {
        Ok(unit)
    } else {
        Err(bad)
    }
}

/// Checks and records a request; returns its tracking code. The rate
/// limit is counted by the caller, before the body is read.
pub async fn submit(state: &AppState, input: HelpInput) -> Result<TrackingCode, Refused> {
    // Filled by a script that fills every field: refused with a message
    // that does not say why.
    if input
        .honeypot
        .as_deref()
        .is_some_and(|h| !h.trim().is_empty())
    {
        return Err(Refused::Fields(vec![FieldError::new(
            "request",
            "help.err.refused",
        )]));
    }
    if input.challenge.trim().is_empty() {
        return Err(Refused::Fields(vec![FieldError::new(
            "challenge",
            "help.err.no_challenge",
        )]));
    }
    let mut errors = Vec::new();
    let place = match village(state, &input.unit_code).await {
        Ok(u) => Some(u),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let kind = HelpKind::parse(&input.kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "help.err.kind"));
    }
    let categories = state
        .dictionary(DictKind::NEED_CATEGORY)
        .await
        .map_err(Refused::Other)?;
    let category = input.category.trim();
    let category_ok = (kind == Some(HelpKind::Rights) && category == RIGHTS_CATEGORY)
        || categories.iter().any(|c| c.active && c.key == category);
    if !category_ok {
        errors.push(FieldError::new("category", "help.err.category"));
    }
    let description = help::parse_description(&input.description)
        .map_err(|e| errors.push(e))
        .ok();
    let contact = help::parse_contact(input.contact.as_deref())
        .map_err(|e| errors.push(e))
        .ok();
    if !errors.is_empty() {
        return Err(Refused::Fields(errors));
    }
    let (Some(place), Some(kind), Some(description), Some(contact)) =
        (place, kind, description, contact)
    else {
        unreachable!("every missing value pushed an error");
    };
    let proof = match (&input.nonce, &input.answer) {
        (Some(n), _) if !n.trim().is_empty() => Proof::Work(n.trim()),
        (_, Some(a)) if !a.trim().is_empty() => Proof::Sum(a),
        _ => Proof::Work(""),
    };
    let (field, is_sum) = match proof {
        Proof::Sum(_) => ("answer", true),
        Proof::Work(_) => ("nonce", false),
    };
    state
        .help
        .challenges
        .accept(
            input.challenge.trim(),
            proof,
            state.config.help.pow_bits,
            now(),
        )
        .map_err(|r| {
            let (field, key) = match r {
                Refusal::Invalid => ("challenge", "help.err.no_challenge"),
                Refusal::Expired | Refusal::Used => ("challenge", "help.err.expired"),
                Refusal::WrongAnswer if is_sum => (field, "help.err.answer"),
                Refusal::WrongAnswer => (field, "help.err.work"),
            };
            Refused::Fields(vec![FieldError::new(field, key)])
        })?;
    let category = if category.is_empty() {
        RIGHTS_CATEGORY.to_owned()
    } else {
        category.to_owned()
    };
    // A clash of 59-bit codes is all but impossible; draw again if it comes.
    for _ in 0..3 {
        let code = new_code();
        let new = NewHelpRequest {
            code: code.clone(),
            kind,
            place: place.clone(),
            category: category.clone(),
            description: description.clone(),
            contact: contact.clone(),
            today: today(&state.config),
        };
        match state.store.create_help_request(new, now()).await {
            Ok(_) => return Ok(code),
            Err(StoreError::Conflict("tracking_code")) => continue,
            Err(e) => return Err(Refused::Other(e.into())),
        }
    }
    Err(Refused::Other(AppError::Internal(anyhow::anyhow!(
        "no free tracking code after three draws"
    ))))
}

fn new_code() -> TrackingCode {
    let mut rng = rand::rngs::OsRng;
    TrackingCode::generate(|| {
        let mut b = [0u8; 1];
        rng.fill_bytes(&mut b);
        b[0]
    })
}

/// The status behind a code as typed. A malformed code takes the same path
/// as an unknown one (a lookup that finds nothing), so timing tells nothing.
pub async fn lookup(state: &AppState, typed: &str) -> AppResult<HelpPublicStatus> {
    let code = TrackingCode::parse(typed);
    let placeholder = TrackingCode::parse("2222-2222-2222").ok_or(AppError::NotFound);
    let probe = match &code {
        Some(c) => c.clone(),
        None => placeholder?,
    };
    let found = state.store.help_status(&probe).await;
    match (code, found) {
        (Some(_), Ok(s)) => Ok(s),
        (_, Ok(_)) | (_, Err(StoreError::NotFound)) => Err(AppError::NotFound),
        (_, Err(e)) => Err(e.into()),
    }
}

/// A date for people: the local day of a timestamp, `YYYY-MM-DD`.
pub fn local_date(state: &AppState, secs: i64) -> String {
    let offset = time::UtcOffset::from_hms(state.config.utc_offset_hours, 0, 0)
        .unwrap_or(time::UtcOffset::UTC);
    let d = time::OffsetDateTime::from_unix_timestamp(secs)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
        .date();
    jinguo_domain::activity::format_date(d)
}
