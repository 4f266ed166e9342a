//! Page numbers of list pages: fetch one row more than shown to know
//! whether a next page exists, without counting.

use jinguo_store::model::Page;

/// Rows a list page shows.
pub const PER_PAGE: i64 = 50;

/// A 1-based page number from the address bar.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(transparent)]
pub struct PageNo(i64);

impl PageNo {
    pub fn new(n: Option<i64>) -> Self {
        PageNo(n.unwrap_or(1).clamp(1, 1_000_000))
    }

    /// The store page: this page's rows plus one.
    pub fn query(self) -> Page {
        Page::new(PER_PAGE + 1, (self.0 - 1) * PER_PAGE)
    }

    /// This page's rows and whether another page follows.
    pub fn split<T>(self, mut rows: Vec<T>) -> (Vec<T>, bool) {
        let more = rows.len() as i64 > PER_PAGE;
        rows.truncate(PER_PAGE as usize);
        (rows, more)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages() {
        let p = PageNo::new(Some(2));
        assert_eq!((p.query().limit, p.query().offset), (51, 50));
        let (rows, more) = p.split((0..51).collect::<Vec<_>>());
        assert_eq!((rows.len(), more), (50, true));
        assert_eq!(PageNo::new(Some(-3)).split(vec![1]), (vec![1], false));
    }
}
