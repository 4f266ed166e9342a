use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use super::local_path;
use crate::i18n::Lang;
use crate::render::LANG_COOKIE;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LangQuery {
    set: String,
    back: Option<String>,
}

/// The cookie that carries the language of the pages for a year.
pub fn lang_cookie(lang: Lang) -> Cookie<'static> {
    Cookie::build((LANG_COOKIE, lang.tag()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build()
}

/// `GET /lang?set=en[&back=/path]`: a preference, kept on her account when
/// she is logged in. Without `back`, returns to the page the link was on.
pub async fn switch(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let referer_path = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()));
    let back = local_path(q.back.as_deref().or(referer_path.as_deref())).to_owned();
    match Lang::from_tag(&q.set) {
        Some(lang) => {
            crate::auth::language::remember(&state, &headers, lang).await;
            (jar.add(lang_cookie(lang)), Redirect::to(&back)).into_response()
        }
        None => Redirect::to(&back).into_response(),
    }
}
