//! The audit log's SM3 hash chain (issue 19 item 7), on SQLite and on
//! PostgreSQL: entries appended by concurrent writers form one intact
//! chain, and an attacker who drops the append-only triggers and edits,
//! deletes or swaps rows is found — at the right entry, for the right
//! reason.

use std::sync::Arc;

use jinguo_domain::UnitCode;
use jinguo_store::audit_chain::{
    ChainBreak, ChainVerdict, ChainedContent, entry_hash, from_hex, to_hex,
};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::NewAudit;
use jinguo_store::testing::{
    PostgresTarget, column_texts, execute, fresh_postgres, fresh_sqlite_url, scalar, try_execute,
};
use jinguo_store::{AuditStore, BUNDLED_DIVISIONS_CSV, SqlStore, UnitStore};

/// Concurrent writers and entries each: 200 entries in all.
const WRITERS: usize = 20;
const EACH: usize = 10;

/// The region, a league, a banner and a village.
fn subset() -> String {
    let mut out = String::from("code,name,parent_code,level\n");
    for line in BUNDLED_DIVISIONS_CSV.lines().skip(1) {
        let code = &line[..12];
        if [
            "150000000000",
            "152500000000",
            "152502000000",
            "152502200000",
            "152502200200",
        ]
        .contains(&code)
        {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Points the chain's head at the newest entry again.
const RESET_HEAD: &str = "UPDATE audit_chain_head SET \
     seq = (SELECT MAX(seq) FROM audit_log), \
     hash = (SELECT hash FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log))";

async fn verdict(store: &SqlStore) -> ChainVerdict {
    store.verify_audit_chain().await.unwrap()
}

/// The id of the entry with chain number `seq`.
async fn id_of(store: &SqlStore, seq: i64) -> i64 {
    scalar(
        store,
        &format!("SELECT id FROM audit_log WHERE seq = {seq}"),
    )
    .await
    .unwrap()
}

/// Asserts that the chain breaks at entry `id` for `why`, after `verified`
/// intact entries.
async fn broken_at(store: &SqlStore, id: i64, why: ChainBreak, verified: i64) {
    match verdict(store).await {
        ChainVerdict::Broken { verified: v, entry } => {
            assert_eq!(entry.id, Some(id), "broken entry");
            assert_eq!(entry.why, why);
            assert_eq!(v, verified, "entries verified before it");
            assert!(entry.at.is_some());
        }
        other => panic!("expected a break at {id}, got {other:?}"),
    }
}

async fn intact(store: &SqlStore, entries: i64) {
    match verdict(store).await {
        ChainVerdict::Intact { entries: n, .. } => assert_eq!(n, entries),
        other => panic!("expected an intact chain, got {other:?}"),
    }
}

async fn story(store: SqlStore) {
    let records = read_division_csv(subset().as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let village = store
        .unit_by_code(&UnitCode::parse("152502200200").unwrap())
        .await
        .unwrap();
    let banner = store
        .unit_by_code(&UnitCode::parse("152502000000").unwrap())
        .await
        .unwrap();
    intact(&store, 0).await;

    // Concurrent writers: each entry is chained to the one committed before.
    let store = Arc::new(store);
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let store = store.clone();
        let unit = if w % 2 == 0 { village.id } else { banner.id };
        tasks.push(tokio::spawn(async move {
            for i in 0..EACH {
                store
                    .append_audit(NewAudit {
                        at: 1_764_000_000 + (w * EACH + i) as i64,
                        actor: None,
                        action: "activity.create",
                        detail: format!("writer {w} entry {i}"),
                        ip: (i % 3 != 0).then(|| format!("10.0.{w}.{i}")),
                        unit,
                    })
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let total = (WRITERS * EACH) as i64;
    intact(&store, total).await;
    let seqs = column_texts(
        &store,
        "SELECT CAST(seq AS TEXT) FROM audit_log ORDER BY id",
    )
    .await;
    let want: Vec<Option<String>> = (1..=total).map(|s| Some(s.to_string())).collect();
    assert_eq!(seqs, want, "seq follows id, without gaps");

    // The triggers still refuse changes; an attacker drops them first.
    for sql in [
        "UPDATE audit_log SET detail = 'x' WHERE seq = 5",
        "DELETE FROM audit_log WHERE seq = 5",
    ] {
        assert!(
            !try_execute(&store, sql).await,
            "{sql} is refused while the triggers stand"
        );
    }
    execute(
        &store,
        match store.backend() {
            jinguo_store::Backend::Sqlite => {
                "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
            }
            jinguo_store::Backend::Postgres => "DROP TRIGGER audit_log_append_only ON audit_log;",
        },
    )
    .await;

    // An edited row: its content no longer gives its hash.
    let e50 = id_of(&store, 50).await;
    let detail = column_texts(
        &store,
        &format!("SELECT detail FROM audit_log WHERE id = {e50}"),
    )
    .await[0]
        .clone()
        .unwrap();
    execute(
        &store,
        &format!("UPDATE audit_log SET detail = 'nothing happened' WHERE id = {e50}"),
    )
    .await;
    broken_at(&store, e50, ChainBreak::ContentChanged, 49).await;
    // Also when only a timestamp or the unit moves.
    execute(
        &store,
        &format!("UPDATE audit_log SET detail = '{detail}', at = at + 1 WHERE id = {e50}"),
    )
    .await;
    broken_at(&store, e50, ChainBreak::ContentChanged, 49).await;
    execute(
        &store,
        &format!("UPDATE audit_log SET at = at - 1 WHERE id = {e50}"),
    )
    .await;
    intact(&store, total).await;

    // An edited row whose hash the attacker recomputed: the next entry
    // still records the old one.
    let original_hash = column_texts(
        &store,
        &format!("SELECT hash FROM audit_log WHERE id = {e50}"),
    )
    .await[0]
        .clone()
        .unwrap();
    let forged = rehash(&store, e50, "forged").await;
    execute(
        &store,
        &format!("UPDATE audit_log SET detail = 'forged', hash = '{forged}' WHERE id = {e50}"),
    )
    .await;
    broken_at(&store, e50, ChainBreak::ContentChanged, 49).await;
    execute(
        &store,
        &format!(
            "UPDATE audit_log SET detail = '{detail}', hash = '{original_hash}' WHERE id = {e50}"
        ),
    )
    .await;
    intact(&store, total).await;

    // A deleted row: the next entry names the gap.
    let e80 = id_of(&store, 80).await;
    let e81 = id_of(&store, 81).await;
    execute(
        &store,
        &format!(
            "CREATE TABLE kept AS SELECT * FROM audit_log WHERE id = {e80}; \
             DELETE FROM audit_log WHERE id = {e80};"
        ),
    )
    .await;
    broken_at(
        &store,
        e81,
        ChainBreak::EntryMissing {
            first: 80,
            last: 80,
        },
        79,
    )
    .await;
    execute(
        &store,
        "INSERT INTO audit_log SELECT * FROM kept; DROP TABLE kept;",
    )
    .await;
    // The insert moved the head back to seq 80 (its trigger still stands).
    execute(&store, RESET_HEAD).await;
    intact(&store, total).await;

    // Two rows swapped: each keeps its own hash, but stands in the other's place.
    let e120 = id_of(&store, 120).await;
    let e121 = id_of(&store, 121).await;
    swap_ids(&store, e120, e121).await;
    broken_at(
        &store,
        e120,
        ChainBreak::OrderChanged { expected_seq: 120 },
        119,
    )
    .await;
    swap_ids(&store, e120, e121).await;
    intact(&store, total).await;

    // The newest entries deleted: the chain's head remembers them.
    let last = id_of(&store, total - 2).await;
    execute(
        &store,
        &format!("DELETE FROM audit_log WHERE seq > {}", total - 2),
    )
    .await;
    match verdict(&store).await {
        ChainVerdict::Broken { verified, entry } => {
            assert_eq!(verified, total - 2);
            assert_eq!(entry.id, Some(last));
            assert_eq!(
                entry.why,
                ChainBreak::EntryMissing {
                    first: total - 1,
                    last: total
                }
            );
        }
        other => panic!("expected missing newest entries, got {other:?}"),
    }
    // A row inserted behind the store, without chain columns.
    execute(
        &store,
        "UPDATE audit_chain_head SET seq = seq - 2, \
         hash = (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)",
    )
    .await;
    intact(&store, total - 2).await;
    execute(
        &store,
        &format!(
            "INSERT INTO audit_log (at, action, detail, unit_id, l1) \
             VALUES (1, 'login', '', {0}, {0})",
            village.ancestors[0].unwrap().get()
        ),
    )
    .await;
    match verdict(&store).await {
        ChainVerdict::Broken { entry, .. } => assert_eq!(entry.why, ChainBreak::Unchained),
        other => panic!("expected an unchained entry, got {other:?}"),
    }
}

/// Moves the rows `a` and `b` into each other's place (their ids).
async fn swap_ids(store: &SqlStore, a: i64, b: i64) {
    execute(
        store,
        &format!(
            "UPDATE audit_log SET id = -1 WHERE id = {a}; \
             UPDATE audit_log SET id = {a} WHERE id = {b}; \
             UPDATE audit_log SET id = {b} WHERE id = -1;"
        ),
    )
    .await;
}

/// The hash entry `id` would have with `detail` as its detail, as an
/// attacker who knows the canonical encoding would compute it.
async fn rehash(store: &SqlStore, id: i64, detail: &str) -> String {
    let row = |col: &str| format!("SELECT CAST({col} AS TEXT) FROM audit_log WHERE id = {id}");
    let text = |v: Vec<Option<String>>| v.into_iter().next().flatten();
    let int = |v: Vec<Option<String>>| text(v).map(|s| s.parse::<i64>().unwrap());
    let prev = from_hex(&text(column_texts(store, &row("prev_hash")).await).unwrap()).unwrap();
    let actor_name = text(column_texts(store, &row("actor_name")).await);
    let action = text(column_texts(store, &row("action")).await).unwrap();
    let ip = text(column_texts(store, &row("ip")).await);
    let mut ancestors = [None; 5];
    for (i, a) in ancestors.iter_mut().enumerate() {
        *a = int(column_texts(store, &row(&format!("l{}", i + 1))).await);
    }
    to_hex(&entry_hash(
        &prev,
        &ChainedContent {
            seq: int(column_texts(store, &row("seq")).await).unwrap(),
            at: int(column_texts(store, &row("at")).await).unwrap(),
            actor_id: int(column_texts(store, &row("actor_id")).await),
            actor_name: actor_name.as_deref(),
            action: &action,
            detail,
            ip: ip.as_deref(),
            unit_id: int(column_texts(store, &row("unit_id")).await).unwrap(),
            ancestors,
        },
    ))
}

#[tokio::test]
async fn audit_chain_on_sqlite() {
    story(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test]
async fn audit_chain_on_postgres() {
    match fresh_postgres().await {
        PostgresTarget::Fresh(url) => story(SqlStore::connect(&url).await.unwrap()).await,
        PostgresTarget::Skipped => {}
    }
}
