//! People, not logins (issue 14 item 8): accounts carry 姓名, 手机 (sealed,
//! shown masked) and 职务; accounts are created in bulk from a workbook,
//! all or none, with initial passwords shown once.

use std::io::Cursor;

use base64::Engine;
use calamine::{Data, Reader, Xlsx};
use jinguo_store::testing::column_texts;
use reqwest::header::{CACHE_CONTROL, COOKIE};
use rust_xlsxwriter::Workbook;
use serde_json::{Value, json};

use crate::both_backends;
use crate::ledger_io::{browser, get};
use crate::support::*;

async fn user_count(app: &TestApp) -> i64 {
    app.store.user_count().await.unwrap()
}

async fn created_audits(app: &TestApp) -> Vec<String> {
    column_texts(
        &app.store,
        "SELECT detail FROM audit_log WHERE action = 'user.created' ORDER BY id",
    )
    .await
    .into_iter()
    .map(Option::unwrap_or_default)
    .collect()
}

async fn a_user_is_a_person(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let admin = app.add_user("xilinhot", "admin", XILINHOT).await;
    let t = app.token("xilinhot").await;
    let body = |name: &str, phone: &str| {
        json!({"username": name, "password": "Grass-land-1", "unit_code": YILELT,
               "roles": ["cadre"], "display_name": " 其其格 ", "phone": phone, "position": "主席"})
    };
    let r = app.post_json(&t, "/api/v1/users", body("qiqige", "138 1234 5678")).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["display_name"], "其其格");
    assert_eq!(v["position"], "主席");
    assert_eq!(v["phone_masked"], "138****5678");

    // Sealed at rest: the raw column is not the number, the mask is.
    let sealed = column_texts(&app.store, "SELECT phone_enc FROM users WHERE username = 'qiqige'").await;
    let sealed = sealed[0].as_deref().expect("sealed phone");
    assert!(!sealed.contains("13812345678") && !sealed.contains("5678"), "{sealed}");
    let mask = column_texts(&app.store, "SELECT phone_mask FROM users WHERE username = 'qiqige'").await;
    assert_eq!(mask[0].as_deref(), Some("138****5678"));
    // Never in the audit detail.
    for d in created_audits(&app).await {
        assert!(!d.contains("其其格") && !d.contains("1381234"), "{d}");
    }

    // A bad phone, a missing name, a long position: field errors, nothing written.
    let before = user_count(&app).await;
    for (b, field) in [
        (body("bad1", "12345"), "phone"),
        (
            json!({"username": "bad2", "password": "Grass-land-1", "unit_code": YILELT, "roles": ["cadre"]}),
            "display_name",
        ),
        (
            json!({"username": "bad3", "password": "Grass-land-1", "unit_code": YILELT,
                   "roles": ["cadre"], "display_name": "某", "position": "职".repeat(31)}),
            "position",
        ),
    ] {
        let r = app.post_json(&t, "/api/v1/users", b).await;
        assert_eq!(r.status(), 422);
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["field"], field, "{e}");
    }
    assert_eq!(user_count(&app).await, before);

    // The list, by API and on the page, shows name, masked phone, position.
    let v: Value = app
        .get(&t, &format!("/api/v1/users?unit={YILELT}"))
        .await
        .json()
        .await
        .unwrap();
    let u = &v["users"][0];
    assert_eq!((u["display_name"].as_str(), u["phone_masked"].as_str()), (Some("其其格"), Some("138****5678")));
    let (cookie, csrf) = browser(&app, admin).await;
    let html = get(&app, &cookie, &format!("/users?unit={YILELT}")).await.text().await.unwrap();
    assert!(html.contains("其其格") && html.contains("主席") && html.contains("138****5678"));
    assert!(!html.contains("13812345678"));

    // The web form: a bad phone comes back at its field, what was typed kept.
    let r = app
        .client
        .post(app.url("/users"))
        .header(COOKIE, &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "webqq"),
            ("password", PW),
            ("unit_code", YILELT),
            ("roles", "cadre"),
            ("display_name", "乌云"),
            ("phone", "0471-123"),
            ("position", "专干"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"phone-err\"") && html.contains("value=\"乌云\""));
    assert_eq!(user_count(&app).await, before);
}
both_backends!(a_user_is_a_person_with_a_sealed_phone, a_user_is_a_person);

/// A workbook as people make it (openpyxl, WPS): an instructions sheet
/// first, then the list.
fn workbook(rows: &[[&str; 6]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("填写说明").unwrap();
    notes.write_string(0, 0, "请按下表填写，每行一人。").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("用户名单").unwrap();
    ws.write_string(0, 0, "锡林浩特市妇联干部名单").unwrap();
    for (c, h) in ["姓名", "用户名", "手机号码", "职务", "单位", "角色"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 2, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn upload(app: &TestApp, cookie: &str, csrf: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_owned())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name("名单.xlsx"));
    app.client
        .post(app.url("/users/import"))
        .header(COOKIE, cookie)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The initial passwords from the result page's embedded workbook.
fn passwords_of(html: &str) -> Vec<(String, String)> {
    let start = html.find("base64,").expect("the passwords workbook") + "base64,".len();
    let end = start + html[start..].find('"').unwrap();
    let b64 = html[start..end].replace("&#x2f;", "/").replace("&#x3d;", "=").replace("&#43;", "+");
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .rows()
        .skip(1)
        .map(|r| {
            let s = |d: &Data| d.to_string();
            (s(&r[0]), s(&r[2]))
        })
        .collect()
}

async fn accounts_from_a_workbook(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let admin = app.add_user("xilinhot", "admin", XILINHOT).await;
    app.add_user("taken", "cadre", BAOTOU).await;
    let (cookie, csrf) = browser(&app, admin).await;

    // The page and the template (instructions sheet first, then the headers).
    let html = get(&app, &cookie, "/users/import").await.text().await.unwrap();
    assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains(&csrf));
    let r = get(&app, &cookie, "/users/import/template.xlsx").await;
    assert_eq!(r.status(), 200);
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let sheets = wb.sheet_names();
    assert_eq!(sheets.len(), 2);
    let header: Vec<String> = wb.worksheet_range(&sheets[1]).unwrap().rows().next().unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    let chinese: Vec<String> = header.iter().map(|h| zh_header(h)).collect();
    assert_eq!(chinese, ["姓名", "用户名", "手机", "职务", "单位代码或名称", "角色"]);
    assert!(header.iter().all(|h| h.contains('\n')), "Mongolian above each: {header:?}");

    let before = user_count(&app).await;
    let audits_before = created_audits(&app).await.len();
    // One bad row among good ones: nothing is created; every refused cell
    // is reported with what it held.
    let bad = workbook(&[
        ["其其格", "qiqige", "13812345678", "主席", "伊利勒特嘎查", "干部"],
        ["萨仁", "saren", "1234", "执委", YILELT, "干部、个案工作者"],
        ["乌云", "qiqige", "", "", "二连浩特市", "管理员"],
        ["", "taken", "", "", "宝力根苏木", "root"],
    ]);
    let r = upload(&app, &cookie, &csrf, bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for needle in [
        "“1234”",           // the phone of row 4
        "第 3 行",           // row 5 repeats row 3's username
        "“二连浩特市”",      // a unit outside her subtree (Erenhot is a sibling city)
        "“root”",           // an unknown role
        "请填写姓名",          // row 6 has no name
        "这个用户名已被占用",   // taken elsewhere
    ] {
        assert!(html.contains(needle), "{needle} in {html}");
    }
    assert_eq!(user_count(&app).await, before, "nothing created");
    assert_eq!(created_audits(&app).await.len(), audits_before);

    // An outside unit by code is refused the same way.
    let r = upload(
        &app,
        &cookie,
        &csrf,
        workbook(&[["某", "outside1", "", "", BAOTOU, "干部"]]),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(user_count(&app).await, before);

    // A name two units of her subtree share is never guessed: the row
    // lists both.
    let t = app.token("xilinhot").await;
    for code in [XILINHOT, BAOLIGEN] {
        let r = app
            .post_json(&t, &format!("/api/v1/units/{code}/sectors"), json!({"name": "物流协会妇联"}))
            .await;
        assert_eq!(r.status(), 201);
    }
    let r = upload(
        &app,
        &cookie,
        &csrf,
        workbook(&[["某", "twin1", "", "", "物流协会妇联", "干部"]]),
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("“物流协会妇联”") && html.contains(&format!("{XILINHOT}-S01")) && html.contains(&format!("{BAOLIGEN}-S01")),
        "{html}"
    );
    assert_eq!(user_count(&app).await, before);

    // A good file: N users, each with a one-time password that works.
    let good = workbook(&[
        ["其其格", "qiqige", "138 1234 5678", "主席", "伊利勒特嘎查", "干部"],
        ["萨仁", "saren", "", "执委", YILELT, "干部、个案工作者"],
        ["乌云", "wuyun", "0479-8221234", "专干", "宝力根苏木", "cadre"],
    ]);
    let r = upload(&app, &cookie, &csrf, good).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains("已创建 3 个用户"), "{html}");
    assert_eq!(user_count(&app).await, before + 3);
    let pws = passwords_of(&html);
    assert_eq!(pws.len(), 3);
    for (username, pw) in &pws {
        assert_eq!(app.api_login(username, pw).await.status(), 200, "{username}");
    }
    // She is known by her name.
    let t = app.token_with("qiqige", &pws[0].1).await;
    let me: Value = app.get(&t, "/api/v1/me").await.json().await.unwrap();
    assert_eq!((me["display_name"].as_str(), me["position"].as_str()), (Some("其其格"), Some("主席")));
    let saren = app.store.credentials("saren").await.unwrap().user;
    assert_eq!(saren.roles.to_list(), "cadre,caseworker");
    assert_eq!(saren.position.as_deref(), Some("执委"));
    // Her initial password is for once: every page leads her to choose her
    // own, and the header there shows her name where it showed her login.
    assert_eq!(me["must_change_password"], true);
    let (her_cookie, _) = browser(&app, saren.id).await;
    let r = get(&app, &her_cookie, &format!("/units/{YILELT}")).await;
    assert_eq!(r.status(), 303);
    let page = get(&app, &her_cookie, "/account/password").await.text().await.unwrap();
    assert!(page.contains(">萨仁</a>"), "{page}");
    let sealed = column_texts(&app.store, "SELECT phone_enc FROM users WHERE username = 'wuyun'").await;
    assert!(!sealed[0].as_deref().unwrap().contains("8221234"));
    // One audit entry per account, naming no person.
    let audits = created_audits(&app).await;
    assert_eq!(audits.len(), audits_before + 3);
    for d in &audits[audits_before..] {
        assert!(d.starts_with("user=") && !d.contains("其其格") && !d.contains("138"), "{d}");
    }
    // The passwords are stored only as hashes.
    let hashes = column_texts(&app.store, "SELECT password_hash FROM users").await;
    for (_, pw) in &pws {
        assert!(hashes.iter().all(|h| !h.as_deref().unwrap_or("").contains(pw.as_str())));
    }
}
both_backends!(accounts_from_a_workbook_all_or_none, accounts_from_a_workbook);
