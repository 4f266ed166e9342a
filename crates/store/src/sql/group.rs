//! Group commit for SQLite's hot single writes: activities recorded by
//! form or API, and audit entries.
//!
//! SQLite has one writer at a time. When each submission commits its own
//! transaction, 32 concurrent submissions queue for the write lock in the
//! busy handler (sleeps of 1, 2, 5 … 100 ms, not in arrival order), and every
//! commit writes the same counter pages of the region, the league and the
//! banner to the WAL again. Here the writes that arrive while a group is
//! being committed wait in a queue; one task then writes them all in one
//! transaction, each in its own savepoint, so a write that fails is rolled
//! back alone and answered with its own error while the others commit.
//! Nobody is answered before the commit that holds their write. If the group
//! transaction itself cannot start or commit, every write of the group is
//! tried again alone, in a transaction of its own, and answered with that
//! outcome.
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
use crate::model::{NewActivity, NewAudit};
use crate::{Result, StoreError};
use jinguo_domain::UnitId;

/// Writes committed together at most: bounds a group's transaction (and
/// the wait of the first write in it) when many arrive at once.
const GROUP_MAX: usize = 256;

/// One write that may share a transaction with others.
pub(crate) enum GroupWrite {
    /// An activity and its roll-up counters; answers the activity's id.
    Activity {
        ancestors: [Option<UnitId>; 5],
        new: NewActivity,
        /// Its idempotency key, taken in its savepoint, and device time
        /// (boxed: most writes have neither, and the queue moves jobs).
        arrival: Box<crate::idempotency::Arrival>,
        now: i64,
    },
    /// An audit entry; answers `None`.
    Audit(NewAudit),
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
        let mut answers = Vec::with_capacity(jobs.len());
        let committed = async {
            let mut tx = self.write_tx().await?;
            for job in &jobs {
                if self.backend == super::Backend::Sqlite
                    && matches!(job.write, GroupWrite::Audit(_))
                {
                    // An audit entry is one read and one insert (its trigger
                    // moves the chain's head in the same statement). SQLite
                    // takes back a failed statement alone and keeps the
                    // transaction, so it needs no savepoint: two statements
                    // instead of four on the one writer connection.
                    answers.push(self.write_one(&mut tx, &job.write).await);
                    continue;
                }
                let mut savepoint = tx.begin().await?;
                let out = self.write_one(&mut savepoint, &job.write).await;
                if out.is_ok() {
                    savepoint.commit().await?;
                } else {
                    savepoint.rollback().await?;
                }
                answers.push(out);
            }
            tx.commit().await?;
            Ok::<(), StoreError>(())
        }
        .await;
        if committed.is_ok() {
            for (job, out) in jobs.into_iter().zip(answers) {
                // The writer may have gone (a dropped request); its write stays.
                let _ = job.reply.send(out);
            }
            return true;
        }
        // The group as a whole failed and was rolled back: each write alone.
        tracing::warn!(
            writes = jobs.len(),
            error = %committed.err().map(|e| e.to_string()).unwrap_or_default(),
            "group commit failed; writing its writes one by one"
        );
        for job in jobs {
            let out = async {
                let mut tx = self.write_tx().await?;
                let out = self.write_one(&mut tx, &job.write).await?;
                tx.commit().await?;
                Ok(out)
            }
            .await;
            let _ = job.reply.send(out);
        }
        false
    }

    async fn write_one(&self, conn: &mut AnyConnection, write: &GroupWrite) -> Result<Option<i64>> {
        match write {
            GroupWrite::Activity {
                ancestors,
                new,
                arrival,
                now,
            } => {
                if let Some(claim) = arrival.claim() {
                    crate::idempotency::take(conn, claim, *now).await?;
                }
                super::activities::insert_with_counters(
                    conn,
                    self.backend,
                    ancestors,
                    new,
                    arrival.made_at,
                    *now,
                )
                .await
                .map(|id| Some(id.get()))
            }
            GroupWrite::Audit(e) => super::audit::insert(conn, self.backend, e)
                .await
                .map(|()| None),
        }
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
                let write = GroupWrite::Activity {
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
                    arrival: Box::default(),
                    now: 1,
                };
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
        // The counters of type `boom` cannot be written: its activity row
        // is inserted first and must be taken back by its savepoint.
        let (store, village) = store_with(
            "CREATE TRIGGER boom BEFORE INSERT ON rollup_activities \
             WHEN NEW.dim LIKE '%boom%' BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        )
        .await;
        let (jobs, rx) = jobs(&village, &["lecture", "lecture", "boom", "lecture"]);
        assert!(store.commit_group(jobs).await, "committed as one group");
        assert_eq!(answers(rx).await, [true, true, false, true]);
        assert_eq!(store.activity_count().await.unwrap(), 3);
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
}
