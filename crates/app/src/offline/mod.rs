//! Field capture without signal (issue 18): the phone app's manifest and
//! service worker, the outbox page, and what a phone fetches while in range
//! so that it can work out of it.
//!
//! The server's side is small on purpose. Pages stay server-rendered: the
//! service worker (`static/sw.js`) keeps copies of the field forms a cadre
//! needs (记一笔, a need, the visit form, her open tasks' report forms) and
//! the outbox (`static/outbox.js`) queues what she submits while offline in
//! IndexedDB, then posts it to the ordinary form routes when she is back in
//! range. Those routes already take an idempotency key and the time the
//! record was made on the phone (`crate::idempotency`), so a queued entry
//! sent twice records once and counts in the month it happened.
//!
//! Entries with personal data (visits, needs) and the household directory
//! the offline visit form picks from are encrypted on the phone (AES-GCM)
//! under her outbox key ([`web::key`]): handed out to her sessions, held on
//! the phone only as a non-extractable WebCrypto key, and cleared on the
//! server when an administrator ends her sessions — the phone drops its
//! copy at the next contact, and what was queued under it can no longer be
//! read. Logging out wipes the outbox after a warning.

mod routes;
pub mod web;

pub const MODULE: crate::routes::Module = crate::routes::Module {
    routes: routes::routes,
    menu: &[],
    dictionaries: &[],
    demo: None,
};
