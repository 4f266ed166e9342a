//! Needs and the practical-deeds ledger, shared by the API and the web
//! pages: parse → authorize → check scope → store → audit.
//!
//! Seeing a need follows its origin: a village keeps following a need it
//! escalated (it reads 已上报, referred). Acting on it follows its assignee:
//! only recorders whose subtree holds the unit whose queue it sits in may
//! start, escalate, resolve or close it.

use jinguo_domain::activity::{format_date, parse_date};
use jinguo_domain::need::{NeedStatus, Resolution, Urgency, required_text};
use jinguo_domain::{FieldError, HouseholdId, Level, Month, NeedId, UnitCode, UserId, VisitId};
use jinguo_store::InScope;
use jinguo_store::StoreError;
use jinguo_store::model::{
    DeedCounts, Deeds, DictKind, Need, NeedEvent, NeedSource, NeedSummary, NewNeed, Unit,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now, today};

/// Longest description, resolution, note or reason, in characters.
pub const TEXT_MAX: usize = 2000;

/// A need id from a path: anything but a positive integer is "no such need".
pub fn parse_need_id(s: &str) -> AppResult<NeedId> {
    s.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .map(NeedId::new)
        .ok_or(AppError::NotFound)
}

/// A need as typed into a form or a JSON body.
#[derive(Debug, Clone, Default)]
pub struct NeedDraft {
    pub unit_code: String,
    pub category: String,
    pub urgency: Option<String>,
    pub description: String,
    pub due_date: Option<String>,
    pub household_id: Option<i64>,
    pub visit_id: Option<i64>,
}

/// Checks every field together, so a form can mark all problems at once.
async fn validate(state: &AppState, actor: &Actor, d: &NeedDraft) -> AppResult<NewNeed> {
    let mut errors = Vec::new();
    let unit = match UnitCode::parse(d.unit_code.trim()) {
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
    let categories = state.dictionary(DictKind::NEED_CATEGORY).await?;
    let category = d.category.trim();
    if !categories.iter().any(|e| e.active && e.key == category) {
        errors.push(FieldError::new("category", "err.need.category"));
    }
    let urgency = match d
        .urgency
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Some(Urgency::Normal),
        Some(s) => Urgency::parse(s),
    };
    if urgency.is_none() {
        errors.push(FieldError::new("urgency", "err.need.urgency"));
    }
    let description = required_text(&d.description, "description", TEXT_MAX, &mut errors);
    let today = today(&state.config);
    let due_date = match d
        .due_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => match parse_date(s) {
            Some(date) if date >= today => Some(date),
            Some(_) => {
                errors.push(FieldError::new("due_date", "err.need.due_past"));
                None
            }
            None => {
                errors.push(FieldError::new("due_date", "err.date"));
                None
            }
        },
    };
    let id_of = |v: Option<i64>, field: &'static str, errors: &mut Vec<FieldError>| match v {
        Some(n) if n > 0 => Some(n),
        Some(_) => {
            errors.push(FieldError::new(field, "err.need.link"));
            None
        }
        None => None,
    };
    let household = id_of(d.household_id, "household_id", &mut errors).map(HouseholdId::new);
    let visit = id_of(d.visit_id, "visit_id", &mut errors).map(VisitId::new);
    let (Some(unit), Some(urgency), Some(description), true) =
        (unit, urgency, description, errors.is_empty())
    else {
        return Err(AppError::InvalidFields(errors));
    };
    Ok(NewNeed {
        origin: unit.id,
        assignee: unit.id,
        assignee_user: None,
        household,
        visit,
        source: if visit.is_some() {
            NeedSource::Visit
        } else {
            NeedSource::Direct
        },
        category: category.to_owned(),
        urgency,
        description,
        due_date,
        raised_on: today,
        by: Some(actor.user.id),
    })
}

/// Records a need at a unit of the actor's subtree, in its own queue.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    d: &NeedDraft,
    sent: crate::idempotency::Sent,
) -> AppResult<NeedId> {
    let arrival = sent
        .arrival(now())
        .map_err(|e| AppError::InvalidFields(vec![e]));
    let new = validate(state, actor, d).await?;
    let arrival = arrival?;
    let (origin, category) = (new.origin, new.category.clone());
    let id = state
        .store
        .create_need_arrived(actor.scope(), new, arrival, now())
        .await?;
    actor
        .audit(
            state,
            ip,
            "need.raised",
            origin,
            format!("need={} category={category}", id.get()),
        )
        .await?;
    Ok(id)
}

/// A need the actor may see: its origin lies in her subtree.
pub async fn load(state: &AppState, actor: &Actor, id: &str) -> AppResult<InScope<Need>> {
    Ok(state
        .store
        .need_in_scope(actor.scope(), parse_need_id(id)?)
        .await?)
}

/// Whether the need sits in a queue of the actor's subtree (otherwise it
/// was escalated above her unit).
pub async fn assigned_within(state: &AppState, actor: &Actor, need: &Need) -> AppResult<bool> {
    let assignee = state
        .units
        .by_id(state.store.as_ref(), need.assignee_id)
        .await?;
    Ok(actor.scope().contains(&assignee.ancestors))
}

/// Whether the actor may start, escalate, resolve or close the need.
pub async fn may_act(state: &AppState, actor: &Actor, need: &Need) -> AppResult<bool> {
    Ok(actor.can(jinguo_domain::Capability::RecordWork)
        && assigned_within(state, actor, need).await?)
}

/// The status as the actor reads it: a live need that left her subtree
/// reads `referred` (已上报).
pub async fn status_for(state: &AppState, actor: &Actor, need: &Need) -> AppResult<&'static str> {
    Ok(if assigned_within(state, actor, need).await? {
        need.status.as_str()
    } else {
        need.status.as_seen_from_below()
    })
}

/// The status of a queue line as a unit reads it.
pub async fn summary_status(state: &AppState, actor: &Actor, n: &NeedSummary) -> &'static str {
    if !n.status.is_live() {
        return n.status.as_str();
    }
    match state.unit_in_scope(actor.scope(), &n.assignee_code).await {
        Ok(_) => n.status.as_str(),
        Err(_) => n.status.as_seen_from_below(),
    }
}

/// 403 unless the actor may act on the need (which she can see).
async fn require_actor(state: &AppState, actor: &Actor, need: &InScope<Need>) -> AppResult<()> {
    if assigned_within(state, actor, need).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn audit(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    action: &'static str,
    need: &InScope<Need>,
) -> AppResult<()> {
    actor
        .audit(
            state,
            ip,
            action,
            need.assignee_id,
            format!("need={} unit={}", need.id.get(), need.assignee_code),
        )
        .await
}

/// open → in progress, optionally naming the user of the assignee unit
/// who handles it.
pub async fn start(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    need: &InScope<Need>,
    handler: Option<i64>,
) -> AppResult<()> {
    require_actor(state, actor, need).await?;
    let handler = match handler {
        Some(n) if n > 0 => Some(UserId::new(n)),
        Some(_) => return Err(FieldError::new("assignee_user", "err.need.assignee_user").into()),
        None => None,
    };
    state
        .store
        .start_need(need, handler, actor.user.id, now())
        .await?;
    audit(state, actor, ip, "need.started", need).await
}

/// Passes the need to the parent of its assignee, with why.
pub async fn escalate(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    need: &InScope<Need>,
    note: &str,
) -> AppResult<()> {
    require_actor(state, actor, need).await?;
    let mut errors = Vec::new();
    let Some(note) = required_text(note, "note", TEXT_MAX, &mut errors) else {
        return Err(AppError::InvalidFields(errors));
    };
    state
        .store
        .escalate_need(need, &note, actor.user.id, now())
        .await?;
    audit(state, actor, ip, "need.escalated", need).await
}

/// Resolves the need with what was done and the household's rating.
pub async fn resolve(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    need: &InScope<Need>,
    what: &str,
    satisfaction: Option<i64>,
) -> AppResult<()> {
    require_actor(state, actor, need).await?;
    let r = Resolution::parse(what, satisfaction).map_err(AppError::InvalidFields)?;
    state
        .store
        .resolve_need(need, &r, today(&state.config), actor.user.id, now())
        .await?;
    audit(state, actor, ip, "need.resolved", need).await
}

/// Closes the need unresolved, with the reason.
pub async fn close(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    need: &InScope<Need>,
    reason: &str,
) -> AppResult<()> {
    require_actor(state, actor, need).await?;
    let mut errors = Vec::new();
    let Some(reason) = required_text(reason, "reason", TEXT_MAX, &mut errors) else {
        return Err(AppError::InvalidFields(errors));
    };
    state
        .store
        .close_need(need, &reason, today(&state.config), actor.user.id, now())
        .await?;
    audit(state, actor, ip, "need.closed", need).await
}

/// A need's unit (where it was raised, or whose queue it sits in).
#[derive(Serialize, ToSchema)]
pub struct NeedUnit {
    code: UnitCode,
    name: String,
}

/// The status as the reader sees it: `open` and `in_progress` are live, `resolved` and `closed`
/// (unresolved, with a reason) final. `referred` (已上报) is how a live need reads to a caller
/// whose subtree no longer holds the unit it sits with: it was escalated above her unit.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // documents the values `status` may take
pub enum NeedStatusSeen {
    Open,
    InProgress,
    Resolved,
    Closed,
    Referred,
}

/// A line of a need queue.
#[derive(Serialize, ToSchema)]
pub struct NeedLine {
    id: NeedId,
    origin: NeedUnit,
    assignee: NeedUnit,
    source: NeedSource,
    category: String,
    urgency: Urgency,
    #[schema(value_type = NeedStatusSeen)]
    status: &'static str,
    #[schema(format = Date)]
    due_date: Option<String>,
    /// Live and past its due date.
    overdue: bool,
    #[schema(format = Date)]
    raised_on: String,
    escalations: i64,
    updated_at: i64,
}

pub fn summary(n: &NeedSummary, status: &'static str, today: time::Date) -> NeedLine {
    NeedLine {
        id: n.id,
        origin: NeedUnit {
            code: n.origin_code.clone(),
            name: n.origin_name.clone(),
        },
        assignee: NeedUnit {
            code: n.assignee_code.clone(),
            name: n.assignee_name.clone(),
        },
        source: n.source,
        category: n.category.clone(),
        urgency: n.urgency,
        status,
        due_date: n.due_date.clone(),
        overdue: overdue(n.status, n.due_date.as_deref(), today),
        raised_on: n.raised_on.clone(),
        escalations: n.escalations,
        updated_at: n.updated_at,
    }
}

/// A live need whose due date has passed.
pub fn overdue(status: NeedStatus, due: Option<&str>, today: time::Date) -> bool {
    status.is_live() && due.is_some_and(|d| d < format_date(today).as_str())
}

/// A need with its history.
#[derive(Serialize, ToSchema)]
#[schema(as = Need)]
pub struct NeedView {
    id: NeedId,
    origin: NeedUnit,
    assignee: NeedUnit,
    assignee_user: Option<UserId>,
    household_id: Option<HouseholdId>,
    visit_id: Option<VisitId>,
    source: NeedSource,
    category: String,
    urgency: Urgency,
    description: String,
    #[schema(value_type = NeedStatusSeen)]
    status: &'static str,
    #[schema(format = Date)]
    due_date: Option<String>,
    /// Live and past its due date.
    overdue: bool,
    #[schema(format = Date)]
    raised_on: String,
    escalations: i64,
    /// The day the need was resolved or closed.
    #[schema(format = Date)]
    resolved_on: Option<String>,
    resolution: Option<String>,
    #[schema(minimum = 1, maximum = 5)]
    satisfaction: Option<i64>,
    close_reason: Option<String>,
    created_at: i64,
    /// Unix seconds on the recording device when it was recorded there (`made_at` as sent),
    /// if it said; `created_at` is its arrival.
    made_at: Option<i64>,
    updated_at: i64,
    events: Vec<NeedEvent>,
    /// Whether the caller may start, escalate, resolve or close it.
    pub may_act: bool,
}

pub fn view(n: &Need, status: &'static str, events: &[NeedEvent], today: time::Date) -> NeedView {
    NeedView {
        id: n.id,
        origin: NeedUnit {
            code: n.origin_code.clone(),
            name: n.origin_name.clone(),
        },
        assignee: NeedUnit {
            code: n.assignee_code.clone(),
            name: n.assignee_name.clone(),
        },
        assignee_user: n.assignee_user,
        household_id: n.household,
        visit_id: n.visit,
        source: n.source,
        category: n.category.clone(),
        urgency: n.urgency,
        description: n.description.clone(),
        status,
        due_date: n.due_date.clone(),
        overdue: overdue(n.status, n.due_date.as_deref(), today),
        raised_on: n.raised_on.clone(),
        escalations: n.escalations,
        resolved_on: n.resolved_on.clone(),
        resolution: n.resolution.clone(),
        satisfaction: n.satisfaction,
        close_reason: n.close_reason.clone(),
        created_at: n.created_at,
        made_at: n.made_at,
        updated_at: n.updated_at,
        events: events.to_vec(),
        may_act: false,
    }
}

/// Ledger numbers of a category or a month.
#[derive(Serialize, ToSchema)]
#[schema(as = DeedCounts)]
pub struct DeedNumbers {
    /// Needs raised in the period (by the month raised).
    raised: i64,
    /// Needs resolved in the period (by the month resolved).
    resolved: i64,
    /// Needs closed unresolved in the period.
    closed: i64,
    /// Median days from raising to resolving, of the needs resolved in the period (one year or
    /// more counts as 366).
    median_days: Option<i64>,
    /// Mean rating of the needs resolved in the period, two decimals.
    satisfaction: Option<f64>,
}

impl From<&DeedCounts> for DeedNumbers {
    fn from(c: &DeedCounts) -> Self {
        DeedNumbers {
            raised: c.raised,
            resolved: c.resolved,
            closed: c.closed,
            median_days: c.median_days,
            satisfaction: c.satisfaction,
        }
    }
}

/// Ledger numbers of a unit, with the live needs past their due date.
#[derive(Serialize, ToSchema)]
pub struct DeedTotals {
    #[serde(flatten)]
    numbers: DeedNumbers,
    /// Live needs past their due date today, whatever the period.
    overdue: i64,
}

impl From<&DeedCounts> for DeedTotals {
    fn from(c: &DeedCounts) -> Self {
        DeedTotals {
            numbers: DeedNumbers::from(c),
            overdue: c.overdue,
        }
    }
}

/// A direct child's numbers.
#[derive(Serialize, ToSchema)]
pub struct DeedChild {
    code: UnitCode,
    name: String,
    level: Level,
    #[serde(flatten)]
    totals: DeedTotals,
}

/// One month's numbers.
#[derive(Serialize, ToSchema)]
pub struct DeedMonth {
    month: Month,
    #[serde(flatten)]
    numbers: DeedNumbers,
}

/// The practical-deeds ledger (实事台账) of a unit's subtree for a range of months.
#[derive(Serialize, ToSchema)]
#[schema(as = Deeds)]
pub struct DeedsView {
    unit: crate::routes::api::units::UnitPathStep,
    from: Month,
    to: Month,
    total: DeedTotals,
    /// By need-category key; categories with nothing in the period are left out.
    by_category: std::collections::BTreeMap<String, DeedNumbers>,
    /// Active direct children, by code.
    children: Vec<DeedChild>,
    /// Months with any count, in order.
    months: Vec<DeedMonth>,
}

/// The ledger as the API shows it. Overdue is counted for units only (the
/// counters keep live needs by unit and due day, not by category or month).
pub fn deeds_view(unit: &Unit, from: Month, to: Month, d: &Deeds) -> DeedsView {
    DeedsView {
        unit: crate::routes::api::units::UnitPathStep::of(unit),
        from,
        to,
        total: DeedTotals::from(&d.total),
        by_category: d
            .by_category
            .iter()
            .map(|(k, c)| (k.clone(), DeedNumbers::from(c)))
            .collect(),
        children: d
            .children
            .iter()
            .map(|(u, c)| DeedChild {
                code: u.code.clone(),
                name: u.name.clone(),
                level: u.level,
                totals: DeedTotals::from(c),
            })
            .collect(),
        months: d
            .months
            .iter()
            .map(|(m, c)| DeedMonth {
                month: *m,
                numbers: DeedNumbers::from(c),
            })
            .collect(),
    }
}
