//! Task pages: the task list, issuing a task, a task's progress with
//! drill-down, a unit's report (answer, submit, forward, review) and the
//! notices.

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, post};
use jinguo_domain::activity::format_date;
use jinguo_domain::task::{Answers, FieldDraft, FieldType};
use jinguo_domain::{FieldError, Level, ReportStatus, TaskDraft};
use jinguo_store::model::{DictKind, TaskBox, TaskFilter, TaskSummary, Unit};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{Pairs, all, first, page_code, unit_of};
use crate::activities;
use crate::attachments::upload::FormWithFiles;
use crate::auth::{Actor, WebActor};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::idempotency::{FormRoute, Once};
use crate::net::ClientIp;
use crate::paging::{PER_PAGE, PageNo};
use crate::render::WebResult;
use crate::state::{AppState, today};
use crate::task_list::TaskParams;
use crate::tasks::{self, ForwardDraft, Target};
use crate::xlsx::export::{Table, TableRow};

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    #[serde(rename = "box")]
    which: Option<String>,
    /// Keyset paging: tasks older than this id. Only links carry it, so a
    /// malformed one is no page (404), like a malformed unit code.
    before: Option<String>,
    #[serde(flatten)]
    filter: TaskParams,
}

/// Tasks in one export.
const EXPORT_MAX: i64 = 20_000;

/// The unit, the box and the parsed filters (or the field errors to show
/// beside them).
async fn read_list(
    state: &AppState,
    actor: &Actor,
    q: &ListQuery,
) -> AppResult<(Unit, TaskBox, Result<TaskFilter, Vec<FieldError>>)> {
    let unit = unit_of(state, actor, q.unit.as_deref()).await?;
    let which = match q.which.as_deref().and_then(TaskBox::parse) {
        Some(which) => which,
        None => landing_box(state, actor, &unit).await?,
    };
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let filter = q.filter.parse().map(|f| TaskFilter { before, ..f });
    Ok((unit, which, filter))
}

/// Overdue: past the deadline with the unit's own report (if any) still
/// open and not every target handed in.
fn overdue(t: &TaskSummary, today: time::Date) -> bool {
    today > t.deadline && t.status.is_none_or(ReportStatus::is_open) && t.complete < t.targets
}

/// `GET /tasks`: a unit's inbox, issued tasks, or tasks passing through,
/// searched by title and filtered by status and deadline, newest first,
/// paged by id.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let (unit, which, filter) = read_list(&state, &actor, &q).await?;
    let (rows, errors) = match filter {
        Ok(f) => (
            state
                .store
                .tasks_filtered(actor.scope(), &unit, which, &f, PER_PAGE + 1)
                .await?,
            vec![],
        ),
        Err(errors) => (vec![], errors),
    };
    let has_next = rows.len() as i64 > PER_PAGE;
    let rows: Vec<_> = rows.into_iter().take(PER_PAGE as usize).collect();
    let next = has_next.then(|| rows.last().map(|r| r.id.get())).flatten();
    let errors: BTreeMap<_, _> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key.to_string()))
        .collect();
    let today = today(&state.config);
    let rows: Vec<_> = rows
        .iter()
        .map(|t| {
            context! {
                id => t.id.get(),
                title => t.title,
                issuer => state.unit_names.name_in(lang, t.issuer.code.as_str(), &t.issuer.name),
                deadline => format_date(t.deadline),
                overdue => overdue(t, today),
                status => t.status.map(ReportStatus::as_str),
                targets => t.targets,
                complete => t.complete,
                submitted => t.submitted,
            }
        })
        .collect();
    let query = q.filter.query();
    Ok(state.templates.render(
        "tasks.html",
        lang,
        Some(&actor),
        context! {
            unit, rows, next, errors,
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            filter => &q.filter, filtered => !query.is_empty(), query,
            statuses => ReportStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            first_page => q.before.as_deref().unwrap_or("").is_empty(),
            which => which.as_str(),
            can_issue => actor.can(jinguo_domain::Capability::RecordWork) && unit.level < Level::VILLAGE,
        },
    ))
}

/// `GET /tasks/export.xlsx`: the same filtered box as a workbook: title,
/// issuer, deadline, the unit's own status and the hand-in counts.
pub async fn export_list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let (unit, which, filter) = read_list(&state, &actor, &q).await?;
    let filter = filter.map_err(AppError::InvalidFields)?;
    let rows = state
        .store
        .tasks_filtered(actor.scope(), &unit, which, &filter, EXPORT_MAX)
        .await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let today = today(&state.config);
    let table = Table {
        name: t(&format!("task.box.{}", which.as_str())),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "task.title",
                "task.issuer",
                "task.deadline",
                "task.my_status",
                "task.overdue",
                "lists.task.targets",
                "lists.task.complete",
                "task.to_review",
            ],
        ),
        widths: vec![30.0, 20.0, 12.0, 12.0, 8.0, 10.0, 10.0, 10.0],
        rows: rows
            .iter()
            .map(|r| TableRow {
                texts: vec![
                    r.title.clone(),
                    r.issuer.name.clone(),
                    format_date(r.deadline),
                    r.status
                        .map(|s| t(&format!("task.status.{}", s.as_str())))
                        .unwrap_or_default(),
                    if overdue(r, today) {
                        t("task.overdue")
                    } else {
                        String::new()
                    },
                ],
                numbers: vec![r.targets, r.complete, r.submitted],
                total: false,
            })
            .collect(),
    };
    crate::xlsx::list_download(&unit, &t("task.list"), "tasks", table)
}

/// The tab a reviewer opens on: her own tasks while any wait for her
/// answer, else the reports waiting for her review (which the subtree tab
/// shows with their count), else her own again.
async fn landing_box(
    state: &AppState,
    actor: &crate::auth::Actor,
    unit: &jinguo_store::model::Unit,
) -> Result<TaskBox, AppError> {
    if unit.level == Level::VILLAGE
        || state
            .store
            .reports_to_answer(actor.scope(), unit, 1)
            .await?
            .total
            > 0
    {
        return Ok(TaskBox::Inbox);
    }
    let waiting = state
        .store
        .reports_to_review(actor.scope(), unit, 1)
        .await?;
    Ok(if waiting.total > 0 {
        TaskBox::Subtree
    } else {
        TaskBox::Inbox
    })
}

/// One row of the field builder, as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct FieldRow {
    label: String,
    ty: String,
    required: String,
    choices: String,
    min: String,
    max: String,
    metric: String,
    btype: String,
    bprog: String,
    from: String,
    to: String,
}

impl FieldRow {
    fn is_blank(&self) -> bool {
        self.label.trim().is_empty()
            && self.choices.trim().is_empty()
            && self.metric.is_empty()
            && self.min.trim().is_empty()
            && self.max.trim().is_empty()
    }
}

/// The field builder's inputs: one value per row for each name.
#[derive(Default)]
pub struct FieldInputs {
    f_label: Vec<String>,
    f_type: Vec<String>,
    f_required: Vec<String>,
    f_choices: Vec<String>,
    f_min: Vec<String>,
    f_max: Vec<String>,
    f_metric: Vec<String>,
    f_btype: Vec<String>,
    f_bprog: Vec<String>,
    f_from: Vec<String>,
    f_to: Vec<String>,
}

impl FieldInputs {
    fn from_pairs(p: &Pairs) -> Self {
        FieldInputs {
            f_label: all(p, "f_label"),
            f_type: all(p, "f_type"),
            f_required: all(p, "f_required"),
            f_choices: all(p, "f_choices"),
            f_min: all(p, "f_min"),
            f_max: all(p, "f_max"),
            f_metric: all(p, "f_metric"),
            f_btype: all(p, "f_btype"),
            f_bprog: all(p, "f_bprog"),
            f_from: all(p, "f_from"),
            f_to: all(p, "f_to"),
        }
    }

    /// The non-blank rows, in order.
    fn rows(&self) -> Vec<FieldRow> {
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..self.f_label.len())
            .map(|i| FieldRow {
                label: at(&self.f_label, i),
                ty: at(&self.f_type, i),
                required: at(&self.f_required, i),
                choices: at(&self.f_choices, i),
                min: at(&self.f_min, i),
                max: at(&self.f_max, i),
                metric: at(&self.f_metric, i),
                btype: at(&self.f_btype, i),
                bprog: at(&self.f_bprog, i),
                from: at(&self.f_from, i),
                to: at(&self.f_to, i),
            })
            .filter(|r| !r.is_blank())
            .collect()
    }
}

/// Rows as field drafts with keys `{prefix}1`, `{prefix}2` …; numbers that
/// do not parse are errors of their row.
fn drafts(rows: &[FieldRow], prefix: &str, errors: &mut Vec<FieldError>) -> Vec<FieldDraft> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let mut num = |s: &str| -> Option<f64> {
                let s = s.trim();
                if s.is_empty() {
                    return None;
                }
                let v = s.parse::<f64>().ok();
                if v.is_none() {
                    errors.push(FieldError::named(
                        format!("fields[{i}].max"),
                        "err.task.field_range",
                    ));
                }
                v
            };
            let (min, max) = (num(&r.min), num(&r.max));
            FieldDraft {
                key: format!("{prefix}{}", i + 1),
                label: r.label.clone(),
                ty: if r.ty.is_empty() {
                    "integer".into()
                } else {
                    r.ty.clone()
                },
                required: r.required == "1",
                choices: Some(
                    r.choices
                        .split([',', '，', '、', '\n', ';', '；'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ),
                min,
                max,
                bound_to: (!r.metric.is_empty()).then(|| jinguo_domain::task::BindingDraft {
                    metric: r.metric.clone(),
                    type_key: Some(r.btype.clone()),
                    program_key: Some(r.bprog.clone()),
                    from: r.from.clone(),
                    to: r.to.clone(),
                }),
            }
        })
        .collect()
}

#[derive(Default)]
pub struct TaskForm {
    issuer_unit: String,
    title: String,
    description: String,
    deadline: String,
    target_mode: String,
    target_level: String,
    target_units: String,
    fields: FieldInputs,
    /// Files came with a form that is shown again: the browser cannot keep
    /// them, so the page asks for them again.
    files_sent: bool,
}

impl TaskForm {
    fn from_pairs(p: &Pairs) -> Self {
        TaskForm {
            issuer_unit: first(p, "issuer_unit"),
            title: first(p, "title"),
            description: first(p, "description"),
            deadline: first(p, "deadline"),
            target_mode: first(p, "target_mode"),
            target_level: first(p, "target_level"),
            target_units: all(p, "target_units").join(" "),
            fields: FieldInputs::from_pairs(p),
            files_sent: false,
        }
    }
}

fn split_codes(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';'))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Dictionary entries labelled in the reader's language, for selects.
async fn dict_options(
    state: &AppState,
    kind: DictKind,
    lang: Lang,
) -> AppResult<Vec<minijinja::Value>> {
    Ok(state
        .store
        .dictionary(kind)
        .await?
        .iter()
        .filter(|e| e.active)
        .map(|e| context! { key => e.key, label => activities::label(e, lang) })
        .collect())
}

/// What the selects of the field builder offer, for every page that has one.
async fn builder_options(state: &AppState, lang: Lang) -> AppResult<minijinja::Value> {
    Ok(context! {
        types => dict_options(state, DictKind::ACTIVITY_TYPE, lang).await?,
        programs => dict_options(state, DictKind::PROGRAM, lang).await?,
        field_types => FieldType::ALL.map(FieldType::as_str),
    })
}

#[allow(clippy::too_many_arguments)]
async fn task_form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    unit: &Unit,
    form: &TaskForm,
    rows: Vec<FieldRow>,
    errors: &[FieldError],
    status: StatusCode,
) -> WebResult {
    let errors: BTreeMap<String, &str> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key))
        .collect();
    let mut rows = rows;
    if rows.is_empty() {
        rows.push(FieldRow::default());
    }
    let mut resp = state.templates.render(
        "task_form.html",
        lang,
        Some(actor),
        context! {
            unit, errors, rows,
            title => form.title, description => form.description, deadline => form.deadline,
            target_mode => if form.target_mode.is_empty() { "level" } else { form.target_mode.as_str() },
            target_level => form.target_level, target_units => form.target_units,
            target_choices => crate::units::picker_under(state, actor, unit, &form.target_units).await?,
            levels => tasks::levels_below(unit.level),
            min_date => format_date(today(&state.config)),
            files_sent => form.files_sent,
            max_attachment_mb => crate::attachments::check::MAX_ATTACHMENT_BYTES / (1024 * 1024),
            ..builder_options(state, lang).await?
        },
    );
    *resp.status_mut() = status;
    Ok(resp)
}

#[derive(Deserialize)]
pub struct UnitQuery {
    unit: Option<String>,
    done: Option<String>,
    /// Why the last attachment upload was refused (a message key).
    file_error: Option<String>,
}

/// `GET /tasks/new?unit=`: the form to issue a task from a unit.
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<UnitQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let form = TaskForm {
        target_level: Level::VILLAGE.get().to_string(),
        ..Default::default()
    };
    task_form_page(
        &state,
        &actor,
        lang,
        &unit,
        &form,
        Vec::new(),
        &[],
        StatusCode::OK,
    )
    .await
}

/// The issue route, with the body limit the CSRF guard allows its files.
pub fn create_route() -> MethodRouter<AppState> {
    post(create).layer(DefaultBodyLimit::max(
        crate::attachments::MAX_ATTACHMENTS_BODY,
    ))
}

/// `POST /tasks` (url-encoded, or multipart with `file` parts: the notice
/// and forms issued with it): issues the task, or shows the form again
/// with every error.
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    sent: FormWithFiles,
) -> WebResult {
    let pairs = sent.fields;
    let mut f = TaskForm::from_pairs(&pairs);
    f.files_sent = !sent.files.is_empty();
    let rows = f.fields.rows();
    let mut errors = Vec::new();
    let fields = drafts(&rows, "f", &mut errors);
    let (target_level, target_units) = if f.target_mode == "units" {
        (None, split_codes(&f.target_units))
    } else {
        (f.target_level.trim().parse().ok().or(Some(0)), Vec::new())
    };
    let draft = TaskDraft {
        title: f.title.clone(),
        description: f.description.clone(),
        deadline: f.deadline.clone(),
        target_level,
        target_units,
        fields,
    };
    let result = if errors.is_empty() {
        tasks::issue_with_files(&state, &actor, ip, &f.issuer_unit, &draft, sent.files).await
    } else {
        Err(AppError::InvalidFields(errors))
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/tasks/{}?done=issued", id.get())).into_response()),
        Err(AppError::InvalidFields(errors)) => {
            let unit = unit_of(&state, &actor, Some(&f.issuer_unit))
                .await
                .unwrap_or_else(|_| actor.unit.clone());
            task_form_page(
                &state,
                &actor,
                lang,
                &unit,
                &f,
                rows,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// `GET /tasks/{id}?unit=`: the task and its progress in a unit's subtree.
/// `GET /tasks/{id}/notice`: the task as a printed notice (下发通知) for a
/// village meeting or a noticeboard, A4 portrait, its headings in
/// Mongolian and Chinese, Mongolian first (issue 17 item 3). What the
/// issuer typed is printed as typed.
pub async fn notice(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let task = tasks::load(&state, &actor, &id).await?;
    let files = state.store.attachments_of(&task).await?;
    let issued = time::OffsetDateTime::from_unix_timestamp(task.created_at)
        .map(|t| {
            t.to_offset(
                time::UtcOffset::from_hms(state.config.utc_offset_hours, 0, 0)
                    .unwrap_or(time::UtcOffset::UTC),
            )
            .date()
        })
        .map(format_date)
        .unwrap_or_default();
    Ok(state.templates.render(
        "task_notice.html",
        lang,
        Some(&actor),
        context! {
            task => context! {
                id => task.id.get(), title => task.title, description => task.description,
                issuer => state.unit_names.name_in(lang, task.issuer.code.as_str(), &task.issuer.name), deadline => format_date(task.deadline),
                issued, targets => task.targets, fields => task.fields,
            },
            attachments => files.iter().map(|a| a.name.clone()).collect::<Vec<_>>(),
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<UnitQuery>,
) -> WebResult {
    let task = tasks::load(&state, &actor, &id).await?;
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let p = tasks::progress(&state, &task, &unit).await?;
    let labels: BTreeMap<String, String> = task
        .fields
        .iter()
        .chain(task.forwards.iter().flat_map(|f| &f.fields))
        .map(|f| (f.key.clone(), f.label.clone()))
        .collect();
    let files = state.store.attachments_of(&task).await?;
    let can_attach = actor.can(jinguo_domain::Capability::RecordWork)
        && crate::attachments::issuer_side(&actor, &task);
    // Only a key the upload can give is shown, never text from the address.
    let file_error = q
        .file_error
        .as_deref()
        .and_then(crate::attachments::check::message_key);
    let path = state.store.path(&unit).await?;
    let path: Vec<_> = path
        .into_iter()
        .filter(|u| u.level >= task.issuer.level || unit.level < task.issuer.level)
        .collect();
    Ok(state.templates.render(
        "task.html",
        lang,
        Some(&actor),
        context! {
            unit, path,
            done => q.done.filter(|d| d == "issued" || d == "attached"),
            file_error, can_attach,
            max_attachments => crate::attachments::MAX_ATTACHMENTS,
            max_attachment_mb => crate::attachments::check::MAX_ATTACHMENT_BYTES / 1024 / 1024,
            attachments => files.iter().map(|a| context! {
                id => a.id.get(), name => a.name, content_type => a.content_type,
                size_kb => (a.byte_size + 1023) / 1024,
            }).collect::<Vec<_>>(),
            task => context! {
                id => task.id.get(), title => task.title, description => task.description,
                issuer => state.unit_names.name_in(lang, task.issuer.code.as_str(), &task.issuer.name), issuer_code => task.issuer.code.as_str(),
                deadline => format_date(task.deadline), targets => task.targets,
                fields => task.fields, forwards => task.forwards,
            },
            progress => context! {
                targets => p.targets, complete_pct => p.complete_pct,
                on_time_pct => p.on_time_pct, overdue => p.overdue,
                own => p.own.map(ReportStatus::as_str),
                counts => p.counts.iter().map(|(s, n)| (s.as_str(), *n)).collect::<BTreeMap<_, _>>(),
                children => p.children.iter().map(|c| context! {
                    code => c.unit.code.as_str(), name => c.unit.name,
                    status => c.status.as_str(), own => c.own.map(ReportStatus::as_str),
                    targets => c.targets, complete_pct => c.complete_pct,
                    on_time_pct => c.on_time_pct, overdue => c.overdue,
                }).collect::<Vec<_>>(),
                totals => p.totals.iter().map(|(k, t)| context! {
                    label => labels.get(k).cloned().unwrap_or_else(|| k.clone()),
                    sum => number(t.sum), min => number(t.min), max => number(t.max),
                    mean => number(t.mean), count => t.count,
                }).collect::<Vec<_>>(),
            },
            statuses => ReportStatus::ALL.map(ReportStatus::as_str),
        },
    ))
}

/// A total as people read it: whole numbers with thousands separators,
/// others to two decimals.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        crate::render::thousands(x as i64)
    } else {
        format!("{x:.2}")
    }
}

/// What the report page shows, with errors and the typed values when a
/// submission comes back.
struct ReportPage<'a> {
    typed: Option<&'a BTreeMap<String, String>>,
    errors: &'a [FieldError],
    done: Option<String>,
    status: StatusCode,
}

async fn report_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    t: &Target,
    page: ReportPage<'_>,
) -> WebResult {
    let v = tasks::view(state, actor, t).await?;
    let errors: BTreeMap<String, &str> = page
        .errors
        .iter()
        .map(|e| (e.field.to_string(), e.key))
        .collect();
    let shown =
        |a: Option<&jinguo_domain::task::Answer>| a.map(|a| a.display()).unwrap_or_default();
    // What a field bound to the ledger counts, in words: the figure, the
    // type and programme (or all), the months.
    let types = activities::labels(state, DictKind::ACTIVITY_TYPE, lang).await?;
    let programs = activities::labels(state, DictKind::PROGRAM, lang).await?;
    let counts = |b: &jinguo_domain::task::Binding| {
        let label = |map: &BTreeMap<String, String>, k: &Option<String>| {
            k.as_ref()
                .map(|k| map.get(k).cloned().unwrap_or_else(|| k.clone()))
        };
        context! {
            metric => b.metric.as_str(),
            type_label => label(&types, &b.type_key),
            program_label => label(&programs, &b.program_key),
            from => b.from.to_string(), to => b.to.to_string(),
        }
    };
    let fields: Vec<_> = v
        .fields
        .iter()
        .map(|f| {
            let typed = page.typed.and_then(|m| m.get(&format!("v_{}", f.key)));
            let reason = page
                .typed
                .and_then(|m| m.get(&format!("r_{}", f.key)).cloned())
                .or_else(|| v.reasons.get(&f.key).cloned())
                .unwrap_or_default();
            context! {
                key => f.key, label => f.label, ty => f.ty.as_str(), required => f.required,
                choices => f.choices, min => f.min, max => f.max,
                value => typed.cloned().unwrap_or_else(|| shown(v.values.get(&f.key))),
                prefill => v.prefill.get(&f.key).map(|a| a.display()),
                bound => f.bound_to.is_some(),
                counts => f.bound_to.as_ref().map(counts),
                reason,
            }
        })
        .collect();
    let is_recorder = actor.can(jinguo_domain::Capability::RecordWork);
    let r = &t.report;
    let mut resp = state.templates.render(
        "report.html",
        lang,
        Some(actor),
        context! {
            fields, errors,
            task => context! {
                id => t.task.id.get(), title => t.task.title,
                deadline => format_date(t.task.deadline), issuer => state.unit_names.name_in(lang, t.task.issuer.code.as_str(), &t.task.issuer.name),
            },
            unit => context! { code => t.unit.code.as_str(), name => t.unit.name, level => t.unit.level.get() },
            status => r.status.as_str(),
            // Made when the form is rendered (kept when it comes back with
            // errors): a repeated save or hand-in counts once.
            idempotency_key => page
                .typed
                .and_then(|m| m.get(crate::idempotency::FIELD))
                .filter(|k| !k.is_empty())
                .cloned()
                .unwrap_or_else(crate::idempotency::new_key),
            note => page.typed.and_then(|m| m.get("note").cloned()).or_else(|| r.note.clone()),
            return_reason => r.return_reason,
            forwarded => r.forwarded,
            first_submitted_on => r.first_submitted_on,
            done => page.done,
            can_answer => is_recorder && r.status.is_open(),
            can_forward => is_recorder && r.status.is_open() && t.unit.level < Level::VILLAGE,
            can_review => is_recorder && r.status == ReportStatus::Submitted && actor.unit.id != t.unit.id,
            levels => tasks::levels_below(t.unit.level),
            target_choices => crate::units::picker_under(state, actor, &t.unit, "").await?,
            forward_rows => vec![FieldRow::default()],
            ..builder_options(state, lang).await?
        },
    );
    *resp.status_mut() = page.status;
    Ok(resp)
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `GET /tasks/{id}/reports/{code}`.
pub async fn report(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> WebResult {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    let done = q.done.filter(|d| {
        ["saved", "submitted", "approved", "returned", "forwarded"].contains(&d.as_str())
    });
    report_page(
        &state,
        &actor,
        lang,
        &t,
        ReportPage {
            typed: None,
            errors: &[],
            done,
            status: StatusCode::OK,
        },
    )
    .await
}

fn back(t: &Target, done: &str) -> Response {
    Redirect::to(&format!(
        "/tasks/{}/reports/{}?done={done}",
        t.task.id.get(),
        t.unit.code
    ))
    .into_response()
}

/// Turns a rule refusal into the report page with the message; other
/// errors pass through.
async fn or_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    t: &Target,
    typed: Option<&BTreeMap<String, String>>,
    result: AppResult<Response>,
) -> WebResult {
    let errors = match result {
        Ok(r) => return Ok(r),
        Err(AppError::InvalidFields(errors)) => errors,
        Err(AppError::Invalid(e)) => vec![e],
        Err(e) => return Err(e),
    };
    let page = ReportPage {
        typed,
        errors: &errors,
        done: None,
        status: StatusCode::UNPROCESSABLE_ENTITY,
    };
    report_page(state, actor, lang, t, page).await
}

/// `POST /tasks/{id}/reports/{code}`: saves, or saves and submits, once
/// per idempotency key (taken with the hand-in when it submits, else with
/// the save).
pub async fn answer(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
    route: FormRoute,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    let once = Once::form(route, &pairs, [])?;
    let typed: BTreeMap<String, String> = pairs.into_iter().collect();
    once.run(&state, &actor, |claim| async {
        let claim = claim; // owned by the future
        let result = async {
            let fields = t.task.fields_for(&t.report.ancestors, t.unit.id);
            let mut given = Answers::new();
            let mut errors = Vec::new();
            for f in &fields {
                let text = typed
                    .get(&format!("v_{}", f.key))
                    .map(String::as_str)
                    .unwrap_or("");
                match f.parse_text(text) {
                    Ok(Some(a)) => {
                        given.insert(f.key.clone(), a);
                    }
                    Ok(None) => {}
                    Err(k) => errors.push(FieldError::named(f.key.clone(), k)),
                }
            }
            if !errors.is_empty() {
                return Err(AppError::InvalidFields(errors));
            }
            let reasons = fields
                .iter()
                .filter_map(|f| {
                    typed
                        .get(&format!("r_{}", f.key))
                        .map(|r| (f.key.clone(), r.clone()))
                })
                .collect();
            let given = tasks::Given {
                values: given,
                reasons,
                note: typed.get("note").cloned(),
            };
            let submitting = typed.get("action").map(String::as_str) == Some("submit");
            let save_claim = if submitting { None } else { claim.as_ref() };
            tasks::answer(&state, &actor, ip.clone(), &t, given, save_claim).await?;
            if submitting {
                let t = tasks::target(&state, &actor, &id, &code).await?;
                tasks::submit(&state, &actor, ip, &t, claim.as_ref()).await?;
                return Ok(back(&t, "submitted"));
            }
            Ok(back(&t, "saved"))
        }
        .await;
        or_page(&state, &actor, lang, &t, Some(&typed), result).await
    })
    .await
}

/// `POST /tasks/{id}/reports/{code}/approve`.
pub async fn approve(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
) -> WebResult {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    let result = tasks::review(&state, &actor, ip, &t, true, None)
        .await
        .map(|()| back(&t, "approved"));
    or_page(&state, &actor, lang, &t, None, result).await
}

#[derive(Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    reason: String,
}

/// `POST /tasks/{id}/reports/{code}/return`.
pub async fn send_back(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
    Form(f): Form<ReturnForm>,
) -> WebResult {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    let result = tasks::review(&state, &actor, ip, &t, false, Some(&f.reason))
        .await
        .map(|()| back(&t, "returned"));
    or_page(&state, &actor, lang, &t, None, result).await
}

/// `POST /tasks/{id}/reports/{code}/forward`: passes the task down.
pub async fn forward(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path((id, code)): Path<(String, String)>,
    Form(pairs): Form<Pairs>,
) -> WebResult {
    let t = tasks::target(&state, &actor, &id, &code).await?;
    let (target_level, target_units) = if first(&pairs, "target_mode") == "units" {
        (None, split_codes(&all(&pairs, "target_units").join(" ")))
    } else {
        (
            Some(first(&pairs, "target_level").trim().parse().unwrap_or(0)),
            Vec::new(),
        )
    };
    let inputs = FieldInputs::from_pairs(&pairs);
    let mut errors = Vec::new();
    // Keys of added fields carry the forwarding unit, so they never clash
    // with the issuer's or another unit's.
    let prefix = format!("u{}_", t.unit.code);
    let fields = drafts(&inputs.rows(), &prefix, &mut errors);
    let result = if errors.is_empty() {
        tasks::forward(
            &state,
            &actor,
            ip,
            &t,
            &ForwardDraft {
                target_level,
                target_units,
                fields,
            },
        )
        .await
        .map(|_| back(&t, "forwarded"))
    } else {
        Err(AppError::InvalidFields(errors))
    };
    or_page(&state, &actor, lang, &t, None, result).await
}

/// `GET /tasks/{id}/export.xlsx?unit=`.
pub async fn export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<UnitQuery>,
) -> WebResult {
    let code = q
        .unit
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(page_code)
        .transpose()?;
    crate::xlsx::task_export::respond(&state, &actor, &id, code.as_ref(), lang).await
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    page: Option<i64>,
}

/// `GET /notices`: the notices of the user's unit; viewing marks them read.
pub async fn notices(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<NoticeQuery>,
) -> WebResult {
    let page_no = PageNo::new(q.page);
    let rows = state
        .store
        .notices(actor.unit.id, actor.user.id, page_no.query())
        .await?;
    let (rows, has_next) = page_no.split(rows);
    // Outline reminders addressed to her account (department reporters),
    // on the first page.
    let reminders = if page_no.query().offset == 0 {
        crate::outlines::reminder_views(&state, &actor, lang).await?
    } else {
        (Vec::new(), None)
    };
    if let Some(newest) = rows.iter().map(|n| n.id).chain(reminders.1).max() {
        state.store.mark_notices_seen(actor.user.id, newest).await?;
    }
    let reminders = reminders.0;
    Ok(state.templates.render(
        "notices.html",
        lang,
        Some(&actor),
        context! {
            page_no, has_next, reminders,
            rows => rows.iter().map(|n| context! {
                kind => n.kind, task_id => n.task_id.get(), title => n.task_title,
                deadline => format_date(n.deadline), unit_code => n.unit.code.as_str(),
                created_at => n.created_at, unread => n.unread, about => n.about,
            }).collect::<Vec<_>>(),
        },
    ))
}
