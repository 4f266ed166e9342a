//! The jinguo web application: configuration, authentication and scope,
//! the JSON API and the server-rendered pages.

pub mod activities;
pub mod attachments;
pub mod audit_view;
pub mod auth;
pub mod backup;
pub mod cache;
pub mod cases;
// Case statistics (issue 6).
pub mod activity_list;
pub mod case_list;
pub mod case_stats;
mod charts;
pub mod config;
pub mod demonstrations;
pub mod error;
pub mod family_sites;
pub mod help;
pub mod homes;
pub mod honours;
pub mod household_list;
pub mod households;
pub mod i18n;
pub mod idempotency;
mod list_filter;
mod map;
mod map_labels;
pub mod need_list;
pub mod needs;
mod net;
pub mod offline;
pub mod organisations;
pub mod outlines;
mod paging;
mod people_import;
mod period;
pub mod photos;
pub mod render;
pub mod routes;
pub mod state;
pub mod task_list;
pub mod tasks;
pub mod training;
pub mod translations;
pub mod unit_names;
mod units;
mod user_edit;
pub mod user_list;
mod users;
pub mod webhook;
pub mod workbench;
pub mod xlsx;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use jinguo_store::SqlStore;
use tokio::net::TcpListener;

pub use config::Config;
pub use state::AppState;

/// The catalogue, parsed once.
pub fn i18n_global() -> &'static i18n::Catalogue {
    static CAT: OnceLock<i18n::Catalogue> = OnceLock::new();
    CAT.get_or_init(i18n::Catalogue::bundled)
}

/// Connects the store named by the configuration and applies migrations.
/// The vault is opened when a key is configured; commands that never touch
/// personal data run without one, and [`require_vault`] refuses to serve
/// without it.
pub async fn open_store(config: &Config) -> anyhow::Result<SqlStore> {
    let store = SqlStore::connect(&config.database_url).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot open {}: {e}",
            config::redact_url(&config.database_url)
        )
    })?;
    match jinguo_store::Vault::load(config.encryption_key_file.as_deref()) {
        Ok(vault) => {
            let store = store.with_vault(Arc::new(vault));
            // What the register and cases held in plain text before it was
            // sealed (names, birth years, masks).
            let sealed = store.seal_plain_household_names().await?
                + store.seal_plain_case_fragments().await?;
            if sealed > 0 {
                tracing::info!(rows = sealed, "plain personal values sealed");
            }
            Ok(store)
        }
        Err(jinguo_store::VaultError::NoKey) => Ok(store),
        Err(e) => Err(anyhow::anyhow!("cannot open the encryption key: {e}")),
    }
}

/// Fails unless an encryption key is configured: the server stores
/// personal data and must never write it unsealed.
pub fn require_vault(config: &Config) -> anyhow::Result<()> {
    jinguo_store::Vault::load(config.encryption_key_file.as_deref())
        .map(drop)
        .map_err(|e| {
            anyhow::anyhow!(
                "{e}: the server needs an encryption key for personal data; make one with \
                 `jinguo key generate --id 1 > FILE` and set `encryption_key_file` (README, \
                 \"Encryption keys for personal data\")"
            )
        })
}

/// Serves on an already bound listener until the process is stopped.
pub async fn serve_on(listener: TcpListener, state: AppState) -> anyhow::Result<()> {
    translations::load(&state).await?;
    state.unit_names.load(state.store.as_ref()).await?;
    auth::system::start_background(&state);
    let app = routes::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Builds the state over a store.
pub fn state(store: SqlStore, config: Config) -> AppState {
    AppState::new(Arc::new(store), config)
}
