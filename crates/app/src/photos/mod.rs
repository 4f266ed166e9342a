//! Photos of activities, shared by the API and the web form: check every
//! upload, write the files, change the rows in one transaction, audit, and
//! remove the files of rows that are gone.
//!
//! Files are written before the rows and removed again if the rows cannot
//! be written, so a row never names a missing file; a failure between the
//! two can leave an unreferenced file, never a broken photo.

pub mod check;
pub mod files;
pub mod serve;
pub mod upload;

use jinguo_domain::{FieldError, PhotoId};
use jinguo_store::StoreError;
use jinguo_store::model::{Activity, NewPhoto, Photo, PhotoChange, PhotoEdit};
use serde::Serialize;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now};
pub use check::{CheckedPhoto, MAX_PHOTO_BYTES};
use files::PhotoFiles;

/// Photos one activity may have.
pub const MAX_PHOTOS: usize = 6;
/// The whole body of a request that may carry photos: the most photos at
/// the largest size, plus the other form fields and the multipart framing.
pub const MAX_PHOTOS_BODY: usize = MAX_PHOTOS * MAX_PHOTO_BYTES + 512 * 1024;

pub const MISSING: FieldError = FieldError::new("photo", "err.photo.missing");

pub fn files(state: &AppState) -> PhotoFiles {
    PhotoFiles::new(&state.config.data_dir)
}

/// Photos to add and remove with an activity write, and the first problem
/// found with an upload (which saves nothing).
#[derive(Default)]
pub struct PhotoBatch {
    pub add: Vec<CheckedPhoto>,
    pub remove: Vec<PhotoId>,
    pub error: Option<FieldError>,
}

impl PhotoBatch {
    /// Checks raw uploads (on a blocking thread: hashing megabytes is not
    /// for the async workers); the first bad one is the batch's error.
    pub async fn check(uploads: Vec<Result<Vec<u8>, FieldError>>) -> AppResult<Self> {
        let checked = tokio::task::spawn_blocking(move || {
            uploads
                .into_iter()
                .map(|u| u.and_then(check::check))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("photo check: {e}")))?;
        let mut batch = PhotoBatch::default();
        for c in checked {
            match c {
                Ok(p) => batch.add.push(p),
                Err(e) => {
                    batch.error.get_or_insert(e);
                }
            }
        }
        Ok(batch)
    }

    /// Notes `too_many` unless `existing` photos, less the removals, plus
    /// the additions fit on one activity.
    pub fn limit(&mut self, existing: usize) {
        let after = existing.saturating_sub(self.remove.len()) + self.add.len();
        if after > MAX_PHOTOS && self.error.is_none() {
            self.error = Some(check::TOO_MANY);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }
}

/// Writes the files of checked photos into `files` (the folder of their
/// kind); on failure removes those written.
pub async fn write_files(files: &PhotoFiles, photos: &[CheckedPhoto]) -> AppResult<Vec<NewPhoto>> {
    let mut out: Vec<NewPhoto> = Vec::with_capacity(photos.len());
    for p in photos {
        match files.write(&p.bytes).await {
            Ok(name) => out.push(NewPhoto {
                content_type: p.kind.content_type(),
                byte_size: p.bytes.len() as i64,
                storage_name: name,
                sha256: p.sha256.clone(),
                width: p.width,
                height: p.height,
            }),
            Err(e) => {
                files
                    .remove_all(out.iter().map(|n| n.storage_name.clone()).collect())
                    .await;
                return Err(AppError::Internal(anyhow::anyhow!("photo file: {e}")));
            }
        }
    }
    Ok(out)
}

/// Applies a checked batch to an activity of the actor's scope: files,
/// rows, audit, removed files. The caller has checked the role.
pub async fn apply(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    activity: &Activity,
    batch: PhotoBatch,
) -> AppResult<PhotoChange> {
    if let Some(e) = batch.error {
        return Err(AppError::InvalidFields(vec![e]));
    }
    if batch.is_empty() {
        return Ok(PhotoChange::default());
    }
    let files = files(state);
    let new = write_files(&files, &batch.add).await?;
    let change = match state
        .store
        .change_photos(
            actor.scope(),
            activity.id,
            PhotoEdit {
                add: &new,
                remove: &batch.remove,
                max: MAX_PHOTOS,
                by: Some(actor.user.id),
                now: now(),
            },
        )
        .await
    {
        Ok(c) => c,
        Err(e) => {
            files
                .remove_all(new.iter().map(|n| n.storage_name.clone()).collect())
                .await;
            return Err(match e {
                StoreError::Conflict("photo") => AppError::InvalidFields(vec![check::TOO_MANY]),
                e => e.into(),
            });
        }
    };
    files
        .remove_all(
            change
                .removed
                .iter()
                .map(|p| p.storage_name.clone())
                .collect(),
        )
        .await;
    // Ids only: a photo may show people, so nothing about it goes further.
    for (action, id) in change
        .added
        .iter()
        .map(|id| ("activity.photo_added", *id))
        .chain(
            change
                .removed
                .iter()
                .map(|p| ("activity.photo_removed", p.id)),
        )
    {
        actor
            .audit(
                state,
                ip.clone(),
                action,
                activity.unit.id,
                format!(
                    "activity={} photo={} unit={}",
                    activity.id.get(),
                    id.get(),
                    activity.unit.code
                ),
            )
            .await?;
    }
    Ok(change)
}

/// Removes the files of photos whose rows are gone with their activity.
pub async fn remove_files(state: &AppState, photos: &[Photo]) {
    files(state)
        .remove_all(photos.iter().map(|p| p.storage_name.clone()).collect())
        .await;
}

/// A photo as pages and the API show it.
#[derive(Debug, Serialize)]
pub struct PhotoView {
    pub id: i64,
    pub activity: i64,
    pub position: i64,
    pub content_type: String,
    pub byte_size: i64,
    pub width: i64,
    pub height: i64,
    pub created_at: i64,
}

impl From<&Photo> for PhotoView {
    fn from(p: &Photo) -> Self {
        PhotoView {
            id: p.id.get(),
            activity: p.activity.get(),
            position: p.position,
            content_type: p.content_type.clone(),
            byte_size: p.byte_size,
            width: p.width,
            height: p.height,
            created_at: p.created_at,
        }
    }
}

/// A photo id from a path: anything but a positive integer is "no such photo".
pub fn parse_photo_id(s: &str) -> AppResult<PhotoId> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(PhotoId::new)
        .ok_or(AppError::NotFound)
}
