//! The Women's Home list (issue 14 item 6): searched by name or address,
//! filtered by unit and status, paged by id without repeats, exported with
//! the same filters, and never opened outside the reader's subtree.

use std::collections::HashSet;

use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

/// Home ids of a list page's rows, in order.
fn ids(html: &str) -> Vec<i64> {
    html.split("data-label=\"名称\"><a href=\"/homes/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

fn home(unit: &str, name: &str, address: &str) -> Value {
    json!({"unit_code": unit, "name": name, "address": address,
           "phone": "0479 822 1234", "facilities": ["activity_room"]})
}

async fn searched_paged_exported(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("hanaula", "cadre", HANAULA).await;
    app.add_user("baotou", "cadre", BAOTOU).await;
    let reader = app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let (session, _) = app.session_for(reader).await;
    let cookie = format!("jinguo_session={session}");
    let yilelt = app.token("yilelt").await;
    let hanaula = app.token("hanaula").await;
    let baotou = app.token("baotou").await;
    for i in 0..54 {
        let r = app
            .post_json(
                &yilelt,
                "/api/v1/homes",
                home(YILELT, &format!("伊勒勒特第{i}妇女之家"), "嘎查党群服务中心"),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    let mut shut = home(HANAULA, "哈那乌拉之家", "牧民活动室 100%");
    shut["status"] = json!("suspended");
    let r = app.post_json(&hanaula, "/api/v1/homes", shut).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let suspended = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post_json(&baotou, "/api/v1/homes", home(BAOTOU, "包头之家", "中心"))
        .await;
    assert_eq!(r.status(), 201);

    // Keyset paging: 50, then the rest, no home twice, none from Baotou.
    let (status, html) = app.page(&cookie, "/homes").await;
    assert_eq!(status, 200);
    let first = ids(&html);
    assert_eq!(first.len(), 50, "{html}");
    assert_eq!(first[0], suspended, "newest first");
    let next = first.last().unwrap();
    assert!(html.contains(&format!("before={next}")), "{html}");
    let (_, html) = app.page(&cookie, &format!("/homes?before={next}")).await;
    let second = ids(&html);
    assert_eq!(second.len(), 5, "{html}");
    let all: HashSet<_> = first.iter().chain(&second).collect();
    assert_eq!(all.len(), 55, "no repeats");
    assert!(!html.contains("before="), "no page after the last");
    assert!(!html.contains("包头之家"));

    // Search by name or address; status; unit.
    let (_, html) = app.page(&cookie, "/homes?q=%E7%AC%AC7%E5%A6%87").await;
    assert_eq!(ids(&html).len(), 1, "第7妇");
    let (_, html) = app.page(&cookie, "/homes?q=%E7%89%A7%E6%B0%91").await;
    assert_eq!(ids(&html), vec![suspended], "牧民 in the address");
    let (_, html) = app.page(&cookie, "/homes?q=100%25").await;
    assert_eq!(ids(&html), vec![suspended], "`%` is itself");
    let (_, html) = app.page(&cookie, "/homes?q=0%25").await;
    assert_eq!(ids(&html), vec![suspended]);
    let (_, html) = app.page(&cookie, "/homes?status=suspended").await;
    assert_eq!(ids(&html), vec![suspended]);
    let (_, html) = app.page(&cookie, "/homes?status=active").await;
    assert_eq!(ids(&html).len(), 50);
    let (_, html) = app.page(&cookie, &format!("/homes?unit={HANAULA}")).await;
    assert_eq!(ids(&html), vec![suspended], "the village alone");

    // A status not offered is a field error, not a failure.
    let (status, html) = app.page(&cookie, "/homes?status=gone").await;
    assert_eq!(status, 200);
    assert!(html.contains("请从列表中选择"), "{html}");
    assert!(ids(&html).is_empty());
    let (status, _) = app.page(&cookie, "/homes/export.xlsx?status=gone").await;
    assert_eq!(status, 422);

    // The export holds the filtered rows.
    let r = app
        .client
        .get(app.url("/homes/export.xlsx?q=%E4%B9%8B%E5%AE%B6"))
        .header(COOKIE, &cookie)
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
    let named: Vec<_> = rows
        .iter()
        .filter(|r| r.first().is_some_and(|c| c.ends_with("之家")))
        .collect();
    assert_eq!(named.len(), 55, "all 55 homes, no page limit: {rows:?}");
    let text = format!("{rows:?}");
    assert!(text.contains("牧民活动室 100%") && text.contains("暂停"), "{text}");
    assert!(!text.contains("包头之家"));

    // Outside the reader's subtree: not found, page, export and paging alike.
    for path in [
        format!("/homes?unit={BAOTOU}"),
        format!("/homes/export.xlsx?unit={BAOTOU}"),
        "/homes?before=abc".to_owned(),
        "/homes/export.xlsx?before=1.5".to_owned(),
    ] {
        let (status, _) = app.page(&cookie, &path).await;
        assert_eq!(status, 404, "{path}");
    }
}
both_backends!(searched_paged_exported, searched_paged_exported);
