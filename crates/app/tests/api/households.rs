//! Households and home visits over HTTP: identity fields are checked,
//! sealed at rest, shown masked and revealed only with a reason that is
//! audited; a visit counts as a 入户走访 activity; bad input changes nothing;
//! no personal data reaches a log line.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use jinguo_store::testing::column_texts;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

/// A valid number for a woman born 1985-03-07 (check digit computed per GB 11643).
const QIQIGE_ID: &str = "150102198503070025";
const QIQIGE_PHONE: &str = "13847125678";
const QIQIGE: &str = "其其格木兰";
const CHILD: &str = "小花朵朵";

fn today() -> String {
    jinguo_domain::activity::format_date(time::OffsetDateTime::now_utc().date())
}

fn household(unit: &str) -> Value {
    json!({
        "unit_code": unit,
        "address": "伊利勒特嘎查一组 12 号",
        "members": [
            {"name": QIQIGE, "sex": "F", "birth_year": 1985, "relation": "head",
             "ethnicity": "蒙古族", "id_number": QIQIGE_ID, "phone": QIQIGE_PHONE},
            {"name": CHILD, "sex": "F", "birth_year": 2018, "relation": "child",
             "guardian": {"given_by": QIQIGE, "method": "written"}}
        ],
        "consent": {"given_by": QIQIGE, "method": "oral"}
    })
}

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn count(app: &TestApp, table: &str) -> i64 {
    column_texts(
        &app.store,
        &format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"),
    )
    .await[0]
        .as_deref()
        .unwrap()
        .parse()
        .unwrap()
}

fn fields(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["error"]["fields"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(f) = v["error"]["field"].as_str() {
        out.push(f.to_owned());
    }
    out
}

async fn story(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    app.add_user("baoligen", "cadre", BAOLIGEN).await;
    app.add_user("baotou", "cadre", BAOTOU).await;
    app.add_user("reader", "auditor", YILELT).await;
    let yilelt = app.token("yilelt").await;
    let baoligen = app.token("baoligen").await;
    let baotou = app.token("baotou").await;

    // Bad input: each rule answers on its own field, nothing is stored.
    let mut bad = household(YILELT);
    bad["members"][0]["id_number"] = json!("150102198503070026");
    bad["members"][0]["phone"] = json!("1384712567");
    bad["members"][1]["guardian"] = Value::Null;
    bad["members"][1]["birth_year"] = json!(2031);
    let (status, v) = json_of(app.post_json(&yilelt, "/api/v1/households", bad).await).await;
    assert_eq!(status, 422, "{v}");
    let f = fields(&v);
    for want in [
        "members[0].id_number",
        "members[0].phone",
        "members[1].birth_year",
    ] {
        assert!(f.iter().any(|x| x == want), "{want} in {f:?}");
    }
    let mut impossible = household(YILELT);
    impossible["members"][0]["id_number"] = json!("150102198502300028");
    let (status, v) = json_of(
        app.post_json(&yilelt, "/api/v1/households", impossible)
            .await,
    )
    .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(count(&app, "households").await, 0);
    assert_eq!(count(&app, "household_members").await, 0);

    // A village cadre cannot record outside her village.
    let (status, _) = json_of(
        app.post_json(&yilelt, "/api/v1/households", household(BAOTOU))
            .await,
    )
    .await;
    assert_eq!(status, 422);

    let (status, v) = json_of(
        app.post_json(&yilelt, "/api/v1/households", household(YILELT))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_i64().unwrap();

    // Sealed at rest (issue 19 item 3): neither the number nor the phone
    // nor the address, nor a name (members', consent givers') is anywhere
    // in the rows, in any form; not even the masks, which are worked out
    // from the sealed values when shown.
    let stored = column_texts(
        &app.store,
        "SELECT name || '|' || COALESCE(name_enc, '') || '|' || COALESCE(name_bidx, '') || '|' || \
         COALESCE(id_enc, '') || '|' || COALESCE(phone_enc, '') || '|' || \
         COALESCE(id_mask, '') || '|' || COALESCE(phone_mask, '') || '|' || \
         COALESCE(guardian_given_by, '') || '|' || COALESCE(guardian_given_by_enc, '') \
         FROM household_members",
    )
    .await;
    let households = column_texts(
        &app.store,
        "SELECT consent_given_by || '|' || COALESCE(consent_given_by_enc, '') || '|' || \
         COALESCE(address_enc, '') FROM households",
    )
    .await;
    let all = stored
        .iter()
        .chain(&households)
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    for secret in [QIQIGE_ID, QIQIGE_PHONE, QIQIGE, CHILD, "0025", "5678", "伊利勒特"] {
        assert!(!all.contains(secret), "{secret} at rest: {all}");
    }

    // Reads are masked; the township above sees it, another league does not.
    let (status, h) = json_of(
        app.get(&baoligen, &format!("/api/v1/households/{id}"))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(h["members"][0]["id_number"], "150102********0025");
    assert_eq!(h["members"][0]["phone"], "138****5678");
    assert_eq!(h["address"], "伊利勒特嘎查一组 12 号");
    assert_eq!(h["members"][1]["guardian"]["method"], "written");
    assert!(!h.to_string().contains(QIQIGE_ID));
    let (status, _) = json_of(app.get(&baotou, &format!("/api/v1/households/{id}")).await).await;
    assert_eq!(status, 404);
    let (status, list) = json_of(
        app.get(&baoligen, &format!("/api/v1/households?unit={BAOLIGEN}"))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["households"][0]["head"], QIQIGE);
    assert_eq!(list["households"][0]["members"], 2);
    assert_eq!(h["consent"]["given_by"], QIQIGE);
    assert_eq!(h["members"][1]["name"], CHILD);
    assert_eq!(h["members"][1]["guardian"]["given_by"], QIQIGE);
    // Found by a member's whole name (its blind index; spaces do not
    // matter), not by a fragment of it.
    {
        use jinguo_store::{HouseholdStore, UnitStore};
        let root = app.store.root_unit().await.unwrap();
        let scope = app.store.system_scope(&root);
        for (q, found) in [("其其格木兰", 1), ("其其格 木兰", 1), ("小花朵朵", 1), ("其其格", 0)] {
            let filter = jinguo_store::model::HouseholdFilter {
                text: Some(q.to_owned()),
                ..Default::default()
            };
            let rows = app.store.households_filtered(scope, &root, &filter, 10).await.unwrap();
            assert_eq!(rows.len(), found, "{q}");
            if found == 1 {
                assert_eq!(rows[0].head, QIQIGE);
            }
        }
    }

    // Reveal: a reason is required; with one, the full value, and an audit entry.
    let member = h["members"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/households/{id}/reveal");
    let (status, v) = json_of(
        app.post_json(
            &yilelt,
            &path,
            json!({"member": member, "field": "id_number", "reason": ""}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, v["error"]["field"].as_str()),
        (422, Some("reason"))
    );
    let (status, v) = json_of(
        app.post_json(
            &yilelt,
            &path,
            json!({"member": member, "field": "id_number", "reason": "办理低保核对身份"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["value"], QIQIGE_ID);
    let (status, v) = json_of(
        app.post_json(
            &yilelt,
            &path,
            json!({"member": member, "field": "phone", "reason": "联系复访"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, v["value"].as_str()), (200, Some(QIQIGE_PHONE)));
    // The child has no phone; another household's member is not found.
    let child = h["members"][1]["id"].as_i64().unwrap();
    let (status, _) = json_of(
        app.post_json(
            &yilelt,
            &path,
            json!({"member": child, "field": "phone", "reason": "联系复访"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = json_of(
        app.post_json(
            &baotou,
            &path,
            json!({"member": member, "field": "phone", "reason": "联系复访"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    let reader = app.token("reader").await;
    let (_, audit) = json_of(app.get(&reader, "/api/v1/audit").await).await;
    let reveals: Vec<&Value> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "household.revealed")
        .collect();
    assert_eq!(reveals.len(), 2, "{audit}");
    assert!(reveals.iter().any(|e| {
        e["detail"]
            .as_str()
            .unwrap()
            .contains("reason=办理低保核对身份")
    }));
    assert!(!audit.to_string().contains(QIQIGE_ID));

    // Visits: bad input changes nothing; a good one counts as 入户走访.
    let (status, v) = json_of(
        app.post_json(
            &yilelt,
            "/api/v1/visits",
            json!({"household_id": id, "date": "2099-01-01", "visitors": "", "tags": ["no_such_tag"]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    let f = fields(&v);
    for want in ["date", "visitors", "tags"] {
        assert!(f.iter().any(|x| x == want), "{want} in {f:?}");
    }
    assert_eq!(count(&app, "visits").await, 0);
    assert_eq!(count(&app, "activities").await, 0);
    let (status, v) = json_of(
        app.post_json(
            &yilelt,
            "/api/v1/visits",
            json!({"household_id": id, "date": today(), "visitors": "乌云 其木格",
                   "notes": "丈夫酗酒后有推搡", "tags": ["dv_risk", "left_behind_children"]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["suggest_rights_case"], true);
    let visit = v["id"].as_i64().unwrap();
    let notes = column_texts(&app.store, "SELECT notes_enc FROM visits").await;
    assert!(!notes[0].as_deref().unwrap().contains("酗酒"));
    let (status, v) = json_of(app.get(&baoligen, &format!("/api/v1/visits/{visit}")).await).await;
    assert_eq!(status, 200);
    assert_eq!(v["notes"], "丈夫酗酒后有推搡");
    assert_eq!(v["tags"], json!(["dv_risk", "left_behind_children"]));
    let (status, _) = json_of(app.get(&baotou, &format!("/api/v1/visits/{visit}")).await).await;
    assert_eq!(status, 404);
    let (status, v) = json_of(
        app.get(
            &baoligen,
            &format!("/api/v1/visits?unit={BAOLIGEN}&household={id}"),
        )
        .await,
    )
    .await;
    assert_eq!((status, v["visits"].as_array().unwrap().len()), (200, 1));
    // The township's roll-up counts one home visit with two women.
    let month = &today()[..7];
    let (_, r) = json_of(
        app.get(
            &baoligen,
            &format!("/api/v1/units/{BAOLIGEN}/rollup?from={month}&to={month}"),
        )
        .await,
    )
    .await;
    assert_eq!(r["by_type"]["home_visit"]["activities"], 1, "{r}");
    assert_eq!(r["by_type"]["home_visit"]["women"], 2, "{r}");
    // The visit's activity cannot be deleted on its own.
    let activity = column_texts(&app.store, "SELECT CAST(activity_id AS TEXT) FROM visits").await;
    let activity = activity[0].as_deref().unwrap();
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/activities/{activity}")))
        .bearer_auth(&yilelt)
        .send()
        .await
        .unwrap();
    let (status, v) = json_of(r).await;
    assert_eq!(
        (status, v["error"]["field"].as_str()),
        (422, Some("activity"))
    );
    assert_eq!(count(&app, "activities").await, 1);
    let (status, _) = json_of(
        app.post_json(
            &baotou,
            "/api/v1/visits",
            json!({"household_id": id, "date": today(), "visitors": "某某"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(count(&app, "visits").await, 1);
}
both_backends!(households_and_visits, story);

/// Log lines of this test binary, captured from the moment the first test
/// asks for them.
pub(crate) fn captured() -> Arc<Mutex<Vec<u8>>> {
    static BUF: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUF.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buf.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
        buf
    })
    .clone()
}

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A whole scenario at debug level, bad input included, then the log is
/// searched for every name, number, phone and note used.
async fn no_personal_data_in_logs(db: Db) {
    let logs = captured();
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    let token = app.token("yilelt").await;
    let mut bad = household(YILELT);
    bad["members"][0]["phone"] = json!("1384712567x");
    app.post_json(&token, "/api/v1/households", bad).await;
    let (_, v) = json_of(
        app.post_json(&token, "/api/v1/households", household(YILELT))
            .await,
    )
    .await;
    let id = v["id"].as_i64().unwrap();
    let (_, h) = json_of(app.get(&token, &format!("/api/v1/households/{id}")).await).await;
    let member = h["members"][0]["id"].as_i64().unwrap();
    app.post_json(
        &token,
        &format!("/api/v1/households/{id}/reveal"),
        json!({"member": member, "field": "phone", "reason": "联系复访"}),
    )
    .await;
    app.post_json(
        &token,
        "/api/v1/visits",
        json!({"household_id": id, "date": today(), "visitors": "乌云", "notes": "丈夫酗酒后有推搡",
               "tags": ["dv_risk"]}),
    )
    .await;
    app.get(&token, &format!("/api/v1/households?unit={YILELT}"))
        .await;
    // A need for the household, escalated and resolved.
    let (status, v) = json_of(
        app.post_json(
            &token,
            "/api/v1/needs",
            json!({"unit_code": YILELT, "category": "legal", "household_id": id,
                   "description": "离婚财产分割咨询，对方名叫巴图孟和"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let need = v["id"].as_i64().unwrap();
    app.post_json(
        &token,
        &format!("/api/v1/needs/{need}/resolve"),
        json!({"resolution": "已联系司法所律师为其其格木兰解答", "satisfaction": 5}),
    )
    .await;
    app.get(&token, &format!("/api/v1/needs/{need}")).await;
    // A public request with a contact, and a refused one.
    let ch: Value = app
        .client
        .get(app.url("/api/v1/public/help/challenge"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (challenge, bits) = (
        ch["challenge"].as_str().unwrap(),
        ch["bits"].as_u64().unwrap(),
    );
    let nonce = (0u64..)
        .map(|n| n.to_string())
        .find(|n| jinguo_domain::help::pow_ok(challenge, n, bits as u32))
        .unwrap();
    for (contact, nonce) in [("13912345678", nonce.as_str()), ("13912345678", "bad")] {
        app.client
            .post(app.url("/api/v1/public/help"))
            .json(
                &json!({"unit_code": YILELT, "category": "rights", "kind": "rights",
                          "description": "丈夫每晚酒后打我，孩子很害怕", "contact": contact,
                          "challenge": challenge, "nonce": nonce}),
            )
            .send()
            .await
            .unwrap();
    }
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        text.contains("/api/v1/households"),
        "the scenario's requests are logged at all"
    );
    for secret in [
        QIQIGE,
        CHILD,
        QIQIGE_ID,
        QIQIGE_PHONE,
        "1384712567x",
        "伊利勒特嘎查一组",
        "酗酒",
        "巴图孟和",
        "离婚财产",
        "司法所律师",
        "13912345678",
        "酒后打我",
    ] {
        assert!(!text.contains(secret), "{secret} appears in the log");
    }
}
both_backends!(logs_hold_no_personal_data, no_personal_data_in_logs);

/// Saving a visit on the household page lands on the confirmation at the
/// top (`#done`, not the `#visit` form the form's action names), with the
/// visit form folded away and the draft marked as saved, so the page does
/// not invite the same visit twice (issue 14, trap 2).
async fn visit_form_lands_on_the_confirmation(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let user = app.add_user("yilelt", "cadre", YILELT).await;
    let token = app.token("yilelt").await;
    let (status, v) = json_of(
        app.post_json(&token, "/api/v1/households", household(YILELT))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_i64().unwrap();

    let (session, csrf) = app.session_for(user).await;
    let cookie = format!("jinguo_session={session}");
    let r = app
        .client
        .post(app.url(&format!("/households/{id}/visits")))
        .header(reqwest::header::COOKIE, &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("date", today().as_str()),
            ("visitors", "妇联主席"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()[reqwest::header::LOCATION].to_str().unwrap();
    assert_eq!(location, format!("/households/{id}?done=visited#done"));
    assert_eq!(count(&app, "visits").await, 1);

    let page = app
        .client
        .get(app.url(&format!("/households/{id}?done=visited")))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"done\""), "the notice is the target");
    assert!(page.contains(&format!("data-draft-saved=\"visit-{id}\"")));
    assert!(page.contains("<details class=\"again\">"), "the form is folded");

    // Without a fresh save the form stands open as before.
    let page = app
        .client
        .get(app.url(&format!("/households/{id}")))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<details class=\"again\">"));
    assert!(!page.contains("data-draft-saved"));
}
both_backends!(
    visit_form_lands_on_the_confirmation,
    visit_form_lands_on_the_confirmation
);

/// A register from before names were sealed (issue 19 item 3): at the next
/// start with the key its plain names, consent givers and masks are sealed
/// and emptied, and the household reads and is found as before.
async fn plain_names_from_before_are_sealed(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    app.add_user("yilelt", "cadre", YILELT).await;
    let yilelt = app.token("yilelt").await;
    let (status, v) = json_of(
        app.post_json(&yilelt, "/api/v1/households", household(YILELT))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    // As an older version stored it: plain, nothing sealed but ID and phone.
    for sql in [
        "UPDATE household_members SET name = '旧户主', name_enc = NULL, name_bidx = NULL, \
         id_mask = '150102********0025', guardian_given_by = '旧户主', \
         guardian_given_by_enc = NULL WHERE sort = 0",
        "UPDATE household_members SET name = '旧孩子', name_enc = NULL, name_bidx = NULL, \
         guardian_given_by = '旧户主', guardian_given_by_enc = NULL WHERE sort = 1",
        "UPDATE households SET consent_given_by = '旧户主', consent_given_by_enc = NULL",
    ] {
        jinguo_store::testing::execute(&app.store, sql).await;
    }
    let changed = app.store.seal_plain_household_names().await.unwrap();
    assert_eq!(changed, 3, "two members and the household");
    assert_eq!(app.store.seal_plain_household_names().await.unwrap(), 0, "once");
    let plain = column_texts(
        &app.store,
        "SELECT name || COALESCE(id_mask, '') || COALESCE(guardian_given_by, '') \
         FROM household_members",
    )
    .await;
    assert!(plain.iter().all(|p| p.as_deref() == Some("")), "{plain:?}");
    let plain = column_texts(&app.store, "SELECT consent_given_by FROM households").await;
    assert_eq!(plain, vec![Some(String::new())]);
    let (status, h) = json_of(app.get(&yilelt, &format!("/api/v1/households/{id}")).await).await;
    assert_eq!(status, 200);
    assert_eq!(h["members"][0]["name"], "旧户主");
    assert_eq!(h["members"][0]["id_number"], "150102********0025");
    assert_eq!(h["members"][1]["guardian"]["given_by"], "旧户主");
    assert_eq!(h["consent"]["given_by"], "旧户主");
    use jinguo_store::{HouseholdStore, UnitStore};
    let root = app.store.root_unit().await.unwrap();
    let filter = jinguo_store::model::HouseholdFilter {
        text: Some("旧孩子".into()),
        ..Default::default()
    };
    let rows = app
        .store
        .households_filtered(app.store.system_scope(&root), &root, &filter, 10)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].head, "旧户主");
}
both_backends!(plain_names_from_before_are_sealed, plain_names_from_before_are_sealed);
