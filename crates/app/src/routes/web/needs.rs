//! Need pages: a unit's queue, raising a need, a need with its history and
//! the actions its assignee may take, and the practical-deeds ledger with
//! its spreadsheet.

use std::collections::BTreeMap;

use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jinguo_domain::FieldError;
use jinguo_domain::need::{NeedStatus, Urgency};
use jinguo_store::InScope;
use jinguo_store::model::{DeedCounts, DictKind, Need, NeedFilter, NeedQueue, Unit};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{first, page_code, unit_of};
use crate::activities::labels;
use crate::auth::{Actor, WebActor};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::idempotency::{FormRoute, Once, Sent, parse_pairs};
use crate::need_list::NeedParams;
use crate::needs::{self, NeedDraft};
use crate::net::ClientIp;
use crate::paging::PER_PAGE;
use crate::period::Period;
use crate::render::WebResult;
use crate::routes::api::needs::parse_queue;
use crate::state::{AppState, today};
use crate::xlsx::bilingual::{headings, write_header_row};
use crate::xlsx::export::{Table, TableRow};

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    queue: Option<String>,
    /// Keyset paging: needs older than this id. Only links carry it, so a
    /// malformed one is no page (404), like a malformed unit code.
    before: Option<String>,
    #[serde(flatten)]
    filter: NeedParams,
}

/// Needs in one export.
const EXPORT_MAX: i64 = 20_000;

/// What a list request asks for: the unit, the queue, the category labels
/// and the parsed filters (or the field errors to show beside them).
struct ListRequest {
    unit: Unit,
    queue: NeedQueue,
    cats: BTreeMap<String, String>,
    filter: Result<NeedFilter, Vec<FieldError>>,
}

async fn read(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &ListQuery,
) -> Result<ListRequest, AppError> {
    let unit = unit_of(state, actor, q.unit.as_deref()).await?;
    let queue = parse_queue(q.queue.as_deref()).unwrap_or(NeedQueue::Assigned);
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let cats = labels(state, DictKind::NEED_CATEGORY, lang).await?;
    let filter = q.filter.parse(&cats).map(|f| NeedFilter { before, ..f });
    Ok(ListRequest {
        unit,
        queue,
        cats,
        filter,
    })
}

fn queue_name(queue: NeedQueue) -> &'static str {
    match queue {
        NeedQueue::Assigned => "assigned",
        NeedQueue::Subtree => "subtree",
    }
}

/// `GET /needs?unit=&queue=&status=&category=&urgency=&from=&to=`: a
/// unit's work queue (or every need raised in its subtree), filtered,
/// newest first, paged by id.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let ListRequest {
        unit,
        queue,
        cats,
        filter,
    } = read(&state, &actor, lang, &q).await?;
    let (rows, errors) = match filter {
        Ok(f) => (
            state
                .store
                .needs_filtered(actor.scope(), &unit, queue, &f, PER_PAGE + 1)
                .await?,
            vec![],
        ),
        Err(errors) => (vec![], errors),
    };
    let has_next = rows.len() as i64 > PER_PAGE;
    let rows: Vec<_> = rows.into_iter().take(PER_PAGE as usize).collect();
    let next = has_next.then(|| rows.last().map(|n| n.id.get())).flatten();
    let today = today(&state.config);
    let mut out = Vec::with_capacity(rows.len());
    for n in &rows {
        out.push(context! {
            id => n.id.get(),
            category => cats.get(&n.category).cloned().unwrap_or_else(|| n.category.clone()),
            urgency => n.urgency.as_str(),
            status => needs::summary_status(&state, &actor, n).await,
            overdue => needs::overdue(n.status, n.due_date.as_deref(), today),
            origin => n.origin_name,
            assignee => n.assignee_name,
            due_date => n.due_date,
            raised_on => n.raised_on,
            escalations => n.escalations,
        });
    }
    let errors: BTreeMap<_, _> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key.to_string()))
        .collect();
    Ok(state.templates.render(
        "needs/list.html",
        lang,
        Some(&actor),
        context! {
            unit, next, errors, cats,
            rows => out,
            queue => queue_name(queue),
            filter => &q.filter, query => q.filter.query(),
            first_page => q.before.as_deref().unwrap_or("").is_empty(),
            statuses => NeedStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            urgencies => Urgency::ALL.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            can_record => actor.can(jinguo_domain::Capability::RecordWork),
        },
    ))
}

/// `GET /needs/export.xlsx`: the same filtered list as a workbook. The
/// description is sealed and not in it.
pub async fn export_list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let ListRequest {
        unit,
        queue,
        cats,
        filter,
    } = read(&state, &actor, lang, &q).await?;
    let filter = filter.map_err(AppError::InvalidFields)?;
    let rows = state
        .store
        .needs_filtered(actor.scope(), &unit, queue, &filter, EXPORT_MAX)
        .await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let mut texts = Vec::with_capacity(rows.len());
    for n in &rows {
        let status = needs::summary_status(&state, &actor, n).await;
        texts.push(vec![
            n.id.get().to_string(),
            cats.get(&n.category)
                .cloned()
                .unwrap_or_else(|| n.category.clone()),
            n.origin_name.clone(),
            n.assignee_name.clone(),
            t(&format!("need.urg.{}", n.urgency.as_str())),
            t(&format!("need.st.{status}")),
            n.due_date.clone().unwrap_or_default(),
            n.raised_on.clone(),
        ]);
    }
    let table = Table {
        name: t("need.queue"),
        headers: headings(
            state.catalogue,
            &[
                "lists.hh.number",
                "need.category",
                "need.origin",
                "need.assignee",
                "need.urgency",
                "need.status",
                "need.due_date",
                "need.raised_on",
            ],
        ),
        widths: vec![8.0, 14.0, 20.0, 20.0, 10.0, 12.0, 12.0, 12.0],
        rows: texts
            .into_iter()
            .map(|texts| TableRow {
                texts,
                numbers: vec![],
                total: false,
            })
            .collect(),
    };
    crate::xlsx::list_download(&unit, &t("need.queue"), "needs", table)
}

/// The need form as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NeedForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    due_date: String,
    #[serde(default)]
    household_id: String,
    #[serde(default)]
    visit_id: String,
    /// Made when the form was rendered, so a repeated submit records once.
    #[serde(default)]
    idempotency_key: String,
}

async fn form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &NeedForm,
    errors: &[FieldError],
) -> WebResult {
    let cats = state.dictionary(DictKind::NEED_CATEGORY).await?;
    let categories: Vec<_> = cats
        .iter()
        .filter(|e| e.active)
        .map(|e| context! { key => e.key, label => crate::activities::label(e, lang) })
        .collect();
    let errors: BTreeMap<&str, &str> = errors.iter().map(|e| (e.field.as_ref(), e.key)).collect();
    let mut resp = state.templates.render(
        "needs/form.html",
        lang,
        Some(actor),
        context! {
            form, errors, categories,
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
            urgencies => Urgency::ALL.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
            min_date => jinguo_domain::activity::format_date(today(&state.config)),
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

#[derive(Deserialize)]
pub struct NewQuery {
    unit: Option<String>,
    household: Option<String>,
    visit: Option<String>,
}

/// `GET /needs/new?unit=&household=&visit=`: the form, prefilled when it
/// comes from a household or a visit.
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<NewQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let digits = |s: Option<String>| s.filter(|s| s.chars().all(|c| c.is_ascii_digit()));
    let form = NeedForm {
        unit_code: unit.code.as_str().to_owned(),
        urgency: Urgency::Normal.as_str().to_owned(),
        household_id: digits(q.household).unwrap_or_default(),
        visit_id: digits(q.visit).unwrap_or_default(),
        idempotency_key: crate::idempotency::new_key(),
        ..NeedForm::default()
    };
    form_page(&state, &actor, lang, &form, &[]).await
}

/// `POST /needs`, once per idempotency key.
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    route: FormRoute,
    Form(pairs): Form<super::Pairs>,
) -> WebResult {
    let once = Once::form(route, &pairs, [])?;
    let f: NeedForm = parse_pairs(&pairs)?;
    let mut errors = Vec::new();
    let mut id_of = |s: &str, field: &'static str| {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(field, "err.need.link"));
                None
            }
        }
    };
    let draft = NeedDraft {
        household_id: id_of(&f.household_id, "household_id"),
        visit_id: id_of(&f.visit_id, "visit_id"),
        unit_code: f.unit_code.clone(),
        category: f.category.clone(),
        urgency: Some(f.urgency.clone()),
        description: f.description.clone(),
        due_date: Some(f.due_date.clone()),
    };
    once.run(&state, &actor, |claim| async {
        let result = if errors.is_empty() {
            let sent = Sent::from_form(claim, first(&pairs, "made_at").as_str());
            needs::create(&state, &actor, ip, &draft, sent).await
        } else {
            Err(AppError::InvalidFields(errors))
        };
        match result {
            Ok(id) => Ok(Redirect::to(&format!("/needs/{}?done=raised", id.get())).into_response()),
            Err(AppError::InvalidFields(errors)) => {
                form_page(&state, &actor, lang, &f, &errors).await
            }
            Err(AppError::Invalid(e)) => form_page(&state, &actor, lang, &f, &[e]).await,
            Err(e) => Err(e),
        }
    })
    .await
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// What the detail page shows besides the need.
#[derive(Default)]
struct Shown<'a> {
    done: Option<&'a str>,
    errors: &'a [FieldError],
    typed: BTreeMap<String, String>,
}

async fn need_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    need: &InScope<Need>,
    shown: Shown<'_>,
) -> WebResult {
    let events = state.store.need_events(need).await?;
    let cats = labels(state, DictKind::NEED_CATEGORY, lang).await?;
    let status = needs::status_for(state, actor, need).await?;
    let may_act = needs::may_act(state, actor, need).await?;
    let can_escalate = may_act
        && state
            .units
            .by_id(state.store.as_ref(), need.assignee_id)
            .await?
            .parent_id
            .is_some();
    // Only keys this page knows are shown, never text from the address.
    let done = shown
        .done
        .filter(|d| ["raised", "started", "escalated", "resolved", "closed"].contains(d));
    let errors: BTreeMap<&str, &str> = shown
        .errors
        .iter()
        .map(|e| (e.field.as_ref(), e.key))
        .collect();
    let mut resp = state.templates.render(
        "needs/show.html",
        lang,
        Some(actor),
        context! {
            need, status, may_act, can_escalate, done, errors, events,
            typed => shown.typed,
            category => cats.get(&need.category).cloned().unwrap_or_else(|| need.category.clone()),
            overdue => needs::overdue(need.status, need.due_date.as_deref(), today(&state.config)),
            live => need.status.is_live(),
            is_open => need.status == NeedStatus::Open,
        },
    );
    if !shown.errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /needs/{id}`: the need, its history, and the actions the reader
/// may take.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> WebResult {
    let need = needs::load(&state, &actor, &id).await?;
    let shown = Shown {
        done: q.done.as_deref(),
        ..Shown::default()
    };
    need_page(&state, &actor, lang, &need, shown).await
}

/// After an action: back to the need with its message, or the page again
/// with the refusal next to the field.
async fn after(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    need: &Need,
    done: &str,
    typed: BTreeMap<String, String>,
    result: AppResult<()>,
) -> WebResult {
    let errors = match result {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("/needs/{}?done={done}", need.id.get())).into_response(),
            );
        }
        Err(AppError::InvalidFields(errors)) => errors,
        Err(AppError::Invalid(e)) => vec![e],
        Err(e) => return Err(e),
    };
    // The page shows the need as it is now (someone may have acted first).
    let need = state.store.need_in_scope(actor.scope(), need.id).await?;
    let shown = Shown {
        done: None,
        errors: &errors,
        typed,
    };
    need_page(state, actor, lang, &need, shown).await
}

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    reason: String,
}

async fn acting(state: &AppState, actor: &Actor, id: &str) -> AppResult<InScope<Need>> {
    needs::load(state, actor, id).await
}

/// `POST /needs/{id}/start`.
pub async fn start(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> WebResult {
    let need = acting(&state, &actor, &id).await?;
    let r = needs::start(&state, &actor, ip, &need, None).await;
    after(&state, &actor, lang, &need, "started", BTreeMap::new(), r).await
}

/// `POST /needs/{id}/escalate`.
pub async fn escalate(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> WebResult {
    let need = acting(&state, &actor, &id).await?;
    let r = needs::escalate(&state, &actor, ip, &need, &f.note).await;
    let typed = BTreeMap::from([("note".to_owned(), f.note)]);
    after(&state, &actor, lang, &need, "escalated", typed, r).await
}

/// `POST /needs/{id}/resolve`.
pub async fn resolve(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> WebResult {
    let need = acting(&state, &actor, &id).await?;
    let sat = f.satisfaction.trim().parse::<i64>().ok();
    let r = needs::resolve(&state, &actor, ip, &need, &f.resolution, sat).await;
    let typed = BTreeMap::from([
        ("resolution".to_owned(), f.resolution),
        ("satisfaction".to_owned(), f.satisfaction),
    ]);
    after(&state, &actor, lang, &need, "resolved", typed, r).await
}

/// `POST /needs/{id}/close`.
pub async fn close(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> WebResult {
    let need = acting(&state, &actor, &id).await?;
    let r = needs::close(&state, &actor, ip, &need, &f.reason).await;
    let typed = BTreeMap::from([("reason".to_owned(), f.reason)]);
    after(&state, &actor, lang, &need, "closed", typed, r).await
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The ledger of a unit of the actor's subtree for the asked period.
async fn ledger(
    state: &AppState,
    actor: &Actor,
    code: &str,
    q: &PeriodQuery,
) -> AppResult<(Unit, Period, jinguo_store::model::Deeds)> {
    let unit = state
        .unit_in_scope(actor.scope(), &page_code(code)?)
        .await?;
    let today = today(&state.config);
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), today)?;
    let d = state
        .store
        .deeds(actor.scope(), &unit, period.from, period.to, today)
        .await?;
    Ok((unit, period, d))
}

/// `GET /deeds/{code}`: the practical-deeds ledger (实事台账) of a unit,
/// from the counters: totals, children (drill down), categories, months.
pub async fn deeds(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> WebResult {
    let (unit, period, d) = ledger(&state, &actor, &code, &q).await?;
    let path: Vec<_> = state
        .store
        .path(&unit)
        .await?
        .into_iter()
        .filter(|p| p.level >= actor.unit.level)
        .collect();
    let cats = labels(&state, DictKind::NEED_CATEGORY, lang).await?;
    Ok(state.templates.render(
        "needs/deeds.html",
        lang,
        Some(&actor),
        context! {
            unit, path, period, total => d.total,
            children => d.children.iter().map(|(u, c)| context!{ unit => u, counts => c }).collect::<Vec<_>>(),
            categories => d.by_category.iter().map(|(k, c)| context!{
                label => cats.get(k).cloned().unwrap_or_else(|| k.clone()), counts => c,
            }).collect::<Vec<_>>(),
            months => d.months.iter().map(|(m, c)| context!{ month => m, counts => c }).collect::<Vec<_>>(),
        },
    ))
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("writing the deeds workbook: {e}"))
}

/// One row of numbers under a heading row.
fn write_counts(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    label: &str,
    c: &DeedCounts,
    with_overdue: bool,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    ws.write_string(row, 0, label)?;
    let mut col = 1;
    for n in [c.raised, c.resolved, c.closed] {
        ws.write_number(row, col, n as f64)?;
        col += 1;
    }
    if with_overdue {
        ws.write_number(row, col, c.overdue as f64)?;
        col += 1;
    }
    if let Some(d) = c.median_days {
        ws.write_number(row, col, d as f64)?;
    }
    if let Some(s) = c.satisfaction {
        ws.write_number(row, col + 1, s)?;
    }
    Ok(())
}

/// `GET /deeds/{code}/export.xlsx`: the ledger page as a workbook, one
/// sheet per table.
pub async fn export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let (unit, period, d) = ledger(&state, &actor, &code, &q).await?;
    let cats = labels(&state, DictKind::NEED_CATEGORY, lang).await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheets: [(&str, bool); 3] = [
        ("deeds.children", true),
        ("deeds.by_category", false),
        ("deeds.months", false),
    ];
    for (i, (title, with_overdue)) in sheets.into_iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(t(title)).map_err(xlsx_err)?;
        let mut heads = vec![
            "deeds.col.name",
            "deeds.raised",
            "deeds.resolved",
            "deeds.closed",
        ];
        if with_overdue {
            heads.push("deeds.overdue");
        }
        heads.push("deeds.median_days");
        heads.push("deeds.satisfaction");
        write_header_row(ws, 0, &headings(state.catalogue, &heads)).map_err(xlsx_err)?;
        ws.set_column_width(0, 24).map_err(xlsx_err)?;
        let rows: Vec<(String, DeedCounts)> = match i {
            0 => std::iter::once((format!("{}（{}）", unit.name, t("deeds.total")), d.total))
                .chain(d.children.iter().map(|(u, c)| (u.name.clone(), *c)))
                .collect(),
            1 => d
                .by_category
                .iter()
                .map(|(k, c)| (cats.get(k).cloned().unwrap_or_else(|| k.clone()), *c))
                .collect(),
            _ => d.months.iter().map(|(m, c)| (m.to_string(), *c)).collect(),
        };
        for (r, (label, c)) in rows.iter().enumerate() {
            write_counts(ws, r as u32 + 1, label, c, with_overdue).map_err(xlsx_err)?;
        }
    }
    let bytes = wb.save_to_buffer().map_err(xlsx_err)?;
    let name = format!("deeds-{}-{}-{}.xlsx", unit.code, period.from, period.to);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
