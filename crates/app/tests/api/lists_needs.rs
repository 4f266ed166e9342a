//! The need list (issue 14 item 6): filtered by category, status,
//! urgency and day raised, paged by id without repeats, exported with the
//! same filters, never opened outside the reader's subtree.

use std::collections::HashSet;

use reqwest::header::COOKIE;
use serde_json::json;

use crate::both_backends;
use crate::support::*;

/// Need ids linked from a list page, in order.
fn ids(html: &str) -> Vec<i64> {
    html.split("href=\"/needs/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

async fn filtered_paged_exported(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let cadre = app.add_user("yilelt", "cadre", YILELT).await;
    let (session, _) = app.session_for(cadre).await;
    let cookie = format!("jinguo_session={session}");
    let token = app.token("yilelt").await;
    let mut health = 0;
    for i in 0..53 {
        let (category, urgency) = if i == 52 { ("health", "critical") } else { ("employment", "normal") };
        let r = app
            .post_json(
                &token,
                "/api/v1/needs",
                json!({"unit_code": YILELT, "category": category, "urgency": urgency,
                       "description": "想学电商技能"}),
            )
            .await;
        assert_eq!(r.status(), 201);
        health = r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    }
    let base = format!("/needs?unit={YILELT}&queue=subtree");

    // Keyset paging: 50, then the rest, none twice.
    let (status, html) = app.page(&cookie, &base).await;
    assert_eq!(status, 200);
    let first = ids(&html);
    assert_eq!(first.len(), 50, "{html}");
    assert_eq!(first[0], health, "newest first");
    let next = first.last().unwrap();
    assert!(html.contains(&format!("before={next}")), "{html}");
    let (_, html) = app.page(&cookie, &format!("{base}&before={next}")).await;
    let second = ids(&html);
    assert_eq!(second.len(), 3, "{html}");
    let all: HashSet<_> = first.iter().chain(&second).collect();
    assert_eq!(all.len(), 53);

    // Filters narrow the list.
    for q in ["category=health", "urgency=critical", "category=health&status=open"] {
        let (_, html) = app.page(&cookie, &format!("{base}&{q}")).await;
        assert_eq!(ids(&html), vec![health], "{q}");
    }
    let (_, html) = app.page(&cookie, &format!("{base}&status=resolved")).await;
    assert!(ids(&html).is_empty());
    let (_, html) = app.page(&cookie, &format!("{base}&from=2000-01-01&to=2000-12-31")).await;
    assert!(ids(&html).is_empty());

    // Malformed filters are field errors, not failures.
    for (q, msg) in [
        ("from=3%2F11", "日期格式应为"),
        ("urgency=loud", "请从列表中选择"),
        ("category=nope", "请从列表中选择"),
    ] {
        let (status, html) = app.page(&cookie, &format!("{base}&{q}")).await;
        assert_eq!(status, 200, "{q}");
        assert!(html.contains(msg), "{q}: {html}");
    }

    // The export holds the filtered rows, and no description.
    let r = app
        .client
        .get(app.url(&format!("/needs/export.xlsx?unit={YILELT}&queue=subtree&category=employment")))
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
    let text = format!("{rows:?}");
    assert_eq!(rows.iter().filter(|r| r.iter().any(|c| c == "就业创业")).count(), 52, "{text}");
    assert!(!text.contains("电商"), "the description stays sealed");
    let r = app
        .client
        .get(app.url("/needs/export.xlsx?queue=subtree&to=2026-02-30"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // Outside the reader's subtree: not found.
    for path in [
        format!("/needs?unit={HANAULA}&queue=subtree"),
        format!("/needs/export.xlsx?unit={BAOTOU}"),
        format!("{base}&before=x"),
    ] {
        let (status, _) = app.page(&cookie, &path).await;
        assert_eq!(status, 404, "{path}");
    }
}
both_backends!(filtered_paged_exported, filtered_paged_exported);
