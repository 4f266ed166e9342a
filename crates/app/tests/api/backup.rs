//! Backup and restore (issue 19 item 6): a backup taken while writers keep
//! recording activities restores into a fresh directory with every write
//! acknowledged before it started, roll-ups equal to a recount and an
//! intact audit chain; a damaged or truncated archive is refused and
//! leaves nothing behind.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use jinguo_app::backup::{self, DATABASE_FILE};
use jinguo_domain::UnitCode;
use jinguo_domain::activity::ActivityFields;
use jinguo_store::audit_chain::ChainVerdict;
use jinguo_store::model::NewActivity;
use jinguo_store::testing::scalar;
use jinguo_store::{ActivityStore, AuditStore, SqlStore, UnitStore};
use time::macros::date;

use crate::both_backends;
use crate::support::*;

const WRITERS: usize = 4;

fn fields(n: usize) -> ActivityFields {
    ActivityFields {
        date: date!(2026 - 11 - 01) + time::Duration::days((n % 28) as i64),
        type_key: "lecture".into(),
        program_key: None,
        title: "宣讲".into(),
        title_mn: None,
        place: None,
        participants: 10 + (n % 7) as i64,
        women: 5 + (n % 5) as i64,
        summary: None,
    }
}

fn fresh_dir(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "jinguo-{what}-{}",
        jinguo_app::auth::token::new_token()
    ))
}

/// Uploaded files as the application lays them out.
fn uploads(data_dir: &Path) -> Vec<(String, Vec<u8>)> {
    let files = vec![
        ("photos/ab/abcdef.jpg".to_owned(), vec![0xd8; 3000]),
        ("photos/cd/cdef01.png".to_owned(), b"\x89PNG...".repeat(50)),
        ("home-photos/ef/ef0123.jpg".to_owned(), vec![7; 700]),
        ("attachments/01/report.xlsx".to_owned(), vec![1, 2, 3]),
    ];
    for (path, bytes) in &files {
        let p = data_dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    // Beside the data, never backed up.
    std::fs::write(data_dir.join("encryption.key"), "1:00").unwrap();
    files
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

async fn backup_under_load_and_restore(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let files = uploads(&app.data_dir);
    let store = Arc::new(app.store.clone());
    let village = store
        .unit_by_code(&UnitCode::parse(YILELT).unwrap())
        .await
        .unwrap();
    let scope = store.root_scope().await.unwrap();

    // Writers record activities (each with its audit entry) throughout.
    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (store, acked, stop) = (store.clone(), acked.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = w;
            while !stop.load(Ordering::Relaxed) {
                let new = NewActivity {
                    unit: village.id,
                    fields: fields(n),
                    by: None,
                };
                let id = store.create_activity(scope, new, 2).await.unwrap();
                store
                    .append_audit(jinguo_store::model::NewAudit {
                        at: 2,
                        actor: None,
                        action: "activity.create",
                        detail: format!("id {}", id.get()),
                        ip: None,
                        unit: village.id,
                    })
                    .await
                    .unwrap();
                acked.lock().unwrap().push(id.get());
                n += WRITERS;
            }
        }));
    }
    while acked.lock().unwrap().len() < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before: Vec<i64> = acked.lock().unwrap().clone();
    let archive = fresh_dir("backup").with_extension("tar");
    let report = backup::backup(
        &store,
        &app.data_dir,
        Some(&app.data_dir.join("encryption.key")),
        &archive,
    )
    .await
    .unwrap();
    let during = acked.lock().unwrap().len();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    // On SQLite the copy of the database takes long enough to see that it
    // did not stop the writers (PostgreSQL's backup holds only the files).
    if store.backend() == jinguo_store::Backend::Sqlite {
        assert!(
            during > before.len(),
            "writers went on during the backup ({} → {during})",
            before.len()
        );
    }
    #[cfg(unix)]
    assert_eq!(mode(&archive), 0o600);
    let m = &report.manifest;
    assert_eq!(m.schema_version, store.schema_version().await.unwrap());
    assert!(m.schema_version >= 16);
    assert!(!m.files.iter().any(|f| f.path.contains("key")), "{m:?}");

    // Refused: into a directory that is not empty.
    let busy = fresh_dir("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("x"), "x").unwrap();
    let e = backup::restore(&archive, &busy).unwrap_err();
    assert!(format!("{e:#}").contains("not empty"), "{e:#}");

    let target = fresh_dir("restored");
    let done = backup::restore(&archive, &target).unwrap();
    for (path, bytes) in &files {
        assert_eq!(&std::fs::read(target.join(path)).unwrap(), bytes, "{path}");
        #[cfg(unix)]
        assert_eq!(mode(&target.join(path)), 0o600, "{path}");
    }
    #[cfg(unix)]
    {
        assert_eq!(mode(&target), 0o700);
        assert_eq!(mode(&target.join("photos/ab")), 0o700);
    }
    assert!(!target.join("encryption.key").exists());
    assert!(!target.join("manifest.json").exists());
    let left: Vec<_> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!left.iter().any(|n| n.starts_with('.')), "{left:?}");

    if store.backend() == jinguo_store::Backend::Sqlite {
        let db = done.database.expect("the database is in a SQLite backup");
        #[cfg(unix)]
        assert_eq!(mode(&db), 0o600);
        let restored = SqlStore::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        let ids = before
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let present = scalar(
            &restored,
            &format!("SELECT COUNT(*) FROM activities WHERE id IN ({ids})"),
        )
        .await;
        assert_eq!(present, Some(before.len() as i64), "every acknowledged write");
        assert!(restored.activity_count().await.unwrap() >= before.len() as i64);
        assert_eq!(restored.rollup_mismatches().await.unwrap(), Vec::<String>::new());
        assert!(matches!(
            restored.verify_audit_chain().await.unwrap(),
            ChainVerdict::Intact { .. }
        ));
        restored.close().await;
    } else {
        assert!(done.database.is_none());
        assert!(!target.join(DATABASE_FILE).exists());
        assert_eq!(m.backend, "postgres");
    }
    assert_eq!(store.rollup_mismatches().await.unwrap(), Vec::<String>::new());

    // Damaged archives are refused, and nothing is left behind.
    let good = std::fs::read(&archive).unwrap();
    let manifest_at = find(&good, b"\"sha256\"").expect("the manifest in the archive");
    let mut cases = vec![
        ("a byte of the first file flipped", flip(&good, 512 + 100)),
        ("a byte of a file header flipped", flip(&good, 10)),
        ("a byte of the manifest flipped", flip(&good, manifest_at + 20)),
        ("cut in half", good[..good.len() / 2].to_vec()),
        ("cut before the manifest", good[..manifest_at - 600].to_vec()),
    ];
    cases.push(("empty", Vec::new()));
    for (what, bytes) in cases {
        let bad = fresh_dir("bad").with_extension("tar");
        std::fs::write(&bad, &bytes).unwrap();
        let target = fresh_dir("refused");
        let e = backup::restore(&bad, &target);
        assert!(e.is_err(), "{what}: refused");
        let msg = format!("{:#}", e.unwrap_err());
        assert!(msg.contains("damaged or truncated"), "{what}: {msg}");
        assert!(!target.exists(), "{what}: nothing left behind");
        // Into an existing empty directory: emptied again.
        std::fs::create_dir_all(&target).unwrap();
        assert!(backup::restore(&bad, &target).is_err());
        assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0, "{what}");
    }
}
both_backends!(backup_under_load_and_restore, backup_under_load_and_restore);

fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at] ^= 0x01;
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `serve`'s daily backup: one a day, the oldest deleted beyond `keep`.
async fn daily_backups_are_kept_and_pruned(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    uploads(&app.data_dir);
    let dir = fresh_dir("daily");
    let first = backup::take_due_backup(&app.store, &app.data_dir, None, &dir, 2)
        .await
        .unwrap()
        .expect("a first backup");
    assert!(first.exists());
    // Not due again within the day.
    let none = backup::take_due_backup(&app.store, &app.data_dir, None, &dir, 2)
        .await
        .unwrap();
    assert!(none.is_none());
    // Older ones (as if from earlier days) are pruned down to `keep`.
    for day in ["20261101-020000", "20261102-020000"] {
        let old = dir.join(format!("jinguo-{day}.tar"));
        std::fs::copy(&first, &old).unwrap();
        let f = std::fs::File::options().write(true).open(&old).unwrap();
        f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 86400))
            .unwrap();
    }
    // Make the newest look two days old too, so the next one is due.
    let f = std::fs::File::options().write(true).open(&first).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86400))
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let second = backup::take_due_backup(&app.store, &app.data_dir, None, &dir, 2)
        .await
        .unwrap()
        .expect("due again");
    let mut kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    kept.sort();
    assert_eq!(kept, vec![first, second]);
}
both_backends!(daily_backups_are_kept_and_pruned, daily_backups_are_kept_and_pruned);
