//! The 领头雁 training plan (issue 15 items 3 and 4), shared by the API and
//! the pages: parse → store (which writes the enrolment or attendance and
//! the coverage counters in one transaction) → audit. The audit log names
//! classes, enrolments and units, never people.
//!
//! Who is "she" when she scans? Committee members are records, not
//! accounts, and a committee row is replaced at each election. So the
//! link lives on the enrolment: whoever enrols her may name the account
//! of her unit she will scan with (typically the village cadre account of
//! the chair). Scanning records attendance for the enrolment of that class
//! linked to the scanning account; with none she is told she is not
//! enrolled. The class keeper's roll covers everyone else.
//!
//! Capabilities are the existing ones: planning, enrolling and taking
//! attendance are `record_work`; programmes and classes `read_records`;
//! rolls, rosters, the list of untrained chairs and certificates (names)
//! `read_personal`; coverage `read_figures`.

pub mod api;
mod certificate;
pub mod code;
mod coverage_web;
pub mod demo;
mod materials;
mod roll_xlsx;
mod routes;
mod scan;
pub mod web;

/// The module's routes and menu entries.
pub const MODULE: crate::routes::Module = crate::routes::Module {
    routes: routes::routes,
    menu: &[
        crate::routes::MenuItem {
            group: "org",
            nav: "training",
            label: "training.menu",
            href: "/training",
            cap: Some(jinguo_domain::Capability::ReadRecords),
        },
        crate::routes::MenuItem {
            group: "org",
            nav: "training-coverage",
            label: "training.coverage_menu",
            href: "/training-coverage",
            cap: Some(jinguo_domain::Capability::ReadFigures),
        },
    ],
    dictionaries: &[],
    demo: Some(|store| Box::pin(demo::fill(store))),
};

use jinguo_domain::training::{
    AttendedVia, ClassDraft, ClassId, EnrolmentId, ProgrammeDraft, ProgrammeId,
};
use jinguo_domain::{CommitteeMemberId, FieldError, UnitCode, UserId};
use jinguo_store::StoreError;
use jinguo_store::model::Unit;
use jinguo_store::training::{Attended, NewClass, NewEnrolment, NewProgramme};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now, today};

/// The order fields appear on the forms, for error lists.
const FIELD_ORDER: &[&str] = &[
    "unit_code",
    "title",
    "year",
    "audience",
    "target",
    "starts_on",
    "ends_on",
    "mode",
    "place",
    "hours",
    "capacity",
    "teachers",
    "places",
    "class",
    "member",
    "account",
];

fn sorted(mut errors: Vec<FieldError>) -> AppError {
    errors.sort_by_key(|e| {
        FIELD_ORDER
            .iter()
            .position(|f| *f == e.field.as_ref() || e.field.starts_with(&format!("{f}[")))
            .unwrap_or(FIELD_ORDER.len())
    });
    AppError::InvalidFields(errors)
}

/// A unit of the actor's subtree named in a body: outside it reads like
/// one that does not exist.
async fn unit_in_body(
    state: &AppState,
    actor: &Actor,
    field: String,
    code: &str,
    errors: &mut Vec<FieldError>,
) -> AppResult<Option<Unit>> {
    Ok(match UnitCode::parse(code.trim()) {
        Err(_) => {
            errors.push(FieldError::named(field, "err.code.format"));
            None
        }
        Ok(code) => match state.unit_in_scope(actor.scope(), &code).await {
            Ok(u) if u.active => Some(u),
            Ok(_) => {
                errors.push(FieldError::named(field, "err.unit.retired"));
                None
            }
            Err(StoreError::NotFound) => {
                errors.push(FieldError::named(field, "err.unit.unknown"));
                None
            }
            Err(e) => return Err(e.into()),
        },
    })
}

/// Plans a programme at a unit (region, league, banner) of the actor's
/// subtree.
pub async fn create_programme(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    unit_code: &str,
    draft: &ProgrammeDraft,
) -> AppResult<ProgrammeId> {
    let mut errors = Vec::new();
    let unit = unit_in_body(state, actor, "unit_code".into(), unit_code, &mut errors).await?;
    if let Some(u) = &unit
        && !jinguo_domain::training::may_plan(u.level)
    {
        errors.push(FieldError::new("unit_code", "err.training.planner_level"));
    }
    let fields = draft.parse().map_err(|e| errors.extend(e)).ok();
    let (Some(unit), Some(fields)) = (unit, fields) else {
        return Err(sorted(errors));
    };
    if !errors.is_empty() {
        return Err(sorted(errors));
    }
    let id = state
        .store
        .create_programme(
            actor.scope(),
            NewProgramme {
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
            "training.programme_created",
            unit.id,
            format!("programme={} unit={}", id.get(), unit.code),
        )
        .await?;
    Ok(id)
}

/// Adds a class to a programme of the actor's subtree; the places'
/// units must lie below the planner.
pub async fn create_class(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    programme: ProgrammeId,
    draft: &ClassDraft,
) -> AppResult<ClassId> {
    // Not found (or out of scope) comes before any field message.
    let p = state
        .store
        .programme_in_scope(actor.scope(), programme)
        .await?;
    let mut errors = Vec::new();
    let fields = draft
        .parse(p.fields.year)
        .map_err(|e| errors.extend(e))
        .ok();
    let mut places = Vec::new();
    if let Some(f) = &fields {
        for (i, (code, n)) in f.places.iter().enumerate() {
            let field = format!("places[{i}].unit_code");
            if let Some(u) = unit_in_body(state, actor, field.clone(), code, &mut errors).await? {
                let below = u.ancestors[usize::from(p.unit.level.get() - 1)] == Some(p.unit.id)
                    && u.id != p.unit.id;
                if below {
                    places.push((u.id, *n));
                } else {
                    errors.push(FieldError::named(field, "err.training.places_unit"));
                }
            }
        }
    }
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return Err(sorted(errors));
    };
    let id = state
        .store
        .create_class(
            &p,
            NewClass {
                fields,
                places,
                by: Some(actor.user.id),
            },
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "training.class_created",
            p.unit.id,
            format!("programme={} class={}", p.id.get(), id.get()),
        )
        .await?;
    Ok(id)
}

/// Enrols a committee member of the actor's subtree in a class planned on
/// her path.
pub async fn enrol(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    class: ClassId,
    member: CommitteeMemberId,
    account: Option<UserId>,
) -> AppResult<EnrolmentId> {
    let id = state
        .store
        .enrol(
            actor.scope(),
            NewEnrolment {
                class,
                member,
                account,
                by: Some(actor.user.id),
            },
            today(&state.config),
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "training.enrolled",
            actor.unit.id,
            format!("class={} enrolment={}", class.get(), id.get()),
        )
        .await?;
    Ok(id)
}

/// Attendance by the trainee herself, with the code her phone read.
pub async fn scan(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    code: &str,
    class: Option<ClassId>,
) -> AppResult<(ClassId, Attended)> {
    let now = now();
    let class = code::check(code, class, now)
        .map_err(|r| AppError::Invalid(FieldError::new("token", r.key())))?;
    let a = state.store.attend_self(actor.scope(), class, now).await?;
    if !a.already {
        actor
            .audit(
                state,
                ip,
                "training.attended",
                actor.unit.id,
                format!(
                    "class={} enrolment={} via=scan",
                    class.get(),
                    a.enrolment.get()
                ),
            )
            .await?;
    }
    Ok((class, a))
}

/// Attendance taken by the class keeper: the roll's ticks or an uploaded
/// roll, all or nothing.
pub async fn roll(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    class: ClassId,
    enrolments: &[EnrolmentId],
    via: AttendedVia,
) -> AppResult<Vec<Attended>> {
    let c = state.store.class_in_scope(actor.scope(), class).await?;
    let done = state.store.attend_roll(&c, enrolments, via, now()).await?;
    let new: Vec<String> = done
        .iter()
        .filter(|a| !a.already)
        .map(|a| a.enrolment.get().to_string())
        .collect();
    if !new.is_empty() {
        actor
            .audit(
                state,
                ip,
                "training.attended",
                c.planner.id,
                format!(
                    "class={} enrolments={} via={}",
                    class.get(),
                    new.join(","),
                    via.as_str()
                ),
            )
            .await?;
    }
    Ok(done)
}

/// A positive id from a path: anything else is "not found".
pub fn parse_id(s: &str) -> AppResult<i64> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or(AppError::NotFound)
}
