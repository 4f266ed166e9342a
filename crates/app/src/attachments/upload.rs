//! Reading the `file` parts of a multipart body, each capped at the
//! attachment size limit while it streams in; other parts (the web form's
//! `_csrf`) are skipped.

use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use jinguo_domain::FieldError;

use super::check::{MAX_ATTACHMENT_BYTES, TOO_LARGE};
use crate::error::{AppError, AppResult};

/// The name of the file parts.
pub const FILE_FIELD: &str = "file";

/// One uploaded file: the name the client gave it and its bytes, or why
/// it cannot be kept.
pub struct Upload {
    pub name: String,
    pub bytes: Result<Vec<u8>, FieldError>,
}

/// A body over the route's limit reads as "too large" on the file field;
/// anything else malformed is a bad request.
fn multipart_error(e: &MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::Invalid(TOO_LARGE)
    } else {
        AppError::BadRequest(e.body_text())
    }
}

/// One `file` part, or `None` for the empty part a browser sends when no
/// file was chosen.
async fn read_file(mut field: Field<'_>) -> AppResult<Option<Upload>> {
    let name = field.file_name().unwrap_or("").trim().to_owned();
    let mut data = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(&e))? {
        if data.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
            // The rest of the part is skipped by the next `next_field`.
            return Ok(Some(Upload {
                name,
                bytes: Err(TOO_LARGE),
            }));
        }
        data.extend_from_slice(&chunk);
    }
    if data.is_empty() && name.is_empty() {
        return Ok(None);
    }
    Ok(Some(Upload {
        name,
        bytes: Ok(data),
    }))
}

/// Every `file` part of a multipart body, in order. Stops at `max` + 1:
/// one more than a task may hold already answers "too many".
pub async fn files_only(mut form: Multipart, max: usize) -> AppResult<Vec<Upload>> {
    let mut out = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|e| multipart_error(&e))? {
        if field.name() != Some(FILE_FIELD) {
            continue;
        }
        if let Some(u) = read_file(field).await? {
            out.push(u);
            if out.len() > max {
                break;
            }
        }
    }
    Ok(out)
}

/// A web form that may come as multipart with `file` parts (the task form
/// with its documents) or url-encoded without: its text fields in order
/// and its files. Files beyond the most a task may hold are not read; one
/// more than that is kept so the check can answer "too many".
pub struct FormWithFiles {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for FormWithFiles {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/form-data"));
        if !multipart {
            let axum::extract::Form(fields) =
                axum::extract::Form::<Vec<(String, String)>>::from_request(req, state)
                    .await
                    .map_err(|e| AppError::BadRequest(e.body_text()))?;
            return Ok(FormWithFiles {
                fields,
                files: Vec::new(),
            });
        }
        let mut form = Multipart::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let mut out = FormWithFiles {
            fields: Vec::new(),
            files: Vec::new(),
        };
        while let Some(field) = form.next_field().await.map_err(|e| multipart_error(&e))? {
            let Some(name) = field.name().map(str::to_owned) else {
                continue;
            };
            if name == FILE_FIELD {
                if out.files.len() > super::MAX_ATTACHMENTS {
                    continue;
                }
                if let Some(u) = read_file(field).await? {
                    out.files.push(u);
                }
            } else if field.file_name().is_none() {
                let text = field.text().await.map_err(|e| multipart_error(&e))?;
                out.fields.push((name, text));
            }
        }
        Ok(out)
    }
}
