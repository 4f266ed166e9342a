//! `jinguo bench deeds`: the speed target of the practical-deeds ledger
//! (issue 5): with a million needs over the bundled tree's villages and 24
//! months, the region's ledger must come back in a median of 5 ms.
//!
//! The needs go straight into the tables with their counters
//! (`SqlStore::bulk_insert_needs`): the subject is the ledger read, whose
//! cost depends on the counter tables, not on how the needs got there.
//!
//! On PostgreSQL the load is followed by `VACUUM ANALYZE` of the three
//! counter tables (`SqlStore::vacuum_needs_ledger`), as autovacuum would
//! do in a deployment: the benchmark's fresh tables, with autovacuum off
//! on the test server, would otherwise have no planner statistics and no
//! visibility map, so the covering indexes' index-only scans would still
//! visit the heap. SQLite needs nothing of the kind.

use std::time::{Duration, Instant};

use clap::Args;
use jinguo_domain::need::NeedStatus;
use jinguo_domain::{Level, Month, UnitKind};
use jinguo_store::model::Unit;
use jinguo_store::{BulkNeed, NeedStore, SqlStore, UnitStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::bench_support::report;

#[derive(Args)]
pub struct DeedsArgs {
    /// Needs to load.
    #[arg(long, default_value_t = 1_000_000)]
    needs: usize,
    /// An empty database [default: SQLite in a fresh temporary directory].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Needs per transaction while loading.
    #[arg(long, default_value_t = 50_000)]
    batch: usize,
    /// Runs of each ledger read.
    #[arg(long, default_value_t = 300)]
    runs: usize,
    /// Recount every counter from the rows afterwards (slow on a million).
    #[arg(long)]
    check: bool,
    /// Seed of the random data.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Keep the temporary SQLite directory instead of removing it.
    #[arg(long)]
    keep: bool,
}

const CATEGORIES: [&str; 9] = [
    "employment",
    "skills",
    "health",
    "legal",
    "education",
    "childcare",
    "hardship",
    "psychological",
    "other",
];

async fn villages_of(store: &SqlStore, root: &Unit) -> anyhow::Result<Vec<Unit>> {
    let mut villages = Vec::new();
    let mut open = vec![root.id];
    while let Some(parent) = open.pop() {
        for c in store.children(parent).await? {
            if !c.active || c.kind != UnitKind::Geo {
                continue;
            }
            if c.level == Level::VILLAGE {
                villages.push(c);
            } else {
                open.push(c.id);
            }
        }
    }
    villages.sort_by(|x, y| x.code.cmp(&y.code));
    anyhow::ensure!(!villages.is_empty(), "no villages in the tree");
    Ok(villages)
}

/// A need raised on a day of the 24 months before `today`: most resolved
/// within weeks, some closed, a fifth still live (some of them overdue).
fn random_need(rng: &mut StdRng, village: &Unit, today: time::Date) -> BulkNeed {
    let raised_on = today - time::Duration::days(rng.gen_range(0..730));
    let due_date = rng
        .gen_bool(0.7)
        .then(|| raised_on + time::Duration::days(rng.gen_range(7..60)));
    let roll = rng.gen_range(0..100);
    let outcome = if roll < 70 {
        // Days to resolve: mostly short, a long tail.
        let days = if rng.gen_bool(0.9) {
            rng.gen_range(0..30)
        } else {
            rng.gen_range(30..200)
        };
        let on = (raised_on + time::Duration::days(days)).min(today);
        Some((NeedStatus::Resolved, on, Some(rng.gen_range(3..=5))))
    } else if roll < 80 {
        let on = (raised_on + time::Duration::days(rng.gen_range(1..90))).min(today);
        Some((NeedStatus::Closed, on, None))
    } else {
        None
    };
    BulkNeed {
        origin: village.id,
        ancestors: village.ancestors,
        category: CATEGORIES[rng.gen_range(0..CATEGORIES.len())].to_owned(),
        raised_on,
        due_date,
        outcome,
    }
}

pub async fn run(a: DeedsArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let (store, config, temp_dir) =
        crate::bench_support::empty_store(a.database.as_deref(), "deeds").await?;
    let t0 = Instant::now();
    crate::org_cmd::import_bundled(&store).await?;
    let region = store.root_unit().await?;
    let villages = villages_of(&store, &region).await?;
    println!(
        "tree: {} villages, imported in {:.2} s",
        villages.len(),
        t0.elapsed().as_secs_f64()
    );

    let today = jinguo_app::state::today(&config);
    let mut rng = StdRng::seed_from_u64(a.seed);
    let t0 = Instant::now();
    let mut loaded = 0;
    let now = jinguo_app::state::now();
    while loaded < a.needs {
        let n = a.batch.max(1).min(a.needs - loaded);
        let rows: Vec<BulkNeed> = (0..n)
            .map(|_| {
                let v = &villages[rng.gen_range(0..villages.len())];
                random_need(&mut rng, v, today)
            })
            .collect();
        store.bulk_insert_needs(&rows, now).await?;
        loaded += n;
        if loaded % 200_000 == 0 || loaded == a.needs {
            println!(
                "loaded {loaded} needs in {:.1} s",
                t0.elapsed().as_secs_f64()
            );
        }
    }
    // What autovacuum does in a deployment (a no-op on SQLite): the fresh
    // tables would otherwise have no planner statistics and no visibility
    // map, and PostgreSQL's index-only scans would still read the heap.
    let t0 = Instant::now();
    store.vacuum_needs_ledger().await?;
    if store.backend() == jinguo_store::Backend::Postgres {
        println!(
            "VACUUM ANALYZE of the counter tables in {:.1} s",
            t0.elapsed().as_secs_f64()
        );
    }
    if a.check {
        let t0 = Instant::now();
        let bad = store.deeds_mismatches().await?;
        anyhow::ensure!(bad.is_empty(), "counters differ from a recount: {bad:?}");
        println!(
            "every counter equals a recount ({:.1} s)",
            t0.elapsed().as_secs_f64()
        );
    }

    // The region, a league and a banner, over the 24 months loaded.
    let league = store
        .children(region.id)
        .await?
        .into_iter()
        .find(|u| u.active && u.kind == UnitKind::Geo)
        .ok_or_else(|| anyhow::anyhow!("no league"))?;
    let banner = store
        .children(league.id)
        .await?
        .into_iter()
        .find(|u| u.active && u.kind == UnitKind::Geo)
        .ok_or_else(|| anyhow::anyhow!("no banner"))?;
    let scope = store.system_scope(&region);
    let to = Month::of_date(today);
    let from = to.minus(23);
    for (label, unit) in [
        ("region", &region),
        ("league", &league),
        ("banner", &banner),
    ] {
        let d = store.deeds(scope, unit, from, to, today).await?;
        println!(
            "{label} {} ({}): raised {}, resolved {}, closed {}, overdue {}, median {:?} days, \
             satisfaction {:?}, {} children",
            unit.name,
            unit.code,
            d.total.raised,
            d.total.resolved,
            d.total.closed,
            d.total.overdue,
            d.total.median_days,
            d.total.satisfaction,
            d.children.len()
        );
        let mut times: Vec<Duration> = Vec::with_capacity(a.runs);
        for _ in 0..a.runs.max(1) {
            let t0 = Instant::now();
            let d = store.deeds(scope, unit, from, to, today).await?;
            times.push(t0.elapsed());
            std::hint::black_box(d);
        }
        let s = report(&format!("deeds() of the {label}, {from}..{to}"), &mut times);
        if label == "region" {
            println!(
                "target: region median <= 5 ms: {}",
                if s.p50 <= 5.0 { "met" } else { "NOT met" }
            );
        }
    }
    store.close().await;
    println!("total {:.1} s", started.elapsed().as_secs_f64());
    if let Some(dir) = temp_dir {
        if a.keep {
            println!("kept {}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(())
}
