//! Every seeded dictionary entry has a Mongolian label (issue 17 item 1):
//! without one, a Mongolian page shows the entry's Chinese (an activity
//! type in a list, a need category on the public help page). On SQLite and
//! on PostgreSQL, after migrating a fresh database. And migration 0048,
//! which drafted the missing labels, fills only empty ones, so a label a
//! region administrator wrote is kept.

use jinguo_store::SqlStore;
use jinguo_store::testing::{
    PostgresTarget, column_texts, execute, fresh_postgres, fresh_sqlite_url,
};

/// Traditional Mongolian letters (the script's basic letters and the
/// letters added for other languages), not only its punctuation.
fn has_mongolian_letters(s: &str) -> bool {
    s.chars().any(|c| ('\u{1820}'..='\u{18AA}').contains(&c))
}

/// `kind|key|label_mn` of every row, the label empty when NULL.
async fn labels(store: &SqlStore) -> Vec<(String, String)> {
    column_texts(
        store,
        "SELECT kind || '|' || key || '|' || COALESCE(label_mn, '') FROM dict_entries \
         ORDER BY kind, sort, key",
    )
    .await
    .into_iter()
    .map(|row| {
        let row = row.expect("a row");
        let (entry, label) = row.rsplit_once('|').expect("kind|key|label");
        (entry.to_owned(), label.to_owned())
    })
    .collect()
}

async fn label_of(store: &SqlStore, kind: &str, key: &str) -> Option<String> {
    column_texts(
        store,
        &format!("SELECT label_mn FROM dict_entries WHERE kind = '{kind}' AND key = '{key}'"),
    )
    .await
    .into_iter()
    .next()
    .flatten()
}

async fn story(store: SqlStore) {
    let all = labels(&store).await;
    // The seeds of every dictionary the migrations make (89 when written).
    assert!(all.len() >= 89, "only {} seeded entries", all.len());
    let lacking: Vec<&String> = all
        .iter()
        .filter(|(_, mn)| mn.trim().is_empty() || !has_mongolian_letters(mn))
        .map(|(entry, _)| entry)
        .collect();
    assert!(
        lacking.is_empty(),
        "seeded entries without a Mongolian label: {lacking:?}"
    );
    // Reused from the catalogue where it has the same Chinese.
    assert_eq!(
        label_of(&store, "need_category", "other").await.as_deref(),
        Some("ᠪᠤᠰᠤ")
    );
    assert_eq!(
        label_of(&store, "case_type", "domestic_violence")
            .await
            .as_deref(),
        Some("ᠭᠡᠷ ᠪᠦᠯ\u{202f}ᠦᠨ ᠬᠦᠴᠢᠷᠬᠡᠭ")
    );

    // Migration 0048 again over labels an administrator edited: a written
    // one stays, an emptied one is filled again.
    execute(
        &store,
        "UPDATE dict_entries SET label_mn = 'ᠮᠢᠨᠦ' WHERE kind = 'need_category' AND key = 'legal';
         UPDATE dict_entries SET label_mn = '' WHERE kind = 'visit_tag' AND key = 'disability';
         UPDATE dict_entries SET label_mn = NULL WHERE kind = 'program' AND key = 'act_rural';",
    )
    .await;
    execute(
        &store,
        include_str!("../migrations/sqlite/0048_dictionary_labels_mn.sql"),
    )
    .await;
    assert_eq!(
        label_of(&store, "need_category", "legal").await.as_deref(),
        Some("ᠮᠢᠨᠦ"),
        "an administrator's label is kept"
    );
    for (kind, key) in [("visit_tag", "disability"), ("program", "act_rural")] {
        let mn = label_of(&store, kind, key).await.unwrap_or_default();
        assert!(
            has_mongolian_letters(&mn),
            "{kind}.{key} filled again: {mn:?}"
        );
    }
}

#[tokio::test]
async fn seeded_labels_mn_on_sqlite() {
    story(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test]
async fn seeded_labels_mn_on_postgres() {
    match fresh_postgres().await {
        PostgresTarget::Fresh(url) => story(SqlStore::connect(&url).await.unwrap()).await,
        PostgresTarget::Skipped => {}
    }
}
