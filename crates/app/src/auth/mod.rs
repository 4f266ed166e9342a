//! Who is asking: passwords, sessions, the [`Actor`] of a request, CSRF
//! protection and the login flow with lockout.

pub mod access;
pub mod actor;
pub mod csrf;
pub mod language;
pub mod login;
pub mod outbox_key;
pub mod own_password;
pub mod password;
pub mod system;
pub mod token;

pub use access::Access;
pub use actor::{Actor, ApiActor, WebActor};
pub use system::System;
