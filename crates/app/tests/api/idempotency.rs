//! A retried submit records once (issues 14 and 18): the same request sent
//! again with its idempotency key gives the original answer and writes
//! nothing; the same key with other content is refused; keys are per user;
//! two concurrent retries write once; the device's time is kept beside the
//! arrival time and checked like any date.

use jinguo_store::testing::column_texts;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

const KEY: &str = "Idempotency-Key";

fn activity(title: &str) -> Value {
    json!({"unit_code": YILELT, "date": "2026-11-02", "type": "lecture",
           "title": title, "participants": 12, "women": 9})
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    column_texts(&app.store, &format!("SELECT CAST(COUNT(*) AS TEXT) {sql}")).await[0]
        .as_deref()
        .unwrap()
        .parse()
        .unwrap()
}

async fn activities(app: &TestApp) -> i64 {
    count(app, "FROM activities").await
}

/// The township's roll-up of November 2026: activities, participants.
async fn township_figures(app: &TestApp, token: &str) -> (i64, i64) {
    let r = app
        .get(
            token,
            &format!("/api/v1/units/{BAOLIGEN}/rollup?from=2026-11&to=2026-11"),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    (
        v["total"]["activities"].as_i64().unwrap(),
        v["total"]["participants"].as_i64().unwrap(),
    )
}

async fn send(app: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header(KEY, key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn api_replay_records_once(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("yilelt2", "cadre", YILELT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    let token = app.token("yilelt").await;
    let township = app.token("baoligen").await;

    let first = send(&app, &token, "/api/v1/activities", "outbox-1", &activity("宣讲")).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();

    // Sent again (the phone never heard the answer): the same answer, no
    // second record, counted once.
    for _ in 0..2 {
        let again = send(&app, &token, "/api/v1/activities", "outbox-1", &activity("宣讲")).await;
        assert_eq!(again.status(), 201);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.json::<Value>().await.unwrap(), first);
    }
    assert_eq!(activities(&app).await, 1);
    assert_eq!(township_figures(&app, &township).await, (1, 12));

    // The same key with different content: refused, nothing written.
    let r = send(&app, &token, "/api/v1/activities", "outbox-1", &activity("另一个")).await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["field"], KEY, "{v}");
    assert_eq!(activities(&app).await, 1);

    // Keys are per user: another cadre's "outbox-1" is her own record.
    let other = app.token("yilelt2").await;
    let r = send(&app, &other, "/api/v1/activities", "outbox-1", &activity("宣讲")).await;
    assert_eq!(r.status(), 201);
    assert_ne!(r.json::<Value>().await.unwrap(), first);
    assert_eq!(activities(&app).await, 2);

    // Without a key every request records, as before.
    for _ in 0..2 {
        let r = app
            .post_json(&token, "/api/v1/activities", activity("无键"))
            .await;
        assert_eq!(r.status(), 201);
    }
    assert_eq!(activities(&app).await, 4);

    // A malformed key is a 422 naming the header; nothing is written.
    for bad in ["x".repeat(101), String::new()] {
        let r = send(&app, &token, "/api/v1/activities", &bad, &activity("坏键")).await;
        assert_eq!(r.status(), 422, "{bad:?}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["field"], KEY);
    }
    let r = app
        .client
        .post(app.url("/api/v1/activities"))
        .bearer_auth(&token)
        .header(KEY, reqwest::header::HeaderValue::from_bytes("键".as_bytes()).unwrap())
        .json(&activity("坏键"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // A body beyond the limit is refused before it is read whole.
    let mut huge = activity("大");
    huge["summary"] = json!("长".repeat(1024 * 1024));
    let r = send(&app, &token, "/api/v1/activities", "huge", &huge).await;
    assert_eq!(r.status(), 400);
    // A request with bad fields takes no key: corrected, it records.
    let mut bad = activity("宣讲");
    bad["participants"] = json!(-1);
    let r = send(&app, &token, "/api/v1/activities", "outbox-2", &bad).await;
    assert_eq!(r.status(), 422);
    let r = send(&app, &token, "/api/v1/activities", "outbox-2", &activity("改正")).await;
    assert_eq!(r.status(), 201);
    assert_eq!(activities(&app).await, 5);
    assert_eq!(township_figures(&app, &township).await, (5, 60));

    // Needs and households answer repeats the same way.
    let need = json!({"unit_code": YILELT, "category": "legal", "description": "咨询土地承包"});
    let a = send(&app, &token, "/api/v1/needs", "n-1", &need).await;
    assert_eq!(a.status(), 201);
    let a: Value = a.json().await.unwrap();
    let b = send(&app, &token, "/api/v1/needs", "n-1", &need).await;
    assert_eq!(b.status(), 201);
    assert_eq!(b.json::<Value>().await.unwrap(), a);
    assert_eq!(count(&app, "FROM needs").await, 1);

    let household = json!({
        "unit_code": YILELT,
        "address": "伊利勒特嘎查一组 12 号",
        "members": [{"name": "其其格", "sex": "F", "birth_year": 1985, "relation": "head"}],
        "consent": {"given_by": "其其格", "method": "oral"}
    });
    let a = send(&app, &token, "/api/v1/households", "h-1", &household).await;
    assert_eq!(a.status(), 201);
    let a: Value = a.json().await.unwrap();
    let b = send(&app, &token, "/api/v1/households", "h-1", &household).await;
    assert_eq!(b.json::<Value>().await.unwrap(), a);
    assert_eq!(count(&app, "FROM households").await, 1);

    // A visit and its 入户走访 activity record once.
    let visit = json!({"household_id": a["id"], "date": "2026-11-03", "visitors": "妇联主席",
                       "made_at": "2026-11-03T10:00:00+08:00"});
    let v1 = send(&app, &token, "/api/v1/visits", "v-1", &visit).await;
    assert_eq!(v1.status(), 201);
    let v1: Value = v1.json().await.unwrap();
    let v2 = send(&app, &token, "/api/v1/visits", "v-1", &visit).await;
    assert_eq!(v2.json::<Value>().await.unwrap(), v1);
    assert_eq!(count(&app, "FROM visits").await, 1);
    assert_eq!(activities(&app).await, 6);
    assert_eq!(township_figures(&app, &township).await, (6, 61));
}
both_backends!(api_replay_records_once, api_replay_records_once);

async fn device_time_beside_arrival(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    let token = app.token("yilelt").await;
    let now = time::OffsetDateTime::now_utc();
    let fmt = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };

    // Made on the phone two hours ago, sent now: both kept, the arrival
    // is the server's, the month is the activity's own date's.
    let made = now - time::Duration::hours(2);
    let mut body = activity("离线记录");
    body["made_at"] = json!(fmt(made));
    let r = send(&app, &token, "/api/v1/activities", "t-1", &body).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let a: Value = app
        .get(&token, &format!("/api/v1/activities/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["made_at"], json!(made.unix_timestamp()));
    let arrived = a["created_at"].as_i64().unwrap();
    assert!((arrived - now.unix_timestamp()).abs() < 60, "arrival is now");
    let township = app.token("baoligen").await;
    assert_eq!(township_figures(&app, &township).await, (1, 12));

    // A phone clock far ahead or far behind is refused, naming the field.
    for bad in [
        fmt(now + time::Duration::days(1)),
        "1970-01-01T00:00:00Z".to_owned(),
        "2026-11-02".to_owned(),
    ] {
        let mut body = activity("时钟错误");
        body["made_at"] = json!(bad);
        let r = app.post_json(&token, "/api/v1/activities", body).await;
        assert_eq!(r.status(), 422, "{bad}");
        let v: Value = r.json().await.unwrap();
        assert!(v["error"]["fields"]["made_at"].is_string(), "{v}");
    }
    assert_eq!(activities(&app).await, 1);

    // The edit page shows both times.
    let user = app.add_user("yileltweb", "cadre", YILELT).await;
    let (session, _) = app.session_for(user).await;
    let page = app
        .client
        .get(app.url(&format!("/activities/{id}/edit")))
        .header(COOKIE, format!("jinguo_session={session}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("到达服务器"), "arrival shown: {page}");
    assert!(page.contains("手机上记录"), "device time shown");
}
both_backends!(device_time_beside_arrival, device_time_beside_arrival);

async fn concurrent_retries_write_once(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    let token = app.token("yilelt").await;
    let body = activity("并发");
    let answers = at_once(&app, &token, "/api/v1/activities", "same-key", &body, 8).await;
    let mut ids = Vec::new();
    for r in answers {
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap();
        // The first's answer, or "still being written" if it took long.
        match status {
            201 => ids.push(v["id"].as_i64().unwrap()),
            409 => assert_eq!(v["error"]["field"], KEY, "{v}"),
            other => panic!("{other}: {v}"),
        }
    }
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    assert_eq!(activities(&app).await, 1);
    let township = app.token("baoligen").await;
    assert_eq!(township_figures(&app, &township).await, (1, 12));

    // Visits too: the visit, its activity and the key in one transaction.
    let household = json!({
        "unit_code": YILELT,
        "address": "一组",
        "members": [{"name": "其其格", "sex": "F", "birth_year": 1985, "relation": "head"}],
        "consent": {"given_by": "其其格", "method": "oral"}
    });
    let h: Value = app
        .post_json(&token, "/api/v1/households", household)
        .await
        .json()
        .await
        .unwrap();
    let visit = json!({"household_id": h["id"], "date": "2026-11-03", "visitors": "主席"});
    for r in at_once(&app, &token, "/api/v1/visits", "visit-key", &visit, 6).await {
        assert!([201, 409].contains(&r.status().as_u16()));
    }
    assert_eq!(count(&app, "FROM visits").await, 1);
    assert_eq!(activities(&app).await, 2);
}
both_backends!(concurrent_retries_write_once, concurrent_retries_write_once);

/// `n` identical requests with one key, all sent at once.
async fn at_once(
    app: &TestApp,
    token: &str,
    path: &str,
    key: &str,
    body: &Value,
    n: usize,
) -> Vec<reqwest::Response> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let req = app
                .client
                .post(app.url(path))
                .bearer_auth(token)
                .header(KEY, key)
                .json(body);
            tokio::spawn(async move { req.send().await.unwrap() })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// Pulls `name="NAME" value="…"` out of a page.
fn hidden(html: &str, name: &str) -> String {
    let pat = format!("name=\"{name}\" value=\"");
    let at = html.find(&pat).unwrap_or_else(|| panic!("no {name}")) + pat.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

async fn web_form_resent_records_once(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let user = app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    let (session, csrf) = app.session_for(user).await;
    let cookie = format!("jinguo_session={session}");
    let page = app
        .client
        .get(app.url("/activities/new"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = hidden(&page, "idempotency_key");
    assert_eq!(key.len(), 64, "a random key per rendered form");
    assert!(page.contains("data-draft-offline=\""), "the offline message is in the page");
    let fields = |title: &'static str, made_at: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("idempotency_key", key.clone()),
            ("made_at", made_at.to_owned()),
            ("unit_code", YILELT.to_owned()),
            ("date", "2026-11-02".to_owned()),
            ("type", "lecture".to_owned()),
            ("title", title.to_owned()),
            ("participants", "12".to_owned()),
            ("women", "9".to_owned()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        app.client
            .post(app.url("/activities"))
            .header(COOKIE, &cookie)
            .form(&f)
            .send()
    };
    // 保存 pressed twice, the second time after the page's script set
    // another device time: one activity, the same redirect.
    let a = post(fields("宣讲", "")).await.unwrap();
    assert_eq!(a.status(), 303);
    let b = post(fields("宣讲", "2026-11-02T09:00:00+08:00")).await.unwrap();
    assert_eq!(b.status(), 303);
    assert_eq!(a.headers()[LOCATION], b.headers()[LOCATION]);
    assert_eq!(
        a.headers()[LOCATION],
        format!("/activities?unit={YILELT}&done=created").as_str()
    );
    assert_eq!(activities(&app).await, 1);
    // The same key with other content: refused, nothing written.
    let c = post(fields("另一个", "")).await.unwrap();
    assert_eq!(c.status(), 422);
    assert_eq!(activities(&app).await, 1);

    // Multipart with a photo, sent twice (a new boundary each time): once.
    let photo = crate::images::png(16, 16, [200, 30, 30], [30, 30, 200]);
    let form = || {
        let mut f = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("idempotency_key", "photo-form-1")
            .text("unit_code", YILELT)
            .text("date", "2026-11-05")
            .text("type", "lecture")
            .text("title", "带照片")
            .text("participants", "5");
        f = f.part(
            "photo",
            reqwest::multipart::Part::bytes(photo.clone())
                .file_name("a.png")
                .mime_str("image/png")
                .unwrap(),
        );
        f
    };
    for _ in 0..2 {
        let r = app
            .client
            .post(app.url("/activities"))
            .header(COOKIE, &cookie)
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }
    assert_eq!(activities(&app).await, 2);
    assert_eq!(count(&app, "FROM activity_photos").await, 1);

    // Two at once (the browser re-posting while the first is in flight).
    let f = fields("宣讲", "");
    let mut g = f.clone();
    g[1].1 = "web-concurrent".into();
    let h = g.clone();
    let (x, y) = tokio::join!(post(g), post(h));
    for r in [x.unwrap(), y.unwrap()] {
        assert!([303, 409].contains(&r.status().as_u16()));
    }
    assert_eq!(activities(&app).await, 3);
    let township = app.token("baoligen").await;
    assert_eq!(township_figures(&app, &township).await, (3, 29));

    // A visit form sent twice: one visit, one 入户走访 activity.
    let token = app.token_with("yilelt", PW).await;
    let h: Value = app
        .post_json(
            &token,
            "/api/v1/households",
            json!({"unit_code": YILELT, "address": "一组",
                   "members": [{"name": "其其格", "sex": "F", "birth_year": 1985, "relation": "head"}],
                   "consent": {"given_by": "其其格", "method": "oral"}}),
        )
        .await
        .json()
        .await
        .unwrap();
    let hid = h["id"].as_i64().unwrap();
    let page = app
        .client
        .get(app.url(&format!("/households/{hid}")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let vkey = hidden(&page, "idempotency_key");
    let mut locations = Vec::new();
    for _ in 0..2 {
        let r = app
            .client
            .post(app.url(&format!("/households/{hid}/visits")))
            .header(COOKIE, &cookie)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("idempotency_key", vkey.as_str()),
                ("date", "2026-11-03"),
                ("visitors", "妇联主席"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        locations.push(r.headers()[LOCATION].clone());
    }
    assert_eq!(locations[0], locations[1]);
    assert_eq!(count(&app, "FROM visits").await, 1);
    assert_eq!(activities(&app).await, 4);
}
both_backends!(web_form_resent_records_once, web_form_resent_records_once);

async fn old_keys_are_purged(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    let token = app.token("yilelt").await;
    let r = send(&app, &token, "/api/v1/activities", "old", &activity("旧")).await;
    assert_eq!(r.status(), 201);
    let now = jinguo_app::state::now();
    // Kept for 30 days …
    assert_eq!(app.store.purge_idempotency_keys(now + 29 * 86_400).await.unwrap(), 0);
    assert_eq!(count(&app, "FROM idempotency_keys").await, 1);
    // … and gone after, when the key may record again.
    assert_eq!(app.store.purge_idempotency_keys(now + 31 * 86_400).await.unwrap(), 1);
    let r = send(&app, &token, "/api/v1/activities", "old", &activity("旧")).await;
    assert_eq!(r.status(), 201);
    assert!(r.headers().get("idempotent-replayed").is_none());
    assert_eq!(activities(&app).await, 2);
}
both_backends!(old_keys_are_purged, old_keys_are_purged);

async fn report_answer_and_hand_in_once(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilingol", "admin", XILINGOL).await;
    app.add_user("xilinhot", "cadre", XILINHOT).await;
    let league = app.token("xilingol").await;
    let banner = app.token("xilinhot").await;
    let deadline = jinguo_domain::activity::format_date(
        time::OffsetDateTime::now_utc().date() + time::Duration::days(10),
    );
    let r = app
        .post_json(
            &league,
            "/api/v1/tasks",
            json!({"title": "培训人数", "deadline": deadline, "issuer_unit": XILINGOL,
                   "target_level": 3,
                   "fields": [{"key": "trained", "label": "培训人数", "type": "integer", "required": true}]}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let report = format!("/api/v1/tasks/{id}/reports/{XILINHOT}");

    let answer = |key: &'static str| {
        app.client
            .put(app.url(&report))
            .bearer_auth(&banner)
            .header(KEY, key)
            .json(&json!({"values": {"trained": 25}}))
            .send()
    };
    let a = answer("answer-1").await.unwrap();
    assert_eq!(a.status(), 200);
    let a: Value = a.json().await.unwrap();
    let b = answer("answer-1").await.unwrap();
    assert_eq!(b.headers()["idempotent-replayed"], "true");
    assert_eq!(b.json::<Value>().await.unwrap(), a);

    // Handing in twice (the answer lost on the way back): the first
    // answer again, not "report locked", and one notice to the league.
    let submit = || {
        app.client
            .post(app.url(&format!("{report}/submit")))
            .bearer_auth(&banner)
            .header(KEY, "submit-1")
            .send()
    };
    let first = submit().await.unwrap();
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["status"], "submitted");
    let again = submit().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(
        count(&app, "FROM notices WHERE kind = 'submitted'").await,
        1
    );
    // Without a key a second hand-in is refused as before.
    let r = app
        .client
        .post(app.url(&format!("{report}/submit")))
        .bearer_auth(&banner)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}
both_backends!(report_answer_and_hand_in_once, report_answer_and_hand_in_once);

async fn documented_in_openapi(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let doc: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (path, method) in [
        ("/api/v1/activities", "post"),
        ("/api/v1/households", "post"),
        ("/api/v1/visits", "post"),
        ("/api/v1/needs", "post"),
        ("/api/v1/tasks/{id}/reports/{unit_code}", "put"),
        ("/api/v1/tasks/{id}/reports/{unit_code}/submit", "post"),
    ] {
        let op = &doc["paths"][path][method];
        let header = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == KEY)
            .unwrap_or_else(|| panic!("{method} {path} documents {KEY}"));
        assert_eq!(header["in"], "header");
        assert_eq!(header["required"], false);
        assert!(op["responses"]["409"].is_object(), "{method} {path}: 409");
    }
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["ActivityInput"]["properties"]["made_at"].is_object());
    assert!(schemas["Activity"]["properties"]["made_at"].is_object());
    assert!(schemas["VisitInput"]["properties"]["made_at"].is_object());
}
both_backends!(documented_in_openapi, documented_in_openapi);
