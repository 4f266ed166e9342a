//! Organisations over the API: create with the first committee, list,
//! read, the current committee (personal data), elections, and coverage.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::organisation::{
    CommitteeRole, Education, ElectionDraft, Ethnicity, MemberDraft, OrgDraft, OrgKind, Political,
    SectorField,
};
use jinguo_domain::{CommitteeMemberId, ElectionId, OrganisationId, Sex, UnitCode};
use jinguo_store::model::Page;
use jinguo_store::organisations::{CommitteeMember, Election, OrgCounts, Organisation};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiActor;
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::organisations::{self, parse_id};
use crate::routes::api::openapi::{BadRequest, Conflict, Internal, Invalid, NotFound};
use crate::routes::api::units::{UnitCodePath, UnitPathStep};
use crate::routes::api::{ApiJson, ApiQuery, parse_code, unit_of};
use crate::state::{AppState, today};

pub(crate) fn day(d: time::Date) -> String {
    jinguo_store::organisations::day_text(d)
}

/// A grassroots federation with its current term; no personal data.
#[derive(Serialize, ToSchema)]
#[schema(as = Organisation)]
pub struct OrganisationView {
    id: OrganisationId,
    unit: UnitPathStep,
    name: String,
    kind: OrgKind,
    /// The field of a sector organisation; null for the others.
    field: Option<SectorField>,
    /// `YYYY-MM-DD`.
    established_on: String,
    /// Start of the current term, `YYYY-MM-DD`.
    term_start: String,
    term_years: i64,
    /// `YYYY-MM-DD`.
    next_election_due: String,
    /// The next election was due before today.
    overdue: bool,
    /// Members of the current committee.
    members: i64,
    /// A chair and at least five members.
    complete: bool,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds.
    updated_at: i64,
}

impl OrganisationView {
    pub(crate) fn of(o: &Organisation, today: time::Date) -> Self {
        OrganisationView {
            id: o.id,
            unit: UnitPathStep::from(&o.unit),
            name: o.fields.name.clone(),
            kind: o.fields.kind,
            field: o.fields.field,
            established_on: day(o.fields.established_on),
            term_start: day(o.term.start()),
            term_years: o.term.years(),
            next_election_due: day(o.term.due()),
            overdue: o.term.overdue(today),
            members: o.members,
            complete: o.complete,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// An organisation to create for a unit, with its first term and committee. Every field is
/// checked and all violations are reported together: `422` with `fields` mapping each
/// offending field to its message (member fields as `members[i].name` …).
#[derive(Deserialize, ToSchema)]
#[schema(as = OrganisationInput)]
pub struct OrganisationBody {
    /// An active unit of the caller's subtree without an organisation (a second one answers
    /// `422` with field `unit_code`); a unit outside the subtree answers like an unknown one.
    #[schema(value_type = UnitCode)]
    unit_code: String,
    #[schema(max_length = 60)]
    name: String,
    /// Must fit the unit: `village` or `community` at a village, `township` or `street` at a
    /// township, `banner`, `league`, `region` above, `sector` at a sector organisation. Absent:
    /// the usual kind for the unit.
    #[schema(value_type = Option<OrgKind>)]
    kind: Option<String>,
    /// Required for a sector organisation, refused for the others.
    #[schema(value_type = Option<SectorField>)]
    field: Option<String>,
    /// `YYYY-MM-DD`, not in the future.
    established_on: String,
    /// `YYYY-MM-DD`, not before `established_on` nor in the future.
    term_start: String,
    /// 1–5, default 5.
    #[schema(minimum = 1, maximum = 5)]
    term_years: Option<i64>,
    /// `YYYY-MM-DD`; default `term_start` + `term_years`. On or before the start answers `422`.
    next_election_due: Option<String>,
    /// The committee: 1–60 members, exactly one `chair`.
    members: Vec<MemberDraft>,
}

/// The id of what was just recorded.
#[derive(Serialize, ToSchema)]
pub struct OrganisationCreated {
    id: OrganisationId,
}

/// `POST /api/v1/organisations`.
#[utoipa::path(
    post,
    path = "/api/v1/organisations",
    operation_id = "createOrganisation",
    tag = "organisations",
    summary = "Create a unit's women's federation",
    description = "Creates the organisation of a unit of the caller's subtree with its first \
                   executive committee and term; names and phones are sealed at rest. The coverage \
                   counters of every unit above change in the same transaction. Recorded in the \
                   audit log (`organisation.created`, without names).",
    request_body = OrganisationBody,
    responses(
        (status = 201, description = "Created.", body = OrganisationCreated),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<OrganisationBody>,
) -> AppResult<(StatusCode, Json<OrganisationCreated>)> {
    let draft = OrgDraft {
        name: b.name,
        kind: b.kind.unwrap_or_default(),
        field: b.field,
        established_on: b.established_on,
        term_start: b.term_start,
        term_years: b.term_years,
        next_election_due: b.next_election_due,
        members: b.members,
    };
    let id = organisations::create(&state, &actor, ip, &b.unit_code, &draft).await?;
    Ok((StatusCode::CREATED, Json(OrganisationCreated { id })))
}

/// The `{id}` of an organisation's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrganisationIdPath {
    /// Id of an organisation. Anything but a positive integer answers `404`, like an unknown
    /// organisation or one outside the caller's subtree.
    #[param(minimum = 1)]
    pub id: i64,
}

/// `GET /api/v1/organisations/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}",
    operation_id = "getOrganisation",
    tag = "organisations",
    summary = "One organisation",
    description = "An organisation of the caller's subtree (otherwise `404`, exactly like an \
                   unknown one), with its current term; no personal data.",
    params(OrganisationIdPath),
    responses(
        (status = 200, description = "The organisation.", body = OrganisationView),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<OrganisationView>> {
    let o = state
        .store
        .organisation_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    Ok(Json(OrganisationView::of(&o, today(&state.config))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Code of the unit whose subtree to list; defaults to the caller's unit. A malformed code
    /// answers `400`.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Only organisations whose next election was due before today.
    overdue: Option<bool>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// A page of a subtree's organisations.
#[derive(Serialize, ToSchema)]
pub struct OrganisationList {
    unit: UnitPathStep,
    /// Page size after clamping.
    limit: i64,
    /// Entries skipped, after clamping.
    offset: i64,
    organisations: Vec<OrganisationView>,
}

/// `GET /api/v1/organisations?unit=&overdue=`.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    operation_id = "listOrganisations",
    tag = "organisations",
    summary = "Organisations of a subtree",
    description = "The organisations of a unit's subtree (the caller's own unit when `unit` is \
                   absent; a unit outside the subtree answers `404`), by unit code, paged; with \
                   `overdue=true` only those whose term is past its due date.",
    params(ListQuery),
    responses(
        (status = 200, description = "The organisations.", body = OrganisationList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<OrganisationList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let today = today(&state.config);
    let rows = state
        .store
        .organisations_under(
            actor.scope(),
            &unit,
            q.overdue.unwrap_or(false).then_some(today),
            page,
        )
        .await?;
    Ok(Json(OrganisationList {
        unit: UnitPathStep::of(&unit),
        limit: page.limit,
        offset: page.offset,
        organisations: rows
            .iter()
            .map(|o| OrganisationView::of(o, today))
            .collect(),
    }))
}

/// A member of the current committee: personal data, phone masked.
#[derive(Serialize, ToSchema)]
#[schema(as = CommitteeMember)]
pub struct MemberView {
    id: CommitteeMemberId,
    role: CommitteeRole,
    name: String,
    /// Masked (`138****5678`); null when none was given.
    phone: Option<String>,
    sex: Sex,
    ethnicity: Ethnicity,
    birth_year: i32,
    education: Education,
    political: Political,
    full_time: bool,
    on_village_committee: bool,
}

impl From<&CommitteeMember> for MemberView {
    fn from(m: &CommitteeMember) -> Self {
        MemberView {
            id: m.id,
            role: m.role,
            name: m.name.clone(),
            phone: m.phone_masked.clone(),
            sex: m.sex,
            ethnicity: m.ethnicity,
            birth_year: m.birth_year,
            education: m.education,
            political: m.political,
            full_time: m.full_time,
            on_village_committee: m.on_village_committee,
        }
    }
}

/// The current executive committee.
#[derive(Serialize, ToSchema)]
pub struct CommitteeView {
    organisation: OrganisationId,
    members: Vec<MemberView>,
}

/// `GET /api/v1/organisations/{id}/committee`.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/committee",
    operation_id = "getOrganisationCommittee",
    tag = "organisations",
    summary = "The current executive committee",
    description = "The members of the current committee of an organisation of the caller's \
                   subtree (otherwise `404`), chair first, with names and masked phones.",
    params(OrganisationIdPath),
    responses(
        (status = 200, description = "The committee.", body = CommitteeView),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn committee(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<CommitteeView>> {
    let o = state
        .store
        .organisation_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let members = state.store.committee(&o).await?;
    Ok(Json(CommitteeView {
        organisation: o.id,
        members: members.iter().map(MemberView::from).collect(),
    }))
}

/// One committee the organisation had.
#[derive(Serialize, ToSchema)]
#[schema(as = Election)]
pub struct ElectionView {
    id: ElectionId,
    /// `YYYY-MM-DD`: the day the term started.
    held_on: String,
    term_years: i64,
    /// `YYYY-MM-DD`.
    next_election_due: String,
    note: Option<String>,
    /// The committee recorded with the organisation, not an election.
    first: bool,
    members: i64,
    /// Unix seconds.
    recorded_at: i64,
}

impl From<&Election> for ElectionView {
    fn from(e: &Election) -> Self {
        ElectionView {
            id: e.id,
            held_on: day(e.held_on),
            term_years: e.term_years,
            next_election_due: day(e.next_election_due),
            note: e.note.clone(),
            first: e.first,
            members: e.members,
            recorded_at: e.recorded_at,
        }
    }
}

/// Every committee of an organisation, newest first.
#[derive(Serialize, ToSchema)]
pub struct ElectionList {
    organisation: OrganisationId,
    elections: Vec<ElectionView>,
}

/// `GET /api/v1/organisations/{id}/elections`.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/elections",
    operation_id = "listOrganisationElections",
    tag = "organisations",
    summary = "Elections of an organisation",
    description = "Every committee an organisation of the caller's subtree (otherwise `404`) \
                   had, newest first: the first one and one per election; no personal data.",
    params(OrganisationIdPath),
    responses(
        (status = 200, description = "The elections.", body = ElectionList),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn elections(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<ElectionList>> {
    let o = state
        .store
        .organisation_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let list = state.store.elections(&o).await?;
    Ok(Json(ElectionList {
        organisation: o.id,
        elections: list.iter().map(ElectionView::from).collect(),
    }))
}

/// An election (换届): the day it was held starts the new term; the new committee replaces
/// the current one. All violations are reported together (`422`, member fields as
/// `members[i].name` …).
#[derive(Deserialize, ToSchema)]
#[schema(as = ElectionInput)]
pub struct ElectionBody {
    /// `YYYY-MM-DD`, after the start of the current term and not in the future.
    held_on: String,
    /// 1–5, default 5.
    #[schema(minimum = 1, maximum = 5)]
    term_years: Option<i64>,
    /// `YYYY-MM-DD`; default `held_on` + `term_years`. On or before `held_on` answers `422`.
    next_election_due: Option<String>,
    #[schema(max_length = 500)]
    note: Option<String>,
    /// The new committee: 1–60 members, exactly one `chair`.
    members: Vec<MemberDraft>,
}

/// The id of the election just recorded.
#[derive(Serialize, ToSchema)]
pub struct ElectionCreated {
    id: ElectionId,
}

/// `POST /api/v1/organisations/{id}/elections`.
#[utoipa::path(
    post,
    path = "/api/v1/organisations/{id}/elections",
    operation_id = "recordOrganisationElection",
    tag = "organisations",
    summary = "Record an election",
    description = "Records an election of an organisation of the caller's subtree (otherwise \
                   `404`, checked before the fields): the new term and committee replace the \
                   current ones and the coverage counters follow, in one transaction. `409` \
                   with field `organisation_changed` when another election was recorded at the \
                   same time. Recorded in the audit log (`organisation.election`).",
    params(OrganisationIdPath),
    request_body = ElectionBody,
    responses(
        (status = 201, description = "Recorded.", body = ElectionCreated),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn elect(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ElectionBody>,
) -> AppResult<(StatusCode, Json<ElectionCreated>)> {
    let id = parse_id(&id)?;
    let draft = ElectionDraft {
        held_on: b.held_on,
        term_years: b.term_years,
        next_election_due: b.next_election_due,
        note: b.note,
        members: b.members,
    };
    let e = organisations::elect(&state, &actor, ip, id, &draft).await?;
    Ok((StatusCode::CREATED, Json(ElectionCreated { id: e })))
}

/// Organisation numbers of a subtree: from counters kept on every write, overdue terms from
/// the dates today.
#[derive(Serialize, ToSchema)]
#[schema(as = OrganisationCoverageNumbers)]
pub struct CoverageNumbers {
    /// Organisations of every kind.
    organisations: i64,
    /// Active geographic villages (level 5).
    villages: i64,
    /// Villages and communities with their own federation.
    village_organisations: i64,
    /// village_organisations / villages in percent, one decimal; null without villages.
    established_pct: Option<f64>,
    sector_organisations: i64,
    /// Committees with a chair and at least five members.
    complete_committees: i64,
    /// Terms past their due date today.
    overdue_terms: i64,
    members: i64,
    full_time_members: i64,
    village_chairs: i64,
    /// Of those, chairs who also sit on the village committee.
    village_chairs_on_committee: i64,
    /// village_chairs_on_committee / village_chairs in percent; null without chairs.
    chairs_on_committee_pct: Option<f64>,
    /// Members by ethnicity key (every key present).
    by_ethnicity: BTreeMap<String, i64>,
    /// Members by education key.
    by_education: BTreeMap<String, i64>,
    /// Members by age band this year: `up_to_35`, `36_45`, `46_55`, `over_55`.
    by_age_band: BTreeMap<String, i64>,
    /// Sector organisations by field key.
    sectors_by_field: BTreeMap<String, i64>,
}

impl From<&OrgCounts> for CoverageNumbers {
    fn from(c: &OrgCounts) -> Self {
        CoverageNumbers {
            organisations: c.organisations,
            villages: c.villages,
            village_organisations: c.village_organisations,
            established_pct: c.established_pct(),
            sector_organisations: c.sector_organisations,
            complete_committees: c.complete_committees,
            overdue_terms: c.overdue_terms,
            members: c.members,
            full_time_members: c.full_time_members,
            village_chairs: c.village_chairs,
            village_chairs_on_committee: c.village_chairs_on_committee,
            chairs_on_committee_pct: c.chairs_on_committee_pct(),
            by_ethnicity: c.by_ethnicity.clone(),
            by_education: c.by_education.clone(),
            by_age_band: c.by_age_band.clone(),
            sectors_by_field: c.sectors_by_field.clone(),
        }
    }
}

/// A child unit's coverage.
#[derive(Serialize, ToSchema)]
pub struct OrganisationCoverageChild {
    unit: UnitPathStep,
    #[serde(flatten)]
    numbers: CoverageNumbers,
}

/// The organisation coverage of a unit and of each active child.
#[derive(Serialize, ToSchema)]
pub struct OrganisationCoverage {
    unit: UnitPathStep,
    #[serde(flatten)]
    numbers: CoverageNumbers,
    children: Vec<OrganisationCoverageChild>,
}

/// `GET /api/v1/units/{code}/organisation-coverage`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/organisation-coverage",
    operation_id = "getOrganisationCoverage",
    tag = "organisations",
    summary = "Organisation coverage and health",
    description = "For a unit of the caller's subtree (otherwise `404`) and each active child: \
                   organisations established and their share of villages, complete committees, \
                   overdue terms, committee members by ethnicity, age band and education, the \
                   share of village chairs on the village committee, sector organisations by \
                   field. Counts only, no personal data.",
    params(UnitCodePath),
    responses(
        (status = 200, description = "The coverage.", body = OrganisationCoverage),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
) -> AppResult<Json<OrganisationCoverage>> {
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let cov = state
        .store
        .organisation_coverage(actor.scope(), &unit, today(&state.config))
        .await?;
    Ok(Json(OrganisationCoverage {
        unit: UnitPathStep::from(&cov.unit),
        numbers: CoverageNumbers::from(&cov.counts),
        children: cov
            .children
            .iter()
            .map(|(u, c)| OrganisationCoverageChild {
                unit: UnitPathStep::from(u),
                numbers: CoverageNumbers::from(c),
            })
            .collect(),
    }))
}
