use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jinguo_domain::activity::format_date;
use jinguo_domain::{ActivityDraft, ActivityId, Month, UnitCode};
use jinguo_store::model::{Activity, DictEntry, DictKind, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::openapi::{BadRequest, Conflict, Internal, Invalid, NotFound};
use super::units::UnitPathStep;
use super::{ApiJson, ApiQuery, unit_of};
use crate::activities::{self, parse_id};
use crate::auth::ApiActor;
use crate::error::AppResult;
use crate::idempotency::{ApiOnce, IdempotencyHeader, Sent};
use crate::net::ClientIp;
use crate::period::Period;
use crate::state::{AppState, today};

/// A recorded activity.
#[derive(Serialize, ToSchema)]
#[schema(as = Activity)]
pub struct ActivityView {
    id: ActivityId,
    /// The unit the activity was done by.
    unit: UnitPathStep,
    /// Day of the activity, `YYYY-MM-DD`.
    #[schema(format = Date)]
    date: String,
    /// Key of the activity-type dictionary.
    #[serde(rename = "type")]
    type_key: String,
    /// Key of the programme dictionary; null if none.
    program: Option<String>,
    title: String,
    /// Name in traditional Mongolian script, if any.
    title_mn: Option<String>,
    /// Where it took place, if given.
    place: Option<String>,
    #[schema(minimum = 0, maximum = 100000)]
    participants: i64,
    /// Women among the participants.
    #[schema(minimum = 0)]
    women: i64,
    /// A short account, if given.
    summary: Option<String>,
    /// Unix seconds of recording: when the record arrived at the server.
    created_at: i64,
    /// Unix seconds of the last change.
    updated_at: i64,
    /// Unix seconds on the recording device when it was made there (`made_at` as sent), if it
    /// said; the activity's `date` still decides the month it counts in.
    made_at: Option<i64>,
    /// Whom it reached (keys of the audience dictionary); in the answers about one activity only.
    #[serde(skip_serializing_if = "Option::is_none")]
    audiences: Option<Vec<String>>,
}

impl From<&Activity> for ActivityView {
    fn from(a: &Activity) -> Self {
        let f = &a.fields;
        ActivityView {
            id: a.id,
            unit: UnitPathStep::from(&a.unit),
            date: format_date(f.date),
            type_key: f.type_key.clone(),
            program: f.program_key.clone(),
            title: f.title.clone(),
            title_mn: f.title_mn.clone(),
            place: f.place.clone(),
            participants: f.participants,
            women: f.women,
            summary: f.summary.clone(),
            created_at: a.created_at,
            updated_at: a.updated_at,
            made_at: a.made_at,
            audiences: None,
        }
    }
}

/// The id of a new activity.
#[derive(Serialize, ToSchema)]
pub struct ActivityCreated {
    id: ActivityId,
}

/// A page of a subtree's activities in a range of months, newest first.
#[derive(Serialize, ToSchema)]
pub struct ActivityList {
    /// The unit whose subtree is listed.
    unit: UnitPathStep,
    /// First month of the range.
    from: Month,
    /// Last month of the range.
    to: Month,
    /// Page size after clamping.
    #[schema(minimum = 1, maximum = 500)]
    limit: i64,
    /// Entries skipped, after clamping.
    #[schema(minimum = 0)]
    offset: i64,
    #[schema(max_items = 500)]
    activities: Vec<ActivityView>,
}

/// Every entry of a dictionary, by `sort` and then `key`.
#[derive(Serialize, ToSchema)]
pub struct Dictionary {
    pub entries: Vec<DictEntry>,
}

/// The `{id}` of an activity's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ActivityIdPath {
    /// Id of an activity. Anything but a positive integer answers `404`, like an unknown activity
    /// or one outside the caller's subtree.
    #[param(minimum = 1)]
    pub id: i64,
}

/// An activity as recorded or changed. `unit_code`, `date`, `type` and `title` must be present as
/// strings and the numbers must be integers (otherwise `400`); every rule below answers `422`
/// with the field's name. Text is trimmed; blank optional text counts as absent. Text may not
/// hold control characters other than line breaks (same message as text that is too long).
#[derive(Deserialize, ToSchema)]
#[schema(as = ActivityInput)]
pub struct ActivityBody {
    /// Code of the unit the activity was done by; it must be an active unit of the caller's
    /// subtree. A malformed, unknown, out-of-subtree or retired unit answers `422` with field
    /// `unit_code`.
    #[schema(value_type = UnitCode)]
    unit_code: String,
    /// Day of the activity, `YYYY-MM-DD`: not after today and not before 2000 (field `date`).
    #[schema(format = Date, example = "2026-11-20")]
    date: String,
    /// Key of an active entry of the activity-type dictionary
    /// (`GET /api/v1/dictionaries/activity-types`); blank, unknown or inactive keys answer `422`
    /// with field `type`.
    #[serde(rename = "type")]
    #[schema(example = "lecture")]
    type_key: String,
    /// Key of an active entry of the programme dictionary (`GET /api/v1/dictionaries/programs`);
    /// null, absent or blank means the activity belongs to no programme. An unknown or inactive
    /// key answers `422` with field `program`.
    program: Option<String>,
    /// Name of the activity, required, at most 100 characters (field `title`).
    #[schema(max_length = 100, example = "巾帼大宣讲进嘎查")]
    title: String,
    /// Name in traditional Mongolian script, at most 100 characters (field `title_mn`).
    #[schema(max_length = 100)]
    title_mn: Option<String>,
    /// Where it took place, at most 100 characters (field `place`).
    #[schema(max_length = 100)]
    place: Option<String>,
    /// Number of participants, 0–100000. Absent, null or out of range answers `422` with field
    /// `participants`.
    #[schema(minimum = 0, maximum = 100000)]
    participants: Option<i64>,
    /// Women among the participants, 0 up to `participants`; absent or null means 0. A negative
    /// number or more than `participants` answers `422` with field `women`.
    #[schema(minimum = 0)]
    women: Option<i64>,
    /// A short account, at most 2000 characters, line breaks allowed (field `summary`).
    #[schema(max_length = 2000)]
    summary: Option<String>,
    /// When the record was made on the device (a phone's outbox sends it later), RFC 3339 with
    /// offset. Kept beside the server's arrival time, which it never replaces; not more than
    /// 10 minutes ahead of the server's clock and not more than a year behind it (otherwise
    /// `422` with field `made_at`). Ignored by changes (`PUT`).
    #[schema(format = DateTime, example = "2026-11-20T09:30:00+08:00")]
    #[serde(default)]
    made_at: Option<String>,
    /// Whom it reached: keys of active entries of the audience dictionary
    /// (`GET /api/v1/dictionaries/activity-audiences`), e.g. `cadre_families` for clean-family
    /// work; duplicates once. An unknown or inactive key answers `422` with field `audiences`.
    /// Absent on a change (`PUT`) keeps the audiences it has; `[]` clears them.
    #[serde(default)]
    #[schema(max_items = 20)]
    audiences: Option<Vec<String>>,
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
#[utoipa::path(
    post,
    path = "/api/v1/activities",
    operation_id = "createActivity",
    tag = "activities",
    summary = "Record an activity",
    description = "Records an activity at the unit `unit_code`. Every field is checked and all \
                   violations are reported together: `422` with `fields` mapping each offending \
                   field to its message and `field` naming the first, in the order date, \
                   unit_code, type, program, title, title_mn, place, participants, women, summary. \
                   `unit_code` must be an active unit of the caller's subtree: a unit outside the \
                   subtree answers the same `422` with field `unit_code` as an unknown or \
                   malformed code (never `404`), and a retired unit answers `422` with field \
                   `unit_code` as well. The counters of the unit and all its ancestors change in \
                   the same transaction, so roll-ups show the activity at once. If the unit is \
                   retired between the check and the write, the answer is `409` with field \
                   `unit_retired`. Recorded in the audit log (`activity.created`).",
    params(IdempotencyHeader),
    request_body = ActivityBody,
    responses(
        (status = 201, description = "The activity has been recorded (or had been, for a repeated \
                                      `Idempotency-Key`).", body = ActivityCreated),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiOnce { once, body: b }: ApiOnce<ActivityBody>,
) -> AppResult<Response> {
    once.run(&state, &actor, |claim| async {
        let sent = Sent::new(claim, b.made_at.as_deref());
        let id = activities::create(
            &state,
            &actor,
            ip,
            &b.unit_code,
            &b.draft(),
            b.audiences.as_deref(),
            sent,
        )
        .await?;
        Ok((StatusCode::CREATED, Json(ActivityCreated { id })))
    })
    .await
}

/// `GET /api/v1/activities/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/activities/{id}",
    operation_id = "getActivity",
    tag = "activities",
    summary = "One activity",
    description = "An activity recorded in the caller's subtree (otherwise `404`, exactly like an \
                   unknown activity).",
    params(ActivityIdPath),
    responses(
        (status = 200, description = "The activity.", body = ActivityView),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<ActivityView>> {
    let a = state
        .store
        .activity_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let mut v = ActivityView::from(&a);
    v.audiences = Some(state.store.activity_audiences(actor.scope(), a.id).await?);
    Ok(Json(v))
}

/// `PUT /api/v1/activities/{id}`: the whole record; a new `unit_code` moves it.
#[utoipa::path(
    put,
    path = "/api/v1/activities/{id}",
    operation_id = "updateActivity",
    tag = "activities",
    summary = "Change an activity",
    description = "Replaces every field of an activity of the caller's subtree (otherwise `404`, \
                   checked before the fields); optional fields left out are cleared, and a missing \
                   `women` becomes 0. A `unit_code` other than the current one moves the activity, \
                   and its numbers, to that unit. Every field is checked and all violations are \
                   reported together: `422` with `fields` mapping each offending field to its \
                   message and `field` naming the first, in the order date, unit_code, type, \
                   program, title, title_mn, place, participants, women, summary. `unit_code` must \
                   be an active unit of the caller's subtree: a unit outside the subtree answers \
                   the same `422` with field `unit_code` as an unknown or malformed code (never \
                   `404`), and a retired unit answers `422` with field `unit_code` as well. This \
                   holds for an unchanged `unit_code` too, so an activity of a unit retired since \
                   can only be moved or deleted. If someone else changed or deleted the activity \
                   at the same time, the answer is `409` with field `activity_changed`: read it \
                   again before retrying; `409` with field `unit_retired` if the new unit is \
                   retired between the check and the write. Recorded in the audit log \
                   (`activity.updated`). Access is checked before anything about the activity.",
    params(ActivityIdPath),
    request_body = ActivityBody,
    responses(
        (status = 200, description = "The activity after the change.", body = ActivityView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ActivityBody>,
) -> AppResult<Json<ActivityView>> {
    let a = activities::update(
        &state,
        &actor,
        ip,
        parse_id(&id)?,
        &b.unit_code,
        &b.draft(),
        b.audiences.as_deref(),
    )
    .await?;
    let mut v = ActivityView::from(&a);
    v.audiences = Some(state.store.activity_audiences(actor.scope(), a.id).await?);
    Ok(Json(v))
}

/// `DELETE /api/v1/activities/{id}`.
#[utoipa::path(
    delete,
    path = "/api/v1/activities/{id}",
    operation_id = "deleteActivity",
    tag = "activities",
    summary = "Delete an activity",
    description = "Deletes an activity of the caller's subtree (otherwise `404`) and takes it out \
                   of the numbers of its unit and all ancestors; its photos and their files are \
                   deleted with it. If someone else changed or deleted it at the same time, the \
                   answer is `409` with field `activity_changed`. An activity a household visit \
                   recorded is deleted with its visit, not alone: `422` with field `activity`. \
                   Recorded in the audit log (`activity.deleted`). Access is checked before \
                   anything about the activity.",
    params(ActivityIdPath),
    responses(
        (status = 204, description = "The activity has been deleted."),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    activities::delete(&state, &actor, ip, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Code of the unit whose subtree to list; defaults to the caller's unit. A malformed code
    /// answers `400`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// First month of the range, `YYYY-MM` (years 2000–2100); absent or blank means January of
    /// the year of `to`. A malformed month answers `422` with field `from`, and so does a `from`
    /// after `to` or a range of more than 120 months.
    #[param(example = "2026-01")]
    from: Option<String>,
    /// Last month of the range, `YYYY-MM` (years 2000–2100); absent or blank means this month. A
    /// malformed month answers `422` with field `to` (checked before `from`).
    #[param(example = "2026-06")]
    to: Option<String>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// `GET /api/v1/activities?unit=&from=&to=`: the subtree's activities,
/// newest first, paged.
#[utoipa::path(
    get,
    path = "/api/v1/activities",
    operation_id = "listActivities",
    tag = "activities",
    summary = "Activities of a subtree",
    description = "Activities recorded at the unit `unit` or any of its descendants (as the tree \
                   stood when each was last written) whose date lies in the months `from`..`to` \
                   (both included), newest date first, then newest record first. Without `unit`, \
                   the caller's own unit. A `unit` outside the caller's subtree answers `404`, \
                   exactly like an unknown unit.",
    params(ListQuery),
    responses(
        (status = 200, description = "The unit listed, the range and the activities.", body = ActivityList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<ActivityList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), today(&state.config))?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .activities_under(actor.scope(), &unit, period.from, period.to, page)
        .await?;
    Ok(Json(ActivityList {
        unit: UnitPathStep::of(&unit),
        from: period.from,
        to: period.to,
        limit: page.limit,
        offset: page.offset,
        activities: rows.iter().map(ActivityView::from).collect(),
    }))
}

async fn dictionary(state: &AppState, kind: DictKind) -> AppResult<Json<Dictionary>> {
    let entries = state.dictionary(kind).await?;
    Ok(Json(Dictionary {
        entries: entries.to_vec(),
    }))
}

/// `GET /api/v1/dictionaries/activity-types`.
#[utoipa::path(
    get,
    path = "/api/v1/dictionaries/activity-types",
    operation_id = "listActivityTypes",
    tag = "dictionaries",
    summary = "The activity types",
    description = "Every entry of the activity-type dictionary, inactive ones included (older \
                   records may still use them), ordered by `sort` and then `key`. An activity's \
                   `type` must be the key of an active entry.",
    responses(
        (status = 200, description = "The dictionary.", body = Dictionary),
        (status = 500, response = Internal),
    ),
)]
pub async fn activity_types(
    State(state): State<AppState>,
    _actor: ApiActor,
) -> AppResult<Json<Dictionary>> {
    dictionary(&state, DictKind::ACTIVITY_TYPE).await
}

/// `GET /api/v1/dictionaries/programs`.
#[utoipa::path(
    get,
    path = "/api/v1/dictionaries/programs",
    operation_id = "listPrograms",
    tag = "dictionaries",
    summary = "The programmes",
    description = "Every entry of the programme dictionary, inactive ones included (older \
                   records may still use them), ordered by `sort` and then `key`. An activity's \
                   `program`, when given, must be the key of an active entry.",
    responses(
        (status = 200, description = "The dictionary.", body = Dictionary),
        (status = 500, response = Internal),
    ),
)]
pub async fn programs(
    State(state): State<AppState>,
    _actor: ApiActor,
) -> AppResult<Json<Dictionary>> {
    dictionary(&state, DictKind::PROGRAM).await
}
