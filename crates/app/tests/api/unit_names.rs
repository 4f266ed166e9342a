//! Units named in Mongolian (issue 17 item 4): a page read in Mongolian
//! names the leagues and banners that have a published Mongolian name in
//! its breadcrumbs, pickers and header, keeps the Chinese name for those
//! without one, and the search finds a unit by its Mongolian name however
//! the variation selectors and spaces were typed.

use crate::both_backends;
use crate::support::*;

/// The bundled Mongolian name of `code`; the test needs it to exist.
fn mn(code: &str) -> String {
    jinguo_store::csv_import::bundled_names_mn()
        .remove(code)
        .unwrap_or_else(|| panic!("{code} has a bundled Mongolian name"))
}

async fn mongolian_pages_name_units_in_mongolian(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let (xilingol, xilinhot) = (mn(XILINGOL), mn(XILINHOT));
    let id = app.add_user("saran", "cadre", XILINGOL).await;
    let (session, _) = app.session_for(id).await;
    let zh = format!("jinguo_session={session}; jinguo_lang=zh-CN");
    let mn_cookie = format!("jinguo_session={session}; jinguo_lang=mn-Mong");

    // The dashboard of 锡林浩特市: breadcrumbs, heading and her header.
    let path = format!("/dashboard/{XILINHOT}");
    let (status, html) = app.page(&mn_cookie, &path).await;
    assert_eq!(status, 200);
    let crumbs = &html[html.find("class=\"breadcrumbs\"").unwrap()..];
    let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
    assert!(crumbs.contains(&xilingol), "{crumbs}");
    assert!(crumbs.contains(&xilinhot), "{crumbs}");
    assert!(!crumbs.contains("锡林郭勒盟"), "{crumbs}");
    let header = &html[html.find("class=\"current-unit\"").unwrap()..];
    assert!(header[..header.find("</a>").unwrap()].contains(&xilingol));
    // A township without a published Mongolian name keeps its Chinese one.
    let (_, html) = app.page(&mn_cookie, &format!("/dashboard/{BAOLIGEN}")).await;
    assert!(html.contains("宝力根苏木"), "township in Chinese");
    assert!(html.contains(&xilinhot), "its banner in Mongolian");
    // In Chinese, Chinese names only.
    let (_, html) = app.page(&zh, &path).await;
    assert!(html.contains("锡林浩特市") && !html.contains(&xilinhot));

    // The unit picker of the task form: paths in Mongolian where named.
    let (status, html) = app.page(&mn_cookie, "/tasks/new").await;
    assert_eq!(status, 200);
    let select = &html[html.find("<select id=\"target_units\"").unwrap()..];
    let select = &select[..select.find("</select>").unwrap()];
    assert!(
        select.contains(&format!("{xilingol} › {xilinhot}")),
        "{select}"
    );
    let (_, html) = app.page(&zh, "/tasks/new").await;
    assert!(html.contains("锡林郭勒盟 › 锡林浩特市"));

    // Search by the Mongolian name: as stored, with a narrow no-break
    // space for the space, with a free variation selector, and by its
    // second word; the Chinese search still works.
    let first_word = xilinhot.split(' ').next().unwrap().to_owned();
    let with_fvs = format!("{}\u{180B}", xilinhot.replace(' ', "\u{202F}"));
    for q in [xilinhot.clone(), with_fvs, first_word] {
        let url = format!("/search?q={}", urlencode(&q));
        let (status, html) = app.page(&mn_cookie, &url).await;
        assert_eq!(status, 200);
        assert!(
            html.contains(&format!("/units/{XILINHOT}\"")),
            "{q:?} finds 锡林浩特市"
        );
    }
    if let Some(second) = xilingol.split(' ').nth(1) {
        let (_, html) = app
            .page(&mn_cookie, &format!("/search?q={}", urlencode(second)))
            .await;
        assert!(html.contains(&format!("/units/{XILINGOL}\"")), "by a later word");
    }
    let (_, html) = app.page(&zh, "/search?q=锡林浩特").await;
    assert!(html.contains(&format!("/units/{XILINHOT}\"")));
    // The API search answers the same.
    let token = app.token("saran").await;
    let r = app
        .get(&token, &format!("/api/v1/units?q={}", urlencode(&xilinhot)))
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains(XILINHOT));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

both_backends!(
    mongolian_pages_name_units_in_mongolian,
    mongolian_pages_name_units_in_mongolian
);
