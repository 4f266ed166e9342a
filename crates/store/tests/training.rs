//! The training plan through the store, on SQLite and on PostgreSQL: the
//! refusals of an enrolment that change nothing, and a seeded random
//! sequence of organisations, elections, programmes, classes, enrolments
//! and attendance (by the roll and by the trainee's account) after which
//! every training counter equals a recount.

use std::sync::Arc;

use jinguo_domain::organisation::{ElectionDraft, MemberDraft, OrgDraft};
use jinguo_domain::training::{AttendedVia, ClassDraft, ProgrammeDraft};
use jinguo_domain::{CommitteeMemberId, UnitCode};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{Page, Unit};
use jinguo_store::organisations::{NewElection, NewOrganisation};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url, scalar};
use jinguo_store::training::{NewClass, NewEnrolment, NewProgramme};
use jinguo_store::vault::keys::KeyRing;
use jinguo_store::{
    BUNDLED_DIVISIONS_CSV, OrganisationStore, SqlStore, StoreError, TrainingStore, UnitStore, Vault,
};
use time::Date;
use time::macros::date;

const XILINHOT: &str = "152502000000";
const BAOLIGEN: &str = "152502200000";
const YILELT: &str = "152502200200";
const TODAY: Date = date!(2026 - 03 - 01);

async fn unit(store: &SqlStore, code: &str) -> Unit {
    store
        .unit_by_code(&UnitCode::parse(code).unwrap())
        .await
        .unwrap()
}

fn members(tag: &str, n: usize) -> Vec<MemberDraft> {
    (0..n)
        .map(|i| MemberDraft {
            role: if i == 0 { "chair" } else { "member" }.into(),
            name: format!("{tag}-{i}"),
            sex: "F".into(),
            ethnicity: "mongol".into(),
            birth_year: Some(1980),
            education: "college".into(),
            political: "masses".into(),
            phone: None,
            full_time: false,
            on_village_committee: false,
        })
        .collect()
}

fn new_org(u: &Unit, tag: &str, n: usize) -> NewOrganisation {
    let v = OrgDraft {
        name: format!("{}妇联", u.name),
        kind: String::new(),
        field: None,
        established_on: "2015-03-08".into(),
        term_start: "2022-01-01".into(),
        term_years: Some(5),
        next_election_due: None,
        members: members(tag, n),
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

fn programme(u: &Unit, hours: i64) -> NewProgramme {
    NewProgramme {
        unit: u.id,
        fields: ProgrammeDraft {
            title: "领头雁".into(),
            title_mn: None,
            year: Some(2026),
            audience: "village_chairs".into(),
            target: Some(50),
            hours: Some(hours),
        }
        .parse()
        .unwrap(),
        by: None,
    }
}

fn class(hours: i64, capacity: i64, places: Vec<(jinguo_domain::UnitId, i64)>) -> NewClass {
    NewClass {
        fields: ClassDraft {
            title: "第一期".into(),
            starts_on: "2026-04-01".into(),
            ends_on: "2026-04-02".into(),
            mode: "venue".into(),
            place: Some("党校".into()),
            hours: Some(hours),
            capacity: Some(capacity),
            teachers: None,
            places: Vec::new(),
        }
        .parse(2026)
        .unwrap(),
        places,
        by: None,
    }
}

fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>, key: &str) {
    match r {
        Err(StoreError::Refused { key: k, .. }) => assert_eq!(k, key),
        other => panic!("expected refusal {key}, got {other:?}"),
    }
}

async fn rows(store: &SqlStore) -> (i64, i64) {
    (
        scalar(store, "SELECT COUNT(*) FROM training_enrolments")
            .await
            .unwrap(),
        scalar(
            store,
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM rollup_training",
        )
        .await
        .unwrap(),
    )
}

async fn refusals(store: SqlStore) {
    let records = read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let (city, township, yilelt) = (
        unit(&store, XILINHOT).await,
        unit(&store, BAOLIGEN).await,
        unit(&store, YILELT).await,
    );
    let city_s = store.system_scope(&city);
    let township_s = store.system_scope(&township);
    store
        .create_organisation(township_s, new_org(&yilelt, "伊", 4), 1)
        .await
        .unwrap();
    refused(
        store
            .create_programme(township_s, programme(&township, 8), 2)
            .await,
        "err.training.planner_level",
    );
    let p = store
        .create_programme(city_s, programme(&city, 8), 2)
        .await
        .unwrap();
    let p = store.programme_in_scope(city_s, p).await.unwrap();
    refused(
        store
            .create_class(&p, class(8, 10, vec![(city.id, 2)]), 3)
            .await,
        "err.training.places_unit",
    );
    let c = store
        .create_class(&p, class(8, 10, vec![(township.id, 2)]), 3)
        .await
        .unwrap();
    let roster = store
        .roster(township_s, &township, Page::new(50, 0))
        .await
        .unwrap();
    assert_eq!(roster.len(), 4);
    let enrol = |m: CommitteeMemberId| NewEnrolment {
        class: c,
        member: m,
        account: None,
        by: None,
    };
    store
        .enrol(township_s, enrol(roster[0].id), TODAY, 4)
        .await
        .unwrap();
    let before = rows(&store).await;
    refused(
        store.enrol(township_s, enrol(roster[0].id), TODAY, 5).await,
        "err.training.enrolled_twice",
    );
    store
        .enrol(township_s, enrol(roster[1].id), TODAY, 5)
        .await
        .unwrap();
    let before2 = rows(&store).await;
    assert_ne!(before, before2);
    refused(
        store.enrol(township_s, enrol(roster[2].id), TODAY, 6).await,
        "err.training.places_full",
    );
    refused(
        store
            .enrol(township_s, enrol(roster[3].id), date!(2026 - 05 - 01), 6)
            .await,
        "err.training.class_over",
    );
    refused(
        store
            .enrol(township_s, enrol(CommitteeMemberId::new(999_999)), TODAY, 6)
            .await,
        "err.training.member_unknown",
    );
    assert_eq!(rows(&store).await, before2, "refusals change nothing");
    // Attendance for an enrolment of another class is refused whole.
    let cls = store.class_in_scope(city_s, c).await.unwrap();
    refused(
        store
            .attend_roll(
                &cls,
                &[jinguo_domain::training::EnrolmentId::new(999_999)],
                AttendedVia::Roll,
                7,
            )
            .await,
        "err.training.enrolment_unknown",
    );
    // The village's own scope may not attend for the system (no account).
    refused(
        store.attend_self(township_s, c, 7).await,
        "err.training.not_enrolled",
    );
    assert_eq!(rows(&store).await, before2);
    let m = store.training_mismatches().await.unwrap();
    assert!(m.is_empty(), "{m:?}");
}

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
    let townships: Vec<_> = store
        .children(city.id)
        .await
        .unwrap()
        .into_iter()
        .take(3)
        .collect();
    let mut villages = Vec::new();
    for t in &townships {
        for v in store.children(t.id).await.unwrap().into_iter().take(4) {
            villages.push(v);
        }
    }
    let mut rng = Lcg(15);
    let mut orgs = Vec::new();
    for (i, v) in villages.iter().enumerate() {
        let n = 1 + rng.next(5) as usize;
        orgs.push(
            store
                .create_organisation(scope, new_org(v, &format!("v{i}"), n), 1)
                .await
                .unwrap(),
        );
    }
    let mut classes = Vec::new();
    for _ in 0..2 {
        let p = store
            .create_programme(scope, programme(&city, 4 + rng.next(12) as i64), 2)
            .await
            .unwrap();
        let p = store.programme_in_scope(scope, p).await.unwrap();
        for _ in 0..2 {
            let places = if rng.next(2) == 0 {
                Vec::new()
            } else {
                townships.iter().map(|t| (t.id, 3)).collect()
            };
            let hours = 2 + rng.next(8) as i64;
            classes.push(
                store
                    .create_class(&p, class(hours, 12, places), 3)
                    .await
                    .unwrap(),
            );
        }
    }
    let mut enrolments = Vec::new();
    for step in 0..120 {
        match rng.next(4) {
            0 | 1 => {
                let roster = store.roster(scope, &city, Page::new(500, 0)).await.unwrap();
                let m = &roster[rng.next(roster.len() as u64) as usize];
                let c = classes[rng.next(classes.len() as u64) as usize];
                let new = NewEnrolment {
                    class: c,
                    member: m.id,
                    account: None,
                    by: None,
                };
                match store.enrol(scope, new, TODAY, step).await {
                    Ok(e) => enrolments.push((c, e)),
                    Err(StoreError::Refused { .. }) => {}
                    Err(e) => panic!("{e:?}"),
                }
            }
            2 if !enrolments.is_empty() => {
                let (c, e) = enrolments[rng.next(enrolments.len() as u64) as usize];
                let cls = store.class_in_scope(scope, c).await.unwrap();
                store
                    .attend_roll(&cls, &[e], AttendedVia::Roll, step)
                    .await
                    .unwrap();
            }
            _ => {
                // An election: a trained chair leaves "this term".
                let id = orgs[rng.next(orgs.len() as u64) as usize];
                let org = store.organisation_in_scope(scope, id).await.unwrap();
                let fields = ElectionDraft {
                    held_on: "2026-02-01".into(),
                    term_years: Some(5),
                    next_election_due: None,
                    note: None,
                    members: members(&format!("e{step}"), 1 + rng.next(4) as usize),
                }
                .parse(date!(2022 - 01 - 01), TODAY)
                .unwrap();
                store
                    .record_election(&org, NewElection { fields, by: None }, 100 + step)
                    .await
                    .unwrap();
            }
        }
        if step % 30 == 29 {
            let m = store.training_mismatches().await.unwrap();
            assert!(m.is_empty(), "after step {step}: {m:#?}");
        }
    }
    assert!(enrolments.len() > 10, "{}", enrolments.len());
    let m = store.training_mismatches().await.unwrap();
    assert!(m.is_empty(), "{m:#?}");
    let cov = store.training_coverage(scope, &city, 2026).await.unwrap();
    assert!(cov.counts.attended > 0);
    let sum = |f: fn(&jinguo_store::training::TrainingCounts) -> i64| -> i64 {
        cov.children.iter().map(|(_, c)| f(c)).sum()
    };
    assert_eq!(cov.counts.attended, sum(|c| c.attended));
    assert_eq!(cov.counts.hours, sum(|c| c.hours));
    assert_eq!(cov.counts.trainees, sum(|c| c.trainees));
    assert_eq!(
        cov.counts.chairs_trained_term,
        sum(|c| c.chairs_trained_term)
    );
    assert_eq!(cov.counts.village_chairs, villages.len() as i64);
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
async fn training_refusals_change_nothing_sqlite() {
    refusals(sqlite().await).await;
}

#[tokio::test]
async fn training_refusals_change_nothing_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        refusals(SqlStore::connect(&url).await.unwrap().with_vault(vault())).await;
    }
}

#[tokio::test]
async fn training_counters_equal_a_recount_sqlite() {
    random_sequence(sqlite().await).await;
}

#[tokio::test]
async fn training_counters_equal_a_recount_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        random_sequence(SqlStore::connect(&url).await.unwrap().with_vault(vault())).await;
    }
}
