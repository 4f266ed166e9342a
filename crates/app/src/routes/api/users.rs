use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_store::model::{Page, User};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiJson, ApiQuery, parse_user_id, unit_of};
use crate::auth::ApiActor;
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::state::AppState;
use crate::users::{self, UserInput};

pub fn user_json(u: &User) -> Value {
    json!({
        "id": u.id,
        "username": u.username,
        "unit": {"code": u.unit.code, "name": u.unit.name, "level": u.unit.level},
        "roles": u.roles,
        "active": u.active,
        "locked_until": u.locked_until,
        "created_at": u.created_at,
    })
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/users?unit={code}`: users of that unit's subtree.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Value>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(100), q.offset.unwrap_or(0));
    let list = state
        .store
        .users_under(actor.scope(), unit.id, page)
        .await?;
    Ok(Json(json!({
        "unit": {"code": unit.code, "name": unit.name},
        "users": list.iter().map(user_json).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct CreateBody {
    username: String,
    password: String,
    unit_code: String,
    roles: Vec<String>,
}

/// `POST /api/v1/users`.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<CreateBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let id = users::create(
        &state,
        &actor,
        ip,
        UserInput {
            username: &b.username,
            password: &b.password,
            unit_code: &b.unit_code,
            roles: b.roles,
        },
    )
    .await?;
    let user = users::find(&state, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(user_json(&user))))
}

/// `POST /api/v1/users/{id}/disable`.
pub async fn disable(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let u = users::set_active(&state, &actor, ip, parse_user_id(&id)?, false).await?;
    let u = users::find(&state, &actor, u.id).await?;
    Ok(Json(user_json(&u)))
}

/// `POST /api/v1/users/{id}/enable`.
pub async fn enable(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let u = users::set_active(&state, &actor, ip, parse_user_id(&id)?, true).await?;
    let u = users::find(&state, &actor, u.id).await?;
    Ok(Json(user_json(&u)))
}

#[derive(Deserialize)]
pub struct PasswordBody {
    password: String,
}

/// `POST /api/v1/users/{id}/password`: an admin sets a new password; the
/// user's sessions end.
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
