//! The translation page's rows of the route table: at the region only,
//! since the catalogue serves everyone.

use axum::http::Method as M;
use axum::routing::{get, post};
use jinguo_domain::Capability as C;

use super::web;
use crate::routes::{Access::*, RouteDef, r};

#[rustfmt::skip]
pub fn routes() -> Vec<RouteDef> {
    let reviewer = CanAtRegion(C::ReviewTranslations);
    vec![
        r(M::GET, "/translations", reviewer, get(web::list)),
        r(M::POST, "/translations", reviewer, post(web::save)),
        r(M::GET, "/translations/mn-Mong.toml", reviewer, get(web::export)),
        r(M::GET, "/translations/mn-Mong.reviewed", reviewer, get(web::reviewed)),
    ]
}
