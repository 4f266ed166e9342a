//! The module's routes: the route table (`crate::routes::table`) takes
//! them from here, and the router, the access layer, the authorization
//! matrix and the OpenAPI document all read that one table.

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
    let personal = Can(C::ReadPersonal);
    let figures = Can(C::ReadFigures);
    vec![
        a(recorder, routes!(api::create)),
        a(records, routes!(api::list)),
        a(records, routes!(api::show)),
        a(personal, routes!(api::committee)),
        a(records, routes!(api::elections)),
        a(recorder, routes!(api::elect)),
        a(figures, routes!(api::coverage)),
        r(M::GET, "/organisations", records, get(web::list)),
        r(M::GET, "/organisations/new", recorder, get(web::new_form)),
        r(M::POST, "/organisations", recorder, post(web::create)),
        r(M::GET, "/organisations/{id}", records, get(web::show)),
        r(M::GET, "/organisations/{id}/election", recorder, get(web::election_form)),
        r(M::POST, "/organisations/{id}/elections", recorder, post(web::elect)),
        r(M::GET, "/organisation-coverage", figures, get(web::coverage)),
        r(M::GET, "/organisation-coverage/export.xlsx", figures, get(web::coverage_export)),
    ]
}
