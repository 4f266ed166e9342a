//! Demo organisations: a federation with a 7-person committee for every
//! village of 锡林浩特市, with terms started 2021–2025 so some are overdue
//! for election. The names are fictional and the phones 1380000xxxx.
//! Called by `jinguo demo` through [`super::MODULE`]'s `demo` with the
//! system handle; the benchmark uses [`fill_villages`] for the whole region.

use jinguo_domain::UnitCode;
use jinguo_domain::organisation::{MemberDraft, OrgDraft};
use jinguo_store::model::Unit;
use jinguo_store::organisations::NewOrganisation;
use jinguo_store::{OrganisationStore, SqlStore, StoreError, UnitStore};

const CITY: &str = "152502000000";

const GIVEN: [&str; 12] = [
    "乌云",
    "萨仁",
    "其其格",
    "图雅",
    "娜仁",
    "高娃",
    "斯琴",
    "额尔敦",
    "王丽",
    "李娟",
    "张敏",
    "刘芳",
];
const ETHNICITY: [&str; 5] = ["mongol", "mongol", "han", "mongol", "daur"];
const EDUCATION: [&str; 5] = [
    "junior_high",
    "senior_high",
    "vocational",
    "college",
    "bachelor",
];
const POLITICAL: [&str; 3] = ["cpc_member", "masses", "youth_league"];

/// A 7-person committee, varied by `seed`.
pub fn committee(seed: usize) -> Vec<MemberDraft> {
    (0..7)
        .map(|i| {
            let k = seed * 7 + i;
            MemberDraft {
                role: match i {
                    0 => "chair",
                    1 | 2 => "vice_chair",
                    _ => "member",
                }
                .into(),
                name: format!(
                    "{}{}",
                    GIVEN[k % GIVEN.len()],
                    ["", "其木格", "花", "娃"][k % 4]
                ),
                sex: "F".into(),
                ethnicity: ETHNICITY[k % ETHNICITY.len()].into(),
                birth_year: Some(1965 + (k * 7 % 38) as i32),
                education: EDUCATION[k % EDUCATION.len()].into(),
                political: POLITICAL[k % POLITICAL.len()].into(),
                phone: Some(format!("1380000{:04}", k % 10_000)),
                full_time: i == 0 && seed.is_multiple_of(3),
                on_village_committee: i == 0 && !seed.is_multiple_of(4),
            }
        })
        .collect()
}

/// The organisation of village number `seed`, ready for the store.
pub fn village_org(v: &Unit, seed: usize, today: time::Date) -> anyhow::Result<NewOrganisation> {
    let parsed = OrgDraft {
        name: format!("{}妇联", v.name),
        kind: if v.name.contains("社区") {
            "community"
        } else {
            "village"
        }
        .into(),
        field: None,
        established_on: format!("{}-03-08", 2010 + seed % 8),
        term_start: format!("{}-{:02}-15", 2021 + seed % 5, 1 + seed % 12),
        term_years: Some(5),
        next_election_due: None,
        members: committee(seed),
    }
    .parse(v.level, v.kind, today)
    .map_err(|e| anyhow::anyhow!("demo organisation of {}: {e:?}", v.code))?;
    Ok(NewOrganisation {
        unit: v.id,
        fields: parsed.fields,
        term: parsed.term,
        committee: parsed.committee,
        by: None,
    })
}

/// An organisation for every active geographic village of `root`'s
/// subtree that has none yet; returns how many were made.
pub async fn fill_villages(
    store: &SqlStore,
    root: &Unit,
    today: time::Date,
    now: i64,
) -> anyhow::Result<u64> {
    let scope = store.system_scope(root);
    let mut stack = vec![root.clone()];
    let mut made = 0;
    let mut seed = 0;
    while let Some(u) = stack.pop() {
        for c in store.children(u.id).await? {
            if !c.active || c.kind != jinguo_domain::UnitKind::Geo {
                continue;
            }
            if c.level == jinguo_domain::Level::VILLAGE {
                seed += 1;
                match store
                    .create_organisation(scope, village_org(&c, seed, today)?, now)
                    .await
                {
                    Ok(_) => made += 1,
                    Err(StoreError::Refused {
                        key: "err.org.exists",
                        ..
                    }) => {}
                    Err(e) => return Err(e.into()),
                }
            } else {
                stack.push(c);
            }
        }
    }
    Ok(made)
}

/// Sector organisations of the city (新领域): (name, field).
const SECTORS: [(&str, &str); 3] = [
    ("锡林浩特市女企业家协会", "entrepreneurs"),
    ("锡林浩特经济技术开发区", "park"),
    ("锡林浩特市快递物流行业", "new_economy"),
];

pub async fn fill(store: &SqlStore) -> anyhow::Result<u64> {
    let Ok(code) = UnitCode::parse(CITY) else {
        return Ok(0);
    };
    let city = match store.unit_by_code(&code).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let scope = store.system_scope(&city);
    // Once: a second start finds the city's villages organised already.
    if store
        .organisations_under(scope, &city, None, jinguo_store::model::Page::new(1, 0))
        .await?
        .is_empty()
    {
        let today = crate::state::today(&crate::Config::default());
        let now = crate::state::now();
        let mut made = fill_villages(store, &city, today, now).await?;
        for (i, (name, field)) in SECTORS.into_iter().enumerate() {
            let unit = store
                .create_sector(
                    scope,
                    jinguo_store::model::NewSector {
                        parent: city.id,
                        name: name.to_owned(),
                        name_mn: None,
                    },
                )
                .await?;
            let parsed = OrgDraft {
                name: format!("{name}妇联"),
                kind: "sector".into(),
                field: Some(field.into()),
                established_on: "2019-03-08".into(),
                term_start: "2022-03-08".into(),
                term_years: Some(5),
                next_election_due: None,
                members: committee(1000 + i),
            }
            .parse(unit.level, unit.kind, today)
            .map_err(|e| anyhow::anyhow!("demo sector organisation: {e:?}"))?;
            store
                .create_organisation(
                    scope,
                    NewOrganisation {
                        unit: unit.id,
                        fields: parsed.fields,
                        term: parsed.term,
                        committee: parsed.committee,
                        by: None,
                    },
                    now,
                )
                .await?;
            made += 1;
        }
        tracing::info!(
            organisations = made,
            "demo federations with committees recorded"
        );
        return Ok(made);
    }
    Ok(0)
}
