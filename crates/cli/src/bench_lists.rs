//! `jinguo bench lists`: a list page must cost the same on the last page
//! of 100,000 households as on the first (issue 14 item 6). Households go
//! straight into the tables (`SqlStore::bulk_insert_households`), spread
//! over the bundled tree's villages; then the region's list is read at its
//! first page and its last, by keyset (`before=`), beside the old OFFSET
//! paging of the same last page, and with a name search. Then the same for
//! 100,000 accounts (the user list) and 100,000 activities (the ledger,
//! paged by date and id over a year).

use std::time::{Duration, Instant};

use clap::Args;
use jinguo_domain::{ActivityFields, Month};
use jinguo_store::model::{ActivityFilter, HouseholdFilter, NewActivity, Page, UserFilter};
use jinguo_store::{ActivityStore, HouseholdStore, SqlStore, UnitStore, UserStore};

use crate::bench_support::{report, villages};

#[derive(Args)]
pub struct ListsArgs {
    /// Households to load.
    #[arg(long, default_value_t = 100_000)]
    households: usize,
    /// Accounts to load.
    #[arg(long, default_value_t = 100_000)]
    users: usize,
    /// Activities to load, over the twelve months of 2026.
    #[arg(long, default_value_t = 100_000)]
    activities: usize,
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
    crate::org_cmd::import_bundled(&store).await?;
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

    // Accounts: the region's user list, first and last page.
    let t0 = Instant::now();
    let names: Vec<String> = (0..a.users)
        .map(|i| format!("{}{}", NAMES[i % NAMES.len()], i))
        .collect();
    store
        .bulk_insert_users(&villages, &names, jinguo_app::state::now())
        .await?;
    println!(
        "loaded {} accounts in {:.1} s",
        a.users,
        t0.elapsed().as_secs_f64()
    );
    let users = |filter: UserFilter| async move {
        Ok(store
            .users_filtered(scope, region, &filter, PAGE + 1)
            .await?
            .len())
    };
    let all = store
        .users_filtered(scope, region, &UserFilter::default(), i64::MAX)
        .await?;
    anyhow::ensure!(all.len() >= a.users, "every account listed");
    let last_user = all[all.len().saturating_sub(PAGE as usize + 1)].id.get();
    drop(all);
    let first = time("users, region, first page (keyset)", a.runs, || {
        users(UserFilter::default())
    })
    .await?;
    let last = time("users, region, last page (keyset, before=)", a.runs, || {
        users(UserFilter {
            before: Some(last_user),
            ..Default::default()
        })
    })
    .await?;
    time(
        "users, name search, no match (scans all)",
        a.runs.min(20),
        || {
            users(UserFilter {
                text: Some("无此人".to_owned()),
                ..Default::default()
            })
        },
    )
    .await?;
    println!(
        "users: last page / first page (keyset): {:.2}",
        last / first
    );

    // Activities: the region's ledger over a year, first and last page.
    let t0 = Instant::now();
    let year = (
        Month::new(2026, 1).expect("month"),
        Month::new(2026, 12).expect("month"),
    );
    let rows: Vec<NewActivity> = (0..a.activities)
        .map(|i| {
            let day = time::Date::from_ordinal_date(2026, (i % 365) as u16 + 1).expect("day");
            NewActivity {
                unit: villages[i % villages.len()].id,
                fields: ActivityFields {
                    date: day,
                    type_key: "lecture".to_owned(),
                    program_key: None,
                    title: format!("巾帼大宣讲{i}"),
                    title_mn: None,
                    place: None,
                    participants: 20,
                    women: 15,
                    summary: None,
                },
                by: None,
            }
        })
        .collect();
    for chunk in rows.chunks(5_000) {
        store
            .bulk_insert_activities(chunk, jinguo_app::state::now())
            .await?;
    }
    drop(rows);
    println!(
        "loaded {} activities in {:.1} s",
        a.activities,
        t0.elapsed().as_secs_f64()
    );
    let filter = ActivityFilter {
        from: year.0,
        to: year.1,
        text: None,
        type_key: None,
        program_key: None,
        before: None,
    };
    let ledger = |before: Option<(time::Date, i64)>| {
        let f = ActivityFilter {
            before,
            ..filter.clone()
        };
        async move {
            Ok(store
                .activities_filtered(scope, region, &f, PAGE + 1)
                .await?
                .len())
        }
    };
    let all = store
        .activities_filtered(scope, region, &filter, i64::MAX)
        .await?;
    anyhow::ensure!(all.len() == a.activities, "every activity listed");
    let cut = &all[all.len().saturating_sub(PAGE as usize + 1)];
    let last_cursor = (cut.fields.date, cut.id.get());
    drop(all);
    let first = time("activities, region, first page (keyset)", a.runs, || {
        ledger(None)
    })
    .await?;
    let last = time(
        "activities, region, last page (keyset, before=date.id)",
        a.runs,
        || ledger(Some(last_cursor)),
    )
    .await?;
    let offset = a.activities.saturating_sub(PAGE as usize) as i64;
    let by_offset = time(
        "activities, region, last page (OFFSET, as before)",
        a.runs.min(20),
        || async move {
            Ok(store
                .activities_under(scope, region, year.0, year.1, Page::new(PAGE + 1, offset))
                .await?
                .len())
        },
    )
    .await?;
    println!(
        "activities: last page / first page (keyset): {:.2}; OFFSET last page / keyset last page: {:.1}",
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
