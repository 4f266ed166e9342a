use axum::Json;
use axum::extract::State;
use jinguo_domain::UnitCode;
use jinguo_store::model::{AuditEntry, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::openapi::{BadRequest, Internal, Invalid, NotFound};
use super::{ApiQuery, unit_of};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Code of the unit whose subtree to read; defaults to the caller's unit. A malformed code
    /// answers `400`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 100)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
    /// Only entries of this username.
    #[param(max_length = 64)]
    actor: Option<String>,
    /// Only entries of this action key, for example `need.created`.
    #[param(max_length = 64)]
    action: Option<String>,
    /// Only entries on or after this day (`YYYY-MM-DD`, the server's time zone); malformed
    /// answers `422`.
    #[param(format = Date)]
    from: Option<String>,
    /// Only entries on or before this day (`YYYY-MM-DD`); before `from` answers `422`.
    #[param(format = Date)]
    to: Option<String>,
}

/// A page of audit events, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditLog {
    entries: Vec<AuditEntry>,
}

/// `GET /api/v1/audit?unit={code}`: events of a unit's subtree, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    operation_id = "listAudit",
    tag = "audit",
    summary = "Audit events of a subtree",
    description = "Events concerning the unit `unit` or any of its descendants, newest first. An \
                   event belongs to the unit it concerns as the tree stood when it was written. \
                   Without `unit`, the caller's own unit. A `unit` outside the caller's subtree \
                   answers `404`.",
    params(AuditQuery),
    responses(
        (status = 200, description = "Audit events, newest first.", body = AuditLog),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> AppResult<Json<AuditLog>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(100), q.offset.unwrap_or(0));
    let filter = crate::audit_view::AuditParams {
        actor: q.actor,
        action: q.action,
        from: q.from,
        to: q.to,
    }
    .parse(state.config.utc_offset_hours)
    .map_err(AppError::InvalidFields)?;
    let entries = state
        .store
        .audit_in_scope(
            actor.scope().narrow(&unit).ok_or(AppError::NotFound)?,
            &filter,
            page,
        )
        .await?;
    Ok(Json(AuditLog { entries }))
}
