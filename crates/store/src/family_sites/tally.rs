//! The family-work counters (`rollup_family`), kept in the transaction of
//! every honours write.
//!
//! Every honours write touches exactly one campaign, already locked, so the
//! write reads the campaign's contribution to the counters before it
//! changes anything ([`snapshot`]) and settles the difference after
//! ([`settle`]): whatever the step (a nomination, a recommendation, the
//! notice, an objection decided, the publication), the counters move by
//! exactly what it changed, with no per-step bookkeeping to get wrong.
//! The cost is one read of the campaign's nominations and objections.

use std::collections::BTreeMap;

use jinguo_domain::UnitId;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::sql::{Backend, ancestors};

/// (unit, year, dimension) → count.
pub(crate) type Tally = BTreeMap<(i64, i64, String), i64>;

/// The dimensions one nomination counts in.
pub(crate) fn nomination_dims(status: &str, at_level: i64, category: &str) -> Vec<String> {
    let mut dims = vec![format!("nom:{status}:{at_level}")];
    if status == "honoured" {
        dims.push(format!("hon:{category}"));
    }
    dims
}

/// The dimensions one objection counts in.
pub(crate) fn objection_dims(status: &str) -> Vec<String> {
    let mut dims = vec!["obj:raised".to_owned()];
    if status == "upheld" {
        dims.push("obj:upheld".to_owned());
    }
    dims
}

fn add(t: &mut Tally, anc: &[Option<UnitId>; 5], year: i64, dims: Vec<String>, n: i64) {
    for u in anc.iter().flatten() {
        for d in &dims {
            *t.entry((u.get(), year, d.clone())).or_default() += n;
        }
    }
}

/// The counts one campaign contributes, read inside the caller's
/// transaction; `campaign` is `None` for every campaign (a recount).
pub(crate) async fn snapshot(conn: &mut AnyConnection, campaign: Option<i64>) -> Result<Tally> {
    let filter = if campaign.is_some() {
        "c.id = $1"
    } else {
        "$1 = $1"
    };
    let mut t = Tally::new();
    let rows = sqlx::query(&format!(
        "SELECT n.l1, n.l2, n.l3, n.l4, n.l5, n.status, n.at_level, c.year, c.category \
         FROM honour_nominations n JOIN honour_campaigns c ON c.id = n.campaign_id \
         WHERE {filter}"
    ))
    .bind(campaign.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let status: String = r.try_get("status")?;
        let category: String = r.try_get("category")?;
        let dims = nomination_dims(&status, r.try_get("at_level")?, &category);
        add(&mut t, &ancestors(r, "")?, r.try_get("year")?, dims, 1);
    }
    let rows = sqlx::query(&format!(
        "SELECT n.l1, n.l2, n.l3, n.l4, n.l5, o.status, c.year \
         FROM honour_objections o JOIN honour_nominations n ON n.id = o.nomination_id \
         JOIN honour_campaigns c ON c.id = o.campaign_id WHERE {filter}"
    ))
    .bind(campaign.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let status: String = r.try_get("status")?;
        add(
            &mut t,
            &ancestors(r, "")?,
            r.try_get("year")?,
            objection_dims(&status),
            1,
        );
    }
    Ok(t)
}

/// Applies what changed since `before` to the counters, inside the
/// caller's transaction.
pub(crate) async fn settle(
    conn: &mut AnyConnection,
    backend: Backend,
    campaign: i64,
    before: Tally,
) -> Result<()> {
    let mut delta = snapshot(conn, Some(campaign)).await?;
    for (k, n) in before {
        *delta.entry(k).or_default() -= n;
    }
    delta.retain(|_, n| *n != 0);
    if delta.is_empty() {
        return Ok(());
    }
    // In chunks, so no statement holds too many parameters.
    let rows: Vec<_> = delta.into_iter().collect();
    for chunk in rows.chunks(200) {
        let sql = format!(
            "INSERT INTO rollup_family (unit_id, year, dim, n) VALUES {} \
             ON CONFLICT (unit_id, year, dim) DO UPDATE SET n = rollup_family.n + excluded.n",
            backend.row_params(chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for ((u, y, d), n) in chunk {
            q = q.bind(*u).bind(*y).bind(d.as_str()).bind(*n);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
