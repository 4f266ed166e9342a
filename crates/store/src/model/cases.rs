//! Rights-protection cases as the rest of the program sees them.
//!
//! Two kinds of reads: [`CaseHead`] says whether and on what grounds a user
//! may open a case and carries nothing personal; [`CaseView`] is the opened
//! case, built only after the application has decided access and written
//! the access entry.

use jinguo_domain::case::{
    AccessVia, Agency, Assessment, CaseConsent, CaseSource, CaseStatus, CaseUrgency, Intake,
    OrderKind, OrderStatus, Outcome, PersonRole, ReferralStatus, RiskLevel, TeamRole,
};
use jinguo_domain::{CaseId, HelpId, HouseholdId, Sex, UnitCode, UnitId, UserId};
use serde::Serialize;

use super::UnitRef;

/// A case to record. The caller has parsed the intake against the type's
/// template and checked the unit and the team against the scope.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub unit: UnitId,
    pub intake: Intake,
    pub by: UserId,
    /// The team: the intake caseworker first; supervisors named or found.
    pub team: Vec<(UserId, TeamRole)>,
    /// Follow-up due dates from the template.
    pub follow_ups: Vec<time::Date>,
    pub opened_on: time::Date,
    /// Whether intake itself was a contact with the client (hotline,
    /// walk-in, home visit): then first contact is the intake date.
    pub contact_at_intake: bool,
    /// The public-page request this case takes over, if any.
    pub help_request: Option<HelpId>,
    pub household: Option<HouseholdId>,
}

/// What deciding access to a case needs, and nothing personal.
#[derive(Debug, Clone, Serialize)]
pub struct CaseHead {
    pub id: CaseId,
    pub number: String,
    pub unit: UnitRef,
    #[serde(skip)]
    pub ancestors: [Option<UnitId>; 5],
    pub status: CaseStatus,
    pub type_key: String,
    pub risk_level: Option<RiskLevel>,
    pub consent: CaseConsent,
    /// The asking user's places on the team.
    #[serde(skip)]
    pub roles_of_user: Vec<TeamRole>,
    /// Until when the asking user's break-the-glass grant runs, if it does.
    #[serde(skip)]
    pub glass_until: Option<i64>,
    #[serde(skip)]
    pub closure_requested_by: Option<UserId>,
}

/// A member of a case's team.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CaseTeamMember)]
pub struct TeamMember {
    pub user_id: UserId,
    pub username: String,
    pub unit_name: String,
    pub role: TeamRole,
}

/// A user who may join a case's team: holds the caseworker role at the
/// case's unit or one of its ancestors.
#[derive(Debug, Clone, Serialize)]
pub struct CaseworkerRef {
    pub user_id: UserId,
    pub username: String,
    pub unit_code: UnitCode,
    pub unit_name: String,
    /// Level of her unit: 1 is the region.
    pub level: u8,
}

/// The client, opened: the name in full, identity numbers masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CaseClientView)]
pub struct ClientView {
    pub name: String,
    pub sex: Sex,
    pub birth_year: Option<i32>,
    pub id_mask: Option<String>,
    pub phone_mask: Option<String>,
}

/// Another person on a case, opened.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CasePersonView)]
pub struct PersonView {
    pub role: PersonRole,
    pub name: String,
    pub sex: Option<Sex>,
    pub birth_year: Option<i32>,
    pub relation: Option<String>,
    pub guardian_given_by: Option<String>,
}

/// One risk assessment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CaseAssessmentView)]
pub struct AssessmentView {
    pub at: i64,
    pub by: Option<String>,
    pub answers: Vec<String>,
    pub score: i64,
    pub computed: RiskLevel,
    pub level: RiskLevel,
    pub override_reason: Option<String>,
}

/// A protection order or warning letter.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CaseOrderView)]
pub struct OrderView {
    pub id: i64,
    pub kind: OrderKind,
    pub status: OrderStatus,
    #[schema(format = Date)]
    pub on_date: String,
    pub at: i64,
}

/// A referral to a partner agency.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CaseReferralView)]
pub struct ReferralView {
    pub id: i64,
    pub agency: Agency,
    pub agency_name: String,
    pub status: ReferralStatus,
    pub note: Option<String>,
    /// Who sent it without the client's consent, if anyone did.
    pub override_by: Option<String>,
    pub override_reason: Option<String>,
    pub at: i64,
    pub updated_at: i64,
}

/// A follow-up, scheduled or done.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CaseFollowUpView)]
pub struct FollowUpView {
    pub id: i64,
    #[schema(format = Date)]
    pub due_on: Option<String>,
    #[schema(format = Date)]
    pub done_on: Option<String>,
    pub note: Option<String>,
    pub by: Option<String>,
    /// Scheduled, not done, and due before today.
    pub overdue: bool,
}

/// A step of a case's history; `detail` holds no personal data.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseEvent {
    pub at: i64,
    pub by: Option<String>,
    pub action: String,
    pub detail: String,
}

/// A case opened for someone entitled to it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CaseRecord)]
pub struct CaseView {
    pub id: CaseId,
    pub number: String,
    pub unit: UnitRef,
    pub source: CaseSource,
    #[serde(rename = "type")]
    pub type_key: String,
    pub urgency: CaseUrgency,
    pub status: CaseStatus,
    pub risk_level: Option<RiskLevel>,
    pub client: ClientView,
    pub people: Vec<PersonView>,
    pub narrative: String,
    pub safety_plan: Option<String>,
    pub consent: CaseConsent,
    #[schema(format = Date)]
    pub opened_on: String,
    #[schema(format = Date)]
    pub first_contact_on: Option<String>,
    #[schema(format = Date)]
    pub closed_on: Option<String>,
    pub outcome: Option<Outcome>,
    pub close_reason: Option<String>,
    pub closure_requested_by: Option<String>,
    pub help_request: Option<HelpId>,
    pub team: Vec<TeamMember>,
    pub assessments: Vec<AssessmentView>,
    pub orders: Vec<OrderView>,
    pub referrals: Vec<ReferralView>,
    pub follow_ups: Vec<FollowUpView>,
    pub events: Vec<CaseEvent>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A line of a case list: nothing sealed is opened for it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseSummary {
    pub id: CaseId,
    pub number: String,
    pub unit_code: UnitCode,
    pub unit_name: String,
    #[serde(rename = "type")]
    pub type_key: String,
    pub source: CaseSource,
    pub urgency: CaseUrgency,
    pub status: CaseStatus,
    pub risk_level: Option<RiskLevel>,
    /// The client's masked name (`王**`).
    pub client: String,
    #[schema(format = Date)]
    pub opened_on: String,
    /// Scheduled follow-ups not done and past due.
    pub overdue_follow_ups: i64,
    pub updated_at: i64,
}

/// Filters of a case list. Only plain columns are compared: nothing
/// sealed (names, identity numbers, the account) is searched.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    /// Dictionary key of the case type, exactly.
    pub type_key: Option<String>,
    pub risk_level: Option<RiskLevel>,
    /// `YYYY-MM-DD`: opened on or after.
    pub opened_from: Option<String>,
    /// `YYYY-MM-DD`: opened on or before.
    pub opened_to: Option<String>,
    /// Keyset paging: only cases older than this id.
    pub before: Option<i64>,
}

/// One entry of a case's access log ("who viewed this").
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CaseAccessEntry)]
pub struct CaseAccess {
    pub at: i64,
    pub username: String,
    pub unit_name: String,
    pub action: String,
    pub via: AccessVia,
}

/// An alert for one user (a supervisor), naming the case by number only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseAlert {
    pub id: i64,
    pub case_id: CaseId,
    pub number: String,
    /// `risk_high`, `risk_critical`, `glass`, or a workflow alert.
    pub kind: String,
    pub created_at: i64,
    pub read: bool,
}

/// An assessment to record.
#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub assessment: Assessment,
    pub by: UserId,
    /// Today: the first contact, if none is recorded yet.
    pub on: time::Date,
}

/// A sealed field of a case that can be revealed with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseSealedField {
    IdNumber,
    Phone,
}

impl CaseSealedField {
    pub fn parse(s: &str) -> Option<CaseSealedField> {
        match s.trim() {
            "id_number" => Some(CaseSealedField::IdNumber),
            "phone" => Some(CaseSealedField::Phone),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            CaseSealedField::IdNumber => "id_number",
            CaseSealedField::Phone => "phone",
        }
    }
}
