use axum::Json;
use jinguo_domain::{Roles, UserId};
use jinguo_store::model::{Unit, User};
use serde::Serialize;
use utoipa::ToSchema;

use super::openapi::Internal;
use super::units::UnitPathStep;
use crate::auth::ApiActor;

/// A user as she sees herself.
#[derive(Serialize, ToSchema)]
pub struct CurrentUser {
    id: UserId,
    /// Login name: lowercase ASCII letters, digits, `.`, `_` and `-`, starting with a letter.
    username: String,
    unit: UnitPathStep,
    roles: Roles,
    active: bool,
}

impl CurrentUser {
    pub fn new(user: &User, unit: &Unit) -> Self {
        CurrentUser {
            id: user.id,
            username: user.username.clone(),
            unit: UnitPathStep::of(unit),
            roles: user.roles.clone(),
            active: user.active,
        }
    }
}

/// `GET /api/v1/me`.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "getMe",
    tag = "session",
    summary = "The current user",
    description = "The user the bearer token belongs to, with her unit and roles.",
    responses(
        (status = 200, description = "The current user.", body = CurrentUser),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(ApiActor(actor): ApiActor) -> Json<CurrentUser> {
    Json(CurrentUser::new(&actor.user, &actor.unit))
}
