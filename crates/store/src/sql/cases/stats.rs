//! Case statistics maintained on write (design 3): every write to a case
//! reads the case's counted facts before and after, in the same
//! transaction, and moves the counters by the difference. Reads are then a
//! handful of small sums over `rollup_cases` and `rollup_case_days`
//! (migration 0010), whatever the number of cases.
//!
//! Only cases whose client consented to statistics are counted: the facts
//! of a case without that consent count nothing, so a change of consent
//! moves the whole case out of (or into) the counters like any other
//! change.

use std::collections::{BTreeMap, HashMap};

use crate::Scope;
use async_trait::async_trait;
use jinguo_domain::activity::parse_date;
use jinguo_domain::need::histogram_median;
use jinguo_domain::{CaseId, Level, Month, UnitCode, UnitId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::model::{CaseOrderCounts, CaseStats, Unit, UnitRef};
use crate::sql::{Backend, SqlStore, ancestors};
use crate::{CaseStatsStore, Result, StoreError};

/// What the statistics count of one case: where it is, when it was opened,
/// its dimensions, its durations and its order records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaseFacts {
    /// The case's unit and its ancestors, by level.
    pub units: [Option<UnitId>; 5],
    /// The month the case was opened (`yyyymm`).
    pub month: i64,
    pub type_key: String,
    pub source: String,
    /// `None` until the first assessment.
    pub risk: Option<String>,
    pub status: String,
    /// Counted for closed cases only.
    pub outcome: Option<String>,
    pub consent_statistics: bool,
    /// Whole days from opening to the first contact, when there was one.
    pub days_first_contact: Option<i64>,
    /// Whole days from opening to closure, for closed cases.
    pub days_closure: Option<i64>,
    /// Order records by (kind, status).
    pub orders: BTreeMap<(String, String), i64>,
}

/// Counter deltas keyed by (unit, month, dim).
type DimDeltas = BTreeMap<(i64, i64, String), i64>;
/// Histogram deltas keyed by (unit, month, kind, days).
type DayDeltas = BTreeMap<(i64, i64, &'static str, i64), i64>;

impl CaseFacts {
    /// The dimensions this case counts in, once each (none without
    /// consent), and how many times (order records may repeat).
    fn dims(&self) -> Vec<(String, i64)> {
        if !self.consent_statistics {
            return Vec::new();
        }
        let mut out = vec![
            ("all".to_owned(), 1),
            (format!("type:{}", self.type_key), 1),
            (format!("source:{}", self.source), 1),
            (
                format!("risk:{}", self.risk.as_deref().unwrap_or("none")),
                1,
            ),
            (format!("status:{}", self.status), 1),
        ];
        if self.status == "closed"
            && let Some(o) = &self.outcome
        {
            out.push((format!("outcome:{o}"), 1));
        }
        for ((kind, status), n) in &self.orders {
            out.push((format!("order:{kind}:{status}"), *n));
        }
        out
    }

    /// The histogram entries of this case (none without consent).
    fn days(&self) -> Vec<(&'static str, i64)> {
        if !self.consent_statistics {
            return Vec::new();
        }
        let mut out = Vec::new();
        if let Some(d) = self.days_first_contact {
            out.push(("contact", capped_days(d)));
        }
        if let Some(d) = self.days_closure {
            out.push(("closure", capped_days(d)));
        }
        out
    }

    /// Adds `sign` times this case to the deltas of every ancestor.
    fn add_to(&self, dims: &mut DimDeltas, days: &mut DayDeltas, sign: i64) {
        let d = self.dims();
        let h = self.days();
        for u in self.units.iter().flatten().map(|u| u.get()) {
            for (dim, n) in &d {
                *dims.entry((u, self.month, dim.clone())).or_default() += sign * n;
            }
            for (kind, days_n) in &h {
                *days.entry((u, self.month, kind, *days_n)).or_default() += sign;
            }
        }
    }
}

fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

fn date_of(s: &str) -> Result<time::Date> {
    parse_date(s).ok_or_else(|| decode_err(format!("bad date {s}")))
}

/// The columns [`facts_from_row`] reads.
const FACT_COLS: &str = "id, l1, l2, l3, l4, l5, type_key, source, risk_level, status, outcome, \
     consent_statistics, opened_on, first_contact_on, closed_on";

fn facts_from_row(r: &AnyRow, orders: BTreeMap<(String, String), i64>) -> Result<CaseFacts> {
    let opened_on: String = r.try_get("opened_on")?;
    let opened = date_of(&opened_on)?;
    let status: String = r.try_get("status")?;
    let closed = status == "closed";
    let since = |col: &str| -> Result<Option<i64>> {
        let v: Option<String> = r.try_get(col)?;
        v.map(|d| Ok((date_of(&d)? - opened).whole_days()))
            .transpose()
    };
    let consent: i64 = r.try_get("consent_statistics")?;
    Ok(CaseFacts {
        units: ancestors(r, "")?,
        month: Month::of_date(opened).yyyymm(),
        type_key: r.try_get("type_key")?,
        source: r.try_get("source")?,
        risk: r.try_get("risk_level")?,
        outcome: if closed { r.try_get("outcome")? } else { None },
        consent_statistics: consent != 0,
        days_first_contact: since("first_contact_on")?,
        days_closure: if closed { since("closed_on")? } else { None },
        orders,
        status,
    })
}

/// The counted facts of case `id` as the transaction sees it now; `None`
/// when there is no such case.
pub(crate) async fn facts(conn: &mut AnyConnection, id: i64) -> Result<Option<CaseFacts>> {
    let Some(row) = sqlx::query(&format!("SELECT {FACT_COLS} FROM cases WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut orders = BTreeMap::new();
    for r in sqlx::query(
        "SELECT kind, status, COUNT(*) AS n FROM case_orders WHERE case_id = $1 \
         GROUP BY kind, status",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    {
        orders.insert((r.try_get("kind")?, r.try_get("status")?), r.try_get("n")?);
    }
    Ok(Some(facts_from_row(&row, orders)?))
}

/// Rows per upsert statement: far under either backend's parameter limit.
const CHUNK: usize = 500;

/// Moves the counters from `before` to `after` (either `None` for a case
/// that does not exist on that side). Equal facts change nothing; the
/// differences are netted per counter first, as one PostgreSQL upsert may
/// not touch a row twice.
pub(crate) async fn apply(
    conn: &mut AnyConnection,
    backend: Backend,
    before: Option<&CaseFacts>,
    after: Option<&CaseFacts>,
) -> Result<()> {
    if before == after {
        return Ok(());
    }
    let mut dims = DimDeltas::new();
    let mut days = DayDeltas::new();
    if let Some(b) = before {
        b.add_to(&mut dims, &mut days, -1);
    }
    if let Some(a) = after {
        a.add_to(&mut dims, &mut days, 1);
    }
    let dims: Vec<_> = dims.into_iter().filter(|(_, n)| *n != 0).collect();
    let days: Vec<_> = days.into_iter().filter(|(_, n)| *n != 0).collect();
    for chunk in dims.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO rollup_cases (unit_id, month, dim, n) VALUES {} \
             ON CONFLICT (unit_id, month, dim) DO UPDATE SET n = rollup_cases.n + excluded.n",
            backend.row_params(chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for ((u, m, dim), n) in chunk {
            q = q.bind(*u).bind(*m).bind(dim.as_str()).bind(*n);
        }
        q.execute(&mut *conn).await?;
    }
    for chunk in days.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO rollup_case_days (unit_id, month, kind, days, n) VALUES {} \
             ON CONFLICT (unit_id, month, kind, days) DO UPDATE SET \
             n = rollup_case_days.n + excluded.n",
            backend.row_params(chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for ((u, m, kind, d), n) in chunk {
            q = q.bind(*u).bind(*m).bind(*kind).bind(*d).bind(*n);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

impl SqlStore {
    /// Runs `statements` on case `id` inside a case write (first the case
    /// row is touched, then facts before, the statements, facts after, the
    /// counters moved), as the real writers do. For property tests that
    /// drive changes no store method makes yet; the statements are the
    /// test's own literals, never input.
    #[doc(hidden)]
    pub async fn write_case_for_tests(
        &self,
        id: CaseId,
        statements: &[String],
        now: i64,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        super::touch(&mut tx, id, now).await?;
        let before = facts(&mut tx, id.get()).await?;
        for s in statements {
            sqlx::query(s).execute(&mut *tx).await?;
        }
        let after = facts(&mut tx, id.get()).await?;
        apply(&mut tx, self.backend, before.as_ref(), after.as_ref()).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn code_of(row: &AnyRow, col: &str) -> Result<UnitCode> {
    let c: String = row.try_get(col)?;
    UnitCode::parse(&c).map_err(|_| decode_err(format!("bad unit code {c}")))
}

fn level_of(row: &AnyRow, col: &str) -> Result<Level> {
    let n: i64 = row.try_get(col)?;
    u8::try_from(n)
        .ok()
        .and_then(|n| Level::new(n).ok())
        .ok_or_else(|| decode_err(format!("bad level {n}")))
}

/// Puts one summed counter where it belongs in the statistics.
fn place(s: &mut CaseStats, dim: &str, n: i64) {
    if n == 0 {
        return;
    }
    let Some((head, key)) = dim.split_once(':') else {
        if dim == "all" {
            s.total = n;
        }
        return;
    };
    let map = match head {
        "type" => &mut s.by_type,
        "source" => &mut s.by_source,
        "risk" => &mut s.by_risk,
        "status" => &mut s.by_status,
        "outcome" => &mut s.by_outcome,
        "order" => {
            let o = &mut s.orders;
            match key {
                "protection_order:applied" => o.protection_applied = n,
                "protection_order:granted" => o.protection_granted = n,
                "protection_order:refused" => o.protection_refused = n,
                "protection_order:expired" => o.protection_expired = n,
                "warning_letter:issued" => o.warning_letters = n,
                _ => {}
            }
            return;
        }
        _ => return,
    };
    map.insert(key.to_owned(), n);
}

#[async_trait]
impl CaseStatsStore for SqlStore {
    async fn case_stats(
        &self,
        scope: Scope,
        unit: &Unit,
        from: Month,
        to: Month,
    ) -> Result<CaseStats> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let (id, f, t) = (unit.id.get(), from.yyyymm(), to.yyyymm());
        let mut s = CaseStats {
            orders: CaseOrderCounts::default(),
            ..CaseStats::default()
        };
        for r in sqlx::query(
            "SELECT dim, CAST(SUM(n) AS BIGINT) AS n FROM rollup_cases \
             WHERE unit_id = $1 AND month BETWEEN $2 AND $3 GROUP BY dim",
        )
        .bind(id)
        .bind(f)
        .bind(t)
        .fetch_all(self.reader())
        .await?
        {
            let dim: String = r.try_get("dim")?;
            place(&mut s, &dim, r.try_get("n")?);
        }

        let mut hist: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        for r in sqlx::query(
            "SELECT kind, days, CAST(SUM(n) AS BIGINT) AS n FROM rollup_case_days \
             WHERE unit_id = $1 AND month BETWEEN $2 AND $3 GROUP BY kind, days \
             ORDER BY kind, days",
        )
        .bind(id)
        .bind(f)
        .bind(t)
        .fetch_all(self.reader())
        .await?
        {
            let n: i64 = r.try_get("n")?;
            if n != 0 {
                hist.entry(r.try_get("kind")?)
                    .or_default()
                    .push((r.try_get("days")?, n));
            }
        }
        let behind = |k: &str| -> (i64, Option<i64>) {
            let h = hist.get(k).map(Vec::as_slice).unwrap_or(&[]);
            (h.iter().map(|(_, n)| n).sum(), histogram_median(h))
        };
        (s.contacted, s.median_days_first_contact) = behind("contact");
        (s.closed, s.median_days_closure) = behind("closure");

        for r in sqlx::query(
            "SELECT c.id, c.code, c.name, c.level, CAST(COALESCE(SUM(r.n), 0) AS BIGINT) AS n \
             FROM units c \
             LEFT JOIN rollup_cases r ON r.unit_id = c.id AND r.dim = 'all' \
               AND r.month BETWEEN $2 AND $3 \
             WHERE c.parent_id = $1 AND c.active = 1 \
             GROUP BY c.id, c.code, c.name, c.level ORDER BY c.code",
        )
        .bind(id)
        .bind(f)
        .bind(t)
        .fetch_all(self.reader())
        .await?
        {
            s.children.push((
                UnitRef {
                    id: UnitId::new(r.try_get("id")?),
                    code: code_of(&r, "code")?,
                    name: r.try_get("name")?,
                    level: level_of(&r, "level")?,
                },
                r.try_get("n")?,
            ));
        }
        Ok(s)
    }
}

/// Unscoped: the command line, benchmarks and checks, through the system handle only.
impl SqlStore {
    pub async fn case_stats_mismatches(&self) -> Result<Vec<String>> {
        let mut orders: HashMap<i64, BTreeMap<(String, String), i64>> = HashMap::new();
        for r in sqlx::query(
            "SELECT case_id, kind, status, COUNT(*) AS n FROM case_orders \
             GROUP BY case_id, kind, status",
        )
        .fetch_all(&self.pool)
        .await?
        {
            orders
                .entry(r.try_get("case_id")?)
                .or_default()
                .insert((r.try_get("kind")?, r.try_get("status")?), r.try_get("n")?);
        }
        let mut dims = DimDeltas::new();
        let mut days = DayDeltas::new();
        for r in sqlx::query(&format!("SELECT {FACT_COLS} FROM cases"))
            .fetch_all(&self.pool)
            .await?
        {
            let id: i64 = r.try_get("id")?;
            let f = facts_from_row(&r, orders.remove(&id).unwrap_or_default())?;
            f.add_to(&mut dims, &mut days, 1);
        }
        let mut out = Vec::new();
        for r in sqlx::query("SELECT unit_id, month, dim, n FROM rollup_cases")
            .fetch_all(&self.pool)
            .await?
        {
            let key: (i64, i64, String) = (
                r.try_get("unit_id")?,
                r.try_get("month")?,
                r.try_get("dim")?,
            );
            let got: i64 = r.try_get("n")?;
            let want = dims.remove(&key).unwrap_or(0);
            if got != want {
                out.push(format!(
                    "rollup_cases {key:?}: stored {got}, recount {want}"
                ));
            }
        }
        out.extend(
            dims.into_iter()
                .filter(|(_, n)| *n != 0)
                .map(|(k, v)| format!("rollup_cases {k:?}: missing, recount {v}")),
        );
        for r in sqlx::query("SELECT unit_id, month, kind, days, n FROM rollup_case_days")
            .fetch_all(&self.pool)
            .await?
        {
            let kind: String = r.try_get("kind")?;
            let kind: &'static str = if kind == "contact" {
                "contact"
            } else {
                "closure"
            };
            let key = (
                r.try_get::<i64, _>("unit_id")?,
                r.try_get::<i64, _>("month")?,
                kind,
                r.try_get::<i64, _>("days")?,
            );
            let got: i64 = r.try_get("n")?;
            let want = days.remove(&key).unwrap_or(0);
            if got != want {
                out.push(format!(
                    "rollup_case_days {key:?}: stored {got}, recount {want}"
                ));
            }
        }
        out.extend(
            days.into_iter()
                .filter(|(_, n)| *n != 0)
                .map(|(k, v)| format!("rollup_case_days {k:?}: missing, recount {v}")),
        );
        out.sort();
        Ok(out)
    }
}

/// Days as the case histograms keep them: exact to a year, then "a year or
/// more" (366); a date before opening counts as 0. Few cases reach the
/// counters compared with needs, so exact rows stay small.
fn capped_days(d: i64) -> i64 {
    d.clamp(0, 366)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(consent: bool) -> CaseFacts {
        CaseFacts {
            units: [Some(UnitId::new(1)), Some(UnitId::new(2)), None, None, None],
            month: 202603,
            type_key: "domestic_violence".into(),
            source: "hotline".into(),
            risk: None,
            status: "closed".into(),
            outcome: Some("resolved".into()),
            consent_statistics: consent,
            days_first_contact: Some(2),
            days_closure: Some(900),
            orders: BTreeMap::from([(("warning_letter".into(), "issued".into()), 2)]),
        }
    }

    #[test]
    fn a_case_without_consent_counts_nothing() {
        let c = case(false);
        assert!(c.dims().is_empty());
        assert!(c.days().is_empty());
    }

    #[test]
    fn a_consenting_case_counts_in_every_dimension_of_every_ancestor() {
        let c = case(true);
        let dims: BTreeMap<String, i64> = c.dims().into_iter().collect();
        for d in [
            "all",
            "type:domestic_violence",
            "source:hotline",
            "risk:none",
            "status:closed",
            "outcome:resolved",
        ] {
            assert_eq!(dims.get(d), Some(&1), "{d}");
        }
        assert_eq!(dims.get("order:warning_letter:issued"), Some(&2));
        assert_eq!(c.days(), vec![("contact", 2), ("closure", 366)]);
        let (mut d, mut h) = (DimDeltas::new(), DayDeltas::new());
        c.add_to(&mut d, &mut h, 1);
        assert_eq!(d.len(), 2 * 7);
        assert_eq!(h.len(), 2 * 2);
        // Moving out and back in nets to nothing.
        c.add_to(&mut d, &mut h, -1);
        assert!(d.values().all(|n| *n == 0));
        assert!(h.values().all(|n| *n == 0));
    }

    #[test]
    fn counters_are_placed_by_dimension() {
        let mut s = CaseStats::default();
        for (d, n) in [
            ("all", 9),
            ("type:other", 4),
            ("risk:none", 3),
            ("order:protection_order:granted", 2),
            ("status:open", 0),
        ] {
            place(&mut s, d, n);
        }
        assert_eq!(s.total, 9);
        assert_eq!(s.by_type.get("other"), Some(&4));
        assert_eq!(s.by_risk.get("none"), Some(&3));
        assert_eq!(s.orders.protection_granted, 2);
        assert!(s.by_status.is_empty());
    }
}
