//! Case statistics over HTTP: a cadre without any case right sees the
//! de-identified figures of her subtree, small cells as "<5"; cases whose
//! client refused statistics are not counted (and are once she agrees);
//! outside the scope 404; the page and the workbook suppress alike.

use jinguo_domain::case::{CaseConsent, CaseSource, CaseUrgency, Client, Intake, TeamRole};
use jinguo_domain::{CaseId, Sex, UnitCode, UserId};
use jinguo_store::model::NewCase;
use jinguo_store::{CaseStore, UnitStore};
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn this_month() -> String {
    let d = today();
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// A case recorded straight in the store (the intake API is the lead's).
async fn open(
    app: &TestApp,
    by: UserId,
    unit: &str,
    type_key: &str,
    statistics: bool,
    n: usize,
) -> CaseId {
    let unit = app
        .store
        .unit_by_code(&UnitCode::parse(unit).unwrap())
        .await
        .unwrap();
    app.store
        .create_case(
            app.store.root_scope().await.unwrap(),
            NewCase {
                unit: unit.id,
                intake: Intake {
                    source: CaseSource::Hotline,
                    type_key: type_key.to_owned(),
                    client: Client {
                        name: format!("虚构当事人{n}"),
                        sex: Sex::Female,
                        birth_year: None,
                        id_number: None,
                        phone: None,
                    },
                    people: Vec::new(),
                    narrative: "虚构叙述".into(),
                    urgency: CaseUrgency::Normal,
                    consent: CaseConsent {
                        services: true,
                        referral: false,
                        statistics,
                    },
                },
                by,
                team: vec![(by, TeamRole::Caseworker)],
                follow_ups: Vec::new(),
                opened_on: today(),
                contact_at_intake: true,
                help_request: None,
                household: None,
            },
            1,
        )
        .await
        .unwrap()
}

async fn stats(app: &TestApp, token: &str, code: &str) -> (u16, Value) {
    let m = this_month();
    let r = app
        .get(
            token,
            &format!("/api/v1/units/{code}/case-stats?from={m}&to={m}"),
        )
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn case_stats_story(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let worker = app.add_user("worker", "caseworker", YILELT).await;
    let banner_id = app.add_user("banner", "cadre", XILINHOT).await;
    app.add_user("baotou", "cadre", BAOTOU).await;
    for n in 0..7 {
        open(&app, worker, YILELT, "domestic_violence", true, n).await;
    }
    for n in 7..9 {
        open(&app, worker, YILELT, "other", true, n).await;
    }
    let mut refused = Vec::new();
    for n in 9..12 {
        refused.push(open(&app, worker, HANAULA, "sexual_harassment", false, n).await);
    }
    let banner = app.token("banner").await;

    let (s, v) = stats(&app, &banner, XILINHOT).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total"], json!(9));
    assert_eq!(v["suppressed_below"], json!(5));
    assert_eq!(v["by_type"]["domestic_violence"], json!(7));
    assert_eq!(v["by_type"]["other"], json!("<5"));
    // Beside 9 cases, 7 and `<5` would give the 2 back by subtraction: a
    // zero is hidden with it (the first of the group's zeros).
    assert_eq!(v["by_type"]["marriage_family"], json!("<5"));
    // The three refusals are nowhere.
    assert_eq!(v["by_type"]["sexual_harassment"], json!(0));
    assert_eq!(v["by_source"]["hotline"], json!(9));
    assert_eq!(v["by_risk"]["none"], json!(9));
    assert_eq!(v["by_status"]["open"], json!(9));
    assert_eq!(v["first_contact"]["cases"], json!(9));
    assert_eq!(v["first_contact"]["median_days"], json!(0));
    assert_eq!(v["closure"]["cases"], json!(0));
    assert_eq!(v["closure"]["median_days"], Value::Null);
    // Townships are below the deepest level shown (the banner): no line
    // for each of them.
    assert_eq!(v["children"], json!([]), "{v}");
    assert_eq!(v["own"], json!(9));
    // Nothing personal in the answer.
    let text = v.to_string();
    assert!(!text.contains("虚构"), "{text}");

    // Below the banner nothing is shown at all: a village's figures point
    // at its women however they are suppressed.
    for below in [BAOLIGEN, YILELT, HANAULA] {
        let (s, v) = stats(&app, &banner, below).await;
        assert_eq!((s, v["error"]["field"].clone()), (422, json!("code")), "{v}");
    }

    // One refusal turns into consent: the case moves into the counters.
    app.store
        .write_case_for_tests(
            refused[0],
            &[format!(
                "UPDATE cases SET consent_statistics = 1 WHERE id = {}",
                refused[0].get()
            )],
            2,
        )
        .await
        .unwrap();
    let (_, v) = stats(&app, &banner, XILINHOT).await;
    assert_eq!(v["total"], json!(10));
    assert_eq!(v["by_type"]["sexual_harassment"], json!("<5"));
    assert_eq!(v["by_type"]["marriage_family"], json!(0), "two hidden cells suffice");
    // The league sees a line for each of its banners.
    app.add_user("league", "cadre", XILINGOL).await;
    let league = app.token("league").await;
    let (_, v) = stats(&app, &league, XILINGOL).await;
    let line = v["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == XILINHOT)
        .expect("the banner's line");
    assert_eq!(line["count"], json!(10));

    // Outside the scope, or no such unit: 404; a malformed code 400.
    let baotou = app.token("baotou").await;
    assert_eq!(stats(&app, &baotou, XILINHOT).await.0, 404);
    assert_eq!(stats(&app, &baotou, NO_SUCH_UNIT).await.0, 404);
    assert_eq!(stats(&app, &baotou, "15x").await.0, 400);
    // A bad period: 422.
    let r = app
        .get(
            &banner,
            &format!("/api/v1/units/{XILINHOT}/case-stats?from=2026-13"),
        )
        .await;
    assert_eq!(r.status(), 422);
    // Not logged in: 401.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/units/{XILINHOT}/case-stats")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // The page and the workbook, for the cadre.
    let (session, _) = app.session_for(banner_id).await;
    let cookie = format!("jinguo_session={session}");
    let m = this_month();
    let r = app
        .client
        .get(app.url(&format!("/case-stats/{XILINHOT}?from={m}&to={m}")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("&lt;5"), "suppressed cell on the page");
    assert!(
        !html.contains(&format!("/case-stats/{BAOLIGEN}?")),
        "no drill-down below the banner"
    );
    assert!(!html.contains("虚构"));
    // A township's page says why it shows nothing, and the township's
    // cadre has no menu entry for it.
    let r = app
        .client
        .get(app.url(&format!("/case-stats/{BAOLIGEN}")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("为保护当事人"), "{html}");
    assert!(!html.contains("&lt;5"));
    let township_id = app.add_user("township", "cadre", BAOLIGEN).await;
    let (session, _) = app.session_for(township_id).await;
    let r = app
        .client
        .get(app.url("/"))
        .header(COOKIE, format!("jinguo_session={session}"))
        .send()
        .await
        .unwrap();
    let home = r.text().await.unwrap();
    assert!(!home.contains("/case-stats/"), "no menu entry below the banner");
    let r = app
        .client
        .get(app.url(&format!(
            "/case-stats/{XILINHOT}/case-stats.xlsx?from={m}&to={m}"
        )))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let mut few = 0;
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for cell in range.used_cells() {
            match cell.2 {
                Data::Float(f) => assert!(*f == 0.0 || *f >= 5.0, "{name}: {f}"),
                Data::Int(i) => assert!(*i == 0 || *i >= 5, "{name}: {i}"),
                Data::String(s) => {
                    assert!(!s.contains("虚构"));
                    few += usize::from(s == "<5");
                }
                _ => {}
            }
        }
    }
    assert!(few > 0, "the workbook shows suppressed cells as <5");
    let r = app
        .client
        .get(app.url(&format!("/case-stats/{BAOTOU}")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

both_backends!(case_stats_story, case_stats_story);
