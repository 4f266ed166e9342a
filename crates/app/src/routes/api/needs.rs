//! `/api/v1/needs`: raise, queue, follow, start, escalate, resolve, close;
//! `/api/v1/units/{code}/deeds`: the practical-deeds ledger; and the
//! dictionaries needs and visits use.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::need::NeedStatus;
use jinguo_store::model::{DictKind, NeedQueue, Page};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiJson, ApiQuery, parse_code, unit_of};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::needs::{self, NeedDraft};
use crate::net::ClientIp;
use crate::period::Period;
use crate::state::{AppState, today};

#[derive(Deserialize)]
pub struct NeedBody {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    category: String,
    urgency: Option<String>,
    #[serde(default)]
    description: String,
    due_date: Option<String>,
    household_id: Option<i64>,
    visit_id: Option<i64>,
}

/// `POST /api/v1/needs`.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<NeedBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let draft = NeedDraft {
        unit_code: b.unit_code,
        category: b.category,
        urgency: b.urgency,
        description: b.description,
        due_date: b.due_date,
        household_id: b.household_id,
        visit_id: b.visit_id,
    };
    let id = needs::create(&state, &actor, ip, &draft).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    status: Option<String>,
    queue: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Which queue a `queue=` parameter names; the unit's own work by default.
pub fn parse_queue(s: Option<&str>) -> Option<NeedQueue> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None | Some("assigned") => Some(NeedQueue::Assigned),
        Some("subtree") => Some(NeedQueue::Subtree),
        Some(_) => None,
    }
}

/// A `status=` parameter: `Some(None)` (every status) when empty, `None`
/// when it names no status.
pub fn parse_status(s: Option<&str>) -> Option<Option<NeedStatus>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => NeedStatus::parse(s).map(Some),
    }
}

/// `GET /api/v1/needs?unit=&status=&queue=assigned|subtree`.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Value>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let queue = parse_queue(q.queue.as_deref())
        .ok_or_else(|| AppError::BadRequest("queue must be assigned or subtree".into()))?;
    let status = parse_status(q.status.as_deref()).ok_or_else(|| {
        AppError::BadRequest("status must be open, in_progress, resolved or closed".into())
    })?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .needs_of(actor.scope(), &unit, queue, status, page)
        .await?;
    let today = today(&state.config);
    let mut out = Vec::with_capacity(rows.len());
    for n in &rows {
        let s = needs::summary_status(&state, &actor, n).await;
        out.push(needs::summary_json(n, s, today));
    }
    Ok(Json(json!({
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "queue": match queue { NeedQueue::Assigned => "assigned", NeedQueue::Subtree => "subtree" },
        "status": status,
        "limit": page.limit,
        "offset": page.offset,
        "needs": out,
    })))
}

async fn show_json(state: &AppState, actor: &crate::auth::Actor, id: &str) -> AppResult<Value> {
    let need = needs::load(state, actor, id).await?;
    let events = state.store.need_events(&need).await?;
    let status = needs::status_for(state, actor, &need).await?;
    let mut v = needs::need_json(&need, status, &events, today(&state.config));
    v["may_act"] = json!(needs::may_act(state, actor, &need).await?);
    Ok(v)
}

/// `GET /api/v1/needs/{id}`: the need with its history.
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    Ok(Json(show_json(&state, &actor, &id).await?))
}

#[derive(Deserialize, Default)]
pub struct StartBody {
    assignee_user: Option<i64>,
}

/// `POST /api/v1/needs/{id}/start`.
pub async fn start(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> AppResult<Json<Value>> {
    let need = needs::load(&state, &actor, &id).await?;
    // The body is optional: a bare POST starts the need with no handler named.
    let b: StartBody = if body.iter().all(u8::is_ascii_whitespace) {
        StartBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| AppError::BadRequest(e.to_string()))?
    };
    needs::start(&state, &actor, ip, &need, b.assignee_user).await?;
    Ok(Json(show_json(&state, &actor, &id).await?))
}

#[derive(Deserialize)]
pub struct NoteBody {
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/needs/{id}/escalate` `{"note"}`.
pub async fn escalate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NoteBody>,
) -> AppResult<Json<Value>> {
    let need = needs::load(&state, &actor, &id).await?;
    needs::escalate(&state, &actor, ip, &need, &b.note).await?;
    Ok(Json(show_json(&state, &actor, &id).await?))
}

#[derive(Deserialize)]
pub struct ResolveBody {
    #[serde(default)]
    resolution: String,
    satisfaction: Option<i64>,
}

/// `POST /api/v1/needs/{id}/resolve` `{"resolution","satisfaction"}`.
pub async fn resolve(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ResolveBody>,
) -> AppResult<Json<Value>> {
    let need = needs::load(&state, &actor, &id).await?;
    needs::resolve(&state, &actor, ip, &need, &b.resolution, b.satisfaction).await?;
    Ok(Json(show_json(&state, &actor, &id).await?))
}

#[derive(Deserialize)]
pub struct CloseBody {
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/needs/{id}/close` `{"reason"}`.
pub async fn close(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CloseBody>,
) -> AppResult<Json<Value>> {
    let need = needs::load(&state, &actor, &id).await?;
    needs::close(&state, &actor, ip, &need, &b.reason).await?;
    Ok(Json(show_json(&state, &actor, &id).await?))
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /api/v1/units/{code}/deeds?from=YYYY-MM&to=YYYY-MM`: counters only.
pub async fn deeds(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<Value>> {
    let unit = state
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let today = today(&state.config);
    let p = Period::parse(q.from.as_deref(), q.to.as_deref(), today)?;
    let d = state
        .store
        .deeds(actor.scope(), &unit, p.from, p.to, today)
        .await?;
    Ok(Json(needs::deeds_json(&unit, p.from, p.to, &d)))
}

async fn dictionary(state: &AppState, kind: DictKind) -> AppResult<Json<Value>> {
    let entries = state.dictionary(kind).await?;
    Ok(Json(json!({ "entries": *entries })))
}

/// `GET /api/v1/dictionaries/need-categories`: public, because the public
/// help page offers the categories before anyone logs in.
pub async fn need_categories(State(state): State<AppState>) -> AppResult<Json<Value>> {
    dictionary(&state, DictKind::NEED_CATEGORY).await
}

/// `GET /api/v1/dictionaries/visit-tags`.
pub async fn visit_tags(State(state): State<AppState>, _actor: ApiActor) -> AppResult<Json<Value>> {
    dictionary(&state, DictKind::VISIT_TAG).await
}
