//! Case statistics maintained on write (design 3): every write to a case
//! reads the case's counted facts before and after, in the same
//! transaction, and moves the counters by the difference.
//!
//! PLACEHOLDER until the statistics branch lands: `facts` reads nothing and
//! `apply` changes nothing. The call sites in the writers are final.

use sqlx::AnyConnection;

use crate::Result;
use crate::sql::Backend;

/// What the statistics count of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaseFacts;

/// The counted facts of case `id` as the transaction sees it now.
pub(crate) async fn facts(_conn: &mut AnyConnection, _id: i64) -> Result<Option<CaseFacts>> {
    Ok(None)
}

/// Moves the counters from `before` to `after`.
pub(crate) async fn apply(
    _conn: &mut AnyConnection,
    _backend: Backend,
    _before: Option<&CaseFacts>,
    _after: Option<&CaseFacts>,
) -> Result<()> {
    Ok(())
}
