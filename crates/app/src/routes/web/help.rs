//! The public help page (`/help`, no login, works without JavaScript) and
//! the intake list of rights requests (`/help-requests`).
//!
//! The public pages use their own small layout (`help/base.html`): no htmx
//! and no application stylesheet, so the first load stays far under
//! 100 KB on a weak connection, and a quick-exit link is always on top.
//! The language is chosen by `?lang=`, not the long-lived cookie of the
//! logged-in pages, so the page leaves as little behind as it can.

use std::collections::HashMap;

use axum::Form;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use jinguo_domain::help::{HelpKind, HelpStatus};
use jinguo_domain::{FieldError, HelpId, UnitCode, UnitKind};
use jinguo_store::model::{DictKind, HelpSummary, Unit};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::unit_of;
use crate::auth::WebActor;
use crate::error::AppError;
use crate::help::submit::{self, HelpInput, RIGHTS_CATEGORY, Refused};
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::paging::PageNo;
use crate::render::{WebResult, lang_of};
use crate::state::{AppState, now};

/// The page's language: `?lang=` when given, else the reader's headers.
fn page_lang(param: Option<&str>, headers: &HeaderMap) -> Lang {
    param
        .and_then(Lang::from_tag)
        .unwrap_or_else(|| lang_of(headers))
}

/// A dictionary label in the reader's language.
fn label(lang: Lang, zh: &str, mn: Option<&str>, en: Option<&str>) -> String {
    match lang {
        Lang::Mn => mn.unwrap_or(zh),
        Lang::En => en.unwrap_or(zh),
        Lang::Zh => zh,
    }
    .to_owned()
}

#[derive(Serialize)]
struct Choice {
    key: String,
    label: String,
}

/// The categories a woman can pick, rights protection last.
async fn categories(state: &AppState, lang: Lang) -> Result<Vec<Choice>, AppError> {
    let dict = state.dictionary(DictKind::NEED_CATEGORY).await?;
    let mut out: Vec<Choice> = dict
        .iter()
        .filter(|e| e.active)
        .map(|e| Choice {
            key: e.key.clone(),
            label: label(
                lang,
                &e.label_zh,
                e.label_mn.as_deref(),
                e.label_en.as_deref(),
            ),
        })
        .collect();
    out.push(Choice {
        key: RIGHTS_CATEGORY.into(),
        label: state.catalogue.get(lang, "help.cat_rights").to_owned(),
    });
    Ok(out)
}

#[derive(Serialize)]
struct Pick {
    code: String,
    name: String,
    /// The names above it, for search results.
    within: String,
}

fn unit_name(lang: Lang, u: &Unit) -> String {
    match (lang, &u.name_mn) {
        (Lang::Mn, Some(mn)) => mn.clone(),
        _ => u.name.clone(),
    }
}

/// What was typed, kept when the form comes back with errors.
#[derive(Default, Serialize)]
struct Typed {
    category: String,
    description: String,
    contact: String,
}

#[derive(Deserialize)]
pub struct PageQuery {
    place: Option<String>,
    q: Option<String>,
    lang: Option<String>,
}

/// Renders the page: the place picker, and once a village is chosen, the
/// form with a fresh challenge. No cookie: the challenge stands in for a
/// CSRF token (see [`crate::help::FORM_PATH`]).
/// Women's Homes listed near the chosen place.
const HOMES_NEAR: i64 = 5;

async fn page(
    state: &AppState,
    lang: Lang,
    place: Option<&str>,
    q: Option<&str>,
    typed: Typed,
    errors: &[FieldError],
    status: StatusCode,
) -> WebResult {
    let chosen = match place.and_then(|p| UnitCode::parse(p.trim()).ok()) {
        Some(code) => state
            .units
            .by_code(state.store.as_ref(), &code)
            .await
            .ok()
            .filter(|u| u.active && u.kind == UnitKind::Geo),
        None => None,
    };
    let parent = match &chosen {
        Some(u) => u.clone(),
        None => state.store.root_unit().await?,
    };
    let path: Vec<Pick> = match &chosen {
        Some(u) => state
            .store
            .path(u)
            .await?
            .into_iter()
            .skip(1)
            .map(|r| Pick {
                code: r.code.as_str().to_owned(),
                name: r.name,
                within: String::new(),
            })
            .collect(),
        None => Vec::new(),
    };
    let village = chosen.as_ref().filter(|u| u.level.get() == 5);
    let children: Vec<Pick> = if village.is_some() {
        Vec::new()
    } else {
        state
            .store
            .children(parent.id)
            .await?
            .iter()
            .filter(|c| c.active && c.kind == UnitKind::Geo)
            .map(|c| Pick {
                code: c.code.as_str().to_owned(),
                name: unit_name(lang, c),
                within: String::new(),
            })
            .collect()
    };
    let q = q.map(str::trim).filter(|q| !q.is_empty()).map(|q| {
        let q: String = q.chars().take(30).collect();
        q
    });
    let results: Option<Vec<Pick>> = match &q {
        Some(q) => Some(
            state
                .store
                .search_units(q, None, 30)
                .await?
                .into_iter()
                .filter(|u| u.unit.kind == UnitKind::Geo && u.unit.level.get() >= 2)
                .map(|u| Pick {
                    code: u.unit.code.as_str().to_owned(),
                    name: unit_name(lang, &u.unit),
                    within: u
                        .path
                        .iter()
                        .skip(1)
                        .filter(|p| p.id != u.unit.id)
                        .map(|p| state.unit_names.name_in(lang, p.code.as_str(), &p.name))
                        .collect::<Vec<_>>()
                        .join(" · "),
                })
                .collect(),
        ),
        None => None,
    };
    // The Women's Homes she can walk into: with hours and a phone, and
    // facility names in her language. On the Mongolian page a home's
    // Mongolian name comes first with the Chinese beside it: the address
    // under it and the sign at the door are mostly in Chinese, so the
    // Chinese name is what she matches them with. The Chinese and English
    // pages keep the Chinese name alone.
    let homes = match village {
        Some(v) => {
            let facilities =
                crate::activities::labels(state, jinguo_store::homes::FACILITIES, lang).await?;
            state
                .store
                .homes_near(v, HOMES_NEAR)
                .await?
                .into_iter()
                .map(|h| {
                    let names: Vec<String> = h
                        .facilities
                        .iter()
                        .map(|f| facilities.get(f).cloned().unwrap_or_else(|| f.clone()))
                        .collect();
                    context! {
                        name => h.name,
                        name_mn => h.name_mn.filter(|_| lang == Lang::Mn),
                        address => h.address, hours => h.hours,
                        phone => h.phone, facilities => names,
                    }
                })
                .collect()
        }
        None => Vec::new(),
    };
    let (challenge, sum, cats) = match village {
        Some(_) => {
            let ch = state.help.challenges.issue(now());
            let sum = state.help.challenges.question(&ch);
            (Some(ch), sum, categories(state, lang).await?)
        }
        None => (None, None, Vec::new()),
    };
    let errs: HashMap<String, &str> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key))
        .collect();
    let place_code = chosen.as_ref().map(|u| u.code.as_str().to_owned());
    let lang_links: Vec<(String, String)> = Lang::PUBLIC
        .iter()
        .map(|l| {
            let mut href = format!("/help?lang={}", l.tag());
            if let Some(p) = &place_code {
                href.push_str("&place=");
                href.push_str(p);
            }
            (l.tag().to_owned(), href)
        })
        .collect();
    let mut resp = state.templates.render(
        "help/page.html",
        lang,
        None,
        context! {
            exit_url => state.config.help.exit_url,
            lang_links,
            place => chosen.as_ref().map(|u| context! {
                code => u.code.as_str(), name => unit_name(lang, u), level => u.level.get(),
            }),
            path, children, q, results,
            village => village.is_some(),
            challenge, bits => state.config.help.pow_bits,
            sum_a => sum.map(|s| s.0), sum_b => sum.map(|s| s.1),
            categories => cats, typed, errors => errs, homes,
        },
    );
    if resp.status() == StatusCode::OK {
        *resp.status_mut() = status;
    }
    Ok(resp)
}

/// `GET /help`.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> WebResult {
    let lang = page_lang(q.lang.as_deref(), &headers);
    page(
        &state,
        lang,
        q.place.as_deref(),
        q.q.as_deref(),
        Typed::default(),
        &[],
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HelpForm {
    lang: Option<String>,
    unit_code: String,
    category: String,
    description: String,
    contact: Option<String>,
    challenge: String,
    nonce: Option<String>,
    answer: Option<String>,
    website: Option<String>,
}

/// `POST /help`: the tracking code on success; the form again, with what
/// was typed and the errors next to the fields, otherwise.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    body: Body,
) -> WebResult {
    let lang = lang_of(&headers);
    let Ok(bytes) = to_bytes(body, submit::MAX_BODY).await else {
        return Ok(submit::too_large());
    };
    let Ok(f) = serde_urlencoded::from_bytes::<HelpForm>(&bytes) else {
        return Err(AppError::Invalid(FieldError::new(
            "request",
            "help.err.malformed",
        )));
    };
    let lang = f.lang.as_deref().and_then(Lang::from_tag).unwrap_or(lang);
    let typed = Typed {
        category: f.category.clone(),
        description: f.description.clone(),
        contact: f.contact.clone().unwrap_or_default(),
    };
    let place = f.unit_code.clone();
    let again = |errors: Vec<FieldError>, status: StatusCode, typed: Typed| {
        let state = state.clone();
        let place = place.clone();
        async move { page(&state, lang, Some(&place), None, typed, &errors, status).await }
    };
    if !submit::allow_submit(&state, ip.as_deref()).await {
        let e = vec![FieldError::new("request", "help.err.too_many")];
        return again(e, StatusCode::TOO_MANY_REQUESTS, typed).await;
    }
    let kind = if f.category.trim() == RIGHTS_CATEGORY {
        HelpKind::Rights
    } else {
        HelpKind::Need
    };
    let input = HelpInput {
        unit_code: f.unit_code,
        category: f.category,
        kind: kind.as_str().to_owned(),
        description: f.description,
        contact: f.contact,
        challenge: f.challenge,
        nonce: f.nonce,
        answer: f.answer,
        honeypot: f.website,
    };
    match submit::submit(&state, input).await {
        Ok(code) => {
            submit::count_submit(&state, ip.as_deref()).await;
            Ok(state.templates.render(
                "help/done.html",
                lang,
                None,
                context! {
                    exit_url => state.config.help.exit_url,
                    lang_links => Vec::<(String, String)>::new(),
                    code => code.grouped(),
                    kind => kind.as_str(),
                },
            ))
        }
        Err(Refused::Fields(e)) => {
            // A refused honeypot keeps nothing of what was typed.
            let typed = if e.iter().any(|e| e.key == "help.err.refused") {
                Typed::default()
            } else {
                typed
            };
            again(e, StatusCode::UNPROCESSABLE_ENTITY, typed).await
        }
        Err(Refused::Other(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct TrackQuery {
    lang: Option<String>,
}

/// `GET /help/track`: the lookup form. A code in the address is ignored:
/// it would sit in the history of a shared phone.
pub async fn track(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TrackQuery>,
) -> WebResult {
    let lang = page_lang(q.lang.as_deref(), &headers);
    Ok(track_page(&state, lang, StatusCode::OK, None, None))
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    code: String,
    lang: Option<String>,
}

/// `POST /help/track`: the status and date of a request, nothing more. The
/// code travels in the body, never in an address.
pub async fn track_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(f): Form<TrackForm>,
) -> WebResult {
    let lang = page_lang(f.lang.as_deref(), &headers);
    let code = f.code.trim();
    let (status, found, error_key) = if code.is_empty() {
        (StatusCode::OK, None, None)
    } else if !submit::allow_lookup(&state, ip.as_deref()).await {
        (
            StatusCode::TOO_MANY_REQUESTS,
            None,
            Some("help.err.too_many"),
        )
    } else {
        match submit::lookup(&state, code).await {
            Ok(s) => (
                StatusCode::OK,
                Some(context! {
                    status => s.status.as_str(),
                    date => submit::local_date(&state, s.updated_at),
                }),
                None,
            ),
            Err(AppError::NotFound) => (StatusCode::NOT_FOUND, None, Some("help.err.unknown_code")),
            Err(e) => return Err(e),
        }
    };
    Ok(track_page(&state, lang, status, found, error_key))
}

fn track_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    found: Option<minijinja::Value>,
    error_key: Option<&str>,
) -> axum::response::Response {
    let lang_links: Vec<(String, String)> = Lang::PUBLIC
        .iter()
        .map(|l| (l.tag().to_owned(), format!("/help/track?lang={}", l.tag())))
        .collect();
    let mut resp = state.templates.render(
        "help/track.html",
        lang,
        None,
        context! {
            exit_url => state.config.help.exit_url,
            lang_links,
            found, error_key,
        },
    );
    if resp.status() == StatusCode::OK {
        *resp.status_mut() = status;
    }
    resp
}

#[derive(Deserialize)]
pub struct IntakeQuery {
    unit: Option<String>,
    page: Option<i64>,
}

/// Category labels by key, for the intake pages.
async fn category_labels(
    state: &AppState,
    lang: Lang,
) -> Result<HashMap<String, String>, AppError> {
    Ok(categories(state, lang)
        .await?
        .into_iter()
        .map(|c| (c.key, c.label))
        .collect())
}

/// `GET /help-requests?unit=`: rights requests queued in a unit's subtree.
pub async fn intake(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<IntakeQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page_no = PageNo::new(q.page);
    let rows: Vec<HelpSummary> = state
        .store
        .help_requests_under(actor.scope(), &unit, HelpKind::Rights, page_no.query())
        .await?;
    let (items, has_next) = page_no.split(rows);
    let labels = category_labels(&state, lang).await?;
    Ok(state.templates.render(
        "help/requests.html",
        lang,
        Some(&actor),
        context! { nav => "help_requests", unit, items, page_no, has_next, labels },
    ))
}

fn parse_help_id(s: &str) -> Result<HelpId, AppError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(HelpId::new)
        .ok_or(AppError::NotFound)
}

/// `GET /help-requests/{id}`: one request with its description and
/// contact opened; every opening is audited (the id only).
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> WebResult {
    let id = parse_help_id(&id)?;
    let req = state.store.help_request_in_scope(actor.scope(), id).await?;
    // Needs from the page are worked in the needs queue.
    if req.summary.kind != HelpKind::Rights {
        return Err(AppError::NotFound);
    }
    actor
        .audit(
            &state,
            ip,
            "help_request.open",
            req.queue_id,
            format!("help_request {}", id.get()),
        )
        .await?;
    let labels = category_labels(&state, lang).await?;
    let actions: Vec<&str> = [HelpStatus::InProgress, HelpStatus::Closed]
        .into_iter()
        .filter(|s| *s != req.summary.status)
        .map(HelpStatus::as_str)
        .collect();
    let lines: Vec<&str> = req.description.lines().collect();
    Ok(state.templates.render(
        "help/request.html",
        lang,
        Some(&actor),
        context! { nav => "help_requests", req, labels, actions, lines },
    ))
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

/// `POST /help-requests/{id}/status`: in progress or closed.
pub async fn set_status(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<StatusForm>,
) -> WebResult {
    let id = parse_help_id(&id)?;
    let status = HelpStatus::parse(&f.status)
        .filter(|s| matches!(s, HelpStatus::InProgress | HelpStatus::Closed))
        .ok_or(FieldError::new("status", "help.err.status"))?;
    let req = state.store.help_request_in_scope(actor.scope(), id).await?;
    state
        .store
        .set_help_status(actor.scope(), id, status, now())
        .await?;
    actor
        .audit(
            &state,
            ip,
            "help_request.status",
            req.queue_id,
            format!("help_request {} {}", id.get(), status.as_str()),
        )
        .await?;
    Ok(Redirect::to(&format!("/help-requests/{}", id.get())).into_response())
}
