//! `/api/v1/tasks`: issue, inbox, answer, review, progress, export.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jinguo_domain::task::{Answer, FieldDef, FieldDraft, parse_answers};
use jinguo_domain::{ReportStatus, TaskDraft, TaskId, UnitCode};
use jinguo_store::model::{
    Attachment, Forward, Notice, Page, TaskBox, TaskSummary, Totals, Unit, UnitRef,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::openapi::{BadRequest, Conflict, Internal, NotFound, TaskInvalid};
use super::units::{UnitLabel, UnitPathStep};
use super::{ApiJson, ApiQuery, parse_code, unit_of};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::idempotency::{ApiOnce, IdempotencyHeader, Once};
use crate::net::ClientIp;
use crate::state::AppState;
use crate::tasks::{self, ForwardDraft, ProgressView, ReportView, Target};

/// Who may see a task and its reports, said once for every operation
/// on a report.
macro_rules! report_scope {
    () => {
        "The task must be visible to the caller and `{unit_code}` a target unit of it inside \
         her subtree; otherwise `404`, exactly like a task or report that does not exist."
    };
}

/// A task to issue. Every rule is checked and all violations are reported together as `422`.
/// Exactly one of `target_level` and `target_units` must be given (both: `422` with field
/// `target_units`; neither: `422` with field `target_units`). Members of the wrong JSON type
/// answer `400`.
#[derive(Deserialize, ToSchema)]
#[schema(as = TaskInput)]
pub struct TaskBody {
    /// Required, at most 200 characters after trimming, no control characters other than line
    /// breaks (field `title`).
    #[serde(default)]
    #[schema(
        required = true,
        min_length = 1,
        max_length = 200,
        example = "2026年第四季度十送活动统计"
    )]
    title: String,
    /// Optional, at most 5000 characters after trimming (field `description`).
    #[serde(default)]
    #[schema(max_length = 5000)]
    description: String,
    /// Last day for the reports, `YYYY-MM-DD`: not before today, and in a year at most 5 after
    /// this one (field `deadline`).
    #[serde(default)]
    #[schema(required = true, format = Date, example = "2026-12-20")]
    deadline: String,
    /// Code of the unit the task is issued from: the caller's unit or a unit below it. A
    /// missing, malformed or unknown code and a unit outside the caller's subtree all answer
    /// `422` with field `issuer_unit` and the same message (never `404`).
    #[serde(default)]
    #[schema(required = true, value_type = UnitCode)]
    issuer_unit: String,
    /// Send the task to every active geographic unit at this level in the issuer's subtree; the
    /// level must lie below the issuer's (a larger number), otherwise `422` with field
    /// `target_level`.
    #[schema(minimum = 1, maximum = 5)]
    target_level: Option<i64>,
    /// Send the task to these units (blank entries are ignored, duplicates count once): at most
    /// 500 (field `target_units`), each an active unit strictly inside the issuer's subtree,
    /// geographic or sector; any other code answers `422` with field `target_units`.
    #[serde(default)]
    #[schema(value_type = Vec<UnitCode>, max_items = 500)]
    target_units: Vec<String>,
    /// The report form; may be empty (a task that only asks for a submission).
    #[serde(default)]
    #[schema(max_items = 40)]
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

/// The `{id}` and `{unit_code}` of a report's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReportPath {
    /// Id of a task. Anything but a positive integer answers `404`, like an unknown task or one
    /// the caller may not see (a task is visible when it was issued from a unit of the caller's
    /// subtree or has a target unit in it).
    #[param(minimum = 1)]
    pub id: i64,
    /// Code of a target unit of the task, whose report is meant. A malformed or unknown code, a
    /// unit outside the caller's subtree and a unit that is not a target of the task all answer
    /// `404` (here a malformed code is `404`, not `400`).
    #[param(value_type = UnitCode)]
    pub unit_code: String,
}

/// The id of a new task.
#[derive(Serialize, ToSchema)]
pub struct TaskCreated {
    id: TaskId,
}

/// `POST /api/v1/tasks`.
#[utoipa::path(
    post,
    path = "/api/v1/tasks",
    operation_id = "createTask",
    tag = "tasks",
    summary = "Issue a task",
    description = "Issues a task from the unit `issuer_unit` (the caller's unit or one below it) \
                   to the units below it: every active geographic unit at `target_level` in the \
                   issuer's subtree, or the units of `target_units`. Every rule is checked and \
                   all violations are reported together: `422` with `fields` mapping each \
                   offending field to its message (`title`, `description`, `deadline`, \
                   `issuer_unit`, `target_level`, `target_units`, `fields`, `fields[i].key` and \
                   the like for the form), and `field` naming the first. Bound fields must name \
                   dictionary keys that exist (`fields[i].bound_to`). A `target_level` or \
                   `target_units` that matches no unit answers `422` with that field. An issuer \
                   outside the caller's subtree answers `422` with field `issuer_unit`, never \
                   `404`. Every target unit gets a `not_started` report and an `issued` notice. \
                   Recorded in the audit log (`task.issued`). Access is checked before any rule \
                   of the body.",
    request_body = TaskBody,
    responses(
        (status = 201, description = "The task has been issued.", body = TaskCreated),
        (status = 400, response = BadRequest),
        (status = 422, response = TaskInvalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<TaskBody>,
) -> AppResult<(StatusCode, Json<TaskCreated>)> {
    let draft = TaskDraft {
        title: b.title,
        description: b.description,
        deadline: b.deadline,
        target_level: b.target_level,
        target_units: b.target_units,
        fields: b.fields,
    };
    let id = tasks::issue(&state, &actor, ip, &b.issuer_unit, &draft).await?;
    Ok((StatusCode::CREATED, Json(TaskCreated { id })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Code of the unit whose subtree to show; defaults to the caller's own unit. A malformed
    /// code answers `400`; a unit outside the caller's subtree answers `404`, exactly like an
    /// unknown unit.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Which tasks to list; any other value answers `400`.
    #[serde(rename = "box")]
    #[param(value_type = Option<TaskBox>, inline, default = "inbox")]
    which: Option<String>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// A page of one box of a unit's tasks, newest first.
#[derive(Serialize, ToSchema)]
pub struct TaskList {
    /// The unit listed.
    unit: UnitPathStep,
    /// The box listed.
    #[serde(rename = "box")]
    which: TaskBox,
    #[schema(max_items = 500)]
    tasks: Vec<TaskSummary>,
}

/// `GET /api/v1/tasks?unit=&box=inbox|issued|subtree`.
#[utoipa::path(
    get,
    path = "/api/v1/tasks",
    operation_id = "listTasks",
    tag = "tasks",
    summary = "Tasks of a unit, by box",
    description = "One box of the tasks of the unit `unit` (the caller's own unit by default), \
                   newest first: `inbox`, the tasks the unit itself has to answer; `issued`, the \
                   tasks the unit itself issued; `subtree`, the tasks with any target in the \
                   unit's subtree, that is what passes through it. Each line counts the \
                   targets, handed-in and waiting reports within the unit's subtree and gives \
                   the unit's own report status. A `unit` outside the caller's subtree answers \
                   `404`, exactly like an unknown unit.",
    params(ListQuery),
    responses(
        (status = 200, description = "The unit listed, the box and its tasks.", body = TaskList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<TaskList>> {
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
    Ok(Json(TaskList {
        unit: UnitPathStep::of(&unit),
        which,
        tasks: rows,
    }))
}

/// A file attached to a task. Download it from
/// `/api/v1/tasks/{id}/attachments/{attachment_id}`.
#[derive(Serialize, ToSchema)]
#[schema(as = Attachment)]
pub struct AttachmentLine {
    id: jinguo_domain::AttachmentId,
    /// The uploader's file name without path parts.
    #[schema(max_length = 100)]
    name: String,
    #[schema(value_type = AttachmentType)]
    content_type: String,
    #[schema(minimum = 1)]
    byte_size: i64,
    /// Unix seconds.
    created_at: i64,
}

/// The kinds of file a task may carry, told by their bytes.
#[derive(Serialize, ToSchema)]
pub enum AttachmentType {
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    Docx,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Xlsx,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
}

impl From<&Attachment> for AttachmentLine {
    fn from(a: &Attachment) -> Self {
        AttachmentLine {
            id: a.id,
            name: a.name.clone(),
            content_type: a.content_type.clone(),
            byte_size: a.byte_size,
            created_at: a.created_at,
        }
    }
}

/// A task with its form, and its progress within the caller's own unit's subtree.
#[derive(Serialize, ToSchema)]
#[schema(as = Task)]
pub struct TaskView {
    id: TaskId,
    title: String,
    /// May be empty.
    description: String,
    /// Last day for the reports, `YYYY-MM-DD`.
    #[schema(format = Date)]
    deadline: String,
    /// The unit the task was issued from.
    issuer: UnitRef,
    /// The issuer's report form.
    fields: Vec<FieldDef>,
    /// Fields added by units that forwarded the task, in the order they did. A unit's report
    /// has the issuer's fields plus those added by the units above it that forwarded the task.
    forwards: Vec<Forward>,
    /// Number of target units of the whole task, forwarded ones included.
    #[schema(minimum = 1)]
    targets: i64,
    /// Unix seconds of issue.
    created_at: i64,
    /// Progress within the caller's own unit's subtree.
    progress: ProgressJson,
    /// Files attached by the issuing side, oldest first.
    #[schema(max_items = 10)]
    attachments: Vec<AttachmentLine>,
}

/// `GET /api/v1/tasks/{id}`: the task with the progress of the caller's subtree.
#[utoipa::path(
    get,
    path = "/api/v1/tasks/{id}",
    operation_id = "getTask",
    tag = "tasks",
    summary = "One task with its progress",
    description = "A task with its report form, the fields forwarding units added, and its \
                   progress within the caller's own unit's subtree (use `GET \
                   /api/v1/tasks/{id}/progress?unit=` for another unit). The task must be \
                   visible to the caller (issued from a unit of her subtree, or with a target \
                   unit in it); otherwise `404`, exactly like a task that does not exist.",
    params(TaskIdPath),
    responses(
        (status = 200, description = "The task.", body = TaskView),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<TaskView>> {
    let task = tasks::load(&state, &actor, &id).await?;
    let p = tasks::progress(&state, &task, &actor.unit).await?;
    let files = state.store.attachments_of(&task).await?;
    Ok(Json(TaskView {
        id: task.id,
        title: task.title.clone(),
        description: task.description.clone(),
        deadline: jinguo_domain::activity::format_date(task.deadline),
        issuer: task.issuer.clone(),
        fields: task.fields.clone(),
        forwards: task.forwards.clone(),
        targets: task.targets,
        created_at: task.created_at,
        progress: ProgressJson::new(&actor.unit, p),
        attachments: files.iter().map(AttachmentLine::from).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Code of the unit whose subtree to show; defaults to the caller's own unit. A malformed
    /// code answers `400`; a unit outside the caller's subtree answers `404`, exactly like an
    /// unknown unit.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
}

/// A direct child of the unit with the reports of its subtree.
#[derive(Serialize, ToSchema)]
pub struct ProgressChild {
    code: UnitCode,
    /// Name of the unit (Chinese).
    name: String,
    level: jinguo_domain::Level,
    /// The state of the child's subtree as a whole: `returned` if any report there is returned;
    /// otherwise `not_started` if none has started, `approved` if all are approved, `submitted`
    /// if all are handed in, else `in_progress`.
    status: ReportStatus,
    /// The child's own report, when the child is a target itself; otherwise null.
    #[schema(required = true)]
    own_status: Option<ReportStatus>,
    /// Target units in the child's subtree.
    #[schema(minimum = 1)]
    targets: i64,
    /// Percentage of them handed in, one decimal.
    #[schema(minimum = 0, maximum = 100)]
    complete_pct: f64,
    /// Percentage of them first submitted on or before the deadline, one decimal.
    #[schema(minimum = 0, maximum = 100)]
    on_time_pct: f64,
    /// The deadline has passed and a report in the child's subtree is still open.
    overdue: bool,
}

/// A task's progress within one unit's subtree: every report of a target unit there, the
/// unit's own included.
#[derive(Serialize, ToSchema)]
#[schema(as = Progress)]
pub struct ProgressJson {
    /// The unit whose subtree is counted.
    unit: UnitPathStep,
    /// Target units in the subtree.
    #[schema(minimum = 0)]
    targets: i64,
    /// Percentage handed in (`submitted` or `approved`), one decimal; 0 when there are no
    /// targets.
    #[schema(minimum = 0, maximum = 100)]
    complete_pct: f64,
    /// Percentage first submitted on or before the deadline, one decimal (a report returned
    /// and submitted again keeps its first date).
    #[schema(minimum = 0, maximum = 100)]
    on_time_pct: f64,
    /// Today is after the deadline and some report in the subtree is still open.
    overdue: bool,
    /// The unit's own report, when it is a target itself; otherwise null.
    #[schema(required = true)]
    own_status: Option<ReportStatus>,
    /// Reports counted by status; statuses with no report are left out.
    #[schema(example = json!({"approved": 3, "submitted": 1, "not_started": 2}))]
    counts: BTreeMap<ReportStatus, i64>,
    /// Direct children with targets in their subtrees, by code.
    children: Vec<ProgressChild>,
    /// By field key: the numeric answers (integer and decimal fields) of the handed-in reports
    /// in the subtree. Keys nobody answered are left out.
    totals: BTreeMap<String, Totals>,
}

impl ProgressJson {
    fn new(unit: &Unit, p: ProgressView) -> Self {
        ProgressJson {
            unit: UnitPathStep::of(unit),
            targets: p.targets,
            complete_pct: p.complete_pct,
            on_time_pct: p.on_time_pct,
            overdue: p.overdue,
            own_status: p.own,
            counts: p.counts,
            children: p
                .children
                .into_iter()
                .map(|c| ProgressChild {
                    code: c.unit.code,
                    name: c.unit.name,
                    level: c.unit.level,
                    status: c.status,
                    own_status: c.own,
                    targets: c.targets,
                    complete_pct: c.complete_pct,
                    on_time_pct: c.on_time_pct,
                    overdue: c.overdue,
                })
                .collect(),
            totals: p.totals.into_iter().collect(),
        }
    }
}

/// `GET /api/v1/tasks/{id}/progress?unit=`.
#[utoipa::path(
    get,
    path = "/api/v1/tasks/{id}/progress",
    operation_id = "getTaskProgress",
    tag = "tasks",
    summary = "Progress of a task within a unit's subtree",
    description = "How far the reports of the target units in the subtree of `unit` (the \
                   caller's own unit by default) have come: counts by status, share handed in \
                   and share on time, whether it is overdue, the unit's own status, a line per \
                   direct child with targets below it, and totals of the numeric answers \
                   handed in. Computed on every request. The task must be visible to the caller \
                   (issued from a unit of her subtree, or with a target unit in it); otherwise \
                   `404`, exactly like a task that does not exist. A `unit` outside the \
                   caller's subtree answers `404` as well.",
    params(TaskIdPath, UnitQuery),
    responses(
        (status = 200, description = "The progress.", body = ProgressJson),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn progress(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> AppResult<Json<ProgressJson>> {
    let task = tasks::load(&state, &actor, &id).await?;
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let p = tasks::progress(&state, &task, &unit).await?;
    Ok(Json(ProgressJson::new(&unit, p)))
}

/// Passes a task on from a target unit to units below it. Exactly one of `target_level` and
/// `target_units` must be given (both: `422` with field `target_units`; neither: `422` with
/// field `target_units`).
#[derive(Deserialize, ToSchema)]
#[schema(as = ForwardInput)]
pub struct ForwardBody {
    /// The forwarding unit: a target of the task in the caller's subtree. Anything else (also a
    /// missing or malformed code) answers `404`.
    #[serde(default)]
    #[schema(required = true, value_type = UnitCode)]
    unit_code: String,
    /// Every active geographic unit at this level in the forwarding unit's subtree; the level
    /// must lie below the forwarding unit's (field `target_level`).
    #[schema(minimum = 1, maximum = 5)]
    target_level: Option<i64>,
    /// These units: at most 500, each an active unit strictly inside the forwarding unit's
    /// subtree (field `target_units`).
    #[serde(default)]
    #[schema(value_type = Vec<UnitCode>, max_items = 500)]
    target_units: Vec<String>,
    /// Extra fields for the new targets, on top of the form they inherit; keys may not repeat
    /// any key the task already has (`fields[i].key`).
    #[serde(default)]
    #[schema(max_items = 40)]
    fields: Vec<FieldDraft>,
}

/// What a forward made.
#[derive(Serialize, ToSchema)]
pub struct ForwardResult {
    /// Number of new target units; units that already were targets are left as they were.
    #[schema(minimum = 1)]
    targets: i64,
}

/// `POST /api/v1/tasks/{id}/forward`: a target unit passes the task down.
#[utoipa::path(
    post,
    path = "/api/v1/tasks/{id}/forward",
    operation_id = "forwardTask",
    tag = "tasks",
    summary = "Pass a task on to units below",
    description = "A target unit `unit_code` passes the task on to units of its own subtree, \
                   optionally adding fields for them. The forwarding unit's report must still \
                   be open (otherwise `422` with field `status`, `err.task.report_locked`); it \
                   is marked `forwarded` and, if not started, becomes `in_progress`, and its \
                   numeric fields are from then on pre-filled with the sums of what the new \
                   targets hand in. Targets and fields follow the same rules as when issuing, \
                   with the forwarding unit in place of the issuer; new field keys may not \
                   repeat any key of the task. Units that already are targets are left alone; \
                   if no new target results, the answer is `422` with field `target_level` or \
                   `target_units`. Every new target gets a `not_started` report and an `issued` \
                   notice. Recorded in the audit log (`task.forwarded`). The task must be \
                   visible to the caller (issued from a unit of her subtree, or with a target \
                   unit in it); `unit_code` must be a target of it in her subtree; anything else \
                   answers `404`, exactly like a task that does not exist.",
    params(TaskIdPath),
    request_body = ForwardBody,
    responses(
        (status = 201, description = "The task has been passed on.", body = ForwardResult),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = TaskInvalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn forward(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ForwardBody>,
) -> AppResult<(StatusCode, Json<ForwardResult>)> {
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
    Ok((StatusCode::CREATED, Json(ForwardResult { targets: made })))
}

/// One target unit's report with everything a form needs.
#[derive(Serialize, ToSchema)]
#[schema(as = Report)]
pub struct ReportJson {
    task_id: TaskId,
    /// The reporting unit.
    unit: UnitPathStep,
    status: ReportStatus,
    /// The form of this unit: the issuer's fields, then those added by units above it that
    /// forwarded the task (not those the unit itself added for the units below it).
    fields: Vec<FieldDef>,
    /// The values to show: the saved answer over the pre-filled values.
    #[schema(example = json!({"songs": 12, "homes": true}))]
    values: BTreeMap<String, Answer>,
    /// What the system fills in, computed afresh on every read: each bound field from the
    /// activity ledger, and, once the unit has forwarded the task, its other numeric fields from
    /// the sums of what the units it forwarded to handed in.
    prefilled: BTreeMap<String, Answer>,
    /// By field key: the reasons given for answers that differ from the pre-filled value.
    reasons: BTreeMap<String, String>,
    /// The reporter's note, if any.
    #[schema(required = true)]
    note: Option<String>,
    /// Why the report was last returned, if it was.
    #[schema(required = true)]
    return_reason: Option<String>,
    /// Whether the unit passed the task on to units below it.
    forwarded: bool,
    /// Day of the first submission, `YYYY-MM-DD`; kept when the report is returned and
    /// submitted again. Decides whether it counts as on time.
    #[schema(required = true, format = Date)]
    first_submitted_on: Option<String>,
    /// Unix seconds of the last submission.
    #[schema(required = true)]
    submitted_at: Option<i64>,
    /// Unix seconds of the last approval or return.
    #[schema(required = true)]
    reviewed_at: Option<i64>,
    /// Unix seconds of the last save or submission.
    #[schema(required = true)]
    updated_at: Option<i64>,
}

impl ReportJson {
    fn new(t: &Target, v: ReportView) -> Self {
        let r = &t.report;
        ReportJson {
            task_id: t.task.id,
            unit: UnitPathStep::of(&t.unit),
            status: r.status,
            fields: v.fields,
            values: v.values,
            prefilled: v.prefill,
            reasons: v.reasons,
            note: r.note.clone(),
            return_reason: r.return_reason.clone(),
            forwarded: r.forwarded,
            first_submitted_on: r.first_submitted_on.clone(),
            submitted_at: r.submitted_at,
            reviewed_at: r.reviewed_at,
            updated_at: r.updated_at,
        }
    }
}

/// `GET /api/v1/tasks/{id}/reports/{unit_code}`.
#[utoipa::path(
    get,
    path = "/api/v1/tasks/{id}/reports/{unit_code}",
    operation_id = "getReport",
    tag = "tasks",
    summary = "A unit's report",
    description = concat!(
        "The report of the target unit `{unit_code}`: its form (the issuer's fields plus those \
         added by forwarding units above it), the values to show (the saved answer over the \
         pre-filled values), the pre-filled values themselves, the reasons given for changing \
         them, status, note and dates. Pre-filled values are computed afresh on every read: a \
         bound field takes the unit's roll-up from the activity ledger, and a unit that \
         forwarded the task gets its other numeric fields from the sums of what the units it \
         forwarded to handed in. ",
        report_scope!()
    ),
    params(ReportPath),
    responses(
        (status = 200, description = "The report.", body = ReportJson),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, code)): Path<(String, String)>,
) -> AppResult<Json<ReportJson>> {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    let v = tasks::view(&state, &actor, &t).await?;
    Ok(Json(ReportJson::new(&t, v)))
}

/// One answer as given, or null for no answer.
pub struct AnswerOrNull;
jinguo_domain::schema_component!(
    AnswerOrNull,
    "AnswerOrNull",
    utoipa::openapi::schema::AnyOfBuilder::new()
        .description(Some(
            "An answer (see `AnswerValue`), or null for no answer."
        ))
        .item(utoipa::openapi::Ref::from_schema_name("AnswerValue"))
        .item(
            utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::Null)
        )
        .into(),
    [Answer]
);

/// An answer to save. It replaces the saved answer as a whole: a field left out (or null)
/// takes its pre-filled value, or has no answer if it has none, and the note is replaced too.
#[derive(Deserialize, ToSchema)]
#[schema(as = AnswerInput)]
pub struct AnswerBody {
    /// Answers by field key; null means no answer. Each is checked against its field and every
    /// error is reported together as `422` named by the key: an unknown key, a value of the
    /// wrong JSON type, a number outside `min`..`max` (or a negative integer when no `min` is
    /// set), a choice not among the options, a malformed date, text over 2000 characters or
    /// with control characters.
    #[serde(default)]
    #[schema(
        value_type = BTreeMap<String, AnswerOrNull>,
        example = json!({"songs": 14, "homes": true})
    )]
    values: serde_json::Map<String, Value>,
    /// By field key: why a pre-filled value was changed. Every given value that differs from its
    /// pre-filled value needs a non-blank reason of at most 500 characters (otherwise `422`
    /// named by the field key). Reasons for other keys are dropped.
    #[serde(default)]
    #[schema(example = json!({"songs": "两次活动未录入台账"}))]
    reasons: BTreeMap<String, String>,
    /// A note for the reviewer, at most 2000 characters after trimming (field `note`); absent,
    /// null or blank clears it.
    #[schema(max_length = 2000)]
    note: Option<String>,
}

/// `PUT /api/v1/tasks/{id}/reports/{unit_code}`: saves an answer.
#[utoipa::path(
    put,
    path = "/api/v1/tasks/{id}/reports/{unit_code}",
    operation_id = "answerReport",
    tag = "tasks",
    summary = "Save a unit's answer",
    description = concat!(
        "Saves the answer of the target unit `{unit_code}` (the unit itself or a unit above it \
         may answer for it). The body replaces the saved answer: a field left out or null takes \
         its pre-filled value, or no answer; a pre-filled value left out counts as confirmed. A \
         given value that differs from the pre-filled one needs a reason in `reasons` under the \
         same key (`422` named by the field key otherwise). Every value is checked against its \
         field and all errors are reported together as `422`, each named by its field key (for \
         example `songs`); a key the form does not have is an error too. Required fields may \
         stay empty until submission. Only an open report (`not_started`, `in_progress`, \
         `returned`) can be changed: a submitted or approved one answers `422` with field \
         `status` (`err.task.report_locked`). Saving makes the status `in_progress`, except \
         that a returned report stays `returned` until it is submitted again. Recorded in the \
         audit log (`task.answered`). ",
        report_scope!()
    ),
    params(ReportPath, IdempotencyHeader),
    request_body = AnswerBody,
    responses(
        (status = 200, description = "The report after saving (as it was then, for a repeated \
                                      `Idempotency-Key`).", body = ReportJson),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 404, response = NotFound),
        (status = 422, response = TaskInvalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn answer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
    ApiOnce { once, body: b }: ApiOnce<AnswerBody>,
) -> AppResult<Response> {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    once.run(&state, &actor, |claim| async {
        let claim = claim; // owned by the future
        let fields = t.task.fields_for(&t.report.ancestors, t.unit.id);
        let given = tasks::Given {
            values: parse_answers(&fields, &b.values).map_err(AppError::InvalidFields)?,
            reasons: b.reasons,
            note: b.note,
        };
        tasks::answer(&state, &actor, ip, &t, given, claim.as_ref()).await?;
        let t = tasks::target(&state, &actor, &id, &code).await?;
        let v = tasks::view(&state, &actor, &t).await?;
        Ok(Json(ReportJson::new(&t, v)))
    })
    .await
}

/// A report's status after a workflow step.
#[derive(Serialize, ToSchema)]
pub struct ReportState {
    /// The reporting unit.
    unit: UnitLabel,
    status: ReportStatus,
    /// Why the report was last returned, if it was.
    #[schema(required = true)]
    return_reason: Option<String>,
}

/// `POST …/reports/{unit_code}/submit`.
#[utoipa::path(
    post,
    path = "/api/v1/tasks/{id}/reports/{unit_code}/submit",
    operation_id = "submitReport",
    tag = "tasks",
    summary = "Hand a unit's report in",
    description = concat!(
        "Hands the report of `{unit_code}` in for review (the unit itself or a unit above it may \
         submit for it). It must be open (otherwise `422` with field `status`, report locked), \
         and every required field must have a value, saved or pre-filled (otherwise `422` \
         naming each missing field by its key). A report never saved is handed in with what \
         the system pre-filled. The status becomes `submitted` and the report is locked; the \
         first submission's day is kept for the on-time count. The unit one level above gets a \
         `submitted` notice. Recorded in the audit log (`task.submitted`). No body. ",
        report_scope!()
    ),
    params(ReportPath, IdempotencyHeader),
    responses(
        (status = 200, description = "The report's new status (as it was then, for a repeated \
                                      `Idempotency-Key`).", body = ReportState),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = TaskInvalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn submit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
    once: Once,
) -> AppResult<Response> {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    once.run(&state, &actor, |claim| async {
        let claim = claim; // owned by the future
        tasks::submit(&state, &actor, ip, &t, claim.as_ref()).await?;
        status_of(&state, &actor, &id, &code).await
    })
    .await
}

/// `POST …/reports/{unit_code}/approve`.
#[utoipa::path(
    post,
    path = "/api/v1/tasks/{id}/reports/{unit_code}/approve",
    operation_id = "approveReport",
    tag = "tasks",
    summary = "Approve a unit's report",
    description = concat!(
        "Approves the submitted report of `{unit_code}`. Only a unit above it reviews a report: \
         a caller bound to `{unit_code}` itself answers `403`. Approval is bottom-up: the \
         report must be `submitted` (otherwise `422` with field `status`, \
         `err.task.not_submitted`) and every other report in the subtree of `{unit_code}` must \
         already be approved (otherwise `422` with field `status`, \
         `err.task.descendants_pending`). An approved report is locked for good: it can no \
         longer be changed, submitted, forwarded or returned. The unit gets an `approved` \
         notice. Recorded in the audit log (`task.approved`). No body. ",
        report_scope!()
    ),
    params(ReportPath),
    responses(
        (status = 200, description = "The report's new status.", body = ReportState),
        (status = 404, response = NotFound),
        (status = 422, response = TaskInvalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn approve(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
) -> AppResult<Json<ReportState>> {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    tasks::review(&state, &actor, ip, &t, true, None).await?;
    status_of(&state, &actor, &id, &code).await
}

/// Why a report is sent back.
#[derive(Deserialize, ToSchema)]
#[schema(as = ReturnInput)]
pub struct ReturnBody {
    /// Required, at most 500 characters after trimming (field `reason`); shown to the reporting
    /// unit.
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 500)]
    reason: String,
}

/// `POST …/reports/{unit_code}/return` `{"reason"}`.
#[utoipa::path(
    post,
    path = "/api/v1/tasks/{id}/reports/{unit_code}/return",
    operation_id = "returnReport",
    tag = "tasks",
    summary = "Send a unit's report back",
    description = concat!(
        "Sends the submitted report of `{unit_code}` back with a reason. Only a unit above it \
         reviews a report: a caller bound to `{unit_code}` itself answers `403`. `reason` is \
         required (`422` with field `reason`), at most 500 characters. The report must be \
         `submitted` (otherwise `422` with field `status`, `err.task.not_submitted`; an \
         approved report cannot be returned). The status becomes `returned` with \
         `return_reason`, which opens the report again for changes and a new submission. The \
         unit gets a `returned` notice. Recorded in the audit log (`task.returned`). ",
        report_scope!()
    ),
    params(ReportPath),
    request_body = ReturnBody,
    responses(
        (status = 200, description = "The report's new status.", body = ReportState),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = TaskInvalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn send_back(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
    ApiJson(b): ApiJson<ReturnBody>,
) -> AppResult<Json<ReportState>> {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    tasks::review(&state, &actor, ip, &t, false, Some(&b.reason)).await?;
    status_of(&state, &actor, &id, &code).await
}

async fn status_of(
    state: &AppState,
    actor: &crate::auth::Actor,
    id: &str,
    code: &str,
) -> AppResult<Json<ReportState>> {
    let t = tasks::target(state, actor, id, code).await?;
    Ok(Json(ReportState {
        unit: UnitLabel::of(&t.unit),
        status: t.report.status,
        return_reason: t.report.return_reason.clone(),
    }))
}

/// An Excel workbook (`.xlsx`).
pub struct XlsxWorkbook;
jinguo_domain::schema_component!(
    XlsxWorkbook,
    "XlsxWorkbook",
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .content_media_type(XLSX)
        .into()
);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /api/v1/tasks/{id}/export.xlsx?unit=`.
#[utoipa::path(
    get,
    path = "/api/v1/tasks/{id}/export.xlsx",
    operation_id = "exportTask",
    tag = "tasks",
    summary = "A task's reports as an Excel workbook",
    description = "Every report of a target unit in the subtree of `unit` (the caller's own unit \
                   by default) as an `.xlsx` workbook: a first sheet with a row per unit, by \
                   code (the names of its ancestors at each level, its code, status, day of \
                   first submission, an answer column per field, forwarded fields included, \
                   note and return reason), then a sheet per level with the number of targets, \
                   the number handed in and the sums of the numeric answers handed in for each \
                   unit at that level. Headings follow the reader's language (the language \
                   cookie, else `Accept-Language`, else Chinese). The task must be visible to \
                   the caller (issued from a unit of her subtree, or with a target unit in it); \
                   otherwise `404`, exactly like a task that does not exist. A `unit` outside \
                   the caller's subtree answers `404` as well. Errors answer JSON as usual.",
    params(TaskIdPath, UnitQuery),
    responses(
        (status = 200,
         description = "The workbook, as an attachment named `task-{id}-{unit code}.xlsx` (with \
                        a UTF-8 name of the unit's name and the task id); not to be cached.",
         content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         body = XlsxWorkbook,
         headers(
             ("Content-Disposition" = String, description = "`attachment` with the file name."),
             ("Cache-Control" = String, description = "`no-store`."),
         )),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// A page of the notices of the caller's unit, newest first.
#[derive(Serialize, ToSchema)]
pub struct NoticeList {
    /// All unread notices of the unit for the caller, not only this page.
    #[schema(minimum = 0)]
    unread: i64,
    #[schema(max_items = 500)]
    notices: Vec<Notice>,
}

/// `GET /api/v1/notices`: the notices of the caller's unit.
#[utoipa::path(
    get,
    path = "/api/v1/notices",
    operation_id = "listNotices",
    tag = "notices",
    summary = "Notices of the caller's unit",
    description = "Notices about tasks for the caller's own unit, newest first, with the number \
                   of those she has not seen. `unread` is per user. Reading this list does not \
                   mark notices as seen. There is no unit parameter.",
    params(NoticeQuery),
    responses(
        (status = 200, description = "The notices.", body = NoticeList),
        (status = 400, response = BadRequest),
        (status = 500, response = Internal),
    ),
)]
pub async fn notices(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<NoticeQuery>,
) -> AppResult<Json<NoticeList>> {
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let notices = state
        .store
        .notices(actor.unit.id, actor.user.id, page)
        .await?;
    let unread = state
        .store
        .unread_notices(actor.unit.id, actor.user.id)
        .await?;
    Ok(Json(NoticeList { unread, notices }))
}
