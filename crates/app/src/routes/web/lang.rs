use axum::extract::Query;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use super::local_path;
use crate::i18n::Lang;
use crate::render::LANG_COOKIE;

#[derive(Deserialize)]
pub struct LangQuery {
    set: String,
    back: Option<String>,
}

/// `GET /lang?set=en[&back=/path]`: a preference, not a change of data.
/// Without `back`, returns to the page the link was on.
pub async fn switch(jar: CookieJar, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let referer_path = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()));
    let back = local_path(q.back.as_deref().or(referer_path.as_deref())).to_owned();
    match Lang::from_tag(&q.set) {
        Some(lang) => {
            let cookie = Cookie::build((LANG_COOKIE, lang.tag()))
                .path("/")
                .same_site(SameSite::Lax)
                .max_age(time::Duration::days(365))
                .build();
            (jar.add(cookie), Redirect::to(&back)).into_response()
        }
        None => Redirect::to(&back).into_response(),
    }
}
