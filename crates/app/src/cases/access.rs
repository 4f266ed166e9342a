//! Who may open a case, decided in one place.
//!
//! Opening a case shows the client's identity and the narrative, so it is
//! allowed only to the case's team — assigned caseworkers and named
//! supervisors who still hold the caseworker role — and to an administrator
//! under a running break-the-glass grant. Everyone else, inside the scope
//! or not, is told the case does not exist (404). Every opening is written
//! to the case's access log and to the audit log.

use jinguo_domain::case::{AccessVia, TeamRole};
use jinguo_domain::{CaseId, Role};
use jinguo_store::model::CaseHead;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now};

/// A case the actor may open, and on what grounds.
#[derive(Debug, Clone)]
pub struct Opened {
    pub head: CaseHead,
    pub via: AccessVia,
}

impl Opened {
    pub fn is_supervisor(&self) -> bool {
        self.via == AccessVia::Supervisor
    }

    /// Team members act on the case; a break-the-glass reader only reads.
    pub fn is_team(&self) -> bool {
        self.via != AccessVia::Glass
    }
}

/// The grounds on which `actor` may open the case, if any. A supervisor
/// who is also a caseworker on the case acts as supervisor.
pub fn grounds(actor: &Actor, head: &CaseHead) -> Option<AccessVia> {
    let on_team = |r: TeamRole| head.roles_of_user.contains(&r);
    if actor.has(Role::Caseworker) && on_team(TeamRole::Supervisor) {
        Some(AccessVia::Supervisor)
    } else if actor.has(Role::Caseworker) && on_team(TeamRole::Caseworker) {
        Some(AccessVia::Caseworker)
    } else if actor.has(Role::Admin) && head.glass_until.is_some() {
        Some(AccessVia::Glass)
    } else {
        None
    }
}

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
    actor.require_any(crate::cases::CASE_ROLES)?;
    let head = state
        .store
        .case_head(actor.scope(), id, actor.user.id, now())
        .await?;
    let via = grounds(actor, &head).ok_or(AppError::NotFound)?;
    state
        .store
        .record_case_access(id, actor.user.id, action, via, now())
        .await?;
    actor
        .audit(
            state,
            ip,
            "case.accessed",
            head.unit.id,
            format!("case={} action={action} via={}", id.get(), via.as_str()),
        )
        .await?;
    Ok(Opened { head, via })
}

/// Like [`open`], for actions only the team may take: 403 without the
/// caseworker role (a break-the-glass reader only reads), 404 for a case
/// the caseworker may not open.
pub async fn open_for_team(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    action: &'static str,
) -> AppResult<Opened> {
    actor.require(Role::Caseworker)?;
    let opened = open(state, actor, ip, id, action).await?;
    if !opened.is_team() {
        return Err(AppError::Forbidden);
    }
    Ok(opened)
}
