use axum::extract::{Query, State};
use minijinja::context;
use serde::Deserialize;

use super::unit_of;
use crate::auth::WebActor;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::paging::PageNo;
use crate::render::WebResult;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct AuditQuery {
    unit: Option<String>,
    page: Option<i64>,
}

/// `GET /audit`: the audit log of a unit of the auditor's subtree.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<AuditQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page_no = PageNo::new(q.page);
    let rows = state
        .store
        .audit_in_scope(
            actor.scope().narrow(&unit).ok_or(AppError::NotFound)?,
            page_no.query(),
        )
        .await?;
    let (entries, has_next) = page_no.split(rows);
    Ok(state.templates.render(
        "audit.html",
        lang,
        Some(&actor),
        context! { unit, entries, page_no, has_next },
    ))
}
