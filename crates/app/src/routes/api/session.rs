use axum::Json;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use super::me::CurrentUser;
use super::openapi::{BadCredentials, BadRequest, Internal, Locked};
use crate::auth::{ApiActor, login};
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::state::AppState;

/// Credentials.
#[derive(Deserialize, ToSchema)]
#[schema(as = LoginRequest)]
pub struct LoginBody {
    /// Login name; trimmed and lowercased before lookup.
    username: String,
    #[schema(format = Password)]
    password: String,
}

/// A new session.
#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for the `Authorization` header: 64 hexadecimal characters. Keep it secret;
    /// it is shown only once.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    token: String,
    user: CurrentUser,
}

/// `POST /api/v1/session`: a bearer token for the API.
#[utoipa::path(
    post,
    path = "/api/v1/session",
    operation_id = "createSession",
    tag = "session",
    summary = "Log in and obtain a bearer token",
    description = "Checks a username and password and starts a session. The username is trimmed \
                   and lowercased before lookup. An unknown username, a wrong password and a \
                   disabled account all answer `401` `bad_credentials` with the same message. \
                   After a configurable number of consecutive failures (5 by default) the account, \
                   or the unknown name, is locked for a configurable time (30 minutes by default); \
                   while locked, every attempt, even with the right password, answers `429` \
                   `locked` with `Retry-After`. Attempts are recorded in the audit log.",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Logged in.", body = LoginResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = BadCredentials),
        (status = 429, response = Locked),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(
    axum::extract::State(state): axum::extract::State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> AppResult<Json<LoginResponse>> {
    let done = login::attempt(&state, &body.username, &body.password, ip).await?;
    let unit = state.store.unit_by_id(done.user.unit.id).await?;
    Ok(Json(LoginResponse {
        token: done.token,
        user: CurrentUser::new(&done.user, &unit).with_last_login(done.last_login),
    }))
}

/// `DELETE /api/v1/session`: ends the token's session.
#[utoipa::path(
    delete,
    path = "/api/v1/session",
    operation_id = "deleteSession",
    tag = "session",
    summary = "Log out",
    description = "Ends the session of the bearer token; the token is no longer accepted.",
    responses(
        (status = 204, description = "The session has ended."),
        (status = 500, response = Internal),
    ),
)]
pub async fn destroy(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<StatusCode> {
    login::logout(&state, &actor.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}
