//! Needs and the practical-deeds ledger (实事台账).
//!
//! The ledger is three counter tables (see migration 0007) keyed by the
//! origin's ancestors, changed in the same transaction as the need.

pub(crate) mod write;
