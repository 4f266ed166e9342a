//! Demo demonstration sites under 锡林郭勒盟 and 锡林浩特市: the league
//! designates a village federation (evaluated for last year), the city
//! designates the same federation at its own level and a Women's Home, and
//! a designation of another federation that the city revoked. Called by
//! `jinguo demo` through [`super::MODULE`]'s `demo` with the system handle,
//! after the homes and organisations modules have filled theirs.

use jinguo_domain::UnitCode;
use jinguo_domain::demonstration::{DesignationDraft, EvaluationDraft, ItemDraft, SiteKind};
use jinguo_store::demonstrations::{DemoWho, DemonstrationFilter, NewDemonstration};
use jinguo_store::model::Unit;
use jinguo_store::{DemonstrationStore, SqlStore, StoreError, UnitStore};

const LEAGUE: &str = "152500000000";
const CITY: &str = "152502000000";

async fn unit(store: &SqlStore, code: &str) -> anyhow::Result<Option<Unit>> {
    let Ok(code) = UnitCode::parse(code) else {
        return Ok(None);
    };
    match store.unit_by_code(&code).await {
        Ok(u) => Ok(Some(u)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn draft(from: &str, to: &str, reason: &str, items: &[(&str, i64)]) -> DesignationDraft {
    DesignationDraft {
        period_from: from.into(),
        period_to: to.into(),
        reason: reason.into(),
        items: items
            .iter()
            .map(|(l, w)| ItemDraft {
                label: (*l).into(),
                weight: Some(*w),
            })
            .collect(),
    }
}

/// Writes the demo designations once (none yet under the league).
pub async fn fill(store: &SqlStore) -> anyhow::Result<u64> {
    let (Some(league), Some(city)) = (unit(store, LEAGUE).await?, unit(store, CITY).await?) else {
        return Ok(0);
    };
    let league_scope = store.system_scope(&league);
    let today = crate::state::today(&crate::Config::default());
    if !store
        .demonstrations_filtered(
            league_scope,
            &league,
            &DemonstrationFilter::default(),
            today,
            jinguo_store::model::Page::new(1, 0),
        )
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let sites = store
        .demonstration_sites(store.system_scope(&city), &city, None, 500)
        .await?;
    // Village federations first: a demonstration is grassroots work.
    let mut orgs: Vec<_> = sites
        .iter()
        .filter(|s| s.site.kind == SiteKind::Organisation)
        .collect();
    orgs.sort_by_key(|s| !s.unit_name.contains("嘎查"));
    let home = sites.iter().find(|s| s.site.kind == SiteKind::Home);
    let (Some(org1), Some(org2)) = (orgs.first(), orgs.get(1)) else {
        return Ok(0);
    };
    let who = DemoWho::default();
    let now = crate::state::now();
    let year = today.year();
    let league_sheet = [
        ("组织建设（班子健全、制度完善）", 25),
        ("阵地建设（妇女之家规范使用）", 20),
        ("活动开展（十送等活动经常）", 35),
        ("群众评价", 20),
    ];
    let city_sheet = [("组织建设", 30), ("阵地建设", 30), ("活动开展", 40)];
    let mut made = 0;

    // The league's demonstration, evaluated for last year.
    let f = draft(
        &format!("{}-01-01", year - 1),
        &format!("{}-12-31", year + 1),
        "班子健全，妇女之家常年开放，连续三年开展“十送”活动，群众满意度高。",
        &league_sheet,
    )
    .validate()
    .map_err(|e| anyhow::anyhow!("demo designation: {e:?}"))?;
    let id = store
        .create_demonstration(
            league_scope,
            NewDemonstration {
                designator: league.id,
                site: org1.site,
                fields: f,
            },
            &who,
            now,
        )
        .await?;
    made += 1;
    let d = store.demonstration_in_scope(league_scope, id).await?;
    let eval = EvaluationDraft {
        year: Some(i64::from(year - 1)),
        scores: vec![Some(23), Some(18), Some(31), Some(19)],
        note: Some("实地查看并听取汇报，各项工作达到示范标准。".into()),
    }
    .validate(&d.items, d.from, d.to, today)
    .map_err(|e| anyhow::anyhow!("demo evaluation: {e:?}"))?;
    store
        .evaluate_demonstration(&d, &eval, today, &who, now)
        .await?;

    // The city's own: the same federation at its level, and a home.
    let city_scope = store.system_scope(&city);
    let mut city_sites = vec![(
        org1.site,
        "基层妇联组织建设示范，带动周边嘎查开展妇女议事会。",
    )];
    if let Some(h) = home {
        city_sites.push((
            h.site,
            "妇女之家规范化建设示范，开放时间固定，活动台账齐全。",
        ));
    }
    for (site, reason) in city_sites {
        let f = draft(
            &format!("{year}-01-01"),
            &format!("{}-12-31", year + 2),
            reason,
            &city_sheet,
        )
        .validate()
        .map_err(|e| anyhow::anyhow!("demo designation: {e:?}"))?;
        store
            .create_demonstration(
                city_scope,
                NewDemonstration {
                    designator: city.id,
                    site,
                    fields: f,
                },
                &who,
                now,
            )
            .await?;
        made += 1;
    }

    // One the city revoked.
    let f = draft(
        &format!("{}-01-01", year - 2),
        &format!("{year}-12-31"),
        "妇联换届后组织健全，曾获评旗级示范。",
        &city_sheet,
    )
    .validate()
    .map_err(|e| anyhow::anyhow!("demo designation: {e:?}"))?;
    let id = store
        .create_demonstration(
            city_scope,
            NewDemonstration {
                designator: city.id,
                site: org2.site,
                fields: f,
            },
            &who,
            now,
        )
        .await?;
    let d = store.demonstration_in_scope(city_scope, id).await?;
    store
        .revoke_demonstration(
            &d,
            "换届未按期完成，经复核撤销示范称号，整改后可重新申报。",
            &who,
            now,
        )
        .await?;
    made += 1;
    Ok(made)
}
