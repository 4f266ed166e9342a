//! `PUT /api/v1/users/{id}`: an administrator edits an account.

use axum::Json;
use axum::extract::{Path, State};

use super::openapi::{BadRequest, Internal, Invalid, NotFound};
use super::users::{UserIdPath, UserView};
use super::{ApiJson, parse_user_id};
use crate::auth::ApiActor;
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::state::AppState;
use crate::user_edit::{self, AccountEditInput};

/// `PUT /api/v1/users/{id}`.
#[utoipa::path(
    put,
    path = "/api/v1/users/{id}",
    operation_id = "updateUser",
    tag = "users",
    summary = "Edit a user",
    description = "Changes the name, position, phone, unit and roles of a user of the caller's \
                   subtree (otherwise `404`). The whole account is sent: an empty `phone` keeps \
                   the one on file (sealed, never returned), `clear_phone` removes it. The unit \
                   must lie in the caller's subtree and be active; admin and auditor do not go \
                   together; an administrator cannot change her own unit or roles. Every \
                   offending field answers `422` in `fields`; nothing changes. A move to another \
                   unit ends the user's sessions. Recorded in the audit log with the names of the \
                   changed fields, never their values.",
    params(UserIdPath),
    request_body = AccountEditInput,
    responses(
        (status = 200, description = "The user as changed.", body = UserView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AccountEditInput>,
) -> AppResult<Json<UserView>> {
    let user = user_edit::update(&state, &actor, ip, parse_user_id(&id)?, &b).await?;
    Ok(Json(UserView::from(&user)))
}
