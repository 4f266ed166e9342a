//! Mongolian entries saved on the translation review page: read at start
//! over the catalogue compiled into the binary, so an accepted correction
//! takes effect without a rebuild.

use async_trait::async_trait;
use jinguo_domain::UserId;
use serde::Serialize;

use crate::{Result, Scope};

mod sql;

/// One saved entry.
#[derive(Debug, Clone, Serialize)]
pub struct Translation {
    /// Language tag (`mn-Mong`).
    pub lang: String,
    pub key: String,
    pub text: String,
    /// Accepted by the reviewer; otherwise a better draft.
    pub reviewed: bool,
    pub by: Option<String>,
    pub at: i64,
}

#[async_trait]
pub trait TranslationStore: Send + Sync {
    /// Every saved entry, for loading the catalogue and for the export.
    async fn translations(&self) -> Result<Vec<Translation>>;
    /// Saves an entry (the caller checked key, text and placeholders). Only
    /// a reviewer at the region: the catalogue serves everyone.
    async fn save_translation(
        &self,
        scope: Scope,
        entry: NewTranslation<'_>,
        now: i64,
    ) -> Result<()>;
}

/// An entry to save.
#[derive(Debug, Clone, Copy)]
pub struct NewTranslation<'a> {
    pub lang: &'a str,
    pub key: &'a str,
    pub text: &'a str,
    pub reviewed: bool,
    pub by: UserId,
}
