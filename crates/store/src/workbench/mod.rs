//! The workbench (工作台): what a unit has to do next, read in a few
//! indexed queries so the page everyone opens first stays light.
//!
//! A module of the store in one folder: its records and trait here, the SQL
//! in [`sql`]. It owns no tables: it reads the task reports and needs that
//! their own modules keep.

use async_trait::async_trait;
use jinguo_domain::need::{NeedStatus, Urgency};
use jinguo_domain::{NeedId, ReportStatus, TaskId, UnitCode};
use serde::Serialize;

use crate::model::{Unit, UnitRef};
use crate::{Result, Scope};

mod sql;

/// The first few items of a list and how many there are in all.
#[derive(Debug, Clone, Serialize)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// A report the unit itself has yet to hand in.
#[derive(Debug, Clone, Serialize)]
pub struct ToAnswer {
    pub task_id: TaskId,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub deadline: String,
    pub status: ReportStatus,
    /// The unit the task came from: its name and code.
    pub issuer: String,
    pub issuer_code: String,
}

/// A report of a unit directly below, handed in and waiting for review.
#[derive(Debug, Clone, Serialize)]
pub struct ToReview {
    pub task_id: TaskId,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub deadline: String,
    /// The unit that handed it in.
    pub unit: UnitRef,
    /// Unix seconds of the hand-in.
    pub submitted_at: Option<i64>,
}

/// A live need in the unit's own queue with a due date that has come or
/// comes soon. Only what a to-do line needs: no description.
#[derive(Debug, Clone, Serialize)]
pub struct NeedDue {
    pub id: NeedId,
    pub category: String,
    pub urgency: Urgency,
    pub status: NeedStatus,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    /// The village (or unit) where it was raised.
    pub origin: String,
}

/// A village without any activity since a month, with where it lies and
/// when it last had one.
#[derive(Debug, Clone, Serialize)]
pub struct QuietVillage {
    pub unit: UnitRef,
    /// Names of its township and banner (for a village of a sector, what
    /// lies above it), nearest first.
    pub path: Vec<String>,
    /// `YYYY-MM` of its last recorded activity; `None`: never.
    pub last_month: Option<String>,
}

#[async_trait]
pub trait WorkbenchStore: Send + Sync {
    /// Reports `unit` (of the scope) has yet to hand in — not started, in
    /// progress or returned — soonest deadline first.
    async fn reports_to_answer(
        &self,
        scope: Scope,
        unit: &Unit,
        limit: i64,
    ) -> Result<Listed<ToAnswer>>;
    /// Reports of the units directly below `unit` waiting for its review,
    /// the longest waiting first.
    async fn reports_to_review(
        &self,
        scope: Scope,
        unit: &Unit,
        limit: i64,
    ) -> Result<Listed<ToReview>>;
    /// Open or started needs in `unit`'s own queue due on or before `by`
    /// (`YYYY-MM-DD`), soonest first. Needs the personal-records
    /// capability, like every need list.
    async fn needs_due(
        &self,
        scope: Scope,
        unit: &Unit,
        by: &str,
        limit: i64,
    ) -> Result<Listed<NeedDue>>;
    /// Active villages of `unit`'s subtree with no activity since `since`
    /// (`YYYYMM`, inclusive), by code after `after` (keyset paging, so the
    /// last page of 14,592 villages costs what the first does), with their
    /// last activity month; `total` counts them all.
    async fn quiet_villages(
        &self,
        scope: Scope,
        unit: &Unit,
        since: i64,
        after: Option<&UnitCode>,
        limit: i64,
    ) -> Result<Listed<QuietVillage>>;
}
