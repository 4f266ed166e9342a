use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jinguo_store::{SqlStore, Store};

use crate::config::Config;
use crate::i18n::Catalogue;
use crate::render::Templates;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// What handlers reach: the public tree and dictionaries, and data of
    /// units only through a scope (see [`jinguo_store::Store`]).
    pub store: Arc<dyn Store>,
    /// The unscoped store, opened only by `crate::auth`.
    pub system: crate::auth::System,
    pub config: Arc<Config>,
    pub catalogue: &'static Catalogue,
    pub templates: Arc<Templates>,
    /// Failed logins for names that have no account, so that they lock
    /// exactly like real accounts and answers reveal nothing.
    pub unknown_logins: Arc<Mutex<HashMap<String, (i64, i64)>>>,
    /// Dictionaries, read by every form submission and dashboard.
    pub dictionaries: Arc<crate::cache::Dictionaries>,
    /// The dashboard's quiet-unit counts.
    pub quiet: Arc<crate::cache::QuietCounts>,
    /// Units by id and by code, for the actor and the units that hot
    /// requests name.
    pub units: Arc<crate::cache::Units>,
    /// Active users by id, for the actor of each request.
    pub users: Arc<crate::cache::Users>,
    /// The public help page's challenge secret and rate limits.
    pub help: Arc<crate::help::HelpGuard>,
    /// Computed outline figures pages, current while the database's
    /// outline version is (see [`crate::outlines::PageCache`]).
    pub outline_pages: Arc<crate::outlines::PageCache>,
    /// Units' Mongolian names by code, for pages read in Mongolian (shared
    /// with the templates' `uname` filter).
    pub unit_names: Arc<crate::unit_names::UnitNamesMn>,
}

impl AppState {
    pub fn new(store: Arc<SqlStore>, config: Config) -> Self {
        let catalogue = crate::i18n_global();
        let unit_names = Arc::new(crate::unit_names::UnitNamesMn::default());
        AppState {
            system: crate::auth::System::new(store.clone()),
            store,
            templates: Arc::new(Templates::new(catalogue, &config, unit_names.clone())),
            unit_names,
            config: Arc::new(config),
            catalogue,
            unknown_logins: Arc::default(),
            dictionaries: Arc::default(),
            quiet: Arc::default(),
            units: Arc::default(),
            users: Arc::default(),
            help: crate::help::HelpGuard::new(),
            outline_pages: Arc::default(),
        }
    }

    /// A unit of the scope by its code, from the cache (see
    /// [`crate::cache::Units`]); outside the scope reads like not found.
    pub async fn unit_in_scope(
        &self,
        scope: jinguo_store::Scope,
        code: &jinguo_domain::UnitCode,
    ) -> Result<jinguo_store::model::Unit, jinguo_store::StoreError> {
        let unit = self.units.by_code(self.store.as_ref(), code).await?;
        if scope.narrow(&unit).is_some() {
            Ok(unit)
        } else {
            Err(jinguo_store::StoreError::NotFound)
        }
    }

    /// A dictionary, from the cache (see [`crate::cache::Dictionaries`]).
    pub async fn dictionary(
        &self,
        kind: jinguo_store::model::DictKind,
    ) -> crate::error::AppResult<Arc<Vec<jinguo_store::model::DictEntry>>> {
        Ok(self.dictionaries.get(self.store.as_ref(), kind).await?)
    }
}

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Today's date where the federation works (the configured UTC offset).
pub fn today(config: &crate::Config) -> time::Date {
    let offset =
        time::UtcOffset::from_hms(config.utc_offset_hours, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(now())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
        .date()
}
