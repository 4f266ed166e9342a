use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use jinguo_domain::FieldError;
use jinguo_store::model::DictEntry;
use minijinja::context;
use serde::Deserialize;

use crate::auth::WebActor;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ListQuery {
    done: Option<String>,
}

async fn page(
    state: &AppState,
    actor: &crate::auth::Actor,
    lang: Lang,
    done: Option<String>,
    error: Option<(&str, &FieldError)>,
) -> WebResult {
    let mut dicts = Vec::new();
    for kind in crate::routes::dictionaries() {
        dicts.push(context! {
            slug => kind.slug(),
            entries => state.store.dictionary(kind).await?,
        });
    }
    let mut resp = state.templates.render(
        "dictionaries.html",
        lang,
        Some(actor),
        context! {
            dicts,
            done => done.filter(|d| d == "saved"),
            error_slug => error.map(|e| e.0),
            error_field => error.map(|e| e.1.field.as_ref()),
            error_key => error.map(|e| e.1.key),
        },
    );
    if error.is_some() {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /dictionaries`: activity types and programmes, for region admins.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    page(&state, &actor, lang, q.done, None).await
}

#[derive(Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    label_zh: String,
    #[serde(default)]
    label_mn: String,
    #[serde(default)]
    label_en: String,
    #[serde(default)]
    sort: String,
    active: Option<String>,
}

impl EntryForm {
    fn parse(&self) -> AppResult<DictEntry> {
        let key = self.key.trim();
        let key_ok = (2..=32).contains(&key.len())
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(FieldError::new("key", "err.dict.key").into());
        }
        let label = |s: &str, field, required| -> AppResult<Option<String>> {
            let s = s.trim();
            if s.is_empty() {
                return if required {
                    Err(FieldError::new(field, "err.dict.label").into())
                } else {
                    Ok(None)
                };
            }
            if s.chars().count() > 60 || s.chars().any(char::is_control) {
                return Err(FieldError::new(field, "err.dict.label").into());
            }
            Ok(Some(s.to_owned()))
        };
        let sort = match self.sort.trim() {
            "" => 0,
            s => s
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=9999).contains(n))
                .ok_or(FieldError::new("sort", "err.dict.sort"))?,
        };
        Ok(DictEntry {
            key: key.to_owned(),
            label_zh: label(&self.label_zh, "label_zh", true)?.unwrap_or_default(),
            label_mn: label(&self.label_mn, "label_mn", false)?,
            label_en: label(&self.label_en, "label_en", false)?,
            active: self.active.is_some(),
            sort,
        })
    }
}

/// `POST /dictionaries/{kind}`: add an entry or change one. Keys stay, so
/// what was recorded keeps its meaning; retiring is unticking "active".
pub async fn save(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(slug): Path<String>,
    Form(f): Form<EntryForm>,
) -> WebResult {
    let kind = crate::routes::dictionaries()
        .find(|k| k.slug() == slug)
        .ok_or(AppError::NotFound)?;
    match f.parse() {
        Ok(entry) => {
            state
                .store
                .save_dict_entry(actor.scope(), kind, &entry)
                .await?;
            state.dictionaries.invalidate();
            actor
                .audit(
                    &state,
                    ip,
                    "dictionary.saved",
                    actor.unit.id,
                    format!("{}={} active={}", kind.as_str(), entry.key, entry.active),
                )
                .await?;
            Ok(Redirect::to("/dictionaries?done=saved").into_response())
        }
        Err(AppError::Invalid(e)) => {
            page(&state, &actor, lang, None, Some((kind.slug(), &e))).await
        }
        Err(e) => Err(e),
    }
}
