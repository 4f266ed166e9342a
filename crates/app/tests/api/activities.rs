//! The activity ledger over the API: record once, every level above sees it.

use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn body(unit: &str, date: &str, participants: i64, women: i64) -> Value {
    json!({"unit_code": unit, "date": date, "type": "lecture", "program": "happy_family",
           "title": "巾帼大宣讲进嘎查", "place": "嘎查活动室", "participants": participants, "women": women})
}

async fn rollup(app: &TestApp, token: &str, unit: &str) -> Value {
    let r = app
        .get(
            token,
            &format!("/api/v1/units/{unit}/rollup?from=2026-01&to=2026-12"),
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn record_once_seen_everywhere(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    app.add_user("xilingol", "admin", XILINGOL).await;
    app.add_user("auditor", "auditor", REGION).await;
    let village = app.token("yilelt").await;

    let r = app
        .post_json(
            &village,
            "/api/v1/activities",
            body(YILELT, "2026-11-02", 40, 31),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post_json(
            &village,
            "/api/v1/activities",
            body(YILELT, "2026-10-15", 10, 10),
        )
        .await;
    assert_eq!(r.status(), 201);

    // Every level above counts both, with nobody re-typing anything.
    let league = app.token("xilingol").await;
    for (token, unit) in [
        (&village, YILELT),
        (&league, BAOLIGEN),
        (&league, XILINHOT),
        (&league, XILINGOL),
    ] {
        let r = rollup(&app, token, unit).await;
        assert_eq!(
            r["total"],
            json!({"activities": 2, "participants": 50, "women": 41}),
            "{unit}"
        );
        assert_eq!(r["by_type"]["lecture"]["activities"], 2);
        assert_eq!(r["by_program"]["happy_family"]["participants"], 50);
    }
    let r = rollup(&app, &league, XILINGOL).await;
    let xlh = r["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == XILINHOT)
        .unwrap();
    assert_eq!(xlh["activities"], 2);
    let months: Vec<i64> = r["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["activities"].as_i64().unwrap())
        .collect();
    assert_eq!(months.len(), 12);
    assert_eq!((months[9], months[10]), (1, 1));

    // The auditor reads figures but does not record.
    let auditor = app.token("auditor").await;
    assert_eq!(
        rollup(&app, &auditor, REGION).await["total"]["activities"],
        2
    );
    let r = app
        .post_json(
            &auditor,
            "/api/v1/activities",
            body(REGION, "2026-11-02", 1, 1),
        )
        .await;
    assert_eq!(r.status(), 403);

    // The township moves it to the sibling village: counts move with it.
    let township = app.token("baoligen").await;
    let r = app
        .client
        .put(app.url(&format!("/api/v1/activities/{id}")))
        .bearer_auth(&township)
        .json(&body(HANAULA, "2026-11-02", 40, 31))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["unit"]["code"], HANAULA);
    let r = rollup(&app, &township, BAOLIGEN).await;
    let kids: Vec<(String, i64)> = r["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["activities"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(kids, [(YILELT.to_owned(), 1), (HANAULA.to_owned(), 1)]);
    // The village no longer sees it.
    assert_eq!(
        app.get(&village, &format!("/api/v1/activities/{id}"))
            .await
            .status(),
        404
    );

    // Deleting takes it out of every counter.
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/activities/{id}")))
        .bearer_auth(&township)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        rollup(&app, &league, XILINGOL).await["total"]["activities"],
        1
    );
    assert!(app.store.rollup_mismatches().await.unwrap().is_empty());

    // The list is the subtree's, newest first.
    let l: Value = app
        .get(
            &league,
            &format!("/api/v1/activities?unit={XILINGOL}&from=2026-01&to=2026-12"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(l["activities"].as_array().unwrap().len(), 1);
    assert_eq!(l["activities"][0]["date"], "2026-10-15");

    // Quiet villages: of Xilingol's two villages in this tree, one is quiet.
    let q: Value = app
        .get(
            &league,
            &format!("/api/v1/units/{XILINGOL}/quiet?level=5&months=3"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        q["units"],
        json!([{"code": HANAULA, "name": "哈那乌拉嘎查"}])
    );
}
both_backends!(record_once_seen_everywhere, record_once_seen_everywhere);

async fn bad_activities_change_nothing(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "cadre", XILINHOT).await;
    let t = app.token("xilinhot").await;

    let mut b = body(YILELT, "2099-01-01", 10, 11);
    b["type"] = json!("no-such-type");
    b["program"] = json!("no-such-program");
    let r = app.post_json(&t, "/api/v1/activities", b).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    let fields = e["error"]["fields"].as_object().unwrap();
    let mut names: Vec<&str> = fields.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(names, ["date", "program", "type", "women"]);
    assert_eq!(e["error"]["field"], "date");

    for (b, field) in [
        (body(YILELT, "1999-12-31", 10, 1), "date"),
        (body(YILELT, "2026-02-30", 10, 1), "date"),
        (body(YILELT, "2026-11-01", -1, 0), "participants"),
        (body(YILELT, "2026-11-01", 100_001, 0), "participants"),
        (body(YILELT, "2026-11-01", 10, -1), "women"),
    ] {
        let r = app.post_json(&t, "/api/v1/activities", b).await;
        assert_eq!(r.status(), 422);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], field);
    }
    // A unit outside the subtree reads exactly like an unknown one.
    let out: Value = app
        .post_json(&t, "/api/v1/activities", body(ERENHOT, "2026-11-01", 1, 1))
        .await
        .json()
        .await
        .unwrap();
    let missing: Value = app
        .post_json(
            &t,
            "/api/v1/activities",
            body(NO_SUCH_UNIT, "2026-11-01", 1, 1),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(out["error"]["field"], "unit_code");
    assert_eq!(out, missing);
    // Wrong JSON types are 400, a bad period 422.
    let r = app
        .post_json(
            &t,
            "/api/v1/activities",
            json!({"unit_code": YILELT, "participants": "many"}),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        app.get(
            &t,
            &format!("/api/v1/units/{XILINHOT}/rollup?from=2026-05&to=2026-01")
        )
        .await
        .status(),
        422
    );
    assert_eq!(
        app.get(&t, &format!("/api/v1/units/{XILINHOT}/quiet?months=99"))
            .await
            .status(),
        422
    );
    assert_eq!(app.get(&t, "/api/v1/activities/abc").await.status(), 404);

    // Nothing was saved.
    let r: Value = app
        .get(
            &t,
            &format!("/api/v1/units/{XILINHOT}/rollup?from=2017-01&to=2026-12"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["total"]["activities"], 0);

    // The dictionaries are served with their labels.
    let d: Value = app
        .get(&t, "/api/v1/dictionaries/activity-types")
        .await
        .json()
        .await
        .unwrap();
    let keys: Vec<&str> = d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 19);
    assert_eq!(d["entries"][0]["label_zh"], "送理论");
    let d: Value = app
        .get(&t, "/api/v1/dictionaries/programs")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["entries"].as_array().unwrap().len(), 8);
}
both_backends!(bad_activities_change_nothing, bad_activities_change_nothing);
