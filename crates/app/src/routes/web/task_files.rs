//! Files attached to a task on the web: the upload form of the task page
//! and the download link.

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, post};

use crate::attachments::upload::files_only;
use crate::attachments::{self, MAX_ATTACHMENTS, MAX_ATTACHMENTS_BODY};
use crate::auth::WebActor;
use crate::error::{AppError, AppResult};
use crate::net::ClientIp;
use crate::state::AppState;

/// The upload route, with the same body limit the CSRF guard allows it.
pub fn upload_route() -> MethodRouter<AppState> {
    post(upload).layer(DefaultBodyLimit::max(MAX_ATTACHMENTS_BODY))
}

/// `POST /tasks/{id}/attachments`: back to the task page, with what
/// happened (a problem with the files is a message there, not a new page).
pub async fn upload(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let task = attachments::task_to_attach(&state, &actor, &id).await?;
    let back = format!("/tasks/{}", task.id.get());
    let result = match Multipart::from_request(req, &state).await {
        Ok(form) => match files_only(form, MAX_ATTACHMENTS).await {
            Ok(uploads) => attachments::add(&state, &actor, ip, &task, uploads).await,
            Err(e) => Err(e),
        },
        // Not multipart at all: the form was sent without a file.
        Err(_) => Err(AppError::Invalid(attachments::check::MISSING)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{back}?done=attached")).into_response()),
        Err(AppError::Invalid(e)) => {
            Ok(Redirect::to(&format!("{back}?file_error={}", e.key)).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `GET /tasks/{id}/attachments/{attachment_id}`.
pub async fn download(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    Path((id, attachment)): Path<(String, String)>,
) -> AppResult<Response> {
    let a = attachments::one(&state, &actor, &id, &attachment).await?;
    attachments::serve::respond(&state, &a).await
}
