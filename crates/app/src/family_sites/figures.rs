//! Family-work figures (家家幸福安康工程) per unit and year, from counters
//! only: nominations by status and level, honoured families by category,
//! objections raised and upheld, family-education sites and their coverage,
//! and the year's guidance sessions — for a unit and each child (drill
//! down), over the API, as a page and as a workbook.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jinguo_store::family_sites::{FamilyFigures, FamilyNumbers};
use jinguo_store::honours::CATEGORIES;
use minijinja::context;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{ApiActor, WebActor};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::render::WebResult;
use crate::routes::api::openapi::{BadRequest, Internal, Invalid, NotFound};
use crate::routes::api::units::{UnitCodePath, UnitPathStep};
use crate::routes::api::{ApiQuery, parse_code};
use crate::routes::web::unit_of;
use crate::state::{AppState, today};
use crate::xlsx::export::{Table, TableRow};

/// The nomination statuses, in the order of the workflow.
pub const STATUSES: [&str; 7] = [
    "proposed",
    "recommended",
    "declined",
    "shortlisted",
    "on_notice",
    "honoured",
    "withdrawn",
];

/// A year from a query: absent is this year; outside 2000–2100 or not a
/// number is a field error.
pub fn parse_year(s: Option<&str>, this_year: i32) -> AppResult<i32> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(this_year),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or(AppError::Invalid(jinguo_domain::FieldError::new(
                "year",
                "err.fsite.year",
            ))),
    }
}

/// Nominations of one status sitting at one level.
#[derive(Serialize, ToSchema)]
pub struct NominationCell {
    /// A nomination status (`proposed`, `recommended`, `declined`, `shortlisted`, `on_notice`,
    /// `honoured`, `withdrawn`).
    status: String,
    /// The level of the unit that last acted on it (1 region … 5 village).
    #[schema(minimum = 1, maximum = 5)]
    level: i64,
    count: i64,
}

/// One unit's family-work numbers for a year.
#[derive(Serialize, ToSchema)]
pub struct FamilyFigureNumbers {
    /// Nominations of the year's campaigns made in the subtree.
    nominations: i64,
    /// By status; statuses without nominations are left out.
    nominations_by_status: BTreeMap<String, i64>,
    /// By status and the level that last acted on them.
    nominations_by_status_and_level: Vec<NominationCell>,
    /// Honoured (published) nominations.
    honoured: i64,
    /// Honoured by honour-category key (`GET /api/v1/dictionaries/honour-categories`).
    honoured_by_category: BTreeMap<String, i64>,
    /// Objections lodged against the subtree's nominations.
    objections_raised: i64,
    /// Of those, upheld (the family left the list).
    objections_upheld: i64,
    /// Active family-education sites in the subtree, as they stand.
    active_sites: i64,
    /// Active villages and communities of the subtree.
    villages: i64,
    /// Of those, with at least one active site.
    covered_villages: i64,
    /// covered_villages / villages in percent, one decimal; null without villages.
    coverage_pct: Option<f64>,
    /// Guidance sessions (activities of a session type) dated in the year.
    guidance_sessions: i64,
}

fn split_dim(d: &str) -> Option<(&str, i64)> {
    let rest = d.strip_prefix("nom:")?;
    let (status, level) = rest.rsplit_once(':')?;
    Some((status, level.parse().ok()?))
}

impl From<&FamilyNumbers> for FamilyFigureNumbers {
    fn from(n: &FamilyNumbers) -> Self {
        let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
        let mut cells = Vec::new();
        let mut by_category = BTreeMap::new();
        for (d, c) in &n.dims {
            if let Some((status, level)) = split_dim(d) {
                *by_status.entry(status.to_owned()).or_default() += c;
                cells.push(NominationCell {
                    status: status.to_owned(),
                    level,
                    count: *c,
                });
            } else if let Some(cat) = d.strip_prefix("hon:") {
                by_category.insert(cat.to_owned(), *c);
            }
        }
        FamilyFigureNumbers {
            nominations: n.sum("nom:"),
            nominations_by_status: by_status,
            nominations_by_status_and_level: cells,
            honoured: n.sum("hon:"),
            honoured_by_category: by_category,
            objections_raised: n.get("obj:raised"),
            objections_upheld: n.get("obj:upheld"),
            active_sites: n.sites.active,
            villages: n.sites.villages,
            covered_villages: n.sites.covered_villages,
            coverage_pct: n.sites.coverage_pct(),
            guidance_sessions: n.sessions,
        }
    }
}

/// The clean-family activity type (廉洁文化进家庭) of the seeded dictionary.
pub const INTEGRITY_TYPE: &str = "integrity_family";

/// Whom the year's activities reached, for one audience.
#[derive(Serialize, ToSchema)]
pub struct AudienceReach {
    /// Activities of any type that reached the audience.
    activities: i64,
    /// Their participants.
    participants: i64,
    /// Clean-family activities (type `integrity_family`, 廉洁文化进家庭) that reached it.
    integrity_activities: i64,
    /// Their participants.
    integrity_participants: i64,
}

/// The reach per audience key from the audience counters.
fn reach(
    counts: &BTreeMap<String, jinguo_store::model::Counts>,
) -> BTreeMap<String, AudienceReach> {
    let mut out: BTreeMap<String, AudienceReach> = BTreeMap::new();
    let blank = || AudienceReach {
        activities: 0,
        participants: 0,
        integrity_activities: 0,
        integrity_participants: 0,
    };
    for (dim, c) in counts {
        if let Some(aud) = dim.strip_prefix("a:") {
            let e = out.entry(aud.to_owned()).or_insert_with(blank);
            e.activities = c.activities;
            e.participants = c.participants;
        } else if let Some(aud) = dim
            .strip_prefix("ta:")
            .and_then(|r| r.strip_prefix(INTEGRITY_TYPE))
            .and_then(|r| r.strip_prefix(':'))
        {
            let e = out.entry(aud.to_owned()).or_insert_with(blank);
            e.integrity_activities = c.activities;
            e.integrity_participants = c.participants;
        }
    }
    out
}

/// A child unit's family-work numbers.
#[derive(Serialize, ToSchema)]
pub struct FamilyFigureChild {
    unit: UnitPathStep,
    #[serde(flatten)]
    numbers: FamilyFigureNumbers,
}

/// The family-work figures of a unit and of each active child for a year.
#[derive(Serialize, ToSchema)]
#[schema(as = FamilyFigures)]
pub struct FamilyFiguresView {
    unit: UnitPathStep,
    year: i32,
    #[serde(flatten)]
    numbers: FamilyFigureNumbers,
    /// Whom the unit's activities of the year reached, by audience key (the unit's subtree only,
    /// not per child).
    audiences: BTreeMap<String, AudienceReach>,
    children: Vec<FamilyFigureChild>,
}

impl FamilyFiguresView {
    fn of(f: &FamilyFigures, audiences: &BTreeMap<String, jinguo_store::model::Counts>) -> Self {
        FamilyFiguresView {
            unit: UnitPathStep::from(&f.unit),
            year: f.year,
            numbers: FamilyFigureNumbers::from(&f.own),
            audiences: reach(audiences),
            children: f
                .children
                .iter()
                .map(|(u, n)| FamilyFigureChild {
                    unit: UnitPathStep::from(u),
                    numbers: FamilyFigureNumbers::from(n),
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The campaign year (and the year of the sessions); this year when absent. Outside
    /// 2000–2100 or not a number answers `422` with field `year`.
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    year: Option<String>,
}

/// `GET /api/v1/units/{code}/family-figures?year=`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/family-figures",
    operation_id = "getFamilyFigures",
    tag = "family-sites",
    summary = "Family-work figures of a unit for a year",
    description = "Nominations of the year's honour campaigns by status and level, honoured \
                   nominations by category, objections raised and upheld, family-education sites \
                   and their coverage (as they stand), the year's guidance sessions, and whom the \
                   year's activities reached by audience (all, and clean-family work), for a unit \
                   of the caller's subtree (otherwise `404`) and each of its active children. Read \
                   from counters kept in the transaction of every write.",
    params(UnitCodePath, YearQuery),
    responses(
        (status = 200, description = "The figures.", body = FamilyFiguresView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn api(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> AppResult<Json<FamilyFiguresView>> {
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let year = parse_year(q.year.as_deref(), today(&state.config).year())?;
    let f = state
        .store
        .family_figures(actor.scope(), &unit, year)
        .await?;
    let a = state
        .store
        .audience_counts(actor.scope(), &unit, year)
        .await?;
    Ok(Json(FamilyFiguresView::of(&f, &a)))
}

#[derive(Deserialize)]
pub struct PageQuery {
    unit: Option<String>,
    year: Option<String>,
}

/// A row of the page's and the workbook's table.
#[derive(Serialize)]
struct Row {
    code: String,
    name: String,
    nominations: i64,
    shortlisted: i64,
    honoured: i64,
    declined: i64,
    objections_raised: i64,
    objections_upheld: i64,
    active_sites: i64,
    covered_villages: i64,
    villages: i64,
    pct: Option<f64>,
    sessions: i64,
}

fn row(code: &str, name: &str, n: &FamilyNumbers) -> Row {
    let status = |s: &str| n.sum(&format!("nom:{s}:"));
    Row {
        code: code.to_owned(),
        name: name.to_owned(),
        nominations: n.sum("nom:"),
        // Shortlisted and beyond: on notice and honoured passed the shortlist too.
        shortlisted: status("shortlisted") + status("on_notice") + status("honoured"),
        honoured: n.sum("hon:"),
        declined: status("declined"),
        objections_raised: n.get("obj:raised"),
        objections_upheld: n.get("obj:upheld"),
        active_sites: n.sites.active,
        covered_villages: n.sites.covered_villages,
        villages: n.sites.villages,
        pct: n.sites.coverage_pct(),
        sessions: n.sessions,
    }
}

/// `GET /family-figures?unit=&year=`: the figures with a drill-down.
pub async fn page(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<PageQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let this_year = today(&state.config).year();
    let year = parse_year(q.year.as_deref(), this_year)?;
    let f = state
        .store
        .family_figures(actor.scope(), &unit, year)
        .await?;
    let crumbs: Vec<_> = state
        .store
        .path(&unit)
        .await?
        .into_iter()
        .filter(|p| p.level >= actor.unit.level)
        .collect();
    let categories = crate::activities::labels(&state, CATEGORIES, lang).await?;
    let by_category: Vec<_> = f
        .own
        .dims
        .iter()
        .filter_map(|(d, n)| {
            let k = d.strip_prefix("hon:")?;
            Some(context! { label => categories.get(k).cloned().unwrap_or_else(|| k.to_owned()), count => n })
        })
        .collect();
    // Whom the year's activities reached: all, and clean-family work.
    let aud_labels = crate::activities::labels(
        &state,
        jinguo_store::family_sites::audiences::AUDIENCES,
        lang,
    )
    .await?;
    let counts = state
        .store
        .audience_counts(actor.scope(), &unit, year)
        .await?;
    let audiences: Vec<_> = reach(&counts)
        .into_iter()
        .map(|(k, r)| {
            context! {
                label => aud_labels.get(&k).cloned().unwrap_or(k),
                activities => r.activities, participants => r.participants,
                integrity_activities => r.integrity_activities,
                integrity_participants => r.integrity_participants,
            }
        })
        .collect();
    // Status × level for the unit itself.
    let levels: Vec<i64> = (1..=5).collect();
    let matrix: Vec<_> = STATUSES
        .iter()
        .filter(|s| f.own.sum(&format!("nom:{s}:")) > 0)
        .map(|s| {
            context! {
                status => s,
                cells => levels.iter().map(|l| f.own.get(&format!("nom:{s}:{l}"))).collect::<Vec<_>>(),
                total => f.own.sum(&format!("nom:{s}:")),
            }
        })
        .collect();
    Ok(state.templates.render(
        "family_sites/figures.html",
        lang,
        Some(&actor),
        context! {
            unit, crumbs, year, by_category, matrix, levels, audiences,
            years => (2020..=this_year).rev().collect::<Vec<_>>(),
            own => row(unit.code.as_str(), &unit.name, &f.own),
            children => f.children.iter().map(|(u, n)| row(u.code.as_str(), &u.name, n)).collect::<Vec<_>>(),
        },
    ))
}

/// `GET /family-figures/export.xlsx?unit=&year=`: the same table as a
/// workbook, the unit's own row last as the total.
pub async fn export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let year = parse_year(q.year.as_deref(), today(&state.config).year())?;
    let f = state
        .store
        .family_figures(actor.scope(), &unit, year)
        .await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let to_row = |r: Row, total: bool| TableRow {
        texts: vec![
            r.name,
            r.pct.map(|p| format!("{p}%")).unwrap_or_else(|| "—".into()),
        ],
        numbers: vec![
            r.nominations,
            r.shortlisted,
            r.honoured,
            r.declined,
            r.objections_raised,
            r.objections_upheld,
            r.active_sites,
            r.covered_villages,
            r.villages,
            r.sessions,
        ],
        total,
    };
    let mut rows: Vec<TableRow> = f
        .children
        .iter()
        .map(|(u, n)| to_row(row(u.code.as_str(), &u.name, n), false))
        .collect();
    rows.push(to_row(row(unit.code.as_str(), &unit.name, &f.own), true));
    let title = format!("{} {year}", t("fsite.figures"));
    let table = Table {
        name: title.clone(),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "unit.name",
                "fsite.coverage",
                "fsite.fig.nominations",
                "fsite.fig.shortlisted",
                "fsite.fig.honoured",
                "fsite.fig.declined",
                "fsite.fig.objections_raised",
                "fsite.fig.objections_upheld",
                "fsite.active_sites",
                "fsite.covered",
                "fsite.villages",
                "fsite.sessions",
            ],
        ),
        widths: vec![
            22.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0,
        ],
        rows,
    };
    crate::xlsx::list_download(&unit, &title, "family-figures", table)
}
