//! The [`Actor`] of a request: a logged-in user, her unit and her scope.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jinguo_domain::{Capability, Level, UnitCode, UnitId};
use jinguo_store::StoreError;
use jinguo_store::model::{LastLogin, NewAudit, Session, Unit, User};
use jinguo_store::{Scope, SessionStore};

use super::access::{Authenticated, bearer, session_token};
use super::token::token_hash;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now};

pub const SESSION_COOKIE: &str = "jinguo_session";

/// However busy, a session ends after a working day and must log in again.
pub const MAX_SESSION_SECS: i64 = 12 * 3600;

/// A logged-in user with the unit she is bound to.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub unit: Unit,
    pub csrf: String,
    pub token_hash: String,
    /// Unread notices of her unit; counted for pages only (the menu shows it).
    pub unread_notices: i64,
    /// Unread case alerts of a caseworker or administrator; pages only.
    pub unread_case_alerts: i64,
    /// The login before the one that started this session (`None`: it was
    /// the account's first), shown at login as MLPS level 3 asks.
    pub last_login: Option<LastLogin>,
    /// This is the first page after the login: it shows `last_login`.
    pub login_notice: bool,
    /// Minted from the session by the system handle; private, so no other
    /// code can make an actor or a scope.
    scope: Scope,
}

impl Actor {
    /// The subtree this actor may reach, carrying her capabilities.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// Whether her roles grant the capability (see
    /// [`jinguo_domain::access`]). Routes are checked by the route table's
    /// layer; pages use this to show only what she may use.
    pub fn can(&self, cap: Capability) -> bool {
        self.scope.can(cap)
    }

    /// Whether she holds the capability at the region itself.
    pub fn can_at_region(&self, cap: Capability) -> bool {
        self.can(cap) && self.unit.level == Level::REGION
    }

    /// The unit a list is about: the named one if it lies in this actor's
    /// subtree (otherwise `NotFound`, like a unit that does not exist), or
    /// her own unit when none is named.
    pub async fn unit_or_own(&self, state: &AppState, code: Option<&UnitCode>) -> AppResult<Unit> {
        match code {
            Some(code) => Ok(state.store.unit_in_scope(self.scope(), code).await?),
            None => Ok(self.unit.clone()),
        }
    }

    /// Appends an audit entry for something this actor did to `unit`.
    pub async fn audit(
        &self,
        state: &AppState,
        ip: Option<String>,
        action: &'static str,
        unit: UnitId,
        detail: String,
    ) -> AppResult<()> {
        state
            .store
            .append_audit(NewAudit {
                at: now(),
                actor: Some((self.user.id, self.user.username.clone())),
                action,
                detail,
                ip,
                unit,
            })
            .await?;
        Ok(())
    }

    /// Resolves a session token to an actor, ending idle sessions.
    pub async fn from_token(state: &AppState, token: &str) -> AppResult<Actor> {
        let hash = token_hash(token);
        let session = match state.system.0.session(&hash).await {
            Ok(s) => s,
            Err(StoreError::NotFound) => return Err(AppError::Unauthorized),
            Err(e) => return Err(e.into()),
        };
        Self::from_session(state, hash, session).await
    }

    /// The actor of a session already read in this request.
    pub(super) async fn from_session(
        state: &AppState,
        hash: String,
        session: Session,
    ) -> AppResult<Actor> {
        let now = now();
        if now - session.last_seen > state.config.idle_timeout_minutes * 60
            || now - session.created_at > MAX_SESSION_SECS
        {
            state.system.0.delete_session(&hash).await?;
            return Err(AppError::Unauthorized);
        }
        let system = state.system.0.as_ref();
        let user = state.users.by_id(system, session.user_id).await?;
        if !user.active {
            state.system.0.delete_session(&hash).await?;
            return Err(AppError::Unauthorized);
        }
        // One write a minute at most keeps the idle clock without a write
        // on every request.
        if now - session.last_seen >= 60 {
            system.touch_session(&hash, now).await?;
        }
        let unit = state
            .units
            .by_id(state.store.as_ref(), user.unit.id)
            .await?;
        let scope = system
            .scope_of_user(&user, &unit)
            .ok_or(AppError::Unauthorized)?;
        Ok(Actor {
            scope,
            user,
            unit,
            csrf: session.csrf_token,
            token_hash: hash,
            unread_notices: 0,
            unread_case_alerts: 0,
            last_login: session.prev_login,
            login_notice: session.login_notice,
        })
    }
}

/// An actor authenticated by `Authorization: Bearer`, as the access layer
/// found it.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        if let Some(Authenticated(actor)) = parts.extensions.remove::<Authenticated>() {
            return Ok(ApiActor(actor));
        }
        let token = bearer(&parts.headers).ok_or(AppError::Unauthorized)?;
        Actor::from_token(state, &token).await.map(ApiActor)
    }
}

/// An actor authenticated by the session cookie, as the access layer found
/// it, with the counts the menu shows.
pub struct WebActor(pub Actor);

impl FromRequestParts<AppState> for WebActor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let mut actor = match parts.extensions.remove::<Authenticated>() {
            Some(Authenticated(actor)) => actor,
            None => {
                let token = session_token(&parts.headers).ok_or(AppError::Unauthorized)?;
                Actor::from_token(state, &token).await?
            }
        };
        // The first page after logging in shows the login before; once.
        if actor.login_notice {
            state.system.0.clear_login_notice(&actor.token_hash).await?;
        }
        // Pages show the unread count in the menu.
        actor.unread_notices = state
            .store
            .unread_notices(actor.unit.id, actor.user.id)
            .await?;
        // Supervisors must see a high-risk alert wherever they are.
        if actor.can(Capability::OpenCases) {
            actor.unread_case_alerts = state
                .store
                .case_alerts(actor.scope(), 50)
                .await?
                .iter()
                .filter(|a| !a.read)
                .count() as i64;
        }
        Ok(WebActor(actor))
    }
}

/// A session as read earlier in the same request (by the CSRF guard), so
/// the actor is resolved without reading it twice.
#[derive(Clone)]
pub struct SessionRead {
    pub token_hash: String,
    pub session: Session,
}
