//! `GET /api/v1/units/{code}/case-stats`: de-identified case statistics.

use super::openapi::{BadRequest, Internal, Invalid, NotFound};
use super::units::UnitCodePath;
use super::{ApiQuery, PeriodQuery, parse_code};
use crate::auth::ApiActor;
use crate::case_stats::{self, CaseStatsView};
use crate::error::AppResult;
use crate::period::Period;
use crate::state::{AppState, today};
use axum::Json;
use axum::extract::{Path, State};

/// `?from=YYYY-MM&to=YYYY-MM` (cases opened in that range). Any logged-in
/// user whose scope holds the unit: the figures are de-identified (only
/// consenting cases, cells under five as "<5"), so no case right is needed;
/// outside the scope 404.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/case-stats",
    operation_id = "getUnitCaseStats",
    tag = "statistics",
    summary = "De-identified case statistics of a unit",
    description = "Rights-protection cases opened at the unit `{code}` or below it in the months \
                   `from`..`to`, counting only cases whose client consented to statistics: by \
                   type, source, current risk level, current status and outcome, the median days \
                   to first contact and to closure, protection orders and warning letters, and by \
                   active direct child. Read from counters that every case write keeps up to date. \
                   De-identified: any count from 1 to 4 reads `\"<5\"`, and a median behind fewer \
                   than 5 cases is `null`; no case number, name or date appears. The unit must lie \
                   in the caller's subtree (otherwise `404`, exactly like an unknown unit).",
    params(UnitCodePath, PeriodQuery),
    responses(
        (status = 200, description = "The statistics.", body = CaseStatsView),
        (status = 400, response = BadRequest),
        (status = 500, response = Internal),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<CaseStatsView>> {
    let unit = state
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let p = Period::parse(q.from.as_deref(), q.to.as_deref(), today(&state.config))?;
    let s = case_stats::load(&state, actor.scope(), &unit, p).await?;
    Ok(Json(case_stats::view(&unit, p.from, p.to, &s)))
}
