use crate::Scope;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{Acquire, AnyConnection, Row};

use super::group::GroupWrite;
use super::{Backend, SqlStore, not_found_if_none};
use crate::audit_chain::{
    BrokenEntry, ChainBreak, ChainVerdict, ChainedContent, GENESIS, entry_hash, from_hex, to_hex,
};
use crate::model::{AuditEntry, AuditFilter, NewAudit, Page};
use crate::{AuditStore, Result};

#[async_trait]
impl AuditStore for SqlStore {
    async fn append_audit(&self, e: NewAudit) -> Result<()> {
        // In the next group commit: on SQLite beside the write it records;
        // on PostgreSQL with the other entries waiting, so the chain head's
        // row lock is taken (and the commit flushed) once per group rather
        // than once per entry while every other appender waits.
        let group = self.group.as_ref().unwrap_or(&self.audit_group);
        self.grouped(group, GroupWrite::Audit(e)).await.map(drop)
    }

    async fn audit_in_scope(
        &self,
        scope: Scope,
        filter: &AuditFilter,
        page: Page,
    ) -> Result<Vec<AuditEntry>> {
        // Conditions after the scope's, each with its own numbered parameter.
        let mut cond = String::new();
        let mut texts: Vec<(usize, &str)> = Vec::new();
        let mut numbers: Vec<(usize, i64)> = Vec::new();
        let mut n = 1;
        let mut add = |sql: &str| {
            n += 1;
            cond.push_str(&sql.replace('?', &format!("${n}")));
            n
        };
        if let Some(a) = filter.actor.as_deref() {
            texts.push((add(" AND a.actor_name = ?"), a));
        }
        if let Some(a) = filter.action.as_deref() {
            texts.push((add(" AND a.action = ?"), a));
        }
        if let Some(v) = filter.from {
            numbers.push((add(" AND a.at >= ?"), v));
        }
        if let Some(v) = filter.until {
            numbers.push((add(" AND a.at < ?"), v));
        }
        if let Some(v) = filter.before {
            numbers.push((add(" AND a.id < ?"), v));
        }
        let sql = format!(
            "SELECT a.id, a.at, a.actor_name, a.action, a.detail, a.ip, u.code, u.name \
             FROM audit_log a JOIN units u ON u.id = a.unit_id \
             WHERE a.{} = $1{cond} ORDER BY a.id DESC LIMIT ${} OFFSET ${}",
            scope.level().ancestor_column(),
            n + 1,
            n + 2,
        );
        let mut q = sqlx::query(&sql).bind(scope.unit().get());
        for i in 2..=n {
            if let Some((_, t)) = texts.iter().find(|(at, _)| *at == i) {
                q = q.bind(t.to_string());
            } else if let Some((_, v)) = numbers.iter().find(|(at, _)| *at == i) {
                q = q.bind(*v);
            }
        }
        let rows = q
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor_name: r.try_get("actor_name")?,
                    action: r.try_get("action")?,
                    detail: r.try_get("detail")?,
                    ip: r.try_get("ip")?,
                    unit_code: r.try_get("code")?,
                    unit_name: r.try_get("name")?,
                })
            })
            .collect()
    }
}

/// Appends an audit entry on `conn`, chained after the newest entry (see
/// [`crate::audit_chain`]). `conn` must be inside a write transaction: the
/// chain's head is read and moved in it (on PostgreSQL under a row lock
/// held to the commit), so entry N is hashed over entry N-1 as committed,
/// whichever writer commits first. The entry carries the ancestors of its
/// unit at write time, so the auditors who may read it do not change if
/// the tree changes later.
pub(crate) async fn insert(conn: &mut AnyConnection, backend: Backend, e: &NewAudit) -> Result<()> {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE OF h",
        Backend::Sqlite => "",
    };
    let row = sqlx::query(&format!(
        "SELECT h.seq, h.hash, u.l1, u.l2, u.l3, u.l4, u.l5 \
         FROM audit_chain_head h, units u WHERE h.id = 1 AND u.id = $1{lock}"
    ))
    .bind(e.unit.get())
    .fetch_optional(&mut *conn)
    .await?;
    let row = not_found_if_none(row)?;
    let prev_seq: i64 = row.try_get("seq")?;
    let prev_hex: String = row.try_get("hash")?;
    let prev = from_hex(&prev_hex).ok_or_else(|| {
        sqlx::Error::Decode(format!("audit_chain_head holds a bad hash {prev_hex:?}").into())
    })?;
    let ancestors = super::ancestors(&row, "")?.map(|a| a.map(|u| u.get()));
    let seq = prev_seq + 1;
    let actor_name = e.actor.as_ref().map(|(_, name)| name.as_str());
    let hash = to_hex(&entry_hash(
        &prev,
        &ChainedContent {
            seq,
            at: e.at,
            actor_id: e.actor.as_ref().map(|(id, _)| id.get()),
            actor_name,
            action: e.action,
            detail: &e.detail,
            ip: e.ip.as_deref(),
            unit_id: e.unit.get(),
            ancestors,
        },
    ));
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, detail, ip, unit_id, \
           l1, l2, l3, l4, l5, seq, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(e.at)
    .bind(e.actor.as_ref().map(|(id, _)| id.get()))
    .bind(actor_name)
    .bind(e.action)
    .bind(&e.detail)
    .bind(e.ip.as_deref())
    .bind(e.unit.get())
    .bind(ancestors[0])
    .bind(ancestors[1])
    .bind(ancestors[2])
    .bind(ancestors[3])
    .bind(ancestors[4])
    .bind(seq)
    .bind(&prev_hex)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    // The trigger `audit_chain_advance` (migration 0016) has moved the head.
    Ok(())
}

/// The chain columns and content of an audit row, as read back.
struct ChainRow {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    action: String,
    detail: String,
    ip: Option<String>,
    unit_id: i64,
    ancestors: [Option<i64>; 5],
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

const CHAIN_COLUMNS: &str = "id, at, actor_id, actor_name, action, detail, ip, unit_id, \
                             l1, l2, l3, l4, l5, seq, prev_hash, hash";

impl ChainRow {
    fn read(r: &AnyRow) -> Result<Self> {
        Ok(ChainRow {
            id: r.try_get("id")?,
            at: r.try_get("at")?,
            actor_id: r.try_get("actor_id")?,
            actor_name: r.try_get("actor_name")?,
            action: r.try_get("action")?,
            detail: r.try_get("detail")?,
            ip: r.try_get("ip")?,
            unit_id: r.try_get("unit_id")?,
            ancestors: super::ancestors(r, "")?.map(|a| a.map(|u| u.get())),
            seq: r.try_get("seq")?,
            prev_hash: r.try_get("prev_hash")?,
            hash: r.try_get("hash")?,
        })
    }

    fn content(&self, seq: i64) -> ChainedContent<'_> {
        ChainedContent {
            seq,
            at: self.at,
            actor_id: self.actor_id,
            actor_name: self.actor_name.as_deref(),
            action: &self.action,
            detail: &self.detail,
            ip: self.ip.as_deref(),
            unit_id: self.unit_id,
            ancestors: self.ancestors,
        }
    }

    fn broken(&self, why: ChainBreak) -> BrokenEntry {
        BrokenEntry {
            id: Some(self.id),
            at: Some(self.at),
            seq: self.seq,
            why,
        }
    }
}

/// Rows read at a time when walking or chaining the log.
const CHAIN_PAGE: i64 = 2000;

impl SqlStore {
    /// Chains the audit entries that have no chain columns yet — those
    /// written before migration 0016 — in id order after the chain's head,
    /// in one write transaction; answers how many. Run by every `migrate`
    /// (so by `serve` and the commands at start); a no-op once done.
    pub(crate) async fn chain_unchained_audit(&self) -> Result<i64> {
        let pending: Option<i64> =
            sqlx::query_scalar("SELECT MIN(id) FROM audit_log WHERE seq IS NULL")
                .fetch_one(self.writer())
                .await?;
        if pending.is_none() {
            return Ok(0);
        }
        let mut tx = self.write_tx().await?;
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let head = sqlx::query(&format!(
            "SELECT seq, hash FROM audit_chain_head WHERE id = 1{lock}"
        ))
        .fetch_one(&mut *tx)
        .await?;
        let mut seq: i64 = head.try_get("seq")?;
        let mut prev_hex: String = head.try_get("hash")?;
        let mut last_id = i64::MIN;
        let mut done = 0;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {CHAIN_COLUMNS} FROM audit_log WHERE seq IS NULL AND id > $1 \
                 ORDER BY id LIMIT $2"
            ))
            .bind(last_id)
            .bind(CHAIN_PAGE)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let row = ChainRow::read(r)?;
                let prev = from_hex(&prev_hex).ok_or_else(|| {
                    sqlx::Error::Decode("audit_chain_head holds a bad hash".into())
                })?;
                seq += 1;
                let hash = to_hex(&entry_hash(&prev, &row.content(seq)));
                sqlx::query(
                    "UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4",
                )
                .bind(seq)
                .bind(&prev_hex)
                .bind(&hash)
                .bind(row.id)
                .execute(&mut *tx)
                .await?;
                prev_hex = hash;
                last_id = row.id;
                done += 1;
            }
        }
        sqlx::query("UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&prev_hex)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(
            entries = done,
            "chained the audit entries written before the chain"
        );
        Ok(done)
    }

    /// Walks the audit chain in id order, in one read snapshot (so entries
    /// appended meanwhile neither count nor look missing), and answers the
    /// count verified or the first broken entry and why (see
    /// [`crate::audit_chain`]).
    pub async fn verify_audit_chain(&self) -> Result<ChainVerdict> {
        let mut conn = self.reader().acquire().await?;
        let mut tx = conn.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_chain_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let head_seq: i64 = head.try_get("seq")?;
        let head_hash: String = head.try_get("hash")?;
        let mut expected = 1i64;
        let mut prev_hex = to_hex(&GENESIS);
        let mut last: Option<ChainRow> = None;
        let mut verified = 0i64;
        let broken = |verified, entry| Ok(ChainVerdict::Broken { verified, entry });
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {CHAIN_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
            ))
            .bind(last.as_ref().map_or(i64::MIN, |r| r.id))
            .bind(CHAIN_PAGE)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let row = ChainRow::read(r)?;
                let (Some(seq), Some(prev), Some(hash)) = (row.seq, &row.prev_hash, &row.hash)
                else {
                    return broken(verified, row.broken(ChainBreak::Unchained));
                };
                let own = from_hex(prev).map(|p| to_hex(&entry_hash(&p, &row.content(seq))));
                if own.as_ref() != Some(hash) {
                    return broken(verified, row.broken(ChainBreak::ContentChanged));
                }
                if seq != expected {
                    let elsewhere: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM audit_log WHERE seq = $1")
                            .bind(expected)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let why = if seq > expected && elsewhere.is_none() {
                        ChainBreak::EntryMissing {
                            first: expected,
                            last: seq - 1,
                        }
                    } else {
                        ChainBreak::OrderChanged {
                            expected_seq: expected,
                        }
                    };
                    return broken(verified, row.broken(why));
                }
                if *prev != prev_hex {
                    // This entry is intact and in its place, but the one
                    // before was rewritten with a recomputed hash (or this
                    // link was, with this entry's hash recomputed).
                    let entry = match &last {
                        Some(before) => before.broken(ChainBreak::ContentChanged),
                        None => row.broken(ChainBreak::ContentChanged),
                    };
                    return broken(verified.saturating_sub(1), entry);
                }
                verified += 1;
                expected += 1;
                prev_hex = hash.clone();
                last = Some(row);
            }
        }
        let last_seq = expected - 1;
        if head_seq > last_seq {
            // The newest entries were deleted: the head remembers them.
            let why = ChainBreak::EntryMissing {
                first: last_seq + 1,
                last: head_seq,
            };
            let entry = match &last {
                Some(row) => row.broken(why),
                None => BrokenEntry {
                    id: None,
                    at: None,
                    seq: None,
                    why,
                },
            };
            return broken(verified, entry);
        }
        if head_seq < last_seq || head_hash != prev_hex {
            // Entries added after the head, or the newest entry rewritten
            // with a recomputed hash: the head no longer matches.
            if let Some(row) = &last {
                return broken(
                    verified.saturating_sub(1),
                    row.broken(ChainBreak::ContentChanged),
                );
            }
        }
        tx.commit().await?;
        Ok(ChainVerdict::Intact {
            entries: verified,
            head: prev_hex,
        })
    }
}

/// Appends the audit entry of a write done by `by`, on `conn` inside the
/// write's transaction (see [`insert`]): the one helper of the modules
/// that audit their own writes.
pub(crate) async fn by_who(
    backend: Backend,
    conn: &mut AnyConnection,
    by: &crate::model::Who,
    action: &'static str,
    unit: jinguo_domain::UnitId,
    detail: String,
    now: i64,
) -> Result<()> {
    insert(
        conn,
        backend,
        &NewAudit {
            at: now,
            actor: by.user.clone(),
            action,
            detail,
            ip: by.ip.clone(),
            unit,
        },
    )
    .await
}

/// Audit entries chained per multi-row statement: a row's 15 values.
const AUDIT_ROWS_PER_INSERT: usize = 64;

/// Appends `entries` in order, as [`insert`] would one by one, with a
/// constant number of statements: the chain's head is read once, the
/// ancestors of their units in one query, the hashes chained in memory,
/// and the rows written in multi-row inserts (the trigger moves the head
/// row by row, so it ends at the last). A group commit's entries cost
/// three or four statements on its one writer connection instead of two
/// each. Fails as a whole, e.g. for an entry naming a unit that does not
/// exist.
pub(crate) async fn insert_many(
    conn: &mut AnyConnection,
    backend: Backend,
    entries: &[&NewAudit],
) -> Result<()> {
    match entries {
        [] => return Ok(()),
        [one] => return insert(conn, backend, one).await,
        _ => {}
    }
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let head = sqlx::query(&format!(
        "SELECT seq, hash FROM audit_chain_head WHERE id = 1{lock}"
    ))
    .fetch_optional(&mut *conn)
    .await?;
    let head = not_found_if_none(head)?;
    let mut seq: i64 = head.try_get("seq")?;
    let mut prev_hex: String = head.try_get("hash")?;

    let mut units: Vec<i64> = entries.iter().map(|e| e.unit.get()).collect();
    units.sort_unstable();
    units.dedup();
    let sql = format!(
        "SELECT id, l1, l2, l3, l4, l5 FROM units WHERE id IN ({})",
        backend.params(1, units.len())
    );
    let mut q = sqlx::query(&sql);
    for u in &units {
        q = q.bind(*u);
    }
    let mut ancestors_of = std::collections::HashMap::with_capacity(units.len());
    for row in q.fetch_all(&mut *conn).await? {
        let id: i64 = row.try_get("id")?;
        let anc = super::ancestors(&row, "")?.map(|a| a.map(|u| u.get()));
        ancestors_of.insert(id, anc);
    }

    struct Chained<'a> {
        e: &'a NewAudit,
        ancestors: [Option<i64>; 5],
        seq: i64,
        prev_hash: String,
        hash: String,
    }
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        let ancestors = *ancestors_of
            .get(&e.unit.get())
            .ok_or(crate::StoreError::NotFound)?;
        let prev = from_hex(&prev_hex).ok_or_else(|| {
            sqlx::Error::Decode(format!("audit_chain_head holds a bad hash {prev_hex:?}").into())
        })?;
        seq += 1;
        let hash = to_hex(&entry_hash(
            &prev,
            &ChainedContent {
                seq,
                at: e.at,
                actor_id: e.actor.as_ref().map(|(id, _)| id.get()),
                actor_name: e.actor.as_ref().map(|(_, name)| name.as_str()),
                action: e.action,
                detail: &e.detail,
                ip: e.ip.as_deref(),
                unit_id: e.unit.get(),
                ancestors,
            },
        ));
        let prev_hash = std::mem::replace(&mut prev_hex, hash.clone());
        rows.push(Chained {
            e,
            ancestors,
            seq,
            prev_hash,
            hash,
        });
    }
    for chunk in rows.chunks(AUDIT_ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, detail, ip, unit_id, \
               l1, l2, l3, l4, l5, seq, prev_hash, hash) VALUES {}",
            backend.row_params(chunk.len(), 15)
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(r.e.at)
                .bind(r.e.actor.as_ref().map(|(id, _)| id.get()))
                .bind(r.e.actor.as_ref().map(|(_, name)| name.as_str()))
                .bind(r.e.action)
                .bind(r.e.detail.as_str())
                .bind(r.e.ip.as_deref())
                .bind(r.e.unit.get())
                .bind(r.ancestors[0])
                .bind(r.ancestors[1])
                .bind(r.ancestors[2])
                .bind(r.ancestors[3])
                .bind(r.ancestors[4])
                .bind(r.seq)
                .bind(r.prev_hash.as_str())
                .bind(r.hash.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use crate::audit_chain::ChainVerdict;

    /// Migration 0016 on a log written before it: the first start chains
    /// the old entries in id order, `verify` passes, new entries follow
    /// them, and each account's last login is taken from its newest login
    /// entry.
    async fn chains_old_entries(url: &str, all: &'static sqlx::migrate::Migrator) {
        let pool = crate::sql::pool_migrated_below(url, all, 16).await;
        sqlx::query(
            "INSERT INTO units (id, code, name, level, kind, l1) \
             VALUES (1, '150000000000', 'region', 1, 'geo', 1)",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO users (id, username, password_hash, unit_id, created_at) \
             VALUES (1, 'admin', 'x', 1, 0), (2, 'never', 'x', 1, 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        for (i, (action, ip)) in [
            ("login", "10.0.0.1"),
            ("user.create", "10.0.0.1"),
            ("login", "10.0.3.7"),
            ("login.failed", "10.9.9.9"),
        ]
        .iter()
        .enumerate()
        {
            sqlx::query(
                "INSERT INTO audit_log (at, actor_id, actor_name, action, detail, ip, unit_id, l1) \
                 VALUES ($1, 1, 'admin', $2, '', $3, 1, 1)",
            )
            .bind(1_000 + i as i64)
            .bind(*action)
            .bind(*ip)
            .execute(&pool)
            .await
            .unwrap();
        }
        pool.close().await;

        let store = crate::SqlStore::connect(url).await.unwrap();
        assert_eq!(
            store.verify_audit_chain().await.unwrap(),
            ChainVerdict::Intact {
                entries: 4,
                head: crate::testing::column_texts(
                    &store,
                    "SELECT hash FROM audit_log WHERE seq = 4"
                )
                .await[0]
                    .clone()
                    .unwrap()
            }
        );
        let seqs = crate::testing::column_texts(
            &store,
            "SELECT CAST(seq AS TEXT) FROM audit_log ORDER BY id",
        )
        .await;
        assert_eq!(seqs, ["1", "2", "3", "4"].map(|s| Some(s.to_owned())));
        // A new entry joins the chain after them.
        use crate::AuditStore;
        store
            .append_audit(crate::model::NewAudit {
                at: 2_000,
                actor: None,
                action: "login.failed",
                detail: String::new(),
                ip: None,
                unit: jinguo_domain::UnitId::new(1),
            })
            .await
            .unwrap();
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            ChainVerdict::Intact { entries: 5, .. }
        ));
        // Starting again chains nothing twice.
        assert_eq!(store.chain_unchained_audit().await.unwrap(), 0);
        let row = sqlx::query("SELECT last_login_at, last_login_ip FROM users WHERE id = 1")
            .fetch_one(store.pool_for_tests())
            .await
            .unwrap();
        assert_eq!(row.get::<Option<i64>, _>(0), Some(1_002));
        assert_eq!(row.get::<Option<String>, _>(1).as_deref(), Some("10.0.3.7"));
        let never: Option<i64> = sqlx::query_scalar("SELECT last_login_at FROM users WHERE id = 2")
            .fetch_one(store.pool_for_tests())
            .await
            .unwrap();
        assert_eq!(never, None);
        // Still append-only: a chained entry cannot be changed.
        let edit = sqlx::query("UPDATE audit_log SET detail = 'x' WHERE seq = 1")
            .execute(store.pool_for_tests())
            .await;
        assert!(edit.is_err(), "a chained entry is not updated");
        let unchain = sqlx::query(
            "UPDATE audit_log SET seq = NULL, prev_hash = NULL, hash = NULL WHERE seq = 2",
        )
        .execute(store.pool_for_tests())
        .await;
        assert!(unchain.is_err(), "nor unchained");
        store.close().await;
    }

    #[tokio::test]
    async fn migration_0016_chains_old_entries_on_sqlite() {
        let url = crate::testing::fresh_sqlite_url() + "?mode=rwc";
        chains_old_entries(&url, &crate::sql::SQLITE_MIGRATIONS).await;
    }

    #[tokio::test]
    async fn migration_0016_chains_old_entries_on_postgres() {
        if let crate::testing::PostgresTarget::Fresh(url) = crate::testing::fresh_postgres().await {
            chains_old_entries(&url, &crate::sql::POSTGRES_MIGRATIONS).await;
        }
    }
}
