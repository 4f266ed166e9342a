//! The seeded dictionaries read in Mongolian on a Mongolian page (issue 17
//! item 1): the public help page in Mongolian lists the need categories by
//! their Mongolian labels (drafted by migration 0048), not their Chinese.

use jinguo_store::ActivityStore;
use jinguo_store::model::DictKind;

use crate::both_backends;
use crate::support::*;

async fn help_page_lists_need_categories_in_mongolian(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let categories = app.store.dictionary(DictKind::NEED_CATEGORY).await.unwrap();
    assert!(categories.len() >= 9, "the seeded need categories");
    let get = |lang: &'static str| {
        app.client
            .get(app.url(&format!("/help?lang={lang}&place={YILELT}")))
            .send()
    };
    let r = get("mn-Mong").await.unwrap();
    assert_eq!(r.status(), 200);
    let mn = r.text().await.unwrap();
    let r = get("zh-CN").await.unwrap();
    assert_eq!(r.status(), 200);
    let zh = r.text().await.unwrap();
    for c in categories.iter().filter(|c| c.active) {
        let label_mn = c.label_mn.as_deref().unwrap_or_default();
        assert!(
            label_mn.chars().any(|ch| ('\u{1820}'..='\u{18AA}').contains(&ch)),
            "{}: {label_mn:?} is no Mongolian",
            c.key
        );
        let option = |label: &str| format!("value=\"{}\" required> {label}</label>", c.key);
        assert!(
            mn.contains(&option(label_mn)),
            "{} in Mongolian on the Mongolian page",
            c.key
        );
        assert!(
            !mn.contains(&option(&c.label_zh)),
            "{} not in Chinese on the Mongolian page",
            c.key
        );
        assert!(
            zh.contains(&option(&c.label_zh)),
            "{} in Chinese on the Chinese page",
            c.key
        );
    }
    // Two of them, as drafted: 就业创业 and 其他 (as the catalogue has it).
    assert!(mn.contains("ᠠᠵᠢᠯ ᠡᠷᠬᠢᠯᠡᠯ ᠪᠠ ᠦᠶᠢᠯᠡᠰ ᠡᠭᠦᠰᠬᠡᠯ"));
    assert!(mn.contains("value=\"other\" required> ᠪᠤᠰᠤ</label>"));
}
both_backends!(
    help_page_lists_need_categories_in_mongolian,
    help_page_lists_need_categories_in_mongolian
);
