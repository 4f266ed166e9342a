//! The workbench (工作台): the page every role lands on after login — what
//! her unit has to do next, what waits for her review, what is due, and
//! this month's figures — and the quiet-village list the dashboard's count
//! leads to.
//!
//! Built by the module recipe; it owns no records and reads the task,
//! need, case and activity modules through the store's scoped traits. Each
//! part shows only when the actor's capabilities allow the page it links to.

mod routes;
pub mod web;

use jinguo_domain::{Capability, Level, Month};
use jinguo_store::model::{Counts, Notice, Page, Unit};
use jinguo_store::workbench::{Listed, NeedDue, QuietVillage, ToAnswer, ToReview};
use serde::Serialize;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::state::{AppState, now, today};

pub const MODULE: crate::routes::Module = crate::routes::Module {
    routes: routes::routes,
    menu: &[],
    dictionaries: &[],
    demo: None,
};

/// How many lines each part shows; the rest is one link away.
const SHOWN: i64 = 5;

/// Needs due within this many days count as due now.
const NEED_HORIZON_DAYS: i64 = 3;

/// Villages without activity for this many months are quiet (the current
/// month and the two before it), as on the dashboard.
pub const QUIET_MONTHS: u32 = 3;

/// Everything on the workbench; `None` where her capabilities do not reach.
#[derive(Debug, Serialize)]
pub struct Workbench {
    pub to_answer: Option<Listed<ToAnswer>>,
    pub to_review: Option<Listed<ToReview>>,
    pub needs_due: Option<Listed<NeedDue>>,
    /// Cases she may open with follow-ups past due.
    pub cases_due: Option<Vec<CaseDue>>,
    pub notices: Vec<Notice>,
    /// This month's activity figures of her unit's subtree.
    pub month: Option<Counts>,
    pub month_label: String,
    /// Quiet villages of her subtree (units above the village only).
    pub quiet: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct CaseDue {
    pub id: i64,
    pub number: String,
    pub unit_name: String,
    pub overdue: i64,
}

impl Workbench {
    /// Whether nothing waits: the page then says so in one line.
    pub fn is_clear(&self) -> bool {
        let none = |n: Option<i64>| n.unwrap_or(0) == 0;
        none(self.to_answer.as_ref().map(|l| l.total))
            && none(self.to_review.as_ref().map(|l| l.total))
            && none(self.needs_due.as_ref().map(|l| l.total))
            && self.cases_due.as_ref().is_none_or(Vec::is_empty)
            && self.notices.is_empty()
    }
}

/// Reads the workbench of the actor's own unit.
pub async fn gather(state: &AppState, actor: &Actor) -> AppResult<Workbench> {
    let store = &state.store;
    let scope = actor.scope();
    let unit: &Unit = &actor.unit;
    let today = today(&state.config);
    let records = actor.can(Capability::ReadRecords);
    let to_answer = match records {
        true => Some(store.reports_to_answer(scope, unit, SHOWN).await?),
        false => None,
    };
    let to_review = match records && unit.level < Level::VILLAGE {
        true => Some(store.reports_to_review(scope, unit, SHOWN).await?),
        false => None,
    };
    let needs_due = if actor.can(Capability::ReadPersonal) {
        let by = today + time::Duration::days(NEED_HORIZON_DAYS);
        let by = jinguo_domain::activity::format_date(by);
        Some(store.needs_due(scope, unit, &by, SHOWN).await?)
    } else {
        None
    };
    let cases_due = if actor.can(Capability::OpenCases) {
        let cases = store
            .cases_for(scope, None, today, now(), Page::new(Page::MAX, 0))
            .await?;
        Some(
            cases
                .into_iter()
                .filter(|c| c.overdue_follow_ups > 0)
                .take(SHOWN as usize)
                .map(|c| CaseDue {
                    id: c.id.get(),
                    number: c.number,
                    unit_name: c.unit_name,
                    overdue: c.overdue_follow_ups,
                })
                .collect(),
        )
    } else {
        None
    };
    let notices = store
        .notices(unit.id, actor.user.id, Page::new(SHOWN * 4, 0))
        .await?
        .into_iter()
        .filter(|n| n.unread)
        .take(SHOWN as usize)
        .collect();
    let this_month = Month::of_date(today);
    let month = if actor.can(Capability::ReadFigures) {
        Some(
            store
                .rollup(scope, unit, this_month, this_month)
                .await?
                .total,
        )
    } else {
        None
    };
    let quiet = if actor.can(Capability::ReadFigures) && unit.level < Level::VILLAGE {
        let since = this_month.minus(QUIET_MONTHS - 1);
        let scope = scope.narrow(unit).unwrap_or(scope);
        Some(
            state
                .quiet
                .get(&state.store, scope, unit, Level::VILLAGE, since)
                .await?,
        )
    } else {
        None
    };
    Ok(Workbench {
        to_answer,
        to_review,
        needs_due,
        cases_due,
        notices,
        month,
        month_label: this_month.to_string(),
        quiet,
    })
}

/// The quiet villages of a unit of the scope: the first `limit` and the
/// total, with the month they are counted from.
pub async fn quiet_villages(
    state: &AppState,
    actor: &Actor,
    unit: &Unit,
    after: Option<&jinguo_domain::UnitCode>,
    limit: i64,
) -> AppResult<(Month, Listed<QuietVillage>)> {
    let since = Month::of_date(today(&state.config)).minus(QUIET_MONTHS - 1);
    let list = state
        .store
        .quiet_villages(actor.scope(), unit, since.yyyymm(), after, limit)
        .await?;
    Ok((since, list))
}
