//! Grassroots federations, their committees and elections, and coverage.

use std::collections::BTreeMap;

use jinguo_domain::organisation::{
    AgeBand, Committee, CommitteeRole, Education, ElectionFields, Ethnicity, OrgFields, OrgKind,
    Political, SectorField, Term,
};
use jinguo_domain::{CommitteeMemberId, ElectionId, OrganisationId, Sex, UnitId, UnitKind, UserId};
use serde::Serialize;
use time::Date;

use crate::model::UnitRef;

/// An organisation with its unit and current term.
#[derive(Debug, Clone)]
pub struct Organisation {
    pub id: OrganisationId,
    pub unit: UnitRef,
    pub unit_kind: UnitKind,
    pub ancestors: [Option<UnitId>; 5],
    pub fields: OrgFields,
    pub term: Term,
    /// The election whose committee is the current one.
    pub election: Option<ElectionId>,
    /// Counted from the current committee.
    pub members: i64,
    pub complete: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An organisation to create with its first term and committee.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub unit: UnitId,
    pub fields: OrgFields,
    pub term: Term,
    pub committee: Committee,
    pub by: Option<UserId>,
}

/// A member of a committee as stored, her name and phone opened.
#[derive(Debug, Clone, Serialize)]
pub struct CommitteeMember {
    pub id: CommitteeMemberId,
    pub role: CommitteeRole,
    pub name: String,
    /// Masked (`138****5678`).
    pub phone_masked: Option<String>,
    pub sex: Sex,
    pub ethnicity: Ethnicity,
    pub birth_year: i32,
    pub education: Education,
    pub political: Political,
    pub full_time: bool,
    pub on_village_committee: bool,
}

/// One committee an organisation had: the first or an election's.
#[derive(Debug, Clone)]
pub struct Election {
    pub id: ElectionId,
    pub held_on: Date,
    pub term_years: i64,
    pub next_election_due: Date,
    pub note: Option<String>,
    /// The committee recorded with the organisation itself.
    pub first: bool,
    pub members: i64,
    pub recorded_at: i64,
}

/// An election to record: the new term and committee replace the current
/// ones in one transaction.
#[derive(Debug, Clone)]
pub struct NewElection {
    pub fields: ElectionFields,
    pub by: Option<UserId>,
}

/// A term past its due date, told to the unit above.
#[derive(Debug, Clone)]
pub struct TermNotice {
    pub id: i64,
    pub organisation: OrganisationId,
    pub organisation_name: String,
    pub unit: UnitRef,
    pub due: Date,
    /// Whether the term is still overdue (no election recorded since).
    pub still_overdue: bool,
    pub created_at: i64,
}

/// Counts of one subtree, from the counters (and, for overdue terms, from
/// the dates at read time).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgCounts {
    /// Organisations of every kind.
    pub organisations: i64,
    /// Active geographic villages (level 5) in the subtree.
    pub villages: i64,
    /// Villages (communities) with their own federation.
    pub village_organisations: i64,
    pub sector_organisations: i64,
    /// A chair and at least the minimum number of members.
    pub complete_committees: i64,
    /// Terms past their due date today.
    pub overdue_terms: i64,
    pub members: i64,
    pub full_time_members: i64,
    /// Chairs of village (community) federations, and of those the ones
    /// who also sit on the village committee.
    pub village_chairs: i64,
    pub village_chairs_on_committee: i64,
    pub by_ethnicity: BTreeMap<String, i64>,
    pub by_education: BTreeMap<String, i64>,
    pub by_age_band: BTreeMap<String, i64>,
    pub sectors_by_field: BTreeMap<String, i64>,
}

fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

impl OrgCounts {
    /// Villages with a federation, percent with one decimal.
    pub fn established_pct(&self) -> Option<f64> {
        pct(self.village_organisations, self.villages)
    }

    /// Village chairs on the village committee, percent.
    pub fn chairs_on_committee_pct(&self) -> Option<f64> {
        pct(self.village_chairs_on_committee, self.village_chairs)
    }

    /// Folds one counter row in; birth years become age bands in `year`.
    pub(crate) fn add(&mut self, dim: &str, key: &str, n: i64, year: i32) {
        match (dim, key) {
            ("org", "all") => self.organisations += n,
            ("org", "village") => self.village_organisations += n,
            ("org", "sector") => self.sector_organisations += n,
            ("org", "complete") => self.complete_committees += n,
            ("org", "members") => self.members += n,
            ("org", "full_time") => self.full_time_members += n,
            ("org", "village_chair") => self.village_chairs += n,
            ("org", "village_chair_vc") => self.village_chairs_on_committee += n,
            ("eth", k) => *self.by_ethnicity.entry(k.to_owned()).or_default() += n,
            ("edu", k) => *self.by_education.entry(k.to_owned()).or_default() += n,
            ("field", k) => *self.sectors_by_field.entry(k.to_owned()).or_default() += n,
            ("born", k) => {
                if let Ok(y) = k.parse::<i32>() {
                    let band = AgeBand::of(y, year).as_str();
                    *self.by_age_band.entry(band.to_owned()).or_default() += n;
                }
            }
            _ => {}
        }
    }

    /// Every known key present, with zeros, so tables and exports have
    /// the same columns whatever was counted.
    pub(crate) fn fill_keys(&mut self) {
        for e in Ethnicity::ALL {
            self.by_ethnicity.entry(e.as_str().to_owned()).or_default();
        }
        for e in Education::ALL {
            self.by_education.entry(e.as_str().to_owned()).or_default();
        }
        for b in AgeBand::ALL {
            self.by_age_band.entry(b.as_str().to_owned()).or_default();
        }
        for f in SectorField::ALL {
            self.sectors_by_field
                .entry(f.as_str().to_owned())
                .or_default();
        }
    }
}

/// A unit's coverage with that of each active child.
#[derive(Debug, Clone, Serialize)]
pub struct OrgCoverage {
    pub unit: UnitRef,
    pub counts: OrgCounts,
    pub children: Vec<(UnitRef, OrgCounts)>,
}

/// What an organisation adds to the counters of each ancestor of its unit,
/// as (dimension, key) → count.
pub(crate) fn facts(
    kind: OrgKind,
    field: Option<SectorField>,
    committee: &[(CommitteeRole, Ethnicity, Education, i32, bool, bool)],
    complete: bool,
) -> BTreeMap<(&'static str, String), i64> {
    let mut m: BTreeMap<(&'static str, String), i64> = BTreeMap::new();
    let mut add = |dim: &'static str, key: String, n: i64| {
        *m.entry((dim, key)).or_default() += n;
    };
    add("org", "all".into(), 1);
    if kind.is_village() {
        add("org", "village".into(), 1);
    }
    if kind == OrgKind::Sector {
        add("org", "sector".into(), 1);
        if let Some(f) = field {
            add("field", f.as_str().into(), 1);
        }
    }
    if complete {
        add("org", "complete".into(), 1);
    }
    for (role, eth, edu, born, full_time, on_vc) in committee {
        add("org", "members".into(), 1);
        if *full_time {
            add("org", "full_time".into(), 1);
        }
        add("eth", eth.as_str().into(), 1);
        add("edu", edu.as_str().into(), 1);
        add("born", born.to_string(), 1);
        if kind.is_village() && *role == CommitteeRole::Chair {
            add("org", "village_chair".into(), 1);
            if *on_vc {
                add("org", "village_chair_vc".into(), 1);
            }
        }
    }
    m
}
