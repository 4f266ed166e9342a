//! The ledger import is all or nothing, as a property (issue 19 item 8):
//! generated ledgers of good rows with one bad row somewhere — a future
//! date, a count in words, a malformed or out-of-scope unit, an unknown
//! type, more women than participants, a blank title, a control character —
//! are refused through the web import, the bad row alone is reported by its
//! Excel row number, and not one activity is written.
//!
//! Each case uploads a file to a running app, so the count is small: a
//! quarter of `JINGUO_XLSX_CASES` (default 32, so 8) per backend.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use reqwest::header::COOKIE;
use rust_xlsxwriter::Workbook;

use crate::both_backends;
use crate::support::*;

fn cases() -> u32 {
    let xlsx = std::env::var("JINGUO_XLSX_CASES")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(32);
    (xlsx / 4).max(1)
}

/// A cell: text, or a number when it starts with `#n:`.
type Row = [&'static str; 8];

const HEADER: Row = [
    "单位代码",
    "日期",
    "活动类型",
    "活动名称",
    "参与人数",
    "其中妇女",
    "地点",
    "简要情况",
];

/// The ways a row goes wrong, each with the row.
const BAD: [Row; 8] = [
    [YILELT, "2099-01-01", "lecture", "未来", "#n:10", "", "", ""],
    [YILELT, "2026-10-05", "lecture", "写成汉字", "十个", "", "", ""],
    ["1525", "2026-10-05", "lecture", "坏代码", "#n:10", "", "", ""],
    [ERENHOT, "2026-10-05", "lecture", "越界", "#n:10", "", "", ""],
    [YILELT, "2026-10-05", "不存在的类型", "类型", "#n:10", "", "", ""],
    [HANAULA, "2026-10-06", "lecture", "人数", "#n:5", "#n:6", "", ""],
    [YILELT, "2026-10-05", "lecture", "", "#n:10", "", "牧区", "没有名称"],
    [YILELT, "2026-10-05", "lecture", "控制\u{1b}[31m字符", "#n:10", "", "", ""],
];

/// A good row; its title and place vary so no two files are alike.
fn good(title: &str, n: u8) -> [String; 8] {
    [
        if n.is_multiple_of(2) { YILELT } else { HANAULA }.to_owned(),
        format!("2026-10-{:02}", 1 + n % 28),
        "lecture".to_owned(),
        title.to_owned(),
        format!("#n:{}", 5 + u32::from(n)),
        format!("#n:{}", n % 5),
        "嘎查活动室".to_owned(),
        String::new(),
    ]
}

fn ledger(rows: &[[String; 8]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell.strip_prefix("#n:") {
                Some(n) => ws.write_number(r, c, n.parse::<f64>().unwrap()).map(|_| ()),
                None if cell.is_empty() => Ok(()),
                None => ws.write_string(r, c, cell).map(|_| ()),
            }
            .unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The row numbers of the problems the import page lists.
fn reported_rows(html: &str) -> Vec<u32> {
    html.split("<td class=\"num nowrap\" data-label=\"")
        .skip(1)
        .filter_map(|s| s.split_once("\">"))
        .filter_map(|(_, rest)| rest.split('<').next()?.trim().parse().ok())
        .collect()
}

async fn activities(app: &TestApp, token: &str) -> i64 {
    let r = app
        .get(
            token,
            &format!("/api/v1/units/{XILINHOT}/rollup?from=2026-01&to=2026-12"),
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json::<serde_json::Value>().await.unwrap()["total"]["activities"]
        .as_i64()
        .unwrap()
}

async fn a_bad_row_refuses_the_whole_ledger(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let cadre = app.add_user("xlh", "cadre", XILINHOT).await;
    let (token, csrf) = app.session_for(cadre).await;
    let cookie = format!("jinguo_session={token}");
    let api = app.token("xlh").await;

    let strategy = (
        proptest::collection::vec(("[\\p{Han}]{1,12}", any::<u8>()), 0..6),
        0usize..BAD.len(),
        any::<proptest::sample::Index>(),
    );
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        ..Config::default()
    });
    for _ in 0..cases() {
        let (goods, which, at) = strategy.new_tree(&mut runner).unwrap().current();
        let mut rows: Vec<[String; 8]> = goods.iter().map(|(t, n)| good(t, *n)).collect();
        let at = at.index(rows.len() + 1);
        rows.insert(at, BAD[which].map(str::to_owned));
        // Excel numbers the header row 1.
        let bad_row = at as u32 + 2;

        let mut form = reqwest::multipart::Form::new().text("_csrf", csrf.clone());
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(ledger(&rows)).file_name("台账.xlsx"),
        );
        let r = app
            .client
            .post(app.url("/activities/import"))
            .header(COOKIE, &cookie)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "bad row {which} at {bad_row}");
        let html = r.text().await.unwrap();
        let reported = reported_rows(&html);
        assert!(!reported.is_empty(), "no problem listed: {html}");
        assert!(
            reported.iter().all(|r| *r == bad_row),
            "bad row {which} at {bad_row}, reported {reported:?}"
        );
        assert_eq!(activities(&app, &api).await, 0, "a partial import");
    }
}
both_backends!(
    a_bad_row_refuses_the_whole_ledger,
    a_bad_row_refuses_the_whole_ledger
);
