//! The case workflow after intake over HTTP, on both backends: follow-ups
//! and the overdue flag; referral refused without consent and accepted
//! with a supervisor's override; referral status steps; closure needs a
//! reason and a supervisor other than the requester; reopening is logged;
//! transfer outside the league chain refused, inside it moves ownership and
//! the old caseworker gets 404; refused actions change nothing; the page
//! forms come back to the case with a 303.

use jinguo_domain::CaseId;
use jinguo_domain::case::{IntakeInput, TeamRole};
use jinguo_store::model::NewCase;
use jinguo_store::{CaseFlowStore, CaseStore, UnitStore};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Today where the federation works (the server's UTC offset), as the
/// server dates what it records; the UTC date differs from it for eight
/// hours of every day.
fn today() -> time::Date {
    jinguo_app::state::today(&jinguo_app::Config::default())
}

fn day(d: time::Date) -> String {
    jinguo_domain::activity::format_date(d)
}

fn intake(unit: &str, referral_consent: bool) -> Value {
    json!({
        "unit_code": unit, "source": "public_page", "type": "other", "urgency": "high",
        "client": {"name": "乌云其其格", "sex": "F", "birth_year": 1990},
        "narrative": "丈夫多次殴打，想离婚。",
        "consent": {"services": true, "referral": referral_consent, "statistics": true}
    })
}

async fn case(app: &TestApp, token: &str, id: i64) -> (u16, Value) {
    json_of(app.get(token, &format!("/api/v1/cases/{id}")).await).await
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> (u16, Value) {
    json_of(
        app.post_json(token, &format!("/api/v1/cases/{id}/{action}"), body)
            .await,
    )
    .await
}

fn field_error(body: &Value, field: &str) -> bool {
    body["error"]["fields"].get(field).is_some() || body["error"]["field"] == field
}

async fn alert_kinds(app: &TestApp, token: &str) -> Vec<String> {
    let (s, v) = json_of(app.get(token, "/api/v1/cases/alerts").await).await;
    assert_eq!(s, 200, "{v}");
    v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn case_flow_story(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    // The banner's caseworker records; the league's two caseworkers are
    // the default supervisors; another banner of the league can receive a
    // transfer; Baotou is another league.
    app.add_user("worker", "caseworker", XILINHOT).await;
    app.add_user("sup1", "caseworker", XILINGOL).await;
    app.add_user("sup2", "caseworker", XILINGOL).await;
    app.add_user("erenhot", "caseworker", ERENHOT).await;
    app.add_user("baotou", "caseworker", BAOTOU).await;
    app.add_user("cadre", "cadre", XILINHOT).await;
    app.add_user("admin", "admin", XILINHOT).await;
    let cw = app.token("worker").await;
    let sup1 = app.token("sup1").await;
    let sup2 = app.token("sup2").await;
    let erenhot = app.token("erenhot").await;
    let baotou = app.token("baotou").await;
    let cadre = app.token("cadre").await;
    let admin = app.token("admin").await;

    let (s, v) = json_of(
        app.post_json(&cw, "/api/v1/cases", intake(XILINHOT, false))
            .await,
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v) = case(&app, &cw, id).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "open");
    assert!(v["first_contact_on"].is_null(), "{v}");
    let team: Vec<(String, String)> = v["team"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["username"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        team.contains(&("sup1".into(), "supervisor".into())),
        "{team:?}"
    );

    // Anyone who may not open the case gets 404 for every workflow route.
    // (An admin lacks the caseworker role these routes need: 403, below.)
    let (s, _) = act(&app, &admin, id, "reopen", json!({"reason": "x"})).await;
    assert_eq!(s, 403);
    for token in [&baotou, &erenhot] {
        let (s, _) = act(&app, token, id, "follow-ups", json!({"date": day(today())})).await;
        assert_eq!(s, 404);
        let (s, _) = act(&app, token, id, "reopen", json!({"reason": "x"})).await;
        assert_eq!(s, 404);
    }
    let (s, _) = act(
        &app,
        &cadre,
        id,
        "close",
        json!({"outcome": "resolved", "reason": "x"}),
    )
    .await;
    assert_eq!(s, 403, "a cadre has no case role at all");

    // Follow-ups: bad input refused, nothing recorded.
    let future = today() + time::Duration::days(2);
    let (s, v) = act(&app, &cw, id, "follow-ups", json!({"date": day(future)})).await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "date"), "{v}");
    let (s, v) = act(
        &app,
        &cw,
        id,
        "follow-ups",
        json!({"follow_up_id": 999_999, "date": day(today())}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "follow_up_id"), "{v}");
    let (_, v) = case(&app, &cw, id).await;
    assert_eq!(v["status"], "open", "nothing half-saved");
    assert!(v["first_contact_on"].is_null(), "nothing half-saved");
    // An ad-hoc contact: first contact set, the case in service.
    let (s, v) = act(
        &app,
        &cw,
        id,
        "follow-ups",
        json!({"date": day(today()), "note": "电话联系，已约见面"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let (_, v) = case(&app, &cw, id).await;
    assert_eq!(v["status"], "in_service");
    assert_eq!(v["first_contact_on"], day(today()));
    assert!(
        v["follow_ups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["note"] == "电话联系，已约见面" && f["done_on"] == day(today()))
    );

    // Referral: refused without consent, even for the supervisor without
    // a reason; a caseworker cannot override; a supervisor can, and the
    // other supervisor hears of it.
    let refer = json!({"agency": "police", "agency_name": "锡林浩特市公安局"});
    let (s, v) = act(&app, &cw, id, "refer", refer.clone()).await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "consent"), "{v}");
    let (s, v) = act(&app, &sup1, id, "refer", refer.clone()).await;
    assert_eq!(s, 422, "{v}");
    let mut with_override = refer.clone();
    with_override["override_reason"] = json!("生命危险，需立即报警");
    let (s, v) = act(&app, &cw, id, "refer", with_override.clone()).await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "override_reason"), "{v}");
    let (_, v) = case(&app, &cw, id).await;
    assert!(v["referrals"].as_array().unwrap().is_empty(), "{v}");
    let (s, v) = act(&app, &sup1, id, "refer", with_override).await;
    assert_eq!(s, 201, "{v}");
    let rid = v["id"].as_i64().unwrap();
    let (_, v) = case(&app, &cw, id).await;
    let r = &v["referrals"][0];
    assert_eq!(r["status"], "sent");
    assert_eq!(r["override_by"], "sup1");
    assert_eq!(r["override_reason"], "生命危险，需立即报警");
    assert!(
        alert_kinds(&app, &sup2)
            .await
            .contains(&"referral_override".to_owned())
    );
    assert!(
        !alert_kinds(&app, &sup1)
            .await
            .contains(&"referral_override".to_owned())
    );
    // Status steps: sent → accepted → done; nothing else.
    let path = format!("referrals/{rid}");
    let (s, v) = act(&app, &cw, id, &path, json!({"status": "nonsense"})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = act(&app, &cw, id, &path, json!({"status": "accepted"})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("accepted")), "{v}");
    let (s, v) = act(&app, &cw, id, &path, json!({"status": "rejected"})).await;
    assert_eq!(s, 422, "{v}");
    let (s, _) = act(&app, &cw, id, &path, json!({"status": "done"})).await;
    assert_eq!(s, 200);
    let (s, _) = act(&app, &cw, id, &path, json!({"status": "accepted"})).await;
    assert_eq!(s, 422);
    let (s, _) = act(&app, &cw, id, "referrals/999999", json!({"status": "done"})).await;
    assert_eq!(s, 404);
    let (_, v) = case(&app, &cw, id).await;
    assert_eq!(v["referrals"][0]["status"], "done");

    // Closure needs an outcome and a reason.
    let (s, v) = act(&app, &cw, id, "close", json!({"outcome": "resolved"})).await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "reason"), "{v}");
    let (s, v) = act(&app, &cw, id, "close", json!({"reason": "已解决"})).await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "outcome"), "{v}");
    let (_, v) = case(&app, &cw, id).await;
    assert_eq!(v["status"], "in_service", "nothing half-saved");
    let (s, v) = act(
        &app,
        &cw,
        id,
        "close",
        json!({"outcome": "resolved", "reason": "已调解"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "closure_pending");
    assert!(
        alert_kinds(&app, &sup1)
            .await
            .contains(&"closure_requested".to_owned())
    );
    let (s, _) = act(
        &app,
        &cw,
        id,
        "close",
        json!({"outcome": "resolved", "reason": "再次"}),
    )
    .await;
    assert_eq!(s, 422, "already pending");
    // The caseworker is no supervisor; refusing needs a reason.
    let (s, v) = act(&app, &cw, id, "approve-closure", json!({"approve": true})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = act(
        &app,
        &sup1,
        id,
        "approve-closure",
        json!({"approve": false}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "reason"), "{v}");
    let (_, v) = case(&app, &cw, id).await;
    assert_eq!(v["status"], "closure_pending", "nothing half-saved");
    let (s, v) = act(
        &app,
        &sup1,
        id,
        "approve-closure",
        json!({"approve": false, "reason": "还需回访一次"}),
    )
    .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("in_service")), "{v}");
    let (_, v) = case(&app, &cw, id).await;
    assert!(v["outcome"].is_null() && v["close_reason"].is_null(), "{v}");
    // A supervisor who asks for closure cannot approve it herself.
    let (s, _) = act(
        &app,
        &sup1,
        id,
        "close",
        json!({"outcome": "resolved", "reason": "已回访"}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, v) = act(&app, &sup1, id, "approve-closure", json!({"approve": true})).await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "approve"), "{v}");
    let (s, v) = act(&app, &sup2, id, "approve-closure", json!({"approve": true})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("closed")), "{v}");
    let (_, v) = case(&app, &cw, id).await;
    assert_eq!(v["status"], "closed");
    assert_eq!(v["closed_on"], day(today()));
    assert_eq!(v["outcome"], "resolved");
    assert_eq!(v["close_reason"], "已回访");
    assert!(
        alert_kinds(&app, &sup1)
            .await
            .contains(&"closure_approved".to_owned())
    );
    let (s, _) = act(&app, &sup2, id, "approve-closure", json!({"approve": true})).await;
    assert_eq!(s, 422, "not pending any more");
    let (s, _) = act(&app, &cw, id, "follow-ups", json!({"date": day(today())})).await;
    assert_eq!(s, 422, "a closed case takes no follow-up");

    // Reopening needs a reason and is logged.
    let (s, v) = act(&app, &cw, id, "reopen", json!({"reason": "  "})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = act(
        &app,
        &cw,
        id,
        "reopen",
        json!({"reason": "当事人再次遭受暴力"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = case(&app, &cw, id).await;
    assert_eq!(v["status"], "in_service");
    assert!(v["closed_on"].is_null() && v["outcome"].is_null(), "{v}");
    let actions: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "follow_up",
        "referred",
        "closure_requested",
        "closure_refused",
        "closure_approved",
        "reopened",
    ] {
        assert!(actions.contains(&a), "{a} not in {actions:?}");
    }
    // Event details carry no personal data; the reasons stay sealed apart.
    let text = v["events"].to_string();
    assert!(!text.contains("暴力") && !text.contains("已回访"), "{text}");
    let notes = app
        .store
        .case_notes(&app.store.system_open_case(CaseId::new(id)).await.unwrap())
        .await
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.action == "reopened" && n.note == "当事人再次遭受暴力")
    );
    assert!(
        notes
            .iter()
            .any(|n| n.action == "closure_requested" && n.note == "已调解")
    );
    let (s, _) = act(&app, &cw, id, "reopen", json!({"reason": "再开"})).await;
    assert_eq!(s, 422, "only a closed case reopens");

    // Transfer: outside the league chain refused, nothing moves.
    let (s, v) = act(
        &app,
        &cw,
        id,
        "transfer",
        json!({"unit_code": BAOTOU_BANNER, "reason": "当事人搬到包头"}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "unit_code"), "{v}");
    let (s, v) = act(
        &app,
        &cw,
        id,
        "transfer",
        json!({"unit_code": ERENHOT, "caseworker": "baotou", "reason": "搬家"}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "caseworker"), "{v}");
    let (s, v) = act(&app, &cw, id, "transfer", json!({"unit_code": ERENHOT})).await;
    assert_eq!(s, 422, "{v}");
    assert!(field_error(&v, "reason"), "{v}");
    let (s, v) = case(&app, &cw, id).await;
    assert_eq!(s, 200);
    assert_eq!(v["unit"]["code"], XILINHOT, "nothing half-saved");
    // Within the league: ownership moves, the old caseworker gets 404.
    let (s, v) = act(
        &app,
        &cw,
        id,
        "transfer",
        json!({"unit_code": ERENHOT, "caseworker": "erenhot", "reason": "当事人搬到二连浩特"}),
    )
    .await;
    assert_eq!((s, v["unit_code"].as_str()), (200, Some(ERENHOT)), "{v}");
    let (s, _) = case(&app, &cw, id).await;
    assert_eq!(s, 404, "the old owner lost access");
    let (s, _) = act(&app, &cw, id, "follow-ups", json!({"date": day(today())})).await;
    assert_eq!(s, 404);
    let (s, v) = case(&app, &erenhot, id).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["unit"]["code"], ERENHOT);
    let names: Vec<&str> = v["team"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["username"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"worker"), "{names:?}");
    assert!(
        names.contains(&"sup1") && names.contains(&"sup2"),
        "{names:?}"
    );
    let (s, _) = act(
        &app,
        &erenhot,
        id,
        "follow-ups",
        json!({"date": day(today())}),
    )
    .await;
    assert_eq!(s, 201);

    // Overdue: a scheduled follow-up past due is flagged until done.
    let unit = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(XILINHOT).unwrap())
        .await
        .unwrap();
    let cw_id = app.store.credentials("worker").await.unwrap().user.id;
    let input: IntakeInput = serde_json::from_value(intake(XILINHOT, true)).unwrap();
    let template = app.store.case_template("other").await.unwrap();
    let overdue_case = app
        .store
        .create_case(
            app.store.root_scope().await.unwrap(),
            NewCase {
                unit: unit.id,
                intake: input.parse(Some(&template), today()).unwrap(),
                by: cw_id,
                team: vec![(cw_id, TeamRole::Caseworker)],
                follow_ups: vec![
                    today() - time::Duration::days(3),
                    today() + time::Duration::days(7),
                ],
                opened_on: today() - time::Duration::days(10),
                contact_at_intake: false,
                help_request: None,
                household: None,
            },
            jinguo_app::state::now(),
        )
        .await
        .unwrap()
        .get();
    let (_, v) = case(&app, &cw, overdue_case).await;
    let f = v["follow_ups"].as_array().unwrap();
    assert_eq!(f.len(), 2, "{v}");
    assert_eq!(f[0]["overdue"], true);
    assert_eq!(f[1]["overdue"], false);
    let due = f[0]["id"].as_i64().unwrap();
    let (s, v) = act(
        &app,
        &cw,
        overdue_case,
        "follow-ups",
        json!({"follow_up_id": due, "date": day(today())}),
    )
    .await;
    assert_eq!((s, v["id"].as_i64()), (201, Some(due)), "{v}");
    let (_, v) = case(&app, &cw, overdue_case).await;
    assert_eq!(v["follow_ups"][0]["overdue"], false, "{v}");
    assert!(!v["follow_ups"][0]["done_on"].is_null());
    let (s, _) = act(
        &app,
        &cw,
        overdue_case,
        "follow-ups",
        json!({"follow_up_id": due, "date": day(today())}),
    )
    .await;
    assert_eq!(s, 422, "a follow-up is completed once");
    // With consent a caseworker refers without any override.
    let (s, v) = act(
        &app,
        &cw,
        overdue_case,
        "refer",
        json!({"agency": "legal_aid", "agency_name": "法律援助中心", "override_reason": "不需要"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let (_, v) = case(&app, &cw, overdue_case).await;
    assert!(v["referrals"][0]["override_by"].is_null(), "{v}");

    // The page forms: CSRF as everywhere, 303 back to the case, refusals
    // in the address as keys only.
    let (token, csrf) = app.session_for(cw_id).await;
    let post_form = |path: String, fields: Vec<(&'static str, String)>| {
        let mut fields = fields;
        fields.push(("_csrf", csrf.clone()));
        app.client
            .post(app.url(&path))
            .header("cookie", format!("jinguo_session={token}"))
            .form(&fields)
            .send()
    };
    let r = post_form(
        format!("/cases/{overdue_case}/follow-ups"),
        vec![("date", day(today())), ("note", "上门回访".into())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/cases/{overdue_case}?flow=follow_up")
    );
    let r = post_form(
        format!("/cases/{overdue_case}/close"),
        vec![("outcome", "resolved".into()), ("reason", String::new())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!(
            "/cases/{overdue_case}?flow=close&flow_error=err.case.reason_required&flow_field=reason"
        )
    );
    let r = post_form(format!("/cases/{id}/reopen"), vec![("reason", "x".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "the transferred case is gone for her");
    let r = app
        .client
        .post(app.url(&format!("/cases/{overdue_case}/reopen")))
        .header("cookie", format!("jinguo_session={token}"))
        .form(&[("reason", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "no CSRF token");
}
both_backends!(case_flow_story, case_flow_story);
