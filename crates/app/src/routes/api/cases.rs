//! `/api/v1/cases`: intake, the opened case (identity masked), risk
//! assessment, protection orders, the team, break-the-glass, reveal, the
//! access log, the case list and the caller's alerts. Anyone who may not
//! open a case gets 404 for it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::case::{
    AccessVia, AssessmentInput, CHECKLIST, CaseStatus, CaseTemplate, ChecklistItem, RiskLevel,
    TeamRole,
};
use jinguo_domain::{CaseId, UnitCode};
use jinguo_store::model::{
    CaseAccess, CaseAlert, CaseSummary, CaseView, DictEntry, DictKind, Page,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::case_flow::{CaseIdPath, CreatedId};
use super::openapi::{BadRequest, Internal, Invalid, NotFound};
use super::{ApiJson, ApiQuery, parse_code};
use crate::auth::ApiActor;
use crate::cases::{self, IntakeBody, OrderInput, parse_case_id};
use crate::error::AppResult;
use crate::net::ClientIp;
use crate::state::AppState;

/// Who may open a case, said once for every operation on an opened case.
macro_rules! opening {
    () => {
        "A case opens only for its team (its assigned caseworker or a named supervisor) and \
         under a running break-the-glass grant; anyone else, inside the scope or not, gets \
         `404`, exactly like a case that does not exist. Every opening is written to the \
         case's access log and the audit log (`case.accessed`)."
    };
}

/// The id and number of a new case.
#[derive(Serialize, ToSchema)]
pub struct CaseCreated {
    id: CaseId,
    /// The case number shown to people: `WQ` and six or more digits.
    #[schema(example = "WQ000042")]
    number: String,
}

/// `POST /api/v1/cases` → 201 `{"id","number"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases",
    operation_id = "createCase",
    tag = "cases",
    summary = "Record a case (intake)",
    description = "Records a rights-protection case at `unit_code` (in the caller's subtree; \
                   otherwise `422` on `unit_code`, worded like an unknown unit). Every field is \
                   checked at once, the type's template included; nothing is saved on any \
                   error. The recorder becomes the case's caseworker; follow-ups are scheduled \
                   from the template. Identity fields and the narrative are sealed (SM4) at \
                   rest. Audited (`case.created`, case id only).",
    request_body = IntakeBody,
    responses(
        (status = 201, description = "Recorded.", body = CaseCreated),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<IntakeBody>,
) -> AppResult<(StatusCode, Json<CaseCreated>)> {
    let id = cases::create(&state, &actor, ip, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(CaseCreated {
            id,
            number: jinguo_domain::case::case_number(id.get()),
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Unit whose subtree to list; defaults to the caller's unit. A malformed code answers
    /// `400`; a unit outside the caller's subtree answers `404`, exactly like an unknown unit.
    #[param(value_type = Option<UnitCode>, inline)]
    unit: Option<String>,
    /// Only cases with this status; empty or absent for every status. Anything else answers
    /// `422` with field `status`.
    #[param(value_type = Option<CaseStatus>, inline)]
    status: Option<String>,
    /// Page size; values outside 1–500 are clamped.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// Number of entries to skip; negative values count as 0.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// A page of the cases the caller may open, newest first.
#[derive(Serialize, ToSchema)]
pub struct CaseList {
    limit: i64,
    offset: i64,
    cases: Vec<CaseSummary>,
}

/// `GET /api/v1/cases?unit=&status=`: the cases the caller may open.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    operation_id = "listCases",
    tag = "cases",
    summary = "Cases the caller may open",
    description = "Cases under `unit` (default: the caller's unit; outside her subtree `404`) \
                   on whose team the caller is, or that she holds a running break-the-glass \
                   grant for, newest first; client names masked.",
    params(ListQuery),
    responses(
        (status = 200, description = "Cases.", body = CaseList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<CaseList>> {
    let code = q.unit.as_deref().map(parse_code).transpose()?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = cases::list(&state, &actor, code.as_ref(), q.status.as_deref(), page).await?;
    Ok(Json(CaseList {
        limit: page.limit,
        offset: page.offset,
        cases: rows,
    }))
}

/// The opened case: client name in full, ID number and phone masked
/// (`150102********123X`, `138****5678`), narrative, safety plan, people,
/// team, assessments, orders, referrals, follow-ups (with `overdue`),
/// events, and `access`: the grounds the caller opened it on.
#[derive(Serialize, ToSchema)]
#[schema(as = Case)]
pub struct CaseOpened {
    #[serde(flatten)]
    case: CaseView,
    access: AccessVia,
}

/// `GET /api/v1/cases/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    operation_id = "getCase",
    tag = "cases",
    summary = "Open a case",
    description = opening!(),
    params(CaseIdPath),
    responses(
        (status = 200, description = "The case.", body = CaseOpened),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<CaseOpened>> {
    let (view, opened) = cases::show(&state, &actor, ip, parse_case_id(&id)?).await?;
    Ok(Json(CaseOpened {
        case: view,
        access: opened.via(),
    }))
}

/// What an assessment came to.
#[derive(Serialize, ToSchema)]
pub struct CaseAssessmentResult {
    /// Sum of the weights of the items answered yes.
    #[schema(minimum = 0)]
    score: u32,
    /// The level the score gives.
    computed: RiskLevel,
    /// The level the case takes: `computed`, or higher by judgement.
    level: RiskLevel,
    /// The colour pages show the level in.
    #[schema(example = "#c62828")]
    colour: &'static str,
    /// How many supervisors were alerted (high or critical level only).
    supervisors_alerted: usize,
}

/// `POST /api/v1/cases/{id}/assess` `{"answers":[…],"level"?,"override_reason"?,"safety_plan"?}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/assess",
    operation_id = "assessCase",
    tag = "cases",
    summary = "Record a risk assessment",
    description = concat!(
        "For a case type whose template has `danger_checklist` (domestic violence), scores \
         the checklist answers to a level (low < 8 ≤ medium < 14 ≤ high < 18 ≤ critical); \
         judgement may raise it with a reason. For any other type no answer may be given \
         (`422` on `answers`) and `level` is required, chosen by judgement. The case takes \
         the level, an open \
         case becomes `assessed`, and a high or critical level alerts every supervisor at \
         once. Only the case's team may act; a break-the-glass reader only reads. ",
        opening!()
    ),
    params(CaseIdPath),
    request_body = AssessmentInput,
    responses(
        (status = 200, description = "The result.", body = CaseAssessmentResult),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn assess(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AssessmentInput>,
) -> AppResult<Json<CaseAssessmentResult>> {
    let id = parse_case_id(&id)?;
    let (a, alerted) = cases::assess(&state, &actor, ip, id, &b).await?;
    Ok(Json(CaseAssessmentResult {
        score: a.score,
        computed: a.computed,
        level: a.level,
        colour: a.level.colour(),
        supervisors_alerted: alerted,
    }))
}

/// The danger checklist with its weights.
#[derive(Serialize, ToSchema)]
pub struct CaseChecklist {
    /// Where the items and weights come from.
    source: &'static str,
    items: &'static [ChecklistItem],
}

/// `GET /api/v1/cases/checklist`: the danger checklist with its weights.
#[utoipa::path(
    get,
    path = "/api/v1/cases/checklist",
    operation_id = "caseChecklist",
    tag = "cases",
    summary = "The danger checklist",
    description = "The domestic-violence danger checklist items with their weights (adapted \
                   from J. C. Campbell's Danger Assessment; levels at 8 / 14 / 18).",
    responses(
        (status = 200, description = "Items.", body = CaseChecklist),
        (status = 500, response = Internal),
    ),
)]
pub async fn checklist(ApiActor(_): ApiActor) -> AppResult<Json<CaseChecklist>> {
    Ok(Json(CaseChecklist {
        source: "Adapted from J. C. Campbell's Danger Assessment (weighted scoring, levels at 8 / 14 / 18)",
        items: CHECKLIST,
    }))
}

/// `POST /api/v1/cases/{id}/orders` `{"kind","status","date"}` → 201 `{"id"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/orders",
    operation_id = "recordCaseOrder",
    tag = "cases",
    summary = "Record a protection order or warning letter",
    description = concat!(
        "A new status of a personal safety protection order or a police warning letter. Only \
         the case's team may act; a break-the-glass reader only reads. ",
        opening!()
    ),
    params(CaseIdPath),
    request_body = OrderInput,
    responses(
        (status = 201, description = "Recorded: the order's id.", body = CreatedId),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn order(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<OrderInput>,
) -> AppResult<(StatusCode, Json<CreatedId>)> {
    let oid = cases::record_order(&state, &actor, ip, parse_case_id(&id)?, &b).await?;
    Ok((StatusCode::CREATED, Json(CreatedId { id: oid })))
}

/// Who joins the case's team, and as what.
#[derive(Deserialize, ToSchema)]
#[schema(as = CaseTeamInput)]
pub struct TeamBody {
    /// Someone holding the caseworker capability at the case's unit or above (`422`
    /// otherwise).
    #[serde(default)]
    #[schema(required = true)]
    username: String,
    #[serde(default)]
    #[schema(required = true, value_type = TeamRole)]
    role: String,
}

/// `POST /api/v1/cases/{id}/team` `{"username","role":"caseworker|supervisor"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/team",
    operation_id = "addCaseMember",
    tag = "cases",
    summary = "Add to the team",
    description = concat!(
        "Adds a caseworker or supervisor (a caseworker at the case's unit or above; otherwise \
         `422`). Only the case's team may act; a break-the-glass reader only reads. ",
        opening!()
    ),
    params(CaseIdPath),
    request_body = TeamBody,
    responses(
        (status = 204, description = "Added."),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn team(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TeamBody>,
) -> AppResult<StatusCode> {
    cases::add_member(
        &state,
        &actor,
        ip,
        parse_case_id(&id)?,
        &b.username,
        &b.role,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Why the glass is broken.
#[derive(Deserialize, ToSchema)]
#[schema(as = ReasonInput)]
pub struct ReasonBody {
    /// At least 10 characters (`422` with field `reason`); goes into the audit log.
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 2000)]
    reason: String,
}

/// A break-the-glass grant.
#[derive(Serialize, ToSchema)]
pub struct CaseGlass {
    /// Unix seconds; three hours from now.
    expires_at: i64,
}

/// `POST /api/v1/cases/{id}/glass` `{"reason"}` → `{"expires_at"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/glass",
    operation_id = "breakCaseGlass",
    tag = "cases",
    summary = "Break the glass",
    description = "An administrator whose subtree holds the case states a reason (at least 10 \
                   characters) and may open the case for three hours; the supervisors are \
                   alerted and the grant is audited (`case.glass`). Outside her subtree `404`.",
    params(CaseIdPath),
    request_body = ReasonBody,
    responses(
        (status = 201, description = "Granted.", body = CaseGlass),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn glass(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> AppResult<(StatusCode, Json<CaseGlass>)> {
    let expires = cases::break_glass(&state, &actor, ip, parse_case_id(&id)?, &b.reason).await?;
    Ok((
        StatusCode::CREATED,
        Json(CaseGlass {
            expires_at: expires,
        }),
    ))
}

/// Which sealed value to reveal, and why.
#[derive(Deserialize, ToSchema)]
#[schema(as = CaseRevealInput)]
pub struct RevealBody {
    /// `id_number` or `phone` (`422` with field `field` otherwise).
    #[serde(default)]
    #[schema(required = true, value_type = RevealedField)]
    field: String,
    /// Goes into the audit log (`422` with field `reason` when too short or too long).
    #[serde(default)]
    #[schema(required = true, min_length = 2, max_length = 200)]
    reason: String,
}

/// A sealed field of the client that may be revealed.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevealedField {
    IdNumber,
    Phone,
}

/// One full value.
#[derive(Serialize, ToSchema)]
pub struct CaseRevealed {
    /// The field asked for.
    #[schema(value_type = RevealedField)]
    field: String,
    /// Its full value.
    value: String,
}

/// `POST /api/v1/cases/{id}/reveal` `{"field":"id_number|phone","reason"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/reveal",
    operation_id = "revealCaseField",
    tag = "cases",
    summary = "Reveal the client's ID number or phone",
    description = concat!(
        "One full value, for a stated reason that goes into the audit log (`case.revealed`). ",
        opening!()
    ),
    params(CaseIdPath),
    request_body = RevealBody,
    responses(
        (status = 200, description = "The value.", body = CaseRevealed),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn reveal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RevealBody>,
) -> AppResult<Json<CaseRevealed>> {
    let value = cases::reveal(&state, &actor, ip, parse_case_id(&id)?, &b.field, &b.reason).await?;
    Ok(Json(CaseRevealed {
        field: b.field.trim().to_owned(),
        value,
    }))
}

/// Every opening of a case, newest first.
#[derive(Serialize, ToSchema)]
pub struct CaseAccessLog {
    entries: Vec<CaseAccess>,
}

/// `GET /api/v1/cases/{id}/access-log`: who opened the case.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/access-log",
    operation_id = "caseAccessLog",
    tag = "cases",
    summary = "Who viewed this",
    description = concat!(
        "Every opening of the case, newest first: who, when, what for, on what grounds. \
         Reading it is itself an opening. ",
        opening!()
    ),
    params(CaseIdPath),
    responses(
        (status = 200, description = "The log.", body = CaseAccessLog),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn access_log(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Json<CaseAccessLog>> {
    let entries = cases::access_log(&state, &actor, ip, parse_case_id(&id)?).await?;
    Ok(Json(CaseAccessLog { entries }))
}

/// The caller's alerts, newest first.
#[derive(Serialize, ToSchema)]
pub struct CaseAlerts {
    alerts: Vec<CaseAlert>,
}

/// `GET /api/v1/cases/alerts`: the caller's alerts (case numbers only).
#[utoipa::path(
    get,
    path = "/api/v1/cases/alerts",
    operation_id = "listCaseAlerts",
    tag = "cases",
    summary = "The caller's case alerts",
    description = "High or critical risk, break-the-glass and workflow alerts addressed to the \
                   caller (a supervisor), naming cases by number only, newest first.",
    responses(
        (status = 200, description = "Alerts.", body = CaseAlerts),
        (status = 500, response = Internal),
    ),
)]
pub async fn alerts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<CaseAlerts>> {
    let alerts = cases::alerts(&state, &actor).await?;
    Ok(Json(CaseAlerts { alerts }))
}

/// An active case type with its template.
#[derive(Serialize, ToSchema)]
pub struct CaseTypeEntry {
    #[serde(flatten)]
    entry: DictEntry,
    /// Extra required intake fields and the follow-up schedule in days after intake.
    template: CaseTemplate,
}

/// The case-type dictionary, active entries only.
#[derive(Serialize, ToSchema)]
pub struct CaseTypes {
    /// The dictionary's slug.
    #[schema(example = "case-types")]
    kind: &'static str,
    entries: Vec<CaseTypeEntry>,
}

/// `GET /api/v1/dictionaries/case-types`: the types with their templates.
#[utoipa::path(
    get,
    path = "/api/v1/dictionaries/case-types",
    operation_id = "listCaseTypes",
    tag = "dictionaries",
    summary = "The case types with their templates",
    description = "Active case types (domestic violence, marriage and family, property and \
                   inheritance, employment and labour, sexual harassment, child protection, \
                   other) each with its template: extra required intake fields and the \
                   follow-up schedule in days after intake.",
    responses(
        (status = 200, description = "The types.", body = CaseTypes),
        (status = 500, response = Internal),
    ),
)]
pub async fn case_types(
    State(state): State<AppState>,
    ApiActor(_actor): ApiActor,
) -> AppResult<Json<CaseTypes>> {
    let dict = state.dictionary(DictKind::CASE_TYPE).await?;
    let mut entries = Vec::with_capacity(dict.len());
    for e in dict.iter().filter(|e| e.active) {
        let template = state.store.case_template(&e.key).await?;
        entries.push(CaseTypeEntry {
            entry: e.clone(),
            template,
        });
    }
    Ok(Json(CaseTypes {
        kind: DictKind::CASE_TYPE.slug(),
        entries,
    }))
}
