//! One story through the store, run on SQLite and on PostgreSQL.

use jinguo_domain::{Level, Roles, UnitCode, Username};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{NewAudit, NewSector, NewUser, Page};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::{AuditStore, BUNDLED_DIVISIONS_CSV, SqlStore, StoreError, UnitStore, UserStore};

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

async fn story(store: SqlStore) {
    // Import of the bundled list.
    let records =
        read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).expect("bundled list is valid");
    assert_eq!(records.len(), 15_938);
    let s = store.import_divisions(&records).await.unwrap();
    assert_eq!((s.added, s.updated, s.retired), (15_938, 0, 0));
    assert_eq!(
        store.unit_counts().await.unwrap(),
        [1, 12, 108, 1_225, 14_592]
    );

    // A second import of the same list changes nothing.
    let s = store.import_divisions(&records).await.unwrap();
    assert_eq!(
        (s.added, s.updated, s.retired, s.unchanged),
        (0, 0, 0, 15_938)
    );

    // The bundled list with its Mongolian names, over a tree imported
    // without them: exactly the named units are updated; again, nothing; a
    // list without names keeps them.
    let named = jinguo_store::csv_import::bundled_divisions();
    let n = named.iter().filter(|r| r.name_mn.is_some()).count() as u64;
    assert!(n > 0);
    let s = store.import_divisions(&named).await.unwrap();
    assert_eq!((s.added, s.updated, s.retired), (0, n, 0));
    let s = store.import_divisions(&named).await.unwrap();
    assert_eq!((s.updated, s.unchanged), (0, 15_938));
    let s = store.import_divisions(&records).await.unwrap();
    assert_eq!(s.updated, 0);
    let league = store.unit_by_code(&code("152500000000")).await.unwrap();
    assert!(league.name_mn.is_some_and(|n| n.contains('ᠰ')));
    assert_eq!(store.unit_names_mn().await.unwrap().len() as u64, n);

    // Paths and children.
    let village = store.unit_by_code(&code("152502200200")).await.unwrap();
    assert_eq!(village.level, Level::VILLAGE);
    let path: Vec<String> = store
        .path(&village)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(
        path,
        [
            "内蒙古自治区",
            "锡林郭勒盟",
            "锡林浩特市",
            "宝力根苏木",
            "伊利勒特嘎查"
        ]
    );
    let region = store.root_unit().await.unwrap();
    assert_eq!(store.children(region.id).await.unwrap().len(), 12);
    assert_eq!(region.children_count, 12);

    // Search by name prefix and by code, with paths.
    let hits = store.search_units("伊利勒特", None, 20).await.unwrap();
    assert!(
        hits.iter()
            .any(|h| h.unit.code.as_str() == "152502200200" && h.path.len() == 5)
    );
    let hits = store.search_units("1525022002", None, 20).await.unwrap();
    assert!(
        hits.iter()
            .all(|h| h.unit.code.as_str().starts_with("1525022002"))
    );
    assert!(!hits.is_empty());
    assert!(
        store.search_units("%", None, 20).await.unwrap().is_empty(),
        "wildcards match literally"
    );

    // Search within a subtree only.
    let banner = store.unit_by_code(&code("152502000000")).await.unwrap();
    let hits = store
        .search_units("15250", Some(store.system_scope(&banner)), 100)
        .await
        .unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| h.unit.code.as_str().starts_with("152502"))
    );

    // Users and scope.
    let township = store.unit_by_code(&code("152502200000")).await.unwrap();
    let sibling = store.unit_by_code(&code("152502200201")).await.unwrap();
    let uid = store
        .create_user(
            store.root_scope().await.unwrap(),
            NewUser {
                username: Username::parse("yilelt").unwrap(),
                password_hash: "x".into(),
                unit: village.id,
                roles: Roles::parse_list("admin").unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let dup = store
        .create_user(
            store.root_scope().await.unwrap(),
            NewUser {
                username: Username::parse("yilelt").unwrap(),
                password_hash: "x".into(),
                unit: village.id,
                roles: Roles::parse_list("cadre").unwrap(),
                must_change_password: false,
            },
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict("username"))));
    let township_scope = store.system_scope(&township);
    let sibling_scope = store.system_scope(&sibling);
    assert_eq!(
        store
            .users_under(township_scope, township.id, Page::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store.user_in_scope(township_scope, uid).await.is_ok());
    assert!(matches!(
        store.user_in_scope(sibling_scope, uid).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .users_under(sibling_scope, village.id, Page::default())
            .await,
        Err(StoreError::NotFound)
    ));

    // Lockout counts in the database.
    for i in 1..=5 {
        let locked = store.record_login_failure(uid, 5, 9_999).await.unwrap();
        assert_eq!(locked, i == 5);
    }
    assert_eq!(
        store.user_by_id(uid).await.unwrap().locked_until,
        Some(9_999)
    );
    store.record_login_success(uid).await.unwrap();
    assert_eq!(store.user_by_id(uid).await.unwrap().locked_until, None);

    // Audit is scoped by the event's unit and append-only.
    store
        .append_audit(NewAudit {
            at: 1,
            actor: None,
            action: "login",
            detail: "ok".into(),
            ip: None,
            unit: village.id,
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .audit_in_scope(township_scope, &Default::default(), Page::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .audit_in_scope(sibling_scope, &Default::default(), Page::default())
            .await
            .unwrap()
            .is_empty()
    );

    // Sector organisations hang under a unit of the scope.
    let banner = store.unit_by_code(&code("152502000000")).await.unwrap();
    let banner_scope = store.system_scope(&banner);
    let sector = store
        .create_sector(
            banner_scope,
            NewSector {
                parent: banner.id,
                name: "锡林浩特市快递行业妇联".into(),
                name_mn: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(sector.code.as_str(), "152502000000-S01");
    assert_eq!(sector.level, Level::TOWNSHIP);
    assert!(banner_scope.contains(&sector.ancestors));
    assert!(matches!(
        store
            .create_sector(
                township_scope,
                NewSector {
                    parent: banner.id,
                    name: "x".into(),
                    name_mn: None
                }
            )
            .await,
        Err(StoreError::NotFound)
    ));

    // A newer list: a renamed village, a new one, and a retired one. The
    // retired village keeps its user.
    let mut newer: Vec<_> = records
        .iter()
        .filter(|r| r.code.as_str() != "152502200200")
        .cloned()
        .collect();
    for r in newer
        .iter_mut()
        .filter(|r| r.code.as_str() == "152502200201")
    {
        r.name = "哈那乌拉嘎查（新）".into();
    }
    let mut added = newer
        .iter()
        .find(|r| r.code.as_str() == "152502200201")
        .unwrap()
        .clone();
    added.code = code("152502200299");
    added.name = "新设嘎查".into();
    newer.push(added);
    let s = store.import_divisions(&newer).await.unwrap();
    assert_eq!((s.added, s.updated, s.retired), (1, 1, 1));
    let retired = store.unit_by_code(&code("152502200200")).await.unwrap();
    assert!(!retired.active);
    assert_eq!(
        store.user_by_id(uid).await.unwrap().unit.code.as_str(),
        "152502200200"
    );
    assert_eq!(store.unit_counts().await.unwrap()[4], 14_592);
    let sector_again = store.unit_by_code(&sector.code).await.unwrap();
    assert!(
        sector_again.active,
        "sector units are not in the official list and stay"
    );
}

#[tokio::test]
async fn story_on_sqlite() {
    story(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test]
async fn story_on_postgres() {
    match fresh_postgres().await {
        PostgresTarget::Fresh(url) => story(SqlStore::connect(&url).await.unwrap()).await,
        PostgresTarget::Skipped => {}
    }
}
