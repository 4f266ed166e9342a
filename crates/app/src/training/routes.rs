//! The module's routes: the route table (`crate::routes::table`) takes
//! them from here, and the router, the access layer, the authorization
//! matrix and the OpenAPI document all read that one table.
//!
//! Planning, enrolling and attendance are work (`record_work`); reading
//! programmes and classes is `read_records`; anything with names (rolls,
//! rosters, enrolments, untrained chairs, certificates) `read_personal`;
//! coverage `read_figures`.

use axum::extract::DefaultBodyLimit;
use axum::http::Method as M;
use axum::routing::{get, post};
use jinguo_domain::Capability as C;
use utoipa_axum::routes;

use super::{api, certificate, coverage_web, materials, roll_xlsx, scan, web};
use crate::attachments::MAX_ATTACHMENTS_BODY;
use crate::routes::{Access::*, RouteDef, a, r};

#[rustfmt::skip]
pub fn routes() -> Vec<RouteDef> {
    let recorder = Can(C::RecordWork);
    let records = Can(C::ReadRecords);
    let personal = Can(C::ReadPersonal);
    let figures = Can(C::ReadFigures);
    let files = || (MAX_ATTACHMENTS_BODY, crate::attachments::check::TOO_LARGE);
    vec![
        a(recorder, routes!(api::create_programme)),
        a(records, routes!(api::list_programmes)),
        a(records, routes!(api::show_programme)),
        a(recorder, routes!(api::create_class)),
        a(records, routes!(api::show_class)),
        a(records, routes!(api::open_classes)),
        a(personal, routes!(api::class_enrolments)),
        a(personal, routes!(api::list_enrolments)),
        a(recorder, routes!(api::enrol)),
        a(recorder, routes!(api::scan)),
        a(recorder, routes!(api::roll)),
        a(recorder, routes!(api::class_code)),
        a(figures, routes!(api::coverage)),
        r(M::GET, "/training", records, get(web::list)),
        r(M::GET, "/training/programmes/new", recorder, get(web::programme_form)),
        r(M::POST, "/training/programmes", recorder, post(web::create_programme)),
        r(M::GET, "/training/programmes/{id}", records, get(web::programme)),
        r(M::GET, "/training/programmes/{id}/classes/new", recorder, get(web::class_form)),
        r(M::POST, "/training/programmes/{id}/classes", recorder, post(web::create_class)),
        r(M::GET, "/training/classes/{id}", records, get(web::class)),
        r(M::GET, "/training/classes/{id}/code", recorder, get(scan::fragment)),
        r(M::POST, "/training/classes/{id}/attendance", recorder, post(web::roll)),
        r(M::GET, "/training/classes/{id}/roll.xlsx", personal, get(roll_xlsx::template)),
        r(M::POST, "/training/classes/{id}/roll", recorder, post(roll_xlsx::upload)).upload(roll_xlsx::body()),
        r(M::POST, "/training/classes/{id}/materials", recorder, post(materials::upload).layer(DefaultBodyLimit::max(MAX_ATTACHMENTS_BODY))).upload(files()),
        r(M::GET, "/training/classes/{id}/materials/{material}", records, get(materials::download)),
        r(M::GET, "/training/enrol", personal, get(web::enrol_form)),
        r(M::POST, "/training/enrolments", recorder, post(web::enrol)),
        r(M::GET, "/training/scan", recorder, get(scan::show)),
        r(M::POST, "/training/scan", recorder, post(scan::record)),
        r(M::GET, "/training/enrolments/{id}/certificate", personal, get(certificate::certificate)),
        r(M::GET, "/training-coverage", figures, get(coverage_web::coverage)),
        r(M::GET, "/training-coverage/export.xlsx", figures, get(coverage_web::export)),
        r(M::GET, "/training-coverage/untrained", personal, get(coverage_web::untrained)),
    ]
}
