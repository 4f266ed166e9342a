//! Outline monitoring pages: a unit's attainment (the region sees every
//! league side by side), the catalogue, a department reporter's form, and
//! the office's list of reports to check with approve and return.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use jinguo_domain::outline::{EntryDraft, FigureDraft, OutlineReportStatus};
use jinguo_domain::{Capability, FieldError};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::WebActor;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::outlines::{self as svc, EntryInput, figures::Cell, import};
use crate::render::WebResult;
use crate::routes::web::unit_of;
use crate::state::AppState;

/// `GET /outlines/style.css`: the module's few styles (the attainment
/// colours always come with their words).
pub async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("outlines.css"),
    )
}

/// A number as the pages show it: at most two decimals, none when whole.
fn fmt(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e12 => format!("{v:.0}"),
        Some(v) => {
            let s = format!("{v:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
    }
}

#[derive(Serialize)]
struct CellView {
    value: String,
    target: String,
    baseline: String,
    female: String,
    male: String,
    attainment: &'static str,
    coverage: Option<String>,
    reported: Option<String>,
    differs: bool,
    own: String,
    aggregate: String,
}

fn cell_view(c: &Cell) -> CellView {
    CellView {
        value: fmt(c.value),
        target: fmt(c.target.map(|t| t.1)),
        baseline: fmt(c.baseline),
        female: fmt(c.female),
        male: fmt(c.male),
        attainment: c.attainment.as_str(),
        coverage: c
            .aggregate
            .and_then(|a| a.denominator_coverage)
            .filter(|cv| *cv < 0.9995)
            .map(|cv| format!("{:.0}%", cv * 100.0)),
        reported: c
            .aggregate
            .filter(|a| a.units_reported < a.units_expected)
            .map(|a| format!("{}/{}", a.units_reported, a.units_expected)),
        differs: c.differs,
        own: fmt(c.own),
        aggregate: fmt(c.aggregate.and_then(|a| a.value)),
    }
}

#[derive(Deserialize)]
pub struct FiguresQuery {
    unit: Option<String>,
    year: Option<i64>,
}

fn year_or_default(state: &AppState, y: Option<i64>) -> i32 {
    y.and_then(|y| svc::parse_year(y).ok())
        .unwrap_or_else(|| svc::default_year(state))
}

fn years() -> Vec<i32> {
    let p = svc::period();
    (p.start() - 1..=p.end()).collect()
}

/// `GET /outlines?unit=&year=`: a unit's attainment.
pub async fn attainment(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<FiguresQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let year = year_or_default(&state, q.year);
    let f = svc::figures(&state, &actor, &unit, year).await?;
    let path = state.store.path(&unit).await?;
    let crumbs: Vec<_> = path
        .into_iter()
        .filter(|p| p.level >= actor.unit.level)
        .collect();
    let domains: Vec<_> = f
        .domains
        .iter()
        .map(|(d, s)| {
            context! {
                key => d.label_key(), attained => s.attained, on_track => s.on_track,
                off_track => s.off_track, no_data => s.no_data, total => s.total(),
            }
        })
        .collect();
    let rows: Vec<_> = f
        .rows
        .iter()
        .map(|r| {
            context! {
                code => r.indicator.spec.code, name => r.indicator.spec.name,
                unit => r.indicator.spec.unit.as_str(),
                direction => r.indicator.spec.direction.as_str(),
                demo => r.indicator.spec.demo,
                domain => r.indicator.spec.domain.label_key(),
                cell => cell_view(&r.cell),
                children => r.children.iter().map(cell_view).collect::<Vec<_>>(),
            }
        })
        .collect();
    Ok(state.templates.render(
        "outlines/attainment.html",
        lang,
        Some(&actor),
        context! {
            unit, crumbs, year, years => years(), domains, rows,
            period => svc::period().label(),
            children => f.children,
            can_manage => actor.can(Capability::ManageOutlines),
            can_users => actor.can(Capability::ManageUsers),
        },
    ))
}

#[derive(Deserialize)]
pub struct CatalogueQuery {
    imported: Option<usize>,
    /// The code of the row just edited.
    saved: Option<String>,
}

/// `GET /outlines/catalogue`: the indicators of the plan period.
pub async fn catalogue(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<CatalogueQuery>,
) -> WebResult {
    let saved = q.saved.as_deref();
    catalogue_page(&state, &actor, lang, (q.imported, saved), &[]).await
}

async fn catalogue_page(
    state: &AppState,
    actor: &crate::auth::Actor,
    lang: Lang,
    (imported, saved): (Option<usize>, Option<&str>),
    problems: &[import::Problem],
) -> WebResult {
    let p = svc::period();
    let list = state.store.indicators(p, None).await?;
    // Only a code of the catalogue is named back.
    let saved = saved.filter(|c| list.iter().any(|i| i.spec.code == *c));
    let labels =
        crate::activities::labels(state, jinguo_store::outlines::DEPARTMENTS, lang).await?;
    let rows: Vec<_> = list
        .iter()
        .map(|i| {
            let s = &i.spec;
            context! {
                code => s.code, name => s.name, goal => s.goal, unit => s.unit.as_str(),
                direction => s.direction.as_str(), domain => s.domain.label_key(),
                numerator => s.numerator, denominator => s.denominator,
                department => labels.get(s.department.as_str()).cloned()
                    .unwrap_or_else(|| s.department.as_str().to_owned()),
                levels => s.levels.iter().map(|l| l.get()).collect::<Vec<_>>(),
                sex => s.sex_disaggregated, source => s.source, demo => s.demo,
            }
        })
        .collect();
    let column = |f: &str| {
        import::COLUMNS
            .iter()
            .find(|(k, _)| *k == f)
            .map_or(f.to_owned(), |(_, zh)| (*zh).to_owned())
    };
    let problems: Vec<_> = problems
        .iter()
        .map(|p| context! { row => p.row, column => column(&p.field), key => p.key })
        .collect();
    Ok(state.templates.render(
        "outlines/catalogue.html",
        lang,
        Some(actor),
        context! {
            rows, problems, imported, saved, period => p.label(),
            can_import => actor.can_at_region(Capability::ManageOutlines),
        },
    ))
}

/// `POST /outlines/catalogue/import` (multipart `file`): the catalogue
/// workbook, all or nothing; the problems by row and column otherwise.
pub async fn import_catalogue(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    mut form: Multipart,
) -> WebResult {
    let mut bytes = Vec::new();
    while let Ok(Some(mut field)) = form.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        while let Ok(Some(chunk)) = field.chunk().await {
            if bytes.len() + chunk.len() > import::MAX_BYTES {
                let p = import::Problem {
                    row: 0,
                    field: String::new(),
                    key: "imp.err.too_large",
                };
                return catalogue_page(&state, &actor, lang, (None, None), &[p]).await;
            }
            bytes.extend_from_slice(&chunk);
        }
        break;
    }
    let read = tokio::task::spawn_blocking(move || import::read(&bytes))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("catalogue import: {e}")))?;
    let rows = match read {
        Ok(rows) => rows,
        Err(problems) => {
            return catalogue_page(&state, &actor, lang, (None, None), &problems).await;
        }
    };
    let numbers: Vec<u32> = rows.iter().map(|(n, _)| *n).collect();
    let drafts = rows.into_iter().map(|(_, d)| d).collect();
    let specs = match svc::check_catalogue(&state, drafts).await {
        Ok(s) => s,
        Err(es) => {
            let problems: Vec<_> = es
                .into_iter()
                .map(|(i, e)| import::Problem {
                    row: numbers[i],
                    field: e.field.into_owned(),
                    key: e.key,
                })
                .collect();
            return catalogue_page(&state, &actor, lang, (None, None), &problems).await;
        }
    };
    match svc::save_catalogue(&state, &actor, ip, &specs).await {
        Ok(ids) => Ok(
            Redirect::to(&format!("/outlines/catalogue?imported={}", ids.len())).into_response(),
        ),
        Err(AppError::Conflict { key, .. }) => {
            let p = import::Problem {
                row: 0,
                field: String::new(),
                key,
            };
            catalogue_page(&state, &actor, lang, (None, None), &[p]).await
        }
        Err(e) => Err(e),
    }
}

/// The catalogue import's body: the workbook and the form around it.
pub fn import_body() -> (usize, FieldError) {
    (
        import::MAX_BYTES + 64 * 1024,
        FieldError::new("file", "imp.err.too_large"),
    )
}

#[derive(Deserialize)]
pub struct ReportQuery {
    year: Option<i64>,
    done: Option<String>,
    refused: Option<String>,
}

/// The report form as typed: `n_12`, `d_12`, `v_12`, `fn_12` … per
/// indicator id.
type Typed = HashMap<String, String>;

async fn report_page(
    state: &AppState,
    actor: &crate::auth::Actor,
    lang: Lang,
    year: i32,
    typed: Option<&Typed>,
    errors: &BTreeMap<String, &'static str>,
    (done, refused): (Option<String>, Option<String>),
) -> WebResult {
    let unit = actor.unit.clone();
    let department = svc::department_of(state, actor).await?;
    let indicators = svc::indicators_for(state, &department, &unit).await?;
    let report = state
        .store
        .outline_report(actor.scope(), &unit, year, &department)
        .await?;
    let labels =
        crate::activities::labels(state, jinguo_store::outlines::DEPARTMENTS, lang).await?;
    let saved: HashMap<i64, &jinguo_store::outlines::ReportValue> = report
        .iter()
        .flat_map(|r| r.values.iter())
        .map(|v| (v.indicator.get(), v))
        .collect();
    let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let val = |v: Option<f64>| v.map(|n| fmt(Some(n))).unwrap_or_default();
    let parts = |f: Option<jinguo_domain::outline::Figure>| match f {
        Some(jinguo_domain::outline::Figure::Ratio {
            numerator,
            denominator,
        }) => (num(Some(numerator)), num(Some(denominator)), String::new()),
        Some(jinguo_domain::outline::Figure::Value { value }) => {
            (String::new(), String::new(), val(Some(value)))
        }
        None => (String::new(), String::new(), String::new()),
    };
    let rows: Vec<_> = indicators
        .iter()
        .map(|i| {
            let id = i.id.get();
            let s = saved.get(&id);
            let (n, d, v) = parts(s.map(|s| s.entry.total));
            let (fn_, fd, fv) = parts(s.and_then(|s| s.entry.female));
            let (mn, md, mv) = parts(s.and_then(|s| s.entry.male));
            let mut form: BTreeMap<&str, String> = BTreeMap::from([
                ("n", n),
                ("d", d),
                ("v", v),
                ("fn", fn_),
                ("fd", fd),
                ("fv", fv),
                ("mn", mn),
                ("md", md),
                ("mv", mv),
                ("src", s.and_then(|s| s.source.clone()).unwrap_or_default()),
                ("note", s.and_then(|s| s.note.clone()).unwrap_or_default()),
                (
                    "exp",
                    s.and_then(|s| s.explanation.clone()).unwrap_or_default(),
                ),
            ]);
            if let Some(t) = typed {
                for (k, v) in form.iter_mut() {
                    *v = t.get(&format!("{k}_{id}")).cloned().unwrap_or_default();
                }
            }
            context! {
                id, code => i.spec.code, name => i.spec.name, goal => i.spec.goal,
                unit => i.spec.unit.as_str(), ratio => i.spec.unit.is_ratio(),
                aggregates => i.spec.unit.aggregates(),
                numerator => i.spec.numerator, denominator => i.spec.denominator,
                sex => i.spec.sex_disaggregated, demo => i.spec.demo, form,
            }
        })
        .collect();
    let status = report.as_ref().map(|r| r.head.status.as_str());
    let editable = report.as_ref().is_none_or(|r| r.head.status.is_editable());
    Ok(state.templates.render(
        "outlines/report.html",
        lang,
        Some(actor),
        context! {
            unit, year, years => years(), rows, errors, status, editable, done, refused,
            return_reason => report.as_ref().and_then(|r| r.head.return_reason.clone()),
            department => labels.get(department.as_str()).cloned()
                .unwrap_or_else(|| department.as_str().to_owned()),
        },
    ))
}

/// `GET /outlines/report?year=`: a department reporter's form for her unit.
pub async fn report_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ReportQuery>,
) -> WebResult {
    let year = year_or_default(&state, q.year);
    let done = q
        .done
        .filter(|d| ["saved", "submitted"].contains(&d.as_str()));
    let refused = q.refused.filter(|r| r.starts_with("err.outline."));
    match report_page(
        &state,
        &actor,
        lang,
        year,
        None,
        &BTreeMap::new(),
        (done, refused),
    )
    .await
    {
        // No department assigned yet: say so instead of a form.
        Err(AppError::Invalid(e)) if e.key == "err.outline.no_department" => {
            Ok(state.templates.render(
                "outlines/no_department.html",
                lang,
                Some(&actor),
                context! {},
            ))
        }
        r => r,
    }
}

fn number(
    t: &Typed,
    key: &str,
    id: i64,
    field: &str,
    errors: &mut BTreeMap<String, &'static str>,
) -> Option<f64> {
    let raw = t
        .get(&format!("{key}_{id}"))
        .map(|s| s.trim())
        .unwrap_or("");
    if raw.is_empty() {
        return None;
    }
    let raw = jinguo_domain::halfwidth::halfwidth(raw).replace([',', '，'], "");
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.insert(format!("{id}.{field}"), "err.outline.number");
            None
        }
    }
}

/// `POST /outlines/report`: saves the typed figures (the indicators with
/// anything typed), all or nothing.
pub async fn save_outline_report(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> WebResult {
    let typed: Typed = form.into_iter().collect();
    let year = typed
        .get("year")
        .and_then(|y| y.parse::<i64>().ok())
        .map(svc::parse_year)
        .transpose()?
        .ok_or(AppError::Invalid(FieldError::new(
            "year",
            "err.outline.report_year",
        )))?;
    let department = svc::department_of(&state, &actor).await?;
    let indicators = svc::indicators_for(&state, &department, &actor.unit).await?;
    let mut errors = BTreeMap::new();
    let mut inputs = Vec::new();
    for i in &indicators {
        let id = i.id.get();
        let figure = |p: &str, f: &str, errors: &mut BTreeMap<String, &'static str>| FigureDraft {
            numerator: number(
                &typed,
                &format!("{p}n"),
                id,
                &format!("{f}.numerator"),
                errors,
            ),
            denominator: number(
                &typed,
                &format!("{p}d"),
                id,
                &format!("{f}.denominator"),
                errors,
            ),
            value: number(&typed, &format!("{p}v"), id, &format!("{f}.value"), errors),
        };
        let draft = EntryDraft {
            total: figure("", "total", &mut errors),
            female: figure("f", "female", &mut errors),
            male: figure("m", "male", &mut errors),
            source: typed.get(&format!("src_{id}")).cloned().unwrap_or_default(),
            note: typed
                .get(&format!("note_{id}"))
                .cloned()
                .unwrap_or_default(),
            explanation: typed.get(&format!("exp_{id}")).cloned().unwrap_or_default(),
        };
        let blank = draft.total == FigureDraft::default()
            && draft.female == FigureDraft::default()
            && draft.male == FigureDraft::default();
        let had_error = errors.keys().any(|k| k.starts_with(&format!("{id}.")));
        if !blank || had_error {
            inputs.push(EntryInput {
                indicator_id: id,
                draft,
            });
        }
    }
    let code = actor.unit.code.as_str().to_owned();
    let r = if errors.is_empty() {
        svc::save_outline_report(&state, &actor, ip, i64::from(year), &code, &inputs).await
    } else {
        Err(AppError::InvalidFields(Vec::new()))
    };
    match r {
        Ok(_) => {
            Ok(Redirect::to(&format!("/outlines/report?year={year}&done=saved")).into_response())
        }
        Err(AppError::InvalidFields(es)) => {
            for e in es {
                // `entries[i].total.numerator` → `<indicator id>.total.numerator`.
                let field = e.field.as_ref();
                let key = match field
                    .strip_prefix("entries[")
                    .and_then(|r| r.split_once("]."))
                    .and_then(|(i, rest)| Some((inputs.get(i.parse::<usize>().ok()?)?, rest)))
                {
                    Some((input, rest)) => format!("{}.{rest}", input.indicator_id),
                    None => field.to_owned(),
                };
                errors.insert(key, e.key);
            }
            report_page(
                &state,
                &actor,
                lang,
                year,
                Some(&typed),
                &errors,
                (None, None),
            )
            .await
        }
        Err(AppError::Invalid(e)) => Ok(Redirect::to(&format!(
            "/outlines/report?year={year}&refused={}",
            e.key
        ))
        .into_response()),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct YearForm {
    year: i64,
}

/// `POST /outlines/report/submit`: hands the report in.
pub async fn submit_outline_report(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    axum::Form(f): axum::Form<YearForm>,
) -> WebResult {
    let code = actor.unit.code.as_str().to_owned();
    let year = svc::parse_year(f.year)?;
    let q = match svc::submit_outline_report(&state, &actor, ip, f.year, &code).await {
        Ok(_) => "done=submitted".to_owned(),
        Err(AppError::Invalid(e)) => format!("refused={}", e.key),
        Err(e) => return Err(e),
    };
    Ok(Redirect::to(&format!("/outlines/report?year={year}&{q}")).into_response())
}

#[derive(Deserialize)]
pub struct ReviewQuery {
    unit: Option<String>,
    year: Option<i64>,
    status: Option<String>,
    done: Option<String>,
    refused: Option<String>,
}

/// `GET /outlines/review?unit=&year=&status=`: the departments' reports of
/// the subtree, the submitted ones with their figures and the two actions.
pub async fn review_list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ReviewQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let year = year_or_default(&state, q.year);
    let status = match q.status.as_deref() {
        None => Some(OutlineReportStatus::Submitted),
        Some("") => None,
        Some(s) => OutlineReportStatus::parse(s),
    };
    let heads = state
        .store
        .outline_reports_under(actor.scope(), &unit, year, status)
        .await?;
    let indicators = state.store.indicators(svc::period(), None).await?;
    let labels =
        crate::activities::labels(&state, jinguo_store::outlines::DEPARTMENTS, lang).await?;
    let mut reports = Vec::new();
    for h in &heads {
        let values = if h.status == OutlineReportStatus::Submitted {
            let unit = state.store.unit_by_id(h.unit.id).await?;
            state
                .store
                .outline_report(actor.scope(), &unit, year, &h.department)
                .await?
                .map(|r| r.values)
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let values: Vec<_> = values
            .iter()
            .filter_map(|v| {
                let i = indicators.iter().find(|i| i.id == v.indicator)?;
                let (num, den) = match v.entry.total {
                    jinguo_domain::outline::Figure::Ratio {
                        numerator,
                        denominator,
                    } => (Some(numerator), Some(denominator)),
                    jinguo_domain::outline::Figure::Value { .. } => (None, None),
                };
                Some(context! {
                    code => i.spec.code, name => i.spec.name, unit => i.spec.unit.as_str(),
                    numerator => num, denominator => den,
                    value => fmt(v.entry.total.value(i.spec.unit)),
                    explanation => v.explanation, note => v.note, source => v.source,
                })
            })
            .collect();
        reports.push(context! {
            unit => h.unit, department => h.department.as_str(),
            department_label => labels.get(h.department.as_str()).cloned()
                .unwrap_or_else(|| h.department.as_str().to_owned()),
            status => h.status.as_str(), return_reason => h.return_reason, values,
        });
    }
    Ok(state.templates.render(
        "outlines/review.html",
        lang,
        Some(&actor),
        context! {
            unit, year, years => years(), reports,
            status => status.map(OutlineReportStatus::as_str),
            statuses => OutlineReportStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            done => q.done.filter(|d| ["approved", "returned"].contains(&d.as_str())),
            refused => q.refused.filter(|r| r.starts_with("err.")),
        },
    ))
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

fn back_to_review(code: &str, year: &str, done: &str, r: Result<(), AppError>) -> WebResult {
    let q = match r {
        Ok(()) => format!("done={done}"),
        Err(AppError::Invalid(e)) => format!("refused={}", e.key),
        Err(AppError::InvalidFields(e)) => {
            format!(
                "refused={}",
                e.first().map_or("err.outline.reason_required", |e| e.key)
            )
        }
        Err(e) => return Err(e),
    };
    Ok(Redirect::to(&format!("/outlines/review?unit={code}&year={year}&{q}")).into_response())
}

fn web_year(s: &str) -> Result<i64, AppError> {
    s.parse().map_err(|_| AppError::NotFound)
}

/// `POST /outlines/review/{year}/{code}/{department}/approve`.
pub async fn approve(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path((year, code, department)): Path<(String, String, String)>,
) -> WebResult {
    let y = web_year(&year)?;
    let r = svc::review_outline_report(&state, &actor, ip, y, &code, &department, None)
        .await
        .map(drop);
    if let Err(AppError::NotFound) = r {
        return Err(AppError::NotFound);
    }
    back_to_review(&code, &year, "approved", r)
}

/// `POST /outlines/review/{year}/{code}/{department}/return`.
pub async fn return_report(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path((year, code, department)): Path<(String, String, String)>,
    axum::Form(f): axum::Form<ReasonForm>,
) -> WebResult {
    let y = web_year(&year)?;
    let r = svc::review_outline_report(&state, &actor, ip, y, &code, &department, Some(&f.reason))
        .await
        .map(drop);
    if let Err(AppError::NotFound) = r {
        return Err(AppError::NotFound);
    }
    back_to_review(&code, &year, "returned", r)
}

/// `GET /outlines/report.xlsx?unit=&year=`: the annual monitoring
/// workbook, the attainment page's figures one sheet per domain.
pub async fn workbook(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<FiguresQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let year = year_or_default(&state, q.year);
    svc::workbook_download(
        &state,
        &actor,
        &unit,
        year,
        svc::workbook::Book::Annual,
        lang,
    )
    .await
}

#[derive(Deserialize)]
pub struct AssessmentQuery {
    unit: Option<String>,
    kind: Option<String>,
}

/// `GET /outlines/assessment.xlsx?unit=&kind=midterm|final`: the mid-term
/// (2025) or final (2030) assessment workbook; an unknown kind is no page.
pub async fn assessment(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<AssessmentQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let kind = q
        .kind
        .as_deref()
        .and_then(svc::workbook::Assessment::parse)
        .ok_or(AppError::NotFound)?;
    let book = svc::workbook::Book::Assessment(kind);
    svc::workbook_download(&state, &actor, &unit, kind.year(svc::period()), book, lang).await
}

#[derive(Deserialize)]
pub struct UnreportedQuery {
    unit: Option<String>,
    year: Option<i64>,
    /// How many reporters a reminder just reached.
    reminded: Option<u32>,
}

/// `GET /outlines/unreported?unit=&year=`: per department, the indicators
/// it owns at the unit's level with no report handed in for the year.
pub async fn unreported(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<UnreportedQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let year = year_or_default(&state, q.year);
    let list = svc::unreported(&state, &actor, &unit, year).await?;
    let labels =
        crate::activities::labels(&state, jinguo_store::outlines::DEPARTMENTS, lang).await?;
    let departments: Vec<_> = list
        .iter()
        .map(|(d, inds)| {
            context! {
                key => d.as_str(),
                label => labels.get(d.as_str()).cloned()
                    .unwrap_or_else(|| d.as_str().to_owned()),
                indicators => inds.iter().map(|i| context! {
                    code => i.spec.code, name => i.spec.name, demo => i.spec.demo,
                    domain => i.spec.domain.label_key(),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    Ok(state.templates.render(
        "outlines/unreported.html",
        lang,
        Some(&actor),
        context! {
            unit, year, years => years(), departments, reminded => q.reminded,
            can_remind => actor.can(Capability::ManageOutlines)
                && unit.level <= jinguo_domain::Level::BANNER,
        },
    ))
}

#[derive(Deserialize)]
pub struct RemindForm {
    #[serde(default)]
    unit: String,
    year: i64,
}

/// `POST /outlines/unreported/remind`: reminds, through their notices, the
/// reporters of the departments that have not reported at the unit.
pub async fn remind(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    axum::Form(f): axum::Form<RemindForm>,
) -> WebResult {
    let unit = unit_of(&state, &actor, Some(&f.unit)).await?;
    let year = svc::parse_year(f.year)?;
    // A unit below the banners reports no indicator: nothing to remind.
    let n = svc::remind_unreported(&state, &actor, ip, &unit, year).await?;
    Ok(Redirect::to(&format!(
        "/outlines/unreported?unit={}&year={year}&reminded={n}",
        unit.code
    ))
    .into_response())
}

/// `GET /outlines/print?unit=&year=`: the annual report of a unit as a page
/// made for paper (A4 portrait): per domain its summary and the table of
/// its indicators — value, female and male, target and attainment in words
/// — with the unit, the year and the date printed; invented indicators
/// keep their 【演示】 mark.
pub async fn print(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<FiguresQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let year = year_or_default(&state, q.year);
    let f = svc::figures(&state, &actor, &unit, year).await?;
    let domains: Vec<_> = f
        .domains
        .iter()
        .map(|(d, s)| {
            let rows: Vec<_> = f
                .rows
                .iter()
                .filter(|r| r.indicator.spec.domain == *d)
                .map(|r| {
                    let spec = &r.indicator.spec;
                    context! {
                        code => spec.code,
                        name => svc::workbook::shown_name(&spec.name, spec.demo),
                        unit => spec.unit.as_str(),
                        direction => spec.direction.as_str(),
                        sex => spec.sex_disaggregated,
                        cell => cell_view(&r.cell),
                    }
                })
                .collect();
            context! {
                key => d.label_key(), attained => s.attained, on_track => s.on_track,
                off_track => s.off_track, no_data => s.no_data, total => s.total(), rows,
            }
        })
        .collect();
    let printed = jinguo_domain::activity::format_date(crate::state::today(&state.config));
    Ok(state.templates.render(
        "outlines/print.html",
        lang,
        Some(&actor),
        context! {
            unit, year, domains, printed,
            title => svc::workbook::title(state.catalogue, lang, &f, svc::workbook::Book::Annual),
            period => svc::period().label(),
            demo => f.rows.iter().any(|r| r.indicator.spec.demo),
        },
    ))
}
