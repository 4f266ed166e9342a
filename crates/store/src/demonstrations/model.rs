//! Demonstration sites (三级示范): designations, their score sheets and
//! yearly evaluations, and the counters per unit.

use std::collections::BTreeMap;

use jinguo_domain::demonstration::{
    DemonstrationId, DesignationFields, EvaluationId, ScoreItem, SiteKind, Standing, Status,
};
use jinguo_domain::{Level, UnitId};
use time::Date;

use crate::model::UnitRef;

/// Who writes (the shared [`crate::model::Who`]).
pub use crate::model::Who as DemoWho;

/// The site of a designation: a grassroots federation or a Women's Home,
/// by its own id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteRef {
    pub kind: SiteKind,
    pub id: i64,
}

/// A designation to record.
#[derive(Debug, Clone)]
pub struct NewDemonstration {
    pub designator: UnitId,
    pub site: SiteRef,
    pub fields: DesignationFields,
}

/// A designation as read, with its site, designating unit and sheet.
#[derive(Debug, Clone)]
pub struct Demonstration {
    pub id: DemonstrationId,
    pub designator: UnitRef,
    /// The demonstration's level: the designating unit's.
    pub level: Level,
    pub site: SiteRef,
    /// The federation's or home's name as it is now.
    pub site_name: String,
    pub site_unit: UnitRef,
    /// Ancestors of the site's unit (the designating unit among them).
    pub ancestors: [Option<UnitId>; 5],
    pub from: Date,
    pub to: Date,
    pub reason: String,
    pub standing: Standing,
    pub revoke_reason: Option<String>,
    pub revoked_at: Option<i64>,
    pub items: Vec<ScoreItem>,
    /// The latest evaluation's year and total, if any.
    pub latest: Option<(i32, i64)>,
    pub created_at: i64,
}

impl Demonstration {
    pub fn status(&self, today: Date) -> Status {
        Status::of(self.standing, self.to, today)
    }
}

/// One year's evaluation of a designation.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub id: EvaluationId,
    pub year: i32,
    /// Scores in the sheet's order.
    pub scores: Vec<i64>,
    pub total: i64,
    pub note: Option<String>,
    pub evaluated_on: Date,
    pub evaluated_by: Option<String>,
}

/// Filters of a designation list, and keyset paging.
#[derive(Debug, Clone, Default)]
pub struct DemonstrationFilter {
    pub level: Option<Level>,
    pub kind: Option<SiteKind>,
    pub status: Option<Status>,
    /// Designations whose period touches this year.
    pub year: Option<i32>,
    /// Part of the site's name.
    pub text: Option<String>,
    /// Only designations older than this id.
    pub before: Option<i64>,
}

/// Designations not revoked, by demonstration level and site kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoCounts {
    /// `(level, kind)` → designations.
    pub by: BTreeMap<(u8, String), i64>,
}

impl DemoCounts {
    pub fn get(&self, level: u8, kind: SiteKind) -> i64 {
        self.by
            .get(&(level, kind.as_str().to_owned()))
            .copied()
            .unwrap_or(0)
    }

    pub fn total(&self) -> i64 {
        self.by.values().sum()
    }
}

/// The counts of a unit and of each active child, from the counters.
#[derive(Debug, Clone)]
pub struct DemoFigures {
    pub unit: UnitRef,
    pub counts: DemoCounts,
    pub children: Vec<(UnitRef, DemoCounts)>,
}

/// A site a designating unit may pick: kind, id, name and its unit.
#[derive(Debug, Clone)]
pub struct SiteChoice {
    pub site: SiteRef,
    pub name: String,
    pub unit_name: String,
}
