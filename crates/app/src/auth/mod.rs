//! Who is asking: passwords, sessions, the [`Actor`] of a request, CSRF
//! protection and the login flow with lockout.

pub mod actor;
pub mod csrf;
pub mod login;
pub mod password;
pub mod token;

pub use actor::{Actor, ApiActor, WebActor};
