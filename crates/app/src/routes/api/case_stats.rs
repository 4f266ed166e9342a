//! `GET /api/v1/units/{code}/case-stats`: de-identified case statistics.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;

use super::{ApiQuery, parse_code};
use crate::auth::ApiActor;
use crate::case_stats;
use crate::error::AppResult;
use crate::period::Period;
use crate::state::{AppState, today};

#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `?from=YYYY-MM&to=YYYY-MM` (cases opened in that range). Any logged-in
/// user whose scope holds the unit: the figures are de-identified (only
/// consenting cases, cells under five as "<5"), so no case right is needed;
/// outside the scope 404.
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<Value>> {
    let unit = state
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let p = Period::parse(q.from.as_deref(), q.to.as_deref(), today(&state.config))?;
    let s = case_stats::load(&state, actor.scope(), &unit, p).await?;
    Ok(Json(case_stats::json(&unit, p.from, p.to, &s)))
}
