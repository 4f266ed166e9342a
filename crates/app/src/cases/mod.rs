//! Rights-protection cases (维权关爱), shared by the API and the pages:
//! parse → authorize (see [`access`]) → store → audit. Audit lines name the
//! case by id and never carry personal data.

pub mod access;
pub mod flow;

use jinguo_domain::case::{
    Assessment, AssessmentInput, CaseSource, CaseStatus, IntakeInput, OrderKind, OrderStatus,
    TeamRole, required_short,
};
use jinguo_domain::{CaseId, FieldError, HelpId, UnitCode, UserId};
use jinguo_store::StoreError;
use jinguo_store::model::{
    CaseAccess, CaseAlert, CaseSealedField, CaseSummary, CaseView, CaseworkerRef, NewAssessment,
    NewCase, Page, Unit,
};
use serde::Deserialize;
use time::Duration;

pub use access::{Opened, open};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now, today};

/// A case id from a path: anything but a positive integer is "no such case".
pub fn parse_case_id(s: &str) -> AppResult<CaseId> {
    s.trim()
        .trim_start_matches("WQ")
        .parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(CaseId::new)
        .ok_or(AppError::NotFound)
}

/// An intake as posted: the body plus the optional links and team.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseIntake)]
pub struct IntakeBody {
    #[serde(default)]
    #[schema(required = true, value_type = UnitCode)]
    pub unit_code: String,
    #[serde(flatten)]
    pub intake: IntakeInput,
    /// A rights request from the public page in the caller's scope that this case takes over
    /// (its text and contact then leave the intake list).
    pub help_request: Option<i64>,
    /// Usernames of further caseworkers (caseworker role at the unit or above); the recorder is
    /// always one.
    #[serde(default)]
    pub caseworkers: Vec<String>,
    /// Usernames of supervisors; by default the caseworkers of the nearest unit with any above
    /// both the case's unit and the recorder's.
    #[serde(default)]
    pub supervisors: Vec<String>,
}

/// Finds each named user among the caseworkers over the case's unit.
fn pick(
    names: &[String],
    over: &[CaseworkerRef],
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Vec<UserId> {
    let mut out = Vec::new();
    for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        match over.iter().find(|c| c.username == n) {
            Some(c) => out.push(c.user_id),
            None => errors.push(FieldError::new(field, "err.case.not_caseworker")),
        }
    }
    out
}

/// The default supervisors: the caseworkers of the nearest unit that has
/// any above both the case's unit and the recorder's own — a supervisor
/// looks at the recorder's work from a level above, not from beside her.
fn default_supervisors(over: &[CaseworkerRef], unit: &Unit, by: &Actor) -> Vec<UserId> {
    let top = unit.level.get().min(by.unit.level.get());
    let above: Vec<&CaseworkerRef> = over
        .iter()
        .filter(|c| c.level < top && c.user_id != by.user.id)
        .collect();
    let Some(nearest) = above.iter().map(|c| c.level).max() else {
        return Vec::new();
    };
    above
        .iter()
        .filter(|c| c.level == nearest)
        .map(|c| c.user_id)
        .collect()
}

/// Records a case at a unit of the actor's subtree; the actor becomes its
/// caseworker.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    body: &IntakeBody,
) -> AppResult<CaseId> {
    let mut errors = Vec::new();
    let unit = match UnitCode::parse(body.unit_code.trim()) {
        Ok(code) => match state.unit_in_scope(actor.scope(), &code).await {
            Ok(u) if u.active => Some(u),
            Ok(_) | Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        Err(_) => None,
    };
    if unit.is_none() {
        errors.push(FieldError::new("unit_code", "err.unit.unknown"));
    }
    let template = match state.store.case_template(&body.intake.type_key).await {
        Ok(t) => Some(t),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let today = today(&state.config);
    let intake = match body.intake.parse(template.as_ref(), today) {
        Ok(i) => Some(i),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let help = match body.help_request {
        None => None,
        Some(n) if n > 0 => {
            match state
                .store
                .help_request_in_scope(actor.scope(), HelpId::new(n))
                .await
            {
                Ok(h) if h.summary.kind == jinguo_domain::help::HelpKind::Rights => {
                    Some(h.summary.id)
                }
                Ok(_) | Err(StoreError::NotFound) => {
                    errors.push(FieldError::new("help_request", "err.case.help_request"));
                    None
                }
                Err(e) => return Err(e.into()),
            }
        }
        Some(_) => {
            errors.push(FieldError::new("help_request", "err.case.help_request"));
            None
        }
    };
    let mut team = vec![(actor.user.id, TeamRole::Caseworker)];
    if let Some(unit) = &unit {
        let over = state.store.caseworkers_over(unit.id).await?;
        for u in pick(&body.caseworkers, &over, "caseworkers", &mut errors) {
            team.push((u, TeamRole::Caseworker));
        }
        let mut sups = pick(&body.supervisors, &over, "supervisors", &mut errors);
        if sups.is_empty() {
            sups = default_supervisors(&over, unit, actor);
        }
        team.extend(sups.into_iter().map(|u| (u, TeamRole::Supervisor)));
    }
    let (Some(unit), Some(intake), true) = (unit, intake, errors.is_empty()) else {
        return Err(AppError::InvalidFields(errors));
    };
    let follow_ups = template
        .map(|t| t.follow_up_days)
        .unwrap_or_default()
        .into_iter()
        .map(|d| today + Duration::days(i64::from(d)))
        .collect();
    let contact_at_intake = matches!(
        intake.source,
        CaseSource::Hotline | CaseSource::WalkIn | CaseSource::HomeVisit
    );
    let type_key = intake.type_key.clone();
    let id = state
        .store
        .create_case(
            actor.scope(),
            NewCase {
                unit: unit.id,
                intake,
                by: actor.user.id,
                team,
                follow_ups,
                opened_on: today,
                contact_at_intake,
                help_request: help,
                household: None,
            },
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "case.created",
            unit.id,
            format!("case={} unit={} type={type_key}", id.get(), unit.code),
        )
        .await?;
    Ok(id)
}

/// The opened case, for the team or a break-the-glass reader.
pub async fn show(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
) -> AppResult<(CaseView, Opened)> {
    let opened = open(state, actor, ip, id, "view").await?;
    let view = state.store.case_view(&opened, today(&state.config)).await?;
    Ok((view, opened))
}

/// Records a risk assessment (and the safety plan, if written).
pub async fn assess(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    input: &AssessmentInput,
) -> AppResult<(Assessment, usize)> {
    // Access first: whoever may not open the case learns nothing, not
    // even which of her fields were wrong.
    let opened = access::open_for_team(state, actor, ip.clone(), id, "assess").await?;
    let checklist = state
        .store
        .uses_danger_checklist(&opened.head().type_key)
        .await?;
    let a = input.parse(checklist).map_err(AppError::InvalidFields)?;
    let level = a.level;
    let alerted = state
        .store
        .assess_case(
            &opened,
            NewAssessment {
                assessment: a.clone(),
                by: actor.user.id,
                on: today(&state.config),
            },
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "case.assessed",
            opened.head().unit.id,
            format!(
                "case={} level={} alerted={alerted}",
                id.get(),
                level.as_str()
            ),
        )
        .await?;
    if alerted > 0 {
        relay_alert(state, opened.head(), &format!("risk_{}", level.as_str()));
    }
    Ok((a, alerted))
}

/// A protection order or warning letter as posted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseOrderInput)]
pub struct OrderInput {
    #[serde(default)]
    #[schema(required = true, value_type = OrderKind)]
    pub kind: String,
    /// A warning letter (告诫书) is `issued`; a protection order (人身安全保护令) is applied,
    /// granted, refused or expired.
    #[serde(default)]
    #[schema(required = true, value_type = OrderStatus)]
    pub status: String,
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub date: String,
}

/// Records a protection order or warning letter, or a new status of one.
pub async fn record_order(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    input: &OrderInput,
) -> AppResult<i64> {
    let opened = access::open_for_team(state, actor, ip.clone(), id, "order").await?;
    let mut errors = Vec::new();
    let kind = OrderKind::parse(&input.kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "err.case.order_kind"));
    }
    let status = OrderStatus::parse(&input.status);
    match (kind, status) {
        (_, None) => errors.push(FieldError::new("status", "err.case.order_status")),
        (Some(k), Some(s)) if !k.allows(s) => {
            errors.push(FieldError::new("status", "err.case.order_status"))
        }
        _ => {}
    }
    let today = today(&state.config);
    let date = jinguo_domain::activity::parse_date(&input.date);
    match date {
        None => errors.push(FieldError::new("date", "err.date")),
        Some(d) if d > today => errors.push(FieldError::new("date", "err.activity.date_future")),
        _ => {}
    }
    let (Some(kind), Some(status), Some(date), true) = (kind, status, date, errors.is_empty())
    else {
        return Err(AppError::InvalidFields(errors));
    };
    let oid = state
        .store
        .record_case_order(&opened, kind, status, date, actor.user.id, now())
        .await?;
    actor
        .audit(
            state,
            ip,
            "case.order",
            opened.head().unit.id,
            format!(
                "case={} kind={} status={}",
                id.get(),
                kind.as_str(),
                status.as_str()
            ),
        )
        .await?;
    Ok(oid)
}

/// Adds a caseworker or supervisor to the team: only the team may, and
/// only people holding the caseworker role at the case's unit or above.
pub async fn add_member(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    username: &str,
    role: &str,
) -> AppResult<()> {
    let opened = access::open_for_team(state, actor, ip.clone(), id, "team").await?;
    let role = TeamRole::parse(role).ok_or(AppError::Invalid(FieldError::new(
        "role",
        "err.case.team_role",
    )))?;
    let over = state.store.caseworkers_over(opened.head().unit.id).await?;
    let mut errors = Vec::new();
    let picked = pick(&[username.to_owned()], &over, "username", &mut errors);
    let Some(user) = picked.first().copied() else {
        if errors.is_empty() {
            errors.push(FieldError::new("username", "err.case.not_caseworker"));
        }
        return Err(AppError::InvalidFields(errors));
    };
    state
        .store
        .add_case_member(&opened, user, role, actor.user.id, now())
        .await?;
    actor
        .audit(
            state,
            ip,
            "case.team",
            opened.head().unit.id,
            format!(
                "case={} user={} role={}",
                id.get(),
                user.get(),
                role.as_str()
            ),
        )
        .await?;
    Ok(())
}

/// Break-the-glass: an administrator in scope states why she must read the
/// case now; she may for three hours, and the supervisors are told.
pub async fn break_glass(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    reason: &str,
) -> AppResult<i64> {
    let head = state.store.case_head(actor.scope(), id, now()).await?;
    let mut errors = Vec::new();
    let reason = required_short(reason, "reason", "err.case.glass_reason", &mut errors);
    let reason = match reason {
        Some(r) if r.chars().count() >= 10 => r,
        Some(_) => {
            return Err(AppError::Invalid(FieldError::new(
                "reason",
                "err.case.glass_reason",
            )));
        }
        None => return Err(AppError::InvalidFields(errors)),
    };
    let expires = state.store.grant_case_glass(&head, &reason, now()).await?;
    actor
        .audit(
            state,
            ip,
            "case.glass",
            head.unit.id,
            format!("case={} expires={expires}", id.get()),
        )
        .await?;
    relay_alert(state, &head, "glass");
    Ok(expires)
}

/// Shows one full identity value of the client; the reason is audited.
pub async fn reveal(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    field: &str,
    reason: &str,
) -> AppResult<String> {
    // The log says which value was shown; a bad field name is refused
    // only after the case has opened.
    let action = match CaseSealedField::parse(field) {
        Some(CaseSealedField::IdNumber) => "reveal_id_number",
        Some(CaseSealedField::Phone) => "reveal_phone",
        None => "reveal",
    };
    let opened = open(state, actor, ip.clone(), id, action).await?;
    let field = CaseSealedField::parse(field).ok_or(AppError::Invalid(FieldError::new(
        "field",
        "err.reveal.field",
    )))?;
    let reason = crate::households::reveal_reason(reason)?;
    let value = state.store.reveal_case_field(&opened, field).await?;
    actor
        .audit(
            state,
            ip,
            "case.revealed",
            opened.head().unit.id,
            format!("case={} field={} reason={reason}", id.get(), field.as_str()),
        )
        .await?;
    Ok(value)
}

/// Who opened the case, newest first. Reading it is itself an opening.
pub async fn access_log(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
) -> AppResult<Vec<CaseAccess>> {
    let opened = open(state, actor, ip, id, "access_log").await?;
    Ok(state.store.case_access_log(&opened).await?)
}

/// The cases the actor may open under `unit` (her own unit by default).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    unit: Option<&UnitCode>,
    status: Option<&str>,
    page: Page,
) -> AppResult<Vec<CaseSummary>> {
    let unit = actor.unit_or_own(state, unit).await?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            CaseStatus::parse(s).ok_or(AppError::Invalid(FieldError::new(
                "status",
                "err.case.status",
            )))?,
        ),
    };
    let scope = actor.scope().narrow(&unit).ok_or(AppError::NotFound)?;
    Ok(state
        .store
        .cases_for(scope, status, today(&state.config), now(), page)
        .await?)
}

/// The cases the actor may open under `unit` matching `filter`, newest
/// first, at most `limit`: the same rule as [`list`] (her team's cases and
/// those under a running grant), never wider.
pub async fn list_filtered(
    state: &AppState,
    actor: &Actor,
    unit: &jinguo_store::model::Unit,
    filter: &jinguo_store::model::CaseFilter,
    limit: i64,
) -> AppResult<Vec<CaseSummary>> {
    let scope = actor.scope().narrow(unit).ok_or(AppError::NotFound)?;
    Ok(state
        .store
        .cases_filtered(scope, filter, today(&state.config), now(), limit)
        .await?)
}

/// The actor's alerts, newest first.
pub async fn alerts(state: &AppState, actor: &Actor) -> AppResult<Vec<CaseAlert>> {
    Ok(state.store.case_alerts(actor.scope(), 50).await?)
}

/// Passes a supervisors' alert to the deployment's webhook (if any), so a
/// messaging gateway can wake them: the case number, the kind and the unit
/// code only, never a name or a word of the case.
fn relay_alert(state: &AppState, head: &jinguo_store::model::CaseHead, kind: &str) {
    crate::webhook::send(
        state,
        serde_json::json!({
            "event": "case_alert",
            "kind": kind,
            "case": head.number,
            "unit": head.unit.code,
        }),
    );
}
