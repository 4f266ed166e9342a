//! Training pages: a unit's programmes and the classes open to it, a
//! programme with its classes, the forms to plan a programme and add a
//! class, a class with its attendance code and roll, and the enrolment
//! page of a unit.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use jinguo_domain::training::{
    AttendedVia, Audience, ClassDraft, ClassId, ClassMode, EnrolmentId, PlacesDraft,
    ProgrammeDraft, ProgrammeId,
};
use jinguo_domain::{Capability, CommitteeMemberId, FieldError, UserId};
use jinguo_store::model::{Page, Unit};
use jinguo_store::training::{Class, Programme};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::routes::web::{Pairs, all, first, unit_of};
use crate::state::{AppState, today};
use crate::training::api::day;
use crate::training::{self, parse_id};

pub(super) fn error_map(errors: &[FieldError]) -> BTreeMap<&str, &str> {
    errors.iter().map(|e| (e.field.as_ref(), e.key)).collect()
}

#[derive(Serialize)]
pub(super) struct ProgrammeRow<'a> {
    id: i64,
    title: &'a str,
    title_mn: Option<&'a str>,
    year: i32,
    audience: &'static str,
    target: i64,
    hours: i64,
    classes: i64,
    unit_name: &'a str,
    unit_code: &'a str,
}

pub(super) fn programme_row(p: &Programme) -> ProgrammeRow<'_> {
    ProgrammeRow {
        id: p.id.get(),
        title: &p.fields.title,
        title_mn: p.fields.title_mn.as_deref(),
        year: p.fields.year,
        audience: p.fields.audience.as_str(),
        target: p.fields.target,
        hours: p.fields.hours,
        classes: p.classes,
        unit_name: &p.unit.name,
        unit_code: p.unit.code.as_str(),
    }
}

#[derive(Serialize)]
pub(super) struct ClassRow<'a> {
    id: i64,
    programme: i64,
    programme_title: &'a str,
    planner: &'a str,
    title: &'a str,
    starts_on: String,
    ends_on: String,
    mode: &'static str,
    place: Option<&'a str>,
    hours: i64,
    capacity: i64,
    teachers: Option<&'a str>,
    enrolled: i64,
    attended: i64,
    places: Vec<minijinja::Value>,
}

pub(super) fn class_row(c: &Class) -> ClassRow<'_> {
    ClassRow {
        id: c.id.get(),
        programme: c.programme.get(),
        programme_title: &c.programme_title,
        planner: &c.planner.name,
        title: &c.title,
        starts_on: day(c.starts_on),
        ends_on: day(c.ends_on),
        mode: c.mode.as_str(),
        place: c.place.as_deref(),
        hours: c.hours,
        capacity: c.capacity,
        teachers: c.teachers.as_deref(),
        enrolled: c.enrolled,
        attended: c.attended,
        places: c
            .places
            .iter()
            .map(|p| context! { unit => p.unit.name, places => p.places, used => p.used })
            .collect(),
    }
}

#[derive(Deserialize)]
pub struct UnitQuery {
    unit: Option<String>,
    done: Option<String>,
}

/// `GET /training?unit=`: the programmes planned in the unit's subtree
/// and the classes open to the unit.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<UnitQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let programmes = state
        .store
        .programmes_under(actor.scope(), &unit, Page::new(100, 0))
        .await?;
    let open = state
        .store
        .classes_open_to(actor.scope(), &unit, today(&state.config))
        .await?;
    Ok(state.templates.render(
        "training/list.html",
        lang,
        Some(&actor),
        context! {
            unit,
            programmes => programmes.iter().map(programme_row).collect::<Vec<_>>(),
            open => open.iter().map(|o| context! {
                class => class_row(&o.class),
                places => o.places.as_ref().map(|p| context! { unit => p.unit.name, places => p.places, used => p.used }),
            }).collect::<Vec<_>>(),
            may_plan => jinguo_domain::training::may_plan(unit.level),
            can_record => actor.can(Capability::RecordWork),
            can_personal => actor.can(Capability::ReadPersonal),
            can_figures => actor.can(Capability::ReadFigures),
        },
    ))
}

/// The programme form as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct ProgrammeForm {
    unit_code: String,
    title: String,
    title_mn: String,
    year: String,
    audience: String,
    target: String,
    hours: String,
}

fn number(s: &str) -> Option<i64> {
    match s.trim() {
        "" => None,
        // Not a number is out of range, which the rule reports.
        s => Some(s.parse().unwrap_or(-1)),
    }
}

fn optional(s: &str) -> Option<String> {
    Some(s.to_owned()).filter(|s| !s.trim().is_empty())
}

async fn programme_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &ProgrammeForm,
    errors: &[FieldError],
) -> WebResult {
    let mut resp = state.templates.render(
        "training/programme_form.html",
        lang,
        Some(actor),
        context! {
            form, errors => error_map(errors),
            audiences => Audience::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /training/programmes/new?unit=`.
pub async fn programme_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<UnitQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let form = ProgrammeForm {
        unit_code: unit.code.to_string(),
        year: today(&state.config).year().to_string(),
        audience: Audience::VillageChairs.as_str().into(),
        ..Default::default()
    };
    programme_page(&state, &actor, lang, &form, &[]).await
}

/// `POST /training/programmes`.
pub async fn create_programme(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    axum::Form(p): axum::Form<Pairs>,
) -> WebResult {
    let form = ProgrammeForm {
        unit_code: first(&p, "unit_code"),
        title: first(&p, "title"),
        title_mn: first(&p, "title_mn"),
        year: first(&p, "year"),
        audience: first(&p, "audience"),
        target: first(&p, "target"),
        hours: first(&p, "hours"),
    };
    let draft = ProgrammeDraft {
        title: form.title.clone(),
        title_mn: Some(form.title_mn.clone()),
        year: number(&form.year),
        audience: form.audience.clone(),
        target: number(&form.target),
        hours: number(&form.hours),
    };
    match training::create_programme(&state, &actor, ip, &form.unit_code, &draft).await {
        Ok(id) => Ok(Redirect::to(&format!("/training/programmes/{}", id.get())).into_response()),
        Err(AppError::InvalidFields(errors)) => {
            programme_page(&state, &actor, lang, &form, &errors).await
        }
        Err(AppError::Invalid(e)) => programme_page(&state, &actor, lang, &form, &[e]).await,
        Err(e) => Err(e),
    }
}

/// `GET /training/programmes/{id}`.
pub async fn programme(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let p = state
        .store
        .programme_in_scope(actor.scope(), ProgrammeId::new(parse_id(&id)?))
        .await?;
    let classes = state.store.classes_of(&p).await?;
    Ok(state.templates.render(
        "training/programme.html",
        lang,
        Some(&actor),
        context! {
            programme => programme_row(&p),
            classes => classes.iter().map(class_row).collect::<Vec<_>>(),
            can_record => actor.can(Capability::RecordWork),
        },
    ))
}

/// The class form as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct ClassForm {
    title: String,
    starts_on: String,
    ends_on: String,
    mode: String,
    place: String,
    hours: String,
    capacity: String,
    teachers: String,
    places: Vec<(String, String)>,
}

/// Allocation rows a form offers without JavaScript.
const PLACE_ROWS: usize = 4;

async fn class_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    p: &Programme,
    form: &ClassForm,
    errors: &[FieldError],
) -> WebResult {
    let mut rows = form.places.clone();
    while rows.len() < PLACE_ROWS {
        rows.push(Default::default());
    }
    let planner = state.store.unit_by_id(p.unit.id).await?;
    let mut resp = state.templates.render(
        "training/class_form.html",
        lang,
        Some(actor),
        context! {
            form, rows, errors => error_map(errors),
            programme => programme_row(p),
            modes => ClassMode::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            unit_choices => crate::units::picker_under(state, actor, &planner, "").await?,
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /training/programmes/{id}/classes/new`.
pub async fn class_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let p = state
        .store
        .programme_in_scope(actor.scope(), ProgrammeId::new(parse_id(&id)?))
        .await?;
    let form = ClassForm {
        mode: ClassMode::Venue.as_str().into(),
        ..Default::default()
    };
    class_page(&state, &actor, lang, &p, &form, &[]).await
}

/// `POST /training/programmes/{id}/classes`.
pub async fn create_class(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(p): axum::Form<Pairs>,
) -> WebResult {
    let programme = ProgrammeId::new(parse_id(&id)?);
    let codes = all(&p, "p_unit");
    let counts = all(&p, "p_places");
    let places: Vec<(String, String)> = codes
        .into_iter()
        .zip(counts)
        .filter(|(c, n)| !c.trim().is_empty() || !n.trim().is_empty())
        .collect();
    let form = ClassForm {
        title: first(&p, "title"),
        starts_on: first(&p, "starts_on"),
        ends_on: first(&p, "ends_on"),
        mode: first(&p, "mode"),
        place: first(&p, "place"),
        hours: first(&p, "hours"),
        capacity: first(&p, "capacity"),
        teachers: first(&p, "teachers"),
        places,
    };
    let draft = ClassDraft {
        title: form.title.clone(),
        starts_on: form.starts_on.clone(),
        ends_on: form.ends_on.clone(),
        mode: form.mode.clone(),
        place: optional(&form.place),
        hours: number(&form.hours),
        capacity: number(&form.capacity),
        teachers: optional(&form.teachers),
        places: form
            .places
            .iter()
            .map(|(c, n)| PlacesDraft {
                unit_code: c.clone(),
                places: number(n),
            })
            .collect(),
    };
    match training::create_class(&state, &actor, ip, programme, &draft).await {
        Ok(id) => Ok(Redirect::to(&format!("/training/classes/{}", id.get())).into_response()),
        Err(AppError::InvalidFields(errors)) => {
            let pr = state
                .store
                .programme_in_scope(actor.scope(), programme)
                .await?;
            class_page(&state, &actor, lang, &pr, &form, &errors).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ClassQuery {
    done: Option<String>,
    error: Option<String>,
}

/// `GET /training/classes/{id}`: the class, its attendance code (for the
/// keeper) and its roll (names: for those who may read personal data).
pub async fn class(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ClassQuery>,
) -> WebResult {
    let c = state
        .store
        .class_in_scope(actor.scope(), ClassId::new(parse_id(&id)?))
        .await?;
    let roll = if actor.can(Capability::ReadPersonal) {
        Some(state.store.enrolments_of(&c).await?)
    } else {
        None
    };
    let code = actor
        .can(Capability::RecordWork)
        .then(|| super::scan::code_context(&state, &headers, lang, c.id));
    let materials = state.store.materials(&c).await?;
    let done = q
        .done
        .filter(|d| ["roll", "upload", "materials"].contains(&d.as_str()));
    let error = q
        .error
        .filter(|e| e.starts_with("err.training.") || e.starts_with("err.attachment."));
    Ok(state.templates.render(
        "training/class.html",
        lang,
        Some(&actor),
        context! {
            class => class_row(&c), code, done, error,
            materials => materials.iter().map(|m| context! {
                id => m.id.get(), name => m.name, size => m.byte_size,
            }).collect::<Vec<_>>(),
            roll => roll.map(|r| r.iter().map(|e| context! {
                id => e.id.get(), name => e.name, role => e.role.as_str(),
                unit => e.unit.name, account => e.account,
                attended => e.attended_at.is_some(),
                via => e.attended_via.map(AttendedVia::as_str),
                programme_hours => e.programme_hours, completed => e.completed,
            }).collect::<Vec<_>>()),
            programme_hours => c.programme_hours,
            can_record => actor.can(Capability::RecordWork),
        },
    ))
}

/// `POST /training/classes/{id}/attendance`: the roll's ticks.
pub async fn roll(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(p): axum::Form<Pairs>,
) -> WebResult {
    let class = ClassId::new(parse_id(&id)?);
    let ids: Vec<EnrolmentId> = all(&p, "enrolment")
        .iter()
        .filter_map(|s| s.parse::<i64>().ok())
        .map(EnrolmentId::new)
        .collect();
    let back = match training::roll(&state, &actor, ip, class, &ids, AttendedVia::Roll).await {
        Ok(_) => format!("/training/classes/{}?done=roll", class.get()),
        Err(AppError::Invalid(e)) => format!("/training/classes/{}?error={}", class.get(), e.key),
        Err(e) => return Err(e),
    };
    Ok(Redirect::to(&back).into_response())
}

/// The enrolment form as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct EnrolForm {
    class: String,
    member: String,
    account: String,
}

async fn enrol_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    unit: &Unit,
    form: &EnrolForm,
    errors: &[FieldError],
    done: bool,
) -> WebResult {
    let open = state
        .store
        .classes_open_to(actor.scope(), unit, today(&state.config))
        .await?;
    let roster = state
        .store
        .roster(actor.scope(), unit, Page::new(500, 0))
        .await?;
    let accounts = state
        .store
        .users_under(actor.scope(), unit.id, Page::new(500, 0))
        .await?;
    let enrolments = state
        .store
        .enrolments_under(actor.scope(), unit, Page::new(100, 0))
        .await?;
    let mut resp = state.templates.render(
        "training/enrol.html",
        lang,
        Some(actor),
        context! {
            unit, form, done, errors => error_map(errors),
            classes => open.iter().map(|o| context! {
                id => o.class.id.get(), title => o.class.title,
                programme => o.class.programme_title, starts_on => day(o.class.starts_on),
                places => o.places.as_ref().map(|p| p.places - p.used),
                capacity_left => o.class.capacity - o.class.enrolled,
            }).collect::<Vec<_>>(),
            roster => roster.iter().map(|m| context! {
                id => m.id.get(), name => m.name, role => m.role.as_str(), unit => m.unit.name,
            }).collect::<Vec<_>>(),
            accounts => accounts.iter().filter(|a| a.active).map(|a| context! {
                id => a.id.get(), username => a.username, unit => a.unit.name,
                name => a.display_name,
            }).collect::<Vec<_>>(),
            enrolments => enrolments.iter().map(|e| context! {
                id => e.id.get(), name => e.name, unit => e.unit.name, class => e.class_title,
                attended => e.attended_at.is_some(), completed => e.completed,
                account => e.account,
            }).collect::<Vec<_>>(),
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /training/enrol?unit=`: the classes open to the unit, its
/// committees' members, and its enrolments.
pub async fn enrol_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<UnitQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let done = q.done.as_deref() == Some("1");
    enrol_page(
        &state,
        &actor,
        lang,
        &unit,
        &EnrolForm::default(),
        &[],
        done,
    )
    .await
}

fn id_field(s: &str) -> i64 {
    s.trim().parse::<i64>().unwrap_or(0)
}

/// `POST /training/enrolments`.
pub async fn enrol(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    axum::Form(p): axum::Form<Pairs>,
) -> WebResult {
    let unit = unit_of(&state, &actor, Some(&first(&p, "unit"))).await?;
    let form = EnrolForm {
        class: first(&p, "class"),
        member: first(&p, "member"),
        account: first(&p, "account"),
    };
    let account = Some(id_field(&form.account))
        .filter(|n| *n > 0)
        .map(UserId::new);
    let r = training::enrol(
        &state,
        &actor,
        ip,
        ClassId::new(id_field(&form.class)),
        CommitteeMemberId::new(id_field(&form.member)),
        account,
    )
    .await;
    match r {
        Ok(_) => {
            Ok(Redirect::to(&format!("/training/enrol?unit={}&done=1", unit.code)).into_response())
        }
        Err(AppError::Invalid(e)) => {
            enrol_page(&state, &actor, lang, &unit, &form, &[e], false).await
        }
        Err(e) => Err(e),
    }
}
