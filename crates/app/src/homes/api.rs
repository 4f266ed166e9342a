//! Women's Homes over the API: register, list, read, change, coverage, the
//! photo, and the facility dictionary (public: the help page shows it).

use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use jinguo_domain::home::{HomeDraft, HomeStatus};
use jinguo_store::homes::{CoverageCounts, Home};
use jinguo_store::model::{Page, UnitRef};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::homes::{self, PhotoPick, parse_id};
use crate::net::ClientIp;
use crate::photos::check::MAX_PHOTO_BYTES;
use crate::photos::upload::photos_only;
use crate::routes::api::{ApiJson, ApiQuery, parse_code, unit_of};
use crate::state::AppState;

fn unit_json(u: &UnitRef) -> Value {
    json!({"code": u.code, "name": u.name, "level": u.level})
}

pub fn home_json(h: &Home) -> Value {
    let f = &h.fields;
    json!({
        "id": h.id,
        "unit": unit_json(&h.unit),
        "name": f.name,
        "address": f.address,
        "lat": f.coords.map(|c| c.lat()),
        "lon": f.coords.map(|c| c.lon()),
        "hours": f.hours,
        "phone": f.phone.as_ref().map(|p| p.as_str()),
        "facilities": f.facilities,
        "status": f.status,
        "photo_url": h.photo.as_ref().map(|_| format!("/api/v1/homes/{}/photo", h.id.get())),
        "created_at": h.created_at,
        "updated_at": h.updated_at,
    })
}

/// The body of `POST` and `PUT`.
#[derive(Deserialize)]
pub struct HomeBody {
    unit_code: String,
    name: String,
    address: String,
    lat: Option<f64>,
    lon: Option<f64>,
    hours: Option<String>,
    phone: Option<String>,
    #[serde(default)]
    facilities: Vec<String>,
    status: Option<String>,
}

impl HomeBody {
    fn draft(&self) -> HomeDraft {
        HomeDraft {
            name: self.name.clone(),
            address: self.address.clone(),
            lat: self.lat,
            lon: self.lon,
            hours: self.hours.clone(),
            phone: self.phone.clone(),
            facilities: self.facilities.clone(),
            status: self.status.clone(),
        }
    }
}

/// `POST /api/v1/homes`.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<HomeBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let id = homes::create(
        &state,
        &actor,
        ip,
        &b.unit_code,
        &b.draft(),
        PhotoPick::default(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// `GET /api/v1/homes/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let h = state
        .store
        .home_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    Ok(Json(home_json(&h)))
}

/// `PUT /api/v1/homes/{id}`: the whole record; a new `unit_code` moves it,
/// a missing `status` keeps the current one.
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<HomeBody>,
) -> AppResult<Json<Value>> {
    let h = homes::update(
        &state,
        &actor,
        ip,
        parse_id(&id)?,
        &b.unit_code,
        &b.draft(),
        PhotoPick::default(),
    )
    .await?;
    Ok(Json(home_json(&h)))
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// A status filter from a query: empty is "any", unknown is a field error.
pub fn status_filter(s: Option<&str>) -> AppResult<Option<HomeStatus>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => {
            HomeStatus::parse(s)
                .map(Some)
                .ok_or(AppError::Invalid(jinguo_domain::FieldError::new(
                    "status",
                    "err.home.status",
                )))
        }
    }
}

/// `GET /api/v1/homes?unit=&status=`: the subtree's homes, paged.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Value>> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let status = status_filter(q.status.as_deref())?;
    let page = Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let rows = state
        .store
        .homes_under(actor.scope(), &unit, status, page)
        .await?;
    Ok(Json(json!({
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "limit": page.limit,
        "offset": page.offset,
        "homes": rows.iter().map(home_json).collect::<Vec<_>>(),
    })))
}

fn counts_json(c: &CoverageCounts) -> Value {
    json!({
        "active_homes": c.active_homes,
        "villages": c.villages,
        "covered_villages": c.covered_villages,
        "coverage_pct": c.coverage_pct(),
    })
}

/// `GET /api/v1/units/{code}/homes/coverage`: from the counters.
pub async fn coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
) -> AppResult<Json<Value>> {
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &parse_code(&code)?)
        .await?;
    let cov = state.store.home_coverage(actor.scope(), &unit).await?;
    let mut out = counts_json(&cov.counts);
    out["unit"] = unit_json(&cov.unit);
    out["children"] = cov
        .children
        .iter()
        .map(|(u, c)| {
            let mut v = counts_json(c);
            v["unit"] = unit_json(u);
            v
        })
        .collect();
    Ok(Json(out))
}

/// The photo route's body: one picture and the multipart framing.
pub fn photo_route() -> MethodRouter<AppState> {
    post(upload_photo).layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES + 64 * 1024))
}

/// `POST /api/v1/homes/{id}/photo`: one `photo` part, replacing any photo
/// the home had.
pub async fn upload_photo(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<Json<Value>> {
    // Role, then scope, then the body.
    let home = state
        .store
        .home_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let form = Multipart::from_request(req, &state)
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?;
    let uploads = photos_only(form).await?;
    if uploads.0.is_empty() {
        return Err(AppError::InvalidFields(vec![crate::photos::MISSING]));
    }
    let pick = homes::one_photo(uploads.0).await?;
    if let Some(e) = pick.error {
        return Err(AppError::InvalidFields(vec![e]));
    }
    homes::set_photo(&state, &actor, ip, &home, pick.photo.as_ref()).await?;
    Ok(Json(
        json!({ "photo_url": format!("/api/v1/homes/{}/photo", home.id.get()) }),
    ))
}

/// `GET /api/v1/homes/{id}/photo`: the picture itself.
pub async fn photo(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    homes::photo_response(&state, &actor, parse_id(&id)?).await
}

/// `GET /api/v1/dictionaries/home-facilities`: active entries, readable
/// without a login for the public help page.
pub async fn facilities(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let entries = state.dictionary(jinguo_store::homes::FACILITIES).await?;
    let active: Vec<_> = entries.iter().filter(|e| e.active).collect();
    Ok(Json(json!({ "entries": active })))
}
