//! The translation page: the keys with their Chinese, English and
//! Mongolian, filtered and paged; one form per key; the exports.

use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jinguo_domain::FieldError;
use minijinja::context;
use serde::Deserialize;

use crate::auth::WebActor;
use crate::error::AppError;
use crate::i18n::{Lang, MnStatus};
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::state::AppState;

/// Keys per page.
const PAGE: usize = 40;

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    /// Text in the key, the Chinese or the Mongolian.
    #[serde(default)]
    q: String,
    /// `draft`, `reviewed` or empty for all.
    #[serde(default)]
    status: String,
    page: Option<usize>,
    /// The key just saved, for the notice.
    saved: Option<String>,
}

impl ListQuery {
    fn back(&self) -> String {
        let pairs = [("q", self.q.as_str()), ("status", self.status.as_str())];
        let mut q: Vec<(&str, String)> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.to_string()))
            .collect();
        if let Some(p) = self.page.filter(|p| *p > 1) {
            q.push(("page", p.to_string()));
        }
        serde_urlencoded::to_string(q).unwrap_or_default()
    }
}

/// Renders the list; `error`: a refused save, shown at its key with what
/// was typed.
fn page(
    state: &AppState,
    actor: &crate::auth::Actor,
    lang: Lang,
    q: &ListQuery,
    error: Option<(&str, &str, FieldError)>,
) -> Response {
    let cat = state.catalogue;
    let needle = q.q.trim().to_lowercase();
    let mut keys: Vec<&str> = cat.keys(Lang::Zh).collect();
    keys.sort_unstable();
    let status_of = |k: &str| match cat.mn_status(k) {
        MnStatus::Reviewed => "reviewed",
        MnStatus::Draft => "draft",
        MnStatus::Missing => "missing",
    };
    let matching: Vec<&str> = keys
        .into_iter()
        .filter(|k| match q.status.as_str() {
            "draft" => status_of(k) != "reviewed",
            "reviewed" => status_of(k) == "reviewed",
            _ => true,
        })
        .filter(|k| {
            needle.is_empty()
                || k.to_lowercase().contains(&needle)
                || cat.get(Lang::Zh, k).to_lowercase().contains(&needle)
                || cat.get(Lang::Mn, k).contains(&needle)
        })
        .collect();
    let total = matching.len();
    let page_no = q.page.unwrap_or(1).max(1);
    let rows: Vec<_> = matching
        .iter()
        .skip((page_no - 1) * PAGE)
        .take(PAGE)
        .map(|k| {
            let refused = error.as_ref().filter(|(key, _, _)| key == k);
            context! {
                key => k,
                zh => cat.get(Lang::Zh, k),
                en => cat.get(Lang::En, k),
                mn => refused.map(|(_, typed, _)| *typed).unwrap_or_else(|| cat.get(Lang::Mn, k)),
                status => status_of(k),
                error => refused.map(|(_, _, e)| e.key),
            }
        })
        .collect();
    let reviewed = cat
        .keys(Lang::Zh)
        .filter(|k| status_of(k) == "reviewed")
        .count();
    let mut resp = state.templates.render(
        "translations/list.html",
        lang,
        Some(actor),
        context! {
            rows, total, page_no,
            has_next => page_no * PAGE < total,
            q => q.q, status => q.status, back => q.back(),
            saved => q.saved.as_deref().filter(|k| cat.has(Lang::Zh, k)),
            reviewed, all => cat.keys(Lang::Zh).count(),
        },
    );
    if error.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    resp
}

/// `GET /translations`.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    Ok(page(&state, &actor, lang, &q, None))
}

#[derive(Deserialize)]
pub struct SaveForm {
    key: String,
    #[serde(default)]
    text: String,
    /// `accept` or `draft`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    page: Option<usize>,
}

/// `POST /translations`: saves one key's Mongolian, accepted or as a
/// better draft, and returns to the same place of the list.
pub async fn save(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Form(f): Form<SaveForm>,
) -> WebResult {
    let q = ListQuery {
        q: f.q.clone(),
        status: f.status.clone(),
        page: f.page,
        saved: None,
    };
    let accept = f.action == "accept";
    match super::save(&state, &actor, ip, &f.key, &f.text, accept).await {
        Ok(()) => {
            let back = q.back();
            let sep = if back.is_empty() { "" } else { "&" };
            let key = serde_urlencoded::to_string([("saved", f.key.as_str())]).unwrap_or_default();
            Ok(
                Redirect::to(&format!("/translations?{back}{sep}{key}#k-{}", f.key))
                    .into_response(),
            )
        }
        Err(AppError::InvalidFields(mut errors)) if !errors.is_empty() => {
            let e = errors.remove(0);
            Ok(page(
                &state,
                &actor,
                lang,
                &q,
                Some((f.key.as_str(), f.text.as_str(), e)),
            ))
        }
        Err(e) => Err(e),
    }
}

/// TOML of the entries saved on this page (dotted keys, which the
/// catalogue reads like its tables), to replace those keys' lines in the
/// repository's `i18n/**/mn-Mong.toml` files.
pub async fn export(State(state): State<AppState>, WebActor(_actor): WebActor) -> WebResult {
    let saved = state.store.translations().await?;
    let mut out = String::from(
        "# Mongolian entries saved on the translation page (jinguo /translations).\n\
         # Replace these keys' lines in crates/app/i18n/**/mn-Mong.toml, and add the\n\
         # accepted ones to crates/app/i18n/mn-Mong.reviewed.\n",
    );
    for t in saved.iter().filter(|t| t.lang == Lang::Mn.tag()) {
        let entry = toml::Value::String(t.text.clone()).to_string();
        let key = toml::Value::String(t.key.clone()).to_string();
        let how = if t.reviewed { "accepted" } else { "draft" };
        out.push_str(&format!(
            "{key} = {entry}  # {how}{}\n",
            t.by.as_deref()
                .map(|b| format!(" by {b}"))
                .unwrap_or_default()
        ));
    }
    Ok(text_file(out, "mn-Mong.saved.toml"))
}

/// The reviewed keys in the format of `i18n/mn-Mong.reviewed`.
pub async fn reviewed(State(state): State<AppState>, WebActor(_actor): WebActor) -> WebResult {
    let cat = state.catalogue;
    let mut keys: Vec<&str> = cat
        .keys(Lang::Zh)
        .filter(|k| cat.mn_status(k) == MnStatus::Reviewed)
        .collect();
    keys.sort_unstable();
    let mut out = String::from("# Keys whose Mongolian a reviewer has accepted, one a line.\n");
    for k in keys {
        out.push_str(k);
        out.push('\n');
    }
    Ok(text_file(out, "mn-Mong.reviewed"))
}

fn text_file(body: String, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
