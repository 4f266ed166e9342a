//! The case pages: intake through the form, errors next to their fields,
//! the case page for its team only (404 for a cadre in scope), the reveal
//! response never cached, and "who viewed this" listing the viewer.

use reqwest::header::{CACHE_CONTROL, LOCATION};
use reqwest::{RequestBuilder, Response};

use crate::both_backends;
use crate::support::*;

/// A logged-in browser: session cookie and CSRF token.
struct Browser<'a> {
    app: &'a TestApp,
    token: String,
    csrf: String,
}

impl<'a> Browser<'a> {
    async fn new(app: &'a TestApp, name: &str, roles: &str, unit: &str) -> Browser<'a> {
        let user = app.add_user(name, roles, unit).await;
        let (token, csrf) = app.session_for(user).await;
        Browser { app, token, csrf }
    }

    fn with_cookie(&self, r: RequestBuilder) -> RequestBuilder {
        r.header("cookie", format!("jinguo_session={}", self.token))
    }

    async fn get(&self, path: &str) -> Response {
        self.with_cookie(self.app.client.get(self.app.url(path)))
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        fields.push(("_csrf", &self.csrf));
        self.with_cookie(self.app.client.post(self.app.url(path)))
            .form(&fields)
            .send()
            .await
            .unwrap()
    }
}

/// A domestic-violence intake as the form posts it; one blank person row
/// (the form always offers spare rows) must be ignored.
fn intake(unit: &str) -> Vec<(&'static str, String)> {
    vec![
        ("unit_code", unit.into()),
        ("source", "hotline".into()),
        ("type", "domestic_violence".into()),
        ("urgency", "high".into()),
        ("client_name", "页面测试当事人".into()),
        ("client_sex", "F".into()),
        ("client_birth_year", "1990".into()),
        ("client_phone", "13800000042".into()),
        ("p_role", "respondent".into()),
        ("p_name", "页面测试相对人".into()),
        ("p_sex", "M".into()),
        ("p_birth_year", "".into()),
        ("p_relation", "丈夫".into()),
        ("p_guardian_by", "".into()),
        ("p_guardian_method", "oral".into()),
        ("p_role", "child".into()),
        ("p_name", "".into()),
        ("p_sex", "".into()),
        ("p_birth_year", "".into()),
        ("p_relation", "".into()),
        ("p_guardian_by", "".into()),
        ("p_guardian_method", "oral".into()),
        ("narrative", "来电称长期遭受丈夫殴打，页面测试。".into()),
        ("consent_services", "1".into()),
        ("consent_statistics", "1".into()),
    ]
}

fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn case_pages(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let worker = Browser::new(&app, "p-case", "caseworker", XILINHOT).await;
    let cadre = Browser::new(&app, "p-cadre", "cadre", XILINHOT).await;

    // The form itself, with a respondent row and a child row.
    let r = worker.get("/cases/new").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"value="respondent" selected"#),
        "respondent row"
    );
    assert!(html.contains(r#"value="child" selected"#), "child row");

    // Errors: missing narrative, bad phone, the template's respondent.
    let mut bad = intake(XILINHOT);
    bad.retain(|(k, _)| !k.starts_with("p_"));
    for (k, v) in bad.iter_mut() {
        match *k {
            "narrative" => v.clear(),
            "client_phone" => *v = "12345".into(),
            _ => {}
        }
    }
    let r = worker.post("/cases", &pairs(&bad)).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for id in ["narrative-err", "client.phone-err", "people-err"] {
        assert!(html.contains(&format!(r#"id="{id}""#)), "{id} missing");
    }
    assert!(html.contains("请填写案情"), "narrative message");
    assert!(html.contains("页面测试当事人"), "typed name kept");

    // Intake: 303 to the case, which shows it.
    let r = worker.post("/cases", &pairs(&intake(XILINHOT))).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(
        to.starts_with("/cases/") && to.ends_with("?done=created"),
        "{to}"
    );
    let path = to.split('?').next().unwrap().to_owned();
    let r = worker.get(&to).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains("页面测试当事人"));
    assert!(html.contains("页面测试相对人"));
    assert!(!html.contains("13800000042"), "phone shown unmasked");
    assert!(html.contains("WQ0000"), "case number");
    // Only the respondent: the blank child row was not saved.
    assert_eq!(html.matches("涉及儿童</td>").count(), 0);

    // The list masks the name.
    let html = worker.get("/cases").await.text().await.unwrap();
    assert!(html.contains("页*****"), "masked name in the list");
    assert!(!html.contains("页面测试当事人"));

    // A cadre in scope holds no case role: the case pages are closed to
    // her (403, as the route table says) and show nothing of the case.
    for p in [path.clone(), format!("{path}/access-log")] {
        let r = cadre.get(&p).await;
        assert_eq!(r.status(), 403, "{p}");
        assert!(!r.text().await.unwrap().contains("页面测试当事人"), "{p}");
    }
    let r = cadre
        .post(&format!("{path}/assess"), &[("answers", "strangled")])
        .await;
    assert_eq!(r.status(), 403);

    // Reveal: the value once, never cached.
    let r = worker
        .post(
            &format!("{path}/reveal"),
            &[("field", "phone"), ("reason", "回访核对")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    assert!(r.text().await.unwrap().contains("13800000042"));

    // An assessment raised without a reason: 422 with the message there.
    let r = worker
        .post(
            &format!("{path}/assess"),
            &[("answers", "strangled"), ("level", "critical")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(r#"id="assess.override_reason-err""#)
    );
    let r = worker
        .post(
            &format!("{path}/assess"),
            &[
                ("answers", "strangled"),
                ("answers", "threatened_to_kill"),
                ("answers", "has_weapon"),
                ("answers", "separated_recently"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = worker.get(&path).await.text().await.unwrap();
    assert!(html.contains("risk-high"), "the level badge in its colour");
    // The page in sections, the last assessment's ticks shown and kept in
    // the form for the next one, and no closure outcome chosen for her.
    for part in ["#summary", "#assess", "#services", "#team", "#history"] {
        assert!(html.contains(&format!("href=\"{part}\"")), "{part}");
    }
    assert!(html.contains("上次勾选："), "{html}");
    assert!(html.contains(r#"value="strangled" checked"#), "ticks kept");
    assert!(html.contains(r#"<option value="">请选择结案结果</option>"#));
    assert!(!html.contains(" selected>已解决"), "no outcome preselected");

    // Who viewed this: the caseworker, with her reveal.
    let r = worker.get(&format!("{path}/access-log")).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("p-case"));
    assert!(html.contains("查看完整电话"));
    assert!(!html.contains("p-cadre"));

    // The risk colours of the domain are the ones the stylesheet paints.
    let css = app
        .client
        .get(app.url("/static/app.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for l in jinguo_domain::case::RiskLevel::ALL {
        let rule = format!(".risk-{} {{ background: {};", l.as_str(), l.colour());
        assert!(css.contains(&rule), "app.css lacks `{rule}`");
    }
}
both_backends!(case_pages, case_pages);

/// Only domestic violence is scored on the danger checklist; for any other
/// type the page asks for the level itself and the checklist is refused.
async fn judged_assessment(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let worker = Browser::new(&app, "j-case", "caseworker", XILINHOT).await;
    let mut form = intake(XILINHOT);
    form.retain(|(k, _)| !k.starts_with("p_"));
    for (k, v) in form.iter_mut() {
        if *k == "type" {
            *v = "property_inheritance".into();
        }
    }
    let r = worker.post("/cases", &pairs(&form)).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let path = to.split('?').next().unwrap().to_owned();
    let html = worker.get(&path).await.text().await.unwrap();
    assert!(!html.contains(r#"name="answers""#), "no checklist offered");
    assert!(html.contains("风险等级（专业判断）"), "the level asked for");

    // Ticks are refused, a missing level is named, and nothing is stored.
    let r = worker
        .post(
            &format!("{path}/assess"),
            &[("answers", "strangled"), ("level", "low")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="assess.answers-err""#), "answers error shown");
    assert!(html.contains("不使用危险评估清单"));
    let r = worker.post(&format!("{path}/assess"), &[("level", "")]).await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(r#"id="assess.level-err""#)
    );
    let html = worker.get(&path).await.text().await.unwrap();
    assert!(!html.contains("risk-"), "no level recorded yet");

    // The chosen level stands, with no reason asked.
    let r = worker
        .post(&format!("{path}/assess"), &[("level", "high")])
        .await;
    assert_eq!(r.status(), 303);
    let html = worker.get(&path).await.text().await.unwrap();
    assert!(html.contains("risk-high"), "the chosen level");

    // The API says which types use the checklist, and holds the same rule.
    let token = app.token("j-case").await;
    let types: serde_json::Value = app
        .get(&token, "/api/v1/dictionaries/case-types")
        .await
        .json()
        .await
        .unwrap();
    let uses = |key: &str| {
        types["entries"]
            .as_array()
            .and_then(|a| a.iter().find(|t| t["key"] == key))
            .map(|t| t["template"]["danger_checklist"].clone())
    };
    assert_eq!(uses("domestic_violence"), Some(serde_json::json!(true)), "{types}");
    assert_eq!(uses("property_inheritance"), Some(serde_json::json!(false)));
}
both_backends!(judged_assessment, judged_assessment);

/// From a rights request of the help page: the form starts with its words.
async fn intake_from_help(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    use jinguo_store::model::NewHelpRequest;
    use jinguo_store::{HelpStore, UnitStore};
    let worker = Browser::new(&app, "h-case", "caseworker", XILINHOT).await;
    let place = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(YILELT).unwrap())
        .await
        .unwrap();
    let req = app
        .store
        .create_help_request(
            NewHelpRequest {
                code: jinguo_domain::help::TrackingCode::generate(rand::random::<u8>),
                kind: jinguo_domain::help::HelpKind::Rights,
                place,
                category: "rights".into(),
                description: "网上求助的原话".into(),
                contact: None,
                today: time::OffsetDateTime::now_utc().date(),
            },
            1,
        )
        .await
        .unwrap();
    let html = worker
        .get(&format!("/help-requests/{}", req.id.get()))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("/cases/new?help={}", req.id.get())));
    let r = worker
        .get(&format!("/cases/new?help={}", req.id.get()))
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("网上求助的原话"));
    assert!(html.contains(r#"value="public_page" selected"#));
    assert!(html.contains(&format!(r#"value="{YILELT}""#)));
    assert_eq!(worker.get("/cases/new?help=999999").await.status(), 404);
}
both_backends!(intake_from_help, intake_from_help);
