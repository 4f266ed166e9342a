//! Per-address rate limits, in memory: a restart forgets them, which is
//! fine for holding off a flood; nothing about a person is kept.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// What is being counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    Submit,
    Lookup,
}

const DAY: i64 = 86_400;
/// Past this many addresses, stale entries are swept on the next call.
const SWEEP_AT: usize = 10_000;

#[derive(Default)]
pub struct RateLimiter {
    hits: Mutex<HashMap<(Bucket, String), VecDeque<i64>>>,
}

impl RateLimiter {
    /// Counts one hit of `ip` at `now` unless that would break a limit
    /// `(window seconds, most hits)`; returns whether it was allowed.
    /// Refused hits are not counted, so waiting always helps.
    pub fn hit(&self, bucket: Bucket, ip: &str, now: i64, limits: &[(i64, usize)]) -> bool {
        let mut map = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > SWEEP_AT {
            map.retain(|_, v| v.back().is_some_and(|t| *t > now - DAY));
        }
        let times = map.entry((bucket, ip.to_owned())).or_default();
        while times.front().is_some_and(|t| *t <= now - DAY) {
            times.pop_front();
        }
        let allowed = limits
            .iter()
            .all(|(window, most)| times.iter().filter(|t| **t > now - window).count() < *most);
        if allowed {
            times.push_back(now);
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        let l = RateLimiter::default();
        let limits = [(600, 2), (DAY, 3)];
        assert!(l.hit(Bucket::Submit, "a", 0, &limits));
        assert!(l.hit(Bucket::Submit, "a", 1, &limits));
        assert!(!l.hit(Bucket::Submit, "a", 2, &limits));
        // Another address and another bucket count apart.
        assert!(l.hit(Bucket::Submit, "b", 2, &limits));
        assert!(l.hit(Bucket::Lookup, "a", 2, &limits));
        // Ten minutes on, the short window is free, the day is not.
        assert!(l.hit(Bucket::Submit, "a", 700, &limits));
        assert!(!l.hit(Bucket::Submit, "a", 1400, &limits));
        assert!(l.hit(Bucket::Submit, "a", DAY + 1, &limits));
    }
}
