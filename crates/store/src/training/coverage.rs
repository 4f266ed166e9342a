//! Training coverage read from the counters, and the recount that checks
//! them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jinguo_domain::organisation::OrgKind;
use sqlx::Row;

use super::{TrainingCounts, TrainingCoverage};
use crate::model::{Unit, UnitRef};
use crate::sql::{SqlStore, ancestors};
use crate::{Result, Scope, StoreError};

type Key = (i64, String, String);

impl SqlStore {
    pub(super) async fn training_coverage_sql(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
    ) -> Result<TrainingCoverage> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let children = sqlx::query(
            "SELECT id, code, name, level FROM units WHERE parent_id = $1 AND active = 1 \
             ORDER BY kind, code",
        )
        .bind(unit.id.get())
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(crate::sql::units::unit_ref_from_row)
        .collect::<Result<Vec<_>>>()?;
        let ids: Vec<i64> = std::iter::once(unit.id.get())
            .chain(children.iter().map(|c| c.id.get()))
            .collect();
        // By key on both backends (the counters' primary key); the IN
        // list is the statement's only parameters.
        let list = self.backend.params(1, ids.len());
        let sql =
            format!("SELECT unit_id, dim, key, n FROM rollup_training WHERE unit_id IN ({list})");
        let mut q = sqlx::query(&sql);
        for id in &ids {
            q = q.bind(*id);
        }
        let rows = q.fetch_all(self.reader()).await?;
        let y = year.to_string();
        let mut counts: HashMap<i64, TrainingCounts> = HashMap::new();
        for r in &rows {
            let dim: String = r.try_get("dim")?;
            let key: String = r.try_get("key")?;
            counts
                .entry(r.try_get("unit_id")?)
                .or_default()
                .add(&dim, &key, r.try_get("n")?, &y);
        }
        let sql = format!(
            "SELECT unit_id, n FROM rollup_organisations WHERE dim = 'org' \
             AND key = 'village_chair' AND unit_id IN ({list})"
        );
        let mut q = sqlx::query(&sql);
        for id in &ids {
            q = q.bind(*id);
        }
        for r in q.fetch_all(self.reader()).await? {
            counts
                .entry(r.try_get("unit_id")?)
                .or_default()
                .village_chairs = r.try_get("n")?;
        }
        let own = counts.remove(&unit.id.get()).unwrap_or_default();
        let children = children
            .into_iter()
            .map(|c| {
                let n = counts.remove(&c.id.get()).unwrap_or_default();
                (c, n)
            })
            .collect();
        Ok(TrainingCoverage {
            unit: UnitRef {
                id: unit.id,
                code: unit.code.clone(),
                name: unit.name.clone(),
                level: unit.level,
            },
            year,
            counts: own,
            children,
        })
    }

    /// Every training counter compared with a recount from the
    /// enrolments, attendances, completions and current committees; and
    /// every programme's attended hours with the sum of its attended
    /// classes. Empty when all agree.
    pub async fn training_mismatches(&self) -> Result<Vec<String>> {
        let mut want: BTreeMap<Key, i64> = BTreeMap::new();
        let mut add = |u: i64, d: &str, k: &str, n: i64| {
            *want.entry((u, d.to_owned(), k.to_owned())).or_default() += n;
        };
        let rows = sqlx::query(
            "SELECT e.class_id, e.programme_id, e.member_id, e.l1, e.l2, e.l3, e.l4, e.l5, \
             e.attended_at, c.hours, c.attended AS held, p.year FROM training_enrolments e \
             JOIN training_classes c ON c.id = e.class_id \
             JOIN training_programmes p ON p.id = e.programme_id",
        )
        .fetch_all(self.reader())
        .await?;
        let mut trainees: BTreeSet<(i64, String)> = BTreeSet::new();
        let mut class_units: BTreeSet<(i64, i64)> = BTreeSet::new();
        let mut progress: BTreeMap<(i64, i64), i64> = BTreeMap::new();
        for r in &rows {
            let y = r.try_get::<i64, _>("year")?.to_string();
            let anc = ancestors(r, "")?;
            let class: i64 = r.try_get("class_id")?;
            let member: i64 = r.try_get("member_id")?;
            let attended = r.try_get::<Option<i64>, _>("attended_at")?.is_some();
            let hours: i64 = r.try_get("hours")?;
            let held = r.try_get::<i64, _>("held")? > 0;
            let new_trainee = attended && trainees.insert((member, y.clone()));
            if attended {
                *progress
                    .entry((r.try_get("programme_id")?, member))
                    .or_default() += hours;
            }
            for u in anc.iter().flatten().map(|u| u.get()) {
                add(u, "enrolled", &y, 1);
                if held {
                    add(u, "expected", &y, 1);
                }
                if attended {
                    add(u, "attended", &y, 1);
                    add(u, "hours", &y, hours);
                    if class_units.insert((class, u)) {
                        add(u, "classes", &y, 1);
                    }
                }
                if new_trainee {
                    add(u, "trainees", &y, 1);
                }
            }
        }
        // Completions as village chairs, recorded at completion.
        for r in sqlx::query(
            "SELECT y.year, t.l1, t.l2, t.l3, t.l4, t.l5 FROM training_trainee_years y \
             JOIN training_trainees t ON t.member_id = y.member_id WHERE y.chair_completed = 1",
        )
        .fetch_all(self.reader())
        .await?
        {
            let y = r.try_get::<i64, _>("year")?.to_string();
            for u in ancestors(&r, "")?.iter().flatten() {
                add(u.get(), "chairs_year", &y, 1);
            }
        }
        // Trained chairs of the current committees.
        for r in sqlx::query(&format!(
            "SELECT t.l1, t.l2, t.l3, t.l4, t.l5 FROM training_trainees t \
             JOIN committee_members m ON m.id = t.member_id AND m.role = 'chair' \
             JOIN organisations o ON o.election_id = m.election_id \
             WHERE t.completed_at IS NOT NULL AND o.kind IN ('{}', '{}')",
            OrgKind::Village.as_str(),
            OrgKind::Community.as_str()
        ))
        .fetch_all(self.reader())
        .await?
        {
            for u in ancestors(&r, "")?.iter().flatten() {
                add(u.get(), "chairs_term", "current", 1);
            }
        }
        let mut out = Vec::new();
        for r in sqlx::query("SELECT unit_id, dim, key, n FROM rollup_training")
            .fetch_all(self.reader())
            .await?
        {
            let k: Key = (r.try_get("unit_id")?, r.try_get("dim")?, r.try_get("key")?);
            let got: i64 = r.try_get("n")?;
            let w = want.remove(&k).unwrap_or(0);
            if got != w {
                out.push(format!("{k:?}: stored {got}, recount {w}"));
            }
        }
        for (k, w) in want {
            if w != 0 {
                out.push(format!("{k:?}: missing, recount {w}"));
            }
        }
        for r in sqlx::query("SELECT programme_id, member_id, hours FROM training_progress")
            .fetch_all(self.reader())
            .await?
        {
            let k: (i64, i64) = (r.try_get("programme_id")?, r.try_get("member_id")?);
            let got: i64 = r.try_get("hours")?;
            let w = progress.remove(&k).unwrap_or(0);
            if got != w {
                out.push(format!("progress {k:?}: stored {got}, recount {w}"));
            }
        }
        for (k, w) in progress {
            out.push(format!("progress {k:?}: missing, recount {w}"));
        }
        Ok(out)
    }
}
