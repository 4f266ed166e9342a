//! Signed challenges: the form carries `expires.salt.mac`, where the MAC is
//! HMAC-SHA256 under a secret drawn when the process starts. The page's
//! script finds a nonce so that SHA-256(challenge ‖ nonce) has enough
//! leading zero bits; without JavaScript the form asks a small sum derived
//! from the same secret and salt, so its answer is bound to the challenge
//! without being written in it. A challenge is good for 30 minutes and for
//! one accepted request.

use crate::auth::token::hex;
use std::collections::HashMap;
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::Sha256;

use crate::auth::token::constant_time_eq;

/// How long a challenge stays good.
pub const LIFETIME_SECS: i64 = 30 * 60;

/// How a request answers its challenge.
pub enum Proof<'a> {
    /// The nonce the script found.
    Work(&'a str),
    /// The sum typed in, with JavaScript off.
    Sum(&'a str),
}

/// Why a challenge was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Missing, malformed or not signed by this process.
    Invalid,
    /// Older than [`LIFETIME_SECS`] (or signed before a restart).
    Expired,
    /// Already used by an accepted request.
    Used,
    /// The work or the sum is wrong.
    WrongAnswer,
}

pub struct Challenges {
    secret: [u8; 32],
    /// Salts of accepted challenges until they expire.
    used: Mutex<HashMap<String, i64>>,
}

impl Challenges {
    pub fn new() -> Self {
        let mut secret = [0u8; 32];
        OsRng.fill_bytes(&mut secret);
        Challenges {
            secret,
            used: Mutex::default(),
        }
    }

    fn mac(&self, parts: &[&str]) -> [u8; 32] {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        for p in parts {
            m.update(p.as_bytes());
            m.update(b"\n");
        }
        m.finalize().into_bytes().into()
    }

    /// A fresh challenge, good until `now` + [`LIFETIME_SECS`].
    pub fn issue(&self, now: i64) -> String {
        let mut salt = [0u8; 12];
        OsRng.fill_bytes(&mut salt);
        let expires = (now + LIFETIME_SECS).to_string();
        let salt = hex(&salt);
        let mac = hex(&self.mac(&["challenge", &expires, &salt])[..16]);
        format!("{expires}.{salt}.{mac}")
    }

    fn parts(challenge: &str) -> Option<(i64, &str, &str)> {
        let mut it = challenge.split('.');
        let (expires, salt, mac) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || salt.len() != 24 || mac.len() != 32 {
            return None;
        }
        Some((expires.parse().ok()?, salt, mac))
    }

    /// The two numbers of the sum asked with JavaScript off.
    pub fn question(&self, challenge: &str) -> Option<(u32, u32)> {
        let (_, salt, _) = Self::parts(challenge)?;
        let d = self.mac(&["question", salt]);
        Some((2 + u32::from(d[0] % 8), 1 + u32::from(d[1] % 9)))
    }

    /// Checks a challenge and its proof; on success the challenge is spent.
    pub fn accept(
        &self,
        challenge: &str,
        proof: Proof<'_>,
        bits: u32,
        now: i64,
    ) -> Result<(), Refusal> {
        let (expires, salt, mac) = Self::parts(challenge).ok_or(Refusal::Invalid)?;
        let want = hex(&self.mac(&["challenge", &expires.to_string(), salt])[..16]);
        if !constant_time_eq(mac, &want) {
            return Err(Refusal::Invalid);
        }
        if expires < now {
            return Err(Refusal::Expired);
        }
        let right = match proof {
            Proof::Work(nonce) => jinguo_domain::help::pow_ok(challenge, nonce, bits),
            Proof::Sum(answer) => {
                let (a, b) = self.question(challenge).ok_or(Refusal::Invalid)?;
                answer.trim().parse::<u32>().ok() == Some(a + b)
            }
        };
        if !right {
            return Err(Refusal::WrongAnswer);
        }
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        used.retain(|_, exp| *exp >= now);
        if used.insert(salt.to_owned(), expires).is_some() {
            return Err(Refusal::Used);
        }
        Ok(())
    }
}

impl Default for Challenges {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(challenge: &str, bits: u32) -> String {
        (0u64..)
            .map(|n| n.to_string())
            .find(|n| jinguo_domain::help::pow_ok(challenge, n, bits))
            .unwrap()
    }

    #[test]
    fn work_and_sum_are_accepted_once() {
        let c = Challenges::new();
        let ch = c.issue(100);
        let nonce = work(&ch, 8);
        assert_eq!(
            c.accept(&ch, Proof::Work("x"), 30, 100),
            Err(Refusal::WrongAnswer)
        );
        assert_eq!(c.accept(&ch, Proof::Work(&nonce), 8, 100), Ok(()));
        assert_eq!(
            c.accept(&ch, Proof::Work(&nonce), 8, 100),
            Err(Refusal::Used)
        );

        let ch = c.issue(100);
        let (a, b) = c.question(&ch).unwrap();
        assert_eq!(
            c.accept(&ch, Proof::Sum(&(a + b + 1).to_string()), 8, 100),
            Err(Refusal::WrongAnswer)
        );
        assert_eq!(
            c.accept(&ch, Proof::Sum(&format!(" {} ", a + b)), 8, 100),
            Ok(())
        );
    }

    #[test]
    fn forged_and_expired_are_refused() {
        let c = Challenges::new();
        let ch = c.issue(100);
        let nonce = work(&ch, 4);
        assert_eq!(
            c.accept(&ch, Proof::Work(&nonce), 4, 100 + LIFETIME_SECS + 1),
            Err(Refusal::Expired)
        );
        // A later expiry under the old MAC is not ours.
        let forged = ch.replacen(&(100 + LIFETIME_SECS).to_string(), "99999999999", 1);
        assert_eq!(
            c.accept(&forged, Proof::Work("1"), 0, 100),
            Err(Refusal::Invalid)
        );
        // Another process's challenge does not verify here.
        let other = Challenges::new().issue(100);
        assert_eq!(
            c.accept(&other, Proof::Work("1"), 0, 100),
            Err(Refusal::Invalid)
        );
        assert_eq!(
            c.accept("", Proof::Work("1"), 0, 100),
            Err(Refusal::Invalid)
        );
    }
}
