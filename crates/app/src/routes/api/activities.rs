use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::ActivityDraft;
use jinguo_domain::activity::format_date;
use jinguo_store::model::{Activity, DictKind, Page};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiJson, ApiQuery, unit_of};
use crate::activities::{self, parse_id};
use crate::auth::ApiActor;
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::period::Period;
use crate::state::{AppState, today};

pub fn activity_json(a: &Activity) -> Value {
    let f = &a.fields;
    json!({
        "id": a.id,
        "unit": {"code": a.unit.code, "name": a.unit.name, "level": a.unit.level},
        "date": format_date(f.date),
        "type": f.type_key,
        "program": f.program_key,
        "title": f.title,
        "title_mn": f.title_mn,
        "place": f.place,
        "participants": f.participants,
        "women": f.women,
        "summary": f.summary,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    })
}

/// The body of `POST` and `PUT`.
#[derive(Deserialize)]
pub struct ActivityBody {
    unit_code: String,
    date: String,
    #[serde(rename = "type")]
    type_key: String,
    program: Option<String>,
    title: String,
    title_mn: Option<String>,
    place: Option<String>,
    participants: Option<i64>,
    women: Option<i64>,
    summary: Option<String>,
}

impl ActivityBody {
    fn draft(&self) -> ActivityDraft {
        ActivityDraft {
            date: self.date.clone(),
            type_key: self.type_key.clone(),
            program_key: self.program.clone(),
            title: self.title.clone(),
            title_mn: self.title_mn.clone(),
            place: self.place.clone(),
            participants: self.participants,
            women: self.women,
            summary: self.summary.clone(),
        }
    }
}

/// `POST /api/v1/activities`.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<ActivityBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let id = activities::create(&state, &actor, ip, &b.unit_code, &b.draft()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// `GET /api/v1/activities/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let a = state
        .store
        .activity_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    Ok(Json(activity_json(&a)))
}

/// `PUT /api/v1/activities/{id}`: the whole record; a new `unit_code` moves it.
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ActivityBody>,
) -> AppResult<Json<Value>> {
    let a =
        activities::update(&state, &actor, ip, parse_id(&id)?, &b.unit_code, &b.draft()).await?;
    Ok(Json(activity_json(&a)))
}

/// `DELETE /api/v1/activities/{id}`.
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    activities::delete(&state, &actor, ip, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/activities?unit=&from=&to=`: the subtree's activities,
/// newest first, paged.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Value>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), today(&state.config))?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .activities_under(actor.scope(), &unit, period.from, period.to, page)
        .await?;
    Ok(Json(json!({
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "from": period.from,
        "to": period.to,
        "limit": page.limit,
        "offset": page.offset,
        "activities": rows.iter().map(activity_json).collect::<Vec<_>>(),
    })))
}

async fn dictionary(state: &AppState, kind: DictKind) -> AppResult<Json<Value>> {
    let entries = state.dictionary(kind).await?;
    Ok(Json(json!({ "entries": *entries })))
}

/// `GET /api/v1/dictionaries/activity-types`.
pub async fn activity_types(
    State(state): State<AppState>,
    _actor: ApiActor,
) -> AppResult<Json<Value>> {
    dictionary(&state, DictKind::ACTIVITY_TYPE).await
}

/// `GET /api/v1/dictionaries/programs`.
pub async fn programs(State(state): State<AppState>, _actor: ApiActor) -> AppResult<Json<Value>> {
    dictionary(&state, DictKind::PROGRAM).await
}
