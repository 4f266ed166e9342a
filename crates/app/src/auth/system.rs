//! The system handle: the store with its unscoped powers (sessions,
//! logins, minting scopes, background jobs). It lives in [`AppState`] but
//! only code of this `auth` module can open it, so a request handler can
//! reach unit-attached data only through the scope of an authenticated
//! [`super::Actor`].

use std::sync::Arc;

use jinguo_store::SqlStore;

use crate::state::AppState;

/// Opaque outside `crate::auth`.
///
/// What a handler holds is `AppState`; these show, by failing to compile,
/// that it cannot reach around the access design. A handler may read the
/// tree and reach data through an actor's scope:
///
/// ```
/// use jinguo_app::{AppState, auth::Actor};
/// use jinguo_store::{HouseholdStore, UnitStore, model::Page};
///
/// async fn handler(state: AppState, actor: Actor) {
///     let unit = state.store.root_unit().await.unwrap();
///     let _ = state.store.households_under(actor.scope(), &unit, Page::new(10, 0)).await;
/// }
/// ```
///
/// It cannot make a scope of its own …
///
/// ```compile_fail,E0624
/// use jinguo_app::AppState;
/// use jinguo_store::{HouseholdStore, Scope, UnitStore, model::Page};
///
/// async fn handler(state: AppState) {
///     let unit = state.store.root_unit().await.unwrap();
///     let scope = Scope::mint(&unit, None, jinguo_domain::CapSet::ALL);
///     let _ = state.store.households_under(scope, &unit, Page::new(10, 0)).await;
/// }
/// ```
///
/// … nor call a scoped method without one …
///
/// ```compile_fail,E0308
/// use jinguo_app::AppState;
/// use jinguo_store::{HouseholdStore, UnitStore, model::Page};
///
/// async fn handler(state: AppState) {
///     let unit = state.store.root_unit().await.unwrap();
///     let _ = state.store.households_under(unit.id, &unit, Page::new(10, 0)).await;
/// }
/// ```
///
/// … nor act on a task's report without having opened the task …
///
/// ```compile_fail,E0308
/// use jinguo_app::AppState;
/// use jinguo_domain::TaskId;
/// use jinguo_store::{TaskStore, UnitStore};
///
/// async fn handler(state: AppState, task: TaskId) {
///     let unit = state.store.root_unit().await.unwrap();
///     let _ = state.store.report(task, &unit).await;
/// }
/// ```
///
/// … nor reach the unscoped methods: the handle it holds has none, and the
/// system handle does not open outside `auth`.
///
/// ```compile_fail,E0599
/// use jinguo_app::AppState;
///
/// async fn handler(state: AppState) {
///     let _ = state.store.credentials("admin").await;
/// }
/// ```
///
/// ```compile_fail,E0616
/// use jinguo_app::AppState;
///
/// async fn handler(state: AppState) {
///     let _ = state.system.0.credentials("admin").await;
/// }
/// ```
#[derive(Clone)]
pub struct System(pub(in crate::auth) Arc<SqlStore>);

impl System {
    pub(crate) fn new(store: Arc<SqlStore>) -> Self {
        System(store)
    }
}

/// Starts the server's background jobs, which act as the system: ending
/// stale sessions and writing task deadline reminders.
pub fn start_background(state: &AppState) {
    tokio::spawn(sweep_sessions(state.clone()));
    tokio::spawn(crate::unit_names::reload_forever(state.clone()));
    tokio::spawn(crate::webhook::remind_forever(
        state.clone(),
        state.system.0.clone(),
    ));
}

/// Deletes ended sessions every ten minutes so the table stays small.
async fn sweep_sessions(state: AppState) {
    use jinguo_store::SessionStore;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = crate::state::now();
        let idle = state.config.idle_timeout_minutes * 60;
        match state
            .system
            .0
            .delete_stale_sessions(now - idle, now - super::actor::MAX_SESSION_SECS)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::debug!(sessions = n, "ended sessions removed"),
            Err(e) => tracing::warn!(error = %e, "session sweep failed"),
        }
        // Idempotency keys past the 30 days they are kept, with the same
        // sweep (its first tick is at start).
        match state.system.0.purge_idempotency_keys(now).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(keys = n, "old idempotency keys removed"),
            Err(e) => tracing::warn!(error = %e, "idempotency key sweep failed"),
        }
    }
}
