//! The office's outline pages for what was API-only: the catalogue's
//! import template (downloaded, filled in, imported), one catalogue row
//! edited on a page (its plan period only), a unit's own target set on a
//! page (looser refused beside its field), and a department reporter's
//! department assigned. Plus their authorization-matrix cases.

use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn put_json(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// A page session: GET and form POST with its cookie and CSRF token.
struct Page<'a> {
    app: &'a TestApp,
    cookie: String,
    csrf: String,
}

impl<'a> Page<'a> {
    async fn of(app: &'a TestApp, user: jinguo_domain::UserId) -> Page<'a> {
        let (cookie, csrf) = app.session_for(user).await;
        Page { app, cookie, csrf }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.app
            .client
            .get(self.app.url(path))
            .header(COOKIE, format!("jinguo_session={}", self.cookie))
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        form.extend_from_slice(fields);
        self.app
            .client
            .post(self.app.url(path))
            .header(COOKIE, format!("jinguo_session={}", self.cookie))
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

fn mmr_row() -> Value {
    json!({"code": "W1.1", "outline": "women", "domain_no": 1, "goal": "孕产妇死亡率下降到12/10万以下",
           "name": "孕产妇死亡率", "unit": "per_100k", "numerator": "孕产妇死亡人数",
           "denominator": "活产数", "direction": "at_most", "department": "health",
           "levels": "1,2,3", "source": "妇幼卫生监测"})
}

async fn indicators(app: &TestApp, token: &str) -> Vec<Value> {
    let v: Value = app
        .get(token, "/api/v1/outlines/indicators")
        .await
        .json()
        .await
        .unwrap();
    v["indicators"].as_array().unwrap().clone()
}

/// The template's header row is what the importer reads: filled in below
/// that row, the workbook imports; only the region's office gets it.
async fn template(db: Db) {
    use calamine::{Data, Reader, Xlsx};
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let admin = app.add_user("r-admin", "admin", REGION).await;
    let league = app.add_user("xl-admin", "admin", XILINGOL).await;
    let page = Page::of(&app, admin).await;
    let r = page.get("/outlines/catalogue/template.xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).unwrap();
    assert_eq!(range.height(), 1, "a header row and nothing the import would read");
    let header: Vec<String> = range.rows().next().unwrap().iter().map(|d| match d {
        Data::String(s) => s.clone(),
        other => panic!("a header cell {other:?}"),
    }).collect();
    let expected: Vec<&str> = jinguo_app::outlines::import::COLUMNS.iter().map(|(_, zh)| *zh).collect();
    // Each header is its Mongolian above the Chinese the import reads.
    let chinese: Vec<String> = header.iter().map(|h| zh_header(h)).collect();
    assert_eq!(chinese, expected);
    assert!(header.iter().all(|h| h.contains('\n')), "{header:?}");
    // The departments' drop-down offers the dictionary's labels.
    let lists = wb.worksheet_range(&wb.sheet_names()[1].clone()).unwrap();
    assert!(lists.rows().flatten().any(|d| d == &Data::String("卫生健康委员会".into())));

    // Filled in: the downloaded header, two rows in the template's words.
    let value = |field: &str, row: usize| -> &str {
        let rows: [&[(&str, &str)]; 2] = [
            &[("code", "W1.1"), ("outline", "妇女"), ("domain_no", "1"), ("name", "孕产妇死亡率"),
              ("unit", "1/10万"), ("numerator", "孕产妇死亡人数"), ("denominator", "活产数"),
              ("direction", "以下"), ("department", "卫生健康委员会"), ("levels", "1,2,3"),
              ("sex_disaggregated", "否"), ("demo", "否")],
            &[("code", "W3.9"), ("outline", "妇女"), ("domain_no", "3"), ("name", "女性就业人数"),
              ("unit", "数量"), ("direction", "以上"), ("department", "统计局"), ("levels", "1,2"),
              ("sex_disaggregated", "否"), ("jump_percent", "40"), ("demo", "是")],
        ];
        rows[row].iter().find(|(k, _)| *k == field).map_or("", |(_, v)| *v)
    };
    let mut filled = rust_xlsxwriter::Workbook::new();
    let ws = filled.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
        let field = jinguo_app::outlines::import::COLUMNS[c].0;
        for row in 0..2 {
            let v = value(field, row);
            if !v.is_empty() {
                ws.write_string(row as u32 + 1, c as u16, v).unwrap();
            }
        }
    }
    let form = reqwest::multipart::Form::new()
        .text("_csrf", page.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(filled.save_to_buffer().unwrap()).file_name("c.xlsx"),
        );
    let r = app
        .client
        .post(app.url("/outlines/catalogue/import"))
        .header(COOKIE, format!("jinguo_session={}", page.cookie))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let token = app.token("r-admin").await;
    let list = indicators(&app, &token).await;
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["code"], "W3.9");
    assert_eq!(list[1]["unit"], "count");
    assert_eq!(list[1]["department"], "statistics");
    assert_eq!(list[1]["demo"], true);

    let r = Page::of(&app, league).await.get("/outlines/catalogue/template.xlsx").await;
    assert_eq!(r.status(), 403);
}
both_backends!(outlines_catalogue_template, template);

/// One row edited on its page: a wrong field comes back beside it with
/// nothing changed; a good edit replaces the row of the current plan
/// period only (an earlier period's row of the same code stays).
async fn edit_indicator(db: Db) {
    use jinguo_store::OutlineStore;
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let admin = app.add_user("r-admin", "admin", REGION).await;
    let league = app.add_user("xl-admin", "admin", XILINGOL).await;
    let token = app.token("r-admin").await;
    let r = put_json(&app, &token, "/api/v1/outlines/indicators", json!({"indicators": [mmr_row()]})).await;
    assert_eq!(r.status(), 200);
    // The same code in the earlier plan period, straight through the store.
    let earlier = jinguo_domain::outline::PlanPeriod::new(2011, 2020).unwrap();
    let mut old = jinguo_domain::outline::IndicatorDraft {
        code: "W1.1".into(),
        outline: "women".into(),
        domain_no: Some(1),
        name: "孕产妇死亡率（旧）".into(),
        unit: "per_100k".into(),
        numerator: "孕产妇死亡人数".into(),
        denominator: "活产数".into(),
        direction: "at_most".into(),
        department: "health".into(),
        levels: "1,2".into(),
        ..Default::default()
    };
    old.source = "旧年鉴".into();
    let old = jinguo_domain::outline::IndicatorSpec::try_from(old).unwrap();
    let root = app.store.root_scope().await.unwrap();
    app.store
        .save_indicators(root, earlier, &[old], &jinguo_store::outlines::Who::default(), 1)
        .await
        .unwrap();

    let page = Page::of(&app, admin).await;
    let r = page.get("/outlines/catalogue/W1.1/edit").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"孕产妇死亡率\""), "the row's values");
    assert_eq!(page.get("/outlines/catalogue/NOPE/edit").await.status(), 404);
    assert_eq!(
        Page::of(&app, league).await.get("/outlines/catalogue/W1.1/edit").await.status(),
        403
    );

    let good: Vec<(&str, &str)> = vec![
        ("outline", "women"), ("domain_no", "1"), ("goal", "孕产妇死亡率控制在12/10万以下"),
        ("name", "孕产妇死亡率（修订）"), ("unit", "per_100k"), ("numerator", "孕产妇死亡人数"),
        ("denominator", "活产数"), ("direction", "at_most"), ("department", "health"),
        ("levels", "1"), ("levels", "2"), ("sex_disaggregated", "1"), ("source", "妇幼卫生年报"),
        ("jump_percent", "25"),
    ];
    // A ratio without its numerator, a domain the outline lacks: both named.
    let mut bad = good.clone();
    bad.retain(|(k, _)| *k != "numerator" && *k != "domain_no");
    bad.push(("domain_no", "9"));
    let r = page.post("/outlines/catalogue/W1.1/edit", &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("比率类指标须写明分子和分母"), "numerator named");
    assert!(html.contains("领域编号不在该纲要的范围内"), "domain named");
    assert!(html.contains("aria-invalid=\"true\""));
    assert_eq!(indicators(&app, &token).await[0]["name"], "孕产妇死亡率", "nothing changed");

    let r = page.post("/outlines/catalogue/W1.1/edit", &good).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/outlines/catalogue?saved=W1.1");
    let list = indicators(&app, &token).await;
    assert_eq!(list.len(), 1, "replaced, not added");
    assert_eq!(list[0]["name"], "孕产妇死亡率（修订）");
    assert_eq!(list[0]["levels"], json!([1, 2]));
    assert_eq!(list[0]["sex_disaggregated"], true);
    assert_eq!(list[0]["jump_percent"], 25);
    let kept = app.store.indicators(earlier, None).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].spec.name, "孕产妇死亡率（旧）", "the earlier period's row stays");
    let html = page.get("/outlines/catalogue?saved=W1.1").await.text().await.unwrap();
    assert!(html.contains("已保存指标 W1.1"));
}
both_backends!(outlines_edit_indicator, edit_indicator);

/// Targets on the page: the region sets one, a league may be stricter but
/// a looser one is refused beside the value field, nothing changed.
async fn targets_page(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let admin = app.add_user("r-admin", "admin", REGION).await;
    let league = app.add_user("xl-admin", "admin", XILINGOL).await;
    let token = app.token("r-admin").await;
    let r = put_json(&app, &token, "/api/v1/outlines/indicators", json!({"indicators": [mmr_row()]})).await;
    let id = r.json::<Value>().await.unwrap()["ids"][0].as_i64().unwrap().to_string();
    let region = Page::of(&app, admin).await;
    let r = region
        .post("/outlines/targets", &[("unit", REGION), ("indicator_id", &id), ("year", "2030"), ("value", "12")])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/outlines/targets?unit={REGION}&done=set"));

    let xl = Page::of(&app, league).await;
    let r = xl
        .post("/outlines/targets", &[("unit", XILINGOL), ("indicator_id", &id), ("year", "2030"), ("value", "14")])
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("下级目标只能比上级更严格"), "the API's message");
    assert!(html.contains("id=\"value-err\""), "beside the value field");
    assert!(html.contains("value=\"14\""), "what was typed comes back");
    let r = xl
        .post("/outlines/targets", &[("unit", XILINGOL), ("indicator_id", &id), ("year", "2030"), ("value", "abc")])
        .await;
    assert_eq!(r.status(), 422);
    let v: Value = app
        .get(&token, &format!("/api/v1/outlines/targets/{XILINGOL}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["targets"][0]["own"], Value::Null, "nothing set");

    let r = xl
        .post("/outlines/targets", &[("unit", XILINGOL), ("indicator_id", &id), ("year", "2030"), ("value", "10")])
        .await;
    assert_eq!(r.status(), 303);
    let html = xl.get(&format!("/outlines/targets?unit={XILINHOT}")).await.text().await.unwrap();
    assert!(html.contains("孕产妇死亡率"));
    let v: Value = app
        .get(&token, &format!("/api/v1/outlines/targets/{XILINHOT}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["targets"][0]["effective"], 10.0);
    // Another league's unit: not found.
    let r = xl
        .post("/outlines/targets", &[("unit", BAOTOU), ("indicator_id", &id), ("year", "2030"), ("value", "9")])
        .await;
    assert_eq!(r.status(), 404);
}
both_backends!(outlines_targets_page, targets_page);

/// The department reporters of a subtree and their departments; an
/// unknown department is refused beside its select; another league's
/// reporter is not found.
async fn reporters_page(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let league = app.add_user("xl-admin", "admin", XILINGOL).await;
    let baotou = app.add_user("bt-admin", "admin", BAOTOU).await;
    let reporter = app.add_user("xh-health", "department", XILINHOT).await;
    let page = Page::of(&app, league).await;
    let html = page.get(&format!("/outlines/reporters?unit={XILINGOL}")).await.text().await.unwrap();
    assert!(html.contains("xh-health"));
    assert!(html.contains("（未指定）"));
    let path = format!("/outlines/reporters/{}", reporter.get());
    let r = page.post(&path, &[("unit", XILINGOL), ("department", "astrology")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("部门不在部门字典中"));
    let r = Page::of(&app, baotou).await.post(&path, &[("unit", BAOTOU), ("department", "health")]).await;
    assert_eq!(r.status(), 404);
    let r = page.post(&path, &[("unit", XILINGOL), ("department", "health")]).await;
    assert_eq!(r.status(), 303);
    let html = page.get(&format!("/outlines/reporters?unit={XILINGOL}")).await.text().await.unwrap();
    assert!(html.contains("<option value=\"health\" selected>"));
}
both_backends!(outlines_reporters_page, reporters_page);

/// Sets a department reporter's department straight through the store.
async fn reporter(app: &TestApp, name: &str, unit: &str, department: Option<&str>) -> jinguo_domain::UserId {
    use jinguo_store::OutlineStore;
    let id = app.add_user(name, "department", unit).await;
    if let Some(d) = department {
        let root = app.store.root_scope().await.unwrap();
        app.store
            .set_reporter_department(
                root,
                id,
                &jinguo_domain::outline::Department::parse(d).unwrap(),
                &jinguo_store::outlines::Who::default(),
                1,
            )
            .await
            .unwrap();
    }
    id
}

/// Reminders from the unreported list: one notice per reporter account of
/// the departments still outstanding at the unit, seen in her notices (and
/// counted unread) and in no one else's; audited.
async fn reminders(db: Db) {
    use jinguo_store::{TaskStore, UnitStore};
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("r-admin", "admin", REGION).await;
    let region = app.token("r-admin").await;
    let r = put_json(&app, &region, "/api/v1/outlines/indicators", json!({"indicators": [mmr_row(),
        {"code": "C3.1", "outline": "children", "domain_no": 3, "name": "学前教育毛入园率",
         "unit": "percent", "numerator": "在园幼儿数", "denominator": "3—5岁儿童人数",
         "direction": "at_least", "department": "education", "levels": "1,2,3"}]})).await;
    let mmr = r.json::<Value>().await.unwrap()["ids"][0].as_i64().unwrap();
    let league = app.add_user("xl-admin", "admin", XILINGOL).await;
    let health = reporter(&app, "xl-health", XILINGOL, Some("health")).await;
    let edu = reporter(&app, "xl-edu", XILINGOL, Some("education")).await;
    let edu2 = reporter(&app, "xl-edu2", XILINGOL, Some("education")).await;
    let banner_edu = reporter(&app, "xh-edu", XILINHOT, Some("education")).await;
    reporter(&app, "xl-none", XILINGOL, None).await;
    // Health hands its report in; education has not.
    let xh = app.token("xl-health").await;
    let api = format!("/api/v1/outlines/reports/2025/{XILINGOL}");
    let entry = json!({"entries": [{"indicator_id": mmr, "total": {"numerator": 3, "denominator": 40000}}]});
    assert_eq!(put_json(&app, &xh, &api, entry).await.status(), 200);
    assert_eq!(app.post_json(&xh, &format!("{api}/submit"), json!({})).await.status(), 200);

    let office = Page::of(&app, league).await;
    let html = office.get(&format!("/outlines/unreported?unit={XILINGOL}&year=2025")).await.text().await.unwrap();
    assert!(html.contains("/outlines/unreported/remind"), "the office may remind");
    let r = office.post("/outlines/unreported/remind", &[("unit", XILINGOL), ("year", "2025")]).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(to, format!("/outlines/unreported?unit={XILINGOL}&year=2025&reminded=2"));
    let html = office.get(&to).await.text().await.unwrap();
    assert!(html.contains("已向 2 名部门填报员发送提醒"));

    let store = &app.store;
    let unit = |code: &'static str| async move {
        let code = jinguo_domain::UnitCode::parse(code).unwrap();
        store.unit_by_code(&code).await.unwrap().id
    };
    let xl = unit(XILINGOL).await;
    let text = "请填报并提交 2025 年两纲监测指标（教育局）";
    for (user, unit_id, gets) in [(edu, xl, true), (edu2, xl, true), (health, xl, false),
                                   (league, xl, false), (banner_edu, unit(XILINHOT).await, false)] {
        let unread = app.store.unread_notices(unit_id, user).await.unwrap();
        assert_eq!(unread, i64::from(gets), "unread for {}", user.get());
        let html = Page::of(&app, user).await.get("/notices").await.text().await.unwrap();
        assert_eq!(html.contains(text), gets, "notices of {}", user.get());
        if gets {
            assert!(html.contains("href=\"/outlines/report?year=2025\""), "a link to her form");
            assert_eq!(app.store.unread_notices(unit_id, user).await.unwrap(), 0, "read once seen");
        }
    }

    // Another league's office: not found; the audit log has the reminder.
    let bt = app.add_user("bt-admin", "admin", BAOTOU).await;
    let r = Page::of(&app, bt).await.post("/outlines/unreported/remind", &[("unit", XILINGOL), ("year", "2025")]).await;
    assert_eq!(r.status(), 404);
    app.add_user("raud", "auditor", REGION).await;
    let log = app.get(&app.token("raud").await, "/api/v1/audit?limit=100").await.text().await.unwrap();
    assert!(log.contains("outline.remind"), "{log}");
}
both_backends!(outlines_reminders, reminders);

mod matrix_cases {
    use crate::matrix::*;

    fn cases(m: &mut Cases) {
        let c = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Unit,
        };
        m.insert(
            ("GET", "/outlines/catalogue/template.xlsx"),
            c(|_| call("/outlines/catalogue/template.xlsx".into()), 200),
        );
        // No such row: the region's office passes the gate and finds none
        // (the page's own test opens a row).
        m.insert(
            ("GET", "/outlines/catalogue/{code}/edit"),
            c(|_| call("/outlines/catalogue/MX.NONE/edit".into()), 404),
        );
        m.insert(
            ("POST", "/outlines/catalogue/{code}/edit"),
            c(|_| form("/outlines/catalogue/MX.NONE/edit".into(), &[("name", "x".into())]), 404),
        );
        m.insert(
            ("GET", "/outlines/targets"),
            c(|t| call(format!("/outlines/targets?unit={}", t.code())), 200),
        );
        // No such indicator: refused on the page (the page's own test sets one).
        m.insert(
            ("POST", "/outlines/targets"),
            c(
                |t| {
                    form(
                        "/outlines/targets".into(),
                        &[
                            ("unit", t.code().into()),
                            ("indicator_id", "999999".into()),
                            ("year", "2030".into()),
                            ("value", "1".into()),
                        ],
                    )
                },
                422,
            ),
        );
        m.insert(
            ("POST", "/outlines/unreported/remind"),
            c(
                |t| form("/outlines/unreported/remind".into(), &[("unit", t.code().into()), ("year", "2025".into())]),
                303,
            ),
        );
        m.insert(
            ("GET", "/outlines/reporters"),
            c(|t| call(format!("/outlines/reporters?unit={}", t.code())), 200),
        );
        m.insert(
            ("POST", "/outlines/reporters/{id}"),
            Case {
                build: |t| {
                    form(
                        format!("/outlines/reporters/{}", t.id()),
                        &[("department", "health".into()), ("unit", t.code().into())],
                    )
                },
                ok: 303,
                out_of_scope: 404,
                kind: Kind::Module(&crate::outlines::matrix_cases::REPORTER),
            },
        );
    }

    inventory::submit!(ModuleCases(cases));
}
