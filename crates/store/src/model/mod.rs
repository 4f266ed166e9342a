//! Rows as the rest of the program sees them.

use jinguo_domain::task::FieldDef;
use jinguo_domain::{
    ActivityFields, ActivityId, Level, Month, ReportStatus, Roles, TaskId, UnitCode, UnitId,
    UnitKind, UserId, Username,
};
use serde::Serialize;

/// A unit of the organisation tree.
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    #[serde(skip)]
    pub id: UnitId,
    pub code: UnitCode,
    pub name: String,
    pub name_mn: Option<String>,
    pub level: Level,
    pub kind: UnitKind,
    #[serde(skip)]
    pub parent_id: Option<UnitId>,
    pub active: bool,
    /// Ancestors by level, the unit itself included; `None` below its level.
    #[serde(skip)]
    pub ancestors: [Option<UnitId>; 5],
    pub children_count: i64,
}

/// A unit as a step of a path, or as a short reference.
///
/// Its schema is the API's `UnitPathStep` (`crates/app/src/routes/api/units.rs`), word for word,
/// so that records holding one and answers building one share a component.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = UnitPathStep)]
pub struct UnitRef {
    #[serde(skip)]
    pub id: UnitId,
    pub code: UnitCode,
    /// Name of the unit (Chinese).
    pub name: String,
    pub level: Level,
}

/// A unit together with its path from the root, as pickers and search
/// results must show it (many villages share a name).
#[derive(Debug, Clone, Serialize)]
pub struct UnitWithPath {
    #[serde(flatten)]
    pub unit: Unit,
    pub path: Vec<UnitRef>,
}

/// A new sector organisation (企业、社会组织、新业态 …) under a unit.
#[derive(Debug, Clone)]
pub struct NewSector {
    pub parent: UnitId,
    pub name: String,
    pub name_mn: Option<String>,
}

/// What a code-list import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub added: u64,
    pub updated: u64,
    pub retired: u64,
    pub unchanged: u64,
}

/// A user account, without its password hash.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub unit: UnitRef,
    pub roles: Roles,
    pub active: bool,
    /// Unix seconds until which logins are refused, if locked.
    pub locked_until: Option<i64>,
    pub created_at: i64,
    /// Her name (姓名); `None` for accounts made before names existed.
    pub display_name: Option<String>,
    /// Her position (职务), free text.
    pub position: Option<String>,
    /// Her phone, masked (`138****5678`); the number itself is sealed.
    pub phone_mask: Option<String>,
    /// Her password was set by an administrator and she has not yet
    /// chosen her own: every page but the password form waits for it.
    pub must_change_password: bool,
    /// Her language of the interface, as she last chose it (a tag such as
    /// `mn-Mong`); `None` until she switches.
    pub lang: Option<String>,
}

/// Filters of a user list. Name, username and position are plain columns;
/// the phone is sealed and never compared.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the username, her name or her position (case-insensitive).
    pub text: Option<String>,
    /// Only users holding this role.
    pub role: Option<jinguo_domain::Role>,
    /// Only active (`Some(true)`) or disabled (`Some(false)`) accounts.
    pub active: Option<bool>,
    /// Keyset paging: only users older than this id.
    pub before: Option<i64>,
}

/// What a login needs to decide.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    pub failed_logins: i64,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub password_hash: String,
    pub unit: UnitId,
    pub roles: Roles,
    /// The password was set by someone else (an administrator's form or
    /// batch import): she must choose her own at her first login.
    pub must_change_password: bool,
}

/// What an administrator changes of an account: where she works, what she
/// may do, and the person behind it. The username and password are not
/// edited here.
#[derive(Clone)]
pub struct AccountChange {
    pub unit: UnitId,
    pub roles: Roles,
    pub display_name: String,
    pub position: Option<String>,
    pub phone: PhoneChange,
}

/// The sealed phone can't be shown in a form to edit, so a change says
/// what to do with it.
#[derive(Clone)]
pub enum PhoneChange {
    Keep,
    Clear,
    Set(jinguo_domain::Phone),
}

/// A live session as found by its token hash.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen: i64,
    /// The login before the one that started this session; `None` when
    /// that was the account's first (MLPS level 3: shown at login).
    pub prev_login: Option<LastLogin>,
    /// The first page after the login has not yet shown `prev_login`.
    pub login_notice: bool,
}

/// When and from where an account last logged in: the time and address
/// its `login` audit entry records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LastLogin {
    /// Seconds since 1970-01-01 UTC.
    pub at: i64,
    /// The client address as logged for the login; absent when unknown.
    pub address: Option<String>,
}

/// Who does a write that the store audits in the write's own transaction:
/// the user (none for the public or the system) and the address. Shared
/// by the modules whose store methods write their audit entries
/// themselves (honours, outlines, demonstrations, …).
#[derive(Debug, Clone, Default)]
pub struct Who {
    pub user: Option<(UserId, String)>,
    pub ip: Option<String>,
}

/// An audit event to append. Names, ID numbers and phones never go in
/// `detail`; usernames and unit codes may.
#[derive(Debug, Clone)]
pub struct NewAudit {
    pub at: i64,
    pub actor: Option<(UserId, String)>,
    pub action: &'static str,
    pub detail: String,
    pub ip: Option<String>,
    /// The unit the event concerns; decides which auditors see it.
    pub unit: UnitId,
}

/// Which audit entries a list shows; every part is optional and they
/// combine with AND.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Username of who acted, exactly.
    pub actor: Option<String>,
    /// Action key, exactly (`need.created`).
    pub action: Option<String>,
    /// Unix seconds: from (inclusive) and until (exclusive).
    pub from: Option<i64>,
    pub until: Option<i64>,
    /// Keyset paging: only entries older than this id.
    pub before: Option<i64>,
}

/// One audit event. Names, ID numbers and phone numbers of people never appear in `detail`;
/// usernames and unit codes may.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Increasing id of the event.
    pub id: i64,
    /// Unix seconds of the event.
    pub at: i64,
    /// Username of the user who acted; null when there is none (for example a failed login with
    /// an unknown username, which is not recorded).
    pub actor_name: Option<String>,
    /// What happened, for example `login`, `login.failed`, `user.created`, `activity.updated`,
    /// `task.approved`.
    #[schema(example = "user.created")]
    pub action: String,
    /// Free-text detail; may be empty.
    pub detail: String,
    /// Client address as seen by the server (forwarding headers are not trusted); null if
    /// unknown.
    pub ip: Option<String>,
    #[schema(value_type = jinguo_domain::UnitCode)]
    pub unit_code: String,
    /// Name of the unit the event concerns.
    pub unit_name: String,
}

/// Offset paging; `limit` is capped by the store.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    pub const MAX: i64 = 500;

    pub fn new(limit: i64, offset: i64) -> Self {
        Page {
            limit: limit.clamp(1, Self::MAX),
            offset: offset.max(0),
        }
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::new(50, 0)
    }
}

/// Which dictionary. The shared ones are constants here; a module declares
/// its own beside its store code (`crate::homes::FACILITIES`) and lists it
/// in its app module, so a new dictionary edits nothing shared. Entries
/// live in `dict_entries` under [`DictKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DictKind {
    name: &'static str,
    slug: &'static str,
    public: bool,
}

impl DictKind {
    /// `name` is the stored kind (`activity_type`), `slug` the name in
    /// URLs and catalogue keys (`activity-types`); a `public` dictionary
    /// may be read by the help page without a login.
    pub const fn new(name: &'static str, slug: &'static str, public: bool) -> Self {
        DictKind { name, slug, public }
    }

    pub const ACTIVITY_TYPE: DictKind = DictKind::new("activity_type", "activity-types", false);
    pub const PROGRAM: DictKind = DictKind::new("program", "programs", false);
    pub const NEED_CATEGORY: DictKind = DictKind::new("need_category", "need-categories", true);
    pub const VISIT_TAG: DictKind = DictKind::new("visit_tag", "visit-tags", false);
    pub const CASE_TYPE: DictKind = DictKind::new("case_type", "case-types", false);

    /// The dictionaries of the shared modules, in the order the
    /// dictionaries page shows them.
    pub const SHARED: [DictKind; 5] = [
        DictKind::ACTIVITY_TYPE,
        DictKind::PROGRAM,
        DictKind::NEED_CATEGORY,
        DictKind::VISIT_TAG,
        DictKind::CASE_TYPE,
    ];

    /// The name in URLs: `activity-types`, `programs`.
    pub const fn slug(self) -> &'static str {
        self.slug
    }

    /// Whether the public help page may read it without a login.
    pub const fn is_public(self) -> bool {
        self.public
    }

    pub const fn as_str(self) -> &'static str {
        self.name
    }
}

impl Serialize for DictKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name)
    }
}

/// One entry of a dictionary, labelled in the three interface languages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DictEntry {
    /// Stable key, as records store it.
    #[schema(example = "lecture")]
    pub key: String,
    /// Label in Chinese.
    pub label_zh: String,
    /// Label in traditional Mongolian script, if any.
    pub label_mn: Option<String>,
    /// Label in English, if any.
    pub label_en: Option<String>,
    /// Whether new and changed records may use the key; inactive entries are kept for older
    /// records.
    pub active: bool,
    /// Position in lists, smallest first.
    pub sort: i64,
}

/// Filters of an activity list: the period in months, part of the title,
/// the type and the programme, and the keyset position (date, id) of the
/// last row shown.
#[derive(Debug, Clone)]
pub struct ActivityFilter {
    pub from: Month,
    pub to: Month,
    /// Part of the title (Chinese or Mongolian), case-insensitive.
    pub text: Option<String>,
    /// Dictionary key of the type, exactly.
    pub type_key: Option<String>,
    /// Dictionary key of the programme, exactly.
    pub program_key: Option<String>,
    /// Keyset paging: only activities before this (date, id), in the
    /// list's order (date descending, then id descending).
    pub before: Option<(time::Date, i64)>,
}

impl ActivityFilter {
    /// Whether an activity passes the filters (not the period, not the
    /// paging): what the ledger export, which reads month by month,
    /// applies to the rows it reads.
    pub fn keeps(&self, a: &Activity) -> bool {
        let f = &a.fields;
        let text = self.text.as_ref().is_none_or(|t| {
            let t = t.to_lowercase();
            f.title.to_lowercase().contains(&t)
                || f.title_mn
                    .as_ref()
                    .is_some_and(|m| m.to_lowercase().contains(&t))
        });
        text && self.type_key.as_ref().is_none_or(|k| *k == f.type_key)
            && self
                .program_key
                .as_ref()
                .is_none_or(|k| f.program_key.as_ref() == Some(k))
    }

    /// Whether any filter beyond the period is set.
    pub fn narrows(&self) -> bool {
        self.text.is_some() || self.type_key.is_some() || self.program_key.is_some()
    }
}

/// A recorded activity with the unit it belongs to.
#[derive(Debug, Clone)]
pub struct Activity {
    pub id: ActivityId,
    pub unit: UnitRef,
    /// Ancestors of the unit when the activity was last written.
    pub ancestors: [Option<UnitId>; 5],
    pub fields: ActivityFields,
    pub created_by: Option<UserId>,
    /// Unix seconds of arrival at the server.
    pub created_at: i64,
    pub updated_at: i64,
    /// Unix seconds on the recording device when it was made there, if it
    /// said (a phone's outbox sends records hours later).
    pub made_at: Option<i64>,
}

/// An activity to insert; the caller has checked the unit's scope and the
/// dictionary keys.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub unit: UnitId,
    pub fields: ActivityFields,
    pub by: Option<UserId>,
}

/// What is written with a new activity: whom it reached and the audit
/// entry that records it. On SQLite both share the activity's transaction
/// (its group commit), so the activity is never kept without them; on
/// PostgreSQL the audiences do, and the entry is appended right after the
/// commit (in the audit chain's own group, whose head lock would otherwise
/// serialise every recording).
#[derive(Debug, Clone, Default)]
pub struct ActivityWith {
    /// Audience keys, already checked against their dictionary.
    pub audiences: Vec<String>,
    /// The entry recording it; the store writes `activity=<id> ` before
    /// its `detail`, the id being known only once the row is written.
    pub audit: Option<NewAudit>,
}

impl ActivityWith {
    /// The audit entry of the activity `id`.
    pub(crate) fn audit_of(&self, id: i64) -> Option<NewAudit> {
        self.audit.as_ref().map(|a| NewAudit {
            detail: format!("activity={id} {}", a.detail),
            ..a.clone()
        })
    }
}

/// Activity numbers: the three every roll-up counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    /// Number of activities.
    #[schema(minimum = 0)]
    pub activities: i64,
    /// Participants of those activities, summed.
    #[schema(minimum = 0)]
    pub participants: i64,
    /// Women among the participants, summed.
    #[schema(minimum = 0)]
    pub women: i64,
}

/// A unit's numbers for a month range, read from counters only.
#[derive(Debug, Clone, Serialize)]
pub struct Rollup {
    pub total: Counts,
    /// By activity-type key, in dictionary order; types without activity are left out.
    pub by_type: Vec<(String, Counts)>,
    pub by_program: Vec<(String, Counts)>,
    /// Every child unit, with zeros where nothing was recorded.
    pub children: Vec<(UnitRef, Counts)>,
    /// Every month of the range, with zeros where nothing was recorded.
    pub months: Vec<(Month, Counts)>,
}

/// Filters of a task list.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Part of the title (case-insensitive).
    pub text: Option<String>,
    /// The listed unit's own report in this state.
    pub status: Option<jinguo_domain::ReportStatus>,
    /// `YYYY-MM-DD`: deadline on or after.
    pub deadline_from: Option<String>,
    /// `YYYY-MM-DD`: deadline on or before.
    pub deadline_to: Option<String>,
    /// Keyset paging: only tasks older than this id.
    pub before: Option<i64>,
}

/// Which tasks a list shows for a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskBox {
    /// Tasks the unit has to answer.
    Inbox,
    /// Tasks the unit issued.
    Issued,
    /// Tasks with any target in the unit's subtree: what passes through it.
    Subtree,
}

impl TaskBox {
    pub fn parse(s: &str) -> Option<TaskBox> {
        match s {
            "inbox" => Some(TaskBox::Inbox),
            "issued" => Some(TaskBox::Issued),
            "subtree" => Some(TaskBox::Subtree),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            TaskBox::Inbox => "inbox",
            TaskBox::Issued => "issued",
            TaskBox::Subtree => "subtree",
        }
    }
}

/// Target units, resolved: a level under the issuing unit, or units the
/// caller has checked to lie strictly inside the issuer's subtree.
#[derive(Debug, Clone)]
pub enum TaskTargets {
    Level(Level),
    Units(Vec<UnitId>),
}

#[derive(Debug, Clone)]
pub struct NewTask {
    pub issuer: UnitId,
    pub title: String,
    pub description: String,
    pub deadline: time::Date,
    pub targets: TaskTargets,
    pub fields: Vec<FieldDef>,
    pub by: UserId,
}

/// Fields a forwarding unit added for the units below it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = TaskForward)]
pub struct Forward {
    /// The unit that forwarded the task.
    pub unit: UnitRef,
    pub fields: Vec<FieldDef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub id: TaskId,
    pub issuer: UnitRef,
    #[serde(skip)]
    pub issuer_ancestors: [Option<UnitId>; 5],
    pub title: String,
    pub description: String,
    #[serde(serialize_with = "ser_date")]
    pub deadline: time::Date,
    pub fields: Vec<FieldDef>,
    pub forwards: Vec<Forward>,
    pub created_at: i64,
    pub targets: i64,
}

impl Task {
    /// The fields a unit's report has: the issuer's, then those added by
    /// every unit above it that forwarded the task.
    pub fn fields_for(&self, ancestors: &[Option<UnitId>; 5], unit: UnitId) -> Vec<FieldDef> {
        let mut out = self.fields.clone();
        for f in &self.forwards {
            if f.unit.id != unit && ancestors.contains(&Some(f.unit.id)) {
                out.extend(f.fields.iter().cloned());
            }
        }
        out
    }

    /// Every field key of the task, forwarded ones included.
    pub fn all_keys(&self) -> Vec<String> {
        self.fields
            .iter()
            .chain(self.forwards.iter().flat_map(|f| &f.fields))
            .map(|f| f.key.clone())
            .collect()
    }
}

fn ser_date<S: serde::Serializer>(d: &time::Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&jinguo_domain::activity::format_date(*d))
}

/// A line of a task list, counted for the listed unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskSummary {
    pub id: TaskId,
    pub title: String,
    /// `YYYY-MM-DD`.
    #[serde(serialize_with = "ser_date")]
    #[schema(value_type = String, format = Date)]
    pub deadline: time::Date,
    /// The unit the task was issued from.
    pub issuer: UnitRef,
    /// Unix seconds of issue.
    pub created_at: i64,
    /// The listed unit's own report, when it is a target; otherwise null.
    #[schema(required = true)]
    pub status: Option<ReportStatus>,
    /// Target units in the listed unit's subtree, itself included.
    #[schema(minimum = 0)]
    pub targets: i64,
    /// Of those, reports handed in (`submitted` or `approved`).
    #[schema(minimum = 0)]
    pub complete: i64,
    /// Of those, reports waiting for review (`submitted`).
    #[schema(minimum = 0)]
    pub submitted: i64,
}

/// One unit's answer to a task.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(skip)]
    pub id: i64,
    pub task_id: TaskId,
    pub unit: UnitRef,
    #[serde(skip)]
    pub ancestors: [Option<UnitId>; 5],
    #[serde(skip)]
    pub via: Option<UnitId>,
    pub status: ReportStatus,
    /// Answers as stored (JSON object by field key).
    #[serde(skip)]
    pub values_json: String,
    /// Reasons given for changing pre-filled values (JSON object).
    #[serde(skip)]
    pub reasons_json: String,
    pub note: Option<String>,
    pub return_reason: Option<String>,
    pub forwarded: bool,
    pub updated_at: Option<i64>,
    pub first_submitted_on: Option<String>,
    pub submitted_at: Option<i64>,
    pub reviewed_at: Option<i64>,
}

/// An answer to save; the caller has checked it against the fields.
#[derive(Debug, Clone)]
pub struct ReportAnswer {
    pub values_json: String,
    pub reasons_json: String,
    /// Numeric answers, for totals.
    pub numbers: Vec<(String, f64)>,
    pub note: Option<String>,
    pub by: UserId,
}

/// Sum, extremes and mean of one numeric field over the handed-in (`submitted` or `approved`)
/// reports that answered it.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// Number of reports counted.
    #[schema(minimum = 1)]
    pub count: i64,
}

/// Reports counted by status.
pub type StatusCounts = std::collections::BTreeMap<ReportStatus, i64>;

#[derive(Debug, Clone, Serialize)]
pub struct ChildProgress {
    pub unit: UnitRef,
    /// The child's own report, when the child itself is a target.
    pub own: Option<ReportStatus>,
    pub counts: StatusCounts,
    pub on_time: i64,
}

/// A task's progress within one unit's subtree.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// Every report in the subtree, the unit's own included.
    pub counts: StatusCounts,
    /// Handed-in reports (submitted or approved) first handed in on time.
    pub on_time: i64,
    /// The unit's own report, when it is a target.
    pub own: Option<ReportStatus>,
    /// Child units with targets in their subtrees, by code.
    pub children: Vec<ChildProgress>,
    /// Numeric fields over handed-in reports, by key.
    pub totals: Vec<(String, Totals)>,
}

/// A report with the names of its unit's ancestors, for exports.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub report: Report,
    /// Names at levels 1..=5, where the unit has an ancestor there.
    pub path: [Option<String>; 5],
}

/// The unit a notice is about.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeAbout {
    pub code: UnitCode,
    pub name: String,
}

/// An in-app notice for a unit about a task.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notice {
    /// Increasing id of the notice.
    pub id: i64,
    /// What happened: `issued` (the unit became a target, by issue or forward), `submitted` (a
    /// report of a unit directly below was handed in), `approved` or `returned` (the unit's
    /// report was reviewed); deadline reminders use `due3`, `due1` and `overdue`.
    #[schema(example = "issued")]
    pub kind: String,
    pub task_id: TaskId,
    pub task_title: String,
    /// The task's deadline, `YYYY-MM-DD`.
    #[serde(serialize_with = "ser_date")]
    #[schema(value_type = String, format = Date)]
    pub deadline: time::Date,
    /// The unit the notice is for (the caller's).
    pub unit: UnitRef,
    /// The unit it is about, when another: the unit below that handed in
    /// (`submitted`); otherwise null.
    #[schema(required = true)]
    pub about: Option<NoticeAbout>,
    /// Unix seconds.
    pub created_at: i64,
    /// Whether the caller has not yet seen it (notices are marked seen when she opens the
    /// notices page of the web interface).
    pub unread: bool,
}

/// A photo of an activity as stored: the file's random name under the data
/// directory and what the upload check found.
#[derive(Debug, Clone, Serialize)]
pub struct Photo {
    pub id: jinguo_domain::PhotoId,
    pub activity: ActivityId,
    /// Order on the activity, from 1.
    pub position: i64,
    pub content_type: String,
    pub byte_size: i64,
    #[serde(skip)]
    pub storage_name: String,
    #[serde(skip)]
    pub sha256: String,
    pub width: i64,
    pub height: i64,
    pub created_at: i64,
    #[serde(skip)]
    pub created_by: Option<UserId>,
}

/// A checked photo whose file has already been written.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub content_type: &'static str,
    pub byte_size: i64,
    pub storage_name: String,
    pub sha256: String,
    pub width: i64,
    pub height: i64,
}

/// A change to an activity's photos: removals first, then additions, as
/// long as the activity ends with at most `max`.
#[derive(Debug, Clone, Copy)]
pub struct PhotoEdit<'a> {
    pub add: &'a [NewPhoto],
    pub remove: &'a [jinguo_domain::PhotoId],
    pub max: usize,
    pub by: Option<UserId>,
    pub now: i64,
}

/// What a change to an activity's photos did.
#[derive(Debug, Clone, Default)]
pub struct PhotoChange {
    pub added: Vec<jinguo_domain::PhotoId>,
    /// The rows removed, so the caller can remove their files.
    pub removed: Vec<Photo>,
}

/// A file attached to a task as stored: the uploader's cleaned file name,
/// the type found by looking at the bytes, and the random file name under
/// the data directory.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub id: jinguo_domain::AttachmentId,
    pub task: TaskId,
    pub name: String,
    pub content_type: String,
    pub byte_size: i64,
    #[serde(skip)]
    pub storage_name: String,
    #[serde(skip)]
    pub created_by: Option<UserId>,
    pub created_at: i64,
}

/// A checked attachment whose file has already been written.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub name: String,
    pub content_type: &'static str,
    pub byte_size: i64,
    pub storage_name: String,
}

mod help;
mod households;
mod needs;
pub use help::*;
pub use households::*;
pub use needs::*;
mod cases;
pub use cases::*;
// The case workflow after intake (issue 6 item 3).
mod case_flow;
pub use case_flow::*;
// Case statistics (issue 6).
mod case_stats;
pub use case_stats::*;
