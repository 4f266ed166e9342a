//! Argon2id password hashing.
//!
//! Parameters: m = 19 MiB, t = 2, p = 1 — the OWASP minimum for Argon2id and
//! the `argon2` crate's default. On a 2-core server a hash costs tens of
//! milliseconds (see BENCHMARKS.md): slow enough to make offline guessing
//! expensive, fast enough that a region-wide morning login rush does not
//! queue. Hashing runs on the blocking pool so it never stalls the server.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jinguo_domain::Password;

fn hasher() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters"),
    )
}

pub fn hash_sync(password: &Password) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

pub fn verify_sync(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

pub async fn hash(password: Password) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_sync(&password)).await?
}

/// Verifies against `hash`, or against a fixed dummy hash when the user does
/// not exist, so the answer takes as long either way.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let real = hash.is_some();
        let hash = hash.unwrap_or_else(|| dummy_hash().to_owned());
        verify_sync(&password, &hash) && real
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let pw = Password::parse("Dummy-password-1").expect("policy-conforming dummy");
        hash_sync(&pw).expect("hash dummy")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let pw = Password::parse("Grassland-2026").unwrap();
        let h = hash_sync(&pw).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_sync("Grassland-2026", &h));
        assert!(!verify_sync("grassland-2026", &h));
        assert!(!verify_sync("x", "not a hash"));
    }
}
