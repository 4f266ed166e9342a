//! The public help page and the rights intake list, on both backends.

use jinguo_domain::help::pow_ok;
use jinguo_store::testing::scalar;
use jinguo_store::{SqlStore, UnitStore};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

/// A nonce for a challenge, found the way the page's script finds it.
fn work(challenge: &str, bits: u32) -> String {
    (0u64..)
        .map(|n| n.to_string())
        .find(|n| pow_ok(challenge, n, bits))
        .unwrap()
}

async fn challenge(app: &TestApp) -> (String, u32) {
    let r = app
        .client
        .get(app.url("/api/v1/public/help/challenge"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    (
        v["challenge"].as_str().unwrap().to_owned(),
        v["bits"].as_u64().unwrap() as u32,
    )
}

/// A complete request body with a solved challenge.
async fn body(app: &TestApp, unit: &str, category: &str, kind: &str, text: &str) -> Value {
    let (ch, bits) = challenge(app).await;
    let nonce = work(&ch, bits);
    json!({"unit_code": unit, "category": category, "kind": kind, "description": text,
           "contact": "13800000000", "challenge": ch, "nonce": nonce})
}

async fn post(app: &TestApp, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/public/help"))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Looks a tracking code up the way the API takes it: in the body.
async fn lookup(app: &TestApp, code: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/public/help/status"))
        .json(&json!({ "tracking_code": code }))
        .send()
        .await
        .unwrap()
}

async fn submit(app: &TestApp, unit: &str, category: &str, kind: &str, text: &str) -> String {
    let b = body(app, unit, category, kind, text).await;
    let r = post(app, &b).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    v["tracking_code"].as_str().unwrap().to_owned()
}

async fn unit_id(store: &SqlStore, code: &str) -> i64 {
    store
        .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
        .await
        .unwrap()
        .id
        .get()
}

async fn rows(store: &SqlStore) -> (i64, i64) {
    (
        scalar(store, "SELECT COUNT(*) FROM help_requests")
            .await
            .unwrap(),
        scalar(store, "SELECT COUNT(*) FROM needs").await.unwrap(),
    )
}

/// The assignee of the need a tracking code's request became.
async fn need_assignee(store: &SqlStore, code: &str) -> i64 {
    let code = code.replace('-', "");
    scalar(
        store,
        &format!(
            "SELECT n.assignee_unit_id FROM needs n JOIN help_requests h ON h.need_id = n.id \
             WHERE h.tracking_code = '{code}'"
        ),
    )
    .await
    .expect("a need for the request")
}

async fn submit_and_look_up(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    // The real difficulty (16 bits), solved here as the script would.
    let code = submit(&app, YILELT, "employment", "need", "想学电商，找不到培训").await;
    assert_eq!(code.len(), 14, "grouped as XXXX-XXXX-XXXX: {code}");
    assert_eq!(code.matches('-').count(), 2);

    let r = lookup(&app, &code).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["status", "updated_at"], "only status and date: {v}");
    assert_eq!(v["status"], "received");
    let date = v["updated_at"].as_str().unwrap();
    assert!(time::Date::parse(date, &time::format_description::well_known::Iso8601::DATE).is_ok());

    // Case and separators do not matter.
    let loose = code.replace('-', " ").to_lowercase();
    let r = lookup(&app, &loose).await;
    assert_eq!(r.status(), 200);

    // Unknown and malformed codes: the same plain 404.
    for unknown in ["2345-6789-ABCD", "nonsense"] {
        let r = lookup(&app, unknown).await;
        assert_eq!(r.status(), 404);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "not_found");
    }

    // The need and the request, both sealed.
    assert_eq!(rows(&app.store).await, (1, 1));
    let plain = scalar(
        &app.store,
        "SELECT COUNT(*) FROM help_requests WHERE description_enc LIKE '%电商%' \
         OR contact_enc LIKE '%1380000%'",
    )
    .await;
    assert_eq!(plain, Some(0));
}
both_backends!(submit_and_look_up, submit_and_look_up);

async fn queue_follows_the_village_staff(db: Db) {
    let Some(app) = spawn_app(db, |c| c.help.pow_bits = 8).await else {
        return;
    };
    let township = unit_id(&app.store, BAOLIGEN).await;
    let hanaula = unit_id(&app.store, HANAULA).await;
    // No one works at either village yet: the township's queue.
    let code = submit(&app, HANAULA, "health", "need", "老人看病难").await;
    assert_eq!(need_assignee(&app.store, &code).await, township);
    // A caseworker alone does not record needs; a disabled cadre is gone.
    app.add_user("hanaula-case", "caseworker", HANAULA).await;
    let off = app.add_user("hanaula-off", "cadre", HANAULA).await;
    {
        use jinguo_store::UserStore;
        app.store
            .set_active(&app.store.system_user(off).await.unwrap(), false)
            .await
            .unwrap();
    }
    let code = submit(&app, HANAULA, "health", "need", "老人看病难").await;
    assert_eq!(need_assignee(&app.store, &code).await, township);
    // An active cadre at the village: the village's own queue.
    app.add_user("hanaula-cadre", "cadre", HANAULA).await;
    let code = submit(&app, HANAULA, "health", "need", "老人看病难").await;
    assert_eq!(need_assignee(&app.store, &code).await, hanaula);
    let queue = scalar(
        &app.store,
        &format!(
            "SELECT queue_unit_id FROM help_requests WHERE tracking_code = '{}'",
            code.replace('-', "")
        ),
    )
    .await;
    assert_eq!(queue, Some(hanaula));
    let source = scalar(
        &app.store,
        "SELECT COUNT(*) FROM needs WHERE source = 'help' AND created_by IS NULL \
         AND urgency = 'normal' AND status = 'open'",
    )
    .await;
    assert_eq!(source, Some(3));
    // A rights request becomes no need.
    submit(&app, HANAULA, "rights", "rights", "家里有人打我").await;
    assert_eq!(rows(&app.store).await, (4, 3));
}
both_backends!(
    queue_follows_the_village_staff,
    queue_follows_the_village_staff
);

async fn bad_input_saves_nothing(db: Db) {
    let Some(app) = spawn_app(db, |c| {
        c.help.pow_bits = 8;
        c.help.submits_per_10min = 1000;
        c.help.submits_per_day = 1000;
    })
    .await
    else {
        return;
    };
    let good = body(&app, YILELT, "legal", "need", "离婚财产怎么分").await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("no place", json!({"unit_code": ""}), "unit_code"),
        ("not a village", json!({"unit_code": BAOLIGEN}), "unit_code"),
        (
            "unknown place",
            json!({"unit_code": NO_SUCH_UNIT}),
            "unit_code",
        ),
        (
            "empty description",
            json!({"description": "   "}),
            "description",
        ),
        (
            "long description",
            json!({"description": "字".repeat(2001)}),
            "description",
        ),
        (
            "unknown category",
            json!({"category": "lottery"}),
            "category",
        ),
        (
            "rights as a need",
            json!({"category": "rights"}),
            "category",
        ),
        ("bad kind", json!({"kind": "urgent"}), "kind"),
        (
            "control characters",
            json!({"description": "help\u{1b}[2J"}),
            "description",
        ),
        (
            "links",
            json!({"description": "http://a.example http://b.example https://c.example"}),
            "description",
        ),
        (
            "long contact",
            json!({"contact": "1".repeat(101)}),
            "contact",
        ),
        ("bad work", json!({"nonce": "x"}), "nonce"),
        ("no challenge", json!({"challenge": ""}), "challenge"),
        (
            "forged challenge",
            json!({"challenge": "9999999999.000000000000000000000000.00000000000000000000000000000000"}),
            "challenge",
        ),
        (
            "honeypot",
            json!({"website": "http://spam.example"}),
            "request",
        ),
    ];
    for (what, patch, field) in cases {
        let mut b = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        let r = post(&app, &b).await;
        assert_eq!(r.status(), 422, "{what}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["field"], field, "{what}: {v}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
        // The honeypot's answer does not give the trap away.
        if what == "honeypot" {
            assert!(!v.to_string().contains("website"));
        }
    }
    // Scripted bodies: not JSON, and more than 16 KB.
    let r = app
        .client
        .post(app.url("/api/v1/public/help"))
        .header("content-type", "application/json")
        .body("unit_code=1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let mut big = good.clone();
    big["description"] = json!("长".repeat(6000));
    let r = post(&app, &big).await;
    assert_eq!(r.status(), 413);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("过长"));
    assert_eq!(rows(&app.store).await, (0, 0), "nothing saved");

    // The good body still goes through, once: a challenge is spent by use.
    assert_eq!(post(&app, &good).await.status(), 201);
    let r = post(&app, &good).await;
    assert_eq!(r.status(), 422);
    assert_eq!(rows(&app.store).await, (1, 1));
}
both_backends!(bad_input_saves_nothing, bad_input_saves_nothing);

async fn too_many_requests(db: Db) {
    let Some(app) = spawn_app(db, |c| {
        c.help.pow_bits = 8;
        c.help.lookups_per_10min = 8;
    })
    .await
    else {
        return;
    };
    // Refused submissions (typing mistakes) do not count against her:
    // four of them, then five accepted in ten minutes from one address,
    // then 429.
    for _ in 0..4 {
        assert_eq!(post(&app, &json!({})).await.status(), 422);
    }
    for n in ["一", "二", "三", "四", "五"] {
        submit(&app, YILELT, "other", "need", &format!("第{n}次")).await;
    }
    let b = body(&app, YILELT, "other", "need", "第六次").await;
    let r = post(&app, &b).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("12338"));
    assert_eq!(rows(&app.store).await, (5, 5));
    // Lookups have their own, larger allowance (six challenges were taken).
    let mut last = 0;
    for _ in 0..8 {
        last = lookup(&app, "2345-6789-ABCD").await.status().as_u16();
    }
    assert_eq!(last, 429);
}
both_backends!(too_many_requests, too_many_requests);

/// The value of `name="{name}" value="…"` in a page.
fn input_value(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in the page"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The form page of a village and the sum asked in `<noscript>`. It sets
/// no cookie: nothing is left behind on a shared phone.
async fn form_page(app: &TestApp, place: &str) -> (String, u32) {
    let r = app
        .client
        .get(app.url(&format!("/help?place={place}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("set-cookie").is_none(), "no cookie");
    let html = r.text().await.unwrap();
    let sum = html.split("<noscript>").nth(1).unwrap();
    let (a, b) = sum.split_once(" + ").unwrap();
    let a: u32 = a.rsplit(' ').next().unwrap().trim().parse().unwrap();
    let b: u32 = b.split(' ').next().unwrap().trim().parse().unwrap();
    (html, a + b)
}

async fn form_works_without_javascript(db: Db) {
    let Some(app) = spawn_app(db, |c| c.help.pow_bits = 8).await else {
        return;
    };
    // Somebody else's request, which no page may show.
    submit(&app, YILELT, "rights", "rights", "秘密的求助内容").await;

    // Step by step: the region shows the leagues, a league its banners …
    let r = app.client.get(app.url("/help")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("place={XILINGOL}")));
    assert!(
        !html.contains("name=\"description\""),
        "no form before a village"
    );
    let r = app
        .client
        .get(app.url(&format!("/help?place={BAOLIGEN}")))
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("place={YILELT}")));
    // … and search finds a village by name.
    let r = app
        .client
        .get(app.url("/help?q=%E4%BC%8A%E5%8B%92"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let (html, answer) = form_page(&app, YILELT).await;
    assert!(html.contains("data-exit=\"about:blank\""), "quick exit");
    assert!(html.contains("name=\"website\""), "honeypot");
    assert!(!html.contains("秘密的求助内容"));
    let challenge = input_value(&html, "challenge");
    let send = |fields: Vec<(&'static str, String)>| {
        app.client.post(app.url("/help")).form(&fields).send()
    };
    // A wrong sum: the form again, what was typed kept, nothing saved.
    let mut fields = vec![
        ("unit_code", YILELT.to_owned()),
        ("category", "childcare".to_owned()),
        ("description", "孩子没人带".to_owned()),
        ("contact", String::new()),
        ("challenge", challenge.clone()),
        ("nonce", String::new()),
        ("answer", (answer + 1).to_string()),
        ("website", String::new()),
    ];
    let r = send(fields.clone()).await.unwrap();
    assert_eq!(r.status(), 422);
    let again = r.text().await.unwrap();
    assert!(again.contains("孩子没人带"));
    assert!(again.contains("计算结果不对"));
    assert_eq!(rows(&app.store).await, (1, 0));

    fields[6].1 = answer.to_string();
    let r = send(fields.clone()).await.unwrap();
    assert_eq!(r.status(), 200);
    let done = r.text().await.unwrap();
    let code = done
        .split("id=\"code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 14);
    assert!(!done.contains("孩子没人带"));
    assert_eq!(rows(&app.store).await, (2, 1));

    // Looking it up shows the status and a date, never the text.
    let track = |code: &str| {
        app.client
            .post(app.url("/help/track"))
            .form(&[("code", code)])
            .send()
    };
    let r = track(&code).await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("已受理"));
    assert!(!page.contains("孩子没人带") && !page.contains("秘密的求助内容"));
    let r = track("2345-6789-ABCD").await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("没有找到这个查询码"));
    // A code in the address is not looked up: it would stay in the history.
    let r = app
        .client
        .get(app.url(&format!("/help/track?code={code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(!r.text().await.unwrap().contains("已受理"));

    // In Mongolian by `?lang=`, without a cookie.
    let r = app
        .client
        .get(app.url(&format!("/help?lang=mn-Mong&place={YILELT}")))
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("lang=\"mn-Mong\""));
    assert!(html.contains("ᠲᠦᠷᠭᠡᠨ ᠭᠠᠷᠬᠤ"));

    // Honeypot filled from the form: refused quietly, nothing saved.
    let (html, answer) = form_page(&app, YILELT).await;
    let mut trap = fields.clone();
    trap[4].1 = input_value(&html, "challenge");
    trap[6].1 = answer.to_string();
    trap[7].1 = "http://spam.example".into();
    let r = app
        .client
        .post(app.url("/help"))
        .form(&trap)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("求助未能提交"));
    assert_eq!(rows(&app.store).await, (2, 1));
}
both_backends!(form_works_without_javascript, form_works_without_javascript);

/// Every `/static/…` the page names in `src=` or `href=`.
fn assets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            let url = &part[..part.find('"').unwrap()];
            if url.starts_with("/static/") && !out.contains(&url.to_owned()) {
                out.push(url.to_owned());
            }
        }
    }
    out
}

async fn page_is_small(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    for path in [
        "/help".to_owned(),
        format!("/help?place={YILELT}"),
        "/help/track".into(),
    ] {
        let r = app.client.get(app.url(&path)).send().await.unwrap();
        let html = r.text().await.unwrap();
        let list = assets(&html);
        assert!(list.iter().any(|a| a.ends_with(".css")), "{path}: {list:?}");
        assert!(!html.contains("htmx"), "no htmx on the public page");
        let mut total = html.len();
        for a in &list {
            let r = app.client.get(app.url(a)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{a}");
            total += r.bytes().await.unwrap().len();
        }
        println!("public help page {path}: {total} bytes with {list:?}");
        assert!(total <= 100 * 1024, "{path} weighs {total} bytes");
    }
}
both_backends!(page_is_small, page_is_small);

async fn rights_intake(db: Db) {
    let Some(app) = spawn_app(db, |c| c.help.pow_bits = 8).await else {
        return;
    };
    let user = app.add_user("case-banner", "caseworker", XILINHOT).await;
    let other_user = app.add_user("case-other", "caseworker", ERENHOT).await;
    app.add_user("cadre-banner", "cadre", XILINHOT).await;
    app.add_user("audit-banner", "auditor", XILINHOT).await;
    let code = submit(&app, YILELT, "rights", "rights", "丈夫经常打我").await;
    submit(&app, YILELT, "employment", "need", "想找工作").await;

    let token = app.token("case-banner").await;
    let r = app
        .get(
            &token,
            &format!("/api/v1/help-requests?unit={XILINHOT}&kind=rights"),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "rights only: {v}");
    let item = &items[0];
    assert_eq!(item["tracking_code"], code.as_str());
    assert_eq!(item["category"], "rights");
    assert_eq!(item["status"], "received");
    assert_eq!(item["queue_code"], BAOLIGEN);
    assert!(!v.to_string().contains("丈夫") && !v.to_string().contains("13800000000"));
    let id = item["id"].as_i64().unwrap();

    // Needs are not listed here; others see nothing of it.
    let r = app
        .get(
            &token,
            &format!("/api/v1/help-requests?unit={XILINHOT}&kind=need"),
        )
        .await;
    assert_eq!(r.status(), 422);
    let other = app.token("case-other").await;
    let r = app.get(&other, "/api/v1/help-requests").await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    let r = app
        .get(&other, &format!("/api/v1/help-requests?unit={XILINHOT}"))
        .await;
    assert_eq!(r.status(), 404);
    let cadre = app.token("cadre-banner").await;
    assert_eq!(app.get(&cadre, "/api/v1/help-requests").await.status(), 403);

    // The detail page opens the text and writes an audit entry.
    let (session, csrf) = app.session_for(user).await;
    let cookie = format!("jinguo_session={session}");
    let r = app
        .client
        .get(app.url(&format!("/help-requests/{id}")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("丈夫经常打我") && html.contains("13800000000"));
    let audit_token = app.token("audit-banner").await;
    let r = app
        .get(&audit_token, &format!("/api/v1/audit?unit={XILINHOT}"))
        .await;
    let log = r.text().await.unwrap();
    assert!(log.contains("help_request.open"), "{log}");
    assert!(log.contains(&format!("help_request {id}")));
    assert!(!log.contains("丈夫") && !log.contains("13800000000"));

    // Another banner's caseworker: 404, as for a request that does not exist.
    let (other_session, _) = app.session_for(other_user).await;
    let r = app
        .client
        .get(app.url(&format!("/help-requests/{id}")))
        .header("cookie", format!("jinguo_session={other_session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // In progress, then closed: the public sees the status move.
    for (status, public) in [("in_progress", "in_progress"), ("closed", "closed")] {
        let r = app
            .client
            .post(app.url(&format!("/help-requests/{id}/status")))
            .header("cookie", &cookie)
            .form(&[("_csrf", csrf.as_str()), ("status", status)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let v: Value = lookup(&app, &code).await.json().await.unwrap();
        assert_eq!(v["status"], public);
    }
    let r = app
        .client
        .post(app.url(&format!("/help-requests/{id}/status")))
        .header("cookie", &cookie)
        .form(&[("_csrf", csrf.as_str()), ("status", "resolved")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}
both_backends!(rights_intake, rights_intake);
