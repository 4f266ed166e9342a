//! Training programmes, classes, enrolments and coverage as stored.

use jinguo_domain::training::{
    AttendedVia, ClassFields, ClassId, ClassMode, EnrolmentId, ProgrammeFields, ProgrammeId, pct,
};
use jinguo_domain::{CommitteeMemberId, OrganisationId, UnitId, UserId};
use serde::Serialize;
use time::Date;

use crate::model::UnitRef;

/// A programme with its planning unit.
#[derive(Debug, Clone)]
pub struct Programme {
    pub id: ProgrammeId,
    pub unit: UnitRef,
    /// The planner's ancestors (`l1..l5`).
    pub ancestors: [Option<UnitId>; 5],
    pub fields: ProgrammeFields,
    pub classes: i64,
    pub created_at: i64,
}

/// A programme to plan at an active unit (region, league or banner) of the
/// scope.
#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub unit: UnitId,
    pub fields: ProgrammeFields,
    pub by: Option<UserId>,
}

/// Places of a class allocated to a unit below the planner.
#[derive(Debug, Clone, Serialize)]
pub struct Places {
    pub unit: UnitRef,
    pub places: i64,
    pub used: i64,
}

/// A class with its programme's head.
#[derive(Debug, Clone)]
pub struct Class {
    pub id: ClassId,
    pub programme: ProgrammeId,
    pub programme_title: String,
    pub year: i32,
    /// Hours that complete the programme.
    pub programme_hours: i64,
    pub planner: UnitRef,
    pub planner_ancestors: [Option<UnitId>; 5],
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub mode: ClassMode,
    pub place: Option<String>,
    pub hours: i64,
    pub capacity: i64,
    pub teachers: Option<String>,
    pub enrolled: i64,
    pub attended: i64,
    pub places: Vec<Places>,
    pub created_at: i64,
}

/// A class to add to a programme; the allocations' units already found
/// (the store checks they lie below the planner).
#[derive(Debug, Clone)]
pub struct NewClass {
    pub fields: ClassFields,
    pub places: Vec<(UnitId, i64)>,
    pub by: Option<UserId>,
}

/// A class a unit may enrol in (planned at the unit or above it), with
/// the places open to the unit.
#[derive(Debug, Clone)]
pub struct OpenClass {
    pub class: Class,
    /// The allocation that applies to the unit (the deepest on its path);
    /// `None` when the class allocates no places (the capacity alone).
    pub places: Option<Places>,
}

/// A current committee member of an organisation of the scope, to enrol.
#[derive(Debug, Clone, Serialize)]
pub struct RosterMember {
    pub id: CommitteeMemberId,
    pub organisation: OrganisationId,
    pub unit: UnitRef,
    pub role: jinguo_domain::organisation::CommitteeRole,
    pub name: String,
}

/// An enrolment to record.
#[derive(Debug, Clone)]
pub struct NewEnrolment {
    pub class: ClassId,
    pub member: CommitteeMemberId,
    /// The account she scans the attendance code with: an active account
    /// of her organisation's unit.
    pub account: Option<UserId>,
    pub by: Option<UserId>,
}

/// An enrolment with the member's name opened.
#[derive(Debug, Clone, Serialize)]
pub struct Enrolment {
    pub id: EnrolmentId,
    pub class: ClassId,
    pub class_title: String,
    pub member: CommitteeMemberId,
    pub name: String,
    pub role: jinguo_domain::organisation::CommitteeRole,
    pub unit: UnitRef,
    /// The linked account's user name.
    pub account: Option<String>,
    pub enrolled_at: i64,
    pub attended_at: Option<i64>,
    pub attended_via: Option<AttendedVia>,
    /// Attended hours in the class's programme and whether they complete it.
    pub programme_hours: i64,
    pub completed: bool,
}

/// What an attendance write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Attended {
    pub enrolment: EnrolmentId,
    /// Already recorded before: nothing changed.
    pub already: bool,
    /// The programme's hours reached with this attendance.
    pub completed_now: bool,
}

/// A completed programme, for the certificate.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub name: String,
    pub programme: String,
    /// The programme's title in traditional Mongolian, when one was given.
    pub programme_mn: Option<String>,
    pub year: i32,
    pub hours: i64,
    pub planner: UnitRef,
    pub planner_name_mn: Option<String>,
    pub completed_at: i64,
}

/// A current village chair who has not completed a programme this term.
#[derive(Debug, Clone, Serialize)]
pub struct UntrainedChair {
    pub member: CommitteeMemberId,
    pub name: String,
    pub organisation: String,
    pub unit: UnitRef,
    /// Start of her term, `YYYY-MM-DD`.
    pub term_start: String,
}

/// Training counts of one subtree in one year, from the counters (and
/// village chairs from the organisation counters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrainingCounts {
    /// Current chairs of village (community) federations.
    pub village_chairs: i64,
    /// Village chairs who completed a programme of the year.
    pub chairs_trained_year: i64,
    /// Current village chairs who completed a programme in their term.
    pub chairs_trained_term: i64,
    pub enrolled: i64,
    /// Enrolments in classes that were held (had an attendance).
    pub expected: i64,
    pub attended: i64,
    /// Attended class hours.
    pub hours: i64,
    /// People with at least one attendance.
    pub trainees: i64,
    /// Classes attended by someone of the subtree.
    pub classes: i64,
}

impl TrainingCounts {
    pub fn chairs_year_pct(&self) -> Option<f64> {
        pct(self.chairs_trained_year, self.village_chairs)
    }

    pub fn chairs_term_pct(&self) -> Option<f64> {
        pct(self.chairs_trained_term, self.village_chairs)
    }

    pub fn attendance_pct(&self) -> Option<f64> {
        pct(self.attended, self.expected)
    }

    /// Attended hours per trainee, one decimal.
    pub fn hours_per_person(&self) -> Option<f64> {
        (self.trainees > 0)
            .then(|| (self.hours as f64 * 10.0 / self.trainees as f64).round() / 10.0)
    }

    /// Folds one counter row in.
    pub(crate) fn add(&mut self, dim: &str, key: &str, n: i64, year: &str) {
        match (dim, key) {
            ("chairs_term", "current") => self.chairs_trained_term += n,
            (d, k) if k == year => match d {
                "chairs_year" => self.chairs_trained_year += n,
                "enrolled" => self.enrolled += n,
                "expected" => self.expected += n,
                "attended" => self.attended += n,
                "hours" => self.hours += n,
                "trainees" => self.trainees += n,
                "classes" => self.classes += n,
                _ => {}
            },
            _ => {}
        }
    }
}

/// A unit's training coverage in a year with that of each active child.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingCoverage {
    pub unit: UnitRef,
    pub year: i32,
    pub counts: TrainingCounts,
    pub children: Vec<(UnitRef, TrainingCounts)>,
}
