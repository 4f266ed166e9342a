//! Key rotation: values sealed with an old key are re-encrypted under the
//! new one, after which the old key can leave the key file; on SQLite and
//! PostgreSQL.

use std::sync::Arc;

use jinguo_domain::household::HouseholdInput;
use jinguo_domain::{Roles, UnitCode, Username};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{NewHousehold, NewUser};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::vault::keys::KeyRing;
use jinguo_store::{
    BUNDLED_DIVISIONS_CSV, CaseStore, HouseholdStore, NeedStore, SqlStore, UnitStore, UserStore,
    Vault,
};

const OLD: &str = "1:000102030405060708090a0b0c0d0e0f";
const NEW: &str = "2:f0e0d0c0b0a090807060504030201000";

fn vault(keys: &str) -> Arc<Vault> {
    Arc::new(Vault::from_keys(KeyRing::parse(keys, "test").unwrap()))
}

async fn rotation(url: String) {
    let store = SqlStore::connect(&url)
        .await
        .unwrap()
        .with_vault(vault(OLD));
    let records = read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let root = store.root_unit().await.unwrap();
    let scope = store.system_scope(&root);
    let village = store
        .unit_by_code(&UnitCode::parse("152502200200").unwrap())
        .await
        .unwrap();
    let by = store
        .create_user(
            store.root_scope().await.unwrap(),
            NewUser {
                username: Username::parse("keeper").unwrap(),
                password_hash: "x".into(),
                unit: village.id,
                roles: Roles::parse_list("cadre").unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let input: HouseholdInput = serde_json::from_value(serde_json::json!({
        "address": "一组 5 号",
        "members": [{"name": "娜仁", "sex": "F", "birth_year": 1985, "relation": "head",
                     "id_number": "150102198503070025", "phone": "13847125678"}],
        "consent": {"given_by": "娜仁", "method": "oral"}
    }))
    .unwrap();
    let household = input.parse(time::macros::date!(2026 - 11 - 29)).unwrap();
    let id = store
        .create_household(
            scope,
            NewHousehold {
                unit: village.id,
                household,
                by,
            },
            1,
        )
        .await
        .unwrap();
    // A need and a case: their modules seal under other table names.
    let need = store
        .create_need(
            scope,
            jinguo_store::model::NewNeed {
                origin: village.id,
                assignee: village.id,
                assignee_user: None,
                household: None,
                visit: None,
                source: jinguo_store::model::NeedSource::Direct,
                category: "legal".into(),
                urgency: jinguo_domain::need::Urgency::Normal,
                description: "离婚财产咨询".into(),
                due_date: None,
                raised_on: time::macros::date!(2026 - 11 - 01),
                by: None,
            },
            1,
        )
        .await
        .unwrap();
    let intake: jinguo_domain::case::IntakeInput = serde_json::from_value(serde_json::json!({
        "source": "walk_in", "type": "other", "urgency": "normal",
        "client": {"name": "娜仁", "sex": "F", "phone": "13847125678"},
        "narrative": "来访咨询", "consent": {"services": true}
    }))
    .unwrap();
    let case = store
        .create_case(
            store.root_scope().await.unwrap(),
            jinguo_store::model::NewCase {
                unit: village.id,
                intake: intake
                    .parse(
                        Some(&jinguo_domain::case::CaseTemplate::default()),
                        time::macros::date!(2026 - 11 - 29),
                    )
                    .unwrap(),
                by,
                team: vec![],
                follow_ups: vec![],
                opened_on: time::macros::date!(2026 - 11 - 29),
                contact_at_intake: true,
                help_request: None,
                household: None,
            },
            1,
        )
        .await
        .unwrap();
    store.close().await;

    // The new key first, the old one kept to decrypt.
    let both = SqlStore::connect(&url)
        .await
        .unwrap()
        .with_vault(vault(&format!("{NEW}\n{OLD}")));
    let counted = both.reseal_all(true).await.unwrap();
    let column = |r: &[((&str, &str), jinguo_store::ColumnReport)], t: &str, c: &str| {
        r.iter()
            .find(|((tt, cc), _)| *tt == t && *cc == c)
            .map(|(_, r)| r.clone())
            .unwrap()
    };
    let phone = column(&counted, "household_members", "phone");
    assert_eq!(phone.by_key.get(&1), Some(&1));
    assert_eq!(phone.resealed, 0, "a dry run changes nothing");
    let done = both.reseal_all(false).await.unwrap();
    assert_eq!(column(&done, "households", "address").resealed, 1);
    assert_eq!(column(&done, "household_members", "id").resealed, 1);
    assert_eq!(column(&done, "needs", "description").resealed, 1);
    assert_eq!(column(&done, "cases", "narrative").resealed, 1);
    assert_eq!(column(&done, "cases", "client_phone").resealed, 1);
    let again = both.reseal_all(false).await.unwrap();
    assert!(again.iter().all(|(_, r)| r.resealed == 0), "{again:?}");
    assert_eq!(
        column(&again, "household_members", "phone").by_key.get(&2),
        Some(&1)
    );
    both.close().await;

    // The old key gone: everything still opens.
    let new_only = SqlStore::connect(&url)
        .await
        .unwrap()
        .with_vault(vault(NEW));
    let view = new_only.household_in_scope(scope, id).await.unwrap();
    assert_eq!(view.address, "一组 5 号");
    let member = view.members[0].id;
    let phone = new_only
        .reveal(scope, id, member, jinguo_store::model::SealedField::Phone)
        .await
        .unwrap();
    assert_eq!(phone, "13847125678");
    let n = new_only.need_in_scope(scope, need).await.unwrap();
    assert_eq!(n.description, "离婚财产咨询");
    let c = new_only
        .case_view(
            &new_only.system_open_case(case).await.unwrap(),
            time::macros::date!(2026 - 11 - 29),
        )
        .await
        .unwrap();
    assert_eq!(
        (c.client.name.as_str(), c.narrative.as_str()),
        ("娜仁", "来访咨询")
    );
    // And with only the old key, nothing opens any more.
    let old_only = SqlStore::connect(&url)
        .await
        .unwrap()
        .with_vault(vault(OLD));
    assert!(old_only.household_in_scope(scope, id).await.is_err());
    assert!(
        old_only
            .case_view(
                &old_only.system_open_case(case).await.unwrap(),
                time::macros::date!(2026 - 11 - 29)
            )
            .await
            .is_err(),
        "a case's sealed fields do not open under a retired key alone"
    );
}

#[tokio::test]
async fn rotation_sqlite() {
    rotation(fresh_sqlite_url()).await;
}

#[tokio::test]
async fn rotation_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        rotation(url).await;
    }
}
