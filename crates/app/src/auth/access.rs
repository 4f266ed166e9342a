//! Access declared once per route and enforced once: the route table names
//! an [`Access`] for every route, and [`enforce`] — applied to each route
//! by the router — authenticates the caller, checks the capability and
//! hands the actor on to the handler. Handlers contain no role checks.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use jinguo_domain::Capability;

use super::actor::{Actor, SESSION_COOKIE, SessionRead};
use super::token::token_hash;
use crate::error::AppError;
use crate::state::AppState;

/// Who may call a route, before scope is considered. Scope (which units)
/// is the store's: targets outside the caller's subtree answer 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No login needed (login, assets, health, the public help page).
    Public,
    /// Any logged-in user: the tree itself, her own notices.
    LoggedIn,
    /// Users whose roles grant the capability (see
    /// [`jinguo_domain::access`]); 403 without it.
    Can(Capability),
    /// The capability, held at the region itself (region-wide settings).
    CanAtRegion(Capability),
}

impl Access {
    /// Whether an actor passes this requirement.
    pub fn allows(self, actor: &Actor) -> bool {
        match self {
            Access::Public | Access::LoggedIn => true,
            Access::Can(cap) => actor.can(cap),
            Access::CanAtRegion(cap) => actor.can_at_region(cap),
        }
    }
}

/// Where she chooses her own password.
pub const OWN_PASSWORD_PAGE: &str = "/account/password";

/// What a user whose password an administrator set may reach before she
/// has chosen her own: the form, logging out, and who she is (public pages,
/// the language switch among them, need no login at all).
const WHILE_PASSWORD_SET_BY_ADMIN: [&str; 5] = [
    OWN_PASSWORD_PAGE,
    "/logout",
    "/api/v1/session",
    "/api/v1/me",
    "/api/v1/me/password",
];

/// The actor authenticated by [`enforce`], for the extractors.
#[derive(Clone)]
pub(super) struct Authenticated(pub(super) Actor);

/// The one access layer: 401 (API) or the login page (web) without a
/// session, 403 without the capability, otherwise on to the handler with
/// the actor in the request.
pub async fn enforce(
    State((state, access)): State<(AppState, Access)>,
    mut req: Request,
    next: Next,
) -> Response {
    if access == Access::Public {
        return next.run(req).await;
    }
    let actor = if req.uri().path().starts_with("/api/") {
        match bearer(req.headers()) {
            Some(token) => Actor::from_token(&state, &token).await,
            None => Err(AppError::Unauthorized),
        }
    } else {
        web_actor(&state, &mut req).await
    };
    let actor = match actor {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    if actor.user.must_change_password && !WHILE_PASSWORD_SET_BY_ADMIN.contains(&req.uri().path()) {
        return if req.uri().path().starts_with("/api/") {
            AppError::PasswordChangeRequired.into_response()
        } else {
            Redirect::to(OWN_PASSWORD_PAGE).into_response()
        };
    }
    if !access.allows(&actor) {
        return AppError::Forbidden.into_response();
    }
    req.extensions_mut().insert(Authenticated(actor));
    next.run(req).await
}

/// `Authorization: Bearer TOKEN`; the API takes no cookies, so it needs no
/// CSRF protection.
pub(super) fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The session cookie's token.
pub(crate) fn session_token(headers: &axum::http::HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
}

/// The session cookie's actor, reusing the session the CSRF guard already
/// read for a form post.
async fn web_actor(state: &AppState, req: &mut Request) -> Result<Actor, AppError> {
    let token = session_token(req.headers()).ok_or(AppError::Unauthorized)?;
    let seen = req
        .extensions_mut()
        .remove::<SessionRead>()
        .filter(|seen| seen.token_hash == token_hash(&token));
    match seen {
        Some(seen) => Actor::from_session(state, seen.token_hash, seen.session).await,
        None => Actor::from_token(state, &token).await,
    }
}
