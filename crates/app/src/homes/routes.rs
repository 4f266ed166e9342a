//! The module's routes: the route table (`crate::routes::table`) takes
//! them from here, and the router, the access layer, the authorization
//! matrix and the OpenAPI document all read that one table.

use axum::http::Method as M;
use axum::routing::get;
use jinguo_domain::Capability as C;
use utoipa_axum::routes;

use super::{api, web};
use crate::routes::{Access::*, RouteDef, a, r};

#[rustfmt::skip]
pub fn routes() -> Vec<RouteDef> {
    let recorder = Can(C::RecordWork);
    let records = Can(C::ReadRecords);
    let figures = Can(C::ReadFigures);
    let photo_form = || (web::FORM_BODY, crate::photos::check::TOO_LARGE);
    vec![
        a(recorder, routes!(api::create)),
        a(records, routes!(api::list)),
        a(records, routes!(api::show)),
        a(recorder, routes!(api::update)),
        a(recorder, api::photo_route()),
        a(records, routes!(api::photo)),
        a(figures, routes!(api::coverage)),
        a(Public, routes!(api::facilities)),
        r(M::GET, "/homes", records, get(web::list)),
        r(M::GET, "/homes/export.xlsx", records, get(web::export)),
        r(M::GET, "/homes/new", recorder, get(web::new_form)),
        r(M::POST, "/homes", recorder, web::create_route()).upload(photo_form()),
        r(M::GET, "/homes/{id}", records, get(web::show)),
        r(M::GET, "/homes/{id}/edit", recorder, get(web::edit_form)),
        r(M::POST, "/homes/{id}", recorder, web::update_route()).upload(photo_form()),
        r(M::GET, "/homes/{id}/photo", records, get(web::photo)),
    ]
}
