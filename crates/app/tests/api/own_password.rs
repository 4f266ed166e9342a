//! An account whose password an administrator set chooses her own before
//! anything else: the web sends her to the form, the API answers 403
//! `password_change_required`; her own change ends her other sessions.

use jinguo_store::testing::column_texts;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn admin_set_password_is_changed_first(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("pw-admin", "admin", XILINHOT).await;
    let admin = app.token("pw-admin").await;
    let r = app
        .post_json(
            &admin,
            "/api/v1/users",
            json!({"username": "naran", "password": "Set-by-admin-1", "unit_code": BAOLIGEN,
                   "roles": ["cadre"], "display_name": "娜仁"}),
        )
        .await;
    assert_eq!(r.status(), 201);

    // The API: who she is, and nothing else until she has chosen.
    let t = app.token_with("naran", "Set-by-admin-1").await;
    let me: Value = app.get(&t, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["must_change_password"], true);
    let r = app.get(&t, "/api/v1/tasks").await;
    assert_eq!(r.status(), 403);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "password_change_required");

    // The web: every page leads to the form, which says why.
    let id = jinguo_domain::UserId::new(me["id"].as_i64().unwrap());
    let (cookie, csrf) = app.session_for(id).await;
    let web = |path: &str| {
        app.client
            .get(app.url(path))
            .header(COOKIE, format!("jinguo_session={cookie}"))
            .send()
    };
    let r = web("/").await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()[LOCATION], "/account/password");
    let page = web("/account/password").await.unwrap().text().await.unwrap();
    assert!(page.contains("您的密码是管理员设置的"), "why she is here");

    // Wrong current password, a weak new one, a mismatch, the same one:
    // each at its field, nothing changed.
    let post = |current: &str, new: &str, repeat: &str| {
        app.client
            .post(app.url("/account/password"))
            .header(COOKIE, format!("jinguo_session={cookie}"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("current_password", current),
                ("new_password", new),
                ("new_password_repeat", repeat),
            ])
            .send()
    };
    for (current, new, repeat, field) in [
        ("wrong-Pass-1", "Own-choice-22", "Own-choice-22", "current_password-err"),
        ("Set-by-admin-1", "short", "short", "new_password-err"),
        ("Set-by-admin-1", "Own-choice-22", "Own-choice-23", "new_password_repeat-err"),
        ("Set-by-admin-1", "Set-by-admin-1", "Set-by-admin-1", "new_password-err"),
    ] {
        let r = post(current, new, repeat).await.unwrap();
        assert_eq!(r.status(), 422, "{field}");
        let html = r.text().await.unwrap();
        assert!(html.contains(&format!(r#"id="{field}""#)), "{field}");
        assert!(!html.contains(new) || new == "short", "a typed password shown again");
    }
    assert_eq!(app.get(&t, "/api/v1/tasks").await.status(), 403, "still asked");

    // Her own: done; this session goes on, the API token (another
    // session) ends, and the old password no longer opens anything.
    let r = post("Set-by-admin-1", "Own-choice-22", "Own-choice-22").await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()[LOCATION], "/account/password?done=changed");
    assert_eq!(web("/").await.unwrap().status(), 200);
    assert_eq!(app.get(&t, "/api/v1/me").await.status(), 401, "other sessions end");
    assert_eq!(app.api_login("naran", "Set-by-admin-1").await.status(), 401);
    let t = app.token_with("naran", "Own-choice-22").await;
    let me: Value = app.get(&t, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["must_change_password"], false);
    assert_eq!(app.get(&t, "/api/v1/tasks").await.status(), 200);

    // The API route does the same; an administrator's reset asks again.
    let r = app
        .post_json(
            &t,
            "/api/v1/me/password",
            json!({"current_password": "Own-choice-22", "new_password": "Own-choice-33"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let r = app
        .post_json(
            &admin,
            &format!("/api/v1/users/{}/password", me["id"]),
            json!({"password": "Reset-by-admin-2"}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let t = app.token_with("naran", "Reset-by-admin-2").await;
    let r = app.get(&t, "/api/v1/tasks").await;
    assert_eq!(r.status(), 403);

    // Accounts made at the command line (here: the test helper) are not asked.
    assert_eq!(app.get(&admin, "/api/v1/tasks").await.status(), 200);
    let audit: Vec<String> = column_texts(
        &app.store,
        "SELECT action FROM audit_log WHERE action = 'user.password_changed'",
    )
    .await
    .into_iter()
    .flatten()
    .collect();
    assert_eq!(audit.len(), 2, "both changes audited");
}
both_backends!(admin_set_password_is_changed_first, admin_set_password_is_changed_first);
