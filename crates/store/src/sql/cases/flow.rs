//! The case workflow after intake: follow-ups, referrals, transfers,
//! closure and reopening.
//!
//! Each write is one transaction in the shape of the module's other
//! writers: it starts by writing the case row ([`touch`]), reads the
//! counted facts before and after and moves the statistics by the
//! difference, and appends a history step whose `detail` holds only keys,
//! dates, unit codes and row numbers. Free text (notes, reasons) is sealed;
//! the reasons of transfers, closures and reopenings go into the step's
//! `note_enc`, so reopening a case loses none of its history.
//!
//! The application has decided that the caller may open the case; the
//! rules that belong to the workflow itself (consent, the league chain,
//! the order of statuses, four eyes on closure) are enforced here as well,
//! so no caller can skip them.

use async_trait::async_trait;
use jinguo_domain::activity::format_date;
use jinguo_domain::case::{CaseStatus, ReferralStatus, TeamRole};
use jinguo_domain::{CaseId, UnitId, UserId};
use sqlx::{AnyConnection, Row};

use super::{IS_CASEWORKER, add_members, alert_supervisors, decode, event, seal, stats, touch};
use crate::model::{
    CaseNote, CaseTransfer, ClosureDecision, ClosureRequest, NewFollowUp, NewReferral,
};
use crate::sql::{SqlStore, ancestors};
use crate::{CaseFlowStore, OpenedCase, Result, StoreError};

fn refused(field: &'static str, key: &'static str) -> StoreError {
    StoreError::Refused { field, key }
}

/// The case's status as the transaction sees it (after [`touch`], so the
/// row exists).
async fn status_of(conn: &mut AnyConnection, id: CaseId) -> Result<CaseStatus> {
    let row = sqlx::query("SELECT status FROM cases WHERE id = $1")
        .bind(id.get())
        .fetch_one(&mut *conn)
        .await?;
    let s: String = row.try_get("status")?;
    decode(CaseStatus::parse(&s), "status", &s)
}

/// Whether `user` is a named supervisor of the case.
async fn is_supervisor(conn: &mut AnyConnection, id: CaseId, user: UserId) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS x FROM case_workers WHERE case_id = $1 AND user_id = $2 \
         AND kind = 'supervisor'",
    )
    .bind(id.get())
    .bind(user.get())
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// Appends a history step with a sealed reason.
#[allow(clippy::too_many_arguments)]
async fn event_with_note(
    conn: &mut AnyConnection,
    store: &SqlStore,
    id: CaseId,
    by: UserId,
    action: &str,
    detail: &str,
    note: Option<&str>,
    now: i64,
) -> Result<()> {
    let row = sqlx::query(
        "INSERT INTO case_events (case_id, at, by_user, action, detail) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(id.get())
    .bind(now)
    .bind(by.get())
    .bind(action)
    .bind(detail)
    .fetch_one(&mut *conn)
    .await?;
    let eid: i64 = row.try_get("id")?;
    if note.is_some() {
        seal(conn, store, "case_events", "note", eid, note).await?;
    }
    Ok(())
}

/// An alert for one user (the requester of a closure hears the decision).
async fn alert_user(
    conn: &mut AnyConnection,
    user: UserId,
    id: CaseId,
    kind: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_alerts (user_id, case_id, kind, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user.get())
    .bind(id.get())
    .bind(kind)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The steps a referral may take: an agency answers a referral (accepts,
/// rejects, or at once reports it done), and an accepted one ends done.
/// Rejected and done are final.
pub(crate) fn referral_step_allowed(from: ReferralStatus, to: ReferralStatus) -> bool {
    use ReferralStatus::*;
    matches!(
        (from, to),
        (Sent, Accepted) | (Sent, Rejected) | (Sent, Done) | (Accepted, Done)
    )
}

/// Moves the statistics by the difference of the facts and commits.
async fn finish(
    mut tx: sqlx::Transaction<'_, sqlx::Any>,
    store: &SqlStore,
    id: CaseId,
    before: Option<stats::CaseFacts>,
) -> Result<()> {
    let after = stats::facts(&mut tx, id.get()).await?;
    stats::apply(&mut tx, store.backend, before.as_ref(), after.as_ref()).await?;
    tx.commit().await?;
    Ok(())
}

#[async_trait]
impl CaseFlowStore for SqlStore {
    async fn record_follow_up(&self, case: &OpenedCase, f: NewFollowUp, now: i64) -> Result<i64> {
        let id = case.id();
        if f.note.is_some() {
            self.vault()?;
        }
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let before = stats::facts(&mut tx, id.get()).await?;
        if status_of(&mut tx, id).await? == CaseStatus::Closed {
            return Err(refused("status", "err.case.closed"));
        }
        let done_on = format_date(f.done_on);
        let fid = match f.scheduled {
            Some(fid) => {
                let n = sqlx::query(
                    "UPDATE case_follow_ups SET done_on = $1, by_user = $2, at = $3 \
                     WHERE id = $4 AND case_id = $5 AND due_on IS NOT NULL AND done_on IS NULL",
                )
                .bind(done_on.as_str())
                .bind(f.by.get())
                .bind(now)
                .bind(fid)
                .bind(id.get())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Err(refused("follow_up_id", "err.case.follow_up"));
                }
                fid
            }
            None => {
                // An ad-hoc contact is due the day it happened.
                let row = sqlx::query(
                    "INSERT INTO case_follow_ups (case_id, due_on, done_on, by_user, at) \
                     VALUES ($1, $2, $2, $3, $4) RETURNING id",
                )
                .bind(id.get())
                .bind(done_on.as_str())
                .bind(f.by.get())
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                row.try_get("id")?
            }
        };
        if f.note.is_some() {
            seal(
                &mut tx,
                self,
                "case_follow_ups",
                "note",
                fid,
                f.note.as_deref(),
            )
            .await?;
        }
        sqlx::query(
            "UPDATE cases SET first_contact_on = COALESCE(first_contact_on, $1), \
             status = CASE WHEN status IN ('open', 'assessed') THEN 'in_service' ELSE status END \
             WHERE id = $2",
        )
        .bind(done_on.as_str())
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        let kind = if f.scheduled.is_some() {
            "scheduled"
        } else {
            "ad_hoc"
        };
        event(
            &mut tx,
            id,
            Some(f.by),
            "follow_up",
            &format!("{kind} {done_on}"),
            now,
        )
        .await?;
        finish(tx, self, id, before).await?;
        Ok(fid)
    }

    async fn refer_case(&self, case: &OpenedCase, r: NewReferral, now: i64) -> Result<i64> {
        let id = case.id();
        self.vault()?;
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let before = stats::facts(&mut tx, id.get()).await?;
        let row = sqlx::query("SELECT status, consent_referral FROM cases WHERE id = $1")
            .bind(id.get())
            .fetch_one(&mut *tx)
            .await?;
        let status: String = row.try_get("status")?;
        if status == CaseStatus::Closed.as_str() {
            return Err(refused("status", "err.case.closed"));
        }
        let consent = row.try_get::<i64, _>("consent_referral")? != 0;
        // With consent no override is needed, and none is recorded.
        let override_reason = if consent {
            None
        } else {
            match r.override_reason.as_deref() {
                None => return Err(refused("consent", "err.case.referral_consent")),
                Some(reason) => {
                    if !is_supervisor(&mut tx, id, r.by).await? {
                        return Err(refused("override_reason", "err.case.supervisor_only"));
                    }
                    Some(reason)
                }
            }
        };
        let row = sqlx::query(
            "INSERT INTO case_referrals (case_id, agency, agency_name, status, override_by, \
             by_user, at, updated_at) VALUES ($1, $2, $3, 'sent', $4, $5, $6, $6) RETURNING id",
        )
        .bind(id.get())
        .bind(r.agency.as_str())
        .bind(r.agency_name.as_str())
        .bind(override_reason.map(|_| r.by.get()))
        .bind(r.by.get())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let rid: i64 = row.try_get("id")?;
        if r.note.is_some() {
            seal(
                &mut tx,
                self,
                "case_referrals",
                "note",
                rid,
                r.note.as_deref(),
            )
            .await?;
        }
        if override_reason.is_some() {
            seal(
                &mut tx,
                self,
                "case_referrals",
                "override_reason",
                rid,
                override_reason,
            )
            .await?;
        }
        // A referral is a service: an open or assessed case is now in service.
        sqlx::query(
            "UPDATE cases SET status = CASE WHEN status IN ('open', 'assessed') \
             THEN 'in_service' ELSE status END WHERE id = $1",
        )
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        let detail = format!(
            "#{rid} {}{}",
            r.agency.as_str(),
            if override_reason.is_some() {
                " override"
            } else {
                ""
            }
        );
        event(&mut tx, id, Some(r.by), "referred", &detail, now).await?;
        if override_reason.is_some() {
            alert_supervisors(&mut tx, id, "referral_override", Some(r.by), now).await?;
        }
        finish(tx, self, id, before).await?;
        Ok(rid)
    }

    async fn set_referral_status(
        &self,
        case: &OpenedCase,
        referral: i64,
        status: ReferralStatus,
        by: UserId,
        now: i64,
    ) -> Result<()> {
        let id = case.id();
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let before = stats::facts(&mut tx, id.get()).await?;
        if status_of(&mut tx, id).await? == CaseStatus::Closed {
            return Err(refused("status", "err.case.closed"));
        }
        let row = sqlx::query("SELECT status FROM case_referrals WHERE id = $1 AND case_id = $2")
            .bind(referral)
            .bind(id.get())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let raw: String = row.try_get("status")?;
        let from = decode(ReferralStatus::parse(&raw), "referral status", &raw)?;
        if !referral_step_allowed(from, status) {
            return Err(refused("status", "err.case.referral_status"));
        }
        sqlx::query(
            "UPDATE case_referrals SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(status.as_str())
        .bind(now)
        .bind(referral)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?;
        event(
            &mut tx,
            id,
            Some(by),
            "referral",
            &format!("#{referral} {} -> {}", from.as_str(), status.as_str()),
            now,
        )
        .await?;
        finish(tx, self, id, before).await
    }

    async fn transfer_case(&self, case: &OpenedCase, t: CaseTransfer, now: i64) -> Result<()> {
        let id = case.id();
        self.vault()?;
        if !t.team.iter().any(|(_, r)| *r == TeamRole::Caseworker) {
            return Err(refused("caseworker", "err.case.transfer_team"));
        }
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let before = stats::facts(&mut tx, id.get()).await?;
        let case = sqlx::query(
            "SELECT c.status, c.unit_id, c.l2, u.code FROM cases c \
             JOIN units u ON u.id = c.unit_id WHERE c.id = $1",
        )
        .bind(id.get())
        .fetch_one(&mut *tx)
        .await?;
        let status: String = case.try_get("status")?;
        if status == CaseStatus::Closed.as_str() || status == CaseStatus::ClosurePending.as_str() {
            return Err(refused("status", "err.case.transfer_status"));
        }
        let from_unit: i64 = case.try_get("unit_id")?;
        let league: Option<i64> = case.try_get("l2")?;
        let from_code: String = case.try_get("code")?;
        let target = sqlx::query(
            "SELECT id, code, level, active, l1, l2, l3, l4, l5 FROM units WHERE id = $1",
        )
        .bind(t.unit.get())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(refused("unit_code", "err.unit.unknown"))?;
        if target.try_get::<i64, _>("active")? == 0 {
            return Err(refused("unit_code", "err.unit.unknown"));
        }
        let anc = ancestors(&target, "")?;
        let level: i64 = target.try_get("level")?;
        let to_code: String = target.try_get("code")?;
        // The league chain: the league's subtree, or the region above it. A
        // case held at the region itself has the whole region for chain.
        let in_chain = level == 1 || league.is_none() || anc[1].map(UnitId::get) == league;
        if !in_chain {
            return Err(refused("unit_code", "err.case.transfer_chain"));
        }
        if t.unit.get() == from_unit {
            return Err(refused("unit_code", "err.case.transfer_same"));
        }
        // Every new member holds the caseworker role at the target or above.
        let chain: Vec<i64> = anc.iter().flatten().map(|u| u.get()).collect();
        // One placeholder style per statement (SQLite gets positional `?`).
        let params = self.backend.params(1, chain.len() + 1);
        let (user_param, unit_params) = params.split_once(", ").unwrap_or((params.as_str(), ""));
        let sql = format!(
            "SELECT 1 AS x FROM users u WHERE u.id = {user_param} AND u.active = 1 \
             AND {IS_CASEWORKER} AND u.unit_id IN ({unit_params})"
        );
        for (user, _) in &t.team {
            let mut q = sqlx::query(&sql).bind(user.get());
            for c in &chain {
                q = q.bind(*c);
            }
            if q.fetch_optional(&mut *tx).await?.is_none() {
                return Err(refused("caseworker", "err.case.transfer_team"));
            }
        }
        // The team is replaced whole: the old owner loses access.
        sqlx::query("DELETE FROM case_workers WHERE case_id = $1")
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        add_members(&mut tx, id, &t.team, t.by, now).await?;
        sqlx::query(
            "UPDATE cases SET unit_id = $1, l1 = $2, l2 = $3, l3 = $4, l4 = $5, l5 = $6 \
             WHERE id = $7",
        )
        .bind(t.unit.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        event_with_note(
            &mut tx,
            self,
            id,
            t.by,
            "transferred",
            &format!("{from_code} -> {to_code}"),
            Some(&t.reason),
            now,
        )
        .await?;
        alert_supervisors(&mut tx, id, "transferred_in", Some(t.by), now).await?;
        finish(tx, self, id, before).await
    }

    async fn request_closure(
        &self,
        case: &OpenedCase,
        r: ClosureRequest,
        now: i64,
    ) -> Result<usize> {
        let id = case.id();
        if r.reason.trim().is_empty() {
            return Err(refused("reason", "err.case.reason_required"));
        }
        self.vault()?;
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let before = stats::facts(&mut tx, id.get()).await?;
        match status_of(&mut tx, id).await? {
            CaseStatus::Open | CaseStatus::Assessed | CaseStatus::InService => {}
            CaseStatus::ClosurePending => {
                return Err(refused("status", "err.case.closure_pending"));
            }
            CaseStatus::Closed => return Err(refused("status", "err.case.closed")),
        }
        sqlx::query(
            "UPDATE cases SET status = 'closure_pending', outcome = $1, \
             closure_requested_by = $2 WHERE id = $3",
        )
        .bind(r.outcome.as_str())
        .bind(r.by.get())
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        seal(
            &mut tx,
            self,
            "cases",
            "close_reason",
            id.get(),
            Some(&r.reason),
        )
        .await?;
        // The reason is kept in the history too: reopening clears the case's.
        event_with_note(
            &mut tx,
            self,
            id,
            r.by,
            "closure_requested",
            r.outcome.as_str(),
            Some(&r.reason),
            now,
        )
        .await?;
        let alerted = alert_supervisors(&mut tx, id, "closure_requested", Some(r.by), now).await?;
        finish(tx, self, id, before).await?;
        Ok(alerted)
    }

    async fn decide_closure(
        &self,
        case: &OpenedCase,
        d: ClosureDecision,
        now: i64,
    ) -> Result<CaseStatus> {
        let id = case.id();
        let reason = d.reason.as_deref().filter(|s| !s.trim().is_empty());
        if !d.approve && reason.is_none() {
            return Err(refused("reason", "err.case.reason_required"));
        }
        if reason.is_some() {
            self.vault()?;
        }
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let before = stats::facts(&mut tx, id.get()).await?;
        let row =
            sqlx::query("SELECT status, outcome, closure_requested_by FROM cases WHERE id = $1")
                .bind(id.get())
                .fetch_one(&mut *tx)
                .await?;
        let status: String = row.try_get("status")?;
        if status != CaseStatus::ClosurePending.as_str() {
            return Err(refused("approve", "err.case.not_pending"));
        }
        let requester: Option<i64> = row.try_get("closure_requested_by")?;
        if requester == Some(d.by.get()) {
            return Err(refused("approve", "err.case.same_approver"));
        }
        if !is_supervisor(&mut tx, id, d.by).await? {
            return Err(refused("approve", "err.case.supervisor_only"));
        }
        let outcome: Option<String> = row.try_get("outcome")?;
        let new_status = if d.approve {
            sqlx::query("UPDATE cases SET status = 'closed', closed_on = $1 WHERE id = $2")
                .bind(format_date(d.on))
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
            event_with_note(
                &mut tx,
                self,
                id,
                d.by,
                "closure_approved",
                outcome.as_deref().unwrap_or(""),
                reason,
                now,
            )
            .await?;
            CaseStatus::Closed
        } else {
            sqlx::query(
                "UPDATE cases SET status = 'in_service', outcome = NULL, close_reason_enc = NULL, \
                 closure_requested_by = NULL WHERE id = $1",
            )
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
            event_with_note(&mut tx, self, id, d.by, "closure_refused", "", reason, now).await?;
            CaseStatus::InService
        };
        if let Some(requester) = requester {
            let kind = if d.approve {
                "closure_approved"
            } else {
                "closure_refused"
            };
            alert_user(&mut tx, UserId::new(requester), id, kind, now).await?;
        }
        finish(tx, self, id, before).await?;
        Ok(new_status)
    }

    async fn reopen_case(
        &self,
        case: &OpenedCase,
        reason: &str,
        by: UserId,
        now: i64,
    ) -> Result<()> {
        let id = case.id();
        if reason.trim().is_empty() {
            return Err(refused("reason", "err.case.reason_required"));
        }
        self.vault()?;
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let before = stats::facts(&mut tx, id.get()).await?;
        if status_of(&mut tx, id).await? != CaseStatus::Closed {
            return Err(refused("status", "err.case.not_closed"));
        }
        sqlx::query(
            "UPDATE cases SET status = 'in_service', closed_on = NULL, outcome = NULL, \
             close_reason_enc = NULL, closure_requested_by = NULL WHERE id = $1",
        )
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        event_with_note(&mut tx, self, id, by, "reopened", "", Some(reason), now).await?;
        alert_supervisors(&mut tx, id, "reopened", Some(by), now).await?;
        finish(tx, self, id, before).await
    }

    async fn case_notes(&self, case: &OpenedCase) -> Result<Vec<CaseNote>> {
        let id = case.id();
        sqlx::query(
            "SELECT e.id, e.at, e.action, e.note_enc, us.username FROM case_events e \
             LEFT JOIN users us ON us.id = e.by_user \
             WHERE e.case_id = $1 AND e.note_enc IS NOT NULL ORDER BY e.id",
        )
        .bind(id.get())
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            let eid: i64 = r.try_get("id")?;
            Ok(CaseNote {
                at: r.try_get("at")?,
                by: r.try_get("username")?,
                action: r.try_get("action")?,
                note: self
                    .open_case_text("case_events", "note", eid, r.try_get("note_enc")?)?
                    .unwrap_or_default(),
            })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referral_steps() {
        use ReferralStatus::*;
        assert!(referral_step_allowed(Sent, Accepted));
        assert!(referral_step_allowed(Accepted, Done));
        assert!(!referral_step_allowed(Rejected, Accepted));
        assert!(!referral_step_allowed(Done, Sent));
        assert!(!referral_step_allowed(Accepted, Sent));
        assert!(!referral_step_allowed(Sent, Sent));
    }
}
