//! Demo honours: a 最美家庭 campaign of 锡林浩特市 already published (with
//! its certificates) and a 五好家庭 one on public notice, both nominated by
//! villages of 宝力根苏木 and recommended up the levels. Called by
//! `jinguo demo` through [`super::MODULE`]'s `demo` with the system handle.

use jinguo_domain::UnitCode;
use jinguo_domain::honour::{CampaignDraft, CampaignId, NominationDraft};
use jinguo_store::honours::{NewCampaign, NewNomination, Who};
use jinguo_store::model::Unit;
use jinguo_store::{HonourStore, SqlStore, UnitStore};

const CITY: &str = "152502000000";
const TOWNSHIP: &str = "152502200000";
const VILLAGES: [&str; 2] = ["152502200200", "152502200201"];

/// (family name, head's name, members, story) of the demo's fictional families.
const FAMILIES: [(&str, &str, i64, &str); 4] = [
    (
        "乌云其木格家庭",
        "乌云其木格",
        5,
        "三代同堂，夫妻和睦，孝老爱亲。带头发展舍饲养殖，帮助邻里五户牧民学习饲草种植，家中常年为嘎查老人送奶送肉。",
    ),
    (
        "萨仁高娃家庭",
        "萨仁高娃",
        4,
        "家风朴实，重视子女教育，两个孩子先后考入大学。家中设有“牧民书屋”，农闲时为嘎查妇女讲法律知识。",
    ),
    (
        "其其格家庭",
        "其其格",
        6,
        "坚持垃圾分类与草场禁牧轮牧，家庭牧场获评绿色牧场。热心公益，多年照顾独居老人。",
    ),
    (
        "图雅家庭",
        "图雅",
        3,
        "邻里和睦，调解纠纷十余起；组织嘎查妇女刺绣合作社，带动十二名妇女增收。",
    ),
];

async fn unit(store: &SqlStore, code: &str) -> anyhow::Result<Option<Unit>> {
    let Ok(code) = UnitCode::parse(code) else {
        return Ok(None);
    };
    match store.unit_by_code(&code).await {
        Ok(u) => Ok(Some(u)),
        Err(jinguo_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[expect(clippy::too_many_arguments, reason = "one call per demo campaign")]
/// One campaign through its levels: two families nominated by the
/// villages, recommended by the township, shortlisted by the city, put on
/// notice (`notice_days_ago` days ago), and published when `publish`.
async fn campaign(
    store: &SqlStore,
    city: &Unit,
    township: &Unit,
    villages: &[Unit],
    category: &str,
    title: &str,
    families: &[(&str, &str, i64, &str)],
    notice_days_ago: i64,
    publish: bool,
) -> anyhow::Result<CampaignId> {
    let today = crate::state::today(&crate::Config::default());
    let now = crate::state::now();
    let who = Who::default();
    let root = store.root_unit().await?;
    let system = store.system_scope(&root);
    let city_scope = store.system_scope(city);
    let draft = CampaignDraft {
        title: title.into(),
        // No Mongolian title: the repository holds no Mongolian for these
        // titles or the families' names, and none is made up here.
        title_mn: None,
        year: Some(i64::from(today.year())),
        category: category.into(),
        nominating_level: "village".into(),
        quota: Some(2),
        nomination_deadline: jinguo_domain::activity::format_date(today),
        review_deadline: jinguo_domain::activity::format_date(today),
        notice_days: Some(7),
    };
    let fields = draft
        .validate(today)
        .map_err(|e| anyhow::anyhow!("demo campaign: {e:?}"))?;
    let id = store
        .create_campaign(
            system,
            NewCampaign {
                unit: city.id,
                fields,
                participants: None,
            },
            &who,
            now,
        )
        .await?;
    let c = store.campaign_in_scope(system, id).await?;
    let mut noms = Vec::new();
    for (village, (name, head, members, story)) in villages.iter().zip(families) {
        let f = NominationDraft {
            display_name: (*name).into(),
            display_name_mn: None,
            person_name: Some((*head).into()),
            members: Some(*members),
            employer: None,
            story: (*story).into(),
            consent_given_by: (*head).into(),
            consent_method: "written".into(),
            consent_date: None,
        }
        .validate(c.fields.subject, today)
        .map_err(|e| anyhow::anyhow!("demo nomination: {e:?}"))?;
        noms.push(
            store
                .nominate(
                    &c,
                    NewNomination {
                        unit: village.id,
                        fields: f,
                        household: None,
                    },
                    today,
                    &who,
                    now,
                )
                .await?,
        );
    }
    // Each level acts in its own scope: the township, then the city.
    for level in [township, city] {
        let scope = store.system_scope(level);
        for n in &noms {
            let rec = store.nomination_in_scope(scope, *n).await?;
            store.recommend(&rec, today, &who, now).await?;
        }
    }
    let c = store.campaign_in_scope(city_scope, id).await?;
    let start = today - time::Duration::days(notice_days_ago);
    store.start_notice(&c, start, &who, now).await?;
    if publish {
        let c = store.campaign_in_scope(city_scope, id).await?;
        store.publish(&c, today, &who, now).await?;
    }
    Ok(id)
}

/// Fills the demo's two campaigns, once.
pub async fn fill(store: &SqlStore) -> anyhow::Result<u64> {
    let (Some(city), Some(township)) = (unit(store, CITY).await?, unit(store, TOWNSHIP).await?)
    else {
        return Ok(0);
    };
    let mut villages = Vec::new();
    for v in VILLAGES {
        if let Some(u) = unit(store, v).await? {
            villages.push(u);
        }
    }
    let root = store.root_unit().await?;
    let system = store.system_scope(&root);
    if !store
        .campaigns_for(system, &city, jinguo_store::model::Page::new(1, 0))
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    campaign(
        store,
        &city,
        &township,
        &villages,
        "family_most_beautiful",
        "锡林浩特市“最美家庭”评选",
        &FAMILIES[..2],
        10,
        true,
    )
    .await?;
    campaign(
        store,
        &city,
        &township,
        &villages,
        "family_five_good",
        "锡林浩特市“五好家庭”评选",
        &FAMILIES[2..],
        1,
        false,
    )
    .await?;
    tracing::info!("demo honours: one campaign published, one on public notice");
    Ok(2)
}
