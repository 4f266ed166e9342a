//! Grassroots federations over the API and the web pages: creating one
//! with its committee, the refusals that change nothing, scope, personal
//! data only for those who may read it, an election, coverage equal to a
//! recount, the overdue-term notice to the unit above, the pages and the
//! Excel export.

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn member(role: &str, name: &str) -> Value {
    json!({"role": role, "name": name, "sex": "F", "ethnicity": "mongol", "birth_year": 1982,
           "education": "college", "political": "cpc_member", "phone": "13800001234",
           "full_time": false, "on_village_committee": role == "chair"})
}

fn seven() -> Vec<Value> {
    let mut m = vec![member("chair", "乌云其其格"), member("vice_chair", "萨仁")];
    for i in 0..5 {
        m.push(member("member", &format!("执委{i}")));
    }
    m
}

fn org(unit: &str, members: Vec<Value>) -> Value {
    json!({"unit_code": unit, "name": "伊利勒特嘎查妇联", "established_on": "2016-03-08",
           "term_start": "2021-06-01", "term_years": 5, "members": members})
}

async fn coverage(app: &TestApp, token: &str, unit: &str) -> Value {
    let r = app
        .get(token, &format!("/api/v1/units/{unit}/organisation-coverage"))
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn recount_ok(app: &TestApp) {
    let m = app.store.organisation_mismatches().await.unwrap();
    assert!(m.is_empty(), "{m:#?}");
}

fn fields(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

async fn create_elect_and_read(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    app.add_user("hanaula", "admin", HANAULA).await;
    app.add_user("auditor", "auditor", REGION).await;
    let t = app.token("baoligen").await;

    let r = app.post_json(&t, "/api/v1/organisations", org(YILELT, seven())).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let o: Value = app
        .get(&t, &format!("/api/v1/organisations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(o["kind"], "village");
    assert_eq!(o["next_election_due"], "2026-06-01");
    assert_eq!(o["members"], 7);
    assert_eq!(o["complete"], true);
    assert!(!o.to_string().contains("乌云"), "no names outside the committee");
    let c: Value = app
        .get(&t, &format!("/api/v1/organisations/{id}/committee"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["members"][0]["name"], "乌云其其格");
    assert_eq!(c["members"][0]["role"], "chair");
    assert_eq!(c["members"][0]["phone"], "138****1234");

    // Refusals: nothing changes.
    let r = app.post_json(&t, "/api/v1/organisations", org(YILELT, seven())).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "unit_code");
    let mut no_chair = seven();
    no_chair[0]["role"] = json!("member");
    let r = app.post_json(&t, "/api/v1/organisations", org(HANAULA, no_chair)).await;
    assert_eq!(r.status(), 422);
    assert!(fields(&r.json().await.unwrap()).contains(&"members".to_owned()));
    let mut backwards = org(HANAULA, seven());
    backwards["next_election_due"] = json!("2020-01-01");
    let r = app.post_json(&t, "/api/v1/organisations", backwards).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "next_election_due");
    let mut bad_member = seven();
    bad_member[3]["birth_year"] = json!(2020);
    bad_member[4]["phone"] = json!("12345");
    let r = app.post_json(&t, "/api/v1/organisations", org(HANAULA, bad_member)).await;
    assert_eq!(r.status(), 422);
    let f = fields(&r.json().await.unwrap());
    assert!(f.contains(&"members[3].birth_year".to_owned()), "{f:?}");
    assert!(f.contains(&"members[4].phone".to_owned()), "{f:?}");
    let r = app.post_json(&t, "/api/v1/organisations", org(ERENHOT, seven())).await;
    assert_eq!(r.status(), 422, "out of scope reads as unknown");
    let cov = coverage(&app, &t, BAOLIGEN).await;
    assert_eq!(cov["organisations"], 1);
    assert_eq!(cov["members"], 7);

    // Scope and personal data: a sibling village sees nothing; the
    // region's auditor sees figures only.
    let h = app.token("hanaula").await;
    for path in ["", "/committee", "/elections"] {
        let r = app.get(&h, &format!("/api/v1/organisations/{id}{path}")).await;
        assert_eq!(r.status(), 404, "{path}");
    }
    let a = app.token("auditor").await;
    assert_eq!(
        app.get(&a, &format!("/api/v1/organisations/{id}/committee")).await.status(),
        403
    );
    let cov = coverage(&app, &a, XILINHOT).await;
    assert_eq!(cov["village_organisations"], 1);
    assert_eq!(cov["overdue_terms"], 1, "due 2026-06-01");
    assert_eq!(cov["chairs_on_committee_pct"], 100.0);
    assert_eq!(cov["by_ethnicity"]["mongol"], 7);
    assert!(!cov.to_string().contains("乌云"));
    let b = cov["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit"]["code"] == BAOLIGEN)
        .unwrap();
    assert_eq!(b["members"], 7);
    assert!(b["established_pct"].as_f64().unwrap() > 0.0);

    // The election: a new committee of five whose chair is not on the
    // village committee.
    let mut five: Vec<Value> = seven().into_iter().take(5).collect();
    five[0]["on_village_committee"] = json!(false);
    let body = json!({"held_on": "2026-06-20", "note": "按期换届", "members": five});
    let r = app
        .post_json(&t, &format!("/api/v1/organisations/{id}/elections"), body.clone())
        .await;
    assert_eq!(r.status(), 201);
    let mut early = body.clone();
    early["held_on"] = json!("2021-01-01");
    let r = app
        .post_json(&t, &format!("/api/v1/organisations/{id}/elections"), early)
        .await;
    assert_eq!(r.status(), 422);
    let list: Value = app
        .get(&t, &format!("/api/v1/organisations/{id}/elections"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["elections"].as_array().unwrap().len(), 2);
    assert_eq!(list["elections"][0]["next_election_due"], "2031-06-20");
    let cov = coverage(&app, &t, BAOLIGEN).await;
    assert_eq!(
        (cov["members"].as_i64(), cov["overdue_terms"].as_i64()),
        (Some(5), Some(0))
    );
    assert_eq!(cov["chairs_on_committee_pct"], 0.0);
    let r = app.get(&t, "/api/v1/organisations?overdue=true").await;
    assert_eq!(r.json::<Value>().await.unwrap()["organisations"], json!([]));
    recount_ok(&app).await;
}
both_backends!(create_elect_and_read, create_elect_and_read);

async fn web_pages(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let user = app.add_user("baoligen", "admin", BAOLIGEN).await;
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
    let form = |chair_name: &str| {
        let mut f: Vec<(&'static str, String)> = vec![
            ("unit_code", YILELT.into()),
            ("name", "伊利勒特嘎查妇联".into()),
            ("kind", "village".into()),
            ("field", String::new()),
            ("established_on", "2016-03-08".into()),
            ("term_start", "2021-06-01".into()),
            ("term_years", "5".into()),
        ];
        for (i, name) in [chair_name, "萨仁", ""].iter().enumerate() {
            f.extend([
                ("m_role", if i == 0 { "chair" } else { "member" }.to_owned()),
                ("m_name", (*name).to_owned()),
                ("m_sex", "F".into()),
                ("m_ethnicity", "mongol".into()),
                ("m_birth_year", if name.is_empty() { "" } else { "1985" }.into()),
                ("m_education", "college".into()),
                ("m_political", "masses".into()),
                ("m_phone", String::new()),
                ("m_full_time", "0".into()),
                ("m_on_village_committee", "1".into()),
            ]);
        }
        f
    };
    let page = get("/organisations/new".into()).await.unwrap();
    assert_eq!(page.status(), 200);
    // A chair without a name comes back with the message next to it and
    // what was typed kept.
    let mut bad = form("");
    bad[11].1 = "1985".into();
    let r = post(bad, "/organisations".into()).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("members[0].name-err"), "error next to the field");
    assert!(page.contains("萨仁"), "typed text kept");
    let r = post(form("乌云"), "/organisations".into()).await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with("/organisations/"), "{to}");
    let page = get(to.clone()).await.unwrap().text().await.unwrap();
    assert!(page.contains("乌云"), "the committee, to an admin of the subtree");
    // A second organisation for the village: one message, at the unit.
    let r = post(form("乌云"), "/organisations".into()).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert_eq!(page.matches("id=\"unit_code-err\"").count(), 1, "{page}");
    let id = to
        .trim_start_matches("/organisations/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();

    // The overdue term is told to the township above, once. The server's
    // own sweep (at its start, then every ten minutes) may have told it
    // already; either way there is one notice.
    let n = app
        .store
        .add_term_notices(time::macros::date!(2026 - 12 - 01), 1)
        .await
        .unwrap();
    assert!(n <= 1);
    let told = jinguo_store::testing::scalar(
        &app.store,
        &format!("SELECT COUNT(*) FROM organisation_notices WHERE organisation_id = {id}"),
    )
    .await;
    assert_eq!(told, Some(1));
    let page = get(format!("/organisations?unit={BAOLIGEN}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("换届提醒"), "notice shown to the unit above");

    // An election through the form.
    let mut e: Vec<(&'static str, String)> = vec![
        ("held_on", "2026-06-20".into()),
        ("term_years", "5".into()),
        ("note", String::new()),
    ];
    e.extend(form("其其格").into_iter().filter(|(k, _)| k.starts_with("m_")));
    let r = post(e, format!("/organisations/{id}/elections")).await.unwrap();
    assert_eq!(r.status(), 303);
    let page = get(format!("/organisations/{id}")).await.unwrap().text().await.unwrap();
    assert!(page.contains("其其格") && page.contains("2031-06-20"));

    let page = get(format!("/organisation-coverage?unit={BAOLIGEN}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/organisation-coverage?unit={YILELT}")), "drill-down");
    let r = get(format!("/organisation-coverage/export.xlsx?unit={BAOLIGEN}"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx (zip) file");
    recount_ok(&app).await;
}
both_backends!(web_pages, web_pages);

// ---- The module's routes in the authorization matrix ----

mod matrix_cases {
    use serde_json::{Value, json};

    use crate::matrix::{
        Body, Call, Case, Cases, Fixture, Fixtures, Kind, ModuleCases, Target, call, form,
    };

    fn members() -> Vec<Value> {
        vec![json!({"role": "chair", "name": "矩阵主席", "sex": "F", "ethnicity": "han",
                    "birth_year": 1980, "education": "college", "political": "masses"})]
    }

    fn org_json(code: &str) -> Value {
        json!({"unit_code": code, "name": "矩阵妇联", "kind": "sector", "field": "park",
               "established_on": "2020-01-01", "term_start": "2021-01-01", "members": members()})
    }

    fn member_form() -> Vec<(&'static str, String)> {
        vec![
            ("m_role", "chair".into()),
            ("m_name", "矩阵主席".into()),
            ("m_sex", "F".into()),
            ("m_ethnicity", "han".into()),
            ("m_birth_year", "1980".into()),
            ("m_education", "college".into()),
            ("m_political", "masses".into()),
        ]
    }

    /// A new sector organisation (unit) under the unit, made by a region
    /// admin through the API, so each call has a unit without a federation.
    async fn new_sector(fx: &Fixtures<'_>, code: &'static str) -> &'static str {
        let r = fx
            .app
            .post_json(
                fx.region_token,
                &format!("/api/v1/units/{code}/sectors"),
                json!({"name": "矩阵园区"}),
            )
            .await;
        assert_eq!(r.status(), 201, "sector fixture");
        let v: Value = r.json().await.unwrap();
        Box::leak(v["code"].as_str().unwrap().to_owned().into_boxed_str())
    }

    async fn fresh_unit(fx: &Fixtures<'_>, code: &'static str) -> Target {
        Target::Record(0, new_sector(fx, code).await)
    }

    /// A federation of a new sector unit under the unit.
    async fn new_org(fx: &Fixtures<'_>, code: &'static str) -> Target {
        let sector = new_sector(fx, code).await;
        let r = fx
            .app
            .post_json(fx.region_token, "/api/v1/organisations", org_json(sector))
            .await;
        assert_eq!(r.status(), 201, "organisation fixture");
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        Target::Record(id, code)
    }

    static FRESH_UNIT: Fixture = Fixture {
        make: |fx, code| Box::pin(fresh_unit(fx, code)),
    };
    static ORG: Fixture = Fixture {
        make: |fx, code| Box::pin(new_org(fx, code)),
    };

    fn cases(m: &mut Cases) {
        let c = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Unit,
        };
        let o = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Module(&ORG),
        };
        // A unit outside the subtree in a body is a field error, worded
        // exactly like an unknown unit.
        m.insert(
            ("POST", "/api/v1/organisations"),
            Case {
                build: |t| Call {
                    path: "/api/v1/organisations".into(),
                    body: Body::Json(org_json(t.code())),
                },
                ok: 201,
                out_of_scope: 422,
                kind: Kind::Module(&FRESH_UNIT),
            },
        );
        m.insert(
            ("POST", "/organisations"),
            Case {
                build: |t| {
                    let mut f = vec![
                        ("unit_code", t.code().to_owned()),
                        ("name", "矩阵妇联".into()),
                        ("kind", "sector".into()),
                        ("field", "park".into()),
                        ("established_on", "2020-01-01".into()),
                        ("term_start", "2021-01-01".into()),
                        ("term_years", "5".into()),
                    ];
                    f.extend(member_form());
                    form("/organisations".into(), &f)
                },
                ok: 303,
                out_of_scope: 422,
                kind: Kind::Module(&FRESH_UNIT),
            },
        );
        m.insert(
            ("GET", "/api/v1/organisations"),
            c(|t| call(format!("/api/v1/organisations?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/api/v1/organisations/{id}"),
            o(|t| call(format!("/api/v1/organisations/{}", t.id())), 200),
        );
        m.insert(
            ("GET", "/api/v1/organisations/{id}/committee"),
            o(|t| call(format!("/api/v1/organisations/{}/committee", t.id())), 200),
        );
        m.insert(
            ("GET", "/api/v1/organisations/{id}/elections"),
            o(|t| call(format!("/api/v1/organisations/{}/elections", t.id())), 200),
        );
        m.insert(
            ("POST", "/api/v1/organisations/{id}/elections"),
            o(
                |t| Call {
                    path: format!("/api/v1/organisations/{}/elections", t.id()),
                    body: Body::Json(json!({"held_on": "2026-01-02", "members": members()})),
                },
                201,
            ),
        );
        m.insert(
            ("GET", "/api/v1/units/{code}/organisation-coverage"),
            c(
                |t| call(format!("/api/v1/units/{}/organisation-coverage", t.code())),
                200,
            ),
        );
        m.insert(
            ("GET", "/organisations"),
            c(|t| call(format!("/organisations?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/organisations/new"),
            c(|t| call(format!("/organisations/new?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/organisations/{id}"),
            o(|t| call(format!("/organisations/{}", t.id())), 200),
        );
        m.insert(
            ("GET", "/organisations/{id}/election"),
            o(|t| call(format!("/organisations/{}/election", t.id())), 200),
        );
        m.insert(
            ("POST", "/organisations/{id}/elections"),
            o(
                |t| {
                    let mut f = vec![
                        ("held_on", "2026-01-02".to_owned()),
                        ("term_years", "5".to_owned()),
                    ];
                    f.extend(member_form());
                    form(format!("/organisations/{}/elections", t.id()), &f)
                },
                303,
            ),
        );
        m.insert(
            ("GET", "/organisation-coverage"),
            c(|t| call(format!("/organisation-coverage?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/organisation-coverage/export.xlsx"),
            c(
                |t| call(format!("/organisation-coverage/export.xlsx?unit={}", t.code())),
                200,
            ),
        );
    }

    inventory::submit!(ModuleCases(cases));
}

/// A task field bound to the federations' counts (issue 15 item 2): the
/// township's report starts from its subtree's federations, complete
/// committees, members and chairs on the village committee, as kept on
/// write; a federation count with an activity type is refused.
async fn task_fields_bound_to_federations(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let banner = app.token("xilinhot").await;
    let township = app.token("baoligen").await;
    for unit in [YILELT, HANAULA] {
        let r = app.post_json(&banner, "/api/v1/organisations", org(unit, seven())).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    let month = jinguo_domain::Month::of_date(time::OffsetDateTime::now_utc().date()).to_string();
    let bound = |key: &str, metric: &str| {
        json!({"key": key, "label": key, "type": "integer", "required": true,
               "bound_to": {"metric": metric, "from": month, "to": month}})
    };
    let deadline = jinguo_domain::activity::format_date(
        time::OffsetDateTime::now_utc().date() + time::Duration::days(20),
    );
    let body = json!({"title": "基层妇联组织建设情况", "deadline": deadline,
        "issuer_unit": XILINHOT, "target_level": 4, "fields": [
            bound("orgs", "organisations"), bound("villages", "village_organisations"),
            bound("complete", "complete_committees"), bound("members", "committee_members"),
            bound("chairs", "chairs_on_village_committee"), bound("acts", "activities")]});
    let r = app.post_json(&banner, "/api/v1/tasks", body.clone()).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r: Value = app
        .get(&township, &format!("/api/v1/tasks/{id}/reports/{BAOLIGEN}"))
        .await
        .json()
        .await
        .unwrap();
    let p = &r["prefilled"];
    assert_eq!(
        [&p["orgs"], &p["villages"], &p["complete"], &p["members"], &p["chairs"], &p["acts"]],
        [2, 2, 2, 14, 2, 0],
        "{r}"
    );

    // The dashboard loads the federations beside the ledger.
    let admin = app.add_user("xilinhot-web", "admin", XILINHOT).await;
    let (cookie, _) = app.session_for(admin).await;
    let html = app
        .client
        .get(app.url(&format!("/dashboard/{XILINHOT}")))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("hx-get=\"/dashboard/{XILINHOT}/federations")));
    let html = app
        .client
        .get(app.url(&format!("/dashboard/{XILINHOT}/federations")))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let section = &html[html.find("id=\"federations\"").expect("the federations section")..];
    assert!(section.contains("<span class=\"stat-num\">2</span>"), "two federations: {section}");

    let mut keyed = body;
    keyed["fields"][0]["bound_to"]["type"] = json!("lecture");
    let r = app.post_json(&banner, "/api/v1/tasks", keyed).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert!(e.to_string().contains("fields[0].bound_to"), "{e}");
}

both_backends!(
    task_fields_bound_to_federations,
    task_fields_bound_to_federations
);
