//! The workbench (issue 14 items 3, 5, 7): after login every role lands on
//! what her unit has to do — tasks to answer, reports waiting for her
//! review with the unit's name, unread notices, this month's figures — and
//! the quiet-village count leads to a list with paths and an export.

use reqwest::header::{CONTENT_TYPE, COOKIE};
use serde_json::json;

use crate::both_backends;
use crate::support::*;

fn today() -> String {
    jinguo_domain::activity::format_date(time::OffsetDateTime::now_utc().date())
}

fn in_days(days: i64) -> String {
    jinguo_domain::activity::format_date(
        time::OffsetDateTime::now_utc().date() + time::Duration::days(days),
    )
}

async fn browser(app: &TestApp, user: jinguo_domain::UserId) -> String {
    let (session, _) = app.session_for(user).await;
    format!("jinguo_session={session}")
}

async fn lands_on_what_to_do(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("region", "admin", REGION).await;
    let village_id = app.add_user("yilelt", "cadre", YILELT).await;
    let township_id = app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let stranger_id = app.add_user("baotou", "admin", BAOTOU).await;
    let auditor_id = app.add_user("auditor", "auditor", REGION).await;
    let region = app.token("region").await;
    let village_api = app.token("yilelt").await;
    let village = browser(&app, village_id).await;
    let township = browser(&app, township_id).await;
    let stranger = browser(&app, stranger_id).await;

    // Nothing issued yet: the village's home says so, and offers 记一笔.
    let (status, html) = app.page(&village, "/").await;
    assert_eq!(status, 200);
    assert!(html.contains("今天没有待办的事"), "{html}");
    assert!(html.contains("href=\"/activities/new\""));
    assert!(!html.contains("没有下级单位"), "no longer the org page");

    // The region issues a task to every village.
    let r = app
        .post_json(
            &region,
            "/api/v1/tasks",
            json!({"title": "冬季送温暖入户统计", "description": "请如实填报",
                   "deadline": in_days(10), "issuer_unit": REGION, "target_level": 5,
                   "fields": [{"key": "families", "label": "走访户数", "type": "integer",
                               "required": true, "min": 0, "max": 1000}]}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let report = format!("/tasks/{id}/reports/{YILELT}");

    // The village lands on it: to answer, with its deadline, and as a notice.
    let (_, html) = app.page(&village, "/").await;
    assert!(html.contains("待填报的任务") && html.contains("冬季送温暖入户统计"));
    assert!(html.contains(&format!("href=\"{report}\"")), "{html}");
    assert!(html.contains(&in_days(10)));
    assert!(html.contains("未读通知") && html.contains("新任务"));
    assert!(!html.contains("今天没有待办的事"));

    // Nothing waits for the township yet.
    let (_, html) = app.page(&township, "/").await;
    assert!(!html.contains("待审核的上报"));

    // The village answers and hands in: it leaves her list and reaches the
    // township's review list with the village's name.
    let api = format!("/api/v1{report}");
    let r = app
        .client
        .put(app.url(&api))
        .bearer_auth(&village_api)
        .json(&json!({"values": {"families": 12}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .post_json(&village_api, &format!("{api}/submit"), json!({}))
        .await;
    assert_eq!(r.status(), 200);
    let (_, html) = app.page(&village, "/").await;
    assert!(html.contains("没有待填报的任务"), "handed in: off her list");
    let (_, html) = app.page(&township, "/").await;
    assert!(html.contains("待审核的上报"), "{html}");
    assert!(html.contains("伊利勒特嘎查 · 冬季送温暖入户统计"), "{html}");
    assert!(html.contains(&format!("href=\"{report}\"")));
    // Its notice names the village that handed in and leads to its report.
    assert!(html.contains("伊利勒特嘎查 已上报 · 冬季送温暖入户统计"), "{html}");
    let (_, html) = app.page(&township, "/notices").await;
    assert!(html.contains("伊利勒特嘎查 已上报"), "{html}");
    assert!(html.contains(&format!("href=\"{report}\"")), "{html}");

    // Another league's admin sees none of it.
    let (status, html) = app.page(&stranger, "/").await;
    assert_eq!(status, 200);
    assert!(!html.contains("冬季送温暖入户统计"));

    // An auditor (no task or record rights) still lands on a page.
    let auditor = browser(&app, auditor_id).await;
    let (status, html) = app.page(&auditor, "/").await;
    assert_eq!(status, 200);
    assert!(!html.contains("待填报的任务"));
    assert!(!html.contains("href=\"/activities/new\""));

    // This month's figures count what the village records.
    let r = app
        .post_json(
            &village_api,
            "/api/v1/activities",
            json!({"unit_code": YILELT, "date": today(), "type": "home_visit",
                   "title": "入户", "participants": 7, "women": 5}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let (_, html) = app.page(&township, "/").await;
    assert!(html.contains("本月数据"));
    assert!(
        html.contains("<span class=\"stat-num\">7</span>"),
        "participants this month: {html}"
    );
}
both_backends!(lands_on_what_to_do, lands_on_what_to_do);

async fn quiet_villages_listed(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let township_id = app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let stranger_id = app.add_user("baotou", "admin", BAOTOU).await;
    app.add_user("yilelt", "cadre", YILELT).await;
    let village_api = app.token("yilelt").await;
    let township = browser(&app, township_id).await;
    let stranger = browser(&app, stranger_id).await;
    let path = format!("/quiet/{BAOLIGEN}");

    let (status, html) = app.page(&township, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("伊利勒特嘎查") && html.contains("哈那乌拉嘎查"));
    assert!(html.contains("宝力根苏木"), "the path: {html}");
    assert!(html.contains("从未记录"));

    // Once the village records an activity it leaves the list.
    let r = app
        .post_json(
            &village_api,
            "/api/v1/activities",
            json!({"unit_code": YILELT, "date": today(), "type": "home_visit",
                   "title": "入户", "participants": 3, "women": 2}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let (_, html) = app.page(&township, &path).await;
    assert!(!html.contains("伊利勒特嘎查"));
    assert!(html.contains("哈那乌拉嘎查"));

    // The export is a workbook with the same rows.
    let r = app
        .client
        .get(app.url(&format!("{path}/export.xlsx")))
        .header(COOKIE, &township)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let bytes = r.bytes().await.unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let names: Vec<String> = sheet.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert!(names.iter().any(|n| n == "哈那乌拉嘎查"), "{names:?}");
    assert!(!names.iter().any(|n| n == "伊利勒特嘎查"), "{names:?}");

    // Keyset paging: a page after the last code is empty, a malformed
    // cursor is no page at all, another league's list is not found.
    let (status, html) = app.page(&township, &format!("{path}?after=152502299999")).await;
    assert_eq!(status, 200);
    assert!(!html.contains("哈那乌拉嘎查"));
    let (status, _) = app.page(&township, &format!("{path}?after=x'or")).await;
    assert_eq!(status, 404);
    let (status, _) = app.page(&stranger, &path).await;
    assert_eq!(status, 404);
}
both_backends!(quiet_villages_listed, quiet_villages_listed);

// ---- The module's routes in the authorization matrix ----

mod matrix_cases {
    use crate::matrix::{Case, Cases, Kind, ModuleCases, call};

    fn cases(m: &mut Cases) {
        let unit = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Unit,
        };
        m.insert(("GET", "/"), unit(|_| call("/".into()), 200));
        m.insert(
            ("GET", "/quiet/{code}"),
            unit(|t| call(format!("/quiet/{}", t.code())), 200),
        );
        m.insert(
            ("GET", "/quiet/{code}/export.xlsx"),
            unit(|t| call(format!("/quiet/{}/export.xlsx", t.code())), 200),
        );
    }

    inventory::submit!(ModuleCases(cases));
}
