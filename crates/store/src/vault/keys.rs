//! Where the vault's keys come from: a key file or an environment variable,
//! never the database, so a stolen database dump alone opens nothing.
//!
//! The text of either is a list of entries separated by newlines, commas or
//! spaces; `#` starts a comment. An entry is `ID:KEY` or a bare `KEY`
//! (id 1). A key is 16 random bytes, written as 32 hex digits or in base64.
//! The **first** entry is the current key, which seals new values; the
//! others only open values sealed before a rotation:
//!
//! ```text
//! # jinguo encryption keys: the first one is current
//! 2:9f86d081884c7d659a2feaa0c55ad015
//! 1:Zm9vYmFyYmF6cXV4MTIzNA==
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU16;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use rand::RngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use super::{Vault, VaultError};

/// Environment variable naming the key file (the config's
/// `encryption_key_file` takes the same value).
pub const KEY_FILE_ENV: &str = "JINGUO_ENCRYPTION_KEY_FILE";
/// Environment variable holding the keys themselves, for deployments that
/// inject secrets as variables.
pub const KEY_ENV: &str = "JINGUO_ENCRYPTION_KEY";

const KEY_LEN: usize = 16;

/// The number a sealed value carries to say which key sealed it (1–65535).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(NonZeroU16);

impl KeyId {
    pub fn new(n: u16) -> Option<KeyId> {
        NonZeroU16::new(n).map(KeyId)
    }

    pub fn get(self) -> u16 {
        self.0.get()
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Parsed keys, the first being current; the bytes are wiped on drop.
pub struct KeyRing {
    current: KeyId,
    keys: BTreeMap<KeyId, Zeroizing<[u8; KEY_LEN]>>,
}

impl KeyRing {
    /// Parses key text; `origin` names where it came from in error messages
    /// ("key file /etc/jinguo/key", "JINGUO_ENCRYPTION_KEY").
    pub fn parse(text: &str, origin: &str) -> Result<KeyRing, VaultError> {
        let bad = |entry: usize, problem: &'static str| VaultError::BadKey {
            origin: origin.to_owned(),
            entry,
            problem,
        };
        let mut current = None;
        let mut keys = BTreeMap::new();
        let entries = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or(""))
            .flat_map(|line| line.split([',', ' ', '\t']))
            .map(str::trim)
            .filter(|e| !e.is_empty());
        for (i, entry) in entries.enumerate() {
            let n = i + 1;
            let (id, key) = match entry.split_once(':') {
                Some((id, key)) => (
                    id.parse::<u16>()
                        .ok()
                        .and_then(KeyId::new)
                        .ok_or_else(|| bad(n, "the key id must be a number from 1 to 65535"))?,
                    key,
                ),
                None => (KeyId::new(1).expect("1 is not zero"), entry),
            };
            let bytes = decode_key(key).ok_or_else(|| {
                bad(
                    n,
                    "a key is 16 bytes written as 32 hex digits or in base64 \
                     (`jinguo key generate` makes one)",
                )
            })?;
            if keys.insert(id, bytes).is_some() {
                return Err(bad(n, "this key id is used twice"));
            }
            current.get_or_insert(id);
        }
        match current {
            Some(current) => Ok(KeyRing { current, keys }),
            None => Err(VaultError::EmptyKeys {
                origin: origin.to_owned(),
            }),
        }
    }

    pub fn current(&self) -> KeyId {
        self.current
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (KeyId, &[u8; KEY_LEN])> {
        self.keys.iter().map(|(id, k)| (*id, &**k))
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("current", &self.current)
            .field("ids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// 32 hex digits, or base64 (padded or not) of exactly 16 bytes.
fn decode_key(s: &str) -> Option<Zeroizing<[u8; KEY_LEN]>> {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    if s.len() == 2 * KEY_LEN && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
        }
        return Some(out);
    }
    let engine = if s.ends_with('=') {
        STANDARD
    } else {
        STANDARD_NO_PAD
    };
    let decoded = Zeroizing::new(engine.decode(s).ok()?);
    (decoded.len() == KEY_LEN).then(|| {
        out.copy_from_slice(&decoded);
        out
    })
}

/// A new random key from the operating system's generator, as a key-file
/// line `ID:HEX`.
pub fn generate_key_line(id: KeyId) -> Zeroizing<String> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    OsRng.fill_bytes(&mut *key);
    let mut line = Zeroizing::new(format!("{id}:"));
    for b in key.iter() {
        line.push_str(&format!("{b:02x}"));
    }
    line
}

impl Vault {
    /// Opens the vault from the configured key file (`encryption_key_file`,
    /// already layered with its environment variable by the config), else the
    /// file named by `JINGUO_ENCRYPTION_KEY_FILE`, else the keys in
    /// `JINGUO_ENCRYPTION_KEY`. A file and the key variable together are an
    /// error rather than a silent choice.
    pub fn load(key_file: Option<&Path>) -> Result<Vault, VaultError> {
        Vault::load_with(key_file, |name| std::env::var(name).ok())
    }

    /// [`Vault::load`] with the environment passed in, so it can be tested
    /// without changing the process environment.
    pub fn load_with(
        key_file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Vault, VaultError> {
        let env_file = env(KEY_FILE_ENV).filter(|s| !s.trim().is_empty());
        let file = key_file.map(Path::to_path_buf).or(env_file.map(Into::into));
        let inline = env(KEY_ENV)
            .map(Zeroizing::new)
            .filter(|s| !s.trim().is_empty());
        let ring = match (file, inline) {
            (Some(_), Some(_)) => return Err(VaultError::TwoKeySources),
            (Some(path), None) => Vault::read_key_file(&path)?,
            (None, Some(text)) => KeyRing::parse(&text, KEY_ENV)?,
            (None, None) => return Err(VaultError::NoKey),
        };
        Ok(Vault::from_keys(ring))
    }

    fn read_key_file(path: &Path) -> Result<KeyRing, VaultError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map(Zeroizing::new)
            .map_err(|source| VaultError::ReadKeyFile {
                path: shown.clone(),
                source,
            })?;
        warn_if_readable_by_others(path);
        KeyRing::parse(&text, &format!("key file {shown}"))
    }
}

/// A key file others can read is a finding, not a reason to refuse to
/// start (mounted secrets are often 0644 inside a container).
#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(path = %path.display(), "the encryption key file is readable by group or others: chmod 600 it");
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}
