//! Her own account: choosing her own password.

use std::collections::BTreeMap;

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use minijinja::context;
use serde::Deserialize;

use crate::auth::own_password::{self, OwnPasswordInput};
use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct PasswordQuery {
    done: Option<String>,
}

fn page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    errors: BTreeMap<String, &'static str>,
    done: bool,
) -> axum::response::Response {
    state.templates.render(
        "account_password.html",
        lang,
        Some(actor),
        context! {
            errors,
            done,
            required => actor.user.must_change_password,
        },
    )
}

/// `GET /account/password`: the form (the only page until she has chosen
/// her own password, when an administrator set it).
pub async fn form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<PasswordQuery>,
) -> WebResult {
    let done = q.done.as_deref() == Some("changed");
    let mut resp = page(&state, &actor, lang, BTreeMap::new(), done);
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

/// `POST /account/password`: on success back to the form with a message;
/// errors at their fields, nothing typed shown again.
pub async fn change(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Form(input): Form<OwnPasswordInput>,
) -> WebResult {
    let input = OwnPasswordInput {
        new_password_repeat: Some(input.new_password_repeat.unwrap_or_default()),
        ..input
    };
    match own_password::change(&state, &actor, ip, &input).await {
        Ok(()) => Ok(Redirect::to("/account/password?done=changed").into_response()),
        Err(AppError::InvalidFields(errors)) => {
            let errors = errors
                .into_iter()
                .map(|e| (e.field.to_string(), e.key))
                .collect();
            let mut resp = page(&state, &actor, lang, errors, false);
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}
