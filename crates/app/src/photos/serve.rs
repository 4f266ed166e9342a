//! Sending a stored photo: streamed from its file in pieces, with the type
//! recorded at upload (never guessed from the file), `nosniff`, and a cache
//! header that keeps it out of shared caches.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jinguo_store::model::Photo;
use tokio::io::AsyncReadExt;

use super::check::PhotoKind;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

const CHUNK: usize = 64 * 1024;

fn internal(what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("photo: {what}"))
}

/// A file's bytes as a body, read in pieces so a large file never sits
/// whole in memory; a read error ends the body.
pub fn stream(file: tokio::fs::File) -> Body {
    Body::from_stream(futures_util::stream::unfold(
        Some(file),
        |file| async move {
            let mut file = file?;
            let mut buf = vec![0u8; CHUNK];
            match file.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(Bytes::from(buf)), Some(file)))
                }
                // Ends the body after the error.
                Err(e) => Some((Err(e), None)),
            }
        },
    ))
}

/// The response for a photo the caller may see.
pub async fn respond(state: &AppState, photo: &Photo) -> AppResult<Response> {
    respond_stored(
        &super::files(state),
        &photo.storage_name,
        &photo.content_type,
        &format!("photo-{}", photo.id.get()),
    )
    .await
}

/// The response for any stored picture the caller may see (an activity's
/// photo, a Women's Home's photo): `files` is its kind's folder, the type
/// the one recorded at upload, `stem` the download name without extension.
pub async fn respond_stored(
    files: &super::files::PhotoFiles,
    storage_name: &str,
    content_type: &str,
    stem: &str,
) -> AppResult<Response> {
    let kind = PhotoKind::from_content_type(content_type).ok_or_else(|| internal("stored type"))?;
    let path = files
        .path(storage_name)
        .ok_or_else(|| internal("stored name"))?;
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        // A row whose file is gone (restored database, deleted by hand).
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(picture = stem, "photo file missing");
            return Err(AppError::NotFound);
        }
        Err(e) => return Err(AppError::Internal(e.into())),
    };
    let len = file
        .metadata()
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .len();
    let disposition = format!("inline; filename=\"{stem}.{}\"", kind.extension());
    let mut resp = stream(file).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.content_type()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // A photo never changes under its name, but access can end: browsers
    // may keep it for a day, shared caches never.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
