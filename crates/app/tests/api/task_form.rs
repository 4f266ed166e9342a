//! The task form and report page (issue 14 item 5): a field bound to the
//! ledger says what it counts; the field builder marks the settings that
//! fit each type and offers to remove a field.

use reqwest::header::COOKIE;
use serde_json::json;

use crate::both_backends;
use crate::support::*;

async fn bound_field_says_what_it_counts(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let region_id = app.add_user("region", "admin", REGION).await;
    let village_id = app.add_user("yilelt", "cadre", YILELT).await;
    let region = app.token("region").await;
    let d = time::OffsetDateTime::now_utc().date();
    let month = format!("{:04}-{:02}", d.year(), u8::from(d.month()));
    let deadline =
        jinguo_domain::activity::format_date(d + time::Duration::days(5));
    let r = app
        .post_json(
            &region,
            "/api/v1/tasks",
            json!({"title": "入户走访统计", "description": "", "deadline": deadline,
                   "issuer_unit": REGION, "target_level": 5,
                   "fields": [{"key": "visits", "label": "入户走访次数", "type": "integer",
                               "required": true,
                               "bound_to": {"metric": "activities", "type": "home_visit",
                                            "from": month, "to": month}}]}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let cookie = |session: String| format!("jinguo_session={session}");
    let (session, _) = app.session_for(village_id).await;
    let html = app
        .client
        .get(app.url(&format!("/tasks/{id}/reports/{YILELT}")))
        .header(COOKIE, cookie(session))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let says = format!("自动统计：入户走访、全部工程，{month} 至 {month} 的活动次数。");
    assert!(html.contains(&says), "{says} in {html}");

    // The builder marks which settings fit which types and can remove a field.
    let (session, _) = app.session_for(region_id).await;
    let html = app
        .client
        .get(app.url("/tasks/new"))
        .header(COOKIE, cookie(session))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"data-for-types="choice""#));
    assert!(html.contains(r#"data-for-types="integer decimal""#));
    assert!(html.contains(r#"data-for-types="integer""#));
    assert!(html.contains("data-remove-field"));
}
both_backends!(bound_field_says_what_it_counts, bound_field_says_what_it_counts);
