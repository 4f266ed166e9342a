//! The records of outline monitoring.

use jinguo_domain::outline::{
    Department, Entry, IndicatorId, IndicatorSpec, OutlineReportId, OutlineReportStatus,
    PlanPeriod, Rollup,
};
use jinguo_domain::{Level, UnitId, UserId};
use serde::Serialize;

use crate::model::UnitRef;

pub use crate::model::Who;

/// An indicator of a period's catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub id: IndicatorId,
    #[serde(skip)]
    pub period: PlanPeriod,
    #[serde(flatten)]
    pub spec: IndicatorSpec,
}

/// A target to set at a unit.
#[derive(Debug, Clone)]
pub struct NewTarget {
    pub indicator: IndicatorId,
    pub unit: UnitId,
    pub year: i32,
    pub value: f64,
    /// Taken from a published outline, not set locally.
    pub official: bool,
}

/// A target set at one unit (the unit itself or an ancestor).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    pub indicator: IndicatorId,
    pub unit: UnitId,
    pub level: Level,
    pub year: i32,
    pub value: f64,
    pub official: bool,
}

/// What the office decides on a submitted report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Return(String),
}

/// A report without its figures.
#[derive(Debug, Clone, Serialize)]
pub struct ReportHead {
    pub id: OutlineReportId,
    pub unit: UnitRef,
    pub year: i32,
    pub department: Department,
    pub status: OutlineReportStatus,
    pub return_reason: Option<String>,
    pub submitted_at: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub updated_at: i64,
}

/// One indicator's figures in a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportValue {
    pub indicator: IndicatorId,
    #[serde(flatten)]
    pub entry: Entry,
    pub source: Option<String>,
    pub note: Option<String>,
    pub explanation: Option<String>,
}

/// A report with its figures, by indicator id.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub head: ReportHead,
    pub values: Vec<ReportValue>,
}

/// A unit that reports outline indicators (levels 1–3).
#[derive(Debug, Clone)]
pub struct ReportingUnit {
    pub unit: UnitRef,
    pub parent: Option<UnitId>,
}

/// An approved figure of one unit for one indicator and year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRow {
    pub indicator: IndicatorId,
    pub unit: UnitId,
    pub year: i32,
    pub entry: Entry,
}

/// The kept roll-up of one indicator at one unit for one year (see
/// [`jinguo_domain::outline::roll_up`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RollupRow {
    pub indicator: IndicatorId,
    pub unit: UnitId,
    pub year: i32,
    pub rollup: Rollup,
}

/// A department reporter's account, for assigning her department.
#[derive(Debug, Clone)]
pub struct ReporterRow {
    pub user: UserId,
    pub username: String,
    pub unit: UnitRef,
    pub department: Option<Department>,
}

/// A reminder to a department reporter to report a year's indicators (a
/// notice addressed to her account).
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    /// The notice's id (notices are read up to an id).
    pub id: i64,
    pub year: i32,
    pub department: Department,
    pub created_at: i64,
    pub unread: bool,
}
