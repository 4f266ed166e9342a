//! `jinguo bench organisations`: every village of the region with a
//! federation and a 7-person committee (about 100,000 people, names and
//! phones sealed), then the organisation coverage of the region, a league
//! and a banner read in process, as the coverage page and
//! `GET /api/v1/units/{code}/organisation-coverage` read it (issue 15:
//! region ≤ 5 ms p50). On PostgreSQL the load is followed by `VACUUM
//! ANALYZE`, as autovacuum would do in a deployment.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use jinguo_domain::UnitCode;
use jinguo_store::vault::keys::KeyRing;
use jinguo_store::{OrganisationStore, UnitStore, Vault};

use crate::bench_support::report;

#[derive(Args)]
pub struct OrganisationsArgs {
    /// An empty database [default: SQLite in a fresh temporary directory].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Runs of each coverage read.
    #[arg(long, default_value_t = 200)]
    runs: usize,
    /// Compare every counter with a recount at the end (slow on 100,000 members).
    #[arg(long)]
    recount: bool,
    /// Keep the temporary SQLite directory instead of removing it.
    #[arg(long)]
    keep: bool,
}

pub async fn run(a: OrganisationsArgs) -> anyhow::Result<()> {
    let (store, config, temp_dir) =
        crate::bench_support::empty_store(a.database.as_deref(), "organisations").await?;
    // A throwaway key: the bench's names are generated, but sealed all the same.
    let line = jinguo_store::vault::generate_key_line(
        jinguo_store::vault::KeyId::new(1).ok_or_else(|| anyhow::anyhow!("key id"))?,
    );
    let store = store.with_vault(Arc::new(Vault::from_keys(KeyRing::parse(&line, "bench")?)));
    crate::org_cmd::import_bundled(&store).await?;
    let region = store.root_unit().await?;
    let today = jinguo_app::state::today(&config);
    let t0 = Instant::now();
    let made = jinguo_app::organisations::demo::fill_villages(&store, &region, today, 1).await?;
    let load = t0.elapsed();
    println!(
        "created {made} village federations with 7-person committees ({} members) in {:.1} s \
         ({:.2} ms each, one transaction each, counters included)",
        made * 7,
        load.as_secs_f64(),
        load.as_secs_f64() * 1000.0 / made.max(1) as f64
    );
    // What autovacuum does in a deployment (a no-op on SQLite).
    let t = Instant::now();
    store.vacuum_organisations().await?;
    if store.backend() == jinguo_store::Backend::Postgres {
        println!("VACUUM ANALYZE in {:.1} s", t.elapsed().as_secs_f64());
    }
    let scope = store.system_scope(&region);
    let mut region_p50 = 0.0;
    for code in [region.code.as_str(), "152500000000", "152502000000"] {
        let unit = store.unit_by_code(&UnitCode::parse(code)?).await?;
        let mut times: Vec<Duration> = Vec::with_capacity(a.runs);
        let mut members = 0;
        for _ in 0..a.runs.max(1) {
            let t = Instant::now();
            let cov = store.organisation_coverage(scope, &unit, today).await?;
            times.push(t.elapsed());
            members = cov.counts.members;
        }
        let stats = report(
            &format!(
                "coverage of {} ({} children, {members} members)",
                unit.name,
                { store.children(unit.id).await?.len() }
            ),
            &mut times,
        );
        if unit.id == region.id {
            region_p50 = stats.p50;
        }
    }
    println!(
        "  {} region coverage p50: {region_p50:.2} ms (target ≤ 5 ms)",
        if region_p50 <= 5.0 {
            "MET   "
        } else {
            "MISSED"
        }
    );
    if a.recount {
        let t = Instant::now();
        let m = store.organisation_mismatches().await?;
        println!(
            "recount: {} mismatches ({:.1} s)",
            m.len(),
            t.elapsed().as_secs_f64()
        );
        anyhow::ensure!(m.is_empty(), "counters differ from the recount: {m:?}");
    }
    if let Some(dir) = temp_dir {
        if a.keep {
            println!("kept {}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(())
}
