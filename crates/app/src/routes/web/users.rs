use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use jinguo_domain::{FieldError, Role};
use jinguo_store::model::{Unit, UserFilter};
use minijinja::context;
use serde::Deserialize;

use super::page_code;
use super::unit_of;
use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::paging::PER_PAGE;
use crate::render::WebResult;
use crate::routes::api::parse_user_id as parse_user_id_page;
use crate::state::AppState;
use crate::user_list::{STATUSES, UserParams};
use crate::users::{self, UserInput};
use crate::xlsx::export::{Table, TableRow};

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    /// Keyset paging: users older than this id. Only links carry it, so a
    /// malformed one is no page (404), like a malformed unit code.
    before: Option<String>,
    done: Option<String>,
    #[serde(flatten)]
    filter: UserParams,
}

/// Accounts in one export: every account of a large subtree.
const EXPORT_MAX: i64 = 20_000;

/// The unit and the parsed filters (or the field errors to show beside them).
async fn read(
    state: &AppState,
    actor: &Actor,
    q: &ListQuery,
) -> Result<(Unit, Result<UserFilter, Vec<FieldError>>), AppError> {
    let unit = unit_of(state, actor, q.unit.as_deref()).await?;
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let filter = q.filter.parse().map(|f| UserFilter { before, ..f });
    Ok((unit, filter))
}

/// `GET /users?unit=`: accounts of a unit's subtree, searched by username,
/// name or position and filtered by role and state, newest first, paged by
/// id.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let (unit, filter) = read(&state, &actor, &q).await?;
    let (rows, errors) = match filter {
        Ok(f) => (
            state
                .store
                .users_filtered(actor.scope(), &unit, &f, PER_PAGE + 1)
                .await?,
            vec![],
        ),
        Err(errors) => (vec![], errors),
    };
    let has_next = rows.len() as i64 > PER_PAGE;
    let list: Vec<_> = rows.into_iter().take(PER_PAGE as usize).collect();
    let next = has_next.then(|| list.last().map(|r| r.id)).flatten();
    let errors: BTreeMap<_, _> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key.to_string()))
        .collect();
    // Only notices we know; the parameter comes from the address bar.
    let done = q.done.clone().filter(|d| {
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
        context! {
            unit, users => list, next, done, errors,
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            filter => &q.filter, query => q.filter.query(),
            all_roles => role_names(), statuses => STATUSES,
            first_page => q.before.as_deref().unwrap_or("").is_empty(),
            filtered => !q.filter.query().is_empty(),
        },
    ))
}

/// `GET /users/export.xlsx`: the same filtered list as a workbook. The
/// phone goes out masked, as the list shows it; the number stays sealed.
pub async fn export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (unit, filter) = read(&state, &actor, &q).await?;
    let filter = filter.map_err(AppError::InvalidFields)?;
    let rows = state
        .store
        .users_filtered(actor.scope(), &unit, &filter, EXPORT_MAX)
        .await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let table = Table {
        name: t("users.title"),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "people.display_name",
                "users.username",
                "people.position",
                "people.phone",
                "users.unit",
                "users.roles",
                "users.status",
            ],
        ),
        widths: vec![14.0, 16.0, 16.0, 14.0, 24.0, 20.0, 10.0],
        rows: rows
            .iter()
            .map(|u| {
                let roles: Vec<String> = u
                    .roles
                    .iter()
                    .map(|r| t(&format!("role.{}", r.as_str())))
                    .collect();
                let status = if !u.active {
                    "users.disabled"
                } else if u.locked_until.is_some() {
                    "users.locked"
                } else {
                    "users.active"
                };
                TableRow {
                    texts: vec![
                        u.display_name.clone().unwrap_or_default(),
                        u.username.clone(),
                        u.position.clone().unwrap_or_default(),
                        u.phone_mask.clone().unwrap_or_default(),
                        u.unit.name.clone(),
                        roles.join("、"),
                        t(status),
                    ],
                    numbers: vec![],
                    total: false,
                }
            })
            .collect(),
    };
    crate::xlsx::list_download(&unit, &t("users.title"), "users", table)
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
        // Her own row offers 修改密码 instead; a hand-made post goes there.
        Err(AppError::Invalid(e)) if e.key == "err.user.self_reset" => {
            Ok(Redirect::to(crate::auth::access::OWN_PASSWORD_PAGE).into_response())
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
