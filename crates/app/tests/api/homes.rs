//! Women's Homes over the API and the web pages: registering, coverage
//! after creates, moves and status changes (always equal to a recount),
//! bad input that saves nothing, scope, and the one photo.

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn home(unit: &str) -> Value {
    json!({"unit_code": unit, "name": "伊勒勒特嘎查妇女之家", "address": "嘎查党群服务中心二楼",
           "lat": 43.9333, "lon": 116.0833, "hours": "周一至周五 9:00-17:00",
           "phone": "0479 822 1234", "facilities": ["activity_room", "reading_corner"]})
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

async fn coverage(app: &TestApp, token: &str, unit: &str) -> Value {
    let r = app
        .get(token, &format!("/api/v1/units/{unit}/homes/coverage"))
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// `(active_homes, villages, covered_villages)` of a coverage answer.
fn triple(v: &Value) -> (i64, i64, i64) {
    (
        v["active_homes"].as_i64().unwrap(),
        v["villages"].as_i64().unwrap(),
        v["covered_villages"].as_i64().unwrap(),
    )
}

async fn recount_ok(app: &TestApp) {
    let m = app.store.homes_mismatches().await.unwrap();
    assert!(m.is_empty(), "{m:#?}");
}

async fn register_move_and_close(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    app.add_user("xilingol", "admin", XILINGOL).await;
    let t = app.token("baoligen").await;

    let r = app.post_json(&t, "/api/v1/homes", home(YILELT)).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app.get(&t, &format!("/api/v1/homes/{id}")).await;
    assert_eq!(r.status(), 200);
    let h: Value = r.json().await.unwrap();
    assert_eq!(h["phone"], "0479-8221234", "stored in canonical form");
    assert_eq!(h["status"], "active");
    assert_eq!(h["lat"], 43.9333);
    assert_eq!(h["unit"]["code"], YILELT);
    assert_eq!(h["photo_url"], Value::Null);

    // The township: two villages, one covered; every level above sees it.
    let c = coverage(&app, &t, BAOLIGEN).await;
    assert_eq!(triple(&c), (1, 2, 1));
    assert_eq!(c["coverage_pct"], 50.0);
    let children: Vec<(String, (i64, i64, i64))> = c["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ch| (ch["unit"]["code"].as_str().unwrap().to_owned(), triple(ch)))
        .collect();
    assert_eq!(
        children,
        vec![
            (YILELT.to_owned(), (1, 1, 1)),
            (HANAULA.to_owned(), (0, 1, 0))
        ]
    );
    let league = app.token("xilingol").await;
    assert_eq!(triple(&coverage(&app, &league, XILINGOL).await), (1, 2, 1));
    recount_ok(&app).await;

    // Moved to the other village: still one covered village, another one.
    let r = put_json(&app, &t, &format!("/api/v1/homes/{id}"), home(HANAULA)).await;
    assert_eq!(r.status(), 200);
    let c = coverage(&app, &t, BAOLIGEN).await;
    assert_eq!(triple(&c), (1, 2, 1));
    assert_eq!(triple(&c["children"][0]), (0, 1, 0));
    assert_eq!(triple(&c["children"][1]), (1, 1, 1));
    recount_ok(&app).await;

    // Suspended: no longer counted; a PUT without status keeps it.
    let mut b = home(HANAULA);
    b["status"] = json!("suspended");
    assert_eq!(
        put_json(&app, &t, &format!("/api/v1/homes/{id}"), b)
            .await
            .status(),
        200
    );
    assert_eq!(triple(&coverage(&app, &t, BAOLIGEN).await), (0, 2, 0));
    let r = put_json(&app, &t, &format!("/api/v1/homes/{id}"), home(HANAULA)).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "suspended");
    recount_ok(&app).await;

    // Lists filter by status.
    let r = app
        .get(
            &t,
            &format!("/api/v1/homes?unit={BAOLIGEN}&status=suspended"),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["homes"].as_array().unwrap().len(), 1);
    let r = app
        .get(&t, &format!("/api/v1/homes?unit={BAOLIGEN}&status=active"))
        .await;
    let v: Value = r.json().await.unwrap();
    assert!(v["homes"].as_array().unwrap().is_empty());
    let r = app
        .get(&t, &format!("/api/v1/homes?unit={BAOLIGEN}&status=open"))
        .await;
    assert_eq!(r.status(), 422);

    // The facility dictionary is public.
    let r = app
        .client
        .get(app.url("/api/v1/dictionaries/home-facilities"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["key"] == "activity_room")
    );
}
both_backends!(register_move_and_close, register_move_and_close);

async fn bad_input_saves_nothing(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let t = app.token("baoligen").await;
    let with = |key: &str, value: Value| {
        let mut b = home(YILELT);
        b[key] = value;
        b
    };
    let cases = [
        (with("lat", json!(31.2)), "lat"),
        (with("lon", json!(43.93)), "lon"),
        (with("lon", Value::Null), "lon"),
        (
            with("facilities", json!(["activity_room", "sauna"])),
            "facilities",
        ),
        (with("phone", json!("12345")), "phone"),
        (with("name", json!("  ")), "name"),
        (with("address", json!("")), "address"),
        (with("status", json!("open")), "status"),
        (with("unit_code", json!(BAOTOU_BANNER)), "unit_code"),
        (with("unit_code", json!("15")), "unit_code"),
    ];
    for (body, field) in cases {
        let r = app.post_json(&t, "/api/v1/homes", body.clone()).await;
        assert_eq!(r.status(), 422, "{body}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["field"], field, "{body}");
        assert!(v["error"]["fields"][field].is_string(), "{v}");
    }
    // Everything wrong at once: every field named.
    let r = app
        .post_json(
            &t,
            "/api/v1/homes",
            json!({"unit_code": YILELT, "name": "", "address": "", "lat": 1.0, "lon": 200.0,
                   "phone": "x", "facilities": ["nope"]}),
        )
        .await;
    let v: Value = r.json().await.unwrap();
    let fields = v["error"]["fields"].as_object().unwrap();
    for f in ["name", "address", "lat", "lon", "phone"] {
        assert!(fields.contains_key(f), "{f}: {v}");
    }
    let r = app.get(&t, &format!("/api/v1/homes?unit={BAOLIGEN}")).await;
    let v: Value = r.json().await.unwrap();
    assert!(v["homes"].as_array().unwrap().is_empty(), "nothing saved");
    assert_eq!(triple(&coverage(&app, &t, BAOLIGEN).await), (0, 2, 0));

    // A bad change leaves the home as it was.
    let r = app.post_json(&t, "/api/v1/homes", home(YILELT)).await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut b = home(HANAULA);
    b["lat"] = json!(60.0);
    let r = put_json(&app, &t, &format!("/api/v1/homes/{id}"), b).await;
    assert_eq!(r.status(), 422);
    let h: Value = app
        .get(&t, &format!("/api/v1/homes/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(h["unit"]["code"], YILELT);
    assert_eq!(triple(&coverage(&app, &t, BAOLIGEN).await), (1, 2, 1));
    recount_ok(&app).await;

    // A caseworker may read but not register.
    app.add_user("case", "caseworker", BAOLIGEN).await;
    let cw = app.token("case").await;
    assert_eq!(
        app.post_json(&cw, "/api/v1/homes", home(YILELT))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.get(&cw, &format!("/api/v1/homes/{id}")).await.status(),
        200
    );
}
both_backends!(bad_input_saves_nothing, bad_input_saves_nothing);

async fn out_of_scope_is_missing(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("region", "admin", REGION).await;
    app.add_user("erenhot", "admin", ERENHOT).await;
    let region = app.token("region").await;
    let other = app.token("erenhot").await;
    let r = app.post_json(&region, "/api/v1/homes", home(YILELT)).await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .client
        .post(app.url(&format!("/api/v1/homes/{id}/photo")))
        .bearer_auth(&region)
        .multipart(photo_form(crate::images::png(4, 3, [1, 2, 3], [4, 5, 6])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    for (path, missing) in [
        (
            format!("/api/v1/homes/{id}"),
            "/api/v1/homes/999999".to_owned(),
        ),
        (
            format!("/api/v1/homes/{id}/photo"),
            "/api/v1/homes/999999/photo".to_owned(),
        ),
        (
            format!("/api/v1/units/{BAOLIGEN}/homes/coverage"),
            format!("/api/v1/units/{NO_SUCH_UNIT}/homes/coverage"),
        ),
        (
            format!("/api/v1/homes?unit={BAOLIGEN}"),
            format!("/api/v1/homes?unit={NO_SUCH_UNIT}"),
        ),
    ] {
        let got = app.get(&other, &path).await;
        let want = app.get(&other, &missing).await;
        assert_eq!(got.status(), 404, "{path}");
        assert_eq!(want.status(), 404, "{missing}");
        assert_eq!(got.text().await.unwrap(), want.text().await.unwrap());
    }
    let r = put_json(&app, &other, &format!("/api/v1/homes/{id}"), home(ERENHOT)).await;
    assert_eq!(r.status(), 404);
    // Nor can a home be moved out of one's subtree.
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    let t = app.token("baoligen").await;
    let r = put_json(&app, &t, &format!("/api/v1/homes/{id}"), home(ERENHOT)).await;
    assert_eq!(r.status(), 422);
    recount_ok(&app).await;
}
both_backends!(out_of_scope_is_missing, out_of_scope_is_missing);

fn photo_form(bytes: Vec<u8>) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "photo",
        reqwest::multipart::Part::bytes(bytes).file_name("home.png"),
    )
}

fn stored_photos(app: &TestApp) -> usize {
    std::fs::read_dir(app.data_dir.join("home-photos"))
        .map(|d| d.count())
        .unwrap_or(0)
}

async fn one_photo_replaced_and_served(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let t = app.token("baoligen").await;
    let id = app
        .post_json(&t, "/api/v1/homes", home(YILELT))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let upload = |form| {
        app.client
            .post(app.url(&format!("/api/v1/homes/{id}/photo")))
            .bearer_auth(&t)
            .multipart(form)
            .send()
    };
    let first = crate::images::png(4, 3, [200, 40, 40], [40, 40, 200]);
    assert_eq!(
        upload(photo_form(first.clone())).await.unwrap().status(),
        200
    );
    let r = app.get(&t, &format!("/api/v1/homes/{id}/photo")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), first.as_slice());

    // A replacement removes the old file.
    let second = crate::images::jpeg(16, 8);
    assert_eq!(
        upload(photo_form(second.clone())).await.unwrap().status(),
        200
    );
    assert_eq!(stored_photos(&app), 1);
    let r = app.get(&t, &format!("/api/v1/homes/{id}/photo")).await;
    assert_eq!(r.headers()[CONTENT_TYPE], "image/jpeg");

    // Not a picture, or two at once: refused, the photo stays.
    let r = upload(photo_form(b"GIF89a not ours".to_vec()))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let two = photo_form(first.clone()).part(
        "photo",
        reqwest::multipart::Part::bytes(first.clone()).file_name("b.png"),
    );
    let r = upload(two).await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "photo");
    assert_eq!(stored_photos(&app), 1);
    let h: Value = app
        .get(&t, &format!("/api/v1/homes/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(h["photo_url"], format!("/api/v1/homes/{id}/photo"));
}
both_backends!(one_photo_replaced_and_served, one_photo_replaced_and_served);

async fn web_pages(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let user = app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let (token, csrf) = app.session_for(user).await;
    let cookie = format!("jinguo_session={token}");
    let post = |fields: Vec<(&'static str, String)>, path: String| {
        let mut fields = fields;
        fields.push(("_csrf", csrf.clone()));
        app.client
            .post(app.url(&path))
            .header(COOKIE, &cookie)
            .form(&fields)
            .send()
    };
    let form = |lat: &str| {
        vec![
            ("unit_code", YILELT.to_owned()),
            ("name", "伊勒勒特嘎查妇女之家".to_owned()),
            ("address", "嘎查党群服务中心".to_owned()),
            ("lat", lat.to_owned()),
            ("lon", "116.08".to_owned()),
            ("phone", "13812345678".to_owned()),
            ("facilities", "activity_room".to_owned()),
            ("facilities", "legal_corner".to_owned()),
            ("status", "active".to_owned()),
        ]
    };
    // Out of the box: the form comes back with the message next to it.
    let r = post(form("31.2"), "/homes".into()).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("lat-err"), "error next to the field");
    assert!(page.contains("伊勒勒特嘎查妇女之家"), "typed text kept");
    let r = post(form("43.93"), "/homes".into()).await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with("/homes/"), "{to}");
    let get = |path: String| {
        app.client
            .get(app.url(&path))
            .header(COOKIE, &cookie)
            .send()
    };
    let page = get(to.clone()).await.unwrap().text().await.unwrap();
    assert!(page.contains("法律服务角"), "facility labels shown");
    assert!(page.contains("13812345678"));
    let page = get(format!("/homes?unit={BAOLIGEN}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("50%") || page.contains("50.0%"),
        "coverage shown"
    );
    assert!(
        page.contains(&format!("/homes?unit={HANAULA}")),
        "drill-down"
    );
    let id = to
        .trim_start_matches("/homes/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let r = get(format!("/homes/{id}/edit")).await.unwrap();
    assert_eq!(r.status(), 200);
    let mut closed = form("43.93");
    closed.retain(|(k, _)| *k != "status");
    closed.push(("status", "closed".into()));
    let r = post(closed, format!("/homes/{id}")).await.unwrap();
    assert_eq!(r.status(), 303);
    recount_ok(&app).await;
}
both_backends!(web_pages, web_pages);

/// The public help page lists the active homes near the chosen village,
/// with hours and phone, to anyone; a suspended home is not offered.
async fn listed_on_the_help_page(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let token = app.token("baoligen").await;
    let mut open = home(BAOLIGEN);
    open["name"] = json!("宝力根苏木妇女之家");
    let r = app.post_json(&token, "/api/v1/homes", open).await;
    assert_eq!(r.status(), 201);
    let mut shut = home(YILELT);
    shut["name"] = json!("暂停的妇女之家");
    shut["status"] = json!("suspended");
    let r = app.post_json(&token, "/api/v1/homes", shut).await;
    assert_eq!(r.status(), 201);
    let page = app
        .client
        .get(app.url(&format!("/help?place={YILELT}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("宝力根苏木妇女之家"),
        "the township's home is listed"
    );
    assert!(
        !html.contains("暂停的妇女之家"),
        "a suspended home is not offered"
    );
    // Before a village is chosen there is nothing to list.
    let html = app
        .client
        .get(app.url("/help"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("宝力根苏木妇女之家"));
}
both_backends!(listed_on_the_help_page, listed_on_the_help_page);

// ---- The module's routes in the authorization matrix ----

mod matrix_cases {
    use serde_json::{Value, json};

    use crate::matrix::{
        Body, Call, Case, Cases, Fixture, Fixtures, Kind, ModuleCases, Target, call, form,
    };

    fn home_json(code: &str) -> Value {
        json!({"unit_code": code, "name": "矩阵妇女之家", "address": "党群服务中心",
               "phone": "0479-8221234", "facilities": ["activity_room"]})
    }

    fn home_form(code: &str) -> Vec<(&'static str, String)> {
        vec![
            ("unit_code", code.into()),
            ("name", "矩阵妇女之家".into()),
            ("address", "党群服务中心".into()),
            ("facilities", "activity_room".into()),
            ("status", "active".into()),
        ]
    }

    /// Registers a Women's Home at a unit straight through the store, with
    /// a photo added by a region admin through the API when asked (the
    /// store alone would leave no file to serve).
    async fn new_home(fx: &Fixtures<'_>, code: &'static str, photo: bool) -> Target {
        use jinguo_store::{HomeStore, UnitStore};
        let app = fx.app;
        let root = app.store.root_unit().await.unwrap();
        let unit = app
            .store
            .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
            .await
            .unwrap();
        let fields = jinguo_domain::home::HomeDraft {
            name: "矩阵妇女之家".into(),
            address: "党群服务中心".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let id = app
            .store
            .create_home(
                app.store.system_scope(&root),
                jinguo_store::homes::NewHome {
                    unit: unit.id,
                    fields,
                    by: None,
                    photo: None,
                },
                1,
            )
            .await
            .unwrap()
            .get();
        if photo {
            let r = app
                .client
                .post(app.url(&format!("/api/v1/homes/{id}/photo")))
                .bearer_auth(fx.region_token)
                .multipart(crate::matrix::photo_form(crate::images::jpeg(16, 8)))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "home photo fixture");
        }
        Target::Record(id, code)
    }

    /// A Women's Home at the unit.
    static HOME: Fixture = Fixture {
        make: |fx, code| Box::pin(new_home(fx, code, false)),
    };
    /// A Women's Home at the unit, with a photo.
    static HOME_PHOTO: Fixture = Fixture {
        make: |fx, code| Box::pin(new_home(fx, code, true)),
    };

    fn cases(m: &mut Cases) {
        let c = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Unit,
        };
        let h = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Module(&HOME),
        };
        let hp = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Module(&HOME_PHOTO),
        };
        // A unit outside the subtree in a body is a field error, worded
        // exactly like an unknown unit.
        m.insert(
            ("POST", "/api/v1/homes"),
            Case {
                build: |t| Call {
                    path: "/api/v1/homes".into(),
                    body: Body::Json(home_json(t.code())),
                },
                ok: 201,
                out_of_scope: 422,
                kind: Kind::Unit,
            },
        );
        m.insert(
            ("GET", "/api/v1/homes"),
            c(|t| call(format!("/api/v1/homes?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/api/v1/homes/{id}"),
            h(|t| call(format!("/api/v1/homes/{}", t.id())), 200),
        );
        m.insert(
            ("PUT", "/api/v1/homes/{id}"),
            h(
                |t| Call {
                    path: format!("/api/v1/homes/{}", t.id()),
                    body: Body::Json(home_json(t.code())),
                },
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/homes/{id}/photo"),
            h(
                |t| Call {
                    path: format!("/api/v1/homes/{}/photo", t.id()),
                    body: Body::Photo(crate::images::png(4, 3, [200, 40, 40], [40, 40, 200])),
                },
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/homes/{id}/photo"),
            hp(|t| call(format!("/api/v1/homes/{}/photo", t.id())), 200),
        );
        m.insert(
            ("GET", "/api/v1/units/{code}/homes/coverage"),
            c(
                |t| call(format!("/api/v1/units/{}/homes/coverage", t.code())),
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/dictionaries/home-facilities"),
            c(|_| call("/api/v1/dictionaries/home-facilities".into()), 200),
        );
        m.insert(
            ("GET", "/homes"),
            c(|t| call(format!("/homes?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/homes/export.xlsx"),
            c(|t| call(format!("/homes/export.xlsx?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/homes/new"),
            c(|t| call(format!("/homes/new?unit={}", t.code())), 200),
        );
        m.insert(
            ("POST", "/homes"),
            Case {
                build: |t| form("/homes".into(), &home_form(t.code())),
                ok: 303,
                out_of_scope: 422,
                kind: Kind::Unit,
            },
        );
        m.insert(
            ("GET", "/homes/{id}"),
            h(|t| call(format!("/homes/{}", t.id())), 200),
        );
        m.insert(
            ("GET", "/homes/{id}/edit"),
            h(|t| call(format!("/homes/{}/edit", t.id())), 200),
        );
        m.insert(
            ("POST", "/homes/{id}"),
            h(
                |t| form(format!("/homes/{}", t.id()), &home_form(t.code())),
                303,
            ),
        );
        m.insert(
            ("GET", "/homes/{id}/photo"),
            hp(|t| call(format!("/homes/{}/photo", t.id())), 200),
        );
    }

    inventory::submit!(ModuleCases(cases));
}
