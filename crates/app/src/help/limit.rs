//! Per-address rate limits of the public help page, kept in the database
//! (table `help_limit_hits`, migration 0019): a restart does not lift them
//! and several servers share them. The address is stored only as a keyed
//! blind index (see `HelpStore::limit_hits`); nothing about a person is
//! kept.

use std::collections::VecDeque;

use jinguo_store::HelpStore;

/// What is being counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    Submit,
    Lookup,
}

impl Bucket {
    fn as_str(self) -> &'static str {
        match self {
            Bucket::Submit => "submit",
            Bucket::Lookup => "lookup",
        }
    }
}

const DAY: i64 = 86_400;

/// Whether one more hit of `client` at `now` keeps within every limit
/// `(window seconds, most hits)`; counts nothing. A database that cannot
/// be read lets the hit through (and says so in the log): the signed
/// challenge still stands guard, and a woman asking for help is not
/// turned away by an outage.
pub async fn allows(
    store: &dyn HelpStore,
    bucket: Bucket,
    client: &str,
    now: i64,
    limits: &[(i64, usize)],
) -> bool {
    match store.limit_hits(bucket.as_str(), client, now - DAY).await {
        Ok(times) => under(&times.into(), now, limits),
        Err(e) => {
            tracing::warn!(error = %e, "help limits could not be read");
            true
        }
    }
}

/// Counts a hit that went through.
pub async fn count(store: &dyn HelpStore, bucket: Bucket, client: &str, now: i64) {
    if let Err(e) = store.record_limit_hit(bucket.as_str(), client, now).await {
        tracing::warn!(error = %e, "a help limit hit could not be counted");
    }
}

/// [`allows`], and counts the hit when it does. Refused hits are not
/// counted, so waiting always helps.
pub async fn hit(
    store: &dyn HelpStore,
    bucket: Bucket,
    client: &str,
    now: i64,
    limits: &[(i64, usize)],
) -> bool {
    let allowed = allows(store, bucket, client, now, limits).await;
    if allowed {
        count(store, bucket, client, now).await;
    }
    allowed
}

fn under(times: &VecDeque<i64>, now: i64, limits: &[(i64, usize)]) -> bool {
    limits
        .iter()
        .all(|(window, most)| times.iter().filter(|t| **t > now - window).count() < *most)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        let limits = [(600, 2), (DAY, 3)];
        let at = |v: &[i64]| v.iter().copied().collect::<VecDeque<_>>();
        assert!(under(&at(&[]), 0, &limits));
        assert!(under(&at(&[0]), 1, &limits));
        assert!(!under(&at(&[0, 1]), 2, &limits));
        // Ten minutes on, the short window is free, the day is not.
        assert!(under(&at(&[0, 1]), 700, &limits));
        assert!(!under(&at(&[0, 1, 700]), 1400, &limits));
    }
}
