//! The offline capture's handlers: the worker and the manifest, the outbox
//! and offline visit pages, and the JSON a phone fetches while in range.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jinguo_domain::Capability;
use jinguo_domain::activity::format_date;
use jinguo_store::model::{DictKind, HouseholdFilter};
use minijinja::context;
use serde::Serialize;

use crate::auth::{Actor, WebActor};
use crate::i18n::Lang;
use crate::render::{WebResult, no_store};
use crate::state::{AppState, now, today};

/// The service worker, at the root so that its scope is the whole site.
const SERVICE_WORKER: &[u8] = include_bytes!("../../static/sw.js");

/// Households the offline visit form can pick from: the most recently
/// recorded of her subtree. A village has tens; a township cadre who needs
/// more opens the household's own page while in range.
pub const DIRECTORY_LIMIT: i64 = 500;

/// Open tasks whose report forms a phone keeps for offline answering.
pub const TASK_PAGES_LIMIT: i64 = 20;

/// `GET /sw.js`: revalidated on every load, so a new version of the
/// server's pages and assets reaches phones at their next contact.
pub async fn service_worker(State(state): State<AppState>) -> Response {
    let no_copy = Lang::ALL
        .iter()
        .map(|l| {
            format!(
                "<p lang=\"{}\">{}</p>",
                l.tag(),
                html_escape(state.catalogue.get(*l, "offline.no_copy"))
            )
        })
        .collect::<String>();
    let page = format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/static/app.css\">\
         <main class=\"content\">{no_copy}<p><a href=\"/\">{}</a></p></main>",
        Lang::Zh.tag(),
        html_escape(state.catalogue.get(Lang::Zh, "offline.offline")),
        html_escape(state.catalogue.get(Lang::Zh, "app.name")),
    );
    let literal = serde_json::to_string(&page).unwrap_or_else(|_| "\"\"".to_owned());
    let body = String::from_utf8_lossy(SERVICE_WORKER).replacen("\"__NO_COPY__\"", &literal, 1);
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /manifest.webmanifest`: what a phone needs to install the site as
/// an app that opens on the workbench. Browsers fetch it without
/// credentials, so it names no unit and is in the default language.
pub async fn manifest(State(state): State<AppState>) -> Response {
    let t = |key| state.catalogue.get(Lang::Zh, key).to_owned();
    let body = serde_json::json!({
        "name": format!("{} · {}", t("app.name"), t("app.full_name")),
        "short_name": t("app.name"),
        "lang": Lang::Zh.tag(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b5172b",
        "icons": [
            {"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"}
        ]
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `GET /outbox`: the queued records, listed by the page's script from the
/// phone's own storage (the server does not know them). Also the page a
/// phone shows for any page it has no copy of while offline.
pub async fn outbox(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
) -> WebResult {
    let personal = actor.can(Capability::ReadPersonal);
    Ok(state.templates.render(
        "offline/outbox.html",
        lang,
        Some(&actor),
        context! { personal },
    ))
}

/// `GET /outbox/visit`: the visit form with a household picker that the
/// page's script fills from the phone's encrypted directory, so that a
/// visit can be recorded without opening the household's page (which is
/// not kept offline: it shows personal data in the clear).
pub async fn visit_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
) -> WebResult {
    let tags = state.dictionary(DictKind::VISIT_TAG).await?;
    let tag_options: Vec<_> = tags
        .iter()
        .filter(|e| e.active)
        .map(|e| context! { key => e.key, label => crate::activities::label(e, lang) })
        .collect();
    let personal = actor.can(Capability::ReadPersonal);
    Ok(state.templates.render(
        "offline/visit.html",
        lang,
        Some(&actor),
        context! {
            tag_options,
            personal,
            today => format_date(today(&state.config)),
            visit => context! {
                idempotency_key => crate::idempotency::new_key(),
                date => format_date(today(&state.config)),
            },
        },
    ))
}

/// Her outbox key and what a send needs: the session's CSRF token and the
/// server's clock.
#[derive(Serialize)]
pub struct KeyAnswer {
    /// Which key: the first 16 hex digits of its SHA-256.
    key_id: String,
    /// The 32-byte AES-GCM key, base64url without padding.
    key: String,
    csrf: String,
    username: String,
    /// Seconds since the epoch.
    now: i64,
}

/// `GET /outbox/key`: the same key for every session of hers until an
/// administrator ends her sessions.
pub async fn key(State(state): State<AppState>, WebActor(actor): WebActor) -> WebResult {
    let kept = crate::auth::outbox_key::outbox_key(&state, &actor).await?;
    let body = KeyAnswer {
        key_id: kept.id,
        key: kept.key,
        csrf: actor.csrf.clone(),
        username: actor.user.username.to_string(),
        now: now(),
    };
    Ok(no_store(Json(body).into_response()))
}

/// `GET /outbox/pages`: the pages a phone keeps for working offline — the
/// field forms her capabilities open and the report forms of her unit's
/// open tasks (with the values bound to the ledger as of now).
pub async fn pages(State(state): State<AppState>, WebActor(actor): WebActor) -> WebResult {
    Ok(no_store(
        Json(offline_pages(&state, &actor).await?).into_response(),
    ))
}

async fn offline_pages(state: &AppState, actor: &Actor) -> crate::error::AppResult<Vec<String>> {
    let mut pages = vec!["/outbox".to_owned(), "/activities/new".to_owned()];
    if actor.can(Capability::ReadPersonal) {
        pages.push("/outbox/visit".to_owned());
        pages.push("/needs/new".to_owned());
    }
    if actor.can(Capability::ReadRecords) {
        let open = state
            .store
            .reports_to_answer(actor.scope(), &actor.unit, TASK_PAGES_LIMIT)
            .await?;
        pages.extend(
            open.items
                .iter()
                .map(|t| format!("/tasks/{}/reports/{}", t.task_id.get(), actor.unit.code)),
        );
    }
    Ok(pages)
}

/// One household of the offline directory: enough to pick it, nothing
/// more (no ID numbers, phones or addresses).
#[derive(Serialize)]
pub struct DirectoryEntry {
    id: i64,
    head: String,
    members: i64,
    unit_name: String,
    last_visit: Option<String>,
}

/// `GET /outbox/households`: the households her offline visit form picks
/// from. The phone stores the answer encrypted under her outbox key.
pub async fn households(State(state): State<AppState>, WebActor(actor): WebActor) -> WebResult {
    let list = state
        .store
        .households_filtered(
            actor.scope(),
            &actor.unit,
            &HouseholdFilter::default(),
            DIRECTORY_LIMIT,
        )
        .await?;
    let entries: Vec<_> = list
        .into_iter()
        .map(|h| DirectoryEntry {
            id: h.id.get(),
            head: h.head,
            members: h.members,
            unit_name: h.unit_name,
            last_visit: h.last_visit,
        })
        .collect();
    Ok(no_store(Json(entries).into_response()))
}
