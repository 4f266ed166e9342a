//! Files attached to a task over the API: the issuing side uploads
//! (multipart `file` parts), everyone who can see the task downloads.

use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use jinguo_domain::AttachmentId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

use super::openapi::{BadRequest, Internal, Invalid, NotFound};
use super::tasks::TaskIdPath;
use crate::attachments::upload::files_only;
use crate::attachments::{self, MAX_ATTACHMENTS, MAX_ATTACHMENTS_BODY};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::net::ClientIp;
use crate::state::AppState;

/// The ids of the attachments just stored, in upload order.
#[derive(Serialize, ToSchema)]
pub struct AttachmentsCreated {
    #[schema(min_items = 1, max_items = 10)]
    ids: Vec<AttachmentId>,
}

/// The multipart body of an upload.
pub struct AttachmentUpload;
jinguo_domain::schema_component!(
    AttachmentUpload,
    "AttachmentUpload",
    super::openapi::file_parts(
        "file",
        "One or more `file` parts. Each must be a PDF, a Word (DOCX) or Excel (XLSX) document, \
         or a JPEG or PNG picture, of at most 10 MB; the type is read from the bytes (DOCX/XLSX: \
         a ZIP package with `[Content_Types].xml` and `word/` resp. `xl/` entries), the part's \
         content type is ignored. The part's file name is kept (path parts removed, at most 100 \
         characters) to be shown and offered on download. Other parts are ignored.",
        MAX_ATTACHMENTS,
    )
);

/// The `{attachment_id}` of an attachment's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AttachmentIdPath {
    /// Id of an attachment of the task. Anything but a positive integer answers `404`, like an
    /// unknown attachment, one of another task, or one whose task the caller cannot see.
    #[param(minimum = 1)]
    pub attachment_id: i64,
}

/// The upload route, with a body limit for a few large files.
pub fn upload_route() -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, handler) = routes!(upload);
    (
        schemas,
        paths,
        handler.layer(DefaultBodyLimit::max(MAX_ATTACHMENTS_BODY)),
    )
}

/// `POST /api/v1/tasks/{id}/attachments`: all files stored or none.
#[utoipa::path(
    post,
    path = "/api/v1/tasks/{id}/attachments",
    operation_id = "addTaskAttachments",
    tag = "tasks",
    summary = "Attach files to a task",
    description = "Stores one or more files (multipart `file` parts) on a task. A task has at most \
                   10 attachments; the whole body may be at most 3 × 10 MB plus 512 KB, so more \
                   files go in more requests. Each part is checked by its own bytes: a PDF \
                   (`%PDF-`), a DOCX or XLSX package, or a JPEG or PNG picture, at most 10 MB. All \
                   are stored or none: any bad part answers `422` with field `file` (not an \
                   allowed type, too large, more than 10 in all, or no `file` part) and nothing is \
                   saved. Each attachment added is recorded in the audit log \
                   (`task.attachment_added`, ids only). Access is checked first; then the task \
                   must be visible to the caller (`404` otherwise, exactly like an unknown task), \
                   and the caller's subtree must hold the issuing unit — the issuing side, not a \
                   target (`403` otherwise).",
    params(TaskIdPath),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored.", body = AttachmentsCreated),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ),
)]
pub async fn upload(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<(StatusCode, Json<AttachmentsCreated>)> {
    // Role, task, issuing side, then the body.
    let task = attachments::task_to_attach(&state, &actor, &id).await?;
    let form = Multipart::from_request(req, &state)
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?;
    let uploads = files_only(form, MAX_ATTACHMENTS).await?;
    let ids = attachments::add(&state, &actor, ip, &task, uploads).await?;
    Ok((StatusCode::CREATED, Json(AttachmentsCreated { ids })))
}

/// `GET /api/v1/tasks/{id}/attachments/{attachment_id}`: the file itself.
#[utoipa::path(
    get,
    path = "/api/v1/tasks/{id}/attachments/{attachment_id}",
    operation_id = "getTaskAttachment",
    tag = "tasks",
    summary = "An attachment's bytes",
    description = "The file itself, as uploaded, with the `Content-Type` found on upload, \
                   `Content-Disposition: attachment` with the stored file name (RFC 5987 \
                   `filename*` for non-ASCII names), `X-Content-Type-Options: nosniff` and \
                   `Cache-Control: private`. Anyone who can see the task (issued in or targeting a \
                   unit of the caller's subtree); otherwise `404`, exactly like an unknown \
                   attachment.",
    params(TaskIdPath, AttachmentIdPath),
    responses(
        (status = 200, description = "The file.", content(("application/pdf"), ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("image/jpeg"), ("image/png"))),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn download(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, attachment)): Path<(String, String)>,
) -> AppResult<Response> {
    let a = attachments::one(&state, &actor, &id, &attachment).await?;
    attachments::serve::respond(&state, &a).await
}
