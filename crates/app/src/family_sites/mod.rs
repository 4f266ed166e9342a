//! Family-education services (家庭教育指导服务), shared by the API and the
//! web pages: service sites with their coverage, the guidance sessions
//! held at a site (activities of the ledger, so every roll-up counts
//! them), and the roster of volunteer counsellors (指导师).
//!
//! Each action reads parse → authorize → check the unit → store (counters
//! in the same transaction) → audit. Counsellors' names are personal data:
//! sealed at rest, read only by those who may read personal data, never in
//! the audit detail or the logs.

pub mod api;
mod demo;
pub mod figures;
pub mod list;
mod routes;
pub mod web;

/// The module's routes and its menu entries.
pub const MODULE: crate::routes::Module = crate::routes::Module {
    routes: routes::routes,
    menu: &[
        crate::routes::MenuItem {
            group: "work",
            nav: "family_sites",
            label: "fsite.menu",
            href: "/family-sites",
            cap: Some(jinguo_domain::Capability::ReadRecords),
        },
        crate::routes::MenuItem {
            group: "work",
            nav: "family_figures",
            label: "fsite.figures",
            href: "/family-figures",
            cap: Some(jinguo_domain::Capability::ReadFigures),
        },
        crate::routes::MenuItem {
            group: "work",
            nav: "family_counsellors",
            label: "fsite.counsellors_menu",
            href: "/family-counsellors",
            cap: Some(jinguo_domain::Capability::ReadPersonal),
        },
    ],
    dictionaries: &[jinguo_store::family_sites::audiences::AUDIENCES],
    demo: Some(|store| Box::pin(demo::fill(store))),
};

use jinguo_domain::family_site::{
    CounsellorDraft, CounsellorFields, CounsellorId, FamilySiteId, SESSION_TYPES, SiteDraft,
    SiteFields,
};
use jinguo_domain::{ActivityDraft, ActivityId, FieldError, UnitCode};
use jinguo_store::StoreError;
use jinguo_store::family_sites::{Counsellor, FamilySite, NewCounsellor, NewSite};
use jinguo_store::model::{NewActivity, Unit};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now, today};

/// The order fields appear on the forms, for error lists.
const FIELD_ORDER: &[&str] = &[
    "unit_code",
    "kind",
    "name",
    "qualification",
    "address",
    "status",
    "established_on",
    "sites",
];

fn sorted(mut errors: Vec<FieldError>) -> AppError {
    errors.sort_by_key(|e| FIELD_ORDER.iter().position(|f| *f == e.field.as_ref()));
    AppError::InvalidFields(errors)
}

/// An active unit of the actor's subtree named in a body, or its field
/// error: outside the subtree reads exactly like unknown.
async fn body_unit(
    state: &AppState,
    actor: &Actor,
    unit_code: &str,
    errors: &mut Vec<FieldError>,
) -> AppResult<Option<Unit>> {
    Ok(match UnitCode::parse(unit_code.trim()) {
        Err(_) => {
            errors.push(FieldError::new("unit_code", "err.code.format"));
            None
        }
        Ok(code) => match state.unit_in_scope(actor.scope(), &code).await {
            Ok(u) if u.active => Some(u),
            Ok(_) => {
                errors.push(FieldError::new("unit_code", "err.unit.retired"));
                None
            }
            Err(StoreError::NotFound) => {
                errors.push(FieldError::new("unit_code", "err.unit.unknown"));
                None
            }
            Err(e) => return Err(e.into()),
        },
    })
}

/// Checks every field and the unit together, so a form can mark all
/// problems at once.
pub async fn validate_site(
    state: &AppState,
    actor: &Actor,
    unit_code: &str,
    draft: &SiteDraft,
) -> AppResult<(Unit, SiteFields)> {
    let mut errors = Vec::new();
    let fields = draft
        .validate(today(&state.config))
        .map_err(|e| errors.extend(e))
        .ok();
    let unit = body_unit(state, actor, unit_code, &mut errors).await?;
    match (unit, fields) {
        (Some(u), Some(f)) if errors.is_empty() => Ok((u, f)),
        _ => Err(sorted(errors)),
    }
}

/// Registers a site: everything is checked before anything is written.
pub async fn create_site(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    unit_code: &str,
    draft: &SiteDraft,
) -> AppResult<FamilySiteId> {
    let (unit, fields) = validate_site(state, actor, unit_code, draft).await?;
    let id = state
        .store
        .create_site(
            actor.scope(),
            NewSite {
                unit: unit.id,
                fields,
                by: Some(actor.user.id),
            },
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "fsite.created",
            unit.id,
            format!("site={} unit={}", id.get(), unit.code),
        )
        .await?;
    Ok(id)
}

/// Changes a site, possibly moving it within the actor's subtree; a
/// missing status keeps the current one.
pub async fn update_site(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: FamilySiteId,
    unit_code: &str,
    draft: &SiteDraft,
) -> AppResult<FamilySite> {
    // Not found (or out of scope) comes before any field message.
    let old = state.store.site_in_scope(actor.scope(), id).await?;
    let mut draft = draft.clone();
    if draft.status.as_deref().is_none_or(|s| s.trim().is_empty()) {
        draft.status = Some(old.fields.status.as_str().to_owned());
    }
    let (unit, fields) = validate_site(state, actor, unit_code, &draft).await?;
    let site = state
        .store
        .update_site(&old, unit.id, fields, now())
        .await?;
    actor
        .audit(
            state,
            ip,
            "fsite.updated",
            unit.id,
            format!("site={} unit={}", id.get(), unit.code),
        )
        .await?;
    Ok(site)
}

/// Records a guidance session at a site: an activity of a session type at
/// the site's unit, checked like every activity (dictionaries, dates,
/// numbers), the link and the counters in one transaction.
pub async fn record_session(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: FamilySiteId,
    draft: &ActivityDraft,
) -> AppResult<ActivityId> {
    let site = state.store.site_in_scope(actor.scope(), id).await?;
    let mut draft = draft.clone();
    if draft.type_key.trim().is_empty() {
        draft.type_key = SESSION_TYPES[0].to_owned();
    }
    let not_session = !SESSION_TYPES.contains(&draft.type_key.trim());
    let checked = crate::activities::validate(state, actor, site.unit.code.as_str(), &draft).await;
    let (unit, fields) = match (checked, not_session) {
        (Ok(v), false) => v,
        (Ok(_), true) => {
            return Err(AppError::InvalidFields(vec![FieldError::new(
                "type",
                "err.fsite.session_type",
            )]));
        }
        (Err(AppError::InvalidFields(mut errors)), true) => {
            errors.retain(|e| e.field != "type");
            errors.insert(0, FieldError::new("type", "err.fsite.session_type"));
            return Err(AppError::InvalidFields(errors));
        }
        (Err(e), _) => return Err(e),
    };
    let aid = state
        .store
        .record_session(
            &site,
            NewActivity {
                unit: unit.id,
                fields,
                by: Some(actor.user.id),
            },
            None,
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "fsite.session_recorded",
            unit.id,
            format!("site={} activity={}", id.get(), aid.get()),
        )
        .await?;
    Ok(aid)
}

/// Checks a counsellor's fields and roster unit together.
async fn validate_counsellor(
    state: &AppState,
    actor: &Actor,
    unit_code: Option<&str>,
    draft: &CounsellorDraft,
) -> AppResult<(Option<Unit>, CounsellorFields)> {
    let mut errors = Vec::new();
    let fields = draft.validate().map_err(|e| errors.extend(e)).ok();
    let unit = match unit_code {
        Some(c) => body_unit(state, actor, c, &mut errors).await?,
        None => None,
    };
    match fields {
        Some(f) if errors.is_empty() => Ok((unit, f)),
        _ => Err(sorted(errors)),
    }
}

/// Adds a counsellor to the roster of a unit of the actor's subtree; the
/// sites served must be sites of the subtree. The audit names no one.
pub async fn create_counsellor(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    unit_code: &str,
    draft: &CounsellorDraft,
) -> AppResult<CounsellorId> {
    let (unit, fields) = validate_counsellor(state, actor, Some(unit_code), draft).await?;
    let unit = unit.ok_or_else(|| AppError::Internal(anyhow::anyhow!("unit checked above")))?;
    let id = state
        .store
        .create_counsellor(
            actor.scope(),
            NewCounsellor {
                unit: unit.id,
                fields,
                by: Some(actor.user.id),
            },
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "fsite.counsellor_created",
            unit.id,
            format!("counsellor={} unit={}", id.get(), unit.code),
        )
        .await?;
    Ok(id)
}

/// Changes a counsellor's name, qualification and sites.
pub async fn update_counsellor(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CounsellorId,
    draft: &CounsellorDraft,
) -> AppResult<Counsellor> {
    let old = state.store.counsellor_in_scope(actor.scope(), id).await?;
    let (_, fields) = validate_counsellor(state, actor, None, draft).await?;
    let c = state.store.update_counsellor(&old, fields, now()).await?;
    actor
        .audit(
            state,
            ip,
            "fsite.counsellor_updated",
            c.unit.id,
            format!("counsellor={} unit={}", id.get(), c.unit.code),
        )
        .await?;
    Ok(c)
}

/// An id from a path: anything but a positive integer is "not found".
fn positive(s: &str) -> AppResult<i64> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or(AppError::NotFound)
}

pub fn parse_site_id(s: &str) -> AppResult<FamilySiteId> {
    positive(s).map(FamilySiteId::new)
}

pub fn parse_counsellor_id(s: &str) -> AppResult<CounsellorId> {
    positive(s).map(CounsellorId::new)
}
