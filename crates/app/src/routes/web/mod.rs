//! Server-rendered pages. Errors render as pages in the reader's language;
//! every state-changing form passed the CSRF guard before reaching here.

pub mod account;
pub mod activities;
pub mod audit;
pub mod case_flow;
pub mod case_stats;
pub mod cases;
pub mod dashboard;
pub mod dictionaries;
pub mod help;
pub mod households;
pub mod lang;
pub mod ledger_io;
pub mod login;
pub mod needs;
pub mod people_io;
pub mod task_files;
pub mod tasks;
pub mod units;
pub mod user_edit;
pub mod users;

use jinguo_domain::UnitCode;

use crate::error::AppError;

pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// A form body as its name–value pairs, in order: forms with repeated
/// names (member rows, report-form fields) that a struct cannot take.
pub type Pairs = Vec<(String, String)>;

/// The first value posted under `name`, empty when none.
pub fn first(pairs: &Pairs, name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Every value posted under `name`, in order.
pub fn all(pairs: &Pairs, name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The unit a page's `?unit=` names (in the actor's subtree), else her own.
pub async fn unit_of(
    state: &crate::state::AppState,
    actor: &crate::auth::Actor,
    code: Option<&str>,
) -> Result<jinguo_store::model::Unit, AppError> {
    let code = code.filter(|s| !s.is_empty()).map(page_code).transpose()?;
    actor.unit_or_own(state, code.as_ref()).await
}

/// A unit code in a page URL: malformed is simply "no such page".
pub fn page_code(s: &str) -> Result<UnitCode, AppError> {
    UnitCode::parse(s).map_err(|_| AppError::NotFound)
}

/// Only same-site paths, so a crafted link cannot send a user elsewhere.
pub fn local_path(p: Option<&str>) -> &str {
    match p {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/",
    }
}
