//! Field capture without signal (issue 18): the service worker and the
//! manifest, her outbox key (one per account, new after an administrator
//! ends her sessions), the pages a phone keeps and the household directory
//! its offline visit form picks from — each within her scope.

use base64::Engine;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION};
use serde_json::{Value, json};

use jinguo_store::testing::column_texts;

use crate::both_backends;
use crate::matrix::{Case, Cases, Kind, ModuleCases, call};
use crate::support::*;

fn deadline(days: i64) -> String {
    jinguo_domain::activity::format_date(
        time::OffsetDateTime::now_utc().date() + time::Duration::days(days),
    )
}

fn household(code: &str, head: &str) -> Value {
    json!({"unit_code": code, "address": "二组 7 号",
           "members": [{"name": head, "sex": "F", "birth_year": 1975, "relation": "head",
                        "phone": "13800004321"}],
           "consent": {"given_by": head, "method": "oral"}})
}

async fn outbox_key_pages_and_directory(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("ob-admin", "admin", XILINHOT).await;
    let admin = app.token("ob-admin").await;
    let cadre = app.add_user("ob-cadre", "admin", BAOLIGEN).await;
    let other = app.add_user("ob-other", "admin", ERENHOT).await;
    let erenhot = app.token("ob-other").await;

    // Households at her township, at its village and at a sibling banner.
    let mut ids = Vec::new();
    for (by, code, head) in [
        (&admin, BAOLIGEN, "其其格"),
        (&admin, YILELT, "萨仁"),
        (&erenhot, ERENHOT, "托娅"),
    ] {
        let r = app.post_json(by, "/api/v1/households", household(code, head)).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let v: Value = r.json().await.unwrap();
        ids.push(v["id"].as_i64().unwrap());
    }

    let web = |cookie: String, path: &'static str| {
        let client = app.client.clone();
        let url = app.url(path);
        async move {
            client
                .get(url)
                .header(COOKIE, format!("jinguo_session={cookie}"))
                .send()
                .await
                .unwrap()
        }
    };

    // Her key: 32 bytes, never cached, the same in her every session.
    let (c1, csrf1) = app.session_for(cadre).await;
    let r = web(c1.clone(), "/outbox/key").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    let k1: Value = r.json().await.unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(k1["key"].as_str().unwrap())
        .unwrap();
    assert_eq!(raw.len(), 32);
    assert_eq!(k1["key_id"].as_str().unwrap().len(), 16);
    assert_eq!(k1["csrf"], csrf1.as_str(), "the session's token for sending");
    assert_eq!(k1["username"], "ob-cadre");
    let (c2, _) = app.session_for(cadre).await;
    let k2: Value = web(c2, "/outbox/key").await.json().await.unwrap();
    assert_eq!(k1["key"], k2["key"], "one key for all her sessions");
    let (co, _) = app.session_for(other).await;
    let ko: Value = web(co.clone(), "/outbox/key").await.json().await.unwrap();
    assert_ne!(ko["key"], k1["key"], "another account's key is its own");

    // The directory: her subtree's households, enough to pick one, no more.
    let r = web(c1.clone(), "/outbox/households").await;
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    let list: Vec<Value> = r.json().await.unwrap();
    let got: Vec<i64> = list.iter().map(|h| h["id"].as_i64().unwrap()).collect();
    assert!(got.contains(&ids[0]) && got.contains(&ids[1]), "{got:?}");
    assert!(!got.contains(&ids[2]), "a sibling banner's household: {got:?}");
    let text = serde_json::to_string(&list).unwrap();
    assert!(text.contains("萨仁"));
    for secret in ["13800004321", "4321", "二组"] {
        assert!(!text.contains(secret), "{secret} in the directory");
    }
    let theirs: Vec<Value> = web(co, "/outbox/households").await.json().await.unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["id"], ids[2]);

    // The pages a phone keeps: the forms, then her open task's report form.
    let pages: Vec<String> = web(c1.clone(), "/outbox/pages").await.json().await.unwrap();
    for p in ["/outbox", "/activities/new", "/outbox/visit", "/needs/new"] {
        assert!(pages.iter().any(|x| x == p), "{p} in {pages:?}");
    }
    assert!(!pages.iter().any(|p| p.starts_with("/tasks/")), "{pages:?}");
    let region = {
        app.add_user("ob-region", "admin", XILINGOL).await;
        app.token("ob-region").await
    };
    let r = app
        .post_json(
            &region,
            "/api/v1/tasks",
            json!({"title": "离线填报", "deadline": deadline(10), "issuer_unit": XILINGOL,
                   "target_level": 4, "fields": []}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let task: Value = r.json().await.unwrap();
    let pages: Vec<String> = web(c1.clone(), "/outbox/pages").await.json().await.unwrap();
    let report = format!("/tasks/{}/reports/{BAOLIGEN}", task["id"]);
    assert!(pages.contains(&report), "{report} in {pages:?}");
    for p in &pages {
        let r = app
            .client
            .get(app.url(p))
            .header(COOKIE, format!("jinguo_session={c1}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{p}");
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"<meta name="rendered-at" content=""#), "{p}");
        assert!(html.contains(r#"id="outbox-ui""#), "{p}: the outbox's strings");
    }

    // An administrator ends her sessions (a lost phone): a new key, so
    // what the phone queued under the old one can no longer be read.
    let r = app
        .post_json(
            &admin,
            &format!("/api/v1/users/{}/password", cadre.get()),
            json!({"password": "Reset-by-admin-9"}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let r = web(c1, "/outbox/key").await;
    assert_eq!(r.status(), 303, "the old session is over");
    assert_eq!(r.headers()[LOCATION], "/login");
    let kept = column_texts(
        &app.store,
        &format!("SELECT outbox_key FROM users WHERE id = {}", cadre.get()),
    )
    .await;
    assert_eq!(kept, vec![None], "the key went with her sessions");
    // She chooses her own password (asked first), then her phone gets a
    // new key.
    let t = app.token_with("ob-cadre", "Reset-by-admin-9").await;
    let r = app
        .post_json(
            &t,
            "/api/v1/me/password",
            json!({"current_password": "Reset-by-admin-9", "new_password": "Her-own-2026"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let (c3, _) = app.session_for(cadre).await;
    let k3: Value = web(c3, "/outbox/key").await.json().await.unwrap();
    assert_ne!(k3["key_id"], k1["key_id"], "a new key after the administrator's reset");
    // Her own change of password keeps the key: her phone's queue stays
    // readable.
    let (c4, _) = app.session_for(cadre).await;
    let k4: Value = web(c4, "/outbox/key").await.json().await.unwrap();
    assert_eq!(k4["key_id"], k3["key_id"]);
}
both_backends!(outbox_key_pages_and_directory, outbox_key_pages_and_directory);

async fn worker_and_manifest(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let r = app.client.get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
    assert_eq!(r.headers()[CACHE_CONTROL], "no-cache", "phones look for a new version");
    let js = r.text().await.unwrap();
    assert!(!js.contains("__NO_COPY__"), "the page without a copy is written in");
    for lang in ["zh-CN", "mn-Mong", "en"] {
        assert!(js.contains(&format!("lang=\\\"{lang}\\\"")), "{lang} in the worker's page");
    }
    let r = app.client.get(app.url("/manifest.webmanifest")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/manifest+json");
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["start_url"], "/");
    assert_eq!(m["display"], "standalone");
    for icon in m["icons"].as_array().unwrap() {
        let src = icon["src"].as_str().unwrap();
        let r = app.client.get(app.url(src)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{src}");
    }
}
both_backends!(worker_and_manifest, worker_and_manifest);

/// The household page lists its visits. (The menu once kept its links in a
/// variable named `visits`, which replaced the page's list with blanks.)
async fn household_page_lists_its_visits(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let cadre = app.add_user("ob-village", "admin", YILELT).await;
    let token = app.token("ob-village").await;
    let r = app.post_json(&token, "/api/v1/households", household(YILELT, "高娃")).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post_json(
            &token,
            "/api/v1/visits",
            json!({"household_id": id, "date": deadline(-1), "visitors": "乌云与娜仁",
                   "tags": [], "notes": "羊羔过冬的草料已备好"}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let (cookie, _) = app.session_for(cadre).await;
    let html = app
        .client
        .get(app.url(&format!("/households/{id}")))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let list = &html[html.find(r#"<ul class="visits">"#).expect("the visits list")..];
    let list = &list[..list.find("</ul>").unwrap()];
    assert_eq!(list.matches("<li").count(), 1, "{list}");
    assert!(list.contains("乌云与娜仁") && list.contains("羊羔过冬的草料已备好"), "{list}");
}
both_backends!(household_page_lists_its_visits, household_page_lists_its_visits);

mod matrix_cases {
    use super::*;

    /// Her own things, whatever unit the matrix names: the same answer for
    /// every target, in scope or not.
    fn own(build: fn(&crate::matrix::Target) -> crate::matrix::Call) -> Case {
        Case {
            build,
            ok: 200,
            out_of_scope: 200,
            kind: Kind::Unit,
        }
    }

    fn cases(m: &mut Cases) {
        m.insert(("GET", "/sw.js"), own(|_| call("/sw.js".into())));
        m.insert(
            ("GET", "/manifest.webmanifest"),
            own(|_| call("/manifest.webmanifest".into())),
        );
        m.insert(("GET", "/outbox"), own(|_| call("/outbox".into())));
        m.insert(("GET", "/outbox/visit"), own(|_| call("/outbox/visit".into())));
        m.insert(("GET", "/outbox/key"), own(|_| call("/outbox/key".into())));
        m.insert(("GET", "/outbox/pages"), own(|_| call("/outbox/pages".into())));
        m.insert(
            ("GET", "/outbox/households"),
            own(|_| call("/outbox/households".into())),
        );
    }

    inventory::submit!(ModuleCases(cases));
}

/// A need sent later by a phone's outbox keeps the time it was recorded
/// there beside its arrival; a clock far ahead is refused by the API and
/// dropped by the form (nobody on the form could correct it).
async fn a_need_keeps_the_time_it_was_made(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let cadre = app.add_user("ob-need", "admin", YILELT).await;
    let token = app.token("ob-need").await;
    let made = time::OffsetDateTime::now_utc() - time::Duration::hours(5);
    let made_text = made
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let body = |made_at: &str| {
        json!({"unit_code": YILELT, "category": "legal", "description": "冬季咨询",
               "made_at": made_at})
    };
    let r = app.post_json(&token, "/api/v1/needs", body(&made_text)).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let need: Value = app
        .get(&token, &format!("/api/v1/needs/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(need["made_at"], made.unix_timestamp());
    assert!(need["created_at"].as_i64().unwrap() > made.unix_timestamp());

    let r = app
        .post_json(&token, "/api/v1/needs", body("2099-01-01T00:00:00+08:00"))
        .await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["fields"]["made_at"].is_string(), "{e}");

    // The form: a clock far ahead is left out, the need still arrives.
    let (cookie, csrf) = app.session_for(cadre).await;
    let r = app
        .client
        .post(app.url("/needs"))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("idempotency_key", "offline-need-1"),
            ("made_at", "2099-01-01T00:00:00+08:00"),
            ("unit_code", YILELT),
            ("category", "legal"),
            ("urgency", "normal"),
            ("description", "牧区就医"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let id: i64 = page
        .trim_start_matches("/needs/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let need: Value = app
        .get(&token, &format!("/api/v1/needs/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(need["made_at"].is_null(), "{need}");
}
both_backends!(a_need_keeps_the_time_it_was_made, a_need_keeps_the_time_it_was_made);
