//! Materials of a class (slides, handouts): uploaded by the planner's
//! side, checked by their bytes and stored like task attachments (the
//! same checks, folder and limits), read by everyone who can open the
//! class, always as a download.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use jinguo_domain::training::{ClassId, MaterialId};

use crate::attachments::{self, MAX_ATTACHMENTS};
use crate::auth::WebActor;
use crate::error::{AppError, AppResult};
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::state::{AppState, now};
use crate::training::parse_id;

/// `POST /training/classes/{id}/materials` (multipart `file`, several):
/// all stored or none; a refusal comes back to the class page.
pub async fn upload(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    form: Multipart,
) -> WebResult {
    let c = state
        .store
        .class_in_scope(actor.scope(), ClassId::new(parse_id(&id)?))
        .await?;
    let back =
        |q: &str| Redirect::to(&format!("/training/classes/{}?{q}", c.id.get())).into_response();
    let added = async {
        let uploads = attachments::upload::files_only(form, MAX_ATTACHMENTS).await?;
        let checked = attachments::check_all(uploads).await?;
        let new = attachments::write_files(&state, &checked).await?;
        match state
            .store
            .add_materials(&c, &new, MAX_ATTACHMENTS, Some(actor.user.id), now())
            .await
        {
            Ok(ids) => AppResult::Ok(ids),
            Err(e) => {
                attachments::remove_files(&state, new).await;
                Err(e.into())
            }
        }
    }
    .await;
    match added {
        Ok(ids) => {
            let list: Vec<String> = ids.iter().map(|i| i.get().to_string()).collect();
            actor
                .audit(
                    &state,
                    ip,
                    "training.material_added",
                    c.planner.id,
                    format!("class={} materials={}", c.id.get(), list.join(",")),
                )
                .await?;
            Ok(back("done=materials"))
        }
        Err(AppError::Invalid(e)) => Ok(back(&format!("error={}", e.key))),
        Err(e) => Err(e),
    }
}

/// `GET /training/classes/{id}/materials/{material}`.
pub async fn download(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    Path((id, material)): Path<(String, String)>,
) -> AppResult<Response> {
    let c = state
        .store
        .class_in_scope(actor.scope(), ClassId::new(parse_id(&id)?))
        .await?;
    let m = state
        .store
        .material(&c, MaterialId::new(parse_id(&material)?))
        .await?;
    let path = attachments::files(&state)
        .path(&m.storage_name)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("material: stored name")))?;
    let content_type = HeaderValue::from_str(&m.content_type)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("material: stored type")))?;
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(material = m.id.get(), "material file missing");
            return Err(AppError::NotFound);
        }
        Err(e) => return Err(AppError::Internal(e.into())),
    };
    let mut resp = crate::photos::serve::stream(file).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, content_type);
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(m.byte_size));
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
        crate::xlsx::content_disposition(&m.name, &m.name),
    );
    Ok(resp)
}
