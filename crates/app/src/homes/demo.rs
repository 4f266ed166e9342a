//! Demo Women's Homes, so the registry, its coverage and the help page's
//! list have something to show on first start. Called by `jinguo demo`
//! through [`super::MODULE`]'s `demo` with the system handle, which no
//! request handler holds.

use std::time::Instant;

use jinguo_domain::home::{HomeDraft, HomeStatus};
use jinguo_domain::{Level, UnitKind};
use jinguo_store::homes::NewHome;
use jinguo_store::{HomeStore, SqlStore, UnitStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const HOURS: &[&str] = &[
    "周一至周五 9:00-17:00",
    "周二、周四 14:00-18:00",
    "每日 8:30-12:00",
    "农闲时节每日开放，农忙时预约",
];
const FACILITIES: &[&str] = &[
    "reading_corner",
    "counselling_room",
    "children_corner",
    "training_room",
    "legal_corner",
    "mediation_room",
    "accessible",
];

/// Registers a Women's Home in about 40% of the villages (most active, a
/// few suspended or closed), so the registry, its coverage and the help
/// page's list have something to show. Deterministic, and only when the
/// region has no home yet.
pub async fn fill(store: &SqlStore) -> anyhow::Result<u64> {
    let started = Instant::now();
    let root = store.root_unit().await?;
    let scope = store.system_scope(&root);
    if store.home_coverage(scope, &root).await?.counts.active_homes > 0 {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(5);
    let mut frontier = vec![root.id];
    let mut written = 0;
    let now = crate::state::now();
    while let Some(u) = frontier.pop() {
        for c in store.children(u).await? {
            if !c.active || c.kind != UnitKind::Geo {
                continue;
            }
            if c.level != Level::VILLAGE {
                frontier.push(c.id);
                continue;
            }
            if !rng.gen_ratio(2, 5) {
                continue;
            }
            let mut facilities = vec!["activity_room".to_owned()];
            for f in FACILITIES {
                if rng.gen_ratio(1, 3) {
                    facilities.push((*f).to_owned());
                }
            }
            let status = match rng.gen_range(0..100) {
                0..90 => HomeStatus::Active,
                90..97 => HomeStatus::Suspended,
                _ => HomeStatus::Closed,
            };
            let place = ["村民委员会", "村委会", "嘎查委员会", "居民委员会", "居委会"]
                .iter()
                .find_map(|suffix| c.name.strip_suffix(suffix))
                .unwrap_or(&c.name);
            let draft = HomeDraft {
                name: format!("{place}妇女之家"),
                address: format!("{place}党群服务中心"),
                hours: Some(HOURS[rng.gen_range(0..HOURS.len())].to_owned()),
                phone: Some(format!("0479-{}", rng.gen_range(2_000_000..9_000_000))),
                facilities,
                status: Some(status.as_str().to_owned()),
                ..Default::default()
            };
            let Ok(fields) = draft.validate() else {
                continue;
            };
            store
                .create_home(
                    scope,
                    NewHome {
                        unit: c.id,
                        fields,
                        by: None,
                        photo: None,
                    },
                    now,
                )
                .await?;
            written += 1;
        }
    }
    tracing::info!(
        homes = written,
        secs = started.elapsed().as_secs_f64(),
        "demo Women's Homes registered"
    );
    Ok(written)
}
