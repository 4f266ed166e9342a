use std::fmt;

use time::{Date, Month};

use crate::halfwidth::to_halfwidth;
use crate::{FieldError, Sex};

/// An 18-character mainland resident identity number (GB 11643-1999):
/// a 6-digit administrative-area code, the birth date `YYYYMMDD`, a 3-digit
/// sequence whose last digit is odd for men and even for women, and an
/// ISO 7064 MOD 11-2 check character (`0`–`9` or `X`).
///
/// Personal information under PIPL: `Debug` prints only the masked form, and
/// there is no `Display`, so the full number cannot reach a log line by
/// accident; [`IdNumber::as_str`] is for the encryption layer.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

/// ISO 7064 MOD 11-2 weights: 2^(17 - i) mod 11 for positions 0..17.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum mod 11.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";
/// Birth dates before this year are typos, not people still alive.
const EARLIEST_BIRTH_YEAR: i32 = 1900;

const FIELD: &str = "id_number";

impl IdNumber {
    /// Parses a number as typed: surrounding and inner spaces, full-width
    /// characters and a lowercase `x` are accepted. `today` bounds the birth
    /// date (nobody is born in the future); pass the local date of the request.
    pub fn parse(s: &str, today: Date) -> Result<IdNumber, FieldError> {
        let s: String = s
            .chars()
            .map(to_halfwidth)
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let b = s.as_bytes();
        let well_formed = b.len() == 18
            && b[..17].iter().all(u8::is_ascii_digit)
            && (b[17].is_ascii_digit() || b[17] == b'X');
        if !well_formed {
            return Err(FieldError::new(FIELD, "err.id_number.format"));
        }
        if check_char(&b[..17]) != b[17] {
            return Err(FieldError::new(FIELD, "err.id_number.checksum"));
        }
        birth_date(&b[6..14])
            .filter(|d| d.year() >= EARLIEST_BIRTH_YEAR && *d <= today)
            .ok_or(FieldError::new(FIELD, "err.id_number.birth_date"))?;
        Ok(IdNumber(s))
    }

    /// The full number, for encryption and for an audited reveal only.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The administrative-area code of the place of first registration. Only
    /// its form is checked: codes are retired and reissued over the decades,
    /// and an old card stays valid.
    pub fn area_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> Date {
        birth_date(&self.0.as_bytes()[6..14]).expect("checked by parse")
    }

    /// From the 17th character: odd for men, even for women.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// `150102********123X`: the area code and the last four characters, as
    /// pages and API reads show it.
    pub fn mask(&self) -> String {
        mask_stored(&self.0)
    }

    /// Whether the number agrees with the sex stated for the person, so a
    /// number typed into the wrong member's row is caught.
    pub fn matches_sex(&self, sex: Sex) -> bool {
        self.sex() == sex
    }

    /// Whether the number agrees with the birth year stated for the person.
    pub fn matches_birth_year(&self, year: i32) -> bool {
        self.birth_date().year() == year
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.mask())
    }
}

/// The MOD 11-2 check character of the first 17 digits.
fn check_char(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// `YYYYMMDD` as a real calendar date (no 31 April, 29 February only in
/// leap years).
fn birth_date(ymd: &[u8]) -> Option<Date> {
    let num = |r: std::ops::Range<usize>| -> u32 {
        ymd[r].iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
    };
    let month = Month::try_from(u8::try_from(num(4..6)).ok()?).ok()?;
    Date::from_calendar_date(
        i32::try_from(num(0..4)).ok()?,
        month,
        u8::try_from(num(6..8)).ok()?,
    )
    .ok()
}

/// The mask of a number as stored (checked when it was recorded): the area
/// code and the last four characters; a value of another shape shows only
/// its last four.
pub fn mask_stored(stored: &str) -> String {
    if stored.len() == 18 && stored.is_ascii() {
        format!("{}********{}", &stored[..6], &stored[14..])
    } else {
        let n = stored.chars().count();
        stored
            .chars()
            .enumerate()
            .map(|(i, c)| if i + 4 < n { '*' } else { c })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 11 - 29);

    /// Completes 17 digits with their check character, so the tests use
    /// well-formed numbers without copying anyone's real one.
    fn valid(first17: &str) -> String {
        assert_eq!(first17.len(), 17);
        let check = check_char(first17.as_bytes()) as char;
        format!("{first17}{check}")
    }

    fn err(s: &str) -> &'static str {
        IdNumber::parse(s, TODAY).unwrap_err().key
    }

    #[test]
    fn check_digit_follows_iso_7064() {
        // The worked example of GB 11643-1999 (a specimen, not a person):
        // 11010519491231002 → check character X.
        assert_eq!(check_char(b"11010519491231002"), b'X');
        // Weights are 2^(17-i) mod 11.
        for (i, w) in WEIGHTS.iter().enumerate() {
            assert_eq!(2u32.pow(17 - i as u32) % 11, *w);
        }
    }

    #[test]
    fn parses_a_valid_number_and_reads_its_parts() {
        let s = valid("15010219850321124");
        let id = IdNumber::parse(&s, TODAY).unwrap();
        assert_eq!(id.as_str(), s);
        assert_eq!(id.area_code(), "150102");
        assert_eq!(id.birth_date(), date!(1985 - 03 - 21));
        assert_eq!(id.sex(), Sex::Female);
        assert!(id.matches_sex(Sex::Female));
        assert!(!id.matches_sex(Sex::Male));
        assert!(id.matches_birth_year(1985));
        assert!(!id.matches_birth_year(1986));
        assert_eq!(id.mask(), format!("150102********{}", &s[14..]));
        let man = IdNumber::parse(&valid("15252219700101003"), TODAY).unwrap();
        assert_eq!(man.sex(), Sex::Male);
    }

    #[test]
    fn accepts_x_lowercase_spaces_and_fullwidth() {
        let s = valid("11010519491231002");
        assert!(s.ends_with('X'));
        let typed = format!(" {} {}", &s[..6], s[6..].to_lowercase());
        assert_eq!(IdNumber::parse(&typed, TODAY).unwrap().as_str(), s);
        let fullwidth: String = s
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        assert_eq!(IdNumber::parse(&fullwidth, TODAY).unwrap().as_str(), s);
        let id = IdNumber::parse(&s, TODAY).unwrap();
        assert_eq!(id.mask(), "110105********002X");
    }

    #[test]
    fn refuses_malformed_numbers() {
        assert_eq!(err(""), "err.id_number.format");
        assert_eq!(err("15010219850321124"), "err.id_number.format"); // 17
        assert_eq!(
            err(&format!("{}0", valid("15010219850321124"))),
            "err.id_number.format"
        ); // 19
        assert_eq!(err("15010219850321A24X"), "err.id_number.format");
        assert_eq!(err("1501021985032112-4"), "err.id_number.format");
        assert_eq!(err("X50102198503211240"), "err.id_number.format"); // X only last
        // A 15-digit first-generation number is not accepted: those cards
        // expired in 2013.
        assert_eq!(err("150102850321124"), "err.id_number.format");
    }

    #[test]
    fn refuses_a_wrong_check_digit() {
        let s = valid("15010219850321124");
        let last = s.as_bytes()[17];
        for c in b"0123456789X".iter().filter(|c| **c != last) {
            let wrong = format!("{}{}", &s[..17], *c as char);
            assert_eq!(err(&wrong), "err.id_number.checksum", "{wrong}");
        }
        // A swap of two adjacent digits, the most common typo, is caught.
        let swapped = format!("{}{}", "15010219850312124", &s[17..]);
        assert_eq!(err(&swapped), "err.id_number.checksum");
    }

    #[test]
    fn refuses_impossible_birth_dates() {
        for body in [
            "15010219850231124", // 31 February
            "15010219851301124", // month 13
            "15010219850000124", // month 0
            "15010219850100124", // day 0
            "15010219010229124", // 1901 is not a leap year
            "15010218991231124", // before 1900
            "15010220261130124", // tomorrow
            "15010230000101124", // far future
        ] {
            assert_eq!(err(&valid(body)), "err.id_number.birth_date", "{body}");
        }
        // The edges are allowed: 29 February of a leap year, 1900, today.
        for body in [
            "15010220000229124",
            "15010219000101124",
            "15010220261129124",
        ] {
            assert!(IdNumber::parse(&valid(body), TODAY).is_ok(), "{body}");
        }
    }

    #[test]
    fn debug_shows_only_the_mask() {
        let s = valid("15010219850321124");
        let id = IdNumber::parse(&s, TODAY).unwrap();
        let dbg = format!("{id:?}");
        assert!(!dbg.contains(&s));
        assert!(!dbg.contains("19850321"));
        assert!(dbg.contains("150102********"));
    }
}
