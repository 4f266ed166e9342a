//! Files attached to a task by its issuing side (the notice as a PDF, a
//! form to fill in), read by everyone who can see the task. Shared by the
//! API and the web page: role → task visible → issuer side → check every
//! file by its bytes → write files → rows in one transaction → audit.
//!
//! Files are written before the rows and removed again if the rows cannot
//! be written, so a row never names a missing file.

pub mod check;
pub mod serve;
pub mod upload;

use jinguo_domain::{AttachmentId, FieldError, TaskId, UnitId};
use jinguo_store::InScope;
use jinguo_store::model::{Attachment, NewAttachment, Task};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::photos::files::PhotoFiles;
use crate::state::{AppState, now};
use check::{FileKind, MISSING, TOO_MANY};
use upload::Upload;

/// Attachments one task may have.
pub const MAX_ATTACHMENTS: usize = 10;
/// The whole body of one upload request: three files at the largest size,
/// plus the form fields and the multipart framing. The web guard buffers
/// a body whole, so this stays small; more files go in more requests.
pub const MAX_ATTACHMENTS_BODY: usize = 3 * check::MAX_ATTACHMENT_BYTES + 512 * 1024;

pub fn files(state: &AppState) -> PhotoFiles {
    PhotoFiles::in_folder(&state.config.data_dir, "attachments")
}

/// An attachment id from a path: anything but a positive integer is "no
/// such attachment".
pub fn parse_attachment_id(s: &str) -> AppResult<AttachmentId> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(AttachmentId::new)
        .ok_or(AppError::NotFound)
}

/// Whether the actor stands on the task's issuing side: her subtree holds
/// the issuing unit (she is at it or above it).
pub fn issuer_side(actor: &Actor, task: &Task) -> bool {
    actor.scope().contains(&task.issuer_ancestors)
}

/// The task, if the actor may attach files to it: a recorder (403 first),
/// the task visible (404), on the issuing side (403).
pub async fn task_to_attach(state: &AppState, actor: &Actor, id: &str) -> AppResult<InScope<Task>> {
    let task = crate::tasks::load(state, actor, id).await?;
    if !issuer_side(actor, &task) {
        return Err(AppError::Forbidden);
    }
    Ok(task)
}

/// Checks every upload (on a blocking thread: unpacking a ZIP directory
/// and hashing a picture are not for the async workers); the first bad one
/// refuses them all.
async fn checked(uploads: Vec<Upload>) -> AppResult<Vec<(Upload, FileKind)>> {
    tokio::task::spawn_blocking(move || {
        uploads
            .into_iter()
            .map(|u| {
                let kind = match &u.bytes {
                    Ok(b) => check::check(b)?,
                    Err(e) => return Err(e.clone()),
                };
                Ok((u, kind))
            })
            .collect::<Result<Vec<_>, FieldError>>()
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("attachment check: {e}")))?
    .map_err(AppError::Invalid)
}

/// Checks uploads before anything is written: how many, then each file by
/// its bytes. The first problem is the answer (`Invalid`).
pub async fn check_all(uploads: Vec<Upload>) -> AppResult<Vec<(Upload, FileKind)>> {
    if uploads.is_empty() {
        return Err(AppError::Invalid(MISSING));
    }
    if uploads.len() > MAX_ATTACHMENTS {
        return Err(AppError::Invalid(TOO_MANY));
    }
    checked(uploads).await
}

/// Writes checked files to the attachments folder; on a failure the ones
/// already written are removed again.
pub async fn write_files(
    state: &AppState,
    checked: &[(Upload, FileKind)],
) -> AppResult<Vec<NewAttachment>> {
    let files = files(state);
    let mut new: Vec<NewAttachment> = Vec::with_capacity(checked.len());
    for (u, kind) in checked {
        let bytes = u.bytes.as_deref().unwrap_or_default();
        match files.write(bytes).await {
            Ok(storage_name) => new.push(NewAttachment {
                name: check::clean_name(&u.name),
                content_type: kind.content_type(),
                byte_size: bytes.len() as i64,
                storage_name,
            }),
            Err(e) => {
                remove_files(state, new).await;
                return Err(AppError::Internal(anyhow::anyhow!("attachment file: {e}")));
            }
        }
    }
    Ok(new)
}

/// Removes written files whose rows could not be stored.
pub async fn remove_files(state: &AppState, new: Vec<NewAttachment>) {
    files(state)
        .remove_all(new.into_iter().map(|n| n.storage_name).collect())
        .await;
}

/// One audit entry per stored attachment: ids only, since a file name can
/// say who a document is about.
pub async fn audit_added(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    task: TaskId,
    issuer: UnitId,
    ids: &[AttachmentId],
) -> AppResult<()> {
    for id in ids {
        actor
            .audit(
                state,
                ip.clone(),
                "task.attachment_added",
                issuer,
                format!("task={} attachment={}", task.get(), id.get()),
            )
            .await?;
    }
    Ok(())
}

/// Adds uploads to a task the actor may attach to: all stored or none.
pub async fn add(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    task: &InScope<Task>,
    uploads: Vec<Upload>,
) -> AppResult<Vec<AttachmentId>> {
    let checked = check_all(uploads).await?;
    let new = write_files(state, &checked).await?;
    let ids = match state
        .store
        .add_attachments(task, &new, MAX_ATTACHMENTS, actor.user.id, now())
        .await
    {
        Ok(ids) => ids,
        Err(e) => {
            remove_files(state, new).await;
            return Err(e.into());
        }
    };
    audit_added(state, actor, ip, task.id, task.issuer.id, &ids).await?;
    Ok(ids)
}

/// One attachment of a task the actor may see.
pub async fn one(
    state: &AppState,
    actor: &Actor,
    id: &str,
    attachment: &str,
) -> AppResult<Attachment> {
    let task = crate::tasks::load(state, actor, id).await?;
    let attachment = parse_attachment_id(attachment)?;
    Ok(state.store.attachment(&task, attachment).await?)
}
