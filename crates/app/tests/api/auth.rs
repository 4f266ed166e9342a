//! Logins, lockout, tokens and idle timeout over the API.

use serde_json::Value;

use crate::both_backends;
use crate::support::*;

async fn login_and_me(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "admin,cadre", XILINHOT).await;

    let r = app.api_login("xilinhot", PW).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let token = v["token"].as_str().unwrap();
    assert_eq!(v["user"]["unit"]["code"], XILINHOT);

    let me: Value = app.get(token, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["username"], "xilinhot");
    assert_eq!(me["unit"]["name"], "锡林浩特市");
    assert_eq!(me["unit"]["level"], 3);
    assert_eq!(me["roles"], serde_json::json!(["admin", "cadre"]));

    // No token, a wrong token: 401 with a JSON error.
    let r = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "unauthorized");
    assert_eq!(app.get("nope", "/api/v1/me").await.status(), 401);
    // Messages follow Accept-Language; the code stays the same.
    let r = app
        .client
        .get(app.url("/api/v1/me"))
        .header("accept-language", "en-GB,en;q=0.8")
        .send()
        .await
        .unwrap();
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "unauthorized");
    assert_eq!(e["error"]["message"], "Please log in.");

    // Logout ends the token.
    let r = app
        .client
        .delete(app.url("/api/v1/session"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(app.get(token, "/api/v1/me").await.status(), 401);
}
both_backends!(login_and_me, login_and_me);

async fn one_message_for_every_refusal(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let id = app.add_user("yilelt", "cadre", YILELT).await;
    let wrong: Value = app
        .api_login("yilelt", "Wrong-pass-1")
        .await
        .json()
        .await
        .unwrap();
    let unknown: Value = app
        .api_login("nobody", "Wrong-pass-1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wrong, unknown, "unknown and wrong password answer alike");
    jinguo_store::UserStore::set_active(
        &app.store,
        &app.store.system_user(id).await.unwrap(),
        false,
    )
    .await
    .unwrap();
    let r = app.api_login("yilelt", PW).await;
    assert_eq!(r.status(), 401, "disabled account");
    let disabled: Value = r.json().await.unwrap();
    assert_eq!(disabled, wrong);
}
both_backends!(one_message_for_every_refusal, one_message_for_every_refusal);

async fn lockout_after_five_failures(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    for _ in 0..5 {
        assert_eq!(
            app.api_login("baoligen", "Wrong-pass-1").await.status(),
            401
        );
    }
    // Locked: refused even with the right password, for about 30 minutes.
    let r = app.api_login("baoligen", PW).await;
    assert_eq!(r.status(), 429);
    let retry: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1_700..=1_800).contains(&retry), "retry-after {retry}");
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "locked");

    // Unknown names lock the same way, so 429 reveals nothing.
    for _ in 0..5 {
        assert_eq!(app.api_login("ghost", "Wrong-pass-1").await.status(), 401);
    }
    assert_eq!(app.api_login("ghost", "Wrong-pass-1").await.status(), 429);

    // The audit log holds the failures and the lockout, without passwords.
    let auditor = app.add_user("auditor", "auditor", REGION).await;
    let (token, _) = app.session_for(auditor).await;
    let log: Value = app
        .get(&token, "/api/v1/audit?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"login.lockout"));
    assert!(actions.iter().filter(|a| **a == "login.failed").count() >= 10);
    assert!(!log.to_string().contains("Wrong-pass-1"));
    assert!(
        !log.to_string().contains("ghost"),
        "typed unknown names are not recorded"
    );
}
both_backends!(lockout_after_five_failures, lockout_after_five_failures);

async fn idle_sessions_end(db: Db) {
    let Some(app) = spawn_app(db, |c| c.idle_timeout_minutes = 0).await else {
        return;
    };
    app.add_user("hanaula", "cadre", HANAULA).await;
    let token = app.token("hanaula").await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(app.get(&token, "/api/v1/me").await.status(), 401);
}
both_backends!(idle_sessions_end, idle_sessions_end);

async fn bad_login_bodies_are_400(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    for body in ["{", "[]", "{\"username\":1}", ""] {
        let r = app
            .client
            .post(app.url("/api/v1/session"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            matches!(r.status().as_u16(), 400 | 415 | 422),
            "{body:?} gave {}",
            r.status()
        );
        let e: Value = r.json().await.expect("JSON error body");
        assert!(e["error"]["message"].is_string());
    }
}
both_backends!(bad_login_bodies_are_400, bad_login_bodies_are_400);
