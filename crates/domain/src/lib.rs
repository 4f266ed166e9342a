//! Pure domain types of jinguo: no I/O, no database, no HTTP.
//!
//! Every value with rules is a newtype with a private field and a `parse`
//! constructor, so the rest of the code cannot hold an invalid one.

pub mod arrival;
pub mod code;
pub mod division_list;
pub mod error;
pub mod halfwidth;
pub mod help;
pub mod id_number;
pub mod ids;
pub mod level;
pub mod password;
pub mod person;
pub mod phone;
pub mod role;
pub mod schema;
pub mod sex;
pub mod username;

pub use code::{UnitCode, UnitKind};
pub use division_list::{DivisionRecord, RawDivisionRow, RowError, parse_division_rows};
pub use error::FieldError;
pub use id_number::IdNumber;
pub use ids::{
    ActivityId, AttachmentId, CaseId, HelpId, HomeId, HouseholdId, MemberId, NeedId, PhotoId,
    TaskId, UnitId, UserId, VisitId,
};
pub use level::{Level, LevelNames};
pub use password::Password;
pub use person::Person;
pub use phone::{Phone, PhoneKind};
pub use role::{Role, Roles};
pub use sex::Sex;
pub use username::Username;
pub mod access;
pub use access::{CapSet, Capability};
pub mod activity;
pub mod month;
pub use activity::{ActivityDraft, ActivityFields};
pub use month::Month;
pub mod case;
pub mod family_site;
pub mod home;
pub mod honour;
pub mod household;
pub mod need;
pub mod organisation;
pub use organisation::{CommitteeMemberId, ElectionId, OrganisationId};
pub mod outline;
pub mod task;
pub mod text;
pub mod training;
pub use task::{ReportStatus, TaskDraft, TaskSpec};
// Case statistics: small-cell suppression (issue 6).
pub mod case_stats;
pub mod demonstration;
