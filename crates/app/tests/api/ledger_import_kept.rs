//! Ledgers as cadres really keep them in Excel or WPS (issue 14 item 13):
//! an instructions sheet first, a title above the header, headers in their
//! own words, names instead of codes, full-width digits, dates in every
//! spelling, merged unit cells, a total and a signature line under the
//! table. Imported whole — or refused whole, every refused cell quoted.

use reqwest::header::LOCATION;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use serde_json::{Value, json};

use crate::both_backends;
use crate::ledger_io::{browser, get, upload};
use crate::support::*;

/// One cell: `#n:40` a number, `#d:2026-10-05` an Excel date, empty
/// nothing, anything else text.
fn put(ws: &mut Worksheet, r: u32, c: u16, cell: &str) {
    if let Some(n) = cell.strip_prefix("#n:") {
        ws.write_number(r, c, n.parse::<f64>().unwrap()).unwrap();
    } else if let Some(d) = cell.strip_prefix("#d:") {
        let p: Vec<u16> = d.split('-').map(|x| x.parse().unwrap()).collect();
        let d = ExcelDateTime::from_ymd(p[0], p[1] as u8, p[2] as u8).unwrap();
        ws.write_datetime_with_format(r, c, &d, &Format::new().set_num_format("yyyy-mm-dd"))
            .unwrap();
    } else if !cell.is_empty() {
        ws.write_string(r, c, cell).unwrap();
    }
}

/// Her own columns: a serial number, and headers in common wording.
const HEADER: [&str; 9] = [
    "序号",
    "单位",
    "活动时间",
    "活动类型",
    "活动名称",
    "活动地点",
    "参加\n人数（人）",
    "其中：女性",
    "备注",
];

/// A ledger as a village keeps it: an instructions sheet, then the ledger
/// sheet with a merged title, a blank row, the header on row 3 and `rows`
/// from row 4; a blank row, a total and a signature line under them.
/// `merged_unit` writes the unit of the first two rows once, in a merged
/// cell.
fn hand_ledger(rows: &[[&str; 9]], merged_unit: Option<&str>) -> Vec<u8> {
    let mut wb = Workbook::new();
    let info = wb.add_worksheet();
    info.set_name("填表说明").unwrap();
    for (r, line) in [
        "填表说明",
        "1. 单位：填嘎查村名称。",
        "2. 活动时间：写成 2026.11.3 这样。",
        "",
        "活动时间",
        "参加人数",
        "其中女性",
    ]
    .iter()
    .enumerate()
    {
        put(info, r as u32, 0, line);
    }
    let ws = wb.add_worksheet();
    ws.set_name("2026年台账").unwrap();
    ws.merge_range(0, 0, 0, 8, "伊利勒特嘎查妇联 2026 年活动台账", &Format::new())
        .unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            put(ws, 3 + i as u32, c as u16, cell);
        }
    }
    if let Some(unit) = merged_unit {
        ws.merge_range(3, 1, 4, 1, unit, &Format::new()).unwrap();
    }
    let end = 3 + rows.len() as u32 + 1;
    put(ws, end, 0, "合计");
    put(ws, end, 6, "#n:999");
    put(ws, end, 7, "#n:888");
    put(ws, end + 1, 0, "制表人：张三");
    put(ws, end + 1, 4, "审核人：李四");
    put(ws, end + 1, 7, "日期：２０２６．１１．５");
    wb.save_to_buffer().unwrap()
}

async fn rollup(app: &TestApp, token: &str, unit: &str) -> Value {
    let r = app
        .get(
            token,
            &format!("/api/v1/units/{unit}/rollup?from=2026-01&to=2026-12"),
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn counts(v: &Value) -> (i64, i64, i64) {
    (
        v["activities"].as_i64().unwrap_or(0),
        v["participants"].as_i64().unwrap_or(0),
        v["women"].as_i64().unwrap_or(0),
    )
}

async fn import_a_ledger_kept_by_hand(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let xlh = app.add_user("xlh", "cadre", XILINHOT).await;
    let (cookie, csrf) = browser(&app, xlh).await;
    let file = hand_ledger(
        &[
            // The unit in a merged cell over two rows; an Excel date; a
            // short type name; a full-width count.
            [
                "1",
                "",
                "#d:2026-10-05",
                "宣讲",
                "巾帼宣讲进牧户",
                "嘎查活动室",
                "４０",
                "#n:30",
                "",
            ],
            [
                "2",
                "",
                "２０２６．１１．３",
                "妇女恳谈会",
                "冬季恳谈会",
                "",
                "25",
                "１８人",
                "",
            ],
            // A name without its ending; a date with the year last.
            [
                "3",
                "哈那乌拉",
                "11/3/2026",
                "培训",
                "技能培训",
                "",
                "#n:12",
                "#n:12",
                "",
            ],
            // A full-width code; a compact date; a type's beginning.
            [
                "4",
                "１５２５０２２００２０１",
                "20261001",
                "入户",
                "入户走访",
                "",
                "#n:3",
                "#n:3",
                "",
            ],
            // A township by name; a Chinese date; an English label.
            [
                "5",
                "宝力根苏木",
                "2026年9月1日",
                "Training",
                "苏木培训",
                "",
                "#n:20",
                "",
                "",
            ],
            // Her own unit; a serial date that lost its format.
            [
                "6",
                "锡林浩特市",
                "#n:46296",
                "家庭教育",
                "家庭教育讲座",
                "",
                "#n:50",
                "#n:45",
                "讲了家风",
            ],
        ],
        Some("伊利勒特嘎查"),
    );
    let r = upload(&app, &cookie, Some(&csrf), file, "2026年台账.xlsx").await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let html = get(&app, &cookie, &to).await.text().await.unwrap();
    assert!(html.contains("已导入 6 条活动"), "{html}");
    assert!(
        html.contains("读取的是工作表“2026年台账”，第 3 行是表头。"),
        "{html}"
    );

    let token = app.token("xlh").await;
    let city = rollup(&app, &token, XILINHOT).await;
    // The total and the signature line are not activities.
    assert_eq!(counts(&city["total"]), (6, 150, 108));
    assert_eq!(
        counts(&rollup(&app, &token, YILELT).await["total"]),
        (2, 65, 48)
    );
    assert_eq!(
        counts(&rollup(&app, &token, HANAULA).await["total"]),
        (2, 15, 15)
    );
    assert_eq!(
        counts(&rollup(&app, &token, BAOLIGEN).await["total"]),
        (5, 100, 63)
    );
    for (ty, n) in [
        ("lecture", 1),
        ("talk_meeting", 1),
        ("training", 2),
        ("home_visit", 1),
        ("family_education", 1),
    ] {
        assert_eq!(city["by_type"][ty]["activities"], json!(n), "{ty}");
    }
    let months: Vec<(String, i64)> = city["months"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["activities"].as_i64().unwrap() > 0)
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_owned(),
                m["activities"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2026-09".to_owned(), 1),
            ("2026-10".to_owned(), 3),
            ("2026-11".to_owned(), 2)
        ],
        "{city}"
    );
}
both_backends!(import_a_ledger_kept_by_hand, import_a_ledger_kept_by_hand);

/// The test tree plus two villages named 巴彦淖尔嘎查: one under 宝力根苏木
/// (锡林浩特市), one under 查干淖尔镇 (阿巴嘎旗), both in 锡林郭勒盟.
async fn add_namesakes(app: &TestApp) {
    let keep = [
        REGION,
        XILINGOL,
        XILINHOT,
        ERENHOT,
        BAOLIGEN,
        YILELT,
        HANAULA,
        BAOTOU,
        BAOTOU_BANNER,
        "152502200203",
        "152522000000",
        "152522102000",
        "152522102209",
    ];
    let mut csv = String::from("code,name,parent_code,level\n");
    for line in jinguo_store::BUNDLED_DIVISIONS_CSV.lines().skip(1) {
        if keep.iter().any(|k| line.starts_with(k)) {
            csv.push_str(line);
            csv.push('\n');
        }
    }
    let records = jinguo_store::csv_import::read_division_csv(csv.as_bytes()).unwrap();
    app.store.import_divisions(&records).await.unwrap();
}

fn one_row(unit: &str) -> Vec<u8> {
    hand_ledger(
        &[[
            "1",
            unit,
            "2026-10-05",
            "巾帼大宣讲",
            "宣讲",
            "",
            "#n:10",
            "#n:8",
            "",
        ]],
        None,
    )
}

async fn an_ambiguous_village_name_asks_for_the_code(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    add_namesakes(&app).await;
    let league = app.add_user("xlg", "cadre", XILINGOL).await;
    let city = app.add_user("xlh", "cadre", XILINHOT).await;

    // In the league there are two: the row asks for the code, with both
    // candidates' paths and codes; nothing is written.
    let (cookie, csrf) = browser(&app, league).await;
    let r = upload(&app, &cookie, Some(&csrf), one_row("巴彦淖尔嘎查"), "a.xlsx").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("文件中有 1 处错误"), "{html}");
    assert!(html.contains("B 单位"), "{html}");
    assert!(
        html.contains(
            "“巴彦淖尔嘎查”：您管辖范围内有几个单位叫这个名字：\
             锡林浩特市 › 宝力根苏木 › 巴彦淖尔嘎查 152502200203；\
             阿巴嘎旗 › 查干淖尔镇 › 巴彦淖尔嘎查 152522102209。请改填其中一个的 12 位单位代码。"
        ),
        "{html}"
    );
    let token = app.token("xlg").await;
    assert_eq!(rollup(&app, &token, XILINGOL).await["total"]["activities"], 0);
    // Her code settles it.
    let r = upload(&app, &cookie, Some(&csrf), one_row("152522102209"), "a.xlsx").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        rollup(&app, &token, "152522000000").await["total"]["activities"],
        1
    );

    // In the city there is one, and the name (even without 嘎查) finds it:
    // the namesake outside her subtree is never looked at.
    let (cookie, csrf) = browser(&app, city).await;
    let r = upload(&app, &cookie, Some(&csrf), one_row("巴彦淖尔"), "a.xlsx").await;
    assert_eq!(r.status(), 303);
    let token = app.token("xlh").await;
    assert_eq!(
        rollup(&app, &token, "152502200203").await["total"]["activities"],
        1
    );
    // A unit outside her subtree reads as unknown, and nothing of it shows.
    let r = upload(&app, &cookie, Some(&csrf), one_row("二连浩特市"), "a.xlsx").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("“二连浩特市”：没有这个单位，或它不在您的管辖范围内。"),
        "{html}"
    );
    assert!(!html.contains(ERENHOT) && !html.contains("152522102209"));
    assert_eq!(rollup(&app, &token, XILINHOT).await["total"]["activities"], 1);
}
both_backends!(
    an_ambiguous_village_name_asks_for_the_code,
    an_ambiguous_village_name_asks_for_the_code
);

async fn a_bad_cell_is_quoted_and_nothing_is_written(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let xlh = app.add_user("xlh", "cadre", XILINHOT).await;
    let (cookie, csrf) = browser(&app, xlh).await;
    let file = hand_ledger(
        &[
            // Row 4: good.
            [
                "1",
                "伊利勒特嘎查",
                "2026.10.8",
                "宣讲",
                "宣讲一",
                "",
                "#n:10",
                "",
                "",
            ],
            // Row 5: no such date.
            [
                "2",
                "伊利勒特嘎查",
                "2026.13.45",
                "宣讲",
                "宣讲二",
                "",
                "#n:10",
                "",
                "",
            ],
            // Row 6: a type that fits two.
            [
                "3",
                "哈那乌拉嘎查",
                "2026-10-09",
                "家庭",
                "家庭讲座",
                "",
                "#n:10",
                "",
                "",
            ],
            // Row 7: a count in words.
            [
                "4",
                "哈那乌拉嘎查",
                "2026-10-09",
                "培训",
                "培训三",
                "",
                "四十",
                "",
                "",
            ],
            // Row 8: begins like a note, but is an activity with a mistake.
            [
                "备注",
                "伊利勒特嘎查",
                "2026-10-10",
                "培训",
                "培训四",
                "",
                "-5",
                "",
                "",
            ],
        ],
        None,
    );
    let r = upload(&app, &cookie, Some(&csrf), file, "台账.xlsx").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    // The total and the signature line are not among them.
    assert!(html.contains("文件中有 4 处错误，一条也没有导入"), "{html}");
    assert!(
        html.contains("读取的是工作表“2026年台账”，第 3 行是表头。"),
        "{html}"
    );
    for expected in [
        "C 活动时间",
        "“2026.13.45”：不是可识别的日期。",
        "D 活动类型",
        "“家庭”：可能是以下几种活动类型之一：家庭教育指导；廉洁文化进家庭。请写全称。",
        "G 参加人数（人）",
        "“四十”：不是整数。请只填数字，如 40。",
        "“-5”：参与人数须为 0–100000 的整数。",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    let rows: Vec<&str> = html
        .split("data-label=\"行\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    assert_eq!(rows, ["5", "6", "7", "8"]);
    let token = app.token("xlh").await;
    assert_eq!(rollup(&app, &token, XILINHOT).await["total"]["activities"], 0);
}
both_backends!(
    a_bad_cell_is_quoted_and_nothing_is_written,
    a_bad_cell_is_quoted_and_nothing_is_written
);
