use std::fmt;

use crate::FieldError;
use crate::halfwidth::to_halfwidth;

/// A mainland China phone number, kept in one canonical form:
/// a mobile as 11 digits (`13812345678`), a landline as
/// `area-local` (`0471-6961234`).
///
/// Personal information under PIPL: `Debug` prints only the masked form and
/// there is no `Display`; [`Phone::as_str`] is for the encryption layer.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    canonical: String,
    kind: PhoneKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    Mobile,
    Landline,
}

const FIELD: &str = "phone";

impl Phone {
    /// Parses a number as typed: spaces, dashes, dots, brackets and
    /// full-width characters are ignored; a `+86` or `0086` country prefix
    /// is dropped.
    ///
    /// A mobile is `1`, a second digit 3–9 and nine more digits. The third
    /// digit is not checked against the carriers' segments: new segments
    /// open every few years and a table here would refuse real numbers.
    /// A landline is a trunk `0`, an area code (3 digits for `010` and
    /// `02x`, 4 for the rest, e.g. `0471`) and a 7–8 digit local number that
    /// does not start with 0 or 1.
    pub fn parse(s: &str) -> Result<Phone, FieldError> {
        let bad = || FieldError::new(FIELD, "err.phone.format");
        let mut raw = String::with_capacity(s.len());
        for c in s.trim().chars().map(to_halfwidth) {
            match c {
                '0'..='9' | '+' => raw.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(bad()),
            }
        }
        let digits = raw
            .strip_prefix("+86")
            .or_else(|| raw.strip_prefix("0086"))
            .unwrap_or(&raw);
        if digits.contains('+') {
            return Err(bad());
        }
        let b = digits.as_bytes();
        if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
            return Ok(Phone {
                canonical: digits.to_owned(),
                kind: PhoneKind::Mobile,
            });
        }
        // A country prefix belongs to mobiles only here: a landline dialled
        // from abroad drops its trunk 0, which this form does not accept.
        if digits.len() != raw.len() || b.first() != Some(&b'0') {
            return Err(bad());
        }
        let area_len = if matches!(b.get(1), Some(b'1' | b'2')) {
            3
        } else {
            4
        };
        let (area, local) = digits.split_at(area_len.min(digits.len()));
        let local_ok = (7..=8).contains(&local.len()) && !local.starts_with(['0', '1']);
        let area_ok =
            area.len() == area_len && (area_len == 4 || area == "010" || area.starts_with("02"));
        if !(local_ok && area_ok) {
            return Err(bad());
        }
        Ok(Phone {
            canonical: format!("{area}-{local}"),
            kind: PhoneKind::Landline,
        })
    }

    /// The canonical number, for encryption and for an audited reveal only.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    pub fn kind(&self) -> PhoneKind {
        self.kind
    }

    /// `138****5678` for a mobile, `0471-***1234` for a landline: enough to
    /// tell two numbers apart, too little to call.
    pub fn mask(&self) -> String {
        match self.kind {
            PhoneKind::Mobile => format!("{}****{}", &self.canonical[..3], &self.canonical[7..]),
            PhoneKind::Landline => {
                let (area, local) = self.canonical.split_once('-').expect("canonical form");
                let hidden = local.len() - 4;
                format!("{area}-{}{}", "*".repeat(hidden), &local[hidden..])
            }
        }
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.mask())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Phone {
        Phone::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn bad(s: &str) {
        assert_eq!(
            Phone::parse(s),
            Err(FieldError::new("phone", "err.phone.format")),
            "{s}"
        );
    }

    #[test]
    fn mobiles_in_every_typed_form() {
        for typed in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "0086 13812345678",
            "１３８１２３４５６７８",
        ] {
            let p = ok(typed);
            assert_eq!(p.as_str(), "13812345678", "{typed}");
            assert_eq!(p.kind(), PhoneKind::Mobile);
            assert_eq!(p.mask(), "138****5678");
        }
        for second in b'3'..=b'9' {
            let s = format!("1{}012345678", second as char);
            assert_eq!(ok(&s).as_str(), s);
        }
    }

    #[test]
    fn refuses_malformed_mobiles() {
        for s in [
            "",
            "1381234567",   // 10 digits
            "138123456789", // 12 digits
            "12812345678",  // second digit 2
            "10812345678",  // second digit 0
            "23812345678",  // not a 1
            "138123456７a", // a letter
            "138 1234 5678#",
            "+85213812345678", // another country
            "+86+8613812345678",
            "138+12345678",
            "86 13812345678", // a bare 86 is ambiguous
        ] {
            bad(s);
        }
    }

    #[test]
    fn landlines() {
        let p = ok("0471-6961234");
        assert_eq!(p.kind(), PhoneKind::Landline);
        assert_eq!(p.as_str(), "0471-6961234");
        assert_eq!(p.mask(), "0471-***1234");
        assert_eq!(ok("(0471) 69612345").as_str(), "0471-69612345");
        assert_eq!(ok("04716961234").as_str(), "0471-6961234");
        assert_eq!(ok("010-62345678").as_str(), "010-62345678");
        assert_eq!(ok("01062345678").mask(), "010-****5678");
        assert_eq!(ok("021 5234 5678").as_str(), "021-52345678");
        for s in [
            "0471-0961234",    // local starts with 0
            "0471-1961234",    // local starts with 1
            "0471-696123",     // 6-digit local
            "0471-696123456",  // 9-digit local
            "011-62345678",    // 01x other than 010
            "4716961234",      // no trunk 0
            "+86 471 6961234", // international form of a landline
            "0",
            "0471",
        ] {
            bad(s);
        }
    }

    #[test]
    fn debug_shows_only_the_mask() {
        let dbg = format!("{:?}", ok("13812345678"));
        assert_eq!(dbg, "Phone(138****5678)");
    }
}
