//! Honours over the API and the pages: a families' campaign from issue to
//! certificate (锡林浩特市 issues, 伊利勒特嘎查 nominates, 宝力根苏木 and the
//! city recommend, the notice is public, an objection is dismissed, the
//! city publishes, the certificate prints), the bad input of issue 20 (each
//! a clear error that changes nothing), and the authorization-matrix cases.

use jinguo_domain::help::pow_ok;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn today() -> time::Date {
    jinguo_app::state::today(&jinguo_app::Config::default())
}

fn day(offset: i64) -> String {
    jinguo_domain::activity::format_date(today() + time::Duration::days(offset))
}

fn campaign_body(unit: &str, category: &str) -> Value {
    json!({"unit_code": unit, "title": "锡林浩特市“最美家庭”评选", "year": today().year(),
           "category": category, "nominating_level": "village", "quota": 1,
           "nomination_deadline": day(20), "review_deadline": day(30)})
}

fn family_body(unit: &str, name: &str, head: &str) -> Value {
    json!({"unit_code": unit, "family_name": name, "head_name": head, "members": 5,
           "story": "三代同堂，孝老爱亲，带动邻里发展养殖。",
           "consent": {"given_by": head, "method": "written"}})
}

async fn id_of(r: reqwest::Response, want: u16) -> i64 {
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, want, "{v}");
    v["id"].as_i64().unwrap()
}

async fn field_of(r: reqwest::Response, status: u16) -> (String, String) {
    assert_eq!(r.status().as_u16(), status);
    let v: Value = r.json().await.unwrap();
    (
        v["error"]["field"].as_str().unwrap_or_default().to_owned(),
        v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

/// A challenge of the help page with its proof of work done.
async fn solved(app: &TestApp) -> (String, String) {
    let v: Value = app
        .client
        .get(app.url("/api/v1/public/help/challenge"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ch = v["challenge"].as_str().unwrap().to_owned();
    let bits = v["bits"].as_u64().unwrap() as u32;
    let nonce = (0u64..)
        .map(|n| n.to_string())
        .find(|n| pow_ok(&ch, n, bits))
        .unwrap();
    (ch, nonce)
}

async fn campaign(app: &TestApp, token: &str, id: i64) -> Value {
    let r = app
        .get(token, &format!("/api/v1/honours/campaigns/{id}"))
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn families_story(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("erenhot", "admin", ERENHOT).await;
    let city = app.token("xilinhot").await;
    let township = app.token("baoligen").await;
    let village = app.token("yilelt").await;

    // The city issues; the village sees it and nominates with consent.
    let c = id_of(
        app.post_json(
            &city,
            "/api/v1/honours/campaigns",
            campaign_body(XILINHOT, "family_most_beautiful"),
        )
        .await,
        201,
    )
    .await;
    let r = app
        .get(
            &village,
            &format!("/api/v1/honours/campaigns?unit={YILELT}"),
        )
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["campaigns"][0]["id"], c);
    assert_eq!(v["campaigns"][0]["subject"], "family");
    let n = id_of(
        app.post_json(
            &village,
            &format!("/api/v1/honours/campaigns/{c}/nominations"),
            family_body(YILELT, "乌云其木格家庭", "乌云其木格"),
        )
        .await,
        201,
    )
    .await;
    let v = campaign(&app, &city, c).await;
    assert_eq!(v["nominations"][0]["status"], "proposed");
    assert_eq!(v["nominations"][0]["waiting_for"], BAOLIGEN);
    // The head's name is sealed and not in the answer (the consent's
    // `given_by`, shown to cadres, is who consented).
    let n0 = v["nominations"][0].as_object().unwrap();
    assert!(!n0.contains_key("head_name") && !n0.contains_key("person_name"));

    // The city may not skip the township; the township, then the city.
    let (field, _) = field_of(
        app.post_json(
            &city,
            &format!("/api/v1/honours/nominations/{n}/recommend"),
            json!({}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "nomination");
    let r = app
        .post_json(
            &township,
            &format!("/api/v1/honours/nominations/{n}/recommend"),
            json!({}),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "recommended");
    let r = app
        .post_json(
            &city,
            &format!("/api/v1/honours/nominations/{n}/recommend"),
            json!({}),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "shortlisted");
    let r = app
        .post_json(
            &city,
            &format!("/api/v1/honours/campaigns/{c}/notice"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);

    // The public notice: the family, its place, its story; no person's name.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/public/honours/notices/{c}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.contains("乌云其木格家庭"));
    assert!(text.contains("宝力根"), "the place's path: {text}");
    assert!(!text.contains("\"乌云其木格\""), "no head's name: {text}");
    let page = app
        .client
        .get(app.url(&format!("/public/honours/{c}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("乌云其木格家庭") && html.contains("id=\"ask\""));

    // An objection, with the help page's challenge; then dismissed.
    let (ch, nonce) = solved(&app).await;
    let r = app
        .client
        .post(app.url(&format!("/api/v1/public/honours/notices/{c}/objections")))
        .json(
            &json!({"nomination_id": n, "text": "请核实其家庭赡养情况。",
                      "contact": "13800000001", "challenge": ch, "nonce": nonce}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    // The same challenge is spent.
    let r = app
        .client
        .post(app.url(&format!("/api/v1/public/honours/notices/{c}/objections")))
        .json(&json!({"nomination_id": n, "text": "再次提出。", "challenge": ch, "nonce": nonce}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v = campaign(&app, &city, c).await;
    assert_eq!(v["objections"].as_array().unwrap().len(), 1);
    assert_eq!(v["objections"][0]["contact"], "13800000001");
    let o = v["objections"][0]["id"].as_i64().unwrap();
    // The township does not see the objections at all.
    let v = campaign(&app, &township, c).await;
    assert!(v["objections"].as_array().unwrap().is_empty());
    assert_eq!(
        app.post_json(
            &township,
            &format!("/api/v1/honours/objections/{o}/decide"),
            json!({"upheld": false, "reason": "属实"}),
        )
        .await
        .status(),
        404
    );
    // Publishing during the notice, or with the objection open: refused.
    let (field, _) = field_of(
        app.post_json(
            &city,
            &format!("/api/v1/honours/campaigns/{c}/publish"),
            json!({}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "notice_end");
    app.store
        .honour_backdate_notice(
            jinguo_domain::honour::CampaignId::new(c),
            today() - time::Duration::days(10),
        )
        .await
        .unwrap();
    let (field, _) = field_of(
        app.post_json(
            &city,
            &format!("/api/v1/honours/campaigns/{c}/publish"),
            json!({}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "objections");
    assert_eq!(campaign(&app, &city, c).await["status"], "notice");
    let r = app
        .post_json(
            &city,
            &format!("/api/v1/honours/objections/{o}/decide"),
            json!({"upheld": false, "reason": "经核实，情况属实"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post_json(
            &city,
            &format!("/api/v1/honours/campaigns/{c}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);

    // Published: the honours list, the unit's families, the certificate.
    let v: Value = app
        .client
        .get(app.url(&format!("/api/v1/public/honours/notices/{c}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "published");
    let cert = v["entries"][0]["certificate_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .get(
            &township,
            &format!("/api/v1/units/{BAOLIGEN}/families?year={}", today().year()),
        )
        .await;
    let fam: Value = r.json().await.unwrap();
    assert_eq!(fam["honours"][0]["display_name"], "乌云其木格家庭");
    assert_eq!(fam["honours"][0]["certificate_url"], cert.as_str());
    let r = app.client.get(app.url(&cert)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("荣誉证书") && html.contains("ᠬᠦᠨᠳᠦᠯᠡᠯ"));
    assert!(html.contains("锡林浩特市妇女联合会"));
    assert!(
        html.find("lang=\"mn-Mong\" aria-label").unwrap() < html.find("lang=\"zh-CN\"").unwrap(),
        "Mongolian first"
    );
    let css = app
        .client
        .get(app.url("/public/honours/style.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(css.contains("size: A4 landscape") && css.contains("writing-mode: vertical-lr"));
    // A sibling banner sees none of it, like a campaign that does not exist.
    let sib = app.token("erenhot").await;
    let a = app
        .get(&sib, &format!("/api/v1/honours/campaigns/{c}"))
        .await;
    let b = app.get(&sib, "/api/v1/honours/campaigns/999999").await;
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (404, 404));
    assert_eq!(a.text().await.unwrap(), b.text().await.unwrap());
}
both_backends!(families_story, families_story);

/// Issue 20's "bad input and scope": each a clear error, nothing changed.
async fn bad_input_changes_nothing(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    app.add_user("yilelt", "cadre", YILELT).await;
    let city = app.token("xilinhot").await;
    let township = app.token("baoligen").await;
    let village = app.token("yilelt").await;

    // Campaign fields: all at once; a township may not issue.
    let r = app
        .post_json(
            &city,
            "/api/v1/honours/campaigns",
            json!({"unit_code": XILINHOT, "title": "", "year": 1999, "category": "nope",
                   "nominating_level": "banner", "quota": 0,
                   "nomination_deadline": day(-1), "review_deadline": day(-2)}),
        )
        .await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    for f in [
        "title",
        "year",
        "category",
        "nominating_level",
        "quota",
        "nomination_deadline",
        "review_deadline",
    ] {
        assert!(v["error"]["fields"][f].is_string(), "{f}: {v}");
    }
    let (field, _) = field_of(
        app.post_json(
            &township,
            "/api/v1/honours/campaigns",
            campaign_body(BAOLIGEN, "family_most_beautiful"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "unit_code");
    let r = app
        .get(&city, &format!("/api/v1/honours/campaigns?unit={XILINHOT}"))
        .await;
    assert!(
        r.json::<Value>().await.unwrap()["campaigns"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let c = id_of(
        app.post_json(
            &city,
            "/api/v1/honours/campaigns",
            campaign_body(XILINHOT, "family_five_good"),
        )
        .await,
        201,
    )
    .await;
    let nominations = format!("/api/v1/honours/campaigns/{c}/nominations");
    // No consent, no nomination.
    let mut b = family_body(YILELT, "图雅家庭", "图雅");
    b["consent"] = json!({"given_by": "", "method": ""});
    let r = app.post_json(&village, &nominations, b).await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["fields"]["consent.given_by"].is_string(), "{v}");
    assert!(v["error"]["fields"]["consent.method"].is_string(), "{v}");
    // A unit outside the subtree reads like an unknown one.
    let (field, _) = field_of(
        app.post_json(
            &village,
            &nominations,
            family_body(HANAULA, "某家庭", "某某"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "unit_code");
    // Not at the nominating level.
    let (field, _) = field_of(
        app.post_json(
            &township,
            &nominations,
            family_body(BAOLIGEN, "某家庭", "某某"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "unit_code");
    // Over quota: the second of the same village.
    let n = id_of(
        app.post_json(
            &village,
            &nominations,
            family_body(YILELT, "图雅家庭", "图雅"),
        )
        .await,
        201,
    )
    .await;
    let (field, msg) = field_of(
        app.post_json(
            &village,
            &nominations,
            family_body(YILELT, "第二家庭", "某某"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "unit_code");
    assert!(msg.contains("名额"), "{msg}");
    // A decline needs a reason; a village may not act on its own nomination.
    let (field, _) = field_of(
        app.post_json(
            &township,
            &format!("/api/v1/honours/nominations/{n}/decline"),
            json!({"reason": " "}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "reason");
    let (field, _) = field_of(
        app.post_json(
            &village,
            &format!("/api/v1/honours/nominations/{n}/recommend"),
            json!({}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "nomination");
    // Nothing shortlisted: no notice; nothing noticed: no publication.
    let (field, _) = field_of(
        app.post_json(
            &city,
            &format!("/api/v1/honours/campaigns/{c}/notice"),
            json!({}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "campaign");
    let v = campaign(&app, &city, c).await;
    assert_eq!(v["status"], "open");
    assert_eq!(v["nominations"].as_array().unwrap().len(), 1);
    assert_eq!(v["nominations"][0]["status"], "proposed");
    // A campaign not on notice is not public.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/public/honours/notices/{c}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // After its deadline: a campaign whose nominations closed yesterday.
    use jinguo_store::{HonourStore, UnitStore};
    let unit = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(XILINHOT).unwrap())
        .await
        .unwrap();
    let mut fields = jinguo_domain::honour::CampaignDraft {
        title: "过期评选".into(),
        title_mn: None,
        year: Some(i64::from(today().year())),
        category: "family_green".into(),
        nominating_level: "village".into(),
        quota: Some(3),
        nomination_deadline: day(0),
        review_deadline: day(5),
        notice_days: None,
    }
    .validate(today())
    .unwrap();
    fields.nomination_deadline = today() - time::Duration::days(1);
    let late = app
        .store
        .create_campaign(
            app.store.system_scope(&unit),
            jinguo_store::honours::NewCampaign {
                unit: unit.id,
                fields,
                participants: None,
            },
            &jinguo_store::honours::Who::default(),
            1,
        )
        .await
        .unwrap();
    let (field, _) = field_of(
        app.post_json(
            &village,
            &format!("/api/v1/honours/campaigns/{}/nominations", late.get()),
            family_body(YILELT, "图雅家庭", "图雅"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field, "nomination_deadline");
    let v = campaign(&app, &city, late.get()).await;
    assert!(v["nominations"].as_array().unwrap().is_empty());

    // The cadre pages render, and a refused step comes back with its reason.
    let (token, csrf) = app
        .session_for(app.add_user("xh-web", "cadre", XILINHOT).await)
        .await;
    let cookie = format!("jinguo_session={token}");
    for path in [
        "/honours".to_owned(),
        "/honours/new".to_owned(),
        format!("/honours/{c}"),
        format!("/honours/{c}/nominate"),
    ] {
        let r = app
            .client
            .get(app.url(&path))
            .header(reqwest::header::COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    let r = app
        .client
        .post(app.url(&format!("/honours/nominations/{n}/recommend")))
        .header(reqwest::header::COOKIE, &cookie)
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.ends_with("refused=err.honour.not_your_turn"), "{to}");
    let r = app
        .client
        .get(app.url(&to))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("不能越级"));
    // A form with bad fields comes back with them marked, nothing saved.
    let r = app
        .client
        .post(app.url(&format!("/honours/{c}/nominations")))
        .header(reqwest::header::COOKIE, &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("unit_code", HANAULA),
            ("display_name", "某家庭"),
            ("story", "事迹"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"consent_given_by-err\""),
        "consent marked"
    );
    assert_eq!(
        campaign(&app, &city, c).await["nominations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
both_backends!(bad_input_changes_nothing, bad_input_changes_nothing);

/// Authorization-matrix cases of the honours routes.
mod matrix_cases {
    use jinguo_domain::UnitCode;
    use jinguo_domain::honour::{CampaignDraft, NominationDraft};
    use jinguo_store::honours::{NewCampaign, NewNomination, Who};
    use jinguo_store::model::Unit;
    use jinguo_store::{HonourStore, UnitStore};
    use serde_json::json;

    use crate::matrix::{
        Body, Call, Case, Cases, Fixture, Fixtures, Kind, ModuleCases, Target, call, form,
    };
    use crate::support::*;

    fn objection(
        campaign: jinguo_domain::honour::CampaignId,
        nomination: jinguo_domain::honour::NominationId,
        text: &str,
        contact: Option<&str>,
    ) -> jinguo_store::honours::NewObjection {
        jinguo_store::honours::NewObjection {
            campaign,
            nomination,
            text: text.into(),
            contact: contact.map(str::to_owned),
        }
    }

    async fn unit(fx: &Fixtures<'_>, code: &str) -> Unit {
        fx.app
            .store
            .unit_by_code(&UnitCode::parse(code).unwrap())
            .await
            .unwrap()
    }

    /// How far a fixture campaign goes.
    #[derive(Clone, Copy, PartialEq)]
    enum Stage {
        /// A nomination of 伊利勒特嘎查 shortlisted by the city.
        Shortlisted,
        /// Proposed and recommended by the township: waiting for the city.
        AtCity,
        /// On notice, with the notice already over.
        NoticeOver,
        /// On notice with an objection lodged; the target is the objection.
        Objection,
    }

    /// A campaign for the unit of `code`. The matrix actors sit at
    /// 锡林浩特市: for it and the township below, a campaign of the city
    /// with a nomination of 伊利勒特嘎查 taken to `stage`. Elsewhere the
    /// test tree has no village to nominate from, and a campaign of the
    /// league would be the city's too (it takes part), so: a campaign of
    /// the unit's league (or of the unit itself) in which only units
    /// outside the city take part, and no nomination.
    async fn new_campaign(fx: &Fixtures<'_>, code: &'static str, stage: Stage) -> Target {
        let store = &fx.app.store;
        let today = jinguo_app::state::today(&jinguo_app::Config::default());
        let day = |n: i64| jinguo_domain::activity::format_date(today + time::Duration::days(n));
        let inside = code == XILINHOT || code == BAOLIGEN;
        let issuer = if inside {
            unit(fx, XILINHOT).await
        } else if code == ERENHOT {
            unit(fx, XILINGOL).await
        } else {
            unit(fx, code).await
        };
        let city = unit(fx, XILINHOT).await;
        let participants: Vec<_> = store
            .children(issuer.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| inside || c.id != city.id)
            .map(|c| c.id)
            .collect();
        let fields = CampaignDraft {
            title: "矩阵评选".into(),
            title_mn: None,
            year: Some(i64::from(today.year())),
            category: "family_most_beautiful".into(),
            nominating_level: "village".into(),
            quota: Some(2),
            nomination_deadline: day(10),
            review_deadline: day(20),
            notice_days: Some(7),
        }
        .validate(today)
        .unwrap();
        let who = Who::default();
        let s = store.system_scope(&issuer);
        let c = store
            .create_campaign(
                s,
                NewCampaign {
                    unit: issuer.id,
                    fields,
                    participants: Some(participants),
                },
                &who,
                1,
            )
            .await
            .unwrap();
        if !inside {
            return match stage {
                Stage::Shortlisted | Stage::NoticeOver => Target::Record(c.get(), code),
                // No nomination can be made here (see above): the record
                // named is one that does not exist, exactly as missing.
                Stage::AtCity | Stage::Objection => Target::MissingRecord,
            };
        }
        let yilelt = unit(fx, YILELT).await;
        let opened = store.campaign_in_scope(s, c).await.unwrap();
        let f = NominationDraft {
            display_name: "矩阵家庭".into(),
            display_name_mn: None,
            person_name: Some("某某".into()),
            members: Some(3),
            employer: None,
            story: "事迹".into(),
            consent_given_by: "某某".into(),
            consent_method: "oral".into(),
            consent_date: None,
        }
        .validate(opened.fields.subject, today)
        .unwrap();
        let n = store
            .nominate(
                &opened,
                NewNomination {
                    unit: yilelt.id,
                    fields: f,
                    household: None,
                },
                today,
                &who,
                1,
            )
            .await
            .unwrap();
        let township = unit(fx, BAOLIGEN).await;
        let rec = store
            .nomination_in_scope(store.system_scope(&township), n)
            .await
            .unwrap();
        store.recommend(&rec, today, &who, 2).await.unwrap();
        if stage == Stage::AtCity {
            return Target::Record(n.get(), code);
        }
        let rec = store.nomination_in_scope(s, n).await.unwrap();
        store.recommend(&rec, today, &who, 3).await.unwrap();
        if stage == Stage::Shortlisted {
            return Target::Record(c.get(), code);
        }
        let opened = store.campaign_in_scope(s, c).await.unwrap();
        store.start_notice(&opened, today, &who, 4).await.unwrap();
        if stage == Stage::Objection {
            let o = store
                .lodge_objection(objection(c, n, "矩阵异议", None), today, &who, 5)
                .await
                .unwrap();
            return Target::Record(o.get(), code);
        }
        store
            .honour_backdate_notice(c, today - time::Duration::days(10))
            .await
            .unwrap();
        Target::Record(c.get(), code)
    }

    static CAMPAIGN: Fixture = Fixture {
        make: |fx, code| Box::pin(new_campaign(fx, code, Stage::Shortlisted)),
    };
    static NOMINATION: Fixture = Fixture {
        make: |fx, code| Box::pin(new_campaign(fx, code, Stage::AtCity)),
    };
    static NOTICE_OVER: Fixture = Fixture {
        make: |fx, code| Box::pin(new_campaign(fx, code, Stage::NoticeOver)),
    };
    static OBJECTION: Fixture = Fixture {
        make: |fx, code| Box::pin(new_campaign(fx, code, Stage::Objection)),
    };

    /// The nearest unit that may issue: a township's banner.
    fn issuer_code(code: &str) -> String {
        format!("{}000000", &code[..6])
    }

    fn nomination_json() -> serde_json::Value {
        json!({"unit_code": YILELT, "family_name": "矩阵家庭", "head_name": "某某", "members": 3,
               "story": "事迹", "consent": {"given_by": "某某", "method": "oral"}})
    }

    fn cases(m: &mut Cases) {
        let on = |fixture: &'static Fixture| {
            move |build, ok| Case {
                build,
                ok,
                out_of_scope: 404,
                kind: Kind::Module(fixture),
            }
        };
        let campaign = on(&CAMPAIGN);
        let nomination = on(&NOMINATION);
        let over = on(&NOTICE_OVER);
        let objection = on(&OBJECTION);
        let u = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Unit,
        };
        let public = |build, ok| Case {
            build,
            ok,
            out_of_scope: ok,
            kind: Kind::Unit,
        };
        // API.
        m.insert(
            ("POST", "/api/v1/honours/campaigns"),
            Case {
                build: |t| Call {
                    path: "/api/v1/honours/campaigns".into(),
                    body: Body::Json(json!({
                        "unit_code": issuer_code(t.code()), "title": "矩阵评选", "year": 2026,
                        "category": "family_green", "nominating_level": "village", "quota": 1,
                        "nomination_deadline": "2099-01-01", "review_deadline": "2099-02-01"})),
                },
                ok: 201,
                out_of_scope: 422,
                kind: Kind::Unit,
            },
        );
        m.insert(
            ("GET", "/api/v1/honours/campaigns"),
            u(
                |t| call(format!("/api/v1/honours/campaigns?unit={}", t.code())),
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/honours/campaigns/{id}"),
            campaign(
                |t| call(format!("/api/v1/honours/campaigns/{}", t.id())),
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/honours/campaigns/{id}/nominations"),
            campaign(
                |t| Call {
                    path: format!("/api/v1/honours/campaigns/{}/nominations", t.id()),
                    body: Body::Json(nomination_json()),
                },
                201,
            ),
        );
        m.insert(
            ("GET", "/api/v1/honours/nominations/{id}"),
            nomination(
                |t| call(format!("/api/v1/honours/nominations/{}", t.id())),
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/honours/nominations/{id}/recommend"),
            nomination(
                |t| Call {
                    path: format!("/api/v1/honours/nominations/{}/recommend", t.id()),
                    body: Body::Json(json!({})),
                },
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/honours/nominations/{id}/decline"),
            nomination(
                |t| Call {
                    path: format!("/api/v1/honours/nominations/{}/decline", t.id()),
                    body: Body::Json(json!({"reason": "名额已满"})),
                },
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/honours/campaigns/{id}/notice"),
            campaign(
                |t| Call {
                    path: format!("/api/v1/honours/campaigns/{}/notice", t.id()),
                    body: Body::Json(json!({})),
                },
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/honours/campaigns/{id}/publish"),
            over(
                |t| Call {
                    path: format!("/api/v1/honours/campaigns/{}/publish", t.id()),
                    body: Body::Json(json!({})),
                },
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/honours/objections/{id}/decide"),
            objection(
                |t| Call {
                    path: format!("/api/v1/honours/objections/{}/decide", t.id()),
                    body: Body::Json(json!({"upheld": false, "reason": "属实"})),
                },
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/units/{code}/families"),
            u(
                |t| call(format!("/api/v1/units/{}/families?year=2026", t.code())),
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/dictionaries/honour-categories"),
            public(
                |_| call("/api/v1/dictionaries/honour-categories".into()),
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/public/honours/notices"),
            public(|_| call("/api/v1/public/honours/notices".into()), 200),
        );
        // Public rows are called anonymously only, with no campaign on
        // notice: the answer for one that is not.
        m.insert(
            ("GET", "/api/v1/public/honours/notices/{campaign_id}"),
            public(
                |_| call("/api/v1/public/honours/notices/999999".into()),
                404,
            ),
        );
        m.insert(
            (
                "POST",
                "/api/v1/public/honours/notices/{campaign_id}/objections",
            ),
            public(
                |_| Call {
                    path: "/api/v1/public/honours/notices/999999/objections".into(),
                    body: Body::Json(json!({"nomination_id": 1, "text": "x"})),
                },
                404,
            ),
        );
        // Pages.
        m.insert(
            ("GET", "/honours"),
            u(|t| call(format!("/honours?unit={}", t.code())), 200),
        );
        m.insert(
            ("GET", "/honours/new"),
            public(|_| call("/honours/new".into()), 200),
        );
        m.insert(
            ("POST", "/honours"),
            Case {
                build: |t| {
                    form(
                        "/honours".into(),
                        &[
                            ("unit_code", issuer_code(t.code())),
                            ("title", "矩阵评选".into()),
                            ("year", "2026".into()),
                            ("category", "family_green".into()),
                            ("nominating_level", "village".into()),
                            ("quota", "1".into()),
                            ("nomination_deadline", "2099-01-01".into()),
                            ("review_deadline", "2099-02-01".into()),
                        ],
                    )
                },
                ok: 303,
                out_of_scope: 422,
                kind: Kind::Unit,
            },
        );
        m.insert(
            ("GET", "/honours/{id}"),
            campaign(|t| call(format!("/honours/{}", t.id())), 200),
        );
        m.insert(
            ("GET", "/honours/{id}/nominate"),
            campaign(|t| call(format!("/honours/{}/nominate", t.id())), 200),
        );
        m.insert(
            ("POST", "/honours/{id}/nominations"),
            campaign(
                |t| {
                    form(
                        format!("/honours/{}/nominations", t.id()),
                        &[
                            ("unit_code", YILELT.into()),
                            ("display_name", "矩阵家庭".into()),
                            ("person_name", "某某".into()),
                            ("members", "3".into()),
                            ("story", "事迹".into()),
                            ("consent_given_by", "某某".into()),
                            ("consent_method", "oral".into()),
                        ],
                    )
                },
                303,
            ),
        );
        m.insert(
            ("POST", "/honours/{id}/notice"),
            campaign(|t| form(format!("/honours/{}/notice", t.id()), &[]), 303),
        );
        m.insert(
            ("POST", "/honours/{id}/publish"),
            over(|t| form(format!("/honours/{}/publish", t.id()), &[]), 303),
        );
        m.insert(
            ("POST", "/honours/nominations/{id}/recommend"),
            nomination(
                |t| form(format!("/honours/nominations/{}/recommend", t.id()), &[]),
                303,
            ),
        );
        m.insert(
            ("POST", "/honours/nominations/{id}/decline"),
            nomination(
                |t| {
                    form(
                        format!("/honours/nominations/{}/decline", t.id()),
                        &[("reason", "名额已满".into())],
                    )
                },
                303,
            ),
        );
        m.insert(
            ("POST", "/honours/objections/{id}/decide"),
            objection(
                |t| {
                    form(
                        format!("/honours/objections/{}/decide", t.id()),
                        &[("upheld", "0".into()), ("reason", "属实".into())],
                    )
                },
                303,
            ),
        );
        m.insert(
            ("GET", "/public/honours"),
            public(|_| call("/public/honours".into()), 200),
        );
        m.insert(
            ("GET", "/public/honours/style.css"),
            public(|_| call("/public/honours/style.css".into()), 200),
        );
        m.insert(
            ("GET", "/public/honours/{id}"),
            public(|_| call("/public/honours/999999".into()), 404),
        );
        m.insert(
            ("POST", "/public/honours/{id}/objections"),
            public(
                |_| {
                    form(
                        "/public/honours/999999/objections".into(),
                        &[("text", "x".into())],
                    )
                },
                404,
            ),
        );
        m.insert(
            ("GET", "/public/honours/{id}/certificates/{nomination}"),
            public(
                |_| call("/public/honours/999999/certificates/1".into()),
                404,
            ),
        );
    }

    inventory::submit!(ModuleCases(cases));
}
