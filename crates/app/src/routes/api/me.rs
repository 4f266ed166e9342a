use axum::Json;
use jinguo_domain::{Roles, UserId};
use jinguo_store::model::{LastLogin, Unit, User};
use serde::Serialize;
use utoipa::ToSchema;

use axum::extract::State;
use axum::http::StatusCode;

use super::ApiJson;
use super::openapi::{BadRequest, Internal, Invalid, Locked};
use super::units::UnitPathStep;
use crate::auth::ApiActor;
use crate::auth::own_password::{self, OwnPasswordInput};
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::state::AppState;

/// A user as she sees herself.
#[derive(Serialize, ToSchema)]
pub struct CurrentUser {
    id: UserId,
    /// Login name: lowercase ASCII letters, digits, `.`, `_` and `-`, starting with a letter.
    username: String,
    unit: UnitPathStep,
    roles: Roles,
    active: bool,
    /// Her name (姓名); null for accounts made before names were kept.
    display_name: Option<String>,
    /// Her position (职务).
    position: Option<String>,
    /// Her password was set by an administrator: she must choose her own
    /// (`POST /api/v1/me/password`) before anything else answers.
    must_change_password: bool,
    /// When and from which address this account logged in before the login that started this
    /// session (MLPS level 3 asks to show it); `null` when that login was the account's first.
    last_login: Option<LastLogin>,
}

impl CurrentUser {
    pub fn new(user: &User, unit: &Unit) -> Self {
        CurrentUser {
            id: user.id,
            username: user.username.clone(),
            unit: UnitPathStep::of(unit),
            roles: user.roles.clone(),
            active: user.active,
            display_name: user.display_name.clone(),
            position: user.position.clone(),
            must_change_password: user.must_change_password,
            last_login: None,
        }
    }

    /// With the login before this session's.
    pub fn with_last_login(mut self, last: Option<LastLogin>) -> Self {
        self.last_login = last;
        self
    }
}

/// `GET /api/v1/me`.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "getMe",
    tag = "session",
    summary = "The current user",
    description = "The user the bearer token belongs to, with her unit and roles, and the time \
                   and address of the login before the one that started this session.",
    responses(
        (status = 200, description = "The current user.", body = CurrentUser),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(ApiActor(actor): ApiActor) -> Json<CurrentUser> {
    Json(CurrentUser::new(&actor.user, &actor.unit).with_last_login(actor.last_login.clone()))
}

/// `POST /api/v1/me/password` `{"current_password","new_password"}`.
#[utoipa::path(
    post,
    path = "/api/v1/me/password",
    operation_id = "changeOwnPassword",
    tag = "session",
    summary = "Choose her own password",
    description = "Checks the current password (a wrong one counts towards the lockout like a \
                   failed login) and the new one against the password policy; the new one must \
                   differ from the current. Her other sessions end; this token goes on, and an \
                   account whose password an administrator set may use the API again. \
                   Recorded in the audit log (`user.password_changed`).",
    request_body = OwnPasswordInput,
    responses(
        (status = 204, description = "The password has been changed."),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 429, response = Locked),
        (status = 500, response = Internal),
    ),
)]
pub async fn change_password(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<OwnPasswordInput>,
) -> AppResult<StatusCode> {
    own_password::change(&state, &actor, ip, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}
