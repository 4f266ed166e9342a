//! User administration shared by the API and the web pages: parse →
//! authorize → scope → store → audit.

use jinguo_domain::{Password, Person, Role, Roles, UnitCode, UserId, Username};
use jinguo_store::InScope;
use jinguo_store::model::{NewUser, User};

use crate::auth::{Actor, password};
use crate::error::AppResult;
use crate::state::AppState;

/// What a create-user form or body carries, still as text.
pub struct UserInput<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub unit_code: &'a str,
    pub roles: Vec<String>,
    /// 姓名, required.
    pub display_name: &'a str,
    /// 手机, optional.
    pub phone: &'a str,
    /// 职务, optional.
    pub position: &'a str,
}

/// Parses every field; the first invalid one is reported.
pub struct ValidUser {
    username: Username,
    password: Password,
    unit_code: UnitCode,
    roles: Roles,
    person: Person,
}

impl TryFrom<UserInput<'_>> for ValidUser {
    type Error = jinguo_domain::FieldError;

    fn try_from(i: UserInput<'_>) -> Result<Self, Self::Error> {
        let roles = Roles::new(
            i.roles
                .iter()
                .map(|r| Role::parse(r))
                .collect::<Result<_, _>>()?,
        )?;
        roles.check_separation()?;
        let username = Username::parse(i.username)?;
        let password = Password::parse(i.password)?;
        let unit_code = UnitCode::parse(i.unit_code)
            .map_err(|_| jinguo_domain::FieldError::new("unit_code", "err.code.format"))?;
        // The person's fields come last, so the account's own rules keep
        // the order clients rely on.
        let mut errors = Vec::new();
        let person = Person::parse(i.display_name, i.phone, i.position, &mut errors)
            .ok_or_else(|| errors.remove(0))?;
        Ok(ValidUser {
            username,
            password,
            unit_code,
            roles,
            person,
        })
    }
}

pub async fn create(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    input: UserInput<'_>,
) -> AppResult<UserId> {
    let v = ValidUser::try_from(input)?;
    // A unit outside the subtree is "not found", like a unit that does not exist.
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &v.unit_code)
        .await?;
    let hash = password::hash(v.password).await?;
    let id = state
        .store
        .create_person(
            actor.scope(),
            NewUser {
                username: v.username.clone(),
                password_hash: hash,
                unit: unit.id,
                roles: v.roles.clone(),
                must_change_password: true,
            },
            v.person,
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "user.created",
            unit.id,
            format!(
                "user={} roles={} unit={}",
                v.username,
                v.roles.to_list(),
                unit.code
            ),
        )
        .await?;
    Ok(id)
}

/// Finds a user of the admin's subtree.
pub async fn find(state: &AppState, actor: &Actor, id: UserId) -> AppResult<InScope<User>> {
    Ok(state.store.user_in_scope(actor.scope(), id).await?)
}

pub async fn set_active(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: UserId,
    active: bool,
) -> AppResult<User> {
    let user = find(state, actor, id).await?;
    // Locking oneself out would leave a unit without its administrator.
    if !active && user.id == actor.user.id {
        return Err(jinguo_domain::FieldError::new("user", "err.user.self_disable").into());
    }
    // Disabling ends her sessions in the same transaction.
    state.store.set_active(&user, active).await?;
    state.users.invalidate();
    let action = if active {
        "user.enabled"
    } else {
        "user.disabled"
    };
    actor
        .audit(
            state,
            ip,
            action,
            user.unit.id,
            format!("user={}", user.username),
        )
        .await?;
    Ok(user.into_inner())
}

pub async fn reset_password(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: UserId,
    new_password: &str,
) -> AppResult<User> {
    let user = find(state, actor, id).await?;
    // Her own password is changed on her own page, which asks for the
    // current one: whoever holds an administrator's open session must not
    // be able to take the account over with the administrators' route.
    if user.id == actor.user.id {
        return Err(jinguo_domain::FieldError::new("password", "err.user.self_reset").into());
    }
    let pw = Password::parse(new_password)?;
    let hash = password::hash(pw).await?;
    // A new password ends her sessions in the same transaction.
    state.store.set_password_hash(&user, &hash, true).await?;
    state.users.invalidate();
    actor
        .audit(
            state,
            ip,
            "user.password_reset",
            user.unit.id,
            format!("user={}", user.username),
        )
        .await?;
    Ok(user.into_inner())
}
