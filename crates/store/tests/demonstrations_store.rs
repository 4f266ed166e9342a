//! Demonstration sites through the store, on SQLite and on PostgreSQL:
//! concurrent designations of one site at one level write one (the other is
//! refused, nothing half-written), concurrent evaluations of one year write
//! one, and the counters equal a recount afterwards.

use jinguo_domain::UnitCode;
use jinguo_domain::demonstration::{
    DesignationDraft, EvaluationDraft, ItemDraft, Refusal, SiteKind,
};
use jinguo_domain::home::HomeDraft;
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::demonstrations::{DemoWho, DemonstrationFilter, NewDemonstration, SiteRef};
use jinguo_store::homes::NewHome;
use jinguo_store::model::Unit;
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::{
    BUNDLED_DIVISIONS_CSV, DemonstrationStore, HomeStore, SqlStore, StoreError, UnitStore,
};

const XILINHOT: &str = "152502000000";
const YILELT: &str = "152502200200";

async fn unit(store: &SqlStore, code: &str) -> Unit {
    store
        .unit_by_code(&UnitCode::parse(code).unwrap())
        .await
        .unwrap()
}

fn new(designator: &Unit, home: i64) -> NewDemonstration {
    NewDemonstration {
        designator: designator.id,
        site: SiteRef {
            kind: SiteKind::Home,
            id: home,
        },
        fields: DesignationDraft {
            period_from: "2025-01-01".into(),
            period_to: "2027-12-31".into(),
            reason: "并发".into(),
            items: vec![ItemDraft {
                label: "综合".into(),
                weight: Some(100),
            }],
        }
        .validate()
        .unwrap(),
    }
}

async fn story(store: SqlStore) {
    let records = read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let city = unit(&store, XILINHOT).await;
    let village = unit(&store, YILELT).await;
    let scope = store.system_scope(&city);
    let home = store
        .create_home(
            store.system_scope(&village),
            NewHome {
                unit: village.id,
                fields: HomeDraft {
                    name: "伊利勒特嘎查妇女之家".into(),
                    address: "嘎查党群服务中心".into(),
                    ..Default::default()
                }
                .validate()
                .unwrap(),
                by: None,
                photo: None,
            },
            1,
        )
        .await
        .unwrap()
        .get();
    let who = DemoWho::default();

    // Eight at once: one is written, the others are refused.
    let tries: Vec<_> = (0..8)
        .map(|_| {
            let (store, who, n) = (store.clone(), who.clone(), new(&city, home));
            tokio::spawn(async move { store.create_demonstration(scope, n, &who, 2).await })
        })
        .collect();
    let mut written = Vec::new();
    for t in tries {
        match t.await.unwrap() {
            Ok(id) => written.push(id),
            Err(StoreError::Refused { key, .. }) => assert_eq!(key, Refusal::SiteTaken.key()),
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(
        written.len(),
        1,
        "one standing designation per site and level"
    );
    let listed = store
        .demonstrations_filtered(
            scope,
            &city,
            &DemonstrationFilter::default(),
            time::macros::date!(2026 - 06 - 01),
            jinguo_store::model::Page::new(100, 0),
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(store.demonstration_mismatches().await.unwrap().is_empty());
    let figures = store.demonstration_figures(scope, &city).await.unwrap();
    assert_eq!(figures.counts.get(3, SiteKind::Home), 1);

    // Four evaluations of one year at once: one is written.
    let d = store
        .demonstration_in_scope(scope, written[0])
        .await
        .unwrap();
    let fields = EvaluationDraft {
        year: Some(2025),
        scores: vec![Some(88)],
        note: None,
    }
    .validate(&d.items, d.from, d.to, time::macros::date!(2026 - 06 - 01))
    .unwrap();
    let tries: Vec<_> = (0..4)
        .map(|_| {
            let (store, who, d, f) = (store.clone(), who.clone(), d.clone(), fields.clone());
            tokio::spawn(async move {
                store
                    .evaluate_demonstration(&d, &f, time::macros::date!(2026 - 06 - 01), &who, 3)
                    .await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tries {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Refused { key, .. }) => assert_eq!(key, Refusal::YearTaken.key()),
            Err(StoreError::Conflict("year")) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(ok, 1, "one evaluation per year");
    assert_eq!(store.evaluations_of(&d).await.unwrap().len(), 1);

    // Revoked: the counters go down, and a new designation may follow.
    store
        .revoke_demonstration(&d, "复核撤销", &who, 4)
        .await
        .unwrap();
    assert!(store.demonstration_mismatches().await.unwrap().is_empty());
    let figures = store.demonstration_figures(scope, &city).await.unwrap();
    assert_eq!(figures.counts.total(), 0);
    store
        .create_demonstration(scope, new(&city, home), &who, 5)
        .await
        .unwrap();
    assert!(store.demonstration_mismatches().await.unwrap().is_empty());
    let audit = store.demonstration_audit().await.unwrap();
    assert_eq!(audit.len(), 4, "{audit:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn demonstrations_store_sqlite() {
    story(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn demonstrations_store_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        story(SqlStore::connect(&url).await.unwrap()).await;
    }
}
