//! The login flow shared by the web form and the API, with lockout.
//!
//! Every refusal looks the same from outside: an unknown name, a wrong
//! password and a disabled account all answer "wrong username or password",
//! and unknown names lock after the same number of failures as real ones.

use jinguo_store::model::{LastLogin, NewAudit, User};
use jinguo_store::{SessionStore, StoreError};

use super::password;
use super::token::{new_token, token_hash};
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now};

/// A started session: the token goes to the client, only its hash is kept.
pub struct LoggedIn {
    pub user: User,
    pub token: String,
    pub csrf: String,
    /// The login before this one (MLPS level 3 asks to show it); `None`
    /// for the account's first.
    pub last_login: Option<LastLogin>,
}

/// Bound on remembered unknown names, so guessing cannot exhaust memory.
const MAX_UNKNOWN_TRACKED: usize = 10_000;

pub async fn attempt(
    state: &AppState,
    username: &str,
    pw: &str,
    ip: Option<String>,
) -> AppResult<LoggedIn> {
    let name: String = username.trim().to_lowercase().chars().take(64).collect();
    let now = now();
    let lock_secs = state.config.lockout_minutes * 60;
    let creds = match state.system.0.credentials(&name).await {
        Ok(c) => Some(c),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let Some(creds) = creds else {
        return unknown_user(state, name, pw, ip, now, lock_secs).await;
    };
    let user = creds.user;
    let audit = |action: &'static str, detail: &str| NewAudit {
        at: now,
        actor: Some((user.id, user.username.clone())),
        action,
        detail: detail.to_owned(),
        ip: ip.clone(),
        unit: user.unit.id,
    };
    if let Some(until) = user.locked_until.filter(|&u| u > now) {
        state
            .store
            .append_audit(audit("login.refused", "reason.locked"))
            .await?;
        return Err(AppError::Locked {
            retry_after_secs: until - now,
        });
    }
    let ok = password::verify(pw.to_owned(), Some(creds.password_hash)).await;
    if !ok {
        let locked = state
            .system
            .0
            .record_login_failure(user.id, state.config.max_failed_logins, now + lock_secs)
            .await?;
        state
            .store
            .append_audit(audit("login.failed", "reason.wrong_password"))
            .await?;
        if locked {
            state
                .store
                .append_audit(audit("login.lockout", "reason.too_many_failures"))
                .await?;
        }
        return Err(AppError::BadCredentials);
    }
    if !user.active {
        state
            .store
            .append_audit(audit("login.refused", "reason.disabled"))
            .await?;
        return Err(AppError::BadCredentials);
    }
    let token = new_token();
    let csrf = new_token();
    let last_login = state
        .system
        .0
        .start_login_session(&token_hash(&token), user.id, &csrf, now, ip.as_deref())
        .await?;
    state.store.append_audit(audit("login", "")).await?;
    Ok(LoggedIn {
        user,
        token,
        csrf,
        last_login,
    })
}

async fn unknown_user(
    state: &AppState,
    name: String,
    pw: &str,
    ip: Option<String>,
    now: i64,
    lock_secs: i64,
) -> AppResult<LoggedIn> {
    let locked_until = {
        let map = state.unknown_logins.lock().expect("lock not poisoned");
        map.get(&name).map(|&(_, until)| until).filter(|&u| u > now)
    };
    if let Some(until) = locked_until {
        return Err(AppError::Locked {
            retry_after_secs: until - now,
        });
    }
    // Same work as a real check, so timing does not tell names apart.
    password::verify(pw.to_owned(), None).await;
    {
        let mut map = state.unknown_logins.lock().expect("lock not poisoned");
        if map.len() >= MAX_UNKNOWN_TRACKED {
            map.retain(|_, &mut (_, until)| until > now);
            if map.len() >= MAX_UNKNOWN_TRACKED {
                map.clear();
            }
        }
        let entry = map.entry(name).or_insert((0, 0));
        entry.0 += 1;
        if entry.0 >= state.config.max_failed_logins {
            *entry = (0, now + lock_secs);
        }
    }
    // The typed name is not recorded: people type passwords into it.
    let root = state.store.root_unit().await?;
    state
        .store
        .append_audit(NewAudit {
            at: now,
            actor: None,
            action: "login.failed",
            detail: "reason.unknown_username".into(),
            ip,
            unit: root.id,
        })
        .await?;
    Err(AppError::BadCredentials)
}

/// Ends a session.
pub async fn logout(state: &AppState, token_hash: &str) -> AppResult<()> {
    state.system.0.delete_session(token_hash).await?;
    Ok(())
}
