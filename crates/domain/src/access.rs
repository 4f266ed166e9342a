//! What each role may do: one table, role → capabilities.
//!
//! The route table names the capability a route needs and one layer checks
//! it (`jinguo_app::routes`); the authorization matrix test reads this table
//! to know what every role should get. Scope (which units) is a separate
//! question, answered by the store: a capability says *what*, the scope
//! says *where*.
//!
//! Separation of duties as MLPS level 3 (GB/T 22239-2019) expects: the
//! auditor reads the audit log and de-identified figures and changes
//! nothing; an administrator manages accounts but never reads the audit
//! log, so nobody reviews her own actions; a user may not hold both roles.

use serde::Serialize;

use crate::{FieldError, Role, Roles};

/// One thing a user may do within her subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Dashboards, roll-ups, the deeds ledger, coverage and case
    /// statistics: counts only, with small cells suppressed.
    ReadFigures,
    /// Work records without personal data: activities and their photos,
    /// tasks, reports and attachments, Women's Homes.
    ReadRecords,
    /// Record and change the work: activities, tasks and reports, homes,
    /// households, visits and needs.
    RecordWork,
    /// Households, members, visit notes and need descriptions: personal
    /// data, shown masked, revealed with a reason.
    ReadPersonal,
    /// Rights requests from the public help page.
    TakeIntake,
    /// See the case pages and open a case the user may open (on its team,
    /// or under a break-the-glass grant); anyone else gets 404 per case.
    OpenCases,
    /// Record cases and work the ones whose team she is on.
    WorkCases,
    /// Break the glass: read a case of the subtree for three hours with a
    /// reason, the supervisors alerted.
    BreakGlass,
    /// User accounts and sector organisations of the subtree.
    ManageUsers,
    /// The dictionaries (activity types, programmes, …): at the region.
    EditDictionaries,
    /// The audit log of the subtree.
    ReadAudit,
    /// Edit and accept the Mongolian of the interface: at the region, for
    /// everyone, so the translation page asks for the region.
    ReviewTranslations,
    /// Report the outline indicators of her own department for her own
    /// unit, and hand the report in (department reporters only).
    ReportIndicators,
    /// The outline monitoring office (妇儿工委办公室, housed in the
    /// federation): the indicator catalogue (at the region), targets of
    /// the subtree, and checking the departments' reports.
    ManageOutlines,
}

impl Capability {
    pub const ALL: [Capability; 14] = [
        Capability::ReadFigures,
        Capability::ReadRecords,
        Capability::RecordWork,
        Capability::ReadPersonal,
        Capability::TakeIntake,
        Capability::OpenCases,
        Capability::WorkCases,
        Capability::BreakGlass,
        Capability::ManageUsers,
        Capability::EditDictionaries,
        Capability::ReadAudit,
        Capability::ReviewTranslations,
        Capability::ReportIndicators,
        Capability::ManageOutlines,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Capability::ReadFigures => "read_figures",
            Capability::ReadRecords => "read_records",
            Capability::RecordWork => "record_work",
            Capability::ReadPersonal => "read_personal",
            Capability::TakeIntake => "take_intake",
            Capability::OpenCases => "open_cases",
            Capability::WorkCases => "work_cases",
            Capability::BreakGlass => "break_glass",
            Capability::ManageUsers => "manage_users",
            Capability::EditDictionaries => "edit_dictionaries",
            Capability::ReadAudit => "read_audit",
            Capability::ReviewTranslations => "review_translations",
            Capability::ReportIndicators => "report_indicators",
            Capability::ManageOutlines => "manage_outlines",
        }
    }
}

use Capability as C;

/// The table. Reading down a column of the README's matrix gives a row here.
const TABLE: [(Role, &[Capability]); 6] = [
    (
        Role::Admin,
        &[
            C::ReadFigures,
            C::ReadRecords,
            C::RecordWork,
            C::ReadPersonal,
            C::TakeIntake,
            C::OpenCases,
            C::BreakGlass,
            C::ManageUsers,
            C::EditDictionaries,
            C::ManageOutlines,
        ],
    ),
    (
        Role::Cadre,
        &[
            C::ReadFigures,
            C::ReadRecords,
            C::RecordWork,
            C::ReadPersonal,
        ],
    ),
    (
        Role::Caseworker,
        &[
            C::ReadFigures,
            C::ReadRecords,
            C::ReadPersonal,
            C::TakeIntake,
            C::OpenCases,
            C::WorkCases,
        ],
    ),
    (Role::Auditor, &[C::ReadFigures, C::ReadAudit]),
    (Role::Translator, &[C::ReviewTranslations]),
    // Nothing personal, no figures of the federation's work: her own
    // department's indicators at her own unit, nothing else.
    (Role::Department, &[C::ReportIndicators]),
];

/// Roles that one user may not hold together.
pub const EXCLUSIVE: [(Role, Role); 1] = [(Role::Admin, Role::Auditor)];

impl Role {
    /// What this role may do.
    pub fn capabilities(self) -> &'static [Capability] {
        TABLE
            .iter()
            .find(|(r, _)| *r == self)
            .map(|(_, caps)| *caps)
            .unwrap_or(&[])
    }

    pub fn can(self, cap: Capability) -> bool {
        self.capabilities().contains(&cap)
    }
}

/// A set of capabilities, small and `Copy` so a scope can carry the
/// capabilities of the actor it was minted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CapSet(u16);

impl CapSet {
    /// Every capability: what the system itself (CLI, demo, bench) holds.
    pub const ALL: CapSet = CapSet((1 << Capability::ALL.len()) - 1);

    pub const fn contains(self, cap: Capability) -> bool {
        self.0 & (1 << cap as u16) != 0
    }

    pub fn of(roles: &Roles) -> CapSet {
        CapSet(
            roles
                .iter()
                .flat_map(|r| r.capabilities())
                .fold(0, |bits, c| bits | 1 << *c as u16),
        )
    }
}

impl Roles {
    /// Whether any of the roles grants the capability.
    pub fn can(&self, cap: Capability) -> bool {
        self.iter().any(|r| r.can(cap))
    }

    /// Refuses a combination that breaks separation of duties (an
    /// administrator who would audit her own actions).
    pub fn check_separation(&self) -> Result<(), FieldError> {
        if EXCLUSIVE
            .iter()
            .any(|(a, b)| self.contains(*a) && self.contains(*b))
        {
            Err(FieldError::new("roles", "err.role.separation"))
        } else if self.contains(Role::Department) && self.iter().count() > 1 {
            // A department reporter works for another organisation: her
            // account holds no federation role beside it.
            Err(FieldError::new("roles", "err.outline.department_alone"))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_row() {
        for r in Role::ALL {
            assert!(!r.capabilities().is_empty(), "{r:?} has no capabilities");
        }
    }

    #[test]
    fn the_auditor_reads_the_log_and_figures_only() {
        assert_eq!(
            Role::Auditor.capabilities(),
            &[C::ReadFigures, C::ReadAudit]
        );
        for r in Role::ALL {
            if r != Role::Auditor {
                assert!(!r.can(C::ReadAudit), "{r:?} reads the audit log");
            }
        }
    }

    #[test]
    fn capability_sets_follow_the_table() {
        let caseworker = CapSet::of(&Roles::new(vec![Role::Caseworker]).unwrap());
        assert!(caseworker.contains(C::WorkCases));
        assert!(!caseworker.contains(C::RecordWork));
        for c in Capability::ALL {
            assert!(CapSet::ALL.contains(c));
        }
    }

    #[test]
    fn a_department_reporter_reports_and_reads_nothing_else() {
        assert_eq!(Role::Department.capabilities(), &[C::ReportIndicators]);
        for r in Role::ALL {
            if r != Role::Department {
                assert!(!r.can(C::ReportIndicators), "{r:?} reports indicators");
            }
        }
        assert!(Role::Admin.can(C::ManageOutlines));
    }

    #[test]
    fn admin_and_auditor_are_not_one_person() {
        let both = Roles::new(vec![Role::Admin, Role::Auditor]).unwrap();
        assert!(both.check_separation().is_err());
        let fine = Roles::new(vec![Role::Admin, Role::Cadre]).unwrap();
        assert!(fine.check_separation().is_ok());
        let mixed = Roles::new(vec![Role::Cadre, Role::Department]).unwrap();
        assert_eq!(
            mixed.check_separation().unwrap_err().key,
            "err.outline.department_alone"
        );
        let alone = Roles::new(vec![Role::Department]).unwrap();
        assert!(alone.check_separation().is_ok());
    }
}
