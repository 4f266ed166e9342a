//! The language sticks to the account (issue 17 item 6): switched while
//! logged in, it comes back at the next login on a device that never saw
//! it; the public pages offer Mongolian first.

use reqwest::header::COOKIE;

use crate::both_backends;
use crate::support::*;
use crate::web::{cookie_value, form_login};

async fn language_follows_her(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("saran", "cadre", YILELT).await;
    let r = form_login(&app, "saran", PW).await;
    assert_eq!(r.status(), 303);
    assert!(cookie_value(&r, "jinguo_lang").is_none(), "no choice yet");
    let (session, _) = cookie_value(&r, "jinguo_session").expect("session cookie");

    // Switched while logged in: the cookie, and her account remembers.
    let r = app
        .client
        .get(app.url("/lang?set=mn-Mong&back=/"))
        .header(COOKIE, format!("jinguo_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        cookie_value(&r, "jinguo_lang").map(|(v, _)| v).as_deref(),
        Some("mn-Mong")
    );
    let stored = jinguo_store::testing::column_texts(
        &app.store,
        "SELECT lang FROM users WHERE username = 'saran'",
    )
    .await;
    assert_eq!(stored[0].as_deref(), Some("mn-Mong"));

    // A new device: the login brings the language with it.
    let r = form_login(&app, "saran", PW).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        cookie_value(&r, "jinguo_lang").map(|(v, _)| v).as_deref(),
        Some("mn-Mong")
    );

    // Without a session the switch is only the cookie.
    let r = app
        .client
        .get(app.url("/lang?set=en&back=/"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let stored = jinguo_store::testing::column_texts(
        &app.store,
        "SELECT lang FROM users WHERE username = 'saran'",
    )
    .await;
    assert_eq!(stored[0].as_deref(), Some("mn-Mong"));

    // The public help page offers ᠮᠣᠩᠭᠣᠯ first.
    let html = app
        .client
        .get(app.url("/help"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mn = html.find("hreflang=\"mn-Mong\"").expect("a Mongolian link");
    let zh = html.find("hreflang=\"zh-CN\"").expect("a Chinese link");
    assert!(mn < zh, "Mongolian first on the public page");
}
both_backends!(language_follows_her, language_follows_her);

/// The public pages' headers carry the title in Mongolian and Chinese,
/// Mongolian first, whatever language the page is in (issue 17 item 3).
async fn public_headers_are_bilingual(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let cat = jinguo_app::i18n_global();
    for (path, key) in [
        ("/help", "help.title"),
        ("/public/honours", "honour.public.title"),
    ] {
        let mn = cat.get(jinguo_app::i18n::Lang::Mn, key);
        let zh = cat.get(jinguo_app::i18n::Lang::Zh, key);
        assert_ne!(mn, zh, "{key} has a Mongolian entry");
        for lang in ["zh-CN", "en", "mn-Mong"] {
            let r = app
                .client
                .get(app.url(&format!("{path}?lang={lang}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let html = r.text().await.unwrap();
            let header = &html[html.find("hbar-name").unwrap()..];
            let header = &header[..header.find("</header>").unwrap()];
            let (m, z) = (
                header.find(&format!("lang=\"mn-Mong\">{mn}<")),
                header.find(&format!("lang=\"zh-CN\">{zh}<")),
            );
            assert!(
                matches!((m, z), (Some(m), Some(z)) if m < z),
                "{path}?lang={lang}: Mongolian, then Chinese in {header}"
            );
        }
    }
}

both_backends!(public_headers_are_bilingual, public_headers_are_bilingual);
