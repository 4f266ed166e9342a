use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use jinguo_domain::Level;
use minijinja::context;
use serde::Deserialize;

use super::page_code;
use crate::auth::WebActor;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::state::AppState;

async fn unit_page(
    state: &AppState,
    actor: &crate::auth::Actor,
    lang: Lang,
    code: &str,
    form_error: Option<(&str, &str)>,
) -> WebResult {
    let unit = state.store.unit_by_code(&page_code(code)?).await?;
    let path = state.store.path(&unit).await?;
    let children = state.store.children(unit.id).await?;
    let in_scope = actor.scope().contains(&unit.ancestors);
    let can_add_sector = in_scope
        && actor.can(jinguo_domain::Capability::ManageUsers)
        && unit.kind == jinguo_domain::UnitKind::Geo
        && unit.level < Level::VILLAGE;
    let counts = if unit.level == Level::REGION {
        Some(state.store.unit_counts().await?)
    } else {
        None
    };
    Ok(state.templates.render(
        "unit.html",
        lang,
        Some(actor),
        context! {
            unit,
            path,
            children,
            in_scope,
            can_add_sector,
            counts,
            child_level => unit.level.child().map(Level::get),
            form_error_field => form_error.map(|e| e.0),
            form_error_key => form_error.map(|e| e.1),
        },
    ))
}

/// `GET /units/{code}`: breadcrumbs, the unit, its children with counts.
/// The tree is public to every logged-in user; actions on the unit appear
/// only within the user's subtree.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
) -> WebResult {
    unit_page(&state, &actor, lang, &code, None).await
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    /// Picker mode: the id of the form field a chosen code goes into. Only
    /// units of the user's subtree are offered.
    pick: Option<String>,
}

/// `GET /search?q=`: a fragment for htmx, a full page otherwise.
pub async fn search(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> WebResult {
    let query: String = q.q.trim().chars().take(50).collect();
    let pick = q.pick.filter(|p| {
        !p.is_empty() && p.len() <= 32 && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    });
    let within = pick.as_ref().map(|_| actor.scope());
    let results = state.store.search_units(&query, within, 30).await?;
    let template = if headers.contains_key("hx-request") {
        "search_results.html"
    } else {
        "search.html"
    };
    Ok(state.templates.render(
        template,
        lang,
        Some(&actor),
        context! { q => query, results, pick },
    ))
}

#[derive(Deserialize)]
pub struct SectorForm {
    #[serde(default)]
    name: String,
    name_mn: Option<String>,
}

/// `POST /units/{code}/sectors`.
pub async fn create_sector(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    Form(f): Form<SectorForm>,
) -> WebResult {
    let parent = state
        .store
        .unit_in_scope(actor.scope(), &page_code(&code)?)
        .await?;
    match crate::units::create_sector(&state, &actor, ip, &parent, &f.name, f.name_mn.as_deref())
        .await
    {
        Ok(unit) => Ok(Redirect::to(&format!("/units/{}", unit.code)).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let key = e.message_key();
            let mut resp = unit_page(
                &state,
                &actor,
                lang,
                &code,
                Some((e.field().unwrap_or(""), key)),
            )
            .await?;
            *resp.status_mut() = e.status();
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}
