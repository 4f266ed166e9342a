//! Plausible activities for the demo, so the figures are alive on first
//! start. Deterministic: the same seed gives the same ledger.

use std::time::Instant;

use jinguo_domain::activity::parse_date;
use jinguo_domain::{ActivityFields, Level, Month, UnitId, UnitKind};
use jinguo_store::model::NewActivity;
use jinguo_store::{SqlStore, UnitStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Activity types with rough weights: visits and deliveries are common,
/// the regional lecture series rarer.
const TYPES: &[(&str, u32, &str)] = &[
    ("home_visit", 20, "入户走访"),
    ("lecture", 10, "巾帼大宣讲"),
    ("talk_meeting", 8, "妇女恳谈会"),
    ("send_law", 7, "送法律进嘎查"),
    ("send_health", 7, "送健康义诊"),
    ("send_skills", 6, "技能培训班"),
    ("send_tech", 5, "科技下乡"),
    ("send_culture", 5, "文化进万家"),
    ("send_care", 5, "关爱留守儿童"),
    ("send_warmth", 5, "冬季送温暖"),
    ("send_family_edu", 4, "家庭教育讲座"),
    ("send_theory", 4, "理论宣讲"),
    ("send_services", 3, "便民服务"),
    ("family_education", 4, "家庭教育指导"),
    ("integrity_family", 3, "廉洁家风故事会"),
    ("training", 4, "领头雁培训"),
    ("volunteer", 5, "巾帼志愿服务"),
    ("ideology_class", 2, "北疆巾帼思政大讲堂"),
    ("other", 1, "其他活动"),
];
const PROGRAMS: &[&str] = &[
    "soul_casting",
    "happy_family",
    "grassroots",
    "act_innovation",
    "act_employment",
    "act_rural",
    "act_rights",
    "act_health",
];

/// Each module's own demo records (Women's Homes, honours …): on a new
/// demo database, also when no activities are asked for, since they add
/// none to the ledger.
pub async fn fill_modules(store: &SqlStore) -> anyhow::Result<()> {
    for module in jinguo_app::routes::MODULES {
        if let Some(fill) = module.demo {
            fill(store).await?;
        }
    }
    Ok(())
}

/// Fills `n` activities over the 24 months up to `today`, mostly in
/// villages, in batches. Returns how many were written.
pub async fn fill(store: &SqlStore, n: u64, today: time::Date) -> anyhow::Result<u64> {
    let started = Instant::now();
    let mut villages: Vec<UnitId> = Vec::new();
    let mut upper: Vec<UnitId> = Vec::new();
    let mut frontier = vec![store.root_unit().await?.id];
    while let Some(u) = frontier.pop() {
        for c in store.children(u).await? {
            if !c.active || c.kind != UnitKind::Geo {
                continue;
            }
            if c.level == Level::VILLAGE {
                villages.push(c.id);
            } else {
                upper.push(c.id);
                frontier.push(c.id);
            }
        }
    }
    anyhow::ensure!(!villages.is_empty(), "no villages to fill");
    let mut rng = StdRng::seed_from_u64(2026);
    // Some villages are quiet on purpose: the list 强基扩面促活 needs.
    villages.retain(|_| rng.gen_ratio(9, 10));
    let total_weight: u32 = TYPES.iter().map(|t| t.1).sum();
    let end = Month::of_date(today);
    let start = end.minus(23);
    let mut written = 0;
    while written < n {
        // Small batches keep each write transaction short, so people
        // logging in and recording meanwhile never wait long for the lock.
        let batch = (n - written).min(1_000);
        let mut rows = Vec::with_capacity(batch as usize);
        for _ in 0..batch {
            let unit = if rng.gen_ratio(1, 20) {
                upper[rng.gen_range(0..upper.len())]
            } else {
                villages[rng.gen_range(0..villages.len())]
            };
            let month = start.succ_n(rng.gen_range(0..24));
            let last_day = if month == end { today.day() } else { 28 };
            let date = parse_date(&format!(
                "{}-{:02}-{:02}",
                month.year(),
                month.month(),
                rng.gen_range(1..=last_day)
            ))
            .expect("valid demo date");
            let mut pick = rng.gen_range(0..total_weight);
            let (type_key, _, title) = TYPES
                .iter()
                .find(|t| {
                    if pick < t.1 {
                        true
                    } else {
                        pick -= t.1;
                        false
                    }
                })
                .copied()
                .unwrap_or(TYPES[0]);
            let participants: i64 = if type_key == "home_visit" {
                rng.gen_range(1..6)
            } else {
                rng.gen_range(8..120)
            };
            let women = (participants as f64 * rng.gen_range(0.6..0.95)).round() as i64;
            rows.push(NewActivity {
                unit,
                fields: ActivityFields {
                    date,
                    type_key: type_key.to_owned(),
                    program_key: rng
                        .gen_ratio(1, 2)
                        .then(|| PROGRAMS[rng.gen_range(0..PROGRAMS.len())].to_owned()),
                    title: title.to_owned(),
                    title_mn: None,
                    place: None,
                    participants,
                    women: women.min(participants),
                    summary: None,
                },
                by: None,
            });
        }
        store
            .bulk_insert_activities(&rows, jinguo_app::state::now())
            .await?;
        written += batch;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    tracing::info!(
        activities = written,
        secs = started.elapsed().as_secs_f64(),
        "demo activities filled"
    );
    Ok(written)
}
