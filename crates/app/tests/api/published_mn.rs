//! Mongolian for the names cadres type that get published (issue 17 item
//! 5): an honour campaign's title and a nominee's published name, a Women's
//! Home's name, a training programme's title. Each is optional; given
//! through the API or the form it shows on the public page or the
//! certificate with the Mongolian before the Chinese; a text without
//! Mongolian letters is refused on its field and saves nothing.

use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

/// 最美家庭 and 家庭 in the glossary's Mongolian (docs/mongolian-glossary.md).
const TITLE_MN: &str = "ᠬᠠᠮᠤᠭ ᠤᠨ ᠰᠠᠶᠢᠬᠠᠨ ᠭᠡᠷ ᠪᠦᠯ";
const FAMILY_MN: &str = "ᠭᠡᠷ ᠪᠦᠯ";
/// 妇女之家 in the glossary's Mongolian.
const HOME_MN: &str = "ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ ᠦᠨ ᠭᠡᠷ";

fn today() -> time::Date {
    jinguo_app::state::today(&jinguo_app::Config::default())
}

fn day(offset: i64) -> String {
    jinguo_domain::activity::format_date(today() + time::Duration::days(offset))
}

fn campaign_body(title_mn: Option<&str>) -> Value {
    json!({"unit_code": XILINHOT, "title": "锡林浩特市“最美家庭”评选", "title_mn": title_mn,
           "year": today().year(), "category": "family_most_beautiful",
           "nominating_level": "village", "quota": 1,
           "nomination_deadline": day(20), "review_deadline": day(30)})
}

fn family_body(unit: &str, name: &str, name_mn: Option<&str>) -> Value {
    json!({"unit_code": unit, "family_name": name, "display_name_mn": name_mn,
           "head_name": "乌云其木格", "members": 5, "story": "三代同堂，孝老爱亲。",
           "consent": {"given_by": "乌云其木格", "method": "written"}})
}

async fn json_of(r: reqwest::Response, status: u16) -> Value {
    let got = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    assert_eq!(got, status, "{v}");
    v
}

/// The field of a `422`, and whether its message is the Mongolian rule's
/// (`err.text.mongolian`, in Chinese without an Accept-Language).
fn refusal(v: &Value) -> (String, bool) {
    let field = v["error"]["field"].as_str().unwrap_or_default().to_owned();
    let message = v["error"]["fields"][&field]
        .as_str()
        .or(v["error"]["message"].as_str())
        .unwrap_or_default();
    (field, message == "请用传统蒙古文书写。")
}

/// The text between the first `<h1` and `</h1>`.
fn h1(html: &str) -> &str {
    let start = html.find("<h1").expect("an h1");
    let end = start + html[start..].find("</h1>").unwrap();
    &html[start..end]
}

/// A certificate's Mongolian and Chinese columns.
fn columns(cert: &str) -> (&str, &str) {
    let mn = cert.find("class=\"mn\"").expect("a Mongolian column");
    let zh = cert.find("class=\"zh\"").expect("a Chinese column");
    assert!(mn < zh, "Mongolian first");
    (&cert[mn..zh], &cert[zh..])
}

fn before(html: &str, first: &str, then: &str) -> bool {
    match (html.find(first), html.find(then)) {
        (Some(a), Some(b)) => a < b,
        _ => false,
    }
}

async fn honours(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let city_user = app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    let village_user = app.add_user("yilelt", "cadre", YILELT).await;
    let city = app.token("xilinhot").await;
    let township = app.token("baoligen").await;
    let village = app.token("yilelt").await;

    // Chinese or Latin in a Mongolian field: refused on the field, nothing issued.
    for wrong in ["最美家庭", "Most beautiful family"] {
        let e = json_of(
            app.post_json(&city, "/api/v1/honours/campaigns", campaign_body(Some(wrong)))
                .await,
            422,
        )
        .await;
        assert_eq!(
            refusal(&e),
            ("title_mn".into(), true),
            "{e}"
        );
    }
    let list = format!("/api/v1/honours/campaigns?unit={XILINHOT}");
    let v = json_of(app.get(&city, &list).await, 200).await;
    assert!(v["campaigns"].as_array().unwrap().is_empty(), "{v}");

    // Through the API: the Mongolian title, and a family's Mongolian name.
    let c = json_of(
        app.post_json(&city, "/api/v1/honours/campaigns", campaign_body(Some(TITLE_MN)))
            .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let v = json_of(app.get(&city, &format!("/api/v1/honours/campaigns/{c}")).await, 200).await;
    assert_eq!(v["title_mn"], TITLE_MN);
    let nominations = format!("/api/v1/honours/campaigns/{c}/nominations");
    let e = json_of(
        app.post_json(
            &village,
            &nominations,
            family_body(YILELT, "乌云其木格家庭", Some("Uyunqimug")),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        refusal(&e),
        ("display_name_mn".into(), true)
    );
    let v = json_of(app.get(&city, &format!("/api/v1/honours/campaigns/{c}")).await, 200).await;
    assert!(v["nominations"].as_array().unwrap().is_empty(), "nothing nominated");
    let n = json_of(
        app.post_json(
            &village,
            &nominations,
            family_body(YILELT, "乌云其木格家庭", Some(FAMILY_MN)),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let v = json_of(app.get(&city, &format!("/api/v1/honours/campaigns/{c}")).await, 200).await;
    assert_eq!(v["nominations"][0]["display_name_mn"], FAMILY_MN);

    // Through the forms: a second campaign and its nomination.
    let session = |user| app.session_for(user);
    let (ctok, ccsrf) = session(city_user).await;
    let (vtok, vcsrf) = session(village_user).await;
    let post = |cookie: &str, csrf: &str, path: &str, mut fields: Vec<(&'static str, String)>| {
        fields.push(("_csrf", csrf.to_owned()));
        app.client
            .post(app.url(path))
            .header(COOKIE, format!("jinguo_session={cookie}"))
            .form(&fields)
            .send()
    };
    let campaign_form = |title_mn: &str| {
        vec![
            ("unit_code", XILINHOT.to_owned()),
            ("title", "锡林浩特市“五好家庭”评选".to_owned()),
            ("title_mn", title_mn.to_owned()),
            ("year", today().year().to_string()),
            ("category", "family_five_good".to_owned()),
            ("nominating_level", "village".to_owned()),
            ("quota", "1".to_owned()),
            ("nomination_deadline", day(20)),
            ("review_deadline", day(30)),
            ("notice_days", "7".to_owned()),
        ]
    };
    let r = post(&ctok, &ccsrf, "/honours", campaign_form("五好家庭")).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"title_mn-err\""), "the error beside the field");
    assert!(page.contains("lang=\"mn-Mong\""), "the input is marked Mongolian");
    let v = json_of(app.get(&city, &list).await, 200).await;
    assert_eq!(v["campaigns"].as_array().unwrap().len(), 1, "nothing issued");
    let r = post(&ctok, &ccsrf, "/honours", campaign_form(TITLE_MN)).await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let c2: i64 = to
        .trim_start_matches("/honours/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let nomination_form = |name_mn: &str| {
        vec![
            ("unit_code", YILELT.to_owned()),
            ("display_name", "萨仁高娃家庭".to_owned()),
            ("display_name_mn", name_mn.to_owned()),
            ("person_name", "萨仁高娃".to_owned()),
            ("members", "4".to_owned()),
            ("story", "家风朴实，重视子女教育。".to_owned()),
            ("consent_given_by", "萨仁高娃".to_owned()),
            ("consent_method", "written".to_owned()),
        ]
    };
    let path = format!("/honours/{c2}/nominations");
    let r = post(&vtok, &vcsrf, &path, nomination_form("Sarangowa")).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"display_name_mn-err\""));
    let v = json_of(app.get(&city, &format!("/api/v1/honours/campaigns/{c2}")).await, 200).await;
    assert_eq!(v["title_mn"], TITLE_MN);
    assert!(v["nominations"].as_array().unwrap().is_empty(), "nothing nominated");
    let r = post(&vtok, &vcsrf, &path, nomination_form(FAMILY_MN)).await.unwrap();
    assert_eq!(r.status(), 303);
    // The cadres' page heads the campaign the same way.
    let page = app
        .client
        .get(app.url(&format!("/honours/{c2}")))
        .header(COOKIE, format!("jinguo_session={ctok}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(before(h1(&page), TITLE_MN, "五好家庭"), "{}", h1(&page));
    assert!(before(&page, FAMILY_MN, "萨仁高娃家庭"));
    let v = json_of(app.get(&city, &format!("/api/v1/honours/campaigns/{c2}")).await, 200).await;
    assert_eq!(v["nominations"][0]["display_name_mn"], FAMILY_MN);
    let n2 = v["nominations"][0]["id"].as_i64().unwrap();

    // Both up the levels and on notice.
    for (c, n) in [(c, n), (c2, n2)] {
        for token in [&township, &city] {
            let r = app
                .post_json(token, &format!("/api/v1/honours/nominations/{n}/recommend"), json!({}))
                .await;
            assert_eq!(r.status(), 200);
        }
        let r = app
            .post_json(&city, &format!("/api/v1/honours/campaigns/{c}/notice"), json!({}))
            .await;
        assert_eq!(r.status(), 200);
    }

    // The public pages: Mongolian first, in every page language.
    let public = |path: String| {
        let req = app.client.get(app.url(&path));
        async move {
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            r.text().await.unwrap()
        }
    };
    for lang in ["zh-CN", "mn-Mong", "en"] {
        let html = public(format!("/public/honours/{c2}?lang={lang}")).await;
        let head = h1(&html);
        assert!(before(head, TITLE_MN, "五好家庭"), "{lang}: {head}");
        assert!(before(&html, FAMILY_MN, "萨仁高娃家庭"), "{lang}");
        assert!(!html.contains("萨仁高娃<"), "no sealed name");
        let list = public(format!("/public/honours?lang={lang}")).await;
        assert!(before(&list, TITLE_MN, "锡林浩特市“五好家庭”评选"), "{lang}");
    }
    let v = json_of(
        app.client
            .get(app.url(&format!("/api/v1/public/honours/notices/{c}")))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(v["title_mn"], TITLE_MN);
    assert_eq!(v["entries"][0]["display_name_mn"], FAMILY_MN);

    // Published: the certificate's Mongolian column names the family and
    // the campaign in Mongolian, the Chinese column in Chinese.
    app.store
        .honour_backdate_notice(
            jinguo_domain::honour::CampaignId::new(c),
            today() - time::Duration::days(10),
        )
        .await
        .unwrap();
    let r = app
        .post_json(&city, &format!("/api/v1/honours/campaigns/{c}/publish"), json!({}))
        .await;
    assert_eq!(r.status(), 200);
    let cert = public(format!("/public/honours/{c}/certificates/{n}")).await;
    let (mn, zh) = columns(&cert);
    assert!(mn.contains(FAMILY_MN) && mn.contains(TITLE_MN), "{mn}");
    assert!(!mn.contains("乌云其木格家庭"), "the Mongolian column: {mn}");
    assert!(zh.contains("乌云其木格家庭：") && zh.contains("锡林浩特市“最美家庭”评选"));
    assert!(!zh.contains(FAMILY_MN));
}
both_backends!(honours_mn, honours);

/// Without a Mongolian name the pages and the certificate stay as they were:
/// the Chinese alone, and the short Mongolian sentence without a title.
async fn honours_without_mongolian(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("baoligen", "admin", BAOLIGEN).await;
    app.add_user("yilelt", "cadre", YILELT).await;
    let city = app.token("xilinhot").await;
    let township = app.token("baoligen").await;
    let village = app.token("yilelt").await;
    let c = json_of(
        app.post_json(&city, "/api/v1/honours/campaigns", campaign_body(None)).await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let n = json_of(
        app.post_json(
            &village,
            &format!("/api/v1/honours/campaigns/{c}/nominations"),
            family_body(YILELT, "乌云其木格家庭", Some("  ")),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    for token in [&township, &city] {
        app.post_json(token, &format!("/api/v1/honours/nominations/{n}/recommend"), json!({}))
            .await;
    }
    app.post_json(&city, &format!("/api/v1/honours/campaigns/{c}/notice"), json!({}))
        .await;
    let v = json_of(app.get(&city, &format!("/api/v1/honours/campaigns/{c}")).await, 200).await;
    assert_eq!(v["title_mn"], Value::Null);
    assert_eq!(v["nominations"][0]["display_name_mn"], Value::Null, "blank is none");
    let html = app
        .client
        .get(app.url(&format!("/public/honours/{c}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(h1(&html).contains(">锡林浩特市“最美家庭”评选"), "{}", h1(&html));
    assert!(html.contains("<h2>乌云其木格家庭</h2>"));
    app.store
        .honour_backdate_notice(
            jinguo_domain::honour::CampaignId::new(c),
            today() - time::Duration::days(10),
        )
        .await
        .unwrap();
    app.post_json(&city, &format!("/api/v1/honours/campaigns/{c}/publish"), json!({}))
        .await;
    let cert = app
        .client
        .get(app.url(&format!("/public/honours/{c}/certificates/{n}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (mn, _) = columns(&cert);
    assert!(mn.contains("乌云其木格家庭"), "the Chinese name stands in: {mn}");
}
both_backends!(honours_without_mongolian, honours_without_mongolian);

fn home_body(name_mn: Option<&str>) -> Value {
    json!({"unit_code": YILELT, "name": "伊勒勒特嘎查妇女之家", "name_mn": name_mn,
           "address": "嘎查党群服务中心", "status": "active"})
}

async fn homes(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let user = app.add_user("baoligen", "cadre", BAOLIGEN).await;
    let t = app.token("baoligen").await;
    let list = format!("/api/v1/homes?unit={BAOLIGEN}");
    let count = |v: Value| v["homes"].as_array().map_or(0, Vec::len);
    for wrong in ["妇女之家", "Women's Home"] {
        let e = json_of(app.post_json(&t, "/api/v1/homes", home_body(Some(wrong))).await, 422).await;
        assert_eq!(refusal(&e), ("name_mn".into(), true));
    }
    assert_eq!(count(json_of(app.get(&t, &list).await, 200).await), 0);
    let id = json_of(app.post_json(&t, "/api/v1/homes", home_body(Some(HOME_MN))).await, 201).await["id"]
        .as_i64()
        .unwrap();
    let h = json_of(app.get(&t, &format!("/api/v1/homes/{id}")).await, 200).await;
    assert_eq!(h["name_mn"], HOME_MN);
    // A change with Latin is refused and keeps the Mongolian name.
    let mut b = home_body(Some("Emegteichudiin ger"));
    b["unit_code"] = json!(YILELT);
    let r = app
        .client
        .put(app.url(&format!("/api/v1/homes/{id}")))
        .bearer_auth(&t)
        .json(&b)
        .send()
        .await
        .unwrap();
    let e = json_of(r, 422).await;
    assert_eq!(refusal(&e).0, "name_mn");
    let h = json_of(app.get(&t, &format!("/api/v1/homes/{id}")).await, 200).await;
    assert_eq!(h["name_mn"], HOME_MN);

    // The form: the field error, then a home with its Mongolian name.
    let (token, csrf) = app.session_for(user).await;
    let cookie = format!("jinguo_session={token}");
    let form = |name_mn: &str| {
        vec![
            ("unit_code", HANAULA.to_owned()),
            ("name", "哈那乌拉嘎查妇女之家".to_owned()),
            ("name_mn", name_mn.to_owned()),
            ("address", "嘎查委员会".to_owned()),
            ("status", "active".to_owned()),
            ("_csrf", csrf.clone()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        app.client
            .post(app.url("/homes"))
            .header(COOKIE, &cookie)
            .form(&f)
            .send()
    };
    let r = post(form("哈那乌拉")).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"name_mn-err\"") && page.contains("lang=\"mn-Mong\""));
    assert_eq!(count(json_of(app.get(&t, &list).await, 200).await), 1, "nothing saved");
    let r = post(form(HOME_MN)).await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let page = app
        .client
        .get(app.url(&to))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(before(h1(&page), HOME_MN, "哈那乌拉嘎查妇女之家"), "{}", h1(&page));
    assert_eq!(count(json_of(app.get(&t, &list).await, 200).await), 2);

    // The help page: on the Mongolian page the Mongolian name first, the
    // Chinese beside it; the Chinese page shows the Chinese alone.
    let help = |lang: &str| {
        let req = app
            .client
            .get(app.url(&format!("/help?lang={lang}&place={YILELT}")));
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let mn = help("mn-Mong").await;
    assert!(before(&mn, HOME_MN, "伊勒勒特嘎查妇女之家"), "Mongolian first");
    let zh = help("zh-CN").await;
    assert!(zh.contains("伊勒勒特嘎查妇女之家") && !zh.contains(HOME_MN));
}
both_backends!(homes_mn, homes);

async fn training_form(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let user = app.add_user("xilinhot", "admin", XILINHOT).await;
    let t = app.token("xilinhot").await;
    let list = format!("/api/v1/training/programmes?unit={XILINHOT}");
    let count = |v: Value| v["programmes"].as_array().map_or(0, Vec::len);
    let body = |title_mn: &str| {
        json!({"unit_code": XILINHOT, "title": "领头雁培训计划", "title_mn": title_mn,
               "year": today().year(), "audience": "village_chairs", "target": 40, "hours": 8})
    };
    let e = json_of(
        app.post_json(&t, "/api/v1/training/programmes", body("领头雁")).await,
        422,
    )
    .await;
    assert_eq!(refusal(&e), ("title_mn".into(), true));
    let (token, csrf) = app.session_for(user).await;
    let form = |title_mn: &str| {
        vec![
            ("unit_code", XILINHOT.to_owned()),
            ("title", "领头雁培训计划".to_owned()),
            ("title_mn", title_mn.to_owned()),
            ("year", today().year().to_string()),
            ("audience", "village_chairs".to_owned()),
            ("target", "40".to_owned()),
            ("hours", "8".to_owned()),
            ("_csrf", csrf.clone()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        app.client
            .post(app.url("/training/programmes"))
            .header(COOKIE, format!("jinguo_session={token}"))
            .form(&f)
            .send()
    };
    let r = post(form("Lead geese")).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"title_mn-err\"") && page.contains("lang=\"mn-Mong\""));
    assert_eq!(count(json_of(app.get(&t, &list).await, 200).await), 0, "nothing saved");
    let r = post(form(TITLE_MN)).await.unwrap();
    assert_eq!(r.status(), 303);
    let v = json_of(app.get(&t, &list).await, 200).await;
    assert_eq!(v["programmes"][0]["title_mn"], TITLE_MN);
}
both_backends!(training_form_mn, training_form);
