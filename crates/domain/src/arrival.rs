//! How a record arrives from a form or a phone's outbox: the idempotency
//! key that makes a retry record once, and the time the device says it
//! was made.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::FieldError;

/// A client's idempotency key: 1–100 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_LEN: usize = 100;

    /// `field` names where the key came from (the `Idempotency-Key` header,
    /// a form's `idempotency_key`), for the message.
    pub fn parse(s: &str, field: &'static str) -> Result<Self, FieldError> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.bytes().all(|b| (0x20..=0x7e).contains(&b));
        if ok {
            Ok(IdempotencyKey(s.to_owned()))
        } else {
            Err(FieldError::new(field, "err.idem.key"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// How far ahead of the server a phone's clock may run.
pub const MADE_AT_SKEW_SECS: i64 = 10 * 60;
/// How long a record may wait on a phone before it is sent: a year. Older
/// is a phone whose clock was reset, not a record.
pub const MADE_AT_MAX_AGE_SECS: i64 = 366 * 24 * 3600;

/// The device's time of making a record (RFC 3339, `2026-11-20T09:30:00+08:00`),
/// as unix seconds: not after the server's `now` beyond a small skew, not
/// more than a year before it. Blank is "not said".
pub fn parse_made_at(s: &str, now: i64) -> Result<Option<i64>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let t = OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|_| FieldError::new("made_at", "err.made_at.format"))?
        .unix_timestamp();
    if t > now + MADE_AT_SKEW_SECS {
        return Err(FieldError::new("made_at", "err.made_at.future"));
    }
    if t < now - MADE_AT_MAX_AGE_SECS {
        return Err(FieldError::new("made_at", "err.made_at.old"));
    }
    Ok(Some(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_printable_ascii_up_to_100() {
        assert!(IdempotencyKey::parse("a", "k").is_ok());
        assert!(IdempotencyKey::parse(&"x".repeat(100), "k").is_ok());
        assert!(IdempotencyKey::parse("outbox-1 2/3", "k").is_ok());
        assert!(IdempotencyKey::parse("", "k").is_err());
        assert!(IdempotencyKey::parse(&"x".repeat(101), "k").is_err());
        assert!(IdempotencyKey::parse("键", "k").is_err());
        assert!(IdempotencyKey::parse("a\tb", "k").is_err());
    }

    #[test]
    fn device_time_is_checked_against_arrival() {
        let now = 1_795_000_000; // 2026-11-18
        let at = |s| parse_made_at(s, now);
        assert_eq!(at(""), Ok(None));
        assert_eq!(
            at("2026-11-18T08:00:00+08:00"),
            Ok(Some(
                OffsetDateTime::parse("2026-11-18T00:00:00Z", &Rfc3339)
                    .unwrap()
                    .unix_timestamp()
            ))
        );
        // A phone a few minutes fast is fine; a day ahead is not.
        let ahead = OffsetDateTime::from_unix_timestamp(now + 300)
            .unwrap()
            .format(&Rfc3339)
            .unwrap();
        assert!(at(&ahead).is_ok());
        let tomorrow = OffsetDateTime::from_unix_timestamp(now + 86_400)
            .unwrap()
            .format(&Rfc3339)
            .unwrap();
        assert_eq!(at(&tomorrow).unwrap_err().key, "err.made_at.future");
        assert_eq!(
            at("1970-01-01T00:00:00Z").unwrap_err().key,
            "err.made_at.old"
        );
        assert_eq!(at("2026-11-18").unwrap_err().key, "err.made_at.format");
    }
}
