//! Family-education service sites over the API and the pages: coverage
//! after creates, moves and status changes (always equal to a recount),
//! guidance sessions that count in the activity roll-ups, the counsellors'
//! roster with sealed names, bad input that saves nothing, and scope.

use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn site(unit: &str) -> Value {
    json!({"unit_code": unit, "kind": "guidance_point", "name": "伊利勒特嘎查家庭教育指导服务点",
           "address": "嘎查党群服务中心", "established_on": "2023-03-08"})
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
        .get(token, &format!("/api/v1/units/{unit}/family-sites/coverage"))
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// `(active_sites, villages, covered_villages)` of a coverage answer.
fn triple(v: &Value) -> (i64, i64, i64) {
    (
        v["active_sites"].as_i64().unwrap(),
        v["villages"].as_i64().unwrap(),
        v["covered_villages"].as_i64().unwrap(),
    )
}

async fn recount_ok(app: &TestApp) {
    let m = app.store.family_sites_mismatches().await.unwrap();
    assert!(m.is_empty(), "{m:#?}");
    let m = app.store.homes_mismatches().await.unwrap();
    assert!(m.is_empty(), "{m:#?}");
}

async fn created(r: reqwest::Response) -> i64 {
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// This month's activity numbers of a unit for one type, from the roll-up.
async fn type_count(app: &TestApp, token: &str, unit: &str, key: &str) -> i64 {
    let r = app.get(token, &format!("/api/v1/units/{unit}/rollup")).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["by_type"][key]["activities"].as_i64().unwrap_or(0)
}

fn today() -> String {
    jinguo_domain::activity::format_date(time::OffsetDateTime::now_utc().date())
}

async fn coverage_and_sessions(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    app.add_user("xilingol", "admin", XILINGOL).await;
    let t = app.token("baoligen").await;

    let a = created(app.post_json(&t, "/api/v1/family-sites", site(YILELT)).await).await;
    let s: Value = app
        .get(&t, &format!("/api/v1/family-sites/{a}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["status"], "active");
    assert_eq!(s["kind"], "guidance_point");
    assert_eq!(s["established_on"], "2023-03-08");
    assert_eq!(s["unit"]["code"], YILELT);
    assert_eq!(s["sessions"], 0);

    // A second site in the same village and one at the township: three
    // sites, still one village of two covered; every level above sees it.
    let mut b_body = site(YILELT);
    b_body["kind"] = json!("children_home");
    b_body["name"] = json!("伊利勒特嘎查儿童之家");
    let b = created(app.post_json(&t, "/api/v1/family-sites", b_body.clone()).await).await;
    let mut station = site(BAOLIGEN);
    station["kind"] = json!("guidance_station");
    station["name"] = json!("宝力根苏木家庭教育指导服务站");
    created(app.post_json(&t, "/api/v1/family-sites", station).await).await;
    let c = coverage(&app, &t, BAOLIGEN).await;
    assert_eq!(triple(&c), (3, 2, 1));
    assert_eq!(c["coverage_pct"], 50.0);
    let league = app.token("xilingol").await;
    assert_eq!(triple(&coverage(&app, &league, XILINGOL).await), (3, 2, 1));
    // The homes' counters are apart: no home was registered.
    let h: Value = app
        .get(&t, &format!("/api/v1/units/{BAOLIGEN}/homes/coverage"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(h["active_homes"], 0);
    recount_ok(&app).await;

    // Suspending one of the two: the village stays covered by the other.
    let mut sus = site(YILELT);
    sus["status"] = json!("suspended");
    let r = put_json(&app, &t, &format!("/api/v1/family-sites/{a}"), sus).await;
    assert_eq!(r.status(), 200);
    assert_eq!(triple(&coverage(&app, &t, BAOLIGEN).await), (2, 2, 1));
    // A PUT without status keeps it.
    let r = put_json(&app, &t, &format!("/api/v1/family-sites/{a}"), site(YILELT)).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "suspended");
    // Moving the other to the sibling village: that one is covered now.
    b_body["unit_code"] = json!(HANAULA);
    let r = put_json(&app, &t, &format!("/api/v1/family-sites/{b}"), b_body).await;
    assert_eq!(r.status(), 200);
    let c = coverage(&app, &t, BAOLIGEN).await;
    assert_eq!(triple(&c), (2, 2, 1));
    let children: Vec<(String, (i64, i64, i64))> = c["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ch| (ch["unit"]["code"].as_str().unwrap().to_owned(), triple(ch)))
        .collect();
    assert_eq!(
        children,
        vec![
            (YILELT.to_owned(), (0, 1, 0)),
            (HANAULA.to_owned(), (1, 1, 1))
        ]
    );
    recount_ok(&app).await;

    // Lists filter by kind and status.
    let list = |q: String| {
        let (app, t) = (&app, &t);
        async move {
            let r = app.get(t, &format!("/api/v1/family-sites?{q}")).await;
            assert_eq!(r.status(), 200, "{q}");
            let v: Value = r.json().await.unwrap();
            v["sites"].as_array().unwrap().len()
        }
    };
    assert_eq!(list(format!("unit={BAOLIGEN}")).await, 3);
    assert_eq!(list(format!("unit={BAOLIGEN}&status=suspended")).await, 1);
    assert_eq!(list(format!("unit={BAOLIGEN}&kind=children_home")).await, 1);
    assert_eq!(list(format!("unit={BAOLIGEN}&q=儿童之家")).await, 1);
    assert_eq!(list(format!("unit={HANAULA}")).await, 1);
    let r = app
        .get(&t, &format!("/api/v1/family-sites?unit={BAOLIGEN}&kind=school"))
        .await;
    assert_eq!(r.status(), 422);

    // A guidance session at the site in HANAULA: an activity of that
    // village, counted in every roll-up above it and on the site.
    let before = type_count(&app, &league, XILINGOL, "family_education").await;
    let session = json!({"date": today(), "title": "隔代教养交流会", "participants": 20,
                         "women": 15});
    let sid = created(
        app.post_json(&t, &format!("/api/v1/family-sites/{b}/sessions"), session.clone())
            .await,
    )
    .await;
    assert_eq!(
        type_count(&app, &league, XILINGOL, "family_education").await,
        before + 1
    );
    assert_eq!(
        type_count(&app, &t, HANAULA, "family_education").await,
        1,
        "the site's unit"
    );
    let a_json: Value = app
        .get(&t, &format!("/api/v1/activities/{sid}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a_json["unit"]["code"], HANAULA);
    assert_eq!(a_json["type"], "family_education");
    let mut send = session.clone();
    send["type"] = json!("send_family_edu");
    created(app.post_json(&t, &format!("/api/v1/family-sites/{b}/sessions"), send).await).await;
    let v: Value = app
        .get(&t, &format!("/api/v1/family-sites/{b}/sessions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["sessions"].as_array().unwrap().len(), 2);
    let s: Value = app
        .get(&t, &format!("/api/v1/family-sites/{b}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["sessions"], 2);

    // Another type is not a session; a bad one reports every field.
    let mut lecture = session.clone();
    lecture["type"] = json!("lecture");
    let r = app
        .post_json(&t, &format!("/api/v1/family-sites/{b}/sessions"), lecture)
        .await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["field"], "type");
    let r = app
        .post_json(
            &t,
            &format!("/api/v1/family-sites/{b}/sessions"),
            json!({"date": "2999-01-01", "type": "nope", "title": "", "participants": 5,
                   "women": 9}),
        )
        .await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    let fields = v["error"]["fields"].as_object().unwrap();
    for f in ["date", "type", "title", "women"] {
        assert!(fields.contains_key(f), "{f}: {v}");
    }

    // Deleting the session's activity takes it off the site.
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/activities/{sid}")))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let s: Value = app
        .get(&t, &format!("/api/v1/family-sites/{b}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["sessions"], 1);
    recount_ok(&app).await;
}
both_backends!(coverage_and_sessions, coverage_and_sessions);

async fn bad_input_and_scope(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    app.add_user("erenhot", "admin", ERENHOT).await;
    let t = app.token("baoligen").await;
    let with = |key: &str, value: Value| {
        let mut b = site(YILELT);
        b[key] = value;
        b
    };
    for (body, field) in [
        (with("kind", json!("school")), "kind"),
        (with("name", json!(" ")), "name"),
        (with("address", json!("地".repeat(201))), "address"),
        (with("status", json!("open")), "status"),
        (with("established_on", json!("2999-01-01")), "established_on"),
        (with("established_on", json!("3月8日")), "established_on"),
        (with("unit_code", json!(BAOTOU_BANNER)), "unit_code"),
        (with("unit_code", json!("15")), "unit_code"),
    ] {
        let r = app.post_json(&t, "/api/v1/family-sites", body.clone()).await;
        assert_eq!(r.status(), 422, "{body}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["field"], field, "{body}");
    }
    let r = app
        .post_json(
            &t,
            "/api/v1/family-sites",
            json!({"unit_code": YILELT, "kind": "x", "name": "", "address": ""}),
        )
        .await;
    let v: Value = r.json().await.unwrap();
    let fields = v["error"]["fields"].as_object().unwrap();
    for f in ["kind", "name", "address"] {
        assert!(fields.contains_key(f), "{f}: {v}");
    }
    let v: Value = app
        .get(&t, &format!("/api/v1/family-sites?unit={BAOLIGEN}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(v["sites"].as_array().unwrap().is_empty(), "nothing saved");
    assert_eq!(triple(&coverage(&app, &t, BAOLIGEN).await), (0, 2, 0));

    // Someone else's site reads exactly like a missing one.
    let id = created(app.post_json(&t, "/api/v1/family-sites", site(YILELT)).await).await;
    let other = app.token("erenhot").await;
    for (path, missing) in [
        (
            format!("/api/v1/family-sites/{id}"),
            "/api/v1/family-sites/999999".to_owned(),
        ),
        (
            format!("/api/v1/family-sites/{id}/sessions"),
            "/api/v1/family-sites/999999/sessions".to_owned(),
        ),
        (
            format!("/api/v1/units/{BAOLIGEN}/family-sites/coverage"),
            format!("/api/v1/units/{NO_SUCH_UNIT}/family-sites/coverage"),
        ),
        (
            format!("/api/v1/family-counsellors?site={id}"),
            "/api/v1/family-counsellors?site=999999".to_owned(),
        ),
    ] {
        let got = app.get(&other, &path).await;
        let want = app.get(&other, &missing).await;
        assert_eq!(got.status(), 404, "{path}");
        assert_eq!(want.status(), 404, "{missing}");
        assert_eq!(got.text().await.unwrap(), want.text().await.unwrap());
    }
    let r = put_json(&app, &other, &format!("/api/v1/family-sites/{id}"), site(ERENHOT)).await;
    assert_eq!(r.status(), 404);
    // Nor can a site be moved out of one's subtree.
    let r = put_json(&app, &t, &format!("/api/v1/family-sites/{id}"), site(ERENHOT)).await;
    assert_eq!(r.status(), 422);

    // An auditor reads figures, not the registry.
    app.add_user("aud", "auditor", BAOLIGEN).await;
    let aud = app.token("aud").await;
    assert_eq!(
        app.get(&aud, &format!("/api/v1/family-sites/{id}"))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.get(&aud, &format!("/api/v1/units/{BAOLIGEN}/family-sites/coverage"))
            .await
            .status(),
        200
    );
    recount_ok(&app).await;
}
both_backends!(bad_input_and_scope, bad_input_and_scope);

async fn counsellors_roster(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    app.add_user("region", "admin", REGION).await;
    let t = app.token("baoligen").await;
    let region = app.token("region").await;
    let a = created(app.post_json(&t, "/api/v1/family-sites", site(YILELT)).await).await;
    let b = created(app.post_json(&t, "/api/v1/family-sites", site(HANAULA)).await).await;
    let elsewhere =
        created(app.post_json(&region, "/api/v1/family-sites", site(ERENHOT)).await).await;

    let id = created(
        app.post_json(
            &t,
            "/api/v1/family-counsellors",
            json!({"unit_code": BAOLIGEN, "name": "萨仁高娃", "qualification": "家庭教育指导师（中级）",
                   "sites": [a, b, a]}),
        )
        .await,
    )
    .await;
    let sealed = app
        .store
        .counsellor_sealed_name(jinguo_domain::family_site::CounsellorId::new(id))
        .await
        .unwrap()
        .unwrap();
    assert!(!sealed.contains("萨仁"), "the name is sealed at rest");
    let c: Value = app
        .get(&t, &format!("/api/v1/family-counsellors/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["name"], "萨仁高娃");
    assert_eq!(c["sites"].as_array().unwrap().len(), 2);
    let v: Value = app
        .get(&t, &format!("/api/v1/family-counsellors?site={b}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["counsellors"].as_array().unwrap().len(), 1);

    // A site outside the subtree is refused like an unknown one; nothing
    // changes.
    for sites in [json!([elsewhere]), json!([999_999]), json!([0])] {
        let r = put_json(
            &app,
            &t,
            &format!("/api/v1/family-counsellors/{id}"),
            json!({"name": "萨仁高娃", "sites": sites}),
        )
        .await;
        assert_eq!(r.status(), 422, "{sites}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["field"], "sites");
    }
    let r = app
        .post_json(
            &t,
            "/api/v1/family-counsellors",
            json!({"unit_code": BAOLIGEN, "name": "", "qualification": "资".repeat(101)}),
        )
        .await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    let fields = v["error"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("name") && fields.contains_key("qualification"));

    let r = put_json(
        &app,
        &t,
        &format!("/api/v1/family-counsellors/{id}"),
        json!({"name": "萨仁", "sites": [b]}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["name"], "萨仁");
    assert_eq!(c["qualification"], Value::Null);
    assert_eq!(c["sites"][0]["id"], b);
    let v: Value = app
        .get(&t, &format!("/api/v1/family-counsellors?unit={BAOLIGEN}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["counsellors"].as_array().unwrap().len(), 1);

    // The roster holds personal data: an auditor does not see it, and the
    // audit log never names her.
    app.add_user("aud", "auditor", BAOLIGEN).await;
    let aud = app.token("aud").await;
    assert_eq!(
        app.get(&aud, "/api/v1/family-counsellors").await.status(),
        403
    );
    app.add_user("raud", "auditor", REGION).await;
    let log = app.get(&app.token("raud").await, "/api/v1/audit?limit=100").await;
    assert_eq!(log.status(), 200);
    let log = log.text().await.unwrap();
    assert!(log.contains("fsite.counsellor_created"), "{log}");
    assert!(!log.contains("萨仁"), "no name in the audit log");
}
both_backends!(counsellors_roster, counsellors_roster);

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
    let get = |path: String| {
        app.client
            .get(app.url(&path))
            .header(COOKIE, &cookie)
            .send()
    };
    let form = |name: &str| {
        vec![
            ("unit_code", YILELT.to_owned()),
            ("kind", "parent_school".to_owned()),
            ("name", name.to_owned()),
            ("address", "嘎查党群服务中心".to_owned()),
            ("status", "active".to_owned()),
            ("established_on", "2024-03-08".to_owned()),
        ]
    };
    for path in [
        format!("/family-sites?unit={BAOLIGEN}"),
        format!("/family-sites/new?unit={YILELT}"),
        format!("/family-counsellors?unit={BAOLIGEN}"),
        "/family-counsellors/new".to_owned(),
    ] {
        assert_eq!(get(path.clone()).await.unwrap().status(), 200, "{path}");
    }
    // A blank name comes back with the message next to the field and the
    // typed text kept.
    let mut bad = form("");
    bad.push(("established_on", "2999-01-01".to_owned()));
    bad.retain(|(k, v)| *k != "established_on" || v == "2999-01-01");
    let r = post(bad, "/family-sites".into()).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("name-err"), "error next to the field");
    assert!(page.contains("established_on-err"));
    assert!(page.contains("嘎查党群服务中心"), "typed text kept");
    let r = post(form("伊利勒特嘎查家长学校"), "/family-sites".into())
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with("/family-sites/"), "{to}");
    let id = to
        .trim_start_matches("/family-sites/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let page = get(to.clone()).await.unwrap().text().await.unwrap();
    assert!(page.contains("伊利勒特嘎查家长学校"));
    assert!(page.contains("家长学校"));
    let page = get(format!("/family-sites?unit={BAOLIGEN}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("50%") || page.contains("50.0%"), "coverage");
    assert!(
        page.contains(&format!("/family-sites?unit={HANAULA}")),
        "drill-down"
    );
    let r = get(format!("/family-sites/export.xlsx?unit={BAOLIGEN}"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    // A session from the site's page.
    assert_eq!(
        get(format!("/family-sites/{id}/sessions/new"))
            .await
            .unwrap()
            .status(),
        200
    );
    let session = |participants: &str| {
        vec![
            ("date", today()),
            ("type", "family_education".to_owned()),
            ("title", "亲子阅读指导".to_owned()),
            ("participants", participants.to_owned()),
            ("women", "8".to_owned()),
        ]
    };
    let r = post(session("x"), format!("/family-sites/{id}/sessions"))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("participants-err"));
    let r = post(session("12"), format!("/family-sites/{id}/sessions"))
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = get(format!("/family-sites/{id}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("亲子阅读指导"), "the session is listed");

    // A counsellor for the site, then changed.
    let r = post(
        vec![
            ("unit_code", BAOLIGEN.to_owned()),
            ("name", "王丽华".to_owned()),
            ("qualification", "家庭教育指导师".to_owned()),
            ("sites", id.clone()),
        ],
        "/family-counsellors".into(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let page = get(format!("/family-counsellors?unit={BAOLIGEN}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("王丽华") && page.contains("伊利勒特嘎查家长学校"));
    let page = get(format!("/family-sites/{id}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("王丽华"), "the site lists its counsellors");
    let r = post(
        vec![("name", "".to_owned()), ("sites", "abc".to_owned())],
        "/family-counsellors/1".into(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("name-err") || page.contains("sites-err"));
    recount_ok(&app).await;
}
both_backends!(web_pages, web_pages);

/// The family-work figures follow every honours step and site write:
/// nominations by status and level, per child for the drill-down, sites,
/// coverage and sessions; as JSON, as a page, as a workbook and on the
/// dashboard.
async fn family_figures(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let city_user = app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("hanaula", "cadre", HANAULA).await;
    let city = app.token("xilinhot").await;
    let township = app.token("baoligen").await;
    let year = time::OffsetDateTime::now_utc().date().year();
    let day = |n: i64| {
        jinguo_domain::activity::format_date(
            time::OffsetDateTime::now_utc().date() + time::Duration::days(n),
        )
    };
    let r = app
        .post_json(
            &city,
            "/api/v1/honours/campaigns",
            json!({"unit_code": XILINHOT, "title": "廉洁家庭评选", "year": year,
                   "category": "family_clean", "nominating_level": "village", "quota": 1,
                   "nomination_deadline": day(20), "review_deadline": day(30)}),
        )
        .await;
    let c = created(r).await;
    let mut noms = Vec::new();
    for (user, unit, name) in [
        ("yilelt", YILELT, "乌云其木格家庭"),
        ("hanaula", HANAULA, "萨仁家庭"),
    ] {
        let t = app.token(user).await;
        let r = app
            .post_json(
                &t,
                &format!("/api/v1/honours/campaigns/{c}/nominations"),
                json!({"unit_code": unit, "family_name": name, "head_name": "户主", "members": 4,
                       "story": "清白传家。", "consent": {"given_by": "户主", "method": "written"}}),
            )
            .await;
        noms.push(created(r).await);
    }
    let step = |token: &str, n: i64, action: &str, body: Value| {
        let (app, token, action) = (&app, token.to_owned(), action.to_owned());
        async move {
            let r = app
                .post_json(
                    &token,
                    &format!("/api/v1/honours/nominations/{n}/{action}"),
                    body,
                )
                .await;
            assert_eq!(r.status(), 200, "{action}");
        }
    };
    step(&township, noms[0], "recommend", json!({})).await;
    step(&city, noms[0], "recommend", json!({})).await;
    step(&township, noms[1], "decline", json!({"reason": "名额已满"})).await;
    let b = created(app.post_json(&township, "/api/v1/family-sites", site(HANAULA)).await).await;
    created(
        app.post_json(
            &township,
            &format!("/api/v1/family-sites/{b}/sessions"),
            json!({"date": today(), "title": "廉洁家风讲座", "participants": 30, "women": 20}),
        )
        .await,
    )
    .await;

    let r = app
        .get(&city, &format!("/api/v1/units/{XILINHOT}/family-figures?year={year}"))
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["nominations"], 2);
    assert_eq!(v["nominations_by_status"], json!({"declined": 1, "shortlisted": 1}));
    assert!(
        v["nominations_by_status_and_level"]
            .as_array()
            .unwrap()
            .contains(&json!({"status": "shortlisted", "level": 3, "count": 1})),
        "{v}"
    );
    assert_eq!(v["active_sites"], 1);
    assert_eq!(v["guidance_sessions"], 1);
    assert_eq!(v["honoured"], 0);
    let r = app
        .get(&city, &format!("/api/v1/units/{BAOLIGEN}/family-figures?year={year}"))
        .await;
    let v: Value = r.json().await.unwrap();
    let kids: Vec<(String, i64, i64)> = v["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["unit"]["code"].as_str().unwrap().to_owned(),
                c["nominations"].as_i64().unwrap(),
                c["guidance_sessions"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kids,
        vec![(YILELT.to_owned(), 1, 0), (HANAULA.to_owned(), 1, 1)]
    );
    // Another year has none of it; a bad year is a field error.
    let v: Value = app
        .get(&city, &format!("/api/v1/units/{XILINHOT}/family-figures?year={}", year - 1))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["nominations"], 0);
    let r = app
        .get(&city, &format!("/api/v1/units/{XILINHOT}/family-figures?year=19"))
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "year");
    let m = app.store.family_mismatches().await.unwrap();
    assert!(m.is_empty(), "{m:#?}");

    // The page, its drill-down, the workbook and the dashboard.
    let (token, _) = app.session_for(city_user).await;
    let cookie = format!("jinguo_session={token}");
    let get = |path: String| {
        app.client
            .get(app.url(&path))
            .header(COOKIE, &cookie)
            .send()
    };
    let page = get(format!("/family-figures?unit={XILINHOT}&year={year}"))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!("/family-figures?unit={BAOLIGEN}&amp;year={year}")));
    assert!(page.contains("已入围"), "status by level");
    let r = get(format!("/family-figures/export.xlsx?unit={XILINHOT}&year={year}"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let page = get(format!("/dashboard/{XILINHOT}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("家家幸福安康工程"), "on the dashboard");
    assert!(page.contains(&format!("/family-figures?unit={XILINHOT}")));
}
both_backends!(family_figures, family_figures);

/// Clean-family work: an activity records whom it reached; the figures
/// answer how many cadres' families 廉洁 education reached this year, from
/// counters that follow every change and deletion.
async fn audiences_and_clean_family_reach(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let user = app.add_user("baoligen", "cadre", BAOLIGEN).await;
    app.add_user("xilingol", "admin", XILINGOL).await;
    let t = app.token("baoligen").await;
    let league = app.token("xilingol").await;
    let year = time::OffsetDateTime::now_utc().date().year();
    let body = |audiences: Value, participants: i64| {
        json!({"unit_code": YILELT, "date": today(), "type": "integrity_family",
               "title": "廉洁家风进万家", "participants": participants, "women": 10,
               "audiences": audiences})
    };
    let reach = |unit: &'static str| {
        let (app, league) = (&app, &league);
        async move {
            let r = app
                .get(league, &format!("/api/v1/units/{unit}/family-figures?year={year}"))
                .await;
            assert_eq!(r.status(), 200);
            let v: Value = r.json().await.unwrap();
            v["audiences"].clone()
        }
    };
    let ok = || async {
        let m = app.store.audience_mismatches().await.unwrap();
        assert!(m.is_empty(), "{m:#?}");
    };

    // The dictionary is public; an unknown key saves nothing.
    let r = app
        .client
        .get(app.url("/api/v1/dictionaries/activity-audiences"))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert!(v["entries"].as_array().unwrap().iter().any(|e| e["key"] == "cadre_families"));
    let r = app
        .post_json(&t, "/api/v1/activities", body(json!(["cadre_families", "aliens"]), 30))
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "audiences");
    assert_eq!(reach(XILINGOL).await, json!({}));

    let id = created(
        app.post_json(
            &t,
            "/api/v1/activities",
            body(json!(["cadre_families", "women_cadres", "cadre_families"]), 30),
        )
        .await,
    )
    .await;
    let a: Value = app
        .get(&t, &format!("/api/v1/activities/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["audiences"], json!(["cadre_families", "women_cadres"]));
    // A lecture to women only: counted for women, not as clean-family work.
    let mut lecture = body(json!(["women"]), 50);
    lecture["type"] = json!("lecture");
    created(app.post_json(&t, "/api/v1/activities", lecture).await).await;
    let v = reach(XILINGOL).await;
    assert_eq!(
        v["cadre_families"],
        json!({"activities": 1, "participants": 30, "integrity_activities": 1,
               "integrity_participants": 30})
    );
    assert_eq!(v["women"]["activities"], 1);
    assert_eq!(v["women"]["integrity_activities"], 0);
    ok().await;

    // A change of numbers moves the counters; absent audiences are kept;
    // an empty list clears them; deleting takes the rest out.
    let mut changed = body(json!(null), 45);
    changed.as_object_mut().unwrap().remove("audiences");
    let r = app
        .client
        .put(app.url(&format!("/api/v1/activities/{id}")))
        .bearer_auth(&t)
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["audiences"], json!(["cadre_families", "women_cadres"]));
    assert_eq!(reach(BAOLIGEN).await["cadre_families"]["integrity_participants"], 45);
    ok().await;
    let r = app
        .client
        .put(app.url(&format!("/api/v1/activities/{id}")))
        .bearer_auth(&t)
        .json(&body(json!(["women_cadres"]), 45))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v = reach(XILINGOL).await;
    assert!(v.get("cadre_families").is_none(), "{v}");
    assert_eq!(v["women_cadres"]["integrity_activities"], 1);
    ok().await;
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/activities/{id}")))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(reach(XILINGOL).await.get("women_cadres").is_none());
    ok().await;

    // The 记一笔 form offers the audiences; what is ticked is kept.
    let (token, csrf) = app.session_for(user).await;
    let cookie = format!("jinguo_session={token}");
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
    assert!(page.contains("name=\"audiences\" value=\"cadre_spouses\""));
    let fields = vec![
        ("_csrf", csrf.clone()),
        ("unit_code", YILELT.to_owned()),
        ("date", today()),
        ("type", "integrity_family".to_owned()),
        ("title", "廉洁家书诵读".to_owned()),
        ("participants", "12".to_owned()),
        ("women", "8".to_owned()),
        ("audiences_shown", "1".to_owned()),
        ("audiences", "cadre_spouses".to_owned()),
        ("audiences", "children".to_owned()),
        ("idempotency_key", "famsites-aud-1".to_owned()),
    ];
    let r = app
        .client
        .post(app.url("/activities"))
        .header(COOKIE, &cookie)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let v = reach(XILINGOL).await;
    assert_eq!(v["cadre_spouses"]["integrity_activities"], 1);
    assert_eq!(v["children"]["participants"], 12);
    let page = app
        .client
        .get(app.url(&format!("/family-figures?unit={BAOLIGEN}&year={year}")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("干部配偶"), "the figures page names the audiences");
    ok().await;
}
both_backends!(audiences_and_clean_family_reach, audiences_and_clean_family_reach);

// ---- The module's routes in the authorization matrix ----

mod matrix_cases {
    use serde_json::{Value, json};

    use crate::matrix::{
        Body, Call, Case, Cases, Fixture, Fixtures, Kind, ModuleCases, Target, call, form,
    };

    fn site_json(code: &str) -> Value {
        json!({"unit_code": code, "kind": "guidance_point", "name": "矩阵指导服务点",
               "address": "党群服务中心"})
    }

    fn site_form(code: &str) -> Vec<(&'static str, String)> {
        vec![
            ("unit_code", code.into()),
            ("kind", "guidance_point".into()),
            ("name", "矩阵指导服务点".into()),
            ("address", "党群服务中心".into()),
            ("status", "active".into()),
        ]
    }

    fn session_json() -> Value {
        json!({"date": super::today(), "title": "矩阵家庭教育指导", "participants": 10,
               "women": 6})
    }

    fn session_form() -> Vec<(&'static str, String)> {
        vec![
            ("date", super::today()),
            ("type", "family_education".into()),
            ("title", "矩阵家庭教育指导".into()),
            ("participants", "10".into()),
            ("women", "6".into()),
        ]
    }

    /// A site at the unit, straight through the store.
    async fn new_site(fx: &Fixtures<'_>, code: &'static str) -> Target {
        use jinguo_store::{FamilySiteStore, UnitStore};
        let app = fx.app;
        let root = app.store.root_unit().await.unwrap();
        let unit = app
            .store
            .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
            .await
            .unwrap();
        let fields = jinguo_domain::family_site::SiteDraft {
            kind: "guidance_point".into(),
            name: "矩阵指导服务点".into(),
            address: "党群服务中心".into(),
            ..Default::default()
        }
        .validate(time::OffsetDateTime::now_utc().date())
        .unwrap();
        let id = app
            .store
            .create_site(
                app.store.system_scope(&root),
                jinguo_store::family_sites::NewSite {
                    unit: unit.id,
                    fields,
                    by: None,
                },
                1,
            )
            .await
            .unwrap()
            .get();
        Target::Record(id, code)
    }

    /// A counsellor on the unit's roster, serving no site.
    async fn new_counsellor(fx: &Fixtures<'_>, code: &'static str) -> Target {
        use jinguo_store::{FamilySiteStore, UnitStore};
        let app = fx.app;
        let root = app.store.root_unit().await.unwrap();
        let unit = app
            .store
            .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
            .await
            .unwrap();
        let fields = jinguo_domain::family_site::CounsellorDraft {
            name: "矩阵指导师".into(),
            qualification: String::new(),
            sites: vec![],
        }
        .validate()
        .unwrap();
        let id = app
            .store
            .create_counsellor(
                app.store.system_scope(&root),
                jinguo_store::family_sites::NewCounsellor {
                    unit: unit.id,
                    fields,
                    by: None,
                },
                1,
            )
            .await
            .unwrap()
            .get();
        Target::Record(id, code)
    }

    static SITE: Fixture = Fixture {
        make: |fx, code| Box::pin(new_site(fx, code)),
    };
    static COUNSELLOR: Fixture = Fixture {
        make: |fx, code| Box::pin(new_counsellor(fx, code)),
    };

    fn counsellor_json(code: &str) -> Value {
        json!({"unit_code": code, "name": "矩阵指导师", "qualification": "指导师"})
    }

    fn cases(m: &mut Cases) {
        let c = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Unit,
        };
        let s = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Module(&SITE),
        };
        let k = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Module(&COUNSELLOR),
        };
        // A unit outside the subtree in a body is a field error, worded
        // exactly like an unknown unit.
        let body_unit = |build, ok| Case {
            build,
            ok,
            out_of_scope: 422,
            kind: Kind::Unit,
        };
        m.insert(
            ("POST", "/api/v1/family-sites"),
            body_unit(
                |t| Call {
                    path: "/api/v1/family-sites".into(),
                    body: Body::Json(site_json(t.code())),
                },
                201,
            ),
        );
        m.insert(
            ("GET", "/api/v1/family-sites"),
            c(|t| call(format!("/api/v1/family-sites?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/api/v1/family-sites/{id}"),
            s(|t| call(format!("/api/v1/family-sites/{}", t.id())), 200),
        );
        m.insert(
            ("PUT", "/api/v1/family-sites/{id}"),
            s(
                |t| Call {
                    path: format!("/api/v1/family-sites/{}", t.id()),
                    body: Body::Json(site_json(t.code())),
                },
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/units/{code}/family-sites/coverage"),
            c(
                |t| call(format!("/api/v1/units/{}/family-sites/coverage", t.code())),
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/family-sites/{id}/sessions"),
            s(
                |t| call(format!("/api/v1/family-sites/{}/sessions", t.id())),
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/family-sites/{id}/sessions"),
            s(
                |t| Call {
                    path: format!("/api/v1/family-sites/{}/sessions", t.id()),
                    body: Body::Json(session_json()),
                },
                201,
            ),
        );
        m.insert(
            ("GET", "/api/v1/units/{code}/family-figures"),
            c(
                |t| call(format!("/api/v1/units/{}/family-figures", t.code())),
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/dictionaries/activity-audiences"),
            c(|_| call("/api/v1/dictionaries/activity-audiences".into()), 200),
        );
        m.insert(
            ("GET", "/family-figures"),
            c(|t| call(format!("/family-figures?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/family-figures/export.xlsx"),
            c(
                |t| call(format!("/family-figures/export.xlsx?unit={}", t.code())),
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/family-counsellors"),
            c(
                |t| call(format!("/api/v1/family-counsellors?unit={}", t.code())),
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/family-counsellors"),
            body_unit(
                |t| Call {
                    path: "/api/v1/family-counsellors".into(),
                    body: Body::Json(counsellor_json(t.code())),
                },
                201,
            ),
        );
        m.insert(
            ("GET", "/api/v1/family-counsellors/{id}"),
            k(|t| call(format!("/api/v1/family-counsellors/{}", t.id())), 200),
        );
        m.insert(
            ("PUT", "/api/v1/family-counsellors/{id}"),
            k(
                |t| Call {
                    path: format!("/api/v1/family-counsellors/{}", t.id()),
                    body: Body::Json(counsellor_json(t.code())),
                },
                200,
            ),
        );
        m.insert(
            ("GET", "/family-sites"),
            c(|t| call(format!("/family-sites?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/family-sites/export.xlsx"),
            c(
                |t| call(format!("/family-sites/export.xlsx?unit={}", t.code())),
                200,
            ),
        );
        m.insert(
            ("GET", "/family-sites/new"),
            c(|t| call(format!("/family-sites/new?unit={}", t.code())), 200),
        );
        m.insert(
            ("POST", "/family-sites"),
            body_unit(|t| form("/family-sites".into(), &site_form(t.code())), 303),
        );
        m.insert(
            ("GET", "/family-sites/{id}"),
            s(|t| call(format!("/family-sites/{}", t.id())), 200),
        );
        m.insert(
            ("GET", "/family-sites/{id}/edit"),
            s(|t| call(format!("/family-sites/{}/edit", t.id())), 200),
        );
        m.insert(
            ("POST", "/family-sites/{id}"),
            s(
                |t| form(format!("/family-sites/{}", t.id()), &site_form(t.code())),
                303,
            ),
        );
        m.insert(
            ("GET", "/family-sites/{id}/sessions/new"),
            s(
                |t| call(format!("/family-sites/{}/sessions/new", t.id())),
                200,
            ),
        );
        m.insert(
            ("POST", "/family-sites/{id}/sessions"),
            s(
                |t| form(format!("/family-sites/{}/sessions", t.id()), &session_form()),
                303,
            ),
        );
        m.insert(
            ("GET", "/family-counsellors"),
            c(|t| call(format!("/family-counsellors?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/family-counsellors/new"),
            c(
                |t| call(format!("/family-counsellors/new?unit={}", t.code())),
                200,
            ),
        );
        m.insert(
            ("POST", "/family-counsellors"),
            body_unit(
                |t| {
                    form(
                        "/family-counsellors".into(),
                        &[
                            ("unit_code", t.code().to_owned()),
                            ("name", "矩阵指导师".to_owned()),
                        ],
                    )
                },
                303,
            ),
        );
        m.insert(
            ("GET", "/family-counsellors/{id}/edit"),
            k(
                |t| call(format!("/family-counsellors/{}/edit", t.id())),
                200,
            ),
        );
        m.insert(
            ("POST", "/family-counsellors/{id}"),
            k(
                |t| {
                    form(
                        format!("/family-counsellors/{}", t.id()),
                        &[("name", "矩阵指导师".to_owned())],
                    )
                },
                303,
            ),
        );
    }

    inventory::submit!(ModuleCases(cases));
}
