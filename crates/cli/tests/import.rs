//! `jinguo import activities`: the web import's checks from the command
//! line, on SQLite and (when configured) PostgreSQL.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use jinguo_store::testing::{PostgresTarget, fresh_postgres};
use jinguo_store::{ActivityStore, SqlStore, UnitStore};
use rust_xlsxwriter::Workbook;

const PW: &str = "Steppe-2026!\n";
const XILINHOT: &str = "152502000000";
const YILELT: &str = "152502200200";
const ERENHOT: &str = "152501000000";

fn jinguo(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_jinguo"))
        .args(args)
        .env_remove("JINGUO_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run jinguo");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "jinguo-cli-import-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A ledger with the template's header rows and these rows.
fn write_ledger(path: &Path, rows: &[[&str; 6]]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let heads = [
        "单位代码",
        "日期",
        "活动类型",
        "活动名称",
        "参与人数",
        "其中妇女",
    ];
    let keys = [
        "unit_code",
        "date",
        "type",
        "title",
        "participants",
        "women",
    ];
    for c in 0..6 {
        ws.write_string(0, c as u16, heads[c]).unwrap();
        ws.write_string(1, c as u16, keys[c]).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 2, c as u16, *v).unwrap();
        }
    }
    wb.save(path).unwrap();
}

async fn activity_count(url: &str) -> i64 {
    SqlStore::connect(url)
        .await
        .unwrap()
        .activity_count()
        .await
        .unwrap()
}

async fn cli_import(url: String) {
    let dir = temp_dir();
    let out = jinguo(&["org", "import", "--bundled", "--database", &url], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (name, roles) in [("xlh", "cadre"), ("watcher", "auditor")] {
        let out = jinguo(
            &[
                "user",
                "add",
                "--username",
                name,
                "--unit",
                XILINHOT,
                "--roles",
                roles,
                "--password-stdin",
                "--database",
                &url,
            ],
            Some(PW),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }

    // Problems: every one reported, nothing imported, a failing exit.
    let bad = dir.join("bad.xlsx");
    write_ledger(
        &bad,
        &[
            [YILELT, "2026-10-01", "巾帼大宣讲", "好的", "10", "5"],
            [ERENHOT, "2026-10-01", "lecture", "越界", "10", "5"],
            [YILELT, "2026-10-01", "lecture", "人数", "5", "6"],
        ],
    );
    let bad = bad.to_str().unwrap();
    let out = jinguo(
        &[
            "import",
            "activities",
            bad,
            "--as",
            "xlh",
            "--lang",
            "en",
            "--database",
            &url,
        ],
        None,
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("2 problem(s), nothing imported"), "{err}");
    assert!(err.contains("row\tcolumn\treason"), "{err}");
    // The column as her file names it; the value it saw, then the reason.
    assert!(
        err.contains("4\tA 单位代码\t“152501000000”: No such unit, or it is outside your subtree."),
        "{err}"
    );
    assert!(err.contains("5\tF 其中妇女\t“6”: "), "{err}");
    assert!(
        err.contains("Read the worksheet “Sheet1”; its header is row 1."),
        "{err}"
    );
    assert_eq!(activity_count(&url).await, 0);
    // Chinese by default.
    let out = jinguo(
        &[
            "import",
            "activities",
            bad,
            "--as",
            "xlh",
            "--database",
            &url,
        ],
        None,
    );
    assert!(text(&out.stderr).contains("4\tA 单位代码\t“152501000000”：没有这个单位"));

    // Roles and users are checked.
    let good = dir.join("good.xlsx");
    write_ledger(
        &good,
        &[
            [YILELT, "2026-10-01", "巾帼大宣讲", "一", "10", "5"],
            [XILINHOT, "2026/10/2", "training", "二", "20", ""],
        ],
    );
    let good = good.to_str().unwrap();
    let out = jinguo(
        &[
            "import",
            "activities",
            good,
            "--as",
            "watcher",
            "--database",
            &url,
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("admin or cadre"));
    let out = jinguo(
        &[
            "import",
            "activities",
            good,
            "--as",
            "nobody",
            "--database",
            &url,
        ],
        None,
    );
    assert!(text(&out.stderr).contains("no user nobody"));
    assert_eq!(activity_count(&url).await, 0);

    let out = jinguo(
        &[
            "import",
            "activities",
            good,
            "--as",
            "xlh",
            "--database",
            &url,
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("2 activities imported, at 152502000000 锡林浩特市 and below"),
        "{stdout}"
    );
    let store = SqlStore::connect(&url).await.unwrap();
    let unit = store
        .unit_by_code(&jinguo_domain::UnitCode::parse(XILINHOT).unwrap())
        .await
        .unwrap();
    let r = store
        .rollup(
            store.system_scope(&unit),
            &unit,
            jinguo_domain::Month::new(2026, 1).unwrap(),
            jinguo_domain::Month::new(2026, 12).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        (r.total.activities, r.total.participants, r.total.women),
        (2, 30, 5)
    );
    assert!(store.rollup_mismatches().await.unwrap().is_empty());
}

#[test]
fn import_activities_sqlite() {
    let dir = temp_dir();
    let url = format!("sqlite://{}", dir.join("t.db").display());
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(cli_import(url));
}

#[test]
fn import_activities_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        match fresh_postgres().await {
            PostgresTarget::Fresh(url) => cli_import(url).await,
            PostgresTarget::Skipped => {}
        }
    });
}

#[test]
fn import_has_help() {
    let out = jinguo(&["import", "activities", "--help"], None);
    assert!(out.status.success());
    let help = text(&out.stdout);
    assert!(
        help.contains("--as <USERNAME>") && help.contains("Usage"),
        "{help}"
    );
}
