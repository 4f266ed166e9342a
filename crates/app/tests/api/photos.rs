//! Photos of activities: uploads checked by their bytes, all or nothing,
//! at most six, files under the data directory that go with their rows,
//! served only within the subtree, and every change audited.

use jinguo_store::model::Page;
use jinguo_store::{AuditStore, UnitStore};
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both_backends;
use crate::images::{jpeg, png};
use crate::support::*;

fn activity(unit: &str) -> Value {
    json!({"unit_code": unit, "date": "2026-11-02", "type": "lecture", "title": "巾帼大宣讲进嘎查",
           "participants": 30, "women": 20})
}

/// A multipart form of `photo` parts, each with a file name and type the
/// server must ignore.
fn photos_form(files: Vec<Vec<u8>>) -> Form {
    files
        .into_iter()
        .enumerate()
        .fold(Form::new(), |f, (i, b)| {
            f.part(
                "photo",
                Part::bytes(b)
                    .file_name(format!("IMG_{i}.jpg"))
                    .mime_str("image/jpeg")
                    .unwrap(),
            )
        })
}

async fn upload(app: &TestApp, token: &str, id: i64, files: Vec<Vec<u8>>) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/activities/{id}/photos")))
        .bearer_auth(token)
        .multipart(photos_form(files))
        .send()
        .await
        .unwrap()
}

async fn new_activity(app: &TestApp, token: &str, unit: &str) -> i64 {
    let r = app
        .post_json(token, "/api/v1/activities", activity(unit))
        .await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn list(app: &TestApp, token: &str, id: i64) -> Vec<Value> {
    let r = app
        .get(token, &format!("/api/v1/activities/{id}/photos"))
        .await;
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["photos"]
        .as_array()
        .unwrap()
        .clone()
}

/// Names of the files in the photo folder.
fn files_on_disk(app: &TestApp) -> Vec<String> {
    match std::fs::read_dir(app.data_dir.join("photos")) {
        Ok(dir) => {
            let mut names: Vec<String> = dir
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
        Err(_) => Vec::new(),
    }
}

/// Audit entries of the whole region, newest first: (action, detail).
async fn audit(app: &TestApp) -> Vec<(String, String)> {
    let root = app.store.root_unit().await.unwrap();
    app.store
        .audit_in_scope(app.store.system_scope(&root), &Default::default(), Page::new(500, 0))
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect()
}

async fn error_of(r: reqwest::Response) -> Value {
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["code"], "invalid");
    assert_eq!(v["error"]["field"], "photo");
    v["error"]["fields"]["photo"].clone()
}

async fn upload_read_and_delete(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("banner-case", "caseworker", XILINHOT).await;
    app.add_user("erenhot", "admin", ERENHOT).await;
    let village = app.token("yilelt").await;
    let id = new_activity(&app, &village, YILELT).await;

    let (j, p) = (jpeg(16, 8), png(5, 3, [255, 0, 0], [0, 0, 255]));
    let r = upload(&app, &village, id, vec![j.clone(), p.clone()]).await;
    assert_eq!(r.status(), 201);
    let ids: Vec<i64> = r.json::<Value>().await.unwrap()["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);

    // Types and sizes come from the bytes, not from the client's claims.
    let photos = list(&app, &village, id).await;
    assert_eq!(photos.len(), 2);
    assert_eq!(photos[0]["content_type"], "image/jpeg");
    assert_eq!(
        (photos[0]["width"].as_i64(), photos[0]["height"].as_i64()),
        (Some(16), Some(8))
    );
    assert_eq!(photos[1]["content_type"], "image/png");
    assert_eq!(
        (photos[1]["width"].as_i64(), photos[1]["height"].as_i64()),
        (Some(5), Some(3))
    );
    assert_eq!(photos[1]["byte_size"].as_i64(), Some(p.len() as i64));

    // The bytes, as stored, with the recorded type and a private cache.
    let r = app
        .get(
            &village,
            &format!("/api/v1/activities/{id}/photos/{}", ids[1]),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(
        r.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), p.as_slice());

    // Stored under random names, nothing of the upload's name.
    let on_disk = files_on_disk(&app);
    assert_eq!(on_disk.len(), 2);
    assert!(on_disk.iter().all(|n| n.len() == 32 && !n.contains("IMG")));

    // Anyone whose subtree holds the activity reads; only recorders change.
    let banner = app.token("banner-case").await;
    assert_eq!(list(&app, &banner, id).await.len(), 2);
    assert_eq!(
        upload(&app, &banner, id, vec![png(2, 2, [0; 3], [9; 3])])
            .await
            .status(),
        403
    );
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/activities/{id}/photos/{}", ids[0])))
        .bearer_auth(&banner)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Outside the subtree everything answers exactly like a missing photo.
    let sibling = app.token("erenhot").await;
    let missing = app
        .get(&sibling, "/api/v1/activities/999999/photos/999999")
        .await
        .text()
        .await
        .unwrap();
    for path in [
        format!("/api/v1/activities/{id}/photos"),
        format!("/api/v1/activities/{id}/photos/{}", ids[0]),
    ] {
        let r = app.get(&sibling, &path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(r.text().await.unwrap(), missing, "{path}");
    }
    let r = upload(&app, &sibling, id, vec![png(2, 2, [0; 3], [9; 3])]).await;
    assert_eq!(r.status(), 404);
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/activities/{id}/photos/{}", ids[0])))
        .bearer_auth(&sibling)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // A photo asked for under another activity of the subtree is missing too.
    let other = new_activity(&app, &village, YILELT).await;
    let r = app
        .get(
            &village,
            &format!("/api/v1/activities/{other}/photos/{}", ids[0]),
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(files_on_disk(&app).len(), 2);

    // Deleting one removes its file.
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/activities/{id}/photos/{}", ids[0])))
        .bearer_auth(&village)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(files_on_disk(&app).len(), 1);
    let r = app
        .get(
            &village,
            &format!("/api/v1/activities/{id}/photos/{}", ids[0]),
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(list(&app, &village, id).await.len(), 1);

    // Ids are never reused, so a cached photo URL cannot show another photo.
    let r = upload(&app, &village, id, vec![jpeg(8, 8)]).await;
    assert_eq!(r.status(), 201);
    let newer = r.json::<Value>().await.unwrap()["ids"][0].as_i64().unwrap();
    assert!(newer > ids[1], "photo id {newer} reused");
    assert_eq!(files_on_disk(&app).len(), 2);

    // Deleting the activity takes its photos and their files along.
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/activities/{id}")))
        .bearer_auth(&village)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(files_on_disk(&app).is_empty());
    let r = app
        .get(&village, &format!("/api/v1/activities/{id}/photos"))
        .await;
    assert_eq!(r.status(), 404);

    // Every change is in the audit log, by ids only.
    let log = audit(&app).await;
    let count = |action: &str| log.iter().filter(|(a, _)| a == action).count();
    assert_eq!(count("activity.photo_added"), 3);
    assert_eq!(count("activity.photo_removed"), 1);
    let deleted = log
        .iter()
        .find(|(a, _)| a == "activity.deleted")
        .expect("deletion audited");
    assert!(deleted.1.contains("photos=2"), "{}", deleted.1);
    for (a, d) in &log {
        if a.starts_with("activity.photo") {
            assert!(d.contains(&format!("activity={id}")), "{d}");
            assert!(!d.contains("IMG_") && !d.contains(".jpg"), "{d}");
        }
    }
}
both_backends!(upload_read_and_delete, upload_read_and_delete);

async fn bad_uploads_save_nothing(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    let village = app.token("yilelt").await;
    let id = new_activity(&app, &village, YILELT).await;
    let good = png(4, 4, [10, 120, 10], [250, 250, 0]);

    // Text that calls itself a JPEG, next to a good photo: neither is kept.
    let r = upload(
        &app,
        &village,
        id,
        vec![good.clone(), b"not a picture".to_vec()],
    )
    .await;
    let msg = error_of(r).await;
    assert!(msg.as_str().unwrap().contains("JPEG"), "{msg}");
    // JPEG magic with nothing after it, and a GIF.
    for bad in [
        vec![0xFF, 0xD8, 0xFF, 0xE0],
        b"GIF89a\x01\x00\x01\x00".to_vec(),
    ] {
        error_of(upload(&app, &village, id, vec![bad]).await).await;
    }
    // One byte over the limit, with a valid header in front.
    let mut big = png(8, 8, [0; 3], [255; 3]);
    big.resize(5 * 1024 * 1024 + 1, 0);
    let msg = error_of(upload(&app, &village, id, vec![big]).await).await;
    assert!(msg.as_str().unwrap().contains("5\u{a0}MB"), "{msg}");
    // A form without a photo part.
    let r = app
        .client
        .post(app.url(&format!("/api/v1/activities/{id}/photos")))
        .bearer_auth(&village)
        .multipart(Form::new().text("note", "no picture"))
        .send()
        .await
        .unwrap();
    error_of(r).await;
    assert!(list(&app, &village, id).await.is_empty());
    assert!(files_on_disk(&app).is_empty());

    // Seven at once: refused whole.
    let r = upload(&app, &village, id, vec![good.clone(); 7]).await;
    let msg = error_of(r).await;
    assert!(msg.as_str().unwrap().contains('6'), "{msg}");
    assert!(list(&app, &village, id).await.is_empty());
    assert!(files_on_disk(&app).is_empty());

    // Seven near the size limit: still "too many", not "too large" (the
    // body is not read past the seventh part).
    let mut near = png(8, 8, [0; 3], [255; 3]);
    near.resize(5 * 1024 * 1024 - 100, 0);
    let r = upload(&app, &village, id, vec![near; 7]).await;
    let msg = error_of(r).await;
    assert!(msg.as_str().unwrap().contains('6'), "{msg}");
    assert!(files_on_disk(&app).is_empty());

    // Six fit; the seventh does not, and leaves no file behind.
    let r = upload(&app, &village, id, vec![good.clone(); 5]).await;
    assert_eq!(r.status(), 201);
    let r = upload(&app, &village, id, vec![jpeg(8, 8)]).await;
    assert_eq!(r.status(), 201);
    let r = upload(&app, &village, id, vec![jpeg(8, 8)]).await;
    error_of(r).await;
    let photos = list(&app, &village, id).await;
    assert_eq!(photos.len(), 6);
    let positions: Vec<i64> = photos
        .iter()
        .map(|p| p["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [1, 2, 3, 4, 5, 6]);
    assert_eq!(files_on_disk(&app).len(), 6);
    let added = audit(&app)
        .await
        .iter()
        .filter(|(a, _)| a == "activity.photo_added")
        .count();
    assert_eq!(added, 6);
}
both_backends!(bad_uploads_save_nothing, bad_uploads_save_nothing);

/// The activity form as multipart: its fields, the CSRF token and photos.
fn web_form(csrf: &str, fields: &[(&str, &str)], photos: Vec<Vec<u8>>) -> Form {
    let mut f = Form::new().text("_csrf", csrf.to_owned());
    for (k, v) in fields {
        f = f.text(k.to_string(), v.to_string());
    }
    for (i, b) in photos.into_iter().enumerate() {
        f = f.part("photo", Part::bytes(b).file_name(format!("camera-{i}.png")));
    }
    f
}

const FIELDS: &[(&str, &str)] = &[
    ("unit_code", YILELT),
    ("date", "2026-11-03"),
    ("type", "home_visit"),
    ("title", "入户走访"),
    ("participants", "12"),
    ("women", "9"),
];

async fn web_form_with_photos(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let user = app.add_user("yilelt", "cadre", YILELT).await;
    let stranger = app.add_user("erenhot", "cadre", ERENHOT).await;
    let (cookie, csrf) = app.session_for(user).await;
    let cookie = format!("jinguo_session={cookie}");
    let token = app.token("yilelt").await;
    let post = |path: &str, form: Form| {
        app.client
            .post(app.url(path))
            .header(COOKIE, cookie.clone())
            .multipart(form)
            .send()
    };
    let ledger = format!("/api/v1/activities?unit={YILELT}&from=2026-11&to=2026-11");
    let count = |v: Value| v["activities"].as_array().unwrap().len();

    // A bad photo keeps the whole record out, with the message at the field.
    let r = post(
        "/activities",
        web_form(
            &csrf,
            FIELDS,
            vec![png(3, 3, [0; 3], [255; 3]), b"<svg/>".to_vec()],
        ),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"photo-err\""), "no field message");
    assert!(page.contains("只能上传 JPEG 或 PNG"));
    assert!(page.contains("照片还没有保存"));
    assert!(page.contains("入户走访"), "typed fields kept");
    assert_eq!(
        count(app.get(&token, &ledger).await.json().await.unwrap()),
        0
    );
    assert!(files_on_disk(&app).is_empty());

    // Bad fields with good photos: nothing saved either.
    let mut no_title = FIELDS.to_vec();
    no_title.retain(|(k, _)| *k != "title");
    let r = post("/activities", web_form(&csrf, &no_title, vec![jpeg(8, 8)]))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        count(app.get(&token, &ledger).await.json().await.unwrap()),
        0
    );
    assert!(files_on_disk(&app).is_empty());

    // Two good photos: recorded together.
    let r = post(
        "/activities",
        web_form(
            &csrf,
            FIELDS,
            vec![jpeg(16, 16), png(6, 4, [255, 0, 0], [0, 255, 0])],
        ),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let v: Value = app.get(&token, &ledger).await.json().await.unwrap();
    assert_eq!(count(v.clone()), 1);
    let id = v["activities"][0]["id"].as_i64().unwrap();
    let photos = list(&app, &token, id).await;
    assert_eq!(photos.len(), 2);
    assert_eq!(files_on_disk(&app).len(), 2);

    // The ledger and the edit form show them, served within the subtree only.
    let page = app
        .client
        .get(app.url(&format!(
            "/activities?unit={YILELT}&from=2026-11&to=2026-11"
        )))
        .header(COOKIE, cookie.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let src = format!("/activities/{id}/photos/{}", photos[0]["id"]);
    assert!(page.contains(&src), "ledger thumbnail");
    let edit = app
        .client
        .get(app.url(&format!("/activities/{id}/edit")))
        .header(COOKIE, cookie.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(edit.contains(&src) && edit.contains("name=\"remove_photo\""));
    assert!(edit.contains("enctype=\"multipart/form-data\""));
    // The form shows the recorded type (it is serialised as `type`).
    assert!(edit.contains("<option value=\"home_visit\" selected>"));
    let r = app
        .client
        .get(app.url(&src))
        .header(COOKIE, cookie.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], "image/jpeg");
    let (other, _) = app.session_for(stranger).await;
    let r = app
        .client
        .get(app.url(&src))
        .header(COOKIE, format!("jinguo_session={other}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // An edit removes one and adds one; the removed file goes.
    let before = files_on_disk(&app);
    let first = photos[0]["id"].as_i64().unwrap().to_string();
    let mut fields = FIELDS.to_vec();
    fields.push(("remove_photo", &first));
    let path = format!("/activities/{id}");
    let r = post(
        &path,
        web_form(&csrf, &fields, vec![png(2, 2, [1; 3], [2; 3])]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let after_edit = list(&app, &token, id).await;
    assert_eq!(after_edit.len(), 2);
    assert!(after_edit.iter().all(|p| p["id"] != photos[0]["id"]));
    let now = files_on_disk(&app);
    assert_eq!(now.len(), 2);
    assert_eq!(now.iter().filter(|n| before.contains(n)).count(), 1);

    // Too many after an edit: the form says so and nothing changes.
    let r = post(&path, web_form(&csrf, FIELDS, vec![jpeg(8, 8); 5]))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("最多 6 张"));
    assert_eq!(list(&app, &token, id).await.len(), 2);
    assert_eq!(files_on_disk(&app), now);

    // Deleting the activity on the web removes its files.
    let r = app
        .client
        .post(app.url(&format!("/activities/{id}/delete")))
        .header(COOKIE, cookie.clone())
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()[LOCATION]
            .to_str()
            .unwrap()
            .contains("done=deleted")
    );
    assert!(files_on_disk(&app).is_empty());
}
both_backends!(web_form_with_photos, web_form_with_photos);
