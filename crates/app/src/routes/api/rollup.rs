use axum::Json;
use axum::extract::{Path, State};
use std::collections::BTreeMap;

use jinguo_domain::{Level, Month, UnitCode};
use jinguo_store::model::Counts;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::openapi::{BadRequest, Internal, Invalid, NotFound};
use super::units::{UnitCodePath, UnitLabel, UnitPathStep};
use super::{ApiQuery, PeriodQuery, parse_code};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::period::Period;
use crate::state::{AppState, today};

/// The numbers of a unit's subtree for a range of months.
#[derive(Serialize, ToSchema)]
pub struct Rollup {
    unit: UnitPathStep,
    /// First month of the range.
    from: Month,
    /// Last month of the range.
    to: Month,
    /// All activities of the subtree in the range.
    total: Counts,
    /// By activity-type key; types without activity in the range are left out.
    by_type: BTreeMap<String, Counts>,
    /// By programme key; programmes without activity in the range, and activities without
    /// programme, are left out.
    by_program: BTreeMap<String, Counts>,
    /// Every active direct child (geographic and sector), by code, with zeros where nothing was
    /// recorded.
    children: Vec<RollupChild>,
    /// Every month of the range, oldest first, with zeros where nothing was recorded.
    #[schema(min_items = 1, max_items = 120)]
    months: Vec<RollupMonth>,
}

/// A direct child with the numbers of its own subtree.
#[derive(Serialize, ToSchema)]
pub struct RollupChild {
    code: UnitCode,
    /// Name of the unit (Chinese).
    name: String,
    level: Level,
    #[serde(flatten)]
    counts: Counts,
}

/// The numbers of one month.
#[derive(Serialize, ToSchema)]
pub struct RollupMonth {
    month: Month,
    #[serde(flatten)]
    counts: Counts,
}

/// `GET /api/v1/units/{code}/rollup?from=YYYY-MM&to=YYYY-MM`: counters only.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/rollup",
    operation_id = "getUnitRollup",
    tag = "statistics",
    summary = "Activity numbers of a unit's subtree for a range of months",
    description = "Counts of activities, participants and women recorded at the unit `{code}` or \
                   any of its descendants whose date lies in the months `from`..`to` (both \
                   included), read from counters that every write keeps up to date, so new records \
                   show at once. An activity counts for the unit it was recorded at and that \
                   unit's ancestors as the tree stood when it was last written. Also broken down \
                   by activity type, by programme, by active direct child and by month. The unit \
                   must lie in the caller's subtree (otherwise `404`, exactly like an unknown \
                   unit); a retired unit is allowed.",
    params(UnitCodePath, PeriodQuery),
    responses(
        (status = 200, description = "The numbers of the unit's subtree.", body = Rollup),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn rollup(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<Rollup>> {
    let unit = state
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let p = Period::parse(q.from.as_deref(), q.to.as_deref(), today(&state.config))?;
    let r = state
        .store
        .rollup(actor.scope(), &unit, p.from, p.to)
        .await?;
    Ok(Json(Rollup {
        unit: UnitPathStep::of(&unit),
        from: p.from,
        to: p.to,
        total: r.total,
        by_type: r.by_type.iter().cloned().collect(),
        by_program: r.by_program.iter().cloned().collect(),
        children: r
            .children
            .iter()
            .map(|(u, c)| RollupChild {
                code: u.code.clone(),
                name: u.name.clone(),
                level: u.level,
                counts: *c,
            })
            .collect(),
        months: r
            .months
            .iter()
            .map(|(m, c)| RollupMonth {
                month: *m,
                counts: *c,
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuietQuery {
    /// Level of the units to list. A value outside 1–5 answers `422` with field `level`.
    #[param(minimum = 1, maximum = 5, default = 5)]
    level: Option<u8>,
    /// How many months, this month included, a unit must have gone without activity. A value
    /// outside 1–36 answers `422` with field `months`.
    #[param(minimum = 1, maximum = 36, default = 3)]
    months: Option<u32>,
}

/// Units without recent activity.
#[derive(Serialize, ToSchema)]
pub struct QuietUnits {
    /// The unit whose subtree was searched.
    unit: UnitPathStep,
    level: Level,
    /// The number of months asked for.
    #[schema(minimum = 1, maximum = 36)]
    months: u32,
    /// First month of the window: this month minus `months` − 1.
    since: Month,
    /// Number of units listed.
    count: usize,
    /// By code.
    units: Vec<UnitLabel>,
}

/// `GET /api/v1/units/{code}/quiet?level=5&months=3`: descendants at a
/// level with no activity in the last N months (this month included).
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/quiet",
    operation_id = "listQuietUnits",
    tag = "statistics",
    summary = "Units of a subtree without recent activity",
    description = "Active geographic units at level `level` in the subtree of the unit `{code}` \
                   (the unit itself included when it is at that level) with no activity recorded \
                   at them or below them in the last `months` months, this month included, that is \
                   since the month `since` of the answer. Sector organisations are never listed. \
                   Ordered by code. A `level` above the unit's own (a smaller number) gives an \
                   empty list. The unit must lie in the caller's subtree (otherwise `404`, exactly \
                   like an unknown unit).",
    params(UnitCodePath, QuietQuery),
    responses(
        (status = 200, description = "The quiet units.", body = QuietUnits),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn quiet(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<QuietQuery>,
) -> AppResult<Json<QuietUnits>> {
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let level = Level::new(q.level.unwrap_or(5)).map_err(AppError::from)?;
    let months = q.months.unwrap_or(3);
    if !(1..=36).contains(&months) {
        return Err(jinguo_domain::FieldError::new("months", "err.quiet.months").into());
    }
    let since = Month::of_date(today(&state.config)).minus(months - 1);
    let quiet = state
        .store
        .quiet_units(actor.scope(), &unit, level, since)
        .await?;
    Ok(Json(QuietUnits {
        unit: UnitPathStep::of(&unit),
        level,
        months,
        since,
        count: quiet.len(),
        units: quiet.iter().map(UnitLabel::from).collect(),
    }))
}
