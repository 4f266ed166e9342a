//! Photos of an activity over the API: upload (multipart, `photo` parts),
//! list, fetch the bytes, delete. Recorders change them; anyone whose
//! subtree holds the activity reads them.

use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use jinguo_domain::PhotoId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

use super::activities::ActivityIdPath;
use super::openapi::{BadRequest, Internal, Invalid, NotFound};
use crate::activities::parse_id;
use crate::auth::ApiActor;
use crate::error::{AppError, AppResult};
use crate::net::ClientIp;
use crate::photos::upload::photos_only;
use crate::photos::{self, MAX_PHOTOS, MAX_PHOTOS_BODY, PhotoBatch, PhotoView, parse_photo_id};
use crate::state::AppState;

/// A photo of an activity. Type and size are what the server read from the file itself on
/// upload.
#[derive(Serialize, ToSchema)]
pub struct Photo {
    #[schema(minimum = 1)]
    id: i64,
    /// Order on the activity, from 1, in upload order.
    #[schema(minimum = 1)]
    position: i64,
    #[schema(value_type = PhotoType)]
    content_type: String,
    #[schema(minimum = 1, maximum = 5242880)]
    byte_size: i64,
    /// Pixels, from the file's header.
    #[schema(minimum = 1)]
    width: i64,
    /// Pixels, from the file's header.
    #[schema(minimum = 1)]
    height: i64,
    /// Unix seconds.
    created_at: i64,
    /// Where to fetch the bytes with the same bearer token.
    #[schema(example = "/api/v1/activities/12/photos/34")]
    url: String,
}

/// The picture types a photo may have (read from its bytes).
#[derive(ToSchema)]
#[allow(dead_code)] // documents the values `content_type` may take
enum PhotoType {
    #[schema(rename = "image/jpeg")]
    Jpeg,
    #[schema(rename = "image/png")]
    Png,
}

impl From<&PhotoView> for Photo {
    fn from(p: &PhotoView) -> Self {
        Photo {
            id: p.id,
            position: p.position,
            content_type: p.content_type.clone(),
            byte_size: p.byte_size,
            width: p.width,
            height: p.height,
            created_at: p.created_at,
            url: format!("/api/v1/activities/{}/photos/{}", p.activity, p.id),
        }
    }
}

/// The photos of an activity, in order (at most 6).
#[derive(Serialize, ToSchema)]
pub struct PhotoList {
    #[schema(max_items = 6)]
    photos: Vec<Photo>,
}

/// The ids of the photos just stored, in upload order.
#[derive(Serialize, ToSchema)]
pub struct PhotosCreated {
    #[schema(min_items = 1, max_items = 6)]
    ids: Vec<PhotoId>,
}

/// The multipart body of an upload.
pub struct PhotoUpload;
jinguo_domain::schema_component!(
    PhotoUpload,
    "PhotoUpload",
    super::openapi::file_parts(
        "photo",
        "One or more `photo` parts. Each must be a JPEG or PNG of at most 5 MB; the type is read \
         from the bytes, the part's file name and content type are ignored. Other parts are \
         ignored.",
        MAX_PHOTOS,
    )
);

/// The `{photo_id}` of a photo's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PhotoIdPath {
    /// Id of a photo of the activity. Anything but a positive integer answers `404`, like an
    /// unknown photo, a photo of another activity, or one whose activity lies outside the
    /// caller's subtree.
    #[param(minimum = 1)]
    pub photo_id: i64,
}

/// The upload route: its body may hold the most photos an activity can have.
pub fn upload_route() -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, handler) = routes!(upload);
    (
        schemas,
        paths,
        handler.layer(DefaultBodyLimit::max(MAX_PHOTOS_BODY)),
    )
}

/// `POST /api/v1/activities/{id}/photos`: one or more `photo` parts, all
/// stored or none.
#[utoipa::path(
    post,
    path = "/api/v1/activities/{id}/photos",
    operation_id = "addActivityPhotos",
    tag = "activities",
    summary = "Add photos to an activity",
    description = "Stores one or more photos (multipart `photo` parts) on an activity of the \
                   caller's subtree (otherwise `404`). An activity has at most 6 photos. Each part \
                   is checked by its own bytes: a JPEG or PNG whose header gives a picture size, \
                   at most 5 MB; the whole body may be at most 6 × 5 MB plus 512 KB. All are \
                   stored or none: any bad part answers `422` with field `photo` (not an image, \
                   too large, more than 6 in all, or no `photo` part) and nothing is saved. Files \
                   are kept under the server's data directory with random names. Each photo added \
                   is recorded in the audit log (`activity.photo_added`, ids only). Access is \
                   checked before anything about the activity, and the activity before the body.",
    params(ActivityIdPath),
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored.", body = PhotosCreated),
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
) -> AppResult<(StatusCode, Json<PhotosCreated>)> {
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
    Ok((
        StatusCode::CREATED,
        Json(PhotosCreated { ids: change.added }),
    ))
}

/// `GET /api/v1/activities/{id}/photos`.
#[utoipa::path(
    get,
    path = "/api/v1/activities/{id}/photos",
    operation_id = "listActivityPhotos",
    tag = "activities",
    summary = "Photos of an activity",
    description = "The photos of an activity recorded in the caller's subtree (otherwise `404`, \
                   exactly like an unknown activity), in order.",
    params(ActivityIdPath),
    responses(
        (status = 200, description = "The photos.", body = PhotoList),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<PhotoList>> {
    let photos = state.store.photos_of(actor.scope(), parse_id(&id)?).await?;
    Ok(Json(PhotoList {
        photos: photos
            .iter()
            .map(|p| Photo::from(&PhotoView::from(p)))
            .collect(),
    }))
}

/// `GET /api/v1/activities/{id}/photos/{photo_id}`: the picture itself.
#[utoipa::path(
    get,
    path = "/api/v1/activities/{id}/photos/{photo_id}",
    operation_id = "getActivityPhoto",
    tag = "activities",
    summary = "A photo's bytes",
    description = "The picture itself, as uploaded, with the `Content-Type` recorded on upload \
                   (`image/jpeg` or `image/png`), `X-Content-Type-Options: nosniff` and \
                   `Cache-Control: private`. Only for an activity of the caller's subtree \
                   (otherwise `404`, exactly like an unknown photo).",
    params(ActivityIdPath, PhotoIdPath),
    responses(
        (status = 200, description = "The picture.", content(("image/jpeg"), ("image/png"))),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
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
#[utoipa::path(
    delete,
    path = "/api/v1/activities/{id}/photos/{photo_id}",
    operation_id = "deleteActivityPhoto",
    tag = "activities",
    summary = "Delete a photo",
    description = "Deletes a photo of an activity of the caller's subtree (otherwise `404`) and \
                   its file. Recorded in the audit log (`activity.photo_removed`, ids only). \
                   Deleting an activity deletes its photos too. Access is checked before anything \
                   about the photo.",
    params(ActivityIdPath, PhotoIdPath),
    responses(
        (status = 204, description = "The photo has been deleted."),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ),
)]
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
