//! The task list (issue 14 item 6): searched by title, filtered by the
//! unit's own status and the deadline, paged by id without repeats,
//! exported with the same filters, and never opened outside the reader's
//! subtree.

use std::collections::HashSet;

use reqwest::header::COOKIE;
use serde_json::json;

use crate::both_backends;
use crate::support::*;

fn deadline(days: i64) -> String {
    jinguo_domain::activity::format_date(
        time::OffsetDateTime::now_utc().date() + time::Duration::days(days),
    )
}

/// Task ids of a list page's rows, in order.
fn ids(html: &str) -> Vec<i64> {
    html.split("data-label=\"任务标题\"><a href=\"/tasks/")
        .skip(1)
        .filter_map(|s| s.split('?').next()?.parse().ok())
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

async fn searched_paged_exported(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let issuer = app.add_user("xilinhot", "cadre", XILINHOT).await;
    let village = app.add_user("yilelt", "cadre", YILELT).await;
    let token = app.token("xilinhot").await;
    let (issuer, _) = app.session_for(issuer).await;
    let (village, _) = app.session_for(village).await;
    let (issuer, village) = (
        format!("jinguo_session={issuer}"),
        format!("jinguo_session={village}"),
    );
    // 52 tasks to every village, deadlines a day apart; one about 三八节.
    let mut made = Vec::new();
    for i in 0..52 {
        let title = if i == 20 {
            "三八节活动统计".to_owned()
        } else {
            format!("例行统计{i}")
        };
        let r = app
            .post_json(
                &token,
                "/api/v1/tasks",
                json!({"title": title, "deadline": deadline(i + 1), "issuer_unit": XILINHOT,
                       "target_level": 5,
                       "fields": [{"key": "n", "label": "人数", "type": "integer", "required": false}]}),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        made.push(r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap());
    }

    // Keyset paging of the village's inbox: 50, then the rest, no repeats.
    let (status, html) = app.page(&village, "/tasks?box=inbox").await;
    assert_eq!(status, 200);
    let first = ids(&html);
    assert_eq!(first.len(), 50, "{html}");
    assert_eq!(first[0], made[51], "newest first");
    let next = first.last().unwrap();
    assert!(html.contains(&format!("before={next}")), "{html}");
    let (_, html) = app.page(&village, &format!("/tasks?box=inbox&before={next}")).await;
    let second = ids(&html);
    assert_eq!(second.len(), 2, "{html}");
    let all: HashSet<_> = first.iter().chain(&second).collect();
    assert_eq!(all.len(), 52, "no repeats");
    assert!(!html.contains("before="), "no page after the last");

    // Title, deadline, status.
    let (_, html) = app.page(&village, "/tasks?box=inbox&q=%E4%B8%89%E5%85%AB").await;
    assert_eq!(ids(&html), vec![made[20]], "三八");
    let range = format!("/tasks?box=inbox&from={}&to={}", deadline(11), deadline(13));
    let (_, html) = app.page(&village, &range).await;
    assert_eq!(ids(&html), vec![made[12], made[11], made[10]]);
    let (_, html) = app.page(&village, "/tasks?box=inbox&status=not_started&q=%E4%BE%8B%E8%A1%8C%E7%BB%9F%E8%AE%A151").await;
    assert_eq!(ids(&html), vec![made[51]]);
    let (_, html) = app.page(&village, "/tasks?box=inbox&status=submitted").await;
    assert!(ids(&html).is_empty());
    // The issuer's issued box, searched.
    let (_, html) = app.page(&issuer, "/tasks?box=issued&q=%E4%B8%89%E5%85%AB").await;
    assert_eq!(ids(&html), vec![made[20]]);

    // Bad choices and days are field errors, not failures.
    let (status, html) = app.page(&village, "/tasks?box=inbox&status=lost&from=2026-13-01").await;
    assert_eq!(status, 200);
    assert!(html.contains("请从列表中选择") && html.contains("日期格式应为"), "{html}");
    let (status, _) = app.page(&village, "/tasks/export.xlsx?box=inbox&to=tomorrow").await;
    assert_eq!(status, 422);

    // The export: the filtered box, no page limit.
    let r = app
        .client
        .get(app.url("/tasks/export.xlsx?box=inbox"))
        .header(COOKIE, &village)
        .send()
        .await
        .unwrap();
    let rows = sheet(r).await;
    let titled: Vec<_> = rows
        .iter()
        .filter(|r| r.first().is_some_and(|c| c.contains("统计")))
        .collect();
    assert_eq!(titled.len(), 52, "{rows:?}");
    let r = app
        .client
        .get(app.url(&format!("/tasks/export.xlsx?box=issued&from={}&to={}", deadline(1), deadline(2))))
        .header(COOKIE, &issuer)
        .send()
        .await
        .unwrap();
    let rows = sheet(r).await;
    let text = format!("{rows:?}");
    assert!(text.contains("例行统计0") && text.contains("例行统计1"), "{text}");
    assert!(!text.contains("例行统计2\""), "{text}");

    // Outside the reader's subtree, or a broken paging link: not found.
    for path in [
        format!("/tasks?unit={BAOTOU}"),
        format!("/tasks/export.xlsx?unit={XILINHOT}"),
        "/tasks?box=inbox&before=abc".to_owned(),
        "/tasks/export.xlsx?before=9x".to_owned(),
    ] {
        let (status, _) = app.page(&village, &path).await;
        assert_eq!(status, 404, "{path}");
    }
}
both_backends!(searched_paged_exported, searched_paged_exported);
