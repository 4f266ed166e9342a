//! The case workflow after intake, shared by the API and the pages:
//! follow-ups, referrals, transfers, closure and reopening.
//!
//! Each action opens the case for the team first (404 for
//! anyone who may not open it, 403 for a break-the-glass reader, who only
//! reads), calls the store — which enforces the workflow's rules again in
//! its transaction — and writes an audit line naming the case by id and
//! keys only: notes and reasons may name people and stay sealed.

use jinguo_domain::activity::parse_date;
use jinguo_domain::case::{
    Agency, CaseStatus, Outcome, ReferralStatus, TeamRole, required_short, short_text,
};
use jinguo_domain::{CaseId, FieldError, UnitCode};
use jinguo_store::StoreError;
use jinguo_store::model::{
    CaseTransfer, CaseworkerRef, ClosureDecision, ClosureRequest, NewFollowUp, NewReferral,
};
use serde::{Deserialize, Serialize};

use super::access::open_for_team;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now, today};

fn invalid(errors: Vec<FieldError>) -> AppError {
    AppError::InvalidFields(errors)
}

/// A follow-up as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseFollowUpInput)]
pub struct FollowUpInput {
    /// The scheduled follow-up this completes; omit for an ad-hoc contact. One that is not
    /// waiting on this case answers `422` with field `follow_up_id`.
    #[schema(minimum = 1)]
    pub follow_up_id: Option<i64>,
    /// When it happened, `YYYY-MM-DD`, not after today.
    #[serde(default)]
    #[schema(format = Date)]
    pub date: String,
    /// What happened; sealed.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Records a follow-up; returns its id.
pub async fn follow_up(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    input: &FollowUpInput,
) -> AppResult<i64> {
    // The role (403, as the route table says) and the case (404) first;
    // only then the input, so an outsider learns nothing from it.
    let opened = open_for_team(state, actor, ip.clone(), id, "follow_up").await?;
    let mut errors = Vec::new();
    let today = today(&state.config);
    let date = match parse_date(&input.date) {
        Some(d) if d <= today => Some(d),
        Some(_) => {
            errors.push(FieldError::new("date", "err.case.date_future"));
            None
        }
        None => {
            errors.push(FieldError::new("date", "err.date"));
            None
        }
    };
    if input.follow_up_id.is_some_and(|n| n <= 0) {
        errors.push(FieldError::new("follow_up_id", "err.case.follow_up"));
    }
    let note = short_text(input.note.as_deref(), "note", &mut errors);
    let (Some(date), true) = (date, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let scheduled = input.follow_up_id;
    let fid = state
        .store
        .record_follow_up(
            &opened,
            NewFollowUp {
                scheduled,
                done_on: date,
                note,
                by: actor.user.id,
            },
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "case.follow_up",
            opened.head().unit.id,
            format!(
                "case={} follow_up={fid} kind={}",
                id.get(),
                if scheduled.is_some() {
                    "scheduled"
                } else {
                    "ad_hoc"
                }
            ),
        )
        .await?;
    Ok(fid)
}

/// A referral as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseReferInput)]
pub struct ReferInput {
    #[serde(default)]
    #[schema(value_type = jinguo_domain::case::Agency)]
    pub agency: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub agency_name: String,
    /// Sealed.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// Without the client's consent to referral: a supervisor's reason to refer anyway (sealed,
    /// logged, the other supervisors alerted). Ignored when the client consented.
    #[schema(max_length = 2000)]
    pub override_reason: Option<String>,
}

/// Refers the case to a partner agency; returns the referral's id.
pub async fn refer(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    input: &ReferInput,
) -> AppResult<i64> {
    // The role (403, as the route table says) and the case (404) first;
    // only then the input, so an outsider learns nothing from it.
    let opened = open_for_team(state, actor, ip.clone(), id, "refer").await?;
    let mut errors = Vec::new();
    let agency = Agency::parse(&input.agency);
    if agency.is_none() {
        errors.push(FieldError::new("agency", "err.case.agency"));
    }
    let agency_name = required_short(
        &input.agency_name,
        "agency_name",
        "err.case.agency_name",
        &mut errors,
    );
    let note = short_text(input.note.as_deref(), "note", &mut errors);
    let override_reason = short_text(
        input.override_reason.as_deref(),
        "override_reason",
        &mut errors,
    );
    let (Some(agency), Some(agency_name), true) = (agency, agency_name, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    // Only an override that is needed is recorded, and only a supervisor
    // may give one.
    let override_reason = override_reason.filter(|_| !opened.head().consent.referral);
    if override_reason.is_some() && !opened.is_supervisor() {
        return Err(FieldError::new("override_reason", "err.case.supervisor_only").into());
    }
    let overridden = override_reason.is_some();
    let rid = state
        .store
        .refer_case(
            &opened,
            NewReferral {
                agency,
                agency_name,
                note,
                override_reason,
                by: actor.user.id,
            },
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "case.referred",
            opened.head().unit.id,
            format!(
                "case={} referral={rid} agency={} override={overridden}",
                id.get(),
                agency.as_str()
            ),
        )
        .await?;
    Ok(rid)
}

/// A referral id from a path: anything but a positive integer is 404.
pub fn parse_referral_id(s: &str) -> AppResult<i64> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or(AppError::NotFound)
}

/// Moves a referral on to `status`.
pub async fn referral_status(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    referral: i64,
    status: &str,
) -> AppResult<ReferralStatus> {
    // The role (403, as the route table says) and the case (404) first;
    // only then the input, so an outsider learns nothing from it.
    let opened = open_for_team(state, actor, ip.clone(), id, "referral").await?;
    let status = ReferralStatus::parse(status)
        .ok_or_else(|| FieldError::new("status", "err.case.referral_status"))?;
    state
        .store
        .set_referral_status(&opened, referral, status, actor.user.id, now())
        .await?;
    actor
        .audit(
            state,
            ip,
            "case.referral",
            opened.head().unit.id,
            format!(
                "case={} referral={referral} status={}",
                id.get(),
                status.as_str()
            ),
        )
        .await?;
    Ok(status)
}

/// A transfer as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseTransferInput)]
pub struct TransferInput {
    /// A unit in the subtree of the case's league, or the region; anything else answers `422`
    /// with field `unit_code`.
    #[serde(default)]
    pub unit_code: String,
    /// Username of the receiving caseworker, who must hold the caseworker role at the unit or
    /// above it; by default the nearest one. The supervisors become the caseworkers of the
    /// nearest level above hers.
    pub caseworker: Option<String>,
    /// Sealed.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: String,
}

/// The new team at the target: the caseworker (named, or the nearest), and
/// as supervisors the caseworkers of the nearest level above hers that has
/// any — the same rule intake uses.
fn new_team(
    over: &[CaseworkerRef],
    named: Option<&str>,
) -> Result<Vec<(jinguo_domain::UserId, TeamRole)>, FieldError> {
    let worker = match named {
        Some(n) => over
            .iter()
            .find(|c| c.username == n)
            .ok_or_else(|| FieldError::new("caseworker", "err.case.not_caseworker"))?,
        None => over
            .first()
            .ok_or_else(|| FieldError::new("caseworker", "err.case.no_caseworker"))?,
    };
    let mut team = vec![(worker.user_id, TeamRole::Caseworker)];
    let above = over
        .iter()
        .filter(|c| c.level < worker.level && c.user_id != worker.user_id);
    if let Some(nearest) = above.clone().map(|c| c.level).max() {
        team.extend(
            above
                .filter(|c| c.level == nearest)
                .map(|c| (c.user_id, TeamRole::Supervisor)),
        );
    }
    Ok(team)
}

/// Transfers the case to another unit of its league chain; returns the
/// new unit's code.
pub async fn transfer(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    input: &TransferInput,
) -> AppResult<UnitCode> {
    // The role (403, as the route table says) and the case (404) first;
    // only then the input, so an outsider learns nothing from it.
    let opened = open_for_team(state, actor, ip.clone(), id, "transfer").await?;
    let mut errors = Vec::new();
    let code = UnitCode::parse(input.unit_code.trim()).ok();
    if code.is_none() {
        errors.push(FieldError::new("unit_code", "err.unit.unknown"));
    }
    let reason = required_short(
        &input.reason,
        "reason",
        "err.case.reason_required",
        &mut errors,
    );
    let (Some(code), Some(reason), true) = (code, reason, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    // The target lies outside the actor's own scope when it is another
    // banner of the league: the league chain, checked by the store, is
    // the rule here, not the scope.
    let unit = match state.units.by_code(state.store.as_ref(), &code).await {
        Ok(u) if u.active => u,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(FieldError::new("unit_code", "err.unit.unknown").into());
        }
        Err(e) => return Err(e.into()),
    };
    let over = state.store.caseworkers_over(unit.id).await?;
    let named = input
        .caseworker
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let team = new_team(&over, named)?;
    state
        .store
        .transfer_case(
            &opened,
            CaseTransfer {
                unit: unit.id,
                team,
                reason,
                by: actor.user.id,
            },
            now(),
        )
        .await?;
    // Logged at the unit the case left: the trail stays where it was.
    actor
        .audit(
            state,
            ip,
            "case.transferred",
            opened.head().unit.id,
            format!(
                "case={} from={} to={}",
                id.get(),
                opened.head().unit.code,
                unit.code
            ),
        )
        .await?;
    Ok(unit.code)
}

/// A closure request as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseCloseInput)]
pub struct CloseInput {
    #[serde(default)]
    #[schema(value_type = jinguo_domain::case::Outcome)]
    pub outcome: String,
    /// Sealed.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: String,
}

/// Asks for closure; returns how many supervisors were alerted.
pub async fn request_closure(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    input: &CloseInput,
) -> AppResult<usize> {
    // The role (403, as the route table says) and the case (404) first;
    // only then the input, so an outsider learns nothing from it.
    let opened = open_for_team(state, actor, ip.clone(), id, "close").await?;
    let mut errors = Vec::new();
    let outcome = Outcome::parse(&input.outcome);
    if outcome.is_none() {
        errors.push(FieldError::new("outcome", "err.case.outcome"));
    }
    let reason = required_short(
        &input.reason,
        "reason",
        "err.case.reason_required",
        &mut errors,
    );
    let (Some(outcome), Some(reason), true) = (outcome, reason, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let alerted = state
        .store
        .request_closure(
            &opened,
            ClosureRequest {
                outcome,
                reason,
                by: actor.user.id,
            },
            now(),
        )
        .await?;
    actor
        .audit(
            state,
            ip,
            "case.closure_requested",
            opened.head().unit.id,
            format!(
                "case={} outcome={} alerted={alerted}",
                id.get(),
                outcome.as_str()
            ),
        )
        .await?;
    Ok(alerted)
}

/// A supervisor's decision as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseApproveClosureInput)]
pub struct ApproveInput {
    /// Required; optional here so a missing answer is a field error given
    /// only after access is decided.
    #[serde(default)]
    pub approve: Option<bool>,
    /// Required when refusing; sealed.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// Approves or refuses a pending closure: only a named supervisor of the
/// case who did not ask for it. Returns the case's new status.
pub async fn approve_closure(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    input: &ApproveInput,
) -> AppResult<CaseStatus> {
    // The role (403, as the route table says) and the case (404) first;
    // only then the input, so an outsider learns nothing from it.
    let opened = open_for_team(state, actor, ip.clone(), id, "approve_closure").await?;
    let mut errors = Vec::new();
    let reason = short_text(input.reason.as_deref(), "reason", &mut errors);
    let Some(approve) = input.approve else {
        errors.push(FieldError::new("approve", "err.case.approve_choice"));
        return Err(invalid(errors));
    };
    if !approve && reason.is_none() && errors.is_empty() {
        errors.push(FieldError::new("reason", "err.case.reason_required"));
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    if !opened.is_supervisor() {
        return Err(FieldError::new("approve", "err.case.supervisor_only").into());
    }
    if opened.head().closure_requested_by == Some(actor.user.id) {
        return Err(FieldError::new("approve", "err.case.same_approver").into());
    }
    let status = state
        .store
        .decide_closure(
            &opened,
            ClosureDecision {
                approve,
                reason,
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
            if approve {
                "case.closed"
            } else {
                "case.closure_refused"
            },
            opened.head().unit.id,
            format!("case={}", id.get()),
        )
        .await?;
    Ok(status)
}

/// A reopening as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseReopenInput)]
pub struct ReopenInput {
    /// Sealed.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: String,
}

/// Reopens a closed case.
pub async fn reopen(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    id: CaseId,
    input: &ReopenInput,
) -> AppResult<()> {
    // The role (403, as the route table says) and the case (404) first;
    // only then the input, so an outsider learns nothing from it.
    let opened = open_for_team(state, actor, ip.clone(), id, "reopen").await?;
    let mut errors = Vec::new();
    let reason = required_short(
        &input.reason,
        "reason",
        "err.case.reason_required",
        &mut errors,
    );
    let (Some(reason), true) = (reason, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    state
        .store
        .reopen_case(&opened, &reason, actor.user.id, now())
        .await?;
    actor
        .audit(
            state,
            ip,
            "case.reopened",
            opened.head().unit.id,
            format!("case={}", id.get()),
        )
        .await?;
    Ok(())
}

/// The workflow actions, as the pages name them in `?flow=`.
pub const ACTIONS: &[&str] = &[
    "follow_up",
    "refer",
    "referral",
    "transfer",
    "close",
    "approve",
    "reopen",
];

/// What the case page says after a workflow form: which action, and either
/// done or the refusal's message key with its field.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Flash {
    pub action: &'static str,
    /// The catalogue key of the refusal; `None` when the action was done.
    pub error: Option<&'static str>,
    pub field: Option<&'static str>,
}

/// Every message key a workflow form may be refused with: the page shows
/// only these, never text taken from the address.
pub const ERROR_KEYS: &[&str] = &[
    "err.case.approve_choice",
    "err.bad_request",
    "err.date",
    "err.text.too_long",
    "err.unit.unknown",
    "err.case.closed",
    "err.case.not_caseworker",
    "err.case.date_future",
    "err.case.follow_up",
    "err.case.agency",
    "err.case.agency_name",
    "err.case.referral_consent",
    "err.case.supervisor_only",
    "err.case.referral_status",
    "err.case.no_caseworker",
    "err.case.transfer_team",
    "err.case.transfer_chain",
    "err.case.transfer_same",
    "err.case.transfer_status",
    "err.case.outcome",
    "err.case.reason_required",
    "err.case.closure_pending",
    "err.case.not_pending",
    "err.case.same_approver",
    "err.case.not_closed",
];

/// The fields a workflow refusal may name.
const FIELDS: &[&str] = &[
    "date",
    "note",
    "follow_up_id",
    "agency",
    "agency_name",
    "override_reason",
    "consent",
    "status",
    "unit_code",
    "caseworker",
    "reason",
    "outcome",
    "approve",
];

/// The case page's `?flow=&flow_error=&flow_field=` read back into a
/// [`Flash`]; unknown actions, keys and fields are dropped. The case page
/// passes it to `cases/flow.html` as `flow_flash`.
pub fn flash(action: Option<&str>, error: Option<&str>, field: Option<&str>) -> Option<Flash> {
    let action = ACTIONS.iter().copied().find(|a| Some(*a) == action)?;
    let error = error.and_then(|e| ERROR_KEYS.iter().copied().find(|k| *k == e));
    let field = field
        .and_then(|f| FIELDS.iter().copied().find(|k| *k == f))
        .filter(|_| error.is_some());
    Some(Flash {
        action,
        error,
        field,
    })
}

/// Where a workflow form sends the reader back to: the case page with the
/// outcome, or the refusal's key. Other errors (404, 403, internal) are
/// not form refusals and go to the error page instead.
pub fn back_to_case(id: CaseId, action: &'static str, result: AppResult<()>) -> AppResult<String> {
    let base = format!("/cases/{}?flow={action}", id.get());
    let first = match result {
        Ok(()) => return Ok(base),
        Err(AppError::Invalid(e)) => e,
        Err(AppError::InvalidFields(mut es)) if !es.is_empty() => es.swap_remove(0),
        Err(e) => return Err(e),
    };
    // Keys and fields are fixed identifiers, safe in a query string.
    Ok(match ERROR_KEYS.iter().find(|k| **k == first.key) {
        Some(key) => format!("{base}&flow_error={key}&flow_field={}", first.field),
        None => format!("{base}&flow_error=err.bad_request"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jinguo_domain::{UnitCode, UserId};

    fn cw(id: i64, level: u8) -> CaseworkerRef {
        CaseworkerRef {
            user_id: UserId::new(id),
            username: format!("u{id}"),
            unit_code: UnitCode::parse("150000000000").unwrap(),
            unit_name: String::new(),
            level,
        }
    }

    #[test]
    fn team_is_nearest_worker_and_the_level_above() {
        let over = [cw(1, 3), cw(2, 2), cw(3, 2), cw(4, 1)];
        let t = new_team(&over, None).unwrap();
        assert_eq!(
            t,
            vec![
                (UserId::new(1), TeamRole::Caseworker),
                (UserId::new(2), TeamRole::Supervisor),
                (UserId::new(3), TeamRole::Supervisor),
            ]
        );
        let t = new_team(&over, Some("u2")).unwrap();
        assert_eq!(
            t,
            vec![
                (UserId::new(2), TeamRole::Caseworker),
                (UserId::new(4), TeamRole::Supervisor),
            ]
        );
        assert!(new_team(&over, Some("nobody")).is_err());
        assert!(new_team(&[], None).is_err());
    }

    #[test]
    fn flash_keeps_only_known_keys() {
        assert_eq!(
            flash(
                Some("close"),
                Some("err.case.reason_required"),
                Some("reason")
            ),
            Some(Flash {
                action: "close",
                error: Some("err.case.reason_required"),
                field: Some("reason"),
            })
        );
        assert_eq!(flash(Some("x"), None, None), None);
        let f = flash(Some("refer"), Some("<script>"), Some("agency")).unwrap();
        assert_eq!((f.error, f.field), (None, None));
        let url = back_to_case(
            CaseId::new(7),
            "reopen",
            Err(FieldError::new("reason", "err.case.reason_required").into()),
        )
        .unwrap();
        assert_eq!(
            url,
            "/cases/7?flow=reopen&flow_error=err.case.reason_required&flow_field=reason"
        );
    }

    /// The partial renders for each state of a case, with and without the
    /// optional context, and shows a refusal next to its field.
    #[tokio::test]
    async fn partial_renders() {
        use crate::i18n::Lang;
        use serde_json::json;
        let t = crate::render::Templates::new(
            crate::i18n_global(),
            &crate::Config::default(),
            Default::default(),
        );
        for (status, via) in [
            ("open", "caseworker"),
            ("in_service", "supervisor"),
            ("closure_pending", "supervisor"),
            ("closed", "caseworker"),
            ("in_service", "glass"),
        ] {
            let case = json!({
                "id": 42, "status": status, "consent": {"referral": false},
                "follow_ups": [
                    {"id": 1, "due_on": "2026-01-01", "done_on": null, "overdue": true},
                    {"id": 2, "due_on": "2026-01-05", "done_on": "2026-01-04", "by": "cw",
                     "note": "电话回访", "overdue": false}
                ],
                "referrals": [{"id": 7, "agency": "police", "agency_name": "派出所",
                               "status": "sent", "override_by": "sup1",
                               "override_reason": "紧急"}],
                "closure_requested_by": "cw", "outcome": "resolved", "close_reason": "已解决",
                "closed_on": "2026-02-01"
            });
            for flash in [
                None,
                flash(
                    Some("close"),
                    Some("err.case.reason_required"),
                    Some("reason"),
                ),
            ] {
                let resp = t.render(
                    "cases/flow.html",
                    Lang::En,
                    None,
                    json!({"case": case, "via": via, "csrf": "tok", "flow_flash": flash}),
                );
                assert_eq!(resp.status(), 200, "{status} {via}");
                let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                    .await
                    .unwrap();
                let html = String::from_utf8(body.to_vec()).unwrap();
                assert!(html.contains("Overdue"), "{html}");
                if flash.is_some() {
                    assert!(html.contains("Give a reason."), "{html}");
                }
                if via == "glass" {
                    assert!(!html.contains("<form"), "a glass reader only reads");
                }
            }
        }
        // Without the optional context at all.
        let resp = t.render(
            "cases/flow.html",
            Lang::Zh,
            None,
            json!({"case": {"id": 1, "status": "open", "consent": {"referral": true},
                            "follow_ups": [], "referrals": []},
                   "via": "caseworker", "csrf": "tok"}),
        );
        assert_eq!(resp.status(), 200);
    }
}
