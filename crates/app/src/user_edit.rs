//! An administrator edits an account of her subtree: its person (姓名,
//! 职务, 手机), its unit and its roles. Shared by the web form and the API:
//! parse every field → find the user in scope → store in one transaction →
//! audit the names of the changed fields (never their values).

use jinguo_domain::{FieldError, Person, Phone, Role, Roles, UnitCode, UserId};
use jinguo_store::model::{AccountChange, PhoneChange, User};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The edit form and the API body.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AccountEditInput {
    /// 姓名, required.
    #[serde(default)]
    pub display_name: String,
    /// 职务; empty clears it.
    #[serde(default)]
    pub position: String,
    /// A new phone; empty keeps the one on file (which is sealed and never shown).
    #[serde(default)]
    pub phone: String,
    /// Remove the phone on file.
    #[serde(default)]
    pub clear_phone: bool,
    /// Her unit: a 12-digit code (or sector code) of the administrator's subtree.
    #[serde(default)]
    pub unit_code: String,
    /// One or more of `admin`, `cadre`, `caseworker`, `auditor`, `translator`; admin and
    /// auditor not together.
    #[serde(default)]
    pub roles: Vec<String>,
}

struct Parsed {
    unit_code: UnitCode,
    roles: Roles,
    person: Person,
    phone: PhoneChange,
}

fn parse(input: &AccountEditInput) -> Result<Parsed, Vec<FieldError>> {
    let mut errors = Vec::new();
    let roles = input
        .roles
        .iter()
        .map(|r| Role::parse(r))
        .collect::<Result<Vec<_>, _>>()
        .and_then(Roles::new)
        .and_then(|r| r.check_separation().map(|()| r));
    let roles = roles.map_err(|e| errors.push(e)).ok();
    let unit_code = UnitCode::parse(&input.unit_code)
        .map_err(|_| errors.push(FieldError::new("unit_code", "err.code.format")))
        .ok();
    // The phone is parsed here as a whole person is, blank meaning "keep".
    let person = Person::parse(
        &input.display_name,
        &input.phone,
        &input.position,
        &mut errors,
    );
    let phone = match (input.clear_phone, input.phone.trim()) {
        (true, _) => PhoneChange::Clear,
        (false, "") => PhoneChange::Keep,
        (false, p) => match Phone::parse(p) {
            Ok(p) => PhoneChange::Set(p),
            Err(_) => PhoneChange::Keep, // already reported by Person::parse
        },
    };
    match (unit_code, roles, person, errors.is_empty()) {
        (Some(unit_code), Some(roles), Some(person), true) => Ok(Parsed {
            unit_code,
            roles,
            person,
            phone,
        }),
        _ => Err(errors),
    }
}

/// Changes the account; her own roles and unit stay as they are (an
/// administrator who edits herself out of her role or subtree would lock
/// her unit out of its accounts).
pub async fn update(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: UserId,
    input: &AccountEditInput,
) -> AppResult<User> {
    let user = crate::users::find(state, actor, id).await?;
    let p = parse(input).map_err(AppError::InvalidFields)?;
    let unit = state
        .store
        .unit_in_scope(actor.scope(), &p.unit_code)
        .await
        .map_err(|_| {
            AppError::InvalidFields(vec![FieldError::new("unit_code", "err.user.unit_scope")])
        })?;
    if user.id == actor.user.id && (unit.id != user.unit.id || p.roles != user.roles) {
        return Err(AppError::InvalidFields(vec![FieldError::new(
            "roles",
            "err.user.self_change",
        )]));
    }
    let mut changed = Vec::new();
    if p.person.display_name.as_deref() != user.display_name.as_deref() {
        changed.push("display_name");
    }
    if p.person.position.as_deref() != user.position.as_deref() {
        changed.push("position");
    }
    if !matches!(p.phone, PhoneChange::Keep) {
        changed.push("phone");
    }
    if unit.id != user.unit.id {
        changed.push("unit");
    }
    if p.roles != user.roles {
        changed.push("roles");
    }
    state
        .store
        .update_account(
            actor.scope(),
            &user,
            AccountChange {
                unit: unit.id,
                roles: p.roles.clone(),
                display_name: p.person.display_name.clone().unwrap_or_default(),
                position: p.person.position.clone(),
                phone: p.phone,
            },
        )
        .await?;
    state.users.invalidate();
    actor
        .audit(
            state,
            ip,
            "user.updated",
            unit.id,
            format!(
                "user={} changed={} roles={} unit={}",
                user.username,
                if changed.is_empty() {
                    "-".to_owned()
                } else {
                    changed.join(",")
                },
                p.roles.to_list(),
                unit.code
            ),
        )
        .await?;
    Ok(crate::users::find(state, actor, id).await?.into_inner())
}
