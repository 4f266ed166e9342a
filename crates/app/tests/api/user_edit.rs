//! An administrator edits an account of her subtree (issue 14 item 8):
//! name, position, phone (sealed; blank keeps it), unit and roles, in one
//! transaction with field errors that change nothing.

use jinguo_store::testing::column_texts;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn put(app: &TestApp, token: &str, id: &Value, body: Value) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/users/{id}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn accounts_are_edited(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("ed-admin", "admin", XILINHOT).await;
    app.add_user("ed-other", "admin", ERENHOT).await;
    let t = app.token("ed-admin").await;
    let r = app
        .post_json(
            &t,
            "/api/v1/users",
            json!({"username": "tuya", "password": "Set-by-admin-1", "unit_code": BAOLIGEN,
                   "roles": ["cadre"], "display_name": "图雅", "phone": "13812345678",
                   "position": "执委"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].clone();

    // Bad input: every field named, nothing changed.
    let r = put(
        &app,
        &t,
        &id,
        json!({"display_name": "", "phone": "12345", "unit_code": BAOTOU,
               "roles": ["admin", "auditor"]}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    for f in ["display_name", "phone", "roles"] {
        assert!(e["error"]["fields"][f].is_string(), "{f}: {e}");
    }
    let r = put(
        &app,
        &t,
        &id,
        json!({"display_name": "图雅", "unit_code": BAOTOU, "roles": ["cadre"]}),
    )
    .await;
    assert_eq!(r.status(), 422, "a unit outside her subtree");
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "unit_code");
    let before = column_texts(
        &app.store,
        "SELECT display_name FROM users WHERE username = 'tuya'",
    )
    .await;
    assert_eq!(before[0].as_deref(), Some("图雅"));

    // A good edit: blank phone keeps the sealed one; moved and given a role.
    let r = put(
        &app,
        &t,
        &id,
        json!({"display_name": "图雅娜", "position": "主席", "phone": "", "unit_code": YILELT,
               "roles": ["cadre", "caseworker"]}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["display_name"], "图雅娜");
    assert_eq!(v["position"], "主席");
    assert_eq!(v["phone_masked"], "138****5678");
    assert_eq!(v["unit"]["code"], YILELT);
    assert_eq!(v["roles"], json!(["cadre", "caseworker"]));
    // The audit names the fields, never the values.
    let audit = column_texts(
        &app.store,
        "SELECT detail FROM audit_log WHERE action = 'user.updated'",
    )
    .await;
    let d = audit[0].as_deref().unwrap();
    assert!(d.contains("changed=display_name,position,unit,roles"), "{d}");
    assert!(!d.contains("图雅") && !d.contains("主席"), "{d}");

    // A new phone is sealed; clearing removes it.
    let r = put(
        &app,
        &t,
        &id,
        json!({"display_name": "图雅娜", "phone": "13900001111", "unit_code": YILELT,
               "roles": ["cadre"]}),
    )
    .await;
    assert_eq!(r.json::<Value>().await.unwrap()["phone_masked"], "139****1111");
    let sealed = column_texts(&app.store, "SELECT phone_enc FROM users WHERE username = 'tuya'").await;
    assert!(!sealed[0].as_deref().unwrap().contains("13900001111"));
    let r = put(
        &app,
        &t,
        &id,
        json!({"display_name": "图雅娜", "clear_phone": true, "unit_code": YILELT,
               "roles": ["cadre"]}),
    )
    .await;
    assert!(r.json::<Value>().await.unwrap()["phone_masked"].is_null());

    // Outside her subtree: 404. Her own roles: refused; her own name: fine.
    let other = app.token("ed-other").await;
    let r = put(
        &app,
        &other,
        &id,
        json!({"display_name": "某", "unit_code": ERENHOT, "roles": ["cadre"]}),
    )
    .await;
    assert_eq!(r.status(), 404);
    let me: Value = app.get(&t, "/api/v1/me").await.json().await.unwrap();
    let r = put(
        &app,
        &t,
        &me["id"],
        json!({"display_name": "管理员", "unit_code": XILINHOT, "roles": ["admin", "cadre"]}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "roles");
    let r = put(
        &app,
        &t,
        &me["id"],
        json!({"display_name": "娜仁", "unit_code": XILINHOT, "roles": ["admin"]}),
    )
    .await;
    assert_eq!(r.status(), 200);

    // The web form: filled from the record, errors at their fields, then saved.
    let admin_id = jinguo_domain::UserId::new(me["id"].as_i64().unwrap());
    let (cookie, csrf) = app.session_for(admin_id).await;
    let page = app
        .client
        .get(app.url(&format!("/users/{id}/edit")))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("value=\"图雅娜\""), "the name on file");
    assert!(page.contains(r#"value="cadre" checked"#), "her roles ticked");
    let post = |name: &'static str| {
        app.client
            .post(app.url(&format!("/users/{id}")))
            .header(COOKIE, format!("jinguo_session={cookie}"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("display_name", name),
                ("position", "妇联执委"),
                ("phone", ""),
                ("unit_code", YILELT),
                ("roles", "cadre"),
                ("roles", "caseworker"),
            ])
            .send()
    };
    let r = post("").await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="display_name-err""#));
    let r = post("图雅").await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()[LOCATION],
        format!("/users?unit={YILELT}&done=updated")
    );
    let v: Value = app
        .get(&t, &format!("/api/v1/users?unit={YILELT}"))
        .await
        .json()
        .await
        .unwrap();
    let u = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "tuya")
        .unwrap()
        .clone();
    assert_eq!(u["position"], "妇联执委");
    assert_eq!(u["roles"], json!(["cadre", "caseworker"]));
}
both_backends!(accounts_are_edited, accounts_are_edited);
