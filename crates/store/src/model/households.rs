//! Households, their members and home visits as the application sees them.
//! Sealed columns arrive opened (the address, visit notes) or masked (ID
//! numbers, phones); a full ID number or phone only through a reveal.

use jinguo_domain::household::Household;
use jinguo_domain::{HouseholdId, MemberId, Sex, UnitCode, UnitId, UserId, VisitId};
use serde::Serialize;

/// A household to record at a unit.
#[derive(Debug, Clone)]
pub struct NewHousehold {
    pub unit: UnitId,
    pub household: Household,
    pub by: UserId,
}

/// One member, identity fields masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Member)]
pub struct MemberView {
    pub id: MemberId,
    pub name: String,
    pub sex: Sex,
    pub birth_year: i64,
    #[schema(value_type = jinguo_domain::household::Relation)]
    pub relation: String,
    pub ethnicity: Option<String>,
    /// Masked: `150102********123X`.
    pub id_number: Option<String>,
    /// Masked: `138****5678`.
    pub phone: Option<String>,
    pub guardian: Option<ConsentView>,
}

/// Who consented and how.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Consent)]
pub struct ConsentView {
    pub given_by: String,
    #[schema(value_type = jinguo_domain::household::ConsentMethod)]
    pub method: String,
}

/// A household of the scope, address opened, members masked.
#[derive(Debug, Clone, Serialize)]
pub struct HouseholdView {
    pub id: HouseholdId,
    #[serde(skip)]
    pub unit_id: UnitId,
    pub unit_code: UnitCode,
    pub unit_name: String,
    #[serde(skip)]
    pub ancestors: [Option<UnitId>; 5],
    pub address: String,
    pub consent: ConsentView,
    /// Unix seconds.
    pub consent_at: i64,
    pub members: Vec<MemberView>,
    pub created_at: i64,
}

/// A line of a household list: no sealed field is opened for it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdSummary {
    pub id: HouseholdId,
    pub unit_code: UnitCode,
    pub unit_name: String,
    /// The first member listed (usually the head).
    pub head: String,
    /// Number of members.
    pub members: i64,
    /// `YYYY-MM-DD` of the latest visit.
    #[schema(format = Date)]
    pub last_visit: Option<String>,
}

/// Which sealed value of a member to reveal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedField {
    IdNumber,
    Phone,
}

impl SealedField {
    pub fn parse(s: &str) -> Option<SealedField> {
        match s.trim() {
            "id_number" => Some(SealedField::IdNumber),
            "phone" => Some(SealedField::Phone),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            SealedField::IdNumber => "id_number",
            SealedField::Phone => "phone",
        }
    }
}

/// A home visit to record. It also counts as one 入户走访 activity of the
/// household's unit, with the household's members as participants.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub household: HouseholdId,
    pub date: time::Date,
    pub visitors: String,
    pub notes: Option<String>,
    /// Visit-tag dictionary keys, already checked.
    pub tags: Vec<String>,
    pub by: UserId,
}

#[derive(Debug, Clone, Serialize)]
pub struct Visit {
    pub id: VisitId,
    pub household: HouseholdId,
    #[serde(skip)]
    pub unit_id: UnitId,
    pub unit_code: UnitCode,
    pub unit_name: String,
    #[serde(skip)]
    pub ancestors: [Option<UnitId>; 5],
    /// `YYYY-MM-DD`
    pub date: String,
    pub visitors: String,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    /// Unix seconds of arrival at the server.
    pub created_at: i64,
    /// Unix seconds on the recording device when it was made there, if it said.
    pub made_at: Option<i64>,
}

/// Filters of a household list. Only plain columns are searched: the
/// address is sealed and never compared; member names are stored plain
/// (the list shows them), as are unit names.
#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    /// Part of a member's or the unit's name.
    pub text: Option<String>,
    /// `YYYY-MM-DD`: visited on or after this day.
    pub visited_from: Option<String>,
    /// `YYYY-MM-DD`: visited on or before this day.
    pub visited_to: Option<String>,
    /// Only households never visited.
    pub never_visited: bool,
    /// Keyset paging: only households older than this id.
    pub before: Option<i64>,
}
