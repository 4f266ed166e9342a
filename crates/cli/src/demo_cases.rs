//! Demo rights-protection cases (维权个案) under 锡林浩特市 and 包头市, so
//! the case pages, the supervisor's alerts and the statistics have
//! something to show on first start. Everyone is invented: names are
//! "surname + 某", phones are 138000000xx, and the few ID numbers carry a
//! valid GB 11643 check character on a made-up area code (159901).

use jinguo_domain::case::{
    AssessmentInput, CaseSource, CaseTemplate, ClientInput, IntakeInput, OrderKind, OrderStatus,
    PersonInput, RiskLevel, TeamRole,
};
use jinguo_domain::household::ConsentInput;
use jinguo_domain::{UnitCode, UserId};
use jinguo_store::model::{NewAssessment, NewCase, Page};
use jinguo_store::{CaseStore, SqlStore, UnitStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Where cases are recorded, and by whom: (caseworker, units under her).
const LEAGUES: &[(&str, &[&str])] = &[
    (
        "caseworker",
        &[
            "152502000000",
            "152502200000",
            "152502200200",
            "152502200201",
        ],
    ),
    ("caseworker2", &["150200000000"]),
];
/// The region's caseworker: the default supervisor of every demo case.
const SUPERVISOR: &str = "supervisor";
const CASES: usize = 36;

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "赵", "包", "白", "乌", "陈", "杨"];
const TYPES: &[&str] = &[
    "domestic_violence",
    "domestic_violence",
    "domestic_violence",
    "marriage_family",
    "property_inheritance",
    "employment_labour",
    "sexual_harassment",
    "child_protection",
    "other",
];
const STORIES: &[(&str, &str)] = &[
    (
        "domestic_violence",
        "来电称丈夫酒后多次殴打，最近一次致面部受伤，已去医院处理。目前暂住娘家，担心对方找来。",
    ),
    (
        "marriage_family",
        "与丈夫分居两年，对方不支付孩子抚养费，希望了解离婚和抚养费的办理途径。",
    ),
    (
        "property_inheritance",
        "父亲去世后兄弟不让出嫁的女儿分遗产，希望得到法律咨询。",
    ),
    (
        "employment_labour",
        "怀孕后被公司调岗降薪，随后被通知解除劳动合同。",
    ),
    (
        "sexual_harassment",
        "单位领导多次发送骚扰信息并在聚餐时动手动脚，不敢声张。",
    ),
    (
        "child_protection",
        "邻居反映一名儿童长期无人照看，身上常有伤痕。",
    ),
    ("other", "对村里土地承包分配有异议，认为妇女权益受到侵害。"),
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

async fn user(store: &SqlStore, name: &str) -> anyhow::Result<Option<UserId>> {
    Ok(store
        .all_users()
        .await?
        .into_iter()
        .find(|u| u.username.as_str() == name)
        .map(|u| u.id))
}

/// Records the demo cases, once: nothing happens when cases exist.
pub async fn fill(store: &SqlStore, today: time::Date) -> anyhow::Result<usize> {
    let root = store.root_unit().await?;
    let Some(supervisor) = user(store, SUPERVISOR).await? else {
        return Ok(0);
    };
    let sup = store.user_by_id(supervisor).await?;
    let scope = store
        .scope_of_user(&sup, &root)
        .ok_or_else(|| anyhow::anyhow!("the demo supervisor is not at the region"))?;
    if !store
        .cases_for(scope, None, today, 0, Page::new(1, 0))
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(6);
    let mut made = 0;
    for i in 0..CASES {
        let (worker, units) = LEAGUES[i % LEAGUES.len()];
        let Some(by) = user(store, worker).await? else {
            continue;
        };
        let code = units[rng.gen_range(0..units.len())];
        let unit = store.unit_by_code(&UnitCode::parse(code)?).await?;
        let type_key = TYPES[rng.gen_range(0..TYPES.len())];
        let template = store.case_template(type_key).await?;
        let story = STORIES
            .iter()
            .find(|(k, _)| *k == type_key)
            .map_or("", |(_, s)| s);
        let surname = SURNAMES[rng.gen_range(0..SURNAMES.len())];
        let year = rng.gen_range(1965..2004);
        let with_id = rng.gen_ratio(1, 3);
        let intake = IntakeInput {
            source: CaseSource::ALL[rng.gen_range(0..CaseSource::ALL.len())]
                .as_str()
                .into(),
            type_key: type_key.into(),
            client: ClientInput {
                name: format!("{surname}某"),
                sex: "F".into(),
                birth_year: Some(i64::from(year)),
                id_number: with_id.then(|| {
                    id_number(
                        "159901",
                        year,
                        rng.gen_range(1..=12),
                        rng.gen_range(1..=28),
                        rng.gen_range(1..400) * 2,
                    )
                }),
                phone: Some(format!("138000000{:02}", i % 100)),
            },
            people: people(type_key, surname, today.year(), &mut rng),
            narrative: story.into(),
            urgency: ["low", "normal", "normal", "high", "critical"][rng.gen_range(0..5)].into(),
            consent: Some(jinguo_domain::case::CaseConsent {
                services: true,
                referral: rng.gen_ratio(3, 4),
                statistics: rng.gen_ratio(4, 5),
            }),
        };
        let intake = intake
            .parse(Some(&template), today)
            .map_err(|e| anyhow::anyhow!("demo case does not parse: {e:?}"))?;
        let opened_on = today - time::Duration::days(rng.gen_range(0..120));
        let follow_ups = follow_ups(&template, opened_on);
        let contact_at_intake = matches!(
            intake.source,
            CaseSource::Hotline | CaseSource::WalkIn | CaseSource::HomeVisit
        );
        let id = store
            .create_case(
                store.system_scope(&root),
                NewCase {
                    unit: unit.id,
                    intake,
                    by,
                    team: vec![
                        (by, TeamRole::Caseworker),
                        (supervisor, TeamRole::Supervisor),
                    ],
                    follow_ups,
                    opened_on,
                    contact_at_intake,
                    help_request: None,
                    household: None,
                },
                jinguo_app::state::now(),
            )
            .await?;
        let opened = store.system_open_case(id).await?;
        // Most cases get assessed; a domestic-violence case often high.
        if rng.gen_ratio(3, 4) {
            // Only domestic violence is scored on the danger checklist;
            // other types get a level chosen by the caseworker.
            let checklist = type_key == "domestic_violence";
            let answers: Vec<String> = if checklist {
                jinguo_domain::case::CHECKLIST
                    .iter()
                    .filter(|_| rng.gen_ratio(2, 5))
                    .map(|c| c.key.to_owned())
                    .collect()
            } else {
                Vec::new()
            };
            let level = (!checklist).then(|| {
                let levels = [
                    RiskLevel::Low,
                    RiskLevel::Low,
                    RiskLevel::Medium,
                    RiskLevel::High,
                ];
                levels[rng.gen_range(0..levels.len())].as_str().to_owned()
            });
            let a = AssessmentInput {
                answers,
                level,
                safety_plan: Some(
                    "约定紧急联系人和暗号；保存好受伤照片和就医记录；必要时拨打 110。".into(),
                ),
                ..Default::default()
            }
            .parse(checklist)
            .map_err(|e| anyhow::anyhow!("demo assessment does not parse: {e:?}"))?;
            let high = a.level.alerts();
            store
                .assess_case(
                    &opened,
                    NewAssessment {
                        assessment: a,
                        by,
                        on: opened_on,
                    },
                    jinguo_app::state::now(),
                )
                .await?;
            if high && type_key == "domestic_violence" {
                store
                    .record_case_order(
                        &opened,
                        OrderKind::ProtectionOrder,
                        OrderStatus::Applied,
                        opened_on,
                        by,
                        jinguo_app::state::now(),
                    )
                    .await?;
                if rng.gen_ratio(1, 2) {
                    store
                        .record_case_order(
                            &opened,
                            OrderKind::ProtectionOrder,
                            OrderStatus::Granted,
                            (opened_on + time::Duration::days(3)).min(today),
                            by,
                            jinguo_app::state::now(),
                        )
                        .await?;
                }
            } else if type_key == "domestic_violence" && rng.gen_ratio(1, 3) {
                store
                    .record_case_order(
                        &opened,
                        OrderKind::WarningLetter,
                        OrderStatus::Issued,
                        opened_on,
                        by,
                        jinguo_app::state::now(),
                    )
                    .await?;
            }
        }
        made += 1;
    }
    Ok(made)
}

/// The template's follow-ups from the opening day.
fn follow_ups(t: &CaseTemplate, opened_on: time::Date) -> Vec<time::Date> {
    t.follow_up_days
        .iter()
        .map(|d| opened_on + time::Duration::days(i64::from(*d)))
        .collect()
}

/// The respondent and, sometimes, a child (with the mother's consent).
fn people(type_key: &str, surname: &str, this_year: i32, rng: &mut StdRng) -> Vec<PersonInput> {
    let mut out = Vec::new();
    if type_key != "child_protection" || rng.gen_ratio(1, 2) {
        let other = SURNAMES[rng.gen_range(0..SURNAMES.len())];
        out.push(PersonInput {
            role: "respondent".into(),
            name: format!("{other}某某"),
            sex: Some("M".into()),
            relation: Some(
                match type_key {
                    "employment_labour" | "sexual_harassment" => "单位负责人",
                    "property_inheritance" => "兄弟",
                    _ => "丈夫",
                }
                .into(),
            ),
            ..Default::default()
        });
    }
    if type_key == "child_protection" || rng.gen_ratio(1, 3) {
        out.push(PersonInput {
            role: "child".into(),
            name: format!("{surname}小某"),
            sex: Some(if rng.gen_ratio(1, 2) { "F" } else { "M" }.into()),
            birth_year: Some(i64::from(this_year - rng.gen_range(2..14))),
            relation: Some("子女".into()),
            guardian: Some(ConsentInput {
                given_by: format!("{surname}某"),
                method: "oral".into(),
            }),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_id_numbers_are_valid_and_female() {
        let today = time::macros::date!(2026 - 11 - 29);
        let n = id_number("159901", 1988, 4, 12, 124);
        let id = jinguo_domain::IdNumber::parse(&n, today).unwrap();
        assert!(id.matches_sex(jinguo_domain::Sex::Female));
    }
}
