use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use minijinja::context;
use serde::Deserialize;

use super::local_path;
use crate::auth::actor::SESSION_COOKIE;
use crate::auth::csrf::PRE_SESSION_COOKIE;
use crate::auth::token::new_token;
use crate::auth::{WebActor, login};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn cookie<'a>(state: &AppState, name: &'a str, value: String) -> Cookie<'a> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Lax)
        .build()
}

fn login_page(
    state: &AppState,
    jar: CookieJar,
    lang: Lang,
    error_key: Option<&str>,
    username: &str,
    next: &str,
) -> Response {
    // The pre-session CSRF token: kept if present, made if not.
    let token = jar
        .get(PRE_SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_else(new_token);
    let jar = jar.add(cookie(state, PRE_SESSION_COOKIE, token.clone()));
    let page = state.templates.render(
        "login.html",
        lang,
        None,
        context! { login_csrf => token, error_key, username, next },
    );
    (jar, page).into_response()
}

/// `GET /login`.
pub async fn form(
    State(state): State<AppState>,
    jar: CookieJar,
    lang: Lang,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = local_path(q.next.as_deref()).to_owned();
    login_page(&state, jar, lang, None, "", &next)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /login`: on success a fresh session cookie; on failure the same
/// page with one generic message, the typed username kept.
pub async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Form(f): Form<LoginForm>,
) -> WebResult {
    let next = local_path(f.next.as_deref()).to_owned();
    match login::attempt(&state, &f.username, &f.password, ip).await {
        Ok(done) => {
            let mut jar = jar
                .add(cookie(&state, SESSION_COOKIE, done.token))
                .remove(Cookie::build(PRE_SESSION_COOKIE).path("/"));
            // Her language comes with her, to a new phone too.
            if let Some(lang) = done.user.lang.as_deref().and_then(Lang::from_tag) {
                jar = jar.add(super::lang::lang_cookie(lang));
            }
            Ok((jar, Redirect::to(&next)).into_response())
        }
        Err(e @ (AppError::BadCredentials | AppError::Locked { .. })) => {
            let mut resp = login_page(&state, jar, lang, Some(e.message_key()), &f.username, &next);
            *resp.status_mut() = e.status();
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    WebActor(actor): WebActor,
) -> WebResult {
    login::logout(&state, &actor.token_hash).await?;
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/login")).into_response())
}
