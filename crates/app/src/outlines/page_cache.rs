//! The figures of the attainment pages, kept between requests.
//!
//! A region's page puts 153 indicators beside a dozen leagues for the year,
//! last year and the baseline: computing it reads thousands of kept
//! roll-ups and takes tens of milliseconds, and it changes only when an
//! approval, a target, the catalogue or the tree changes. Those changes
//! move the database's `outline_version` in their own transaction (by
//! triggers, migration 0045), so a page kept with the version it was
//! computed at is current exactly while the database still has that
//! version — also when another server process made the change. One small
//! read of the version per request decides.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use jinguo_domain::UnitId;

use super::figures::Figures;

/// Pages kept at most; a federation office looks at a few dozen units.
const MAX_PAGES: usize = 128;

/// A page's figures with the version they were computed at.
type Kept = (i64, Arc<Figures>);

#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<(UnitId, i32), Kept>>,
}

impl PageCache {
    /// The page of `unit` for `year` if it was computed at `version`.
    pub fn get(&self, unit: UnitId, year: i32, version: i64) -> Option<Arc<Figures>> {
        let pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        match pages.get(&(unit, year)) {
            Some((v, f)) if *v == version => Some(f.clone()),
            _ => None,
        }
    }

    /// Keeps a page computed from data read after the version was
    /// `version` (never older, so it is never shown for a later version).
    pub fn put(&self, unit: UnitId, year: i32, version: i64, figures: Arc<Figures>) {
        let mut pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        // Pages of an older version are of no more use.
        pages.retain(|_, (v, _)| *v >= version);
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert((unit, year), (version, figures));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jinguo_domain::Level;
    use jinguo_store::model::UnitRef;

    fn page(year: i32) -> Arc<Figures> {
        Arc::new(Figures {
            unit: UnitRef {
                id: UnitId::new(1),
                code: jinguo_domain::UnitCode::parse("150000000000").unwrap(),
                name: "内蒙古自治区".into(),
                level: Level::REGION,
            },
            year,
            children: Vec::new(),
            rows: Vec::new(),
            domains: Vec::new(),
        })
    }

    #[test]
    fn a_page_is_served_only_at_the_version_it_was_computed_at() {
        let cache = PageCache::default();
        let unit = UnitId::new(1);
        assert!(cache.get(unit, 2025, 7).is_none());
        cache.put(unit, 2025, 7, page(2025));
        assert_eq!(cache.get(unit, 2025, 7).unwrap().year, 2025);
        assert!(
            cache.get(unit, 2025, 8).is_none(),
            "a change moved the version"
        );
        assert!(cache.get(unit, 2024, 7).is_none(), "another year");
        cache.put(UnitId::new(2), 2025, 8, page(2025));
        assert!(
            cache.get(unit, 2025, 7).is_none(),
            "older pages are dropped when a newer one is kept"
        );
    }
}
