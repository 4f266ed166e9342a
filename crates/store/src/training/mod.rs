//! The 领头雁 training plan (issue 15 items 3 and 4): programmes, classes,
//! enrolments of committee members, attendance and completion, and the
//! training coverage counters kept on write.
//!
//! Who sees what:
//! - a programme and its classes belong to the planner's subtree (opened
//!   through [`TrainingStore::programme_in_scope`] / [`TrainingStore::class_in_scope`]);
//! - the units below see the classes planned on their path through
//!   [`TrainingStore::classes_open_to`], and enrol members of their own
//!   committees: an enrolment is the enrolling scope's (the member's unit
//!   must lie in it), whoever planned the class;
//! - names are opened only for a scope that may read personal data.
//!
//! A module of the store in one folder: its records ([`model`]), its trait
//! and the SQL behind it (`sql` for plans and enrolments, `attendance` for
//! attendance and the counters, `coverage` for the reads of the counters
//! and the recount).

use async_trait::async_trait;
use jinguo_domain::UserId;
use jinguo_domain::training::{AttendedVia, ClassId, EnrolmentId, MaterialId, ProgrammeId};
use time::Date;

use crate::model::{NewAttachment, Page, Unit};
use crate::{InScope, Result, Scope};

mod attendance;
mod coverage;
mod materials;
mod model;
mod sql;

pub use materials::Material;
pub use model::*;

/// Training. Attendance changes the coverage counters
/// (`rollup_training`) of every ancestor of the trainee's unit in the same
/// transaction; so does an enrolment.
#[async_trait]
pub trait TrainingStore: Send + Sync {
    /// Plans a programme at an active unit of the scope that may plan
    /// (region, league, banner: otherwise `Refused(unit_code, …)`).
    async fn create_programme(
        &self,
        scope: Scope,
        new: NewProgramme,
        now: i64,
    ) -> Result<ProgrammeId>;
    async fn programme_in_scope(&self, scope: Scope, id: ProgrammeId)
    -> Result<InScope<Programme>>;
    /// Programmes planned in `unit`'s subtree, newest year first.
    async fn programmes_under(
        &self,
        scope: Scope,
        unit: &Unit,
        page: Page,
    ) -> Result<Vec<Programme>>;
    /// Adds a class; every allocated unit must lie strictly below the
    /// planner (`Refused(places, …)` otherwise).
    async fn create_class(
        &self,
        programme: &InScope<Programme>,
        new: NewClass,
        now: i64,
    ) -> Result<ClassId>;
    async fn classes_of(&self, programme: &InScope<Programme>) -> Result<Vec<Class>>;
    /// A class whose programme was planned in the scope.
    async fn class_in_scope(&self, scope: Scope, id: ClassId) -> Result<InScope<Class>>;
    /// Classes planned at `unit` or above it (that `unit` of the scope may
    /// enrol in) ending on or after `from`, soonest first.
    async fn classes_open_to(
        &self,
        scope: Scope,
        unit: &Unit,
        from: Date,
    ) -> Result<Vec<OpenClass>>;
    /// Current committee members of the organisations of `unit`'s subtree,
    /// names opened (a scope that may read personal data only).
    async fn roster(&self, scope: Scope, unit: &Unit, page: Page) -> Result<Vec<RosterMember>>;
    /// Enrols a current committee member of the scope in a class planned
    /// on her path that has not ended by `today`, within the capacity and
    /// the places of her unit. Refusals name the field: `class`
    /// (unknown, ended), `member` (unknown, enrolled twice), `account`,
    /// `places` (full); nothing is written then.
    async fn enrol(
        &self,
        scope: Scope,
        new: NewEnrolment,
        today: Date,
        now: i64,
    ) -> Result<EnrolmentId>;
    /// Enrolments of a class (its roll), names opened.
    async fn enrolments_of(&self, class: &InScope<Class>) -> Result<Vec<Enrolment>>;
    /// Enrolments of members of `unit`'s subtree, newest first, names opened.
    async fn enrolments_under(
        &self,
        scope: Scope,
        unit: &Unit,
        page: Page,
    ) -> Result<Vec<Enrolment>>;
    /// Attendance by the trainee herself: the enrolment in `class` linked
    /// to the scope's user; `Refused(token, err.training.not_enrolled)`
    /// when there is none.
    async fn attend_self(&self, scope: Scope, class: ClassId, now: i64) -> Result<Attended>;
    /// Attendance ticked by the class keeper (or read from an uploaded
    /// roll): every enrolment must be of the class (`Refused(enrolment, …)`
    /// otherwise); all or nothing.
    async fn attend_roll(
        &self,
        class: &InScope<Class>,
        enrolments: &[EnrolmentId],
        via: AttendedVia,
        now: i64,
    ) -> Result<Vec<Attended>>;
    /// Training coverage of a unit of the scope and each active child in
    /// a programme year.
    async fn training_coverage(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
    ) -> Result<TrainingCoverage>;
    /// Current village chairs of `unit`'s subtree who have not completed a
    /// programme in their term, by unit code (names: personal data).
    async fn untrained_chairs(
        &self,
        scope: Scope,
        unit: &Unit,
        page: Page,
    ) -> Result<Vec<UntrainedChair>>;
    /// The certificate of a completed programme of an enrolment whose
    /// member lies in the scope; `NotFound` until it is completed.
    async fn certificate(&self, scope: Scope, enrolment: EnrolmentId) -> Result<Certificate>;
    /// Adds materials whose files are written already, at most `max` per
    /// class (`Refused(file, err.attachment.too_many)`); all or none.
    async fn add_materials(
        &self,
        class: &InScope<Class>,
        new: &[NewAttachment],
        max: usize,
        by: Option<UserId>,
        now: i64,
    ) -> Result<Vec<MaterialId>>;
    async fn materials(&self, class: &InScope<Class>) -> Result<Vec<Material>>;
    async fn material(&self, class: &InScope<Class>, id: MaterialId) -> Result<Material>;
}

pub(crate) use attendance::on_new_committee;
