//! The case list (issue 14 item 6): filtered by status, type, risk and day
//! opened, paged by id without repeats, exported with the same filters and
//! no personal data, and never wider than the list's own rule: her team's
//! cases and those under a running break-the-glass grant.

use std::collections::HashSet;

use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{CLIENT, intake};
use crate::support::*;

/// Case ids of a list page's rows, in order.
fn ids(html: &str) -> Vec<i64> {
    html.split("data-label=\"案号\"><a href=\"/cases/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

async fn cookie(app: &TestApp, name: &str, roles: &str, unit: &str) -> String {
    let id = app.add_user(name, roles, unit).await;
    let (session, _) = app.session_for(id).await;
    format!("jinguo_session={session}")
}

/// The first sheet of an export as text cells.
async fn sheet(r: reqwest::Response) -> Vec<Vec<String>> {
    use calamine::Reader;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn export(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
}

async fn filtered_paged_exported(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let cw = cookie(&app, "cwx", "caseworker", XILINHOT).await;
    app.add_user("sup", "caseworker", XILINGOL).await;
    let other = cookie(&app, "cwother", "caseworker", XILINHOT).await;
    let admin = cookie(&app, "boss", "admin", XILINHOT).await;
    let token = app.token("cwx").await;
    let boss = app.token("boss").await;
    // 50 family-violence cases and two of another type, at Baoligen.
    let mut made = Vec::new();
    for i in 0..52 {
        let mut body = intake(BAOLIGEN);
        if i >= 50 {
            body["type"] = json!("other");
        }
        let r = app.post_json(&token, "/api/v1/cases", body).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        made.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let newest = *made.last().unwrap();
    // One assessed.
    let r = app
        .post_json(
            &token,
            &format!("/api/v1/cases/{}/assess", made[0]),
            json!({"answers": ["threatened_to_kill"]}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let v: Value = app
        .get(&token, &format!("/api/v1/cases/{}", made[0]))
        .await
        .json()
        .await
        .unwrap();
    let level = v["risk_level"].as_str().expect("assessed").to_owned();

    // Keyset paging: 50, then the rest, no case twice.
    let (status, html) = app.page(&cw, "/cases").await;
    assert_eq!(status, 200);
    let first = ids(&html);
    assert_eq!(first.len(), 50, "{html}");
    assert_eq!(first[0], newest, "newest first");
    let next = first.last().unwrap();
    assert!(html.contains(&format!("before={next}")), "{html}");
    let (_, html) = app.page(&cw, &format!("/cases?before={next}")).await;
    let second = ids(&html);
    assert_eq!(second.len(), 2, "{html}");
    let all: HashSet<_> = first.iter().chain(&second).collect();
    assert_eq!(all.len(), 52, "no repeats");
    assert!(!html.contains("before="), "no page after the last");

    // Filters.
    let (_, html) = app.page(&cw, "/cases?type=other").await;
    assert_eq!(ids(&html), vec![made[51], made[50]]);
    let (_, html) = app.page(&cw, &format!("/cases?risk={level}")).await;
    assert_eq!(ids(&html), vec![made[0]]);
    let (_, html) = app.page(&cw, "/cases?status=assessed").await;
    assert_eq!(ids(&html), vec![made[0]]);
    let (_, html) = app.page(&cw, "/cases?status=open&type=other").await;
    assert_eq!(ids(&html).len(), 2);
    let opened = v["opened_on"].as_str().unwrap().to_owned();
    let (_, html) = app.page(&cw, &format!("/cases?from={opened}&to={opened}&type=other")).await;
    assert_eq!(ids(&html).len(), 2, "opened that day");
    let (_, html) = app.page(&cw, "/cases?to=2020-01-01").await;
    assert!(ids(&html).is_empty());
    let (_, html) = app.page(&cw, &format!("/cases?unit={HANAULA}")).await;
    assert!(ids(&html).is_empty(), "none in that village");

    // Choices not offered and bad days are field errors, not failures.
    let (status, html) = app.page(&cw, "/cases?status=nope&type=witchcraft&risk=9").await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("请从列表中选择").count(), 3, "{html}");
    let (status, html) = app.page(&cw, "/cases?from=2026-02-02&to=2026-02-01").await;
    assert_eq!(status, 200);
    assert!(html.contains("截止日期不能早于起始日期"));
    let r = export(&app, &cw, "/cases/export.xlsx?risk=nope").await;
    assert_eq!(r.status(), 422);

    // The export: the filtered cases, nothing personal, not even masked.
    let rows = sheet(export(&app, &cw, "/cases/export.xlsx?type=other").await).await;
    let numbers: Vec<_> = rows
        .iter()
        .filter_map(|r| r.first().filter(|c| c.starts_with("WQ")))
        .collect();
    assert_eq!(
        numbers,
        [&format!("WQ{:06}", made[51]), &format!("WQ{:06}", made[50])]
    );
    let rows = sheet(export(&app, &cw, "/cases/export.xlsx").await).await;
    let text = format!("{rows:?}");
    assert_eq!(text.matches("WQ0").count(), 52, "{text}");
    // The page shows the masked name; the export not even that.
    let (_, html) = app.page(&cw, "/cases").await;
    let mask = html
        .split("<span class=\"masked\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("a masked name on the page")
        .to_owned();
    assert!(mask.starts_with(CLIENT.chars().next().unwrap()), "{mask}");
    assert!(
        !rows.iter().flatten().any(|c| c.contains(&mask)),
        "no client name, masked or not: {text}"
    );
    for s in crate::cases::SECRETS {
        assert!(!text.contains(s));
    }

    // Not on the team: the list and the export are empty, whatever is asked.
    let (status, html) = app.page(&other, "/cases").await;
    assert_eq!(status, 200);
    assert!(ids(&html).is_empty());
    let rows = sheet(export(&app, &other, "/cases/export.xlsx").await).await;
    assert!(!format!("{rows:?}").contains("WQ0"));
    // Break the glass on one case: that case alone, list and export.
    let r = app
        .post_json(
            &boss,
            &format!("/api/v1/cases/{}/glass", made[7]),
            json!({"reason": "当事人来电求助，值班人员需要立即了解情况"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let (_, html) = app.page(&admin, "/cases").await;
    assert_eq!(ids(&html), vec![made[7]]);
    let rows = sheet(export(&app, &admin, "/cases/export.xlsx").await).await;
    assert_eq!(format!("{rows:?}").matches("WQ0").count(), 1);

    // Outside the subtree, or a broken paging link: not found.
    for path in [
        format!("/cases?unit={BAOTOU}"),
        format!("/cases/export.xlsx?unit={BAOTOU}"),
        "/cases?before=abc".to_owned(),
        "/cases/export.xlsx?before=-".to_owned(),
    ] {
        let (status, _) = app.page(&cw, &path).await;
        assert_eq!(status, 404, "{path}");
    }
}
both_backends!(filtered_paged_exported, filtered_paged_exported);
