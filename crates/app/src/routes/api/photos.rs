//! Photos of an activity over the API: upload (multipart, `photo` parts),
//! list, fetch the bytes, delete. Recorders change them; anyone whose
//! subtree holds the activity reads them.

use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use serde_json::{Value, json};

use crate::activities::parse_id;
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::net::ClientIp;
use crate::photos::upload::photos_only;
use crate::photos::{self, MAX_PHOTOS_BODY, PhotoBatch, PhotoView, parse_photo_id};
use crate::state::AppState;

fn photo_json(p: &PhotoView) -> Value {
    json!({
        "id": p.id,
        "position": p.position,
        "content_type": p.content_type,
        "byte_size": p.byte_size,
        "width": p.width,
        "height": p.height,
        "created_at": p.created_at,
        "url": format!("/api/v1/activities/{}/photos/{}", p.activity, p.id),
    })
}

/// The upload route: its body may hold the most photos an activity can have.
pub fn upload_route() -> MethodRouter<AppState> {
    post(upload).layer(DefaultBodyLimit::max(MAX_PHOTOS_BODY))
}

/// `POST /api/v1/activities/{id}/photos`: one or more `photo` parts, all
/// stored or none.
pub async fn upload(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<(StatusCode, Json<Value>)> {
    // Role, then scope, then the body.
    let a = state
        .store
        .activity_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let form = Multipart::from_request(req, &state)
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?;
    let uploads = photos_only(form).await?;
    if uploads.0.is_empty() {
        return Err(AppError::InvalidFields(vec![photos::MISSING]));
    }
    let mut batch = PhotoBatch::check(uploads.0).await?;
    let existing = state.store.photos_of(actor.scope(), a.id).await?;
    batch.limit(existing.len());
    let change = photos::apply(&state, &actor, ip, &a, batch).await?;
    Ok((StatusCode::CREATED, Json(json!({ "ids": change.added }))))
}

/// `GET /api/v1/activities/{id}/photos`.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let photos = state.store.photos_of(actor.scope(), parse_id(&id)?).await?;
    Ok(Json(json!({
        "photos": photos.iter().map(|p| photo_json(&PhotoView::from(p))).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/activities/{id}/photos/{photo_id}`: the picture itself.
pub async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, photo)): Path<(String, String)>,
) -> AppResult<Response> {
    let p = state
        .store
        .photo_in_scope(actor.scope(), parse_id(&id)?, parse_photo_id(&photo)?)
        .await?;
    photos::serve::respond(&state, &p).await
}

/// `DELETE /api/v1/activities/{id}/photos/{photo_id}`.
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ClientIp(ip): ClientIp,
    Path((id, photo)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let id = parse_id(&id)?;
    let p = state
        .store
        .photo_in_scope(actor.scope(), id, parse_photo_id(&photo)?)
        .await?;
    let a = state.store.activity_in_scope(actor.scope(), id).await?;
    let batch = PhotoBatch {
        remove: vec![p.id],
        ..Default::default()
    };
    photos::apply(&state, &actor, ip, &a, batch).await?;
    Ok(StatusCode::NO_CONTENT)
}
