//! DESIGN.md design 3: random inserts, edits, moves, deletes and bulk
//! inserts, then every counter must equal a recount from the raw rows —
//! on SQLite and on PostgreSQL.

use jinguo_domain::activity::parse_date;
use jinguo_domain::{ActivityFields, ActivityId, Month, UnitCode, UnitId};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{NewActivity, NewSector, Page};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::{ActivityStore, BUNDLED_DIVISIONS_CSV, SqlStore, UnitStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The Xilinhot branch and a second league.
fn subset() -> String {
    let keep = [
        "150000000000",
        "1525000000",
        "15250200",
        "15250100",
        "1502000000",
        "15020200",
    ];
    let mut out = String::from("code,name,parent_code,level\n");
    for line in BUNDLED_DIVISIONS_CSV.lines().skip(1) {
        let code = &line[..12];
        let ok = keep.iter().any(|k| code.starts_with(k))
            && (code.ends_with("000000")
                || code.starts_with("15250220")
                || code.starts_with("150202"));
        if ok || code == "150000000000" {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn fields(rng: &mut StdRng) -> ActivityFields {
    let types = ["lecture", "send_law", "training", "home_visit"];
    let programs = [None, Some("happy_family"), Some("act_rights")];
    let participants = rng.gen_range(0..300);
    let date = parse_date(&format!(
        "{}-{:02}-{:02}",
        rng.gen_range(2024..=2026),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28)
    ))
    .unwrap();
    ActivityFields {
        date,
        type_key: types[rng.gen_range(0..types.len())].into(),
        program_key: programs[rng.gen_range(0..programs.len())].map(String::from),
        title: format!("活动{}", rng.gen_range(0..1000)),
        title_mn: None,
        place: None,
        participants,
        women: rng.gen_range(0..=participants),
        summary: None,
    }
}

async fn property(store: SqlStore, seed: u64) {
    let records = read_division_csv(subset().as_bytes()).expect("subset");
    store.import_divisions(&records).await.unwrap();
    let region = store.root_unit().await.unwrap();
    let scope = store.system_scope(&region);
    let banner = store
        .unit_by_code(&UnitCode::parse("152502000000").unwrap())
        .await
        .unwrap();
    store
        .create_sector(
            scope,
            NewSector {
                parent: banner.id,
                name: "快递行业妇联".into(),
                name_mn: None,
            },
        )
        .await
        .unwrap();
    // Every active unit can record.
    let mut units: Vec<UnitId> = vec![region.id];
    let mut frontier = vec![region.id];
    while let Some(u) = frontier.pop() {
        for c in store.children(u).await.unwrap() {
            units.push(c.id);
            frontier.push(c.id);
        }
    }
    assert!(units.len() > 30, "subset has {} units", units.len());

    let mut rng = StdRng::seed_from_u64(seed);
    let mut live: Vec<ActivityId> = Vec::new();
    for step in 0..400 {
        let now = 1_000 + step;
        match rng.gen_range(0..10) {
            0..=4 => {
                let unit = units[rng.gen_range(0..units.len())];
                let id = store
                    .create_activity(
                        scope,
                        NewActivity {
                            unit,
                            fields: fields(&mut rng),
                            by: None,
                        },
                        now,
                    )
                    .await
                    .unwrap();
                live.push(id);
            }
            5 | 6 if !live.is_empty() => {
                // Edit, half the time moving it to another unit.
                let id = live[rng.gen_range(0..live.len())];
                let old = store.activity_in_scope(scope, id).await.unwrap();
                let unit = if rng.gen_bool(0.5) {
                    units[rng.gen_range(0..units.len())]
                } else {
                    old.unit.id
                };
                store
                    .update_activity(scope, id, unit, fields(&mut rng), now)
                    .await
                    .unwrap();
            }
            7 if !live.is_empty() => {
                let id = live.swap_remove(rng.gen_range(0..live.len()));
                store.delete_activity(scope, id).await.unwrap();
            }
            8 => {
                let rows: Vec<NewActivity> = (0..rng.gen_range(1..40))
                    .map(|_| NewActivity {
                        unit: units[rng.gen_range(0..units.len())],
                        fields: fields(&mut rng),
                        by: None,
                    })
                    .collect();
                store.bulk_insert_activities(&rows, now).await.unwrap();
            }
            9 => {
                // A streamed import: several batches, one transaction,
                // counters summed over all of them.
                let mut batches: Vec<Vec<NewActivity>> = (0..rng.gen_range(1..4))
                    .map(|_| {
                        (0..rng.gen_range(1..30))
                            .map(|_| NewActivity {
                                unit: units[rng.gen_range(0..units.len())],
                                fields: fields(&mut rng),
                                by: None,
                            })
                            .collect()
                    })
                    .collect();
                let n: usize = batches.iter().map(Vec::len).sum();
                let written = store
                    .import_activities(&mut batches.drain(..), now)
                    .await
                    .unwrap();
                assert_eq!(written, n as u64);
            }
            _ => {}
        }
    }
    // An import is all or nothing: an unknown unit in its last batch leaves
    // neither rows nor counters of the batches before it.
    let before = store.activity_count().await.unwrap();
    let good: Vec<NewActivity> = (0..20)
        .map(|_| NewActivity {
            unit: units[rng.gen_range(0..units.len())],
            fields: fields(&mut rng),
            by: None,
        })
        .collect();
    let unknown = vec![NewActivity {
        unit: UnitId::new(i64::from(i32::MAX)),
        fields: fields(&mut rng),
        by: None,
    }];
    assert!(
        store
            .import_activities(&mut vec![good, unknown].into_iter(), 9_999)
            .await
            .is_err()
    );
    assert_eq!(store.activity_count().await.unwrap(), before);

    let bad = store.rollup_mismatches().await.unwrap();
    assert!(
        bad.is_empty(),
        "{} counters differ from a recount:\n{}",
        bad.len(),
        bad.join("\n")
    );

    // What the region sees is what everyone recorded, and its children add up.
    let (from, to) = (Month::new(2024, 1).unwrap(), Month::new(2026, 12).unwrap());
    let r = store.rollup(scope, &region, from, to).await.unwrap();
    let mut all = Vec::new();
    loop {
        let page = store
            .activities_under(scope, &region, from, to, Page::new(500, all.len() as i64))
            .await
            .unwrap();
        let done = page.len() < 500;
        all.extend(page);
        if done {
            break;
        }
    }
    assert_eq!(r.total.activities, all.len() as i64);
    assert_eq!(
        r.total.participants,
        all.iter().map(|a| a.fields.participants).sum::<i64>()
    );
    assert_eq!(
        r.total.women,
        all.iter().map(|a| a.fields.women).sum::<i64>()
    );
    let own = all.iter().filter(|a| a.unit.id == region.id).count() as i64;
    let children: i64 = r.children.iter().map(|(_, c)| c.activities).sum();
    assert_eq!(children + own, r.total.activities);
    assert_eq!(
        r.months.iter().map(|(_, c)| c.activities).sum::<i64>(),
        r.total.activities
    );
    assert_eq!(
        r.by_type.iter().map(|(_, c)| c.activities).sum::<i64>(),
        r.total.activities
    );
}

#[tokio::test]
async fn counters_equal_a_recount_on_sqlite() {
    for seed in [1, 2, 3] {
        property(SqlStore::connect(&fresh_sqlite_url()).await.unwrap(), seed).await;
    }
}

#[tokio::test]
async fn counters_equal_a_recount_on_postgres() {
    for seed in [1, 2, 3] {
        match fresh_postgres().await {
            PostgresTarget::Fresh(url) => {
                property(SqlStore::connect(&url).await.unwrap(), seed).await
            }
            PostgresTarget::Skipped => return,
        }
    }
}

/// Text with the characters a bulk write must escape (PostgreSQL's `COPY`
/// text format: backslash, tab, newline, carriage return) reads back as it
/// was imported, and an import naming a unit that does not exist writes
/// nothing.
async fn imported_text_reads_back(store: SqlStore) {
    let records = read_division_csv(subset().as_bytes()).expect("subset");
    store.import_divisions(&records).await.unwrap();
    let region = store.root_unit().await.unwrap();
    let village_code = subset()
        .lines()
        .skip(1)
        .map(|l| l[..12].to_owned())
        .find(|c| !c.ends_with("000"))
        .expect("a village in the subset");
    let village = store
        .unit_by_code(&UnitCode::parse(&village_code).unwrap())
        .await
        .unwrap();
    let fields = ActivityFields {
        date: parse_date("2026-03-08").unwrap(),
        type_key: "lecture".into(),
        program_key: None,
        title: "三八\\节\t宣讲".into(),
        title_mn: Some("ᠡᠮᠡᠭᠲᠡᠶ".into()),
        place: None,
        participants: 12,
        women: 9,
        summary: Some("第一行\r\n第二行 \\N 不是空值".into()),
    };
    let new = NewActivity {
        unit: village.id,
        fields: fields.clone(),
        by: None,
    };
    let mut batches = vec![vec![new.clone()]].into_iter();
    assert_eq!(store.import_activities(&mut batches, 100).await.unwrap(), 1);
    let scope = store.system_scope(&region);
    let (from, to) = (Month::new(2026, 3).unwrap(), Month::new(2026, 3).unwrap());
    let got = store
        .activities_under(scope, &village, from, to, Page::new(10, 0))
        .await
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].fields, fields);

    let mut bad = new.clone();
    bad.unit = UnitId::new(i64::MAX);
    let mut batches = vec![vec![new.clone()], vec![bad]].into_iter();
    assert!(store.import_activities(&mut batches, 200).await.is_err());
    assert_eq!(store.activity_count().await.unwrap(), 1);
    assert!(store.rollup_mismatches().await.unwrap().is_empty());
}

#[tokio::test]
async fn imported_text_reads_back_on_sqlite() {
    imported_text_reads_back(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test]
async fn imported_text_reads_back_on_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        imported_text_reads_back(SqlStore::connect(&url).await.unwrap()).await;
    }
}
