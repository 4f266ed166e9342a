//! The module's routes: the route table (`crate::routes::table`) takes
//! them from here, and the router, the access layer, the authorization
//! matrix and the OpenAPI document all read that one table.

use axum::http::Method as M;
use axum::routing::{get, post, put};
use jinguo_domain::Capability as C;

use super::{api, web};
use crate::routes::{Access::*, RouteDef, r};

#[rustfmt::skip]
pub fn routes() -> Vec<RouteDef> {
    let recorder = Can(C::RecordWork);
    let records = Can(C::ReadRecords);
    let figures = Can(C::ReadFigures);
    let photo_form = || (web::FORM_BODY, crate::photos::check::TOO_LARGE);
    vec![
        r(M::POST, "/api/v1/homes", recorder, post(api::create)),
        r(M::GET, "/api/v1/homes", records, get(api::list)),
        r(M::GET, "/api/v1/homes/{id}", records, get(api::show)),
        r(M::PUT, "/api/v1/homes/{id}", recorder, put(api::update)),
        r(M::POST, "/api/v1/homes/{id}/photo", recorder, api::photo_route()),
        r(M::GET, "/api/v1/homes/{id}/photo", records, get(api::photo)),
        r(M::GET, "/api/v1/units/{code}/homes/coverage", figures, get(api::coverage)),
        r(M::GET, "/api/v1/dictionaries/home-facilities", Public, get(api::facilities)),
        r(M::GET, "/homes", records, get(web::list)),
        r(M::GET, "/homes/new", recorder, get(web::new_form)),
        r(M::POST, "/homes", recorder, web::create_route()).upload(photo_form()),
        r(M::GET, "/homes/{id}", records, get(web::show)),
        r(M::GET, "/homes/{id}/edit", recorder, get(web::edit_form)),
        r(M::POST, "/homes/{id}", recorder, web::update_route()).upload(photo_form()),
        r(M::GET, "/homes/{id}/photo", records, get(web::photo)),
    ]
}
