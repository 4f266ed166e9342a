//! Plausible activities for the demo, so the figures are alive on first
//! start. Deterministic: the same seed gives the same ledger.

use std::time::Instant;

use jinguo_domain::activity::parse_date;
use jinguo_domain::home::{HomeDraft, HomeStatus};
use jinguo_domain::{ActivityFields, Level, Month, UnitId, UnitKind};
use jinguo_store::homes::NewHome;
use jinguo_store::model::NewActivity;
use jinguo_store::{HomeStore, SqlStore, UnitStore};
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

/// Fills `n` activities over the 24 months up to `today`, mostly in
/// villages, in batches. Returns how many were written.
pub async fn fill(store: &SqlStore, n: u64, today: time::Date) -> anyhow::Result<u64> {
    fill_homes(store).await?;
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
pub async fn fill_homes(store: &SqlStore) -> anyhow::Result<u64> {
    let started = Instant::now();
    let root = store.root_unit().await?;
    let scope = store.system_scope(&root);
    if store.home_coverage(scope, &root).await?.counts.active_homes > 0 {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(5);
    let mut frontier = vec![root.id];
    let mut written = 0;
    let now = jinguo_app::state::now();
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
