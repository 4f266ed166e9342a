//! The authorization matrix: every route × role × (own unit, descendant,
//! sibling, ancestor, other league), plus anonymous.
//!
//! The routes come from the application's route table, so a new route
//! without a case fails this test. A module keeps its cases in its own
//! test file and registers them with `inventory::submit!(ModuleCases(..))`
//! (see `homes.rs`), so adding a module edits nothing here.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use jinguo_app::routes::{Access, table};
use jinguo_domain::{Role, UserId};
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Rel {
    Own,
    Descendant,
    Sibling,
    Ancestor,
    OtherLeague,
}

impl Rel {
    const ALL: [Rel; 5] = [
        Rel::Own,
        Rel::Descendant,
        Rel::Sibling,
        Rel::Ancestor,
        Rel::OtherLeague,
    ];

    fn code(self) -> &'static str {
        match self {
            Rel::Own => XILINHOT,
            Rel::Descendant => BAOLIGEN,
            Rel::Sibling => ERENHOT,
            Rel::Ancestor => XILINGOL,
            Rel::OtherLeague => BAOTOU,
        }
    }

    fn in_subtree(self) -> bool {
        matches!(self, Rel::Own | Rel::Descendant)
    }
}

/// What the target of a request is: a unit code or a user id, or one that
/// does not exist (to compare "out of scope" with "missing").
#[derive(Clone)]
pub enum Target {
    Unit(&'static str),
    User(UserId),
    /// An activity and the code of its unit.
    Activity(i64, &'static str),
    /// A task and the code of the target unit whose report a call names.
    Task(i64, String),
    /// A photo: its activity, its id and the code of the activity's unit.
    Photo(i64, i64, &'static str),
    /// A task attachment: the task, its id and the code of the unit
    /// whose side issued the task.
    Attachment(i64, i64, &'static str),
    /// A record of a module's fixture (see [`Fixture`]) and the code of
    /// its unit.
    Record(i64, &'static str),
    /// A household, its first member and a visit to it, and its unit.
    Household(i64, i64, i64, &'static str),
    /// A rights request from the help page queued at a unit, and its code.
    Help(i64, &'static str),
    /// A need raised at, and sitting in the queue of, the unit of the code.
    Need(i64, &'static str),
    /// A rights-protection case at the unit of the code, with the matrix
    /// caseworker on its team and the matrix admin under a running
    /// break-the-glass grant.
    Case(i64, &'static str),
    /// A case of the workflow matrix: its id, a sent referral on it, and
    /// the code of its unit.
    FlowCase(i64, i64, &'static str),
    MissingUnit,
    MissingCase,
    MissingUser,
    MissingNeed,
    MissingFlowCase,
    MissingHelp,
    MissingHousehold,
    MissingRecord,
    MissingActivity,
    MissingTask,
    MissingPhoto,
    MissingAttachment,
}

impl Target {
    pub fn code(&self) -> &str {
        match self {
            Target::Unit(c)
            | Target::Activity(_, c)
            | Target::Photo(_, _, c)
            | Target::Attachment(_, _, c)
            | Target::Record(_, c)
            | Target::Household(_, _, _, c)
            | Target::Help(_, c)
            | Target::Need(_, c)
            | Target::Case(_, c) => c,
            Target::FlowCase(_, _, c) => c,
            Target::Task(_, c) => c,
            _ => NO_SUCH_UNIT,
        }
    }
    pub fn id(&self) -> String {
        match self {
            Target::User(id) => id.get().to_string(),
            Target::Activity(id, _) | Target::Photo(id, _, _) | Target::Record(id, _) => {
                id.to_string()
            }
            Target::Task(id, _) | Target::Attachment(id, _, _) => id.to_string(),
            Target::Household(id, _, _, _) => id.to_string(),
            Target::Help(id, _) => id.to_string(),
            Target::Need(id, _) | Target::Case(id, _) => id.to_string(),
            Target::FlowCase(id, _, _) => id.to_string(),
            _ => "999999".into(),
        }
    }
    /// The referral of a workflow case target.
    fn referral(&self) -> String {
        match self {
            Target::FlowCase(_, r, _) => r.to_string(),
            _ => "999999".into(),
        }
    }
    /// The first member of a household target.
    fn member(&self) -> i64 {
        match self {
            Target::Household(_, m, _, _) => *m,
            _ => 999_999,
        }
    }
    /// The visit of a household target.
    fn visit(&self) -> String {
        match self {
            Target::Household(_, _, v, _) => v.to_string(),
            _ => "999999".into(),
        }
    }
    /// `{id}/photos/{photo_id}` of a photo target.
    fn photo_path(&self) -> String {
        match self {
            Target::Photo(a, p, _) => format!("{a}/photos/{p}"),
            _ => "999999/photos/999999".into(),
        }
    }
    /// `{id}/attachments/{attachment_id}` of an attachment target.
    fn attachment_path(&self) -> String {
        match self {
            Target::Attachment(t, a, _) => format!("{t}/attachments/{a}"),
            _ => "999999/attachments/999999".into(),
        }
    }
}

#[derive(Clone, Copy)]
pub enum Kind {
    Unit,
    User,
    Activity,
    Photo,
    /// A task from the region to the unit itself, not yet answered.
    Task,
    /// A task to a child of the unit, whose report is handed in.
    Submitted,
    /// A task issued by the unit's side, with one attachment.
    Attached,
    /// A record a module's fixture makes at the unit.
    Module(&'static Fixture),
    /// A household of the unit, with a visit.
    Household,
    /// A rights request from the help page queued at the unit.
    Help,
    /// An open need raised at the unit, in its own queue.
    Need,
    /// A rights-protection case at the unit (see [`Target::Case`]).
    Case,
    /// A case at the unit with the matrix caseworker on its team, a sent
    /// referral, consent to referral (see `new_flow_case`).
    FlowCase,
}

fn case_form(code: &str) -> Vec<(&'static str, String)> {
    vec![
        ("unit_code", code.into()),
        ("source", "hotline".into()),
        ("type", "domestic_violence".into()),
        ("urgency", "high".into()),
        ("client_name", "矩阵当事人".into()),
        ("client_sex", "F".into()),
        ("client_phone", "13800000001".into()),
        ("p_role", "respondent".into()),
        ("p_name", "矩阵相对人".into()),
        ("narrative", "矩阵案情".into()),
        ("consent_services", "1".into()),
    ]
}

fn household_json(code: &str) -> Value {
    json!({"unit_code": code, "address": "一组 3 号",
           "members": [{"name": "矩阵户主", "sex": "F", "birth_year": 1980, "relation": "head",
                        "phone": "13800001234"}],
           "consent": {"given_by": "矩阵户主", "method": "oral"}})
}

fn household_form(code: &str) -> Vec<(&'static str, String)> {
    vec![
        ("unit_code", code.into()),
        ("address", "一组 3 号".into()),
        ("m_name", "矩阵户主".into()),
        ("m_sex", "F".into()),
        ("m_birth_year", "1980".into()),
        ("m_relation", "head".into()),
        ("consent_given_by", "矩阵户主".into()),
        ("consent_method", "oral".into()),
    ]
}

fn today_text() -> String {
    jinguo_domain::activity::format_date(time::OffsetDateTime::now_utc().date())
}

/// A deadline a month ahead, as a task needs.
fn deadline() -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(30);
    jinguo_domain::activity::format_date(d)
}

fn task_json(code: &str) -> Value {
    json!({"title": "入户走访统计", "deadline": deadline(), "issuer_unit": code, "target_level": 5,
           "fields": [{"key": "homes", "label": "走访户数", "type": "integer", "required": false}]})
}

fn task_form(code: &str) -> Vec<(&'static str, String)> {
    vec![
        ("issuer_unit", code.into()),
        ("title", "入户走访统计".into()),
        ("deadline", deadline()),
        ("target_mode", "level".into()),
        ("target_level", "5".into()),
        ("f_label", "走访户数".into()),
        ("f_type", "integer".into()),
    ]
}

/// A valid activity body for a unit.
fn activity_json(code: &str) -> Value {
    json!({"unit_code": code, "date": "2026-11-01", "type": "lecture", "title": "巾帼大宣讲",
           "participants": 10, "women": 6})
}

fn activity_form(code: &str) -> Vec<(&'static str, String)> {
    vec![
        ("unit_code", code.into()),
        ("date", "2026-11-01".into()),
        ("type", "lecture".into()),
        ("title", "巾帼大宣讲".into()),
        ("participants", "10".into()),
        ("women", "6".into()),
    ]
}

pub enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    /// An .xlsx uploaded as the `file` field of a multipart form.
    Upload(Vec<u8>),
    /// A picture uploaded as the `photo` field of a multipart form.
    Photo(Vec<u8>),
}

/// A one-row ledger for the import route: a valid activity at `code`.
fn ledger_xlsx(code: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, (key, value)) in [
        ("unit_code", code),
        ("date", "2026-10-20"),
        ("type", "lecture"),
        ("title", "巾帼大宣讲"),
        ("participants", "10"),
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, key).unwrap();
        ws.write_string(1, c as u16, value).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// A people workbook of one row at the unit `code`.
fn people_xlsx(code: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let name = fresh_name();
    for (c, (key, value)) in [
        ("姓名", "其其格"),
        ("用户名", name.as_str()),
        ("单位代码或名称", code),
        ("角色", "干部"),
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, key).unwrap();
        ws.write_string(1, c as u16, value).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn upload_form(bytes: Vec<u8>, csrf: Option<&str>) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    if let Some(token) = csrf {
        form = form.text("_csrf", token.to_owned());
    }
    form.part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("ledger.xlsx"),
    )
}

pub fn photo_form(bytes: Vec<u8>) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "photo",
        reqwest::multipart::Part::bytes(bytes).file_name("photo.png"),
    )
}

pub struct Call {
    pub path: String,
    pub body: Body,
}

static SERIAL: AtomicU32 = AtomicU32::new(0);
fn fresh_name() -> String {
    format!("mx{}", SERIAL.fetch_add(1, Ordering::Relaxed))
}

/// How to call a route for a target, and what success looks like.
pub struct Case {
    pub build: fn(&Target) -> Call,
    pub ok: u16,
    /// What out-of-scope targets answer; equal to a missing target's answer.
    pub out_of_scope: u16,
    /// What the request names: a unit, a user, a record.
    pub kind: Kind,
}

pub fn call(path: String) -> Call {
    Call {
        path,
        body: Body::None,
    }
}

pub fn form(path: String, fields: &[(&str, String)]) -> Call {
    Call {
        path,
        body: Body::Form(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        ),
    }
}

fn cases() -> Cases {
    let c = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Unit,
    };
    let u = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::User,
    };
    let a = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Activity,
    };
    let tk = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Task,
    };
    let sub = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Submitted,
    };
    let p = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Photo,
    };
    let f = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Attached,
    };
    let hr = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Help,
    };
    let nd = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Need,
    };
    let cs = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Case,
    };
    let mut m = Cases::new();
    // Rights-protection cases: the matrix caseworker is on the team of
    // every case target and the matrix admin holds a break-the-glass grant,
    // so in scope they open it; the confidentiality matrix in cases.rs
    // covers everyone who may not.
    m.insert(
        ("POST", "/api/v1/cases"),
        Case {
            build: |t| Call {
                path: "/api/v1/cases".into(),
                body: Body::Json(crate::cases::intake(t.code())),
            },
            ok: 201,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/api/v1/cases"),
        c(|t| call(format!("/api/v1/cases?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/api/v1/cases/alerts"),
        Case {
            build: |_| call("/api/v1/cases/alerts".into()),
            ok: 200,
            out_of_scope: 200,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/api/v1/cases/checklist"),
        Case {
            build: |_| call("/api/v1/cases/checklist".into()),
            ok: 200,
            out_of_scope: 200,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/api/v1/dictionaries/case-types"),
        c(|_| call("/api/v1/dictionaries/case-types".into()), 200),
    );
    m.insert(
        ("GET", "/api/v1/cases/{id}"),
        cs(|t| call(format!("/api/v1/cases/{}", t.id())), 200),
    );
    m.insert(
        ("GET", "/api/v1/cases/{id}/access-log"),
        cs(
            |t| call(format!("/api/v1/cases/{}/access-log", t.id())),
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/cases/{id}/assess"),
        cs(
            |t| Call {
                path: format!("/api/v1/cases/{}/assess", t.id()),
                body: Body::Json(json!({"answers": ["jealous"]})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/cases/{id}/orders"),
        cs(
            |t| Call {
                path: format!("/api/v1/cases/{}/orders", t.id()),
                body: Body::Json(
                    json!({"kind": "warning_letter", "status": "issued", "date": today_text()}),
                ),
            },
            201,
        ),
    );
    m.insert(
        ("POST", "/api/v1/cases/{id}/team"),
        cs(
            |t| Call {
                path: format!("/api/v1/cases/{}/team", t.id()),
                body: Body::Json(json!({"username": "m-case", "role": "supervisor"})),
            },
            204,
        ),
    );
    m.insert(
        ("POST", "/api/v1/cases/{id}/glass"),
        cs(
            |t| Call {
                path: format!("/api/v1/cases/{}/glass", t.id()),
                body: Body::Json(json!({"reason": "值班紧急查阅：当事人正在来电求助"})),
            },
            201,
        ),
    );
    m.insert(
        ("POST", "/api/v1/cases/{id}/reveal"),
        cs(
            |t| Call {
                path: format!("/api/v1/cases/{}/reveal", t.id()),
                body: Body::Json(json!({"field": "phone", "reason": "安排回访"})),
            },
            200,
        ),
    );
    flow_cases(&mut m);
    // Needs. A unit outside the subtree in a body is a field error, worded
    // exactly like an unknown unit; a need out of scope is 404.
    m.insert(
        ("GET", "/api/v1/dictionaries/need-categories"),
        c(|_| call("/api/v1/dictionaries/need-categories".into()), 200),
    );
    m.insert(
        ("GET", "/api/v1/dictionaries/visit-tags"),
        c(|_| call("/api/v1/dictionaries/visit-tags".into()), 200),
    );
    m.insert(
        ("POST", "/api/v1/needs"),
        Case {
            build: |t| Call {
                path: "/api/v1/needs".into(),
                body: Body::Json(json!({"unit_code": t.code(), "category": "employment",
                                        "description": "想学电商技能"})),
            },
            ok: 201,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/api/v1/needs"),
        c(
            |t| call(format!("/api/v1/needs?unit={}&queue=subtree", t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/api/v1/needs/{id}"),
        nd(|t| call(format!("/api/v1/needs/{}", t.id())), 200),
    );
    m.insert(
        ("POST", "/api/v1/needs/{id}/start"),
        nd(
            |t| Call {
                path: format!("/api/v1/needs/{}/start", t.id()),
                body: Body::Json(json!({})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/needs/{id}/escalate"),
        nd(
            |t| Call {
                path: format!("/api/v1/needs/{}/escalate", t.id()),
                body: Body::Json(json!({"note": "需上级协调"})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/needs/{id}/resolve"),
        nd(
            |t| Call {
                path: format!("/api/v1/needs/{}/resolve", t.id()),
                body: Body::Json(json!({"resolution": "已介绍就业", "satisfaction": 5})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/needs/{id}/close"),
        nd(
            |t| Call {
                path: format!("/api/v1/needs/{}/close", t.id()),
                body: Body::Json(json!({"reason": "已搬离"})),
            },
            200,
        ),
    );
    m.insert(
        ("GET", "/api/v1/units/{code}/deeds"),
        c(|t| call(format!("/api/v1/units/{}/deeds", t.code())), 200),
    );
    m.insert(
        ("GET", "/needs/export.xlsx"),
        c(
            |t| call(format!("/needs/export.xlsx?unit={}&queue=subtree", t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/needs"),
        c(
            |t| call(format!("/needs?unit={}&queue=subtree", t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/needs/new"),
        c(|t| call(format!("/needs/new?unit={}", t.code())), 200),
    );
    m.insert(
        ("POST", "/needs"),
        Case {
            build: |t| {
                form(
                    "/needs".into(),
                    &[
                        ("unit_code", t.code().into()),
                        ("category", "employment".into()),
                        ("urgency", "normal".into()),
                        ("description", "想学电商技能".into()),
                    ],
                )
            },
            ok: 303,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/needs/{id}"),
        nd(|t| call(format!("/needs/{}", t.id())), 200),
    );
    m.insert(
        ("POST", "/needs/{id}/start"),
        nd(|t| form(format!("/needs/{}/start", t.id()), &[]), 303),
    );
    m.insert(
        ("POST", "/needs/{id}/escalate"),
        nd(
            |t| {
                form(
                    format!("/needs/{}/escalate", t.id()),
                    &[("note", "需上级协调".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/needs/{id}/resolve"),
        nd(
            |t| {
                form(
                    format!("/needs/{}/resolve", t.id()),
                    &[
                        ("resolution", "已介绍就业".into()),
                        ("satisfaction", "4".into()),
                    ],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/needs/{id}/close"),
        nd(
            |t| {
                form(
                    format!("/needs/{}/close", t.id()),
                    &[("reason", "已搬离".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("GET", "/deeds/{code}"),
        c(|t| call(format!("/deeds/{}", t.code())), 200),
    );
    m.insert(
        ("GET", "/deeds/{code}/export.xlsx"),
        c(|t| call(format!("/deeds/{}/export.xlsx", t.code())), 200),
    );
    // Case statistics (issue 6): de-identified, every logged-in user in scope.
    m.insert(
        ("GET", "/api/v1/units/{code}/case-stats"),
        c(
            |t| call(format!("/api/v1/units/{}/case-stats", t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/case-stats/{code}"),
        c(|t| call(format!("/case-stats/{}", t.code())), 200),
    );
    m.insert(
        ("GET", "/case-stats/{code}/case-stats.xlsx"),
        c(
            |t| call(format!("/case-stats/{}/case-stats.xlsx", t.code())),
            200,
        ),
    );
    // The public help page. Anonymous calls: a challenge, a request without
    // one (refused, 422, on the API and the form alike), an unknown
    // tracking code (404).
    m.insert(
        ("GET", "/api/v1/public/help/challenge"),
        c(|_| call("/api/v1/public/help/challenge".into()), 200),
    );
    m.insert(
        ("POST", "/api/v1/public/help"),
        c(
            |t| Call {
                path: "/api/v1/public/help".into(),
                body: Body::Json(json!({"unit_code": t.code(), "category": "other",
                    "kind": "need", "description": "需要帮助"})),
            },
            422,
        ),
    );
    m.insert(
        ("POST", "/api/v1/public/help/status"),
        c(|_| Call {
            path: "/api/v1/public/help/status".into(),
            body: Body::Json(json!({"tracking_code": "2345-6789-ABCD"})),
        }, 404),
    );
    m.insert(
        ("GET", "/help"),
        c(|t| call(format!("/help?place={}", t.code())), 200),
    );
    m.insert(
        ("POST", "/help"),
        c(
            |t| form("/help".into(), &[("unit_code", t.code().into())]),
            422,
        ),
    );
    m.insert(
        ("GET", "/help/track"),
        c(|_| call("/help/track".into()), 200),
    );
    m.insert(
        ("POST", "/help/track"),
        c(|_| form("/help/track".into(), &[("code", "2345-6789-ABCD".into())]), 404),
    );
    // Rights intake: caseworkers and admins, for queues in their subtree.
    m.insert(
        ("GET", "/api/v1/help-requests"),
        c(
            |t| {
                call(format!(
                    "/api/v1/help-requests?unit={}&kind=rights",
                    t.code()
                ))
            },
            200,
        ),
    );
    m.insert(
        ("GET", "/help-requests"),
        c(|t| call(format!("/help-requests?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/help-requests/{id}"),
        hr(|t| call(format!("/help-requests/{}", t.id())), 200),
    );
    m.insert(
        ("POST", "/help-requests/{id}/status"),
        hr(
            |t| {
                form(
                    format!("/help-requests/{}/status", t.id()),
                    &[("status", "in_progress".into())],
                )
            },
            303,
        ),
    );
    let hh = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Household,
    };
    // Households and visits. A unit or household outside the subtree in a
    // body is a field error, worded like a missing one.
    m.insert(
        ("POST", "/api/v1/households"),
        Case {
            build: |t| Call {
                path: "/api/v1/households".into(),
                body: Body::Json(household_json(t.code())),
            },
            ok: 201,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/api/v1/households"),
        c(
            |t| call(format!("/api/v1/households?unit={}", t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/api/v1/households/{id}"),
        hh(|t| call(format!("/api/v1/households/{}", t.id())), 200),
    );
    m.insert(
        ("POST", "/api/v1/households/{id}/reveal"),
        hh(
            |t| Call {
                path: format!("/api/v1/households/{}/reveal", t.id()),
                body: Body::Json(json!({"member": t.member(), "field": "phone", "reason": "核对"})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/visits"),
        Case {
            build: |t| Call {
                path: "/api/v1/visits".into(),
                body: Body::Json(json!({"household_id": t.id().parse::<i64>().unwrap(),
                                        "date": today_text(), "visitors": "矩阵"})),
            },
            ok: 201,
            out_of_scope: 422,
            kind: Kind::Household,
        },
    );
    m.insert(
        ("GET", "/api/v1/visits"),
        c(|t| call(format!("/api/v1/visits?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/api/v1/visits/{id}"),
        hh(|t| call(format!("/api/v1/visits/{}", t.visit())), 200),
    );
    m.insert(
        ("GET", "/households"),
        c(|t| call(format!("/households?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/households/export.xlsx"),
        c(|t| call(format!("/households/export.xlsx?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/households/new"),
        c(|t| call(format!("/households/new?unit={}", t.code())), 200),
    );
    m.insert(
        ("POST", "/households"),
        Case {
            build: |t| form("/households".into(), &household_form(t.code())),
            ok: 303,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/households/{id}"),
        hh(|t| call(format!("/households/{}", t.id())), 200),
    );
    m.insert(
        ("POST", "/households/{id}/reveal"),
        hh(
            |t| {
                form(
                    format!("/households/{}/reveal", t.id()),
                    &[
                        ("member", t.member().to_string()),
                        ("field", "phone".into()),
                        ("reason", "核对".into()),
                    ],
                )
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/households/{id}/visits"),
        hh(
            |t| {
                form(
                    format!("/households/{}/visits", t.id()),
                    &[("date", today_text()), ("visitors", "矩阵".into())],
                )
            },
            303,
        ),
    );
    // Tasks. An issuing unit outside the subtree is a field error, worded
    // exactly like an unknown unit; a task or report out of scope is 404.
    m.insert(
        ("POST", "/api/v1/tasks"),
        Case {
            build: |t| Call {
                path: "/api/v1/tasks".into(),
                body: Body::Json(task_json(t.code())),
            },
            ok: 201,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/api/v1/tasks"),
        c(
            |t| call(format!("/api/v1/tasks?unit={}&box=subtree", t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/api/v1/tasks/{id}"),
        tk(|t| call(format!("/api/v1/tasks/{}", t.id())), 200),
    );
    m.insert(
        ("GET", "/api/v1/tasks/{id}/progress"),
        tk(
            |t| {
                call(format!(
                    "/api/v1/tasks/{}/progress?unit={}",
                    t.id(),
                    t.code()
                ))
            },
            200,
        ),
    );
    m.insert(
        ("GET", "/api/v1/tasks/{id}/export.xlsx"),
        tk(
            |t| {
                call(format!(
                    "/api/v1/tasks/{}/export.xlsx?unit={}",
                    t.id(),
                    t.code()
                ))
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/tasks/{id}/forward"),
        tk(
            |t| Call {
                path: format!("/api/v1/tasks/{}/forward", t.id()),
                body: Body::Json(json!({"unit_code": t.code(), "target_level": 5})),
            },
            201,
        ),
    );
    m.insert(
        ("GET", "/api/v1/tasks/{id}/reports/{unit_code}"),
        tk(
            |t| call(format!("/api/v1/tasks/{}/reports/{}", t.id(), t.code())),
            200,
        ),
    );
    m.insert(
        ("PUT", "/api/v1/tasks/{id}/reports/{unit_code}"),
        tk(
            |t| Call {
                path: format!("/api/v1/tasks/{}/reports/{}", t.id(), t.code()),
                body: Body::Json(json!({"values": {}, "note": "已核实"})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/tasks/{id}/reports/{unit_code}/submit"),
        tk(
            |t| Call {
                path: format!("/api/v1/tasks/{}/reports/{}/submit", t.id(), t.code()),
                body: Body::Json(json!({})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/tasks/{id}/reports/{unit_code}/approve"),
        sub(
            |t| Call {
                path: format!("/api/v1/tasks/{}/reports/{}/approve", t.id(), t.code()),
                body: Body::Json(json!({})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/tasks/{id}/reports/{unit_code}/return"),
        sub(
            |t| Call {
                path: format!("/api/v1/tasks/{}/reports/{}/return", t.id(), t.code()),
                body: Body::Json(json!({"reason": "请补充"})),
            },
            200,
        ),
    );
    m.insert(
        ("GET", "/api/v1/notices"),
        c(|_| call("/api/v1/notices".into()), 200),
    );
    m.insert(
        ("GET", "/tasks"),
        c(
            |t| call(format!("/tasks?unit={}&box=subtree", t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/tasks/export.xlsx"),
        c(
            |t| call(format!("/tasks/export.xlsx?unit={}&box=subtree", t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/tasks/new"),
        c(|t| call(format!("/tasks/new?unit={}", t.code())), 200),
    );
    m.insert(
        ("POST", "/tasks"),
        Case {
            build: |t| form("/tasks".into(), &task_form(t.code())),
            ok: 303,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/tasks/{id}"),
        tk(
            |t| call(format!("/tasks/{}?unit={}", t.id(), t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/tasks/{id}/notice"),
        tk(|t| call(format!("/tasks/{}/notice", t.id())), 200),
    );
    m.insert(
        ("GET", "/tasks/{id}/export.xlsx"),
        tk(
            |t| call(format!("/tasks/{}/export.xlsx?unit={}", t.id(), t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/tasks/{id}/reports/{code}"),
        tk(
            |t| call(format!("/tasks/{}/reports/{}", t.id(), t.code())),
            200,
        ),
    );
    m.insert(
        ("POST", "/tasks/{id}/reports/{code}"),
        tk(
            |t| {
                form(
                    format!("/tasks/{}/reports/{}", t.id(), t.code()),
                    &[("action", "submit".into()), ("note", "已核实".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/tasks/{id}/reports/{code}/approve"),
        sub(
            |t| {
                form(
                    format!("/tasks/{}/reports/{}/approve", t.id(), t.code()),
                    &[],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/tasks/{id}/reports/{code}/return"),
        sub(
            |t| {
                form(
                    format!("/tasks/{}/reports/{}/return", t.id(), t.code()),
                    &[("reason", "请补充".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/tasks/{id}/reports/{code}/forward"),
        tk(
            |t| {
                form(
                    format!("/tasks/{}/reports/{}/forward", t.id(), t.code()),
                    &[("target_level", "5".into())],
                )
            },
            303,
        ),
    );
    m.insert(("GET", "/notices"), c(|_| call("/notices".into()), 200));
    m.insert(
        ("POST", "/api/v1/session"),
        c(
            |_| Call {
                path: "/api/v1/session".into(),
                body: Body::Json(json!({"username": "nobody", "password": "Wrong-pass-1"})),
            },
            401,
        ),
    );
    m.insert(
        ("DELETE", "/api/v1/session"),
        c(|_| call("/api/v1/session".into()), 204),
    );
    m.insert(("GET", "/api/v1/me"), c(|_| call("/api/v1/me".into()), 200));
    // Her own password: the right current one and a new one the policy
    // refuses, so nothing changes (a wrong current one would count towards
    // the lockout of the matrix's users).
    m.insert(
        ("POST", "/api/v1/me/password"),
        c(
            |_| Call {
                path: "/api/v1/me/password".into(),
                body: Body::Json(json!({"current_password": PW, "new_password": "weak"})),
            },
            422,
        ),
    );
    m.insert(("GET", "/account/password"), c(|_| call("/account/password".into()), 200));
    m.insert(
        ("POST", "/account/password"),
        c(
            |_| {
                form(
                    "/account/password".into(),
                    &[
                        ("current_password", PW.into()),
                        ("new_password", "weak".into()),
                        ("new_password_repeat", "weak".into()),
                    ],
                )
            },
            422,
        ),
    );
    m.insert(
        ("GET", "/api/v1/units"),
        c(|t| call(format!("/api/v1/units?q={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/api/v1/units/{code}"),
        c(|t| call(format!("/api/v1/units/{}", t.code())), 200),
    );
    m.insert(
        ("GET", "/api/v1/units/{code}/children"),
        c(
            |t| call(format!("/api/v1/units/{}/children", t.code())),
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/units/{code}/sectors"),
        c(
            |t| Call {
                path: format!("/api/v1/units/{}/sectors", t.code()),
                body: Body::Json(json!({"name": "某企业妇联"})),
            },
            201,
        ),
    );
    m.insert(
        ("GET", "/api/v1/users"),
        c(|t| call(format!("/api/v1/users?unit={}", t.code())), 200),
    );
    m.insert(("POST", "/api/v1/users"), c(|t| Call {
        path: "/api/v1/users".into(),
        body: Body::Json(json!({"username": fresh_name(), "password": PW, "unit_code": t.code(), "roles": ["cadre"], "display_name": "其其格"})),
    }, 201));
    m.insert(
        ("POST", "/api/v1/users/{id}/disable"),
        u(
            |t| Call {
                path: format!("/api/v1/users/{}/disable", t.id()),
                body: Body::Json(json!({})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/users/{id}/enable"),
        u(
            |t| Call {
                path: format!("/api/v1/users/{}/enable", t.id()),
                body: Body::Json(json!({})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/users/{id}/password"),
        u(
            |t| Call {
                path: format!("/api/v1/users/{}/password", t.id()),
                body: Body::Json(json!({"password": PW})),
            },
            204,
        ),
    );
    // Editing: a body without a name, so the call passes the access layer
    // and the scope check (404 outside) and changes nothing (422).
    m.insert(
        ("PUT", "/api/v1/users/{id}"),
        u(
            |t| Call {
                path: format!("/api/v1/users/{}", t.id()),
                body: Body::Json(json!({"display_name": "", "roles": ["cadre"]})),
            },
            422,
        ),
    );
    m.insert(
        ("GET", "/api/v1/audit"),
        c(|t| call(format!("/api/v1/audit?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/api/v1/openapi.json"),
        c(|_| call("/api/v1/openapi.json".into()), 200),
    );
    // Anonymous POST without the pre-session token: refused by the CSRF guard.
    m.insert(
        ("POST", "/login"),
        c(
            |_| {
                form(
                    "/login".into(),
                    &[("username", "x".into()), ("password", "y".into())],
                )
            },
            403,
        ),
    );
    m.insert(("GET", "/login"), c(|_| call("/login".into()), 200));
    m.insert(("POST", "/logout"), c(|_| form("/logout".into(), &[]), 303));
    m.insert(("GET", "/lang"), c(|_| call("/lang?set=en".into()), 303));
    m.insert(
        ("GET", "/units/{code}"),
        c(|t| call(format!("/units/{}", t.code())), 200),
    );
    m.insert(
        ("GET", "/search"),
        c(|t| call(format!("/search?q={}", t.code())), 200),
    );
    m.insert(
        ("POST", "/units/{code}/sectors"),
        c(
            |t| {
                form(
                    format!("/units/{}/sectors", t.code()),
                    &[("name", "某社会组织妇联".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("GET", "/users"),
        c(|t| call(format!("/users?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/users/export.xlsx"),
        c(|t| call(format!("/users/export.xlsx?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/users/new"),
        c(|t| call(format!("/users/new?unit={}", t.code())), 200),
    );
    // The form answers an out-of-scope unit with the same field error as an
    // unknown one, rather than a bare 404 page.
    m.insert(
        ("POST", "/users"),
        Case {
            build: |t| {
                form(
                    "/users".into(),
                    &[
                        ("username", fresh_name()),
                        ("password", PW.into()),
                        ("unit_code", t.code().into()),
                        ("roles", "cadre".into()),
                        ("display_name", "其其格".into()),
                    ],
                )
            },
            ok: 303,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    // Accounts from a workbook: the page and the template name no unit; a
    // unit outside the subtree in the file is a row error, nothing created.
    m.insert(
        ("GET", "/users/import"),
        Case {
            build: |_| call("/users/import".into()),
            ok: 200,
            out_of_scope: 200,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/users/import/template.xlsx"),
        Case {
            build: |_| call("/users/import/template.xlsx".into()),
            ok: 200,
            out_of_scope: 200,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("POST", "/users/import"),
        Case {
            build: |t| Call {
                path: "/users/import".into(),
                body: Body::Upload(people_xlsx(t.code())),
            },
            ok: 200,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    // Activities. A unit outside the subtree in a body is a field error,
    // worded exactly like an unknown unit.
    m.insert(
        ("GET", "/api/v1/dictionaries/activity-types"),
        c(|_| call("/api/v1/dictionaries/activity-types".into()), 200),
    );
    m.insert(
        ("GET", "/api/v1/dictionaries/programs"),
        c(|_| call("/api/v1/dictionaries/programs".into()), 200),
    );
    m.insert(
        ("POST", "/api/v1/activities"),
        Case {
            build: |t| Call {
                path: "/api/v1/activities".into(),
                body: Body::Json(activity_json(t.code())),
            },
            ok: 201,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/api/v1/activities"),
        c(
            |t| call(format!("/api/v1/activities?unit={}", t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/api/v1/activities/{id}"),
        a(|t| call(format!("/api/v1/activities/{}", t.id())), 200),
    );
    m.insert(
        ("PUT", "/api/v1/activities/{id}"),
        a(
            |t| Call {
                path: format!("/api/v1/activities/{}", t.id()),
                body: Body::Json(activity_json(t.code())),
            },
            200,
        ),
    );
    m.insert(
        ("DELETE", "/api/v1/activities/{id}"),
        a(|t| call(format!("/api/v1/activities/{}", t.id())), 204),
    );
    // Photos: reached only through an activity of the subtree.
    m.insert(
        ("POST", "/api/v1/activities/{id}/photos"),
        a(
            |t| Call {
                path: format!("/api/v1/activities/{}/photos", t.id()),
                body: Body::Photo(crate::images::png(4, 3, [200, 40, 40], [40, 40, 200])),
            },
            201,
        ),
    );
    m.insert(
        ("GET", "/api/v1/activities/{id}/photos"),
        a(
            |t| call(format!("/api/v1/activities/{}/photos", t.id())),
            200,
        ),
    );
    m.insert(
        ("GET", "/api/v1/activities/{id}/photos/{photo_id}"),
        p(
            |t| call(format!("/api/v1/activities/{}", t.photo_path())),
            200,
        ),
    );
    m.insert(
        ("DELETE", "/api/v1/activities/{id}/photos/{photo_id}"),
        p(
            |t| call(format!("/api/v1/activities/{}", t.photo_path())),
            204,
        ),
    );
    m.insert(
        ("GET", "/activities/{id}/photos/{photo_id}"),
        p(|t| call(format!("/activities/{}", t.photo_path())), 200),
    );
    // Task attachments: added by the issuing side, read by all who see the task.
    m.insert(
        ("POST", "/api/v1/tasks/{id}/attachments"),
        f(
            |t| Call {
                path: format!("/api/v1/tasks/{}/attachments", t.id()),
                body: Body::Upload(PDF.to_vec()),
            },
            201,
        ),
    );
    m.insert(
        ("GET", "/api/v1/tasks/{id}/attachments/{attachment_id}"),
        f(
            |t| call(format!("/api/v1/tasks/{}", t.attachment_path())),
            200,
        ),
    );
    m.insert(
        ("POST", "/tasks/{id}/attachments"),
        f(
            |t| Call {
                path: format!("/tasks/{}/attachments", t.id()),
                body: Body::Upload(PDF.to_vec()),
            },
            303,
        ),
    );
    m.insert(
        ("GET", "/tasks/{id}/attachments/{attachment_id}"),
        f(|t| call(format!("/tasks/{}", t.attachment_path())), 200),
    );
    m.insert(
        ("GET", "/api/v1/units/{code}/rollup"),
        c(|t| call(format!("/api/v1/units/{}/rollup", t.code())), 200),
    );
    m.insert(
        ("GET", "/api/v1/units/{code}/quiet"),
        c(|t| call(format!("/api/v1/units/{}/quiet", t.code())), 200),
    );
    m.insert(
        ("GET", "/dashboard/{code}"),
        c(|t| call(format!("/dashboard/{}", t.code())), 200),
    );
    m.insert(
        ("GET", "/dashboard/{code}/federations"),
        c(|t| call(format!("/dashboard/{}/federations", t.code())), 200),
    );
    m.insert(
        ("GET", "/activities"),
        c(|t| call(format!("/activities?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/activities/new"),
        c(|t| call(format!("/activities/new?unit={}", t.code())), 200),
    );
    m.insert(
        ("POST", "/activities"),
        Case {
            build: |t| form("/activities".into(), &activity_form(t.code())),
            ok: 303,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/activities/{id}/edit"),
        a(|t| call(format!("/activities/{}/edit", t.id())), 200),
    );
    m.insert(
        ("POST", "/activities/{id}"),
        a(
            |t| form(format!("/activities/{}", t.id()), &activity_form(t.code())),
            303,
        ),
    );
    m.insert(
        ("POST", "/activities/{id}/delete"),
        a(|t| form(format!("/activities/{}/delete", t.id()), &[]), 303),
    );
    // Spreadsheets. Exports name a unit like the pages they mirror.
    m.insert(
        ("GET", "/activities/export.xlsx"),
        c(
            |t| call(format!("/activities/export.xlsx?unit={}", t.code())),
            200,
        ),
    );
    m.insert(
        ("GET", "/dashboard/{code}/export.xlsx"),
        c(
            |t| call(format!("/dashboard/{}/export.xlsx", t.code())),
            200,
        ),
    );
    // The import page and template name no unit: the same for every target.
    m.insert(
        ("GET", "/activities/import"),
        Case {
            build: |_| call("/activities/import".into()),
            ok: 200,
            out_of_scope: 200,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/activities/import/template.xlsx"),
        Case {
            build: |_| call("/activities/import/template.xlsx".into()),
            ok: 200,
            out_of_scope: 200,
            kind: Kind::Unit,
        },
    );
    // A unit outside the subtree in the file is a row error, worded exactly
    // like an unknown unit; nothing is imported.
    m.insert(
        ("POST", "/activities/import"),
        Case {
            build: |t| Call {
                path: "/activities/import".into(),
                body: Body::Upload(ledger_xlsx(t.code())),
            },
            ok: 303,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    // Reports belong to the upload that made them; a stranger's id (or any
    // unknown one) is missing. Serving one to its uploader is tested in
    // ledger_io.rs.
    m.insert(
        ("GET", "/activities/import/errors/{id}"),
        Case {
            build: |_| call("/activities/import/errors/0123456789abcdef".into()),
            ok: 404,
            out_of_scope: 404,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/users/{id}/edit"),
        u(|t| call(format!("/users/{}/edit", t.id())), 200),
    );
    m.insert(
        ("POST", "/users/{id}"),
        u(
            |t| form(format!("/users/{}", t.id()), &[("display_name", String::new())]),
            422,
        ),
    );
    m.insert(
        ("POST", "/users/{id}/disable"),
        u(|t| form(format!("/users/{}/disable", t.id()), &[]), 303),
    );
    m.insert(
        ("POST", "/users/{id}/enable"),
        u(|t| form(format!("/users/{}/enable", t.id()), &[]), 303),
    );
    m.insert(
        ("POST", "/users/{id}/password"),
        u(
            |t| {
                form(
                    format!("/users/{}/password", t.id()),
                    &[("password", PW.into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("GET", "/audit"),
        c(|t| call(format!("/audit?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/audit/export.xlsx"),
        c(|t| call(format!("/audit/export.xlsx?unit={}", t.code())), 200),
    );
    m.insert(
        ("GET", "/static/{file}"),
        c(|_| call("/static/app.css".into()), 200),
    );
    m.insert(("GET", "/healthz"), c(|_| call("/healthz".into()), 200));
    case_routes(&mut m);
    // Region-wide settings: the matrix actors sit at a banner, so 403.
    m.insert(
        ("GET", "/dictionaries"),
        c(|_| call("/dictionaries".into()), 200),
    );
    m.insert(
        ("POST", "/dictionaries/{kind}"),
        c(
            |_| {
                form(
                    "/dictionaries/programs".into(),
                    &[("key", "act_test".into()), ("label_zh", "测试".into())],
                )
            },
            303,
        ),
    );
    for module in inventory::iter::<ModuleCases> {
        (module.0)(&mut m);
    }
    m
}

/// The cases of every route, by `(method, path)`.
pub type Cases = HashMap<(&'static str, &'static str), Case>;

/// A module's matrix cases, submitted from its own test file.
pub struct ModuleCases(pub fn(&mut Cases));
inventory::collect!(ModuleCases);

/// What a module's fixture may use to make its record.
pub struct Fixtures<'a> {
    pub app: &'a TestApp,
    /// A session token of an admin at the region, for fixtures that must
    /// go through the API (a photo, say).
    pub region_token: &'a str,
}

/// Makes a fresh record of a module at the unit of a code, for
/// [`Kind::Module`]; the record's target is [`Target::Record`].
pub struct Fixture {
    pub make: for<'a> fn(&'a Fixtures<'a>, &'static str) -> MadeTarget<'a>,
}

/// The future of a [`Fixture`]'s record.
pub type MadeTarget<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Target> + 'a>>;

/// Rights-case pages (the API routes are listed with the others above).
/// Routes that name a case use the case target; intake names a unit (outside the subtree a field error,
/// worded like an unknown unit); the list names a unit; alerts and the
/// checklist name nothing.
fn case_routes(m: &mut Cases) {
    let k = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::Case,
    };
    let same = |build, ok| Case {
        build,
        ok,
        out_of_scope: ok,
        kind: Kind::Unit,
    };
    // Pages.
    m.insert(
        ("GET", "/cases"),
        Case {
            build: |t| call(format!("/cases?unit={}", t.code())),
            ok: 200,
            out_of_scope: 404,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/cases/export.xlsx"),
        Case {
            build: |t| call(format!("/cases/export.xlsx?unit={}", t.code())),
            ok: 200,
            out_of_scope: 404,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("POST", "/cases/alerts/read"),
        same(|_| form("/cases/alerts/read".into(), &[]), 303),
    );
    m.insert(
        ("GET", "/cases/new"),
        Case {
            build: |t| call(format!("/cases/new?unit={}", t.code())),
            ok: 200,
            out_of_scope: 404,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("POST", "/cases"),
        Case {
            build: |t| form("/cases".into(), &case_form(t.code())),
            ok: 303,
            out_of_scope: 422,
            kind: Kind::Unit,
        },
    );
    m.insert(
        ("GET", "/cases/{id}"),
        k(|t| call(format!("/cases/{}", t.id())), 200),
    );
    m.insert(
        ("POST", "/cases/{id}/assess"),
        k(
            |t| {
                form(
                    format!("/cases/{}/assess", t.id()),
                    &[("answers", "threatened_to_kill".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/cases/{id}/orders"),
        k(
            |t| {
                form(
                    format!("/cases/{}/orders", t.id()),
                    &[
                        ("kind", "warning_letter".into()),
                        ("status", "issued".into()),
                        ("date", today_text()),
                    ],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/cases/{id}/team"),
        k(
            |t| {
                form(
                    format!("/cases/{}/team", t.id()),
                    &[("username", "m-case".into()), ("role", "caseworker".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/cases/{id}/reveal"),
        k(
            |t| {
                form(
                    format!("/cases/{}/reveal", t.id()),
                    &[("field", "phone".into()), ("reason", "回访核对".into())],
                )
            },
            200,
        ),
    );
    m.insert(
        ("GET", "/cases/{id}/glass"),
        k(|t| call(format!("/cases/{}/glass", t.id())), 200),
    );
    m.insert(
        ("POST", "/cases/{id}/glass"),
        k(
            |t| {
                form(
                    format!("/cases/{}/glass", t.id()),
                    &[("reason", "当事人失联，需紧急核实安全情况".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("GET", "/cases/{id}/access-log"),
        k(|t| call(format!("/cases/{}/access-log", t.id())), 200),
    );
}

struct Answer {
    status: u16,
    location: Option<String>,
    body: String,
}

async fn send(app: &TestApp, method: &str, c: Call, session: Option<&(String, String)>) -> Answer {
    let api = c.path.starts_with("/api/");
    let mut req = app
        .client
        .request(method.parse().unwrap(), app.url(&c.path));
    if let Some((token, csrf)) = session {
        req = if api {
            req.bearer_auth(token)
        } else {
            req.header(COOKIE, format!("jinguo_session={token}"))
        };
        if let Body::Form(mut fields) = c.body {
            fields.push(("_csrf".into(), csrf.clone()));
            req = req.form(&fields);
        } else if let Body::Json(v) = c.body {
            req = req.json(&v);
        } else if let Body::Upload(bytes) = c.body {
            req = req.multipart(upload_form(bytes, Some(csrf)));
        } else if let Body::Photo(bytes) = c.body {
            req = req.multipart(photo_form(bytes));
        }
    } else {
        match c.body {
            Body::Form(fields) => req = req.form(&fields),
            Body::Json(v) => req = req.json(&v),
            Body::Upload(bytes) => req = req.multipart(upload_form(bytes, None)),
            Body::Photo(bytes) => req = req.multipart(photo_form(bytes)),
            Body::None => {}
        }
    }
    let r = req.send().await.unwrap();
    Answer {
        status: r.status().as_u16(),
        location: r
            .headers()
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_owned()),
        body: r.text().await.unwrap(),
    }
}

/// Records an activity at a unit straight through the store.
/// A household at `code` with one member and one visit, written through
/// the store so the fixture does not depend on the routes under test.
async fn new_household(app: &TestApp, code: &'static str, by: UserId) -> Target {
    use jinguo_store::{HouseholdStore, UnitStore};
    let root = app.store.root_unit().await.unwrap();
    let scope = app.store.system_scope(&root);
    let unit = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
        .await
        .unwrap();
    let input: jinguo_domain::household::HouseholdInput =
        serde_json::from_value(household_json(code)).unwrap();
    let household = input.parse(time::OffsetDateTime::now_utc().date()).unwrap();
    let id = app
        .store
        .create_household(
            scope,
            jinguo_store::model::NewHousehold {
                unit: unit.id,
                household,
                by,
            },
            1,
        )
        .await
        .unwrap();
    let view = app.store.household_in_scope(scope, id).await.unwrap();
    let visit = app
        .store
        .create_visit(
            scope,
            jinguo_store::model::NewVisit {
                household: id,
                date: time::OffsetDateTime::now_utc().date(),
                visitors: "矩阵".into(),
                notes: None,
                tags: Vec::new(),
                by,
            },
            1,
        )
        .await
        .unwrap();
    Target::Household(id.get(), view.members[0].id.get(), visit.get(), code)
}

/// A rights request "from the help page" placed at a unit straight through
/// the store; the matrix puts a cadre at every target unit, so it is queued
/// at the unit itself.
async fn new_help(app: &TestApp, code: &'static str) -> Target {
    use jinguo_store::model::NewHelpRequest;
    use jinguo_store::{HelpStore, UnitStore};
    let place = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
        .await
        .unwrap();
    let created = app
        .store
        .create_help_request(
            NewHelpRequest {
                code: jinguo_domain::help::TrackingCode::generate(rand::random::<u8>),
                kind: jinguo_domain::help::HelpKind::Rights,
                place,
                category: "rights".into(),
                description: "矩阵求助".into(),
                contact: None,
                today: time::OffsetDateTime::now_utc().date(),
            },
            1,
        )
        .await
        .unwrap();
    Target::Help(created.id.get(), code)
}

/// An open need raised at a unit, straight through the store.
/// A case at the unit of `code` recorded through the store, with
/// `caseworker` on its team and `admin` under a break-the-glass grant.
async fn new_case(app: &TestApp, code: &'static str, admin: UserId, caseworker: UserId) -> Target {
    use jinguo_domain::case::{IntakeInput, TeamRole};
    use jinguo_store::model::NewCase;
    use jinguo_store::{CaseStore, UnitStore};
    let unit = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
        .await
        .unwrap();
    let input: IntakeInput = serde_json::from_value(crate::cases::intake(code)).unwrap();
    let template = app.store.case_template("domestic_violence").await.unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    let id = app
        .store
        .create_case(
            app.store.root_scope().await.unwrap(),
            NewCase {
                unit: unit.id,
                intake: input.parse(Some(&template), today).unwrap(),
                by: caseworker,
                team: vec![(caseworker, TeamRole::Caseworker)],
                follow_ups: vec![today],
                opened_on: today,
                contact_at_intake: true,
                help_request: None,
                household: None,
            },
            jinguo_app::state::now(),
        )
        .await
        .unwrap();
    // The matrix admin's grant, where the case lies in her subtree.
    let admin = app.store.user_by_id(admin).await.unwrap();
    let at = app.store.unit_by_id(admin.unit.id).await.unwrap();
    let scope = app.store.scope_of_user(&admin, &at).unwrap();
    let now = jinguo_app::state::now();
    if let Ok(head) = app.store.case_head(scope, id, now).await {
        app.store
            .grant_case_glass(&head, "matrix", now)
            .await
            .unwrap();
    }
    Target::Case(id.get(), code)
}

async fn new_need(app: &TestApp, code: &'static str) -> Target {
    use jinguo_store::model::{NeedSource, NewNeed};
    use jinguo_store::{NeedStore, UnitStore};
    let root = app.store.root_unit().await.unwrap();
    let unit = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
        .await
        .unwrap();
    let id = app
        .store
        .create_need(
            app.store.system_scope(&root),
            NewNeed {
                origin: unit.id,
                assignee: unit.id,
                assignee_user: None,
                household: None,
                visit: None,
                source: NeedSource::Direct,
                category: "employment".into(),
                urgency: jinguo_domain::need::Urgency::Normal,
                description: "想学电商技能".into(),
                due_date: None,
                raised_on: time::macros::date!(2026 - 11 - 01),
                by: None,
            },
            1,
        )
        .await
        .unwrap();
    Target::Need(id.get(), code)
}

/// Adds a photo to a fresh activity at a unit, as a region admin through
/// the API (the store alone would leave no file to serve).
async fn new_activity(app: &TestApp, code: &str) -> i64 {
    use jinguo_store::{ActivityStore, UnitStore};
    let root = app.store.root_unit().await.unwrap();
    let unit = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
        .await
        .unwrap();
    let fields = jinguo_domain::ActivityDraft {
        date: "2026-10-15".into(),
        type_key: "training".into(),
        title: "培训".into(),
        participants: Some(20),
        women: Some(12),
        ..Default::default()
    }
    .validate(time::macros::date!(2026 - 11 - 28))
    .unwrap();
    app.store
        .create_activity(
            app.store.system_scope(&root),
            jinguo_store::model::NewActivity {
                unit: unit.id,
                fields,
                by: None,
            },
            1,
        )
        .await
        .unwrap()
        .get()
}

/// A task from the region to `code` (or, handed in, to a child of it that
/// is not the matrix actors' own unit), straight through the store.
async fn new_task(app: &TestApp, code: &str, by: UserId, submitted: bool) -> Target {
    use jinguo_store::model::{NewTask, TaskTargets};
    use jinguo_store::{TaskStore, UnitStore};
    let root = app.store.root_unit().await.unwrap();
    let mut unit = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
        .await
        .unwrap();
    if submitted {
        let children = app.store.children(unit.id).await.unwrap();
        // The subset tree gives some units no child: then the unit itself,
        // which is out of scope for the actors all the same.
        if let Some(child) = children.into_iter().find(|c| c.code.as_str() != XILINHOT) {
            unit = child;
        }
    }
    let id = app
        .store
        .create_task(
            app.store.system_scope(&root),
            NewTask {
                issuer: root.id,
                title: "矩阵任务".into(),
                description: String::new(),
                deadline: time::OffsetDateTime::now_utc().date() + time::Duration::days(30),
                targets: TaskTargets::Units(vec![unit.id]),
                fields: Vec::new(),
                by,
            },
            1,
        )
        .await
        .unwrap();
    if submitted {
        let root = app.store.root_scope().await.unwrap();
        let task = app.store.task_in_scope(root, id).await.unwrap();
        let report = app.store.report(&task, &unit).await.unwrap();
        app.store
            .submit_report(&report, by, "2026-11-28", 2)
            .await
            .unwrap();
    }
    Target::Task(id.get(), unit.code.as_str().to_owned())
}

/// Adds a photo to a fresh activity at a unit, as a region admin through
/// the API (the store alone would leave no file to serve).
async fn new_photo(app: &TestApp, region_token: &str, code: &'static str) -> Target {
    let activity = new_activity(app, code).await;
    let r = app
        .client
        .post(app.url(&format!("/api/v1/activities/{activity}/photos")))
        .bearer_auth(region_token)
        .multipart(photo_form(crate::images::jpeg(16, 8)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "photo fixture");
    let v: Value = r.json().await.unwrap();
    Target::Photo(activity, v["ids"][0].as_i64().unwrap(), code)
}

/// A small PDF, as the attachment routes take it.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// A task issued by `code` to a child of it other than the actors' own
/// unit, or, when the subset tree gives it none, by the region to `code`;
/// with one attachment added by a region admin through the API.
async fn new_attached(app: &TestApp, region_token: &str, code: &'static str, by: UserId) -> Target {
    use jinguo_store::model::{NewTask, TaskTargets};
    use jinguo_store::{TaskStore, UnitStore};
    let root = app.store.root_unit().await.unwrap();
    let unit = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
        .await
        .unwrap();
    let children = app.store.children(unit.id).await.unwrap();
    let (issuer, target) = match children.into_iter().find(|c| c.code.as_str() != XILINHOT) {
        Some(child) => (unit.id, child.id),
        None => (root.id, unit.id),
    };
    let id = app
        .store
        .create_task(
            app.store.system_scope(&root),
            NewTask {
                issuer,
                title: "矩阵附件".into(),
                description: String::new(),
                deadline: time::OffsetDateTime::now_utc().date() + time::Duration::days(30),
                targets: TaskTargets::Units(vec![target]),
                fields: Vec::new(),
                by,
            },
            1,
        )
        .await
        .unwrap();
    let r = app
        .client
        .post(app.url(&format!("/api/v1/tasks/{}/attachments", id.get())))
        .bearer_auth(region_token)
        .multipart(upload_form(PDF.to_vec(), None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "attachment fixture");
    let v: Value = r.json().await.unwrap();
    Target::Attachment(id.get(), v["ids"][0].as_i64().unwrap(), code)
}

async fn authorization_matrix(db: Db) {
    // Case statistics stop at the banner by default, above the township
    // the matrix uses as a descendant; the matrix is about scope, so it
    // lets them reach the township (withholding is tested in case_stats).
    let Some(app) = spawn_app(db, |c| {
        c.case_stats_deepest_level = jinguo_domain::Level::TOWNSHIP;
    })
    .await
    else {
        return;
    };
    let roles = [
        (
            Role::Admin,
            app.add_user("m-admin", "admin", XILINHOT).await,
        ),
        (
            Role::Cadre,
            app.add_user("m-cadre", "cadre", XILINHOT).await,
        ),
        (
            Role::Caseworker,
            app.add_user("m-case", "caseworker", XILINHOT).await,
        ),
        (
            Role::Auditor,
            app.add_user("m-audit", "auditor", XILINHOT).await,
        ),
        (
            Role::Translator,
            app.add_user("m-trans", "translator", XILINHOT).await,
        ),
        (
            Role::Department,
            app.add_user("m-dept", "department", XILINHOT).await,
        ),
    ];
    // The department reporter reports for the health bureau.
    {
        use jinguo_store::OutlineStore;
        app.store
            .set_reporter_department(
                app.store.root_scope().await.unwrap(),
                roles[5].1,
                &jinguo_domain::outline::Department::parse("health").unwrap(),
                &jinguo_store::outlines::Who::default(),
                1,
            )
            .await
            .unwrap();
    }
    let region_admin = app.add_user("m-region", "admin", REGION).await;
    let (region_token, _) = app.session_for(region_admin).await;
    let mut targets = HashMap::new();
    for rel in Rel::ALL {
        let id = app
            .add_user(&format!("t-{}", rel.code()), "cadre", rel.code())
            .await;
        targets.insert(rel, id);
    }
    let fixtures = Fixtures {
        app: &app,
        region_token: &region_token,
    };

    let cases = cases();
    let table = table();
    let missing: Vec<String> = table
        .iter()
        .filter(|d| !cases.contains_key(&(d.method.as_str(), d.path.as_str())))
        .map(|d| format!("{} {}", d.method, d.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from the authorization matrix: {missing:?}"
    );
    assert_eq!(
        cases.len(),
        table.len(),
        "the matrix names routes that no longer exist"
    );

    let mut failures = Vec::new();
    let mut checked = 0;
    for def in &table {
        let method = def.method.as_str();
        let case = &cases[&(method, def.path.as_str())];
        let api = def.path.starts_with("/api/");
        let check = |failures: &mut Vec<String>, who: &str, got: &Answer, want: u16| {
            if got.status != want {
                failures.push(format!(
                    "{method} {} as {who}: got {}, want {want}",
                    def.path, got.status
                ));
            }
        };

        // Anonymous.
        let anon = send(&app, method, (case.build)(&Target::Unit(XILINHOT)), None).await;
        checked += 1;
        match def.access {
            Access::Public => check(&mut failures, "anonymous", &anon, case.ok),
            _ if api => check(&mut failures, "anonymous", &anon, 401),
            _ => {
                check(&mut failures, "anonymous", &anon, 303);
                if anon.location.as_deref() != Some("/login") {
                    failures.push(format!(
                        "{method} {}: anonymous not sent to /login",
                        def.path
                    ));
                }
            }
        }
        if def.access == Access::Public {
            continue;
        }

        for (role, user) in &roles {
            for rel in Rel::ALL {
                let target = match case.kind {
                    Kind::User => Target::User(targets[&rel]),
                    Kind::Unit => Target::Unit(rel.code()),
                    // A fresh one each time: some calls delete it.
                    Kind::Activity => {
                        Target::Activity(new_activity(&app, rel.code()).await, rel.code())
                    }
                    Kind::Task => new_task(&app, rel.code(), roles[0].1, false).await,
                    Kind::Submitted => new_task(&app, rel.code(), roles[0].1, true).await,
                    Kind::Photo => new_photo(&app, &region_token, rel.code()).await,
                    Kind::Attached => {
                        new_attached(&app, &region_token, rel.code(), roles[0].1).await
                    }
                    Kind::Module(fixture) => (fixture.make)(&fixtures, rel.code()).await,
                    Kind::Household => new_household(&app, rel.code(), roles[0].1).await,
                    Kind::Help => new_help(&app, rel.code()).await,
                    Kind::Need => new_need(&app, rel.code()).await,
                    Kind::Case => new_case(&app, rel.code(), roles[0].1, roles[2].1).await,
                    Kind::FlowCase => new_flow_case(&app, rel.code(), roles[2].1).await,
                };
                let session = app.session_for(*user).await;
                let got = send(&app, method, (case.build)(&target), Some(&session)).await;
                checked += 1;
                let who = format!("{} on {rel:?}", role.as_str());
                let allowed = match def.access {
                    // The matrix actors sit at a banner, never the region.
                    Access::CanAtRegion(_) => false,
                    // What the role may, from the domain's one table.
                    Access::Can(cap) => role.can(cap),
                    _ => true,
                };
                match def.access {
                    Access::LoggedIn => check(&mut failures, &who, &got, case.ok),
                    _ if !allowed => check(&mut failures, &who, &got, 403),
                    _ if rel.in_subtree() => check(&mut failures, &who, &got, case.ok),
                    Access::Can(_) | Access::CanAtRegion(_) => {
                        check(&mut failures, &who, &got, case.out_of_scope);
                        // Out of scope must look exactly like missing.
                        let missing = match case.kind {
                            Kind::User => Target::MissingUser,
                            Kind::Unit => Target::MissingUnit,
                            Kind::Activity => Target::MissingActivity,
                            Kind::Task | Kind::Submitted => Target::MissingTask,
                            Kind::Photo => Target::MissingPhoto,
                            Kind::Attached => Target::MissingAttachment,
                            Kind::Module(_) => Target::MissingRecord,
                            Kind::Household => Target::MissingHousehold,
                            Kind::Help => Target::MissingHelp,
                            Kind::Need => Target::MissingNeed,
                            Kind::Case => Target::MissingCase,
                            Kind::FlowCase => Target::MissingFlowCase,
                        };
                        let session = app.session_for(*user).await;
                        let m = send(&app, method, (case.build)(&missing), Some(&session)).await;
                        if m.status != got.status || (api && m.body != got.body) {
                            failures.push(format!(
                                "{method} {} as {who}: out of scope ({}) differs from missing ({})",
                                def.path, got.status, m.status
                            ));
                        }
                    }
                    Access::Public => unreachable!(),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 500, "only {checked} checks ran");
}
both_backends!(authorization_matrix, authorization_matrix);

// ---- Case workflow after intake (issue 6 item 3) ----

/// The workflow routes. Each call is made by the matrix caseworker, on the
/// team of a fresh case; page forms answer 303 back to the case whether
/// the action was done or refused (the refusal rides in the address).
fn flow_cases(m: &mut Cases) {
    let fc = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        kind: Kind::FlowCase,
    };
    m.insert(
        ("POST", "/api/v1/cases/{id}/follow-ups"),
        fc(
            |t| Call {
                path: format!("/api/v1/cases/{}/follow-ups", t.id()),
                body: Body::Json(json!({"date": today_text(), "note": "电话回访"})),
            },
            201,
        ),
    );
    m.insert(
        ("POST", "/api/v1/cases/{id}/refer"),
        fc(
            |t| Call {
                path: format!("/api/v1/cases/{}/refer", t.id()),
                body: Body::Json(json!({"agency": "legal_aid", "agency_name": "法律援助中心"})),
            },
            201,
        ),
    );
    m.insert(
        ("POST", "/api/v1/cases/{id}/referrals/{rid}"),
        fc(
            |t| Call {
                path: format!("/api/v1/cases/{}/referrals/{}", t.id(), t.referral()),
                body: Body::Json(json!({"status": "accepted"})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/cases/{id}/transfer"),
        fc(
            |t| Call {
                path: format!("/api/v1/cases/{}/transfer", t.id()),
                body: Body::Json(json!({"unit_code": XILINGOL, "reason": "需盟级协调"})),
            },
            200,
        ),
    );
    m.insert(
        ("POST", "/api/v1/cases/{id}/close"),
        fc(
            |t| Call {
                path: format!("/api/v1/cases/{}/close", t.id()),
                body: Body::Json(json!({"outcome": "resolved", "reason": "已妥善解决"})),
            },
            200,
        ),
    );
    // Not pending, and the caseworker is no supervisor: refused, 422.
    m.insert(
        ("POST", "/api/v1/cases/{id}/approve-closure"),
        fc(
            |t| Call {
                path: format!("/api/v1/cases/{}/approve-closure", t.id()),
                body: Body::Json(json!({"approve": true})),
            },
            422,
        ),
    );
    // Not closed: refused, 422.
    m.insert(
        ("POST", "/api/v1/cases/{id}/reopen"),
        fc(
            |t| Call {
                path: format!("/api/v1/cases/{}/reopen", t.id()),
                body: Body::Json(json!({"reason": "当事人再次求助"})),
            },
            422,
        ),
    );
    m.insert(
        ("POST", "/cases/{id}/follow-ups"),
        fc(
            |t| {
                form(
                    format!("/cases/{}/follow-ups", t.id()),
                    &[("date", today_text()), ("note", "上门回访".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/cases/{id}/refer"),
        fc(
            |t| {
                form(
                    format!("/cases/{}/refer", t.id()),
                    &[
                        ("agency", "police".into()),
                        ("agency_name", "派出所".into()),
                    ],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/cases/{id}/referrals/{rid}"),
        fc(
            |t| {
                form(
                    format!("/cases/{}/referrals/{}", t.id(), t.referral()),
                    &[("status", "done".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/cases/{id}/transfer"),
        fc(
            |t| {
                form(
                    format!("/cases/{}/transfer", t.id()),
                    &[
                        ("unit_code", XILINGOL.into()),
                        ("reason", "需盟级协调".into()),
                    ],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/cases/{id}/close"),
        fc(
            |t| {
                form(
                    format!("/cases/{}/close", t.id()),
                    &[("outcome", "resolved".into()), ("reason", "已解决".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/cases/{id}/approve-closure"),
        fc(
            |t| {
                form(
                    format!("/cases/{}/approve-closure", t.id()),
                    &[("approve", "true".into())],
                )
            },
            303,
        ),
    );
    m.insert(
        ("POST", "/cases/{id}/reopen"),
        fc(
            |t| {
                form(
                    format!("/cases/{}/reopen", t.id()),
                    &[("reason", "再次求助".into())],
                )
            },
            303,
        ),
    );
}

/// A case at `code` straight through the store, with `caseworker` (the
/// matrix caseworker) on its team wherever it lies — so out of her subtree
/// the answer is 404 because of the scope, not the team — a league
/// caseworker to transfer to, consent to referral, and one sent referral.
async fn new_flow_case(app: &TestApp, code: &'static str, caseworker: UserId) -> Target {
    use jinguo_domain::case::{IntakeInput, TeamRole};
    use jinguo_store::model::{NewCase, NewReferral};
    use jinguo_store::{CaseFlowStore, CaseStore, UnitStore};
    let unit = app
        .store
        .unit_by_code(&jinguo_domain::UnitCode::parse(code).unwrap())
        .await
        .unwrap();
    if app.store.credentials("mx-league").await.is_err() {
        app.add_user("mx-league", "caseworker", XILINGOL).await;
    }
    let input: IntakeInput = serde_json::from_value(json!({
        "source": "hotline", "type": "other", "urgency": "normal",
        "client": {"name": "矩阵当事人", "sex": "F"},
        "narrative": "矩阵案情",
        "consent": {"services": true, "referral": true, "statistics": true}
    }))
    .unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    let template = app.store.case_template("other").await.unwrap();
    let intake = input.parse(Some(&template), today).unwrap();
    let id = app
        .store
        .create_case(
            app.store.root_scope().await.unwrap(),
            NewCase {
                unit: unit.id,
                intake,
                by: caseworker,
                team: vec![(caseworker, TeamRole::Caseworker)],
                follow_ups: vec![today],
                opened_on: today,
                contact_at_intake: true,
                help_request: None,
                household: None,
            },
            1,
        )
        .await
        .unwrap();
    let rid = app
        .store
        .refer_case(
            &app.store.system_open_case(id).await.unwrap(),
            NewReferral {
                agency: jinguo_domain::case::Agency::Shelter,
                agency_name: "妇女庇护所".into(),
                note: None,
                override_reason: None,
                by: caseworker,
            },
            2,
        )
        .await
        .unwrap();
    Target::FlowCase(id.get(), rid, code)
}
