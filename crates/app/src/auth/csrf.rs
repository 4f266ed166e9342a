//! CSRF protection for every state-changing web request, in one middleware.
//!
//! With a session, the token is the one stored with the session; before
//! login, a random cookie must match the form field (double submit). The
//! token comes from the `X-CSRF-Token` header (htmx) or the `_csrf` field of
//! an url-encoded form.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use super::actor::SESSION_COOKIE;
use super::token::{constant_time_eq, token_hash};
use crate::error::AppError;
use crate::state::AppState;

pub const PRE_SESSION_COOKIE: &str = "jinguo_csrf";
pub const FIELD: &str = "_csrf";
pub const HEADER: &str = "x-csrf-token";
/// Web forms are small; anything larger is refused before parsing.
const MAX_FORM_BYTES: usize = 64 * 1024;

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let jar = CookieJar::from_headers(req.headers());
    let expected = match jar.get(SESSION_COOKIE) {
        Some(c) => state
            .store
            .session(&token_hash(c.value()))
            .await
            .ok()
            .map(|s| s.csrf_token)
            .or_else(|| jar.get(PRE_SESSION_COOKIE).map(|c| c.value().to_owned())),
        None => jar.get(PRE_SESSION_COOKIE).map(|c| c.value().to_owned()),
    };
    let Some(expected) = expected else {
        // No live session and no login form token: someone whose session
        // ended is sent to log in again; a bare login post is refused.
        let err = if req.uri().path() == "/login" {
            AppError::Csrf
        } else {
            AppError::Unauthorized
        };
        return err.into_response();
    };
    let header_token = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (parts, body) = req.into_parts();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return AppError::BadRequest("form too large".into()).into_response();
    };
    let provided = header_token.or_else(|| {
        is_form
            .then(|| serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).ok())
            .flatten()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v))
    });
    match provided {
        Some(p) if constant_time_eq(&p, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => AppError::Csrf.into_response(),
    }
}
