//! The module's routes: the route table (`crate::routes::table`) takes
//! them from here, and the router, the access layer, the authorization
//! matrix and the OpenAPI document all read that one table.
//!
//! Issuing, nominating, recommending, declining, the notice, publishing and
//! deciding objections are work cadres record (`record_work`, as for tasks
//! issued down and reports reviewed up); reading campaigns is
//! `read_records`; the public notice, its objections and the certificates
//! need no login.

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
    vec![
        a(recorder, routes!(api::create_campaign)),
        a(records, routes!(api::list_campaigns)),
        a(records, routes!(api::show_campaign)),
        a(recorder, routes!(api::nominate)),
        a(records, routes!(api::show_nomination)),
        a(recorder, routes!(api::recommend)),
        a(recorder, routes!(api::decline)),
        a(recorder, routes!(api::notice)),
        a(recorder, routes!(api::publish)),
        a(recorder, routes!(api::decide)),
        a(records, routes!(api::families)),
        a(Public, routes!(api::categories)),
        a(Public, routes!(api::public_notices)),
        a(Public, routes!(api::public_notice)),
        a(Public, routes!(api::lodge)),
        r(M::GET, "/honours", records, get(web::list)),
        r(M::GET, "/honours/new", recorder, get(web::new_form)),
        r(M::POST, "/honours", recorder, post(web::create)),
        r(M::GET, "/honours/{id}", records, get(web::show)),
        r(M::GET, "/honours/{id}/nominate", recorder, get(web::nominate_form)),
        r(M::POST, "/honours/{id}/nominations", recorder, post(web::nominate)),
        r(M::POST, "/honours/{id}/notice", recorder, post(web::notice)),
        r(M::POST, "/honours/{id}/publish", recorder, post(web::publish)),
        r(M::POST, "/honours/nominations/{id}/recommend", recorder, post(web::recommend)),
        r(M::POST, "/honours/nominations/{id}/decline", recorder, post(web::decline)),
        r(M::POST, "/honours/objections/{id}/decide", recorder, post(web::decide)),
        r(M::GET, "/public/honours", Public, get(web::public_list)),
        r(M::GET, "/public/honours/style.css", Public, get(web::style)),
        r(M::GET, "/public/honours/{id}", Public, get(web::public_show)),
        r(M::POST, "/public/honours/{id}/objections", Public, post(web::public_object)),
        r(M::GET, "/public/honours/{id}/certificates/{nomination}", Public, get(web::certificate)),
    ]
}
