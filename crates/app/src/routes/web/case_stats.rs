//! `/case-stats/{code}`: the de-identified case statistics of a unit, with
//! a period picker, a table per dimension and the child units to drill
//! down into; and the same as a workbook.

use axum::extract::{Path, Query, State};
use minijinja::context;
use serde::Deserialize;

use super::page_code;
use crate::auth::{Actor, WebActor};
use crate::case_stats::{self, Shown};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::period::Period;
use crate::render::WebResult;
use crate::state::{AppState, today};
use crate::xlsx::download;

#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn figures(
    state: &AppState,
    actor: &Actor,
    code: &str,
    q: &PeriodQuery,
) -> AppResult<(jinguo_store::model::Unit, Period, Shown)> {
    let unit = state
        .unit_in_scope(actor.scope(), &page_code(code)?)
        .await?;
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), today(&state.config))?;
    let s = case_stats::load(state, actor.scope(), &unit, period).await?;
    Ok((unit, period, s))
}

/// `GET /case-stats/{code}?from=&to=`.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> WebResult {
    let unit = state
        .unit_in_scope(actor.scope(), &page_code(&code)?)
        .await?;
    if !case_stats::shown_at(&state, &unit) {
        let mut page = state.templates.render(
            "case_stats.html",
            lang,
            Some(&actor),
            context! { unit, withheld => true },
        );
        *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(page);
    }
    let (unit, period, s) = figures(&state, &actor, &code, &q).await?;
    let path: Vec<_> = state
        .store
        .path(&unit)
        .await?
        .into_iter()
        .filter(|p| p.level >= actor.unit.level)
        .collect();
    let cat = state.catalogue;
    let tables: Vec<_> = case_stats::dims(&s)
        .into_iter()
        .map(|(dim, lines)| {
            context! {
                title => cat.get(lang, &format!("cstats.by_{dim}")),
                head => cat.get(lang, &format!("cstats.dim_{dim}")),
                lines => lines.iter().map(|l| context! {
                    label => case_stats::label(cat, lang, dim, &l.key),
                    count => l.count.text(),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let orders: Vec<_> = case_stats::order_lines(&s.orders)
        .into_iter()
        .map(|(k, n)| context! { label => cat.get(lang, k), count => n.text() })
        .collect();
    Ok(state.templates.render(
        "case_stats.html",
        lang,
        Some(&actor),
        context! {
            unit, path, period, tables, orders,
            total => s.total.text(),
            contacted => s.contacted.text(),
            closed => s.closed.text(),
            median_first_contact => s.median_days_first_contact,
            median_closure => s.median_days_closure,
            own => (s.own != jinguo_domain::case_stats::SmallCount::Exact(0)).then(|| s.own.text()),
            children => s.children.iter().map(|c| context! {
                code => c.code, name => c.name, count => c.count.text(),
            }).collect::<Vec<_>>(),
        },
    ))
}

/// `GET /case-stats/{code}/case-stats.xlsx?from=&to=`: the page as a
/// workbook, de-identified exactly as the page is.
pub async fn export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> WebResult {
    let (unit, period, s) = figures(&state, &actor, &code, &q).await?;
    let cat = state.catalogue;
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let title = cat
        .get(lang, "cstats.file")
        .replace("{name}", &unit.name)
        .replace("{from}", &from)
        .replace("{to}", &to);
    let sheets = case_stats::sheets(cat, lang, &unit, &s);
    let bytes = case_stats::write_workbook(&title, &sheets)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("case statistics workbook: {e}")))?;
    Ok(download(
        bytes,
        &format!("case-stats-{}-{from}_{to}.xlsx", unit.code),
        &format!("{title}.xlsx"),
    ))
}
