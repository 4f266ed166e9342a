//! The translation review page (issue 17 item 1): a bilingual reviewer at
//! the region sees each key with its Chinese and English, corrects the
//! Mongolian and accepts it. A saved entry is stored, takes effect at once
//! (over the catalogue compiled into the binary) and is exported for the
//! repository's catalogue files.

mod routes;
pub mod web;

use jinguo_domain::FieldError;
use jinguo_domain::text::{Field, in_mongolian_script};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, placeholders};
use crate::state::{AppState, now};

pub const MODULE: crate::routes::Module = crate::routes::Module {
    routes: routes::routes,
    menu: &[crate::routes::MenuItem {
        group: "org",
        nav: "translations",
        label: "tr.menu",
        href: "/translations",
        cap: Some(jinguo_domain::Capability::ReviewTranslations),
    }],
    dictionaries: &[],
    demo: None,
};

/// The longest Mongolian entry (the longest Chinese one is far shorter).
const MAX_TEXT: usize = 2_000;

/// Loads the saved entries into the catalogue at start.
pub async fn load(state: &AppState) -> anyhow::Result<()> {
    for t in state.store.translations().await? {
        if t.lang == Lang::Mn.tag() {
            state.catalogue.save_mn(&t.key, &t.text, t.reviewed);
        }
    }
    Ok(())
}

/// Checks and saves a reviewer's Mongolian for `key`; `accept` marks it
/// reviewed. A key the catalogue lacks is not found; the text must be
/// Mongolian, free of control characters, and keep the Chinese's
/// placeholders.
pub async fn save(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    key: &str,
    text: &str,
    accept: bool,
) -> AppResult<()> {
    let cat = state.catalogue;
    if !cat.has(Lang::Zh, key) {
        return Err(AppError::NotFound);
    }
    let text = Field::text("text", MAX_TEXT)
        .too_long("err.tr.too_long")
        .check_required(text, "err.tr.empty")?;
    if !in_mongolian_script(&text) {
        return Err(FieldError::new("text", "err.tr.script").into());
    }
    if placeholders(&text) != placeholders(cat.get(Lang::Zh, key)) {
        return Err(FieldError::new("text", "err.tr.placeholders").into());
    }
    state
        .store
        .save_translation(
            actor.scope(),
            jinguo_store::translations::NewTranslation {
                lang: Lang::Mn.tag(),
                key,
                text: &text,
                reviewed: accept,
                by: actor.user.id,
            },
            now(),
        )
        .await?;
    cat.save_mn(key, &text, accept);
    let action = if accept {
        "translation.accepted"
    } else {
        "translation.saved"
    };
    actor
        .audit(state, ip, action, actor.unit.id, format!("key={key}"))
        .await
}
