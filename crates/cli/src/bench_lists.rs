//! `jinguo bench lists`: a list page must cost the same on the last page
//! of 100,000 households as on the first (issue 14 item 6). Households go
//! straight into the tables (`SqlStore::bulk_insert_households`), spread
//! over the bundled tree's villages; then the region's list is read at its
//! first page and its last, by keyset (`before=`), beside the old OFFSET
//! paging of the same last page, and with a name search.

use std::time::{Duration, Instant};

use clap::Args;
use jinguo_store::model::{HouseholdFilter, Page};
use jinguo_store::{HouseholdStore, SqlStore, UnitStore};

use crate::bench_support::{report, villages};

#[derive(Args)]
pub struct ListsArgs {
    /// Households to load.
    #[arg(long, default_value_t = 100_000)]
    households: usize,
    /// An empty database [default: SQLite in a fresh temporary directory].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Runs of each page read.
    #[arg(long, default_value_t = 100)]
    runs: usize,
    /// Keep the temporary SQLite directory instead of removing it.
    #[arg(long)]
    keep: bool,
}

/// Rows of a list page, as the pages show them.
const PAGE: i64 = 50;

const NAMES: [&str; 8] = [
    "其其格",
    "萨仁",
    "乌云",
    "娜仁",
    "托娅",
    "高娃",
    "斯琴",
    "阿拉坦",
];

async fn time<F, Fut>(what: &str, runs: usize, mut read: F) -> anyhow::Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut rows = 0;
    for _ in 0..runs {
        let t = Instant::now();
        rows = read().await?;
        times.push(t.elapsed());
    }
    let stats = report(&format!("{what} ({rows} rows)"), &mut times);
    Ok(stats.p50)
}

pub async fn run(a: ListsArgs) -> anyhow::Result<()> {
    let (store, _config, temp_dir) =
        crate::bench_support::empty_store(a.database.as_deref(), "lists").await?;
    crate::org_cmd::import(
        &store,
        jinguo_store::BUNDLED_DIVISIONS_CSV.as_bytes(),
        "bundled list",
    )
    .await?;
    let region = store.root_unit().await?;
    let villages = villages(&store).await?;
    let heads: Vec<String> = (0..a.households)
        .map(|i| format!("{}{}", NAMES[i % NAMES.len()], i))
        .collect();
    let t0 = Instant::now();
    store
        .bulk_insert_households(&villages, &heads, jinguo_app::state::now())
        .await?;
    println!(
        "loaded {} households over {} villages in {:.1} s",
        a.households,
        villages.len(),
        t0.elapsed().as_secs_f64()
    );
    let scope = store.system_scope(&region);
    let store: &SqlStore = &store;
    let region = &region;
    let list = |filter: HouseholdFilter| async move {
        Ok(store
            .households_filtered(scope, region, &filter, PAGE + 1)
            .await?
            .len())
    };
    // The last page holds the 50 smallest ids: those before the 51st.
    let all = store
        .households_filtered(scope, region, &HouseholdFilter::default(), i64::MAX)
        .await?;
    anyhow::ensure!(all.len() == a.households, "every household listed");
    let last_before = all[all.len().saturating_sub(PAGE as usize + 1)].id.get();
    drop(all);

    let first = time("region, first page (keyset)", a.runs, || {
        list(HouseholdFilter::default())
    })
    .await?;
    let last = time("region, last page (keyset, before=)", a.runs, || {
        list(HouseholdFilter {
            before: Some(last_before),
            ..Default::default()
        })
    })
    .await?;
    let offset = a.households.saturating_sub(PAGE as usize) as i64;
    let by_offset = time(
        "region, last page (OFFSET, as before)",
        a.runs.min(20),
        || async move {
            Ok(store
                .households_under(scope, region, Page::new(PAGE + 1, offset))
                .await?
                .len())
        },
    )
    .await?;
    time(
        "region, name search, no match (scans all)",
        a.runs.min(20),
        || {
            list(HouseholdFilter {
                text: Some("无此人".to_owned()),
                ..Default::default()
            })
        },
    )
    .await?;
    println!(
        "last page / first page (keyset): {:.2}; OFFSET last page / keyset last page: {:.1}",
        last / first,
        by_offset / last
    );
    if let Some(dir) = temp_dir {
        if a.keep {
            println!("kept {}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(())
}
