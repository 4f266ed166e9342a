use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum_extra::extract::Form;
use jinguo_domain::Role;
use minijinja::context;
use serde::Deserialize;

use super::page_code;
use super::unit_of;
use crate::auth::WebActor;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::paging::PageNo;
use crate::render::WebResult;
use crate::routes::api::parse_user_id as parse_user_id_page;
use crate::state::AppState;
use crate::users::{self, UserInput};

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    page: Option<i64>,
    done: Option<String>,
}

/// `GET /users?unit=`: accounts of a unit's subtree.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page_no = PageNo::new(q.page);
    let rows = state
        .store
        .users_under(actor.scope(), unit.id, page_no.query())
        .await?;
    let (list, has_next) = page_no.split(rows);
    // Only notices we know; the parameter comes from the address bar.
    let done = q.done.filter(|d| {
        [
            "created",
            "disabled",
            "enabled",
            "password",
            "password_weak",
            "updated",
        ]
        .contains(&d.as_str())
    });
    Ok(state.templates.render(
        "users.html",
        lang,
        Some(&actor),
        context! { unit, users => list, page_no, has_next, done },
    ))
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    unit: Option<String>,
}

/// `GET /users/new`.
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<NewQuery>,
) -> WebResult {
    let code = q
        .unit
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(page_code)
        .transpose()?;
    let unit_code = actor
        .unit_or_own(&state, code.as_ref())
        .await?
        .code
        .to_string();
    Ok(state.templates.render(
        "user_new.html",
        lang,
        Some(&actor),
        context! {
            unit_choices => crate::units::picker(&state, &actor, &unit_code).await?,
            form => context!{ unit_code, roles => vec!["cadre"] }, all_roles => role_names(),
        },
    ))
}

fn role_names() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    position: String,
}

/// `POST /users`: errors come back next to their field, with what was typed
/// kept (except the password).
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Form(f): Form<CreateForm>,
) -> WebResult {
    let input = UserInput {
        username: &f.username,
        password: &f.password,
        unit_code: &f.unit_code,
        roles: f.roles.clone(),
        display_name: &f.display_name,
        phone: &f.phone,
        position: &f.position,
    };
    match users::create(&state, &actor, ip, input).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/users?unit={}&done=created", f.unit_code.trim()))
                .into_response(),
        ),
        Err(e) => {
            let (field, key) = match &e {
                AppError::Invalid(_) | AppError::Conflict { .. } => (e.field(), e.message_key()),
                // A unit outside the subtree reads as an unknown unit.
                AppError::NotFound => (Some("unit_code"), "err.unit.unknown"),
                _ => return Err(e),
            };
            let mut resp = state.templates.render(
                "user_new.html",
                lang,
                Some(&actor),
                context! {
                    form => context!{
                        username => f.username, unit_code => f.unit_code, roles => f.roles,
                        display_name => f.display_name, phone => f.phone, position => f.position,
                    },
                    all_roles => role_names(),
                    error_field => field,
                    error_key => key,
                    unit_choices => crate::units::picker(&state, &actor, &f.unit_code).await?,
                },
            );
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
    }
}

/// `POST /users/{id}/disable`.
pub async fn disable(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> WebResult {
    let u = users::set_active(&state, &actor, ip, parse_user_id_page(&id)?, false).await?;
    Ok(Redirect::to(&format!("/users?unit={}&done=disabled", u.unit.code)).into_response())
}

/// `POST /users/{id}/enable`.
pub async fn enable(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> WebResult {
    let u = users::set_active(&state, &actor, ip, parse_user_id_page(&id)?, true).await?;
    Ok(Redirect::to(&format!("/users?unit={}&done=enabled", u.unit.code)).into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// `POST /users/{id}/password`.
pub async fn reset_password(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<PasswordForm>,
) -> WebResult {
    let id = parse_user_id_page(&id)?;
    match users::reset_password(&state, &actor, ip, id, &f.password).await {
        Ok(u) => {
            Ok(Redirect::to(&format!("/users?unit={}&done=password", u.unit.code)).into_response())
        }
        Err(AppError::Invalid(_)) => {
            let u = users::find(&state, &actor, id).await?;
            Ok(
                Redirect::to(&format!("/users?unit={}&done=password_weak", u.unit.code))
                    .into_response(),
            )
        }
        Err(e) => Err(e),
    }
}
