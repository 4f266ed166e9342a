//! The one error type of the application.
//!
//! Handlers and extractors return it; its response carries an
//! [`ErrorInfo`] that the [`crate::render::render_errors`] middleware turns,
//! in the reader's language, into `{"error":{"code","message","field"?}}`
//! under `/api/` and into a page (or the way to the login page) elsewhere.
//! Internal errors are logged with context; people see a plain message.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jinguo_domain::FieldError;
use jinguo_store::StoreError;
use serde_json::json;

use crate::i18n::{Catalogue, Lang};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("not logged in")]
    Unauthorized,
    /// Wrong username or password, or a disabled account: one message for all.
    #[error("bad credentials")]
    BadCredentials,
    #[error("locked")]
    Locked { retry_after_secs: i64 },
    #[error("forbidden")]
    Forbidden,
    /// Her password was set by an administrator: nothing but choosing her
    /// own (and logging out) until she has.
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("bad CSRF token")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("invalid field {}", .0.field)]
    Invalid(FieldError),
    /// Several fields at once, as a form with many inputs can have.
    #[error("{} invalid fields", .0.len())]
    InvalidFields(Vec<FieldError>),
    #[error("conflict on {field}")]
    Conflict {
        field: &'static str,
        key: &'static str,
    },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict("username") => AppError::Conflict {
                field: "username",
                key: "err.username.taken",
            },
            StoreError::Refused { field, key } => AppError::Invalid(FieldError::new(field, key)),
            StoreError::Conflict(field) => AppError::Conflict {
                field,
                key: "err.conflict",
            },
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(e)
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Forbidden | AppError::Csrf | AppError::PasswordChangeRequired => {
                StatusCode::FORBIDDEN
            }
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) | AppError::InvalidFields(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::BadCredentials => "bad_credentials",
            AppError::Locked { .. } => "locked",
            AppError::Forbidden => "forbidden",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Csrf => "csrf",
            AppError::BadRequest(_) => "bad_request",
            AppError::Invalid(_) | AppError::InvalidFields(_) => "invalid",
            AppError::Conflict { .. } => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    /// The catalogue key of the message shown to people.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::NotFound => "err.not_found",
            AppError::Unauthorized => "err.unauthorized",
            AppError::BadCredentials | AppError::Locked { .. } => "err.login",
            AppError::Forbidden => "err.forbidden",
            AppError::PasswordChangeRequired => "err.password_change_required",
            AppError::Csrf => "err.csrf",
            AppError::BadRequest(_) => "err.bad_request",
            AppError::Invalid(f) => f.key,
            AppError::InvalidFields(fs) => fs.first().map_or("err.bad_request", |f| f.key),
            AppError::Conflict { key, .. } => key,
            AppError::Internal(_) => "err.internal",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid(f) => Some(&f.field),
            AppError::InvalidFields(fs) => fs.first().map(|f| f.field.as_ref()),
            AppError::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Logs server-side faults; user errors are not worth a log line.
    pub fn log(&self) {
        if let AppError::Internal(e) = self {
            tracing::error!(error = %format!("{e:#}"), "internal error");
        }
    }
}

/// What the error-rendering middleware needs to know about an error.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub key: &'static str,
    pub field: Option<String>,
    pub detail: Option<String>,
    pub unauthorized: bool,
    /// Every invalid field with its message key, for `"fields"`.
    pub fields: Vec<FieldError>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let mut resp = self.status().into_response();
        if let AppError::Locked { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp.extensions_mut().insert(ErrorInfo {
            code: self.code(),
            key: self.message_key(),
            field: self.field().map(str::to_owned),
            detail: match &self {
                AppError::BadRequest(d) => Some(d.clone()),
                _ => None,
            },
            unauthorized: matches!(self, AppError::Unauthorized),
            fields: match &self {
                AppError::InvalidFields(fs) => fs.clone(),
                AppError::Invalid(f) => vec![f.clone()],
                _ => Vec::new(),
            },
        });
        resp
    }
}

impl ErrorInfo {
    /// The JSON error body in a language.
    pub fn to_json(&self, cat: &Catalogue, lang: Lang) -> serde_json::Value {
        let mut message = cat.get(lang, self.key).to_owned();
        if let Some(d) = &self.detail {
            message = format!("{message}: {d}");
        }
        let mut body = json!({"error": {"code": self.code, "message": message}});
        if let Some(field) = &self.field {
            body["error"]["field"] = json!(field);
        }
        if !self.fields.is_empty() {
            let fields: serde_json::Map<String, serde_json::Value> = self
                .fields
                .iter()
                .map(|f| (f.field.to_string(), json!(cat.get(lang, f.key))))
                .collect();
            body["error"]["fields"] = serde_json::Value::Object(fields);
        }
        body
    }
}

pub type AppResult<T> = Result<T, AppError>;
