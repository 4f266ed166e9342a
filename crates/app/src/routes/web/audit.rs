use axum::extract::{Query, State};
use jinguo_domain::{Role, Scope};
use jinguo_store::model::Page;
use minijinja::context;
use serde::Deserialize;

use super::page_code;
use crate::auth::WebActor;
use crate::i18n::Lang;
use crate::render::WebResult;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct AuditQuery {
    unit: Option<String>,
    page: Option<i64>,
}

const PER_PAGE: i64 = 50;

/// `GET /audit`: the audit log of a unit of the auditor's subtree.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<AuditQuery>,
) -> WebResult {
    actor.require(Role::Auditor)?;
    let unit = match q.unit.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => {
            state
                .store
                .unit_in_scope(actor.scope(), &page_code(code)?)
                .await?
        }
        None => actor.unit.clone(),
    };
    let page_no = q.page.unwrap_or(1).max(1);
    let entries = state
        .store
        .audit_in_scope(
            Scope::new(unit.id, unit.level),
            Page::new(PER_PAGE + 1, (page_no - 1) * PER_PAGE),
        )
        .await?;
    let has_next = entries.len() as i64 > PER_PAGE;
    let entries: Vec<_> = entries.into_iter().take(PER_PAGE as usize).collect();
    Ok(state.templates.render(
        "audit.html",
        lang,
        Some(&actor),
        context! { unit, entries, page_no, has_next },
    ))
}
