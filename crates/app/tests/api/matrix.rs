//! The authorization matrix: every route × role × (own unit, descendant,
//! sibling, ancestor, other league), plus anonymous.
//!
//! The routes come from the application's route table, so a new route
//! without a case here fails this test.

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
enum Target {
    Unit(&'static str),
    User(UserId),
    MissingUnit,
    MissingUser,
}

impl Target {
    fn code(&self) -> &str {
        match self {
            Target::Unit(c) => c,
            _ => NO_SUCH_UNIT,
        }
    }
    fn id(&self) -> String {
        match self {
            Target::User(id) => id.get().to_string(),
            _ => "999999".into(),
        }
    }
}

enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
}

struct Call {
    path: String,
    body: Body,
}

static SERIAL: AtomicU32 = AtomicU32::new(0);
fn fresh_name() -> String {
    format!("mx{}", SERIAL.fetch_add(1, Ordering::Relaxed))
}

/// How to call a route for a target, and what success looks like.
struct Case {
    build: fn(&Target) -> Call,
    ok: u16,
    /// What out-of-scope targets answer; equal to a missing target's answer.
    out_of_scope: u16,
    /// Whether the request names a user (`{id}`) rather than a unit.
    by_user: bool,
}

fn call(path: String) -> Call {
    Call {
        path,
        body: Body::None,
    }
}

fn form(path: String, fields: &[(&str, String)]) -> Call {
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

fn cases() -> HashMap<(&'static str, &'static str), Case> {
    let c = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        by_user: false,
    };
    let u = |build, ok| Case {
        build,
        ok,
        out_of_scope: 404,
        by_user: true,
    };
    let mut m: HashMap<(&'static str, &'static str), Case> = HashMap::new();
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
        body: Body::Json(json!({"username": fresh_name(), "password": PW, "unit_code": t.code(), "roles": ["cadre"]})),
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
    m.insert(("GET", "/"), c(|_| call("/".into()), 303));
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
                    ],
                )
            },
            ok: 303,
            out_of_scope: 422,
            by_user: false,
        },
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
        ("GET", "/static/{file}"),
        c(|_| call("/static/app.css".into()), 200),
    );
    m.insert(("GET", "/healthz"), c(|_| call("/healthz".into()), 200));
    m
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
        }
    } else {
        match c.body {
            Body::Form(fields) => req = req.form(&fields),
            Body::Json(v) => req = req.json(&v),
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

async fn authorization_matrix(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
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
    ];
    let mut targets = HashMap::new();
    for rel in Rel::ALL {
        let id = app
            .add_user(&format!("t-{}", rel.code()), "cadre", rel.code())
            .await;
        targets.insert(rel, id);
    }

    let cases = cases();
    let table = table();
    let missing: Vec<String> = table
        .iter()
        .filter(|d| !cases.contains_key(&(d.method.as_str(), d.path)))
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
        let case = &cases[&(method, def.path)];
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
                let target = if case.by_user {
                    Target::User(targets[&rel])
                } else {
                    Target::Unit(rel.code())
                };
                let session = app.session_for(*user).await;
                let got = send(&app, method, (case.build)(&target), Some(&session)).await;
                checked += 1;
                let who = format!("{} on {rel:?}", role.as_str());
                match def.access {
                    Access::LoggedIn => check(&mut failures, &who, &got, case.ok),
                    Access::Role(needed) if needed != *role => {
                        check(&mut failures, &who, &got, 403)
                    }
                    Access::Role(_) if rel.in_subtree() => {
                        check(&mut failures, &who, &got, case.ok)
                    }
                    Access::Role(_) => {
                        check(&mut failures, &who, &got, case.out_of_scope);
                        // Out of scope must look exactly like missing.
                        let missing = if case.by_user {
                            Target::MissingUser
                        } else {
                            Target::MissingUnit
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
