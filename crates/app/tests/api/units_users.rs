//! The tree, user administration and sector organisations over the API.

use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn the_tree_is_readable_with_paths(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let id = app.add_user("yilelt", "cadre", YILELT).await;
    let (t, _) = app.session_for(id).await;

    // Even a village cadre reads the whole tree: it is public data.
    let u: Value = app
        .get(&t, &format!("/api/v1/units/{BAOTOU}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(u["name"], "包头市");
    assert_eq!(u["parent_code"], REGION);
    let v: Value = app
        .get(&t, &format!("/api/v1/units/{YILELT}"))
        .await
        .json()
        .await
        .unwrap();
    let path: Vec<&str> = v["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        path,
        [
            "内蒙古自治区",
            "锡林郭勒盟",
            "锡林浩特市",
            "宝力根苏木",
            "伊利勒特嘎查"
        ]
    );
    assert_eq!(v["level"], 5);
    assert_eq!(v["kind"], "geo");
    assert_eq!(v["children_count"], 0);

    let c: Value = app
        .get(&t, &format!("/api/v1/units/{BAOLIGEN}/children"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["children"].as_array().unwrap().len(), 2);

    let s: Value = app
        .get(&t, "/api/v1/units?q=%E5%93%88%E9%82%A3")
        .await
        .json()
        .await
        .unwrap(); // 哈那
    assert_eq!(s["results"][0]["code"], HANAULA);
    assert_eq!(s["results"][0]["path"].as_array().unwrap().len(), 5);
    let s: Value = app
        .get(&t, "/api/v1/units?q=15250220")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["results"].as_array().unwrap().len(), 3);

    // Malformed is 400, missing is 404, both JSON.
    let r = app.get(&t, "/api/v1/units/15250").await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "bad_request"
    );
    let r = app.get(&t, &format!("/api/v1/units/{NO_SUCH_UNIT}")).await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "not_found"
    );
    assert_eq!(
        app.get(&t, "/api/v1/units").await.status(),
        400,
        "q is required"
    );
    assert_eq!(app.get(&t, "/api/v1/nothing").await.status(), 404);
}
both_backends!(
    the_tree_is_readable_with_paths,
    the_tree_is_readable_with_paths
);

async fn admins_manage_users_of_their_subtree(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("erenhot", "admin", ERENHOT).await;
    let t = app.token("xilinhot").await;
    let new = |name: &str, pw: &str, unit: &str, roles: Value| json!({"username": name, "password": pw, "unit_code": unit, "roles": roles, "display_name": "其其格"});

    let r = app
        .post_json(
            &t,
            "/api/v1/users",
            new("cadre1", "Grass-land-1", YILELT, json!(["cadre"])),
        )
        .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["unit"]["code"], YILELT);
    assert_eq!(created["roles"], json!(["cadre"]));
    // The new account can log in.
    assert_eq!(app.api_login("cadre1", "Grass-land-1").await.status(), 200);

    // Field errors: 422 with the field named; nothing is created.
    for (body, field) in [
        (
            new("cadre2", "weakpass", YILELT, json!(["cadre"])),
            "password",
        ),
        (
            new("2bad", "Grass-land-1", YILELT, json!(["cadre"])),
            "username",
        ),
        (
            new("cadre2", "Grass-land-1", YILELT, json!(["root"])),
            "roles",
        ),
        (new("cadre2", "Grass-land-1", YILELT, json!([])), "roles"),
        (
            new("cadre2", "Grass-land-1", "12", json!(["cadre"])),
            "unit_code",
        ),
    ] {
        let r = app.post_json(&t, "/api/v1/users", body).await;
        assert_eq!(r.status(), 422);
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["field"], field);
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
    assert!(app.api_login("cadre2", "Grass-land-1").await.status() == 401);

    // Taken username: 409.
    let r = app
        .post_json(
            &t,
            "/api/v1/users",
            new("cadre1", "Grass-land-1", YILELT, json!(["cadre"])),
        )
        .await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["field"],
        "username"
    );

    // Out of scope is indistinguishable from missing.
    let out = app
        .post_json(
            &t,
            "/api/v1/users",
            new("xx1", "Grass-land-1", ERENHOT, json!(["cadre"])),
        )
        .await;
    let missing = app
        .post_json(
            &t,
            "/api/v1/users",
            new("xx1", "Grass-land-1", NO_SUCH_UNIT, json!(["cadre"])),
        )
        .await;
    assert_eq!(out.status(), 404);
    assert_eq!(
        out.json::<Value>().await.unwrap(),
        missing.json::<Value>().await.unwrap()
    );

    // Lists cover the subtree only.
    let l: Value = app
        .get(&t, &format!("/api/v1/users?unit={XILINHOT}"))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = l["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["xilinhot", "cadre1"]);
    assert_eq!(
        app.get(&t, &format!("/api/v1/users?unit={ERENHOT}"))
            .await
            .status(),
        404
    );

    // Disable ends the user's sessions and blocks login; enable restores.
    let id = created["id"].as_i64().unwrap();
    let ct = app.token_with("cadre1", "Grass-land-1").await;
    let r = app
        .post_json(&t, &format!("/api/v1/users/{id}/disable"), json!({}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["active"], false);
    assert_eq!(app.get(&ct, "/api/v1/me").await.status(), 401);
    assert_eq!(app.api_login("cadre1", "Grass-land-1").await.status(), 401);
    assert_eq!(
        app.post_json(&t, &format!("/api/v1/users/{id}/enable"), json!({}))
            .await
            .status(),
        200
    );
    // Reset password: the policy applies.
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/users/{id}/password"),
            json!({"password": "short"}),
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/users/{id}/password"),
            json!({"password": "New-steppe-9"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(app.api_login("cadre1", "New-steppe-9").await.status(), 200);

    // Her own password goes through her own page (it asks for the current
    // one), not the administrators' route.
    let me: Value = app.get(&t, "/api/v1/me").await.json().await.unwrap();
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/users/{}/password", me["id"]),
            json!({"password": "New-steppe-9"}),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.get(&t, "/api/v1/me").await.status(), 200, "her session goes on");

    // An admin cannot lock herself out.
    let me: Value = app.get(&t, "/api/v1/me").await.json().await.unwrap();
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/users/{}/disable", me["id"]),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "user");

    // Another banner's admin cannot touch this user: 404, not 403.
    let et = app.token("erenhot").await;
    assert_eq!(
        app.post_json(&et, &format!("/api/v1/users/{id}/disable"), json!({}))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post_json(&et, "/api/v1/users/abc/disable", json!({}))
            .await
            .status(),
        404
    );

    // A cadre is not an admin: 403.
    let r = app.get(&ct, "/api/v1/users").await;
    assert_eq!(r.status(), 401, "the reset ended the old session");
    let ct = app.token_with("cadre1", "New-steppe-9").await;
    assert_eq!(app.get(&ct, "/api/v1/users").await.status(), 403);

    // The audit log saw it all, scoped to the banner's auditors.
    app.add_user("xlhaudit", "auditor", XILINHOT).await;
    let at = app.token("xlhaudit").await;
    let log: Value = app.get(&at, "/api/v1/audit").await.json().await.unwrap();
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "user.created",
        "user.disabled",
        "user.enabled",
        "user.password_reset",
        "login",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert!(!log.to_string().contains("Grass-land-1") && !log.to_string().contains("New-steppe-9"));
}
both_backends!(
    admins_manage_users_of_their_subtree,
    admins_manage_users_of_their_subtree
);

async fn sector_organisations(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "admin", XILINHOT).await;
    let t = app.token("xilinhot").await;
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/units/{XILINHOT}/sectors"),
            json!({"name": "锡林浩特市快递行业妇联"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["code"], format!("{XILINHOT}-S01"));
    assert_eq!(s["kind"], "sector");
    assert_eq!(s["parent_code"], XILINHOT);
    // It is a unit like any other: users can be bound to it.
    let r = app
        .post_json(
            &t,
            "/api/v1/users",
            json!({"username": "kuaidi", "password": "Grass-land-1", "unit_code": s["code"], "roles": ["cadre"], "display_name": "快递小哥"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    // Not under a village, not with an empty name, not outside the subtree.
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/units/{YILELT}/sectors"),
            json!({"name": "某合作社妇联"}),
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/units/{XILINHOT}/sectors"),
            json!({"name": " "}),
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/units/{ERENHOT}/sectors"),
            json!({"name": "某企业妇联"}),
        )
        .await;
    assert_eq!(r.status(), 404);
    // A Mongolian name must be in Mongolian script; one that is is found
    // by a Mongolian search at once (a word of it, after the NNBSP).
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/units/{XILINHOT}/sectors"),
            json!({"name": "锡林浩特市家政行业妇联", "name_mn": "Shilin hot"}),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("name_mn"));
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/units/{XILINHOT}/sectors"),
            json!({"name": "锡林浩特市家政行业妇联", "name_mn": "ᠭᠡᠷ\u{202F}ᠦᠨ ᠦᠢᠯᠡᠴᠢᠯᠡᠭᠡ"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .get(&t, "/api/v1/units?q=%E1%A0%A6%E1%A0%A2%E1%A0%AF%E1%A0%A1")
        .await;
    let body = r.text().await.unwrap();
    assert!(body.contains(&format!("{XILINHOT}-S02")), "{body}");
}
both_backends!(sector_organisations, sector_organisations);
