use std::borrow::Cow;
use std::fmt;

/// A rule violation in one input field.
///
/// `key` is a message-catalogue key (e.g. `err.password.policy`) so the web
/// and API layers can show it in the reader's language; `field` names the
/// form or JSON field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Fixed for the fields of a form; built at run time for fields that
    /// users define themselves (a task's report form, `fields[2].key`).
    pub field: Cow<'static, str>,
    pub key: &'static str,
}

impl FieldError {
    pub const fn new(field: &'static str, key: &'static str) -> Self {
        Self {
            field: Cow::Borrowed(field),
            key,
        }
    }

    /// An error in a field whose name is only known at run time.
    pub fn named(field: String, key: &'static str) -> Self {
        Self {
            field: Cow::Owned(field),
            key,
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.key)
    }
}

impl std::error::Error for FieldError {}
