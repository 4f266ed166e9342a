//! A user chooses her own password: after an administrator set one (the
//! new-user form, the batch import, a reset), and whenever she likes.
//! Shared by the web form and the API.

use jinguo_domain::{FieldError, Password};
use serde::Deserialize;

use super::{Actor, password};
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now};

/// The form and the API body.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct OwnPasswordInput {
    /// The password she logged in with.
    #[serde(default)]
    pub current_password: String,
    /// The password policy: at least 8 characters of three kinds (lowercase, uppercase, digits,
    /// symbols).
    #[serde(default)]
    pub new_password: String,
    /// The new password again; the web form asks for it, the API may leave it out.
    #[serde(default)]
    pub new_password_repeat: Option<String>,
}

/// Checks the current password, then the new one, and stores it: her other
/// sessions end, this one goes on. A wrong current password counts towards
/// the lockout like a failed login, so a session left open is no way to
/// guess it.
pub async fn change(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    input: &OwnPasswordInput,
) -> AppResult<()> {
    let creds = state.system.0.credentials(&actor.user.username).await?;
    let current_ok = password::verify(
        input.current_password.clone(),
        Some(creds.password_hash.clone()),
    )
    .await;
    let mut errors = Vec::new();
    if !current_ok {
        state
            .system
            .0
            .record_login_failure(
                actor.user.id,
                state.config.max_failed_logins,
                now() + state.config.lockout_minutes * 60,
            )
            .await?;
        errors.push(FieldError::new(
            "current_password",
            "err.password.current_wrong",
        ));
    }
    let new = match Password::parse(&input.new_password) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(FieldError::new("new_password", e.key));
            None
        }
    };
    if let Some(repeat) = &input.new_password_repeat
        && repeat != &input.new_password
    {
        errors.push(FieldError::new(
            "new_password_repeat",
            "err.password.repeat",
        ));
    }
    if current_ok && new.is_some() && input.new_password == input.current_password {
        errors.push(FieldError::new("new_password", "err.password.same"));
    }
    let (Some(new), true) = (new, errors.is_empty()) else {
        return Err(AppError::InvalidFields(errors));
    };
    let hash = password::hash(new).await?;
    let me = state
        .store
        .user_in_scope(actor.scope(), actor.user.id)
        .await?;
    state
        .store
        .set_own_password(&me, &hash, &actor.token_hash)
        .await?;
    state.users.invalidate();
    actor
        .audit(
            state,
            ip,
            "user.password_changed",
            actor.user.unit.id,
            format!("user={}", actor.user.username),
        )
        .await?;
    Ok(())
}
