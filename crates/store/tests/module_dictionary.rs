//! A module declares its own dictionary in code (`DictKind::new`) and the
//! store keeps its entries with no schema change (migration 0015), apart
//! from every other dictionary — on SQLite and on PostgreSQL.

use jinguo_domain::Capability;
use jinguo_store::model::{DictEntry, DictKind};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::{ActivityStore, BUNDLED_DIVISIONS_CSV, SqlStore};

/// A dictionary no code knows, as a new module would declare it (the
/// honours module now seeds `honour_category`, so not that one).
const HONOURS: DictKind = DictKind::new("example_category", "example-categories", false);

fn entry(key: &str, label: &str) -> DictEntry {
    DictEntry {
        key: key.into(),
        label_zh: label.into(),
        label_mn: None,
        label_en: None,
        active: true,
        sort: 1,
    }
}

async fn story(store: SqlStore) {
    let region_only: String = BUNDLED_DIVISIONS_CSV
        .lines()
        .take(2)
        .collect::<Vec<_>>()
        .join("\n");
    let records = jinguo_store::csv_import::read_division_csv(region_only.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let root = store.root_scope().await.unwrap();
    assert!(root.can(Capability::EditDictionaries));
    assert!(store.dictionary(HONOURS).await.unwrap().is_empty());

    store
        .save_dict_entry(root, HONOURS, &entry("most_beautiful", "最美家庭"))
        .await
        .unwrap();
    let entries = store.dictionary(HONOURS).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].label_zh, "最美家庭");

    // Its key does not leak into a shared dictionary, nor theirs into it.
    let types = store.dictionary(DictKind::ACTIVITY_TYPE).await.unwrap();
    assert!(types.iter().all(|e| e.key != "most_beautiful"));
    assert!(
        !types.is_empty(),
        "the seeded activity types are still there"
    );
}

#[tokio::test]
async fn module_dictionary_on_sqlite() {
    story(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test]
async fn module_dictionary_on_postgres() {
    match fresh_postgres().await {
        PostgresTarget::Fresh(url) => story(SqlStore::connect(&url).await.unwrap()).await,
        PostgresTarget::Skipped => {}
    }
}
