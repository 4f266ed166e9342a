//! The pages as a browser sees them: cookies, CSRF, redirects, language.

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::both_backends;
use crate::support::*;

/// Pulls `name="_csrf" value="…"` out of a page.
pub(crate) fn csrf_field(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a CSRF field") + 20;
    html[at..at + 64].to_owned()
}

pub(crate) fn cookie_value(resp: &reqwest::Response, name: &str) -> Option<(String, String)> {
    resp.headers().get_all(SET_COOKIE).iter().find_map(|v| {
        let s = v.to_str().ok()?;
        let (pair, _) = s.split_once(';').unwrap_or((s, ""));
        let (k, val) = pair.split_once('=')?;
        (k == name).then(|| (val.to_owned(), s.to_owned()))
    })
}

/// Logs in through the real form; returns the session cookie.
pub(crate) async fn form_login(app: &TestApp, user: &str, pw: &str) -> reqwest::Response {
    let page = app.client.get(app.url("/login")).send().await.unwrap();
    let (pre, _) = cookie_value(&page, "jinguo_csrf").expect("pre-session CSRF cookie");
    let token = csrf_field(&page.text().await.unwrap());
    app.client
        .post(app.url("/login"))
        .header(COOKIE, format!("jinguo_csrf={pre}"))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", user),
            ("password", pw),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap()
}

async fn login_form_and_pages(db: Db) {
    let Some(app) = spawn_app(db, |c| c.secure_cookies = true).await else {
        return;
    };
    app.add_user("xilinhot", "admin", XILINHOT).await;

    // Anonymous visitors are sent to the login page.
    let r = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()[LOCATION], "/login");

    let page = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    assert!(html.contains("登录") && html.contains("lang=\"zh-CN\""));

    // Wrong password: the page again, one generic message, name kept.
    let r = form_login(&app, "xilinhot", "Wrong-pass-1").await;
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("用户名或密码错误") && html.contains("value=\"xilinhot\""));

    let r = form_login(&app, "xilinhot", PW).await;
    assert_eq!(r.status(), 303);
    let (session, raw) = cookie_value(&r, "jinguo_session").expect("session cookie");
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Lax") && raw.contains("Secure"),
        "{raw}"
    );
    let cookie = format!("jinguo_session={session}");

    // Home is the workbench; the unit's page has breadcrumbs and children.
    let r = app
        .client
        .get(app.url("/"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("工作台"));
    let html = app
        .client
        .get(app.url(&format!("/units/{XILINHOT}")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("锡林郭勒盟") && html.contains("宝力根苏木") && html.contains("旗县"));
    assert!(!html.contains("unit.children"), "no bare catalogue keys");

    // English by the language switch.
    let html = app
        .client
        .get(app.url(&format!("/units/{XILINHOT}")))
        .header(COOKIE, format!("{cookie}; jinguo_lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Subordinate units") && html.contains("lang=\"en\""));

    // htmx search returns a fragment with paths.
    let r = app
        .client
        .get(app.url("/search?q=%E4%BC%8A%E5%88%A9%E5%8B%92%E7%89%B9"))
        .header(COOKIE, &cookie)
        .header("hx-request", "true")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(r.contains("锡林郭勒盟 › 锡林浩特市 › 宝力根苏木") && !r.contains("<html"));

    // In picker mode only units of the user's subtree are offered.
    let pick = |q: &'static str| {
        app.client
            .get(app.url(&format!("/search?pick=unit_code&q={q}")))
            .header(COOKIE, &cookie)
            .header("hx-request", "true")
            .send()
    };
    let html = pick("1525").await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("data-pick-code=\"{XILINHOT}\"")));
    assert!(
        !html.contains(&format!("data-pick-code=\"{ERENHOT}\"")),
        "sibling banner offered"
    );
    assert!(
        !html.contains(&format!("data-pick-code=\"{XILINGOL}\"")),
        "ancestor offered"
    );

    // A state-changing form without the session's CSRF token is refused.
    let r = app
        .client
        .post(app.url("/users"))
        .header(COOKIE, &cookie)
        .form(&[
            ("username", "webuser1"),
            ("password", PW),
            ("unit_code", YILELT),
            ("roles", "cadre"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(app.store.credentials("webuser1").await.is_err());

    // With it, a field error comes back next to the field, input kept.
    let page = app
        .client
        .get(app.url("/users/new"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    // The unit is picked from a list of her unit and those below it, each
    // with its path; nobody types a 12-digit code.
    assert!(html.contains("<select id=\"unit_code\" name=\"unit_code\" required>"));
    assert!(html.contains(&format!(
        "<option value=\"{XILINHOT}\" selected>锡林浩特市</option>"
    )));
    assert!(html.contains(&format!(
        "<option value=\"{YILELT}\">锡林浩特市 › 宝力根苏木 › "
    )));
    let csrf = csrf_field(&html);
    let r = app
        .client
        .post(app.url("/users"))
        .header(COOKIE, &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "webuser1"),
            ("password", "short"),
            ("unit_code", YILELT),
            ("roles", "cadre"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"password-err\"") && html.contains("value=\"webuser1\""));
    assert!(html.contains(&format!("<option value=\"{YILELT}\" selected>")));
    let r = app
        .client
        .post(app.url("/users"))
        .header(COOKIE, &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "webuser1"),
            ("password", PW),
            ("unit_code", YILELT),
            ("roles", "cadre"),
            ("roles", "caseworker"),
            ("display_name", "其其格"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let u = app.store.credentials("webuser1").await.unwrap().user;
    assert_eq!(u.roles.to_list(), "cadre,caseworker");

    // Logout needs the token too, then the cookie no longer works.
    let r = app
        .client
        .post(app.url("/logout"))
        .header(COOKIE, &cookie)
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = app
        .client
        .get(app.url("/users"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/login");
}
both_backends!(login_form_and_pages, login_form_and_pages);

async fn assets_are_served_by_the_binary(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    for (path, kind) in [
        ("/static/htmx.min.js", "javascript"),
        ("/static/app.css", "css"),
        ("/static/app.js", "javascript"),
        ("/static/favicon.svg", "svg"),
        ("/static/noto-sans-mongolian-2.001.woff2", "font/woff2"),
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers()["content-type"].to_str().unwrap().contains(kind));
    }
    assert_eq!(
        app.client
            .get(app.url("/static/nope.js"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
both_backends!(
    assets_are_served_by_the_binary,
    assets_are_served_by_the_binary
);

async fn region_admins_edit_dictionaries(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let admin = app.add_user("admin", "admin", REGION).await;
    let banner = app.add_user("xilinhot", "admin", XILINHOT).await;
    let (token, csrf) = app.session_for(admin).await;
    let cookie = format!("jinguo_session={token}");
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let mut fields: Vec<(&str, &str)> = fields;
        fields.push(("_csrf", csrf.as_str()));
        app.client
            .post(app.url("/dictionaries/programs"))
            .header(COOKIE, &cookie)
            .form(&fields)
            .send()
    };
    let page = app
        .client
        .get(app.url("/dictionaries"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("家家幸福安康工程"));

    // The 2025 plan adds an action: a new entry, usable at once.
    let r = post(vec![
        ("key", "act_culture"),
        ("label_zh", "文化润心"),
        ("label_en", "Action: culture"),
        ("sort", "9"),
        ("active", "1"),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let cadre = app.add_user("yilelt", "cadre", YILELT).await;
    let (ct, _) = app.session_for(cadre).await;
    let body = serde_json::json!({"unit_code": YILELT, "date": "2026-11-01", "type": "lecture", "program": "act_culture",
        "title": "文化润心进嘎查", "participants": 12, "women": 9});
    assert_eq!(
        app.post_json(&ct, "/api/v1/activities", body.clone())
            .await
            .status(),
        201
    );

    // Retiring it (active unticked) keeps old records but refuses new ones.
    let r = post(vec![("key", "act_culture"), ("label_zh", "文化润心")])
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = app.post_json(&ct, "/api/v1/activities", body).await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["field"],
        "program"
    );

    // Bad keys and labels are refused next to the field; nothing changes.
    let r = post(vec![("key", "Bad Key"), ("label_zh", "x")])
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = post(vec![("key", "act_x"), ("label_zh", " ")])
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let d: serde_json::Value = app
        .get(&ct, "/api/v1/dictionaries/programs")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["entries"].as_array().unwrap().len(), 9);

    // A banner admin is not a region admin.
    let (bt, bcsrf) = app.session_for(banner).await;
    let r = app
        .client
        .get(app.url("/dictionaries"))
        .header(COOKIE, format!("jinguo_session={bt}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = app
        .client
        .post(app.url("/dictionaries/programs"))
        .header(COOKIE, format!("jinguo_session={bt}"))
        .form(&[
            ("_csrf", bcsrf.as_str()),
            ("key", "act_y"),
            ("label_zh", "某"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
both_backends!(
    region_admins_edit_dictionaries,
    region_admins_edit_dictionaries
);
