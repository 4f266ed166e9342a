//! Roles stored as rows of `user_roles` (migration 0014): written with the
//! user, read back whole, and matched by role — on SQLite and on PostgreSQL.

use jinguo_domain::{Role, Roles, UnitCode, UserId, Username};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{NewUser, Page};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url, scalar};
use jinguo_store::{BUNDLED_DIVISIONS_CSV, CaseStore, SqlStore, StoreError, UnitStore, UserStore};

/// The region, the Xilingol league and the Xilinhot banner.
fn subset() -> String {
    let mut out = String::from("code,name,parent_code,level\n");
    for line in BUNDLED_DIVISIONS_CSV.lines().skip(1) {
        let code = &line[..12];
        if ["150000000000", "152500000000", "152502000000"].contains(&code) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

async fn add(store: &SqlStore, name: &str, unit: &str, roles: &[Role]) -> UserId {
    let unit = store.unit_by_code(&code(unit)).await.unwrap();
    store
        .create_user(
            store.root_scope().await.unwrap(),
            NewUser {
                username: Username::parse(name).unwrap(),
                password_hash: "x".into(),
                unit: unit.id,
                roles: Roles::new(roles.to_vec()).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap()
}

async fn role_rows(store: &SqlStore, user: UserId) -> i64 {
    scalar(
        store,
        &format!(
            "SELECT COUNT(*) FROM user_roles WHERE user_id = {}",
            user.get()
        ),
    )
    .await
    .unwrap()
}

async fn story(store: SqlStore) {
    let records = read_division_csv(subset().as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let region = store.root_unit().await.unwrap();
    let banner = store.unit_by_code(&code("152502000000")).await.unwrap();

    // Two roles: two rows, read back as the same set by every reader.
    let both = add(
        &store,
        "both",
        "152500000000",
        &[Role::Caseworker, Role::Admin],
    )
    .await;
    let cadre = add(&store, "cadre", "152500000000", &[Role::Cadre]).await;
    let far = add(&store, "far", "152502000000", &[Role::Auditor]).await;
    assert_eq!(role_rows(&store, both).await, 2);
    assert_eq!(role_rows(&store, cadre).await, 1);
    let u = store.user_by_id(both).await.unwrap();
    assert_eq!(u.roles.to_list(), "admin,caseworker");
    let c = store.credentials("both").await.unwrap();
    assert_eq!(c.user.roles, u.roles);
    let scope = store.system_scope(&region);
    assert_eq!(
        store.user_in_scope(scope, both).await.unwrap().roles,
        u.roles
    );
    let listed = store
        .users_under(
            scope,
            region.id,
            Page {
                limit: 50,
                offset: 0,
            },
        )
        .await
        .unwrap();
    let lists: Vec<(String, String)> = listed
        .iter()
        .map(|u| (u.username.clone(), u.roles.to_list()))
        .collect();
    assert_eq!(
        lists,
        [
            ("both".to_owned(), "admin,caseworker".to_owned()),
            ("cadre".to_owned(), "cadre".to_owned()),
            ("far".to_owned(), "auditor".to_owned()),
        ]
    );
    let all = store.all_users().await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        all.iter().find(|u| u.id == far).unwrap().roles.to_list(),
        "auditor"
    );

    // The caseworker lookup finds `admin,caseworker` and not `cadre`.
    let over: Vec<String> = store
        .caseworkers_over(banner.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.username)
        .collect();
    assert_eq!(over, ["both"]);
    store
        .set_active(&store.system_user(both).await.unwrap(), false)
        .await
        .unwrap();
    assert!(store.caseworkers_over(banner.id).await.unwrap().is_empty());

    // A taken username writes neither the user nor any role row.
    let before = scalar(&store, "SELECT COUNT(*) FROM user_roles").await;
    let err = store
        .create_user(
            store.root_scope().await.unwrap(),
            NewUser {
                username: Username::parse("cadre").unwrap(),
                password_hash: "x".into(),
                unit: banner.id,
                roles: Roles::new(vec![Role::Caseworker]).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict("username")), "{err:?}");
    assert_eq!(
        scalar(&store, "SELECT COUNT(*) FROM user_roles").await,
        before
    );
}

#[tokio::test]
async fn user_roles_on_sqlite() {
    story(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test]
async fn user_roles_on_postgres() {
    match fresh_postgres().await {
        PostgresTarget::Fresh(url) => story(SqlStore::connect(&url).await.unwrap()).await,
        PostgresTarget::Skipped => {}
    }
}
