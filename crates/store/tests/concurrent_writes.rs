//! Bulk writes while single writes keep coming (issue 19): an activity
//! import, a re-import of the division list, a task issued to every village
//! and a key rotation, each while 8 writers record activities. Every write
//! must succeed — on SQLite that means each write transaction waits for the
//! write lock instead of failing with "database is locked".

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use jinguo_domain::activity::ActivityFields;
use jinguo_domain::household::HouseholdInput;
use jinguo_domain::task::FieldDef;
use jinguo_domain::{Level, Roles, UnitId, UnitKind, Username};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{NewActivity, NewHousehold, NewTask, NewUser, TaskTargets};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::vault::keys::KeyRing;
use jinguo_store::{
    ActivityStore, BUNDLED_DIVISIONS_CSV, HouseholdStore, SqlStore, TaskStore, UnitStore,
    UserStore, Vault,
};
use time::macros::date;

const OLD: &str = "1:000102030405060708090a0b0c0d0e0f";
const NEW: &str = "2:f0e0d0c0b0a090807060504030201000";

/// Concurrent single writers, as in the issue.
const WRITERS: usize = 8;
/// Rows of the activity import, as in the issue.
const IMPORTED: usize = 20_000;
/// Households sealed under the old key, for the rotation to re-seal.
const HOUSEHOLDS: usize = 300;

fn vault(keys: &str) -> Arc<Vault> {
    Arc::new(Vault::from_keys(KeyRing::parse(keys, "test").unwrap()))
}

fn fields(n: usize, title: &str) -> ActivityFields {
    ActivityFields {
        date: date!(2026 - 11 - 01) + time::Duration::days((n % 28) as i64),
        type_key: "lecture".into(),
        program_key: None,
        title: title.into(),
        title_mn: None,
        place: None,
        participants: 10 + (n % 7) as i64,
        women: 5 + (n % 5) as i64,
        summary: None,
    }
}

async fn villages(store: &SqlStore) -> Vec<UnitId> {
    let mut out = Vec::new();
    let mut open = vec![store.root_unit().await.unwrap().id];
    while let Some(parent) = open.pop() {
        for c in store.children(parent).await.unwrap() {
            if c.kind != UnitKind::Geo {
                continue;
            }
            if c.level == Level::VILLAGE {
                out.push(c.id);
            } else {
                open.push(c.id);
            }
        }
    }
    out.sort();
    out
}

async fn bulk_writes_beside_single_writes(url: String) {
    let store = SqlStore::connect(&url)
        .await
        .unwrap()
        .with_vault(vault(OLD));
    let records = read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let root = store.root_unit().await.unwrap();
    let all = store.system_scope(&root);
    let villages = villages(&store).await;
    let by = store
        .create_user(
            all,
            NewUser {
                username: Username::parse("issuer").unwrap(),
                password_hash: "x".into(),
                unit: root.id,
                roles: Roles::parse_list("admin").unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    for i in 0..HOUSEHOLDS {
        let input: HouseholdInput = serde_json::from_value(serde_json::json!({
            "address": format!("一组 {i} 号"),
            "members": [{"name": "娜仁", "sex": "F", "birth_year": 1985, "relation": "head",
                         "phone": "13847125678"}],
            "consent": {"given_by": "娜仁", "method": "oral"}
        }))
        .unwrap();
        store
            .create_household(
                all,
                NewHousehold {
                    unit: villages[i * 37 % villages.len()],
                    household: input.parse(date!(2026 - 11 - 29)).unwrap(),
                    by,
                },
                1,
            )
            .await
            .unwrap();
    }

    // The division list again with 1,000 villages renamed, so the
    // re-import updates rows and does not only read.
    let mut renamed = records.clone();
    for r in renamed
        .iter_mut()
        .filter(|r| r.level == Level::VILLAGE)
        .take(1000)
    {
        r.name.push_str("村委会");
    }
    let import: Vec<NewActivity> = (0..IMPORTED)
        .map(|n| NewActivity {
            unit: villages[n * 7919 % villages.len()],
            fields: fields(n, "导入的活动"),
            by: None,
        })
        .collect();

    // Key rotation is its own process in real life (`jinguo key rotate`):
    // its own pool on the same database.
    let rotating = SqlStore::connect(&url)
        .await
        .unwrap()
        .with_vault(vault(&format!("{NEW}\n{OLD}")));

    let bulk_done = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (store, villages, bulk_done) = (store.clone(), villages.clone(), bulk_done.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0usize;
            // At least 20 each, and on until every bulk job has finished.
            while n < 20 || !bulk_done.load(Ordering::Relaxed) {
                let unit = villages[(w * 1009 + n * 131) % villages.len()];
                let new = NewActivity {
                    unit,
                    fields: fields(n, "宣讲"),
                    by: Some(by),
                };
                if let Err(e) = store.create_activity(all, new, 2).await {
                    return Err(format!("writer {w}, activity {n}: {e}"));
                }
                n += 1;
            }
            Ok(n)
        }));
    }

    let imported = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut batches = import
                .chunks(5000)
                .map(<[NewActivity]>::to_vec)
                .collect::<Vec<_>>()
                .into_iter();
            store.import_activities(&mut batches, 3).await
        })
    };
    let reimported = {
        let store = store.clone();
        tokio::spawn(async move { store.import_divisions(&renamed).await })
    };
    let issued = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .create_task(
                    all,
                    NewTask {
                        issuer: root.id,
                        title: "入户走访统计".into(),
                        description: String::new(),
                        deadline: date!(2026 - 12 - 20),
                        targets: TaskTargets::Level(Level::VILLAGE),
                        fields: vec![
                            serde_json::from_value::<FieldDef>(serde_json::json!({
                                "key": "homes", "label": "入户走访户数",
                                "type": "integer", "required": true
                            }))
                            .unwrap(),
                        ],
                        by,
                    },
                    4,
                )
                .await
        })
    };
    let resealed = tokio::spawn(async move { rotating.reseal_all(false).await });

    let imported = imported.await.unwrap();
    let reimported = reimported.await.unwrap();
    let issued = issued.await.unwrap();
    let resealed = resealed.await.unwrap();
    bulk_done.store(true, Ordering::Relaxed);
    let mut written = 0;
    let mut failures = Vec::new();
    for w in writers {
        match w.await.unwrap() {
            Ok(n) => written += n,
            Err(e) => failures.push(e),
        }
    }

    assert_eq!(imported.map_err(|e| e.to_string()), Ok(IMPORTED as u64));
    let reimported = reimported.map_err(|e| e.to_string()).unwrap();
    assert_eq!(reimported.updated, 1000);
    let task = issued.map_err(|e| e.to_string()).unwrap();
    let resealed = resealed.map_err(|e| e.to_string()).unwrap();
    let address = resealed
        .iter()
        .find(|((t, c), _)| *t == "households" && *c == "address")
        .map(|(_, r)| r.resealed);
    assert_eq!(address, Some(HOUSEHOLDS as u64));
    assert!(failures.is_empty(), "single writes failed: {failures:#?}");

    // Everything written is there, and the roll-ups agree with the rows.
    assert_eq!(
        store.activity_count().await.unwrap(),
        (IMPORTED + written) as i64
    );
    assert!(store.rollup_mismatches().await.unwrap().is_empty());
    let task = store.task_in_scope(all, task).await.unwrap();
    let village = store.unit_by_id(villages[0]).await.unwrap();
    store.report(&task, &village).await.unwrap();
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bulk_writes_beside_single_writes_sqlite() {
    bulk_writes_beside_single_writes(fresh_sqlite_url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bulk_writes_beside_single_writes_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        bulk_writes_beside_single_writes(url).await;
    }
}

/// The database file a new SQLite store creates, and the files SQLite puts
/// beside it, are readable by the server's own user only.
#[tokio::test]
async fn a_new_database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let url = jinguo_store::testing::fresh_sqlite_url();
    let store = jinguo_store::SqlStore::connect(&url).await.unwrap();
    let path = std::path::PathBuf::from(url.trim_start_matches("sqlite://"));
    // A write, so the WAL file exists too.
    let records = jinguo_store::csv_import::read_division_csv(
        jinguo_store::BUNDLED_DIVISIONS_CSV
            .lines()
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
    )
    .unwrap();
    store.import_divisions(&records).await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    let wal = path.with_file_name("jinguo.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
}
