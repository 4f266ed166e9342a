//! Outline monitoring over the API: the catalogue, targets, a department's
//! report (save, submit), the office's check (approve, return), the list
//! to check, a unit's figures and attainment, and a reporter's department.

use axum::Json;
use axum::extract::{Path, State};
use jinguo_domain::outline::{
    Aggregate, Attainment, Department, Direction, EntryDraft, Figure, FigureDraft, IndicatorDraft,
    IndicatorId, Outline, OutlineReportStatus, UnitKind,
};
use jinguo_domain::{FieldError, UserId};
use jinguo_store::outlines::{Indicator, Report};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::net::ClientIp;
use crate::outlines::{self as svc, EntryInput, figures::Cell};
use crate::routes::api::openapi::{BadRequest, Conflict, Internal, Invalid, NotFound};
use crate::routes::api::units::{UnitCodePath, UnitPathStep};
use crate::routes::api::{ApiJson, ApiQuery, unit_of};
use crate::state::AppState;

/// An indicator of the catalogue (2021–2030 plan period).
#[derive(Serialize, ToSchema)]
#[schema(as = OutlineIndicator)]
pub struct IndicatorView {
    id: IndicatorId,
    /// Unique within the plan period, e.g. `W1.1`.
    code: String,
    outline: Outline,
    /// 1–8 (women) or 1–7 (children), in the outline's order.
    domain_no: u8,
    goal: String,
    name: String,
    unit: UnitKind,
    /// What is counted above the line, for a ratio.
    numerator: Option<String>,
    /// What is counted below the line, for a ratio.
    denominator: Option<String>,
    direction: Direction,
    /// Key of the `outline-departments` dictionary.
    department: String,
    /// The levels that report it (1 region, 2 league, 3 banner).
    levels: Vec<u8>,
    sex_disaggregated: bool,
    source: Option<String>,
    /// A change from last year above this many percent needs an explanation.
    jump_percent: u32,
    /// An invented demo indicator, never an official one.
    demo: bool,
}

impl From<&Indicator> for IndicatorView {
    fn from(i: &Indicator) -> Self {
        let s = &i.spec;
        IndicatorView {
            id: i.id,
            code: s.code.clone(),
            outline: s.domain.outline,
            domain_no: s.domain.no,
            goal: s.goal.clone(),
            name: s.name.clone(),
            unit: s.unit,
            numerator: s.numerator.clone(),
            denominator: s.denominator.clone(),
            direction: s.direction,
            department: s.department.as_str().to_owned(),
            levels: s.levels.iter().map(|l| l.get()).collect(),
            sex_disaggregated: s.sex_disaggregated,
            source: s.source.clone(),
            jump_percent: s.jump_percent,
            demo: s.demo,
        }
    }
}

/// The catalogue.
#[derive(Serialize, ToSchema)]
pub struct IndicatorList {
    /// `2021—2030`.
    period: String,
    indicators: Vec<IndicatorView>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// Only this department's indicators (a key of `outline-departments`).
    department: Option<String>,
}

/// `GET /api/v1/outlines/indicators`.
#[utoipa::path(
    get,
    path = "/api/v1/outlines/indicators",
    operation_id = "listOutlineIndicators",
    tag = "outlines",
    summary = "The indicator catalogue of the plan period",
    description = "By outline (women first), domain and code. Demo indicators carry `demo: true`. \
                   A `department` that is not a key of `outline-departments` answers `422`.",
    params(CatalogueQuery),
    responses(
        (status = 200, description = "The catalogue.", body = IndicatorList),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn list_indicators(
    State(state): State<AppState>,
    ApiActor(_actor): ApiActor,
    ApiQuery(q): ApiQuery<CatalogueQuery>,
) -> AppResult<Json<IndicatorList>> {
    let department = match q.department.as_deref().filter(|d| !d.trim().is_empty()) {
        None => None,
        Some(d) => Some(Department::parse(d).map_err(AppError::Invalid)?),
    };
    let p = svc::period();
    let list = state.store.indicators(p, department.as_ref()).await?;
    Ok(Json(IndicatorList {
        period: p.label(),
        indicators: list.iter().map(IndicatorView::from).collect(),
    }))
}

/// A catalogue row as sent.
#[derive(Deserialize, ToSchema)]
pub struct IndicatorBody {
    code: String,
    /// `women` or `children`.
    outline: String,
    domain_no: Option<i64>,
    #[serde(default)]
    goal: String,
    name: String,
    /// `percent`, `per_mille`, `per_100k`, `per_1000_children`, `count` or `years`.
    unit: String,
    #[serde(default)]
    numerator: String,
    #[serde(default)]
    denominator: String,
    /// `at_least` or `at_most`.
    direction: String,
    department: String,
    /// Levels that report it, e.g. `1,2,3`.
    levels: String,
    #[serde(default)]
    sex_disaggregated: bool,
    #[serde(default)]
    source: String,
    jump_percent: Option<i64>,
    #[serde(default)]
    demo: bool,
}

impl From<IndicatorBody> for IndicatorDraft {
    fn from(b: IndicatorBody) -> Self {
        IndicatorDraft {
            code: b.code,
            outline: b.outline,
            domain_no: b.domain_no,
            goal: b.goal,
            name: b.name,
            unit: b.unit,
            numerator: b.numerator,
            denominator: b.denominator,
            direction: b.direction,
            department: b.department,
            levels: b.levels,
            sex_disaggregated: b.sex_disaggregated,
            source: b.source,
            jump_percent: b.jump_percent,
            demo: b.demo,
        }
    }
}

/// Catalogue rows to add or replace (by code).
#[derive(Deserialize, ToSchema)]
pub struct CatalogueBody {
    indicators: Vec<IndicatorBody>,
}

/// The ids of the rows saved, in the order sent.
#[derive(Serialize, ToSchema)]
pub struct CatalogueSaved {
    ids: Vec<IndicatorId>,
}

/// `PUT /api/v1/outlines/indicators`.
#[utoipa::path(
    put,
    path = "/api/v1/outlines/indicators",
    operation_id = "saveOutlineIndicators",
    tag = "outlines",
    summary = "Add or replace catalogue rows",
    description = "All or nothing: one wrong row saves none, and each error names its row \
                   (`indicators[2].unit`). A row with the code of an existing one replaces it; \
                   changing the unit or the sex split of an indicator that already has reported \
                   values is refused (`409`). Audited.",
    request_body = CatalogueBody,
    responses(
        (status = 200, description = "Saved.", body = CatalogueSaved),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn save_indicators(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<CatalogueBody>,
) -> AppResult<Json<CatalogueSaved>> {
    let drafts = b.indicators.into_iter().map(IndicatorDraft::from).collect();
    let specs = svc::check_catalogue(&state, drafts).await.map_err(|es| {
        AppError::InvalidFields(
            es.into_iter()
                .map(|(i, e)| FieldError::named(format!("indicators[{i}].{}", e.field), e.key))
                .collect(),
        )
    })?;
    let ids = svc::save_catalogue(&state, &actor, ip, &specs).await?;
    Ok(Json(CatalogueSaved { ids }))
}

/// A target of one indicator and year at a unit.
#[derive(Serialize, ToSchema)]
pub struct TargetView {
    indicator_id: IndicatorId,
    /// The mid-term (2025) or final (2030) year.
    year: i32,
    /// Set at this unit.
    own: Option<f64>,
    /// The strictest set above it.
    inherited: Option<f64>,
    /// What holds: the stricter of the two.
    effective: Option<f64>,
    /// Taken from a published outline.
    official: bool,
}

/// The targets that hold at a unit.
#[derive(Serialize, ToSchema)]
pub struct TargetList {
    unit: UnitPathStep,
    targets: Vec<TargetView>,
}

/// `GET /api/v1/outlines/targets/{code}`.
#[utoipa::path(
    get,
    path = "/api/v1/outlines/targets/{code}",
    operation_id = "listOutlineTargets",
    tag = "outlines",
    summary = "The targets that hold at a unit",
    description = "For each indicator and assessment year with a target: the unit's own, the \
                   strictest inherited from above, and the one that holds.",
    params(UnitCodePath),
    responses(
        (status = 200, description = "The targets.", body = TargetList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn list_targets(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
) -> AppResult<Json<TargetList>> {
    let unit = svc::unit_in_scope(&state, &actor, &code).await?;
    let targets = svc::targets_held(&state, &actor, &unit)
        .await?
        .into_iter()
        .map(|t| TargetView {
            indicator_id: t.indicator,
            year: t.year,
            own: t.own,
            inherited: t.inherited,
            effective: t.effective,
            official: t.official,
        })
        .collect();
    Ok(Json(TargetList {
        unit: UnitPathStep::of(&unit),
        targets,
    }))
}

/// A target to set at a unit.
#[derive(Deserialize, ToSchema)]
pub struct TargetBody {
    indicator_id: i64,
    /// 2025 (mid-term) or 2030 (final).
    year: i64,
    value: f64,
}

/// Done.
#[derive(Serialize, ToSchema)]
pub struct Done {
    ok: bool,
}

/// `PUT /api/v1/outlines/targets/{code}`.
#[utoipa::path(
    put,
    path = "/api/v1/outlines/targets/{code}",
    operation_id = "setOutlineTarget",
    tag = "outlines",
    summary = "Set a unit's own target",
    description = "At the region, a league or a banner, for the mid-term or final year. Never \
                   looser than what the unit inherits from above (`422`, field `value`). Audited.",
    params(UnitCodePath),
    request_body = TargetBody,
    responses(
        (status = 200, description = "Set.", body = Done),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn set_target(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<TargetBody>,
) -> AppResult<Json<Done>> {
    svc::set_target(&state, &actor, ip, &code, b.indicator_id, b.year, b.value).await?;
    Ok(Json(Done { ok: true }))
}

/// One indicator's figures in a report.
#[derive(Serialize, ToSchema)]
pub struct ValueView {
    indicator_id: IndicatorId,
    total: Figure,
    female: Option<Figure>,
    male: Option<Figure>,
    /// The indicator's value (a ratio times its scale).
    value: Option<f64>,
    source: Option<String>,
    note: Option<String>,
    explanation: Option<String>,
}

/// A unit's yearly report for one department.
#[derive(Serialize, ToSchema)]
#[schema(as = OutlineReport)]
pub struct ReportView {
    unit: UnitPathStep,
    year: i32,
    department: String,
    status: OutlineReportStatus,
    return_reason: Option<String>,
    values: Vec<ValueView>,
}

fn report_view(r: &Report, indicators: &[Indicator]) -> ReportView {
    ReportView {
        unit: UnitPathStep::from(&r.head.unit),
        year: r.head.year,
        department: r.head.department.as_str().to_owned(),
        status: r.head.status,
        return_reason: r.head.return_reason.clone(),
        values: r
            .values
            .iter()
            .map(|v| ValueView {
                indicator_id: v.indicator,
                total: v.entry.total,
                female: v.entry.female,
                male: v.entry.male,
                value: indicators
                    .iter()
                    .find(|i| i.id == v.indicator)
                    .and_then(|i| v.entry.total.value(i.spec.unit)),
                source: v.source.clone(),
                note: v.note.clone(),
                explanation: v.explanation.clone(),
            })
            .collect(),
    }
}

/// A department reporter's form: her indicators and her report so far.
#[derive(Serialize, ToSchema)]
pub struct MyReport {
    unit: UnitPathStep,
    year: i32,
    department: String,
    indicators: Vec<IndicatorView>,
    report: Option<ReportView>,
}

/// `{year}` and `{code}` of a report.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReportPath {
    /// A year of the plan period (2020, the baseline, to 2030); others answer `422`.
    pub year: i64,
    /// Code of the reporting unit.
    #[param(value_type = jinguo_domain::UnitCode, inline)]
    pub code: String,
}

/// `GET /api/v1/outlines/reports/{year}/{code}`.
#[utoipa::path(
    get,
    path = "/api/v1/outlines/reports/{year}/{code}",
    operation_id = "getMyOutlineReport",
    tag = "outlines",
    summary = "A department reporter's report for her unit",
    description = "The indicators her department reports at her unit's level and what she has \
                   entered so far. Only her own unit: any other answers `404`.",
    params(ReportPath),
    responses(
        (status = 200, description = "Her report.", body = MyReport),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn my_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((year, code)): Path<(String, String)>,
) -> AppResult<Json<MyReport>> {
    let year = svc::parse_year(path_year(&year)?)?;
    let unit = svc::unit_in_scope(&state, &actor, &code).await?;
    if unit.id != actor.unit.id {
        return Err(AppError::NotFound);
    }
    let department = svc::department_of(&state, &actor).await?;
    let indicators = svc::indicators_for(&state, &department, &unit).await?;
    let report = state
        .store
        .outline_report(actor.scope(), &unit, year, &department)
        .await?;
    Ok(Json(MyReport {
        unit: UnitPathStep::of(&unit),
        year,
        department: department.as_str().to_owned(),
        indicators: indicators.iter().map(IndicatorView::from).collect(),
        report: report.as_ref().map(|r| report_view(r, &indicators)),
    }))
}

/// A year in a path: a number, else `400`.
fn path_year(s: &str) -> AppResult<i64> {
    s.parse()
        .map_err(|_| AppError::BadRequest(format!("malformed year {s:?}")))
}

/// A figure as sent: numerator and denominator for a ratio, value for a
/// count or a plain value.
#[derive(Deserialize, ToSchema, Default)]
pub struct FigureBody {
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
}

fn figure_draft(b: Option<FigureBody>) -> FigureDraft {
    let b = b.unwrap_or_default();
    FigureDraft {
        numerator: b.numerator,
        denominator: b.denominator,
        value: b.value,
    }
}

/// One indicator's entry: the total, or female and male for a
/// sex-disaggregated one (the total is their sum).
#[derive(Deserialize, ToSchema)]
pub struct EntryBody {
    indicator_id: i64,
    total: Option<FigureBody>,
    female: Option<FigureBody>,
    male: Option<FigureBody>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    note: String,
    /// Required when the value moved more than the indicator's threshold since last year.
    #[serde(default)]
    explanation: String,
}

/// Figures to save into the report.
#[derive(Deserialize, ToSchema)]
pub struct ReportBody {
    entries: Vec<EntryBody>,
}

/// `PUT /api/v1/outlines/reports/{year}/{code}`.
#[utoipa::path(
    put,
    path = "/api/v1/outlines/reports/{year}/{code}",
    operation_id = "saveOutlineReport",
    tag = "outlines",
    summary = "Save figures into her report",
    description = "Only her own unit and her department's indicators. Plausibility: \
                   denominators above zero, no numerator above its denominator for a \
                   proportion, counts whole and not negative; a jump over the indicator's \
                   threshold since last year needs an `explanation`. Each error names its entry \
                   (`entries[0].total.denominator`); nothing is saved when one is wrong. A \
                   submitted or approved report is not changed (`422`, field `status`). Audited.",
    params(ReportPath),
    request_body = ReportBody,
    responses(
        (status = 200, description = "Saved.", body = ReportView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn save_outline_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((year, code)): Path<(String, String)>,
    ApiJson(b): ApiJson<ReportBody>,
) -> AppResult<Json<ReportView>> {
    let inputs: Vec<EntryInput> = b
        .entries
        .into_iter()
        .map(|e| EntryInput {
            indicator_id: e.indicator_id,
            draft: EntryDraft {
                total: figure_draft(e.total),
                female: figure_draft(e.female),
                male: figure_draft(e.male),
                source: e.source,
                note: e.note,
                explanation: e.explanation,
            },
        })
        .collect();
    let r = svc::save_outline_report(&state, &actor, ip, path_year(&year)?, &code, &inputs).await?;
    let indicators = state.store.indicators(svc::period(), None).await?;
    Ok(Json(report_view(&r, &indicators)))
}

/// `POST /api/v1/outlines/reports/{year}/{code}/submit`.
#[utoipa::path(
    post,
    path = "/api/v1/outlines/reports/{year}/{code}/submit",
    operation_id = "submitOutlineReport",
    tag = "outlines",
    summary = "Hand her report in for checking",
    description = "A draft or returned report with at least one figure; the office then \
                   approves or returns it. Audited.",
    params(ReportPath),
    responses(
        (status = 200, description = "Submitted.", body = ReportView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn submit_outline_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((year, code)): Path<(String, String)>,
) -> AppResult<Json<ReportView>> {
    let r = svc::submit_outline_report(&state, &actor, ip, path_year(&year)?, &code).await?;
    let indicators = state.store.indicators(svc::period(), None).await?;
    Ok(Json(report_view(&r, &indicators)))
}

/// `{year}`, `{code}` and `{department}` of a report the office checks.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OfficeReportPath {
    /// A year of the plan period (2020 to 2030).
    pub year: i64,
    /// Code of the reporting unit.
    #[param(value_type = jinguo_domain::UnitCode, inline)]
    pub code: String,
    /// A key of the `outline-departments` dictionary; others answer `404`.
    pub department: String,
}

/// `GET /api/v1/outlines/reports/{year}/{code}/{department}`.
#[utoipa::path(
    get,
    path = "/api/v1/outlines/reports/{year}/{code}/{department}",
    operation_id = "getOutlineReport",
    tag = "outlines",
    summary = "A department's report of a unit, for the office",
    description = "`404` when the department has not started one.",
    params(OfficeReportPath),
    responses(
        (status = 200, description = "The report.", body = ReportView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn office_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((year, code, department)): Path<(String, String, String)>,
) -> AppResult<Json<ReportView>> {
    let year = svc::parse_year(path_year(&year)?)?;
    let unit = svc::unit_in_scope(&state, &actor, &code).await?;
    let department = svc::path_department(&department)?;
    let r = state
        .store
        .outline_report(actor.scope(), &unit, year, &department)
        .await?
        .ok_or(AppError::NotFound)?;
    let indicators = state.store.indicators(svc::period(), None).await?;
    Ok(Json(report_view(&r, &indicators)))
}

/// `POST /api/v1/outlines/reports/{year}/{code}/{department}/approve`.
#[utoipa::path(
    post,
    path = "/api/v1/outlines/reports/{year}/{code}/{department}/approve",
    operation_id = "approveOutlineReport",
    tag = "outlines",
    summary = "Approve a submitted report",
    description = "Its figures count in the unit's and its ancestors' figures from then on; \
                   it cannot be changed any more. Only a submitted report (`422`, field \
                   `status`). Audited.",
    params(OfficeReportPath),
    responses(
        (status = 200, description = "Approved.", body = ReportView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn approve(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((year, code, department)): Path<(String, String, String)>,
) -> AppResult<Json<ReportView>> {
    let r = svc::review_outline_report(
        &state,
        &actor,
        ip,
        path_year(&year)?,
        &code,
        &department,
        None,
    )
    .await?;
    let indicators = state.store.indicators(svc::period(), None).await?;
    Ok(Json(report_view(&r, &indicators)))
}

/// Why a report goes back.
#[derive(Deserialize, ToSchema)]
#[schema(as = OutlineReturnReason)]
pub struct ReasonBody {
    reason: String,
}

/// `POST /api/v1/outlines/reports/{year}/{code}/{department}/return`.
#[utoipa::path(
    post,
    path = "/api/v1/outlines/reports/{year}/{code}/{department}/return",
    operation_id = "returnOutlineReport",
    tag = "outlines",
    summary = "Return a submitted report with a reason",
    description = "The department corrects and submits it again. The reason is required. \
                   Audited.",
    params(OfficeReportPath),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Returned.", body = ReportView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn return_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((year, code, department)): Path<(String, String, String)>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> AppResult<Json<ReportView>> {
    let r = svc::review_outline_report(
        &state,
        &actor,
        ip,
        path_year(&year)?,
        &code,
        &department,
        Some(&b.reason),
    )
    .await?;
    let indicators = state.store.indicators(svc::period(), None).await?;
    Ok(Json(report_view(&r, &indicators)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// A unit of the caller's subtree (`404` otherwise); her own when absent.
    unit: Option<String>,
    /// The year; last year when absent.
    year: Option<i64>,
    /// `draft`, `submitted`, `returned` or `approved`; all when absent.
    status: Option<String>,
}

/// A report in the office's list.
#[derive(Serialize, ToSchema)]
pub struct ReviewItem {
    unit: UnitPathStep,
    year: i32,
    department: String,
    status: OutlineReportStatus,
    return_reason: Option<String>,
}

/// Reports of a subtree.
#[derive(Serialize, ToSchema)]
pub struct ReviewList {
    unit: UnitPathStep,
    year: i32,
    reports: Vec<ReviewItem>,
}

/// `GET /api/v1/outlines/reviews`.
#[utoipa::path(
    get,
    path = "/api/v1/outlines/reviews",
    operation_id = "listOutlineReviews",
    tag = "outlines",
    summary = "Departments' reports of a subtree, for the office to check",
    description = "By unit code, then department.",
    params(ReviewQuery),
    responses(
        (status = 200, description = "The reports.", body = ReviewList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn reviews(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ReviewQuery>,
) -> AppResult<Json<ReviewList>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let year = match q.year {
        Some(y) => svc::parse_year(y)?,
        None => svc::default_year(&state),
    };
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(OutlineReportStatus::parse(s).ok_or(AppError::Invalid(
            FieldError::new("status", "err.outline.status"),
        ))?),
    };
    let rows = state
        .store
        .outline_reports_under(actor.scope(), &unit, year, status)
        .await?;
    Ok(Json(ReviewList {
        unit: UnitPathStep::of(&unit),
        year,
        reports: rows
            .iter()
            .map(|h| ReviewItem {
                unit: UnitPathStep::from(&h.unit),
                year: h.year,
                department: h.department.as_str().to_owned(),
                status: h.status,
                return_reason: h.return_reason.clone(),
            })
            .collect(),
    }))
}

/// One indicator's figures at one unit.
#[derive(Serialize, ToSchema)]
pub struct CellView {
    /// What counts: the unit's own approved value, else the aggregate of its units below.
    value: Option<f64>,
    /// The unit's own approved value.
    own: Option<f64>,
    /// Σ numerators / Σ denominators of the units below (never a mean of their rates).
    aggregate: Option<Aggregate>,
    /// The own value and the aggregate differ by more than 5 %.
    differs: bool,
    female: Option<f64>,
    male: Option<f64>,
    previous: Option<f64>,
    /// The value in the baseline year (2020).
    baseline: Option<f64>,
    target: Option<f64>,
    target_year: Option<i32>,
    attainment: Attainment,
}

impl From<&Cell> for CellView {
    fn from(c: &Cell) -> Self {
        CellView {
            value: c.value,
            own: c.own,
            aggregate: c.aggregate,
            differs: c.differs,
            female: c.female,
            male: c.male,
            previous: c.previous,
            baseline: c.baseline,
            target: c.target.map(|t| t.1),
            target_year: c.target.map(|t| t.0),
            attainment: c.attainment,
        }
    }
}

/// One indicator at the unit and at each unit one level down.
#[derive(Serialize, ToSchema)]
pub struct FigureRow {
    indicator_id: IndicatorId,
    code: String,
    name: String,
    unit: UnitKind,
    direction: Direction,
    demo: bool,
    #[serde(flatten)]
    cell: CellView,
    /// In the order of `children`.
    children: Vec<CellView>,
}

/// "9 of 11 attained" for one domain.
#[derive(Serialize, ToSchema)]
pub struct DomainView {
    outline: Outline,
    domain_no: u8,
    attained: u32,
    on_track: u32,
    off_track: u32,
    no_data: u32,
    total: u32,
}

/// A unit's outline figures and attainment for a year.
#[derive(Serialize, ToSchema)]
pub struct UnitOutlines {
    unit: UnitPathStep,
    year: i32,
    /// The reporting units one level down (the region: every league).
    children: Vec<UnitPathStep>,
    domains: Vec<DomainView>,
    indicators: Vec<FigureRow>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// A year of the plan period (2020 to 2030); last year when absent.
    year: Option<i64>,
}

/// `GET /api/v1/units/{code}/outlines?year=`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/outlines",
    operation_id = "getUnitOutlines",
    tag = "outlines",
    summary = "A unit's outline figures and attainment",
    description = "Every indicator: the value (own approved report, else the ratio-correct \
                   aggregate of the units below with its denominator coverage), baseline, \
                   target that holds and attainment (attained, on track or off track on the \
                   straight line from the 2020 baseline to the target); the same for each \
                   reporting unit one level down; a summary per domain.",
    params(UnitCodePath, FiguresQuery),
    responses(
        (status = 200, description = "The figures.", body = UnitOutlines),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn unit_outlines(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> AppResult<Json<UnitOutlines>> {
    let unit = svc::unit_in_scope(&state, &actor, &code).await?;
    let year = match q.year {
        Some(y) => svc::parse_year(y)?,
        None => svc::default_year(&state),
    };
    let f = svc::figures(&state, &actor, &unit, year).await?;
    Ok(Json(UnitOutlines {
        unit: UnitPathStep::of(&unit),
        year,
        children: f.children.iter().map(UnitPathStep::from).collect(),
        domains: f
            .domains
            .iter()
            .map(|(d, s)| DomainView {
                outline: d.outline,
                domain_no: d.no,
                attained: s.attained,
                on_track: s.on_track,
                off_track: s.off_track,
                no_data: s.no_data,
                total: s.total(),
            })
            .collect(),
        indicators: f
            .rows
            .iter()
            .map(|r| FigureRow {
                indicator_id: r.indicator.id,
                code: r.indicator.spec.code.clone(),
                name: r.indicator.spec.name.clone(),
                unit: r.indicator.spec.unit,
                direction: r.indicator.spec.direction,
                demo: r.indicator.spec.demo,
                cell: CellView::from(&r.cell),
                children: r.children.iter().map(CellView::from).collect(),
            })
            .collect(),
    }))
}

/// A reporter's department.
#[derive(Deserialize, ToSchema)]
pub struct ReporterBody {
    /// A key of the `outline-departments` dictionary.
    department: String,
}

/// `{id}` of a user.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserIdPath {
    /// Anything but a positive integer answers `404`.
    #[param(minimum = 1)]
    pub id: i64,
}

/// `PUT /api/v1/outlines/reporters/{id}`.
#[utoipa::path(
    put,
    path = "/api/v1/outlines/reporters/{id}",
    operation_id = "setOutlineReporterDepartment",
    tag = "outlines",
    summary = "Assign a department reporter's department",
    description = "The account must hold the `department` role (`422`, field `roles`). \
                   Audited.",
    params(UserIdPath),
    request_body = ReporterBody,
    responses(
        (status = 200, description = "Assigned.", body = Done),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn set_reporter(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReporterBody>,
) -> AppResult<Json<Done>> {
    let id = crate::honours::parse_id(&id)?;
    svc::assign_department(&state, &actor, ip, UserId::new(id), &b.department).await?;
    Ok(Json(Done { ok: true }))
}

/// `GET /api/v1/units/{code}/outlines/report.xlsx?year=`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/outlines/report.xlsx",
    operation_id = "getUnitOutlinesWorkbook",
    tag = "outlines",
    summary = "A unit's annual outline monitoring workbook",
    description = "The figures of `GET /api/v1/units/{code}/outlines` as an `.xlsx` workbook: a \
                   first sheet with one line per domain (attained, on track, off track, no data, \
                   total, \"N 项中 M 项已达标\"), then one sheet per domain with one row per \
                   indicator: code, name (invented indicators marked 【演示】), unit, target, \
                   value, female and male values of sex-disaggregated indicators, numerator, \
                   denominator, denominator coverage and attainment. Headings follow the \
                   reader's language. A unit outside the caller's subtree answers `404`.",
    params(UnitCodePath, FiguresQuery),
    responses(
        (status = 200,
         description = "The workbook, as an attachment named `outlines-{unit code}-{year}.xlsx`; \
                        not to be cached.",
         content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         body = crate::routes::api::tasks::XlsxWorkbook,
         headers(
             ("Content-Disposition" = String, description = "`attachment` with the file name."),
             ("Cache-Control" = String, description = "`no-store`."),
         )),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn unit_outlines_workbook(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    lang: crate::i18n::Lang,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> AppResult<axum::response::Response> {
    let unit = svc::unit_in_scope(&state, &actor, &code).await?;
    let year = match q.year {
        Some(y) => svc::parse_year(y)?,
        None => svc::default_year(&state),
    };
    svc::workbook_download(
        &state,
        &actor,
        &unit,
        year,
        svc::workbook::Book::Annual,
        lang,
    )
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// `midterm` (the 2025 mid-term assessment) or `final` (2030).
    #[param(pattern = "^(midterm|final)$")]
    kind: String,
}

/// `GET /api/v1/units/{code}/outlines/assessment.xlsx?kind=`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/outlines/assessment.xlsx",
    operation_id = "getUnitOutlinesAssessment",
    tag = "outlines",
    summary = "A unit's mid-term or final outline assessment workbook",
    description = "The layout of the annual workbook for the mid-term (2025) or final (2030) \
                   assessment: a first sheet with one line per domain (attained, not attained, \
                   no data, total, \"N 项中 M 项已达标\"), then one sheet per domain with one \
                   row per indicator: code, name (invented indicators marked 【演示】), unit, \
                   the 2020 baseline, the assessment year's value, female and male values of \
                   sex-disaggregated indicators, the target for that horizon as the targets \
                   hold it (the mid-term one, else the final one) with its year, and attained \
                   or not. A unit outside the caller's subtree answers `404`; another `kind` \
                   `422`.",
    params(UnitCodePath, AssessmentQuery),
    responses(
        (status = 200,
         description = "The workbook, as an attachment named \
                        `outlines-{unit code}-{kind}-{year}.xlsx`; not to be cached.",
         content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         body = crate::routes::api::tasks::XlsxWorkbook,
         headers(
             ("Content-Disposition" = String, description = "`attachment` with the file name."),
             ("Cache-Control" = String, description = "`no-store`."),
         )),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn unit_outlines_assessment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    lang: crate::i18n::Lang,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> AppResult<axum::response::Response> {
    let unit = svc::unit_in_scope(&state, &actor, &code).await?;
    let kind = svc::workbook::Assessment::parse(&q.kind).ok_or(AppError::Invalid(
        FieldError::new("kind", "err.outline.assessment_kind"),
    ))?;
    let book = svc::workbook::Book::Assessment(kind);
    svc::workbook_download(&state, &actor, &unit, kind.year(svc::period()), book, lang).await
}

/// An indicator no department has handed in.
#[derive(Serialize, ToSchema)]
pub struct UnreportedIndicator {
    id: IndicatorId,
    code: String,
    name: String,
    /// An invented indicator of the demo catalogue, not an official one.
    demo: bool,
}

/// A department's indicators not handed in.
#[derive(Serialize, ToSchema)]
pub struct UnreportedDepartment {
    /// A key of the `outline-departments` dictionary.
    department: String,
    indicators: Vec<UnreportedIndicator>,
}

/// The indicators of a unit not reported for a year, by department.
#[derive(Serialize, ToSchema)]
pub struct UnreportedList {
    unit: UnitPathStep,
    year: i32,
    departments: Vec<UnreportedDepartment>,
}

/// `GET /api/v1/units/{code}/outlines/unreported?year=`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/outlines/unreported",
    operation_id = "getUnitOutlinesUnreported",
    tag = "outlines",
    summary = "The indicators a unit's departments have not reported",
    description = "Per responsible department (in key order), the indicators of the unit's \
                   level with no submitted or approved report of that department at the unit \
                   for the year; a draft or a returned report is still outstanding. A unit \
                   outside the caller's subtree answers `404`.",
    params(UnitCodePath, FiguresQuery),
    responses(
        (status = 200, description = "The list.", body = UnreportedList),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn unit_outlines_unreported(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> AppResult<Json<UnreportedList>> {
    let unit = svc::unit_in_scope(&state, &actor, &code).await?;
    let year = match q.year {
        Some(y) => svc::parse_year(y)?,
        None => svc::default_year(&state),
    };
    let list = svc::unreported(&state, &actor, &unit, year).await?;
    Ok(Json(UnreportedList {
        unit: UnitPathStep::of(&unit),
        year,
        departments: list
            .into_iter()
            .map(|(d, inds)| UnreportedDepartment {
                department: d.as_str().to_owned(),
                indicators: inds
                    .into_iter()
                    .map(|i| UnreportedIndicator {
                        id: i.id,
                        code: i.spec.code,
                        name: i.spec.name,
                        demo: i.spec.demo,
                    })
                    .collect(),
            })
            .collect(),
    }))
}
