//! In-memory caches for what hot pages read on every request but what
//! changes rarely. Each says how stale it may be and why that is harmless.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jinguo_domain::{Level, Month, UnitCode, UnitId, UserId};
use jinguo_store::Scope;
use jinguo_store::model::{DictEntry, DictKind, Unit, User};
use jinguo_store::{SqlStore, Store, StoreError};

/// The dictionaries (activity types, programmes), read by every form
/// submission and every dashboard. This server's own saves clear the cache
/// at once; the time limit bounds how long a change made elsewhere (another
/// server process on the same database) stays unseen.
#[derive(Default)]
pub struct Dictionaries {
    entries: Mutex<HashMap<DictKind, Stamped<Arc<Vec<DictEntry>>>>>,
    /// Bumped by every invalidation, so a read that started before a save
    /// cannot put its older answer back after the save cleared the cache.
    generation: AtomicU64,
}

/// A cached value and when it was read.
type Stamped<T> = (Instant, T);

const DICTIONARY_TTL: Duration = Duration::from_secs(60);

impl Dictionaries {
    pub async fn get(
        &self,
        store: &dyn Store,
        kind: DictKind,
    ) -> Result<Arc<Vec<DictEntry>>, StoreError> {
        if let Some(v) = fresh(&self.entries, &kind, DICTIONARY_TTL) {
            return Ok(v);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let v = Arc::new(store.dictionary(kind).await?);
        let mut entries = self.entries.lock().expect("not poisoned");
        if self.generation.load(Ordering::Acquire) == generation {
            entries.insert(kind, (Instant::now(), v.clone()));
        }
        Ok(v)
    }

    /// Forgets every dictionary; call after saving an entry.
    pub fn invalidate(&self) {
        let mut entries = self.entries.lock().expect("not poisoned");
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}

/// How many villages (or units of another level) under a unit recorded
/// nothing since a month: the dashboard's "quiet" figure. Counting them
/// for the region probes every one of its ~14,600 villages (~100 ms), so
/// the figure is kept for a minute and then refreshed in the background
/// while the last one is still shown. A village becomes "not quiet" on the
/// dashboard at most about a minute after its first activity is recorded.
#[derive(Default)]
pub struct QuietCounts {
    counts: Mutex<HashMap<QuietKey, Stamped<usize>>>,
    refreshing: Mutex<HashSet<QuietKey>>,
    /// Serialises first computations, so a burst of requests for a cold
    /// figure counts it once rather than once per request.
    cold: tokio::sync::Mutex<()>,
}

type QuietKey = (UnitId, u8, i64);

const QUIET_TTL: Duration = Duration::from_secs(60);
/// Far more than the units of the tree × the months in use at once.
const QUIET_MAX_KEYS: usize = 50_000;

impl QuietCounts {
    /// The count for `unit`, which the caller has already found in the
    /// actor's scope.
    pub async fn get(
        self: &Arc<Self>,
        store: &Arc<dyn Store>,
        scope: Scope,
        unit: &Unit,
        level: Level,
        since: Month,
    ) -> Result<usize, StoreError> {
        let key = (unit.id, level.get(), since.yyyymm());
        if let Some(n) = self.cached(key, store, scope, unit, level, since) {
            return Ok(n);
        }
        let _cold = self.cold.lock().await;
        if let Some(n) = self.cached(key, store, scope, unit, level, since) {
            return Ok(n);
        }
        let n = count(store.as_ref(), scope, unit, level, since).await?;
        self.put(key, n);
        Ok(n)
    }

    /// A cached count, fresh or stale; a stale one starts a refresh.
    fn cached(
        self: &Arc<Self>,
        key: QuietKey,
        store: &Arc<dyn Store>,
        scope: Scope,
        unit: &Unit,
        level: Level,
        since: Month,
    ) -> Option<usize> {
        let (at, n) = *self.counts.lock().expect("not poisoned").get(&key)?;
        if at.elapsed() >= QUIET_TTL && self.refreshing.lock().expect("not poisoned").insert(key) {
            let (this, store, unit) = (self.clone(), store.clone(), unit.clone());
            tokio::spawn(async move {
                match count(store.as_ref(), scope, &unit, level, since).await {
                    Ok(n) => this.put(key, n),
                    Err(e) => tracing::warn!(error = %e, "refreshing the quiet count failed"),
                }
                this.refreshing.lock().expect("not poisoned").remove(&key);
            });
        }
        Some(n)
    }

    fn put(&self, key: QuietKey, n: usize) {
        let mut counts = self.counts.lock().expect("not poisoned");
        if counts.len() >= QUIET_MAX_KEYS {
            counts.clear();
        }
        counts.insert(key, (Instant::now(), n));
    }
}

/// Counts within `scope` (the reader's, narrowed to `unit`).
async fn count(
    store: &dyn Store,
    scope: Scope,
    unit: &Unit,
    level: Level,
    since: Month,
) -> Result<usize, StoreError> {
    Ok(store.quiet_units(scope, unit, level, since).await?.len())
}

/// Units by id and by code: every request reads its actor's unit, and form
/// submissions, dashboards and roll-ups the unit they name. Units change
/// only by an import of the division list or a new sector; this server's
/// new sectors clear the cache, and the time limit bounds how long an
/// import (a separate `jinguo org import` process) stays unseen. Writes do
/// not trust it: the store checks scope and retirement again on its own
/// reading of the unit.
#[derive(Default)]
pub struct Units {
    by_id: Mutex<HashMap<UnitId, Stamped<Unit>>>,
    by_code: Mutex<HashMap<UnitCode, Stamped<Unit>>>,
    generation: AtomicU64,
}

const UNIT_TTL: Duration = Duration::from_secs(60);
/// The bundled tree has ~16,000 units; this bounds memory if it grows.
const UNIT_MAX_KEYS: usize = 50_000;

impl Units {
    pub async fn by_id(&self, store: &dyn Store, id: UnitId) -> Result<Unit, StoreError> {
        if let Some(u) = fresh(&self.by_id, &id, UNIT_TTL) {
            return Ok(u);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let u = store.unit_by_id(id).await?;
        self.put(generation, u.clone());
        Ok(u)
    }

    pub async fn by_code(&self, store: &dyn Store, code: &UnitCode) -> Result<Unit, StoreError> {
        if let Some(u) = fresh(&self.by_code, code, UNIT_TTL) {
            return Ok(u);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let u = store.unit_by_code(code).await?;
        self.put(generation, u.clone());
        Ok(u)
    }

    /// Keeps a unit read under `generation`, unless the cache was cleared since.
    fn put(&self, generation: u64, u: Unit) {
        let mut by_id = self.by_id.lock().expect("not poisoned");
        let mut by_code = self.by_code.lock().expect("not poisoned");
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if by_id.len() >= UNIT_MAX_KEYS || by_code.len() >= UNIT_MAX_KEYS {
            by_id.clear();
            by_code.clear();
        }
        let now = Instant::now();
        by_code.insert(u.code.clone(), (now, u.clone()));
        by_id.insert(u.id, (now, u));
    }

    /// Forgets every unit; call after changing units.
    pub fn invalidate(&self) {
        let mut by_id = self.by_id.lock().expect("not poisoned");
        let mut by_code = self.by_code.lock().expect("not poisoned");
        self.generation.fetch_add(1, Ordering::AcqRel);
        by_id.clear();
        by_code.clear();
    }
}

fn fresh<K: std::hash::Hash + Eq, V: Clone>(
    map: &Mutex<HashMap<K, Stamped<V>>>,
    key: &K,
    ttl: Duration,
) -> Option<V> {
    let map = map.lock().expect("not poisoned");
    let (at, v) = map.get(key)?;
    (at.elapsed() < ttl).then(|| v.clone())
}

/// Active users by id, for resolving the actor of each request. Safe to
/// keep a minute because the session is always read fresh: disabling a
/// user or resetting her password deletes her sessions (here and in the
/// `jinguo user` commands), which ends her access at once whatever is
/// cached. Inactive users are never kept, and this server's user changes
/// clear the cache.
#[derive(Default)]
pub struct Users {
    by_id: Mutex<HashMap<UserId, Stamped<User>>>,
    generation: AtomicU64,
}

const USER_TTL: Duration = Duration::from_secs(60);
const USER_MAX_KEYS: usize = 50_000;

impl Users {
    /// Read through the system handle: only the auth layer holds one.
    pub async fn by_id(&self, store: &SqlStore, id: UserId) -> Result<User, StoreError> {
        if let Some(u) = fresh(&self.by_id, &id, USER_TTL) {
            return Ok(u);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let u = store.user_by_id(id).await?;
        if u.active {
            let mut map = self.by_id.lock().expect("not poisoned");
            if self.generation.load(Ordering::Acquire) == generation {
                if map.len() >= USER_MAX_KEYS {
                    map.clear();
                }
                map.insert(id, (Instant::now(), u.clone()));
            }
        }
        Ok(u)
    }

    /// Forgets every user; call after changing users.
    pub fn invalidate(&self) {
        let mut map = self.by_id.lock().expect("not poisoned");
        self.generation.fetch_add(1, Ordering::AcqRel);
        map.clear();
    }
}
