//! Households and home visits (进万家门、访万家情): the rules shared by the
//! API and the pages. Parsing lives in the domain; this module authorizes,
//! calls the store and writes the audit entries.

use jinguo_domain::household::HouseholdInput;
use jinguo_domain::text::Field;
use jinguo_domain::{FieldError, HouseholdId, MemberId, UnitCode, VisitId};
use jinguo_store::model::{DictKind, NewHousehold, NewVisit, SealedField};
use serde::Deserialize;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::idempotency::Sent;
use crate::state::{AppState, now, today};
use jinguo_store::idempotency::{Arrival, Claim};

/// The visit tag that asks the cadre to open a rights-protection case.
pub const DV_RISK_TAG: &str = "dv_risk";

/// Records a household at a unit of the actor's subtree.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    unit_code: &str,
    input: &HouseholdInput,
    claim: Option<Claim>,
) -> AppResult<HouseholdId> {
    let code = UnitCode::parse(unit_code)
        .map_err(|_| AppError::Invalid(FieldError::new("unit_code", "err.code.format")))?;
    let unit = state
        .unit_in_scope(actor.scope(), &code)
        .await
        .map_err(|_| AppError::Invalid(FieldError::new("unit_code", "err.unit.unknown")))?;
    let household = input
        .parse(today(&state.config))
        .map_err(AppError::InvalidFields)?;
    let members = household.members.len();
    let id = state
        .store
        .create_household_arrived(
            actor.scope(),
            NewHousehold {
                unit: unit.id,
                household,
                by: actor.user.id,
            },
            Arrival {
                claim,
                made_at: None,
            },
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "household.created",
            unit.id,
            format!(
                "household={} unit={} members={members}",
                id.get(),
                unit.code
            ),
        )
        .await?;
    Ok(id)
}

/// Shows one member's full ID number or phone. The reason is required and
/// goes into the audit log with who asked, so every reveal can be checked.
pub async fn reveal(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    household: HouseholdId,
    member: i64,
    field: &str,
    reason: &str,
) -> AppResult<String> {
    let field = SealedField::parse(field).ok_or(AppError::Invalid(FieldError::new(
        "field",
        "err.reveal.field",
    )))?;
    let reason = reveal_reason(reason)?;
    let view = state
        .store
        .household_in_scope(actor.scope(), household)
        .await?;
    let value = state
        .store
        .reveal(actor.scope(), household, MemberId::new(member), field)
        .await?;
    actor
        .audit(
            state,
            ip,
            "household.revealed",
            view.unit_id,
            format!(
                "household={} member={member} field={} reason={reason}",
                household.get(),
                field.as_str()
            ),
        )
        .await?;
    Ok(value)
}

/// A visit as typed (JSON, or a form turned into this).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VisitInput {
    /// A household of the caller's subtree.
    #[schema(minimum = 1)]
    pub household_id: Option<i64>,
    /// `YYYY-MM-DD`: not in the future, not before 2000.
    #[serde(default)]
    #[schema(format = Date)]
    pub date: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub visitors: String,
    /// Stored encrypted.
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
    /// Keys of the `visit-tags` dictionary. `dv_risk` (domestic-violence risk) makes the answer
    /// suggest a rights-protection case.
    #[serde(default)]
    pub tags: Vec<String>,
    /// When the visit was recorded on the device (a phone's outbox sends it later), RFC 3339 with
    /// offset; kept beside the server's arrival time, which it never replaces. Not more than
    /// 10 minutes ahead of the server's clock and not more than a year behind it (otherwise
    /// `422` with field `made_at`).
    #[serde(default)]
    #[schema(format = DateTime, example = "2026-11-20T09:30:00+08:00")]
    pub made_at: Option<String>,
}

/// Records a visit; returns its id and whether it carries the DV-risk tag
/// (the page then prompts for a rights-protection case).
pub async fn create_visit(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    input: &VisitInput,
    claim: Option<Claim>,
) -> AppResult<(VisitId, bool)> {
    let mut errors = Vec::new();
    let today = today(&state.config);
    let household = input.household_id.filter(|&n| n > 0).map(HouseholdId::new);
    if household.is_none() {
        errors.push(FieldError::new("household_id", "err.visit.household"));
    }
    let date = jinguo_domain::activity::parse_date(&input.date)
        .filter(|d| *d <= today && d.year() >= 2000);
    if date.is_none() {
        errors.push(FieldError::new("date", "err.visit.date"));
    }
    let visitors =
        jinguo_domain::need::required_text(&input.visitors, "visitors", 100, &mut errors);
    let notes = Field::text("notes", 2000).optional(input.notes.as_deref(), &mut errors);
    let known = state.dictionary(DictKind::VISIT_TAG).await?;
    let mut tags: Vec<String> = Vec::new();
    for t in input
        .tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        if !known.iter().any(|e| e.active && e.key == t) {
            errors.push(FieldError::new("tags", "err.visit.tag"));
            break;
        }
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_owned());
        }
    }
    let arrival = Sent::new(claim, input.made_at.as_deref())
        .arrival(now())
        .map_err(|e| errors.push(e))
        .ok();
    let (Some(household), Some(date), Some(visitors), Some(arrival), true) =
        (household, date, visitors, arrival, errors.is_empty())
    else {
        return Err(AppError::InvalidFields(errors));
    };
    let dv = tags.iter().any(|t| t == DV_RISK_TAG);
    let view = state
        .store
        .household_in_scope(actor.scope(), household)
        .await
        .map_err(|e| match e {
            jinguo_store::StoreError::NotFound => {
                AppError::Invalid(FieldError::new("household_id", "err.visit.household"))
            }
            other => other.into(),
        })?;
    let id = state
        .store
        .create_visit_arrived(
            actor.scope(),
            NewVisit {
                household,
                date,
                visitors,
                notes,
                tags,
                by: actor.user.id,
            },
            arrival,
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "visit.created",
            view.unit_id,
            format!("visit={} household={}", id.get(), household.get()),
        )
        .await?;
    Ok((id, dv))
}

/// A household id from a path: anything but a positive integer is "no such record".
pub fn parse_household_id(s: &str) -> AppResult<HouseholdId> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(HouseholdId::new)
        .ok_or(AppError::NotFound)
}

pub fn parse_visit_id(s: &str) -> AppResult<VisitId> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(VisitId::new)
        .ok_or(AppError::NotFound)
}

/// The reason given for revealing one sealed value (a household member's
/// or a case client's): 2–200 characters, written to the audit log.
pub fn reveal_reason(reason: &str) -> AppResult<String> {
    // One line: the reason is written into the audit log's detail.
    match Field::line("reason", 200).check_required(reason, "err.reveal.reason")? {
        r if r.chars().count() >= 2 => Ok(r),
        _ => Err(FieldError::new("reason", "err.reveal.reason").into()),
    }
}
