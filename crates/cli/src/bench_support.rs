//! What every benchmark shares: a fresh store to write into, the villages
//! of the tree, and the latency summary it prints. Its own file so that
//! `bench` (the command) and the benches it runs depend on it, not on
//! each other.

use std::time::Duration;

use jinguo_app::Config;
use jinguo_domain::{Level, UnitKind};
use jinguo_store::UnitStore;
use jinguo_store::model::Unit;

/// Active geographic villages of the tree.
pub(crate) async fn villages(store: &jinguo_store::SqlStore) -> anyhow::Result<Vec<Unit>> {
    let mut out = Vec::new();
    let mut open = vec![store.root_unit().await?.id];
    while let Some(parent) = open.pop() {
        for c in store.children(parent).await? {
            if !c.active || c.kind != UnitKind::Geo {
                continue;
            }
            if c.level == Level::VILLAGE {
                out.push(c);
            } else {
                open.push(c.id);
            }
        }
    }
    out.sort_by(|x, y| x.code.cmp(&y.code));
    anyhow::ensure!(!out.is_empty(), "no villages in the tree");
    Ok(out)
}

/// The store a bench writes into: the given database, which must hold no
/// units yet, or SQLite in a fresh temporary directory (returned, so the
/// bench can remove it).
pub(crate) async fn empty_store(
    database: Option<&str>,
    name: &str,
) -> anyhow::Result<(jinguo_store::SqlStore, Config, Option<std::path::PathBuf>)> {
    let temp_dir = database
        .is_none()
        .then(|| std::env::temp_dir().join(format!("jinguo-bench-{name}-{}", std::process::id())));
    let url = match (database, &temp_dir) {
        (Some(url), _) => url.to_owned(),
        (None, Some(dir)) => {
            let _ = std::fs::remove_dir_all(dir);
            std::fs::create_dir_all(dir)?;
            format!("sqlite://{}", dir.join("jinguo.db").display())
        }
        (None, None) => unreachable!(),
    };
    let config = Config {
        database_url: url.clone(),
        data_dir: temp_dir.clone().unwrap_or_else(|| ".".into()),
        ..Config::default()
    };
    println!("database: {}", jinguo_app::config::redact_url(&url));
    let store = jinguo_app::open_store(&config).await?;
    anyhow::ensure!(
        store.unit_counts().await?.iter().all(|&n| n == 0),
        "the database already has units: give an empty one"
    );
    Ok((store, config, temp_dir))
}

/// Milliseconds at the quantiles `report` prints.
pub(crate) struct Stats {
    pub(crate) p50: f64,
    pub(crate) p99: f64,
    pub(crate) max: f64,
}

pub(crate) fn report(what: &str, times: &mut [Duration]) -> Stats {
    times.sort();
    let pick = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times[i].as_secs_f64() * 1000.0
    };
    println!(
        "{what}: n={} min {:.1} ms, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        times.len(),
        pick(0.0),
        pick(0.5),
        pick(0.99),
        pick(1.0)
    );
    Stats {
        p50: pick(0.5),
        p99: pick(0.99),
        max: pick(1.0),
    }
}
