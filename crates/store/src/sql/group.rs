//! Group commit for SQLite's hot single writes: activities recorded by
//! form or API, and audit entries.
//!
//! SQLite has one writer at a time. When each submission commits its own
//! transaction, 32 concurrent submissions queue for the write lock in the
//! busy handler (sleeps of 1, 2, 5 … 100 ms, not in arrival order), and every
//! commit writes the same counter pages of the region, the league and the
//! banner to the WAL again. Here the writes that arrive while a group is
//! being committed wait in a queue; one task then writes them all in one
//! transaction, so a write that fails is rolled back alone and answered with
//! its own error while the others commit (a write of one statement needs
//! nothing for that, as SQLite takes back a failed statement alone; a write
//! of several has a savepoint). What the writes share is written once per
//! group, after them: the roll-up counters of all the group's activities in
//! one upsert (the region's, league's and banner's rows are the same for
//! most of them), and the audit entries chained in memory and inserted
//! together. Nobody is answered before the commit that holds their write.
//! If the group transaction itself cannot start or commit, every write of
//! the group is tried again alone, in a transaction of its own, and
//! answered with that outcome.
//!
//! PostgreSQL uses this for audit entries only: its writers take row
//! locks, not a lock on the whole database, and commit concurrently, but
//! appends to the audit chain wait for one row lock (the chain's head), so
//! committing the entries that queued meanwhile together takes that lock
//! and flushes the log once per group instead of once per entry.

use std::sync::{Arc, Mutex, PoisonError};

use sqlx::{Acquire, AnyConnection};
use tokio::sync::oneshot;

use super::SqlStore;
use super::activities::deltas::Deltas;
use crate::model::{ActivityWith, NewActivity, NewAudit};
use crate::{Result, StoreError};
use jinguo_domain::UnitId;

/// Writes committed together at most: bounds a group's transaction (and
/// the wait of the first write in it) when many arrive at once.
const GROUP_MAX: usize = 256;

/// One write that may share a transaction with others.
pub(crate) enum GroupWrite {
    /// An activity, its audiences and audit entry, and its roll-up
    /// counters; answers the activity's id. Boxed: the queue moves jobs.
    Activity(Box<ActivityWrite>),
    /// An audit entry; answers `None`.
    Audit(NewAudit),
}

/// A new activity with what is written with it.
pub(crate) struct ActivityWrite {
    pub(crate) ancestors: [Option<UnitId>; 5],
    pub(crate) new: NewActivity,
    /// Its idempotency key, taken with it, and device time.
    pub(crate) arrival: crate::idempotency::Arrival,
    pub(crate) with: ActivityWith,
    pub(crate) now: i64,
}

/// What the writes of a group leave to be written once for all of them.
#[derive(Default)]
struct Shared {
    counters: Deltas,
    audits: Vec<NewAudit>,
}

struct Job {
    write: GroupWrite,
    reply: oneshot::Sender<Result<Option<i64>>>,
}

#[derive(Default)]
struct Queue {
    jobs: Vec<Job>,
    /// A task is writing the queue's groups; new jobs wait for it.
    draining: bool,
}

/// The queue of writes waiting for the next group commit.
#[derive(Clone, Default)]
pub(crate) struct GroupCommit {
    queue: Arc<Mutex<Queue>>,
}

impl GroupCommit {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        // A panic while holding the lock leaves a queue that is still
        // consistent (a push or a take), so poisoning is ignored.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Clears `draining` when the draining task ends, also if it panicked or
/// its runtime shut down, so the next write starts a new one.
struct Draining(GroupCommit);

impl Drop for Draining {
    fn drop(&mut self) {
        self.0.lock().draining = false;
    }
}

impl SqlStore {
    /// Writes `write` in the next group commit and answers once it is
    /// committed (or failed). SQLite only; see the module comment.
    pub(crate) async fn grouped(
        &self,
        group: &GroupCommit,
        write: GroupWrite,
    ) -> Result<Option<i64>> {
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut q = group.lock();
            q.jobs.push(Job { write, reply });
            !std::mem::replace(&mut q.draining, true)
        };
        if start {
            let (store, group) = (self.clone(), group.clone());
            tokio::spawn(async move { store.drain(group).await });
        }
        answer.await.map_err(|_| {
            StoreError::Database(sqlx::Error::Protocol(
                "the group commit ended before answering".into(),
            ))
        })?
    }

    /// Commits groups until the queue is empty.
    async fn drain(&self, group: GroupCommit) {
        let _draining = Draining(group.clone());
        loop {
            let jobs = {
                let mut q = group.lock();
                if q.jobs.is_empty() {
                    q.draining = false;
                    return;
                }
                let n = q.jobs.len().min(GROUP_MAX);
                q.jobs.drain(..n).collect::<Vec<_>>()
            };
            self.commit_group(jobs).await;
        }
    }

    /// Writes `jobs` and answers each; true when they were committed as
    /// one group, false when the group failed and each was written alone.
    async fn commit_group(&self, jobs: Vec<Job>) -> bool {
        let writes: Vec<&GroupWrite> = jobs.iter().map(|j| &j.write).collect();
        let committed = self.write_together(&writes).await;
        let error = match committed {
            Ok(answers) => {
                for (job, out) in jobs.into_iter().zip(answers) {
                    // The writer may have gone (a dropped request); its write stays.
                    let _ = job.reply.send(out);
                }
                return true;
            }
            Err(e) => e,
        };
        // The group as a whole failed and was rolled back: each write alone.
        tracing::warn!(
            writes = jobs.len(),
            error = %error,
            "group commit failed; writing its writes one by one"
        );
        for job in jobs {
            let out = match self.write_together(&[&job.write]).await {
                Ok(mut answers) => answers.pop().unwrap_or(Ok(None)),
                Err(e) => Err(e),
            };
            let _ = job.reply.send(out);
        }
        false
    }

    /// Writes `writes` in one transaction: each its own rows (answering
    /// its own outcome), then what they share. `Err` when the transaction
    /// as a whole failed and was rolled back.
    async fn write_together(&self, writes: &[&GroupWrite]) -> Result<Vec<Result<Option<i64>>>> {
        let mut tx = self.write_tx().await?;
        let mut shared = Shared::default();
        let mut answers = Vec::with_capacity(writes.len());
        for write in writes {
            answers.push(self.write_own(&mut tx, write, &mut shared).await?);
        }
        let audits: Vec<&NewAudit> = shared.audits.iter().collect();
        super::audit::insert_many(&mut tx, self.backend, &audits).await?;
        shared.counters.apply(&mut tx, self.backend).await?;
        tx.commit().await?;
        Ok(answers)
    }

    /// Writes what is a write's own and leaves the shared part in `shared`
    /// once the own part has succeeded. The outer `Err` is the
    /// transaction's failure (a savepoint that could not be taken or let
    /// go), the inner the write's own answer.
    async fn write_own(
        &self,
        tx: &mut AnyConnection,
        write: &GroupWrite,
        shared: &mut Shared,
    ) -> Result<Result<Option<i64>>> {
        let a = match write {
            GroupWrite::Audit(e) => {
                shared.audits.push(e.clone());
                return Ok(Ok(None));
            }
            GroupWrite::Activity(a) => a,
        };
        let claim = a.arrival.claim();
        let out = if claim.is_none() && a.with.audiences.is_empty() {
            // One statement: taken back alone if it fails.
            self.activity_rows(tx, a).await
        } else {
            let mut savepoint = tx.begin().await?;
            let out = async {
                if let Some(claim) = claim {
                    crate::idempotency::take(&mut savepoint, claim, a.now).await?;
                }
                let id = self.activity_rows(&mut savepoint, a).await?;
                if !a.with.audiences.is_empty() {
                    crate::family_sites::audiences::replace(
                        &mut savepoint,
                        self.backend,
                        id,
                        &a.with.audiences,
                    )
                    .await?;
                }
                Ok(id)
            }
            .await;
            if out.is_ok() {
                savepoint.commit().await?;
            } else {
                savepoint.rollback().await?;
            }
            out
        };
        Ok(out.map(|id| {
            shared.counters.add(&a.ancestors, &a.new.fields, 1);
            shared.audits.extend(a.with.audit_of(id));
            Some(id)
        }))
    }

    /// The activity's row, without its counters.
    async fn activity_rows(&self, conn: &mut AnyConnection, a: &ActivityWrite) -> Result<i64> {
        super::activities::single::insert_row(
            conn,
            self.backend,
            &a.ancestors,
            &a.new,
            a.arrival.made_at,
            a.now,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UnitStore;
    use crate::csv_import::read_division_csv;
    use jinguo_domain::{ActivityFields, UnitCode};
    use time::macros::date;

    /// A fresh SQLite store with the bundled tree, `extra` SQL run on it,
    /// and a village to write into.
    async fn store_with(extra: &str) -> (SqlStore, crate::model::Unit) {
        let store = SqlStore::connect(&crate::testing::fresh_sqlite_url())
            .await
            .unwrap();
        let records = read_division_csv(crate::BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
        store.import_divisions(&records).await.unwrap();
        sqlx::raw_sql(extra).execute(&store.pool).await.unwrap();
        let village = store
            .unit_by_code(&UnitCode::parse("152502200200").unwrap())
            .await
            .unwrap();
        (store, village)
    }

    /// Where a job's answer comes.
    type Answer = oneshot::Receiver<Result<Option<i64>>>;

    /// Jobs writing one activity of each type, and where their answers come.
    fn jobs(village: &crate::model::Unit, types: &[&str]) -> (Vec<Job>, Vec<Answer>) {
        types
            .iter()
            .map(|t| {
                let (reply, answer) = oneshot::channel();
                let write = GroupWrite::Activity(Box::new(ActivityWrite {
                    ancestors: village.ancestors,
                    new: NewActivity {
                        unit: village.id,
                        fields: ActivityFields {
                            date: date!(2026 - 11 - 02),
                            type_key: (*t).into(),
                            program_key: None,
                            title: "宣讲".into(),
                            title_mn: None,
                            place: None,
                            participants: 10,
                            women: 6,
                            summary: None,
                        },
                        by: None,
                    },
                    arrival: Default::default(),
                    with: ActivityWith::default(),
                    now: 1,
                }));
                (Job { write, reply }, answer)
            })
            .unzip()
    }

    async fn answers(rx: Vec<Answer>) -> Vec<bool> {
        let mut out = Vec::new();
        for a in rx {
            out.push(a.await.unwrap().is_ok());
        }
        out
    }

    #[tokio::test]
    async fn a_failed_write_is_rolled_back_alone_and_the_group_commits() {
        // An activity of type `boom` cannot be written; the trigger's
        // audiences row is written first in the same statement and must
        // go with it, and its counters must not be counted.
        let (store, village) = store_with(
            "CREATE TABLE side (n INTEGER); \
             CREATE TRIGGER boom AFTER INSERT ON activities WHEN NEW.type_key = 'boom' \
             BEGIN INSERT INTO side VALUES (1); SELECT RAISE(ABORT, 'boom'); END;",
        )
        .await;
        let (jobs, rx) = jobs(&village, &["lecture", "lecture", "boom", "lecture"]);
        assert!(store.commit_group(jobs).await, "committed as one group");
        assert_eq!(answers(rx).await, [true, true, false, true]);
        assert_eq!(store.activity_count().await.unwrap(), 3);
        assert!(store.rollup_mismatches().await.unwrap().is_empty());
        let side: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM side")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(side, 0, "the failed statement was taken back whole");
    }

    #[tokio::test]
    async fn counters_that_cannot_be_written_send_the_group_one_by_one() {
        // The counters are written once for the group: when they fail, the
        // group is rolled back and each write tried alone, so only the
        // activity whose counters fail is refused.
        let (store, village) = store_with(
            "CREATE TRIGGER boom BEFORE INSERT ON rollup_activities \
             WHEN NEW.dim LIKE '%boom%' BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        )
        .await;
        let (jobs, rx) = jobs(&village, &["lecture", "boom", "lecture"]);
        assert!(!store.commit_group(jobs).await, "the group failed");
        assert_eq!(answers(rx).await, [true, false, true]);
        assert_eq!(store.activity_count().await.unwrap(), 2);
        assert!(store.rollup_mismatches().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_group_that_cannot_commit_is_written_one_by_one() {
        // An activity of type `late` breaks a deferred foreign key, which
        // SQLite checks only at COMMIT: the group's commit fails as a whole.
        let (store, village) = store_with(
            "CREATE TABLE late (unit INTEGER REFERENCES units(id) DEFERRABLE INITIALLY DEFERRED); \
             CREATE TRIGGER late AFTER INSERT ON activities WHEN NEW.type_key = 'late' \
             BEGIN INSERT INTO late VALUES (-1); END;",
        )
        .await;
        let (jobs, rx) = jobs(&village, &["lecture", "late", "lecture"]);
        assert!(!store.commit_group(jobs).await, "the group failed");
        assert_eq!(answers(rx).await, [true, false, true]);
        assert_eq!(store.activity_count().await.unwrap(), 2);
        assert!(store.rollup_mismatches().await.unwrap().is_empty());
    }

    /// An activity job whose audit entry is `detail`.
    fn audited(village: &crate::model::Unit, type_key: &str, detail: &str) -> (Job, Answer) {
        let (mut jobs, mut rx) = jobs(village, &[type_key]);
        let mut job = jobs.pop().unwrap();
        if let GroupWrite::Activity(a) = &mut job.write {
            a.with.audit = Some(entry(village, detail));
        }
        (job, rx.pop().unwrap())
    }

    fn entry(village: &crate::model::Unit, detail: &str) -> NewAudit {
        NewAudit {
            at: 1,
            actor: None,
            action: "test",
            detail: detail.into(),
            ip: None,
            unit: village.id,
        }
    }

    /// The details of the audit log, oldest first.
    async fn details(store: &SqlStore) -> Vec<String> {
        sqlx::query_scalar("SELECT detail FROM audit_log ORDER BY seq")
            .fetch_all(&store.pool)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn audit_entries_of_a_group_are_chained_in_order_and_only_for_what_was_written() {
        use crate::audit_chain::ChainVerdict;
        let (store, village) = store_with(
            "CREATE TRIGGER boom BEFORE INSERT ON activities \
             WHEN NEW.type_key = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        )
        .await;
        let before = details(&store).await.len();
        let (a, ra) = audited(&village, "lecture", "first");
        let (b, rb) = audited(&village, "boom", "refused");
        let (standalone, rs) = {
            let (reply, answer) = oneshot::channel();
            let write = GroupWrite::Audit(entry(&village, "standalone"));
            (Job { write, reply }, answer)
        };
        let (c, rc) = audited(&village, "visit", "last");
        assert!(store.commit_group(vec![a, b, standalone, c]).await);
        let mut got = Vec::new();
        for r in [ra, rb, rs, rc] {
            got.push(r.await.unwrap());
        }
        let a_id = got[0].as_ref().unwrap().unwrap();
        assert!(got[1].is_err(), "the refused activity answers its error");
        assert_eq!(got[2].as_ref().unwrap(), &None);
        let c_id = got[3].as_ref().unwrap().unwrap();
        let log = details(&store).await;
        assert_eq!(
            log[before..],
            [
                format!("activity={a_id} first"),
                "standalone".to_owned(),
                format!("activity={c_id} last"),
            ]
        );
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            ChainVerdict::Intact { .. }
        ));
        assert_eq!(store.activity_count().await.unwrap(), 2);
        assert!(store.rollup_mismatches().await.unwrap().is_empty());
    }
}
