//! CSRF protection for every state-changing web request, in one middleware.
//!
//! With a session, the token is the one stored with the session; before
//! login, a random cookie must match the form field (double submit). The
//! token comes from the `X-CSRF-Token` header (htmx), the `_csrf` field of
//! an url-encoded form, or the `_csrf` field of a multipart form (file
//! uploads). Never from the address: a token in a URL leaks into history
//! and logs.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use super::actor::{SESSION_COOKIE, SessionRead};
use super::token::{constant_time_eq, token_hash};
use jinguo_store::SessionStore;

use crate::error::AppError;
use crate::state::AppState;

pub const PRE_SESSION_COOKIE: &str = "jinguo_csrf";
pub const FIELD: &str = "_csrf";
pub const HEADER: &str = "x-csrf-token";
/// Web forms are small; anything larger is refused before parsing.
const MAX_FORM_BYTES: usize = 64 * 1024;
/// An upload's whole body: the largest file plus room for the other
/// fields and the multipart framing.
pub const MAX_UPLOAD_BODY: usize = crate::xlsx::import::MAX_FILE_BYTES + 256 * 1024;

/// What a file-upload form may send (see `crate::routes::RouteDef::upload`);
/// other forms are small.
#[derive(Debug, Clone)]
pub struct Upload {
    pub max_body: usize,
    /// The field error a larger body answers (with 413).
    pub too_large: jinguo_domain::FieldError,
}

/// The `_csrf` field of a multipart body, if any.
async fn multipart_token(content_type: &str, bytes: Bytes) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().for_field(FIELD, 1024));
    let mut form = multer::Multipart::with_constraints(
        Body::from(bytes).into_data_stream(),
        boundary,
        constraints,
    );
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

pub async fn guard(
    State((state, upload)): State<(AppState, Option<Upload>)>,
    mut req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // The public help form acts for no session, so a forged post could do
    // nothing the public API does not allow anyway; its server-signed,
    // single-use challenge stands in for the token (the lookup form reads
    // only, under the lookup limit). Exempt, it needs no
    // cookie: nothing is left on a shared phone, and cookies may be off.
    // Forms under /public/ (a module's pages for people without an
    // account, such as the honours notice's objections) are the same kind:
    // each carries the help page's challenge.
    if matches!(
        req.uri().path(),
        crate::help::FORM_PATH | crate::help::TRACK_PATH
    ) || req.uri().path().starts_with("/public/")
    {
        return next.run(req).await;
    }
    let jar = CookieJar::from_headers(req.headers());
    let session = match jar.get(SESSION_COOKIE) {
        Some(c) => {
            let hash = token_hash(c.value());
            state
                .system
                .0
                .session(&hash)
                .await
                .ok()
                .map(|session| SessionRead {
                    token_hash: hash,
                    session,
                })
        }
        None => None,
    };
    let expected = match &session {
        Some(s) => Some(s.session.csrf_token.clone()),
        None => jar.get(PRE_SESSION_COOKIE).map(|c| c.value().to_owned()),
    };
    if let Some(s) = session {
        req.extensions_mut().insert(s);
    }
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
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_multipart = content_type.starts_with("multipart/form-data");
    let upload = upload.filter(|_| is_multipart);
    let limit = upload.as_ref().map_or(MAX_FORM_BYTES, |u| u.max_body);
    let Ok(bytes) = to_bytes(body, limit).await else {
        if let Some(u) = upload {
            let mut resp = AppError::Invalid(u.too_large).into_response();
            *resp.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            return resp;
        }
        return AppError::BadRequest("form too large".into()).into_response();
    };
    let provided = match header_token {
        Some(t) => Some(t),
        None if is_form => serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v)),
        None if is_multipart => multipart_token(&content_type, bytes.clone()).await,
        None => None,
    };
    match provided {
        Some(p) if constant_time_eq(&p, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => AppError::Csrf.into_response(),
    }
}
