//! Outline monitoring over the API and the pages: the catalogue (all or
//! nothing), the stricter-only target cascade, a department reporter's
//! report (her unit and her department only, plausibility rules, the jump
//! rule), the office's approve and return, editing an approved report
//! refused, the ratio-correct figures up the tree, and what a department
//! reporter may not see. Plus the module's authorization-matrix cases.

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

fn catalogue() -> Value {
    json!({"indicators": [
        {"code": "W1.1", "outline": "women", "domain_no": 1, "goal": "孕产妇死亡率下降到12/10万以下",
         "name": "孕产妇死亡率", "unit": "per_100k", "numerator": "孕产妇死亡人数",
         "denominator": "活产数", "direction": "at_most", "department": "health",
         "levels": "1,2,3", "source": "妇幼卫生监测"},
        {"code": "C3.1", "outline": "children", "domain_no": 3, "name": "学前教育毛入园率",
         "unit": "percent", "numerator": "在园幼儿数", "denominator": "3—5岁儿童人数",
         "direction": "at_least", "department": "education", "levels": "1,2,3",
         "sex_disaggregated": true}
    ]})
}

/// Sets a department reporter's department straight through the store.
async fn reporter(app: &TestApp, name: &str, unit: &str, department: &str) -> String {
    use jinguo_store::OutlineStore;
    let id = app.add_user(name, "department", unit).await;
    let root = app.store.root_scope().await.unwrap();
    app.store
        .set_reporter_department(
            root,
            id,
            &jinguo_domain::outline::Department::parse(department).unwrap(),
            &jinguo_store::outlines::Who::default(),
            1,
        )
        .await
        .unwrap();
    app.token(name).await
}

fn mmr(id: i64, n: i64, d: i64) -> Value {
    json!({"entries": [{"indicator_id": id, "total": {"numerator": n, "denominator": d},
                        "source": "妇幼卫生年报"}]})
}

/// The fields an error names (`{"error": {"fields": {name: message}}}`).
fn fields(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or("")
}

async fn story(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("r-admin", "admin", REGION).await;
    app.add_user("xl-admin", "admin", XILINGOL).await;
    app.add_user("bt-admin", "admin", BAOTOU).await;
    let region = app.token("r-admin").await;
    let league = app.token("xl-admin").await;
    let baotou = app.token("bt-admin").await;

    // The catalogue: a wrong row saves nothing and names its row.
    let mut bad = catalogue();
    bad["indicators"][1]["unit"] = json!("furlongs");
    let r = put_json(&app, &region, "/api/v1/outlines/indicators", bad).await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(fields(&v), ["indicators[1].unit"]);
    let r = app.get(&region, "/api/v1/outlines/indicators").await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["indicators"].as_array().unwrap().len(), 0, "nothing saved");
    // Only the region edits it.
    let r = put_json(&app, &league, "/api/v1/outlines/indicators", catalogue()).await;
    assert_eq!(r.status(), 403);
    let r = put_json(&app, &region, "/api/v1/outlines/indicators", catalogue()).await;
    assert_eq!(r.status(), 200);
    let ids: Value = r.json().await.unwrap();
    let (mmr_id, school_id) = (ids["ids"][0].as_i64().unwrap(), ids["ids"][1].as_i64().unwrap());

    // Targets: at most 12 at the region; the league may ask 10, not 14.
    let target = |v: f64| json!({"indicator_id": mmr_id, "year": 2030, "value": v});
    let r = put_json(&app, &region, &format!("/api/v1/outlines/targets/{REGION}"), target(12.0)).await;
    assert_eq!(r.status(), 200);
    let r = put_json(&app, &league, &format!("/api/v1/outlines/targets/{XILINGOL}"), target(14.0)).await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["field"], "value");
    assert!(message(&v).contains("不能放宽"), "{v}");
    let r = put_json(&app, &league, &format!("/api/v1/outlines/targets/{XILINGOL}"), target(10.0)).await;
    assert_eq!(r.status(), 200);
    // Not the mid-term or final year; another league's unit.
    let r = put_json(
        &app,
        &league,
        &format!("/api/v1/outlines/targets/{XILINGOL}"),
        json!({"indicator_id": mmr_id, "year": 2027, "value": 9.0}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = put_json(&app, &league, &format!("/api/v1/outlines/targets/{BAOTOU}"), target(9.0)).await;
    assert_eq!(r.status(), 404);
    let r = app.get(&league, &format!("/api/v1/outlines/targets/{XILINHOT}")).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["targets"][0]["inherited"], 10.0);
    assert_eq!(v["targets"][0]["effective"], 10.0);
    assert_eq!(v["targets"][0]["own"], Value::Null);

    // The banners' health reporters.
    let xh = reporter(&app, "xh-health", XILINHOT, "health").await;
    let er = reporter(&app, "er-health", ERENHOT, "health").await;
    let path = |code: &str| format!("/api/v1/outlines/reports/2025/{code}");
    let r = app.get(&xh, &path(XILINHOT)).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["indicators"].as_array().unwrap().len(), 1, "health only");
    assert_eq!(v["report"], Value::Null);
    // Plausibility: numerator over denominator, denominator zero.
    let r = put_json(&app, &xh, &path(XILINHOT), mmr(mmr_id, 5, 4)).await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(fields(&v), ["entries[0].total.numerator"]);
    let r = put_json(&app, &xh, &path(XILINHOT), mmr(mmr_id, 0, 0)).await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(fields(&v), ["entries[0].total.denominator"]);
    // Another department's indicator; another unit.
    let r = put_json(&app, &xh, &path(XILINHOT), mmr(school_id, 1, 4)).await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(fields(&v), ["entries[0].indicator_id"]);
    for other in [ERENHOT, XILINGOL, BAOTOU, NO_SUCH_UNIT] {
        let r = put_json(&app, &xh, &path(other), mmr(mmr_id, 1, 10_000)).await;
        assert_eq!(r.status(), 404, "{other}");
    }
    // Nothing was saved by any of that.
    let v: Value = app.get(&xh, &path(XILINHOT)).await.json().await.unwrap();
    assert_eq!(v["report"], Value::Null);

    let r = put_json(&app, &xh, &path(XILINHOT), mmr(mmr_id, 1, 10_000)).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "draft");
    assert_eq!(v["values"][0]["value"], 10.0);
    let r = put_json(&app, &er, &path(ERENHOT), mmr(mmr_id, 2, 30_000)).await;
    assert_eq!(r.status(), 200);
    for (t, code) in [(&xh, XILINHOT), (&er, ERENHOT)] {
        let r = app
            .post_json(t, &format!("{}/submit", path(code)), json!({}))
            .await;
        assert_eq!(r.status(), 200);
    }
    // Submitted: locked for her.
    let r = put_json(&app, &xh, &path(XILINHOT), mmr(mmr_id, 1, 9_000)).await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert!(message(&v).contains("不能再修改"), "{v}");

    // The office's list; another league's office sees none of it.
    let r = app
        .get(&league, "/api/v1/outlines/reviews?year=2025&status=submitted")
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["reports"].as_array().unwrap().len(), 2);
    let office = |code: &str| format!("/api/v1/outlines/reports/2025/{code}/health");
    let r = app
        .post_json(&baotou, &format!("{}/approve", office(XILINHOT)), json!({}))
        .await;
    assert_eq!(r.status(), 404);
    // A return needs a reason.
    let r = app
        .post_json(&league, &format!("{}/return", office(ERENHOT)), json!({"reason": " "}))
        .await;
    assert_eq!(r.status(), 422);
    for code in [XILINHOT, ERENHOT] {
        let r = app
            .post_json(&league, &format!("{}/approve", office(code)), json!({}))
            .await;
        assert_eq!(r.status(), 200, "{code}");
    }
    // Approved: nobody edits it any more, and it is not approved twice.
    let r = put_json(&app, &xh, &path(XILINHOT), mmr(mmr_id, 1, 9_000)).await;
    assert_eq!(r.status(), 422);
    let r = app
        .post_json(&league, &format!("{}/approve", office(XILINHOT)), json!({}))
        .await;
    assert_eq!(r.status(), 422);

    // The league's figure: (1 + 2) / (10,000 + 30,000) = 7.5 per 100,000,
    // never the mean of 10 and 6.67; at most 10 is attained.
    let r = app
        .get(&league, &format!("/api/v1/units/{XILINGOL}/outlines?year=2025"))
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let row = &v["indicators"][0];
    assert_eq!(row["code"], "W1.1");
    assert_eq!(row["value"], 7.5);
    assert_eq!(row["aggregate"]["numerator"], 3);
    assert_eq!(row["aggregate"]["denominator"], 40_000);
    assert_eq!(row["target"], 10.0);
    assert_eq!(row["attainment"], "attained");
    assert_eq!(v["domains"][0]["attained"], 1);
    // The region: the league side by side with Baotou, which reported
    // nothing; the region's value covers one league of two.
    let v: Value = app
        .get(&region, &format!("/api/v1/units/{REGION}/outlines?year=2025"))
        .await
        .json()
        .await
        .unwrap();
    let row = &v["indicators"][0];
    assert_eq!(row["value"], 7.5);
    assert_eq!(row["target"], 12.0);
    assert_eq!(row["aggregate"]["units_reported"], 1);
    assert_eq!(row["aggregate"]["units_expected"], 2);
    let children: Vec<&str> = v["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    let xl = children.iter().position(|c| *c == XILINGOL).unwrap();
    let bt = children.iter().position(|c| *c == BAOTOU).unwrap();
    assert_eq!(row["children"][xl]["value"], 7.5);
    assert_eq!(row["children"][xl]["target"], 10.0);
    assert_eq!(row["children"][bt]["attainment"], "no_data");

    // The jump rule: from 10 per 100,000 in 2025 to 50 in 2026 needs an
    // explanation.
    let y26 = "/api/v1/outlines/reports/2026/".to_owned() + XILINHOT;
    let r = put_json(&app, &xh, &y26, mmr(mmr_id, 5, 10_000)).await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(fields(&v), ["entries[0].explanation"]);
    let mut body = mmr(mmr_id, 5, 10_000);
    body["entries"][0]["explanation"] = json!("新生儿转诊中心统计口径调整");
    assert_eq!(put_json(&app, &xh, &y26, body).await.status(), 200);

    // A league's own report, returned with a reason and corrected.
    let xlh = reporter(&app, "xl-health", XILINGOL, "health").await;
    let r = put_json(&app, &xlh, &path(XILINGOL), mmr(mmr_id, 3, 38_000)).await;
    assert_eq!(r.status(), 200);
    app.post_json(&xlh, &format!("{}/submit", path(XILINGOL)), json!({}))
        .await;
    let r = app
        .post_json(
            &league,
            &format!("{}/return", office(XILINGOL)),
            json!({"reason": "活产数与统计年鉴不符"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "returned");
    assert_eq!(v["return_reason"], "活产数与统计年鉴不符");
    let r = put_json(&app, &xlh, &path(XILINGOL), mmr(mmr_id, 3, 40_500)).await;
    assert_eq!(r.status(), 200);

    // A department reporter sees nothing else.
    for p in [
        format!("/api/v1/units/{XILINHOT}/outlines?year=2025"),
        "/api/v1/households".to_owned(),
        format!("/api/v1/units/{XILINHOT}/homes/coverage"),
        "/api/v1/outlines/reviews".to_owned(),
    ] {
        assert_eq!(app.get(&xh, &p).await.status(), 403, "{p}");
    }
    // The catalogue she may read.
    assert_eq!(
        app.get(&xh, "/api/v1/outlines/indicators?department=health")
            .await
            .status(),
        200
    );

    // The pages: her form, the league's attainment.
    let reporter_id = app.add_user("xh-web", "department", XILINHOT).await;
    let (cookie, _) = app.session_for(reporter_id).await;
    let r = app
        .client
        .get(app.url("/outlines/report?year=2025"))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("还没有指定所属部门"), "no department yet: said so");
    let admin = app.add_user("xl-web", "admin", XILINGOL).await;
    let (cookie, _) = app.session_for(admin).await;
    let r = app
        .client
        .get(app.url("/outlines?year=2025"))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("7.5"), "the league's ratio on its page");
    assert!(html.contains("已达标"), "attainment in words, not colour alone");
}
both_backends!(outlines_story, story);

/// The department reporter's form on the page: saved figures come back,
/// a wrong one is shown beside its field and nothing is saved.
async fn report_form(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("r-admin", "admin", REGION).await;
    let region = app.token("r-admin").await;
    let r = put_json(&app, &region, "/api/v1/outlines/indicators", catalogue()).await;
    let ids: Value = r.json().await.unwrap();
    let id = ids["ids"][0].as_i64().unwrap();
    reporter(&app, "xl-health", XILINGOL, "health").await;
    let user = app
        .store
        .credentials("xl-health")
        .await
        .unwrap()
        .user
        .id;
    let (cookie, csrf) = app.session_for(user).await;
    let post = |fields: Vec<(String, String)>| {
        app.client
            .post(app.url("/outlines/report"))
            .header(COOKIE, format!("jinguo_session={cookie}"))
            .form(&fields)
            .send()
    };
    let f = |n: &str, d: &str| {
        vec![
            ("_csrf".to_owned(), csrf.clone()),
            ("year".to_owned(), "2025".to_owned()),
            (format!("n_{id}"), n.to_owned()),
            (format!("d_{id}"), d.to_owned()),
        ]
    };
    let r = post(f("9", "x")).await.unwrap();
    assert_eq!(r.status(), 200, "the form again, with the error");
    let html = r.text().await.unwrap();
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    let r = post(f("9", "8")).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = post(f("3", "40,000")).await.unwrap();
    assert_eq!(r.status(), 303);
    let r = app
        .client
        .get(app.url("/outlines/report?year=2025&done=saved"))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"40000\""), "the saved denominator");
    let r = app
        .client
        .post(app.url("/outlines/report/submit"))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .form(&[("_csrf", csrf.as_str()), ("year", "2025")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let v: Value = app
        .get(&app.token("xl-health").await, &format!("/api/v1/outlines/reports/2025/{XILINGOL}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["report"]["status"], "submitted");
    assert_eq!(v["report"]["values"][0]["total"]["denominator"], 40_000);
}
both_backends!(outlines_report_form, report_form);

/// A catalogue workbook: the header and the given rows.
pub fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let head = [
        "编号", "纲要", "领域", "指标名称", "计量单位", "分子", "分母", "方向", "责任部门", "报送层级", "分性别",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The catalogue's Excel import on the page: a wrong row imports nothing
/// and is named by row and column; a good file imports every row, the
/// department named by its label.
async fn catalogue_import(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let admin = app.add_user("r-admin", "admin", REGION).await;
    let (cookie, csrf) = app.session_for(admin).await;
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("catalogue.xlsx"));
        app.client
            .post(app.url("/outlines/catalogue/import"))
            .header(COOKIE, format!("jinguo_session={cookie}"))
            .multipart(form)
            .send()
    };
    let good: &[&str] = &[
        "W1.1", "妇女", "1", "孕产妇死亡率", "1/10万", "孕产妇死亡人数", "活产数", "以下",
        "卫生健康委员会", "1,2,3", "否",
    ];
    let bad: &[&str] = &[
        "C3.1", "儿童", "3", "学前教育毛入园率", "%", "在园幼儿数", "", "以上", "教育局", "1,2,3", "是",
    ];
    let r = upload(workbook(&[good, bad])).await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("比率类指标须写明分子和分母"), "the row's problem");
    assert!(html.contains(">3<"), "its Excel row");
    let token = app.token("r-admin").await;
    let v: Value = app
        .get(&token, "/api/v1/outlines/indicators")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["indicators"].as_array().unwrap().len(), 0, "nothing imported");

    let fixed: &[&str] = &[
        "C3.1", "儿童", "3", "学前教育毛入园率", "%", "在园幼儿数", "3—5岁儿童人数", "以上", "教育局",
        "1,2,3", "是",
    ];
    let r = upload(workbook(&[good, fixed])).await.unwrap();
    assert_eq!(r.status(), 303);
    let v: Value = app
        .get(&token, "/api/v1/outlines/indicators")
        .await
        .json()
        .await
        .unwrap();
    let deps: Vec<&str> = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["department"].as_str().unwrap())
        .collect();
    assert_eq!(deps, ["health", "education"]);
    assert_eq!(v["indicators"][1]["sex_disaggregated"], true);
}
both_backends!(outlines_catalogue_import, catalogue_import);

pub mod matrix_cases {
    use std::sync::atomic::{AtomicU32, Ordering};

    use jinguo_domain::UnitCode;
    use jinguo_domain::outline::{
        Department, EntryDraft, FigureDraft, IndicatorDraft, IndicatorSpec, OutlineReportStatus,
        check_entry,
    };
    use jinguo_store::model::Unit;
    use jinguo_store::outlines::{Decision, Who};
    use jinguo_store::{OutlineStore, UnitStore};
    use serde_json::json;

    use super::*;
    use crate::matrix::{
        Body, Call, Case, Cases, Fixture, Fixtures, Kind, ModuleCases, Target, call, form,
    };

    static SERIAL: AtomicU32 = AtomicU32::new(0);

    /// The nearest reporting unit (levels 1–3): a township's banner.
    fn reporting(code: &'static str) -> &'static str {
        if code == BAOLIGEN { XILINHOT } else { code }
    }

    async fn unit(fx: &Fixtures<'_>, code: &str) -> Unit {
        fx.app
            .store
            .unit_by_code(&UnitCode::parse(code).unwrap())
            .await
            .unwrap()
    }

    fn spec(code: &str, department: &str) -> IndicatorSpec {
        IndicatorSpec::try_from(IndicatorDraft {
            code: code.into(),
            outline: "women".into(),
            domain_no: Some(1),
            name: "矩阵指标".into(),
            unit: "per_100k".into(),
            numerator: "分子".into(),
            denominator: "分母".into(),
            direction: "at_most".into(),
            department: department.into(),
            levels: "1,2,3".into(),
            ..Default::default()
        })
        .unwrap()
    }

    fn entry(s: &IndicatorSpec) -> jinguo_domain::outline::CheckedEntry {
        check_entry(
            s,
            &EntryDraft {
                total: FigureDraft {
                    numerator: Some(1.0),
                    denominator: Some(1000.0),
                    value: None,
                },
                ..Default::default()
            },
            None,
        )
        .unwrap()
    }

    /// The matrix's health indicator (the same one every time), and a
    /// health report of 2025 at the unit that its reporter may still
    /// change and submit: a submitted one is returned first.
    async fn editable(fx: &Fixtures<'_>, code: &'static str) -> Target {
        let store = &fx.app.store;
        let root = store.root_scope().await.unwrap();
        let period = jinguo_app::outlines::period();
        let s = spec("MX.HEALTH", "health");
        let id = store
            .save_indicators(root, period, std::slice::from_ref(&s), &Who::default(), 1)
            .await
            .unwrap()[0];
        let code = reporting(code);
        let u = unit(fx, code).await;
        let health = Department::parse("health").unwrap();
        let at = store.system_scope(&u);
        match store
            .outline_report(at, &u, 2025, &health)
            .await
            .unwrap()
            .map(|r| r.head.status)
        {
            Some(OutlineReportStatus::Submitted) => {
                store
                    .review_outline_report(at, &u, 2025, &health, Decision::Return("矩阵".into()), &Who::default(), 1)
                    .await
                    .unwrap();
            }
            Some(_) => {}
            None => {
                store
                    .save_outline_report(at, &u, period, 2025, &health, &[(id, entry(&s))], &Who::default(), 1)
                    .await
                    .unwrap();
            }
        }
        Target::Record(id.get(), code)
    }

    /// A submitted report of a department of its own (`mx<n>`), for the
    /// office to check.
    async fn submitted(fx: &Fixtures<'_>, code: &'static str) -> Target {
        let store = &fx.app.store;
        let root = store.root_scope().await.unwrap();
        let period = jinguo_app::outlines::period();
        let n = SERIAL.fetch_add(1, Ordering::Relaxed);
        let dep = format!("mx{n}");
        let s = spec(&format!("MX.{n}"), &dep);
        let id = store
            .save_indicators(root, period, std::slice::from_ref(&s), &Who::default(), 1)
            .await
            .unwrap()[0];
        let code = reporting(code);
        let u = unit(fx, code).await;
        let d = Department::parse(&dep).unwrap();
        let at = store.system_scope(&u);
        store
            .save_outline_report(at, &u, period, 2025, &d, &[(id, entry(&s))], &Who::default(), 1)
            .await
            .unwrap();
        store
            .submit_outline_report(at, &u, 2025, &d, &Who::default(), 1)
            .await
            .unwrap();
        Target::Record(i64::from(n), code)
    }

    /// A department reporter without a department yet, at the unit.
    async fn new_reporter(fx: &Fixtures<'_>, code: &'static str) -> Target {
        let n = SERIAL.fetch_add(1, Ordering::Relaxed);
        let code = reporting(code);
        let id = fx.app.add_user(&format!("mxdep{n}"), "department", code).await;
        Target::Record(id.get(), code)
    }

    static EDITABLE: Fixture = Fixture {
        make: |fx, code| Box::pin(editable(fx, code)),
    };
    static SUBMITTED: Fixture = Fixture {
        make: |fx, code| Box::pin(submitted(fx, code)),
    };
    pub static REPORTER: Fixture = Fixture {
        make: |fx, code| Box::pin(new_reporter(fx, code)),
    };

    fn entries(t: &Target) -> serde_json::Value {
        json!({"entries": [{"indicator_id": t.id().parse::<i64>().unwrap(),
                            "total": {"numerator": 1, "denominator": 1000}}]})
    }

    fn cases(m: &mut Cases) {
        let c = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Unit,
        };
        let ed = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Module(&EDITABLE),
        };
        let sub = |build, ok| Case {
            build,
            ok,
            out_of_scope: 404,
            kind: Kind::Module(&SUBMITTED),
        };
        // Pages of the reporter's own unit name no unit: the same for every target.
        let own = |build, ok| Case {
            build,
            ok,
            out_of_scope: ok,
            kind: Kind::Module(&EDITABLE),
        };
        m.insert(
            ("GET", "/api/v1/outlines/indicators"),
            c(|_| call("/api/v1/outlines/indicators".into()), 200),
        );
        m.insert(
            ("PUT", "/api/v1/outlines/indicators"),
            c(
                |_| Call {
                    path: "/api/v1/outlines/indicators".into(),
                    body: Body::Json(super::catalogue()),
                },
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/outlines/targets/{code}"),
            c(|t| call(format!("/api/v1/outlines/targets/{}", t.code())), 200),
        );
        m.insert(
            ("PUT", "/api/v1/outlines/targets/{code}"),
            ed(
                |t| Call {
                    path: format!("/api/v1/outlines/targets/{}", t.code()),
                    body: Body::Json(json!({"indicator_id": t.id().parse::<i64>().unwrap(),
                                            "year": 2030, "value": 12.0})),
                },
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/outlines/reports/{year}/{code}"),
            ed(|t| call(format!("/api/v1/outlines/reports/2025/{}", t.code())), 200),
        );
        m.insert(
            ("PUT", "/api/v1/outlines/reports/{year}/{code}"),
            ed(
                |t| Call {
                    path: format!("/api/v1/outlines/reports/2025/{}", t.code()),
                    body: Body::Json(entries(t)),
                },
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/outlines/reports/{year}/{code}/submit"),
            ed(
                |t| call(format!("/api/v1/outlines/reports/2025/{}/submit", t.code())),
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/outlines/reports/{year}/{code}/{department}"),
            sub(
                |t| call(format!("/api/v1/outlines/reports/2025/{}/mx{}", t.code(), t.id())),
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/outlines/reports/{year}/{code}/{department}/approve"),
            sub(
                |t| call(format!("/api/v1/outlines/reports/2025/{}/mx{}/approve", t.code(), t.id())),
                200,
            ),
        );
        m.insert(
            ("POST", "/api/v1/outlines/reports/{year}/{code}/{department}/return"),
            sub(
                |t| Call {
                    path: format!("/api/v1/outlines/reports/2025/{}/mx{}/return", t.code(), t.id()),
                    body: Body::Json(json!({"reason": "分母与年鉴不符"})),
                },
                200,
            ),
        );
        m.insert(
            ("GET", "/api/v1/outlines/reviews"),
            c(|t| call(format!("/api/v1/outlines/reviews?unit={}&year=2025", t.code())), 200),
        );
        m.insert(
            ("GET", "/api/v1/units/{code}/outlines"),
            c(|t| call(format!("/api/v1/units/{}/outlines?year=2025", t.code())), 200),
        );
        m.insert(
            ("GET", "/api/v1/units/{code}/outlines/report.xlsx"),
            c(|t| call(format!("/api/v1/units/{}/outlines/report.xlsx?year=2025", t.code())), 200),
        );
        m.insert(
            ("PUT", "/api/v1/outlines/reporters/{id}"),
            Case {
                build: |t| Call {
                    path: format!("/api/v1/outlines/reporters/{}", t.id()),
                    body: Body::Json(json!({"department": "health"})),
                },
                ok: 200,
                out_of_scope: 404,
                kind: Kind::Module(&REPORTER),
            },
        );
        m.insert(
            ("GET", "/outlines"),
            c(|t| call(format!("/outlines?unit={}&year=2025", t.code())), 200),
        );
        m.insert(
            ("GET", "/outlines/report.xlsx"),
            c(|t| call(format!("/outlines/report.xlsx?unit={}&year=2025", t.code())), 200),
        );
        m.insert(
            ("GET", "/api/v1/units/{code}/outlines/assessment.xlsx"),
            c(|t| call(format!("/api/v1/units/{}/outlines/assessment.xlsx?kind=midterm", t.code())), 200),
        );
        m.insert(
            ("GET", "/outlines/assessment.xlsx"),
            c(|t| call(format!("/outlines/assessment.xlsx?unit={}&kind=final", t.code())), 200),
        );
        m.insert(
            ("GET", "/api/v1/units/{code}/outlines/unreported"),
            c(|t| call(format!("/api/v1/units/{}/outlines/unreported?year=2025", t.code())), 200),
        );
        m.insert(
            ("GET", "/outlines/print"),
            c(|t| call(format!("/outlines/print?unit={}&year=2025", t.code())), 200),
        );
        m.insert(
            ("GET", "/outlines/unreported"),
            c(|t| call(format!("/outlines/unreported?unit={}&year=2025", t.code())), 200),
        );
        m.insert(
            ("GET", "/outlines/style.css"),
            Case {
                build: |_| call("/outlines/style.css".into()),
                ok: 200,
                out_of_scope: 200,
                kind: Kind::Unit,
            },
        );
        m.insert(
            ("GET", "/outlines/catalogue"),
            c(|_| call("/outlines/catalogue".into()), 200),
        );
        m.insert(
            ("POST", "/outlines/catalogue/import"),
            c(
                |_| Call {
                    path: "/outlines/catalogue/import".into(),
                    body: Body::Upload(super::workbook(&[])),
                },
                200,
            ),
        );
        m.insert(
            ("GET", "/outlines/report"),
            own(|_| call("/outlines/report?year=2025".into()), 200),
        );
        m.insert(
            ("POST", "/outlines/report"),
            // Nothing typed: refused and sent back to the form (the
            // form's own test saves figures).
            own(|_| form("/outlines/report".into(), &[("year", "2025".into())]), 303),
        );
        m.insert(
            ("POST", "/outlines/report/submit"),
            own(|_| form("/outlines/report/submit".into(), &[("year", "2025".into())]), 303),
        );
        m.insert(
            ("GET", "/outlines/review"),
            c(|t| call(format!("/outlines/review?unit={}&year=2025", t.code())), 200),
        );
        m.insert(
            ("POST", "/outlines/review/{year}/{code}/{department}/approve"),
            sub(
                |t| form(format!("/outlines/review/2025/{}/mx{}/approve", t.code(), t.id()), &[]),
                303,
            ),
        );
        m.insert(
            ("POST", "/outlines/review/{year}/{code}/{department}/return"),
            sub(
                |t| {
                    form(
                        format!("/outlines/review/2025/{}/mx{}/return", t.code(), t.id()),
                        &[("reason", "分母与年鉴不符".into())],
                    )
                },
                303,
            ),
        );
    }

    inventory::submit!(ModuleCases(cases));
}
