//! DESIGN.md design 3 for the case statistics: random intakes (with random
//! consent), assessments, orders, status changes, closures, reopenings,
//! transfers and changes of consent, then every counter must equal a
//! recount from the case rows, the region's figures must be the sum of its
//! children's, and only consenting cases may be counted — on SQLite and on
//! PostgreSQL.
//!
//! Intakes, assessments and orders go through the real store methods; the
//! workflow changes that have no store method here go through
//! `write_case_for_tests`, which wraps literal SQL in the same
//! facts-before / facts-after / apply steps as every case writer.

use std::collections::HashMap;

use jinguo_domain::activity::parse_date;
use jinguo_domain::case::{
    Assessment, CHECKLIST, CaseConsent, CaseSource, CaseUrgency, Client, Intake, OrderKind,
    OrderStatus, Outcome, RiskLevel, TeamRole,
};
use jinguo_domain::{CaseId, Month, Roles, Sex, Username};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{NewAssessment, NewCase, NewUser, Unit};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::{
    BUNDLED_DIVISIONS_CSV, CaseStatsStore, CaseStore, SqlStore, StoreError, UnitStore, UserStore,
    Vault,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The Xilinhot branch and a second league.
fn subset() -> String {
    let mut out = String::from("code,name,parent_code,level\n");
    for line in BUNDLED_DIVISIONS_CSV.lines().skip(1) {
        let code = &line[..12];
        let keep = code == "150000000000"
            || code == "152500000000"
            || code == "150200000000"
            || code == "152502000000"
            || code == "150202000000"
            || code.starts_with("15250220")
            || (code.starts_with("150202") && code.ends_with("000"));
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn vault() -> std::sync::Arc<Vault> {
    let ring = jinguo_store::vault::keys::KeyRing::parse("1:000102030405060708090a0b0c0d0e0f", "t")
        .unwrap();
    std::sync::Arc::new(Vault::from_keys(ring))
}

fn random_date(rng: &mut StdRng) -> time::Date {
    parse_date(&format!(
        "{}-{:02}-{:02}",
        rng.gen_range(2025..=2026),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28)
    ))
    .unwrap()
}

fn fmt(d: time::Date) -> String {
    jinguo_domain::activity::format_date(d)
}

async fn all_units(store: &SqlStore, root: &Unit) -> Vec<Unit> {
    let mut out = vec![root.clone()];
    let mut i = 0;
    while i < out.len() {
        let kids = store.children(out[i].id).await.unwrap();
        out.extend(kids);
        i += 1;
    }
    out
}

fn pick<T: Copy>(rng: &mut StdRng, xs: &[T]) -> T {
    xs[rng.gen_range(0..xs.len())]
}

/// What the test knows of a case, to check the figures against.
struct Known {
    opened: time::Date,
    consent: bool,
}

const TYPES: [&str; 7] = [
    "domestic_violence",
    "marriage_family",
    "property_inheritance",
    "employment_labour",
    "sexual_harassment",
    "child_protection",
    "other",
];

async fn property(store: SqlStore, seed: u64) {
    let store = store.with_vault(vault());
    let records = read_division_csv(subset().as_bytes()).expect("subset");
    store.import_divisions(&records).await.unwrap();
    let region = store.root_unit().await.unwrap();
    let scope = store.system_scope(&region);
    let by = store
        .create_user(
            store.root_scope().await.unwrap(),
            NewUser {
                username: Username::parse("worker").unwrap(),
                password_hash: "x".into(),
                unit: region.id,
                roles: Roles::new(vec![jinguo_domain::Role::Caseworker]).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    // Below the region only, so the region's total is its children's sum.
    let units: Vec<Unit> = all_units(&store, &region)
        .await
        .into_iter()
        .filter(|u| u.id != region.id)
        .collect();
    assert!(units.len() > 10, "subset too small: {}", units.len());
    let mut rng = StdRng::seed_from_u64(seed);
    let mut known: HashMap<CaseId, Known> = HashMap::new();
    let mut ids: Vec<CaseId> = Vec::new();
    for step in 0..150_i64 {
        let roll = rng.gen_range(0..12);
        if roll < 3 || ids.is_empty() {
            let unit = &units[rng.gen_range(0..units.len())];
            let opened_on = random_date(&mut rng);
            let consent = rng.gen_bool(0.7);
            let id = store
                .create_case(
                    store.root_scope().await.unwrap(),
                    NewCase {
                        unit: unit.id,
                        intake: Intake {
                            source: pick(&mut rng, CaseSource::ALL),
                            type_key: pick(&mut rng, &TYPES).to_owned(),
                            client: Client {
                                name: format!("测试{step}"),
                                sex: Sex::Female,
                                birth_year: None,
                                id_number: None,
                                phone: None,
                            },
                            people: Vec::new(),
                            narrative: "虚构".into(),
                            urgency: pick(&mut rng, CaseUrgency::ALL),
                            consent: CaseConsent {
                                services: true,
                                referral: rng.gen_bool(0.5),
                                statistics: consent,
                            },
                        },
                        by,
                        team: vec![(by, TeamRole::Caseworker)],
                        follow_ups: Vec::new(),
                        opened_on,
                        contact_at_intake: rng.gen_bool(0.5),
                        help_request: None,
                        household: None,
                    },
                    step,
                )
                .await
                .unwrap();
            ids.push(id);
            known.insert(
                id,
                Known {
                    opened: opened_on,
                    consent,
                },
            );
            continue;
        }
        let id = pick(&mut rng, &ids);
        let k = known.get_mut(&id).unwrap();
        let later = k.opened + time::Duration::days(rng.gen_range(0..400));
        let raw = |sql: String| vec![sql];
        let r = match roll {
            3 | 4 => {
                let answers: Vec<&'static str> = CHECKLIST
                    .iter()
                    .filter(|_| rng.gen_bool(0.3))
                    .map(|c| c.key)
                    .collect();
                let level = pick(&mut rng, RiskLevel::ALL);
                store
                    .assess_case(
                        &store.system_open_case(id).await.unwrap(),
                        NewAssessment {
                            assessment: Assessment {
                                score: answers.len() as u32,
                                answers,
                                computed: level,
                                level,
                                override_reason: None,
                                safety_plan: None,
                            },
                            by,
                            on: later,
                        },
                        step,
                    )
                    .await
                    .map(|_| ())
            }
            5 => {
                let kind = pick(&mut rng, OrderKind::ALL);
                let status = match kind {
                    OrderKind::WarningLetter => OrderStatus::Issued,
                    OrderKind::ProtectionOrder => pick(
                        &mut rng,
                        &[
                            OrderStatus::Applied,
                            OrderStatus::Granted,
                            OrderStatus::Refused,
                            OrderStatus::Expired,
                        ],
                    ),
                };
                store
                    .record_case_order(
                        &store.system_open_case(id).await.unwrap(),
                        kind,
                        status,
                        later,
                        by,
                        step,
                    )
                    .await
                    .map(|_| ())
            }
            6 => {
                let s = pick(&mut rng, &["in_service", "closure_pending"]);
                store
                    .write_case_for_tests(
                        id,
                        &raw(format!(
                            "UPDATE cases SET status = '{s}' WHERE id = {} AND status <> 'closed'",
                            id.get()
                        )),
                        step,
                    )
                    .await
            }
            7 => {
                let o = pick(&mut rng, Outcome::ALL).as_str();
                store
                    .write_case_for_tests(
                        id,
                        &raw(format!(
                            "UPDATE cases SET status = 'closed', closed_on = '{}', outcome = '{o}' \
                             WHERE id = {}",
                            fmt(later),
                            id.get()
                        )),
                        step,
                    )
                    .await
            }
            8 => store
                .write_case_for_tests(
                    id,
                    &raw(format!(
                        "UPDATE cases SET status = 'in_service', closed_on = NULL, outcome = NULL \
                         WHERE id = {} AND status = 'closed'",
                        id.get()
                    )),
                    step,
                )
                .await,
            9 => {
                // A transfer: the case and its ancestors move.
                let to = &units[rng.gen_range(0..units.len())];
                let l: Vec<String> = to
                    .ancestors
                    .iter()
                    .map(|a| a.map_or("NULL".to_owned(), |u| u.get().to_string()))
                    .collect();
                store
                    .write_case_for_tests(
                        id,
                        &raw(format!(
                            "UPDATE cases SET unit_id = {}, l1 = {}, l2 = {}, l3 = {}, l4 = {}, \
                             l5 = {} WHERE id = {}",
                            to.id.get(),
                            l[0],
                            l[1],
                            l[2],
                            l[3],
                            l[4],
                            id.get()
                        )),
                        step,
                    )
                    .await
            }
            10 => {
                k.consent = !k.consent;
                store
                    .write_case_for_tests(
                        id,
                        &raw(format!(
                            "UPDATE cases SET consent_statistics = {} WHERE id = {}",
                            i64::from(k.consent),
                            id.get()
                        )),
                        step,
                    )
                    .await
            }
            _ => {
                // A write that changes nothing counted.
                store.write_case_for_tests(id, &[], step).await.map(|_| ())
            }
        };
        match r {
            Ok(()) => {}
            // Assessing a closed (or closing) case is refused, nothing changed.
            Err(StoreError::Refused { .. }) => {}
            Err(e) => panic!("seed {seed} step {step}: {e}"),
        }
    }

    let bad = store.case_stats_mismatches().await.unwrap();
    assert!(bad.is_empty(), "seed {seed}: {bad:#?}");

    let from = Month::new(2024, 1).unwrap();
    let to = Month::new(2028, 12).unwrap();
    let root = store.case_stats(scope, &region, from, to).await.unwrap();
    let consenting = known.values().filter(|k| k.consent).count() as i64;
    assert_eq!(root.total, consenting, "seed {seed}");
    assert_eq!(
        root.children.iter().map(|(_, n)| n).sum::<i64>(),
        root.total
    );
    for (name, m) in [
        ("type", &root.by_type),
        ("source", &root.by_source),
        ("risk", &root.by_risk),
        ("status", &root.by_status),
    ] {
        assert_eq!(m.values().sum::<i64>(), root.total, "seed {seed}: {name}");
    }
    let closed = root.by_status.get("closed").copied().unwrap_or(0);
    assert_eq!(root.by_outcome.values().sum::<i64>(), closed);
    assert_eq!(root.closed, closed);
    assert!(root.contacted <= root.total);
    assert_eq!(root.median_days_closure.is_some(), closed > 0);
    // A child's own figures equal its line in the parent's.
    for (child, n) in &root.children {
        let unit = store.unit_by_id(child.id).await.unwrap();
        let s = store.case_stats(scope, &unit, from, to).await.unwrap();
        assert_eq!(s.total, *n);
    }
    // The months split the total.
    let mut by_month = 0;
    let mut m = from;
    while m <= to {
        by_month += store.case_stats(scope, &region, m, m).await.unwrap().total;
        m = m.succ();
    }
    assert_eq!(by_month, root.total);
    // Outside the scope: not found.
    let league = &units[0];
    let narrow = store.system_scope(league);
    let other = units
        .iter()
        .find(|u| !narrow.contains(&u.ancestors))
        .unwrap();
    assert!(matches!(
        store.case_stats(narrow, other, from, to).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn case_stats_equal_a_recount_on_sqlite() {
    for seed in [1, 2, 3] {
        property(SqlStore::connect(&fresh_sqlite_url()).await.unwrap(), seed).await;
    }
}

#[tokio::test]
async fn case_stats_equal_a_recount_on_postgres() {
    for seed in [1, 2, 3] {
        match fresh_postgres().await {
            PostgresTarget::Fresh(url) => {
                property(SqlStore::connect(&url).await.unwrap(), seed).await
            }
            PostgresTarget::Skipped => return,
        }
    }
}
