//! `GET /api/v1/openapi.json`. Every API operation is documented beside its
//! handler (`#[utoipa::path]`) with the request and response types it
//! uses, whose schemas are derived from the Rust types (`ToSchema`,
//! `IntoParams`); the route table carries the operations, and [`build`]
//! assembles them into the header written in `openapi.json` (info, tags,
//! security scheme, shared error answers), which holds no operation.
//!
//! Who may call each operation is not written beside the handler either:
//! [`build`] derives it from the route table, the same declaration the
//! access layer enforces and the authorization matrix tests — the
//! `x-required-capability` and `x-granted-to-roles` fields, the 401 / 403 /
//! 404 answers, and the last sentence of every description
//! ([`access_sentence`]) — so the document cannot drift from what the
//! server does.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use jinguo_domain::Role;
use serde_json::{Value, json};
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};

use crate::auth::Access;

/// The document's header: info, tags, security scheme, the shared error
/// answers. Operations are never written here (a contract test checks).
const WRITTEN: &str = include_str!("../../../openapi.json");

/// Shared error answers an operation refers to as
/// `(status = 404, response = NotFound)`; each is a component of the
/// document's header. 401 and 403 are not written beside a handler:
/// [`build`] adds them from the route table (a contract test checks).
macro_rules! shared_answers {
    ($($name:ident),* $(,)?) => {
        $(
            pub struct $name;
            impl<'r> utoipa::ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<Response>) {
                    let name = stringify!($name);
                    (name, RefOr::Ref(Ref::from_response_name(name)))
                }
            }
        )*
    };
}

shared_answers!(
    BadRequest,
    Unauthorized,
    BadCredentials,
    Forbidden,
    NotFound,
    Conflict,
    Invalid,
    Locked,
    Internal,
    TaskInvalid,
    HelpTooMany,
    HelpInvalid,
);

/// The body of every error answer (written by [`crate::render::render_errors`]).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    code: ErrorCode,
    /// Message for people, in the reader's language; for `bad_request` followed by `: ` and
    /// details. Programs should use `code` and `field`.
    message: String,
    /// The offending input field; present for `invalid` and `conflict` only. For `invalid` with
    /// several offending fields, the first of them (see `fields`). Task operations also name
    /// parts of a form definition (`fields[2].key`), answers by their field key, and `status`
    /// when the workflow refuses a step.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    /// For `invalid` only: every offending input field, mapped to its message (in the same
    /// language as `message`). Always holds at least the field named by `field`.
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<std::collections::BTreeMap<String, String>>,
}

/// Stable machine-readable error code: `bad_request` (400), `unauthorized` (401),
/// `bad_credentials` (401), `forbidden` (403), `password_change_required` (403: she must choose
/// her own password first), `not_found` (404), `conflict` (409), `invalid` (422), `locked`
/// (429), `internal` (500).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    BadCredentials,
    Forbidden,
    PasswordChangeRequired,
    NotFound,
    Conflict,
    Invalid,
    Locked,
    Internal,
}

/// The schema of a multipart form of up to `max` file parts named `part`
/// (uploads are read part by part, not deserialized, so the form has no
/// Rust type of its own).
pub fn file_parts(part: &str, description: &str, max: usize) -> RefOr<Schema> {
    let file = ObjectBuilder::new()
        .schema_type(Type::String)
        .content_media_type("application/octet-stream");
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description))
        .property(
            part,
            ArrayBuilder::new()
                .items(file)
                .min_items(Some(1))
                .max_items(Some(max)),
        )
        .required(part)
        .into()
}

/// The roles whose capabilities include `cap`, in [`Role::ALL`] order.
fn roles_granting(cap: jinguo_domain::Capability) -> Vec<&'static str> {
    Role::ALL
        .iter()
        .filter(|r| r.can(cap))
        .map(|r| r.as_str())
        .collect()
}

/// The sentence that ends the description of an operation with this
/// access: written from the route table, so no description states in its
/// own words who may call it (such words drifted when roles changed).
pub fn access_sentence(access: Access) -> String {
    match access {
        Access::Public => "Access: public, no token.".to_owned(),
        Access::LoggedIn => "Access: any logged-in user.".to_owned(),
        Access::Can(cap) | Access::CanAtRegion(cap) => {
            let roles = roles_granting(cap);
            let granted = if roles.is_empty() {
                "granted to no role".to_owned()
            } else {
                format!("granted to roles {}", roles.join(", "))
            };
            let place = if matches!(access, Access::CanAtRegion(_)) {
                "held at the region itself"
            } else {
                "within the caller's subtree"
            };
            format!("Access: capability `{}`, {granted}; {place}.", cap.as_str())
        }
    }
}

/// The published document: the header, every API operation of
/// [`crate::routes::table`] with the schemas it names, and each
/// operation's access requirement filled in from the table: `security`
/// (none for public routes), `x-required-capability` and the roles that
/// grant it, the 401 / 403 / 404 answers the access layer and the scoped
/// store give, and the description's closing [`access_sentence`].
pub fn build() -> Value {
    let mut doc: Value = serde_json::from_str(WRITTEN).expect("openapi.json is valid JSON");
    // The shared error answers of the header refer to the error body.
    let mut shared = vec![(
        <ErrorBody as utoipa::ToSchema>::name().into_owned(),
        <ErrorBody as utoipa::PartialSchema>::schema(),
    )];
    <ErrorBody as utoipa::ToSchema>::schemas(&mut shared);
    for (name, schema) in shared {
        doc["components"]["schemas"][name] =
            serde_json::to_value(schema).expect("a schema serializes");
    }
    for def in crate::routes::table()
        .iter()
        .filter(|d| d.path.starts_with("/api/"))
    {
        let method = def.method.as_str().to_lowercase();
        if let Some(documented) = def.documented() {
            doc["paths"][&def.path][&method] =
                serde_json::to_value(&documented.operation).expect("an operation serializes");
            for (name, schema) in &documented.schemas {
                doc["components"]["schemas"][name] =
                    serde_json::to_value(schema).expect("a schema serializes");
            }
        }
        let Some(op) = doc["paths"][&def.path][&method].as_object_mut() else {
            continue; // the contract test names the missing operation
        };
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
                op.insert("x-granted-to-roles".into(), json!(roles_granting(cap)));
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
        let sentence = access_sentence(def.access);
        let description = match op.get("description").and_then(Value::as_str) {
            Some(own) if !own.trim().is_empty() => format!("{} {sentence}", own.trim_end()),
            _ => sentence,
        };
        op.insert("description".into(), json!(description));
    }
    doc
}

/// `GET /api/v1/openapi.json`: the API contract for integrators.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "getOpenApi",
    tag = "meta",
    summary = "This OpenAPI document",
    description = "The API contract as an OpenAPI 3.1 document.",
    responses(
        (status = 200, description = "The OpenAPI document (an OpenAPI 3.1 object).",
         content(("application/json"))),
    ),
)]
pub async fn document() -> impl IntoResponse {
    static DOC: OnceLock<String> = OnceLock::new();
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOC.get_or_init(|| build().to_string()).clone(),
    )
}
