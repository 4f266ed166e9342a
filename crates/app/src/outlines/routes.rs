//! The module's routes: the route table (`crate::routes::table`) takes
//! them from here, and the router, the access layer, the authorization
//! matrix and the OpenAPI document all read that one table.
//!
//! Figures and targets are `read_figures` (no personal data); the
//! catalogue is for everyone logged in, department reporters included;
//! a department's own report is `report_indicators` (department reporters
//! only); the catalogue's edits need `manage_outlines` at the region,
//! targets and checking reports `manage_outlines` in the subtree; a
//! reporter's department is assigned with `manage_users`.

use axum::extract::DefaultBodyLimit;
use axum::http::Method as M;
use axum::routing::{get, post};
use jinguo_domain::Capability as C;
use utoipa_axum::routes;

use super::{api, office, web};
use crate::routes::{Access::*, RouteDef, a, r};

#[rustfmt::skip]
pub fn routes() -> Vec<RouteDef> {
    let figures = Can(C::ReadFigures);
    let reporter = Can(C::ReportIndicators);
    let office = Can(C::ManageOutlines);
    vec![
        a(LoggedIn, routes!(api::list_indicators)),
        a(CanAtRegion(C::ManageOutlines), routes!(api::save_indicators)),
        a(figures, routes!(api::list_targets)),
        a(office, routes!(api::set_target)),
        a(reporter, routes!(api::my_report)),
        a(reporter, routes!(api::save_outline_report)),
        a(reporter, routes!(api::submit_outline_report)),
        a(office, routes!(api::office_report)),
        a(office, routes!(api::approve)),
        a(office, routes!(api::return_report)),
        a(office, routes!(api::reviews)),
        a(figures, routes!(api::unit_outlines)),
        a(figures, routes!(api::unit_outlines_workbook)),
        a(figures, routes!(api::unit_outlines_assessment)),
        a(figures, routes!(api::unit_outlines_unreported)),
        a(Can(C::ManageUsers), routes!(api::set_reporter)),
        r(M::GET, "/outlines", figures, get(web::attainment)),
        r(M::GET, "/outlines/style.css", Public, get(web::style)),
        r(M::GET, "/outlines/report.xlsx", figures, get(web::workbook)),
        r(M::GET, "/outlines/print", figures, get(web::print)),
        r(M::GET, "/outlines/assessment.xlsx", figures, get(web::assessment)),
        r(M::GET, "/outlines/unreported", figures, get(web::unreported)),
        r(M::POST, "/outlines/unreported/remind", office, post(web::remind)),
        r(M::GET, "/outlines/catalogue", LoggedIn, get(web::catalogue)),
        r(M::POST, "/outlines/catalogue/import", CanAtRegion(C::ManageOutlines),
          post(web::import_catalogue).layer(DefaultBodyLimit::max(web::import_body().0)))
            .upload(web::import_body()),
        r(M::GET, "/outlines/catalogue/template.xlsx", CanAtRegion(C::ManageOutlines),
          get(office::template)),
        r(M::GET, "/outlines/catalogue/{code}/edit", CanAtRegion(C::ManageOutlines),
          get(office::edit_indicator)),
        r(M::POST, "/outlines/catalogue/{code}/edit", CanAtRegion(C::ManageOutlines),
          post(office::update_indicator)),
        r(M::GET, "/outlines/targets", office, get(office::targets)),
        r(M::POST, "/outlines/targets", office, post(office::set_target)),
        r(M::GET, "/outlines/reporters", Can(C::ManageUsers), get(office::reporters)),
        r(M::POST, "/outlines/reporters/{id}", Can(C::ManageUsers), post(office::set_reporter)),
        r(M::GET, "/outlines/report", reporter, get(web::report_form)),
        r(M::POST, "/outlines/report", reporter, post(web::save_outline_report)),
        r(M::POST, "/outlines/report/submit", reporter, post(web::submit_outline_report)),
        r(M::GET, "/outlines/review", office, get(web::review_list)),
        r(M::POST, "/outlines/review/{year}/{code}/{department}/approve", office, post(web::approve)),
        r(M::POST, "/outlines/review/{year}/{code}/{department}/return", office, post(web::return_report)),
    ]
}
