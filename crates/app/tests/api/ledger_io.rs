//! The ledger as spreadsheets: exports read back with calamine, imports
//! that go in whole or not at all, and uploads past the CSRF guard.

use std::io::Cursor;

use calamine::{Data, Reader, SheetVisible, Xlsx};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

const MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A browser session for a user: the cookie header and the CSRF token.
pub(crate) async fn browser(app: &TestApp, user: jinguo_domain::UserId) -> (String, String) {
    let (token, csrf) = app.session_for(user).await;
    (format!("jinguo_session={token}"), csrf)
}

pub(crate) async fn get(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
}

async fn get_xlsx(app: &TestApp, cookie: &str, path: &str) -> (String, Xlsx<Cursor<Vec<u8>>>) {
    let r = get(app, cookie, path).await;
    assert_eq!(r.status(), 200, "{path}");
    assert_eq!(r.headers()[CONTENT_TYPE], MIME);
    let disposition = r.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = r.bytes().await.unwrap().to_vec();
    (
        disposition,
        Xlsx::new(Cursor::new(bytes)).expect("a readable .xlsx"),
    )
}

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other:?}"),
    }
}

fn number(d: Option<&Data>) -> f64 {
    match d {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn ymd(d: Option<&Data>) -> (u16, u8, u8) {
    match d {
        Some(Data::DateTime(dt)) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            (y, m, d)
        }
        other => panic!("not a date: {other:?}"),
    }
}

fn activity(unit: &str, date: &str, ty: &str, title: &str, p: i64, w: i64) -> Value {
    json!({"unit_code": unit, "date": date, "type": ty, "title": title,
           "participants": p, "women": w})
}

async fn exports_read_back(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let xlh = app.add_user("xlh", "cadre", XILINHOT).await;
    let erenhot = app.add_user("erenhot", "caseworker", ERENHOT).await;
    let token = app.token("xlh").await;
    let mut a = activity(
        YILELT,
        "2026-10-15",
        "lecture",
        "=HYPERLINK(\"http://x\")",
        40,
        31,
    );
    a["program"] = json!("happy_family");
    a["place"] = json!("@place");
    a["summary"] = json!("讲了家庭教育");
    for body in [
        a,
        activity(XILINHOT, "2026-11-02", "training", "培训", 10, 5),
        activity(HANAULA, "2026-09-01", "home_visit", "入户走访", 3, 3),
        activity(HANAULA, "2025-12-31", "home_visit", "去年的", 1, 1),
    ] {
        let r = app.post_json(&token, "/api/v1/activities", body).await;
        assert_eq!(r.status(), 201);
    }
    let (cookie, _) = browser(&app, xlh).await;

    // The ledger: every activity of the period, newest first.
    let (disposition, mut wb) = get_xlsx(
        &app,
        &cookie,
        &format!("/activities/export.xlsx?unit={XILINHOT}&from=2026-01&to=2026-11"),
    )
    .await;
    assert!(
        disposition.starts_with(
            "attachment; filename=\"activities-152502000000-2026-01_2026-11.xlsx\"; filename*=UTF-8''"
        ),
        "{disposition}"
    );
    // 锡林浩特市, percent-encoded.
    assert!(disposition.contains("%E9%94%A1%E6%9E%97%E6%B5%A9%E7%89%B9%E5%B8%82"));
    let sheet = wb.worksheet_range("活动台账").unwrap();
    let cells: Vec<String> = (0..15).map(|c| text(sheet.get_value((0, c)))).collect();
    // Mongolian above the Chinese, whatever the reader's language; the
    // configured level names (data) in Chinese alone.
    let headers: Vec<String> = cells.iter().map(|h| zh_header(h)).collect();
    assert_eq!(cells[0], "ᠡᠳᠦᠷ\n日期");
    assert!(cells[1].contains('\n') && !cells[3].contains('\n'));
    assert_eq!(
        headers,
        [
            "日期",
            "单位代码",
            "单位名称",
            "自治区",
            "盟市",
            "旗县",
            "苏木乡镇",
            "嘎查村",
            "活动类型",
            "项目",
            "活动名称",
            "地点",
            "参与人数",
            "其中妇女",
            "简要情况"
        ]
    );
    assert_eq!(sheet.height(), 4, "a header and three rows");
    assert_eq!(ymd(sheet.get_value((1, 0))), (2026, 11, 2));
    assert_eq!(text(sheet.get_value((1, 1))), XILINHOT);
    assert_eq!(text(sheet.get_value((1, 5))), "锡林浩特市");
    assert_eq!(text(sheet.get_value((1, 6))), "");
    assert_eq!(ymd(sheet.get_value((2, 0))), (2026, 10, 15));
    let row: Vec<String> = (1..12).map(|c| text(sheet.get_value((2, c)))).collect();
    assert_eq!(
        row,
        [
            YILELT,
            "伊利勒特嘎查",
            "内蒙古自治区",
            "锡林郭勒盟",
            "锡林浩特市",
            "宝力根苏木",
            "伊利勒特嘎查",
            "巾帼大宣讲",
            "家家幸福安康工程",
            // Formula-like text stays text, with a leading apostrophe.
            "'=HYPERLINK(\"http://x\")",
            "'@place"
        ]
    );
    assert_eq!(number(sheet.get_value((2, 12))), 40.0);
    assert_eq!(number(sheet.get_value((2, 13))), 31.0);
    assert_eq!(text(sheet.get_value((2, 14))), "讲了家庭教育");
    assert_eq!(text(sheet.get_value((3, 8))), "入户走访");
    let styles = wb.worksheet_style("活动台账").unwrap();
    assert!(
        styles
            .get((0, 0))
            .and_then(|s| s.font.as_ref())
            .is_some_and(|f| f.is_bold())
    );

    // Out of the subtree: exactly like a unit that does not exist.
    let (other, _) = browser(&app, erenhot).await;
    for code in [XILINHOT, NO_SUCH_UNIT] {
        let r = get(
            &app,
            &other,
            &format!("/activities/export.xlsx?unit={code}"),
        )
        .await;
        assert_eq!(r.status(), 404);
        let r = get(&app, &other, &format!("/dashboard/{code}/export.xlsx")).await;
        assert_eq!(r.status(), 404);
    }
    // Her own, empty ledger: just the header.
    let (_, mut wb) = get_xlsx(&app, &other, "/activities/export.xlsx").await;
    assert_eq!(wb.worksheet_range("活动台账").unwrap().height(), 1);

    // The figures: children with a total, by type, by month, by program.
    let (disposition, mut wb) = get_xlsx(
        &app,
        &cookie,
        &format!("/dashboard/{XILINHOT}/export.xlsx?from=2026-01&to=2026-11"),
    )
    .await;
    assert!(disposition.contains("filename=\"figures-152502000000-2026-01_2026-11.xlsx\""));
    assert_eq!(
        wb.sheet_names(),
        ["下级单位", "按活动类型", "按月", "按项目"]
    );
    let kids = wb.worksheet_range("下级单位").unwrap();
    let rows: Vec<(String, String, f64, f64, f64)> = (1..kids.height() as u32)
        .map(|r| {
            (
                text(kids.get_value((r, 0))),
                text(kids.get_value((r, 1))),
                number(kids.get_value((r, 2))),
                number(kids.get_value((r, 3))),
                number(kids.get_value((r, 4))),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (BAOLIGEN.into(), "宝力根苏木".into(), 2.0, 43.0, 34.0),
            (
                XILINHOT.into(),
                "本级及已撤销的下级单位".into(),
                1.0,
                10.0,
                5.0
            ),
            ("合计".into(), "锡林浩特市".into(), 3.0, 53.0, 39.0),
        ]
    );
    let months = wb.worksheet_range("按月").unwrap();
    assert_eq!(months.height(), 13, "a header, eleven months, a total");
    assert_eq!(text(months.get_value((10, 0))), "2026-10");
    assert_eq!(number(months.get_value((10, 1))), 1.0);
    assert_eq!(number(months.get_value((12, 1))), 3.0);
    let types = wb.worksheet_range("按活动类型").unwrap();
    assert_eq!(types.height(), 5);
    assert_eq!(text(types.get_value((4, 0))), "合计");
    let programs = wb.worksheet_range("按项目").unwrap();
    assert_eq!(text(programs.get_value((1, 0))), "家家幸福安康工程");
    let styles = wb.worksheet_style("按月").unwrap();
    assert!(
        styles
            .get((0, 1))
            .and_then(|s| s.font.as_ref())
            .is_some_and(|f| f.is_bold())
    );
}
both_backends!(exports_read_back, exports_read_back);

/// The template's two header rows, then `rows` of 10 cells each (`None`
/// leaves a cell empty); `Some("#n:…")` writes a number, `Some("#d:…")` an
/// Excel date.
fn ledger(rows: &[[Option<&str>; 10]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let zh = [
        "单位代码",
        "日期",
        "活动类型",
        "项目",
        "活动名称",
        "地点",
        "参与人数",
        "其中妇女",
        "简要情况",
        "蒙古文名称",
    ];
    let keys = [
        "unit_code",
        "date",
        "type",
        "program",
        "title",
        "place",
        "participants",
        "women",
        "summary",
        "title_mn",
    ];
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for c in 0..10u16 {
        ws.write_string(0, c, zh[c as usize]).unwrap();
        ws.write_string(1, c, keys[c as usize]).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                None => {}
                Some(s) if s.starts_with("#n:") => {
                    ws.write_number(r, c, s[3..].parse::<f64>().unwrap())
                        .unwrap();
                }
                Some(s) if s.starts_with("#d:") => {
                    let p: Vec<u16> = s[3..].split('-').map(|x| x.parse().unwrap()).collect();
                    let d = ExcelDateTime::from_ymd(p[0], p[1] as u8, p[2] as u8).unwrap();
                    ws.write_datetime_with_format(r, c, &d, &date).unwrap();
                }
                Some(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

pub(crate) async fn upload(
    app: &TestApp,
    cookie: &str,
    csrf: Option<&str>,
    bytes: Vec<u8>,
    file_name: &str,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    if let Some(t) = csrf {
        form = form.text("_csrf", t.to_owned());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
    );
    app.client
        .post(app.url("/activities/import"))
        .header(COOKIE, cookie)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn rollup_total(app: &TestApp, token: &str, unit: &str) -> Value {
    let r = app
        .get(
            token,
            &format!("/api/v1/units/{unit}/rollup?from=2026-01&to=2026-12"),
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["total"].clone()
}

async fn import_happy_path(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let xlh = app.add_user("xlh", "cadre", XILINHOT).await;
    app.add_user("auditor", "auditor", REGION).await;
    let (cookie, csrf) = browser(&app, xlh).await;

    let page = get(&app, &cookie, "/activities/import").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains(&csrf));
    assert!(html.contains("/activities/import/template.xlsx"));

    // The template: Chinese names, keys, an example row, hidden lists.
    let r = get(&app, &cookie, "/activities/import/template.xlsx").await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let meta = wb.sheets_metadata().to_vec();
    assert_eq!(meta[0].name, "活动台账");
    assert_eq!(
        (meta[1].name.as_str(), meta[1].visible),
        ("lists", SheetVisible::Hidden)
    );
    let sheet = wb.worksheet_range("活动台账").unwrap();
    assert_eq!(zh_header(&text(sheet.get_value((0, 0)))), "单位代码");
    assert!(text(sheet.get_value((0, 0))).contains('\n'), "Mongolian first");
    assert_eq!(text(sheet.get_value((1, 2))), "type");
    assert_eq!(
        text(sheet.get_value((2, 0))),
        format!("{XILINHOT} 锡林浩特市")
    );
    assert_eq!(
        text(sheet.get_value((2, 4))),
        jinguo_app::xlsx::import::EXAMPLE_TITLE
    );
    let lists = wb.worksheet_range("lists").unwrap();
    assert_eq!(text(lists.get_value((0, 0))), "送理论");
    assert_eq!(text(lists.get_value((1, 1))), "家家幸福安康工程");
    let units: Vec<String> = (0..4).map(|r| text(lists.get_value((r, 2)))).collect();
    assert!(
        units.contains(&format!("{YILELT} 伊利勒特嘎查")),
        "{units:?}"
    );
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    for list in ["lists!$A$1:$A$19", "lists!$B$1:$B$8", "lists!$C$1:$C$4"] {
        assert!(xml.contains(list), "a drop-down from {list}");
    }
    // The untouched template imports nothing: its example row is skipped.
    let r = upload(&app, &cookie, Some(&csrf), bytes, "模板.xlsx").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("文件中没有要导入的活动"));

    let file = ledger(&[
        [
            Some("152502200200 伊利勒特嘎查"),
            Some("#d:2026-10-05"),
            Some("巾帼大宣讲"),
            Some("家家幸福安康工程"),
            Some("导入一"),
            Some("嘎查活动室"),
            Some("#n:40"),
            Some("#n:30"),
            None,
            None,
        ],
        [None; 10],
        [
            Some("#n:152502200201"),
            Some("2026/9/1"),
            Some("training"),
            None,
            Some("导入二"),
            None,
            Some("12"),
            None,
            Some("简要"),
            Some("ᠮᠣᠩᠭᠣᠯ"),
        ],
        [
            Some(XILINHOT),
            Some("2026-11-01"),
            Some("Home visit"),
            Some("happy_family"),
            Some("'=cmd"),
            None,
            Some("#n:5"),
            Some("#n:5"),
            None,
            None,
        ],
    ]);
    let r = upload(&app, &cookie, Some(&csrf), file, "台账.xlsx").await;
    assert_eq!(r.status(), 303);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(
        to,
        format!("/activities/import?done=3&unit={XILINHOT}&sheet=Sheet1&row=1")
    );
    let html = get(&app, &cookie, &to).await.text().await.unwrap();
    assert!(html.contains("已导入 3 条活动"), "{html}");
    assert!(html.contains("读取的是工作表“Sheet1”，第 1 行是表头。"), "{html}");

    let token = app.token("xlh").await;
    assert_eq!(
        rollup_total(&app, &token, XILINHOT).await,
        json!({"activities": 3, "participants": 57, "women": 35})
    );
    assert_eq!(rollup_total(&app, &token, YILELT).await["activities"], 1);
    let r = app
        .get(
            &token,
            &format!("/api/v1/activities?unit={XILINHOT}&from=2026-01&to=2026-12"),
        )
        .await;
    let body = r.text().await.unwrap();
    assert!(
        body.contains("\"=cmd\""),
        "the apostrophe is undone: {body}"
    );

    let auditor = app.token("auditor").await;
    let r = app.get(&auditor, "/api/v1/audit").await;
    let entries: Value = r.json().await.unwrap();
    let e = entries["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "activity.imported")
        .expect("an audit entry");
    assert_eq!(e["actor_name"], "xlh");
    assert_eq!(e["unit_code"], XILINHOT);
    assert!(
        e["detail"]
            .as_str()
            .unwrap()
            .starts_with("count=3 unit=152502000000")
    );
}
both_backends!(import_happy_path, import_happy_path);

async fn import_refuses_bad_rows(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let xlh = app.add_user("xlh", "cadre", XILINHOT).await;
    let other = app.add_user("xlh2", "admin", XILINHOT).await;
    let (cookie, csrf) = browser(&app, xlh).await;
    let good = [
        Some(YILELT),
        Some("2026-10-05"),
        Some("lecture"),
        None,
        Some("好的一行"),
        None,
        Some("#n:10"),
        None,
        None,
        None,
    ];
    let file = ledger(&[
        good,
        // Row 4: a sibling banner, outside her subtree.
        [
            Some(ERENHOT),
            Some("2026-10-05"),
            Some("lecture"),
            None,
            Some("越界"),
            None,
            Some("#n:10"),
            None,
            None,
            None,
        ],
        // Row 5: a future date and an unknown type.
        [
            Some(YILELT),
            Some("2099-01-01"),
            Some("不存在的类型"),
            None,
            Some("未来"),
            None,
            Some("#n:10"),
            None,
            None,
            None,
        ],
        // Row 6: more women than participants.
        [
            Some(HANAULA),
            Some("#d:2026-10-06"),
            Some("lecture"),
            None,
            Some("人数"),
            None,
            Some("#n:5"),
            Some("#n:6"),
            None,
            None,
        ],
        // Row 7: no title, participants not a number, a bad code.
        [
            Some("1525"),
            Some("2026-10-06"),
            Some("lecture"),
            Some("没有这个项目"),
            None,
            None,
            Some("十个"),
            None,
            None,
            None,
        ],
    ]);
    let r = upload(&app, &cookie, Some(&csrf), file, "台账.xlsx").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("文件中有 8 处错误，一条也没有导入"), "{html}");
    for expected in [
        "A 单位代码",
        "“152501000000”：没有这个单位，或它不在您的管辖范围内。",
        "“2099-01-01”：日期不能晚于今天。",
        "“不存在的类型”：没有这个活动类型。",
        "“6”：妇女人数不能多于参与人数。",
        "请填写活动名称。",
        "“没有这个项目”：没有这个项目。",
        "“十个”：不是整数。",
        "“1525”：单位代码须为 12 位数字。",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    // Nothing went in, not even the good row.
    let token = app.token("xlh").await;
    assert_eq!(rollup_total(&app, &token, XILINHOT).await["activities"], 0);

    // The report: row, column, reason; for the uploader only.
    let at = html
        .find("/activities/import/errors/")
        .expect("a report link");
    let link = html[at..].split('"').next().unwrap().to_owned();
    let (disposition, mut wb) = get_xlsx(&app, &cookie, &link).await;
    assert!(disposition.contains("jinguo-import-errors.xlsx"));
    let sheet = wb.worksheet_range("错误清单").unwrap();
    assert_eq!(
        (0..3)
            .map(|c| zh_header(&text(sheet.get_value((0, c)))))
            .collect::<Vec<_>>(),
        ["行", "列", "原因"]
    );
    assert_eq!(sheet.height(), 9);
    let rows: Vec<(f64, String, String)> = (1..9)
        .map(|r| {
            (
                number(sheet.get_value((r, 0))),
                text(sheet.get_value((r, 1))),
                text(sheet.get_value((r, 2))),
            )
        })
        .collect();
    assert_eq!(
        rows[0],
        (
            4.0,
            "A 单位代码".into(),
            "“152501000000”：没有这个单位，或它不在您的管辖范围内。".into()
        )
    );
    assert_eq!(
        rows[1],
        (
            5.0,
            "B 日期".into(),
            "“2099-01-01”：日期不能晚于今天。".into()
        )
    );
    assert_eq!(rows[2].0, 5.0);
    assert_eq!(rows[2].1, "C 活动类型");
    assert!(rows[2].2.starts_with("“不存在的类型”：没有这个活动类型。"));
    assert_eq!(rows[3].0, 6.0);
    assert_eq!(
        rows[4],
        (
            7.0,
            "A 单位代码".into(),
            "“1525”：单位代码须为 12 位数字。".into()
        )
    );
    // In English for an English reader, but for the header: Mongolian and
    // Chinese whatever the reader's language.
    let r = get(&app, &format!("{cookie}; jinguo_lang=en"), &link).await;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = wb.worksheet_range("Problems").unwrap();
    assert_eq!(zh_header(&text(sheet.get_value((0, 0)))), "行");
    // The column as her file names it; the reason in English.
    assert_eq!(text(sheet.get_value((2, 1))), "B 日期");
    assert_eq!(
        text(sheet.get_value((2, 2))),
        "“2099-01-01”: The date cannot be after today."
    );
    // Another user of the same unit does not get it.
    let (stranger, _) = browser(&app, other).await;
    assert_eq!(get(&app, &stranger, &link).await.status(), 404);

    // Whole-file problems.
    let r = upload(
        &app,
        &cookie,
        Some(&csrf),
        b"a,b\n1,2\n".to_vec(),
        "台账.csv",
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("只接受 Excel 2007 及以后的 .xlsx 文件")
    );
    let mut wb = Workbook::new();
    wb.add_worksheet().write_string(0, 0, "随便").unwrap();
    let r = upload(
        &app,
        &cookie,
        Some(&csrf),
        wb.save_to_buffer().unwrap(),
        "x.xlsx",
    )
    .await;
    assert!(r.text().await.unwrap().contains("没有找到表头"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["单位代码", "日期", "活动名称"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let r = upload(
        &app,
        &cookie,
        Some(&csrf),
        wb.save_to_buffer().unwrap(),
        "x.xlsx",
    )
    .await;
    let html = r.text().await.unwrap();
    assert!(
        html.contains("活动类型") && html.contains("缺少这一列"),
        "{html}"
    );
}
both_backends!(import_refuses_bad_rows, import_refuses_bad_rows);

/// A copy of a workbook's first sheet, values only, with the header cells
/// of `replace` (column, text) changed: a file as a cadre saves it again.
fn resaved(range: &calamine::Range<Data>, replace: &[(u32, String)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in range.rows().enumerate() {
        for (c, d) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match d {
                Data::String(s) => {
                    let s = replace
                        .iter()
                        .find(|(col, _)| r == 0 && *col == u32::from(c))
                        .map_or(s.as_str(), |(_, t)| t.as_str());
                    ws.write_string(r, c, s).unwrap();
                }
                Data::Float(f) => {
                    ws.write_number(r, c, *f).unwrap();
                }
                Data::Int(i) => {
                    ws.write_number(r, c, *i as f64).unwrap();
                }
                Data::DateTime(dt) => {
                    let (y, m, d, ..) = dt.to_ymd_hms_milli();
                    let d = ExcelDateTime::from_ymd(y, m, d).unwrap();
                    ws.write_datetime_with_format(r, c, &d, &date).unwrap();
                }
                _ => {}
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The exported ledger, bilingual headers and all, goes back in through
/// the import page; with one header in Mongolian only it is refused, the
/// column named as missing.
async fn exported_ledger_imports_back(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let xlh = app.add_user("xlh", "cadre", XILINHOT).await;
    let token = app.token("xlh").await;
    for body in [
        activity(YILELT, "2026-10-15", "lecture", "宣讲", 40, 31),
        activity(HANAULA, "2026-09-01", "home_visit", "入户走访", 3, 3),
    ] {
        let r = app.post_json(&token, "/api/v1/activities", body).await;
        assert_eq!(r.status(), 201);
    }
    let (cookie, csrf) = browser(&app, xlh).await;
    let path = format!("/activities/export.xlsx?unit={XILINHOT}&from=2026-01&to=2026-11");
    let r = get(&app, &cookie, &path).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let sheet = wb.worksheet_range("活动台账").unwrap();
    let type_header = text(sheet.get_value((0, 8)));
    let (mn, zh) = type_header.split_once('\n').expect("Mongolian above Chinese");
    assert_eq!(zh, "活动类型");

    // Mongolian only in the type column: refused, the column missing, in
    // the usual per-column report; nothing is imported.
    let refused = resaved(&sheet, &[(8, mn.to_owned())]);
    let r = upload(&app, &cookie, Some(&csrf), refused, "台账.xlsx").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("缺少这一列"), "{html}");
    assert_eq!(rollup_total(&app, &token, XILINHOT).await["activities"], 2);

    // The export as downloaded: both rows come back.
    let r = upload(&app, &cookie, Some(&csrf), bytes, "台账.xlsx").await;
    let to = r.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_owned());
    let Some(to) = to else {
        panic!("not imported: {}", r.text().await.unwrap());
    };
    assert!(to.starts_with("/activities/import?done=2&"), "{to}");
    assert!(to.ends_with("&row=1"), "the bilingual row is the header: {to}");
    assert_eq!(
        rollup_total(&app, &token, XILINHOT).await,
        json!({"activities": 4, "participants": 86, "women": 68})
    );
}
both_backends!(exported_ledger_imports_back, exported_ledger_imports_back);

async fn uploads_need_the_csrf_field(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let xlh = app.add_user("xlh", "cadre", XILINHOT).await;
    let (cookie, csrf) = browser(&app, xlh).await;
    let file = || {
        ledger(&[[
            Some(YILELT),
            Some("2026-10-05"),
            Some("lecture"),
            None,
            Some("一行"),
            None,
            Some("#n:10"),
            None,
            None,
            None,
        ]])
    };
    // No token, a wrong one, or one in the address: refused.
    let r = upload(&app, &cookie, None, file(), "a.xlsx").await;
    assert_eq!(r.status(), 403);
    let r = upload(&app, &cookie, Some(&"0".repeat(64)), file(), "a.xlsx").await;
    assert_eq!(r.status(), 403);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(file()).file_name("a.xlsx"),
    );
    let r = app
        .client
        .post(app.url(&format!("/activities/import?_csrf={csrf}")))
        .header(COOKIE, &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let token = app.token("xlh").await;
    assert_eq!(rollup_total(&app, &token, XILINHOT).await["activities"], 0);

    // The field in the form: accepted.
    let r = upload(&app, &cookie, Some(&csrf), file(), "a.xlsx").await;
    assert_eq!(r.status(), 303);
    assert_eq!(rollup_total(&app, &token, XILINHOT).await["activities"], 1);

    // Larger than the upload limit: refused before parsing.
    let big = vec![b'x'; jinguo_app::auth::csrf::MAX_UPLOAD_BODY + 1];
    let r = upload(&app, &cookie, Some(&csrf), big, "big.xlsx").await;
    assert_eq!(r.status(), 413);
    // Just over the file limit but within the body limit: the page says so.
    let big = vec![b'x'; jinguo_app::xlsx::import::MAX_FILE_BYTES + 1];
    let r = upload(&app, &cookie, Some(&csrf), big, "big.xlsx").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("文件太大"));
    // Other forms keep the small limit, even as multipart.
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .text("name", "x".repeat(100 * 1024));
    let r = app
        .client
        .post(app.url("/logout"))
        .header(COOKIE, &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // And a small multipart form with the field passes the guard.
    let form = reqwest::multipart::Form::new().text("_csrf", csrf.clone());
    let r = app
        .client
        .post(app.url("/logout"))
        .header(COOKIE, &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}
both_backends!(uploads_need_the_csrf_field, uploads_need_the_csrf_field);
