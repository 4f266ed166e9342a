//! The module's routes: the route table (`crate::routes::table`) takes
//! them from here, and the router, the access layer, the authorization
//! matrix and the OpenAPI document all read that one table.

use axum::http::Method as M;
use axum::routing::{get, post};
use jinguo_domain::Capability as C;
use utoipa_axum::routes;

use super::{api, figures, web};
use crate::routes::{Access::*, RouteDef, a, r};

#[rustfmt::skip]
pub fn routes() -> Vec<RouteDef> {
    let recorder = Can(C::RecordWork);
    let records = Can(C::ReadRecords);
    let figures = Can(C::ReadFigures);
    // Counsellors' names are personal data.
    let personal = Can(C::ReadPersonal);
    vec![
        a(recorder, routes!(api::create)),
        a(records, routes!(api::list)),
        a(records, routes!(api::show)),
        a(recorder, routes!(api::update)),
        a(figures, routes!(api::coverage)),
        a(records, routes!(api::sessions)),
        a(recorder, routes!(api::record_session)),
        a(figures, routes!(figures::api)),
        a(Public, routes!(api::audiences)),
        a(personal, routes!(api::counsellors)),
        a(recorder, routes!(api::create_counsellor)),
        a(personal, routes!(api::show_counsellor)),
        a(recorder, routes!(api::update_counsellor)),
        r(M::GET, "/family-sites", records, get(web::list)),
        r(M::GET, "/family-sites/export.xlsx", records, get(web::export)),
        r(M::GET, "/family-sites/new", recorder, get(web::new_form)),
        r(M::POST, "/family-sites", recorder, post(web::create)),
        r(M::GET, "/family-sites/{id}", records, get(web::show)),
        r(M::GET, "/family-sites/{id}/edit", recorder, get(web::edit_form)),
        r(M::POST, "/family-sites/{id}", recorder, post(web::update)),
        r(M::GET, "/family-sites/{id}/sessions/new", recorder, get(web::session_form)),
        r(M::POST, "/family-sites/{id}/sessions", recorder, post(web::record_session)),
        r(M::GET, "/family-figures", figures, get(figures::page)),
        r(M::GET, "/family-figures/export.xlsx", figures, get(figures::export)),
        r(M::GET, "/family-counsellors", personal, get(web::counsellors)),
        r(M::GET, "/family-counsellors/new", recorder, get(web::counsellor_new)),
        r(M::POST, "/family-counsellors", recorder, post(web::counsellor_create)),
        r(M::GET, "/family-counsellors/{id}/edit", recorder, get(web::counsellor_edit)),
        r(M::POST, "/family-counsellors/{id}", recorder, post(web::counsellor_update)),
    ]
}
