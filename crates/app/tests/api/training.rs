//! The training plan over the API and the pages: the city plans a class,
//! the township enrols the village chair with her account, she scans the
//! class's code, the keeper ticks the others off the roll, coverage moves
//! and equals a recount; the refusals that change nothing (enrolled twice,
//! over the places, a code expired or signed for another class, not
//! enrolled, a class ending before it starts); names for those who may
//! read personal data only; the offline roll; the certificate.

use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn member(role: &str, name: &str) -> Value {
    json!({"role": role, "name": name, "sex": "F", "ethnicity": "mongol", "birth_year": 1982,
           "education": "college", "political": "cpc_member", "full_time": false,
           "on_village_committee": false})
}

fn committee(chair: &str) -> Vec<Value> {
    vec![
        member("chair", chair),
        member("vice_chair", "萨仁"),
        member("member", "其其格"),
    ]
}

fn org(unit: &str, chair: &str) -> Value {
    json!({"unit_code": unit, "name": "妇联", "established_on": "2016-03-08",
           "term_start": "2024-06-01", "term_years": 5, "members": committee(chair)})
}

pub(crate) fn year() -> i32 {
    time::OffsetDateTime::now_utc().date().year()
}

/// A class from today (within this year) for a day, or ending before it
/// starts with `backwards`.
pub(crate) fn class_json(hours: i64, places: Value, backwards: bool) -> Value {
    let today = time::OffsetDateTime::now_utc().date();
    let end = (today + time::Duration::days(1))
        .min(time::Date::from_calendar_date(today.year(), time::Month::December, 31).unwrap());
    let (s, e) = if backwards { (end, today) } else { (today, end) };
    let f = jinguo_domain::activity::format_date;
    json!({"title": "第一期", "starts_on": f(s), "ends_on": f(e), "mode": "venue",
           "place": "市委党校", "hours": hours, "capacity": 30, "places": places})
}

async fn json_of(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status, "{:?}", r.url().path());
    r.json().await.unwrap()
}

fn field(v: &Value) -> &str {
    v["error"]["field"].as_str().unwrap_or("")
}

fn key_of(v: &Value) -> String {
    v["error"]["fields"][field(v)]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn story(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    let yilelt_id = app.add_user("yilelt", "admin", YILELT).await;
    let hanaula_id = app.add_user("hanaula", "admin", HANAULA).await;
    app.add_user("auditor", "auditor", REGION).await;
    let city = app.token("xilinhot").await;
    let town = app.token("baoligen").await;

    // Two village federations, three members each.
    let o1 = json_of(app.post_json(&town, "/api/v1/organisations", org(YILELT, "乌云")).await, 201).await;
    json_of(app.post_json(&town, "/api/v1/organisations", org(HANAULA, "娜仁")).await, 201).await;
    let c: Value = json_of(
        app.get(&town, &format!("/api/v1/organisations/{}/committee", o1["id"])).await,
        200,
    )
    .await;
    let ids: Vec<i64> = c["members"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect();

    // The plan: a township may not plan; the city may.
    // With its Mongolian title (领头雁培训 as the catalogue has it), for the certificate.
    let p = json!({"unit_code": BAOLIGEN, "title": "领头雁", "year": year(),
                   "title_mn": "ᠲᠡᠷᠢᠭᠦᠯᠡᠭᠴᠢ ᠭᠠᠯᠠᠭᠤ ᠶᠢᠨ ᠰᠤᠷᠭᠠᠯᠲᠠ",
                   "audience": "village_chairs", "target": 40, "hours": 8});
    let e = json_of(app.post_json(&city, "/api/v1/training/programmes", p.clone()).await, 422).await;
    assert_eq!(field(&e), "unit_code");
    let mut p = p;
    p["unit_code"] = json!(XILINHOT);
    let pid = json_of(app.post_json(&city, "/api/v1/training/programmes", p).await, 201).await["id"]
        .as_i64()
        .unwrap();
    let classes = format!("/api/v1/training/programmes/{pid}/classes");
    let places = json!([{"unit_code": BAOLIGEN, "places": 2}]);
    let e = json_of(app.post_json(&city, &classes, class_json(8, places.clone(), true)).await, 422).await;
    assert_eq!(field(&e), "ends_on", "a class ending before it starts");
    let e = json_of(
        app.post_json(&city, &classes, class_json(8, json!([{"unit_code": ERENHOT, "places": 2}]), false))
            .await,
        422,
    )
    .await;
    assert_eq!(field(&e), "places[0].unit_code");
    let class = json_of(app.post_json(&city, &classes, class_json(8, places, false)).await, 201).await["id"]
        .as_i64()
        .unwrap();
    let other = json_of(app.post_json(&city, &classes, class_json(8, json!([]), false)).await, 201).await["id"]
        .as_i64()
        .unwrap();

    // The township sees the class open to it and enrols.
    let open = json_of(app.get(&town, &format!("/api/v1/training/classes?unit={BAOLIGEN}")).await, 200).await;
    assert_eq!(open["classes"][0]["places_for_unit"]["places"], 2);
    let enrol = |m: i64, account: Option<i64>| json!({"class": class, "member": m, "account": account});
    let chair = json_of(
        app.post_json(&town, "/api/v1/training/enrolments", enrol(ids[0], Some(yilelt_id.get()))).await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let cov_before = json_of(app.get(&city, &format!("/api/v1/units/{XILINHOT}/training-coverage")).await, 200).await;
    let e = json_of(app.post_json(&town, "/api/v1/training/enrolments", enrol(ids[0], None)).await, 422).await;
    assert_eq!((field(&e), key_of(&e).is_empty()), ("member", false), "enrolled twice");
    let e = json_of(
        app.post_json(&town, "/api/v1/training/enrolments", enrol(ids[1], Some(hanaula_id.get()))).await,
        422,
    )
    .await;
    assert_eq!(field(&e), "account", "an account of another unit");
    let vice = json_of(app.post_json(&town, "/api/v1/training/enrolments", enrol(ids[1], None)).await, 201).await["id"]
        .as_i64()
        .unwrap();
    let e = json_of(app.post_json(&town, "/api/v1/training/enrolments", enrol(ids[2], None)).await, 422).await;
    assert_eq!(field(&e), "places", "over the township's places");
    let h = app.token("hanaula").await;
    let e = json_of(app.post_json(&h, "/api/v1/training/enrolments", enrol(ids[2], None)).await, 422).await;
    assert_eq!(field(&e), "member", "a member outside the scope");
    let cov = json_of(app.get(&city, &format!("/api/v1/units/{XILINHOT}/training-coverage")).await, 200).await;
    assert_eq!(cov["enrolled"], 2);
    assert_eq!(cov["enrolled"].as_i64().unwrap() - cov_before["enrolled"].as_i64().unwrap(), 1);

    // The code: her scan with a bad, expired, foreign code changes nothing.
    let code = json_of(app.get(&city, &format!("/api/v1/training/classes/{class}/code")).await, 200).await;
    let token = code["token"].as_str().unwrap().to_owned();
    assert!(code["url"].as_str().unwrap().contains("/training/scan?t="));
    let y = app.token("yilelt").await;
    let scan = |t: &str, c: Option<i64>| json!({"token": t, "class": c});
    let e = json_of(app.post_json(&y, "/api/v1/training/attendance", scan("1.2.3", None)).await, 422).await;
    assert_eq!(key_of(&e), state_msg(&e, "token"));
    let now = jinguo_app::state::now();
    let expired = jinguo_app::training::code::issue(jinguo_domain::training::ClassId::new(class), now - 120);
    let e = json_of(app.post_json(&y, "/api/v1/training/attendance", scan(&expired, None)).await, 422).await;
    assert_eq!(field(&e), "token");
    let foreign = jinguo_app::training::code::issue(jinguo_domain::training::ClassId::new(other), now);
    let e = json_of(app.post_json(&y, "/api/v1/training/attendance", scan(&foreign, Some(class))).await, 422).await;
    assert_eq!(field(&e), "token", "signed for another class");
    let e = json_of(app.post_json(&y, "/api/v1/training/attendance", scan(&foreign, None)).await, 422).await;
    assert_eq!(field(&e), "token", "not enrolled in the other class");
    let e = json_of(app.post_json(&h, "/api/v1/training/attendance", scan(&token, None)).await, 422).await;
    assert_eq!(field(&e), "token", "not enrolled");
    assert_eq!(
        json_of(app.get(&city, &format!("/api/v1/units/{XILINHOT}/training-coverage")).await, 200).await["attended"],
        0
    );
    // Her scan counts once and completes the programme (8 hours).
    let a = json_of(app.post_json(&y, "/api/v1/training/attendance", scan(&token, Some(class))).await, 200).await;
    assert_eq!((a["already"].as_bool(), a["completed_now"].as_bool()), (Some(false), Some(true)));
    let a = json_of(app.post_json(&y, "/api/v1/training/attendance", scan(&token, None)).await, 200).await;
    assert_eq!(a["already"], true);

    // The keeper's roll: an enrolment of another class refuses the whole roll.
    let roll = format!("/api/v1/training/classes/{class}/attendance");
    let e = json_of(app.post_json(&city, &roll, json!({"enrolments": [vice, 999999]})).await, 422).await;
    assert_eq!(field(&e), "enrolment");
    json_of(app.post_json(&city, &roll, json!({"enrolments": [vice]})).await, 200).await;
    let cov = json_of(app.get(&city, &format!("/api/v1/units/{XILINHOT}/training-coverage")).await, 200).await;
    assert_eq!(cov["attended"], 2);
    assert_eq!(cov["hours"], 16);
    assert_eq!(cov["classes_held"], 1);
    assert_eq!(cov["attendance_pct"], 100.0);
    assert_eq!(cov["village_chairs"], 2);
    assert_eq!(cov["chairs_trained_year"], 1);
    assert_eq!(cov["chairs_trained_term"], 1);
    assert_eq!(cov["chairs_trained_year_pct"], 50.0);
    let b = cov["children"].as_array().unwrap().iter().find(|c| c["unit"]["code"] == BAOLIGEN).unwrap();
    assert_eq!(b["hours_per_person"], 8.0);
    let roll_v = json_of(app.get(&city, &format!("/api/v1/training/classes/{class}/enrolments")).await, 200).await;
    assert_eq!(roll_v["enrolments"].as_array().unwrap().len(), 2);
    assert_eq!(roll_v["enrolments"][0]["name"], "乌云");
    let mine = json_of(app.get(&town, "/api/v1/training/enrolments").await, 200).await;
    assert_eq!(mine["enrolments"].as_array().unwrap().len(), 2);

    // Scope and personal data: the auditor reads figures, not names; a
    // sibling league sees no class.
    let aud = app.token("auditor").await;
    json_of(app.get(&aud, &format!("/api/v1/units/{XILINHOT}/training-coverage")).await, 200).await;
    assert_eq!(app.get(&aud, &format!("/api/v1/training/classes/{class}/enrolments")).await.status(), 403);
    assert_eq!(app.get(&town, &format!("/api/v1/training/classes/{class}")).await.status(), 404);

    // An election replaces the trained chair: "this term" drops, "this year" stays.
    let body = json!({"held_on": jinguo_domain::activity::format_date(time::OffsetDateTime::now_utc().date()),
                      "members": committee("新主席")});
    json_of(app.post_json(&town, &format!("/api/v1/organisations/{}/elections", o1["id"]), body).await, 201).await;
    let cov = json_of(app.get(&city, &format!("/api/v1/units/{XILINHOT}/training-coverage")).await, 200).await;
    assert_eq!((cov["chairs_trained_term"].as_i64(), cov["chairs_trained_year"].as_i64()), (Some(0), Some(1)));
    let m = app.store.training_mismatches().await.unwrap();
    assert!(m.is_empty(), "{m:#?}");

    // Pages: the class with its code, the scan page, the certificate, the
    // untrained chairs, the export, the offline roll.
    let user = app.add_user("keeper", "admin", XILINHOT).await;
    let (tok, csrf) = app.session_for(user).await;
    let cookie = format!("jinguo_session={tok}");
    let get = |path: String| {
        let req = app.client.get(app.url(&path)).header(COOKIE, &cookie);
        async move { req.send().await.unwrap() }
    };
    let page = get(format!("/training/classes/{class}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("data-scan-url=") && html.contains("<svg"), "the QR code");
    assert!(html.contains("乌云"));
    let cert = get(format!("/training/enrolments/{chair}/certificate")).await;
    assert_eq!(cert.status(), 200);
    let cert = cert.text().await.unwrap();
    assert!(cert.contains("乌云") && cert.contains("结业证书"));
    // The programme's Mongolian title in the Mongolian column (first), the
    // Chinese one in the Chinese column.
    let (mn, zh) = cert.split_at(cert.find("class=\"zh\"").unwrap());
    assert!(mn.contains("«ᠲᠡᠷᠢᠭᠦᠯᠡᠭᠴᠢ ᠭᠠᠯᠠᠭᠤ ᠶᠢᠨ ᠰᠤᠷᠭᠠᠯᠲᠠ»") && !mn.contains("“领头雁”"));
    assert!(zh.contains("“领头雁”"));
    assert_eq!(get(format!("/training/enrolments/{vice}/certificate")).await.status(), 200);
    let un = get(format!("/training-coverage/untrained?unit={XILINHOT}")).await.text().await.unwrap();
    assert!(un.contains("娜仁") && un.contains("新主席") && !un.contains("乌云"));
    let x = get(format!("/training-coverage/export.xlsx?unit={XILINHOT}")).await;
    assert_eq!(x.status(), 200);
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(get(format!("/training/scan?t={token}")).await.status(), 200);
    assert_eq!(get("/training/scan?t=nonsense".into()).await.status(), 422);
    for path in ["/training", "/training-coverage", "/training/enrol"] {
        assert_eq!(get(path.into()).await.status(), 200, "{path}");
    }
    // The offline roll: a bad row refuses the file, nothing recorded.
    let bad = roll_xlsx(&[("999999", "是")]);
    let post = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("roll.xlsx"));
        let req = app
            .client
            .post(app.url(&format!("/training/classes/{class}/roll")))
            .header(COOKIE, &cookie)
            .multipart(form);
        async move { req.send().await.unwrap() }
    };
    assert_eq!(post(bad).await.status(), 422);
    assert_eq!(post(roll_xlsx(&[(&vice.to_string(), "是")])).await.status(), 303);
    let m = app.store.training_mismatches().await.unwrap();
    assert!(m.is_empty(), "{m:#?}");
}
both_backends!(training_story, story);

/// The message the field carries (any non-empty one).
fn state_msg(e: &Value, f: &str) -> String {
    assert_eq!(field(e), f);
    key_of(e)
}

/// A roll workbook with rows of (enrolment number, attended).
pub(crate) fn roll_xlsx(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["报名编号", "姓名", "单位", "出勤"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (id, att)) in rows.iter().enumerate() {
        ws.write_string(r as u32 + 1, 0, *id).unwrap();
        ws.write_string(r as u32 + 1, 3, *att).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

// ---- The module's routes in the authorization matrix ----

mod matrix_cases {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use serde_json::{Value, json};

    use super::{class_json, roll_xlsx, year};
    use crate::matrix::{Body, Call, Case, Cases, Fixture, Fixtures, Kind, ModuleCases, Target, call, form};
    use crate::support::*;

    /// The unit that plans for a matrix unit: itself, or for the township
    /// its banner (a township does not plan).
    fn planner(code: &str) -> &str {
        if code == BAOLIGEN { XILINHOT } else { code }
    }

    fn programme_json(code: &str) -> Value {
        json!({"unit_code": planner(code), "title": "矩阵培训", "year": year(),
               "audience": "village_chairs", "target": 10, "hours": 1})
    }

    async fn post(fx: &Fixtures<'_>, path: &str, body: Value) -> i64 {
        let r = fx.app.post_json(fx.region_token, path, body).await;
        assert!(r.status().is_success(), "fixture {path}: {}", r.status());
        r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    async fn new_programme(fx: &Fixtures<'_>, code: &'static str) -> i64 {
        post(fx, "/api/v1/training/programmes", programme_json(code)).await
    }

    async fn new_class(fx: &Fixtures<'_>, code: &'static str) -> i64 {
        let p = new_programme(fx, code).await;
        post(fx, &format!("/api/v1/training/programmes/{p}/classes"), class_json(1, json!([]), false)).await
    }

    /// A committee member of a new sector federation under the unit, and a
    /// class planned on her path: (class, member).
    async fn new_member(fx: &Fixtures<'_>, code: &'static str) -> (i64, i64) {
        let r = fx
            .app
            .post_json(fx.region_token, &format!("/api/v1/units/{code}/sectors"), json!({"name": "矩阵园区"}))
            .await;
        assert_eq!(r.status(), 201, "sector fixture");
        let sector = r.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_owned();
        let org = post(
            fx,
            "/api/v1/organisations",
            json!({"unit_code": sector, "name": "矩阵妇联", "kind": "sector", "field": "park",
                   "established_on": "2020-01-01", "term_start": "2021-01-01",
                   "members": [{"role": "chair", "name": "矩阵主席", "sex": "F", "ethnicity": "han",
                                "birth_year": 1980, "education": "college", "political": "masses"}]}),
        )
        .await;
        let c: Value = fx
            .app
            .get(fx.region_token, &format!("/api/v1/organisations/{org}/committee"))
            .await
            .json()
            .await
            .unwrap();
        (new_class(fx, code).await, c["members"][0]["id"].as_i64().unwrap())
    }

    /// Classes of the members the enrolment fixture made.
    static CLASS_OF: Mutex<Option<HashMap<i64, i64>>> = Mutex::new(None);

    fn class_of(member: &str) -> i64 {
        let m: i64 = member.parse().unwrap_or(0);
        CLASS_OF.lock().unwrap().as_ref().and_then(|h| h.get(&m).copied()).unwrap_or(999_999)
    }

    /// Classes of the materials the material fixture made.
    static CLASS_OF_MATERIAL: Mutex<Option<HashMap<i64, i64>>> = Mutex::new(None);

    fn material_path(material: &str) -> String {
        let m: i64 = material.parse().unwrap_or(0);
        let c = CLASS_OF_MATERIAL.lock().unwrap().as_ref().and_then(|h| h.get(&m).copied()).unwrap_or(999_999);
        format!("/training/classes/{c}/materials/{material}")
    }

    /// A class with one material, its file written where uploads go.
    async fn new_material(fx: &Fixtures<'_>, code: &'static str) -> i64 {
        use jinguo_store::{TrainingStore, UnitStore};
        let class = new_class(fx, code).await;
        let storage_name = jinguo_app::photos::files::PhotoFiles::in_folder(&fx.app.data_dir, "attachments")
            .write(b"%PDF-1.4 matrix")
            .await
            .unwrap();
        let root = fx.app.store.root_unit().await.unwrap();
        let c = fx
            .app
            .store
            .class_in_scope(fx.app.store.system_scope(&root), jinguo_domain::training::ClassId::new(class))
            .await
            .unwrap();
        let new = jinguo_store::model::NewAttachment {
            name: "讲义.pdf".into(),
            content_type: "application/pdf",
            byte_size: 15,
            storage_name,
        };
        let id = fx.app.store.add_materials(&c, &[new], 10, None, 1).await.unwrap()[0].get();
        CLASS_OF_MATERIAL.lock().unwrap().get_or_insert_with(HashMap::new).insert(id, class);
        id
    }

    static MATERIAL: Fixture = Fixture {
        make: |fx, code| Box::pin(async move { Target::Record(new_material(fx, code).await, code) }),
    };
    static PROGRAMME: Fixture = Fixture {
        make: |fx, code| Box::pin(async move { Target::Record(new_programme(fx, code).await, code) }),
    };
    static CLASS: Fixture = Fixture {
        make: |fx, code| Box::pin(async move { Target::Record(new_class(fx, code).await, code) }),
    };
    static MEMBER: Fixture = Fixture {
        make: |fx, code| {
            Box::pin(async move {
                let (class, member) = new_member(fx, code).await;
                CLASS_OF.lock().unwrap().get_or_insert_with(HashMap::new).insert(member, class);
                Target::Record(member, code)
            })
        },
    };
    /// A completed enrolment (the programme asks one hour, the class has it).
    static COMPLETED: Fixture = Fixture {
        make: |fx, code| {
            Box::pin(async move {
                let (class, member) = new_member(fx, code).await;
                let e = post(fx, "/api/v1/training/enrolments", json!({"class": class, "member": member})).await;
                let r = fx
                    .app
                    .post_json(
                        fx.region_token,
                        &format!("/api/v1/training/classes/{class}/attendance"),
                        json!({"enrolments": [e]}),
                    )
                    .await;
                assert_eq!(r.status(), 200, "attendance fixture");
                Target::Record(e, code)
            })
        },
    };

    fn cases(m: &mut Cases) {
        let unit = |build, ok| Case { build, ok, out_of_scope: 404, kind: Kind::Unit };
        let rec = |build, ok, f: &'static Fixture| Case { build, ok, out_of_scope: 404, kind: Kind::Module(f) };
        // Anybody with the capability: a bad code is refused alike.
        let same = |build, ok| Case { build, ok, out_of_scope: ok, kind: Kind::Unit };
        m.insert(
            ("POST", "/api/v1/training/programmes"),
            Case {
                build: |t| Call {
                    path: "/api/v1/training/programmes".into(),
                    body: Body::Json(programme_json(t.code())),
                },
                ok: 201,
                out_of_scope: 422,
                kind: Kind::Unit,
            },
        );
        m.insert(
            ("POST", "/training/programmes"),
            Case {
                build: |t| {
                    form(
                        "/training/programmes".into(),
                        &[
                            ("unit_code", planner(t.code()).to_owned()),
                            ("title", "矩阵培训".into()),
                            ("year", year().to_string()),
                            ("audience", "village_chairs".into()),
                            ("target", "10".into()),
                            ("hours", "1".into()),
                        ],
                    )
                },
                ok: 303,
                out_of_scope: 422,
                kind: Kind::Unit,
            },
        );
        m.insert(("GET", "/api/v1/training/programmes"), unit(|t| call(format!("/api/v1/training/programmes?unit={}", t.code())), 200));
        m.insert(("GET", "/api/v1/training/classes"), unit(|t| call(format!("/api/v1/training/classes?unit={}", t.code())), 200));
        m.insert(("GET", "/api/v1/training/enrolments"), unit(|t| call(format!("/api/v1/training/enrolments?unit={}", t.code())), 200));
        m.insert(
            ("GET", "/api/v1/units/{code}/training-coverage"),
            unit(|t| call(format!("/api/v1/units/{}/training-coverage", t.code())), 200),
        );
        m.insert(("GET", "/api/v1/training/programmes/{id}"), rec(|t| call(format!("/api/v1/training/programmes/{}", t.id())), 200, &PROGRAMME));
        m.insert(
            ("POST", "/api/v1/training/programmes/{id}/classes"),
            rec(
                |t| Call {
                    path: format!("/api/v1/training/programmes/{}/classes", t.id()),
                    body: Body::Json(class_json(1, json!([]), false)),
                },
                201,
                &PROGRAMME,
            ),
        );
        m.insert(("GET", "/api/v1/training/classes/{id}"), rec(|t| call(format!("/api/v1/training/classes/{}", t.id())), 200, &CLASS));
        m.insert(
            ("GET", "/api/v1/training/classes/{id}/enrolments"),
            rec(|t| call(format!("/api/v1/training/classes/{}/enrolments", t.id())), 200, &CLASS),
        );
        m.insert(("GET", "/api/v1/training/classes/{id}/code"), rec(|t| call(format!("/api/v1/training/classes/{}/code", t.id())), 200, &CLASS));
        m.insert(
            ("POST", "/api/v1/training/classes/{id}/attendance"),
            rec(
                |t| Call {
                    path: format!("/api/v1/training/classes/{}/attendance", t.id()),
                    body: Body::Json(json!({"enrolments": []})),
                },
                200,
                &CLASS,
            ),
        );
        // A member outside the subtree is a field error, worded exactly
        // like an unknown member.
        m.insert(
            ("POST", "/api/v1/training/enrolments"),
            Case {
                build: |t| Call {
                    path: "/api/v1/training/enrolments".into(),
                    body: Body::Json(json!({"class": class_of(&t.id()), "member": t.id().parse::<i64>().unwrap_or(0)})),
                },
                ok: 201,
                out_of_scope: 422,
                kind: Kind::Module(&MEMBER),
            },
        );
        m.insert(
            ("POST", "/training/enrolments"),
            Case {
                build: |t| {
                    form(
                        "/training/enrolments".into(),
                        &[("unit", t.code().to_owned()), ("class", class_of(&t.id()).to_string()), ("member", t.id())],
                    )
                },
                ok: 303,
                out_of_scope: 404,
                kind: Kind::Module(&MEMBER),
            },
        );
        m.insert(
            ("POST", "/api/v1/training/attendance"),
            same(|_| Call { path: "/api/v1/training/attendance".into(), body: Body::Json(json!({"token": "1.2.3"})) }, 422),
        );
        m.insert(("GET", "/training/scan"), same(|_| call("/training/scan?t=1.2.3".into()), 422));
        m.insert(("POST", "/training/scan"), same(|_| form("/training/scan".into(), &[("t", "1.2.3".into())]), 422));
        m.insert(("GET", "/training"), unit(|t| call(format!("/training?unit={}", t.code())), 200));
        m.insert(("GET", "/training/programmes/new"), unit(|t| call(format!("/training/programmes/new?unit={}", t.code())), 200));
        m.insert(("GET", "/training/enrol"), unit(|t| call(format!("/training/enrol?unit={}", t.code())), 200));
        m.insert(("GET", "/training-coverage"), unit(|t| call(format!("/training-coverage?unit={}", t.code())), 200));
        m.insert(("GET", "/training-coverage/export.xlsx"), unit(|t| call(format!("/training-coverage/export.xlsx?unit={}", t.code())), 200));
        m.insert(("GET", "/training-coverage/untrained"), unit(|t| call(format!("/training-coverage/untrained?unit={}", t.code())), 200));
        m.insert(("GET", "/training/programmes/{id}"), rec(|t| call(format!("/training/programmes/{}", t.id())), 200, &PROGRAMME));
        m.insert(
            ("GET", "/training/programmes/{id}/classes/new"),
            rec(|t| call(format!("/training/programmes/{}/classes/new", t.id())), 200, &PROGRAMME),
        );
        m.insert(
            ("POST", "/training/programmes/{id}/classes"),
            rec(
                |t| {
                    let c = class_json(1, json!([]), false);
                    let s = |k: &str| c[k].as_str().map_or_else(|| c[k].to_string(), str::to_owned);
                    form(
                        format!("/training/programmes/{}/classes", t.id()),
                        &[
                            ("title", s("title")),
                            ("starts_on", s("starts_on")),
                            ("ends_on", s("ends_on")),
                            ("mode", s("mode")),
                            ("place", s("place")),
                            ("hours", s("hours")),
                            ("capacity", s("capacity")),
                        ],
                    )
                },
                303,
                &PROGRAMME,
            ),
        );
        m.insert(("GET", "/training/classes/{id}"), rec(|t| call(format!("/training/classes/{}", t.id())), 200, &CLASS));
        m.insert(("GET", "/training/classes/{id}/code"), rec(|t| call(format!("/training/classes/{}/code", t.id())), 200, &CLASS));
        m.insert(
            ("POST", "/training/classes/{id}/attendance"),
            rec(|t| form(format!("/training/classes/{}/attendance", t.id()), &[]), 303, &CLASS),
        );
        m.insert(("GET", "/training/classes/{id}/roll.xlsx"), rec(|t| call(format!("/training/classes/{}/roll.xlsx", t.id())), 200, &CLASS));
        m.insert(
            ("POST", "/training/classes/{id}/roll"),
            rec(
                |t| Call { path: format!("/training/classes/{}/roll", t.id()), body: Body::Upload(roll_xlsx(&[])) },
                303,
                &CLASS,
            ),
        );
        m.insert(("GET", "/training/classes/{id}/materials/{material}"), rec(|t| call(material_path(&t.id())), 200, &MATERIAL));
        m.insert(
            ("POST", "/training/classes/{id}/materials"),
            rec(
                |t| Call { path: format!("/training/classes/{}/materials", t.id()), body: Body::Upload(b"%PDF-1.4\n%matrix\n".to_vec()) },
                303,
                &CLASS,
            ),
        );
        m.insert(
            ("GET", "/training/enrolments/{id}/certificate"),
            rec(|t| call(format!("/training/enrolments/{}/certificate", t.id())), 200, &COMPLETED),
        );
    }

    inventory::submit!(ModuleCases(cases));
}
