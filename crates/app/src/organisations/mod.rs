//! Grassroots women's federations (基层妇联, issue 15 items 1, 2 and 6),
//! shared by the API and the pages: parse → store (which writes the
//! organisation, its committee and the coverage counters in one
//! transaction) → audit. Committee members' names and phones are sealed
//! by the store and shown only to users who may read personal data; the
//! audit log names organisations and units, never people.

pub mod api;
pub mod demo;
mod routes;
pub mod web;

/// The module's routes and menu entries.
pub const MODULE: crate::routes::Module = crate::routes::Module {
    routes: routes::routes,
    menu: &[
        crate::routes::MenuItem {
            group: "org",
            nav: "organisations",
            label: "org.menu",
            href: "/organisations",
            cap: Some(jinguo_domain::Capability::ReadRecords),
        },
        crate::routes::MenuItem {
            group: "org",
            nav: "organisation-coverage",
            label: "org.coverage_menu",
            href: "/organisation-coverage",
            cap: Some(jinguo_domain::Capability::ReadFigures),
        },
    ],
    dictionaries: &[],
    demo: Some(|store| Box::pin(demo::fill(store))),
};

use jinguo_domain::organisation::{ElectionDraft, OrgDraft};
use jinguo_domain::{ElectionId, FieldError, OrganisationId, UnitCode};
use jinguo_store::StoreError;
use jinguo_store::model::Unit;
use jinguo_store::organisations::{NewElection, NewOrganisation};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now, today};

/// The order fields appear on the forms, for error lists; member fields
/// (`members[i].…`) come after these.
const FIELD_ORDER: &[&str] = &[
    "unit_code",
    "name",
    "kind",
    "field",
    "established_on",
    "held_on",
    "term_start",
    "term_years",
    "next_election_due",
    "note",
    "members",
];

fn sorted(mut errors: Vec<FieldError>) -> AppError {
    errors.sort_by_key(|e| {
        FIELD_ORDER
            .iter()
            .position(|f| *f == e.field.as_ref())
            .unwrap_or(FIELD_ORDER.len())
    });
    AppError::InvalidFields(errors)
}

/// The unit an organisation is for: an active unit of the actor's subtree
/// (one outside it reads like one that does not exist).
async fn org_unit(
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

/// Creates a unit's organisation with its first committee; everything is
/// checked together before anything is written.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    unit_code: &str,
    draft: &OrgDraft,
) -> AppResult<OrganisationId> {
    let mut errors = Vec::new();
    let unit = org_unit(state, actor, unit_code, &mut errors).await?;
    let Some(unit) = unit else {
        return Err(sorted(errors));
    };
    if state
        .store
        .organisation_of_unit(actor.scope(), &unit)
        .await?
        .is_some()
    {
        errors.push(FieldError::new("unit_code", "err.org.exists"));
    }
    let parsed = draft
        .parse(unit.level, unit.kind, today(&state.config))
        .map_err(|e| errors.extend(e))
        .ok();
    let Some(v) = parsed.filter(|_| errors.is_empty()) else {
        return Err(sorted(errors));
    };
    let id = state
        .store
        .create_organisation(
            actor.scope(),
            NewOrganisation {
                unit: unit.id,
                fields: v.fields,
                term: v.term,
                committee: v.committee,
                by: Some(actor.user.id),
            },
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "organisation.created",
            unit.id,
            format!("organisation={} unit={}", id.get(), unit.code),
        )
        .await?;
    Ok(id)
}

/// Records an election (换届) of an organisation of the actor's subtree:
/// the new term and committee replace the current ones.
pub async fn elect(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: OrganisationId,
    draft: &ElectionDraft,
) -> AppResult<ElectionId> {
    // Not found (or out of scope) comes before any field message.
    let org = state.store.organisation_in_scope(actor.scope(), id).await?;
    let fields = draft
        .parse(org.term.start(), today(&state.config))
        .map_err(sorted)?;
    let e = state
        .store
        .record_election(
            &org,
            NewElection {
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
            "organisation.election",
            org.unit.id,
            format!(
                "organisation={} election={} unit={}",
                id.get(),
                e.get(),
                org.unit.code
            ),
        )
        .await?;
    Ok(e)
}

/// An organisation id from a path: anything but a positive integer is
/// "no such organisation".
pub fn parse_id(s: &str) -> AppResult<OrganisationId> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(OrganisationId::new)
        .ok_or(AppError::NotFound)
}
