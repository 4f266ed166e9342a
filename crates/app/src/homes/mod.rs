//! Registering Women's Homes (妇女之家), shared by the API and the web
//! pages: parse → authorize → check the facility dictionary and the unit →
//! store (counters in the same transaction) → audit.
//!
//! A home has at most one photo, checked and stored by the activity photo
//! machinery ([`crate::photos`]) in a folder of its own, and served only to
//! users whose subtree holds the home.

pub mod api;
mod demo;
pub mod list;
mod routes;
pub mod web;

/// The module's routes and its menu entry.
pub const MODULE: crate::routes::Module = crate::routes::Module {
    routes: routes::routes,
    menu: &[crate::routes::MenuItem {
        group: "visits",
        nav: "homes",
        label: "home.menu",
        href: "/homes",
        cap: Some(jinguo_domain::Capability::ReadRecords),
    }],
    dictionaries: &[jinguo_store::homes::FACILITIES],
    demo: Some(|store| Box::pin(demo::fill(store))),
};

use jinguo_domain::home::{HomeDraft, HomeFields};
use jinguo_domain::{FieldError, HomeId, UnitCode};
use jinguo_store::StoreError;
use jinguo_store::homes::{Home, HomePhoto, NewHome};
use jinguo_store::model::Unit;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::photos::files::PhotoFiles;
use crate::photos::{CheckedPhoto, PhotoBatch};
use crate::state::{AppState, now};

/// The folder of the data directory that holds home photos, apart from
/// activity photos so one kind's names never reach the other's files.
pub fn photo_files(state: &AppState) -> PhotoFiles {
    PhotoFiles::in_folder(&state.config.data_dir, "home-photos")
}

/// A home has one photo: more than one upload is refused whole.
pub const ONE_PHOTO: FieldError = FieldError::new("photo", "err.home.one_photo");

/// The order fields appear on the form, for error lists.
const FIELD_ORDER: &[&str] = &[
    "unit_code",
    "name",
    "name_mn",
    "address",
    "lat",
    "lon",
    "hours",
    "phone",
    "facilities",
    "status",
    "photo",
];

fn sorted(mut errors: Vec<FieldError>) -> AppError {
    errors.sort_by_key(|e| FIELD_ORDER.iter().position(|f| *f == e.field.as_ref()));
    AppError::InvalidFields(errors)
}

/// Checks every field, the facility keys and the unit together, so a form
/// can mark all problems at once. A unit outside the actor's subtree reads
/// exactly like one that does not exist. `photo` is a problem already found
/// with an upload, reported with the rest.
pub async fn validate(
    state: &AppState,
    actor: &Actor,
    unit_code: &str,
    draft: &HomeDraft,
    photo: Option<FieldError>,
) -> AppResult<(Unit, HomeFields)> {
    let mut errors: Vec<FieldError> = photo.into_iter().collect();
    let fields = draft.validate().map_err(|e| errors.extend(e)).ok();
    if let Some(f) = &fields {
        let known = state.dictionary(jinguo_store::homes::FACILITIES).await?;
        if f.facilities
            .iter()
            .any(|k| !known.iter().any(|e| e.active && &e.key == k))
        {
            errors.push(FieldError::new("facilities", "err.home.facility_unknown"));
        }
    }
    let unit = match UnitCode::parse(unit_code.trim()) {
        Err(_) => {
            errors.push(FieldError::new("unit_code", "err.code.format"));
            None
        }
        Ok(code) => match state.unit_in_scope(actor.scope(), &code).await {
            Ok(u) if u.active => Some(u),
            Ok(_) => {
                errors.push(FieldError::new("unit_code", "err.unit.retired"));
                None
            }
            Err(StoreError::NotFound) => {
                errors.push(FieldError::new("unit_code", "err.unit.unknown"));
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    match (unit, fields) {
        (Some(u), Some(f)) if errors.is_empty() => Ok((u, f)),
        _ => Err(sorted(errors)),
    }
}

/// At most one picture, checked: `Ok(None)` when none came.
pub async fn one_photo(uploads: Vec<Result<Vec<u8>, FieldError>>) -> AppResult<PhotoPick> {
    if uploads.is_empty() {
        return Ok(PhotoPick::default());
    }
    let too_many = uploads.len() > 1;
    let mut batch = PhotoBatch::check(uploads).await?;
    if too_many && batch.error.is_none() {
        batch.error = Some(ONE_PHOTO);
    }
    Ok(PhotoPick {
        error: batch.error,
        photo: batch.add.into_iter().next(),
        remove: false,
    })
}

/// A photo chosen with a form: a new picture, a removal, or the problem
/// with the upload (which saves nothing).
#[derive(Default)]
pub struct PhotoPick {
    pub photo: Option<CheckedPhoto>,
    pub remove: bool,
    pub error: Option<FieldError>,
}

/// Writes a checked picture's file; the row that names it comes after.
async fn write_photo(state: &AppState, p: &CheckedPhoto) -> AppResult<HomePhoto> {
    let files = photo_files(state);
    let written = crate::photos::write_files(&files, std::slice::from_ref(p)).await?;
    let n = written
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("home photo: nothing written")))?;
    Ok(HomePhoto {
        storage_name: n.storage_name,
        content_type: n.content_type.to_owned(),
    })
}

/// Registers a home (and its photo, in the same statement): everything is
/// checked before anything is written.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    unit_code: &str,
    draft: &HomeDraft,
    pick: PhotoPick,
) -> AppResult<HomeId> {
    let (unit, fields) = validate(state, actor, unit_code, draft, pick.error).await?;
    let photo = match &pick.photo {
        Some(p) => Some(write_photo(state, p).await?),
        None => None,
    };
    let made = state
        .store
        .create_home(
            actor.scope(),
            NewHome {
                unit: unit.id,
                fields,
                by: Some(actor.user.id),
                photo: photo.clone(),
            },
            now(),
        )
        .await;
    let id = match made {
        Ok(id) => id,
        Err(e) => {
            if let Some(p) = photo {
                photo_files(state).remove_all(vec![p.storage_name]).await;
            }
            return Err(e.into());
        }
    };
    actor
        .audit(
            state,
            ip,
            "home.created",
            unit.id,
            format!("home={} unit={}", id.get(), unit.code),
        )
        .await?;
    Ok(id)
}

/// Changes a home, possibly moving it within the actor's subtree; a
/// missing status keeps the current one. The photo changes after the
/// fields, in its own statement: only a fault between the two (not a bad
/// upload, which is refused first) can keep one without the other.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: HomeId,
    unit_code: &str,
    draft: &HomeDraft,
    pick: PhotoPick,
) -> AppResult<Home> {
    // Not found (or out of scope) comes before any field message.
    let old = state.store.home_in_scope(actor.scope(), id).await?;
    let mut draft = draft.clone();
    if draft.status.as_deref().is_none_or(|s| s.trim().is_empty()) {
        draft.status = Some(old.fields.status.as_str().to_owned());
    }
    let (unit, fields) = validate(state, actor, unit_code, &draft, pick.error).await?;
    let mut home = state
        .store
        .update_home(actor.scope(), id, unit.id, fields, now())
        .await?;
    actor
        .audit(
            state,
            ip.clone(),
            "home.updated",
            unit.id,
            format!("home={} unit={}", id.get(), unit.code),
        )
        .await?;
    if pick.photo.is_some() || (pick.remove && home.photo.is_some()) {
        set_photo(state, actor, ip, &home, pick.photo.as_ref()).await?;
        home = state.store.home_in_scope(actor.scope(), id).await?;
    }
    Ok(home)
}

/// Sets (or, with `None`, removes) the photo of a home the actor may
/// change: file first, then the row, then the replaced file goes.
pub async fn set_photo(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    home: &Home,
    photo: Option<&CheckedPhoto>,
) -> AppResult<()> {
    let new = match photo {
        Some(p) => Some(write_photo(state, p).await?),
        None => None,
    };
    let files = photo_files(state);
    let old = match state
        .store
        .set_home_photo(actor.scope(), home.id, new.clone(), now())
        .await
    {
        Ok(old) => old,
        Err(e) => {
            if let Some(n) = new {
                files.remove_all(vec![n.storage_name]).await;
            }
            return Err(e.into());
        }
    };
    if let Some(o) = old {
        files.remove_all(vec![o.storage_name]).await;
    }
    let action = if new.is_some() {
        "home.photo_set"
    } else {
        "home.photo_removed"
    };
    actor
        .audit(
            state,
            ip,
            action,
            home.unit.id,
            format!("home={} unit={}", home.id.get(), home.unit.code),
        )
        .await
}

/// The photo of a home of the actor's subtree.
pub async fn photo_response(
    state: &AppState,
    actor: &Actor,
    id: HomeId,
) -> AppResult<axum::response::Response> {
    let home = state.store.home_in_scope(actor.scope(), id).await?;
    let p = home.photo.ok_or(AppError::NotFound)?;
    crate::photos::serve::respond_stored(
        &photo_files(state),
        &p.storage_name,
        &p.content_type,
        &format!("home-{}", id.get()),
    )
    .await
}

/// A home id from a path: anything but a positive integer is "no such home".
pub fn parse_id(s: &str) -> AppResult<HomeId> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(HomeId::new)
        .ok_or(AppError::NotFound)
}
