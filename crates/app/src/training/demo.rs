//! The demo's training: 锡林浩特市 plans a 领头雁 programme for this year
//! with one finished class (its roll taken) and one upcoming class, and
//! enrols the chairs of the city's village federations the organisations
//! demo created. Deterministic; a no-op when the city has a programme.

use jinguo_domain::UnitCode;
use jinguo_domain::training::{AttendedVia, ClassDraft, PlacesDraft, ProgrammeDraft};
use jinguo_store::model::Page;
use jinguo_store::training::{NewClass, NewEnrolment, NewProgramme};
use jinguo_store::{SqlStore, TrainingStore, UnitStore};

const CITY: &str = "152502000000";
const TOWNSHIP: &str = "152502200000";

/// Fills the demo's training records; returns how many it wrote.
pub async fn fill(store: &SqlStore) -> anyhow::Result<u64> {
    let Ok(city) = store.unit_by_code(&UnitCode::parse(CITY)?).await else {
        return Ok(0);
    };
    let scope = store.system_scope(&city);
    if !store
        .programmes_under(scope, &city, Page::new(1, 0))
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let now = crate::state::now();
    let today = time::OffsetDateTime::now_utc().date();
    let year = today.year();
    let fields = ProgrammeDraft {
        title: format!("{year}年基层妇联领头雁培训计划"),
        // The catalogue's Mongolian for 领头雁培训 (`training.title`); the
        // certificate's Mongolian sentence gives the year itself.
        title_mn: Some("ᠲᠡᠷᠢᠭᠦᠯᠡᠭᠴᠢ ᠭᠠᠯᠠᠭᠤ\u{202f}ᠶᠢᠨ ᠰᠤᠷᠭᠠᠯᠲᠠ".into()),
        year: Some(i64::from(year)),
        audience: "village_chairs".into(),
        target: Some(60),
        hours: Some(16),
    }
    .parse()
    .map_err(|e| anyhow::anyhow!("demo programme: {e:?}"))?;
    let pid = store
        .create_programme(
            scope,
            NewProgramme {
                unit: city.id,
                fields,
                by: None,
            },
            now,
        )
        .await?;
    let programme = store.programme_in_scope(scope, pid).await?;
    let township = store.unit_by_code(&UnitCode::parse(TOWNSHIP)?).await?;
    let class = |title: &str, from: time::Date, to: time::Date, places: i64| ClassDraft {
        title: title.into(),
        starts_on: jinguo_domain::activity::format_date(from),
        ends_on: jinguo_domain::activity::format_date(to),
        mode: "venue".into(),
        place: Some("锡林浩特市委党校".into()),
        hours: Some(16),
        capacity: Some(80),
        teachers: Some("乌兰（市妇联）、张丽（市委党校）".into()),
        places: vec![PlacesDraft {
            unit_code: TOWNSHIP.into(),
            places: Some(places),
        }],
    };
    // The finished class in the first days of the year (or yesterday,
    // early in January), the upcoming one a month ahead within the year.
    let jan = time::Date::from_calendar_date(year, time::Month::January, 5)?;
    let past_start = if jan < today { jan } else { today };
    let upcoming = (today + time::Duration::days(30)).min(time::Date::from_calendar_date(
        year,
        time::Month::December,
        29,
    )?);
    let mut written = 1;
    let mut ids = Vec::new();
    for (title, from, to) in [
        (
            "第一期 村妇联主席培训班",
            past_start,
            past_start + time::Duration::days(1),
        ),
        (
            "第二期 村妇联主席培训班",
            upcoming,
            upcoming + time::Duration::days(1),
        ),
    ] {
        let to = to.min(time::Date::from_calendar_date(
            year,
            time::Month::December,
            31,
        )?);
        let f = class(title, from, to, 20)
            .parse(year)
            .map_err(|e| anyhow::anyhow!("demo class: {e:?}"))?;
        ids.push(
            store
                .create_class(
                    &programme,
                    NewClass {
                        fields: f,
                        places: vec![(township.id, 20)],
                        by: None,
                    },
                    now,
                )
                .await?,
        );
        written += 1;
    }
    // The chairs of the township's village federations, first class.
    let chairs: Vec<_> = store
        .roster(scope, &township, Page::new(500, 0))
        .await?
        .into_iter()
        .filter(|m| m.role == jinguo_domain::organisation::CommitteeRole::Chair)
        .collect();
    let mut enrolled = Vec::new();
    for m in chairs.iter().take(12) {
        let e = store
            .enrol(
                scope,
                NewEnrolment {
                    class: ids[0],
                    member: m.id,
                    account: None,
                    by: None,
                },
                past_start,
                now,
            )
            .await?;
        enrolled.push(e);
        written += 1;
    }
    // The roll of the finished class: all but two came.
    let c = store.class_in_scope(scope, ids[0]).await?;
    let came: Vec<_> = enrolled
        .iter()
        .copied()
        .take(enrolled.len().saturating_sub(2))
        .collect();
    store.attend_roll(&c, &came, AttendedVia::Roll, now).await?;
    Ok(written + came.len() as u64)
}
