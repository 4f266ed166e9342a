//! Family-education sites, their coverage and the counsellors' roster.

use jinguo_domain::family_site::{CounsellorId, FamilySiteId, SiteFields, SiteKind, SiteStatus};
use jinguo_domain::{UnitId, UnitKind, UserId};

use crate::model::UnitRef;
pub use crate::sql::coverage::Coverage;

/// A registered site with the unit it belongs to.
#[derive(Debug, Clone)]
pub struct FamilySite {
    pub id: FamilySiteId,
    pub unit: UnitRef,
    pub unit_kind: UnitKind,
    /// Ancestors of the unit when the site was last written.
    pub ancestors: [Option<UnitId>; 5],
    pub fields: SiteFields,
    /// Guidance sessions recorded at the site, kept with each one.
    pub sessions: i64,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A site to register.
#[derive(Debug, Clone)]
pub struct NewSite {
    pub unit: UnitId,
    pub fields: SiteFields,
    pub by: Option<UserId>,
}

/// Filters of a site list: name or address (public facts of a public
/// place), kind, status, and keyset paging.
#[derive(Debug, Clone, Default)]
pub struct SiteFilter {
    pub text: Option<String>,
    pub kind: Option<SiteKind>,
    pub status: Option<SiteStatus>,
    /// Keyset paging: only sites older than this id.
    pub before: Option<i64>,
}

/// A unit's coverage with that of each active child, from the counters.
#[derive(Debug, Clone)]
pub struct SiteCoverage {
    pub unit: UnitRef,
    pub counts: Coverage,
    pub children: Vec<(UnitRef, Coverage)>,
}

/// A counsellor on the roster, the name opened for the reader.
#[derive(Debug, Clone)]
pub struct Counsellor {
    pub id: CounsellorId,
    /// The unit whose roster holds her.
    pub unit: UnitRef,
    pub ancestors: [Option<UnitId>; 5],
    pub name: String,
    pub qualification: Option<String>,
    /// The sites she serves, by id, with their names.
    pub sites: Vec<(FamilySiteId, String)>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A counsellor to add to the roster of a unit.
#[derive(Debug, Clone)]
pub struct NewCounsellor {
    pub unit: UnitId,
    pub fields: jinguo_domain::family_site::CounsellorFields,
    pub by: Option<UserId>,
}

/// One unit's family-work numbers for a year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FamilyNumbers {
    /// Counter dimensions (`nom:<status>:<level>`, `hon:<category>`,
    /// `obj:raised`, `obj:upheld`) → count; zeros left out.
    pub dims: std::collections::BTreeMap<String, i64>,
    /// Sites and coverage as they stand.
    pub sites: Coverage,
    /// Guidance sessions (activities of a session type) dated in the year.
    pub sessions: i64,
}

impl FamilyNumbers {
    /// The sum of the dimensions starting with `prefix`.
    pub fn sum(&self, prefix: &str) -> i64 {
        self.dims
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn get(&self, dim: &str) -> i64 {
        self.dims.get(dim).copied().unwrap_or(0)
    }
}

/// A unit's family-work figures with those of each active child.
#[derive(Debug, Clone)]
pub struct FamilyFigures {
    pub unit: UnitRef,
    pub year: i32,
    pub own: FamilyNumbers,
    pub children: Vec<(UnitRef, FamilyNumbers)>,
}
