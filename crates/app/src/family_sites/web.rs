//! Family-education pages: the site registry of a unit's subtree with its
//! coverage and a drill-down by child, a site's page with its sessions and
//! counsellors, the forms to register or change a site and to record a
//! session, and the counsellors' roster with its forms.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jinguo_domain::activity::format_date;
use jinguo_domain::family_site::{CounsellorDraft, SESSION_TYPES, SiteDraft, SiteKind, SiteStatus};
use jinguo_domain::{ActivityDraft, FieldError};
use jinguo_store::family_sites::{Counsellor, Coverage, FamilySite, SiteFilter};
use jinguo_store::model::{DictKind, Unit};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::activities::label;
use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::family_sites::list::SiteParams;
use crate::family_sites::{self as fs, parse_counsellor_id, parse_site_id};
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::paging::PER_PAGE;
use crate::render::WebResult;
use crate::routes::web::{Pairs, all, first, unit_of};
use crate::state::{AppState, today};
use crate::xlsx::export::{Table, TableRow};

/// Sites in one export: every site of the region, many times over.
const EXPORT_MAX: i64 = 20_000;
/// Sites offered on a counsellor's form.
const SITE_CHOICES: i64 = 200;

fn statuses() -> Vec<&'static str> {
    SiteStatus::ALL.iter().map(|s| s.as_str()).collect()
}

fn kinds() -> Vec<&'static str> {
    SiteKind::ALL.iter().map(|k| k.as_str()).collect()
}

fn error_map(errors: &[FieldError]) -> BTreeMap<String, String> {
    errors
        .iter()
        .map(|e| (e.field.to_string(), e.key.to_string()))
        .collect()
}

fn done_of(d: Option<String>) -> Option<String> {
    d.filter(|d| ["created", "updated", "session"].contains(&d.as_str()))
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    /// Keyset paging: sites older than this id. Only links carry it, so a
    /// malformed one is no page (404).
    before: Option<String>,
    done: Option<String>,
    #[serde(flatten)]
    filter: SiteParams,
}

async fn read(
    state: &AppState,
    actor: &Actor,
    q: &ListQuery,
) -> Result<(Unit, Result<SiteFilter, Vec<FieldError>>), AppError> {
    let unit = unit_of(state, actor, q.unit.as_deref()).await?;
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let filter = q.filter.parse().map(|f| SiteFilter { before, ..f });
    Ok((unit, filter))
}

#[derive(Serialize)]
struct CountsView {
    active: i64,
    villages: i64,
    covered_villages: i64,
    pct: Option<f64>,
}

impl From<&Coverage> for CountsView {
    fn from(c: &Coverage) -> Self {
        CountsView {
            active: c.active,
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
    kind: &'static str,
    unit_code: &'a str,
    unit_name: &'a str,
    status: &'static str,
    sessions: i64,
}

fn row_view(s: &FamilySite) -> RowView<'_> {
    RowView {
        id: s.id.get(),
        name: &s.fields.name,
        address: &s.fields.address,
        kind: s.fields.kind.as_str(),
        unit_code: s.unit.code.as_str(),
        unit_name: &s.unit.name,
        status: s.fields.status.as_str(),
        sessions: s.sessions,
    }
}

/// `GET /family-sites?unit=`: coverage of a unit and its children, and the
/// sites of its subtree searched and filtered, newest first.
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
                .sites_filtered(actor.scope(), &unit, &f, PER_PAGE + 1)
                .await?,
            vec![],
        ),
        Err(errors) => (vec![], errors),
    };
    let has_next = rows.len() as i64 > PER_PAGE;
    let rows: Vec<_> = rows.into_iter().take(PER_PAGE as usize).collect();
    let next = has_next.then(|| rows.last().map(|r| r.id.get())).flatten();
    let cov = state.store.site_coverage(actor.scope(), &unit).await?;
    let crumbs: Vec<_> = state
        .store
        .path(&unit)
        .await?
        .into_iter()
        .filter(|p| p.level >= actor.unit.level)
        .collect();
    let children: Vec<_> = cov
        .children
        .iter()
        .map(|(u, c)| context! { unit => u, counts => CountsView::from(c) })
        .collect();
    Ok(state.templates.render(
        "family_sites/list.html",
        lang,
        Some(&actor),
        context! {
            unit, crumbs, next, children,
            done => done_of(q.done.clone()),
            errors => error_map(&errors),
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            filter => &q.filter, query => q.filter.query(),
            filtered => !q.filter.query().is_empty(),
            first_page => q.before.as_deref().unwrap_or("").is_empty(),
            statuses => statuses(), kinds => kinds(),
            counts => CountsView::from(&cov.counts),
            can_record => actor.can(jinguo_domain::Capability::RecordWork),
            rows => rows.iter().map(row_view).collect::<Vec<_>>(),
        },
    ))
}

/// `GET /family-sites/export.xlsx`: the same filtered list as a workbook.
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
        .sites_filtered(actor.scope(), &unit, &filter, EXPORT_MAX)
        .await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let table = Table {
        name: t("fsite.list"),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "fsite.name",
                "fsite.kind_label",
                "fsite.address",
                "act.unit",
                "fsite.status_label",
                "fsite.established_on",
                "fsite.sessions",
            ],
        ),
        widths: vec![26.0, 16.0, 30.0, 22.0, 10.0, 12.0, 10.0],
        rows: rows
            .iter()
            .map(|s| TableRow {
                texts: vec![
                    s.fields.name.clone(),
                    t(&format!("fsite.kind.{}", s.fields.kind.as_str())),
                    s.fields.address.clone(),
                    s.unit.name.clone(),
                    t(&format!("fsite.status.{}", s.fields.status.as_str())),
                    s.fields.established_on.map(format_date).unwrap_or_default(),
                ],
                numbers: vec![s.sessions],
                total: false,
            })
            .collect(),
    };
    crate::xlsx::list_download(&unit, &t("fsite.list"), "family-sites", table)
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// `GET /family-sites/{id}`: a site with its sessions and, for those who
/// may read personal data, the counsellors serving it.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> WebResult {
    let site = state
        .store
        .site_in_scope(actor.scope(), parse_site_id(&id)?)
        .await?;
    let unit = state.store.unit_by_id(site.unit.id).await?;
    let path: Vec<String> = state
        .store
        .path(&unit)
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let sessions = state.store.sessions_of(&site, 50).await?;
    let types = crate::activities::labels(&state, DictKind::ACTIVITY_TYPE, lang).await?;
    let sessions: Vec<_> = sessions
        .iter()
        .map(|a| {
            context! {
                id => a.id.get(),
                date => format_date(a.fields.date),
                title => a.fields.title,
                type_label => types.get(&a.fields.type_key).cloned().unwrap_or_else(|| a.fields.type_key.clone()),
                participants => a.fields.participants,
                women => a.fields.women,
            }
        })
        .collect();
    let personal = actor.can(jinguo_domain::Capability::ReadPersonal);
    let counsellors: Vec<_> = if personal {
        let own = state.store.unit_by_id(actor.unit.id).await?;
        state
            .store
            .counsellors_under(actor.scope(), &own, Some(site.id), 200)
            .await?
            .iter()
            .map(
                |c| context! { id => c.id.get(), name => c.name, qualification => c.qualification },
            )
            .collect()
    } else {
        Vec::new()
    };
    let f = &site.fields;
    Ok(state.templates.render(
        "family_sites/show.html",
        lang,
        Some(&actor),
        context! {
            id => site.id.get(),
            unit_code => site.unit.code.as_str(),
            unit_path => path.join(" › "),
            name => f.name, address => f.address,
            kind => f.kind.as_str(), status => f.status.as_str(),
            established_on => f.established_on.map(format_date),
            session_count => site.sessions,
            sessions, counsellors, personal,
            done => done_of(q.done),
            can_record => actor.can(jinguo_domain::Capability::RecordWork),
        },
    ))
}

/// What the site form shows: typed text, kept as typed on errors.
#[derive(Deserialize, Serialize, Default)]
pub struct SiteForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    established_on: String,
}

impl SiteForm {
    fn draft(&self) -> SiteDraft {
        let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        SiteDraft {
            kind: self.kind.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
            status: opt(&self.status),
            established_on: opt(&self.established_on),
        }
    }

    fn of(s: &FamilySite) -> Self {
        let f = &s.fields;
        SiteForm {
            unit_code: s.unit.code.to_string(),
            kind: f.kind.as_str().to_owned(),
            name: f.name.clone(),
            address: f.address.clone(),
            status: f.status.as_str().to_owned(),
            established_on: f.established_on.map(format_date).unwrap_or_default(),
        }
    }
}

async fn site_form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &SiteForm,
    errors: &[FieldError],
    editing: Option<i64>,
) -> WebResult {
    let mut resp = state.templates.render(
        "family_sites/form.html",
        lang,
        Some(actor),
        context! {
            form, editing,
            errors => error_map(errors),
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
            statuses => statuses(), kinds => kinds(),
            max_date => format_date(today(&state.config)),
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

/// `GET /family-sites/new`: the user's own unit (or the one named).
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<NewQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let form = SiteForm {
        unit_code: unit.code.to_string(),
        kind: SiteKind::GuidancePoint.as_str().to_owned(),
        status: SiteStatus::Active.as_str().to_owned(),
        ..Default::default()
    };
    site_form_page(&state, &actor, lang, &form, &[], None).await
}

/// `POST /family-sites`.
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    axum::Form(f): axum::Form<SiteForm>,
) -> WebResult {
    match fs::create_site(&state, &actor, ip, &f.unit_code, &f.draft()).await {
        Ok(id) => {
            Ok(Redirect::to(&format!("/family-sites/{}?done=created", id.get())).into_response())
        }
        Err(AppError::InvalidFields(errors)) => {
            site_form_page(&state, &actor, lang, &f, &errors, None).await
        }
        Err(e) => Err(e),
    }
}

/// `GET /family-sites/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let s = state
        .store
        .site_in_scope(actor.scope(), parse_site_id(&id)?)
        .await?;
    site_form_page(
        &state,
        &actor,
        lang,
        &SiteForm::of(&s),
        &[],
        Some(s.id.get()),
    )
    .await
}

/// `POST /family-sites/{id}`.
pub async fn update(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<SiteForm>,
) -> WebResult {
    let id = parse_site_id(&id)?;
    match fs::update_site(&state, &actor, ip, id, &f.unit_code, &f.draft()).await {
        Ok(s) => {
            Ok(Redirect::to(&format!("/family-sites/{}?done=updated", s.id.get())).into_response())
        }
        Err(AppError::InvalidFields(errors)) => {
            site_form_page(&state, &actor, lang, &f, &errors, Some(id.get())).await
        }
        Err(e) => Err(e),
    }
}

/// What the session form shows.
#[derive(Deserialize, Serialize, Default)]
pub struct SessionForm {
    #[serde(default)]
    date: String,
    #[serde(default, rename = "type")]
    type_key: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    women: String,
    #[serde(default)]
    summary: String,
}

/// A count field: empty is "not given"; anything else that is not a whole
/// number is -1, which the range rule reports on its field.
fn count(s: &str) -> Option<i64> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.parse().unwrap_or(-1))
}

impl SessionForm {
    fn draft(&self) -> ActivityDraft {
        let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        ActivityDraft {
            date: self.date.clone(),
            type_key: self.type_key.clone(),
            program_key: Some("happy_family".to_owned()),
            title: self.title.clone(),
            title_mn: None,
            place: opt(&self.place),
            participants: count(&self.participants),
            women: count(&self.women),
            summary: opt(&self.summary),
        }
    }
}

async fn session_form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    site: &FamilySite,
    form: &SessionForm,
    errors: &[FieldError],
) -> WebResult {
    let types: Vec<_> = state
        .dictionary(DictKind::ACTIVITY_TYPE)
        .await?
        .iter()
        .filter(|e| e.active && SESSION_TYPES.contains(&e.key.as_str()))
        .map(|e| context! { key => e.key, label => label(e, lang) })
        .collect();
    let mut resp = state.templates.render(
        "family_sites/session_form.html",
        lang,
        Some(actor),
        context! {
            form, types,
            site_id => site.id.get(), site_name => site.fields.name,
            errors => error_map(errors),
            max_date => format_date(today(&state.config)),
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /family-sites/{id}/sessions/new`.
pub async fn session_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let site = state
        .store
        .site_in_scope(actor.scope(), parse_site_id(&id)?)
        .await?;
    let form = SessionForm {
        date: format_date(today(&state.config)),
        type_key: SESSION_TYPES[0].to_owned(),
        place: site.fields.name.clone(),
        ..Default::default()
    };
    session_form_page(&state, &actor, lang, &site, &form, &[]).await
}

/// `POST /family-sites/{id}/sessions`.
pub async fn record_session(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<SessionForm>,
) -> WebResult {
    let id = parse_site_id(&id)?;
    match fs::record_session(&state, &actor, ip, id, &f.draft()).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/family-sites/{}?done=session", id.get())).into_response())
        }
        Err(AppError::InvalidFields(errors)) => {
            let site = state.store.site_in_scope(actor.scope(), id).await?;
            session_form_page(&state, &actor, lang, &site, &f, &errors).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct RosterQuery {
    unit: Option<String>,
    done: Option<String>,
}

/// `GET /family-counsellors?unit=`: the roster of a unit's subtree.
pub async fn counsellors(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<RosterQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let rows = state
        .store
        .counsellors_under(actor.scope(), &unit, None, 500)
        .await?;
    let rows: Vec<_> = rows.iter().map(counsellor_view).collect();
    Ok(state.templates.render(
        "family_sites/counsellors.html",
        lang,
        Some(&actor),
        context! {
            unit, rows,
            done => q.done.filter(|d| ["created", "updated"].contains(&d.as_str())),
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            can_record => actor.can(jinguo_domain::Capability::RecordWork),
        },
    ))
}

fn counsellor_view(c: &Counsellor) -> minijinja::Value {
    context! {
        id => c.id.get(), name => c.name, qualification => c.qualification,
        unit_name => c.unit.name, unit_code => c.unit.code.as_str(),
        sites => c.sites.iter().map(|(id, n)| context! { id => id.get(), name => n }).collect::<Vec<_>>(),
    }
}

/// What the counsellor form shows.
#[derive(Serialize, Default)]
struct CounsellorForm {
    unit_code: String,
    name: String,
    qualification: String,
    sites: Vec<String>,
}

impl CounsellorForm {
    fn from_pairs(p: &Pairs) -> Self {
        CounsellorForm {
            unit_code: first(p, "unit_code"),
            name: first(p, "name"),
            qualification: first(p, "qualification"),
            sites: all(p, "sites"),
        }
    }

    fn draft(&self) -> CounsellorDraft {
        CounsellorDraft {
            name: self.name.clone(),
            qualification: self.qualification.clone(),
            // Not a number is no site anyone has: refused as unknown.
            sites: self
                .sites
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().parse().unwrap_or(0))
                .collect(),
        }
    }
}

async fn counsellor_form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &CounsellorForm,
    errors: &[FieldError],
    editing: Option<i64>,
) -> WebResult {
    // The sites of the roster unit's subtree (or the actor's own).
    let unit = match jinguo_domain::UnitCode::parse(form.unit_code.trim()) {
        Ok(code) => match state.unit_in_scope(actor.scope(), &code).await {
            Ok(u) => u,
            Err(_) => state.store.unit_by_id(actor.unit.id).await?,
        },
        Err(_) => state.store.unit_by_id(actor.unit.id).await?,
    };
    let sites: Vec<_> = state
        .store
        .sites_filtered(actor.scope(), &unit, &SiteFilter::default(), SITE_CHOICES)
        .await?
        .iter()
        .map(|s| context! { id => s.id.get().to_string(), name => s.fields.name, unit_name => s.unit.name })
        .collect();
    let mut resp = state.templates.render(
        "family_sites/counsellor_form.html",
        lang,
        Some(actor),
        context! {
            form, editing, sites,
            errors => error_map(errors),
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /family-counsellors/new?unit=&site=`.
pub async fn counsellor_new(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<NewCounsellorQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let form = CounsellorForm {
        unit_code: unit.code.to_string(),
        sites: q.site.into_iter().collect(),
        ..Default::default()
    };
    counsellor_form_page(&state, &actor, lang, &form, &[], None).await
}

#[derive(Deserialize)]
pub struct NewCounsellorQuery {
    unit: Option<String>,
    site: Option<String>,
}

/// `POST /family-counsellors`.
pub async fn counsellor_create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    axum::Form(pairs): axum::Form<Pairs>,
) -> WebResult {
    let f = CounsellorForm::from_pairs(&pairs);
    match fs::create_counsellor(&state, &actor, ip, &f.unit_code, &f.draft()).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/family-counsellors?unit={}&done=created",
            f.unit_code.trim()
        ))
        .into_response()),
        Err(AppError::InvalidFields(errors)) => {
            counsellor_form_page(&state, &actor, lang, &f, &errors, None).await
        }
        Err(AppError::Invalid(e)) => {
            counsellor_form_page(&state, &actor, lang, &f, &[e], None).await
        }
        Err(e) => Err(e),
    }
}

/// `GET /family-counsellors/{id}/edit`.
pub async fn counsellor_edit(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let c = state
        .store
        .counsellor_in_scope(actor.scope(), parse_counsellor_id(&id)?)
        .await?;
    let form = CounsellorForm {
        unit_code: c.unit.code.to_string(),
        name: c.name.clone(),
        qualification: c.qualification.clone().unwrap_or_default(),
        sites: c.sites.iter().map(|(id, _)| id.get().to_string()).collect(),
    };
    counsellor_form_page(&state, &actor, lang, &form, &[], Some(c.id.get())).await
}

/// `POST /family-counsellors/{id}`.
pub async fn counsellor_update(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Pairs>,
) -> WebResult {
    let id = parse_counsellor_id(&id)?;
    let mut f = CounsellorForm::from_pairs(&pairs);
    match fs::update_counsellor(&state, &actor, ip, id, &f.draft()).await {
        Ok(c) => Ok(Redirect::to(&format!(
            "/family-counsellors?unit={}&done=updated",
            c.unit.code
        ))
        .into_response()),
        Err(AppError::InvalidFields(errors)) => {
            let c = state.store.counsellor_in_scope(actor.scope(), id).await?;
            f.unit_code = c.unit.code.to_string();
            counsellor_form_page(&state, &actor, lang, &f, &errors, Some(id.get())).await
        }
        Err(AppError::Invalid(e)) => {
            let c = state.store.counsellor_in_scope(actor.scope(), id).await?;
            f.unit_code = c.unit.code.to_string();
            counsellor_form_page(&state, &actor, lang, &f, &[e], Some(id.get())).await
        }
        Err(e) => Err(e),
    }
}
