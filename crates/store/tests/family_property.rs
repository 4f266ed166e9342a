//! DESIGN.md design 3 for family work: random nominations,
//! recommendations, declines, notices, objections lodged and decided,
//! publications, and random site registrations, changes, moves, and
//! sessions recorded, changed and deleted, with random audiences — then every family
//! counter (`rollup_family`), every audience counter, every site coverage
//! counter and every site's session count must equal a
//! recount from the rows, and the figures must read those counters — on
//! SQLite and on PostgreSQL.

use std::sync::Arc;

use jinguo_domain::family_site::{FamilySiteId, SiteDraft};
use jinguo_domain::honour::{CampaignDraft, CampaignId, NominationDraft, NominationId};
use jinguo_domain::{ActivityDraft, ActivityId, Level, UnitCode, UnitKind};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::family_sites::NewSite;
use jinguo_store::honours::{NewCampaign, NewNomination, NewObjection, Who};
use jinguo_store::model::{NewActivity, Unit};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::vault::keys::KeyRing;
use jinguo_store::{
    ActivityStore, BUNDLED_DIVISIONS_CSV, FamilySiteStore, HonourStore, SqlStore, UnitStore, Vault,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use time::macros::date;
use time::{Date, Duration};

const XILINHOT: &str = "152502000000";
const TODAY: Date = date!(2026 - 12 - 01);
const AUDIENCES: [&str; 3] = ["parents", "children", "cadre_families"];
const CATEGORIES: [&str; 3] = ["family_most_beautiful", "family_clean", "family_five_good"];

async fn ok_or_refused<T: std::fmt::Debug>(r: Result<T, jinguo_store::StoreError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(jinguo_store::StoreError::Refused { .. })
        | Err(jinguo_store::StoreError::NotFound)
        | Err(jinguo_store::StoreError::Conflict(_)) => None,
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

async fn assert_recount(store: &SqlStore, step: usize) {
    let m = store.family_mismatches().await.unwrap();
    assert!(m.is_empty(), "step {step}: {m:#?}");
    let m = store.family_sites_mismatches().await.unwrap();
    assert!(m.is_empty(), "step {step}: {m:#?}");
    let m = store.audience_mismatches().await.unwrap();
    assert!(m.is_empty(), "step {step}: {m:#?}");
}

async fn property(store: SqlStore, seed: u64) {
    let records = read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let city = store
        .unit_by_code(&UnitCode::parse(XILINHOT).unwrap())
        .await
        .unwrap();
    let city_s = store.system_scope(&city);
    let townships: Vec<Unit> = store
        .children(city.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.active && u.kind == UnitKind::Geo && u.level == Level::TOWNSHIP)
        .take(3)
        .collect();
    let mut villages: Vec<Unit> = Vec::new();
    for t in &townships {
        villages.extend(
            store
                .children(t.id)
                .await
                .unwrap()
                .into_iter()
                .filter(|u| u.active && u.level == Level::VILLAGE)
                .take(4),
        );
    }
    let mut places: Vec<Unit> = villages.clone();
    places.extend(townships.iter().cloned());
    places.push(city.clone());

    let mut rng = StdRng::seed_from_u64(seed);
    let who = Who::default();
    let mut campaigns: Vec<CampaignId> = Vec::new();
    let mut nominations: Vec<NominationId> = Vec::new();
    let mut sites: Vec<FamilySiteId> = Vec::new();
    let mut sessions: Vec<ActivityId> = Vec::new();
    for step in 0..300 {
        let now = 100 + step as i64;
        match rng.gen_range(0..100) {
            // A campaign of a random category and year.
            0..4 => {
                let fields = CampaignDraft {
                    title: format!("评选{step}"),
                    title_mn: None,
                    year: Some(rng.gen_range(2025..=2026)),
                    category: CATEGORIES.choose(&mut rng).unwrap().to_string(),
                    nominating_level: "village".into(),
                    quota: Some(rng.gen_range(1..=3)),
                    nomination_deadline: "2026-12-10".into(),
                    review_deadline: "2026-12-20".into(),
                    notice_days: Some(7),
                }
                .validate(TODAY)
                .unwrap();
                let id = store
                    .create_campaign(
                        city_s,
                        NewCampaign {
                            unit: city.id,
                            fields,
                            participants: None,
                        },
                        &who,
                        now,
                    )
                    .await
                    .unwrap();
                campaigns.push(id);
            }
            // A village nominates (over quota, on notice: refused).
            4..30 if !campaigns.is_empty() => {
                let c = *campaigns.choose(&mut rng).unwrap();
                let v = villages.choose(&mut rng).unwrap();
                let vs = store.system_scope(v);
                let Some(opened) = ok_or_refused(store.campaign_in_scope(vs, c).await).await else {
                    continue;
                };
                let fields = NominationDraft {
                    display_name: format!("家庭{step}"),
                    display_name_mn: None,
                    person_name: Some(format!("户主{step}")),
                    members: Some(4),
                    employer: None,
                    story: "孝老爱亲。".into(),
                    consent_given_by: "户主".into(),
                    consent_method: "written".into(),
                    consent_date: None,
                }
                .validate(opened.fields.subject, TODAY)
                .unwrap();
                let new = NewNomination {
                    unit: v.id,
                    fields,
                    household: None,
                };
                if let Some(id) =
                    ok_or_refused(store.nominate(&opened, new, TODAY, &who, now).await).await
                {
                    nominations.push(id);
                }
            }
            // Recommend or decline, by the township or the city (whoever's
            // turn it is not is refused).
            30..60 if !nominations.is_empty() => {
                let n = *nominations.choose(&mut rng).unwrap();
                let rec = store.nomination_in_scope(city_s, n).await.unwrap();
                let township = rec.nomination.path[3].unwrap();
                let scope = if rng.gen_bool(0.5) {
                    store.system_scope(&store.unit_by_id(township).await.unwrap())
                } else {
                    city_s
                };
                let Some(rec) = ok_or_refused(store.nomination_in_scope(scope, n).await).await
                else {
                    continue;
                };
                if rng.gen_bool(0.8) {
                    ok_or_refused(store.recommend(&rec, TODAY, &who, now).await).await;
                } else {
                    ok_or_refused(store.decline(&rec, "名额已满", TODAY, &who, now).await).await;
                }
            }
            // The city puts a campaign on notice.
            60..68 if !campaigns.is_empty() => {
                let c = *campaigns.choose(&mut rng).unwrap();
                let opened = store.campaign_in_scope(city_s, c).await.unwrap();
                ok_or_refused(store.start_notice(&opened, TODAY, &who, now).await).await;
            }
            // Anyone objects to a nomination.
            68..76 if !nominations.is_empty() => {
                let n = *nominations.choose(&mut rng).unwrap();
                let rec = store.nomination_in_scope(city_s, n).await.unwrap();
                let new = NewObjection {
                    campaign: rec.campaign.id,
                    nomination: n,
                    text: "有异议".into(),
                    contact: None,
                };
                ok_or_refused(store.lodge_objection(new, TODAY, &who, now).await).await;
            }
            // The city decides an open objection.
            76..82 if !campaigns.is_empty() => {
                let c = *campaigns.choose(&mut rng).unwrap();
                let opened = store.campaign_in_scope(city_s, c).await.unwrap();
                let objections = store.objections_of(&opened).await.unwrap();
                if let Some(o) = objections.choose(&mut rng) {
                    let o = store.objection_in_scope(city_s, o.id).await.unwrap();
                    let upheld = rng.gen_bool(0.4);
                    ok_or_refused(
                        store
                            .decide_objection(&o, upheld, "经核实", &who, now)
                            .await,
                    )
                    .await;
                }
            }
            // The city publishes once the notice is over.
            82..86 if !campaigns.is_empty() => {
                let c = *campaigns.choose(&mut rng).unwrap();
                let opened = store.campaign_in_scope(city_s, c).await.unwrap();
                let later = TODAY + Duration::days(30);
                ok_or_refused(store.publish(&opened, later, &who, now).await).await;
            }
            // A site registered, or changed (status, place).
            86..92 => {
                let unit = places.choose(&mut rng).unwrap();
                let status = ["active", "active", "suspended", "closed"]
                    .choose(&mut rng)
                    .unwrap();
                let fields = SiteDraft {
                    kind: "guidance_point".into(),
                    name: format!("站点{step}"),
                    address: "党群服务中心".into(),
                    status: Some((*status).into()),
                    established_on: None,
                }
                .validate(TODAY)
                .unwrap();
                if sites.is_empty() || rng.gen_bool(0.5) {
                    let id = store
                        .create_site(
                            city_s,
                            NewSite {
                                unit: unit.id,
                                fields,
                                by: None,
                            },
                            now,
                        )
                        .await
                        .unwrap();
                    sites.push(id);
                } else {
                    let id = *sites.choose(&mut rng).unwrap();
                    let site = store.site_in_scope(city_s, id).await.unwrap();
                    store
                        .update_site(&site, unit.id, fields, now)
                        .await
                        .unwrap();
                }
            }
            // A session at a site, or one deleted.
            92..100 if !sites.is_empty() => {
                if sessions.is_empty() || rng.gen_bool(0.7) {
                    let id = *sites.choose(&mut rng).unwrap();
                    let site = store.site_in_scope(city_s, id).await.unwrap();
                    let fields = ActivityDraft {
                        date: format!("2026-{:02}-15", rng.gen_range(1..=11)),
                        type_key: "family_education".into(),
                        title: "家庭教育讲座".into(),
                        participants: Some(10),
                        women: Some(6),
                        ..Default::default()
                    }
                    .validate(TODAY)
                    .unwrap();
                    let new = NewActivity {
                        unit: site.unit.id,
                        fields,
                        by: None,
                    };
                    let a = store.record_session(&site, new, None, now).await.unwrap();
                    // Whom it reached, sometimes.
                    let keys: Vec<String> = AUDIENCES
                        .iter()
                        .filter(|_| rng.gen_bool(0.4))
                        .map(|k| k.to_string())
                        .collect();
                    store
                        .set_activity_audiences(city_s, a, &keys)
                        .await
                        .unwrap();
                    sessions.push(a);
                } else if rng.gen_bool(0.5) {
                    // A change of its numbers, type and month.
                    let a = *sessions.choose(&mut rng).unwrap();
                    let old = store.activity_in_scope(city_s, a).await.unwrap();
                    let fields = ActivityDraft {
                        date: format!("2026-{:02}-10", rng.gen_range(1..=11)),
                        type_key: ["family_education", "send_family_edu"]
                            .choose(&mut rng)
                            .unwrap()
                            .to_string(),
                        title: "家庭教育讲座".into(),
                        participants: Some(rng.gen_range(5..40)),
                        women: Some(3),
                        ..Default::default()
                    }
                    .validate(TODAY)
                    .unwrap();
                    store
                        .update_activity(city_s, a, old.unit.id, fields, now)
                        .await
                        .unwrap();
                } else {
                    let i = rng.gen_range(0..sessions.len());
                    let a = sessions.swap_remove(i);
                    store.delete_activity(city_s, a).await.unwrap();
                }
            }
            _ => {}
        }
        if step % 50 == 49 {
            assert_recount(&store, step).await;
        }
    }
    assert_recount(&store, 300).await;
    assert!(
        !nominations.is_empty() && !sessions.is_empty(),
        "the walk did something"
    );

    // The figures read those counters: the city's numbers are the sums of
    // its children's, and equal a count from the nominations.
    for year in [2025, 2026] {
        let f = store.family_figures(city_s, &city, year).await.unwrap();
        for prefix in ["nom:", "hon:", "obj:"] {
            let children: i64 = f.children.iter().map(|(_, n)| n.sum(prefix)).sum();
            assert_eq!(f.own.sum(prefix), children, "{year} {prefix}");
        }
        let mut want = 0;
        for c in &campaigns {
            let opened = store.campaign_in_scope(city_s, *c).await.unwrap();
            if opened.fields.year == year {
                want += store.nominations_of(&opened).await.unwrap().len() as i64;
            }
        }
        assert_eq!(f.own.sum("nom:"), want, "{year}");
    }
    let f = store.family_figures(city_s, &city, 2026).await.unwrap();
    assert_eq!(f.own.sessions, sessions.len() as i64);
    assert_eq!(
        f.own.sites,
        store.site_coverage(city_s, &city).await.unwrap().counts
    );
}

fn vault() -> Arc<Vault> {
    Arc::new(Vault::from_keys(
        KeyRing::parse("1:000102030405060708090a0b0c0d0e0f", "test").unwrap(),
    ))
}

#[tokio::test]
async fn family_counters_equal_a_recount_sqlite() {
    for seed in [1, 2, 3] {
        let store = SqlStore::connect(&fresh_sqlite_url())
            .await
            .unwrap()
            .with_vault(vault());
        property(store, seed).await;
    }
}

#[tokio::test]
async fn family_counters_equal_a_recount_postgres() {
    for seed in [4, 5] {
        if let PostgresTarget::Fresh(url) = fresh_postgres().await {
            property(
                SqlStore::connect(&url).await.unwrap().with_vault(vault()),
                seed,
            )
            .await;
        }
    }
}
