//! Needs over HTTP: a village's need escalated up the five levels and
//! refused above the region; another resolved by the township; bad input
//! changes nothing; the practical-deeds ledger adds up; scope holds.

use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn this_month() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

async fn raise(app: &TestApp, token: &str, category: &str, description: &str) -> (u16, Value) {
    json_of(
        app.post_json(
            token,
            "/api/v1/needs",
            json!({"unit_code": YILELT, "category": category, "urgency": "urgent",
                   "description": description}),
        )
        .await,
    )
    .await
}

async fn need(app: &TestApp, token: &str, id: i64) -> (u16, Value) {
    json_of(app.get(token, &format!("/api/v1/needs/{id}")).await).await
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> (u16, Value) {
    json_of(
        app.post_json(token, &format!("/api/v1/needs/{id}/{action}"), body)
            .await,
    )
    .await
}

async fn needs_story(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("village", "cadre", YILELT).await;
    app.add_user("township", "cadre", BAOLIGEN).await;
    app.add_user("banner", "cadre", XILINHOT).await;
    app.add_user("league", "cadre", XILINGOL).await;
    let region_id = app.add_user("region", "admin", REGION).await;
    app.add_user("neighbour", "cadre", HANAULA).await;
    app.add_user("baotou", "cadre", BAOTOU).await;
    app.add_user("checker", "auditor", BAOLIGEN).await;
    let village = app.token("village").await;
    let township = app.token("township").await;
    let banner = app.token("banner").await;
    let league = app.token("league").await;
    let region = app.token("region").await;
    let neighbour = app.token("neighbour").await;
    let baotou = app.token("baotou").await;
    let checker = app.token("checker").await;

    // The categories are public: the help page reads them before any login.
    let r = app
        .client
        .get(app.url("/api/v1/dictionaries/need-categories"))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!(status, 200);
    assert!(
        body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["key"] == "employment")
    );

    // Unknown category: 422 on the field, nothing recorded.
    let (status, body) = raise(&app, &village, "lottery", "想要彩票").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "category");
    let (_, list) = json_of(
        app.get(&village, &format!("/api/v1/needs?unit={YILELT}"))
            .await,
    )
    .await;
    assert_eq!(list["needs"].as_array().unwrap().len(), 0);
    // Empty description and a date in the past: both fields at once.
    let (status, body) = json_of(
        app.post_json(
            &village,
            "/api/v1/needs",
            json!({"unit_code": YILELT, "category": "legal", "description": " ",
                   "due_date": "2020-01-01"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    let fields = body["error"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("description") && fields.contains_key("due_date"));
    // A household that does not exist is refused, not half-saved.
    let (status, body) = json_of(
        app.post_json(
            &village,
            "/api/v1/needs",
            json!({"unit_code": YILELT, "category": "legal", "description": "咨询",
                   "household_id": 4242}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("household_id"))
    );
    // Another village's unit is a field error, like an unknown one.
    let (status, body) = json_of(
        app.post_json(
            &neighbour,
            "/api/v1/needs",
            json!({"unit_code": YILELT, "category": "legal", "description": "咨询"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("unit_code"))
    );

    // Three needs at the village.
    let (status, body) = raise(&app, &village, "employment", "想学电商直播卖奶食").await;
    assert_eq!(status, 201, "{body}");
    let a = body["id"].as_i64().unwrap();
    let b = raise(&app, &village, "hardship", "冬季取暖困难").await.1["id"]
        .as_i64()
        .unwrap();
    let c = raise(&app, &village, "legal", "想咨询土地承包").await.1["id"]
        .as_i64()
        .unwrap();
    let (_, list) = json_of(
        app.get(
            &village,
            &format!("/api/v1/needs?unit={YILELT}&status=open"),
        )
        .await,
    )
    .await;
    assert_eq!(list["needs"].as_array().unwrap().len(), 3);
    assert_eq!(list["needs"][0]["id"], c, "newest first");
    assert_eq!(list["needs"][0]["urgency"], "urgent");

    // Scope: a sibling village and another league see nothing.
    for t in [&neighbour, &baotou] {
        assert_eq!(need(&app, t, a).await.0, 404);
        assert_eq!(
            act(&app, t, a, "escalate", json!({"note": "x"})).await.0,
            404
        );
        assert_eq!(
            app.get(t, &format!("/api/v1/units/{YILELT}/deeds"))
                .await
                .status(),
            404
        );
        assert_eq!(
            app.get(t, &format!("/api/v1/needs?unit={YILELT}"))
                .await
                .status(),
            404
        );
    }
    // An auditor of the township reads figures, never a need's personal
    // description, and may not act (separation of duties).
    assert_eq!(need(&app, &checker, a).await.0, 403);
    assert_eq!(act(&app, &checker, a, "start", json!({})).await.0, 403);
    let deeds = app
        .get(&checker, &format!("/api/v1/units/{BAOLIGEN}/deeds"))
        .await;
    assert_eq!(deeds.status(), 200);

    // The chain: village → township → banner → league → region.
    assert_eq!(act(&app, &village, a, "start", json!({})).await.0, 200);
    let (status, body) = act(&app, &village, a, "escalate", json!({"note": " "})).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("note"))
    );
    for (who, to) in [
        (&village, BAOLIGEN),
        (&township, XILINHOT),
        (&banner, XILINGOL),
        (&league, REGION),
    ] {
        let (status, body) = act(&app, who, a, "escalate", json!({"note": "本级无法解决"})).await;
        assert_eq!(status, 200, "{body}");
        let (_, n) = need(&app, &region, a).await;
        assert_eq!(n["assignee"]["code"], to);
        assert_eq!(n["status"], "open");
    }
    // Now the village follows it as referred and may no longer act.
    let (_, n) = need(&app, &village, a).await;
    assert_eq!(n["status"], "referred");
    assert_eq!(n["may_act"], false);
    assert_eq!(n["escalations"], 4);
    assert_eq!(
        act(
            &app,
            &village,
            a,
            "resolve",
            json!({"resolution": "x", "satisfaction": 5})
        )
        .await
        .0,
        403
    );
    // Above the region: a clear 422 and nothing changed.
    let before = need(&app, &region, a).await.1;
    let (status, body) = act(&app, &region, a, "escalate", json!({"note": "再上报"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "assignee");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("自治区"),
        "{body}"
    );
    let after = need(&app, &region, a).await.1;
    assert_eq!(before, after);
    let events = after["events"].as_array().unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect::<Vec<_>>(),
        [
            "raised",
            "started",
            "escalated",
            "escalated",
            "escalated",
            "escalated"
        ]
    );
    // The region's queue holds it; the village's own queue no longer does.
    let (_, q) = json_of(app.get(&region, "/api/v1/needs?status=open").await).await;
    assert!(q["needs"].as_array().unwrap().iter().any(|n| n["id"] == a));
    let (_, q) = json_of(app.get(&village, "/api/v1/needs").await).await;
    assert!(!q["needs"].as_array().unwrap().iter().any(|n| n["id"] == a));
    let (_, q) = json_of(app.get(&village, "/api/v1/needs?queue=subtree").await).await;
    let row = q["needs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == a)
        .unwrap()
        .clone();
    assert_eq!(row["status"], "referred");

    // Need b goes to the township, which resolves it.
    assert_eq!(
        act(&app, &village, b, "escalate", json!({"note": "需乡镇协调"}))
            .await
            .0,
        200
    );
    let (_, q) = json_of(app.get(&township, "/api/v1/needs?status=open").await).await;
    assert!(q["needs"].as_array().unwrap().iter().any(|n| n["id"] == b));
    let before = need(&app, &township, b).await.1;
    let (status, body) = act(
        &app,
        &township,
        b,
        "resolve",
        json!({"resolution": "", "satisfaction": 4}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "resolution");
    let (status, body) = act(
        &app,
        &township,
        b,
        "resolve",
        json!({"resolution": "协调救助", "satisfaction": 9}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("satisfaction"))
    );
    assert_eq!(need(&app, &township, b).await.1, before, "nothing changed");
    let (status, body) = act(
        &app,
        &township,
        b,
        "resolve",
        json!({"resolution": "协调民政发放取暖补助", "satisfaction": 4}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "resolved");
    // A resolved need cannot be resolved or closed again.
    let (status, body) = act(&app, &township, b, "close", json!({"reason": "重复"})).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("status"))
    );
    let (_, n) = need(&app, &village, b).await;
    assert_eq!(n["status"], "resolved");
    assert_eq!(n["satisfaction"], 4);

    // Need c is closed by the village with a reason.
    let (status, _) = act(&app, &village, c, "close", json!({"reason": ""})).await;
    assert_eq!(status, 422);
    assert_eq!(
        act(
            &app,
            &village,
            c,
            "close",
            json!({"reason": "家庭已迁出本村"})
        )
        .await
        .0,
        200
    );

    // The ledger, for the village and each level above.
    let month = this_month();
    for (who, code) in [(&village, YILELT), (&township, BAOLIGEN), (&region, REGION)] {
        let (status, d) = json_of(
            app.get(
                who,
                &format!("/api/v1/units/{code}/deeds?from={month}&to={month}"),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{d}");
        assert_eq!(d["total"]["raised"], 3, "{code}: {d}");
        assert_eq!(d["total"]["resolved"], 1);
        assert_eq!(d["total"]["closed"], 1);
        assert_eq!(d["total"]["overdue"], 0);
        assert_eq!(d["total"]["median_days"], 0);
        assert_eq!(d["total"]["satisfaction"], 4.0);
        assert_eq!(d["by_category"]["hardship"]["resolved"], 1);
        assert_eq!(d["by_category"]["employment"]["raised"], 1);
        assert_eq!(d["months"][0]["month"], month);
        assert_eq!(d["months"][0]["raised"], 3);
        if code != YILELT {
            let child: i64 = d["children"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["raised"].as_i64().unwrap())
                .sum();
            assert_eq!(child, 3, "children add up at {code}");
        }
    }
    let (_, d) = json_of(
        app.get(&township, &format!("/api/v1/units/{BAOLIGEN}/deeds"))
            .await,
    )
    .await;
    let yilelt = d["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == YILELT)
        .unwrap();
    assert_eq!(yilelt["resolved"], 1);
    assert_eq!(yilelt["satisfaction"], 4.0);
    let (status, _) = json_of(
        app.get(
            &township,
            &format!("/api/v1/units/{BAOLIGEN}/deeds?from=2026-13"),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);

    // The web pages of the same story render.
    for path in [
        format!("/needs/{a}"),
        format!("/deeds/{REGION}"),
        "/needs?queue=subtree".to_owned(),
    ] {
        let (token, _) = app.session_for(region_id).await;
        let r = app
            .client
            .get(app.url(&path))
            .header("cookie", format!("jinguo_session={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("实事台账") || html.contains("诉求"), "{path}");
    }
}
both_backends!(needs_story, needs_story);

/// The need page offers what fits its status (issue 14 item 10): an open
/// need is started, a need in progress is resolved; escalating and closing
/// unresolved are one tap further in both.
async fn need_page_offers_what_fits(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let id_user = app.add_user("village", "cadre", YILELT).await;
    let village = app.token("village").await;
    let (session, _) = app.session_for(id_user).await;
    let cookie = format!("jinguo_session={session}");
    let (status, body) = raise(&app, &village, "legal", "想咨询离婚财产分割").await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    let page = || async {
        app.client
            .get(app.url(&format!("/needs/{id}")))
            .header(reqwest::header::COOKIE, &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let html = page().await;
    assert!(html.contains(&format!("/needs/{id}/start")), "{html}");
    assert!(!html.contains(&format!("/needs/{id}/resolve")), "not before it is started");
    assert!(html.contains(&format!("/needs/{id}/close")));
    let (status, _) = act(&app, &village, id, "start", json!({})).await;
    assert_eq!(status, 200);
    let html = page().await;
    assert!(!html.contains(&format!("/needs/{id}/start")));
    assert!(html.contains(&format!("/needs/{id}/resolve")));
}
both_backends!(need_page_offers_what_fits, need_page_offers_what_fits);
