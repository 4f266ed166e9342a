//! Women's Homes (妇女之家) and their coverage roll-up.

use jinguo_domain::home::HomeFields;
use jinguo_domain::{HomeId, UnitId, UnitKind, UserId};
use serde::Serialize;

use crate::model::UnitRef;

/// A registered home with the unit it belongs to.
#[derive(Debug, Clone)]
pub struct Home {
    pub id: HomeId,
    pub unit: UnitRef,
    pub unit_kind: UnitKind,
    /// Ancestors of the unit when the home was last written.
    pub ancestors: [Option<UnitId>; 5],
    pub fields: HomeFields,
    pub photo: Option<HomePhoto>,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A home's one photo: the random file name under the data directory and
/// the type found when it was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomePhoto {
    pub storage_name: String,
    pub content_type: String,
}

/// A home to register; the caller has checked the facility keys.
#[derive(Debug, Clone)]
pub struct NewHome {
    pub unit: UnitId,
    pub fields: HomeFields,
    pub by: Option<UserId>,
    /// A photo whose file is already written, saved with the row.
    pub photo: Option<HomePhoto>,
}

/// Homes and village coverage of one unit's subtree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CoverageCounts {
    pub active_homes: i64,
    /// Active geographic villages (level 5) in the subtree.
    pub villages: i64,
    /// Of those, villages with at least one active home.
    pub covered_villages: i64,
}

impl CoverageCounts {
    /// Covered share of villages in percent, one decimal; `None` without
    /// villages (a sector organisation, a unit whose villages are retired).
    pub fn coverage_pct(&self) -> Option<f64> {
        (self.villages > 0)
            .then(|| (self.covered_villages as f64 * 1000.0 / self.villages as f64).round() / 10.0)
    }
}

/// A unit's coverage with that of each active child, read from the
/// counters and the tree.
#[derive(Debug, Clone, Serialize)]
pub struct HomeCoverage {
    pub unit: UnitRef,
    pub counts: CoverageCounts,
    pub children: Vec<(UnitRef, CoverageCounts)>,
}

/// What the public help page shows of a home: where, when and how to
/// reach it, nothing about who registered it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicHome {
    pub name: String,
    /// The name in traditional Mongolian, when one was given.
    pub name_mn: Option<String>,
    pub address: String,
    pub hours: Option<String>,
    pub phone: Option<String>,
    pub facilities: Vec<String>,
}

/// Filters of a home list: name or address (public facts of a public
/// place), status, and keyset paging.
#[derive(Debug, Clone, Default)]
pub struct HomeFilter {
    /// Part of the home's name or address.
    pub text: Option<String>,
    pub status: Option<jinguo_domain::home::HomeStatus>,
    /// Keyset paging: only homes older than this id.
    pub before: Option<i64>,
}
