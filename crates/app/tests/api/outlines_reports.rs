//! The outline reports (issue 16, item 6): the annual monitoring workbook
//! read back with calamine (sheet names, a row's hand-computed ratio and
//! coverage, the sex-disaggregated values, the summary count), and the
//! indicators not reported by department before and after a report.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn put_json(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn catalogue() -> Value {
    json!({"indicators": [
        {"code": "W1.1", "outline": "women", "domain_no": 1, "name": "孕产妇死亡率",
         "unit": "per_100k", "numerator": "孕产妇死亡人数", "denominator": "活产数",
         "direction": "at_most", "department": "health", "levels": "1,2,3"},
        {"code": "C3.1", "outline": "children", "domain_no": 3, "name": "学前教育毛入园率",
         "unit": "percent", "numerator": "在园幼儿数", "denominator": "3—5岁儿童人数",
         "direction": "at_least", "department": "education", "levels": "1,2,3",
         "sex_disaggregated": true}
    ]})
}

async fn reporter(app: &TestApp, name: &str, unit: &str, department: &str) -> String {
    use jinguo_store::OutlineStore;
    let id = app.add_user(name, "department", unit).await;
    let root = app.store.root_scope().await.unwrap();
    app.store
        .set_reporter_department(
            root,
            id,
            &jinguo_domain::outline::Department::parse(department).unwrap(),
            &jinguo_store::outlines::Who::default(),
            1,
        )
        .await
        .unwrap();
    app.token(name).await
}

/// Saves and submits a report; approves it when an office token is given.
async fn report(
    app: &TestApp,
    token: &str,
    (year, code, department): (i32, &str, &str),
    entry: Value,
    office: Option<&str>,
) {
    let path = format!("/api/v1/outlines/reports/{year}/{code}");
    let r = put_json(app, token, &path, json!({"entries": [entry]})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = app.post_json(token, &format!("{path}/submit"), json!({})).await;
    assert_eq!(r.status(), 200);
    if let Some(office) = office {
        let r = app
            .post_json(office, &format!("{path}/{department}/approve"), json!({}))
            .await;
        assert_eq!(r.status(), 200);
    }
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .send()
        .await
        .unwrap()
}

fn num(sheet: &calamine::Range<Data>, r: u32, c: u32) -> Option<f64> {
    match sheet.get_value((r, c)) {
        Some(Data::Float(f)) => Some(*f),
        Some(Data::Int(i)) => Some(*i as f64),
        _ => None,
    }
}

fn text(sheet: &calamine::Range<Data>, r: u32, c: u32) -> String {
    sheet
        .get_value((r, c))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

async fn workbook(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let region_id = app.add_user("r-admin", "admin", REGION).await;
    let region = app.token("r-admin").await;
    let r = put_json(&app, &region, "/api/v1/outlines/indicators", catalogue()).await;
    assert_eq!(r.status(), 200);
    let ids: Value = r.json().await.unwrap();
    let (mmr, school) = (ids["ids"][0].as_i64().unwrap(), ids["ids"][1].as_i64().unwrap());
    for (id, v) in [(mmr, 12.0), (school, 95.0)] {
        let r = put_json(
            &app,
            &region,
            &format!("/api/v1/outlines/targets/{REGION}"),
            json!({"indicator_id": id, "year": 2030, "value": v}),
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    // 包头市 reported 1 death in 20,000 live births in 2024, nothing in
    // 2025; 锡林郭勒盟 3 in 40,000 in 2025, and its preschool enrolment by sex.
    let bt = reporter(&app, "bt-health", BAOTOU, "health").await;
    let mmr_entry = |n: i64, d: i64| {
        json!({"indicator_id": mmr, "total": {"numerator": n, "denominator": d}})
    };
    report(&app, &bt, (2024, BAOTOU, "health"), mmr_entry(1, 20_000), Some(&region)).await;
    let xl = reporter(&app, "xl-health", XILINGOL, "health").await;
    report(&app, &xl, (2025, XILINGOL, "health"), mmr_entry(3, 40_000), Some(&region)).await;
    let xe = reporter(&app, "xl-edu", XILINGOL, "education").await;
    let school_entry = json!({"indicator_id": school,
        "female": {"numerator": 450, "denominator": 500},
        "male": {"numerator": 480, "denominator": 520}});
    report(&app, &xe, (2025, XILINGOL, "education"), school_entry, Some(&region)).await;

    let (cookie, _) = app.session_for(region_id).await;
    let r = page(&app, &cookie, &format!("/outlines/report.xlsx?unit={REGION}&year=2025")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(wb.sheet_names(), ["分领域汇总", "妇女与健康", "儿童与教育"]);

    let summary = wb.worksheet_range("分领域汇总").unwrap();
    assert_eq!(text(&summary, 1, 0), "妇女与健康");
    assert!(close(num(&summary, 1, 1), 1.0), "attained");
    assert!(close(num(&summary, 1, 5), 1.0), "total");
    assert_eq!(text(&summary, 1, 6), "1 项中 1 项已达标");
    assert_eq!(text(&summary, 2, 0), "儿童与教育");
    assert!(close(num(&summary, 2, 3), 1.0), "off track");
    assert_eq!(text(&summary, 2, 6), "1 项中 0 项已达标");

    // The region's maternal mortality: 3 / 40,000 × 100,000 = 7.5 (包头市
    // did not report); its last denominator puts the coverage at
    // 40,000 / (40,000 + 20,000) = 2/3.
    let health = wb.worksheet_range("妇女与健康").unwrap();
    assert_eq!(zh_header(&text(&health, 0, 1)), "指标");
    assert!(text(&health, 0, 1).starts_with("ᠢᠯᠡᠲᠭᠡᠯ\n"), "Mongolian first");
    assert_eq!(text(&health, 1, 0), "W1.1");
    assert_eq!(text(&health, 1, 1), "孕产妇死亡率");
    assert_eq!(text(&health, 1, 2), "1/10万");
    assert!(close(num(&health, 1, 3), 12.0), "target");
    assert!(close(num(&health, 1, 4), 7.5), "value");
    assert_eq!(num(&health, 1, 5), None, "not sex-disaggregated");
    assert!(close(num(&health, 1, 7), 3.0), "numerator");
    assert!(close(num(&health, 1, 8), 40_000.0), "denominator");
    assert!(close(num(&health, 1, 9), 40_000.0 / 60_000.0), "coverage");
    assert_eq!(text(&health, 1, 10), "已达标");

    // Preschool enrolment: (450 + 480) / (500 + 520) = 91.18 %, women 90 %,
    // men 480 / 520 = 92.31 %; short of 95 with no baseline: off track.
    let school_sheet = wb.worksheet_range("儿童与教育").unwrap();
    assert!(close(num(&school_sheet, 1, 4), 930.0 / 1020.0 * 100.0));
    assert!(close(num(&school_sheet, 1, 5), 90.0));
    assert!(close(num(&school_sheet, 1, 6), 480.0 / 520.0 * 100.0));
    assert!(close(num(&school_sheet, 1, 7), 930.0));
    assert!(close(num(&school_sheet, 1, 8), 1020.0));
    assert_eq!(text(&school_sheet, 1, 10), "进度滞后");

    // The print-ready page shows the same figures, attainment in words,
    // the unit, the year and the date printed.
    let r = page(&app, &cookie, &format!("/outlines/print?unit={REGION}&year=2025")).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("2025年两纲监测年度报告"), "the title");
    assert!(html.contains("<td class=\"num\">7.5</td>"), "the region's ratio");
    assert!(html.contains("<td class=\"num\">12</td>"), "its target");
    assert!(html.contains(">已达标</span>") && html.contains(">进度滞后</span>"), "words, not colour alone");
    assert!(html.contains("<td class=\"num\">90</td>"), "women's enrolment");
    assert!(html.contains("<td class=\"num\">92.31</td>"), "men's enrolment");
    assert!(html.contains("1 项中 1 项已达标"), "a domain's summary");
    let today = jinguo_domain::activity::format_date(time::OffsetDateTime::now_utc().date());
    let yesterday = jinguo_domain::activity::format_date(
        time::OffsetDateTime::now_utc().date() - time::Duration::days(1),
    );
    let tomorrow = jinguo_domain::activity::format_date(
        time::OffsetDateTime::now_utc().date() + time::Duration::days(1),
    );
    assert!(
        [today, yesterday, tomorrow].iter().any(|d| html.contains(&format!("打印日期：{d}"))),
        "the date printed"
    );
    assert!(!html.contains("【演示】"), "no invented indicator yet");
    // An invented indicator keeps its mark on paper.
    let demo = json!({"indicators": [{"code": "W1.9", "outline": "women", "domain_no": 1,
        "name": "妇女常见病筛查率", "unit": "percent", "numerator": "筛查人数", "denominator": "应筛查人数",
        "direction": "at_least", "department": "health", "levels": "1,2,3", "demo": true}]});
    assert_eq!(put_json(&app, &region, "/api/v1/outlines/indicators", demo).await.status(), 200);
    let html = page(&app, &cookie, &format!("/outlines/print?unit={REGION}&year=2025"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("【演示】妇女常见病筛查率"));

    // Outside the scope: 404; a league reads its own.
    let bt_admin = app.add_user("bt-admin", "admin", BAOTOU).await;
    let (bt_cookie, _) = app.session_for(bt_admin).await;
    let r = page(&app, &bt_cookie, &format!("/outlines/report.xlsx?unit={XILINGOL}&year=2025")).await;
    assert_eq!(r.status(), 404);
    let r = page(&app, &bt_cookie, "/outlines/report.xlsx?year=2025").await;
    assert_eq!(r.status(), 200);
    let r = page(&app, &bt_cookie, &format!("/outlines/print?unit={XILINGOL}&year=2025")).await;
    assert_eq!(r.status(), 404);

    // The API twin: the same workbook; another league's unit is 404, a
    // year outside the plan period 422.
    let r = app
        .get(&region, &format!("/api/v1/units/{REGION}/outlines/report.xlsx?year=2025"))
        .await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(wb.sheet_names(), ["分领域汇总", "妇女与健康", "儿童与教育"]);
    let health = wb.worksheet_range("妇女与健康").unwrap();
    assert!(close(num(&health, 1, 4), 7.5));
    let bt_token = app.token("bt-admin").await;
    let r = app
        .get(&bt_token, &format!("/api/v1/units/{XILINGOL}/outlines/report.xlsx?year=2025"))
        .await;
    assert_eq!(r.status(), 404);
    let r = app
        .get(&region, &format!("/api/v1/units/{REGION}/outlines/report.xlsx?year=1999"))
        .await;
    assert_eq!(r.status(), 422);
}
both_backends!(outlines_workbook, workbook);

/// The mid-term and final assessment workbooks: the 2020 baseline, the
/// assessment year's value, the target of that horizon (the mid-term one,
/// else the final one, with its year) and attained or not; hand-computed.
async fn assessment(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let region_id = app.add_user("r-admin", "admin", REGION).await;
    let region = app.token("r-admin").await;
    let r = put_json(&app, &region, "/api/v1/outlines/indicators", catalogue()).await;
    let ids: Value = r.json().await.unwrap();
    let (mmr, school) = (ids["ids"][0].as_i64().unwrap(), ids["ids"][1].as_i64().unwrap());
    for (id, year, v) in [(mmr, 2025, 15.0), (mmr, 2030, 12.0), (school, 2030, 95.0)] {
        let r = put_json(
            &app,
            &region,
            &format!("/api/v1/outlines/targets/{REGION}"),
            json!({"indicator_id": id, "year": year, "value": v}),
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    // 锡林郭勒盟: 8 maternal deaths in 40,000 live births in 2020 (20 per
    // 100,000), 6 in 40,000 in 2025 (15: the mid-term target, met);
    // preschool enrolment 2025 by sex, (450 + 480) / (500 + 520) = 91.18 %.
    let xl = reporter(&app, "xl-health", XILINGOL, "health").await;
    let mmr_entry = |n: i64, d: i64| {
        json!({"indicator_id": mmr, "total": {"numerator": n, "denominator": d}})
    };
    report(&app, &xl, (2020, XILINGOL, "health"), mmr_entry(8, 40_000), Some(&region)).await;
    report(&app, &xl, (2025, XILINGOL, "health"), mmr_entry(6, 40_000), Some(&region)).await;
    let xe = reporter(&app, "xl-edu", XILINGOL, "education").await;
    let school_entry = json!({"indicator_id": school,
        "female": {"numerator": 450, "denominator": 500},
        "male": {"numerator": 480, "denominator": 520}});
    report(&app, &xe, (2025, XILINGOL, "education"), school_entry, Some(&region)).await;

    let (cookie, _) = app.session_for(region_id).await;
    let r = page(&app, &cookie, &format!("/outlines/assessment.xlsx?unit={REGION}&kind=midterm")).await;
    assert_eq!(r.status(), 200);
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains(&format!("outlines-{REGION}-midterm-2025.xlsx")), "{disposition}");
    let bytes = r.bytes().await.unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(wb.sheet_names(), ["分领域汇总", "妇女与健康", "儿童与教育"]);
    let summary = wb.worksheet_range("分领域汇总").unwrap();
    assert_eq!(zh_header(&text(&summary, 0, 2)), "未达标");
    assert_eq!(text(&summary, 1, 0), "妇女与健康");
    assert!(close(num(&summary, 1, 1), 1.0), "attained");
    assert!(close(num(&summary, 1, 2), 0.0), "not attained");
    assert!(close(num(&summary, 1, 4), 1.0), "total");
    assert_eq!(text(&summary, 1, 5), "1 项中 1 项已达标");
    assert!(close(num(&summary, 2, 2), 1.0), "preschool not attained");
    assert_eq!(text(&summary, 2, 5), "1 项中 0 项已达标");

    let health = wb.worksheet_range("妇女与健康").unwrap();
    assert_eq!(zh_header(&text(&health, 0, 3)), "基线（2020年）");
    assert_eq!(text(&health, 1, 0), "W1.1");
    assert!(close(num(&health, 1, 3), 20.0), "baseline");
    assert!(close(num(&health, 1, 4), 15.0), "2025");
    assert_eq!(num(&health, 1, 5), None, "not sex-disaggregated");
    assert!(close(num(&health, 1, 7), 15.0), "the mid-term target");
    assert!(close(num(&health, 1, 8), 2025.0));
    assert_eq!(text(&health, 1, 9), "已达标", "at most 15, bound included");
    let school_sheet = wb.worksheet_range("儿童与教育").unwrap();
    assert_eq!(num(&school_sheet, 1, 3), None, "no baseline");
    assert!(close(num(&school_sheet, 1, 4), 930.0 / 1020.0 * 100.0));
    assert!(close(num(&school_sheet, 1, 5), 90.0));
    assert!(close(num(&school_sheet, 1, 6), 480.0 / 520.0 * 100.0));
    assert!(close(num(&school_sheet, 1, 7), 95.0), "no mid-term target: the final one");
    assert!(close(num(&school_sheet, 1, 8), 2030.0));
    assert_eq!(text(&school_sheet, 1, 9), "未达标");

    // The final assessment: nothing reported for 2030 yet.
    let token_path = format!("/api/v1/units/{REGION}/outlines/assessment.xlsx?kind=final");
    let r = app.get(&region, &token_path).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let health = wb.worksheet_range("妇女与健康").unwrap();
    assert!(close(num(&health, 1, 3), 20.0), "baseline");
    assert_eq!(num(&health, 1, 4), None, "no 2030 value");
    assert!(close(num(&health, 1, 7), 12.0), "the final target");
    assert!(close(num(&health, 1, 8), 2030.0));
    assert_eq!(text(&health, 1, 9), "无数据");
    let summary = wb.worksheet_range("分领域汇总").unwrap();
    assert!(close(num(&summary, 1, 3), 1.0), "no data");

    // A kind that is not one: 422 on the API, no page; another league: 404.
    let r = app
        .get(&region, &format!("/api/v1/units/{REGION}/outlines/assessment.xlsx?kind=annual"))
        .await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["field"], "kind");
    let r = page(&app, &cookie, &format!("/outlines/assessment.xlsx?unit={REGION}&kind=annual")).await;
    assert_eq!(r.status(), 404);
    app.add_user("bt-admin", "admin", BAOTOU).await;
    let bt = app.token("bt-admin").await;
    let r = app
        .get(&bt, &format!("/api/v1/units/{XILINGOL}/outlines/assessment.xlsx?kind=midterm"))
        .await;
    assert_eq!(r.status(), 404);
}
both_backends!(outlines_assessment, assessment);

async fn unreported(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("r-admin", "admin", REGION).await;
    let region = app.token("r-admin").await;
    let r = put_json(&app, &region, "/api/v1/outlines/indicators", catalogue()).await;
    assert_eq!(r.status(), 200);
    let ids: Value = r.json().await.unwrap();
    let mmr = ids["ids"][0].as_i64().unwrap();
    let league = app.add_user("xl-admin", "admin", XILINGOL).await;
    let (cookie, _) = app.session_for(league).await;
    let path = format!("/outlines/unreported?unit={XILINGOL}&year=2025");
    let listed = |html: &str| (html.contains("W1.1 孕产妇死亡率"), html.contains("C3.1 学前教育毛入园率"));

    let html = page(&app, &cookie, &path).await.text().await.unwrap();
    assert_eq!(listed(&html), (true, true), "both outstanding");

    // A draft is still outstanding; once submitted, health's is not.
    let xl = reporter(&app, "xl-health", XILINGOL, "health").await;
    let api = format!("/api/v1/outlines/reports/2025/{XILINGOL}");
    let entry = json!({"entries": [{"indicator_id": mmr,
                                    "total": {"numerator": 3, "denominator": 40000}}]});
    assert_eq!(put_json(&app, &xl, &api, entry).await.status(), 200);
    let html = page(&app, &cookie, &path).await.text().await.unwrap();
    assert_eq!(listed(&html), (true, true), "a draft is not a report");
    let r = app.post_json(&xl, &format!("{api}/submit"), json!({})).await;
    assert_eq!(r.status(), 200);
    let html = page(&app, &cookie, &path).await.text().await.unwrap();
    assert_eq!(listed(&html), (false, true), "health handed in");
    // The API twin says the same, by department.
    let v: Value = app
        .get(&region, &format!("/api/v1/units/{XILINGOL}/outlines/unreported?year=2025"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["unit"]["code"], XILINGOL);
    assert_eq!(v["year"], 2025);
    assert_eq!(v["departments"].as_array().unwrap().len(), 1);
    assert_eq!(v["departments"][0]["department"], "education");
    assert_eq!(v["departments"][0]["indicators"][0]["code"], "C3.1");
    app.add_user("bt-admin", "admin", BAOTOU).await;
    let bt = app.token("bt-admin").await;
    let r = app
        .get(&bt, &format!("/api/v1/units/{XILINGOL}/outlines/unreported?year=2025"))
        .await;
    assert_eq!(r.status(), 404);
    // Returned: outstanding again.
    let r = app
        .post_json(&region, &format!("{api}/health/return"), json!({"reason": "活产数有误"}))
        .await;
    assert_eq!(r.status(), 200);
    let html = page(&app, &cookie, &path).await.text().await.unwrap();
    assert_eq!(listed(&html), (true, true), "returned");
    // Another league's list is out of scope; 2025 at 锡林浩特市 is its own.
    let r = page(&app, &cookie, &format!("/outlines/unreported?unit={BAOTOU}&year=2025")).await;
    assert_eq!(r.status(), 404);
    let html = page(&app, &cookie, &format!("/outlines/unreported?unit={XILINHOT}&year=2025"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(listed(&html), (true, true), "the banner reports nothing yet");
}
both_backends!(outlines_unreported, unreported);

/// The region's figures page is kept between requests (issue 16's speed
/// target) and is never stale: an approval through the server, a target
/// changed and a report approved by another process (here the store
/// itself, beside the server) each show at the next request.
async fn kept_page_follows_every_change(db: Db) {
    use jinguo_store::{OutlineStore, UnitStore};
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("r-admin", "admin", REGION).await;
    let region = app.token("r-admin").await;
    let r = put_json(&app, &region, "/api/v1/outlines/indicators", catalogue()).await;
    let ids: Value = r.json().await.unwrap();
    let mmr = ids["ids"][0].as_i64().unwrap();
    let path = format!("/api/v1/units/{REGION}/outlines?year=2025");
    let mmr_row = |v: &Value| -> Value {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator_id"] == mmr)
            .cloned()
            .unwrap()
    };
    let read = || async { app.get(&region, &path).await.json::<Value>().await.unwrap() };
    let first = read().await;
    assert_eq!(read().await, first, "the kept page answers the same");

    // Through the server.
    let xl = reporter(&app, "xl-health", XILINGOL, "health").await;
    let entry = json!({"indicator_id": mmr, "total": {"numerator": 3, "denominator": 40_000}});
    report(&app, &xl, (2025, XILINGOL, "health"), entry, Some(&region)).await;
    let approved = read().await;
    assert_ne!(mmr_row(&approved), mmr_row(&first), "the approval shows");

    // Beside the server: a target set by another process.
    let root = app.store.root_scope().await.unwrap();
    let region_unit = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(REGION).unwrap())
        .await
        .unwrap();
    app.store
        .set_target(
            root,
            jinguo_store::outlines::NewTarget {
                unit: region_unit.id,
                indicator: jinguo_domain::outline::IndicatorId::new(mmr),
                year: 2030,
                value: 12.0,
                official: false,
            },
            &jinguo_store::outlines::Who::default(),
            2,
        )
        .await
        .unwrap();
    let targeted = read().await;
    assert_ne!(
        mmr_row(&targeted),
        mmr_row(&approved),
        "a target written by another process shows"
    );
    assert_eq!(read().await, targeted);
}

both_backends!(outlines_kept_page, kept_page_follows_every_change);
