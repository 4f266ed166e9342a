//! The ledger in and out as spreadsheets: the ledger and a unit's figures
//! as .xlsx, and the all-or-nothing import of existing ledgers.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{MethodRouter, post};
use jinguo_domain::{UnitCode, UnitId, UserId};
use jinguo_store::model::{Activity, Counts, DictKind, Page, Unit};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::page_code;
use super::unit_of;
use crate::activities;
use crate::activity_list::ActivityParams;
use crate::auth::{Actor, WebActor};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::period::Period;
use crate::render::WebResult;
use crate::state::{AppState, now, today};
use crate::xlsx::bilingual::{Heading, headings};
use crate::xlsx::download;
use crate::xlsx::export::{
    LedgerItem, LedgerRow, LedgerSheet, MAX_LEDGER_ROWS, Table, TableRow, write_ledger,
    write_tables,
};
use crate::xlsx::import::{
    self, Checked, Importer, Limits, MAX_FILE_BYTES, Problem, Refusal, SheetInfo,
};
use crate::xlsx::template::{self, MAX_PICK_UNITS, TemplateLists};

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("spreadsheet: {e}"))
}

/// `{name}`, `{from}`, `{to}`, `{n}`, `{total}` in a catalogue string.
fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(template.to_owned(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

#[derive(Deserialize)]
pub struct ExportQuery {
    unit: Option<String>,
    /// The period and the list's filters (title, type, programme).
    #[serde(flatten)]
    filter: ActivityParams,
}

/// Dictionary keys → Chinese labels (the ledger's labels are Chinese in
/// every language, as in the paper ledgers).
async fn zh_labels(state: &AppState, kind: DictKind) -> AppResult<HashMap<String, String>> {
    Ok(state
        .store
        .dictionary(kind)
        .await?
        .into_iter()
        .map(|e| (e.key, e.label_zh))
        .collect())
}

/// Names of the ancestors, looked up once each.
async fn ledger_row(
    state: &AppState,
    names: &mut HashMap<UnitId, String>,
    a: Activity,
    types: &HashMap<String, String>,
    programs: &HashMap<String, String>,
) -> AppResult<LedgerRow> {
    let mut levels: [String; 5] = Default::default();
    for (i, anc) in a.ancestors.iter().enumerate() {
        let Some(id) = anc else { continue };
        levels[i] = if *id == a.unit.id {
            a.unit.name.clone()
        } else if let Some(n) = names.get(id) {
            n.clone()
        } else {
            let u = state.store.unit_by_id(*id).await?;
            names.insert(*id, u.name.clone());
            u.name
        };
    }
    let f = a.fields;
    Ok(LedgerRow {
        date: f.date,
        unit_code: a.unit.code.to_string(),
        unit_name: a.unit.name,
        levels,
        type_label: types.get(&f.type_key).cloned().unwrap_or(f.type_key),
        program_label: f
            .program_key
            .map(|k| programs.get(&k).cloned().unwrap_or(k))
            .unwrap_or_default(),
        title: f.title,
        place: f.place.unwrap_or_default(),
        participants: f.participants,
        women: f.women,
        summary: f.summary.unwrap_or_default(),
    })
}

/// `GET /activities/export.xlsx?unit=&from=&to=&q=&type=&program=`: every
/// activity of the subtree in the period that passes the list's filters,
/// newest first, read month by month and written row by row on a blocking
/// thread. Bad filters answer 422 with their field errors.
pub async fn export_ledger(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ExportQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let filter = q
        .filter
        .parse(
            today(&state.config),
            &activities::labels(&state, DictKind::ACTIVITY_TYPE, lang).await?,
            &activities::labels(&state, DictKind::PROGRAM, lang).await?,
        )
        .map_err(AppError::InvalidFields)?;
    let period = Period {
        from: filter.from,
        to: filter.to,
    };
    let total = state
        .store
        .rollup(actor.scope(), &unit, period.from, period.to)
        .await?
        .total
        .activities;
    let types = zh_labels(&state, DictKind::ACTIVITY_TYPE).await?;
    let programs = zh_labels(&state, DictKind::PROGRAM).await?;
    let cat = state.catalogue;
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let t = |k: &str| cat.get(lang, k).to_owned();
    // Mongolian above the Chinese, whatever the reader's language: the
    // importer reads the Chinese when the file comes back. The configured
    // level names are data and stand in Chinese alone.
    let mut headers = headings(
        cat,
        &["imp.col.date", "imp.col.unit_code", "xlsx.unit_name"],
    );
    headers.extend(state.config.level_names.0.iter().map(Heading::plain));
    for k in [
        "type",
        "program",
        "title",
        "place",
        "participants",
        "women",
        "summary",
    ] {
        headers.push(Heading::of(cat, &format!("imp.col.{k}")));
    }
    let truncated = |total: i64| {
        fill(
            cat.get(lang, "xlsx.truncated"),
            &[
                ("total", &crate::render::thousands(total)),
                ("n", &crate::render::thousands(MAX_LEDGER_ROWS as i64)),
            ],
        )
    };
    let title = fill(
        cat.get(lang, "xlsx.ledger_file"),
        &[("name", &unit.name), ("from", &from), ("to", &to)],
    );
    let sheet = LedgerSheet {
        sheet_name: t("xlsx.ledger_sheet"),
        title: title.clone(),
        headers,
        // With filters the counters do not say how many rows match: the
        // note is added only if the rows run over.
        note: (!filter.narrows() && total > MAX_LEDGER_ROWS as i64).then(|| truncated(total)),
    };
    let noted = sheet.note.is_some();
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let writer = tokio::task::spawn_blocking(move || write_ledger(sheet, rx));

    let mut names = HashMap::new();
    let mut children = HashMap::new();
    let mut written = 0usize;
    let mut cut_short;
    let mut month = period.to;
    'months: loop {
        let mut rows = month_rows(&state, &actor, &unit, month, &mut children).await?;
        rows.retain(|a| filter.keeps(a));
        let room = MAX_LEDGER_ROWS - written;
        cut_short = rows.len() > room;
        let mut rows = rows.into_iter().take(room).peekable();
        while rows.peek().is_some() {
            let mut batch = Vec::with_capacity(Page::MAX as usize);
            for a in rows.by_ref().take(Page::MAX as usize) {
                batch.push(ledger_row(&state, &mut names, a, &types, &programs).await?);
            }
            written += batch.len();
            if tx.send(LedgerItem::Rows(batch)).await.is_err() {
                break 'months; // the writer failed; its error is reported below
            }
        }
        if written >= MAX_LEDGER_ROWS || month <= period.from {
            break;
        }
        month = month.minus(1);
    }
    if cut_short && !noted {
        let _ = tx.send(LedgerItem::Note(truncated(total))).await;
    }
    drop(tx);
    let bytes = writer.await.map_err(internal)?.map_err(internal)?;
    Ok(download(
        bytes,
        &format!("activities-{}-{from}_{to}.xlsx", unit.code),
        &format!("{title}.xlsx"),
    ))
}

/// A month of a subtree with at most this many activities is read in one
/// go; larger ones child by child.
const SPLIT_AT: i64 = 2_000;

/// Every activity of `unit`'s subtree in one month, newest first.
///
/// Offset paging sorts the whole month for every page, so a big month is
/// read child subtree by child subtree instead, as the counters say where
/// the rows are (each read then sorts a small set), and sorted here. When
/// rows sit at the unit itself (or at retired children, which the counters
/// do not list) the month is read directly.
async fn month_rows(
    state: &AppState,
    actor: &Actor,
    unit: &Unit,
    month: jinguo_domain::Month,
    children: &mut HashMap<UnitId, Vec<Unit>>,
) -> AppResult<Vec<Activity>> {
    let mut out = Vec::new();
    let mut todo = vec![unit.clone()];
    while let Some(u) = todo.pop() {
        let r = state.store.rollup(actor.scope(), &u, month, month).await?;
        if r.total.activities == 0 {
            continue;
        }
        let busy: HashMap<UnitId, i64> = r
            .children
            .iter()
            .filter(|(_, c)| c.activities > 0)
            .map(|(c, n)| (c.id, n.activities))
            .collect();
        let below: i64 = busy.values().sum();
        if r.total.activities > SPLIT_AT && below == r.total.activities {
            if let std::collections::hash_map::Entry::Vacant(e) = children.entry(u.id) {
                e.insert(state.store.children(u.id).await?);
            }
            let next: Vec<Unit> = children[&u.id]
                .iter()
                .filter(|c| busy.contains_key(&c.id))
                .cloned()
                .collect();
            if next.len() == busy.len() {
                todo.extend(next);
                continue;
            }
        }
        let mut offset = 0i64;
        loop {
            let page = state
                .store
                .activities_under(
                    actor.scope(),
                    &u,
                    month,
                    month,
                    Page::new(Page::MAX, offset),
                )
                .await?;
            let n = page.len();
            out.extend(page);
            if n < Page::MAX as usize {
                break;
            }
            offset += n as i64;
        }
    }
    out.sort_by_key(|a| std::cmp::Reverse((a.fields.date, a.id.get())));
    Ok(out)
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /dashboard/{code}/export.xlsx?from=&to=`: the figures of the
/// dashboard, from the counters: children with a total, by type, by month,
/// by program.
pub async fn export_dashboard(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> WebResult {
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &page_code(&code)?)
        .await?;
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), today(&state.config))?;
    let r = state
        .store
        .rollup(actor.scope(), &unit, period.from, period.to)
        .await?;
    let types = activities::labels(&state, DictKind::ACTIVITY_TYPE, lang).await?;
    let programs = activities::labels(&state, DictKind::PROGRAM, lang).await?;
    let cat = state.catalogue;
    let t = |k: &str| cat.get(lang, k).to_owned();
    let counts_headers = headings(cat, &["dash.activities", "dash.participants", "dash.women"]);
    let nums = |c: &Counts| vec![c.activities, c.participants, c.women];
    let row = |texts: Vec<String>, c: &Counts| TableRow {
        texts,
        numbers: nums(c),
        total: false,
    };
    let total_row = |texts: Vec<String>, c: &Counts| TableRow {
        texts,
        numbers: nums(c),
        total: true,
    };
    let with_counts = |first: &[&str]| {
        let mut h = headings(cat, first);
        h.extend(counts_headers.iter().cloned());
        h
    };

    let mut children: Vec<TableRow> = r
        .children
        .iter()
        .map(|(u, c)| row(vec![u.code.to_string(), u.name.clone()], c))
        .collect();
    let sum = r
        .children
        .iter()
        .fold(Counts::default(), |a, (_, c)| Counts {
            activities: a.activities + c.activities,
            participants: a.participants + c.participants,
            women: a.women + c.women,
        });
    let own = Counts {
        activities: r.total.activities - sum.activities,
        participants: r.total.participants - sum.participants,
        women: r.total.women - sum.women,
    };
    if own != Counts::default() {
        children.push(row(vec![unit.code.to_string(), t("xlsx.own")], &own));
    }
    children.push(total_row(
        vec![t("xlsx.total"), unit.name.clone()],
        &r.total,
    ));

    let keyed = |rows: &[(String, Counts)], labels: &BTreeMap<String, String>| {
        rows.iter()
            .map(|(k, c)| row(vec![labels.get(k).cloned().unwrap_or_else(|| k.clone())], c))
            .collect::<Vec<_>>()
    };
    let mut by_type = keyed(&r.by_type, &types);
    by_type.push(total_row(vec![t("xlsx.total")], &r.total));
    let mut by_month: Vec<TableRow> = r
        .months
        .iter()
        .map(|(m, c)| row(vec![m.to_string()], c))
        .collect();
    by_month.push(total_row(vec![t("xlsx.total")], &r.total));
    let by_program = keyed(&r.by_program, &programs);

    let (from, to) = (period.from.to_string(), period.to.to_string());
    let title = fill(
        cat.get(lang, "xlsx.figures_file"),
        &[("name", &unit.name), ("from", &from), ("to", &to)],
    );
    let tables = [
        Table {
            name: t("xlsx.sheet_children"),
            headers: with_counts(&["xlsx.code", "xlsx.name"]),
            widths: vec![16.0, 24.0, 12.0, 12.0, 12.0],
            rows: children,
        },
        Table {
            name: t("xlsx.sheet_types"),
            headers: with_counts(&["imp.col.type"]),
            widths: vec![24.0, 12.0, 12.0, 12.0],
            rows: by_type,
        },
        Table {
            name: t("xlsx.sheet_months"),
            headers: with_counts(&["xlsx.month"]),
            widths: vec![12.0, 12.0, 12.0, 12.0],
            rows: by_month,
        },
        Table {
            name: t("xlsx.sheet_programs"),
            headers: with_counts(&["imp.col.program"]),
            widths: vec![28.0, 12.0, 12.0, 12.0],
            rows: by_program,
        },
    ];
    let bytes = write_tables(&title, &tables).map_err(internal)?;
    Ok(download(
        bytes,
        &format!("figures-{}-{from}_{to}.xlsx", unit.code),
        &format!("{title}.xlsx"),
    ))
}

// ---------------------------------------------------------------- import

/// Error reports of refused imports, kept for an hour for the user who
/// uploaded the file.
struct Report {
    owner: (UserId, String),
    made: Instant,
    problems: Vec<Problem>,
}

const REPORT_TTL: Duration = Duration::from_secs(3600);
const MAX_REPORTS: usize = 200;
/// Problems shown on the page; the report has them all.
const SHOWN_PROBLEMS: usize = 200;

fn reports() -> &'static Mutex<HashMap<String, Report>> {
    static REPORTS: OnceLock<Mutex<HashMap<String, Report>>> = OnceLock::new();
    REPORTS.get_or_init(Mutex::default)
}

fn owner(actor: &Actor) -> (UserId, String) {
    (actor.user.id, actor.user.username.clone())
}

fn keep_report(actor: &Actor, problems: Vec<Problem>) -> String {
    let id = crate::auth::token::new_token();
    let mut map = reports().lock().unwrap_or_else(|e| e.into_inner());
    map.retain(|_, r| r.made.elapsed() < REPORT_TTL);
    while map.len() >= MAX_REPORTS {
        let Some(oldest) = map
            .iter()
            .min_by_key(|(_, r)| r.made)
            .map(|(k, _)| k.clone())
        else {
            break;
        };
        map.remove(&oldest);
    }
    map.insert(
        id.clone(),
        Report {
            owner: owner(actor),
            made: Instant::now(),
            problems,
        },
    );
    id
}

/// The report under `id` if this actor uploaded it and it has not expired.
fn find_report(actor: &Actor, id: &str) -> Option<Vec<Problem>> {
    let map = reports().lock().unwrap_or_else(|e| e.into_inner());
    map.get(id)
        .filter(|r| r.made.elapsed() < REPORT_TTL && r.owner == owner(actor))
        .map(|r| r.problems.clone())
}

#[derive(Serialize)]
struct ProblemView {
    row: String,
    column: String,
    reason: String,
}

#[derive(Deserialize, Serialize)]
pub struct ImportQuery {
    done: Option<u64>,
    unit: Option<String>,
    /// The sheet that was read and its header row, said on the page.
    sheet: Option<String>,
    row: Option<u32>,
}

/// A sheet name as Excel allows it is at most this long; anything longer
/// in the address did not come from an import.
const MAX_SHEET_NAME: usize = 31;

fn import_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    done: Option<(u64, Option<String>)>,
    refusal: &Refusal,
    report: Option<String>,
) -> WebResult {
    let cat = state.catalogue;
    let problems = &refusal.problems[..];
    let read = refusal.at.as_ref().map(|at| {
        fill(
            cat.get(lang, "imp.read"),
            &[("sheet", &at.name), ("row", &at.header_row.to_string())],
        )
    });
    let n = |k: &str, n: u64| {
        cat.get(lang, k)
            .replace("{n}", &crate::render::thousands(n as i64))
    };
    // A problem with the whole file reads best as one sentence.
    let (rejected, problems) = match problems {
        [p] if p.row.is_none() => (Some(p.reason(cat, lang)), &[][..]),
        [] => (None, problems),
        _ => (Some(n("imp.rejected", problems.len() as u64)), problems),
    };
    let shown: Vec<ProblemView> = problems
        .iter()
        .take(SHOWN_PROBLEMS)
        .map(|p| ProblemView {
            row: p.row_text(),
            column: p.column_text(cat, lang),
            reason: p.reason(cat, lang),
        })
        .collect();
    let mut resp = state.templates.render(
        "activity_import.html",
        lang,
        Some(actor),
        context! {
            done => done.as_ref().map(|(n_done, _)| n("imp.done", *n_done)),
            done_unit => done.and_then(|(_, u)| u),
            read,
            problems => shown,
            rejected,
            more => (problems.len() > SHOWN_PROBLEMS).then(|| n("imp.more", SHOWN_PROBLEMS as u64)),
            report,
            limits => n("imp.step3", (MAX_FILE_BYTES / 1024 / 1024) as u64)
                .replace("{rows}", &crate::render::thousands(Limits::WEB.rows as i64)),
        },
    );
    if rejected.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /activities/import`: the steps, the template and the upload form.
pub async fn import_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ImportQuery>,
) -> WebResult {
    let unit = q
        .unit
        .filter(|u| UnitCode::parse(u).is_ok())
        .map(|u| u.trim().to_owned());
    let at = match (q.sheet, q.row) {
        (Some(name), Some(header_row))
            if q.done.is_some() && name.chars().count() <= MAX_SHEET_NAME =>
        {
            Some(SheetInfo { name, header_row })
        }
        _ => None,
    };
    let shown = Refusal {
        problems: Vec::new(),
        at,
    };
    import_page(
        &state,
        &actor,
        lang,
        q.done.map(|n| (n, unit)),
        &shown,
        None,
    )
}

/// `code name` of a unit and every active unit below it, or `None` when
/// there are more than `max`.
async fn units_below(state: &AppState, top: &Unit, max: usize) -> AppResult<Option<Vec<String>>> {
    let mut out = vec![format!("{} {}", top.code, top.name)];
    let mut queue = VecDeque::from([top.id]);
    while let Some(id) = queue.pop_front() {
        for c in state.store.children(id).await? {
            if !c.active {
                continue;
            }
            out.push(format!("{} {}", c.code, c.name));
            if out.len() > max {
                return Ok(None);
            }
            if c.children_count > 0 {
                queue.push_back(c.id);
            }
        }
    }
    Ok(Some(out))
}

/// `GET /activities/import/template.xlsx`.
pub async fn import_template(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
) -> WebResult {
    let labels = |entries: Vec<jinguo_store::model::DictEntry>| {
        entries
            .into_iter()
            .filter(|e| e.active)
            .map(|e| e.label_zh)
            .collect::<Vec<_>>()
    };
    let lists = TemplateLists {
        types: labels(state.store.dictionary(DictKind::ACTIVITY_TYPE).await?),
        programs: labels(state.store.dictionary(DictKind::PROGRAM).await?),
        units: units_below(&state, &actor.unit, MAX_PICK_UNITS).await?,
        own_unit: format!("{} {}", actor.unit.code, actor.unit.name),
    };
    let cat = state.catalogue;
    let bytes = template::template(&lists, today(&state.config), cat, lang).map_err(internal)?;
    Ok(download(
        bytes,
        "jinguo-activities-template.xlsx",
        &format!("{}.xlsx", cat.get(lang, "imp.template_file")),
    ))
}

/// The route of the upload: the one web route with a body limit large
/// enough for a file (the CSRF guard allows the same, for this path only).
pub fn import_route() -> MethodRouter<AppState> {
    post(import_upload).layer(DefaultBodyLimit::max(crate::auth::csrf::MAX_UPLOAD_BODY))
}

fn upload_problem(e: &MultipartError) -> Problem {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::file("imp.err.too_large")
    } else {
        Problem::file("imp.err.upload")
    }
}

/// The `file` field of the form, checked for size and kind.
pub(super) async fn read_upload(mut form: Multipart) -> Result<Vec<u8>, Problem> {
    while let Some(mut field) = form.next_field().await.map_err(|e| upload_problem(&e))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").trim().to_lowercase();
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| upload_problem(&e))? {
            if data.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(Problem::file("imp.err.too_large"));
            }
            data.extend_from_slice(&chunk);
        }
        if data.is_empty() && name.is_empty() {
            return Err(Problem::file("imp.err.no_file"));
        }
        if (!name.is_empty() && !name.ends_with(".xlsx")) || !import::looks_like_xlsx(&data) {
            return Err(Problem::file("imp.err.not_xlsx"));
        }
        return Ok(data);
    }
    Err(Problem::file("imp.err.no_file"))
}

/// `POST /activities/import` (multipart): reads the sheet, checks every
/// row, and either inserts them all in one transaction or inserts nothing
/// and shows every problem with a downloadable report.
pub async fn import_upload(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    form: Multipart,
) -> WebResult {
    let bytes = match read_upload(form).await {
        Ok(b) => b,
        Err(p) => return import_page(&state, &actor, lang, None, &p.into(), None),
    };
    let read = tokio::task::spawn_blocking(move || import::read(&bytes, Limits::WEB))
        .await
        .map_err(internal)?;
    let sheet = match read {
        Ok(s) => s,
        Err(refusal) => return import_page(&state, &actor, lang, None, &refusal, None),
    };
    let who = Importer {
        scope: actor.scope(),
        by: actor.user.id,
        today: today(&state.config),
    };
    match import::check(state.store.as_ref(), &who, &sheet, || {}).await? {
        Checked::Rejected(problems) => {
            let report = keep_report(&actor, problems.clone());
            let refusal = Refusal {
                problems,
                at: Some(sheet.at.clone()),
            };
            import_page(&state, &actor, lang, None, &refusal, Some(report))
        }
        Checked::Ready(plan) => {
            let n = import::commit(state.store.as_ref(), &plan, now()).await?;
            actor
                .audit(
                    &state,
                    ip,
                    "activity.imported",
                    plan.unit.id,
                    import::audit_detail(&plan, "web"),
                )
                .await?;
            let query = serde_urlencoded::to_string(ImportQuery {
                done: Some(n),
                unit: Some(plan.unit.code.to_string()),
                sheet: Some(sheet.at.name.clone()),
                row: Some(sheet.at.header_row),
            })
            .map_err(internal)?;
            Ok(Redirect::to(&format!("/activities/import?{query}")).into_response())
        }
    }
}

/// `GET /activities/import/errors/{id}`: the error report of a refused
/// import, for the user who uploaded it, for an hour.
pub async fn import_errors(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let problems = find_report(&actor, &id).ok_or(AppError::NotFound)?;
    let cat = state.catalogue;
    let bytes = template::error_report(&problems, cat, lang).map_err(internal)?;
    Ok(download(
        bytes,
        "jinguo-import-errors.xlsx",
        &format!("{}.xlsx", cat.get(lang, "imp.report_title")),
    ))
}
