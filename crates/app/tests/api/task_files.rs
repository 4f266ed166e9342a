//! Task attachments: the issuing side uploads files checked by their
//! bytes, at most ten a task, and everyone who sees the task downloads
//! them unchanged; others get 403 or 404 exactly as the rules say.

use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

fn deadline() -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(30);
    jinguo_domain::activity::format_date(d)
}

/// A multipart form of `file` parts with names and a type the server must
/// not trust.
fn files_form(files: Vec<(&str, Vec<u8>)>) -> Form {
    files.into_iter().fold(Form::new(), |f, (name, bytes)| {
        f.part(
            "file",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("application/pdf")
                .unwrap(),
        )
    })
}

async fn upload(
    app: &TestApp,
    token: &str,
    task: i64,
    files: Vec<(&str, Vec<u8>)>,
) -> (u16, Value) {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/tasks/{task}/attachments")))
        .bearer_auth(token)
        .multipart(files_form(files))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn attachments(app: &TestApp) {
    app.add_user("banner", "cadre", XILINHOT).await;
    app.add_user("banner-case", "caseworker", XILINHOT).await;
    app.add_user("sumu", "cadre", BAOLIGEN).await;
    app.add_user("erenhot", "admin", ERENHOT).await;
    let banner = app.token("banner").await;
    let case = app.token("banner-case").await;
    let sumu = app.token("sumu").await;
    let sibling = app.token("erenhot").await;
    let body = json!({"title": "妇女议事会通知", "deadline": deadline(), "issuer_unit": XILINHOT,
        "target_units": [BAOLIGEN],
        "fields": [{"key": "n", "label": "次数", "type": "integer", "required": false}]});
    let r = app.post_json(&banner, "/api/v1/tasks", body).await;
    assert_eq!(r.status(), 201);
    let task = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // A PDF from the issuing side, downloaded unchanged by the target unit.
    let (status, v) = upload(
        app,
        &banner,
        task,
        vec![("C:\\文件\\通知.pdf", PDF.to_vec())],
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let id = v["ids"][0].as_i64().unwrap();
    let r = app.get(&sumu, &format!("/api/v1/tasks/{task}")).await;
    let shown: Value = r.json().await.unwrap();
    assert_eq!(shown["attachments"][0]["id"], id);
    assert_eq!(shown["attachments"][0]["name"], "通知.pdf");
    assert_eq!(shown["attachments"][0]["content_type"], "application/pdf");
    assert_eq!(shown["attachments"][0]["byte_size"], PDF.len());
    let r = app
        .get(&sumu, &format!("/api/v1/tasks/{task}/attachments/{id}"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/pdf");
    let cd = r.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cd.starts_with("attachment;"), "{cd}");
    assert!(
        cd.contains("filename*=UTF-8''%E9%80%9A%E7%9F%A5.pdf"),
        "{cd}"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);

    // Not a recorder: 403 before anything else; a target, not the issuing
    // side: 403; outside the subtree: 404 like a missing task.
    let (status, _) = upload(app, &case, task, vec![("a.pdf", PDF.to_vec())]).await;
    assert_eq!(status, 403);
    let (status, _) = upload(app, &sumu, task, vec![("a.pdf", PDF.to_vec())]).await;
    assert_eq!(status, 403);
    let (status, _) = upload(app, &sibling, task, vec![("a.pdf", PDF.to_vec())]).await;
    assert_eq!(status, 404);
    let r = app
        .get(&sibling, &format!("/api/v1/tasks/{task}/attachments/{id}"))
        .await;
    assert_eq!(r.status(), 404);
    let missing = app
        .get(&sibling, "/api/v1/tasks/999999/attachments/1")
        .await;
    assert_eq!(missing.status(), 404);

    // Judged by the bytes: a program or text named .pdf, too large, none.
    for bytes in [b"MZ\x90\x00\x03\x00\x00\x00".to_vec(), b"hello".to_vec()] {
        let (status, v) = upload(app, &banner, task, vec![("x.pdf", bytes)]).await;
        assert_eq!(status, 422, "{v}");
        assert!(v["error"]["fields"]["file"].is_string(), "{v}");
    }
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let (status, v) = upload(app, &banner, task, vec![("big.pdf", big)]).await;
    assert_eq!(status, 422, "{v}");
    assert!(v["error"]["fields"]["file"].is_string(), "{v}");
    // A form without a `file` part.
    let r = app
        .client
        .post(app.url(&format!("/api/v1/tasks/{task}/attachments")))
        .bearer_auth(&banner)
        .multipart(Form::new().text("note", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["fields"]["file"].is_string(), "{v}");

    // Ten in all: nine more fit, an eleventh does not, and nothing of a
    // refused batch is kept.
    let nine = (0..9)
        .map(|i| (if i % 2 == 0 { "a.pdf" } else { "b.pdf" }, PDF.to_vec()))
        .collect();
    let (status, v) = upload(app, &banner, task, nine).await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = upload(app, &banner, task, vec![("11.pdf", PDF.to_vec())]).await;
    assert_eq!(status, 422, "{v}");
    assert!(v["error"]["fields"]["file"].is_string(), "{v}");
    let r = app.get(&banner, &format!("/api/v1/tasks/{task}")).await;
    let shown: Value = r.json().await.unwrap();
    assert_eq!(shown["attachments"].as_array().unwrap().len(), 10);
    let stored = std::fs::read_dir(app.data_dir.join("attachments"))
        .unwrap()
        .count();
    assert_eq!(stored, 10, "refused uploads leave no files");
}

/// The task page lists the files; the issuing side gets the upload form,
/// whose answers come back to the page as messages.
async fn web_form(app: &TestApp) {
    let banner_id = app.add_user("web-banner", "cadre", XILINHOT).await;
    let sumu_id = app.add_user("web-sumu", "cadre", BAOLIGEN).await;
    let token = app.token("web-banner").await;
    let body = json!({"title": "附件任务", "deadline": deadline(), "issuer_unit": XILINHOT,
        "target_units": [BAOLIGEN],
        "fields": [{"key": "n", "label": "次数", "type": "integer", "required": false}]});
    let r = app.post_json(&token, "/api/v1/tasks", body).await;
    let task = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (cookie, csrf) = app.session_for(banner_id).await;
    let post = |bytes: Vec<u8>| {
        app.client
            .post(app.url(&format!("/tasks/{task}/attachments")))
            .header(COOKIE, format!("jinguo_session={cookie}"))
            .multipart(
                Form::new()
                    .text("_csrf", csrf.clone())
                    .part("file", Part::bytes(bytes).file_name("议事规则.pdf")),
            )
            .send()
    };
    let r = post(PDF.to_vec()).await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()[LOCATION],
        format!("/tasks/{task}?done=attached")
    );
    let r = post(b"not a document".to_vec()).await.unwrap();
    assert_eq!(r.status(), 303);
    let back = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(
        back,
        format!("/tasks/{task}?file_error=err.attachment.type")
    );
    let page = app
        .client
        .get(app.url(&back))
        .header(COOKIE, format!("jinguo_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("议事规则.pdf"), "the file is listed");
    assert!(page.contains(&format!("action=\"/tasks/{task}/attachments\"")));
    assert!(page.contains("只能上传 PDF"), "the refusal is shown");
    // A target unit sees the file but no upload form.
    let (sumu_cookie, _) = app.session_for(sumu_id).await;
    let page = app
        .client
        .get(app.url(&format!("/tasks/{task}")))
        .header(COOKIE, format!("jinguo_session={sumu_cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("议事规则.pdf"));
    assert!(!page.contains(&format!("action=\"/tasks/{task}/attachments\"")));
}

/// The task form takes its documents before issuing: a refused file issues
/// nothing and asks for the files again; good files arrive with the task.
async fn issued_with_files(app: &TestApp) {
    let banner_id = app.add_user("issue-banner", "cadre", XILINHOT).await;
    let token = app.token("issue-banner").await;
    let (cookie, csrf) = app.session_for(banner_id).await;
    let form = |title: &str, files: Vec<(&str, Vec<u8>)>| {
        let mut f = Form::new()
            .text("_csrf", csrf.clone())
            .text("issuer_unit", XILINHOT)
            .text("title", title.to_owned())
            .text("deadline", deadline())
            .text("target_mode", "units")
            .text("target_units", BAOLIGEN)
            .text("f_label", "参加人数")
            .text("f_type", "integer");
        for (name, bytes) in files {
            f = f.part("file", Part::bytes(bytes).file_name(name.to_owned()));
        }
        app.client
            .post(app.url("/tasks"))
            .header(COOKIE, format!("jinguo_session={cookie}"))
            .multipart(f)
            .send()
    };
    let count = || async {
        app.get(&token, "/api/v1/tasks?box=issued")
            .await
            .json::<Value>()
            .await
            .unwrap()["tasks"]
            .as_array()
            .map_or(0, Vec::len)
    };
    let before = count().await;

    // A file that is not a document: the form again, nothing issued.
    let r = form(
        "带附件的任务",
        vec![("通知.pdf", PDF.to_vec()), ("病毒.exe", b"MZ\x90\x00".to_vec())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="file-err""#), "the file error is shown");
    assert!(html.contains("带附件的任务"), "what was typed is kept");
    assert_eq!(count().await, before, "nothing issued");

    // Another field wrong, files fine: the page asks for the files again.
    let r = form("", vec![("通知.pdf", PDF.to_vec())]).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="file-again""#));
    assert_eq!(count().await, before, "nothing issued");

    // Good: issued with both files, which the task lists.
    let r = form(
        "带附件的任务",
        vec![("通知.pdf", PDF.to_vec()), ("报名表.pdf", PDF.to_vec())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let id: i64 = to
        .trim_start_matches("/tasks/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let shown: Value = app
        .get(&token, &format!("/api/v1/tasks/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<_> = shown["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["通知.pdf", "报名表.pdf"]);
    assert_eq!(count().await, before + 1);
}

async fn attachments_on(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    attachments(&app).await;
    web_form(&app).await;
    issued_with_files(&app).await;
}
both_backends!(task_attachments, attachments_on);
