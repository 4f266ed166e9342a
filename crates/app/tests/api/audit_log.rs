//! The audit log as an auditor reads it (issue 14 item 9): filtered by
//! person, action, unit and date, details in words with links, exported.

use reqwest::header::COOKIE;
use serde_json::json;

use crate::both_backends;
use crate::support::*;

fn today() -> String {
    jinguo_domain::activity::format_date(time::OffsetDateTime::now_utc().date())
}

async fn filtered_and_readable(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let auditor_id = app.add_user("auditor", "auditor", XILINHOT).await;
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("hanaula", "cadre", HANAULA).await;
    let (session, _) = app.session_for(auditor_id).await;
    let auditor = format!("jinguo_session={session}");
    let yilelt = app.token("yilelt").await;
    let hanaula = app.token("hanaula").await;
    let r = app
        .post_json(
            &yilelt,
            "/api/v1/activities",
            json!({"unit_code": YILELT, "date": today(), "type": "lecture",
                   "title": "宣讲", "participants": 9, "women": 6}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post_json(
            &hanaula,
            "/api/v1/activities",
            json!({"unit_code": HANAULA, "date": today(), "type": "lecture",
                   "title": "宣讲", "participants": 5, "women": 5}),
        )
        .await;
    assert_eq!(r.status(), 201);

    // Everything of the city: both villages' logins and records.
    let (status, html) = app.page(&auditor, "/audit").await;
    assert_eq!(status, 200);
    assert!(html.contains("yilelt") && html.contains("hanaula"));
    // The detail reads in words, with links to the records.
    // (The template escapes `/` in attributes as `&#x2f;`, which browsers read as `/`.)
    let link = format!("/activities/{id}/edit").replace('/', "&#x2f;");
    assert!(
        html.contains(&format!("<a href=\"{link}\">{id}</a>")),
        "{html}"
    );
    assert!(html.contains("<span class=\"muted\">活动</span>"));
    assert!(!html.contains(&format!("activity={id}")), "no raw key=value");

    // By person.
    let (_, html) = app.page(&auditor, "/audit?actor=yilelt").await;
    assert!(html.contains("yilelt") && !html.contains(">hanaula<"), "{html}");
    // By action and unit: only the village's record, not its login.
    let (_, html) = app.page(
        &auditor,
        &format!("/audit?unit={HANAULA}&action=activity.created"),
    )
    .await;
    assert!(html.contains("hanaula") && !html.contains(">yilelt<"));
    assert_eq!(html.matches("<tr>").count(), 2, "header and one entry: {html}");
    // By date: nothing happened tomorrow; a malformed date says so.
    let tomorrow = jinguo_domain::activity::format_date(
        time::OffsetDateTime::now_utc().date() + time::Duration::days(2),
    );
    let (_, html) = app.page(&auditor, &format!("/audit?from={tomorrow}")).await;
    assert!(html.contains("暂无记录"), "{html}");
    let (status, html) = app.page(&auditor, "/audit?from=3%2F11").await;
    assert_eq!(status, 200);
    assert!(html.contains("日期格式应为"), "{html}");
    let r = app.get(&app.token("auditor").await, "/api/v1/audit?to=2026-13-01").await;
    assert_eq!(r.status(), 422);
    let r = app.get(&app.token("auditor").await, "/api/v1/audit?actor=hanaula").await;
    let body: serde_json::Value = r.json().await.unwrap();
    let entries = body["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["actor_name"] == "hanaula"), "{body}");

    // The export holds the same filtered entries, in words.
    let r = app
        .client
        .get(app.url("/audit/export.xlsx?actor=yilelt&action=activity.created"))
        .header(COOKIE, &auditor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    use calamine::Reader;
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][1], "yilelt");
    assert!(rows[1][4].contains(&format!("活动 {id}")), "{rows:?}");

    // Another city's unit is not found.
    let (status, _) = app.page(&auditor, "/audit?before=abc").await;
    assert_eq!(status, 404, "a broken paging link is no page, as on the other lists");
    let (status, _) = app.page(&auditor, &format!("/audit?unit={BAOTOU}")).await;
    assert_eq!(status, 404);
}
both_backends!(filtered_and_readable, filtered_and_readable);
