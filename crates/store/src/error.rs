/// Why a store call failed, in the terms the web layer needs to answer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist or lies outside the caller's scope; the two
    /// are deliberately indistinguishable.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was violated (for example a taken username).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A rule of a workflow refused the change (a report already approved,
    /// descendants not yet approved …); `key` is the message to show.
    #[error("refused: {field}: {key}")]
    Refused {
        field: &'static str,
        key: &'static str,
    },
    /// Personal data was to be sealed or opened but no key is loaded.
    #[error("no encryption key is loaded")]
    NoKey,
    /// A sealed value did not open: wrong key, or a value moved between rows.
    #[error("sealed value: {0}")]
    Vault(#[from] crate::VaultError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Maps a unique-constraint violation to `Conflict(what)`.
    pub(crate) fn unique(e: sqlx::Error, what: &'static str) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
            _ => StoreError::Database(e),
        }
    }
}
