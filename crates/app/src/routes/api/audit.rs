use axum::Json;
use axum::extract::State;
use jinguo_store::model::Page;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiQuery, unit_of};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct AuditQuery {
    unit: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/audit?unit={code}`: events of a unit's subtree, newest first.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> AppResult<Json<Value>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(100), q.offset.unwrap_or(0));
    let entries = state
        .store
        .audit_in_scope(actor.scope().narrow(&unit).ok_or(AppError::NotFound)?, page)
        .await?;
    Ok(Json(json!({ "entries": entries })))
}
