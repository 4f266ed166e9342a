//! The store seen from the application: one trait per area.
//!
//! Methods that reach data attached to units take a [`Scope`]; only the tree
//! itself (codes, names, levels) is readable without one.

use crate::{InScope, OpenedCase, Scope};
use async_trait::async_trait;
use jinguo_domain::case::ReferralStatus;
use jinguo_domain::case::{CaseStatus, CaseTemplate, OrderKind, OrderStatus, TeamRole};
use jinguo_domain::help::{HelpKind, HelpStatus, TrackingCode};
use jinguo_domain::need::{NeedStatus, Resolution};
use jinguo_domain::task::FieldDef;
use jinguo_domain::{
    ActivityFields, ActivityId, AttachmentId, CaseId, HelpId, HouseholdId, Level, MemberId, Month,
    NeedId, Person, PhotoId, TaskId, UnitCode, UnitId, UserId, VisitId,
};

use crate::Result;
use crate::idempotency::Arrival;
use crate::model::ActivityWith;
use crate::model::*;

#[async_trait]
pub trait UnitStore: Send + Sync {
    async fn unit_by_code(&self, code: &UnitCode) -> Result<Unit>;
    async fn unit_by_id(&self, id: UnitId) -> Result<Unit>;
    /// The root (level 1) unit.
    async fn root_unit(&self) -> Result<Unit>;
    /// The path from the root down to the unit, the unit included.
    async fn path(&self, unit: &Unit) -> Result<Vec<UnitRef>>;
    /// Direct children, active first, by code.
    async fn children(&self, parent: UnitId) -> Result<Vec<Unit>>;
    /// Active units whose name or code starts with `q`, or one of whose
    /// Mongolian name's words does (compared by
    /// [`jinguo_domain::text::search_key`], so variation selectors and kinds
    /// of space do not matter), optionally only within a subtree (for
    /// pickers that may only offer units in scope).
    async fn search_units(
        &self,
        q: &str,
        within: Option<Scope>,
        limit: i64,
    ) -> Result<Vec<UnitWithPath>>;
    /// Every unit's Mongolian name, by code, for the pages that show a
    /// unit by name (public tree data, like the names themselves).
    async fn unit_names_mn(&self) -> Result<Vec<(UnitCode, String)>>;
    /// Number of active units at each level 1..=5.
    async fn unit_counts(&self) -> Result<[i64; 5]>;
    /// Creates a sector organisation under a unit of the scope.
    async fn create_sector(&self, scope: Scope, new: NewSector) -> Result<Unit>;
    /// Whether a unit lies in the scope; `NotFound` otherwise.
    async fn unit_in_scope(&self, scope: Scope, code: &UnitCode) -> Result<Unit>;
}

/// Accounts of the subtree. Logins and the command line use the unscoped
/// methods of [`crate::SqlStore`] (the system handle) instead.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates an account at a unit of the scope.
    async fn create_user(&self, scope: Scope, new: NewUser) -> Result<UserId>;
    /// Creates an account with the person behind it; her phone is sealed.
    async fn create_person(&self, scope: Scope, new: NewUser, person: Person) -> Result<UserId>;
    /// Which of these usernames are taken, anywhere (usernames are unique
    /// across the system; a taken one already answers 409 on create).
    async fn usernames_taken(&self, names: &[String]) -> Result<Vec<String>>;
    /// Creates several accounts in one transaction: all or none.
    async fn create_people(
        &self,
        scope: Scope,
        people: Vec<(NewUser, Person)>,
    ) -> Result<Vec<UserId>>;
    /// Users whose unit lies under `unit`, which must be in the scope.
    async fn users_under(&self, scope: Scope, unit: UnitId, page: Page) -> Result<Vec<User>>;
    /// Users of `unit`'s subtree matching `filter`, newest first, at most
    /// `limit`; `NotFound` when `unit` is outside `scope`.
    async fn users_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &UserFilter,
        limit: i64,
    ) -> Result<Vec<User>>;
    async fn user_in_scope(&self, scope: Scope, id: UserId) -> Result<InScope<User>>;
    async fn set_active(&self, user: &InScope<User>, active: bool) -> Result<()>;
    /// Changes an account in one transaction (its unit must be active and
    /// in the scope). A move to another unit ends her sessions, since what
    /// she may see changes with it.
    async fn update_account(
        &self,
        scope: Scope,
        user: &InScope<User>,
        change: AccountChange,
    ) -> Result<()>;
    /// An administrator's (or the command line's) new password for her;
    /// every session of hers ends. `must_change`: she chooses her own at
    /// the next login.
    async fn set_password_hash(
        &self,
        user: &InScope<User>,
        hash: &str,
        must_change: bool,
    ) -> Result<()>;
    /// Her language of the interface, kept for her next login.
    async fn set_language(&self, user: &InScope<User>, lang: &str) -> Result<()>;
    /// Her own new password: the must-change mark goes, and every session
    /// of hers but `keep_session` (a token hash) ends.
    async fn set_own_password(
        &self,
        user: &InScope<User>,
        hash: &str,
        keep_session: &str,
    ) -> Result<()>;
}

/// Sessions: for the auth layer only, which reaches them through the
/// system handle; not part of [`Store`].
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf: &str,
        now: i64,
    ) -> Result<()>;
    async fn session(&self, token_hash: &str) -> Result<Session>;
    async fn touch_session(&self, token_hash: &str, now: i64) -> Result<()>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Ends every session of hers and clears her outbox key.
    async fn delete_user_sessions(&self, user: UserId) -> Result<()>;
    /// Her outbox key (base64url): the kept one, or `fresh` when she has none
    /// (first use, or after an administrator ended her sessions). The same
    /// for all her sessions, so a session that merely expired finds its
    /// queued entries readable after the next login.
    async fn outbox_key(&self, user: UserId, fresh: &str) -> Result<String>;
    /// Removes sessions last used before `before` or created before
    /// `created_before`; returns how many.
    async fn delete_stale_sessions(&self, before: i64, created_before: i64) -> Result<u64>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, entry: NewAudit) -> Result<()>;
    /// Newest first, events concerning units of the scope.
    async fn audit_in_scope(
        &self,
        scope: Scope,
        filter: &AuditFilter,
        page: Page,
    ) -> Result<Vec<AuditEntry>>;
}

/// Activities and their roll-up counters. Every write changes the counters
/// of all ancestors in the same transaction.
#[async_trait]
pub trait ActivityStore: Send + Sync {
    async fn dictionary(&self, kind: DictKind) -> Result<Vec<DictEntry>>;
    /// Adds an entry or changes the labels, order and active flag of an
    /// existing one. Keys never change, so records keep their meaning.
    /// `NotFound` unless the scope is the region's and may edit the
    /// dictionaries.
    async fn save_dict_entry(&self, scope: Scope, kind: DictKind, entry: &DictEntry) -> Result<()>;
    /// Records an activity at a unit of the scope.
    async fn create_activity(
        &self,
        scope: Scope,
        new: NewActivity,
        now: i64,
    ) -> Result<ActivityId> {
        self.create_activity_arrived(scope, new, Arrival::default(), ActivityWith::default(), now)
            .await
    }
    /// Records an activity as a form or the phone's outbox sent it: its
    /// idempotency key taken in the same transaction
    /// (`Conflict(idempotency::TAKEN)` when taken, and nothing written),
    /// the device's time kept beside the arrival time, and `with` written
    /// with it (see [`ActivityWith`]).
    async fn create_activity_arrived(
        &self,
        scope: Scope,
        new: NewActivity,
        arrival: Arrival,
        with: ActivityWith,
        now: i64,
    ) -> Result<ActivityId>;
    async fn activity_in_scope(&self, scope: Scope, id: ActivityId) -> Result<Activity>;
    /// Changes an activity, possibly moving it to another unit of the scope.
    async fn update_activity(
        &self,
        scope: Scope,
        id: ActivityId,
        unit: UnitId,
        fields: ActivityFields,
        now: i64,
    ) -> Result<Activity>;
    /// Deletes an activity and returns what it was.
    async fn delete_activity(&self, scope: Scope, id: ActivityId) -> Result<Activity>;
    /// Activities of `unit`'s subtree in a month range, newest first.
    async fn activities_under(
        &self,
        scope: Scope,
        unit: &Unit,
        from: Month,
        to: Month,
        page: Page,
    ) -> Result<Vec<Activity>>;
    /// Activities of `unit`'s subtree matching `filter`, newest first
    /// (date, then id), at most `limit`.
    async fn activities_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &ActivityFilter,
        limit: i64,
    ) -> Result<Vec<Activity>>;
    /// Inserts many activities at once (the web import) at units of the
    /// scope; `NotFound` when a row's unit lies outside it, and nothing is
    /// written. Counters are applied per batch.
    async fn insert_activities(&self, scope: Scope, rows: &[NewActivity], now: i64) -> Result<u64>;
    /// A unit's numbers for a month range, from the counters alone.
    async fn rollup(&self, scope: Scope, unit: &Unit, from: Month, to: Month) -> Result<Rollup>;
    /// Active geographic units at `level` under `unit` with no activity
    /// since `since` (inclusive).
    async fn quiet_units(
        &self,
        scope: Scope,
        unit: &Unit,
        level: Level,
        since: Month,
    ) -> Result<Vec<UnitRef>>;
}

/// Tasks issued down the tree, the reports coming back up, and the
/// notices about them.
#[async_trait]
pub trait TaskStore: Send + Sync {
    /// Issues a task from a unit of the scope and creates a report (and an
    /// `issued` notice) for every target. `Refused` when no unit matches.
    async fn create_task(&self, scope: Scope, new: NewTask, now: i64) -> Result<TaskId> {
        self.create_task_with_files(scope, new, &[], now).await
    }
    /// Issues a task as `create_task` does, with files already written
    /// (the notice, a form to fill in) in the same transaction, so a task
    /// is never issued without the documents it was issued with.
    async fn create_task_with_files(
        &self,
        scope: Scope,
        new: NewTask,
        files: &[NewAttachment],
        now: i64,
    ) -> Result<TaskId>;
    /// A task the scope may see: issued inside it, or with a target in it.
    async fn task_in_scope(&self, scope: Scope, id: TaskId) -> Result<InScope<Task>>;
    /// Tasks of one box for a unit of the scope, newest first.
    async fn tasks_for(
        &self,
        scope: Scope,
        unit: &Unit,
        which: TaskBox,
        page: Page,
    ) -> Result<Vec<TaskSummary>>;
    /// Tasks of one box for a unit of the scope matching `filter`, newest
    /// first, at most `limit`.
    async fn tasks_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        which: TaskBox,
        filter: &TaskFilter,
        limit: i64,
    ) -> Result<Vec<TaskSummary>>;
    /// The report of a target unit (already checked to be in scope).
    async fn report(&self, task: &InScope<Task>, unit: &Unit) -> Result<InScope<Report>>;
    /// Saves an answer while the report is open; `Refused` otherwise.
    async fn save_report(
        &self,
        report: &InScope<Report>,
        answer: ReportAnswer,
        now: i64,
    ) -> Result<()> {
        self.save_report_once(report, answer, None, now).await
    }
    /// As `save_report`, taking an idempotency key in the same transaction
    /// (`Conflict(idempotency::TAKEN)` when taken, and nothing written).
    async fn save_report_once(
        &self,
        report: &InScope<Report>,
        answer: ReportAnswer,
        claim: Option<&crate::idempotency::Claim>,
        now: i64,
    ) -> Result<()>;
    /// Hands a report in; `today` (`YYYY-MM-DD`) dates a first submission.
    async fn submit_report(
        &self,
        report: &InScope<Report>,
        by: UserId,
        today: &str,
        now: i64,
    ) -> Result<()> {
        self.submit_report_once(report, by, today, None, now).await
    }
    /// As `submit_report`, taking an idempotency key in the same
    /// transaction.
    async fn submit_report_once(
        &self,
        report: &InScope<Report>,
        by: UserId,
        today: &str,
        claim: Option<&crate::idempotency::Claim>,
        now: i64,
    ) -> Result<()>;
    /// Approves a submitted report once every target below its unit is
    /// approved, or returns it with a reason.
    async fn review_report(
        &self,
        report: &InScope<Report>,
        approve: bool,
        reason: Option<&str>,
        by: UserId,
        now: i64,
    ) -> Result<()>;
    /// Passes a task down from a target unit to its descendants, with extra
    /// fields for them; returns how many new targets it made.
    async fn forward_task(
        &self,
        task: &InScope<Task>,
        from: &InScope<Report>,
        targets: TaskTargets,
        fields: &[FieldDef],
        by: UserId,
        now: i64,
    ) -> Result<i64>;
    /// Progress within `unit`'s subtree.
    async fn progress(&self, task: &InScope<Task>, unit: &Unit) -> Result<Progress>;
    /// Sums of the numeric answers handed in by the units a report's unit
    /// passed the task to, by key: what its own answer starts from.
    async fn forwarded_sums(&self, report: &InScope<Report>) -> Result<Vec<(String, f64)>>;
    /// Every report in `unit`'s subtree with its ancestors' names, by code.
    async fn export_rows(&self, task: &InScope<Task>, unit: &Unit) -> Result<Vec<ExportRow>>;
    /// Notices for a unit, newest first; `unread` relative to the user.
    async fn notices(&self, unit: UnitId, user: UserId, page: Page) -> Result<Vec<Notice>>;
    async fn unread_notices(&self, unit: UnitId, user: UserId) -> Result<i64>;
    async fn mark_notices_seen(&self, user: UserId, up_to: i64) -> Result<()>;
}

/// Photos of activities: rows only, the files are the application's. Every
/// read and write goes through an activity of the scope.
#[async_trait]
pub trait PhotoStore: Send + Sync {
    /// The photos of an activity of the scope, in order; `NotFound` for an
    /// activity outside it.
    async fn photos_of(&self, scope: Scope, activity: ActivityId) -> Result<Vec<Photo>>;
    /// The photos of several activities at once (a ledger page); activities
    /// outside the scope contribute nothing.
    async fn photos_of_many(&self, scope: Scope, activities: &[ActivityId]) -> Result<Vec<Photo>>;
    /// One photo of an activity of the scope.
    async fn photo_in_scope(
        &self,
        scope: Scope,
        activity: ActivityId,
        photo: PhotoId,
    ) -> Result<Photo>;
    /// Removes and adds photos of an activity of the scope in one
    /// transaction. `Conflict("photo")` when the activity would end up with
    /// more than `edit.max`; `NotFound` when a photo to remove is not the
    /// activity's. Nothing changes on any error.
    async fn change_photos(
        &self,
        scope: Scope,
        activity: ActivityId,
        edit: PhotoEdit<'_>,
    ) -> Result<PhotoChange>;
    /// Deletes an activity of the scope with its photos in one transaction;
    /// returns what it was and the photo rows, whose files the caller removes.
    async fn delete_activity_with_photos(
        &self,
        scope: Scope,
        activity: ActivityId,
    ) -> Result<(Activity, Vec<Photo>)>;
}

/// Files attached to tasks: rows only, the files are the application's.
/// Callers find the task with [`TaskStore::task_in_scope`] first, so these
/// take a task already known to be visible.
#[async_trait]
pub trait TaskFileStore: Send + Sync {
    /// Adds attachments in one transaction; `Refused` on the `file` field
    /// when the task would end up with more than `max`.
    async fn add_attachments(
        &self,
        task: &InScope<Task>,
        add: &[NewAttachment],
        max: usize,
        by: UserId,
        now: i64,
    ) -> Result<Vec<AttachmentId>>;
    /// The attachments of a task, oldest first.
    async fn attachments_of(&self, task: &InScope<Task>) -> Result<Vec<Attachment>>;
    /// One attachment of a task; `NotFound` when it belongs to another.
    async fn attachment(&self, task: &InScope<Task>, id: AttachmentId) -> Result<Attachment>;
}

/// Households and home visits. Identity numbers, phones, addresses and
/// visit notes are sealed by the vault on the way in; reads give them masked
/// or opened as [`HouseholdView`] says.
#[async_trait]
pub trait HouseholdStore: Send + Sync {
    /// Records a household at an active unit of the scope.
    async fn create_household(
        &self,
        scope: Scope,
        new: NewHousehold,
        now: i64,
    ) -> Result<HouseholdId> {
        self.create_household_arrived(scope, new, Arrival::default(), now)
            .await
    }
    /// As `create_household`, taking the arrival's idempotency key in the
    /// same transaction.
    async fn create_household_arrived(
        &self,
        scope: Scope,
        new: NewHousehold,
        arrival: Arrival,
        now: i64,
    ) -> Result<HouseholdId>;
    async fn household_in_scope(&self, scope: Scope, id: HouseholdId) -> Result<HouseholdView>;
    /// Households of `unit`'s subtree, newest first.
    async fn households_under(
        &self,
        scope: Scope,
        unit: &Unit,
        page: Page,
    ) -> Result<Vec<HouseholdSummary>>;
    /// Households of `unit`'s subtree matching `filter`, newest first, at
    /// most `limit`; `NotFound` when `unit` is outside `scope`.
    async fn households_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &HouseholdFilter,
        limit: i64,
    ) -> Result<Vec<HouseholdSummary>>;
    /// One member's full ID number or phone; `NotFound` when the member is
    /// not the household's or the value was never recorded. The caller
    /// writes the audit entry.
    async fn reveal(
        &self,
        scope: Scope,
        household: HouseholdId,
        member: MemberId,
        field: SealedField,
    ) -> Result<String>;
    /// Records a visit to a household of the scope and its 入户走访
    /// activity, counters included, in one transaction.
    async fn create_visit(&self, scope: Scope, new: NewVisit, now: i64) -> Result<VisitId> {
        self.create_visit_arrived(scope, new, Arrival::default(), now)
            .await
    }
    /// As `create_visit`, taking the arrival's idempotency key in the same
    /// transaction and keeping the device's time on the visit and its
    /// activity.
    async fn create_visit_arrived(
        &self,
        scope: Scope,
        new: NewVisit,
        arrival: Arrival,
        now: i64,
    ) -> Result<VisitId>;
    async fn visit_in_scope(&self, scope: Scope, id: VisitId) -> Result<Visit>;
    /// Visits in `unit`'s subtree (or of one household), newest first.
    async fn visits_under(
        &self,
        scope: Scope,
        unit: &Unit,
        household: Option<HouseholdId>,
        page: Page,
    ) -> Result<Vec<Visit>>;
}

/// Needs and the practical-deeds ledger. Every write changes the ledger
/// counters of all the origin's ancestors in the same transaction.
#[async_trait]
pub trait NeedStore: Send + Sync {
    /// Records a need; the origin must be an active unit of the scope.
    async fn create_need(&self, scope: Scope, new: NewNeed, now: i64) -> Result<NeedId> {
        self.create_need_arrived(scope, new, Arrival::default(), now)
            .await
    }
    /// As `create_need`, taking the arrival's idempotency key in the same
    /// transaction.
    async fn create_need_arrived(
        &self,
        scope: Scope,
        new: NewNeed,
        arrival: Arrival,
        now: i64,
    ) -> Result<NeedId>;
    /// A need the scope may see: its origin lies in the scope.
    async fn need_in_scope(&self, scope: Scope, id: NeedId) -> Result<InScope<Need>>;
    /// Needs of a unit of the scope matching `filter`, newest first, at
    /// most `limit`; `NotFound` when `unit` is outside `scope`.
    async fn needs_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        queue: NeedQueue,
        filter: &NeedFilter,
        limit: i64,
    ) -> Result<Vec<NeedSummary>>;
    /// Needs of a unit of the scope, optionally of one status, newest first.
    async fn needs_of(
        &self,
        scope: Scope,
        unit: &Unit,
        queue: NeedQueue,
        status: Option<NeedStatus>,
        page: Page,
    ) -> Result<Vec<NeedSummary>>;
    /// What happened to a need, oldest first.
    async fn need_events(&self, need: &InScope<Need>) -> Result<Vec<NeedEvent>>;
    /// open → in progress, optionally naming the user who handles it.
    async fn start_need(
        &self,
        need: &InScope<Need>,
        assignee_user: Option<UserId>,
        by: UserId,
        now: i64,
    ) -> Result<()>;
    /// Moves a live need to the parent of its assignee, back to `open`.
    /// `Refused` at the root.
    async fn escalate_need(
        &self,
        need: &InScope<Need>,
        note: &str,
        by: UserId,
        now: i64,
    ) -> Result<()>;
    /// A live need is resolved on `today` with what was done and a rating.
    async fn resolve_need(
        &self,
        need: &InScope<Need>,
        resolution: &Resolution,
        today: time::Date,
        by: UserId,
        now: i64,
    ) -> Result<()>;
    /// A live need is closed unresolved, with the reason.
    async fn close_need(
        &self,
        need: &InScope<Need>,
        reason: &str,
        today: time::Date,
        by: UserId,
        now: i64,
    ) -> Result<()>;
    /// The ledger of a unit for a month range, from the counters alone;
    /// `today` decides what is overdue.
    async fn deeds(
        &self,
        scope: Scope,
        unit: &Unit,
        from: Month,
        to: Month,
        today: time::Date,
    ) -> Result<Deeds>;
}

/// Requests from the public help page. Descriptions and contacts are sealed
/// by the vault; a tracking code reveals only a status and a date.
/// Rights-protection cases: intake, the access decision's facts, the opened
/// case, the team, assessments, protection orders, break-the-glass and the
/// access log. Reads of personal data ([`CaseStore::case_view`],
/// [`CaseStore::reveal_case_field`]) come only after the application has
/// decided access from [`CaseStore::case_head`].
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// The template of an active case type; `NotFound` for an unknown or
    /// retired type.
    async fn case_template(&self, type_key: &str) -> Result<CaseTemplate>;
    /// Whether cases of this type (active or retired) are assessed with
    /// the danger checklist.
    async fn uses_danger_checklist(&self, type_key: &str) -> Result<bool>;
    /// Active users holding the caseworker role at `unit` or one of its
    /// ancestors, nearest first.
    async fn caseworkers_over(&self, unit: UnitId) -> Result<Vec<CaseworkerRef>>;
    /// Records a case with its people, team, follow-up schedule and first
    /// event in one transaction; takes over the help request if named.
    async fn create_case(&self, scope: Scope, new: NewCase, now: i64) -> Result<CaseId>;
    /// The facts deciding whether `user` may open the case; `NotFound` when
    /// the case does not exist or lies outside `scope`.
    async fn case_head(&self, scope: Scope, id: CaseId, now: i64) -> Result<InScope<CaseHead>>;
    /// Opens a case for `action` (`view`, `assess` …) when the scope's user
    /// may (see [`jinguo_domain::case::access_grounds`]) and writes the
    /// opening to the case's access log; `NotFound` otherwise.
    async fn open_case(
        &self,
        head: InScope<CaseHead>,
        action: &str,
        now: i64,
    ) -> Result<OpenedCase>;
    /// The case opened (sealed fields decrypted, identity numbers masked).
    async fn case_view(&self, case: &OpenedCase, today: time::Date) -> Result<CaseView>;
    /// One full identity value of the client.
    async fn reveal_case_field(&self, case: &OpenedCase, field: CaseSealedField) -> Result<String>;
    /// The access log, newest first.
    async fn case_access_log(&self, case: &OpenedCase) -> Result<Vec<CaseAccess>>;
    /// Cases `user` may open within `scope` (on the team or under a running
    /// grant), optionally only one status, newest first.
    async fn cases_for(
        &self,
        scope: Scope,
        status: Option<CaseStatus>,
        today: time::Date,
        now: i64,
        page: Page,
    ) -> Result<Vec<CaseSummary>>;
    /// Cases the scope's user may open (on the team or under a running
    /// grant, exactly as [`CaseStore::cases_for`]) matching `filter`,
    /// newest first, at most `limit`.
    async fn cases_filtered(
        &self,
        scope: Scope,
        filter: &CaseFilter,
        today: time::Date,
        now: i64,
        limit: i64,
    ) -> Result<Vec<CaseSummary>>;
    /// Adds a member to the team (idempotent).
    async fn add_case_member(
        &self,
        case: &OpenedCase,
        user: UserId,
        role: TeamRole,
        by: UserId,
        now: i64,
    ) -> Result<()>;
    /// Records a risk assessment; the case takes its level, an open case
    /// becomes assessed, and a high or critical level alerts every
    /// supervisor. Returns how many were alerted.
    async fn assess_case(&self, case: &OpenedCase, a: NewAssessment, now: i64) -> Result<usize>;
    /// Records a protection order or warning letter, or a new status of one.
    async fn record_case_order(
        &self,
        case: &OpenedCase,
        kind: OrderKind,
        status: OrderStatus,
        on_date: time::Date,
        by: UserId,
        now: i64,
    ) -> Result<i64>;
    /// Grants `user` break-the-glass access until `now + GLASS_SECS`, and
    /// alerts the supervisors. Returns the expiry.
    async fn grant_case_glass(
        &self,
        head: &InScope<CaseHead>,
        reason: &str,
        now: i64,
    ) -> Result<i64>;
    /// The user's alerts, newest first.
    async fn case_alerts(&self, scope: Scope, limit: i64) -> Result<Vec<CaseAlert>>;
    /// Marks all of the user's alerts read.
    async fn mark_case_alerts_read(&self, scope: Scope, now: i64) -> Result<()>;
}

// ---- Case workflow after intake (issue 6 item 3; sql/cases/flow.rs) ----

/// The case workflow after intake: follow-ups, referrals, transfers,
/// closure with a second pair of eyes, reopening. Each call is one
/// transaction that writes the case row first, moves the statistics and
/// appends a history step; free-text reasons and notes are sealed. The
/// application has already decided that the caller may open the case.
#[async_trait]
pub trait CaseFlowStore: Send + Sync {
    /// Records a follow-up (completing a scheduled one, or an ad-hoc
    /// contact); sets the first contact if none is recorded and moves an
    /// open or assessed case into service. Returns the follow-up's id.
    async fn record_follow_up(&self, case: &OpenedCase, f: NewFollowUp, now: i64) -> Result<i64>;
    /// Refers the case to a partner agency; refused without the client's
    /// consent to referral unless a supervisor of the case overrides it
    /// with a reason (the other supervisors are alerted). Returns its id.
    async fn refer_case(&self, case: &OpenedCase, r: NewReferral, now: i64) -> Result<i64>;
    /// Moves a referral on (sent → accepted, rejected or done; accepted →
    /// done); any other step is refused.
    async fn set_referral_status(
        &self,
        case: &OpenedCase,
        referral: i64,
        status: ReferralStatus,
        by: UserId,
        now: i64,
    ) -> Result<()>;
    /// Transfers the case to a unit of its league chain (the league's
    /// subtree or the region) with a new team that replaces the old one.
    async fn transfer_case(&self, case: &OpenedCase, t: CaseTransfer, now: i64) -> Result<()>;
    /// Asks for closure with an outcome and a reason; alerts every
    /// supervisor. Returns how many were alerted.
    async fn request_closure(
        &self,
        case: &OpenedCase,
        r: ClosureRequest,
        now: i64,
    ) -> Result<usize>;
    /// Approves (closed) or refuses (back in service) a pending closure;
    /// refused for the user who asked for it.
    async fn decide_closure(
        &self,
        case: &OpenedCase,
        d: ClosureDecision,
        now: i64,
    ) -> Result<CaseStatus>;
    /// Reopens a closed case with a reason.
    async fn reopen_case(
        &self,
        case: &OpenedCase,
        reason: &str,
        by: UserId,
        now: i64,
    ) -> Result<()>;
    /// The reasons recorded with the case's history, opened, oldest first.
    async fn case_notes(&self, case: &OpenedCase) -> Result<Vec<CaseNote>>;
}

#[async_trait]
pub trait HelpStore: Send + Sync {
    /// Records a request at a village, queued at the village when it has an
    /// active user of [`QUEUE_ROLES`], else at its township; a `need` request
    /// becomes a need in the same transaction. `Conflict("tracking_code")`
    /// when the code is taken (the caller draws another).
    async fn create_help_request(&self, new: NewHelpRequest, now: i64) -> Result<HelpCreated>;
    /// Status and last change of the request with this code; for a need,
    /// derived from the need. `NotFound` for an unknown code.
    async fn help_status(&self, code: &TrackingCode) -> Result<HelpPublicStatus>;
    /// When `client` (an address) hit the public page's `bucket` since
    /// `since`. Kept in the database, so limits hold across restarts and
    /// across servers; the address itself is never stored, only its
    /// keyed blind index.
    async fn limit_hits(&self, bucket: &str, client: &str, since: i64) -> Result<Vec<i64>>;
    /// Counts one hit of `client` at `at`, and forgets hits older than a day.
    async fn record_limit_hit(&self, bucket: &str, client: &str, at: i64) -> Result<()>;
    /// Requests of one kind queued in `unit`'s subtree, newest first.
    async fn help_requests_under(
        &self,
        scope: Scope,
        unit: &Unit,
        kind: HelpKind,
        page: Page,
    ) -> Result<Vec<HelpSummary>>;
    /// One request whose queue unit lies in the scope, opened. The caller
    /// writes the audit entry.
    async fn help_request_in_scope(&self, scope: Scope, id: HelpId) -> Result<HelpRequest>;
    /// Sets the status of a rights request whose queue lies in the scope.
    async fn set_help_status(
        &self,
        scope: Scope,
        id: HelpId,
        status: HelpStatus,
        now: i64,
    ) -> Result<()>;
}

/// De-identified case statistics (issue 6), kept as roll-ups by every write
/// to a case (`sql::cases::stats`). Counts only consenting cases; the
/// numbers are exact, and the application suppresses small cells.
#[async_trait]
pub trait CaseStatsStore: Send + Sync {
    /// The statistics of `unit`'s subtree for cases opened from `from` to
    /// `to`; `NotFound` when `unit` lies outside `scope`.
    async fn case_stats(
        &self,
        scope: Scope,
        unit: &Unit,
        from: Month,
        to: Month,
    ) -> Result<CaseStats>;
}
