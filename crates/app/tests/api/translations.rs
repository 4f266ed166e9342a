//! The translation review page (issue 17 item 1): a reviewer at the region
//! corrects and accepts Mongolian, which takes effect at once; nobody else
//! reaches the page.

use reqwest::header::COOKIE;

use crate::both_backends;
use crate::support::*;

async fn reviewer_corrects_and_accepts(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let reviewer = app.add_user("tr-region", "translator", REGION).await;
    let admin = app.add_user("tr-admin", "admin", REGION).await;
    let banner = app.add_user("tr-banner", "translator", XILINHOT).await;
    let cookie = |s: String| format!("jinguo_session={s}");
    let (s, csrf) = app.session_for(reviewer).await;
    let me = cookie(s);
    let get = |path: &str, c: &str| {
        let req = app.client.get(app.url(path)).header(COOKIE, c.to_owned());
        async move { req.send().await.unwrap() }
    };

    // The reviewer finds a key with its Chinese and English.
    let r = get("/translations?q=wb.quiet.never", &me).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("从未记录") && html.contains("Never"), "{html}");
    assert!(html.contains("草稿"), "drafts are marked as drafts");
    assert!(!html.contains("href=\"/dashboard/"), "no menu entry she cannot open");

    // Refused: not Mongolian; placeholders changed. Nothing saved.
    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = fields;
        form.push(("_csrf", csrf.clone()));
        let req = app
            .client
            .post(app.url("/translations"))
            .header(COOKIE, me.clone())
            .form(&form);
        async move { req.send().await.unwrap() }
    };
    let r = post(vec![("key", "wb.quiet.never".into()), ("text", "never".into()), ("action", "accept".into())]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("请用传统蒙古文书写"));
    let r = post(vec![("key", "wb.all".into()), ("text", "ᠪᠦᠬᠦ ᠶᠢ ᠦᠵᠡᠬᠦ".into()), ("action", "accept".into())]).await;
    assert_eq!(r.status(), 422, "the {{n}} placeholder was dropped");
    let r = post(vec![("key", "no.such.key".into()), ("text", "ᠪᠦᠬᠦ".into())]).await;
    assert_eq!(r.status(), 404);

    // Accepted: in force at once, marked reviewed, exported.
    let fixed = "ᠬᠡᠵᠢᠶᠡ ᠴᠦ ᠪᠢᠴᠢᠭᠳᠡᠭᠰᠡᠨ ᠦᠭᠡᠢ";
    let r = post(vec![("key", "wb.quiet.never".into()), ("text", fixed.into()), ("action", "accept".into())]).await;
    assert_eq!(r.status(), 303);
    let html = get("/translations?q=wb.quiet.never&status=reviewed", &me)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(fixed) && html.contains("已审定"), "{html}");
    let toml = get("/translations/mn-Mong.toml", &me).await.text().await.unwrap();
    assert!(toml.contains(&format!("\"wb.quiet.never\" = \"{fixed}\"")), "{toml}");
    let listed = get("/translations/mn-Mong.reviewed", &me).await.text().await.unwrap();
    assert!(listed.lines().any(|l| l == "wb.quiet.never"));
    // The quiet-village page in Mongolian now says it the corrected way.
    let (s, _) = app.session_for(admin).await;
    let admin_cookie = cookie(s);
    let html = get(&format!("/quiet/{BAOLIGEN}?lang=mn-Mong"), &format!("{admin_cookie}; jinguo_lang=mn-Mong"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(fixed), "in force without a rebuild");

    // Nobody else: an admin at the region, a translator below it.
    assert_eq!(get("/translations", &admin_cookie).await.status(), 403);
    let (s, _) = app.session_for(banner).await;
    assert_eq!(get("/translations", &cookie(s)).await.status(), 403);
}
both_backends!(reviewer_corrects_and_accepts, reviewer_corrects_and_accepts);

// ---- The module's routes in the authorization matrix ----

mod matrix_cases {
    use crate::matrix::{Case, Cases, Kind, ModuleCases, call, form};

    fn cases(m: &mut Cases) {
        // Region-wide: the matrix actors sit at a banner, so every one of
        // them is refused (403), whatever the target.
        let region = |build, ok| Case {
            build,
            ok,
            out_of_scope: ok,
            kind: Kind::Unit,
        };
        m.insert(("GET", "/translations"), region(|_| call("/translations".into()), 200));
        m.insert(
            ("POST", "/translations"),
            region(
                |_| form("/translations".into(), &[("key", "wb.more".into()), ("text", "ᠪᠤᠰᠤᠳ".into())]),
                303,
            ),
        );
        m.insert(
            ("GET", "/translations/mn-Mong.toml"),
            region(|_| call("/translations/mn-Mong.toml".into()), 200),
        );
        m.insert(
            ("GET", "/translations/mn-Mong.reviewed"),
            region(|_| call("/translations/mn-Mong.reviewed".into()), 200),
        );
    }

    inventory::submit!(ModuleCases(cases));
}
