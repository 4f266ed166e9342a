//! The public help page's rules that need no I/O: tracking codes, the
//! proof-of-work check, and what counts as scripted input.
//!
//! A tracking code is the only thing a woman takes away from the page, so
//! it must survive being read aloud or copied by hand on a cheap phone: an
//! alphabet without look-alikes (no 0/O, 1/I/L, U/V), shown in groups of
//! four, read back case-insensitively with any spaces or dashes.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::FieldError;
use crate::halfwidth::to_halfwidth;
use crate::text::Field;

/// Characters of a tracking code: digits 2–9 and capitals without I, L, O, U.
pub const CODE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 12 characters of 30: about 59 bits, far beyond guessing.
pub const CODE_LEN: usize = 12;

/// Most characters a description may have.
pub const MAX_DESCRIPTION: usize = 2000;
/// Most characters a contact may have.
pub const MAX_CONTACT: usize = 100;
/// More links than this in a description reads as spam.
pub const MAX_LINKS: usize = 2;

/// A request's tracking code, canonical form (upper case, no separators).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingCode(String);

impl TrackingCode {
    /// A fresh code from a source of random bytes (the caller passes the
    /// OS generator). Bytes ≥ 240 are skipped so each character is equally
    /// likely (240 = 8 × 30).
    pub fn generate(mut next_byte: impl FnMut() -> u8) -> TrackingCode {
        let mut s = String::with_capacity(CODE_LEN);
        while s.len() < CODE_LEN {
            let b = next_byte();
            if b < 240 {
                s.push(char::from(CODE_ALPHABET[usize::from(b % 30)]));
            }
        }
        TrackingCode(s)
    }

    /// Reads a code as typed: case-insensitive, full-width characters (a
    /// Chinese input method left in full-width mode) read as ASCII, spaces
    /// and dashes ignored. `None` for anything that cannot be a code.
    pub fn parse(s: &str) -> Option<TrackingCode> {
        let canon: String = s
            .chars()
            .map(to_halfwidth)
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (canon.len() == CODE_LEN && canon.bytes().all(|b| CODE_ALPHABET.contains(&b)))
            .then_some(TrackingCode(canon))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `ABCD-EFGH-JKMN`, as shown to people.
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

/// What a help request asks for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HelpKind {
    /// A practical need: becomes a need in the village's queue.
    Need,
    /// Rights protection (维权): a case intake.
    Rights,
}

impl HelpKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            HelpKind::Need => "need",
            HelpKind::Rights => "rights",
        }
    }

    pub fn parse(s: &str) -> Option<HelpKind> {
        match s.trim() {
            "need" => Some(HelpKind::Need),
            "rights" => Some(HelpKind::Rights),
            _ => None,
        }
    }
}

/// The only statuses the public ever sees. For a need: open → `received`, in progress →
/// `in_progress`, escalated and still live → `referred`, then `resolved` or `closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HelpStatus {
    Received,
    InProgress,
    Referred,
    Resolved,
    Closed,
}

impl HelpStatus {
    pub const ALL: [HelpStatus; 5] = [
        HelpStatus::Received,
        HelpStatus::InProgress,
        HelpStatus::Referred,
        HelpStatus::Resolved,
        HelpStatus::Closed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            HelpStatus::Received => "received",
            HelpStatus::InProgress => "in_progress",
            HelpStatus::Referred => "referred",
            HelpStatus::Resolved => "resolved",
            HelpStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<HelpStatus> {
        HelpStatus::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// A need's status as the public sees it: a live need that was
    /// escalated reads "referred".
    pub fn of_need(status: crate::need::NeedStatus, escalations: i64) -> HelpStatus {
        use crate::need::NeedStatus as N;
        match status {
            N::Open | N::InProgress if escalations > 0 => HelpStatus::Referred,
            N::Open => HelpStatus::Received,
            N::InProgress => HelpStatus::InProgress,
            N::Resolved => HelpStatus::Resolved,
            N::Closed => HelpStatus::Closed,
        }
    }
}

/// How many leading zero bits a digest has.
pub fn leading_zero_bits(digest: &[u8]) -> u32 {
    let mut n = 0;
    for b in digest {
        if *b == 0 {
            n += 8;
        } else {
            return n + b.leading_zeros();
        }
    }
    n
}

/// Whether SHA-256(challenge ‖ nonce) starts with `bits` zero bits: the
/// small proof of work the page's script does before sending.
pub fn pow_ok(challenge: &str, nonce: &str, bits: u32) -> bool {
    if nonce.is_empty() || nonce.len() > 32 {
        return false;
    }
    let mut h = Sha256::new();
    h.update(challenge.as_bytes());
    h.update(nonce.as_bytes());
    leading_zero_bits(&h.finalize()) >= bits
}

/// The description as sent: required, at most [`MAX_DESCRIPTION`]
/// characters, no control characters, few links.
pub fn parse_description(s: &str) -> Result<String, FieldError> {
    let text = Field::text("description", MAX_DESCRIPTION)
        .too_long("help.err.description_long")
        .check_required(s, "help.err.description_empty")
        .map_err(|e| match e.key {
            "err.text.control" => FieldError::new("description", "help.err.scripted"),
            _ => e,
        })?;
    if link_count(&text) > MAX_LINKS {
        return Err(FieldError::new("description", "help.err.scripted"));
    }
    Ok(text)
}

/// The optional contact: a phone or a few words, at most [`MAX_CONTACT`].
pub fn parse_contact(s: Option<&str>) -> Result<Option<String>, FieldError> {
    let text = Field::line("contact", MAX_CONTACT)
        .too_long("help.err.contact_long")
        .check_optional(s)?;
    if text.as_deref().is_some_and(|t| link_count(t) > 0) {
        return Err(FieldError::new("contact", "help.err.scripted"));
    }
    Ok(text)
}

/// How many web links a text holds.
fn link_count(s: &str) -> usize {
    let lower = s.to_ascii_lowercase();
    ["http://", "https://", "www."]
        .iter()
        .map(|p| lower.matches(p).count())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_generate_parse_and_group() {
        let mut i = 0u8;
        let code = TrackingCode::generate(|| {
            i = i.wrapping_add(37);
            i
        });
        assert_eq!(code.as_str().len(), CODE_LEN);
        let grouped = code.grouped();
        assert_eq!(grouped.len(), CODE_LEN + 2);
        assert_eq!(TrackingCode::parse(&grouped), Some(code.clone()));
        assert_eq!(
            TrackingCode::parse(&grouped.to_ascii_lowercase().replace('-', " ")),
            Some(code)
        );
        assert_eq!(TrackingCode::parse("ABCD-EFGH-JKM"), None);
        // Look-alikes are not in the alphabet.
        assert_eq!(TrackingCode::parse("ABCD-EFGH-JKM0"), None);
        assert_eq!(TrackingCode::parse("ABCD-EFGH-JKMI"), None);
        assert!(TrackingCode::parse("ABCD-EFGH-JKMN").is_some());
        // Typed in full width, as a Chinese input method may leave it: the
        // same code (it was refused before issue 19 item 8's properties).
        assert_eq!(
            TrackingCode::parse("ＡＢＣＤ－ｅｆｇｈ　ＪＫＭＮ"),
            TrackingCode::parse("ABCD-EFGH-JKMN")
        );
    }

    #[test]
    fn generation_skips_biased_bytes() {
        let mut bytes = [255u8, 250, 240, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].into_iter();
        let code = TrackingCode::generate(|| bytes.next().unwrap());
        assert_eq!(code.as_str(), "23456789ABCD");
    }

    #[test]
    fn proof_of_work() {
        assert_eq!(leading_zero_bits(&[0, 0, 0x10, 0xff]), 19);
        assert_eq!(leading_zero_bits(&[0x80]), 0);
        let challenge = "c";
        let nonce = (0u32..)
            .map(|n| n.to_string())
            .find(|n| pow_ok(challenge, n, 8))
            .unwrap();
        assert!(pow_ok(challenge, &nonce, 8));
        assert!(!pow_ok(challenge, "", 0));
    }

    #[test]
    fn need_status_as_seen_by_the_public() {
        use crate::need::NeedStatus as N;
        assert_eq!(HelpStatus::of_need(N::Open, 0), HelpStatus::Received);
        assert_eq!(HelpStatus::of_need(N::Open, 1), HelpStatus::Referred);
        assert_eq!(
            HelpStatus::of_need(N::InProgress, 0),
            HelpStatus::InProgress
        );
        assert_eq!(HelpStatus::of_need(N::Resolved, 2), HelpStatus::Resolved);
        assert_eq!(HelpStatus::of_need(N::Closed, 0), HelpStatus::Closed);
    }

    #[test]
    fn texts() {
        assert_eq!(parse_description("  我需要帮助 "), Ok("我需要帮助".into()));
        assert_eq!(
            parse_description("   ").unwrap_err().key,
            "help.err.description_empty"
        );
        assert_eq!(
            parse_description(&"字".repeat(2001)).unwrap_err().key,
            "help.err.description_long"
        );
        assert_eq!(
            parse_description("a\u{1b}[31m").unwrap_err().key,
            "help.err.scripted"
        );
        assert_eq!(
            parse_description("http://a http://b www.c")
                .unwrap_err()
                .key,
            "help.err.scripted"
        );
        assert_eq!(parse_contact(None), Ok(None));
        assert_eq!(
            parse_contact(Some(" 138 0000 ")),
            Ok(Some("138 0000".into()))
        );
        assert!(parse_contact(Some(&"1".repeat(101))).is_err());
    }
}
