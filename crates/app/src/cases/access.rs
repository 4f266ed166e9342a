//! Who may open a case, decided in one place.
//!
//! Opening a case shows the client's identity and the narrative, so it is
//! allowed only to the case's team — assigned caseworkers and named
//! supervisors who still hold the caseworker role — and to an administrator
//! under a running break-the-glass grant. Everyone else, inside the scope
//! or not, is told the case does not exist (404). The rule itself is
//! [`jinguo_domain::case::access_grounds`]; the store applies it and writes
//! the case's access log in [`jinguo_store::CaseStore::open_case`], which
//! alone makes the [`Opened`] proof every later step takes. This module
//! adds the audit line.

use jinguo_domain::CaseId;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now};

/// A case the actor may open, and on what grounds.
pub type Opened = jinguo_store::OpenedCase;

/// Opens case `id` for `action` (`view`, `assess`, `refer` …): 404 unless
/// the actor may, and otherwise writes the access entry and the audit line
/// (the case id and the action only).
pub async fn open(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    action: &'static str,
) -> AppResult<Opened> {
    let head = state.store.case_head(actor.scope(), id, now()).await?;
    let opened = state.store.open_case(head, action, now()).await?;
    actor
        .audit(
            state,
            ip,
            "case.accessed",
            opened.head().unit.id,
            format!(
                "case={} action={action} via={}",
                id.get(),
                opened.via().as_str()
            ),
        )
        .await?;
    Ok(opened)
}

/// Like [`open`], for actions only the team may take: a break-the-glass
/// reader only reads (403).
pub async fn open_for_team(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    action: &'static str,
) -> AppResult<Opened> {
    let opened = open(state, actor, ip, id, action).await?;
    if !opened.is_team() {
        return Err(AppError::Forbidden);
    }
    Ok(opened)
}
