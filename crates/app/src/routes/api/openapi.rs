//! `GET /api/v1/openapi.json`. The paths' descriptions and schemas are
//! written by hand in `openapi.json`; who may call each operation is not:
//! [`build`] derives it from the route table, the same declaration the
//! access layer enforces and the authorization matrix tests, so the
//! document cannot drift from what the server does.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use jinguo_domain::Role;
use serde_json::{Value, json};

use crate::auth::Access;

/// The hand-written part: paths, parameters, schemas.
const WRITTEN: &str = include_str!("../../../openapi.json");

/// The document with each API operation's access requirement filled in
/// from [`crate::routes::table`]: `security` (none for public routes),
/// `x-required-capability` and the roles that grant it, and the 401 / 403 /
/// 404 answers the access layer and the scoped store give.
pub fn build() -> Value {
    let mut doc: Value = serde_json::from_str(WRITTEN).expect("openapi.json is valid JSON");
    for def in crate::routes::table()
        .iter()
        .filter(|d| d.path.starts_with("/api/"))
    {
        let method = def.method.as_str().to_lowercase();
        let Some(op) = doc["paths"][def.path][&method].as_object_mut() else {
            continue; // the contract test names the missing operation
        };
        op.remove("x-required-role");
        let responses = op
            .entry("responses")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("responses is an object");
        let mut answer = |status: &str, component: &str| {
            responses.entry(status).or_insert_with(
                || json!({ "$ref": format!("#/components/responses/{component}") }),
            );
        };
        match def.access {
            Access::Public => {}
            Access::LoggedIn => answer("401", "Unauthorized"),
            Access::Can(cap) | Access::CanAtRegion(cap) => {
                answer("401", "Unauthorized");
                answer("403", "Forbidden");
                answer("404", "NotFound");
                op.insert("x-required-capability".into(), json!(cap.as_str()));
                let roles: Vec<&str> = Role::ALL
                    .iter()
                    .filter(|r| r.can(cap))
                    .map(|r| r.as_str())
                    .collect();
                op.insert("x-granted-to-roles".into(), json!(roles));
                if matches!(def.access, Access::CanAtRegion(_)) {
                    op.insert("x-at-region-only".into(), json!(true));
                }
            }
        }
        if def.access == Access::Public {
            op.insert("security".into(), json!([]));
        } else {
            op.remove("security");
        }
    }
    doc
}

/// `GET /api/v1/openapi.json`: the API contract for integrators.
pub async fn document() -> impl IntoResponse {
    static DOC: OnceLock<String> = OnceLock::new();
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOC.get_or_init(|| build().to_string()).clone(),
    )
}
