use axum::Json;
use jinguo_store::model::{Unit, User};
use serde_json::{Value, json};

use crate::auth::ApiActor;

pub fn user_json(user: &User, unit: &Unit) -> Value {
    json!({
        "id": user.id,
        "username": user.username,
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "roles": user.roles,
        "active": user.active,
    })
}

/// `GET /api/v1/me`.
pub async fn show(ApiActor(actor): ApiActor) -> Json<Value> {
    Json(user_json(&actor.user, &actor.unit))
}
