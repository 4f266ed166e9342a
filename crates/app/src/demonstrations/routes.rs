//! The module's routes: the route table (`crate::routes::table`) takes
//! them from here, and the router, the access layer, the authorization
//! matrix and the OpenAPI document all read that one table.
//!
//! Designating, evaluating and revoking are work cadres record
//! (`record_work`); reading designations is `read_records`; the counts
//! per unit are figures (`read_figures`). Whether the reader's unit is the
//! designating one is a rule of the record (the store refuses), not a role.

use axum::http::Method as M;
use axum::routing::{get, post};
use jinguo_domain::Capability as C;
use utoipa_axum::routes;

use super::{api, web};
use crate::routes::{Access::*, RouteDef, a, r};

#[rustfmt::skip]
pub fn routes() -> Vec<RouteDef> {
    let recorder = Can(C::RecordWork);
    let records = Can(C::ReadRecords);
    let figures = Can(C::ReadFigures);
    vec![
        a(recorder, routes!(api::create)),
        a(records, routes!(api::list)),
        a(records, routes!(api::show)),
        a(recorder, routes!(api::evaluate)),
        a(recorder, routes!(api::revoke)),
        a(figures, routes!(api::counts)),
        r(M::GET, "/demonstrations", records, get(web::list)),
        r(M::GET, "/demonstrations/new", recorder, get(web::new_form)),
        r(M::POST, "/demonstrations", recorder, post(web::create)),
        r(M::GET, "/demonstrations/{id}", records, get(web::show)),
        r(M::POST, "/demonstrations/{id}/evaluations", recorder, post(web::evaluate)),
        r(M::POST, "/demonstrations/{id}/revoke", recorder, post(web::revoke)),
    ]
}
