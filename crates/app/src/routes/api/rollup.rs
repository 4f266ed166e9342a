use axum::Json;
use axum::extract::{Path, State};
use jinguo_domain::{Level, Month};
use jinguo_store::model::Counts;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{ApiQuery, parse_code};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::period::Period;
use crate::state::{AppState, today};

fn counts(c: &Counts) -> Value {
    json!({"activities": c.activities, "participants": c.participants, "women": c.women})
}

fn keyed(rows: &[(String, Counts)]) -> Value {
    Value::Object(
        rows.iter()
            .map(|(k, c)| (k.clone(), counts(c)))
            .collect::<Map<_, _>>(),
    )
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /api/v1/units/{code}/rollup?from=YYYY-MM&to=YYYY-MM`: counters only.
pub async fn rollup(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<Value>> {
    let unit = state
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let p = Period::parse(q.from.as_deref(), q.to.as_deref(), today(&state.config))?;
    let r = state
        .store
        .rollup(actor.scope(), &unit, p.from, p.to)
        .await?;
    Ok(Json(json!({
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "from": p.from,
        "to": p.to,
        "total": counts(&r.total),
        "by_type": keyed(&r.by_type),
        "by_program": keyed(&r.by_program),
        "children": r.children.iter().map(|(u, c)| json!({
            "code": u.code, "name": u.name, "level": u.level,
            "activities": c.activities, "participants": c.participants, "women": c.women,
        })).collect::<Vec<_>>(),
        "months": r.months.iter().map(|(m, c)| json!({
            "month": m, "activities": c.activities, "participants": c.participants, "women": c.women,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct QuietQuery {
    level: Option<u8>,
    months: Option<u32>,
}

/// `GET /api/v1/units/{code}/quiet?level=5&months=3`: descendants at a
/// level with no activity in the last N months (this month included).
pub async fn quiet(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<QuietQuery>,
) -> AppResult<Json<Value>> {
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
    Ok(Json(json!({
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "level": level,
        "months": months,
        "since": since,
        "count": quiet.len(),
        "units": quiet.iter().map(|u| json!({"code": u.code, "name": u.name})).collect::<Vec<_>>(),
    })))
}
