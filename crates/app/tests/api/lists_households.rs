//! The household list (issue 14 item 6): searched by name, filtered by
//! visits, paged by id without repeats, exported with the same filters,
//! and never opened outside the reader's subtree.

use std::collections::HashSet;

use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn household(unit: &str, head: &str) -> Value {
    json!({
        "unit_code": unit,
        "address": "一组 12 号",
        "members": [{"name": head, "sex": "F", "birth_year": 1985, "relation": "head"}],
        "consent": {"given_by": head, "method": "oral"}
    })
}

/// Household ids of a list page's rows (not of its recent visits), in order.
fn ids(html: &str) -> Vec<i64> {
    html.split("data-label=\"户主（第一位成员）\"><a href=\"/households/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

async fn searched_paged_exported(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("hanaula", "cadre", HANAULA).await;
    let reader = app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let (session, _) = app.session_for(reader).await;
    let cookie = format!("jinguo_session={session}");
    let yilelt = app.token("yilelt").await;
    let hanaula = app.token("hanaula").await;
    // 55 households in one village, one in the other, one visited.
    for _ in 0..55 {
        let r = app
            .post_json(&yilelt, "/api/v1/households", household(YILELT, "其其格木兰"))
            .await;
        assert_eq!(r.status(), 201);
    }
    let r = app
        .post_json(&hanaula, "/api/v1/households", household(HANAULA, "萨仁高娃"))
        .await;
    assert_eq!(r.status(), 201);
    let sarin = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post_json(
            &hanaula,
            "/api/v1/visits",
            json!({"household_id": sarin, "date": "2026-03-04", "visitors": "主席", "tags": []}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    // Keyset paging: 50, then the rest, no household twice.
    let (status, html) = app.page(&cookie, "/households").await;
    assert_eq!(status, 200);
    let first = ids(&html);
    assert_eq!(first.len(), 50, "{html}");
    assert_eq!(first[0], sarin, "newest first");
    let next = first.last().unwrap();
    assert!(html.contains(&format!("before={next}")), "{html}");
    let (_, html) = app.page(&cookie, &format!("/households?before={next}")).await;
    let second = ids(&html);
    assert_eq!(second.len(), 6, "{html}");
    let all: HashSet<_> = first.iter().chain(&second).collect();
    assert_eq!(all.len(), 56, "no repeats");
    assert!(!html.contains("before="), "no page after the last");

    // Search by a member's whole name (names are sealed: a blind index of
    // the whole name, never a fragment), and by visits.
    let (_, html) = app.page(&cookie, "/households?q=%E8%90%A8%E4%BB%81%E9%AB%98%E5%A8%83").await;
    assert_eq!(ids(&html), vec![sarin], "萨仁高娃");
    let (_, html) = app.page(&cookie, "/households?q=%E8%90%A8%E4%BB%81").await;
    assert!(ids(&html).is_empty(), "a fragment (萨仁) finds nothing");
    let (_, html) = app.page(&cookie, "/households?from=2026-03-01&to=2026-03-31").await;
    assert_eq!(ids(&html), vec![sarin], "visited in March");
    let (_, html) = app.page(&cookie, "/households?from=2026-04-01").await;
    assert!(ids(&html).is_empty());
    let (_, html) = app.page(&cookie, "/households?never=1").await;
    assert_eq!(ids(&html).len(), 50);
    assert!(!ids(&html).contains(&sarin));
    let (_, html) = app.page(&cookie, &format!("/households?unit={HANAULA}")).await;
    assert_eq!(ids(&html), vec![sarin], "the village alone");
    // A `%` is searched as itself, not as a wildcard.
    let (_, html) = app.page(&cookie, "/households?q=%25").await;
    assert!(ids(&html).is_empty());

    // A malformed date or range is a field error, not a failure.
    let (status, html) = app.page(&cookie, "/households?from=3%2F11").await;
    assert_eq!(status, 200);
    assert!(html.contains("日期格式应为"), "{html}");
    let (status, html) = app.page(&cookie, "/households?from=2026-03-02&to=2026-03-01").await;
    assert_eq!(status, 200);
    assert!(html.contains("截止日期不能早于起始日期"), "{html}");
    let r = app
        .client
        .get(app.url("/households/export.xlsx?to=2026-02-30"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // The export holds the filtered rows; nothing sealed is in it.
    let r = app
        .client
        .get(app.url(
            "/households/export.xlsx?q=%E5%85%B6%E5%85%B6%E6%A0%BC%E6%9C%A8%E5%85%B0",
        ))
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
    let body: Vec<_> = rows.iter().filter(|r| r.iter().any(|c| c == "其其格木兰")).collect();
    assert_eq!(body.len(), 55, "{rows:?}");
    assert!(!format!("{rows:?}").contains("萨仁高娃"));
    assert!(!format!("{rows:?}").contains("12 号"), "the address stays sealed");

    // Outside the reader's subtree: not found, page, export and paging alike.
    for path in [
        format!("/households?unit={BAOTOU}"),
        format!("/households/export.xlsx?unit={BAOTOU}"),
        "/households?before=abc".to_owned(),
    ] {
        let (status, _) = app.page(&cookie, &path).await;
        assert_eq!(status, 404, "{path}");
    }
}
both_backends!(searched_paged_exported, searched_paged_exported);
