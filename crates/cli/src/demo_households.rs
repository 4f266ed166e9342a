//! Demo households and home visits in the demo users' villages, so the
//! visit pages are alive on first start. The people are invented; their ID
//! numbers carry valid check digits and are sealed like real ones.

use jinguo_domain::UnitCode;
use jinguo_domain::household::HouseholdInput;
use jinguo_domain::need::{Resolution, Urgency};
use jinguo_domain::{HouseholdId, UnitId, UserId, VisitId};
use jinguo_store::Scope;
use jinguo_store::model::{NeedSource, NewHousehold, NewNeed, NewVisit, Page};
use jinguo_store::{HouseholdStore, NeedStore, SqlStore, UnitStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Villages that get households: the demo accounts `yilelt` and `hanaula`.
const VILLAGES: &[&str] = &["152502200200", "152502200201"];
const HOUSEHOLDS_PER_VILLAGE: usize = 12;

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "赵", "包", "白", "乌", "其", "巴"];
const WOMEN: &[&str] = &[
    "其其格",
    "萨仁",
    "娜仁",
    "乌云",
    "斯琴",
    "桂兰",
    "秀英",
    "海燕",
    "春梅",
    "托娅",
];
const MEN: &[&str] = &[
    "巴特尔",
    "额尔敦",
    "宝音",
    "建国",
    "志强",
    "苏和",
    "满都拉",
    "国庆",
];
const CHILDREN: &[&str] = &["小雪", "阳阳", "乐乐", "朵朵", "天宇", "诺敏"];
const TAGS: &[&str] = &[
    "hardship",
    "left_behind_children",
    "left_behind_women",
    "elderly_alone",
    "disability",
    "single_mother",
    "serious_illness",
];

/// The 18-character ID number for an area, birth date and sequence, with
/// its GB 11643 check character.
fn id_number(area: &str, year: i32, month: u8, day: u8, seq: u16) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let body = format!("{area}{year:04}{month:02}{day:02}{seq:03}");
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize] as char)
}

/// Records the demo households and a visit or two each, once: nothing
/// happens when households exist already.
pub async fn fill(store: &SqlStore, today: time::Date) -> anyhow::Result<usize> {
    let root = store.root_unit().await?;
    let scope = store.system_scope(&root);
    if !store
        .households_under(scope, &root, Page::new(1, 0))
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let Some(by) = store
        .all_users()
        .await?
        .into_iter()
        .find(|u| u.username.as_str() == "yilelt")
        .map(|u| u.id)
    else {
        return Ok(0);
    };
    let mut rng = StdRng::seed_from_u64(5);
    let mut made = 0;
    for code in VILLAGES {
        let unit = store.unit_by_code(&UnitCode::parse(code)?).await?;
        for n in 0..HOUSEHOLDS_PER_VILLAGE {
            let surname = SURNAMES[rng.gen_range(0..SURNAMES.len())];
            let woman = format!("{surname}{}", WOMEN[rng.gen_range(0..WOMEN.len())]);
            let year = rng.gen_range(1958..2000);
            let (month, day) = (rng.gen_range(1..=12), rng.gen_range(1..=28));
            let mut members = vec![serde_json::json!({
                "name": woman, "sex": "F", "birth_year": year, "relation": "head",
                "ethnicity": if rng.gen_ratio(1, 2) { "蒙古族" } else { "汉族" },
                "id_number": id_number("152502", year, month, day, rng.gen_range(1..500) * 2),
                "phone": format!("138{:08}", rng.gen_range(0..100_000_000)),
            })];
            if rng.gen_ratio(2, 3) {
                members.push(serde_json::json!({
                    "name": format!("{}{}", SURNAMES[rng.gen_range(0..SURNAMES.len())], MEN[rng.gen_range(0..MEN.len())]),
                    "sex": "M", "birth_year": year - rng.gen_range(0..5), "relation": "spouse",
                }));
            }
            if rng.gen_ratio(1, 2) {
                members.push(serde_json::json!({
                    "name": format!("{surname}{}", CHILDREN[rng.gen_range(0..CHILDREN.len())]),
                    "sex": if rng.gen_ratio(1, 2) { "F" } else { "M" },
                    "birth_year": today.year() - rng.gen_range(3..13), "relation": "child",
                    "guardian": {"given_by": woman, "method": "written"},
                }));
            }
            let input: HouseholdInput = serde_json::from_value(serde_json::json!({
                "address": format!("{}组 {} 号", n % 4 + 1, rng.gen_range(1..80)),
                "members": members,
                "consent": {"given_by": woman, "method": "oral"},
            }))?;
            let household = input
                .parse(today)
                .map_err(|e| anyhow::anyhow!("demo household does not parse: {e:?}"))?;
            let id = store
                .create_household(
                    scope,
                    NewHousehold {
                        unit: unit.id,
                        household,
                        by,
                    },
                    jinguo_app::state::now(),
                )
                .await?;
            let mut last_visit = None;
            for _ in 0..rng.gen_range(1..3) {
                let tags: Vec<String> = TAGS
                    .iter()
                    .filter(|_| rng.gen_ratio(1, 6))
                    .map(|t| (*t).to_owned())
                    .collect();
                let date = today - time::Duration::days(rng.gen_range(0..150));
                let visit = store
                    .create_visit(
                        scope,
                        NewVisit {
                            household: id,
                            date,
                            visitors: "嘎查妇联主席".to_owned(),
                            notes: Some(
                                "了解家庭生产生活情况，宣传妇女儿童权益保障政策。".to_owned(),
                            ),
                            tags,
                            by,
                        },
                        jinguo_app::state::now(),
                    )
                    .await?;
                last_visit = Some((visit, date));
            }
            if let Some((visit, raised_on)) = last_visit.filter(|_| rng.gen_ratio(2, 3)) {
                need_from_visit(
                    store,
                    scope,
                    &mut rng,
                    (unit.id, id, visit),
                    raised_on,
                    today,
                    by,
                )
                .await?;
            }
            made += 1;
        }
    }
    Ok(made)
}

/// Needs written down at a visit: some resolved and rated, some passed up
/// to the township, the rest still open (a few overdue), so the queue and
/// the practical-deeds ledger have something to show.
async fn need_from_visit(
    store: &SqlStore,
    scope: Scope,
    rng: &mut StdRng,
    (unit, household, visit): (UnitId, HouseholdId, VisitId),
    raised_on: time::Date,
    today: time::Date,
    by: UserId,
) -> anyhow::Result<()> {
    const NEEDS: &[(&str, &str)] = &[
        ("employment", "希望在附近找到稳定工作"),
        ("skills", "想参加电商直播技能培训"),
        ("health", "老人需要定期上门体检"),
        ("education", "孩子上学需要助学支持"),
        ("hardship", "冬季取暖有困难"),
        ("childcare", "农忙时孩子无人照看"),
    ];
    let (category, description) = NEEDS[rng.gen_range(0..NEEDS.len())];
    let id = store
        .create_need(
            scope,
            NewNeed {
                origin: unit,
                assignee: unit,
                assignee_user: None,
                household: Some(household),
                visit: Some(visit),
                source: NeedSource::Visit,
                category: category.to_owned(),
                urgency: if rng.gen_ratio(1, 5) {
                    Urgency::Urgent
                } else {
                    Urgency::Normal
                },
                description: description.to_owned(),
                due_date: Some(raised_on + time::Duration::days(rng.gen_range(10..60))),
                raised_on,
                by: Some(by),
            },
            jinguo_app::state::now(),
        )
        .await?;
    let need = store.need_in_scope(scope, id).await?;
    let done = (raised_on + time::Duration::days(rng.gen_range(1..40))).min(today);
    match rng.gen_range(0..10) {
        0..=4 => {
            let resolution =
                Resolution::parse("已协调解决，并回访确认", Some(rng.gen_range(3..=5)))
                    .map_err(|e| anyhow::anyhow!("demo resolution: {e:?}"))?;
            store
                .resolve_need(&need, &resolution, done, by, jinguo_app::state::now())
                .await?;
        }
        5 | 6 => {
            store
                .escalate_need(&need, "需苏木协调资源", by, jinguo_app::state::now())
                .await?;
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_id_numbers_pass_the_real_check() {
        let today = time::macros::date!(2026 - 11 - 29);
        for seq in [2, 48, 998] {
            let n = id_number("152502", 1985, 3, 7, seq);
            assert!(jinguo_domain::IdNumber::parse(&n, today).is_ok(), "{n}");
        }
    }
}
