//! Demo family-education sites under 锡林浩特市, with a few counsellors and
//! guidance sessions, so the registry, its coverage, a site's page and the
//! roster have something to show on first start. Called by `jinguo demo`
//! through [`super::MODULE`]'s `demo` with the system handle.

use jinguo_domain::family_site::{CounsellorDraft, SiteDraft, SiteStatus};
use jinguo_domain::{ActivityDraft, Level, UnitCode, UnitKind};
use jinguo_store::family_sites::{NewCounsellor, NewSite};
use jinguo_store::model::NewActivity;
use jinguo_store::{FamilySiteStore, SqlStore, UnitStore};
use time::{Date, Duration};

/// 锡林浩特市, where the demo accounts work.
const CITY: &str = "152502000000";

const COUNSELLORS: &[(&str, &str)] = &[
    ("萨仁高娃", "家庭教育指导师（高级）"),
    ("王丽华", "家庭教育指导师（中级）"),
    ("乌日娜", "心理咨询师（三级）"),
];

fn day(today: Date, back: i64) -> String {
    jinguo_domain::activity::format_date(today - Duration::days(back))
}

/// A parent school at the city, a guidance station at each of its first
/// townships, guidance points or children's homes in half of their
/// villages (one suspended), three counsellors and a few sessions.
/// Deterministic, and only when the city has no site yet.
pub async fn fill(store: &SqlStore) -> anyhow::Result<u64> {
    let Ok(code) = UnitCode::parse(CITY) else {
        return Ok(0);
    };
    let Ok(city) = store.unit_by_code(&code).await else {
        return Ok(0);
    };
    let root = store.root_unit().await?;
    let scope = store.system_scope(&root);
    if store.site_coverage(scope, &city).await?.counts.active > 0 {
        return Ok(0);
    }
    let now = crate::state::now();
    let today = time::OffsetDateTime::now_utc().date();
    let mut sites = Vec::new();
    let add = |unit, kind: &str, name: String, status: SiteStatus, est: &str| {
        (
            unit,
            SiteDraft {
                kind: kind.to_owned(),
                address: format!("{name}（党群服务中心）"),
                name,
                status: Some(status.as_str().to_owned()),
                established_on: Some(est.to_owned()),
            },
        )
    };
    let mut drafts = vec![add(
        city.id,
        "parent_school",
        "锡林浩特市家长学校".to_owned(),
        SiteStatus::Active,
        "2019-09-01",
    )];
    let townships: Vec<_> = store
        .children(city.id)
        .await?
        .into_iter()
        .filter(|c| c.active && c.kind == UnitKind::Geo && c.level == Level::TOWNSHIP)
        .take(4)
        .collect();
    for (i, t) in townships.iter().enumerate() {
        drafts.push(add(
            t.id,
            "guidance_station",
            format!("{}家庭教育指导服务站", t.name),
            SiteStatus::Active,
            "2021-05-15",
        ));
        let villages = store.children(t.id).await?;
        for (j, v) in villages
            .iter()
            .filter(|v| v.active && v.kind == UnitKind::Geo && v.level == Level::VILLAGE)
            .enumerate()
        {
            if j % 2 == 1 {
                continue;
            }
            let (kind, suffix) = if (i + j) % 3 == 0 {
                ("children_home", "儿童之家")
            } else {
                ("guidance_point", "家庭教育指导服务点")
            };
            let status = if i == 1 && j == 2 {
                SiteStatus::Suspended
            } else {
                SiteStatus::Active
            };
            drafts.push(add(
                v.id,
                kind,
                format!("{}{suffix}", v.name),
                status,
                "2023-03-08",
            ));
        }
    }
    let mut written = 0;
    for (unit, d) in drafts {
        let Ok(fields) = d.validate(today) else {
            continue;
        };
        let id = store
            .create_site(
                scope,
                NewSite {
                    unit,
                    fields,
                    by: None,
                },
                now,
            )
            .await?;
        sites.push(id);
        written += 1;
    }
    // Sessions at the first few sites, over the last months.
    for (k, id) in sites.iter().take(5).enumerate() {
        let site = store.site_in_scope(scope, *id).await?;
        for n in 0..(3 - k as i64 % 3) {
            let draft = ActivityDraft {
                date: day(today, 12 + 37 * n + 5 * k as i64),
                type_key: if n % 2 == 0 {
                    "family_education"
                } else {
                    "send_family_edu"
                }
                .to_owned(),
                program_key: Some("happy_family".to_owned()),
                title: ["家庭教育公益讲座", "亲子阅读指导", "隔代教养交流会"][n as usize % 3]
                    .to_owned(),
                title_mn: None,
                place: Some(site.fields.name.clone()),
                participants: Some(18 + 4 * n + k as i64),
                women: Some(12 + 3 * n),
                summary: None,
            };
            let Ok(fields) = draft.validate(today) else {
                continue;
            };
            store
                .record_session(
                    &site,
                    NewActivity {
                        unit: site.unit.id,
                        fields,
                        by: None,
                    },
                    None,
                    now,
                )
                .await?;
            written += 1;
        }
    }
    for (i, (name, qualification)) in COUNSELLORS.iter().enumerate() {
        let served: Vec<i64> = sites
            .iter()
            .skip(i)
            .step_by(3)
            .take(3)
            .map(|s| s.get())
            .collect();
        let Ok(fields) = (CounsellorDraft {
            name: (*name).to_owned(),
            qualification: (*qualification).to_owned(),
            sites: served,
        })
        .validate() else {
            continue;
        };
        store
            .create_counsellor(
                scope,
                NewCounsellor {
                    unit: city.id,
                    fields,
                    by: None,
                },
                now,
            )
            .await?;
        written += 1;
    }
    tracing::info!(records = written, "demo family-education sites registered");
    Ok(written)
}
