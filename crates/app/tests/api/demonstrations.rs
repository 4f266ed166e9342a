//! Demonstration sites (三级示范) over the API and the web pages:
//! designating at each level, one standing designation per site and level,
//! yearly evaluations against the designating unit's score sheet,
//! revocation, who may act, the lists' filters, the counters (always equal
//! to a recount) and bad input that changes nothing.

use jinguo_domain::UnitCode;
use jinguo_domain::home::HomeDraft;
use jinguo_store::homes::NewHome;
use jinguo_store::{HomeStore, UnitStore};
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

/// The server's year (Beijing time): evaluations are for last year, which
/// every period below contains and no clock makes "future".
fn last_year() -> i32 {
    (time::OffsetDateTime::now_utc() + time::Duration::hours(8)).year() - 1
}

/// A Women's Home at the unit, registered through the store (`status`:
/// active, suspended or closed); its id.
async fn home_at(app: &TestApp, code: &str, status: &str) -> i64 {
    let unit = app
        .store
        .unit_by_code(&UnitCode::parse(code).unwrap())
        .await
        .unwrap();
    let fields = HomeDraft {
        name: format!("{}妇女之家", unit.name),
        address: "党群服务中心".into(),
        status: Some(status.into()),
        ..Default::default()
    }
    .validate()
    .unwrap();
    app.store
        .create_home(
            app.store.system_scope(&unit),
            NewHome {
                unit: unit.id,
                fields,
                by: None,
                photo: None,
            },
            1,
        )
        .await
        .unwrap()
        .get()
}

fn designation(unit: &str, kind: &str, site: i64, from: i32, to: i32) -> Value {
    json!({"unit_code": unit, "site_kind": kind, "site_id": site,
           "period_from": format!("{from}-01-01"), "period_to": format!("{to}-12-31"),
           "reason": "班子健全，阵地规范，活动经常。",
           "items": [{"label": "组织建设", "weight": 30}, {"label": "阵地建设", "weight": 30},
                     {"label": "活动开展", "weight": 40}]})
}

async fn recount_ok(app: &TestApp) {
    let m = app.store.demonstration_mismatches().await.unwrap();
    assert!(m.is_empty(), "{m:#?}");
}

async fn counts(app: &TestApp, token: &str, unit: &str) -> Value {
    let r = app
        .get(token, &format!("/api/v1/units/{unit}/demonstrations/counts"))
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn error(r: reqwest::Response, status: u16) -> (String, String) {
    assert_eq!(r.status(), status);
    let v: Value = r.json().await.unwrap();
    (
        v["error"]["field"].as_str().unwrap_or("").to_owned(),
        v["error"]["code"].as_str().unwrap_or("").to_owned(),
    )
}

async fn list(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let r = app
        .get(token, &format!("/api/v1/demonstrations?{query}"))
        .await;
    assert_eq!(r.status(), 200, "{query}");
    let v: Value = r.json().await.unwrap();
    v["demonstrations"].as_array().unwrap().clone()
}

async fn designate_evaluate_revoke(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("xilingol", "admin", XILINGOL).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    let city = app.token("xilinhot").await;
    let league = app.token("xilingol").await;
    let township = app.token("baoligen").await;
    let home = home_at(&app, YILELT, "active").await;
    let y = last_year();

    // The city designates the village's home; the league the same home at
    // its own level.
    let r = app
        .post_json(&city, "/api/v1/demonstrations", designation(XILINHOT, "home", home, y, y + 2))
        .await;
    assert_eq!(r.status(), 201);
    let banner_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post_json(&league, "/api/v1/demonstrations", designation(XILINGOL, "home", home, y, y + 2))
        .await;
    assert_eq!(r.status(), 201);
    let league_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    recount_ok(&app).await;
    let c = counts(&app, &league, XILINGOL).await;
    assert_eq!((c["total"].as_i64(), c["banner_homes"].as_i64(), c["league_homes"].as_i64()), (Some(2), Some(1), Some(1)));
    let child = c["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit"]["code"] == XILINHOT)
        .unwrap();
    assert_eq!(child["total"], 2);
    assert_eq!(counts(&app, &city, BAOLIGEN).await["total"], 2);

    // A second one of the same level for an overlapping period is refused.
    let before = app.store.demonstration_audit().await.unwrap().len();
    let r = app
        .post_json(&city, "/api/v1/demonstrations", designation(XILINHOT, "home", home, y + 2, y + 4))
        .await;
    assert_eq!(error(r, 422).await.0, "site_id");
    assert_eq!(app.store.demonstration_audit().await.unwrap().len(), before);
    assert_eq!(counts(&app, &city, XILINHOT).await["total"], 2);

    // The township sees it, but only the designating unit (or above) acts.
    let r = app
        .get(&township, &format!("/api/v1/demonstrations/{banner_id}"))
        .await;
    assert_eq!(r.status(), 200);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["status"], "active");
    assert_eq!(d["level"], 3);
    assert_eq!(d["items"].as_array().unwrap().len(), 3);
    let eval = json!({"year": y, "scores": [28, 25, 36], "note": "实地查看"});
    let r = app
        .post_json(&township, &format!("/api/v1/demonstrations/{banner_id}/evaluations"), eval.clone())
        .await;
    assert_eq!(error(r, 422).await.0, "demonstration");
    let r = app
        .post_json(&city, &format!("/api/v1/demonstrations/{league_id}/evaluations"), eval.clone())
        .await;
    assert_eq!(error(r, 422).await.0, "demonstration", "the city is below the league");

    // A score above the item's weight, a year outside the period, a
    // missing score: nothing is recorded.
    for (bad, field) in [
        (json!({"year": y, "scores": [31, 25, 36]}), "scores[0]"),
        (json!({"year": y + 5, "scores": [28, 25, 36]}), "year"),
        (json!({"year": y, "scores": [28, 25]}), "scores"),
        (json!({"year": y, "scores": [28, null, 36]}), "scores[1]"),
    ] {
        let r = app
            .post_json(&city, &format!("/api/v1/demonstrations/{banner_id}/evaluations"), bad)
            .await;
        assert_eq!(error(r, 422).await.0, field);
    }
    let r = app
        .post_json(&city, &format!("/api/v1/demonstrations/{banner_id}/evaluations"), eval.clone())
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Value>().await.unwrap()["total"], 89);
    // One per year.
    let r = app
        .post_json(&city, &format!("/api/v1/demonstrations/{banner_id}/evaluations"), eval.clone())
        .await;
    assert_eq!(error(r, 422).await.0, "year");
    // The league, above the city, may evaluate the city's.
    let r = app
        .post_json(&league, &format!("/api/v1/demonstrations/{league_id}/evaluations"), json!({"year": y, "scores": [20, 20, 20]}))
        .await;
    assert_eq!(r.status(), 201);
    let d: Value = app
        .get(&city, &format!("/api/v1/demonstrations/{banner_id}"))
        .await
        .json()
        .await
        .unwrap();
    let e = &d["evaluations"][0];
    assert_eq!((e["year"].as_i64(), e["total"].as_i64()), (Some(i64::from(y)), Some(89)));
    assert_eq!(e["scores"], json!([28, 25, 36]));
    assert_eq!(e["evaluated_by"], "xilinhot");
    assert_eq!(d["latest_evaluation"]["total"], 89);

    // Revoking needs a reason; a revoked one is not evaluated again.
    let path = format!("/api/v1/demonstrations/{banner_id}/revoke");
    let r = app.post_json(&township, &path, json!({"reason": "整改不到位"})).await;
    assert_eq!(error(r, 422).await.0, "demonstration");
    let r = app.post_json(&city, &path, json!({"reason": "  "})).await;
    assert_eq!(error(r, 422).await.0, "reason");
    let r = app.post_json(&city, &path, json!({"reason": "年度考评后整改不到位，撤销称号。"})).await;
    assert_eq!(r.status(), 204);
    let r = app.post_json(&city, &path, json!({"reason": "再次撤销"})).await;
    assert_eq!(error(r, 422).await.0, "demonstration");
    let r = app
        .post_json(&city, &format!("/api/v1/demonstrations/{banner_id}/evaluations"), json!({"year": y + 1, "scores": [1, 1, 1]}))
        .await;
    let (field, _) = error(r, 422).await;
    assert_eq!(field, "demonstration");
    recount_ok(&app).await;
    let c = counts(&app, &league, XILINGOL).await;
    assert_eq!((c["total"].as_i64(), c["banner_homes"].as_i64()), (Some(1), Some(0)));
    // A revoked site may be designated again at that level.
    let r = app
        .post_json(&city, "/api/v1/demonstrations", designation(XILINHOT, "home", home, y + 1, y + 3))
        .await;
    assert_eq!(r.status(), 201);
    recount_ok(&app).await;

    // The lists' filters.
    assert_eq!(list(&app, &league, &format!("unit={XILINGOL}")).await.len(), 3);
    let revoked = list(&app, &league, "status=revoked").await;
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0]["revoke_reason"], "年度考评后整改不到位，撤销称号。");
    assert_eq!(list(&app, &league, "level=2").await.len(), 1);
    assert_eq!(list(&app, &league, "kind=organisation").await.len(), 0);
    assert_eq!(list(&app, &league, &format!("year={}", y + 3)).await.len(), 1);
    assert_eq!(list(&app, &league, "status=active&level=3").await.len(), 1);
    assert_eq!(list(&app, &township, "").await.len(), 3, "the site's township sees them");
    // Paged by limit and offset, newest first.
    let first = list(&app, &league, "limit=2").await;
    let rest = list(&app, &league, "limit=2&offset=2").await;
    assert_eq!((first.len(), rest.len()), (2, 1));
    assert!(first[1]["id"].as_i64() > rest[0]["id"].as_i64());
    assert!(list(&app, &league, &format!("offset={}", i64::MAX)).await.is_empty());
    for bad in ["level=4", "kind=school", "status=gone", "year=26"] {
        let r = app.get(&league, &format!("/api/v1/demonstrations?{bad}")).await;
        assert_eq!(r.status(), 422, "{bad}");
    }

    // Every step audited, the reasons kept out of the log.
    let audit = app.store.demonstration_audit().await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "demonstration.designated",
            "demonstration.designated",
            "demonstration.evaluated",
            "demonstration.evaluated",
            "demonstration.revoked",
            "demonstration.designated",
        ]
    );
    assert!(audit.iter().all(|(_, d)| !d.contains("整改")));
}
both_backends!(designate_evaluate_revoke, designate_evaluate_revoke);

async fn bad_input_changes_nothing(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    let city = app.token("xilinhot").await;
    let township = app.token("baoligen").await;
    let home = home_at(&app, YILELT, "active").await;
    let closed = home_at(&app, HANAULA, "closed").await;
    let elsewhere = home_at(&app, ERENHOT, "active").await;
    let y = last_year();
    let ok = designation(XILINHOT, "home", home, y, y + 2);
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("period_to", json!(format!("{}-12-31", y - 1))), "period_to"),
        (with("period_from", json!("2026-02-30")), "period_from"),
        (with("items", json!([{"label": "组织建设", "weight": 30}, {"label": "活动开展", "weight": 60}])), "items"),
        (with("items", json!([{"label": "组织建设", "weight": 0}, {"label": "活动开展", "weight": 100}])), "items[0].weight"),
        (with("items", json!([])), "items"),
        (with("reason", json!("")), "reason"),
        (with("site_kind", json!("school")), "site_kind"),
        (with("unit_code", json!(BAOLIGEN)), "unit_code"),
        (with("unit_code", json!(ERENHOT)), "unit_code"),
        (with("site_id", json!(closed)), "site_id"),
    ] {
        let r = app.post_json(&city, "/api/v1/demonstrations", body.clone()).await;
        assert_eq!(error(r, 422).await.0, field, "{body}");
    }
    // A site outside the designating unit's subtree is missing.
    let r = app
        .post_json(&city, "/api/v1/demonstrations", with("site_id", json!(elsewhere)))
        .await;
    assert_eq!(r.status(), 404);
    let r = app
        .post_json(&city, "/api/v1/demonstrations", with("site_id", json!(999_999)))
        .await;
    assert_eq!(r.status(), 404);
    // A township does not designate.
    let r = app
        .post_json(&township, "/api/v1/demonstrations", designation(BAOLIGEN, "home", home, y, y + 2))
        .await;
    assert_eq!(error(r, 422).await, ("unit_code".into(), "invalid".into()));
    // Nothing was written anywhere.
    assert!(list(&app, &city, "").await.is_empty());
    assert_eq!(counts(&app, &city, XILINHOT).await["total"], 0);
    assert!(app.store.demonstration_audit().await.unwrap().is_empty());
    recount_ok(&app).await;
    // Malformed ids and unknown ones are missing.
    for p in ["/api/v1/demonstrations/abc", "/api/v1/demonstrations/0", "/api/v1/demonstrations/999999"] {
        assert_eq!(app.get(&city, p).await.status(), 404, "{p}");
    }
}
both_backends!(bad_input_changes_nothing, bad_input_changes_nothing);

/// Designations and revocations across levels, kinds and units in some
/// order; after each step the kept counters equal a recount, and the
/// counts the API reads equal the designations the list shows.
async fn counters_equal_a_recount(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("admin", "admin", REGION).await;
    let t = app.token("admin").await;
    let y = last_year();
    let homes = [
        home_at(&app, YILELT, "active").await,
        home_at(&app, HANAULA, "active").await,
        home_at(&app, BAOLIGEN, "active").await,
        home_at(&app, BAOTOU_BANNER, "active").await,
    ];
    let org = app
        .post_json(&t, "/api/v1/organisations", json!({"unit_code": YILELT, "name": "伊利勒特嘎查妇联",
            "established_on": "2016-03-08", "term_start": "2021-06-01", "term_years": 5,
            "members": [{"role": "chair", "name": "乌云其其格", "sex": "F", "ethnicity": "mongol",
                         "birth_year": 1982, "education": "college", "political": "cpc_member",
                         "phone": "13800001234", "full_time": false, "on_village_committee": true}]}))
        .await;
    assert_eq!(org.status(), 201);
    let org = org.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut made = Vec::new();
    let designators = [REGION, XILINGOL, XILINHOT];
    for (i, &h) in homes.iter().enumerate() {
        for (j, &unit) in designators.iter().enumerate() {
            // 包头 lies outside 锡林郭勒: only the region designates it.
            if i == 3 && j > 0 {
                continue;
            }
            let r = app
                .post_json(&t, "/api/v1/demonstrations", designation(unit, "home", h, y, y + 1))
                .await;
            assert_eq!(r.status(), 201);
            made.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
            recount_ok(&app).await;
        }
    }
    for unit in designators {
        let r = app
            .post_json(&t, "/api/v1/demonstrations", designation(unit, "organisation", org, y, y + 1))
            .await;
        assert_eq!(r.status(), 201);
        made.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    for id in made.iter().step_by(3) {
        let r = app
            .post_json(&t, &format!("/api/v1/demonstrations/{id}/revoke"), json!({"reason": "复核撤销"}))
            .await;
        assert_eq!(r.status(), 204);
        recount_ok(&app).await;
    }
    for unit in [REGION, XILINGOL, XILINHOT, BAOLIGEN, YILELT, BAOTOU] {
        let c = counts(&app, &t, unit).await;
        let standing = list(&app, &t, &format!("unit={unit}&limit=500")).await;
        let standing: Vec<_> = standing.iter().filter(|d| d["status"] != "revoked").collect();
        assert_eq!(c["total"].as_i64().unwrap(), standing.len() as i64, "{unit}");
        for (lv, name) in [(1, "region"), (2, "league"), (3, "banner")] {
            for kind in ["organisation", "home"] {
                let n = standing
                    .iter()
                    .filter(|d| d["level"] == lv && d["site_kind"] == kind)
                    .count() as i64;
                assert_eq!(c[format!("{name}_{kind}s")].as_i64().unwrap(), n, "{unit} {name} {kind}");
            }
        }
    }
}
both_backends!(counters_equal_a_recount, counters_equal_a_recount);

async fn web_pages(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let user = app.add_user("xilinhot", "admin", XILINHOT).await;
    let home = home_at(&app, YILELT, "active").await;
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
    let y = last_year();
    let page = get("/demonstrations/new".into()).await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!("home:{home}")), "the home is offered");
    let form = |w: &str| {
        vec![
            ("unit_code", XILINHOT.to_owned()),
            ("site", format!("home:{home}")),
            ("period_from", format!("{y}-01-01")),
            ("period_to", format!("{}-12-31", y + 2)),
            ("reason", "妇女之家规范化建设示范".to_owned()),
            ("item_label_0", "组织建设".to_owned()),
            ("item_weight_0", "40".to_owned()),
            ("item_label_1", "活动开展".to_owned()),
            ("item_weight_1", w.to_owned()),
            ("item_label_2", String::new()),
            ("item_weight_2", String::new()),
        ]
    };
    let r = post(form("50"), "/demonstrations".into()).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("各项分值合计必须是 100 分"), "the total's message");
    assert!(page.contains("妇女之家规范化建设示范"), "typed text kept");
    let r = post(form("x"), "/demonstrations".into()).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("item_weight_1-err"), "error next to the field");
    // A designating unit outside her subtree reads like an unknown one.
    let mut other = form("60");
    other[0].1 = ERENHOT.to_owned();
    let r = post(other, "/demonstrations".into()).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("没有这个单位，或它不在您的管辖范围内"));
    let r = post(form("60"), "/demonstrations".into()).await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with("/demonstrations/"), "{to}");
    let id = to
        .trim_start_matches("/demonstrations/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let page = get(to.clone()).await.unwrap().text().await.unwrap();
    assert!(page.contains("已命名为示范点"));
    assert!(page.contains(&format!("action=\"/demonstrations/{id}/evaluations\"")));
    // A score above the item's points comes back beside the field.
    let eval = |a: &str| {
        vec![
            ("year", y.to_string()),
            ("score_0", a.to_owned()),
            ("score_1", "55".to_owned()),
            ("note", "材料齐全".to_owned()),
        ]
    };
    let r = post(eval("41"), format!("/demonstrations/{id}/evaluations")).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("score_0-err") && page.contains("材料齐全"));
    let r = post(eval("38"), format!("/demonstrations/{id}/evaluations")).await.unwrap();
    assert_eq!(r.status(), 303);
    let page = get(format!("/demonstrations/{id}")).await.unwrap().text().await.unwrap();
    assert!(page.contains("<strong>93</strong>"), "the total");
    let r = post(vec![("reason", " ".into())], format!("/demonstrations/{id}/revoke")).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("reason-err"));
    let r = post(vec![("reason", "复核不达标".into())], format!("/demonstrations/{id}/revoke")).await.unwrap();
    assert_eq!(r.status(), 303);
    let page = get(format!("/demonstrations/{id}")).await.unwrap().text().await.unwrap();
    assert!(page.contains("复核不达标") && !page.contains("/evaluations\""), "revoked: no more evaluating");
    let page = get(format!("/demonstrations?unit={XILINHOT}&status=revoked")).await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/demonstrations/{id}")));
    let r = get("/demonstrations?level=9".into()).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("level-err"));
    let r = get("/demonstrations?before=x".into()).await.unwrap();
    assert_eq!(r.status(), 404);
    recount_ok(&app).await;
}
both_backends!(web_pages, web_pages);

pub mod matrix_cases {
    use jinguo_domain::UnitCode;
    use jinguo_domain::demonstration::{DesignationDraft, ItemDraft, SiteKind};
    use jinguo_store::demonstrations::{DemoWho, NewDemonstration, SiteRef};
    use jinguo_store::{DemonstrationStore, UnitStore};
    use serde_json::json;

    use super::{home_at, last_year};
    use crate::matrix::{
        Body, Call, Case, Cases, Fixture, Fixtures, Kind, ModuleCases, Target, call, form,
    };
    use crate::support::*;

    /// The designating unit for a site at `code`: the unit itself when it
    /// may designate, else the city above the matrix's township.
    fn designator(code: &str) -> &str {
        if code == BAOLIGEN { XILINHOT } else { code }
    }

    async fn new_site(fx: &Fixtures<'_>, code: &'static str) -> Target {
        Target::Record(home_at(fx.app, code, "active").await, code)
    }

    /// A designation (one item of 100 points, last year to next) of a
    /// home at the unit.
    async fn new_designation(fx: &Fixtures<'_>, code: &'static str) -> Target {
        let app = fx.app;
        let home = home_at(app, code, "active").await;
        let unit = app
            .store
            .unit_by_code(&UnitCode::parse(designator(code)).unwrap())
            .await
            .unwrap();
        let y = last_year();
        let fields = DesignationDraft {
            period_from: format!("{y}-01-01"),
            period_to: format!("{}-12-31", y + 2),
            reason: "矩阵".into(),
            items: vec![ItemDraft {
                label: "综合".into(),
                weight: Some(100),
            }],
        }
        .validate()
        .unwrap();
        let id = app
            .store
            .create_demonstration(
                app.store.system_scope(&unit),
                NewDemonstration {
                    designator: unit.id,
                    site: SiteRef {
                        kind: SiteKind::Home,
                        id: home,
                    },
                    fields,
                },
                &DemoWho::default(),
                1,
            )
            .await
            .unwrap();
        Target::Record(id.get(), code)
    }

    /// A Women's Home at the unit, to designate.
    static SITE: Fixture = Fixture {
        make: |fx, code| Box::pin(new_site(fx, code)),
    };
    /// A designation of a home at the unit.
    static DESIGNATION: Fixture = Fixture {
        make: |fx, code| Box::pin(new_designation(fx, code)),
    };

    fn body(t: &Target) -> serde_json::Value {
        let y = last_year();
        json!({"unit_code": designator(t.code()), "site_kind": "home",
               "site_id": t.id().parse::<i64>().unwrap(),
               "period_from": format!("{y}-01-01"), "period_to": format!("{}-12-31", y + 1),
               "reason": "矩阵", "items": [{"label": "综合", "weight": 100}]})
    }

    fn cases(m: &mut Cases) {
        let u = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Unit,
        };
        let d = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Module(&DESIGNATION),
        };
        // The designating unit in the body: outside the subtree it is a
        // field error, worded exactly like an unknown unit.
        m.insert(
            ("POST", "/api/v1/demonstrations"),
            Case {
                build: |t| Call {
                    path: "/api/v1/demonstrations".into(),
                    body: Body::Json(body(t)),
                },
                ok: 201,
                out_of_scope: 422,
                kind: Kind::Module(&SITE),
            },
        );
        m.insert(
            ("GET", "/api/v1/demonstrations"),
            u(|t| call(format!("/api/v1/demonstrations?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/api/v1/demonstrations/{id}"),
            d(|t| call(format!("/api/v1/demonstrations/{}", t.id())), 200),
        );
        m.insert(
            ("POST", "/api/v1/demonstrations/{id}/evaluations"),
            d(
                |t| Call {
                    path: format!("/api/v1/demonstrations/{}/evaluations", t.id()),
                    body: Body::Json(json!({"year": last_year(), "scores": [90]})),
                },
                201,
            ),
        );
        m.insert(
            ("POST", "/api/v1/demonstrations/{id}/revoke"),
            d(
                |t| Call {
                    path: format!("/api/v1/demonstrations/{}/revoke", t.id()),
                    body: Body::Json(json!({"reason": "矩阵撤销"})),
                },
                204,
            ),
        );
        m.insert(
            ("GET", "/api/v1/units/{code}/demonstrations/counts"),
            u(
                |t| call(format!("/api/v1/units/{}/demonstrations/counts", t.code())),
                200,
            ),
        );
        m.insert(
            ("GET", "/demonstrations"),
            u(|t| call(format!("/demonstrations?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/demonstrations/new"),
            u(|t| call(format!("/demonstrations/new?unit={}", t.code())), 200),
        );
        m.insert(
            ("POST", "/demonstrations"),
            Case {
                build: |t| {
                    let y = last_year();
                    form(
                        "/demonstrations".into(),
                        &[
                            ("unit_code", designator(t.code()).to_owned()),
                            ("site", format!("home:{}", t.id())),
                            ("period_from", format!("{y}-01-01")),
                            ("period_to", format!("{}-12-31", y + 1)),
                            ("reason", "矩阵".into()),
                            ("item_label_0", "综合".into()),
                            ("item_weight_0", "100".into()),
                        ],
                    )
                },
                ok: 303,
                out_of_scope: 422,
                kind: Kind::Module(&SITE),
            },
        );
        m.insert(
            ("GET", "/demonstrations/{id}"),
            d(|t| call(format!("/demonstrations/{}", t.id())), 200),
        );
        m.insert(
            ("POST", "/demonstrations/{id}/evaluations"),
            d(
                |t| {
                    form(
                        format!("/demonstrations/{}/evaluations", t.id()),
                        &[("year", last_year().to_string()), ("score_0", "90".into())],
                    )
                },
                303,
            ),
        );
        m.insert(
            ("POST", "/demonstrations/{id}/revoke"),
            d(
                |t| {
                    form(
                        format!("/demonstrations/{}/revoke", t.id()),
                        &[("reason", "矩阵撤销".into())],
                    )
                },
                303,
            ),
        );
    }

    inventory::submit!(ModuleCases(cases));
}
