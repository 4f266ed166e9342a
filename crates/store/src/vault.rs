//! Encryption at rest of personal data (DESIGN.md design 4): identity
//! numbers, phones, addresses and case narratives are sealed with SM4-GCM
//! (SM4, the national standard block cipher, in the GCM mode of RFC 8998)
//! before they reach a column, and opened only to show a value to someone
//! entitled to it.
//!
//! It lives in the store because the store is where rows get their ids, and
//! the associated data binds each ciphertext to its row and column
//! ([`associated_data`]): a ciphertext copied into another person's row no
//! longer opens.
//!
//! Sealed layout, base64 (standard alphabet, padded) in a TEXT column:
//!
//! ```text
//! version (1 byte, = 1) | key id (2 bytes, big-endian) | nonce (12) | ciphertext | tag (16)
//! ```
//!
//! The version byte and key id are authenticated too (they are prefixed to
//! the associated data), so neither can be altered to steer decryption.
//! Keys rotate: the vault encrypts with its current key and decrypts with any
//! key it holds ([`keys`] describes where keys come from).

pub mod keys;

use std::collections::BTreeMap;
use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{AesGcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rand::RngCore;
use rand::rngs::OsRng;
use sm4::Sm4;
use sm4::cipher::consts::U12;
use zeroize::Zeroizing;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;
use hmac::Mac;

pub use keys::{KeyId, generate_key_line};

/// SM4 in GCM with a 96-bit nonce and a 128-bit tag (RFC 8998's SM4_GCM).
type Sm4Gcm = AesGcm<Sm4, U12>;

const VERSION: u8 = 1;
const HEADER_LEN: usize = 3;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Why the vault could not be opened or a value could not be decrypted.
/// Messages name files and key ids, never key material or plaintext.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(
        "no encryption key: set encryption_key_file (JINGUO_ENCRYPTION_KEY_FILE) or \
         JINGUO_ENCRYPTION_KEY; `jinguo key generate` makes one"
    )]
    NoKey,
    #[error(
        "both a key file and JINGUO_ENCRYPTION_KEY are set: keep one, so the key in use is \
         never a surprise"
    )]
    TwoKeySources,
    #[error("cannot read the key file {path}: {source}")]
    ReadKeyFile {
        path: String,
        source: std::io::Error,
    },
    #[error("{origin} holds no key")]
    EmptyKeys { origin: String },
    #[error("{origin}, key {entry}: {problem}")]
    BadKey {
        origin: String,
        entry: usize,
        problem: &'static str,
    },
    #[error("not a sealed value (damaged or written by something else)")]
    Malformed,
    #[error("sealed with key {0}, which this vault does not hold")]
    UnknownKey(KeyId),
    #[error(
        "the sealed value does not open: wrong key, wrong row or column, or altered in storage"
    )]
    Forged,
    #[error("the opened value is not text")]
    NotText,
}

/// The keys that seal and open personal data. Built by [`Vault::load`] (or
/// [`Vault::from_keys`]); cheap to share behind an `Arc`.
pub struct Vault {
    current: KeyId,
    /// Every key held, the current one included. The ciphers' key schedules
    /// are wiped on drop (the `zeroize` features of `sm4` and `aes-gcm`).
    ciphers: BTreeMap<KeyId, Sm4Gcm>,
    /// The key of [`Vault::blind_index`], derived from the oldest key held
    /// so that rotating the current key leaves indexes unchanged.
    index_key: Zeroizing<[u8; 32]>,
}

/// Binds a ciphertext to one column of one row: `person:42:id_number`.
pub fn associated_data(table: &str, row_id: i64, column: &str) -> String {
    format!("{table}:{row_id}:{column}")
}

impl Vault {
    /// Builds a vault from parsed keys; the first is the current one.
    pub fn from_keys(keys: keys::KeyRing) -> Vault {
        let current = keys.current();
        let ciphers = keys
            .iter()
            .map(|(id, bytes)| (id, Sm4Gcm::new(&(*bytes).into())))
            .collect();
        let oldest = keys.iter().next().map(|(_, k)| *k).unwrap_or_default();
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&oldest).expect("any key length");
        mac.update(b"jinguo blind index v1");
        let index_key = Zeroizing::new(mac.finalize().into_bytes().into());
        Vault {
            current,
            ciphers,
            index_key,
        }
    }

    /// A keyed, one-way index of `value` for `purpose` (32 hex digits): it
    /// matches equal values, and without the key file nobody can tell
    /// which value it stands for — not even for a value as guessable as an
    /// IPv4 address.
    pub fn blind_index(&self, purpose: &str, value: &str) -> String {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&*self.index_key).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.finalize().into_bytes()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The id of the key new values are sealed with.
    pub fn current_key(&self) -> KeyId {
        self.current
    }

    /// Seals `plaintext` under the current key with a fresh random nonce.
    pub fn encrypt(&self, plaintext: &[u8], associated_data: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let mut out = Vec::with_capacity(HEADER_LEN + NONCE_LEN + plaintext.len() + TAG_LEN);
        out.push(VERSION);
        out.extend_from_slice(&self.current.get().to_be_bytes());
        let aad = bound_aad(&out[..HEADER_LEN], associated_data);
        let sealed = self.ciphers[&self.current]
            .encrypt(
                &Nonce::<U12>::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .expect("GCM seals any value shorter than 64 GiB");
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a value sealed by [`Vault::encrypt`] under any key this vault
    /// holds, if `associated_data` is the one it was sealed with.
    pub fn decrypt(
        &self,
        sealed: &[u8],
        associated_data: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let (key, nonce, body) = split(sealed)?;
        let cipher = self.ciphers.get(&key).ok_or(VaultError::UnknownKey(key))?;
        let aad = bound_aad(&sealed[..HEADER_LEN], associated_data);
        cipher
            .decrypt(
                &Nonce::<U12>::try_from(nonce).map_err(|_| VaultError::Malformed)?,
                Payload {
                    msg: body,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| VaultError::Forged)
    }

    /// [`Vault::encrypt`] for TEXT columns: the sealed bytes in base64.
    pub fn encrypt_text(&self, plaintext: &str, associated_data: &str) -> String {
        BASE64.encode(self.encrypt(plaintext.as_bytes(), associated_data.as_bytes()))
    }

    /// Opens a value sealed by [`Vault::encrypt_text`].
    pub fn decrypt_text(
        &self,
        sealed: &str,
        associated_data: &str,
    ) -> Result<Zeroizing<String>, VaultError> {
        let bytes = BASE64
            .decode(sealed.trim())
            .map_err(|_| VaultError::Malformed)?;
        let plain = self.decrypt(&bytes, associated_data.as_bytes())?;
        let text = std::str::from_utf8(&plain).map_err(|_| VaultError::NotText)?;
        Ok(Zeroizing::new(text.to_owned()))
    }

    /// Re-seals a value under the current key, for the re-encryption run
    /// after a key rotation. `None` when it already is under the current key
    /// (the row need not be written); an error when it does not open.
    pub fn rotate_text(
        &self,
        sealed: &str,
        associated_data: &str,
    ) -> Result<Option<String>, VaultError> {
        let plain = self.decrypt_text(sealed, associated_data)?;
        let bytes = BASE64
            .decode(sealed.trim())
            .map_err(|_| VaultError::Malformed)?;
        let (key, _, _) = split(&bytes)?;
        Ok((key != self.current).then(|| self.encrypt_text(&plain, associated_data)))
    }

    /// The key a sealed text value was sealed with, to count what a
    /// rotation still has to do.
    pub fn key_of_text(sealed: &str) -> Result<KeyId, VaultError> {
        let bytes = BASE64
            .decode(sealed.trim())
            .map_err(|_| VaultError::Malformed)?;
        split(&bytes).map(|(key, _, _)| key)
    }
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("current_key", &self.current.get())
            .field(
                "keys",
                &self.ciphers.keys().map(|k| k.get()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The associated data GCM sees: the header, then the caller's binding.
fn bound_aad(header: &[u8], associated_data: &[u8]) -> Vec<u8> {
    [header, associated_data].concat()
}

/// Splits a sealed value into key id, nonce and ciphertext-with-tag.
fn split(sealed: &[u8]) -> Result<(KeyId, &[u8], &[u8]), VaultError> {
    if sealed.len() < HEADER_LEN + NONCE_LEN + TAG_LEN || sealed[0] != VERSION {
        return Err(VaultError::Malformed);
    }
    let key =
        KeyId::new(u16::from_be_bytes([sealed[1], sealed[2]])).ok_or(VaultError::Malformed)?;
    let (nonce, body) = sealed[HEADER_LEN..].split_at(NONCE_LEN);
    Ok((key, nonce, body))
}

#[cfg(test)]
mod tests;
