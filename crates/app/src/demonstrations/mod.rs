//! Demonstration sites (三级示范, issue 15 item 5), shared by the API and
//! the pages: parse → store (which checks the subtree, the one standing
//! designation per site and level, keeps the counters and writes the audit
//! entry in the same transaction).
//!
//! The region, a league or a banner designates a grassroots federation or
//! a Women's Home of its subtree for a period with a score sheet (items and
//! weights totalling 100); each year it scores every item from 0 to the
//! item's weight (the total is the sum, out of 100); it may revoke a
//! designation with a reason, after which it is no longer evaluated.

pub mod api;
mod demo;
pub mod list;
mod routes;
pub mod web;

/// The module's routes, menu entry and demo.
pub const MODULE: crate::routes::Module = crate::routes::Module {
    routes: routes::routes,
    menu: &[crate::routes::MenuItem {
        group: "org",
        nav: "demonstrations",
        label: "demo.menu",
        href: "/demonstrations",
        cap: Some(jinguo_domain::Capability::ReadRecords),
    }],
    dictionaries: &[],
    demo: Some(|store| Box::pin(demo::fill(store))),
};

use jinguo_domain::demonstration::{
    self as rules, DemonstrationId, DesignationDraft, EvaluationDraft, EvaluationId, Refusal,
    SiteKind, Standing,
};
use jinguo_domain::{FieldError, UnitCode};
use jinguo_store::StoreError;
use jinguo_store::demonstrations::{DemoWho, NewDemonstration, SiteRef};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now, today};

/// Who writes, for the audit entry the store writes with the change.
pub fn who(actor: &Actor, ip: Option<String>) -> DemoWho {
    DemoWho {
        user: Some((actor.user.id, actor.user.username.as_str().to_owned())),
        ip,
    }
}

/// A designation id from a path: anything but a positive integer is "no
/// such designation".
pub fn parse_id(s: &str) -> AppResult<DemonstrationId> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(DemonstrationId::new)
        .ok_or(AppError::NotFound)
}

/// A designation as typed: the designating unit, the site and the fields.
#[derive(Debug, Clone, Default)]
pub struct DesignationInput {
    pub unit_code: String,
    pub site_kind: String,
    pub site_id: Option<i64>,
    pub draft: DesignationDraft,
}

/// The order fields appear on the form, for error lists.
const FIELD_ORDER: &[&str] = &[
    "unit_code",
    "site_kind",
    "site_id",
    "period_from",
    "period_to",
    "reason",
    "items",
];

fn position(field: &str) -> usize {
    FIELD_ORDER
        .iter()
        .position(|f| field == *f || field.starts_with(&format!("{f}[")))
        .unwrap_or(FIELD_ORDER.len())
}

/// Designates a site: every field is checked first (all problems at once);
/// a designating unit outside the actor's subtree reads like an unknown one;
/// a site outside the designating unit's subtree is missing (404).
pub async fn create(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    input: &DesignationInput,
) -> AppResult<DemonstrationId> {
    let mut errors = Vec::new();
    let unit = match UnitCode::parse(input.unit_code.trim()) {
        Err(_) => {
            errors.push(FieldError::new("unit_code", "err.code.format"));
            None
        }
        Ok(code) => match state.unit_in_scope(actor.scope(), &code).await {
            Ok(u) if !u.active => {
                errors.push(FieldError::new("unit_code", "err.unit.retired"));
                None
            }
            Ok(u) if !rules::may_designate(u.level) => {
                errors.push(FieldError::new("unit_code", Refusal::LevelTooLow.key()));
                None
            }
            Ok(u) => Some(u),
            Err(StoreError::NotFound) => {
                errors.push(FieldError::new("unit_code", "err.unit.unknown"));
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let kind = SiteKind::parse(&input.site_kind);
    if kind.is_none() {
        errors.push(FieldError::new("site_kind", "err.demo.site_kind"));
    }
    let site_id = input.site_id.filter(|&n| n > 0);
    if site_id.is_none() {
        errors.push(FieldError::new("site_id", "err.demo.site_missing"));
    }
    let fields = input.draft.validate().map_err(|e| errors.extend(e)).ok();
    let (Some(unit), Some(kind), Some(site_id), Some(fields)) = (unit, kind, site_id, fields)
    else {
        errors.sort_by_key(|e| position(&e.field));
        return Err(AppError::InvalidFields(errors));
    };
    let id = state
        .store
        .create_demonstration(
            actor.scope(),
            NewDemonstration {
                designator: unit.id,
                site: SiteRef { kind, id: site_id },
                fields,
            },
            &who(actor, ip),
            now(),
        )
        .await?;
    Ok(id)
}

/// Records a year's evaluation of a designation of the actor's subtree.
pub async fn evaluate(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: DemonstrationId,
    draft: &EvaluationDraft,
) -> AppResult<(EvaluationId, i64)> {
    let d = state
        .store
        .demonstration_in_scope(actor.scope(), id)
        .await?;
    if d.standing == Standing::Revoked {
        return Err(refused(Refusal::Revoked));
    }
    let fields = draft
        .validate(&d.items, d.from, d.to, today(&state.config))
        .map_err(AppError::InvalidFields)?;
    let id = state
        .store
        .evaluate_demonstration(&d, &fields, today(&state.config), &who(actor, ip), now())
        .await?;
    Ok((id, fields.total))
}

/// Revokes a designation of the actor's subtree with a reason.
pub async fn revoke(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: DemonstrationId,
    reason: &str,
) -> AppResult<()> {
    let d = state
        .store
        .demonstration_in_scope(actor.scope(), id)
        .await?;
    let reason =
        rules::parse_revoke_reason(reason).map_err(|e| AppError::InvalidFields(vec![e]))?;
    state
        .store
        .revoke_demonstration(&d, &reason, &who(actor, ip), now())
        .await?;
    Ok(())
}

fn refused(r: Refusal) -> AppError {
    AppError::Invalid(FieldError::new(r.field(), r.key()))
}
