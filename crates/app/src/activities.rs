//! Recording activities, shared by the API and the web pages: parse →
//! authorize → check dictionaries and scope → store → audit.

use jinguo_domain::{ActivityDraft, ActivityFields, ActivityId, FieldError, UnitCode};
use jinguo_store::StoreError;
use jinguo_store::model::{Activity, ActivityWith, DictKind, NewActivity, NewAudit, Unit};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::idempotency::Sent;
use crate::photos::PhotoBatch;
use crate::state::{AppState, now, today};

/// Checks every field, the dictionaries and the unit together, so a form
/// can mark all problems at once. A unit outside the actor's subtree reads
/// exactly like one that does not exist.
pub async fn validate(
    state: &AppState,
    actor: &Actor,
    unit_code: &str,
    draft: &ActivityDraft,
) -> AppResult<(Unit, ActivityFields)> {
    let mut errors = Vec::new();
    let fields = match draft.validate(today(&state.config)) {
        Ok(f) => Some(f),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let known = |entries: &[jinguo_store::model::DictEntry], key: &str| {
        entries.iter().any(|e| e.active && e.key == key)
    };
    let types = state.dictionary(DictKind::ACTIVITY_TYPE).await?;
    let type_key = draft.type_key.trim();
    if !type_key.is_empty() && !known(&types, type_key) {
        errors.push(FieldError::new("type", "err.activity.type_unknown"));
    }
    if let Some(p) = draft
        .program_key
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let programs = state.dictionary(DictKind::PROGRAM).await?;
        if !known(&programs, p) {
            errors.push(FieldError::new("program", "err.activity.program_unknown"));
        }
    }
    let unit = match UnitCode::parse(unit_code) {
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
        _ => {
            errors.sort_by_key(|e| FIELD_ORDER.iter().position(|f| *f == e.field.as_ref()));
            Err(AppError::InvalidFields(errors))
        }
    }
}

/// Audiences chosen for an activity, checked against the dictionary: blanks
/// dropped, duplicates once, every key an active entry. `None` is "not
/// given" (a change keeps the ones it has).
pub async fn check_audiences(
    state: &AppState,
    keys: Option<&[String]>,
) -> AppResult<Result<Option<Vec<String>>, FieldError>> {
    let Some(keys) = keys else {
        return Ok(Ok(None));
    };
    let known = state
        .dictionary(jinguo_store::family_sites::audiences::AUDIENCES)
        .await?;
    let mut out: Vec<String> = Vec::new();
    for k in keys.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        if !known.iter().any(|e| e.active && e.key == k) {
            return Ok(Err(FieldError::new(
                "audiences",
                "err.activity.audience_unknown",
            )));
        }
        if !out.iter().any(|x| x == k) {
            out.push(k.to_owned());
        }
    }
    Ok(Ok(Some(out)))
}

/// The order fields appear on the form, for error lists.
const FIELD_ORDER: &[&str] = &[
    "date",
    "unit_code",
    "type",
    "program",
    "title",
    "title_mn",
    "place",
    "participants",
    "women",
    "summary",
    "audiences",
    "photo",
    "made_at",
];

pub async fn create(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    unit_code: &str,
    draft: &ActivityDraft,
    audiences: Option<&[String]>,
    sent: Sent,
) -> AppResult<ActivityId> {
    let entry = Entry {
        unit_code,
        draft,
        audiences,
    };
    create_with_photos(state, actor, ip, entry, PhotoBatch::default(), sent).await
}

/// Adds a problem with the photos (or the device time) to the field
/// problems, so the form shows them all at once.
fn with_photo_error<T>(checked: AppResult<T>, photos: &PhotoBatch) -> AppResult<T> {
    with_error(checked, photos.error.as_ref())
}

fn with_error<T>(checked: AppResult<T>, error: Option<&FieldError>) -> AppResult<T> {
    match (checked, error) {
        (Err(AppError::InvalidFields(mut errors)), Some(e)) => {
            errors.push(e.clone());
            errors.sort_by_key(|e| FIELD_ORDER.iter().position(|f| *f == e.field));
            Err(AppError::InvalidFields(errors))
        }
        (Ok(_), Some(e)) => Err(AppError::InvalidFields(vec![e.clone()])),
        (other, _) => other,
    }
}

/// What a form or a body says about an activity: its unit, its fields and
/// whom it reached (`None`: not said).
pub struct Entry<'a> {
    pub unit_code: &'a str,
    pub draft: &'a ActivityDraft,
    pub audiences: Option<&'a [String]>,
}

/// Records an activity with its photos: every field and every photo is
/// checked before anything is written, and if the photos cannot be stored
/// the activity is taken back (and its idempotency key given back), so it
/// is saved whole or not at all.
pub async fn create_with_photos(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    entry: Entry<'_>,
    mut photos: PhotoBatch,
    sent: Sent,
) -> AppResult<ActivityId> {
    let Entry {
        unit_code,
        draft,
        audiences,
    } = entry;
    photos.limit(0);
    let arrival = sent.arrival(now());
    let aud = check_audiences(state, audiences).await?;
    let checked = with_photo_error(validate(state, actor, unit_code, draft).await, &photos);
    let checked = with_error(checked, aud.as_ref().err());
    let (unit, fields) = with_error(checked, arrival.as_ref().err())?;
    let audiences = aud.ok().flatten().unwrap_or_default();
    let arrival = arrival?;
    let claim = arrival.claim.clone();
    let entry = NewAudit {
        at: now(),
        actor: Some((actor.user.id, actor.user.username.clone())),
        action: "activity.created",
        detail: format!("unit={}", unit.code),
        ip,
        unit: unit.id,
    };
    // Without photos the entry is written with the activity; with photos,
    // once they are stored too, so no entry records an activity taken back.
    let (audit, audit_later) = if photos.is_empty() {
        (Some(entry), None)
    } else {
        (None, Some(entry))
    };
    let id = state
        .store
        .create_activity_arrived(
            actor.scope(),
            NewActivity {
                unit: unit.id,
                fields,
                by: Some(actor.user.id),
            },
            arrival,
            ActivityWith { audiences, audit },
            now(),
        )
        .await?;
    if let Some(mut entry) = audit_later {
        let a = state.store.activity_in_scope(actor.scope(), id).await?;
        // Its photos; if they cannot be stored the activity is taken back,
        // so it is saved whole or not at all.
        if let Err(e) = crate::photos::apply(state, actor, entry.ip.clone(), &a, photos).await {
            let (_, gone) = state
                .store
                .delete_activity_with_photos(actor.scope(), id)
                .await?;
            crate::photos::remove_files(state, &gone).await;
            if let Some(c) = claim {
                state.store.release(&c).await?;
            }
            return Err(e);
        }
        entry.detail = format!("activity={} {}", id.get(), entry.detail);
        state.store.append_audit(entry).await?;
    }
    Ok(id)
}

pub async fn update(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: ActivityId,
    unit_code: &str,
    draft: &ActivityDraft,
    audiences: Option<&[String]>,
) -> AppResult<Activity> {
    let entry = Entry {
        unit_code,
        draft,
        audiences,
    };
    update_with_photos(state, actor, ip, id, entry, PhotoBatch::default()).await
}

/// Changes an activity and its photos, everything checked first. The
/// photo rows change in their own transaction after the activity's: only
/// a fault between the two (not a bad upload) can keep one without the other.
pub async fn update_with_photos(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: ActivityId,
    entry: Entry<'_>,
    mut photos: PhotoBatch,
) -> AppResult<Activity> {
    let Entry {
        unit_code,
        draft,
        audiences,
    } = entry;
    // Not found (or out of scope) comes before any field message.
    state.store.activity_in_scope(actor.scope(), id).await?;
    if !photos.is_empty() {
        let existing = state.store.photos_of(actor.scope(), id).await?;
        photos
            .remove
            .retain(|r| existing.iter().any(|p| p.id == *r));
        photos.limit(existing.len());
    }
    let aud = check_audiences(state, audiences).await?;
    let checked = with_photo_error(validate(state, actor, unit_code, draft).await, &photos);
    let (unit, fields) = with_error(checked, aud.as_ref().err())?;
    let a = state
        .store
        .update_activity(actor.scope(), id, unit.id, fields, now())
        .await?;
    if let Ok(Some(keys)) = &aud {
        state
            .store
            .set_activity_audiences(actor.scope(), id, keys)
            .await?;
    }
    actor
        .audit(
            state,
            ip.clone(),
            "activity.updated",
            unit.id,
            format!("activity={} unit={}", id.get(), unit.code),
        )
        .await?;
    crate::photos::apply(state, actor, ip, &a, photos).await?;
    Ok(a)
}

/// Deletes an activity with its photos, rows in one transaction, then files.
pub async fn delete(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: ActivityId,
) -> AppResult<Activity> {
    let (a, photos) = state
        .store
        .delete_activity_with_photos(actor.scope(), id)
        .await?;
    crate::photos::remove_files(state, &photos).await;
    actor
        .audit(
            state,
            ip,
            "activity.deleted",
            a.unit.id,
            format!(
                "activity={} unit={} photos={}",
                id.get(),
                a.unit.code,
                photos.len()
            ),
        )
        .await?;
    Ok(a)
}

/// An activity id from a path: anything but a positive integer is "no such record".
pub fn parse_id(s: &str) -> AppResult<ActivityId> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(ActivityId::new)
        .ok_or(AppError::NotFound)
}

/// A dictionary entry's label in a language, Chinese when missing.
pub fn label(e: &jinguo_store::model::DictEntry, lang: crate::i18n::Lang) -> String {
    use crate::i18n::Lang;
    let other = match lang {
        Lang::Zh => None,
        Lang::Mn => e.label_mn.as_deref(),
        Lang::En => e.label_en.as_deref(),
    };
    other
        .filter(|s| !s.is_empty())
        .unwrap_or(&e.label_zh)
        .to_owned()
}

/// Keys → labels of a dictionary, for pages.
pub async fn labels(
    state: &AppState,
    kind: DictKind,
    lang: crate::i18n::Lang,
) -> AppResult<std::collections::BTreeMap<String, String>> {
    Ok(state
        .dictionary(kind)
        .await?
        .iter()
        .map(|e| (e.key.clone(), label(e, lang)))
        .collect())
}
