//! Whom an activity reached (its audiences, a dictionary) and the counters
//! beside the activity counters (`rollup_audiences`), for clean-family
//! work: "how many cadres' families did 廉洁 education reach this year".
//!
//! Every write that can change an activity's contribution — setting its
//! audiences, changing it (type, date, numbers, unit), deleting it — reads
//! that contribution inside its transaction before ([`snapshot`]) and
//! settles the difference after ([`settle`]).

use std::collections::BTreeMap;

use jinguo_domain::UnitId;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::model::Counts;
use crate::sql::{Backend, ancestors};

/// The dictionary of audiences, edited by the region; public, like the
/// activity form's other choices over the API.
pub const AUDIENCES: crate::model::DictKind =
    crate::model::DictKind::new("activity_audience", "activity-audiences", true);

/// (unit, dimension, month) → counts.
pub(crate) type AudTally = BTreeMap<(i64, String, i64), Counts>;

fn add(t: &mut AudTally, anc: &[Option<UnitId>; 5], month: i64, dims: &[String], c: Counts) {
    for u in anc.iter().flatten() {
        for d in dims {
            let e = t.entry((u.get(), d.clone(), month)).or_default();
            e.activities += c.activities;
            e.participants += c.participants;
            e.women += c.women;
        }
    }
}

/// The dimensions of one activity of `type_key` reaching `audience`.
pub(crate) fn dims(type_key: &str, audience: &str) -> [String; 2] {
    [format!("a:{audience}"), format!("ta:{type_key}:{audience}")]
}

/// The contribution of one activity (`Some`) or of all (`None`, a recount).
pub(crate) async fn snapshot(conn: &mut AnyConnection, activity: Option<i64>) -> Result<AudTally> {
    let filter = if activity.is_some() {
        "a.id = $1"
    } else {
        "$1 = $1"
    };
    let rows = sqlx::query(&format!(
        "SELECT a.l1, a.l2, a.l3, a.l4, a.l5, a.month, a.type_key, a.participants, a.women, \
         x.audience_key FROM activity_audiences x JOIN activities a ON a.id = x.activity_id \
         WHERE {filter}"
    ))
    .bind(activity.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    let mut t = AudTally::new();
    for r in &rows {
        let type_key: String = r.try_get("type_key")?;
        let aud: String = r.try_get("audience_key")?;
        let c = Counts {
            activities: 1,
            participants: r.try_get("participants")?,
            women: r.try_get("women")?,
        };
        add(
            &mut t,
            &ancestors(r, "")?,
            r.try_get("month")?,
            &dims(&type_key, &aud),
            c,
        );
    }
    Ok(t)
}

/// Applies the change of one activity's contribution since `before`.
pub(crate) async fn settle(
    conn: &mut AnyConnection,
    backend: Backend,
    activity: i64,
    before: AudTally,
) -> Result<()> {
    let mut delta = snapshot(conn, Some(activity)).await?;
    for (k, c) in before {
        let e = delta.entry(k).or_default();
        e.activities -= c.activities;
        e.participants -= c.participants;
        e.women -= c.women;
    }
    delta.retain(|_, c| *c != Counts::default());
    let rows: Vec<_> = delta.into_iter().collect();
    for chunk in rows.chunks(200) {
        let sql = format!(
            "INSERT INTO rollup_audiences (unit_id, dim, month, activities, participants, women) \
             VALUES {} ON CONFLICT (unit_id, dim, month) DO UPDATE SET \
             activities = rollup_audiences.activities + excluded.activities, \
             participants = rollup_audiences.participants + excluded.participants, \
             women = rollup_audiences.women + excluded.women",
            backend.row_params(chunk.len(), 6)
        );
        let mut q = sqlx::query(&sql);
        for ((u, d, m), c) in chunk {
            q = q
                .bind(*u)
                .bind(d.as_str())
                .bind(*m)
                .bind(c.activities)
                .bind(c.participants)
                .bind(c.women);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Replaces an activity's audiences inside the caller's transaction, its
/// counters moving with them.
pub(crate) async fn replace(
    conn: &mut AnyConnection,
    backend: Backend,
    activity: i64,
    keys: &[String],
) -> Result<()> {
    let before = snapshot(conn, Some(activity)).await?;
    sqlx::query("DELETE FROM activity_audiences WHERE activity_id = $1")
        .bind(activity)
        .execute(&mut *conn)
        .await?;
    for k in keys {
        sqlx::query("INSERT INTO activity_audiences (activity_id, audience_key) VALUES ($1, $2)")
            .bind(activity)
            .bind(k.as_str())
            .execute(&mut *conn)
            .await?;
    }
    settle(conn, backend, activity, before).await
}
