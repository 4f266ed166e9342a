//! `/api/v1/needs`: raise, queue, follow, start, escalate, resolve, close;
//! `/api/v1/units/{code}/deeds`: the practical-deeds ledger; and the
//! dictionaries needs and visits use.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jinguo_domain::need::NeedStatus;
use jinguo_domain::need::Urgency;
use jinguo_domain::{NeedId, UnitCode};
use jinguo_store::model::{DictKind, NeedQueue, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::activities::Dictionary;
use super::openapi::{BadRequest, Conflict, Internal, Invalid, NotFound};
use super::units::{UnitCodePath, UnitPathStep};
use super::{ApiJson, ApiQuery, PeriodQuery, parse_code, unit_of};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::idempotency::{ApiOnce, IdempotencyHeader, Sent};
use crate::needs::{self, DeedsView, NeedDraft, NeedLine, NeedStatusSeen, NeedView};
use crate::net::ClientIp;
use crate::period::Period;
use crate::state::{AppState, today};

/// A need to raise.
#[derive(Deserialize, ToSchema)]
#[schema(as = NeedInput)]
pub struct NeedBody {
    /// The active unit where the need is raised, in the caller's subtree (`422` with field
    /// `unit_code` otherwise, worded like an unknown unit); it goes into that unit's own queue.
    #[serde(default)]
    unit_code: String,
    /// Key of an active entry of the need-categories dictionary (`422` with field `category`
    /// otherwise).
    #[serde(default)]
    category: String,
    #[schema(value_type = Option<Urgency>)]
    urgency: Option<String>,
    /// What is needed (required). Stored encrypted; never written to a log.
    #[serde(default)]
    #[schema(max_length = 2000)]
    description: String,
    /// Not before today (`422` with field `due_date`).
    #[schema(format = Date)]
    due_date: Option<String>,
    /// A household recorded at `unit_code` or below it (`422` with field `household_id`
    /// otherwise).
    household_id: Option<i64>,
    /// A visit at `unit_code` or below it, of `household_id` when both are given (`422` with
    /// field `visit_id` otherwise); makes the need's source `visit`.
    visit_id: Option<i64>,
    /// When the need was recorded on the device (a phone's outbox sends it later), RFC 3339
    /// with offset. Kept beside the server's arrival time, which it never replaces; not more
    /// than 10 minutes ahead of the server's clock and not more than a year behind it
    /// (otherwise `422` with field `made_at`).
    #[schema(format = DateTime, example = "2026-11-20T09:30:00+08:00")]
    #[serde(default)]
    made_at: Option<String>,
}

/// The id of a new need.
#[derive(Serialize, ToSchema)]
pub struct NeedCreated {
    id: NeedId,
}

/// The queue a list shows.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueName {
    Assigned,
    Subtree,
}

/// A page of a need queue.
#[derive(Serialize, ToSchema)]
pub struct NeedList {
    unit: UnitPathStep,
    queue: QueueName,
    /// The status asked for; null for every status.
    #[schema(value_type = Option<NeedStatusSeen>)]
    status: Option<NeedStatus>,
    limit: i64,
    offset: i64,
    needs: Vec<NeedLine>,
}

/// The `{id}` of a need's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NeedIdPath {
    /// The need's id. Anything but a positive integer answers `404`.
    #[param(minimum = 1)]
    pub id: i64,
}

/// `POST /api/v1/needs`.
#[utoipa::path(
    post,
    path = "/api/v1/needs",
    operation_id = "createNeed",
    tag = "needs",
    summary = "Record a need",
    description = "Records a need raised at `unit_code`, in that unit's own queue, with status \
                   `open`, today as `raised_on`, and counts it in the practical-deeds ledger of \
                   the unit and every unit above it, in one transaction. Every field is checked \
                   together: `422` with `fields` naming each bad one, and nothing is saved. \
                   Recorded in the audit log (`need.raised`, without the description).",
    params(IdempotencyHeader),
    request_body = NeedBody,
    responses(
        (status = 201, description = "The need's id (the same again for a repeated \
                                      `Idempotency-Key`).", body = NeedCreated),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 500, response = Internal),
        (status = 422, response = Invalid),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiOnce { once, body: b }: ApiOnce<NeedBody>,
) -> AppResult<Response> {
    let made_at = b.made_at;
    let draft = NeedDraft {
        unit_code: b.unit_code,
        category: b.category,
        urgency: b.urgency,
        description: b.description,
        due_date: b.due_date,
        household_id: b.household_id,
        visit_id: b.visit_id,
    };
    once.run(&state, &actor, |claim| async {
        let sent = Sent::new(claim, made_at.as_deref());
        let id = needs::create(&state, &actor, ip, &draft, sent).await?;
        Ok((StatusCode::CREATED, Json(NeedCreated { id })))
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Code of the unit whose queue to show; defaults to the caller's unit. A malformed code
    /// answers `400`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// `open`, `in_progress`, `resolved` or `closed`; empty or absent for every status. Anything
    /// else answers `400`.
    status: Option<String>,
    /// `assigned` (default: the needs sitting with the unit) or `subtree` (raised anywhere in
    /// its subtree). Anything else answers `400`.
    queue: Option<String>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
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
#[utoipa::path(
    get,
    path = "/api/v1/needs",
    operation_id = "listNeeds",
    tag = "needs",
    summary = "A unit's need queue",
    description = "With `queue=assigned` (the default) the needs sitting with `unit` — its work \
                   queue, where the public help page puts requests too; with `queue=subtree` every \
                   need raised at `unit` or below it, wherever it sits now (one escalated above \
                   the caller's unit reads `referred`). Optionally of one `status`; newest first. \
                   `unit` defaults to the caller's own unit and must lie in her subtree (otherwise \
                   `404`, exactly like an unknown unit).",
    params(ListQuery),
    responses(
        (status = 200, description = "The queue.", body = NeedList),
        (status = 400, response = BadRequest),
        (status = 500, response = Internal),
        (status = 404, response = NotFound),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<NeedList>> {
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
        out.push(needs::summary(n, s, today));
    }
    Ok(Json(NeedList {
        unit: UnitPathStep::of(&unit),
        queue: match queue {
            NeedQueue::Assigned => QueueName::Assigned,
            NeedQueue::Subtree => QueueName::Subtree,
        },
        status,
        limit: page.limit,
        offset: page.offset,
        needs: out,
    }))
}

async fn show_json(state: &AppState, actor: &crate::auth::Actor, id: &str) -> AppResult<NeedView> {
    let need = needs::load(state, actor, id).await?;
    let events = state.store.need_events(&need).await?;
    let status = needs::status_for(state, actor, &need).await?;
    let mut v = needs::view(&need, status, &events, today(&state.config));
    v.may_act = needs::may_act(state, actor, &need).await?;
    Ok(v)
}

/// `GET /api/v1/needs/{id}`: the need with its history.
#[utoipa::path(
    get,
    path = "/api/v1/needs/{id}",
    operation_id = "getNeed",
    tag = "needs",
    summary = "A need with its history",
    description = "The need with its description and its events, oldest first. Visible when the \
                   unit it was raised at lies in the caller's subtree (otherwise `404`, exactly \
                   like a need that does not exist); `status` reads `referred` when it was \
                   escalated above the caller's unit.",
    params(NeedIdPath),
    responses(
        (status = 200, description = "The need.", body = NeedView),
        (status = 500, response = Internal),
        (status = 404, response = NotFound),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<NeedView>> {
    Ok(Json(show_json(&state, &actor, &id).await?))
}

/// Optional: a bare `POST` starts the need with no handler named.
#[derive(Deserialize, Default, ToSchema)]
#[schema(as = NeedStartInput)]
pub struct StartBody {
    /// An active user of the unit the need sits with, who handles it (`422` with field
    /// `assignee_user` otherwise).
    assignee_user: Option<i64>,
}

/// `POST /api/v1/needs/{id}/start`.
#[utoipa::path(
    post,
    path = "/api/v1/needs/{id}/start",
    operation_id = "startNeed",
    tag = "needs",
    summary = "Start work on a need",
    description = "An `open` need becomes `in_progress` (`422` with field `status`, \
                   `err.need.not_open`, otherwise), optionally naming its handler. The body may be \
                   empty. Recorded in the audit log (`need.started`). The need must be visible to \
                   the caller (its origin in her subtree; otherwise `404`, exactly like a need \
                   that does not exist). Access is checked first; then the unit the need sits with \
                   must lie in the caller's subtree: a unit below it that still follows the need \
                   gets `403`. The transition is a conditional update, so of two people acting at \
                   once one wins and the other gets `422` with field `status`.",
    params(NeedIdPath),
    request_body = Option<StartBody>,
    responses(
        (status = 200, description = "The need as it is now, with its history.", body = NeedView),
        (status = 400, response = BadRequest),
        (status = 500, response = Internal),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
pub async fn start(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> AppResult<Json<NeedView>> {
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

/// Why this level cannot solve it.
#[derive(Deserialize, ToSchema)]
#[schema(as = NeedEscalateInput)]
pub struct NoteBody {
    /// Why this level cannot solve it (required).
    #[serde(default)]
    #[schema(max_length = 2000)]
    note: String,
}

/// `POST /api/v1/needs/{id}/escalate` `{"note"}`.
#[utoipa::path(
    post,
    path = "/api/v1/needs/{id}/escalate",
    operation_id = "escalateNeed",
    tag = "needs",
    summary = "Escalate a need to the unit above",
    description = "A live need moves to the parent of the unit it sits with, back to `open`, with \
                   no handler, `escalations` one higher and an `escalated` event carrying `note` \
                   (required, `422` with field `note`). A need with the region cannot go higher: \
                   `422` with field `assignee` (`err.need.above_root`) and nothing changes. The \
                   ledger does not change: it counts needs where they were raised. Recorded in the \
                   audit log (`need.escalated`). The need must be visible to the caller (its \
                   origin in her subtree; otherwise `404`, exactly like a need that does not \
                   exist). Access is checked first; then the unit the need sits with must lie in \
                   the caller's subtree: a unit below it that still follows the need gets `403`. \
                   The transition is a conditional update, so of two people acting at once one \
                   wins and the other gets `422` with field `status`.",
    params(NeedIdPath),
    request_body = NoteBody,
    responses(
        (status = 200, description = "The need as it is now, with its history.", body = NeedView),
        (status = 400, response = BadRequest),
        (status = 500, response = Internal),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
pub async fn escalate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NoteBody>,
) -> AppResult<Json<NeedView>> {
    let need = needs::load(&state, &actor, &id).await?;
    needs::escalate(&state, &actor, ip, &need, &b.note).await?;
    Ok(Json(show_json(&state, &actor, &id).await?))
}

/// What was done, and the household's rating.
#[derive(Deserialize, ToSchema)]
#[schema(as = NeedResolveInput)]
pub struct ResolveBody {
    /// What was done (required).
    #[serde(default)]
    #[schema(max_length = 2000)]
    resolution: String,
    /// The household's rating, 1–5 (required).
    #[schema(minimum = 1, maximum = 5)]
    satisfaction: Option<i64>,
}

/// `POST /api/v1/needs/{id}/resolve` `{"resolution","satisfaction"}`.
#[utoipa::path(
    post,
    path = "/api/v1/needs/{id}/resolve",
    operation_id = "resolveNeed",
    tag = "needs",
    summary = "Resolve a need",
    description = "A live need becomes `resolved` today with what was done (`resolution`, \
                   required) and the household's rating (`satisfaction`, 1–5); either missing or \
                   wrong is `422` on its field and nothing changes. The ledger counts one \
                   resolution, its rating and the days it took in this month, and one live need \
                   fewer. Recorded in the audit log (`need.resolved`). The need must be visible to \
                   the caller (its origin in her subtree; otherwise `404`, exactly like a need \
                   that does not exist). Access is checked first; then the unit the need sits with \
                   must lie in the caller's subtree: a unit below it that still follows the need \
                   gets `403`. The transition is a conditional update, so of two people acting at \
                   once one wins and the other gets `422` with field `status`.",
    params(NeedIdPath),
    request_body = ResolveBody,
    responses(
        (status = 200, description = "The need as it is now, with its history.", body = NeedView),
        (status = 400, response = BadRequest),
        (status = 500, response = Internal),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
pub async fn resolve(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ResolveBody>,
) -> AppResult<Json<NeedView>> {
    let need = needs::load(&state, &actor, &id).await?;
    needs::resolve(&state, &actor, ip, &need, &b.resolution, b.satisfaction).await?;
    Ok(Json(show_json(&state, &actor, &id).await?))
}

/// Why the need is closed unresolved.
#[derive(Deserialize, ToSchema)]
#[schema(as = NeedCloseInput)]
pub struct CloseBody {
    #[serde(default)]
    #[schema(max_length = 2000)]
    reason: String,
}

/// `POST /api/v1/needs/{id}/close` `{"reason"}`.
#[utoipa::path(
    post,
    path = "/api/v1/needs/{id}/close",
    operation_id = "closeNeed",
    tag = "needs",
    summary = "Close a need unresolved",
    description = "A live need becomes `closed` today with the `reason` (required, `422` with \
                   field `reason`). The ledger counts one closure this month and one live need \
                   fewer. Recorded in the audit log (`need.closed`). The need must be visible to \
                   the caller (its origin in her subtree; otherwise `404`, exactly like a need \
                   that does not exist). Access is checked first; then the unit the need sits with \
                   must lie in the caller's subtree: a unit below it that still follows the need \
                   gets `403`. The transition is a conditional update, so of two people acting at \
                   once one wins and the other gets `422` with field `status`.",
    params(NeedIdPath),
    request_body = CloseBody,
    responses(
        (status = 200, description = "The need as it is now, with its history.", body = NeedView),
        (status = 400, response = BadRequest),
        (status = 500, response = Internal),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
pub async fn close(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CloseBody>,
) -> AppResult<Json<NeedView>> {
    let need = needs::load(&state, &actor, &id).await?;
    needs::close(&state, &actor, ip, &need, &b.reason).await?;
    Ok(Json(show_json(&state, &actor, &id).await?))
}

/// `GET /api/v1/units/{code}/deeds?from=YYYY-MM&to=YYYY-MM`: counters only.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/deeds",
    operation_id = "getUnitDeeds",
    tag = "statistics",
    summary = "The practical-deeds ledger of a unit",
    description = "Needs raised, resolved and closed at the unit `{code}` or below it in the \
                   months `from`..`to`, the median days to resolve and the mean satisfaction, with \
                   live needs overdue today; by category, by active direct child and by month. \
                   Read from counters that every write keeps up to date, so its cost depends on \
                   the number of children, not of needs. A need counts where it was raised, \
                   however far it was escalated. The unit must lie in the caller's subtree \
                   (otherwise `404`, exactly like an unknown unit).",
    params(UnitCodePath, PeriodQuery),
    responses(
        (status = 200, description = "The ledger.", body = DeedsView),
        (status = 400, response = BadRequest),
        (status = 500, response = Internal),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
pub async fn deeds(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<DeedsView>> {
    let unit = state
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let today = today(&state.config);
    let p = Period::parse(q.from.as_deref(), q.to.as_deref(), today)?;
    let d = state
        .store
        .deeds(actor.scope(), &unit, p.from, p.to, today)
        .await?;
    Ok(Json(needs::deeds_view(&unit, p.from, p.to, &d)))
}

async fn dictionary(state: &AppState, kind: DictKind) -> AppResult<Json<Dictionary>> {
    let entries = state.dictionary(kind).await?;
    Ok(Json(Dictionary {
        entries: entries.to_vec(),
    }))
}

/// `GET /api/v1/dictionaries/need-categories`: public, because the public
/// help page offers the categories before anyone logs in.
#[utoipa::path(
    get,
    path = "/api/v1/dictionaries/need-categories",
    operation_id = "listNeedCategories",
    tag = "dictionaries",
    summary = "The need categories",
    description = "Every entry of the need-category dictionary (employment, skills, health, legal, \
                   education, childcare, hardship relief, psychological, other …), inactive ones \
                   included, ordered by `sort`. A need's `category` must be the key of an active \
                   entry. The public help page offers these before anyone logs in.",
    responses(
        (status = 200, description = "The dictionary.", body = Dictionary),
        (status = 500, response = Internal),
    ),
)]
pub async fn need_categories(State(state): State<AppState>) -> AppResult<Json<Dictionary>> {
    dictionary(&state, DictKind::NEED_CATEGORY).await
}

/// `GET /api/v1/dictionaries/visit-tags`.
#[utoipa::path(
    get,
    path = "/api/v1/dictionaries/visit-tags",
    operation_id = "listVisitTags",
    tag = "dictionaries",
    summary = "The visit tags",
    description = "Every entry of the visit-tag dictionary (hardship, left-behind children, \
                   elderly living alone, disability, single mother, domestic-violence risk …), \
                   inactive ones included, ordered by `sort`.",
    responses(
        (status = 200, description = "The dictionary.", body = Dictionary),
        (status = 500, response = Internal),
    ),
)]
pub async fn visit_tags(
    State(state): State<AppState>,
    _actor: ApiActor,
) -> AppResult<Json<Dictionary>> {
    dictionary(&state, DictKind::VISIT_TAG).await
}
