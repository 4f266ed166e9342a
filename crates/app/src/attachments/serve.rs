//! Sending a stored attachment: streamed from its file, with the type
//! found at upload, `nosniff`, always as a download (never shown inline,
//! so a document cannot run in the site's origin), and kept out of shared
//! caches.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jinguo_store::model::Attachment;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The response for an attachment the caller may see.
pub async fn respond(state: &AppState, a: &Attachment) -> AppResult<Response> {
    let path = super::files(state)
        .path(&a.storage_name)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("attachment: stored name")))?;
    let content_type = HeaderValue::from_str(&a.content_type)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("attachment: stored type")))?;
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        // A row whose file is gone (restored database, deleted by hand).
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(attachment = a.id.get(), "attachment file missing");
            return Err(AppError::NotFound);
        }
        Err(e) => return Err(AppError::Internal(e.into())),
    };
    let mut resp = crate::photos::serve::stream(file).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, content_type);
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(a.byte_size));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        crate::xlsx::content_disposition(&a.name, &a.name),
    );
    Ok(resp)
}
