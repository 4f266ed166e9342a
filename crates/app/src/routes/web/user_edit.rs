//! The account edit page: an administrator changes 姓名, 职务, 手机, the
//! unit and the roles of an account of her subtree.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum_extra::extract::Form;
use jinguo_domain::Role;
use jinguo_store::model::User;
use minijinja::context;

use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::routes::api::parse_user_id as parse_user_id_page;
use crate::state::AppState;
use crate::user_edit::{self, AccountEditInput};
use crate::users;

async fn page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    user: &User,
    form: &AccountEditInput,
    errors: BTreeMap<String, &'static str>,
) -> WebResult {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut resp = state.templates.render(
        "user_edit.html",
        lang,
        Some(actor),
        context! {
            user,
            form,
            errors,
            is_self => user.id == actor.user.id,
            all_roles => Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
        },
    );
    *resp.status_mut() = status;
    Ok(resp)
}

/// `GET /users/{id}/edit`: the form, filled with what is on file (the
/// phone only as its mask: the number is sealed).
pub async fn form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let user = users::find(&state, &actor, parse_user_id_page(&id)?).await?;
    let form = AccountEditInput {
        display_name: user.display_name.clone().unwrap_or_default(),
        position: user.position.clone().unwrap_or_default(),
        phone: String::new(),
        clear_phone: false,
        unit_code: user.unit.code.to_string(),
        roles: user.roles.iter().map(|r| r.as_str().to_owned()).collect(),
    };
    page(&state, &actor, lang, &user, &form, BTreeMap::new()).await
}

/// `POST /users/{id}`: back to the list with a notice, or the form again
/// with every error at its field.
pub async fn save(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(input): Form<AccountEditInput>,
) -> WebResult {
    let id = parse_user_id_page(&id)?;
    match user_edit::update(&state, &actor, ip, id, &input).await {
        Ok(u) => {
            Ok(Redirect::to(&format!("/users?unit={}&done=updated", u.unit.code)).into_response())
        }
        Err(AppError::InvalidFields(errors)) => {
            let user = users::find(&state, &actor, id).await?;
            let errors = errors
                .into_iter()
                .map(|e| (e.field.to_string(), e.key))
                .collect();
            page(&state, &actor, lang, &user, &input, errors).await
        }
        Err(e) => Err(e),
    }
}
