//! A retried submit records once (issues 14 and 18): the web side of
//! idempotency keys.
//!
//! An API create may send an `Idempotency-Key` header ([`ApiOnce`]); a web
//! form carries a hidden `idempotency_key` made when it was rendered
//! ([`new_key`], read by [`Once::form`]). [`Once::run`] wraps the handler's
//! work: a key seen before from the same user on the same route gives the
//! original answer again (the same status and JSON body, or the same
//! redirect) and writes nothing; the same key with other content is a 422;
//! a new key goes to the store, which takes it in the same transaction as
//! the record (`jinguo_store::idempotency`), so two concurrent retries
//! cannot both write. A handler gains one line.

use crate::auth::token::hex;
use std::future::Future;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jinguo_domain::FieldError;
use jinguo_domain::arrival::{IdempotencyKey, parse_made_at};
use jinguo_store::idempotency::{Arrival, Claim, Kept, KeptAnswer, TAKEN};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::routes::api::ApiJson;
use crate::state::AppState;

/// The API's header.
pub const HEADER: &str = "Idempotency-Key";
/// The web forms' hidden field.
pub const FIELD: &str = "idempotency_key";
/// Set on an answer given again for a repeated key.
pub const REPLAYED: &str = "idempotent-replayed";

/// Form fields that are not the record's content: the session's CSRF
/// token (new after a new login), the key itself, and the device's time,
/// which a page's script fills at each attempt.
const NOT_CONTENT: &[&str] = &["_csrf", FIELD, "made_at"];

/// The largest JSON body read (axum's default body limit).
const MAX_JSON_BODY: usize = 2 * 1024 * 1024;

/// How long a repeat waits for the first submission's answer while that is
/// still being written, before it answers 409.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(5);

/// A new key for a form being rendered: 256 random bits.
pub fn new_key() -> String {
    crate::auth::token::new_token()
}

/// What a create takes beyond its fields: the claim of its key (from
/// [`Once::run`]) and the device's time as sent (checked by [`Sent::arrival`]).
#[derive(Debug, Default)]
pub struct Sent {
    pub claim: Option<Claim>,
    /// RFC 3339, blank or absent when not said.
    pub made_at: Option<String>,
}

impl Sent {
    pub fn new(claim: Option<Claim>, made_at: Option<&str>) -> Self {
        Sent {
            claim,
            made_at: made_at.map(str::to_owned),
        }
    }

    /// A web form's: the device time filled by the page's script, dropped
    /// when the phone's clock is off, since nobody on the form could
    /// correct it; the record still arrives, with the server's time.
    pub fn from_form(claim: Option<Claim>, made_at: &str) -> Self {
        let ok = parse_made_at(made_at, crate::state::now()).is_ok();
        Sent {
            claim,
            made_at: ok.then(|| made_at.to_owned()),
        }
    }

    /// The store's arrival, the device time checked against `now`
    /// (field `made_at`).
    pub fn arrival(&self, now: i64) -> Result<Arrival, FieldError> {
        Ok(Arrival {
            claim: self.claim.clone(),
            made_at: parse_made_at(self.made_at.as_deref().unwrap_or(""), now)?,
        })
    }
}

/// The `Idempotency-Key` header, for the OpenAPI document of every create
/// that takes it.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyHeader {
    /// Makes a retried request record once: a repeat of the key by the same user on the same
    /// path answers the original status and body again and writes nothing (header
    /// `Idempotent-Replayed: true`); the same key with a different body answers `422` with
    /// field `Idempotency-Key`; a repeat while the first is still being written answers `409`.
    /// 1–100 printable ASCII characters (otherwise `422` with field `Idempotency-Key`); keys
    /// are kept at least 30 days and are per user.
    #[param(
        rename = "Idempotency-Key",
        min_length = 1,
        max_length = 100,
        pattern = "^[ -~]+$"
    )]
    #[expect(
        dead_code,
        reason = "read from the header by ApiOnce; here for the document"
    )]
    idempotency_key: Option<String>,
}

/// The request a key belongs to: where it came from, the key and a digest
/// of the content. `None` inside when the request carries no key.
pub struct Once(Option<Keyed>);

struct Keyed {
    /// The header or field name, for messages.
    field: &'static str,
    route: String,
    key: IdempotencyKey,
    body_sha256: String,
}

/// `POST /path`: keys are per route.
fn route_of(method: &Method, path: &str) -> String {
    format!("{method} {path}")
}

/// The route of a web form's request, for [`Once::form`].
pub struct FormRoute(String);

impl<S: Send + Sync> FromRequestParts<S> for FormRoute {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(FormRoute(route_of(&parts.method, parts.uri.path())))
    }
}

/// A form's name–value pairs as a typed form (the pairs having been kept
/// for [`Once::form`]).
pub fn parse_pairs<T: DeserializeOwned>(pairs: &[(String, String)]) -> AppResult<T> {
    let encoded =
        serde_urlencoded::to_string(pairs).map_err(|e| AppError::BadRequest(e.to_string()))?;
    serde_urlencoded::from_str(&encoded).map_err(|e| AppError::BadRequest(e.to_string()))
}

impl Once {
    /// A web form's key (its hidden field) and content: the fields but the
    /// CSRF token, the key and the device time, in order, and the digest
    /// of each uploaded file. A missing field is no key (a form rendered
    /// before keys existed); a malformed one is a field error.
    pub fn form<'a>(
        route: FormRoute,
        fields: &[(String, String)],
        files: impl IntoIterator<Item = &'a [u8]>,
    ) -> AppResult<Self> {
        let Some((_, raw)) = fields.iter().find(|(k, _)| k == FIELD) else {
            return Ok(Once(None));
        };
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Once(None));
        }
        let key = IdempotencyKey::parse(raw, FIELD)?;
        let content: Vec<&(String, String)> = fields
            .iter()
            .filter(|(k, _)| !NOT_CONTENT.contains(&k.as_str()))
            .collect();
        let mut hash = Sha256::new();
        hash.update(
            serde_urlencoded::to_string(&content)
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
        );
        for f in files {
            hash.update(b"\0file:");
            hash.update(Sha256::digest(f));
        }
        Ok(Once(Some(Keyed {
            field: FIELD,
            route: route.0,
            key,
            body_sha256: hex(&hash.finalize()),
        })))
    }

    fn claim(&self, actor: &Actor) -> Option<(Claim, &'static str)> {
        let k = self.0.as_ref()?;
        Claim::of(
            actor.scope(),
            k.route.clone(),
            k.key.as_str().to_owned(),
            k.body_sha256.clone(),
        )
        .map(|c| (c, k.field))
    }

    /// Runs `work` once per key: `work` gets the claim to hand to the
    /// store's create (which takes it with the record), and its answer is
    /// kept for repeats. Without a key, `work` simply runs.
    pub async fn run<F, Fut, R>(
        self,
        state: &AppState,
        actor: &Actor,
        work: F,
    ) -> AppResult<Response>
    where
        F: FnOnce(Option<Claim>) -> Fut,
        Fut: Future<Output = AppResult<R>>,
        R: IntoResponse,
    {
        let Some((claim, field)) = self.claim(actor) else {
            return work(None).await.map(IntoResponse::into_response);
        };
        if let Some(answer) = earlier(state, &claim, field).await? {
            return Ok(answer);
        }
        match work(Some(claim.clone())).await {
            Ok(r) => Ok(keep(state, &claim, r.into_response()).await),
            // A concurrent submission took the key first: its answer.
            Err(AppError::Conflict { field: TAKEN, .. }) => earlier(state, &claim, field)
                .await?
                .ok_or(AppError::Conflict {
                    field,
                    key: "err.idem.pending",
                }),
            Err(e) => Err(e),
        }
    }
}

/// The answer to a key seen before: the original one, a 422 for other
/// content, or, while the first is still being written, the first's answer
/// once it is there (409 if it takes too long). `None` for a new key.
async fn earlier(
    state: &AppState,
    claim: &Claim,
    field: &'static str,
) -> AppResult<Option<Response>> {
    let started = tokio::time::Instant::now();
    loop {
        let Some(Kept {
            body_sha256,
            answer,
        }) = state.store.kept(claim).await?
        else {
            return Ok(None);
        };
        if body_sha256 != claim.body_sha256 {
            return Err(AppError::Invalid(FieldError::new(field, "err.idem.reused")));
        }
        if let Some(a) = answer {
            return Ok(Some(replay(a)));
        }
        if started.elapsed() >= WAIT_FOR_FIRST {
            return Err(AppError::Conflict {
                field,
                key: "err.idem.pending",
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Keeps a successful answer (2xx, or a form's redirect) beside its key;
/// anything else (a form shown again with its errors) wrote nothing and is
/// not kept.
async fn keep(state: &AppState, claim: &Claim, resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_success() || status.is_redirection()) {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    // Create answers are small JSON bodies or empty redirects.
    let bytes = match axum::body::to_bytes(body, 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "answer not kept for its idempotency key");
            return Response::from_parts(parts, Body::empty());
        }
    };
    let answer = KeptAnswer {
        status: status.as_u16(),
        location: parts
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: (!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes).into_owned()),
    };
    // The record is written: a failure here only costs a repeat its
    // original answer (it is told to wait), never a second record.
    if let Err(e) = state.store.keep_answer(claim, &answer).await {
        tracing::warn!(error = %e, "answer not kept for its idempotency key");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The original answer, given again.
fn replay(a: KeptAnswer) -> Response {
    let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::OK);
    let mut resp = match a.body {
        Some(body) => (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            Bytes::from(body),
        )
            .into_response(),
        None => status.into_response(),
    };
    let h = resp.headers_mut();
    if let Some(loc) = a.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        h.insert(header::LOCATION, loc);
    }
    h.insert(REPLAYED, HeaderValue::from_static("true"));
    resp
}

/// An API request without a body (`POST …/submit`) and its optional
/// `Idempotency-Key`: the content is the empty body.
impl<S: Send + Sync> FromRequestParts<S> for Once {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let key = header_key(parts)?;
        let route = route_of(&parts.method, parts.uri.path());
        Ok(Once(key.map(|key| Keyed {
            field: HEADER,
            route,
            key,
            body_sha256: hex(&Sha256::digest(b"")),
        })))
    }
}

/// The `Idempotency-Key` header, if sent; malformed is a 422 naming it.
fn header_key(parts: &Parts) -> Result<Option<IdempotencyKey>, AppError> {
    match parts.headers.get(HEADER) {
        None => Ok(None),
        Some(v) => Ok(Some(
            v.to_str()
                .map_err(|_| FieldError::new(HEADER, "err.idem.key"))
                .and_then(|s| IdempotencyKey::parse(s, HEADER))?,
        )),
    }
}

/// An API create's JSON body with its optional `Idempotency-Key`: the body
/// parsed as [`ApiJson`] parses it, the key checked (malformed: 422 naming
/// the header), the content's digest taken from the JSON value, so
/// whitespace and key order do not make a repeat "different".
pub struct ApiOnce<T> {
    pub once: Once,
    pub body: T,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiOnce<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let (parts, body) = req.into_parts();
        let key = header_key(&parts)?;
        let route = route_of(&parts.method, parts.uri.path());
        // The limit axum's own extractors apply by default (`ApiJson` sees
        // the same bytes after this).
        let bytes = axum::body::to_bytes(body, MAX_JSON_BODY)
            .await
            .map_err(|e| AppError::BadRequest(format!("Failed to buffer the request body: {e}")))?;
        let body_sha256 = match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(v) => hex(&Sha256::digest(v.to_string())),
            Err(_) => hex(&Sha256::digest(&bytes)),
        };
        let req = Request::from_parts(parts, Body::from(bytes));
        let ApiJson(body) = ApiJson::<T>::from_request(req, state).await?;
        Ok(ApiOnce {
            once: Once(key.map(|key| Keyed {
                field: HEADER,
                route,
                key,
                body_sha256,
            })),
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect()
    }

    fn digest(o: &Once) -> &str {
        &o.0.as_ref().unwrap().body_sha256
    }

    #[test]
    fn a_form_digest_ignores_the_token_the_key_and_the_device_time() {
        let r = || FormRoute("POST /activities".into());
        let a = Once::form(
            r(),
            &pairs(&[
                ("_csrf", "a"),
                (FIELD, "k1"),
                ("title", "宣讲"),
                ("made_at", "x"),
            ]),
            [&b"jpeg"[..]],
        )
        .unwrap();
        let b = Once::form(
            r(),
            &pairs(&[("_csrf", "b"), ("title", "宣讲"), (FIELD, "k1")]),
            [&b"jpeg"[..]],
        )
        .unwrap();
        assert_eq!(digest(&a), digest(&b));
        let other_photo = Once::form(
            r(),
            &pairs(&[(FIELD, "k1"), ("title", "宣讲")]),
            [&b"png"[..]],
        )
        .unwrap();
        assert_ne!(digest(&a), digest(&other_photo));
        let other_title = Once::form(
            r(),
            &pairs(&[(FIELD, "k1"), ("title", "讲")]),
            [&b"jpeg"[..]],
        )
        .unwrap();
        assert_ne!(digest(&a), digest(&other_title));
    }

    #[test]
    fn a_form_without_a_key_runs_plainly_and_a_bad_key_is_a_field_error() {
        let r = || FormRoute("POST /needs".into());
        assert!(
            Once::form(r(), &pairs(&[("x", "1")]), [])
                .unwrap()
                .0
                .is_none()
        );
        let e = Once::form(r(), &pairs(&[(FIELD, "键")]), []).err().unwrap();
        assert_eq!(e.field(), Some(FIELD));
    }
}
