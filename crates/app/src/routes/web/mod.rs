//! Server-rendered pages. Errors render as pages in the reader's language;
//! every state-changing form passed the CSRF guard before reaching here.

pub mod activities;
pub mod audit;
pub mod dashboard;
pub mod dictionaries;
pub mod help;
pub mod homes;
pub mod households;
pub mod lang;
pub mod ledger_io;
pub mod login;
pub mod needs;
pub mod task_files;
pub mod tasks;
pub mod units;
pub mod users;

use jinguo_domain::UnitCode;

use crate::error::AppError;

pub async fn not_found() -> AppError {
    AppError::NotFound
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
