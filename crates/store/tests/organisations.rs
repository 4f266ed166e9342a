//! Organisations through the store, on SQLite and on PostgreSQL: a village
//! federation with its committee, the refusals that change nothing, an
//! election replacing the committee, coverage from the counters, overdue
//! terms told to the unit above, sealed names, and a seeded random
//! sequence of creations and elections after which every counter equals a
//! recount.

use std::sync::Arc;

use jinguo_domain::UnitCode;
use jinguo_domain::organisation::{ElectionDraft, MemberDraft, OrgDraft};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{Page, Unit};
use jinguo_store::organisations::{NewElection, NewOrganisation};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url, scalar};
use jinguo_store::vault::keys::KeyRing;
use jinguo_store::{
    BUNDLED_DIVISIONS_CSV, OrganisationStore, SqlStore, StoreError, UnitStore, Vault,
};
use time::Date;
use time::macros::date;

const XILINHOT: &str = "152502000000";
const ERENHOT: &str = "152501000000";
const BAOLIGEN: &str = "152502200000";
const YILELT: &str = "152502200200";
const HANAULA: &str = "152502200201";

const TODAY: Date = date!(2026 - 12 - 01);

async fn unit(store: &SqlStore, code: &str) -> Unit {
    store
        .unit_by_code(&UnitCode::parse(code).unwrap())
        .await
        .unwrap()
}

fn member(role: &str, name: &str, eth: &str, born: i32, on_vc: bool) -> MemberDraft {
    MemberDraft {
        role: role.into(),
        name: name.into(),
        sex: "F".into(),
        ethnicity: eth.into(),
        birth_year: Some(born),
        education: "college".into(),
        political: "cpc_member".into(),
        phone: Some("13800000001".into()),
        full_time: false,
        on_village_committee: on_vc,
    }
}

fn seven(chair_on_vc: bool) -> Vec<MemberDraft> {
    let mut m = vec![member("chair", "乌云其其格", "mongol", 1980, chair_on_vc)];
    m.push(member("vice_chair", "王丽", "han", 1990, false));
    for (i, born) in [1960, 1970, 1985, 1995, 2000].into_iter().enumerate() {
        m.push(member("member", &format!("执委{i}"), "mongol", born, false));
    }
    m
}

fn new_org(u: &Unit, members: Vec<MemberDraft>, term_start: &str) -> NewOrganisation {
    let v = OrgDraft {
        name: format!("{}妇联", u.name),
        kind: String::new(),
        field: None,
        established_on: "2015-03-08".into(),
        term_start: term_start.into(),
        term_years: Some(5),
        next_election_due: None,
        members,
    }
    .parse(u.level, u.kind, TODAY)
    .unwrap();
    NewOrganisation {
        unit: u.id,
        fields: v.fields,
        term: v.term,
        committee: v.committee,
        by: None,
    }
}

fn refused(r: Result<impl std::fmt::Debug, StoreError>, key: &str) {
    match r {
        Err(StoreError::Refused { key: k, .. }) => assert_eq!(k, key),
        other => panic!("expected refusal {key}, got {other:?}"),
    }
}

async fn count(store: &SqlStore, table: &str) -> i64 {
    scalar(store, &format!("SELECT COUNT(*) FROM {table}"))
        .await
        .unwrap()
}

async fn story(store: SqlStore) {
    let records = read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let (city, township, yilelt, hanaula) = (
        unit(&store, XILINHOT).await,
        unit(&store, BAOLIGEN).await,
        unit(&store, YILELT).await,
        unit(&store, HANAULA).await,
    );
    let city_s = store.system_scope(&city);
    let township_s = store.system_scope(&township);
    let hanaula_s = store.system_scope(&hanaula);
    let sibling_s = store.system_scope(&unit(&store, ERENHOT).await);

    // The village's federation, with a 7-person committee.
    let id = store
        .create_organisation(township_s, new_org(&yilelt, seven(true), "2021-06-01"), 10)
        .await
        .unwrap();
    let org = store.organisation_in_scope(city_s, id).await.unwrap();
    assert_eq!(org.members, 7);
    assert!(org.complete);
    assert_eq!(org.term.due(), date!(2026 - 06 - 01));
    let committee = store.committee(&org).await.unwrap();
    assert_eq!(committee.len(), 7);
    assert_eq!(committee[0].name, "乌云其其格");
    assert_eq!(committee[0].phone_masked.as_deref(), Some("138****0001"));

    // Names are sealed, never stored in the clear.
    let sealed = store.committee_sealed_names(id).await.unwrap();
    assert_eq!(sealed.len(), 7);
    assert!(
        sealed
            .iter()
            .all(|s| s.as_deref().is_some_and(|s| !s.contains("乌云")))
    );

    // Refusals change nothing: a second organisation for the unit, a kind
    // that does not fit, a unit outside the scope.
    let before = (
        count(&store, "organisations").await,
        count(&store, "committee_members").await,
    );
    refused(
        store
            .create_organisation(township_s, new_org(&yilelt, seven(false), "2022-01-01"), 11)
            .await,
        "err.org.exists",
    );
    let mut township_org = new_org(&yilelt, seven(false), "2022-01-01");
    township_org.unit = township.id;
    refused(
        store.create_organisation(city_s, township_org, 11).await,
        "err.org.kind_unit",
    );
    assert!(matches!(
        store
            .create_organisation(hanaula_s, new_org(&yilelt, seven(false), "2022-01-01"), 11)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.organisation_in_scope(sibling_s, id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.organisation_in_scope(hanaula_s, id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        before,
        (
            count(&store, "organisations").await,
            count(&store, "committee_members").await
        )
    );

    // A second village with an incomplete committee whose chair is not on
    // the village committee.
    let small = vec![
        member("chair", "其其格", "han", 1975, false),
        member("member", "娜仁", "mongol", 1999, false),
    ];
    let id2 = store
        .create_organisation(township_s, new_org(&hanaula, small, "2024-01-01"), 12)
        .await
        .unwrap();

    // Coverage of the township and of the city, from the counters.
    let cov = store
        .organisation_coverage(township_s, &township, TODAY)
        .await
        .unwrap();
    let c = &cov.counts;
    assert_eq!(c.organisations, 2);
    assert_eq!(c.village_organisations, 2);
    assert!(c.villages >= 2);
    assert_eq!(c.complete_committees, 1);
    assert_eq!(c.members, 9);
    assert_eq!(c.village_chairs, 2);
    assert_eq!(c.village_chairs_on_committee, 1);
    assert_eq!(c.chairs_on_committee_pct(), Some(50.0));
    assert_eq!(c.by_ethnicity["mongol"], 7);
    assert_eq!(c.by_ethnicity["han"], 2);
    assert_eq!(c.by_ethnicity["daur"], 0);
    assert_eq!(c.by_age_band["up_to_35"], 3); // 1995, 1999, 2000
    assert_eq!(c.by_age_band["over_55"], 2); // 1960, 1970
    // Yilelt's term was due on 2026-06-01.
    assert_eq!(c.overdue_terms, 1);
    let y = cov
        .children
        .iter()
        .find(|(u, _)| u.id == yilelt.id)
        .unwrap();
    assert_eq!(
        (y.1.organisations, y.1.villages, y.1.overdue_terms),
        (1, 1, 1)
    );
    let h = cov
        .children
        .iter()
        .find(|(u, _)| u.id == hanaula.id)
        .unwrap();
    assert_eq!(
        (
            h.1.organisations,
            h.1.overdue_terms,
            h.1.complete_committees
        ),
        (1, 0, 0)
    );
    let city_cov = store
        .organisation_coverage(city_s, &city, TODAY)
        .await
        .unwrap();
    assert_eq!(city_cov.counts.organisations, 2);
    let b = city_cov
        .children
        .iter()
        .find(|(u, _)| u.id == township.id)
        .unwrap();
    assert_eq!(b.1.members, 9);
    assert!(matches!(
        store
            .organisation_coverage(hanaula_s, &township, TODAY)
            .await,
        Err(StoreError::NotFound)
    ));
    let overdue = store
        .organisations_under(city_s, &city, Some(TODAY), Page::new(50, 0))
        .await
        .unwrap();
    assert_eq!(overdue.iter().map(|o| o.id).collect::<Vec<_>>(), vec![id]);

    // The overdue term is told to the township, once.
    assert_eq!(store.add_term_notices(TODAY, 20).await.unwrap(), 1);
    assert_eq!(store.add_term_notices(TODAY, 21).await.unwrap(), 0);
    let notices = store
        .term_notices(township_s, &township, Page::new(50, 0))
        .await
        .unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].organisation, id);
    assert!(notices[0].still_overdue);
    assert!(
        store
            .term_notices(city_s, &city, Page::new(50, 0))
            .await
            .unwrap()
            .is_empty()
    );

    // The election (换届): a new committee of five, the chair not on the
    // village committee; the counters follow in the same transaction.
    let mut new_members = seven(false);
    new_members.truncate(5);
    let fields = ElectionDraft {
        held_on: "2026-11-20".into(),
        term_years: Some(5),
        next_election_due: None,
        note: Some("按期换届".into()),
        members: new_members,
    }
    .parse(org.term.start(), TODAY)
    .unwrap();
    let e = store
        .record_election(
            &org,
            NewElection {
                fields: fields.clone(),
                by: None,
            },
            30,
        )
        .await
        .unwrap();
    // The organisation as read before the election is stale now.
    assert!(matches!(
        store
            .record_election(&org, NewElection { fields, by: None }, 31)
            .await,
        Err(StoreError::Conflict("organisation_changed"))
    ));
    let org = store.organisation_in_scope(city_s, id).await.unwrap();
    assert_eq!(org.election, Some(e));
    assert_eq!(org.term.due(), date!(2031 - 11 - 20));
    assert_eq!(store.committee(&org).await.unwrap().len(), 5);
    let history = store.elections(&org).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].members, history[0].first), (5, false));
    assert_eq!((history[1].members, history[1].first), (7, true));
    let c = store
        .organisation_coverage(township_s, &township, TODAY)
        .await
        .unwrap()
        .counts;
    assert_eq!(
        (c.members, c.overdue_terms, c.complete_committees),
        (7, 0, 1)
    );
    assert_eq!(c.village_chairs_on_committee, 0);
    let notices = store
        .term_notices(township_s, &township, Page::new(50, 0))
        .await
        .unwrap();
    assert!(!notices[0].still_overdue);

    // Backdated into the past again, the same organisation is told anew.
    store
        .organisation_backdate_due(id2, date!(2026 - 01 - 01))
        .await
        .unwrap();
    assert_eq!(store.add_term_notices(TODAY, 40).await.unwrap(), 1);
    assert!(store.organisation_mismatches().await.unwrap().is_empty());
}

/// A small deterministic generator, so a failure replays.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

async fn random_sequence(store: SqlStore) {
    let records = read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let city = unit(&store, XILINHOT).await;
    let scope = store.system_scope(&city);
    let mut villages = Vec::new();
    for t in store.children(city.id).await.unwrap().iter().take(3) {
        for v in store.children(t.id).await.unwrap() {
            villages.push(v);
        }
    }
    let eth = ["han", "mongol", "hui", "daur", "other"];
    let edu = ["primary", "junior_high", "college", "bachelor"];
    let mut rng = Lcg(2026);
    let mut made = Vec::new();
    for step in 0..40 {
        let n = 1 + rng.next(8) as usize;
        let members: Vec<MemberDraft> = (0..n)
            .map(|i| {
                let mut m = member(
                    if i == 0 { "chair" } else { "member" },
                    &format!("人{step}-{i}"),
                    eth[rng.next(eth.len() as u64) as usize],
                    1950 + rng.next(55) as i32,
                    rng.next(2) == 0,
                );
                m.education = edu[rng.next(edu.len() as u64) as usize].into();
                m.full_time = rng.next(3) == 0;
                m
            })
            .collect();
        if made.is_empty() || rng.next(3) != 0 {
            let v = &villages[rng.next(villages.len() as u64) as usize];
            match store
                .create_organisation(scope, new_org(v, members, "2022-01-01"), step)
                .await
            {
                Ok(id) => made.push(id),
                Err(StoreError::Refused {
                    key: "err.org.exists",
                    ..
                }) => {}
                Err(e) => panic!("{e:?}"),
            }
        } else {
            let id = made[rng.next(made.len() as u64) as usize];
            let org = store.organisation_in_scope(scope, id).await.unwrap();
            let fields = ElectionDraft {
                held_on: format!("2026-{:02}-01", 1 + rng.next(11)),
                term_years: Some(1 + rng.next(5) as i64),
                next_election_due: None,
                note: None,
                members,
            }
            .parse(date!(2022 - 01 - 01), TODAY)
            .unwrap();
            store
                .record_election(&org, NewElection { fields, by: None }, 1000 + step)
                .await
                .unwrap();
        }
    }
    assert!(made.len() > 5);
    let mismatches = store.organisation_mismatches().await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");
    // The city's figures are the sum of its children's.
    let cov = store
        .organisation_coverage(scope, &city, TODAY)
        .await
        .unwrap();
    let sum: i64 = cov.children.iter().map(|(_, c)| c.members).sum();
    assert_eq!(cov.counts.members, sum);
    assert_eq!(cov.counts.organisations, made.len() as i64);
}

fn vault() -> Arc<Vault> {
    Arc::new(Vault::from_keys(
        KeyRing::parse("1:000102030405060708090a0b0c0d0e0f", "test").unwrap(),
    ))
}

async fn sqlite() -> SqlStore {
    SqlStore::connect(&fresh_sqlite_url())
        .await
        .unwrap()
        .with_vault(vault())
}

#[tokio::test]
async fn organisations_story_sqlite() {
    story(sqlite().await).await;
}

#[tokio::test]
async fn organisations_story_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        story(SqlStore::connect(&url).await.unwrap().with_vault(vault())).await;
    }
}

#[tokio::test]
async fn organisation_counters_equal_a_recount_sqlite() {
    random_sequence(sqlite().await).await;
}

#[tokio::test]
async fn organisation_counters_equal_a_recount_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        random_sequence(SqlStore::connect(&url).await.unwrap().with_vault(vault())).await;
    }
}
