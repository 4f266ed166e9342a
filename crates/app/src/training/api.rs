//! The training plan over the API: programmes and their classes, the
//! classes open to a unit, enrolments, attendance (the trainee's scan and
//! the keeper's roll), the current attendance code, and coverage.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use jinguo_domain::training::{
    AttendedVia, Audience, ClassDraft, ClassId, ClassMode, EnrolmentId, PlacesDraft,
    ProgrammeDraft, ProgrammeId,
};
use jinguo_domain::{CommitteeMemberId, UnitCode, UserId};
use jinguo_store::model::Page;
use jinguo_store::training::{Class, Enrolment, Programme, TrainingCounts};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiActor;
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::routes::api::openapi::{BadRequest, Internal, Invalid, NotFound};
use crate::routes::api::units::{UnitCodePath, UnitPathStep};
use crate::routes::api::{ApiJson, ApiQuery, parse_code, unit_of};
use crate::state::{AppState, now, today};
use crate::training::{self, parse_id};

pub(crate) fn day(d: time::Date) -> String {
    jinguo_store::organisations::day_text(d)
}

/// A programme of the 领头雁 training plan.
#[derive(Serialize, ToSchema)]
pub struct TrainingProgramme {
    id: ProgrammeId,
    /// The planning unit (region, league or banner).
    unit: UnitPathStep,
    title: String,
    /// The title in traditional Mongolian, printed in the Mongolian column of the certificate;
    /// null when none was given.
    title_mn: Option<String>,
    year: i32,
    audience: Audience,
    /// How many people the programme means to train.
    target: i64,
    /// Attended class hours that complete the programme.
    hours: i64,
    classes: i64,
    /// Unix seconds.
    created_at: i64,
}

impl From<&Programme> for TrainingProgramme {
    fn from(p: &Programme) -> Self {
        TrainingProgramme {
            id: p.id,
            unit: UnitPathStep::from(&p.unit),
            title: p.fields.title.clone(),
            title_mn: p.fields.title_mn.clone(),
            year: p.fields.year,
            audience: p.fields.audience,
            target: p.fields.target,
            hours: p.fields.hours,
            classes: p.classes,
            created_at: p.created_at,
        }
    }
}

/// Places of a class allocated to a unit below the planner.
#[derive(Serialize, ToSchema)]
pub struct TrainingPlaces {
    unit: UnitPathStep,
    places: i64,
    /// Places taken by enrolments.
    used: i64,
}

/// A class of a programme.
#[derive(Serialize, ToSchema)]
pub struct TrainingClass {
    id: ClassId,
    programme: ProgrammeId,
    programme_title: String,
    year: i32,
    planner: UnitPathStep,
    title: String,
    /// `YYYY-MM-DD`.
    starts_on: String,
    /// `YYYY-MM-DD`, not before `starts_on`.
    ends_on: String,
    mode: ClassMode,
    place: Option<String>,
    hours: i64,
    capacity: i64,
    teachers: Option<String>,
    enrolled: i64,
    attended: i64,
    places: Vec<TrainingPlaces>,
}

impl From<&Class> for TrainingClass {
    fn from(c: &Class) -> Self {
        TrainingClass {
            id: c.id,
            programme: c.programme,
            programme_title: c.programme_title.clone(),
            year: c.year,
            planner: UnitPathStep::from(&c.planner),
            title: c.title.clone(),
            starts_on: day(c.starts_on),
            ends_on: day(c.ends_on),
            mode: c.mode,
            place: c.place.clone(),
            hours: c.hours,
            capacity: c.capacity,
            teachers: c.teachers.clone(),
            enrolled: c.enrolled,
            attended: c.attended,
            places: c
                .places
                .iter()
                .map(|p| TrainingPlaces {
                    unit: UnitPathStep::from(&p.unit),
                    places: p.places,
                    used: p.used,
                })
                .collect(),
        }
    }
}

/// A programme to plan. All violations are reported together (`422` with `fields`).
#[derive(Deserialize, ToSchema)]
pub struct TrainingProgrammeInput {
    /// The planning unit: the region, a league or a banner of the caller's subtree (a township
    /// or village answers `422`; a unit outside the subtree answers like an unknown one).
    #[schema(value_type = UnitCode)]
    unit_code: String,
    #[schema(max_length = 100)]
    title: String,
    /// The title in traditional Mongolian (optional, at most 100 characters), printed in the
    /// Mongolian column of the certificate (the Chinese title stands there when absent). A text
    /// without Mongolian letters (U+1800–U+18AF) answers `422` with field `title_mn`
    /// (`err.text.mongolian`).
    #[serde(default)]
    #[schema(max_length = 100)]
    title_mn: Option<String>,
    #[schema(minimum = 2000, maximum = 2100)]
    year: Option<i64>,
    #[schema(value_type = Audience)]
    audience: String,
    #[schema(minimum = 1, maximum = 100000)]
    target: Option<i64>,
    /// Attended class hours that complete the programme, 1–500.
    #[schema(minimum = 1, maximum = 500)]
    hours: Option<i64>,
}

/// The id of what was just recorded.
#[derive(Serialize, ToSchema)]
pub struct TrainingCreated {
    id: i64,
}

/// `POST /api/v1/training/programmes`.
#[utoipa::path(
    post,
    path = "/api/v1/training/programmes",
    operation_id = "createTrainingProgramme",
    tag = "training",
    summary = "Plan a training programme",
    description = "Plans a programme of the 领头雁 training plan for a year at a region, league or \
                   banner of the caller's subtree. Audited (`training.programme_created`).",
    request_body = TrainingProgrammeInput,
    responses(
        (status = 201, description = "Planned.", body = TrainingCreated),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create_programme(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<TrainingProgrammeInput>,
) -> AppResult<(StatusCode, Json<TrainingCreated>)> {
    let draft = ProgrammeDraft {
        title: b.title,
        title_mn: b.title_mn,
        year: b.year,
        audience: b.audience,
        target: b.target,
        hours: b.hours,
    };
    let id = training::create_programme(&state, &actor, ip, &b.unit_code, &draft).await?;
    Ok((StatusCode::CREATED, Json(TrainingCreated { id: id.get() })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainingListQuery {
    /// Code of the unit whose subtree to list; defaults to the caller's unit. A malformed code
    /// answers `400`, a unit outside the subtree `404`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// Programmes planned in a subtree.
#[derive(Serialize, ToSchema)]
pub struct TrainingProgrammeList {
    unit: UnitPathStep,
    limit: i64,
    offset: i64,
    programmes: Vec<TrainingProgramme>,
}

/// `GET /api/v1/training/programmes?unit=`.
#[utoipa::path(
    get,
    path = "/api/v1/training/programmes",
    operation_id = "listTrainingProgrammes",
    tag = "training",
    summary = "Training programmes of a subtree",
    description = "Programmes planned in a unit's subtree (the caller's unit when `unit` is \
                   absent), newest year first, paged.",
    params(TrainingListQuery),
    responses(
        (status = 200, description = "The programmes.", body = TrainingProgrammeList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn list_programmes(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<TrainingListQuery>,
) -> AppResult<Json<TrainingProgrammeList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .programmes_under(actor.scope(), &unit, page)
        .await?;
    Ok(Json(TrainingProgrammeList {
        unit: UnitPathStep::of(&unit),
        limit: page.limit,
        offset: page.offset,
        programmes: rows.iter().map(TrainingProgramme::from).collect(),
    }))
}

/// The `{id}` of a path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TrainingIdPath {
    /// Anything but a positive integer answers `404`, like an unknown record or one outside the
    /// caller's subtree.
    #[param(minimum = 1)]
    pub id: i64,
}

/// A programme with its classes.
#[derive(Serialize, ToSchema)]
pub struct TrainingProgrammeDetail {
    #[serde(flatten)]
    programme: TrainingProgramme,
    class_list: Vec<TrainingClass>,
}

/// `GET /api/v1/training/programmes/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/training/programmes/{id}",
    operation_id = "getTrainingProgramme",
    tag = "training",
    summary = "One training programme with its classes",
    description = "A programme planned in the caller's subtree (otherwise `404`).",
    params(TrainingIdPath),
    responses(
        (status = 200, description = "The programme.", body = TrainingProgrammeDetail),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show_programme(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<TrainingProgrammeDetail>> {
    let p = state
        .store
        .programme_in_scope(actor.scope(), ProgrammeId::new(parse_id(&id)?))
        .await?;
    let classes = state.store.classes_of(&p).await?;
    Ok(Json(TrainingProgrammeDetail {
        programme: TrainingProgramme::from(&*p),
        class_list: classes.iter().map(TrainingClass::from).collect(),
    }))
}

/// A class to add. All violations are reported together (`422`; places as
/// `places[i].unit_code` …).
#[derive(Deserialize, ToSchema)]
pub struct TrainingClassInput {
    #[schema(max_length = 100)]
    title: String,
    /// `YYYY-MM-DD`, in the programme's year.
    starts_on: String,
    /// `YYYY-MM-DD`; before `starts_on` answers `422` with field `ends_on`.
    ends_on: String,
    #[schema(value_type = ClassMode)]
    mode: String,
    /// The venue; required for `venue`.
    #[schema(max_length = 100)]
    place: Option<String>,
    #[schema(minimum = 1, maximum = 200)]
    hours: Option<i64>,
    #[schema(minimum = 1, maximum = 2000)]
    capacity: Option<i64>,
    #[schema(max_length = 200)]
    teachers: Option<String>,
    /// Places allocated to units below the planner; their sum may not exceed the capacity.
    /// Without any, units below enrol within the capacity alone.
    #[serde(default)]
    places: Vec<PlacesDraft>,
}

/// `POST /api/v1/training/programmes/{id}/classes`.
#[utoipa::path(
    post,
    path = "/api/v1/training/programmes/{id}/classes",
    operation_id = "createTrainingClass",
    tag = "training",
    summary = "Add a class to a programme",
    description = "Adds a class to a programme planned in the caller's subtree (otherwise `404`, \
                   checked before the fields). Audited (`training.class_created`).",
    params(TrainingIdPath),
    request_body = TrainingClassInput,
    responses(
        (status = 201, description = "Added.", body = TrainingCreated),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create_class(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TrainingClassInput>,
) -> AppResult<(StatusCode, Json<TrainingCreated>)> {
    let programme = ProgrammeId::new(parse_id(&id)?);
    let draft = ClassDraft {
        title: b.title,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        mode: b.mode,
        place: b.place,
        hours: b.hours,
        capacity: b.capacity,
        teachers: b.teachers,
        places: b.places,
    };
    let id = training::create_class(&state, &actor, ip, programme, &draft).await?;
    Ok((StatusCode::CREATED, Json(TrainingCreated { id: id.get() })))
}

/// `GET /api/v1/training/classes/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/training/classes/{id}",
    operation_id = "getTrainingClass",
    tag = "training",
    summary = "One class",
    description = "A class of a programme planned in the caller's subtree (otherwise `404`), \
                   with its places; no personal data.",
    params(TrainingIdPath),
    responses(
        (status = 200, description = "The class.", body = TrainingClass),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show_class(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<TrainingClass>> {
    let c = state
        .store
        .class_in_scope(actor.scope(), ClassId::new(parse_id(&id)?))
        .await?;
    Ok(Json(TrainingClass::from(&*c)))
}

/// A class a unit may enrol its people in, with the places open to it.
#[derive(Serialize, ToSchema)]
pub struct TrainingOpenClass {
    #[serde(flatten)]
    class: TrainingClass,
    /// The allocation that applies to the unit (the deepest on its path); null when the class
    /// allocates no places.
    places_for_unit: Option<TrainingPlaces>,
}

/// Classes open to a unit.
#[derive(Serialize, ToSchema)]
pub struct TrainingOpenClassList {
    unit: UnitPathStep,
    classes: Vec<TrainingOpenClass>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainingUnitQuery {
    /// Code of a unit of the caller's subtree; defaults to the caller's unit. A malformed code
    /// answers `400`, a unit outside the subtree `404`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
}

/// `GET /api/v1/training/classes?unit=`.
#[utoipa::path(
    get,
    path = "/api/v1/training/classes",
    operation_id = "listOpenTrainingClasses",
    tag = "training",
    summary = "Classes a unit may enrol in",
    description = "Classes planned at the unit or above it that have not ended, soonest first, \
                   with the places open to the unit.",
    params(TrainingUnitQuery),
    responses(
        (status = 200, description = "The classes.", body = TrainingOpenClassList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn open_classes(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<TrainingUnitQuery>,
) -> AppResult<Json<TrainingOpenClassList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let rows = state
        .store
        .classes_open_to(actor.scope(), &unit, today(&state.config))
        .await?;
    Ok(Json(TrainingOpenClassList {
        unit: UnitPathStep::of(&unit),
        classes: rows
            .iter()
            .map(|o| TrainingOpenClass {
                class: TrainingClass::from(&o.class),
                places_for_unit: o.places.as_ref().map(|p| TrainingPlaces {
                    unit: UnitPathStep::from(&p.unit),
                    places: p.places,
                    used: p.used,
                }),
            })
            .collect(),
    }))
}

/// An enrolment: personal data.
#[derive(Serialize, ToSchema)]
pub struct TrainingEnrolment {
    id: EnrolmentId,
    class: ClassId,
    class_title: String,
    member: CommitteeMemberId,
    name: String,
    role: jinguo_domain::organisation::CommitteeRole,
    /// The unit of her organisation.
    unit: UnitPathStep,
    /// User name of the account she scans with; null when none is linked.
    account: Option<String>,
    /// Unix seconds.
    enrolled_at: i64,
    /// Unix seconds; null until she attended.
    attended_at: Option<i64>,
    attended_via: Option<AttendedVia>,
    /// Attended hours in the class's programme.
    programme_hours: i64,
    /// The programme's hours reached.
    completed: bool,
}

impl From<&Enrolment> for TrainingEnrolment {
    fn from(e: &Enrolment) -> Self {
        TrainingEnrolment {
            id: e.id,
            class: e.class,
            class_title: e.class_title.clone(),
            member: e.member,
            name: e.name.clone(),
            role: e.role,
            unit: UnitPathStep::from(&e.unit),
            account: e.account.clone(),
            enrolled_at: e.enrolled_at,
            attended_at: e.attended_at,
            attended_via: e.attended_via,
            programme_hours: e.programme_hours,
            completed: e.completed,
        }
    }
}

/// Enrolments.
#[derive(Serialize, ToSchema)]
pub struct TrainingEnrolmentList {
    enrolments: Vec<TrainingEnrolment>,
}

/// `GET /api/v1/training/classes/{id}/enrolments`.
#[utoipa::path(
    get,
    path = "/api/v1/training/classes/{id}/enrolments",
    operation_id = "listTrainingClassEnrolments",
    tag = "training",
    summary = "The roll of a class",
    description = "Everyone enrolled in a class planned in the caller's subtree (otherwise \
                   `404`), with names and attendance.",
    params(TrainingIdPath),
    responses(
        (status = 200, description = "The roll.", body = TrainingEnrolmentList),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn class_enrolments(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<TrainingEnrolmentList>> {
    let c = state
        .store
        .class_in_scope(actor.scope(), ClassId::new(parse_id(&id)?))
        .await?;
    let rows = state.store.enrolments_of(&c).await?;
    Ok(Json(TrainingEnrolmentList {
        enrolments: rows.iter().map(TrainingEnrolment::from).collect(),
    }))
}

/// `GET /api/v1/training/enrolments?unit=`.
#[utoipa::path(
    get,
    path = "/api/v1/training/enrolments",
    operation_id = "listTrainingEnrolments",
    tag = "training",
    summary = "Enrolments of a subtree's people",
    description = "Enrolments of committee members of a unit's subtree (the caller's unit when \
                   `unit` is absent), newest first, paged; names are personal data.",
    params(TrainingListQuery),
    responses(
        (status = 200, description = "The enrolments.", body = TrainingEnrolmentList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn list_enrolments(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<TrainingListQuery>,
) -> AppResult<Json<TrainingEnrolmentList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .enrolments_under(actor.scope(), &unit, page)
        .await?;
    Ok(Json(TrainingEnrolmentList {
        enrolments: rows.iter().map(TrainingEnrolment::from).collect(),
    }))
}

/// An enrolment to record.
#[derive(Deserialize, ToSchema)]
pub struct TrainingEnrolmentInput {
    /// A class planned at the member's unit or above it that has not ended (else `422` with
    /// field `class`).
    class: i64,
    /// A member of the current committee of an organisation of the caller's subtree (else `422`
    /// with field `member`; enrolled in the class already: the same field).
    member: i64,
    /// The account she will scan the attendance code with: an active account of her
    /// organisation's unit (else `422` with field `account`).
    account: Option<i64>,
}

/// `POST /api/v1/training/enrolments`.
#[utoipa::path(
    post,
    path = "/api/v1/training/enrolments",
    operation_id = "createTrainingEnrolment",
    tag = "training",
    summary = "Enrol a committee member in a class",
    description = "Enrols a member within the class's capacity and the places of her unit (`422` \
                   with field `places` when they are taken); the enrolment and the coverage \
                   counters are written in one transaction. Audited (`training.enrolled`).",
    request_body = TrainingEnrolmentInput,
    responses(
        (status = 201, description = "Enrolled.", body = TrainingCreated),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn enrol(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<TrainingEnrolmentInput>,
) -> AppResult<(StatusCode, Json<TrainingCreated>)> {
    let id = training::enrol(
        &state,
        &actor,
        ip,
        ClassId::new(b.class),
        CommitteeMemberId::new(b.member),
        b.account.map(UserId::new),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(TrainingCreated { id: id.get() })))
}

/// The code read from the class page.
#[derive(Deserialize, ToSchema)]
pub struct TrainingScanInput {
    /// The attendance code (`class.slot.mac`) the class page shows; good for 30 to 60 seconds.
    /// Malformed, not signed here, expired or signed for another class than `class` answers
    /// `422` with field `token`.
    token: String,
    /// The class the caller means; when given, a code of another class is refused.
    class: Option<i64>,
}

/// What an attendance write did.
#[derive(Serialize, ToSchema)]
pub struct TrainingAttended {
    enrolment: EnrolmentId,
    /// Already recorded: nothing changed.
    already: bool,
    /// The programme's hours were reached with this attendance.
    completed_now: bool,
}

impl From<&jinguo_store::training::Attended> for TrainingAttended {
    fn from(a: &jinguo_store::training::Attended) -> Self {
        TrainingAttended {
            enrolment: a.enrolment,
            already: a.already,
            completed_now: a.completed_now,
        }
    }
}

/// `POST /api/v1/training/attendance`.
#[utoipa::path(
    post,
    path = "/api/v1/training/attendance",
    operation_id = "scanTrainingAttendance",
    tag = "training",
    summary = "Record her own attendance with the class code",
    description = "The trainee's phone, logged in with the account linked to her enrolment, \
                   sends the code of the class page. Without an enrolment of that class linked to \
                   the account: `422` with field `token` (`err.training.not_enrolled`), nothing \
                   changed. Audited (`training.attended`).",
    request_body = TrainingScanInput,
    responses(
        (status = 200, description = "Recorded (or recorded before).", body = TrainingAttended),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn scan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<TrainingScanInput>,
) -> AppResult<Json<TrainingAttended>> {
    let (_, a) = training::scan(&state, &actor, ip, &b.token, b.class.map(ClassId::new)).await?;
    Ok(Json(TrainingAttended::from(&a)))
}

/// Enrolments ticked off the roll.
#[derive(Deserialize, ToSchema)]
pub struct TrainingRollInput {
    /// Enrolments of the class (another answers `422` with field `enrolment`, nothing changed).
    enrolments: Vec<i64>,
}

/// Attendance written from the roll.
#[derive(Serialize, ToSchema)]
pub struct TrainingRollResult {
    attended: Vec<TrainingAttended>,
}

/// `POST /api/v1/training/classes/{id}/attendance`.
#[utoipa::path(
    post,
    path = "/api/v1/training/classes/{id}/attendance",
    operation_id = "rollTrainingAttendance",
    tag = "training",
    summary = "Tick trainees off the roll",
    description = "The class keeper records attendance for enrolments of a class planned in the \
                   caller's subtree (otherwise `404`), all or nothing. Audited.",
    params(TrainingIdPath),
    request_body = TrainingRollInput,
    responses(
        (status = 200, description = "Recorded.", body = TrainingRollResult),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn roll(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TrainingRollInput>,
) -> AppResult<Json<TrainingRollResult>> {
    let class = ClassId::new(parse_id(&id)?);
    let ids: Vec<EnrolmentId> = b.enrolments.into_iter().map(EnrolmentId::new).collect();
    let done = training::roll(&state, &actor, ip, class, &ids, AttendedVia::Roll).await?;
    Ok(Json(TrainingRollResult {
        attended: done.iter().map(TrainingAttended::from).collect(),
    }))
}

/// The class's attendance code now.
#[derive(Serialize, ToSchema)]
pub struct TrainingCode {
    class: ClassId,
    token: String,
    /// The scan page's address the QR code encodes.
    url: String,
    /// Seconds until the page should fetch the next code.
    refresh_in: i64,
}

/// `GET /api/v1/training/classes/{id}/code`.
#[utoipa::path(
    get,
    path = "/api/v1/training/classes/{id}/code",
    operation_id = "getTrainingClassCode",
    tag = "training",
    summary = "The class's current attendance code",
    description = "For the keeper of a class planned in the caller's subtree (otherwise `404`): \
                   the signed code of the current 30-second slot and the address it opens.",
    params(TrainingIdPath),
    responses(
        (status = 200, description = "The code.", body = TrainingCode),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn class_code(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Json<TrainingCode>> {
    let c = state
        .store
        .class_in_scope(actor.scope(), ClassId::new(parse_id(&id)?))
        .await?;
    let now = now();
    let token = training::code::issue(c.id, now);
    Ok(Json(TrainingCode {
        class: c.id,
        url: training::scan::scan_url(&state, &headers, c.id, &token),
        token,
        refresh_in: jinguo_domain::training::SLOT_SECS
            - now.rem_euclid(jinguo_domain::training::SLOT_SECS),
    }))
}

/// Training numbers of a subtree in a programme year, from counters kept on every write.
#[derive(Serialize, ToSchema)]
pub struct TrainingCoverageNumbers {
    /// Current chairs of village (community) federations.
    village_chairs: i64,
    /// Village chairs who completed a programme of the year.
    chairs_trained_year: i64,
    /// chairs_trained_year / village_chairs in percent; null without chairs.
    chairs_trained_year_pct: Option<f64>,
    /// Current village chairs who completed a programme in their term.
    chairs_trained_term: i64,
    chairs_trained_term_pct: Option<f64>,
    /// Enrolments in the year's classes.
    enrolled: i64,
    /// Enrolments in classes that were held.
    expected: i64,
    attended: i64,
    /// attended / expected in percent; null before any class was held.
    attendance_pct: Option<f64>,
    /// Attended class hours.
    hours: i64,
    /// People with at least one attendance.
    trainees: i64,
    /// hours / trainees, one decimal; null without trainees.
    hours_per_person: Option<f64>,
    /// Classes attended by someone of the subtree.
    classes_held: i64,
}

impl From<&TrainingCounts> for TrainingCoverageNumbers {
    fn from(c: &TrainingCounts) -> Self {
        TrainingCoverageNumbers {
            village_chairs: c.village_chairs,
            chairs_trained_year: c.chairs_trained_year,
            chairs_trained_year_pct: c.chairs_year_pct(),
            chairs_trained_term: c.chairs_trained_term,
            chairs_trained_term_pct: c.chairs_term_pct(),
            enrolled: c.enrolled,
            expected: c.expected,
            attended: c.attended,
            attendance_pct: c.attendance_pct(),
            hours: c.hours,
            trainees: c.trainees,
            hours_per_person: c.hours_per_person(),
            classes_held: c.classes,
        }
    }
}

/// A child unit's training coverage.
#[derive(Serialize, ToSchema)]
pub struct TrainingCoverageChild {
    unit: UnitPathStep,
    #[serde(flatten)]
    numbers: TrainingCoverageNumbers,
}

/// The training coverage of a unit and each active child.
#[derive(Serialize, ToSchema)]
pub struct TrainingCoverage {
    unit: UnitPathStep,
    year: i32,
    #[serde(flatten)]
    numbers: TrainingCoverageNumbers,
    children: Vec<TrainingCoverageChild>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainingYearQuery {
    /// The programme year, 2000–2100; default this year. Outside the range answers `400`.
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i32>,
}

/// `GET /api/v1/units/{code}/training-coverage`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/training-coverage",
    operation_id = "getTrainingCoverage",
    tag = "training",
    summary = "Training coverage",
    description = "For a unit of the caller's subtree (otherwise `404`) and each active child, in \
                   a programme year: the share of village chairs trained this year and this term, \
                   hours per person, classes held, the attendance rate. Counts only.",
    params(UnitCodePath, TrainingYearQuery),
    responses(
        (status = 200, description = "The coverage.", body = TrainingCoverage),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<TrainingYearQuery>,
) -> AppResult<Json<TrainingCoverage>> {
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let year = coverage_year(&state, q.year)?;
    let cov = state
        .store
        .training_coverage(actor.scope(), &unit, year)
        .await?;
    Ok(Json(TrainingCoverage {
        unit: UnitPathStep::from(&cov.unit),
        year: cov.year,
        numbers: TrainingCoverageNumbers::from(&cov.counts),
        children: cov
            .children
            .iter()
            .map(|(u, c)| TrainingCoverageChild {
                unit: UnitPathStep::from(u),
                numbers: TrainingCoverageNumbers::from(c),
            })
            .collect(),
    }))
}

/// The year asked for, or this one.
pub(crate) fn coverage_year(state: &AppState, year: Option<i32>) -> AppResult<i32> {
    let (lo, hi) = jinguo_domain::training::YEARS;
    match year {
        None => Ok(today(&state.config).year()),
        Some(y) if (lo..=hi).contains(&y) => Ok(y),
        Some(y) => Err(crate::error::AppError::BadRequest(format!(
            "year {y} outside {lo}–{hi}"
        ))),
    }
}
