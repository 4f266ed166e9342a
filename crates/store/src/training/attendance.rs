//! Attendance, completion and the counters they move.
//!
//! `rollup_training` holds, for every ancestor of a trainee's unit, counts
//! by (dimension, programme year): `enrolled`, `expected` (enrolments in
//! classes that were held, i.e. had an attendance), `attended`, `hours`,
//! `trainees` (people with an attendance), `classes` (classes attended by
//! someone of the subtree), `chairs_year` (village chairs who completed a
//! programme of the year), and (`chairs_term`, `current`): current village
//! chairs who completed a programme in their term. Every change is made in
//! the transaction of the enrolment or attendance, rows sorted by key so
//! concurrent writers lock them in the same order.
//!
//! A committee row lives for one term (an election writes a new
//! committee), so "trained this term" is a completion of the current
//! committee's chair row; when an election replaces a trained chair,
//! [`on_new_committee`] takes her out of `chairs_term` in the election's
//! transaction.

use std::collections::BTreeMap;

use jinguo_domain::organisation::OrgKind;
use jinguo_domain::training::{AttendedVia, ClassId, EnrolmentId, completes};
use jinguo_domain::{UnitId, UserId};
use sqlx::{AnyConnection, Row};

use super::sql::refused;
use super::{Attended, Class};
use crate::sql::{Backend, SqlStore, ancestors};
use crate::{InScope, Result, Scope};

/// Adds each `(unit, dim, key, n)` to the counters, in one upsert per 400
/// rows, sorted by key.
pub(super) async fn apply_rows(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: BTreeMap<(i64, String, String), i64>,
) -> Result<()> {
    let rows: Vec<_> = rows.into_iter().filter(|(_, n)| *n != 0).collect();
    for chunk in rows.chunks(400) {
        let sql = format!(
            "INSERT INTO rollup_training (unit_id, dim, key, n) VALUES {} \
             ON CONFLICT (unit_id, dim, key) DO UPDATE SET n = rollup_training.n + excluded.n",
            backend.row_params(chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for ((u, d, k), n) in chunk {
            q = q.bind(*u).bind(d.as_str()).bind(k.as_str()).bind(*n);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Adds each `(dim, key, n)` to the counters of every ancestor.
pub(super) async fn bump(
    conn: &mut AnyConnection,
    backend: Backend,
    anc: &[Option<UnitId>; 5],
    facts: &[(&str, &str, i64)],
) -> Result<()> {
    let mut rows = BTreeMap::new();
    for u in anc.iter().flatten() {
        for (d, k, n) in facts {
            *rows
                .entry((u.get(), (*d).to_owned(), (*k).to_owned()))
                .or_default() += n;
        }
    }
    apply_rows(conn, backend, rows).await
}

/// Whether a committee member is the chair of the current committee of a
/// village (community) federation.
async fn is_current_village_chair(conn: &mut AnyConnection, member: i64) -> Result<bool> {
    let hit: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT m.id FROM committee_members m JOIN organisations o \
         ON o.election_id = m.election_id WHERE m.id = $1 AND m.role = 'chair' \
         AND o.kind IN ('{}', '{}')",
        OrgKind::Village.as_str(),
        OrgKind::Community.as_str()
    ))
    .bind(member)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(hit.is_some())
}

/// Records one attendance and everything it moves; an enrolment already
/// attended changes nothing.
async fn record(
    conn: &mut AnyConnection,
    backend: Backend,
    enrolment: i64,
    via: AttendedVia,
    by: Option<UserId>,
    now: i64,
) -> Result<Attended> {
    let id = EnrolmentId::new(enrolment);
    let done = sqlx::query(
        "UPDATE training_enrolments SET attended_at = $1, attended_via = $2, attended_by = $3 \
         WHERE id = $4 AND attended_at IS NULL",
    )
    .bind(now)
    .bind(via.as_str())
    .bind(by.map(UserId::get))
    .bind(enrolment)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(Attended {
            enrolment: id,
            already: true,
            completed_now: false,
        });
    }
    let e = sqlx::query(
        "SELECT e.class_id, e.programme_id, e.member_id, e.l1, e.l2, e.l3, e.l4, e.l5, \
         c.hours, p.hours AS p_hours, p.year FROM training_enrolments e \
         JOIN training_classes c ON c.id = e.class_id \
         JOIN training_programmes p ON p.id = e.programme_id WHERE e.id = $1",
    )
    .bind(enrolment)
    .fetch_one(&mut *conn)
    .await?;
    let class: i64 = e.try_get("class_id")?;
    let programme: i64 = e.try_get("programme_id")?;
    let member: i64 = e.try_get("member_id")?;
    let anc = ancestors(&e, "")?;
    let hours: i64 = e.try_get("hours")?;
    let required: i64 = e.try_get("p_hours")?;
    let year = e.try_get::<i64, _>("year")?.to_string();
    let mut rows: BTreeMap<(i64, String, String), i64> = BTreeMap::new();
    fn put(rows: &mut BTreeMap<(i64, String, String), i64>, u: i64, d: &str, k: &str, n: i64) {
        *rows.entry((u, d.to_owned(), k.to_owned())).or_default() += n;
    }
    let add = |rows: &mut BTreeMap<_, _>, u: i64, d: &str, n: i64| put(rows, u, d, &year, n);

    // The class: held at its first attendance, when every enrolment
    // already made becomes expected.
    let attended: i64 = sqlx::query_scalar(
        "UPDATE training_classes SET attended = attended + 1 WHERE id = $1 RETURNING attended",
    )
    .bind(class)
    .fetch_one(&mut *conn)
    .await?;
    if attended == 1 {
        let groups = sqlx::query(
            "SELECT l1, l2, l3, l4, l5, COUNT(*) AS n FROM training_enrolments \
             WHERE class_id = $1 GROUP BY l1, l2, l3, l4, l5",
        )
        .bind(class)
        .fetch_all(&mut *conn)
        .await?;
        for g in &groups {
            let n: i64 = g.try_get("n")?;
            for u in ancestors(g, "")?.iter().flatten() {
                add(&mut rows, u.get(), "expected", n);
            }
        }
    }
    for u in anc.iter().flatten() {
        add(&mut rows, u.get(), "attended", 1);
        add(&mut rows, u.get(), "hours", hours);
    }
    // Classes held for each ancestor: its first attendee in the class.
    for u in anc.iter().flatten() {
        let n: i64 = sqlx::query_scalar(
            "INSERT INTO training_class_units (class_id, unit_id, n) VALUES ($1, $2, 1) \
             ON CONFLICT (class_id, unit_id) DO UPDATE SET n = training_class_units.n + 1 \
             RETURNING n",
        )
        .bind(class)
        .bind(u.get())
        .fetch_one(&mut *conn)
        .await?;
        if n == 1 {
            add(&mut rows, u.get(), "classes", 1);
        }
    }
    // A trainee of the year at her first attendance in it.
    let first_in_year = sqlx::query(
        "INSERT INTO training_trainee_years (member_id, year) VALUES ($1, $2) \
         ON CONFLICT (member_id, year) DO NOTHING",
    )
    .bind(member)
    .bind(year.parse::<i64>().unwrap_or(0))
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if first_in_year {
        for u in anc.iter().flatten() {
            add(&mut rows, u.get(), "trainees", 1);
        }
    }
    sqlx::query(
        "INSERT INTO training_trainees (member_id, l1, l2, l3, l4, l5) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (member_id) DO NOTHING",
    )
    .bind(member)
    .bind(anc[0].map(UnitId::get))
    .bind(anc[1].map(UnitId::get))
    .bind(anc[2].map(UnitId::get))
    .bind(anc[3].map(UnitId::get))
    .bind(anc[4].map(UnitId::get))
    .execute(&mut *conn)
    .await?;
    // Progress in the programme; completion when it reaches its hours.
    let progress = sqlx::query(
        "INSERT INTO training_progress (programme_id, member_id, hours) VALUES ($1, $2, $3) \
         ON CONFLICT (programme_id, member_id) \
         DO UPDATE SET hours = training_progress.hours + excluded.hours \
         RETURNING hours, completed_at",
    )
    .bind(programme)
    .bind(member)
    .bind(hours)
    .fetch_one(&mut *conn)
    .await?;
    let total: i64 = progress.try_get("hours")?;
    let was_completed = progress
        .try_get::<Option<i64>, _>("completed_at")?
        .is_some();
    let completed_now = !was_completed && completes(total, required);
    if completed_now {
        sqlx::query(
            "UPDATE training_progress SET completed_at = $1 \
             WHERE programme_id = $2 AND member_id = $3",
        )
        .bind(now)
        .bind(programme)
        .bind(member)
        .execute(&mut *conn)
        .await?;
        let chair = is_current_village_chair(conn, member).await?;
        let first_completion = sqlx::query(
            "UPDATE training_trainees SET completed_at = $1, term_counted = $2 \
             WHERE member_id = $3 AND completed_at IS NULL",
        )
        .bind(now)
        .bind(i64::from(chair))
        .bind(member)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if chair {
            let first_this_year = sqlx::query(
                "UPDATE training_trainee_years SET chair_completed = 1 \
                 WHERE member_id = $1 AND year = $2 AND chair_completed = 0",
            )
            .bind(member)
            .bind(year.parse::<i64>().unwrap_or(0))
            .execute(&mut *conn)
            .await?
            .rows_affected()
                == 1;
            for u in anc.iter().flatten() {
                if first_this_year {
                    add(&mut rows, u.get(), "chairs_year", 1);
                }
                if first_completion {
                    put(&mut rows, u.get(), "chairs_term", "current", 1);
                }
            }
        }
    }
    apply_rows(conn, backend, rows).await?;
    Ok(Attended {
        enrolment: id,
        already: false,
        completed_now,
    })
}

/// An election replaced the committee `old_election` of an organisation
/// whose unit has the ancestors `anc`: its trained chair is no longer a
/// current chair, so she leaves `chairs_term`. Called by the organisations
/// store in the election's transaction.
pub(crate) async fn on_new_committee(
    conn: &mut AnyConnection,
    backend: Backend,
    anc: &[Option<UnitId>; 5],
    old_election: i64,
) -> Result<()> {
    let left = sqlx::query(
        "UPDATE training_trainees SET term_counted = 0 WHERE term_counted = 1 \
         AND member_id IN (SELECT id FROM committee_members WHERE election_id = $1)",
    )
    .bind(old_election)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if left > 0 {
        let n = -i64::try_from(left).unwrap_or(0);
        bump(conn, backend, anc, &[("chairs_term", "current", n)]).await?;
    }
    Ok(())
}

impl SqlStore {
    pub(super) async fn attend_self_sql(
        &self,
        scope: Scope,
        class: ClassId,
        now: i64,
    ) -> Result<Attended> {
        let not_enrolled = || refused("token", "err.training.not_enrolled");
        let Some(user) = scope.user() else {
            return Err(not_enrolled());
        };
        let row = sqlx::query(
            "SELECT id, l1, l2, l3, l4, l5 FROM training_enrolments \
             WHERE class_id = $1 AND account_id = $2",
        )
        .bind(class.get())
        .bind(user.get())
        .fetch_optional(self.reader())
        .await?;
        let Some(row) = row else {
            return Err(not_enrolled());
        };
        if !scope.contains(&ancestors(&row, "")?) {
            return Err(not_enrolled());
        }
        let mut tx = self.write_tx().await?;
        let a = record(
            &mut tx,
            self.backend,
            row.try_get("id")?,
            AttendedVia::Scan,
            Some(user),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }

    pub(super) async fn attend_roll_sql(
        &self,
        class: &InScope<Class>,
        enrolments: &[EnrolmentId],
        via: AttendedVia,
        now: i64,
    ) -> Result<Vec<Attended>> {
        let mut tx = self.write_tx().await?;
        let mut out = Vec::with_capacity(enrolments.len());
        for e in enrolments {
            let of: Option<i64> =
                sqlx::query_scalar("SELECT class_id FROM training_enrolments WHERE id = $1")
                    .bind(e.get())
                    .fetch_optional(&mut *tx)
                    .await?;
            if of != Some(class.id.get()) {
                return Err(refused("enrolment", "err.training.enrolment_unknown"));
            }
            out.push(
                record(
                    &mut tx,
                    self.backend,
                    e.get(),
                    via,
                    class.scope().user(),
                    now,
                )
                .await?,
            );
        }
        tx.commit().await?;
        Ok(out)
    }
}
