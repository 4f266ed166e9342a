//! The [`Actor`] of a request: a logged-in user, her unit and her scope.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use jinguo_domain::{Role, Scope, UnitCode, UnitId};
use jinguo_store::StoreError;
use jinguo_store::model::{NewAudit, Session, Unit, User};

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
}

impl Actor {
    /// The subtree this actor may reach.
    pub fn scope(&self) -> Scope {
        Scope::new(self.unit.id, self.unit.level)
    }

    pub fn has(&self, role: Role) -> bool {
        self.user.roles.contains(role)
    }

    /// Refuses with 403 when the role is missing. Scope is checked after
    /// this, by the store, and answers 404.
    pub fn require(&self, role: Role) -> AppResult<()> {
        if self.has(role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses with 403 unless the actor has one of the roles.
    pub fn require_any(&self, roles: &[Role]) -> AppResult<()> {
        if roles.iter().any(|r| self.has(*r)) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses with 403 unless the actor has the role at the region itself.
    pub fn require_region(&self, role: Role) -> AppResult<()> {
        self.require(role)?;
        if self.unit.level == jinguo_domain::Level::REGION {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
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
        let session = match state.store.session(&hash).await {
            Ok(s) => s,
            Err(StoreError::NotFound) => return Err(AppError::Unauthorized),
            Err(e) => return Err(e.into()),
        };
        Self::from_session(state, hash, session).await
    }

    /// The actor of a session already read in this request.
    async fn from_session(state: &AppState, hash: String, session: Session) -> AppResult<Actor> {
        let now = now();
        if now - session.last_seen > state.config.idle_timeout_minutes * 60
            || now - session.created_at > MAX_SESSION_SECS
        {
            state.store.delete_session(&hash).await?;
            return Err(AppError::Unauthorized);
        }
        let user = state
            .users
            .by_id(state.store.as_ref(), session.user_id)
            .await?;
        if !user.active {
            state.store.delete_session(&hash).await?;
            return Err(AppError::Unauthorized);
        }
        // One write a minute at most keeps the idle clock without a write
        // on every request.
        if now - session.last_seen >= 60 {
            state.store.touch_session(&hash, now).await?;
        }
        let unit = state
            .units
            .by_id(state.store.as_ref(), user.unit.id)
            .await?;
        Ok(Actor {
            user,
            unit,
            csrf: session.csrf_token,
            token_hash: hash,
            unread_notices: 0,
            unread_case_alerts: 0,
        })
    }
}

/// An actor authenticated by `Authorization: Bearer`; the API accepts no
/// cookies, so it needs no CSRF protection.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::Unauthorized)?;
        Actor::from_token(state, token).await.map(ApiActor)
    }
}

/// An actor authenticated by the session cookie; unauthenticated visitors
/// are sent to the login page.
pub struct WebActor(pub Actor);

impl FromRequestParts<AppState> for WebActor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .ok_or(AppError::Unauthorized)?;
        // The CSRF guard has already read the session of a form post.
        let seen = parts
            .extensions
            .remove::<SessionRead>()
            .filter(|seen| seen.token_hash == token_hash(&token));
        let mut actor = match seen {
            Some(seen) => Actor::from_session(state, seen.token_hash, seen.session).await?,
            None => Actor::from_token(state, &token).await?,
        };
        // Pages show the unread count in the menu.
        actor.unread_notices = state
            .store
            .unread_notices(actor.unit.id, actor.user.id)
            .await?;
        // Supervisors must see a high-risk alert wherever they are.
        if actor.require_any(crate::cases::CASE_ROLES).is_ok() {
            actor.unread_case_alerts = state
                .store
                .case_alerts(actor.user.id, 50)
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
