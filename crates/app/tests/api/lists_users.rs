//! The user list (issue 14 item 6): searched by username, name or position
//! (never by the sealed phone), filtered by role and state, paged by id
//! without repeats, exported with the same filters, and never opened
//! outside the administrator's subtree.

use std::collections::HashSet;

use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

/// Usernames of a list page's rows, in order.
fn names(html: &str) -> Vec<String> {
    html.split("<td data-label=\"用户名\">")
        .skip(1)
        .filter_map(|s| s.split('<').next().map(str::to_owned))
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
    let admin = app.add_user("baoligen", "admin", BAOLIGEN).await;
    app.add_user("baotou", "cadre", BAOTOU).await;
    let (session, _) = app.session_for(admin).await;
    let cookie = format!("jinguo_session={session}");
    let token = app.token("baoligen").await;
    for i in 0..52 {
        app.add_user(&format!("user{i:02}"), "cadre", YILELT).await;
    }
    let person = |name: &str, unit: &str, role: &str, display: &str, position: &str| {
        json!({"username": name, "password": "Grass-land-1", "unit_code": unit,
               "roles": [role], "display_name": display, "phone": "138 1234 5678",
               "position": position})
    };
    let r = app
        .post_json(&token, "/api/v1/users", person("qiqige", HANAULA, "cadre", "其其格", "主席"))
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = app
        .post_json(&token, "/api/v1/users", person("wuyun", YILELT, "caseworker", "乌云", "委员"))
        .await;
    assert_eq!(r.status(), 201);
    let wuyun = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post_json(&token, &format!("/api/v1/users/{wuyun}/disable"), json!({}))
        .await;
    assert!(r.status().is_success(), "{}", r.status());

    // Keyset paging: 50, then the rest, nobody twice, nobody from Baotou.
    let (status, html) = app.page(&cookie, "/users").await;
    assert_eq!(status, 200);
    let first = names(&html);
    assert_eq!(first.len(), 50, "{html}");
    assert_eq!(first[0], "wuyun", "newest first");
    let next = html
        .split("before=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a next page")
        .to_owned();
    let (_, html) = app.page(&cookie, &format!("/users?before={next}")).await;
    let second = names(&html);
    assert_eq!(second.len(), 5, "{html}");
    let all: HashSet<_> = first.iter().chain(&second).collect();
    assert_eq!(all.len(), 55, "no repeats");
    assert!(!all.iter().any(|n| *n == "baotou"));
    assert!(!html.contains("before="), "no page after the last");

    // Search: name, position, username in any case; the phone is not searched.
    let (_, html) = app.page(&cookie, "/users?q=%E5%85%B6%E5%85%B6%E6%A0%BC").await;
    assert_eq!(names(&html), ["qiqige"], "其其格");
    let (_, html) = app.page(&cookie, "/users?q=%E5%A7%94%E5%91%98").await;
    assert_eq!(names(&html), ["wuyun"], "委员");
    let (_, html) = app.page(&cookie, "/users?q=USER05").await;
    assert_eq!(names(&html), ["user05"]);
    let (_, html) = app.page(&cookie, "/users?q=5678").await;
    assert!(names(&html).is_empty(), "the phone is sealed, not searched");
    let (_, html) = app.page(&cookie, "/users?q=_").await;
    assert!(names(&html).is_empty(), "`_` is itself, not a wildcard");
    // Role, state, unit.
    let (_, html) = app.page(&cookie, "/users?role=caseworker").await;
    assert_eq!(names(&html), ["wuyun"]);
    let (_, html) = app.page(&cookie, "/users?status=disabled").await;
    assert_eq!(names(&html), ["wuyun"]);
    let (_, html) = app.page(&cookie, "/users?status=active&role=admin").await;
    assert_eq!(names(&html), ["baoligen"]);
    let (_, html) = app.page(&cookie, &format!("/users?unit={HANAULA}")).await;
    assert_eq!(names(&html), ["qiqige"], "the village alone");

    // A choice not offered is a field error, not a failure.
    let (status, html) = app.page(&cookie, "/users?role=boss&status=gone").await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("请从列表中选择").count(), 2, "{html}");
    assert!(names(&html).is_empty());
    let r = app
        .client
        .get(app.url("/users/export.xlsx?role=boss"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // The export holds the filtered rows, the phone masked only.
    let r = app
        .client
        .get(app.url("/users/export.xlsx?role=cadre&q=%E4%B8%BB%E5%B8%AD"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let rows = sheet(r).await;
    let body: Vec<_> = rows.iter().filter(|r| r.iter().any(|c| c == "qiqige")).collect();
    assert_eq!(body.len(), 1, "{rows:?}");
    let text = format!("{rows:?}");
    assert!(text.contains("其其格") && text.contains("主席") && text.contains("138****5678"));
    assert!(!text.contains("13812345678"), "the phone stays sealed");
    assert!(!text.contains("wuyun") && !text.contains("user01"), "{text}");
    let r = app
        .client
        .get(app.url("/users/export.xlsx"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let rows = sheet(r).await;
    let text = format!("{rows:?}");
    for n in ["baoligen", "user00", "user51", "qiqige", "wuyun"] {
        assert!(text.contains(n), "{n} in the whole export");
    }
    assert!(!text.contains("baotou"));

    // Outside the subtree: not found, page, export and paging alike.
    for path in [
        format!("/users?unit={BAOTOU}"),
        format!("/users/export.xlsx?unit={BAOTOU}"),
        "/users?before=abc".to_owned(),
        "/users/export.xlsx?before=1x".to_owned(),
    ] {
        let (status, _) = app.page(&cookie, &path).await;
        assert_eq!(status, 404, "{path}");
    }
}
both_backends!(searched_paged_exported, searched_paged_exported);
