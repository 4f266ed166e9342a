//! `/api/v1/tasks`: issue, inbox, answer, review, progress, export.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jinguo_domain::TaskDraft;
use jinguo_domain::task::{FieldDraft, parse_answers};
use jinguo_store::model::{Page, TaskBox};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiJson, ApiQuery, parse_code, unit_of};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::state::AppState;
use crate::tasks::{self, ForwardDraft};

#[derive(Deserialize)]
pub struct TaskBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    issuer_unit: String,
    target_level: Option<i64>,
    #[serde(default)]
    target_units: Vec<String>,
    #[serde(default)]
    fields: Vec<FieldDraft>,
}

/// The `{id}` of a task's path.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TaskIdPath {
    /// Id of a task. Anything but a positive integer answers `404`, like an unknown task or one
    /// the caller may not see (a task is visible when it was issued from a unit of the caller's
    /// subtree or has a target unit in it).
    #[param(minimum = 1)]
    pub id: i64,
}

/// `POST /api/v1/tasks`.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<TaskBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let draft = TaskDraft {
        title: b.title,
        description: b.description,
        deadline: b.deadline,
        target_level: b.target_level,
        target_units: b.target_units,
        fields: b.fields,
    };
    let id = tasks::issue(&state, &actor, ip, &b.issuer_unit, &draft).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    #[serde(rename = "box")]
    which: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/tasks?unit=&box=inbox|issued|subtree`.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Value>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let which = match q.which.as_deref() {
        None => TaskBox::Inbox,
        Some(s) => TaskBox::parse(s)
            .ok_or_else(|| AppError::BadRequest("box must be inbox, issued or subtree".into()))?,
    };
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .tasks_for(actor.scope(), &unit, which, page)
        .await?;
    Ok(Json(json!({
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "box": which,
        "tasks": rows,
    })))
}

/// `GET /api/v1/tasks/{id}`: the task with the progress of the caller's subtree.
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let task = tasks::load(&state, &actor, &id).await?;
    let p = tasks::progress(&state, &task, &actor.unit).await?;
    let files = state.store.attachments_of(&task).await?;
    let mut body = tasks::task_json(&task, &files);
    body["progress"] = tasks::progress_json(&actor.unit, &p);
    Ok(Json(body))
}

#[derive(Deserialize)]
pub struct UnitQuery {
    unit: Option<String>,
}

/// `GET /api/v1/tasks/{id}/progress?unit=`.
pub async fn progress(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> AppResult<Json<Value>> {
    let task = tasks::load(&state, &actor, &id).await?;
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let p = tasks::progress(&state, &task, &unit).await?;
    Ok(Json(tasks::progress_json(&unit, &p)))
}

#[derive(Deserialize)]
pub struct ForwardBody {
    #[serde(default)]
    unit_code: String,
    target_level: Option<i64>,
    #[serde(default)]
    target_units: Vec<String>,
    #[serde(default)]
    fields: Vec<FieldDraft>,
}

/// `POST /api/v1/tasks/{id}/forward`: a target unit passes the task down.
pub async fn forward(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ForwardBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let t = tasks::target(&state, &actor, &id, &b.unit_code).await?;
    let made = tasks::forward(
        &state,
        &actor,
        ip,
        &t,
        &ForwardDraft {
            target_level: b.target_level,
            target_units: b.target_units,
            fields: b.fields,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "targets": made }))))
}

/// `GET /api/v1/tasks/{id}/reports/{unit_code}`.
pub async fn report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, code)): Path<(String, String)>,
) -> AppResult<Json<Value>> {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    let v = tasks::view(&state, &actor, &t).await?;
    Ok(Json(tasks::report_json(&t, &v)))
}

#[derive(Deserialize)]
pub struct AnswerBody {
    #[serde(default)]
    values: serde_json::Map<String, Value>,
    #[serde(default)]
    reasons: BTreeMap<String, String>,
    note: Option<String>,
}

/// `PUT /api/v1/tasks/{id}/reports/{unit_code}`: saves an answer.
pub async fn answer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
    ApiJson(b): ApiJson<AnswerBody>,
) -> AppResult<Json<Value>> {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    let fields = t.task.fields_for(&t.report.ancestors, t.unit.id);
    let given = parse_answers(&fields, &b.values).map_err(AppError::InvalidFields)?;
    tasks::answer(&state, &actor, ip, &t, given, b.reasons, b.note).await?;
    let t = tasks::target(&state, &actor, &id, &code).await?;
    let v = tasks::view(&state, &actor, &t).await?;
    Ok(Json(tasks::report_json(&t, &v)))
}

/// `POST …/reports/{unit_code}/submit`.
pub async fn submit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
) -> AppResult<Json<Value>> {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    tasks::submit(&state, &actor, ip, &t).await?;
    status_of(&state, &actor, &id, &code).await
}

/// `POST …/reports/{unit_code}/approve`.
pub async fn approve(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
) -> AppResult<Json<Value>> {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    tasks::review(&state, &actor, ip, &t, true, None).await?;
    status_of(&state, &actor, &id, &code).await
}

#[derive(Deserialize)]
pub struct ReturnBody {
    #[serde(default)]
    reason: String,
}

/// `POST …/reports/{unit_code}/return` `{"reason"}`.
pub async fn send_back(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
    ApiJson(b): ApiJson<ReturnBody>,
) -> AppResult<Json<Value>> {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    tasks::review(&state, &actor, ip, &t, false, Some(&b.reason)).await?;
    status_of(&state, &actor, &id, &code).await
}

async fn status_of(
    state: &AppState,
    actor: &crate::auth::Actor,
    id: &str,
    code: &str,
) -> AppResult<Json<Value>> {
    let t = tasks::target(state, actor, id, code).await?;
    Ok(Json(json!({
        "unit": {"code": t.unit.code, "name": t.unit.name},
        "status": t.report.status,
        "return_reason": t.report.return_reason,
    })))
}

/// `GET /api/v1/tasks/{id}/export.xlsx?unit=`.
pub async fn export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    lang: Lang,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> AppResult<Response> {
    let code = q.unit.as_deref().map(parse_code).transpose()?;
    crate::xlsx::task_export::respond(&state, &actor, &id, code.as_ref(), lang).await
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/notices`: the notices of the caller's unit.
pub async fn notices(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<NoticeQuery>,
) -> AppResult<Json<Value>> {
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .notices(actor.unit.id, actor.user.id, page)
        .await?;
    let unread = state
        .store
        .unread_notices(actor.unit.id, actor.user.id)
        .await?;
    Ok(Json(json!({"unread": unread, "notices": rows})))
}
