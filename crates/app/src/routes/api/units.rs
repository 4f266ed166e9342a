use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_store::model::{Unit, UnitRef};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiJson, ApiQuery, parse_code};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::net::ClientIp;
use crate::state::AppState;

fn path_json(path: &[UnitRef]) -> Value {
    path.iter()
        .map(|u| json!({"code": u.code, "name": u.name, "level": u.level}))
        .collect()
}

fn unit_json(unit: &Unit, path: &[UnitRef]) -> Value {
    let parent_code = path.len().checked_sub(2).map(|i| path[i].code.as_str());
    json!({
        "code": unit.code,
        "name": unit.name,
        "name_mn": unit.name_mn,
        "level": unit.level,
        "kind": unit.kind,
        "active": unit.active,
        "parent_code": parent_code,
        "path": path_json(path),
        "children_count": unit.children_count,
    })
}

/// `GET /api/v1/units/{code}`: the tree is public to every logged-in user.
pub async fn show(
    State(state): State<AppState>,
    _actor: ApiActor,
    Path(code): Path<String>,
) -> AppResult<Json<Value>> {
    let unit = state.store.unit_by_code(&parse_code(&code)?).await?;
    let path = state.store.path(&unit).await?;
    Ok(Json(unit_json(&unit, &path)))
}

/// `GET /api/v1/units/{code}/children`.
pub async fn children(
    State(state): State<AppState>,
    _actor: ApiActor,
    Path(code): Path<String>,
) -> AppResult<Json<Value>> {
    let unit = state.store.unit_by_code(&parse_code(&code)?).await?;
    let children = state.store.children(unit.id).await?;
    Ok(Json(json!({
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "children": children.iter().map(|c| json!({
            "code": c.code, "name": c.name, "name_mn": c.name_mn, "level": c.level,
            "kind": c.kind, "active": c.active, "children_count": c.children_count,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: String,
    limit: Option<i64>,
}

/// `GET /api/v1/units?q=TEXT`: by name prefix or code prefix, with paths,
/// because many villages share a name.
pub async fn search(
    State(state): State<AppState>,
    _actor: ApiActor,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> AppResult<Json<Value>> {
    if q.q.chars().count() > 50 {
        return Err(AppError::BadRequest(
            "q is longer than 50 characters".into(),
        ));
    }
    let hits = state
        .store
        .search_units(&q.q, None, q.limit.unwrap_or(20))
        .await?;
    Ok(Json(json!({
        "results": hits.iter().map(|h| unit_json(&h.unit, &h.path)).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct SectorBody {
    name: String,
    name_mn: Option<String>,
}

/// `POST /api/v1/units/{code}/sectors`: a sector organisation under a unit
/// of the admin's subtree.
pub async fn create_sector(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<SectorBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let parent = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let unit = crate::units::create_sector(
        &state,
        &actor,
        ip,
        &parent,
        &body.name,
        body.name_mn.as_deref(),
    )
    .await?;
    let path = state.store.path(&unit).await?;
    Ok((StatusCode::CREATED, Json(unit_json(&unit, &path))))
}
