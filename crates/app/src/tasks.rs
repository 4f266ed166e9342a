//! Tasks down and reports up, shared by the API and the web pages:
//! parse → authorize → check scope → store → audit.
//!
//! Data the system already has is never asked again: a field bound to the
//! activity ledger starts from the unit's roll-up, and a unit that passed
//! the task down starts from the sums of what its descendants handed in.
//! Changing a pre-filled number needs a reason.

use jinguo_store::idempotency::Claim;
use std::collections::BTreeMap;

use jinguo_domain::activity::format_date;
use jinguo_domain::task::{
    self, Answer, Answers, FieldDef, FieldDraft, FieldType, Metric, answers_from_json,
    answers_to_json, missing_required, parse_targets, validate_fields,
};
use jinguo_domain::{FieldError, Level, Month, ReportStatus, TaskDraft, TaskId, UnitCode};
use jinguo_store::InScope;
use jinguo_store::StoreError;
use jinguo_store::model::{
    Counts, DictKind, NewTask, Progress, Report, ReportAnswer, Task, TaskTargets, Unit, UnitRef,
};
use serde_json::{Value, json};

use crate::attachments::{self, upload::Upload};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now, today};

/// A task id from a path: anything but a positive integer is "no such task".
pub fn parse_task_id(s: &str) -> AppResult<TaskId> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(TaskId::new)
        .ok_or(AppError::NotFound)
}

/// A unit named in a body: malformed, unknown and out of scope all read
/// the same, as a field error.
async fn unit_field(
    state: &AppState,
    actor: &Actor,
    field: &'static str,
    code: &str,
    errors: &mut Vec<FieldError>,
) -> AppResult<Option<Unit>> {
    let Ok(code) = UnitCode::parse(code) else {
        errors.push(FieldError::new(field, "err.unit.unknown"));
        return Ok(None);
    };
    match state.store.unit_in_scope(actor.scope(), &code).await {
        Ok(u) => Ok(Some(u)),
        Err(StoreError::NotFound) => {
            errors.push(FieldError::new(field, "err.unit.unknown"));
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Picked target units: each inside `issuer`'s subtree, strictly below it.
async fn picked_units(
    state: &AppState,
    actor: &Actor,
    issuer: &Unit,
    codes: &[String],
    errors: &mut Vec<FieldError>,
) -> AppResult<Vec<jinguo_domain::UnitId>> {
    let scope = actor.scope().narrow(issuer).ok_or(AppError::NotFound)?;
    let mut ids = Vec::new();
    for code in codes {
        let unit = match UnitCode::parse(code) {
            Ok(c) => match state.store.unit_in_scope(scope, &c).await {
                Ok(u) => Some(u),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            Err(_) => None,
        };
        match unit {
            Some(u) if u.id != issuer.id && u.active => ids.push(u.id),
            _ => {
                errors.push(FieldError::new("target_units", "err.task.target_outside"));
                return Ok(Vec::new());
            }
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Bound fields must name dictionary keys that exist.
async fn check_bindings(
    state: &AppState,
    fields: &[FieldDef],
    errors: &mut Vec<FieldError>,
) -> AppResult<()> {
    let types = state.store.dictionary(DictKind::ACTIVITY_TYPE).await?;
    let programs = state.store.dictionary(DictKind::PROGRAM).await?;
    for (i, f) in fields.iter().enumerate() {
        let Some(b) = &f.bound_to else { continue };
        let type_ok = b
            .type_key
            .as_ref()
            .is_none_or(|k| types.iter().any(|e| &e.key == k));
        let program_ok = b
            .program_key
            .as_ref()
            .is_none_or(|k| programs.iter().any(|e| &e.key == k));
        if !type_ok || !program_ok {
            errors.push(FieldError::named(
                format!("fields[{i}].bound_to"),
                "err.task.binding",
            ));
        }
    }
    Ok(())
}

/// Issues a task from `issuer_code` (the actor's unit or one below it).
pub async fn issue(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    issuer_code: &str,
    draft: &TaskDraft,
) -> AppResult<TaskId> {
    issue_with_files(state, actor, ip, issuer_code, draft, Vec::new()).await
}

/// Issues a task with the documents that go with it (the web form's
/// files): every field and every file is checked first, the files are
/// written, and the task and their rows are stored in one transaction, so
/// a refused file issues nothing and an issued task has all its files.
pub async fn issue_with_files(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    issuer_code: &str,
    draft: &TaskDraft,
    uploads: Vec<Upload>,
) -> AppResult<TaskId> {
    let mut errors = Vec::new();
    let checked = if uploads.is_empty() {
        Vec::new()
    } else {
        match attachments::check_all(uploads).await {
            Ok(c) => c,
            Err(AppError::Invalid(e)) => {
                errors.push(e);
                Vec::new()
            }
            Err(e) => return Err(e),
        }
    };
    let issuer = unit_field(state, actor, "issuer_unit", issuer_code, &mut errors).await?;
    let level = issuer.as_ref().map_or(actor.unit.level, |u| u.level);
    let spec = match draft.validate(today(&state.config), level) {
        Ok(s) => Some(s),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let targets = match (&issuer, &spec) {
        (Some(issuer), Some(spec)) => {
            check_bindings(state, &spec.fields, &mut errors).await?;
            match &spec.targets {
                jinguo_domain::task::Targets::Level(l) => Some(TaskTargets::Level(*l)),
                jinguo_domain::task::Targets::Units(codes) => Some(TaskTargets::Units(
                    picked_units(state, actor, issuer, codes, &mut errors).await?,
                )),
            }
        }
        _ => None,
    };
    let (Some(issuer), Some(spec), Some(targets), true) =
        (issuer, spec, targets, errors.is_empty())
    else {
        return Err(AppError::InvalidFields(errors));
    };
    let files = attachments::write_files(state, &checked).await?;
    let created = state
        .store
        .create_task_with_files(
            actor.scope(),
            NewTask {
                issuer: issuer.id,
                title: spec.title,
                description: spec.description,
                deadline: spec.deadline,
                targets,
                fields: spec.fields,
                by: actor.user.id,
            },
            &files,
            now(),
        )
        .await;
    let id = match created {
        Ok(id) => id,
        Err(e) => {
            attachments::remove_files(state, files).await;
            return Err(e.into());
        }
    };
    let task = state.store.task_in_scope(actor.scope(), id).await?;
    crate::webhook::send(
        state,
        json!({
            "event": "issued",
            "task": {"id": id, "title": task.title, "deadline": format_date(task.deadline)},
            "issuer": issuer.code,
            "targets": task.targets,
            "target_level": draft.target_level,
            "target_units": draft.target_units,
        }),
    );
    actor
        .audit(
            state,
            ip.clone(),
            "task.issued",
            issuer.id,
            format!(
                "task={} unit={} targets={}",
                id.get(),
                issuer.code,
                task.targets
            ),
        )
        .await?;
    if !files.is_empty() {
        let stored = state.store.attachments_of(&task).await?;
        let ids: Vec<_> = stored.iter().map(|a| a.id).collect();
        attachments::audit_added(state, actor, ip, id, issuer.id, &ids).await?;
    }
    Ok(id)
}

/// A task the actor may see.
pub async fn load(state: &AppState, actor: &Actor, id: &str) -> AppResult<InScope<Task>> {
    Ok(state
        .store
        .task_in_scope(actor.scope(), parse_task_id(id)?)
        .await?)
}

/// A target unit's report of a task, as the actor may reach it.
pub struct Target {
    pub task: InScope<Task>,
    pub unit: Unit,
    pub report: InScope<Report>,
}

/// Resolves `/tasks/{id}/reports/{code}`: the task and the unit must both
/// be visible and the unit a target; anything else is "not found".
pub async fn target(state: &AppState, actor: &Actor, id: &str, code: &str) -> AppResult<Target> {
    let task = load(state, actor, id).await?;
    let code = UnitCode::parse(code).map_err(|_| AppError::NotFound)?;
    let unit = state.store.unit_in_scope(actor.scope(), &code).await?;
    let report = state.store.report(&task, &unit).await?;
    Ok(Target { task, unit, report })
}

/// A report with everything a form needs: its fields, what was saved, what
/// the system pre-fills, and the values to show (saved over pre-filled).
pub struct ReportView {
    pub fields: Vec<FieldDef>,
    pub saved: Answers,
    pub prefill: Answers,
    pub values: Answers,
    pub reasons: BTreeMap<String, String>,
}

fn metric_of(c: &Counts, m: Metric) -> i64 {
    match m {
        Metric::Activities => c.activities,
        Metric::Participants => c.participants,
        Metric::Women => c.women,
        _ => 0,
    }
}

/// A federation metric of the unit's subtree (`None` for a ledger one).
fn federation_count(c: &jinguo_store::organisations::OrgCounts, m: Metric) -> Option<i64> {
    Some(match m {
        Metric::Organisations => c.organisations,
        Metric::VillageOrganisations => c.village_organisations,
        Metric::CompleteCommittees => c.complete_committees,
        Metric::CommitteeMembers => c.members,
        Metric::ChairsOnVillageCommittee => c.village_chairs_on_committee,
        Metric::Activities | Metric::Participants | Metric::Women => return None,
    })
}

/// What the system already knows for a report: bound fields from the
/// ledger, numeric fields of a forwarding unit from its descendants.
pub async fn prefill(
    state: &AppState,
    actor: &Actor,
    t: &Target,
    fields: &[FieldDef],
) -> AppResult<Answers> {
    let mut out = Answers::new();
    let mut rollups: BTreeMap<(Month, Month), jinguo_store::model::Rollup> = BTreeMap::new();
    let mut federations = None;
    for f in fields {
        let Some(b) = &f.bound_to else { continue };
        if !b.metric.is_ledger() {
            let c = match &mut federations {
                Some(c) => c,
                None => federations.insert(
                    state
                        .store
                        .organisation_coverage(actor.scope(), &t.unit, today(&state.config))
                        .await?
                        .counts,
                ),
            };
            let n = federation_count(c, b.metric).unwrap_or_default();
            out.insert(f.key.clone(), Answer::Int(n));
            continue;
        }
        let r = match rollups.entry((b.from, b.to)) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => e.insert(
                state
                    .store
                    .rollup(actor.scope(), &t.unit, b.from, b.to)
                    .await?,
            ),
        };
        let counts = match (&b.type_key, &b.program_key) {
            (Some(k), _) => r.by_type.iter().find(|(t, _)| t == k).map(|(_, c)| *c),
            (None, Some(k)) => r.by_program.iter().find(|(p, _)| p == k).map(|(_, c)| *c),
            (None, None) => Some(r.total),
        }
        .unwrap_or_default();
        out.insert(f.key.clone(), Answer::Int(metric_of(&counts, b.metric)));
    }
    if t.report.forwarded {
        for (key, sum) in state.store.forwarded_sums(&t.report).await? {
            let Some(f) = fields.iter().find(|f| f.key == key) else {
                continue;
            };
            if f.bound_to.is_some() {
                continue;
            }
            let a = match f.ty {
                FieldType::Integer => Answer::Int(sum.round() as i64),
                _ => Answer::Dec(sum),
            };
            out.insert(key, a);
        }
    }
    Ok(out)
}

pub async fn view(state: &AppState, actor: &Actor, t: &Target) -> AppResult<ReportView> {
    let fields = t.task.fields_for(&t.report.ancestors, t.unit.id);
    let saved = answers_from_json(
        &fields,
        &serde_json::from_str(&t.report.values_json).unwrap_or(Value::Null),
    );
    let reasons: BTreeMap<String, String> =
        serde_json::from_str(&t.report.reasons_json).unwrap_or_default();
    let prefill = prefill(state, actor, t, &fields).await?;
    let mut values = prefill.clone();
    values.extend(saved.clone());
    Ok(ReportView {
        fields,
        saved,
        prefill,
        values,
        reasons,
    })
}

/// An answer as given: values, reasons for changed pre-filled values, a note.
pub struct Given {
    pub values: Answers,
    pub reasons: BTreeMap<String, String>,
    pub note: Option<String>,
}

/// Saves an answer. Pre-filled values that are left out are taken as
/// confirmed; changed ones need a reason. `claim`: an idempotency key
/// taken with the save.
pub async fn answer(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    t: &Target,
    given: Given,
    claim: Option<&Claim>,
) -> AppResult<()> {
    if !t.report.status.is_open() {
        return Err(locked());
    }
    let v = view(state, actor, t).await?;
    let (values, reasons) = merge(&v, given.values, given.reasons)?;
    let note = task::parse_note(given.note.as_deref())?;
    save(state, actor, t, (&values, &reasons, note), claim).await?;
    actor
        .audit(
            state,
            ip,
            "task.answered",
            t.unit.id,
            format!("task={} unit={}", t.task.id.get(), t.unit.code),
        )
        .await
}

fn locked() -> AppError {
    FieldError::new("status", "err.task.report_locked").into()
}

/// Given answers over pre-filled ones; every changed pre-filled value needs
/// a reason.
fn merge(
    v: &ReportView,
    given: Answers,
    reasons: BTreeMap<String, String>,
) -> AppResult<(Answers, BTreeMap<String, String>)> {
    let mut values = v.prefill.clone();
    let mut kept = BTreeMap::new();
    let mut errors = Vec::new();
    for (key, a) in given {
        if let Some(p) = v.prefill.get(&key)
            && p != &a
        {
            let reason = reasons.get(&key).map(String::as_str).unwrap_or("");
            match task::parse_reason(key.clone(), reason) {
                Ok(Some(r)) => {
                    kept.insert(key.clone(), r);
                }
                Ok(None) => errors.push(FieldError::named(key.clone(), "err.task.reason_required")),
                Err(e) => errors.push(e),
            }
        }
        values.insert(key, a);
    }
    if errors.is_empty() {
        Ok((values, kept))
    } else {
        Err(AppError::InvalidFields(errors))
    }
}

async fn save(
    state: &AppState,
    actor: &Actor,
    t: &Target,
    (values, reasons, note): (&Answers, &BTreeMap<String, String>, Option<String>),
    claim: Option<&Claim>,
) -> AppResult<()> {
    let numbers = values
        .iter()
        .filter_map(|(k, a)| a.as_f64().map(|x| (k.clone(), x)))
        .collect();
    state
        .store
        .save_report_once(
            &t.report,
            ReportAnswer {
                values_json: answers_to_json(values).to_string(),
                reasons_json: serde_json::to_string(reasons).unwrap_or_else(|_| "{}".into()),
                numbers,
                note,
                by: actor.user.id,
            },
            claim,
            now(),
        )
        .await?;
    Ok(())
}

/// Hands a report in. A report never saved is handed in with what the
/// system pre-filled; required fields must all have an answer. `claim`: an
/// idempotency key taken with the hand-in.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    t: &Target,
    claim: Option<&Claim>,
) -> AppResult<()> {
    if !t.report.status.is_open() {
        return Err(locked());
    }
    let v = view(state, actor, t).await?;
    let missing = missing_required(&v.fields, &v.values);
    if !missing.is_empty() {
        return Err(AppError::InvalidFields(missing));
    }
    if v.saved.is_empty() && !v.values.is_empty() {
        save(
            state,
            actor,
            t,
            (&v.values, &v.reasons, t.report.note.clone()),
            None,
        )
        .await?;
    }
    state
        .store
        .submit_report_once(
            &t.report,
            actor.user.id,
            &format_date(today(&state.config)),
            claim,
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "task.submitted",
            t.unit.id,
            format!("task={} unit={}", t.task.id.get(), t.unit.code),
        )
        .await
}

/// Approves or returns a report. Only a unit above the report's unit
/// reviews it — nobody approves her own unit's answer.
pub async fn review(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    t: &Target,
    approve: bool,
    reason: Option<&str>,
) -> AppResult<()> {
    if actor.unit.id == t.unit.id {
        return Err(AppError::Forbidden);
    }
    let reason = task::parse_reason("reason".into(), reason.unwrap_or(""))?;
    if !approve && reason.is_none() {
        return Err(FieldError::new("reason", "err.task.reason_required").into());
    }
    let reason = reason.as_deref();
    state
        .store
        .review_report(&t.report, approve, reason, actor.user.id, now())
        .await?;
    crate::webhook::send(
        state,
        json!({
            "event": if approve { "approved" } else { "returned" },
            "task": {"id": t.task.id, "title": t.task.title,
                     "deadline": format_date(t.task.deadline)},
            "units": [t.unit.code],
        }),
    );
    actor
        .audit(
            state,
            ip,
            if approve {
                "task.approved"
            } else {
                "task.returned"
            },
            t.unit.id,
            format!("task={} unit={}", t.task.id.get(), t.unit.code),
        )
        .await
}

/// What a forward asks for, as typed.
pub struct ForwardDraft {
    pub target_level: Option<i64>,
    pub target_units: Vec<String>,
    pub fields: Vec<FieldDraft>,
}

/// Passes a task down from a target unit to its own descendants.
pub async fn forward(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    t: &Target,
    draft: &ForwardDraft,
) -> AppResult<i64> {
    if !t.report.status.is_open() {
        return Err(locked());
    }
    let mut errors = Vec::new();
    let targets = parse_targets(
        draft.target_level,
        &draft.target_units,
        t.unit.level,
        &mut errors,
    );
    let fields = validate_fields(&draft.fields, &t.task.all_keys(), &mut errors);
    check_bindings(state, &fields, &mut errors).await?;
    let targets = match targets {
        Some(jinguo_domain::task::Targets::Level(l)) => Some(TaskTargets::Level(l)),
        Some(jinguo_domain::task::Targets::Units(codes)) => Some(TaskTargets::Units(
            picked_units(state, actor, &t.unit, &codes, &mut errors).await?,
        )),
        None => None,
    };
    let (Some(targets), true) = (targets, errors.is_empty()) else {
        return Err(AppError::InvalidFields(errors));
    };
    let made = state
        .store
        .forward_task(&t.task, &t.report, targets, &fields, actor.user.id, now())
        .await?;
    actor
        .audit(
            state,
            ip,
            "task.forwarded",
            t.unit.id,
            format!(
                "task={} unit={} targets={made}",
                t.task.id.get(),
                t.unit.code
            ),
        )
        .await?;
    Ok(made)
}

/// A percentage with one decimal; 0 of 0 is 0.
pub fn pct(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

fn complete(counts: &jinguo_store::model::StatusCounts) -> i64 {
    counts
        .iter()
        .filter(|(s, _)| s.is_complete())
        .map(|(_, n)| n)
        .sum()
}

/// A child's line of the progress table.
pub struct ChildLine {
    pub unit: UnitRef,
    /// The child's own report, when it is a target itself.
    pub own: Option<ReportStatus>,
    pub status: ReportStatus,
    pub targets: i64,
    pub complete_pct: f64,
    pub on_time_pct: f64,
    pub overdue: bool,
}

/// Progress as pages and the API show it.
pub struct ProgressView {
    pub targets: i64,
    pub complete_pct: f64,
    pub on_time_pct: f64,
    pub counts: BTreeMap<ReportStatus, i64>,
    pub own: Option<ReportStatus>,
    pub overdue: bool,
    pub children: Vec<ChildLine>,
    pub totals: Vec<(String, jinguo_store::model::Totals)>,
}

pub fn progress_view(p: Progress, deadline: time::Date, today: time::Date) -> ProgressView {
    let late = today > deadline;
    let open = |counts: &jinguo_store::model::StatusCounts| {
        counts.iter().any(|(s, n)| s.is_open() && *n > 0)
    };
    let targets: i64 = p.counts.values().sum();
    ProgressView {
        targets,
        complete_pct: pct(complete(&p.counts), targets),
        on_time_pct: pct(p.on_time, targets),
        overdue: late && open(&p.counts),
        own: p.own,
        children: p
            .children
            .into_iter()
            .map(|c| {
                let n: i64 = c.counts.values().sum();
                ChildLine {
                    status: ReportStatus::summarise(&c.counts),
                    targets: n,
                    complete_pct: pct(complete(&c.counts), n),
                    on_time_pct: pct(c.on_time, n),
                    overdue: late && open(&c.counts),
                    own: c.own,
                    unit: c.unit,
                }
            })
            .collect(),
        counts: p.counts,
        totals: p.totals,
    }
}

/// A task's progress within a unit of the actor's scope.
pub async fn progress(
    state: &AppState,
    task: &InScope<Task>,
    unit: &Unit,
) -> AppResult<ProgressView> {
    let p = state.store.progress(task, unit).await?;
    Ok(progress_view(p, task.deadline, today(&state.config)))
}

/// The level names a form offers as targets below a unit.
pub fn levels_below(level: Level) -> Vec<u8> {
    Level::ALL
        .into_iter()
        .filter(|l| *l > level)
        .map(Level::get)
        .collect()
}
