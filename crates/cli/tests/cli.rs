//! The `jinguo` binary as an administrator uses it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn jinguo(args: &[&str], stdin: Option<&str>) -> Output {
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

fn temp_db() -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!(
        "jinguo-cli-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("t.db").display());
    (dir, url)
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["migrate", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "list", "--help"],
        vec!["user", "disable", "--help"],
        vec!["user", "reset-password", "--help"],
        vec!["org", "import", "--help"],
        vec!["bench", "--help"],
    ] {
        let out = jinguo(&args, None);
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("Usage"), "{args:?}");
    }
}

#[test]
fn a_bad_code_list_is_reported_per_row_and_nothing_is_imported() {
    let (dir, url) = temp_db();
    let csv = dir.join("bad.csv");
    std::fs::write(
        &csv,
        "code,name,parent_code,level\n\
         150000000000,内蒙古自治区,,1\n\
         15250000000X,坏代码,150000000000,2\n\
         152500000000,锡林郭勒盟,150000000000,2\n\
         152500000000,重复,150000000000,2\n\
         152502000000,锡林浩特市,152600000000,3\n",
    )
    .unwrap();
    let out = jinguo(
        &["org", "import", csv.to_str().unwrap(), "--database", &url],
        None,
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("3 row(s) refused, nothing imported"), "{err}");
    assert!(err.contains("3\tcode\tmalformed code"), "{err}");
    assert!(
        err.contains("5\tcode\tduplicate code 152500000000, first on line 4"),
        "{err}"
    );
    assert!(
        err.contains("6\tparent_code\tunknown parent 152600000000"),
        "{err}"
    );

    // Nothing went in: a user cannot be bound to the region.
    let out = jinguo(
        &[
            "user",
            "add",
            "--username",
            "admin",
            "--unit",
            "150000000000",
            "--roles",
            "admin",
            "--password-stdin",
            "--database",
            &url,
        ],
        Some("Steppe-2026!\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no unit 150000000000"));
}

#[test]
fn bundled_import_then_first_administrator() {
    let (_dir, url) = temp_db();
    let out = jinguo(&["org", "import", "--bundled", "--database", &url], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("15938 added, 0 updated, 0 retired"));
    // Importing again changes nothing.
    let out = jinguo(&["org", "import", "--bundled", "--database", &url], None);
    assert!(text(&out.stdout).contains("0 added, 0 updated, 0 retired, 15938 unchanged"));

    let add = |name: &str, pw: &str| {
        jinguo(
            &[
                "user",
                "add",
                "--username",
                name,
                "--unit",
                "150000000000",
                "--roles",
                "admin",
                "--name",
                "其木格",
                "--position",
                "办公室主任",
                "--password-stdin",
                "--database",
                &url,
            ],
            Some(&format!("{pw}\n")),
        )
    };
    let out = add("admin", "weak");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("at least 8 characters"));
    let out = add("admin", "Steppe-2026!");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created admin (admin) at 150000000000 内蒙古自治区"));
    assert!(
        !add("admin", "Steppe-2026!").status.success(),
        "taken username"
    );

    let list = text(&jinguo(&["user", "list", "--database", &url], None).stdout);
    assert!(list.contains("admin\tadmin\t150000000000 内蒙古自治区\tactive\t其木格\t办公室主任"));
    assert!(
        jinguo(&["user", "disable", "admin", "--database", &url], None)
            .status
            .success()
    );
    let list = text(&jinguo(&["user", "list", "--database", &url], None).stdout);
    assert!(list.contains("\tdisabled"));
    assert!(
        !jinguo(&["user", "disable", "nobody", "--database", &url], None)
            .status
            .success()
    );
}
