//! The published OpenAPI document must match the route table exactly, so
//! it can never drift from the router: every API route is documented, every
//! documented operation exists, public routes are documented without
//! security, role-gated routes name their role (or roles), scoped routes
//! document their `404`, and every `$ref` resolves. Operations are derived
//! from the handlers' `#[utoipa::path]`; openapi.json holds only the
//! header, and every description ends with the access sentence made from
//! the route table.

use std::collections::BTreeSet;

use jinguo_app::routes::{Access, table};
use jinguo_domain::Role;
use serde_json::Value;

/// The written part: the document's header, without operations.
const WRITTEN: &str = include_str!("../openapi.json");

/// HTTP methods an OpenAPI path item may hold as operations.
const OPERATION_KEYS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn doc() -> Value {
    // The served document: derived operations and schemas, access derived
    // from the route table.
    jinguo_app::routes::api::openapi::build()
}

/// `(path, lowercase method)` of every API route in the table.
fn table_ops() -> BTreeSet<(String, String)> {
    table()
        .iter()
        .filter(|def| def.path.starts_with("/api/"))
        .map(|def| (def.path.clone(), def.method.as_str().to_lowercase()))
        .collect()
}

/// `(path, method)` of every operation in the document.
fn doc_ops(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("`paths` is an object");
    let mut out = BTreeSet::new();
    for (path, item) in paths {
        let item = item.as_object().expect("a path item is an object");
        for key in item.keys() {
            if OPERATION_KEYS.contains(&key.as_str()) {
                out.insert((path.clone(), key.clone()));
            }
        }
    }
    out
}

fn operation<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    &doc["paths"][path][method]
}

#[test]
fn openapi_version_is_3_1() {
    let doc = doc();
    let v = doc["openapi"].as_str().expect("`openapi` is a string");
    assert!(v.starts_with("3.1"), "openapi version {v:?} is not 3.1.x");
}

#[test]
fn every_api_route_is_documented() {
    let doc = doc();
    let documented = doc_ops(&doc);
    let missing: Vec<_> = table_ops().difference(&documented).cloned().collect();
    assert!(
        missing.is_empty(),
        "routes missing from openapi.json: {missing:?}"
    );
}

#[test]
fn every_documented_operation_is_routed() {
    let doc = doc();
    let routed = table_ops();
    let extra: Vec<_> = doc_ops(&doc).difference(&routed).cloned().collect();
    assert!(
        extra.is_empty(),
        "openapi.json documents operations the router does not have: {extra:?}"
    );
}

#[test]
fn security_and_roles_match_the_table() {
    let doc = doc();
    let global = &doc["security"];
    assert!(
        global
            .as_array()
            .is_some_and(|reqs| reqs.iter().any(|r| r.get("bearerAuth").is_some())),
        "the document's default security must require bearerAuth"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearerAuth"]["type"], "http",
        "bearerAuth is an http scheme"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer",
        "bearerAuth uses the bearer scheme"
    );
    for def in table().iter().filter(|d| d.path.starts_with("/api/")) {
        let method = def.method.as_str().to_lowercase();
        let op = operation(&doc, &def.path, &method);
        let security = op.get("security").unwrap_or(global);
        let open = security.as_array().is_some_and(|reqs| reqs.is_empty());
        let cap = op.get("x-required-capability");
        let documents = |status: &str| op["responses"].get(status).is_some();
        match def.access {
            Access::Public => {
                assert!(
                    open,
                    "{method} {} is public: needs `security: []`",
                    def.path
                );
                assert_eq!(cap, None, "{method} {} is public", def.path);
            }
            Access::LoggedIn => {
                assert!(!open, "{method} {} needs a bearer token", def.path);
                assert_eq!(cap, None, "{method} {} needs no capability", def.path);
                assert!(documents("401"), "{method} {} must document 401", def.path);
            }
            Access::Can(c) | Access::CanAtRegion(c) => {
                assert!(!open, "{method} {} needs a bearer token", def.path);
                assert_eq!(
                    cap.and_then(Value::as_str),
                    Some(c.as_str()),
                    "{method} {} must declare x-required-capability {:?}",
                    def.path,
                    c.as_str()
                );
                for status in ["401", "403", "404"] {
                    assert!(
                        documents(status),
                        "{method} {} must document {status}",
                        def.path
                    );
                }
            }
        }
    }
}

/// Path templates `{name}` must each have a matching path parameter.
#[test]
fn path_parameters_are_declared() {
    let doc = doc();
    for (path, method) in doc_ops(&doc) {
        let op = operation(&doc, &path, &method);
        let declared: BTreeSet<String> = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| resolve(&doc, p))
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().expect("parameter name").to_owned())
            .collect();
        let templated: BTreeSet<String> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_owned)
            .collect();
        assert_eq!(
            declared, templated,
            "{method} {path}: path parameters do not match the template"
        );
    }
}

#[test]
fn operation_ids_are_unique() {
    let doc = doc();
    let mut seen = BTreeSet::new();
    for (path, method) in doc_ops(&doc) {
        let id = operation(&doc, &path, &method)["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        assert!(seen.insert(id.to_owned()), "duplicate operationId {id}");
    }
}

/// Follows a `$ref` within the document, if the value is one.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.strip_prefix('#').expect("local $ref"))
            .unwrap_or_else(|| panic!("dangling $ref {r}")),
        None => v,
    }
}

fn collect_refs(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if k == "$ref" {
                    let r = child
                        .as_str()
                        .unwrap_or_else(|| panic!("{at}: non-string $ref"));
                    out.push((at.to_owned(), r.to_owned()));
                } else {
                    collect_refs(child, &format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_refs(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_ref_points_to_an_existing_component() {
    let doc = doc();
    let mut refs = Vec::new();
    collect_refs(&doc, "#", &mut refs);
    assert!(!refs.is_empty(), "the document uses components");
    for (at, r) in &refs {
        let pointer = r
            .strip_prefix("#/components/")
            .unwrap_or_else(|| panic!("{at}: $ref {r} does not point into #/components"));
        let mut parts = pointer.split('/');
        let (Some(section), Some(name), None) = (parts.next(), parts.next(), parts.next()) else {
            panic!("{at}: $ref {r} is not #/components/<section>/<name>");
        };
        assert!(
            doc["components"][section].get(name).is_some(),
            "{at}: $ref {r} points to a missing component"
        );
    }
}

/// A route documented beside its handler must not also have a written
/// operation in openapi.json, which the derived one would silently hide.
#[test]
fn no_operation_is_documented_twice() {
    let written: Value = serde_json::from_str(WRITTEN).expect("openapi.json is JSON");
    let mut derived = 0;
    for def in table().iter().filter(|d| d.documented().is_some()) {
        derived += 1;
        let method = def.method.as_str().to_lowercase();
        assert!(
            written["paths"][&def.path].get(&method).is_none(),
            "{method} {} is documented beside its handler and in openapi.json",
            def.path
        );
    }
    assert!(derived > 0, "no operation is derived from a handler");
}

/// The access answers (401, and 403 where a capability is required) come
/// from the route table alone; a handler's annotation that wrote them
/// again could drift from the access layer.
#[test]
fn access_answers_are_not_written_beside_handlers() {
    for def in table().iter() {
        let Some(doc) = def.documented() else {
            continue;
        };
        let own: Vec<&String> = doc.operation.responses.responses.keys().collect();
        let derived: &[&str] = match def.access {
            Access::Public => &[],
            Access::LoggedIn => &["401"],
            Access::Can(_) | Access::CanAtRegion(_) => &["401", "403"],
        };
        for status in derived {
            assert!(
                !own.iter().any(|s| s.as_str() == *status),
                "{} {}: {status} is derived from the route table; drop it from #[utoipa::path]",
                def.method,
                def.path
            );
        }
    }
}

/// Derived schemas keep the document's names (integrators' generated
/// clients use them) and say what a field may hold.
#[test]
fn derived_schemas_keep_names_and_types() {
    let doc = doc();
    let schemas = &doc["components"]["schemas"];
    for name in [
        "Unit",
        "User",
        "Activity",
        "Home",
        "Household",
        "Need",
        "Error",
    ] {
        assert!(schemas.get(name).is_some(), "schema {name} is missing");
    }
    // An enum in Rust is an enum in the schema.
    assert_eq!(
        schemas["HomeStatus"]["enum"],
        serde_json::json!(["active", "suspended", "closed"])
    );
    // An Option is nullable.
    let parent = &schemas["Unit"]["properties"]["parent_code"];
    assert!(
        parent.to_string().contains("\"null\""),
        "parent_code must admit null: {parent}"
    );
}

/// Every operation is documented beside its handler: the written header
/// holds no path, and so no operation or schema that could drift from the
/// handler it describes.
#[test]
fn no_operation_is_written_in_the_header() {
    let written: Value = serde_json::from_str(WRITTEN).expect("openapi.json is JSON");
    let paths = written["paths"]
        .as_object()
        .expect("the header keeps an empty `paths` object");
    assert!(
        paths.is_empty(),
        "openapi.json documents paths; document them beside their handlers: {:?}",
        paths.keys().collect::<Vec<_>>()
    );
    for section in ["schemas", "parameters", "requestBodies"] {
        assert!(
            written["components"].get(section).is_none(),
            "openapi.json writes components/{section}; derive them from the Rust types"
        );
    }
    for def in table().iter().filter(|d| d.path.starts_with("/api/")) {
        assert!(
            def.documented().is_some(),
            "{} {} has no #[utoipa::path] (write its row as a(access, routes!(handler)))",
            def.method,
            def.path
        );
    }
}

/// What the last sentence of an operation's description must say, worked
/// out here from the route table and the role table, independently of the
/// code that writes it.
fn expected_access_sentence(access: Access) -> String {
    match access {
        Access::Public => "Access: public, no token.".to_owned(),
        Access::LoggedIn => "Access: any logged-in user.".to_owned(),
        Access::Can(cap) | Access::CanAtRegion(cap) => {
            let roles: Vec<&str> = Role::ALL
                .iter()
                .filter(|r| r.can(cap))
                .map(|r| r.as_str())
                .collect();
            assert!(!roles.is_empty(), "no role grants {}", cap.as_str());
            let place = if matches!(access, Access::CanAtRegion(_)) {
                "held at the region itself"
            } else {
                "within the caller's subtree"
            };
            format!(
                "Access: capability `{}`, granted to roles {}; {place}.",
                cap.as_str(),
                roles.join(", ")
            )
        }
    }
}

/// Who may call an operation is said once, at the end of its description,
/// in words generated from the route table; the rest of the description
/// says nothing of roles or tokens, which drifted when roles changed.
#[test]
fn every_description_ends_with_the_access_sentence_of_the_table() {
    let doc = doc();
    let prose = [
        "role is needed",
        "requires the",
        "token is needed",
        "logged-in user",
        "needs no role",
        "the role is checked",
        "`admin` role",
        "`cadre` role",
        "`auditor` role",
        "`caseworker` role",
    ];
    for def in table().iter().filter(|d| d.path.starts_with("/api/")) {
        let method = def.method.as_str().to_lowercase();
        let description = operation(&doc, &def.path, &method)["description"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {} has no description", def.path));
        let sentence = expected_access_sentence(def.access);
        let own = description.strip_suffix(&sentence).unwrap_or_else(|| {
            panic!(
                "{method} {}: the description must end with {sentence:?}: {description:?}",
                def.path
            )
        });
        assert!(
            !own.contains("Access:"),
            "{method} {}: a second access sentence: {description:?}",
            def.path
        );
        let lower = own.to_lowercase();
        for words in prose {
            assert!(
                !lower.contains(words),
                "{method} {}: the description says who may call it ({words:?}); \
                 the generated sentence does: {own:?}",
                def.path
            );
        }
    }
    // Spot checks against the capability table of the README.
    let needs = operation(&doc, "/api/v1/needs", "get")["description"]
        .as_str()
        .expect("listNeeds has a description");
    assert!(
        needs.ends_with(
            "Access: capability `read_personal`, granted to roles admin, cadre, caseworker; \
             within the caller's subtree."
        ),
        "{needs}"
    );
    let session = operation(&doc, "/api/v1/session", "post")["description"]
        .as_str()
        .expect("createSession has a description");
    assert!(session.ends_with("Access: public, no token."), "{session}");
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// utoipa keys components by name, so two types deriving `ToSchema` under
/// one name silently overwrite each other and answers are checked against
/// the wrong schema (two modules' `UnitKind`, `CoverageNumbers` and
/// `ReasonBody` did). Names come from `#[schema(as = …)]` or the type; a
/// type meant to share a schema says so in `SHARED`.
#[test]
fn schema_names_are_unique_across_the_crates() {
    const SHARED: [&str; 2] = [
        // The store's unit reference is the API's path step, word for word.
        "UnitPathStep",
        // The API body is the domain input with its unit.
        "HouseholdInput",
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in ["domain", "store", "app"] {
        rust_files(&root.join(krate).join("src"), &mut files);
    }
    let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if !(l.contains("derive(") && l.contains("ToSchema")) {
                continue;
            }
            let mut alias = None;
            for l in lines.iter().skip(i).take(15) {
                if let Some(rest) = l.trim().strip_prefix("#[schema(as = ") {
                    let name = rest.split([')', ',']).next().unwrap_or("");
                    alias = Some(name.rsplit("::").next().unwrap_or(name).trim().to_owned());
                }
                let item = l
                    .trim()
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ");
                if let Some(rest) = item
                    .strip_prefix("struct ")
                    .or_else(|| item.strip_prefix("enum "))
                {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    seen.entry(alias.clone().unwrap_or(name))
                        .or_default()
                        .push(format!("{}:{}", f.display(), i + 1));
                    break;
                }
            }
        }
    }
    let clashes: Vec<_> = seen
        .iter()
        .filter(|(name, at)| at.len() > 1 && !SHARED.contains(&name.as_str()))
        .collect();
    assert!(clashes.is_empty(), "schema names used twice: {clashes:?}");
    assert!(
        seen.len() > 100,
        "the scan found the schemas ({})",
        seen.len()
    );
}
