use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jinguo_domain::{Level, UnitCode, UnitKind};
use jinguo_store::model::{Unit, UnitRef};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::openapi::{BadRequest, Conflict, Internal, Invalid, NotFound};
use super::{ApiJson, ApiQuery, parse_code};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::net::ClientIp;
use crate::state::AppState;

/// A unit as a step of a path, or as a short reference.
#[derive(Serialize, ToSchema)]
pub struct UnitPathStep {
    code: UnitCode,
    /// Name of the unit (Chinese).
    name: String,
    level: Level,
}

impl UnitPathStep {
    pub fn of(unit: &Unit) -> Self {
        UnitPathStep {
            code: unit.code.clone(),
            name: unit.name.clone(),
            level: unit.level,
        }
    }
}

impl From<&UnitRef> for UnitPathStep {
    fn from(u: &UnitRef) -> Self {
        UnitPathStep {
            code: u.code.clone(),
            name: u.name.clone(),
            level: u.level,
        }
    }
}

/// A unit by code and name.
#[derive(Serialize, ToSchema)]
pub struct UnitLabel {
    code: UnitCode,
    /// Name of the unit (Chinese).
    name: String,
}

impl UnitLabel {
    pub fn new(code: UnitCode, name: String) -> Self {
        UnitLabel { code, name }
    }

    pub fn of(unit: &Unit) -> Self {
        UnitLabel {
            code: unit.code.clone(),
            name: unit.name.clone(),
        }
    }
}

impl From<&UnitRef> for UnitLabel {
    fn from(u: &UnitRef) -> Self {
        UnitLabel {
            code: u.code.clone(),
            name: u.name.clone(),
        }
    }
}

/// A unit of the organisation tree with its path from the root.
#[derive(Serialize, ToSchema)]
#[schema(as = Unit)]
pub struct UnitView {
    code: UnitCode,
    /// Name of the unit (Chinese).
    name: String,
    /// Name in traditional Mongolian script, if known.
    name_mn: Option<String>,
    level: Level,
    kind: UnitKind,
    /// False for a unit retired from the official code list; retired units are kept, never
    /// deleted.
    active: bool,
    /// Code of the parent unit; null for the root.
    parent_code: Option<UnitCode>,
    /// The units from the root down to this unit, this unit included.
    #[schema(min_items = 1, max_items = 5)]
    path: Vec<UnitPathStep>,
    /// Number of active direct children.
    #[schema(minimum = 0)]
    children_count: i64,
}

impl UnitView {
    fn new(unit: &Unit, path: &[UnitRef]) -> Self {
        let parent_code = path.len().checked_sub(2).map(|i| path[i].code.clone());
        UnitView {
            code: unit.code.clone(),
            name: unit.name.clone(),
            name_mn: unit.name_mn.clone(),
            level: unit.level,
            kind: unit.kind,
            active: unit.active,
            parent_code,
            path: path.iter().map(UnitPathStep::from).collect(),
            children_count: unit.children_count,
        }
    }
}

/// A direct child in a children listing.
#[derive(Serialize, ToSchema)]
pub struct UnitChild {
    code: UnitCode,
    /// Name of the unit (Chinese).
    name: String,
    /// Name in traditional Mongolian script, if known.
    name_mn: Option<String>,
    level: Level,
    kind: UnitKind,
    /// False for a retired unit.
    active: bool,
    /// Number of active direct children.
    #[schema(minimum = 0)]
    children_count: i64,
}

/// A unit and its direct children.
#[derive(Serialize, ToSchema)]
pub struct UnitChildren {
    unit: UnitPathStep,
    /// Active children first, then geographic before sector, then by code.
    children: Vec<UnitChild>,
}

/// Units matching a search, by level and then code.
#[derive(Serialize, ToSchema)]
pub struct UnitSearchResults {
    #[schema(max_items = 100)]
    results: Vec<UnitView>,
}

/// `GET /api/v1/units/{code}`: the tree is public to every logged-in user.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}",
    operation_id = "getUnit",
    tag = "units",
    summary = "One unit with its path",
    description = "Any unit of the tree, retired ones included, with its path from the root and \
                   its parent's code. Not limited to the caller's subtree.",
    params(UnitCodePath),
    responses(
        (status = 200, description = "The unit.", body = UnitView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    _actor: ApiActor,
    Path(code): Path<String>,
) -> AppResult<Json<UnitView>> {
    let unit = state.store.unit_by_code(&parse_code(&code)?).await?;
    let path = state.store.path(&unit).await?;
    Ok(Json(UnitView::new(&unit, &path)))
}

/// `GET /api/v1/units/{code}/children`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/children",
    operation_id = "listUnitChildren",
    tag = "units",
    summary = "Direct children of a unit",
    description = "The direct children of any unit of the tree, retired ones included: active \
                   children first, then geographic units before sector organisations, then by \
                   code. Not limited to the caller's subtree.",
    params(UnitCodePath),
    responses(
        (status = 200, description = "The unit and its children.", body = UnitChildren),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn children(
    State(state): State<AppState>,
    _actor: ApiActor,
    Path(code): Path<String>,
) -> AppResult<Json<UnitChildren>> {
    let unit = state.store.unit_by_code(&parse_code(&code)?).await?;
    let children = state.store.children(unit.id).await?;
    Ok(Json(UnitChildren {
        unit: UnitPathStep::of(&unit),
        children: children
            .iter()
            .map(|c| UnitChild {
                code: c.code.clone(),
                name: c.name.clone(),
                name_mn: c.name_mn.clone(),
                level: c.level,
                kind: c.kind,
                active: c.active,
                children_count: c.children_count,
            })
            .collect(),
    }))
}

/// The `{code}` of a unit's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitCodePath {
    /// Code of a unit. A malformed code answers `400`; an unknown one `404`.
    #[param(value_type = UnitCode, inline)]
    pub code: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Prefix of a unit name or code, or of a word of its Mongolian name (variation selectors,
    /// the vowel separator and kinds of space ignored), at most 50 characters; matched literally
    /// (`%` and `_` are not wildcards). Longer text answers `400`.
    #[param(max_length = 50, example = "锡林")]
    q: String,
    /// Maximum number of results; values outside 1–100 are clamped.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<i64>,
}

/// `GET /api/v1/units?q=TEXT`: by name prefix or code prefix, with paths,
/// because many villages share a name.
#[utoipa::path(
    get,
    path = "/api/v1/units",
    operation_id = "searchUnits",
    tag = "units",
    summary = "Search units by name or code prefix",
    description = "Active units whose name or code starts with `q`, or one of whose Mongolian \
                   name's words does (free variation selectors, the vowel separator and kinds of \
                   space do not matter), ordered by level and then \
                   code, each with its path from the root because many villages share a name. \
                   Searches the whole tree, not only the caller's subtree. A `q` that is empty \
                   after trimming gives an empty list.",
    params(SearchQuery),
    responses(
        (status = 200, description = "Matching units.", body = UnitSearchResults),
        (status = 400, response = BadRequest),
        (status = 500, response = Internal),
    ),
)]
pub async fn search(
    State(state): State<AppState>,
    _actor: ApiActor,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> AppResult<Json<UnitSearchResults>> {
    if q.q.chars().count() > 50 {
        return Err(AppError::BadRequest(
            "q is longer than 50 characters".into(),
        ));
    }
    let hits = state
        .store
        .search_units(&q.q, None, q.limit.unwrap_or(20))
        .await?;
    Ok(Json(UnitSearchResults {
        results: hits
            .iter()
            .map(|h| UnitView::new(&h.unit, &h.path))
            .collect(),
    }))
}

/// A sector organisation to create.
#[derive(Deserialize, ToSchema)]
#[schema(as = NewSector)]
pub struct SectorBody {
    /// Name, 2–60 characters after trimming, without control characters (otherwise `422` with
    /// field `name`).
    #[schema(min_length = 2, max_length = 60)]
    name: String,
    /// Name in traditional Mongolian script; same rules as `name` (field `name_mn`). Null,
    /// absent or blank means none.
    name_mn: Option<String>,
}

/// `POST /api/v1/units/{code}/sectors`: a sector organisation under a unit
/// of the admin's subtree.
#[utoipa::path(
    post,
    path = "/api/v1/units/{code}/sectors",
    operation_id = "createSector",
    tag = "units",
    summary = "Create a sector organisation under a unit",
    description = "Creates a sector organisation (`kind` = `sector`) one level below the unit \
                   `{code}`, which must lie in the caller's subtree (otherwise `404`) and be a \
                   geographic unit above village level (otherwise `422` with field `parent`). Its \
                   code is the parent's code plus `-S` and the next serial. Recorded in the audit \
                   log.",
    params(UnitCodePath),
    request_body = SectorBody,
    responses(
        (status = 201, description = "The new sector organisation.", body = UnitView),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn create_sector(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<SectorBody>,
) -> AppResult<(StatusCode, Json<UnitView>)> {
    let parent = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let unit = crate::units::create_sector(
        &state,
        &actor,
        ip,
        &parent,
        &body.name,
        body.name_mn.as_deref(),
    )
    .await?;
    let path = state.store.path(&unit).await?;
    Ok((StatusCode::CREATED, Json(UnitView::new(&unit, &path))))
}
