//! Honours through the store, on SQLite and on PostgreSQL: a families'
//! campaign from issue to publication (nominated by villages, recommended
//! by the township, shortlisted by the city, on notice, an objection
//! upheld and one dismissed, published), then a woman's; the workflow's
//! refusals change nothing; scope; the sealed names.

use std::sync::Arc;

use jinguo_domain::UnitCode;
use jinguo_domain::honour::{
    CampaignDraft, CampaignId, CampaignStatus, NominationDraft, NominationId, NominationStatus,
};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::honours::{NewCampaign, NewNomination, Who};
use jinguo_store::model::{Page, Unit};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::vault::keys::KeyRing;
use jinguo_store::{
    BUNDLED_DIVISIONS_CSV, HonourStore, Scope, SqlStore, StoreError, UnitStore, Vault,
};
use time::Date;
use time::macros::date;

const XILINGOL: &str = "152500000000";
const XILINHOT: &str = "152502000000";
const ERENHOT: &str = "152501000000";
const BAOLIGEN: &str = "152502200000";
const YILELT: &str = "152502200200";
const HANAULA: &str = "152502200201";
/// A village of another township of the same city.
const OTHER_TOWNSHIP_VILLAGE: &str = "152502201001";
const BAOTOU: &str = "150200000000";

const TODAY: Date = date!(2026 - 12 - 01);

async fn unit(store: &SqlStore, code: &str) -> Unit {
    store
        .unit_by_code(&UnitCode::parse(code).unwrap())
        .await
        .unwrap()
}

fn objection(
    campaign: jinguo_domain::honour::CampaignId,
    nomination: jinguo_domain::honour::NominationId,
    text: &str,
    contact: Option<&str>,
) -> jinguo_store::honours::NewObjection {
    jinguo_store::honours::NewObjection {
        campaign,
        nomination,
        text: text.into(),
        contact: contact.map(str::to_owned),
    }
}

fn who() -> Who {
    Who::default()
}

fn campaign(category: &str) -> NewCampaign {
    NewCampaign {
        unit: jinguo_domain::UnitId::new(0),
        fields: CampaignDraft {
            title: "锡林浩特市评选".into(),
            title_mn: None,
            year: Some(2026),
            category: category.into(),
            nominating_level: "village".into(),
            quota: Some(1),
            nomination_deadline: "2026-12-10".into(),
            review_deadline: "2026-12-20".into(),
            notice_days: Some(7),
        }
        .validate(TODAY)
        .unwrap(),
        participants: None,
    }
}

fn family(name: &str, head: &str) -> NominationDraft {
    NominationDraft {
        display_name: name.into(),
        display_name_mn: None,
        person_name: Some(head.into()),
        members: Some(4),
        employer: None,
        story: "孝老爱亲，邻里和睦。".into(),
        consent_given_by: head.into(),
        consent_method: "written".into(),
        consent_date: None,
    }
}

fn refused(r: Result<impl std::fmt::Debug, StoreError>, key: &str) {
    match r {
        Err(StoreError::Refused { key: k, .. }) if k == key => {}
        other => panic!("wanted refusal {key}, got {other:?}"),
    }
}

async fn status(store: &SqlStore, scope: Scope, id: NominationId) -> NominationStatus {
    store
        .nomination_in_scope(scope, id)
        .await
        .unwrap()
        .nomination
        .status
}

async fn nominate(
    store: &SqlStore,
    scope: Scope,
    c: CampaignId,
    village: &Unit,
    draft: NominationDraft,
    today: Date,
) -> Result<NominationId, StoreError> {
    let opened = store.campaign_in_scope(scope, c).await?;
    let fields = draft.validate(opened.fields.subject, today).unwrap();
    store
        .nominate(
            &opened,
            NewNomination {
                unit: village.id,
                fields,
                household: None,
            },
            today,
            &who(),
            1,
        )
        .await
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
    let other_village = unit(&store, OTHER_TOWNSHIP_VILLAGE).await;
    let city_s = store.system_scope(&city);
    let township_s = store.system_scope(&township);
    let yilelt_s = store.system_scope(&yilelt);
    let hanaula_s = store.system_scope(&hanaula);
    let league_s = store.system_scope(&unit(&store, XILINGOL).await);
    let sibling_s = store.system_scope(&unit(&store, ERENHOT).await);
    let baotou_s = store.system_scope(&unit(&store, BAOTOU).await);

    // A township may not issue; the city does.
    let mut new = campaign("family_most_beautiful");
    new.unit = township.id;
    refused(
        store.create_campaign(township_s, new, &who(), 1).await,
        "err.honour.issuer_level",
    );
    let mut new = campaign("family_most_beautiful");
    new.unit = city.id;
    assert!(matches!(
        store
            .create_campaign(yilelt_s, new.clone(), &who(), 1)
            .await,
        Err(StoreError::NotFound)
    ));
    let c = store.create_campaign(city_s, new, &who(), 1).await.unwrap();

    // Seen by the city, above it, and the branches taking part; not by a
    // sibling banner or another league.
    for s in [city_s, league_s, township_s, yilelt_s] {
        assert!(store.campaign_in_scope(s, c).await.is_ok());
    }
    for s in [sibling_s, baotou_s] {
        assert!(matches!(
            store.campaign_in_scope(s, c).await,
            Err(StoreError::NotFound)
        ));
    }
    let listed = store
        .campaigns_for(yilelt_s, &yilelt, Page::new(10, 0))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "the village sees the city's campaign");
    assert!(
        store
            .campaigns_for(sibling_s, &unit(&store, ERENHOT).await, Page::new(10, 0))
            .await
            .unwrap()
            .is_empty()
    );

    // Villages nominate: within the quota (1 each), by the deadline, only
    // at the nominating level, only in their own scope.
    let a = nominate(
        &store,
        yilelt_s,
        c,
        &yilelt,
        family("乌云其木格家庭", "乌云其木格"),
        TODAY,
    )
    .await
    .unwrap();
    refused(
        nominate(
            &store,
            yilelt_s,
            c,
            &yilelt,
            family("第二家庭", "某某"),
            TODAY,
        )
        .await,
        "err.honour.over_quota",
    );
    refused(
        nominate(
            &store,
            township_s,
            c,
            &township,
            family("乡家庭", "某某"),
            TODAY,
        )
        .await,
        "err.honour.nominating_unit",
    );
    refused(
        nominate(
            &store,
            hanaula_s,
            c,
            &hanaula,
            family("迟到家庭", "某某"),
            date!(2026 - 12 - 11),
        )
        .await,
        "err.honour.nomination_closed",
    );
    assert!(matches!(
        nominate(
            &store,
            yilelt_s,
            c,
            &hanaula,
            family("越界家庭", "某某"),
            TODAY
        )
        .await,
        Err(StoreError::NotFound)
    ));
    let b = nominate(
        &store,
        hanaula_s,
        c,
        &hanaula,
        family("萨仁高娃家庭", "萨仁高娃"),
        TODAY,
    )
    .await
    .unwrap();
    let d = nominate(
        &store,
        store.system_scope(&other_village),
        c,
        &other_village,
        family("其其格家庭", "其其格"),
        TODAY,
    )
    .await
    .unwrap();

    // The head's name is sealed: not in the row, opened only through the
    // vault; a village sees only its own nominations.
    let sealed = store.honour_sealed_name(a).await.unwrap().unwrap();
    assert!(!sealed.contains("乌云其木格"));
    let rec = store.nomination_in_scope(yilelt_s, a).await.unwrap();
    assert_eq!(
        store.nomination_person_name(&rec).await.unwrap().as_deref(),
        Some("乌云其木格")
    );
    assert!(matches!(
        store.nomination_in_scope(yilelt_s, b).await,
        Err(StoreError::NotFound)
    ));
    let opened = store.campaign_in_scope(yilelt_s, c).await.unwrap();
    assert_eq!(store.nominations_of(&opened).await.unwrap().len(), 1);
    let opened = store.campaign_in_scope(city_s, c).await.unwrap();
    assert_eq!(store.nominations_of(&opened).await.unwrap().len(), 3);

    // Nothing skips a level: the city may not act before the township.
    let rec = store.nomination_in_scope(city_s, a).await.unwrap();
    refused(
        store.recommend(&rec, TODAY, &who(), 2).await,
        "err.honour.not_your_turn",
    );
    let rec = store.nomination_in_scope(league_s, a).await.unwrap();
    refused(
        store.recommend(&rec, TODAY, &who(), 2).await,
        "err.honour.not_your_turn",
    );
    assert_eq!(status(&store, city_s, a).await, NominationStatus::Proposed);

    // The township recommends one (its quota is 1), declines with a reason
    // past its quota.
    let rec = store.nomination_in_scope(township_s, a).await.unwrap();
    assert_eq!(
        store.recommend(&rec, TODAY, &who(), 2).await.unwrap(),
        NominationStatus::Recommended
    );
    let rec = store.nomination_in_scope(township_s, b).await.unwrap();
    refused(
        store.recommend(&rec, TODAY, &who(), 3).await,
        "err.honour.over_quota",
    );
    assert_eq!(status(&store, city_s, b).await, NominationStatus::Proposed);
    refused(
        store
            .recommend(&rec, date!(2026 - 12 - 21), &who(), 3)
            .await,
        "err.honour.review_closed",
    );
    store
        .decline(&rec, "名额已满", TODAY, &who(), 3)
        .await
        .unwrap();
    assert_eq!(status(&store, city_s, b).await, NominationStatus::Declined);
    let rec = store.nomination_in_scope(township_s, b).await.unwrap();
    refused(
        store.recommend(&rec, TODAY, &who(), 4).await,
        "err.honour.nomination_state",
    );
    // The other township recommends its own.
    let other_township = store
        .unit_by_id(other_village.ancestors[3].unwrap())
        .await
        .unwrap();
    let rec = store
        .nomination_in_scope(store.system_scope(&other_township), d)
        .await
        .unwrap();
    store.recommend(&rec, TODAY, &who(), 4).await.unwrap();

    // Nothing shortlisted yet: no notice. Only the city starts it.
    let opened = store.campaign_in_scope(city_s, c).await.unwrap();
    refused(
        store.start_notice(&opened, TODAY, &who(), 5).await,
        "err.honour.nothing_shortlisted",
    );
    let opened = store.campaign_in_scope(league_s, c).await.unwrap();
    refused(
        store.start_notice(&opened, TODAY, &who(), 5).await,
        "err.honour.not_issuer",
    );
    // The city shortlists both.
    for n in [a, d] {
        let rec = store.nomination_in_scope(city_s, n).await.unwrap();
        assert_eq!(
            store.recommend(&rec, TODAY, &who(), 5).await.unwrap(),
            NominationStatus::Shortlisted
        );
    }
    let opened = store.campaign_in_scope(city_s, c).await.unwrap();
    store.start_notice(&opened, TODAY, &who(), 6).await.unwrap();
    let opened = store.campaign_in_scope(city_s, c).await.unwrap();
    assert_eq!(opened.status, CampaignStatus::Notice);
    assert_eq!(opened.notice_end, Some(date!(2026 - 12 - 07)));
    // No more nominations once on notice.
    refused(
        nominate(
            &store,
            hanaula_s,
            c,
            &hanaula,
            family("新家庭", "某某"),
            TODAY,
        )
        .await,
        "err.honour.campaign_state",
    );

    // The public sees the two families with their places, no person's name.
    let p = store.public_campaign(c).await.unwrap();
    let names: Vec<&str> = p.entries.iter().map(|e| e.display_name.as_str()).collect();
    assert_eq!(names, vec!["乌云其木格家庭", "其其格家庭"]);
    assert!(p.entries[0].place.iter().any(|n| n.contains("宝力根")));
    // Objections: one about each family; not about a declined one.
    refused(
        store
            .lodge_objection(objection(c, b, "不实", None), TODAY, &who(), 7)
            .await,
        "err.honour.not_on_notice",
    );
    let o1 = store
        .lodge_objection(
            objection(c, a, "事迹属实，支持。", Some("13800000000")),
            TODAY,
            &who(),
            7,
        )
        .await
        .unwrap();
    let o2 = store
        .lodge_objection(
            objection(c, d, "该户存在赡养纠纷。", None),
            TODAY,
            &who(),
            7,
        )
        .await
        .unwrap();
    // Publishing during the notice, or with an open objection: refused.
    let opened = store.campaign_in_scope(city_s, c).await.unwrap();
    refused(
        store.publish(&opened, TODAY, &who(), 8).await,
        "err.honour.notice_running",
    );
    refused(
        store
            .publish(&opened, date!(2026 - 12 - 08), &who(), 8)
            .await,
        "err.honour.objection_open",
    );
    assert_eq!(
        store.campaign_in_scope(city_s, c).await.unwrap().status,
        CampaignStatus::Notice
    );
    // The objections are the city's to read and decide, nobody else's.
    assert!(matches!(
        store.objection_in_scope(township_s, o1).await,
        Err(StoreError::NotFound)
    ));
    let opened = store.campaign_in_scope(city_s, c).await.unwrap();
    let objections = store.objections_of(&opened).await.unwrap();
    assert_eq!(objections.len(), 2);
    assert_eq!(objections[0].contact.as_deref(), Some("13800000000"));
    let o = store.objection_in_scope(league_s, o1).await.unwrap();
    refused(
        store.decide_objection(&o, false, "属实", &who(), 9).await,
        "err.honour.not_issuer",
    );
    let o = store.objection_in_scope(city_s, o1).await.unwrap();
    store
        .decide_objection(&o, false, "经核实，事迹属实", &who(), 9)
        .await
        .unwrap();
    let o = store.objection_in_scope(city_s, o2).await.unwrap();
    store
        .decide_objection(&o, true, "经核实，存在赡养纠纷", &who(), 9)
        .await
        .unwrap();
    assert_eq!(status(&store, city_s, d).await, NominationStatus::Withdrawn);
    let o = store.objection_in_scope(city_s, o2).await.unwrap();
    refused(
        store.decide_objection(&o, false, "再议", &who(), 10).await,
        "err.honour.objection_decided",
    );
    // Objections close with the notice.
    refused(
        store
            .lodge_objection(
                objection(c, a, "晚了", None),
                date!(2026 - 12 - 08),
                &who(),
                10,
            )
            .await,
        "err.honour.notice_over",
    );

    // Published after the period: the family is honoured, in the unit's list.
    let opened = store.campaign_in_scope(city_s, c).await.unwrap();
    store
        .publish(&opened, date!(2026 - 12 - 08), &who(), 11)
        .await
        .unwrap();
    assert_eq!(status(&store, city_s, a).await, NominationStatus::Honoured);
    let p = store.public_campaign(c).await.unwrap();
    assert_eq!(p.published_on, Some(date!(2026 - 12 - 08)));
    assert_eq!(p.entries.len(), 1);
    let honoured = store
        .honoured_in(township_s, &township, Some(2026))
        .await
        .unwrap();
    assert_eq!(honoured.len(), 1);
    assert_eq!(honoured[0].display_name, "乌云其木格家庭");
    assert!(
        store
            .honoured_in(township_s, &township, Some(2025))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store.honoured_in(yilelt_s, &township, None).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.honour_status_counts(c).await.unwrap(),
        vec![
            ("declined".to_owned(), 1),
            ("honoured".to_owned(), 1),
            ("withdrawn".to_owned(), 1)
        ]
    );
    // Every step audited, without a name or what the public wrote.
    let audit = store.honour_audit().await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    for want in [
        "honour.campaign_created",
        "honour.nominated",
        "honour.recommended",
        "honour.declined",
        "honour.shortlisted",
        "honour.notice_started",
        "honour.objection_lodged",
        "honour.objection_upheld",
        "honour.objection_dismissed",
        "honour.published",
    ] {
        assert!(actions.contains(&want), "{want} not audited: {actions:?}");
    }
    assert!(
        audit
            .iter()
            .all(|(_, d)| !d.contains("乌云其木格") && !d.contains("纠纷")),
        "{audit:?}"
    );

    // Then a woman: her own name sealed, the published one on the list.
    let mut new = campaign("woman_march8_red_banner");
    new.unit = city.id;
    let w = store
        .create_campaign(city_s, new, &who(), 20)
        .await
        .unwrap();
    let draft = NominationDraft {
        display_name: "娜仁花".into(),
        display_name_mn: None,
        person_name: Some("娜仁花".into()),
        members: None,
        employer: Some("伊利勒特嘎查卫生室".into()),
        story: "扎根牧区行医二十年。".into(),
        consent_given_by: "娜仁花".into(),
        consent_method: "oral".into(),
        consent_date: Some("2026-11-30".into()),
    };
    let n = nominate(&store, yilelt_s, w, &yilelt, draft, TODAY)
        .await
        .unwrap();
    for s in [township_s, city_s] {
        let rec = store.nomination_in_scope(s, n).await.unwrap();
        store.recommend(&rec, TODAY, &who(), 21).await.unwrap();
    }
    let opened = store.campaign_in_scope(city_s, w).await.unwrap();
    store
        .start_notice(&opened, TODAY, &who(), 22)
        .await
        .unwrap();
    store
        .honour_backdate_notice(w, date!(2026 - 11 - 20))
        .await
        .unwrap();
    let opened = store.campaign_in_scope(city_s, w).await.unwrap();
    store.publish(&opened, TODAY, &who(), 23).await.unwrap();
    let p = store.public_campaign(w).await.unwrap();
    assert_eq!(p.entries[0].display_name, "娜仁花");
    assert_eq!(p.entries[0].employer.as_deref(), Some("伊利勒特嘎查卫生室"));
    assert!(
        !store
            .honour_sealed_name(n)
            .await
            .unwrap()
            .unwrap()
            .contains("娜仁花")
    );
}

fn vault() -> Arc<Vault> {
    Arc::new(Vault::from_keys(
        KeyRing::parse("1:000102030405060708090a0b0c0d0e0f", "test").unwrap(),
    ))
}

#[tokio::test]
async fn honours_story_sqlite() {
    story(
        SqlStore::connect(&fresh_sqlite_url())
            .await
            .unwrap()
            .with_vault(vault()),
    )
    .await;
}

#[tokio::test]
async fn honours_story_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        story(SqlStore::connect(&url).await.unwrap().with_vault(vault())).await;
    }
}
