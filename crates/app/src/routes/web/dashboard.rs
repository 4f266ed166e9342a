use axum::extract::{Path, Query, State};
use jinguo_domain::{Level, Month};
use jinguo_store::model::DictKind;
use minijinja::context;
use serde::Deserialize;

use super::page_code;
use crate::activities::labels;
use crate::auth::WebActor;
use crate::charts;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::map;
use crate::period::Period;
use crate::render::WebResult;
use crate::state::{AppState, today};

#[derive(Deserialize)]
pub struct DashboardQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /dashboard/{code}`: a unit's numbers for a period, read from the
/// counters — totals, children (drill down), types, programs, the monthly
/// trend and the quiet units below.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> WebResult {
    let unit = state
        .unit_in_scope(actor.scope(), &page_code(&code)?)
        .await?;
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), today(&state.config))?;
    let r = state
        .store
        .rollup(actor.scope(), &unit, period.from, period.to)
        .await?;
    let path = state.store.path(&unit).await?;
    // Breadcrumbs stop at the top of the actor's own subtree.
    let path: Vec<_> = path
        .into_iter()
        .filter(|p| p.level >= actor.unit.level)
        .collect();
    let types = labels(&state, DictKind::ACTIVITY_TYPE, lang).await?;
    let programs = labels(&state, DictKind::PROGRAM, lang).await?;
    let label = |map: &std::collections::BTreeMap<String, String>, k: &str| {
        map.get(k).cloned().unwrap_or_else(|| k.to_owned())
    };
    let type_bars = charts::bars(
        r.by_type
            .iter()
            .map(|(k, c)| (label(&types, k), c.activities)),
    );
    let program_bars = charts::bars(
        r.by_program
            .iter()
            .map(|(k, c)| (label(&programs, k), c.activities)),
    );
    let trend = charts::line(
        &r.months
            .iter()
            .map(|(m, c)| (m.to_string(), c.activities))
            .collect::<Vec<_>>(),
        360,
        150,
    );
    let quiet_level = unit.level.child().map(|_| Level::VILLAGE);
    let quiet = match quiet_level {
        Some(level) => {
            let since = Month::of_date(today(&state.config)).minus(2);
            let scope = actor.scope().narrow(&unit).ok_or(AppError::NotFound)?;
            Some(
                state
                    .quiet
                    .get(&state.store, scope, &unit, level, since)
                    .await?,
            )
        }
        None => None,
    };
    // The schematic map: leagues for the region, banners for a league.
    let map = if unit.level <= Level::LEAGUE {
        let code = unit.code.as_str().to_owned();
        let children: Vec<(String, String, i64)> = r
            .children
            .iter()
            .map(|(u, c)| (u.code.as_str().to_owned(), u.name.clone(), c.activities))
            .collect();
        // The first call parses the bundled boundaries (a few MB): off the
        // async workers.
        tokio::task::spawn_blocking(move || {
            map::map_for(&code).and_then(|shapes| map::choropleth(shapes, &children))
        })
        .await
        .ok()
        .flatten()
    } else {
        None
    };
    let women_pct = if r.total.participants > 0 {
        Some((r.total.women as f64 * 1000.0 / r.total.participants as f64).round() / 10.0)
    } else {
        None
    };
    // Family work of the period's last year, from its counters.
    let year = period.to.year();
    let f = state
        .store
        .family_figures(actor.scope(), &unit, year)
        .await?;
    let family = context! {
        year,
        nominations => f.own.sum("nom:"),
        honoured => f.own.sum("hon:"),
        sites => f.own.sites.active,
        pct => f.own.sites.coverage_pct(),
        sessions => f.own.sessions,
    };
    Ok(state.templates.render(
        "dashboard.html",
        lang,
        Some(&actor),
        context! {
            unit, path, period, total => r.total, women_pct,
            children => r.children.iter().map(|(u, c)| context!{ unit => u, counts => c }).collect::<Vec<_>>(),
            type_bars, program_bars, trend, quiet, map, family,
            months => r.months.iter().map(|(m, c)| context!{ month => m, counts => c }).collect::<Vec<_>>(),
        },
    ))
}

/// The year of the federations' fragment (`?year=`, this year by default).
#[derive(serde::Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// `GET /dashboard/{code}/federations?year=`: the grassroots federations as
/// they stand today and the village chairs trained in `year`, from their
/// counters (issue 15 item 2). A fragment the dashboard loads after it is
/// shown, so its two reads do not slow the page itself.
pub async fn federations(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<YearQuery>,
) -> WebResult {
    let unit = state
        .unit_in_scope(actor.scope(), &page_code(&code)?)
        .await?;
    let today = today(&state.config);
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(today.year());
    let orgs = state
        .store
        .organisation_coverage(actor.scope(), &unit, today)
        .await?
        .counts;
    let trained = state
        .store
        .training_coverage(actor.scope(), &unit, year)
        .await?
        .counts;
    let pct = |part: i64, whole: i64| {
        (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
    };
    Ok(state.templates.render(
        "dashboard_federations.html",
        lang,
        Some(&actor),
        context! {
            unit,
            federations => context! {
                year,
                organisations => orgs.organisations,
                established_pct => pct(orgs.village_organisations, orgs.villages),
                complete => orgs.complete_committees,
                overdue => orgs.overdue_terms,
                chairs_trained => trained.chairs_trained_year,
                trained_pct => pct(trained.chairs_trained_year, trained.village_chairs),
            },
        },
    ))
}
