use axum::Json;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use super::me::user_json;
use crate::auth::{ApiActor, login};
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// `POST /api/v1/session`: a bearer token for the API.
pub async fn create(
    axum::extract::State(state): axum::extract::State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> AppResult<Json<Value>> {
    let done = login::attempt(&state, &body.username, &body.password, ip).await?;
    let unit = state.store.unit_by_id(done.user.unit.id).await?;
    Ok(Json(json!({
        "token": done.token,
        "user": user_json(&done.user, &unit),
    })))
}

/// `DELETE /api/v1/session`: ends the token's session.
pub async fn destroy(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<StatusCode> {
    login::logout(&state, &actor.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}
