//! Women's Homes through the store, on SQLite and on PostgreSQL: coverage
//! counters after creates, moves and status changes equal a recount; scope;
//! the public list of homes near a place.

use jinguo_domain::UnitCode;
use jinguo_domain::home::{HomeDraft, HomeFields, HomeStatus};
use jinguo_store::Scope;
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::homes::{CoverageCounts, NewHome};
use jinguo_store::model::{NewSector, Page, Unit};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::{BUNDLED_DIVISIONS_CSV, HomeStore, SqlStore, StoreError, UnitStore};

const BAOLIGEN: &str = "152502200000";
const YILELT: &str = "152502200200";
const HANAULA: &str = "152502200201";
/// A township of the same banner with no homes.
const CHAOKE_VILLAGE: &str = "152502201001";
const BAOTOU: &str = "150200000000";
const BAOTOU_VILLAGE: &str = "150202100200";

fn fields(name: &str, status: HomeStatus) -> HomeFields {
    let mut f = HomeDraft {
        name: name.into(),
        address: "嘎查党群服务中心".into(),
        hours: Some("9:00-17:00".into()),
        phone: Some("0479-8221234".into()),
        facilities: vec!["activity_room".into()],
        ..Default::default()
    }
    .validate()
    .unwrap();
    f.status = status;
    f
}

async fn unit(store: &SqlStore, code: &str) -> Unit {
    store
        .unit_by_code(&UnitCode::parse(code).unwrap())
        .await
        .unwrap()
}

async fn counts(store: &SqlStore, scope: Scope, u: &Unit) -> CoverageCounts {
    store.home_coverage(scope, u).await.unwrap().counts
}

async fn recount_ok(store: &SqlStore, step: &str) {
    let m = store.homes_mismatches().await.unwrap();
    assert!(m.is_empty(), "{step}: {m:#?}");
}

async fn story(store: SqlStore) {
    let records = read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let region = store.root_unit().await.unwrap();
    let all = store.system_scope(&region);
    let township = unit(&store, BAOLIGEN).await;
    let yilelt = unit(&store, YILELT).await;
    let hanaula = unit(&store, HANAULA).await;
    let baotou = unit(&store, BAOTOU).await;
    let baotou_village = unit(&store, BAOTOU_VILLAGE).await;
    let township_scope = store.system_scope(&township);
    let baotou_scope = store.system_scope(&baotou);
    let villages_here = counts(&store, all, &township).await.villages;
    assert!(villages_here >= 2, "the township has villages");
    assert_eq!(counts(&store, all, &region).await.villages, 14_592);

    let new = |u: &Unit, name: &str, status| NewHome {
        unit: u.id,
        fields: fields(name, status),
        by: None,
        photo: None,
    };
    // Two homes in one village cover it once.
    let a = store
        .create_home(
            township_scope,
            new(&yilelt, "伊勒勒特妇女之家", HomeStatus::Active),
            10,
        )
        .await
        .unwrap();
    let b = store
        .create_home(
            township_scope,
            new(&yilelt, "伊勒勒特第二妇女之家", HomeStatus::Active),
            11,
        )
        .await
        .unwrap();
    let c = counts(&store, all, &township).await;
    assert_eq!((c.active_homes, c.covered_villages), (2, 1));
    recount_ok(&store, "two homes in one village").await;

    // A suspended home covers nothing until it opens.
    let h = store
        .create_home(
            all,
            new(&hanaula, "哈那乌拉妇女之家", HomeStatus::Suspended),
            12,
        )
        .await
        .unwrap();
    assert_eq!(counts(&store, all, &township).await.covered_villages, 1);
    store
        .update_home(
            all,
            h,
            hanaula.id,
            fields("哈那乌拉妇女之家", HomeStatus::Active),
            13,
        )
        .await
        .unwrap();
    let c = counts(&store, all, &township).await;
    assert_eq!((c.active_homes, c.covered_villages), (3, 2));
    recount_ok(&store, "opened").await;

    // A sector organisation's home is a home, not village coverage.
    let sector = store
        .create_sector(
            all,
            NewSector {
                parent: township.id,
                name: "某合作社妇联".into(),
                name_mn: None,
            },
        )
        .await
        .unwrap();
    store
        .create_home(all, new(&sector, "合作社妇女之家", HomeStatus::Active), 14)
        .await
        .unwrap();
    let c = counts(&store, all, &township).await;
    assert_eq!((c.active_homes, c.covered_villages), (4, 2));
    recount_ok(&store, "sector home").await;

    // Moving one of two homes keeps the village covered; moving the last
    // one away uncovers it. The move goes to another league.
    store
        .update_home(
            all,
            a,
            hanaula.id,
            fields("伊勒勒特妇女之家", HomeStatus::Active),
            15,
        )
        .await
        .unwrap();
    assert_eq!(counts(&store, all, &township).await.covered_villages, 2);
    store
        .update_home(
            all,
            b,
            baotou_village.id,
            fields("迁走的妇女之家", HomeStatus::Active),
            16,
        )
        .await
        .unwrap();
    let c = counts(&store, all, &township).await;
    assert_eq!((c.active_homes, c.covered_villages), (3, 1));
    let c = counts(&store, all, &baotou).await;
    assert_eq!((c.active_homes, c.covered_villages), (1, 1));
    recount_ok(&store, "moves").await;

    // Closing and reopening in place.
    store
        .update_home(
            all,
            h,
            hanaula.id,
            fields("哈那乌拉妇女之家", HomeStatus::Closed),
            17,
        )
        .await
        .unwrap();
    store
        .update_home(
            all,
            a,
            hanaula.id,
            fields("伊勒勒特妇女之家", HomeStatus::Suspended),
            18,
        )
        .await
        .unwrap();
    let c = counts(&store, all, &township).await;
    assert_eq!((c.active_homes, c.covered_villages), (1, 0));
    store
        .update_home(
            all,
            a,
            hanaula.id,
            fields("伊勒勒特妇女之家", HomeStatus::Active),
            19,
        )
        .await
        .unwrap();
    let c = counts(&store, all, &township).await;
    assert_eq!((c.active_homes, c.covered_villages), (2, 1));
    recount_ok(&store, "status changes").await;

    // The region's children add up to the region.
    let cov = store.home_coverage(all, &region).await.unwrap();
    let sum = cov.children.iter().fold((0, 0, 0), |acc, (_, c)| {
        (
            acc.0 + c.active_homes,
            acc.1 + c.villages,
            acc.2 + c.covered_villages,
        )
    });
    assert_eq!(
        sum,
        (
            cov.counts.active_homes,
            cov.counts.villages,
            cov.counts.covered_villages
        )
    );
    assert_eq!(cov.counts.active_homes, 3);
    let village_cov = store.home_coverage(all, &hanaula).await.unwrap();
    assert_eq!(village_cov.counts.villages, 1);
    assert_eq!(village_cov.counts.coverage_pct(), Some(100.0));
    assert!(village_cov.children.is_empty());

    // Scope: another league sees none of it, and cannot move a home in.
    assert!(matches!(
        store.home_in_scope(baotou_scope, a).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .create_home(baotou_scope, new(&yilelt, "越权", HomeStatus::Active), 20)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .update_home(
                township_scope,
                a,
                baotou_village.id,
                fields("越权", HomeStatus::Active),
                20
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.home_coverage(baotou_scope, &township).await,
        Err(StoreError::NotFound)
    ));
    recount_ok(&store, "refused writes").await;

    // Lists: status filter and paging, within the subtree only.
    let listed = store
        .homes_under(township_scope, &township, None, Page::default())
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    let closed = store
        .homes_under(
            township_scope,
            &township,
            Some(HomeStatus::Closed),
            Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].id, h);
    let page2 = store
        .homes_under(township_scope, &township, None, Page::new(2, 2))
        .await
        .unwrap();
    assert_eq!(page2.len(), 1);

    // The public list: active homes of the township only; a place in a
    // township without homes falls back to its banner.
    let near = store.homes_near(&yilelt, 20).await.unwrap();
    let mut names: Vec<&str> = near.iter().map(|p| p.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["伊勒勒特妇女之家", "合作社妇女之家"]);
    assert_eq!(near[0].phone.as_deref(), Some("0479-8221234"));
    let elsewhere = unit(&store, CHAOKE_VILLAGE).await;
    let near = store.homes_near(&elsewhere, 20).await.unwrap();
    assert_eq!(near.len(), 2, "the banner's homes");
    let near = store.homes_near(&baotou, 20).await.unwrap();
    assert_eq!(near.len(), 1);
    assert_eq!(near[0].name, "迁走的妇女之家");
    assert_eq!(store.homes_near(&baotou, 20).await.unwrap().len(), 1);

    // Photos: set, replace (the old one comes back), remove.
    let p = |n: &str| jinguo_store::homes::HomePhoto {
        storage_name: n.into(),
        content_type: "image/png".into(),
    };
    let first = "0123456789abcdef0123456789abcdef";
    let second = "fedcba9876543210fedcba9876543210";
    assert_eq!(
        store
            .set_home_photo(all, a, Some(p(first)), 30)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .set_home_photo(all, a, Some(p(second)), 31)
            .await
            .unwrap(),
        Some(p(first))
    );
    assert_eq!(
        store.home_in_scope(all, a).await.unwrap().photo,
        Some(p(second))
    );
    assert!(matches!(
        store.set_home_photo(baotou_scope, a, None, 32).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.set_home_photo(all, a, None, 32).await.unwrap(),
        Some(p(second))
    );
    recount_ok(&store, "end").await;
}

#[tokio::test]
async fn homes_story_sqlite() {
    story(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test]
async fn homes_story_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        story(SqlStore::connect(&url).await.unwrap()).await;
    }
}
