//! The attendance code on the class page and the scan page it opens on
//! the trainee's phone.
//!
//! The class page shows the code as a QR image inside a fragment that
//! htmx fetches again every 10 seconds (`/training/classes/{id}/code`), so
//! the picture is at most 10 seconds behind the 30-second slot. The QR
//! code encodes the scan page's address; opening it while logged in shows
//! the class and one button that records her attendance (a GET never
//! writes).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use jinguo_domain::training::ClassId;
use minijinja::context;
use serde::Deserialize;

use crate::auth::WebActor;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::routes::web::{Pairs, first};
use crate::state::{AppState, now};
use crate::training::{self, code, parse_id};

/// The scan page's address for a code, on the host the keeper's page was
/// reached at (the phones in the room reach the same server).
pub fn scan_url(state: &AppState, headers: &HeaderMap, _class: ClassId, token: &str) -> String {
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .map_or_else(|| state.config.listen.to_string(), str::to_owned);
    format!("{scheme}://{host}/training/scan?t={token}")
}

/// The code, its address and its QR image for a page.
pub fn code_context(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    class: ClassId,
) -> minijinja::Value {
    let token = code::issue(class, now());
    let url = scan_url(state, headers, class, &token);
    let label = state.catalogue.get(lang, "training.qr_label");
    context! {
        class => class.get(),
        svg => minijinja::Value::from_safe_string(code::qr_svg(&url, label)),
        url, token,
    }
}

/// `GET /training/classes/{id}/code`: the code fragment the class page
/// polls.
pub async fn fragment(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> WebResult {
    let c = state
        .store
        .class_in_scope(actor.scope(), ClassId::new(parse_id(&id)?))
        .await?;
    let mut resp = state.templates.render(
        "training/code.html",
        lang,
        Some(&actor),
        context! { code => code_context(&state, &headers, lang, c.id) },
    );
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

#[derive(Deserialize)]
pub struct ScanQuery {
    t: Option<String>,
}

fn page(
    state: &AppState,
    actor: &crate::auth::Actor,
    lang: Lang,
    ctx: minijinja::Value,
    status: StatusCode,
) -> WebResult {
    let mut resp = state
        .templates
        .render("training/scan.html", lang, Some(actor), ctx);
    *resp.status_mut() = status;
    Ok(resp)
}

/// `GET /training/scan?t=`: what the QR code opens. A good code shows the
/// class and the button; a bad one says why (422).
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ScanQuery>,
) -> WebResult {
    let token = q.t.unwrap_or_default();
    match code::check(&token, None, now()) {
        Ok(_) => page(
            &state,
            &actor,
            lang,
            context! { token, ready => true },
            StatusCode::OK,
        ),
        Err(r) => page(
            &state,
            &actor,
            lang,
            context! { error => r.key() },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// `POST /training/scan`: records her attendance.
pub async fn record(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    axum::Form(p): axum::Form<Pairs>,
) -> WebResult {
    let token = first(&p, "t");
    match training::scan(&state, &actor, ip, &token, None).await {
        Ok((_, a)) => page(
            &state,
            &actor,
            lang,
            context! {
                recorded => true, already => a.already, completed => a.completed_now,
            },
            StatusCode::OK,
        ),
        Err(AppError::Invalid(e)) => page(
            &state,
            &actor,
            lang,
            context! { error => e.key },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e),
    }
}
