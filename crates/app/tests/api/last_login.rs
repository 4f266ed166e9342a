//! The last login shown at login (MLPS level 3, issue 19 item 7): the
//! first page after logging in says when and from where the account last
//! logged in (or that this is its first login), once; the API's login
//! answer and `GET /api/v1/me` carry `last_login`.

use reqwest::header::{COOKIE, LOCATION};

use crate::both_backends;
use crate::support::*;
use crate::web::{cookie_value, form_login};

/// A page after a web login, with its session cookie.
async fn page(app: &TestApp, cookie: &str, path: &str) -> String {
    let r = app
        .client
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

async fn web_login(app: &TestApp, user: &str) -> String {
    let r = form_login(app, user, PW).await;
    assert_eq!(r.status(), 303, "logged in");
    assert_eq!(r.headers()[LOCATION], "/");
    let (session, _) = cookie_value(&r, "jinguo_session").expect("session cookie");
    format!("jinguo_session={session}")
}

async fn last_login_at_login(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    let unit_page = format!("/units/{YILELT}");

    // The first login ever says so, on the first page only.
    let cookie = web_login(&app, "yilelt").await;
    let first = page(&app, &cookie, &unit_page).await;
    assert!(first.contains("这是此账号的第一次登录。"), "{first}");
    let again = page(&app, &cookie, &unit_page).await;
    assert!(!again.contains("第一次登录"), "shown once");
    assert!(!again.contains("上次登录"), "shown once");

    // The API's login answer and /me: the web login before.
    let before = jinguo_app::state::now();
    let r = app.api_login("yilelt", PW).await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let last = &v["user"]["last_login"];
    assert_eq!(last["address"], "127.0.0.1", "{v}");
    let at = last["at"].as_i64().expect("a time");
    assert!(at <= before && at > before - 60, "{at} vs {before}");
    let token = v["token"].as_str().unwrap();
    let me: serde_json::Value = app.get(token, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["last_login"], *last, "{me}");

    // The next web login shows the API login before it, in each language.
    let cookie = web_login(&app, "yilelt").await;
    let shown = page(&app, &cookie, &unit_page).await;
    assert!(shown.contains("上次登录："), "{shown}");
    assert!(shown.contains("来自 127.0.0.1"), "{shown}");
    let cookie = web_login(&app, "yilelt").await;
    let en = page(&app, &format!("{cookie}; jinguo_lang=en"), &unit_page).await;
    assert!(en.contains("Last login: ") && en.contains("from 127.0.0.1"), "{en}");
    let cookie = web_login(&app, "yilelt").await;
    let mn = page(&app, &format!("{cookie}; jinguo_lang=mn-Mong"), &unit_page).await;
    // The ablative suffix joins its word with a narrow no-break space.
    assert!(mn.contains("127.0.0.1\u{202f}ᠠᠴᠠ"), "{mn}");

    // Another account's first login is still its first.
    app.add_user("hanaula", "cadre", HANAULA).await;
    let r = app.api_login("hanaula", PW).await;
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["user"]["last_login"].is_null(), "{v}");
}
both_backends!(last_login_at_login, last_login_at_login);
