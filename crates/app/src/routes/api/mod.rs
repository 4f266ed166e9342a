//! The JSON API under `/api/v1`, for mini-programs, integrations and our
//! own checks. Authenticated by bearer token only.

pub mod activities;
pub mod audit;
pub mod case_flow;
pub mod case_stats;
pub mod cases;
pub mod help;
pub mod households;
pub mod me;
pub mod needs;
pub mod openapi;
pub mod photos;
pub mod rollup;
pub mod session;
pub mod task_files;
pub mod tasks;
pub mod units;
pub mod user_edit;
pub mod users;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use jinguo_domain::UnitCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use crate::error::AppError;

/// A JSON body whose rejection is our JSON error (400), not axum's text.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|j| ApiJson(j.0))
            .map_err(|e: JsonRejection| AppError::BadRequest(e.body_text()))
    }
}

/// A query string whose rejection is our JSON error (400).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| AppError::BadRequest(e.body_text()))
    }
}

/// `?from=YYYY-MM&to=YYYY-MM`: a range of months (see [`crate::period::Period`]).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First month of the range, `YYYY-MM` (years 2000–2100); absent or blank means January of
    /// the year of `to`. A malformed month answers `422` with field `from`, and so does a `from`
    /// after `to` or a range of more than 120 months.
    #[param(value_type = Option<String>, example = "2026-01")]
    pub from: Option<String>,
    /// Last month of the range, `YYYY-MM` (years 2000–2100); absent or blank means this month. A
    /// malformed month answers `422` with field `to` (checked before `from`).
    #[param(value_type = Option<String>, example = "2026-06")]
    pub to: Option<String>,
}

/// A unit code from a path or query: malformed is 400.
pub fn parse_code(s: &str) -> Result<UnitCode, AppError> {
    UnitCode::parse(s).map_err(|_| AppError::BadRequest(format!("malformed unit code {s:?}")))
}

/// The unit a list is about: `?unit=CODE` if it lies in the actor's
/// subtree (404 otherwise, like a unit that does not exist), else her own.
pub async fn unit_of(
    state: &crate::state::AppState,
    actor: &crate::auth::Actor,
    code: Option<&str>,
) -> Result<jinguo_store::model::Unit, AppError> {
    let code = code.map(parse_code).transpose()?;
    actor.unit_or_own(state, code.as_ref()).await
}

/// A user id from a path: anything but a positive integer is "no such user".
pub fn parse_user_id(s: &str) -> Result<jinguo_domain::UserId, AppError> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(jinguo_domain::UserId::new)
        .ok_or(AppError::NotFound)
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}
