//! The activity ledger list (issue 14 item 6): searched by title, filtered
//! by type and programme within the period, paged by (date, id) without
//! repeats even where a page ends inside one day, exported (the ledger
//! export) with the same filters, and never opened outside the subtree.

use std::collections::HashSet;

use reqwest::header::COOKIE;
use serde_json::json;

use crate::both_backends;
use crate::support::*;

/// Activity ids of a list page's rows, in order (from their edit links).
fn ids(html: &str) -> Vec<i64> {
    html.split("href=\"/activities/")
        .skip(1)
        .filter_map(|s| {
            let (id, rest) = s.split_once('/')?;
            rest.starts_with("edit").then(|| id.parse().ok())?
        })
        .collect()
}

/// The first sheet of an export as text cells.
async fn sheet(r: reqwest::Response) -> Vec<Vec<String>> {
    use calamine::Reader;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

const YEAR: &str = "from=2026-01&to=2026-12";

async fn searched_paged_exported(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("baotou", "cadre", BAOTOU).await;
    let reader = app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let (session, _) = app.session_for(reader).await;
    let cookie = format!("jinguo_session={session}");
    let token = app.token("yilelt").await;
    let baotou = app.token("baotou").await;
    // 30 on 5 March, 23 on 4 March: the first page ends inside 4 March.
    let mut made = Vec::new();
    for i in 0..53 {
        let date = if i < 23 { "2026-03-04" } else { "2026-03-05" };
        let r = app
            .post_json(
                &token,
                "/api/v1/activities",
                json!({"unit_code": YILELT, "date": date, "type": "lecture",
                       "program": "happy_family", "title": format!("巾帼大宣讲{i}"),
                       "participants": 10, "women": 8}),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        made.push(r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let r = app
        .post_json(
            &token,
            "/api/v1/activities",
            json!({"unit_code": YILELT, "date": "2026-03-01", "type": "send_law",
                   "program": "soul_casting", "title": "三八节联欢",
                   "participants": 40, "women": 40}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let party = r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post_json(
            &baotou,
            "/api/v1/activities",
            json!({"unit_code": BAOTOU, "date": "2026-03-05", "type": "lecture",
                   "title": "包头宣讲", "participants": 5, "women": 5}),
        )
        .await;
    assert_eq!(r.status(), 201);

    // Keyset paging by (date, id): 50, then the rest, no repeats, in order.
    let (status, html) = app.page(&cookie, &format!("/activities?{YEAR}")).await;
    assert_eq!(status, 200);
    let first = ids(&html);
    assert_eq!(first.len(), 50, "{html}");
    assert_eq!(first[0], made[52], "newest day, newest id first");
    let cursor = html
        .split("before=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a next page")
        .to_owned();
    assert_eq!(cursor, format!("2026-03-04.{}", first[49]), "{html}");
    let (_, html) = app.page(&cookie, &format!("/activities?{YEAR}&before={cursor}")).await;
    let second = ids(&html);
    assert_eq!(second.len(), 4, "{html}");
    assert_eq!(*second.last().unwrap(), party, "the oldest day last");
    let all: HashSet<_> = first.iter().chain(&second).collect();
    assert_eq!(all.len(), 54, "no repeats");
    assert!(!html.contains("before="), "no page after the last");
    assert!(!html.contains("包头宣讲"));

    // Title, type, programme, period.
    let (_, html) = app.page(&cookie, &format!("/activities?{YEAR}&q=%E4%B8%89%E5%85%AB")).await;
    assert_eq!(ids(&html), vec![party], "三八");
    let (_, html) = app.page(&cookie, &format!("/activities?{YEAR}&type=send_law")).await;
    assert_eq!(ids(&html), vec![party]);
    let (_, html) = app.page(&cookie, &format!("/activities?{YEAR}&program=soul_casting")).await;
    assert_eq!(ids(&html), vec![party]);
    let (_, html) = app.page(&cookie, &format!("/activities?{YEAR}&program=happy_family&q=%E5%AE%A3%E8%AE%B252")).await;
    assert_eq!(ids(&html), vec![made[52]], "宣讲52");
    let (_, html) = app.page(&cookie, "/activities?from=2026-04&to=2026-12").await;
    assert!(ids(&html).is_empty(), "nothing after March");

    // Bad choices and periods are field errors; broken cursors are no page.
    let (status, html) = app.page(&cookie, &format!("/activities?{YEAR}&type=x&program=y")).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("请从列表中选择").count(), 2, "{html}");
    let (status, _) = app.page(&cookie, "/activities?from=2026-12&to=2026-01").await;
    assert_eq!(status, 200);
    let (status, _) = app.page(&cookie, &format!("/activities/export.xlsx?{YEAR}&type=x")).await;
    assert_eq!(status, 422);
    for path in [
        format!("/activities?unit={BAOTOU}"),
        format!("/activities/export.xlsx?unit={BAOTOU}"),
        "/activities?before=abc".to_owned(),
        "/activities?before=2026-13-01.5".to_owned(),
        "/activities?before=2026-03-04.".to_owned(),
    ] {
        let (status, _) = app.page(&cookie, &path).await;
        assert_eq!(status, 404, "{path}");
    }

    // The ledger export takes the same filters.
    let r = app
        .client
        .get(app.url(&format!("/activities/export.xlsx?{YEAR}&q=%E4%B8%89%E5%85%AB")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let text = format!("{:?}", sheet(r).await);
    assert!(text.contains("三八节联欢") && !text.contains("巾帼大宣讲"), "{text}");
    let r = app
        .client
        .get(app.url(&format!("/activities/export.xlsx?{YEAR}&program=happy_family")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let rows = sheet(r).await;
    let titled = rows
        .iter()
        .filter(|r| r.iter().any(|c| c.starts_with("巾帼大宣讲")))
        .count();
    assert_eq!(titled, 53, "{rows:?}");
    assert!(!format!("{rows:?}").contains("三八节联欢"));
    let r = app
        .client
        .get(app.url(&format!("/activities/export.xlsx?{YEAR}")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let rows = sheet(r).await;
    let titled = rows
        .iter()
        .filter(|r| r.iter().any(|c| c.starts_with("巾帼大宣讲") || c == "三八节联欢"))
        .count();
    assert_eq!(titled, 54, "{rows:?}");
    assert!(!format!("{rows:?}").contains("包头宣讲"));
}
both_backends!(searched_paged_exported, searched_paged_exported);
