//! Persistence for jinguo behind the [`Store`] traits.
//!
//! One SQL implementation ([`SqlStore`]) serves both SQLite (the embedded
//! default) and PostgreSQL: queries are written in the dialect both accept
//! and checked at run time; migrations exist per backend.

pub mod audit_chain;
pub mod csv_import;
pub mod demonstrations;
mod error;
pub mod family_sites;
pub mod homes;
pub mod honours;
pub mod idempotency;
pub mod model;
pub mod organisations;
pub mod outlines;
pub mod scope;
pub(crate) mod sql;
pub mod training;
mod traits;
pub mod translations;
pub mod vault;
pub mod workbench;

pub use error::StoreError;
pub use scope::{InScope, OpenedCase, Scope};
pub use sql::reseal::{ColumnReport, SEALED_COLUMNS};
pub use sql::{Backend, BulkNeed, SqlStore};
pub use traits::CaseFlowStore;
pub use traits::{
    ActivityStore, AuditStore, CaseStore, HelpStore, HouseholdStore, NeedStore, PhotoStore,
    SessionStore, TaskFileStore, TaskStore, UnitStore, UserStore,
};
// Case statistics (issue 6).
pub use demonstrations::DemonstrationStore;
pub use family_sites::FamilySiteStore;
pub use homes::HomeStore;
pub use honours::HonourStore;
pub use idempotency::IdempotencyStore;
pub use organisations::OrganisationStore;
pub use outlines::OutlineStore;
pub use training::TrainingStore;
pub use traits::CaseStatsStore;
pub use translations::TranslationStore;
pub use vault::{Vault, VaultError};
pub use workbench::WorkbenchStore;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
pub mod testing;

/// The bundled Inner Mongolia division list (see `assets/divisions/README.md`).
pub const BUNDLED_DIVISIONS_CSV: &str = include_str!("../../../assets/divisions/nmg_divisions.csv");

/// Mongolian names of the bundled list's region, leagues and banners, each
/// with its source (`code,name,name_mn,source`; see
/// `assets/divisions/README.md`). Laid over the list by
/// [`csv_import::bundled_divisions`].
pub const BUNDLED_NAMES_MN_CSV: &str = include_str!("../../../assets/divisions/nmg_names_mn.csv");

/// Everything request handlers may reach: the public tree and
/// dictionaries, and unit-attached data through a [`Scope`] or a record
/// opened in one ([`crate::InScope`], [`crate::OpenedCase`]). Sessions,
/// logins, bulk loads and checks are not here: they are methods of
/// [`crate::SqlStore`] itself, the system handle, which only the auth layer
/// and the command line hold. A module adds its trait to this list once,
/// here beside its `pub mod`.
pub trait Store:
    UnitStore
    + UserStore
    + AuditStore
    + ActivityStore
    + TaskStore
    + PhotoStore
    + TaskFileStore
    + HouseholdStore
    + HomeStore
    + DemonstrationStore
    + FamilySiteStore
    + HonourStore
    + OrganisationStore
    + IdempotencyStore
    + HelpStore
    + NeedStore
    + CaseStore
    + CaseFlowStore
    + CaseStatsStore
    + WorkbenchStore
    + TranslationStore
    + OutlineStore
    + TrainingStore
{
}
