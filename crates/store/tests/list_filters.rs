//! The filtered list queries (issue 14 item 6) at the store, on SQLite and
//! on PostgreSQL: the ledger walked page by page with the (date, id)
//! cursor across days with many rows, a cursor outside the period, title
//! search in either language with `%` and `_` matching themselves; the
//! user list by text, role, state and id cursor.

use jinguo_domain::{ActivityFields, Month, Role, Roles, UnitCode, Username};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{ActivityFilter, NewActivity, NewUser, UserFilter};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::{ActivityStore, BUNDLED_DIVISIONS_CSV, SqlStore, UnitStore, UserStore};
use time::macros::date;

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

fn activity(unit: jinguo_domain::UnitId, date: time::Date, title: &str) -> NewActivity {
    NewActivity {
        unit,
        fields: ActivityFields {
            date,
            type_key: "lecture".into(),
            program_key: None,
            title: title.into(),
            title_mn: Some(format!("ᠰᠤᠷᠭᠠᠯ {title}")),
            place: None,
            participants: 10,
            women: 5,
            summary: None,
        },
        by: None,
    }
}

async fn story(store: SqlStore) {
    let records = read_division_csv(subset().as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let region = store.root_unit().await.unwrap();
    let banner = store
        .unit_by_code(&UnitCode::parse("152502000000").unwrap())
        .await
        .unwrap();
    let scope = store.system_scope(&region);

    // Seven on 3 March, five on 2 March, one on 1 March, one in April.
    let mut rows = Vec::new();
    for i in 0..7 {
        rows.push(activity(
            banner.id,
            date!(2026 - 03 - 03),
            &format!("宣讲{i}"),
        ));
    }
    for i in 0..5 {
        rows.push(activity(
            banner.id,
            date!(2026 - 03 - 02),
            &format!("培训{i}"),
        ));
    }
    rows.push(activity(banner.id, date!(2026 - 03 - 01), "三八节 100%"));
    rows.push(activity(banner.id, date!(2026 - 04 - 01), "四月"));
    store.bulk_insert_activities(&rows, 1).await.unwrap();
    let march = ActivityFilter {
        from: Month::new(2026, 3).unwrap(),
        to: Month::new(2026, 3).unwrap(),
        text: None,
        type_key: None,
        program_key: None,
        before: None,
    };
    let all = store
        .activities_filtered(scope, &region, &march, 100)
        .await
        .unwrap();
    assert_eq!(all.len(), 13, "March only");
    let key = |a: &jinguo_store::model::Activity| (a.fields.date, a.id.get());
    assert!(
        all.windows(2).all(|w| key(&w[0]) > key(&w[1])),
        "date, then id, descending"
    );
    // Pages of three: every row once, in order, pages ending inside days.
    let mut walked = Vec::new();
    let mut before = None;
    for _ in 0..10 {
        let page = store
            .activities_filtered(
                scope,
                &banner,
                &ActivityFilter {
                    before,
                    ..march.clone()
                },
                3,
            )
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        before = page.last().map(key);
        walked.extend(page.iter().map(key));
    }
    assert_eq!(walked, all.iter().map(key).collect::<Vec<_>>());
    // A cursor after the period starts at its top; one before it, nothing.
    let later = ActivityFilter {
        before: Some((date!(2026 - 05 - 01), 1)),
        ..march.clone()
    };
    let page = store
        .activities_filtered(scope, &region, &later, 100)
        .await
        .unwrap();
    assert_eq!(page.len(), 13);
    let earlier = ActivityFilter {
        before: Some((date!(2026 - 02 - 01), i64::MAX)),
        ..march.clone()
    };
    assert!(
        store
            .activities_filtered(scope, &region, &earlier, 100)
            .await
            .unwrap()
            .is_empty()
    );
    // Title in either language; `%` and `_` are themselves.
    let find = |text: &str| ActivityFilter {
        text: Some(text.into()),
        ..march.clone()
    };
    for (text, n) in [
        ("宣讲", 7),
        ("ᠰᠤᠷᠭᠠᠯ", 13),
        ("100%", 1),
        ("0%", 1),
        ("%", 1),
        ("_", 0),
    ] {
        let got = store
            .activities_filtered(scope, &region, &find(text), 100)
            .await
            .unwrap();
        assert_eq!(got.len(), n, "{text}");
    }
    let lecture = ActivityFilter {
        type_key: Some("lecture".into()),
        program_key: Some("happy_family".into()),
        ..march.clone()
    };
    assert!(
        store
            .activities_filtered(scope, &region, &lecture, 100)
            .await
            .unwrap()
            .is_empty()
    );

    // Users: text in username, name or position, any case; role; state.
    let mut ids = Vec::new();
    for (name, roles) in [
        ("wuyun", vec![Role::Cadre]),
        ("saran_a", vec![Role::Admin]),
        ("saranxa", vec![Role::Cadre, Role::Caseworker]),
    ] {
        ids.push(
            store
                .create_user(
                    store.root_scope().await.unwrap(),
                    NewUser {
                        username: Username::parse(name).unwrap(),
                        password_hash: "x".into(),
                        unit: banner.id,
                        roles: Roles::new(roles).unwrap(),
                        must_change_password: false,
                    },
                )
                .await
                .unwrap(),
        );
    }
    let users = |f: UserFilter| {
        let store = &store;
        let region = &region;
        async move {
            store
                .users_filtered(scope, region, &f, 100)
                .await
                .unwrap()
                .into_iter()
                .map(|u| u.username)
                .collect::<Vec<_>>()
        }
    };
    let text = |t: &str| UserFilter {
        text: Some(t.into()),
        ..Default::default()
    };
    assert_eq!(
        users(text("SARAN")).await,
        ["saranxa", "saran_a"],
        "newest first, any case"
    );
    assert_eq!(users(text("n_")).await, ["saran_a"], "`_` is itself");
    let caseworkers = UserFilter {
        role: Some(Role::Caseworker),
        ..Default::default()
    };
    assert_eq!(users(caseworkers).await, ["saranxa"]);
    let disabled = UserFilter {
        active: Some(false),
        ..Default::default()
    };
    assert!(users(disabled).await.is_empty());
    let older = UserFilter {
        before: Some(ids[2].get()),
        ..Default::default()
    };
    assert_eq!(users(older).await, ["saran_a", "wuyun"]);
}

#[tokio::test]
async fn list_filters_on_sqlite() {
    story(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test]
async fn list_filters_on_postgres() {
    match fresh_postgres().await {
        PostgresTarget::Fresh(url) => story(SqlStore::connect(&url).await.unwrap()).await,
        PostgresTarget::Skipped => {}
    }
}
