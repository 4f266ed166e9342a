//! The public help page (no login): a woman picks her village, a category
//! and describes her problem; she gets a tracking code. Abuse is held off
//! without third-party services: per-address rate limits
//! kept in the database ([`limit`]), a honeypot field, and a signed challenge that
//! the page's script answers with a small proof of work, or, with
//! JavaScript off, a sum ([`challenge::Challenges`]).

pub mod challenge;
pub mod limit;
pub mod submit;

use std::sync::Arc;

/// Where the public form posts; the CSRF guard lets it through (see
/// [`crate::auth::csrf::guard`]).
pub const FORM_PATH: &str = "/help";
/// Where the public lookup form posts, exempt the same way.
pub const TRACK_PATH: &str = "/help/track";

/// Limits and the quick exit, from the configuration.
#[derive(Debug, Clone)]
pub struct HelpSettings {
    /// Where the quick-exit button goes: a neutral page that says nothing
    /// about what was open before.
    pub exit_url: String,
    /// Leading zero bits the proof of work must reach; 16 takes a cheap
    /// phone well under a second.
    pub pow_bits: u32,
    /// Submissions per address in ten minutes, and in a day.
    pub submits_per_10min: usize,
    pub submits_per_day: usize,
    /// Lookups of a tracking code (and challenges fetched) per address in
    /// ten minutes.
    pub lookups_per_10min: usize,
}

impl Default for HelpSettings {
    fn default() -> Self {
        HelpSettings {
            exit_url: "about:blank".into(),
            pow_bits: 16,
            submits_per_10min: 5,
            submits_per_day: 20,
            lookups_per_10min: 60,
        }
    }
}

/// What the page keeps in memory: the challenge secret (the limits are
/// kept in the database, see [`limit`]).
pub struct HelpGuard {
    pub challenges: challenge::Challenges,
}

impl HelpGuard {
    pub fn new() -> Arc<HelpGuard> {
        Arc::new(HelpGuard {
            challenges: challenge::Challenges::new(),
        })
    }
}
