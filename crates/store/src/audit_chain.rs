//! The audit log as a hash chain with SM3 (GB/T 32905-2016), so that an
//! entry edited, deleted or moved by someone who can write to the database
//! (and drops the triggers that refuse updates and deletes) is found by
//! `jinguo audit verify` (issue 19 item 7).
//!
//! # The chain
//!
//! Entries are numbered `seq` = 1, 2, 3 … in the order they were committed.
//! Entry N stores `prev_hash` = the `hash` of entry N-1 (for entry 1, the
//! genesis value: 32 zero bytes) and `hash` = SM3 of its canonical bytes
//! below. Both are stored as 64 lowercase hexadecimal digits. The table
//! `audit_chain_head` holds the seq and hash of the newest entry, so
//! deleting the newest entries is found too.
//!
//! # Canonical bytes (version 1)
//!
//! A verifier written elsewhere recomputes `hash` from the row alone:
//!
//! ```text
//! hash = SM3( prev_hash as 32 raw bytes
//!          || T("jinguo-audit-v1")
//!          || I(seq) || I(at) || I(actor_id) || T(actor_name) || T(action)
//!          || T(detail) || T(ip) || I(unit_id)
//!          || I(l1) || I(l2) || I(l3) || I(l4) || I(l5) )
//!
//! I(NULL) = T(NULL) = 0x00
//! I(n)    = 0x01 || n as 8 bytes, big-endian two's complement (i64)
//! T(s)    = 0x02 || byte length of s as 4 bytes, big-endian || s in UTF-8
//! ```
//!
//! `at` is in seconds since 1970-01-01 UTC; `unit_id` and `l1`..`l5` are
//! the database ids of the entry's unit and of its ancestors at write time
//! (they decide which auditors see the entry, so they are covered too).
//! The row's `id` is not covered: `seq` is the entry's place in the chain.
//!
//! # What it does not do
//!
//! Someone who rewrites an entry and recomputes the hashes of every later
//! entry and of the head leaves a consistent chain: the chain proves
//! nothing against that unless its head is kept elsewhere. `audit verify`
//! prints the head's seq and hash so an operator can note them down and
//! compare later.

use sm3::{Digest, Sm3};

/// The `prev_hash` of the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// The version tag that opens the canonical bytes.
const VERSION: &str = "jinguo-audit-v1";

/// The fields of an audit entry that its hash covers, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedContent<'a> {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<&'a str>,
    pub action: &'a str,
    pub detail: &'a str,
    pub ip: Option<&'a str>,
    pub unit_id: i64,
    pub ancestors: [Option<i64>; 5],
}

fn int(out: &mut Vec<u8>, v: Option<i64>) {
    match v {
        None => out.push(0),
        Some(n) => {
            out.push(1);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

fn text(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        None => out.push(0),
        Some(s) => {
            out.push(2);
            // An audit field never approaches 4 GiB; saturating keeps the
            // encoding total rather than panicking.
            let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// The canonical bytes of an entry chained after `prev` (see the module
/// comment).
pub fn canonical_bytes(prev: &[u8; 32], c: &ChainedContent<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + c.detail.len());
    out.extend_from_slice(prev);
    text(&mut out, Some(VERSION));
    int(&mut out, Some(c.seq));
    int(&mut out, Some(c.at));
    int(&mut out, c.actor_id);
    text(&mut out, c.actor_name);
    text(&mut out, Some(c.action));
    text(&mut out, Some(c.detail));
    text(&mut out, c.ip);
    int(&mut out, Some(c.unit_id));
    for l in c.ancestors {
        int(&mut out, l);
    }
    out
}

/// SM3 of `data`.
pub fn sm3(data: &[u8]) -> [u8; 32] {
    Sm3::digest(data).into()
}

/// The hash of an entry chained after `prev`.
pub fn entry_hash(prev: &[u8; 32], c: &ChainedContent<'_>) -> [u8; 32] {
    sm3(&canonical_bytes(prev, c))
}

/// Lowercase hexadecimal, as the hashes are stored.
pub fn to_hex(h: &[u8; 32]) -> String {
    use std::fmt::Write;
    h.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A stored hash back to bytes; `None` unless 64 hexadecimal digits.
pub fn from_hex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// Why the chain breaks at an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's content no longer gives its stored hash; or, when its
    /// hash was recomputed, the next entry still records the old one.
    ContentChanged,
    /// Entries with these seq numbers (first, last) are gone; the entry
    /// named is the one after the gap, or the last one left when the
    /// newest entries were deleted.
    EntryMissing { first: i64, last: i64 },
    /// The entry stands where another belongs: rows were swapped or
    /// renumbered.
    OrderChanged { expected_seq: i64 },
    /// The entry has no chain columns: it was inserted behind the store.
    Unchained,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::ContentChanged => write!(f, "content changed"),
            ChainBreak::EntryMissing { first, last } if first == last => {
                write!(f, "entry missing (seq {first})")
            }
            ChainBreak::EntryMissing { first, last } => {
                write!(f, "entries missing (seq {first} to {last})")
            }
            ChainBreak::OrderChanged { expected_seq } => write!(
                f,
                "order changed (seq {expected_seq} belongs here and stands elsewhere)"
            ),
            ChainBreak::Unchained => write!(f, "entry not chained (inserted behind the store)"),
        }
    }
}

/// The first broken entry of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenEntry {
    /// `None` only when every entry was deleted.
    pub id: Option<i64>,
    pub at: Option<i64>,
    pub seq: Option<i64>,
    pub why: ChainBreak,
}

/// What walking the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainVerdict {
    /// Every entry checked; `head` is the newest entry's hash (hex).
    Intact { entries: i64, head: String },
    /// `verified` entries before the first broken one were intact.
    Broken { verified: i64, entry: BrokenEntry },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GB/T 32905-2016, appendix A, example 1: "abc".
    #[test]
    fn sm3_of_abc_is_the_standards_example_1() {
        assert_eq!(
            to_hex(&sm3(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    /// GB/T 32905-2016, appendix A, example 2: "abcd" sixteen times (512 bits).
    #[test]
    fn sm3_of_abcd_times_16_is_the_standards_example_2() {
        assert_eq!(
            to_hex(&sm3("abcd".repeat(16).as_bytes())),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
    }

    fn content() -> ChainedContent<'static> {
        ChainedContent {
            seq: 1,
            at: 1_764_000_000,
            actor_id: Some(7),
            actor_name: Some("yilelt"),
            action: "login",
            detail: "",
            ip: Some("10.0.3.7"),
            unit_id: 42,
            ancestors: [Some(1), Some(2), Some(3), Some(4), Some(42)],
        }
    }

    #[test]
    fn the_canonical_bytes_are_as_documented() {
        let c = ChainedContent {
            seq: 1,
            at: 2,
            actor_id: None,
            actor_name: None,
            action: "a",
            detail: "",
            ip: None,
            unit_id: 3,
            ancestors: [Some(3), None, None, None, None],
        };
        let mut want = vec![0u8; 32];
        want.extend([2, 0, 0, 0, 15]);
        want.extend(b"jinguo-audit-v1");
        want.extend([1, 0, 0, 0, 0, 0, 0, 0, 1]); // seq
        want.extend([1, 0, 0, 0, 0, 0, 0, 0, 2]); // at
        want.extend([0, 0]); // actor_id, actor_name
        want.extend([2, 0, 0, 0, 1, b'a']); // action
        want.extend([2, 0, 0, 0, 0]); // detail
        want.push(0); // ip
        want.extend([1, 0, 0, 0, 0, 0, 0, 0, 3]); // unit_id
        want.extend([1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0]); // l1..l5
        assert_eq!(canonical_bytes(&GENESIS, &c), want);
    }

    #[test]
    fn every_field_and_the_link_change_the_hash() {
        let base = entry_hash(&GENESIS, &content());
        let mut other = content();
        other.detail = "x";
        assert_ne!(entry_hash(&GENESIS, &other), base);
        let mut other = content();
        other.ancestors[4] = None;
        assert_ne!(entry_hash(&GENESIS, &other), base);
        // NULL and the empty text differ.
        let mut other = content();
        other.ip = Some("");
        let mut null = content();
        null.ip = None;
        assert_ne!(entry_hash(&GENESIS, &other), entry_hash(&GENESIS, &null));
        // Lengths keep fields apart: moving a byte across a border shows.
        let mut a = content();
        a.actor_name = Some("ab");
        a.action = "c";
        let mut b = content();
        b.actor_name = Some("a");
        b.action = "bc";
        assert_ne!(entry_hash(&GENESIS, &a), entry_hash(&GENESIS, &b));
        assert_ne!(entry_hash(&[1; 32], &content()), base);
    }

    #[test]
    fn hex_round_trips_and_refuses_junk() {
        let h = sm3(b"abc");
        assert_eq!(from_hex(&to_hex(&h)), Some(h));
        assert_eq!(from_hex("00"), None);
        assert_eq!(from_hex(&"zz".repeat(32)), None);
        assert_eq!(from_hex(&"é".repeat(32)), None);
    }
}
