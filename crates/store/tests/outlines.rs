//! Outline monitoring through the store, on SQLite and on PostgreSQL: the
//! catalogue per plan period, the stricter-only target cascade, a
//! department reporter's report at her own unit only, submit, approve and
//! return, locked approved reports, and the approved figures of a subtree.

use jinguo_domain::outline::{
    CheckedEntry, Department, EntryDraft, FigureDraft, IndicatorDraft, IndicatorSpec,
    OutlineReportStatus, PlanPeriod, check_entry,
};
use jinguo_domain::{Role, Roles, UnitCode, Username};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{NewUser, Unit};
use jinguo_store::outlines::{Decision, NewTarget, Who};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url, scalar};
use jinguo_store::{
    BUNDLED_DIVISIONS_CSV, OutlineStore, SqlStore, StoreError, UnitStore, UserStore,
};

const REGION: &str = "150000000000";
const XILINGOL: &str = "152500000000";
const ERENHOT: &str = "152501000000";
const XILINHOT: &str = "152502000000";
const BAOLIGEN: &str = "152502200000";
const BAOTOU: &str = "150200000000";

fn subset() -> String {
    let mut out = String::from("code,name,parent_code,level\n");
    for line in BUNDLED_DIVISIONS_CSV.lines().skip(1) {
        if [REGION, XILINGOL, ERENHOT, XILINHOT, BAOLIGEN, BAOTOU].contains(&&line[..12]) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

async fn unit(store: &SqlStore, code: &str) -> Unit {
    store
        .unit_by_code(&UnitCode::parse(code).unwrap())
        .await
        .unwrap()
}

fn indicator(code: &str, unit: &str, department: &str, sexes: bool) -> IndicatorSpec {
    let ratio = unit != "count";
    IndicatorSpec::try_from(IndicatorDraft {
        code: code.into(),
        outline: "women".into(),
        domain_no: Some(1),
        goal: "演示目标".into(),
        name: format!("演示指标 {code}"),
        unit: unit.into(),
        numerator: if ratio {
            "分子".into()
        } else {
            String::new()
        },
        denominator: if ratio {
            "分母".into()
        } else {
            String::new()
        },
        direction: if unit == "per_100k" {
            "at_most"
        } else {
            "at_least"
        }
        .into(),
        department: department.into(),
        levels: "1,2,3".into(),
        sex_disaggregated: sexes,
        source: "演示".into(),
        jump_percent: None,
        demo: true,
    })
    .unwrap()
}

fn ratio_entry(spec: &IndicatorSpec, n: f64, d: f64) -> CheckedEntry {
    check_entry(
        spec,
        &EntryDraft {
            total: FigureDraft {
                numerator: Some(n),
                denominator: Some(d),
                value: None,
            },
            ..Default::default()
        },
        None,
    )
    .unwrap()
}

fn who() -> Who {
    Who::default()
}

async fn story(store: SqlStore) {
    let records = read_division_csv(subset().as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let period = PlanPeriod::parse("2021-2030").unwrap();
    let region = store.root_unit().await.unwrap();
    let league = unit(&store, XILINGOL).await;
    let banner = unit(&store, XILINHOT).await;
    let erenhot = unit(&store, ERENHOT).await;
    let township = unit(&store, BAOLIGEN).await;
    let baotou = unit(&store, BAOTOU).await;
    let all = store.system_scope(&region);
    let league_office = store.system_scope(&league);
    let baotou_office = store.system_scope(&baotou);

    // The catalogue: written at the region only, all or nothing.
    let mmr = indicator("W1.1", "per_100k", "health", false);
    let school = indicator("W2.1", "percent", "education", true);
    assert!(matches!(
        store
            .save_indicators(league_office, period, std::slice::from_ref(&mmr), &who(), 1)
            .await,
        Err(StoreError::NotFound)
    ));
    let ids = store
        .save_indicators(all, period, &[mmr.clone(), school.clone()], &who(), 1)
        .await
        .unwrap();
    let (mmr_id, school_id) = (ids[0], ids[1]);
    let cat = store.indicators(period, None).await.unwrap();
    assert_eq!(cat.len(), 2);
    assert_eq!(cat[0].spec, mmr);
    let health = Department::parse("health").unwrap();
    assert_eq!(
        store.indicators(period, Some(&health)).await.unwrap().len(),
        1
    );
    // A later plan period has its own catalogue.
    let next = PlanPeriod::parse("2031-2040").unwrap();
    assert!(store.indicators(next, None).await.unwrap().is_empty());
    // Saving again by code replaces, it does not add.
    let mut renamed = mmr.clone();
    renamed.name = "孕产妇死亡率（演示）".into();
    assert_eq!(
        store
            .save_indicators(all, period, &[renamed.clone()], &who(), 2)
            .await
            .unwrap(),
        vec![mmr_id]
    );
    assert_eq!(store.indicators(period, None).await.unwrap().len(), 2);

    // Targets: at most 12 at the region; the league may ask 10, not 14;
    // the banner inherits 10 and may not set 11.
    let target = |unit: &Unit, value: f64| NewTarget {
        indicator: mmr_id,
        unit: unit.id,
        year: 2030,
        value,
        official: false,
    };
    store
        .set_target(all, target(&region, 12.0), &who(), 3)
        .await
        .unwrap();
    let looser = store
        .set_target(league_office, target(&league, 14.0), &who(), 4)
        .await;
    assert!(
        matches!(
            looser,
            Err(StoreError::Refused {
                field: "value",
                key: "err.outline.target_looser"
            })
        ),
        "{looser:?}"
    );
    store
        .set_target(league_office, target(&league, 10.0), &who(), 5)
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_target(all, target(&banner, 11.0), &who(), 6)
            .await,
        Err(StoreError::Refused { .. })
    ));
    store
        .set_target(all, target(&banner, 9.0), &who(), 7)
        .await
        .unwrap();
    // Out of scope and below the banner: not found.
    assert!(matches!(
        store
            .set_target(baotou_office, target(&banner, 8.0), &who(), 8)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .set_target(all, target(&township, 8.0), &who(), 8)
            .await,
        Err(StoreError::NotFound)
    ));
    let chain = store.targets_for(all, &banner, period).await.unwrap();
    let values: Vec<f64> = chain.iter().map(|t| t.value).collect();
    assert_eq!(values, [12.0, 10.0, 9.0]);
    // From the league: its ancestors, itself and its subtree.
    let below = store
        .targets_for(league_office, &league, period)
        .await
        .unwrap();
    assert_eq!(below.len(), 3);
    let erenhot_targets = store.targets_for(all, &erenhot, period).await.unwrap();
    let values: Vec<f64> = erenhot_targets.iter().map(|t| t.value).collect();
    assert_eq!(values, [12.0, 10.0]);
    assert_eq!(
        scalar(&store, "SELECT COUNT(*) FROM outline_targets").await,
        Some(3)
    );

    // A health-bureau reporter of Xilinhot.
    let reporter = store
        .create_user(
            all,
            NewUser {
                username: Username::parse("xlht-health").unwrap(),
                password_hash: "x".into(),
                unit: banner.id,
                roles: Roles::new(vec![Role::Department]).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let cadre = store
        .create_user(
            all,
            NewUser {
                username: Username::parse("xlht-cadre").unwrap(),
                password_hash: "x".into(),
                unit: banner.id,
                roles: Roles::new(vec![Role::Cadre]).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_reporter_department(all, cadre, &health, &who(), 9)
            .await,
        Err(StoreError::Refused { .. })
    ));
    store
        .set_reporter_department(all, reporter, &health, &who(), 9)
        .await
        .unwrap();
    let reporter_user = store
        .user_in_scope(all, reporter)
        .await
        .unwrap()
        .into_inner();
    let her = store.scope_of_user(&reporter_user, &banner).unwrap();
    assert_eq!(
        store.reporter_department(her).await.unwrap(),
        Some(health.clone())
    );
    assert_eq!(store.reporter_department(all).await.unwrap(), None);

    // Her own unit, her own department's indicators only.
    let entries = [(mmr_id, ratio_entry(&renamed, 1.0, 8_000.0))];
    let r = store
        .save_outline_report(her, &banner, period, 2024, &health, &entries, &who(), 10)
        .await
        .unwrap();
    assert_eq!(r.head.status, OutlineReportStatus::Draft);
    assert_eq!(r.values.len(), 1);
    let not_hers = [(school_id, ratio_entry(&renamed, 1.0, 2.0))];
    assert!(matches!(
        store
            .save_outline_report(her, &banner, period, 2024, &health, &not_hers, &who(), 11)
            .await,
        Err(StoreError::Refused {
            field: "indicator",
            key: "err.outline.not_your_indicator"
        })
    ));
    for other in [&league, &erenhot] {
        assert!(matches!(
            store
                .save_outline_report(her, other, period, 2024, &health, &entries, &who(), 11)
                .await,
            Err(StoreError::NotFound)
        ));
    }
    // Saving again replaces the figure.
    let entries = [(mmr_id, ratio_entry(&renamed, 2.0, 8_000.0))];
    let r = store
        .save_outline_report(her, &banner, period, 2024, &health, &entries, &who(), 12)
        .await
        .unwrap();
    assert_eq!(r.values.len(), 1);
    // Review needs a submitted report.
    assert!(matches!(
        store
            .review_outline_report(
                league_office,
                &banner,
                2024,
                &health,
                Decision::Approve,
                &who(),
                13
            )
            .await,
        Err(StoreError::Refused {
            key: "err.outline.not_submitted",
            ..
        })
    ));
    let r = store
        .submit_outline_report(her, &banner, 2024, &health, &who(), 14)
        .await
        .unwrap();
    assert_eq!(r.head.status, OutlineReportStatus::Submitted);
    assert!(matches!(
        store
            .save_outline_report(her, &banner, period, 2024, &health, &entries, &who(), 15)
            .await,
        Err(StoreError::Refused {
            key: "err.outline.report_locked",
            ..
        })
    ));
    let pending = store
        .outline_reports_under(
            league_office,
            &league,
            2024,
            Some(OutlineReportStatus::Submitted),
        )
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].unit.code.as_str(), XILINHOT);
    // Another league's office does not see it.
    assert!(matches!(
        store
            .review_outline_report(
                baotou_office,
                &banner,
                2024,
                &health,
                Decision::Approve,
                &who(),
                16
            )
            .await,
        Err(StoreError::NotFound)
    ));
    // Not approved yet: no approved figures.
    assert!(
        store
            .approved_values(league_office, &league, &[2024])
            .await
            .unwrap()
            .is_empty()
    );
    let r = store
        .review_outline_report(
            league_office,
            &banner,
            2024,
            &health,
            Decision::Approve,
            &who(),
            17,
        )
        .await
        .unwrap();
    assert_eq!(r.head.status, OutlineReportStatus::Approved);
    // An approved report cannot be edited nor handed in again.
    assert!(matches!(
        store
            .save_outline_report(her, &banner, period, 2024, &health, &entries, &who(), 18)
            .await,
        Err(StoreError::Refused {
            key: "err.outline.report_locked",
            ..
        })
    ));
    assert!(matches!(
        store
            .submit_outline_report(her, &banner, 2024, &health, &who(), 18)
            .await,
        Err(StoreError::Refused { .. })
    ));
    let values = store
        .approved_values(league_office, &league, &[2023, 2024])
        .await
        .unwrap();
    assert_eq!(values.len(), 1);
    assert_eq!(values[0].unit, banner.id);
    assert_eq!(values[0].entry, entries[0].1.entry);

    // Erenhot's report is returned with a reason and can be edited again.
    let erenhot_scope = store.system_scope(&erenhot);
    store
        .save_outline_report(
            erenhot_scope,
            &erenhot,
            period,
            2024,
            &health,
            &entries,
            &who(),
            20,
        )
        .await
        .unwrap();
    store
        .submit_outline_report(erenhot_scope, &erenhot, 2024, &health, &who(), 21)
        .await
        .unwrap();
    let r = store
        .review_outline_report(
            league_office,
            &erenhot,
            2024,
            &health,
            Decision::Return("活产数与统计年鉴不符".into()),
            &who(),
            22,
        )
        .await
        .unwrap();
    assert_eq!(r.head.status, OutlineReportStatus::Returned);
    assert_eq!(
        r.head.return_reason.as_deref(),
        Some("活产数与统计年鉴不符")
    );
    store
        .save_outline_report(
            erenhot_scope,
            &erenhot,
            period,
            2024,
            &health,
            &entries,
            &who(),
            23,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .approved_values(all, &region, &[2024])
            .await
            .unwrap()
            .len(),
        1
    );
    // The reporting units: the league, then its banners (no township).
    let units = store.reporting_units(all, &league).await.unwrap();
    let codes: Vec<&str> = units.iter().map(|u| u.unit.code.as_str()).collect();
    assert_eq!(codes, [XILINGOL, ERENHOT, XILINHOT]);
    // Every step left its audit entry.
    assert_eq!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'outline.%'"
        )
        .await,
        Some(14)
    );
}

#[tokio::test]
async fn outlines_story_sqlite() {
    story(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test]
async fn outlines_story_postgres() {
    if let PostgresTarget::Fresh(url) = fresh_postgres().await {
        story(SqlStore::connect(&url).await.unwrap()).await;
    }
}
