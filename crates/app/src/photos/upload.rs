//! Reading request bodies that may carry photos: `photo` parts of a
//! multipart form, each capped at the photo size limit while it streams in.

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{Form, FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use jinguo_domain::FieldError;

use super::MAX_PHOTOS;
use super::check::{MAX_PHOTO_BYTES, TOO_LARGE, TOO_MANY};
use crate::error::{AppError, AppResult};

/// The name of the file parts.
pub const PHOTO_FIELD: &str = "photo";

/// A body over the route's limit reads as "too large" on the photo field;
/// anything else malformed is a bad request.
pub fn multipart_error(e: &MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::InvalidFields(vec![TOO_LARGE])
    } else {
        AppError::BadRequest(e.body_text())
    }
}

/// One `photo` part: its bytes, or why it cannot be a photo, or `None` for
/// the empty part a browser sends when no file was chosen.
async fn read_photo(mut field: Field<'_>) -> AppResult<Option<Result<Vec<u8>, FieldError>>> {
    let named = field.file_name().is_some_and(|n| !n.trim().is_empty());
    let mut data = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(&e))? {
        if data.len() + chunk.len() > MAX_PHOTO_BYTES {
            // The rest of the part is skipped by the next `next_field`.
            return Ok(Some(Err(TOO_LARGE)));
        }
        data.extend_from_slice(&chunk);
    }
    if data.is_empty() && !named {
        return Ok(None);
    }
    Ok(Some(Ok(data)))
}

/// Uploads of a form, in order. Parts beyond the most an activity may have
/// are not kept: one `too_many` stands for all of them.
#[derive(Default)]
pub struct Uploads(pub Vec<Result<Vec<u8>, FieldError>>);

impl Uploads {
    /// Whether a part beyond the most an activity may have was seen.
    fn too_many(&self) -> bool {
        self.0.contains(&Err(TOO_MANY))
    }

    async fn push(&mut self, field: Field<'_>) -> AppResult<()> {
        let kept = self.0.iter().filter(|u| u.is_ok()).count();
        // A named file beyond the limit is not even read.
        if kept >= MAX_PHOTOS && field.file_name().is_some_and(|n| !n.trim().is_empty()) {
            if !self.too_many() {
                self.0.push(Err(TOO_MANY));
            }
            return Ok(());
        }
        let upload = match read_photo(field).await? {
            None => return Ok(()),
            Some(Ok(_)) if kept >= MAX_PHOTOS => Err(TOO_MANY),
            Some(u) => u,
        };
        if upload != Err(TOO_MANY) || !self.0.contains(&upload) {
            self.0.push(upload);
        }
        Ok(())
    }
}

/// Every `photo` part of a multipart body; other parts are ignored.
pub async fn photos_only(mut form: Multipart) -> AppResult<Uploads> {
    let mut uploads = Uploads::default();
    while let Some(field) = form.next_field().await.map_err(|e| multipart_error(&e))? {
        if field.name() == Some(PHOTO_FIELD) {
            uploads.push(field).await?;
            // The answer is known: stop before the body limit is reached,
            // so seven large photos read as "too many", not "too large".
            if uploads.too_many() {
                break;
            }
        }
    }
    Ok(uploads)
}

/// A web form that may come as multipart (with photos) or url-encoded
/// (without): its text fields in order and its uploads.
pub struct FormWithPhotos {
    pub fields: Vec<(String, String)>,
    pub uploads: Uploads,
}

impl FormWithPhotos {
    /// The text fields as a typed form.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> AppResult<T> {
        let encoded = serde_urlencoded::to_string(&self.fields)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        serde_urlencoded::from_str(&encoded).map_err(|e| AppError::BadRequest(e.to_string()))
    }

    /// Every value of a repeated field.
    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<S: Send + Sync> FromRequest<S> for FormWithPhotos {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/form-data"));
        if !multipart {
            let Form(fields) = Form::<Vec<(String, String)>>::from_request(req, state)
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?;
            return Ok(FormWithPhotos {
                fields,
                uploads: Uploads::default(),
            });
        }
        let mut form = Multipart::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let mut out = FormWithPhotos {
            fields: Vec::new(),
            uploads: Uploads::default(),
        };
        while let Some(field) = form.next_field().await.map_err(|e| multipart_error(&e))? {
            let Some(name) = field.name().map(str::to_owned) else {
                continue;
            };
            if name == PHOTO_FIELD {
                out.uploads.push(field).await?;
            } else if field.file_name().is_none() {
                let text = field.text().await.map_err(|e| multipart_error(&e))?;
                out.fields.push((name, text));
            }
        }
        Ok(out)
    }
}
