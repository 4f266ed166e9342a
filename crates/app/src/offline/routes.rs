//! The offline capture's rows of the route table.

use axum::http::Method as M;
use axum::routing::get;
use jinguo_domain::Capability as C;

use super::web;
use crate::routes::{Access::*, RouteDef, r};

#[rustfmt::skip]
pub fn routes() -> Vec<RouteDef> {
    let recorder = Can(C::RecordWork);
    vec![
        // Fetched by browsers without a session (the worker's update check,
        // the install prompt): no personal or unit data in either.
        r(M::GET, "/sw.js", Public, get(web::service_worker)),
        r(M::GET, "/manifest.webmanifest", Public, get(web::manifest)),
        r(M::GET, "/outbox", recorder, get(web::outbox)),
        r(M::GET, "/outbox/visit", recorder, get(web::visit_form)),
        r(M::GET, "/outbox/key", recorder, get(web::key)),
        r(M::GET, "/outbox/pages", recorder, get(web::pages)),
        r(M::GET, "/outbox/households", Can(C::ReadPersonal), get(web::households)),
    ]
}
