//! Her language sticks: switched while logged in, it is kept on her
//! account and comes back at her next login, on any device.

use axum::http::HeaderMap;

use super::Actor;
use super::access::session_token;
use crate::i18n::Lang;
use crate::state::AppState;

/// Keeps `lang` for the user of the request's session, if there is one. A
/// failure costs her only the memory of the choice, so it is logged, not
/// shown: the switch itself goes on through the cookie.
pub async fn remember(state: &AppState, headers: &HeaderMap, lang: Lang) {
    let Some(token) = session_token(headers) else {
        return;
    };
    let Ok(actor) = Actor::from_token(state, &token).await else {
        return;
    };
    if actor.user.lang.as_deref() == Some(lang.tag()) {
        return;
    }
    let saved = match state
        .store
        .user_in_scope(actor.scope(), actor.user.id)
        .await
    {
        Ok(me) => state.store.set_language(&me, lang.tag()).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => state.users.invalidate(),
        Err(e) => tracing::warn!(error = %e, "language preference not saved"),
    }
}
