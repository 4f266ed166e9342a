//! Files attached to a task over the API: the issuing side uploads
//! (multipart `file` parts), everyone who can see the task downloads.

use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use serde_json::{Value, json};

use crate::attachments::upload::files_only;
use crate::attachments::{self, MAX_ATTACHMENTS, MAX_ATTACHMENTS_BODY};
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::net::ClientIp;
use crate::state::AppState;

/// The upload route, with a body limit for a few large files.
pub fn upload_route() -> MethodRouter<AppState> {
    post(upload).layer(DefaultBodyLimit::max(MAX_ATTACHMENTS_BODY))
}

/// `POST /api/v1/tasks/{id}/attachments`: all files stored or none.
pub async fn upload(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<(StatusCode, Json<Value>)> {
    // Role, task, issuing side, then the body.
    let task = attachments::task_to_attach(&state, &actor, &id).await?;
    let form = Multipart::from_request(req, &state)
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?;
    let uploads = files_only(form, MAX_ATTACHMENTS).await?;
    let ids = attachments::add(&state, &actor, ip, &task, uploads).await?;
    Ok((StatusCode::CREATED, Json(json!({ "ids": ids }))))
}

/// `GET /api/v1/tasks/{id}/attachments/{attachment_id}`: the file itself.
pub async fn download(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, attachment)): Path<(String, String)>,
) -> AppResult<Response> {
    let a = attachments::one(&state, &actor, &id, &attachment).await?;
    attachments::serve::respond(&state, &a).await
}
