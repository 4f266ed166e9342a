use std::collections::{BTreeMap, HashMap};

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{MethodRouter, post};
use jinguo_domain::ActivityDraft;
use jinguo_domain::activity::format_date;
use jinguo_store::model::{Activity, ActivityFilter, DictKind};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::unit_of;
use crate::activities::{self, label, parse_id};
use crate::activity_list::{ActivityParams, Cursor};
use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::idempotency::{FormRoute, Once, Sent};
use crate::net::ClientIp;
use crate::paging::PER_PAGE;
use crate::period::Period;
use crate::photos::upload::FormWithPhotos;
use crate::photos::{PhotoBatch, PhotoView};
use crate::render::WebResult;
use crate::state::{AppState, today};

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    /// Keyset paging: `YYYY-MM-DD.id` of the last row shown. Only links
    /// carry it, so a malformed one is no page (404).
    before: Option<String>,
    done: Option<String>,
    #[serde(flatten)]
    filter: ActivityParams,
}

/// `GET /activities`: the ledger of a unit's subtree for a period, searched
/// by title and filtered by type and programme, newest first, paged by
/// (date, id).
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Cursor::parse(s).ok_or(AppError::NotFound)?),
    };
    let types = activities::labels(&state, DictKind::ACTIVITY_TYPE, lang).await?;
    let programs = activities::labels(&state, DictKind::PROGRAM, lang).await?;
    let today = today(&state.config);
    let (rows, errors) = match q.filter.parse(today, &types, &programs) {
        Ok(f) => {
            let f = ActivityFilter {
                before: before.map(|c| (c.date, c.id)),
                ..f
            };
            (
                state
                    .store
                    .activities_filtered(actor.scope(), &unit, &f, PER_PAGE + 1)
                    .await?,
                vec![],
            )
        }
        Err(errors) => (vec![], errors),
    };
    let has_next = rows.len() as i64 > PER_PAGE;
    let rows: Vec<_> = rows.into_iter().take(PER_PAGE as usize).collect();
    let next = has_next
        .then(|| {
            rows.last().map(|a| {
                Cursor {
                    date: a.fields.date,
                    id: a.id.get(),
                }
                .to_string()
            })
        })
        .flatten();
    let errors: BTreeMap<_, _> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key.to_string()))
        .collect();
    // The period shown in the form: as parsed, or the defaults.
    let period = Period::parse(None, None, today)?;
    let shown =
        Period::parse(q.filter.from.as_deref(), q.filter.to.as_deref(), today).unwrap_or(period);
    let ids: Vec<_> = rows.iter().map(|a| a.id).collect();
    let mut photos: HashMap<i64, Vec<PhotoView>> = HashMap::new();
    for p in state.store.photos_of_many(actor.scope(), &ids).await? {
        photos
            .entry(p.activity.get())
            .or_default()
            .push(PhotoView::from(&p));
    }
    let done = q
        .done
        .clone()
        .filter(|d| ["created", "updated", "deleted"].contains(&d.as_str()));
    let query = q.filter.query();
    let narrowed = [&q.filter.q, &q.filter.type_key, &q.filter.program]
        .iter()
        .any(|v| v.as_deref().is_some_and(|s| !s.trim().is_empty()));
    Ok(state.templates.render(
        "activities.html",
        lang,
        Some(&actor),
        context! {
            unit, next, done, types, programs, errors, query, narrowed,
            period => shown,
            filter => &q.filter,
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            first_page => before.is_none(),
            can_record => actor.can(jinguo_domain::Capability::RecordWork),
            rows => rows.iter().map(|a| row_view(a, photos.remove(&a.id.get()).unwrap_or_default())).collect::<Vec<_>>(),
        },
    ))
}

#[derive(Serialize)]
struct RowView<'a> {
    id: i64,
    date: String,
    unit_code: &'a str,
    unit_name: &'a str,
    type_key: &'a str,
    title: &'a str,
    participants: i64,
    women: i64,
    photos: Vec<PhotoView>,
}

fn row_view(a: &Activity, photos: Vec<PhotoView>) -> RowView<'_> {
    RowView {
        id: a.id.get(),
        date: format_date(a.fields.date),
        unit_code: a.unit.code.as_str(),
        unit_name: &a.unit.name,
        type_key: &a.fields.type_key,
        title: &a.fields.title,
        participants: a.fields.participants,
        women: a.fields.women,
        photos,
    }
}

/// What the form shows: typed text, kept as typed when it comes back with errors.
#[derive(Deserialize, Serialize, Default)]
pub struct ActivityForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    date: String,
    #[serde(default, rename = "type")]
    type_key: String,
    #[serde(default)]
    program: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    title_mn: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    women: String,
    #[serde(default)]
    summary: String,
    /// The idempotency key made when the form was rendered: pressing 保存
    /// twice, or the browser sending again after a dropped connection,
    /// records once.
    #[serde(default)]
    idempotency_key: String,
    /// When the record was made on the device (RFC 3339), filled by the
    /// page's script; shown, never typed.
    #[serde(default)]
    made_at: String,
    /// Whom it reached (repeated checkboxes, read apart from the rest).
    #[serde(skip_deserializing)]
    audiences: Vec<String>,
    /// Set by the form that shows the audiences, so an edit without any
    /// ticked clears them while a form without the section keeps them.
    #[serde(default)]
    audiences_shown: String,
}

impl ActivityForm {
    fn read(sub: &FormWithPhotos) -> Result<Self, AppError> {
        let mut f: ActivityForm = sub.parse()?;
        f.audiences = sub.all("audiences").map(str::to_owned).collect();
        Ok(f)
    }

    /// The audiences as the form gave them: `None` when it did not show them.
    fn audience_keys(&self) -> Option<&[String]> {
        (!self.audiences_shown.is_empty()).then_some(self.audiences.as_slice())
    }
}

/// A number field: empty is "not given"; anything else that is not a whole
/// number becomes an impossible value so the range rule reports it.
fn number(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        None
    } else {
        Some(s.parse().unwrap_or(-1))
    }
}

impl ActivityForm {
    fn draft(&self) -> ActivityDraft {
        let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        ActivityDraft {
            date: self.date.clone(),
            type_key: self.type_key.clone(),
            program_key: opt(&self.program),
            title: self.title.clone(),
            title_mn: opt(&self.title_mn),
            place: opt(&self.place),
            participants: number(&self.participants),
            women: number(&self.women),
            summary: opt(&self.summary),
        }
    }

    fn of(a: &Activity) -> Self {
        let f = &a.fields;
        ActivityForm {
            unit_code: a.unit.code.to_string(),
            date: format_date(f.date),
            type_key: f.type_key.clone(),
            program: f.program_key.clone().unwrap_or_default(),
            title: f.title.clone(),
            title_mn: f.title_mn.clone().unwrap_or_default(),
            place: f.place.clone().unwrap_or_default(),
            participants: f.participants.to_string(),
            women: f.women.to_string(),
            summary: f.summary.clone().unwrap_or_default(),
            ..Default::default()
        }
    }
}

/// The activity an edit form changes: its id, and when it arrived and
/// was made on the device, shown beside the form.
#[derive(Serialize)]
struct Editing {
    id: i64,
    created_at: i64,
    made_at: Option<i64>,
}

impl Editing {
    fn of(a: &Activity) -> Self {
        Editing {
            id: a.id.get(),
            created_at: a.created_at,
            made_at: a.made_at,
        }
    }
}

/// The photos part of the form: those the activity has, those ticked for
/// removal, and whether chosen files were dropped by a failed save.
#[derive(Default)]
struct PhotoState {
    existing: Vec<PhotoView>,
    removing: Vec<i64>,
    choose_again: bool,
}

async fn form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &ActivityForm,
    editing: Option<Editing>,
    errors: &[jinguo_domain::FieldError],
    photos: PhotoState,
) -> WebResult {
    let dict = |kind| async move {
        let entries = state.dictionary(kind).await?;
        Ok::<_, AppError>(
            entries
                .iter()
                .filter(|e| e.active)
                .map(|e| context! { key => e.key, label => label(e, lang) })
                .collect::<Vec<_>>(),
        )
    };
    let errors: std::collections::BTreeMap<&str, &str> =
        errors.iter().map(|e| (e.field.as_ref(), e.key)).collect();
    let mut resp = state.templates.render(
        "activity_form.html",
        lang,
        Some(actor),
        context! {
            form, editing, errors,
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
            photos => photos.existing,
            removing => photos.removing,
            choose_again => photos.choose_again,
            max_photos => crate::photos::MAX_PHOTOS,
            max_photo_mb => crate::photos::MAX_PHOTO_BYTES / 1024 / 1024,
            types => dict(DictKind::ACTIVITY_TYPE).await?,
            programs => dict(DictKind::PROGRAM).await?,
            audiences => dict(jinguo_store::family_sites::audiences::AUDIENCES).await?,
            max_date => format_date(today(&state.config)),
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

#[derive(Deserialize)]
pub struct NewQuery {
    unit: Option<String>,
}

/// `GET /activities/new`: the phone-sized form, today's date and the
/// user's own unit filled in.
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<NewQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let form = ActivityForm {
        unit_code: unit.code.to_string(),
        date: format_date(today(&state.config)),
        idempotency_key: crate::idempotency::new_key(),
        ..Default::default()
    };
    form_page(
        &state,
        &actor,
        lang,
        &form,
        None,
        &[],
        PhotoState::default(),
    )
    .await
}

/// The routes that take the activity form: multipart when photos come
/// along, so the body may be as large as the photos allow (the CSRF guard
/// allows the same, for these paths only).
pub fn create_route() -> MethodRouter<AppState> {
    post(create).layer(DefaultBodyLimit::max(crate::photos::MAX_PHOTOS_BODY))
}

pub fn update_route() -> MethodRouter<AppState> {
    post(update).layer(DefaultBodyLimit::max(crate::photos::MAX_PHOTOS_BODY))
}

/// The photos of a submitted form: uploads checked, removals parsed.
async fn photo_batch(sub: &mut FormWithPhotos) -> Result<PhotoBatch, AppError> {
    let uploads = std::mem::take(&mut sub.uploads.0);
    let mut batch = PhotoBatch::check(uploads).await?;
    batch.remove = sub
        .all("remove_photo")
        .filter_map(|v| crate::photos::parse_photo_id(v).ok())
        .collect();
    Ok(batch)
}

/// `POST /activities` (url-encoded, or multipart with `photo` files),
/// once per idempotency key.
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    route: FormRoute,
    mut sub: FormWithPhotos,
) -> WebResult {
    let f = ActivityForm::read(&sub)?;
    let files = sub.uploads.0.iter().flatten().map(Vec::as_slice);
    let once = Once::form(route, &sub.fields, files)?;
    let choose_again = !sub.uploads.0.is_empty();
    let batch = photo_batch(&mut sub).await?;
    once.run(&state, &actor, |claim| async {
        let sent = Sent::from_form(claim, &f.made_at);
        let draft = f.draft();
        let entry = activities::Entry {
            unit_code: &f.unit_code,
            draft: &draft,
            audiences: f.audience_keys(),
        };
        match activities::create_with_photos(&state, &actor, ip, entry, batch, sent).await {
            Ok(_) => Ok(Redirect::to(&format!(
                "/activities?unit={}&done=created",
                f.unit_code.trim()
            ))
            .into_response()),
            Err(AppError::InvalidFields(errors)) => {
                let photos = PhotoState {
                    choose_again,
                    ..Default::default()
                };
                form_page(&state, &actor, lang, &f, None, &errors, photos).await
            }
            Err(e) => Err(e),
        }
    })
    .await
}

/// `GET /activities/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let a = state
        .store
        .activity_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let photos = PhotoState {
        existing: existing_photos(&state, &actor, a.id).await?,
        ..Default::default()
    };
    let mut form = ActivityForm::of(&a);
    form.audiences = state.store.activity_audiences(actor.scope(), a.id).await?;
    form_page(
        &state,
        &actor,
        lang,
        &form,
        Some(Editing::of(&a)),
        &[],
        photos,
    )
    .await
}

async fn existing_photos(
    state: &AppState,
    actor: &Actor,
    id: jinguo_domain::ActivityId,
) -> Result<Vec<PhotoView>, AppError> {
    Ok(state
        .store
        .photos_of(actor.scope(), id)
        .await?
        .iter()
        .map(PhotoView::from)
        .collect())
}

/// `POST /activities/{id}`: save an edit, with photos added and removed.
pub async fn update(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    mut sub: FormWithPhotos,
) -> WebResult {
    let id = parse_id(&id)?;
    let f = ActivityForm::read(&sub)?;
    let choose_again = !sub.uploads.0.is_empty();
    let batch = photo_batch(&mut sub).await?;
    let removing: Vec<i64> = batch.remove.iter().map(|p| p.get()).collect();
    let draft = f.draft();
    let entry = activities::Entry {
        unit_code: &f.unit_code,
        draft: &draft,
        audiences: f.audience_keys(),
    };
    match activities::update_with_photos(&state, &actor, ip, id, entry, batch).await {
        Ok(a) => Ok(
            Redirect::to(&format!("/activities?unit={}&done=updated", a.unit.code)).into_response(),
        ),
        Err(AppError::InvalidFields(errors)) => {
            let photos = PhotoState {
                existing: existing_photos(&state, &actor, id).await?,
                removing,
                choose_again,
            };
            let a = state.store.activity_in_scope(actor.scope(), id).await?;
            form_page(
                &state,
                &actor,
                lang,
                &f,
                Some(Editing::of(&a)),
                &errors,
                photos,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// `GET /activities/{id}/photos/{photo}`: a photo for a page, to anyone
/// whose subtree holds the activity.
pub async fn photo(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    Path((id, photo)): Path<(String, String)>,
) -> WebResult {
    let p = state
        .store
        .photo_in_scope(
            actor.scope(),
            parse_id(&id)?,
            crate::photos::parse_photo_id(&photo)?,
        )
        .await?;
    crate::photos::serve::respond(&state, &p).await
}

/// `POST /activities/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> WebResult {
    let a = activities::delete(&state, &actor, ip, parse_id(&id)?).await?;
    Ok(Redirect::to(&format!("/activities?unit={}&done=deleted", a.unit.code)).into_response())
}
