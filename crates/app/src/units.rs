//! Unit actions shared by the API and the web pages.

use jinguo_domain::{FieldError, Level, UnitKind};
use jinguo_store::model::{NewSector, Unit};

use crate::auth::Actor;
use crate::error::AppResult;
use crate::state::AppState;

/// A unit name: 2–60 characters after trimming.
pub fn sector_name(s: &str, field: &'static str) -> AppResult<String> {
    let s = s.trim();
    let n = s.chars().count();
    if (2..=60).contains(&n) && !s.chars().any(char::is_control) {
        Ok(s.to_owned())
    } else {
        Err(FieldError::new(field, "err.unit.name").into())
    }
}

/// Creates a sector organisation under `parent`, which the caller has
/// already found in the actor's scope.
pub async fn create_sector(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    parent: &Unit,
    name: &str,
    name_mn: Option<&str>,
) -> AppResult<Unit> {
    if parent.kind != UnitKind::Geo || parent.level == Level::VILLAGE {
        return Err(FieldError::new("parent", "err.sector.parent").into());
    }
    let name = sector_name(name, "name")?;
    let name_mn = match name_mn.map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) => Some(sector_name(n, "name_mn")?),
        None => None,
    };
    let unit = state
        .store
        .create_sector(
            actor.scope(),
            NewSector {
                parent: parent.id,
                name,
                name_mn,
            },
        )
        .await?;
    // The parent's number of children changed.
    state.units.invalidate();
    actor
        .audit(
            state,
            ip,
            "unit.sector_created",
            unit.id,
            format!("unit={}", unit.code),
        )
        .await?;
    Ok(unit)
}
