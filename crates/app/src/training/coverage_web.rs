//! The training coverage page with drill-down, its Excel export, and the
//! list of village chairs not yet trained in their term.

use axum::extract::{Query, State};
use axum::response::Response;
use jinguo_domain::Capability;
use jinguo_store::training::TrainingCounts;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::WebActor;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::paging::PageNo;
use crate::render::WebResult;
use crate::routes::web::unit_of;
use crate::state::AppState;
use crate::training::api::coverage_year;
use crate::xlsx::download;
use crate::xlsx::export::{Table, TableRow, write_tables};

#[derive(Serialize)]
struct CountsView<'a> {
    c: &'a TrainingCounts,
    year_pct: Option<f64>,
    term_pct: Option<f64>,
    attendance_pct: Option<f64>,
    hours_per_person: Option<f64>,
}

fn view(c: &TrainingCounts) -> CountsView<'_> {
    CountsView {
        c,
        year_pct: c.chairs_year_pct(),
        term_pct: c.chairs_term_pct(),
        attendance_pct: c.attendance_pct(),
        hours_per_person: c.hours_per_person(),
    }
}

#[derive(Deserialize)]
pub struct CoverageQuery {
    unit: Option<String>,
    year: Option<String>,
    page: Option<i64>,
}

fn year_of(state: &AppState, q: &CoverageQuery) -> Result<i32, AppError> {
    let y = match q.year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(s.parse::<i32>().map_err(|_| AppError::NotFound)?),
    };
    coverage_year(state, y).map_err(|_| AppError::NotFound)
}

/// `GET /training-coverage?unit=&year=`.
pub async fn coverage(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<CoverageQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let year = year_of(&state, &q)?;
    let cov = state
        .store
        .training_coverage(actor.scope(), &unit, year)
        .await?;
    let crumbs: Vec<_> = state
        .store
        .path(&unit)
        .await?
        .into_iter()
        .filter(|p| p.level >= actor.unit.level)
        .collect();
    Ok(state.templates.render(
        "training/coverage.html",
        lang,
        Some(&actor),
        context! {
            unit, crumbs, year,
            counts => view(&cov.counts),
            children => cov.children.iter().map(|(u, c)| context! { unit => u, counts => view(c) }).collect::<Vec<_>>(),
            can_personal => actor.can(Capability::ReadPersonal),
        },
    ))
}

fn pct_text(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |p| format!("{p}%"))
}

/// `GET /training-coverage/export.xlsx?unit=&year=`.
pub async fn export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<CoverageQuery>,
) -> Result<Response, AppError> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let year = year_of(&state, &q)?;
    let cov = state
        .store
        .training_coverage(actor.scope(), &unit, year)
        .await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let mut lines: Vec<(String, &TrainingCounts, bool)> = cov
        .children
        .iter()
        .map(|(u, c)| (u.name.clone(), c, false))
        .collect();
    lines.push((
        format!("{} · {}", unit.name, t("training.total")),
        &cov.counts,
        true,
    ));
    let table = Table {
        name: t("training.coverage_title"),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "unit.name",
                "training.chairs_year_pct",
                "training.chairs_term_pct",
                "training.attendance_pct",
                "training.hours_per_person",
                "training.village_chairs",
                "training.chairs_trained_year",
                "training.chairs_trained_term",
                "training.classes_held",
                "training.enrolled",
                "training.attended",
                "training.trainees",
                "training.hours",
            ],
        ),
        widths: vec![
            22.0, 12.0, 12.0, 12.0, 12.0, 10.0, 12.0, 12.0, 10.0, 10.0, 10.0, 10.0, 10.0,
        ],
        rows: lines
            .iter()
            .map(|(name, c, total)| TableRow {
                texts: vec![
                    name.clone(),
                    pct_text(c.chairs_year_pct()),
                    pct_text(c.chairs_term_pct()),
                    pct_text(c.attendance_pct()),
                    c.hours_per_person()
                        .map_or_else(|| "—".to_owned(), |h| h.to_string()),
                ],
                numbers: vec![
                    c.village_chairs,
                    c.chairs_trained_year,
                    c.chairs_trained_term,
                    c.classes,
                    c.enrolled,
                    c.attended,
                    c.trainees,
                    c.hours,
                ],
                total: *total,
            })
            .collect(),
    };
    let title = format!("{} · {} · {year}", unit.name, t("training.coverage_title"));
    let bytes = write_tables(&title, &[table])
        .map_err(|e| AppError::Internal(anyhow::anyhow!("training workbook: {e}")))?;
    Ok(download(
        bytes,
        &format!("training-{}-{year}.xlsx", unit.code),
        &format!("{title}.xlsx"),
    ))
}

/// `GET /training-coverage/untrained?unit=`: current village chairs who
/// have not completed a programme in their term (names: personal data).
pub async fn untrained(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<CoverageQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page_no = PageNo::new(q.page);
    let rows = state
        .store
        .untrained_chairs(actor.scope(), &unit, page_no.query())
        .await?;
    let (rows, has_next) = page_no.split(rows);
    Ok(state.templates.render(
        "training/untrained.html",
        lang,
        Some(&actor),
        context! { unit, rows, page_no, has_next },
    ))
}
