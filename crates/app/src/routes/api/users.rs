use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::{Role, Roles, UnitCode, UserId};
use jinguo_store::model::{Page, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::openapi::{BadRequest, Conflict, Internal, Invalid, NotFound};
use super::units::{UnitLabel, UnitPathStep};
use super::{ApiJson, ApiQuery, parse_user_id, unit_of};
use crate::auth::ApiActor;
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::state::AppState;
use crate::users::{self, UserInput};

/// A user account as an administrator sees it. The password hash is never returned.
#[derive(Serialize, ToSchema)]
#[schema(as = User)]
pub struct UserView {
    id: UserId,
    /// Login name: lowercase ASCII letters, digits, `.`, `_` and `-`, starting with a letter.
    username: String,
    unit: UnitPathStep,
    roles: Roles,
    /// False for a disabled account, which cannot log in.
    active: bool,
    /// Unix seconds until which logins are refused after too many failures. May lie in the past
    /// once a lock has expired; cleared by the next successful login. Null if not locked since
    /// then.
    locked_until: Option<i64>,
    /// Unix seconds of creation.
    created_at: i64,
    /// Her name (姓名); null for accounts made before names were kept.
    display_name: Option<String>,
    /// Her position (职务), e.g. 主席 or 专干.
    position: Option<String>,
    /// Her phone, masked (`138****5678`); the number itself is stored encrypted and never
    /// returned.
    phone_masked: Option<String>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            username: u.username.clone(),
            unit: UnitPathStep::from(&u.unit),
            roles: u.roles.clone(),
            active: u.active,
            locked_until: u.locked_until,
            created_at: u.created_at,
            display_name: u.display_name.clone(),
            position: u.position.clone(),
            phone_masked: u.phone_mask.clone(),
        }
    }
}

/// Users of a unit's subtree.
#[derive(Serialize, ToSchema)]
pub struct UserList {
    unit: UnitLabel,
    users: Vec<UserView>,
}

/// The `{id}` of a user's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserIdPath {
    /// Id of a user. Anything but a positive integer answers `404`, like an unknown user or one
    /// outside the caller's subtree.
    #[param(minimum = 1)]
    pub id: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Code of the unit whose subtree to list; defaults to the caller's unit. A malformed code
    /// answers `400`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 100)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// `GET /api/v1/users?unit={code}`: users of that unit's subtree.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    operation_id = "listUsers",
    tag = "users",
    summary = "Users of a subtree",
    description = "Users bound to the unit `unit` or any of its descendants, ordered by unit \
                   level, unit code and username. Without `unit`, the caller's own unit. A `unit` \
                   outside the caller's subtree answers `404`.",
    params(ListQuery),
    responses(
        (status = 200, description = "The unit listed and its users.", body = UserList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<UserList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(100), q.offset.unwrap_or(0));
    let list = state
        .store
        .users_under(actor.scope(), unit.id, page)
        .await?;
    Ok(Json(UserList {
        unit: UnitLabel::of(&unit),
        users: list.iter().map(UserView::from).collect(),
    }))
}

/// A user to create.
#[derive(Deserialize, ToSchema)]
#[schema(as = NewUser)]
pub struct CreateBody {
    /// 3–32 characters of lowercase ASCII letters, digits, `.`, `_` and `-`, starting with a
    /// letter; trimmed and lowercased before the check (field `username`).
    #[schema(example = "xilinhot.admin")]
    username: String,
    /// A new password: at least 8 characters (at most 256 bytes) with at least three of the four
    /// classes lowercase, uppercase, digit, symbol (otherwise `422` with field `password`).
    #[schema(min_length = 8, format = Password)]
    password: String,
    /// Code of the unit the user is bound to; it must lie in the caller's subtree (otherwise
    /// `404`). A malformed code answers `422` with field `unit_code`.
    #[schema(value_type = UnitCode)]
    unit_code: String,
    /// At least one role; duplicates are dropped. An empty list or an unknown role answers `422`
    /// with field `roles`.
    #[schema(value_type = Vec<Role>, min_items = 1)]
    roles: Vec<String>,
    /// Her name (姓名): 1–30 characters on one line, trimmed (otherwise `422` with field
    /// `display_name`).
    #[serde(default)]
    #[schema(example = "其其格", max_length = 30)]
    display_name: String,
    /// Her phone (手机), optional: a mainland mobile or landline; spaces, dashes and a `+86`
    /// prefix are ignored (otherwise `422` with field `phone`). Stored encrypted; lists show it
    /// masked.
    #[serde(default)]
    #[schema(example = "13812345678")]
    phone: Option<String>,
    /// Her position (职务), optional: at most 30 characters (otherwise `422` with field
    /// `position`).
    #[serde(default)]
    #[schema(example = "主席", max_length = 30)]
    position: Option<String>,
}

/// `POST /api/v1/users`.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    operation_id = "createUser",
    tag = "users",
    summary = "Create a user",
    description = "Creates an active user bound to the unit `unit_code`, which must lie in the \
                   caller's subtree (otherwise `404`). Fields are checked in the order username, \
                   password, unit_code, roles, display_name, position, phone; the first that \
                   breaks a rule answers `422` with its name in `field`. A taken username answers `409` with field `username`. Recorded \
                   in the audit log.",
    request_body = CreateBody,
    responses(
        (status = 201, description = "The new user.", body = UserView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<CreateBody>,
) -> AppResult<(StatusCode, Json<UserView>)> {
    let id = users::create(
        &state,
        &actor,
        ip,
        UserInput {
            username: &b.username,
            password: &b.password,
            unit_code: &b.unit_code,
            roles: b.roles,
            display_name: &b.display_name,
            phone: b.phone.as_deref().unwrap_or(""),
            position: b.position.as_deref().unwrap_or(""),
        },
    )
    .await?;
    let user = users::find(&state, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(UserView::from(&*user))))
}

/// `POST /api/v1/users/{id}/disable`.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/disable",
    operation_id = "disableUser",
    tag = "users",
    summary = "Disable a user",
    description = "Marks the user inactive and ends all her sessions; she can no longer log in. \
                   Idempotent. The user must be bound to a unit of the caller's subtree (otherwise \
                   `404`). Recorded in the audit log. An administrator cannot disable her own \
                   account: 422 with field `user`.",
    params(UserIdPath),
    responses(
        (status = 200, description = "The user after the change.", body = UserView),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn disable(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<UserView>> {
    let u = users::set_active(&state, &actor, ip, parse_user_id(&id)?, false).await?;
    let u = users::find(&state, &actor, u.id).await?;
    Ok(Json(UserView::from(&*u)))
}

/// `POST /api/v1/users/{id}/enable`.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/enable",
    operation_id = "enableUser",
    tag = "users",
    summary = "Enable a user",
    description = "Marks the user active again. Idempotent. Does not lift a login lock. The user \
                   must be bound to a unit of the caller's subtree (otherwise `404`). Recorded in \
                   the audit log.",
    params(UserIdPath),
    responses(
        (status = 200, description = "The user after the change.", body = UserView),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn enable(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<UserView>> {
    let u = users::set_active(&state, &actor, ip, parse_user_id(&id)?, true).await?;
    let u = users::find(&state, &actor, u.id).await?;
    Ok(Json(UserView::from(&*u)))
}

/// A new password for a user.
#[derive(Deserialize, ToSchema)]
#[schema(as = PasswordReset)]
pub struct PasswordBody {
    /// A new password: at least 8 characters (at most 256 bytes) with at least three of the four
    /// classes lowercase, uppercase, digit, symbol (otherwise `422` with field `password`).
    #[schema(min_length = 8, format = Password)]
    password: String,
}

/// `POST /api/v1/users/{id}/password`: an admin sets a new password; the
/// user's sessions end.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/password",
    operation_id = "resetUserPassword",
    tag = "users",
    summary = "Set a new password for a user",
    description = "An administrator sets a new password for a user of her subtree (otherwise \
                   `404`); all the user's sessions end. A password that breaks the policy answers \
                   `422` with field `password`. Recorded in the audit log (without the password). Her own account answers `422` with field `password`: she changes her own on `POST /api/v1/me/password`, which asks for the current one. The user must choose her own password at her next login (`password_change_required`).",
    params(UserIdPath),
    request_body = PasswordBody,
    responses(
        (status = 204, description = "The password has been changed."),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PasswordBody>,
) -> AppResult<StatusCode> {
    users::reset_password(&state, &actor, ip, parse_user_id(&id)?, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
