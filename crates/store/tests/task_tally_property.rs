//! DESIGN.md design 3 for five-level linkage: random answers, submissions,
//! returns, approvals and forwards on a banner's task, then every progress
//! counter must equal a recount of the reports, and the banner's totals
//! must equal the answers handed in — on SQLite and on PostgreSQL.

use std::collections::HashMap;

use jinguo_domain::task::FieldDef;
use jinguo_domain::{Level, ReportStatus, Roles, UnitCode, UnitId, Username};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{NewTask, NewUser, ReportAnswer, TaskTargets};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::{BUNDLED_DIVISIONS_CSV, SqlStore, TaskStore, UnitStore, UserStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::macros::date;

fn field(key: &str, kind: &str) -> FieldDef {
    serde_json::from_value(serde_json::json!({
        "key": key, "label": key, "type": kind, "required": false
    }))
    .unwrap()
}

async fn property(store: SqlStore, seed: u64) {
    let records = read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let region = store.root_unit().await.unwrap();
    let banner = store
        .unit_by_code(&UnitCode::parse("152502000000").unwrap())
        .await
        .unwrap();
    let by = store
        .create_user(
            store.root_scope().await.unwrap(),
            NewUser {
                username: Username::parse("issuer").unwrap(),
                password_hash: "x".into(),
                unit: region.id,
                roles: Roles::new(vec![jinguo_domain::Role::Admin]).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let all = store.system_scope(&region);
    let id = store
        .create_task(
            all,
            NewTask {
                issuer: banner.id,
                title: "季度统计".into(),
                description: String::new(),
                deadline: date!(2026 - 12 - 20),
                targets: TaskTargets::Level(Level::new(4).unwrap()),
                fields: vec![field("homes", "integer"), field("share", "decimal")],
                by,
            },
            100,
        )
        .await
        .unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    // The answers as the test made them: unit → (homes, share).
    let mut saved: HashMap<UnitId, (f64, f64)> = HashMap::new();
    for step in 0..400 {
        let task = store.task_in_scope(all, id).await.unwrap();
        let reports = store.export_rows(&task, &banner).await.unwrap();
        let picked = &reports[rng.gen_range(0..reports.len())].report;
        let at = store.unit_by_id(picked.unit.id).await.unwrap();
        let r = &store.report(&task, &at).await.unwrap();
        let now = 200 + step;
        let today = if rng.gen_bool(0.8) {
            "2026-12-10"
        } else {
            "2026-12-25"
        };
        // Refusals (locked, pending descendants) are part of the property:
        // they must change no counter.
        let _ = match rng.gen_range(0..10) {
            0..=3 => {
                let v = (
                    f64::from(rng.gen_range(0..50)),
                    f64::from(rng.gen_range(0..100)) / 100.0,
                );
                let out = store
                    .save_report(
                        r,
                        ReportAnswer {
                            values_json: "{}".into(),
                            reasons_json: "{}".into(),
                            numbers: vec![("homes".into(), v.0), ("share".into(), v.1)],
                            note: None,
                            by,
                        },
                        now,
                    )
                    .await;
                if out.is_ok() {
                    saved.insert(r.unit.id, v);
                }
                out
            }
            4..=6 => store.submit_report(r, by, today, now).await,
            7 => store.review_report(r, false, Some("请核对"), by, now).await,
            8 => store.review_report(r, true, None, by, now).await,
            _ => {
                if r.unit.level == Level::new(4).unwrap() && !r.forwarded {
                    store
                        .forward_task(&task, r, TaskTargets::Level(Level::VILLAGE), &[], by, now)
                        .await
                        .map(|_| ())
                } else {
                    Ok(())
                }
            }
        };
        if step % 100 == 99 {
            assert_eq!(
                store.task_tally_mismatches().await.unwrap(),
                Vec::<String>::new(),
                "after step {step}"
            );
        }
    }
    assert_eq!(
        store.task_tally_mismatches().await.unwrap(),
        Vec::<String>::new()
    );

    // The banner's progress against the reports as they stand.
    let task = store.task_in_scope(all, id).await.unwrap();
    let reports = store.export_rows(&task, &banner).await.unwrap();
    let p = store.progress(&task, &banner).await.unwrap();
    assert_eq!(p.counts.values().sum::<i64>(), reports.len() as i64);
    for status in [
        ReportStatus::NotStarted,
        ReportStatus::InProgress,
        ReportStatus::Submitted,
        ReportStatus::Returned,
        ReportStatus::Approved,
    ] {
        let want = reports.iter().filter(|r| r.report.status == status).count() as i64;
        assert_eq!(
            p.counts.get(&status).copied().unwrap_or(0),
            want,
            "{status:?}"
        );
    }
    assert_eq!(task.targets, reports.len() as i64);
    let handed: Vec<(f64, f64)> = reports
        .iter()
        .filter(|r| {
            matches!(
                r.report.status,
                ReportStatus::Submitted | ReportStatus::Approved
            )
        })
        .filter_map(|r| saved.get(&r.report.unit.id).copied())
        .collect();
    assert!(handed.len() > 3, "the walk should hand in some answers");
    let totals: HashMap<_, _> = p.totals.iter().cloned().collect();
    let share = &totals["share"];
    let want: f64 = handed.iter().map(|h| h.1).sum();
    assert!((share.sum - want).abs() < 1e-6, "{} vs {want}", share.sum);
    assert_eq!(share.count, handed.len() as i64);
    let lo = handed.iter().map(|h| h.1).fold(f64::INFINITY, f64::min);
    let hi = handed.iter().map(|h| h.1).fold(f64::NEG_INFINITY, f64::max);
    assert_eq!((share.min, share.max), (lo, hi));
    let homes = &totals["homes"];
    assert_eq!(homes.sum, handed.iter().map(|h| h.0).sum::<f64>());
    // A child's figures add up to what the banner shows.
    let children: i64 = p
        .children
        .iter()
        .map(|c| c.counts.values().sum::<i64>())
        .sum();
    assert_eq!(children, reports.len() as i64);
}

#[tokio::test]
async fn task_tally_property_on_sqlite() {
    for seed in [1, 2] {
        property(SqlStore::connect(&fresh_sqlite_url()).await.unwrap(), seed).await;
    }
}

#[tokio::test]
async fn task_tally_property_on_postgres() {
    match fresh_postgres().await {
        PostgresTarget::Fresh(url) => property(SqlStore::connect(&url).await.unwrap(), 3).await,
        PostgresTarget::Skipped => {}
    }
}
