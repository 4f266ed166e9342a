//! Women's Homes pages: the registry of a unit's subtree with its coverage
//! and a drill-down by child, a home's page with its photo, and the
//! phone-sized form to register or change one.

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, post};
use jinguo_domain::FieldError;
use jinguo_domain::home::{HomeDraft, HomeStatus};
use jinguo_store::homes::{CoverageCounts, Home, HomeFilter};
use jinguo_store::model::Unit;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::activities::label;
use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::homes::list::HomeParams;
use crate::homes::{self, parse_id};
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::paging::PER_PAGE;
use crate::photos::upload::FormWithPhotos;
use crate::render::WebResult;
use crate::routes::web::unit_of;
use crate::state::AppState;
use crate::xlsx::export::{Table, TableRow};

/// The body a home form may send: one photo at the largest size, the text
/// fields and the multipart framing. The CSRF guard allows the same.
pub const FORM_BODY: usize = crate::photos::MAX_PHOTO_BYTES + 256 * 1024;

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    /// Keyset paging: homes older than this id. Only links carry it, so a
    /// malformed one is no page (404), like a malformed unit code.
    before: Option<String>,
    done: Option<String>,
    #[serde(flatten)]
    filter: HomeParams,
}

/// Homes in one export: every home of the region, many times over.
const EXPORT_MAX: i64 = 20_000;

/// The unit and the parsed filters (or the field errors to show beside them).
async fn read(
    state: &AppState,
    actor: &Actor,
    q: &ListQuery,
) -> Result<(Unit, Result<HomeFilter, Vec<FieldError>>), AppError> {
    let unit = unit_of(state, actor, q.unit.as_deref()).await?;
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let filter = q.filter.parse().map(|f| HomeFilter { before, ..f });
    Ok((unit, filter))
}

#[derive(Serialize)]
struct CountsView {
    active_homes: i64,
    villages: i64,
    covered_villages: i64,
    pct: Option<f64>,
}

impl From<&CoverageCounts> for CountsView {
    fn from(c: &CoverageCounts) -> Self {
        CountsView {
            active_homes: c.active_homes,
            villages: c.villages,
            covered_villages: c.covered_villages,
            pct: c.coverage_pct(),
        }
    }
}

#[derive(Serialize)]
struct RowView<'a> {
    id: i64,
    name: &'a str,
    address: &'a str,
    unit_code: &'a str,
    unit_name: &'a str,
    hours: Option<&'a str>,
    phone: Option<&'a str>,
    status: &'static str,
}

fn row_view(h: &Home) -> RowView<'_> {
    RowView {
        id: h.id.get(),
        name: &h.fields.name,
        address: &h.fields.address,
        unit_code: h.unit.code.as_str(),
        unit_name: &h.unit.name,
        hours: h.fields.hours.as_deref(),
        phone: h.fields.phone.as_ref().map(|p| p.as_str()),
        status: h.fields.status.as_str(),
    }
}

/// `GET /homes?unit=`: coverage of a unit and its children, and the homes
/// of its subtree searched by name or address and filtered by status,
/// newest first, paged by id.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let (unit, filter) = read(&state, &actor, &q).await?;
    let (rows, errors) = match filter {
        Ok(f) => (
            state
                .store
                .homes_filtered(actor.scope(), &unit, &f, PER_PAGE + 1)
                .await?,
            vec![],
        ),
        Err(errors) => (vec![], errors),
    };
    let has_next = rows.len() as i64 > PER_PAGE;
    let rows: Vec<_> = rows.into_iter().take(PER_PAGE as usize).collect();
    let next = has_next.then(|| rows.last().map(|r| r.id.get())).flatten();
    let errors: BTreeMap<_, _> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key.to_string()))
        .collect();
    let cov = state.store.home_coverage(actor.scope(), &unit).await?;
    let path = state.store.path(&unit).await?;
    // Breadcrumbs only up to the actor's own unit: above it is not hers.
    let crumbs: Vec<_> = path
        .into_iter()
        .filter(|p| p.level >= actor.unit.level)
        .collect();
    let children: Vec<_> = cov
        .children
        .iter()
        .map(|(u, c)| context! { unit => u, counts => CountsView::from(c) })
        .collect();
    let done = q
        .done
        .filter(|d| ["created", "updated"].contains(&d.as_str()));
    Ok(state.templates.render(
        "homes/list.html",
        lang,
        Some(&actor),
        context! {
            unit, crumbs, next, done, children, errors,
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            filter => &q.filter, query => q.filter.query(),
            filtered => !q.filter.query().is_empty(),
            first_page => q.before.as_deref().unwrap_or("").is_empty(),
            statuses => HomeStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            counts => CountsView::from(&cov.counts),
            can_record => actor.can(jinguo_domain::Capability::RecordWork),
            rows => rows.iter().map(row_view).collect::<Vec<_>>(),
        },
    ))
}

/// `GET /homes/export.xlsx`: the same filtered list as a workbook: the
/// public facts of each home (name, address, hours, phone, status).
pub async fn export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (unit, filter) = read(&state, &actor, &q).await?;
    let filter = filter.map_err(AppError::InvalidFields)?;
    let rows = state
        .store
        .homes_filtered(actor.scope(), &unit, &filter, EXPORT_MAX)
        .await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let table = Table {
        name: t("home.list"),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "home.name",
                "home.address",
                "act.unit",
                "home.hours",
                "home.phone",
                "home.status_label",
            ],
        ),
        widths: vec![24.0, 30.0, 22.0, 18.0, 14.0, 10.0],
        rows: rows
            .iter()
            .map(|h| TableRow {
                texts: vec![
                    h.fields.name.clone(),
                    h.fields.address.clone(),
                    h.unit.name.clone(),
                    h.fields.hours.clone().unwrap_or_default(),
                    h.fields
                        .phone
                        .as_ref()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default(),
                    t(&format!("home.status.{}", h.fields.status.as_str())),
                ],
                numbers: vec![],
                total: false,
            })
            .collect(),
    };
    crate::xlsx::list_download(&unit, &t("home.list"), "homes", table)
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// `GET /homes/{id}`: a home with its photo.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> WebResult {
    let done = q
        .done
        .filter(|d| ["created", "updated"].contains(&d.as_str()));
    let h = state
        .store
        .home_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let unit = state.store.unit_by_id(h.unit.id).await?;
    let path: Vec<String> = state
        .store
        .path(&unit)
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let labels = crate::activities::labels(&state, jinguo_store::homes::FACILITIES, lang).await?;
    let facilities: Vec<String> = h
        .fields
        .facilities
        .iter()
        .map(|k| labels.get(k).cloned().unwrap_or_else(|| k.clone()))
        .collect();
    let f = &h.fields;
    Ok(state.templates.render(
        "homes/show.html",
        lang,
        Some(&actor),
        context! {
            id => h.id.get(),
            unit_code => h.unit.code.as_str(),
            unit_path => path.join(" › "),
            name => f.name, name_mn => f.name_mn, address => f.address, hours => f.hours,
            phone => f.phone.as_ref().map(|p| p.as_str()),
            lat => f.coords.map(|c| format!("{:.6}", c.lat())),
            lon => f.coords.map(|c| format!("{:.6}", c.lon())),
            status => f.status.as_str(),
            facilities, done,
            has_photo => h.photo.is_some(),
            can_record => actor.can(jinguo_domain::Capability::RecordWork),
        },
    ))
}

/// What the form shows: typed text, kept as typed when it comes back with
/// errors.
#[derive(Deserialize, Serialize, Default)]
pub struct HomeForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_mn: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    remove_photo: String,
    /// Repeated checkboxes, read apart from the other fields.
    #[serde(skip_deserializing)]
    facilities: Vec<String>,
}

/// A coordinate field: empty is "not given"; anything else that is not a
/// number becomes NaN, which the range rule reports.
fn degrees(s: &str) -> Option<f64> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.parse().unwrap_or(f64::NAN))
}

impl HomeForm {
    fn draft(&self) -> HomeDraft {
        let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        HomeDraft {
            name: self.name.clone(),
            name_mn: opt(&self.name_mn),
            address: self.address.clone(),
            lat: degrees(&self.lat),
            lon: degrees(&self.lon),
            hours: opt(&self.hours),
            phone: opt(&self.phone),
            facilities: self.facilities.clone(),
            status: opt(&self.status),
        }
    }

    fn of(h: &Home) -> Self {
        let f = &h.fields;
        HomeForm {
            unit_code: h.unit.code.to_string(),
            name: f.name.clone(),
            name_mn: f.name_mn.clone().unwrap_or_default(),
            address: f.address.clone(),
            lat: f
                .coords
                .map(|c| format!("{:.6}", c.lat()))
                .unwrap_or_default(),
            lon: f
                .coords
                .map(|c| format!("{:.6}", c.lon()))
                .unwrap_or_default(),
            hours: f.hours.clone().unwrap_or_default(),
            phone: f
                .phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            status: f.status.as_str().to_owned(),
            remove_photo: String::new(),
            facilities: f.facilities.clone(),
        }
    }

    fn read(sub: &FormWithPhotos) -> Result<Self, AppError> {
        let mut f: HomeForm = sub.parse()?;
        f.facilities = sub.all("facilities").map(str::to_owned).collect();
        Ok(f)
    }
}

struct FormState {
    editing: Option<i64>,
    has_photo: bool,
    choose_again: bool,
}

async fn form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &HomeForm,
    errors: &[FieldError],
    fs: FormState,
) -> WebResult {
    let facilities: Vec<_> = state
        .dictionary(jinguo_store::homes::FACILITIES)
        .await?
        .iter()
        .filter(|e| e.active)
        .map(|e| context! { key => e.key, label => label(e, lang) })
        .collect();
    let errors: std::collections::BTreeMap<&str, &str> =
        errors.iter().map(|e| (e.field.as_ref(), e.key)).collect();
    let mut resp = state.templates.render(
        "homes/form.html",
        lang,
        Some(actor),
        context! {
            form, errors, facilities,
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
            editing => fs.editing,
            has_photo => fs.has_photo,
            choose_again => fs.choose_again,
            statuses => HomeStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            max_photo_mb => crate::photos::MAX_PHOTO_BYTES / 1024 / 1024,
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

#[derive(Deserialize)]
pub struct NewQuery {
    unit: Option<String>,
}

/// `GET /homes/new`: the user's own unit (or the one named) filled in.
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<NewQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let form = HomeForm {
        unit_code: unit.code.to_string(),
        status: HomeStatus::Active.as_str().to_owned(),
        ..Default::default()
    };
    let fs = FormState {
        editing: None,
        has_photo: false,
        choose_again: false,
    };
    form_page(&state, &actor, lang, &form, &[], fs).await
}

pub fn create_route() -> MethodRouter<AppState> {
    post(create).layer(DefaultBodyLimit::max(FORM_BODY))
}

pub fn update_route() -> MethodRouter<AppState> {
    post(update).layer(DefaultBodyLimit::max(FORM_BODY))
}

/// `POST /homes` (url-encoded, or multipart with a `photo` file).
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    mut sub: FormWithPhotos,
) -> WebResult {
    let f = HomeForm::read(&sub)?;
    let uploads = std::mem::take(&mut sub.uploads.0);
    let choose_again = !uploads.is_empty();
    let pick = homes::one_photo(uploads).await?;
    match homes::create(&state, &actor, ip, &f.unit_code, &f.draft(), pick).await {
        Ok(id) => Ok(Redirect::to(&format!("/homes/{}?done=created", id.get())).into_response()),
        Err(AppError::InvalidFields(errors)) => {
            let fs = FormState {
                editing: None,
                has_photo: false,
                choose_again,
            };
            form_page(&state, &actor, lang, &f, &errors, fs).await
        }
        Err(e) => Err(e),
    }
}

/// `GET /homes/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let h = state
        .store
        .home_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let fs = FormState {
        editing: Some(h.id.get()),
        has_photo: h.photo.is_some(),
        choose_again: false,
    };
    form_page(&state, &actor, lang, &HomeForm::of(&h), &[], fs).await
}

/// `POST /homes/{id}`: save an edit, with the photo replaced or removed.
pub async fn update(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    mut sub: FormWithPhotos,
) -> WebResult {
    let id = parse_id(&id)?;
    let f = HomeForm::read(&sub)?;
    let uploads = std::mem::take(&mut sub.uploads.0);
    let choose_again = !uploads.is_empty();
    let mut pick = homes::one_photo(uploads).await?;
    pick.remove = !f.remove_photo.is_empty();
    match homes::update(&state, &actor, ip, id, &f.unit_code, &f.draft(), pick).await {
        Ok(h) => Ok(Redirect::to(&format!("/homes/{}?done=updated", h.id.get())).into_response()),
        Err(AppError::InvalidFields(errors)) => {
            let has_photo = state
                .store
                .home_in_scope(actor.scope(), id)
                .await?
                .photo
                .is_some();
            let fs = FormState {
                editing: Some(id.get()),
                has_photo,
                choose_again,
            };
            form_page(&state, &actor, lang, &f, &errors, fs).await
        }
        Err(e) => Err(e),
    }
}

/// `GET /homes/{id}/photo`: to anyone whose subtree holds the home.
pub async fn photo(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    Path(id): Path<String>,
) -> WebResult {
    homes::photo_response(&state, &actor, parse_id(&id)?).await
}
