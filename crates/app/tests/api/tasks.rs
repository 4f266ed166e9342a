//! Five-level linkage over HTTP: the region issues a task to villages, a
//! village answers with a pre-filled figure, the township approves, the
//! region sees it; bad input changes nothing.

use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn deadline(days: i64) -> String {
    jinguo_domain::activity::format_date(
        time::OffsetDateTime::now_utc().date() + time::Duration::days(days),
    )
}

fn this_month() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

async fn put_json(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn task_body() -> Value {
    json!({
        "title": "第四季度入户走访统计",
        "description": "请各嘎查如实填报",
        "deadline": deadline(20),
        "issuer_unit": REGION,
        "target_level": 5,
        "fields": [
            {"key": "visits", "label": "入户走访活动次数", "type": "integer", "required": true,
             "bound_to": {"metric": "activities", "type": "home_visit",
                          "from": this_month(), "to": this_month()}},
            {"key": "families", "label": "走访户数", "type": "integer", "required": true,
             "min": 0, "max": 10000},
            {"key": "open", "label": "妇女之家是否开放", "type": "bool", "required": false}
        ]
    })
}

async fn workflow(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("region", "admin", REGION).await;
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    app.add_user("baotou", "admin", BAOTOU).await;
    let region = app.token("region").await;
    let village = app.token("yilelt").await;
    let township = app.token("baoligen").await;
    let stranger = app.token("baotou").await;

    // The village recorded two home visits this month: the ledger knows.
    for title in ["走访一", "走访二"] {
        let r = app
            .post_json(
                &village,
                "/api/v1/activities",
                json!({"unit_code": YILELT, "date": jinguo_domain::activity::format_date(
                    time::OffsetDateTime::now_utc().date()), "type": "home_visit",
                    "title": title, "participants": 3, "women": 2}),
            )
            .await;
        assert_eq!(r.status(), 201);
    }

    // Bad tasks change nothing.
    let mut bad = task_body();
    bad["deadline"] = json!(deadline(-1));
    bad["target_level"] = json!(1);
    bad["fields"][1]["type"] = json!("money");
    let (status, body) = json_of(app.post_json(&region, "/api/v1/tasks", bad).await).await;
    assert_eq!(status, 422, "{body}");
    let fields = body["error"]["fields"].as_object().unwrap();
    for f in ["deadline", "target_level", "fields[1].type"] {
        assert!(fields.contains_key(f), "{f} in {body}");
    }
    let mut outside = task_body();
    outside["target_level"] = Value::Null;
    outside["issuer_unit"] = json!(BAOLIGEN);
    outside["target_units"] = json!([BAOTOU_BANNER]);
    let (status, body) = json_of(app.post_json(&region, "/api/v1/tasks", outside).await).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["target_units"].is_string());
    let (_, list) = json_of(app.get(&region, "/api/v1/tasks?box=issued").await).await;
    assert_eq!(list["tasks"].as_array().unwrap().len(), 0);

    // Issue to every village.
    let (status, body) = json_of(app.post_json(&region, "/api/v1/tasks", task_body()).await).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    let (_, inbox) = json_of(app.get(&village, "/api/v1/tasks?box=inbox").await).await;
    assert_eq!(inbox["tasks"][0]["id"], id);
    assert_eq!(inbox["tasks"][0]["status"], "not_started");
    let (_, notices) = json_of(app.get(&village, "/api/v1/notices").await).await;
    assert_eq!(notices["unread"], 1);
    assert_eq!(notices["notices"][0]["kind"], "issued");
    // Another league sees nothing of it.
    let r = app.get(&stranger, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(r.status(), 404);

    // The bound field is pre-filled from the ledger and equals its roll-up.
    let report = format!("/api/v1/tasks/{id}/reports/{YILELT}");
    let (status, r) = json_of(app.get(&village, &report).await).await;
    assert_eq!(status, 200, "{r}");
    let (_, rollup) = json_of(
        app.get(
            &village,
            &format!(
                "/api/v1/units/{YILELT}/rollup?from={}&to={}",
                this_month(),
                this_month()
            ),
        )
        .await,
    )
    .await;
    assert_eq!(
        r["prefilled"]["visits"],
        rollup["by_type"]["home_visit"]["activities"]
    );
    assert_eq!(r["prefilled"]["visits"], 2);

    // A changed pre-filled figure needs a reason; a wrong type is refused.
    let (status, body) = json_of(
        put_json(
            &app,
            &village,
            &report,
            json!({"values": {"visits": 3, "families": "x"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["families"].is_string(), "{body}");
    let (status, body) = json_of(
        put_json(
            &app,
            &village,
            &report,
            json!({"values": {"visits": 3, "families": 40}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["visits"].is_string(), "{body}");
    let (status, body) = json_of(
        put_json(
            &app,
            &village,
            &report,
            json!({"values": {"visits": 3, "families": 40, "open": true},
                   "reasons": {"visits": "一次走访未录入台账"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "in_progress");
    assert_eq!(body["values"]["visits"], 3);

    // Approval before submission, by the village itself, or by a stranger: refused.
    let approve = format!("{report}/approve");
    let (status, body) = json_of(app.post_json(&township, &approve, json!({})).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "status");
    let r = app.post_json(&stranger, &approve, json!({})).await;
    assert_eq!(r.status(), 404);

    let (status, body) = json_of(
        app.post_json(&village, &format!("{report}/submit"), json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "submitted");
    let r = app.post_json(&village, &approve, json!({})).await;
    assert_eq!(r.status(), 403, "nobody approves her own unit's report");
    // Locked while submitted.
    let r = put_json(&app, &village, &report, json!({"values": {"families": 41}})).await;
    assert_eq!(r.status(), 422);

    // Returned without a reason: refused; with one: back to the village.
    let back = format!("{report}/return");
    let r = app
        .post_json(&township, &back, json!({"reason": " "}))
        .await;
    assert_eq!(r.status(), 422);
    let (status, body) = json_of(
        app.post_json(&township, &back, json!({"reason": "户数请核实"}))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "returned");
    // Handed in on time, then returned: neither handed in nor on time, so
    // the two rates, on one base, never contradict each other.
    let (_, p) = json_of(
        app.get(&region, &format!("/api/v1/tasks/{id}/progress"))
            .await,
    )
    .await;
    assert_eq!(p["complete_pct"], 0.0, "{p}");
    assert_eq!(p["on_time_pct"], 0.0, "{p}");
    let (_, notices) = json_of(app.get(&village, "/api/v1/notices").await).await;
    assert_eq!(notices["notices"][0]["kind"], "returned");
    let r = put_json(
        &app,
        &village,
        &report,
        json!({"values": {"visits": 3, "families": 42}, "reasons": {"visits": "一次走访未录入台账"}}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post_json(&village, &format!("{report}/submit"), json!({}))
        .await;
    assert_eq!(r.status(), 200);
    let (status, body) = json_of(app.post_json(&township, &approve, json!({})).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "approved");
    let r = put_json(&app, &village, &report, json!({"values": {"families": 1}})).await;
    assert_eq!(r.status(), 422, "approved reports lock");

    // The region's progress shows it: one of two villages, numbers summed.
    let (status, p) = json_of(
        app.get(&region, &format!("/api/v1/tasks/{id}/progress"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["targets"], 2);
    assert_eq!(p["complete_pct"], 50.0);
    assert_eq!(p["on_time_pct"], 50.0);
    assert_eq!(p["counts"]["approved"], 1);
    assert_eq!(p["totals"]["families"]["sum"], 42.0);
    assert_eq!(p["children"][0]["code"], XILINGOL);
    assert_eq!(p["children"][0]["status"], "in_progress");
    // The township's view: its two villages, one approved.
    let (_, p) = json_of(
        app.get(
            &township,
            &format!("/api/v1/tasks/{id}/progress?unit={BAOLIGEN}"),
        )
        .await,
    )
    .await;
    let statuses: Vec<&str> = p["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["own_status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["approved", "not_started"]);

    // The export: one row per village with its five ancestors.
    let r = app
        .get(&region, &format!("/api/v1/tasks/{id}/export.xlsx"))
        .await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    assert!(names.len() >= 3, "answers plus totals per level: {names:?}");
    let sheet = wb.worksheet_range(&names[0]).unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let yilelt = rows
        .iter()
        .find(|r| r.get(5).map(String::as_str) == Some(YILELT))
        .unwrap();
    assert_eq!(yilelt[1], "锡林郭勒盟");
    assert_eq!(yilelt[4], "伊利勒特嘎查");
    assert!(yilelt.contains(&"42".to_owned()), "{yilelt:?}");
    assert_eq!(rows.len(), 2 + 2, "title, header, two villages");
}
both_backends!(workflow, workflow);

/// A banner passes a task down to its townships, adds a field, and is
/// approved only once every township below it is.
async fn forward_and_order(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("league", "admin", XILINGOL).await;
    app.add_user("banner", "cadre", XILINHOT).await;
    app.add_user("township", "cadre", BAOLIGEN).await;
    let league = app.token("league").await;
    let banner = app.token("banner").await;
    let township = app.token("township").await;
    let (status, body) = json_of(
        app.post_json(
            &league,
            "/api/v1/tasks",
            json!({"title": "培训人数", "deadline": deadline(10), "issuer_unit": XILINGOL,
                   "target_level": 3,
                   "fields": [{"key": "trained", "label": "培训人数", "type": "integer", "required": true}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    let forward = format!("/api/v1/tasks/{id}/forward");
    // A field key the task already has is refused; nothing forwarded.
    let (status, body) = json_of(
        app.post_json(
            &banner,
            &forward,
            json!({"unit_code": XILINHOT, "target_level": 4,
                   "fields": [{"key": "trained", "label": "重复", "type": "integer"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["fields[0].key"].is_string());
    let (status, body) = json_of(
        app.post_json(
            &banner,
            &forward,
            json!({"unit_code": XILINHOT, "target_level": 4,
                   "fields": [{"key": "classes", "label": "培训班次", "type": "integer", "required": false}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["targets"], 1);

    // The township's report has the added field; it answers and submits.
    let t_report = format!("/api/v1/tasks/{id}/reports/{BAOLIGEN}");
    let (_, r) = json_of(app.get(&township, &t_report).await).await;
    let keys: Vec<&str> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["trained", "classes"]);
    let r = put_json(
        &app,
        &township,
        &t_report,
        json!({"values": {"trained": 30, "classes": 2}}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post_json(&township, &format!("{t_report}/submit"), json!({}))
        .await;
    assert_eq!(r.status(), 200);

    // The banner's answer starts from its townships' sum and goes up.
    let b_report = format!("/api/v1/tasks/{id}/reports/{XILINHOT}");
    let (_, r) = json_of(app.get(&banner, &b_report).await).await;
    assert_eq!(r["prefilled"]["trained"], 30, "{r}");
    assert_eq!(r["forwarded"], true);
    let r = app
        .post_json(&banner, &format!("{b_report}/submit"), json!({}))
        .await;
    assert_eq!(r.status(), 200);
    // Bottom-up: the league cannot approve the banner before the township.
    let (status, body) = json_of(
        app.post_json(&league, &format!("{b_report}/approve"), json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "status");
    let r = app
        .post_json(&banner, &format!("{t_report}/approve"), json!({}))
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post_json(&league, &format!("{b_report}/approve"), json!({}))
        .await;
    assert_eq!(r.status(), 200);
    let (_, r) = json_of(app.get(&league, &b_report).await).await;
    assert_eq!(r["status"], "approved");
    assert_eq!(r["values"]["trained"], 30);
}
both_backends!(forward_and_order, forward_and_order);

/// With a webhook configured, issuing and returning reach it as JSON.
async fn webhook_relays(db: Db) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let hook = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(v): axum::Json<Value>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(v);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, hook).await });
    let Some(app) = spawn_app(db, |c| {
        c.webhook_url = Some(format!("http://{hook_addr}/hook"));
    })
    .await
    else {
        return;
    };
    app.add_user("region", "admin", REGION).await;
    let region = app.token("region").await;
    let mut body = task_body();
    body["fields"] = json!([]);
    let (status, created) = json_of(app.post_json(&region, "/api/v1/tasks", body).await).await;
    assert_eq!(status, 201);
    let event = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .expect("the webhook is called")
        .unwrap();
    assert_eq!(event["event"], "issued");
    assert_eq!(event["task"]["id"], created["id"]);
    assert_eq!(event["targets"], 2);
}
both_backends!(webhook_relays, webhook_relays);

/// The web form passes a task down to picked units; a unit outside the
/// forwarding unit's subtree is a field error and changes nothing.
async fn web_forward_to_picked_units(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("league", "admin", XILINGOL).await;
    let banner = app.add_user("banner", "cadre", XILINHOT).await;
    let league = app.token("league").await;
    let township = {
        app.add_user("township", "cadre", BAOLIGEN).await;
        app.token("township").await
    };
    let (status, body) = json_of(
        app.post_json(
            &league,
            "/api/v1/tasks",
            json!({"title": "培训人数", "deadline": deadline(10), "issuer_unit": XILINGOL,
                   "target_level": 3, "fields": []}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    let (token, csrf) = app.session_for(banner).await;
    let post = |units: &'static str| {
        app.client
            .post(app.url(&format!("/tasks/{id}/reports/{XILINHOT}/forward")))
            .header(reqwest::header::COOKIE, format!("jinguo_session={token}"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("target_mode", "units"),
                ("target_units", units),
            ])
            .send()
    };
    // The report page offers the units below as a list with paths.
    let page = app
        .client
        .get(app.url(&format!("/tasks/{id}/reports/{XILINHOT}")))
        .header(reqwest::header::COOKIE, format!("jinguo_session={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<select id=\"target_units\" name=\"target_units\" multiple"));
    assert!(page.contains(&format!(
        "<option value=\"{BAOLIGEN}\">锡林浩特市 › 宝力根苏木</option>"
    )));
    let r = post(BAOTOU_BANNER).await.unwrap();
    assert_eq!(r.status(), 422);
    let r = app
        .get(&township, &format!("/api/v1/tasks/{id}/reports/{BAOLIGEN}"))
        .await;
    assert_eq!(r.status(), 404, "nothing was forwarded");
    let r = post(BAOLIGEN).await.unwrap();
    assert_eq!(r.status(), 303);
    let r = app
        .get(&township, &format!("/api/v1/tasks/{id}/reports/{BAOLIGEN}"))
        .await;
    assert_eq!(r.status(), 200);
}
both_backends!(web_forward_to_picked_units, web_forward_to_picked_units);

/// A task printed as a notice for a village meeting: its title, issuer,
/// deadline and fields as typed, the headings in Mongolian and then
/// Chinese (issue 17 item 3); a village it was sent to may print it.
async fn printed_notice(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("region", "admin", REGION).await;
    let village = app.add_user("yilelt", "cadre", YILELT).await;
    let region = app.token("region").await;
    let (status, body) = json_of(app.post_json(&region, "/api/v1/tasks", task_body()).await).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    let (cookie, _) = app.session_for(village).await;
    let r = app
        .client
        .get(app.url(&format!("/tasks/{id}/notice")))
        .header(reqwest::header::COOKIE, format!("jinguo_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    for typed in ["第四季度入户走访统计", "请各嘎查如实填报", "入户走访活动次数", "内蒙古自治区", &deadline(20)] {
        assert!(html.contains(typed), "{typed} printed");
    }
    let cat = jinguo_app::i18n_global();
    for key in ["notice.title", "task.deadline", "task.form"] {
        let mn = cat.get(jinguo_app::i18n::Lang::Mn, key);
        let zh = cat.get(jinguo_app::i18n::Lang::Zh, key);
        let (m, z) = (
            html.find(&format!("lang=\"mn-Mong\">{mn}<")),
            html.find(&format!("lang=\"zh-CN\">{zh}<")),
        );
        assert!(matches!((m, z), (Some(m), Some(z)) if m < z), "{key}: Mongolian first");
    }
}

both_backends!(printed_notice, printed_notice);
