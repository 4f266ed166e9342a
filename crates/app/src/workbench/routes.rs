//! The workbench's rows of the route table.

use axum::http::Method as M;
use axum::routing::get;
use jinguo_domain::Capability as C;

use super::web;
use crate::routes::{Access::*, RouteDef, r};

#[rustfmt::skip]
pub fn routes() -> Vec<RouteDef> {
    let figures = Can(C::ReadFigures);
    vec![
        r(M::GET, "/", LoggedIn, get(web::home)),
        r(M::GET, "/quiet/{code}", figures, get(web::quiet)),
        r(M::GET, "/quiet/{code}/export.xlsx", figures, get(web::quiet_export)),
    ]
}
